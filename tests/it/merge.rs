//! `merge`: the whole export written with the merged contact in the
//! primary's place, in every format; atomic; deterministic.

use crate::util::{stderr, stdout, Sandbox};

const T: &str = "2024-06-01T00:00:00Z";

fn merge(s: &Sandbox, args: &[&str]) -> std::process::Output {
    s.cmd()
        .arg("merge")
        .args(args)
        .args(["--merge-time", T])
        .output()
        .unwrap()
}

#[test]
fn json_export_keeps_its_shape_and_other_sections() {
    let s = Sandbox::new();
    let out = merge(&s, &["contacts.json", "101", "102", "-o", "out.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("merged 102 into 101 (policy most-recent)"));
    let v: serde_json::Value = serde_json::from_slice(&s.read("out.json")).unwrap();
    assert_eq!(v["portalId"], 4242);
    assert_eq!(
        v["deals"].as_array().unwrap().len(),
        3,
        "other sections pass through"
    );
    let contacts = v["contacts"].as_array().unwrap();
    let ids: Vec<&str> = contacts.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["101", "103", "104", "105"]);
    let m = &contacts[0];
    assert_eq!(m["properties"]["email"], "jane.doe@acme.com");
    assert_eq!(
        m["properties"]["hs_additional_emails"],
        "janedoe@gmail.com;jane@doe-family.net"
    );
    assert_eq!(m["properties"]["lifecyclestage"], "customer");
    assert_eq!(m["properties"]["num_conversion_events"], "5");
    assert_eq!(m["properties"]["createdate"], "2021-03-04T09:15:00.000Z");
    assert_eq!(m["properties"]["hs_merged_object_ids"], "102;99");
    // Associations keep the form they were read in.
    let deals: Vec<&str> = m["associations"]["deals"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(deals, ["301", "302"]);
    assert_eq!(m["associations"]["companies"]["results"][0]["id"], "201");
    // One MERGE event at the merge time.
    let merges: Vec<&serde_json::Value> = m["engagements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "MERGE")
        .collect();
    assert_eq!(merges.len(), 1);
    assert_eq!(merges[0]["timestamp"], "2024-06-01T00:00:00.000Z");
    // The secondary's email was newer: the email history gets the merge entry.
    assert_eq!(
        m["propertiesWithHistory"]["email"][0]["sourceType"],
        "MERGE_CONTACTS"
    );
    // Subscriptions stay per email.
    assert!(m["subscriptions"]["janedoe@gmail.com"].is_array());
    // The input is untouched.
    assert_eq!(
        s.read("contacts.json"),
        std::fs::read(crate::util::fixtures().join("contacts.json")).unwrap()
    );
}

#[test]
fn csv_export_keeps_headers_and_label_values() {
    let s = Sandbox::new();
    let out = merge(&s, &["contacts.csv", "103", "104", "-o", "out.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(s.read("out.csv")).unwrap();
    let original = String::from_utf8(s.read("contacts.csv")).unwrap();
    assert_eq!(
        text.lines().next(),
        original.lines().next(),
        "headers verbatim"
    );
    let row = text.lines().find(|l| l.starts_with("103,")).unwrap();
    assert!(
        row.contains(",Sales Qualified Lead,"),
        "label form kept: {row}"
    );
    assert!(
        row.contains(",2020-11-02 08:00,"),
        "oldest create date, CSV form: {row}"
    );
    assert!(row.contains(",bob.smith@globex.example,"), "{row}");
    assert!(!text.lines().any(|l| l.starts_with("104,")));
    assert!(row.ends_with(",203,305,"), "deals of both: {row}");
}

#[test]
fn ndjson_and_format_conversion() {
    let s = Sandbox::new();
    let out = merge(&s, &["contacts.ndjson", "101", "102", "-o", "out.ndjson"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(s.read("out.ndjson"))
            .unwrap()
            .lines()
            .count(),
        4
    );
    // -o's extension picks the format; CSV warns about what it cannot hold.
    let out = merge(&s, &["contacts.json", "101", "102", "-o", "out.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(s.read("out.csv").starts_with(b"hs_object_id,"));
    // Each says what another part loses: all are shown, none summarised
    // as a repeat (eight of thirteen were hidden behind "and 8 more").
    let err = stderr(&out);
    assert!(err.contains("CSV has no column for "), "{err}");
    assert!(!err.contains("more output warnings"), "{err}");
    assert!(
        err.lines().filter(|l| l.starts_with("warning: ")).count() > 5,
        "{err}"
    );
    // --output-format overrides; -o - writes to stdout.
    let out = merge(
        &s,
        &[
            "contacts.csv",
            "101",
            "102",
            "-o",
            "-",
            "--output-format",
            "ndjson",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 4);
}

#[test]
fn same_input_and_merge_time_give_the_same_bytes() {
    let s = Sandbox::new();
    for f in ["contacts.json", "contacts.csv", "contacts.ndjson"] {
        let ext = f.rsplit('.').next().unwrap();
        let a = format!("a.{ext}");
        let b = format!("b.{ext}");
        assert!(merge(&s, &[f, "101", "102", "-o", &a]).status.success());
        assert!(merge(&s, &[f, "101", "102", "-o", &b]).status.success());
        assert_eq!(s.read(&a), s.read(&b), "{f}");
    }
}

#[test]
fn in_place_only_when_asked() {
    let s = Sandbox::new();
    let out = merge(&s, &["contacts.json", "101", "102", "-o", "contacts.json"]);
    assert_eq!(out.status.code(), Some(2));
    let out = merge(&s, &["contacts.json", "101", "102"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        s.read("contacts.json"),
        std::fs::read(crate::util::fixtures().join("contacts.json")).unwrap()
    );
    let out = merge(&s, &["contacts.json", "101", "102", "--in-place"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&s.read("contacts.json")).unwrap();
    assert_eq!(v["contacts"].as_array().unwrap().len(), 4);
}

#[test]
fn refusals_write_nothing() {
    let s = Sandbox::new();
    s.write(
        "bad.json",
        r#"[{"id": "1", "properties": {"lifecyclestage": "lead", "num_conversion_events": "2"}},
            {"id": "2", "properties": {"lifecyclestage": "partner", "num_conversion_events": "x"}}]"#,
    );
    let before = s.files();
    for (args, needle) in [
        (
            vec!["contacts.json", "101", "101", "-o", "o.json"],
            "same contact",
        ),
        (
            vec!["contacts.json", "101", "404", "-o", "o.json"],
            "contact 404 is not in the export",
        ),
        (
            vec![
                "contacts.json",
                "101",
                "102",
                "--max-merges",
                "1",
                "-o",
                "o.json",
            ],
            "--max-merges",
        ),
        (
            vec!["bad.json", "1", "2", "-o", "o.json"],
            "contact 2: lifecyclestage 'partner'",
        ),
    ] {
        let out = merge(&s, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(err.contains(args[0]), "names the file: {err}");
    }
    let out = merge(
        &s,
        &[
            "bad.json",
            "1",
            "2",
            "--lifecycle-order",
            "lead,partner",
            "-o",
            "o.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("num_conversion_events 'x' is not a whole number"),
        "{}",
        stderr(&out)
    );
    assert_eq!(s.files(), before, "nothing written");
}

#[test]
fn journal_of_a_single_merge_restores_it() {
    let s = Sandbox::new();
    let out = merge(
        &s,
        &[
            "contacts.json",
            "101",
            "102",
            "-o",
            "m.json",
            "--journal",
            "j.jsonl",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = s
        .cmd()
        .args([
            "unmerge",
            "m.json",
            "101",
            "--restore",
            "102",
            "--journal",
            "j.jsonl",
            "-o",
            "r.json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.read("r.json"), s.read("contacts.json"));
}

/// `merge` read from stdin: always the in-memory way.
fn merge_stdin(s: &Sandbox, file: &str, args: &[&str]) -> std::process::Output {
    let ext = file.rsplit('.').next().unwrap();
    s.cmd()
        .arg("merge")
        .arg("-")
        .args(["--input-format", ext])
        .args(args)
        .args(["--merge-time", T])
        .write_stdin(s.read(file))
        .output()
        .unwrap()
}

#[test]
fn one_pass_merge_of_csv_and_json_lines_is_the_in_memory_one() {
    let s = Sandbox::new();
    for (file, pair) in [
        ("contacts.csv", ["101", "102"]),
        ("contacts.ndjson", ["101", "102"]),
        ("contacts.csv", ["105", "103"]),
        ("contacts.ndjson", ["104", "101"]),
    ] {
        let ext = file.rsplit('.').next().unwrap();
        let (a, b) = (format!("a.{ext}"), format!("b.{ext}"));
        let one_pass = merge(
            &s,
            &[file, pair[0], pair[1], "-o", &a, "--journal", "a.jsonl"],
        );
        assert!(one_pass.status.success(), "{}", stderr(&one_pass));
        let in_memory = merge_stdin(
            &s,
            file,
            &[pair[0], pair[1], "-o", &b, "--journal", "b.jsonl"],
        );
        assert!(in_memory.status.success(), "{}", stderr(&in_memory));
        assert!(s.read(&a) == s.read(&b), "{file} {pair:?}: outputs differ");
        assert_eq!(
            String::from_utf8(s.read("a.jsonl")).unwrap(),
            String::from_utf8(s.read("b.jsonl")).unwrap(),
            "{file} {pair:?}: journals differ"
        );
        assert_eq!(
            stderr(&one_pass)
                .replace(&a, "OUT")
                .replace("a.jsonl", "JOURNAL"),
            stderr(&in_memory)
                .replace(&b, "OUT")
                .replace("b.jsonl", "JOURNAL")
        );
        assert!(stderr(&one_pass).contains(", journal a.jsonl"));
        // To stdout too.
        let out = merge(&s, &[file, pair[0], pair[1], "-o", "-"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(out.stdout == s.read(&a), "{file} {pair:?}: stdout differs");
    }
}

#[test]
fn one_pass_merge_refuses_like_the_in_memory_one() {
    // A missing id, a merged-away id (99 was merged into 101: apply would
    // follow it, merge does not), the same contact, the merge limit.
    let s = Sandbox::new();
    let before = s.files();
    for file in ["contacts.csv", "contacts.ndjson"] {
        for args in [
            vec!["101", "404"],
            vec!["102", "99"],
            vec!["99", "102"],
            vec!["101", "101"],
            vec!["101", "102", "--max-merges", "1"],
        ] {
            let mut all = vec![file];
            all.extend(&args);
            all.extend(["-o", "o.csv"]);
            let one_pass = merge(&s, &all);
            let in_memory = merge_stdin(&s, file, &[&args[..], &["-o", "o.csv"]].concat());
            assert_eq!(one_pass.status.code(), Some(1), "{file} {args:?}");
            assert_eq!(
                stderr(&one_pass).replace(file, "-"),
                stderr(&in_memory),
                "{file} {args:?}"
            );
        }
    }
    assert_eq!(s.files(), before, "nothing written");
}

#[test]
fn one_pass_merge_copies_other_records_as_they_are() {
    let s = Sandbox::new();
    s.write(
        "q.csv",
        "Record ID,Email\n1,a@x.com\n2,b@x.com\n\"3\",\"c@x.com\"\n",
    );
    let out = merge(&s, &["q.csv", "1", "2", "-o", "out.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(s.read("out.csv")).unwrap();
    // Only the new columns' empty cells are added.
    assert!(text.ends_with("\n\"3\",\"c@x.com\",,\n"), "{text}");
    // The in-memory way writes every row anew.
    let out = merge_stdin(&s, "q.csv", &["1", "2", "-o", "-"]);
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .ends_with("\n3,c@x.com,,\n"));
}

/// What the merge did with the sections reaches its report (SPEC section
/// 4): the secondary's companies dropped and named, the lists to
/// re-evaluate, and with --enroll-on-merge the workflows marked; in the
/// summary and, whole, in the JSON report, from a file and from stdin
/// alike. Only `diff` showed them before.
#[test]
fn the_report_names_what_the_merge_did_with_the_sections() {
    let s = Sandbox::new();
    let args = [
        "101",
        "102",
        "--merge-time",
        "2024-06-01T00:00:00Z",
        "--enroll-on-merge",
    ];
    let from_file = s
        .cmd()
        .args(["merge", "contacts.json"])
        .args(args)
        .args(["-o", "a.json", "--format", "json"])
        .output()
        .unwrap();
    let from_stdin = s
        .cmd()
        .args(["merge", "-", "--input-format", "json"])
        .args(args)
        .args(["-o", "b.json", "--format", "json"])
        .write_stdin(s.read("contacts.json"))
        .output()
        .unwrap();
    for out in [from_file, from_stdin] {
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        assert!(
            err.contains("companies: the primary's company associations are kept"),
            "{err}"
        );
        assert!(err.contains("(dropped: 202)"), "{err}");
        assert!(
            err.contains("active lists need re-evaluation: 14, 21"),
            "{err}"
        );
        assert!(
            err.contains("these workflows should see the merged contact as newly changed: wf-3"),
            "{err}"
        );
        let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let companies = report["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["section"] == "companies")
            .unwrap();
        assert_eq!(companies["dropped"], serde_json::json!(["202"]));
    }
}

/// A v1 export's merge reports its lists as `list-memberships` and not the
/// keys about the record itself (`canonical-vid`), which go with the
/// secondary in any merge.
#[test]
fn a_v1_merge_reports_its_lists_and_not_its_record_keys() {
    let s = Sandbox::new();
    s.write(
        "v1.json",
        r#"{"contacts": [
 {"vid": 1, "canonical-vid": 1, "portal-id": 62515, "properties": {"email": {"value": "a@x.com"}}, "list-memberships": []},
 {"vid": 2, "canonical-vid": 2, "portal-id": 62515, "properties": {"email": {"value": "b@x.com"}},
  "list-memberships": [{"static-list-id": 7, "internal-list-id": 7, "timestamp": 1484026585000, "vid": 2, "is-member": true}]}
], "has-more": false, "vid-offset": 2}"#,
    );
    let out = merge(&s, &["v1.json", "1", "2", "-o", "out.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("list-memberships: the secondary is removed from its static lists: 7"),
        "{err}"
    );
    assert!(!err.contains("canonical-vid"), "{err}");
}
