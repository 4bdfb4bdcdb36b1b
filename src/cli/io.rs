//! Reading and writing exports for every command, in one place.

use std::io::Write;
use std::path::Path;

use super::args::Global;
use super::UsageError;
pub use crate::batch::{Destination, Journal, Target};
use crate::format::{self, Format};
use crate::model::Export;

/// Read an export (`-` is stdin).
pub fn load(path: &Path, global: &Global) -> anyhow::Result<Export> {
    Ok(format::read_path(path, global.input_format)?)
}

/// Why `id` is no contact of the export at `path`, as a user reads it:
/// when a contact lists it in `hs_merged_object_ids`, it was merged into
/// that contact, whose id to name instead (two that list it are both
/// named). The file is read again for it, on this error's path only; stdin
/// cannot be.
pub fn not_in_export(path: &Path, global: &Global, id: &str) -> anyhow::Error {
    let file = path.display();
    let hint = crate::error::merged_away_hint(id, &holders_of(path, global, id));
    anyhow::anyhow!("{file}: contact {id} is not in the export{hint}")
}

/// The contacts (the first two) that list `id` among the ids merged into
/// them, from a second reading of the export (none for stdin, read once).
pub fn holders_of(path: &Path, global: &Global, id: &str) -> Vec<String> {
    let mut holders: Vec<String> = Vec::new();
    if path.as_os_str() != "-" {
        let _ = format::for_each_contact(path, global.input_format, &mut |c| {
            if holders.len() < 2 && c.lists_merged_id(id) {
                holders.push(c.id);
            }
        });
    }
    holders
}

/// Only the contacts with these ids, from one pass over the export that
/// parses only them (the first with each); every other record is checked
/// as it is read, and the export is refused as a whole reading refuses it.
pub fn load_contacts(path: &Path, global: &Global, ids: &[&str]) -> anyhow::Result<format::Found> {
    Ok(format::find_contacts(
        path,
        global.input_format,
        ids,
        format::Reading::UntilFound,
    )?)
}

/// Work out the output: `-o FILE` (`-` = stdout), or the input itself with
/// `--in-place`. The format is `--output-format`, else `-o`'s extension,
/// else (left to the library) the input's.
pub fn destination(
    input: &Path,
    output: Option<&Path>,
    in_place: bool,
    global: &Global,
) -> Result<Destination, UsageError> {
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
    // `--in-place` with an `-o` other than the input was refused with the
    // other overlaps: here it replaces the input.
    if in_place {
        other_sheets_kept(input, global)?;
        same_format_in_place(input, global)?;
    }
    let format = global
        .output_format
        .or_else(|| path.as_deref().and_then(Format::from_path));
    if path.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        let written = format.or_else(|| global.input_format.or_else(|| Format::from_path(input)));
        if written == Some(Format::Xlsx) {
            return Err(UsageError(
                "an XLSX workbook is binary and stdout is a terminal: write it to a file (-o FILE.xlsx), pipe it, or give --output-format csv".into(),
            ));
        }
    }
    Ok(Destination {
        path,
        format,
        sanitize_formulas: global.sanitize_formulas,
        mode: input_mode(input),
    })
}

/// `--in-place` with `--output-format` naming another format than the
/// input's would leave the input's name on a file of another format (a
/// `.csv` holding a workbook, which nothing then reads as CSV): refused,
/// before any work, for `-o` to a file of that format.
fn same_format_in_place(input: &Path, global: &Global) -> Result<(), UsageError> {
    let read = global.input_format.or_else(|| Format::from_path(input));
    match (read, global.output_format) {
        (Some(read), Some(written)) if read != written => {
            let flag = format!("{written:?}").to_lowercase();
            Err(UsageError(format!(
                "--in-place writes the result over {} in its own format, {}; --output-format {flag} would leave {} under that name: write the conversion to another file with -o FILE.{flag}",
                input.display(),
                read.name(),
                written.name(),
            )))
        }
        _ => Ok(()),
    }
}

/// `--in-place` on a workbook of several sheets would lose all but the
/// first (the one the tool reads and writes back): refused, before any
/// work, for `-o` to another file.
fn other_sheets_kept(input: &Path, global: &Global) -> Result<(), UsageError> {
    let xlsx = global.input_format.or_else(|| Format::from_path(input)) == Some(Format::Xlsx);
    match xlsx.then(|| format::xlsx::other_sheets(input)).flatten() {
        Some(others) => Err(UsageError(format!(
            "{} has {others}; the tool reads and writes back the first sheet only, so --in-place would lose them: write the result to another file with -o FILE.xlsx",
            input.display(),
        ))),
        None => Ok(()),
    }
}

/// [`destination`], once the input's format is known.
pub fn target(
    input: &Path,
    output: Option<&Path>,
    in_place: bool,
    global: &Global,
    input_format: Format,
) -> Result<Target, UsageError> {
    Ok(destination(input, output, in_place, global)?.resolve(input_format))
}

/// The permission bits of the input, for the new files written from it
/// (outputs, journals, plans): stdin's when it is a file (`< in.csv`), so
/// that an export kept private makes private outputs whichever way it is
/// given; `None` for a pipe.
pub fn input_mode(input: &Path) -> Option<u32> {
    if is_stdin(input) {
        return crate::atomic::mode_of(Path::new("/dev/stdin"));
    }
    crate::atomic::mode_of(input)
}

fn is_stdin(p: &Path) -> bool {
    p.as_os_str() == "-"
}

/// Write the export to the target (see [`crate::batch::output::save`]).
pub fn save(
    export: &Export,
    target: &Target,
    stdout: &mut dyn Write,
    journal: Option<Journal>,
) -> anyhow::Result<Vec<String>> {
    Ok(crate::batch::output::save(export, target, stdout, journal)?)
}
