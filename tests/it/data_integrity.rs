//! Data the tool used to drop or change without a word (issue 16, item 5;
//! SPEC section 4, "What the tool must refuse" and "Consistency of the
//! merged record"): sections of the wrong shape, keys written twice and ids
//! written twice are refused by every command that reads the export, with
//! the place named and nothing written, and `check` reports them; ids are
//! text, kept to the digit however large.

use crate::util::{stderr, stdout, Sandbox};

const T: &str = "2024-06-01T00:00:00Z";

/// An id no export here holds.
const ABSENT: &str = "not-in-file";

fn run(s: &Sandbox, args: &[&str]) -> (i32, String, String) {
    let out = s.cmd().args(args).output().unwrap();
    let (o, e) = (stdout(&out), stderr(&out));
    assert!(!e.contains("panicked"), "{args:?}: {e}");
    (out.status.code().unwrap_or(-1), o, e)
}

/// What the refusal must name: the place ("line 2", "contact 2") and the
/// record id, when the record has one, and a word of what is wrong.
struct Fault<'a> {
    place: &'a str,
    id: Option<&'a str>,
    says: &'a str,
}

impl Fault<'_> {
    fn prefix(&self, file: &str) -> String {
        match self.id {
            Some(id) => format!("error: {file}: {} (id {id}): ", self.place),
            None => format!("error: {file}: {}: ", self.place),
        }
    }
}

/// `file` (already in the sandbox) is refused by every command that reads
/// it: `merge`, `apply` (streamed and in memory, with a journal), `diff`,
/// `show` (reading up to an id the file lacks) and `dupes` exit 1 with one message naming the file, the place
/// and the id, and write nothing; `check` reports the fault (exit 1). The
/// plan merges `pair`.
fn refused_everywhere(s: &Sandbox, file: &str, pair: (&str, &str), fault: &Fault<'_>) {
    s.write(
        "pair.csv",
        format!("primary_id,secondary_id\n{},{}\n", pair.0, pair.1),
    );
    let input = s.read(file);
    let before = s.files();
    let ext = file.rsplit('.').next().unwrap();

    let same_format = format!("out.{ext}");
    let commands: Vec<Vec<&str>> = vec![
        vec![
            "merge",
            file,
            pair.0,
            pair.1,
            "-o",
            &same_format,
            "--merge-time",
            T,
        ],
        vec![
            "merge",
            file,
            pair.0,
            pair.1,
            "-o",
            "out.json",
            "--merge-time",
            T,
        ],
        vec![
            "apply",
            file,
            "--plan",
            "pair.csv",
            "-o",
            &same_format,
            "--journal",
            "j.jsonl",
            "--merge-time",
            T,
        ],
        vec![
            "apply",
            file,
            "--plan",
            "pair.csv",
            "-o",
            "out.json",
            "--merge-time",
            T,
        ],
        // `show` and `diff` stop at the last id they need (issue 18): asked
        // for an id the file lacks, they read it all, the fault included.
        vec!["diff", file, pair.0, ABSENT, "--merge-time", T],
        vec!["show", file, pair.0, ABSENT],
        vec!["dupes", file, "-o", "plan.out.csv"],
    ];
    for args in commands {
        let (code, out, err) = run(s, &args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(out.is_empty(), "{args:?}: nothing on stdout: {out}");
        assert!(
            err.starts_with(&fault.prefix(file)) && err.contains(fault.says),
            "{args:?}: the message names {} and says {:?}: {err}",
            fault.prefix(file),
            fault.says
        );
        assert_eq!(s.files(), before, "{args:?}: nothing may be written");
        assert_eq!(s.read(file), input, "{args:?}: the input must not change");
    }

    let (code, out, err) = run(s, &["check", "--format", "json", file]);
    assert_eq!(code, 1, "check {file}: {out}{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found = report["problems"].as_array().unwrap().iter().any(|p| {
        p["file"] == file
            && p["place"] == fault.place
            && fault.id.is_none_or(|id| p["record"] == id)
            && p["problem"].as_str().unwrap().contains(fault.says)
    });
    assert!(found, "check {file} must report {}: {out}", fault.place);
}

