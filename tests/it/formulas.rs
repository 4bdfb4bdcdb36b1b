//! CSV formula injection: cells a spreadsheet would run as formulas are
//! kept byte for byte by default, reported by `check` (a warning, exit 1
//! only with --strict), and neutralised with a leading `'` by
//! `--sanitize-formulas` in CSV output.

use crate::util::{stderr, stdout, Sandbox};

const T: &str = "2024-06-01T00:00:00Z";

/// Contacts 1 and 2 have formulas; 3 has only numbers and phone numbers.
const CSV: &str = "Record ID,First Name,Phone Number,Notes,Score,Create Date\n\
1,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",+1 617 555 0101,-2+3+cmd|' /C calc'!A0,4,2021-01-01\n\
2,@SUM(1+1),(617) 555-0199,\t=1,-5,2022-01-01\n\
3,Ann,+44 20 7946 0958,-,+7,2023-01-01\n";

fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    s.write("f.csv", CSV);
    s.write("plan.csv", "primary_id,secondary_id\n3,1\n");
    s.write("empty-plan.csv", "primary_id,secondary_id\n");
    s
}

#[test]
fn check_reports_formulas_as_warnings_without_failing() {
    let s = sandbox();
    let out = s.cmd().args(["check", "f.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("f.csv: 3 contacts, no problems, 4 warnings"),
        "{}",
        stderr(&out)
    );
    let table = stdout(&out);
    for needle in ["firstname", "@SUM(1+1)", "Notes", "\\t=1", "cmd|"] {
        assert!(table.contains(needle), "{needle}: {table}");
    }
    assert!(
        !table.contains("+1 617"),
        "phone numbers are no formulas: {table}"
    );

    let out = s
        .cmd()
        .args(["check", "f.csv", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["problems"], serde_json::json!([]));
    assert_eq!(v["files"][0]["warnings"], 4);
    let found: Vec<(String, String, String, String)> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let f = |k: &str| w[k].as_str().unwrap().to_string();
            (f("file"), f("record"), f("property"), f("value"))
        })
        .collect();
    let row = |r: &str, p: &str, v: &str| ("f.csv".into(), r.into(), p.into(), v.into());
    assert_eq!(
        found,
        [
            row(
                "1",
                "firstname",
                "=HYPERLINK(\"http://evil.example\",\"x\")"
            ),
            row("1", "Notes", "-2+3+cmd|' /C calc'!A0"),
            row("2", "firstname", "@SUM(1+1)"),
            row("2", "Notes", "\t=1"),
        ]
    );
    assert!(v["warnings"][0]["problem"]
        .as_str()
        .unwrap()
        .contains("--sanitize-formulas"));
}

