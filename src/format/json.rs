//! JSON exports in HubSpot's API shape: a bare array of contacts, an API page
//! `{"results": [...]}`, or an export object `{"contacts": [...], ...}`.

use std::io::{self, Write};

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::value::{self, Repeated};
use super::{BadContact, Place, ReadError};
use crate::model::{
    key, AssocEntry, AssocForm, AssocList, Associations, Contact, Export, History, HistoryEntry,
    JsonShape, JsonText, Layout, Properties,
};

/// Read a JSON export.
pub fn read(bytes: &[u8], file: &str) -> Result<Export, ReadError> {
    read_with(bytes, file, None)
}

/// Read a JSON export; with `skipped`, a contact that cannot be read is
/// reported there and left out instead of failing the whole file.
pub fn read_with(
    bytes: &[u8],
    file: &str,
    skipped: Option<&mut Vec<ReadError>>,
) -> Result<Export, ReadError> {
    super::read_bytes_with(bytes, super::Format::Json, file, skipped)
}

/// Read a JSON export one contact at a time: each goes to `on_contact` with
/// its number in the list. Gives the layout.
pub fn each(
    bytes: &[u8],
    file: &str,
    skipped: Option<&mut Vec<ReadError>>,
    on_contact: &mut dyn FnMut(Contact, Place),
) -> Result<Layout, ReadError> {
    let reader = super::records::Reader::new(bytes, super::Format::Json, file)?;
    super::records::each(reader, skipped, on_contact)
}

/// Write an export as JSON: in its own shape and layout (indentation, line
/// ends, what follows the document) when it was read from JSON, else as a
/// bare array indented by two spaces.
pub fn write(export: &Export, out: &mut dyn Write) -> io::Result<()> {
    let default = (JsonShape::Array, true, JsonText::default());
    let (shape, pretty, text) = match &export.layout {
        Layout::Json {
            shape,
            pretty,
            text,
        } => (shape, *pretty, text),
        _ => (&default.0, default.1, &default.2),
    };
    let doc = Document {
        shape,
        contacts: &export.contacts,
    };
    let mut bytes = Vec::new();
    if pretty && text.records_on_lines && *shape == JsonShape::Array {
        let formatter = super::json_lines_of::RecordLines::new(text.indent.as_bytes(), 1);
        doc.serialize(&mut serde_json::Serializer::with_formatter(
            &mut bytes, formatter,
        ))?;
    } else if pretty {
        let formatter = serde_json::ser::PrettyFormatter::with_indent(text.indent.as_bytes());
        doc.serialize(&mut serde_json::Serializer::with_formatter(
            &mut bytes, formatter,
        ))?;
    } else {
        serde_json::to_writer(&mut bytes, &doc)?;
    }
    if text.crlf && pretty {
        // A line break is never inside a string (it is escaped there).
        let mut crlf = Vec::with_capacity(bytes.len() + bytes.len() / 16);
        for &b in &bytes {
            if b == b'\n' {
                crlf.push(b'\r');
            }
            crlf.push(b);
        }
        bytes = crlf;
    }
    out.write_all(&bytes)?;
    out.write_all(text.trailer.as_bytes())
}

struct Document<'a> {
    shape: &'a JsonShape,
    contacts: &'a [Contact],
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.shape {
            JsonShape::Array => self.contacts.serialize(s),
            JsonShape::Object { contacts_key, top } => {
                let mut m = s.serialize_map(Some(top.len()))?;
                for (k, v) in top {
                    if k == contacts_key {
                        m.serialize_entry(k, self.contacts)?;
                    } else {
                        m.serialize_entry(k, v)?;
                    }
                }
                m.end()
            }
            // One contact, written as the document; none or several (not
            // what a single object's merges leave) as a bare array.
            JsonShape::Single => match self.contacts {
                [c] => c.serialize(s),
                many => many.serialize(s),
            },
            JsonShape::Batch => {
                let mut m = s.serialize_map(Some(self.contacts.len()))?;
                for c in self.contacts {
                    m.serialize_entry(&c.id, c)?;
                }
                m.end()
            }
        }
    }
}

/// A problem inside one contact, before the file and place are known.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ContactError {
    pub id: Option<String>,
    /// The part of the contact it is in (`engagements`,
    /// `properties.email`), when one part.
    pub field: Option<String>,
    /// What was found there, when it says more than the message.
    pub value: Option<String>,
    pub what: String,
}

