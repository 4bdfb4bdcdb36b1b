//! What a command settles about its export before reading it: the portal's
//! property definitions (`--properties`) and the order of its slashed
//! dates (`--date-order`, or the file itself).

use std::path::Path;

use anyhow::Context;

use super::args::Command;
use super::Ctx;
use crate::dates;

/// The export a command reads, for the commands that read one and need
/// its dates' order before reading it. `check` decides for each of its
/// files itself; `show` reads no date (it shows values as written) and
/// `diff` decides once it has its two contacts, and only when one of them
/// holds a slashed date ([`decide_for`]): both stop reading at the last
/// contact they need, where the order would need the whole file. `apply`
/// decides while it reads its plan ([`start_deciding`]).
fn export_of(command: &Command) -> Option<&Path> {
    match command {
        Command::Show(_) | Command::Diff(_) => None,
        Command::Merge(a) => Some(&a.file),
        Command::Apply(a) => Some(&a.file),
        Command::Unmerge(a) => Some(&a.file),
        Command::Dupes(a) => Some(&a.file),
        Command::Push(a) => Some(&a.file),
        Command::Check(_) | Command::Pull(_) | Command::Completions(_) | Command::Man(_) => None,
    }
}

/// The exports a command reads, for `--delimiter`.
fn exports_of(command: &Command) -> Vec<&Path> {
    match command {
        Command::Show(a) => vec![&a.file],
        Command::Diff(a) => vec![&a.file],
        Command::Check(a) => a.files.iter().map(|f| f.as_path()).collect(),
        _ => export_of(command).into_iter().collect(),
    }
}

/// `--delimiter` is a CSV export's: given for an export in another format,
/// it changes nothing, which is said (a CSV written from it uses commas).
fn delimiter_unused(command: &Command, ctx: &mut Ctx) {
    use crate::format::Format;
    if ctx.global.delimiter.is_none() {
        return;
    }
    // Only a command that writes an export can write it as CSV.
    let writes = matches!(
        command,
        Command::Apply(_) | Command::Merge(_) | Command::Unmerge(_)
    );
    for path in exports_of(command) {
        let format = ctx.global.input_format.or_else(|| Format::from_path(path));
        if let Some(f) = format.filter(|f| *f != Format::Csv) {
            let line =
                format!(
                "--delimiter is the delimiter of a CSV export, and {} is {}: it changes nothing{}",
                path.display(),
                match f {
                    Format::Json => "JSON",
                    Format::Ndjson => "JSON Lines",
                    Format::Xlsx | Format::Csv => "a workbook",
                },
                if writes { " (a CSV written from it uses commas)" } else { "" }
            );
            ctx.warn("options", &line);
        }
    }
}

/// `--enroll-on-merge` marks the primary's workflows, which only a JSON
/// export holds: given for a CSV or XLSX export, it changes nothing, which
/// is said (as for `--delimiter`).
fn enroll_unused(command: &Command, ctx: &mut Ctx) {
    use crate::format::Format;
    let (flags, path) = match command {
        Command::Diff(a) => (&a.merge, &a.file),
        Command::Merge(a) => (&a.merge, &a.file),
        Command::Apply(a) => (&a.merge, &a.file),
        _ => return,
    };
    let format = ctx.global.input_format.or_else(|| Format::from_path(path));
    if flags.enroll_on_merge && matches!(format, Some(Format::Csv | Format::Xlsx)) {
        let line = format!(
            "--enroll-on-merge marks the primary's workflows, which a CSV or XLSX export does not hold ({}): it changes nothing",
            path.display()
        );
        ctx.warn("options", &line);
    }
}

/// Read the definitions, and settle the order of the export's dates, for
/// the whole run.
pub fn prepare(command: &Command, ctx: &mut Ctx) -> anyhow::Result<()> {
    crate::format::delimiter::set_given(ctx.global.delimiter);
    delimiter_unused(command, ctx);
    enroll_unused(command, ctx);
    if let Some(path) = &ctx.global.properties {
        let bytes = std::fs::read(path).with_context(|| {
            format!(
                "cannot read the property definitions {} (--properties)",
                path.display()
            )
        })?;
        let portal = crate::hubspot::portal::Portal::parse(&bytes, &path.display().to_string())?;
        crate::hubspot::portal::install(portal);
    }
    match (command, export_of(command)) {
        (Command::Apply(_), _) | (_, None) => {}
        (_, Some(path)) => decide(path, ctx)?,
    }
    Ok(())
}

/// [`decide`], when one of `contacts` holds a slashed date (a digit, a
/// slash, a digit anywhere in it): contacts without one read no date the
/// order could change.
pub fn decide_for(
    path: &Path,
    ctx: &Ctx,
    contacts: &[&crate::model::Contact],
) -> Result<(), dates::order::OrderError> {
    let slashed = contacts.iter().any(|c| {
        serde_json::to_vec(c).map_or(true, |bytes| dates::order::has_slashed_date(&bytes))
    });
    if slashed {
        decide(path, ctx)?;
    }
    Ok(())
}

/// Decide the order of `path`'s slashed dates and set it for what reads
/// the file next.
pub fn decide(path: &Path, ctx: &Ctx) -> Result<(), dates::order::OrderError> {
    let given = ctx.global.date_order;
    dates::set_file_order(given);
    let order = dates::order::decide_file(path, ctx.global.input_format, given)?;
    dates::set_file_order(order);
    let read_once = path.as_os_str() == "-" || !std::fs::metadata(path).is_ok_and(|m| m.is_file());
    if order.is_none() && read_once {
        dates::mark_order_unsought();
    }
    Ok(())
}

/// Start deciding the order of `path`'s dates on another thread (as
/// [`decide`]); `apply` reads its plan and numbers its ids meanwhile, and
/// the library settles the order before it reads a date.
pub fn start_deciding(path: &Path, ctx: &Ctx) -> dates::order::Deciding {
    dates::order::Deciding::start(path, ctx.global.input_format, ctx.global.date_order)
}

/// After a command wrote its output to `target`: when the export's
/// slashed dates were read in the order the export itself showed (no
/// `--date-order`) and the output no longer shows it (the contact whose
/// date settled it was merged away), a warning to give the order when
/// reading the output, where it would be refused as ambiguous or read by
/// a wrong guess.
pub fn warn_if_order_lost(target: &crate::batch::Target, ctx: &mut Ctx) {
    let (Some(path), None, Some(order)) =
        (&target.path, ctx.global.date_order, dates::file_order())
    else {
        return;
    };
    // A named pipe or a device is not read back (nor could it be).
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return;
    }
    let shown = dates::order::decide_file(path, Some(target.format), None);
    if let Ok(None) = shown {
        let flag = match order {
            dates::DateOrder::Dmy => "dmy",
            dates::DateOrder::Mdy => "mdy",
        };
        ctx.warn(
            "date-order",
            &format!(
                "{}: no date in the output shows any more whether its slashed dates are day or month first (the date that showed it was merged away or replaced): give --date-order {flag} whenever you read it",
                path.display()
            ),
        );
    }
}
