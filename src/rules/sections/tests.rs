//! The section rules: timeline, lists, workflows, subscriptions, visits,
//! forms, usertokens, dates, associations, Salesforce.

use super::*;
use crate::rules::consistency::oldest_created_at;
use crate::rules::testutil::{api, contact, with_section};
use serde_json::json;

const T: Millis = 1_709_287_200_000; // 2024-03-01T10:00:00Z

fn assoc(c: Contact, kind: &str, ids: &[&str]) -> Contact {
    let mut c = c;
    c.associations
        .get_or_insert_with(Associations::default)
        .insert(
            kind.into(),
            AssocList::plain(ids.iter().map(|s| s.to_string())),
        );
    c
}

fn ids(l: &AssocList) -> Vec<&str> {
    l.ids().collect()
}

#[test]
fn companies_stay_the_primarys_and_secondarys_are_reported() {
    let p = assoc(contact("1", &[]), "companies", &["A"]);
    let s = assoc(contact("2", &[]), "companies", &["B", "A"]);
    let (list, change) = primary_companies(&p, &s);
    assert_eq!(ids(&list.unwrap()), ["A"]);
    let change = change.unwrap();
    assert_eq!(
        (change.kept, change.dropped),
        (vec!["A".to_string()], vec!["B".to_string()])
    );
    assert_eq!(
        primary_companies(&contact("1", &[]), &contact("2", &[])),
        (None, None)
    );
    // The secondary's companies do not come over even when P has none.
    let (list, change) = primary_companies(&contact("1", &[]), &s);
    assert_eq!(list, None);
    assert_eq!(change.unwrap().dropped, ["B", "A"]);
}

#[test]
fn deals_and_tickets_are_all_kept_deduplicated() {
    let p = assoc(contact("1", &[]), "deals", &["d1", "d2"]);
    let s = assoc(contact("2", &[]), "deals", &["d2", "d3"]);
    let (list, change) = all_deals_and_tickets(&p, &s, "deals");
    assert_eq!(ids(&list.unwrap()), ["d1", "d2", "d3"]);
    let change = change.unwrap();
    assert_eq!(change.added, ["d3"]);
    assert!(
        change.note.contains("no company association"),
        "{}",
        change.note
    );
}

/// HubSpot's API lists a deal once per association type (a label): each
/// of P's stays, and S's entries are repeats only under the same type or
/// as a plain id (until 2026-12-07 every entry after the first of an id
/// was dropped, P's own labelled ones too).
#[test]
fn a_deal_under_two_association_types_stays_twice() {
    let text = r#"[{"id":"1","properties":{},"associations":{"deals":{"results":[{"id":"5","type":"contact_to_deal"},{"id":"5","type":"decision_maker"},{"id":"7","type":"contact_to_deal"}]}}},
                   {"id":"2","properties":{},"associations":{"deals":{"results":[{"id":"6","type":"contact_to_deal"},{"id":"6","type":"contact_to_deal_unlabeled"},{"id":"5","type":"contact_to_deal"},{"id":"5","type":"champion"}]}}},
                   {"id":"3","properties":{},"associations":{"deals":["7","8"]}}]"#;
    let e = crate::format::json::read(text.as_bytes(), "t.json").unwrap();
    let (p, s, plain) = (&e.contacts[0], &e.contacts[1], &e.contacts[2]);
    let (list, change) = all_deals_and_tickets(p, s, "deals");
    let list = list.unwrap();
    let typed: Vec<(&str, &str)> = (list.entries.iter())
        .map(|e| (e.id.as_str(), e.raw["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        typed,
        [
            ("5", "contact_to_deal"),
            ("5", "decision_maker"),
            ("7", "contact_to_deal"),
            ("6", "contact_to_deal"),
            ("6", "contact_to_deal_unlabeled"),
            ("5", "champion"),
        ]
    );
    let change = change.unwrap();
    assert_eq!(
        (change.kept, change.added),
        (vec!["5".to_string(), "7".into()], vec!["6".to_string()])
    );
    // A plain id is the deal under any type: a repeat of a typed one.
    let (list, change) = all_deals_and_tickets(p, plain, "deals");
    assert_eq!(ids(&list.unwrap()), ["5", "5", "7", "8"]);
    assert_eq!(change.unwrap().added, ["8"]);
}

#[test]
fn associations_keep_the_primarys_form_and_the_secondarys_entries() {
    let text = r#"[{"id":"1","properties":{},"associations":{"deals":{"results":[{"id":"9","type":"contact_to_deal"}],"paging":null},"companies":["A"]}},
                   {"id":"2","properties":{},"associations":{"deals":["10"],"tickets":["t1"],"companies":["B"]}}]"#;
    let e = crate::format::json::read(text.as_bytes(), "t.json").unwrap();
    let (p, s) = (&e.contacts[0], &e.contacts[1]);
    let (a, changes) = merged_associations(p, s);
    let a = a.unwrap();
    let kinds: Vec<_> = a.keys().collect();
    assert_eq!(kinds, ["deals", "companies", "tickets"]);
    assert_eq!(a["deals"].form, p.assoc("deals").unwrap().form);
    assert_eq!(ids(&a["deals"]), ["9", "10"]);
    assert_eq!(ids(&a["companies"]), ["A"]);
    assert_eq!(ids(&a["tickets"]), ["t1"]);
    let sections: Vec<_> = changes.iter().map(|c| c.section.as_str()).collect();
    assert_eq!(sections, ["deals", "companies", "tickets"]);
}

