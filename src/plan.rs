//! Merge plans (SPEC section 6): reading them, following merged-away ids
//! through earlier merges, and applying a whole plan to an export, all or
//! nothing or `--keep-going`.
//!
//! A plan is CSV with a `primary_id,secondary_id` header (extra columns such
//! as `score,reasons` are ignored) or JSON `[{"primary": "...", "secondary":
//! "..."}]`. Every pair keeps where it stands in the plan: its CSV line, or
//! for a JSON plan its 1-based index in the array ("pair 3").

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::io;
use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

pub use crate::merge::Primary;
use crate::model::{split_multi, Contact, Export, Layout};
use crate::warning::{Warning, WarningKind};

/// The format of a plan file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanFormat {
    Csv,
    Json,
}

impl PlanFormat {
    /// The format a file's extension names (`.csv`, `.json`), if any.
    pub fn from_path(path: &Path) -> Option<PlanFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(PlanFormat::Csv),
            "json" => Some(PlanFormat::Json),
            _ => None,
        }
    }

    /// Guess the format from the content: JSON when it opens with `[` or
    /// `{`, else CSV.
    pub fn sniff(bytes: &[u8]) -> PlanFormat {
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match text.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[' | b'{') => PlanFormat::Json,
            _ => PlanFormat::Csv,
        }
    }
}

/// One pair of a plan: merge `secondary` into `primary`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// The CSV line of the pair, or for a JSON plan its 1-based index.
    pub line: u64,
    pub primary: String,
    pub secondary: String,
}

/// A plan: its pairs in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The plan file, for messages.
    pub file: String,
    pub format: PlanFormat,
    pub pairs: Vec<Pair>,
}

impl Plan {
    /// A CSV plan of these (primary, secondary) pairs, as a file under a
    /// header row would hold them (the first pair on line 2).
    pub fn csv<P: Into<String>, S: Into<String>>(
        file: &str,
        pairs: impl IntoIterator<Item = (P, S)>,
    ) -> Plan {
        Plan {
            file: file.into(),
            format: PlanFormat::Csv,
            pairs: pairs
                .into_iter()
                .enumerate()
                .map(|(i, (p, s))| Pair {
                    line: i as u64 + 2,
                    primary: p.into(),
                    secondary: s.into(),
                })
                .collect(),
        }
    }

    /// Where a pair stands, for messages: "line 4" (CSV) or "pair 4" (JSON,
    /// the pair's 1-based index in the array).
    pub fn place(&self, line: u64) -> String {
        match self.format {
            PlanFormat::Csv => format!("line {line}"),
            PlanFormat::Json => format!("pair {line}"),
        }
    }
}

/// Why a plan could not be read. Every message names the plan file and,
/// where known, the line or pair, the bad value and what to do.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{file}: cannot read the plan: {err}; check the path")]
    Io { file: String, err: io::Error },
    #[error("{file}: line {line}: the plan is not valid UTF-8; save it as UTF-8 and try again")]
    NotUtf8 { file: String, line: u64 },
    #[error("{file}: the plan is empty; expected a CSV plan with the header primary_id,secondary_id or a JSON list [{{\"primary\": \"...\", \"secondary\": \"...\"}}]")]
    Empty { file: String },
    #[error("{file}: line 1: the header has no {missing} column (found {found:?}); the first line of a CSV plan must name the columns, e.g. primary_id,secondary_id")]
    MissingHeader {
        file: String,
        /// `primary_id` or `secondary_id`.
        missing: &'static str,
        found: String,
    },
    #[error("{file}: {place}: {what}")]
    Invalid {
        file: String,
        /// "line 4", "pair 3 (entry 3 of the JSON list)", ...
        place: String,
        what: String,
    },
}

const PRIMARY_COLUMN: &str = "primary_id";
const SECONDARY_COLUMN: &str = "secondary_id";

/// Read a plan file (`-` is stdin), in the format its extension names, else
/// the one its content looks like.
pub fn read_plan(path: &Path) -> Result<Plan, PlanError> {
    let (file, res) = crate::format::read_input(path);
    let bytes = res.map_err(|err| PlanError::Io {
        file: file.clone(),
        err,
    })?;
    parse_plan(&bytes, &file, PlanFormat::from_path(path))
}

/// Read a plan held in memory; `file` names it in messages; without a
/// format the content decides.
pub fn parse_plan(bytes: &[u8], file: &str, format: Option<PlanFormat>) -> Result<Plan, PlanError> {
    let text = std::str::from_utf8(bytes).map_err(|e| PlanError::NotUtf8 {
        file: file.into(),
        line: bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1,
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(PlanError::Empty { file: file.into() });
    }
    let format = format.unwrap_or_else(|| PlanFormat::sniff(text.as_bytes()));
    let pairs = match format {
        PlanFormat::Csv => csv_pairs(text, file)?,
        PlanFormat::Json => json_pairs(text, file)?,
    };
    Ok(Plan {
        file: file.into(),
        format,
        pairs,
    })
}

fn csv_pairs(text: &str, file: &str) -> Result<Vec<Pair>, PlanError> {
    let invalid = |line: u64, what: String| PlanError::Invalid {
        file: file.into(),
        place: format!("line {line}"),
        what,
    };
    if let Some(line) = crate::format::csv::open_quote_line(text.as_bytes()) {
        return Err(invalid(
            line as u64,
            "a quoted field is still open at the end of the file: the plan looks truncated; write or download it again".into(),
        ));
    }
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = ::csv::StringRecord::new();
    let mut lines = crate::format::csv::LineCounter::new(text);
    let mut read = |record: &mut ::csv::StringRecord,
                    lines: &mut crate::format::csv::LineCounter| {
        rdr.read_record(record).map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
            invalid(line, format!("malformed CSV: {e}"))
        })
    };
    if !read(&mut record, &mut lines)? {
        return Err(PlanError::Empty { file: file.into() });
    }
    let column = |name: &'static str| {
        let mut found = record
            .iter()
            .enumerate()
            .filter(|(_, h)| h.trim().eq_ignore_ascii_case(name))
            .map(|(i, _)| i);
        let first = found.next().ok_or_else(|| PlanError::MissingHeader {
            file: file.into(),
            missing: name,
            found: record.iter().collect::<Vec<_>>().join(","),
        })?;
        match found.next() {
            Some(again) => Err(invalid(
                1,
                format!(
                    "columns {} and {} are both {name}; which ids would be merged? remove one of them",
                    first + 1,
                    again + 1
                ),
            )),
            None => Ok(first),
        }
    };
    let (pc, sc) = (column(PRIMARY_COLUMN)?, column(SECONDARY_COLUMN)?);
    let mut pairs = Vec::new();
    while read(&mut record, &mut lines)? {
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        let id = |col: usize, name: &str| {
            match record.get(col).map(str::trim) {
            Some(id) if !id.is_empty() => Ok(id.to_string()),
            Some(_) => Err(invalid(
                line,
                format!("{name} is empty; every row needs both ids: fill it in or remove the line"),
            )),
            None => Err(invalid(
                line,
                format!(
                    "the row has {} field(s) and no {name}; every row needs both ids: fix or remove the line",
                    record.len()
                ),
            )),
        }
        };
        pairs.push(Pair {
            line,
            primary: id(pc, PRIMARY_COLUMN)?,
            secondary: id(sc, SECONDARY_COLUMN)?,
        });
    }
    Ok(pairs)
}

/// A number written as a whole number (digits, perhaps after a minus),
/// however large: serde_json keeps the digits as read.
fn is_whole(n: &serde_json::Number) -> bool {
    let text = n.to_string();
    let digits = text.strip_prefix('-').unwrap_or(&text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn json_pairs(text: &str, file: &str) -> Result<Vec<Pair>, PlanError> {
    let (doc, repeated) = crate::format::value::parse(text).map_err(|e| {
        let what = e.to_string();
        let what = match what.rfind(" at line ") {
            Some(i) => what[..i].to_string(),
            None => what,
        };
        PlanError::Invalid {
            file: file.into(),
            place: format!("line {}, column {}", e.line(), e.column()),
            what: format!("malformed JSON: {what}; a JSON plan is a list [{{\"primary\": \"...\", \"secondary\": \"...\"}}, ...]"),
        }
    })?;
    let Value::Array(items) = doc else {
        return Err(PlanError::Invalid {
            file: file.into(),
            place: "top level".into(),
            what: "expected a list [{\"primary\": \"...\", \"secondary\": \"...\"}, ...]".into(),
        });
    };
    // A pair with "primary" twice would merge one of the two silently.
    if let Some(r) = repeated.first() {
        let place = match r.path.first() {
            Some(crate::format::value::Step::Index(i)) => {
                format!("pair {n} (entry {n} of the JSON list)", n = i + 1)
            }
            _ => "top level".into(),
        };
        return Err(PlanError::Invalid {
            file: file.into(),
            place,
            what: format!(
                "the key {} appears more than once in one object; a key may appear once in a JSON object: keep the right one and remove the other",
                Value::String(r.key.clone())
            ),
        });
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let n = i as u64 + 1;
            let invalid = |what: String| PlanError::Invalid {
                file: file.into(),
                place: format!("pair {n} (entry {n} of the JSON list)"),
                what,
            };
            let Value::Object(obj) = item else {
                return Err(invalid(format!(
                    "expected {{\"primary\": \"...\", \"secondary\": \"...\"}}, found {item}"
                )));
            };
            let id = |key: &str| match obj.get(key) {
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
                // Ids are text: a whole number of any size, as written.
                Some(Value::Number(n)) if is_whole(n) => Ok(n.to_string()),
                None => Err(invalid(format!(
                    "\"{key}\" is missing; every pair needs \"primary\" and \"secondary\" record ids"
                ))),
                Some(other) => Err(invalid(format!(
                    "\"{key}\" is {other}; expected a record id (a non-empty string or a whole number)"
                ))),
            };
            Ok(Pair {
                line: n,
                primary: id("primary")?,
                secondary: id("secondary")?,
            })
        })
        .collect()
}

/// Merged-away id → the id of the contact that absorbed it. Following a
/// chain (A into B, then B into C) gives the contact that holds A today.
/// Lookups compress the paths they walk, so long chains stay cheap.
#[derive(Debug, Clone, Default)]
pub struct Redirects {
    to: rustc_hash::FxHashMap<String, String>,
}

impl Redirects {
    pub fn new() -> Self {
        Self::default()
    }

    /// Room for `n` redirects (a plan of `n` pairs makes at most `n`).
    pub fn with_capacity(n: usize) -> Self {
        Redirects {
            to: rustc_hash::FxHashMap::with_capacity_and_hasher(n, Default::default()),
        }
    }

    /// The redirects HubSpot keeps for merges made before the export: every
    /// id in a contact's `hs_merged_object_ids` that is not itself a
    /// contact of the export points at that contact (the first one, in
    /// export order, when several claim it).
    pub fn from_export(export: &Export) -> Self {
        let live: std::collections::HashSet<&str> =
            export.contacts.iter().map(|c| c.id.as_str()).collect();
        Self::seeded(&export.contacts, |id| live.contains(id))
    }

    /// [`Redirects::from_export`] with the export's ids already indexed.
    pub(crate) fn seeded(contacts: &[Contact], is_contact: impl Fn(&str) -> bool) -> Self {
        let mut r = Redirects::new();
        for c in contacts {
            for id in split_multi(c.prop(MERGED_IDS).unwrap_or("")) {
                if !is_contact(id) && !r.to.contains_key(id) {
                    r.to.insert(id.to_string(), c.id.clone());
                }
            }
        }
        r
    }

    /// Record that `from` was merged into `to`.
    pub fn record(&mut self, from: &str, to: &str) {
        if from != to {
            self.to.insert(from.to_string(), to.to_string());
        }
    }

    /// Where an id was merged into, directly (one step), if it was.
    pub fn target(&self, id: &str) -> Option<&str> {
        self.to.get(id).map(String::as_str)
    }

    /// The id an id stands for today: itself when it was never merged away,
    /// else the end of its chain of redirects.
    pub fn resolve<'i>(&mut self, id: &'i str) -> Cow<'i, str> {
        let Some(first) = self.to.get(id) else {
            // Most ids were never merged away.
            return Cow::Borrowed(id);
        };
        let mut end = first.as_str();
        // A chain can be no longer than the number of redirects; the bound
        // keeps a malformed cycle from looping forever.
        for _ in 0..self.to.len() {
            match self.to.get(end) {
                Some(next) => end = next,
                None => break,
            }
        }
        let end = end.to_string();
        // Point every id on the path straight at the end.
        let mut cur = id.to_string();
        while let Some(next) = self.to.get(&cur).cloned() {
            if next == end {
                break;
            }
            self.to.insert(cur, end.clone());
            cur = next;
        }
        Cow::Owned(end)
    }
}

