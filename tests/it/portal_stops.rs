//! How a push stops, against the local HubSpot emulator: a daily limit
//! and a 429 without `Retry-After` (a run that never ended), a pair whose
//! ids earlier merges made one record (sent as a merge with itself), a
//! closed stdout (every merge sent, then exit 1) and the JSON account of a
//! run that stopped part way, a token echoed in an error body, and the
//! wording of a few refusals.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::emulator::{self, Config, Emulator, Fault};
use crate::portal::{export_of, log_lines, plan_of, push_args, push_cmd};
use crate::util::{stderr, stdout, Sandbox};

const TOKEN: &str = "pat-na1-emulator-token";

/// An export of 40 emulator contacts and a plan of `pairs`, and the
/// emulator holding the same contacts.
fn setup(sb: &Sandbox, pairs: &[(u64, u64)]) -> Emulator {
    let data = emulator::contacts(1, 40);
    export_of(sb, "export.ndjson", &data);
    plan_of(sb, pairs);
    Emulator::start(Config::default(), data)
}

const PLAN: [(u64, u64); 4] = [(1, 2), (3, 4), (5, 6), (7, 8)];

/// HubSpot's daily-limit 429 carries no `Retry-After`; the run waited a
/// window and tried again, every 10 s, forever. It stops at once now,
/// saying when to run again.
#[test]
fn a_daily_limit_stops_the_push_at_once_saying_when_to_run_again() {
    let sb = Sandbox::new();
    let emu = setup(&sb, &PLAN);
    emu.fail_merge(2, Fault::Daily);
    let started = Instant::now();
    let out = push_cmd(&sb, &emu, &[]).output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(5), "it waited");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("line 3 of plan.csv") && err.contains("daily limit"),
        "{err}"
    );
    assert!(
        err.contains("midnight") && err.contains("it resumes"),
        "{err}"
    );
    assert_eq!(err.matches("it resumes").count(), 1, "said once: {err}");
    assert!(err.contains("1 of 4 merges are done"), "{err}");
    assert_eq!(emu.state().merges.len(), 1);
    assert_eq!(emu.state().seen.len(), 2, "no retry");
    // It resumes: the next run sends the other three.
    let out = push_cmd(&sb, &emu, &[]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(emu.state().merges.len(), 4);
}

