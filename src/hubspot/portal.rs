//! The portal's property definitions (`--properties FILE`, SPEC section 3):
//! the response of HubSpot's `GET /crm/v3/properties/contacts`,
//! `{"results": [{"name", "label", "type", "fieldType", "options":
//! [{"label", "value", ...}], ...}]}` (a bare array of definitions is read
//! too). They give each header label its internal name (labels in the
//! portal's language), the type of custom properties (a `date`/`datetime`
//! property is checked as a date, a `number` one as a number) and the
//! labels of option values (lifecycle stages in the portal's language).
//!
//! Read once by the command line before a command reads its export, and
//! then a process setting ([`install`]), as HubSpot's built-in labels are.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// What a property holds, as far as the checks and rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyType {
    /// `date` or `datetime`.
    Date,
    /// `number`.
    Number,
    /// `bool`: `true`/`false`, or its options' labels.
    Bool,
    /// `enumeration`: one of its options (several, `;` between, for a
    /// checkbox field), by label or internal value.
    Enumeration,
    /// Anything else (`string`, `phone_number`, ...).
    Other,
}

/// One property definition.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyDef {
    pub name: String,
    pub label: String,
    pub kind: PropertyType,
    /// Option labels and their internal values.
    pub options: Vec<(String, String)>,
}

/// The definitions of a portal, found by name and by label.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Portal {
    pub defs: Vec<PropertyDef>,
    names: HashMap<String, usize>,
    /// Labels lower-cased and trimmed; the first definition with a label
    /// wins.
    labels: HashMap<String, usize>,
}

/// Why a definitions file cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {problem}; give the JSON of HubSpot's GET /crm/v3/properties/contacts ({{\"results\": [{{\"name\": ..., \"label\": ..., \"type\": ...}}]}})")]
pub struct PortalError {
    pub file: String,
    pub problem: String,
}

#[derive(Deserialize)]
struct WireDef {
    name: String,
    #[serde(default)]
    label: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    options: Vec<WireOption>,
}

#[derive(Deserialize)]
struct WireOption {
    #[serde(default)]
    label: String,
    value: String,
}

impl Portal {
    /// Read a definitions file's bytes; `file` names it in messages.
    pub fn parse(bytes: &[u8], file: &str) -> Result<Portal, PortalError> {
        let problem = |problem: String| PortalError {
            file: file.into(),
            problem,
        };
        let doc: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| problem(format!("not a JSON document ({e})")))?;
        // HubSpot's answer ({"results": [...]}) or the list alone.
        let list = match doc {
            serde_json::Value::Object(mut o) if o.contains_key("results") => {
                o.remove("results").unwrap_or_default()
            }
            list @ serde_json::Value::Array(_) => list,
            _ => {
                return Err(problem(
                    "neither an object with \"results\" nor a list of property definitions".into(),
                ))
            }
        };
        let defs: Vec<WireDef> = serde_json::from_value(list)
            .map_err(|e| problem(format!("not a list of property definitions ({e})")))?;
        let defs: Vec<PropertyDef> = defs
            .into_iter()
            .map(|d| PropertyDef {
                kind: match d.kind.as_str() {
                    "date" | "datetime" => PropertyType::Date,
                    "number" => PropertyType::Number,
                    "bool" => PropertyType::Bool,
                    "enumeration" => PropertyType::Enumeration,
                    _ => PropertyType::Other,
                },
                options: d.options.into_iter().map(|o| (o.label, o.value)).collect(),
                name: d.name,
                label: d.label,
            })
            .collect();
        let mut names = HashMap::with_capacity(defs.len());
        let mut labels = HashMap::with_capacity(defs.len());
        for (i, d) in defs.iter().enumerate() {
            names.entry(d.name.clone()).or_insert(i);
            if !d.label.trim().is_empty() {
                labels.entry(d.label.trim().to_lowercase()).or_insert(i);
            }
        }
        Ok(Portal {
            defs,
            names,
            labels,
        })
    }

    /// The definition of an internal name.
    pub fn by_name(&self, name: &str) -> Option<&PropertyDef> {
        self.names.get(name).map(|&i| &self.defs[i])
    }

    /// The definition whose label a header is (case-insensitive, spaces
    /// around ignored).
    pub fn by_label(&self, header: &str) -> Option<&PropertyDef> {
        self.labels
            .get(&header.trim().to_lowercase())
            .map(|&i| &self.defs[i])
    }

    /// The internal value of an option of `property` given by its label
    /// or value (case-insensitive).
    pub fn option_value(&self, property: &str, given: &str) -> Option<&str> {
        let g = given.trim().to_lowercase();
        self.by_name(property)?
            .options
            .iter()
            .find(|(label, value)| label.to_lowercase() == g || value.to_lowercase() == g)
            .map(|(_, value)| value.as_str())
    }
}

static PORTAL: OnceLock<Portal> = OnceLock::new();

/// Use `portal` for the rest of the process (a second call is ignored: a
/// command reads one definitions file).
pub fn install(portal: Portal) {
    let _ = PORTAL.set(portal);
}

/// The definitions installed, if any.
pub fn get() -> Option<&'static Portal> {
    PORTAL.get()
}

/// The headers of a CSV export that nothing maps to a property the tool
/// knows: not a built-in label or association column, not an internal
/// name of the built-in tables, not a name or label of the portal's
/// definitions. They are kept as custom properties under their header.
pub fn unmapped_headers(headers: &[String]) -> Vec<String> {
    use super::labels;
    headers
        .iter()
        .filter(|h| {
            let t = h.trim();
            let known = labels::association_kind(t).is_some()
                || labels::internal_name(t) != t
                || labels::label_of(t).is_some()
                || get().is_some_and(|p| p.by_name(t).is_some());
            !known
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"{"results": [
      {"name": "birthday_party", "label": "Geburtstagsfeier", "type": "date", "fieldType": "date", "options": []},
      {"name": "shoe_size", "label": "Schuhgröße", "type": "number", "fieldType": "number", "options": []},
      {"name": "lifecyclestage", "label": "Lebenszyklusphase", "type": "enumeration", "fieldType": "radio",
       "options": [{"label": "Kunde", "value": "customer", "displayOrder": 5, "hidden": false}]}
    ]}"#;

    #[test]
    fn reads_a_properties_page() {
        let p = Portal::parse(PAGE.as_bytes(), "p.json").unwrap();
        assert_eq!(p.defs.len(), 3);
        assert_eq!(
            p.by_name("birthday_party").unwrap().kind,
            PropertyType::Date
        );
        assert_eq!(p.by_name("shoe_size").unwrap().kind, PropertyType::Number);
        assert_eq!(p.by_label(" schuhgröße ").unwrap().name, "shoe_size");
        assert_eq!(p.option_value("lifecyclestage", "KUNDE"), Some("customer"));
        assert_eq!(
            p.option_value("lifecyclestage", "customer"),
            Some("customer")
        );
        assert_eq!(p.option_value("lifecyclestage", "Lead"), None);
    }

    #[test]
    fn reads_a_bare_list_and_refuses_other_shapes() {
        let p = Portal::parse(
            br#"[{"name": "x", "label": "X", "type": "datetime"}]"#,
            "p.json",
        );
        assert_eq!(p.unwrap().defs[0].kind, PropertyType::Date);
        let e = Portal::parse(br#"{"contacts": []}"#, "p.json").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("p.json: neither an object with \"results\" nor a list"),
            "{e}"
        );
    }
}
