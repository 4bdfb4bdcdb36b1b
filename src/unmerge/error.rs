//! Why an unmerge was refused, in words that say what to do.

use serde::Serialize;

/// Why an unmerge was refused. Every message names the record, the email or
/// journal entry, and says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnmergeError {
    #[error("contact {id} is not in the export{}", crate::error::merged_away_hint(.id, .merged_into))]
    UnknownContact {
        id: String,
        /// The contacts whose `hs_merged_object_ids` hold the id (the
        /// first two).
        merged_into: Vec<String>,
    },
    #[error("{email} is the primary email of contact {id}; only an additional email (hs_additional_emails) can be split off: give one of those, or make another email primary first")]
    PrimaryEmail { id: String, email: String },
    #[error("{email} is already the primary email of contact {holder}; splitting it off {id} would make a second contact with that email, which HubSpot does not allow (an email is one contact's): merge {holder} and {id} instead, or take {email} out of {id}'s hs_additional_emails by hand if it is no longer theirs")]
    EmailOfAnother {
        id: String,
        email: String,
        holder: String,
    },
    #[error("contact {id} has no email {email}; its emails are: {}; give one of its additional emails", list_or_none(.emails))]
    NotAnEmail {
        id: String,
        email: String,
        emails: Vec<String>,
    },
    #[error("the new id {new_id} is already {used}; choose another --new-id, or leave it out to take the next free id")]
    IdInUse { new_id: String, used: String },
    #[error("the new id is empty; give a record id with --new-id, or leave it out to take the next free id")]
    EmptyNewId,
    #[error("--new-id {new_id}: HubSpot's record ids are numbers, so {new_id} is id {number} there; give it as that number")]
    NumberWrittenOtherwise { new_id: String, number: String },
    #[error("{}", no_entry(.journals, .id, .secondary, .merges_into, .secondary_into))]
    NoJournalEntry {
        /// The journals given.
        journals: Vec<String>,
        id: String,
        secondary: String,
        /// Other merges into `id` the journals hold: (journal, line,
        /// secondary).
        merges_into: Vec<(String, u64, String)>,
        /// Merges of `secondary` into another contact (a plan's pair
        /// resolved through earlier merges: the journal records the
        /// contact it reached): (journal, line, primary).
        secondary_into: Vec<(String, u64, String)>,
    },
    #[error("{file}: line {line}: the merge was made on a {} export and this one is {}: they write their values differently (a spreadsheet's labels and date forms, the API's internal values), so this journal's record of the contacts does not describe this file; convert this file back to {} (`contact-merge apply FILE --plan EMPTY_PLAN -o OUT.{}`, EMPTY_PLAN a plan of its header line only) and restore there, then convert the result", .journal_format.to_uppercase(), .format.to_uppercase(), .journal_format.to_uppercase(), .journal_format)]
    OtherFormat {
        file: String,
        line: u64,
        journal_format: String,
        format: String,
    },
    #[error("{}", ambiguous(.id, .secondary, .entries))]
    AmbiguousEntry {
        id: String,
        secondary: String,
        /// The records that could describe the export: (journal, line,
        /// merge time).
        entries: Vec<(String, u64, String)>,
    },
    #[error("{file}: line {line}: the merge of {secondary} into {id} cannot be restored yet: later merges involve these contacts: {}; restores go newest first: restore those first", later_list(.file, .later))]
    NotNewest {
        file: String,
        line: u64,
        id: String,
        secondary: String,
        later: Vec<LaterMerge>,
    },
    #[error("{file}: line {line}: contact {secondary} is already in the export, so its merge into {id} looks restored already; nothing to do")]
    AlreadyPresent {
        file: String,
        line: u64,
        id: String,
        secondary: String,
    },
    #[error(transparent)]
    EmailTaken(Box<EmailTaken>),
    #[error(transparent)]
    OtherContact(Box<OtherContact>),
    #[error("{file}: line {line}: contact {id} has no hs_merged_object_ids at all (a CSV saved without its \"Merged object IDs\" column?), which the merge this line records wrote; a restore checks by it that this export holds that merge: give the export with that column (or property) kept")]
    NoMergedIds { file: String, line: u64, id: String },
    #[error("{file}: line {line}: the journal does not describe this export: it records the merge of {secondary} into {id}, but contact {id}'s hs_merged_object_ids ({}) do not list {secondary}; give the export that merge wrote (or one made from it since), or the journal of this export's merges", or_empty(.merged_ids))]
    NotMergedInto {
        file: String,
        line: u64,
        id: String,
        secondary: String,
        /// The primary's `hs_merged_object_ids` now.
        merged_ids: String,
    },
    #[error("{file}: line {line}: the merge of {secondary} into {id} cannot be restored: contact {id}'s hs_merged_object_ids also list {}, which that merge did not add and no later merge in the journals given explains; a later merge into {id} is missing from the journals given: give its journal too (--journal can be given more than once) and restore that merge first", .unexplained.join(", "))]
    LaterMergeMissing {
        file: String,
        line: u64,
        id: String,
        secondary: String,
        /// The ids no journal given explains.
        unexplained: Vec<String>,
    },
    #[error("{file}: line {line}: the merge of {secondary} into {id} cannot be restored: contact {id} is not in the export, it was merged into contact {into} since (see {into}'s hs_merged_object_ids), and no journal given records that merge: give its journal too (--journal can be given more than once) and restore that merge first")]
    PrimaryMergedAway {
        file: String,
        line: u64,
        id: String,
        secondary: String,
        /// The contact whose `hs_merged_object_ids` list the primary.
        into: String,
    },
    /// A summed counter the restore cannot take the secondary's share off.
    #[error("{0}")]
    Counter(Box<CounterError>),
}

