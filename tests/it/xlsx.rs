//! XLSX exports (SPEC section 3): the first sheet read as CSV is, in every
//! command; written back as XLSX with the same sheet, header and column
//! order; and files whose bytes are not what their name says.

use calamine::{Data, Reader as _, Xlsx};

use crate::util::{fixtures, stderr, stdout, Sandbox};

/// A workbook written by another writer (openpyxl) than ours: numbers,
/// Excel date cells, shared strings, sheet "Contacts".
const FOREIGN: &str = "hubspot-export.xlsx";

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.write(
        FOREIGN,
        std::fs::read(fixtures().join("real").join(FOREIGN)).unwrap(),
    );
    sb.write("none.csv", "primary_id,secondary_id\n");
    sb
}

/// The sheet names and the first sheet's cells, as calamine reads them.
fn workbook(bytes: Vec<u8>) -> (Vec<String>, Vec<Vec<Data>>) {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let names = book.sheet_names();
    let range = book.worksheet_range(&names[0]).unwrap();
    (names, range.rows().map(<[Data]>::to_vec).collect())
}

/// `apply` with `plan` from `input` to `output`; panics unless it succeeds.
fn apply(sb: &Sandbox, input: &str, plan: &str, output: &str) {
    let out = sb
        .cmd()
        .args(["apply", input, "--plan", plan, "-o", output])
        .output()
        .unwrap();
    assert!(out.status.success(), "{input}: {}", stderr(&out));
}

