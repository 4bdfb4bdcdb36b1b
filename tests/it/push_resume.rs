//! A push resumed on an export pulled again since (found by an
//! independent review): the pairs an earlier run merged are one record in
//! the new export, which the plan check used to refuse as a pair that
//! resolves to one contact, so the run could not be finished.

use serde_json::Value;

use crate::emulator::{self, Config, Emulator};
use crate::portal::{export_of, plan_of, push_cmd, TOKEN};
use crate::util::{stderr, stdout, Sandbox};

#[test]
fn a_push_resumes_on_an_export_pulled_again_after_its_first_merges() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 30);
    export_of(&sb, "export.ndjson", &data);
    // The first run merges only the first pair.
    plan_of(&sb, &[(1, 2)]);
    let emu = Emulator::start(Config::default(), data);
    let out = push_cmd(&sb, &emu, &[]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // The export is pulled again: 1 and 2 are one record now.
    let pulled = sb
        .cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args(["pull", "-o", "export.ndjson", "--properties", "all"])
        .args(["--api-base", &emu.url, "--rate", "1000/1s"])
        .output()
        .unwrap();
    assert!(pulled.status.success(), "{}", stderr(&pulled));
    // The whole plan now, its first pair done by the first run.
    plan_of(&sb, &[(1, 2), (3, 4)]);
    let out = push_cmd(&sb, &emu, &["--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["alreadyDone"], 1, "{report}");
    assert_eq!(report["merged"], 1, "{report}");
    assert_eq!(emu.state().merges.len(), 2);
}

/// A signal (Ctrl-C, SIGTERM) during a pull or a push says where the work
/// done is kept and how to resume (it used to end without a word).
#[test]
fn an_interrupted_pull_or_push_says_how_to_resume() {
    use crate::emulator::Fault;
    use std::process::Stdio;
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 400);
    export_of(&sb, "export.ndjson", &data);
    plan_of(&sb, &[(1, 2), (3, 4)]);
    let emu = Emulator::start(Config::default(), data.clone());
    emu.fail_page(2, Fault::Hang);
    let start = |args: &[&str]| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("contact-merge"))
            .current_dir(sb.dir.path())
            .env_clear()
            .env("HUBSPOT_TOKEN", TOKEN)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let pull = start(&["pull", "-o", "out.ndjson", "--api-base", &emu.url]);
    assert!(
        emu.wait_for_hang(std::time::Duration::from_secs(30)),
        "page 2 never came"
    );
    let interrupt = |pid: u32, signal: &str| {
        let sent = std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    };
    // SIGTERM: a test runner in the background may pass SIGINT ignored.
    interrupt(pull.id(), "-TERM");
    let out = pull.wait_with_output().unwrap();
    emu.release();
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("interrupted: the pages pulled so far are kept beside out.ndjson"),
        "{err}"
    );
    assert!(
        err.contains("run the same command again to resume"),
        "{err}"
    );
    // A push held on its second merge's answer (an emulator of its own:
    // the first one's hang is over).
    let emu = Emulator::start(Config::default(), data);
    emu.fail_merge(2, Fault::Hang);
    let push = start(&crate::portal::push_args(&emu.url));
    assert!(
        emu.wait_for_hang(std::time::Duration::from_secs(30)),
        "merge 2 never came"
    );
    interrupt(push.id(), "-TERM");
    let out = push.wait_with_output().unwrap();
    emu.release();
    let err = stderr(&out);
    assert!(
        err.contains("interrupted: every merge sent so far is recorded in the push log push.jsonl"),
        "{err}"
    );
}

/// A plan refused before anything is sent gives push's own JSON report
/// (its `refused` pairs as `apply` lists them), not `apply`'s report: a
/// script reads one shape from `push --format json`.
#[test]
fn a_refused_plan_gives_pushs_own_json_report() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 10);
    export_of(&sb, "export.ndjson", &data);
    plan_of(&sb, &[(1, 2), (3, 99)]);
    let emu = Emulator::start(Config::default(), data);
    let out = push_cmd(&sb, &emu, &["--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["pairs"], 2, "{report}");
    assert_eq!(report["merged"], 0, "{report}");
    let refused = report["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{report}");
    assert_eq!(refused[0]["secondary"], "99");
    assert_eq!(refused[0]["kind"], "missing-id");
    assert!(report.get("applied").is_none(), "{report}");
    assert!(emu.state().seen.is_empty());
}
