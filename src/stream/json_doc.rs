//! JSON documents streamed: how their merged contacts are written (in the
//! document's own indentation), and the second pass over their records,
//! which keeps the document's prefix, suffix and separators byte for byte.
//!
//! A document's records are cut so that each one but the first starts with
//! the separator before it (`,` and the white space around it): a record
//! left out takes its separator with it, and the first record written after
//! records left out at the start drops its own.

use std::io::{self, Write};

use serde::Serialize;

use super::chunks::Chunks;
use super::output::Output;
use super::record::Scan;
use super::write::Rewrite;
use crate::model::Contact;

/// How merged contacts are written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum JsonStyle {
    /// On one line (JSON Lines, a one-line document).
    #[default]
    Compact,
    /// Indented by `unit` per level, every line after the first starting
    /// with `base` (the indentation of the document's records); lines end
    /// as the document's (`crlf`: CRLF).
    Pretty {
        unit: Box<[u8]>,
        base: Box<[u8]>,
        crlf: bool,
    },
}

impl JsonStyle {
    /// The style of a document whose first record starts after `prefix`,
    /// `depth` levels deep (1 in a bare array, 2 in an export object): the
    /// indentation of its line, when the record starts a line.
    pub(crate) fn of(prefix: &[u8], depth: usize) -> JsonStyle {
        let line_start = match memchr::memrchr(b'\n', prefix) {
            Some(at) => at + 1,
            None => return JsonStyle::Compact,
        };
        let line = &prefix[line_start..];
        let crlf = line_start >= 2 && prefix[line_start - 2] == b'\r';
        let indent = line
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        // A v1 batch's record follows its key on the line.
        if indent < line.len() && batch_key(line) != line.len() - indent {
            return JsonStyle::Compact;
        }
        let base = &line[..indent];
        let unit_len = base.len() / depth.max(1);
        let unit = &base[..unit_len];
        let unit: &[u8] = if unit.repeat(depth) == base {
            unit
        } else {
            b"  "
        };
        JsonStyle::Pretty {
            unit: unit.into(),
            base: base.into(),
            crlf,
        }
    }

    /// A contact written in this style.
    pub(crate) fn encode(&self, c: &Contact) -> Vec<u8> {
        match self {
            JsonStyle::Compact => serde_json::to_vec(c).expect("a contact always serializes"),
            JsonStyle::Pretty { unit, base, crlf } => {
                let mut flat = Vec::new();
                let formatter = serde_json::ser::PrettyFormatter::with_indent(unit);
                let mut ser = serde_json::Serializer::with_formatter(&mut flat, formatter);
                c.serialize(&mut ser).expect("a contact always serializes");
                let lines = flat.iter().filter(|&&b| b == b'\n').count();
                let mut out = Vec::with_capacity(flat.len() + lines * base.len());
                for (k, line) in flat.split(|&b| b == b'\n').enumerate() {
                    if k > 0 {
                        if *crlf {
                            out.push(b'\r');
                        }
                        out.push(b'\n');
                        out.extend_from_slice(base);
                    }
                    out.extend_from_slice(line);
                }
                out
            }
        }
    }
}

fn is_ws(b: &u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Where a record's own bytes start, after the separator before it.
pub(super) fn after_separator(bytes: &[u8]) -> usize {
    let lead = bytes.iter().take_while(|b| is_ws(b)).count();
    if bytes.get(lead) != Some(&b',') {
        return lead;
    }
    lead + 1 + bytes[lead + 1..].iter().take_while(|b| is_ws(b)).count()
}

/// The length of a v1 batch's key, colon and the white space after them
/// (`"51": `) at the end of the bytes before a record; 0 when there is
/// none (a record of a list). A vid's key holds digits only (perhaps
/// written as `\u` escapes).
pub(crate) fn batch_key(before: &[u8]) -> usize {
    let ws = before.iter().rev().take_while(|b| is_ws(b)).count();
    let rest = &before[..before.len() - ws];
    let Some(rest) = rest.strip_suffix(b":") else {
        return 0;
    };
    let ws2 = rest.iter().rev().take_while(|b| is_ws(b)).count();
    let rest = &rest[..rest.len() - ws2];
    let Some(rest) = rest.strip_suffix(b"\"") else {
        return 0;
    };
    let digits = rest
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_hexdigit() || matches!(b, b'u' | b'\\'))
        .count();
    if digits == 0 || rest.len() == digits || rest[rest.len() - digits - 1] != b'"' {
        return 0;
    }
    digits + 2 + ws2 + 1 + ws
}