/// A 429 without `Retry-After` was retried without a count; it is counted
/// with the 5xx and dropped tries now (six in all), then the run stops.
#[test]
fn a_429_without_retry_after_is_retried_a_bounded_number_of_times() {
    let sb = Sandbox::new();
    let emu = setup(&sb, &PLAN);
    for n in 1..=20 {
        emu.fail_merge(n, Fault::RateLimited(None));
    }
    // A window of 100 ms: the wait without Retry-After.
    let mut args = push_args(&emu.url);
    args[9] = "1000/100ms";
    let out = sb
        .cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args(args)
        .timeout(crate::util::HANG_GUARD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("gave up after 6 tries"), "{err}");
    assert!(
        err.contains("no Retry-After") && err.contains("it resumes"),
        "{err}"
    );
    assert!(err.contains("0 of 4 merges are done"), "{err}");
    assert_eq!(emu.state().seen.len(), 6);
    let log = log_lines(&sb.path("push.jsonl"));
    assert_eq!(log.iter().filter(|e| e["event"] == "retry").count(), 5);
    assert_eq!(log.last().unwrap()["event"], "failed");
    // With Retry-After, a 429 is still waited out without a count.
    let sb = Sandbox::new();
    let emu = setup(&sb, &PLAN);
    for n in 1..=8 {
        emu.fail_merge(n, Fault::RateLimited(Some("0.01")));
    }
    let out = push_cmd(&sb, &emu, &[]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(emu.state().merges.len(), 4);
}

/// A `Retry-After` longer than a run waits stops it, in minutes, not
/// "wait 300000 ms".
#[test]
fn a_long_retry_after_stops_the_push_in_words() {
    let sb = Sandbox::new();
    let emu = setup(&sb, &PLAN);
    emu.fail_merge(1, Fault::RateLimited(Some("300")));
    let out = push_cmd(&sb, &emu, &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("asks to wait 5 min"), "{err}");
    assert!(!err.contains("300000"), "{err}");
    assert_eq!(err.matches("it resumes").count(), 1, "said once: {err}");
}

/// Pushed `1,2`, then a plan naming `1,3` and `2,3`, or `2,1`: the pair's
/// ids are one record through the earlier merges. It was sent as a merge
/// of the record with itself (HubSpot's 400 stopped the run), and a dry
/// run showed it as sent; it is skipped now, and counted as done.
#[test]
fn a_pair_whose_ids_earlier_merges_made_one_record_is_skipped() {
    let sb = Sandbox::new();
    let emu = setup(&sb, &[(1, 2)]);
    let out = push_cmd(&sb, &emu, &[]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    plan_of(&sb, &[(1, 3), (2, 3), (5, 6)]);
    let dry = sb
        .cmd()
        .args(["push", "export.ndjson", "--plan", "plan.csv"])
        .args(["--log", "push.jsonl", "--dry-run", "--format", "json"])
        .args(["--api-base", &emu.url])
        .output()
        .unwrap();
    assert!(dry.status.success(), "{}", stderr(&dry));
    let report: Value = serde_json::from_str(&stdout(&dry)).unwrap();
    let actions: Vec<&str> = report["merges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["send", "alreadyOne", "send"]);
    assert_eq!(report["wouldSend"], 2);
    let table = sb
        .cmd()
        .args(["push", "export.ndjson", "--plan", "plan.csv"])
        .args(["--log", "push.jsonl", "--dry-run", "--api-base", &emu.url])
        .output()
        .unwrap();
    let row = stdout(&table);
    let row = row.lines().find(|l| l.contains("line 3")).unwrap();
    assert!(row.contains("already one record (41)"), "{row}");
    let out = push_cmd(&sb, &emu, &["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        (report["alreadyOne"].as_u64(), report["merged"].as_u64()),
        (Some(1), Some(2))
    );
    assert!(
        stderr(&out).contains("1 skipped as already one record"),
        "{}",
        stderr(&out)
    );
    let s = emu.state();
    assert_eq!(s.merges.len(), 3, "{:?}", s.merges);
    assert!(s.seen.iter().all(|r| r.status == 200), "{:?}", s.seen);
    drop(s);
    // Counted as done when a later pair stops the run.
    plan_of(&sb, &[(2, 1), (7, 8)]);
    emu.fail_merge(4, Fault::Status(404));
    let out = push_cmd(&sb, &emu, &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("1 of 2 merges are done"),
        "{}",
        stderr(&out)
    );
}

/// `push --format json >&-` sent every merge, then failed on its report:
/// refused before anything is sent now.
#[test]
fn a_closed_stdout_is_refused_before_any_merge_is_sent() {
    let sb = Sandbox::new();
    let emu = setup(&sb, &PLAN);
    for extra in [&["--format", "json"][..], &["--dry-run"][..]] {
        let out = Command::new("sh")
            .arg("-c")
            .arg(r#""$0" "$@" >&-"#)
            .arg(env!("CARGO_BIN_EXE_contact-merge"))
            .args(push_args(&emu.url))
            .args(extra)
            .current_dir(sb.dir.path())
            .env("HUBSPOT_TOKEN", TOKEN)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("stdout is closed") && err.contains("nothing was sent"),
            "{err}"
        );
    }
    assert!(emu.state().seen.is_empty());
    assert!(!sb.path("push.jsonl").exists());
}

/// A push that stopped part way printed nothing with `--format json`: the
/// report of what it did comes now, with where and why it stopped.
#[test]
fn a_push_stopped_part_way_still_reports_in_json() {
    let sb = Sandbox::new();
    let plan: Vec<(u64, u64)> = (0..10).map(|i| (2 * i + 1, 2 * i + 2)).collect();
    let emu = setup(&sb, &plan);
    emu.fail_merge(4, Fault::Status(404));
    let out = push_cmd(&sb, &emu, &["--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["pairs"], 10);
    assert_eq!(report["merged"], 3);
    assert_eq!(report["requests"], 4);
    let stopped = &report["stopped"];
    assert_eq!(stopped["place"], "line 5");
    assert_eq!(
        (stopped["primary"].as_str(), stopped["secondary"].as_str()),
        (Some("7"), Some("8"))
    );
    assert_eq!(stopped["status"], 404);
    assert!(
        stopped["error"]
            .as_str()
            .unwrap()
            .contains("3 of 10 merges are done"),
        "{stopped}"
    );
    assert!(stderr(&out).contains("3 of 10 merges are done"));
}

/// A server that echoes the Authorization header in its error body put
/// the token in stderr and in the log's `failed` and `retry` lines.
#[test]
fn a_token_echoed_in_an_error_body_is_redacted() {
    let sb = Sandbox::new();
    let emu = setup(&sb, &PLAN);
    emu.fail_merge(2, Fault::EchoAuth(503));
    emu.fail_merge(3, Fault::EchoAuth(400));
    let out = push_cmd(&sb, &emu, &["--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("Authorization=Bearer [token]"), "{err}");
    for text in [
        err,
        stdout(&out),
        String::from_utf8_lossy(&sb.read("push.jsonl")).into_owned(),
    ] {
        assert!(!text.contains(TOKEN), "{text}");
    }
    let log = log_lines(&sb.path("push.jsonl"));
    let retry = log.iter().find(|e| e["event"] == "retry").unwrap();
    assert!(
        retry["error"].as_str().unwrap().contains("[token]"),
        "{retry}"
    );
}

/// A redirect names where it went and what to give `--api-base`.
#[test]
fn a_redirect_names_its_location() {
    let sb = Sandbox::new();
    let emu = setup(&sb, &PLAN);
    emu.fail_merge(
        1,
        Fault::Moved("https://api.example.test/crm/v3/objects/contacts/merge"),
    );
    let out = push_cmd(&sb, &emu, &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("a redirect to https://api.example.test/crm/v3/objects/contacts/merge")
            && err.contains("give --api-base https://api.example.test"),
        "{err}"
    );
}

/// `--log` in a folder that does not exist, or a folder: the system's
/// reason once (it was printed twice), the log named.
#[test]
fn a_log_that_cannot_be_opened_is_worded_once() {
    let sb = Sandbox::new();
    let emu = setup(&sb, &PLAN);
    std::fs::create_dir(sb.path("folder")).unwrap();
    for (log, reason) in [
        ("nodir/x.jsonl", "No such file or directory"),
        ("folder", "Is a directory"),
    ] {
        let out = sb
            .cmd()
            .env("HUBSPOT_TOKEN", TOKEN)
            .args(["push", "export.ndjson", "--plan", "plan.csv", "--log", log])
            .args(["--api-base", &emu.url])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(&format!("{log}: cannot")), "{err}");
        assert_eq!(err.matches(reason).count(), 1, "{err}");
    }
    assert!(emu.state().seen.is_empty());
}

/// Nothing answering at `--api-base`: the give-up names it. The lookup
/// that follows a lost merge answer logged its retries only once it was
/// over, all with one time and without the call; each is logged as it
/// happens now, with its call.
#[test]
fn a_portal_that_does_not_answer_is_named_and_each_retry_logged_with_its_call() {
    let sb = Sandbox::new();
    let url = setup(&sb, &PLAN).url.clone(); // the emulator is gone: refused
    let mut args = push_args(&url);
    args[11] = "20";
    let out = sb
        .cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args(args)
        .timeout(crate::util::HANG_GUARD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("nothing answers at {url}: check --api-base")),
        "{err}"
    );
    assert_eq!(err.matches("it resumes").count(), 1, "said once: {err}");
    let log = log_lines(&sb.path("push.jsonl"));
    let retries: Vec<&Value> = log.iter().filter(|e| e["event"] == "retry").collect();
    let calls: Vec<&str> = retries
        .iter()
        .map(|e| e["call"].as_str().unwrap())
        .collect();
    assert_eq!(calls[0], "POST /crm/v3/objects/contacts/merge");
    assert!(
        calls[1..]
            .iter()
            .all(|c| *c == "GET /crm/v3/objects/contacts/2"),
        "{calls:?}"
    );
    let times: Vec<&str> = retries.iter().map(|e| e["at"].as_str().unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] < w[1]),
        "one time for all: {times:?}"
    );
}
