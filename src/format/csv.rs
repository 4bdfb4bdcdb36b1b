//! CSV exports as HubSpot writes them: one contact a row, headers as labels
//! ("Record ID", "Email", ...) or internal names, association id columns,
//! `;` inside multi-value cells. Headers are written back verbatim, in
//! their order; a UTF-8 BOM and CRLF line endings are kept.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use super::{Place, ReadError};
use crate::labels;
use crate::model::{AssocList, Associations, Contact, Export, Layout, Properties};

/// The layout types live in the model, which knows no file format; they
/// keep their names here.
pub use crate::model::{Column, CsvLayout};

const ID: &str = "hs_object_id";

/// Read a CSV export.
pub fn read(bytes: &[u8], file: &str) -> Result<Export, ReadError> {
    read_with(bytes, file, None)
}

/// Read a CSV export; with `skipped`, a row without a record id is reported
/// there and left out instead of failing the whole file.
pub fn read_with(
    bytes: &[u8],
    file: &str,
    skipped: Option<&mut Vec<ReadError>>,
) -> Result<Export, ReadError> {
    super::read_bytes_with(bytes, super::Format::Csv, file, skipped)
}

/// Read a CSV export one contact at a time: each goes to `on_contact` with
/// its line; nothing is kept. Gives the layout.
pub fn each(
    bytes: &[u8],
    file: &str,
    skipped: Option<&mut Vec<ReadError>>,
    on_contact: &mut dyn FnMut(Contact, Place),
) -> Result<CsvLayout, ReadError> {
    let reader = super::records::Reader::new(bytes, super::Format::Csv, file)?;
    match super::records::each(reader, skipped, on_contact)? {
        Layout::Csv(layout) => Ok(layout),
        _ => unreachable!("a CSV reader gives a CSV layout"),
    }
}

pub(crate) fn layout_for(
    headers: Vec<String>,
    bom: bool,
    crlf: bool,
    quote_all: bool,
    delimiter: u8,
    file: &str,
) -> Result<CsvLayout, ReadError> {
    let invalid = |what: String| ReadError::Invalid {
        file: file.into(),
        place: "header (line 1)".into(),
        what,
    };
    let columns: Vec<Column> = headers
        .iter()
        .map(|h| match labels::association_kind(h) {
            Some(kind) => Column::Association(kind.into()),
            None => Column::Property(labels::internal_name(h).to_string()),
        })
        .collect();
    // Each column's first place: a map, not a search, so that a header of
    // a million columns reads in linear time.
    let mut first: HashMap<&Column, usize> = HashMap::with_capacity(columns.len());
    for (i, col) in columns.iter().enumerate() {
        if let Some(&j) = first.get(col) {
            return Err(invalid(same_property(&headers, (j, i), col)));
        }
        first.insert(col, i);
    }
    let id_column = *first.get(&Column::Property(ID.into())).ok_or_else(|| {
        // One column whose header holds another delimiter: the file was
        // split on the wrong one.
        let one = matches!(headers.as_slice(), [h] if h.contains([',', ';', '\t', '|']));
        invalid(if let Some(hint) = excel_separator_hint(&headers, delimiter) {
            format!(
                "line 1 ({hint:?}) is Excel's separator hint, not the header; remove that line (the header, with its \"Record ID\" column, must be the first line) and try again"
            )
        } else if one {
            let mut start: String = headers[0].chars().take(40).collect();
            if start.len() < headers[0].len() {
                start.push('…');
            }
            format!(
                "no record id column: the header is one column ({start:?}), so the file is not split on its delimiter; give the right one with --delimiter (or leave it out to have it found)"
            )
        } else {
            "no record id column; HubSpot exports name it \"Record ID\" (or hs_object_id): add that column, or, when the headers are in another language, give the portal's property definitions with --properties FILE".into()
        })
    })?;
    let labels = headers.iter().any(|h| labels::is_label(h));
    Ok(CsvLayout {
        headers,
        columns,
        id_column,
        bom,
        crlf,
        quote_all,
        labels,
        delimiter,
        sheet: None,
        unterminated: None,
    })
}

