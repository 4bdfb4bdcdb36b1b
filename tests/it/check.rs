use crate::util::{stderr, stdout, Sandbox};

#[test]
fn fixtures_are_clean() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args(["check", "contacts.json", "contacts.ndjson", "contacts.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("contacts.csv: 5 contacts, no problems"));
}

const BAD: &str = r#"[
 {"id": "1", "properties": {"email": "jane@@acme", "lifecyclestage": "partner", "createdate": "31/13/2023"}},
 {"id": "1", "properties": {"email": "ok@acme.com", "num_conversion_events": "lots"}},
 {"properties": {"email": "noid@acme.com"}}
]"#;

#[test]
fn every_problem_is_reported_with_exit_1() {
    let s = Sandbox::new();
    s.write("bad.json", BAD);
    let before = s.files();
    let out = s
        .cmd()
        .args(["check", "bad.json", "contacts.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(s.files(), before, "check writes nothing");
    let text = stdout(&out);
    for needle in [
        "jane@@acme",
        "not a valid email address",
        "partner",
        "--lifecycle-order",
        "31/13/2023",
        "lots",
        "duplicate id",
        "has no \"id\"",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
    assert!(
        stderr(&out).contains("bad.json: 3 contacts, 6 problems"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn json_report_lists_problems() {
    let s = Sandbox::new();
    s.write("bad.json", BAD);
    let out = s
        .cmd()
        .args(["check", "bad.json", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 6);
    assert_eq!(problems[0]["file"], "bad.json");
    assert!(problems.iter().any(|p| p["record"] == "1"
        && p["property"] == "lifecyclestage"
        && p["value"] == "partner"));
    // Every record, the one without an id included.
    assert_eq!(v["files"][0]["contacts"], 3);
}

/// Regression (bug hunt E, B10): a JSON file whose only contact cannot be
/// read counted "0 contacts", its JSON Lines twin "1" beside a good one.
/// Every format counts the records the file holds, bad ones included
/// (DECISIONS, check, 2026-12-07).
#[test]
fn contacts_counted_are_the_records_read_bad_ones_included() {
    let s = Sandbox::new();
    let bad = r#"{"id": "1", "properties": {"email": "a@x.com", "email": "b@x.com"}}"#;
    s.write("one.json", format!("[\n  {bad}\n]\n"));
    s.write("one.ndjson", format!("{bad}\n"));
    s.write("one.csv", "Record ID,Email\n,a@x.com\n");
    s.write(
        "two.json",
        format!("[{{\"id\": \"2\"}}, {bad}, {{\"properties\": {{}}}}]"),
    );
    s.write(
        "two.ndjson",
        format!("{{\"id\": \"2\"}}\n{bad}\nnot json\n"),
    );
    for (file, says) in [
        ("one.json", "one.json: 1 contact, 1 problem"),
        ("one.ndjson", "one.ndjson: 1 contact, 1 problem"),
        ("one.csv", "one.csv: 1 contact, 1 problem"),
        ("two.json", "two.json: 3 contacts, 2 problems"),
        ("two.ndjson", "two.ndjson: 3 contacts, 2 problems"),
    ] {
        let out = s.cmd().args(["check", file]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{file}");
        assert!(stderr(&out).contains(says), "{file}: {}", stderr(&out));
    }
    // A file cut short: the records read before the cut (the one cut is
    // not told from what follows it, nor counted).
    s.write("cut.json", "[{\"id\": \"1\"}, {\"id\"");
    let out = s.cmd().args(["check", "cut.json"]).output().unwrap();
    assert!(
        stderr(&out).contains("cut.json: 1 contact, 1 problem"),
        "{}",
        stderr(&out)
    );
    // A file that cannot be read at all holds no contact anyone can count.
    s.write("cut.csv", "Record ID,\"Email\n1,a@x.com\n");
    let out = s.cmd().args(["check", "cut.csv"]).output().unwrap();
    assert!(
        stderr(&out).contains("cut.csv: 0 contacts, 1 problem"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn custom_lifecycle_order_is_used() {
    let s = Sandbox::new();
    s.write(
        "p.json",
        r#"[{"id": "1", "properties": {"lifecyclestage": "Partner"}}]"#,
    );
    let out = s
        .cmd()
        .args([
            "check",
            "p.json",
            "--lifecycle-order",
            "lead,partner,customer",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    s.write("stages.txt", "# our funnel\nlead\npartner\ncustomer\n");
    let out = s
        .cmd()
        .args(["check", "p.json", "--lifecycle-order", "@stages.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn unreadable_file_is_a_problem_and_others_are_still_checked() {
    let s = Sandbox::new();
    s.write("broken.json", "[{\"id\": \"1\",");
    let out = s
        .cmd()
        .args(["check", "broken.json", "contacts.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("truncated"), "{}", stdout(&out));
    assert!(stderr(&out).contains("contacts.json: 5 contacts, no problems"));
}

/// An engagement's timestamp that is no date: the merge refuses it (the
/// timeline is ordered by it), so `check` reports it, in every JSON form
/// (it passed them: only history and `createdAt`/`updatedAt` were read).
#[test]
fn an_engagement_time_the_merge_would_refuse_is_reported() {
    let s = Sandbox::new();
    let one = r#"{"id":"1","properties":{"email":"a@x.example"},"engagements":[{"id":"e0","timestamp":1709287200000}]}"#;
    let two = r#"{"id":"2","properties":{"email":"b@x.example"},"engagements":[{"id":"e1","type":"NOTE","timestamp":"garbage"}]}"#;
    s.write("e.ndjson", format!("{one}\n{two}\n"));
    s.write("e.json", format!("[{one},\n{two}]\n"));
    for f in ["e.ndjson", "e.json"] {
        let out = s
            .cmd()
            .args(["check", f, "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{f}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains("engagements timestamp") && text.contains("garbage"),
            "{f}: {text}"
        );
    }
}

/// SPEC 3: a header nothing maps is kept as a custom property and `check`
/// lists it, with or without the portal's definitions: a misspelt column
/// of a built-in property would otherwise pass unnoticed (and a merge
/// treat it as any custom property).
#[test]
fn headers_nothing_maps_are_listed() {
    let s = Sandbox::new();
    s.write(
        "typo.csv",
        "Record ID,E-mail Address,Lifecycle Stage\n1,a@x.com,Lead\n2,b@x.com,Lead\n",
    );
    let out = s.cmd().args(["check", "typo.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "the list is a note, not a problem");
    let err = stderr(&out);
    assert!(
        err.contains("typo.csv: 1 header no built-in label maps")
            && err.contains("\"E-mail Address\"")
            && err.contains("--properties FILE"),
        "{err}"
    );
    assert!(!err.contains("Lifecycle Stage"), "{err}");
    let out = s
        .cmd()
        .args(["check", "typo.csv", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["files"][0]["unmapped_headers"],
        serde_json::json!(["E-mail Address"])
    );
    let out = s
        .cmd()
        .args(["check", "typo.csv", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(stderr(&out), "");
    // A workbook's headers, as its CSV's (HubSpot's own XLSX export).
    let xlsx = crate::util::fixtures()
        .join("real")
        .join("hubspot-export.xlsx");
    let out = s.cmd().arg("check").arg(&xlsx).output().unwrap();
    assert!(
        stderr(&out).contains("2 headers no built-in label maps, kept as custom properties: \"Associated Company\", \"Notes\""),
        "{}",
        stderr(&out)
    );
}

/// `check`'s JSON report on `file` (a copy of `fixtures/bad/<name>`), run
/// on the file and on stdin: the exit code and the report.
fn json_report(s: &Sandbox, name: &str, stdin: bool) -> (Option<i32>, serde_json::Value) {
    let bad = crate::util::fixtures().join("bad").join(name);
    std::fs::copy(&bad, s.path(name)).unwrap();
    let mut cmd = s.cmd();
    cmd.args(["check", "--format", "json"]);
    if stdin {
        cmd.args(["-", "--input-format", "csv"])
            .write_stdin(s.read(name));
    } else {
        cmd.arg(name);
    }
    let out = cmd.output().unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code(), report)
}

/// Each problem as (place, record, property, value) and the start of what
/// it says.
fn problems(report: &serde_json::Value) -> Vec<(String, String)> {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("-").to_string();
    let list = report["problems"].as_array().unwrap();
    list.iter()
        .map(|p| {
            let said = text(&p["problem"]);
            let what = [&p["place"], &p["record"], &p["property"], &p["value"]].map(text);
            (what.join(" | "), said)
        })
        .collect()
}

/// A CSV row with more or fewer fields than the header is a problem of
/// that row, with its id when it has one; the rows after it are still
/// read and checked, and every row is counted. (It used to end the
/// reading: one problem, 0 contacts, the other faults never found.)
#[test]
fn rows_of_the_wrong_length_are_reported_each_and_the_rest_is_checked() {
    let s = Sandbox::new();
    for stdin in [false, true] {
        let (code, report) = json_report(&s, "csv-ragged-rows.csv", stdin);
        assert_eq!(code, Some(1), "{report}");
        assert_eq!(report["files"][0]["contacts"], 7, "{report}");
        assert_eq!(report["files"][0]["problems"], 6, "{report}");
        let found = problems(&report);
        let places: Vec<&str> = found.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(
            places,
            [
                "line 2 | 1 | email | not-an-email",
                "line 3 | 2 | - | -",
                "line 4 | 3 | email | also bad",
                "line 5 | 4 | - | -",
                "line 6 | - | - | -",
                "line 8 | 7 | email | gus@example",
            ],
            "stdin {stdin}"
        );
        let said = |i: usize| found[i].1.as_str();
        assert_eq!(said(1), "the row has 5 fields but the header has 4; fix the row (a stray comma or an unquoted line break?)");
        assert!(
            said(3).starts_with("the row has 3 fields but the header has 4; fix the row (")
                && said(3).contains("empty cells at its end left out"),
            "{}",
            said(3)
        );
        assert!(said(4).starts_with("the row has 5 fields"), "{}", said(4));
    }
    // Every command that reads the export still refuses it, at the first
    // such row, with the record's id.
    let out = s
        .cmd()
        .args(["merge", "csv-ragged-rows.csv", "1", "3", "-o", "out.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("csv-ragged-rows.csv: line 3 (id 2): the row has 5 fields"),
        "{}",
        stderr(&out)
    );
    assert!(!s.path("out.csv").exists());
}

/// A quoted cell still open at the end of the file cannot be read past:
/// it is the last problem, after the faults of the rows before it, which
/// are counted.
#[test]
fn a_quote_left_open_ends_the_check_after_the_faults_before_it() {
    let s = Sandbox::new();
    for stdin in [false, true] {
        let (code, report) = json_report(&s, "csv-truncated-after-faults.csv", stdin);
        assert_eq!(code, Some(1), "{report}");
        assert_eq!(report["files"][0]["contacts"], 2, "{report}");
        let found = problems(&report);
        let places: Vec<&str> = found.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(
            places,
            [
                "line 2 | 1 | email | not-an-email",
                "line 3 | 2 | - | -",
                "line 4 | - | - | -",
            ],
            "stdin {stdin}"
        );
        assert!(found[2].1.contains("still open at the end of the file"));
    }
}

/// A JSON document with a malformed contact cannot be read past it (where
/// the next contact starts cannot be told for sure): the contacts before
/// it are checked and counted, and the fault is the last problem.
#[test]
fn malformed_json_ends_the_check_after_the_contacts_before_it() {
    let s = Sandbox::new();
    s.write(
        "m.json",
        "[\n {\"id\": \"1\", \"properties\": {\"email\": \"bad\"}},\n {\"id\": \"2\" \"properties\": {}},\n {\"id\": \"3\", \"properties\": {\"email\": \"also bad\"}}\n]\n",
    );
    let out = s
        .cmd()
        .args(["check", "--format", "json", "m.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["files"][0]["contacts"], 1, "{report}");
    let found = problems(&report);
    let places: Vec<&str> = found.iter().map(|(w, _)| w.as_str()).collect();
    assert_eq!(
        places,
        [
            "contact 1 | 1 | email | bad",
            "line 3, column 13 | - | - | -"
        ]
    );
    assert!(found[1].1.starts_with("malformed JSON"), "{}", found[1].1);
}

#[test]
fn an_excel_serial_number_in_a_date_column_is_named_and_never_merged_as_1970() {
    // A spreadsheet's date column left unformatted: 44800 is 2022-08-27,
    // which as epoch milliseconds would be the oldest create date there is.
    let s = Sandbox::new();
    s.write(
        "s.csv",
        "Record ID,Email,Create Date,Last Modified Date\n1,a@x.com,2022-01-01,2024-01-01\n2,b@x.com,44800,45000\n",
    );
    let out = s.cmd().args(["check", "s.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("looks like an Excel date serial number (2022-08-27)"),
        "{}",
        stdout(&out)
    );
    let out = s
        .cmd()
        .args(["merge", "s.csv", "1", "2", "-o", "m.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("contact 2: createdate (column \"Create Date\") '44800' looks like an Excel date serial number"),
        "{}",
        stderr(&out)
    );
    assert!(!s.path("m.csv").exists());
}

#[test]
fn a_spreadsheets_error_value_is_a_warning() {
    // `#N/A` under a Salesforce id made a merge warn that both contacts
    // sync to Salesforce.
    let s = Sandbox::new();
    s.write(
        "na.csv",
        "Record ID,Email,Salesforce Contact ID\n1,a@x.com,#N/A\n2,b@x.com,#ref!\n3,c@x.com,#1 fan\n",
    );
    let out = s.cmd().args(["check", "na.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no problems, 2 warnings"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("is a spreadsheet's error value"),
        "{}",
        stdout(&out)
    );
    let out = s
        .cmd()
        .args(["check", "na.csv", "--strict"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}
