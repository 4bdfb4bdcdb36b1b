//! Validation of exports for CI fixture checks (`contact-merge check`):
//! every problem found, each naming the record, property and value.

use std::collections::HashMap;

use serde::Serialize;

use crate::dates::parse_millis;
use crate::labels::{marketable, stage_key};
use crate::model::{key, split_multi, Export};
use crate::props::{is_date_property, is_valid_email, parse_counter, SUMMED_COUNTERS};

/// One problem in an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    /// Where in the file ("contact 3", "line 7"), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub problem: String,
}

/// Check an export. `stages` is the lifecycle order in force (internal
/// values, lower-case).
pub fn check_export(export: &Export, file: &str, stages: &[String]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut first_seen: HashMap<&str, usize> = HashMap::with_capacity(export.contacts.len());
    for (i, c) in export.contacts.iter().enumerate() {
        let place = format!("contact {}", i + 1);
        let mut add = |property: Option<&str>, value: Option<&str>, problem: String| {
            problems.push(Problem {
                file: file.into(),
                place: Some(place.clone()),
                record: Some(c.id.clone()),
                property: property.map(str::to_string),
                value: value.map(str::to_string),
                problem,
            })
        };
        if let Some(&j) = first_seen.get(c.id.as_str()) {
            add(
                None,
                Some(&c.id),
                format!(
                    "duplicate id: contact {} has the same id; ids must be unique",
                    j + 1
                ),
            );
        } else {
            first_seen.insert(&c.id, i);
        }
        if let Some(e) = c.prop("email") {
            if !is_valid_email(e.trim()) {
                add(Some("email"), Some(e), "not a valid email address".into());
            }
        }
        if let Some(extra) = c.prop("hs_additional_emails") {
            for e in split_multi(extra) {
                if !is_valid_email(e) {
                    add(
                        Some("hs_additional_emails"),
                        Some(e),
                        "not a valid email address".into(),
                    );
                }
            }
        }
        for (name, value) in &c.properties {
            let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            if is_date_property(name) {
                if let Err(e) = parse_millis(v) {
                    add(
                        Some(name),
                        Some(v),
                        e.to_string().replacen(&format!("'{v}' "), "", 1),
                    );
                }
            } else if SUMMED_COUNTERS.contains(&name.as_str()) {
                if let Err(e) = parse_counter(v) {
                    add(Some(name), Some(v), format!("{e}; merges sum this counter"));
                }
            } else if name == "lifecyclestage" {
                let k = stage_key(v);
                if !stages.contains(&k) {
                    add(
                        Some(name),
                        Some(v),
                        format!(
                            "unknown lifecycle stage (known: {}); give custom stages with --lifecycle-order STAGE,STAGE,... (lowest first)",
                            stages.join(", ")
                        ),
                    );
                }
            } else if name == "hs_marketable_status" && marketable(v).is_none() {
                add(
                    Some(name),
                    Some(v),
                    "expected true/false (or \"Marketing contact\" / \"Non-marketing contact\")"
                        .into(),
                );
            }
        }
        for meta in [key::CREATED_AT, key::UPDATED_AT] {
            if let Some(v) = c.meta_text(meta) {
                if let Err(e) = parse_millis(&v) {
                    add(
                        Some(meta),
                        Some(&v),
                        e.to_string().replacen(&format!("'{v}' "), "", 1),
                    );
                }
            }
        }
        if let Some(h) = &c.history {
            for (name, entries) in h {
                for entry in entries {
                    if let Some(ts) = entry.timestamp() {
                        if let Err(e) = parse_millis(&ts) {
                            add(
                                Some(&format!("propertiesWithHistory.{name}")),
                                Some(&ts),
                                format!(
                                    "history timestamp {}",
                                    e.to_string().replacen(&format!("'{ts}' "), "", 1)
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::json;

    fn stages() -> Vec<String> {
        crate::labels::LIFECYCLE_STAGES
            .iter()
            .map(|(v, _)| v.to_string())
            .collect()
    }

    #[test]
    fn clean_export_has_no_problems() {
        let e = json::read(
            br#"[{"id":"1","properties":{"email":"a@x.com","lifecyclestage":"Customer","createdate":"2024-01-01","num_conversion_events":"2"}}]"#,
            "f.json",
        )
        .unwrap();
        assert_eq!(check_export(&e, "f.json", &stages()), vec![]);
    }

    #[test]
    fn reports_every_problem() {
        let e = json::read(
            br#"[
            {"id":"1","properties":{"email":"not-an-email","hs_additional_emails":"ok@x.com;bad@","lifecyclestage":"partner","createdate":"yesterday","num_conversion_events":"three","hs_marketable_status":"maybe"},"createdAt":"soon","propertiesWithHistory":{"email":[{"value":"x","timestamp":"never"}]}},
            {"id":"1","properties":{}}
            ]"#,
            "f.json",
        )
        .unwrap();
        let p = check_export(&e, "f.json", &stages());
        let found: Vec<(Option<&str>, Option<&str>)> = p
            .iter()
            .map(|p| (p.property.as_deref(), p.value.as_deref()))
            .collect();
        assert_eq!(
            found,
            vec![
                (Some("email"), Some("not-an-email")),
                (Some("hs_additional_emails"), Some("bad@")),
                (Some("lifecyclestage"), Some("partner")),
                (Some("createdate"), Some("yesterday")),
                (Some("num_conversion_events"), Some("three")),
                (Some("hs_marketable_status"), Some("maybe")),
                (Some("createdAt"), Some("soon")),
                (Some("propertiesWithHistory.email"), Some("never")),
                (None, Some("1")),
            ]
        );
        assert!(p[8].problem.starts_with("duplicate id"));
        assert_eq!(p[8].place.as_deref(), Some("contact 2"));
    }

    #[test]
    fn custom_stages_are_accepted() {
        let e = json::read(
            br#"[{"id":"1","properties":{"lifecyclestage":"Partner"}}]"#,
            "f",
        )
        .unwrap();
        assert_eq!(check_export(&e, "f", &["partner".to_string()]), vec![]);
    }
}
