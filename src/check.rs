//! Validation of exports for CI fixture checks (`contact-merge check`):
//! every problem found, each naming the record, property and value.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::dates::parse_millis;
use crate::labels::{marketable, stage_key};
use std::path::Path;

use crate::format::formula::is_formula;
use crate::format::{ids_again, Format, IdSieve, Place, ReadError};
use crate::hubspot::property::MERGED_OBJECT_IDS;
use crate::model::{key, split_multi, Contact, Export};
use crate::props::{is_valid_email, parse_counter};
use fields::{Fields, Kind};

mod fields;
mod json;
mod pipeline;
mod row;

pub use pipeline::Tuning;

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
    /// The records the file holds, those that cannot be read included
    /// (0 when the file cannot be read at all; the records before the
    /// fault when one ends the reading).
    pub contacts: usize,
    pub problems: Vec<Problem>,
    /// Legal data worth knowing about (cells a spreadsheet would run as
    /// formulas, a spreadsheet's error values such as `#N/A`); they fail
    /// `check` only under `--strict`.
    pub warnings: Vec<Problem>,
}

/// Check a file (`-` is stdin) one contact at a time, so that a file of any
/// size needs little more memory than its bytes. A contact that cannot be
/// read (a CSV row of the wrong length too) is a problem and the rest is
/// still checked; a fault the rest of the file cannot be read past (a
/// quoted cell or a JSON document left open at the end, malformed JSON
/// between contacts, bytes that are not UTF-8) is one problem after those
/// of the records read before it; a file that cannot be read at all is one
/// problem.
pub fn check_file(path: &Path, format: Option<Format>, stages: &[String]) -> FileCheck {
    check_file_with(path, format, stages, &Tuning::default())
}

/// [`check_file`], its work divided as `tuning` says: the same findings
/// whatever the tuning.
pub fn check_file_with(
    path: &Path,
    format: Option<Format>,
    stages: &[String],
    tuning: &Tuning,
) -> FileCheck {
    let name = path.display().to_string();
    // A file is read again for the places of ids read twice (8 bytes an
    // id meanwhile); stdin cannot be, and keeps each id with its place.
    let again = path.as_os_str() != "-";
    let result =
        pipeline::read_and_check(path, format, stages, again, tuning).and_then(|mut read| {
            let sieve = std::mem::replace(&mut read.sieve, IdSieve::with_capacity(0));
            // Only a merged id that may be a contact's costs a reading.
            if again && !sieve.may_hold(read.claims.iter().map(|c| c.0.as_str())) {
                read.claims.clear();
            }
            let stopped = read.fatal.is_some();
            let repeats = sieve.repeats(|each| match ids_again(path, format, each) {
                // The fault that ended the reading ends it again, after
                // the records read the first time: it is reported already.
                Err(_) if stopped => Ok(()),
                again => again,
            })?;
            Ok((read, repeats))
        });
    let (contacts, mut problems, warnings, fatal) = match result {
        Ok((read, repeats)) => {
            let mut p: Vec<Problem> = (read.skipped.into_iter())
                .map(|e| from_read_error(&name, e))
                .collect();
            // Before the contact's other problems, as when found in turn.
            p.extend(
                repeats
                    .into_iter()
                    .map(|(id, first, at)| duplicate(&name, &id, first, at)),
            );
            p.extend(read.repeats);
            p.extend(read.problems);
            p.extend(stale_copies(
                &name,
                path,
                format,
                &read.claims,
                read.places.as_ref(),
            ));
            (read.contacts, p, read.warnings, read.fatal)
        }
        Err(e) => (0, Vec::new(), Vec::new(), Some(e)),
    };
    // In file order: by the line or contact they are in; the fault that
    // ended the reading last (a JSON document names it by line and column,
    // its contacts by number).
    problems.sort_by_key(|p| place_number(p.place.as_deref()));
    problems.extend(fatal.map(|e| from_read_error(&name, e)));
    FileCheck {
        file: name,
        contacts,
        problems,
        warnings,
    }
}

