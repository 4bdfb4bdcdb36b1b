//! Reading and writing exports: JSON (HubSpot API shape), JSON Lines, CSV
//! and XLSX (HubSpot export), chosen by extension or explicitly (SPEC
//! section 3).

mod bytes;
pub mod csv;
pub mod delimiter;
pub mod formula;
pub mod json;
pub(crate) mod json_lines_of;
mod misnamed;
pub mod ndjson;
mod open;
pub mod records;
mod row_props;
mod v1;
pub(crate) use v1::{record_merge as v1_merge_audit, shown_key, VID as V1_ID};
pub mod value;
pub mod xlsx;

use std::io::{self, Read, Write};
use std::path::Path;

pub(crate) use open::ids_again;
pub(crate) use open::Source;
pub use open::{each_contact_in, find_contacts, for_each_contact, Found, IdField, Reading};

use crate::model::{Contact, Export, Layout};

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Ndjson,
    Csv,
    Xlsx,
}

impl Format {
    /// Its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Ndjson => "JSON Lines",
            Format::Csv => "CSV",
            Format::Xlsx => "XLSX",
        }
    }

    /// The format a file's extension names, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// The format of an export's layout.
    pub fn of_layout(layout: &Layout) -> Format {
        match layout {
            Layout::Json { .. } => Format::Json,
            Layout::Ndjson { .. } => Format::Ndjson,
            Layout::Csv(l) if l.sheet.is_some() => Format::Xlsx,
            Layout::Csv(_) => Format::Csv,
        }
    }

    /// Guess the format of data with no file name (stdin).
    pub fn sniff(bytes: &[u8]) -> Format {
        if bytes.starts_with(xlsx::ZIP_MAGIC) {
            return Format::Xlsx;
        }
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match text.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[') => Format::Json,
            Some(b'{') => {
                if serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok() {
                    Format::Json
                } else {
                    Format::Ndjson
                }
            }
            _ => Format::Csv,
        }
    }
}

/// Where a contact stands in its file, for messages: the line (CSV, JSON
/// Lines), the row of an XLSX sheet (as the spreadsheet numbers it, from
/// 1), or its number in the list (JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Line(u64),
    Row(u64),
    Contact(usize),
}

impl Place {
    /// The place of the CSV text's line `line` in an export read as CSV,
    /// or, when `sheet` names the XLSX sheet the text was made from, of
    /// that sheet's row (the text's lines are its rows: see
    /// [`xlsx::to_csv`]).
    pub fn of_line(line: u64, sheet: Option<&str>) -> Place {
        match sheet {
            Some(_) => Place::Row(line),
            None => Place::Line(line),
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Line(n) => write!(f, "line {n}"),
            Place::Row(n) => write!(f, "row {n}"),
            Place::Contact(n) => write!(f, "contact {n}"),
        }
    }
}

/// Read an export one contact at a time, keeping none of them: each goes to
/// `on_contact` with its place. With `skipped`, contacts that cannot be read
/// are reported there and the rest is still read.
pub fn each_contact(
    bytes: &[u8],
    format: Format,
    file: &str,
    skipped: Option<&mut Vec<ReadError>>,
    on_contact: &mut dyn FnMut(Contact, Place),
) -> Result<(), ReadError> {
    let reader = records::Reader::new(bytes, format, file)?;
    records::each(reader, skipped, on_contact).map(|_| ())
}

/// The bytes of a file, or of stdin for `-`, and its name for messages
/// (`<stdin>` for stdin). Exports, plans and journals are all read so.
pub fn read_input(path: &Path) -> (String, io::Result<Vec<u8>>) {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        let res = io::stdin().lock().read_to_end(&mut bytes);
        ("<stdin>".to_string(), res.map(|_| bytes))
    } else {
        let res = std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes));
        (path.display().to_string(), res.map(|_| bytes))
    }
}

