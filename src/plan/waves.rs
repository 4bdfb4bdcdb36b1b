//! Running a plan over a store in waves, on both cores.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io;

use rustc_hash::FxHashMap as HashMap;
use serde_json::Value;

use super::commit::{commit, Commit};
use super::last_use::LastUse;
use super::merge_one::{merge_one, Checkout, MergeDone, Noted};
use super::names::{num, Links, Names, Numbered, NONE};
use super::pool::{Closing, Pool};
use super::settle::Settler;
use super::validate::resolve_pair;
use super::{
    Applied, ApplyError, ApplyOptions, ApplyReport, MergeStep, Pair, PairProblem, Plan, Primary,
    Redirects, Store,
};
use crate::dates::ValueTimes;
use crate::merge::Times;
use crate::model::{Contact, Layout};
use crate::warning::Warning;

/// The knobs of a run: how far ahead a plan is read and when the second
/// thread starts. They change how the work is cut, never the result; tests
/// pass small ones so that their small plans span many windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// Pairs read ahead of the first one not settled (an eighth of it with
    /// a journal, which keeps both contacts of every merge not settled).
    pub window: usize,
    /// How many more waiting pairs than pairs taken a wave reads before it
    /// stops looking further into the window.
    pub scan_slack: usize,
    /// Merges in a wave from which a second thread is worth starting.
    pub parallel_from: usize,
}

impl Default for Tuning {
    /// What the tool ships with.
    fn default() -> Self {
        Tuning {
            window: 2048,
            scan_slack: 64,
            parallel_from: 16,
        }
    }
}

impl Tuning {
    /// A short window and scan, for tests: a plan of a few hundred pairs
    /// spans many windows and its chains reach the end of a scan.
    pub fn small() -> Self {
        Tuning {
            window: 64,
            scan_slack: 2,
            ..Tuning::default()
        }
    }
}

