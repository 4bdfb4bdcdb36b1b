//! Linear time on large legal input (issue 16, item 8): a header of a
//! hundred thousand columns, contacts with tens of thousands of emails,
//! merged ids, history entries, lists or subscriptions. Each input is
//! sized so that the quadratic code of bb7bb3a needs minutes on it while
//! this code needs well under a second (dev build); the run is killed
//! after [`HANG_GUARD`] and the test fails. No timing is asserted.

use std::process::Output;

use crate::util::{stderr, stdout, Sandbox};

use crate::util::HANG_GUARD;

const MERGE_TIME: &str = "--merge-time=2024-06-01T00:00:00Z";

/// Run the binary with `args` in the sandbox, killed after the guard.
fn run(sb: &Sandbox, args: &[&str]) -> Output {
    let out = sb.cmd().args(args).timeout(HANG_GUARD).output().unwrap();
    assert!(
        out.status.code().is_some(),
        "{args:?} was killed after {HANG_GUARD:?}: a quadratic path?"
    );
    out
}

/// Run and expect exit 0.
fn run_ok(sb: &Sandbox, args: &[&str]) -> Output {
    let out = run(sb, args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    out
}

/// `;`-joined `prefix{i}suffix` for `i` in `range`.
fn joined(range: std::ops::Range<usize>, f: impl Fn(usize) -> String) -> String {
    range.map(f).collect::<Vec<_>>().join(";")
}

/// A CSV export of two contacts (1 and 2) with `n` columns besides the
/// record id and the email.
fn wide_csv(sb: &Sandbox, n: usize) -> std::path::PathBuf {
    let mut text = String::from("Record ID,Email");
    for i in 0..n {
        text.push_str(&format!(",c{i}"));
    }
    for (id, v) in [("1", "p"), ("2", "s")] {
        text.push_str(&format!("\n{id},{v}@x.com"));
        for i in 0..n {
            text.push_str(&format!(",{v}{i}"));
        }
    }
    text.push('\n');
    sb.write("wide.csv", text)
}

// 120,000 columns: bb7bb3a compared each column with every one before it
// (about 90 s on 40,000 columns in a dev build, 14 s; release 4.9 s);
// here 0.3 s.
const COLUMNS: usize = 120_000;

#[test]
fn check_reads_a_header_of_120k_columns() {
    let sb = Sandbox::new();
    wide_csv(&sb, COLUMNS);
    let out = run_ok(&sb, &["check", "wide.csv"]);
    assert!(
        stderr(&out).contains("wide.csv: 2 contacts, no problems"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn apply_streams_a_file_of_120k_columns() {
    // The streamed reader and writer of `apply` (a plan without pairs:
    // the file is copied as it is). Merging two contacts of 120,000
    // properties is linear too, but takes seconds in a dev build.
    let sb = Sandbox::new();
    wide_csv(&sb, COLUMNS);
    sb.write("plan.csv", "primary_id,secondary_id\n");
    run_ok(
        &sb,
        &[
            "apply", "wide.csv", "--plan", "plan.csv", "-o", "out.csv", MERGE_TIME, "-q",
        ],
    );
    assert!(sb.read("out.csv") == sb.read("wide.csv"));
}

#[test]
fn merge_unions_80k_additional_emails() {
    // 40,000 additional emails a side, every other one of the secondary's
    // the primary's in capitals: bb7bb3a searched the emails kept for
    // each (15 s on this in a release build, minutes in a dev build); here
    // 0.3 s. The primary's order first, the first spelling kept.
    let sb = Sandbox::new();
    let n = 40_000;
    let pa = joined(0..n, |i| format!("p{i}@x.com"));
    let sa = joined(0..n, |i| match i % 2 {
        0 => format!("P{i}@X.COM"),
        _ => format!("s{i}@x.com"),
    });
    sb.write(
        "big.csv",
        format!("Record ID,Email,Additional email addresses\n1,p@x.com,{pa}\n2,s@x.com,{sa}\n"),
    );
    run_ok(
        &sb,
        &[
            "merge", "big.csv", "1", "2", "-o", "out.csv", MERGE_TIME, "-q",
        ],
    );
    let out = String::from_utf8(sb.read("out.csv")).unwrap();
    let row = out.lines().nth(1).unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(cells[..2], ["1", "p@x.com"]);
    let emails: Vec<&str> = cells[2].split(';').collect();
    assert_eq!(emails.len(), n + 1 + n / 2);
    assert_eq!(emails[..n].join(";"), pa);
    assert_eq!(emails[n..n + 3], ["s@x.com", "s1@x.com", "s3@x.com"]);
    assert_eq!(emails[n + n / 2], format!("s{}@x.com", n - 1));
}

#[test]
fn apply_into_a_primary_that_absorbed_50k_contacts() {
    // Merges into one primary used to be cubic: each recounted and
    // re-joined its growing `hs_merged_object_ids` with a search of the
    // ids kept (4,000 merges took over 2 minutes). A primary that already
    // absorbed 50,000 contacts takes three more: bb7bb3a needs minutes
    // (8 s a merge on 20,000 ids in a dev build), this code 0.2 s.
    let sb = Sandbox::new();
    let prior = 50_000;
    let ids = joined(0..prior, |i| (1_000_000 + i).to_string());
    sb.write(
        "big.csv",
        format!(
            "Record ID,Email,Merged object IDs\n1,p@x.com,{ids}\n2,a@x.com,\n3,b@x.com,7\n4,c@x.com,\n"
        ),
    );
    sb.write("plan.csv", "primary_id,secondary_id\n1,2\n3,4\n1,3\n");
    run_ok(
        &sb,
        &[
            "apply",
            "big.csv",
            "--plan",
            "plan.csv",
            "-o",
            "out.csv",
            "--max-merges",
            "1000000",
            MERGE_TIME,
            "-q",
        ],
    );
    let out = String::from_utf8(sb.read("out.csv")).unwrap();
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 2, "{}", &out[..out.len().min(200)]);
    let cells: Vec<&str> = rows[1].split(',').collect();
    assert_eq!(cells[..2], ["1", "p@x.com"]);
    assert_eq!(cells[2], format!("{ids};2;3;7;4"));
    assert_eq!(cells[3], "a@x.com;b@x.com;c@x.com");
    // The limit still counts every id.
    let out = run(
        &sb,
        &[
            "apply",
            "big.csv",
            "--plan",
            "plan.csv",
            "-o",
            "out.csv",
            "--max-merges",
            "50000",
            MERGE_TIME,
        ],
    );
    // (The refused pairs are listed on stdout or stderr.)
    let said = stdout(&out) + &stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("already took part in 50000 merges"), "{said}");
}

/// A JSON export of two contacts (1 and 2) whose `part` holds what `items`
/// gives for each side (`p`, `s`).
fn two_contacts(sb: &Sandbox, part: &str, items: impl Fn(&str) -> String) {
    let contact = |id: &str, side: &str| {
        format!(
            r#"{{"id":"{id}","properties":{{"email":"{side}@x.com","lastmodifieddate":"2024-01-01T00:00:00.000Z"}},"{part}":{}}}"#,
            items(side)
        )
    };
    sb.write(
        "big.json",
        format!("[{},{}]", contact("1", "p"), contact("2", "s")),
    );
}

/// `n` items of a JSON list, `f(side, i)` each, every other one of the
/// secondary's the primary's.
fn items(side: &str, n: usize, f: impl Fn(&str) -> String) -> String {
    let all: Vec<String> = (0..n)
        .map(|i| match (side, i % 2) {
            ("s", 1) => f(&format!("s{i}")),
            _ => f(&format!("p{i}")),
        })
        .collect();
    all.join(",")
}

/// Merge 2 into 1 in `big.json` and give the merged contact.
fn merged(sb: &Sandbox) -> serde_json::Value {
    run_ok(
        sb,
        &[
            "merge", "big.json", "1", "2", "-o", "out.json", MERGE_TIME, "-q",
        ],
    );
    let out: serde_json::Value = serde_json::from_slice(&sb.read("out.json")).unwrap();
    out[0].clone()
}

#[test]
fn merge_unions_histories_of_25k_entries() {
    // bb7bb3a searched the entries kept for each (83 s for 20,000 a side
    // in a dev build); here 0.3 s.
    let sb = Sandbox::new();
    let n = 25_000;
    two_contacts(&sb, "propertiesWithHistory", |side| {
        let entries = items(side, n, |v| {
            format!(
                r#"{{"value":"{v}","timestamp":"2021-01-01T00:00:00.000Z","sourceType":"API"}}"#
            )
        });
        format!(r#"{{"firstname":[{entries}]}}"#)
    });
    let c = merged(&sb);
    let h = c["propertiesWithHistory"]["firstname"].as_array().unwrap();
    assert_eq!(h.len(), n + n / 2);
    assert_eq!(
        (&h[0]["value"], &h[n - 1]["value"], &h[n]["value"]),
        (&"p0".into(), &format!("p{}", n - 1).into(), &"s1".into())
    );
}

/// The history entries a merge added, listed by the journal and `diff`:
/// a search of both sides' entries for each merged entry (as first
/// written) was quadratic; a set of them is not.
#[test]
fn journal_and_diff_list_added_history_among_25k_entries() {
    let sb = Sandbox::new();
    let n = 25_000;
    two_contacts(&sb, "propertiesWithHistory", |side| {
        let entries = items(side, n, |v| {
            format!(
                r#"{{"value":"{v}","timestamp":"2021-01-01T00:00:00.000Z","sourceType":"API"}}"#
            )
        });
        format!(r#"{{"firstname":[{entries}]}}"#)
    });
    run_ok(
        &sb,
        &[
            "merge",
            "big.json",
            "1",
            "2",
            "-o",
            "out.json",
            "--journal",
            "j.jsonl",
            MERGE_TIME,
            "-q",
        ],
    );
    let line: serde_json::Value = serde_json::from_slice(&sb.read("j.jsonl")).unwrap();
    assert!(line.get("historyAdded").is_none(), "nothing was added");
    let out = run_ok(
        &sb,
        &["diff", "big.json", "1", "2", "--format", "json", MERGE_TIME],
    );
    let diff: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(diff["historyAdded"], serde_json::json!([]));
}

#[test]
fn merge_reports_lists_and_workflows_of_45k_items() {
    // bb7bb3a: 25 s for 20,000 a side in a dev build; here under a second.
    let sb = Sandbox::new();
    let n = 45_000;
    let lists = |side: &str| items(side, n, |v| format!(r#"{{"listId":"{v}"}}"#));
    let flows = |side: &str| items(side, n, |v| format!(r#""{v}""#));
    sb.write(
        "big.json",
        format!(
            r#"[{{"id":"1","properties":{{}},"listMemberships":[{}],"workflowEnrollments":[{}]}},{{"id":"2","properties":{{}},"listMemberships":[{}],"workflowEnrollments":[{}]}}]"#,
            lists("p"),
            flows("p"),
            lists("s"),
            flows("s")
        ),
    );
    let out = run_ok(
        &sb,
        &["diff", "big.json", "1", "2", "--format", "json", MERGE_TIME],
    );
    let d: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let sections = d["sections"].as_array().unwrap();
    for name in ["listMemberships", "workflowEnrollments"] {
        let s = sections.iter().find(|s| s["section"] == name).unwrap();
        assert_eq!(s["kept"].as_array().unwrap().len(), n, "{name}");
        let dropped = s["dropped"].as_array().unwrap();
        assert_eq!(dropped.len(), n / 2, "{name}");
        assert_eq!(
            (&dropped[0], &dropped[n / 2 - 1]),
            (&"s1".into(), &format!("s{}", n - 1).into())
        );
    }
}

#[test]
fn merge_keeps_subscriptions_of_45k_emails() {
    // bb7bb3a: 28 s for 20,000 a side in a dev build; here under a second.
    let sb = Sandbox::new();
    let n = 45_000;
    two_contacts(&sb, "subscriptions", |side| {
        let all: Vec<String> = (0..n)
            .map(|i| match (side, i % 2) {
                ("s", 1) => format!(r#""s{i}@x.com":[]"#),
                // The primary's email in capitals: the same address.
                ("s", _) => format!(r#""P{i}@X.COM":[]"#),
                _ => format!(r#""p{i}@x.com":[]"#),
            })
            .collect();
        format!("{{{}}}", all.join(","))
    });
    let c = merged(&sb);
    let subs = c["subscriptions"].as_object().unwrap();
    assert_eq!(subs.len(), n + n / 2);
    let keys: Vec<&String> = subs.keys().collect();
    assert_eq!(
        (keys[0], keys[n]),
        (&"p0@x.com".to_string(), &"s1@x.com".to_string())
    );
}

#[test]
fn merge_reports_80k_companies() {
    // bb7bb3a: 8.5 s for 20,000 a side in a dev build; here under a
    // second.
    let sb = Sandbox::new();
    let n = 80_000;
    sb.write(
        "big.json",
        format!(
            r#"[{{"id":"1","properties":{{}},"associations":{{"companies":[{}]}}}},{{"id":"2","properties":{{}},"associations":{{"companies":[{}]}}}}]"#,
            items("p", n, |v| format!(r#""{v}""#)),
            items("s", n, |v| format!(r#""{v}""#))
        ),
    );
    let out = run_ok(
        &sb,
        &["diff", "big.json", "1", "2", "--format", "json", MERGE_TIME],
    );
    let d: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let s = d["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["section"] == "companies")
        .unwrap();
    assert_eq!(s["kept"].as_array().unwrap().len(), n);
    assert_eq!(s["dropped"].as_array().unwrap().len(), n / 2);
}
