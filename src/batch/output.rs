//! Where a run's results go, and putting them in place: the output (a file
//! or stdout) and the journal it appends to, committed in the one safe
//! order, journal first.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::BatchError;
use crate::atomic::TempFile;
use crate::format::{self, Format};
use crate::model::Export;

/// Where the result of a run goes, as asked for, before the input's format
/// is known.
#[derive(Debug, Clone)]
pub struct Destination {
    /// `None` is stdout.
    pub path: Option<PathBuf>,
    /// `None`: the input's format.
    pub format: Option<Format>,
    /// `--sanitize-formulas`.
    pub sanitize_formulas: bool,
    /// The mode of a new file (output or journal): the input's (SPEC 7).
    pub mode: Option<u32>,
}

impl Destination {
    /// The temporary file beside the output, made before the input is
    /// read (as [`Target::temp_file`]): an output that cannot be written is
    /// told before a large input is read, and a run interrupted while it
    /// reads leaves nothing behind either way.
    pub fn temp_file(&self) -> Result<Option<TempFile>, BatchError> {
        temp_beside(self.path.as_deref(), self.mode)
    }

    /// The target, once the input's format is known.
    pub fn resolve(&self, input: Format) -> Target {
        Target {
            path: self.path.clone(),
            format: self.format.unwrap_or(input),
            sanitize_formulas: self.sanitize_formulas,
            mode: self.mode,
        }
    }
}

/// Where and how a command writes its result.
#[derive(Debug, Clone)]
pub struct Target {
    /// `None` is stdout.
    pub path: Option<PathBuf>,
    pub format: Format,
    /// `--sanitize-formulas`.
    pub sanitize_formulas: bool,
    /// The mode of a new file: the input's (SPEC 7).
    pub mode: Option<u32>,
}

impl Target {
    /// The output for messages: its path, or "stdout".
    pub fn describe(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| "stdout".to_string(), |p| p.display().to_string())
    }

    /// The temporary file the result is written to before it is renamed
    /// into place; `None` for stdout.
    pub fn temp_file(&self) -> Result<Option<TempFile>, BatchError> {
        temp_beside(self.path.as_deref(), self.mode)
    }
}

/// The temporary file of an output at `path` (none for stdout).
fn temp_beside(
    path: Option<&std::path::Path>,
    mode: Option<u32>,
) -> Result<Option<TempFile>, BatchError> {
    path.map(|p| {
        TempFile::create_with_mode(p, mode).map_err(|source| BatchError::Write {
            to: p.display().to_string(),
            source,
        })
    })
    .transpose()
}

/// The warnings of what writing the export in `format` leaves out: the
/// document's keys first (a v1 page written as CSV has more columns left
/// out than the warnings shown, and they would hide it), then the parts of
/// contacts a spreadsheet has no columns for.
pub fn left_out(export: &Export, format: Format) -> Vec<String> {
    let mut warnings: Vec<String> = lost_top_level(export, format).into_iter().collect();
    let name = if format == Format::Xlsx {
        "XLSX"
    } else {
        "CSV"
    };
    warnings.extend(lost_in_csv(export, format).into_iter().map(|(section, n)| {
        format!("{name} has no column for {section}: left out of the output for {}; write JSON to keep it", crate::text::count(n, "contact", "contacts"))
    }));
    warnings
}

/// What writing the export as CSV leaves out: the parts of contacts a CSV
/// export has no columns for (history, timeline, lists, ...), with how many
/// contacts have them. Empty for other formats.
pub fn lost_in_csv(export: &Export, format: Format) -> Vec<(String, usize)> {
    if !matches!(format, Format::Csv | Format::Xlsx) {
        return Vec::new();
    }
    let mut lost: Vec<(String, usize)> = Vec::new();
    let mut count = |name: &str| match lost.iter_mut().find(|(n, _)| n == name) {
        Some((_, k)) => *k += 1,
        None => lost.push((name.to_string(), 1)),
    };
    for c in &export.contacts {
        // Named as the file writes them (a v1 contact's `versions` and
        // `form-submissions`).
        if c.history.as_ref().is_some_and(|h| !h.is_empty()) {
            count(crate::format::shown_key(c, crate::model::key::HISTORY));
        }
        for k in c.sections.keys() {
            count(crate::format::shown_key(c, k));
        }
        for name in lost_associations(c) {
            count(&name);
        }
    }
    lost
}

