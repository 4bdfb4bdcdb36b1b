//! JSON Lines: one contact object per line, read as a stream.

use std::io::{self, BufRead, Write};

use super::json::{parse_contact, syntax, LineError};
use super::{Place, ReadError};
use crate::model::{Contact, Export};

/// Read a JSON Lines export held in memory.
pub fn read(bytes: &[u8], file: &str) -> Result<Export, ReadError> {
    read_with(bytes, file, None)
}

/// Read JSON Lines; with `skipped`, a line that cannot be read is reported
/// there and left out instead of failing the whole file.
pub fn read_with(
    bytes: &[u8],
    file: &str,
    skipped: Option<&mut Vec<ReadError>>,
) -> Result<Export, ReadError> {
    super::read_bytes_with(bytes, super::Format::Ndjson, file, skipped)
}

/// Read JSON Lines one contact at a time: each goes to `on_contact` with its
/// line.
pub fn each(
    bytes: &[u8],
    file: &str,
    skipped: Option<&mut Vec<ReadError>>,
    on_contact: &mut dyn FnMut(Contact, Place),
) -> Result<(), ReadError> {
    each_from(bytes, file, skipped, on_contact)
}

/// [`each`] from a reader, one line in memory at a time (a UTF-8 byte-order
/// mark before the first line is skipped); blank lines are skipped.
pub fn each_from<R: BufRead>(
    mut reader: R,
    file: &str,
    mut skipped: Option<&mut Vec<ReadError>>,
    on_contact: &mut dyn FnMut(Contact, Place),
) -> Result<(), ReadError> {
    let io_err = |err| ReadError::Io {
        file: file.into(),
        err,
    };
    let mut line = Vec::new();
    let mut n: u64 = 0;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(io_err)? == 0 {
            return Ok(());
        }
        n += 1;
        let text = match line.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) if n == 1 => rest,
            _ => &line[..],
        };
        // The line, without its line break (column numbers count within it).
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match (parse_line(text, n, file), skipped.as_deref_mut()) {
            (Ok(c), _) => on_contact(c, Place::Line(n)),
            (Err(e), None) => return Err(e),
            (Err(e), Some(list)) => list.push(e),
        }
    }
}

fn parse_line(line: &[u8], n: u64, file: &str) -> Result<Contact, ReadError> {
    let text = std::str::from_utf8(line).map_err(|e| ReadError::NotUtf8 {
        file: file.into(),
        line: n,
        offset: e.valid_up_to() as u64,
    })?;
    parse_contact(text).map_err(|e| line_error(e, file, n))
}

/// A line's error, with its file and line.
pub(crate) fn line_error(e: LineError, file: &str, n: u64) -> ReadError {
    match e {
        LineError::Syntax(e) => {
            let mut err = syntax(file, &e);
            if let ReadError::Syntax { line, what, .. } = &mut err {
                *line = n;
                if e.is_eof() {
                    *what = "the line ends before its JSON object does; each line holds one whole contact (is the line cut off, or the file truncated?)".into();
                }
            }
            err
        }
        LineError::Contact(e) => e.at(file, &format!("line {n}")),
    }
}

/// Write one contact per line.
pub fn write(export: &Export, out: &mut dyn Write) -> io::Result<()> {
    for c in &export.contacts {
        write_contact(c, out)?;
    }
    Ok(())
}

/// Write one contact as a line.
pub fn write_contact(c: &Contact, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer(&mut *out, c)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_is_byte_identical() {
        let text = "{\"id\":\"1\",\"properties\":{\"email\":\"a@x.com\"}}\n{\"properties\":{},\"id\":2,\"visits\":[{\"timestamp\":\"1\"}]}\n";
        let e = read(text.as_bytes(), "f.ndjson").unwrap();
        assert_eq!(e.contacts.len(), 2);
        let mut out = Vec::new();
        write(&e, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), text);
    }

    #[test]
    fn blank_lines_are_skipped() {
        let e = read(b"\n{\"id\":\"1\",\"properties\":{}}\n\n", "f").unwrap();
        assert_eq!(e.contacts.len(), 1);
    }

    #[test]
    fn errors_name_the_line() {
        let e = read(b"{\"id\":\"1\",\"properties\":{}}\n{\"id\":\n", "f.ndjson")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("f.ndjson: line 2, column"), "{e}");
        assert!(e.contains("the line ends before its JSON object"), "{e}");
        let e = read(
            b"{\"id\":\"1\",\"properties\":{}}\n{\"properties\":{}}\n",
            "f.ndjson",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "f.ndjson: line 2: has no \"id\"; every contact needs its record id"
        );
        let e = read(
            b"{\"id\":\"1\",\"properties\":{\"a\":\"\xff\"}}\n",
            "f.ndjson",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 1") && e.contains("UTF-8"), "{e}");
    }
}
