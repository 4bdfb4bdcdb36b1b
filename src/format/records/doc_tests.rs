//! Tests of the JSON document reader's shapes (`doc.rs`): single objects,
//! v1 batches, and the layout it notes.

use super::super::{Item, Reader};
use crate::format::{Format, Place};
use crate::model::{JsonShape, JsonText, Layout};

/// Every record's (id, place, bytes, lead), the tail and the layout.
type Read = (Vec<(String, Place, String, String)>, String, Layout);

fn read(text: &str) -> Read {
    let mut r = Reader::new(text.as_bytes(), Format::Json, "f").unwrap();
    let mut seen = Vec::new();
    while let Some(item) = r.next_item().unwrap() {
        let Item::Record(rec) = item else {
            panic!("a record that cannot be read")
        };
        let raw = String::from_utf8(rec.raw().to_vec()).unwrap();
        let lead = String::from_utf8(rec.lead().to_vec()).unwrap();
        assert_eq!(rec.contact().unwrap().id, rec.id);
        seen.push((rec.id.clone(), rec.place, raw, lead));
    }
    let tail = String::from_utf8(r.tail().to_vec()).unwrap();
    (seen, tail, r.layout().unwrap())
}

fn shape_and_text(layout: &Layout) -> (&JsonShape, bool, &JsonText) {
    match layout {
        Layout::Json {
            shape,
            pretty,
            text,
        } => (shape, *pretty, text),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_single_object_is_one_record_the_whole_document() {
    let text = "{\n  \"id\": \"512\",\n  \"properties\": {\"email\": \"a@x.com\"},\n  \"archived\": false\n}";
    let (records, tail, layout) = read(text);
    assert_eq!(records.len(), 1);
    let (id, place, raw, lead) = &records[0];
    assert_eq!((id.as_str(), *place), ("512", Place::Contact(1)));
    assert_eq!((raw.as_str(), lead.as_str(), tail.as_str()), (text, "", ""));
    let (shape, pretty, t) = shape_and_text(&layout);
    assert_eq!(*shape, JsonShape::Single);
    assert!(pretty);
    assert_eq!((t.indent.as_str(), t.trailer.as_str()), ("  ", ""));
    // A v1 profile too, by its vid.
    let (records, _, layout) = read(r#"{"vid": 7, "properties": {}}"#);
    assert_eq!(records[0].0, "7");
    assert_eq!(shape_and_text(&layout).0, &JsonShape::Single);
}

#[test]
fn a_batch_hands_out_its_contacts_with_their_keys_in_the_lead() {
    let text = "{\n\t\"51\": {\"vid\": 51, \"properties\": {}},\n\t\"52\": {\"vid\": 52, \"properties\": {}}\n}\n";
    let (records, tail, layout) = read(text);
    let got: Vec<(&str, &str, &str)> = records
        .iter()
        .map(|(id, _, raw, lead)| (id.as_str(), raw.as_str(), lead.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("51", "{\"vid\": 51, \"properties\": {}}", "{\n\t\"51\": "),
            ("52", "{\"vid\": 52, \"properties\": {}}", ",\n\t\"52\": "),
        ]
    );
    assert_eq!(tail, "\n}\n");
    let (shape, pretty, t) = shape_and_text(&layout);
    assert_eq!((shape, pretty), (&JsonShape::Batch, true));
    assert_eq!((t.indent.as_str(), t.trailer.as_str()), ("\t", "\n"));
}

#[test]
fn the_layout_notes_indentation_line_ends_and_what_follows() {
    let cases = [
        ("[\n    {\"id\": \"1\"}\n]\n", "    ", false, "\n"),
        ("[\r\n\t{\"id\": \"1\"}\r\n]\r\n", "\t", true, "\r\n"),
        ("{\"results\": [{\"id\": \"1\"}]}", "  ", false, ""),
        ("[{\"id\": \"1\"}]\n\n", "  ", false, "\n\n"),
    ];
    for (text, indent, crlf, trailer) in cases {
        let (_, _, layout) = read(text);
        let t = shape_and_text(&layout).2;
        assert_eq!(
            (t.indent.as_str(), t.crlf, t.trailer.as_str()),
            (indent, crlf, trailer),
            "{text:?}"
        );
    }
}

#[test]
fn a_batch_member_that_is_not_a_contact_under_its_vid_is_refused() {
    let refused = |text: &str| {
        let mut r = Reader::new(text.as_bytes(), Format::Json, "f").unwrap();
        loop {
            match r.next_item() {
                Err(e) => return e.to_string(),
                Ok(Some(Item::Bad(e))) => return e.to_string(),
                Ok(Some(Item::Record(_))) => {}
                Ok(None) => panic!("read: {text}"),
            }
        }
    };
    let e = refused(r#"{"51": {"vid": 51}, "52": 3}"#);
    assert!(e.contains("the key \"52\" (line 1) is not a vid"), "{e}");
    let e = refused(r#"{"51": {"vid": 51}, "51": {"vid": 51}}"#);
    assert!(e.contains("appears more than once"), "{e}");
    let e = refused(r#"{"51": {"vid": 50}}"#);
    assert!(e.contains("not its vid"), "{e}");
}