/// Line 1 as Excel's separator hint (`sep=;`) writes it, which some CSV
/// files saved for Excel start with: the line as read, or `None` when the
/// header is something else.
fn excel_separator_hint(headers: &[String], delimiter: u8) -> Option<String> {
    let line = headers.join(&char::from(delimiter).to_string());
    let sep = line.trim().get(..4)?;
    (sep.eq_ignore_ascii_case("sep=") && line.trim().chars().count() <= 5).then_some(line)
}

/// Why columns `j` and `i` (0-based) cannot both be read: they name the
/// same property `col`; with the portal's definitions, how each header
/// came to name it (the header of one property may be another's label).
fn same_property(headers: &[String], (j, i): (usize, usize), col: &Column) -> String {
    let name = match col {
        Column::Property(name) => name.as_str(),
        Column::Association(kind) => kind.as_str(),
    };
    let mut why = format!(
        "columns {} ({:?}) and {} ({:?}) both name the property {name}",
        j + 1,
        headers[j],
        i + 1,
        headers[i]
    );
    let portal = crate::hubspot::portal::get();
    let other_label = |h: &str| {
        let d = portal?.by_label(h.trim())?;
        (d.name != name).then(|| format!("{h:?} is also the portal's label of {}", d.name))
    };
    let notes: Vec<String> = [&headers[j], &headers[i]]
        .into_iter()
        .filter_map(|h| other_label(h))
        .collect();
    if notes.is_empty() {
        why.push_str("; remove one of them, or rename it to the property it holds");
    } else {
        why.push_str(&format!(
            " ({}, but a header that is a property's internal name is read as that property); rename that column to the label or internal name of the property it holds",
            notes.join("; ")
        ));
    }
    why
}

/// A header that cannot be read, in a text that starts as JSON does:
/// JSON given as CSV, said so.
pub(crate) fn header_error(e: ReadError, text: &[u8], file: &str) -> ReadError {
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'[' | b'{') => ReadError::Invalid {
            file: file.into(),
            place: "start of file".into(),
            what: "read as CSV, but it looks like JSON (it starts with `[` or `{`); name it .json (or .ndjson for one contact a line) or pass --input-format json".into(),
        },
        _ => e,
    }
}

pub(crate) fn contact_from_row<T: AsRef<str>>(
    layout: &CsvLayout,
    cells: &[T],
    line: u64,
    file: &str,
) -> Result<Contact, ReadError> {
    let cell = |i: usize| cells[i].as_ref();
    let id = cells
        .get(layout.id_column)
        .map_or("", |c| c.as_ref().trim());
    let properties = if cells.len() == layout.columns.len() {
        super::row_props::row_properties(&layout.columns, |i| Some(cell(i).to_string()))
    } else {
        // A short row (the readers refuse one; kept for any other caller):
        // the columns it has.
        let mut p = Properties::with_capacity_and_hasher(cells.len(), Default::default());
        for (col, c) in layout.columns.iter().zip(cells) {
            if let Column::Property(name) = col {
                p.insert(crate::model::prop_name(name), Some(c.as_ref().to_string()));
            }
        }
        p
    };
    let mut associations: Option<Associations> = None;
    let kinds = || {
        let n = layout
            .columns
            .iter()
            .filter(|c| matches!(c, Column::Association(_)));
        Associations::with_capacity_and_hasher(n.count(), Default::default())
    };
    for (i, col) in layout.columns.iter().enumerate().take(cells.len()) {
        if let Column::Association(kind) = col {
            let ids = crate::model::split_multi(cell(i)).map(str::to_string);
            associations
                .get_or_insert_with(kinds)
                .insert(kind.clone(), AssocList::plain(ids));
        }
    }
    if id.is_empty() {
        return Err(ReadError::Invalid {
            file: file.into(),
            place: Place::of_line(line, layout.sheet.as_deref()).to_string(),
            what: format!(
                "the row has no record id (column {:?} is empty); every contact needs one",
                layout.headers[layout.id_column]
            ),
        });
    }
    Ok(Contact {
        id: id.to_string(),
        properties,
        associations,
        ..Default::default()
    })
}

