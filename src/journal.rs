//! The merge journal (SPEC section 6): JSON Lines, one entry per merge,
//! holding both contacts before the merge, the result and the decision for
//! each property. `unmerge --restore` and audits read it.
//!
//! One line, keys always in this order:
//!
//! ```text
//! {"mergeTime":"2024-03-01T10:00:00.000Z","policy":"most-recent","primaryId":"1",
//!  "secondaryId":"2","secondaryIndex":5,"planLine":3,"primary":{...},
//!  "secondary":{...},"merged":{...},"decisions":[...],"historyAdded":[...]}
//! ```
//!
//! `historyAdded` lists the history entries the merge added (`{"property",
//! "value", "timestamp", "sourceType"}`), and is left out when it added none,
//! so a line without history is as it was before the field.
//!
//! `secondaryIndex` is where the secondary stood in the export just before
//! the merge (restores put it back there); `planLine` is the plan line (or
//! JSON pair index) of a batch merge and is left out for a single merge.
//! Contacts are written exactly as the JSON export writes them.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::dates::{format_date, DateForm, Millis};
use crate::format::json::contact_from_value;
use crate::model::{value_as_text, Contact};
use crate::plan::Applied;
use crate::rules::history::{added_entries, AddedHistory};

/// One journal entry.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalEntry {
    /// The line it was read from (0 when it was not read from a file).
    pub line: u64,
    /// RFC 3339, milliseconds, UTC (`2024-03-01T10:00:00.000Z`).
    pub merge_time: String,
    /// `most-recent` or `primary-wins`.
    pub policy: String,
    /// The format of the export merged (`csv`, `xlsx`, `json`, `ndjson`),
    /// in journals written since 2026-12-07: a restore into an export
    /// whose values are written another way is refused.
    pub format: Option<String>,
    /// The contact that absorbed the other (in a batch, the id the pair
    /// resolved to), and the one merged away.
    pub primary_id: String,
    pub secondary_id: String,
    /// Where the secondary stood in the export just before the merge.
    pub secondary_index: Option<usize>,
    /// The plan line (or JSON pair index) of a batch merge.
    pub plan_line: Option<u64>,
    /// The primary and the secondary just before the merge, and the result.
    pub primary: Contact,
    pub secondary: Contact,
    pub merged: Contact,
    /// The decision for each property, as the merge engine wrote it; a
    /// decision with `"rule": "sum"` marks a summed counter.
    pub decisions: Vec<Value>,
}

impl JournalEntry {
    fn as_line(&self) -> Line<'_> {
        Line {
            merge_time: &self.merge_time,
            policy: &self.policy,
            format: self.format.as_deref(),
            primary_id: &self.primary_id,
            secondary_id: &self.secondary_id,
            secondary_index: self.secondary_index,
            plan_line: self.plan_line,
            primary: &self.primary,
            secondary: &self.secondary,
            merged: &self.merged,
            decisions: &self.decisions,
            history_added: added_entries(&self.primary, &self.secondary, &self.merged),
        }
    }

    /// Write the entry as one line.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        self.as_line().write(out)
    }

    /// The merge time in milliseconds since the epoch; `None` when it is
    /// not a date (an entry read from a file always has one).
    pub fn merge_millis(&self) -> Option<Millis> {
        crate::dates::parse_millis(&self.merge_time).ok()
    }

    /// The same merge as `other`, wherever either was read from (every
    /// field but the line).
    pub fn same_merge(&self, other: &JournalEntry) -> bool {
        self.merge_time == other.merge_time
            && self.primary_id == other.primary_id
            && self.secondary_id == other.secondary_id
            && self.secondary_index == other.secondary_index
            && self.plan_line == other.plan_line
            && self.policy == other.policy
            && self.primary == other.primary
            && self.secondary == other.secondary
            && self.merged == other.merged
            && self.decisions == other.decisions
    }

    /// The properties whose merged value is the sum of both contacts'.
    pub fn summed_properties(&self) -> impl Iterator<Item = &str> {
        self.decisions.iter().filter_map(|d| {
            match (d.get("rule").and_then(Value::as_str), d.get("property")) {
                (Some("sum"), Some(Value::String(p))) => Some(p.as_str()),
                _ => None,
            }
        })
    }
}

