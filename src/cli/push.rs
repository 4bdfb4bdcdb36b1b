//! `contact-merge push EXPORT --plan PLAN --log PUSHLOG [--dry-run]
//! [--rate N/10s]`: a plan's merges sent to the portal. The plan is
//! checked against the export by the library's one batch entry point
//! (everything `apply` refuses is refused here, and nothing is sent); the
//! sending, the log and the resume are [`crate::portal::push`]'s.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::{MergeFlags, OutputFormat, PushArgs};
use super::{merge_options, table, Ctx, Status, UsageError};
use crate::batch::{self, Input};
use crate::plan::{read_plan, PairProblem, Plan};
use crate::portal::push::{self, Action, Event, PlannedMerge, PushJob, PushReport};
use crate::portal::pushlog::PushLog;
use crate::portal::Token;
use crate::text::count;

pub fn run(args: &PushArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    refuse_early(args, ctx)?;
    // A log another push holds is refused before the long work; the run
    // takes its lock for good when it opens the log.
    PushLog::check_free(&args.log, args.dry_run)?;
    let plan = read_plan(&args.plan)?;
    if let Some(status) = check_plan(args, ctx, &plan)? {
        return Ok(status);
    }
    // The token is needed only to send.
    let mut client = match args.dry_run {
        true => None,
        false => Some(super::pull::client(&args.portal, Token::from_env()?)?),
    };
    let redirects = push::export_redirects(&args.file, ctx.global.input_format)?;
    if !args.dry_run {
        super::signals::on_interrupt(format!(
            "every merge sent so far is recorded in the push log {}; run the same command again to resume (no merge is sent twice)",
            args.log.display()
        ));
    }
    let job = PushJob {
        plan: &plan,
        redirects,
        export: &args.file.display().to_string(),
        log: &args.log,
        api_base: &args.portal.api_base,
        log_mode: crate::atomic::mode_of(&args.file),
        dry_run: args.dry_run,
    };
    let bar = progress_bar(ctx, plan.pairs.len());
    let started = Instant::now();
    // Pairs done before go by at once: the rate and time left count from
    // the first pair sent.
    let mut skipping = false;
    let mut logged = false;
    let result = push::push(client.as_mut(), job, &mut |e| match e {
        Event::Logged => logged = true,
        Event::Skipped => {
            bar.inc(1);
            skipping = true;
        }
        Event::Done => {
            if std::mem::take(&mut skipping) {
                bar.reset_eta();
            }
            bar.inc(1);
            bar.set_message("");
        }
        Event::Retry(r) => bar.set_message(format!(
            "{} {}: waiting {}",
            r.call.describe(),
            r.failure.short(),
            crate::text::duration(r.wait)
        )),
    });
    bar.finish_and_clear();
    // Only a log this run appended to is worth naming in an error: one it
    // refused (not a log, another portal's, in use) is as it was.
    if logged {
        ctx.wrote(format!("the push log {}", args.log.display()));
    }
    let report = reported(ctx, result)?;
    if ctx.global.format != OutputFormat::Json {
        if let Some(merges) = &report.merges {
            print_merges(ctx, merges)?;
        }
    }
    summary(args, ctx, &report, started.elapsed());
    Ok(Status::Ok)
}

/// What refuses a push before anything is read: stdin as the export, and
/// a stdout closed at start when the push writes there (its JSON report,
/// a dry run's pairs). Merges cannot be taken back: a report that cannot
/// be written must be known before the first one is sent, not after the
/// last.
fn refuse_early(args: &PushArgs, ctx: &Ctx) -> anyhow::Result<()> {
    if args.file.as_os_str() == "-" {
        return Err(UsageError(
            "push reads the export twice (the plan's check, then its merged ids): give a file, not stdin".into(),
        )
        .into());
    }
    if ctx.global.format == OutputFormat::Json || args.dry_run {
        super::stdout::refuse_if_closed(
            &format!(
                "push {} --plan {}",
                args.file.display(),
                args.plan.display()
            ),
            "nothing was sent to the portal",
            if args.dry_run {
                "push writes its dry run's pairs there"
            } else {
                "push writes its JSON report there"
            },
        )?;
    }
    Ok(())
}

