//! JSON Lines: a record is a line.

use std::io::Read;

use super::input::Input;
use super::scan::{skip_ws, Checker, Light};
use super::{io_error, Found};
use crate::format::json::parse_contact;
use crate::format::ndjson::line_error;
use crate::format::{misnamed, Format, Place, ReadError};
use crate::model::Contact;

pub(crate) struct Lines {
    /// The start of the next line.
    pos: u64,
    /// Lines read.
    n: u64,
    /// A line that is not blank was read.
    seen: bool,
    /// The first line that is not blank ended with CRLF (unknown until
    /// one ends with a line break).
    crlf: Option<bool>,
}

impl Lines {
    pub(crate) fn new(text_start: u64) -> Self {
        Lines {
            pos: text_start,
            n: 0,
            seen: false,
            crlf: None,
        }
    }

    /// Whether the file's lines end with CRLF, as far as read.
    pub(crate) fn crlf(&self) -> bool {
        self.crlf == Some(true)
    }

    pub(crate) fn next<R: Read>(
        &mut self,
        input: &mut Input<R>,
        keep: u64,
        file: &str,
        checker: Option<&mut Checker>,
    ) -> Result<Option<Found>, ReadError> {
        let mut checker = checker;
        loop {
            let rest = input.from(self.pos);
            let (len, next) = match memchr::memchr(b'\n', rest) {
                Some(p) => (p, self.pos + p as u64 + 1),
                None if !input.eof => {
                    input.more(keep.min(self.pos)).map_err(io_error(file))?;
                    continue;
                }
                None if rest.is_empty() => return Ok(None),
                None => (rest.len(), self.pos + rest.len() as u64),
            };
            let start = self.pos;
            self.pos = next;
            self.n += 1;
            let line = &rest[..len];
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let first = !std::mem::replace(&mut self.seen, true);
            if self.crlf.is_none() && next == start + len as u64 + 1 {
                self.crlf = Some(line.last() == Some(&b'\r'));
            }
            let range = start..start + len as u64;
            let place = Place::Line(self.n);
            let text = match std::str::from_utf8(line) {
                Ok(t) => t,
                Err(e) => {
                    return Ok(Some(Found::Bad(ReadError::NotUtf8 {
                        file: file.into(),
                        line: self.n,
                        offset: e.valid_up_to() as u64,
                    })))
                }
            };
            let at = skip_ws(line, 0);
            let light = match checker.as_deref_mut() {
                Some(checker) => checker.contact(line, at),
                None => Light::NotSure,
            };
            if let Light::Ok { end, id } = light {
                if skip_ws(line, end) == line.len() && !id.escaped {
                    return Ok(Some(Found::Record {
                        range,
                        id: text[id.start..id.end].to_string(),
                        place,
                        parsed: None,
                    }));
                }
            }
            // Not sure (or parsing every record): the full parse decides,
            // and says what is wrong.
            return Ok(Some(match parse_contact(text) {
                Ok(c) => Found::Record {
                    range,
                    id: c.id.clone(),
                    place,
                    parsed: Some(Box::new(c)),
                },
                Err(e) => Found::Bad(first_line_error(line_error(e, file, self.n), first, line)),
            }));
        }
    }
}

/// The error of a line that is no contact, said as a misnamed file's
/// when it is the first line and looks like the start of a JSON document
/// or a CSV header.
pub(crate) fn first_line_error(e: ReadError, first: bool, line: &[u8]) -> ReadError {
    match misnamed::json_lines_first(line).filter(|_| first) {
        Some(looks) => misnamed::said_as(e, Format::Ndjson, looks),
        None => e,
    }
}

/// A line parsed in full.
pub(crate) fn contact(raw: &[u8], n: u64, file: &str) -> Result<Contact, ReadError> {
    let text = std::str::from_utf8(raw).map_err(|e| ReadError::NotUtf8 {
        file: file.into(),
        line: n,
        offset: e.valid_up_to() as u64,
    })?;
    parse_contact(text).map_err(|e| line_error(e, file, n))
}