pub use crate::rules::properties::MERGED_OBJECT_IDS as MERGED_IDS;
pub use crate::rules::DEFAULT_MAX_MERGES;

/// The type of `on_applied` for a run without a journal:
/// `None::<NoJournal>`.
pub type NoJournal = fn(&Applied<'_>) -> io::Result<()>;

/// What the merge step gives back for one pair.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeStep {
    /// The merged contact; it keeps the primary's id.
    pub merged: Contact,
    /// The per-property decisions, as JSON (for the journal).
    pub decisions: Vec<Value>,
    /// Warnings for the report (Salesforce ids, active lists, ...).
    pub warnings: Vec<Warning>,
    /// The journal's encoding of both contacts, the result and the
    /// decisions ([`crate::journal::encode_contacts`]), when the step makes
    /// it: made where the merge runs, on either thread, and written as it
    /// is when the journal records the merge.
    pub journal: Option<Vec<u8>>,
}

/// How to apply a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Apply the good pairs and skip the bad ones, instead of refusing the
    /// whole plan.
    pub keep_going: bool,
    /// Refuse a pair whose two contacts together already took part in this
    /// many merges.
    pub max_merges: usize,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            keep_going: false,
            max_merges: DEFAULT_MAX_MERGES,
        }
    }
}

/// One merge as it was applied: what the journal records.
#[derive(Debug, Clone, Copy)]
pub struct Applied<'a> {
    /// The pair's plan line (or index, for JSON plans).
    pub line: u64,
    /// The ids the pair resolved to.
    pub primary_id: &'a str,
    pub secondary_id: &'a str,
    /// Where the secondary stood in the export just before this merge;
    /// putting it back there after undoing every later merge restores the
    /// export's order exactly.
    pub secondary_index: usize,
    /// Both contacts just before the merge, and the result.
    pub primary: &'a Contact,
    pub secondary: &'a Contact,
    pub merged: &'a Contact,
    pub decisions: &'a [Value],
    /// The merge step's encoding of the contacts and decisions for the
    /// journal, if it made one ([`MergeStep::journal`]).
    pub encoded: Option<&'a [u8]>,
}

/// Why a pair cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PairProblem {
    /// An id is not in the export (nor merged into one of its contacts).
    Missing { id: String, side: Side },
    /// Both sides name the same id.
    SameId { id: String },
    /// Both sides resolve to one contact through earlier merges.
    SameContact { id: String },
    /// The two contacts together already took part in `count` merges.
    OverLimit { count: usize, max: usize },
    /// The merge rules refused the pair.
    Refused { message: String },
}

/// The side of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Primary,
    Secondary,
}

impl PairProblem {
    /// A short machine-readable name.
    pub fn kind(&self) -> &'static str {
        match self {
            PairProblem::Missing { .. } => "missing-id",
            PairProblem::SameId { .. } => "same-id",
            PairProblem::SameContact { .. } => "same-contact",
            PairProblem::OverLimit { .. } => "merge-limit",
            PairProblem::Refused { .. } => "refused",
        }
    }
}

impl std::fmt::Display for PairProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PairProblem::Missing { id, side } => {
                let side = match side {
                    Side::Primary => "primary",
                    Side::Secondary => "secondary",
                };
                write!(
                    f,
                    "the {side} id {id} is not a contact of the export; check the id or remove the pair"
                )
            }
            PairProblem::SameId { id } => write!(
                f,
                "names contact {id} on both sides; a contact cannot be merged into itself: remove the pair"
            ),
            PairProblem::SameContact { id } => write!(
                f,
                "both ids resolve to contact {id} through earlier merges, so they are one contact already: remove the pair"
            ),
            PairProblem::OverLimit { count, max } => write!(
                f,
                "the two contacts together already took part in {count} merges (hs_merged_object_ids) and the limit is {max}; HubSpot would refuse this merge: remove the pair (or raise the limit with --max-merges)"
            ),
            PairProblem::Refused { message } => write!(f, "{message}"),
        }
    }
}

/// A pair that was not applied, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPair {
    /// The CSV line, or for a JSON plan the pair's 1-based index.
    pub line: u64,
    /// "line 4" or "pair 4".
    pub place: String,
    /// The ids as the plan gives them.
    pub primary: String,
    pub secondary: String,
    /// The ids they resolve to through earlier merges, when they resolve to
    /// a contact of the export.
    pub resolved_primary: Option<String>,
    pub resolved_secondary: Option<String>,
    pub problem: PairProblem,
}

impl std::fmt::Display for BadPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} ← {}", self.place, self.primary, self.secondary)?;
        let moved = |given: &str, resolved: &Option<String>| {
            resolved
                .as_deref()
                .filter(|r| *r != given)
                .map(str::to_string)
        };
        let rp = moved(&self.primary, &self.resolved_primary);
        let rs = moved(&self.secondary, &self.resolved_secondary);
        if rp.is_some() || rs.is_some() {
            write!(
                f,
                " (now {} ← {})",
                rp.as_deref().unwrap_or(&self.primary),
                rs.as_deref().unwrap_or(&self.secondary)
            )?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl Serialize for BadPair {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(8))?;
        m.serialize_entry("line", &self.line)?;
        m.serialize_entry("place", &self.place)?;
        m.serialize_entry("primary", &self.primary)?;
        m.serialize_entry("secondary", &self.secondary)?;
        m.serialize_entry("resolvedPrimary", &self.resolved_primary)?;
        m.serialize_entry("resolvedSecondary", &self.resolved_secondary)?;
        m.serialize_entry("kind", self.problem.kind())?;
        m.serialize_entry("reason", &self.problem.to_string())?;
        m.end()
    }
}

/// A warning the merge step gave for one pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairWarning {
    pub line: u64,
    pub primary: String,
    pub secondary: String,
    pub kind: WarningKind,
    pub warning: String,
}

/// What applying a plan did (`--format json` writes it as is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyReport {
    pub plan: String,
    /// For a JSON plan a pair's `line` is its 1-based index in the list.
    pub plan_format: PlanFormat,
    /// Pairs in the plan.
    pub pairs: usize,
    /// Pairs merged (0 when an all-or-nothing plan was refused).
    pub applied: usize,
    /// Pairs not applied, in plan order.
    pub skipped: Vec<BadPair>,
    pub warnings: Vec<PairWarning>,
}

/// Why a plan was not applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// All or nothing: some pairs are bad, so none was applied. The report
    /// lists every bad pair.
    #[error("{}", bad_pairs_message(.report))]
    BadPairs { report: ApplyReport },
    /// Recording a merge (the journal) failed.
    #[error("cannot write the journal: {0}")]
    Journal(io::Error),
}

fn bad_pairs_message(r: &ApplyReport) -> String {
    let mut s = format!(
        "{}: {} of {} cannot be applied, so none was (nothing written); fix or remove {}, or pass --keep-going to apply the others:",
        r.plan,
        r.skipped.len(),
        crate::text::count(r.pairs, "pair", "pairs"),
        if r.skipped.len() == 1 { "it" } else { "them" },
    );
    for b in &r.skipped {
        s.push_str("\n  ");
        s.push_str(&b.to_string());
    }
    s
}

