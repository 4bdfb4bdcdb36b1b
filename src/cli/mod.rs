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
mod headers;
pub mod io;
pub mod man;
mod merge;
pub mod paths;
mod pull;
mod push;
mod regional;
mod show;
mod signals;
pub mod stdout;
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
    /// Colour tables on stdout.
    pub color: bool,
    /// Colour tables on stderr (by stderr's own terminal: `2> log` in a
    /// terminal gets no escape codes).
    pub err_color: bool,
    /// stderr is a terminal (progress bars).
    pub err_is_terminal: bool,
    /// Summaries and warnings so far.
    notes: Notes,
    /// How the command ends, once it knows and before it writes its report:
    /// the exit code when a reader closes stdout before the report is out
    /// (`check | grep -m1`), so that a closed pipe never turns a refusal
    /// (1) or a partial run (3) into success.
    verdict: Status,
}

/// Warnings shown with each kind's first few.
const WARNINGS_SHOWN: usize = 5;

/// What a command has to say on stderr besides errors: summaries (shown at
/// the end, once its output is out), warnings counted by kind, and whether
/// a table cut a cell.
#[derive(Default)]
struct Notes {
    summaries: Vec<String>,
    /// The files this command has put in place (outputs, journals): a
    /// failure after that must not read as "nothing was written".
    written: Vec<String>,
    /// Per kind, in the order the kinds came: the count, and whether the
    /// command's JSON report lists them.
    warnings: Vec<(String, usize, bool)>,
    cut: bool,
}

impl Ctx<'_> {
    /// Say how the command ends before writing its report (see
    /// [`Ctx::verdict`]'s field); gives `status` back.
    pub fn verdict(&mut self, status: Status) -> Status {
        self.verdict = status;
        status
    }

    /// A summary line on stderr, unless `--quiet`. Shown when the command
    /// is done and its output written: never when writing it failed.
    pub fn info(&mut self, line: &str) {
        self.notes.summaries.push(line.to_string());
    }

    /// A warning on stderr, unless `--quiet`: the first few of each kind
    /// as they come, a count of the rest when the command is done.
    pub fn warn(&mut self, kind: &str, line: &str) {
        self.warning(kind, line, false);
    }

    /// A warning of a merge (also in the JSON report of the commands that
    /// merge).
    pub fn warn_merge(&mut self, w: &crate::warning::Warning) {
        self.warning(w.kind.name(), &w.message, true);
    }

    fn warning(&mut self, kind: &str, line: &str, in_report: bool) {
        let seen = match self.notes.warnings.iter_mut().find(|(k, ..)| k == kind) {
            Some((_, n, _)) => {
                *n += 1;
                *n
            }
            None => {
                self.notes.warnings.push((kind.to_string(), 1, in_report));
                1
            }
        };
        if (seen <= WARNINGS_SHOWN || never_summarised(kind)) && !self.global.quiet {
            let _ = writeln!(self.err, "warning: {}", table::printable(line));
        }
    }

    /// Print a table on stdout.
    pub fn print_table(&mut self, t: &table::Table) -> std::io::Result<()> {
        self.notes.cut |= t.cut();
        writeln!(self.out, "{t}")
    }

    /// Note that a file is in place (an output or a journal renamed over its
    /// target): an error after this says so.
    pub fn wrote(&mut self, what: impl Into<String>) {
        self.notes.written.push(what.into());
    }

    /// [`Ctx::wrote`] for a command's output file (not stdout) and journal.
    pub fn wrote_outputs(&mut self, target: &io::Target, journal: Option<&std::path::Path>) {
        if let Some(p) = &target.path {
            self.wrote(p.display().to_string());
        }
        if let Some(j) = journal {
            self.wrote(format!("the journal {}", j.display()));
        }
    }

    /// Print a table on stderr (the reasons for a refusal).
    pub fn eprint_table(&mut self, t: &table::Table) -> std::io::Result<()> {
        self.notes.cut |= t.cut();
        writeln!(self.err, "{t}")
    }

    /// The command is done (`ok`: and its output written): the count of
    /// the warnings not shown, the note on cut cells, the summaries.
    fn finish(&mut self, ok: bool) {
        let notes = std::mem::take(&mut self.notes);
        if self.global.quiet {
            return;
        }
        for (kind, n, in_report) in &notes.warnings {
            if *n > WARNINGS_SHOWN && !never_summarised(kind) {
                let hint = match (in_report, self.global.format) {
                    (false, _) => "",
                    (true, args::OutputFormat::Json) => "; the JSON report lists them all",
                    (true, args::OutputFormat::Table) => "; --format json lists them all",
                };
                let _ = writeln!(
                    self.err,
                    "warning: … and {} more {kind} warnings ({} in all){hint}",
                    n - WARNINGS_SHOWN,
                    n
                );
            }
        }
        if notes.cut {
            let _ = writeln!(
                self.err,
                "note: long values are cut in tables (after {} characters or {} lines, shown …); --format json shows them whole",
                table::CELL_CHARS,
                table::CELL_LINES
            );
        }
        if ok {
            for line in &notes.summaries {
                let _ = writeln!(self.err, "{}", table::printable(line));
            }
        }
    }
}