impl ContactError {
    pub(crate) fn new(id: Option<&str>, what: String) -> Self {
        ContactError {
            id: id.map(str::to_string),
            what,
            ..Default::default()
        }
    }

    /// Attach the file and the contact's place.
    pub fn at(self, file: &str, place: &str) -> ReadError {
        ReadError::Contact(Box::new(BadContact {
            file: file.into(),
            place: place.into(),
            id: self.id,
            field: self.field,
            value: self.value,
            what: self.what,
        }))
    }
}

/// A JSON Lines line that is not a contact: not JSON, or JSON that is not
/// a contact.
#[derive(Debug)]
pub enum LineError {
    Syntax(serde_json::Error),
    Contact(ContactError),
}

/// Parse one contact from its JSON text (a JSON Lines line), refusing a key
/// written twice as [`contact_from_value`] refuses the rest.
pub fn parse_contact(text: &str) -> Result<Contact, LineError> {
    let (v, repeated) = value::parse(text).map_err(LineError::Syntax)?;
    match repeated.first() {
        Some(r) => Err(LineError::Contact(repeated_key(&v, r, 0))),
        None => contact_from_value(v).map_err(LineError::Contact),
    }
}

/// A contact that holds a key twice (`r`, `skip` steps into the document):
/// named by its id where it has one.
pub(crate) fn repeated_key(contact: &Value, r: &Repeated, skip: usize) -> ContactError {
    // Not when "id" itself is written twice: which is the record's?
    let id = contact
        .get(key::ID)
        .filter(|_| !(r.key == key::ID && r.path.len() == skip))
        .and_then(crate::model::value_as_text)
        .filter(|s| !s.trim().is_empty());
    let at = r.path_from(skip);
    let field = if at.is_empty() {
        r.key.clone()
    } else {
        format!("{at}.{}", r.key)
    };
    ContactError {
        id,
        field: Some(field),
        value: None,
        what: repeated_what(&r.key, &at, "the contact"),
    }
}

pub(crate) fn repeated_what(key: &str, at: &str, whole: &str) -> String {
    let place = if at.is_empty() {
        whole.to_string()
    } else {
        at.to_string()
    };
    format!(
        "the key {} appears more than once in {place}; JSON keeps one value per key, so one would be lost: keep the right one and remove the other",
        Value::String(key.into())
    )
}

/// The sections that hold lists, and what their items are (SPEC section 2).
const LIST_SECTIONS: [(&str, &str); 4] = [
    (
        key::ENGAGEMENTS,
        "activities [{\"id\", \"type\", \"timestamp\"}, ...]",
    ),
    (key::VISITS, "visits [{\"timestamp\", \"url\", ...}, ...]"),
    (
        key::FORM_SUBMISSIONS,
        "form submissions [{\"formId\", \"timestamp\", ...}, ...]",
    ),
    (key::USERTOKENS, "tracking tokens [\"...\", ...]"),
];

/// A section of the wrong shape: the list sections must be lists, and
/// `subscriptions` an object of email address → list. `null` is a section
/// left empty. A merge cannot combine anything else, and would keep one
/// side's and drop the other's, so the contact is refused.
pub(crate) fn section_shape(name: &str, v: &Value) -> Result<(), ContactError> {
    let wrong = |field: String, expected: String, found: &Value| {
        ContactError {
        field: Some(field.clone()),
        value: Some(shown(found)),
        what: format!(
            "\"{field}\" must be {expected}, found {}; a merge could not combine it and would drop it: correct or remove it in the export",
            kind_of(found)
        ),
        ..Default::default()
    }
    };
    if v.is_null() {
        return Ok(());
    }
    if let Some((_, items)) = LIST_SECTIONS.iter().find(|(k, _)| *k == name) {
        return match v {
            Value::Array(_) => Ok(()),
            _ => Err(wrong(name.into(), format!("a list of {items}"), v)),
        };
    }
    if name == key::SUBSCRIPTIONS {
        let Value::Object(m) = v else {
            return Err(wrong(
                name.into(),
                "an object of email address → list of subscriptions {\"a@example.com\": [{\"id\", \"status\"}]}".into(),
                v,
            ));
        };
        for (email, set) in m {
            if !set.is_array() && !set.is_null() {
                return Err(wrong(
                    format!("{name}.{email}"),
                    "a list of subscriptions [{\"id\", \"status\"}, ...]".into(),
                    set,
                ));
            }
        }
    }
    Ok(())
}

