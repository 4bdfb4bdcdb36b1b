//! `contact-merge apply FILE --plan PLAN -o OUT [--journal J] [--keep-going]`:
//! batch merges from a plan, all or nothing by default.
//!
//! A CSV or JSON Lines file written back in its own format is streamed
//! ([`crate::stream`]): only the plan's contacts are held in memory and
//! every other record is copied as it is. Anything else (JSON, stdin, a
//! change of format) is applied to the export in memory. Both give the same
//! result.

use std::io::Write;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::{ApplyArgs, OutputFormat};
use super::io::{self, Target};
use super::{merge_options, table, Ctx, Status};
use crate::format::Format;
use crate::journal::JournalWriter;
use crate::merge::{merge_contacts, merge_contacts_from, Primary};
use crate::model::{Contact, Layout};
use crate::plan::{apply_plan, read_plan, ApplyError, ApplyOptions, ApplyReport, MergeStep};
use crate::rules::MergeOptions;
use crate::stream::{apply_input, can_stream, Input, Sink, StreamError, Tuning};
use crate::text::count;
use crate::warning::Warning;

/// Plans at least this long get a progress bar (when stderr is a terminal).
const PROGRESS_FROM: usize = 1000;

pub fn run(args: &ApplyArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    let plan = read_plan(&args.plan)?;
    let opts = crate::rules::MergeOptions {
        // Decisions are only read from the journal.
        explain: args.journal.is_some(),
        ..merge_options(&args.merge, ctx.global)?
    };
    let apply_opts = ApplyOptions {
        keep_going: args.keep_going,
        max_merges: opts.max_merges,
    };
    let stdin = args.file.as_os_str() == "-";
    let streamed = io::input_format(&args.file, ctx.global)
        .filter(|f| can_stream(*f) && !stdin)
        .map(|f| {
            let t = target(args, ctx, f)?;
            Ok::<_, anyhow::Error>((f, t))
        })
        .transpose()?
        // Sanitised CSV is written the in-memory way: the stream copies
        // untouched records as their bytes.
        .filter(|(f, t)| t.format == *f && !(t.sanitize_formulas && *f == Format::Csv));

    let mut journal = args
        .journal
        .as_deref()
        .map(|j| io::Journal::open(j, io::input_mode(&args.file)))
        .transpose()?;
    let policy = opts.policy.to_string();
    let mut writer = journal
        .as_mut()
        .map(|t| JournalWriter::new(t.writer(), opts.merge_time, &policy));
    let to_stdout = args
        .write
        .output
        .as_deref()
        .is_some_and(|o| o.as_os_str() == "-");
    let progress = progress_bar(ctx, plan.pairs.len(), to_stdout);
    let journaling = args.journal.is_some();
    let merge = |_: &Layout, p: Primary<'_>, s: &Contact| {
        progress.inc(1);
        merge_step(p, s, &opts, journaling)
    };
    // Without a journal nothing needs the contacts as they were before each
    // merge, and they are freed as soon as it is done.
    let record = writer
        .as_mut()
        .map(|w| |applied: &crate::plan::Applied<'_>| w.record(applied));

    let (report, target, contacts, warnings) = if let Some((format, target)) = streamed {
        // The output is a temporary file (or stdout) until the plan is done.
        let mut tmp = target.temp_file()?;
        let out = match tmp.as_mut() {
            Some(t) => Sink::File(t.writer()),
            None => Sink::Writer(&mut *ctx.out),
        };
        let tuning = Tuning::default();
        let input = Input {
            path: &args.file,
            format,
            tuning: &tuning,
        };
        let result = apply_input(input, &plan, &apply_opts, merge, record, out);
        progress.finish_and_clear();
        let done = match result {
            Ok(done) => done,
            Err(StreamError::Apply(ApplyError::BadPairs { report })) => {
                return refused(args, ctx, &report, &target)
            }
            Err(StreamError::Read(e)) => return Err(e.into()),
            Err(StreamError::Write(e)) => {
                let to = target.describe();
                return Err(anyhow::Error::new(e).context(format!("cannot write {to}")));
            }
            Err(e) => return Err(anyhow::Error::new(e)),
        };
        finish_journal(writer.take(), args)?;
        io::commit(journal.take(), tmp, &target)?;
        ctx.wrote_outputs(&target, args.journal.as_deref());
        let warnings = io::sanitize_unused(&target).into_iter().collect();
        (done.report, target, done.contacts, warnings)
    } else {
        let mut export = io::load(&args.file, ctx.global)?;
        let target = target(args, ctx, Format::of_layout(&export.layout))?;
        let result = apply_plan(&mut export, &plan, &apply_opts, merge, record);
        progress.finish_and_clear();
        let report = match result {
            Ok(report) => report,
            Err(ApplyError::BadPairs { report }) => return refused(args, ctx, &report, &target),
            Err(e) => return Err(anyhow::Error::new(e).context(args.file.display().to_string())),
        };
        finish_journal(writer.take(), args)?;
        let warnings = io::save(&export, &target, ctx.out, journal.take())?;
        ctx.wrote_outputs(&target, args.journal.as_deref());
        (report, target, export.contacts.len(), warnings)
    };
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
    for w in &warnings {
        ctx.warn("csv-columns", w);
    }
    render(&report, &warnings, ctx, target.path.is_none())?;
    let dest = target.describe();
    ctx.info(&format!(
        "applied {} of {} (policy {}){}; wrote {} to {dest}{}",
        report.applied,
        count(report.pairs, "pair", "pairs"),
        opts.policy,
        match report.skipped.len() {
            0 => String::new(),
            n => format!(", skipped {n}"),
        },
        count(contacts, "contact", "contacts"),
        args.journal
            .as_ref()
            .map_or_else(String::new, |j| format!(", journal {}", j.display()))
    ));
    Ok(if report.skipped.is_empty() {
        Status::Ok
    } else {
        Status::Partial
    })
}

