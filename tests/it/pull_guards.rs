//! `pull` against a portal or a disk that misbehaves: a part file missing
//! or cut short beside its state, paging that goes round or sends a
//! contact twice, two pulls into one output, an output that is a folder.

use std::time::Duration;

use serde_json::Value;

use crate::emulator::{self, Config, Emulator, Fault};
use crate::portal::{pulled, spawn, TOKEN};
use crate::util::{stderr, stdout, Sandbox};

fn args(url: &str) -> Vec<String> {
    ["pull", "-o", "out.ndjson", "--api-base", url]
        .into_iter()
        .chain(["--rate", "1000/1s", "--backoff-ms", "5"])
        .map(String::from)
        .collect()
}

fn pull(sb: &Sandbox, emu: &Emulator, extra: &[&str]) -> std::process::Output {
    sb.cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args(args(&emu.url))
        .args(extra)
        .timeout(crate::util::HANG_GUARD)
        .output()
        .unwrap()
}

/// A pull killed while page `nth` hangs: its side files stay.
fn killed_at_page(sb: &Sandbox, emu: &Emulator, nth: usize) {
    emu.fail_page(nth, Fault::Hang);
    let args = args(&emu.url);
    let mut child = spawn(sb, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(emu.wait_for_hang(Duration::from_secs(30)), "page {nth}");
    child.kill().unwrap();
    child.wait().unwrap();
    emu.release();
    assert!(sb.path("out.ndjson.pull.json").exists());
}

fn ids(contacts: &[Value]) -> Vec<String> {
    contacts.iter().map(emulator::id_of).collect()
}

/// A part file missing or shorter than its state records was lengthened
/// with NUL bytes and the pull "resumed" (exit 0, contacts lost): refused,
/// naming both files and what to do, asking nothing and changing nothing.
#[test]
fn a_part_missing_or_cut_short_is_refused_not_lengthened() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 1234);
    let emu = Emulator::start(Config::default(), data.clone());
    killed_at_page(&sb, &emu, 3);
    let part = sb.read("out.ndjson.pull.ndjson");
    let state = sb.read("out.ndjson.pull.json");
    for (case, cut) in [("missing", None), ("short", Some(part.len() / 2))] {
        match cut {
            None => std::fs::remove_file(sb.path("out.ndjson.pull.ndjson")).unwrap(),
            Some(n) => drop(sb.write("out.ndjson.pull.ndjson", &part[..n])),
        }
        let seen = emu.state().seen.len();
        let out = pull(&sb, &emu, &[]);
        assert_eq!(out.status.code(), Some(1), "{case}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("out.ndjson.pull.ndjson")
                && err.contains("out.ndjson.pull.json")
                && err.contains("200 contacts")
                && err.contains("remove out.ndjson.pull.json to start the pull over"),
            "{case}: {err}"
        );
        assert_eq!(emu.state().seen.len(), seen, "{case}: asked the portal");
        assert!(!sb.path("out.ndjson").exists(), "{case}");
        assert_eq!(sb.read("out.ndjson.pull.json"), state, "{case}");
        match cut {
            None => assert!(!sb.path("out.ndjson.pull.ndjson").exists(), "{case}"),
            Some(n) => assert_eq!(sb.read("out.ndjson.pull.ndjson"), &part[..n]),
        }
    }
    // As it says: without the state, the pull starts over, whole.
    std::fs::remove_file(sb.path("out.ndjson.pull.json")).unwrap();
    let out = pull(&sb, &emu, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(ids(&pulled(&sb.path("out.ndjson"))), ids(&data));
}

