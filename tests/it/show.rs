use crate::util::{stderr, stdout, Sandbox};

#[test]
fn shows_a_json_contact_as_a_table() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args(["show", "contacts.json", "101"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for needle in [
        "│ email ",
        "jane.doe@acme.com",
        "[associations.deals]",
        "[engagements]",
        "2: EMAIL e-1001, CALL e-1002",
        "[listMemberships]",
        "12 (static), 14 (active)",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
    // Empty properties are left out unless --all.
    assert!(!text.contains("hs_additional_emails"));
    let all = s
        .cmd()
        .args(["show", "contacts.json", "101", "--all"])
        .output()
        .unwrap();
    assert!(stdout(&all).contains("hs_additional_emails"));
}

#[test]
fn shows_csv_and_ndjson_contacts() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args(["show", "contacts.csv", "102"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("Customer") && text.contains("[associations.deals]"),
        "{text}"
    );
    let out = s
        .cmd()
        .args(["show", "contacts.ndjson", "103", "104"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("Robert") && text.contains("Bob"), "{text}");
}

#[test]
fn json_output_is_the_api_shape() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args(["show", "contacts.json", "104", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["id"], "104");
    assert_eq!(v[0]["properties"]["firstname"], "Bob");
    assert_eq!(v[0]["associations"]["deals"]["results"][0]["id"], "305");
}

#[test]
fn stdin_is_read_with_dash() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args(["show", "-", "105"])
        .write_stdin(s.read("contacts.ndjson"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Łukasiewicz"));
}

#[test]
fn unknown_id_is_an_error() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args(["show", "contacts.json", "999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("contacts.json: no contact with id 999"),
        "{}",
        stderr(&out)
    );
}

/// `--quiet` silences `show`'s note after the command as before it (every
/// command that writes notes takes it where its other options go).
#[test]
fn show_takes_quiet_after_the_command() {
    let s = Sandbox::new();
    let long = "x".repeat(600);
    s.write(
        "long.json",
        format!(r#"[{{"id": "1", "properties": {{"notes": "{long}"}}}}]"#),
    );
    let noted = s.cmd().args(["show", "long.json", "1"]).output().unwrap();
    assert!(
        stderr(&noted).contains("long values are cut"),
        "{}",
        stderr(&noted)
    );
    for args in [
        ["show", "long.json", "1", "--quiet"],
        ["--quiet", "show", "long.json", "1"],
    ] {
        let out = s.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stderr(&out), "");
        assert_eq!(stdout(&out), stdout(&noted));
    }
}

/// Every line of a table is as wide as the others on a terminal that draws
/// an emoji sequence joined by ZWJ (a family, a flag) as one emoji of two
/// columns, as current terminals do: the cells are padded by the width the
/// table counts, which is that one.
#[test]
fn tables_stay_aligned_with_emoji_sequences() {
    use unicode_width::UnicodeWidthStr;
    let s = Sandbox::new();
    s.write(
        "emoji.csv",
        "Record ID,First Name,Last Name,Email\n\
         1,Ann \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} fam,Lee,a@x.com\n\
         2,Bob,Lee \u{1F3F3}\u{FE0F}\u{200D}\u{1F308},b@x.com\n",
    );
    for args in [
        &["show", "emoji.csv", "1"][..],
        &["show", "emoji.csv", "2"],
        &[
            "diff",
            "emoji.csv",
            "1",
            "2",
            "--merge-time",
            "2024-06-01T00:00:00Z",
        ],
    ] {
        let out = s.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains('\u{200D}'),
            "{args:?}: the emoji is shown whole\n{text}"
        );
        let table: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with(['│', '┌', '╞', '└']))
            .collect();
        let widths: Vec<usize> = table.iter().map(|l| l.width()).collect();
        assert!(
            widths.windows(2).all(|w| w[0] == w[1]),
            "{args:?}: lines of widths {widths:?}\n{text}"
        );
    }
}

#[test]
fn a_merged_away_id_is_named_with_the_contact_that_holds_it() {
    // As `diff` says it: 99 is in 102's hs_merged_object_ids.
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args(["show", "contacts.json", "99"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("contact 99 is not in the export: it was merged into contact 102"),
        "{}",
        stderr(&out)
    );
}

/// A spreadsheet's user knows its columns by their headers: `show` and
/// `diff` tables name a CSV's properties as the file heads them ("Last
/// Name", not `lastname`), and `diff --format json` gives both (`property`
/// and `column`). A JSON export keeps its own keys, with no `column`.
#[test]
fn a_csvs_properties_are_named_by_its_headers_in_show_and_diff() {
    let s = Sandbox::new();
    let run = |args: &[&str]| {
        let out = s.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            crate::util::stderr(&out)
        );
        stdout(&out)
    };
    let show = run(&["show", "contacts.csv", "101"]);
    assert!(
        show.contains("Last Name") && show.contains("Number of Form Submissions"),
        "{show}"
    );
    assert!(
        !show.contains("lastname") && !show.contains("num_conversion_events"),
        "{show}"
    );
    let diff = run(&["diff", "contacts.csv", "101", "102"]);
    assert!(
        diff.contains("Last Name") && !diff.contains("lastname"),
        "{diff}"
    );
    let json: serde_json::Value = serde_json::from_str(&run(&[
        "diff",
        "contacts.csv",
        "101",
        "102",
        "--format",
        "json",
    ]))
    .unwrap();
    let last = json["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["property"] == "lastname")
        .expect("lastname differs");
    assert_eq!(last["column"], "Last Name");
    let json: serde_json::Value = serde_json::from_str(&run(&[
        "diff",
        "contacts.json",
        "101",
        "102",
        "--format",
        "json",
    ]))
    .unwrap();
    assert!(json["properties"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d.get("column").is_none()));
    let show = run(&["show", "contacts.json", "101"]);
    assert!(show.contains("lastname"), "{show}");
}