#[test]
fn no_associations_stay_none() {
    assert_eq!(
        merged_associations(&contact("1", &[]), &contact("2", &[])),
        (None, vec![])
    );
    let s = assoc(contact("2", &[]), "companies", &["B"]);
    let (a, changes) = merged_associations(&contact("1", &[]), &s);
    assert_eq!(a, None);
    assert_eq!(changes[0].dropped, ["B"]);
}

#[test]
fn timeline_merges_oldest_first_with_one_merge_event() {
    let p = with_section(
        contact("1", &[]),
        key::ENGAGEMENTS,
        r#"[{"id":"e3","type":"NOTE","timestamp":1709000000000},{"id":"e1","type":"CALL","timestamp":1600000000000}]"#,
    );
    let s = with_section(
        contact("2", &[]),
        key::ENGAGEMENTS,
        r#"[{"id":"e2","type":"EMAIL","timestamp":1650000000000},{"id":"e1","type":"CALL","timestamp":1600000000000}]"#,
    );
    let o = combined_timeline(&p, &s, T).unwrap();
    let v = o.value.unwrap();
    let ids: Vec<_> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.get("id").cloned())
        .collect();
    assert_eq!(
        ids,
        [
            Some(json!("e1")),
            Some(json!("e2")),
            Some(json!("e3")),
            None
        ]
    );
    assert_eq!(
        v[3],
        json!({"type": "MERGE", "timestamp": T, "secondaryId": "2"})
    );
    let c = o.change.unwrap();
    assert_eq!(
        (c.kept, c.added),
        (vec!["e3".to_string(), "e1".into()], vec!["e2".to_string()])
    );
    assert!(c.note.starts_with("1 MERGE event added"), "{}", c.note);
}

#[test]
fn a_call_and_a_note_of_one_id_are_two_activities() {
    let p = with_section(
        contact("1", &[]),
        key::ENGAGEMENTS,
        r#"[{"id":5,"type":"NOTE","timestamp":1600000000000}]"#,
    );
    let s = with_section(
        contact("2", &[]),
        key::ENGAGEMENTS,
        r#"[{"id":5,"type":"CALL","timestamp":1650000000000},{"id":5,"type":"NOTE","timestamp":1600000000000}]"#,
    );
    let v = combined_timeline(&p, &s, T).unwrap().value.unwrap();
    let kinds: Vec<_> = (v.as_array().unwrap().iter())
        .map(|i| i["type"].as_str().unwrap().to_string())
        .collect();
    // S's call is kept; S's copy of P's note is not repeated.
    assert_eq!(kinds, ["NOTE", "CALL", "MERGE"]);
}

