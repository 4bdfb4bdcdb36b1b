//! Restoring a merge from the journal: the secondary back as it was, the
//! primary to its state before the merge (SPEC section 5).

use std::collections::HashSet;

use serde::Serialize;

use super::three_way::{same_content, three_way};
use super::*;
use crate::format::csv::{Column, CsvLayout};
use crate::journal::{merges_in_order, Journal, JournalEntry};
use crate::model::{split_multi, Contact, Export, Layout};
use crate::plan::MERGED_IDS;

/// A property the restore could not return to its value before the merge,
/// because it changed after the merge (it differs from the journal's
/// merged record), whether or not the merge had changed it.
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
/// The entry used is the journal's merge of `secondary_id` into `id`; when
/// it records that merge more than once, the one the export holds, and
/// when the export cannot tell records apart that would restore
/// differently, the restore is refused ([`UnmergeError::AmbiguousEntry`]).
/// A later entry that merged something else into either contact, or merged
/// either away, must be restored first (restores go newest first); a later
/// merge counts as restored once its secondary is back in the export. A
/// later entry made on contacts without this merge (another run from the
/// same input into the same journal) is not in the way.
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
/// position it had just before the merge (`secondaryIndex`, counted again
/// for merges since that still stand: [`place_to_restore`]), or right
/// after the primary when the journal does not say or the export is now
/// shorter. Restoring every merge of a plan, newest first or, for merges
/// that do not touch each other, in any order, gives back the export as
/// it was. The primary returns to its state before the merge,
/// three-way (before = the journal's primary, merged = the journal's
/// result, current = the contact now):
/// - a property still holding the merged value returns to its value before
///   the merge (and is removed when it had none); one changed since keeps
///   its current value and is reported as a conflict, whether or not the
///   merge had changed it; when more than half of the merged record's
///   properties changed, the entry describes another export and is
///   refused ([`UnmergeError::OtherContact`]);
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
    let k = merge_to_restore(export, &merges, journals, id, secondary_id)?;
    let (journal, entry) = merges[k];
    let file = &journal.file;
    let at = place_to_restore(export, &merges, k);
    let later_merges: Vec<(&Journal, &JournalEntry)> = merges[k + 1..]
        .iter()
        .filter(|(_, later)| !made_without(later, entry))
        .copied()
        .collect();
    same_value_forms(export, file, entry)?;
    let pi = primary_to_restore(export, file, entry, &later_merges, id, secondary_id)?;
    describes(export, pi, file, entry, &later_merges)?;
    check_counters(file, entry)?;
    same_contact(&export.contacts[pi], file, entry)?;
    let (mut restored, conflicts, kept) = three_way(file, entry, &export.contacts[pi])?;
    email_is_free(export, pi, file, entry)?;
    let mut secondary = entry.secondary.clone();
    if matches!(export.layout, Layout::Csv(_)) {
        // CSV rows have no key order; the journal's JSON gave them one.
        restored.key_order.clear();
        secondary.key_order.clear();
    }
    export.contacts[pi] = restored;
    let at = at.filter(|&i| i <= export.contacts.len()).unwrap_or(pi + 1);
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

/// Where the secondary of merge `k` goes back, when the journals say: its
/// place in the export before the first of `merges`, less one for each
/// other merge's secondary that came before it there and is still merged
/// away (not back in the export). Restoring merges out of order then puts
/// every contact where restoring them newest first would; newest first it
/// is the place the journal recorded. Each merge's place counts the
/// export as that merge saw it: replayed in order, they give each
/// secondary's place before the first merge. When they cannot be replayed
/// (a place the journal does not give, a contact merged away twice: two
/// runs on copies of one export), the recorded place is taken as it is.
fn place_to_restore(
    export: &Export,
    merges: &[(&Journal, &JournalEntry)],
    k: usize,
) -> Option<usize> {
    let recorded = merges[k].1.secondary_index?;
    let first_places = || {
        let mut gone = crate::plan::Fenwick::new(export.contacts.len() + merges.len());
        let mut seen = HashSet::new();
        let mut places = Vec::with_capacity(merges.len());
        for (_, e) in merges {
            let at = gone.nth_unmarked(e.secondary_index?)?;
            if !seen.insert(e.secondary_id.as_str()) {
                return None;
            }
            gone.add(at);
            places.push(at);
        }
        Some(places)
    };
    let Some(places) = first_places() else {
        return Some(recorded);
    };
    let here: HashSet<&str> = export.contacts.iter().map(|c| c.id.as_str()).collect();
    let still_gone_before = (merges.iter().zip(&places).enumerate())
        .filter(|&(j, ((_, e), &at))| {
            j != k && at < places[k] && !here.contains(e.secondary_id.as_str())
        })
        .count();
    Some(places[k] - still_gone_before)
}

