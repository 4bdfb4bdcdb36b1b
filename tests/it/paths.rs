//! Every path named once: an output that is the same file as an input or
//! as another output, by any path, is a usage error that writes nothing;
//! journals are appended to by every command; `--journal -` is refused.

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::{stderr, stdout, Sandbox};

/// Everything in the sandbox: each file's bytes, each link's target,
/// folders walked (not followed through links).
fn snapshot(s: &Sandbox) -> BTreeMap<String, (bool, Vec<u8>)> {
    fn walk(dir: &Path, root: &Path, into: &mut BTreeMap<String, (bool, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.strip_prefix(root).unwrap().display().to_string();
            let kind = std::fs::symlink_metadata(&path).unwrap().file_type();
            if kind.is_symlink() {
                let to = std::fs::read_link(&path).unwrap();
                into.insert(name, (true, to.display().to_string().into_bytes()));
            } else if kind.is_dir() {
                walk(&path, root, into);
            } else {
                into.insert(name, (false, std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut all = BTreeMap::new();
    walk(s.dir.path(), s.dir.path(), &mut all);
    all
}

/// Run `args`: exit 2, stderr names every one of `says`, nothing on
/// stdout, and every file in the sandbox is as it was, byte for byte (no
/// file added, none removed).
fn refused(s: &Sandbox, args: &[&str], says: &[&str]) {
    let before = snapshot(s);
    // A guard, not a timing check: a refusal is immediate, and a command
    // that waits on its own stdout must fail, not hang.
    let out = s
        .cmd()
        .args(args)
        .timeout(crate::util::HANG_GUARD)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    for part in says {
        assert!(err.contains(part), "{args:?}: {part:?} not in: {err}");
    }
    assert_eq!(stdout(&out), "", "{args:?}");
    let after = snapshot(s);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "{args:?}: files added or removed"
    );
    for (name, was) in &before {
        assert!(after[name] == *was, "{args:?}: {name} changed");
    }
}

/// A journal of one merge (101 ← 102) in `j.jsonl`, and its output `m.json`.
fn journal_of_one_merge(s: &Sandbox) {
    let out = s
        .cmd()
        .args(["merge", "contacts.json", "101", "102", "-o", "m.json"])
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

#[test]
fn a_journal_that_is_the_export_is_refused() {
    let s = Sandbox::new();
    refused(
        &s,
        &[
            "apply",
            "contacts.csv",
            "--plan",
            "plan.csv",
            "-o",
            "out.csv",
            "--journal",
            "contacts.csv",
        ],
        &[
            "--journal contacts.csv is the same file as the export contacts.csv",
            "name another file for --journal",
        ],
    );
}

#[test]
fn a_journal_that_is_the_plan_is_refused() {
    let s = Sandbox::new();
    refused(
        &s,
        &[
            "apply",
            "contacts.csv",
            "--plan",
            "plan.csv",
            "-o",
            "out.csv",
            "--journal",
            "plan.csv",
        ],
        &[
            "--journal plan.csv is the same file as --plan plan.csv",
            "name another file for --journal",
        ],
    );
}

#[test]
fn a_plan_from_dupes_over_its_export_is_refused() {
    let s = Sandbox::new();
    refused(
        &s,
        &["dupes", "contacts.csv", "-o", "contacts.csv"],
        &[
            "-o contacts.csv is the same file as the export contacts.csv",
            "name another file for -o",
        ],
    );
}

#[test]
fn unmerge_writing_over_the_journal_it_restores_from_is_refused() {
    let s = Sandbox::new();
    journal_of_one_merge(&s);
    refused(
        &s,
        &[
            "unmerge",
            "m.json",
            "101",
            "--restore",
            "102",
            "--journal",
            "j.jsonl",
            "-o",
            "j.jsonl",
        ],
        &[
            "-o j.jsonl is the same file as --journal j.jsonl",
            "name another file for -o",
        ],
    );
}

#[test]
fn an_output_that_is_the_journal_is_refused() {
    let s = Sandbox::new();
    // Neither exists yet, and both exist.
    let args = [
        "apply",
        "contacts.csv",
        "--plan",
        "plan.csv",
        "-o",
        "x.csv",
        "--journal",
        "x.csv",
    ];
    let says = [
        "-o x.csv and --journal x.csv are the same file",
        "name a different file for each",
    ];
    refused(&s, &args, &says);
    s.write("x.csv", "Record ID\n1\n");
    refused(&s, &args, &says);
    let merge = [
        "merge",
        "contacts.json",
        "101",
        "102",
        "-o",
        "x.json",
        "--journal",
        "x.json",
    ];
    refused(
        &s,
        &merge,
        &["-o x.json and --journal x.json are the same file"],
    );
}

#[test]
fn the_same_file_through_a_symbolic_link_is_refused() {
    let s = Sandbox::new();
    std::os::unix::fs::symlink(s.path("contacts.json"), s.path("link.json")).unwrap();
    refused(
        &s,
        &[
            "merge",
            "contacts.json",
            "101",
            "102",
            "-o",
            "out.json",
            "--journal",
            "link.json",
        ],
        &["--journal link.json is the same file as the export contacts.json"],
    );
    // A new file, reached through a linked folder.
    std::fs::create_dir(s.path("real")).unwrap();
    std::os::unix::fs::symlink(s.path("real"), s.path("via")).unwrap();
    refused(
        &s,
        &[
            "apply",
            "contacts.csv",
            "--plan",
            "plan.csv",
            "-o",
            "real/out.csv",
            "--journal",
            "via/out.csv",
        ],
        &["-o real/out.csv and --journal via/out.csv are the same file"],
    );
}

#[test]
fn the_same_file_through_a_hard_link_is_refused() {
    let s = Sandbox::new();
    std::fs::hard_link(s.path("contacts.csv"), s.path("hard.csv")).unwrap();
    refused(
        &s,
        &[
            "apply",
            "contacts.csv",
            "--plan",
            "plan.csv",
            "-o",
            "out.csv",
            "--journal",
            "hard.csv",
        ],
        &["--journal hard.csv is the same file as the export contacts.csv"],
    );
    refused(
        &s,
        &["merge", "contacts.csv", "101", "102", "-o", "hard.csv"],
        &[
            "-o hard.csv is the same file as the export contacts.csv",
            "pass --in-place to replace the export",
        ],
    );
}

#[test]
fn the_same_file_as_dot_slash_x_and_x_is_refused() {
    let s = Sandbox::new();
    refused(
        &s,
        &[
            "apply",
            "contacts.csv",
            "--plan",
            "plan.csv",
            "-o",
            "./out.csv",
            "--journal",
            "out.csv",
        ],
        &["-o ./out.csv and --journal out.csv are the same file"],
    );
    refused(
        &s,
        &["dupes", "contacts.csv", "-o", "./contacts.csv"],
        &["-o ./contacts.csv is the same file as the export contacts.csv"],
    );
}

/// `-o -` with stdout redirected onto the export (`>> contacts.csv`).
#[test]
fn stdout_redirected_onto_an_input_is_refused() {
    let s = Sandbox::new();
    let before = s.read("contacts.csv");
    let append = std::fs::OpenOptions::new()
        .append(true)
        .open(s.path("contacts.csv"))
        .unwrap();
    // The harness's command, with stdout given to the child as it is.
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("contact-merge"))
        .current_dir(s.dir.path())
        .env_clear()
        .args(["merge", "contacts.csv", "101", "102", "-o", "-"])
        .stdout(append)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("-o - (stdout) is the same file as the export contacts.csv"),
        "{err}"
    );
    assert_eq!(s.read("contacts.csv"), before);
}

/// stdin read twice: the export and the journal both `-`.
#[test]
fn stdin_named_twice_is_refused() {
    let s = Sandbox::new();
    journal_of_one_merge(&s);
    let before = snapshot(&s);
    let out = s
        .cmd()
        .args(["unmerge", "-", "101", "--restore", "102", "--journal", "-"])
        .args(["-o", "r.json"])
        .write_stdin(s.read("m.json"))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the export - (stdin) and --journal - (stdin) both read stdin"),
        "{err}"
    );
    assert!(snapshot(&s) == before, "nothing written");
}

/// What is allowed stays allowed: `--in-place` (alone, or with `-o`
/// naming the export by another path), and `-` in and out.
#[test]
fn in_place_and_streams_are_not_overlaps() {
    let s = Sandbox::new();
    for args in [
        &["merge", "contacts.csv", "101", "102", "--in-place"][..],
        &[
            "merge",
            "contacts.json",
            "101",
            "102",
            "-o",
            "./contacts.json",
            "--in-place",
            "--journal",
            "j.jsonl",
        ][..],
    ] {
        let out = s.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let out = s
        .cmd()
        .args([
            "merge",
            "-",
            "103",
            "104",
            "-o",
            "-",
            "--input-format",
            "csv",
        ])
        .write_stdin(s.read("contacts.csv"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Record ID"));
}

/// A journal is appended to by every command: a merge, then a batch, into
/// one journal; the first merge can still be restored.
#[test]
fn merge_then_apply_into_one_journal_keeps_both() {
    let s = Sandbox::new();
    journal_of_one_merge(&s);
    s.write("p2.csv", "primary_id,secondary_id\n103,104\n");
    let out = s
        .cmd()
        .args(["apply", "m.json", "--plan", "p2.csv", "-o", "m2.json"])
        .args(["--journal", "j.jsonl"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let journal = String::from_utf8(s.read("j.jsonl")).unwrap();
    let merges: Vec<(String, String)> = journal
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["primaryId"].as_str().unwrap().to_string(),
                v["secondaryId"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        merges,
        [("101".into(), "102".into()), ("103".into(), "104".into())]
    );
    let out = s
        .cmd()
        .args(["unmerge", "m2.json", "101", "--restore", "102"])
        .args(["--journal", "j.jsonl", "-o", "r.json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let restored = contact_merge::format::read_path(&s.path("r.json"), None).unwrap();
    assert!(restored.contacts.iter().any(|c| c.id == "102"));
}

/// Two batches into one journal, the first one's journal cut off after its
/// last line's brace (no newline): every line is kept, each on its own.
#[test]
fn apply_appends_to_a_journal_and_ends_its_last_line() {
    let s = Sandbox::new();
    let run = |file: &str, plan: &str, out: &str| {
        let o = s
            .cmd()
            .args(["apply", file, "--plan", plan, "-o", out])
            .args(["--journal", "j.jsonl"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    };
    s.write("p1.csv", "primary_id,secondary_id\n101,102\n");
    s.write("p2.csv", "primary_id,secondary_id\n103,104\n");
    run("contacts.csv", "p1.csv", "a.csv");
    let first = s.read("j.jsonl");
    assert!(first.ends_with(b"\n"));
    s.write("j.jsonl", &first[..first.len() - 1]);
    run("a.csv", "p2.csv", "b.csv");
    let journal = s.read("j.jsonl");
    assert!(journal.starts_with(&first), "the old journal comes first");
    assert_eq!(journal.iter().filter(|&&b| b == b'\n').count(), 2);
    let parsed = contact_merge::journal::read_journal(&s.path("j.jsonl")).unwrap();
    assert_eq!(parsed.entries.len(), 2);
}

/// A journal whose last line is cut off in the middle (a copy cut short):
/// appending to it used to succeed without a word, and then no merge in
/// it, the new ones included, could be restored ("line 1: malformed
/// JSON"). `merge` and `apply`, streamed and in memory, refuse it before
/// any work: exit 1, nothing written, the journal and its line named.
#[test]
fn a_journal_whose_last_line_is_cut_off_is_not_appended_to() {
    let s = Sandbox::new();
    let o = s
        .cmd()
        .args(["merge", "contacts.json", "101", "102", "-o", "m1.json"])
        .args(["--journal", "j.jsonl", "-q"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let whole = s.read("j.jsonl");
    s.write("p2.csv", "primary_id,secondary_id\n103,104\n");
    // Cut off mid-line, with or without a newline after the cut, or
    // followed by blank lines: the last line that is not blank counts.
    // A last line whole but for a byte that is no UTF-8 is as unreadable.
    let mut mangled = whole.clone();
    let at = mangled.windows(5).position(|w| w == b"email").unwrap();
    mangled[at] = 0xFF;
    for (bytes, tail) in [
        (&whole[..whole.len() - 300], ""),
        (&whole[..whole.len() - 300], "\n"),
        (&whole[..whole.len() - 300], "\n\n  \n"),
        (&mangled[..], ""),
    ] {
        let mut cut = whole.clone();
        cut.extend_from_slice(bytes);
        cut.extend_from_slice(tail.as_bytes());
        s.write("j.jsonl", &cut);
        for args in [
            &["merge", "m1.json", "103", "104", "-o", "m2.json"][..],
            &["apply", "m1.json", "--plan", "p2.csv", "-o", "m2.json"][..],
            &["apply", "m1.json", "--plan", "p2.csv", "-o", "m2.csv"][..],
            &["apply", "contacts.csv", "--plan", "p2.csv", "-o", "m2.csv"][..],
        ] {
            let before = snapshot(&s);
            let out = s
                .cmd()
                .args(args)
                .args(["--journal", "j.jsonl"])
                .output()
                .unwrap();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
            for part in [
                "the journal j.jsonl ends in a line cut off (line 2 is not a whole JSON object",
                "nothing was written",
                "remove that line",
            ] {
                assert!(err.contains(part), "{args:?}: {part:?} not in: {err}");
            }
            assert_eq!(snapshot(&s), before, "{args:?}: nothing written");
        }
    }
    // A whole last line without its newline is still appended to.
    s.write("j.jsonl", &whole[..whole.len() - 1]);
    let out = s
        .cmd()
        .args(["merge", "m1.json", "103", "104", "-o", "m2.json"])
        .args(["--journal", "j.jsonl", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let journal = contact_merge::journal::read_journal(&s.path("j.jsonl")).unwrap();
    assert_eq!(journal.entries.len(), 2);
}

/// A file that is not a journal of merges (its last line a JSON object
/// of another kind) is not appended to: `unmerge --restore` could not read
/// the merges this run would add (it was, and they were unreadable).
#[test]
fn a_file_that_is_no_journal_is_not_appended_to() {
    let s = Sandbox::new();
    for text in ["{\"a\":1}\n", "{\"mergeTime\":\"2024-03-01T10:00:00Z\"}\n"] {
        s.write("j.jsonl", text);
        let before = snapshot(&s);
        let out = s
            .cmd()
            .args(["merge", "contacts.csv", "101", "102", "-o", "m.csv"])
            .args(["--journal", "j.jsonl"])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{text}: {err}");
        for part in [
            "j.jsonl is not a journal of merges: line 1: ",
            "is missing",
            "nothing was written",
        ] {
            assert!(err.contains(part), "{text}: {part:?} not in: {err}");
        }
        assert_eq!(snapshot(&s), before, "{text}: nothing written");
    }
}

/// `--journal -` is refused: a journal is a file, appended to and read back.
#[test]
fn a_journal_on_stdout_is_refused() {
    let s = Sandbox::new();
    for args in [
        &["merge", "contacts.csv", "101", "102", "-o", "out.csv"][..],
        &[
            "apply",
            "contacts.csv",
            "--plan",
            "plan.csv",
            "-o",
            "out.csv",
        ][..],
    ] {
        let mut all = args.to_vec();
        all.extend(["--journal", "-"]);
        refused(
            &s,
            &all,
            &[
                "--journal -: a journal cannot go to stdout",
                "name a file (e.g. --journal merges.jsonl)",
            ],
        );
        assert!(!s.path("-").exists());
    }
}

/// `-o -` and `--journal /dev/stdout` on one pipe would interleave.
#[test]
fn the_journal_through_dev_stdout_beside_the_export_on_stdout_is_refused() {
    if !Path::new("/dev/stdout").exists() {
        eprintln!("no /dev/stdout here: skipped");
        return;
    }
    let s = Sandbox::new();
    refused(
        &s,
        &[
            "merge",
            "contacts.csv",
            "101",
            "102",
            "-o",
            "-",
            "--journal",
            "/dev/stdout",
        ],
        &["-o - (stdout) and --journal /dev/stdout are the same file"],
    );
}

/// A journal that is not a file (`/dev/stdout`, a pipe here) is written
/// as it is and never read to be appended to (reading it would wait
/// forever on the command's own stdout).
#[test]
fn a_journal_that_is_a_stream_is_written_not_read() {
    if !Path::new("/dev/stdout").exists() {
        eprintln!("no /dev/stdout here: skipped");
        return;
    }
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args(["merge", "contacts.csv", "101", "102", "-o", "out.csv"])
        .args(["--journal", "/dev/stdout"])
        .timeout(crate::util::HANG_GUARD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let journal = contact_merge::journal::parse_journal(&out.stdout, "stdout").unwrap();
    assert_eq!(journal.entries.len(), 1);
    assert!(s.path("out.csv").exists());
}

/// `-o` naming a folder (`out`, `out/`): refused before anything is
/// written, so that a journal is not put in place for an output that
/// never is (it used to be, by the rename that came first).
#[test]
fn an_output_that_is_a_folder_writes_no_journal() {
    let s = Sandbox::new();
    std::fs::create_dir(s.path("out")).unwrap();
    let time = ["--merge-time", "2024-06-01T00:00:00Z"];
    let runs: [&[&str]; 5] = [
        &["apply", "contacts.csv", "--plan", "plan.csv", "-o", "out"],
        &["apply", "contacts.json", "--plan", "plan.csv", "-o", "out/"],
        &["merge", "contacts.csv", "101", "102", "-o", "out"],
        &[
            "apply",
            "-",
            "--input-format",
            "csv",
            "--plan",
            "plan.csv",
            "-o",
            "out",
        ],
        &["dupes", "contacts.csv", "-o", "out"],
    ];
    for args in runs {
        let before = snapshot(&s);
        let mut cmd = s.cmd();
        cmd.args(args);
        if args[0] != "dupes" {
            cmd.args(["--journal", "j.jsonl"]).args(time);
        }
        let out = cmd
            .write_stdin(s.read("contacts.csv"))
            .timeout(crate::util::HANG_GUARD)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("it is a folder"), "{args:?}: {err}");
        assert!(snapshot(&s) == before, "{args:?}: a file was written");
    }
}

/// `--format json` writes its report to stdout beside `-o FILE`: a FILE
/// that is stdout (`-o /dev/stdout`, or `-o out.csv >> out.csv`) would lose
/// the report to a file renamed over, or mix it into the export. Refused
/// before any work (until 2026-12-07 it exited 0 with the report gone);
/// `-o -` moves the report to stderr, as before.
#[test]
fn an_output_that_is_stdout_beside_the_json_report_is_refused() {
    let s = Sandbox::new();
    let run = |args: &[&str], out_file: &str| {
        let stdout = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(s.path(out_file))
            .unwrap();
        std::process::Command::new(assert_cmd::cargo::cargo_bin("contact-merge"))
            .current_dir(s.dir.path())
            .env_clear()
            .args(args)
            .stdout(stdout)
            .output()
            .unwrap()
    };
    for (args, says) in [
        (
            vec!["merge", "contacts.csv", "101", "102", "-o", "out.csv", "--format", "json"],
            "-o out.csv is the same file as stdout, where --format json writes its report",
        ),
        (
            vec!["apply", "contacts.csv", "--plan", "plan.csv", "-o", "/dev/stdout", "--format", "json"],
            "-o /dev/stdout is the same file as stdout",
        ),
        (
            vec!["dupes", "dupes.csv", "-o", "out.csv", "--format", "json"],
            "-o out.csv is the same file as stdout",
        ),
        (
            vec!["merge", "contacts.csv", "101", "102", "-o", "m.csv", "--journal", "out.csv", "--format", "json"],
            "--journal out.csv is the same file as stdout, where --format json writes its report: the report would be lost or mixed into the file; name another file for --journal",
        ),
    ] {
        std::fs::write(s.path("out.csv"), "").unwrap();
        let out = run(&args, "out.csv");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(s.read("out.csv").is_empty(), "{args:?}: nothing written");
        assert!(!s.path("m.csv").exists());
    }
    // The report on its own stdout, the export in its file: as before.
    let out = run(
        &[
            "merge",
            "contacts.csv",
            "101",
            "102",
            "-o",
            "m.csv",
            "--format",
            "json",
        ],
        "report.json",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&s.read("report.json")).unwrap();
    assert_eq!(report["primary"], "101");
    assert!(!s.read("m.csv").is_empty());
}

/// `.jsonl` names an export as well as a journal or a push log: `-o` of
/// an export or a plan over one would replace the only record of the
/// merges (found by an independent review: `apply -o j3.jsonl` replaced
/// a journal, `pull -o push.jsonl` a push log, exit 0).
#[test]
fn an_output_over_a_journal_or_a_push_log_is_refused_by_its_first_line() {
    let s = Sandbox::new();
    journal_of_one_merge(&s);
    s.write("plan.csv", "primary_id,secondary_id\n101,102\n");
    s.write(
        "push.jsonl",
        "{\"event\":\"start\",\"at\":\"2024-06-01T00:00:00Z\",\"export\":\"e.ndjson\",\"plan\":\"p.csv\",\"pairs\":1,\"apiBase\":\"http://x\",\"rate\":\"100/10s\"}\n",
    );
    let says = ["-o j.jsonl holds a journal of merges", "choose another -o"];
    refused(
        &s,
        &[
            "apply",
            "contacts.json",
            "--plan",
            "plan.csv",
            "-o",
            "j.jsonl",
        ],
        &says,
    );
    refused(
        &s,
        &["merge", "contacts.json", "101", "102", "-o", "j.jsonl"],
        &says,
    );
    refused(&s, &["dupes", "contacts.json", "-o", "j.jsonl"], &says);
    let says = [
        "-o push.jsonl holds a push log",
        "resumed without being sent again",
    ];
    refused(
        &s,
        &[
            "apply",
            "contacts.json",
            "--plan",
            "plan.csv",
            "-o",
            "push.jsonl",
        ],
        &says,
    );
    // An export of the same extension is replaced as before.
    s.write("old.jsonl", "{\"id\":\"9\",\"properties\":{}}\n");
    let out = s
        .cmd()
        .args([
            "apply",
            "contacts.json",
            "--plan",
            "plan.csv",
            "-o",
            "old.jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