/// A row with more or fewer fields than the header has: a record that
/// cannot be read (the rows after it can), with its id when the row has
/// one. A short row is refused too: a tool that leaves out a row's empty
/// cells at its end writes a file the header does not describe, and which
/// cells are missing cannot be told for sure.
pub(crate) fn field_count(
    file: &str,
    place: String,
    id: Option<String>,
    len: usize,
    expected: usize,
) -> ReadError {
    let why = if len > expected {
        "a stray comma or an unquoted line break?"
    } else {
        "an unquoted line break, or empty cells at its end left out? a row needs a field for every column, empty or not"
    };
    ReadError::Contact(Box::new(crate::format::BadContact {
        file: file.into(),
        place,
        id,
        field: None,
        value: None,
        what: format!(
            "the row has {} but the header has {expected}; fix the row ({why})",
            crate::text::count(len, "field", "fields")
        ),
    }))
}

// Only the record reader's test oracle reads CSV with the csv crate now.
#[cfg(test)]
pub(crate) fn csv_error(file: &str, e: ::csv::Error, lines: &mut LineCounter) -> ReadError {
    let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
    match e.into_kind() {
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => ReadError::Invalid {
            file: file.into(),
            place: format!("line {line}"),
            what: format!(
                "the row has {len} fields but the header has {expected_len}; fix the row (a stray comma or an unquoted line break?)"
            ),
        },
        ::csv::ErrorKind::Io(err) => ReadError::Io {
            file: file.into(),
            err,
        },
        other => ReadError::Invalid {
            file: file.into(),
            place: format!("line {line}"),
            what: format!("malformed CSV: {:?}", other),
        },
    }
}

/// Line numbers of CSV records. The csv crate's own line count skips blank
/// lines and miscounts CRLF files; its record positions point at the end
/// of the previous record, so the record starts after the line breaks that
/// follow.
pub(crate) struct LineCounter<'a> {
    bytes: &'a [u8],
    /// Newlines before `at`.
    at: usize,
    newlines: u64,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        LineCounter {
            bytes: text.as_bytes(),
            at: 0,
            newlines: 0,
        }
    }

    /// The line of the record whose position is `byte`; positions must not
    /// go backwards.
    pub(crate) fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = (byte as usize).min(self.bytes.len());
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start >= self.at {
            self.newlines += self.bytes[self.at..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.at = start;
        }
        self.newlines + 1
    }
}

/// The line on which a quoted field opens that is never closed, if any.
/// Quotes only open a field at its start; elsewhere they are literal.
pub(crate) fn open_quote_line(bytes: &[u8]) -> Option<usize> {
    let mut line = 1;
    let mut in_quotes = false;
    let mut field_start = true;
    let mut open_line = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_quotes {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            } else if b == b'\n' {
                line += 1;
            }
        } else {
            match b {
                b'"' if field_start => {
                    in_quotes = true;
                    open_line = line;
                }
                b',' => {
                    field_start = true;
                    i += 1;
                    continue;
                }
                b'\n' => {
                    line += 1;
                    field_start = true;
                    i += 1;
                    continue;
                }
                // A bare CR ends a record too (the csv crate reads CR, LF
                // and CRLF as line ends), but not a line of the count.
                b'\r' => {
                    field_start = true;
                    i += 1;
                    continue;
                }
                _ => {}
            }
            field_start = false;
        }
        i += 1;
    }
    in_quotes.then_some(open_line)
}

/// How the header row is written, which decides how the file is written
/// back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HeaderStyle {
    /// The header row ends with CRLF.
    pub crlf: bool,
    /// Every header is quoted.
    all_quoted: bool,
    /// The byte between cells.
    pub delimiter: u8,
}

impl HeaderStyle {
    /// The style of the text (after any BOM) that starts with `bytes`;
    /// `delimiter` as given, else sniffed from the header row.
    pub(crate) fn of(bytes: &[u8], delimiter: Option<u8>) -> Self {
        let delimiter = delimiter.unwrap_or_else(|| super::delimiter::sniff(bytes));
        let (all_quoted, crlf) = header_style(bytes, delimiter);
        HeaderStyle {
            crlf,
            all_quoted,
            delimiter,
        }
    }

    /// Quoted throughout: every header is quoted though one need not be.
    /// A header row that quotes only what needs it reads as quoting only
    /// where needed, which writes it back the same.
    pub(crate) fn quote_all(&self, headers: &[String]) -> bool {
        self.all_quoted && !every_header_needs_quotes(headers, self.delimiter, self.crlf)
    }
}

