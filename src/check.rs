//! Validation of exports for CI fixture checks (`contact-merge check`):
//! every problem found, each naming the record, property and value.

use std::collections::HashMap;

use serde::Serialize;

use crate::dates::parse_millis;
use crate::labels::{marketable, stage_key};
use std::path::Path;

use crate::format::formula::is_formula;
use crate::format::{each_contact_in, ids_again, Format, IdSieve, Place, ReadError};
use crate::model::{key, split_multi, Contact, Export};
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

/// Check an export held in memory. `stages` is the lifecycle order in force
/// (internal values, lower-case).
pub fn check_export(export: &Export, file: &str, stages: &[String]) -> Vec<Problem> {
    let mut checker = Checker::new(file, stages);
    for (i, c) in export.contacts.iter().enumerate() {
        checker.check(c, Place::Contact(i + 1));
    }
    checker.problems
}

/// The problems of one file, and how many contacts it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCheck {
    pub file: String,
    pub contacts: usize,
    pub problems: Vec<Problem>,
    /// Legal data worth knowing about (cells a spreadsheet would run as
    /// formulas); they fail `check` only under `--strict`.
    pub warnings: Vec<Problem>,
}

/// Check a file (`-` is stdin) one contact at a time, so that a file of any
/// size needs little more memory than its bytes. A contact that cannot be
/// read is a problem and the rest is still checked; a file that cannot be
/// read at all is one problem.
pub fn check_file(path: &Path, format: Option<Format>, stages: &[String]) -> FileCheck {
    let name = path.display().to_string();
    let mut skipped = Vec::new();
    let mut checker = Checker::new(&name, stages);
    // A file is read again for the places of ids read twice (8 bytes an
    // id meanwhile); stdin cannot be, and keeps each id with its place.
    let again = path.as_os_str() != "-";
    checker.ids = !again;
    let mut sieve = IdSieve::with_capacity(0);
    let mut contacts = 0;
    let result = each_contact_in(path, format, Some(&mut skipped), &mut |c, place| {
        contacts += 1;
        if again {
            sieve.note(&c.id);
        }
        checker.check(&c, place);
    })
    .and_then(|_| sieve.repeats(|each| ids_again(path, format, each)));
    let mut warnings = std::mem::take(&mut checker.warnings);
    let mut problems = match result {
        Ok(repeats) => {
            let mut p: Vec<Problem> = skipped
                .into_iter()
                .map(|e| from_read_error(&name, e))
                .collect();
            // Before the contact's other problems, as when found in turn.
            p.extend(
                repeats
                    .into_iter()
                    .map(|(id, first, at)| duplicate(&name, &id, first, at)),
            );
            p.extend(checker.problems);
            p
        }
        Err(e) => {
            contacts = 0;
            warnings.clear();
            vec![from_read_error(&name, e)]
        }
    };
    // In file order: by the line or contact they are in.
    problems.sort_by_key(|p| place_number(p.place.as_deref()));
    FileCheck {
        file: name,
        contacts,
        problems,
        warnings,
    }
}

/// The first number in a place ("contact 3", "line 7, column 2").
fn place_number(place: Option<&str>) -> u64 {
    place
        .and_then(|p| {
            p.split(|c: char| !c.is_ascii_digit())
                .find(|s| !s.is_empty())
                .and_then(|s| s.parse().ok())
        })
        .unwrap_or(0)
}

/// A read error as a problem: the file, and where when the error says.
fn from_read_error(file: &str, e: ReadError) -> Problem {
    if let ReadError::Contact(bad) = e {
        return Problem {
            file: file.into(),
            place: Some(bad.place),
            record: bad.id,
            property: bad.field,
            value: bad.value,
            problem: bad.what,
        };
    }
    let (place, problem) = match e {
        ReadError::Invalid { place, what, .. } => (Some(place), what),
        ReadError::Syntax {
            line, column, what, ..
        } => (Some(format!("line {line}, column {column}")), what),
        ReadError::NotUtf8 { line, offset, .. } => (
            Some(format!("line {line}")),
            format!("the file is not valid UTF-8 (bad byte at offset {offset}); save the export as UTF-8 and try again"),
        ),
        other => {
            let text = other.to_string();
            let prefix = format!("{file}: ");
            (None, text.strip_prefix(&prefix).unwrap_or(&text).to_string())
        }
    };
    Problem {
        file: file.into(),
        place,
        record: None,
        property: None,
        value: None,
        problem,
    }
}

/// An id read twice, as a problem at its second place.
fn duplicate(file: &str, id: &str, first: Place, at: Place) -> Problem {
    Problem {
        file: file.into(),
        place: Some(at.to_string()),
        record: Some(id.into()),
        property: None,
        value: Some(id.into()),
        problem: format!("duplicate id: the same id as {first}; ids must be unique in an export, and which of the two is the contact cannot be told: remove or renumber one"),
    }
}

/// Checks contacts one at a time, remembering ids to find duplicates.
pub struct Checker<'a> {
    file: &'a str,
    stages: &'a [String],
    first_seen: HashMap<String, Place>,
    /// Remember ids to find duplicates (else the caller does).
    ids: bool,
    /// Property names already checked for formulas (once per file).
    names_seen: std::collections::HashSet<String>,
    pub problems: Vec<Problem>,
    /// Cells a spreadsheet would run as formulas.
    pub warnings: Vec<Problem>,
}