#[test]
fn timeline_timestamps_in_text_and_merge_event_in_their_form() {
    let p = with_section(
        contact("1", &[]),
        key::ENGAGEMENTS,
        r#"[{"id":"a","timestamp":"2024-03-05T00:00:00.000Z"},{"id":"b","timestamp":"2024-01-01 10:00"}]"#,
    );
    let mut s = api(contact("2", &[]));
    s.id_is_number = true;
    let v = combined_timeline(&p, &s, T).unwrap().value.unwrap();
    let stamps: Vec<_> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["timestamp"].clone())
        .collect();
    assert_eq!(
        stamps,
        [
            json!("2024-01-01 10:00"),
            json!("2024-03-01T10:00:00.000Z"),
            json!("2024-03-05T00:00:00.000Z")
        ]
    );
    assert_eq!(v[1]["secondaryId"], json!(2));
}

#[test]
fn timeline_gets_a_merge_event_for_api_contacts_only() {
    let (p, s) = (api(contact("1", &[])), api(contact("2", &[])));
    let v = combined_timeline(&p, &s, T).unwrap().value.unwrap();
    assert_eq!(
        v,
        json!([{"type": "MERGE", "timestamp": "2024-03-01T10:00:00.000Z", "secondaryId": "2"}])
    );
    let o = combined_timeline(&contact("1", &[]), &contact("2", &[]), T).unwrap();
    assert_eq!(o, SectionOutcome::default());
}

#[test]
fn timeline_refuses_bad_timestamp() {
    let s = with_section(
        contact("2", &[]),
        key::ENGAGEMENTS,
        r#"[{"id":"x","timestamp":"noon"}]"#,
    );
    let e = combined_timeline(&api(contact("1", &[])), &s, T).unwrap_err();
    assert_eq!(
        e,
        MergeError::BadDate {
            record: "2".into(),
            property: "engagements timestamp".into(),
            value: "noon".into()
        }
    );
}

#[test]
fn lists_keep_primarys_and_name_active_ones() {
    let p = with_section(
        contact("1", &[]),
        key::LIST_MEMBERSHIPS,
        r#"[{"listId":"1","type":"STATIC"},{"listId":"12","type":"ACTIVE"}]"#,
    );
    let s = with_section(
        contact("2", &[]),
        key::LIST_MEMBERSHIPS,
        r#"[{"listId":"3","type":"STATIC"},{"listId":"14","type":"ACTIVE"},{"listId":"1","type":"STATIC"}]"#,
    );
    let o = primary_list_memberships(&p, &s);
    assert_eq!(o.value.as_ref(), p.section(key::LIST_MEMBERSHIPS));
    let c = o.change.unwrap();
    assert_eq!(c.dropped, ["3", "14"]);
    assert_eq!(
        c.note,
        "the secondary is removed from its static lists: 3; active lists need re-evaluation: 12, 14"
    );
    assert_eq!(
        primary_list_memberships(&contact("1", &[]), &contact("2", &[])),
        SectionOutcome::default()
    );
}

