//! The record reader behind `show`, `diff` and `check` (issue 18): one
//! pass that parses only the records asked for, with every other record
//! checked as it is read; `format::find_contacts` can stop at the last id
//! it needs (`Reading::UntilFound`), which `show` and `diff` do not (they
//! refuse an export with a fault anywhere, as every command does).

use contact_merge::format::{self, Format, Reading};
use contact_merge::gen::{generate, to_csv_export, GenOptions};

use crate::util::{stderr, stdout, Sandbox};

/// Three contacts, then a tail that is no export at all.
fn with_garbage_tail() -> Vec<(&'static str, String, &'static str)> {
    let (a, b, c) = (
        r#"{"id":"1","properties":{"email":"a@x.com","firstname":"Ann"}}"#,
        r#"{"id":"2","properties":{"email":"b@x.com","firstname":"Bo"}}"#,
        r#"{"id":"3","properties":{}}"#,
    );
    vec![
        (
            "g.csv",
            "Record ID,Email,First Name\n1,a@x.com,Ann\n2,b@x.com,Bo\n3,,\n4,x,y,z,\"open\n"
                .to_string(),
            "line 5",
        ),
        ("g.ndjson", format!("{a}\n{b}\n{c}\n{{\"id\": \n"), "line 4"),
        (
            "g.json",
            format!("[{a},\n{b},\n{c},\n{{\"id\" 4}}"),
            "line 4",
        ),
        (
            "r.json",
            format!("{{\"results\":[{a},{b},{c},{{]}}]}}"),
            "line 1",
        ),
        (
            "c.json",
            format!(
                "{{\"portal\":7,\"contacts\":[{a},{b},{c}],\"deals\":[{{\"id\":1,\"id\":2}}]}}"
            ),
            "top level",
        ),
    ]
}

#[test]
fn reading_until_found_stops_at_the_last_id_asked_for() {
    let s = Sandbox::new();
    for (name, text, fault) in with_garbage_tail() {
        let path = s.write(name, &text);
        let found = format::find_contacts(&path, None, &["2", "1"], Reading::UntilFound)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .contacts;
        assert_eq!(found["1"].prop("firstname"), Some("Ann"), "{name}");
        assert_eq!(found["2"].prop("email"), Some("b@x.com"), "{name}");
        // Read whole, the tail refuses the export, naming its place.
        let e = format::find_contacts(&path, None, &["2", "1"], Reading::Whole)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!("{}: {fault}", path.display())),
            "{name}: {e}"
        );
        // An id not in the export: read to the end, so refused too.
        assert!(format::find_contacts(&path, None, &["9"], Reading::UntilFound).is_err());
    }
}

#[test]
fn show_and_diff_stop_before_a_fault_after_their_ids_and_check_still_finds_it() {
    // The decision of issue 18: `show` and `diff` read up to the last id
    // they need and no further, so a fault after those ids is not theirs
    // to see; `check` reads everything and reports it. Asked for an id
    // the file lacks, they read on to the fault and refuse the export.
    let s = Sandbox::new();
    for (name, text, fault) in with_garbage_tail() {
        s.write(name, &text);
        let show = s.cmd().args(["show", name, "1"]).output().unwrap();
        assert_eq!(show.status.code(), Some(0), "{name}: {}", stderr(&show));
        assert!(stdout(&show).contains("Ann"), "{name}: {}", stdout(&show));
        let diff = s
            .cmd()
            .args([
                "diff",
                name,
                "1",
                "2",
                "--merge-time",
                "2024-06-01T00:00:00Z",
            ])
            .output()
            .unwrap();
        assert_eq!(diff.status.code(), Some(0), "{name}: {}", stderr(&diff));
        assert!(stdout(&diff).contains("Merge preview"), "{name}");

        let check = s.cmd().args(["check", name]).output().unwrap();
        assert_eq!(check.status.code(), Some(1), "{name}: check must find it");

        for args in [
            vec!["show", name, "1", "not-in-file"],
            vec![
                "diff",
                name,
                "1",
                "not-in-file",
                "--merge-time",
                "2024-06-01T00:00:00Z",
            ],
        ] {
            let out = s.cmd().args(&args).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            assert!(stdout(&out).is_empty());
            let err = stderr(&out);
            assert!(
                err.starts_with(&format!("error: {name}: {fault}")),
                "{args:?}: {err}"
            );
        }
    }
}

/// One export in every JSON shape and the other formats, with the same
/// contacts.
fn every_shape() -> Vec<(&'static str, String)> {
    let a = r#"{"id":"1","properties":{"email":"a@x.com","firstname":"Ann","lastmodifieddate":"2024-01-01T00:00:00Z"}}"#;
    let b = r#"{"id":2,"properties":{"email":"b@x.com","firstname":"Bo","lastmodifieddate":"2024-02-01T00:00:00Z"},"engagements":[{"id":"e1","type":"NOTE","body":"say \"hi\" ]}["}]}"#;
    let c = r#"{"id":"3","properties":{"email":"c@x.com"}}"#;
    vec![
        ("array.json", format!("[{a},{b},{c}]")),
        (
            "pretty.json",
            format!("\u{feff}[\r\n  {a},\r\n  {b},\r\n  {c}\r\n]\r\n"),
        ),
        ("page.json", format!("{{\"results\":[{a},{b},{c}],\"paging\":{{\"next\":{{\"after\":\"4\"}}}}}}")),
        (
            "export.json",
            format!("{{\"portal\":7,\"contacts\":[\n{a},\n{b},\n{c}\n],\"deals\":[{{\"id\":\"d\"}}]}}\n"),
        ),
        ("lines.ndjson", format!("{a}\n\n{b}\r\n{c}")),
    ]
}

