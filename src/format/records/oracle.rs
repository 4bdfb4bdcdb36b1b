//! The readers as they were before the record reader (commit 376487b):
//! whole-document parses, kept as the tests' oracle of what the record
//! reader must give (the same contacts, layouts and messages).

use std::io::BufRead;

use serde_json::Value;

use crate::format::csv::{
    contact_from_row, csv_error, field_count, layout_for, open_quote_line, CsvLayout, HeaderStyle,
    LineCounter,
};
use crate::format::json::{
    contact_from_value, kind_of, parse_contact, repeated_key, repeated_what, syntax,
};
use crate::format::ndjson::line_error;
use crate::format::value::{self, Repeated, Step};
use crate::format::{misnamed, Format, Place, ReadError};
use crate::model::{Contact, JsonShape, Layout};

pub(crate) fn json_each(
    bytes: &[u8],
    file: &str,
    mut skipped: Option<&mut Vec<ReadError>>,
    on_contact: &mut dyn FnMut(Contact, Place),
) -> Result<Layout, ReadError> {
    let text = check_utf8(bytes, file)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (doc, repeated) = value::parse(text).map_err(|e| match misnamed::json_text(text) {
        Some(looks) => misnamed::said_as(syntax(file, &e), Format::Json, looks),
        None => syntax(file, &e),
    })?;
    let pretty = text.trim().contains('\n');
    // Keys written twice inside a contact refuse that contact (below);
    // elsewhere (the export object's own keys), the file.
    let steps_to_list = match &doc {
        Value::Array(_) => 0,
        _ => 1,
    };
    let mut by_contact = repeated_by_contact(&doc, repeated, file)?
        .into_iter()
        .peekable();
    let (shape, items) = shape_and_items(doc, file)?;
    // A bare empty list looks the same either way: `[]` (so it reads the
    // same once written).
    let pretty = pretty && !(items.is_empty() && matches!(shape, JsonShape::Array));
    for (i, v) in items.into_iter().enumerate() {
        let mut first_repeated = None;
        while let Some((_, r)) = by_contact.next_if(|(at, _)| *at == i) {
            first_repeated.get_or_insert(r);
        }
        let read = match first_repeated {
            Some(r) => Err(repeated_key(&v, &r, steps_to_list + 1)),
            None => contact_from_value(v),
        };
        match read {
            Ok(c) => on_contact(c, Place::Contact(i + 1)),
            Err(e) => {
                let e = e.at(file, &format!("contact {}", i + 1));
                match skipped.as_deref_mut() {
                    Some(list) => list.push(e),
                    None => return Err(e),
                }
            }
        }
    }
    let text = text_of(text, pretty, &shape);
    Ok(Layout::Json {
        shape,
        pretty,
        text,
    })
}

/// The document's indentation, line ends and what follows it, as the
/// record reader notes them.
fn text_of(text: &str, pretty: bool, shape: &JsonShape) -> crate::model::JsonText {
    let mut out = crate::model::JsonText::default();
    let body = text.trim_end();
    out.trailer = text[body.len()..].to_string();
    if !pretty {
        return out;
    }
    let start = text.len() - text.trim_start().len() + 1;
    let rest = &text[start.min(text.len())..];
    let lead = &rest[..rest.len() - rest.trim_start().len()];
    if let Some(nl) = lead.rfind('\n') {
        let unit = &lead[nl + 1..];
        if !unit.is_empty() && unit.chars().all(|c| c == ' ' || c == '\t') {
            out.indent = unit.to_string();
        }
        let first = lead.find('\n').unwrap_or(nl);
        out.crlf = first > 0 && lead.as_bytes()[first - 1] == b'\r';
        // A bare array of contacts each compact on a line of its own.
        let body = &rest[lead.len()..];
        let mut values = serde_json::Deserializer::from_str(body).into_iter::<Value>();
        let one = matches!(values.next(), Some(Ok(Value::Object(_))))
            && crate::format::json_lines_of::compact_one_line(
                &body.as_bytes()[..values.byte_offset()],
            );
        if *shape == JsonShape::Array && one && unit.chars().all(|c| c == ' ' || c == '\t') {
            out.records_on_lines = true;
            out.indent = unit.to_string();
        }
    }
    out
}

/// The keys written twice inside contacts, by the contact's number in the
/// list; one written twice elsewhere refuses the file.
fn repeated_by_contact(
    doc: &Value,
    repeated: Vec<Repeated>,
    file: &str,
) -> Result<Vec<(usize, Repeated)>, ReadError> {
    let contacts_key = match doc {
        Value::Object(top) => ["contacts", "results"]
            .into_iter()
            .find(|k| top.get(*k).is_some_and(Value::is_array)),
        _ => None,
    };
    let mut by_contact: Vec<(usize, Repeated)> = Vec::new();
    for r in repeated {
        let steps = match (doc, r.path.first(), contacts_key) {
            (Value::Array(_), ..) => Some(&r.path[..]),
            (_, Some(Step::Key(k)), Some(ck)) if k == ck => Some(&r.path[1..]),
            _ => None,
        };
        match steps.and_then(|s| s.first()) {
            Some(Step::Index(i)) => by_contact.push((*i, r)),
            _ => {
                let at = r.path_from(0);
                return Err(ReadError::Invalid {
                    file: file.into(),
                    place: "top level".into(),
                    what: repeated_what(&r.key, &at, "the export"),
                });
            }
        }
    }
    Ok(by_contact)
}