/// Apply a plan to an export, pair by pair, in order.
///
/// Each pair's ids are resolved through the merges before it (and through
/// the `hs_merged_object_ids` of the export, HubSpot's own redirects). A pair
/// is bad when an id is missing, both resolve to one contact, the two
/// contacts are at the merge limit, or `merge` refuses it. `merge` gets the
/// export's layout and the two contacts, primary first, and returns the
/// merged contact (with the primary's id); `on_applied`, the journal if
/// there is one, sees every merge done (without it, the contacts as they
/// were before each merge are freed as soon as it is done).
///
/// All or nothing (the default): every pair is tried, skipping the bad ones,
/// so that every bad pair is listed; if there is one, the export is left as
/// it was and [`ApplyError::BadPairs`] lists them all. `on_applied` is not
/// called after the first bad pair, but may have been called before it:
/// write the journal to a temporary file and keep it only on success.
/// With `keep_going` the good pairs are applied and the bad ones reported.
///
/// Cost: one id → index map over the export, built once; merged contacts
/// are kept aside and merged-away ones marked, and the export is changed
/// only at the end (one pass), so a plan costs O(contacts + pairs × merge)
/// and the export is never copied.
pub fn apply_plan<M, J>(
    export: &mut Export,
    plan: &Plan,
    opts: &ApplyOptions,
    merge: M,
    on_applied: Option<J>,
) -> Result<ApplyReport, ApplyError>
where
    M: Fn(&Layout, Primary<'_>, &Contact) -> Result<MergeStep, String> + Sync,
    J: FnMut(&Applied<'_>) -> io::Result<()>,
{
    let (report, changed, removed) = {
        let mut work = Work::new(&export.contacts);
        let redirects = Redirects::seeded(&export.contacts, |id| work.index(id).is_some());
        let report = run_plan(
            &mut work,
            redirects,
            &export.layout,
            plan,
            opts,
            merge,
            on_applied,
        )?;
        let (changed, removed) = work.finish();
        (report, changed, removed)
    };
    for (i, c) in changed {
        export.contacts[i] = c;
    }
    if removed.iter().any(|&r| r) {
        let mut i = 0;
        export.contacts.retain(|_| {
            i += 1;
            !removed[i - 1]
        });
    }
    Ok(report)
}

/// The contacts a plan runs over: the whole export in memory
/// ([`apply_plan`]), or only the contacts the plan names, read from a file
/// ([`crate::stream`]). Contacts are numbered in export order.
pub trait Store<'a> {
    /// A contact taken out of the store, perhaps not parsed yet.
    type Taken: Send;
    /// The number of the contact with this id, while it is in the export.
    fn index(&self, id: &str) -> Option<usize>;
    /// How many contacts the store numbers.
    fn count(&self) -> usize;
    /// The position of a contact in the export as read (contacts merged
    /// away before it are counted off by [`run_plan`]).
    fn record(&self, i: usize) -> usize;
    /// Take a contact out, as it stands now, to merge it.
    fn checkout(&mut self, i: usize) -> Self::Taken;
    /// The contact taken out (parsing it if need be; any thread may call
    /// this).
    fn open(taken: Self::Taken) -> Cow<'a, Contact>;
    /// Put back a contact taken out (and opened) whose merge did not
    /// happen.
    fn checkin(&mut self, i: usize, opened: Cow<'a, Contact>);
    /// What the store makes of a merged contact before it is committed
    /// (encoding it, say), done on the merging threads. `named_later`:
    /// whether a later pair of the plan may name the merged contact (when
    /// not, it is only written out).
    type Prepared: Send;
    /// What the merging threads share with the store: what `prepare`
    /// needs to read.
    type Shared: Send + Sync;
    fn shared(&self) -> std::sync::Arc<Self::Shared>;
    fn prepare(shared: &Self::Shared, merged: &Contact, named_later: bool) -> Self::Prepared;
    /// Whether [`Store::commit`] needs the merged contact itself, not only
    /// what `prepare` made of it (when not, and nothing else needs it, it is
    /// freed on the thread that merged it).
    fn needs_contact(prepared: &Self::Prepared) -> bool;
    /// Whether [`Store::commit`] keeps the merged contact (rather than
    /// give it back).
    fn keeps_contact(&self, prepared: &Self::Prepared) -> bool;
    /// The merge happened: the primary is now `merged`, the secondary is
    /// gone. Gives back a contact the store no longer needs, for the caller
    /// to free where it costs least.
    fn commit(
        &mut self,
        pi: usize,
        si: usize,
        merged: Option<Contact>,
        prepared: Self::Prepared,
    ) -> Option<Contact>;
    /// The merge of the pair numbered `at` done before the plan ran (while
    /// the file was read), if there is one and its contacts were `pi` and
    /// `si` as read, still untouched. Asked at most once per pair, without
    /// a journal, for a merged contact no later pair names.
    fn take_early(&mut self, _at: usize, _pi: usize, _si: usize) -> Option<Early<Self::Prepared>> {
        None
    }
}

/// A merge done before the plan ran, as the store prepared it for a
/// merged contact that is only written out: a merge (`Merge`) without the
/// merged contact, whose room would make every checkout of a wave as
/// large (clippy measures 400 bytes against a few dozen).
pub struct Early<P> {
    pub decisions: Vec<Value>,
    pub warnings: Vec<Warning>,
    pub journal: Option<Vec<u8>>,
    pub prepared: P,
}

/// Run a plan over a store: the pair-by-pair logic of [`apply_plan`],
/// whatever holds the contacts. On success the store holds the result.
/// `on_applied` is the journal, if there is one: without it, the contacts
/// as they were before each merge are freed as soon as it is done.
///
/// The result is that of merging one pair after the other, but the merges
/// run on both cores, in waves. The plan is read a window ahead; a wave
/// takes every waiting pair of the window that touches no contact an
/// earlier waiting pair touches, its ids resolved as things stand. Such a
/// pair and the waiting pairs before it do not see each other: they touch
/// other contacts, and an id can only come to resolve to another contact
/// through a merge of the contact it resolves to now. So its merge is the
/// same now as after theirs. A wave's merges are committed to the store in
/// plan order as soon as they are done, and the pairs that waited for them
/// go in the next wave. Reporting, the journal and the positions it
/// records go strictly in plan order ("settling"), as far as no earlier
/// pair still waits.
pub fn run_plan<'a, S, M, J>(
    work: &mut S,
    mut redirects: Redirects,
    layout: &Layout,
    plan: &Plan,
    opts: &ApplyOptions,
    merge: M,
    on_applied: Option<J>,
) -> Result<ApplyReport, ApplyError>
where
    S: Store<'a>,
    M: Fn(&Layout, Primary<'_>, &Contact) -> Result<MergeStep, String> + Sync,
    J: FnMut(&Applied<'_>) -> io::Result<()>,
{
    let pairs = &plan.pairs;
    let keep_inputs = on_applied.is_some();
    let mut settler = Settler {
        plan,
        opts,
        report: ApplyReport {
            plan: plan.file.clone(),
            plan_format: plan.format,
            pairs: pairs.len(),
            applied: 0,
            skipped: Vec::new(),
            warnings: Vec::new(),
        },
        gone: Fenwick::new(work.count()),
        on_applied,
    };
    let mut last_use = LastUse::new(plan, &redirects, |id| work.index(id));
    let shared = work.shared();
    let merging = |t| merge_one::<S, M>(&shared, t, layout, opts, &merge, keep_inputs);
    let pool = Pool::new();
    std::thread::scope(|scope| {
        // Closed however this ends, so that the other thread stops.
        let _closing = Closing(&pool);
        // The other thread starts with the first wave worth it (a small
        // plan runs on this one).
        let mut serving = false;
        // With a journal, every pair merged while an earlier one waits keeps
        // both contacts and the result until it is journaled: a shorter
        // window bounds that (the journal's writing is the slow part then).
        let window_len = if keep_inputs { WINDOW / 8 } else { WINDOW };
        let mut window: VecDeque<Slot<'_, 'a>> = VecDeque::with_capacity(window_len);
        // Contacts merged by a pair not settled yet → that pair's number, to
        // check that no waiting pair before it reaches them.
        let mut merged_ahead: rustc_hash::FxHashMap<usize, usize> = Default::default();
        let mut next = 0;
        // Contacts no longer needed, freed on the other core while the next
        // wave merges.
        let mut garbage: Vec<Cow<'a, Contact>> = Vec::new();
        while next < pairs.len() || !window.is_empty() {
            while window.len() < window_len && next < pairs.len() {
                window.push_back(Slot {
                    at: next,
                    pair: &pairs[next],
                    state: State::Waiting,
                });
                next += 1;
            }
            let (picked, taken) = pick_wave(
                &mut window,
                work,
                &mut redirects,
                &mut last_use,
                &merged_ahead,
                !keep_inputs,
            );
            // Early merges are taken here as they are committed; the
            // merges go to the pool.
            let mut jobs = Vec::new();
            let taken: Vec<Job<_>> = taken
                .into_iter()
                .map(|t| match t {
                    Checkout::Early(_) => Job::Here(t),
                    Checkout::Open { .. } => {
                        jobs.push(t);
                        Job::Pool(jobs.len() - 1)
                    }
                })
                .collect();
            if !serving && jobs.len() >= PARALLEL_FROM {
                scope.spawn(|| pool.serve(&merging));
                serving = true;
            }
            pool.submit(jobs, std::mem::take(&mut garbage));
            // Commit the wave in plan order (merging here too while the next
            // merge is not done); settle as far as no pair waits.
            let mut fresh = picked.into_iter().zip(taken).peekable();
            let mut settling = true;
            for (k, slot) in window.iter_mut().enumerate() {
                if !settling && fresh.peek().is_none() {
                    // Nothing more to commit, nor to settle before a pair
                    // that waits.
                    break;
                }
                if let Some(((_, r), job)) = fresh.next_if(|((at, _), _)| *at == k) {
                    let done = match job {
                        Job::Pool(j) => pool.result(j, &merging),
                        Job::Here(t) => merging(t),
                    };
                    let ctx = Commit {
                        pair: slot.pair,
                        settling,
                    };
                    let (state, unneeded) =
                        commit(work, &mut redirects, &mut settler, ctx, r, done)?;
                    garbage.extend(unneeded);
                    if let (State::Done(r, Outcome::Merged { .. }), false) = (&state, settling) {
                        let (pi, si) = r.indices();
                        merged_ahead.insert(pi, slot.at);
                        merged_ahead.insert(si, slot.at);
                    }
                    slot.state = state;
                }
                match slot.state {
                    State::Waiting => settling = false,
                    State::Done(..) if settling => {
                        let State::Done(r, outcome) =
                            std::mem::replace(&mut slot.state, State::Settled)
                        else {
                            unreachable!("matched above")
                        };
                        garbage.extend(settler.settle(&*work, slot.pair, &r, outcome)?);
                    }
                    _ => {}
                }
            }
            while window
                .front()
                .is_some_and(|s| matches!(s.state, State::Settled))
            {
                window.pop_front();
            }
            // What is behind the first pair not settled is no longer needed
            // for the check (pruned now and then, not every wave).
            if merged_ahead.len() > 4 * WINDOW {
                match window.front() {
                    Some(first) => merged_ahead.retain(|_, at| *at > first.at),
                    None => merged_ahead.clear(),
                }
            }
        }
        Ok(())
    })?;
    let mut report = settler.report;
    if !opts.keep_going && !report.skipped.is_empty() {
        report.applied = 0;
        report.warnings.clear();
        return Err(ApplyError::BadPairs { report });
    }
    Ok(report)
}

/// The pairs of a wave to merge (their places in the window, their ids)
/// and their contacts.
type Wave<'p, T, P> = (Vec<(usize, Resolved<'p>)>, Vec<Checkout<T, P>>);

/// Where a picked pair's merge is done: the pool's job number, or here
/// (an early merge, only taken).
enum Job<T> {
    Pool(usize),
    Here(T),
}

/// Pick the next wave: every waiting pair of the window that touches no
/// contact an earlier waiting pair touches, its ids resolved as things
/// stand. A bad pair picked is done; the others are taken out of the store
/// to be merged, or their early merge (`early`: when there is no journal)
/// taken.
fn pick_wave<'a, 'p, S: Store<'a>>(
    window: &mut VecDeque<Slot<'p, 'a>>,
    work: &mut S,
    redirects: &mut Redirects,
    last_use: &mut LastUse<'_>,
    merged_ahead: &rustc_hash::FxHashMap<usize, usize>,
    early: bool,
) -> Wave<'p, S::Taken, S::Prepared> {
    let mut busy: rustc_hash::FxHashSet<usize> = Default::default();
    let mut picked = Vec::new();
    let mut taken = Vec::new();
    // Pairs that had to wait, and pairs done: a window of pairs that all
    // wait for one contact (a primary absorbing many) is not read through
    // for each of them.
    let (mut blocked, mut done) = (0usize, 0usize);
    for (k, slot) in window.iter_mut().enumerate() {
        if !matches!(slot.state, State::Waiting) {
            continue;
        }
        if blocked > done + SCAN_SLACK {
            break;
        }
        let (mut resolved, problem) = resolve_pair(slot.pair, redirects, &*work);
        let touched = [resolved.pi, resolved.si];
        let free = touched.iter().flatten().all(|i| !busy.contains(i));
        busy.extend(touched.iter().flatten());
        if !free {
            blocked += 1;
            continue;
        }
        done += 1;
        for later in touched.iter().flatten().filter_map(|i| merged_ahead.get(i)) {
            assert!(
                *later < slot.at,
                "internal error: plan pair {} reaches a contact ({}) that the later pair {} \
                 merged before it; please report this",
                slot.at + 1,
                resolved.rp,
                later + 1
            );
        }
        match (problem, resolved.pi, resolved.si) {
            (Some(problem), _, _) => {
                slot.state = State::Done(resolved, Outcome::Refused(problem));
            }
            (None, Some(pi), Some(si)) => {
                let named_later = last_use.merge(slot.at, pi, &resolved.rp, si, &resolved.rs);
                resolved.named_later = named_later;
                // One a later pair names is merged again, to be kept parsed.
                let done = if early && !named_later {
                    work.take_early(slot.at, pi, si)
                } else {
                    None
                };
                taken.push(match done {
                    Some(done) => Checkout::Early(done),
                    None => Checkout::Open {
                        primary: work.checkout(pi),
                        secondary: work.checkout(si),
                        named_later,
                    },
                });
                picked.push((k, resolved));
            }
            (None, _, _) => unreachable!("a pair without a problem has both contacts"),
        }
    }
    (picked, taken)
}

