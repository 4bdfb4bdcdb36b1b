//! Small builders for the rules' tests.

use serde_json::Value;

use crate::model::{key, Contact, History, HistoryEntry};

/// A contact with the given properties, as read from CSV (no sections).
pub fn contact(id: &str, props: &[(&str, &str)]) -> Contact {
    let mut c = Contact::new(id);
    for (k, v) in props {
        c.set_prop(k, Some(v.to_string()));
    }
    c
}

/// The same contact as read from JSON (it has a key order).
pub fn api(mut c: Contact) -> Contact {
    c.key_order = vec![key::ID.into(), key::PROPERTIES.into()];
    c
}

/// Add history entries `(value, timestamp)`, newest first, for `prop`.
pub fn with_history(mut c: Contact, prop: &str, entries: &[(&str, &str)]) -> Contact {
    let h = c.history.get_or_insert_with(History::new);
    h.insert(
        prop.to_string(),
        entries
            .iter()
            .map(|(v, ts)| HistoryEntry::new(v, ts, "CRM_UI"))
            .collect(),
    );
    c
}

/// Set a section from JSON text.
pub fn with_section(mut c: Contact, key: &str, json: &str) -> Contact {
    let v: Value = serde_json::from_str(json).expect("test JSON");
    if c.key_order.is_empty() {
        c = api(c);
    }
    c.set_section(key, v);
    c
}

/// The contact as the rules read it in a merge.
pub fn seen(c: &Contact) -> crate::rules::Seen<'_> {
    crate::rules::Seen::new(c)
}
