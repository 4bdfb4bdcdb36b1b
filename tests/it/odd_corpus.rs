//! The odd-input corpus (fixtures/odd/): files that look odd but are valid.
//! Each is read correctly, written back byte for byte, and shown and
//! checked by the binary without complaint.

use std::path::PathBuf;

use contact_merge::dates::{parse_date, DateForm};
use contact_merge::format::{read_bytes, write_to_vec, Format};
use contact_merge::model::{Export, JsonShape, Layout};

use crate::util::{fixtures, stderr, Sandbox};

fn odd_files() -> Vec<PathBuf> {
    crate::util::corpus("odd")
}

fn read(name: &str) -> Export {
    let path = fixtures().join("odd").join(name);
    let bytes = std::fs::read(&path).unwrap();
    read_bytes(&bytes, Format::from_path(&path).unwrap(), name).unwrap()
}

#[test]
fn every_odd_file_round_trips_byte_for_byte() {
    let files = odd_files();
    assert!(files.len() >= 12, "only {} odd files", files.len());
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let format = Format::from_path(&path).unwrap();
        let export = read_bytes(&bytes, format, &name).unwrap_or_else(|e| panic!("{e}"));
        assert!(!export.contacts.is_empty(), "{name}");
        let written = write_to_vec(&export, format);
        assert_eq!(
            String::from_utf8_lossy(&written),
            String::from_utf8_lossy(&bytes),
            "{name} changed on a round trip"
        );
        assert_eq!(written, bytes, "{name}: same text, other bytes");
    }
}

#[test]
fn every_odd_file_shows_and_checks() {
    for path in odd_files() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let first = read(&name).contacts[0].id.clone();
        let s = Sandbox::new();
        std::fs::copy(&path, s.path(&name)).unwrap();
        let before = s.files();
        for args in [vec!["show", &name, &first], vec!["check", &name]] {
            let out = s.cmd().args(&args).output().unwrap();
            assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        }
        assert_eq!(s.files(), before, "{name}: nothing may be written");
        assert_eq!(
            std::fs::read(s.path(&name)).unwrap(),
            std::fs::read(&path).unwrap()
        );
    }
}

fn csv_layout(e: &Export) -> &contact_merge::format::csv::CsvLayout {
    match &e.layout {
        Layout::Csv(l) => l,
        other => panic!("not CSV: {other:?}"),
    }
}

#[test]
fn bom_and_crlf_are_read_and_kept() {
    let e = read("hubspot-bom-crlf.csv");
    let l = csv_layout(&e);
    assert!(l.bom && l.crlf && l.labels && !l.quote_all);
    assert_eq!(l.headers[0], "Record ID");
    let c = &e.contacts[1];
    assert_eq!(c.id, "202");
    assert_eq!(
        c.prop("hs_marketable_status"),
        Some("Non-marketing contact")
    );
    assert!(e
        .contacts
        .iter()
        .all(|c| c.properties.values().flatten().all(|v| !v.contains('\r'))));
}

#[test]
fn quoted_line_breaks_and_quotes_stay_in_their_cell() {
    let e = read("quoted-newlines.csv");
    let notes: Vec<_> = e
        .contacts
        .iter()
        .map(|c| c.prop("Notes").unwrap())
        .collect();
    assert_eq!(
        notes,
        ["two\nlines", "windows\r\nline break", "said \"hi\", left"]
    );
    assert!(!csv_layout(&e).crlf);
}

#[test]
fn empty_trailing_columns_are_empty_values() {
    let e = read("empty-trailing-columns.csv");
    let c = &e.contacts[1];
    assert_eq!(c.id, "402");
    for p in ["email", "phone", "jobtitle"] {
        assert_eq!(c.properties.get(p), Some(&Some(String::new())), "{p}");
    }
    assert_eq!(c.assoc("deals").unwrap().entries.len(), 0);
    let deals: Vec<_> = e.contacts[2].assoc("deals").unwrap().ids().collect();
    assert_eq!(deals, ["9001", "9002"]);
}

#[test]
fn non_ascii_names_are_read_as_written() {
    for name in ["non-ascii.csv", "non-ascii.json"] {
        let e = read(name);
        assert_eq!(e.contacts[0].prop("firstname"), Some("Zoë"), "{name}");
        assert_eq!(
            e.contacts[0].prop("lastname"),
            Some("Łukasiewicz"),
            "{name}"
        );
        assert_eq!(e.contacts[1].prop("firstname"), Some("日本"), "{name}");
    }
}

#[test]
fn internal_name_headers_are_not_labels() {
    let e = read("internal-names.csv");
    let l = csv_layout(&e);
    assert!(!l.labels);
    let c = &e.contacts[0];
    assert_eq!(
        c.emails(),
        ["ann@example.com", "ann@home.example", "a.lee@example.org"]
    );
    assert_eq!(
        c.assoc("companies").unwrap().ids().collect::<Vec<_>>(),
        ["77"]
    );
}

