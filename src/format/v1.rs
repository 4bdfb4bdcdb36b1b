//! Contacts in the shape of HubSpot's v1 contacts API, read into the model
//! and written back in that shape:
//!
//! ```json
//! {"vid": 51, "canonical-vid": 51, "merged-vids": [],
//!  "properties": {"email": {"value": "a@x.com",
//!     "versions": [{"value": "a@x.com", "source-type": "API",
//!                   "source-id": null, "timestamp": 1484026585538}]}},
//!  "form-submissions": [], "list-memberships": [], "identity-profiles": [...]}
//! ```
//!
//! `vid` is the record id; each property's `value` is its value and its
//! `versions` its history (their keys spelled as the v3 history spells
//! them while in the model: `source-type` is `sourceType`); `merged-vids`
//! is `hs_merged_object_ids`; `form-submissions` and `list-memberships`
//! are the model's `formSubmissions` and `listMemberships`. Every other
//! part is kept as read.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::json::{kind_of, ContactError};
use crate::hubspot::property::MERGED_OBJECT_IDS;
use crate::model::{key, split_multi, Contact, History, HistoryEntry, Properties, V1Form};
use crate::rules::SectionChange;

/// The v1 record id.
pub(crate) const VID: &str = "vid";
/// The v1 list of merged ids.
pub(crate) const MERGED_VIDS: &str = "merged-vids";

/// v1 section names and the model's for the same part.
const SECTIONS: [(&str, &str); 2] = [
    ("form-submissions", key::FORM_SUBMISSIONS),
    ("list-memberships", key::LIST_MEMBERSHIPS),
];

/// v1 `versions` keys and the v3 history's spelling of them, which the
/// rules read.
const VERSION_KEYS: [(&str, &str); 4] = [
    ("source-type", "sourceType"),
    ("source-id", "sourceId"),
    ("source-label", "sourceLabel"),
    ("updated-by-user-id", "updatedByUserId"),
];

/// Whether a contact object is in the v1 shape: a `vid` and no `id`.
pub(crate) fn is_v1(obj: &Map<String, Value>) -> bool {
    obj.contains_key(VID) && !obj.contains_key(key::ID)
}

/// The model's name of a v1 key, and back.
fn model_key(k: &str) -> &str {
    SECTIONS
        .iter()
        .find(|(v1, _)| *v1 == k)
        .map_or(k, |(_, m)| m)
}

fn v1_key(k: &str) -> &str {
    SECTIONS
        .iter()
        .find(|(_, m)| *m == k)
        .map_or(k, |(v1, _)| v1)
}

/// How a part of `c` is named to the user: as its file names it (a v1
/// contact's `form-submissions`, `versions`), else the model's name.
pub(crate) fn shown_key<'a>(c: &Contact, k: &'a str) -> &'a str {
    match (&c.v1, k) {
        (None, _) => k,
        (Some(_), key::HISTORY) => "versions",
        (Some(_), _) => v1_key(k),
    }
}

