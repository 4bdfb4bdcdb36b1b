use super::*;
use serde_json::json;

fn contact(v: Value) -> Contact {
    contact_from_value(v).unwrap()
}

fn entry() -> JournalEntry {
    JournalEntry {
        line: 0,
        merge_time: "2024-03-01T10:00:00.000Z".into(),
        policy: "most-recent".into(),
        format: None,
        primary_id: "1".into(),
        secondary_id: "2".into(),
        secondary_index: Some(1),
        plan_line: Some(2),
        primary: contact(json!({"id": "1", "properties": {"n": "1"}})),
        secondary: contact(json!({"properties": {"n": "2"}, "id": 2})),
        merged: contact(json!({"id": "1", "properties": {"n": "3"}})),
        decisions: vec![json!({"property": "n", "rule": "sum"})],
    }
}

#[test]
fn writes_one_line_in_fixed_key_order() {
    let mut out = Vec::new();
    entry().write(&mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        concat!(
            r#"{"mergeTime":"2024-03-01T10:00:00.000Z","policy":"most-recent","primaryId":"1","secondaryId":"2","secondaryIndex":1,"planLine":2,"#,
            r#""primary":{"id":"1","properties":{"n":"1"}},"secondary":{"properties":{"n":"2"},"id":2},"#,
            r#""merged":{"id":"1","properties":{"n":"3"}},"decisions":[{"property":"n","rule":"sum"}]}"#,
            "\n"
        )
    );
}

/// A merge recorded from contacts encoded ahead is the line the
/// writer makes from the contacts themselves.
#[test]
fn contacts_encoded_ahead_give_the_same_line() {
    let e = entry();
    let applied = |encoded| Applied {
        line: 2,
        primary_id: "1",
        secondary_id: "2",
        secondary_index: 1,
        primary: &e.primary,
        secondary: &e.secondary,
        merged: &e.merged,
        decisions: &e.decisions,
        encoded,
    };
    let record = |encoded| {
        let mut w = JournalWriter::new(Vec::new(), 1_709_287_200_000, "most-recent");
        w.record(&applied(encoded)).unwrap();
        w.finish().unwrap()
    };
    let ahead = encode_contacts(&e.primary, &e.secondary, &e.merged, &e.decisions);
    let mut expected = Vec::new();
    e.write(&mut expected).unwrap();
    assert_eq!(
        String::from_utf8(record(Some(&ahead))).unwrap(),
        String::from_utf8(expected).unwrap()
    );
    assert_eq!(record(Some(&ahead)), record(None));
}

#[test]
fn round_trips_through_the_reader() {
    let e = entry();
    let mut out = b"\n".to_vec();
    e.write(&mut out).unwrap();
    e.write(&mut out).unwrap();
    let j = parse_journal(&out, "j.jsonl").unwrap();
    assert_eq!(j.entries.len(), 2);
    assert_eq!(
        j.entries[0],
        JournalEntry {
            line: 2,
            ..e.clone()
        }
    );
    assert_eq!(j.entries[1].line, 3);
    assert_eq!(j.entries[0].summed_properties().collect::<Vec<_>>(), ["n"]);
}

