//! `unmerge --restore` checks that the journal describes the export it is
//! given (SPEC section 6): the primary lists the secondary among its merged
//! ids, no later merge of it is missing from the journals given, and summed
//! counters come back as whole numbers, never below 0. A refusal exits 1
//! and writes nothing.

use serde_json::Value;

use crate::util::{stderr, stdout, Sandbox};

const T1: &str = "2024-06-01T00:00:00Z";
const T2: &str = "2024-06-02T00:00:00Z";

/// `merge FILE PRIMARY SECONDARY -o OUT --journal J` at a merge time.
fn merge(s: &Sandbox, file: &str, p: &str, sec: &str, out: &str, journal: &str, time: &str) {
    let o = s
        .cmd()
        .args(["merge", file, p, sec, "-o", out, "--journal", journal])
        .args(["--merge-time", time, "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `unmerge FILE PRIMARY --restore SECONDARY --journal J... -o OUT`.
fn restore(
    s: &Sandbox,
    file: &str,
    p: &str,
    sec: &str,
    journals: &[&str],
    out: &str,
) -> std::process::Output {
    let mut c = s.cmd();
    c.args(["unmerge", file, p, "--restore", sec]);
    for j in journals {
        c.args(["--journal", j]);
    }
    c.args(["-o", out]).output().unwrap()
}

/// Copy the JSON export `from` to `to` with contact `id`'s property set
/// (`None`: removed), or contact `id` left out when `prop` is empty.
fn edit(s: &Sandbox, from: &str, to: &str, id: &str, prop: &str, value: Option<&str>) {
    let mut doc: Value = serde_json::from_slice(&s.read(from)).unwrap();
    let contacts = doc["contacts"].as_array_mut().unwrap();
    if prop.is_empty() {
        contacts.retain(|c| c["id"] != id);
    } else {
        let c = contacts.iter_mut().find(|c| c["id"] == id).unwrap();
        let props = c["properties"].as_object_mut().unwrap();
        match value {
            Some(v) => props.insert(prop.into(), v.into()),
            None => props.remove(prop),
        };
    }
    s.write(to, serde_json::to_vec_pretty(&doc).unwrap());
}

/// A refusal: exit 1, nothing on stdout, no file written or changed, and
/// a message holding every one of `words`.
fn assert_refused(s: &Sandbox, out: &std::process::Output, before: &[String], words: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(stdout(out), "");
    assert_eq!(s.files(), before, "nothing written: {err}");
    for w in words {
        assert!(err.contains(w), "{err:?} lacks {w:?}");
    }
}

/// The merged-away contact's primary in this export never absorbed it: a
/// restore used to exit 0 and take the secondary's share off counters that
/// never held it.
#[test]
fn a_file_the_journal_does_not_describe_is_refused() {
    let s = Sandbox::new();
    merge(&s, "contacts.json", "101", "102", "m.json", "j.jsonl", T1);
    // The export before the merge, without 102: 101 never absorbed it.
    edit(&s, "contacts.json", "other.json", "102", "", None);
    let before = s.files();
    let out = restore(&s, "other.json", "101", "102", &["j.jsonl"], "r.json");
    assert_refused(
        &s,
        &out,
        &before,
        &[
            "other.json: j.jsonl: line 1: the journal does not describe this export",
            "contact 101's hs_merged_object_ids (empty) do not list 102",
            "give the export that merge wrote",
        ],
    );
}

/// 101 holds fewer conversion events than the merge added: the float
/// restore wrote `num_conversion_events = -2` and exited 0.
#[test]
fn a_counter_is_never_restored_below_zero() {
    let s = Sandbox::new();
    merge(&s, "contacts.json", "101", "102", "m.json", "j.jsonl", T1);
    for (file, value) in [("zero.json", Some("0")), ("gone.json", None)] {
        edit(&s, "m.json", file, "101", "num_conversion_events", value);
        let before = s.files();
        let out = restore(&s, file, "101", "102", &["j.jsonl"], "r.json");
        assert_refused(
            &s,
            &out,
            &before,
            &[
                &format!(
                    "{file}: j.jsonl: line 1: cannot restore num_conversion_events of contact 101"
                ),
                "less than the 2 the merge of 102 added, and a counter never goes below 0",
                "the journal does not describe this export",
            ],
        );
        assert!(!stderr(&out).contains("-2"), "{}", stderr(&out));
    }
}

/// A counter beyond 2^64 in the export comes back exact (the float
/// restore wrote 100000000000000000000 for 10^20 − 2); one edited in the
/// journal, or one that is not a whole number, is refused.
#[test]
fn counters_are_restored_in_whole_numbers() {
    let s = Sandbox::new();
    merge(&s, "contacts.json", "101", "102", "m.json", "j.jsonl", T1);
    edit(
        &s,
        "m.json",
        "big.json",
        "101",
        "num_conversion_events",
        Some("100000000000000000000"),
    );
    let out = restore(&s, "big.json", "101", "102", &["j.jsonl"], "r.json");
    assert!(out.status.success(), "{}", stderr(&out));
    let r: Value = serde_json::from_slice(&s.read("r.json")).unwrap();
    assert_eq!(
        r["contacts"][0]["properties"]["num_conversion_events"], "99999999999999999998",
        "10^20 − 2, exactly"
    );
    std::fs::remove_file(s.path("r.json")).unwrap();

    // The journal's merged value edited: it no longer adds up.
    let journal = String::from_utf8(s.read("j.jsonl")).unwrap();
    let merged_at = journal.find("\"merged\":").unwrap();
    let (head, tail) = journal.split_at(merged_at);
    let tail = tail.replacen(
        "\"num_conversion_events\":\"5\"",
        "\"num_conversion_events\":\"100000000000000000000\"",
        1,
    );
    s.write("edited.jsonl", format!("{head}{tail}"));
    let before = s.files();
    let out = restore(&s, "m.json", "101", "102", &["edited.jsonl"], "r.json");
    assert_refused(
        &s,
        &out,
        &before,
        &[
            "m.json: edited.jsonl: line 1: num_conversion_events does not add up",
            "wrote 100000000000000000000, not 3 (contact 101 before) + 2 (contact 102)",
            "the journal line looks edited",
        ],
    );

    // Not a whole number in the export: named with its contact and line.
    edit(
        &s,
        "m.json",
        "frac.json",
        "101",
        "num_conversion_events",
        Some("4.5"),
    );
    let before = s.files();
    let out = restore(&s, "frac.json", "101", "102", &["j.jsonl"], "r.json");
    assert_refused(
        &s,
        &out,
        &before,
        &[
            "frac.json: j.jsonl: line 1: cannot restore num_conversion_events of contact 101: \"4.5\" (its value in the export) is not a whole number",
            "correct it in the export",
        ],
    );
}

/// 102 merged into 101 (j1), then, a day later, 103 into 101 (j2). With j1
/// alone the later merge is missing, and the restore says so; with both,
/// 103 comes back first, then 102, and the export is as it was.
#[test]
fn a_later_merge_in_another_journal_is_seen() {
    let s = Sandbox::new();
    merge(&s, "contacts.json", "101", "102", "m1.json", "j1.jsonl", T1);
    merge(&s, "m1.json", "101", "103", "m2.json", "j2.jsonl", T2);

    let before = s.files();
    let out = restore(&s, "m2.json", "101", "102", &["j1.jsonl"], "r.json");
    assert_refused(
        &s,
        &out,
        &before,
        &[
            "m2.json: j1.jsonl: line 1: the merge of 102 into 101 cannot be restored",
            "also list 103, which that merge did not add",
            "give its journal too (--journal can be given more than once)",
        ],
    );
    // Both journals, in either order: 103 must come back first.
    for journals in [["j1.jsonl", "j2.jsonl"], ["j2.jsonl", "j1.jsonl"]] {
        let out = restore(&s, "m2.json", "101", "102", &journals, "r.json");
        assert_refused(
            &s,
            &out,
            &before,
            &[
                "later merges involve these contacts: j2.jsonl line 1: 103 into 101",
                "restores go newest first",
            ],
        );
    }
    let out = restore(
        &s,
        "m2.json",
        "101",
        "103",
        &["j1.jsonl", "j2.jsonl"],
        "r1.json",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.read("r1.json"), s.read("m1.json"));
    let out = restore(
        &s,
        "r1.json",
        "101",
        "102",
        &["j1.jsonl", "j2.jsonl"],
        "r2.json",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.read("r2.json"), s.read("contacts.json"));
    for sec in ["102", "103"] {
        let out = restore(
            &s,
            "r2.json",
            "101",
            sec,
            &["j1.jsonl", "j2.jsonl"],
            "r3.json",
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "restored already: {}",
            stderr(&out)
        );
    }
}

/// 102 merged into 101 (j1), then 101 into 105 (j2): with j1 alone, the
/// restore names the merge that took 101 away and asks for its journal
/// (it used to say "use 105", for a merge no journal holds).
#[test]
fn a_primary_merged_away_in_another_journal_is_named() {
    let s = Sandbox::new();
    merge(&s, "contacts.json", "101", "102", "m1.json", "j1.jsonl", T1);
    merge(&s, "m1.json", "105", "101", "m2.json", "j2.jsonl", T2);
    let before = s.files();
    let out = restore(&s, "m2.json", "101", "102", &["j1.jsonl"], "r.json");
    assert_refused(
        &s,
        &out,
        &before,
        &[
            "m2.json: j1.jsonl: line 1: the merge of 102 into 101 cannot be restored: contact 101 is not in the export, it was merged into contact 105 since",
            "give its journal too (--journal can be given more than once)",
        ],
    );
    let both = ["j2.jsonl", "j1.jsonl"];
    let out = restore(&s, "m2.json", "101", "102", &both, "r.json");
    assert_refused(
        &s,
        &out,
        &before,
        &["later merges involve these contacts: j2.jsonl line 1: 101 into 105"],
    );
    let out = restore(&s, "m2.json", "105", "101", &both, "r1.json");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = restore(&s, "r1.json", "101", "102", &both, "r2.json");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.read("r2.json"), s.read("contacts.json"));
}

/// `apply --plan PLAN --journal J` at a merge time.
fn apply(s: &Sandbox, file: &str, plan: &str, out: &str, journal: &str, time: &str) {
    let o = s
        .cmd()
        .args([
            "apply",
            file,
            "--plan",
            plan,
            "-o",
            out,
            "--journal",
            journal,
        ])
        .args(["--merge-time", time, "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The same plan applied twice into one journal (a preview, then the real
/// run, at other merge times): each output is restored from the lines of
/// the run that wrote it. Restoring the preview used to take the last
/// line (the real run's), exit 0 and leave the preview's merge event and
/// history entries on 101.
#[test]
fn a_merge_recorded_twice_is_restored_from_the_run_that_wrote_the_export() {
    let s = Sandbox::new();
    s.write("plan.csv", "primary_id,secondary_id\n101,102\n101,103\n");
    apply(
        &s,
        "contacts.json",
        "plan.csv",
        "preview.json",
        "j.jsonl",
        T1,
    );
    apply(&s, "contacts.json", "plan.csv", "final.json", "j.jsonl", T2);
    for (file, lines) in [("preview.json", ["2", "1"]), ("final.json", ["4", "3"])] {
        let out = restore(&s, file, "101", "103", &["j.jsonl"], "r1.json");
        assert!(out.status.success(), "{file}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("from j.jsonl line {}", lines[0])),
            "{file}: {}",
            stderr(&out)
        );
        let out = restore(&s, "r1.json", "101", "102", &["j.jsonl"], "r2.json");
        assert!(out.status.success(), "{file}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("from j.jsonl line {}", lines[1])),
            "{file}: {}",
            stderr(&out)
        );
        assert_eq!(
            String::from_utf8(s.read("r2.json")).unwrap(),
            String::from_utf8(s.read("contacts.json")).unwrap(),
            "{file}: restored exactly"
        );
        for f in ["r1.json", "r2.json"] {
            std::fs::remove_file(s.path(f)).unwrap();
        }
    }
}

/// A merge recorded twice, differently, and an export whose contact
/// neither record describes whole (its merge event deleted since): the
/// restore cannot tell which merge to undo, and says so, naming both lines
/// and how to choose.
#[test]
fn a_merge_recorded_twice_that_the_export_cannot_tell_apart_is_refused() {
    let s = Sandbox::new();
    s.write("plan.csv", "primary_id,secondary_id\n101,102\n");
    apply(
        &s,
        "contacts.json",
        "plan.csv",
        "preview.json",
        "j.jsonl",
        T1,
    );
    apply(&s, "contacts.json", "plan.csv", "final.json", "j.jsonl", T2);
    // The merge event (the engagement the merge added) deleted, and the
    // history entries stamped with the merge time with it.
    let mut doc: Value = serde_json::from_slice(&s.read("preview.json")).unwrap();
    let c = (doc["contacts"].as_array_mut().unwrap().iter_mut())
        .find(|c| c["id"] == "101")
        .unwrap();
    let before = c["engagements"].as_array().unwrap().len();
    (c["engagements"].as_array_mut().unwrap())
        .retain(|e| !e.to_string().contains("2024-06-01T00:00:00"));
    assert!(c["engagements"].as_array().unwrap().len() < before);
    for (_, entries) in c["propertiesWithHistory"].as_object_mut().unwrap() {
        (entries.as_array_mut().unwrap())
            .retain(|e| !e.to_string().contains("2024-06-01T00:00:00"));
    }
    s.write("edited.json", serde_json::to_vec_pretty(&doc).unwrap());
    let before = s.files();
    let out = restore(&s, "edited.json", "101", "102", &["j.jsonl"], "r.json");
    assert_refused(
        &s,
        &out,
        &before,
        &[
            "edited.json: j.jsonl: the merge of 102 into 101 is recorded twice, differently: line 1 (merged 2024-06-01T00:00:00.000Z), line 2 (merged 2024-06-02T00:00:00.000Z)",
            "which one to undo cannot be told",
            "keep one journal per run",
        ],
    );
    // Merges recorded twice alike (one merge time) restore as one.
    apply(
        &s,
        "contacts.json",
        "plan.csv",
        "again1.json",
        "same.jsonl",
        T1,
    );
    apply(
        &s,
        "contacts.json",
        "plan.csv",
        "again2.json",
        "same.jsonl",
        T1,
    );
    let out = restore(&s, "again1.json", "101", "102", &["same.jsonl"], "r.json");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(s.read("r.json"), s.read("contacts.json"));
}

/// A later run given an earlier --merge-time (or journals of equal merge
/// times named newest first): the journals themselves say which merge came
/// first (the later merge's primary already listed the earlier secondary).
/// Both restores used to be refused, one of them asking for a journal that
/// was given.
#[test]
fn journals_with_merge_times_out_of_order_are_ordered_by_what_they_record() {
    let s = Sandbox::new();
    merge(&s, "contacts.json", "101", "102", "m1.json", "a.jsonl", T2);
    merge(&s, "m1.json", "101", "105", "m2.json", "b.jsonl", T1);
    merge(&s, "m1.json", "101", "105", "n2.json", "c.jsonl", T2);
    for (file, journals) in [
        ("m2.json", ["a.jsonl", "b.jsonl"]),
        ("m2.json", ["b.jsonl", "a.jsonl"]),
        ("n2.json", ["c.jsonl", "a.jsonl"]),
    ] {
        let later = journals.iter().find(|j| **j != "a.jsonl").unwrap();
        let before = s.files();
        let out = restore(&s, file, "101", "102", &journals, "r.json");
        assert_refused(
            &s,
            &out,
            &before,
            &[&format!(
                "later merges involve these contacts: {later} line 1: 105 into 101"
            )],
        );
        assert!(!stderr(&out).contains("missing"), "{}", stderr(&out));
        let out = restore(&s, file, "101", "105", &journals, "r1.json");
        assert!(out.status.success(), "{journals:?}: {}", stderr(&out));
        assert_eq!(s.read("r1.json"), s.read("m1.json"));
        let out = restore(&s, "r1.json", "101", "102", &journals, "r2.json");
        assert!(out.status.success(), "{journals:?}: {}", stderr(&out));
        assert_eq!(s.read("r2.json"), s.read("contacts.json"));
        for f in ["r1.json", "r2.json"] {
            std::fs::remove_file(s.path(f)).unwrap();
        }
    }
}

/// A journal written on the portal's JSON export does not describe its
/// CSV export (labels, date forms): the restore is refused, naming both
/// formats, where it wrote JSON's values into the CSV. The journal of the
/// CSV's own merge restores it byte for byte; CSV and XLSX, JSON and JSON
/// Lines, write their values alike and may be mixed.
#[test]
fn a_journal_of_an_export_in_another_value_form_is_refused() {
    let s = Sandbox::new();
    apply(&s, "contacts.csv", "plan.csv", "m.csv", "j-csv.jsonl", T1);
    apply(
        &s,
        "contacts.json",
        "plan.csv",
        "m.json",
        "j-json.jsonl",
        T1,
    );
    let out = restore(&s, "m.csv", "101", "102", &["j-json.jsonl"], "r.csv");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the merge was made on a JSON export and this one is CSV"),
        "{}",
        stderr(&out)
    );
    // It says how to go on (it said to use the journal just given).
    assert!(
        stderr(&out).contains("convert this file back to JSON"),
        "{}",
        stderr(&out)
    );
    assert!(!s.path("r.csv").exists());
    let out = restore(&s, "m.json", "101", "102", &["j-csv.jsonl"], "r.json");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Its own journal, and one of the other format of the same forms.
    let out = restore(&s, "m.csv", "103", "104", &["j-csv.jsonl"], "r.csv");
    assert!(out.status.success(), "{}", stderr(&out));
    s.write("none.csv", "primary_id,secondary_id\n");
    let o = s
        .cmd()
        .args([
            "apply", "m.json", "--plan", "none.csv", "-o", "m.ndjson", "-q",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = restore(&s, "m.ndjson", "103", "104", &["j-json.jsonl"], "r.ndjson");
    assert!(out.status.success(), "{}", stderr(&out));
}
