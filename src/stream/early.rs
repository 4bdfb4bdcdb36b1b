//! Merging the pairs no other pair touches on the other core while the
//! first pass reads the file: the first pass feeds their records
//! ([`EarlyFeed`]), a thread merges them ([`merge_early`]), and the store
//! takes each merge when the plan reaches its pair ([`EarlyMerges`]).

use std::fs::File;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde_json::Value;

use super::columns::Grown;
use super::json_doc::JsonStyle;
use super::record::RawCopy;
use super::spill::{Kept, Spill};
use super::store::{Prepared, Row};
use super::wanted::Side;
use super::Tuning;
use crate::model::{Contact, Layout};
use crate::plan::{merge_checked, ApplyOptions, Early, MergeStep, Primary, Times};

/// What the first pass sends the thread that merges pairs early.
pub(super) enum EarlyMsg {
    /// The file's layout, first.
    Start(Layout, JsonStyle),
    Pairs(Vec<EarlyPair>),
}

/// Pairs sent to the merging thread at a time (each send may wake it).
pub(super) const EARLY_BATCH: usize = 64;

/// An isolated pair whose contacts have both been read: their numbers in
/// the store and their records (which the first pass hands over rather
/// than keeps).
pub(super) struct EarlyPair {
    pub(super) at: usize,
    pub(super) pi: usize,
    pub(super) si: usize,
    pub(super) primary: RawCopy,
    pub(super) secondary: RawCopy,
}

/// The first pass's side of early merging: takes the records of isolated
/// pairs' contacts, and sends each pair once both are read.
pub(super) struct EarlyFeed {
    /// Isolated pairs with one contact read: its number, side and record.
    pub(super) half: HashMap<usize, (usize, bool, RawCopy)>,
    /// Isolated pairs no longer fed: sent (a record with one of their ids
    /// met later, an id the file holds twice, is not the store's), or left
    /// to the plan because a contact holds an id in its
    /// `hs_merged_object_ids` that the plan names (other pairs may reach
    /// it through that id).
    pub(super) closed: HashSet<usize>,
    /// Records taken, then given back (their pair was left to the plan).
    pub(super) given_back: Vec<(usize, RawCopy)>,
    /// Pairs read, not sent yet.
    pub(super) ready: Vec<EarlyPair>,
    pub(super) tx: mpsc::Sender<EarlyMsg>,
}

impl EarlyFeed {
    pub(super) fn start(&mut self, layout: Layout, style: JsonStyle) {
        // A send fails only when the merging thread is gone (it panicked:
        // the panic is raised when it is joined).
        let _ = self.tx.send(EarlyMsg::Start(layout, style));
    }

    /// Contact `i` of an isolated pair (its side; `claims`: it holds an id
    /// the plan names in its `hs_merged_object_ids`) was just read: whether
    /// the feed takes its record (`raw` makes it).
    pub(super) fn read(
        &mut self,
        i: usize,
        side: Side,
        claims: bool,
        raw: impl FnOnce() -> RawCopy,
    ) -> bool {
        let (at, primary) = side;
        if self.closed.contains(&at) {
            return false;
        }
        if claims {
            self.closed.insert(at);
            if let Some((j, _, other)) = self.half.remove(&at) {
                self.given_back.push((j, other));
            }
            return false;
        }
        match self.half.remove(&at) {
            None => {
                self.half.insert(at, (i, primary, raw()));
            }
            // An id the file holds twice: the store knows its first record,
            // and keeps this one as any other.
            Some(first) if first.1 == primary => {
                self.half.insert(at, first);
                return false;
            }
            Some((j, _, other)) => {
                self.closed.insert(at);
                let (pi, si, primary, secondary) = if primary {
                    (i, j, raw(), other)
                } else {
                    (j, i, other, raw())
                };
                self.ready.push(EarlyPair {
                    at,
                    pi,
                    si,
                    primary,
                    secondary,
                });
                if self.ready.len() == EARLY_BATCH {
                    self.send();
                }
            }
        }
        true
    }

    pub(super) fn send(&mut self) {
        let batch = std::mem::replace(&mut self.ready, Vec::with_capacity(EARLY_BATCH));
        let _ = self.tx.send(EarlyMsg::Pairs(batch));
    }