/// Run a plan over a store: the pair-by-pair logic of [`apply_plan`],
/// whatever holds the contacts. On success the store holds the result.
/// `on_applied` is the journal, if there is one: without it, the contacts
/// as they were before each merge are freed as soon as it is done.
///
/// The result is that of merging one pair after the other, but the merges
/// run on both cores, in waves. The plan is read a window ahead; a wave
/// takes every waiting pair of the window that touches no contact an
/// earlier waiting pair touches, its ids resolved as things stand. Such a
/// pair and the waiting pairs before it do not see each other: they touch
/// other contacts, and an id can only come to resolve to another contact
/// through a merge of the contact it resolves to now. So its merge is the
/// same now as after theirs. A wave's merges are committed to the store in
/// plan order as soon as they are done, and the pairs that waited for them
/// go in the next wave. Reporting, the journal and the positions it
/// records go strictly in plan order ("settling"), as far as no earlier
/// pair still waits.
///
/// [`apply_plan`]: super::apply_plan
pub fn run_plan<'a, S, M, J>(
    work: &mut S,
    redirects: Redirects,
    layout: &Layout,
    plan: Numbered<'_>,
    opts: &ApplyOptions,
    merge: M,
    on_applied: Option<J>,
) -> Result<ApplyReport, ApplyError>
where
    S: Store<'a>,
    M: Fn(&Layout, Primary<'_>, &Contact, Times<'_>) -> Result<MergeStep, String> + Sync,
    J: FnMut(&Applied<'_>) -> io::Result<()>,
{
    let tuning = Tuning::default();
    run_plan_tuned(
        work, redirects, layout, plan, opts, &tuning, merge, on_applied,
    )
}

/// [`run_plan`] with the given [`Tuning`].
#[allow(clippy::too_many_arguments)]
pub fn run_plan_tuned<'a, S, M, J>(
    work: &mut S,
    redirects: Redirects,
    layout: &Layout,
    numbered: Numbered<'_>,
    opts: &ApplyOptions,
    tuning: &Tuning,
    merge: M,
    on_applied: Option<J>,
) -> Result<ApplyReport, ApplyError>
where
    S: Store<'a>,
    M: Fn(&Layout, Primary<'_>, &Contact, Times<'_>) -> Result<MergeStep, String> + Sync,
    J: FnMut(&Applied<'_>) -> io::Result<()>,
{
    let keep_inputs = on_applied.is_some();
    let plan = numbered.plan;
    let mut settler = Settler::new(plan, opts, work.count(), on_applied);
    let mut redirects = redirects;
    let names = Names::new(numbered, &mut redirects, |id| work.index(id));
    let last_use = LastUse::new(&names, work.count());
    let shared = work.shared();
    let merging = |t| merge_one::<S, M>(&shared, t, layout, opts, &merge, keep_inputs);
    let pool = Pool::new(tuning.window);
    std::thread::scope(|scope| {
        // Closed however this ends, so that the other thread stops.
        let _closing = Closing(&pool);
        let known = (names, redirects, last_use);
        let mut waves = Waves::new(plan, known, work.count(), *tuning, keep_inputs);
        // The other thread starts with the first wave worth it (a small
        // plan runs on this one).
        let mut serving = false;
        // Kept from wave to wave, with their room.
        let mut wave = Wave {
            picked: Vec::new(),
            jobs: Vec::new(),
        };
        while waves.fill() {
            pool.start(std::mem::take(&mut waves.garbage));
            // Each merge goes to the pool as soon as it is picked.
            let mut given = 0;
            waves.pick(work, &mut wave, |t| match t {
                Checkout::Early(_) => Job::Here(t),
                Checkout::Open { .. } => {
                    given += 1;
                    if !serving && given >= tuning.parallel_from {
                        scope.spawn(|| pool.serve(&merging));
                        serving = true;
                    }
                    Job::Pool(pool.push(t))
                }
            });
            let done = |job| match job {
                Job::Pool(j) => pool.result(j, &merging),
                Job::Here(t) => merging(t),
            };
            let picked = wave.picked.drain(..).zip(wave.jobs.drain(..));
            waves.commit(work, &mut settler, picked, done)?;
            waves.tidy();
        }
        Ok(())
    })?;
    settler.finish()
}

/// The pairs of a wave to merge (their places in the window, their ids)
/// and where each one's merge is done.
struct Wave<T, P> {
    picked: Vec<(usize, Resolved)>,
    jobs: Vec<Job<Checkout<T, P>>>,
}

/// Where a picked pair's merge is done: the pool's job number, or here
/// (an early merge, only taken).
enum Job<T> {
    Pool(usize),
    Here(T),
}

/// The window of a run: the pairs read ahead and where each stands, and
/// what resolving and checking them needs.
struct Waves<'p, 'a> {
    pairs: &'p [Pair],
    /// The next pair to read into the window.
    next: usize,
    window: VecDeque<Slot<'p, 'a>>,
    window_len: usize,
    /// Per contact, the number of the last pair that merged it ([`NONE`]
    /// if none did), to check that no waiting pair before it reaches it.
    merged_ahead: Vec<u32>,
    /// Per contact, the last wave that touched it (`busy` in [`Waves::pick`]).
    touched: Vec<u32>,
    /// The waves picked so far.
    waves: u32,
    /// Contacts no longer needed, freed on the other core while the next
    /// wave merges.
    garbage: Vec<Cow<'a, Contact>>,
    /// The plan's ids numbered, the contacts merged away so far, the
    /// export's own redirects (for contested ids).
    names: Names,
    links: Links,
    redirects: Redirects,
    last_use: LastUse,
    tuning: Tuning,
    /// Whether early merges may be taken (there is no journal).
    early: bool,
    /// When the values of merged contacts a later pair names were set,
    /// where their own dates do not say ([`ValueTimes`]), by contact.
    times: HashMap<usize, ValueTimes>,
}

impl<'p, 'a> Waves<'p, 'a> {
    fn new(
        plan: &'p Plan,
        (names, redirects, last_use): (Names, Redirects, LastUse),
        count: usize,
        tuning: Tuning,
        keep_inputs: bool,
    ) -> Self {
        // With a journal, every pair merged while an earlier one waits keeps
        // both contacts and the result until it is journaled: a shorter
        // window bounds that (the journal's writing is the slow part then).
        let window_len = if keep_inputs {
            (tuning.window / 8).max(1)
        } else {
            tuning.window.max(1)
        };
        Waves {
            pairs: &plan.pairs,
            next: 0,
            window: VecDeque::with_capacity(window_len),
            window_len,
            merged_ahead: vec![NONE; count],
            touched: vec![0; count],
            waves: 0,
            garbage: Vec::new(),
            names,
            links: Links::new(count),
            redirects,
            last_use,
            tuning,
            early: !keep_inputs,
            times: HashMap::default(),
        }
    }

    /// Read pairs into the window; whether any pair is left to run.
    fn fill(&mut self) -> bool {
        while self.window.len() < self.window_len && self.next < self.pairs.len() {
            self.window.push_back(Slot {
                at: self.next,
                pair: &self.pairs[self.next],
                state: State::Waiting,
            });
            self.next += 1;
        }
        !self.window.is_empty()
    }

    /// Pick the next wave: every waiting pair of the window that touches no
    /// contact an earlier waiting pair touches, its ids resolved as things
    /// stand. A bad pair picked is done; the others are taken out of the
    /// store to be merged, or their early merge taken, and handed to `give`
    /// at once.
    fn pick<S: Store<'a>>(
        &mut self,
        work: &mut S,
        wave: &mut Wave<S::Taken, S::Prepared>,
        mut give: impl FnMut(Checkout<S::Taken, S::Prepared>) -> Job<Checkout<S::Taken, S::Prepared>>,
    ) {
        let early = self.early;
        let known = (&self.names, &mut self.links, &self.redirects);
        let (window, last_use, merged_ahead) =
            (&mut self.window, &mut self.last_use, &self.merged_ahead);
        let scan_slack = self.tuning.scan_slack;
        // A contact is busy in this wave when `touched` holds its number.
        self.waves += 1;
        let (busy, this) = (&mut self.touched, self.waves);
        // Pairs that had to wait, and pairs done: a window of pairs that all
        // wait for one contact (a primary absorbing many) is not read through
        // for each of them.
        let (mut blocked, mut done) = (0usize, 0usize);
        for (k, slot) in window.iter_mut().enumerate() {
            if !matches!(slot.state, State::Waiting) {
                continue;
            }
            if blocked > done + scan_slack {
                break;
            }
            let ids = known.0.pairs[slot.at];
            let (mut resolved, problem) =
                resolve_pair(slot.pair, ids, (known.0, &mut *known.1, known.2), &*work);
            let touched = [resolved.pi, resolved.si];
            let free = touched.iter().flatten().all(|&i| busy[i] != this);
            for &i in touched.iter().flatten() {
                busy[i] = this;
            }
            if !free {
                blocked += 1;
                continue;
            }
            done += 1;
            for &i in touched.iter().flatten() {
                let later = merged_ahead[i];
                assert!(
                    later == NONE || (later as usize) < slot.at,
                    "internal error: plan pair {} reaches a contact ({}) that the later pair {} \
                     merged before it; please report this",
                    slot.at + 1,
                    work.id(i),
                    later as usize + 1
                );
            }
            match (problem, resolved.pi, resolved.si) {
                (Some(problem), _, _) => {
                    slot.state = State::Done(resolved, Outcome::Refused(problem));
                }
                (None, Some(pi), Some(si)) => {
                    let named_later = last_use.merge(slot.at, pi, si);
                    resolved.named_later = named_later;
                    // One a later pair names is merged again, to be kept parsed.
                    let done = if early && !named_later {
                        work.take_early(slot.at, pi, si)
                    } else {
                        None
                    };
                    wave.jobs.push(give(match done {
                        Some(done) => Checkout::Early(Box::new(done)),
                        None => Checkout::Open {
                            primary: work.checkout(pi),
                            secondary: work.checkout(si),
                            named_later,
                            times: [self.times.remove(&pi), self.times.remove(&si)],
                        },
                    }));
                    wave.picked.push((k, resolved));
                }
                (None, _, _) => unreachable!("a pair without a problem has both contacts"),
            }
        }
    }

    /// Commit a wave in plan order (merging here too while the next merge
    /// is not done, through `done`), and settle as far as no pair waits.
    fn commit<S, J>(
        &mut self,
        work: &mut S,
        settler: &mut Settler<'_, J>,
        wave: impl Iterator<Item = ((usize, Resolved), Job<Checkout<S::Taken, S::Prepared>>)>,
        mut done: impl FnMut(Job<Checkout<S::Taken, S::Prepared>>) -> MergeDone<'a, S::Prepared>,
    ) -> Result<(), ApplyError>
    where
        S: Store<'a>,
        J: FnMut(&Applied<'_>) -> io::Result<()>,
    {
        let mut fresh = wave.peekable();
        let mut settling = true;
        for (k, slot) in self.window.iter_mut().enumerate() {
            if !settling && fresh.peek().is_none() {
                // Nothing more to commit, nor to settle before a pair
                // that waits.
                break;
            }
            if let Some(((_, r), job)) = fresh.next_if(|((at, _), _)| *at == k) {
                let mut done = done(job);
                keep_times(&mut self.times, &r, &mut done);
                let ctx = Commit {
                    pair: slot.pair,
                    settling,
                };
                let (state, unneeded) = commit(work, &mut self.links, settler, ctx, r, done)?;
                self.garbage.extend(unneeded);
                if let (State::Done(r, Outcome::Merged { .. }), false) = (&state, settling) {
                    let (pi, si) = r.indices();
                    self.merged_ahead[pi] = num(slot.at);
                    self.merged_ahead[si] = num(slot.at);
                }
                slot.state = state;
            }
            match slot.state {
                State::Waiting => settling = false,
                State::Done(..) if settling => {
                    let State::Done(r, outcome) =
                        std::mem::replace(&mut slot.state, State::Settled)
                    else {
                        unreachable!("matched above")
                    };
                    if let Some(before) = settler.settle(&*work, slot.pair, &r, outcome)? {
                        let (p, s, m) = *before;
                        self.garbage.extend([p, s, Cow::Owned(m)]);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Drop the settled pairs from the window's front.
    fn tidy(&mut self) {
        while self
            .window
            .front()
            .is_some_and(|s| matches!(s.state, State::Settled))
        {
            self.window.pop_front();
        }
    }
}

/// Keep the times of a merged contact a later pair names; give a refused
/// pair's contacts theirs back.
fn keep_times<P>(kept: &mut HashMap<usize, ValueTimes>, r: &Resolved, done: &mut MergeDone<'_, P>) {
    let (Some(pi), Some(si)) = (r.pi, r.si) else {
        return;
    };
    let [tp, ts] = std::mem::take(&mut done.times);
    match done.result.as_mut() {
        Err(_) => {
            for (i, t) in [(pi, tp), (si, ts)] {
                if let Some(t) = t {
                    kept.insert(i, t);
                }
            }
        }
        Ok(merge) => {
            if let Some(t) = merge.times.take().filter(|t| !t.is_empty()) {
                if r.named_later {
                    kept.insert(pi, t);
                }
            }
        }
    }
}

/// One pair of the window.
pub(super) struct Slot<'p, 'a> {
    /// Its number in the plan.
    pub(super) at: usize,
    pub(super) pair: &'p Pair,
    pub(super) state: State<'a>,
}

/// Where a pair of the window stands.
pub(super) enum State<'a> {
    /// It waits for an earlier pair that touches one of its contacts.
    Waiting,
    /// Committed (or found bad), waiting to be settled.
    Done(Resolved, Outcome<'a>),
    Settled,
}

/// What settling a pair reports.
pub(super) enum Outcome<'a> {
    Refused(PairProblem),
    Merged {
        /// Both contacts before the merge and the result, for the journal.
        contacts: Option<Box<Before<'a>>>,
        decisions: Vec<Value>,
        warnings: Vec<Warning>,
        /// The notable section changes ([`MergeStep::sections`]) and
        /// their tally, when there are any (boxed: every pair of the
        /// window has the room of this variant).
        sections: Option<Box<Noted>>,
        /// The merge step's encoding of them for the journal.
        journal: Option<Vec<u8>>,
    },
}

/// Both contacts before a merge, and the result.
pub(super) type Before<'a> = (Cow<'a, Contact>, Cow<'a, Contact>, Contact);

/// A pair's ids resolved through the merges before it: the contacts they
/// name (whose ids, [`Store::id`], are the ids as they resolve: the pair's
/// own, unless merged away).
pub(super) struct Resolved {
    pub(super) pi: Option<usize>,
    pub(super) si: Option<usize>,
    /// Merged: whether a later pair may name an id of the result (when
    /// not, no later pair resolves the secondary's id).
    pub(super) named_later: bool,
}

impl Resolved {
    /// Both contacts, for a pair that was merged.
    pub(super) fn indices(&self) -> (usize, usize) {
        self.pi
            .zip(self.si)
            .expect("a merged pair names two contacts")
    }
}
