//! The merge step a run gives [`crate::plan::run_plan`] (through either
//! store), and what it hands back for one pair.

use std::sync::Mutex;

use super::{Job, Request};
use crate::journal::JournalWriter;
use crate::merge::{merge_contacts_timed, MergeOutcome, Primary, Times};
use crate::model::{Contact, Layout};
use crate::plan::{notable_sections, Applied, MergeStep};
use crate::rules::{Decision, MergeOptions, SectionChange};

/// What the one merge of a [`Job::Pair`] keeps for its report: its
/// decisions and what it did with every section.
#[derive(Default)]
pub(super) struct PairKept {
    pub(super) decisions: Vec<Decision>,
    pub(super) sections: Vec<SectionChange>,
}

/// One merge of a plan. With a journal, its contacts are encoded for it
/// here, on whichever thread merges.
fn plan_step(
    (p, s): (Primary<'_>, &Contact),
    times: Times<'_>,
    req: &Request<'_>,
    (layout, journaling): (&Layout, bool),
) -> Result<MergeStep, String> {
    let (opts, whole) = (req.opts, req.section_changes);
    let told = |e: crate::merge::MergeError| e.naming_columns(layout).to_string();
    if !journaling {
        let outcome = merge_contacts_timed(p, s, times, opts).map_err(told)?;
        return into_step(outcome, false, whole);
    }
    // The journal records the primary as it was.
    let p = p.contact();
    let outcome = merge_contacts_timed(Primary::Read(p), s, times, opts).map_err(told)?;
    let mut step = into_step(outcome, true, whole)?;
    step.journal = Some(crate::journal::encode_contacts(
        p,
        s,
        &step.merged,
        &step.decisions,
    ));
    Ok(step)
}

/// The one merge of [`super::Job::Pair`], run as a plan of one pair: its
/// decisions and section changes are kept in `kept`. A contact that is not the one named
/// (the id was merged away earlier and leads elsewhere) makes the pair bad,
/// so that the in-memory way refuses it with its own message.
fn pair_step(
    (p, s): (Primary<'_>, &Contact),
    ids: (&str, &str),
    opts: &MergeOptions,
    (layout, journaling): (&Layout, bool),
    kept: &Mutex<PairKept>,
) -> Result<MergeStep, String> {
    if p.contact().id != ids.0 || s.id != ids.1 {
        return Err("an id was merged away earlier".into());
    }
    let outcome = merge_contacts_timed(p, s, Times::default(), opts)
        .map_err(|e| e.naming_columns(layout).to_string())?;
    *kept.lock().expect("not poisoned") = PairKept {
        decisions: outcome.decisions.clone(),
        sections: outcome.sections.clone(),
    };
    into_step(outcome, journaling, false)
}

/// A merge as a plan step: the decisions (as JSON) only when the journal
/// records them; the section changes the report names counted, and kept
/// whole only when it lists them (`whole`).
fn into_step(outcome: MergeOutcome, journaling: bool, whole: bool) -> Result<MergeStep, String> {
    let decisions = if journaling {
        encode_decisions(&outcome.decisions).map_err(|e| e.to_string())?
    } else {
        Vec::new()
    };
    let (sections, section_tally) = notable_sections(outcome.sections, whole);
    Ok(MergeStep {
        merged: outcome.merged,
        decisions,
        warnings: outcome.warnings,
        sections,
        section_tally,
        journal: None,
        times: outcome.times,
    })
}

/// The decisions as the journal records them.
pub(super) fn encode_decisions(
    decisions: &[Decision],
) -> Result<Vec<serde_json::Value>, serde_json::Error> {
    decisions.iter().map(serde_json::to_value).collect()
}

/// The merge step of `req`'s job, for either store; a pair's decisions and
/// section changes are kept in `kept`.
pub(super) fn merge_step<'a>(
    req: &'a Request<'a>,
    journaling: bool,
    kept: &'a Mutex<PairKept>,
) -> impl Fn(&Layout, Primary<'_>, &Contact, Times<'_>) -> Result<MergeStep, String> + Sync + 'a {
    move |layout: &Layout, p: Primary<'_>, s: &Contact, times: Times<'_>| {
        (req.progress)();
        match req.job {
            Job::Plan { .. } => plan_step((p, s), times, req, (layout, journaling)),
            Job::Pair { primary, secondary } => pair_step(
                (p, s),
                (primary, secondary),
                req.opts,
                (layout, journaling),
                kept,
            ),
        }
    }
}

/// How `job` records a merge in the journal: as a plan's line, or as a
/// single merge.
pub(super) fn recorder<'a, W: std::io::Write>(
    job: Job<'a>,
    lines: &'a mut JournalWriter<W>,
) -> impl FnMut(&Applied<'_>) -> std::io::Result<()> + 'a {
    move |a: &Applied<'_>| match job {
        Job::Plan { .. } => lines.record(a),
        Job::Pair { .. } => lines.record_single(
            a.primary,
            a.secondary,
            a.secondary_index,
            a.merged,
            a.decisions,
        ),
    }
}