/// A next-page cursor that points back to one already asked with paged
/// forever: the run stops at once (exit 1), says so and that it resumes,
/// and writes no contact twice.
#[test]
fn paging_that_goes_round_stops_and_resumes() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 250);
    let emu = Emulator::start(Config::default(), data.clone());
    // Page 2 (after 101) sends back 101 as its next cursor.
    emu.next_after(2, "101");
    let out = pull(&sb, &emu, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("\"101\", which page 2 was already asked with")
            && err.contains("run the same command again later")
            && err.contains("out.ndjson.pull.json"),
        "{err}"
    );
    assert_eq!(emu.state().seen.len(), 2, "it went on paging");
    assert!(!sb.path("out.ndjson").exists());
    // Once the paging is sound again, the same command finishes it.
    let out = pull(&sb, &emu, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("resumed after 100"),
        "{}",
        stderr(&out)
    );
    assert_eq!(ids(&pulled(&sb.path("out.ndjson"))), ids(&data));
    // A longer round (page 3 back to the start, then on to page 2's
    // cursor) stops too, with no contact written twice.
    std::fs::remove_file(sb.path("out.ndjson")).unwrap();
    let asked = emu.state().seen.len();
    emu.next_after(asked + 3, "1");
    let out = pull(&sb, &emu, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(emu.state().seen.len(), asked + 4);
    let part = pulled(&sb.path("out.ndjson.pull.ndjson"));
    let unique: std::collections::HashSet<String> = ids(&part).into_iter().collect();
    assert_eq!(unique.len(), part.len(), "a contact written twice");
}

/// A contact on two pages (HubSpot's paging shifts while records change)
/// made an export with a repeated id, which every reader refuses: written
/// once (the first copy), counted and said, across a resume too.
#[test]
fn a_contact_sent_on_two_pages_is_written_once() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 250);
    let emu = Emulator::start(Config::default(), data.clone());
    killed_at_page(&sb, &emu, 2);
    // Resumed: page 2 (101 to 200) again, its next cursor back to 51:
    // 51 to 150 again (50 from the killed run, 50 from this one), then
    // 151 to 250 (151 to 200 a second time).
    emu.next_after(3, "51");
    let out = pull(&sb, &emu, &["--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(ids(&pulled(&sb.path("out.ndjson"))), ids(&data));
    let err = stderr(&out);
    assert!(
        err.contains("HubSpot sent 150 contacts again on a later page")
            && err.contains("as it came first"),
        "{err}"
    );
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["repeats"], 150, "{report}");
    assert_eq!(report["contacts"], 250, "{report}");
    let check = sb.cmd().args(["check", "out.ndjson"]).output().unwrap();
    assert!(check.status.success(), "{}", stderr(&check));
}

