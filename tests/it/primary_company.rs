//! An export with HubSpot's older "Contact ID" header and the primary
//! company's id as a property ("Associated Company ID", the label of
//! `associatedcompanyid`; `fixtures/real/contact-id-export.csv`): the
//! merged contact keeps the primary's company, as it keeps the primary's
//! company associations (rule "company-primary"), whichever value is newer.

use crate::util::{fixtures, stderr, stdout, Sandbox};

const T: &str = "2024-06-01T00:00:00Z";

fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    let name = "contact-id-export.csv";
    s.write(
        name,
        std::fs::read(fixtures().join("real").join(name)).unwrap(),
    );
    s
}

/// The cells of the row whose first cell is `id`, by header (a file whose
/// cells are all quoted and hold no comma).
fn row(csv: &str, id: &str) -> std::collections::HashMap<String, String> {
    let cells = |l: &str| -> Vec<String> {
        l.split(',')
            .map(|c| c.trim_matches('"').to_string())
            .collect()
    };
    let mut lines = csv.lines();
    let header = cells(lines.next().unwrap());
    let line = lines
        .find(|l| cells(l)[0] == id)
        .unwrap_or_else(|| panic!("no row {id} in {csv}"));
    header.into_iter().zip(cells(line)).collect()
}

#[test]
fn the_merged_contact_keeps_the_primarys_company() {
    let s = sandbox();
    let out = s
        .cmd()
        .args([
            "merge",
            "contact-id-export.csv",
            "351",
            "352",
            "-o",
            "-",
            "--merge-time",
            T,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let merged = row(&stdout(&out), "351");
    // S's company id is newer (its Last Modified Date is later), and the
    // policy would take it for a property without a rule.
    assert_eq!(merged["Associated Company ID"], "1201");
    assert_eq!(merged["Last Modified Date"], "2024-05-02 11:15");
    assert_eq!(merged["Lifecycle Stage"], "Customer");
    assert_eq!(merged["Merged object IDs"], "352");
    // The labels of HubSpot's own properties are not reported as unknown.
    let out = s
        .cmd()
        .args(["check", "contact-id-export.csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("2 headers no built-in label maps"), "{err}");
    assert!(err.contains("\"Branche\", \"Associated Deals\""), "{err}");
    // In the preview, with the rule's name; the newer policy agrees.
    for policy in ["most-recent", "primary-wins"] {
        let out = s
            .cmd()
            .args([
                "diff",
                "contact-id-export.csv",
                "351",
                "352",
                "--merge-time",
                T,
            ])
            .args(["--policy", policy, "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let decisions = v["properties"].as_array().expect("properties");
        let d = decisions
            .iter()
            .find(|d| d["property"] == "associatedcompanyid")
            .unwrap_or_else(|| panic!("{v}"));
        assert_eq!(d["merged"], "1201", "{policy}: {d}");
        assert_eq!(d["rule"], "company-primary", "{policy}: {d}");
    }
}