/// The journal entry records a merge of the same ids, but the primary now
/// differs from the record the merge wrote in most of its properties: the
/// entry was written on another export (or another copy of it), and
/// restoring from it would keep the wrong values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: line {line}: the journal entry does not describe this contact: it records the merge of {secondary} into {id}, but {} of the {total} properties that merge wrote differ on contact {id} now ({}); that journal was written on another export (or another copy of it) with the same ids; give --journal the journal of the run that made this file; nothing was written", .differing.len(), differing_list(.differing))]
pub struct OtherContact {
    pub file: String,
    pub line: u64,
    pub id: String,
    pub secondary: String,
    /// The properties that differ: (property, the journal's merged value,
    /// the value now).
    pub differing: Vec<(String, String, Option<String>)>,
    /// How many properties (with a value) the journal's merged record has,
    /// `hs_object_id` and `hs_merged_object_ids` left out.
    pub total: usize,
}

fn differing_list(differing: &[(String, String, Option<String>)]) -> String {
    const FEW: usize = 5;
    let mut s = (differing.iter().take(FEW))
        .map(|(p, merged, now)| match now {
            Some(now) => format!("{p}: {merged:?} in the journal, {now:?} now"),
            None => format!("{p}: {merged:?} in the journal, none now"),
        })
        .collect::<Vec<_>>()
        .join("; ");
    if differing.len() > FEW {
        s.push_str(&format!("; and {} more", differing.len() - FEW));
    }
    s
}

/// Why a summed counter cannot be restored (SPEC section 6: restored
/// counters are whole numbers and never below 0).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CounterError {
    #[error("{file}: line {line}: cannot restore {property} of contact {contact}: {value:?} ({}) {reason}; {}", .origin.place(), .origin.fix())]
    NotWhole {
        file: String,
        line: u64,
        contact: String,
        property: String,
        value: String,
        origin: CounterSource,
        /// "is not a whole number", or "is too large".
        reason: &'static str,
    },
    #[error("{file}: line {line}: {property} does not add up: the merge of {secondary} into {id} wrote {merged}, not {before} (contact {id} before) + {share} (contact {secondary}); the journal line looks edited: use the journal the merge wrote")]
    Mismatch {
        file: String,
        line: u64,
        id: String,
        secondary: String,
        property: String,
        before: String,
        share: String,
        merged: String,
    },
    #[error("{file}: line {line}: cannot restore {property} of contact {id}: it holds {current} now, less than the {share} the merge of {secondary} added, and a counter never goes below 0; the journal does not describe this export (or the count went down since the merge): give the export that merge wrote (or one made from it since) and the journal of its merges")]
    BelowZero {
        file: String,
        line: u64,
        id: String,
        secondary: String,
        property: String,
        current: String,
        share: String,
    },
}

impl From<Box<CounterError>> for UnmergeError {
    fn from(e: Box<CounterError>) -> Self {
        UnmergeError::Counter(e)
    }
}

/// Where a counter value a restore reads comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CounterSource {
    /// The primary in the export given.
    Export,
    /// The journal's primary before the merge.
    Before,
    /// The journal's secondary.
    Secondary,
    /// The journal's merge result.
    Merged,
}