fn json_of(lines: &str) -> String {
    let items: Vec<&str> = lines.lines().filter(|l| !l.trim().is_empty()).collect();
    format!("[\n{}\n]\n", items.join(",\n"))
}

#[test]
fn sections_that_are_not_lists_are_refused_by_every_command() {
    for (section, bad, expected) in [
        (
            "engagements",
            r#"{"id":"e2","type":"CALL"}"#,
            "must be a list of activities",
        ),
        (
            "usertokens",
            r#""utk-2""#,
            "must be a list of tracking tokens",
        ),
        (
            "visits",
            r#"{"timestamp":"2024-01-01T00:00:00Z"}"#,
            "must be a list of visits",
        ),
        ("formSubmissions", "7", "must be a list of form submissions"),
        (
            "subscriptions",
            r#"[{"id":"news","status":"SUBSCRIBED"}]"#,
            "must be an object of email address",
        ),
        (
            "subscriptions",
            r#"{"b@x.com":{"id":"news","status":"SUBSCRIBED"}}"#,
            "must be a list of subscriptions",
        ),
    ] {
        let good = match section {
            "subscriptions" => r#"{"a@x.com":[{"id":"news","status":"SUBSCRIBED"}]}"#,
            "usertokens" => r#"["utk-1"]"#,
            _ => r#"[{"id":"x1","timestamp":"2023-01-01T00:00:00Z"}]"#,
        };
        let lines = format!(
            "{{\"id\":\"1\",\"properties\":{{\"email\":\"a@x.com\"}},\"{section}\":{good}}}\n\
             {{\"id\":\"2\",\"properties\":{{\"email\":\"b@x.com\"}},\"{section}\":{bad}}}\n\
             {{\"id\":\"3\",\"properties\":{{\"email\":\"c@x.com\"}}}}\n"
        );
        for (file, text, place) in [
            ("c.ndjson", lines.clone(), "line 2"),
            ("c.json", json_of(&lines), "contact 2"),
        ] {
            let s = Sandbox::new();
            s.write(file, text);
            let fault = Fault {
                place,
                id: Some("2"),
                says: expected,
            };
            refused_everywhere(&s, file, ("1", "2"), &fault);
            // On a contact the plan does not name, too: the streamed
            // JSON Lines apply reads every line in full, as the in-memory
            // reader does.
            refused_everywhere(&s, file, ("1", "3"), &fault);
        }
    }
}

#[test]
fn a_key_written_twice_is_refused_by_every_command() {
    for (contact, id, says) in [
        (
            r#"{"id":"2","properties":{"email":"b@x.com","firstname":"Bo","email":"bob@x.com"}}"#,
            Some("2"),
            "the key \"email\" appears more than once in properties",
        ),
        (
            r#"{"id":"2","email":"b@x.com","properties":{},"email":"bob@x.com"}"#,
            Some("2"),
            "the key \"email\" appears more than once in the contact",
        ),
        (
            r#"{"id":"2","properties":{},"engagements":[{"id":"e1","type":"NOTE","type":"CALL"}]}"#,
            Some("2"),
            "the key \"type\" appears more than once in engagements[0]",
        ),
        (
            r#"{"id":"2","properties":{},"id":"4"}"#,
            None,
            "the key \"id\" appears more than once in the contact",
        ),
    ] {
        let lines = format!(
            "{{\"id\":\"1\",\"properties\":{{\"email\":\"a@x.com\"}}}}\n{contact}\n{{\"id\":\"3\",\"properties\":{{}}}}\n"
        );
        for (file, text, place) in [
            ("k.ndjson", lines.clone(), "line 2"),
            ("k.json", json_of(&lines), "contact 2"),
        ] {
            let s = Sandbox::new();
            s.write(file, text);
            let fault = Fault { place, id, says };
            refused_everywhere(&s, file, ("1", "3"), &fault);
        }
    }
    // The export object's own keys.
    let s = Sandbox::new();
    s.write(
        "e.json",
        r#"{"contacts":[{"id":"1","properties":{}},{"id":"3","properties":{}}],"contacts":[{"id":"2","properties":{}}]}"#,
    );
    let fault = Fault {
        place: "top level",
        id: None,
        says: "the key \"contacts\" appears more than once in the export",
    };
    refused_everywhere(&s, "e.json", ("1", "3"), &fault);
}

