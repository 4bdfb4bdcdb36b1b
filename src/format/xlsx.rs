//! XLSX exports (SPEC section 3): the first sheet, its first row the
//! header as in CSV. The workbook is read whole (a zip cannot be read a
//! piece at a time) and its cells turned into CSV text, which the one CSV
//! reader reads ([`super::records`]); so every command reads XLSX as it
//! reads CSV. Written back as XLSX: the same sheet name, header and column
//! order, new columns after the file's, the same bytes for the same input.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{self, Cursor, Write};

use calamine::{Data, Reader as _, Xlsx};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

use super::csv::{layout_of, row_cells};
use super::{ReadError, WriteOptions};
use crate::model::Export;

/// The first bytes of a zip archive, which an XLSX workbook is.
pub const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// The sheet name written when the export was not read from XLSX.
const DEFAULT_SHEET: &str = "Sheet1";

/// The sheets of the workbook at `path` besides the first (the one read
/// and written), for messages: `sheets besides "Export" ("Notes")`; `None`
/// when there are none or it is no workbook this can read (reading it says
/// why).
pub fn other_sheets(path: &std::path::Path) -> Option<String> {
    let book: Xlsx<_> = calamine::open_workbook(path).ok()?;
    let sheets = book.sheet_names();
    let [first, others @ ..] = sheets.as_slice() else {
        return None;
    };
    let others: Vec<String> = others.iter().map(|s| format!("{s:?}")).collect();
    (!others.is_empty()).then(|| format!("sheets besides {first:?} ({})", others.join(", ")))
}

/// The header of the workbook at `path` (its first sheet's first row with
/// text), read without the rest of the sheet; `None` when it cannot be read
/// (reading the export says why).
pub fn header(path: &std::path::Path) -> Option<Vec<String>> {
    let mut book: Xlsx<_> = calamine::open_workbook(path).ok()?;
    let sheet = book.sheet_names().first().cloned()?;
    let mut cells = book.worksheet_cells_reader(&sheet).ok()?;
    let mut header: Vec<(u32, String)> = Vec::new();
    let mut row = None;
    while let Some(cell) = cells.next_cell().ok()? {
        let (r, col) = cell.get_position();
        if row.is_some_and(|first| first != r) && !header.is_empty() {
            break;
        }
        row = Some(r);
        let text = cell_text(&Data::from(cell.get_value().clone())).into_owned();
        if !text.is_empty() {
            header.push((col, text));
        }
    }
    Some(header.into_iter().map(|(_, h)| h).collect())
}

/// The workbook `bytes` as CSV text (comma-separated, quoted where needed,
/// LF) of its first sheet, and that sheet's name. The sheet is read a cell
/// at a time (never held as a grid): its first row with text is the
/// header, whose first and last cells fix the columns; rows with no text
/// are blank lines, which the CSV reader skips. Each row starts on the
/// line of its number (row 12 on line 12, line breaks inside cells not
/// counted, as the reader counts a sheet's lines), so places in messages
/// are the sheet's rows.
pub(crate) fn to_csv(bytes: &[u8], file: &str) -> Result<(Vec<u8>, Sheets), ReadError> {
    if !bytes.starts_with(ZIP_MAGIC) {
        return Err(not_a_workbook(bytes, file));
    }
    let bad = |what: String| ReadError::Invalid {
        file: file.into(),
        place: "workbook".into(),
        what,
    };
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| {
        bad(format!(
            "cannot read the XLSX workbook ({e}); open it in a spreadsheet and save it as .xlsx again, or export the contacts again"
        ))
    })?;
    let names = book.sheet_names();
    let Some(sheet) = names.first().cloned() else {
        return Err(bad(
            "the workbook has no sheet; export the contacts again".into()
        ));
    };
    let mut cells = book.worksheet_cells_reader(&sheet).map_err(|e| {
        bad(format!(
            "cannot read sheet {sheet:?} ({e}); open it in a spreadsheet and save it as .xlsx again"
        ))
    })?;
    let out = RefCell::new(Vec::with_capacity(bytes.len() * 2));
    let mut rows = Rows {
        // The sheet's text is read back as CSV, whose delimiter a
        // `--delimiter` sets for the run: write it with that one.
        w: ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::Any(b'\n'))
            .delimiter(super::delimiter::given().unwrap_or(b','))
            .from_writer(Shared(&out)),
        out: &out,
        columns: None,
        row: None,
        cells: Vec::new(),
        next_line: 1,
        file,
    };
    loop {
        let cell = cells.next_cell().map_err(|e| {
            bad(format!(
                "cannot read sheet {sheet:?} ({e}); open it in a spreadsheet and save it as .xlsx again"
            ))
        })?;
        let Some(cell) = cell else { break };
        let (row, col) = cell.get_position();
        if rows.row != Some(row) {
            rows.flush()?;
            rows.row = Some(row);
        }
        let data = Data::from(cell.get_value().clone());
        let text = cell_text(&data);
        if !text.is_empty() {
            rows.cells.push((col, text.into_owned()));
        }
    }
    rows.flush()?;
    drop(rows);
    let others = names[1..].to_vec();
    Ok((
        out.into_inner(),
        Sheets {
            read: sheet,
            others,
        },
    ))
}