/// The parts of a contact's associations a CSV has no column for: a kind
/// without an id column (`notes`, a custom object such as `p123_cars`)
/// that holds entries, and the keys beside a list's `results` (`paging`).
fn lost_associations(c: &crate::model::Contact) -> Vec<String> {
    let key = crate::model::key::ASSOCIATIONS;
    let mut names = Vec::new();
    for (kind, list) in c.associations.iter().flatten() {
        let extra = match &list.form {
            crate::model::AssocForm::Results(m) => m.keys().filter(|k| *k != "results").collect(),
            crate::model::AssocForm::Plain => Vec::new(),
        };
        if crate::labels::association_header(kind, false).is_none() {
            if !list.entries.is_empty() || !extra.is_empty() {
                names.push(format!("{key}.{kind}"));
            }
            continue;
        }
        names.extend(extra.into_iter().map(|k| format!("{key}.{kind}.{k}")));
    }
    names
}

/// What writing a JSON document in another format leaves out: the keys
/// beside its list of contacts (`portalId`, `companies`, `paging`, a v1
/// page's `has-more`...), which only a JSON document has a place for.
pub fn lost_top_level(export: &Export, format: Format) -> Option<String> {
    let crate::model::Layout::Json {
        shape: crate::model::JsonShape::Object { top, contacts_key },
        ..
    } = &export.layout
    else {
        return None;
    };
    let keys: Vec<String> = (top.keys())
        .filter(|k| *k != contacts_key)
        .map(|k| format!("\"{k}\""))
        .collect();
    if format == Format::Json || keys.is_empty() {
        return None;
    }
    Some(format!(
        "{} has no place for the document's keys beside \"{contacts_key}\" ({}): left out of the output; write JSON to keep them",
        format.name(),
        keys.join(", ")
    ))
}

/// Write the export to the target: atomically to a file, with the
/// journal, when there is one, put in place just before it (see
/// [`commit`]); or to stdout, the journal put in place once stdout took
/// the whole export. Returns warnings about what the target format cannot hold.
pub fn save(
    export: &Export,
    target: &Target,
    stdout: &mut dyn Write,
    journal: Option<Journal>,
) -> Result<Vec<String>, BatchError> {
    save_into(export, target, stdout, journal, target.temp_file()?)
}

/// [`save`] into the target's temporary file `tmp`, made before (`None`:
/// stdout).
pub fn save_into(
    export: &Export,
    target: &Target,
    stdout: &mut dyn Write,
    journal: Option<Journal>,
    tmp: Option<TempFile>,
) -> Result<Vec<String>, BatchError> {
    let mut warnings = left_out(export, target.format);
    if let Some(w) = sanitize_unused(target) {
        warnings.push(w);
    }
    let opts = format::WriteOptions {
        sanitize_formulas: target.sanitize_formulas,
    };
    match tmp {
        None => {
            // The export first, flushed, then the journal: like the
            // streamed way, a run whose stdout failed (`> /dev/full`,
            // `>&-`) leaves the journal as it was, as exit 1 says.
            format::write_with(export, target.format, opts, &mut *stdout)
                .and_then(|()| stdout.flush())
                .map_err(|e| {
                    super::error::cut_short(&e, journal.as_ref().map(Journal::path))
                        .unwrap_or(BatchError::Stdout(e))
                })?;
            commit(journal, None, target)?;
        }
        Some(mut tmp) => {
            format::write_with(export, target.format, opts, tmp.writer()).map_err(|source| {
                BatchError::Write {
                    to: target.describe(),
                    source,
                }
            })?;
            commit(journal, Some(tmp), target)?;
        }
    }
    Ok(warnings)
}

/// The warning that `--sanitize-formulas` changes nothing in this output:
/// only CSV is opened in spreadsheets (and so sanitised).
pub fn sanitize_unused(target: &Target) -> Option<String> {
    let sheet = matches!(target.format, Format::Csv | Format::Xlsx);
    (target.sanitize_formulas && !sheet).then(|| {
        format!(
            "--sanitize-formulas changes only CSV and XLSX output; {} is written as {}, unchanged",
            target.describe(),
            format!("{:?}", target.format).to_lowercase()
        )
    })
}

/// Put a command's results in place, in the one safe order: the journal
/// first, then the output (an output without its journal could not be
/// restored). Both are complete in their temporary files by now, so a
/// failure to write either leaves both targets as they were.
pub fn commit(
    journal: Option<Journal>,
    output: Option<TempFile>,
    target: &Target,
) -> Result<(), BatchError> {
    if let Some(j) = &journal {
        // Another run appending to it meanwhile would lose its lines.
        if stamp(&j.path) != j.copied {
            return Err(BatchError::JournalChanged(j.path.clone()));
        }
    }
    // Renamed as one step as far as an interruption goes
    // ([`crate::atomic::commit_all`]): a journal without its output would
    // list merges that were never written.
    let names: Vec<String> = journal
        .iter()
        .map(|j| format!("the journal {}", j.path.display()))
        .chain(output.iter().map(|_| target.describe()))
        .collect();
    crate::atomic::commit_results(journal.map(|j| j.tmp).into_iter().chain(output)).map_err(|e| {
        BatchError::Write {
            to: names[e.index].clone(),
            source: e.error,
        }
    })
}

