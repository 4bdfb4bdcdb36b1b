//! `diff`: the merge preview, as a table (snapshots) and JSON. Never writes.

use crate::util::{stderr, stdout, Sandbox};

const T: &str = "2024-06-01T00:00:00Z";

fn diff(s: &Sandbox, args: &[&str]) -> std::process::Output {
    let mut cmd = s.cmd();
    cmd.arg("diff").args(args).args(["--merge-time", T]);
    cmd.output().unwrap()
}

#[test]
fn json_export_table() {
    let s = Sandbox::new();
    let before = s.files();
    let out = diff(&s, &["contacts.json", "101", "102"]);
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("diff_json_101_102", stdout(&out));
    assert!(stderr(&out).contains("both sync to Salesforce"));
    assert_eq!(s.files(), before, "a preview never writes a file");
}

#[test]
fn csv_export_table_with_labels() {
    let s = Sandbox::new();
    let out = diff(&s, &["contacts.csv", "103", "104"]);
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("diff_csv_103_104", stdout(&out));
}

#[test]
fn primary_wins_policy_shows_in_the_preview() {
    let s = Sandbox::new();
    let out = diff(
        &s,
        &["contacts.ndjson", "101", "102", "--policy", "primary-wins"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("Merge preview: 102 into 101 (policy primary-wins"),
        "{text}"
    );
    // The primary's job title stays under primary-wins; the lifecycle rule
    // still takes the furthest stage.
    let row = |name: &str| {
        text.lines()
            .find(|l| l.contains(&format!(" {name} ")))
            .unwrap_or_else(|| panic!("no {name} row in\n{text}"))
            .to_string()
    };
    assert!(row("jobtitle").contains("primary-wins"));
    assert!(
        row("jobtitle").matches("Buyer").count() == 2,
        "{}",
        row("jobtitle")
    );
    assert!(row("lifecyclestage").contains("lifecycle-furthest"));
}

#[test]
fn all_shows_every_property() {
    let s = Sandbox::new();
    let some = stdout(&diff(&s, &["contacts.json", "101", "102"]));
    let all = stdout(&diff(&s, &["contacts.json", "101", "102", "--all"]));
    assert!(all.lines().count() > some.lines().count());
    assert!(all.contains(" firstname ") && !some.contains(" firstname "));
}

#[test]
fn json_preview_for_scripts() {
    let s = Sandbox::new();
    let out = diff(&s, &["contacts.json", "101", "102", "--format", "json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["primary"], "101");
    assert_eq!(v["policy"], "most-recent");
    assert_eq!(v["mergeTime"], "2024-06-01T00:00:00.000Z");
    let props = v["properties"].as_array().unwrap();
    let email = props
        .iter()
        .find(|d| d["property"] == "hs_additional_emails")
        .unwrap();
    assert_eq!(email["merged"], "janedoe@gmail.com;jane@doe-family.net");
    let sections = v["sections"].as_array().unwrap();
    let companies = sections
        .iter()
        .find(|c| c["section"] == "companies")
        .unwrap();
    assert_eq!(companies["dropped"][0], "202");
    // Both sync to Salesforce, and 102's opt-out gives way to 101's.
    let kinds: Vec<&str> = (v["warnings"].as_array().unwrap().iter())
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["salesforce-both-sync", "opt-out-not-kept"]);
}

#[test]
fn refusals_exit_1() {
    let s = Sandbox::new();
    for (args, needle) in [
        (vec!["contacts.json", "101", "101"], "same contact"),
        (
            vec!["contacts.json", "101", "999"],
            "contact 999 is not in the export",
        ),
        (
            vec![
                "contacts.json",
                "101",
                "102",
                "--lifecycle-order",
                "subscriber,lead",
            ],
            "'customer' is not a known lifecycle stage",
        ),
        (
            vec!["contacts.json", "101", "102", "--max-merges", "1"],
            "--max-merges",
        ),
    ] {
        let out = diff(&s, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("contacts.json"),
            "names the file: {}",
            stderr(&out)
        );
    }
}

#[test]
fn bad_merge_time_is_a_usage_error() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args([
            "diff",
            "contacts.json",
            "101",
            "102",
            "--merge-time",
            "yesterday",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--merge-time 'yesterday'"),
        "{}",
        stderr(&out)
    );
}

/// The history entries a merge adds: `diff` lists them (`historyAdded`, a
/// field added after the others, so scripts reading the old ones are not
/// disturbed), and the journal line of the merge lists the same, whether
/// the merge was streamed or made in memory.
#[test]
fn diff_and_the_journal_list_the_history_entries_a_merge_adds() {
    let s = Sandbox::new();
    let page =
        std::fs::read(crate::util::fixtures().join("real/v3-contacts-page-history.json")).unwrap();
    s.write("page.json", page);
    let out = diff(&s, &["page.json", "151", "201", "--format", "json"]);
    assert!(out.status.success(), "{}", crate::util::stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let added = v["historyAdded"].as_array().unwrap().clone();
    assert!(!added.is_empty());
    // Each is an entry of the merged contact that neither side had.
    for a in &added {
        assert!(
            a["property"].is_string() && a["timestamp"].is_string(),
            "{a}"
        );
        assert_eq!(a["sourceType"], "MERGE_CONTACTS", "{a}");
    }
    assert!(
        added
            .iter()
            .any(|a| a["property"] == "email" && a["value"] == "maria.johnson@newco.example"),
        "{added:?}"
    );
    let table = stdout(&diff(&s, &["page.json", "151", "201"]));
    assert!(
        table.contains("history added") && table.contains("MERGE_CONTACTS"),
        "{table}"
    );

    // The journal: streamed (`merge` from the file) and in memory (stdin).
    s.write("plan.csv", "primary_id,secondary_id\n151,201\n");
    let runs: [&[&str]; 2] = [
        &[
            "merge",
            "page.json",
            "151",
            "201",
            "-o",
            "a.json",
            "--journal",
            "a.jsonl",
        ],
        &[
            "apply",
            "-",
            "--input-format",
            "json",
            "--plan",
            "plan.csv",
            "-o",
            "b.json",
            "--journal",
            "b.jsonl",
        ],
    ];
    for (args, journal) in runs.iter().zip(["a.jsonl", "b.jsonl"]) {
        let out = s
            .cmd()
            .args(*args)
            .arg("--merge-time=2024-06-01T00:00:00Z")
            .write_stdin(s.read("page.json"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            crate::util::stderr(&out)
        );
        let line: serde_json::Value = serde_json::from_slice(&s.read(journal)).unwrap();
        assert_eq!(
            line["historyAdded"].as_array().unwrap(),
            &added,
            "{journal}"
        );
    }
}

#[test]
fn contacts_without_history_add_none_and_journal_lines_stay_as_they_were() {
    let s = Sandbox::new();
    let out = diff(&s, &["contacts.csv", "103", "104", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["historyAdded"], serde_json::json!([]));
    let out = s
        .cmd()
        .args([
            "merge",
            "contacts.csv",
            "103",
            "104",
            "-o",
            "m.csv",
            "--journal",
            "j.jsonl",
        ])
        .arg("--merge-time=2024-06-01T00:00:00Z")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::util::stderr(&out));
    let line: serde_json::Value = serde_json::from_slice(&s.read("j.jsonl")).unwrap();
    assert!(line.get("historyAdded").is_none(), "{line}");
}

/// An id merged away before the export is no contact of it: `diff` and
/// `merge` say which contact it was merged into (its
/// `hs_merged_object_ids`) and to name that one, in every format.
#[test]
fn a_merged_away_id_is_named_with_the_contact_that_holds_it() {
    let s = Sandbox::new();
    for file in ["contacts.json", "contacts.csv", "contacts.ndjson"] {
        let diff = s.cmd().args(["diff", file, "101", "99"]).output().unwrap();
        let merge = s
            .cmd()
            .args(["merge", file, "101", "99", "-o", "out.json"])
            .output()
            .unwrap();
        for out in [diff, merge] {
            assert_eq!(out.status.code(), Some(1), "{file}");
            assert!(
                stderr(&out).contains(
                    "contact 99 is not in the export: it was merged into contact 102 (its hs_merged_object_ids lists 99); name 102 instead"
                ),
                "{file}: {}",
                stderr(&out)
            );
        }
        let out = s.cmd().args(["diff", file, "101", "98"]).output().unwrap();
        assert!(stderr(&out).contains("contact 98 is not in the export; check the id"));
    }
}

/// A merged-away id two contacts list names neither for sure: `diff`,
/// `merge` and `unmerge` name both (as `apply` refuses it), whichever row
/// comes first.
#[test]
fn a_merged_away_id_two_contacts_list_names_both() {
    let s = Sandbox::new();
    s.write(
        "a.csv",
        "Record ID,Email,Merged object IDs\n1,a@x.com,9001\n2,b@x.com,9001\n4,d@x.com,\n",
    );
    s.write(
        "b.csv",
        "Record ID,Email,Merged object IDs\n2,b@x.com,9001\n1,a@x.com,9001\n4,d@x.com,\n",
    );
    for file in ["a.csv", "b.csv"] {
        for args in [
            vec!["diff", file, "4", "9001"],
            vec!["merge", file, "4", "9001", "-o", "o.csv"],
            vec!["unmerge", file, "9001", "a@x.com", "-o", "u.csv"],
        ] {
            let out = s.cmd().args(&args).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            let err = stderr(&out);
            let named = err.contains("both contact 1 and contact 2")
                || err.contains("both contact 2 and contact 1");
            assert!(named && err.contains("cannot be told"), "{args:?}: {err}");
        }
    }
}
