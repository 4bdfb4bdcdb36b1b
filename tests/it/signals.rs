//! Interrupted runs (SPEC 7, issue 16): on SIGINT (Ctrl-C at the terminal),
//! SIGTERM or SIGHUP the tool removes every temporary file it made, leaves
//! every target as it was, and dies of the signal (a shell shows 128 + its
//! number). Before, each interruption left a `.OUT.PID.N.tmp` beside the
//! target, full of personal data.
//!
//! Most tests catch the run deterministically: `apply` makes the temporary
//! files of its output and journal before it opens its input, and the input
//! is a named pipe that nobody writes to, so the run waits there with both
//! files made for as long as the test likes. One test interrupts a big
//! `apply` in the middle of writing its output instead, as a person does.

use std::path::Path;
use std::process::Command;

use rexpect::process::{Signal, WaitStatus};

use crate::terminal::{big, one_at_a_time, temp_files, wait_for_temp_files, Pty, Screen};
use crate::util::Sandbox;

const OLD_OUT: &[u8] = b"Record ID,Email\n1,old@example.com\n";
/// An old journal of one merge (the least a journal line holds).
const OLD_JOURNAL: &[u8] = br#"{"mergeTime":"2024-03-01T10:00:00.000Z","policy":"most-recent","primaryId":"1","secondaryId":"2","primary":{"id":"1","properties":{}},"secondary":{"id":"2","properties":{}},"merged":{"id":"1","properties":{}}}
"#;

/// The sandbox with `in.csv` a named pipe, and an old output and journal.
fn waiting_sandbox() -> Sandbox {
    let sb = Sandbox::new();
    let made = Command::new("mkfifo").arg(sb.path("in.csv")).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    sb.write("out.csv", OLD_OUT);
    sb.write("journal.jsonl", OLD_JOURNAL);
    sb
}

const WAITING_APPLY: &[&str] = &[
    "apply",
    "in.csv",
    "--plan",
    "plan.csv",
    "-o",
    "out.csv",
    "--journal",
    "journal.jsonl",
];

/// Start `apply` on the pipe and wait until it has made both temporary
/// files (and waits for its input).
fn caught_with_temp_files(sb: &Sandbox, pty: &mut Pty) {
    let dir = sb.dir.path();
    let caught = wait_for_temp_files(pty, dir, |t| {
        let made = |target: &str| t.iter().any(|(n, _)| n.starts_with(&format!(".{target}.")));
        made("out.csv") && made("journal.jsonl")
    });
    assert!(caught, "apply ended before it made its temporary files");
}

/// No temporary file left, and the targets as they were.
fn assert_nothing_left(sb: &Sandbox, screen: &Screen) {
    assert_eq!(
        temp_files(sb.dir.path()),
        vec![],
        "temporary files left; the screen: {}",
        screen.text
    );
    assert_eq!(sb.read("out.csv"), OLD_OUT, "the old output changed");
    assert_eq!(
        sb.read("journal.jsonl"),
        OLD_JOURNAL,
        "the old journal changed"
    );
}

fn assert_died_of(screen: &Screen, signal: Signal) {
    assert!(
        matches!(screen.status, WaitStatus::Signaled(_, s, _) if s == signal),
        "ended by {:?}, not {signal:?}; the screen: {}",
        screen.status,
        screen.text
    );
}

#[test]
fn ctrl_c_removes_the_temporary_files_and_leaves_the_targets() {
    let sb = waiting_sandbox();
    let mut pty = Pty::spawn(&sb, WAITING_APPLY);
    caught_with_temp_files(&sb, &mut pty);
    pty.ctrl_c();
    let screen = pty.finish();
    assert_died_of(&screen, Signal::SIGINT);
    assert_nothing_left(&sb, &screen);
    // The line (a progress bar's) is cleared for the shell's prompt.
    assert!(
        screen.text.ends_with("\r\x1b[2K"),
        "the screen: {:?}",
        screen.text
    );
}

#[test]
fn sigterm_removes_the_temporary_files_and_leaves_the_targets() {
    let sb = waiting_sandbox();
    let mut pty = Pty::spawn(&sb, WAITING_APPLY);
    caught_with_temp_files(&sb, &mut pty);
    pty.signal(Signal::SIGTERM);
    let screen = pty.finish();
    assert_died_of(&screen, Signal::SIGTERM);
    assert_nothing_left(&sb, &screen);
}

#[test]
fn sighup_removes_the_temporary_files_and_leaves_the_targets() {
    let sb = waiting_sandbox();
    let mut pty = Pty::spawn(&sb, WAITING_APPLY);
    caught_with_temp_files(&sb, &mut pty);
    pty.signal(Signal::SIGHUP);
    let screen = pty.finish();
    assert_died_of(&screen, Signal::SIGHUP);
    assert_nothing_left(&sb, &screen);
}

