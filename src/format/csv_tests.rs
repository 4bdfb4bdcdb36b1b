//! Tests of the CSV reader and writer (`csv.rs`).

use super::*;

fn roundtrip(text: &[u8]) -> Vec<u8> {
    let e = read(text, "t.csv").unwrap();
    let mut out = Vec::new();
    write(&e, &mut out).unwrap();
    out
}

/// Found by the fuzz targets: a header whose cells hold more `;` or
/// tabs than the row has commas (or a stray quote) was written as the
/// csv writer writes it, and read back with another delimiter.
#[test]
fn a_header_written_reads_back_with_its_delimiter() {
    for text in [
        &b"Record ID,First Name[{\"x\":\"a\t\t\t\t\t,Last Name,Em\t\t\t\t\t\t\tFirst\n1,a,b,c\n"[..],
        b"hs_object_id,firstname,e\"x;y,mark;;;;;;;;;;eting\n1,a,b,c\n",
    ] {
        let first = read(text, "t.csv").unwrap();
        let written = roundtrip(text);
        let back = read(&written, "w.csv")
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&written)));
        assert_eq!(back, first, "{}", String::from_utf8_lossy(&written));
        assert_eq!(roundtrip(&written), written);
    }
    // A header that sniffs right is written as before.
    let text = b"Record ID,Name;Alias\n1,a\n";
    assert_eq!(roundtrip(text), text);
}

#[test]
fn reads_labels_as_internal_names() {
    let e = read(
        b"Record ID,First Name,Email,Lifecycle Stage,Favourite Colour,Associated Deal IDs\n1,Ann,a@x.com,Lead,blue,7;8\n",
        "t.csv",
    )
    .unwrap();
    let c = &e.contacts[0];
    assert_eq!(c.id, "1");
    assert_eq!(c.prop("firstname"), Some("Ann"));
    assert_eq!(c.prop("lifecyclestage"), Some("Lead"));
    assert_eq!(c.prop("Favourite Colour"), Some("blue"));
    assert_eq!(c.prop("hs_object_id"), Some("1"));
    assert_eq!(
        c.assoc("deals").unwrap().ids().collect::<Vec<_>>(),
        ["7", "8"]
    );
}

#[test]
fn round_trip_keeps_headers_bom_crlf_and_quotes() {
    for text in [
        &b"Record ID,Email,Notes\n1,a@x.com,\"two\nlines\"\n2,,\n"[..],
        b"\xEF\xBB\xBFhs_object_id,email\r\n1,a@x.com\r\n",
        b"\"Record ID\",\"Email\"\n\"1\",\"a@x.com\"\n",
        b"Record ID,Associated Company IDs,Name\n1,4;5,\"D\xC3\xBCrer, Albrecht\"\n",
        b"\xEF\xBB\xBFRecord ID;Associated Company IDs;Name\r\n1;\"4;5\";D\xC3\xBCrer, Albrecht\r\n",
        b"Record ID\tEmail\tNotes\n1\ta@x.com\t\"tab\there\"\n2\t\t\n",
        b"\"Record ID\";\"Email\"\n\"1\";\"a@x.com\"\n",
    ] {
        assert_eq!(
            String::from_utf8_lossy(&roundtrip(text)),
            String::from_utf8_lossy(text)
        );
    }
}

#[test]
fn new_properties_get_columns_in_the_file_style() {
    let mut e = read(b"Record ID,Email\n1,a@x.com\n", "t.csv").unwrap();
    e.contacts[0].set_prop("hs_additional_emails", Some("b@x.com".into()));
    e.contacts[0].set_prop("custom", Some("c".into()));
    let mut out = Vec::new();
    write(&e, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "Record ID,Email,Additional email addresses,custom\n1,a@x.com,b@x.com,c\n"
    );
    let mut e = read(b"hs_object_id,email\n1,a@x.com\n", "t.csv").unwrap();
    e.contacts[0].set_prop("hs_additional_emails", Some("b@x.com".into()));
    let mut out = Vec::new();
    write(&e, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "hs_object_id,email,hs_additional_emails\n1,a@x.com,b@x.com\n"
    );
}

