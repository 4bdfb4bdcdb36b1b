//! Reading a fixture and writing it back with no change gives the same
//! content: JSON the same document (here, the same bytes), CSV the same
//! headers, rows and values.

use contact_merge::format::{self, Format};

use crate::util::{fixtures, stderr, Sandbox};

fn roundtrip(name: &str) -> (Vec<u8>, Vec<u8>) {
    let path = fixtures().join(name);
    let original = std::fs::read(&path).unwrap();
    let export = format::read_path(&path, None).unwrap();
    let fmt = Format::from_path(&path).unwrap();
    (original, format::write_to_vec(&export, fmt))
}

#[test]
fn every_fixture_round_trips_byte_for_byte() {
    let mut seen = 0;
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("contacts") {
            continue;
        }
        let (original, written) = roundtrip(&name);
        assert_eq!(
            String::from_utf8_lossy(&written),
            String::from_utf8_lossy(&original),
            "{name} changed on a round trip"
        );
        seen += 1;
    }
    assert!(seen >= 3, "expected the JSON, JSON Lines and CSV fixtures");
}

#[test]
fn json_round_trip_is_the_same_document() {
    let (original, written) = roundtrip("contacts.json");
    let a: serde_json::Value = serde_json::from_slice(&original).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&written).unwrap();
    assert_eq!(a, b);
}

#[test]
fn csv_round_trip_keeps_headers_rows_and_values() {
    let (original, written) = roundtrip("contacts.csv");
    let rows = |b: &[u8]| -> Vec<Vec<String>> {
        csv::Reader::from_reader(b)
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    };
    assert_eq!(rows(&original), rows(&written));
    let header = |b: &[u8]| csv::Reader::from_reader(b).headers().unwrap().clone();
    assert_eq!(header(&original), header(&written));
}

#[test]
fn formats_convert_into_each_other() {
    let json = format::read_path(&fixtures().join("contacts.json"), None).unwrap();
    let ndjson = format::read_path(&fixtures().join("contacts.ndjson"), None).unwrap();
    // The JSON Lines fixture holds the JSON export's contacts.
    assert_eq!(json.contacts, ndjson.contacts);
    let as_lines = format::write_to_vec(&json, Format::Ndjson);
    assert_eq!(
        as_lines,
        std::fs::read(fixtures().join("contacts.ndjson")).unwrap()
    );
    // CSV written from JSON reads back with the same properties.
    let as_csv = format::write_to_vec(&json, Format::Csv);
    let back = format::read_bytes(&as_csv, Format::Csv, "x.csv").unwrap();
    for (a, b) in json.contacts.iter().zip(&back.contacts) {
        assert_eq!(a.id, b.id);
        for (k, v) in &a.properties {
            assert_eq!(
                v.clone().unwrap_or_default(),
                b.properties.get(k).cloned().flatten().unwrap_or_default(),
                "{k}"
            );
        }
    }
}

