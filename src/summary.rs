//! One-line summaries of a contact's sections, for tables.

use serde_json::Value;

use crate::model::{key, value_as_text, Contact};

/// `(section, summary)` for every part of the contact besides `id` and
/// `properties`, in the contact's order.
pub fn section_summaries(c: &Contact) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(h) = &c.history {
        let entries: usize = h.values().map(Vec::len).sum();
        out.push((
            crate::format::shown_key(c, key::HISTORY).to_string(),
            format!(
                "{}, {}",
                crate::text::count(h.len(), "property", "properties"),
                crate::text::count(entries, "entry", "entries")
            ),
        ));
    }
    if let Some(a) = &c.associations {
        for (kind, list) in a {
            let ids: Vec<&str> = list.ids().collect();
            out.push((format!("associations.{kind}"), join_or_none(&ids)));
        }
    }
    for (k, v) in &c.sections {
        out.push((crate::format::shown_key(c, k).to_string(), summarize(k, v)));
    }
    out
}

fn join_or_none(items: &[&str]) -> String {
    if items.is_empty() {
        "(none)".into()
    } else {
        items.join(", ")
    }
}

fn field(v: &Value, name: &str) -> Option<String> {
    v.get(name).and_then(value_as_text)
}

/// A summary of one section's value.
pub fn summarize(section: &str, v: &Value) -> String {
    let items = match v {
        Value::Array(a) => a.as_slice(),
        Value::Object(o) if section == key::SUBSCRIPTIONS => {
            let parts: Vec<String> = o
                .iter()
                .map(|(email, subs)| {
                    let subs: Vec<String> = subs
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .map(|s| {
                                    format!(
                                        "{} {}",
                                        field(s, "id").unwrap_or_default(),
                                        field(s, "status").unwrap_or_default()
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    format!("{email}: {}", subs.join(", "))
                })
                .collect();
            return if parts.is_empty() {
                "(none)".into()
            } else {
                parts.join("; ")
            };
        }
        other => return value_as_text(other).unwrap_or_else(|| compact(other)),
    };
    let described: Vec<String> = items
        .iter()
        .map(|item| match section {
            key::ENGAGEMENTS => [field(item, "type"), field(item, "id")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
            // v1 contacts: `static-list-id`, no type.
            key::LIST_MEMBERSHIPS => match field(item, "type") {
                Some(t) => format!(
                    "{} ({})",
                    field(item, "listId").unwrap_or_default(),
                    t.to_lowercase()
                ),
                None => field(item, "listId")
                    .or_else(|| field(item, "static-list-id"))
                    .unwrap_or_default(),
            },
            key::VISITS => [field(item, "timestamp"), field(item, "url")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
            key::FORM_SUBMISSIONS => [
                field(item, "formId").or_else(|| field(item, "form-id")),
                field(item, "timestamp"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
            _ => value_as_text(item).unwrap_or_else(|| compact(item)),
        })
        .collect();
    if described.is_empty() {
        "(none)".into()
    } else {
        format!("{}: {}", described.len(), described.join(", "))
    }
}

fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(79).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn summarises_sections() {
        assert_eq!(
            summarize(
                key::ENGAGEMENTS,
                &json!([{"id": "e1", "type": "CALL"}, {"type": "MERGE"}])
            ),
            "2: CALL e1, MERGE"
        );
        assert_eq!(
            summarize(
                key::LIST_MEMBERSHIPS,
                &json!([{"listId": "12", "type": "STATIC"}])
            ),
            "1: 12 (static)"
        );
        assert_eq!(
            summarize(
                key::SUBSCRIPTIONS,
                &json!({"a@x.com": [{"id": "s", "status": "SUBSCRIBED"}]})
            ),
            "a@x.com: s SUBSCRIBED"
        );
        assert_eq!(summarize(key::USERTOKENS, &json!([])), "(none)");
        assert_eq!(
            summarize(key::CREATED_AT, &json!("2024-01-01")),
            "2024-01-01"
        );
    }
}
