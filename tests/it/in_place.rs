//! Two runs replacing one export at once (`--in-place`): the second is
//! refused while the first holds the export, so that neither run's
//! changes are silently lost (found by an independent review: two
//! `unmerge --in-place` runs both exited 0 and one restore was lost).

use std::io::Write;
use std::process::Stdio;

use crate::util::{stderr, Sandbox};

#[test]
fn a_second_in_place_run_over_a_held_export_is_refused_and_the_first_completes() {
    let s = Sandbox::new();
    let fifo = s.path("plan.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // The first run holds contacts.csv, then waits for its plan on the
    // pipe.
    let first = std::process::Command::new(assert_cmd::cargo::cargo_bin("contact-merge"))
        .current_dir(s.dir.path())
        .args(["apply", "contacts.csv", "--in-place", "--plan", "plan.fifo"])
        .args(["--merge-time", "2024-06-01T00:00:00Z"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Until the first run opens the pipe, it may not hold the export yet.
    let mut writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    s.write("plan2.csv", "primary_id,secondary_id\n103,104\n");
    let second = s
        .cmd()
        .args(["apply", "contacts.csv", "--in-place", "--plan", "plan2.csv"])
        .output()
        .unwrap();
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is being replaced by another run right now"),
        "{err}"
    );
    writer
        .write_all(b"primary_id,secondary_id\n101,102\n")
        .unwrap();
    drop(writer);
    let out = first.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = String::from_utf8(s.read("contacts.csv")).unwrap();
    assert!(!after.lines().any(|l| l.starts_with("102,")), "{after}");
    assert!(
        after.lines().any(|l| l.starts_with("104,")),
        "the second run did nothing"
    );
    // Once the first is done, the same second run goes through.
    let again = s
        .cmd()
        .args(["apply", "contacts.csv", "--in-place", "--plan", "plan2.csv"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
}