/// A workbook's sheets: the first, which is read, and the others.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sheets {
    pub read: String,
    pub others: Vec<String>,
}

impl Sheets {
    /// A header that is no contacts' header (or a first sheet without
    /// text) in a workbook of several sheets: the contacts are likely on
    /// another one. Says which sheet was read, names the others and to
    /// move the contacts' sheet first. Other errors as they are.
    pub(crate) fn explain(&self, e: ReadError) -> ReadError {
        if self.others.is_empty() {
            return e;
        }
        let others: Vec<String> = self.others.iter().map(|s| format!("{s:?}")).collect();
        let why = format!(
            "the tool reads the workbook's first sheet only, and its other sheets are {}: if the contacts are on one of those, move that sheet first (drag its tab to the left), save and try again",
            others.join(", ")
        );
        let sheet = format!("sheet {:?} (the first)", self.read);
        match e {
            ReadError::Invalid { file, place, what } if place.starts_with("header") => {
                ReadError::Invalid {
                    file,
                    place: format!("{sheet}, {place}"),
                    what: format!("{what}; {why}"),
                }
            }
            ReadError::Empty { file } => ReadError::Invalid {
                file,
                place: sheet,
                what: format!("the sheet is empty; {why}"),
            },
            e => e,
        }
    }
}

/// The sheet's rows as they are read, written as CSV rows: the cells
/// are given one at a time, a row's in column order.
struct Rows<'o, 'f> {
    w: ::csv::Writer<Shared<'o>>,
    /// What `w` writes to, for the blank lines written between its rows.
    out: &'o RefCell<Vec<u8>>,
    /// The header's columns: the first and how many (from its first and
    /// last cell), once the header row is read.
    columns: Option<(u32, usize)>,
    /// The row being read (from 0), and its cells that hold text.
    row: Option<u32>,
    cells: Vec<(u32, String)>,
    /// The line the next row written starts on (line breaks inside cells
    /// not counted).
    next_line: u64,
    file: &'f str,
}

impl Rows<'_, '_> {
    /// Write the row read, in the header's columns; a row with no text
    /// is left out, as CSV's blank lines are.
    fn flush(&mut self) -> Result<(), ReadError> {
        let (Some(row), Some(last)) = (self.row, self.cells.last()) else {
            return Ok(());
        };
        let (first, width) = *self.columns.get_or_insert_with(|| {
            let first = self.cells[0].0;
            (first, (last.0 - first) as usize + 1)
        });
        let mut line = vec![""; width];
        for (col, text) in &self.cells {
            match col.checked_sub(first).filter(|&k| (k as usize) < width) {
                Some(k) => line[k as usize] = text,
                None => {
                    return Err(ReadError::Invalid {
                        file: self.file.into(),
                        place: format!("row {}, column {}", row + 1, column_name(*col)),
                        what: format!(
                            "the cell {text:?} is outside the header's columns; give it a header or move it into a column that has one"
                        ),
                    })
                }
            }
        }
        let failed = |e: String| ReadError::Invalid {
            file: self.file.into(),
            place: format!("row {}", row + 1),
            what: format!("cannot hold the sheet's cells: {e}"),
        };
        // Blank lines up to the row's number.
        let number = u64::from(row) + 1;
        if number > self.next_line {
            self.w.flush().map_err(|e| failed(e.to_string()))?;
            let blank = (number - self.next_line) as usize;
            self.out
                .borrow_mut()
                .extend(std::iter::repeat_n(b'\n', blank));
        }
        self.w
            .write_record(&line)
            .map_err(|e| failed(e.to_string()))?;
        self.next_line = number + 1;
        self.cells.clear();
        Ok(())
    }
}

