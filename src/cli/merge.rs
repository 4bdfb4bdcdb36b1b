//! `contact-merge merge FILE PRIMARY SECONDARY -o OUT`: merge two contacts
//! and write the whole export.
//!
//! A CSV or JSON Lines file written back in its own format is merged in
//! one pass over the file, as `apply` does with a plan of one pair (only the
//! two contacts are held; every other record is copied as it is). Anything
//! but a plain merge of the two named contacts (an id that is missing or
//! was merged away, a refused merge) goes the in-memory way, so that the
//! messages are the same whichever way the file is read.

use std::cell::Cell;
use std::io::Write;
use std::sync::Mutex;

use anyhow::Context;
use serde::Serialize;

use super::args::{MergeArgs, OutputFormat};
use super::{io, merge_options, Ctx, Status};
use crate::dates::{format_date, DateForm};
use crate::format::Format;
use crate::journal::JournalWriter;
use crate::merge::{merge_contacts_from, merge_in_export, Primary};
use crate::model::{Contact, Layout};
use crate::plan::{ApplyError, ApplyOptions, Pair, Plan, PlanFormat};
use crate::stream::{apply_file, can_stream, StreamError};
use crate::text::count;
use crate::warning::Warning;

pub fn run(args: &MergeArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    if let Some(status) = streamed(args, ctx)? {
        return Ok(status);
    }
    let mut export = io::load(&args.file, ctx.global)?;
    let target = io::target(
        &args.file,
        args.write.output.as_deref(),
        args.write.in_place,
        ctx.global,
        crate::format::Format::of_layout(&export.layout),
    )?;
    let opts = merge_options(&args.merge, ctx.global)?;
    let file = args.file.display();
    let before = args.journal.as_ref().map(|_| {
        let p = export.find(&args.primary).cloned();
        let s = export
            .position(&args.secondary)
            .map(|i| (i, export.contacts[i].clone()));
        (p, s)
    });
    let outcome = merge_in_export(&mut export, &args.primary, &args.secondary, &opts)
        .map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    // The journal gains one line, put in place just before the export.
    let journal = match (&args.journal, before) {
        (Some(path), Some((Some(p), Some((s_index, s))))) => {
            let decisions = outcome
                .decisions
                .iter()
                .map(serde_json::to_value)
                .collect::<Result<Vec<_>, _>>()?;
            let mut journal = io::Journal::open(path, io::input_mode(&args.file))?;
            JournalWriter::new(journal.writer(), opts.merge_time, &opts.policy.to_string())
                .record_single(&p, &s, s_index, &outcome.merged, &decisions)
                .with_context(|| format!("cannot write the journal {}", path.display()))?;
            Some(journal)
        }
        _ => None,
    };
    let lost = io::save(&export, &target, ctx.out, journal)?;
    ctx.wrote_outputs(&target, args.journal.as_deref());
    let done = Done {
        changed: changed(&outcome.decisions),
        warnings: outcome.warnings,
        lost,
        contacts: export.contacts.len(),
    };
    done.report(args, ctx, &opts, &target)?;
    Ok(Status::Ok)
}

/// The properties a merge changed on the primary, with their rules.
fn changed(decisions: &[crate::rules::Decision]) -> Vec<Changed> {
    decisions
        .iter()
        .filter(|d| super::diff::changes_primary(d))
        .map(|d| Changed {
            property: d.property.clone(),
            rule: d.rule.to_string(),
        })
        .collect()
}

/// A property the merge changed on the primary.
#[derive(Serialize)]
struct Changed {
    property: String,
    rule: String,
}

/// What `merge --format json` reports.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    primary: &'a str,
    secondary: &'a str,
    policy: crate::rules::Policy,
    merge_time: String,
    /// The properties whose value the merge changed on the primary.
    changed: &'a [Changed],
    warnings: &'a [Warning],
    /// What the output format could not hold.
    output_warnings: &'a [String],
    /// Where the export went: its path, or "stdout".
    output: String,
    contacts: usize,
    journal: Option<String>,
}

/// A merge done and written, to report.
struct Done {
    changed: Vec<Changed>,
    warnings: Vec<Warning>,
    /// What the output format could not hold.
    lost: Vec<String>,
    contacts: usize,
}

