//! What a format cannot hold is said, and messages about inputs in the
//! wrong shape say which shape is read.

use serde_json::Value;

use crate::util::{stderr, stdout, Sandbox};

const ASSOCIATED: &str = r#"[{"id":"1","properties":{"email":"a@x.com"},"associations":{"notes":{"results":[{"id":"777","type":"contact_to_note"}]},"p123_cars":{"results":[{"id":"42","type":"contact_to_car"}]},"deals":{"results":[{"id":"9","type":"contact_to_deal"}],"paging":{"next":{"after":"9"}}}}}]"#;

#[test]
fn associations_a_spreadsheet_has_no_column_for_are_warned() {
    let s = Sandbox::new();
    s.write("a.json", ASSOCIATED);
    s.write("empty.csv", "primary_id,secondary_id\n");
    for out_name in ["a.csv", "a.xlsx"] {
        let out = (s.cmd())
            .args(["apply", "a.json", "--plan", "empty.csv", "-o", out_name])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let err = stderr(&out);
        for part in [
            "associations.notes",
            "associations.p123_cars",
            "associations.deals.paging",
        ] {
            assert!(
                err.contains(&format!(
                    "has no column for {part}: left out of the output for 1 contact"
                )),
                "{out_name}, {part}: {err}"
            );
        }
    }
    let out = (s.cmd())
        .args(["apply", "a.json", "--plan", "empty.csv", "-o", "b.csv"])
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let warnings = report["outputWarnings"].to_string();
    assert!(warnings.contains("associations.notes"), "{warnings}");
    assert!(warnings.contains("associations.p123_cars"), "{warnings}");
    // The deals an id column holds are no loss.
    assert!(!warnings.contains("associations.deals:"), "{warnings}");
}