/// A v1 contact object read into the model.
pub(crate) fn contact(obj: Map<String, Value>) -> Result<Contact, ContactError> {
    let (id, id_is_number) = match obj.get(VID) {
        Some(Value::Number(n)) => (n.to_string(), true),
        Some(Value::String(s)) if !s.trim().is_empty() => (s.clone(), false),
        other => {
            let found = other.map_or("nothing", kind_of);
            return Err(ContactError {
                field: Some(VID.into()),
                what: format!("a v1 contact's \"vid\" must be its record id (a number), found {found}: correct it in the export"),
                ..Default::default()
            });
        }
    };
    let err = |what: String| ContactError {
        id: Some(id.clone()),
        what,
        ..Default::default()
    };
    let mut c = Contact {
        id: id.clone(),
        id_is_number,
        ..Default::default()
    };
    let mut form = V1Form::default();
    let mut merged_vids = None;
    let has_merged_prop = obj
        .get(key::PROPERTIES)
        .and_then(|p| p.get(MERGED_OBJECT_IDS))
        .is_some();
    for (k, v) in obj {
        match k.as_str() {
            VID => {}
            key::PROPERTIES => properties(v, &mut c, &mut form).map_err(err)?,
            MERGED_VIDS if !has_merged_prop && v.is_array() => merged_vids = Some(v),
            _ => {
                let name = model_key(&k);
                // Both spellings in one contact: the v1 one stays as read.
                let name = if name != k && c.sections.contains_key(name) {
                    k.as_str()
                } else {
                    name
                };
                super::json::section_shape(name, &v).map_err(|e| ContactError {
                    id: Some(id.clone()),
                    ..e
                })?;
                c.key_order.push(name.to_string());
                c.sections.insert(name.to_string(), v);
                continue;
            }
        }
        c.key_order.push(k);
    }
    if let Some(Value::Array(ids)) = merged_vids {
        let mut list = Vec::with_capacity(ids.len());
        for v in &ids {
            match crate::model::value_as_text(v) {
                Some(t) if !t.contains(';') => list.push(t),
                _ => {
                    return Err(ContactError {
                        field: Some(MERGED_VIDS.into()),
                        value: Some(v.to_string()),
                        ..err(format!("\"{MERGED_VIDS}\" must be a list of record ids, found {}: correct it in the export", kind_of(v)))
                    })
                }
            }
        }
        c.properties
            .insert(MERGED_OBJECT_IDS.into(), Some(list.join(";")));
        form.merged_vids = true;
    }
    c.v1 = Some(Box::new(form));
    Ok(c)
}

/// v1 `properties`: name → `{"value", "versions", ...}`.
fn properties(v: Value, c: &mut Contact, form: &mut V1Form) -> Result<(), String> {
    let Value::Object(m) = v else {
        let older = if v.is_array() {
            " (a list of {\"name\", \"value\"} is the older companies API's contact shape, which is not read: fetch the contacts from the contacts API, v3 or v1)"
        } else {
            ""
        };
        return Err(format!(
            "\"properties\" of a v1 contact must be an object of name → {{\"value\", \"versions\"}}, found {}{older}",
            kind_of(&v)
        ));
    };
    let mut props = Properties::with_capacity_and_hasher(m.len(), Default::default());
    let mut history: Option<History> = None;
    for (name, v) in m {
        let Value::Object(mut o) = v else {
            return Err(format!(
                "property {name:?} of a v1 contact must be an object {{\"value\": \"...\", \"versions\": [...]}}, found {}; write it so, or the contact in the v3 shape (\"id\", \"properties\": {{\"{name}\": \"...\"}})",
                kind_of(&v)
            ));
        };
        let value = match o.shift_remove("value") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            Some(other) => {
                return Err(format!(
                    "properties.{name}.value must be a string, found {}; HubSpot property values are strings",
                    kind_of(&other)
                ))
            }
        };
        if let Some(versions) = o.shift_remove("versions") {
            let entries = versions_in(&name, versions)?;
            history
                .get_or_insert_with(History::new)
                .insert(name.clone(), entries);
        }
        if !o.is_empty() {
            form.extra.insert(name.clone(), o);
        }
        props.insert(crate::model::prop_name(&name), value);
    }
    c.properties = props;
    c.history = history;
    Ok(())
}

