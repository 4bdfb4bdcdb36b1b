//! Real-world JSON shapes (SPEC section 3, issue 19), from `fixtures/real/`:
//! HubSpot's v1 contacts API (a page, a batch, a single profile), a single
//! v3 object, and v3 documents indented with tabs or four spaces, with CRLF
//! line ends, or compact without a final newline. Each goes through every
//! command: `check`, `show`, `diff`, `merge` (streamed from the file and in
//! memory from stdin, the same bytes), `apply` as a byte-for-byte identity
//! round trip both ways, `dupes`, and `unmerge`.

use serde_json::Value;

use crate::util::{fixtures, stderr, stdout, Sandbox};

const TIME: &str = "--merge-time=2024-06-01T00:00:00Z";

/// A fixture, how many contacts it holds, one of them and a value `show`
/// gives for it, and a pair to merge (primary, secondary) when it holds
/// more than one contact.
struct Shape {
    file: &'static str,
    contacts: usize,
    shown: (&'static str, &'static str),
    pair: Option<(&'static str, &'static str)>,
}

const SHAPES: &[Shape] = &[
    Shape {
        file: "v1-page.json",
        contacts: 3,
        shown: ("3867874", "rae.contact@testinginc.com"),
        pair: Some(("3867874", "3867924")),
    },
    Shape {
        file: "v1-batch.json",
        contacts: 2,
        shown: ("20377", "chuang@hubspot.example"),
        pair: Some(("20377", "20351")),
    },
    Shape {
        file: "v1-profile.json",
        contacts: 1,
        shown: ("20351", "codey@hubspot.example"),
        pair: None,
    },
    Shape {
        file: "v3-single.json",
        contacts: 1,
        shown: ("512", "rae@example.com"),
        pair: None,
    },
    Shape {
        file: "v3-merge-response.json",
        contacts: 1,
        shown: ("512", "chocolate;strawberry"),
        pair: None,
    },
    Shape {
        file: "v3-page-tabs.json",
        contacts: 3,
        shown: ("640", "rae.m@example.com"),
        pair: Some(("640", "512")),
    },
    Shape {
        file: "v3-page-4space-crlf.json",
        contacts: 3,
        shown: ("701", "ode@example.org"),
        pair: Some(("640", "512")),
    },
    Shape {
        file: "v3-page-published.json",
        contacts: 2,
        shown: ("65059681027", "john.doe@example.com"),
        pair: Some(("65059681027", "512")),
    },
    Shape {
        file: "v3-array-compact.json",
        contacts: 3,
        shown: ("512", "rae@example.com"),
        pair: Some(("512", "640")),
    },
];

/// A sandbox holding the fixture.
fn sandbox(file: &str) -> (Sandbox, Vec<u8>) {
    let s = Sandbox::new();
    let bytes = std::fs::read(fixtures().join("real").join(file)).unwrap();
    s.write(file, &bytes);
    (s, bytes)
}

fn ok(out: &std::process::Output, what: &str) {
    assert_eq!(out.status.code(), Some(0), "{what}: {}", stderr(out));
}

/// `args` run on the file (streamed) and on stdin (in memory): both
/// outputs.
fn both_ways(s: &Sandbox, file: &str, args: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let streamed = s
        .cmd()
        .arg(args[0])
        .arg(file)
        .args(&args[1..])
        .args(["-o", "streamed.json", TIME])
        .output()
        .unwrap();
    ok(&streamed, &format!("{file} {args:?} streamed"));
    let in_memory = s
        .cmd()
        .arg(args[0])
        .args(["-", "--input-format", "json"])
        .args(&args[1..])
        .args(["-o", "in-memory.json", TIME])
        .write_stdin(s.read(file))
        .output()
        .unwrap();
    ok(&in_memory, &format!("{file} {args:?} in memory"));
    (s.read("streamed.json"), s.read("in-memory.json"))
}

#[test]
fn every_shape_passes_check_and_show() {
    for shape in SHAPES {
        let (s, _) = sandbox(shape.file);
        let out = s.cmd().args(["check", shape.file]).output().unwrap();
        ok(&out, shape.file);
        let noun = if shape.contacts == 1 {
            "contact"
        } else {
            "contacts"
        };
        assert!(
            stderr(&out).contains(&format!("{} {noun}, no problems", shape.contacts)),
            "{}: {}",
            shape.file,
            stderr(&out)
        );
        let (id, value) = shape.shown;
        let out = s.cmd().args(["show", shape.file, id]).output().unwrap();
        ok(&out, shape.file);
        assert!(
            stdout(&out).contains(value),
            "{}: {}",
            shape.file,
            stdout(&out)
        );
    }
}

