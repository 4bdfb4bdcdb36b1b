//! A JSON document whose contacts each stand on one line of their own,
//! inside an indented document (`[\n{"id":"1",...},\n{"id":"2",...}\n]`):
//! the document indented, the contacts compact. serde_json's pretty
//! formatter down to the contacts' depth, its compact one below. Only a
//! bare array is written so: another shape's other keys could not be
//! told from its contacts by depth.

use std::io::{self, Write};

use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Whether a contact's text is written as serde_json writes it compact:
/// on one line, with no space after a colon or a comma between members
/// (a document of such lines is written back so; one whose contacts
/// carry Python's `", "` and `": "` is indented, as before).
pub fn compact_one_line(raw: &[u8]) -> bool {
    memchr::memchr(b'\n', raw).is_none()
        && memchr::memmem::find(raw, b"\": ").is_none()
        && memchr::memmem::find(raw, b", \"").is_none()
}

/// Pretty to `records_at` levels of nesting (the contacts' containers),
/// compact inside the contacts.
pub struct RecordLines<'a> {
    pretty: PrettyFormatter<'a>,
    /// Containers open.
    depth: usize,
    /// The depth of the container whose members are the contacts (1: a
    /// bare array or a v1 batch; 2: an export object's contacts key).
    records_at: usize,
}

impl<'a> RecordLines<'a> {
    pub fn new(indent: &'a [u8], records_at: usize) -> Self {
        RecordLines {
            pretty: PrettyFormatter::with_indent(indent),
            depth: 0,
            records_at,
        }
    }

    /// Inside a contact: written compact.
    fn inside(&self) -> bool {
        self.depth > self.records_at
    }
}

impl Formatter for RecordLines<'_> {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        match self.inside() {
            true => CompactFormatter.begin_array(w),
            false => self.pretty.begin_array(w),
        }
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        let inside = self.inside();
        self.depth -= 1;
        match inside {
            true => CompactFormatter.end_array(w),
            false => self.pretty.end_array(w),
        }
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        match self.inside() {
            true => CompactFormatter.begin_array_value(w, first),
            false => self.pretty.begin_array_value(w, first),
        }
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        match self.inside() {
            true => CompactFormatter.end_array_value(w),
            false => self.pretty.end_array_value(w),
        }
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        match self.inside() {
            true => CompactFormatter.begin_object(w),
            false => self.pretty.begin_object(w),
        }
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        let inside = self.inside();
        self.depth -= 1;
        match inside {
            true => CompactFormatter.end_object(w),
            false => self.pretty.end_object(w),
        }
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        match self.inside() {
            true => CompactFormatter.begin_object_key(w, first),
            false => self.pretty.begin_object_key(w, first),
        }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        match self.inside() {
            true => CompactFormatter.begin_object_value(w),
            false => self.pretty.begin_object_value(w),
        }
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        match self.inside() {
            true => CompactFormatter.end_object_value(w),
            false => self.pretty.end_object_value(w),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    fn written(v: &serde_json::Value, indent: &[u8], at: usize) -> String {
        let mut out = Vec::new();
        let mut ser =
            serde_json::Serializer::with_formatter(&mut out, RecordLines::new(indent, at));
        v.serialize(&mut ser).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_document_is_indented_and_each_record_on_its_line() {
        let doc = serde_json::json!([{"id": "1", "p": {"a": [1, 2]}}, {"id": "2"}]);
        assert_eq!(
            written(&doc, b"", 1),
            "[\n{\"id\":\"1\",\"p\":{\"a\":[1,2]}},\n{\"id\":\"2\"}\n]"
        );
        assert_eq!(
            written(&doc, b"  ", 1),
            "[\n  {\"id\":\"1\",\"p\":{\"a\":[1,2]}},\n  {\"id\":\"2\"}\n]"
        );
    }
}