fn versions_in(name: &str, v: Value) -> Result<Vec<HistoryEntry>, String> {
    let Value::Array(items) = v else {
        return Err(format!(
            "properties.{name}.versions must be a list of {{value, timestamp, source-type}}, found {}",
            kind_of(&v)
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Value::Object(e) = item else {
            return Err(format!(
                "properties.{name}.versions entries must be objects, found {}",
                kind_of(&item)
            ));
        };
        out.push(HistoryEntry(rename(e, |k| {
            VERSION_KEYS
                .iter()
                .find(|(v1, _)| *v1 == k)
                .map(|(_, m)| *m)
        })));
    }
    Ok(out)
}

/// An entry's keys renamed (where the new name is not taken), in order.
fn rename(e: Map<String, Value>, to: impl Fn(&str) -> Option<&'static str>) -> Map<String, Value> {
    let taken: Vec<&str> = e
        .keys()
        .filter_map(|k| to(k))
        .filter(|n| e.contains_key(*n))
        .collect();
    if !taken.is_empty() {
        return e;
    }
    e.into_iter()
        .map(|(k, v)| match to(&k) {
            Some(n) => (n.to_string(), v),
            None => (k, v),
        })
        .collect()
}

/// The keys a v1 contact is written with, in order (model names): the
/// order read, then parts gained since.
pub(crate) fn write_order(c: &Contact, form: &V1Form) -> Vec<String> {
    let mut order: Vec<String> = c.key_order.clone();
    let mut fixed = vec![VID];
    // A contact read without "properties" is written without them until
    // it gains one (the same document back), as in the v3 shape.
    let written_props = c.properties.len()
        - usize::from(form.merged_vids && c.properties.contains_key(MERGED_OBJECT_IDS));
    if written_props > 0 {
        fixed.push(key::PROPERTIES);
    }
    if form.merged_vids {
        fixed.push(MERGED_VIDS);
    }
    if c.associations.is_some() {
        fixed.push(key::ASSOCIATIONS);
    }
    for k in fixed
        .into_iter()
        .chain(c.sections.keys().map(String::as_str))
    {
        if !order.iter().any(|o| o == k) {
            order.push(k.to_string());
        }
    }
    order.retain(|k| match k.as_str() {
        VID | key::PROPERTIES => true,
        MERGED_VIDS if form.merged_vids => true,
        key::ASSOCIATIONS => c.associations.is_some(),
        key::HISTORY | key::ID => false,
        other => c.sections.contains_key(other),
    });
    order
}

/// The audit of merges of a v1 contact.
pub(crate) const MERGE_AUDITS: &str = key::MERGE_AUDITS;

/// A merge into a v1 contact is reported with the v1 names of its parts,
/// and recorded as the v1 API records it: an
/// entry `{"canonical-vid", "vid-to-merge", "timestamp"}` appended to its
/// `merge-audits`, in place of the MERGE event on a timeline (v1 contacts
/// have none; one read with a timeline keeps the event there).
pub(crate) fn record_merge(
    merged: &mut Contact,
    p: &Contact,
    s: &Contact,
    merge_time: crate::dates::Millis,
    changes: &mut [SectionChange],
) {
    if let Some(form) = merged.v1.as_deref_mut() {
        // Reported by the names the file uses.
        for c in changes.iter_mut() {
            c.section = v1_key(&c.section).to_string();
        }
        // The merged ids (the secondary's id at least) of a contact read
        // without them go in `merged-vids`, where v1 keeps them.
        if !p.properties.contains_key(MERGED_OBJECT_IDS) {
            form.merged_vids = true;
        }
    }
    // Both sides' audits, the primary's first (the audit of this merge,
    // when there is one, goes after them).
    let joined = crate::rules::all_merge_audits(p, s);
    let kept = s
        .section(MERGE_AUDITS)
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if let Some(audits) = joined {
        merged.set_section(MERGE_AUDITS, Value::Array(audits));
    }
    if merged.v1.is_none()
        || p.section(key::ENGAGEMENTS).is_some()
        || s.section(key::ENGAGEMENTS).is_some()
        || merged.remove_section(key::ENGAGEMENTS).is_none()
    {
        return;
    }
    let vid = |c: &Contact| match c.id.parse::<serde_json::Number>() {
        Ok(n) if c.id_is_number => Value::Number(n),
        _ => Value::String(c.id.clone()),
    };
    let mut audit = Map::new();
    audit.insert("canonical-vid".into(), vid(p));
    audit.insert("vid-to-merge".into(), vid(s));
    audit.insert("timestamp".into(), Value::Number(merge_time.into()));
    let mut audits = match merged.sections.get(MERGE_AUDITS) {
        Some(Value::Array(a)) => a.clone(),
        // A part of another shape is kept as read, the audit not added.
        Some(_) => return,
        None => Vec::new(),
    };
    audits.push(Value::Object(audit));
    merged.set_section(MERGE_AUDITS, Value::Array(audits));
    if let Some(change) = changes.iter_mut().find(|c| c.section == key::ENGAGEMENTS) {
        change.section = MERGE_AUDITS.into();
        change.note = format!(
            "1 merge audit added (canonical-vid {}, vid-to-merge {})",
            p.id, s.id
        );
        if kept > 0 {
            let n = crate::text::count(kept, "merge audit", "merge audits");
            change.note += &format!("; the secondary's {n} kept before it");
        }
    }
}

/// A contact read in the v1 shape, written in it.
pub(crate) struct V1Out<'a>(pub &'a Contact, pub &'a V1Form);

impl Serialize for V1Out<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (c, form) = (self.0, self.1);
        let mut m = s.serialize_map(None)?;
        for k in write_order(c, form) {
            match k.as_str() {
                VID => match c.id.parse::<serde_json::Number>() {
                    Ok(n) if c.id_is_number => m.serialize_entry(VID, &n)?,
                    _ => m.serialize_entry(VID, &c.id)?,
                },
                key::PROPERTIES => m.serialize_entry(key::PROPERTIES, &PropsOut(c, form))?,
                MERGED_VIDS => m.serialize_entry(MERGED_VIDS, &MergedOut(c))?,
                key::ASSOCIATIONS => m.serialize_entry(
                    k.as_str(),
                    &super::json::AssocsOut(c.associations.as_ref().expect("kept only when there")),
                )?,
                other => {
                    if let Some(v) = c.sections.get(other) {
                        m.serialize_entry(v1_key(other), v)?
                    }
                }
            }
        }
        m.end()
    }
}