#[test]
fn json_documents_of_every_shape_go_through_show_diff_and_check() {
    let s = Sandbox::new();
    let mut previews = Vec::new();
    for (name, text) in every_shape() {
        s.write(name, &text);
        let out = s
            .cmd()
            .args(["show", name, "2", "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let shown: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(shown[0]["properties"]["firstname"], "Bo", "{name}");
        assert_eq!(
            shown[0]["engagements"][0]["body"], "say \"hi\" ]}[",
            "{name}"
        );
        let out = s
            .cmd()
            .args([
                "diff",
                name,
                "2",
                "1",
                "--merge-time",
                "2024-06-01T00:00:00Z",
            ])
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        previews.push(stdout(&out));
        let out = s.cmd().args(["check", name]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stdout(&out));
        assert!(
            stderr(&out).contains(&format!("{name}: 3 contacts, no problems")),
            "{name}: {}",
            stderr(&out)
        );
    }
    // The same preview from every shape.
    assert!(previews.windows(2).all(|w| w[0] == w[1]), "{previews:?}");
}

#[test]
fn show_reads_stdin_a_piece_at_a_time_when_its_format_is_given() {
    let s = Sandbox::new();
    for (name, text) in every_shape() {
        let format = if name.ends_with(".ndjson") {
            "ndjson"
        } else {
            "json"
        };
        for extra in [vec!["--input-format", format], vec![]] {
            let out = s
                .cmd()
                .args(["show", "-", "3"])
                .args(&extra)
                .write_stdin(text.clone())
                .output()
                .unwrap();
            assert!(out.status.success(), "{name} {extra:?}: {}", stderr(&out));
            assert!(stdout(&out).contains("c@x.com"), "{name}");
        }
    }
}

#[test]
fn check_reads_a_big_generated_export_in_every_format() {
    let g = generate(&GenOptions {
        contacts: 20_000,
        duplicate_rate: 0.1,
        seed: 18,
    });
    let s = Sandbox::new();
    let csv = to_csv_export(&g);
    let mut files = Vec::new();
    for (name, export, f) in [
        ("big.json", &g.export, Format::Json),
        ("big.ndjson", &g.export, Format::Ndjson),
        ("big.csv", &csv, Format::Csv),
    ] {
        s.write(name, format::write_to_vec(export, f));
        files.push(name);
    }
    let out = s
        .cmd()
        .arg("check")
        .args(&files)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    for f in report["files"].as_array().unwrap() {
        assert_eq!(f["contacts"], 20_000, "{f}");
    }
    // The library's whole reading agrees with check on what it finds.
    for name in &files {
        let whole = format::read_path(&s.path(name), None);
        let problems = report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["file"] == *name)
            .count();
        if whole.is_err() {
            assert!(problems > 0, "{name}");
        }
    }
    // The last contact, found by show without keeping the others.
    let last = &g.export.contacts.last().unwrap().id;
    for name in &files {
        let out = s.cmd().args(["show", name, last]).output().unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(stdout(&out).contains(last.as_str()));
    }
}

#[test]
fn an_id_written_twice_after_the_ids_asked_for_is_found_only_by_a_whole_reading() {
    let s = Sandbox::new();
    let path = s.write(
        "d.ndjson",
        "{\"id\":\"1\"}\n{\"id\":\"2\"}\n{\"id\":\"3\"}\n{\"id\":\"1\"}\n",
    );
    let found = format::find_contacts(&path, None, &["2"], Reading::UntilFound).unwrap();
    assert_eq!(found.contacts.len(), 1);
    let e = format::find_contacts(&path, None, &["2"], Reading::Whole)
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 4 (id 1): the same id as line 1"), "{e}");
    // Read up to a repeat, it is found.
    let e = format::find_contacts(&path, None, &["3", "1"], Reading::UntilFound);
    assert_eq!(e.unwrap().contacts.len(), 2);
    let path = s.write(
        "e.ndjson",
        "{\"id\":\"1\"}\n{\"id\":\"1\"}\n{\"id\":\"3\"}\n",
    );
    let e = format::find_contacts(&path, None, &["3"], Reading::UntilFound)
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 2 (id 1): the same id as line 1"), "{e}");
}

#[test]
fn check_names_every_id_read_twice_from_a_file_as_from_stdin() {
    // A file is read again for the places of repeated ids (8 bytes an id
    // kept meanwhile); stdin keeps each id: the same report either way.
    let s = Sandbox::new();
    let text = "Record ID,Email\n1,a@x.com\n2,b@x.com\n1,bad\n3,c@x.com\n2,\n1,z@x.com\n";
    s.write("d.csv", text);
    let from_file = s
        .cmd()
        .args(["check", "d.csv", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(from_file.status.code(), Some(1));
    let from_stdin = s
        .cmd()
        .args(["check", "-", "--input-format", "csv", "--format", "json"])
        .write_stdin(text)
        .output()
        .unwrap();
    let report = |out: &std::process::Output| {
        let mut v: serde_json::Value = serde_json::from_str(&stdout(out)).unwrap();
        for p in v["problems"].as_array_mut().unwrap() {
            p["file"] = "f".into();
        }
        v["problems"].clone()
    };
    let problems = report(&from_file);
    assert_eq!(problems, report(&from_stdin));
    let places: Vec<(String, String)> = problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["place"].as_str().unwrap().to_string(),
                p["problem"].as_str().unwrap().chars().take(40).collect(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            (
                "line 4".to_string(),
                "duplicate id: the same id as line 2; ids".to_string()
            ),
            ("line 4".into(), "not a valid email address".into()),
            (
                "line 6".into(),
                "duplicate id: the same id as line 3; ids".into()
            ),
            (
                "line 7".into(),
                "duplicate id: the same id as line 2; ids".into()
            ),
        ]
    );
}