#[test]
fn record_id_cell_is_written_as_read() {
    // Found by fuzzing (roundtrip): the trimmed id replaced the cell.
    let text = b"Record ID,Email\n 7 ,a@x.com\n";
    assert_eq!(roundtrip(text), text);
    let e = read(text, "t.csv").unwrap();
    assert_eq!(e.contacts[0].id, "7");
}

/// The layout `text` is read with, after checking that it is written
/// back to an equal export.
fn layout_kept_on_a_round_trip(text: &[u8]) -> CsvLayout {
    let e = read(text, "t.csv").unwrap();
    let back = read(&roundtrip(text), "t.csv").unwrap();
    assert_eq!(back, e, "{}", String::from_utf8_lossy(text));
    let Layout::Csv(l) = e.layout else {
        unreachable!()
    };
    l
}

#[test]
fn quoting_style_comes_from_the_whole_header() {
    // Found by fuzzing (roundtrip): a first header that needed quotes
    // made the file read as quoted throughout.
    for (text, all) in [
        (&b"\"a,b\",Record ID\n1,2\n"[..], false),
        (b"\"Record ID\",Email\n1,a\n", false),
        (b"\"Record ID\",\"Email\"\n1,a\n", true),
        (b"\"Record ID\",\"\"\n1,a\n", true),
        (b"\r\n\"Record ID\",\"E\"\"\"\r\n1,a\r\n", true),
        (b"\"Record ID\",\n1,a\n", false),
        (b"\"Record ID\"", true),
    ] {
        let l = layout_kept_on_a_round_trip(text);
        assert_eq!(l.quote_all, all, "{}", String::from_utf8_lossy(text));
    }
}

#[test]
fn a_header_row_that_must_be_quoted_throughout_is_not_quote_all() {
    // Found by fuzzing (stream): every header needed quotes, one only
    // because the row without them sniffs as tab-delimited, so the file
    // written in memory read back as quoted throughout while the
    // streamed copy of the same header did not.
    let text = b"\"\t\t\t\tRecord ID\",\"a\"\"\",\"b,c\"";
    assert!(!layout_kept_on_a_round_trip(text).quote_all);
    let plain = "\t\t\t\tRecord ID";
    assert!(!every_header_needs_quotes(
        &[plain.into(), "a".into()],
        b',',
        false
    ));
    assert!(every_header_needs_quotes(
        &[plain.into(), "a,\"".into()],
        b',',
        false
    ));
    // Without the tabs the first header needs no quotes: quote_all stands.
    assert!(layout_kept_on_a_round_trip(b"\"Record ID\",\"a\"\"\"").quote_all);
}

#[test]
fn line_ending_is_the_header_rows() {
    // Found by fuzzing (roundtrip): a CRLF inside a quoted header, or
    // blank lines before it, decided the line ending.
    for (text, crlf) in [
        (&b"\"Record ID\",\"a\r\nb\"\n1,x\n"[..], false),
        (b"\nRecord ID,a\r\n1,x\r\n", true),
        (b"\r\nRecord ID,a\n1,x\r\n", false),
        (b"Record ID,a\r1,x\r\n", false),
        (b"Record ID", false),
    ] {
        let l = layout_kept_on_a_round_trip(text);
        assert_eq!(l.crlf, crlf, "{}", String::from_utf8_lossy(text));
    }
}

#[test]
fn truncated_quote_is_refused() {
    let e = read(b"Record ID,Notes\n1,ok\n2,\"cut off\n", "t.csv")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("t.csv: line 3: a quoted field is still open"),
        "{e}"
    );
}

#[test]
fn truncated_quote_after_a_bare_cr_is_refused() {
    // Found by fuzzing (stream): a bare CR ends a record, so the quote
    // after it opens a field.
    let e = read(b"Record ID\r1\r\"cut off\n", "t.csv")
        .unwrap_err()
        .to_string();
    assert!(e.contains("a quoted field is still open"), "{e}");
}

#[test]
fn literal_quotes_inside_fields_are_fine() {
    let e = read(b"Record ID,Height\n1,5'10\"\n", "t.csv").unwrap();
    assert_eq!(e.contacts[0].prop("Height"), Some("5'10\""));
}

