//! Bad input: exit 1 with one clear message naming the file and, where
//! known, the line or record. Never a panic.

use crate::util::{stderr, Sandbox};

/// `show` stops at the last id it needs (issue 18): asked for an id the
/// file lacks, it reads the whole file, the fault included.
fn refused(s: &Sandbox, file: &str, needles: &[&str]) {
    let out = s
        .cmd()
        .args(["show", file, "not-in-file"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{file}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.lines().count(), 1, "one message: {err}");
    for n in needles {
        assert!(err.contains(n), "{file}: {n:?} missing from {err}");
    }
}

#[test]
fn malformed_json() {
    let s = Sandbox::new();
    s.write(
        "m.json",
        "[\n {\"id\": \"1\", \"properties\": {}},\n {\"id\": \"2\" \"properties\": {}}\n]",
    );
    refused(&s, "m.json", &["m.json: line 3, column", "malformed JSON"]);
}

#[test]
fn truncated_json() {
    let s = Sandbox::new();
    let full = s.read("contacts.json");
    s.write("t.json", &full[..full.len() / 2]);
    refused(&s, "t.json", &["t.json: line", "truncated"]);
}

#[test]
fn json_contact_without_id() {
    let s = Sandbox::new();
    s.write(
        "n.json",
        r#"{"contacts": [{"id": "1", "properties": {}}, {"properties": {"email": "a@b.co"}}]}"#,
    );
    refused(&s, "n.json", &["n.json: contact 2", "no \"id\""]);
}

#[test]
fn csv_with_unterminated_quote() {
    let s = Sandbox::new();
    s.write("q.csv", "Record ID,Notes\n1,fine\n2,\"half a note\n");
    refused(&s, "q.csv", &["q.csv: line 3", "truncated"]);
}

#[test]
fn ragged_csv() {
    let s = Sandbox::new();
    s.write("r.csv", "Record ID,Email\n1,a@b.co\n2,c@d.co,surplus\n");
    refused(&s, "r.csv", &["r.csv: line 3", "3 fields", "header has 2"]);
}

#[test]
fn empty_file() {
    let s = Sandbox::new();
    for f in ["e.json", "e.csv"] {
        s.write(f, "");
        refused(&s, f, &[f, "empty"]);
    }
    // An empty JSON Lines file is a file of no records: no contact in it.
    s.write("e.ndjson", "");
    refused(
        &s,
        "e.ndjson",
        &["e.ndjson: no contact with id not-in-file"],
    );
}

#[test]
fn not_utf8() {
    let s = Sandbox::new();
    s.write("u.csv", b"Record ID,First Name\n1,Jos\xe9\n");
    refused(&s, "u.csv", &["u.csv: line 2", "UTF-8"]);
    s.write(
        "u.json",
        b"[{\"id\": \"1\", \"properties\": {\"firstname\": \"Jos\xe9\"}}]",
    );
    refused(&s, "u.json", &["u.json: line 1", "UTF-8"]);
}

#[test]
fn missing_file() {
    let s = Sandbox::new();
    refused(&s, "nope.json", &["nope.json", "cannot read"]);
}

#[test]
fn unknown_extension() {
    let s = Sandbox::new();
    s.write("contacts.txt", "Record ID\n1\n");
    refused(&s, "contacts.txt", &["contacts.txt", "--input-format"]);
    // ... and --input-format reads it.
    let out = s
        .cmd()
        .args(["show", "contacts.txt", "1", "--input-format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn usage_errors_exit_2() {
    let s = Sandbox::new();
    let out = s.cmd().args(["show", "contacts.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = s.cmd().args(["frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// A `--merge-time` that is no RFC 3339 time is a usage error whose
/// message asks for that form only: it listed the export's date forms
/// (epoch milliseconds, a bare day) as expected, the very forms refused.
#[test]
fn a_merge_time_is_asked_for_in_the_one_form_it_takes() {
    let s = Sandbox::new();
    for t in ["1709287200000", "2024-06-01", "2024-06-01T00:00:00"] {
        let out = s
            .cmd()
            .args([
                "merge",
                "contacts.csv",
                "101",
                "102",
                "-o",
                "x.csv",
                "--merge-time",
                t,
            ])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!("--merge-time '{t}' is not an RFC 3339 time")),
            "{err}"
        );
        assert!(err.contains("2024-06-01T00:00:00Z"), "{err}");
        assert!(!err.contains("epoch milliseconds"), "{err}");
        assert!(!s.path("x.csv").exists());
    }
}

/// Regression (bug hunt E, B8): CSV or JSON Lines named `.json`, and a
/// JSON document or CSV named `.ndjson`, got the parser's words ("expected
/// value", "trailing characters", "is the line cut off?"). They say what
/// the file looks like and what to do, in `show` and in `check`.
#[test]
fn misnamed_text_files_say_what_they_look_like() {
    let s = Sandbox::new();
    s.write("csv-as.json", s.read("contacts.csv"));
    s.write("ndjson-as.json", s.read("contacts.ndjson"));
    s.write("json-as.ndjson", s.read("contacts.json"));
    s.write("csv-as.ndjson", s.read("contacts.csv"));
    s.write("array-as.ndjson", "[{\"id\": \"1\"}, {\"id\": \"2\"}]\n");
    for (file, says) in [
        ("csv-as.json", "the file looks like CSV, not a JSON document: name it .csv or pass --input-format csv"),
        ("ndjson-as.json", "line 2, column 1: the file looks like JSON Lines (one contact a line), not a JSON document: name it .ndjson (or .jsonl) or pass --input-format ndjson"),
        ("json-as.ndjson", "line 1, column 1: the file looks like a JSON document (one list or object for the whole file), not JSON Lines (one contact a line): name it .json or pass --input-format json"),
        ("csv-as.ndjson", "the file looks like CSV, not JSON Lines (one contact a line): name it .csv or pass --input-format csv"),
        ("array-as.ndjson", "line 1: the file looks like a JSON document"),
    ] {
        refused(&s, file, &[&format!("{file}: "), says]);
        let out = s.cmd().args(["check", file]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "check {file}");
        let all = crate::util::stdout(&out) + &stderr(&out);
        assert!(all.contains("the file looks like"), "check {file}: {all}");
    }
}

/// The binary run as a user without root's pass over permissions: as it
/// is when the tests are not run as root, else as `nobody` (uid 65534)
/// through `setpriv`; `None` when neither can be had.
fn unprivileged(s: &Sandbox) -> Option<std::process::Command> {
    let bin = assert_cmd::cargo::cargo_bin("contact-merge");
    // SAFETY: a query taking no arguments.
    let mut cmd = if unsafe { libc::geteuid() } != 0 {
        std::process::Command::new(bin)
    } else {
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())?;
        let mut c = std::process::Command::new(setpriv);
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin);
        c
    };
    use std::os::unix::fs::PermissionsExt;
    let open = std::fs::Permissions::from_mode(0o755);
    std::fs::set_permissions(s.dir.path(), open).unwrap();
    cmd.current_dir(s.dir.path())
        .env_clear()
        .env("TZ", "UTC")
        .env("NO_COLOR", "1");
    Some(cmd)
}

/// Regression (bug hunt E, B9): an input that cannot be read or an output
/// folder that cannot be written to said "Permission denied (os error
/// 13)" and nothing about what to do; a malformed JSON export, a contact
/// that is no object and a "contacts" that is no list said where, not
/// what to do. The advice on a system's error is added once, by its kind.
#[test]
fn a_file_the_system_refuses_says_what_to_do() {
    use std::os::unix::fs::PermissionsExt;
    let s = Sandbox::new();
    let advice = "check who may read and write the file and its folder (ls -l), and change that (chmod, chown) or use another path";
    std::fs::create_dir(s.path("ro")).unwrap();
    std::fs::set_permissions(s.path("ro"), std::fs::Permissions::from_mode(0o555)).unwrap();
    s.write("locked.json", s.read("contacts.json"));
    std::fs::set_permissions(
        s.path("locked.json"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    std::fs::set_permissions(
        s.path("contacts.json"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let Some(mut cmd) = unprivileged(&s) else {
        panic!("no way to run the binary without root's permissions (setpriv)");
    };
    let out = cmd.args(["show", "locked.json", "101"]).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("locked.json: cannot read the file: Permission denied")
            && err.contains(advice),
        "{err}"
    );
    for (args, says) in [
        (
            &["merge", "contacts.json", "101", "102", "-o", "ro/out.json"][..],
            "cannot write ro/out.json: Permission denied",
        ),
        (
            &[
                "apply",
                "contacts.json",
                "--plan",
                "plan.csv",
                "-o",
                "out.json",
                "--journal",
                "ro/j.jsonl",
            ][..],
            "cannot write the journal ro/j.jsonl: Permission denied",
        ),
    ] {
        let mut cmd = unprivileged(&s).unwrap();
        let out = cmd.args(args).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains(says) && err.contains(advice),
            "{args:?}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // A folder that is not there.
    let out = s
        .cmd()
        .args([
            "merge",
            "contacts.json",
            "101",
            "102",
            "-o",
            "gone/out.json",
        ])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(
        err.contains("gone/out.json")
            && err.ends_with("; check the path (the file or a folder in it does not exist)\n"),
        "{err}"
    );
    // Malformed JSON, a contact that is no object and a list of contacts
    // that is no list say what to do.
    s.write("o.json", "[{\"id\": \"1\"}, \"2\"]");
    refused(&s, "o.json", &["o.json: contact 2: expected a contact object, found a string: each contact is an object with its \"id\" and \"properties\"; correct or remove it"]);
    s.write("l.json", "{\"contacts\": {\"id\": \"1\"}}");
    refused(&s, "l.json", &["l.json: top level: \"contacts\" must be a list of contacts, found an object: write the contacts as a list, \"contacts\": [{...}, {...}] (one contact too), or export the file again"]);
    s.write("m.json", "[\n {\"id\": \"1\"}\n {\"id\": \"2\"}\n]");
    refused(
        &s,
        "m.json",
        &["m.json: line 3, column 2: malformed JSON: expected `,` or `]`; correct the JSON at that line and column, or export the file again"],
    );
}

/// An export whose name tells no format, but that is a folder or is not
/// there: said first, since it says more than asking for an extension.
#[test]
fn a_folder_or_a_missing_file_without_an_extension_says_what_it_is() {
    let s = Sandbox::new();
    std::fs::create_dir(s.path("adir")).unwrap();
    s.write("plain", "Record ID\n1\n");
    for (file, said) in [
        ("adir", "it is a folder: give a file"),
        ("nofile", "No such file or directory"),
        ("plain", "cannot tell the format from the file name"),
    ] {
        for args in [&["show", file, "1"][..], &["check", file]] {
            let out = s.cmd().args(args).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{args:?}");
            // `check` lists it with the problems, on stdout.
            let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
            assert!(all.contains(said), "{args:?}: {all}");
        }
    }
}

/// A refusal on a CSV names the property's column as the file heads it
/// beside the internal name the rules use (a reviewer met
/// `num_conversion_events` in a file whose header says "Number of Form
/// Submissions"); on `apply`, `merge` and `diff`.
#[test]
fn a_refusal_on_a_csv_names_the_column_by_its_header() {
    let s = crate::util::Sandbox::new();
    s.write(
        "nf.csv",
        "Record ID,Email,Number of Form Submissions\n1,a@x.com,abc\n2,a@x.com,3\n",
    );
    s.write("p.csv", "primary_id,secondary_id\n1,2\n");
    let said =
        "num_conversion_events (column \"Number of Form Submissions\") 'abc' is not a whole number";
    for args in [
        &["apply", "nf.csv", "--plan", "p.csv", "-o", "o.csv"][..],
        &["merge", "nf.csv", "1", "2", "-o", "o.csv"],
        &["diff", "nf.csv", "1", "2"],
    ] {
        let out = s.cmd().args(args).output().unwrap();
        let err = crate::util::stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(said), "{args:?}: {err}");
    }
}
