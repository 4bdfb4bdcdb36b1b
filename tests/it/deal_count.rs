//! Rule "deal-count" through the binary: the merged contact's "Number of
//! Associated Deals" counts its deals, each once, in CSV (with the
//! "Associated Deal IDs" column) and in the API's JSON (with and without
//! a contact's `deals` listed). Fixtures `deal-count.csv`, `deal-count.json`.

use crate::util::{fixtures, stderr, stdout, Sandbox};

const T: &str = "2024-06-01T00:00:00Z";

fn merge(name: &str, p: &str, s: &str) -> String {
    let sb = Sandbox::new();
    sb.write(name, std::fs::read(fixtures().join(name)).unwrap());
    let out = sb
        .cmd()
        .args(["merge", name, p, s, "-o", "-", "--merge-time", T])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn a_merged_csv_contact_counts_the_deals_it_keeps() {
    let out = merge("deal-count.csv", "501", "502");
    let merged = out.lines().find(|l| l.starts_with("501,")).unwrap();
    // Deal 902 is both contacts': three deals, not 2 + 2.
    assert!(
        merged.starts_with("501,Ann,Lee,ann@lee.example,3,901;902;903,"),
        "{out}"
    );
    // Without deals or counts, nothing is made up.
    let out = merge("deal-count.csv", "503", "504");
    let merged = out.lines().find(|l| l.starts_with("503,")).unwrap();
    assert!(merged.starts_with("503,Bo,Kim,bo@kim.example,,,"), "{out}");
}

#[test]
fn a_merged_json_contact_counts_listed_deals_once_and_adds_unlisted_counts() {
    let count = |out: &str, id: &str| -> String {
        let v: serde_json::Value = serde_json::from_str(out).unwrap();
        let c = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{out}"))
            .clone();
        c["properties"]["num_associated_deals"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // 601's three deals are not listed; 602 lists one.
    assert_eq!(count(&merge("deal-count.json", "601", "602"), "601"), "4");
    // 603 and 604 list the same deal.
    assert_eq!(count(&merge("deal-count.json", "603", "604"), "603"), "1");
}

#[test]
fn the_preview_names_the_rule() {
    let sb = Sandbox::new();
    sb.write(
        "deal-count.csv",
        std::fs::read(fixtures().join("deal-count.csv")).unwrap(),
    );
    let out = sb
        .cmd()
        .args(["diff", "deal-count.csv", "501", "502", "--merge-time", T])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let d = v["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["property"] == "num_associated_deals")
        .unwrap_or_else(|| panic!("{v}"))
        .clone();
    assert_eq!(
        (d["merged"].as_str(), d["rule"].as_str()),
        (Some("3"), Some("deal-count"))
    );
    assert_eq!(d["why"], "the deals of both contacts, each once: 3");
}

/// `check` finds the count a merge would refuse.
#[test]
fn check_names_a_count_that_is_no_number() {
    let sb = Sandbox::new();
    sb.write(
        "c.csv",
        "Record ID,Email,Number of Associated Deals\n1,a@x.example,two\n2,b@x.example,1\n",
    );
    let out = sb.cmd().args(["check", "c.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("num_associated_deals"), "{all}");
    assert!(
        all.contains("merges add this count up when the deals are not listed"),
        "{all}"
    );
    // The merge refuses it, naming the record, property and value.
    let out = sb
        .cmd()
        .args(["merge", "c.csv", "1", "2", "-o", "-", "--merge-time", T])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("num_associated_deals") && err.contains("two") && err.contains('1'),
        "{err}"
    );
}