impl Done {
    /// The warnings, the summary, and with `--format json` the report: on
    /// stdout, or on stderr when the export went to stdout.
    fn report(
        &self,
        args: &MergeArgs,
        ctx: &mut Ctx,
        opts: &crate::rules::MergeOptions,
        target: &io::Target,
    ) -> anyhow::Result<()> {
        for w in &self.warnings {
            ctx.warn_merge(w);
        }
        for w in &self.lost {
            ctx.warn("csv-columns", w);
        }
        let dest = target.describe();
        if ctx.global.format == OutputFormat::Json {
            let report = Report {
                primary: &args.primary,
                secondary: &args.secondary,
                policy: opts.policy,
                merge_time: format_date(opts.merge_time, DateForm::Iso),
                changed: &self.changed,
                warnings: &self.warnings,
                output_warnings: &self.lost,
                output: dest.clone(),
                contacts: self.contacts,
                journal: args.journal.as_ref().map(|j| j.display().to_string()),
            };
            let out: &mut dyn Write = if target.path.is_none() {
                &mut *ctx.err
            } else {
                &mut *ctx.out
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        ctx.info(&format!(
            "merged {} into {} (policy {}): {} changed; wrote {} to {dest}",
            args.secondary,
            args.primary,
            opts.policy,
            count(self.changed.len(), "property", "properties"),
            count(self.contacts, "contact", "contacts"),
        ));
        Ok(())
    }
}

/// The one-pass merge of a CSV or JSON Lines file into the same format;
/// `None` when the in-memory way must do it (see the module).
fn streamed(args: &MergeArgs, ctx: &mut Ctx) -> anyhow::Result<Option<Status>> {
    let Some(format) = io::input_format(&args.file, ctx.global)
        .filter(|f| can_stream(*f) && args.file.as_os_str() != "-")
    else {
        return Ok(None);
    };
    let target = io::target(
        &args.file,
        args.write.output.as_deref(),
        args.write.in_place,
        ctx.global,
        format,
    )?;
    // Sanitised CSV is written the in-memory way: the stream copies
    // untouched records as their bytes.
    if target.format != format || (target.sanitize_formulas && format == Format::Csv) {
        return Ok(None);
    }
    let opts = merge_options(&args.merge, ctx.global)?;
    let plan = Plan {
        file: "the command line".into(),
        format: PlanFormat::Csv,
        pairs: vec![Pair {
            line: 1,
            primary: args.primary.clone(),
            secondary: args.secondary.clone(),
        }],
    };
    let apply_opts = ApplyOptions {
        keep_going: false,
        max_merges: opts.max_merges,
    };
    let journaling = args.journal.is_some();
    let changed_here = Mutex::new(Vec::new());
    let merge = |_: &Layout, p: Primary<'_>, s: &Contact| {
        let o = merge_contacts_from(p, s, &opts).map_err(|e| e.to_string())?;
        *changed_here.lock().expect("not poisoned") = changed(&o.decisions);
        super::apply::into_step(o, journaling)
    };
    // Ids that lead elsewhere (merged away earlier) are the in-memory
    // way's to refuse: stop before anything is written.
    let redirected = Cell::new(false);
    let mut line = Vec::new();
    let policy = opts.policy.to_string();
    let record = |a: &crate::plan::Applied<'_>| {
        if a.primary_id != args.primary || a.secondary_id != args.secondary {
            redirected.set(true);
            return Err(std::io::Error::other("an id was merged away earlier"));
        }
        if journaling {
            JournalWriter::new(&mut line, opts.merge_time, &policy).record_single(
                a.primary,
                a.secondary,
                a.secondary_index,
                a.merged,
                a.decisions,
            )?;
        }
        Ok(())
    };
    let mut tmp = target.temp_file()?;
    // Written only once the merge is done (nothing when it goes the
    // in-memory way).
    let out: &mut dyn Write = match tmp.as_mut() {
        Some(t) => t.writer(),
        None => &mut *ctx.out,
    };
    let result = apply_file(
        &args.file,
        format,
        &plan,
        &apply_opts,
        merge,
        Some(record),
        out,
    );
    let streamed = match result {
        Ok(streamed) => streamed,
        Err(StreamError::Apply(ApplyError::BadPairs { .. })) => return Ok(None),
        Err(StreamError::Apply(ApplyError::Journal(_))) if redirected.get() => return Ok(None),
        Err(StreamError::Read(e)) => return Err(e.into()),
        Err(StreamError::Write(e)) => {
            return Err(anyhow::Error::new(e).context(format!("cannot write {}", target.describe())))
        }
        Err(e) => return Err(anyhow::Error::new(e)),
    };
    let journal = match &args.journal {
        Some(path) => {
            let mut journal = io::Journal::open(path, io::input_mode(&args.file))?;
            journal
                .writer()
                .write_all(&line)
                .with_context(|| format!("cannot write the journal {}", path.display()))?;
            Some(journal)
        }
        None => None,
    };
    io::commit(journal, tmp, &target)?;
    ctx.wrote_outputs(&target, args.journal.as_deref());
    let done = Done {
        changed: changed_here.into_inner().expect("not poisoned"),
        warnings: streamed
            .report
            .warnings
            .into_iter()
            .map(|w| Warning::new(w.kind, w.warning))
            .collect(),
        lost: io::sanitize_unused(&target).into_iter().collect(),
        contacts: streamed.contacts,
    };
    done.report(args, ctx, &opts, &target)?;
    Ok(Some(Status::Ok))
}
