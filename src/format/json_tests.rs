//! Tests of the JSON reader and writer (`json.rs`).

use super::*;

fn roundtrip(text: &str) -> String {
    let e = read(text.as_bytes(), "t.json").unwrap();
    let mut out = Vec::new();
    write(&e, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn reads_each_shape() {
    let arr = read(br#"[{"id":"1","properties":{}}]"#, "a").unwrap();
    assert_eq!(arr.contacts[0].id, "1");
    assert!(matches!(
        arr.layout,
        Layout::Json {
            shape: JsonShape::Array,
            pretty: false,
            ..
        }
    ));
    let page = read(
        br#"{"results":[{"id":"2","properties":{}}],"paging":{}}"#,
        "a",
    )
    .unwrap();
    assert_eq!(page.contacts[0].id, "2");
    let exp = read(
        br#"{"portal":1,"contacts":[{"id":"3","properties":{}}],"deals":[]}"#,
        "a",
    )
    .unwrap();
    assert_eq!(exp.contacts[0].id, "3");
}

#[test]
fn contact_list_that_is_not_a_list_is_named() {
    let e = read(br#"{"contacts":{"id":"1"}}"#, "f.json")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "f.json: top level: \"contacts\" must be a list of contacts, found an object: write the contacts as a list, \"contacts\": [{...}, {...}] (one contact too), or export the file again"
    );
    let e = read(br#"{"paging":{}}"#, "f.json").unwrap_err().to_string();
    assert!(
        e.contains("found an object whose keys are \"paging\", with neither"),
        "{e}"
    );
}

#[test]
fn compact_round_trip_is_byte_identical() {
    let text = r#"{"portal":1,"contacts":[{"properties":{"email":"a@x.com","n":null},"id":"3","archived":false,"associations":{"deals":{"results":[{"id":"9","type":"contact_to_deal"}],"paging":null},"companies":["4",5]},"extra":{"z":1,"a":2}}],"deals":[]}"#;
    // Without a final newline, as read.
    assert_eq!(roundtrip(text), text);
}

#[test]
fn pretty_round_trip_is_byte_identical() {
    let text = "[\n  {\n    \"id\": 7,\n    \"properties\": {\n      \"a\": \"b\"\n    }\n  }\n]\n";
    assert_eq!(roundtrip(text), text);
}

#[test]
fn contact_without_properties_is_written_without_them() {
    // Found by fuzzing (roundtrip): "properties": {} used to be added.
    let text = "[{\"id\":\"1\",\"x\":{}}]\n";
    assert_eq!(roundtrip(text), text);
    let mut e = read(text.as_bytes(), "t.json").unwrap();
    e.contacts[0].set_prop("email", Some("a@x.com".into()));
    let mut out = Vec::new();
    write(&e, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "[{\"id\":\"1\",\"x\":{},\"properties\":{\"email\":\"a@x.com\"}}]\n"
    );
}

#[test]
fn contacts_of_many_keys_keep_their_order() {
    // Past 32 keys the order is checked with a set, not a search.
    for n in [3, 40, 2000] {
        let keys: Vec<String> = (0..n).map(|i| format!("\"k{}\":{i}", n - i)).collect();
        let (head, tail) = keys.split_at(n / 2);
        let text = format!(
            "[{{{},\"id\":\"1\",{},\"properties\":{{}}}}]\n",
            head.join(","),
            tail.join(",")
        );
        assert_eq!(roundtrip(&text), text);
        // Without properties, none are written, until it gains one.
        let bare = text.replace(",\"properties\":{}", "");
        assert_eq!(roundtrip(&bare), bare);
        let mut e = read(bare.as_bytes(), "t.json").unwrap();
        e.contacts[0].set_prop("email", Some("a@x.com".into()));
        e.contacts[0]
            .sections
            .insert("usertokens".into(), Value::Array(vec![]));
        e.contacts[0].sections.insert("k1".into(), Value::Null);
        let mut out = Vec::new();
        write(&e, &mut out).unwrap();
        let want = bare.replace(
            "}]\n",
            ",\"properties\":{\"email\":\"a@x.com\"},\"usertokens\":[]}]\n",
        );
        let want = want.replace(&format!("\"k1\":{}", n - 1), "\"k1\":null");
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }
}

#[test]
fn empty_list_is_compact() {
    // Found by fuzzing (roundtrip): `[\n]` read as indented, written
    // as `[]`, read back as compact.
    let e = read(b"[\n]\n", "t.json").unwrap();
    assert_eq!(
        e.layout,
        Layout::Json {
            shape: JsonShape::Array,
            pretty: false,
            text: JsonText {
                trailer: "\n".into(),
                ..Default::default()
            }
        }
    );
    assert_eq!(roundtrip("[\n]\n"), "[]\n");
}

#[test]
fn numbers_in_sections_keep_their_value() {
    // Found by fuzzing (roundtrip): without serde_json's exact float
    // parsing, 1.0998593000000001e37 read back as another number.
    let text = "[{\"id\":\"1\",\"x\":[1.0998593000000001e37,0.1,-2.5e-300]}]\n";
    let e = read(text.as_bytes(), "t.json").unwrap();
    let back = read(roundtrip(text).as_bytes(), "t.json").unwrap();
    assert_eq!(back, e);
    assert_eq!(roundtrip(text), text.replace("e37", "e+37"));
}

#[test]
fn contact_without_id_is_named() {
    let e = read(
        br#"[{"id":"1","properties":{}},{"properties":{"email":"x@y.z"}}]"#,
        "f.json",
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "f.json: contact 2: has no \"id\"; every contact needs its record id"
    );
}

#[test]
fn a_v4_association_entry_is_named_with_the_shape_read() {
    let text = br#"[{"id":"1","properties":{},"associations":{"deals":{"results":[{"toObjectId":9001,"associationTypes":[{"category":"HUBSPOT_DEFINED","typeId":4}]}]}}}]"#;
    let e = read(text, "f.json").unwrap_err().to_string();
    assert!(
        e.starts_with("f.json: contact 1 (id 1): associations.deals has an entry in HubSpot's v4 associations shape ({\"toObjectId\":9001,"),
        "{e}"
    );
    assert!(
        e.contains(
            "the tool reads the v3 shape, {\"results\": [{\"id\": \"9001\", \"type\": \"...\"}]}"
        ),
        "{e}"
    );
    // Without toObjectId: an entry without an id, as before.
    let text =
        br#"[{"id":"1","properties":{},"associations":{"deals":{"results":[{"type":"x"}]}}}]"#;
    let e = read(text, "f.json").unwrap_err().to_string();
    assert!(
        e.ends_with("associations.deals has an entry without an id: {\"type\":\"x\"}"),
        "{e}"
    );
}

#[test]
fn a_utf16_json_export_is_not_told_to_be_saved_as_csv() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend("[{\"id\":\"1\"}]".encode_utf16().flat_map(u16::to_le_bytes));
    for format in [crate::format::Format::Json, crate::format::Format::Ndjson] {
        let e = crate::format::read_bytes(&bytes, format, "f.json")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("f.json: the file is UTF-16 (it starts with a UTF-16 byte order mark, as Windows PowerShell"), "{e}");
        assert!(!e.contains("CSV"), "{e}");
    }
    let e = crate::format::read_bytes(&bytes, crate::format::Format::Csv, "f.csv")
        .unwrap_err()
        .to_string();
    assert!(e.contains("(Excel: \"CSV UTF-8\")"), "{e}");
}

#[test]
fn truncated_json_says_so() {
    let e = read(b"[{\"id\":\"1\",\"properties\":{\"a\":", "f.json")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("f.json: line 1, column"), "{e}");
    assert!(e.contains("truncated"), "{e}");
}

#[test]
fn malformed_json_names_line() {
    let e = read(b"[\n{\"id\": \"1\",,}\n]", "f.json")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("f.json: line 2, column"), "{e}");
    assert!(e.contains("malformed JSON"), "{e}");
}

