//! The rules for everything but properties (SPEC section 4, "Everything
//! else"): associations, the timeline, list memberships, workflows,
//! subscriptions, visits, form submissions, usertokens, Salesforce, the
//! `createdAt` / `updatedAt` metadata and parts no rule knows.
//!
//! Contacts read from CSV have no sections (only properties and
//! associations), and CSV cannot hold any: such a merge adds none, not even
//! the MERGE timeline event ([`from_api`]).

use foldhash::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::union::Union;
use super::{write_stamp, SectionChange, StampForm};
use crate::dates::{parse_millis, Millis};
use crate::error::MergeError;
use crate::model::{
    key, value_as_text, AssocList, Associations, Contact, COMPANIES, DEALS, TICKETS,
};
use crate::warning::{Warning, WarningKind};

/// A section of the merged contact and what happened to it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SectionOutcome {
    /// The merged contact's section; `None`: it has none.
    pub value: Option<Value>,
    /// The report; `None` when neither contact had the section.
    pub change: Option<SectionChange>,
}

/// Sections with a rule of their own; every other one is
/// [`primary_unknown_sections`]'s.
pub const RULED_SECTIONS: [&str; 9] = [
    key::CREATED_AT,
    key::UPDATED_AT,
    key::ENGAGEMENTS,
    key::LIST_MEMBERSHIPS,
    key::WORKFLOWS,
    key::SUBSCRIPTIONS,
    key::VISITS,
    key::FORM_SUBMISSIONS,
    key::USERTOKENS,
];

/// Whether the contacts are in HubSpot's API shape (read from JSON or JSON
/// Lines) rather than CSV rows: only then does the merge add sections.
pub fn from_api(p: &Contact, s: &Contact) -> bool {
    [p, s]
        .iter()
        .any(|c| !c.key_order.is_empty() || !c.sections.is_empty())
}

// ---- associations ----

/// Every association kind: companies by [`primary_companies`], every other
/// kind (deals, tickets, custom objects) by [`all_deals_and_tickets`]; P's
/// kinds first, in order. `None` when neither contact has associations.
pub fn merged_associations(p: &Contact, s: &Contact) -> (Option<Associations>, Vec<SectionChange>) {
    if p.associations.is_none() && s.associations.is_none() {
        return (None, Vec::new());
    }
    let kinds = distinct(
        [p, s]
            .into_iter()
            .flat_map(|c| c.associations.iter().flat_map(|a| a.keys()))
            .map(String::as_str),
    );
    let mut out = Associations::default();
    let mut changes = Vec::new();
    for kind in kinds {
        let (list, change) = if kind == COMPANIES {
            primary_companies(p, s)
        } else {
            all_deals_and_tickets(p, s, kind)
        };
        if let Some(list) = list {
            out.insert(kind.to_string(), list);
        }
        changes.extend(change);
    }
    let out = (p.associations.is_some() || !out.is_empty()).then_some(out);
    (out, changes)
}

/// Companies: P's company associations stay, S's are dropped (and named).
pub fn primary_companies(p: &Contact, s: &Contact) -> (Option<AssocList>, Option<SectionChange>) {
    let (pl, sl) = (p.assoc(COMPANIES), s.assoc(COMPANIES));
    if pl.is_none() && sl.is_none() {
        return (None, None);
    }
    let len = |l: Option<&AssocList>| l.map_or(0, |l| l.entries.len());
    let mut met = Union::new(false, len(pl) + len(sl));
    pl.into_iter().flat_map(|l| l.ids()).for_each(|id| {
        met.insert(id);
    });
    let kept: Vec<String> = met.kept().iter().map(|id| id.to_string()).collect();
    // S's ids that are not P's, each once.
    let dropped: Vec<String> = sl
        .into_iter()
        .flat_map(|l| l.ids())
        .filter(|id| met.insert(id))
        .map(String::from)
        .collect();
    let note = if dropped.is_empty() {
        "the primary's company associations are kept".to_string()
    } else {
        "the primary's company associations are kept; the secondary's are dropped (its deals and tickets keep their own companies)".to_string()
    };
    let change = SectionChange {
        section: COMPANIES.into(),
        kept,
        added: Vec::new(),
        dropped,
        note,
        ..Default::default()
    };
    (pl.cloned(), Some(change))
}