/// The CSV text being made, written to by the csv writer and, between its
/// rows, by [`Rows`].
struct Shared<'o>(&'o RefCell<Vec<u8>>);

impl Write for Shared<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A column's letters as a spreadsheet names it (0 is A, 26 is AA).
fn column_name(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut name = Vec::new();
    while n > 0 {
        name.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).expect("letters")
}

/// A cell as the text HubSpot wrote: numbers without a needless `.0`
/// (ids are integers), booleans as HubSpot's `true`/`false`, Excel dates
/// as HubSpot's export writes dates (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM`,
/// with `:SS` when there are seconds), an error cell as Excel shows it.
pub(crate) fn cell_text(cell: &Data) -> Cow<'_, str> {
    match cell {
        Data::Empty => Cow::Borrowed(""),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s),
        Data::Int(i) => Cow::Owned(i.to_string()),
        // Display writes the shortest text that reads back as the same
        // number, never with an exponent: 101.0 is "101".
        Data::Float(f) => Cow::Owned(f.to_string()),
        Data::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if d.is_datetime() => Cow::Owned(date_text(t)),
            _ => Cow::Owned(d.as_f64().to_string()),
        },
        Data::Error(e) => Cow::Owned(e.to_string()),
    }
}

fn date_text(t: chrono::NaiveDateTime) -> String {
    use chrono::Timelike;
    if t.time() == chrono::NaiveTime::MIN {
        t.format("%Y-%m-%d").to_string()
    } else if t.second() == 0 {
        t.format("%Y-%m-%d %H:%M").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// What a file given as XLSX but not a zip looks like, and what to do.
fn not_a_workbook(bytes: &[u8], file: &str) -> ReadError {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let looks = match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[' | b'{') => {
            "it looks like JSON: name it .json (or .ndjson) or pass --input-format json"
        }
        Some(_) if std::str::from_utf8(&text[..text.len().min(4096)]).is_ok() => {
            "it looks like text (CSV?): name it .csv or pass --input-format csv"
        }
        _ => "export the contacts from HubSpot as XLSX again",
    };
    ReadError::Invalid {
        file: file.into(),
        place: "start of file".into(),
        what: format!("read as XLSX, but it is not an XLSX workbook (not a zip archive); {looks}"),
    }
}

/// Whether `text` is written as a number cell: a number whose shortest
/// text is `text` itself (no leading zero, `+`, exponent or trailing
/// zero that a number cell would lose) and that Excel holds exactly (15
/// significant digits at most). Anything else, a long id included, is a
/// text cell, so that every cell reads back as the text written.
fn as_number(text: &str) -> Option<f64> {
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    if digits == 0 || digits > 15 {
        return None;
    }
    let n: f64 = text.parse().ok()?;
    (n.is_finite() && n.to_string() == text).then_some(n)
}

/// Write an export as an XLSX workbook of one sheet: the sheet read (or
/// "Sheet1"), its header and column order, new columns after the file's.
/// The document's creation time is fixed, so the same export gives the
/// same bytes.
pub fn write_with(export: &Export, opts: WriteOptions, out: &mut dyn Write) -> io::Result<()> {
    let layout = layout_of(export);
    let mut book = Workbook::new();
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xlsx_error)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    // Rows go to a temporary file as they are written, not held.
    let sheet = book.add_worksheet_with_constant_memory();
    sheet
        .set_name(layout.sheet.as_deref().unwrap_or(DEFAULT_SHEET))
        .map_err(xlsx_error)?;
    let put = |sheet: &mut rust_xlsxwriter::Worksheet, row: u32, col: u16, text: &str| {
        let sanitized;
        let text = if opts.sanitize_formulas && super::formula::is_formula(text) {
            sanitized = format!("'{text}");
            sanitized.as_str()
        } else {
            text
        };
        match as_number(text) {
            Some(n) => sheet.write_number(row, col, n).map(|_| ()),
            None if text.is_empty() => Ok(()),
            None => sheet.write_string(row, col, text).map(|_| ()),
        }
        .map_err(xlsx_error)
    };
    for (col, h) in layout.headers.iter().enumerate() {
        put(sheet, 0, col_index(col)?, h)?;
    }
    let mut cells = Vec::with_capacity(layout.columns.len());
    for (i, c) in export.contacts.iter().enumerate() {
        let row = u32::try_from(i + 1).map_err(|_| too_big("rows"))?;
        row_cells(&layout, c, &mut cells);
        for (col, cell) in cells.iter().enumerate() {
            if cell.chars().count() > CELL_LIMIT {
                return Err(cell_too_long(c, &layout.headers[col], cell));
            }
            put(sheet, row, col_index(col)?, cell)?;
        }
    }
    let bytes = book.save_to_buffer().map_err(xlsx_error)?;
    out.write_all(&bytes)
}

/// The most characters an XLSX cell holds (Excel's limit).
const CELL_LIMIT: usize = 32_767;

/// A cell longer than an XLSX cell holds: named, with what to do.
fn cell_too_long(c: &crate::model::Contact, header: &str, cell: &str) -> io::Error {
    io::Error::other(format!(
        "contact {}: the cell of column \"{header}\" holds {} characters, more than an XLSX cell holds ({CELL_LIMIT}); write the output as CSV or JSON (-o FILE.csv), which hold it whole",
        c.id,
        cell.chars().count()
    ))
}

fn col_index(col: usize) -> io::Result<u16> {
    u16::try_from(col).map_err(|_| too_big("columns"))
}

fn too_big(what: &str) -> io::Error {
    io::Error::other(format!(
        "the export has more {what} than an XLSX sheet holds; write it as CSV (-o FILE.csv)"
    ))
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> io::Error {
    match e {
        rust_xlsxwriter::XlsxError::RowColumnLimitError => too_big("rows or columns"),
        other => io::Error::other(format!("cannot write the XLSX workbook: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_the_text_written() {
        assert_eq!(cell_text(&Data::Float(101.0)), "101");
        assert_eq!(
            cell_text(&Data::Float(9007199254740991.0)),
            "9007199254740991"
        );
        assert_eq!(cell_text(&Data::Float(2.5)), "2.5");
        assert_eq!(cell_text(&Data::Int(-7)), "-7");
        assert_eq!(cell_text(&Data::Bool(true)), "true");
        assert_eq!(
            cell_text(&Data::String("0035e00000AbCdE".into())),
            "0035e00000AbCdE"
        );
        assert_eq!(cell_text(&Data::Empty), "");
    }

    #[test]
    fn only_exact_numbers_become_number_cells() {
        assert_eq!(as_number("101"), Some(101.0));
        assert_eq!(as_number("-2.5"), Some(-2.5));
        for text in [
            "0101",
            "+1",
            "1.0",
            "1e5",
            "12345678901234567890",
            "",
            "NaN",
            "inf",
            "1 2",
        ] {
            assert_eq!(as_number(text), None, "{text}");
        }
    }

    #[test]
    fn excel_dates_read_as_hubspot_writes_dates() {
        let t = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        assert_eq!(date_text(t("2024-03-15 00:00:00")), "2024-03-15");
        assert_eq!(date_text(t("2024-03-15 14:30:00")), "2024-03-15 14:30");
        assert_eq!(date_text(t("2024-03-15 14:30:05")), "2024-03-15 14:30:05");
    }

    #[test]
    fn a_workbook_round_trips_its_cells_sheet_and_bytes() {
        let csv = "Record ID,Email,Notes,Count\n101,a@x.com,\"two\nlines, \"\"quoted\"\"\",3\n102,,0123,\n";
        let mut export = super::super::csv::read(csv.as_bytes(), "t.csv").unwrap();
        let crate::model::Layout::Csv(l) = &mut export.layout else {
            unreachable!()
        };
        l.sheet = Some("Contacts export".into());
        let mut first = Vec::new();
        write_with(&export, WriteOptions::default(), &mut first).unwrap();
        let (text, sheet) = to_csv(&first, "t.xlsx").unwrap();
        assert_eq!(sheet.read, "Contacts export");
        assert_eq!(String::from_utf8(text).unwrap(), csv);
        let mut again = Vec::new();
        write_with(&export, WriteOptions::default(), &mut again).unwrap();
        assert_eq!(first, again, "the same export gives the same bytes");
    }

    /// A workbook of one sheet with `cells` (row, column, text).
    fn book(cells: &[(u32, u16, &str)]) -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for &(row, col, text) in cells {
            sheet.write_string(row, col, text).unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn the_first_row_with_text_fixes_the_columns() {
        // The header at B2:C2, a blank row, a row with a gap: each row on
        // the line of its number.
        let bytes = book(&[
            (1, 1, "Record ID"),
            (1, 2, "Email"),
            (2, 1, "1"),
            (4, 2, "b@x.com"),
        ]);
        let (text, sheet) = to_csv(&bytes, "t.xlsx").unwrap();
        assert_eq!(sheet.read, "Sheet1");
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "\nRecord ID,Email\n1,\n\n,b@x.com\n"
        );
        let bytes = book(&[
            (0, 0, "Record ID"),
            (0, 1, "Email"),
            (1, 0, "1"),
            (1, 3, "stray"),
        ]);
        let e = to_csv(&bytes, "t.xlsx").unwrap_err().to_string();
        assert!(e.contains("row 2, column D"), "{e}");
        assert!(
            e.contains("\"stray\" is outside the header's columns"),
            "{e}"
        );
    }

    #[test]
    fn a_first_sheet_without_contacts_names_the_sheets() {
        let mut wb = Workbook::new();
        let notes = wb.add_worksheet().set_name("Read me").unwrap();
        notes
            .write_string(0, 0, "This export was made by HubSpot")
            .unwrap();
        let contacts = wb.add_worksheet().set_name("Contacts").unwrap();
        contacts.write_string(0, 0, "Record ID").unwrap();
        contacts.write_string(1, 0, "1").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let e = crate::format::read_bytes(&bytes, crate::format::Format::Xlsx, "t.xlsx")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "t.xlsx: sheet \"Read me\" (the first), header (line 1): no record id column"
            ),
            "{e}"
        );
        assert!(e.contains("its other sheets are \"Contacts\": if the contacts are on one of those, move that sheet first"), "{e}");
        // An empty first sheet, the same.
        let mut wb = Workbook::new();
        wb.add_worksheet().set_name("Blank").unwrap();
        let contacts = wb.add_worksheet().set_name("Contacts").unwrap();
        contacts.write_string(0, 0, "Record ID").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let e = crate::format::read_bytes(&bytes, crate::format::Format::Xlsx, "t.xlsx")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.xlsx: sheet \"Blank\" (the first): the sheet is empty; "),
            "{e}"
        );
        // A single sheet: the message as before.
        let bytes = book(&[(0, 0, "Email")]);
        let e = crate::format::read_bytes(&bytes, crate::format::Format::Xlsx, "t.xlsx")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.xlsx: header (line 1): no record id column"),
            "{e}"
        );
    }

    #[test]
    fn columns_are_named_as_spreadsheets_name_them() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn text_given_as_xlsx_says_what_it_looks_like() {
        let e = to_csv(b"Record ID,Email\n1,a@x.com\n", "t.xlsx").unwrap_err();
        assert!(e.to_string().contains("name it .csv"), "{e}");
        let e = to_csv(b"  [{\"id\": \"1\"}]", "t.xlsx").unwrap_err();
        assert!(e.to_string().contains("looks like JSON"), "{e}");
    }
}
