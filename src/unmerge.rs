//! Unmerge (SPEC section 5): split an additional email off into a new
//! contact, as HubSpot allows, and, beyond HubSpot, restore a merge from the
//! journal: the secondary comes back as it was and the primary returns to
//! its state before the merge, three-way, keeping what changed since.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::format::csv::{Column, CsvLayout};
use crate::journal::{merges_in_order, Journal, JournalEntry};
use crate::model::{key, split_multi, AssocList, Associations, Contact, Export, History, Layout};
use crate::plan::MERGED_IDS;

const EMAIL: &str = "email";
const ADDITIONAL_EMAILS: &str = "hs_additional_emails";
const LEGAL_BASIS: &str = "hs_legal_basis";
const OBJECT_ID: &str = "hs_object_id";

/// Why an unmerge was refused. Every message names the record, the email or
/// journal entry, and says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnmergeError {
    #[error("contact {id} is not in the export{}", merged_hint(.merged_into.as_deref()))]
    UnknownContact {
        id: String,
        /// The contact whose `hs_merged_object_ids` holds the id.
        merged_into: Option<String>,
    },
    #[error("{email} is the primary email of contact {id}; only an additional email (hs_additional_emails) can be split off: give one of those, or make another email primary first")]
    PrimaryEmail { id: String, email: String },
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
    #[error("{}", no_entry(.journals, .id, .secondary, .merges_into))]
    NoJournalEntry {
        /// The journals given.
        journals: Vec<String>,
        id: String,
        secondary: String,
        /// Other merges into `id` the journals hold: (journal, line,
        /// secondary).
        merges_into: Vec<(String, u64, String)>,
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

fn merged_hint(into: Option<&str>) -> String {
    match into {
        Some(to) => {
            format!("; it was merged into contact {to} (see its hs_merged_object_ids): use {to}")
        }
        None => "; check the id".into(),
    }
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
    out += &format!(
        "; check the ids (the contact that absorbed, then the one merged away) and the journal file{}",
        if one { "" } else { "s" }
    );
    out
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

/// The contact of the export whose `hs_merged_object_ids` holds `id`.
fn absorber_of<'a>(export: &'a Export, id: &str) -> Option<&'a str> {
    export
        .contacts
        .iter()
        .find(|c| split_multi(c.prop(MERGED_IDS).unwrap_or("")).any(|m| m == id))
        .map(|c| c.id.as_str())
}

fn contact_index(export: &Export, id: &str) -> Result<usize, UnmergeError> {
    export
        .position(id)
        .ok_or_else(|| UnmergeError::UnknownContact {
            id: id.into(),
            merged_into: absorber_of(export, id).map(str::to_string),
        })
}

/// The next free record id: the highest numeric id in the export (contact
/// ids and every id in `hs_merged_object_ids`, so a merged-away id is never
/// reused) plus one; `1` when there is none.
pub fn next_free_id(export: &Export) -> String {
    let max = export
        .contacts
        .iter()
        .flat_map(|c| {
            std::iter::once(c.id.as_str()).chain(split_multi(c.prop(MERGED_IDS).unwrap_or("")))
        })
        .filter_map(|id| id.trim().parse::<u128>().ok())
        .max();
    max.map_or(1, |m| m + 1).to_string()
}

/// What `split_off` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SplitReport {
    /// The contact the email was split off.
    pub id: String,
    /// The email, as the contact spelled it.
    pub email: String,
    /// The new contact's id and its position in the export.
    pub new_id: String,
    pub new_index: usize,
    /// The email's subscription set moved to the new contact.
    pub subscriptions_moved: bool,
}

/// Split an additional email off a contact (SPEC section 5): it leaves the
/// contact's `hs_additional_emails` (the others keep their order and
/// spelling) and becomes the primary email of a new contact, inserted right
/// after it, with id `new_id` or the next free id. The email's subscription
/// set moves with it.
///
/// The new contact has `email`, and `hs_object_id` when the source contact
/// has that property (always, in a CSV export), in the source's property
/// order; its id is written as a number when the source's is.
pub fn split_off(
    export: &mut Export,
    id: &str,
    email: &str,
    new_id: Option<&str>,
) -> Result<SplitReport, UnmergeError> {
    let idx = contact_index(export, id)?;
    let source = &export.contacts[idx];
    let wanted = email.trim();
    if source
        .prop(EMAIL)
        .is_some_and(|e| e.trim().eq_ignore_ascii_case(wanted))
    {
        return Err(UnmergeError::PrimaryEmail {
            id: id.into(),
            email: source.prop(EMAIL).unwrap_or_default().trim().into(),
        });
    }
    let additional = source.prop(ADDITIONAL_EMAILS).unwrap_or("").to_string();
    let Some(spelled) = split_multi(&additional).find(|e| e.eq_ignore_ascii_case(wanted)) else {
        return Err(UnmergeError::NotAnEmail {
            id: id.into(),
            email: wanted.into(),
            emails: source.emails(),
        });
    };
    let spelled = spelled.to_string();
    let new_id = match new_id.map(str::trim) {
        Some("") => return Err(UnmergeError::EmptyNewId),
        Some(n) => {
            if let Some(used) = id_use(export, n) {
                return Err(UnmergeError::IdInUse {
                    new_id: n.into(),
                    used,
                });
            }
            n.to_string()
        }
        None => next_free_id(export),
    };
    let csv = matches!(export.layout, Layout::Csv(_));

    let source = &mut export.contacts[idx];
    // Remove the email (any spelling); the others keep their order and
    // spelling, and the list its separator.
    let sep = if additional.contains("; ") { "; " } else { ";" };
    let rest: Vec<&str> = split_multi(&additional)
        .filter(|item| !item.eq_ignore_ascii_case(wanted))
        .collect();
    let rest = rest.join(sep);
    source.set_prop(ADDITIONAL_EMAILS, Some(rest));

    let moved = match source.sections.get_mut(key::SUBSCRIPTIONS) {
        Some(Value::Object(subs)) => {
            let k = subs
                .keys()
                .find(|k| k.trim().eq_ignore_ascii_case(wanted))
                .cloned();
            k.and_then(|k| subs.shift_remove_entry(&k))
        }
        _ => None,
    };

    let mut new = Contact::new(new_id.clone());
    new.id_is_number = source.id_is_number && new_id.parse::<u64>().is_ok();
    let with_object_id = csv || source.properties.contains_key(OBJECT_ID);
    for name in source.properties.keys() {
        match name.as_str() {
            OBJECT_ID if with_object_id => new.set_prop(OBJECT_ID, Some(new_id.clone())),
            EMAIL => new.set_prop(EMAIL, Some(spelled.clone())),
            _ => {}
        }
    }
    new.set_prop(EMAIL, Some(spelled.clone()));
    if with_object_id {
        new.set_prop(OBJECT_ID, Some(new_id.clone()));
    }
    let subscriptions_moved = moved.is_some();
    if let Some((k, v)) = moved {
        let mut subs = Map::new();
        subs.insert(k, v);
        new.sections
            .insert(key::SUBSCRIPTIONS.into(), Value::Object(subs));
    }
    new.key_order = source
        .key_order
        .iter()
        .filter(|k| {
            k.as_str() == key::ID
                || k.as_str() == key::PROPERTIES
                || new.sections.contains_key(k.as_str())
        })
        .cloned()
        .collect();
    if !new.key_order.is_empty() {
        for k in new.sections.keys() {
            if !new.key_order.contains(k) {
                new.key_order.push(k.clone());
            }
        }
    }
    export.contacts.insert(idx + 1, new);
    Ok(SplitReport {
        id: id.into(),
        email: spelled,
        new_id,
        new_index: idx + 1,
        subscriptions_moved,
    })
}

/// How an id is used in the export, if it is.
fn id_use(export: &Export, id: &str) -> Option<String> {
    if export.position(id).is_some() {
        return Some(format!("the id of contact {id}"));
    }
    absorber_of(export, id).map(|to| {
        format!("a merged-away id (in the hs_merged_object_ids of contact {to}); HubSpot redirects it there")
    })
}

/// A property the restore could not return to its value before the merge,
/// because it changed after the merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    pub property: String,
    /// The primary's value before the merge, the merge's result, the value
    /// now, and the value kept.
    pub before: Option<String>,
    pub merged: Option<String>,
    pub current: Option<String>,
    pub result: Option<String>,
}

/// What `restore` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreReport {
    pub primary_id: String,
    pub secondary_id: String,
    /// The journal entry used.
    pub journal: String,
    pub journal_line: u64,
    /// Where the secondary was put back.
    pub secondary_index: usize,
    /// Properties changed since the merge: the later value is kept.
    pub conflicts: Vec<Conflict>,
    /// Other parts changed since the merge whose later changes were kept
    /// ("engagements: kept 1 item added after the merge").
    pub kept: Vec<String>,
}

