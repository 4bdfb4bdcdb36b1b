//! `unmerge`: split an additional email off into a new contact; restore
//! from the journal (see also apply.rs for restores after a batch).

use crate::util::{stderr, stdout, Sandbox};

#[test]
fn splits_an_additional_email_off_into_a_new_contact() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args([
            "unmerge",
            "contacts.json",
            "102",
            "JANE@doe-family.net",
            "-o",
            "split.json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("split jane@doe-family.net off contact 102 into new contact 106"));
    let v: serde_json::Value = serde_json::from_slice(&s.read("split.json")).unwrap();
    let contacts = v["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 6);
    // The new contact stands right after the source; the email left it.
    assert_eq!(contacts[1]["id"], "102");
    assert_eq!(contacts[1]["properties"]["hs_additional_emails"], "");
    assert_eq!(contacts[2]["id"], "106");
    assert_eq!(contacts[2]["properties"]["email"], "jane@doe-family.net");
    // The input is untouched.
    assert_eq!(
        s.read("contacts.json"),
        std::fs::read(crate::util::fixtures().join("contacts.json")).unwrap()
    );
}

#[test]
fn new_id_is_used_and_checked() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args([
            "unmerge",
            "contacts.csv",
            "102",
            "jane@doe-family.net",
            "--new-id",
            "900",
            "-o",
            "-",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("\n900,"), "{}", stdout(&out));
    let before = s.files();
    for (id, needle) in [("101", "already the id of contact 101"), ("99", "99")] {
        let out = s
            .cmd()
            .args([
                "unmerge",
                "contacts.json",
                "102",
                "jane@doe-family.net",
                "--new-id",
                id,
                "-o",
                "x.json",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(needle), "{}", stderr(&out));
    }
    assert_eq!(s.files(), before, "nothing written");
}

#[test]
fn refuses_the_primary_email_and_unknown_emails() {
    let s = Sandbox::new();
    let before = s.files();
    for (email, needle) in [
        ("janedoe@gmail.com", "is the primary email of contact 102"),
        ("nobody@x.com", "contact 102 has no email nobody@x.com"),
    ] {
        let out = s
            .cmd()
            .args(["unmerge", "contacts.json", "102", email, "-o", "x.json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains(needle), "{}", stderr(&out));
    }
    let out = s
        .cmd()
        .args(["unmerge", "contacts.json", "777", "a@b.co", "-o", "x.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("contact 777 is not in the export"),
        "{}",
        stderr(&out)
    );
    assert_eq!(s.files(), before, "nothing written");
}

#[test]
fn usage_errors() {
    let s = Sandbox::new();
    // No output named.
    let out = s
        .cmd()
        .args(["unmerge", "contacts.json", "102", "jane@doe-family.net"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // -o naming the input without --in-place.
    let out = s
        .cmd()
        .args([
            "unmerge",
            "contacts.json",
            "102",
            "jane@doe-family.net",
            "-o",
            "contacts.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--in-place"));
    // --restore needs --journal; neither an email nor --restore.
    let out = s
        .cmd()
        .args([
            "unmerge",
            "contacts.json",
            "101",
            "--restore",
            "102",
            "-o",
            "x.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = s
        .cmd()
        .args(["unmerge", "contacts.json", "101", "-o", "x.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn in_place_replaces_the_input() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args([
            "unmerge",
            "contacts.ndjson",
            "102",
            "jane@doe-family.net",
            "--in-place",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(s.read("contacts.ndjson")).unwrap();
    assert_eq!(text.lines().count(), 6);
    assert!(text.lines().nth(2).unwrap().starts_with("{\"id\":\"106\""));
}

/// Regression: a split left `hs_additional_emails` disagreeing with its
/// history (the newest entry still listed the email split off). The entry
/// for the emails left goes in front, in the file's own spelling: v3
/// `sourceType`, v1 `source-type` in `versions`.
#[test]
fn a_split_adds_the_emails_left_to_their_history_in_v3_and_v1() {
    let s = Sandbox::new();
    s.write(
        "v3.json",
        r#"{"results": [{"id": "7", "properties": {"email": "a@x.com", "hs_additional_emails": "b@x.com;c@x.com"},
  "propertiesWithHistory": {"hs_additional_emails": [{"value": "b@x.com;c@x.com", "timestamp": "2020-01-01T00:00:00.000Z", "sourceType": "MERGE_CONTACTS"}]}}]}"#,
    );
    s.write(
        "v1.json",
        r#"{"vid": 7, "properties": {"email": {"value": "a@x.com"}, "hs_additional_emails": {"value": "b@x.com;c@x.com",
  "versions": [{"value": "b@x.com;c@x.com", "source-type": "MERGE_CONTACTS", "timestamp": 1577836800000}]}}}"#,
    );
    let before = chrono::Utc::now().timestamp_millis();
    for (file, entries_at, type_key) in [
        (
            "v3.json",
            "/results/0/propertiesWithHistory/hs_additional_emails",
            "sourceType",
        ),
        (
            "v1.json",
            "/0/properties/hs_additional_emails/versions",
            "source-type",
        ),
    ] {
        let out = s
            .cmd()
            .args(["unmerge", file, "7", "b@x.com", "-o", "out.json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{file}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&s.read("out.json")).unwrap();
        let entries = v.pointer(entries_at).unwrap().as_array().unwrap();
        assert_eq!(entries.len(), 2, "{file}: {entries:?}");
        assert_eq!(entries[0]["value"], "c@x.com", "{file}");
        assert_eq!(entries[0][type_key], "UNMERGE", "{file}");
        let stamp = &entries[0]["timestamp"];
        let at = stamp.as_i64().unwrap_or_else(|| {
            contact_merge::dates::parse_millis(stamp.as_str().unwrap()).unwrap()
        });
        assert!(at >= before, "{file}: {stamp}");
        assert_eq!(entries[1]["value"], "b@x.com;c@x.com", "{file}");
    }
}

/// `--merge-time` fixes the time of the split's history entry: the same
/// export split twice gives the same bytes.
#[test]
fn a_split_with_merge_time_gives_the_same_bytes_every_run() {
    let s = Sandbox::new();
    s.write(
        "v3.json",
        r#"{"results": [{"id": "7", "properties": {"email": "a@x.com", "hs_additional_emails": "b@x.com;c@x.com"},
  "propertiesWithHistory": {"hs_additional_emails": [{"value": "b@x.com;c@x.com", "timestamp": "2020-01-01T00:00:00.000Z", "sourceType": "MERGE_CONTACTS"}]}}]}"#,
    );
    let mut outputs = Vec::new();
    for out in ["one.json", "two.json"] {
        let run = s
            .cmd()
            .args(["unmerge", "v3.json", "7", "b@x.com", "-o", out])
            .args(["--merge-time", "2024-06-01T00:00:00Z"])
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", stderr(&run));
        std::thread::sleep(std::time::Duration::from_millis(5));
        outputs.push(s.read(out));
    }
    assert_eq!(outputs[0], outputs[1]);
    let v: serde_json::Value = serde_json::from_slice(&outputs[0]).unwrap();
    let entry = &v["results"][0]["propertiesWithHistory"]["hs_additional_emails"][0];
    assert_eq!(entry["timestamp"], "2024-06-01T00:00:00.000Z", "{v}");
    let bad = s
        .cmd()
        .args(["unmerge", "v3.json", "7", "b@x.com", "-o", "x.json"])
        .args(["--merge-time", "yesterday"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}

/// `contacts.csv` with 101 ← 102 merged into `m.csv`, journaled in
/// `j.jsonl`.
fn merged_101_102(s: &Sandbox) {
    let out = s
        .cmd()
        .args(["merge", "contacts.csv", "101", "102", "-o", "m.csv"])
        .args([
            "--journal",
            "j.jsonl",
            "--merge-time",
            "2024-06-01T00:00:00Z",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Rewrite the CSV row of contact `id` in `file` (its cells split at
/// commas: the fixture's rows quote none).
fn edit_row(s: &Sandbox, file: &str, id: &str, edit: impl Fn(&mut Vec<String>)) {
    let text = String::from_utf8(s.read(file)).unwrap();
    let rows: String = text
        .lines()
        .map(|l| match l.starts_with(&format!("{id},")) {
            true => {
                let mut cells: Vec<String> = l.split(',').map(String::from).collect();
                edit(&mut cells);
                cells.join(",") + "\n"
            }
            false => format!("{l}\n"),
        })
        .collect();
    s.write(file, rows);
}

/// `unmerge FROM 101 --restore 102 --journal j.jsonl -o r.csv`.
fn restore_102(s: &Sandbox, from: &str) -> std::process::Output {
    s.cmd()
        .args(["unmerge", from, "101", "--restore", "102"])
        .args(["--journal", "j.jsonl", "-o", "r.csv"])
        .output()
        .unwrap()
}

/// 101 ← 102 merged, then 102's email split off 101 into a contact of its
/// own (106): restoring 102 would give two contacts one email. Refused,
/// naming the email and its holder, nothing written; once 106's email is
/// changed, the restore goes through.
#[test]
fn a_restore_does_not_give_an_email_to_two_contacts() {
    let s = Sandbox::new();
    merged_101_102(&s);
    let split = s
        .cmd()
        .args([
            "unmerge",
            "m.csv",
            "101",
            "janedoe@gmail.com",
            "-o",
            "split.csv",
        ])
        .args(["--merge-time", "2024-07-01T00:00:00Z"])
        .output()
        .unwrap();
    assert!(split.status.success(), "{}", stderr(&split));
    let out = restore_102(&s, "split.csv");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for part in [
        "cannot restore contact 102",
        "janedoe@gmail.com",
        "contact 106",
        "j.jsonl",
    ] {
        assert!(err.contains(part), "{part:?} not in: {err}");
    }
    assert!(!s.path("r.csv").exists());
    edit_row(&s, "split.csv", "106", |cells| {
        for c in cells.iter_mut().filter(|c| *c == "janedoe@gmail.com") {
            *c = "jane.second@gmail.com".into();
        }
    });
    let out = restore_102(&s, "split.csv");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

/// A counter changed after the merge: the restore keeps the change and
/// takes the secondary's share off it, and says so (it said "kept 5" of
/// a count that went from 5 to 7 and was written as 5).
#[test]
fn a_counter_changed_since_the_merge_is_reported_as_written() {
    let s = Sandbox::new();
    merged_101_102(&s);
    // 101's form submissions: 3 + 2 = 5 after the merge; 7 since.
    let text = String::from_utf8(s.read("m.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "Number of Form Submissions")
        .unwrap();
    edit_row(&s, "m.csv", "101", |cells| {
        assert_eq!(cells[col], "5");
        cells[col] = "7".into();
    });
    let out = restore_102(&s, "m.csv");
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let said = "num_conversion_events (column \"Number of Form Submissions\") changed after the merge (5 → 7); \
                wrote 5: the change since kept, what the merge added taken back";
    assert!(err.contains(said), "{err}");
    // The summary says the changes were kept, not "their current value"
    // (which 7 would be).
    assert!(
        err.contains(
            "; kept the changes made since the merge to 1 property (num_conversion_events (column \"Number of Form Submissions\"))"
        ) && !err.contains("current value"),
        "{err}"
    );
}