#[test]
fn every_shape_comes_back_byte_for_byte_from_an_identity_apply() {
    for shape in SHAPES {
        let (s, bytes) = sandbox(shape.file);
        s.write("none.csv", "primary_id,secondary_id\n");
        let (streamed, in_memory) = both_ways(&s, shape.file, &["apply", "--plan", "none.csv"]);
        assert!(streamed == bytes, "{}: streamed differs", shape.file);
        assert!(
            in_memory == bytes,
            "{}: in memory differs:\n{}",
            shape.file,
            String::from_utf8_lossy(&in_memory)
        );
    }
}

/// The document's layout: its first bytes up to the first record's
/// indentation, its line ends and what follows its last bracket.
fn layout_of(bytes: &[u8]) -> (Vec<u8>, bool, Vec<u8>) {
    let text = String::from_utf8_lossy(bytes);
    let head: String = text.chars().take_while(|c| *c != '"').collect();
    let body = text.trim_end();
    (
        head.into_bytes(),
        text.contains("\r\n"),
        text[body.len()..].as_bytes().to_vec(),
    )
}

/// The contacts of a document of any shape, as JSON values.
fn contacts_in(bytes: &[u8]) -> Vec<Value> {
    match serde_json::from_slice::<Value>(bytes).unwrap() {
        Value::Array(items) => items,
        Value::Object(top) if top.contains_key("results") => {
            top["results"].as_array().unwrap().clone()
        }
        Value::Object(top) if top.contains_key("contacts") => {
            top["contacts"].as_array().unwrap().clone()
        }
        Value::Object(top) if top.contains_key("vid") || top.contains_key("id") => {
            vec![Value::Object(top)]
        }
        Value::Object(batch) => batch.into_iter().map(|(_, c)| c).collect(),
        other => panic!("not a document of contacts: {other}"),
    }
}

fn id_of(c: &Value) -> String {
    let id = c.get("vid").or_else(|| c.get("id")).unwrap();
    id.as_str().map_or_else(|| id.to_string(), str::to_string)
}

#[test]
fn every_shape_merges_the_same_streamed_and_in_memory_in_its_own_layout() {
    for shape in SHAPES {
        let Some((p, sec)) = shape.pair else { continue };
        let (s, bytes) = sandbox(shape.file);
        let (streamed, in_memory) = both_ways(&s, shape.file, &["merge", p, sec]);
        assert!(
            streamed == in_memory,
            "{}: streamed and in-memory merges differ:\n{}\n---\n{}",
            shape.file,
            String::from_utf8_lossy(&streamed),
            String::from_utf8_lossy(&in_memory)
        );
        assert_eq!(layout_of(&streamed), layout_of(&bytes), "{}", shape.file);
        let contacts = contacts_in(&streamed);
        assert_eq!(contacts.len(), shape.contacts - 1, "{}", shape.file);
        assert!(contacts.iter().all(|c| id_of(c) != sec), "{}", shape.file);
        // The plan as a file gives the same bytes.
        s.write("plan.csv", format!("primary_id,secondary_id\n{p},{sec}\n"));
        let (applied, _) = both_ways(&s, shape.file, &["apply", "--plan", "plan.csv"]);
        assert!(
            applied == streamed,
            "{}: apply differs from merge",
            shape.file
        );
        // The output reads again, and `diff` previewed the merge.
        s.write("out.json", &streamed);
        ok(
            &s.cmd().args(["check", "out.json"]).output().unwrap(),
            shape.file,
        );
        let out = s
            .cmd()
            .args(["diff", shape.file, p, sec, TIME])
            .output()
            .unwrap();
        ok(&out, shape.file);
        assert!(
            stdout(&out).contains("merged-ids") && stdout(&out).contains(sec),
            "{}: {}",
            shape.file,
            stdout(&out)
        );
    }
}

