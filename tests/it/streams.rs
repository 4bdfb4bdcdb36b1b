//! stdout as a shell gives it: a pipe whose reader has gone (`| head`), a
//! full disk (`> /dev/full`), and a stdout the shell closed (`>&-`).
//! A closed pipe is exit 0, quietly, for every command whose run went
//! well; a refusal (1) or a partial run (3) keeps its code. Any other
//! failed write is exit 1 with the reason, and never a summary saying it
//! wrote.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::util::{stderr, Sandbox};

const BIN: &str = env!("CARGO_BIN_EXE_contact-merge");

/// A command of the binary run through `sh` in the sandbox, with the
/// harness's clean environment.
fn sh(s: &Sandbox, script: &str, args: &[&str]) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(script)
        .arg(BIN)
        .args(args)
        .current_dir(s.dir.path())
        .env_clear()
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    c
}

/// Run the binary with stdout a pipe whose read end is closed before the
/// binary starts (the shell waits a second before it runs it), so every
/// write fails with a broken pipe, whatever the size of the output.
fn into_closed_pipe(s: &Sandbox, args: &[&str]) -> Output {
    into_closed_pipe_by(s, r#"sleep 1; exec "$0" "$@""#, args)
}

/// [`into_closed_pipe`], the binary started by `script` (which may give it
/// a file on stdin).
fn into_closed_pipe_by(s: &Sandbox, script: &str, args: &[&str]) -> Output {
    let mut child = sh(s, script, args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

/// Run the binary with stdout closed (`>&-`).
fn with_stdout_closed(s: &Sandbox, args: &[&str]) -> Output {
    sh(s, r#""$0" "$@" >&-"#, args).output().unwrap()
}

/// Run the binary with stdout on a full disk.
fn into_full_disk(s: &Sandbox, args: &[&str]) -> Output {
    sh(s, r#""$0" "$@" > /dev/full"#, args).output().unwrap()
}

/// 2,400 contacts in 1,200 pairs of exact duplicates: a plan of some 45 kB.
fn many_duplicates(s: &Sandbox) {
    let mut csv = String::from("Record ID,First Name,Last Name,Email\n");
    for i in 1..=1200 {
        for id in [i, i + 10_000] {
            csv.push_str(&format!("{id},Name{i},Family{i},person{i}@example.com\n"));
        }
    }
    s.write("many.csv", csv);
}

/// An export of 2,000 contacts as JSON.
fn big_json(s: &Sandbox) {
    let g = contact_merge::gen::generate(&contact_merge::gen::GenOptions {
        contacts: 2000,
        duplicate_rate: 0.1,
        seed: 7,
    });
    let bytes = contact_merge::format::write_to_vec(&g.export, contact_merge::format::Format::Json);
    s.write("big.json", bytes);
    let (p, q) = &g.pairs[0];
    s.write(
        "big.plan.csv",
        format!("primary_id,secondary_id\n{p},{q}\n"),
    );
}

fn assert_quiet_success(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: a closed pipe is exit 0: {}",
        stderr(out)
    );
    assert!(
        out.stderr.is_empty(),
        "{what}: a closed pipe is quiet: {}",
        stderr(out)
    );
}

#[test]
fn completions_into_a_closed_pipe_exit_0_quietly() {
    let s = Sandbox::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = into_closed_pipe(&s, &["completions", shell]);
        assert_quiet_success(&out, shell);
    }
}

#[test]
fn completions_onto_a_full_disk_fail_with_the_reason() {
    let s = Sandbox::new();
    let out = into_full_disk(&s, &["completions", "bash"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("cannot write to stdout") && err.contains("No space left"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn dupes_into_a_closed_pipe_exits_0_quietly() {
    let s = Sandbox::new();
    many_duplicates(&s);
    // The plan as CSV and the pairs as JSON: both writers wrap the pipe's
    // error in their own.
    for args in [
        &["dupes", "many.csv", "-o", "-"][..],
        &["dupes", "many.csv", "--format", "json"],
        &["dupes", "many.csv"],
    ] {
        let out = into_closed_pipe(&s, args);
        assert_quiet_success(&out, &args.join(" "));
    }
}

#[test]
fn an_export_written_as_csv_into_a_closed_pipe_exits_0_quietly() {
    let s = Sandbox::new();
    big_json(&s);
    for args in [
        &[
            "apply",
            "big.json",
            "--plan",
            "big.plan.csv",
            "-o",
            "-",
            "--output-format",
            "csv",
        ][..],
        &[
            "dupes",
            "big.json",
            "--format",
            "json",
            "--threshold",
            "0.5",
        ],
    ] {
        let out = into_closed_pipe(&s, args);
        assert_quiet_success(&out, &args.join(" "));
    }
}

/// With a journal, a closed pipe is no quiet success: the output was cut
/// short, so the journal is left as it was (it must not record merges of
/// an output nobody got), and the run says so with exit 1. Both ways: the
/// streamed CSV and the in-memory JSON.
#[test]
fn a_closed_pipe_with_a_journal_is_an_error_and_records_nothing() {
    let s = Sandbox::new();
    big_json(&s);
    many_duplicates(&s);
    s.write(
        "many.plan.csv",
        "primary_id,secondary_id\n1,10001\n2,10002\n",
    );
    for (input, plan) in [("many.csv", "many.plan.csv"), ("big.json", "big.plan.csv")] {
        let args = [
            "apply",
            input,
            "--plan",
            plan,
            "-o",
            "-",
            "--journal",
            "j.jsonl",
        ];
        let out = into_closed_pipe(&s, &args);
        assert_eq!(out.status.code(), Some(1), "{input}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("stdout was closed before the whole output was written")
                && err.contains("the journal j.jsonl was left as it was")
                && err.contains("-o FILE"),
            "{input}: {err}"
        );
        assert!(!s.path("j.jsonl").exists(), "{input}: no journal written");
        // A journal already there keeps its bytes.
        s.write("j.jsonl", "");
        let out = into_closed_pipe(&s, &args);
        assert_eq!(out.status.code(), Some(1), "{input}: {}", stderr(&out));
        assert_eq!(s.read("j.jsonl"), b"", "{input}: the journal as it was");
        std::fs::remove_file(s.path("j.jsonl")).unwrap();
    }
}

/// The same the in-memory way: stdin read whole (its CSV writer wraps
/// the pipe's error in its own), and an export written in another format.
/// Both used to end with exit 0 and no word, the journal left out.
#[test]
fn a_closed_pipe_with_a_journal_is_an_error_the_in_memory_way_too() {
    let s = Sandbox::new();
    many_duplicates(&s);
    s.write(
        "many.plan.csv",
        "primary_id,secondary_id\n1,10001\n2,10002\n",
    );
    let journal = ["--journal", "j.jsonl"];
    for (script, args) in [
        (
            r#"sleep 1; exec "$0" "$@" < many.csv"#,
            &["apply", "-", "--plan", "many.plan.csv", "-o", "-"][..],
        ),
        (
            r#"sleep 1; exec "$0" "$@""#,
            &[
                "apply",
                "many.csv",
                "--plan",
                "many.plan.csv",
                "-o",
                "-",
                "--output-format",
                "ndjson",
            ],
        ),
        (
            r#"sleep 1; exec "$0" "$@" < many.csv"#,
            &["merge", "-", "1", "10001", "-o", "-"],
        ),
    ] {
        let args: Vec<&str> = args.iter().chain(&journal).copied().collect();
        let out = into_closed_pipe_by(&s, script, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("stdout was closed before the whole output was written"),
            "{args:?}: {err}"
        );
        assert!(!s.path("j.jsonl").exists(), "{args:?}: no journal written");
    }
}

#[test]
fn writing_to_a_closed_stdout_is_an_error_not_a_success() {
    let s = Sandbox::new();
    for args in [
        &["merge", "contacts.csv", "101", "102", "-o", "-"][..],
        &["merge", "contacts.json", "101", "102", "-o", "-"],
        &["apply", "contacts.csv", "--plan", "plan.csv", "-o", "-"],
        &["apply", "contacts.json", "--plan", "plan.csv", "-o", "-"],
        &[
            "unmerge",
            "contacts.csv",
            "102",
            "jane@doe-family.net",
            "-o",
            "-",
        ],
        &["dupes", "dupes.csv", "-o", "-"],
        &["show", "contacts.csv", "101"],
        &["diff", "contacts.csv", "101", "102"],
        &["check", "contacts.csv", "--format", "json"],
        &["completions", "bash"],
    ] {
        let what = args.join(" ");
        let out = with_stdout_closed(&s, args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains("stdout is closed"), "{what}: {err}");
        assert!(
            !err.contains("wrote") && !err.contains("plan written"),
            "{what}: nothing was written: {err}"
        );
    }
    // A command that writes to a file does not need stdout.
    let out = with_stdout_closed(
        &s,
        &["merge", "contacts.csv", "101", "102", "-o", "out.csv"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("wrote 4 contacts to out.csv"));
    assert!(Path::new(&s.path("out.csv")).exists());
}

/// A table or a JSON report that cannot be written says that stdout is what
/// failed (it said only "No space left on device").
#[test]
fn a_report_onto_a_full_disk_names_stdout() {
    let s = Sandbox::new();
    for args in [
        &["show", "contacts.json", "101"][..],
        &["diff", "contacts.json", "101", "102", "--format", "json"],
        &["check", "contacts.csv", "--format", "json"],
    ] {
        let out = into_full_disk(&s, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("cannot write to stdout: No space left on device"),
            "{args:?}: {err}"
        );
    }
}

/// The files are in place when the JSON report cannot be written: the
/// error says so, instead of reading as "nothing was written".
#[test]
fn a_report_that_fails_after_the_files_are_written_says_they_were() {
    let s = Sandbox::new();
    for args in [
        &[
            "apply",
            "contacts.csv",
            "--plan",
            "plan.csv",
            "-o",
            "out.csv",
            "--journal",
            "j.jsonl",
            "--format",
            "json",
        ][..],
        &[
            "merge",
            "contacts.json",
            "101",
            "102",
            "-o",
            "m.json",
            "--journal",
            "j.jsonl",
            "--format",
            "json",
        ],
    ] {
        let out = into_full_disk(&s, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        let file = args[args.iter().position(|a| *a == "-o").unwrap() + 1];
        assert!(
            err.contains(&format!(
                "{file} and the journal j.jsonl were written; what failed came after: cannot write to stdout"
            )),
            "{args:?}: {err}"
        );
        assert!(s.dir.path().join(file).exists());
    }
}

/// An export that can be read only once (a named pipe, `/dev/stdin` on a
/// pipe, a shell's `<(...)`) is read whole, as stdin is: the streamed way
/// reads the records it merges a second time, and crashed on such a path
/// (a panic, or an allocation of exabytes). Same output and journal as the
/// file gives.
#[test]
fn an_export_on_a_pipe_by_its_path_is_merged_as_the_file_is() {
    let s = Sandbox::new();
    let base = ["--plan", "plan.csv", "--merge-time", "2024-06-01T00:00:00Z"];
    for (file, format) in [("contacts.csv", "csv"), ("contacts.json", "json")] {
        let out = s
            .cmd()
            .args(["apply", file, "-o", "want", "--journal", "want.jsonl"])
            .args(base)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let fifo = s.path("in.fifo");
        let _ = std::fs::remove_file(&fifo);
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        for (script, name) in [
            (
                format!(r#"cat {file} > in.fifo & exec "$0" "$@""#),
                "in.fifo",
            ),
            (format!(r#"cat {file} | exec "$0" "$@""#), "/dev/stdin"),
        ] {
            let args = [
                "apply",
                name,
                "--input-format",
                format,
                "-o",
                "got",
                "--journal",
                "got.jsonl",
            ];
            let args: Vec<&str> = args.iter().chain(&base).copied().collect();
            let out = sh(&s, &script, &args).output().unwrap();
            assert!(out.status.success(), "{name}: {}", stderr(&out));
            assert_eq!(s.read("got"), s.read("want"), "{file} through {name}");
            assert_eq!(
                s.read("got.jsonl"),
                s.read("want.jsonl"),
                "{file} through {name}"
            );
            std::fs::remove_file(s.path("got.jsonl")).unwrap();
            // One merge through a pipe too.
            let args = [
                "merge",
                name,
                "101",
                "102",
                "--input-format",
                format,
                "-o",
                "m",
            ];
            let out = sh(&s, &script, &args).output().unwrap();
            assert!(out.status.success(), "merge {name}: {}", stderr(&out));
        }
        std::fs::remove_file(s.path("want.jsonl")).unwrap();
    }
}

/// A journal on a full disk, when it fills while the merges are recorded
/// (a journal past the writer's buffer): the message names the journal and
/// says what to do, both ways (until 2026-12-07 it named no file and gave
/// no advice in this case; one that fills at the end always did).
#[test]
fn a_journal_that_fills_the_disk_mid_run_is_named_with_advice() {
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("no /dev/full here: skipped");
        return;
    }
    let s = Sandbox::new();
    many_duplicates(&s);
    let mut plan = String::from("primary_id,secondary_id\n");
    for i in 1..=1200 {
        plan.push_str(&format!("{i},{}\n", i + 10_000));
    }
    s.write("many.plan.csv", plan);
    for stdin in [false, true] {
        let export = if stdin { "-" } else { "many.csv" };
        let args = [
            "apply",
            export,
            "--plan",
            "many.plan.csv",
            "-o",
            "o.csv",
            "--journal",
            "/dev/full",
        ];
        let mut cmd = s.cmd();
        cmd.args(args);
        if stdin {
            cmd.write_stdin(s.read("many.csv"));
        }
        let out = cmd.output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains("cannot write the journal /dev/full: No space left on device")
                && err.contains("the disk is full: free some space, or write somewhere else"),
            "stdin {stdin}: {err}"
        );
        assert!(!s.path("o.csv").exists(), "nothing written");
    }
}

#[test]
fn a_closed_pipe_keeps_the_verdict_of_a_refusal_a_check_and_a_partial_run() {
    // `set -o pipefail; contact-merge check bad.csv | grep -m1 x` must fail
    // a CI step: the reader leaving early is no reason to say "no
    // problems".
    let s = Sandbox::new();
    s.write(
        "c.csv",
        "Record ID,Email,Lifecycle Stage\n1,a@x.com,lead\n2,b@x.com,partner\n3,c@x.com,lead\n",
    );
    s.write("bad.csv", "primary_id,secondary_id\n1,3\n1,99\n");
    let check = into_closed_pipe(&s, &["check", "c.csv", "--format", "json"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    let refused = into_closed_pipe(
        &s,
        &[
            "apply", "c.csv", "--plan", "bad.csv", "-o", "out.csv", "--format", "json",
        ],
    );
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(!s.path("out.csv").exists());
    let partial = into_closed_pipe(
        &s,
        &[
            "apply",
            "c.csv",
            "--plan",
            "bad.csv",
            "-o",
            "out.csv",
            "--format",
            "json",
            "--keep-going",
        ],
    );
    assert_eq!(partial.status.code(), Some(3), "{}", stderr(&partial));
    assert!(s.path("out.csv").exists());
    // A check that found nothing is still exit 0 into a closed pipe.
    s.write("ok.csv", "Record ID,Email\n1,a@x.com\n");
    let ok = into_closed_pipe(&s, &["check", "ok.csv", "--format", "json"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
}

#[test]
fn an_export_on_a_pipe_by_its_path_is_told_by_its_content() {
    // `show <(cat contacts.json) 101`: the name (/dev/fd/63) tells no
    // format, so the bytes are looked at, as stdin's are.
    let s = Sandbox::new();
    for (file, want) in [
        ("contacts.json", "jane.doe@acme.com"),
        ("contacts.csv", "jane.doe@acme.com"),
        ("contacts.ndjson", "jane.doe@acme.com"),
    ] {
        for args in [
            &["show", "/dev/stdin", "101"][..],
            &["check", "/dev/stdin"],
            &["apply", "/dev/stdin", "--plan", "plan.csv", "-o", "-"],
        ] {
            let out = sh(&s, &format!(r#"cat {file} | exec "$0" "$@""#), args)
                .output()
                .unwrap();
            assert!(out.status.success(), "{file} {args:?}: {}", stderr(&out));
            if args[0] != "check" {
                let text = String::from_utf8_lossy(&out.stdout);
                assert!(text.contains(want), "{file} {args:?}: {text}");
            }
        }
    }
}
