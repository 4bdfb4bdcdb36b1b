//! Reading and writing exports for every command, in one place.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::args::Global;
use super::UsageError;
use crate::atomic::TempFile;
use crate::format::{self, Format};
use crate::model::Export;

/// Read an export (`-` is stdin).
pub fn load(path: &Path, global: &Global) -> anyhow::Result<Export> {
    Ok(format::read_path(path, global.input_format)?)
}

/// Only the contacts with these ids, from one pass over the export that
/// parses only them (the first with each); every other record is checked
/// as it is read, and the export is refused as a whole reading refuses it.
pub fn load_contacts(
    path: &Path,
    global: &Global,
    ids: &[&str],
) -> anyhow::Result<std::collections::HashMap<String, crate::model::Contact>> {
    Ok(format::find_contacts(
        path,
        global.input_format,
        ids,
        format::Reading::Whole,
    )?)
}

/// The format of the input: `--input-format`, else its extension (`None`
/// for stdin or an unknown extension, which reading then settles).
pub fn input_format(path: &Path, global: &Global) -> Option<Format> {
    global.input_format.or_else(|| Format::from_path(path))
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
    pub fn temp_file(&self) -> anyhow::Result<Option<TempFile>> {
        self.path
            .as_ref()
            .map(|p| {
                TempFile::create_with_mode(p, self.mode)
                    .with_context(|| format!("cannot write {}", p.display()))
            })
            .transpose()
    }
}

/// Work out the output: `-o FILE` (`-` = stdout), or the input itself with
/// `--in-place`. The format is `--output-format`, else `-o`'s extension,
/// else the input's.
pub fn target(
    input: &Path,
    output: Option<&Path>,
    in_place: bool,
    global: &Global,
    input_format: Format,
) -> Result<Target, UsageError> {
    let path = match (output, in_place) {
        (None, false) => {
            return Err(UsageError(
                "say where to write the result: -o FILE (- for stdout), or --in-place to replace the input".into(),
            ))
        }
        (None, true) | (Some(_), true) if is_stdin(input) => {
            return Err(UsageError("--in-place needs an input file, not stdin".into()))
        }
        (None, true) => Some(input.to_path_buf()),
        (Some(o), _) if is_stdin(o) => None,
        // An `-o` naming the input without `--in-place` was refused with
        // the other overlaps ([`super::paths`]).
        (Some(o), _) => Some(o.to_path_buf()),
    };
    let format = global
        .output_format
        .or_else(|| path.as_deref().and_then(Format::from_path))
        .unwrap_or(input_format);
    Ok(Target {
        path,
        format,
        sanitize_formulas: global.sanitize_formulas,
        mode: input_mode(input),
    })
}

/// The permission bits of the input, for the new files written from it
/// (outputs, journals, plans); `None` for stdin.
pub fn input_mode(input: &Path) -> Option<u32> {
    if is_stdin(input) {
        return None;
    }
    crate::atomic::mode_of(input)
}

fn is_stdin(p: &Path) -> bool {
    p.as_os_str() == "-"
}

/// What writing the export as CSV leaves out: the parts of contacts a CSV
/// export has no columns for (history, timeline, lists, ...), with how many
/// contacts have them. Empty for other formats.
pub fn lost_in_csv(export: &Export, format: Format) -> Vec<(String, usize)> {
    if format != Format::Csv {
        return Vec::new();
    }
    let mut lost: Vec<(String, usize)> = Vec::new();
    let mut count = |name: &str| match lost.iter_mut().find(|(n, _)| n == name) {
        Some((_, k)) => *k += 1,
        None => lost.push((name.to_string(), 1)),
    };
    for c in &export.contacts {
        if c.history.as_ref().is_some_and(|h| !h.is_empty()) {
            count(crate::model::key::HISTORY);
        }
        for k in c.sections.keys() {
            count(k);
        }
    }
    lost
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
) -> anyhow::Result<Vec<String>> {
    let mut warnings: Vec<String> = lost_in_csv(export, target.format)
        .into_iter()
        .map(|(section, n)| {
            format!("CSV has no column for {section}: left out of the output for {}; write JSON to keep it", crate::text::count(n, "contact", "contacts"))
        })
        .collect();
    if let Some(w) = sanitize_unused(target) {
        warnings.push(w);
    }
    let opts = format::WriteOptions {
        sanitize_formulas: target.sanitize_formulas,
    };
    match target.temp_file()? {
        None => {
            // The export first, flushed, then the journal: like the
            // streamed way, a run whose stdout failed (`> /dev/full`,
            // `>&-`) leaves the journal as it was, as exit 1 says.
            format::write_with(export, target.format, opts, &mut *stdout)
                .and_then(|()| stdout.flush())
                .context("cannot write to stdout")?;
            commit(journal, None, target)?;
        }
        Some(mut tmp) => {
            format::write_with(export, target.format, opts, tmp.writer())
                .with_context(|| format!("cannot write {}", target.describe()))?;
            commit(journal, Some(tmp), target)?;
        }
    }
    Ok(warnings)
}