/// Deals, tickets and every other association kind but companies: all of
/// P's and S's, P's first, in P's list form (S's when P has no list of
/// this kind). An entry is dropped as a repeat when one kept before has
/// its id and the same association type, or either has none (a plain id):
/// HubSpot's API lists a deal once per type (`contact_to_deal`, a label),
/// and each of those stays. Each entry keeps the element it was read as
/// (the writer puts it in the list's form).
pub fn all_deals_and_tickets(
    p: &Contact,
    s: &Contact,
    kind: &str,
) -> (Option<AssocList>, Option<SectionChange>) {
    let (pl, sl) = (p.assoc(kind), s.assoc(kind));
    let Some(first) = pl.or(sl) else {
        return (None, None);
    };
    let mut out = AssocList {
        form: first.form.clone(),
        entries: Vec::new(),
    };
    let room = pl.map_or(0, |l| l.entries.len()) + sl.map_or(0, |l| l.entries.len());
    let entries = || [pl, sl].into_iter().flatten().flat_map(|l| &l.entries);
    let (mut kept, mut added) = (Vec::new(), Vec::new());
    // Plain ids (every CSV, merged on the hot path) by id alone, in place;
    // typed entries by id and type.
    if entries().all(|e| assoc_type(e).is_none()) {
        let mut seen = Union::new(false, room);
        for (list, ids) in [(pl, &mut kept), (sl, &mut added)] {
            for e in list.into_iter().flat_map(|l| &l.entries) {
                if seen.insert(&e.id) {
                    out.entries.push(e.clone());
                    ids.push(e.id.clone());
                }
            }
        }
    } else {
        let mut types: HashMap<&str, Vec<Option<String>>> = HashMap::default();
        for (list, ids) in [(pl, &mut kept), (sl, &mut added)] {
            for e in list.into_iter().flat_map(|l| &l.entries) {
                let ty = assoc_type(e);
                let met = types.entry(e.id.as_str()).or_default();
                if met.iter().any(|m| m.is_none() || ty.is_none() || *m == ty) {
                    continue;
                }
                if met.is_empty() {
                    ids.push(e.id.clone());
                }
                met.push(ty);
                out.entries.push(e.clone());
            }
        }
    }
    // Deals' and tickets' notes are written out rather than formatted (a
    // merge of CSV contacts makes one each time).
    let note = match kind {
        DEALS => "all deals of both contacts, deduplicated; no company association of a deal or ticket changes".to_string(),
        TICKETS => "all tickets of both contacts, deduplicated; no company association of a deal or ticket changes".to_string(),
        _ => format!("all {kind} of both contacts, deduplicated"),
    };
    let change = SectionChange {
        section: kind.into(),
        kept,
        added,
        dropped: Vec::new(),
        note,
        ..Default::default()
    };
    (Some(out), Some(change))
}

/// An association entry's type, when it was read with one: the element's
/// members besides its id (v3's `type`, v4's `associationTypes`), as
/// text; `None` for a plain id or `{"id": ...}` alone.
fn assoc_type(e: &crate::model::AssocEntry) -> Option<String> {
    let Value::Object(m) = &e.raw else {
        return None;
    };
    let mut rest: Vec<(&String, &Value)> = (m.iter())
        .filter(|(k, _)| !matches!(k.as_str(), "id" | "toObjectId"))
        .collect();
    if rest.is_empty() {
        return None;
    }
    rest.sort_by(|a, b| a.0.cmp(b.0));
    serde_json::to_string(&rest).ok()
}

// ---- timeline ----

