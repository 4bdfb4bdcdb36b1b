//! `contact-merge apply FILE --plan PLAN -o OUT [--journal J] [--keep-going]`:
//! batch merges from a plan, all or nothing by default.
//!
//! The library ([`crate::batch`]) reads, merges and writes, streamed or in
//! memory as the input allows; this renders what it did.

use std::io::Write;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::{ApplyArgs, OutputFormat};
use super::io;
use super::{merge_options, table, Ctx, Status};
use crate::batch::{self, Input, Job, Merges, Outcome, Request, Written};
use crate::plan::{read_plan, ApplyReport, Count, Plan};
use crate::rules::LostPart;
use crate::text::count;
use crate::warning::Warning;

/// Plans at least this long get a progress bar (when stderr is a terminal).
const PROGRESS_FROM: usize = 1000;

/// The bad pairs a table shows; the JSON report lists every one.
const SKIPPED_SHOWN: usize = 50;

pub fn run(args: &ApplyArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    // The export's dates are decided on another thread while the plan is
    // read; a fault in them is told before any other.
    let deciding = super::regional::start_deciding(&args.file, ctx);
    let result = run_deciding(args, ctx, &deciding);
    deciding.settle()?;
    result
}

/// [`run`], the order of the export's dates settled by the library.
fn run_deciding(
    args: &ApplyArgs,
    ctx: &mut Ctx,
    deciding: &crate::dates::order::Deciding,
) -> anyhow::Result<Status> {
    let plan = read_plan(&args.plan)?;
    let opts = crate::rules::MergeOptions {
        // Decisions are only read from the journal.
        explain: args.journal.is_some(),
        ..merge_options(&args.merge, ctx.global)?
    };
    let output = io::destination(
        &args.file,
        args.write.output.as_deref(),
        args.write.in_place,
        ctx.global,
    )?;
    super::headers::warn_key_columns(&args.file, ctx);
    let progress = progress_bar(ctx, plan.pairs.len(), output.path.is_none());
    let request = Request {
        input: Input {
            path: &args.file,
            format: ctx.global.input_format,
            deciding: Some(deciding),
        },
        job: Job::Plan {
            plan: &plan,
            keep_going: args.keep_going,
        },
        opts: &opts,
        output: &output,
        journal: args.journal.as_deref(),
        progress: &|| progress.inc(1),
        // Listed merge by merge only in the JSON report: the summary
        // counts them.
        section_changes: ctx.global.format == OutputFormat::Json,
    };
    let outcome = batch::run(&request, &mut *ctx.out);
    progress.finish_and_clear();
    let written = match outcome? {
        Outcome::Written(written) => written,
        Outcome::Refused(report) => return refused(args, ctx, &report, output.path.is_none()),
    };
    ctx.wrote_outputs(&written.target, args.journal.as_deref());
    super::regional::warn_if_order_lost(&written.target, ctx);
    let Merges::Plan(report) = &written.merges else {
        unreachable!("a plan's run reports the plan")
    };
    warn(ctx, &plan, report, &written.output_warnings);
    let run = RunInfo {
        policy: opts.policy,
        merge_time: crate::dates::format_date(opts.merge_time, crate::dates::DateForm::Iso),
        output: written.target.describe(),
        contacts: written.contacts,
        journal: args.journal.as_ref().map(|j| j.display().to_string()),
    };
    let status = ctx.verdict(if report.skipped.is_empty() {
        Status::Ok
    } else {
        Status::Partial
    });
    render(
        report,
        (&written.output_warnings, Some(&run)),
        ctx,
        written.target.path.is_none(),
    )?;
    summary(args, ctx, &opts, report, &written);
    Ok(status)
}

/// The merges' warnings, each with its pair, and what the output could not
/// hold.
fn warn(ctx: &mut Ctx, plan: &Plan, report: &ApplyReport, output_warnings: &[String]) {
    for w in &report.warnings {
        ctx.warn_merge(&Warning::new(
            w.kind,
            format!(
                "{} ({} ← {}): {}",
                plan.place(w.line),
                w.primary,
                w.secondary,
                w.warning
            ),
        ));
    }
    for w in output_warnings {
        ctx.warn("output", w);
    }
}

/// The summary line on stderr.
fn summary(
    args: &ApplyArgs,
    ctx: &mut Ctx,
    opts: &crate::rules::MergeOptions,
    report: &ApplyReport,
    written: &Written,
) {
    let dest = written.target.describe();
    for line in section_lines(report, ctx.global.format) {
        ctx.info(&line);
    }
    ctx.info(&format!(
        "applied {} of {} (policy {}){}; wrote {} to {dest}{}",
        report.applied,
        count(report.pairs, "pair", "pairs"),
        opts.policy,
        match report.skipped.len() {
            0 => String::new(),
            n => format!(", skipped {n}"),
        },
        count(written.contacts, "contact", "contacts"),
        args.journal
            .as_ref()
            .map_or_else(String::new, |j| format!(", journal {}", j.display()))
    ));
}

