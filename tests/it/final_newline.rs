//! A file without a final newline keeps its absence through the in-memory
//! writers (README: "a final newline or its absence ... are all kept"):
//! `unmerge` of JSON Lines and `apply -` from stdin used to add one.

use crate::util::{stderr, Sandbox};

const TIME: &str = "2024-06-01T00:00:00Z";
const NDJSON: &str = "{\"id\":\"1\",\"properties\":{\"email\":\"a@x.com\"}}\n\
                      {\"id\":\"2\",\"properties\":{\"email\":\"b@x.com\"}}\n\
                      {\"id\":\"3\",\"properties\":{\"email\":\"c@x.com\"}}";

fn ok(o: &std::process::Output) {
    assert!(o.status.success(), "{}", stderr(o));
}

/// apply (2 into 1) → unmerge --restore → the same bytes, in JSON Lines
/// (LF and CRLF) and CSV, each without a final newline after a last line
/// the merge did not take.
#[test]
fn a_restore_keeps_a_missing_final_newline() {
    let s = Sandbox::new();
    s.write("plan.csv", "primary_id,secondary_id\n1,2\n");
    let csv = "Record ID,Email\r\n1,a@x.com\r\n2,b@x.com\r\n3,c@x.com";
    for (name, text) in [
        ("in.ndjson", NDJSON.to_string()),
        ("crlf.ndjson", NDJSON.replace('\n', "\r\n")),
        ("in.csv", csv.to_string()),
    ] {
        s.write(name, &text);
        let (out, restored, journal) = (
            format!("o-{name}"),
            format!("r-{name}"),
            format!("{name}.jsonl"),
        );
        ok(&s
            .cmd()
            .args(["-q", "apply", name, "--plan", "plan.csv", "-o", &out])
            .args(["--journal", &journal, "--merge-time", TIME])
            .output()
            .unwrap());
        assert!(!s.read(&out).ends_with(b"\n"), "{name}: the merge kept it");
        ok(&s
            .cmd()
            .args(["-q", "unmerge", &out, "1", "--restore", "2"])
            .args(["--journal", &journal, "-o", &restored])
            .output()
            .unwrap());
        assert_eq!(
            String::from_utf8(s.read(&restored)).unwrap(),
            text,
            "{name}: restored byte for byte"
        );
    }
}

/// `apply -` (stdin, read into memory) writes what `apply FILE` (streamed)
/// writes: no final newline where the input had none.
#[test]
fn apply_from_stdin_keeps_a_missing_final_newline() {
    let s = Sandbox::new();
    s.write("plan.csv", "primary_id,secondary_id\n1,2\n");
    s.write("in.ndjson", NDJSON);
    ok(&s
        .cmd()
        .args([
            "-q",
            "apply",
            "in.ndjson",
            "--plan",
            "plan.csv",
            "-o",
            "file.ndjson",
        ])
        .args(["--merge-time", TIME])
        .output()
        .unwrap());
    ok(&s
        .cmd()
        .args([
            "-q",
            "apply",
            "-",
            "--input-format",
            "ndjson",
            "--plan",
            "plan.csv",
        ])
        .args(["-o", "stdin.ndjson", "--merge-time", TIME])
        .write_stdin(NDJSON)
        .output()
        .unwrap());
    assert!(!s.read("file.ndjson").ends_with(b"\n"));
    assert_eq!(s.read("stdin.ndjson"), s.read("file.ndjson"));
}