/// Whether `path` is a stream rather than a file (a pipe, a shell's
/// `<(...)`, `/dev/stdin`): its name tells no format, so its bytes are
/// held and looked at, as stdin's are.
pub(crate) fn is_stream(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// A path whose name tells no format: the file's own error first (there
/// is none, it is a folder), which says more than the name does.
pub(crate) fn unknown_format(path: &Path, file: String) -> ReadError {
    match std::fs::File::open(path).and_then(|f| f.metadata()) {
        Err(err) => ReadError::Io { file, err },
        Ok(m) if m.is_dir() => ReadError::Io {
            file,
            err: std::io::Error::from(std::io::ErrorKind::IsADirectory),
        },
        Ok(_) => ReadError::UnknownFormat { file },
    }
}

/// Read a file (`-` is stdin) whole, and the format it is in: `format`, else
/// its extension, else (stdin) sniffed. The name for messages is given too.
pub fn read_file(
    path: &Path,
    format: Option<Format>,
) -> Result<(Vec<u8>, Format, String), ReadError> {
    let file = path.display().to_string();
    let is_stdin = file == "-";
    let format = match format.or_else(|| Format::from_path(path)) {
        Some(f) => Some(f),
        None if is_stdin || is_stream(path) => None,
        None => return Err(unknown_format(path, file)),
    };
    let (file, res) = read_input(path);
    let bytes = res.map_err(|err| ReadError::Io {
        file: file.clone(),
        err,
    })?;
    let format = format.unwrap_or_else(|| Format::sniff(&bytes));
    Ok((bytes, format, file))
}

/// Why a text file (an export or a plan) that starts with a UTF-16 byte
/// order mark is not read, and how to save it as UTF-8: Excel's way for a
/// CSV, an editor's or PowerShell's for JSON (Windows PowerShell 5 writes
/// UTF-16 with `>` and `Out-File`).
pub(crate) fn utf16_advice(json: bool) -> &'static str {
    if json {
        "(it starts with a UTF-16 byte order mark, as Windows PowerShell's `>` and Out-File write text, and some editors save it); save it as UTF-8 (PowerShell: Out-File -Encoding utf8; an editor: the encoding UTF-8) and try again"
    } else {
        "(it starts with a UTF-16 byte order mark, as Excel's \"Unicode Text\" saves it); save it as UTF-8 (Excel: \"CSV UTF-8\") and try again"
    }
}

/// Why an export could not be read. Every message names the file and, where
/// known, the line or record, and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{file}: cannot read the file: {err}; {}", crate::error::io_advice(err.kind()))]
    Io { file: String, err: io::Error },
    #[error(
        "{file}: the file is empty; expected a contact export (JSON, JSON Lines, CSV or XLSX)"
    )]
    Empty { file: String },
    #[error("{file}: line {line}: the file is not valid UTF-8 (bad byte at offset {offset}); save the export as UTF-8 and try again")]
    NotUtf8 {
        file: String,
        line: u64,
        offset: u64,
    },
    #[error("{file}: the file is UTF-16 {}", utf16_advice(*json))]
    Utf16 { file: String, json: bool },
    #[error("{file}: cannot tell the format from the file name; name it .json, .ndjson/.jsonl, .csv or .xlsx, or pass --input-format json|ndjson|csv|xlsx")]
    UnknownFormat { file: String },
    #[error("{file}: line {line}, column {column}: {what}")]
    Syntax {
        file: String,
        line: u64,
        column: u64,
        what: String,
    },
    #[error("{file}: {place}: {what}")]
    Invalid {
        file: String,
        /// "line 4", "contact 3 (id 123)", "header", ...
        place: String,
        what: String,
    },
    /// A contact that cannot be read (the rest of the file can).
    #[error("{0}")]
    Contact(Box<BadContact>),
    /// Two contacts with one id (SPEC section 4: refused, never resolved).
    #[error("{file}: {again} (id {id}): the same id as {first}; ids must be unique in an export, and which of the two is the contact cannot be told: remove or renumber one (contact-merge check lists every repeat)")]
    RepeatedId {
        file: String,
        id: String,
        /// Where the id is first.
        first: Place,
        /// Where it is again.
        again: Place,
    },
}

/// A contact that cannot be read: where it is, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadContact {
    pub file: String,
    /// "line 4", "contact 3".
    pub place: String,
    /// Its record id, when it has one.
    pub id: Option<String>,
    /// The part of the contact at fault (`engagements`,
    /// `properties.email`), when one part.
    pub field: Option<String>,
    /// What was found there, when it says more than the message.
    pub value: Option<String>,
    pub what: String,
}

impl std::fmt::Display for BadContact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.place)?;
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        write!(f, ": {}", self.what)
    }
}

/// Read an export from a file (`-` is stdin), in the given format or the one
/// its extension names.
pub fn read_path(path: &Path, format: Option<Format>) -> Result<Export, ReadError> {
    read_path_with(path, format, None)
}

