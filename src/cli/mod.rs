//! The command line: parse, run one command, map the result to an exit code.
//! Each command lives in its own module with one `run` function; reading
//! and writing exports is shared in [`io`]; the files each command reads
//! and writes are declared, and checked for overlaps, in [`paths`].

mod apply;
pub mod args;
mod check;
mod completions;
mod diff;
mod dupes;
pub mod io;
mod merge;
pub mod paths;
mod show;
mod table;
mod unmerge;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

pub use args::Cli;
use args::{ColorChoice, Command, Global};

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Exit 0.
    Ok,
    /// Exit 1: problems were found (e.g. `check`), already reported.
    Problems,
    /// Exit 3: done, with pairs skipped under `--keep-going`.
    Partial,
}

/// A usage error found after parsing (exit 2), such as `-o` naming the input
/// without `--in-place`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// What a command gets: the global options and where to write.
pub struct Ctx<'a> {
    pub global: &'a Global,
    /// Data: tables and JSON.
    pub out: &'a mut dyn Write,
    /// Progress, summaries and warnings.
    pub err: &'a mut dyn Write,
    /// Colour tables.
    pub color: bool,
    /// stderr is a terminal (progress bars).
    pub err_is_terminal: bool,
}

impl Ctx<'_> {
    /// A summary line on stderr, unless `--quiet`.
    pub fn info(&mut self, line: &str) {
        if !self.global.quiet {
            let _ = writeln!(self.err, "{line}");
        }
    }
    /// A warning on stderr (shown even with `--quiet`).
    pub fn warn(&mut self, line: &str) {
        let _ = writeln!(self.err, "warning: {line}");
    }
}

/// Parse the arguments, run, and give the exit code.
pub fn main<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let color = match cli.global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = stderr.lock();
    let err_is_terminal = std::io::stderr().is_terminal();
    let mut ctx = Ctx {
        global: &cli.global,
        out: &mut out,
        err: &mut err,
        color,
        err_is_terminal,
    };
    let result = run(&cli.command, &mut ctx).and_then(|s| {
        ctx.out.flush()?;
        Ok(s)
    });
    drop(out);
    match result {
        Ok(Status::Ok) => ExitCode::SUCCESS,
        Ok(Status::Problems) => ExitCode::from(1),
        Ok(Status::Partial) => ExitCode::from(3),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e:#}");
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// Run one command, once its paths are known not to overlap.
pub fn run(command: &Command, ctx: &mut Ctx) -> anyhow::Result<Status> {
    paths::of(command).check()?;
    match command {
        Command::Show(a) => show::run(a, ctx),
        Command::Check(a) => check::run(a, ctx),
        Command::Diff(a) => diff::run(a, ctx),
        Command::Merge(a) => merge::run(a, ctx),
        Command::Apply(a) => apply::run(a, ctx),
        Command::Unmerge(a) => unmerge::run(a, ctx),
        Command::Dupes(a) => dupes::run(a, ctx),
        Command::Completions(a) => completions::run(a, ctx),
    }
}

/// The merge options from the flags and the global `--merge-time`.
pub fn merge_options(
    flags: &args::MergeFlags,
    global: &Global,
) -> anyhow::Result<crate::rules::MergeOptions> {
    let merge_time = match &global.merge_time {
        Some(t) => crate::dates::parse_rfc3339(t).map_err(|e| {
            UsageError(format!(
                "--merge-time '{}' is not an RFC 3339 time (e.g. 2024-06-01T00:00:00Z): {e}",
                e.value
            ))
        })?,
        None => chrono::Utc::now().timestamp_millis(),
    };
    Ok(crate::rules::MergeOptions {
        policy: flags.policy,
        lifecycle_order: stage_order(flags.lifecycle_order.as_deref())?,
        max_merges: flags.max_merges,
        enroll_on_merge: flags.enroll_on_merge,
        merge_time,
        explain: true,
    })
}

/// The lifecycle order from `--lifecycle-order` (`a,b,c`, or `@FILE` to read
/// it from a file), else HubSpot's default.
pub fn stage_order(arg: Option<&str>) -> anyhow::Result<Vec<String>> {
    use anyhow::Context;
    let Some(arg) = arg else {
        return Ok(crate::labels::default_stage_order());
    };
    let (text, source) = match arg.strip_prefix('@') {
        Some(path) => (
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the lifecycle order file {path}"))?,
            format!("lifecycle order file {path}"),
        ),
        None => (arg.to_string(), "--lifecycle-order".to_string()),
    };
    crate::labels::parse_stage_order(&text).map_err(|e| UsageError(format!("{source}: {e}")).into())
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
