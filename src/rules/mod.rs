//! The merge rules of SPEC section 4: one small function per rule, named for
//! what it decides. Each takes the primary `p` and the secondary `s` as they
//! were before the merge and returns what the merged contact gets, with a
//! [`Decision`] (properties) or a [`SectionChange`] (everything else) that
//! says why. [`crate::merge`] applies them.
//!
//! - [`properties`]: the property rules (most recent value, email,
//!   lifecycle stage, sums, original source, ...).
//! - [`history`]: the merged property history and the email's merge entry.
//! - [`consistency`]: a merged record that agrees with itself (`createdAt`
//!   and `createdate` as one fact, history entries for the current values).
//! - [`sections`]: associations, timeline, lists, workflows,
//!   subscriptions, visits, forms, usertokens, metadata.
//!
//! Decisions made where the spec is silent are written beside the rule that
//! makes them.

/// A decision's sentence (`why`, a section's note), formatted only when
/// the merge on this thread is explained ([`Explaining`]): an unexplained
/// `apply` makes a hundred thousand of them that nobody reads.
macro_rules! why {
    ($($arg:tt)*) => {
        if $crate::rules::explaining() {
            ::std::borrow::Cow::<'static, str>::Owned(format!($($arg)*))
        } else {
            ::std::borrow::Cow::<'static, str>::Borrowed("")
        }
    };
}

pub mod consistency;
pub mod history;
pub mod opt_outs;
pub mod properties;
pub mod sections;
pub mod seen;
pub mod times;
mod union;

#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod testutil;

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use crate::dates::{format_date, parse_date, DateForm, Millis};
use crate::error::MergeError;
use crate::labels;
use crate::model::{key, Contact};

pub use consistency::{current_value_entries, oldest_create_date, oldest_created_at};
pub use history::{email_merge_history_entry, merged_history};
pub use properties::*;
pub use sections::*;
pub use seen::Seen;

/// Which value a property without a rule of its own takes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
    /// The most recent non-empty value of either contact (the seed's rule).
    MostRecent,
    /// The primary's value; the secondary's only where the primary's is
    /// empty (HubSpot's newer merge).
    PrimaryWins,
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Policy::MostRecent => "most-recent",
            Policy::PrimaryWins => "primary-wins",
        })
    }
}

/// How to merge.
#[derive(Debug, Clone)]
pub struct MergeOptions {
    pub policy: Policy,
    /// Lifecycle stages, internal values lower-cased, lowest first.
    pub lifecycle_order: Vec<String>,
    /// Refuse a merge whose contacts together already took part in this
    /// many merges (HubSpot's limit is 250).
    pub max_merges: usize,
    /// `--enroll-on-merge`: report P's workflows as seeing the merged
    /// contact as newly changed.
    pub enroll_on_merge: bool,
    /// The time of the merge (the MERGE timeline event, the email history's
    /// merge entry).
    pub merge_time: Millis,
    /// Explain every property: a decision for each, with both contacts'
    /// values (previews, the journal). Off (`apply` without a journal), the
    /// merged contact is the same, but properties that keep the primary's
    /// value under every policy get no decision, decisions do not carry
    /// the contacts' values, and their sentences (`why`) are left unworded
    /// where they would be formatted.
    pub explain: bool,
}

thread_local! {
    static EXPLAINING: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Whether the merge running on this thread words its decisions.
pub(crate) fn explaining() -> bool {
    EXPLAINING.with(|e| e.get())
}

/// While alive, merges on this thread word their decisions only if
/// `explain` ([`MergeOptions::explain`]); set by [`crate::merge`] for the
/// length of one merge, so that the rules keep their two-contact
/// signatures. Without one, decisions are worded.
pub(crate) struct Explaining {
    before: bool,
}

impl Explaining {
    pub(crate) fn set(explain: bool) -> Self {
        Explaining {
            before: EXPLAINING.with(|e| e.replace(explain)),
        }
    }
}

impl Drop for Explaining {
    fn drop(&mut self) {
        EXPLAINING.with(|e| e.set(self.before));
    }
}

/// HubSpot's merge limit.
pub const DEFAULT_MAX_MERGES: usize = 250;

impl Default for MergeOptions {
    fn default() -> Self {
        MergeOptions {
            policy: Policy::MostRecent,
            lifecycle_order: labels::LIFECYCLE_STAGES
                .iter()
                .map(|(internal, _)| internal.to_string())
                .collect(),
            max_merges: DEFAULT_MAX_MERGES,
            enroll_on_merge: false,
            merge_time: 0,
            explain: true,
        }
    }
}

impl MergeOptions {
    /// Replace the lifecycle order with `stages`, comma-separated, lowest
    /// first; labels ("Marketing Qualified Lead") or internal values,
    /// case-insensitive; custom stages are allowed. Refused: an empty list,
    /// an empty item, a stage given twice.
    pub fn with_lifecycle_order(mut self, stages: &str) -> Result<Self, MergeError> {
        self.lifecycle_order =
            labels::parse_stage_order(stages).map_err(|problem| MergeError::BadLifecycleOrder {
                order: stages.to_string(),
                problem,
            })?;
        Ok(self)
    }
}

/// What the merge did with one property, and why.
///
/// `primary` and `secondary` are the values as stored before the merge
/// (`None` when the property is missing or `null`; an empty CSV cell is
/// `Some("")`); `merged` is the value the merged contact gets (`None` with
/// no such property on P means the property is not added). The sides'
/// values are only filled in when the merge is explained
/// ([`MergeOptions::explain`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Decision {
    pub property: String,
    pub primary: Option<String>,
    pub secondary: Option<String>,
    pub merged: Option<String>,
    /// Short kebab-case rule name ("most-recent", "sum", ...).
    pub rule: Cow<'static, str>,
    /// One human sentence (most are fixed, so not allocated per merge).
    pub why: Cow<'static, str>,
}