/// A journal line, borrowed, in the journal's key order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Line<'a> {
    merge_time: &'a str,
    policy: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'a str>,
    primary_id: &'a str,
    secondary_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    secondary_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan_line: Option<u64>,
    primary: &'a Contact,
    secondary: &'a Contact,
    merged: &'a Contact,
    decisions: &'a [Value],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    history_added: Vec<AddedHistory>,
}

impl Line<'_> {
    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer(&mut *out, self)?;
        out.write_all(b"\n")
    }
}

/// The part of a journal line that is the same wherever the merge falls in
/// the plan: both contacts before the merge, the result and the
/// decisions.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Contacts<'a> {
    primary: &'a Contact,
    secondary: &'a Contact,
    merged: &'a Contact,
    decisions: &'a [Value],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    history_added: Vec<AddedHistory>,
}

/// The heavy part of a merge's journal line (the contacts and the
/// decisions), encoded ahead, where the merge was made: a plan's merges run
/// on two threads, its journal lines are written on one, in plan order.
/// [`JournalWriter::record`] writes it as it would have written the
/// contacts itself.
pub fn encode_contacts(
    primary: &Contact,
    secondary: &Contact,
    merged: &Contact,
    decisions: &[Value],
) -> Vec<u8> {
    let mut out = serde_json::to_vec(&Contacts {
        primary,
        secondary,
        merged,
        decisions,
        history_added: added_entries(primary, secondary, merged),
    })
    .expect("contacts always serialize");
    // The fields without the braces, to follow the line's first fields.
    out.pop();
    out.remove(0);
    out
}

/// The fields of a journal line before the contacts.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Head<'a> {
    merge_time: &'a str,
    policy: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'a str>,
    primary_id: &'a str,
    secondary_id: &'a str,
    secondary_index: usize,
    plan_line: u64,
}

/// Writes journal entries for the merges of one run (one merge time, one
/// policy).
pub struct JournalWriter<W: Write> {
    out: W,
    merge_time: String,
    policy: String,
    format: Option<&'static str>,
}

impl<W: Write> JournalWriter<W> {
    /// `policy` as the command line spells it (`most-recent`,
    /// `primary-wins`).
    pub fn new(out: W, merge_time: Millis, policy: &str) -> Self {
        JournalWriter {
            out,
            merge_time: format_date(merge_time, DateForm::Iso),
            policy: policy.to_string(),
            format: None,
        }
    }

    /// Record that the merges are of an export in `format`.
    pub fn for_format(mut self, format: crate::format::Format) -> Self {
        self.format = Some(format_name(format));
        self
    }

    /// Record a merge of a plan (see [`crate::plan::apply_plan`]).
    pub fn record(&mut self, a: &Applied<'_>) -> io::Result<()> {
        if let Some(contacts) = a.encoded {
            let mut head = serde_json::to_vec(&Head {
                merge_time: &self.merge_time,
                policy: &self.policy,
                format: self.format,
                primary_id: a.primary_id,
                secondary_id: a.secondary_id,
                secondary_index: a.secondary_index,
                plan_line: a.line,
            })?;
            head.pop();
            head.push(b',');
            self.out.write_all(&head)?;
            self.out.write_all(contacts)?;
            return self.out.write_all(b"}\n");
        }
        Line {
            merge_time: &self.merge_time,
            policy: &self.policy,
            format: self.format,
            primary_id: a.primary_id,
            secondary_id: a.secondary_id,
            secondary_index: Some(a.secondary_index),
            plan_line: Some(a.line),
            primary: a.primary,
            secondary: a.secondary,
            merged: a.merged,
            decisions: a.decisions,
            history_added: added_entries(a.primary, a.secondary, a.merged),
        }
        .write(&mut self.out)
    }