impl<'a> Checker<'a> {
    pub fn new(file: &'a str, stages: &'a [String]) -> Self {
        Checker {
            file,
            stages,
            first_seen: HashMap::new(),
            ids: true,
            names_seen: std::collections::HashSet::new(),
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Check one contact found at `at`.
    pub fn check(&mut self, c: &Contact, at: Place) {
        self.check_formulas(c, at);
        let (file, stages) = (self.file, self.stages);
        let place = at.to_string();
        if self.ids {
            match self.first_seen.get(c.id.as_str()) {
                Some(&first) => self.problems.push(duplicate(file, &c.id, first, at)),
                None => {
                    self.first_seen.insert(c.id.clone(), at);
                }
            }
        }
        let problems = &mut self.problems;
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
}

impl Checker<'_> {
    /// Cells that a spreadsheet opening the export (or a CSV of it) would
    /// run as formulas: property values, association id cells, and
    /// property names (CSV headers, reported once per file).
    fn check_formulas(&mut self, c: &Contact, at: Place) {
        let mut warn = |property: &str, value: &str, what: &str| {
            let first = value.chars().next().map_or(String::new(), |ch| {
                format!("{ch:?}").trim_matches('\'').to_string()
            });
            self.warnings.push(Problem {
                file: self.file.into(),
                place: Some(at.to_string()),
                record: Some(c.id.clone()),
                property: Some(property.into()),
                value: Some(value.into()),
                problem: format!(
                    "{what} starts with '{first}': spreadsheets run it as a formula when they open the export as CSV or XLSX; it is kept as it is (--sanitize-formulas in merge, apply or unmerge writes it with a leading ')"
                ),
            });
        };
        for (name, value) in &c.properties {
            if is_formula(name) && self.names_seen.insert(name.clone()) {
                warn(
                    name,
                    name,
                    "the property name (a CSV column header; first met here)",
                );
            }
            if let Some(v) = value.as_deref().filter(|v| is_formula(v)) {
                warn(name, v, "the value");
            }
        }
        if !c.properties.contains_key("hs_object_id") && is_formula(&c.id) {
            warn("hs_object_id", &c.id, "the record id");
        }
        for (kind, list) in c.associations.iter().flatten() {
            let cell = list.ids().collect::<Vec<_>>().join(";");
            if is_formula(&cell) {
                warn(
                    &format!("associations.{kind}"),
                    &cell,
                    "the association id cell",
                );
            }
        }
    }
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
        // Read one contact at a time: reading the export whole refuses
        // the id written twice.
        let mut contacts = Vec::new();
        let layout = json::each(
            br#"[
            {"id":"1","properties":{"email":"not-an-email","hs_additional_emails":"ok@x.com;bad@","lifecyclestage":"partner","createdate":"yesterday","num_conversion_events":"three","hs_marketable_status":"maybe"},"createdAt":"soon","propertiesWithHistory":{"email":[{"value":"x","timestamp":"never"}]}},
            {"id":"1","properties":{}}
            ]"#,
            "f.json",
            None,
            &mut |c, _| contacts.push(c),
        )
        .unwrap();
        let e = Export { contacts, layout };
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
    fn files_are_checked_one_contact_at_a_time_with_true_places() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("a.json");
        std::fs::write(
            &json,
            r#"[{"properties": {}}, {"id": "2", "properties": {"email": "bad"}}]"#,
        )
        .unwrap();
        let r = check_file(&json, None, &stages());
        assert_eq!(r.contacts, 1);
        let places: Vec<_> = r
            .problems
            .iter()
            .map(|p| p.place.clone().unwrap())
            .collect();
        assert_eq!(places, ["contact 1", "contact 2"]);
        let csv = dir.path().join("a.csv");
        std::fs::write(
            &csv,
            "Record ID,Email\r\n1,a@x.com\r\n\r\n2,\"b\r\nc\"\r\n3,bad\r\n,x@y.com\r\n",
        )
        .unwrap();
        let r = check_file(&csv, None, &stages());
        assert_eq!(r.contacts, 3);
        let found: Vec<_> = r
            .problems
            .iter()
            .map(|p| (p.place.clone().unwrap(), p.value.clone()))
            .collect();
        assert_eq!(
            found,
            [
                ("line 4".to_string(), Some("b\r\nc".to_string())),
                ("line 6".to_string(), Some("bad".to_string())),
                ("line 7".to_string(), None),
            ]
        );
        let broken = dir.path().join("b.ndjson");
        std::fs::write(&broken, "{\"id\": \"1\"").unwrap();
        let r = check_file(&broken, None, &stages());
        assert_eq!(r.contacts, 0);
        assert_eq!(r.problems.len(), 1);
        assert!(
            r.problems[0].problem.contains("truncated"),
            "{:?}",
            r.problems
        );
    }

    #[test]
    fn sections_keys_and_ids_the_merge_would_lose_are_reported_with_their_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.ndjson");
        std::fs::write(
            &path,
            "{\"id\":\"1\",\"engagements\":{}}\n{\"id\":\"2\",\"properties\":{\"email\":\"a@x.com\",\"email\":\"b@x.com\"}}\n{\"id\":\"3\"}\n{\"id\":\"3\"}\n",
        )
        .unwrap();
        let r = check_file(&path, None, &stages());
        assert_eq!(r.contacts, 2);
        let found: Vec<_> = r
            .problems
            .iter()
            .map(|p| {
                (
                    p.place.as_deref(),
                    p.record.as_deref(),
                    p.property.as_deref(),
                    p.value.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (Some("line 1"), Some("1"), Some("engagements"), Some("{}")),
                (Some("line 2"), Some("2"), Some("properties.email"), None),
                (Some("line 4"), Some("3"), None, Some("3")),
            ]
        );
        assert!(
            r.problems[0].problem.contains("must be a list"),
            "{:?}",
            r.problems
        );
        assert!(
            r.problems[1].problem.contains("appears more than once"),
            "{:?}",
            r.problems
        );
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