/// How many more waiting pairs than pairs taken a wave reads before it
/// stops looking further into the window (a few in unit tests, so that
/// their chains reach it).
const SCAN_SLACK: usize = if cfg!(test) { 2 } else { 64 };

/// Merges in a wave from which a second thread is worth starting.
const PARALLEL_FROM: usize = 16;

/// Pairs read ahead of the first one not settled (a few in unit tests,
/// so that their plans span many windows).
const WINDOW: usize = if cfg!(test) { 64 } else { 2048 };

/// One pair of the window.
struct Slot<'p, 'a> {
    /// Its number in the plan.
    at: usize,
    pair: &'p Pair,
    state: State<'p, 'a>,
}

/// Where a pair of the window stands.
enum State<'p, 'a> {
    /// It waits for an earlier pair that touches one of its contacts.
    Waiting,
    /// Committed (or found bad), waiting to be settled.
    Done(Resolved<'p>, Outcome<'a>),
    Settled,
}

/// What settling a pair reports.
enum Outcome<'a> {
    Refused(PairProblem),
    Merged {
        /// Both contacts before the merge and the result, for the journal.
        contacts: Option<Box<Before<'a>>>,
        decisions: Vec<Value>,
        warnings: Vec<Warning>,
        /// The merge step's encoding of them for the journal.
        journal: Option<Vec<u8>>,
    },
}

/// Both contacts before a merge, and the result.
type Before<'a> = (Cow<'a, Contact>, Cow<'a, Contact>, Contact);

/// A pair's ids resolved through the merges before it, and the contacts
/// they name.
struct Resolved<'p> {
    /// The ids as they resolve (the pair's own, unless merged away).
    rp: Cow<'p, str>,
    rs: Cow<'p, str>,
    pi: Option<usize>,
    si: Option<usize>,
    /// Merged: whether a later pair may name an id of the result (when
    /// not, no later pair resolves the secondary's id).
    named_later: bool,
}

impl Resolved<'_> {
    /// Both contacts, for a pair that was merged.
    fn indices(&self) -> (usize, usize) {
        self.pi
            .zip(self.si)
            .expect("a merged pair names two contacts")
    }
}

/// Resolve a pair's ids as things stand, and say why it cannot be merged
/// if that shows already.
fn resolve_pair<'a, 'p, S: Store<'a>>(
    pair: &'p Pair,
    redirects: &mut Redirects,
    work: &S,
) -> (Resolved<'p>, Option<PairProblem>) {
    let rp = redirects.resolve(&pair.primary);
    let rs = redirects.resolve(&pair.secondary);
    let (pi, si) = (work.index(&rp), work.index(&rs));
    let problem = match (pi, si) {
        _ if pair.primary == pair.secondary => Some(PairProblem::SameId {
            id: pair.primary.clone(),
        }),
        (None, _) => Some(PairProblem::Missing {
            id: pair.primary.clone(),
            side: Side::Primary,
        }),
        (_, None) => Some(PairProblem::Missing {
            id: pair.secondary.clone(),
            side: Side::Secondary,
        }),
        (Some(pi), Some(si)) if pi == si => Some(PairProblem::SameContact { id: rp.to_string() }),
        _ => None,
    };
    let named_later = true;
    (
        Resolved {
            rp,
            rs,
            pi,
            si,
            named_later,
        },
        problem,
    )
}

/// Where a merge being committed stands.
struct Commit<'p> {
    pair: &'p Pair,
    /// No earlier pair waits: it is settled at once.
    settling: bool,
}

/// Commit a merge to the store (or put its contacts back if it was
/// refused). A merge settled at once needs no copy of the result for the
/// journal. Gives the pair's new state and the contacts to free.
fn commit<'a, 'p, S, J>(
    work: &mut S,
    redirects: &mut Redirects,
    settler: &mut Settler<'_, J>,
    ctx: Commit<'_>,
    r: Resolved<'p>,
    done: MergeDone<'a, S::Prepared>,
) -> Result<Committed<'p, 'a>, ApplyError>
where
    S: Store<'a>,
    J: FnMut(&Applied<'_>) -> io::Result<()>,
{
    let (pi, si) = r.indices();
    let before = done.primary.zip(done.secondary);
    let Merge {
        merged,
        decisions,
        warnings,
        journal,
        prepared,
    } = match done.result {
        Ok(merge) => merge,
        Err(problem) => {
            let (p, s) = before.expect("a merge refused gives both contacts back");
            work.checkin(pi, p);
            work.checkin(si, s);
            return Ok((State::Done(r, Outcome::Refused(problem)), Vec::new()));
        }
    };
    // Only a later pair naming an id of the result needs the secondary's
    // id to lead to the primary.
    if r.named_later {
        redirects.record(&r.rs, &r.rp);
    }
    let mut unneeded = Vec::new();
    if ctx.settling {
        let contacts = before.as_ref().map(|(p, s)| {
            let m = merged.as_ref().expect("kept with the contacts before");
            (&**p, &**s, m)
        });
        let journaled = Journaled {
            contacts,
            decisions: &decisions,
            encoded: journal.as_deref(),
        };
        settler.merged(&*work, ctx.pair, &r, journaled, warnings)?;
        unneeded.extend(before.into_iter().flat_map(|(p, s)| [p, s]));
        unneeded.extend(work.commit(pi, si, merged, prepared).map(Cow::Owned));
        return Ok((State::Settled, unneeded));
    }
    // Settled later. The journal will need the result: the store gives it
    // back unless it keeps it, and only then is it copied.
    let contacts = match before {
        Some((p, s)) => {
            let copy = if work.keeps_contact(&prepared) {
                merged.clone()
            } else {
                None
            };
            let given_back = work.commit(pi, si, merged, prepared);
            let m = copy
                .or(given_back)
                .expect("the result is kept for the journal");
            Some(Box::new((p, s, m)))
        }
        None => {
            unneeded.extend(work.commit(pi, si, merged, prepared).map(Cow::Owned));
            None
        }
    };
    let outcome = Outcome::Merged {
        contacts,
        decisions,
        warnings,
        journal,
    };
    Ok((State::Done(r, outcome), unneeded))
}

/// A pair's state once committed, and the contacts to free.
type Committed<'p, 'a> = (State<'p, 'a>, Vec<Cow<'a, Contact>>);

/// What the journal gets of a merge: both contacts before it and the
/// result (when kept for it), the decisions, and the merge step's encoding
/// of them.
struct Journaled<'c> {
    contacts: Option<(&'c Contact, &'c Contact, &'c Contact)>,
    decisions: &'c [Value],
    encoded: Option<&'c [u8]>,
}

/// Reporting and journaling pairs in plan order.
struct Settler<'p, J> {
    plan: &'p Plan,
    opts: &'p ApplyOptions,
    report: ApplyReport,
    /// Merged-away contacts (store numbers), for the positions the journal
    /// records.
    gone: Fenwick,
    on_applied: Option<J>,
}

impl<J> Settler<'_, J>
where
    J: FnMut(&Applied<'_>) -> io::Result<()>,
{
    /// Settle a pair; gives back the contacts the journal no longer needs.
    fn settle<'a, S: Store<'a>>(
        &mut self,
        work: &S,
        pair: &Pair,
        r: &Resolved<'_>,
        outcome: Outcome<'a>,
    ) -> Result<Vec<Cow<'a, Contact>>, ApplyError> {
        match outcome {
            Outcome::Refused(problem) => {
                self.report.skipped.push(BadPair {
                    line: pair.line,
                    place: self.plan.place(pair.line),
                    primary: pair.primary.clone(),
                    secondary: pair.secondary.clone(),
                    resolved_primary: r.pi.map(|_| r.rp.to_string()),
                    resolved_secondary: r.si.map(|_| r.rs.to_string()),
                    problem,
                });
                Ok(Vec::new())
            }
            Outcome::Merged {
                contacts,
                decisions,
                warnings,
                journal,
            } => {
                let journaled = Journaled {
                    contacts: contacts.as_deref().map(|(p, s, m)| (&**p, &**s, m)),
                    decisions: &decisions,
                    encoded: journal.as_deref(),
                };
                self.merged(work, pair, r, journaled, warnings)?;
                Ok(contacts
                    .into_iter()
                    .flat_map(|b| {
                        let (p, s, m) = *b;
                        [p, s, Cow::Owned(m)]
                    })
                    .collect())
            }
        }
    }

    /// Settle a merge: count it, journal it, report its warnings.
    fn merged<'a, S: Store<'a>>(
        &mut self,
        work: &S,
        pair: &Pair,
        r: &Resolved<'_>,
        journaled: Journaled<'_>,
        warnings: Vec<Warning>,
    ) -> Result<(), ApplyError> {
        let Journaled {
            contacts,
            decisions,
            encoded,
        } = journaled;
        let (_, si) = r.indices();
        let secondary_index = work.record(si) - self.gone.count_before(si);
        self.gone.add(si);
        self.report.applied += 1;
        if self.opts.keep_going || self.report.skipped.is_empty() {
            if let (Some(journal), Some((p, s, m))) = (self.on_applied.as_mut(), contacts) {
                journal(&Applied {
                    line: pair.line,
                    primary_id: &r.rp,
                    secondary_id: &r.rs,
                    secondary_index,
                    primary: p,
                    secondary: s,
                    merged: m,
                    decisions,
                    encoded,
                })
                .map_err(ApplyError::Journal)?;
            }
        }
        for w in warnings {
            self.report.warnings.push(PairWarning {
                line: pair.line,
                primary: r.rp.to_string(),
                secondary: r.rs.to_string(),
                kind: w.kind,
                warning: w.message,
            });
        }
        Ok(())
    }
}

/// A pair to merge: its two contacts taken out, or its early merge.
enum Checkout<T, P> {
    Open {
        primary: T,
        secondary: T,
        /// Whether a later pair may name the merged contact.
        named_later: bool,
    },
    Early(Early<P>),
}

/// When each contact is named by the plan for the last time, to know
/// whether a merged contact will be merged again or only written out.
///
/// A later pair can reach a contact only through an id that resolves to
/// it: its own id, the ids merged into it (by the plan or, through
/// `hs_merged_object_ids`, before the export), and those of the contacts it
/// absorbs later, which a pair naming one of its ids absorbs. So the last
/// pair that may reach a contact is the last one naming any id of its
/// family; merging S into P joins their families. Pairs that are refused
/// or skipped still count (it only errs on the side of keeping).
struct LastUse<'p> {
    /// The last pair naming each id.
    named: rustc_hash::FxHashMap<&'p str, usize>,
    /// Per contact (store number), the last pair naming an id of its
    /// family, where that is more than its own id.
    family: rustc_hash::FxHashMap<usize, usize>,
}

