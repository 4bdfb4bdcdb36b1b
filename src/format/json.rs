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
    JsonShape, Layout, Properties,
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

/// Write an export as JSON: in its own shape when it was read from JSON, else
/// as a bare array.
pub fn write(export: &Export, out: &mut dyn Write) -> io::Result<()> {
    let (shape, pretty) = match &export.layout {
        Layout::Json { shape, pretty } => (shape, *pretty),
        _ => (&JsonShape::Array, true),
    };
    let doc = Document {
        shape,
        contacts: &export.contacts,
    };
    if pretty {
        serde_json::to_writer_pretty(&mut *out, &doc)?;
    } else {
        serde_json::to_writer(&mut *out, &doc)?;
    }
    out.write_all(b"\n")
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
    fn new(id: Option<&str>, what: String) -> Self {
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
fn section_shape(name: &str, v: &Value) -> Result<(), ContactError> {
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
        _ => format!("malformed JSON: {e}"),
    };
    // serde_json appends " at line L column C"; the variant says it already.
    let what = match what.rfind(" at line ") {
        Some(i) => what[..i].to_string(),
        None => what,
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
            format!("expected a contact object, found {}", kind_of(&v)),
        ));
    };
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
        props.insert(k, value);
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
    let mut out = Associations::with_capacity(m.len());
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
        let mut entries = Vec::with_capacity(items.len());
        for item in items {
            let id = match &item {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Object(o) => o.get("id").and_then(crate::model::value_as_text),
                _ => None,
            };
            match id {
                Some(id) => entries.push(AssocEntry { id, raw: item }),
                None => {
                    return Err(format!(
                        "associations.{kind} has an entry without an id: {item}"
                    ))
                }
            }
        }
        out.insert(kind, AssocList { form, entries });
    }
    Ok(out)
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

struct AssocsOut<'a>(&'a Associations);

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
mod tests {
    use super::*;