impl CounterSource {
    fn place(self) -> &'static str {
        match self {
            CounterSource::Export => "its value in the export",
            CounterSource::Before => "its value before the merge, in the journal",
            CounterSource::Secondary => "the secondary's value, in the journal",
            CounterSource::Merged => "the merged value, in the journal",
        }
    }

    fn fix(self) -> &'static str {
        match self {
            CounterSource::Export => {
                "a counter is a whole number of 0 or more: correct it in the export and restore again"
            }
            _ => "the merge never writes that: the journal line looks edited; use the journal the merge wrote",
        }
    }
}

/// A later journal entry that blocks a restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LaterMerge {
    /// The journal that holds it.
    pub journal: String,
    pub line: u64,
    pub primary_id: String,
    pub secondary_id: String,
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".into()
    } else {
        items.join(", ")
    }
}

fn or_empty(text: &str) -> &str {
    if text.trim().is_empty() {
        "empty"
    } else {
        text
    }
}

/// Why no journal entry was found; with one journal, lines are named
/// without the file (the message starts with it).
fn no_entry(
    journals: &[String],
    id: &str,
    secondary: &str,
    merges: &[(String, u64, String)],
    secondary_into: &[(String, u64, String)],
) -> String {
    if journals.is_empty() {
        return format!("no journal given to restore the merge of contact {secondary} into {id} from; give the journal that merge was recorded in");
    }
    let one = journals.len() == 1;
    let mut out = format!(
        "{}: the journal{} no merge of contact {secondary} into {id}",
        journals.join(", "),
        if one { " has" } else { "s have" }
    );
    if !merges.is_empty() {
        let list: Vec<String> = merges
            .iter()
            .map(|(file, line, s)| match one {
                true => format!("{s} (line {line})"),
                false => format!("{s} ({file} line {line})"),
            })
            .collect();
        out += &format!(
            " (the merges into {id} {} hold{} are of: {})",
            if one { "it" } else { "they" },
            if one { "s" } else { "" },
            list.join(", ")
        );
    }
    if let Some((file, line, into)) = secondary_into.last() {
        let place = match one {
            true => format!("line {line}"),
            false => format!("{file} line {line}"),
        };
        out += &format!(
            "; {secondary} was merged into {into} ({place}: a plan's ids are recorded as they resolved through the merges before them): restore it with `unmerge FILE {into} --restore {secondary}`"
        );
        return out;
    }
    out += &format!(
        "; check the ids (the contact that absorbed, then the one merged away) and the journal file{}",
        if one { "" } else { "s" }
    );
    out
}

/// Why the journals' records of one merge cannot be told apart; lines are
/// named without the file when one journal holds them all.
fn ambiguous(id: &str, secondary: &str, entries: &[(String, u64, String)]) -> String {
    let one = entries.iter().all(|(f, _, _)| *f == entries[0].0);
    let list: Vec<String> = entries
        .iter()
        .map(|(file, line, time)| match one {
            true => format!("line {line} (merged {time})"),
            false => format!("{file} line {line} (merged {time})"),
        })
        .collect();
    format!(
        "{}the merge of {secondary} into {id} is recorded {}, differently: {}; contact {id} in this export could have been written by {}, so which one to undo cannot be told; restore from a journal that holds only the run that wrote this export (keep one journal per run; or copy that run's line into a file of its own and give it with --journal)",
        match one {
            true => format!("{}: ", entries[0].0),
            false => String::new(),
        },
        match entries.len() {
            2 => "twice".to_string(),
            n => format!("{n} times"),
        },
        list.join(", "),
        if entries.len() == 2 { "either" } else { "any of them" },
    )
}

/// The later merges, their lines named without the file when it is the
/// journal the message starts with.
fn later_list(file: &str, later: &[LaterMerge]) -> String {
    later
        .iter()
        .map(|l| {
            let at = match l.journal == file {
                true => format!("line {}", l.line),
                false => format!("{} line {}", l.journal, l.line),
            };
            format!("{at}: {} into {}", l.secondary_id, l.primary_id)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A restore that would give one email to two contacts (see
/// [`UnmergeError::EmailTaken`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: line {line}: cannot restore contact {secondary}: its email {email} is now contact {holder}'s (split off or given to it after the merge), and two contacts cannot share an email: change or clear that email on contact {holder} (or remove {holder} if it is only the split-off copy), then restore {secondary}")]
pub struct EmailTaken {
    pub file: String,
    pub line: u64,
    pub id: String,
    pub secondary: String,
    pub email: String,
    /// The contact that holds the email now.
    pub holder: String,
}
