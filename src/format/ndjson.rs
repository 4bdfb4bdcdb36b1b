//! JSON Lines: one contact object per line, read as a stream.

use std::io::{self, Read, Write};

use super::json::{syntax, LineError};
use super::{Place, ReadError};
use crate::model::{Contact, Export, Layout};

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

/// [`each`] from a reader, a piece at a time (a UTF-8 byte-order mark
/// before the first line is skipped); blank lines are skipped, and so is
/// an input of nothing else.
pub fn each_from<R: Read>(
    reader: R,
    file: &str,
    skipped: Option<&mut Vec<ReadError>>,
    on_contact: &mut dyn FnMut(Contact, Place),
) -> Result<(), ReadError> {
    match super::records::Reader::new(reader, super::Format::Ndjson, file) {
        Ok(r) => super::records::each(r, skipped, on_contact).map(|_| ()),
        Err(ReadError::Empty { .. }) => Ok(()),
        Err(e) => Err(e),
    }
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

/// Write one contact per line, each line ended as the file's were (CRLF
/// when it was read from JSON Lines whose lines ended so).
///
/// A file read without a line break after its last line is written so
/// while that line's contact is still the last (as the streamed way
/// copies each line with what followed it).
pub fn write(export: &Export, out: &mut dyn Write) -> io::Result<()> {
    let (end, unterminated): (&[u8], _) = match &export.layout {
        Layout::Ndjson { crlf, unterminated } => {
            (if *crlf { b"\r\n" } else { b"\n" }, unterminated.as_deref())
        }
        _ => (b"\n", None),
    };
    let last = export.contacts.len().saturating_sub(1);
    for (k, c) in export.contacts.iter().enumerate() {
        serde_json::to_writer(&mut *out, c)?;
        if k != last || unterminated != Some(c.id.as_str()) {
            out.write_all(end)?;
        }
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

    /// A last line without its line break is written back so while its
    /// contact is still the last; another contact after it gets one.
    #[test]
    fn a_last_line_without_its_line_break_is_written_back_so() {
        let text = "{\"id\":\"1\",\"properties\":{}}\r\n{\"id\":\"2\",\"properties\":{}}";
        let mut e = read(text.as_bytes(), "f.ndjson").unwrap();
        assert_eq!(
            e.layout,
            Layout::Ndjson {
                crlf: true,
                unterminated: Some("2".into())
            }
        );
        let mut out = Vec::new();
        write(&e, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), text);
        let last = e.contacts.remove(1);
        e.contacts.push(e.contacts[0].clone());
        e.contacts[1].id = "3".into();
        e.contacts.push(last);
        let mut out = Vec::new();
        write(&e, &mut out).unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .ends_with("}\r\n{\"id\":\"2\",\"properties\":{}}"));
        e.contacts.pop();
        let mut out = Vec::new();
        write(&e, &mut out).unwrap();
        assert!(
            String::from_utf8(out).unwrap().ends_with("}\r\n"),
            "3 is last: ended"
        );
        for ended in [
            "{\"id\":\"1\"}\n",
            "{\"id\":\"1\"}\n\n",
            "{\"id\":\"1\"}\r\n",
        ] {
            let e = read(ended.as_bytes(), "f").unwrap();
            assert!(
                matches!(
                    e.layout,
                    Layout::Ndjson {
                        unterminated: None,
                        ..
                    }
                ),
                "{ended:?}"
            );
        }
    }

    #[test]
    fn crlf_lines_are_written_back_with_crlf() {
        let text = "{\"id\":\"1\",\"properties\":{}}\r\n{\"id\":\"2\",\"properties\":{}}\r\n";
        let e = read(text.as_bytes(), "f.ndjson").unwrap();
        assert_eq!(
            e.layout,
            Layout::Ndjson {
                crlf: true,
                unterminated: None,
            }
        );
        let mut out = Vec::new();
        write(&e, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), text);
        // The first line that is not blank decides; a last line without a
        // line break decides nothing.
        let e = read(b"\r\n{\"id\":\"1\",\"properties\":{}}\n", "f").unwrap();
        assert_eq!(
            e.layout,
            Layout::Ndjson {
                crlf: false,
                unterminated: None,
            }
        );
        let e = read(b"{\"id\":\"1\",\"properties\":{}}\r", "f").unwrap();
        assert_eq!(
            e.layout,
            Layout::Ndjson {
                crlf: false,
                unterminated: Some("1".into()),
            }
        );
        let e = read(b"{\"id\":\"1\",\"properties\":{}}\r\n", "f").unwrap();
        assert_eq!(
            e.layout,
            Layout::Ndjson {
                crlf: true,
                unterminated: None,
            }
        );
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