/// A JSON document's keys beside its contacts (`portalId`, `companies`)
/// have a place only in a JSON document: written as JSON Lines, CSV or
/// XLSX they are left out with a warning naming them, never silently.
#[test]
fn top_level_keys_left_out_of_another_format_are_named() {
    let s = Sandbox::new();
    s.write(
        "export.json",
        r#"{"portalId": 4242, "contacts": [{"id": "1", "properties": {"email": "a@x.com"}},
            {"id": "2", "properties": {"email": "b@x.com"}}], "companies": [{"id": "201"}]}"#,
    );
    for out in ["out.ndjson", "out.csv", "out.xlsx"] {
        let run = s
            .cmd()
            .args(["merge", "export.json", "1", "2", "-o", out])
            .args(["--merge-time", "2024-06-01T00:00:00Z", "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        let err = stderr(&run);
        assert!(
            err.contains(
                r#"the document's keys beside "contacts" ("portalId", "companies"): left out"#
            ),
            "{out}: {err}"
        );
        let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        assert!(
            report.to_string().contains("portalId"),
            "{out}: the JSON report names them too: {report}"
        );
    }
    let run = s
        .cmd()
        .args(["merge", "export.json", "1", "2", "-o", "out.json"])
        .args(["--merge-time", "2024-06-01T00:00:00Z"])
        .output()
        .unwrap();
    assert!(!stderr(&run).contains("left out"), "{}", stderr(&run));
    assert!(String::from_utf8(s.read("out.json"))
        .unwrap()
        .contains("\"portalId\": 4242"));
}

/// HubSpot's v1 page written as CSV leaves out more per-contact parts than
/// the warnings shown: the page's own keys are named first, so they are
/// never among those only counted.
#[test]
fn a_v1_page_written_as_csv_names_its_page_keys_first() {
    let run = v1_page_to_csv(&[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let first = stderr(&run).lines().next().unwrap_or_default().to_string();
    assert!(
        first.contains(r#"the document's keys beside "contacts" ("has-more", "vid-offset")"#),
        "{}",
        stderr(&run)
    );
}

/// A v1 page written as CSV names what is left out as the file writes it
/// (`form-submissions`, not the model's `formSubmissions`).
#[test]
fn a_v1_page_written_as_csv_names_its_sections_as_the_file_does() {
    let run = v1_page_to_csv(&["--format", "json"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let warnings = report["outputWarnings"].to_string();
    assert!(
        warnings.contains("no column for form-submissions"),
        "{warnings}"
    );
    assert!(!warnings.contains("formSubmissions"), "{warnings}");
}

/// The real v1 page (fixtures/real) applied with an empty plan and written
/// as CSV, with `extra` arguments.
fn v1_page_to_csv(extra: &[&str]) -> std::process::Output {
    let s = Sandbox::new();
    s.write(
        "page.json",
        std::fs::read(fixtures().join("real").join("v1-page.json")).unwrap(),
    );
    s.write("none.csv", "primary_id,secondary_id\n");
    s.cmd()
        .args(["apply", "page.json", "--plan", "none.csv", "-o", "page.csv"])
        .args(extra)
        .output()
        .unwrap()
}

/// A CSV file with no line break after its last row: the streamed way (a
/// file) copies the row as it was, and the in-memory way (stdin, a
/// restore) now writes it so too while that row is last (until 2026-12-07
/// it added a line break, so one input gave two outputs, and a restore did
/// not give back the file the merge had read).
#[test]
fn a_csv_without_a_final_line_break_is_written_back_so_every_way() {
    let s = Sandbox::new();
    let text = "Record ID,Email\r\n1,a@x.com\r\n2,\"b\r\nx@x.com\"\r\n3,c@x.com";
    s.write("nn.csv", text);
    for (name, plan) in [
        ("empty.csv", "primary_id,secondary_id\n"),
        ("one_into_three.csv", "primary_id,secondary_id\n3,1\n"),
        ("three_into_one.csv", "primary_id,secondary_id\n1,3\n"),
    ] {
        s.write(name, plan);
        let args = |export: &str| {
            vec![
                "apply".to_string(),
                export.into(),
                "--plan".into(),
                name.into(),
                "-o".into(),
                "-".into(),
                "-q".into(),
            ]
        };
        let file = s.cmd().args(args("nn.csv")).output().unwrap();
        let piped = (s.cmd().args(args("-")))
            .write_stdin(text)
            .output()
            .unwrap();
        assert!(
            file.status.success() && piped.status.success(),
            "{}",
            stderr(&piped)
        );
        assert_eq!(
            String::from_utf8_lossy(&piped.stdout),
            String::from_utf8_lossy(&file.stdout),
            "{name}"
        );
    }
    let out = (s.cmd())
        .args(["apply", "-", "--plan", "empty.csv", "-o", "-", "-q"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), text);
    // Merged with a journal, restored: the file as it was.
    let merged = s
        .cmd()
        .args([
            "merge",
            "nn.csv",
            "1",
            "2",
            "-o",
            "m.csv",
            "--journal",
            "j.jsonl",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(merged.status.success(), "{}", stderr(&merged));
    let restored = s
        .cmd()
        .args([
            "unmerge",
            "m.csv",
            "1",
            "--restore",
            "2",
            "--journal",
            "j.jsonl",
            "-o",
            "r.csv",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(restored.status.success(), "{}", stderr(&restored));
    assert_eq!(String::from_utf8(s.read("r.csv")).unwrap(), text);
}