/// Engagements: all activities of both timelines, deduplicated by type and
/// id (P's copy kept; items without an id by exact equality), oldest first by
/// `timestamp` (a number of epoch milliseconds or a date in any form;
/// stable; items without one first), plus one merge event
/// `{"type": "MERGE", "timestamp": <merge time>, "secondaryId": <S's id>}`
/// whose timestamp is written in the form the engagements use (ISO 8601
/// when there are none). The event is added even when neither contact had
/// engagements, unless they came from CSV ([`from_api`]).
pub fn combined_timeline(
    p: &Contact,
    s: &Contact,
    merge_time: Millis,
) -> Result<SectionOutcome, MergeError> {
    const KEY: &str = key::ENGAGEMENTS;
    if !from_api(p, s) {
        return Ok(SectionOutcome::default());
    }
    if let Some(odd) = not_a_list(p, s, KEY) {
        return Ok(odd);
    }
    let (pi, si) = (p.section_items(KEY), s.section_items(KEY));
    let mut items: Vec<(Option<Millis>, Value)> = Vec::with_capacity(pi.len() + si.len() + 1);
    let mut seen: HashSet<String> = HashSet::default();
    let (mut kept, mut added, mut repeated) = (Vec::new(), Vec::new(), 0usize);
    for (c, list, is_p) in [(p, pi, true), (s, si, false)] {
        for item in list {
            // By type and id: HubSpot's calls, notes, emails, ... are
            // objects of their own, whose ids can meet.
            let dedup_key = match item.get("id").and_then(value_as_text) {
                Some(id) => {
                    let kind = item.get("type").and_then(value_as_text);
                    format!("id:{}:{id}", kind.as_deref().unwrap_or(""))
                }
                None => format!("item:{item}"),
            };
            if !seen.insert(dedup_key) {
                repeated += usize::from(!is_p);
                continue;
            }
            let label = item_label(item);
            if is_p {
                kept.push(label)
            } else {
                added.push(label)
            }
            items.push((engagement_time(c, item)?, item.clone()));
        }
    }
    let form = pi
        .iter()
        .chain(si)
        .find_map(|i| i.get("timestamp").and_then(StampForm::of))
        .unwrap_or_default();
    let mut event = Map::new();
    event.insert("type".into(), Value::String("MERGE".into()));
    event.insert("timestamp".into(), write_stamp(merge_time, form));
    event.insert("secondaryId".into(), id_value(s));
    items.push((Some(merge_time), Value::Object(event)));
    items.sort_by_key(|(t, _)| *t);
    let mut note = "1 MERGE event added".to_string();
    if repeated > 0 {
        note.push_str(&match repeated {
            1 => "; 1 of the secondary's activities was already on the primary's timeline"
                .to_string(),
            n => format!(
                "; {n} of the secondary's activities were already on the primary's timeline"
            ),
        });
    }
    Ok(SectionOutcome {
        value: Some(Value::Array(items.into_iter().map(|(_, v)| v).collect())),
        change: Some(SectionChange {
            section: KEY.into(),
            kept,
            added,
            dropped: Vec::new(),
            note,
            ..Default::default()
        }),
    })
}

fn engagement_time(c: &Contact, item: &Value) -> Result<Option<Millis>, MergeError> {
    match item.get("timestamp") {
        Some(Value::Number(n)) => Ok(n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))),
        Some(Value::String(t)) => parse_millis(t).map(Some).map_err(|_| MergeError::BadDate {
            record: c.id.clone(),
            property: format!("{} timestamp", key::ENGAGEMENTS),
            value: t.clone(),
        }),
        _ => Ok(None),
    }
}

/// A contact's id as JSON, a number when the file wrote it as one.
fn id_value(c: &Contact) -> Value {
    match c.id.parse::<serde_json::Number>() {
        Ok(n) if c.id_is_number => Value::Number(n),
        _ => Value::String(c.id.clone()),
    }
}

// ---- lists and workflows ----