/// The second pass over a JSON document: its prefix, the records the plan
/// did not touch and its suffix copied; the merged contacts written in
/// their primaries' places, the secondaries left out with their
/// separators. `actions`: the records the plan touched and their contacts,
/// in file order. Gives the number of contacts written.
pub(super) fn rewrite_document(
    file: &mut Chunks,
    scan: &Scan,
    rewrite: &Rewrite<'_>,
    actions: &[(usize, usize)],
    out: &mut Output<'_>,
) -> io::Result<usize> {
    let removed = |r: usize| {
        actions
            .binary_search_by_key(&r, |&(record, _)| record)
            .is_ok_and(|k| rewrite.finished.removed[actions[k].1])
    };
    // The first record written: the ones before it are all left out, and
    // it goes without its separator (touched or not).
    let first = (0..scan.ranges.len()).find(|&r| !removed(r));
    let mut steps: Vec<(usize, Option<usize>)> =
        actions.iter().map(|&(r, i)| (r, Some(i))).collect();
    if let Some(r) = first.filter(|&r| r > 0 && !actions.iter().any(|&(a, _)| a == r)) {
        let at = steps.partition_point(|&(a, _)| a < r);
        steps.insert(at, (r, None));
    }
    let mut at: u64 = 0;
    let mut written = scan.ranges.len() - actions.len();
    let mut piece = Vec::new();
    for (record, action) in steps {
        let (start, end) = scan.ranges[record];
        if start > at {
            out.write_all(&piece)?;
            piece.clear();
            file.copy(at, start, out)?;
        }
        let bytes = file.get(start, end)?;
        // The separator, then (a v1 batch) the record's key, then the
        // record itself.
        let sep = after_separator(bytes);
        let own = sep + key_len(&bytes[sep..]);
        let separator = if Some(record) == first {
            &bytes[sep..own]
        } else {
            &bytes[..own]
        };
        match action {
            Some(i) if rewrite.finished.removed[i] => {}
            Some(i) => {
                piece.extend_from_slice(separator);
                rewrite.finished.write_json(i, &mut piece)?;
                written += 1;
            }
            None => piece.extend_from_slice(&bytes[sep..]),
        }
        at = end;
        if piece.len() >= rewrite.piece {
            out.write_all(&piece)?;
            piece.clear();
        }
    }
    out.write_all(&piece)?;
    file.copy(at, scan.file_len, out)?;
    out.flush()?;
    Ok(written)
}