/// What the merge did with one part of the contacts other than properties.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SectionChange {
    pub section: String,
    /// Items of P that stay.
    pub kept: Vec<String>,
    /// Items of S that are added.
    pub added: Vec<String>,
    /// Items of S that are dropped.
    pub dropped: Vec<String>,
    pub note: String,
    /// List memberships: how many active lists (of either contact) need
    /// re-evaluation. Counted for `apply`'s summary; not in the JSON,
    /// whose note names them.
    #[serde(skip)]
    pub to_reevaluate: usize,
    /// Workflows, with `--enroll-on-merge`: how many should see the merged
    /// contact as newly changed. Counted for `apply`'s summary; not in the
    /// JSON, whose note names them.
    #[serde(skip)]
    pub marked: usize,
}

impl SectionChange {
    /// Whether a plan's report names this change (SPEC section 4): the
    /// secondary lost something (its companies, static lists, workflows, a
    /// subscription set, its Salesforce sync, a part no rule knows), active
    /// lists need re-evaluation, or workflows are marked under
    /// `--enroll-on-merge`. The other changes (deals, tickets, the
    /// timeline, visits, ...) only add, and are left out of it.
    pub fn notable(&self) -> bool {
        !self.dropped.is_empty() || self.to_reevaluate > 0 || self.marked > 0
    }
}

/// The parts a secondary can lose in a merge, as a plan's summary counts
/// them (in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LostPart {
    Companies,
    ListMemberships,
    Workflows,
    Subscriptions,
    Salesforce,
    /// Parts no rule knows, and sections of the wrong shape.
    Other,
}

impl LostPart {
    pub const ALL: [LostPart; 6] = [
        LostPart::Companies,
        LostPart::ListMemberships,
        LostPart::Workflows,
        LostPart::Subscriptions,
        LostPart::Salesforce,
        LostPart::Other,
    ];

    /// The part a section change is of (a v1 contact's names too).
    pub fn of(section: &str) -> LostPart {
        match section {
            crate::model::COMPANIES => LostPart::Companies,
            key::LIST_MEMBERSHIPS | "list-memberships" => LostPart::ListMemberships,
            key::WORKFLOWS => LostPart::Workflows,
            key::SUBSCRIPTIONS => LostPart::Subscriptions,
            sections::SALESFORCE => LostPart::Salesforce,
            _ => LostPart::Other,
        }
    }
}

/// What one merge's section changes come to in a plan's summary: the
/// items the secondary lost per [`LostPart`], the active lists to
/// re-evaluate, the workflows marked. Fixed size: every merge has one,
/// without its changes being kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SectionTally {
    /// Items lost, by [`LostPart::ALL`]'s order.
    pub lost: [u32; 6],
    pub to_reevaluate: u32,
    pub marked: u32,
}

impl SectionTally {
    /// The tally of a merge's section changes.
    pub fn of<'a>(changes: impl IntoIterator<Item = &'a SectionChange>) -> Self {
        let n = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut t = SectionTally::default();
        for c in changes {
            let part = LostPart::of(&c.section) as usize;
            t.lost[part] = t.lost[part].saturating_add(n(c.dropped.len()));
            t.to_reevaluate = t.to_reevaluate.saturating_add(n(c.to_reevaluate));
            t.marked = t.marked.saturating_add(n(c.marked));
        }
        t
    }

    pub fn is_empty(&self) -> bool {
        *self == SectionTally::default()
    }
}

/// One of the two contacts of a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Primary,
    Secondary,
}

impl Side {
    pub fn pick<'a, C>(self, p: &'a C, s: &'a C) -> &'a C {
        match self {
            Side::Primary => p,
            Side::Secondary => s,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Side::Primary => "primary",
            Side::Secondary => "secondary",
        }
    }
}

/// How a timestamp the merge makes is written, copied from the timestamps
/// around it: a JSON number, or text in one of the date forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StampForm {
    Number,
    Text(DateForm),
}

impl Default for StampForm {
    /// ISO 8601 text.
    fn default() -> Self {
        StampForm::Text(DateForm::Iso)
    }
}