    /// The records taken and not sent: of pairs whose other contact was
    /// never read, or that were left to the plan.
    pub(super) fn unpaired(self) -> impl Iterator<Item = (usize, RawCopy)> {
        let given_back = self.given_back;
        self.half
            .into_values()
            .map(|(i, _, raw)| (i, raw))
            .chain(given_back)
    }
}

/// What the thread merging pairs early gives the store: by pair number,
/// the contacts merged and the merge; and (CSV) the layout grown by the
/// columns its rows were encoded for.
pub(super) struct EarlyDone {
    pub(super) merges: EarlyMerges,
    pub(super) grown: Option<Grown>,
    /// CSV: the rows, one after the other (the store's row bytes begin
    /// with them).
    pub(super) rows: Vec<u8>,
    /// The records of the contacts of pairs not merged (refused, or not
    /// reached before the first pass ended), by contact number.
    pub(super) unmerged: Vec<(usize, RawCopy)>,
    /// JSON: where the merged contacts were kept (the store keeps its own
    /// there after them).
    pub(super) spill: Option<Spill>,
}

impl EarlyDone {
    pub(super) fn none() -> Self {
        EarlyDone {
            merges: EarlyMerges::default(),
            grown: None,
            rows: Vec::new(),
            unmerged: Vec::new(),
            spill: None,
        }
    }
}

/// Where an early merge's result goes: a CSV row for the grown layout,
/// after the other rows; a JSON contact in the document's style, kept.
pub(super) enum EarlyTo<'a> {
    Rows(&'a mut Grown, &'a mut Vec<u8>),
    Json(&'a JsonStyle, &'a mut Spill),
}

/// Merges done while the file was read, by pair number (one of the plan's
/// 100,000 pairs takes 4 bytes; a merge about 64).
#[derive(Default)]
pub(super) struct EarlyMerges {
    /// Per pair of the plan, 1 + the place of its merge in `merges` (0:
    /// none).
    pub(super) by_pair: Vec<u32>,
    pub(super) merges: Vec<Option<EarlyMerge>>,
}

/// A merge done while the file was read: the contacts merged (store
/// numbers), the merged contact's row or line, and what else the merge
/// gave when it gave anything.
pub(super) struct EarlyMerge {
    pub(super) pi: u32,
    pub(super) si: u32,
    pub(super) out: EarlyOut,
    pub(super) extra: Option<Box<EarlyExtra>>,
}

/// What else a merge gave: decisions, warnings, the journal's part, and
/// the notable section changes (a plan's report names them).
#[derive(Default)]
pub(super) struct EarlyExtra {
    pub(super) decisions: Vec<Value>,
    pub(super) warnings: Vec<crate::warning::Warning>,
    pub(super) journal: Option<Vec<u8>>,
    pub(super) sections: Vec<crate::rules::SectionChange>,
    pub(super) section_tally: crate::rules::SectionTally,
}

pub(super) enum EarlyOut {
    /// CSV: its row, in the early rows.
    Row(Row),
    /// JSON: the merged contact, kept.
    Json(Kept),
}

impl EarlyMerges {
    pub(super) fn insert(
        &mut self,
        at: usize,
        pi: usize,
        si: usize,
        out: EarlyOut,
        extra: Option<Box<EarlyExtra>>,
    ) {
        let number = |i: usize| u32::try_from(i).expect("fewer than 4 billion contacts");
        if self.by_pair.len() <= at {
            self.by_pair.resize(at + 1, 0);
        }
        self.merges.push(Some(EarlyMerge {
            pi: number(pi),
            si: number(si),
            out,
            extra,
        }));
        self.by_pair[at] = number(self.merges.len());
    }

    /// The merge of pair `at`, once: its contacts and the merge.
    pub(super) fn take(&mut self, at: usize) -> Option<(usize, usize, Early<Prepared>)> {
        let k = std::mem::take(self.by_pair.get_mut(at)?);
        let m = self.merges.get_mut((k as usize).checked_sub(1)?)?.take()?;
        let extra = m.extra.map_or_else(EarlyExtra::default, |extra| *extra);
        let (placed, json) = match m.out {
            EarlyOut::Row(row) => (Some(row), None),
            EarlyOut::Json(json) => (None, Some(json)),
        };
        let prepared = Prepared {
            json,
            row: None,
            placed,
            named_later: false,
        };
        let early = Early {
            decisions: extra.decisions,
            warnings: extra.warnings,
            sections: extra.sections,
            section_tally: extra.section_tally,
            journal: extra.journal,
            prepared,
        };
        Some((m.pi as usize, m.si as usize, early))
    }

