//! Why a merge is refused (SPEC section 4, "What the tool must refuse").
//!
//! Every message is written for the CRM admin who has to fix the data: it
//! names the record, the property and the bad value, and says what to do.
//! The command line adds the file name in front.

use crate::dates;

/// A merge that must not happen, or cannot be computed from the data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("contact {id}: the primary and the secondary are the same contact; a contact cannot be merged into itself (in a plan, an id an earlier pair merged away stands for the contact that absorbed it)")]
    SameContact { id: String },

    /// `merged_into`: the contacts that list the id in their
    /// `hs_merged_object_ids` (the first two).
    #[error(
        "contact {id} is not in the export{}",
        merged_away_hint(id, merged_into)
    )]
    MissingContact {
        id: String,
        merged_into: Vec<String>,
    },

    /// `holder` lists `id` in its `hs_merged_object_ids`, yet the export
    /// holds `id` too.
    #[error("{}", stale_copy(id, holder, &format!("merge into {holder} instead and remove {id}'s record")))]
    StaleCopy { id: String, holder: String },

    #[error("contact {id} is archived (\"archived\": {value}); HubSpot merges only live records: restore it in HubSpot and export again, or drop the pair")]
    Archived { id: String, value: String },

    /// `count` is the number of ids in P's and S's `hs_merged_object_ids`
    /// together; the merge is refused when `count >= limit`.
    #[error("contacts {primary} and {secondary} together already took part in {} (ids in hs_merged_object_ids, or a v1 export's merged-vids) and {}", crate::text::count(*count, "merge", "merges"), over_limit(*limit))]
    MergeLimit {
        primary: String,
        secondary: String,
        count: usize,
        limit: usize,
    },

    #[error("contact {record}: {property} '{value}' is not a known lifecycle stage (known: {}); give the whole order, '{value}' included, with --lifecycle-order STAGE,STAGE,... (lowest first)", .known.join(", "))]
    UnknownStage {
        record: String,
        property: String,
        value: String,
        /// The stages of the order in use, internal values, lowest first.
        known: Vec<String>,
    },

    #[error("contact {record}: {property} '{value}' {}", dates::problem(.value))]
    BadDate {
        record: String,
        property: String,
        value: String,
    },

    #[error("contact {record}: {property} '{value}' is not a whole number; the merge adds it up, so correct or clear the value")]
    NotANumber {
        record: String,
        property: String,
        value: String,
    },

    /// A counter that is a whole number a merge cannot add: below zero,
    /// or past 64 bits.
    #[error(
        "contact {record}: {property} {why}; the merge adds it up, so correct or clear the value"
    )]
    CounterOutOfRange {
        record: String,
        property: String,
        why: crate::hubspot::props::CounterError,
    },

    /// A summed counter whose total does not fit (refused rather than
    /// wrapped).
    #[error("contacts {primary} and {secondary}: {property} {primary_value} + {secondary_value} is too large to add up; correct the values")]
    CounterOverflow {
        primary: String,
        secondary: String,
        property: String,
        primary_value: String,
        secondary_value: String,
    },

    #[error("contact {record}: {property} '{value}' is not a marketing contact status (expected true, false, \"Marketing contact\" or \"Non-marketing contact\"); correct or clear the value, or give a portal's own labels with --properties FILE")]
    NotABoolean {
        record: String,
        property: String,
        value: String,
    },

    #[error("lifecycle order '{order}': {problem}; give --lifecycle-order STAGE,STAGE,... lowest first, each stage once (labels or internal values)")]
    BadLifecycleOrder { order: String, problem: String },
}

impl MergeError {
    /// The property the error names, if it names one.
    fn property_mut(&mut self) -> Option<&mut String> {
        match self {
            MergeError::UnknownStage { property, .. }
            | MergeError::BadDate { property, .. }
            | MergeError::NotANumber { property, .. }
            | MergeError::CounterOutOfRange { property, .. }
            | MergeError::CounterOverflow { property, .. }
            | MergeError::NotABoolean { property, .. } => Some(property),
            _ => None,
        }
    }

    /// The error with its property's column in a spreadsheet named beside
    /// it (`num_conversion_events (column "Number of Form Submissions")`):
    /// the rules know properties by their internal names, a CSV's user by
    /// its headers.
    pub fn naming_columns(self, layout: &crate::model::Layout) -> Self {
        self.naming_with(|p| layout.naming_column(p))
    }

    /// The error with its property as `name` gives it.
    pub fn naming_with(mut self, name: impl Fn(&str) -> String) -> Self {
        if let Some(property) = self.property_mut() {
            *property = name(property);
        }
        self
    }
}

impl From<dates::BadDate> for MergeError {
    fn from(e: dates::BadDate) -> Self {
        MergeError::BadDate {
            record: e.record,
            property: e.field,
            value: e.source.value,
        }
    }
}