impl StampForm {
    /// The form of a timestamp as read; `None` when it is not one.
    pub(crate) fn of(v: &Value) -> Option<StampForm> {
        match v {
            Value::Number(_) => Some(StampForm::Number),
            Value::String(s) => parse_date(s).ok().map(|(_, form)| StampForm::Text(form)),
            _ => None,
        }
    }
}

/// A merge-made timestamp in the given form.
pub(crate) fn write_stamp(ms: Millis, form: StampForm) -> Value {
    match form {
        StampForm::Number => Value::from(ms),
        StampForm::Text(f) => Value::String(format_date(ms, f)),
    }
}

/// A property's value as stored: `None` when missing or `null`.
pub(crate) fn raw(c: &Contact, prop: &str) -> Option<String> {
    c.properties.get(prop).cloned().flatten()
}

impl Decision {
    /// A decision on `prop`. Both sides' values are filled in by
    /// [`property_decisions`] when the merge is explained.
    pub(crate) fn new(
        prop: &str,
        merged: Option<String>,
        rule: &'static str,
        why: impl Into<Cow<'static, str>>,
    ) -> Self {
        Decision {
            property: prop.to_string(),
            primary: None,
            secondary: None,
            merged,
            rule: Cow::Borrowed(rule),
            why: why.into(),
        }
    }

    /// A decision that takes one side's value as stored (inlined always:
    /// most rules name a constant property, whose lookups then fold to a
    /// table index).
    #[inline(always)]
    pub(crate) fn take(
        prop: &str,
        p: &Seen,
        s: &Seen,
        side: Side,
        rule: &'static str,
        why: impl Into<Cow<'static, str>>,
    ) -> Self {
        let merged = match side {
            // P keeps its value; a property only S has is added as S has it.
            Side::Primary if !p.has(prop) => s.raw(prop),
            side => side.pick(p, s).raw(prop),
        };
        Decision::new(prop, merged, rule, why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testutil::{contact, seen};

    #[test]
    fn sentences_are_worded_only_while_explaining() {
        let p = contact("1", &[("num_conversion_events", "2")]);
        let s = contact("2", &[("num_conversion_events", "3")]);
        let worded = summed_counter(&seen(&p), &seen(&s), "num_conversion_events").unwrap();
        assert_eq!(worded.why, "the sum of both: 2 + 3");
        {
            let _quiet = Explaining::set(false);
            let quiet = summed_counter(&seen(&p), &seen(&s), "num_conversion_events").unwrap();
            assert_eq!(quiet.why, "");
            assert_eq!(quiet.merged, worded.merged);
            {
                let _nested = Explaining::set(true);
                assert!(explaining());
            }
            assert!(!explaining(), "a guard gives back the setting before it");
        }
        assert!(explaining());
        assert_eq!(
            summed_counter(&seen(&p), &seen(&s), "num_conversion_events").unwrap(),
            worded
        );
    }

    #[test]
    fn policy_displays_kebab_case_and_serializes_so() {
        assert_eq!(Policy::MostRecent.to_string(), "most-recent");
        assert_eq!(Policy::PrimaryWins.to_string(), "primary-wins");
        assert_eq!(
            serde_json::to_string(&Policy::PrimaryWins).unwrap(),
            "\"primary-wins\""
        );
        let p: Policy = serde_json::from_str("\"most-recent\"").unwrap();
        assert_eq!(p, Policy::MostRecent);
        use clap::ValueEnum;
        assert_eq!(
            Policy::from_str("primary-wins", true).unwrap(),
            Policy::PrimaryWins
        );
    }

    #[test]
    fn default_options_are_hubspots() {
        let o = MergeOptions::default();
        assert_eq!(o.policy, Policy::MostRecent);
        assert_eq!(o.max_merges, 250);
        assert!(!o.enroll_on_merge);
        assert_eq!(
            o.lifecycle_order.first().map(String::as_str),
            Some("subscriber")
        );
        assert_eq!(o.lifecycle_order.len(), 8);
    }

    #[test]
    fn lifecycle_order_takes_labels_values_and_custom_stages() {
        let o = MergeOptions::default()
            .with_lifecycle_order(" Lead , partner,Marketing Qualified Lead,CUSTOMER")
            .unwrap();
        assert_eq!(
            o.lifecycle_order,
            ["lead", "partner", "marketingqualifiedlead", "customer"]
        );
    }

    #[test]
    fn lifecycle_order_refuses_empty_and_repeated_stages() {
        for bad in ["", "lead,,customer", "lead,Lead", "lead, "] {
            let e = MergeOptions::default()
                .with_lifecycle_order(bad)
                .unwrap_err();
            assert!(matches!(e, MergeError::BadLifecycleOrder { .. }), "{bad}");
            assert!(e.to_string().contains("--lifecycle-order"), "{e}");
        }
        let e = MergeOptions::default()
            .with_lifecycle_order("lead,LEAD")
            .unwrap_err();
        assert!(e.to_string().contains("'LEAD' is given twice"), "{e}");
    }
}
