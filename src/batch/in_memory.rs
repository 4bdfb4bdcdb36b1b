//! The in-memory way: the whole export is read, merged and written.

use std::io::Write;
use std::sync::Mutex;

use super::output::{self, Journal};
use super::{steps, BatchError, Job, Merges, Outcome, Request, Written};
use crate::format::Format;
use crate::model::Export;
use crate::plan::{apply_plan, ApplyError, ApplyOptions, Plan};

/// Read `req`'s input, merge, and write the output (to `stdout` when the
/// destination has no path).
pub(super) fn run(
    req: &Request<'_>,
    mut journal: Option<Journal>,
    stdout: &mut dyn Write,
) -> Result<Outcome, BatchError> {
    if let Some(deciding) = req.input.deciding {
        deciding.settle()?;
    }
    // Made before the input is read, as the streamed way does.
    let tmp = req.output.temp_file()?;
    let mut export = crate::format::read_path(req.input.path, req.input.format)?;
    if req.input.read_once() {
        // Stdin (or a pipe) could not be read before: its dates' order is
        // decided now that it is held, before anything is merged.
        crate::dates::order::decide_held(&export.contacts, &req.input.name())?;
    }
    let read = Format::of_layout(&export.layout);
    let target = req.output.resolve(read);
    let merges = match req.job {
        Job::Plan { plan, keep_going } => {
            match apply(req, &mut export, plan, keep_going, journal.as_mut())? {
                Ok(report) => Merges::Plan(report),
                Err(refused) => return Ok(refused),
            }
        }
        Job::Pair { primary, secondary } => {
            merge_pair(req, &mut export, (primary, secondary), journal.as_mut())?
        }
    };
    let mut output_warnings = output::save_into(&export, &target, stdout, journal, tmp)?;
    output_warnings.extend(other_sheets_left_out(req, &export));
    if let Some(j) = req.journal {
        output_warnings.extend(restore_limits(j, read, &target, &export));
    }
    Ok(Outcome::Written(Written {
        target,
        contacts: export.contacts.len(),
        output_warnings,
        merges,
    }))
}

/// What the journal `j` cannot restore into this output: it records the
/// merges on the export as read, so `unmerge --restore` takes an export
/// that writes values as the one read does (a spreadsheet's, or JSON's),
/// with its cells as they were before sanitising.
fn restore_limits(
    j: &std::path::Path,
    read: Format,
    target: &super::Target,
    export: &Export,
) -> Vec<String> {
    use crate::journal::{format_name, same_value_forms};
    let mut out = Vec::new();
    let j = j.display();
    if !same_value_forms(format_name(read), format_name(target.format)) {
        let family = |f: Format| match f {
            Format::Csv | Format::Xlsx => "a CSV or XLSX",
            Format::Json | Format::Ndjson => "a JSON or JSON Lines",
        };
        out.push(format!(
            "the journal {j} records merges made on a {} export: `unmerge --restore` reads it against {} export, not against this {} output (convert the output back first)",
            read.name(),
            family(read),
            target.format.name()
        ));
    }
    let sanitised = || {
        (export.contacts.iter())
            .flat_map(|c| c.properties.values().flatten())
            .any(|v| crate::format::formula::is_formula(v))
    };
    if target.sanitize_formulas
        && matches!(target.format, Format::Csv | Format::Xlsx)
        && sanitised()
    {
        out.push(format!(
            "the journal {j} holds the cells as they were before --sanitize-formulas: `unmerge --restore` on this output sees each sanitised cell as changed after the merge and keeps it"
        ));
    }
    out
}

/// A workbook read whole has sheets besides the one read: they are in no
/// output (`--in-place` was refused before the work for that reason).
fn other_sheets_left_out(req: &Request<'_>, export: &Export) -> Option<String> {
    // (A pipe cannot be read again for its other sheets.)
    if Format::of_layout(&export.layout) != Format::Xlsx || req.input.read_once() {
        return None;
    }
    let others = crate::format::xlsx::other_sheets(req.input.path)?;
    Some(format!(
        "the workbook's {others} are not in the output: the tool reads and writes the first sheet only"
    ))
}

/// A plan over the export: its report, or the refusal of an all or
/// nothing plan with bad pairs.
fn apply(
    req: &Request<'_>,
    export: &mut Export,
    plan: &Plan,
    keep_going: bool,
    journal: Option<&mut Journal>,
) -> Result<Result<crate::plan::ApplyReport, Outcome>, BatchError> {
    let apply_opts = ApplyOptions {
        keep_going,
        max_merges: req.opts.max_merges,
    };
    let unused = Mutex::new(steps::PairKept::default());
    let merge = steps::merge_step(req, journal.is_some(), &unused);
    // Without a journal nothing needs the contacts as they were before each
    // merge, and they are freed as soon as it is done.
    let mut lines = super::lines(journal, req.opts, Format::of_layout(&export.layout));
    let record = lines.as_mut().map(|w| steps::recorder(req.job, w));
    let report = match apply_plan(export, plan, &apply_opts, merge, record) {
        Ok(report) => report,
        Err(ApplyError::BadPairs { report }) => return Ok(Err(Outcome::Refused(report))),
        Err(ApplyError::Journal(source)) if req.journal.is_some() => {
            let path = req.journal.expect("given").to_path_buf();
            return Err(BatchError::JournalWrite { path, source });
        }
        Err(source) => {
            let file = req.input.path.display().to_string();
            let source = Box::new(source);
            return Err(BatchError::Apply { file, source });
        }
    };
    super::finish_lines(lines, req.journal)?;
    Ok(Ok(report))
}

/// The one merge of a [`Job::Pair`], in place in the export, recorded in
/// the journal with the contacts as they were.
fn merge_pair(
    req: &Request<'_>,
    export: &mut Export,
    (primary, secondary): (&str, &str),
    journal: Option<&mut Journal>,
) -> Result<Merges, BatchError> {
    let before = journal.as_ref().map(|_| {
        let p = export.find(primary).cloned();
        let s = (export.position(secondary)).map(|i| (i, export.contacts[i].clone()));
        (p, s)
    });
    let merged = crate::merge::merge_in_export(export, primary, secondary, req.opts);
    let outcome = merged.map_err(|err| BatchError::Merge {
        file: req.input.path.display().to_string(),
        err: Box::new(err.naming_columns(&export.layout)),
    })?;
    // The journal gains one line, put in place just before the export.
    if let (Some(journal), Some((Some(p), Some((s_index, s))))) = (journal, before) {
        let decisions =
            steps::encode_decisions(&outcome.decisions).map_err(BatchError::Decisions)?;
        let path = journal.path().to_path_buf();
        let format = Format::of_layout(&export.layout);
        let mut lines = super::lines(Some(journal), req.opts, format).expect("a journal");
        (lines.record_single(&p, &s, s_index, &outcome.merged, &decisions))
            .and_then(|()| lines.finish().map(drop))
            .map_err(|source| BatchError::JournalWrite { path, source })?;
    }
    Ok(Merges::Pair {
        decisions: outcome.decisions,
        sections: outcome.sections,
        warnings: outcome.warnings,
    })
}
