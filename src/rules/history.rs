//! The merged contact's property history: both records' past values,
//! newest first, and the email's merge entry.

use serde_json::{Map, Value};

use super::{write_stamp, StampForm};
use crate::dates::{parse_millis, Millis};
use crate::error::MergeError;
use crate::model::{Contact, History, HistoryEntry};

/// HubSpot's source type for a value set by a merge.
pub const MERGE_SOURCE_TYPE: &str = "MERGE_CONTACTS";

/// The history of both contacts, per property: the union of their entries,
/// newest first by parsed timestamp (stable: equal times keep P's entries
/// first; entries without a timestamp go last), exact duplicates dropped.
/// A property only one contact has history for keeps that history as it
/// is. `None` when neither contact has `propertiesWithHistory`.
///
/// The result can show a newest entry that is not the merged value (the
/// history records what was set, the rules decide what is kept); only the
/// email gets a merge entry ([`email_merge_history_entry`]).
pub fn merged_history(p: &Contact, s: &Contact) -> Result<Option<History>, MergeError> {
    if p.history.is_none() && s.history.is_none() {
        return Ok(None);
    }
    let empty = History::new();
    let (ph, sh) = (
        p.history.as_ref().unwrap_or(&empty),
        s.history.as_ref().unwrap_or(&empty),
    );
    let mut out = History::with_capacity(ph.len() + sh.len());
    for (prop, pe) in ph {
        let se = s.history_of(prop);
        let merged = if se.is_empty() {
            pe.clone()
        } else {
            union_newest_first(p, s, prop, pe, se)?
        };
        out.insert(prop.clone(), merged);
    }
    for (prop, se) in sh {
        if !out.contains_key(prop) {
            out.insert(prop.clone(), se.clone());
        }
    }
    Ok(Some(out))
}

fn union_newest_first(
    p: &Contact,
    s: &Contact,
    prop: &str,
    pe: &[HistoryEntry],
    se: &[HistoryEntry],
) -> Result<Vec<HistoryEntry>, MergeError> {
    let mut all: Vec<(Option<Millis>, &HistoryEntry)> = Vec::with_capacity(pe.len() + se.len());
    for (c, entries) in [(p, pe), (s, se)] {
        for e in entries {
            all.push((entry_time(c, prop, e)?, e));
        }
    }
    all.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(a), Some(b)) => b.cmp(a),
        (a, b) => b.is_some().cmp(&a.is_some()),
    });
    let mut out: Vec<HistoryEntry> = Vec::with_capacity(all.len());
    for (_, e) in all {
        if !out.contains(e) {
            out.push(e.clone());
        }
    }
    Ok(out)
}

/// When one history entry was made; `None` without a timestamp.
fn entry_time(c: &Contact, prop: &str, e: &HistoryEntry) -> Result<Option<Millis>, MergeError> {
    match e.timestamp() {
        None => Ok(None),
        Some(ts) => parse_millis(&ts)
            .map(Some)
            .map_err(|_| MergeError::BadDate {
                record: c.id.clone(),
                property: format!("propertiesWithHistory.{prop} timestamp"),
                value: ts,
            }),
    }
}

/// The time of the newest history entry of a property, if it has any.
pub fn newest_entry_time(c: &Contact, prop: &str) -> Result<Option<Millis>, MergeError> {
    let mut newest = None;
    for e in c.history_of(prop) {
        if let Some(t) = entry_time(c, prop, e)? {
            newest = Some(newest.map_or(t, |n: Millis| n.max(t)));
        }
    }
    Ok(newest)
}

/// The email history's merge entry (value: P's email, timestamp: the merge
/// time, `sourceType: MERGE_CONTACTS`), due only when S's email was set more
/// recently than P's; otherwise the history keeps P's original source.
///
/// Decisions of ours: no entry when P has no email (S's email simply becomes
/// the primary email, its history already says where it came from) or S has
/// none (nothing was merged into the email), and no entry when neither
/// contact has `propertiesWithHistory` (a contact without history, e.g. one
/// read from CSV, gets none made up). The timestamp is written in the form
/// the existing history timestamps use (a JSON number, epoch milliseconds
/// text, ISO 8601, ...), ISO 8601 when there are none.
pub fn email_merge_history_entry(
    p: &Contact,
    s: &Contact,
    merge_time: Millis,
) -> Result<Option<HistoryEntry>, MergeError> {
    const EMAIL: &str = "email";
    let (Some(pe), Some(_)) = (p.prop(EMAIL), s.prop(EMAIL)) else {
        return Ok(None);
    };
    if p.history.is_none() && s.history.is_none() {
        return Ok(None);
    }
    let tp = crate::dates::value_time(p, EMAIL)?;
    let ts = crate::dates::value_time(s, EMAIL)?;
    if ts <= tp {
        return Ok(None);
    }
    let form = history_stamp_form(p, s);
    let mut m = Map::new();
    m.insert("value".into(), Value::String(pe.to_string()));
    m.insert("timestamp".into(), write_stamp(merge_time, form));
    m.insert("sourceType".into(), Value::String(MERGE_SOURCE_TYPE.into()));
    Ok(Some(HistoryEntry(m)))
}

