//! The data model of SPEC section 2: an export of contacts, each with
//! properties, property history, associations and the other sections.
//!
//! The model is built for round-trip fidelity: every part the rules do not
//! need to understand is kept as the JSON value it was read as, and the order
//! of a contact's keys is remembered so that writing it back gives the same
//! document.

use indexmap::IndexMap;
use serde_json::{Map, Value};

/// Property name → value. `None` is a JSON `null` (HubSpot writes unset
/// properties that way); an empty string is an empty CSV cell. Hashed with
/// FxHash: the rules look properties up many times per merge, and the keys
/// are property names, not input an attacker picks to collide.
pub type Properties = IndexMap<PropName, Option<String>, rustc_hash::FxBuildHasher>;

/// A property's name in [`Properties`]: shared, so that the many contacts
/// read from one file hold their column names once and a copy of a map
/// copies no name.
pub type PropName = std::sync::Arc<str>;

/// Names a thread keeps for [`prop_name`] before it starts again, so that
/// a file of ever-new property names cannot grow the set without bound.
const NAMES_KEPT: usize = 4096;

/// The shared [`PropName`] for `name`: each thread keeps the names it has
/// handed out, so the contacts read from one file (a JSON contact's keys,
/// a CSV file's columns) share one copy of each instead of allocating
/// every name of every contact.
pub fn prop_name(name: &str) -> PropName {
    type Names = std::collections::HashSet<PropName, rustc_hash::FxBuildHasher>;
    thread_local! {
        static NAMES: std::cell::RefCell<Names> = std::cell::RefCell::new(Names::default());
    }
    NAMES.with_borrow_mut(|names| {
        if let Some(n) = names.get(name) {
            return n.clone();
        }
        if names.len() >= NAMES_KEPT {
            names.clear();
        }
        let n: PropName = name.into();
        names.insert(n.clone());
        n
    })
}

/// Whether two property names are the same: one shared name (the contacts
/// read on one thread from one file hold one copy of each, [`prop_name`])
/// is known equal without comparing its bytes; others are compared.
#[inline(always)]
pub fn same_name(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// One entry of `propertiesWithHistory[prop]`, kept as the object it was
/// read as (`value`, `timestamp`, `sourceType`, `sourceId`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry(pub Map<String, Value>);

impl HistoryEntry {
    /// A new entry, keys in HubSpot's order.
    pub fn new(value: &str, timestamp: &str, source_type: &str) -> Self {
        let mut m = Map::new();
        m.insert("value".into(), Value::String(value.into()));
        m.insert("timestamp".into(), Value::String(timestamp.into()));
        m.insert("sourceType".into(), Value::String(source_type.into()));
        HistoryEntry(m)
    }
    pub fn value(&self) -> Option<&str> {
        self.0.get("value").and_then(Value::as_str)
    }
    /// The timestamp as written (ISO 8601 or epoch milliseconds).
    pub fn timestamp(&self) -> Option<String> {
        self.0.get("timestamp").and_then(value_as_text)
    }
    pub fn source_type(&self) -> Option<&str> {
        self.0.get("sourceType").and_then(Value::as_str)
    }
}

/// Property name → history entries, newest first.
pub type History = IndexMap<String, Vec<HistoryEntry>>;

/// How one association list was written, so it is written back the same way.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AssocForm {
    /// `["1", "2"]` (or numbers).
    #[default]
    Plain,
    /// HubSpot's `{"results": [{"id": "1", "type": "..."}], ...}`; the map
    /// holds the object's other keys (`paging`, ...), `results` marks where
    /// the list goes.
    Results(Map<String, Value>),
}

/// One associated record: its id as text, and the element as read.
#[derive(Debug, Clone, PartialEq)]
pub struct AssocEntry {
    pub id: String,
    pub raw: Value,
}

/// The associations of one kind (`companies`, `deals`, `tickets`, ...).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AssocList {
    pub form: AssocForm,
    pub entries: Vec<AssocEntry>,
}

impl AssocList {
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.id.as_str())
    }
    pub fn contains(&self, id: &str) -> bool {
        self.entries.iter().any(|e| e.id == id)
    }
    /// A plain list of ids (the CSV form).
    pub fn plain<I: IntoIterator<Item = String>>(ids: I) -> Self {
        AssocList {
            form: AssocForm::Plain,
            entries: ids
                .into_iter()
                .map(|id| AssocEntry {
                    raw: Value::String(id.clone()),
                    id,
                })
                .collect(),
        }
    }
}