#[test]
fn workflows_keep_primarys_and_mark_them_with_enroll_on_merge() {
    let p = with_section(contact("1", &[]), key::WORKFLOWS, r#"["w1", 7]"#);
    let s = with_section(
        contact("2", &[]),
        key::WORKFLOWS,
        r#"[{"workflowId":"w9"},"w1"]"#,
    );
    let o = primary_workflows(&p, &s, false);
    assert_eq!(o.value, Some(json!(["w1", 7])));
    let c = o.change.unwrap();
    assert_eq!(
        (c.kept.clone(), c.dropped.clone()),
        (vec!["w1".to_string(), "7".into()], vec!["w9".to_string()])
    );
    assert!(c.note.contains("not enrolled"), "{}", c.note);
    let c = primary_workflows(&p, &s, true).change.unwrap();
    assert!(c.note.ends_with("newly changed: w1, 7"), "{}", c.note);
}

#[test]
fn subscriptions_stay_per_email() {
    let p = with_section(
        contact("1", &[]),
        key::SUBSCRIPTIONS,
        r#"{"a@x.com":[{"id":"1","status":"SUBSCRIBED"}]}"#,
    );
    let s = with_section(
        contact("2", &[]),
        key::SUBSCRIPTIONS,
        r#"{"b@x.com":[{"id":"1","status":"NOT_SUBSCRIBED"}],"A@x.com":[]}"#,
    );
    let o = subscriptions_per_email(&p, &s);
    assert_eq!(
        o.value,
        Some(
            json!({"a@x.com":[{"id":"1","status":"SUBSCRIBED"}],"b@x.com":[{"id":"1","status":"NOT_SUBSCRIBED"}]})
        )
    );
    let c = o.change.unwrap();
    assert_eq!(
        (c.added, c.dropped),
        (vec!["b@x.com".to_string()], vec!["A@x.com".to_string()])
    );
    // Only S has subscriptions: they come over.
    let o = subscriptions_per_email(&api(contact("1", &[])), &s);
    assert_eq!(o.value.unwrap().as_object().unwrap().len(), 2);
}

#[test]
fn an_email_both_contacts_have_keeps_every_opt_out() {
    let p = with_section(
        contact("1", &[]),
        key::SUBSCRIPTIONS,
        r#"{"a@x.com":[{"id":"1","status":"SUBSCRIBED"},{"id":"2","status":"NOT_SUBSCRIBED"}]}"#,
    );
    let s = with_section(
        contact("2", &[]),
        key::SUBSCRIPTIONS,
        r#"{"A@x.com":[{"id":"1","status":"NOT_SUBSCRIBED","legalBasis":"LEGITIMATE_INTEREST_CLIENT"},{"id":"2","status":"SUBSCRIBED"},{"id":"3","status":"SUBSCRIBED"}]}"#,
    );
    let o = subscriptions_per_email(&p, &s);
    assert_eq!(
        o.value,
        Some(json!({"a@x.com":[
            {"id":"1","status":"NOT_SUBSCRIBED","legalBasis":"LEGITIMATE_INTEREST_CLIENT"},
            {"id":"2","status":"NOT_SUBSCRIBED"},
            {"id":"3","status":"SUBSCRIBED"}
        ]}))
    );
    let c = o.change.unwrap();
    assert!(c.dropped.is_empty(), "{:?}", c.dropped);
    assert!(
        c.note.contains("a@x.com: 1 NOT_SUBSCRIBED (the secondary's opt-out), 3 SUBSCRIBED (only the secondary's)"),
        "{}",
        c.note
    );
}

#[test]
fn visits_forms_and_usertokens_are_all_kept() {
    let p = with_section(
        contact("1", &[]),
        key::VISITS,
        r#"[{"timestamp":1,"url":"/a"}]"#,
    );
    let p = with_section(p, key::USERTOKENS, r#"["u1","u2"]"#);
    let s = with_section(
        contact("2", &[]),
        key::VISITS,
        r#"[{"timestamp":1,"url":"/a"},{"timestamp":2}]"#,
    );
    let s = with_section(s, key::USERTOKENS, r#"["u2","u3"]"#);
    let s = with_section(
        s,
        key::FORM_SUBMISSIONS,
        r#"[{"formId":"f","timestamp":3}]"#,
    );
    assert_eq!(
        all_visits(&p, &s).value,
        Some(json!([{"timestamp":1,"url":"/a"},{"timestamp":2}]))
    );
    let o = all_usertokens(&p, &s);
    assert_eq!(o.value, Some(json!(["u1", "u2", "u3"])));
    assert_eq!(o.change.unwrap().added, ["u3"]);
    let o = all_form_submissions(&p, &s);
    assert_eq!(o.value, Some(json!([{"formId":"f","timestamp":3}])));
    assert_eq!(
        all_visits(&contact("1", &[]), &contact("2", &[])),
        SectionOutcome::default()
    );
}

#[test]
fn a_list_section_that_is_not_a_list_keeps_the_primarys() {
    let p = with_section(contact("1", &[]), key::VISITS, r#"{"odd":true}"#);
    let s = with_section(contact("2", &[]), key::VISITS, r#"[{"timestamp":2}]"#);
    let o = all_visits(&p, &s);
    assert_eq!(o.value, Some(json!({"odd": true})));
    assert_eq!(o.change.unwrap().dropped, [r#"[{"timestamp":2}]"#]);
}

#[test]
fn metadata_oldest_created_latest_updated() {
    let p = with_section(
        contact("1", &[]),
        key::CREATED_AT,
        r#""2024-01-01T00:00:00Z""#,
    );
    let p = with_section(p, key::UPDATED_AT, r#""2024-01-01T00:00:00Z""#);
    let s = with_section(
        contact("2", &[]),
        key::CREATED_AT,
        r#""2023-01-01T00:00:00Z""#,
    );
    let s = with_section(s, key::UPDATED_AT, r#""2025-01-01T00:00:00Z""#);
    assert_eq!(
        oldest_created_at(&p, &s).unwrap(),
        Some(json!("2023-01-01T00:00:00Z"))
    );
    assert_eq!(
        latest_updated_at(&p, &s).unwrap(),
        Some(json!("2025-01-01T00:00:00Z"))
    );
    assert_eq!(
        latest_updated_at(&s, &p).unwrap(),
        Some(json!("2025-01-01T00:00:00Z"))
    );
    assert_eq!(
        oldest_created_at(&contact("1", &[]), &contact("2", &[])).unwrap(),
        None
    );
    let bad = with_section(contact("3", &[]), key::CREATED_AT, r#""yesterday""#);
    assert!(matches!(
        oldest_created_at(&p, &bad),
        Err(MergeError::BadDate { .. })
    ));
}

#[test]
fn unknown_sections_keep_the_primarys() {
    let p = with_section(contact("1", &[]), "archived", "false");
    let p = with_section(p, "extra", r#"{"a":1}"#);
    let s = with_section(contact("2", &[]), "archived", "false");
    let s = with_section(s, "extra", r#"{"a":2}"#);
    let s = with_section(s, "other", "1");
    let changes = primary_unknown_sections(&p, &s);
    let got: Vec<_> = changes
        .iter()
        .map(|c| (c.section.as_str(), c.dropped.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("extra", vec![r#"{"a":2}"#.to_string()]),
            ("other", vec!["1".to_string()])
        ]
    );
}

/// A v1 contact's keys about the record itself go with the secondary
/// unreported; its identity profiles are data, and reported.
#[test]
fn a_v1_records_own_keys_are_no_lost_part() {
    let p = with_section(contact("1", &[]), "canonical-vid", "1");
    let p = with_section(p, "profile-token", r#""tok-1""#);
    let s = with_section(contact("2", &[]), "canonical-vid", "2");
    let s = with_section(s, "profile-token", r#""tok-2""#);
    let s = with_section(s, "portal-id", "62515");
    let s = with_section(s, "identity-profiles", r#"[{"vid": 2}]"#);
    let got: Vec<_> = (primary_unknown_sections(&p, &s).iter())
        .map(|c| c.section.clone())
        .collect();
    assert_eq!(got, ["identity-profiles"]);
}

#[test]
fn salesforce_only_primary_keeps_syncing() {
    let p = contact("1", &[("salesforcecontactid", "003P")]);
    let s = contact("2", &[("salesforcecontactid", "003S")]);
    let (c, w) = salesforce_sync(&p, &s);
    assert_eq!(c.unwrap().dropped, ["003S"]);
    assert_eq!(
        w,
        [Warning::new(WarningKind::SalesforceBothSync, "contacts 1 and 2 both sync to Salesforce (primary: 003P, secondary: 003S): merge the records in Salesforce first, keeping 003P, the one synced to the primary")]
    );
    let (c, w) = salesforce_sync(&contact("1", &[]), &s);
    assert_eq!(c.unwrap().dropped, ["003S"]);
    assert_eq!(w[0].kind, WarningKind::SalesforceUnsynced);
    assert!(w[0].message.contains("no longer synced"), "{w:?}");
    let (c, w) = salesforce_sync(&p, &contact("2", &[]));
    assert!(c.unwrap().dropped.is_empty() && w.is_empty());
    assert_eq!(
        salesforce_sync(&contact("1", &[]), &contact("2", &[])),
        (None, vec![])
    );
}

// ---- repeats, by sets ----

#[test]
fn dedup_keeps_the_first_of_each_in_order() {
    let items = ["b", "a", "b", "c", "a", ""].map(String::from);
    assert_eq!(dedup(items), ["b", "a", "c", ""]);
    assert!(dedup(Vec::new()).is_empty());
}

#[test]
fn companies_repeated_on_either_side_are_named_once() {
    let p = assoc(contact("1", &[]), "companies", &["A", "B", "A"]);
    let s = assoc(contact("2", &[]), "companies", &["B", "C", "C", "D", "A"]);
    let c = primary_companies(&p, &s).1.unwrap();
    assert_eq!(
        (c.kept, c.dropped),
        (
            vec!["A".to_string(), "B".into()],
            vec!["C".to_string(), "D".into()]
        )
    );
}

#[test]
fn lists_and_workflows_repeated_are_named_once() {
    let p = with_section(
        contact("1", &[]),
        key::LIST_MEMBERSHIPS,
        r#"[{"listId":"1","type":"STATIC"},{"listId":"2"},{"listId":"1","type":"STATIC"}]"#,
    );
    let s = with_section(
        contact("2", &[]),
        key::LIST_MEMBERSHIPS,
        r#"[{"listId":"2"},{"listId":"3","type":"STATIC"},{"listId":"3","type":"STATIC"},{"listId":"4","type":"ACTIVE"}]"#,
    );
    let c = primary_list_memberships(&p, &s).change.unwrap();
    assert_eq!(
        (c.kept, c.dropped),
        (
            vec!["1".to_string(), "2".into()],
            vec!["3".to_string(), "4".into()]
        )
    );
    assert_eq!(
        c.note,
        "the secondary is removed from its static lists: 3; active lists need re-evaluation: 4"
    );
    let p = with_section(contact("1", &[]), key::WORKFLOWS, r#"["w1","w2","w1"]"#);
    let s = with_section(
        contact("2", &[]),
        key::WORKFLOWS,
        r#"["w2","w3",{"workflowId":"w3"}]"#,
    );
    let c = primary_workflows(&p, &s, false).change.unwrap();
    assert_eq!(
        (c.kept, c.dropped),
        (vec!["w1".to_string(), "w2".into()], vec!["w3".to_string()])
    );
}

#[test]
fn subscriptions_compare_emails_trimmed_in_any_ascii_case() {
    let p = with_section(
        contact("1", &[]),
        key::SUBSCRIPTIONS,
        r#"{"A@x.com":[1]," b@x.com ":[2]}"#,
    );
    let s = with_section(
        contact("2", &[]),
        key::SUBSCRIPTIONS,
        r#"{"a@X.com":[3],"c@x.com":[4]," C@x.com":[5],"B@X.COM":[6],"é@x.com":[7],"É@x.com":[8]}"#,
    );
    let o = subscriptions_per_email(&p, &s);
    // Only ASCII letters fold (as before): é and É are two emails.
    assert_eq!(
        o.value,
        Some(json!({"A@x.com":[1]," b@x.com ":[2],"c@x.com":[4],"é@x.com":[7],"É@x.com":[8]}))
    );
    let c = o.change.unwrap();
    assert_eq!(c.kept, ["A@x.com", " b@x.com "]);
    assert_eq!(c.added, ["c@x.com", "é@x.com", "É@x.com"]);
    assert_eq!(c.dropped, ["a@X.com", " C@x.com", "B@X.COM"]);
}

#[test]
fn thousands_of_items_are_deduplicated_in_order() {
    // 5,000 items a side, the secondary's every other one the
    // primary's: one set lookup each.
    let n = 5_000;
    let list = |f: &dyn Fn(usize) -> String| {
        let items: Vec<String> = (0..n).map(f).collect();
        format!("[{}]", items.join(","))
    };
    let p_ids: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
    let s_id = |i: usize| format!("{}{i}", if i % 2 == 0 { 'p' } else { 's' });
    let p_refs: Vec<&str> = p_ids.iter().map(String::as_str).collect();
    let s_ids: Vec<String> = (0..n).map(s_id).collect();
    let s_refs: Vec<&str> = s_ids.iter().map(String::as_str).collect();
    let new: Vec<String> = (0..n)
        .filter(|i| i % 2 == 1)
        .map(|i| format!("s{i}"))
        .collect();

    let p = assoc(contact("1", &[]), "companies", &p_refs);
    let s = assoc(contact("2", &[]), "companies", &s_refs);
    let c = primary_companies(&p, &s).1.unwrap();
    assert_eq!((c.kept, c.dropped), (p_ids.clone(), new.clone()));

    let lists = |f: &dyn Fn(usize) -> String| {
        list(&|i| format!(r#"{{"listId":"{}","type":"STATIC"}}"#, f(i)))
    };
    let p = with_section(
        contact("1", &[]),
        key::LIST_MEMBERSHIPS,
        &lists(&|i| format!("p{i}")),
    );
    let s = with_section(contact("2", &[]), key::LIST_MEMBERSHIPS, &lists(&s_id));
    let c = primary_list_memberships(&p, &s).change.unwrap();
    assert_eq!((c.kept, c.dropped), (p_ids.clone(), new.clone()));

    let flows = |f: &dyn Fn(usize) -> String| list(&|i| format!(r#""{}""#, f(i)));
    let p = with_section(
        contact("1", &[]),
        key::WORKFLOWS,
        &flows(&|i| format!("p{i}")),
    );
    let s = with_section(contact("2", &[]), key::WORKFLOWS, &flows(&s_id));
    let c = primary_workflows(&p, &s, false).change.unwrap();
    assert_eq!((c.kept, c.dropped), (p_ids.clone(), new.clone()));

    let subs = |f: &dyn Fn(usize) -> String| {
        let items: Vec<String> = (0..n).map(|i| format!(r#""{}@x.com":[]"#, f(i))).collect();
        format!("{{{}}}", items.join(","))
    };
    let p = with_section(
        contact("1", &[]),
        key::SUBSCRIPTIONS,
        &subs(&|i| format!("p{i}")),
    );
    let s = with_section(
        contact("2", &[]),
        key::SUBSCRIPTIONS,
        &subs(&|i| s_id(i).to_uppercase()),
    );
    let c = subscriptions_per_email(&p, &s).change.unwrap();
    let at = |v: &[String]| v.iter().map(|e| format!("{e}@x.com")).collect::<Vec<_>>();
    let upper = |v: &[String]| {
        v.iter()
            .map(|e| format!("{}@x.com", e.to_uppercase()))
            .collect::<Vec<_>>()
    };
    let repeated: Vec<String> = (0..n)
        .filter(|i| i % 2 == 0)
        .map(|i| format!("p{i}"))
        .collect();
    assert_eq!(
        (c.kept, c.added, c.dropped),
        (at(&p_ids), upper(&new), upper(&repeated))
    );
}
