//! The first pass: every record read by the format's record reader
//! ([`crate::format::records`]), its byte range noted, and the records the
//! plan needs kept.

use crate::format::json_lines_of::compact_one_line;
use std::borrow::Cow;
use std::fs::File;
use std::path::Path;

use memchr::memmem::Finder;

use super::columns::cell;
use super::early::EarlyFeed;
use super::json_doc::JsonStyle;
use super::record::{Kept, Scan};
use super::wanted::Wanted;
use super::Input;
use crate::format::csv::Column;
use crate::format::records::{Item, Reader, Record};
use crate::format::{self, Format, IdSieve, ReadError};
use crate::model::{JsonShape, Layout};
use crate::plan::MERGED_IDS;

/// The first pass over `input`: every record checked as the in-memory
/// reader would (a file it refuses is refused in its words), the plan's
/// kept (or handed to `early`).
pub(super) fn scan(
    input: Input<'_>,
    file: &str,
    wanted: &Wanted<'_>,
    early: Option<&mut EarlyFeed>,
) -> Result<Scan, ReadError> {
    let io = |err| ReadError::Io {
        file: file.into(),
        err,
    };
    let f = File::open(input.path).map_err(io)?;
    let file_len = f.metadata().map_err(io)?.len();
    let mut reader = Reader::new(f, input.format, file)?;
    let mut pass = Pass::new(&reader, input.format, wanted, early, file_len);
    loop {
        let item = reader.next_item()?;
        let bad = match item {
            None => break,
            Some(Item::Record(r)) => {
                pass.record(&r)?;
                continue;
            }
            Some(Item::Bad(e)) => e,
        };
        return Err(reader.refuse(bad));
    }
    let tail = line_break(reader.tail());
    let layout = reader.layout().expect("known once every record is read");
    drop(reader);
    let sieve = std::mem::replace(&mut pass.sieve, IdSieve::with_capacity(0));
    confirm_unique(sieve, input.path, input.format, file)?;
    Ok(pass.finish(layout, file_len, tail))
}

/// The first pass as it reads.
struct Pass<'w, 'p, 'e> {
    format: Format,
    kept: Kept<'w, 'p, 'e>,
    sieve: IdSieve,
    /// Where each record starts, and (JSON) ends.
    starts: Vec<u64>,
    ends: Vec<u64>,
    /// CSV: the column of `hs_merged_object_ids`, and the delimiter.
    merged_col: Option<(usize, u8)>,
    /// JSON: finds the `hs_merged_object_ids` key (or v1's
    /// `merged-vids`) in a record's bytes.
    merged_key: Finder<'static>,
    merged_vids: Finder<'static>,
    style: JsonStyle,
    /// A v1 batch: the first record's key and colon, before its start.
    key_before: u64,
}

impl<'w, 'p, 'e> Pass<'w, 'p, 'e> {
    fn new<R: std::io::Read>(
        reader: &Reader<R>,
        format: Format,
        wanted: &'w Wanted<'p>,
        mut early: Option<&'e mut EarlyFeed>,
        file_len: u64,
    ) -> Self {
        let csv = reader.csv_layout();
        let merged_col = csv.and_then(|l| {
            l.columns
                .iter()
                .position(|c| *c == Column::Property(MERGED_IDS.into()))
                .map(|col| (col, l.delimiter))
        });
        if let Some(feed) = early.as_deref_mut() {
            match csv {
                Some(l) => feed.start(Layout::Csv(l.clone()), JsonStyle::Compact),
                None if format == Format::Ndjson => feed.start(
                    Layout::Ndjson {
                        crlf: false,
                        unterminated: None,
                    },
                    JsonStyle::Compact,
                ),
                // A JSON document's, at its first record.
                None => {}
            }
        }
        // About how many records, from a real export's record length.
        let records = (file_len / if csv.is_some() { 200 } else { 800 }) as usize + 16;
        Pass {
            format,
            kept: Kept::new(wanted, early, format == Format::Csv),
            sieve: IdSieve::with_capacity(records),
            starts: Vec::with_capacity(records),
            ends: Vec::new(),
            merged_col,
            merged_key: Finder::new(b"\"hs_merged_object_ids\""),
            merged_vids: Finder::new(b"\"merged-vids\""),
            style: JsonStyle::Compact,
            key_before: 0,
        }
    }

