//! What a run reports: the pairs not applied and why ([`BadPair`],
//! [`PairProblem`]), the merge step's warnings, and [`ApplyReport`].

use std::io;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::PlanFormat;
#[cfg(doc)]
use crate::rules::LostPart;
use crate::rules::{SectionChange, SectionTally};
use crate::warning::WarningKind;

/// Why a pair cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PairProblem {
    /// An id is not in the export (nor merged into one of its contacts).
    Missing { id: String, side: Side },
    /// Both sides name the same id.
    SameId { id: String },
    /// Both sides resolve to one contact through earlier merges.
    SameContact { id: String },
    /// The id is a merged-away id that two contacts of the export claim.
    Contested {
        id: String,
        claimants: (String, String),
    },
    /// The id is a contact of the export that another contact lists as
    /// merged into it: a copy from before that merge.
    StaleCopy { id: String, holder: String },
    /// The two contacts together already took part in `count` merges.
    OverLimit { count: usize, max: usize },
    /// The merge rules refused the pair.
    Refused { message: String },
}

pub use crate::pair::Side;

impl PairProblem {
    /// A short machine-readable name.
    pub fn kind(&self) -> &'static str {
        match self {
            PairProblem::Missing { .. } => "missing-id",
            PairProblem::SameId { .. } => "same-id",
            PairProblem::SameContact { .. } => "same-contact",
            PairProblem::Contested { .. } => "contested-id",
            PairProblem::StaleCopy { .. } => "stale-copy",
            PairProblem::OverLimit { .. } => "merge-limit",
            PairProblem::Refused { .. } => "refused",
        }
    }
}

impl std::fmt::Display for PairProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PairProblem::Missing { id, side } => {
                let side = match side {
                    Side::Primary => "primary",
                    Side::Secondary => "secondary",
                };
                write!(
                    f,
                    "the {side} id {id} is not a contact of the export; check the id or remove the pair"
                )
            }
            PairProblem::SameId { id } => write!(
                f,
                "names contact {id} on both sides; a contact cannot be merged into itself: remove the pair"
            ),
            PairProblem::SameContact { id } => write!(
                f,
                "both ids resolve to contact {id} through earlier merges (of this plan, or recorded in the export's hs_merged_object_ids), so they are one contact already: remove the pair"
            ),
            PairProblem::Contested { id, claimants: (a, b) } => write!(
                f,
                "the id {id} was merged away, and both contact {a} and contact {b} list it in hs_merged_object_ids, so which contact it names cannot be told: name {a} or {b} in the plan instead (or correct the export)"
            ),
            PairProblem::StaleCopy { id, holder } => f.write_str(&crate::error::stale_copy(
                id,
                holder,
                &format!("name {holder} in the plan and remove {id}'s record"),
            )),
            PairProblem::OverLimit { count, max } => write!(
                f,
                "the two contacts together already took part in {} (hs_merged_object_ids) and {}; or remove the pair",
                crate::text::count(*count, "merge", "merges"),
                crate::error::over_limit(*max)
            ),
            PairProblem::Refused { message } => write!(f, "{message}"),
        }
    }
}

/// A pair that was not applied, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPair {
    /// The CSV line, or for a JSON plan the pair's 1-based index.
    pub line: u64,
    /// "line 4" or "pair 4".
    pub place: String,
    /// The ids as the plan gives them.
    pub primary: String,
    pub secondary: String,
    /// The ids they resolve to through earlier merges, when they resolve to
    /// a contact of the export.
    pub resolved_primary: Option<String>,
    pub resolved_secondary: Option<String>,
    pub problem: PairProblem,
}

