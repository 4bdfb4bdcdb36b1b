//! One record reader per format: an export read a piece at a time (a file
//! or stdin, never whole), handing out its records one by one with their
//! id, their byte range, their place, and their bytes. A record is parsed
//! into a [`Contact`] only when asked ([`Record::contact`]); every record
//! is still checked as it is read (its syntax, a key written twice, the
//! shapes of its sections, its id), so that what reads fully would read
//! and what is refused is refused with the message the full parse gives.
//!
//! What lies between records is handed out too ([`Record::lead`],
//! [`Reader::tail`]), so that a writer can give the file back byte for
//! byte: the leads and records, in order, then the tail, are the input.
//!
//! - CSV: the header row is read when the reader opens
//!   ([`Reader::csv_layout`]); a record is a row, its place its line.
//! - JSON Lines: a record is a line; blank lines are skipped.
//! - JSON documents (`[...]`, `{"results": [...]}`,
//!   `{"contacts": [...], ...}`): a record is a contact of the list, its
//!   place its number in the list; the document's other keys are read in
//!   full and given with the layout once the reader is done
//!   ([`Reader::layout`]).

mod csv;
mod doc;
mod input;
mod lines;
#[cfg(test)]
mod oracle;
pub(crate) mod scan;

use std::borrow::Cow;
use std::io::Read;
use std::ops::Range;

use super::{Format, Place, ReadError};
use crate::model::{Contact, Layout};
use input::Input;

/// What the reader hands out: a record, or one that cannot be read (the
/// rest of the input can).
pub enum Item<'a> {
    Record(Record<'a>),
    /// A record that cannot be read: no id, a wrong shape, a key twice,
    /// a JSON Lines line that is not JSON. Reading goes on.
    Bad(ReadError),
}

/// One record of an export.
pub struct Record<'a> {
    /// Its record id (`id` in JSON, the Record ID column in CSV).
    pub id: String,
    /// Its line (CSV, JSON Lines) or number in the list (JSON).
    pub place: Place,
    /// Its bytes' place in the input.
    pub range: Range<u64>,
    raw: &'a [u8],
    lead: &'a [u8],
    file: &'a str,
    how: How<'a>,
}

/// How to parse a record in full.
enum How<'a> {
    /// The layout, the row's line and its cells' ranges in it.
    Csv(&'a super::csv::CsvLayout, u64, &'a [(usize, usize)]),
    Line(u64),
    /// A JSON document's contact, already parsed when the light check was
    /// not sure of it.
    Doc(Option<Box<Contact>>),
    Parsed(Box<Contact>),
}

impl<'a> Record<'a> {
    /// The record's bytes, as in the input: a CSV row or a JSON Lines
    /// line without its line break, a JSON document's contact object.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The bytes between the record before (or the input's start) and
    /// this one: the header, separators, line breaks, indentation.
    pub fn lead(&self) -> &'a [u8] {
        self.lead
    }

    /// The record parsed in full. It was checked when read, so this only
    /// fails for what the check leaves to the parse (a CSV row's cells
    /// are not checked beyond the id).
    pub fn contact(&self) -> Result<Contact, ReadError> {
        match &self.how {
            How::Csv(layout, line, _) => csv::contact(layout, self.raw, *line, self.file),
            How::Line(n) => lines::contact(self.raw, *n, self.file),
            How::Doc(None) => doc::contact(self.raw, self.place, self.file),
            How::Doc(Some(c)) | How::Parsed(c) => Ok((**c).clone()),
        }
    }

    /// A CSV row unparsed, for a reader that reads without building
    /// contacts (`check`): its text and its cells' ranges in
    /// the text (decoded by [`csv_cells`]); `None` for other formats and
    /// rows parsed as read.
    pub fn csv_row(&self) -> Option<(&'a str, &'a [(usize, usize)])> {
        match &self.how {
            How::Csv(_, _, spans) => Some((std::str::from_utf8(self.raw).ok()?, *spans)),
            _ => None,
        }
    }

    /// A CSV row unparsed, as [`Record::csv_row`] gives it, without
    /// checking again that its bytes ([`Record::raw`]) are UTF-8 (the
    /// reader refuses a row that is not): its cells' ranges in the bytes.
    pub fn csv_cells(&self) -> Option<&'a [(usize, usize)]> {
        match &self.how {
            How::Csv(_, _, spans) => Some(spans),
            _ => None,
        }
    }

    /// Whether the record was parsed in full as it was read (the light
    /// check was not sure of it, or the reader parses every record):
    /// [`Record::into_contact`] then only hands it over. A JSON record
    /// that was not is sound as the light check knows it
    /// ([`scan::Checker`]), and may be read in place.
    pub fn is_parsed(&self) -> bool {
        matches!(self.how, How::Doc(Some(_)) | How::Parsed(_))
    }

    /// [`Record::contact`], without a copy when it was parsed as it was read.
    pub fn into_contact(self) -> Result<Contact, ReadError> {
        match self.how {
            How::Doc(Some(c)) | How::Parsed(c) => Ok(*c),
            _ => self.contact(),
        }
    }
}

