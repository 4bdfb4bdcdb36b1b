//! Reading and writing exports for every command, in one place.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::args::Global;
use super::UsageError;
use crate::format::{self, Format};
use crate::model::Export;

/// Read an export (`-` is stdin).
pub fn load(path: &Path, global: &Global) -> anyhow::Result<Export> {
    Ok(format::read_path(path, global.input_format)?)
}

/// Only the contacts with these ids, read one at a time from the export
/// (the first with each id); the rest is not kept.
pub fn load_contacts(
    path: &Path,
    global: &Global,
    ids: &[&str],
) -> anyhow::Result<std::collections::HashMap<String, crate::model::Contact>> {
    let mut found = std::collections::HashMap::new();
    format::for_each_contact(path, global.input_format, &mut |c| {
        if ids.contains(&c.id.as_str()) && !found.contains_key(&c.id) {
            found.insert(c.id.clone(), c);
        }
    })?;
    Ok(found)
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
    pub fn temp_file(&self) -> anyhow::Result<Option<crate::atomic::TempFile>> {
        self.path
            .as_ref()
            .map(|p| {
                crate::atomic::TempFile::create_with_mode(p, self.mode)
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
        (Some(o), in_place) => {
            if !in_place && same_file(input, o) {
                return Err(UsageError(format!(
                    "-o {} names the input file; pass --in-place to replace it, or write elsewhere",
                    o.display()
                )));
            }
            Some(o.to_path_buf())
        }
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

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
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

/// Write the export to the target: atomically to a file, or to stdout.
/// Returns warnings about what the target format cannot hold.
pub fn save(
    export: &Export,
    target: &Target,
    stdout: &mut dyn Write,
) -> anyhow::Result<Vec<String>> {
    let (warnings, tmp) = save_uncommitted(export, target, stdout)?;
    if let Some(t) = tmp {
        t.commit()
            .with_context(|| format!("cannot write {}", target.describe()))?;
    }
    Ok(warnings)
}

/// [`save`] up to the rename: a file target is left in its temporary file,
/// for a command that commits it with its journal
/// ([`crate::atomic::commit_all`]); stdout is written at once.
pub fn save_uncommitted(
    export: &Export,
    target: &Target,
    stdout: &mut dyn Write,
) -> anyhow::Result<(Vec<String>, Option<crate::atomic::TempFile>)> {
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
    let mut tmp = target.temp_file()?;
    match tmp.as_mut() {
        None => format::write_with(export, target.format, opts, stdout)
            .context("cannot write to stdout"),
        Some(t) => format::write_with(export, target.format, opts, t.writer())
            .with_context(|| format!("cannot write {}", target.describe())),
    }?;
    Ok((warnings, tmp))
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