/// How the header row (the first non-blank line) is written: whether
/// every field is quoted, and whether it ends with CRLF.
fn header_style(bytes: &[u8], delimiter: u8) -> (bool, bool) {
    let start = bytes
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(bytes.len());
    let mut all_quoted = true;
    let mut in_quotes = false;
    let mut field_start = true;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        if in_quotes {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else {
            match b {
                b'"' if field_start => in_quotes = true,
                b'\r' | b'\n' => break,
                d if d == delimiter => {
                    all_quoted &= !field_start;
                    field_start = true;
                    i += 1;
                    continue;
                }
                _ => all_quoted &= !field_start,
            }
            field_start = false;
        }
        i += 1;
    }
    all_quoted &= !field_start;
    (all_quoted, bytes[i..].starts_with(b"\r\n"))
}

/// Whether the csv writer quotes a field even when quoting only where
/// needed.
/// The ids of an association list, `;`-separated. An id HubSpot gives
/// under two association types (`contact_to_company` and another) is
/// written once: a cell has no place for the types that told them apart.
/// Entries the same in every way (a CSV cell `t-1;t-1` read) stay as they
/// were, so a CSV read and written back is the same file.
fn assoc_cell(l: &AssocList) -> String {
    let mut first: HashMap<&str, &serde_json::Value> = HashMap::new();
    let ids: Vec<&str> = (l.entries.iter())
        .filter(|e| match first.get(e.id.as_str()) {
            Some(raw) => *raw == &e.raw,
            None => {
                first.insert(&e.id, &e.raw);
                true
            }
        })
        .map(|e| e.id.as_str())
        .collect();
    ids.join(";")
}

fn needs_quotes(field: &str, delimiter: u8) -> bool {
    field.contains(['"', '\r', '\n', char::from(delimiter)])
}

/// Write an export as CSV: in its own layout when it was read from CSV
/// (headers verbatim, new properties as new columns at the end), else with
/// internal names as headers.
pub fn write(export: &Export, out: &mut dyn Write) -> io::Result<()> {
    write_with(export, super::WriteOptions::default(), out)
}

/// [`write`] with options: with `sanitize_formulas`, every cell (headers
/// included) that a spreadsheet would run as a formula gets a leading `'`.
pub fn write_with(
    export: &Export,
    opts: super::WriteOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let layout = layout_of(export);
    if layout.bom {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    let sanitize = |row: &mut Vec<Cow<'_, str>>| {
        if opts.sanitize_formulas {
            for cell in row.iter_mut() {
                if super::formula::is_formula(cell) {
                    *cell = Cow::Owned(format!("'{cell}"));
                }
            }
        }
    };
    let mut headers: Vec<Cow<str>> = layout
        .headers
        .iter()
        .map(|h| Cow::Borrowed(h.as_str()))
        .collect();
    sanitize(&mut headers);
    out.write_all(&encode_header(&layout, &headers))?;
    out.write_all(if layout.crlf { b"\r\n" } else { b"\n" })?;
    // A file read without a line break after its last row is written so
    // while that row is still the last.
    let unterminated = match (&layout.unterminated, export.contacts.last()) {
        (Some(id), Some(c)) if *id == c.id => 1,
        _ => 0,
    };
    let (rows, last) = export
        .contacts
        .split_at(export.contacts.len() - unterminated);
    let mut w = writer_for(&layout).from_writer(&mut *out);
    let mut row = Vec::with_capacity(layout.columns.len());
    for c in rows {
        row_cells(&layout, c, &mut row);
        sanitize(&mut row);
        w.write_record(row.iter().map(|c| c.as_bytes()))?;
    }
    w.flush()?;
    drop(w);
    for c in last {
        row_cells(&layout, c, &mut row);
        sanitize(&mut row);
        out.write_all(&encode_record(&layout, row.iter().map(|c| c.as_bytes())))?;
    }
    Ok(())
}

/// The columns an export is written in: its own layout when it was read
/// from CSV or XLSX (new properties as new columns at the end), else
/// internal names as headers.
pub(crate) fn layout_of(export: &Export) -> CsvLayout {
    match &export.layout {
        Layout::Csv(l) => with_new_columns(l.clone(), &export.contacts),
        _ => layout_from_contacts(&export.contacts),
    }
}