/// A value for a message: its JSON, cut short when long.
fn shown(v: &Value) -> String {
    const MAX: usize = 80;
    let text = v.to_string();
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text,
    }
}

pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn syntax(file: &str, e: &serde_json::Error) -> ReadError {
    let what = match e.classify() {
        serde_json::error::Category::Eof => {
            "the JSON ends too early: the file looks truncated; download or export it again"
                .to_string()
        }
        _ => {
            // serde_json appends " at line L column C"; the variant says it
            // already.
            let said = e.to_string();
            let said = said.rfind(" at line ").map_or(&said[..], |i| &said[..i]);
            format!("malformed JSON: {said}; correct the JSON at that line and column, or export the file again")
        }
    };
    ReadError::Syntax {
        file: file.into(),
        line: e.line() as u64,
        column: e.column() as u64,
        what,
    }
}

/// Build a contact from its JSON object.
pub fn contact_from_value(v: Value) -> Result<Contact, ContactError> {
    let err = |id: Option<&str>, what: String| ContactError::new(id, what);
    let Value::Object(obj) = v else {
        return Err(err(
            None,
            format!("expected a contact object, found {}: each contact is an object with its \"id\" and \"properties\"; correct or remove it", kind_of(&v)),
        ));
    };
    if super::v1::is_v1(&obj) {
        return super::v1::contact(obj);
    }
    let (id, id_is_number) = match obj.get(key::ID) {
        Some(Value::String(s)) if !s.trim().is_empty() => (s.clone(), false),
        Some(Value::Number(n)) => (n.to_string(), true),
        Some(other) if !matches!(other, Value::String(_) | Value::Null) => {
            return Err(err(
                None,
                format!("\"id\" must be a string, found {}", kind_of(other)),
            ))
        }
        _ => {
            // A contact without `id` may still carry hs_object_id.
            let from_props = obj
                .get(key::PROPERTIES)
                .and_then(|p| p.get("hs_object_id"))
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty());
            match from_props {
                Some(_) => return Err(err(
                    from_props,
                    "has no \"id\" (only properties.hs_object_id); add \"id\" with the record id"
                        .into(),
                )),
                None => {
                    return Err(err(
                        None,
                        "has no \"id\"; every contact needs its record id".into(),
                    ))
                }
            }
        }
    };
    let idr = Some(id.as_str());
    let mut c = Contact {
        id: id.clone(),
        id_is_number,
        ..Default::default()
    };
    for (k, v) in obj {
        c.key_order.push(k.clone());
        match k.as_str() {
            key::ID => {}
            key::PROPERTIES => c.properties = properties(v).map_err(|w| err(idr, w))?,
            key::HISTORY => c.history = Some(history(v).map_err(|w| err(idr, w))?),
            key::ASSOCIATIONS => c.associations = Some(associations(v).map_err(|w| err(idr, w))?),
            _ => {
                section_shape(&k, &v).map_err(|e| ContactError {
                    id: c.id.clone().into(),
                    ..e
                })?;
                c.sections.insert(k, v);
            }
        }
    }
    Ok(c)
}

fn properties(v: Value) -> Result<Properties, String> {
    let Value::Object(m) = v else {
        return Err(format!(
            "\"properties\" must be an object, found {}",
            kind_of(&v)
        ));
    };
    let mut props = Properties::with_capacity_and_hasher(m.len(), Default::default());
    for (k, v) in m {
        let value = match v {
            Value::Null => None,
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => {
                return Err(format!(
                "property {k:?} must be a string, found {}; HubSpot property values are strings",
                kind_of(&other)
            ))
            }
        };
        props.insert(crate::model::prop_name(&k), value);
    }
    Ok(props)
}