#[test]
fn writer_formats_the_merge_time_and_policy() {
    let p = contact(json!({"id": "1", "properties": {}}));
    let s = contact(json!({"id": "2", "properties": {}}));
    let mut w = JournalWriter::new(Vec::new(), 1_709_287_200_000, "primary-wins");
    w.record_single(&p, &s, 4, &p, &[]).unwrap();
    let out = String::from_utf8(w.finish().unwrap()).unwrap();
    assert!(
        out.starts_with(r#"{"mergeTime":"2024-03-01T10:00:00.000Z","policy":"primary-wins","primaryId":"1","secondaryId":"2","secondaryIndex":4,"primary""#),
        "{out}"
    );
    assert!(!out.contains("planLine"));
}

fn at(line: u64, time: &str, primary: &str, secondary: &str) -> JournalEntry {
    let mut e = entry();
    e.line = line;
    e.merge_time = time.into();
    e.primary_id = primary.into();
    e.secondary_id = secondary.into();
    e
}

#[test]
fn journals_given_together_interleave_by_merge_time() {
    const T1: &str = "2024-03-01T10:00:00.000Z";
    const T2: &str = "2024-03-02T10:00:00.000Z";
    const T3: &str = "2024-03-03T10:00:00+01:00";
    let j1 = Journal {
        file: "j1".into(),
        // Appended by a later run with an earlier --merge-time: still
        // after line 1 (a journal's own order is kept).
        entries: vec![
            at(1, T2, "1", "2"),
            at(2, T1, "1", "3"),
            at(3, T3, "1", "4"),
        ],
    };
    let j2 = Journal {
        file: "j2".into(),
        entries: vec![at(1, T1, "5", "6"), at(2, T2, "5", "7")],
    };
    let order = |journals: &[Journal]| -> Vec<String> {
        merges_in_order(journals)
            .iter()
            .map(|(j, e)| format!("{}:{}", j.file, e.line))
            .collect()
    };
    // At equal times the journal given first comes first.
    assert_eq!(
        order(&[j1.clone(), j2.clone()]),
        ["j2:1", "j1:1", "j1:2", "j2:2", "j1:3"]
    );
    assert_eq!(
        order(&[j2.clone(), j1.clone()]),
        ["j2:1", "j2:2", "j1:1", "j1:2", "j1:3"]
    );
    assert_eq!(order(std::slice::from_ref(&j1)), ["j1:1", "j1:2", "j1:3"]);
    // The same merge in two journals (one given twice, or a copy)
    // counts once; twice in one journal, it was made twice.
    let mut twice = j1.clone();
    twice.entries.push(at(4, T3, "1", "4"));
    assert_eq!(
        order(&[twice.clone(), j1.clone(), twice]),
        ["j1:1", "j1:2", "j1:3", "j1:4"]
    );
}

/// A merge whose primary already listed an id comes after the merge
/// of that id another journal records, whatever the merge times say;
/// journals that contradict each other fall back on the times.
#[test]
fn what_the_journals_record_overrules_the_merge_times() {
    const T1: &str = "2024-03-01T10:00:00.000Z";
    const T2: &str = "2024-03-02T10:00:00.000Z";
    let listing = |line, time, secondary, ids: &str| {
        let mut e = at(line, time, "1", secondary);
        e.primary = contact(json!({"id": "1", "properties": {"hs_merged_object_ids": ids}}));
        e
    };
    let a = Journal {
        file: "a".into(),
        entries: vec![at(1, T2, "1", "2")],
    };
    // Made after a's merge (its primary lists 2), with an earlier time.
    let b = Journal {
        file: "b".into(),
        entries: vec![listing(1, T1, "3", "2")],
    };
    let order = |journals: &[Journal]| -> Vec<String> {
        merges_in_order(journals)
            .iter()
            .map(|(j, e)| format!("{}:{}", j.file, e.line))
            .collect()
    };
    assert_eq!(order(&[a.clone(), b.clone()]), ["a:1", "b:1"]);
    assert_eq!(order(&[b.clone(), a.clone()]), ["a:1", "b:1"]);
    // Each lists the other's secondary: the times decide.
    let c = Journal {
        file: "c".into(),
        entries: vec![listing(1, T2, "2", "3")],
    };
    assert_eq!(order(&[c, b]), ["b:1", "c:1"]);
}

#[test]
fn errors_name_file_and_line() {
    let mut good = Vec::new();
    entry().write(&mut good).unwrap();
    let cases: [(&[u8], &str); 8] = [
        (b"{\"mergeTime\": ", "malformed JSON"),
        (
            br#"{"mergeTime":"t","mergeTime":"u"}"#,
            "the key \"mergeTime\" is written twice; the journal looks edited",
        ),
        (
            br#"{"mergeTime":"t","primary":{"id":"1","properties":{"num_conversion_events":"1","num_conversion_events":"9"}}}"#,
            "the key \"num_conversion_events\" is written twice in primary.properties",
        ),
        (b"[1]", "expected a JSON object"),
        (
            br#"{"mergeTime":"t","policy":"p","primaryId":"1","secondaryId":"2"}"#,
            "\"primary\" (a contact) is missing",
        ),
        (
            br#"{"mergeTime":"t","policy":"p","primaryId":"1","secondaryId":"2","primary":{"id":"9","properties":{}}}"#,
            "\"primary\" is contact 9 but the entry names 1",
        ),
        (br#"{"policy":"p"}"#, "\"mergeTime\" is missing"),
        (
            br#"{"mergeTime":"yesterday","policy":"p","primaryId":"1","secondaryId":"2","primary":{"id":"1","properties":{}},"secondary":{"id":"2","properties":{}},"merged":{"id":"1","properties":{}}}"#,
            "\"mergeTime\" is \"yesterday\", not a date (RFC 3339, like 2024-03-01T10:00:00.000Z)",
        ),
    ];
    for (bad, want) in cases {
        let mut text = good.clone();
        text.extend_from_slice(bad);
        let e = parse_journal(&text, "j.jsonl").unwrap_err().to_string();
        assert!(e.starts_with("j.jsonl: line 2: "), "{e}");
        assert!(e.contains(want), "{e} lacks {want}");
    }
}