    /// A record read.
    fn record(&mut self, r: &Record<'_>) -> Result<(), ReadError> {
        let n = self.starts.len();
        if n == 0 && self.format == Format::Json {
            self.start_document(r.lead(), r.raw());
        }
        if self.format == Format::Ndjson && n > 0 {
            // The line break goes with the line before.
            self.ends[n - 1] += line_break(r.lead());
        }
        // A batch's first record starts at its key, which goes with it.
        self.starts
            .push(r.range.start - if n == 0 { self.key_before } else { 0 });
        if self.format != Format::Csv {
            self.ends.push(r.range.end);
        }
        self.sieve.note(&r.id);
        let merged = self.merged_ids(r)?;
        self.kept
            .read((&r.id, &merged), (n, r.place), (r.raw(), r.range.start));
        Ok(())
    }

    /// A JSON document's first record (`first`), after `prefix`: how its
    /// merged contacts are written, and the early merges started. In a
    /// bare array whose first contact stands on one line, each on its own
    /// line, merged contacts are written so too.
    fn start_document(&mut self, prefix: &[u8], first: &[u8]) {
        let text = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
        let bare = text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
        self.key_before = super::json_doc::batch_key(prefix) as u64;
        let batch = self.key_before > 0;
        self.style = match JsonStyle::of(prefix, if bare || batch { 1 } else { 2 }) {
            JsonStyle::Pretty { .. } if bare && compact_one_line(first) => JsonStyle::Compact,
            style => style,
        };
        if let Some(feed) = self.kept.early.as_deref_mut() {
            let layout = Layout::Json {
                shape: JsonShape::Array,
                pretty: self.style != JsonStyle::Compact,
                text: Default::default(),
            };
            feed.start(layout, self.style.clone());
        }
    }

    /// The record's `hs_merged_object_ids`, when it has one.
    fn merged_ids<'r>(&self, r: &'r Record<'_>) -> Result<Cow<'r, str>, ReadError> {
        match self.merged_col {
            Some((col, delimiter)) => Ok(cell(r.raw(), col, delimiter)),
            None if self.format != Format::Csv
                && (self.merged_key.find(r.raw()).is_some()
                    || self.merged_vids.find(r.raw()).is_some()) =>
            {
                let c = r.contact()?;
                Ok(Cow::Owned(c.prop(MERGED_IDS).unwrap_or("").to_string()))
            }
            None => Ok(Cow::Borrowed("")),
        }
    }

    /// What the pass kept, with each record's range for the second pass.
    fn finish(mut self, layout: Layout, file_len: u64, tail: u64) -> Scan {
        if self.format == Format::Ndjson {
            if let Some(last) = self.ends.last_mut() {
                *last += tail;
            }
        }
        let header_end = self.starts.first().copied().unwrap_or(file_len);
        let ranges = match self.format {
            Format::Json => (0..self.starts.len())
                .map(|i| match i {
                    0 => (self.starts[0], self.ends[0]),
                    _ => (self.ends[i - 1], self.ends[i]),
                })
                .collect(),
            Format::Ndjson => self.starts.iter().copied().zip(self.ends).collect(),
            // XLSX is never streamed (`can_stream`); its records are CSV's.
            Format::Csv | Format::Xlsx => (0..self.starts.len())
                .map(|i| {
                    let end = self.starts.get(i + 1).copied().unwrap_or(file_len);
                    (self.starts[i], end)
                })
                .collect(),
        };
        Scan {
            layout,
            header_end,
            ranges,
            file_len,
            loaded: self.kept.loaded,
            ids: self.kept.ids,
            style: self.style,
            claims: self.kept.claims,
        }
    }
}

/// The length of the line break `bytes` start with (JSON Lines: what
/// follows a line).
fn line_break(bytes: &[u8]) -> u64 {
    match bytes {
        [b'\r', b'\n', ..] => 2,
        [b'\n', ..] => 1,
        _ => 0,
    }
}

/// An export that holds one id twice is refused, as the in-memory reader
/// refuses it (in its words), whether or not the plan names the id: which
/// record is the contact cannot be told. Hashes of the ids are kept while
/// the file is read; it is read again, the in-memory reader's way, only
/// when one came twice.
fn confirm_unique(
    sieve: IdSieve,
    path: &Path,
    format: Format,
    file: &str,
) -> Result<(), ReadError> {
    sieve.confirm(file, |again| {
        format::each_contact_in(path, Some(format), None, &mut |c, at| again(&c.id, at)).map(|_| ())
    })
}
