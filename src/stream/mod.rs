//! Applying a plan to an export file without loading it (batch runs on
//! whole-portal exports): CSV, JSON Lines and JSON documents.
//!
//! Two passes over the file:
//! 1. read it record by record with the format's record reader
//!    ([`crate::format::records`]), every record checked as the in-memory
//!    reader checks it, and keep only what the plan needs: the contacts it
//!    names (where their bytes are), the contacts whose
//!    `hs_merged_object_ids` redirect one of its ids, and where every record
//!    starts;
//! 2. after the whole plan has run (all or nothing, as in memory), copy the
//!    file to the output, writing the merged contacts in their primaries'
//!    places and leaving out the secondaries. Every other record is copied
//!    byte for byte (by the kernel, into an output file).
//!
//! Memory is the plan's contacts, not the export's. The pair-by-pair logic
//! is [`crate::plan::run_plan`], the same as for an export in memory.
//!
//! The modules, in the order of the data:
//! - [`wanted`]: the ids the plan names, looked up for every record read;
//! - [`scan`]: the first pass, keeping [`record`]s;
//! - [`early`]: pairs no other pair touches, merged on the other core
//!   while the file is read;
//! - [`store`]: the plan's contacts as the plan runs ([`crate::plan::Store`]);
//! - [`columns`]: the columns merged CSV contacts add to the file's;
//! - [`spill`]: merged JSON contacts waiting in a temporary file;
//! - [`finish`]: what the plan leaves for the second pass;
//! - [`write`]: the second pass (CSV, JSON Lines), over [`chunks`] of the
//!   file, its pieces made on both cores and written [`order`]ed;
//!   [`json_doc`]: the same for JSON documents; [`output`]: where it goes.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::format::{Format, ReadError};
use crate::model::{Contact, Layout};
use crate::plan::{
    run_plan, Applied, ApplyError, ApplyOptions, ApplyReport, MergeStep, Numbered, Plan, Primary,
    Redirects, Times,
};

mod chunks;
mod columns;
mod early;
mod finish;
mod json_doc;
mod order;
mod output;
mod record;
mod scan;
mod spill;
mod store;
mod wanted;
mod write;

#[cfg(test)]
mod tests;

pub use output::Sink;

use early::{merge_early, EarlyDone, EarlyFeed, EARLY_BATCH};
use output::Output;
use record::Scan;
use store::RawStore;
use wanted::Wanted;

/// Why a streamed apply failed.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Apply(#[from] ApplyError),
    /// Reading the input failed.
    #[error("{file}: cannot read the file a second time: {err}; nothing was written: make sure no other program changes or removes it during the run, then run again")]
    Io { file: String, err: io::Error },
    /// Writing the output failed (the caller knows where it goes).
    #[error("writing the output: {0}")]
    Write(io::Error),
    /// The export's dates disagree on their order, or with `--date-order`.
    #[error(transparent)]
    DateOrder(#[from] crate::dates::order::OrderError),
    /// Keeping merged contacts in a temporary file failed.
    #[error("cannot keep the merged contacts in a temporary file in TMPDIR: {0}; nothing was written: free space there, or set TMPDIR to a folder with room, and run again")]
    Temp(io::Error),
}

/// What a streamed apply did.
#[derive(Debug)]
pub struct Streamed {
    pub report: ApplyReport,
    /// Contacts written.
    pub contacts: usize,
    /// Properties and association kinds of the merged contacts that the
    /// CSV had no column for, added as new columns.
    pub new_columns: Vec<String>,
    /// How many merges were done while the file was read (on the other
    /// core, for pairs no other pair touches; without a journal). Speed
    /// only: the result is the same.
    pub merged_early: usize,
}

/// The knobs of a streamed apply. [`Tuning::default`] is what ships; tests
/// pass in small values so that their small files go beyond each limit,
/// and make the early merges deterministic. None changes the output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tuning {
    /// Merged contacts a later pair may name kept parsed, at most (about
    /// 4 KB each for a contact of a few dozen properties); beyond that
    /// they are kept as JSON and parsed again when named.
    pub parsed: usize,
    /// Bytes of records the second pass gathers before it writes them: the
    /// size of a piece rewritten on either core.
    pub piece: usize,
    /// Whether the early merges go on once the first pass is done (shipped:
    /// no, the pairs not merged by then are merged with the plan).
    pub early_after_scan: bool,
    /// Every `n`th pair sent for an early merge is left to the plan
    /// instead (0: none), so that both ways are taken.
    pub leave_every: usize,
    /// Runs of the input the plan does not touch at least this long are
    /// copied into an output file by the kernel ([`Sink::File`]).
    pub direct: u64,
    /// Whether merged JSON contacts wait for the second pass in a
    /// temporary file rather than in memory.
    pub spill: bool,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            parsed: 8192,
            piece: 1 << 20,
            early_after_scan: false,
            leave_every: 0,
            direct: 1 << 12,
            spill: true,
        }
    }
}

/// The file a streamed apply reads, and how.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub path: &'a Path,
    pub format: Format,
    pub tuning: &'a Tuning,
    /// The order of its dates, when it is still being decided: settled
    /// before the first pass, which merges.
    pub deciding: Option<&'a crate::dates::order::Deciding>,
}

/// The formats that can be streamed.
pub fn can_stream(format: Format) -> bool {
    matches!(format, Format::Csv | Format::Ndjson | Format::Json)
}