/// What a merge over the merge limit `limit` meets: HubSpot's refusal
/// at its own limit, the user's at a limit given lower.
pub fn over_limit(limit: usize) -> String {
    match limit.cmp(&crate::rules::DEFAULT_MAX_MERGES) {
        std::cmp::Ordering::Less => format!("the limit given with --max-merges is {limit}, so the merge is refused; raise it (HubSpot's own limit is {}) to allow it", crate::rules::DEFAULT_MAX_MERGES),
        _ => format!("the limit is {limit}, so HubSpot would refuse this merge; raise the limit with --max-merges N only if your HubSpot account allows more"),
    }
}

/// Why a merge naming `id`, a copy of a contact merged into `holder`, is
/// refused, and `fix`, what to do besides pulling the export again.
pub fn stale_copy(id: &str, holder: &str, fix: &str) -> String {
    format!("contact {id} is listed in contact {holder}'s hs_merged_object_ids, so it was merged into {holder}, yet the export holds it too: a copy from before that merge (a pull that ran while contacts were merged in HubSpot?), and HubSpot would refuse a merge that names it; pull the export again, or {fix}")
}

/// What to do about an error the system gave on a file read or written,
/// by its kind: said here once, for every message that names the file
/// (reading an export, writing an output, a journal, a plan).
pub fn io_advice(kind: std::io::ErrorKind) -> &'static str {
    use std::io::ErrorKind as K;
    match kind {
        K::PermissionDenied => "check who may read and write the file and its folder (ls -l), and change that (chmod, chown) or use another path",
        K::NotFound => "check the path (the file or a folder in it does not exist)",
        K::ReadOnlyFilesystem => "the disk is mounted read-only: write somewhere else",
        K::StorageFull | K::QuotaExceeded => "the disk is full: free some space, or write somewhere else",
        K::IsADirectory => "it is a folder: give a file",
        _ => "check the path and permissions",
    }
}

/// How a message about an id that is no contact of the export ends, by
/// the contacts that list it in `hs_merged_object_ids` (the first two): to
/// name the one it was merged into; when two list it, that it names
/// neither for sure; when none does, to check it.
pub fn merged_away_hint(id: &str, holders: &[String]) -> String {
    match holders {
        [] => "; check the id".to_string(),
        [h] => format!(": it was merged into contact {h} (its hs_merged_object_ids lists {id}); name {h} instead"),
        [a, b, ..] => format!(": it was merged away, and both contact {a} and contact {b} list it in hs_merged_object_ids, so which contact it names cannot be told: name {a} or {b} instead (or correct the export)"),
    }
}

/// Whether `e` is, or wraps, the error of a pipe whose reader went away
/// (`| head`). It may come wrapped: in a CSV or JSON writer's error, or in
/// an I/O error made from one.
pub fn is_broken_pipe(e: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    if let Some(io) = e.downcast_ref::<std::io::Error>() {
        return io.kind() == BrokenPipe || io.get_ref().is_some_and(|inner| is_broken_pipe(inner));
    }
    if let Some(csv) = e.downcast_ref::<csv::Error>() {
        return matches!(csv.kind(), csv::ErrorKind::Io(io) if is_broken_pipe(io));
    }
    if let Some(json) = e.downcast_ref::<serde_json::Error>() {
        return json.io_error_kind() == Some(BrokenPipe);
    }
    e.source().is_some_and(is_broken_pipe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_stage_names_record_value_and_the_flag() {
        let e = MergeError::UnknownStage {
            record: "42".into(),
            property: "lifecyclestage".into(),
            value: "partner".into(),
            known: vec!["subscriber".into(), "lead".into()],
        };
        assert_eq!(
            e.to_string(),
            "contact 42: lifecyclestage 'partner' is not a known lifecycle stage (known: subscriber, lead); give the whole order, 'partner' included, with --lifecycle-order STAGE,STAGE,... (lowest first)"
        );
    }

    #[test]
    fn merge_limit_names_the_flag() {
        let e = MergeError::MergeLimit {
            primary: "1".into(),
            secondary: "2".into(),
            count: 250,
            limit: 250,
        };
        let s = e.to_string();
        assert!(
            s.starts_with("contacts 1 and 2 together already took part in 250 merges"),
            "{s}"
        );
        assert!(s.contains("--max-merges"), "{s}");
    }

    #[test]
    fn bad_date_converts_from_dates() {
        let bad = dates::BadDate {
            record: "7".into(),
            field: "createdate".into(),
            source: dates::DateError {
                value: "soon".into(),
                ambiguous: false,
            },
        };
        let e = MergeError::from(bad);
        assert_eq!(
            e,
            MergeError::BadDate {
                record: "7".into(),
                property: "createdate".into(),
                value: "soon".into()
            }
        );
        assert!(e
            .to_string()
            .starts_with("contact 7: createdate 'soon' is not a date"));
    }
}
