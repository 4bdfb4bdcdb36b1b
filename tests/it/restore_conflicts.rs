//! `unmerge --restore` keeps every change made after the merge and reports
//! it as a conflict (SPEC section 5), whether or not the merge had changed
//! that property; a journal entry that evidently describes another export
//! with the same ids is refused. A file that is no journal is not appended
//! to, and the message says so.

use serde_json::Value;

use crate::util::{stderr, stdout, Sandbox};

const IN: &str = "Record ID,First Name,Email,Phone Number,Last Modified Date\n\
                  1,Robert,r@x.com,111,2023-01-01 10:00\n\
                  2,Bob,b@x.com,222,2024-01-01 10:00\n";
const PLAN: &str = "primary_id,secondary_id\n1,2\n";
const TIME: &str = "2024-06-01T00:00:00Z";

/// `apply in.csv --plan plan.csv -o OUT --journal J` with extra arguments.
fn apply(s: &Sandbox, input: &str, out: &str, journal: &str, extra: &[&str]) {
    let o = s
        .cmd()
        .args(["-q", "apply", input, "--plan", "plan.csv", "-o", out])
        .args(["--journal", journal, "--merge-time", TIME])
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `unmerge FILE 1 --restore 2 --journal J -o r.csv --format json`.
fn restore(s: &Sandbox, file: &str, journal: &str) -> std::process::Output {
    s.cmd()
        .args(["unmerge", file, "1", "--restore", "2", "--journal", journal])
        .args(["-o", "r.csv", "--format", "json"])
        .output()
        .unwrap()
}

fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    s.write("in.csv", IN);
    s.write("plan.csv", PLAN);
    s
}

/// (property, merged, current, result) of each conflict in the report.
fn conflicts(report: &Value) -> Vec<(String, Value, Value, Value)> {
    report["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["property"].as_str().unwrap().to_string(),
                c["merged"].clone(),
                c["current"].clone(),
                c["result"].clone(),
            )
        })
        .collect()
}

/// The tester's case: the journal of a preview run (primary-wins) given
/// for the file of the real run. Robert and 111, the primary's own values,
/// were replaced by Bob and 222 in silence (exit 0, no conflict), because
/// the merge of that journal had not changed them.
#[test]
fn the_journal_of_another_run_is_reported_as_conflicts() {
    let s = sandbox();
    apply(
        &s,
        "in.csv",
        "preview.csv",
        "preview.jsonl",
        &["--policy", "primary-wins"],
    );
    apply(&s, "in.csv", "out.csv", "merges.jsonl", &[]);
    let o = restore(&s, "out.csv", "preview.jsonl");
    assert!(o.status.success(), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        conflicts(&report),
        [
            (
                "firstname".into(),
                "Robert".into(),
                "Bob".into(),
                "Bob".into()
            ),
            ("phone".into(), "111".into(), "222".into(), "222".into()),
        ]
    );
    let err = stderr(&o);
    for w in [
        "contact 1: firstname (column \"First Name\") changed after the merge (Robert → Bob); kept Bob",
        "contact 1: phone (column \"Phone Number\") changed after the merge (111 → 222); kept 222",
    ] {
        assert!(err.contains(w), "{err:?} lacks {w:?}");
    }
    // The right journal restores the input exactly, with nothing to report.
    let o = restore(&s, "out.csv", "merges.jsonl");
    assert!(o.status.success(), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["conflicts"], serde_json::json!([]));
    assert_eq!(s.read("r.csv"), IN.as_bytes());
}

/// A journal from another export that has the same ids: nearly every
/// property the merge wrote differs from the primary now. Refused, nothing
/// written, the message saying which journal to give.
#[test]
fn the_journal_of_another_export_with_the_same_ids_is_refused() {
    let s = sandbox();
    s.write(
        "other.csv",
        "Record ID,First Name,Email,Phone Number,Last Modified Date\n\
         1,Alice,a@y.com,333,2022-01-01 10:00\n\
         2,Carol,c@y.com,444,2022-05-01 10:00\n",
    );
    apply(&s, "other.csv", "o2.csv", "other.jsonl", &[]);
    apply(&s, "in.csv", "out.csv", "merges.jsonl", &[]);
    let before = s.files();
    let out_before = s.read("out.csv");
    let o = restore(&s, "out.csv", "other.jsonl");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(stdout(&o), "");
    assert_eq!(s.files(), before, "nothing written: {err}");
    assert_eq!(s.read("out.csv"), out_before);
    for w in [
        "other.jsonl: line 1: the journal entry does not describe this contact",
        "5 of the 5 properties that merge wrote differ on contact 1 now",
        "firstname: \"Carol\" in the journal, \"Bob\" now",
        "give --journal the journal of the run that made this file",
    ] {
        assert!(err.contains(w), "{err:?} lacks {w:?}");
    }
}