/// Association kind → list, in the order read.
/// Association kind → its list. Hashed with FxHash, as [`Properties`] are:
/// the keys are a handful of kind names a contact has, looked up by the
/// section rules on every merge.
pub type Associations = IndexMap<String, AssocList, rustc_hash::FxBuildHasher>;

/// Association kinds with a rule of their own.
pub use crate::hubspot::association::{COMPANIES, DEALS, TICKETS};

/// Section keys of a contact (SPEC section 2).
pub use crate::hubspot::key;

/// A contact. `id` and `properties` are always there; the history and
/// associations are parsed; every other key (`createdAt`, `engagements`,
/// `listMemberships`, `subscriptions`, unknown fields, ...) is kept in
/// `sections` as read, in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contact {
    pub id: String,
    /// The id was a JSON number rather than a string (written back as the
    /// number, with the same digits).
    pub id_is_number: bool,
    pub properties: Properties,
    pub history: Option<History>,
    pub associations: Option<Associations>,
    /// Every other top-level key, as read.
    pub sections: Map<String, Value>,
    /// The order of the contact's keys as read (`id`, `properties`,
    /// `propertiesWithHistory`, `associations` and the section keys). Keys
    /// added later go at the end.
    pub key_order: Vec<String>,
    /// Read in the shape of HubSpot's v1 contacts API (`vid`,
    /// `properties.x.value` and `versions`), and written back so.
    pub v1: Option<Box<V1Form>>,
}

/// What a contact read in HubSpot's v1 shape needs to be written back so
/// (read and written by `format::v1`). Its `vid` is the id (`key_order`
/// holds `"vid"`), each property's `versions` its history,
/// `form-submissions` and `list-memberships` the model's
/// `formSubmissions` and `listMemberships`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct V1Form {
    /// `merged-vids` is held as the property `hs_merged_object_ids` (the
    /// same meaning), and written back from it.
    pub merged_vids: bool,
    /// A property object's keys other than `value` and `versions`, as
    /// read, per property.
    pub extra: IndexMap<String, Map<String, Value>>,
}

impl Contact {
    pub fn new(id: impl Into<String>) -> Self {
        Contact {
            id: id.into(),
            ..Default::default()
        }
    }

    /// The stored value of property `name`, and its place, when its place
    /// is likely `at` (contacts of one file list their properties in one
    /// order): the property there when its name matches, else looked up
    /// by name.
    pub fn property_near(&self, name: &str, at: usize) -> Option<(usize, &Option<String>)> {
        match self.properties.get_index(at) {
            Some((k, v)) if same_name(k, name) => Some((at, v)),
            _ => self.properties.get_full(name).map(|(i, _, v)| (i, v)),
        }
    }

    /// Whether the contact lists `id` in its `hs_merged_object_ids` (it
    /// absorbed that contact).
    pub fn lists_merged_id(&self, id: &str) -> bool {
        let merged = self.prop(crate::hubspot::property::MERGED_OBJECT_IDS);
        split_multi(merged.unwrap_or("")).any(|m| m == id)
    }

    /// The property's value when it is present and not empty.
    pub fn prop(&self, name: &str) -> Option<&str> {
        match self.properties.get(name) {
            Some(Some(v)) if !v.is_empty() => Some(v.as_str()),
            _ => None,
        }
    }

    /// Set a property, keeping its place when it exists.
    pub fn set_prop(&mut self, name: &str, value: Option<String>) {
        match self.properties.get_mut(name) {
            Some(slot) => *slot = value,
            None => {
                self.properties.insert(prop_name(name), value);
            }
        }
    }