fn history(v: Value) -> Result<History, String> {
    let Value::Object(m) = v else {
        return Err(format!(
            "\"propertiesWithHistory\" must be an object, found {}",
            kind_of(&v)
        ));
    };
    let mut out = History::with_capacity(m.len());
    for (k, v) in m {
        let Value::Array(items) = v else {
            return Err(format!(
                "propertiesWithHistory.{k} must be a list of {{value, timestamp, sourceType}}, found {}",
                kind_of(&v)
            ));
        };
        let mut entries = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::Object(e) => entries.push(HistoryEntry(e)),
                other => {
                    return Err(format!(
                        "propertiesWithHistory.{k} entries must be objects, found {}",
                        kind_of(&other)
                    ))
                }
            }
        }
        out.insert(k, entries);
    }
    Ok(out)
}

fn associations(v: Value) -> Result<Associations, String> {
    let Value::Object(m) = v else {
        return Err(format!(
            "\"associations\" must be an object, found {}",
            kind_of(&v)
        ));
    };
    let mut out = Associations::with_capacity_and_hasher(m.len(), Default::default());
    for (kind, v) in m {
        let bad = |found: &Value| {
            format!(
                "associations.{kind} must be a list of ids or {{\"results\": [{{\"id\", \"type\"}}]}}, found {}",
                kind_of(found)
            )
        };
        let (form, items) = match v {
            Value::Array(items) => (AssocForm::Plain, items),
            Value::Object(mut o) => match o.get_mut("results").map(Value::take) {
                Some(Value::Array(items)) => (AssocForm::Results(o), items),
                _ => return Err(bad(&Value::Object(o))),
            },
            other => return Err(bad(&other)),
        };
        let results = matches!(form, AssocForm::Results(_));
        let mut entries = Vec::with_capacity(items.len());
        for item in items {
            // Each entry in its list's form (SPEC section 3: written back in
            // the form read): ids in a plain list, objects under "results".
            let id = match (&item, results) {
                (Value::String(s), false) => Some(s.clone()),
                (Value::Number(n), false) => Some(n.to_string()),
                (Value::Object(o), true) => o.get("id").and_then(crate::model::value_as_text),
                (Value::String(_) | Value::Number(_), true) => {
                    return Err(format!(
                        "associations.{kind}.results holds an id alone ({item}) where HubSpot writes {{\"id\": ..., \"type\": ...}}: write it as an object, or the list as a plain list of ids"
                    ))
                }
                (Value::Object(_), false) => {
                    return Err(format!(
                        "associations.{kind} is a plain list of ids but holds an object ({item}): write the id alone, or the list as {{\"results\": [{{\"id\", \"type\"}}]}}"
                    ))
                }
                _ => None,
            };
            match id {
                Some(id) => entries.push(AssocEntry { id, raw: item }),
                None => return Err(entry_without_id(&kind, &item)),
            }
        }
        out.insert(kind, AssocList { form, entries });
    }
    Ok(out)
}

/// An association entry without an id; one in HubSpot's v4 shape
/// (`{"toObjectId": 9001, "associationTypes": [...]}`) is named as such,
/// with the shape that is read.
fn entry_without_id(kind: &str, item: &Value) -> String {
    if let Some(to) = item.get("toObjectId") {
        let id = crate::model::value_as_text(to).unwrap_or_default();
        return format!(
            "associations.{kind} has an entry in HubSpot's v4 associations shape ({item}), which is not read; the tool reads the v3 shape, {{\"results\": [{{\"id\": \"{id}\", \"type\": \"...\"}}]}} (v4's toObjectId is the id), or a plain list of ids: export the contacts with the v3 API (GET /crm/v3/objects/contacts?associations={kind})"
        );
    }
    format!("associations.{kind} has an entry without an id: {item}")
}

/// The JSON key order of a contact that has none recorded (one read from
/// CSV): HubSpot's API order.
const DEFAULT_ORDER: &[&str] = &[
    key::ID,
    key::PROPERTIES,
    key::HISTORY,
    key::CREATED_AT,
    key::UPDATED_AT,
    key::ARCHIVED,
    key::ASSOCIATIONS,
];

const FIXED_KEYS: [&str; 4] = [key::ID, key::PROPERTIES, key::HISTORY, key::ASSOCIATIONS];

impl Contact {
    /// The keys [`Contact`]'s JSON has, in order.
    pub(crate) fn written_keys(&self) -> Vec<String> {
        if let Some(form) = &self.v1 {
            return super::v1::write_order(self, form);
        }
        self.write_order()
            .into_iter()
            .filter(|k| match *k {
                key::ID | key::PROPERTIES => true,
                key::HISTORY => self.history.is_some(),
                key::ASSOCIATIONS => self.associations.is_some(),
                other => self.sections.contains_key(other),
            })
            .map(str::to_string)
            .collect()
    }

