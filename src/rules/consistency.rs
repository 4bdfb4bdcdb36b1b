//! Consistency of the merged record (SPEC section 4): the merged contact
//! agrees with itself.
//!
//! - `createdAt` (metadata) and the `createdate` property are one fact: both
//!   get the oldest of the (up to) four values of both contacts, each written
//!   in its own form. A part neither contact has is not added.
//! - Where a property has a history, its newest entry is the current value:
//!   when the merged value is not what the merged history's newest entry
//!   says, an entry for it is added in front.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value};

use super::history::{history_stamp_form, newest_entry_time, MERGE_SOURCE_TYPE};
use super::seen::Seen;
use super::{raw, write_stamp, Decision, Side, StampForm};
use crate::dates::{format_date, parse_date, DateForm, Millis, RecordDate, RecordDates};
use crate::error::MergeError;
use crate::hubspot::property::CREATE_DATE;
use crate::model::{key, Contact, History, HistoryEntry};

/// One of the two places a contact says when it was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// The `createdate` property.
    Property,
    /// The `createdAt` metadata.
    Metadata,
}

/// When the contact says it was created, in one place; `None` when that
/// place is missing or blank. A value that is not a date refuses the merge.
fn created_in(dates: &RecordDates, place: Place) -> Result<Option<Millis>, MergeError> {
    let date = match place {
        Place::Property => RecordDate::CreateDate,
        Place::Metadata => RecordDate::CreatedAt,
    };
    match dates.written(date) {
        None => Ok(None),
        Some(Ok(ms)) => Ok(Some(*ms)),
        Some(Err(e)) => Err(MergeError::BadDate {
            record: dates.contact().id.clone(),
            property: date.field().into(),
            value: e.value.clone(),
        }),
    }
}

/// When each contact says it was created, in each place: by side (P, S),
/// then by place (property, metadata); read in that order (the first bad
/// date refuses the merge).
struct Created([[Option<Millis>; 2]; 2]);

impl Created {
    fn of(p: &RecordDates, s: &RecordDates) -> Result<Self, MergeError> {
        let mut times = [[None; 2]; 2];
        for (side, dates) in [p, s].into_iter().enumerate() {
            for (i, place) in [Place::Property, Place::Metadata].into_iter().enumerate() {
                times[side][i] = created_in(dates, place)?;
            }
        }
        Ok(Created(times))
    }

    fn at(&self, side: Side, place: Place) -> Option<Millis> {
        self.0[side as usize][place as usize]
    }

    /// The oldest instant of the four; `None` when none has a value.
    fn oldest(&self) -> Option<Millis> {
        self.0.iter().flatten().flatten().copied().min()
    }

    /// The first side (P before S) whose value in `place` is the instant `t`.
    fn side_at(&self, place: Place, t: Millis) -> Option<Side> {
        [Side::Primary, Side::Secondary]
            .into_iter()
            .find(|&side| self.at(side, place) == Some(t))
    }
}

/// The oldest creation instant of both contacts, over `createdate` and
/// `createdAt` of each; `None` when none of the four has a value.
pub fn oldest_creation_time(p: &Contact, s: &Contact) -> Result<Option<Millis>, MergeError> {
    let created = Created::of(&RecordDates::new(p), &RecordDates::new(s))?;
    Ok(created.oldest())
}

/// Rule "createdate-oldest": the oldest creation instant of both contacts,
/// `createdAt` included (one fact). When a `createdate` holds it, that
/// side's text is kept (P's on a tie); when only a `createdAt` does, it is
/// written in the form the `createdate` values use (P's, else S's; ISO 8601
/// when neither has one).
pub fn oldest_create_date(p: &Seen, s: &Seen) -> Result<Decision, MergeError> {
    const RULE: &str = "createdate-oldest";
    let take = |side, why: Cow<'static, str>| Decision::take(CREATE_DATE, p, s, side, RULE, why);
    let created = Created::of(p.dates(), s.dates())?;
    let Some(t) = created.oldest() else {
        return Ok(take(
            Side::Primary,
            "neither contact has a create date".into(),
        ));
    };
    if let Some(side) = created.side_at(Place::Property, t) {
        let other = match side {
            Side::Primary => Side::Secondary,
            Side::Secondary => Side::Primary,
        };
        let why = match created.at(other, Place::Property) {
            Some(o) if o == t => "both are the same time; the primary's is kept".into(),
            Some(o) => why!(
                "the {}'s {} is earlier than {}",
                side.name(),
                iso(t),
                iso(o)
            ),
            None => why!("the oldest creation time of both contacts ({})", iso(t)),
        };
        return Ok(take(side, why));
    }
    let form = [p, s]
        .into_iter()
        .find_map(|c| c.prop(CREATE_DATE).and_then(|v| parse_date(v).ok()))
        .map_or(DateForm::Iso, |(_, form)| form);
    let from = created.side_at(Place::Metadata, t).unwrap_or(Side::Primary);
    Ok(Decision::new(
        CREATE_DATE,
        Some(format_date(t, form)),
        RULE,
        why!(
            "the {}'s createdAt {} is older than both createdate values; createdAt and createdate are one fact",
            from.name(),
            iso(t)
        ),
    ))
}