    pub fn history_of(&self, name: &str) -> &[HistoryEntry] {
        self.history
            .as_ref()
            .and_then(|h| h.get(name))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn assoc(&self, kind: &str) -> Option<&AssocList> {
        self.associations.as_ref().and_then(|a| a.get(kind))
    }

    pub fn section(&self, key: &str) -> Option<&Value> {
        self.sections.get(key)
    }

    /// A section that is a JSON array, or an empty slice.
    pub fn section_items(&self, key: &str) -> &[Value] {
        match self.sections.get(key) {
            Some(Value::Array(a)) => a,
            _ => &[],
        }
    }

    /// Metadata text such as `createdAt` / `updatedAt`.
    pub fn meta_text(&self, key: &str) -> Option<String> {
        self.sections.get(key).and_then(value_as_text)
    }

    /// Set a section, remembering its key for writing.
    pub fn set_section(&mut self, key: &str, value: Value) {
        self.sections.insert(key.to_string(), value);
        self.note_key(key);
    }

    pub fn remove_section(&mut self, key: &str) -> Option<Value> {
        let v = self.sections.shift_remove(key);
        self.key_order.retain(|k| k != key);
        v
    }

    /// Remember a top-level key for writing when it is new.
    pub fn note_key(&mut self, key: &str) {
        if !self.key_order.iter().any(|k| k == key) {
            self.key_order.push(key.to_string());
        }
    }

    /// The emails of the contact: the primary email, then the additional
    /// ones, as written.
    pub fn emails(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if let Some(e) = self.prop("email") {
            out.push(e.trim().to_string());
        }
        for e in split_multi(
            self.prop(crate::hubspot::property::ADDITIONAL_EMAILS)
                .unwrap_or(""),
        ) {
            out.push(e.to_string());
        }
        out
    }
}

/// A `;`-separated multi-value cell, split, trimmed, empties dropped.
pub fn split_multi(s: &str) -> impl Iterator<Item = &str> {
    s.split(';').map(str::trim).filter(|p| !p.is_empty())
}

/// A scalar JSON value as text: strings as they are, numbers and booleans
/// in their JSON spelling (a number with the digits it was read with, of
/// any size: ids are text); `null`, arrays and objects give `None`.
pub fn value_as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A contact export: the contacts, plus how the file was laid out so that it
/// can be written back in the same shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub contacts: Vec<Contact>,
    pub layout: Layout,
}

/// The shape of the file an export was read from.
#[derive(Debug, Clone, PartialEq)]
pub enum Layout {
    /// A JSON document; `pretty` when it was indented (written back so),
    /// `text` how: its indentation, line ends and what follows it.
    Json {
        shape: JsonShape,
        pretty: bool,
        text: JsonText,
    },
    /// One contact per line; `crlf` when its lines ended with CRLF (the
    /// first line's ending decides), written back so. `unterminated`: the
    /// file ended without a line break after its last line, that line's
    /// contact id; written back so while that contact is still the last.
    Ndjson {
        crlf: bool,
        unterminated: Option<String>,
    },
    /// A CSV export.
    Csv(CsvLayout),
}

/// What one CSV column holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Column {
    /// A property, by internal name (the header itself for unknown columns).
    Property(String),
    /// An association id column (`companies`, `deals`, `tickets`).
    Association(String),
}

/// How a CSV export was laid out, to write it back the same way (read and
/// written by [`crate::format::csv`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvLayout {
    /// The headers, verbatim, in order.
    pub headers: Vec<String>,
    /// What each header holds.
    pub columns: Vec<Column>,
    /// The index of the record id column.
    pub id_column: usize,
    /// The file began with a UTF-8 byte-order mark.
    pub bom: bool,
    /// Lines ended with CRLF.
    pub crlf: bool,
    /// Every field was quoted.
    pub quote_all: bool,
    /// Headers are HubSpot labels (new columns are named by label too).
    pub labels: bool,
    /// The byte between cells: `,`, `;` or tab (SPEC section 3), written
    /// back as read.
    pub delimiter: u8,
    /// Read from an XLSX workbook: the name of its first sheet (the
    /// workbook is read as CSV of that sheet's cells and written back as
    /// XLSX).
    pub sheet: Option<String>,
    /// The file ended without a line break after its last row: that row's
    /// contact id. Written back so while that contact is still the last
    /// row (as the streamed way copies the row with what followed it).
    pub unterminated: Option<String>,
}

