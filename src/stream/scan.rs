//! The first pass: every record read (CSV or JSON Lines), its byte range
//! noted, and the records the plan needs kept.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

use super::early::EarlyFeed;
use super::record::{Fields, Kept, Raw, RawCopy, Scan};
use super::utf8::Utf8Checked;
use super::wanted::Wanted;
use super::write::trim_leading_breaks;
use super::Input;
use crate::format::csv::{csv_error, layout_for, open_quote_line, Column, CsvLayout, HeaderStyle};
use crate::format::json::parse_contact;
use crate::format::ndjson::line_error;
use crate::format::{self, Format, IdSieve, ReadError};
use crate::model::Layout;
use crate::plan::MERGED_IDS;

/// The first pass over `input`, in its format.
pub(super) fn scan(
    input: Input<'_>,
    file: &str,
    wanted: &Wanted<'_>,
    early: Option<&mut EarlyFeed>,
) -> Result<Scan, ReadError> {
    match input.format {
        Format::Csv => scan_csv(input.path, file, wanted, early),
        Format::Ndjson => scan_ndjson(input.path, file, wanted, early),
        Format::Json => unreachable!("JSON is not streamed"),
    }
}

/// An export that holds one id twice is refused, as the in-memory reader
/// refuses it (in its words), whether or not the plan names the id: which
/// record is the contact cannot be told. Hashes of the ids are kept while
/// the file is read; it is read again, the in-memory reader's way, only
/// when one came twice.
pub(super) fn confirm_unique(
    sieve: IdSieve,
    path: &Path,
    format: Format,
    file: &str,
) -> Result<(), ReadError> {
    sieve.confirm(file, |again| {
        format::each_contact_in(path, Some(format), None, &mut |c, at| again(&c.id, at)).map(|_| ())
    })
}

pub(super) fn io_error(file: &str) -> impl Fn(io::Error) -> ReadError + '_ {
    move |err| ReadError::Io {
        file: file.into(),
        err,
    }
}

/// The start of a CSV file: its length, the reader past its byte-order
/// mark, and what its first megabyte says.
struct CsvHead {
    reader: BufReader<File>,
    file_len: u64,
    bom: bool,
    style: HeaderStyle,
    /// About how long a record is.
    per_record: usize,
}

impl CsvHead {
    fn open(path: &Path, file: &str) -> Result<CsvHead, ReadError> {
        let f = File::open(path).map_err(io_error(file))?;
        let file_len = f.metadata().map_err(io_error(file))?.len();
        let mut reader = BufReader::with_capacity(1 << 20, f);
        let head = reader.fill_buf().map_err(io_error(file))?;
        let bom = head.starts_with(b"\xEF\xBB\xBF");
        let text = if bom { &head[3..] } else { head };
        if text.iter().all(u8::is_ascii_whitespace) && (head.len() as u64) == file_len {
            return Err(ReadError::Empty { file: file.into() });
        }
        // The header row's style, from the first buffer (a header row longer
        // than a megabyte is not one an export has).
        let style = HeaderStyle::of(text);
        // About how long a record is, to size what the scan keeps once rather
        // than doubling it (every doubling touches fresh memory); no shorter
        // than a real export's, so that odd first lines cannot make it reserve
        // far more than the file.
        let lines = text.iter().filter(|&&b| b == b'\n').count();
        let per_record = (text.len() / lines.max(1)).max(32);
        reader.consume(if bom { 3 } else { 0 });
        Ok(CsvHead {
            reader,
            file_len,
            bom,
            style,
            per_record,
        })
    }
}

pub(super) fn scan_csv(
    path: &Path,
    file: &str,
    wanted: &Wanted<'_>,
    mut early: Option<&mut EarlyFeed>,
) -> Result<Scan, ReadError> {
    let head = CsvHead::open(path, file)?;
    let (file_len, bom, per_record) = (head.file_len, head.bom, head.per_record);
    let skip = if bom { 3 } else { 0 };
    let not_utf8 = Rc::new(Cell::new(false));
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(Utf8Checked::new(head.reader, not_utf8.clone()));
    // Bytes that are not UTF-8 anywhere in the file refuse it, as the
    // in-memory reader does (its message comes from [`super::precise`]).
    let csv_error = |e: ::csv::Error| {
        if not_utf8.get() {
            ReadError::NotUtf8 {
                file: file.into(),
                line: 0,
                offset: 0,
            }
        } else {
            csv_error(file, e, &mut NoLines.counter())
        }
    };
    let layout = read_layout(&mut rdr, &head.style, bom, file, &csv_error)?;
    if let Some(feed) = early.as_deref_mut() {
        feed.start(Layout::Csv(layout.clone()));
    }
    let merged_col = layout
        .columns
        .iter()
        .position(|c| *c == Column::Property(MERGED_IDS.into()));
    let records = file_len as usize / per_record + 16;
    // The plan's contacts, as far as the file can hold them (a plan may
    // name ids the file does not have).
    let room = wanted.len().min(records);
    let mut starts: Vec<u64> = Vec::with_capacity(records);
    let mut kept = Kept::new(wanted, early, room);
    let mut fields = Fields {
        text: String::with_capacity(room * per_record),
        ends: Vec::with_capacity(room * layout.columns.len()),
    };
    let mut record = ::csv::StringRecord::new();
    let mut sieve = IdSieve::with_capacity(records);
    while rdr.read_record(&mut record).map_err(csv_error)? {
        let pos = record.position().map_or(0, |p| p.byte()) + skip;
        let n = starts.len();
        starts.push(pos);
        let id = record_id(&record, layout.id_column, n, file)?;
        sieve.note(id);
        let merged = merged_col.map_or("", |col| record.get(col).unwrap_or(""));
        let line = record.position().map_or(0, |p| p.line());
        kept.read(
            (id, merged),
            (n, line),
            || RawCopy::csv(&record, line),
            || Raw::Csv(fields.push(&record)),
        );
    }
    let last = starts.last().copied().unwrap_or(skip);
    refuse_open_quote(path, file, last)?;
    confirm_unique(sieve, path, Format::Csv, file)?;
    let header_end = starts.first().copied().unwrap_or(file_len);
    Ok(Scan {
        layout: Layout::Csv(layout),
        header_end,
        ranges: ranges_from(&starts, file_len),
        file_len,
        loaded: kept.loaded,
        ids: kept.ids,
        fields,
        claims: kept.claims,
    })
}

