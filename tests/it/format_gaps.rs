//! What a format cannot hold is said, and messages about inputs in the
//! wrong shape say which shape is read.

use serde_json::Value;

use crate::util::{stderr, stdout, Sandbox};

const ASSOCIATED: &str = r#"[{"id":"1","properties":{"email":"a@x.com"},"associations":{"notes":{"results":[{"id":"777","type":"contact_to_note"}]},"p123_cars":{"results":[{"id":"42","type":"contact_to_car"}]},"deals":{"results":[{"id":"9","type":"contact_to_deal"}],"paging":{"next":{"after":"9"}}}}}]"#;

#[test]
fn associations_a_spreadsheet_has_no_column_for_are_warned() {
    let s = Sandbox::new();
    s.write("a.json", ASSOCIATED);
    s.write("empty.csv", "primary_id,secondary_id\n");
    for out_name in ["a.csv", "a.xlsx"] {
        let out = (s.cmd())
            .args(["apply", "a.json", "--plan", "empty.csv", "-o", out_name])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let err = stderr(&out);
        for part in [
            "associations.notes",
            "associations.p123_cars",
            "associations.deals.paging",
        ] {
            assert!(
                err.contains(&format!(
                    "has no column for {part}: left out of the output for 1 contact"
                )),
                "{out_name}, {part}: {err}"
            );
        }
    }
    let out = (s.cmd())
        .args(["apply", "a.json", "--plan", "empty.csv", "-o", "b.csv"])
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let warnings = report["outputWarnings"].to_string();
    assert!(warnings.contains("associations.notes"), "{warnings}");
    assert!(warnings.contains("associations.p123_cars"), "{warnings}");
    // The deals an id column holds are no loss.
    assert!(!warnings.contains("associations.deals:"), "{warnings}");
}

const V1_AUDITED: &str = r#"{"51": {"vid": 51, "merged-vids": [], "properties": {"email": {"value": "a@x.com"}, "lastmodifieddate": {"value": "1704067200000"}}, "merge-audits": []}, "52": {"vid": 52, "merged-vids": [30], "properties": {"email": {"value": "b@x.com"}, "lastmodifieddate": {"value": "1706745600000"}}, "merge-audits": [{"canonical-vid": 52, "vid-to-merge": 30, "timestamp": 1650000000000, "user-id": 7}]}}"#;

#[test]
fn a_v1_merge_keeps_both_sides_merge_audits_and_restores_them() {
    let s = Sandbox::new();
    s.write("v1.json", V1_AUDITED);
    let out = (s.cmd())
        .args(["merge", "v1.json", "51", "52", "-o", "out.json"])
        .args([
            "--merge-time",
            "2025-01-01T00:00:00Z",
            "--journal",
            "j.jsonl",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("no merge rule knows"),
        "{}",
        stderr(&out)
    );
    let merged: Value = serde_json::from_slice(&s.read("out.json")).unwrap();
    let audits = &merged["51"]["merge-audits"];
    assert_eq!(
        audits[0]["vid-to-merge"], 30,
        "the secondary's first: {audits}"
    );
    assert_eq!(audits[0]["user-id"], 7, "{audits}");
    assert_eq!(audits[1]["vid-to-merge"], 52, "then this merge's: {audits}");
    assert_eq!(audits.as_array().unwrap().len(), 2, "{audits}");
    let out = (s.cmd())
        .args(["unmerge", "out.json", "51", "--restore", "52"])
        .args(["--journal", "j.jsonl", "-o", "back.json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let back: Value = serde_json::from_slice(&s.read("back.json")).unwrap();
    let input: Value = serde_json::from_str(V1_AUDITED).unwrap();
    assert_eq!(back, input);
}

#[test]
fn an_empty_part_of_the_secondary_is_not_reported_as_dropped() {
    let s = Sandbox::new();
    s.write(
        "v1.json",
        r#"{"51": {"vid": 51, "properties": {"email": {"value": "a@x.com"}}, "merge-audits": [{"canonical-vid": 51, "vid-to-merge": 20, "timestamp": 1650000000000}], "x-extra": {"a": 1}},
 "52": {"vid": 52, "properties": {"email": {"value": "b@x.com"}}, "merge-audits": [], "x-extra": []}}"#,
    );
    s.write("p.csv", "primary_id,secondary_id\n51,52\n");
    let out = (s.cmd())
        .args(["apply", "v1.json", "--plan", "p.csv", "-o", "o.json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("dropped"), "{}", stderr(&out));
    let merged: Value = serde_json::from_slice(&s.read("o.json")).unwrap();
    assert_eq!(merged["51"]["merge-audits"][0]["vid-to-merge"], 20);
    assert_eq!(merged["51"]["x-extra"]["a"], 1);
}

#[test]
fn show_names_where_this_files_ids_are() {
    let s = Sandbox::new();
    s.write("v1.json", V1_AUDITED);
    for (file, ids_are) in [
        (
            "v1.json",
            "each contact's \"vid\" field (HubSpot's v1 shape)",
        ),
        ("contacts.csv", "the \"Record ID\" column"),
        ("contacts.json", "each contact's \"id\" field"),
    ] {
        // 12345 is nowhere (99 is merged into 102 in the fixtures, which
        // `show` names as such).
        let out = s.cmd().args(["show", file, "12345"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let want = format!("{file}: no contact with id 12345; this file's ids are {ids_are}, and");
        assert!(stderr(&out).contains(&want), "{}", stderr(&out));
    }
}

#[test]
fn check_flags_an_id_that_differs_from_its_hs_object_id() {
    let s = Sandbox::new();
    s.write(
        "m.json",
        r#"[{"id":"101","properties":{"hs_object_id":"999","email":"a@x.com"}},{"id":"102","properties":{"hs_object_id":"102","email":"b@x.com"}}]"#,
    );
    s.write(
        "m.ndjson",
        "{\"id\":\"101\",\"properties\":{\"hs_object_id\":\"999\"}}\n{\"id\":\"102\",\"properties\":{\"hs_object_id\":\"102\"}}\n",
    );
    for file in ["m.json", "m.ndjson"] {
        let out = (s.cmd())
            .args(["check", file, "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
        let text = report.to_string();
        assert!(text.contains("\"value\":\"999\""), "{file}: {text}");
        assert!(
            text.contains(
                r#"the contact's record id is \"101\" but its hs_object_id property is \"999\""#
            ),
            "{file}: {text}"
        );
        assert!(!text.contains("\"record\":\"102\""), "{file}: {text}");
    }
}