impl CsvLayout {
    /// The header of the column holding `property`, when the file names it
    /// otherwise (a HubSpot label such as "Last Name" for `lastname`): what
    /// a spreadsheet's user knows the property by.
    pub fn header_of(&self, property: &str) -> Option<&str> {
        (self.columns.iter().zip(&self.headers))
            .find_map(|(c, h)| match c {
                Column::Property(name) if name == property => Some(h.as_str()),
                _ => None,
            })
            .filter(|h| *h != property)
    }

    /// A property as a message names it: where the file heads its column
    /// otherwise, both (`lastname (column "Last Name")`).
    pub fn naming_column(&self, property: &str) -> String {
        match self.header_of(property) {
            Some(header) => format!("{property} (column \"{header}\")"),
            None => property.to_string(),
        }
    }
}

impl Layout {
    /// [`CsvLayout::naming_column`] in a spreadsheet; elsewhere the name.
    pub fn naming_column(&self, property: &str) -> String {
        match self {
            Layout::Csv(csv) => csv.naming_column(property),
            _ => property.to_string(),
        }
    }
}

/// How a JSON document's text is laid out, beyond `pretty`, so that
/// writing it back gives the same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonText {
    /// One level of indentation (two or four spaces, a tab) when indented.
    pub indent: String,
    /// Lines end with CRLF.
    pub crlf: bool,
    /// What follows the document (a final newline, or nothing).
    pub trailer: String,
    /// A bare array whose contacts each stand compact on a line of their
    /// own (`[\n{"id":"1",...},\n{"id":"2",...}\n]`), `indent` before each.
    pub records_on_lines: bool,
}

impl Default for JsonText {
    fn default() -> Self {
        JsonText {
            indent: "  ".into(),
            crlf: false,
            trailer: "\n".into(),
            records_on_lines: false,
        }
    }
}

/// Where the contacts stand in a JSON document.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonShape {
    /// A bare array of contacts.
    Array,
    /// An object whose `contacts_key` (`results` or `contacts`) holds the
    /// contacts; every other key passes through, in order.
    Object {
        contacts_key: String,
        top: Map<String, Value>,
    },
    /// One contact, the document itself (a single v3 object or v1
    /// profile, as the API returns one).
    Single,
    /// HubSpot's v1 batch: an object of vid → contact.
    Batch,
}

impl Export {
    pub fn find(&self, id: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.id == id)
    }
    pub fn position(&self, id: &str) -> Option<usize> {
        self.contacts.iter().position(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prop_treats_empty_and_null_as_absent() {
        let mut c = Contact::new("1");
        c.set_prop("a", Some("".into()));
        c.set_prop("b", None);
        c.set_prop("c", Some("x".into()));
        assert_eq!(c.prop("a"), None);
        assert_eq!(c.prop("b"), None);
        assert_eq!(c.prop("c"), Some("x"));
        assert_eq!(c.prop("d"), None);
    }

    #[test]
    fn set_prop_keeps_position() {
        let mut c = Contact::new("1");
        c.set_prop("a", Some("1".into()));
        c.set_prop("b", Some("2".into()));
        c.set_prop("a", Some("3".into()));
        let keys: Vec<&str> = c.properties.keys().map(|k| &**k).collect();
        assert_eq!(keys, ["a", "b"]);
    }

    /// One name read twice on a thread is one shared copy; the set a
    /// thread keeps starts again past its size, names staying right.
    #[test]
    fn property_names_are_shared_per_thread() {
        let (a, b) = (prop_name("email"), prop_name(&String::from("email")));
        assert!(std::sync::Arc::ptr_eq(&a, &b));
        assert_eq!(&*a, "email");
        for i in 0..NAMES_KEPT + 10 {
            assert_eq!(&*prop_name(&format!("p{i}")), format!("p{i}"));
        }
        assert_eq!(&*prop_name("email"), "email");
    }

    #[test]
    fn emails_lists_primary_then_additional() {
        let mut c = Contact::new("1");
        c.set_prop("email", Some("a@x.com".into()));
        c.set_prop("hs_additional_emails", Some("b@x.com; ;c@x.com".into()));
        assert_eq!(c.emails(), ["a@x.com", "b@x.com", "c@x.com"]);
    }

    #[test]
    fn split_multi_drops_empties() {
        assert_eq!(split_multi(" a ;;b; ").collect::<Vec<_>>(), ["a", "b"]);
    }
}
