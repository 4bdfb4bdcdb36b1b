//! `pull` of a portal with many properties, whose property list does not
//! fit one request's address (HubSpot's front answers 414 past ~16k
//! characters): each page is asked once per group of properties and put
//! together, the same export as one request gives; and contacts merged in
//! the portal while a pull ran are left out of its output.

use serde_json::{json, Value};

use crate::emulator::{self, Config, Emulator, Fault};
use crate::portal::{killed_at_hang, pulled, TOKEN};
use crate::util::{stderr, stdout, Sandbox};

/// The address length past which the emulator answers 414 in these tests
/// (and the `--max-url-chars` the pulls give to stay under it).
const TIGHT: usize = 700;
const CUSTOM: usize = 60;

/// `n` contacts with `CUSTOM` more properties each (one with a history),
/// and the property list that names them.
fn wide_portal(config: Config, n: u64) -> Emulator {
    let mut data = emulator::contacts(1, n);
    for c in &mut data {
        let id = emulator::id_of(c);
        for k in 0..CUSTOM {
            // Some left empty, as a portal's are.
            if (k + id.len()) % 7 != 0 {
                c["properties"][format!("custom_field_{k:02}")] = json!(format!("v{id}-{k}"));
            }
        }
        if c.get("propertiesWithHistory").is_some() {
            c["propertiesWithHistory"]["custom_field_03"] = json!([{"value": format!("v{id}-3"), "timestamp": "2024-02-01T10:00:00.000Z", "sourceType": "API"}]);
        }
    }
    let emu = Emulator::start(config, data);
    let mut s = emu.state();
    for k in 0..CUSTOM {
        s.properties.push(json!({"name": format!("custom_field_{k:02}"), "label": format!("Custom {k}"),
            "type": "string", "fieldType": "text", "groupName": "custom", "options": [], "hidden": false}));
    }
    drop(s);
    emu
}

fn pull_args<'a>(url: &'a str, output: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["pull", "-o", output, "--properties", "all"];
    args.extend(["--with-history", "--associations", "--api-base", url]);
    args.extend(["--rate", "1000/1s", "--backoff-ms", "5"]);
    args.extend(extra);
    args
}

fn pull(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    sb.cmd()
        .env("HUBSPOT_TOKEN", TOKEN)
        .args(args)
        .timeout(crate::util::HANG_GUARD)
        .output()
        .unwrap()
}

const FORMATS: [&str; 3] = ["ndjson", "csv", "json"];

/// The exports one request per page gives, from a portal with no limit.
fn reference(sb: &Sandbox, n: u64) {
    let free = wide_portal(Config::default(), n);
    for ext in FORMATS {
        let out = pull(sb, &pull_args(&free.url, &format!("one.{ext}"), &[]));
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(free.state().seen.iter().any(|r| r.url.len() > TIGHT));
}

#[test]
fn a_property_list_too_long_for_one_address_is_split_and_gives_the_same_export() {
    let sb = Sandbox::new();
    reference(&sb, 230);
    let tight = tight_portal();
    for ext in FORMATS {
        let name = format!("split.{ext}");
        let out = pull(&sb, &tight_args(&tight.url, &name));
        assert!(out.status.success(), "{ext}: {}", stderr(&out));
        assert_eq!(
            sb.read(&name),
            sb.read(&format!("one.{ext}")),
            "{ext}: the export differs from one request's"
        );
    }
    let got = pulled(&sb.path("split.ndjson"));
    assert_eq!(got.len(), 230);
    assert_eq!(
        got[4]["propertiesWithHistory"]["custom_field_03"][0]["value"],
        "v5-3"
    );
    assert!(got[4]["associations"]["companies"].is_object());
    let s = tight.state();
    assert!(s.seen.iter().all(|r| r.status == 200), "a request refused");
    let pages: Vec<_> = s
        .seen
        .iter()
        .filter(|r| r.url.starts_with("/crm/v3/objects/contacts?"))
        .collect();
    // 5 pages of 50 (with history), each in several requests, three times.
    assert!(pages.len() >= 3 * 5 * 3, "{}", pages.len());
    let with_assoc = pages
        .iter()
        .filter(|r| r.url.contains("associations="))
        .count();
    assert_eq!(
        with_assoc,
        3 * 5,
        "the associations ride on each page's first request only"
    );
    drop(s);
    // Without the smaller limit, the portal answers 414: said in words,
    // not its HTML, with what to do.
    let out = pull(&sb, &pull_args(&tight.url, "whole.ndjson", &[]));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("414")
            && err.contains("name fewer properties with --properties")
            && err.contains("--max-url-chars"),
        "{err}"
    );
    assert!(!err.contains("<html") && !err.contains("<center>"), "{err}");
    assert!(!sb.path("whole.ndjson").exists());
}

