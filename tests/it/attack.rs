//! What a skeptical user tried by hand after issue 16, each a regression
//! test for a hole the first fixes left.

use crate::util::{stderr, stdout, Sandbox};

/// `--in-place -o OTHER` used to write OTHER and leave the export as it
/// was, exit 0: the user asked for the export to be replaced and it was
/// not. Refused as a usage error, nothing written; `--in-place` with an
/// `-o` naming the export itself still works.
#[test]
fn in_place_with_an_output_that_is_not_the_export_is_refused() {
    for (export, plan, other) in [
        ("contacts.csv", "plan.csv", "other.csv"),
        ("contacts.json", "plan.csv", "other.json"),
        ("contacts.ndjson", "plan.csv", "-"),
    ] {
        let s = Sandbox::new();
        let before = s.files();
        let original = s.read(export);
        let out = s
            .cmd()
            .args(["apply", export, "--plan", plan, "--in-place", "-o", other])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{export} -o {other}: {err}");
        assert!(err.contains("--in-place"), "{err}");
        assert!(err.contains(export), "{err}");
        assert_eq!(stdout(&out), "", "{export} -o {other}");
        assert_eq!(s.files(), before, "{export} -o {other}: a file was written");
        assert_eq!(s.read(export), original);

        let out = s
            .cmd()
            .args(["merge", export, "101", "102", "--in-place", "-o", other])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "merge: {}", stderr(&out));
        assert_eq!(s.files(), before);

        // -o naming the export, by another spelling, is the export.
        let same = format!("./{export}");
        let out = s
            .cmd()
            .args(["apply", export, "--plan", plan, "--in-place", "-o", &same])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_ne!(s.read(export), original, "{export} was not replaced");
    }
}

