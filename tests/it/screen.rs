//! What a person sees: file content cannot drive the terminal, reasons and
//! warnings go to stderr (summarised, silenced by `--quiet`), `merge` has a
//! JSON report, counts read right, and a huge cell neither hangs a table
//! nor fills the screen.

use std::process::Output;

use serde_json::{json, Value};

use crate::util::{stderr, stdout, Sandbox};

const T: &str = "2024-06-01T00:00:00Z";

/// Run a command, with a fixed merge time for the commands that merge.
fn run(s: &Sandbox, args: &[&str]) -> Output {
    let mut cmd = s.cmd();
    cmd.args(args);
    if matches!(args.first(), Some(&("diff" | "merge" | "apply"))) {
        cmd.args(["--merge-time", T]);
    }
    cmd.output().unwrap()
}

/// A character that would act on a terminal instead of showing: a control
/// character other than the line break, or a bidi control.
fn acts_on_a_terminal(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn assert_inert(text: &str, what: &str) {
    if let Some(c) = text.chars().find(|&c| acts_on_a_terminal(c)) {
        panic!("{what}: {c:?} reaches the terminal raw:\n{text}");
    }
}

/// An escape that sets the window title, a colour, a clear screen, the C1
/// "CSI" and a right-to-left override.
const TITLE: &str = "\u{1b}]0;pwned\u{7}";
const RED: &str = "\u{1b}[31mRED";
const CLEAR: &str = "\u{1b}[2Jboss";
const CSI: &str = "csi\u{9b}2J";
const RLO: &str = "\u{202e}evil";

fn hostile(s: &Sandbox) {
    let contacts = json!([
        {"id": "1", "properties": {"firstname": format!("{RED}{TITLE}"), "lastname": RLO,
            "jobtitle": CSI, "email": "a@x.com", "lifecyclestage": "lead"}},
        {"id": "2", "properties": {"firstname": "Bob", "email": "b@x.com", "lifecyclestage": CLEAR}},
        {"id": "3", "properties": {"firstname": "Ann", "email": "c@x.com", "lifecyclestage": "lead"}},
        {"id": format!("4{TITLE}"), "properties": {"firstname": "Dup", "lastname": "Licate", "email": "dup@x.com"}},
        {"id": format!("5{RLO}"), "properties": {"firstname": "Dup", "lastname": "Licate", "email": "dup@x.com"}},
    ]);
    s.write(
        "hostile.json",
        serde_json::to_vec_pretty(&contacts).unwrap(),
    );
}

#[test]
fn file_content_cannot_drive_the_terminal() {
    let s = Sandbox::new();
    hostile(&s);
    s.write(
        "bad.plan.csv",
        format!("primary_id,secondary_id\n1,3\n1,9{CLEAR}\n"),
    );
    let cases: &[&[&str]] = &[
        &["show", "hostile.json", "1", "2"],
        &["diff", "hostile.json", "1", "3"],
        &["check", "hostile.json"],
        &["dupes", "hostile.json"],
        &["merge", "hostile.json", "1", "2", "-o", "out.json"],
        &[
            "apply",
            "hostile.json",
            "--plan",
            "bad.plan.csv",
            "-o",
            "out.json",
        ],
        &[
            "apply",
            "hostile.json",
            "--plan",
            "bad.plan.csv",
            "-o",
            "out.json",
            "--keep-going",
        ],
    ];
    for args in cases {
        let what = args.join(" ");
        let out = run(&s, args);
        assert_inert(&stdout(&out), &format!("{what} (stdout)"));
        assert_inert(&stderr(&out), &format!("{what} (stderr)"));
        assert!(
            format!("{}{}", stdout(&out), stderr(&out)).contains("\\u{1b}"),
            "{what}: the escape is shown as one:\n{}{}",
            stdout(&out),
            stderr(&out)
        );
    }
    // Shown as visible escapes.
    let shown = stdout(&run(&s, &["show", "hostile.json", "1"]));
    for escaped in [
        "\\u{1b}[31mRED\\u{1b}]0;pwned\\u{7}",
        "\\u{202e}evil",
        "csi\\u{9b}2J",
    ] {
        assert!(shown.contains(escaped), "{escaped} missing from\n{shown}");
    }
    // JSON and written files keep every value exactly.
    let out = run(&s, &["show", "hostile.json", "1", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["properties"]["firstname"], format!("{RED}{TITLE}"));
    assert_eq!(v[0]["properties"]["lastname"], RLO);
    assert_eq!(v[0]["properties"]["jobtitle"], CSI);
    let out = run(&s, &["merge", "hostile.json", "1", "3", "-o", "out.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&s.read("out.json")).unwrap();
    let merged = v
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "1")
        .unwrap();
    assert_eq!(merged["properties"]["lastname"], RLO);
    assert_eq!(merged["properties"]["jobtitle"], CSI);
}

#[test]
fn the_reasons_a_plan_was_refused_go_to_stderr() {
    let s = Sandbox::new();
    s.write(
        "plan.bad.csv",
        "primary_id,secondary_id\n101,102\n103,999\n",
    );
    let out = run(
        &s,
        &[
            "apply",
            "contacts.json",
            "--plan",
            "plan.bad.csv",
            "-o",
            "out.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.is_empty(),
        "stdout holds nothing: {}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(err.contains("line 3") && err.contains("999"), "{err}");
    assert!(err.contains("1 of 2 pairs of plan.bad.csv is bad"), "{err}");
    // With --format json the report is what was asked for: stdout.
    let out = run(
        &s,
        &[
            "apply",
            "contacts.json",
            "--plan",
            "plan.bad.csv",
            "-o",
            "out.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["skipped"][0]["place"], "line 3");
    assert!(stderr(&out).contains("nothing was written"));
    assert!(!s.path("out.json").exists());
}

/// 40 contacts that sync to Salesforce but every seventh; a plan merging
/// them in twos: 15 pairs where both sync, 5 where only the secondary does.
fn salesforce(s: &Sandbox) {
    let contacts: Vec<Value> = (1..=40)
        .map(|i| {
            let sf = if i % 7 == 0 { String::new() } else { format!("sf{i}") };
            json!({"id": i.to_string(), "properties": {"email": format!("u{i}@x.com"), "salesforcecontactid": sf}})
        })
        .collect();
    s.write("sf.json", serde_json::to_vec(&contacts).unwrap());
    let mut plan = String::from("primary_id,secondary_id\n");
    for i in (1..=40).step_by(2) {
        plan.push_str(&format!("{i},{}\n", i + 1));
    }
    s.write("sf.plan.csv", plan);
}

#[test]
fn repeated_warnings_are_summarised_and_quiet_silences_them() {
    let s = Sandbox::new();
    salesforce(&s);
    let args = [
        "apply",
        "sf.json",
        "--plan",
        "sf.plan.csv",
        "-o",
        "out.json",
    ];
    let out = run(&s, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let both = err
        .lines()
        .filter(|l| l.starts_with("warning: line") && l.contains("both sync"))
        .count();
    let unsynced = err
        .lines()
        .filter(|l| l.starts_with("warning: line") && l.contains("no longer synced"))
        .count();
    assert_eq!(
        (both, unsynced),
        (5, 3),
        "the first five of each kind:\n{err}"
    );
    assert!(
        err.contains("… and 10 more salesforce-both-sync warnings (15 in all)"),
        "{err}"
    );
    assert!(!err.contains("more salesforce-unsynced"), "{err}");

    let quiet = run(&s, &[&args[..], &["--quiet"]].concat());
    assert!(quiet.status.success());
    assert!(quiet.stderr.is_empty(), "{}", stderr(&quiet));

    // The JSON report has every one, with its kind.
    let out = run(&s, &[&args[..], &["--format", "json", "--quiet"]].concat());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings = report["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 18);
    let kind = |k: &str| warnings.iter().filter(|w| w["kind"] == k).count();
    assert_eq!(
        (kind("salesforce-both-sync"), kind("salesforce-unsynced")),
        (15, 3)
    );
    assert!(out.stderr.is_empty(), "{}", stderr(&out));

    // One merge's warning is silenced too.
    let out = run(
        &s,
        &["merge", "sf.json", "1", "2", "-o", "m.json", "--quiet"],
    );
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn merge_has_a_json_report() {
    let s = Sandbox::new();
    // The in-memory way (JSON) and the one-pass way (CSV) report alike.
    for (file, out_file) in [("contacts.json", "out.json"), ("contacts.csv", "out.csv")] {
        let out = run(
            &s,
            &[
                "merge", file, "101", "102", "-o", out_file, "--format", "json",
            ],
        );
        assert!(out.status.success(), "{file}: {}", stderr(&out));
        let r: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{file}: {e}: {}", stdout(&out)));
        assert_eq!(r["primary"], "101", "{r}");
        assert_eq!(r["secondary"], "102");
        assert_eq!(r["policy"], "most-recent");
        assert_eq!(r["mergeTime"], "2024-06-01T00:00:00.000Z");
        assert_eq!(r["output"], out_file);
        let wrote = format!("wrote {} contacts to {out_file}", r["contacts"]);
        assert!(stderr(&out).contains(&wrote), "{wrote}: {}", stderr(&out));
        let changed = r["changed"].as_array().unwrap();
        assert_eq!(changed.len(), 15, "{r}");
        assert!(changed
            .iter()
            .any(|c| c["property"] == "lifecyclestage" && c["rule"] == "lifecycle-furthest"));
        assert_eq!(r["warnings"][0]["kind"], "salesforce-both-sync", "{r}");
        assert!(stderr(&out).contains("15 properties changed"));
    }
    // With -o - the export has stdout, and the report goes to stderr.
    let out = run(
        &s,
        &[
            "merge",
            "contacts.json",
            "101",
            "102",
            "-o",
            "-",
            "--format",
            "json",
            "--quiet",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout, s.read("out.json"));
    let r: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(r["output"], "stdout");
    // As unmerge's report does.
    let out = run(
        &s,
        &[
            "unmerge",
            "contacts.csv",
            "102",
            "jane@doe-family.net",
            "-o",
            "-",
            "--format",
            "json",
            "--quiet",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let r: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(r["email"], "jane@doe-family.net", "{r}");
}

#[test]
fn counts_read_right_for_one() {
    let s = Sandbox::new();
    s.write(
        "two.json",
        serde_json::to_vec(&json!([
            {"id": "1", "properties": {"email": "a@x.com", "firstname": "Ann"},
             "propertiesWithHistory": {"firstname": [{"value": "Ann", "timestamp": "2024-01-01T00:00:00.000Z"}]}},
            {"id": "2", "properties": {"email": "a@x.com", "firstname": "Ann"}}
        ]))
        .unwrap(),
    );
    // Only the merged ids change.
    let out = run(&s, &["merge", "two.json", "1", "2", "-o", "out.json"]);
    let err = stderr(&out);
    assert!(
        err.contains("1 property changed; wrote 1 contact to out.json"),
        "{err}"
    );
    let out = run(&s, &["show", "two.json", "1"]);
    assert!(
        stdout(&out).contains("1 property, 1 entry"),
        "{}",
        stdout(&out)
    );
    let out = run(&s, &["dupes", "two.json"]);
    assert!(
        stderr(&out).contains("2 contacts, 1 duplicate pair in 1 cluster"),
        "{}",
        stderr(&out)
    );
    s.write("one.csv", "primary_id,secondary_id\n1,2\n");
    let out = run(
        &s,
        &["apply", "two.json", "--plan", "one.csv", "-o", "out.json"],
    );
    assert!(
        stderr(&out).contains("applied 1 of 1 pair (policy most-recent); wrote 1 contact"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_40_mb_cell_is_cut_in_a_table_and_whole_in_json() {
    let s = Sandbox::new();
    let huge = "x".repeat(40_000_000);
    s.write(
        "huge.csv",
        format!("Record ID,First Name,Email\n1,{huge},a@x.com\n"),
    );
    // A hang guard, not a timing: the table used to take over half a minute.
    let out = s
        .cmd()
        .args(["show", "huge.csv", "1"])
        .timeout(crate::util::HANG_GUARD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    assert!(table.len() < 10_000, "{} bytes of table", table.len());
    assert!(table.contains("x…"), "{table}");
    assert!(table.contains("a@x.com"), "{table}");
    assert!(
        stderr(&out).contains("--format json shows them whole"),
        "{}",
        stderr(&out)
    );
    let out = s
        .cmd()
        .args(["show", "huge.csv", "1", "--format", "json"])
        .timeout(crate::util::HANG_GUARD)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v[0]["properties"]["firstname"].as_str().unwrap().len(),
        40_000_000
    );
}