/// Two pulls into one output at once corrupted it and both said they
/// succeeded: the second is refused before it asks anything.
#[test]
fn a_second_pull_into_the_same_output_is_refused() {
    let sb = Sandbox::new();
    let data = emulator::contacts(1, 1234);
    let emu = Emulator::start(Config::default(), data.clone());
    emu.fail_page(3, Fault::Hang);
    let args = args(&emu.url);
    let mut first = spawn(&sb, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(emu.wait_for_hang(Duration::from_secs(30)), "page 3");
    let part = sb.read("out.ndjson.pull.ndjson");
    let seen = emu.state().seen.len();
    let out = pull(&sb, &emu, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("out.ndjson: another pull into this output is running")
            && err.contains("wait for it to finish"),
        "{err}"
    );
    assert_eq!(emu.state().seen.len(), seen, "the second run asked");
    assert_eq!(sb.read("out.ndjson.pull.ndjson"), part);
    first.kill().unwrap();
    first.wait().unwrap();
    emu.release();
    let out = pull(&sb, &emu, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(ids(&pulled(&sb.path("out.ndjson"))), ids(&data));
}

/// `-o` naming a folder was refused only after the whole portal was
/// pulled: now before the first request.
#[test]
fn an_output_that_is_a_folder_is_refused_before_asking() {
    let sb = Sandbox::new();
    let emu = Emulator::start(Config::default(), emulator::contacts(1, 250));
    std::fs::create_dir(sb.path("out.ndjson")).unwrap();
    let out = pull(&sb, &emu, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("out.ndjson") && err.contains("it is a folder"),
        "{err}"
    );
    assert!(emu.state().seen.is_empty(), "it asked the portal");
    assert!(!sb.path("out.ndjson.pull.ndjson").exists());
}

/// `pull -o x.xlsx` works, but the help and the error of an unknown
/// ending named only JSON, JSON Lines and CSV; and `--format json` with
/// stdout closed pulled the whole portal, then failed on its report.
#[test]
fn xlsx_is_named_and_a_closed_stdout_is_refused_before_asking() {
    let sb = Sandbox::new();
    let emu = Emulator::start(Config::default(), emulator::contacts(1, 40));
    let help = sb.cmd().args(["pull", "--help"]).output().unwrap();
    assert!(stdout(&help).contains(".csv, .xlsx"), "{}", stdout(&help));
    let out = sb
        .cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args(["pull", "-o", "x.txt", "--api-base", &emu.url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(".csv or .xlsx"), "{}", stderr(&out));
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#""$0" "$@" >&-"#)
        .arg(env!("CARGO_BIN_EXE_contact-merge"))
        .args(args(&emu.url))
        .args(["--format", "json"])
        .current_dir(sb.dir.path())
        .env("HUBSPOT_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("pull -o out.ndjson: stdout is closed")
            && err.contains("nothing was asked of the portal"),
        "{err}"
    );
    assert!(emu.state().seen.is_empty(), "it asked the portal");
    assert!(sb.files().iter().all(|f| !f.starts_with("out.ndjson")));
    let out = sb
        .cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args(["pull", "-o", "x.xlsx", "--api-base", &emu.url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let check = sb.cmd().args(["check", "x.xlsx"]).output().unwrap();
    assert!(check.status.success(), "{}", stderr(&check));
}

/// A portal without contacts pulled to `.ndjson` gave a 0-byte file that
/// `check` and `dupes` refused as empty: an empty JSON Lines file is a
/// file of no records, read as no contacts. An empty JSON or CSV file
/// (no list, no header) is still refused.
#[test]
fn an_empty_portal_pulled_to_json_lines_reads_as_no_contacts() {
    let sb = Sandbox::new();
    let emu = Emulator::start(Config::default(), Vec::new());
    let out = pull(&sb, &emu, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(sb.read("out.ndjson").is_empty());
    let check = sb.cmd().args(["check", "out.ndjson"]).output().unwrap();
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(
        stdout(&check).contains("0 contacts, no problems")
            || stderr(&check).contains("0 contacts, no problems")
    );
    let dupes = sb
        .cmd()
        .args(["dupes", "out.ndjson", "-o", "plan.csv"])
        .output()
        .unwrap();
    assert!(dupes.status.success(), "{}", stderr(&dupes));
    for name in ["empty.json", "empty.csv"] {
        sb.write(name, "");
        let check = sb.cmd().args(["check", name]).output().unwrap();
        assert_eq!(check.status.code(), Some(1), "{name}");
        assert!(
            format!("{}{}", stdout(&check), stderr(&check)).contains("the file is empty"),
            "{name}"
        );
    }
}

/// A company HubSpot gives under two association types was listed twice
/// in a CSV cell (`9003;9003`): once in CSV, both typed entries in JSON.
#[test]
fn a_company_under_two_association_types_is_one_id_in_a_csv_cell() {
    let sb = Sandbox::new();
    let mut data = emulator::contacts(1, 3);
    data[0]["associations"] = serde_json::json!({"companies": {"results": [
        {"id": "9003", "type": "contact_to_company"},
        {"id": "9003", "type": "contact_to_company_unlabeled"},
        {"id": "9004", "type": "contact_to_company"},
    ]}});
    let emu = Emulator::start(Config::default(), data);
    for name in ["out.csv", "out.json"] {
        let out = sb
            .cmd()
            .env("HUBSPOT_TOKEN", TOKEN)
            .args(["pull", "-o", name, "--associations", "--api-base", &emu.url])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
    }
    let csv = String::from_utf8(sb.read("out.csv")).unwrap();
    assert!(
        csv.contains("9003;9004") && !csv.contains("9003;9003"),
        "{csv}"
    );
    let json: Value = serde_json::from_slice(&sb.read("out.json")).unwrap();
    let companies = &json[0]["associations"]["companies"]["results"];
    assert_eq!(companies.as_array().map(Vec::len), Some(3), "{json}");
}