/// [`read_path`], collecting unreadable contacts in `skipped` when given.
pub fn read_path_with(
    path: &Path,
    format: Option<Format>,
    skipped: Option<&mut Vec<ReadError>>,
) -> Result<Export, ReadError> {
    let (source, file) = Source::open(path, format)?;
    let export = collect(source.reader(&file)?, &file, skipped)?;
    Ok(export)
}

/// Read an export from bytes; `file` names it in messages.
pub fn read_bytes(bytes: &[u8], format: Format, file: &str) -> Result<Export, ReadError> {
    read_bytes_with(bytes, format, file, None)
}

/// Read an export from bytes; with `skipped`, contacts that cannot be read
/// (no id, a bad line) are reported there and left out, so that a check can
/// report every problem. Errors that make the rest unreadable still fail.
pub fn read_bytes_with(
    bytes: &[u8],
    format: Format,
    file: &str,
    skipped: Option<&mut Vec<ReadError>>,
) -> Result<Export, ReadError> {
    collect(records::Reader::new(bytes, format, file)?, file, skipped)
}

/// Every contact of a reader, kept, as an export.
fn collect<R: Read>(
    reader: records::Reader<R>,
    file: &str,
    mut skipped: Option<&mut Vec<ReadError>>,
) -> Result<Export, ReadError> {
    let mut contacts = Vec::new();
    let mut places = Vec::new();
    let mut keep = |c, at| {
        contacts.push(c);
        places.push(at);
    };
    let layout = records::each(reader, skipped.as_deref_mut(), &mut keep)?;
    unique_ids(&mut contacts, &places, file, skipped)?;
    Ok(Export { contacts, layout })
}

/// Refuse an export that holds one id twice (SPEC section 4): the error
/// names the id and both places. With `skipped`, every repeat is reported
/// there and left out (the first record with the id stays).
fn unique_ids(
    contacts: &mut Vec<Contact>,
    places: &[Place],
    file: &str,
    skipped: Option<&mut Vec<ReadError>>,
) -> Result<(), ReadError> {
    let mut first: rustc_hash::FxHashMap<&str, usize> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(contacts.len(), Default::default());
    let mut again: Vec<(usize, usize)> = Vec::new();
    for (i, c) in contacts.iter().enumerate() {
        if let Some(&f) = first.get(c.id.as_str()) {
            again.push((i, f));
        } else {
            first.insert(&c.id, i);
        }
    }
    drop(first);
    let error = |&(i, f): &(usize, usize)| ReadError::RepeatedId {
        file: file.into(),
        id: contacts[i].id.clone(),
        first: places[f],
        again: places[i],
    };
    match (again.first(), skipped) {
        (None, _) => Ok(()),
        (Some(a), None) => Err(error(a)),
        (Some(_), Some(list)) => {
            list.extend(again.iter().map(error));
            let mut i = 0;
            let mut next = again.iter().map(|(i, _)| *i).peekable();
            contacts.retain(|_| {
                let drop = next.next_if_eq(&i).is_some();
                i += 1;
                !drop
            });
            Ok(())
        }
    }
}

/// The ids read so far, as 64-bit hashes (8 bytes an id, written one
/// after the other: no table to keep while the file is read). Once every
/// id is in, the sorted hashes say whether an id may have come twice; only
/// then is the file read again, for the ids and their places
/// ([`IdSieve::confirm`]). Crafted ids whose hashes collide cost that
/// second reading, never a wrong answer.
pub(crate) struct IdSieve {
    hashes: Vec<u64>,
}

impl IdSieve {
    pub(crate) fn with_capacity(n: usize) -> Self {
        IdSieve {
            hashes: Vec::with_capacity(n),
        }
    }

