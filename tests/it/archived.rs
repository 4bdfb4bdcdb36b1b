//! SPEC section 4: HubSpot merges only live records, so an archived
//! contact (`"archived": true`) on either side of a merge is refused, in
//! every command that merges, streamed or in memory, with nothing written.

use crate::util::{stderr, Sandbox};

/// contacts.json with contact 102 archived, as JSON and as JSON Lines.
fn archived_102(s: &Sandbox) {
    let mut doc: serde_json::Value = serde_json::from_slice(&s.read("contacts.json")).unwrap();
    let list = match doc.get_mut("contacts") {
        Some(l) => l,
        None => &mut doc,
    };
    let mut lines = String::new();
    for c in list.as_array_mut().unwrap() {
        if c["id"] == "102" {
            c["archived"] = serde_json::Value::Bool(true);
        }
        lines.push_str(&serde_json::to_string(c).unwrap());
        lines.push('\n');
    }
    s.write("a.json", serde_json::to_vec_pretty(&doc).unwrap());
    s.write("a.ndjson", lines);
    s.write("p.csv", "primary_id,secondary_id\n101,102\n");
    s.write("q.csv", "primary_id,secondary_id\n102,103\n");
}

#[test]
fn an_archived_contact_takes_part_in_no_merge() {
    let s = Sandbox::new();
    archived_102(&s);
    let runs: [&[&str]; 6] = [
        &["merge", "a.json", "101", "102", "-o", "out.json"],
        &["merge", "a.ndjson", "102", "103", "-o", "out.ndjson"],
        &[
            "apply",
            "a.ndjson",
            "--plan",
            "p.csv",
            "-o",
            "out.ndjson",
            "--journal",
            "j.jsonl",
        ],
        &["apply", "a.json", "--plan", "q.csv", "-o", "out.json"],
        &["apply", "a.ndjson", "--plan", "p.csv", "-o", "out.json"],
        &["diff", "a.json", "101", "102"],
    ];
    for args in runs {
        let before = s.files();
        let out = s.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("contact 102 is archived")
                && err.contains("HubSpot merges only live records"),
            "{args:?}: {err}"
        );
        assert_eq!(s.files(), before, "{args:?}: nothing is written");
    }
    // --keep-going merges the live pairs and skips the archived one.
    s.write("r.csv", "primary_id,secondary_id\n101,102\n103,104\n");
    let out = s
        .cmd()
        .args([
            "apply",
            "a.ndjson",
            "--plan",
            "r.csv",
            "-o",
            "out.ndjson",
            "--keep-going",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("contact 102 is archived"));
}

/// `dupes` writes plans `apply` runs: an archived contact is left out of
/// them (and said to be), even when it is the most obvious duplicate.
#[test]
fn dupes_leaves_archived_contacts_out_of_the_plan() {
    let s = Sandbox::new();
    let contact = |id: &str, archived: bool| {
        serde_json::json!({"id": id, "archived": archived, "properties": {
            "email": "pat@example.com", "firstname": "Pat", "lastname": "Lee",
            "phone": "+1 617 555 0100", "createdate": format!("2024-01-0{id}T00:00:00.000Z")}})
    };
    let doc = |third_archived: bool| {
        serde_json::to_vec(&serde_json::json!([
            contact("1", false),
            contact("2", false),
            contact("3", third_archived)
        ]))
        .unwrap()
    };
    s.write("live.json", doc(false));
    s.write("some.json", doc(true));
    let pairs = |file: &str| {
        let out = s
            .cmd()
            .args(["dupes", file, "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let ids: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| [p["primary"].to_string(), p["secondary"].to_string()])
            .collect();
        (ids, stderr(&out))
    };
    let (all, _) = pairs("live.json");
    assert!(all.iter().any(|i| i.contains('3')), "{all:?}");
    let (some, err) = pairs("some.json");
    assert!(!some.is_empty(), "the live pair is still found");
    assert!(!some.iter().any(|i| i.contains('3')), "{some:?}");
    assert!(err.contains("1 archived contact left out"), "{err}");
}