impl std::fmt::Display for BadPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ← {}", self.place, self.primary, self.secondary)?;
        let moved = |given: &str, resolved: &Option<String>| {
            resolved
                .as_deref()
                .filter(|r| *r != given)
                .map(str::to_string)
        };
        let rp = moved(&self.primary, &self.resolved_primary);
        let rs = moved(&self.secondary, &self.resolved_secondary);
        if rp.is_some() || rs.is_some() {
            write!(
                f,
                " (now {} ← {})",
                rp.as_deref().unwrap_or(&self.primary),
                rs.as_deref().unwrap_or(&self.secondary)
            )?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl Serialize for BadPair {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(8))?;
        m.serialize_entry("line", &self.line)?;
        m.serialize_entry("place", &self.place)?;
        m.serialize_entry("primary", &self.primary)?;
        m.serialize_entry("secondary", &self.secondary)?;
        m.serialize_entry("resolvedPrimary", &self.resolved_primary)?;
        m.serialize_entry("resolvedSecondary", &self.resolved_secondary)?;
        m.serialize_entry("kind", self.problem.kind())?;
        m.serialize_entry("reason", &self.problem.to_string())?;
        m.end()
    }
}

/// A warning the merge step gave for one pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairWarning {
    pub line: u64,
    pub primary: String,
    pub secondary: String,
    pub kind: WarningKind,
    pub warning: String,
}

/// What a merge of a plan did with the sections that the report names
/// ([`SectionChange::notable`]): the secondary's companies dropped, active
/// lists to re-evaluate, workflows marked under `--enroll-on-merge`, ...
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairSections {
    /// The pair's plan line (or index, for JSON plans).
    pub line: u64,
    /// The ids as the plan gives them.
    pub primary: String,
    pub secondary: String,
    /// Each change whole, as `merge` reports it; only the notable ones.
    pub sections: Vec<SectionChange>,
}

/// What applying a plan did (`--format json` writes it as is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    pub plan: String,
    /// For a JSON plan a pair's `line` is its 1-based index in the list.
    pub plan_format: PlanFormat,
    /// Pairs in the plan.
    pub pairs: usize,
    /// Pairs merged (0 when an all-or-nothing plan was refused).
    pub applied: usize,
    /// Pairs not applied, in plan order.
    pub skipped: Vec<BadPair>,
    pub warnings: Vec<PairWarning>,
    /// What the merges did with the sections a user should know of
    /// (boxed: the report travels in errors).
    pub sections: Box<ReportedSections>,
}

/// What a plan's merges did with the sections a user should know of
/// ([`SectionChange::notable`]). Serialized as its list of merges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ReportedSections {
    /// The merges that did any of it, in plan order, when the merge step
    /// kept their changes ([`super::notable_sections`]); a merge that did
    /// nothing of the kind has no entry.
    pub merges: Vec<PairSections>,
    /// Those changes counted, over every merge (the summary's figures):
    /// kept even when the changes are not.
    #[serde(skip)]
    pub counts: SectionCounts,
}

/// Items and the merges they came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    pub items: usize,
    pub merges: usize,
}

impl Count {
    fn add(&mut self, items: u32) {
        if items > 0 {
            self.items += items as usize;
            self.merges += 1;
        }
    }
}

/// What a plan's merges did with the sections, counted: the items the
/// secondaries lost per [`LostPart`] (by [`LostPart::ALL`]'s order), the
/// active lists to re-evaluate, the workflows marked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SectionCounts {
    pub lost: [Count; 6],
    pub to_reevaluate: Count,
    pub marked: Count,
}

impl SectionCounts {
    /// Count a merge's tally.
    pub fn add(&mut self, t: &SectionTally) {
        for (count, items) in self.lost.iter_mut().zip(t.lost) {
            count.add(items);
        }
        self.to_reevaluate.add(t.to_reevaluate);
        self.marked.add(t.marked);
    }
}

/// Why a plan was not applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// All or nothing: some pairs are bad, so none was applied. The report
    /// lists every bad pair.
    #[error("{}", bad_pairs_message(.report))]
    BadPairs { report: ApplyReport },
    /// Recording a merge (the journal) failed.
    #[error("cannot write the journal: {0}")]
    Journal(io::Error),
}

fn bad_pairs_message(r: &ApplyReport) -> String {
    let mut s = format!(
        "{}: {} of {} cannot be applied, so none was (nothing written); fix or remove {}, or pass --keep-going to apply the others:",
        r.plan,
        r.skipped.len(),
        crate::text::count(r.pairs, "pair", "pairs"),
        if r.skipped.len() == 1 { "it" } else { "them" },
    );
    for b in &r.skipped {
        s.push_str("\n  ");
        s.push_str(&b.to_string());
    }
    s
}