    /// How many were made.
    pub(super) fn len(&self) -> usize {
        self.merges.len()
    }
}

/// Merge the isolated pairs as the first pass sends them, until it is done
/// (`stop`). A pair whose merge would be refused is left to the plan,
/// which reports it, with the pairs not merged by then: their records are
/// given back.
pub(super) fn merge_early<M>(
    rx: mpsc::Receiver<EarlyMsg>,
    pairs: usize,
    stop: &AtomicBool,
    tuning: &Tuning,
    (file, src): (&str, &File),
    opts: &ApplyOptions,
    merge: &M,
) -> EarlyDone
where
    M: Fn(&Layout, Primary<'_>, &Contact, Times<'_>) -> Result<MergeStep, String>,
{
    let mut done = EarlyDone::none();
    let Ok(EarlyMsg::Start(layout, style)) = rx.recv() else {
        return done;
    };
    match &layout {
        Layout::Csv(csv) => done.grown = Some(Grown::new(csv)),
        _ => done.spill = Some(Spill::new(tuning.spill)),
    }
    let mut sent = 0usize;
    for msg in rx {
        let EarlyMsg::Pairs(jobs) = msg else {
            continue;
        };
        for job in jobs {
            sent += 1;
            // Once the first pass is done, the pairs left go back to the
            // plan (tests leave some anyway, so that both ways are taken).
            let left = stop.load(Ordering::Relaxed)
                || (tuning.leave_every > 0 && sent % tuning.leave_every == 0);
            let merged = if left {
                None
            } else {
                let to = match (done.grown.as_mut(), done.spill.as_mut()) {
                    (Some(g), _) => EarlyTo::Rows(g, &mut done.rows),
                    (None, spill) => EarlyTo::Json(&style, spill.expect("made for JSON")),
                };
                merge_one_early(&layout, to, pairs, (file, src), opts, merge, &job)
            };
            match merged {
                Some((out, extra)) => {
                    done.merges.insert(job.at, job.pi, job.si, out, extra);
                }
                None => {
                    done.unmerged.push((job.pi, job.primary));
                    done.unmerged.push((job.si, job.secondary));
                }
            }
        }
    }
    done
}

/// Merge an isolated pair early, and prepare the result for the store: its
/// row for the layout `grown` (CSV), growing it by the columns the row
/// needs, put after the other `rows`; or its JSON line; and what else the
/// merge gave. `None` when the merge would be refused.
pub(super) fn merge_one_early<M>(
    layout: &Layout,
    to: EarlyTo<'_>,
    pairs: usize,
    (file, src): (&str, &File),
    opts: &ApplyOptions,
    merge: &M,
    job: &EarlyPair,
) -> Option<(EarlyOut, Option<Box<EarlyExtra>>)>
where
    M: Fn(&Layout, Primary<'_>, &Contact, Times<'_>) -> Result<MergeStep, String>,
{
    let mut p = job.primary.open(layout, file, src)?;
    let s = job.secondary.open(layout, file, src)?;
    let step = merge_checked(
        layout,
        opts,
        merge,
        (Primary::Spend(&mut p), &s),
        Times::default(),
    )
    .ok()?;
    let out = match to {
        EarlyTo::Rows(grown, rows) => {
            // The columns it needs are found once, as the layout grows.
            let needs = grown.columns_for(&step.merged);
            let (cols, bytes) = grown.row(&step.merged);
            if rows.capacity() == 0 {
                // Room for every isolated pair's row, about as long as the
                // first (only what is written is touched).
                rows.reserve(pairs * (bytes.len() * 3 / 2 + 16));
            }
            let at = rows.len();
            rows.extend_from_slice(&bytes);
            EarlyOut::Row(Row {
                cols,
                at,
                len: bytes.len(),
                needs,
            })
        }
        EarlyTo::Json(style, spill) => EarlyOut::Json(spill.keep(style.encode(&step.merged))),
    };
    let extra = (!step.decisions.is_empty()
        || !step.warnings.is_empty()
        || step.journal.is_some()
        || !step.sections.is_empty()
        || !step.section_tally.is_empty())
    .then(|| {
        Box::new(EarlyExtra {
            decisions: step.decisions,
            warnings: step.warnings,
            journal: step.journal,
            sections: step.sections,
            section_tally: step.section_tally,
        })
    });
    Some((out, extra))
}