/// A journal being extended (SPEC section 6: every command that writes a
/// journal appends to it). The journal as it was is copied into a
/// temporary file beside it and this run's lines follow; [`commit`] renames
/// it over the old one. So the journal is always either the old one or the
/// old one with all of this run's lines, never a cut-off line that would
/// make the merges before it unreadable.
pub struct Journal {
    path: PathBuf,
    tmp: TempFile,
    /// The journal as it was copied ([`stamp`]).
    copied: Option<Stamp>,
}

/// A regular file's identity and last change: device, inode, length and
/// modification time (seconds, nanoseconds).
type Stamp = (u64, u64, u64, i64, i64);

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
    Some(stamp_of(&m))
}

fn stamp_of(m: &std::fs::Metadata) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino(), m.len(), m.mtime(), m.mtime_nsec())
}

impl Journal {
    /// Start from the journal at `path`, if there is one. A journal that is
    /// not a regular file (a pipe, `/dev/null`) is written to as it is. A
    /// new journal takes `mode` (the input's: SPEC 7).
    pub fn open(path: &Path, mode: Option<u32>) -> Result<Journal, BatchError> {
        let cannot = |source| BatchError::JournalWrite {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).ok();
        if meta.as_ref().is_some_and(|m| m.is_dir()) {
            return Err(BatchError::JournalIsFolder(path.to_path_buf()));
        }
        let mut tmp = TempFile::create_with_mode(path, mode).map_err(cannot)?;
        let mut copied = None;
        if meta.is_some_and(|m| m.is_file()) {
            let cannot_read = |source| BatchError::JournalRead {
                path: path.to_path_buf(),
                source,
            };
            let mut old = std::fs::File::open(path).map_err(cannot_read)?;
            copied = Some(stamp_of(&old.metadata().map_err(cannot_read)?));
            let w = tmp.writer();
            let mut last = LastLine::default();
            // A journal cut off after its last line still gets its own line.
            if copy_all(&mut old, w, &mut last)
                .map_err(cannot)?
                .is_some_and(|last| last != b'\n')
            {
                w.write_all(b"\n").map_err(cannot)?;
            }
            // A last line cut off in the middle would make every line of
            // the journal unreadable, this run's too: refused before any
            // work is done (the temporary copy goes with `tmp`). So is a
            // file whose last line is no journal line: `unmerge` could not
            // read the merges appended to it.
            let path = path.to_path_buf();
            match last.problem() {
                Some((line, None)) => return Err(BatchError::JournalCutOff { path, line }),
                Some((line, Some(what))) => {
                    return Err(BatchError::NotAJournal { path, line, what })
                }
                None => {}
            }
        }
        Ok(Journal {
            path: path.to_path_buf(),
            tmp,
            copied,
        })
    }

    /// Where this run's lines go, after the old ones.
    pub fn writer(&mut self) -> &mut std::io::BufWriter<std::fs::File> {
        self.tmp.writer()
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Copy `from` to `to`, showing every byte to `lines`; the last byte
/// copied (`None` when empty).
fn copy_all(
    from: &mut dyn Read,
    to: &mut dyn Write,
    lines: &mut LastLine,
) -> std::io::Result<Option<u8>> {
    let mut buf = vec![0; 64 * 1024];
    let mut last = None;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(last),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        to.write_all(&buf[..n])?;
        lines.feed(&buf[..n]);
        last = Some(buf[n - 1]);
    }
}

/// The last line of a journal that is not blank, and its number, read as
/// the journal is copied.
#[derive(Default)]
struct LastLine {
    /// The line being read (after the last newline so far).
    current: Vec<u8>,
    /// Lines ended so far.
    ended: u64,
    /// The last line not blank that ended, and its number.
    last: Vec<u8>,
    number: u64,
    /// The first line not blank, and its number, when it is not the last.
    first: Option<(Vec<u8>, u64)>,
}

impl LastLine {
    fn feed(&mut self, bytes: &[u8]) {
        let mut pieces = bytes.split(|&b| b == b'\n');
        if let Some(first) = pieces.next() {
            self.current.extend_from_slice(first);
        }
        for piece in pieces {
            self.end_line();
            self.current.extend_from_slice(piece);
        }
    }