    /// Record a single merge (no plan): the secondary stood at
    /// `secondary_index` before it.
    pub fn record_single(
        &mut self,
        primary: &Contact,
        secondary: &Contact,
        secondary_index: usize,
        merged: &Contact,
        decisions: &[Value],
    ) -> io::Result<()> {
        Line {
            merge_time: &self.merge_time,
            policy: &self.policy,
            format: self.format,
            primary_id: &primary.id,
            secondary_id: &secondary.id,
            secondary_index: Some(secondary_index),
            plan_line: None,
            primary,
            secondary,
            merged,
            decisions,
            history_added: added_entries(primary, secondary, merged),
        }
        .write(&mut self.out)
    }

    /// Flush and give back the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A journal read from a file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Journal {
    /// The journal file, for messages.
    pub file: String,
    /// The entries, oldest first.
    pub entries: Vec<JournalEntry>,
}

/// A merge's time and contacts (merge time, primary, secondary).
type MergeKey<'a> = (&'a str, &'a str, &'a str);

/// A merge's contacts (primary, secondary).
type Pair<'a> = (&'a str, &'a str);

/// The merges whose record a merge's contacts already held before it:
/// (its primary, each id in the primary's `hs_merged_object_ids`), and the
/// same for its secondary. A merge recording one of those came first,
/// whatever the merge times say.
fn held_before(e: &JournalEntry) -> impl Iterator<Item = Pair<'_>> {
    fn of<'a>(c: &'a Contact, id: &'a str) -> impl Iterator<Item = Pair<'a>> {
        crate::model::split_multi(c.prop(crate::plan::MERGED_IDS).unwrap_or(""))
            .map(move |m| (id, m))
    }
    of(&e.primary, &e.primary_id).chain(of(&e.secondary, &e.secondary_id))
}

