//! `pull` and `push` against the local HubSpot emulator (`emulator.rs`):
//! pages, resume after a kill, merges once through chains, 429s, 5xx and
//! dropped connections, refused plans, and the token kept out of every
//! output and file.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::emulator::{self, Config, Emulator, Fault};
use crate::util::{stderr, stdout, Sandbox};

pub const TOKEN: &str = "pat-na1-emulator-token";

pub fn export_of(sb: &Sandbox, name: &str, contacts: &[Value]) -> std::path::PathBuf {
    let text: String = contacts.iter().map(|c| format!("{c}\n")).collect();
    sb.write(name, text)
}

pub fn plan_of(sb: &Sandbox, pairs: &[(u64, u64)]) -> std::path::PathBuf {
    let mut text = String::from("primary_id,secondary_id\n");
    for (p, s) in pairs {
        text.push_str(&format!("{p},{s}\n"));
    }
    sb.write("plan.csv", text)
}

/// `push` of `export.ndjson` by `plan.csv` with the log `push.jsonl`,
/// against the emulator at `url`, fast.
pub fn push_args(url: &str) -> [&str; 12] {
    [
        "push",
        "export.ndjson",
        "--plan",
        "plan.csv",
        "--log",
        "push.jsonl",
        "--api-base",
        url,
        "--rate",
        "1000/1s",
        "--backoff-ms",
        "5",
    ]
}

pub fn push_cmd(sb: &Sandbox, emu: &Emulator, extra: &[&str]) -> assert_cmd::Command {
    let mut c = sb.cmd();
    c.env("HUBSPOT_TOKEN", TOKEN)
        .args(push_args(&emu.url))
        .args(extra)
        .timeout(crate::util::HANG_GUARD);
    c
}

