//! Restoring merges: from one or several journals, three-way, refusals,
//! and plans applied then restored.

use serde_json::Value;

use super::three_way::as_map;
use super::*;
use crate::format::{self, Format};
use crate::journal::{parse_journal, JournalWriter};
use crate::journal::{Journal, JournalEntry};
use crate::model::split_multi;
use crate::model::{key, Contact, Export, Layout};
use crate::plan::tests::{contact, export};
use crate::plan::MERGED_IDS;
use crate::plan::{apply_plan, ApplyOptions, MergeStep, Pair, Plan, PlanFormat};
use serde_json::json;

fn ids_of(e: &Export) -> Vec<&str> {
    e.contacts.iter().map(|c| c.id.as_str()).collect()
}

const MERGE: &str = "2024-03-01T10:00:00.000Z";

fn entry(line: u64, before: Value, secondary: Value, merged: Value) -> JournalEntry {
    let (primary, secondary, merged) = (contact(before), contact(secondary), contact(merged));
    JournalEntry {
        line,
        merge_time: MERGE.into(),
        policy: "most-recent".into(),
        format: None,
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
    // city: the merge left it, and it changed since: kept and reported
    // too (SPEC section 5), not kept in silence.
    assert_eq!(
        r.conflicts,
        [
            Conflict {
                property: "firstname".into(),
                before: Some("Ann".into()),
                merged: Some("Anne".into()),
                current: Some("Annie".into()),
                result: Some("Annie".into()),
            },
            Conflict {
                property: "city".into(),
                before: Some("Oslo".into()),
                merged: Some("Oslo".into()),
                current: Some("Bergen".into()),
                result: Some("Bergen".into()),
            },
            Conflict {
                property: "jobtitle".into(),
                before: None,
                merged: None,
                current: Some("CEO".into()),
                result: Some("CEO".into()),
            },
        ]
    );
    let p = &e.contacts[0];
    let props: Vec<(&str, Option<&str>)> = p
        .properties
        .iter()
        .map(|(k, v)| (&**k, v.as_deref()))
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
        |_, p: crate::plan::Primary<'_>, s: &Contact, _| {
            let o = crate::merge::merge_contacts_from(p, s, &Default::default())
                .map_err(|e| e.to_string())?;
            Ok(MergeStep {
                merged: o.merged,
                decisions: vec![],
                warnings: vec![],
                sections: vec![],
                section_tally: Default::default(),
                journal: None,
                times: None,
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

/// A plan's pair 5 ← 1, where an earlier pair had merged 5 into 4: the
/// journal records the merge as 4 ← 1 (the ids as they resolved). Asked
/// by the plan's ids, the restore names that line and the command to
/// give.
#[test]
fn a_merge_recorded_under_its_resolved_ids_is_pointed_to() {
    let c = |id: &str| json!({"id": id, "properties": {}});
    let j = journal(vec![
        entry(1, c("1"), c("2"), c("1")),
        entry(2, c("4"), c("1"), c("4")),
    ]);
    let mut e = export(vec![c("4")]);
    let err = restore(&mut e, "5", "1", &j).unwrap_err().to_string();
    assert!(
        err.ends_with("no merge of contact 1 into 5; 1 was merged into 4 (line 2: a plan's ids are recorded as they resolved through the merges before them): restore it with `unmerge FILE 4 --restore 1`"),
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
    _: crate::plan::Times<'_>,
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
        sections: vec![],
        section_tally: Default::default(),
        journal: None,
        times: None,
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

/// Merges that do not touch each other may be restored in any order:
/// oldest first, every contact comes back to the place it had, as newest
/// first (before, each restored contact went to its place counted in the
/// export the journal saw, one row late for every later merge before it).
#[test]
fn independent_merges_restored_oldest_first_come_back_in_place() {
    let rows = (1..=8).map(|i| json!({"id": i.to_string(), "properties": {"n": i.to_string()}}));
    let original = export(rows.collect());
    let pairs = [("2", "3"), ("1", "5"), ("8", "7"), ("4", "6")];
    let mut e = original.clone();
    let plan = crate::plan::tests::plan(&pairs);
    let mut w = JournalWriter::new(Vec::new(), 1_709_287_200_000, "most-recent");
    let opts = ApplyOptions::default();
    let record = Some(|a: &crate::plan::Applied<'_>| w.record(a));
    apply_plan(&mut e, &plan, &opts, rich_merge, record).unwrap();
    assert_eq!(ids_of(&e), ["1", "2", "4", "8"]);
    let j = parse_journal(&w.finish().unwrap(), "j.jsonl").unwrap();
    for order in [[0, 1, 2, 3], [2, 0, 3, 1], [3, 1, 0, 2]] {
        let mut e = e.clone();
        for k in order {
            let en = &j.entries[k];
            restore(&mut e, &en.primary_id, &en.secondary_id, &j).unwrap();
        }
        assert_eq!(
            ids_of(&e),
            ids_of(&original),
            "restored in the order {order:?}"
        );
        assert_eq!(e, original, "restored in the order {order:?}");
    }
}