/// The merges of several journals as one history, oldest first: each
/// journal keeps its own order (a journal is appended to, so a line below
/// another is a later merge whatever its merge time says), and the
/// journals interleave by merge time; at equal times the journal given
/// first comes first. What the journals record overrules the merge times:
/// a merge whose primary (or secondary) already listed an id in
/// `hs_merged_object_ids` comes after the merge of that id into it that
/// another journal records (a run given an earlier `--merge-time` than
/// the run before it, or journals named newest first). A merge that two
/// journals given both hold, identical, is the same merge and counts once
/// (the same journal given twice, or a copy of it); twice in one journal,
/// it was made twice.
pub fn merges_in_order(journals: &[Journal]) -> Vec<(&Journal, &JournalEntry)> {
    let total = journals.iter().map(|j| j.entries.len()).sum();
    let mut out: Vec<(&Journal, &JournalEntry)> = Vec::with_capacity(total);
    let mut next = vec![0usize; journals.len()];
    let times: Vec<Vec<Option<Millis>>> = journals
        .iter()
        .map(|j| j.entries.iter().map(JournalEntry::merge_millis).collect())
        .collect();
    // The merges kept so far, by time and contacts, with their journal.
    let mut seen: HashMap<MergeKey<'_>, Vec<(usize, &JournalEntry)>> = HashMap::new();
    // The merges of each journal not taken yet, by contacts, and those
    // taken.
    let mut pending: Vec<HashMap<Pair<'_>, usize>> = journals
        .iter()
        .map(|j| {
            let mut m = HashMap::new();
            for e in &j.entries {
                *m.entry((e.primary_id.as_str(), e.secondary_id.as_str()))
                    .or_insert(0) += 1;
            }
            m
        })
        .collect();
    let mut taken: std::collections::HashSet<Pair<'_>> = std::collections::HashSet::new();
    // For each journal's next merge, the merges it held before that
    // another journal still has to give (worked out when it became the
    // next; the list only shrinks).
    let mut waits: Vec<Option<Vec<Pair<'_>>>> = vec![None; journals.len()];
    loop {
        let heads: Vec<usize> = (0..journals.len())
            .filter(|&k| next[k] < journals[k].entries.len())
            .collect();
        if heads.is_empty() {
            break;
        }
        let several = heads.len() > 1;
        for &k in &heads {
            let elsewhere = |p: &Pair<'_>, pending: &[HashMap<Pair<'_>, usize>]| -> bool {
                (0..journals.len()).any(|j| j != k && pending[j].get(p).is_some_and(|&n| n > 0))
            };
            let w = waits[k].get_or_insert_with(|| match several {
                true => held_before(&journals[k].entries[next[k]])
                    .filter(|p| !taken.contains(p) && elsewhere(p, &pending))
                    .collect(),
                false => Vec::new(),
            });
            w.retain(|p| !taken.contains(p) && elsewhere(p, &pending));
        }
        // The oldest next merge that waits for none (the first journal
        // given at equal times); when every one waits, the journals
        // disagree, and the merge times decide.
        let by_time = |&k: &usize| (times[k][next[k]], k);
        let k = heads
            .iter()
            .copied()
            .filter(|&k| waits[k].as_ref().is_none_or(Vec::is_empty))
            .min_by_key(by_time)
            .or_else(|| heads.iter().copied().min_by_key(by_time))
            .expect("heads is not empty");
        let e = &journals[k].entries[next[k]];
        next[k] += 1;
        waits[k] = None;
        let pair = (e.primary_id.as_str(), e.secondary_id.as_str());
        if let Some(n) = pending[k].get_mut(&pair) {
            *n -= 1;
        }
        taken.insert(pair);
        let key = (e.merge_time.as_str(), pair.0, pair.1);
        let same = seen.entry(key).or_default();
        if same.iter().any(|&(j, other)| j != k && other.same_merge(e)) {
            continue;
        }
        same.push((k, e));
        out.push((&journals[k], e));
    }
    out
}

/// Why a journal could not be read. Every message names the journal file and
/// the line.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{file}: cannot read the journal: {err}; check the path")]
    Io { file: String, err: io::Error },
    #[error("{file}: line {line}: {what}")]
    Invalid {
        file: String,
        line: u64,
        what: String,
    },
}

/// Read a journal file (`-` is stdin).
pub fn read_journal(path: &Path) -> Result<Journal, JournalError> {
    let (file, res) = crate::format::read_input(path);
    let bytes = res.map_err(|err| JournalError::Io {
        file: file.clone(),
        err,
    })?;
    parse_journal(&bytes, &file)
}

/// Read a journal held in memory; `file` names it in messages. Blank lines
/// are skipped.
pub fn parse_journal(bytes: &[u8], file: &str) -> Result<Journal, JournalError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut entries = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let n = i as u64 + 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        entries.push(parse_entry(line, n).map_err(|what| JournalError::Invalid {
            file: file.into(),
            line: n,
            what,
        })?);
    }
    Ok(Journal {
        file: file.into(),
        entries,
    })
}

const NOT_A_JOURNAL: &str = "is this a journal written by `contact-merge apply --journal`?";

/// Why one line is not a journal line (as [`parse_journal`] would read it).
pub fn line_problem(line: &[u8]) -> Option<String> {
    parse_entry(line, 0).err()
}

