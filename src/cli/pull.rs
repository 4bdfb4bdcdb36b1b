//! `contact-merge pull -o FILE [--properties all|P,...] [--with-history]
//! [--associations]`: every contact of a portal into an export. The
//! library ([`crate::portal::pull`]) pages, resumes and writes; this reads
//! the flags and the token, and shows progress.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::{OutputFormat, PortalFlags, PullArgs};
use super::{Ctx, Status, UsageError};
use crate::format::Format;
use crate::portal::pull::{self, Properties, PullEvent, PullJob};
use crate::portal::{Client, ClientOptions, Token};
use crate::text::count;

pub fn run(args: &PullArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    let format = Format::from_path(&args.output)
        .ok_or_else(|| {
            UsageError(format!(
                "-o {}: say which format to write by the name's ending: .json, .ndjson (or .jsonl), .csv or .xlsx",
                args.output.display()
            ))
        })?;
    if ctx.global.format == OutputFormat::Json {
        super::stdout::refuse_if_closed(
            &format!("pull -o {}", args.output.display()),
            "nothing was asked of the portal",
            "pull writes its JSON report there",
        )?;
    }
    let properties = properties(args.properties.as_deref())?;
    let mut client = client(&args.portal, Token::from_env()?)?;
    super::signals::on_interrupt(format!(
        "the pages pulled so far are kept beside {} ({}); run the same command again to resume",
        args.output.display(),
        crate::portal::pull::side_files(&args.output).0.display()
    ));
    let job = PullJob {
        output: &args.output,
        format,
        properties,
        history: args.with_history,
        associations: args.associations,
        mode: None,
        max_url: args.max_url_chars,
    };
    let bar = spinner(ctx);
    let started = Instant::now();
    let report = pull::pull(&mut client, &job, &mut |e| match e {
        PullEvent::Resumed(n) => {
            bar.set_position(n as u64);
            bar.println(format!(
                "resuming an interrupted pull after {}",
                count(n, "contact", "contacts")
            ));
        }
        PullEvent::Page(n) => {
            bar.set_position(n as u64);
            bar.set_message("");
        }
        PullEvent::Retry(r) => bar.set_message(format!(
            "{} {}: waiting {:.1} s",
            r.call.describe(),
            r.failure.short(),
            r.wait.as_secs_f64()
        )),
    });
    bar.finish_and_clear();
    let report = report?;
    ctx.wrote(args.output.display().to_string());
    for w in &report.warnings {
        ctx.warn("output", w);
    }
    if ctx.global.format == OutputFormat::Json {
        serde_json::to_writer_pretty(&mut *ctx.out, &report)?;
        writeln!(ctx.out)?;
    }
    ctx.info(&format!(
        "pulled {} in {} ({}, {} retried{}) in {:.1} s; wrote {}",
        count(report.contacts, "contact", "contacts"),
        count(report.pages, "page", "pages"),
        count(report.requests, "request", "requests"),
        report.retries,
        match report.resumed_with {
            0 => String::new(),
            n => format!(", resumed after {n}"),
        },
        started.elapsed().as_secs_f64(),
        args.output.display()
    ));
    Ok(Status::Ok)
}

/// `--properties`: none, `all`, or names separated by commas.
fn properties(arg: Option<&str>) -> Result<Properties, UsageError> {
    let Some(arg) = arg else {
        return Ok(Properties::Default);
    };
    if arg.trim().eq_ignore_ascii_case("all") {
        return Ok(Properties::All);
    }
    let names: Vec<String> = arg
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    if names.is_empty() {
        return Err(UsageError(
            "--properties: give `all` or property names separated by commas (e.g. email,firstname)"
                .into(),
        ));
    }
    Ok(Properties::List(names))
}

/// The client for `--api-base` and `--rate`.
pub(super) fn client(flags: &PortalFlags, token: Token) -> anyhow::Result<Client> {
    Ok(Client::new(
        token,
        ClientOptions {
            base: flags.api_base.clone(),
            rate: flags.rate,
            backoff: Duration::from_millis(flags.backoff_ms),
            max_backoff: Duration::from_millis(flags.backoff_ms.saturating_mul(32)),
            ..ClientOptions::default()
        },
    )?)
}

/// A spinner with the count and the rate, on a terminal.
fn spinner(ctx: &Ctx) -> ProgressBar {
    if !ctx.err_is_terminal || ctx.global.quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {pos} contacts {rate} {elapsed} {msg}")
    {
        bar.set_style(style.with_key("rate", super::push::rate));
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