#[test]
fn a_split_pull_killed_mid_page_resumes_to_the_same_export() {
    let sb = Sandbox::new();
    reference(&sb, 230);
    let per_page = requests_per_page(&sb);
    assert!(per_page >= 3, "{per_page}");
    let tight = tight_portal();
    let args = tight_args(&tight.url, "split.csv");
    // A request in the middle of the second page's groups.
    tight.fail_page(per_page + 2, Fault::Hang);
    killed_at_hang(&sb, &tight, &args, "the request");
    assert!(sb.path("split.csv.pull.json").exists());
    let out = pull(&sb, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("resumed after 50"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.read("split.csv"), sb.read("one.csv"));
}

/// How many requests a page of the tight portal takes.
fn requests_per_page(sb: &Sandbox) -> usize {
    let tight = tight_portal();
    let out = pull(sb, &tight_args(&tight.url, "probe.ndjson"));
    assert!(out.status.success(), "{}", stderr(&out));
    let n = page_requests(&tight);
    assert_eq!(n % 5, 0, "{n}");
    n / 5
}

fn tight_portal() -> Emulator {
    wide_portal(
        Config {
            max_url: Some(TIGHT),
            ..Config::default()
        },
        230,
    )
}

fn tight_args<'a>(url: &'a str, output: &'a str) -> Vec<&'a str> {
    const LIMIT: &str = "700";
    assert_eq!(LIMIT, TIGHT.to_string());
    pull_args(url, output, &["--max-url-chars", LIMIT])
}

fn page_requests(emu: &Emulator) -> usize {
    let s = emu.state();
    s.seen
        .iter()
        .filter(|r| r.url.starts_with("/crm/v3/objects/contacts?"))
        .count()
}

/// A contact gone between two requests of one page shifts the later
/// ones: the page is asked again; when it keeps shifting, the run stops,
/// and resumes.
#[test]
fn a_page_whose_groups_hold_different_contacts_is_asked_again() {
    let sb = Sandbox::new();
    reference(&sb, 230);
    let per_page = requests_per_page(&sb);
    let tight = tight_portal();
    tight.shift_page(2);
    let out = pull(&sb, &tight_args(&tight.url, "once.ndjson"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sb.read("once.ndjson"), sb.read("one.ndjson"));
    assert_eq!(page_requests(&tight), 5 * per_page + 2);
    // Page 2 shifted on each of its three tries.
    let tight = tight_portal();
    for try_ in 0..3 {
        tight.shift_page(per_page + 2 + 2 * try_);
    }
    let args = tight_args(&tight.url, "shifting.csv");
    let out = pull(&sb, &args);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("page 2 is asked in")
            && err.contains("held different contacts 3 times in a row")
            && err.contains("run the command again later (it resumes)"),
        "{err}"
    );
    assert!(sb.path("shifting.csv.pull.json").exists() && !sb.path("shifting.csv").exists());
    let out = pull(&sb, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("resumed after 50"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.read("shifting.csv"), sb.read("one.csv"));
}

#[test]
fn contacts_merged_in_the_portal_while_a_pull_ran_are_left_out() {
    let sb = Sandbox::new();
    let emu = Emulator::start(Config::default(), emulator::contacts(1, 250));
    emu.fail_page(2, Fault::Hang);
    let args = [
        "pull",
        "-o",
        "out.ndjson",
        "--properties",
        "all",
        "--api-base",
        &emu.url,
        "--rate",
        "1000/1s",
        "--format",
        "json",
    ];
    killed_at_hang(&sb, &emu, &args, "page 2");
    // 40 and 41, pulled on page 1, merged in the portal: the merged record
    // gets a new id, after every other.
    let merged = emu.merge(40, 41);
    assert_eq!(merged, "251");
    let out = pull(&sb, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("40 and 41 were merged into 251 in the portal while the pull ran; their old copies are left out"),
        "{err}"
    );
    let got = pulled(&sb.path("out.ndjson"));
    let ids: Vec<String> = got.iter().map(emulator::id_of).collect();
    assert_eq!(got.len(), 249);
    assert!(!ids.contains(&"40".to_string()) && !ids.contains(&"41".to_string()));
    assert_eq!(
        got.last().unwrap()["properties"]["hs_merged_object_ids"],
        "40;41"
    );
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["contacts"], 249);
    assert_eq!(report["mergedAway"], 2);
    assert!(
        report["warnings"].as_array().unwrap().iter().any(|w| w
            .as_str()
            .unwrap()
            .contains("40 and 41 were merged into 251")),
        "{report}"
    );
    // As CSV, the contacts read back and written: the same.
    let pages = page_requests(&emu);
    emu.fail_page(pages + 2, Fault::Hang);
    let csv_args = [
        "pull",
        "-o",
        "out.csv",
        "--properties",
        "all",
        "--api-base",
        &emu.url,
        "--rate",
        "1000/1s",
    ];
    killed_at_hang(&sb, &emu, &csv_args, "page 2");
    assert_eq!(emu.merge(42, 43), "252");
    let out = pull(&sb, &csv_args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("42 and 43 were merged into 252 in the portal while the pull ran"),
        "{}",
        stderr(&out)
    );
    let csv = String::from_utf8(sb.read("out.csv")).unwrap();
    // 1 to 250, less 40 to 43, and 251 and 252; a header.
    assert_eq!(csv.lines().count(), 1 + 248, "{csv}");
    // The first column is hs_object_id.
    assert!(
        !csv.lines()
            .any(|l| l.starts_with("42,") || l.starts_with("43,")),
        "{csv}"
    );
    assert!(csv.lines().any(|l| l.starts_with("252,")), "{csv}");
    assert!(csv.contains("42;43"));
}
