//! SPEC section 4, "Consistency of the merged record", on a v3 contacts
//! page with property history (fixtures/real/v3-contacts-page-history.json):
//! `createdAt` and `createdate` hold the same, oldest instant; every
//! history's newest entry is the current value; an archived contact is
//! refused; streamed and in-memory runs write the same bytes; a restore
//! gives back the page byte for byte.

use contact_merge::dates::parse_millis;
use serde_json::Value;

use crate::util::{fixtures, stderr, Sandbox};

const PAGE: &str = "page.json";
const MERGE_TIME: &str = "--merge-time=2024-06-01T00:00:00Z";

fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    let page = std::fs::read(fixtures().join("real/v3-contacts-page-history.json")).unwrap();
    s.write(PAGE, page);
    s
}

fn contacts(bytes: &[u8]) -> Vec<Value> {
    let doc: Value = serde_json::from_slice(bytes).unwrap();
    doc["results"].as_array().unwrap().clone()
}

fn by_id<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter().find(|c| c["id"] == id).unwrap()
}

fn instant(v: &Value) -> i64 {
    parse_millis(v.as_str().unwrap()).unwrap()
}

fn run(s: &Sandbox, args: &[&str]) {
    let out = s.cmd().args(args).arg(MERGE_TIME).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
}

/// The merged contact agrees with itself, and with the two it came from.
fn assert_consistent(merged: &Value, p: &Value, s: &Value) {
    let oldest = [p, s]
        .iter()
        .flat_map(|c| [&c["properties"]["createdate"], &c["createdAt"]])
        .map(instant)
        .min()
        .unwrap();
    assert_eq!(instant(&merged["createdAt"]), oldest);
    assert_eq!(instant(&merged["properties"]["createdate"]), oldest);

    let history = merged["propertiesWithHistory"].as_object().unwrap();
    assert!(history.len() >= 3, "firstname, lifecyclestage, email");
    for (prop, entries) in history {
        let entries = entries.as_array().unwrap();
        let current = &merged["properties"][prop];
        assert_eq!(&entries[0]["value"], current, "{prop}: newest entry");
        let newest = entries.iter().map(|e| instant(&e["timestamp"])).max();
        assert_eq!(
            Some(instant(&entries[0]["timestamp"])),
            newest,
            "{prop}: the first entry is the newest"
        );
    }
    // The email's past stays: the secondary's address is still in it.
    let email: Vec<&Value> = history["email"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["value"])
        .collect();
    assert!(email.contains(&&s["properties"]["email"]), "{email:?}");
}

#[test]
fn a_merge_of_two_contacts_of_a_real_page_agrees_with_itself() {
    let s = sandbox();
    let page = contacts(&s.read(PAGE));
    let (p, sec) = (by_id(&page, "151"), by_id(&page, "201"));
    // The contradiction found on a real page is in this one.
    assert_ne!(
        instant(&p["properties"]["createdate"]),
        instant(&sec["createdAt"])
    );

    run(&s, &["merge", PAGE, "151", "201", "-o", "merged.json"]);
    let out = contacts(&s.read("merged.json"));
    assert_eq!(out.len(), 2);
    assert_consistent(by_id(&out, "151"), p, sec);
}

#[test]
fn streamed_and_in_memory_runs_write_the_same_consistent_page() {
    let s = sandbox();
    s.write("plan.csv", "primary_id,secondary_id\n151,201\n");
    run(
        &s,
        &["apply", PAGE, "--plan", "plan.csv", "-o", "streamed.json"],
    );
    let out = s
        .cmd()
        .args(["apply", "-", "--input-format", "json"])
        .args(["--plan", "plan.csv", "-o", "in-memory.json", MERGE_TIME])
        .write_stdin(s.read(PAGE))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(s.read("streamed.json"), s.read("in-memory.json"));
    run(&s, &["merge", PAGE, "151", "201", "-o", "merged.json"]);
    assert_eq!(s.read("merged.json"), s.read("streamed.json"));
}

#[test]
fn a_restore_gives_back_the_page_byte_for_byte() {
    let s = sandbox();
    run(
        &s,
        &[
            "merge",
            PAGE,
            "151",
            "201",
            "--journal",
            "j.jsonl",
            "-o",
            "m.json",
        ],
    );
    let out = s
        .cmd()
        .args(["unmerge", "m.json", "151", "--restore", "201"])
        .args(["--journal", "j.jsonl", "-o", "back.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(s.read("back.json"), s.read(PAGE));
}

#[test]
fn the_archived_contact_of_the_page_is_refused_on_either_side() {
    let s = sandbox();
    for (p, sec) in [("151", "301"), ("301", "201")] {
        let before = s.files();
        let out = s
            .cmd()
            .args(["merge", PAGE, p, sec, "-o", "out.json", MERGE_TIME])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{p} {sec}");
        let err = stderr(&out);
        assert!(
            err.contains("contact 301 is archived") && err.contains("HubSpot merges only live"),
            "{err}"
        );
        assert_eq!(s.files(), before, "nothing is written");
    }
}

/// The published page (fixtures/real/v3-page-published.json): the contact
/// of a vendor's example payload of HubSpot's "List Contacts" response, and
/// HubSpot's own example contact, whose `createdAt` is older and who has no
/// `createdate`.
const PUBLISHED: &str = "published.json";

fn published() -> Sandbox {
    let s = Sandbox::new();
    let page = std::fs::read(fixtures().join("real/v3-page-published.json")).unwrap();
    s.write(PUBLISHED, page);
    s
}

#[test]
fn a_merge_on_the_published_page_gives_both_create_dates_the_oldest_instant() {
    let s = published();
    let page = contacts(&s.read(PUBLISHED));
    let oldest = instant(&by_id(&page, "512")["createdAt"]);
    for (p, sec) in [("65059681027", "512"), ("512", "65059681027")] {
        run(&s, &["merge", PUBLISHED, p, sec, "-o", "merged.json"]);
        let out = contacts(&s.read("merged.json"));
        assert_eq!(out.len(), 1);
        let merged = by_id(&out, p);
        assert_eq!(instant(&merged["createdAt"]), oldest, "{p} <- {sec}");
        assert_eq!(
            instant(&merged["properties"]["createdate"]),
            oldest,
            "{p} <- {sec}: {merged}"
        );
        // Written in the form the page uses (ISO 8601 with milliseconds).
        assert_eq!(
            merged["properties"]["createdate"],
            "2019-10-30T03:30:17.883Z"
        );
        assert_eq!(merged["archived"], false);
    }
}

#[test]
fn an_archived_contact_of_the_published_page_is_refused() {
    let s = published();
    let text = String::from_utf8(s.read(PUBLISHED)).unwrap();
    // HubSpot's example contact, archived (`archived=true` pages hold such).
    let archived = text.replacen(
        "\"archived\": false,\n      \"createdAt\"",
        "\"archived\": true,\n      \"createdAt\"",
        1,
    );
    assert_ne!(archived, text);
    s.write(PUBLISHED, archived);
    for (p, sec) in [("65059681027", "512"), ("512", "65059681027")] {
        let before = s.files();
        let out = s
            .cmd()
            .args(["merge", PUBLISHED, p, sec, "-o", "out.json", MERGE_TIME])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{p} {sec}");
        let err = stderr(&out);
        assert!(err.contains("contact 512 is archived"), "{err}");
        assert_eq!(s.files(), before, "nothing is written");
    }
}