/// The binary started in the sandbox, to be killed mid-run.
pub fn spawn(sb: &Sandbox, args: &[&str]) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("contact-merge"))
        .current_dir(sb.dir.path())
        .env_clear()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Run the binary until the emulator holds one of its requests (a
/// `Fault::Hang` set before), kill it there, and let the emulator go on.
pub fn killed_at_hang(sb: &Sandbox, emu: &Emulator, args: &[&str], what: &str) {
    let mut child = spawn(sb, args);
    assert!(
        emu.wait_for_hang(Duration::from_secs(30)),
        "{what} never came"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    emu.release();
}

pub fn log_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Chains: a primary merged away by a later pair, a secondary that was a
/// primary, ids reused after their merge.
const CHAIN_PLAN: [(u64, u64); 8] = [
    (10, 11),
    (12, 10),
    (12, 13),
    (14, 11),
    (20, 21),
    (22, 23),
    (20, 22),
    (30, 31),
];

/// Every pair of `plan` merged exactly once, in order, each merge answered
/// 200 (a merge sent twice, or with a merged-away id, gets a 400).
fn assert_merged_once(emu: &Emulator, plan: &[(u64, u64)]) {
    let s = emu.state();
    assert_eq!(s.merges.len(), plan.len(), "merges: {:?}", s.merges);
    let refused: Vec<_> = s
        .seen
        .iter()
        .filter(|r| r.url.ends_with("/merge") && r.status != 429 && (400..500).contains(&r.status))
        .collect();
    assert!(refused.is_empty(), "merges refused: {refused:?}");
    let secondaries: std::collections::HashSet<&str> =
        s.merges.iter().map(|m| m.secondary.as_str()).collect();
    assert_eq!(secondaries.len(), plan.len(), "a record merged away twice");
    assert_eq!(s.contacts.len(), 40 - plan.len());
}

#[test]
fn push_applies_a_plan_with_chains_once_through_the_ids_hubspot_returns() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 40);
    export_of(&sb, "export.ndjson", &data);
    plan_of(&sb, &CHAIN_PLAN);
    // The merged record under a new id (HubSpot's merge today) here; under
    // the primary's id in the next test.
    let emu = Emulator::start(Config::default(), data);
    let out = push_cmd(&sb, &emu, &["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_merged_once(&emu, &CHAIN_PLAN);
    // The second pair was sent with the id HubSpot gave the first merge.
    let s = emu.state();
    assert_eq!(s.merges[1].secondary, s.merges[0].merged);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["merged"], 8);
    drop(s);
    // A second run sends nothing: every pair is in the log.
    let before = emu.state().seen.len();
    let out = push_cmd(&sb, &emu, &["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        (report["alreadyDone"].as_u64(), report["merged"].as_u64()),
        (Some(8), Some(0))
    );
    assert_eq!(emu.state().seen.len(), before);
    // The log belongs to this portal: a push elsewhere with it is refused.
    let out = sb
        .cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args([
            "push",
            "export.ndjson",
            "--plan",
            "plan.csv",
            "--log",
            "push.jsonl",
        ])
        .args(["--api-base", "http://127.0.0.1:9/other"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("a log belongs to one portal: to go on with that portal, give --api-base http://127.0.0.1:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn push_killed_while_a_merge_is_answered_resumes_without_sending_it_again() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 40);
    export_of(&sb, "export.ndjson", &data);
    plan_of(&sb, &CHAIN_PLAN);
    let emu = Emulator::start(Config::default(), data);
    emu.fail_merge(4, Fault::Hang);
    killed_at_hang(&sb, &emu, &push_args(&emu.url), "the fourth merge");
    assert_eq!(emu.state().merges.len(), 4);
    let log = log_lines(&sb.path("push.jsonl"));
    let last = log.last().unwrap();
    assert_eq!(
        (last["event"].as_str(), last["place"].as_str()),
        (Some("intent"), Some("line 5"))
    );
    let out = push_cmd(&sb, &emu, &[]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_merged_once(&emu, &CHAIN_PLAN);
    let log = log_lines(&sb.path("push.jsonl"));
    let checked: Vec<_> = log.iter().filter(|e| e["checked"] == true).collect();
    assert_eq!(checked.len(), 1, "{log:?}");
    assert_eq!(checked[0]["place"], "line 5");
}

#[test]
fn push_survives_429s_5xx_and_dropped_connections_without_a_second_merge() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 40);
    export_of(&sb, "export.ndjson", &data);
    plan_of(&sb, &CHAIN_PLAN);
    let config = Config {
        budget: Some((4, Duration::from_millis(400))),
        retry_after: "0.2".into(),
        ..Config::default()
    };
    let emu = Emulator::start(config, data);
    emu.fail_merge(2, Fault::Status(502));
    emu.fail_merge(4, Fault::StatusAfter(503));
    emu.fail_merge(6, Fault::Drop);
    emu.fail_merge(8, Fault::DropAfter);
    let out = push_cmd(&sb, &emu, &["--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_merged_once(&emu, &CHAIN_PLAN);
    let s = emu.state();
    assert!(
        s.seen.iter().any(|r| r.status == 429),
        "the budget was never passed"
    );
    let log = log_lines(&sb.path("push.jsonl"));
    let retries = log.iter().filter(|e| e["event"] == "retry").count();
    assert!(retries >= 4, "{log:?}");
    // The two merges done before their answer was lost were found done.
    assert_eq!(log.iter().filter(|e| e["checked"] == true).count(), 2);
}

#[test]
fn a_refused_plan_sends_nothing() {
    let sb = Sandbox::new();
    let mut data = emulator::contacts(1, 40);
    // Contact 5 already took part in 250 merges.
    let ids: Vec<String> = (1000..1250).map(|i| i.to_string()).collect();
    data[4]["properties"]["hs_merged_object_ids"] = Value::String(ids.join(";"));
    export_of(&sb, "export.ndjson", &data);
    plan_of(&sb, &[(1, 2), (5, 6), (7, 99)]);
    let emu = Emulator::start(Config::default(), data);
    let out = push_cmd(&sb, &emu, &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("2 of 3 pairs") && err.contains("nothing was sent"),
        "{err}"
    );
    assert!(err.contains("99"), "{err}");
    assert!(emu.state().seen.is_empty());
    assert!(!sb.path("push.jsonl").exists());
}

/// Regression: the emulator's merge limit added up both contacts' merged
/// ids, so two that list the same ids were refused where the tool (and
/// SPEC 4: the ids in `hs_merged_object_ids`, DECISIONS: distinct ones)
/// lets the merge through.
#[test]
fn the_emulators_merge_limit_counts_distinct_merged_ids() {
    let sb = Sandbox::new();
    let mut data = emulator::contacts(1, 4);
    for c in &mut data[..2] {
        c["properties"]["hs_merged_object_ids"] = Value::String("1000;1001;1002".into());
    }
    export_of(&sb, "export.ndjson", &data);
    plan_of(&sb, &[(1, 2)]);
    // 3 distinct ids, under a limit of 4 (6 when added up).
    let emu = Emulator::start(
        Config {
            max_merges: 4,
            ..Config::default()
        },
        data,
    );
    let out = push_cmd(&sb, &emu, &["--max-merges", "4"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(emu.state().merges.len(), 1);
}

#[test]
fn an_error_hubspot_gives_stops_the_push_naming_the_pair_and_its_message() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 40);
    export_of(&sb, "export.ndjson", &data);
    plan_of(&sb, &CHAIN_PLAN);
    // This portal's limit is lower than the export shows.
    let emu = Emulator::start(
        Config {
            max_merges: 3,
            ..Config::default()
        },
        data,
    );
    let out = push_cmd(&sb, &emu, &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    // 12 was merged into 42 by line 3: the pair is sent with HubSpot's id.
    assert!(
        err.contains("line 4 of plan.csv (merge 13 into 12, sent as 13 into 42)"),
        "{err}"
    );
    assert!(
        err.contains("would exceed the limit of 3 merges") && err.contains("VALIDATION_ERROR"),
        "{err}"
    );
    assert_eq!(
        err.matches("VALIDATION_ERROR").count(),
        1,
        "worded once: {err}"
    );
    assert!(err.contains("2 of 8 merges are done"), "{err}");
    assert_eq!(emu.state().merges.len(), 2);
    let log = log_lines(&sb.path("push.jsonl"));
    assert_eq!(log.last().unwrap()["event"], "failed");
}

#[test]
fn a_dry_run_needs_no_token_and_sends_nothing() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 40);
    export_of(&sb, "export.ndjson", &data);
    plan_of(&sb, &CHAIN_PLAN);
    let emu = Emulator::start(Config::default(), data);
    let out = sb
        .cmd()
        .args([
            "push",
            "export.ndjson",
            "--plan",
            "plan.csv",
            "--log",
            "push.jsonl",
            "--dry-run",
        ])
        .args(["--api-base", &emu.url, "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["wouldSend"], 8);
    assert!(emu.state().seen.is_empty());
    assert!(!sb.path("push.jsonl").exists());
}

/// The emulator's records as `pull` should write them.
pub fn pulled(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn pull_pages_through_every_contact_with_all_properties_history_and_associations() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 2345);
    let emu = Emulator::start(Config::default(), data.clone());
    emu.fail_page(3, Fault::Drop);
    emu.fail_page(7, Fault::Status(502));
    let out = sb
        .cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args([
            "pull",
            "--backoff-ms",
            "5",
            "-o",
            "all.ndjson",
            "--properties",
            "all",
            "--with-history",
            "--associations",
        ])
        .args([
            "--api-base",
            &emu.url,
            "--rate",
            "1000/1s",
            "--format",
            "json",
        ])
        .timeout(crate::util::HANG_GUARD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let got = pulled(&sb.path("all.ndjson"));
    assert_eq!(got.len(), data.len());
    for (g, d) in got.iter().zip(&data) {
        assert_eq!(g["id"], d["id"]);
        assert_eq!(g["properties"], d["properties"], "contact {}", d["id"]);
        if d.get("propertiesWithHistory").is_some() {
            assert_eq!(g["propertiesWithHistory"], d["propertiesWithHistory"]);
            assert_eq!(g["associations"], d["associations"]);
        }
    }
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    // Pages of 50 with history (HubSpot's limit), one request for the
    // property list, a dropped page and a 502 asked again.
    assert_eq!(report["pages"], 47);
    assert_eq!(report["requests"], 50);
    assert_eq!(report["retries"], 2);
    assert!(
        !sb.path("all.ndjson.pull.json").exists() && !sb.path("all.ndjson.pull.ndjson").exists()
    );
    // The default properties, as CSV.
    let out = sb
        .cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args([
            "pull",
            "-o",
            "default.csv",
            "--api-base",
            &emu.url,
            "--rate",
            "1000/1s",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = String::from_utf8(sb.read("default.csv")).unwrap();
    assert_eq!(csv.lines().count(), 2346);
    assert!(!csv.contains("lifecyclestage"), "not a default property");
    assert!(csv.contains("person2345@example.com"));
    // History asked for, in a CSV that has no column for it: said, as
    // `apply` says it, and in the JSON report.
    let out = sb
        .cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args(["pull", "-o", "history.csv", "--with-history", "--api-base"])
        .args([&emu.url, "--rate", "1000/1s", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("CSV has no column for propertiesWithHistory: left out of the output for")
            && err.contains("write JSON to keep it"),
        "{err}"
    );
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let warnings = report["warnings"].as_array().expect("warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("propertiesWithHistory")),
        "{report}"
    );
}

/// A portal that fits in one page (or has no contact) saves no state to
/// resume from: `pull` must not fail removing the one it never wrote (it
/// did, exit 1 after writing the output, and left its part file).
#[test]
fn a_portal_of_one_page_or_none_is_pulled_whole() {
    for (n, name) in [(40, "one.ndjson"), (40, "one.csv"), (0, "none.json")] {
        let sb = Sandbox::new();
        let data = emulator::contacts(1, n);
        let emu = Emulator::start(Config::default(), data.clone());
        let out = sb
            .cmd()
            .env("HUBSPOT_TOKEN", TOKEN)
            .args(["pull", "-o", name, "--api-base", &emu.url])
            .args(["--rate", "1000/1s"])
            .timeout(crate::util::HANG_GUARD)
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let text = String::from_utf8(sb.read(name)).unwrap();
        let count = match name.rsplit_once('.').map(|x| x.1) {
            Some("ndjson") => text.lines().count(),
            Some("csv") => text.lines().count() - 1,
            _ => {
                let doc: Value = serde_json::from_str(&text).unwrap();
                doc.as_array().map_or(0, Vec::len)
            }
        };
        assert_eq!(count, n as usize, "{name}: {text}");
        let side = [format!("{name}.pull.json"), format!("{name}.pull.ndjson")];
        assert!(
            side.iter().all(|f| !sb.path(f).exists()),
            "{name}: side files left"
        );
    }
}

#[test]
fn pull_killed_mid_way_resumes_from_its_cursor() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 1234);
    let emu = Emulator::start(Config::default(), data.clone());
    emu.fail_page(6, Fault::Hang);
    let args = [
        "pull",
        "-o",
        "out.json",
        "--properties",
        "email,firstname",
        "--api-base",
        &emu.url,
        "--rate",
        "1000/1s",
    ];
    killed_at_hang(&sb, &emu, &args, "page 6");
    assert!(
        !sb.path("out.json").exists(),
        "the output appears only at the end"
    );
    assert!(sb.path("out.json.pull.json").exists());
    let out = sb
        .cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args(args)
        .timeout(crate::util::HANG_GUARD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("resumed after 500"),
        "{}",
        stderr(&out)
    );
    let got: Value = serde_json::from_slice(&sb.read("out.json")).unwrap();
    let got = got.as_array().unwrap();
    assert_eq!(got.len(), 1234);
    for (g, d) in got.iter().zip(&data) {
        assert_eq!(g["id"], d["id"]);
        assert_eq!(g["properties"]["email"], d["properties"]["email"]);
        assert_eq!(g["properties"].as_object().unwrap().len(), 2);
    }
    // 13 pages; page 6 was asked twice, no other.
    let pages = emu
        .state()
        .seen
        .iter()
        .filter(|r| r.url.starts_with("/crm/v3/objects/contacts?"))
        .count();
    assert_eq!(pages, 14);
    // Asking for something else while a pull is unfinished is refused.
    emu.fail_page(16, Fault::Hang);
    killed_at_hang(
        &sb,
        &emu,
        &["pull", "-o", "x.json", "--api-base", &emu.url],
        "the request held",
    );
    let out = sb
        .cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args([
            "pull",
            "-o",
            "x.json",
            "--with-history",
            "--api-base",
            &emu.url,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("asked for other data: it ran without --with-history; run it again so"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_token_appears_in_no_output_and_no_file() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 40);
    export_of(&sb, "export.ndjson", &data);
    plan_of(&sb, &CHAIN_PLAN);
    let emu = Emulator::start(Config::default(), data);
    emu.fail_merge(2, Fault::DropAfter);
    emu.fail_merge(3, Fault::Status(500));
    emu.fail_page(1, Fault::Status(503));
    let mut outputs = Vec::new();
    for args in [vec!["--format", "json"], vec!["--format", "json"]] {
        outputs.push(push_cmd(&sb, &emu, &args).output().unwrap());
    }
    outputs.push(
        sb.cmd()
            .env("HUBSPOT_TOKEN", TOKEN)
            .args([
                "pull",
                "-o",
                "p.csv",
                "--api-base",
                &emu.url,
                "--backoff-ms",
                "5",
                "--format",
                "json",
            ])
            .output()
            .unwrap(),
    );
    // A wrong token: HubSpot's 401, worded without either token.
    let wrong = "pat-na1-wrong-token";
    let out = sb
        .cmd()
        .env("HUBSPOT_TOKEN", wrong)
        .args(["pull", "-o", "q.json", "--api-base", &emu.url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("401") && stderr(&out).contains("HUBSPOT_TOKEN"),
        "{}",
        stderr(&out)
    );
    outputs.push(out);
    for out in &outputs {
        for text in [stdout(out), stderr(out)] {
            assert!(!text.contains(TOKEN) && !text.contains(wrong), "{text}");
        }
    }
    for name in sb.files() {
        let bytes = sb.read(&name);
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(TOKEN) && !text.contains(wrong),
            "the token is in {name}"
        );
    }
    assert!(emu.state().seen.iter().all(|r| r
        .authorization
        .as_deref()
        .is_some_and(|a| a.starts_with("Bearer "))));
}

#[test]
fn push_follows_the_primarys_id_and_ids_merged_before_the_export() {
    let sb = Sandbox::new();
    let mut data = emulator::contacts(1, 40);
    // 77 was merged into 5 before the export was taken.
    data[4]["properties"]["hs_merged_object_ids"] = Value::String("77".into());
    export_of(&sb, "export.ndjson", &data);
    let mut plan = CHAIN_PLAN.to_vec();
    plan.push((1, 77));
    plan_of(&sb, &plan);
    let config = Config {
        new_ids: false,
        ..Config::default()
    };
    let emu = Emulator::start(config, data);
    let out = push_cmd(&sb, &emu, &[]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let s = emu.state();
    assert_eq!(s.merges.len(), 9);
    // Line 3 (12 into 10): 10 absorbed 11 and kept its id.
    assert_eq!(
        (s.merges[1].primary.as_str(), s.merges[1].secondary.as_str()),
        ("12", "10")
    );
    // Line 5 (11 into 14): 11 now lives in 12.
    assert_eq!(
        (s.merges[3].primary.as_str(), s.merges[3].secondary.as_str()),
        ("14", "12")
    );
    // The last pair is sent with the record that holds 77.
    assert_eq!(
        (s.merges[8].primary.as_str(), s.merges[8].secondary.as_str()),
        ("1", "5")
    );
    let log = log_lines(&sb.path("push.jsonl"));
    let last = log.last().unwrap();
    assert_eq!(
        (last["secondary"].as_str(), last["objectIdToMerge"].as_str()),
        (Some("77"), Some("5"))
    );
}

#[test]
fn logs_and_outputs_that_overlap_an_input_or_a_stream_are_usage_errors() {
    let sb = Sandbox::new();
    export_of(&sb, "export.ndjson", &emulator::contacts(1, 4));
    plan_of(&sb, &[(1, 2)]);
    for (args, says) in [
        (
            vec![
                "push",
                "export.ndjson",
                "--plan",
                "plan.csv",
                "--log",
                "plan.csv",
            ],
            "plan.csv",
        ),
        (
            vec!["push", "export.ndjson", "--plan", "plan.csv", "--log", "-"],
            "the push log is a file",
        ),
        (vec!["pull", "-o", "-"], "pull writes a file"),
        (vec!["pull", "-o", "export"], "say which format"),
    ] {
        let out = sb
            .cmd()
            .env("HUBSPOT_TOKEN", TOKEN)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    assert!(!sb.path("export").exists());
}

/// A push that refuses its log (a line that is no entry, a log of another
/// portal) writes nothing to it: its error must not say the log was
/// written (it did: "the push log X was written; what failed came
/// after"), nor invite a new log, which would forget the merges done.
#[test]
fn a_refused_push_log_is_not_called_written() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 40);
    export_of(&sb, "export.ndjson", &data);
    plan_of(&sb, &CHAIN_PLAN);
    let emu = Emulator::start(Config::default(), data);
    let other = r#"{"event":"start","at":"t","export":"e","plan":"p","pairs":1,"apiBase":"http://127.0.0.1:9","rate":"100/10s"}"#;
    for (log, says) in [
        ("not a log line\n".to_string(), "repair line 1"),
        (format!("{other}\n"), "a log belongs to one portal"),
    ] {
        sb.write("push.jsonl", &log);
        let out = push_cmd(&sb, &emu, &[]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(err.contains(says), "{err}");
        assert!(!err.contains("was written"), "{err}");
        assert!(!err.contains("give --log a new file"), "{err}");
        assert_eq!(String::from_utf8(sb.read("push.jsonl")).unwrap(), log);
    }
    assert!(emu.state().seen.is_empty());
    // A push that stops after writing its log still says so.
    let emu = Emulator::start(
        Config {
            max_merges: 3,
            ..Config::default()
        },
        emulator::contacts(1, 40),
    );
    std::fs::remove_file(sb.path("push.jsonl")).unwrap();
    let out = push_cmd(&sb, &emu, &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the push log push.jsonl was written"),
        "{}",
        stderr(&out)
    );
}

/// Two pushes with one log at once: the second must refuse the log the
/// first holds, at once and sending nothing (it sent the first run's
/// merge again: the log was not locked). A dry run waits its turn too.
#[test]
fn a_push_log_in_use_by_another_push_is_refused() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 40);
    export_of(&sb, "export.ndjson", &data);
    plan_of(&sb, &CHAIN_PLAN);
    let emu = Emulator::start(Config::default(), data);
    emu.fail_merge(2, Fault::Hang);
    let mut first = spawn(&sb, &push_args(&emu.url));
    assert!(
        emu.wait_for_hang(Duration::from_secs(30)),
        "the second merge never came"
    );
    let log_before = sb.read("push.jsonl");
    let seen_before = emu.state().seen.len();
    for extra in [&[][..], &["--dry-run"][..]] {
        let out = push_cmd(&sb, &emu, extra).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{extra:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("push.jsonl") && err.contains("another push is using"),
            "{err}"
        );
        assert!(err.contains("wait for it to finish"), "{err}");
        assert!(!err.contains("was written"), "{err}");
    }
    assert_eq!(emu.state().seen.len(), seen_before, "the second run sent");
    assert_eq!(sb.read("push.jsonl"), log_before);
    // Once the first run is gone (killed: the lock goes with it), the log
    // is free and the push resumes.
    first.kill().unwrap();
    first.wait().unwrap();
    emu.release();
    let out = push_cmd(&sb, &emu, &[]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_merged_once(&emu, &CHAIN_PLAN);
}

/// `push --dry-run` shows the ids each pair would be sent with (it gave
/// counts only), and what the log has done: a table on stdout, a `merges`
/// list in the JSON report.
#[test]
fn a_dry_run_shows_the_ids_each_pair_would_be_sent_with() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 40);
    export_of(&sb, "export.ndjson", &data);
    plan_of(&sb, &CHAIN_PLAN);
    let emu = Emulator::start(
        Config {
            max_merges: 3,
            ..Config::default()
        },
        data,
    );
    let dry = |format: &str| {
        let out = sb
            .cmd()
            .args(["push", "export.ndjson", "--plan", "plan.csv"])
            .args(["--log", "push.jsonl", "--dry-run", "--format", format])
            .args(["--api-base", &emu.url])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let sent = |m: &Value| {
        [
            &m["place"],
            &m["primaryObjectId"],
            &m["objectIdToMerge"],
            &m["action"],
        ]
        .map(|v| v.as_str().unwrap_or("").to_string())
    };
    // Nothing done: line 5 (11 into 14) goes with 12, which holds 10 and
    // 11 (the dry run's stand-in for HubSpot's new ids is the primary's).
    let report: Value = serde_json::from_str(&dry("json")).unwrap();
    let merges = report["merges"].as_array().unwrap();
    assert_eq!(merges.len(), 8);
    assert_eq!(sent(&merges[3]), ["line 5", "14", "12", "send"]);
    let table = dry("table");
    let row = table.lines().find(|l| l.contains("line 5")).unwrap();
    assert!(
        row.contains("14") && row.contains("12") && row.contains("sent"),
        "{table}"
    );
    assert_eq!(table.lines().filter(|l| l.contains("line ")).count(), 8);
    // Two merges done (41, then 42), the third refused by this portal.
    assert_eq!(
        push_cmd(&sb, &emu, &[]).output().unwrap().status.code(),
        Some(1)
    );
    let report: Value = serde_json::from_str(&dry("json")).unwrap();
    let merges = report["merges"].as_array().unwrap();
    assert_eq!(sent(&merges[0]), ["line 2", "10", "11", "done"]);
    assert_eq!(merges[1]["mergedId"], "42");
    assert_eq!(sent(&merges[2]), ["line 4", "42", "13", "check"]);
    assert_eq!(sent(&merges[3]), ["line 5", "14", "42", "send"]);
    let table = dry("table");
    let row = table.lines().find(|l| l.contains("line 3")).unwrap();
    assert!(
        row.contains("done by an earlier run (merged into 42)"),
        "{table}"
    );
}

/// A pull left unfinished against one portal and resumed against another
/// would make one export of two portals (it did: the state did not record
/// the API base): refused, naming the state and both bases.
#[test]
fn a_pull_resumed_against_another_portal_is_refused() {
    let sb = Sandbox::new();
    let first = Emulator::start(Config::default(), emulator::contacts(1, 1234));
    first.fail_page(3, Fault::Hang);
    let args = |url: &str| -> Vec<String> {
        [
            "pull",
            "-o",
            "out.ndjson",
            "--api-base",
            url,
            "--rate",
            "1000/1s",
        ]
        .map(String::from)
        .to_vec()
    };
    let first_args = args(&first.url);
    let mut child = spawn(
        &sb,
        &first_args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(
        first.wait_for_hang(Duration::from_secs(30)),
        "page 3 never came"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    first.release();
    let state = sb.read("out.ndjson.pull.json");
    let other = Emulator::start(Config::default(), emulator::contacts(5001, 300));
    let out = sb
        .cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args(args(&other.url))
        .timeout(crate::util::HANG_GUARD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("out.ndjson.pull.json")
            && err.contains(&first.url)
            && err.contains(&other.url),
        "{err}"
    );
    assert!(other.state().seen.is_empty());
    assert!(!sb.path("out.ndjson").exists());
    assert_eq!(sb.read("out.ndjson.pull.json"), state);
    // Against the first portal it finishes.
    let out = sb
        .cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args(&first_args)
        .timeout(crate::util::HANG_GUARD)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(pulled(&sb.path("out.ndjson")).len(), 1234);
}

/// `--api-base` that is no http(s) address is a usage error (exit 2),
/// dry run or not, before anything is read or sent.
#[test]
fn an_api_base_that_is_no_address_is_a_usage_error() {
    let sb = Sandbox::new();
    export_of(&sb, "export.ndjson", &[]);
    plan_of(&sb, &[]);
    for base in ["notaurl", "ftp://x.example", "https://", "http:// x"] {
        for args in [
            &["push", "export.ndjson", "--plan", "plan.csv", "--dry-run"][..],
            &["pull", "-o", "out.ndjson"],
        ] {
            let out = sb
                .cmd()
                .env("HUBSPOT_TOKEN", TOKEN)
                .args(args)
                .args(["--api-base", base])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{base} {args:?}");
            let err = stderr(&out);
            assert!(
                err.contains("expected an http(s) address with a host"),
                "{err}"
            );
        }
    }
}
