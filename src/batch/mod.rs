//! Merging in a whole export file, as the `apply` and `merge` commands ask
//! for it: read the input, apply a plan (or one merge), write the output
//! and extend the journal, all or nothing.
//!
//! [`run`] chooses how: a CSV or JSON Lines file written back in its own
//! format (and not sanitised) is streamed ([`crate::stream`]): only the
//! contacts the merges name are held and every other record is copied as
//! it is. Anything else (JSON, stdin, a change of format, sanitised CSV)
//! is read into memory and merged there. Both give the same result; one
//! merge that the stream cannot do as asked (an id missing or merged away,
//! a refused merge) is done again in memory, so that its message is the
//! same whichever way the file is read.
//!
//! The results are put in place journal first, then the output
//! ([`output::commit`]): an output without its journal could not be
//! restored.
//!
//! - [`output`]: the [`Destination`] asked for, the resolved [`Target`],
//!   the appended [`Journal`], writing and committing;
//! - `streamed` and `in_memory`: the two ways; `steps`: the merge step
//!   both give the plan runner;
//! - `error`: [`BatchError`], why a run failed.

pub mod error;
mod in_memory;
pub mod output;
mod steps;
mod streamed;
#[cfg(test)]
mod tests;

use std::io::Write;
use std::path::Path;

pub use error::BatchError;
pub use output::{Destination, Journal, Target};

use crate::format::Format;
use crate::plan::{ApplyReport, Plan};
use crate::rules::{Decision, MergeOptions};
use crate::warning::Warning;

/// The export to read.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Its path; `-` is stdin.
    pub path: &'a Path,
    /// `None`: from its extension, else from what it holds.
    pub format: Option<Format>,
    /// The order of its dates, when it is still being decided (on another
    /// thread): settled before any of its dates is read.
    pub deciding: Option<&'a crate::dates::order::Deciding>,
}

impl Input<'_> {
    pub fn is_stdin(&self) -> bool {
        self.path.as_os_str() == "-"
    }

    /// Whether the input can be read only once: stdin, or a path that is
    /// no regular file (a named pipe, `/dev/stdin` on a pipe, a shell's
    /// `<(...)`). Such an input is read whole, the in-memory way: the
    /// streamed way reads the records the plan needs a second time.
    pub fn read_once(&self) -> bool {
        self.is_stdin() || !std::fs::metadata(self.path).is_ok_and(|m| m.is_file())
    }

    /// The input's name in messages about what it holds.
    fn name(&self) -> String {
        if self.is_stdin() {
            "<stdin>".into()
        } else {
            self.path.display().to_string()
        }
    }
}

/// What to merge.
#[derive(Debug, Clone, Copy)]
pub enum Job<'a> {
    /// A plan (`apply`): all or nothing, or the good pairs with `keep_going`.
    Plan { plan: &'a Plan, keep_going: bool },
    /// One merge (`merge`): the secondary into the primary, ids as given.
    Pair {
        primary: &'a str,
        secondary: &'a str,
    },
}

/// A run: what to read, merge and write.
pub struct Request<'a> {
    pub input: Input<'a>,
    pub job: Job<'a>,
    /// The merge rules' options (`explain` is needed only by a journal).
    pub opts: &'a MergeOptions,
    /// Where the output goes; new files (output, journal) take its mode.
    pub output: &'a Destination,
    /// The journal to append this run's merges to.
    pub journal: Option<&'a Path>,
    /// Called once per merge, on whichever thread merges (a progress bar).
    pub progress: &'a (dyn Fn() + Sync),
    /// A plan's report lists each merge's notable section changes whole
    /// (`apply --format json`); without it, it only counts them.
    pub section_changes: bool,
}

/// How a run ended without an error.
#[derive(Debug)]
pub enum Outcome {
    /// The output (and the journal) are in place.
    Written(Written),
    /// All or nothing, and some pairs of the plan are bad: nothing was
    /// written. The report lists them all.
    Refused(ApplyReport),
}

/// A run whose output (and journal) are in place.
#[derive(Debug)]
pub struct Written {
    /// Where the output went, in which format.
    pub target: Target,
    /// Contacts written.
    pub contacts: usize,
    /// What the output format could not hold, and a `--sanitize-formulas`
    /// that changed nothing.
    pub output_warnings: Vec<String>,
    pub merges: Merges,
}