impl<'p> LastUse<'p> {
    fn new(plan: &'p Plan, redirects: &Redirects, index: impl Fn(&str) -> Option<usize>) -> Self {
        let mut named: rustc_hash::FxHashMap<&'p str, usize> =
            rustc_hash::FxHashMap::with_capacity_and_hasher(
                2 * plan.pairs.len(),
                Default::default(),
            );
        for (k, pair) in plan.pairs.iter().enumerate() {
            named.insert(pair.primary.as_str(), k);
            named.insert(pair.secondary.as_str(), k);
        }
        let mut family: rustc_hash::FxHashMap<usize, usize> =
            rustc_hash::FxHashMap::with_capacity_and_hasher(plan.pairs.len(), Default::default());
        for from in redirects.to.keys() {
            let Some(&k) = named.get(from.as_str()) else {
                continue;
            };
            let mut end = from.as_str();
            for _ in 0..=redirects.to.len() {
                match redirects.to.get(end) {
                    Some(next) => end = next,
                    None => break,
                }
            }
            let Some(i) = index(end) else {
                continue;
            };
            let last = family.entry(i).or_insert(k);
            *last = (*last).max(k);
        }
        LastUse { named, family }
    }

    /// The pair numbered `at` merges contact `si` (id `rs`) into `pi` (id
    /// `rp`): whether a later pair may name the result.
    fn merge(&mut self, at: usize, pi: usize, rp: &str, si: usize, rs: &str) -> bool {
        let last = |i: usize, id: &str| {
            let own = self.named.get(id).copied().unwrap_or(0);
            self.family.get(&i).map_or(own, |&f| f.max(own))
        };
        let joined = last(pi, rp).max(last(si, rs));
        self.family.insert(pi, joined);
        joined > at
    }
}

/// What merging one pair of a wave gave: the merge or why not, and both
/// contacts as they were (kept for the journal, and to be put back when the
/// merge was refused).
struct MergeDone<'a, P> {
    primary: Option<Cow<'a, Contact>>,
    secondary: Option<Cow<'a, Contact>>,
    result: Result<Merge<P>, PairProblem>,
}

/// A merge done, as the store prepared it. The merged contact is kept when
/// the store or the journal needs it.
struct Merge<P> {
    merged: Option<Contact>,
    decisions: Vec<Value>,
    warnings: Vec<Warning>,
    journal: Option<Vec<u8>>,
    prepared: P,
}

/// Open and merge one pair (the merge limit first), and prepare the result
/// for the store. Without `keep_inputs` (the journal), the contacts of a
/// merge that happened are freed here, on the thread that opened them, and
/// the result too when the store does not need it.
fn merge_one<'a, S, M>(
    shared: &S::Shared,
    t: Checkout<S::Taken, S::Prepared>,
    layout: &Layout,
    opts: &ApplyOptions,
    merge: &M,
    keep_inputs: bool,
) -> MergeDone<'a, S::Prepared>
where
    S: Store<'a>,
    M: Fn(&Layout, Primary<'_>, &Contact) -> Result<MergeStep, String>,
{
    let (primary, secondary, named_later) = match t {
        Checkout::Open {
            primary,
            secondary,
            named_later,
        } => (primary, secondary, named_later),
        Checkout::Early(e) => {
            return MergeDone {
                primary: None,
                secondary: None,
                result: Ok(Merge {
                    merged: None,
                    decisions: e.decisions,
                    warnings: e.warnings,
                    journal: e.journal,
                    prepared: e.prepared,
                }),
            }
        }
    };
    let (mut p, s) = (S::open(primary), S::open(secondary));
    // A primary of its own that nothing needs once it is merged gives the
    // merged contact its properties.
    let primary = match &mut p {
        Cow::Owned(c) if !keep_inputs => Primary::Spend(c),
        p => Primary::Read(p),
    };
    let result = merge_checked(layout, opts, merge, primary, &s).map(|step| {
        let prepared = S::prepare(shared, &step.merged, named_later);
        let keep = keep_inputs || S::needs_contact(&prepared);
        Merge {
            merged: keep.then_some(step.merged),
            decisions: step.decisions,
            warnings: step.warnings,
            journal: step.journal,
            prepared,
        }
    });
    let keep = keep_inputs || result.is_err();
    MergeDone {
        primary: keep.then_some(p),
        secondary: keep.then_some(s),
        result,
    }
}

/// Merge a pair's two contacts as a plan does: refused when together they
/// took part in the merge limit's number of merges, when the merge step
/// refuses, and when it gives a contact with another id than the primary's
/// (a bug in the rules). Every merge of a plan goes through here, in a
/// wave or while the file is read.
pub(crate) fn merge_checked<M>(
    layout: &Layout,
    opts: &ApplyOptions,
    merge: &M,
    p: Primary<'_>,
    s: &Contact,
) -> Result<MergeStep, PairProblem>
where
    M: Fn(&Layout, Primary<'_>, &Contact) -> Result<MergeStep, String>,
{
    let count = crate::rules::merge_count(p.contact(), s);
    if count >= opts.max_merges {
        return Err(PairProblem::OverLimit {
            count,
            max: opts.max_merges,
        });
    }
    let id = p.contact().id.clone();
    let step = merge(layout, p, s).map_err(|message| PairProblem::Refused { message })?;
    if step.merged.id != id {
        return Err(PairProblem::Refused {
            message: format!(
                "the merge gave a contact with id {} instead of the primary's {id}; this is a bug in the merge rules",
                step.merged.id
            ),
        });
    }
    Ok(step)
}

/// The merges of a wave, shared with the other thread: both take the next
/// one in plan order, so neither waits for the other; the results are
/// kept by number for the thread that commits them. The other thread also
/// frees what it is given to free.
struct Pool<T, R, G> {
    state: Mutex<PoolState<T, R, G>>,
    changed: Condvar,
}

struct PoolState<T, R, G> {
    /// Merges not started, with their numbers.
    queue: VecDeque<(usize, T)>,
    /// The wave's results by number.
    done: Vec<Option<R>>,
    garbage: Vec<G>,
    /// Which thread waits for the other.
    committer_waits: bool,
    server_waits: bool,
    closed: bool,
    /// The other thread panicked.
    broken: bool,
}

impl<T, R, G> Pool<T, R, G> {
    fn new() -> Self {
        Pool {
            state: Mutex::new(PoolState {
                queue: VecDeque::new(),
                done: Vec::new(),
                garbage: Vec::new(),
                committer_waits: false,
                server_waits: false,
                closed: false,
                broken: false,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, PoolState<T, R, G>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wait<'g>(
        &self,
        guard: MutexGuard<'g, PoolState<T, R, G>>,
    ) -> MutexGuard<'g, PoolState<T, R, G>> {
        self.changed.wait(guard).unwrap_or_else(|e| e.into_inner())
    }

    /// A new wave (the last one's results have all been taken), and what
    /// to free.
    fn submit(&self, jobs: Vec<T>, garbage: Vec<G>) {
        let mut st = self.lock();
        st.done.clear();
        st.done.resize_with(jobs.len(), || None);
        st.queue.extend(jobs.into_iter().enumerate());
        st.garbage.extend(garbage);
        if st.server_waits {
            self.changed.notify_all();
        }
    }

    /// The result of merge `k`, merging the next ones here while it is not
    /// done.
    fn result(&self, k: usize, run: &impl Fn(T) -> R) -> R {
        let mut st = self.lock();
        loop {
            if let Some(r) = st.done[k].take() {
                return r;
            }
            assert!(!st.broken, "the other merging thread stopped");
            match st.queue.pop_front() {
                Some((j, t)) => {
                    drop(st);
                    let r = run(t);
                    st = self.lock();
                    st.done[j] = Some(r);
                }
                None => {
                    st.committer_waits = true;
                    st = self.wait(st);
                    st.committer_waits = false;
                }
            }
        }
    }

    /// The other thread: merge and free until the pool is closed.
    fn serve(&self, run: &impl Fn(T) -> R) {
        let _broken = Broken(self);
        let mut st = self.lock();
        loop {
            if !st.garbage.is_empty() {
                let garbage = std::mem::take(&mut st.garbage);
                drop(st);
                drop(garbage);
                st = self.lock();
            } else if let Some((j, t)) = st.queue.pop_front() {
                drop(st);
                let r = run(t);
                st = self.lock();
                st.done[j] = Some(r);
                if st.committer_waits {
                    self.changed.notify_all();
                }
            } else if st.closed {
                return;
            } else {
                st.server_waits = true;
                st = self.wait(st);
                st.server_waits = false;
            }
        }
    }
}

/// Closes a [`Pool`] when dropped: its other thread stops once the merges
/// given are done.
struct Closing<'p, T, R, G>(&'p Pool<T, R, G>);

impl<T, R, G> Drop for Closing<'_, T, R, G> {
    fn drop(&mut self) {
        self.0.lock().closed = true;
        self.0.changed.notify_all();
    }
}

/// Marks a [`Pool`] broken if its other thread panics, so that the
/// committing thread does not wait for it forever.
struct Broken<'p, T, R, G>(&'p Pool<T, R, G>);

impl<T, R, G> Drop for Broken<'_, T, R, G> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.lock().broken = true;
            self.0.changed.notify_all();
        }
    }
}