/// `merged-vids` from `hs_merged_object_ids`: numbers, as the API writes
/// them, where the id is one.
struct MergedOut<'a>(&'a Contact);

impl Serialize for MergedOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self.0.prop(MERGED_OBJECT_IDS).unwrap_or("");
        let ids: Vec<&str> = split_multi(text).collect();
        let mut seq = s.serialize_seq(Some(ids.len()))?;
        for id in ids {
            match id.parse::<u64>() {
                Ok(n) if n.to_string() == id => seq.serialize_element(&n)?,
                _ => seq.serialize_element(id)?,
            }
        }
        seq.end()
    }
}

struct PropsOut<'a>(&'a Contact, &'a V1Form);

impl Serialize for PropsOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (c, form) = (self.0, self.1);
        let mut m = s.serialize_map(None)?;
        for (name, value) in &c.properties {
            if form.merged_vids && &**name == MERGED_OBJECT_IDS {
                continue;
            }
            let versions = c.history.as_ref().and_then(|h| h.get(&**name));
            let prop = PropOut {
                value: value.as_deref(),
                versions,
                extra: form.extra.get(&**name),
            };
            m.serialize_entry(name, &prop)?;
        }
        m.end()
    }
}

struct PropOut<'a> {
    value: Option<&'a str>,
    versions: Option<&'a Vec<HistoryEntry>>,
    extra: Option<&'a Map<String, Value>>,
}