    /// The keys to write, in order: the order read, then parts gained since.
    fn write_order(&self) -> Vec<&str> {
        let mut order: Vec<&str> = if self.key_order.is_empty() {
            DEFAULT_ORDER.to_vec()
        } else {
            self.key_order.iter().map(String::as_str).collect()
        };
        // A search of the order per key, but a set for a contact of many
        // keys (tens of thousands of unknown parts), so that it is written
        // in linear time.
        let mut keys: Option<std::collections::HashSet<&str>> =
            (order.len() + self.sections.len() > 32).then(|| order.iter().copied().collect());
        let mut has = |order: &[&str], k| match keys.as_mut() {
            Some(keys) => !keys.insert(k),
            None => order.contains(&k),
        };
        for k in FIXED_KEYS
            .iter()
            .copied()
            .chain(self.sections.keys().map(String::as_str))
        {
            // A contact read without "properties" is written without them
            // until it gains one (the same document back).
            if k == key::PROPERTIES && self.properties.is_empty() {
                continue;
            }
            if !has(&order, k) {
                order.push(k);
            }
        }
        order
    }
}

impl Serialize for Contact {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let Some(form) = &self.v1 {
            return super::v1::V1Out(self, form).serialize(s);
        }
        let mut m = s.serialize_map(None)?;
        for k in self.write_order() {
            match k {
                key::ID => match self.id.parse::<serde_json::Number>() {
                    Ok(n) if self.id_is_number => m.serialize_entry(k, &n)?,
                    _ => m.serialize_entry(k, &self.id)?,
                },
                key::PROPERTIES => m.serialize_entry(k, &self.properties)?,
                key::HISTORY => {
                    if let Some(h) = &self.history {
                        m.serialize_entry(k, &HistoryOut(h))?
                    }
                }
                key::ASSOCIATIONS => {
                    if let Some(a) = &self.associations {
                        m.serialize_entry(k, &AssocsOut(a))?
                    }
                }
                _ => {
                    if let Some(v) = self.sections.get(k) {
                        m.serialize_entry(k, v)?
                    }
                }
            }
        }
        m.end()
    }
}

struct HistoryOut<'a>(&'a History);

impl Serialize for HistoryOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, entries) in self.0 {
            let list: Vec<&Map<String, Value>> = entries.iter().map(|e| &e.0).collect();
            m.serialize_entry(k, &list)?;
        }
        m.end()
    }
}

pub(crate) struct AssocsOut<'a>(pub(crate) &'a Associations);

impl Serialize for AssocsOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (kind, list) in self.0 {
            m.serialize_entry(kind, &AssocListOut(list))?;
        }
        m.end()
    }
}

struct AssocListOut<'a>(&'a AssocList);

struct EntriesOut<'a>(&'a [AssocEntry], bool);

impl Serialize for EntriesOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let results = self.1;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for e in self.0 {
            match (&e.raw, results) {
                (Value::Object(_), true) | (Value::String(_) | Value::Number(_), false) => {
                    seq.serialize_element(&e.raw)?
                }
                // An entry read in the other form is written in this list's.
                (_, true) => {
                    let mut o = Map::new();
                    o.insert("id".into(), Value::String(e.id.clone()));
                    seq.serialize_element(&o)?
                }
                (_, false) => seq.serialize_element(&e.id)?,
            }
        }
        seq.end()
    }
}

impl Serialize for AssocListOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0.form {
            AssocForm::Plain => EntriesOut(&self.0.entries, false).serialize(s),
            AssocForm::Results(rest) => {
                let mut m = s.serialize_map(None)?;
                let mut wrote = false;
                for (k, v) in rest {
                    if k == "results" {
                        m.serialize_entry(k, &EntriesOut(&self.0.entries, true))?;
                        wrote = true;
                    } else {
                        m.serialize_entry(k, v)?;
                    }
                }
                if !wrote {
                    m.serialize_entry("results", &EntriesOut(&self.0.entries, true))?;
                }
                m.end()
            }
        }
    }
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
