//! Splitting an additional email off into a new contact (SPEC section 5).

use serde::Serialize;
use serde_json::{Map, Value};

use super::*;
use crate::dates::Millis;
use crate::model::{key, split_multi, Contact, Export, HistoryEntry, Layout};
use crate::plan::MERGED_IDS;
use crate::rules::history::{history_stamp_form, newest_entry_time};
use crate::rules::write_stamp;

/// The source type of the history entry a split writes: the value was set
/// by this command (HubSpot has no source type for it).
pub const SPLIT_SOURCE_TYPE: &str = "UNMERGE";

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
///
/// When the source has a history for `hs_additional_emails`, an entry for
/// the list left (its value, time `at`, `sourceType: "UNMERGE"`) goes in
/// front, so the history's newest entry is the current value (SPEC section
/// 4, "Consistency of the merged record").
pub fn split_off(
    export: &mut Export,
    id: &str,
    email: &str,
    new_id: Option<&str>,
    at: Millis,
) -> Result<SplitReport, UnmergeError> {
    let idx = contact_index(export, id)?;
    let wanted = email.trim();
    let (additional, spelled) = additional_email(&export.contacts[idx], id, wanted)?;
    // The new contact's email may be no other contact's primary email.
    let holder = (export.contacts.iter()).find(|c| {
        c.id != id
            && c.prop(EMAIL)
                .is_some_and(|e| e.trim().eq_ignore_ascii_case(wanted))
    });
    if let Some(holder) = holder {
        return Err(UnmergeError::EmailOfAnother {
            id: id.into(),
            email: spelled,
            holder: holder.id.clone(),
        });
    }
    let new_id = choose_new_id(export, new_id)?;
    let csv = matches!(export.layout, Layout::Csv(_));
    let source = &mut export.contacts[idx];
    let moved = take_email(source, &additional, wanted);
    record_additional_emails(source, at);
    let subscriptions_moved = moved.is_some();
    let new = new_contact(source, &new_id, &spelled, csv, moved);
    export.contacts.insert(idx + 1, new);
    Ok(SplitReport {
        id: id.into(),
        email: spelled,
        new_id,
        new_index: idx + 1,
        subscriptions_moved,
    })
}

/// The contact's additional emails, and `wanted` as they spell it;
/// refused when it is the primary email or not one of them.
fn additional_email(
    source: &Contact,
    id: &str,
    wanted: &str,
) -> Result<(String, String), UnmergeError> {
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
    Ok((additional, spelled))
}

/// The new contact's id: the one given (not empty, not in use), else the
/// next free one.
fn choose_new_id(export: &Export, new_id: Option<&str>) -> Result<String, UnmergeError> {
    match new_id.map(str::trim) {
        Some("") => Err(UnmergeError::EmptyNewId),
        Some(n) => match (number_written_otherwise(n), id_use(export, n)) {
            (Some(number), _) => Err(UnmergeError::NumberWrittenOtherwise {
                new_id: n.into(),
                number,
            }),
            (None, Some(used)) => Err(UnmergeError::IdInUse {
                new_id: n.into(),
                used,
            }),
            (None, None) => Ok(n.to_string()),
        },
        None => Ok(next_free_id(export)),
    }
}

/// The number a `--new-id` names when it is a whole number written other
/// than HubSpot writes its ids (`0105`, `+105`, `105.0`): HubSpot reads it
/// as that number, which the check against ids in use (text) would miss.
fn number_written_otherwise(n: &str) -> Option<String> {
    let unsigned = n.strip_prefix('+').unwrap_or(n);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit());
    if !digits || !fraction.bytes().all(|b| b == b'0') {
        return None;
    }
    let number = match whole.trim_start_matches('0') {
        "" => "0",
        rest => rest,
    };
    (number != n).then(|| number.to_string())
}

