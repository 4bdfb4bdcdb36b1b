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