/// What the merges did.
#[derive(Debug)]
pub enum Merges {
    /// [`Job::Plan`]: the plan's report.
    Plan(ApplyReport),
    /// [`Job::Pair`]: the merge's decisions, what it did with each section
    /// (companies dropped, lists to re-evaluate, ...) and warnings.
    Pair {
        decisions: Vec<Decision>,
        sections: Vec<crate::rules::SectionChange>,
        warnings: Vec<Warning>,
    },
}

/// Run `req`: streamed when the input allows it, else in memory (see the
/// module). The output goes to `stdout` when the destination has no path.
/// A [`Job::Pair`] is never [`Outcome::Refused`]: a merge that cannot be
/// done is an error ([`BatchError::Merge`]).
pub fn run(req: &Request<'_>, stdout: &mut dyn Write) -> Result<Outcome, BatchError> {
    let journal = req
        .journal
        .map(|j| Journal::open(j, req.output.mode))
        .transpose()?;
    let journal = match streamable(req) {
        Some((format, target)) => {
            match streamed::run(req, format, target, journal, &mut *stdout)? {
                streamed::Attempt::Done(outcome) => return Ok(outcome),
                streamed::Attempt::InMemory(journal) => journal,
            }
        }
        None => journal,
    };
    in_memory::run(req, journal, stdout)
}

/// Check `plan` against the export as `apply` would run it, writing
/// nothing (the output is thrown away, no journal): the report, whose
/// `skipped` lists every pair `apply` would refuse, with why. With
/// `keep_going`, the good pairs are merged on the way (their warnings are
/// in the report too); without, the run stops at the check.
pub fn check_plan(
    input: Input<'_>,
    plan: &Plan,
    opts: &MergeOptions,
    keep_going: bool,
) -> Result<ApplyReport, BatchError> {
    let nowhere = Destination {
        path: None,
        format: None,
        sanitize_formulas: false,
        mode: None,
    };
    let opts = MergeOptions {
        explain: false,
        ..opts.clone()
    };
    let request = Request {
        input,
        job: Job::Plan { plan, keep_going },
        opts: &opts,
        output: &nowhere,
        journal: None,
        progress: &|| {},
        section_changes: false,
    };
    Ok(match run(&request, &mut std::io::sink())? {
        Outcome::Written(Written {
            merges: Merges::Plan(report),
            ..
        })
        | Outcome::Refused(report) => report,
        Outcome::Written(_) => unreachable!("a plan's run reports the plan"),
    })
}

/// The input's format and the target, when the run can be streamed.
fn streamable(req: &Request<'_>) -> Option<(Format, Target)> {
    if req.input.read_once() {
        return None;
    }
    let format = req
        .input
        .format
        .or_else(|| Format::from_path(req.input.path))
        .filter(|f| crate::stream::can_stream(*f))?;
    let target = req.output.resolve(format);
    // Sanitised CSV is written the in-memory way: the stream copies
    // untouched records as their bytes.
    let same = target.format == format && !(target.sanitize_formulas && format == Format::Csv);
    same.then_some((format, target))
}

/// The journal's lines for this run, in the journal's temporary file.
type Lines<'a> = crate::journal::JournalWriter<&'a mut std::io::BufWriter<std::fs::File>>;

/// A writer of this run's journal lines, when there is a journal.
fn lines<'a>(
    journal: Option<&'a mut Journal>,
    opts: &MergeOptions,
    format: Format,
) -> Option<Lines<'a>> {
    let policy = opts.policy.to_string();
    journal.map(|j| {
        crate::journal::JournalWriter::new(j.writer(), opts.merge_time, &policy).for_format(format)
    })
}

/// Flush this run's journal lines (the journal is put in place with the
/// output, by [`output::commit`]).
fn finish_lines(lines: Option<Lines<'_>>, journal: Option<&Path>) -> Result<(), BatchError> {
    if let (Some(w), Some(path)) = (lines, journal) {
        w.finish().map_err(|source| BatchError::JournalWrite {
            path: path.to_path_buf(),
            source,
        })?;
    }
    Ok(())
}