/// Undo the merge of `secondary_id` into `id` recorded in the journal
/// (SPEC section 5).
///
/// The entry used is the journal's last merge of `secondary_id` into `id`.
/// A later entry that merged something else into either contact, or merged
/// either away, must be restored first (restores go newest first); a later
/// merge counts as restored once its secondary is back in the export.
///
/// The journal must describe the export (SPEC section 6), or the restore is
/// refused and nothing changes: the primary's `hs_merged_object_ids` list
/// the secondary; every id they list beyond those the merge left is
/// explained by a later merge into the primary in the journal (else a
/// later merge is missing from the journal given); the journal's summed
/// counters add up, and none would go below 0. See [`restore_from`] for
/// merges recorded in several journals.
///
/// The secondary comes back exactly as the journal holds it, at the
/// position it had just before the merge (`secondaryIndex`), or right after
/// the primary when the journal does not say or the export is now shorter.
/// Restoring every merge of a plan newest first therefore gives back the
/// export as it was. The primary returns to its state before the merge,
/// three-way (before = the journal's primary, merged = the journal's
/// result, current = the contact now):
/// - a property still holding the merged value returns to its value before
///   the merge (and is removed when it had none); one changed since keeps
///   its current value and is reported as a conflict when the merge had
///   changed it;
/// - summed counters (decisions with `"rule": "sum"`) lose the secondary's
///   share: current − (merged − before), in whole numbers (exact up to
///   2^128); a value that is not a whole number is refused;
/// - `hs_additional_emails`, `hs_merged_object_ids`, `hs_legal_basis`,
///   association lists, list sections (engagements with the merge event,
///   visits, form submissions, usertokens, lists, workflows) and the keys
///   of object sections (subscriptions) lose what the merge added and keep
///   what was added since;
/// - property history returns to its state before the merge, plus entries
///   added since; other sections still as merged return to before.
pub fn restore(
    export: &mut Export,
    id: &str,
    secondary_id: &str,
    journal: &Journal,
) -> Result<RestoreReport, UnmergeError> {
    restore_from(export, id, secondary_id, std::slice::from_ref(journal))
}

/// [`restore`] with the merges of several journals, taken together as one
/// history ([`merges_in_order`]): a later merge recorded in another journal
/// is seen, must be restored first, and explains the ids it added to the
/// primary.
pub fn restore_from(
    export: &mut Export,
    id: &str,
    secondary_id: &str,
    journals: &[Journal],
) -> Result<RestoreReport, UnmergeError> {
    let merges = merges_in_order(journals);
    let Some(k) = merges
        .iter()
        .rposition(|(_, e)| e.primary_id == id && e.secondary_id == secondary_id)
    else {
        return Err(UnmergeError::NoJournalEntry {
            journals: journals.iter().map(|j| j.file.clone()).collect(),
            id: id.into(),
            secondary: secondary_id.into(),
            merges_into: merges
                .iter()
                .filter(|(_, e)| e.primary_id == id)
                .map(|(j, e)| (j.file.clone(), e.line, e.secondary_id.clone()))
                .collect(),
        });
    };
    let (journal, entry) = merges[k];
    let file = &journal.file;
    let later_merges = &merges[k + 1..];
    let involved = |c: &str| c == id || c == secondary_id;
    let later: Vec<LaterMerge> = later_merges
        .iter()
        .filter(|(_, e)| {
            (involved(&e.primary_id) || involved(&e.secondary_id))
                && export.position(&e.secondary_id).is_none()
        })
        .map(|(j, e)| LaterMerge {
            journal: j.file.clone(),
            line: e.line,
            primary_id: e.primary_id.clone(),
            secondary_id: e.secondary_id.clone(),
        })
        .collect();
    if !later.is_empty() {
        return Err(UnmergeError::NotNewest {
            file: file.clone(),
            line: entry.line,
            id: id.into(),
            secondary: secondary_id.into(),
            later,
        });
    }
    if export.position(secondary_id).is_some() {
        return Err(UnmergeError::AlreadyPresent {
            file: file.clone(),
            line: entry.line,
            id: id.into(),
            secondary: secondary_id.into(),
        });
    }
    let Some(pi) = export.position(id) else {
        // A later merge that took the primary away, recorded in a journal
        // given, was named above (restore it first).
        return Err(match absorber_of(export, id) {
            Some(into) => UnmergeError::PrimaryMergedAway {
                file: file.clone(),
                line: entry.line,
                id: id.into(),
                secondary: secondary_id.into(),
                into: into.into(),
            },
            None => UnmergeError::UnknownContact {
                id: id.into(),
                merged_into: None,
            },
        });
    };
    describes(export, pi, file, entry, later_merges)?;
    check_counters(file, entry)?;
    let (mut restored, conflicts, kept) = three_way(file, entry, &export.contacts[pi])?;
    let mut secondary = entry.secondary.clone();
    if matches!(export.layout, Layout::Csv(_)) {
        // CSV rows have no key order; the journal's JSON gave them one.
        restored.key_order.clear();
        secondary.key_order.clear();
    }
    export.contacts[pi] = restored;
    let at = entry
        .secondary_index
        .filter(|&i| i <= export.contacts.len())
        .unwrap_or(pi + 1);
    export.contacts.insert(at, secondary);
    if let Layout::Csv(layout) = &mut export.layout {
        drop_added_columns(layout, &mut export.contacts, &entry.primary);
    }
    Ok(RestoreReport {
        primary_id: id.into(),
        secondary_id: secondary_id.into(),
        journal: file.clone(),
        journal_line: entry.line,
        secondary_index: at,
        conflicts,
        kept,
    })
}

/// The ids a contact's `hs_merged_object_ids` list.
fn merged_ids(c: &Contact) -> impl Iterator<Item = &str> {
    split_multi(c.prop(MERGED_IDS).unwrap_or(""))
}

/// The journal entry describes the primary as the export holds it: its
/// `hs_merged_object_ids` list the secondary, and every id they list that
/// the merge did not leave there was added by a later merge into it in the
/// journals given (one not given would leave ids no journal explains).
/// What else changed since the merge is the three-way's to keep.
fn describes(
    export: &Export,
    pi: usize,
    file: &str,
    entry: &JournalEntry,
    later: &[(&Journal, &JournalEntry)],
) -> Result<(), UnmergeError> {
    let primary = &export.contacts[pi];
    if !merged_ids(primary).any(|m| m == entry.secondary_id) {
        return Err(UnmergeError::NotMergedInto {
            file: file.into(),
            line: entry.line,
            id: entry.primary_id.clone(),
            secondary: entry.secondary_id.clone(),
            merged_ids: primary.prop(MERGED_IDS).unwrap_or("").trim().into(),
        });
    }
    let mut known: HashSet<&str> = merged_ids(&entry.merged).collect();
    known.insert(&entry.secondary_id);
    for (_, e) in later
        .iter()
        .filter(|(_, e)| e.primary_id == entry.primary_id)
    {
        known.extend(merged_ids(&e.merged));
    }
    let mut unexplained: Vec<String> = Vec::new();
    for m in merged_ids(primary) {
        if !known.contains(m) && !unexplained.iter().any(|u| u == m) {
            unexplained.push(m.into());
        }
    }
    if !unexplained.is_empty() {
        return Err(UnmergeError::LaterMergeMissing {
            file: file.into(),
            line: entry.line,
            id: entry.primary_id.clone(),
            secondary: entry.secondary_id.clone(),
            unexplained,
        });
    }
    Ok(())
}