/// Remove the email (any spelling) from the source's additional emails;
/// the others keep their order and spelling, and the list its separator.
/// Its subscription set, if it has one, is taken out and given back.
fn take_email(source: &mut Contact, additional: &str, wanted: &str) -> Option<(String, Value)> {
    let sep = if additional.contains("; ") { "; " } else { ";" };
    let rest: Vec<&str> = split_multi(additional)
        .filter(|item| !item.eq_ignore_ascii_case(wanted))
        .collect();
    let rest = rest.join(sep);
    source.set_prop(ADDITIONAL_EMAILS, Some(rest));

    match source.sections.get_mut(key::SUBSCRIPTIONS) {
        Some(Value::Object(subs)) => {
            let k = subs
                .keys()
                .find(|k| k.trim().eq_ignore_ascii_case(wanted))
                .cloned();
            k.and_then(|k| subs.shift_remove_entry(&k))
        }
        _ => None,
    }
}

/// Put the entry for the additional emails left in front of their history,
/// when they have one. Its time is `at`, or the newest entry's when that is
/// later (a clock behind the history's), so that it stays the newest; its
/// timestamp is written in the form the history's timestamps use.
fn record_additional_emails(source: &mut Contact, at: Millis) {
    if source.history_of(ADDITIONAL_EMAILS).is_empty() {
        return;
    }
    let value = source
        .prop(ADDITIONAL_EMAILS)
        .unwrap_or_default()
        .to_string();
    let newest = newest_entry_time(source, ADDITIONAL_EMAILS).ok().flatten();
    let time = newest.map_or(at, |n| n.max(at));
    let form = history_stamp_form(source, source);
    let mut m = Map::new();
    m.insert("value".into(), Value::String(value));
    m.insert("timestamp".into(), write_stamp(time, form));
    m.insert("sourceType".into(), Value::String(SPLIT_SOURCE_TYPE.into()));
    if let Some(entries) = source
        .history
        .as_mut()
        .and_then(|h| h.get_mut(ADDITIONAL_EMAILS))
    {
        entries.insert(0, HistoryEntry(m));
    }
}