/// List memberships: the result keeps P's; S is removed from its static
/// lists (S's lists P is not in are dropped). Active lists, P's and S's,
/// may change once the merged data is evaluated: the note names them.
pub fn primary_list_memberships(p: &Contact, s: &Contact) -> SectionOutcome {
    const KEY: &str = key::LIST_MEMBERSHIPS;
    if p.section(KEY).is_none() && s.section(KEY).is_none() {
        return SectionOutcome::default();
    }
    let (pl, sl) = (p.section_items(KEY), s.section_items(KEY));
    let kept = dedup(pl.iter().map(item_label));
    let is_kept: HashSet<&str> = kept.iter().map(String::as_str).collect();
    let not_p = |v: &&Value| !is_kept.contains(item_label(v).as_str());
    let dropped = dedup(sl.iter().filter(not_p).map(item_label));
    let is_active = |v: &&Value| {
        v.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("ACTIVE") || t.eq_ignore_ascii_case("DYNAMIC"))
    };
    let static_dropped = dedup(
        sl.iter()
            .filter(not_p)
            .filter(|v| !is_active(v))
            .map(item_label),
    );
    let active = dedup(pl.iter().chain(sl).filter(is_active).map(item_label));
    let mut notes = Vec::new();
    if !static_dropped.is_empty() {
        notes.push(format!(
            "the secondary is removed from its static lists: {}",
            static_dropped.join(", ")
        ));
    }
    if !active.is_empty() {
        notes.push(format!(
            "active lists need re-evaluation: {}",
            active.join(", ")
        ));
    }
    if notes.is_empty() {
        notes.push("the primary's list memberships are kept".into());
    }
    SectionOutcome {
        value: p.section(KEY).cloned(),
        change: Some(SectionChange {
            section: KEY.into(),
            kept,
            added: Vec::new(),
            dropped,
            note: notes.join("; "),
            to_reevaluate: active.len(),
            ..Default::default()
        }),
    }
}

/// Workflow enrollments: the result keeps P's; S is removed from its
/// workflows. The merged contact is not enrolled because of the merge;
/// with `enroll_on_merge` the note names P's workflows as the ones that
/// should see the merged contact as newly changed.
pub fn primary_workflows(p: &Contact, s: &Contact, enroll_on_merge: bool) -> SectionOutcome {
    const KEY: &str = key::WORKFLOWS;
    if p.section(KEY).is_none() && s.section(KEY).is_none() {
        return SectionOutcome::default();
    }
    let kept = dedup(p.section_items(KEY).iter().map(item_label));
    let is_kept: HashSet<&str> = kept.iter().map(String::as_str).collect();
    let dropped = dedup(
        s.section_items(KEY)
            .iter()
            .map(item_label)
            .filter(|l| !is_kept.contains(l.as_str())),
    );
    let mut notes = Vec::new();
    if !dropped.is_empty() {
        notes.push(format!(
            "the secondary is removed from its workflows: {}",
            dropped.join(", ")
        ));
    }
    let marked = if enroll_on_merge { kept.len() } else { 0 };
    notes.push(if !enroll_on_merge {
        "the merged contact is not enrolled in workflows because of the merge".into()
    } else if kept.is_empty() {
        "--enroll-on-merge: the primary is in no workflow".into()
    } else {
        format!(
            "--enroll-on-merge: these workflows should see the merged contact as newly changed: {}",
            kept.join(", ")
        )
    });
    SectionOutcome {
        value: p.section(KEY).cloned(),
        change: Some(SectionChange {
            section: KEY.into(),
            kept,
            added: Vec::new(),
            dropped,
            note: notes.join("; "),
            marked,
            ..Default::default()
        }),
    }
}

// ---- subscriptions ----

