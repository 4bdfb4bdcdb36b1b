//! `apply`: batch merges from a plan, the journal, and restoring a batch
//! newest first.

use crate::util::{stderr, stdout, Sandbox};

const T: &str = "2024-06-01T00:00:00Z";

fn apply(s: &Sandbox, args: &[&str]) -> std::process::Output {
    s.cmd()
        .arg("apply")
        .args(args)
        .args(["--merge-time", T])
        .output()
        .unwrap()
}

fn ids(s: &Sandbox, file: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&s.read(file)).unwrap();
    let list = v.get("contacts").unwrap_or(&v);
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

/// Five plain contacts with counters, emails and a chain-friendly layout.
const FIVE: &str = r#"[
 {"id": "1", "properties": {"email": "a@x.com", "num_conversion_events": "1", "createdate": "2020-01-01"}},
 {"id": "2", "properties": {"email": "b@x.com", "num_conversion_events": "2", "createdate": "2021-01-01"}},
 {"id": "3", "properties": {"email": "c@x.com", "num_conversion_events": "3", "createdate": "2022-01-01"}},
 {"id": "4", "properties": {"email": "d@x.com", "num_conversion_events": "4", "createdate": "2023-01-01"}},
 {"id": "5", "properties": {"email": "e@x.com", "num_conversion_events": "5", "createdate": "2024-01-01"}}
]"#;

#[test]
fn fixture_plan_in_every_format() {
    let s = Sandbox::new();
    for f in ["contacts.json", "contacts.csv", "contacts.ndjson"] {
        let ext = f.rsplit('.').next().unwrap();
        let out_name = format!("out.{ext}");
        // One journal per run: journals are appended to.
        let journal = format!("j.{ext}.jsonl");
        let out = apply(
            &s,
            &[
                f,
                "--plan",
                "plan.csv",
                "-o",
                &out_name,
                "--journal",
                &journal,
            ],
        );
        assert!(out.status.success(), "{f}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("applied 2 of 2 pairs"),
            "{}",
            stderr(&out)
        );
        let back = contact_merge::format::read_path(&s.path(&out_name), None).unwrap();
        let got: Vec<&str> = back.contacts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(got, ["101", "103", "105"], "{f}");
        assert_eq!(
            String::from_utf8(s.read(&journal)).unwrap().lines().count(),
            2
        );
    }
}