enum State {
    Csv(csv::Csv),
    Lines(lines::Lines),
    Doc(Box<doc::Doc>),
}

/// An export's record reader over any [`Read`] (a file, stdin, bytes in
/// memory); it reads ahead in pieces of a megabyte.
pub struct Reader<R> {
    input: Input<R>,
    file: String,
    state: State,
    checker: scan::Checker,
    /// Where the text starts (after any byte-order mark).
    text_start: u64,
    /// The end of the last record handed out.
    prev_end: u64,
    done: bool,
    /// Every record will be parsed in full: parse it as it is read
    /// instead of checking it first ([`Reader::parse_all`]).
    full: bool,
}

/// Whether the input from `at` on holds nothing but whitespace (read on
/// until something else, or its end).
fn only_whitespace<R: Read>(input: &mut Input<R>, mut at: u64) -> std::io::Result<bool> {
    loop {
        if input.from(at).iter().any(|b| !b.is_ascii_whitespace()) {
            return Ok(false);
        }
        at = input.end();
        if !input.more(0)? {
            return Ok(true);
        }
    }
}

impl<R: Read> Reader<R> {
    /// Open an export in `format`; `file` names it in messages. An input
    /// of nothing but whitespace is [`ReadError::Empty`] (but in JSON
    /// Lines: no contacts); a CSV file's
    /// header is read here.
    pub fn new(src: R, format: Format, file: &str) -> Result<Self, ReadError> {
        let mut input = Input::new(src, format != Format::Ndjson);
        let io = |err| ReadError::Io {
            file: file.into(),
            err,
        };
        let sheet = match format {
            Format::Xlsx => Some(input.load_workbook(file)?),
            _ => None,
        };
        input.want(0, 4, 0).map_err(io)?;
        if sheet.is_none() && input.from(0).starts_with(crate::format::xlsx::ZIP_MAGIC) {
            return Err(looks_like_xlsx(format, file));
        }
        // A UTF-16 byte order mark: Excel's "Unicode Text", which would
        // otherwise be "not UTF-8 at offset 0".
        if sheet.is_none()
            && [b"\xFF\xFE", b"\xFE\xFF"]
                .iter()
                .any(|m| input.from(0).starts_with(*m))
        {
            return Err(ReadError::Utf16 {
                file: file.into(),
                json: matches!(format, Format::Json | Format::Ndjson),
            });
        }
        let text_start = if input.from(0).starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        // Nothing but whitespace: an empty file, refused but in JSON Lines,
        // where it is a valid file of no records (a portal without
        // contacts pulled, a filter that kept none).
        // A workbook's first sheet that holds no contacts: the message
        // names its sheets.
        let explain = |e| match &sheet {
            Some(s) => s.explain(e),
            None => e,
        };
        if format != Format::Ndjson && only_whitespace(&mut input, text_start).map_err(io)? {
            return Err(explain(ReadError::Empty { file: file.into() }));
        }
        let state = match format {
            Format::Csv | Format::Xlsx => {
                let mut csv = csv::Csv::open(&mut input, text_start, file).map_err(explain)?;
                csv.layout.sheet = sheet.map(|s| s.read);
                State::Csv(csv)
            }
            Format::Ndjson => State::Lines(lines::Lines::new(text_start)),
            Format::Json => State::Doc(Box::new(doc::Doc::new(text_start))),
        };
        Ok(Reader {
            input,
            file: file.into(),
            state,
            checker: scan::Checker::default(),
            text_start,
            prev_end: 0,
            done: false,
            full: false,
        })
    }