    fn end_line(&mut self) {
        self.ended += 1;
        if self.current.iter().all(u8::is_ascii_whitespace) {
            self.current.clear();
        } else {
            let last = std::mem::replace(&mut self.last, std::mem::take(&mut self.current));
            if self.number != 0 && self.first.is_none() {
                self.first = Some((last, self.number));
            }
            self.number = self.ended;
        }
    }

    /// The number of the first or last line not blank when it is no
    /// journal line: with `None` when the last is not one whole JSON
    /// object but begins as one (as when a copy was cut short), else with
    /// what it lacks. A cut-off copy loses its end, never its beginning: a
    /// first line that is not a whole journal line (a CSV header, an
    /// export) means the file is not a journal at all.
    fn problem(mut self) -> Option<(u64, Option<String>)> {
        if !self.current.is_empty() {
            self.end_line();
        }
        if self.number == 0 {
            return None;
        }
        if let Some((first, number)) = &self.first {
            if let Some(what) = not_a_journal_line(without_bom(first, *number)) {
                return Some((*number, Some(what)));
            }
        }
        let line = without_bom(&self.last, self.number);
        if !line.trim_ascii_start().starts_with(b"{") {
            return Some((self.number, not_a_journal_line(line)));
        }
        let object = std::str::from_utf8(line).is_ok()
            && serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok();
        if !object {
            return Some((self.number, None));
        }
        crate::journal::line_problem(line).map(|what| (self.number, Some(what)))
    }
}

/// Line 1 without its byte order mark.
fn without_bom(line: &[u8], number: u64) -> &[u8] {
    match number {
        1 => line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line),
        _ => line,
    }
}

/// What a line lacks to be a journal line, if anything.
fn not_a_journal_line(line: &[u8]) -> Option<String> {
    let object = line.trim_ascii_start().starts_with(b"{")
        && std::str::from_utf8(line).is_ok()
        && serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok();
    if !object {
        return Some(
            "it is not a JSON object, as every journal line is (a CSV or other export given as \
             --journal?)"
                .into(),
        );
    }
    crate::journal::line_problem(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_target(path: &Path) -> Target {
        Target {
            path: Some(path.to_path_buf()),
            format: Format::Csv,
            sanitize_formulas: false,
            mode: None,
        }
    }

    /// A journal line, as `merge --journal` writes one (the least of it).
    const LINE: &str = r#"{"mergeTime":"2024-03-01T10:00:00.000Z","policy":"most-recent","primaryId":"1","secondaryId":"2","primary":{"id":"1","properties":{}},"secondary":{"id":"2","properties":{}},"merged":{"id":"1","properties":{}}}"#;

    /// The old lines, a newline the old journal lacked, then the new ones;
    /// the journal before the output.
    #[test]
    fn a_journal_is_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        let (j, out) = (dir.path().join("j.jsonl"), dir.path().join("out.csv"));
        std::fs::write(&j, LINE).unwrap();
        let mut journal = Journal::open(&j, None).unwrap();
        journal.writer().write_all(b"{\"b\":2}\n").unwrap();
        let mut tmp = TempFile::create(&out).unwrap();
        tmp.writer().write_all(b"Record ID\n").unwrap();
        commit(Some(journal), Some(tmp), &file_target(&out)).unwrap();
        let want = format!("{LINE}\n{{\"b\":2}}\n");
        assert_eq!(std::fs::read_to_string(&j).unwrap(), want);
        assert_eq!(std::fs::read(&out).unwrap(), b"Record ID\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// Another run appended meanwhile: neither its lines nor the output
    /// are written over; nothing lands.
    #[test]
    fn a_journal_changed_meanwhile_is_not_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let (j, out) = (dir.path().join("j.jsonl"), dir.path().join("out.csv"));
        let line = format!("{LINE}\n");
        for before in [Some(line.as_str()), None] {
            let _ = std::fs::remove_file(&j);
            if let Some(b) = before {
                std::fs::write(&j, b).unwrap();
            }
            let mut journal = Journal::open(&j, None).unwrap();
            journal.writer().write_all(b"{\"mine\":1}\n").unwrap();
            let other = format!("{}{{\"other\":1}}\n", before.unwrap_or(""));
            std::fs::write(&j, &other).unwrap();
            let mut tmp = TempFile::create(&out).unwrap();
            tmp.writer().write_all(b"Record ID\n").unwrap();
            let err = commit(Some(journal), Some(tmp), &file_target(&out)).unwrap_err();
            assert!(err.to_string().contains("changed while this run"), "{err}");
            assert_eq!(std::fs::read_to_string(&j).unwrap(), other);
            assert!(!out.exists());
            assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        }
    }
}