#[test]
fn an_id_written_twice_is_refused_by_every_command() {
    for (file, text, place, first) in [
        (
            "d.csv",
            "Record ID,Email\n1,a@x.com\n2,b@x.com\n3,c@x.com\n2,d@x.com\n".to_string(),
            "line 5",
            "line 3",
        ),
        (
            "d.ndjson",
            "{\"id\":\"1\"}\n{\"id\":\"2\"}\n{\"id\":\"3\"}\n{\"id\":2}\n".to_string(),
            "line 4",
            "line 2",
        ),
        (
            "d.json",
            r#"{"contacts":[{"id":"1"},{"id":"2"},{"id":"3"},{"id":"2"}]}"#.to_string(),
            "contact 4",
            "contact 2",
        ),
    ] {
        let says = format!("the same id as {first}");
        let fault = Fault {
            place,
            id: Some("2"),
            says: &says,
        };
        let s = Sandbox::new();
        s.write(file, &text);
        // The plan names the id, or does not.
        refused_everywhere(&s, file, ("1", "2"), &fault);
        refused_everywhere(&s, file, ("1", "3"), &fault);
    }
}

/// The deals of the merged contact 1 as written, and the rest of the
/// output.
fn merged_line(out: &str) -> &str {
    out.lines()
        .find(|l| l.contains("\"hs_merged_object_ids\""))
        .unwrap_or_else(|| panic!("no merged contact in {out}"))
}

