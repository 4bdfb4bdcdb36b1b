//! The streamed way: [`crate::stream::apply_input`] over a CSV, JSON Lines
//! or JSON document file, written back in its own format.

use std::io::Write;
use std::sync::Mutex;

use super::output::{self, Journal, Target};
use super::{steps, BatchError, Job, Merges, Outcome, Request, Written};
use crate::format::Format;
use crate::plan::{ApplyError, ApplyOptions, Pair, Plan, PlanFormat};
use crate::stream::{apply_input, Input, Sink, StreamError, Tuning};
use crate::warning::Warning;

/// How a streamed attempt ended.
pub(super) enum Attempt {
    /// Written, or refused (a plan with bad pairs): the run is over.
    Done(Outcome),
    /// The one merge of a [`Job::Pair`] could not be done as asked: the
    /// in-memory way does it again (or refuses it with its own message).
    /// Nothing was written; the journal is given back untouched.
    InMemory(Option<Journal>),
}

/// Stream `req` from its input (in `format`) to `target`. The output goes
/// out only once every merge is done, so an [`Attempt::InMemory`] has
/// written nothing, not even to stdout.
pub(super) fn run(
    req: &Request<'_>,
    format: Format,
    target: Target,
    mut journal: Option<Journal>,
    stdout: &mut dyn Write,
) -> Result<Attempt, BatchError> {
    let one;
    let (plan, keep_going) = match req.job {
        Job::Plan { plan, keep_going } => (plan, keep_going),
        Job::Pair { primary, secondary } => {
            one = one_pair(primary, secondary);
            (&one, false)
        }
    };
    let apply_opts = ApplyOptions {
        keep_going,
        max_merges: req.opts.max_merges,
    };
    let kept = Mutex::new(steps::PairKept::default());
    let merge = steps::merge_step(req, journal.is_some(), &kept);
    // A pair's journal line is written only when the merge is done (a bad
    // pair, the only one, records nothing before the in-memory way runs).
    let mut lines = super::lines(journal.as_mut(), req.opts, format);
    let record = lines.as_mut().map(|w| steps::recorder(req.job, w));
    let mut tmp = target.temp_file()?;
    // The output is a temporary file (or stdout) until the plan is done.
    // A file output lets the kernel copy the runs no merge touches.
    let out = match tmp.as_mut() {
        Some(t) => Sink::File(t.writer()),
        None => Sink::Writer(stdout),
    };
    let tuning = Tuning::default();
    let input = Input {
        path: req.input.path,
        format,
        tuning: &tuning,
        deciding: req.input.deciding,
    };
    let done = match apply_input(input, plan, &apply_opts, merge, record, out) {
        Ok(done) => done,
        Err(StreamError::Apply(ApplyError::BadPairs { report })) => {
            drop(lines);
            return Ok(match req.job {
                Job::Plan { .. } => Attempt::Done(Outcome::Refused(report)),
                Job::Pair { .. } => Attempt::InMemory(journal),
            });
        }
        Err(e) => return Err(stream_failed(e, &target, req.journal)),
    };
    if tmp.is_none() {
        // The whole export reaches stdout before the journal is put in
        // place: a journal must not record an output cut short.
        (stdout.flush()).map_err(|e| write_failed(e, &target, req.journal))?;
    }
    super::finish_lines(lines, req.journal)?;
    output::commit(journal, tmp, &target)?;
    let merges = match req.job {
        Job::Plan { .. } => Merges::Plan(done.report),
        Job::Pair { .. } => {
            let kept = kept.into_inner().expect("not poisoned");
            Merges::Pair {
                decisions: kept.decisions,
                sections: kept.sections,
                warnings: (done.report.warnings.into_iter())
                    .map(|w| Warning::new(w.kind, w.warning))
                    .collect(),
            }
        }
    };
    Ok(Attempt::Done(Outcome::Written(Written {
        output_warnings: output::sanitize_unused(&target).into_iter().collect(),
        target,
        contacts: done.contacts,
        merges,
    })))
}

/// Why a streamed run stopped, other than bad pairs, as the batch tells
/// it: a journal that could not be written named with its path (as the
/// in-memory way names it), a write cut short by a closed pipe as such.
fn stream_failed(e: StreamError, target: &Target, journal: Option<&std::path::Path>) -> BatchError {
    match (e, journal) {
        (StreamError::Apply(ApplyError::Journal(source)), Some(path)) => BatchError::JournalWrite {
            path: path.to_path_buf(),
            source,
        },
        (StreamError::Read(e), _) => e.into(),
        (StreamError::DateOrder(e), _) => e.into(),
        (StreamError::Write(e), _) => write_failed(e, target, journal),
        (e, _) => BatchError::Stream(Box::new(e)),
    }
}

/// The one merge of a [`Job::Pair`] as a plan.
fn one_pair(primary: &str, secondary: &str) -> Plan {
    Plan {
        file: "the command line".into(),
        format: PlanFormat::Csv,
        pairs: vec![Pair {
            line: 1,
            primary: primary.to_string(),
            secondary: secondary.to_string(),
        }],
    }
}

/// Writing the output failed: cut short by a reader that closed the pipe
/// (in a run with a journal), or any other failure to write `target`.
fn write_failed(
    source: std::io::Error,
    target: &Target,
    journal: Option<&std::path::Path>,
) -> BatchError {
    super::error::cut_short(&source, journal).unwrap_or_else(|| BatchError::Write {
        to: target.describe(),
        source,
    })
}