/// `createdAt`: the oldest creation instant of both contacts, `createdate`
/// included (one fact). When a `createdAt` holds it, that side's value is
/// kept as written (P's on a tie); when only a `createdate` does, it is
/// written as ISO 8601 text, as HubSpot writes `createdAt`. `None` (no
/// `createdAt` is added) when neither contact has one.
pub fn oldest_created_at(p: &Contact, s: &Contact) -> Result<Option<Value>, MergeError> {
    let has = |c: &Contact| c.section(key::CREATED_AT).is_some();
    if !has(p) && !has(s) {
        return Ok(None);
    }
    let created = Created::of(&RecordDates::new(p), &RecordDates::new(s))?;
    let Some(t) = created.oldest() else {
        // Both blank (or null): P's as it is, else S's.
        let side = if has(p) { p } else { s };
        return Ok(side.section(key::CREATED_AT).cloned());
    };
    Ok(match created.side_at(Place::Metadata, t) {
        Some(side) => side.pick(p, s).section(key::CREATED_AT).cloned(),
        None => Some(Value::String(iso(t))),
    })
}

fn iso(t: Millis) -> String {
    format_date(t, DateForm::Iso)
}

/// The history entries that make the merged contact's history agree with
/// its values: for each property with a history whose newest entry is not
/// the merged value, one entry `{value, timestamp, sourceType:
/// MERGE_CONTACTS}`, to go in front of that history.
///
/// The timestamp is when the value was set on the side it came from
/// (SPEC section 2: its history, else `lastmodifieddate` / `updatedAt`,
/// else the create date), when that is no older than the history's newest
/// entry. Otherwise (the rules kept an older value: primary-wins, the
/// oldest create date, the furthest lifecycle stage, ...; or a value the
/// merge made, like a sum or a list of ids) the value became current by the
/// merge: the merge time, or the newest entry's time if the merge time is
/// older than that (so the entry stays the newest). Written in the form the
/// property's timestamps use. A property without a value (missing or
/// `null`) gets no entry.
pub fn current_value_entries(
    p: &Seen,
    s: &Seen,
    history: &History,
    decisions: &[Decision],
    merge_time: Millis,
) -> Result<Vec<(String, HistoryEntry)>, MergeError> {
    let mut out = Vec::new();
    let mut decided: Option<HashMap<&str, &Decision>> = None;
    for (prop, entries) in history {
        let Some(newest) = entries.first() else {
            continue;
        };
        // The merged value: the decision's, else P's as stored (the merge
        // applies decisions onto P's properties).
        let decided = decided
            .get_or_insert_with(|| decisions.iter().map(|d| (d.property.as_str(), d)).collect());
        let current = match decided.get(prop.as_str()) {
            Some(d) => d.merged.as_deref(),
            None => p.properties.get(prop.as_str()).and_then(Option::as_deref),
        };
        let Some(current) = current else {
            continue;
        };
        if newest.value() == Some(current) {
            continue;
        }
        let side = [Side::Primary, Side::Secondary]
            .into_iter()
            .find(|side| raw(side.pick(p, s), prop).as_deref() == Some(current));
        let set = match side {
            Some(side) => side.pick(p, s).value_time(prop)?,
            None => None,
        };
        let newest_time = newest_entry_time(p, prop)?.max(newest_entry_time(s, prop)?);
        let time = match (set, newest_time) {
            (Some(t), Some(n)) if t >= n => t,
            (Some(t), None) => t,
            (_, n) => n.map_or(merge_time, |n| n.max(merge_time)),
        };
        let form = entries
            .iter()
            .find_map(|e| e.0.get("timestamp").and_then(StampForm::of))
            .unwrap_or_else(|| history_stamp_form(p, s));
        let mut m = Map::new();
        m.insert("value".into(), Value::String(current.to_string()));
        m.insert("timestamp".into(), write_stamp(time, form));
        m.insert("sourceType".into(), Value::String(MERGE_SOURCE_TYPE.into()));
        out.push((prop.clone(), HistoryEntry(m)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