#[test]
fn quoted_throughout_is_kept() {
    let e = read("quote-all.csv");
    let l = csv_layout(&e);
    assert!(l.quote_all && l.crlf);
    assert_eq!(
        e.contacts[1].properties.get("email"),
        Some(&Some(String::new()))
    );
}

#[test]
fn api_page_keeps_paging() {
    let e = read("api-page.json");
    assert_eq!(e.contacts.len(), 2);
    match &e.layout {
        Layout::Json {
            shape: JsonShape::Object { contacts_key, top },
            pretty: false,
            ..
        } => {
            assert_eq!(contacts_key, "results");
            assert_eq!(top["paging"]["next"]["after"], "803");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn numeric_ids_are_text_and_stay_numbers() {
    for name in ["numeric-ids.json", "numeric-ids.ndjson"] {
        let e = read(name);
        assert_eq!(e.contacts[0].id, "901", "{name}");
        assert!(e.contacts.iter().all(|c| c.id_is_number), "{name}");
        assert!(e.find("902").is_some(), "{name}");
    }
    let e = read("numeric-ids.json");
    let deals: Vec<_> = e.contacts[1].assoc("deals").unwrap().ids().collect();
    assert_eq!(deals, ["9001", "9002"]);
}

#[test]
fn associations_in_both_forms() {
    let e = read("associations.json");
    let c = &e.contacts[0];
    let ids = |k: &str| c.assoc(k).unwrap().ids().collect::<Vec<_>>();
    assert_eq!(ids("companies"), ["77", "78"]);
    assert_eq!(ids("deals"), ["9001", "9002"]);
    assert!(ids("tickets").is_empty());
}

#[test]
fn null_values_are_absent_not_empty_strings() {
    let e = read("null-values.json");
    let c = &e.contacts[0];
    assert_eq!(c.properties.get("phone"), Some(&None));
    assert_eq!(c.properties.get("jobtitle"), Some(&Some(String::new())));
    assert_eq!(c.prop("lifecyclestage"), None);
    assert_eq!(c.history_of("phone").len(), 1);
}

#[test]
fn every_date_form_reads_to_the_same_instant() {
    const T: i64 = 1_709_287_200_000; // 2024-03-01T10:00:00Z
    let e = read("date-forms.json");
    let c = &e.contacts[0];
    let forms: Vec<(&str, i64, DateForm)> = [
        "createdate",
        "lastmodifieddate",
        "hs_analytics_first_timestamp",
        "hs_analytics_last_timestamp",
        "closedate",
        "first_deal_created_date",
        "hs_lifecyclestage_lead_date",
    ]
    .into_iter()
    .map(|p| {
        let (ms, form) = parse_date(c.prop(p).unwrap()).unwrap();
        (p, ms, form)
    })
    .collect();
    for (p, ms, form) in &forms {
        let want = if *form == DateForm::Day {
            T - 36_000_000
        } else {
            T
        };
        assert_eq!(*ms, want, "{p}");
    }
    let kinds: Vec<DateForm> = forms.iter().map(|f| f.2).collect();
    for k in [
        DateForm::Iso,
        DateForm::EpochMillis,
        DateForm::Minutes,
        DateForm::Seconds,
        DateForm::Day,
    ] {
        assert!(kinds.contains(&k), "{k:?} missing");
    }
    assert_eq!(
        parse_date(&c.meta_text("updatedAt").unwrap()).unwrap().0,
        T + 123
    );
    let e = read("date-forms.csv");
    for c in &e.contacts {
        for p in [
            "createdate",
            "lastmodifieddate",
            "hs_analytics_first_timestamp",
        ] {
            assert!(parse_date(c.prop(p).unwrap()).is_ok(), "{} {p}", c.id);
        }
    }
}

/// Huge fields are read and written back, not refused: a 5 MB cell (far
/// beyond HubSpot's own limit) made at test time.
#[test]
fn a_five_megabyte_cell_is_read_and_written_back() {
    let cell: String = "Lorem ipsum, \"dolor\" sit amet\n".repeat(5 * 1024 * 1024 / 30);
    let quoted = cell.replace('"', "\"\"");
    let text =
        format!("Record ID,Email,Notes\n1,a@example.com,\"{quoted}\"\n2,b@example.com,short\n");
    assert!(text.len() > 5_000_000);
    let e = read_bytes(text.as_bytes(), Format::Csv, "huge.csv").unwrap();
    assert_eq!(e.contacts[0].prop("Notes"), Some(cell.as_str()));
    assert_eq!(write_to_vec(&e, Format::Csv), text.as_bytes());

    let s = Sandbox::new();
    s.write("huge.csv", &text);
    for args in [["show", "huge.csv", "2"].as_slice(), &["check", "huge.csv"]] {
        let out = s.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
}