/// The warning that `--sanitize-formulas` changes nothing in this output:
/// only CSV is opened in spreadsheets (and so sanitised).
pub fn sanitize_unused(target: &Target) -> Option<String> {
    (target.sanitize_formulas && target.format != Format::Csv).then(|| {
        format!(
            "--sanitize-formulas changes only CSV output; {} is written as {}, unchanged",
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
) -> anyhow::Result<()> {
    if let Some(j) = &journal {
        // Another run appending to it meanwhile would lose its lines.
        if stamp(&j.path) != j.copied {
            anyhow::bail!(
                "the journal {} changed while this run was writing it (another run appending to it?); \
                 nothing was written: run again once the other run is done",
                j.path.display()
            );
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
    crate::atomic::commit_all(journal.map(|j| j.tmp).into_iter().chain(output)).map_err(|e| {
        anyhow::Error::new(e.error).context(format!("cannot write {}", names[e.index]))
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
    pub fn open(path: &Path, mode: Option<u32>) -> anyhow::Result<Journal> {
        let cannot = || format!("cannot write the journal {}", path.display());
        let meta = std::fs::metadata(path).ok();
        if meta.as_ref().is_some_and(|m| m.is_dir()) {
            anyhow::bail!(
                "cannot write the journal {}: it is a folder; name a file (e.g. {}/merges.jsonl)",
                path.display(),
                path.display()
            );
        }
        let mut tmp = TempFile::create_with_mode(path, mode).with_context(cannot)?;
        let mut copied = None;
        if meta.is_some_and(|m| m.is_file()) {
            let cannot_read =
                || format!("cannot read the journal {} to append to it", path.display());
            let mut old = std::fs::File::open(path).with_context(cannot_read)?;
            copied = Some(stamp_of(&old.metadata().with_context(cannot_read)?));
            let w = tmp.writer();
            // A journal cut off after its last line still gets its own line.
            if copy_all(&mut old, w)
                .with_context(cannot)?
                .is_some_and(|last| last != b'\n')
            {
                w.write_all(b"\n").with_context(cannot)?;
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
}

/// Copy `from` to `to`; the last byte copied (`None` when empty).
fn copy_all(from: &mut dyn Read, to: &mut dyn Write) -> std::io::Result<Option<u8>> {
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
        last = Some(buf[n - 1]);
    }
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

    /// The old lines, a newline the old journal lacked, then the new ones;
    /// the journal before the output.
    #[test]
    fn a_journal_is_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        let (j, out) = (dir.path().join("j.jsonl"), dir.path().join("out.csv"));
        std::fs::write(&j, "{\"a\":1}").unwrap();
        let mut journal = Journal::open(&j, None).unwrap();
        journal.writer().write_all(b"{\"b\":2}\n").unwrap();
        let mut tmp = TempFile::create(&out).unwrap();
        tmp.writer().write_all(b"Record ID\n").unwrap();
        commit(Some(journal), Some(tmp), &file_target(&out)).unwrap();
        assert_eq!(std::fs::read(&j).unwrap(), b"{\"a\":1}\n{\"b\":2}\n");
        assert_eq!(std::fs::read(&out).unwrap(), b"Record ID\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// Another run appended meanwhile: neither its lines nor the output
    /// are written over; nothing lands.
    #[test]
    fn a_journal_changed_meanwhile_is_not_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let (j, out) = (dir.path().join("j.jsonl"), dir.path().join("out.csv"));
        for before in [Some("{\"a\":1}\n"), None] {
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
