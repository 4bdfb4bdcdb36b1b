//! Reading and writing exports: JSON (HubSpot API shape), JSON Lines and
//! CSV (HubSpot export), chosen by extension or explicitly (SPEC section 3).

pub mod csv;
pub mod formula;
pub mod json;
pub mod ndjson;

use std::io::{self, Read, Write};
use std::path::Path;

use crate::model::{Contact, Export, Layout};

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Ndjson,
    Csv,
}

impl Format {
    /// The format a file's extension names, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The format of an export's layout.
    pub fn of_layout(layout: &Layout) -> Format {
        match layout {
            Layout::Json { .. } => Format::Json,
            Layout::Ndjson => Format::Ndjson,
            Layout::Csv(_) => Format::Csv,
        }
    }

    /// Guess the format of data with no file name (stdin).
    pub fn sniff(bytes: &[u8]) -> Format {
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
/// Lines) or its number in the list (JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Line(u64),
    Contact(usize),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Line(n) => write!(f, "line {n}"),
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
    if is_empty(bytes) {
        return Err(ReadError::Empty { file: file.into() });
    }
    match format {
        Format::Json => json::each(bytes, file, skipped, on_contact).map(|_| ()),
        Format::Ndjson => ndjson::each(bytes, file, skipped, on_contact),
        Format::Csv => csv::each(bytes, file, skipped, on_contact).map(|_| ()),
    }
}

/// Read an export (`-` is stdin) one contact at a time, handing each to
/// `f` without keeping the export: for commands that need a few fields of
/// each contact of a large file (`dupes`). The file's bytes are held, its
/// contacts are not.
pub fn for_each_contact(
    path: &Path,
    format: Option<Format>,
    f: &mut dyn FnMut(Contact),
) -> Result<(), ReadError> {
    each_contact_in(path, format, None, &mut |c, _| f(c)).map(|_| ())
}

/// [`each_contact`] for a file (`-` is stdin): a JSON Lines file is read a
/// line at a time, other formats whole. Gives the file's name for
/// messages.
pub fn each_contact_in(
    path: &Path,
    format: Option<Format>,
    mut skipped: Option<&mut Vec<ReadError>>,
    on_contact: &mut dyn FnMut(Contact, Place),
) -> Result<String, ReadError> {
    let streamable = path.as_os_str() != "-"
        && format.or_else(|| Format::from_path(path)) == Some(Format::Ndjson);
    if !streamable {
        let (bytes, format, file) = read_file(path, format)?;
        each_contact(&bytes, format, &file, skipped, on_contact)?;
        return Ok(file);
    }
    let file = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|err| ReadError::Io {
        file: file.clone(),
        err,
    })?;
    let before = skipped.as_deref().map_or(0, Vec::len);
    let mut any = false;
    ndjson::each_from(
        io::BufReader::with_capacity(1 << 20, f),
        &file,
        skipped.as_deref_mut(),
        &mut |c, at| {
            any = true;
            on_contact(c, at)
        },
    )?;
    if !any && skipped.as_deref().map_or(0, Vec::len) == before {
        return Err(ReadError::Empty { file });
    }
    Ok(file)
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
        None if is_stdin => None,
        None => return Err(ReadError::UnknownFormat { file }),
    };
    let (file, res) = read_input(path);
    let bytes = res.map_err(|err| ReadError::Io {
        file: file.clone(),
        err,
    })?;
    let format = format.unwrap_or_else(|| Format::sniff(&bytes));
    Ok((bytes, format, file))
}

/// Why an export could not be read. Every message names the file and, where
/// known, the line or record, and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{file}: cannot read the file: {err}; check the path and permissions")]
    Io { file: String, err: io::Error },
    #[error("{file}: the file is empty; expected a contact export (JSON, JSON Lines or CSV)")]
    Empty { file: String },
    #[error("{file}: line {line}: the file is not valid UTF-8 (bad byte at offset {offset}); save the export as UTF-8 and try again")]
    NotUtf8 {
        file: String,
        line: u64,
        offset: u64,
    },
    #[error("{file}: cannot tell the format from the file name; name it .json, .ndjson/.jsonl or .csv, or pass --input-format json|ndjson|csv")]
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
    let (bytes, format, file) = read_file(path, format)?;
    read_bytes_with(&bytes, format, &file, skipped)
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
    if is_empty(bytes) {
        return Err(ReadError::Empty { file: file.into() });
    }
    match format {
        Format::Json => json::read_with(bytes, file, skipped),
        Format::Ndjson => ndjson::read_with(bytes, file, skipped),
        Format::Csv => csv::read_with(bytes, file, skipped),
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
    /// ([`formula`]); CSV only (JSON is not opened in spreadsheets).
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
    }
}

/// Write an export to bytes.
pub fn write_to_vec(export: &Export, format: Format) -> Vec<u8> {
    let mut buf = Vec::new();
    write(export, format, &mut buf).expect("writing to memory cannot fail");
    buf
}

/// Nothing but whitespace, after any byte-order mark: an empty file.
fn is_empty(bytes: &[u8]) -> bool {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    text.iter().all(u8::is_ascii_whitespace)
}

/// The UTF-8 check with a line number for the message.
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
    fn empty_and_not_utf8() {
        for f in [Format::Json, Format::Ndjson, Format::Csv] {
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