/// The contacts of the file that another contact lists in its
/// `hs_merged_object_ids`: copies from before that merge, which a plan
/// may not name (DECISIONS, "A stale copy of a merged contact"). Found
/// among the ids read again (or kept, for stdin) only when some contact
/// lists merged ids.
fn stale_copies(
    name: &str,
    path: &Path,
    format: Option<Format>,
    claims: &[Claim],
    kept: Option<&HashMap<String, Place>>,
) -> Vec<Problem> {
    if claims.is_empty() {
        return Vec::new();
    }
    let mut holders: HashMap<&str, (&str, Place)> = HashMap::new();
    for (id, holder, at) in claims {
        holders.entry(id.as_str()).or_insert((holder.as_str(), *at));
    }
    let mut found = Vec::new();
    let mut note = |id: &str, at: Place| {
        if let Some(&(holder, holder_at)) = holders.get(id) {
            found.push(Problem {
                file: name.into(),
                place: Some(at.to_string()),
                record: Some(id.into()),
                property: None,
                value: Some(id.into()),
                problem: format!(
                    "contact {id} is listed in contact {holder}'s hs_merged_object_ids ({holder_at}), so it was merged into {holder}, yet the file holds it too: a copy from before that merge (a pull that ran while contacts were merged in HubSpot?); a plan that names it is refused: pull the export again, or remove {id}'s record"
                ),
            });
        }
    };
    match kept {
        Some(places) => places.iter().for_each(|(id, at)| note(id, *at)),
        // A fault in reading again was reported by the first reading.
        None => {
            let _ = ids_again(path, format, &mut note);
        }
    }
    found
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
    names_seen: HashSet<String>,
    /// Where in `warnings` the warnings about property names are, so that
    /// batches checked apart can be joined ([`pipeline`]).
    pub(crate) names_met: Vec<usize>,
    /// Lifecycle stage values met, and whether each is known.
    stages_met: rustc_hash::FxHashMap<String, bool>,
    pub problems: Vec<Problem>,
    /// Cells a spreadsheet would run as formulas.
    pub warnings: Vec<Problem>,
    /// Every id a contact lists in `hs_merged_object_ids`, for
    /// [`stale_copies`].
    pub(crate) claims: Vec<Claim>,
}

/// An id a contact lists in `hs_merged_object_ids`: the id, the contact
/// that lists it, and where that contact is.
pub(crate) type Claim = (String, String, Place);

/// Stage values remembered by one checker, at most.
const STAGES_MET: usize = 1024;

impl<'a> Checker<'a> {
    pub fn new(file: &'a str, stages: &'a [String]) -> Self {
        Checker {
            file,
            stages,
            first_seen: HashMap::new(),
            ids: true,
            names_seen: HashSet::new(),
            names_met: Vec::new(),
            stages_met: Default::default(),
            problems: Vec::new(),
            warnings: Vec::new(),
            claims: Vec::new(),
        }
    }

    /// Check one contact found at `at`.
    pub fn check(&mut self, c: &Contact, at: Place) {
        self.check_fields(c, at);
    }

    /// Check one contact found at `at`, read as a [`Contact`] or in place
    /// (a CSV row, a JSON record): the same problems, in the same order.
    pub(crate) fn check_fields(&mut self, c: &impl Fields, at: Place) {
        if self.ids {
            match self.first_seen.get(c.id()) {
                Some(&first) => self.problems.push(duplicate(self.file, c.id(), first, at)),
                None => {
                    self.first_seen.insert(c.id().to_string(), at);
                }
            }
        }
        let mut add = Adder {
            file: self.file,
            place: None,
            at,
            id: c.id(),
            problems: &mut self.problems,
        };
        if c.id().trim().len() != c.id().len() {
            add.add(
                None,
                Some(c.id()),
                "the record id has spaces around it, and a plan's ids are read without them, so no plan can name this contact (apply reports it as not a contact): remove the spaces".into(),
            );
        }
        check_object_id(c, &mut add);
        check_emails(c, &mut add);
        let mut warn = Warner {
            file: self.file,
            at,
            id: c.id(),
            names_seen: &mut self.names_seen,
            names_met: &mut self.names_met,
            warnings: &mut self.warnings,
        };
        let mut stages = Stages {
            order: self.stages,
            met: &mut self.stages_met,
        };
        // One pass: the formulas (warnings) and the values (problems).
        c.each_property(&mut |name, value, kind| {
            warn.property(name, value);
            check_value(name, value, kind, &mut stages, &mut add);
        });
        warn.id_and_associations(c);
        check_meta_and_history(c, &mut add);
        if let Some(ids) = c.prop(MERGED_OBJECT_IDS) {
            let holder = c.id();
            let listed = split_multi(&ids).filter(|id| *id != holder);
            (self.claims).extend(listed.map(|id| (id.to_string(), holder.to_string(), at)));
        }
    }
}

/// Adds the problems of one contact.
struct Adder<'c> {
    file: &'c str,
    /// The contact's place, as text once a problem needs it.
    place: Option<String>,
    at: Place,
    id: &'c str,
    problems: &'c mut Vec<Problem>,
}