/// Communication subscriptions (email address → list of subscriptions):
/// P's sets stay under P's emails, S's are added under S's emails. An email
/// both contacts have a set for (case-insensitive) keeps P's set, with
/// what S's adds to it ([`combined_set`]: an opt-out is never lost); S's
/// set is reported as dropped when it adds nothing.
pub fn subscriptions_per_email(p: &Contact, s: &Contact) -> SectionOutcome {
    const KEY: &str = key::SUBSCRIPTIONS;
    let (pv, sv) = (p.section(KEY), s.section(KEY));
    if pv.is_none() && sv.is_none() {
        return SectionOutcome::default();
    }
    let object = |v: Option<&Value>| v.is_none_or(|v| v.is_object() || v.is_null());
    if !object(pv) || !object(sv) {
        return odd_shape(p, s, KEY, "an object of email address → subscriptions");
    }
    let mut out = pv.and_then(Value::as_object).cloned().unwrap_or_default();
    let kept: Vec<String> = out.keys().cloned().collect();
    // The emails the result has a set for, as compared: trimmed, ASCII
    // case folded (a set, not a search per email).
    let fold = |email: &str| email.trim().to_ascii_lowercase();
    // Folded email → the result's key for it (P's spelling, or S's).
    let mut has: HashMap<String, String> = out.keys().map(|k| (fold(k), k.clone())).collect();
    let (mut added, mut dropped, mut taken) = (Vec::new(), Vec::new(), Vec::new());
    for (email, set) in sv.and_then(Value::as_object).into_iter().flatten() {
        if let Some(key) = has.get(&fold(email)) {
            let ours = out.get_mut(key.as_str());
            match ours.and_then(|v| combined_set(v, set).map(|c| (v, c))) {
                Some((v, (combined, what))) => {
                    *v = combined;
                    taken.push(format!("{key}: {}", what.join(", ")));
                }
                None => dropped.push(email.clone()),
            }
        } else {
            has.insert(fold(email), email.clone());
            out.insert(email.clone(), set.clone());
            added.push(email.clone());
        }
    }
    let mut note =
        "subscriptions stay per email address: the primary's under its emails, the secondary's under its own".to_string();
    if !dropped.is_empty() {
        note.push_str(&format!(
            "; emails both contacts had keep the primary's set: {}",
            dropped.join(", ")
        ));
    }
    if !taken.is_empty() {
        note.push_str(&format!(
            "; emails both contacts had keep the primary's set with what the secondary's adds (an opt-out is never lost): {}",
            taken.join("; ")
        ));
    }
    SectionOutcome {
        value: Some(Value::Object(out)),
        change: Some(SectionChange {
            section: KEY.into(),
            kept,
            added,
            dropped,
            note,
            ..Default::default()
        }),
    }
}

// ---- visits, forms, usertokens ----

/// Visits (analytics sources): both contacts', attributed to the merged
/// contact; exact duplicates only are dropped; P's first, then S's, each in
/// its order.
pub fn all_visits(p: &Contact, s: &Contact) -> SectionOutcome {
    union_items(
        p,
        s,
        key::VISITS,
        "the secondary's visits are attributed to the merged contact",
    )
}

/// Form submissions: both contacts' (exact duplicates dropped), P's first.
pub fn all_form_submissions(p: &Contact, s: &Contact) -> SectionOutcome {
    union_items(
        p,
        s,
        key::FORM_SUBMISSIONS,
        "the secondary's form submissions are kept; its email stays tied to the merged contact through hs_additional_emails",
    )
}

/// Usertokens (tracking cookies): both contacts', deduplicated, P's first.
pub fn all_usertokens(p: &Contact, s: &Contact) -> SectionOutcome {
    union_items(
        p,
        s,
        key::USERTOKENS,
        "the secondary's usertokens now identify the merged contact",
    )
}

fn union_items(p: &Contact, s: &Contact, key: &str, note: &str) -> SectionOutcome {
    if p.section(key).is_none() && s.section(key).is_none() {
        return SectionOutcome::default();
    }
    if let Some(odd) = not_a_list(p, s, key) {
        return odd;
    }
    let mut out = Vec::new();
    let mut seen: HashSet<String> = HashSet::default();
    let (mut kept, mut added) = (Vec::new(), Vec::new());
    for (c, labels) in [(p, &mut kept), (s, &mut added)] {
        for item in c.section_items(key) {
            if seen.insert(item.to_string()) {
                labels.push(item_label(item));
                out.push(item.clone());
            }
        }
    }
    SectionOutcome {
        value: Some(Value::Array(out)),
        change: Some(SectionChange {
            section: key.into(),
            kept,
            added,
            dropped: Vec::new(),
            note: note.into(),
            ..Default::default()
        }),
    }
}