/// A CSV writer in the layout's style: its line ending and quoting.
pub(crate) fn writer_for(layout: &CsvLayout) -> ::csv::WriterBuilder {
    let mut b = ::csv::WriterBuilder::new();
    b.delimiter(layout.delimiter)
        .terminator(if layout.crlf {
            ::csv::Terminator::CRLF
        } else {
            ::csv::Terminator::Any(b'\n')
        })
        .quote_style(if layout.quote_all {
            ::csv::QuoteStyle::Always
        } else {
            ::csv::QuoteStyle::Necessary
        });
    b
}

/// A contact's cells in the layout's columns.
pub(crate) fn row_cells<'c>(layout: &CsvLayout, c: &'c Contact, row: &mut Vec<Cow<'c, str>>) {
    row.clear();
    // Where the next column's property likely is: a contact read from this
    // file (or merged from two) lists its properties in the columns' order.
    let mut next = 0;
    for (i, col) in layout.columns.iter().enumerate() {
        let cell = if i == layout.id_column {
            // The cell as read (the id is its trimmed text), unless the
            // property no longer matches the id.
            let found = c.property_near(ID, next);
            next = found.map_or(next, |(at, _)| at + 1);
            match found {
                Some((_, Some(v))) if v.trim() == c.id => Cow::Borrowed(v.as_str()),
                _ => Cow::Borrowed(c.id.as_str()),
            }
        } else {
            match col {
                Column::Property(name) => {
                    let found = c.property_near(name, next);
                    next = found.map_or(next, |(at, _)| at + 1);
                    Cow::Borrowed(found.and_then(|(_, v)| v.as_deref()).unwrap_or(""))
                }
                Column::Association(kind) => match c.assoc(kind) {
                    Some(l) if l.entries.len() == 1 => Cow::Borrowed(l.entries[0].id.as_str()),
                    Some(l) => Cow::Owned(assoc_cell(l)),
                    None => Cow::Borrowed(""),
                },
            }
        };
        row.push(cell);
    }
}

/// One record (the headers, or a contact's cells) encoded in the layout's
/// style, without the line ending.
pub(crate) fn encode_record<I, T>(layout: &CsvLayout, cells: I) -> Vec<u8>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    // As the csv writer of `writer_for` encodes a record (checked against
    // it by a test), without its buffers and state for one row: a cell is
    // quoted when every cell is, or when it holds the delimiter, a quote or
    // a line break; a quote inside is doubled; a record of nothing at all
    // (one empty cell) is `""`.
    let d = layout.delimiter;
    let cells: Vec<T> = cells.into_iter().collect();
    if !layout.quote_all {
        // Most rows need no quoting: written as they are, then looked at
        // once, 16 bytes at a time; else written again below.
        let mut out = Vec::with_capacity(256);
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                out.push(d);
            }
            out.extend_from_slice(cell.as_ref());
        }
        if !out.is_empty() && super::bytes::plain_row(&out, d, cells.len() - 1) {
            return out;
        }
    }
    // The bytes that make a cell quoted, looked up rather than compared
    // one by one (every byte of every cell is looked at).
    let mut special = [false; 256];
    for b in [b'"', b'\r', b'\n', d] {
        special[usize::from(b)] = true;
    }
    let mut out = Vec::with_capacity(256);
    for (i, cell) in cells.iter().enumerate() {
        let cell = cell.as_ref();
        if i > 0 {
            out.push(d);
        }
        if layout.quote_all || cell.iter().any(|&b| special[usize::from(b)]) {
            out.push(b'"');
            for piece in cell.split_inclusive(|&b| b == b'"') {
                out.extend_from_slice(piece);
                if piece.last() == Some(&b'"') {
                    out.push(b'"');
                }
            }
            out.push(b'"');
        } else {
            out.extend_from_slice(cell);
        }
    }
    if out.is_empty() {
        out.extend_from_slice(b"\"\"");
    }
    out
}