impl Serialize for PropOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("value", &self.value)?;
        if let Some(versions) = self.versions {
            let list: Vec<Map<String, Value>> = versions
                .iter()
                .map(|e| {
                    rename(e.0.clone(), |k| {
                        VERSION_KEYS
                            .iter()
                            .find(|(_, m)| *m == k)
                            .map(|(v1, _)| *v1)
                    })
                })
                .collect();
            m.serialize_entry("versions", &list)?;
        }
        for (k, v) in self.extra.into_iter().flatten() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::json::contact_from_value;

    const PROFILE: &str = r#"{"vid":61574,"canonical-vid":61574,"merged-vids":[61550],"portal-id":62515,"is-contact":true,"properties":{"email":{"value":"a@x.com","versions":[{"value":"a@x.com","source-type":"API","source-id":null,"source-label":null,"timestamp":1484026585538,"selected":false}]},"lastname":{"value":"Lee"}},"form-submissions":[{"conversion-id":"c1","timestamp":1484026585000,"form-id":"f1"}],"list-memberships":[],"identity-profiles":[{"vid":61574,"identities":[{"type":"EMAIL","value":"a@x.com"}]}],"merge-audits":[]}"#;

    fn read(text: &str) -> Contact {
        contact_from_value(serde_json::from_str(text).unwrap()).unwrap()
    }

    #[test]
    fn a_v1_profile_reads_into_the_model() {
        let c = read(PROFILE);
        assert_eq!(c.id, "61574");
        assert!(c.id_is_number);
        assert_eq!(c.prop("email"), Some("a@x.com"));
        assert_eq!(c.prop(MERGED_OBJECT_IDS), Some("61550"));
        let e = &c.history_of("email")[0];
        assert_eq!(e.source_type(), Some("API"));
        assert_eq!(e.timestamp().as_deref(), Some("1484026585538"));
        assert!(c.history_of("lastname").is_empty());
        assert_eq!(c.section_items(key::FORM_SUBMISSIONS).len(), 1);
        assert!(c.section(key::LIST_MEMBERSHIPS).is_some());
        assert!(c.section("identity-profiles").is_some());
    }

    #[test]
    fn a_v1_profile_is_written_back_as_read() {
        let c = read(PROFILE);
        assert_eq!(serde_json::to_string(&c).unwrap(), PROFILE);
    }

    #[test]
    fn a_v1_contact_without_properties_is_written_without_them() {
        // Found by the stream fuzz target: the in-memory writer added
        // "properties":{} where the streamed copy kept the record's bytes.
        for text in [
            r#"{"vid":63,"other":{}}"#,
            r#"{"vid":63,"merged-vids":[60]}"#,
        ] {
            assert_eq!(serde_json::to_string(&read(text)).unwrap(), text);
        }
        let mut c = read(r#"{"vid":63}"#);
        c.set_prop("email", Some("a@x.com".into()));
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"vid":63,"properties":{"email":{"value":"a@x.com"}}}"#
        );
    }

    #[test]
    fn merged_ids_are_written_as_merged_vids() {
        let mut c = read(PROFILE);
        c.set_prop(MERGED_OBJECT_IDS, Some("61550;70000;x1".into()));
        let text = serde_json::to_string(&c).unwrap();
        assert!(
            text.contains(r#""merged-vids":[61550,70000,"x1"]"#),
            "{text}"
        );
        assert!(!text.contains(MERGED_OBJECT_IDS), "{text}");
    }

    #[test]
    fn a_merge_entry_is_written_with_v1_keys() {
        let mut c = read(PROFILE);
        let h = c.history.as_mut().unwrap();
        h.get_mut("email")
            .unwrap()
            .insert(0, HistoryEntry::new("a@x.com", "1", "MERGE_CONTACTS"));
        let text = serde_json::to_string(&c).unwrap();
        assert!(
            text.contains(r#"{"value":"a@x.com","timestamp":"1","source-type":"MERGE_CONTACTS"}"#),
            "{text}"
        );
    }

    #[test]
    fn wrong_v1_shapes_are_refused_with_what_to_do() {
        let e =
            contact_from_value(serde_json::json!({"vid": 5, "properties": {"email": "a@x.com"}}))
                .unwrap_err();
        assert_eq!(e.id.as_deref(), Some("5"));
        assert!(
            e.what.contains("must be an object {\"value\""),
            "{}",
            e.what
        );
        let e = contact_from_value(
            serde_json::json!({"vid": 5, "properties": [{"name": "email", "value": "a@x.com"}]}),
        )
        .unwrap_err();
        assert!(e.what.contains("older companies API"), "{}", e.what);
        let e = contact_from_value(serde_json::json!({"vid": [1]})).unwrap_err();
        assert!(
            e.what.contains("\"vid\" must be its record id"),
            "{}",
            e.what
        );
        let e = contact_from_value(serde_json::json!({"vid": 5, "merged-vids": [{"a": 1}]}))
            .unwrap_err();
        assert!(e.what.contains("merged-vids"), "{}", e.what);
    }
}