/// The exit code of arguments clap did not run: a usage error (2), or
/// `--help` and `--version` printed on stdout (a closed pipe is fine, any
/// other failed write is exit 1 with the reason).
fn not_parsed(e: clap::Error) -> ExitCode {
    let printed = e.print();
    if e.use_stderr() {
        return ExitCode::from(2);
    }
    let failed = match printed {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => None,
        Err(err) => Some(err.to_string()),
        Ok(()) if stdout::closed_at_start() => Some(stdout::CLOSED.to_string()),
        Ok(()) => None,
    };
    match failed {
        Some(why) => {
            let _ = writeln!(std::io::stderr(), "error: cannot write to stdout: {why}");
            ExitCode::from(1)
        }
        None => ExitCode::SUCCESS,
    }
}

/// Kinds of warnings that are each about another thing, a few to a run
/// (what an output format cannot hold, one a section or column kind; the
/// key columns a file lacks): all are shown, never summarised as
/// repeats. SPEC section 7 summarises repeated warnings only.
fn never_summarised(kind: &str) -> bool {
    matches!(kind, "output" | "columns")
}

/// Parse the arguments, run, and give the exit code.
pub fn main<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    main_with(args, |_| ())
}

/// [`main`], telling `parsed` which command runs before it does (the
/// binary sets its allocator up by it).
pub fn main_with<I: IntoIterator<Item = OsString>>(
    args: I,
    parsed: impl FnOnce(&Command),
) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return not_parsed(e),
    };
    parsed(&cli.command);
    let global = match cli.resolve() {
        Ok(g) => g,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            return ExitCode::from(2);
        }
    };
    signals::install();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let color_on = |terminal: bool| match global.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let (color, err_color) = (
        color_on(stdout.is_terminal()),
        color_on(stderr.is_terminal()),
    );
    // Neither stream is locked for the run: a progress bar draws on stderr
    // from the threads that merge, and a lock held here while the command
    // waits for them stopped them for good (`apply` hung in a terminal).
    // Each write takes the lock for itself, so lines still come out whole.
    let mut out = std::io::BufWriter::new(stdout::Stdout::new(stdout));
    let mut err = stderr;
    let err_is_terminal = err.is_terminal();
    let mut ctx = Ctx {
        global: &global,
        out: &mut out,
        err: &mut err,
        color,
        err_color,
        err_is_terminal,
        notes: Notes::default(),
        verdict: Status::Ok,
    };
    // `run` flushes stdout itself, before the summaries.
    let result = run(&cli.command, &mut ctx);
    let verdict = ctx.verdict;
    drop(out);
    signals::settle();
    let code = |status| match status {
        Status::Ok => ExitCode::SUCCESS,
        Status::Problems => ExitCode::from(1),
        Status::Partial => ExitCode::from(3),
    };
    match result {
        Ok(status) => code(status),
        // The reader has what it wanted; the verdict still stands.
        Err(e) if is_broken_pipe(&e) => code(verdict),
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: {}{}",
                table::printable(&format!("{e:#}")),
                io_advice(&e)
            );
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// The export a command replaces in place, held for the run
/// ([`crate::atomic::hold`]): a second run over it is refused at once.
fn held_in_place(command: &Command) -> anyhow::Result<Option<crate::atomic::hold::Held>> {
    let (file, write) = match command {
        Command::Apply(a) => (&a.file, &a.write),
        Command::Merge(a) => (&a.file, &a.write),
        Command::Unmerge(a) => (&a.file, &a.write),
        _ => return Ok(None),
    };
    // A file that is not there is for the command itself to name.
    if !write.in_place || file.as_os_str() == "-" || !file.is_file() {
        return Ok(None);
    }
    Ok(Some(crate::atomic::hold::hold_for_replacing(file)?))
}