#[test]
fn strict_check_fails_on_formulas() {
    let s = sandbox();
    let out = s
        .cmd()
        .args(["check", "f.csv", "--strict"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = s
        .cmd()
        .args(["check", "contacts.csv", "--strict"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// The rows of a CSV output, as cells.
fn rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn assert_sanitised(bytes: &[u8]) {
    let rows = rows(bytes);
    let contact = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();
    assert_eq!(
        contact("2")[1..5],
        ["'@SUM(1+1)", "(617) 555-0199", "'\t=1", "-5"],
        "formulas get a ', a phone number and a negative number stay"
    );
    assert_eq!(
        contact("3")[1..5],
        ["Ann", "+44 20 7946 0958", "-", "+7"],
        "numbers, phones and a lone - stay"
    );
    if let Some(one) = rows.iter().find(|r| r[0] == "1") {
        assert_eq!(one[1], "'=HYPERLINK(\"http://evil.example\",\"x\")");
        assert_eq!(one[2], "+1 617 555 0101");
        assert_eq!(one[3], "'-2+3+cmd|' /C calc'!A0");
    }
}

#[test]
fn sanitize_formulas_neutralises_csv_output_of_merge_apply_and_unmerge() {
    let s = sandbox();
    // merge: contact 3 into 1 (CSV to CSV would otherwise be streamed).
    let out = s
        .cmd()
        .args(["merge", "f.csv", "1", "3", "-o", "m.csv", "--merge-time", T])
        .args(["--policy", "primary-wins"])
        .arg("--sanitize-formulas")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rows_m = rows(&s.read("m.csv"));
    assert_eq!(rows_m[1][0], "1");
    assert_eq!(rows_m[1][1], "'=HYPERLINK(\"http://evil.example\",\"x\")");
    assert_eq!(rows_m[2][1], "'@SUM(1+1)");
    assert_eq!(rows_m[2][3], "'\t=1");
    assert_eq!(rows_m[2][4], "-5", "a negative counter stays");

    // apply, streamed without the flag, in memory with it; and an empty
    // plan, which copies every record.
    for plan in ["plan.csv", "empty-plan.csv"] {
        let out = s
            .cmd()
            .args(["apply", "f.csv", "--plan", plan, "-o", "a.csv"])
            .args(["--merge-time", T, "--sanitize-formulas"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_sanitised(&s.read("a.csv"));
        let text = String::from_utf8(s.read("a.csv")).unwrap();
        assert!(!text.contains(",@"), "{plan}: {text}");
    }
    let text = String::from_utf8(s.read("a.csv")).unwrap();
    assert!(text.contains("'@SUM(1+1)"), "{text}");

    // From JSON to CSV, and unmerge.
    s.write(
        "f.json",
        r#"[{"id": "1", "properties": {"email": "a@x.example", "hs_additional_emails": "b@x.example", "notes": "=1+1"}}]"#,
    );
    let out = s
        .cmd()
        .args(["unmerge", "f.json", "1", "b@x.example", "-o", "u.csv"])
        .arg("--sanitize-formulas")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(s.read("u.csv")).unwrap();
    assert!(text.contains(",'=1+1"), "{text}");
}

#[test]
fn formulas_are_kept_byte_for_byte_by_default() {
    let s = sandbox();
    for plan in ["empty-plan.csv", "plan.csv"] {
        let out = s
            .cmd()
            .args([
                "apply",
                "f.csv",
                "--plan",
                plan,
                "-o",
                "a.csv",
                "--merge-time",
                T,
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let text = String::from_utf8(s.read("a.csv")).unwrap();
        if plan == "empty-plan.csv" {
            assert_eq!(text, CSV);
        }
        assert!(text.contains("@SUM(1+1)") && !text.contains("'@"), "{text}");
    }
    // In memory (stdin) too.
    let out = s
        .cmd()
        .args([
            "apply",
            "-",
            "--input-format",
            "csv",
            "--plan",
            "empty-plan.csv",
        ])
        .args(["-o", "-"])
        .write_stdin(CSV)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), CSV);
}

#[test]
fn sanitize_formulas_says_when_the_output_is_not_csv() {
    let s = sandbox();
    for (args, streamed) in [
        (&["merge", "f.csv", "1", "3", "-o", "m.json"][..], false),
        (
            &["merge", "contacts.ndjson", "101", "102", "-o", "m.ndjson"],
            true,
        ),
    ] {
        let out = s
            .cmd()
            .args(args)
            .args(["--merge-time", T, "--sanitize-formulas"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("--sanitize-formulas changes only CSV and XLSX output"),
            "streamed {streamed}: {}",
            stderr(&out)
        );
    }
}

/// What a journal cannot restore is said when it is written: the cells it
/// holds are the ones before `--sanitize-formulas` (said only when a cell
/// was sanitised), and its merges were made on the format read (said when
/// the output writes values another way).
#[test]
fn a_journal_says_what_it_cannot_restore_into_its_output() {
    let s = Sandbox::new();
    s.write(
        "f.csv",
        "Record ID,First Name,Email,Company,Last Modified Date\n1,Ann,a@x.com,Acme,2024-01-01\n2,Ann,b@x.com,=HYPERLINK(\"http://x\"),2024-02-01\n",
    );
    s.write("p.csv", "primary_id,secondary_id\n1,2\n");
    let run = |args: &[&str]| {
        let out = s.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stderr(&out)
    };
    let base = ["apply", "f.csv", "--plan", "p.csv"];
    let err = run(&[
        &base[..],
        &["-o", "s.csv", "--sanitize-formulas", "--journal", "j1"],
    ]
    .concat());
    assert!(
        err.contains("the journal j1 holds the cells as they were before --sanitize-formulas"),
        "{err}"
    );
    let err = run(&[&base[..], &["-o", "c.json", "--journal", "j2"]].concat());
    assert!(
        err.contains("the journal j2 records merges made on a CSV export"),
        "{err}"
    );
    assert!(err.contains("not against this JSON output"), "{err}");
    // Nothing to say: a workbook writes values as CSV does, no cell is
    // sanitised without the flag, and no cell needs it in contacts.csv.
    for args in [
        &[&base[..], &["-o", "c.xlsx", "--journal", "j3"]].concat(),
        &[&base[..], &["-o", "plain.csv", "--journal", "j4"]].concat(),
        &[
            "apply",
            "contacts.csv",
            "--plan",
            "plan.csv",
            "-o",
            "o.csv",
            "--sanitize-formulas",
            "--journal",
            "j5",
        ][..]
            .to_vec(),
    ] {
        let err = run(args);
        assert!(!err.contains("the journal"), "{args:?}: {err}");
    }
}