#[test]
fn ragged_rows_name_the_line() {
    let e = read(b"Record ID,Email\n1,a@x.com\n2,b@x.com,extra\n", "t.csv")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "t.csv: line 3 (id 2): the row has 3 fields but the header has 2; fix the row (a stray comma or an unquoted line break?)"
    );
    // A short row: the words say what makes one.
    let e = read(
        b"Record ID,Email,Phone
1,a@x.com,
2,b@x.com
",
        "t.csv",
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("t.csv: line 3 (id 2): the row has 2 fields but the header has 3; fix the row (an unquoted line break, or empty cells at its end left out?"),
        "{e}"
    );
    // Each is a record that cannot be read: the rows after it are read.
    let mut skipped = Vec::new();
    let text = b"Record ID,Email
1,a,x
2,b
3
,c,d
";
    let e = read_with(text, "t.csv", Some(&mut skipped)).unwrap();
    let ids: Vec<&str> = e.contacts.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["2"]);
    let said: Vec<String> = skipped.iter().map(|e| e.to_string()).collect();
    assert_eq!(said.len(), 3, "{said:?}");
    assert!(said[0].starts_with("t.csv: line 2 (id 1): the row has 3 fields"));
    assert!(said[1].starts_with("t.csv: line 4 (id 3): the row has 1 field but"));
    assert!(said[2].starts_with("t.csv: line 5: the row has 3 fields"));
}

#[test]
fn line_numbers_count_blank_lines_crlf_and_quoted_breaks() {
    for (text, line) in [
        (&b"Record ID,Email\r\n1,a\r\n2,b,x\r\n"[..], 3),
        (b"Record ID,Email\n1,a\n\n2,\"b\nc\",x\n", 4),
        (b"Record ID,Email\n1,\"a\nb\"\n\n,c\n", 5),
    ] {
        let e = read(text, "t.csv").unwrap_err().to_string();
        let at = format!("t.csv: line {line}");
        let rest = e.strip_prefix(&at).unwrap_or_default();
        assert!(rest.starts_with(':') || rest.starts_with(" (id"), "{e}");
    }
}

#[test]
fn excel_separator_hint_on_line_1_is_named() {
    for (text, hint) in [
        (&b"sep=;\nRecord ID;Email\n1;a@x.com\n"[..], "sep=;"),
        (
            b"\xEF\xBB\xBFsep=,\r\nRecord ID,Email\r\n1,a@x.com\r\n",
            "sep=,",
        ),
        (b"SEP=\t\nRecord ID\tEmail\n1\ta@x.com\n", "SEP=\t"),
    ] {
        let e = read(text, "t.csv").unwrap_err().to_string();
        let want = format!("t.csv: header (line 1): line 1 ({hint:?}) is Excel's separator hint, not the header; remove that line");
        assert!(e.starts_with(&want), "{e}");
    }
    // A header that only starts so is no hint.
    let e = read(b"sep=x,Email\n1,a\n", "t.csv")
        .unwrap_err()
        .to_string();
    assert!(!e.contains("separator hint"), "{e}");
}

#[test]
fn missing_id_column_or_cell() {
    let e = read(b"Email\na@x.com\n", "t.csv").unwrap_err().to_string();
    assert!(e.contains("no record id column"), "{e}");
    let e = read(b"Record ID,Email\n,a@x.com\n", "t.csv")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("t.csv: line 2: the row has no record id"),
        "{e}"
    );
}

#[test]
fn duplicate_headers_are_refused() {
    let e = read(b"Record ID,Email,email\n1,a,b\n", "t.csv")
        .unwrap_err()
        .to_string();
    assert!(e.contains("columns 2 (\"Email\") and 3 (\"email\")"), "{e}");
}

#[test]
fn json_contacts_write_with_internal_names() {
    let e = crate::format::json::read(
        br#"[{"id":"1","properties":{"email":"a@x.com"},"associations":{"deals":["9"]}},{"id":"2","properties":{"firstname":"B"}}]"#,
        "t.json",
    )
    .unwrap();
    let mut out = Vec::new();
    write(&e, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "hs_object_id,email,associateddealids,firstname\n1,a@x.com,9,\n2,,,B\n"
    );
}