#[test]
fn a_single_object_cannot_merge_and_says_which_id_is_missing() {
    for file in [
        "v1-profile.json",
        "v3-single.json",
        "v3-merge-response.json",
    ] {
        let (s, bytes) = sandbox(file);
        let id = id_of(&contacts_in(&bytes)[0]);
        let out = s
            .cmd()
            .args(["merge", file, &id, "999", "-o", "out.json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{file}");
        assert!(stderr(&out).contains("999"), "{file}: {}", stderr(&out));
        assert!(!s.path("out.json").exists());
    }
}

#[test]
fn a_merged_v1_contact_is_a_v1_contact() {
    let (s, _) = sandbox("v1-batch.json");
    let (out, _) = both_ways(&s, "v1-batch.json", &["merge", "20377", "20351"]);
    let doc: Value = serde_json::from_slice(&out).unwrap();
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["20377"]);
    let c = &doc["20377"];
    assert_eq!(c["vid"], 20377);
    assert!(c.get("id").is_none() && c.get("propertiesWithHistory").is_none());
    assert_eq!(c["merged-vids"], serde_json::json!([20351]));
    let props = &c["properties"];
    assert!(props.get("hs_merged_object_ids").is_none());
    assert_eq!(props["email"]["value"], "chuang@hubspot.example");
    assert_eq!(
        props["hs_additional_emails"]["value"],
        "codey@hubspot.example"
    );
    // Counters summed, lifecycle furthest, the oldest create date.
    assert_eq!(props["num_conversion_events"]["value"], "3");
    assert_eq!(props["lifecyclestage"]["value"], "marketingqualifiedlead");
    assert_eq!(props["createdate"]["value"], "1689059543436");
    // Both sides' versions, in the v1 spelling.
    let versions = props["email"]["versions"].as_array().unwrap();
    assert!(versions
        .iter()
        .any(|v| v["value"] == "codey@hubspot.example"));
    assert!(versions.iter().all(|v| v.get("source-type").is_some()));
    assert!(versions.iter().all(|v| v.get("sourceType").is_none()));
    // The secondary's own property comes with its versions.
    assert_eq!(
        props["do_not_call__c"]["versions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // v1 sections: forms of both, lists the primary's, a merge audit.
    assert_eq!(c["form-submissions"].as_array().unwrap().len(), 1);
    assert_eq!(c["list-memberships"], serde_json::json!([]));
    assert_eq!(
        c["merge-audits"],
        serde_json::json!([{"canonical-vid": 20377, "vid-to-merge": 20351, "timestamp": 1717200000000i64}])
    );
    assert!(c.get("engagements").is_none());
}

#[test]
fn merged_vids_follow_a_merge_into_a_contact_that_had_merged_ids() {
    let (s, _) = sandbox("v1-page.json");
    // 3867874 absorbed 3860001 before; 3867800 absorbs it now.
    let (out, _) = both_ways(&s, "v1-page.json", &["merge", "3867800", "3867874"]);
    let contacts = contacts_in(&out);
    let c = contacts.iter().find(|c| id_of(c) == "3867800").unwrap();
    assert_eq!(c["merged-vids"], serde_json::json!([3867874, 3860001]));
    // A plan naming the merged-away id 3860001 follows it to its contact.
    s.write("plan.csv", "primary_id,secondary_id\n3867924,3860001\n");
    let out = s
        .cmd()
        .args([
            "apply",
            "v1-page.json",
            "--plan",
            "plan.csv",
            "-o",
            "o.json",
            TIME,
        ])
        .output()
        .unwrap();
    ok(&out, "redirect");
    let contacts = contacts_in(&s.read("o.json"));
    let c = contacts.iter().find(|c| id_of(c) == "3867924").unwrap();
    assert_eq!(c["merged-vids"], serde_json::json!([3867874, 3860001]));
}

#[test]
fn a_v1_merge_is_undone_from_the_journal_and_an_email_split_off_as_v1() {
    let (s, bytes) = sandbox("v1-batch.json");
    let out = s
        .cmd()
        .args(["merge", "v1-batch.json", "20377", "20351", "-o", "m.json"])
        .args(["--journal", "j.ndjson", TIME])
        .output()
        .unwrap();
    ok(&out, "merge");
    let out = s
        .cmd()
        .args(["unmerge", "m.json", "20377", "--restore", "20351"])
        .args(["--journal", "j.ndjson", "-o", "r.json"])
        .output()
        .unwrap();
    ok(&out, "restore");
    assert!(s.read("r.json") == bytes, "restored batch differs");
    let out = s
        .cmd()
        .args([
            "unmerge",
            "m.json",
            "20377",
            "codey@hubspot.example",
            "-o",
            "u.json",
        ])
        .output()
        .unwrap();
    ok(&out, "split");
    let doc: Value = serde_json::from_slice(&s.read("u.json")).unwrap();
    let new = &doc["20378"];
    assert_eq!(new["vid"], 20378);
    assert_eq!(new["properties"]["email"]["value"], "codey@hubspot.example");
}

#[test]
fn dupes_reads_every_shape() {
    for shape in SHAPES {
        let (s, _) = sandbox(shape.file);
        let out = s
            .cmd()
            .args(["dupes", shape.file, "-o", "plan.csv"])
            .output()
            .unwrap();
        ok(&out, shape.file);
        assert!(
            stderr(&out).contains(&format!("{} contact", shape.contacts)),
            "{}: {}",
            shape.file,
            stderr(&out)
        );
    }
}

#[test]
fn json_that_is_no_shape_of_contacts_says_what_it_looks_like() {
    let s = Sandbox::new();
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "paging.json",
            r#"{"paging": {"next": {"after": "5"}}, "total": 0}"#,
            &[
                "an object whose keys are \"paging\", \"total\"",
                "one contact (with \"id\", or \"vid\"",
            ],
        ),
        (
            "batch.json",
            "{\n  \"51\": {\"vid\": 51, \"properties\": {}},\n  \"next\": 3\n}\n",
            &["a v1 batch", "the key \"next\" (line 3) is not a vid"],
        ),
        (
            "wrong-vid.json",
            r#"{"51": {"vid": 52, "properties": {}}}"#,
            &[
                "contact 1",
                "52",
                "under the key \"51\"",
                "which is not its vid",
            ],
        ),
        (
            "v1-flat.json",
            r#"[{"vid": 51, "properties": {"email": "a@x.com"}}]"#,
            &[
                "51",
                "property \"email\" of a v1 contact must be an object",
                "\"value\"",
            ],
        ),
    ];
    for (file, text, words) in cases {
        s.write(file, text);
        let out = s.cmd().args(["check", file]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{file}: {}", stdout(&out));
        let all = format!("{}{}", stdout(&out), stderr(&out));
        for w in *words {
            assert!(all.contains(w), "{file}: {w:?} not in {all}");
        }
    }
}

#[test]
fn every_pair_of_a_batch_merges_the_same_streamed_and_in_memory() {
    let member = |vid: u32, email: &str| {
        serde_json::json!({"vid": vid, "merged-vids": [], "properties": {
            "email": {"value": email, "versions": [{"value": email, "source-type": "API", "timestamp": 1_700_000_000_000u64 + u64::from(vid)}]}
        }})
    };
    let mut batch = serde_json::Map::new();
    for (vid, email) in [(11, "a@x.com"), (12, "b@x.com"), (13, "c@x.com")] {
        batch.insert(vid.to_string(), member(vid, email));
    }
    let batch = Value::Object(batch);
    let texts = [
        serde_json::to_string(&batch).unwrap(),
        serde_json::to_string_pretty(&batch).unwrap() + "\n",
    ];
    for text in &texts {
        let s = Sandbox::new();
        s.write("b.json", text);
        for p in ["11", "12", "13"] {
            for sec in ["11", "12", "13"].into_iter().filter(|x| *x != p) {
                let (streamed, in_memory) = both_ways(&s, "b.json", &["merge", p, sec]);
                assert!(
                    streamed == in_memory,
                    "{p} <- {sec}:\n{}\n---\n{}",
                    String::from_utf8_lossy(&streamed),
                    String::from_utf8_lossy(&in_memory)
                );
                let keys: Vec<String> = contacts_in(&streamed).iter().map(id_of).collect();
                assert_eq!(keys.len(), 2);
                assert!(!keys.contains(&sec.to_string()) && keys.contains(&p.to_string()));
            }
        }
    }
}

#[test]
fn show_and_diff_name_v1_parts_as_the_file_does() {
    let (s, _) = sandbox("v1-batch.json");
    let out = s
        .cmd()
        .args(["show", "v1-batch.json", "20351"])
        .output()
        .unwrap();
    ok(&out, "show");
    let text = stdout(&out);
    for part in ["[form-submissions]", "[list-memberships]", "[versions]"] {
        assert!(text.contains(part), "{part} not in {text}");
    }
    assert!(!text.contains("formSubmissions") && !text.contains("propertiesWithHistory"));
    assert!(text.contains("1: 226"), "{text}");
    let out = s
        .cmd()
        .args(["diff", "v1-batch.json", "20377", "20351", TIME])
        .output()
        .unwrap();
    ok(&out, "diff");
    let text = stdout(&out);
    for part in ["form-submissions", "list-memberships", "merge-audits"] {
        assert!(text.contains(part), "{part} not in {text}");
    }
    assert!(!text.contains("formSubmissions") && !text.contains("engagements"));
}

#[test]
fn a_batch_keyed_by_escaped_digits_merges_into_a_contact_without_merged_vids() {
    let s = Sandbox::new();
    s.write(
        "esc.json",
        "{\n  \"\\u0035\\u0031\": {\"vid\": 51, \"properties\": {\"email\": {\"value\": \"a@x.com\"}}},\n  \"52\": {\"vid\": 52, \"properties\": {}}\n}\n",
    );
    let (streamed, in_memory) = both_ways(&s, "esc.json", &["merge", "52", "51"]);
    assert!(
        streamed == in_memory,
        "{}\n---\n{}",
        String::from_utf8_lossy(&streamed),
        String::from_utf8_lossy(&in_memory)
    );
    let doc: Value = serde_json::from_slice(&streamed).unwrap();
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["52"]);
    assert_eq!(doc["52"]["merged-vids"], serde_json::json!([51]));
    assert!(doc["52"]["properties"]
        .get("hs_merged_object_ids")
        .is_none());
}