#[test]
fn chains_resolve_through_earlier_merges() {
    let s = Sandbox::new();
    s.write("five.json", FIVE);
    // 1 into 2, then 2 into 3, then a pair naming 1 (now 3) with 4.
    s.write("plan.csv", "primary_id,secondary_id\n2,1\n3,2\n1,4\n");
    let out = apply(
        &s,
        &[
            "five.json",
            "--plan",
            "plan.csv",
            "-o",
            "out.json",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(ids(&s, "out.json"), ["3", "5"]);
    let v: serde_json::Value = serde_json::from_slice(&s.read("out.json")).unwrap();
    let c3 = &v[0]["properties"];
    assert_eq!(c3["num_conversion_events"], "10", "1+2+3+4");
    assert_eq!(c3["hs_merged_object_ids"], "2;1;4");
    let emails = c3["hs_additional_emails"].as_str().unwrap();
    for e in ["a@x.com", "b@x.com", "d@x.com"] {
        assert!(emails.contains(e), "{emails}");
    }
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["applied"], 3);
    // What the summary line says, for scripts too (as merge's report has it).
    assert_eq!(report["policy"], "most-recent");
    assert_eq!(report["mergeTime"], "2024-06-01T00:00:00.000Z");
    assert_eq!(report["output"], "out.json");
    assert_eq!(report["contacts"], 2);
    assert_eq!(report["journal"], serde_json::Value::Null);
}

#[test]
fn every_bad_pair_is_listed_and_nothing_is_written() {
    let s = Sandbox::new();
    s.write("five.json", FIVE);
    s.write(
        "plan.csv",
        "primary_id,secondary_id,score\n1,2,0.9\n2,3,0.8\n4,4,1\n5,99,0.7\n3,4,0.9\n",
    );
    let before = s.files();
    let out = apply(
        &s,
        &[
            "five.json",
            "--plan",
            "plan.csv",
            "-o",
            "out.json",
            "--journal",
            "j.jsonl",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    // Why the plan was refused is no output: the table goes to stderr.
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    let table = stderr(&out);
    // Line 3: 2 was merged into 1 on line 2, so 2 → 1 and 3 is fine; line 4
    // names one contact twice; line 5 names a missing id.
    assert!(
        table.contains("line 4") && table.contains("names contact 4 on both sides"),
        "{table}"
    );
    assert!(
        table.contains("line 5") && table.contains("the secondary id 99"),
        "{table}"
    );
    assert!(!table.contains("line 3"), "{table}");
    assert!(stderr(&out).contains("2 of 5 pairs of plan.csv are bad; nothing was written"));
    assert_eq!(s.files(), before, "no output, no journal");
}

#[test]
fn keep_going_applies_the_good_pairs_and_exits_3() {
    let s = Sandbox::new();
    s.write("five.json", FIVE);
    s.write("plan.json", r#"[{"primary": "1", "secondary": "2"}, {"primary": 3, "secondary": 3}, {"primary": "1", "secondary": "2"}, {"primary": "4", "secondary": "5"}]"#);
    let out = apply(
        &s,
        &[
            "five.json",
            "--plan",
            "plan.json",
            "-o",
            "out.json",
            "--keep-going",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(ids(&s, "out.json"), ["1", "3", "4"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["applied"], 2);
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2);
    assert_eq!(skipped[0]["place"], "pair 2");
    assert_eq!(skipped[0]["kind"], "same-id");
    assert_eq!(skipped[1]["kind"], "same-contact");
    assert_eq!(skipped[1]["resolvedSecondary"], "1");
    // Nothing skipped: exit 0.
    s.write("ok.csv", "primary_id,secondary_id\n1,3\n");
    let out = apply(
        &s,
        &[
            "out.json",
            "--plan",
            "ok.csv",
            "-o",
            "out2.json",
            "--keep-going",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn the_merge_limit_holds_through_a_plan() {
    let s = Sandbox::new();
    let many: Vec<String> = (1000..1249).map(|i| i.to_string()).collect();
    s.write(
        "limit.json",
        format!(
            r#"[{{"id": "1", "properties": {{"hs_merged_object_ids": "{}"}}}},
                {{"id": "2", "properties": {{}}}},
                {{"id": "3", "properties": {{}}}}]"#,
            many.join(";")
        ),
    );
    // 249 merges so far: 1 ← 2 is the 250th and allowed, 1 ← 3 is refused.
    s.write("plan.csv", "primary_id,secondary_id\n1,2\n1,3\n");
    let out = apply(&s, &["limit.json", "--plan", "plan.csv", "-o", "out.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("line 3"), "{}", stderr(&out));
    assert!(stderr(&out).contains("250 merges"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("line 2"));
    // --max-merges raises it.
    let out = apply(
        &s,
        &[
            "limit.json",
            "--plan",
            "plan.csv",
            "-o",
            "out.json",
            "--max-merges",
            "300",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn rule_refusals_in_a_plan_name_the_pair_and_the_value() {
    let s = Sandbox::new();
    s.write(
        "bad.json",
        r#"[{"id": "1", "properties": {"lifecyclestage": "lead"}},
            {"id": "2", "properties": {"lifecyclestage": "partner"}}]"#,
    );
    s.write("plan.csv", "primary_id,secondary_id\n1,2\n");
    let out = apply(&s, &["bad.json", "--plan", "plan.csv", "-o", "out.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("contact 2: lifecyclestage 'partner'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn batch_restore_newest_first_gives_back_the_original() {
    let s = Sandbox::new();
    s.write("five.json", FIVE);
    s.write("plan.csv", "primary_id,secondary_id\n2,1\n3,2\n3,4\n");
    let out = apply(
        &s,
        &[
            "five.json",
            "--plan",
            "plan.csv",
            "-o",
            "m.json",
            "--journal",
            "j.jsonl",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Restoring an older merge first is refused, naming the later ones.
    let out = s
        .cmd()
        .args([
            "unmerge",
            "m.json",
            "2",
            "--restore",
            "1",
            "--journal",
            "j.jsonl",
            "-o",
            "x.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("restores go newest first"),
        "{}",
        stderr(&out)
    );
    assert!(!s.path("x.json").exists());
    // Newest first: 4 out of 3, 2 out of 3, 1 out of 2.
    let current = restore_newest_first(&s, "m.json", &[("3", "4"), ("3", "2"), ("2", "1")]);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&s.read(&current)).unwrap(),
        serde_json::from_slice::<serde_json::Value>(FIVE.as_bytes()).unwrap()
    );
}

#[test]
fn restore_keeps_later_changes_and_reports_them() {
    let s = Sandbox::new();
    let out = apply(
        &s,
        &[
            "contacts.json",
            "--plan",
            "plan.csv",
            "-o",
            "m.json",
            "--journal",
            "j.jsonl",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Someone edits the merged contact after the merge.
    let text = String::from_utf8(s.read("m.json")).unwrap();
    let edited = text.replacen(
        "\"jobtitle\": \"Procurement Lead\"",
        "\"jobtitle\": \"Head of Procurement\"",
        1,
    );
    assert_ne!(text, edited);
    s.write("m.json", edited);
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
    assert!(
        stderr(&out).contains("jobtitle changed after the merge"),
        "{}",
        stderr(&out)
    );
    let v: serde_json::Value = serde_json::from_slice(&s.read("r.json")).unwrap();
    let c101 = &v["contacts"][0];
    assert_eq!(c101["properties"]["jobtitle"], "Head of Procurement");
    assert_eq!(
        c101["properties"]["num_conversion_events"], "3",
        "the secondary's share is gone"
    );
    assert_eq!(
        v["contacts"][1]["id"], "102",
        "the secondary is back in its place"
    );
}

#[test]
fn plan_errors_name_the_plan_file_and_line() {
    let s = Sandbox::new();
    s.write("noheader.csv", "101,102\n");
    let out = apply(
        &s,
        &["contacts.json", "--plan", "noheader.csv", "-o", "o.json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("noheader.csv"), "{}", stderr(&out));
    assert!(stderr(&out).contains("primary_id"), "{}", stderr(&out));
    let out = apply(
        &s,
        &["contacts.json", "--plan", "missing.csv", "-o", "o.json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing.csv"), "{}", stderr(&out));
}

#[test]
fn csv_restore_gives_back_the_file_byte_for_byte() {
    let s = Sandbox::new();
    // No columns for additional emails or merged ids: the merges add them.
    let original = "Record ID,First Name,Email,Number of Form Submissions\r\n1,Ann,a@x.com,1\r\n2,Ann,b@x.com,2\r\n3,Bob,c@x.com,3\r\n4,Bo,d@x.com,4\r\n";
    s.write("small.csv", original);
    s.write("plan.csv", "primary_id,secondary_id\n1,2\n3,4\n1,3\n");
    let out = apply(
        &s,
        &[
            "small.csv",
            "--plan",
            "plan.csv",
            "-o",
            "m.csv",
            "--journal",
            "j.jsonl",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let merged = String::from_utf8(s.read("m.csv")).unwrap();
    assert!(merged.starts_with("Record ID,First Name,Email,Number of Form Submissions,Additional email addresses,Merged object IDs\r\n"), "{merged}");
    let current = restore_newest_first(&s, "m.csv", &[("1", "3"), ("3", "4"), ("1", "2")]);
    assert_eq!(String::from_utf8(s.read(&current)).unwrap(), original);
}

/// `unmerge --restore` each (primary, secondary) in turn, every run reading
/// the file the one before wrote; gives the last file's name.
fn restore_newest_first(s: &Sandbox, start: &str, steps: &[(&str, &str)]) -> String {
    let ext = start.rsplit('.').next().unwrap();
    let mut current = start.to_string();
    for (i, (p, sec)) in steps.iter().enumerate() {
        let next = format!("r{i}.{ext}");
        let out = s
            .cmd()
            .args(["unmerge", &current, p, "--restore", sec])
            .args(["--journal", "j.jsonl", "-o", &next])
            .output()
            .unwrap();
        assert!(out.status.success(), "{p} {sec}: {}", stderr(&out));
        current = next;
    }
    current
}

#[test]
fn the_journal_does_not_change_the_result() {
    // Without a journal the merges skip explaining themselves; the output
    // must be the same bytes.
    let s = Sandbox::new();
    let g = contact_merge::gen::generate(&contact_merge::gen::GenOptions {
        contacts: 2000,
        duplicate_rate: 0.2,
        seed: 5,
    });
    s.write("g.plan.csv", contact_merge::gen::plan_csv(&g.pairs));
    let csv = contact_merge::gen::to_csv_export(&g);
    use contact_merge::format::{write_to_vec, Format};
    s.write("g.csv", write_to_vec(&csv, Format::Csv));
    s.write("g.ndjson", write_to_vec(&g.export, Format::Ndjson));
    s.write("g.json", write_to_vec(&g.export, Format::Json));
    for (file, plan) in [
        ("contacts.json", "plan.csv"),
        ("contacts.csv", "plan.csv"),
        ("contacts.ndjson", "plan.csv"),
        ("g.csv", "g.plan.csv"),
        ("g.ndjson", "g.plan.csv"),
        ("g.json", "g.plan.csv"),
    ] {
        let ext = file.rsplit('.').next().unwrap();
        let (a, b) = (format!("a.{ext}"), format!("b.{ext}"));
        let out = apply(&s, &[file, "--plan", plan, "-o", &a]);
        assert!(out.status.success(), "{file}: {}", stderr(&out));
        let out = apply(
            &s,
            &[file, "--plan", plan, "-o", &b, "--journal", "j.jsonl"],
        );
        assert!(out.status.success(), "{file}: {}", stderr(&out));
        assert!(s.read(&a) == s.read(&b), "{file}: outputs differ");
        std::fs::remove_file(s.path("j.jsonl")).unwrap();
    }
}

/// `-o` naming a symbolic link replaces the file it points at and keeps
/// the link; its journal too.
#[test]
fn outputs_through_symbolic_links_keep_the_links() {
    let s = Sandbox::new();
    s.write("real.csv", "old");
    s.write("real-journal.jsonl", "");
    std::os::unix::fs::symlink(s.path("real.csv"), s.path("out.csv")).unwrap();
    std::os::unix::fs::symlink(s.path("real-journal.jsonl"), s.path("j.jsonl")).unwrap();
    let out = apply(
        &s,
        &[
            "contacts.csv",
            "--plan",
            "plan.csv",
            "-o",
            "out.csv",
            "--journal",
            "j.jsonl",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for link in ["out.csv", "j.jsonl"] {
        let meta = std::fs::symlink_metadata(s.path(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} is still a link");
    }
    let written = contact_merge::format::read_path(&s.path("real.csv"), None).unwrap();
    assert_eq!(
        written.contacts.len(),
        3,
        "the plan's two merges, in the real file"
    );
    assert!(!s.read("real-journal.jsonl").is_empty());
}

/// An output that cannot be written is named in the message, not the input
/// being read (`apply` and `merge` stream CSV the same way).
#[test]
fn a_failed_write_names_the_output() {
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("no /dev/full here: skipped");
        return;
    }
    let s = Sandbox::new();
    let plan = apply(
        &s,
        &["contacts.csv", "--plan", "plan.csv", "-o", "/dev/full"],
    );
    let pair = s
        .cmd()
        .args(["merge", "contacts.csv", "101", "102", "-o", "/dev/full"])
        .output()
        .unwrap();
    for out in [plan, pair] {
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.contains("cannot write /dev/full"), "{err}");
        assert!(err.contains("No space left on device"), "{err}");
        assert!(!err.contains("contacts.csv"), "{err}");
    }
}

/// A merged-away id that two contacts list in `hs_merged_object_ids` names
/// neither for sure: a plan naming it is refused (it went to whichever
/// came first), streamed from a file and read whole from stdin alike.
#[test]
fn a_merged_id_two_contacts_claim_is_refused_in_a_plan() {
    let s = Sandbox::new();
    s.write(
        "c.csv",
        "Record ID,Email,Merged object IDs\n1,a@x.com,77;78\n2,b@x.com,77\n3,c@x.com,\n",
    );
    s.write("plan.csv", "primary_id,secondary_id\n3,77\n");
    let streamed = apply(&s, &["c.csv", "--plan", "plan.csv", "-o", "out.csv"]);
    let piped = s
        .cmd()
        .args(["apply", "-", "--input-format", "csv", "--plan", "plan.csv"])
        .args(["-o", "piped.csv", "--merge-time", T])
        .write_stdin(s.read("c.csv"))
        .output()
        .unwrap();
    for out in [&streamed, &piped] {
        assert_eq!(out.status.code(), Some(1), "{}", stderr(out));
        let err = stderr(out);
        assert!(
            err.contains("line 2")
                && err.contains("both contact 1 and contact 2 list it")
                && err.contains("name 1 or 2 in the plan instead"),
            "{err}"
        );
    }
    assert!(!s.path("out.csv").exists() && !s.path("piped.csv").exists());
    // An id only one contact claims still resolves.
    s.write("plan.csv", "primary_id,secondary_id\n1,2\n3,78\n");
    let out = apply(&s, &["c.csv", "--plan", "plan.csv", "-o", "out.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = String::from_utf8(s.read("out.csv")).unwrap();
    assert_eq!(written.lines().count(), 2, "{written}");
}

/// A plan saved by European Excel (`;`, a BOM, CRLF, a formatted empty
/// row) applies as its comma form does.
#[test]
fn a_plan_saved_with_semicolons_applies_as_with_commas() {
    let s = Sandbox::new();
    s.write(
        "semi.csv",
        "\u{feff}primary_id;secondary_id;note\r\n101;102;same person\r\n;;\r\n103;104;Bob\r\n",
    );
    let semi = apply(
        &s,
        &["contacts.csv", "--plan", "semi.csv", "-o", "semi-out.csv"],
    );
    assert_eq!(semi.status.code(), Some(0), "{}", stderr(&semi));
    let comma = apply(
        &s,
        &["contacts.csv", "--plan", "plan.csv", "-o", "comma-out.csv"],
    );
    assert_eq!(comma.status.code(), Some(0), "{}", stderr(&comma));
    assert_eq!(s.read("semi-out.csv"), s.read("comma-out.csv"));
}

/// The summary lines of a run about the sections (everything before the
/// `applied ...` line that is no warning).
fn section_lines(err: &str) -> Vec<&str> {
    err.lines()
        .take_while(|l| !l.starts_with("applied "))
        .filter(|l| !l.starts_with("warning: ") && !l.starts_with("  "))
        .collect()
}

/// What the merges did with the sections reaches apply's report (SPEC
/// section 4), as merge's: counted in the summary, and merge by merge in
/// the JSON report, each merge that dropped something of the secondary's,
/// has active lists to re-evaluate or workflows marked (--enroll-on-merge)
/// with its plan line and ids; a merge that did none of it (103 ← 104: its
/// company is 103's) has no entry. The same from a JSON file (streamed)
/// and from stdin (in memory).
#[test]
fn the_report_names_what_the_merges_did_with_the_sections() {
    let s = Sandbox::new();
    let args = [
        "--plan",
        "plan.csv",
        "--format",
        "json",
        "--enroll-on-merge",
        "--merge-time",
        T,
    ];
    let from_file = s
        .cmd()
        .args(["apply", "contacts.json", "-o", "a.json"])
        .args(args)
        .output()
        .unwrap();
    let from_stdin = s
        .cmd()
        .args(["apply", "-", "--input-format", "json", "-o", "b.json"])
        .args(args)
        .write_stdin(s.read("contacts.json"))
        .output()
        .unwrap();
    let mut reports = Vec::new();
    let mut summaries = Vec::new();
    for out in [&from_file, &from_stdin] {
        let err = stderr(out);
        assert!(out.status.success(), "{err}");
        let lines = section_lines(&err);
        assert_eq!(
            lines,
            [
                "the secondaries' company associations dropped: 1 in 1 merge (the JSON report names them)",
                "the secondaries' list memberships dropped: 2 in 1 merge (the JSON report names them)",
                "the secondaries' workflow enrollments dropped: 1 in 1 merge (the JSON report names them)",
                "the secondaries' Salesforce records no longer synced: 1 in 1 merge (the JSON report names them)",
                "active lists to re-evaluate: 2 in 1 merge (the JSON report names them)",
                "workflows that should see the merged contact as newly changed (--enroll-on-merge): 1 in 1 merge (the JSON report names them)",
            ],
            "{err}"
        );
        summaries.push(lines.join("\n"));
        let report: serde_json::Value = serde_json::from_str(&stdout(out)).unwrap();
        let entries = report["sections"].as_array().unwrap();
        assert_eq!(entries.len(), 1, "{report:#}");
        let entry = &entries[0];
        assert_eq!(entry["line"], 2);
        assert_eq!(entry["primary"], "101");
        assert_eq!(entry["secondary"], "102");
        let change = |name: &str| {
            let found = entry["sections"].as_array().unwrap().iter();
            found
                .clone()
                .find(|c| c["section"] == name)
                .unwrap()
                .clone()
        };
        // Whole, as merge gives them.
        assert_eq!(
            change("companies"),
            serde_json::json!({
                "section": "companies",
                "kept": ["201"],
                "added": [],
                "dropped": ["202"],
                "note": "the primary's company associations are kept; the secondary's are dropped (its deals and tickets keep their own companies)"
            })
        );
        let lists = change("listMemberships");
        assert!(
            lists["note"]
                .as_str()
                .unwrap()
                .contains("active lists need re-evaluation: 14, 21"),
            "{lists}"
        );
        let workflows = change("workflowEnrollments");
        assert!(
            workflows["note"]
                .as_str()
                .unwrap()
                .contains("these workflows should see the merged contact as newly changed: wf-3"),
            "{workflows}"
        );
        // Only what the summary names: deals, the timeline, visits, ...
        // only add.
        let names: Vec<&str> = entry["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["section"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "companies",
                "listMemberships",
                "workflowEnrollments",
                "salesforce"
            ]
        );
        let mut report = report;
        // The one difference: where each run wrote.
        report.as_object_mut().unwrap().remove("output");
        reports.push(report);
    }
    assert_eq!(reports[0], reports[1], "streamed and in memory");
    assert_eq!(summaries[0], summaries[1]);
}

/// A CSV export's "Associated Company IDs": the secondary's companies are
/// dropped and counted on the streamed way (a file) as in memory (stdin);
/// --quiet silences the counts like every summary line; a plan whose
/// merges lose nothing has no such line and an empty list.
#[test]
fn csv_apply_counts_the_companies_dropped_streamed_and_in_memory() {
    let s = Sandbox::new();
    let run = |input: &str, extra: &[&str]| {
        let mut cmd = s.cmd();
        cmd.args(["apply", input, "--plan", "plan.csv", "-o", "-"])
            .args(["--merge-time", T])
            .args(extra);
        if input == "-" {
            cmd.args(["--input-format", "csv"])
                .write_stdin(s.read("contacts.csv"));
        }
        cmd.output().unwrap()
    };
    for input in ["contacts.csv", "-"] {
        let out = run(input, &[]);
        let err = stderr(&out);
        assert!(out.status.success(), "{input}: {err}");
        assert_eq!(
            section_lines(&err),
            [
                "the secondaries' company associations dropped: 1 in 1 merge (--format json names them)",
                "the secondaries' Salesforce records no longer synced: 1 in 1 merge (--format json names them)",
            ],
            "{input}: {err}"
        );
        let quiet = run(input, &["--quiet"]);
        assert!(quiet.status.success());
        assert_eq!(stderr(&quiet), "", "{input}");
    }
    // The JSON report (on stderr: the export goes to stdout).
    let reports: Vec<serde_json::Value> = ["contacts.csv", "-"]
        .into_iter()
        .map(|input| {
            let out = run(input, &["--format", "json"]);
            assert!(out.status.success(), "{}", stderr(&out));
            let err = stderr(&out);
            // After the warnings, before the summary.
            let json = &err[err.find('{').unwrap()..err.rfind("\n}\n").unwrap() + 3];
            serde_json::from_str(json).unwrap()
        })
        .collect();
    assert_eq!(reports[0], reports[1], "streamed and in memory");
    let entries = reports[0]["sections"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{:#}", reports[0]);
    assert_eq!(entries[0]["line"], 2);
    assert_eq!(entries[0]["sections"][0]["section"], "companies");
    assert_eq!(
        entries[0]["sections"][0]["dropped"],
        serde_json::json!(["202"])
    );
    // 103 ← 104 alone: 104's company is 103's.
    s.write("quiet.csv", "primary_id,secondary_id\n103,104\n");
    let out = s
        .cmd()
        .args([
            "apply",
            "contacts.csv",
            "--plan",
            "quiet.csv",
            "-o",
            "out.csv",
        ])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(section_lines(&stderr(&out)), Vec::<&str>::new());
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["sections"], serde_json::json!([]));
}

/// A plan of hundreds of merges, with chains through merged-away ids, over
/// a generated CSV export: the streamed way (pairs no other pair touches
/// merged while the file is read, the others in waves on both cores) and
/// the in-memory one report the same section changes, in plan-line order.
#[test]
fn many_merges_report_their_sections_in_plan_order_either_way() {
    let s = Sandbox::new();
    let g = contact_merge::gen::generate(&contact_merge::gen::GenOptions {
        contacts: 3000,
        duplicate_rate: 0.2,
        seed: 11,
    });
    let csv = contact_merge::format::write_to_vec(
        &contact_merge::gen::to_csv_export(&g),
        contact_merge::format::Format::Csv,
    );
    s.write("gen.csv", &csv);
    // Now and then a pair naming a secondary merged away just before (it
    // leads to its primary).
    let mut plan = String::from("primary_id,secondary_id\n");
    for (k, (p, q)) in g.pairs.iter().enumerate() {
        plan.push_str(&format!("{p},{q}\n"));
        if k % 9 == 4 {
            if let Some((next, _)) = g.pairs.get(k + 1) {
                plan.push_str(&format!("{q},{next}\n"));
            }
        }
    }
    s.write("gen.plan.csv", plan);
    let run = |input: &str| {
        let mut cmd = s.cmd();
        cmd.args(["apply", input, "--plan", "gen.plan.csv", "-o", "out.csv"])
            .args(["--merge-time", T, "--format", "json", "--keep-going"]);
        if input == "-" {
            cmd.args(["--input-format", "csv"]).write_stdin(csv.clone());
        }
        let out = cmd.output().unwrap();
        assert!(matches!(out.status.code(), Some(0 | 3)), "{}", stderr(&out));
        let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        (report, section_lines(&stderr(&out)).join("\n"))
    };
    let (streamed, streamed_lines) = run("gen.csv");
    let (in_memory, in_memory_lines) = run("-");
    let entries = streamed["sections"].as_array().unwrap();
    assert!(entries.len() > 100, "{}", entries.len());
    let lines: Vec<u64> = entries
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "{lines:?}");
    assert_eq!(streamed["sections"], in_memory["sections"]);
    assert_eq!(streamed, in_memory);
    assert_eq!(streamed_lines, in_memory_lines);
    assert!(
        streamed_lines.contains("the secondaries' company associations dropped: "),
        "{streamed_lines}"
    );
    // Without --format json the changes are only counted, to the same
    // figures.
    for input in ["gen.csv", "-"] {
        let mut cmd = s.cmd();
        cmd.args(["apply", input, "--plan", "gen.plan.csv", "-o", "out.csv"])
            .args(["--merge-time", T, "--keep-going"]);
        if input == "-" {
            cmd.args(["--input-format", "csv"]).write_stdin(csv.clone());
        }
        let out = cmd.output().unwrap();
        let lines = section_lines(&stderr(&out)).join("\n");
        assert_eq!(
            lines.replace("--format json names them", "the JSON report names them"),
            streamed_lines,
            "{input}"
        );
    }
}

/// A plan of thousands of bad pairs does not scroll them all past: the
/// table shows the first 50 and counts the rest, which the JSON report
/// lists whole.
#[test]
fn a_long_list_of_bad_pairs_is_cut_with_a_count() {
    let s = Sandbox::new();
    let mut plan = String::from("primary_id,secondary_id\n");
    for k in 0..60 {
        plan.push_str(&format!("101,{}\n", 9000 + k));
    }
    s.write("bad.csv", plan);
    let out = apply(&s, &["contacts.csv", "--plan", "bad.csv", "-o", "out.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("9049") && !err.contains("9050"), "{err}");
    assert!(
        err.contains("… and 10 more bad pairs (--format json lists every one)"),
        "{err}"
    );
    assert!(err.contains("60 of 60 pairs of bad.csv are bad"), "{err}");
    let out = apply(
        &s,
        &[
            "contacts.csv",
            "--plan",
            "bad.csv",
            "-o",
            "out.csv",
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["skipped"].as_array().unwrap().len(), 60);
}