/// The length of the key, colon and white space a record of a v1 batch
/// starts with (after its separator); 0 for a record of a list.
fn key_len(bytes: &[u8]) -> usize {
    if bytes.first() != Some(&b'"') {
        return 0;
    }
    let Some(close) = bytes[1..].iter().position(|&b| b == b'"') else {
        return 0;
    };
    let after = close + 2;
    let ws = bytes[after..].iter().take_while(|b| is_ws(b)).count();
    if bytes.get(after + ws) != Some(&b':') {
        return 0;
    }
    let colon = after + ws + 1;
    colon + bytes[colon..].iter().take_while(|b| is_ws(b)).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{read_bytes, write_to_vec, Format};

    /// A merged contact is written as the in-memory writer writes it in
    /// the document (one with its sections, so that it has nested levels).
    #[test]
    fn contacts_are_encoded_as_the_writer_indents_them_in_the_document() {
        let doc = br#"{"results":[{"id":"7","properties":{"email":"a@x.com","firstname":"A"},"associations":{"companies":{"results":[{"id":"3","type":"contact_to_company"}]}}}],"paging":{"next":{"after":"8"}}}"#;
        let compact = read_bytes(doc, Format::Json, "d.json").unwrap();
        let c = &compact.contacts[0];
        for pretty in [false, true] {
            let mut export = compact.clone();
            if let crate::model::Layout::Json { pretty: p, .. } = &mut export.layout {
                *p = pretty;
            }
            let written = write_to_vec(&export, Format::Json);
            let start = memchr::memmem::find(&written, b"{\n      \"id\"")
                .or_else(|| memchr::memmem::find(&written, b"{\"id\""))
                .unwrap();
            let style = JsonStyle::of(&written[..start], 2);
            assert_eq!(style == JsonStyle::Compact, !pretty);
            let encoded = style.encode(c);
            assert_eq!(
                String::from_utf8_lossy(&written[start..start + encoded.len()]),
                String::from_utf8_lossy(&encoded)
            );
            assert_eq!(
                written[start + encoded.len()],
                b'\n' * u8::from(pretty) + b']' * u8::from(!pretty)
            );
        }
    }

    #[test]
    fn the_indentation_unit_is_the_documents() {
        let four = JsonStyle::Pretty {
            unit: (*b"    ").into(),
            base: (*b"    ").into(),
            crlf: false,
        };
        assert_eq!(JsonStyle::of(b"[\n    ", 1), four);
        let tabs = JsonStyle::of(b"{\n\t\"results\": [\n\t\t", 2);
        assert_eq!(
            tabs,
            JsonStyle::Pretty {
                unit: (*b"\t").into(),
                base: (*b"\t\t").into(),
                crlf: false,
            }
        );
        let mut c = Contact::new("1");
        c.set_prop("email", Some("a@x.com".into()));
        let text = String::from_utf8(tabs.encode(&c)).unwrap();
        assert!(
            text.contains("\n\t\t\t\"properties\": {\n\t\t\t\t\"email\""),
            "{text:?}"
        );
        assert!(text.ends_with("\n\t\t}"), "{text:?}");
        assert_eq!(JsonStyle::of(b"[", 1), JsonStyle::Compact);
        let crlf = JsonStyle::of(b"\xEF\xBB\xBF[\r\n  ", 1);
        let text = String::from_utf8(crlf.encode(&c)).unwrap();
        assert!(text.starts_with("{\r\n    \"id\": \"1\",\r\n"), "{text:?}");
        assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
    }

    #[test]
    fn a_batch_records_key_goes_with_it() {
        assert_eq!(batch_key(b"{\n  \"51\": "), 6);
        assert_eq!(batch_key(b"{\"51\":"), 5);
        assert_eq!(batch_key(b"{\"results\": ["), 0);
        assert_eq!(batch_key(b"[\n  "), 0);
        assert_eq!(batch_key(b"{\"a1\": "), 2 + 2 + 2);
        assert_eq!(batch_key(b"{\"\\u0035\\u0031\": "), 16);
        assert_eq!(batch_key(b"{\"x1\": "), 0);
        assert_eq!(key_len(b"\"51\" : {}"), 7);
        assert_eq!(key_len(b"{\"id\": 1}"), 0);
        let batch = JsonStyle::of(b"{\n  \"51\": ", 1);
        assert_eq!(
            batch,
            JsonStyle::Pretty {
                unit: (*b"  ").into(),
                base: (*b"  ").into(),
                crlf: false,
            }
        );
    }

    #[test]
    fn separators_are_skipped_up_to_the_record() {
        assert_eq!(after_separator(b"{\"id\":1}"), 0);
        assert_eq!(after_separator(b",{\"id\":1}"), 1);
        assert_eq!(after_separator(b",\n  {\"id\":1}"), 4);
        assert_eq!(after_separator(b" \r\n , \n\t{"), 8);
    }
}