/// The export as the plan changes it, without touching it: contacts changed
/// so far are kept aside, merged-away ones are marked.
struct Work<'a> {
    base: &'a [Contact],
    index: HashMap<&'a str, usize>,
    changed: rustc_hash::FxHashMap<usize, Contact>,
    removed: Vec<bool>,
}

impl<'a> Store<'a> for Work<'a> {
    /// Borrowed from the export, or (changed by an earlier pair) owned.
    type Taken = Cow<'a, Contact>;

    fn index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    fn count(&self) -> usize {
        self.base.len()
    }

    fn record(&self, i: usize) -> usize {
        i
    }

    fn checkout(&mut self, i: usize) -> Cow<'a, Contact> {
        let base = self.base;
        match self.changed.remove(&i) {
            Some(c) => Cow::Owned(c),
            None => Cow::Borrowed(&base[i]),
        }
    }

    fn open(taken: Cow<'a, Contact>) -> Cow<'a, Contact> {
        taken
    }

    fn checkin(&mut self, i: usize, opened: Cow<'a, Contact>) {
        if let Cow::Owned(c) = opened {
            self.changed.insert(i, c);
        }
    }

    type Prepared = ();
    type Shared = ();
    fn shared(&self) -> std::sync::Arc<()> {
        std::sync::Arc::new(())
    }
    fn prepare(_: &(), _merged: &Contact, _named_later: bool) {}

    fn needs_contact(_: &()) -> bool {
        true
    }

    fn keeps_contact(&self, _: &()) -> bool {
        true
    }

    fn commit(
        &mut self,
        pi: usize,
        si: usize,
        merged: Option<Contact>,
        _prepared: (),
    ) -> Option<Contact> {
        self.changed
            .insert(pi, merged.expect("this store keeps every merged contact"));
        self.changed.remove(&si);
        self.index.remove(self.base[si].id.as_str());
        self.removed[si] = true;
        None
    }
}

impl<'a> Work<'a> {
    fn new(base: &'a [Contact]) -> Self {
        let mut index = HashMap::with_capacity(base.len());
        for (i, c) in base.iter().enumerate() {
            // Ids are unique in an export; if not, the first one counts.
            index.entry(c.id.as_str()).or_insert(i);
        }
        Work {
            base,
            index,
            changed: Default::default(),
            removed: vec![false; base.len()],
        }
    }

    fn finish(self) -> (rustc_hash::FxHashMap<usize, Contact>, Vec<bool>) {
        (self.changed, self.removed)
    }
}

/// A Fenwick tree counting marked positions.
pub(crate) struct Fenwick(Vec<usize>);

