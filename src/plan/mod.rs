//! Merge plans (SPEC section 6): reading them, following merged-away ids
//! through earlier merges, and applying a whole plan to an export, all or
//! nothing or `--keep-going`.
//!
//! A plan is CSV with a `primary_id,secondary_id` header (extra columns such
//! as `score,reasons` are ignored) or JSON `[{"primary": "...", "secondary":
//! "..."}]`. Every pair keeps where it stands in the plan: its CSV line, or
//! for a JSON plan its 1-based index in the array ("pair 3").
//!
//! The modules, in the order a plan goes through them:
//! - [`read`]: plan files (CSV, JSON) into a [`Plan`];
//! - [`redirects`]: merged-away ids → the contact that holds them today;
//! - [`validate`]: whether a pair can be merged (the checks every path uses);
//! - [`apply`]: [`apply_plan`], a plan over an export in memory;
//! - [`store`]: the [`Store`] trait a plan runs over, [`work`] its in-memory
//!   store;
//! - [`waves`]: [`run_plan`], merging in waves on both cores, with its
//!   [`Tuning`]; [`merge_one`] merges one pair of a wave, [`commit`] puts it
//!   in the store, [`settle`] reports and journals pairs in plan order,
//!   [`last_use`] tells whether a merged contact is named again, [`names`]
//!   numbers the plan's ids once and follows merges by contact number;
//! - [`pool`]: the second merging thread; [`fenwick`]: counting merged-away
//!   contacts before a position;
//! - [`report`]: what a run reports ([`ApplyReport`], [`BadPair`], ...).

pub mod apply;
mod commit;
mod fenwick;
mod last_use;
mod merge_one;
mod names;
mod pool;
pub mod read;
pub mod redirects;
pub mod report;
mod settle;
pub mod store;
pub mod validate;
pub mod waves;
mod work;

#[cfg(test)]
pub(crate) mod tests;

pub use crate::merge::{Primary, Times};
pub use crate::rules::properties::MERGED_OBJECT_IDS as MERGED_IDS;
pub use crate::rules::DEFAULT_MAX_MERGES;
pub use apply::{
    apply_plan, apply_plan_tuned, notable_sections, Applied, ApplyOptions, MergeStep, NoJournal,
};
pub(crate) use fenwick::Fenwick;
pub use names::Numbered;
pub use read::{parse_plan, read_plan, Pair, Plan, PlanError, PlanFormat};
pub use redirects::Redirects;
pub use report::{
    ApplyError, ApplyReport, BadPair, Count, PairProblem, PairSections, PairWarning,
    ReportedSections, SectionCounts, Side,
};
pub use store::{Early, Store};
pub(crate) use validate::merge_checked;
pub use waves::{run_plan, run_plan_tuned, Tuning};
