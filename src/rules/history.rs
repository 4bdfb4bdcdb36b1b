//! The merged contact's property history: both records' past values,
//! newest first, and the email's merge entry.

use foldhash::HashSet;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};

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
/// history records what was set, the rules decide what is kept): the merge
/// then adds an entry for the current value
/// ([`super::consistency::current_value_entries`]), after the email's merge
/// entry ([`email_merge_history_entry`]).
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
    // Exact duplicates by a set of the entries kept, not a search of them:
    // a property with thousands of entries (an email after thousands of
    // merges) stays linear.
    let pairs = RandomState::new();
    let mut kept: HashSet<SameEntry<'_>> =
        HashSet::with_capacity_and_hasher(all.len(), Default::default());
    Ok(all
        .into_iter()
        .filter(|(_, e)| kept.insert(SameEntry(&e.0, &pairs)))
        .map(|(_, e)| e.clone())
        .collect())
}

/// A history entry as the union compares them: equal as JSON objects are
/// (whatever the order of their keys). Hashed as the sum of its key-value
/// pairs' hashes, which the order does not change either (`serde_json`'s
/// own hash of an object sorts its keys, an allocation per entry).
struct SameEntry<'a>(&'a Map<String, Value>, &'a RandomState);

impl PartialEq for SameEntry<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for SameEntry<'_> {}

impl Hash for SameEntry<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let sum = self
            .0
            .iter()
            .fold(0u64, |sum, pair| sum.wrapping_add(self.1.hash_one(pair)));
        state.write_usize(self.0.len());
        state.write_u64(sum);
    }
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

/// When the contact's current value of a property was first set: the time
/// of the oldest history entry that holds it (a value set once and entered
/// again later, e.g. by a merge, was set at the first). Without such an
/// entry, the newest entry's time ([`newest_entry_time`]).
pub fn current_value_first_set(c: &Contact, prop: &str) -> Result<Option<Millis>, MergeError> {
    let current = c.prop(prop);
    let mut first = None;
    for e in c.history_of(prop) {
        if current.is_some() && e.value() == current {
            if let Some(t) = entry_time(c, prop, e)? {
                first = Some(first.map_or(t, |f: Millis| f.min(t)));
            }
        }
    }
    match first {
        Some(t) => Ok(Some(t)),
        None => newest_entry_time(c, prop),
    }
}

/// A history entry a merge added: the property it belongs to, then the
/// entry's keys as the merged contact holds them (`value`, `timestamp`,
/// `sourceType`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AddedHistory {
    pub property: String,
    #[serde(flatten)]
    pub entry: Map<String, Value>,
}

/// The entries of the merged contact's history that neither contact had:
/// the ones the merge added (the email's merge entry, the entries for the
/// current values), in the merged history's order (by property, newest
/// first). Empty when the merged contact has no history.
pub fn added_entries(p: &Contact, s: &Contact, merged: &Contact) -> Vec<AddedHistory> {
    let Some(history) = &merged.history else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // A set of both contacts' entries, as the union keeps them (linear for
    // thousands of entries a side, as the union is).
    let pairs = RandomState::new();
    for (prop, entries) in history {
        let had: HashSet<SameEntry<'_>> = p
            .history_of(prop)
            .iter()
            .chain(s.history_of(prop))
            .map(|e| SameEntry(&e.0, &pairs))
            .collect();
        for e in entries {
            if !had.contains(&SameEntry(&e.0, &pairs)) {
                out.push(AddedHistory {
                    property: prop.clone(),
                    entry: e.0.clone(),
                });
            }
        }
    }
    out
}

/// The email history's merge entry (value: P's email, timestamp: the merge
/// time, or the newest email entry's time if that is later, `sourceType:
/// MERGE_CONTACTS`), due only when S's email was set more
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
    // The merge entry is the newest, even with a merge time older than the
    // history (a `--merge-time` in the past): then it takes the newest
    // entry's time (SPEC section 4, "Consistency of the merged record").
    let newest = newest_entry_time(p, EMAIL)?.max(newest_entry_time(s, EMAIL)?);
    let time = newest.map_or(merge_time, |n| n.max(merge_time));
    let mut m = Map::new();
    m.insert("value".into(), Value::String(pe.to_string()));
    m.insert("timestamp".into(), write_stamp(time, form));
    m.insert("sourceType".into(), Value::String(MERGE_SOURCE_TYPE.into()));
    Ok(Some(HistoryEntry(m)))
}