#[test]
fn ids_beyond_64_bits_survive_a_merge_exactly() {
    // Two deal ids that one 64-bit float cannot tell apart, one written
    // with an exponent, and record ids past 2^64.
    let lines = "\
{\"id\":\"1\",\"properties\":{\"email\":\"a@x.com\"},\"associations\":{\"deals\":[1e+20]}}
{\"id\":100000000000000000001,\"properties\":{\"email\":\"b@x.com\"},\"associations\":{\"deals\":[100000000000000000000,100000000000000000001,\"100000000000000000002\"]}}
{\"id\":\"3\",\"properties\":{},\"x\":[18446744073709551617,0.10000000000000000001,1.50]}
";
    let deals =
        "\"deals\":[1e+20,100000000000000000000,100000000000000000001,\"100000000000000000002\"]";
    for (file, text) in [("b.ndjson", lines.to_string()), ("b.json", json_of(lines))] {
        let s = Sandbox::new();
        s.write(file, &text);
        s.write("empty.csv", "primary_id,secondary_id\n");
        for out_file in ["out.ndjson", "out.json"] {
            let (code, _, err) = run(
                &s,
                &[
                    "merge",
                    file,
                    "1",
                    "100000000000000000001",
                    "-o",
                    out_file,
                    "--merge-time",
                    T,
                ],
            );
            assert_eq!(code, 0, "{file} -> {out_file}: {err}");
            // Compact, one contact a line, to compare the text as written.
            let (code, out, err) = run(
                &s,
                &[
                    "apply",
                    out_file,
                    "--plan",
                    "empty.csv",
                    "-o",
                    "-",
                    "--output-format",
                    "ndjson",
                    "--merge-time",
                    T,
                ],
            );
            assert_eq!(code, 0, "{err}");
            let merged = merged_line(&out);
            assert!(merged.contains(deals), "{file} -> {out_file}: {merged}");
            assert!(
                merged.contains("\"hs_merged_object_ids\":\"100000000000000000001\""),
                "{merged}"
            );
            assert!(
                merged.contains("\"secondaryId\":100000000000000000001"),
                "the merge event names the secondary as written: {merged}"
            );
            assert!(
                out.contains("\"x\":[18446744073709551617,0.10000000000000000001,1.50]"),
                "an untouched contact keeps its numbers: {out}"
            );
        }
    }
}

#[test]
fn big_numbers_round_trip_and_plans_name_big_ids() {
    let s = Sandbox::new();
    let text = "[{\"id\":100000000000000000001,\"properties\":{},\"associations\":{\"deals\":[100000000000000000000,100000000000000000001,1e+20]}},{\"id\":100000000000000000002,\"properties\":{},\"x\":[-18446744073709551617,2.50,1e-400]}]\n";
    s.write("r.json", text);
    s.write("empty.csv", "primary_id,secondary_id\n");
    let (code, _, err) = run(
        &s,
        &[
            "apply",
            "r.json",
            "--plan",
            "empty.csv",
            "-o",
            "out.json",
            "--merge-time",
            T,
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(String::from_utf8(s.read("out.json")).unwrap(), text);
    // A JSON plan names the ids as numbers, of any size.
    s.write(
        "p.json",
        r#"[{"primary": 100000000000000000001, "secondary": 100000000000000000002}]"#,
    );
    let (code, _, err) = run(
        &s,
        &[
            "apply",
            "r.json",
            "--plan",
            "p.json",
            "-o",
            "m.ndjson",
            "--merge-time",
            T,
        ],
    );
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8(s.read("m.ndjson")).unwrap();
    assert!(out.starts_with("{\"id\":100000000000000000001,"), "{out}");
    assert!(
        out.contains("\"hs_merged_object_ids\":\"100000000000000000002\""),
        "{out}"
    );
    assert!(
        out.contains("[100000000000000000000,100000000000000000001,1e+20]"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");
}

/// The email information of HubSpot's export under its labels stays the
/// primary's, as SPEC section 4 says of opt-outs: a subscription's
/// "Opted out of email: NAME" column (no built-in label can name its
/// property, `hs_email_optout_ID`) and the marketing email columns went by
/// the most recent value, so the primary's opt-out became the newer
/// secondary's `false` (independent review).
#[test]
fn an_opt_out_under_its_export_label_stays_the_primarys() {
    let s = Sandbox::new();
    s.write(
        "t23.csv",
        "Record ID,Email,Last Modified Date,Opted out of email: Marketing Information,Unsubscribed from all email,Email hard bounce reason,Marketing emails delivered\n\
         1,a@x.com,2024-01-01 00:00,true,true,,3\n\
         2,b@x.com,2024-05-01 00:00,false,false,mailbox full,9\n",
    );
    let (code, out, err) = run(&s, &["merge", "t23.csv", "1", "2", "-o", "-"]);
    assert_eq!(code, 0, "{err}");
    let row = out.lines().nth(1).unwrap();
    assert!(
        row.starts_with("1,a@x.com,2024-05-01 00:00,true,true,,3,"),
        "{row}"
    );
}

/// A secondary's opt-out the merge drops (the primary's email information
/// stays, SPEC section 4) is warned of, worst where the primary had no
/// email and takes the secondary's: it was dropped without a word.
#[test]
fn a_dropped_opt_out_is_warned_of() {
    let s = Sandbox::new();
    s.write(
        "t8.csv",
        "Record ID,Email,Unsubscribed from all email\n1,,false\n2,b@x.com,true\n",
    );
    let (code, out, err) = run(&s, &["merge", "t8.csv", "1", "2", "-o", "-"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines().nth(1).unwrap().starts_with("1,b@x.com,false"),
        "{out}"
    );
    assert!(
        err.contains("contact 2: its opt-out hs_email_optout = true is not kept")
            && err.contains("the secondary's email b@x.com that opted out"),
        "{err}"
    );
}