impl Fenwick {
    pub(crate) fn new(n: usize) -> Self {
        Fenwick(vec![0; n + 1])
    }
    pub(crate) fn add(&mut self, i: usize) {
        let mut i = i + 1;
        while i < self.0.len() {
            self.0[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    /// Marked positions in `0..i`.
    pub(crate) fn count_before(&self, i: usize) -> usize {
        let (mut i, mut sum) = (i, 0);
        while i > 0 {
            sum += self.0[i];
            i -= i & i.wrapping_neg();
        }
        sum
    }
}

#[cfg(test)]
pub(crate) mod tests {

    /// Waves merge in parallel, but the result is the one of merging one
    /// pair after the other: checked against a plain loop over
    /// `merge_in_export`, on a plan with chains, redirects and bad pairs.
    #[test]
    fn waves_give_the_result_of_one_pair_after_the_other() {
        use crate::merge::merge_in_export;
        use crate::rules::MergeOptions;
        let g = crate::gen::generate(&crate::gen::GenOptions {
            contacts: 4000,
            duplicate_rate: 0.2,
            seed: 5,
        });
        let mut text = String::from("primary_id,secondary_id\n");
        for (k, (p, s)) in g.pairs.iter().enumerate() {
            text.push_str(&format!("{p},{s}\n"));
            // Chains and pairs naming merged-away ids, now and then.
            if k % 7 == 3 {
                let (q, _) = &g.pairs[k / 2];
                text.push_str(&format!("{s},{q}\n"));
            }
            if k % 11 == 5 {
                text.push_str(&format!("{p},{p}\n"));
            }
            // One primary absorbing a run of others: pairs that all wait
            // for it (the merge limit refuses the latest of them).
            if k == 200 {
                let (first, _) = &g.pairs[0];
                for (q, _) in &g.pairs[300..340] {
                    text.push_str(&format!("{first},{q}\n"));
                }
            }
        }
        let plan = parse_plan(text.as_bytes(), "plan.csv", Some(PlanFormat::Csv)).unwrap();
        let opts = MergeOptions {
            merge_time: 1_717_200_000_000,
            ..Default::default()
        };
        let step = |_: &Layout, p: Primary<'_>, s: &Contact| {
            let o = crate::merge::merge_contacts_from(p, s, &opts).map_err(|e| e.to_string())?;
            Ok(MergeStep {
                merged: o.merged,
                decisions: Vec::new(),
                warnings: o.warnings,
                journal: None,
            })
        };
        let mut waved = g.export.clone();
        let mut order = Vec::new();
        let report = apply_plan(
            &mut waved,
            &plan,
            &ApplyOptions {
                keep_going: true,
                ..Default::default()
            },
            step,
            Some(|a: &Applied<'_>| {
                order.push((
                    a.primary_id.to_string(),
                    a.secondary_id.to_string(),
                    a.secondary_index,
                ));
                Ok(())
            }),
        )
        .unwrap();
        assert!(report.applied > 500 && !report.skipped.is_empty());
        // One pair after the other.
        let mut one_by_one = g.export.clone();
        let mut redirects = Redirects::from_export(&one_by_one);
        let mut expected = Vec::new();
        for pair in &plan.pairs {
            let rp = redirects.resolve(&pair.primary);
            let rs = redirects.resolve(&pair.secondary);
            if rp == rs {
                continue;
            }
            let Some(index) = one_by_one.position(&rs) else {
                continue;
            };
            if merge_in_export(&mut one_by_one, &rp, &rs, &opts).is_ok() {
                redirects.record(&rs, &rp);
                expected.push((rp.into_owned(), rs.into_owned(), index));
            }
        }
        assert_eq!(order, expected);
        assert_eq!(waved, one_by_one);
    }
    use super::*;
    use crate::format::json::contact_from_value;
    use crate::model::JsonShape;
    use serde_json::json;

    fn csv(text: &str) -> Result<Plan, PlanError> {
        parse_plan(text.as_bytes(), "plan.csv", Some(PlanFormat::Csv))
    }

    fn ids(plan: &Plan) -> Vec<(u64, &str, &str)> {
        plan.pairs
            .iter()
            .map(|p| (p.line, p.primary.as_str(), p.secondary.as_str()))
            .collect()
    }

    #[test]
    fn reads_csv_with_extra_columns_bom_and_crlf() {
        let p = csv("\u{feff}primary_id,secondary_id,score,reasons\r\n1,2,0.9,\"email, name\"\r\n\r\n 3 , 4 ,0.5,phone\r\n")
            .unwrap();
        assert_eq!(ids(&p), [(2, "1", "2"), (4, "3", "4")]);
        assert_eq!(p.format, PlanFormat::Csv);
        assert_eq!(p.place(4), "line 4");
    }

    #[test]
    fn csv_columns_are_found_by_name() {
        let p = csv("score,Secondary_ID,PRIMARY_ID\n0.9,2,1\n").unwrap();
        assert_eq!(ids(&p), [(2, "1", "2")]);
        // A header alone is an empty plan.
        assert!(csv("primary_id,secondary_id\n").unwrap().pairs.is_empty());
    }

    #[test]
    fn csv_without_header_is_refused_with_what_was_found() {
        let e = csv("101,202\n103,204\n").unwrap_err().to_string();
        assert_eq!(
            e,
            "plan.csv: line 1: the header has no primary_id column (found \"101,202\"); the first line of a CSV plan must name the columns, e.g. primary_id,secondary_id"
        );
        let e = csv("primary_id,other\n1,2\n").unwrap_err().to_string();
        assert!(e.contains("no secondary_id column"), "{e}");
    }

    #[test]
    fn csv_bad_rows_name_the_line() {
        let e = csv("primary_id,secondary_id\n1,2\n3,\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "plan.csv: line 3: secondary_id is empty; every row needs both ids: fill it in or remove the line"
        );
        let e = csv("primary_id,secondary_id\n1,2\n3\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("plan.csv: line 3: the row has 1 field(s) and no secondary_id"),
            "{e}"
        );
        let e = csv("primary_id,secondary_id\n  ,2\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("plan.csv: line 2: primary_id is empty"),
            "{e}"
        );
        // Blank lines, quoted line breaks and CRLF still give the true line.
        let text = "primary_id,secondary_id,reasons\r\n1,2,\"a\r\nb\"\r\n\r\n\r\n3,4,c\r\n5,,d\r\n";
        let e = csv(text).unwrap_err().to_string();
        assert!(
            e.starts_with("plan.csv: line 7: secondary_id is empty"),
            "{e}"
        );
        let p = csv(&text.replace("5,,d", "5,6,d")).unwrap();
        assert_eq!(ids(&p), [(2, "1", "2"), (6, "3", "4"), (7, "5", "6")]);
    }

    #[test]
    fn csv_with_a_column_twice_or_an_open_quote_is_refused() {
        let e = csv("primary_id,secondary_id,Primary_ID\n1,2,3\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "plan.csv: line 1: columns 1 and 3 are both primary_id; which ids would be merged? remove one of them");
        let e = csv("primary_id,secondary_id\n1,2\n3,\"4\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("plan.csv: line 3: a quoted field is still open"),
            "{e}"
        );
    }

    #[test]
    fn empty_and_non_utf8_plans_are_refused() {
        let e = csv(" \n").unwrap_err().to_string();
        assert!(e.starts_with("plan.csv: the plan is empty"), "{e}");
        let e = parse_plan(b"primary_id,secondary_id\n1,\xff\n", "p", None)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("p: line 2: the plan is not valid UTF-8"),
            "{e}"
        );
    }

    #[test]
    fn reads_json_with_string_or_number_ids() {
        let p = parse_plan(
            br#"[{"primary": "1", "secondary": 2, "score": 0.9}, {"secondary": " 4 ", "primary": 3}]"#,
            "plan.json",
            None,
        )
        .unwrap();
        assert_eq!(p.format, PlanFormat::Json);
        assert_eq!(ids(&p), [(1, "1", "2"), (2, "3", "4")]);
        assert_eq!(p.place(2), "pair 2");
    }

    #[test]
    fn json_bad_pairs_name_the_pair_and_value() {
        let json = |t: &str| {
            parse_plan(t.as_bytes(), "plan.json", Some(PlanFormat::Json))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            json(r#"[{"primary": "1", "secondary": "2"}, {"primary": true, "secondary": "2"}]"#),
            "plan.json: pair 2 (entry 2 of the JSON list): \"primary\" is true; expected a record id (a non-empty string or a whole number)"
        );
        assert!(json(r#"[{"primary": "1"}]"#)
            .contains("pair 1 (entry 1 of the JSON list): \"secondary\" is missing"));
        assert!(json(r#"[{"primary": "", "secondary": "2"}]"#).contains("\"primary\" is \"\""));
        assert!(json(r#"[{"primary": 1.5, "secondary": "2"}]"#).contains("\"primary\" is 1.5"));
        assert!(json(r#"["1,2"]"#).contains("pair 1"));
        assert!(json(r#"{"primary": "1"}"#).contains("top level: expected a list"));
        let e = json("[\n{\"primary\": \"1\",,}\n]");
        assert!(e.starts_with("plan.json: line 2, column"), "{e}");
        assert!(e.contains("malformed JSON"), "{e}");
    }

    #[test]
    fn json_ids_are_text_of_any_size_and_keys_are_written_once() {
        let p = parse_plan(
            br#"[{"primary": 100000000000000000000, "secondary": 100000000000000000001}, {"primary": -5, "secondary": "6"}]"#,
            "plan.json",
            None,
        )
        .unwrap();
        assert_eq!(
            ids(&p),
            [
                (1, "100000000000000000000", "100000000000000000001"),
                (2, "-5", "6")
            ]
        );
        let json = |t: &str| {
            parse_plan(t.as_bytes(), "plan.json", Some(PlanFormat::Json))
                .unwrap_err()
                .to_string()
        };
        assert!(json(r#"[{"primary": 1e+20, "secondary": "2"}]"#).contains("\"primary\" is 1e+20"));
        assert_eq!(
            json(r#"[{"primary": "1", "secondary": "2"}, {"primary": "3", "secondary": "4", "primary": "5"}]"#),
            "plan.json: pair 2 (entry 2 of the JSON list): the key \"primary\" appears more than once in one object; a key may appear once in a JSON object: keep the right one and remove the other"
        );
    }

    #[test]
    fn format_from_extension_else_sniffed() {
        assert_eq!(
            PlanFormat::from_path(Path::new("a.CSV")),
            Some(PlanFormat::Csv)
        );
        assert_eq!(
            PlanFormat::from_path(Path::new("a.json")),
            Some(PlanFormat::Json)
        );
        assert_eq!(PlanFormat::from_path(Path::new("plan")), None);
        assert_eq!(PlanFormat::sniff(b"\xEF\xBB\xBF [ ]"), PlanFormat::Json);
        assert_eq!(
            PlanFormat::sniff(b"primary_id,secondary_id"),
            PlanFormat::Csv
        );
    }

    #[test]
    fn a_pair_naming_one_contact_twice_parses() {
        let p = csv("primary_id,secondary_id\n7,7\n").unwrap();
        assert_eq!(ids(&p), [(2, "7", "7")]);
    }

    #[test]
    fn redirects_follow_chains_and_compress_them() {
        let mut r = Redirects::new();
        r.record("a", "b");
        r.record("b", "c");
        r.record("c", "d");
        r.record("x", "x");
        assert_eq!(r.resolve("a"), "d");
        assert_eq!(r.target("a"), Some("d"));
        assert_eq!(r.target("b"), Some("d"));
        assert_eq!(r.resolve("c"), "d");
        assert_eq!(r.resolve("d"), "d");
        assert_eq!(r.resolve("x"), "x");
        assert_eq!(r.resolve("unknown"), "unknown");
    }

    #[test]
    fn redirects_stop_on_a_cycle() {
        let mut r = Redirects::new();
        r.record("a", "b");
        r.record("b", "a");
        let end = r.resolve("a");
        assert!(end == "a" || end == "b");
    }

    pub(crate) fn contact(v: Value) -> Contact {
        contact_from_value(v).unwrap()
    }

    pub(crate) fn export(contacts: Vec<Value>) -> Export {
        Export {
            contacts: contacts.into_iter().map(contact).collect(),
            layout: Layout::Json {
                shape: JsonShape::Array,
                pretty: false,
            },
        }
    }

    /// A stand-in for the merge engine: keeps the primary, sums `n`, records
    /// merged ids, and refuses a secondary with a `refuse` property.
    fn fake_merge(_: &Layout, p: Primary<'_>, s: &Contact) -> Result<MergeStep, String> {
        let p = p.contact();
        if let Some(why) = s.prop("refuse") {
            return Err(format!("contact {}: {why}", s.id));
        }
        let mut m = p.clone();
        let mut ids: Vec<&str> = split_multi(p.prop(MERGED_IDS).unwrap_or("")).collect();
        ids.push(&s.id);
        ids.extend(split_multi(s.prop(MERGED_IDS).unwrap_or("")));
        m.set_prop(MERGED_IDS, Some(ids.join(";")));
        let n = |c: &Contact| c.prop("n").map_or(0, |v| v.parse::<i64>().unwrap());
        m.set_prop("n", Some((n(p) + n(s)).to_string()));
        Ok(MergeStep {
            merged: m,
            decisions: vec![json!({"property": "n", "rule": "sum"})],
            warnings: vec![Warning::new(
                WarningKind::SalesforceUnsynced,
                format!("{} absorbed {}", p.id, s.id),
            )],
            journal: None,
        })
    }

    pub(crate) fn plan(pairs: &[(&str, &str)]) -> Plan {
        Plan::csv("plan.csv", pairs.iter().copied())
    }

    fn numbered(n: usize) -> Export {
        export(
            (1..=n)
                .map(|i| json!({"id": i.to_string(), "properties": {"n": "1"}}))
                .collect(),
        )
    }

    /// The merges `apply_plan` reported: (plan line, primary, secondary,
    /// secondary index).
    type Seen = Vec<(u64, String, String, usize)>;

    fn apply(
        e: &mut Export,
        p: &Plan,
        keep_going: bool,
    ) -> (Result<ApplyReport, ApplyError>, Seen) {
        let mut seen = Vec::new();
        let opts = ApplyOptions {
            keep_going,
            max_merges: 3,
        };
        let r = apply_plan(
            e,
            p,
            &opts,
            fake_merge,
            Some(|a: &Applied<'_>| {
                assert_eq!(a.merged.id, a.primary_id);
                assert_eq!(a.secondary.id, a.secondary_id);
                seen.push((
                    a.line,
                    a.primary_id.to_string(),
                    a.secondary_id.to_string(),
                    a.secondary_index,
                ));
                Ok(())
            }),
        );
        (r, seen)
    }

    fn ids_of(e: &Export) -> Vec<&str> {
        e.contacts.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn pairs_resolve_through_earlier_merges() {
        let mut e = numbered(5);
        // 1 into 2, then 2 into 3, then a pair naming 1 (now 3): 4 into 3.
        let p = plan(&[("2", "1"), ("3", "2"), ("1", "4")]);
        let (r, seen) = apply(&mut e, &p, false);
        let r = r.unwrap();
        assert_eq!(r.applied, 3);
        assert!(r.skipped.is_empty());
        assert_eq!(ids_of(&e), ["3", "5"]);
        assert_eq!(e.contacts[0].prop(MERGED_IDS), Some("2;1;4"));
        assert_eq!(e.contacts[0].prop("n"), Some("4"));
        assert_eq!(
            seen,
            [
                (2, "2".into(), "1".into(), 0),
                (3, "3".into(), "2".into(), 0),
                (4, "3".into(), "4".into(), 1),
            ]
        );
        assert_eq!(r.warnings.len(), 3);
        assert_eq!(r.warnings[2].warning, "3 absorbed 4");
    }

    /// Both threads of a pool merge; every result comes back under its
    /// number, over several waves.
    #[test]
    fn a_pool_gives_every_result_under_its_number() {
        let pool: Pool<u64, u64, String> = Pool::new();
        let run = |t: u64| {
            std::thread::sleep(std::time::Duration::from_micros(t % 7 * 50));
            t * t
        };
        let got: Vec<Vec<u64>> = std::thread::scope(|scope| {
            let _closing = Closing(&pool);
            scope.spawn(|| pool.serve(&run));
            (0..3u64)
                .map(|wave| {
                    let jobs: Vec<u64> = (0..40).map(|t| wave * 100 + t).collect();
                    pool.submit(jobs, vec!["freed by the other thread".into()]);
                    (0..40).map(|k| pool.result(k, &run)).collect()
                })
                .collect()
        });
        for (wave, results) in got.iter().enumerate() {
            let expected: Vec<u64> = (0..40).map(|t| (wave as u64 * 100 + t).pow(2)).collect();
            assert_eq!(results, &expected);
        }
    }

    /// A panic on the other thread stops the run instead of leaving the
    /// committing thread waiting for a result that never comes.
    #[test]
    fn a_panic_on_the_other_thread_stops_the_run() {
        let pool: Pool<u64, u64, ()> = Pool::new();
        let committer = std::thread::current().id();
        let run = |t: u64| {
            assert_eq!(std::thread::current().id(), committer, "merge {t} failed");
            std::thread::sleep(std::time::Duration::from_millis(2));
            t
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            std::thread::scope(|scope| {
                let _closing = Closing(&pool);
                scope.spawn(|| pool.serve(&run));
                pool.submit((0..50).collect(), Vec::new());
                (0..50).map(|k| pool.result(k, &run)).sum::<u64>()
            })
        }));
        assert!(outcome.is_err());
    }

    /// A bad pair reports its ids as the merges before it resolve them,
    /// though the pairs after it that touch other contacts merge first.
    #[test]
    fn bad_pairs_report_their_ids_as_the_merges_before_them_resolve_them() {
        let mut e = numbered(6);
        let p = plan(&[
            ("1", "2"),
            ("99", "2"), // missing primary; 2 now stands for 1
            ("2", "1"),  // one contact: 1
            ("3", "4"),
            ("4", "99"), // missing secondary; 4 now stands for 3
            ("5", "6"),
        ]);
        let (r, seen) = apply(&mut e, &p, true);
        let report = r.unwrap();
        let resolved: Vec<_> = report
            .skipped
            .iter()
            .map(|b| {
                let id = |r: &Option<String>| r.clone().unwrap_or_default();
                (b.line, id(&b.resolved_primary), id(&b.resolved_secondary))
            })
            .collect();
        let expected = [(3, "", "1"), (4, "1", "1"), (6, "3", "")];
        let expected: Vec<_> = expected
            .iter()
            .map(|&(l, p, s)| (l, p.to_string(), s.to_string()))
            .collect();
        assert_eq!(resolved, expected);
        let lines: Vec<u64> = seen.iter().map(|s| s.0).collect();
        assert_eq!(lines, [2, 5, 7]);
    }

    #[test]
    fn every_bad_pair_is_listed_and_nothing_changes() {
        let mut e = numbered(8);
        e.contacts[5].set_prop(MERGED_IDS, Some("100;101".into()));
        e.contacts[6].set_prop(MERGED_IDS, Some("102".into()));
        e.contacts[7].set_prop("refuse", Some("unknown lifecycle stage 'x'".into()));
        let before = e.clone();
        let p = plan(&[
            ("1", "2"),  // good
            ("1", "99"), // missing secondary
            ("3", "3"),  // same id
            ("2", "1"),  // 2 was merged into 1: same contact
            ("6", "7"),  // 3 merges already: over the limit of 3
            ("1", "8"),  // refused by the rules
            ("4", "5"),  // good
        ]);
        let (r, seen) = apply(&mut e, &p, false);
        let Err(ApplyError::BadPairs { report }) = r else {
            panic!("expected bad pairs, got {r:?}")
        };
        assert_eq!(e, before, "the export is untouched");
        assert_eq!((report.pairs, report.applied), (7, 0));
        let kinds: Vec<(u64, &str)> = report
            .skipped
            .iter()
            .map(|b| (b.line, b.problem.kind()))
            .collect();
        assert_eq!(
            kinds,
            [
                (3, "missing-id"),
                (4, "same-id"),
                (5, "same-contact"),
                (6, "merge-limit"),
                (7, "refused")
            ]
        );
        // Only the merge before the first bad pair was reported.
        assert_eq!(seen.len(), 1);
        let msg = ApplyError::BadPairs {
            report: report.clone(),
        }
        .to_string();
        assert_eq!(
            msg,
            "plan.csv: 5 of 7 pairs cannot be applied, so none was (nothing written); fix or remove them, or pass --keep-going to apply the others:\n  \
             line 3: 1 ← 99: the secondary id 99 is not a contact of the export; check the id or remove the pair\n  \
             line 4: 3 ← 3: names contact 3 on both sides; a contact cannot be merged into itself: remove the pair\n  \
             line 5: 2 ← 1 (now 1 ← 1): both ids resolve to contact 1 through earlier merges, so they are one contact already: remove the pair\n  \
             line 6: 6 ← 7: the two contacts together already took part in 3 merges (hs_merged_object_ids) and the limit is 3; HubSpot would refuse this merge: remove the pair (or raise the limit with --max-merges)\n  \
             line 7: 1 ← 8: contact 8: unknown lifecycle stage 'x'"
        );
        let j = serde_json::to_value(&report.skipped[2]).unwrap();
        assert_eq!(
            j,
            json!({"line": 5, "place": "line 5", "primary": "2", "secondary": "1",
                   "resolvedPrimary": "1", "resolvedSecondary": "1", "kind": "same-contact",
                   "reason": "both ids resolve to contact 1 through earlier merges, so they are one contact already: remove the pair"})
        );
        assert_eq!(report.skipped[0].resolved_secondary, None);
    }

    #[test]
    fn merge_limit_accumulates_through_the_plan() {
        let mut e = numbered(5);
        // 1 absorbs 2, 3, 4: after two merges it holds 2 ids, plus 4's none:
        // the third is at 2 < 3 and goes; the fourth is at 3 and does not.
        let p = plan(&[("1", "2"), ("1", "3"), ("1", "4"), ("1", "5")]);
        let (r, _) = apply(&mut e, &p, true);
        let r = r.unwrap();
        assert_eq!(r.applied, 3);
        assert_eq!(r.skipped.len(), 1);
        assert_eq!(
            r.skipped[0].problem,
            PairProblem::OverLimit { count: 3, max: 3 }
        );
    }

    #[test]
    fn keep_going_applies_the_good_pairs() {
        let mut e = numbered(4);
        let p = plan(&[("1", "2"), ("1", "9"), ("4", "3")]);
        let (r, seen) = apply(&mut e, &p, true);
        let r = r.unwrap();
        assert_eq!((r.pairs, r.applied), (3, 2));
        assert_eq!(r.skipped.len(), 1);
        assert_eq!(r.skipped[0].line, 3);
        assert_eq!(ids_of(&e), ["1", "4"]);
        // 3 stood at index 1 once 2 was gone.
        assert_eq!(seen[1], (4, "4".into(), "3".into(), 1));
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["applied"], 2);
        assert_eq!(j["planFormat"], "csv");
        assert_eq!(j["skipped"][0]["kind"], "missing-id");
    }

    #[test]
    fn ids_merged_before_the_export_redirect() {
        let mut e = numbered(3);
        e.contacts[2].set_prop(MERGED_IDS, Some("77".into()));
        let p = plan(&[("77", "1")]);
        let (r, seen) = apply(&mut e, &p, false);
        assert_eq!(r.unwrap().applied, 1);
        assert_eq!(seen[0].1, "3");
        assert_eq!(ids_of(&e), ["2", "3"]);
    }

    #[test]
    fn export_redirects_skip_live_ids_and_keep_the_first_claim() {
        let mut e = numbered(3);
        e.contacts[1].set_prop(MERGED_IDS, Some("77;1".into()));
        e.contacts[2].set_prop(MERGED_IDS, Some("77;78".into()));
        let mut r = Redirects::from_export(&e);
        assert_eq!(r.resolve("77"), "2");
        assert_eq!(r.resolve("78"), "3");
        assert_eq!(r.resolve("1"), "1");
    }

    #[test]
    fn a_merge_that_changes_the_id_is_refused() {
        let mut e = numbered(2);
        let p = plan(&[("1", "2")]);
        let r = apply_plan(
            &mut e,
            &p,
            &ApplyOptions::default(),
            |_, _, s| {
                Ok(MergeStep {
                    merged: s.clone(),
                    decisions: vec![],
                    warnings: vec![],
                    journal: None,
                })
            },
            None::<NoJournal>,
        );
        let Err(ApplyError::BadPairs { report }) = r else {
            panic!()
        };
        assert!(report.skipped[0]
            .problem
            .to_string()
            .contains("bug in the merge rules"));
    }

    #[test]
    fn journal_failure_stops_the_plan() {
        let mut e = numbered(2);
        let p = plan(&[("1", "2")]);
        let r = apply_plan(
            &mut e,
            &p,
            &ApplyOptions::default(),
            fake_merge,
            Some(|_: &Applied<'_>| Err(io::Error::other("disk full"))),
        );
        assert!(matches!(r, Err(ApplyError::Journal(_))));
        assert_eq!(ids_of(&e), ["1", "2"]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Whenever a pair reaches a contact a pair before it merged, that
        /// merge was told a later pair may name it: through chains,
        /// redirects by the plan and by `hs_merged_object_ids`, refused
        /// merges, unknown ids.
        #[test]
        fn a_merged_contact_a_later_pair_reaches_was_known_to_be_named_later(
            claims in proptest::collection::vec(proptest::option::of(0usize..4), 6),
            pairs in proptest::collection::vec((0usize..12, 0usize..12, proptest::bool::weighted(0.1)), 0..24),
        ) {
            // Contacts c0..c5; c<i> may claim merged-away id m<j>; ids
            // m0..m3 are not contacts, u0..u1 are unknown.
            let id = |k: usize| match k {
                0..=5 => format!("c{k}"),
                6..=9 => format!("m{}", k - 6),
                _ => format!("u{}", k - 10),
            };
            let mut redirects = Redirects::new();
            for (i, claim) in claims.iter().enumerate() {
                if let Some(j) = claim {
                    if redirects.target(&format!("m{j}")).is_none() {
                        redirects.record(&format!("m{j}"), &format!("c{i}"));
                    }
                }
            }
            let plan = Plan::csv("plan.csv", pairs.iter().map(|(p, s, _)| (id(*p), id(*s))));
            let index = |id: &str| id.strip_prefix('c').and_then(|n| n.parse::<usize>().ok());
            let mut last_use = LastUse::new(&plan, &redirects, index);
            let mut alive = [true; 6];
            // The pair that last merged each contact, and what it was told.
            let mut merged_by: [Option<(usize, bool)>; 6] = [None; 6];
            for (k, pair) in plan.pairs.iter().enumerate() {
                let rp = redirects.resolve(&pair.primary);
                let rs = redirects.resolve(&pair.secondary);
                let (Some(pi), Some(si)) = (index(&rp), index(&rs)) else { continue };
                if pi == si || !alive[pi] || !alive[si] {
                    continue;
                }
                for i in [pi, si] {
                    if let Some((at, named_later)) = merged_by[i] {
                        proptest::prop_assert!(named_later, "pair {at} merged c{i}, pair {k} reaches it");
                    }
                }
                let named_later = last_use.merge(k, pi, &rp, si, &rs);
                if pairs[k].2 {
                    // Refused: nothing changes.
                    continue;
                }
                redirects.record(&rs, &rp);
                alive[si] = false;
                merged_by[pi] = Some((k, named_later));
            }
        }
    }

    #[test]
    fn last_use_follows_chains_redirects_and_claims() {
        let index = |id: &str| id.strip_prefix('c').and_then(|n| n.parse::<usize>().ok());
        // A chain: c0 absorbs c1, then c2.
        let p = plan(&[("c0", "c1"), ("c0", "c2")]);
        let mut u = LastUse::new(&p, &Redirects::new(), index);
        assert!(u.merge(0, 0, "c0", 1, "c1"));
        assert!(!u.merge(1, 0, "c0", 2, "c2"));
        // A later pair names the absorbed id; then the absorber is absorbed.
        let p = plan(&[("c0", "c1"), ("c2", "c0"), ("c1", "c3")]);
        let mut u = LastUse::new(&p, &Redirects::new(), index);
        assert!(u.merge(0, 0, "c0", 1, "c1"));
        assert!(u.merge(1, 2, "c2", 0, "c0"), "c1 now resolves to c2");
        // An id merged before the export (c3 lists m9).
        let mut r = Redirects::new();
        r.record("m9", "c3");
        let p = plan(&[("c3", "c4"), ("m9", "c5")]);
        let mut u = LastUse::new(&p, &r, index);
        assert!(u.merge(0, 3, "c3", 4, "c4"));
        // Nobody names the result again.
        let p = plan(&[("c0", "c1"), ("c2", "c3")]);
        let mut u = LastUse::new(&p, &Redirects::new(), index);
        assert!(!u.merge(0, 0, "c0", 1, "c1"));
        assert!(!u.merge(1, 2, "c2", 3, "c3"));
    }

    #[test]
    fn fenwick_counts_marks_before_a_position() {
        let mut f = Fenwick::new(10);
        for i in [0, 3, 4, 9] {
            f.add(i);
        }
        let counts: Vec<usize> = (0..=10).map(|i| f.count_before(i)).collect();
        assert_eq!(counts, [0, 1, 1, 1, 2, 3, 3, 3, 3, 3, 4]);
    }
}