#[test]
fn check_show_and_diff_read_the_sheet() {
    let sb = sandbox();
    let out = sb.cmd().args(["check", FOREIGN]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("5 contacts, no problems"),
        "{}",
        stderr(&out)
    );
    let out = sb
        .cmd()
        .args(["show", FOREIGN, "101", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    // A number cell without ".0", an Excel date cell as HubSpot writes dates.
    assert!(text.contains("\"hs_object_id\": \"101\""), "{text}");
    assert!(text.contains("\"num_conversion_events\": \"3\""), "{text}");
    assert!(
        text.contains("\"createdate\": \"2021-03-04 09:15\""),
        "{text}"
    );
    let out = sb
        .cmd()
        .args(["diff", FOREIGN, "101", "102"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Doe-Miller"));
}

#[test]
fn identity_apply_keeps_cells_sheet_and_columns() {
    let sb = sandbox();
    apply(&sb, FOREIGN, "none.csv", "same.xlsx");
    let (names, rows) = workbook(sb.read("same.xlsx"));
    let (names0, rows0) = workbook(sb.read(FOREIGN));
    assert_eq!(names, ["Contacts"]);
    assert_eq!(names, names0);
    assert_eq!(rows[0], rows0[0], "the header, in order");
    // Every cell reads as the same text (dates come back as text cells).
    apply(&sb, "same.xlsx", "none.csv", "same.csv");
    apply(&sb, FOREIGN, "none.csv", "first.csv");
    assert_eq!(sb.read("same.csv"), sb.read("first.csv"));
    assert_eq!(sb.read("first.csv"), sb.read("contacts.csv"));
    // A workbook this tool wrote comes back byte for byte.
    apply(&sb, "same.xlsx", "none.csv", "again.xlsx");
    assert_eq!(sb.read("again.xlsx"), sb.read("same.xlsx"));
}

#[test]
fn csv_and_xlsx_convert_into_each_other() {
    let sb = sandbox();
    apply(&sb, "contacts.csv", "none.csv", "c.xlsx");
    let (names, rows) = workbook(sb.read("c.xlsx"));
    assert_eq!(names, ["Sheet1"]);
    assert_eq!(rows.len(), 6);
    // Numbers are number cells, other text is text; ids stay exact.
    assert_eq!(rows[1][0], Data::Float(101.0));
    assert_eq!(rows[1][25], Data::String("0035e00000AbCdE".into()));
    apply(&sb, "c.xlsx", "none.csv", "back.csv");
    assert_eq!(sb.read("back.csv"), sb.read("contacts.csv"));
    // --output-format, and stdin read in memory.
    let out = sb
        .cmd()
        .args(["apply", "-", "--input-format", "xlsx", "--plan", "none.csv"])
        .args(["-o", "-", "--output-format", "csv"])
        .write_stdin(sb.read("c.xlsx"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout, sb.read("contacts.csv"));
}

#[test]
fn merge_and_apply_write_xlsx_with_new_columns_after_the_sheets() {
    let sb = sandbox();
    let out = sb
        .cmd()
        .args(["merge", FOREIGN, "101", "102", "-o", "m.xlsx"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let (names, rows) = workbook(sb.read("m.xlsx"));
    let (_, rows0) = workbook(sb.read(FOREIGN));
    assert_eq!(names, ["Contacts"]);
    assert_eq!(rows.len(), rows0.len() - 1);
    assert_eq!(
        rows[0][..rows0[0].len()],
        rows0[0][..],
        "the sheet's columns first"
    );
    apply(&sb, FOREIGN, "plan.csv", "a.xlsx");
    let (_, rows) = workbook(sb.read("a.xlsx"));
    assert_eq!(rows.len(), 4, "the header and three contacts");
    assert_eq!(rows[1][2], Data::String("Doe-Miller".into()));
}

#[test]
fn unmerge_and_dupes_read_xlsx() {
    let sb = sandbox();
    let out = sb.cmd().args(["dupes", FOREIGN]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("102"), "{}", stdout(&out));
    let out = sb
        .cmd()
        .args([
            "unmerge",
            FOREIGN,
            "102",
            "jane@doe-family.net",
            "-o",
            "u.xlsx",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let (names, rows) = workbook(sb.read("u.xlsx"));
    assert_eq!(names, ["Contacts"]);
    assert_eq!(rows.len(), 7, "a new contact");
}

#[test]
fn a_file_whose_bytes_say_otherwise_is_named_for_what_it_looks_like() {
    let sb = sandbox();
    sb.write("zip.csv", sb.read(FOREIGN));
    sb.write("doc.csv", sb.read("contacts.json"));
    sb.write("text.xlsx", sb.read("contacts.csv"));
    sb.write("doc.xlsx", sb.read("contacts.json"));
    for (name, says) in [
        ("zip.csv", "it is a zip archive, which is what an XLSX workbook is; name it .xlsx or pass --input-format xlsx"),
        ("doc.csv", "it looks like JSON"),
        ("text.xlsx", "not an XLSX workbook (not a zip archive); it looks like text (CSV?): name it .csv"),
        ("doc.xlsx", "it looks like JSON: name it .json"),
    ] {
        for command in ["check", "show"] {
            let mut cmd = sb.cmd();
            cmd.args([command, name]);
            if command == "show" {
                cmd.arg("101");
            }
            let out = cmd.output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{command} {name}");
            let all = stdout(&out) + &stderr(&out);
            assert!(all.contains(says), "{command} {name}: {all}");
            assert!(!all.contains("UTF-8"), "{command} {name}: {all}");
        }
    }
}

/// Regression: messages about a workbook named lines of the CSV text it
/// was turned into, which are not the sheet's rows when the header does
/// not start in row 1, rows are blank or a cell holds a line break. They
/// name the sheet's rows now.
#[test]
fn messages_name_the_rows_of_the_sheet() {
    let sb = Sandbox::new();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Contacts").unwrap();
    let rows: &[(u32, &[&str])] = &[
        (1, &["Record ID", "Email", "Notes"]),
        (2, &["1", "a@x.com", "two\nlines"]),
        // Row 4 is blank.
        (4, &["2", "bad-email", "x"]),
        (5, &["", "c@x.com", "no id"]),
        (6, &["1", "again@x.com", "the id of row 3"]),
    ];
    for (row, cells) in rows {
        for (col, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                // The header and its rows start at column B.
                sheet.write_string(*row, col as u16 + 1, *text).unwrap();
            }
        }
    }
    sb.write("rows.xlsx", book.save_to_buffer().unwrap());
    let out = sb.cmd().args(["check", "rows.xlsx"]).output().unwrap();
    let table = stdout(&out);
    for needle in [
        "row 5",
        "not a valid email address",
        "row 6",
        "has no record id",
        "row 7",
        "the same id as row 3",
    ] {
        assert!(table.contains(needle), "{needle}: {table}");
    }
    assert!(!table.contains("line "), "{table}");
    // A command that stops at the first fault names the row too.
    let out = sb
        .cmd()
        .args(["merge", "rows.xlsx", "1", "2", "-o", "m.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("rows.xlsx: row 6"),
        "{}",
        stderr(&out)
    );
}

/// `--in-place` on a workbook of several sheets would lose all but the
/// first: refused before any work, the workbook untouched; `-o` to another
/// file writes the first sheet as always.
#[test]
fn in_place_is_refused_on_a_workbook_of_several_sheets() {
    let sb = sandbox();
    let mut book = rust_xlsxwriter::Workbook::new();
    let export = book.add_worksheet().set_name("Export").unwrap();
    for (col, h) in ["Record ID", "Email"].into_iter().enumerate() {
        export.write_string(0, col as u16, h).unwrap();
    }
    for (row, (id, email)) in [("1", "a@x.com"), ("2", "b@x.com")].into_iter().enumerate() {
        export.write_string(row as u32 + 1, 0, id).unwrap();
        export.write_string(row as u32 + 1, 1, email).unwrap();
    }
    let notes = book.add_worksheet().set_name("Review notes").unwrap();
    notes.write_string(0, 0, "keep 1, drop 2").unwrap();
    sb.write("book.xlsx", book.save_to_buffer().unwrap());
    sb.write("plan.csv", "primary_id,secondary_id\n1,2\n");
    let before = sb.read("book.xlsx");
    let out = sb
        .cmd()
        .args(["apply", "book.xlsx", "--plan", "plan.csv", "--in-place"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("book.xlsx has sheets besides \"Export\" (\"Review notes\")"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.read("book.xlsx"), before);
    let out = sb
        .cmd()
        .args(["merge", "book.xlsx", "1", "2", "--in-place"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = sb
        .cmd()
        .args(["apply", "book.xlsx", "--plan", "plan.csv", "-o", "out.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "the workbook's sheets besides \"Export\" (\"Review notes\") are not in the output"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(workbook(sb.read("out.xlsx")).0, ["Export"]);
}

/// A cell longer than an XLSX cell holds is refused naming the contact,
/// the column and the length, and what to write instead; nothing is
/// written.
#[test]
fn a_cell_too_long_for_xlsx_names_its_contact_and_column() {
    let sb = sandbox();
    let long = "x".repeat(40_000);
    sb.write(
        "long.csv",
        format!("Record ID,Email,Notes\n1,a@x.example,{long}\n2,b@x.example,hi\n"),
    );
    let out = sb
        .cmd()
        .args(["apply", "long.csv", "--plan", "none.csv", "-o", "long.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("contact 1: the cell of column \"Notes\" holds 40000 characters")
            && err.contains("(32767)")
            && err.contains("-o FILE.csv"),
        "{err}"
    );
    assert!(!sb.path("long.xlsx").exists());
}