/// Flush this run's journal lines (the journal is put in place with the
/// output, by [`io::commit`]).
fn finish_journal<W: Write>(
    writer: Option<JournalWriter<W>>,
    args: &ApplyArgs,
) -> anyhow::Result<()> {
    if let (Some(w), Some(path)) = (writer, &args.journal) {
        w.finish()
            .with_context(|| format!("cannot write the journal {}", path.display()))?;
    }
    Ok(())
}

fn target(args: &ApplyArgs, ctx: &Ctx, input: Format) -> anyhow::Result<Target> {
    Ok(io::target(
        &args.file,
        args.write.output.as_deref(),
        args.write.in_place,
        ctx.global,
        input,
    )?)
}

/// One merge of the plan, as the plan needs it. With a journal, its
/// contacts are encoded for it here, on whichever thread merges.
fn merge_step(
    p: Primary<'_>,
    s: &Contact,
    opts: &MergeOptions,
    journaling: bool,
) -> Result<MergeStep, String> {
    if !journaling {
        let outcome = merge_contacts_from(p, s, opts).map_err(|e| e.to_string())?;
        return into_step(outcome, false);
    }
    // The journal records the primary as it was.
    let p = p.contact();
    let mut step = into_step(merge_contacts(p, s, opts).map_err(|e| e.to_string())?, true)?;
    step.journal = Some(crate::journal::encode_contacts(
        p,
        s,
        &step.merged,
        &step.decisions,
    ));
    Ok(step)
}

/// A merge as a plan step: the decisions (as JSON) only when the journal
/// records them.
pub(super) fn into_step(
    outcome: crate::merge::MergeOutcome,
    journaling: bool,
) -> Result<MergeStep, String> {
    let decisions = if journaling {
        outcome
            .decisions
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?
    } else {
        Vec::new()
    };
    Ok(MergeStep {
        merged: outcome.merged,
        decisions,
        warnings: outcome.warnings,
        journal: None,
    })
}

/// All or nothing: some pairs are bad, so nothing is written (the
/// temporary files go when dropped). Lists them (the reason for the
/// refusal: on stderr, as a table; the JSON report where `--format json`
/// asks for it) and exits 1.
fn refused(
    args: &ApplyArgs,
    ctx: &mut Ctx,
    report: &ApplyReport,
    target: &Target,
) -> anyhow::Result<Status> {
    render(report, &[], ctx, target.path.is_none())?;
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
}

/// The report: JSON for scripts, on stdout (on stderr when the export
/// itself goes to stdout); for people, the skipped pairs as a table on
/// stderr, with the warnings: why pairs were not applied is no output.
fn render(
    report: &ApplyReport,
    output_warnings: &[String],
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
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        OutputFormat::Table => {
            if !report.skipped.is_empty() {
                let mut t = table::new(&["plan", "primary", "secondary", "problem"], ctx.color);
                for b in &report.skipped {
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
            }
        }
    }
    Ok(())
}