/// The form of the history timestamps: the email's first, else any
/// property's, P's before S's.
fn history_stamp_form(p: &Contact, s: &Contact) -> StampForm {
    let email = [p, s].into_iter().flat_map(|c| c.history_of("email"));
    let any = [p, s]
        .into_iter()
        .flat_map(|c| c.history.iter().flat_map(|h| h.values().flatten()));
    email
        .chain(any)
        .find_map(|e| e.0.get("timestamp").and_then(StampForm::of))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testutil::{contact, with_history};

    fn values(h: &[HistoryEntry]) -> Vec<&str> {
        h.iter().map(|e| e.value().unwrap()).collect()
    }

    #[test]
    fn no_history_on_either_side_stays_none() {
        assert_eq!(
            merged_history(&contact("1", &[]), &contact("2", &[])).unwrap(),
            None
        );
    }

    #[test]
    fn histories_merge_newest_first_in_any_date_form() {
        let p = with_history(
            contact("1", &[]),
            "phone",
            &[
                ("p2", "2024-03-01T10:00:00.000Z"),
                ("p1", "2022-01-01 10:00"),
            ],
        );
        let s = with_history(
            contact("2", &[]),
            "phone",
            &[("s2", "1704067200000"), ("s1", "2020-01-01")],
        );
        let s = with_history(s, "city", &[("X", "2020-01-01")]);
        let h = merged_history(&p, &s).unwrap().unwrap();
        assert_eq!(values(&h["phone"]), ["p2", "s2", "p1", "s1"]);
        assert_eq!(values(&h["city"]), ["X"]);
        let keys: Vec<_> = h.keys().collect();
        assert_eq!(keys, ["phone", "city"]);
    }

    #[test]
    fn equal_times_keep_primary_first_and_duplicates_are_dropped() {
        let p = with_history(
            contact("1", &[]),
            "a",
            &[("p", "2024-01-01"), ("same", "2023-01-01")],
        );
        let s = with_history(
            contact("2", &[]),
            "a",
            &[("s", "2024-01-01"), ("same", "2023-01-01")],
        );
        let h = merged_history(&p, &s).unwrap().unwrap();
        assert_eq!(values(&h["a"]), ["p", "s", "same"]);
    }

    #[test]
    fn history_of_one_side_only_is_kept() {
        let s = with_history(
            contact("2", &[]),
            "a",
            &[("s", "bad date is not looked at")],
        );
        let h = merged_history(&contact("1", &[]), &s).unwrap().unwrap();
        assert_eq!(values(&h["a"]), ["s"]);
    }

    #[test]
    fn bad_history_timestamp_is_refused_when_sorting() {
        let p = with_history(contact("1", &[]), "a", &[("p", "2024-01-01")]);
        let s = with_history(contact("2", &[]), "a", &[("s", "tuesday")]);
        let e = merged_history(&p, &s).unwrap_err();
        assert_eq!(
            e,
            MergeError::BadDate {
                record: "2".into(),
                property: "propertiesWithHistory.a timestamp".into(),
                value: "tuesday".into()
            }
        );
    }

    const T: Millis = 1_709_287_200_000; // 2024-03-01T10:00:00Z

    #[test]
    fn merge_entry_only_when_secondary_email_is_newer() {
        let p = with_history(
            contact("1", &[("email", "a@x.com")]),
            "email",
            &[("a@x.com", "2020-01-01T00:00:00.000Z")],
        );
        let s = with_history(
            contact("2", &[("email", "b@x.com")]),
            "email",
            &[("b@x.com", "2023-01-01T00:00:00.000Z")],
        );
        let e = email_merge_history_entry(&p, &s, T).unwrap().unwrap();
        assert_eq!(e.value(), Some("a@x.com"));
        assert_eq!(e.timestamp().as_deref(), Some("2024-03-01T10:00:00.000Z"));
        assert_eq!(e.source_type(), Some("MERGE_CONTACTS"));
        assert_eq!(email_merge_history_entry(&s, &p, T).unwrap(), None);
    }

    #[test]
    fn merge_entry_uses_the_histories_timestamp_form() {
        let p = with_history(
            contact("1", &[("email", "a@x.com")]),
            "email",
            &[("a@x.com", "1577836800000")],
        );
        let mut s = contact(
            "2",
            &[("email", "b@x.com"), ("lastmodifieddate", "2023-01-01")],
        );
        s.history = Some(History::new());
        let e = email_merge_history_entry(&p, &s, T).unwrap().unwrap();
        assert_eq!(e.timestamp().as_deref(), Some("1709287200000"));
        // A JSON number stays a number.
        let mut p = p;
        p.history.as_mut().unwrap()["email"][0]
            .0
            .insert("timestamp".into(), Value::from(1_577_836_800_000_i64));
        let e = email_merge_history_entry(&p, &s, T).unwrap().unwrap();
        assert_eq!(e.0["timestamp"], Value::from(T));
    }

    #[test]
    fn no_merge_entry_without_history_or_emails() {
        let p = contact(
            "1",
            &[("email", "a@x.com"), ("lastmodifieddate", "2020-01-01")],
        );
        let s = contact(
            "2",
            &[("email", "b@x.com"), ("lastmodifieddate", "2024-01-01")],
        );
        assert_eq!(email_merge_history_entry(&p, &s, T).unwrap(), None);
        let p = with_history(contact("1", &[]), "email", &[("", "2020-01-01")]);
        assert_eq!(email_merge_history_entry(&p, &s, T).unwrap(), None);
    }

    #[test]
    fn newest_entry_time_reads_history_only() {
        let c = contact("1", &[("lastmodifieddate", "2024-01-01")]);
        assert_eq!(newest_entry_time(&c, "a").unwrap(), None);
        let c = with_history(c, "a", &[("x", "2020-01-01"), ("y", "2021-01-01")]);
        assert_eq!(
            newest_entry_time(&c, "a").unwrap(),
            Some(crate::dates::parse_millis("2021-01-01").unwrap())
        );
    }
}