/// The same for `unmerge` (split an email off).
#[test]
fn unmerge_in_place_with_another_output_is_refused() {
    let s = Sandbox::new();
    let merged = s
        .cmd()
        .args(["merge", "contacts.csv", "101", "102", "-o", "m.csv"])
        .output()
        .unwrap();
    assert!(merged.status.success(), "{}", stderr(&merged));
    let before = s.files();
    let original = s.read("m.csv");
    let out = s
        .cmd()
        .args(["unmerge", "m.csv", "101", "janedoe@gmail.com"])
        .args(["--in-place", "-o", "split.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(s.files(), before);
    assert_eq!(s.read("m.csv"), original);
}

/// `-o -` with a journal, the export going the in-memory way (JSON, or a
/// change of format): the journal used to be put in place before the
/// export was written to stdout, so a stdout that failed (`> /dev/full`,
/// `>&-`) gave exit 1, "nothing written", with the merges appended to the
/// journal (a second run then recorded them twice). The journal is
/// written only once stdout took the whole export, as on the streamed way.
#[test]
fn a_journal_is_not_appended_to_when_stdout_failed() {
    use std::process::Command;
    let s = Sandbox::new();
    for (redirect, says) in [
        ("> /dev/full", "No space left"),
        (">&-", "stdout is closed"),
    ] {
        for args in [
            &["apply", "contacts.json", "--plan", "plan.csv"][..],
            &[
                "apply",
                "contacts.csv",
                "--plan",
                "plan.csv",
                "--output-format",
                "json",
            ],
            &[
                "apply",
                "contacts.ndjson",
                "--plan",
                "plan.csv",
                "--output-format",
                "csv",
            ],
            &["merge", "contacts.json", "101", "102"],
            &[
                "merge",
                "contacts.csv",
                "101",
                "102",
                "--output-format",
                "ndjson",
            ],
        ] {
            let what = format!("{} {redirect}", args.join(" "));
            let out = Command::new("sh")
                .arg("-c")
                .arg(format!(r#""$0" "$@" -o - --journal j.jsonl {redirect}"#))
                .arg(env!("CARGO_BIN_EXE_contact-merge"))
                .args(args)
                .current_dir(s.dir.path())
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .output()
                .unwrap();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{what}: {err}");
            assert!(err.contains(says), "{what}: {err}");
            assert!(
                !s.path("j.jsonl").exists(),
                "{what}: the journal was written"
            );
        }
    }
    // With a stdout that takes it, the journal is written.
    let out = s
        .cmd()
        .args(["apply", "contacts.json", "--plan", "plan.csv", "-o", "-"])
        .args(["--journal", "j.jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stdout(&out).is_empty());
    let journal = String::from_utf8(s.read("j.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 2);
}

/// `--help` and `--version` onto a full disk or a closed stdout used to
/// exit 0 with nothing written: clap's printing error was dropped. They
/// fail with the reason like every other command's stdout; a closed pipe
/// (`| head`) is still exit 0.
#[test]
fn help_and_version_that_cannot_be_written_fail() {
    use std::process::Command;
    let s = Sandbox::new();
    for args in [
        &["--help"][..],
        &["-h"],
        &["--version"],
        &["apply", "--help"],
        &["help", "unmerge"],
    ] {
        for (redirect, says) in [
            ("> /dev/full", "No space left"),
            (">&-", "stdout is closed"),
        ] {
            let what = format!("{} {redirect}", args.join(" "));
            let out = Command::new("sh")
                .arg("-c")
                .arg(format!(r#""$0" "$@" {redirect}"#))
                .arg(env!("CARGO_BIN_EXE_contact-merge"))
                .args(args)
                .current_dir(s.dir.path())
                .output()
                .unwrap();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{what}: {err}");
            assert!(err.contains("cannot write to stdout"), "{what}: {err}");
            assert!(err.contains(says), "{what}: {err}");
        }
        let out = s.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!stdout(&out).is_empty());
    }
}

/// `unmerge FILE ID EMAIL --journal J` used to split the email off, exit 0,
/// and neither read nor write J: a user who expected the split recorded
/// in the journal had no record and no word of it. A usage error.
#[test]
fn a_journal_given_to_a_split_is_refused() {
    let s = Sandbox::new();
    let merged = s
        .cmd()
        .args(["merge", "contacts.csv", "101", "102", "-o", "m.csv"])
        .args(["--journal", "j.jsonl"])
        .output()
        .unwrap();
    assert!(merged.status.success(), "{}", stderr(&merged));
    let before = s.files();
    let journal = s.read("j.jsonl");
    for journal_arg in ["j.jsonl", "new.jsonl"] {
        let out = s
            .cmd()
            .args([
                "unmerge",
                "m.csv",
                "101",
                "janedoe@gmail.com",
                "-o",
                "split.csv",
            ])
            .args(["--journal", journal_arg])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("--journal") && err.contains("--restore"),
            "{err}"
        );
        assert_eq!(s.files(), before, "a file was written");
        assert_eq!(s.read("j.jsonl"), journal);
    }
}

/// `--in-place --output-format xlsx` on a CSV export used to write a
/// workbook under the `.csv` name (exit 0), which no command then read as
/// CSV. Refused as a usage error, nothing written, for each command that
/// replaces its input; the export's own format is still accepted.
#[test]
fn in_place_in_another_format_is_refused() {
    let s = Sandbox::new();
    let before = s.files();
    let original = s.read("contacts.csv");
    let runs: [&[&str]; 3] = [
        &["apply", "contacts.csv", "--plan", "plan.csv"],
        &["merge", "contacts.csv", "101", "102"],
        &["unmerge", "contacts.csv", "101", "jane@doe-family.net"],
    ];
    for args in runs {
        for format in ["xlsx", "json", "ndjson"] {
            let out = s
                .cmd()
                .args(args)
                .args(["--in-place", "--output-format", format])
                .output()
                .unwrap();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{args:?} {format}: {err}");
            assert!(
                err.contains("in its own format, CSV")
                    && err.contains(&format!("-o FILE.{format}")),
                "{err}"
            );
            assert_eq!(s.files(), before, "{args:?} {format}: a file was written");
            assert_eq!(s.read("contacts.csv"), original);
        }
    }
    let out = s
        .cmd()
        .args([
            "merge",
            "contacts.csv",
            "101",
            "102",
            "--in-place",
            "--output-format",
            "csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