/// The form of the history timestamps: the email's first, else any
/// property's, P's before S's.
pub(crate) fn history_stamp_form(p: &Contact, s: &Contact) -> StampForm {
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
    fn added_entries_are_the_merged_entries_neither_side_had() {
        let p = with_history(contact("1", &[]), "phone", &[("p1", "2022-01-01")]);
        let s = with_history(contact("2", &[]), "phone", &[("s1", "2023-01-01")]);
        let mut merged = with_history(
            contact("1", &[]),
            "phone",
            &[
                ("p1", "2024-06-01"),
                ("s1", "2023-01-01"),
                ("p1", "2022-01-01"),
            ],
        );
        let added = added_entries(&p, &s, &merged);
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].property, "phone");
        assert_eq!(added[0].entry["timestamp"], "2024-06-01");
        assert_eq!(
            serde_json::to_value(&added[0]).unwrap(),
            serde_json::json!({"property": "phone", "value": "p1", "timestamp": "2024-06-01", "sourceType": "CRM_UI"})
        );
        merged.history = None;
        assert!(added_entries(&p, &s, &merged).is_empty());
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

    /// A history entry from JSON text.
    fn entry(json: &str) -> HistoryEntry {
        match serde_json::from_str(json).expect("test JSON") {
            Value::Object(m) => HistoryEntry(m),
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn duplicates_are_equal_objects_whatever_their_key_order() {
        let mut p = contact("1", &[]);
        p.history = Some(History::from([(
            "a".to_string(),
            vec![
                entry(r#"{"value":"x","timestamp":"2024-01-01","sourceType":"API"}"#),
                entry(r#"{"value":"y","timestamp":"2023-01-01","sourceType":"API"}"#),
            ],
        )]));
        let mut s = contact("2", &[]);
        s.history = Some(History::from([(
            "a".to_string(),
            vec![
                // The same as P's first, keys in another order: dropped.
                entry(r#"{"sourceType":"API","timestamp":"2024-01-01","value":"x"}"#),
                // Another source, or a number for a string: kept.
                entry(r#"{"value":"x","timestamp":"2024-01-01","sourceType":"CRM_UI"}"#),
                entry(r#"{"value":1,"timestamp":"2023-01-01","sourceType":"API"}"#),
                entry(r#"{"value":"1","timestamp":"2023-01-01","sourceType":"API"}"#),
                entry(r#"{"value":1,"timestamp":"2023-01-01","sourceType":"API"}"#),
            ],
        )]));
        let h = merged_history(&p, &s).unwrap().unwrap();
        let got: Vec<String> = h["a"]
            .iter()
            .map(|e| Value::Object(e.0.clone()).to_string())
            .collect();
        assert_eq!(
            got,
            [
                r#"{"value":"x","timestamp":"2024-01-01","sourceType":"API"}"#,
                r#"{"value":"x","timestamp":"2024-01-01","sourceType":"CRM_UI"}"#,
                r#"{"value":"y","timestamp":"2023-01-01","sourceType":"API"}"#,
                r#"{"value":1,"timestamp":"2023-01-01","sourceType":"API"}"#,
                r#"{"value":"1","timestamp":"2023-01-01","sourceType":"API"}"#,
            ]
        );
    }

    #[test]
    fn same_entry_hashes_alike_what_compares_equal() {
        let state = RandomState::new();
        let hash = |json: &str| {
            let e = entry(json);
            state.hash_one(SameEntry(&e.0, &state))
        };
        let a = hash(r#"{"value":"x","timestamp":1,"n":{"a":1,"b":[1,2]}}"#);
        assert_eq!(
            a,
            hash(r#"{"n":{"b":[1,2],"a":1},"timestamp":1,"value":"x"}"#)
        );
        assert_ne!(
            a,
            hash(r#"{"value":"x","timestamp":2,"n":{"a":1,"b":[1,2]}}"#)
        );
        // Numbers keep their digits (ids are text), so 0.0 and -0.0 are two
        // values: they hash alike exactly when they compare equal.
        let (z, nz) = (entry(r#"{"v":0.0}"#), entry(r#"{"v":-0.0}"#));
        assert_eq!(z.0 == nz.0, hash(r#"{"v":0.0}"#) == hash(r#"{"v":-0.0}"#));
    }

    /// The union as it was computed before sets: a search of the entries
    /// kept per entry.
    fn union_by_search(mut all: Vec<(Option<Millis>, HistoryEntry)>) -> Vec<HistoryEntry> {
        all.sort_by(|(a, _), (b, _)| match (a, b) {
            (Some(a), Some(b)) => b.cmp(a),
            (a, b) => b.is_some().cmp(&a.is_some()),
        });
        let mut out: Vec<HistoryEntry> = Vec::new();
        for (_, e) in all {
            if !out.contains(&e) {
                out.push(e);
            }
        }
        out
    }

    #[test]
    fn union_agrees_with_a_search_of_the_entries_kept() {
        let mut rng = crate::gen::Rng::new(7);
        let stamps = [
            "2024-01-01",
            "2024-01-01T00:00:00Z",
            "1704067200000",
            "2023-05-01",
        ];
        for _ in 0..500 {
            let side = |rng: &mut crate::gen::Rng| -> Vec<HistoryEntry> {
                (0..rng.below(8))
                    .map(|_| {
                        let mut m = Map::new();
                        m.insert(
                            "value".into(),
                            Value::String(rng.pick(&["a", "b"]).to_string()),
                        );
                        if rng.chance(0.9) {
                            m.insert(
                                "timestamp".into(),
                                Value::String(rng.pick(&stamps).to_string()),
                            );
                        }
                        if rng.chance(0.5) {
                            m.insert(
                                "sourceType".into(),
                                Value::String(rng.pick(&["API", "CRM_UI"]).to_string()),
                            );
                        }
                        if rng.chance(0.3) {
                            // The same keys in another order.
                            m.sort_keys();
                        }
                        HistoryEntry(m)
                    })
                    .collect()
            };
            let (pe, se) = (side(&mut rng), side(&mut rng));
            let (mut p, mut s) = (contact("1", &[]), contact("2", &[]));
            p.history = Some(History::from([("a".to_string(), pe.clone())]));
            s.history = Some(History::from([("a".to_string(), se.clone())]));
            let timed = |c: &Contact, es: &[HistoryEntry]| -> Vec<(Option<Millis>, HistoryEntry)> {
                es.iter()
                    .map(|e| (entry_time(c, "a", e).unwrap(), e.clone()))
                    .collect()
            };
            let mut all = timed(&p, &pe);
            all.extend(timed(&s, &se));
            let h = merged_history(&p, &s).unwrap().unwrap();
            let want = if se.is_empty() {
                pe.clone()
            } else {
                union_by_search(all)
            };
            match h.get("a") {
                Some(got) => assert_eq!(got, &want, "{pe:?} {se:?}"),
                None => assert!(want.is_empty()),
            }
        }
    }
}