/// Apply `plan` to the export in `path` (CSV, JSON Lines or a JSON
/// document), writing the result to `out` in the same format, only once
/// every pair has been validated and merged (`keep_going` as for
/// [`crate::plan::apply_plan`]). A file the in-memory reader would refuse
/// is refused with the same message. A JSON document keeps its own bytes
/// around the records the plan does not touch; merged contacts are written
/// in its indentation.
pub fn apply_file<M, J>(
    path: &Path,
    format: Format,
    plan: &Plan,
    opts: &ApplyOptions,
    merge: M,
    on_applied: Option<J>,
    out: &mut dyn Write,
) -> Result<Streamed, StreamError>
where
    M: Fn(&Layout, Primary<'_>, &Contact, Times<'_>) -> Result<MergeStep, String> + Sync,
    J: FnMut(&Applied<'_>) -> io::Result<()>,
{
    let tuning = Tuning::default();
    let input = Input {
        path,
        format,
        tuning: &tuning,
        deciding: None,
    };
    apply_input(input, plan, opts, merge, on_applied, Sink::Writer(out))
}

/// [`apply_file`], tuned, to any [`Sink`] (a file is written faster).
pub fn apply_input<M, J>(
    input: Input<'_>,
    plan: &Plan,
    opts: &ApplyOptions,
    merge: M,
    on_applied: Option<J>,
    out: Sink<'_>,
) -> Result<Streamed, StreamError>
where
    M: Fn(&Layout, Primary<'_>, &Contact, Times<'_>) -> Result<MergeStep, String> + Sync,
    J: FnMut(&Applied<'_>) -> io::Result<()>,
{
    let file = input.path.display().to_string();
    // Without a journal (which needs the contacts before each merge), the
    // pairs no other pair touches are merged on the other core while this
    // one reads the file.
    let wanted = Wanted::new(plan, on_applied.is_none());
    let numbered = Numbered::new(plan);
    // Made while the dates' order was decided; the first pass merges.
    if let Some(deciding) = input.deciding {
        deciding.settle()?;
    }
    // The records the plan needs are read again from the file (by both
    // threads) rather than held, but for CSV rows.
    let src = File::open(input.path).map_err(|err| ReadError::Io {
        file: file.clone(),
        err,
    })?;
    let (scan, early) = first_pass(input, (&file, &src), &wanted, opts, &merge);
    drop(wanted);
    let scan = scan?;
    let mut store = RawStore::new(&src, &scan, &file, early, input.tuning);
    let redirects = redirects_of(&scan, &store, plan);
    let report = run_plan(
        &mut store,
        redirects,
        &scan.layout,
        numbered,
        opts,
        merge,
        on_applied,
    )?;
    let merged_early = store.early_taken;
    let finished = store.finish().map_err(StreamError::Temp)?;
    let mut output = Output::new(out, input.tuning.direct);
    let contacts = write::write_result(input, &scan, &finished, &mut output).map_err(|err| {
        if output.failed {
            StreamError::Write(err)
        } else {
            StreamError::Io { file, err }
        }
    })?;
    Ok(Streamed {
        report,
        contacts,
        new_columns: finished.new_columns,
        merged_early,
    })
}

/// The first pass: the file read, and the isolated pairs merged on the
/// other core meanwhile (when there are any).
fn first_pass<M>(
    input: Input<'_>,
    (file, src): (&str, &File),
    wanted: &Wanted<'_>,
    opts: &ApplyOptions,
    merge: &M,
) -> (Result<Scan, ReadError>, Option<EarlyDone>)
where
    M: Fn(&Layout, Primary<'_>, &Contact, Times<'_>) -> Result<MergeStep, String> + Sync,
{
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let mut feed = None;
        let mut worker = None;
        if wanted.isolated > 0 {
            let (tx, rx) = mpsc::channel();
            let pairs = wanted.isolated;
            feed = Some(EarlyFeed {
                half: HashMap::default(),
                closed: HashSet::default(),
                given_back: Vec::new(),
                ready: Vec::with_capacity(EARLY_BATCH),
                tx,
            });
            let (stop, tuning) = (&stop, input.tuning);
            worker = Some(
                scope.spawn(move || merge_early(rx, pairs, stop, tuning, (file, src), opts, merge)),
            );
        }
        let scan = scan::scan(input, file, wanted, feed.as_mut());
        // The pairs the other core has not merged yet are merged with the
        // plan.
        if !input.tuning.early_after_scan {
            stop.store(true, Ordering::Relaxed);
        }
        let unpaired = feed.map(|mut feed| {
            feed.send();
            feed.unpaired()
        });
        let early = worker.map(|w| {
            let mut done = w.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            done.unmerged.extend(unpaired.into_iter().flatten());
            done
        });
        (scan, early)
    })
}

/// HubSpot's redirects for the plan's ids: a contact holding a merged-away
/// id the plan names in its `hs_merged_object_ids` (the first in file
/// order; a second marks the id contested), unless the file holds that id
/// as a contact.
fn redirects_of(scan: &Scan, store: &RawStore<'_>, plan: &Plan) -> Redirects {
    let mut redirects = Redirects::with_capacity(plan.pairs.len() + scan.claims.len());
    for (owner, merged_id) in &scan.claims {
        if !store.index.contains_key(merged_id.as_str()) {
            redirects.claim(merged_id, owner);
        } else {
            redirects.stale_copy(merged_id, owner);
        }
    }
    redirects
}
