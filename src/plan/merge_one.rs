//! Merging one pair of a wave, on either thread.

use std::borrow::Cow;

use serde_json::Value;

use super::validate::merge_checked;
use super::{ApplyOptions, Early, MergeStep, PairProblem, Primary, Store};
use crate::dates::ValueTimes;
use crate::merge::Times;
use crate::model::{Contact, Layout};
use crate::rules::{SectionChange, SectionTally};
use crate::warning::Warning;

/// A pair to merge: its two contacts taken out, or its early merge.
pub(super) enum Checkout<T, P> {
    Open {
        primary: T,
        secondary: T,
        /// Whether a later pair may name the merged contact.
        named_later: bool,
        /// When their values were set, where earlier merges of the run
        /// know ([`ValueTimes`]).
        times: [Option<ValueTimes>; 2],
    },
    /// Boxed: every pair of a wave moves a checkout along.
    Early(Box<Early<P>>),
}

/// What merging one pair of a wave gave: the merge or why not, and both
/// contacts as they were (kept for the journal, and to be put back when the
/// merge was refused).
pub(super) struct MergeDone<'a, P> {
    pub(super) primary: Option<Cow<'a, Contact>>,
    pub(super) secondary: Option<Cow<'a, Contact>>,
    pub(super) result: Result<Merge<P>, PairProblem>,
    /// The times the contacts came with, given back.
    pub(super) times: [Option<ValueTimes>; 2],
}

/// A merge done, as the store prepared it. The merged contact is kept when
/// the store or the journal needs it.
pub(super) struct Merge<P> {
    pub(super) merged: Option<Contact>,
    pub(super) decisions: Vec<Value>,
    pub(super) warnings: Vec<Warning>,
    pub(super) sections: Noted,
    pub(super) journal: Option<Vec<u8>>,
    pub(super) prepared: P,
    /// When the merged contact's values were set, where its dates do not
    /// say (for a merged contact a later pair names).
    pub(super) times: Option<ValueTimes>,
}

/// A merge's notable section changes and their tally
/// ([`super::MergeStep::sections`]).
pub(super) type Noted = (Vec<SectionChange>, SectionTally);

/// The notable section changes of a merge, boxed when there are any.
pub(super) fn boxed(noted: Noted) -> Option<Box<Noted>> {
    (!noted.0.is_empty() || !noted.1.is_empty()).then(|| Box::new(noted))
}

/// Open and merge one pair (the merge limit first), and prepare the result
/// for the store. Without `keep_inputs` (the journal), the contacts of a
/// merge that happened are freed here, on the thread that opened them, and
/// the result too when the store does not need it.
pub(super) fn merge_one<'a, S, M>(
    shared: &S::Shared,
    t: Checkout<S::Taken, S::Prepared>,
    layout: &Layout,
    opts: &ApplyOptions,
    merge: &M,
    keep_inputs: bool,
) -> MergeDone<'a, S::Prepared>
where
    S: Store<'a>,
    M: Fn(&Layout, Primary<'_>, &Contact, Times<'_>) -> Result<MergeStep, String>,
{
    let (primary, secondary, named_later, times) = match t {
        Checkout::Open {
            primary,
            secondary,
            named_later,
            times,
        } => (primary, secondary, named_later, times),
        Checkout::Early(e) => {
            return MergeDone {
                primary: None,
                secondary: None,
                result: Ok(Merge {
                    merged: None,
                    decisions: e.decisions,
                    warnings: e.warnings,
                    sections: (e.sections, e.section_tally),
                    journal: e.journal,
                    prepared: e.prepared,
                    times: None,
                }),
                times: Default::default(),
            }
        }
    };
    let (mut p, s) = (S::open(primary), S::open(secondary));
    // A primary of its own that nothing needs once it is merged gives the
    // merged contact its properties.
    let primary = match &mut p {
        Cow::Owned(c) if !keep_inputs => Primary::Spend(c),
        p => Primary::Read(p),
    };
    let known = Times {
        primary: times[0].as_ref(),
        secondary: times[1].as_ref(),
        want: named_later,
    };
    let result = merge_checked(layout, opts, merge, (primary, &s), known).map(|step| {
        let prepared = S::prepare(shared, &step.merged, named_later);
        let keep = keep_inputs || S::needs_contact(&prepared);
        Merge {
            merged: keep.then_some(step.merged),
            decisions: step.decisions,
            warnings: step.warnings,
            sections: (step.sections, step.section_tally),
            journal: step.journal,
            prepared,
            times: step.times,
        }
    });
    let keep = keep_inputs || result.is_err();
    MergeDone {
        primary: keep.then_some(p),
        secondary: keep.then_some(s),
        result,
        times,
    }
}