impl Adder<'_> {
    fn add(&mut self, property: Option<&str>, value: Option<&str>, problem: String) {
        let place = self.place.get_or_insert_with(|| self.at.to_string());
        self.problems.push(Problem {
            file: self.file.into(),
            place: Some(place.clone()),
            record: Some(self.id.to_string()),
            property: property.map(str::to_string),
            value: value.map(str::to_string),
            problem,
        })
    }
}

/// What a date's parse error says, without the value (the problem names it).
fn date_problem(e: &impl std::fmt::Display, v: &str) -> String {
    e.to_string().replacen(&format!("'{v}' "), "", 1)
}

/// A JSON contact's `hs_object_id` property is its record id again
/// (HubSpot sets it so); one that differs from the id means one of them is
/// wrong (an edited id, properties copied from another contact), and a
/// merge would keep one contact's id with the other's `hs_object_id`. A
/// CSV row's id is that column itself.
fn check_object_id(c: &impl Fields, add: &mut Adder) {
    const OBJECT_ID: &str = crate::hubspot::property::OBJECT_ID;
    let Some(v) = c.prop(OBJECT_ID) else { return };
    if v.trim().is_empty() || v.trim() == c.id().trim() {
        return;
    }
    let problem = format!(
        "the contact's record id is {:?} but its {OBJECT_ID} property is {v:?}: HubSpot holds the same id in both, so one is wrong (an edited id, or properties copied from another contact); correct the wrong one, or remove the {OBJECT_ID} property",
        c.id()
    );
    add.add(Some(OBJECT_ID), Some(&v), problem);
}

fn check_emails(c: &impl Fields, add: &mut Adder) {
    if let Some(e) = c.prop("email") {
        if !is_valid_email(e.trim()) {
            add.add(Some("email"), Some(&e), "not a valid email address".into());
        }
    }
    if let Some(extra) = c.prop("hs_additional_emails") {
        for e in split_multi(&extra) {
            if !is_valid_email(e) {
                add.add(
                    Some("hs_additional_emails"),
                    Some(e),
                    "not a valid email address".into(),
                );
            }
        }
    }
}

/// The lifecycle stages in force, and the values met so far.
struct Stages<'c> {
    order: &'c [String],
    met: &'c mut rustc_hash::FxHashMap<String, bool>,
}

impl Stages<'_> {
    /// Whether a (non-blank) value names a stage in force.
    fn known(&mut self, v: &str) -> bool {
        if let Some(&known) = self.met.get(v) {
            return known;
        }
        let known = self.order.contains(&stage_key(v));
        if self.met.len() < STAGES_MET {
            self.met.insert(v.to_string(), known);
        }
        known
    }
}

/// The problem of one property's value, if it has one.
fn check_value(name: &str, value: Option<&str>, kind: Kind, stages: &mut Stages, add: &mut Adder) {
    if kind == Kind::Other {
        return;
    }
    // Not blank (as `!v.trim().is_empty()`, without trimming both ends).
    let Some(v) = value.filter(|v| !v.chars().all(char::is_whitespace)) else {
        return;
    };
    match kind {
        Kind::Date => {
            if let Err(e) = parse_millis(v) {
                add.add(Some(name), Some(v), date_problem(&e, v));
            }
        }
        Kind::Counter => {
            if let Err(e) = parse_counter(v) {
                let how = if name == crate::hubspot::property::DEAL_COUNT {
                    "merges add this count up when the deals are not listed"
                } else {
                    "merges sum this counter"
                };
                add.add(Some(name), Some(v), format!("{e}; {how}"));
            }
        }
        Kind::Stage => {
            if !stages.known(v) {
                add.add(
                    Some(name),
                    Some(v),
                    format!(
                        "unknown lifecycle stage (known: {}); give custom stages with --lifecycle-order STAGE,STAGE,... (lowest first)",
                        stages.order.join(", ")
                    ),
                );
            }
        }
        Kind::Marketable => {
            if marketable(v).is_none() {
                add.add(
                    Some(name),
                    Some(v),
                    "expected true/false (or \"Marketing contact\" / \"Non-marketing contact\")"
                        .into(),
                );
            }
        }
        Kind::Number => {
            if !crate::props::is_number(v) {
                add.add(
                    Some(name),
                    Some(v),
                    "not a number (the portal's definitions say this property holds one); correct or clear the value".into(),
                );
            }
        }
        Kind::Options => {
            if let Some(bad) = fields::not_an_option(name, v) {
                add.add(Some(name), Some(v), bad);
            }
        }
        Kind::Other => {}
    }
}

