//! The three-way return of a primary to its state before a merge:
//! before (the journal's primary), merged (its result), current (now).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::restore::{count, count_of};
use super::*;
use crate::journal::JournalEntry;
use crate::model::{key, split_multi, AssocList, Associations, Contact, History};
use crate::plan::MERGED_IDS;

/// The primary before the merge, with what changed since kept.
pub(super) fn three_way(
    file: &str,
    entry: &JournalEntry,
    current: &Contact,
) -> Result<(Contact, Vec<Conflict>, Vec<String>), UnmergeError> {
    let (before, merged) = (&entry.primary, &entry.merged);
    if same_content(current, merged) {
        return Ok((before.clone(), Vec::new(), Vec::new()));
    }
    let mut conflicts = Vec::new();
    let mut kept = Vec::new();
    let mut out = before.clone();
    out.properties = properties_three_way(file, entry, current, &mut conflicts)?;

    out.history = if current.history == merged.history {
        before.history.clone()
    } else {
        kept.extend(history_changed(merged, current));
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

    out.key_order = key_order(before, current, &out);
    Ok((out, conflicts, kept))
}

/// The properties of the primary before the merge, with what changed
/// since kept; every property that differs from the journal's merged
/// record is a conflict (SPEC section 5), kept and reported.
fn properties_three_way(
    file: &str,
    entry: &JournalEntry,
    current: &Contact,
    conflicts: &mut Vec<Conflict>,
) -> Result<crate::model::Properties, UnmergeError> {
    let (before, merged) = (&entry.primary, &entry.merged);
    let summed: HashSet<&str> = entry.summed_properties().collect();
    let mut out = crate::model::Properties::default();
    let keys = union_keys(before.properties.keys(), current.properties.keys());
    // A property the merge wrote and that is gone now was removed since:
    // a change after the merge too.
    let removed = (merged.properties.keys())
        .filter(|k| !before.properties.contains_key(*k) && !current.properties.contains_key(*k));
    for name in keys.into_iter().chain(removed) {
        let (b, m, c) = (
            before.properties.get(name),
            merged.properties.get(name),
            current.properties.get(name),
        );
        let result = if c == m {
            b.cloned()
        } else {
            let special = match &**name {
                ADDITIONAL_EMAILS | LEGAL_BASIS => Some(multi_three_way(b, m, c, true)),
                MERGED_IDS => Some(multi_three_way(b, m, c, false)),
                _ if summed.contains(&**name) => {
                    Some(counter_three_way(file, entry, name, current)?)
                }
                _ => None,
            };
            let r = special.unwrap_or_else(|| c.cloned());
            // Changed since the merge (SPEC section 5): kept, and reported,
            // whether or not the merge had changed it. A counter written
            // otherwise (`2.0` for `2`) holds the same count.
            // An empty cell is no value: a CSV column that another merge
            // added holds "" where the journal's record has nothing.
            let same = (summed.contains(&**name) && count(c).ok() == count(m).ok())
                || (is_empty(c) && is_empty(m));
            if !same {
                let text = |v: Option<&Option<String>>| v.cloned().flatten();
                conflicts.push(Conflict {
                    property: name.to_string(),
                    before: text(b),
                    merged: text(m),
                    current: text(c),
                    result: r.clone().flatten(),
                });
            }
            r
        };
        if let Some(v) = result {
            out.insert(name.clone(), v);
        }
    }
    Ok(out)
}

/// No value: absent, null or "".
fn is_empty(v: Option<&Option<String>>) -> bool {
    v.and_then(|v| v.as_deref()).is_none_or(str::is_empty)
}

/// The key order of the result: the keys it has, in the order before the
/// merge, then the current one's.
fn key_order(before: &Contact, current: &Contact, out: &Contact) -> Vec<String> {
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
    order
}

/// Two contacts hold the same data. The key order is left out: a contact
/// read back from the journal lists every key it writes, the one the merge
/// made may list fewer, and both write the same document. Associations
/// compare as written: a merge keeps the secondary's entries as read, so a
/// `{"id", "type"}` entry can sit in a plain id list (written as its id),
/// while the journal gives it back as the id it wrote.
pub(super) fn same_content(a: &Contact, b: &Contact) -> bool {
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
fn union_keys<'a, K, I, J>(before: I, current: J) -> Vec<&'a K>
where
    K: Eq + std::hash::Hash + ?Sized + 'a,
    I: Iterator<Item = &'a K> + Clone,
    J: Iterator<Item = &'a K>,
{
    let seen: HashSet<&K> = before.clone().collect();
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

/// The properties whose history changed after the merge, said once.
fn history_changed(merged: &Contact, current: &Contact) -> Option<String> {
    let empty = History::new();
    let (mh, ch) = (
        merged.history.as_ref().unwrap_or(&empty),
        current.history.as_ref().unwrap_or(&empty),
    );
    let changed: Vec<&str> = union_keys(mh.keys(), ch.keys())
        .into_iter()
        .filter(|k| mh.get(*k) != ch.get(*k))
        .map(|k| &**k)
        .collect();
    (!changed.is_empty()).then(|| {
        format!(
            "{} of {}: changed after the merge; kept the entries added since",
            key::HISTORY,
            changed.join(", ")
        )
    })
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
    let empty = Associations::default();
    let (ba, ma, ca) = (
        before.associations.as_ref().unwrap_or(&empty),
        merged.associations.as_ref().unwrap_or(&empty),
        current.associations.as_ref().unwrap_or(&empty),
    );
    let mut out = Associations::default();
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
        let ids = |l: Option<&AssocList>| -> Vec<String> {
            l.map_or(Vec::new(), |l| {
                l.entries.iter().map(|e| e.id.clone()).collect()
            })
        };
        let (now, then) = (ids(Some(c)), ids(m));
        if now != then {
            // Which ids came and went since the merge, by name.
            let added: Vec<&str> = (now.iter())
                .filter(|id| !then.contains(id))
                .map(String::as_str)
                .collect();
            let removed: Vec<&str> = (then.iter())
                .filter(|id| !now.contains(id))
                .map(String::as_str)
                .collect();
            let mut part = kind.clone();
            for (what, list) in [("added", &added), ("removed", &removed)] {
                if !list.is_empty() {
                    part.push_str(&format!(" ({what} since: {})", list.join(", ")));
                }
            }
            note_kept(&part, b.map_or(0, |b| b.entries.len()), entries.len(), kept);
        }
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

/// A part changed after the merge (it differs from the journal's merged
/// record): its later changes are kept, and said (SPEC section 5).
fn note_kept(part: &str, before: usize, after: usize, kept: &mut Vec<String>) {
    kept.push(format!(
        "{part}: changed after the merge; kept those changes ({}, {before} before the merge)",
        crate::text::count(after, "item", "items")
    ));
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
                if co != mo {
                    kept.push(format!(
                        "{name}: changed after the merge; kept those changes"
                    ));
                }
                Value::Object(o)
            }
            _ => {
                if m != Some(c) {
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

pub(super) fn as_map(v: Option<&Value>) -> Option<&Map<String, Value>> {
    match v {
        Some(Value::Object(o)) => Some(o),
        _ => None,
    }
}
