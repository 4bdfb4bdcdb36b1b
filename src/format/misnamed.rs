//! A text file named for another text format (CSV or JSON Lines named
//! `.json`, a JSON document named `.ndjson`): once the parse has failed,
//! and only then, a look at the start of the text says what the file
//! looks like and how to read it, in place of the parser's words.
//!
//! The record reader ([`super::records`]) and the whole-file readers the
//! tests compare it with (`records/oracle.rs`) decide by these functions,
//! so both give the same message.

use super::{Format, ReadError};

/// What a misnamed file looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Looks {
    Csv,
    JsonLines,
    JsonDocument,
}

impl Looks {
    fn said(self, read_as: Format) -> String {
        let not = match read_as {
            Format::Ndjson => "JSON Lines (one contact a line)",
            _ => "a JSON document",
        };
        let (like, advice) = match self {
            Looks::Csv => ("CSV", "name it .csv or pass --input-format csv"),
            Looks::JsonLines => (
                "JSON Lines (one contact a line)",
                "name it .ndjson (or .jsonl) or pass --input-format ndjson",
            ),
            Looks::JsonDocument => (
                "a JSON document (one list or object for the whole file)",
                "name it .json or pass --input-format json",
            ),
        };
        format!("the file looks like {like}, not {not}: {advice}")
    }
}

/// `e`, the error that refused a file read as `read_as`, said as a
/// misnamed file's: what it looks like, and what to do. Only a syntax
/// error or a record that is no contact is said again.
pub(crate) fn said_as(e: ReadError, read_as: Format, looks: Looks) -> ReadError {
    match e {
        ReadError::Syntax {
            file, line, column, ..
        } => ReadError::Syntax {
            file,
            line,
            column,
            what: looks.said(read_as),
        },
        ReadError::Contact(mut bad) => {
            bad.what = looks.said(read_as);
            ReadError::Contact(bad)
        }
        other => other,
    }
}

/// The first line of a text (without its line break).
fn first_line(text: &[u8]) -> &[u8] {
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let rest = &text[start..];
    &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())]
}

/// A first line that starts as no JSON value of an export does and has
/// cells between `,`, `;` or tabs: a CSV header.
fn is_csv_header(line: &[u8]) -> bool {
    !matches!(line.first(), None | Some(b'[' | b'{'))
        && line.iter().any(|b| matches!(b, b',' | b';' | b'\t'))
}

/// What a JSON document's text (from its first byte, after any byte-order
/// mark) that did not parse looks like, when it starts as something else:
/// a CSV header, or one whole object on its first line with another
/// object on a line after it (JSON Lines).
pub(crate) fn json_text(text: &str) -> Option<Looks> {
    if is_csv_header(first_line(text.as_bytes())) {
        return Some(Looks::Csv);
    }
    let start = text.len() - text.trim_start().len();
    if !text[start..].starts_with('{') {
        return None;
    }
    let mut values =
        serde_json::Deserializer::from_str(&text[start..]).into_iter::<serde::de::IgnoredAny>();
    values.next()?.ok()?;
    let end = start + values.byte_offset();
    let one_line = !text[start..end].contains('\n');
    let after = &text[end..];
    let gap = after.len() - after.trim_start().len();
    let later_object = after[..gap].contains('\n') && after[gap..].starts_with('{');
    (one_line && later_object).then_some(Looks::JsonLines)
}

/// What the first line of JSON Lines text that is no contact looks like:
/// the start of a JSON document (`[`, or `{` alone on its line), or a CSV
/// header.
pub(crate) fn json_lines_first(line: &[u8]) -> Option<Looks> {
    let line = line.trim_ascii();
    if line.starts_with(b"[") || line == b"{" {
        return Some(Looks::JsonDocument);
    }
    is_csv_header(line).then_some(Looks::Csv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_csv_json_lines_and_documents() {
        assert_eq!(json_text("Record ID,Email\n1,a\n"), Some(Looks::Csv));
        assert_eq!(json_text("\"Record ID\";\"Email\"\n"), Some(Looks::Csv));
        assert_eq!(
            json_text("{\"id\":\"1\"}\r\n{\"id\":\"2\"}\n"),
            Some(Looks::JsonLines)
        );
        // One object over several lines, or two on one line: not JSON Lines.
        assert_eq!(json_text("{\n\"id\":\"1\"}\n{\"id\":\"2\"}"), None);
        assert_eq!(json_text("{\"id\":\"1\"} {\"id\":\"2\"}"), None);
        assert_eq!(json_text("[1] x"), None);
        assert_eq!(json_lines_first(b"[\r"), Some(Looks::JsonDocument));
        assert_eq!(json_lines_first(b"  {  "), Some(Looks::JsonDocument));
        assert_eq!(json_lines_first(b"Record ID,Email"), Some(Looks::Csv));
        assert_eq!(json_lines_first(b"{\"id\":\"1\""), None);
    }
}