/// An email the merge gave the primary that has left it since (split off
/// into a contact of its own, or moved to another) must not be on another
/// contact when the secondary comes back with it: one email on two
/// contacts is what HubSpot never holds. Emails the primary had before the
/// merge, or still has, are as the export had them before (two contacts
/// with one email are what a dedupe merges), and are not looked for.
fn email_is_free(
    export: &Export,
    pi: usize,
    file: &str,
    entry: &JournalEntry,
) -> Result<(), UnmergeError> {
    let norm = |e: &str| e.trim().to_lowercase();
    let of = |c: &Contact| c.emails().iter().map(|e| norm(e)).collect::<Vec<_>>();
    let (before, now) = (of(&entry.primary), of(&export.contacts[pi]));
    let moved: Vec<String> = (of(&entry.secondary).into_iter())
        .filter(|e| !before.contains(e) && !now.contains(e))
        .collect();
    if moved.is_empty() {
        return Ok(());
    }
    let others = export.contacts.iter().enumerate().filter(|(i, _)| *i != pi);
    for (_, c) in others {
        if let Some(email) = c.emails().into_iter().find(|e| moved.contains(&norm(e))) {
            return Err(UnmergeError::EmailTaken(Box::new(EmailTaken {
                file: file.into(),
                line: entry.line,
                id: entry.primary_id.clone(),
                secondary: entry.secondary_id.clone(),
                email,
                holder: c.id.clone(),
            })));
        }
    }
    Ok(())
}

/// Where the merge of `secondary_id` into `id` to restore stands in
/// `merges`: the journals' only one, or, when they record that merge more
/// than once (a run repeated into the same journal, a preview then the
/// real run), the one this export holds. Its primary is the merge's result
/// ([`same_content`]), or else it still holds what that merge added and
/// no other could have (its merge event and history entries, stamped with
/// the merge time). Merges that would all restore the same way are one:
/// the last is used. When the export cannot tell merges apart that would
/// restore differently, the restore is refused, naming them.
fn merge_to_restore(
    export: &Export,
    merges: &[(&Journal, &JournalEntry)],
    journals: &[Journal],
    id: &str,
    secondary_id: &str,
) -> Result<usize, UnmergeError> {
    let found: Vec<usize> = (0..merges.len())
        .filter(|&k| merges[k].1.primary_id == id && merges[k].1.secondary_id == secondary_id)
        .collect();
    let Some(&last) = found.last() else {
        return Err(UnmergeError::NoJournalEntry {
            journals: journals.iter().map(|j| j.file.clone()).collect(),
            id: id.into(),
            secondary: secondary_id.into(),
            merges_into: merges
                .iter()
                .filter(|(_, e)| e.primary_id == id)
                .map(|(j, e)| (j.file.clone(), e.line, e.secondary_id.clone()))
                .collect(),
            secondary_into: merges
                .iter()
                .filter(|(_, e)| e.secondary_id == secondary_id)
                .map(|(j, e)| (j.file.clone(), e.line, e.primary_id.clone()))
                .collect(),
        });
    };
    // Without the primary, or with the secondary back, there is nothing to
    // choose by: the checks that follow say why (on the last one).
    let Some(primary) = export.position(id).map(|i| &export.contacts[i]) else {
        return Ok(last);
    };
    if found.len() == 1 || export.position(secondary_id).is_some() {
        return Ok(last);
    }
    let entry = |k: usize| merges[k].1;
    let result: Vec<usize> = (found.iter().copied())
        .filter(|&k| same_content(primary, &entry(k).merged))
        .collect();
    let traced: Vec<usize> = (found.iter().copied())
        .filter(|&k| still_holds(primary, entry(k)))
        .collect();
    let could = [result, traced]
        .into_iter()
        .find(|c| !c.is_empty())
        .unwrap_or(found);
    let chosen = *could.last().expect("never empty");
    if could
        .iter()
        .all(|&k| restores_alike(entry(k), entry(chosen)))
    {
        return Ok(chosen);
    }
    Err(UnmergeError::AmbiguousEntry {
        id: id.into(),
        secondary: secondary_id.into(),
        entries: could
            .iter()
            .map(|&k| {
                (
                    merges[k].0.file.clone(),
                    entry(k).line,
                    entry(k).merge_time.clone(),
                )
            })
            .collect(),
    })
}