fn check_meta_and_history(c: &impl Fields, add: &mut Adder) {
    for meta in [key::CREATED_AT, key::UPDATED_AT] {
        if let Some(v) = c.meta_text(meta) {
            if let Err(e) = parse_millis(&v) {
                add.add(Some(meta), Some(&v), date_problem(&e, &v));
            }
        }
    }
    c.each_history_timestamp(&mut |name, ts| {
        if let Err(e) = parse_millis(ts) {
            add.add(
                Some(&format!("propertiesWithHistory.{name}")),
                Some(ts),
                format!("history timestamp {}", date_problem(&e, ts)),
            );
        }
    });
    c.each_engagement_timestamp(&mut |ts| {
        if let Err(e) = parse_millis(ts) {
            let what = format!("{} timestamp", key::ENGAGEMENTS);
            add.add(Some(&what), Some(ts), date_problem(&e, ts));
        }
    });
}

/// Adds the warnings of one contact: cells that a spreadsheet opening the
/// export (or a CSV of it) would run as formulas: property values,
/// association id cells, and property names (CSV headers, reported once
/// per file).
struct Warner<'c> {
    file: &'c str,
    at: Place,
    id: &'c str,
    names_seen: &'c mut HashSet<String>,
    names_met: &'c mut Vec<usize>,
    warnings: &'c mut Vec<Problem>,
}

/// Whether a cell holds one of a spreadsheet's error values (`#N/A`,
/// `#REF!`, ...), which a workbook saves as the cell's text.
fn is_spreadsheet_error(v: &str) -> bool {
    const ERRORS: [&str; 8] = [
        "#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
    ];
    let v = v.trim();
    v.starts_with('#') && ERRORS.iter().any(|e| v.eq_ignore_ascii_case(e))
}

impl Warner<'_> {
    fn warn(&mut self, property: &str, value: &str, what: &str) {
        let first = value.chars().next().map_or(String::new(), |ch| {
            format!("{ch:?}").trim_matches('\'').to_string()
        });
        self.warnings.push(Problem {
            file: self.file.into(),
            place: Some(self.at.to_string()),
            record: Some(self.id.to_string()),
            property: Some(property.into()),
            value: Some(value.into()),
            problem: format!(
                "{what} starts with '{first}': spreadsheets run it as a formula when they open the export as CSV or XLSX; it is kept as it is (--sanitize-formulas in merge, apply or unmerge writes it with a leading ')"
            ),
        });
    }

    /// A property's name and value.
    fn property(&mut self, name: &str, value: Option<&str>) {
        if is_formula(name) && self.names_seen.insert(name.to_string()) {
            self.names_met.push(self.warnings.len());
            self.warn(
                name,
                name,
                "the property name (a CSV column header; first met here)",
            );
        }
        if let Some(v) = value.filter(|v| is_formula(v)) {
            self.warn(name, v, "the value");
        }
        if let Some(v) = value.filter(|v| is_spreadsheet_error(v)) {
            self.warnings.push(Problem {
                file: self.file.into(),
                place: Some(self.at.to_string()),
                record: Some(self.id.to_string()),
                property: Some(name.into()),
                value: Some(v.into()),
                problem: "is a spreadsheet's error value (a formula that failed when the file was saved), not data: a merge would take it as a value; correct or clear it".into(),
            });
        }
    }

    /// The record id (when no property holds it) and the association cells.
    fn id_and_associations(&mut self, c: &impl Fields) {
        if !c.has_property("hs_object_id") && is_formula(c.id()) {
            self.warn("hs_object_id", c.id(), "the record id");
        }
        c.each_association_cell(&mut |kind, cell| {
            if is_formula(cell) {
                self.warn(
                    &format!("associations.{kind}"),
                    cell,
                    "the association id cell",
                );
            }
        });
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
            {"id":"1","properties":{"email":"not-an-email","hs_additional_emails":"ok@x.com;bad@","lifecyclestage":"partner","createdate":"yesterday","num_conversion_events":"three","hs_marketable_status":"maybe"},"createdAt":"soon","propertiesWithHistory":{"email":[{"value":"x","timestamp":"never"}]},"engagements":[{"id":"e1","timestamp":1709287200000},{"id":"e2","timestamp":"garbage"},"odd"]},
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
                // The timeline rule orders by it (the merge refused it,
                // check passed it).
                (Some("engagements timestamp"), Some("garbage")),
                (None, Some("1")),
            ]
        );
        assert!(p[9].problem.starts_with("duplicate id"));
        assert_eq!(p[9].place.as_deref(), Some("contact 2"));
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
        // Records read, the one that cannot be read included.
        assert_eq!(r.contacts, 2);
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
        assert_eq!(r.contacts, 4);
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
        assert_eq!(r.contacts, 1);
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
        assert_eq!(r.contacts, 4);
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

#[cfg(test)]
mod tuning_tests;