/// The primary's email edited by hand after the merge, a property the
/// merge did not change: the restore keeps the edit and says so (it kept
/// it in silence), naming the property by the CSV's header too; the rest
/// of the merge is undone.
#[test]
fn a_hand_edit_the_merge_did_not_cause_is_kept_and_reported() {
    let s = sandbox();
    apply(&s, "in.csv", "out.csv", "merges.jsonl", &[]);
    let out = String::from_utf8(s.read("out.csv")).unwrap();
    assert!(out.contains("1,Bob,r@x.com,222,"), "{out}");
    s.write("edited.csv", out.replace("r@x.com", "r2@x.com"));
    let o = restore(&s, "edited.csv", "merges.jsonl");
    assert!(o.status.success(), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        conflicts(&report),
        [(
            "email".into(),
            "r@x.com".into(),
            "r2@x.com".into(),
            "r2@x.com".into()
        )]
    );
    assert_eq!(report["conflicts"][0]["before"], "r@x.com");
    let err = stderr(&o);
    // The CSV's header for the property beside its internal name.
    let w = "contact 1: email (column \"Email\") changed after the merge (r@x.com → r2@x.com); kept r2@x.com";
    assert!(err.contains(w), "{err:?} lacks {w:?}");
    assert_eq!(
        String::from_utf8(s.read("r.csv")).unwrap(),
        IN.replace("r@x.com", "r2@x.com")
    );
}

/// A contacts CSV given as `--journal`: not a journal of merges (it was
/// called a journal whose last line was cut off, with advice to remove
/// that line, a contact).
#[test]
fn an_export_given_as_journal_is_not_a_journal_of_merges() {
    let s = sandbox();
    let exports = [
        ("other.csv", IN.to_string()),
        (
            "other.json",
            "{\n  \"contacts\": [\n    {\"id\": \"1\"}\n  ]\n}\n".to_string(),
        ),
    ];
    for (name, text) in exports {
        s.write(name, &text);
        let before = s.files();
        let o = s
            .cmd()
            .args(["apply", "in.csv", "--plan", "plan.csv", "-o", "o.csv"])
            .args(["--journal", name])
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert_eq!(s.files(), before, "{name}: nothing written: {err}");
        assert_eq!(s.read(name), text.as_bytes(), "{name} unchanged");
        let said = format!("{name} is not a journal of merges: line 1: it is not a JSON object");
        for w in [said.as_str(), "give --journal a new file"] {
            assert!(err.contains(w), "{name}: {err:?} lacks {w:?}");
        }
        assert!(!err.contains("cut off"), "{name}: {err}");
        assert!(!err.contains("remove that line"), "{name}: {err}");
    }
}

/// A change kept in a part other than properties names the contact and
/// the items that came since (a reviewer found "deals: changed after the
/// merge" with no contact and no deal named).
#[test]
fn a_kept_association_change_names_the_contact_and_the_ids_added_since() {
    let s = Sandbox::new();
    s.write("plan.csv", "primary_id,secondary_id\n101,102\n");
    apply(&s, "contacts.csv", "m.csv", "j.jsonl", &[]);
    // Deal 303 associated with 101 after the merge.
    rewrite_csv(&s, "m.csv", "edited.csv", |headers, mut row| {
        let deals = col(headers, "Associated Deal IDs");
        if row[0] == "101" {
            row[deals] = format!("{};303", row[deals])
                .trim_start_matches(';')
                .to_string();
        }
        row
    });
    let o = s
        .cmd()
        .args(["unmerge", "edited.csv", "101", "--restore", "102"])
        .args(["--journal", "j.jsonl", "-o", "r.csv"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("contact 101: kept a change made after the merge: deals (added since: 303)"),
        "{err}"
    );
}

/// An export saved without its "Merged object IDs" column says so (it
/// said the column's values, "(empty)", did not list the secondary).
#[test]
fn an_export_without_its_merged_ids_column_is_named_so() {
    let s = Sandbox::new();
    s.write("plan.csv", "primary_id,secondary_id\n101,102\n");
    apply(&s, "contacts.csv", "m.csv", "j.jsonl", &[]);
    rewrite_csv(&s, "m.csv", "cut.csv", |headers, mut row| {
        row.remove(col(headers, "Merged object IDs"));
        row
    });
    let o = s
        .cmd()
        .args(["unmerge", "cut.csv", "101", "--restore", "102"])
        .args(["--journal", "j.jsonl", "-o", "r.csv"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("contact 101 has no hs_merged_object_ids at all (a CSV saved without its \"Merged object IDs\" column?)"),
        "{err}"
    );
}

/// The CSV `from` written to `to` with each row, the header's first, as
/// `edit` makes it (it gets the header row too).
fn rewrite_csv(
    s: &Sandbox,
    from: &str,
    to: &str,
    edit: impl Fn(&csv::StringRecord, Vec<String>) -> Vec<String>,
) {
    let text = s.read(from);
    let mut rows = csv::Reader::from_reader(text.as_slice());
    let headers = rows.headers().unwrap().clone();
    let mut w = csv::Writer::from_writer(Vec::new());
    let all = std::iter::once(headers.clone()).chain(rows.records().map(Result::unwrap));
    for r in all {
        w.write_record(edit(&headers, r.iter().map(str::to_string).collect()))
            .unwrap();
    }
    s.write(to, w.into_inner().unwrap());
}

/// The place of a header.
fn col(headers: &csv::StringRecord, name: &str) -> usize {
    headers.iter().position(|h| h == name).unwrap()
}