/// A counter's value: a whole number of 0 or more, optionally written with
/// a zero fraction (`3`, `3.0`), as the merge reads it; empty or absent
/// counts 0. Up to 2^128 − 1, so any value a 64-bit counter can sum to is
/// exact.
fn count(v: Option<&Option<String>>) -> Result<u128, &'static str> {
    let Some(t) = v.and_then(|v| v.as_deref()).map(str::trim) else {
        return Ok(0);
    };
    if t.is_empty() {
        return Ok(0);
    }
    if t.starts_with('-') && t.len() > 1 {
        return Err("is below 0, and a count is 0 or more");
    }
    let whole = match t.split_once('.') {
        Some((w, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => w,
        Some(_) => return Err("is not a whole number"),
        None => t,
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err("is not a whole number");
    }
    whole
        .parse::<u128>()
        .map_err(|_| "is too large for a counter (more than 2^128)")
}

/// A counter's value in a restore, or the error naming it.
fn count_of(
    file: &str,
    entry: &JournalEntry,
    property: &str,
    origin: CounterSource,
    contact: &Contact,
) -> Result<u128, Box<CounterError>> {
    let v = contact.properties.get(property);
    count(v).map_err(|reason| {
        Box::new(CounterError::NotWhole {
            file: file.into(),
            line: entry.line,
            contact: contact.id.clone(),
            property: property.into(),
            value: v.cloned().flatten().unwrap_or_default(),
            origin,
            reason,
        })
    })
}

/// The journal's summed counters add up: the merged value is the
/// primary's before plus the secondary's, as the merge wrote it. A line
/// that does not was edited, and its share cannot be trusted.
fn check_counters(file: &str, entry: &JournalEntry) -> Result<(), Box<CounterError>> {
    for property in entry.summed_properties() {
        let b = count_of(file, entry, property, CounterSource::Before, &entry.primary)?;
        let s = count_of(
            file,
            entry,
            property,
            CounterSource::Secondary,
            &entry.secondary,
        )?;
        let m = count_of(file, entry, property, CounterSource::Merged, &entry.merged)?;
        if b.checked_add(s) != Some(m) {
            return Err(Box::new(CounterError::Mismatch {
                file: file.into(),
                line: entry.line,
                id: entry.primary_id.clone(),
                secondary: entry.secondary_id.clone(),
                property: property.into(),
                before: b.to_string(),
                share: s.to_string(),
                merged: m.to_string(),
            }));
        }
    }
    Ok(())
}

/// A CSV column the merge added (the primary had no such property before
/// it; in a CSV export every contact has every column) and that is empty
/// everywhere now goes again, so that restoring gives back the file as it
/// was.
fn drop_added_columns(layout: &mut CsvLayout, contacts: &mut [Contact], before: &Contact) {
    let added = |col: &Column| match col {
        Column::Property(name) => {
            !before.properties.contains_key(name) && contacts.iter().all(|c| c.prop(name).is_none())
        }
        Column::Association(kind) => {
            before.assoc(kind).is_none()
                && contacts
                    .iter()
                    .all(|c| c.assoc(kind).is_none_or(|l| l.entries.is_empty()))
        }
    };
    let drop: Vec<bool> = layout
        .columns
        .iter()
        .enumerate()
        .map(|(k, col)| k != layout.id_column && added(col))
        .collect();
    if !drop.contains(&true) {
        return;
    }
    for (col, _) in layout.columns.iter().zip(&drop).filter(|(_, d)| **d) {
        for c in contacts.iter_mut() {
            match col {
                Column::Property(name) => {
                    c.properties.shift_remove(name);
                }
                Column::Association(kind) => {
                    if let Some(a) = c.associations.as_mut() {
                        a.shift_remove(kind);
                    }
                }
            }
        }
    }
    let id_col = layout.id_column;
    let mut k = 0;
    layout.headers.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
    k = 0;
    layout.columns.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
    layout.id_column = id_col - drop[..id_col].iter().filter(|d| **d).count();
}

/// The primary before the merge, with what changed since kept.
fn three_way(
    file: &str,
    entry: &JournalEntry,
    current: &Contact,
) -> Result<(Contact, Vec<Conflict>, Vec<String>), UnmergeError> {
    let (before, merged) = (&entry.primary, &entry.merged);
    if same_content(current, merged) {
        return Ok((before.clone(), Vec::new(), Vec::new()));
    }
    let summed: HashSet<&str> = entry.summed_properties().collect();
    let mut conflicts = Vec::new();
    let mut kept = Vec::new();
    let mut out = before.clone();

    out.properties = Default::default();
    for name in union_keys(before.properties.keys(), current.properties.keys()) {
        let (b, m, c) = (
            before.properties.get(name),
            merged.properties.get(name),
            current.properties.get(name),
        );
        let result = if c == m {
            b.cloned()
        } else {
            let special = match name.as_str() {
                ADDITIONAL_EMAILS | LEGAL_BASIS => Some(multi_three_way(b, m, c, true)),
                MERGED_IDS => Some(multi_three_way(b, m, c, false)),
                _ if summed.contains(name.as_str()) => {
                    Some(counter_three_way(file, entry, name, current)?)
                }
                _ => None,
            };
            let r = special.unwrap_or_else(|| c.cloned());
            if b != m && r != b.cloned() {
                let text = |v: Option<&Option<String>>| v.cloned().flatten();
                conflicts.push(Conflict {
                    property: name.clone(),
                    before: text(b),
                    merged: text(m),
                    current: text(c),
                    result: r.clone().flatten(),
                });
            }
            r
        };
        if let Some(v) = result {
            out.properties.insert(name.clone(), v);
        }
    }

    out.history = if current.history == merged.history {
        before.history.clone()
    } else {
        history_three_way(before, merged, current)
    };

    out.associations = if current.associations == merged.associations {
        before.associations.clone()
    } else {
        assoc_three_way(before, merged, current, &mut kept)
    };

    out.sections = if current.sections == merged.sections {
        before.sections.clone()
    } else {
        sections_three_way(before, merged, current, &mut kept)
    };

    let present = |k: &str| match k {
        key::ID | key::PROPERTIES => true,
        key::HISTORY => out.history.is_some(),
        key::ASSOCIATIONS => out.associations.is_some(),
        _ => out.sections.contains_key(k),
    };
    let mut order: Vec<String> = Vec::new();
    for k in before.key_order.iter().chain(&current.key_order) {
        if present(k) && !order.contains(k) {
            order.push(k.clone());
        }
    }
    out.key_order = order;
    Ok((out, conflicts, kept))
}

/// Two contacts hold the same data. The key order is left out: a contact
/// read back from the journal lists every key it writes, the one the merge
/// made may list fewer, and both write the same document. Associations
/// compare as written: a merge keeps the secondary's entries as read, so a
/// `{"id", "type"}` entry can sit in a plain id list (written as its id),
/// while the journal gives it back as the id it wrote.
fn same_content(a: &Contact, b: &Contact) -> bool {
    let written_associations = |c: &Contact| {
        serde_json::to_value(c)
            .ok()
            .map(|v| v[key::ASSOCIATIONS].clone())
    };
    a.id == b.id
        && a.id_is_number == b.id_is_number
        && a.properties == b.properties
        && a.history == b.history
        && a.sections == b.sections
        && (a.associations == b.associations || written_associations(a) == written_associations(b))
}

/// The keys of `before`, then the keys of `current` it lacks.
fn union_keys<'a, I, J>(before: I, current: J) -> Vec<&'a String>
where
    I: Iterator<Item = &'a String> + Clone,
    J: Iterator<Item = &'a String>,
{
    let seen: HashSet<&String> = before.clone().collect();
    before
        .chain(current.filter(|k| !seen.contains(k)))
        .collect()
}

/// A `;`-separated property: the current items minus those the merge added.
fn multi_three_way(
    b: Option<&Option<String>>,
    m: Option<&Option<String>>,
    c: Option<&Option<String>>,
    fold_case: bool,
) -> Option<Option<String>> {
    let items = |v: Option<&Option<String>>| -> Vec<String> {
        split_multi(v.and_then(|v| v.as_deref()).unwrap_or(""))
            .map(str::to_string)
            .collect()
    };
    let norm = |s: &str| {
        if fold_case {
            s.to_lowercase()
        } else {
            s.to_string()
        }
    };
    let before: Vec<String> = items(b);
    let before_keys: HashSet<String> = before.iter().map(|s| norm(s)).collect();
    let added: HashSet<String> = items(m)
        .iter()
        .map(|s| norm(s))
        .filter(|s| !before_keys.contains(s))
        .collect();
    let result: Vec<String> = items(c)
        .into_iter()
        .filter(|s| !added.contains(&norm(s)))
        .collect();
    let same =
        result.len() == before.len() && result.iter().zip(&before).all(|(r, b)| norm(r) == norm(b));
    if same {
        return b.cloned();
    }
    Some(Some(result.join(";")))
}

/// A summed counter: the current value minus the secondary's share
/// (merged − before, which [`check_counters`] found to be the secondary's
/// count), in whole numbers. A current value that is not a whole number,
/// or less than the share (the counter would go below 0), is refused.
fn counter_three_way(
    file: &str,
    entry: &JournalEntry,
    property: &str,
    current: &Contact,
) -> Result<Option<Option<String>>, Box<CounterError>> {
    let b = entry.primary.properties.get(property);
    let before = count(b).unwrap_or_default();
    let share = count(entry.merged.properties.get(property))
        .ok()
        .and_then(|m| m.checked_sub(before))
        .expect("check_counters found merged = before + secondary");
    let now = count_of(file, entry, property, CounterSource::Export, current)?;
    let Some(r) = now.checked_sub(share) else {
        return Err(Box::new(CounterError::BelowZero {
            file: file.into(),
            line: entry.line,
            id: entry.primary_id.clone(),
            secondary: entry.secondary_id.clone(),
            property: property.into(),
            current: match current.prop(property).map(str::trim) {
                None | Some("") => "nothing (0)".into(),
                Some(v) => v.into(),
            },
            share: share.to_string(),
        }));
    };
    if r == before {
        return Ok(b.cloned());
    }
    Ok(Some(Some(r.to_string())))
}

/// Items of `current` minus those the merge added (in `merged`, not in
/// `before`); `before` itself when that leaves exactly its items.
fn list_three_way<T: Clone>(
    before: &[T],
    merged: &[T],
    current: &[T],
    same: impl Fn(&T, &T) -> bool,
) -> Vec<T> {
    let in_list = |list: &[T], x: &T| list.iter().any(|y| same(x, y));
    let added: Vec<&T> = merged.iter().filter(|x| !in_list(before, x)).collect();
    let result: Vec<T> = current
        .iter()
        .filter(|x| !added.iter().any(|a| same(x, a)))
        .cloned()
        .collect();
    if result.len() == before.len()
        && result.iter().all(|x| in_list(before, x))
        && before.iter().all(|x| in_list(&result, x))
    {
        return before.to_vec();
    }
    result
}

fn history_three_way(before: &Contact, merged: &Contact, current: &Contact) -> Option<History> {
    let empty = History::new();
    let (bh, mh, ch) = (
        before.history.as_ref().unwrap_or(&empty),
        merged.history.as_ref().unwrap_or(&empty),
        current.history.as_ref().unwrap_or(&empty),
    );
    let mut out = History::new();
    for name in union_keys(bh.keys(), ch.keys()) {
        let (b, m, c) = (bh.get(name), mh.get(name), ch.get(name));
        if c == m {
            if let Some(b) = b {
                out.insert(name.clone(), b.clone());
            }
            continue;
        }
        let m = m.map(Vec::as_slice).unwrap_or(&[]);
        let mut entries: Vec<_> = c
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter(|e| !m.contains(e))
            .cloned()
            .collect();
        entries.extend(b.iter().flat_map(|b| b.iter().cloned()));
        if b.is_some() || !entries.is_empty() {
            out.insert(name.clone(), entries);
        }
    }
    (before.history.is_some() || !out.is_empty()).then_some(out)
}

fn assoc_three_way(
    before: &Contact,
    merged: &Contact,
    current: &Contact,
    kept: &mut Vec<String>,
) -> Option<Associations> {
    let empty = Associations::new();
    let (ba, ma, ca) = (
        before.associations.as_ref().unwrap_or(&empty),
        merged.associations.as_ref().unwrap_or(&empty),
        current.associations.as_ref().unwrap_or(&empty),
    );
    let mut out = Associations::new();
    for kind in union_keys(ba.keys(), ca.keys()) {
        let (b, m, c) = (ba.get(kind), ma.get(kind), ca.get(kind));
        if c == m {
            if let Some(b) = b {
                out.insert(kind.clone(), b.clone());
            }
            continue;
        }
        let Some(c) = c else { continue };
        let none = AssocList::default();
        let entries = list_three_way(
            &b.unwrap_or(&none).entries,
            &m.unwrap_or(&none).entries,
            &c.entries,
            |x, y| x.id == y.id,
        );
        if merge_added_nothing_left(b.is_none(), m.is_some(), entries.is_empty()) {
            continue;
        }
        note_kept(kind, b.map_or(0, |b| b.entries.len()), entries.len(), kept);
        let form = b.map_or(&c.form, |b| &b.form).clone();
        out.insert(kind.clone(), AssocList { form, entries });
    }
    (before.associations.is_some() || !out.is_empty()).then_some(out)
}

/// A part the primary did not have, that the merge added and that holds
/// nothing once the merge's items are taken out, goes away again (an empty
/// `"visits": []` or `"tickets": []` is not the primary as it was).
fn merge_added_nothing_left(before_absent: bool, merge_added: bool, empty: bool) -> bool {
    before_absent && merge_added && empty
}

fn note_kept(part: &str, before: usize, after: usize, kept: &mut Vec<String>) {
    if before != after {
        kept.push(format!(
            "{part}: changed after the merge; kept those changes ({}, {before} before the merge)",
            crate::text::count(after, "item", "items")
        ));
    }
}

fn sections_three_way(
    before: &Contact,
    merged: &Contact,
    current: &Contact,
    kept: &mut Vec<String>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for name in union_keys(before.sections.keys(), current.sections.keys()) {
        let (b, m, c) = (
            before.sections.get(name),
            merged.sections.get(name),
            current.sections.get(name),
        );
        if c == m {
            if let Some(b) = b {
                out.insert(name.clone(), b.clone());
            }
            continue;
        }
        let Some(c) = c else { continue };
        let value = match (b, m, c) {
            (None | Some(Value::Array(_)), None | Some(Value::Array(_)), Value::Array(cl)) => {
                let items = list_three_way(as_list(b), as_list(m), cl, |x, y| x == y);
                note_kept(name, as_list(b).len(), items.len(), kept);
                Value::Array(items)
            }
            (None | Some(Value::Object(_)), None | Some(Value::Object(_)), Value::Object(co)) => {
                let empty = Map::new();
                let bo = as_map(b).unwrap_or(&empty);
                let mo = as_map(m).unwrap_or(&empty);
                let mut o = Map::new();
                for k in union_keys(bo.keys(), co.keys()) {
                    let chosen = if co.get(k) == mo.get(k) {
                        bo.get(k)
                    } else {
                        co.get(k)
                    };
                    if let Some(v) = chosen {
                        o.insert(k.clone(), v.clone());
                    }
                }
                if &o != bo {
                    kept.push(format!(
                        "{name}: changed after the merge; kept those changes"
                    ));
                }
                Value::Object(o)
            }
            _ => {
                if b != m && b != Some(c) {
                    kept.push(format!(
                        "{name}: changed after the merge; kept the current value {c}"
                    ));
                }
                c.clone()
            }
        };
        let empty = match &value {
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => false,
        };
        if merge_added_nothing_left(b.is_none(), m.is_some(), empty) {
            continue;
        }
        out.insert(name.clone(), value);
    }
    out
}

fn as_list(v: Option<&Value>) -> &[Value] {
    match v {
        Some(Value::Array(a)) => a,
        _ => &[],
    }
}

fn as_map(v: Option<&Value>) -> Option<&Map<String, Value>> {
    match v {
        Some(Value::Object(o)) => Some(o),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{self, Format};
    use crate::journal::{parse_journal, JournalWriter};
    use crate::plan::tests::{contact, export};
    use crate::plan::{apply_plan, ApplyOptions, MergeStep, Pair, Plan, PlanFormat};
    use serde_json::json;

    fn ids_of(e: &Export) -> Vec<&str> {
        e.contacts.iter().map(|c| c.id.as_str()).collect()
    }

    fn split_export() -> Export {
        export(vec![
            json!({"id": "5", "properties": {"email": "a@x.com", "hs_additional_emails": "B@x.com; c@x.com; d@x.com", "hs_object_id": "5"},
                   "subscriptions": {"a@x.com": [{"id": "1", "status": "SUBSCRIBED"}], "b@x.com": [{"id": "2", "status": "UNSUBSCRIBED"}]}}),
            json!({"id": "9", "properties": {"email": "z@x.com", "hs_merged_object_ids": "12;3"}}),
        ])
    }

    #[test]
    fn split_off_makes_a_new_contact_after_the_source() {
        let mut e = split_export();
        let r = split_off(&mut e, "5", " b@X.com ", None).unwrap();
        assert_eq!(
            r,
            SplitReport {
                id: "5".into(),
                email: "B@x.com".into(),
                new_id: "13".into(),
                new_index: 1,
                subscriptions_moved: true,
            }
        );
        assert_eq!(ids_of(&e), ["5", "13", "9"]);
        let out = String::from_utf8(format::write_to_vec(&e, Format::Json)).unwrap();
        assert_eq!(
            out,
            concat!(
                r#"[{"id":"5","properties":{"email":"a@x.com","hs_additional_emails":"c@x.com; d@x.com","hs_object_id":"5"},"subscriptions":{"a@x.com":[{"id":"1","status":"SUBSCRIBED"}]}},"#,
                r#"{"id":"13","properties":{"email":"B@x.com","hs_object_id":"13"},"subscriptions":{"b@x.com":[{"id":"2","status":"UNSUBSCRIBED"}]}},"#,
                r#"{"id":"9","properties":{"email":"z@x.com","hs_merged_object_ids":"12;3"}}]"#,
                "\n"
            )
        );
    }

    #[test]
    fn split_off_takes_the_given_id_and_keeps_number_ids() {
        let mut e = export(vec![
            json!({"id": 5, "properties": {"email": "a@x.com", "hs_additional_emails": "b@x.com;c@x.com"}}),
        ]);
        split_off(&mut e, "5", "c@x.com", Some("700")).unwrap();
        let out = String::from_utf8(format::write_to_vec(&e, Format::Json)).unwrap();
        assert_eq!(
            out,
            "[{\"id\":5,\"properties\":{\"email\":\"a@x.com\",\"hs_additional_emails\":\"b@x.com\"}},{\"id\":700,\"properties\":{\"email\":\"c@x.com\"}}]\n"
        );
    }

    #[test]
    fn split_off_in_a_csv_export_adds_a_row() {
        let mut e = format::read_bytes(
            b"Record ID,Email,Additional email addresses,First Name\r\n1,a@x.com,b@x.com,Ann\r\n",
            Format::Csv,
            "t.csv",
        )
        .unwrap();
        let r = split_off(&mut e, "1", "b@x.com", None).unwrap();
        assert_eq!(r.new_id, "2");
        assert_eq!(
            String::from_utf8(format::write_to_vec(&e, Format::Csv)).unwrap(),
            "Record ID,Email,Additional email addresses,First Name\r\n1,a@x.com,,Ann\r\n2,b@x.com,,\r\n"
        );
    }

    #[test]
    fn split_off_refusals_say_what_to_do() {
        let mut e = split_export();
        let before = e.clone();
        let err = |e: &mut Export, id: &str, email: &str, new_id: Option<&str>| {
            split_off(e, id, email, new_id).unwrap_err().to_string()
        };
        assert_eq!(
            err(&mut e, "5", "A@x.com", None),
            "a@x.com is the primary email of contact 5; only an additional email (hs_additional_emails) can be split off: give one of those, or make another email primary first"
        );
        assert_eq!(
            err(&mut e, "5", "q@x.com", None),
            "contact 5 has no email q@x.com; its emails are: a@x.com, B@x.com, c@x.com, d@x.com; give one of its additional emails"
        );
        assert_eq!(
            err(&mut e, "12", "q@x.com", None),
            "contact 12 is not in the export; it was merged into contact 9 (see its hs_merged_object_ids): use 9"
        );
        assert_eq!(
            err(&mut e, "404", "q@x.com", None),
            "contact 404 is not in the export; check the id"
        );
        assert_eq!(
            err(&mut e, "5", "c@x.com", Some("9")),
            "the new id 9 is already the id of contact 9; choose another --new-id, or leave it out to take the next free id"
        );
        assert!(err(&mut e, "5", "c@x.com", Some("3"))
            .contains("already a merged-away id (in the hs_merged_object_ids of contact 9)"));
        assert!(err(&mut e, "5", "c@x.com", Some(" ")).starts_with("the new id is empty"));
        assert_eq!(e, before);
    }

    #[test]
    fn next_free_id_counts_merged_away_ids() {
        assert_eq!(next_free_id(&split_export()), "13");
        assert_eq!(
            next_free_id(&export(vec![json!({"id": "abc", "properties": {}})])),
            "1"
        );
        assert_eq!(next_free_id(&export(vec![])), "1");
    }

    const MERGE: &str = "2024-03-01T10:00:00.000Z";

    fn entry(line: u64, before: Value, secondary: Value, merged: Value) -> JournalEntry {
        let (primary, secondary, merged) = (contact(before), contact(secondary), contact(merged));
        JournalEntry {
            line,
            merge_time: MERGE.into(),
            policy: "most-recent".into(),
            primary_id: primary.id.clone(),
            secondary_id: secondary.id.clone(),
            secondary_index: None,
            plan_line: None,
            primary,
            secondary,
            merged,
            decisions: vec![],
        }
    }

    fn journal(entries: Vec<JournalEntry>) -> Journal {
        Journal {
            file: "j.jsonl".into(),
            entries,
        }
    }

    #[test]
    fn untouched_merge_restores_exactly() {
        let mut en = entry(
            1,
            json!({"id": "1", "properties": {"email": "a@x.com"}}),
            json!({"properties": {"email": "b@x.com"}, "id": 2, "visits": [{"timestamp": 1}]}),
            json!({"id": "1", "properties": {"email": "a@x.com", "hs_additional_emails": "b@x.com", "hs_merged_object_ids": "2"},
                   "engagements": [{"type": "MERGE", "timestamp": MERGE, "secondaryId": "2"}]}),
        );
        en.secondary_index = Some(0);
        let j = journal(vec![en]);
        let mut e = export(vec![
            json!({"id": "9", "properties": {}}),
            json!({"id": "1", "properties": {"email": "a@x.com", "hs_additional_emails": "b@x.com", "hs_merged_object_ids": "2"},
                   "engagements": [{"type": "MERGE", "timestamp": MERGE, "secondaryId": "2"}]}),
        ]);
        let r = restore(&mut e, "1", "2", &j).unwrap();
        assert!(r.conflicts.is_empty() && r.kept.is_empty());
        assert_eq!(r.secondary_index, 0);
        assert_eq!(
            String::from_utf8(format::write_to_vec(&e, Format::Json)).unwrap(),
            "[{\"properties\":{\"email\":\"b@x.com\"},\"id\":2,\"visits\":[{\"timestamp\":1}]},{\"id\":\"9\",\"properties\":{}},{\"id\":\"1\",\"properties\":{\"email\":\"a@x.com\"}}]\n"
        );
    }

    #[test]
    fn without_a_position_the_secondary_goes_after_the_primary() {
        let j = journal(vec![entry(
            1,
            json!({"id": "1", "properties": {}}),
            json!({"id": "2", "properties": {}}),
            json!({"id": "1", "properties": {"hs_merged_object_ids": "2"}}),
        )]);
        let mut e = export(vec![
            json!({"id": "1", "properties": {"hs_merged_object_ids": "2"}}),
            json!({"id": "9", "properties": {}}),
        ]);
        assert_eq!(restore(&mut e, "1", "2", &j).unwrap().secondary_index, 1);
        assert_eq!(ids_of(&e), ["1", "2", "9"]);
    }

    #[test]
    fn properties_changed_since_the_merge_are_kept_as_conflicts() {
        let j = journal(vec![entry(
            1,
            json!({"id": "1", "properties": {"firstname": "Ann", "lastname": "Lee", "city": "Oslo"}}),
            json!({"id": "2", "properties": {"firstname": "Anne", "phone": "123"}}),
            json!({"id": "1", "properties": {"firstname": "Anne", "lastname": "Lee", "city": "Oslo", "phone": "123", "hs_merged_object_ids": "2"}}),
        )]);
        let mut e = export(vec![json!({"id": "1", "properties": {
            "firstname": "Annie", "lastname": "Lee", "city": "Bergen", "phone": "123", "jobtitle": "CEO", "hs_merged_object_ids": "2"}})]);
        let r = restore(&mut e, "1", "2", &j).unwrap();
        assert_eq!(
            r.conflicts,
            [Conflict {
                property: "firstname".into(),
                before: Some("Ann".into()),
                merged: Some("Anne".into()),
                current: Some("Annie".into()),
                result: Some("Annie".into()),
            }]
        );
        let p = &e.contacts[0];
        let props: Vec<(&str, Option<&str>)> = p
            .properties
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref()))
            .collect();
        assert_eq!(
            props,
            [
                ("firstname", Some("Annie")),
                ("lastname", Some("Lee")),
                ("city", Some("Bergen")),
                ("jobtitle", Some("CEO")),
            ]
        );
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["conflicts"][0]["property"], "firstname");
        assert_eq!(json["journalLine"], 1);
    }

    /// A merge of 2 into 1 that summed counters n, c, v, x and t.
    fn summed_entry() -> JournalEntry {
        let mut en = entry(
            1,
            json!({"id": "1", "properties": {"n": "2", "v": "10", "w": "1", "x": "1", "t": "3"}}),
            json!({"id": "2", "properties": {"n": "3", "c": "3", "v": "5", "x": "1", "t": "2"}}),
            json!({"id": "1", "properties": {"n": "5", "v": "15", "w": "1", "x": "2", "c": "3", "t": "5", "hs_merged_object_ids": "2"}}),
        );
        en.decisions = ["n", "c", "v", "x", "t"]
            .iter()
            .map(|p| json!({"property": p, "rule": "sum", "why": "summed"}))
            .chain([json!({"property": "w", "rule": "most-recent"})])
            .collect();
        en
    }

    #[test]
    fn summed_counters_lose_the_secondarys_share() {
        let j = journal(vec![summed_entry()]);
        let mut e = export(vec![json!({"id": "1", "properties": {
            "n": "7", "v": "15", "w": "1", "x": "2.0", "c": "4",
            "t": "100000000000000000000", "hs_merged_object_ids": "2"}})]);
        let r = restore(&mut e, "1", "2", &j).unwrap();
        let p = &e.contacts[0];
        assert_eq!(p.prop("n"), Some("4"), "7 - (5 - 2)");
        assert_eq!(p.prop("v"), Some("10"), "untouched since: back to before");
        assert_eq!(p.prop("c"), Some("1"), "4 - (3 - 0)");
        assert_eq!(p.prop("x"), Some("1"), "2.0 - (2 - 1), as written before");
        assert_eq!(
            p.prop("t"),
            Some("99999999999999999998"),
            "beyond 2^64, exact: 10^20 - (5 - 3)"
        );
        let changed: Vec<(&str, Option<&str>)> = r
            .conflicts
            .iter()
            .map(|c| (c.property.as_str(), c.result.as_deref()))
            .collect();
        assert_eq!(
            changed,
            [
                ("n", Some("4")),
                ("t", Some("99999999999999999998")),
                ("c", Some("1"))
            ]
        );
    }

    #[test]
    fn a_counter_is_never_restored_below_zero() {
        let j = journal(vec![summed_entry()]);
        // n holds 2 now, less than the 3 the merge added: this is not the
        // export the merge wrote (or the count went down since).
        for n in [json!("2"), json!(""), json!(null)] {
            let mut e = export(vec![json!({"id": "1", "properties": {
                "n": n, "v": "15", "w": "1", "x": "2", "c": "3", "t": "5", "hs_merged_object_ids": "2"}})]);
            let before = e.clone();
            let err = restore(&mut e, "1", "2", &j).unwrap_err();
            let held = if n == json!("2") { "2" } else { "nothing (0)" };
            assert_eq!(
                err.to_string(),
                format!("j.jsonl: line 1: cannot restore n of contact 1: it holds {held} now, less than the 3 the merge of 2 added, and a counter never goes below 0; the journal does not describe this export (or the count went down since the merge): give the export that merge wrote (or one made from it since) and the journal of its merges")
            );
            assert_eq!(e, before, "nothing changed");
        }
    }

    #[test]
    fn a_counter_that_is_not_a_whole_number_is_refused() {
        let j = journal(vec![summed_entry()]);
        for bad in [
            "lots",
            "1.5",
            "-1",
            "1e3",
            "4.",
            "1000000000000000000000000000000000000000",
        ] {
            let mut e = export(vec![json!({"id": "1", "properties": {
                "n": bad, "v": "15", "w": "1", "x": "2", "c": "3", "t": "5", "hs_merged_object_ids": "2"}})]);
            let before = e.clone();
            let err = restore(&mut e, "1", "2", &j).unwrap_err().to_string();
            let reason = if bad.len() > 30 {
                "is too large for a counter (more than 2^128)"
            } else if bad.starts_with('-') {
                "is below 0, and a count is 0 or more"
            } else {
                "is not a whole number"
            };
            assert_eq!(
                err,
                format!("j.jsonl: line 1: cannot restore n of contact 1: {bad:?} (its value in the export) {reason}; a counter is a whole number of 0 or more: correct it in the export and restore again")
            );
            assert_eq!(e, before);
        }
        // In the journal: the merge never writes that.
        let mut en = summed_entry();
        en.secondary.set_prop("c", Some("three".into()));
        let mut e = export(vec![
            json!({"id": "1", "properties": {"n": "5", "hs_merged_object_ids": "2"}}),
        ]);
        assert_eq!(
            restore(&mut e, "1", "2", &journal(vec![en])).unwrap_err().to_string(),
            "j.jsonl: line 1: cannot restore c of contact 2: \"three\" (the secondary's value, in the journal) is not a whole number; the merge never writes that: the journal line looks edited; use the journal the merge wrote"
        );
    }

    #[test]
    fn a_journal_whose_counters_do_not_add_up_is_refused() {
        // The merged value edited to 10^20: a float subtraction gave
        // -100000000000000000000; the line is refused as edited.
        let mut en = summed_entry();
        en.merged
            .set_prop("n", Some("100000000000000000000".into()));
        let mut e = export(vec![json!({"id": "1", "properties": {
            "n": "5", "v": "15", "w": "1", "x": "2", "c": "3", "t": "5", "hs_merged_object_ids": "2"}})]);
        let before = e.clone();
        assert_eq!(
            restore(&mut e, "1", "2", &journal(vec![en])).unwrap_err().to_string(),
            "j.jsonl: line 1: n does not add up: the merge of 2 into 1 wrote 100000000000000000000, not 2 (contact 1 before) + 3 (contact 2); the journal line looks edited: use the journal the merge wrote"
        );
        assert_eq!(e, before);
    }

    #[test]
    fn items_the_merge_added_are_removed_and_later_ones_kept() {
        let h = |v: &str, t: &str| json!({"value": v, "timestamp": t, "sourceType": "CRM_UI"});
        let eng = |id: u64| json!({"id": id, "type": "NOTE", "timestamp": id});
        let merge_event = json!({"type": "MERGE", "timestamp": MERGE, "secondaryId": "2"});
        let j = journal(vec![entry(
            1,
            json!({"id": "1",
                "properties": {"hs_additional_emails": "a2@x.com", "hs_merged_object_ids": "7", "hs_legal_basis": "Consent"},
                "propertiesWithHistory": {"firstname": [h("A", "1")]},
                "associations": {"deals": ["10"], "companies": ["c1"]},
                "engagements": [eng(1)],
                "subscriptions": {"a@x.com": [1]},
                "visits": [{"timestamp": 1}]}),
            json!({"id": "2", "properties": {}}),
            json!({"id": "1",
                "properties": {"hs_additional_emails": "a2@x.com;B@x.com;b2@x.com", "hs_merged_object_ids": "7;2;8", "hs_legal_basis": "Consent;Legitimate interest"},
                "propertiesWithHistory": {"firstname": [h("A", "1"), h("B", "0")], "lastname": [h("L", "0")]},
                "associations": {"deals": ["10", "11"], "companies": ["c1"]},
                "engagements": [eng(1), eng(2), merge_event.clone()],
                "subscriptions": {"a@x.com": [1], "b@x.com": [2]},
                "visits": [{"timestamp": 1}, {"timestamp": 2}],
                "usertokens": ["t2"]}),
        )]);
        let mut e = export(vec![json!({"id": "1",
            "properties": {"hs_additional_emails": "a2@x.com;b@x.com;b2@x.com;new@x.com", "hs_merged_object_ids": "7;2;8", "hs_legal_basis": "Consent;Legitimate interest"},
            "propertiesWithHistory": {"firstname": [h("C", "3"), h("A", "1"), h("B", "0")], "lastname": [h("L", "0")]},
            "associations": {"deals": ["10", "11", "12"], "companies": ["c1"]},
            "engagements": [eng(1), eng(2), merge_event, eng(3)],
            "subscriptions": {"a@x.com": [1], "b@x.com": [2], "c@x.com": [3]},
            "visits": [{"timestamp": 1}, {"timestamp": 2}],
            "usertokens": ["t2", "t3"]})]);
        let r = restore(&mut e, "1", "2", &j).unwrap();
        assert!(r.conflicts.iter().all(|c| c.property != "hs_legal_basis"));
        let out = String::from_utf8(format::write_to_vec(&e, Format::Json)).unwrap();
        assert_eq!(
            out,
            concat!(
                r#"[{"id":"1","properties":{"hs_additional_emails":"a2@x.com;new@x.com","hs_merged_object_ids":"7","hs_legal_basis":"Consent"},"#,
                r#""propertiesWithHistory":{"firstname":[{"value":"C","timestamp":"3","sourceType":"CRM_UI"},{"value":"A","timestamp":"1","sourceType":"CRM_UI"}]},"#,
                r#""associations":{"deals":["10","12"],"companies":["c1"]},"#,
                r#""engagements":[{"id":1,"type":"NOTE","timestamp":1},{"id":3,"type":"NOTE","timestamp":3}],"#,
                r#""subscriptions":{"a@x.com":[1],"c@x.com":[3]},"visits":[{"timestamp":1}],"usertokens":["t3"]},"#,
                r#"{"id":"2","properties":{}}]"#,
                "\n"
            )
        );
        assert!(
            r.kept.iter().any(|k| k.starts_with("engagements:")),
            "{:?}",
            r.kept
        );
        assert!(
            r.kept.iter().any(|k| k.starts_with("usertokens:")),
            "{:?}",
            r.kept
        );
    }

    #[test]
    fn parts_the_merge_added_go_away_when_nothing_is_left() {
        let j = journal(vec![entry(
            1,
            json!({"id": "1", "properties": {}, "associations": {"companies": ["c1"]}}),
            json!({"id": "2", "properties": {}, "associations": {"tickets": ["t1", "t2"]},
                   "visits": [{"timestamp": 1}, {"timestamp": 2}], "subscriptions": {"b@x.com": [1], "c@x.com": [2]}}),
            json!({"id": "1", "properties": {"hs_merged_object_ids": "2"}, "associations": {"companies": ["c1"], "tickets": ["t1", "t2"]},
                   "visits": [{"timestamp": 1}, {"timestamp": 2}], "subscriptions": {"b@x.com": [1], "c@x.com": [2]}}),
        )]);
        // Since the merge, one of each was removed again: what is left of
        // each part is the merge's, and the primary had none of them.
        let mut e = export(vec![
            json!({"id": "1", "properties": {"hs_merged_object_ids": "2"},
            "associations": {"companies": ["c1"], "tickets": ["t1"]},
            "visits": [{"timestamp": 1}], "subscriptions": {"b@x.com": [1]}}),
        ]);
        restore(&mut e, "1", "2", &j).unwrap();
        assert_eq!(
            serde_json::to_string(&e.contacts[0]).unwrap(),
            r#"{"id":"1","properties":{},"associations":{"companies":["c1"]}}"#,
            "no empty tickets, visits or subscriptions are left on the primary"
        );
    }

    #[test]
    fn a_merge_restored_in_memory_across_list_forms_is_unchanged_since() {
        // P lists a ticket twice; S's tickets are in HubSpot's results form.
        // The merged list (P's plain form) holds S's entry as read, which
        // writes as its id, as the journal gives it back: nothing changed
        // since the merge, so the primary comes back exactly.
        let mut e = export(vec![
            json!({"id": "1", "properties": {}, "associations": {"tickets": ["t1", "t1"]}}),
            json!({"id": "2", "properties": {},
                   "associations": {"tickets": {"results": [{"id": "t2", "type": "contact_to_ticket"}]}}}),
        ]);
        let original = e.clone();
        let plan = Plan {
            file: "plan.csv".into(),
            format: PlanFormat::Csv,
            pairs: vec![Pair {
                line: 2,
                primary: "1".into(),
                secondary: "2".into(),
            }],
        };
        let mut w = JournalWriter::new(Vec::new(), 0, "most-recent");
        apply_plan(
            &mut e,
            &plan,
            &ApplyOptions::default(),
            |_, p: crate::plan::Primary<'_>, s: &Contact| {
                let o = crate::merge::merge_contacts_from(p, s, &Default::default())
                    .map_err(|e| e.to_string())?;
                Ok(MergeStep {
                    merged: o.merged,
                    decisions: vec![],
                    warnings: vec![],
                    journal: None,
                })
            },
            Some(|a: &crate::plan::Applied<'_>| w.record(a)),
        )
        .unwrap();
        let j = parse_journal(&w.finish().unwrap(), "j.jsonl").unwrap();
        let r = restore(&mut e, "1", "2", &j).unwrap();
        assert!(r.conflicts.is_empty() && r.kept.is_empty(), "{r:?}");
        assert_eq!(e, original);
    }

    fn two_merges_into_one() -> Journal {
        let c = |id: &str| json!({"id": id, "properties": {}});
        let m = |ids: &str| json!({"id": "1", "properties": {"hs_merged_object_ids": ids}});
        journal(vec![
            entry(1, c("1"), c("2"), m("2")),
            entry(2, m("2"), c("3"), m("2;3")),
        ])
    }

    #[test]
    fn restores_go_newest_first() {
        let j = two_merges_into_one();
        let mut e = export(vec![
            json!({"id": "1", "properties": {"hs_merged_object_ids": "2;3"}}),
        ]);
        let err = restore(&mut e, "1", "2", &j).unwrap_err();
        assert_eq!(
            err.to_string(),
            "j.jsonl: line 1: the merge of 2 into 1 cannot be restored yet: later merges involve these contacts: line 2: 3 into 1; restores go newest first: restore those first"
        );
        restore(&mut e, "1", "3", &j).unwrap();
        restore(&mut e, "1", "2", &j).unwrap();
        assert_eq!(ids_of(&e), ["1", "2", "3"]);
        assert_eq!(e.contacts[0].properties.len(), 0);
        // Done already.
        let err = restore(&mut e, "1", "2", &j).unwrap_err().to_string();
        assert_eq!(
            err,
            "j.jsonl: line 1: contact 2 is already in the export, so its merge into 1 looks restored already; nothing to do"
        );
    }

    #[test]
    fn a_contact_merged_away_later_must_come_back_first() {
        let c = |id: &str| json!({"id": id, "properties": {}});
        let j = journal(vec![
            entry(1, c("1"), c("2"), c("1")),
            entry(2, c("4"), c("1"), c("4")),
        ]);
        let mut e = export(vec![c("4")]);
        let err = restore(&mut e, "1", "2", &j).unwrap_err();
        assert!(
            matches!(&err, UnmergeError::NotNewest { later, .. } if later[0].line == 2),
            "{err}"
        );
    }

    #[test]
    fn a_merge_missing_from_the_journal_is_named() {
        let j = two_merges_into_one();
        let mut e = export(vec![json!({"id": "1", "properties": {}})]);
        assert_eq!(
            restore(&mut e, "1", "9", &j).unwrap_err().to_string(),
            "j.jsonl: the journal has no merge of contact 9 into 1 (the merges into 1 it holds are of: 2 (line 1), 3 (line 2)); check the ids (the contact that absorbed, then the one merged away) and the journal file"
        );
        assert!(restore(&mut e, "2", "1", &j)
            .unwrap_err()
            .to_string()
            .starts_with("j.jsonl: the journal has no merge of contact 1 into 2; check"));
        assert!(restore_from(&mut e, "1", "2", &[])
            .unwrap_err()
            .to_string()
            .starts_with("no journal given"));
        let (j1, j2, mut e) = merges_in_two_journals();
        assert_eq!(
            restore_from(&mut e, "1", "9", &[j1, j2]).unwrap_err().to_string(),
            "j1.jsonl, j2.jsonl: the journals have no merge of contact 9 into 1 (the merges into 1 they hold are of: 2 (j1.jsonl line 1), 3 (j2.jsonl line 1)); check the ids (the contact that absorbed, then the one merged away) and the journal files"
        );
    }

    #[test]
    fn a_file_the_journal_does_not_describe_is_refused() {
        let j = journal(vec![summed_entry()]);
        // Contact 1 never absorbed 2 in this export (another export, or the
        // wrong journal): a float restore wrote n = -1 here and exited 0.
        for ids in [json!(null), json!(""), json!("5;20")] {
            let mut e = export(vec![json!({"id": "1", "properties": {
                "n": "2", "v": "10", "hs_merged_object_ids": ids}})]);
            let before = e.clone();
            let shown = if ids == json!("5;20") {
                "5;20"
            } else {
                "empty"
            };
            assert_eq!(
                restore(&mut e, "1", "2", &j).unwrap_err().to_string(),
                format!("j.jsonl: line 1: the journal does not describe this export: it records the merge of 2 into 1, but contact 1's hs_merged_object_ids ({shown}) do not list 2; give the export that merge wrote (or one made from it since), or the journal of this export's merges")
            );
            assert_eq!(e, before);
        }
    }

    /// Merges of 2 into 1 (j1.jsonl) and, a day later, of 3 (which had
    /// absorbed 30) into 1 (j2.jsonl), and the export after both.
    fn merges_in_two_journals() -> (Journal, Journal, Export) {
        let c = |id: &str| json!({"id": id, "properties": {}});
        let m = |ids: &str| json!({"id": "1", "properties": {"hs_merged_object_ids": ids}});
        let j1 = Journal {
            file: "j1.jsonl".into(),
            entries: vec![entry(1, c("1"), c("2"), m("2"))],
        };
        let mut later = entry(
            1,
            m("2"),
            json!({"id": "3", "properties": {"hs_merged_object_ids": "30"}}),
            m("2;3;30"),
        );
        later.merge_time = "2024-03-02T10:00:00.000Z".into();
        let j2 = Journal {
            file: "j2.jsonl".into(),
            entries: vec![later],
        };
        (j1, j2, export(vec![m("2;3;30")]))
    }

    #[test]
    fn a_later_merge_in_a_journal_not_given_is_named() {
        let (j1, j2, mut e) = merges_in_two_journals();
        let before = e.clone();
        assert_eq!(
            restore(&mut e, "1", "2", &j1).unwrap_err().to_string(),
            "j1.jsonl: line 1: the merge of 2 into 1 cannot be restored: contact 1's hs_merged_object_ids also list 3, 30, which that merge did not add and no later merge in the journals given explains; a later merge into 1 is missing from the journals given: give its journal too (--journal can be given more than once) and restore that merge first"
        );
        assert_eq!(e, before);
        // Given both, in either order, the later merge is seen and comes
        // first.
        for journals in [[j1.clone(), j2.clone()], [j2.clone(), j1.clone()]] {
            let err = restore_from(&mut e, "1", "2", &journals).unwrap_err();
            assert_eq!(
                err.to_string(),
                "j1.jsonl: line 1: the merge of 2 into 1 cannot be restored yet: later merges involve these contacts: j2.jsonl line 1: 3 into 1; restores go newest first: restore those first"
            );
            assert!(
                matches!(&err, UnmergeError::NotNewest { later, .. } if later[0].journal == "j2.jsonl")
            );
        }
        restore_from(&mut e, "1", "3", &[j1.clone(), j2.clone()]).unwrap();
        assert_eq!(e.contacts[0].prop(MERGED_IDS), Some("2"));
        // The later merge is undone: the first journal alone describes the
        // export again.
        let mut alone = e.clone();
        restore(&mut alone, "1", "2", &j1).unwrap();
        restore_from(&mut e, "1", "2", &[j2, j1]).unwrap();
        assert_eq!(e, alone);
        assert_eq!(ids_of(&e), ["1", "2", "3"]);
        assert_eq!(e.contacts[0].properties.len(), 0);
    }

    #[test]
    fn a_primary_merged_away_by_a_merge_no_journal_records_is_named() {
        let (j1, _, _) = merges_in_two_journals();
        let mut e = export(vec![
            json!({"id": "4", "properties": {"hs_merged_object_ids": "1;2"}}),
        ]);
        assert_eq!(
            restore(&mut e, "1", "2", &j1).unwrap_err().to_string(),
            "j1.jsonl: line 1: the merge of 2 into 1 cannot be restored: contact 1 is not in the export, it was merged into contact 4 since (see 4's hs_merged_object_ids), and no journal given records that merge: give its journal too (--journal can be given more than once) and restore that merge first"
        );
        let mut e = export(vec![json!({"id": "4", "properties": {}})]);
        assert_eq!(
            restore(&mut e, "1", "2", &j1).unwrap_err().to_string(),
            "contact 1 is not in the export; check the id"
        );
    }

    #[test]
    fn an_id_no_journal_explains_is_a_missing_merge_even_after_a_restore() {
        // 9 came into 1 after the merge, and no journal given recorded how.
        let (j1, j2, _) = merges_in_two_journals();
        let mut e = export(vec![
            json!({"id": "1", "properties": {"hs_merged_object_ids": "2;3;30;9"}}),
        ]);
        let err = restore_from(&mut e, "1", "3", &[j1.clone(), j2.clone()]).unwrap_err();
        assert!(
            matches!(&err, UnmergeError::LaterMergeMissing { unexplained, line: 1, file, .. }
                if unexplained == &["9"] && file == "j2.jsonl"),
            "{err}"
        );
    }

    /// A stand-in for the merge engine touching every part a restore undoes.
    fn rich_merge(
        _: &Layout,
        p: crate::plan::Primary<'_>,
        s: &Contact,
    ) -> Result<MergeStep, String> {
        let p = p.contact();
        let mut m = p.clone();
        for (k, v) in &s.properties {
            if p.prop(k).is_none() && v.as_deref().is_some_and(|v| !v.is_empty()) {
                m.set_prop(k, v.clone());
            }
        }
        let join = |parts: Vec<&str>| parts.join(";");
        let mut emails: Vec<&str> = split_multi(p.prop(ADDITIONAL_EMAILS).unwrap_or("")).collect();
        emails.extend(s.prop(EMAIL));
        emails.extend(split_multi(s.prop(ADDITIONAL_EMAILS).unwrap_or("")));
        m.set_prop(ADDITIONAL_EMAILS, Some(join(emails)));
        let mut ids: Vec<&str> = split_multi(p.prop(MERGED_IDS).unwrap_or("")).collect();
        ids.push(&s.id);
        ids.extend(split_multi(s.prop(MERGED_IDS).unwrap_or("")));
        m.set_prop(MERGED_IDS, Some(join(ids)));
        let n = |c: &Contact| c.prop("n").map_or(0, |v| v.parse::<i64>().unwrap());
        m.set_prop("n", Some((n(p) + n(s)).to_string()));
        if let Some(sh) = &s.history {
            let h = m.history.get_or_insert_with(Default::default);
            for (k, entries) in sh {
                h.entry(k.clone())
                    .or_default()
                    .extend(entries.iter().cloned());
            }
            m.note_key(key::HISTORY);
        }
        if let Some(sd) = s.assoc("deals") {
            let a = m.associations.get_or_insert_with(Default::default);
            let d = a.entry("deals".into()).or_default();
            for x in &sd.entries {
                if !d.contains(&x.id) {
                    d.entries.push(x.clone());
                }
            }
        }
        let mut eng: Vec<Value> = p.section_items(key::ENGAGEMENTS).to_vec();
        eng.extend(s.section_items(key::ENGAGEMENTS).iter().cloned());
        eng.push(json!({"type": "MERGE", "timestamp": MERGE, "secondaryId": s.id}));
        m.set_section(key::ENGAGEMENTS, Value::Array(eng));
        if let Some(Value::Object(ss)) = s.section(key::SUBSCRIPTIONS) {
            let mut subs = as_map(p.section(key::SUBSCRIPTIONS))
                .cloned()
                .unwrap_or_default();
            for (k, v) in ss {
                subs.entry(k.clone()).or_insert_with(|| v.clone());
            }
            m.set_section(key::SUBSCRIPTIONS, Value::Object(subs));
        }
        Ok(MergeStep {
            merged: m,
            decisions: vec![json!({"property": "n", "rule": "sum"})],
            warnings: vec![],
            journal: None,
        })
    }

    fn apply_then_restore_all(mut e: Export, pairs: &[(&str, &str)], format: Format) {
        let original = e.clone();
        let original_bytes = format::write_to_vec(&e, format);
        let plan = crate::plan::tests::plan(pairs);
        let mut w = JournalWriter::new(Vec::new(), 1_709_287_200_000, "most-recent");
        let r = apply_plan(
            &mut e,
            &plan,
            &ApplyOptions::default(),
            rich_merge,
            Some(|a: &crate::plan::Applied<'_>| w.record(a)),
        )
        .unwrap();
        assert_eq!(r.applied, pairs.len());
        assert_ne!(format::write_to_vec(&e, format), original_bytes);
        let j = parse_journal(&w.finish().unwrap(), "j.jsonl").unwrap();
        for en in j.entries.iter().rev() {
            let r = restore(&mut e, &en.primary_id, &en.secondary_id, &j).unwrap();
            assert!(r.conflicts.is_empty() && r.kept.is_empty(), "{r:?}");
        }
        assert_eq!(
            String::from_utf8(format::write_to_vec(&e, format)).unwrap(),
            String::from_utf8(original_bytes).unwrap()
        );
        assert_eq!(e, original);
    }

    #[test]
    fn applying_a_plan_and_restoring_newest_first_gives_the_export_back() {
        let e = export(vec![
            json!({"id": "1", "properties": {"email": "a@x.com", "n": "1", "firstname": "A"},
                   "propertiesWithHistory": {"firstname": [{"value": "A", "timestamp": "1", "sourceType": "CRM_UI"}]},
                   "associations": {"deals": ["10"]},
                   "engagements": [{"id": 1, "type": "NOTE", "timestamp": 1}],
                   "subscriptions": {"a@x.com": [{"id": "s1", "status": "SUBSCRIBED"}]}}),
            json!({"id": 2, "properties": {"email": "b@x.com", "n": "2", "lastname": "B"},
                   "associations": {"deals": {"results": [{"id": "11", "type": "contact_to_deal"}]}},
                   "subscriptions": {"b@x.com": []}}),
            json!({"properties": {"email": "c@x.com", "hs_additional_emails": "c2@x.com"}, "id": "3",
                   "propertiesWithHistory": {"email": [{"value": "c@x.com", "timestamp": "2", "sourceType": "API"}]}}),
            json!({"id": "4", "properties": {"n": null}, "archived": false}),
            json!({"id": "5", "properties": {"hs_merged_object_ids": "50"}}),
            json!({"id": "6", "properties": {}}),
        ]);
        // 2 into 1, 4 into 3, 3 into 1, then 4 (now 1) into 5, then 6
        // into 50 (HubSpot's redirect to 5).
        apply_then_restore_all(
            e,
            &[("1", "2"), ("3", "4"), ("1", "3"), ("5", "4"), ("50", "6")],
            Format::Json,
        );
    }

    #[test]
    fn a_csv_export_comes_back_byte_for_byte() {
        let e = format::read_bytes(
            "\u{feff}Record ID,Email,Additional email addresses,Associated Deal IDs,n\r\n1,a@x.com,,10,1\r\n2,b@x.com,b2@x.com,11;12,2\r\n3,c@x.com,,,\r\n4,,,,4\r\n".as_bytes(),
            Format::Csv,
            "t.csv",
        )
        .unwrap();
        apply_then_restore_all(e, &[("2", "1"), ("3", "4"), ("2", "3")], Format::Csv);
    }
}