/// What the plan's merges did with the sections (SPEC section 4), as
/// counts: a line per part the secondaries lost (companies, list
/// memberships, workflow enrollments, subscription sets, Salesforce sync,
/// parts no rule knows), the active lists to re-evaluate, and the
/// workflows marked under `--enroll-on-merge`. A plan of 100,000 merges
/// prints these few lines; the JSON report names every item, merge by
/// merge.
fn section_lines(report: &ApplyReport, format: OutputFormat) -> Vec<String> {
    let counts = &report.sections.counts;
    let hint = match format {
        OutputFormat::Json => "the JSON report names them",
        OutputFormat::Table => "--format json names them",
    };
    let line = |what: &str, c: &Count| {
        let merges = count(c.merges, "merge", "merges");
        format!("{what}: {} in {merges} ({hint})", c.items)
    };
    let lost = (LostPart::ALL.iter().zip(&counts.lost)).map(|(part, c)| (lost_what(*part), c));
    let marked =
        "workflows that should see the merged contact as newly changed (--enroll-on-merge)";
    (lost.chain([
        ("active lists to re-evaluate", &counts.to_reevaluate),
        (marked, &counts.marked),
    ]))
    .filter(|(_, c)| c.merges > 0)
    .map(|(what, c)| line(what, c))
    .collect()
}

/// What the secondaries lost of a part, for [`section_lines`].
fn lost_what(part: LostPart) -> &'static str {
    match part {
        LostPart::Companies => "the secondaries' company associations dropped",
        LostPart::ListMemberships => "the secondaries' list memberships dropped",
        LostPart::Workflows => "the secondaries' workflow enrollments dropped",
        LostPart::Subscriptions => {
            "the secondaries' subscription sets dropped (emails both contacts had)"
        }
        LostPart::Salesforce => "the secondaries' Salesforce records no longer synced",
        LostPart::Other => {
            "the secondaries' parts no merge rule knows (or of a wrong shape) dropped"
        }
    }
}

/// All or nothing: some pairs are bad, so nothing is written (the
/// temporary files go when dropped). Lists them (the reason for the
/// refusal: on stderr, as a table; the JSON report where `--format json`
/// asks for it) and exits 1.
fn refused(
    args: &ApplyArgs,
    ctx: &mut Ctx,
    report: &ApplyReport,
    to_stdout: bool,
) -> anyhow::Result<Status> {
    ctx.verdict(Status::Problems);
    render(report, (&[], None), ctx, to_stdout)?;
    let message = format!(
        "{}: {} of {} of {} {} bad; nothing was written (--keep-going applies the good pairs)",
        args.file.display(),
        report.skipped.len(),
        count(report.pairs, "pair", "pairs"),
        report.plan,
        if report.skipped.len() == 1 {
            "is"
        } else {
            "are"
        },
    );
    let _ = writeln!(ctx.err, "error: {}", table::printable(&message));
    Ok(Status::Problems)
}

/// A progress bar on stderr for a long plan in a terminal; none when the
/// export itself scrolls on that terminal (`-o -`), where the bar would be
/// drawn in the middle of its records.
fn progress_bar(ctx: &Ctx, len: usize, to_stdout: bool) -> ProgressBar {
    use std::io::IsTerminal;
    if !ctx.err_is_terminal
        || ctx.global.quiet
        || len < PROGRESS_FROM
        || (to_stdout && std::io::stdout().is_terminal())
    {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} pairs {elapsed}") {
        bar.set_style(style);
    }
    bar
}

/// The report as `--format json` gives it: the library's, and what the
/// output format could not hold.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a> {
    #[serde(flatten)]
    report: &'a ApplyReport,
    output_warnings: &'a [String],
    #[serde(flatten)]
    run: Option<&'a RunInfo>,
}

/// What a run that wrote its output did, as its summary line says it: the
/// policy and merge time, where the output went (a path or `stdout`), how
/// many contacts it holds, and the journal appended to.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RunInfo {
    policy: crate::rules::Policy,
    merge_time: String,
    output: String,
    contacts: usize,
    journal: Option<String>,
}

/// The report: JSON for scripts, on stdout (on stderr when the export
/// itself goes to stdout); for people, the skipped pairs as a table on
/// stderr, with the warnings: why pairs were not applied is no output.
pub(super) fn render(
    report: &ApplyReport,
    (output_warnings, run): (&[String], Option<&RunInfo>),
    ctx: &mut Ctx,
    stdout_taken: bool,
) -> anyhow::Result<()> {
    match ctx.global.format {
        OutputFormat::Json => {
            let out: &mut dyn Write = if stdout_taken {
                &mut *ctx.err
            } else {
                &mut *ctx.out
            };
            let report = JsonReport {
                report,
                output_warnings,
                run,
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        OutputFormat::Table => {
            if !report.skipped.is_empty() {
                let mut t = table::new(&["plan", "primary", "secondary", "problem"], ctx.err_color);
                for b in report.skipped.iter().take(SKIPPED_SHOWN) {
                    let shown = |given: &str, resolved: &Option<String>| match resolved {
                        Some(r) if r != given => format!("{given} (now {r})"),
                        _ => given.to_string(),
                    };
                    t.row([
                        b.place.clone(),
                        shown(&b.primary, &b.resolved_primary),
                        shown(&b.secondary, &b.resolved_secondary),
                        b.problem.to_string(),
                    ]);
                }
                ctx.eprint_table(&t)?;
                if let Some(more) = report.skipped.len().checked_sub(SKIPPED_SHOWN) {
                    if more > 0 {
                        let pairs = if more == 1 { "bad pair" } else { "bad pairs" };
                        writeln!(
                            ctx.err,
                            "… and {more} more {pairs} (--format json lists every one)"
                        )?;
                    }
                }
            }
        }
    }
    Ok(())
}