    /// Every record will be asked for in full ([`Record::into_contact`]):
    /// records are parsed as they are read, not checked first and parsed
    /// again.
    pub fn parse_all(mut self) -> Self {
        self.full = true;
        self
    }

    /// The next record, or `None` at the end. An error is one the rest
    /// of the input cannot be read past.
    pub fn next_item(&mut self) -> Result<Option<Item<'_>>, ReadError> {
        match self.found() {
            Ok(found) => Ok(found.map(|f| self.item(f))),
            Err(e) => Err(self.refuse(e)),
        }
    }

    /// The error that refuses the input, once `first` is met (an error
    /// [`Reader::next_item`] gave, or a record that cannot be read, for a
    /// reader that reads nothing past one): the one the whole file's
    /// reading gave before records were read one at a time. A JSON
    /// document's fault between contacts beats a contact that cannot be
    /// read; a CSV file's quote left open at its end beats a row's fault;
    /// bytes that are not UTF-8 beat every other fault of a JSON
    /// document or CSV file. So the rest of the input is read (only when
    /// it is refused).
    pub fn refuse(&mut self, first: ReadError) -> ReadError {
        let mut e = first;
        if matches!(e, ReadError::NotUtf8 { .. } | ReadError::Io { .. }) {
            return e;
        }
        match &mut self.state {
            State::Lines(_) => return e,
            State::Csv(s) => {
                self.done = true;
                return s.drain(&mut self.input, &self.file).unwrap_or(e);
            }
            State::Doc(_) => {
                if matches!(e, ReadError::Contact(_)) {
                    loop {
                        match self.found() {
                            Ok(Some(Found::Record { range, .. })) => self.prev_end = range.end,
                            Ok(Some(Found::Bad(_))) => {}
                            Ok(None) => break,
                            Err(f) => {
                                e = f;
                                break;
                            }
                        }
                    }
                }
            }
        }
        if matches!(e, ReadError::NotUtf8 { .. } | ReadError::Io { .. }) {
            return e;
        }
        self.done = true;
        match self.input.first_bad_utf8(self.prev_end) {
            Ok(Some(at)) => ReadError::NotUtf8 {
                file: self.file.clone(),
                line: self.input.line_col(at, self.text_start).0,
                offset: at,
            },
            Ok(None) => e,
            Err(err) => io_error(&self.file)(err),
        }
    }

    /// What the format's scanner finds next.
    fn found(&mut self) -> Result<Option<Found>, ReadError> {
        if self.done {
            return Ok(None);
        }
        let found = match &mut self.state {
            State::Csv(s) => s.next(&mut self.input, self.prev_end, &self.file, self.full)?,
            State::Lines(s) => s.next(
                &mut self.input,
                self.prev_end,
                &self.file,
                (!self.full).then_some(&mut self.checker),
            )?,
            State::Doc(s) => s.next(
                &mut self.input,
                self.prev_end,
                &self.file,
                (!self.full).then_some(&mut self.checker),
            )?,
        };
        if found.is_none() {
            self.done = true;
        }
        Ok(found)
    }

    /// A found record as an item.
    fn item(&mut self, found: Found) -> Item<'_> {
        let (range, id, place, how) = match found {
            Found::Bad(e) => return Item::Bad(e),
            Found::Record {
                range,
                id,
                place,
                parsed,
            } => (range, id, place, parsed),
        };
        let lead = self.input.slice(self.prev_end, range.start);
        let raw = self.input.slice(range.start, range.end);
        self.prev_end = range.end;
        let how = match (&self.state, how) {
            (_, Some(c)) => How::Parsed(c),
            (State::Csv(s), None) => How::Csv(&s.layout, place_line(place), &s.cells),
            (State::Lines(_), None) => How::Line(place_line(place)),
            (State::Doc(_), None) => How::Doc(None),
        };
        Item::Record(Record {
            id,
            place,
            range,
            raw,
            lead,
            file: &self.file,
            how,
        })
    }

    /// The CSV layout (the header row), for a CSV reader.
    pub fn csv_layout(&self) -> Option<&super::csv::CsvLayout> {
        match &self.state {
            State::Csv(s) => Some(&s.layout),
            _ => None,
        }
    }

    /// The file's layout, once every record is read (a JSON document's
    /// shape and other keys are known only at its end).
    pub fn layout(&self) -> Option<Layout> {
        match &self.state {
            State::Csv(s) => Some(Layout::Csv(s.layout.clone())),
            State::Lines(s) => Some(Layout::Ndjson {
                crlf: s.crlf(),
                unterminated: None,
            }),
            State::Doc(d) if self.done => d.layout(),
            State::Doc(_) => None,
        }
    }

    /// The bytes after the last record, once every record is read.
    pub fn tail(&self) -> &[u8] {
        if self.done {
            self.input.from(self.prev_end)
        } else {
            &[]
        }
    }

    /// The name of the input in messages.
    pub fn file(&self) -> &str {
        &self.file
    }
}