// ---- metadata and unknown parts ----

/// `updatedAt`: the latest of both (as [`super::latest_last_modified`]).
pub fn latest_updated_at(p: &Contact, s: &Contact) -> Result<Option<Value>, MergeError> {
    meta_pick(p, s, key::UPDATED_AT, |a, b| b > a)
}

fn meta_pick(
    p: &Contact,
    s: &Contact,
    key: &str,
    s_wins: impl Fn(Millis, Millis) -> bool,
) -> Result<Option<Value>, MergeError> {
    let time = |c: &Contact| -> Result<Option<Millis>, MergeError> {
        match c.meta_text(key) {
            Some(v) if !v.trim().is_empty() => {
                parse_millis(&v).map(Some).map_err(|_| MergeError::BadDate {
                    record: c.id.clone(),
                    property: key.into(),
                    value: v,
                })
            }
            _ => Ok(None),
        }
    };
    let winner = match (time(p)?, time(s)?) {
        (None, Some(_)) => s,
        (Some(a), Some(b)) if s_wins(a, b) => s,
        _ => p,
    };
    Ok(winner.section(key).cloned())
}

/// Parts of a contact no rule knows (and `archived`): P's stay as they
/// are; S's that differ from P's are dropped and reported, but for a v1
/// contact's keys about the record itself ([`key::V1_RECORD`]).
/// An empty list or object (or a null) holds nothing to drop.
pub fn primary_unknown_sections(p: &Contact, s: &Contact) -> Vec<SectionChange> {
    let audits_joined = all_merge_audits(p, s).is_some();
    s.sections
        .iter()
        .filter(|(k, _)| !RULED_SECTIONS.contains(&k.as_str()))
        .filter(|(k, _)| !key::V1_RECORD.contains(&k.as_str()))
        .filter(|(k, _)| !(audits_joined && *k == key::MERGE_AUDITS))
        .filter(|(_, v)| !holds_nothing(v))
        .filter(|(k, v)| p.section(k) != Some(*v))
        .map(|(k, v)| SectionChange {
            section: k.clone(),
            kept: p.section(k).map(Value::to_string).into_iter().collect(),
            added: Vec::new(),
            dropped: vec![v.to_string()],
            note: format!(
                "no merge rule knows \"{k}\": the primary's is kept, the secondary's dropped"
            ),
            ..Default::default()
        })
        .collect()
}

/// Whether a part is an empty list or object, or a null.
fn holds_nothing(v: &Value) -> bool {
    match v {
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Null => true,
        _ => false,
    }
}

/// A v1 contact's `merge-audits`, the record of the merges into it: both
/// kept, the primary's then the secondary's (SPEC section 4 keeps both
/// timelines' activities; the audit of this merge is appended after them,
/// `format::v1`). `None` when neither has one, or one is no list (kept as
/// read, as parts no rule knows are).
pub fn all_merge_audits(p: &Contact, s: &Contact) -> Option<Vec<Value>> {
    fn list(c: &Contact) -> Option<Option<&Vec<Value>>> {
        match c.section(key::MERGE_AUDITS) {
            None => Some(None),
            Some(Value::Array(a)) => Some(Some(a)),
            Some(_) => None,
        }
    }
    match (list(p)?, list(s)?) {
        (None, None) => None,
        (a, b) => Some(a.into_iter().chain(b).flatten().cloned().collect()),
    }
}

// ---- Salesforce ----

/// The section that reports Salesforce sync ([`salesforce_sync`]).
pub const SALESFORCE: &str = "salesforce";