/// The document's shape and its list of contacts.
fn shape_and_items(doc: Value, file: &str) -> Result<(JsonShape, Vec<Value>), ReadError> {
    match doc {
        Value::Array(items) => Ok((JsonShape::Array, items)),
        Value::Object(top)
            if top.iter().next().is_some_and(|(k, v)| {
                v.is_object() && !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit())
            }) =>
        {
            Ok((JsonShape::Batch, top.into_iter().map(|(_, v)| v).collect()))
        }
        Value::Object(top)
            if !["contacts", "results"]
                .iter()
                .any(|k| top.get(*k).is_some_and(Value::is_array))
                && (top.contains_key("id") || top.contains_key("vid")) =>
        {
            Ok((JsonShape::Single, vec![Value::Object(top)]))
        }
        Value::Object(mut top) => {
            let contacts_key = ["contacts", "results"]
                .into_iter()
                .find(|k| top.get(*k).is_some_and(Value::is_array))
                .ok_or_else(|| {
                    let what = match ["contacts", "results"]
                        .into_iter()
                        .find_map(|k| Some((k, top.get(k)?)))
                    {
                        Some((k, v)) => super::doc::not_a_list(k, v),
                        None => super::doc::object_not_contacts(&top),
                    };
                    ReadError::Invalid {
                        file: file.into(),
                        place: "top level".into(),
                        what,
                    }
                })?;
            let items = match top.get_mut(contacts_key).map(Value::take) {
                Some(Value::Array(items)) => items,
                _ => unreachable!("checked above"),
            };
            Ok((
                JsonShape::Object {
                    contacts_key: contacts_key.to_string(),
                    top,
                },
                items,
            ))
        }
        other => Err(ReadError::Invalid {
            file: file.into(),
            place: "top level".into(),
            what: format!(
                "expected an array of contacts or an export object, found {}",
                kind_of(&other)
            ),
        }),
    }
}

pub(crate) fn csv_each(
    bytes: &[u8],
    file: &str,
    mut skipped: Option<&mut Vec<ReadError>>,
    on_contact: &mut dyn FnMut(Contact, Place),
) -> Result<CsvLayout, ReadError> {
    let text = check_utf8(bytes, file)?;
    let (bom, text) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if let Some(line) = open_quote_line(text.as_bytes()) {
        return Err(ReadError::Invalid {
            file: file.into(),
            place: format!("line {line}"),
            what: "a quoted field is still open at the end of the file: the file looks truncated; export or download it again".into(),
        });
    }
    let mut lines = LineCounter::new(text);
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| csv_error(file, e, &mut lines))?
        .iter()
        .map(str::to_string)
        .collect();
    let style = HeaderStyle::of(text.as_bytes(), Some(b','));
    let quote_all = style.quote_all(&headers);
    let layout = layout_for(headers, bom, style.crlf, quote_all, b',', file)
        .map_err(|e| crate::format::csv::header_error(e, text.as_bytes(), file))?;
    let mut record = ::csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(file, e, &mut lines)),
        }
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        // One change since 376487b, on purpose (2026-12-07): a row of the
        // wrong length is a record that cannot be read, named with its id,
        // and the rows after it are read (it was the end of the reading).
        let read = match record.len() == layout.headers.len() {
            true => contact_from_row(&layout, &record.iter().collect::<Vec<_>>(), line, file),
            false => Err(field_count(
                file,
                format!("line {line}"),
                (record.get(layout.id_column).map(str::trim))
                    .filter(|id| !id.is_empty())
                    .map(str::to_string),
                record.len(),
                layout.headers.len(),
            )),
        };
        match (read, skipped.as_deref_mut()) {
            (Ok(c), _) => on_contact(c, Place::Line(line)),
            (Err(e), Some(list)) => list.push(e),
            (Err(e), None) => return Err(e),
        }
    }
    Ok(layout)
}

pub(crate) fn ndjson_each<R: BufRead>(
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
    let mut seen = false;
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
        let first = !std::mem::replace(&mut seen, true);
        let read =
            parse_line(text, n, file).map_err(|e| super::lines::first_line_error(e, first, text));
        match (read, skipped.as_deref_mut()) {
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

fn check_utf8<'a>(bytes: &'a [u8], file: &str) -> Result<&'a str, ReadError> {
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