    fn hash(id: &str) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(id)
    }

    /// How many ids were noted.
    pub(crate) fn len(&self) -> usize {
        self.hashes.len()
    }

    /// A contact's id was read.
    pub(crate) fn note(&mut self, id: &str) {
        self.hashes.push(Self::hash(id));
    }

    /// Whether any of `ids` may have been noted (a hash of theirs was): a
    /// `false` is sure, a `true` is to be confirmed by reading again.
    pub(crate) fn may_hold<'i>(&self, ids: impl Iterator<Item = &'i str>) -> bool {
        let wanted: rustc_hash::FxHashSet<u64> = ids.map(Self::hash).collect();
        !wanted.is_empty() && self.hashes.iter().any(|h| wanted.contains(h))
    }

    /// Once every id is noted: the error of [`read_bytes`] for an id read
    /// twice, if there is one (the first in file order). `again` reads the
    /// contacts again (from the start), handing each one's id and place to
    /// its callback; it runs only when a hash came twice.
    pub(crate) fn confirm(
        self,
        file: &str,
        again: impl FnOnce(&mut dyn FnMut(&str, Place)) -> Result<(), ReadError>,
    ) -> Result<(), ReadError> {
        match self.repeats(again)?.into_iter().next() {
            Some((id, first, again)) => Err(ReadError::RepeatedId {
                file: file.into(),
                id,
                first,
                again,
            }),
            None => Ok(()),
        }
    }

    /// Once every id is noted: every id read again, with where it was
    /// first and where again, in file order. `again` reads the ids again
    /// as for [`IdSieve::confirm`], only when a hash came twice.
    pub(crate) fn repeats(
        mut self,
        again: impl FnOnce(&mut dyn FnMut(&str, Place)) -> Result<(), ReadError>,
    ) -> Result<Vec<(String, Place, Place)>, ReadError> {
        self.hashes.sort_unstable();
        let twice: rustc_hash::FxHashSet<u64> = self
            .hashes
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| w[0])
            .collect();
        drop(self.hashes);
        let mut found = Vec::new();
        if twice.is_empty() {
            return Ok(found);
        }
        let mut first: rustc_hash::FxHashMap<String, Place> = Default::default();
        again(&mut |id, at| {
            if !twice.contains(&Self::hash(id)) {
                return;
            }
            match first.get(id) {
                Some(&f) => found.push((id.to_string(), f, at)),
                None => {
                    first.insert(id.to_string(), at);
                }
            }
        })?;
        Ok(found)
    }
}

/// Write an export in a format: its own layout when the format is the one
/// it was read in, else that format's plain layout.
pub fn write(export: &Export, format: Format, out: &mut dyn Write) -> io::Result<()> {
    write_with(export, format, WriteOptions::default(), out)
}

/// How to write an export, beyond its format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Neutralise cells a spreadsheet would run as formulas
    /// ([`formula`]); CSV and XLSX only (JSON is not opened in
    /// spreadsheets).
    pub sanitize_formulas: bool,
}

/// [`write`] with options.
pub fn write_with(
    export: &Export,
    format: Format,
    opts: WriteOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Json => json::write(export, out),
        Format::Ndjson => ndjson::write(export, out),
        Format::Csv => csv::write_with(export, opts, out),
        Format::Xlsx => xlsx::write_with(export, opts, out),
    }
}

/// Write an export to bytes.
pub fn write_to_vec(export: &Export, format: Format) -> Vec<u8> {
    let mut buf = Vec::new();
    write(export, format, &mut buf).expect("writing to memory cannot fail");
    buf
}

