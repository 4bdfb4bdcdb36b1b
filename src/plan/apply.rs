//! Applying a plan to an export in memory, and what the merge step and the
//! journal exchange with a run.

use std::io;

use serde_json::Value;

use super::work::Work;
use super::{
    run_plan_tuned, ApplyError, ApplyReport, Plan, Primary, Redirects, Store, Times, Tuning,
    DEFAULT_MAX_MERGES,
};
use crate::model::{Contact, Export, Layout};
use crate::rules::{SectionChange, SectionTally};
use crate::warning::Warning;

/// The type of `on_applied` for a run without a journal:
/// `None::<NoJournal>`.
pub type NoJournal = fn(&Applied<'_>) -> io::Result<()>;

/// What the merge step gives back for one pair.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeStep {
    /// The merged contact; it keeps the primary's id.
    pub merged: Contact,
    /// The per-property decisions, as JSON (for the journal).
    pub decisions: Vec<Value>,
    /// Warnings for the report (Salesforce ids, active lists, ...).
    pub warnings: Vec<Warning>,
    /// What the merge did with the sections that the report names
    /// ([`SectionChange::notable`]: what the secondary lost, active lists
    /// to re-evaluate, workflows marked), whole, when the report lists
    /// them (`--format json`); empty for most merges
    /// ([`notable_sections`]).
    pub sections: Vec<SectionChange>,
    /// Those changes counted, for the summary: kept for every merge, the
    /// changes themselves only when asked for.
    pub section_tally: SectionTally,
    /// The journal's encoding of both contacts, the result and the
    /// decisions ([`crate::journal::encode_contacts`]), when the step makes
    /// it: made where the merge runs, on either thread, and written as it
    /// is when the journal records the merge.
    pub journal: Option<Vec<u8>>,
    /// When the merged contact's values were set, where its own dates do
    /// not say ([`crate::merge::MergeOutcome::times`]): asked for when a
    /// later pair names it.
    pub times: Option<crate::dates::ValueTimes>,
}

/// A merge's notable section changes ([`SectionChange::notable`]) and
/// their tally, for a [`MergeStep`]: the changes whole when `whole` (a
/// report that lists them), else only the tally (a plan of 100,000 merges
/// that drop a company each would hold 100,000 changes for a summary line).
pub fn notable_sections(
    mut changes: Vec<SectionChange>,
    whole: bool,
) -> (Vec<SectionChange>, SectionTally) {
    changes.retain(SectionChange::notable);
    let tally = SectionTally::of(&changes);
    if whole {
        // Kept until the plan is done: no room beyond them.
        changes.shrink_to_fit();
    } else {
        changes = Vec::new();
    }
    (changes, tally)
}

/// How to apply a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Apply the good pairs and skip the bad ones, instead of refusing the
    /// whole plan.
    pub keep_going: bool,
    /// Refuse a pair whose two contacts together already took part in this
    /// many merges.
    pub max_merges: usize,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            keep_going: false,
            max_merges: DEFAULT_MAX_MERGES,
        }
    }
}

/// One merge as it was applied: what the journal records.
#[derive(Debug, Clone, Copy)]
pub struct Applied<'a> {
    /// The pair's plan line (or index, for JSON plans).
    pub line: u64,
    /// The ids the pair resolved to.
    pub primary_id: &'a str,
    pub secondary_id: &'a str,
    /// Where the secondary stood in the export just before this merge;
    /// putting it back there after undoing every later merge restores the
    /// export's order exactly.
    pub secondary_index: usize,
    /// Both contacts just before the merge, and the result.
    pub primary: &'a Contact,
    pub secondary: &'a Contact,
    pub merged: &'a Contact,
    pub decisions: &'a [Value],
    /// The merge step's encoding of the contacts and decisions for the
    /// journal, if it made one ([`MergeStep::journal`]).
    pub encoded: Option<&'a [u8]>,
}

/// Apply a plan to an export, pair by pair, in order.
///
/// Each pair's ids are resolved through the merges before it (and through
/// the `hs_merged_object_ids` of the export, HubSpot's own redirects). A pair
/// is bad when an id is missing, both resolve to one contact, the two
/// contacts are at the merge limit, or `merge` refuses it. `merge` gets the
/// export's layout and the two contacts, primary first, and returns the
/// merged contact (with the primary's id); `on_applied`, the journal if
/// there is one, sees every merge done (without it, the contacts as they
/// were before each merge are freed as soon as it is done).
///
/// All or nothing (the default): every pair is tried, skipping the bad ones,
/// so that every bad pair is listed; if there is one, the export is left as
/// it was and [`ApplyError::BadPairs`] lists them all. `on_applied` is not
/// called after the first bad pair, but may have been called before it:
/// write the journal to a temporary file and keep it only on success.
/// With `keep_going` the good pairs are applied and the bad ones reported.
///
/// Cost: one id → index map over the export, built once; merged contacts
/// are kept aside and merged-away ones marked, and the export is changed
/// only at the end (one pass), so a plan costs O(contacts + pairs × merge)
/// and the export is never copied.
pub fn apply_plan<M, J>(
    export: &mut Export,
    plan: &Plan,
    opts: &ApplyOptions,
    merge: M,
    on_applied: Option<J>,
) -> Result<ApplyReport, ApplyError>
where
    M: Fn(&Layout, Primary<'_>, &Contact, Times<'_>) -> Result<MergeStep, String> + Sync,
    J: FnMut(&Applied<'_>) -> io::Result<()>,
{
    let tuning = Tuning::default();
    apply_plan_tuned(export, plan, opts, &tuning, merge, on_applied)
}

/// [`apply_plan`] with the given [`Tuning`].
pub fn apply_plan_tuned<M, J>(
    export: &mut Export,
    plan: &Plan,
    opts: &ApplyOptions,
    tuning: &Tuning,
    merge: M,
    on_applied: Option<J>,
) -> Result<ApplyReport, ApplyError>
where
    M: Fn(&Layout, Primary<'_>, &Contact, Times<'_>) -> Result<MergeStep, String> + Sync,
    J: FnMut(&Applied<'_>) -> io::Result<()>,
{
    let (report, changed, removed) = {
        let mut work = Work::new(&export.contacts);
        let redirects = Redirects::seeded(&export.contacts, |id| work.index(id).is_some());
        let report = run_plan_tuned(
            &mut work,
            redirects,
            &export.layout,
            super::Numbered::new(plan),
            opts,
            tuning,
            merge,
            on_applied,
        )?;
        let (changed, removed) = work.finish();
        (report, changed, removed)
    };
    for (i, c) in changed {
        export.contacts[i] = c;
    }
    if removed.iter().any(|&r| r) {
        let mut i = 0;
        export.contacts.retain(|_| {
            i += 1;
            !removed[i - 1]
        });
    }
    Ok(report)
}