#[test]
fn non_string_property_objects_are_refused() {
    let e = read(br#"[{"id":"1","properties":{"a":{"b":1}}}]"#, "f.json")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("contact 1 (id 1)") && e.contains("property \"a\""),
        "{e}"
    );
}

#[test]
fn sections_of_the_wrong_shape_are_refused_with_their_place() {
    for (section, bad, found, field, value) in [
        (
            "engagements",
            r#"{"id":"e1"}"#,
            "an object",
            "engagements",
            r#"{"id":"e1"}"#,
        ),
        (
            "usertokens",
            r#""utk""#,
            "a string",
            "usertokens",
            r#""utk""#,
        ),
        ("visits", "3", "a number", "visits", "3"),
        (
            "formSubmissions",
            "true",
            "a boolean",
            "formSubmissions",
            "true",
        ),
        (
            "subscriptions",
            r#"[{"id":"s"}]"#,
            "an array",
            "subscriptions",
            r#"[{"id":"s"}]"#,
        ),
        (
            "subscriptions",
            r#"{"a@x.com":{"id":"s"}}"#,
            "an object",
            "subscriptions.a@x.com",
            r#"{"id":"s"}"#,
        ),
    ] {
        let text = format!(r#"[{{"id":"1","properties":{{}}}},{{"id":"2","{section}":{bad}}}]"#);
        let e = read(text.as_bytes(), "f.json").unwrap_err();
        let ReadError::Contact(bad) = &e else {
            panic!("{e:?}")
        };
        let BadContact {
            place,
            id,
            field: f,
            value: v,
            what,
            ..
        } = &**bad;
        assert_eq!(place, "contact 2");
        assert_eq!(id.as_deref(), Some("2"));
        assert_eq!((f.as_deref(), v.as_deref()), (Some(field), Some(value)));
        assert!(what.contains(&format!("found {found}")), "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("f.json: contact 2 (id 2): \"{field}\" must be ")),
            "{e}"
        );
    }
    // Lists, per-email lists and null (a section left empty) read.
    let ok = r#"[{"id":"1","engagements":[],"usertokens":null,"visits":[{}],"formSubmissions":[],"subscriptions":{"a@x.com":[],"b@x.com":null},"listMemberships":{"odd":1}}]"#;
    assert_eq!(read(ok.as_bytes(), "f.json").unwrap().contacts.len(), 1);
}