/// The push's report, with `--format json` written to stdout: a whole
/// run's, or, for a run that stopped at a pair, what it did up to there
/// (with `stopped`), before the error that says why.
fn reported(
    ctx: &mut Ctx,
    result: Result<PushReport, push::PushError>,
) -> anyhow::Result<PushReport> {
    let json = ctx.global.format == OutputFormat::Json;
    match result {
        Ok(report) => {
            if json {
                serde_json::to_writer_pretty(&mut *ctx.out, &report)?;
                writeln!(ctx.out)?;
            }
            Ok(report)
        }
        Err(push::PushError::Pair(stopped)) => {
            // A report that cannot be written does not hide why the run
            // stopped.
            if json {
                let _ = serde_json::to_writer_pretty(&mut *ctx.out, &stopped.report);
                let _ = writeln!(ctx.out).and_then(|()| ctx.out.flush());
            }
            Err(push::PushError::Pair(stopped).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// The plan checked against the export as `apply` checks it, nothing
/// written; `Some(exit 1)` when a pair is bad (listed, as `apply` lists
/// them).
fn check_plan(args: &PushArgs, ctx: &mut Ctx, plan: &Plan) -> anyhow::Result<Option<Status>> {
    let flags = MergeFlags {
        policy: crate::rules::Policy::MostRecent,
        lifecycle_order: args.lifecycle_order.clone(),
        max_merges: args.max_merges,
        enroll_on_merge: false,
        merge_time: None,
    };
    let opts = crate::rules::MergeOptions {
        explain: false,
        ..merge_options(&flags, ctx.global)?
    };
    let input = Input {
        path: &args.file,
        format: ctx.global.input_format,
        deciding: None,
    };
    let mut report = batch::check_plan(input, plan, &opts, false)?;
    // A pair whose two ids are one record already (merged by an earlier
    // push, and the export pulled again since) is done: the push counts
    // it so, and HubSpot has nothing to merge.
    report
        .skipped
        .retain(|bad| !matches!(bad.problem, PairProblem::SameContact { .. }));
    if report.skipped.is_empty() {
        return Ok(None);
    }
    ctx.verdict(Status::Problems);
    if ctx.global.format == OutputFormat::Json {
        // Push's own report, so that a script reads one shape.
        let refused = PushReport {
            pairs: plan.pairs.len(),
            dry_run: args.dry_run,
            refused: Some(report.skipped.clone()),
            ..PushReport::default()
        };
        serde_json::to_writer_pretty(&mut *ctx.out, &refused)?;
        writeln!(ctx.out)?;
    } else {
        super::apply::render(&report, (&[], None), ctx, false)?;
    }
    let message = format!(
        "{}: {} of {} of {} {} bad; nothing was sent to the portal (fix the plan or the export, and check it with `apply` first)",
        args.file.display(),
        report.skipped.len(),
        count(report.pairs, "pair", "pairs"),
        report.plan,
        if report.skipped.len() == 1 { "is" } else { "are" },
    );
    let _ = writeln!(ctx.err, "error: {}", table::printable(&message));
    Ok(Some(Status::Problems))
}

/// A dry run's pairs, one a row: the ids each would be sent with, or that
/// the log has it done.
fn print_merges(ctx: &mut Ctx, merges: &[PlannedMerge]) -> std::io::Result<()> {
    let mut t = table::new(
        &[
            "pair",
            "primary",
            "secondary",
            "primaryObjectId",
            "objectIdToMerge",
            "would be",
        ],
        ctx.color,
    );
    for m in merges {
        let what = match (m.action, &m.merged_id) {
            (Action::Send, _) => "sent".to_string(),
            (Action::Check, _) => {
                "looked up first (an earlier run lost its answer), sent if not done".to_string()
            }
            (Action::Done, id) => format!(
                "skipped: done by an earlier run (merged into {})",
                id.as_deref().unwrap_or("?")
            ),
            (Action::AlreadyOne, id) => format!(
                "skipped: already one record ({}) through earlier merges",
                id.as_deref().unwrap_or("?")
            ),
        };
        let i = &m.ids;
        t.row([
            i.place.as_str(),
            &i.primary,
            &i.secondary,
            &i.primary_object_id,
            &i.object_id_to_merge,
            &what,
        ]);
    }
    ctx.print_table(&t)
}

fn summary(args: &PushArgs, ctx: &mut Ctx, r: &PushReport, took: Duration) {
    let mut before = match r.already_done {
        0 => String::new(),
        n => format!(", {n} done by an earlier run"),
    };
    if r.already_one > 0 {
        before.push_str(&format!(
            ", {} skipped as already one record through earlier merges",
            r.already_one
        ));
    }
    let line = if r.dry_run {
        format!(
            "dry run: {} of {} would be sent ({} checked in the portal first){before}; nothing was sent",
            count(r.would_send, "merge", "merges"),
            count(r.pairs, "pair", "pairs"),
            r.would_check,
        )
    } else {
        format!(
            "pushed {} of {} to {}{before}{} ({}, {} retried) in {:.1} s; log {}",
            count(r.merged, "merge", "merges"),
            count(r.pairs, "pair", "pairs"),
            args.portal.api_base,
            match r.checked {
                0 => String::new(),
                n => format!(", {n} found done after a lost answer"),
            },
            count(r.requests, "request", "requests"),
            r.retries,
            took.as_secs_f64(),
            args.log.display()
        )
    };
    ctx.info(&line);
}

/// Pairs done, the rate and the time left, on a terminal.
fn progress_bar(ctx: &Ctx, len: usize) -> ProgressBar {
    if !ctx.err_is_terminal || ctx.global.quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} pairs {rate} eta {eta} {msg}")
    {
        bar.set_style(style.with_key("rate", rate));
    }
    bar
}

/// Items a second, one decimal.
pub(super) fn rate(state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write) {
    let _ = write!(w, "{:.1}/s", state.per_sec());
}