/// The header row encoded in the layout's style, without the line ending.
/// Written as the csv writer writes it, unless that row would be sniffed
/// as another delimiter (a header holding more `;` or tabs than commas,
/// or a stray quote, as the stream fuzz target found): then every header
/// holding one of the delimiters the sniffer counts is quoted too, so
/// that what is written reads back with the columns it was written with.
pub(crate) fn encode_header<T: AsRef<str>>(layout: &CsvLayout, headers: &[T]) -> Vec<u8> {
    let plain = encode_record(layout, headers.iter().map(|h| h.as_ref().as_bytes()));
    if layout.quote_all || !header_needs_guard(&plain, layout.delimiter) {
        return plain;
    }
    let mut out = Vec::with_capacity(plain.len() + 2 * headers.len());
    for (i, h) in headers.iter().enumerate() {
        let h = h.as_ref();
        if i > 0 {
            out.push(layout.delimiter);
        }
        if quoted_when_guarded(h, layout.delimiter) {
            out.push(b'"');
            out.extend_from_slice(h.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(h.as_bytes());
        }
    }
    out
}

/// Whether a header row written with quotes only where the csv writer
/// needs them (`plain`) would be sniffed as another delimiter, so that
/// headers holding any delimiter the sniffer counts must be quoted too.
fn header_needs_guard(plain: &[u8], delimiter: u8) -> bool {
    super::delimiter::sniff(plain) != delimiter
}

/// Whether a guarded header row ([`header_needs_guard`]) quotes `header`:
/// when it holds a quote, a line break or any delimiter the sniffer counts.
fn quoted_when_guarded(header: &str, delimiter: u8) -> bool {
    needs_quotes(header, delimiter) || header.contains([',', ';', '\t'])
}

/// Whether [`encode_header`], quoting only where needed, quotes every one
/// of `headers`: then a row quoted throughout says nothing about the
/// file's style, and reads as quoting only where needed.
fn every_header_needs_quotes(headers: &[String], delimiter: u8, crlf: bool) -> bool {
    if headers.iter().all(|h| needs_quotes(h, delimiter)) {
        return true;
    }
    let probe = CsvLayout {
        headers: Vec::new(),
        columns: Vec::new(),
        id_column: 0,
        bom: false,
        crlf,
        quote_all: false,
        labels: false,
        delimiter,
        sheet: None,
        unterminated: None,
    };
    let plain = encode_record(&probe, headers.iter().map(|h| h.as_bytes()));
    header_needs_guard(&plain, delimiter)
        && headers.iter().all(|h| quoted_when_guarded(h, delimiter))
}

/// Add a column for every property a contact has that the layout lacks,
/// named in the file's header style, in the order first met.
pub(crate) fn with_new_columns<'c>(
    mut layout: CsvLayout,
    contacts: impl IntoIterator<Item = &'c Contact>,
) -> CsvLayout {
    let mut props: HashSet<String> = HashSet::new();
    let mut kinds: HashSet<String> = HashSet::new();
    for col in &layout.columns {
        match col {
            Column::Property(n) => props.insert(n.clone()),
            Column::Association(k) => kinds.insert(k.clone()),
        };
    }
    for c in contacts {
        for name in c.properties.keys() {
            if props.contains(&**name) {
                continue;
            }
            let header = if layout.labels {
                labels::label_of(name).unwrap_or(name).to_string()
            } else {
                name.to_string()
            };
            props.insert(name.to_string());
            layout.headers.push(header);
            layout.columns.push(Column::Property(name.to_string()));
        }
        for kind in c.associations.iter().flat_map(|a| a.keys()) {
            if kinds.contains(kind.as_str()) {
                continue;
            }
            if let Some(h) = labels::association_header(kind, layout.labels) {
                kinds.insert(kind.clone());
                layout.headers.push(h);
                layout.columns.push(Column::Association(kind.clone()));
            }
        }
    }
    layout
}

/// A CSV layout for contacts read from JSON: the record id, then every
/// property by internal name in the order first met, then association ids.
fn layout_from_contacts(contacts: &[Contact]) -> CsvLayout {
    let base = CsvLayout {
        headers: vec![ID.into()],
        columns: vec![Column::Property(ID.into())],
        id_column: 0,
        bom: false,
        crlf: false,
        quote_all: false,
        labels: false,
        delimiter: b',',
        sheet: None,
        unterminated: None,
    };
    with_new_columns(base, contacts)
}

#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;