/// The file's layout, from its header row.
fn read_layout<R: Read>(
    rdr: &mut ::csv::Reader<R>,
    style: &HeaderStyle,
    bom: bool,
    file: &str,
    csv_error: &dyn Fn(::csv::Error) -> ReadError,
) -> Result<CsvLayout, ReadError> {
    let headers: Vec<String> = rdr
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(str::to_string)
        .collect();
    let quote_all = style.quote_all(&headers);
    layout_for(headers, bom, style.crlf, quote_all, file)
}

/// Record `n`'s id (from 0), which it must have.
fn record_id<'r>(
    record: &'r ::csv::StringRecord,
    column: usize,
    n: usize,
    file: &str,
) -> Result<&'r str, ReadError> {
    let id = record.get(column).unwrap_or("").trim();
    if id.is_empty() {
        // The in-memory reader words it, with the true line.
        return Err(ReadError::Invalid {
            file: file.into(),
            place: format!("record {}", n + 1),
            what: "the row has no record id".into(),
        });
    }
    Ok(id)
}

/// Each record's byte range, from where each starts.
fn ranges_from(starts: &[u64], file_len: u64) -> Vec<(u64, u64)> {
    (0..starts.len())
        .map(|i| (starts[i], starts.get(i + 1).copied().unwrap_or(file_len)))
        .collect()
}

/// A quoted field still open at the end: a truncated download. It opened
/// in the last record (from `last`), or in the header when there is none.
fn refuse_open_quote(path: &Path, file: &str, last: u64) -> Result<(), ReadError> {
    let mut f = File::open(path).map_err(io_error(file))?;
    f.seek(SeekFrom::Start(last)).map_err(io_error(file))?;
    let mut tail = Vec::new();
    f.read_to_end(&mut tail).map_err(io_error(file))?;
    let tail = trim_leading_breaks(&tail);
    if open_quote_line(tail).is_some() {
        return Err(ReadError::Invalid {
            file: file.into(),
            place: "the last record".into(),
            what: "a quoted field is still open at the end of the file".into(),
        });
    }
    Ok(())
}

/// Line numbers are only needed for messages, which [`precise`] words from
/// the in-memory reader; here every error is at "line 0".
pub(super) struct NoLines;

impl NoLines {
    pub(super) fn counter(&mut self) -> crate::format::csv::LineCounter<'static> {
        crate::format::csv::LineCounter::new("")
    }
}

pub(super) fn scan_ndjson(
    path: &Path,
    file: &str,
    wanted: &Wanted<'_>,
    mut early: Option<&mut EarlyFeed>,
) -> Result<Scan, ReadError> {
    if let Some(feed) = early.as_deref_mut() {
        feed.start(Layout::Ndjson);
    }
    let f = File::open(path).map_err(io_error(file))?;
    let file_len = f.metadata().map_err(io_error(file))?.len();
    let mut reader = BufReader::with_capacity(1 << 20, f);
    let mut pos: u64 = 0;
    if reader
        .fill_buf()
        .map_err(io_error(file))?
        .starts_with(b"\xEF\xBB\xBF")
    {
        reader.consume(3);
        pos = 3;
    }
    let mut ranges = Vec::new();
    let mut kept = Kept::new(wanted, early, 0);
    let mut sieve = IdSieve::with_capacity(0);
    let mut line = Vec::new();
    let mut n: u64 = 0;
    loop {
        line.clear();
        let k = reader
            .read_until(b'\n', &mut line)
            .map_err(io_error(file))?;
        if k == 0 {
            break;
        }
        n += 1;
        let start = pos;
        pos += k as u64;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let bad = |what: String| ReadError::Invalid {
            file: file.into(),
            place: format!("line {n}"),
            what,
        };
        // Every line is read in full, as the in-memory reader reads it: a
        // damaged line the plan does not name would otherwise be copied
        // through where the in-memory apply refuses the file.
        let text =
            std::str::from_utf8(&line).map_err(|_| bad("the line is not valid UTF-8".into()))?;
        let contact = parse_contact(text).map_err(|e| line_error(e, file, n))?;
        sieve.note(&contact.id);
        let merged = contact.prop(MERGED_IDS).unwrap_or("");
        kept.read(
            (&contact.id, merged),
            (ranges.len(), n),
            || RawCopy::Json(line.clone().into_boxed_slice()),
            || Raw::Json(line.clone().into_boxed_slice()),
        );
        ranges.push((start, pos));
    }
    if ranges.is_empty() {
        return Err(ReadError::Empty { file: file.into() });
    }
    confirm_unique(sieve, path, Format::Ndjson, file)?;
    Ok(Scan {
        layout: Layout::Ndjson,
        header_end: ranges[0].0,
        ranges,
        file_len,
        loaded: kept.loaded,
        ids: kept.ids,
        fields: Fields::default(),
        claims: kept.claims,
    })
}