/// Two records of one merge that restore it the same way: the same
/// contacts before and after, the same summed counters, the same place.
fn restores_alike(a: &JournalEntry, b: &JournalEntry) -> bool {
    a.primary == b.primary
        && a.secondary == b.secondary
        && a.merged == b.merged
        && a.secondary_index == b.secondary_index
        && a.summed_properties().eq(b.summed_properties())
}

/// The contact still holds what the merge in `entry` added to the list
/// parts (engagements with the merge event, visits, ...) and to the
/// property history (entries stamped with the merge time): a later merge,
/// or a restore of one, keeps them; a record of the same pair merged at
/// another time added others.
fn still_holds(contact: &Contact, entry: &JournalEntry) -> bool {
    let (before, merged) = (&entry.primary, &entry.merged);
    let history_kept = merged.history.iter().flatten().all(|(name, entries)| {
        let had = before.history.as_ref().and_then(|h| h.get(name));
        let now = contact.history.as_ref().and_then(|h| h.get(name));
        (entries.iter())
            .filter(|e| !had.is_some_and(|had| had.contains(e)))
            .all(|e| now.is_some_and(|now| now.contains(e)))
    });
    let lists_kept = merged.sections.iter().all(|(name, m)| {
        let serde_json::Value::Array(items) = m else {
            return true;
        };
        let list = |c: &Contact| match c.sections.get(name) {
            Some(serde_json::Value::Array(a)) => a.clone(),
            _ => Vec::new(),
        };
        let (had, now) = (list(before), list(contact));
        (items.iter())
            .filter(|x| !had.contains(x))
            .all(|x| now.contains(x))
    });
    history_kept && lists_kept
}

/// A merge recorded after `entry` that was made on contacts without that
/// merge: it took something into the same primary, and the primary's
/// `hs_merged_object_ids` did not list `entry`'s secondary yet. It was
/// made on another copy of the export (a preview and the real run into
/// one journal), or after `entry` was restored, and does not stand in the
/// way of restoring `entry` from this export. (A later merge that took the
/// primary away stands in the way only while the primary is gone, and
/// then nothing can be restored: it is not looked at here.)
fn made_without(later: &JournalEntry, entry: &JournalEntry) -> bool {
    later.primary_id == entry.primary_id
        && !merged_ids(&later.primary).any(|m| m == entry.secondary_id)
}

/// The position of the primary, when the merge in `entry` can be restored:
/// no later merge of either contact still stands, the secondary is not
/// back already, and the primary is in the export.
fn primary_to_restore(
    export: &Export,
    file: &str,
    entry: &JournalEntry,
    later_merges: &[(&Journal, &JournalEntry)],
    id: &str,
    secondary_id: &str,
) -> Result<usize, UnmergeError> {
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
            file: file.into(),
            line: entry.line,
            id: id.into(),
            secondary: secondary_id.into(),
            later,
        });
    }
    if export.position(secondary_id).is_some() {
        return Err(UnmergeError::AlreadyPresent {
            file: file.into(),
            line: entry.line,
            id: id.into(),
            secondary: secondary_id.into(),
        });
    }
    // A later merge that took the primary away, recorded in a journal
    // given, was named above (restore it first).
    export
        .position(id)
        .ok_or_else(|| match absorber_of(export, id) {
            Some(into) => UnmergeError::PrimaryMergedAway {
                file: file.into(),
                line: entry.line,
                id: id.into(),
                secondary: secondary_id.into(),
                into: into.into(),
            },
            None => UnmergeError::UnknownContact {
                id: id.into(),
                merged_into: vec![],
            },
        })
}