/// Run one command, once its paths are known not to overlap; its summaries
/// follow once its output is written.
pub fn run(command: &Command, ctx: &mut Ctx) -> anyhow::Result<Status> {
    use anyhow::Context;
    paths::of(command, ctx.global.format == args::OutputFormat::Json).check()?;
    // Held until the command ends, its output renamed into place.
    let _held = held_in_place(command)?;
    let result = regional::prepare(command, ctx)
        .and_then(|()| match command {
            Command::Show(a) => show::run(a, ctx),
            Command::Check(a) => check::run(a, ctx),
            Command::Diff(a) => diff::run(a, ctx),
            Command::Merge(a) => merge::run(a, ctx),
            Command::Apply(a) => apply::run(a, ctx),
            Command::Unmerge(a) => unmerge::run(a, ctx),
            Command::Dupes(a) => dupes::run(a, ctx),
            Command::Pull(a) => pull::run(a, ctx),
            Command::Push(a) => push::run(a, ctx),
            Command::Completions(a) => completions::run(a, ctx),
            Command::Man(a) => man::run(a, ctx),
        })
        .map_err(name_stdout)
        .and_then(|s| {
            ctx.out.flush().context("cannot write to stdout")?;
            Ok(s)
        })
        .map_err(|e| match ctx.notes.written.as_slice() {
            [] => e,
            files => e.context(format!(
                "{} {} written; what failed came after",
                crate::text::and_list(files),
                if files.len() == 1 { "was" } else { "were" }
            )),
        });
    ctx.finish(result.is_ok());
    result
}

/// What to do about an error the system gave (a file that cannot be
/// written, a plan or journal that cannot be read), after the message
/// that names the file: added here once for every command. An export that
/// cannot be read says it itself ([`crate::format::ReadError::Io`]).
fn io_advice(e: &anyhow::Error) -> String {
    match e.chain().find_map(|c| c.downcast_ref::<std::io::Error>()) {
        Some(io) if io.raw_os_error().is_some() => {
            format!("; {}", crate::error::io_advice(io.kind()))
        }
        _ => String::new(),
    }
}

/// A failed write that carries no context is a write to stdout: every file
/// the commands read or write is named where it is opened, and the tables
/// and JSON reports go to stdout through `?`. Say so, instead of a bare "No
/// space left on device".
fn name_stdout(e: anyhow::Error) -> anyhow::Error {
    let bare_io = e.chain().count() == 1
        && (e.downcast_ref::<std::io::Error>().is_some()
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.is_io()));
    if bare_io {
        e.context("cannot write to stdout")
    } else {
        e
    }
}

/// The merge options from the flags and the global `--merge-time`.
pub fn merge_options(
    flags: &args::MergeFlags,
    global: &Global,
) -> anyhow::Result<crate::rules::MergeOptions> {
    let merge_time = merge_time(global.merge_time.as_deref())?;
    Ok(crate::rules::MergeOptions {
        policy: flags.policy,
        lifecycle_order: stage_order(flags.lifecycle_order.as_deref())?,
        max_merges: flags.max_merges,
        enroll_on_merge: flags.enroll_on_merge,
        merge_time,
        explain: true,
    })
}

/// `--merge-time` in epoch milliseconds; now when not given.
pub fn merge_time(given: Option<&str>) -> anyhow::Result<i64> {
    Ok(match given {
        Some(t) => crate::dates::parse_rfc3339(t).map_err(|e| {
            UsageError(format!(
                "--merge-time '{}' is not an RFC 3339 time: give the date, T, the time and Z or an \
                 offset (e.g. 2024-06-01T00:00:00Z or 2024-06-01T02:00:00+02:00; years 1000 to 9999)",
                e.value
            ))
        })?,
        None => chrono::Utc::now().timestamp_millis(),
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
                .with_context(|| format!("cannot read the lifecycle order file {path} (--lifecycle-order @FILE reads the stages from FILE): check the path, or give the stages themselves, --lifecycle-order STAGE,STAGE,..."))?,
            format!("lifecycle order file {path}"),
        ),
        None => (arg.to_string(), "--lifecycle-order".to_string()),
    };
    crate::labels::parse_stage_order(&text).map_err(|e| UsageError(format!("{source}: {e}")).into())
}

/// The reader of stdout went away (`| head`): every command exits 0
/// quietly then. The pipe's error may come wrapped: in a CSV or JSON
/// writer's error, or in an I/O error made from one.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(crate::error::is_broken_pipe)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        super::args::Cli::command().debug_assert();
    }
}