/// The new contact: `email`, `hs_object_id` when the source has it (or
/// the export is CSV), in the source's property and key order, with the
/// subscription set that moved.
fn new_contact(
    source: &Contact,
    new_id: &str,
    spelled: &str,
    csv: bool,
    moved: Option<(String, Value)>,
) -> Contact {
    let mut new = Contact::new(new_id.to_string());
    new.id_is_number = source.id_is_number && new_id.parse::<u64>().is_ok();
    // A v1 contact's split-off email becomes a v1 contact too.
    new.v1 = source.v1.as_ref().map(|_| Box::default());
    let with_object_id = csv || source.properties.contains_key(OBJECT_ID);
    for name in source.properties.keys() {
        match &**name {
            OBJECT_ID if with_object_id => new.set_prop(OBJECT_ID, Some(new_id.to_string())),
            EMAIL => new.set_prop(EMAIL, Some(spelled.to_string())),
            _ => {}
        }
    }
    new.set_prop(EMAIL, Some(spelled.to_string()));
    if with_object_id {
        new.set_prop(OBJECT_ID, Some(new_id.to_string()));
    }
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
                || (source.v1.is_some() && k.as_str() == crate::format::V1_ID)
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
    new
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{self, Format};

    use crate::plan::tests::export;
    use serde_json::json;

    /// 2024-06-01T00:00:00Z.
    const T: Millis = 1_717_200_000_000;

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
        let r = split_off(&mut e, "5", " b@X.com ", None, T).unwrap();
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
        split_off(&mut e, "5", "c@x.com", Some("700"), T).unwrap();
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
        let r = split_off(&mut e, "1", "b@x.com", None, T).unwrap();
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
            split_off(e, id, email, new_id, T).unwrap_err().to_string()
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
            "contact 12 is not in the export: it was merged into contact 9 (its hs_merged_object_ids lists 12); name 9 instead"
        );
        assert_eq!(
            err(&mut e, "404", "q@x.com", None),
            "contact 404 is not in the export; check the id"
        );
        // Another contact's primary email: HubSpot keeps an email to one
        // contact (an independent review found a second one made).
        let mut taken = e.clone();
        taken.contacts[1].set_prop("email", Some("D@x.com".into()));
        assert_eq!(
            err(&mut taken, "5", "d@x.com", None),
            "d@x.com is already the primary email of contact 9; splitting it off 5 would make a second contact with that email, which HubSpot does not allow (an email is one contact's): merge 9 and 5 instead, or take d@x.com out of 5's hs_additional_emails by hand if it is no longer theirs"
        );
        assert_eq!(
            err(&mut e, "5", "c@x.com", Some("9")),
            "the new id 9 is already the id of contact 9; choose another --new-id, or leave it out to take the next free id"
        );
        assert!(err(&mut e, "5", "c@x.com", Some("3"))
            .contains("already a merged-away id (in the hs_merged_object_ids of contact 9)"));
        assert!(err(&mut e, "5", "b@x.com", Some("012"))
            .contains("--new-id 012: HubSpot's record ids are numbers, so 012 is id 12 there"));
        for (given, id) in [
            ("+12", "12"),
            ("12.0", "12"),
            ("+012.00", "12"),
            ("00", "0"),
        ] {
            assert!(
                err(&mut e, "5", "b@x.com", Some(given))
                    .contains(&format!("so {given} is id {id} there")),
                "{given}"
            );
        }
        assert_eq!(number_written_otherwise("12"), None);
        assert_eq!(number_written_otherwise("12.5"), None);
        assert_eq!(number_written_otherwise("abc"), None);
        assert_eq!(number_written_otherwise("+"), None);
        assert!(err(&mut e, "5", "c@x.com", Some(" ")).starts_with("the new id is empty"));
        assert_eq!(e, before);
    }

    #[test]
    fn split_off_puts_the_emails_left_in_front_of_their_history() {
        let history = |newest: &str| {
            export(vec![json!({"id": "5",
                "properties": {"email": "a@x.com", "hs_additional_emails": "b@x.com;c@x.com"},
                "propertiesWithHistory": {"hs_additional_emails": [
                    {"value": "b@x.com;c@x.com", "timestamp": newest, "sourceType": "MERGE_CONTACTS"}]}})])
        };
        // The entry takes the split's time...
        let mut e = history("2024-01-02T03:04:05.000Z");
        split_off(&mut e, "5", "b@x.com", None, T).unwrap();
        let entries: Vec<Value> = e.contacts[0]
            .history_of(ADDITIONAL_EMAILS)
            .iter()
            .map(|h| Value::Object(h.0.clone()))
            .collect();
        assert_eq!(
            entries,
            [
                json!({"value": "c@x.com", "timestamp": "2024-06-01T00:00:00.000Z", "sourceType": "UNMERGE"}),
                json!({"value": "b@x.com;c@x.com", "timestamp": "2024-01-02T03:04:05.000Z", "sourceType": "MERGE_CONTACTS"}),
            ]
        );
        // ... or the newest entry's, when the history is ahead of it; the
        // last email gone leaves an empty value, as HubSpot records a
        // cleared one.
        let mut e = history("1767225600000");
        split_off(&mut e, "5", "b@x.com", None, T).unwrap();
        split_off(&mut e, "5", "c@x.com", None, T).unwrap();
        let values: Vec<(&str, &Value)> = e.contacts[0]
            .history_of(ADDITIONAL_EMAILS)
            .iter()
            .map(|h| (h.value().unwrap(), &h.0["timestamp"]))
            .collect();
        assert_eq!(
            values,
            [
                ("", &json!("1767225600000")),
                ("c@x.com", &json!("1767225600000")),
                ("b@x.com;c@x.com", &json!("1767225600000")),
            ]
        );
        // No history, no entry: the new contact and a contact without one.
        assert!(e.contacts[1].history.is_none());
        let mut e = split_export();
        split_off(&mut e, "5", "b@x.com", None, T).unwrap();
        assert!(e.contacts[0].history.is_none());
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
}
