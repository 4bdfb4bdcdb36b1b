//! Files that keep a record a command appends to: a merge journal (read
//! back by `unmerge --restore`) and a push log (read back by the next
//! `push`, so that no merge is sent twice). A command that replaces its
//! output whole (`-o`) must never replace one of them: the record would be
//! gone, and `.jsonl` is both an export's extension and theirs.

use std::io::{BufRead, Read};
use std::path::Path;

/// What an existing file keeps, told by its first line: `None` for
/// anything else (a file that is not there, an export, a folder).
pub fn kept_record(path: &Path) -> Option<&'static str> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() == 0 {
        return None;
    }
    // The first line that is not blank; a journal line holds three
    // contacts, and a few MB is more than any.
    let file = std::fs::File::open(path).ok()?;
    let mut lines = std::io::BufReader::new(file.take(8 << 20));
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).ok()? == 0 {
            return None;
        }
        if !line.trim_ascii().is_empty() {
            break;
        }
    }
    let first = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&line);
    let first = first.trim_ascii_end();
    if !first.trim_ascii_start().starts_with(b"{") {
        return None;
    }
    if crate::journal::line_problem(first).is_none() {
        return Some("a journal of merges");
    }
    if serde_json::from_slice::<crate::portal::pushlog::Entry>(first).is_ok() {
        return Some("a push log");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_and_a_push_log_are_told_by_their_first_line_and_an_export_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p
        };
        let log = file(
            "push.jsonl",
            "{\"event\":\"start\",\"at\":\"2024-06-01T00:00:00Z\",\"export\":\"e.ndjson\",\"plan\":\"p.csv\",\"pairs\":1,\"apiBase\":\"http://x\",\"rate\":\"100/10s\"}\n",
        );
        assert_eq!(kept_record(&log), Some("a push log"));
        let export = file(
            "e.jsonl",
            "{\"id\":\"1\",\"properties\":{\"email\":\"a@x.com\"}}\n",
        );
        assert_eq!(kept_record(&export), None);
        let csv = file("e.csv", "Record ID,Email\n1,a@x.com\n");
        assert_eq!(kept_record(&csv), None);
        assert_eq!(kept_record(&dir.path().join("missing.jsonl")), None);
        assert_eq!(kept_record(dir.path()), None);
        assert_eq!(kept_record(&file("empty.jsonl", "")), None);
    }
}