/// `nohup` starts a program with SIGHUP ignored, a shell's background job
/// with SIGINT ignored: the tool keeps them ignored (a nohup'd run outlives
/// the terminal), and still cleans up on SIGTERM.
#[test]
fn signals_ignored_at_start_stay_ignored_and_sigterm_still_cleans_up() {
    let sb = waiting_sandbox();
    let mut pty = Pty::spawn_ignoring(&sb, WAITING_APPLY, &[libc::SIGHUP, libc::SIGINT]);
    caught_with_temp_files(&sb, &mut pty);
    pty.signal(Signal::SIGHUP);
    pty.ctrl_c();
    pty.signal(Signal::SIGTERM);
    let screen = pty.finish();
    assert_died_of(&screen, Signal::SIGTERM);
    assert_nothing_left(&sb, &screen);
}

/// Ctrl-C while a big `apply --in-place` writes its output: the export
/// and the journal stay as they were, or (should the Ctrl-C land once the
/// run is renaming its files into place, or after it is done) are both the
/// whole new ones; never one without the other.
#[test]
fn ctrl_c_while_writing_in_place_leaves_the_export_and_the_journal() {
    let _one = one_at_a_time();
    let big = big();
    let sb = Sandbox::new();
    sb.write("big.csv", &big.csv);
    sb.write("plan.csv", &big.plan);
    sb.write("journal.jsonl", OLD_JOURNAL);
    let args = [
        "apply",
        "big.csv",
        "--plan",
        "plan.csv",
        "--in-place",
        "--journal",
        "journal.jsonl",
    ];
    let mut pty = Pty::spawn(&sb, &args);
    let writing = wait_for_temp_files(&mut pty, sb.dir.path(), |t| {
        t.iter()
            .any(|(n, size)| n.starts_with(".big.csv.") && *size > 0)
    });
    if writing {
        pty.ctrl_c();
    } else {
        eprintln!("note: apply was not caught writing; checking its results are whole");
    }
    let screen = pty.finish();
    assert!(
        matches!(screen.status, WaitStatus::Exited(_, 0))
            || matches!(screen.status, WaitStatus::Signaled(_, Signal::SIGINT, _)),
        "{:?}: {}",
        screen.status,
        screen.text
    );
    assert_eq!(temp_files(sb.dir.path()), vec![], "{}", screen.text);
    if sb.read("big.csv") == big.csv {
        assert_died_of(&screen, Signal::SIGINT);
        assert_eq!(
            sb.read("journal.jsonl"),
            OLD_JOURNAL,
            "a journal without its export"
        );
    } else {
        eprintln!("note: apply was renaming its results when the Ctrl-C landed, or done");
        assert_whole(&sb.path("big.csv"), big.merged);
        assert_ne!(
            sb.read("journal.jsonl"),
            OLD_JOURNAL,
            "an export without its journal"
        );
    }
}

fn assert_whole(path: &Path, contacts: usize) {
    let bytes = std::fs::read(path).unwrap();
    let export =
        contact_merge::format::read_bytes(&bytes, contact_merge::format::Format::Csv, "out")
            .expect("a whole export");
    assert_eq!(export.contacts.len(), contacts);
}

/// Interrupted once its results are in place, a run ends as it would have:
/// its report, its exit status. (It died of the signal, so a script saw
/// an interrupted run, ran it again and was refused: the ids were merged
/// already.) Caught deterministically: the JSON report (half a megabyte
/// of dropped companies, merge by merge) fills the pipe nobody reads yet,
/// so the run waits after the output is renamed into place.
#[test]
fn ctrl_c_after_the_results_are_written_lets_the_run_end_as_it_would() {
    use std::io::Read;
    use std::process::Stdio;
    let sb = Sandbox::new();
    let mut csv = String::from("Record ID,First Name,Last Name,Email,Associated Company IDs\n");
    let mut plan = String::from("primary_id,secondary_id\n");
    for i in 1..=1200 {
        for id in [i, i + 10_000] {
            csv.push_str(&format!(
                "{id},Name{i},Family{i},person{i}@example.com,{}\n",
                id + 500_000
            ));
        }
        plan.push_str(&format!("{i},{}\n", i + 10_000));
    }
    sb.write("many.csv", csv);
    sb.write("plan.csv", plan);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contact-merge"));
    cmd.args(["apply", "many.csv", "--plan", "plan.csv", "-o", "out.csv"])
        .args(["--format", "json"])
        .current_dir(sb.dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Started as a shell starts a foreground command: SIGINT with its
    // default action and not blocked, whatever the test harness's thread
    // that spawns it holds (the run passed alone and failed in two full
    // CI runs: the signal never reached it, and it ended as if never
    // interrupted).
    // SAFETY: runs in the child between fork and exec; sigemptyset,
    // sigaddset, sigprocmask and signal are async-signal-safe.
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(|| {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGINT);
            libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !sb.path("out.csv").exists() {
        assert!(std::time::Instant::now() < deadline, "no output written");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // Give the signal time to arrive while the run still waits.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let mut report = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut report)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{:?}: {err}", out.status);
    assert!(
        err.contains("interrupted after the results were written (they are whole): finishing"),
        "{err}"
    );
    assert!(err.contains("applied 1200 of 1200 pairs"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&report).expect("the whole report");
    assert_eq!(v["applied"], 1200, "{v}");
    assert_eq!(temp_files(sb.dir.path()), vec![]);
}