/// The UTF-8 check with a line number for the message (as the readers
/// give it).
#[cfg(test)]
pub(crate) fn check_utf8<'a>(bytes: &'a [u8], file: &str) -> Result<&'a str, ReadError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        ReadError::NotUtf8 {
            file: file.into(),
            line,
            offset: offset as u64,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_extension() {
        assert_eq!(Format::from_path(Path::new("a.JSON")), Some(Format::Json));
        assert_eq!(
            Format::from_path(Path::new("a.jsonl")),
            Some(Format::Ndjson)
        );
        assert_eq!(
            Format::from_path(Path::new("a.ndjson")),
            Some(Format::Ndjson)
        );
        assert_eq!(Format::from_path(Path::new("dir/a.csv")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("a.txt")), None);
        assert_eq!(Format::from_path(Path::new("a")), None);
    }

    #[test]
    fn sniffs_stdin() {
        assert_eq!(Format::sniff(b" [ ]"), Format::Json);
        assert_eq!(Format::sniff(b"{\"contacts\": []}"), Format::Json);
        assert_eq!(
            Format::sniff(b"{\"id\":\"1\"}\n{\"id\":\"2\"}\n"),
            Format::Ndjson
        );
        assert_eq!(Format::sniff(b"Record ID,Email\n"), Format::Csv);
    }

    #[test]
    fn an_id_read_twice_refuses_the_export_naming_both_places() {
        for (format, text, message) in [
            (
                Format::Json,
                r#"[{"id":"1"},{"id":"2"},{"id":1}]"#,
                "f: contact 3 (id 1): the same id as contact 1;",
            ),
            (
                Format::Ndjson,
                "{\"id\":\"1\"}\n\n{\"id\":\"2\"}\n{\"id\":\"2\"}\n",
                "f: line 4 (id 2): the same id as line 3;",
            ),
            (
                Format::Csv,
                "Record ID,Email\n1,a\n2,b\n 2 ,c\n1,d\n",
                "f: line 4 (id 2): the same id as line 3;",
            ),
        ] {
            let e = read_bytes(text.as_bytes(), format, "f").unwrap_err();
            assert!(matches!(e, ReadError::RepeatedId { .. }), "{e:?}");
            assert!(e.to_string().starts_with(message), "{e}");
            // With `skipped`, every repeat is reported and left out.
            let mut skipped = Vec::new();
            let export = read_bytes_with(text.as_bytes(), format, "f", Some(&mut skipped)).unwrap();
            let ids: Vec<&str> = export.contacts.iter().map(|c| c.id.as_str()).collect();
            assert_eq!(ids, ["1", "2"], "{format:?}");
            assert!(!skipped.is_empty());
        }
    }

    #[test]
    fn the_id_sieve_reads_again_only_when_a_hash_repeats() {
        let mut sieve = IdSieve::with_capacity(0);
        for id in ["1", "2", "3"] {
            sieve.note(id);
        }
        sieve
            .confirm("f", |_| panic!("no hash came twice"))
            .unwrap();
        // A hash that came twice for two ids the file does not repeat (a
        // collision, as crafted ids could make): read again, no error.
        let mut sieve = IdSieve::with_capacity(0);
        sieve.note("1");
        sieve.note("1");
        let mut again = false;
        sieve
            .confirm("f", |each| {
                again = true;
                each("1", Place::Line(1));
                each("2", Place::Line(2));
                Ok(())
            })
            .unwrap();
        assert!(again);
        // A true repeat: the first two places of the first id read twice.
        let mut sieve = IdSieve::with_capacity(0);
        for id in ["a", "b", "b", "a", "b"] {
            sieve.note(id);
        }
        let e = sieve
            .confirm("f", |each| {
                for (i, id) in ["a", "b", "b", "a", "b"].into_iter().enumerate() {
                    each(id, Place::Line(i as u64 + 1));
                }
                Ok(())
            })
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("f: line 3 (id b): the same id as line 2;"),
            "{e}"
        );
    }

    #[test]
    fn contacts_read_one_at_a_time_refuse_a_repeated_id_too() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text, places) in [
            (
                "a.ndjson",
                "{\"id\":\"1\"}\n{\"id\":\"2\"}\n{\"id\":\"1\"}\n",
                "line 3 (id 1): the same id as line 1;",
            ),
            (
                "a.csv",
                "Record ID\n1\n2\n1\n",
                "line 4 (id 1): the same id as line 2;",
            ),
            (
                "a.json",
                "[{\"id\":\"1\"},{\"id\":\"2\"},{\"id\":\"1\"}]",
                "contact 3 (id 1): the same id as contact 1;",
            ),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            let mut n = 0;
            let e = for_each_contact(&path, None, &mut |_| n += 1).unwrap_err();
            assert_eq!(n, 3);
            assert_eq!(
                e.to_string(),
                read_path(&path, None).unwrap_err().to_string()
            );
            assert!(e.to_string().contains(places), "{e}");
        }
    }

    #[test]
    fn empty_and_not_utf8() {
        // An empty JSON Lines file is a file of no records; JSON and CSV
        // have no structure (a list, a header) to be empty with.
        for bytes in [&b""[..], b"  \n", b"\xEF\xBB\xBF\r\n"] {
            let export = read_bytes(bytes, Format::Ndjson, "x").unwrap();
            assert!(export.contacts.is_empty());
        }
        for f in [Format::Json, Format::Csv] {
            let e = read_bytes(b"  \n", f, "x").unwrap_err();
            assert!(matches!(e, ReadError::Empty { .. }), "{e}");
            // Found by fuzzing (roundtrip): a lone BOM read as no contacts.
            let e = read_bytes(b"\xEF\xBB\xBF\r\n", f, "x").unwrap_err();
            assert!(matches!(e, ReadError::Empty { .. }), "{e}");
        }
        let e = check_utf8(b"ok\nbad \xff", "x").unwrap_err().to_string();
        assert!(e.contains("line 2"), "{e}");
    }
}