#[test]
fn duplicate_columns_name_the_first_of_them() {
    for (text, want) in [
        (
            &b"Email,Record ID,x,email,EMAIL\n"[..],
            "columns 1 (\"Email\") and 4 (\"email\")",
        ),
        (
            b"Record ID,Associated Deal IDs,a,associateddealids\n",
            "columns 2 (\"Associated Deal IDs\") and 4 (\"associateddealids\")",
        ),
        (
            b"hs_object_id,a,b,Contact ID\n",
            "columns 1 (\"hs_object_id\") and 4 (\"Contact ID\")",
        ),
        (b"Record ID, a ,b,a\n", "columns 2 (\" a \") and 4 (\"a\")"),
    ] {
        let e = read(text, "t.csv").unwrap_err().to_string();
        assert!(e.contains(want), "{e}");
    }
}

#[test]
fn a_header_of_a_hundred_thousand_columns_is_read() {
    // Each column looked up once in a map (a search of the columns
    // before it took minutes on a million).
    let n = 100_000;
    let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    let text = format!(
        "{},Record ID\n{},7\n",
        names.join(","),
        (0..n).map(|i| i.to_string()).collect::<Vec<_>>().join(",")
    );
    let e = read(text.as_bytes(), "t.csv").unwrap();
    let Layout::Csv(l) = &e.layout else {
        unreachable!()
    };
    assert_eq!((l.columns.len(), l.id_column), (n + 1, n));
    assert_eq!(l.columns[n - 1], Column::Property(format!("c{}", n - 1)));
    assert_eq!(e.contacts[0].id, "7");
    assert_eq!(e.contacts[0].prop("c99999"), Some("99999"));
    let mut text = text.replace(",Record ID\n", ",c5,Record ID\n");
    text = text.replace(",7\n", ",x,7\n");
    let err = read(text.as_bytes(), "t.csv").unwrap_err().to_string();
    assert!(
        err.contains("columns 6 (\"c5\") and 100001 (\"c5\")"),
        "{err}"
    );
}

/// The csv writer's encoding of one record, as `encode_record` used to
/// make it: the oracle of the hand-written encoder.
fn csv_writer_record(layout: &CsvLayout, cells: &[Vec<u8>]) -> Vec<u8> {
    let mut w = writer_for(layout).from_writer(Vec::new());
    w.write_record(cells).unwrap();
    let mut bytes = w.into_inner().unwrap();
    while matches!(bytes.last(), Some(b'\n' | b'\r')) {
        bytes.pop();
    }
    bytes
}

fn layout_with(delimiter: u8, quote_all: bool, crlf: bool) -> CsvLayout {
    CsvLayout {
        headers: Vec::new(),
        columns: Vec::new(),
        id_column: 0,
        bom: false,
        crlf,
        quote_all,
        labels: false,
        delimiter,
        sheet: None,
        unterminated: None,
    }
}

#[test]
fn records_are_encoded_as_the_csv_writer_encodes_them() {
    let cases: &[&[&str]] = &[
        &[],
        &[""],
        &["", ""],
        &["a"],
        &["a", "", "b"],
        &[
            "say \"hi\"",
            "x,y",
            "line\nbreak",
            "cr\r",
            "semi;colon",
            "tab\t",
        ],
        &["\"", "\"\"", " lead", "trail ", "é ü 😀"],
    ];
    for &delimiter in b",;\t|" {
        for quote_all in [false, true] {
            for crlf in [false, true] {
                let layout = layout_with(delimiter, quote_all, crlf);
                for cells in cases {
                    let cells: Vec<Vec<u8>> = cells.iter().map(|c| c.as_bytes().to_vec()).collect();
                    assert_eq!(
                        String::from_utf8(encode_record(&layout, &cells)).unwrap(),
                        String::from_utf8(csv_writer_record(&layout, &cells)).unwrap(),
                        "{cells:?}, delimiter {delimiter}, quote_all {quote_all}"
                    );
                }
            }
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]
    #[test]
    fn any_record_is_encoded_as_the_csv_writer_encodes_it(
        cells in proptest::collection::vec("[a-c ,;\t\"\r\n|é]{0,6}", 0..5),
        delimiter in proptest::sample::select(vec![b',', b';', b'\t', b'|']),
        quote_all: bool,
    ) {
        let layout = layout_with(delimiter, quote_all, false);
        let cells: Vec<Vec<u8>> = cells.iter().map(|c| c.as_bytes().to_vec()).collect();
        proptest::prop_assert_eq!(encode_record(&layout, &cells), csv_writer_record(&layout, &cells));
    }
}