#[test]
fn a_key_written_twice_refuses_its_contact() {
    let e = read(
        br#"[{"id":"1"},{"id":"2","properties":{"email":"a@x.com","email":"b@x.com"}}]"#,
        "f.json",
    )
    .unwrap_err();
    assert_eq!(
            e.to_string(),
            "f.json: contact 2 (id 2): the key \"email\" appears more than once in properties; JSON keeps one value per key, so one would be lost: keep the right one and remove the other"
        );
    let ReadError::Contact(bad) = &e else {
        panic!()
    };
    assert_eq!(bad.field.as_deref(), Some("properties.email"));
    // In an export object, nested, and the id itself.
    let e = read(
        br#"{"contacts":[{"id":"1","engagements":[{"id":"e","id":"f"}]}]}"#,
        "f.json",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with(
            "f.json: contact 1 (id 1): the key \"id\" appears more than once in engagements[0];"
        ),
        "{e}"
    );
    let e = read(br#"[{"id":"1","id":"2"}]"#, "f.json")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("f.json: contact 1: the key \"id\" appears more than once in the contact;"),
        "{e}"
    );
    // The export's own keys: the file.
    for text in [
        r#"{"contacts":[],"contacts":[{"id":"1"}]}"#,
        r#"{"contacts":[],"deals":[{"id":1,"id":2}]}"#,
    ] {
        let e = read(text.as_bytes(), "f.json").unwrap_err().to_string();
        assert!(e.starts_with("f.json: top level: the key"), "{e}");
    }
    // With `skipped`, the other contacts are still read.
    let mut skipped = Vec::new();
    let e = read_with(
        br#"[{"id":"1","a":1,"a":2},{"id":"2"},{"id":"3","b":{"c":1,"c":1}}]"#,
        "f.json",
        Some(&mut skipped),
    )
    .unwrap();
    assert_eq!(e.contacts.len(), 1);
    assert_eq!(skipped.len(), 2);
    // One JSON Lines line.
    let e = match parse_contact(r#"{"id":"7","x":{"y":[{"z":1,"z":1}]}}"#) {
        Err(LineError::Contact(e)) => e,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        (e.id.as_deref(), e.field.as_deref()),
        (Some("7"), Some("x.y[0].z"))
    );
}

#[test]
fn ids_and_numbers_beyond_64_bits_keep_their_digits() {
    let text = r#"[{"id":100000000000000000001,"properties":{},"associations":{"deals":[100000000000000000000,100000000000000000001,1e+20,1.50]},"x":[-18446744073709551617,0.30000000000000000001]}]"#;
    let e = read(text.as_bytes(), "t.json").unwrap();
    let c = &e.contacts[0];
    assert_eq!(c.id, "100000000000000000001");
    let deals: Vec<&str> = c.assoc("deals").unwrap().ids().collect();
    assert_eq!(
        deals,
        [
            "100000000000000000000",
            "100000000000000000001",
            "1e+20",
            "1.50"
        ]
    );
    assert_eq!(roundtrip(text), text);
}

#[test]
fn association_entry_in_other_form_is_converted() {
    let mut e = read(
        br#"[{"id":"1","properties":{},"associations":{"deals":{"results":[]},"tickets":[]}}]"#,
        "f",
    )
    .unwrap();
    let a = e.contacts[0].associations.as_mut().unwrap();
    a.get_mut("deals").unwrap().entries.push(AssocEntry {
        id: "5".into(),
        raw: Value::String("5".into()),
    });
    a.get_mut("tickets").unwrap().entries.push(AssocEntry {
        id: "6".into(),
        raw: serde_json::json!({"id": "6", "type": "t"}),
    });
    let mut out = Vec::new();
    write(&e, &mut out).unwrap();
    assert_eq!(
            String::from_utf8(out).unwrap(),
            "[{\"id\":\"1\",\"properties\":{},\"associations\":{\"deals\":{\"results\":[{\"id\":\"5\"}]},\"tickets\":[\"6\"]}}]"
        );
}

/// Found by the roundtrip fuzz target: an id alone under "results" was
/// read, then written as {"id": ...}, so the export changed on a round
/// trip. Each entry must be in its list's form.
#[test]
fn an_association_entry_in_the_other_form_is_refused() {
    for (text, says) in [
        (
            r#"[{"id":"1","associations":{"deals":{"results":[""]}}}]"#,
            "associations.deals.results holds an id alone",
        ),
        (
            r#"[{"id":"1","associations":{"companies":["4",{"id":"5"}]}}]"#,
            "associations.companies is a plain list of ids but holds an object",
        ),
    ] {
        let e = read(text.as_bytes(), "t.json").unwrap_err().to_string();
        assert!(e.contains(says), "{e}");
    }
}