/// What a format's scanner found.
pub(crate) enum Found {
    Record {
        range: Range<u64>,
        id: String,
        place: Place,
        /// The contact, when the scanner had to parse it to know.
        parsed: Option<Box<Contact>>,
    },
    Bad(ReadError),
}

fn place_line(p: Place) -> u64 {
    match p {
        Place::Line(n) | Place::Row(n) => n,
        Place::Contact(n) => n as u64,
    }
}

/// A record's bytes kept apart from their reader (`raw`, from
/// [`Record::raw`]; a JSON Lines line may keep its line break), parsed in
/// full as [`Record::contact`] parses them, for the file's `layout` (a
/// JSON document's, whatever its shape).
pub fn parse_raw(
    layout: &Layout,
    raw: &[u8],
    place: Place,
    file: &str,
) -> Result<Contact, ReadError> {
    match layout {
        Layout::Csv(l) => csv::contact(l, raw, place_line(place), file),
        Layout::Ndjson { .. } => lines::contact(raw, place_line(place), file),
        Layout::Json { .. } => doc::contact(raw, place, file),
    }
}

/// A CSV cell (a range of a row's text, from [`Record::csv_row`]),
/// decoded as [`Record::contact`] decodes it: a quoted cell without its
/// quotes, `""` as `"`.
pub(crate) fn csv_cell(raw: &str) -> Cow<'_, str> {
    csv::cell(raw)
}

/// `Io` for the file.
/// A zip archive (an XLSX workbook) given as another format.
fn looks_like_xlsx(format: Format, file: &str) -> ReadError {
    ReadError::Invalid {
        file: file.into(),
        place: "start of file".into(),
        what: format!(
            "read as {}, but it is a zip archive, which is what an XLSX workbook is; name it .xlsx or pass --input-format xlsx",
            format.name()
        ),
    }
}

pub(crate) fn io_error(file: &str) -> impl Fn(std::io::Error) -> ReadError + '_ {
    move |err| ReadError::Io {
        file: file.into(),
        err,
    }
}

/// Read every record in full: each goes to `on_contact` with its place;
/// with `skipped`, records that cannot be read are listed there and the
/// rest is still read. Gives the layout.
pub fn each<R: Read>(
    reader: Reader<R>,
    mut skipped: Option<&mut Vec<ReadError>>,
    on_contact: &mut dyn FnMut(Contact, Place),
) -> Result<Layout, ReadError> {
    let mut reader = reader.parse_all();
    // The id of the last record, when it was read whole.
    let mut last: Option<String> = None;
    while let Some(item) = reader.next_item()? {
        let read = match item {
            Item::Record(r) => {
                let at = r.place;
                r.into_contact().map(|c| (c, at))
            }
            Item::Bad(e) => Err(e),
        };
        last = read.as_ref().ok().map(|(c, _)| c.id.clone());
        match (read, skipped.as_deref_mut()) {
            (Ok((c, at)), _) => on_contact(c, at),
            (Err(e), Some(list)) => list.push(e),
            (Err(e), None) => return Err(reader.refuse(e)),
        }
    }
    let mut layout = reader.layout().expect("known once every record is read");
    // Nothing after the last row (line): not even its line break.
    match &mut layout {
        Layout::Csv(l) if l.sheet.is_none() && reader.tail().is_empty() => l.unterminated = last,
        Layout::Ndjson { unterminated, .. } if reader.tail().is_empty() => *unterminated = last,
        _ => {}
    }
    Ok(layout)
}

#[cfg(test)]
mod tests;