/// The ids a contact's `hs_merged_object_ids` list.
pub(super) fn merged_ids(c: &Contact) -> impl Iterator<Item = &str> {
    split_multi(c.prop(MERGED_IDS).unwrap_or(""))
}

/// The journal entry describes the primary as the export holds it: its
/// `hs_merged_object_ids` list the secondary, and every id they list that
/// the merge did not leave there was added by a later merge into it in the
/// journals given (one not given would leave ids no journal explains).
/// What else changed since the merge is the three-way's to keep.
/// The journal's merge was made on an export that writes its values the
/// way this one does (a spreadsheet's labels and date forms, or the API's
/// internal values): restoring a JSON export's record into a CSV export
/// would write JSON's values into it. Journals from before the format was
/// recorded are not checked.
fn same_value_forms(export: &Export, file: &str, entry: &JournalEntry) -> Result<(), UnmergeError> {
    let here = crate::journal::format_name(crate::format::Format::of_layout(&export.layout));
    match entry.format.as_deref() {
        Some(there) if !crate::journal::same_value_forms(there, here) => {
            Err(UnmergeError::OtherFormat {
                file: file.into(),
                line: entry.line,
                journal_format: there.into(),
                format: here.into(),
            })
        }
        _ => Ok(()),
    }
}

pub(super) fn describes(
    export: &Export,
    pi: usize,
    file: &str,
    entry: &JournalEntry,
    later: &[(&Journal, &JournalEntry)],
) -> Result<(), UnmergeError> {
    let primary = &export.contacts[pi];
    // No such property at all: the export was saved without it (a CSV
    // without its "Merged object IDs" column), not another export.
    let missing = !primary.properties.contains_key(MERGED_IDS)
        && entry.merged.properties.contains_key(MERGED_IDS);
    if missing {
        return Err(UnmergeError::NoMergedIds {
            file: file.into(),
            line: entry.line,
            id: entry.primary_id.clone(),
        });
    }
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

/// The primary now is the contact the journal's merge wrote, changed in
/// fewer than half of its properties: when more than half of the merged
/// record's properties with a value (`hs_object_id` and
/// `hs_merged_object_ids` left out: [`describes`] looked at those; summed
/// counters too: they go up as the contact is used, and
/// [`check_counters`] and the three-way check them) differ
/// now, the entry was written on another export, or another copy of it,
/// with the same ids (a preview, another run), and is refused. Fewer
/// changes are the three-way's to keep and report.
fn same_contact(primary: &Contact, file: &str, entry: &JournalEntry) -> Result<(), UnmergeError> {
    let summed: HashSet<&str> = entry.summed_properties().collect();
    let written = (entry.merged.properties.iter())
        .filter(|(name, _)| !matches!(&***name, OBJECT_ID | MERGED_IDS))
        .filter(|(name, _)| !summed.contains(&***name))
        .filter_map(|(name, v)| Some((name, v.as_deref().filter(|v| !v.is_empty())?)));
    let mut total = 0;
    let mut differing = Vec::new();
    for (name, merged) in written {
        total += 1;
        let now = primary.prop(name);
        if now != Some(merged) {
            differing.push((
                name.to_string(),
                merged.to_string(),
                now.map(str::to_string),
            ));
        }
    }
    if differing.len() * 2 <= total {
        return Ok(());
    }
    Err(UnmergeError::OtherContact(Box::new(OtherContact {
        file: file.into(),
        line: entry.line,
        id: entry.primary_id.clone(),
        secondary: entry.secondary_id.clone(),
        differing,
        total,
    })))
}

/// A counter's value: a whole number of 0 or more, optionally written with
/// a zero fraction (`3`, `3.0`), as the merge reads it; empty or absent
/// counts 0. Up to 2^128 − 1, so any value a 64-bit counter can sum to is
/// exact.
pub(super) fn count(v: Option<&Option<String>>) -> Result<u128, &'static str> {
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
pub(super) fn count_of(
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
pub(super) fn check_counters(file: &str, entry: &JournalEntry) -> Result<(), Box<CounterError>> {
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
            !before.properties.contains_key(name.as_str())
                && contacts.iter().all(|c| c.prop(name).is_none())
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
                    c.properties.shift_remove(name.as_str());
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