/// Salesforce sync: only P keeps syncing (the property itself is
/// [`super::primary_salesforce_id`]). S's Salesforce record is reported as
/// no longer synced; when both sync, a warning says to merge the records in
/// Salesforce first. Returns the report and the warnings.
pub fn salesforce_sync(p: &Contact, s: &Contact) -> (Option<SectionChange>, Vec<Warning>) {
    const PROP: &str = super::SALESFORCE_ID;
    let id = |c: &Contact| {
        c.prop(PROP)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    let (a, b) = (id(p), id(s));
    if a.is_none() && b.is_none() {
        return (None, Vec::new());
    }
    let mut warnings = Vec::new();
    let (dropped, note) = match (&a, &b) {
        (_, None) => (
            vec![],
            "only the primary syncs with Salesforce; it keeps syncing".to_string(),
        ),
        (Some(x), Some(y)) if x == y => (
            vec![],
            "both contacts sync to the same Salesforce record; the merged contact keeps syncing"
                .to_string(),
        ),
        (Some(x), Some(y)) => {
            warnings.push(Warning::new(WarningKind::SalesforceBothSync, format!(
                "contacts {} and {} both sync to Salesforce (primary: {x}, secondary: {y}): merge the records in Salesforce first, keeping {x}, the one synced to the primary",
                p.id, s.id
            )));
            (
                vec![y.clone()],
                format!("Salesforce record {y} is no longer synced; only {x} (the primary's) is"),
            )
        }
        (None, Some(y)) => {
            warnings.push(Warning::new(WarningKind::SalesforceUnsynced, format!(
                "contact {}: its Salesforce record {y} is no longer synced after the merge (only the primary, {}, keeps syncing, and it has no Salesforce id)",
                s.id, p.id
            )));
            (
                vec![y.clone()],
                format!("Salesforce record {y} (the secondary's) is no longer synced"),
            )
        }
    };
    let change = SectionChange {
        section: SALESFORCE.into(),
        kept: a.into_iter().collect(),
        added: Vec::new(),
        dropped,
        note,
        ..Default::default()
    };
    (Some(change), warnings)
}

// ---- helpers ----

/// How an item is named in a report: ids (`id`, `listId`, `workflowId`,
/// v1's `static-list-id`) or scalars as text; visits and form submissions
/// by what tells them apart to a reader (`formId` or v1's `form-id`,
/// `timestamp`, `url`); other objects as compact JSON.
pub fn item_label(v: &Value) -> String {
    match v {
        Value::Object(o) => ["id", "listId", "workflowId", "static-list-id"]
            .iter()
            .find_map(|k| o.get(*k).and_then(value_as_text))
            .unwrap_or_else(|| {
                let parts: Vec<String> = ["formId", "form-id", "timestamp", "url"]
                    .iter()
                    .filter_map(|k| o.get(*k).and_then(value_as_text))
                    .collect();
                if parts.is_empty() {
                    v.to_string()
                } else {
                    parts.join(" ")
                }
            }),
        other => value_as_text(other).unwrap_or_else(|| other.to_string()),
    }
}

/// The items in order, each once (the first stays): one set lookup each.
fn dedup(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::default();
    items
        .into_iter()
        .filter(|i| !seen.contains(i.as_str()) && seen.insert(i.clone()))
        .collect()
}

/// The texts in order, each once (the first stays).
fn distinct<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut union = Union::new(false, 0);
    for i in items {
        union.insert(i);
    }
    union.into_kept()
}

/// A list section that is not a list on either contact: P's is kept as it
/// is, S's dropped.
fn not_a_list(p: &Contact, s: &Contact, key: &str) -> Option<SectionOutcome> {
    let odd = |c: &Contact| {
        c.section(key)
            .is_some_and(|v| !v.is_array() && !v.is_null())
    };
    (odd(p) || odd(s)).then(|| odd_shape(p, s, key, "a list"))
}

fn odd_shape(p: &Contact, s: &Contact, key: &str, expected: &str) -> SectionOutcome {
    SectionOutcome {
        value: p.section(key).cloned(),
        change: Some(SectionChange {
            section: key.into(),
            kept: p.section(key).map(Value::to_string).into_iter().collect(),
            added: Vec::new(),
            dropped: s.section(key).map(Value::to_string).into_iter().collect(),
            note: format!("\"{key}\" is not {expected} on both contacts: the primary's is kept as it is, the secondary's dropped"),
            ..Default::default()
        }),
    }
}

mod subscription_sets;
use subscription_sets::combined_set;

#[cfg(test)]
mod tests;