    fn roundtrip(text: &str) -> String {
        let e = read(text.as_bytes(), "t.json").unwrap();
        let mut out = Vec::new();
        write(&e, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn reads_each_shape() {
        let arr = read(br#"[{"id":"1","properties":{}}]"#, "a").unwrap();
        assert_eq!(arr.contacts[0].id, "1");
        assert!(matches!(
            arr.layout,
            Layout::Json {
                shape: JsonShape::Array,
                pretty: false
            }
        ));
        let page = read(
            br#"{"results":[{"id":"2","properties":{}}],"paging":{}}"#,
            "a",
        )
        .unwrap();
        assert_eq!(page.contacts[0].id, "2");
        let exp = read(
            br#"{"portal":1,"contacts":[{"id":"3","properties":{}}],"deals":[]}"#,
            "a",
        )
        .unwrap();
        assert_eq!(exp.contacts[0].id, "3");
    }

    #[test]
    fn contact_list_that_is_not_a_list_is_named() {
        let e = read(br#"{"contacts":{"id":"1"}}"#, "f.json")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "f.json: top level: \"contacts\" must be a list of contacts, found an object"
        );
        let e = read(br#"{"paging":{}}"#, "f.json").unwrap_err().to_string();
        assert!(e.contains("found an object with neither"), "{e}");
    }

    #[test]
    fn compact_round_trip_is_byte_identical() {
        let text = r#"{"portal":1,"contacts":[{"properties":{"email":"a@x.com","n":null},"id":"3","archived":false,"associations":{"deals":{"results":[{"id":"9","type":"contact_to_deal"}],"paging":null},"companies":["4",5]},"extra":{"z":1,"a":2}}],"deals":[]}"#;
        assert_eq!(roundtrip(text), format!("{text}\n"));
    }

    #[test]
    fn pretty_round_trip_is_byte_identical() {
        let text =
            "[\n  {\n    \"id\": 7,\n    \"properties\": {\n      \"a\": \"b\"\n    }\n  }\n]\n";
        assert_eq!(roundtrip(text), text);
    }

    #[test]
    fn contact_without_properties_is_written_without_them() {
        // Found by fuzzing (roundtrip): "properties": {} used to be added.
        let text = "[{\"id\":\"1\",\"x\":{}}]\n";
        assert_eq!(roundtrip(text), text);
        let mut e = read(text.as_bytes(), "t.json").unwrap();
        e.contacts[0].set_prop("email", Some("a@x.com".into()));
        let mut out = Vec::new();
        write(&e, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[{\"id\":\"1\",\"x\":{},\"properties\":{\"email\":\"a@x.com\"}}]\n"
        );
    }

    #[test]
    fn contacts_of_many_keys_keep_their_order() {
        // Past 32 keys the order is checked with a set, not a search.
        for n in [3, 40, 2000] {
            let keys: Vec<String> = (0..n).map(|i| format!("\"k{}\":{i}", n - i)).collect();
            let (head, tail) = keys.split_at(n / 2);
            let text = format!(
                "[{{{},\"id\":\"1\",{},\"properties\":{{}}}}]\n",
                head.join(","),
                tail.join(",")
            );
            assert_eq!(roundtrip(&text), text);
            // Without properties, none are written, until it gains one.
            let bare = text.replace(",\"properties\":{}", "");
            assert_eq!(roundtrip(&bare), bare);
            let mut e = read(bare.as_bytes(), "t.json").unwrap();
            e.contacts[0].set_prop("email", Some("a@x.com".into()));
            e.contacts[0]
                .sections
                .insert("usertokens".into(), Value::Array(vec![]));
            e.contacts[0].sections.insert("k1".into(), Value::Null);
            let mut out = Vec::new();
            write(&e, &mut out).unwrap();
            let want = bare.replace(
                "}]\n",
                ",\"properties\":{\"email\":\"a@x.com\"},\"usertokens\":[]}]\n",
            );
            let want = want.replace(&format!("\"k1\":{}", n - 1), "\"k1\":null");
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn empty_list_is_compact() {
        // Found by fuzzing (roundtrip): `[\n]` read as indented, written
        // as `[]`, read back as compact.
        let e = read(b"[\n]\n", "t.json").unwrap();
        assert_eq!(
            e.layout,
            Layout::Json {
                shape: JsonShape::Array,
                pretty: false
            }
        );
        assert_eq!(roundtrip("[\n]\n"), "[]\n");
    }

    #[test]
    fn numbers_in_sections_keep_their_value() {
        // Found by fuzzing (roundtrip): without serde_json's exact float
        // parsing, 1.0998593000000001e37 read back as another number.
        let text = "[{\"id\":\"1\",\"x\":[1.0998593000000001e37,0.1,-2.5e-300]}]\n";
        let e = read(text.as_bytes(), "t.json").unwrap();
        let back = read(roundtrip(text).as_bytes(), "t.json").unwrap();
        assert_eq!(back, e);
        assert_eq!(roundtrip(text), text.replace("e37", "e+37"));
    }

    #[test]
    fn contact_without_id_is_named() {
        let e = read(
            br#"[{"id":"1","properties":{}},{"properties":{"email":"x@y.z"}}]"#,
            "f.json",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "f.json: contact 2: has no \"id\"; every contact needs its record id"
        );
    }

    #[test]
    fn truncated_json_says_so() {
        let e = read(b"[{\"id\":\"1\",\"properties\":{\"a\":", "f.json")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("f.json: line 1, column"), "{e}");
        assert!(e.contains("truncated"), "{e}");
    }

    #[test]
    fn malformed_json_names_line() {
        let e = read(b"[\n{\"id\": \"1\",,}\n]", "f.json")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("f.json: line 2, column"), "{e}");
        assert!(e.contains("malformed JSON"), "{e}");
    }

    #[test]
    fn non_string_property_objects_are_refused() {
        let e = read(br#"[{"id":"1","properties":{"a":{"b":1}}}]"#, "f.json")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("contact 1 (id 1)") && e.contains("property \"a\""),
            "{e}"
        );
    }

    #[test]
    fn sections_of_the_wrong_shape_are_refused_with_their_place() {
        for (section, bad, found, field, value) in [
            (
                "engagements",
                r#"{"id":"e1"}"#,
                "an object",
                "engagements",
                r#"{"id":"e1"}"#,
            ),
            (
                "usertokens",
                r#""utk""#,
                "a string",
                "usertokens",
                r#""utk""#,
            ),
            ("visits", "3", "a number", "visits", "3"),
            (
                "formSubmissions",
                "true",
                "a boolean",
                "formSubmissions",
                "true",
            ),
            (
                "subscriptions",
                r#"[{"id":"s"}]"#,
                "an array",
                "subscriptions",
                r#"[{"id":"s"}]"#,
            ),
            (
                "subscriptions",
                r#"{"a@x.com":{"id":"s"}}"#,
                "an object",
                "subscriptions.a@x.com",
                r#"{"id":"s"}"#,
            ),
        ] {
            let text =
                format!(r#"[{{"id":"1","properties":{{}}}},{{"id":"2","{section}":{bad}}}]"#);
            let e = read(text.as_bytes(), "f.json").unwrap_err();
            let ReadError::Contact(bad) = &e else {
                panic!("{e:?}")
            };
            let BadContact {
                place,
                id,
                field: f,
                value: v,
                what,
                ..
            } = &**bad;
            assert_eq!(place, "contact 2");
            assert_eq!(id.as_deref(), Some("2"));
            assert_eq!((f.as_deref(), v.as_deref()), (Some(field), Some(value)));
            assert!(what.contains(&format!("found {found}")), "{e}");
            assert!(
                e.to_string()
                    .starts_with(&format!("f.json: contact 2 (id 2): \"{field}\" must be ")),
                "{e}"
            );
        }
        // Lists, per-email lists and null (a section left empty) read.
        let ok = r#"[{"id":"1","engagements":[],"usertokens":null,"visits":[{}],"formSubmissions":[],"subscriptions":{"a@x.com":[],"b@x.com":null},"listMemberships":{"odd":1}}]"#;
        assert_eq!(read(ok.as_bytes(), "f.json").unwrap().contacts.len(), 1);
    }

    #[test]
    fn a_key_written_twice_refuses_its_contact() {
        let e = read(
            br#"[{"id":"1"},{"id":"2","properties":{"email":"a@x.com","email":"b@x.com"}}]"#,
            "f.json",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.json: contact 2 (id 2): the key \"email\" appears more than once in properties; JSON keeps one value per key, so one would be lost: keep the right one and remove the other"
        );
        let ReadError::Contact(bad) = &e else {
            panic!()
        };
        assert_eq!(bad.field.as_deref(), Some("properties.email"));
        // In an export object, nested, and the id itself.
        let e = read(
            br#"{"contacts":[{"id":"1","engagements":[{"id":"e","id":"f"}]}]}"#,
            "f.json",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("f.json: contact 1 (id 1): the key \"id\" appears more than once in engagements[0];"), "{e}");
        let e = read(br#"[{"id":"1","id":"2"}]"#, "f.json")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "f.json: contact 1: the key \"id\" appears more than once in the contact;"
            ),
            "{e}"
        );
        // The export's own keys: the file.
        for text in [
            r#"{"contacts":[],"contacts":[{"id":"1"}]}"#,
            r#"{"contacts":[],"deals":[{"id":1,"id":2}]}"#,
        ] {
            let e = read(text.as_bytes(), "f.json").unwrap_err().to_string();
            assert!(e.starts_with("f.json: top level: the key"), "{e}");
        }
        // With `skipped`, the other contacts are still read.
        let mut skipped = Vec::new();
        let e = read_with(
            br#"[{"id":"1","a":1,"a":2},{"id":"2"},{"id":"3","b":{"c":1,"c":1}}]"#,
            "f.json",
            Some(&mut skipped),
        )
        .unwrap();
        assert_eq!(e.contacts.len(), 1);
        assert_eq!(skipped.len(), 2);
        // One JSON Lines line.
        let e = match parse_contact(r#"{"id":"7","x":{"y":[{"z":1,"z":1}]}}"#) {
            Err(LineError::Contact(e)) => e,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            (e.id.as_deref(), e.field.as_deref()),
            (Some("7"), Some("x.y[0].z"))
        );
    }

    #[test]
    fn ids_and_numbers_beyond_64_bits_keep_their_digits() {
        let text = r#"[{"id":100000000000000000001,"properties":{},"associations":{"deals":[100000000000000000000,100000000000000000001,1e+20,1.50]},"x":[-18446744073709551617,0.30000000000000000001]}]"#;
        let e = read(text.as_bytes(), "t.json").unwrap();
        let c = &e.contacts[0];
        assert_eq!(c.id, "100000000000000000001");
        let deals: Vec<&str> = c.assoc("deals").unwrap().ids().collect();
        assert_eq!(
            deals,
            [
                "100000000000000000000",
                "100000000000000000001",
                "1e+20",
                "1.50"
            ]
        );
        assert_eq!(roundtrip(text), format!("{text}\n"));
    }

    #[test]
    fn association_entry_in_other_form_is_converted() {
        let mut e = read(
            br#"[{"id":"1","properties":{},"associations":{"deals":{"results":[]},"tickets":[]}}]"#,
            "f",
        )
        .unwrap();
        let a = e.contacts[0].associations.as_mut().unwrap();
        a.get_mut("deals").unwrap().entries.push(AssocEntry {
            id: "5".into(),
            raw: Value::String("5".into()),
        });
        a.get_mut("tickets").unwrap().entries.push(AssocEntry {
            id: "6".into(),
            raw: serde_json::json!({"id": "6", "type": "t"}),
        });
        let mut out = Vec::new();
        write(&e, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[{\"id\":\"1\",\"properties\":{},\"associations\":{\"deals\":{\"results\":[{\"id\":\"5\"}]},\"tickets\":[\"6\"]}}]\n"
        );
    }
}
