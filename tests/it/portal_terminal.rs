//! `pull` and `push` in a terminal, as an admin runs them: under a
//! pseudo-terminal (progress bar and spinner drawn), against the local
//! HubSpot emulator, and stopped with Ctrl-C in the middle of a push.
//! `apply` once hung in every terminal as soon as its bar showed; these
//! runs guard the portal commands against the same.

use std::collections::HashSet;

use rexpect::process::{Signal, WaitStatus};
use serde_json::Value;

use crate::emulator::{self, Config, Emulator};
use crate::portal::{export_of, plan_of};
use crate::terminal::{one_at_a_time, temp_files, Pty};
use crate::util::Sandbox;

const TOKEN: &str = "pat-na1-emulator-token";

/// An export of `n` emulator contacts from id 1, as JSON Lines, and a plan
/// merging each even id into the odd one before it.
fn export_and_plan(sb: &Sandbox, n: u64) -> Vec<(u64, u64)> {
    export_of(sb, "export.ndjson", &emulator::contacts(1, n));
    let pairs: Vec<(u64, u64)> = (1..n).step_by(2).map(|p| (p, p + 1)).collect();
    plan_of(sb, &pairs);
    pairs
}

fn push_args<'a>(emu: &'a Emulator, rate: &'a str) -> Vec<&'a str> {
    vec![
        "push",
        "export.ndjson",
        "--plan",
        "plan.csv",
        "--log",
        "push.jsonl",
        "--api-base",
        &emu.url,
        "--rate",
        rate,
        "--backoff-ms",
        "5",
    ]
}

/// Every merge the emulator did names a secondary it had not merged before.
fn merged_once(emu: &Emulator) -> usize {
    let state = emu.state();
    let mut seen = HashSet::new();
    for m in &state.merges {
        assert!(
            seen.insert(m.secondary.clone()),
            "{} merged twice",
            m.secondary
        );
    }
    state.merges.len()
}

#[test]
fn push_in_a_terminal_shows_its_bar_and_finishes() {
    let _one = one_at_a_time();
    let sb = Sandbox::new();
    let pairs = export_and_plan(&sb, 400);
    let emu = Emulator::start(Config::default(), emulator::contacts(1, 400));
    // 200 merges at 100 a second: two seconds, long enough for the bar.
    let args = push_args(&emu, "100/1s");
    let screen = Pty::spawn_with_env(&sb, &args, &[("HUBSPOT_TOKEN", TOKEN)]).finish();
    assert!(
        matches!(screen.status, WaitStatus::Exited(_, 0)),
        "{:?} {}",
        screen.status,
        screen.text
    );
    assert!(
        screen.text.contains(&format!("/{} pairs", pairs.len())),
        "no progress bar on the terminal: {}",
        screen.text
    );
    assert!(
        screen
            .text
            .contains(&format!("pushed {0} merges of {0} pairs", pairs.len())),
        "{}",
        screen.text
    );
    assert!(!screen.text.contains(TOKEN), "the token was shown");
    assert_eq!(merged_once(&emu), pairs.len());
}

#[test]
fn pull_in_a_terminal_shows_progress_and_finishes() {
    let _one = one_at_a_time();
    let sb = Sandbox::new();
    let emu = Emulator::start(Config::default(), emulator::contacts(1, 1_500));
    let args = ["pull", "-o", "pulled.ndjson", "--api-base", &emu.url];
    let screen = Pty::spawn_with_env(&sb, &args, &[("HUBSPOT_TOKEN", TOKEN)]).finish();
    assert!(
        matches!(screen.status, WaitStatus::Exited(_, 0)),
        "{:?} {}",
        screen.status,
        screen.text
    );
    assert!(screen.text.contains("1500"), "{}", screen.text);
    assert!(!screen.text.contains(TOKEN), "the token was shown");
    let pulled = sb.read("pulled.ndjson");
    let ids: HashSet<String> = String::from_utf8(pulled)
        .unwrap()
        .lines()
        .map(|l| emulator::id_of(&serde_json::from_str::<Value>(l).unwrap()))
        .collect();
    assert_eq!(ids.len(), 1_500);
    assert!(temp_files(sb.dir.path()).is_empty());
}

/// Ctrl-C in the middle of a push: the process stops on the signal, the
/// log holds what was done, and the next run sends only the rest.
#[test]
fn ctrl_c_stops_a_push_and_the_next_run_sends_only_the_rest() {
    let _one = one_at_a_time();
    let sb = Sandbox::new();
    let pairs = export_and_plan(&sb, 400);
    let emu = Emulator::start(Config::default(), emulator::contacts(1, 400));
    // 200 merges at 20 a second: ten seconds, stopped after the first few.
    let args = push_args(&emu, "20/1s");
    let mut pty = Pty::spawn_with_env(&sb, &args, &[("HUBSPOT_TOKEN", TOKEN)]);
    pty.wait_for(" pairs ");
    let deadline = std::time::Instant::now() + crate::util::HANG_GUARD;
    while emu.state().merges.len() < 5 {
        assert!(std::time::Instant::now() < deadline, "no merge was sent");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    pty.ctrl_c();
    let screen = pty.finish();
    assert!(
        matches!(
            screen.status,
            WaitStatus::Signaled(_, Signal::SIGINT, _) | WaitStatus::Exited(_, 130)
        ),
        "not stopped by Ctrl-C: {:?} {}",
        screen.status,
        screen.text
    );
    let done = merged_once(&emu);
    assert!(
        done < pairs.len(),
        "all {done} merges were sent before Ctrl-C"
    );
    assert!(temp_files(sb.dir.path()).is_empty());
    let log = String::from_utf8(sb.read("push.jsonl")).unwrap();
    assert!(!log.contains(TOKEN));

    let out = sb
        .cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args(push_args(&emu, "1000/1s"))
        .timeout(crate::util::HANG_GUARD)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("done by an earlier run"), "{err}");
    assert_eq!(merged_once(&emu), pairs.len(), "{err}");
}
