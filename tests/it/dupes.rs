//! `dupes`: known duplicates in fixtures, the plan `apply` reads, options.

use contact_merge::plan::parse_plan;

use crate::util::{fixtures, stderr, stdout, Sandbox};

#[test]
fn finds_the_known_duplicates_of_the_fixture() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args(["dupes", "dupes.csv", "-o", "plan.csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "with -o nothing goes to stdout");
    let expected = std::fs::read_to_string(fixtures().join("dupes.plan.csv")).unwrap();
    let plan = String::from_utf8(s.read("plan.csv")).unwrap();
    assert_eq!(plan, expected);
    assert!(
        stderr(&out).contains("30 contacts, 9 duplicate pairs in 8 clusters"),
        "{}",
        stderr(&out)
    );
    // The same plan every run, and from stdin.
    let again = s
        .cmd()
        .args(["dupes", "-", "-o", "-", "--input-format", "csv"])
        .write_stdin(s.read("dupes.csv"))
        .output()
        .unwrap();
    assert_eq!(stdout(&again), plan);
    // The plan is one `apply` reads as it is.
    let parsed = parse_plan(plan.as_bytes(), "plan.csv", None).unwrap();
    let pairs: Vec<(&str, &str)> = parsed
        .pairs
        .iter()
        .map(|p| (p.primary.as_str(), p.secondary.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("201", "202"),
            ("205", "203"),
            ("205", "204"),
            ("207", "206"),
            ("208", "209"),
            ("210", "211"),
            ("213", "212"),
            ("215", "214"),
            ("216", "217"),
        ]
    );
    // The traps stay apart: a family sharing a phone, a shared info@
    // mailbox, two colleagues of one name, namesakes elsewhere.
    for id in [
        "218", "219", "220", "221", "222", "223", "224", "225", "226",
    ] {
        assert!(
            !plan.contains(&format!("\n{id},")) && !plan.contains(&format!(",{id},")),
            "{id} in\n{plan}"
        );
    }
}

#[test]
fn finds_the_pairs_of_the_shared_fixtures_in_every_format() {
    let s = Sandbox::new();
    for file in ["contacts.json", "contacts.ndjson", "contacts.csv"] {
        let out = s.cmd().args(["dupes", file, "-o", "-"]).output().unwrap();
        assert!(out.status.success(), "{file}: {}", stderr(&out));
        let plan = parse_plan(&out.stdout, file, None).unwrap();
        let pairs: Vec<(&str, &str)> = plan
            .pairs
            .iter()
            .map(|p| (p.primary.as_str(), p.secondary.as_str()))
            .collect();
        // Jane Doe (work and personal email, nearly the same phone) and
        // Robert/Bob Smith (the same London number, Globex).
        assert_eq!(pairs, [("101", "102"), ("103", "104")], "{file}");
        let text = stdout(&out);
        assert!(text.contains("email name; similar phone"), "{text}");
        assert!(text.contains("phone; nickname; company"), "{text}");
    }
}

#[test]
fn table_and_json_for_people_and_scripts() {
    let s = Sandbox::new();
    let out = s.cmd().args(["dupes", "dupes.csv"]).output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    for needle in [
        "cluster",
        "primary",
        "secondary",
        "score",
        "reasons",
        "via 203",
        "names swapped",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
    let out = s
        .cmd()
        .args(["dupes", "dupes.csv", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 9);
    assert_eq!(v[0]["cluster"], 1);
    assert_eq!(v[0]["primary"], "201");
    assert_eq!(v[0]["secondary"], "202");
    assert_eq!(v[0]["reasons"][0], "phone");
    assert!(v[0]["score"].as_f64().unwrap() > 0.99);
    // A JSON plan file when -o names one.
    let out = s
        .cmd()
        .args(["dupes", "dupes.csv", "-o", "plan.json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let plan = parse_plan(&s.read("plan.json"), "plan.json", None).unwrap();
    assert_eq!(plan.pairs.len(), 9);
}

#[test]
fn fields_threshold_and_primary_options() {
    let s = Sandbox::new();
    let pairs = |args: &[&str]| {
        let out = s
            .cmd()
            .args(["dupes", "dupes.csv", "-o", "-"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        parse_plan(&out.stdout, "-", None)
            .unwrap()
            .pairs
            .into_iter()
            .map(|p| format!("{}>{}", p.primary, p.secondary))
            .collect::<Vec<_>>()
    };
    // Labels or internal names; only emails compared.
    assert_eq!(
        pairs(&["--fields", "Email"]),
        ["205>203", "207>206", "215>214"]
    );
    assert_eq!(
        pairs(&["--fields", "email,hs_additional_emails"]),
        ["205>203", "207>206", "215>214"]
    );
    // The newest create date keeps its id instead.
    assert_eq!(
        pairs(&["--fields", "email", "--primary", "newest"]),
        ["203>205", "206>207", "214>215"]
    );
    assert_eq!(
        pairs(&["--fields", "email", "--primary", "most-complete"]),
        ["203>205", "206>207", "215>214"]
    );
    // A lower threshold lets the colleagues in; a higher one keeps the surest.
    assert!(pairs(&["--threshold", "0.5"]).contains(&"222>223".to_string()));
    assert_eq!(
        pairs(&["--threshold", "0.995"]),
        ["201>202", "205>203", "207>206", "215>214", "216>217"]
    );
}

#[test]
fn bad_options_and_inputs() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args(["dupes", "dupes.csv", "--threshold", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("expected a score from 0 to 1"),
        "{}",
        stderr(&out)
    );
    let out = s
        .cmd()
        .args(["dupes", "dupes.csv", "--fields", ","])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = s.cmd().args(["dupes", "missing.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    // A field no contact has is named.
    let out = s
        .cmd()
        .args(["dupes", "dupes.csv", "--fields", "email,Shoe Size"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(stderr(&out).contains("\"Shoe Size\""), "{}", stderr(&out));
    // Nothing is left behind when the plan cannot be written.
    let before = s.files();
    let out = s
        .cmd()
        .args(["dupes", "dupes.csv", "-o", "no/such/dir/plan.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(s.files(), before);
}

/// Create dates that could be day first or month first, in a file that
/// does not say which: refused, as `diff` and `apply` refuse them (the
/// primary was chosen by a guess, 601 "05/06/2024" before 602
/// "03/04/2024" though 602 is the older either way); `--date-order`
/// decides. A create date that is no date at all is a warning naming it.
#[test]
fn create_dates_that_could_be_read_two_ways_are_refused() {
    let s = Sandbox::new();
    let head = "Record ID,First Name,Last Name,Email,Create Date\n";
    let tom = "Tom,Hill,tom.hill@x.example";
    s.write(
        "amb.csv",
        format!("{head}601,{tom},05/06/2024\n602,{tom},03/04/2024\n"),
    );
    let out = s
        .cmd()
        .args(["dupes", "amb.csv", "-o", "-"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(stdout(&out), "");
    for part in ["amb.csv", "contact 601", "'05/06/2024'", "--date-order"] {
        assert!(err.contains(part), "{part:?} not in: {err}");
    }
    for order in ["dmy", "mdy"] {
        let out = s
            .cmd()
            .args(["dupes", "amb.csv", "-o", "-", "--date-order", order])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains("\n602,601,"), "{}", stdout(&out));
    }
    s.write(
        "junk.csv",
        format!("{head}601,{tom},junk\n602,{tom},2024-01-01\n"),
    );
    let out = s
        .cmd()
        .args(["dupes", "junk.csv", "-o", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\n601,602,"),
        "no date counts as the oldest"
    );
    assert!(
        stderr(&out).contains("contact 601, createdate 'junk'"),
        "{}",
        stderr(&out)
    );
}

/// With the plan going to a file, `--format json` prints the summary's
/// figures as JSON on stdout (it printed nothing); a plan named as an
/// export of another format, or in a folder that does not exist, is
/// refused before the work, writing nothing.
#[test]
fn a_plan_file_gets_a_json_report_and_a_plan_name() {
    let s = Sandbox::new();
    let dupes = fixtures().join("dupes.csv");
    let dupes = dupes.to_str().unwrap();
    let out = s
        .cmd()
        .args(["dupes", dupes, "-o", "p.csv", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["plan"], "p.csv");
    assert_eq!(report["contacts"], 30);
    let pairs = parse_plan(&s.read("p.csv"), "p.csv", None)
        .unwrap()
        .pairs
        .len();
    assert_eq!(report["pairs"], pairs);
    for (name, code) in [("p.xlsx", 2), ("p.ndjson", 2), ("nowhere/p.csv", 1)] {
        let before = s.files();
        let out = s.cmd().args(["dupes", dupes, "-o", name]).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(name.split('/').next().unwrap()),
            "{}",
            stderr(&out)
        );
        assert_eq!(s.files(), before, "{name}");
    }
}

/// The JSON report of a pretty-printed `--format json` run in a stream
/// that holds other lines too (stderr: warnings, the summary): from the
/// line `{` to the line `}`.
fn json_in(text: &str) -> serde_json::Value {
    let start = text
        .find("\n{\n")
        .map(|i| i + 1)
        .or_else(|| text.starts_with("{\n").then_some(0))
        .unwrap_or_else(|| panic!("no JSON report in\n{text}"));
    let end = start + text[start..].find("\n}\n").expect("the report's end") + 2;
    serde_json::from_str(&text[start..end]).unwrap()
}

/// HubSpot's merge limit (a bug until 2026-12-07: 260 identical contacts
/// gave a plan of 259 pairs that `apply` refused whole). The plan holds
/// the merges that go through, counted as `apply` counts them (earlier
/// merges in `hs_merged_object_ids` too); the members left out are named
/// on stderr and in the JSON report, and `apply` runs the plan as it is.
/// `--max-merges` gives the plan of an `apply` run with the same limit.
#[test]
fn a_plan_stays_under_hubspots_merge_limit_and_apply_runs_it() {
    let s = Sandbox::new();
    let mut csv = String::from("Record ID,First Name,Last Name,Email,Merged object IDs\n");
    // Bob Ray took part in 248 merges: two more go through, the third not.
    let bob_merged: Vec<String> = (5000..5248).map(|i| i.to_string()).collect();
    csv.push_str(&format!("1,Bob,Ray,bob@y.com,{}\n", bob_merged.join(";")));
    for id in 2..=4 {
        csv.push_str(&format!("{id},Bob,Ray,bob@y.com,\n"));
    }
    for i in 0..260 {
        csv.push_str(&format!("{},Ann,Lee,ann@x.com,\n", 1000 + i));
    }
    s.write("c.csv", &csv);
    let out = s
        .cmd()
        .args(["dupes", "c.csv", "-o", "p.csv", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("cluster 1 (primary 1): 1 contact not merged into 1 (4): with it,")
            && err.contains(
                "cluster 2 (primary 1000): 9 contacts not merged into 1000 (1251, 1252, 1253, 1254, 1255, …): with them,"
            )
            && err.contains("HubSpot's limit of 250 merges per contact (--max-merges")
            && err.contains("it stays a duplicate of 1: raise --max-merges")
            && err.contains(
                "they are merged among themselves instead (cluster 3) and stay apart from 1000"
            )
            && err.contains(
                "10 contacts left out of their primary's merges (HubSpot's limit of 250 merges per contact), 9 of them merged among themselves"
            ),
        "{err}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    // 2 into Bob, 250 into the first Ann, the other 8 Anns into the 251st.
    assert_eq!(report["pairs"], 260);
    assert_eq!(report["maxMerges"], 250);
    assert_eq!(
        report["leftOut"][0],
        serde_json::json!({"primary": "1", "cluster": 1, "merged": 2, "ids": ["4"], "regrouped": []})
    );
    assert_eq!(report["leftOut"][1]["merged"], 250);
    assert_eq!(report["leftOut"][1]["ids"].as_array().unwrap().len(), 9);
    assert_eq!(report["leftOut"][1]["regrouped"], serde_json::json!([3]));
    let plan = parse_plan(&s.read("p.csv"), "p.csv", None).unwrap();
    assert_eq!(plan.pairs.len(), 260);
    assert!(plan.pairs[252..].iter().all(|p| p.primary == "1251"));
    let out = s
        .cmd()
        .args(["apply", "c.csv", "--plan", "p.csv", "-o", "o.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("applied 260 of 260 pairs"),
        "{}",
        stderr(&out)
    );
    // With a higher limit, every member and an apply with that limit.
    let out = s
        .cmd()
        .args(["dupes", "c.csv", "-o", "p.csv", "--max-merges", "300"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("left out"), "{}", stderr(&out));
    let plan = parse_plan(&s.read("p.csv"), "p.csv", None).unwrap();
    assert_eq!(plan.pairs.len(), 3 + 259);
    let out = s
        .cmd()
        .args([
            "apply",
            "c.csv",
            "--plan",
            "p.csv",
            "-o",
            "o.csv",
            "--max-merges",
            "300",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// `-o - --format json`: the plan takes stdout, so the JSON report goes
/// to stderr, as apply's, merge's and unmerge's do (it appeared nowhere
/// until 2026-12-07).
#[test]
fn with_the_plan_on_stdout_the_json_report_is_on_stderr() {
    let s = Sandbox::new();
    let plain = s
        .cmd()
        .args(["dupes", "dupes.csv", "-o", "-"])
        .output()
        .unwrap();
    assert!(plain.status.success(), "{}", stderr(&plain));
    let out = s
        .cmd()
        .args(["dupes", "dupes.csv", "-o", "-", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), stdout(&plain), "stdout holds the plan only");
    let report = json_in(&stderr(&out));
    assert_eq!(report["plan"], "-");
    assert_eq!(report["contacts"], 30);
    assert_eq!(report["pairs"], 9);
    assert_eq!(report["leftOut"], serde_json::json!([]));
    assert!(
        stderr(&out).contains("30 contacts, 9 duplicate pairs"),
        "{}",
        stderr(&out)
    );
}

/// Headers as people write them (`Given Name`, `Family Name`, `Mobile`)
/// are compared as names and phones, the same as HubSpot's own labels,
/// and the summary names the fields compared; a file where nothing can
/// be compared says so (until 2026-12-07 these columns were silently
/// left out, and 0 candidate pairs came with no word).
#[test]
fn headers_in_words_are_compared_and_the_fields_are_named() {
    let s = Sandbox::new();
    let own = std::fs::read_to_string(fixtures().join("dupes/gen400.csv")).unwrap();
    let (header, rows) = own.split_once('\n').unwrap();
    assert!(header.starts_with("Record ID,First Name,Last Name,Email,Phone Number,"));
    let renamed = header.replacen(
        "First Name,Last Name,Email,Phone Number",
        "Given Name,Family Name,E-mail,Mobile",
        1,
    );
    s.write("own.csv", &own);
    s.write("renamed.csv", format!("{renamed}\n{rows}"));
    let plan_of = |file: &str| {
        let out = s.cmd().args(["dupes", file, "-o", "-"]).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        (stdout(&out), stderr(&out))
    };
    let (own_plan, _) = plan_of("own.csv");
    let (plan, err) = plan_of("renamed.csv");
    assert_eq!(plan, own_plan, "the same pairs under other headers");
    // Salesforce's headers: the same pairs and scores (the reasons name
    // the file's own headers).
    let salesforce = header.replacen(
        "Phone Number,Company Name,Job Title,City,Postal Code",
        "Phone,Account Name,Title,Mailing City,Mailing Zip/Postal Code",
        1,
    );
    s.write("sf.csv", format!("{salesforce}\n{rows}"));
    let pairs = |plan: &str| -> Vec<String> {
        (plan.lines())
            .map(|l| l.splitn(4, ',').take(3).collect::<Vec<_>>().join(","))
            .collect()
    };
    let (sf_plan, _) = plan_of("sf.csv");
    assert_eq!(pairs(&sf_plan), pairs(&own_plan));
    assert!(
        err.contains("fields compared: Given Name (first names), Family Name (last names), E-mail (emails), Mobile (phones),"),
        "{err}"
    );
    // Nothing to compare by: a warning that says what to do.
    s.write("yn.csv", "Record ID,Notes\n1,yes\n2,no\n3,yes\n");
    let out = s.cmd().args(["dupes", "yn.csv"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("no two contacts share a key to compare them by (fields compared: none)")
            && err.contains("name those columns with --fields"),
        "{err}"
    );
    let out = s
        .cmd()
        .args([
            "dupes",
            "own.csv",
            "--fields",
            "hs_object_id",
            "-o",
            "p.csv",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(
        err.contains("no field compared holds emails, phones, names, dates of birth or id numbers (compared: hs_object_id (text))"),
        "{err}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        report["fields"],
        serde_json::json!([{"name": "hs_object_id", "holds": "text"}])
    );
}

/// 600 copies of one person: 250 merge into the first, 250 of the other
/// 349 into the 252nd, the last 99 among themselves. The summary counts
/// each contact once (until 2026-12-07 it said 447 contacts were left out
/// and 1,200 were in skipped blocks, of a file of 600), and the first
/// cluster's warning names both clusters its members end in.
#[test]
fn contacts_left_out_twice_over_and_in_two_skipped_blocks_count_once() {
    let s = Sandbox::new();
    let mut csv = String::from("Record ID,First Name,Last Name,Email,Create Date\n");
    for i in 1..=600 {
        csv.push_str(&format!(
            "{i},Test,User,test.user@acme.com,2024-01-01 10:00\n"
        ));
    }
    s.write("same.csv", &csv);
    let out = s
        .cmd()
        .args(["dupes", "same.csv", "-o", "p.csv", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("597 duplicate pairs in 3 clusters")
            && err.contains("2 blocks of more than 200 contacts sharing a key skipped, 600 contacts in them")
            && err.contains("349 contacts left out of their primary's merges (HubSpot's limit of 250 merges per contact), 349 of them merged among themselves")
            && err.contains("cluster 1 (primary 1): 349 contacts not merged into 1")
            && err.contains("they are merged among themselves instead (clusters 2, 3) and stay apart from 1"),
        "{err}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["skippedContacts"], 600);
    assert_eq!(report["leftOut"][0]["regrouped"], serde_json::json!([2, 3]));
    assert_eq!(report["leftOut"][1]["regrouped"], serde_json::json!([3]));
}

/// A JSON export can hold a record id with spaces around it; a plan's ids
/// are read without them, so `apply` cannot find that contact. `dupes`
/// says so when its plan names one, and `check` reports the id (until
/// 2026-12-07 both said nothing, and `apply` refused the plan).
#[test]
fn an_id_with_spaces_around_it_is_named_by_dupes_and_check() {
    let s = Sandbox::new();
    s.write(
        "odd.json",
        r#"[{"id":"a1","properties":{"email":"x@acme.com","firstname":"Al","lastname":"Bee"}},
 {"id":" c3","properties":{"email":"x@acme.com","firstname":"Al","lastname":"Bee"}}]"#,
    );
    let out = s
        .cmd()
        .args(["dupes", "odd.json", "-o", "p.csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "the plan names 1 contact whose record id has spaces around it (first: \" c3\")"
        ),
        "{}",
        stderr(&out)
    );
    let out = s.cmd().args(["check", "odd.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("the record id has spaces around it"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_pair_apply_would_refuse_is_named_by_dupes_and_stays_in_the_plan() {
    let s = Sandbox::new();
    s.write(
        "c.csv",
        "Record ID,First Name,Last Name,Email,Number of Pageviews,Lifecycle Stage\n\
         1,Ann,Lee,ann@acme.com,3,lead\n\
         2,Ann,Lee,ann@acme.com,lots,lead\n\
         3,Bob,Kay,bob@acme.com,1,lead\n\
         4,Bob,Kay,bob@acme.com,2,lead\n",
    );
    let out = s
        .cmd()
        .args(["dupes", "c.csv", "-o", "p.csv", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "apply with its default options would refuse 1 pair of the plan: 1 ← 2: contact 2: hs_analytics_num_page_views (column \"Number of Pageviews\") 'lots' is not a whole number"
        ),
        "{}",
        stderr(&out)
    );
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let refused = report["refusedByApply"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{report}");
    assert_eq!(refused[0]["line"], 2);
    assert_eq!(refused[0]["secondary"], "2");
    // The pair stays: it is a duplicate, and apply names it the same way.
    let plan = String::from_utf8(s.read("p.csv")).unwrap();
    assert!(plan.contains("\n1,2,"), "{plan}");
    let apply = s
        .cmd()
        .args(["apply", "c.csv", "--plan", "p.csv", "-o", "m.csv"])
        .output()
        .unwrap();
    assert_eq!(apply.status.code(), Some(1), "{}", stderr(&apply));
    assert!(stderr(&apply).contains("'lots' is not a whole number"));
    // A file with nothing to refuse says nothing of it.
    s.write(
        "ok.csv",
        "Record ID,First Name,Last Name,Email\n1,Ann,Lee,ann@acme.com\n2,Ann,Lee,ann@acme.com\n",
    );
    let out = s
        .cmd()
        .args(["dupes", "ok.csv", "-o", "q.csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("refuse"), "{}", stderr(&out));
}

#[test]
fn fields_of_which_no_contact_has_a_value_are_a_usage_error_and_write_no_plan() {
    // A typo (`Emial`) compared nothing and wrote an empty plan, exit 0,
    // with a warning `-q` hid.
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args([
            "dupes",
            "dupes.csv",
            "--fields",
            "Emial",
            "-o",
            "p.csv",
            "-q",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "no contact in dupes.csv has a value for any of the fields given (\"Emial\")"
        ),
        "{}",
        stderr(&out)
    );
    assert!(!s.path("p.csv").exists());
    // One name right and one wrong: a warning, and the plan.
    let out = s
        .cmd()
        .args([
            "dupes",
            "dupes.csv",
            "--fields",
            "Email,Emial",
            "-o",
            "p.csv",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("has a value for \"Emial\""),
        "{}",
        stderr(&out)
    );
    assert!(s.path("p.csv").exists());
}
