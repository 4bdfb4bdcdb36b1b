//! JSON documents streamed: the same output as the in-memory apply.

use serde_json::Value;

use super::*;
use crate::model::JsonShape;

/// JSON documents stream as JSON Lines do: the fixture (an export object
/// with other keys, 2-space indented) comes out as the in-memory writer
/// writes it, byte for byte, with chains, redirects and the first contact
/// of the list merged away.
#[test]
fn json_documents_stream_like_memory() {
    let json = fixture("contacts.json");
    let opts = ApplyOptions::default();
    for plan in [
        "primary_id,secondary_id\n101,102\n103,104\n",
        "primary_id,secondary_id\n104,101\n105,104\n102,105\n",
        "primary_id,secondary_id\n101,99\n",
        "primary_id,secondary_id\n102,101\n",
    ] {
        same_as_in_memory("c.json", &json, Format::Json, plan, false);
        same_as_in_memory_with("c.json", &json, Format::Json, plan, &opts);
    }
    let bad = "primary_id,secondary_id\n101,102\n101,101\n105,999\n";
    same_as_in_memory("c.json", &json, Format::Json, bad, true);
}

/// The generator's exports in every shape and style a JSON document
/// comes in: a bare array, an API page, an export object with other keys;
/// on one line and indented.
#[test]
fn generated_json_documents_stream_like_memory() {
    let g = crate::gen::generate(&crate::gen::GenOptions {
        contacts: 600,
        duplicate_rate: 0.2,
        seed: 3,
    });
    let plan = crate::gen::plan_csv(&g.pairs);
    let opts = ApplyOptions::default();
    let mut top = serde_json::Map::new();
    top.insert("portalId".into(), 7.into());
    top.insert("contacts".into(), Value::Array(Vec::new()));
    top.insert("paging".into(), serde_json::json!({"next": {"after": "9"}}));
    let shapes = [
        JsonShape::Array,
        JsonShape::Object {
            contacts_key: "results".into(),
            top: [("results".to_string(), Value::Array(Vec::new()))]
                .into_iter()
                .collect(),
        },
        JsonShape::Object {
            contacts_key: "contacts".into(),
            top,
        },
    ];
    for shape in shapes {
        for pretty in [false, true] {
            let mut export = g.export.clone();
            export.layout = Layout::Json {
                shape: shape.clone(),
                pretty,
                text: Default::default(),
            };
            let bytes = write_to_vec(&export, Format::Json);
            let early = same_as_in_memory_with("g.json", &bytes, Format::Json, &plan, &opts);
            assert!(early > 0, "some pairs merged early");
            same_as_in_memory("g.json", &bytes, Format::Json, &plan, true);
        }
    }
}

/// A document in its own style (4-space or tab indentation, odd spacing
/// around its separators) keeps it: the records the plan does not touch
/// and what lies between them are copied, and merged contacts are written
/// in the document's indentation. The content is the in-memory apply's.
#[test]
fn json_documents_in_their_own_style_keep_it() {
    let four = "[\n    {\n        \"id\": \"1\",\n        \"properties\": {\n            \"email\": \"a@x.com\"\n        }\n    } ,\n    {\"id\": \"2\", \"properties\": {\"email\": \"b@x.com\"}},\n    {\n        \"id\": \"3\"\n    }\n]\n";
    let tabs = "{\"paging\": 1, \"results\": [\n\t\t{\"id\": \"1\"},\n\t\t{\"id\": \"2\", \"properties\": {\"email\": \"b@x.com\"}}, {\"id\": \"3\"}\n\t], \"total\": 3}";
    let dir = tempfile::tempdir().unwrap();
    for (name, text, pairs, kept) in [
        ("four.json", four, "1,2\n", "        \"id\": \"3\"\n    }\n]\n"),
        ("four.json", four, "3,1\n", "[\n    {\"id\": \"2\", \"properties\": {\"email\": \"b@x.com\"}},\n    {\n        \"id\": \"3\",\n        \"engagements\": [\n            {\n                \"type\""),
        ("tabs.json", tabs, "2,3\n", "{\"paging\": 1, \"results\": [\n\t\t{\"id\": \"1\"},\n\t\t{\n\t\t\t\"id\": \"2\""),
        ("tabs.json", tabs, "3,1\n", "{\"paging\": 1, \"results\": [\n\t\t{\"id\": \"2\", \"properties\": {\"email\": \"b@x.com\"}}, {\n\t\t\t\"id\": \"3\""),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let plan = format!("primary_id,secondary_id\n{pairs}");
        let plan = parse_plan(plan.as_bytes(), "p.csv", None).unwrap();
        let mut out = Vec::new();
        apply_input(
            input(&path, Format::Json),
            &plan,
            &ApplyOptions::default(),
            |_, p, s, t| step(p, s, t),
            None::<NoJournal>,
            Sink::Writer(&mut out),
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains(kept), "{name} {pairs}: {out}");
        let mut export = format::read_bytes(text.as_bytes(), Format::Json, name).unwrap();
        apply_plan(
            &mut export,
            &plan,
            &ApplyOptions::default(),
            |_, p, s, t| step(p, s, t),
            None::<NoJournal>,
        )
        .unwrap();
        let streamed = format::read_bytes(out.as_bytes(), Format::Json, "out").unwrap();
        assert_eq!(streamed, export, "{name} {pairs}: {out}");
    }
}

/// A JSON document the in-memory reader refuses is refused in its words,
/// whether the fault is in a contact the plan names or not.
#[test]
fn unreadable_json_documents_are_refused_in_the_in_memory_words() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad");
    let plan = parse_plan(b"primary_id,secondary_id\n1,2\n", "p.csv", None).unwrap();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.starts_with("json-") && name != "empty.json" {
            continue;
        }
        seen += 1;
        let expected = format::read_path(&path, Some(Format::Json))
            .unwrap_err()
            .to_string();
        let mut out = Vec::new();
        let got = apply_input(
            input(&path, Format::Json),
            &plan,
            &ApplyOptions::default(),
            |_, p, s, t| step(p, s, t),
            None::<NoJournal>,
            Sink::Writer(&mut out),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(got, expected, "{name}");
        assert!(out.is_empty());
    }
    assert!(seen > 10, "{seen}");
}