fn parse_entry(line: &[u8], n: u64) -> Result<JournalEntry, String> {
    let mut obj = parse_object(line)?;
    let merge_time = text_field(&obj, "mergeTime")?;
    let policy = text_field(&obj, "policy")?;
    let format = obj.get("format").and_then(Value::as_str).map(String::from);
    let primary_id = text_field(&obj, "primaryId")?;
    let secondary_id = text_field(&obj, "secondaryId")?;
    let secondary_index = number_field(&obj, "secondaryIndex")?.map(|i| i as usize);
    let plan_line = number_field(&obj, "planLine")?;
    let primary = take_contact(&mut obj, "primary", &primary_id)?;
    let secondary = take_contact(&mut obj, "secondary", &secondary_id)?;
    let merged = take_contact(&mut obj, "merged", &primary_id)?;
    let decisions = match obj.get_mut("decisions").map(Value::take) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(d)) => d,
        Some(other) => return Err(format!("\"decisions\" must be a list, found {other}")),
    };
    if crate::dates::parse_millis(&merge_time).is_err() {
        return Err(format!(
            "\"mergeTime\" is {merge_time:?}, not a date (RFC 3339, like 2024-03-01T10:00:00.000Z); {NOT_A_JOURNAL}"
        ));
    }
    Ok(JournalEntry {
        line: n,
        merge_time,
        policy,
        format,
        primary_id,
        secondary_id,
        secondary_index,
        plan_line,
        primary,
        secondary,
        merged,
        decisions,
    })
}

/// A format as the journal names it.
pub fn format_name(format: crate::format::Format) -> &'static str {
    use crate::format::Format;
    match format {
        Format::Json => "json",
        Format::Ndjson => "ndjson",
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
    }
}

/// Whether exports in formats `a` and `b` (as the journal names them)
/// write their values the same way: a spreadsheet's (CSV, XLSX: labels,
/// its date forms) or the API's (JSON, JSON Lines: internal values).
pub fn same_value_forms(a: &str, b: &str) -> bool {
    let sheet = |f: &str| matches!(f, "csv" | "xlsx");
    sheet(a) == sheet(b)
}

/// A journal line as a JSON object: UTF-8, well formed, no key twice.
fn parse_object(line: &[u8]) -> Result<Map<String, Value>, String> {
    let text = std::str::from_utf8(line)
        .map_err(|_| "the line is not valid UTF-8; the journal looks damaged".to_string())?;
    let (value, repeated) = crate::format::value::parse(text).map_err(|e| {
        format!(
            "malformed JSON at column {}: {e}; each line of a journal is one JSON object",
            e.column()
        )
    })?;
    // A key written twice would make the line say two things: which one the
    // merge recorded cannot be told.
    if let Some(r) = repeated.first() {
        let place = match r.path_from(0) {
            p if p.is_empty() => String::new(),
            p => format!(" in {p}"),
        };
        return Err(format!(
            "the key \"{}\" is written twice{place}; the journal looks edited: use the journal the merge wrote",
            r.key
        ));
    }
    match value {
        Value::Object(obj) => Ok(obj),
        value => Err(format!(
            "expected a JSON object (one merge), found {value}; {NOT_A_JOURNAL}"
        )),
    }
}

/// A text field of an entry, not blank.
fn text_field(obj: &Map<String, Value>, key: &str) -> Result<String, String> {
    obj.get(key)
        .and_then(value_as_text)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| format!("\"{key}\" is missing or not text; {NOT_A_JOURNAL}"))
}

/// A whole-number field of an entry, if it has one.
fn number_field(obj: &Map<String, Value>, key: &str) -> Result<Option<u64>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("\"{key}\" must be a whole number, found {v}")),
    }
}

/// One of the entry's contacts, taken out of it; it must have the id the
/// entry names for it.
fn take_contact(obj: &mut Map<String, Value>, key: &str, id: &str) -> Result<Contact, String> {
    let v = obj
        .get_mut(key)
        .map(Value::take)
        .ok_or_else(|| format!("\"{key}\" (a contact) is missing; {NOT_A_JOURNAL}"))?;
    let c = contact_from_value(v).map_err(|e| format!("\"{key}\": {}", e.what))?;
    if c.id != id {
        return Err(format!(
            "\"{key}\" is contact {} but the entry names {id}; the journal looks edited by hand",
            c.id
        ));
    }
    Ok(c)
}

#[cfg(test)]
mod tests;
