//! Property tests for the promises users rely on (issue 7), over random
//! exports (JSON, JSON Lines and CSV, read through the real readers) and
//! random valid plans (chains, pairs naming merged-away ids and HubSpot's
//! own merged-id redirects):
//!
//! - every email of both contacts is still on the merged contact;
//! - every deal, ticket, engagement, visit, form submission and usertoken
//!   is still there, after each merge and after the whole plan;
//! - the summed counters are conserved;
//! - each merged contact agrees with itself (issue 19): `createdAt` and
//!   `createdate` hold the oldest instant of both contacts' four values,
//!   and every history's first entry is the current value, at its newest
//!   time;
//! - the same export, plan and merge time give the same bytes, output and
//!   journal;
//! - restoring every merge of the journal newest first gives back the
//!   original export (issue 4), in memory and file by file as the command
//!   line does it.
//!
//! The plan is applied the way `contact-merge apply` does it
//! (`src/cli/apply.rs`): `apply_plan` with `merge_contacts` as the merge
//! step and a `JournalWriter` recording every merge.
//!
//! Cases: `PROPTEST_CASES` (default 32), e.g.
//! `PROPTEST_CASES=1000 cargo test --test props`.

use std::collections::HashMap;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::{FileFailurePersistence, TestRunner};
use serde_json::{json, Map, Value};

use contact_merge::dates::{format_date, DateForm, Millis};
use contact_merge::format::{self, Format};
use contact_merge::journal::{parse_journal, JournalWriter};
use contact_merge::labels::LIFECYCLE_STAGES;
use contact_merge::model::{key, split_multi, value_as_text, Contact, Export};
use contact_merge::plan::{apply_plan, parse_plan, ApplyOptions, MergeStep, PlanFormat, Primary};
use contact_merge::props::{parse_counter, SUMMED_COUNTERS};
use contact_merge::rules::{MergeOptions, Policy};
use contact_merge::unmerge::restore;

// ---------------------------------------------------------------------------
// Configuration

/// `PROPTEST_CASES`, else 32: enough for CI, raise it to dig deeper.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    ProptestConfig {
        // Failing cases are kept beside this file, in
        // tests/props.proptest-regressions, and replayed first.
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::with_cases(cases)
    }
}

const MINUTE: Millis = 60_000;
/// 2020-01-01T00:00:00Z: every generated date is after it.
const START: Millis = 1_577_836_800_000;

const EMAILS: [&str; 8] = [
    "ann@x.com",
    "Ann@X.com",
    "bob@y.org",
    "cy@z.net",
    "dee@x.com",
    "ED@Y.ORG",
    "fay@z.net",
    "gus@x.com",
];
const FIRST_NAMES: [&str; 4] = ["Ann", "Bob", "Dürer", "Zoë"];
const NOTES: [&str; 5] = ["plain", "a, comma", "say \"hi\"", "two\nlines", ""];
const DATE_FORMS: [DateForm; 5] = [
    DateForm::Iso,
    DateForm::EpochMillis,
    DateForm::Minutes,
    DateForm::Seconds,
    DateForm::Day,
];
const MERGE_TIMES: [&str; 3] = [
    "2024-03-01T10:00:00.000Z",
    "2021-06-15T08:30:00.000Z",
    "2030-01-01T00:00:00.000Z",
];

// ---------------------------------------------------------------------------
// Random contacts

/// What every export form can hold: properties and association ids.
#[derive(Debug, Clone)]
struct Core {
    email: Option<usize>,
    additional: Vec<usize>,
    /// Separate additional emails with "; " rather than ";".
    spaced: bool,
    firstname: Option<usize>,
    /// Stage, and its spelling: internal value, label, upper case.
    stage: Option<(usize, u8)>,
    /// Minutes after START, and the date form.
    created: Option<(u32, usize)>,
    modified: Option<(u32, usize)>,
    /// One per summed counter: the count and how it is written (plain,
    /// `N.0`, padded with spaces, an empty cell).
    counters: Vec<Option<(u32, u8)>>,
    /// How many earlier merges the contact holds in `hs_merged_object_ids`.
    merged_ids: usize,
    marketable: Option<bool>,
    deals: Vec<u8>,
    tickets: Vec<u8>,
    companies: Vec<u8>,
    note: Option<usize>,
}

fn date() -> impl Strategy<Value = (u32, usize)> {
    (0u32..2_000_000, 0..DATE_FORMS.len())
}

fn core() -> impl Strategy<Value = Core> {
    (
        (
            prop::option::of(0..EMAILS.len()),
            prop::collection::vec(0..EMAILS.len(), 0..3),
            any::<bool>(),
            prop::option::of(0..FIRST_NAMES.len()),
            prop::option::of((0..LIFECYCLE_STAGES.len(), 0u8..3)),
            prop::option::of(date()),
            prop::option::of(date()),
        ),
        (
            prop::collection::vec(
                prop::option::of((0u32..1000, 0u8..4)),
                SUMMED_COUNTERS.len(),
            ),
            0usize..3,
            prop::option::of(any::<bool>()),
            prop::collection::vec(0u8..8, 0..3),
            prop::collection::vec(0u8..8, 0..3),
            prop::collection::vec(0u8..4, 0..2),
            prop::option::of(0..NOTES.len()),
        ),
    )
        .prop_map(
            |(
                (email, additional, spaced, firstname, stage, created, modified),
                (counters, merged_ids, marketable, deals, tickets, companies, note),
            )| Core {
                email,
                additional,
                spaced,
                firstname,
                stage,
                created,
                modified,
                counters,
                merged_ids,
                marketable,
                deals,
                tickets,
                companies,
                note,
            },
        )
}

/// What only the API shape (JSON, JSON Lines) holds.
#[derive(Debug, Clone)]
struct Extras {
    /// `"id": 101` rather than `"id": "101"`.
    id_number: bool,
    /// An unset property is written `null` rather than left out.
    nulls: bool,
    /// Per association kind (companies, deals, tickets): left out, a plain
    /// id list, HubSpot's `{"results": [...]}`.
    assoc_forms: [u8; 3],
    history: bool,
    /// `createdAt` / `updatedAt`: minutes after START.
    meta: Option<(u32, u32)>,
    engagements: Option<Vec<u8>>,
    visits: Option<Vec<u8>>,
    forms: Option<Vec<u8>>,
    usertokens: Option<Vec<u8>>,
    subscriptions: bool,
    lists: Option<Vec<u8>>,
    workflows: Option<Vec<u8>>,
    /// An unknown part, kept as read.
    custom: Option<u8>,
    /// Rotates the contact's keys and properties, so that no order is
    /// assumed.
    rotate: usize,
}

fn items(max: u8) -> impl Strategy<Value = Option<Vec<u8>>> {
    prop::option::of(prop::collection::vec(0..max, 0..4))
}

fn extras() -> impl Strategy<Value = Extras> {
    (
        (
            any::<bool>(),
            any::<bool>(),
            [0u8..3, 0u8..3, 0u8..3],
            any::<bool>(),
            prop::option::of((0u32..2_000_000, 0u32..2_000_000)),
            items(10),
            items(6),
        ),
        (
            items(6),
            items(6),
            any::<bool>(),
            items(4),
            items(4),
            prop::option::of(0u8..3),
            0usize..16,
        ),
    )
        .prop_map(
            |(
                (id_number, nulls, assoc_forms, history, meta, engagements, visits),
                (forms, usertokens, subscriptions, lists, workflows, custom, rotate),
            )| Extras {
                id_number,
                nulls,
                assoc_forms,
                history,
                meta,
                engagements,
                visits,
                forms,
                usertokens,
                subscriptions,
                lists,
                workflows,
                custom,
                rotate,
            },
        )
}

fn contact_id(i: usize) -> String {
    (101 + i).to_string()
}

/// Ids of earlier merges (HubSpot redirects them): never a contact's id,
/// never another contact's.
fn merged_ids(i: usize, n: usize) -> Vec<String> {
    (0..n).map(|k| (9000 + 10 * i + k).to_string()).collect()
}

fn date_text((minutes, form): (u32, usize)) -> String {
    format_date(START + Millis::from(minutes) * MINUTE, DATE_FORMS[form])
}

fn counter_text((n, style): (u32, u8)) -> String {
    match style {
        0 => n.to_string(),
        1 => format!("{n}.0"),
        2 => format!(" {n} "),
        _ => String::new(),
    }
}

fn stage_text((i, spelling): (usize, u8)) -> String {
    let (internal, label) = LIFECYCLE_STAGES[i];
    match spelling {
        0 => internal.to_string(),
        1 => label.to_string(),
        _ => label.to_uppercase(),
    }
}

fn additional_text(c: &Core) -> String {
    let sep = if c.spaced { "; " } else { ";" };
    c.additional
        .iter()
        .map(|&i| EMAILS[i])
        .collect::<Vec<_>>()
        .join(sep)
}

/// The properties of a contact, by internal name, as text (`None`: unset).
fn core_properties(i: usize, c: &Core) -> Vec<(&'static str, Option<String>)> {
    let mut out: Vec<(&'static str, Option<String>)> = vec![
        ("email", c.email.map(|e| EMAILS[e].to_string())),
        (
            "hs_additional_emails",
            (!c.additional.is_empty()).then(|| additional_text(c)),
        ),
        ("firstname", c.firstname.map(|f| FIRST_NAMES[f].to_string())),
        ("lifecyclestage", c.stage.map(stage_text)),
        ("createdate", c.created.map(date_text)),
        ("lastmodifieddate", c.modified.map(date_text)),
    ];
    for (name, v) in SUMMED_COUNTERS.iter().zip(&c.counters) {
        out.push((name, v.map(counter_text)));
    }
    out.push((
        "hs_merged_object_ids",
        (c.merged_ids > 0).then(|| merged_ids(i, c.merged_ids).join(";")),
    ));
    out.push(("hs_marketable_status", c.marketable.map(|m| m.to_string())));
    out.push(("notes", c.note.map(|n| NOTES[n].to_string())));
    out
}

fn rotate<T>(mut v: Vec<T>, by: usize) -> Vec<T> {
    if !v.is_empty() {
        let k = by % v.len();
        v.rotate_left(k);
    }
    v
}

/// A timestamp as the API writes it: a number or ISO text.
fn stamp(minutes: u32, as_number: bool) -> Value {
    let ms = START + Millis::from(minutes) * MINUTE;
    if as_number {
        json!(ms)
    } else {
        json!(format_date(ms, DateForm::Iso))
    }
}

fn association(kind: &str, ids: &[String], form: u8) -> Option<Value> {
    match form {
        0 => None,
        1 => Some(Value::Array(
            ids.iter()
                .enumerate()
                .map(|(k, id)| match id.parse::<u64>() {
                    // Ids may be numbers in a plain list.
                    Ok(n) if k % 2 == 1 => json!(n),
                    _ => json!(id),
                })
                .collect(),
        )),
        _ => Some(json!({
            "results": ids
                .iter()
                .map(|id| json!({"id": id, "type": format!("contact_to_{}", kind.trim_end_matches('s'))}))
                .collect::<Vec<_>>(),
        })),
    }
}

fn deal_id(d: u8) -> String {
    format!("70{d}")
}
fn ticket_id(t: u8) -> String {
    format!("t-{t}")
}
fn company_id(c: u8) -> String {
    format!("50{c}")
}

/// An engagement: the same id always has the same content (the same
/// activity on two contacts), in various shapes.
fn engagement(e: u8) -> Value {
    let types = ["NOTE", "CALL", "EMAIL", "MEETING"];
    let id = if e % 3 == 0 {
        json!(u64::from(e) + 1)
    } else {
        json!(format!("e-{e}"))
    };
    json!({"id": id, "type": types[usize::from(e) % 4], "timestamp": stamp(u32::from(e) * 997, e % 2 == 0)})
}

fn visit(v: u8) -> Value {
    let mut m = Map::new();
    m.insert("timestamp".into(), stamp(u32::from(v) * 1301, v % 2 == 1));
    if v % 3 != 0 {
        m.insert("url".into(), json!(format!("https://x.com/p{v}")));
    }
    if v % 2 == 0 {
        m.insert("source".into(), json!("ORGANIC_SEARCH"));
    }
    Value::Object(m)
}

fn form_submission(f: u8) -> Value {
    let mut m = Map::new();
    m.insert("formId".into(), json!(format!("form-{}", f % 3)));
    m.insert("timestamp".into(), stamp(u32::from(f) * 733, false));
    if f % 2 == 0 {
        m.insert("email".into(), json!(EMAILS[usize::from(f)]));
    }
    Value::Object(m)
}

/// One contact in HubSpot's API shape.
fn api_contact(i: usize, c: &Core, x: &Extras) -> Value {
    let id = contact_id(i);
    let mut props: Vec<(String, Value)> = Vec::new();
    if x.rotate % 2 == 0 {
        props.push(("hs_object_id".into(), json!(id)));
    }
    for (name, v) in core_properties(i, c) {
        match v {
            Some(v) => props.push((name.into(), json!(v))),
            None if x.nulls => props.push((name.into(), Value::Null)),
            None => {}
        }
    }
    let props: Map<String, Value> = rotate(props, x.rotate / 2).into_iter().collect();

    let mut parts: Vec<(String, Value)> = vec![
        (
            key::ID.into(),
            if x.id_number {
                json!(101 + i)
            } else {
                json!(id)
            },
        ),
        (key::PROPERTIES.into(), Value::Object(props)),
    ];
    if x.history {
        let mut h = Map::new();
        if let Some(e) = c.email {
            h.insert(
                "email".into(),
                json!([{"value": EMAILS[e], "timestamp": stamp(1000 + i as u32, i % 2 == 0), "sourceType": "FORM"}]),
            );
        }
        if let Some(f) = c.firstname {
            h.insert(
                "firstname".into(),
                json!([
                    {"value": FIRST_NAMES[f], "timestamp": format_date(START + 5_000 * MINUTE, DateForm::Iso), "sourceType": "CRM_UI", "sourceId": "user-1"},
                    {"value": "Old", "timestamp": (START + 10 * MINUTE).to_string(), "sourceType": "IMPORT"}
                ]),
            );
        }
        parts.push((key::HISTORY.into(), Value::Object(h)));
    }
    if let Some((created, updated)) = x.meta {
        let iso = |m: u32| json!(format_date(START + Millis::from(m) * MINUTE, DateForm::Iso));
        parts.push((key::CREATED_AT.into(), iso(created)));
        parts.push((key::UPDATED_AT.into(), iso(updated)));
        parts.push((key::ARCHIVED.into(), json!(false)));
    }
    let mut assoc = Map::new();
    let kinds: [(&str, Vec<String>); 3] = [
        (
            "companies",
            c.companies.iter().map(|&v| company_id(v)).collect(),
        ),
        ("deals", c.deals.iter().map(|&v| deal_id(v)).collect()),
        ("tickets", c.tickets.iter().map(|&v| ticket_id(v)).collect()),
    ];
    for ((kind, ids), form) in kinds.iter().zip(x.assoc_forms) {
        if let Some(v) = association(kind, ids, form) {
            assoc.insert(kind.to_string(), v);
        }
    }
    if !assoc.is_empty() {
        parts.push((key::ASSOCIATIONS.into(), Value::Object(assoc)));
    }
    let list = |v: &Option<Vec<u8>>, f: &dyn Fn(u8) -> Value| {
        v.as_ref()
            .map(|items| Value::Array(items.iter().map(|&k| f(k)).collect()))
    };
    let sections: [(&str, Option<Value>); 6] = [
        (key::ENGAGEMENTS, list(&x.engagements, &engagement)),
        (key::VISITS, list(&x.visits, &visit)),
        (key::FORM_SUBMISSIONS, list(&x.forms, &form_submission)),
        (
            key::USERTOKENS,
            list(&x.usertokens, &|u| json!(format!("utk-{u}"))),
        ),
        (
            key::LIST_MEMBERSHIPS,
            list(
                &x.lists,
                &|l| json!({"listId": format!("{l}"), "type": if l % 2 == 0 { "STATIC" } else { "ACTIVE" }}),
            ),
        ),
        (
            key::WORKFLOWS,
            list(&x.workflows, &|w| json!(format!("wf-{w}"))),
        ),
    ];
    for (k, v) in sections {
        if let Some(v) = v {
            parts.push((k.into(), v));
        }
    }
    if x.subscriptions {
        let mut subs = Map::new();
        for e in c.email.iter().chain(&c.additional) {
            subs.insert(
                EMAILS[*e].to_string(),
                json!([{"id": "newsletter", "status": if e % 2 == 0 { "SUBSCRIBED" } else { "UNSUBSCRIBED" }, "legalBasis": "LEGITIMATE_INTEREST_CLIENT"}]),
            );
        }
        parts.push((key::SUBSCRIPTIONS.into(), Value::Object(subs)));
    }
    if let Some(k) = x.custom {
        parts.push(("customField".into(), json!({"k": k, "list": [k, "x"]})));
    }
    Value::Object(rotate(parts, x.rotate).into_iter().collect())
}

// ---------------------------------------------------------------------------
// Random exports

/// How a JSON export is laid out.
#[derive(Debug, Clone, Copy)]
enum JsonDoc {
    Array,
    Page,
    ExportObject,
}

fn json_export_text(contacts: &[Value], doc: JsonDoc, pretty: bool) -> String {
    let list = Value::Array(contacts.to_vec());
    let v = match doc {
        JsonDoc::Array => list,
        JsonDoc::Page => json!({"results": list, "paging": {"next": {"after": "100"}}}),
        JsonDoc::ExportObject => {
            json!({"portalId": 42, "contacts": list, "companies": [{"id": "500"}], "deals": []})
        }
    };
    if pretty {
        serde_json::to_string_pretty(&v).unwrap() + "\n"
    } else {
        serde_json::to_string(&v).unwrap() + "\n"
    }
}

fn ndjson_text(contacts: &[Value]) -> String {
    contacts
        .iter()
        .map(|c| serde_json::to_string(c).unwrap() + "\n")
        .collect()
}

/// How a CSV export is laid out.
#[derive(Debug, Clone)]
struct CsvStyle {
    /// HubSpot labels ("Record ID", ...) rather than internal names.
    labels: bool,
    bom: bool,
    crlf: bool,
    quote_all: bool,
    /// Which optional columns the file has (a bit each).
    columns: u32,
    /// Where the record id column goes.
    id_at: usize,
}

fn csv_style() -> impl Strategy<Value = CsvStyle> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<u32>(),
        0usize..20,
    )
        .prop_map(|(labels, bom, crlf, quote_all, columns, id_at)| CsvStyle {
            labels,
            bom,
            crlf,
            quote_all,
            columns,
            id_at,
        })
}

/// The CSV text of contacts: one column per property the style keeps, the
/// association id columns, a free-text column.
fn csv_text(cores: &[Core], style: &CsvStyle) -> String {
    // (label, internal name) of each optional column, in file order.
    let mut columns: Vec<(String, String)> = Vec::new();
    let props = core_properties(0, &cores[0]);
    for (bit, (name, _)) in props.iter().enumerate() {
        if style.columns & (1 << bit) != 0 {
            let label = match *name {
                "email" => "Email",
                "hs_additional_emails" => "Additional email addresses",
                "firstname" => "First Name",
                "lifecyclestage" => "Lifecycle Stage",
                "createdate" => "Create Date",
                "lastmodifieddate" => "Last Modified Date",
                "num_conversion_events" => "Number of Form Submissions",
                "num_unique_conversion_events" => "Number of Unique Forms Submitted",
                "hs_analytics_num_page_views" => "Number of Pageviews",
                "hs_analytics_num_visits" => "Number of Sessions",
                "hs_analytics_num_event_completions" => "Number of event completions",
                "hs_merged_object_ids" => "Merged object IDs",
                "hs_marketable_status" => "Marketing contact status",
                "notes" => "Notes",
                other => panic!("no label for {other}"),
            };
            columns.push((label.into(), name.to_string()));
        }
    }
    let n_props = props.len();
    for (k, (label, internal)) in [
        ("Associated Company IDs", "associatedcompanyids"),
        ("Associated Deal IDs", "associateddealids"),
        ("Associated Ticket IDs", "associatedticketids"),
    ]
    .into_iter()
    .enumerate()
    {
        if style.columns & (1 << (n_props + k)) != 0 {
            columns.push((label.into(), internal.into()));
        }
    }
    let id_at = style.id_at % (columns.len() + 1);
    columns.insert(id_at, ("Record ID".into(), "hs_object_id".into()));

    let mut w = csv::WriterBuilder::new()
        .terminator(if style.crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .quote_style(if style.quote_all {
            csv::QuoteStyle::Always
        } else {
            csv::QuoteStyle::Necessary
        })
        .from_writer(Vec::new());
    let header = |(label, internal): &(String, String)| {
        if style.labels {
            label.clone()
        } else {
            internal.clone()
        }
    };
    w.write_record(columns.iter().map(header)).unwrap();
    for (i, c) in cores.iter().enumerate() {
        let props: HashMap<&str, Option<String>> = core_properties(i, c).into_iter().collect();
        let ids = |list: &[u8], f: fn(u8) -> String| {
            list.iter().map(|&v| f(v)).collect::<Vec<_>>().join(";")
        };
        let row: Vec<String> = columns
            .iter()
            .map(|(_, internal)| match internal.as_str() {
                "hs_object_id" => contact_id(i),
                "associatedcompanyids" => ids(&c.companies, company_id),
                "associateddealids" => ids(&c.deals, deal_id),
                "associatedticketids" => ids(&c.tickets, ticket_id),
                "hs_marketable_status" if style.labels => match c.marketable {
                    Some(true) => "Marketing contact".into(),
                    Some(false) => "Non-marketing contact".into(),
                    None => String::new(),
                },
                name => props.get(name).cloned().flatten().unwrap_or_default(),
            })
            .collect();
        w.write_record(&row).unwrap();
    }
    let body = String::from_utf8(w.into_inner().unwrap()).unwrap();
    if style.bom {
        format!("\u{feff}{body}")
    } else {
        body
    }
}

/// A plan pair before it is made valid: two contacts, and which of their
/// names (record id or an id merged into them earlier) to use.
type Candidate = (Index, Index, Index, Index);

/// A random export and a random plan over it.
#[derive(Debug, Clone)]
struct Scenario {
    format: Format,
    export: String,
    candidates: Vec<Candidate>,
    plan_format: PlanFormat,
    /// JSON plans: write numeric ids as numbers.
    plan_numbers: bool,
    policy: Policy,
    merge_time: usize,
}

fn candidates() -> impl Strategy<Value = Vec<Candidate>> {
    prop::collection::vec(
        (
            any::<Index>(),
            any::<Index>(),
            any::<Index>(),
            any::<Index>(),
        ),
        0..16,
    )
}

fn plan_settings() -> impl Strategy<Value = (PlanFormat, bool, Policy, usize)> {
    (
        prop_oneof![Just(PlanFormat::Csv), Just(PlanFormat::Json)],
        any::<bool>(),
        prop_oneof![Just(Policy::MostRecent), Just(Policy::PrimaryWins)],
        0..MERGE_TIMES.len(),
    )
}

/// JSON or JSON Lines exports in the API shape.
fn api_scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec((core(), extras()), 1..10),
        prop_oneof![
            Just(None),
            Just(Some(JsonDoc::Array)),
            Just(Some(JsonDoc::Page)),
            Just(Some(JsonDoc::ExportObject)),
        ],
        any::<bool>(),
        candidates(),
        plan_settings(),
    )
        .prop_map(
            |(contacts, doc, pretty, candidates, (plan_format, plan_numbers, policy, mt))| {
                let values: Vec<Value> = contacts
                    .iter()
                    .enumerate()
                    .map(|(i, (c, x))| api_contact(i, c, x))
                    .collect();
                let (format, export) = match doc {
                    None => (Format::Ndjson, ndjson_text(&values)),
                    Some(doc) => (Format::Json, json_export_text(&values, doc, pretty)),
                };
                Scenario {
                    format,
                    export,
                    candidates,
                    plan_format,
                    plan_numbers,
                    policy,
                    merge_time: mt,
                }
            },
        )
}

/// CSV exports, read by the CSV reader.
fn csv_scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec(core(), 1..10),
        csv_style(),
        candidates(),
        plan_settings(),
    )
        .prop_map(
            |(cores, style, candidates, (plan_format, plan_numbers, policy, mt))| Scenario {
                format: Format::Csv,
                export: csv_text(&cores, &style),
                candidates,
                plan_format,
                plan_numbers,
                policy,
                merge_time: mt,
            },
        )
}

fn any_scenario() -> impl Strategy<Value = Scenario> {
    prop_oneof![api_scenario(), csv_scenario()]
}

// ---------------------------------------------------------------------------
// Plans

/// A valid plan over the export, as the plan file's text: each candidate
/// pair is kept when its two contacts are still two contacts after the
/// pairs before it, and names each contact by its record id or by an id
/// merged into it (earlier in the plan, or before the export: HubSpot's
/// redirects). Chains (A into B, then B into C, then a pair naming A) come
/// out naturally. Gives the text and the number of pairs.
fn plan_text(export: &Export, sc: &Scenario) -> (String, usize) {
    let n = export.contacts.len();
    let ids: Vec<&str> = export.contacts.iter().map(|c| c.id.as_str()).collect();
    let names: Vec<Vec<String>> = export
        .contacts
        .iter()
        .map(|c| {
            let mut v = vec![c.id.clone()];
            v.extend(
                split_multi(c.prop("hs_merged_object_ids").unwrap_or(""))
                    .filter(|m| !ids.contains(m))
                    .map(str::to_string),
            );
            v
        })
        .collect();
    // Which contact holds each one now.
    let mut holder: Vec<usize> = (0..n).collect();
    let find = |holder: &Vec<usize>, mut i: usize| {
        while holder[i] != i {
            i = holder[i];
        }
        i
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (a, b, na, nb) in &sc.candidates {
        let (a, b) = (a.index(n), b.index(n));
        let (ra, rb) = (find(&holder, a), find(&holder, b));
        if ra == rb {
            continue;
        }
        pairs.push((na.get(&names[a]).clone(), nb.get(&names[b]).clone()));
        holder[rb] = ra;
    }
    let text = match sc.plan_format {
        PlanFormat::Csv => {
            let mut s = String::from("primary_id,secondary_id,note\n");
            for (k, (p, q)) in pairs.iter().enumerate() {
                s.push_str(&format!("{p},{q},pair {k}\n"));
            }
            s
        }
        PlanFormat::Json => {
            let id = |s: &str| match s.parse::<u64>() {
                Ok(n) if sc.plan_numbers => json!(n),
                _ => json!(s),
            };
            let list: Vec<Value> = pairs
                .iter()
                .map(|(p, q)| json!({"primary": id(p), "secondary": id(q)}))
                .collect();
            serde_json::to_string_pretty(&list).unwrap()
        }
    };
    (text, pairs.len())
}

// ---------------------------------------------------------------------------
// Applying a plan, as `contact-merge apply` does

/// One merge as the plan made it: both contacts before, and the result.
struct Step {
    primary: Contact,
    secondary: Contact,
    merged: Contact,
}

struct Run {
    /// The export as read, before the plan.
    original: Export,
    /// After the plan.
    export: Export,
    /// The export written in its own format.
    output: Vec<u8>,
    journal: Vec<u8>,
    steps: Vec<Step>,
}

fn read(sc: &Scenario) -> Export {
    format::read_bytes(sc.export.as_bytes(), sc.format, "export")
        .unwrap_or_else(|e| panic!("the generated export does not read: {e}\n{}", sc.export))
}

fn merge_time(sc: &Scenario) -> Millis {
    contact_merge::dates::parse_millis(MERGE_TIMES[sc.merge_time]).unwrap()
}

fn run(sc: &Scenario) -> Run {
    let original = read(sc);
    let mut export = original.clone();
    let (text, expected) = plan_text(&export, sc);
    let plan = parse_plan(text.as_bytes(), "plan", Some(sc.plan_format))
        .unwrap_or_else(|e| panic!("the generated plan does not read: {e}\n{text}"));
    assert_eq!(plan.pairs.len(), expected, "{text}");
    let opts = MergeOptions {
        policy: sc.policy,
        merge_time: merge_time(sc),
        ..Default::default()
    };
    let mut journal = JournalWriter::new(Vec::new(), opts.merge_time, &opts.policy.to_string());
    let mut steps = Vec::new();
    let report = apply_plan(
        &mut export,
        &plan,
        &ApplyOptions::default(),
        |_layout, p, s, times| {
            let outcome = contact_merge::merge::merge_contacts_timed(
                Primary::Read(p.contact()),
                s,
                times,
                &opts,
            )
            .map_err(|e| e.to_string())?;
            let decisions = outcome
                .decisions
                .iter()
                .map(serde_json::to_value)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| e.to_string())?;
            let (sections, section_tally) =
                contact_merge::plan::notable_sections(outcome.sections, true);
            Ok(MergeStep {
                merged: outcome.merged,
                decisions,
                warnings: outcome.warnings,
                sections,
                section_tally,
                journal: None,
                times: outcome.times,
            })
        },
        Some(|applied: &contact_merge::plan::Applied<'_>| {
            steps.push(Step {
                primary: applied.primary.clone(),
                secondary: applied.secondary.clone(),
                merged: applied.merged.clone(),
            });
            journal.record(applied)
        }),
    )
    .unwrap_or_else(|e| panic!("a valid plan was refused: {e}\nplan:\n{text}"));
    assert_eq!(report.applied, expected, "{report:?}");
    assert!(report.skipped.is_empty(), "{report:?}");
    let output = format::write_to_vec(&export, sc.format);
    Run {
        original,
        export,
        output,
        journal: journal.finish().unwrap(),
        steps,
    }
}

/// Where each merged-away contact went: secondary id → primary id, from
/// the journal.
fn holders(run: &Run) -> HashMap<String, String> {
    let j = parse_journal(&run.journal, "journal.jsonl").unwrap();
    j.entries
        .into_iter()
        .map(|e| (e.secondary_id, e.primary_id))
        .collect()
}

/// The contact of the final export that holds an original contact.
fn holder_of<'a>(run: &'a Run, to: &HashMap<String, String>, id: &str) -> &'a Contact {
    let mut id = id.to_string();
    while let Some(next) = to.get(&id) {
        id = next.clone();
    }
    run.export
        .find(&id)
        .unwrap_or_else(|| panic!("contact {id} is gone from the export"))
}

// ---------------------------------------------------------------------------
// What is checked

fn lower_emails(c: &Contact) -> Vec<String> {
    c.emails().iter().map(|e| e.to_lowercase()).collect()
}

/// Every email of `from` is an email (primary or additional) of `to`.
fn emails_kept(from: &Contact, to: &Contact) -> Result<(), String> {
    let have = lower_emails(to);
    for e in lower_emails(from) {
        if !have.contains(&e) {
            return Err(format!(
                "email {e} of contact {} is not on contact {}: {have:?}",
                from.id, to.id
            ));
        }
    }
    Ok(())
}

/// Every deal, ticket, engagement (by id), visit, form submission and
/// usertoken of `from` is on `to`.
fn items_kept(from: &Contact, to: &Contact) -> Result<(), String> {
    for kind in ["deals", "tickets"] {
        for id in from.assoc(kind).into_iter().flat_map(|l| l.ids()) {
            if !to.assoc(kind).is_some_and(|l| l.contains(id)) {
                return Err(format!(
                    "{kind} {id} of contact {} is not on contact {}",
                    from.id, to.id
                ));
            }
        }
    }
    let id_of = |v: &Value| v.get("id").and_then(value_as_text);
    for e in from.section_items(key::ENGAGEMENTS) {
        let found = match id_of(e) {
            Some(id) => to
                .section_items(key::ENGAGEMENTS)
                .iter()
                .any(|t| id_of(t).as_deref() == Some(&id)),
            None => to.section_items(key::ENGAGEMENTS).contains(e),
        };
        if !found {
            return Err(format!(
                "engagement {e} of contact {} is not on contact {}",
                from.id, to.id
            ));
        }
    }
    for k in [key::VISITS, key::FORM_SUBMISSIONS, key::USERTOKENS] {
        for item in from.section_items(k) {
            if !to.section_items(k).contains(item) {
                return Err(format!(
                    "{k} {item} of contact {} is not on contact {}",
                    from.id, to.id
                ));
            }
        }
    }
    Ok(())
}

fn count(c: &Contact, prop: &str) -> u64 {
    c.prop(prop)
        .filter(|v| !v.trim().is_empty())
        .map_or(0, |v| {
            parse_counter(v).unwrap_or_else(|e| panic!("contact {}: {prop}: {e}", c.id))
        })
}

fn total(e: &Export, prop: &str) -> u64 {
    e.contacts.iter().map(|c| count(c, prop)).sum()
}

fn instant(text: &str) -> Millis {
    contact_merge::dates::parse_millis(text).unwrap()
}

/// The merged contact agrees with itself and with the two it came from
/// (SPEC section 4, "Consistency of the merged record").
fn consistent(st: &Step) -> Result<(), String> {
    let m = &st.merged;
    let created = |c: &Contact| {
        [
            c.prop("createdate").map(str::to_string),
            c.meta_text(key::CREATED_AT),
        ]
        .into_iter()
        .flatten()
        .map(|t| instant(&t))
    };
    let oldest = created(&st.primary).chain(created(&st.secondary)).min();
    for (place, value) in [
        ("createdate", m.prop("createdate").map(str::to_string)),
        ("createdAt", m.meta_text(key::CREATED_AT)),
    ] {
        // Each place in its own form: the oldest instant to the precision
        // of that form (`2020-01-02` is a day).
        if let Some(v) = value {
            let (_, form) = contact_merge::dates::parse_date(&v).unwrap();
            if oldest.map(|o| format_date(o, form)) != Some(v.clone()) {
                return Err(format!("{}: {place} {v} is not the oldest of both", m.id));
            }
        }
    }
    for (prop, entries) in m.history.iter().flatten() {
        let (Some(Some(current)), Some(first)) = (m.properties.get(prop.as_str()), entries.first())
        else {
            continue;
        };
        if first.value() != Some(current.as_str()) {
            return Err(format!(
                "{}: {prop} is {current:?}, its newest entry {first:?}",
                m.id
            ));
        }
        let newest = entries
            .iter()
            .filter_map(|e| e.timestamp())
            .map(|t| instant(&t))
            .max();
        if first.timestamp().map(|t| instant(&t)) != newest {
            return Err(format!(
                "{}: {prop}: the first entry is not the newest",
                m.id
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The properties

proptest! {
    #![proptest_config(config())]

    /// (a) No email is lost: each merge keeps every email of both contacts
    /// on the merged contact, and after the whole plan every email of the
    /// export is on the contact that holds its record.
    #[test]
    fn every_email_survives(sc in any_scenario()) {
        let run = run(&sc);
        for st in &run.steps {
            emails_kept(&st.primary, &st.merged).map_err(TestCaseError::fail)?;
            emails_kept(&st.secondary, &st.merged).map_err(TestCaseError::fail)?;
            if let Some(pe) = st.primary.prop("email") {
                prop_assert_eq!(st.merged.prop("email"), Some(pe), "the primary's email stays primary");
            }
        }
        let to = holders(&run);
        for c in &run.original.contacts {
            emails_kept(c, holder_of(&run, &to, &c.id)).map_err(TestCaseError::fail)?;
        }
    }

    /// (b) No deal, ticket, engagement, visit, form submission or usertoken
    /// is lost, by a merge or by the whole plan.
    #[test]
    fn every_item_survives(sc in any_scenario()) {
        let run = run(&sc);
        for st in &run.steps {
            items_kept(&st.primary, &st.merged).map_err(TestCaseError::fail)?;
            items_kept(&st.secondary, &st.merged).map_err(TestCaseError::fail)?;
        }
        let to = holders(&run);
        for c in &run.original.contacts {
            items_kept(c, holder_of(&run, &to, &c.id)).map_err(TestCaseError::fail)?;
        }
    }

    /// (c) Summed counters are conserved: each merge gives the sum of both,
    /// and the export's total is the same before and after the plan.
    #[test]
    fn summed_counters_are_conserved(sc in any_scenario()) {
        let run = run(&sc);
        for st in &run.steps {
            for prop in SUMMED_COUNTERS {
                prop_assert_eq!(
                    count(&st.merged, prop),
                    count(&st.primary, prop) + count(&st.secondary, prop),
                    "{} of {} + {}", prop, st.primary.id, st.secondary.id
                );
            }
        }
        for prop in SUMMED_COUNTERS {
            prop_assert_eq!(total(&run.export, prop), total(&run.original, prop), "{}", prop);
        }
        // What is written reads back with the same totals.
        let back = format::read_bytes(&run.output, sc.format, "out").unwrap();
        for prop in SUMMED_COUNTERS {
            prop_assert_eq!(total(&back, prop), total(&run.original, prop), "{}", prop);
        }
    }

    /// (f) Issue 19: each merged contact agrees with itself.
    #[test]
    fn every_merged_contact_agrees_with_itself(sc in any_scenario()) {
        let run = run(&sc);
        for st in &run.steps {
            consistent(st).map_err(TestCaseError::fail)?;
        }
    }

    /// (d) Same export, plan and merge time: the same output bytes and the
    /// same journal bytes.
    #[test]
    fn output_and_journal_are_deterministic(sc in any_scenario()) {
        let (a, b) = (run(&sc), run(&sc));
        prop_assert_eq!(String::from_utf8(a.output).unwrap(), String::from_utf8(b.output).unwrap());
        prop_assert_eq!(String::from_utf8(a.journal).unwrap(), String::from_utf8(b.journal).unwrap());
    }

    /// (e) Issue 4: restoring every merge of the journal, newest first,
    /// gives back the export exactly (JSON and JSON Lines).
    #[test]
    fn restoring_the_journal_gives_back_the_api_export(sc in api_scenario()) {
        restore_everything(&sc)?;
    }

    /// (e) The same for CSV exports.
    #[test]
    fn restoring_the_journal_gives_back_the_csv_export(sc in csv_scenario()) {
        restore_everything(&sc)?;
    }

    /// (e) As on the command line: `apply` writes the output file, and each
    /// `unmerge --restore` reads the file the one before wrote. The last
    /// file is the original, byte for byte, in every format (a CSV column
    /// the merges added goes again with the last restore that empties it).
    #[test]
    fn restoring_file_by_file_gives_back_the_file(sc in any_scenario()) {
        let run = run(&sc);
        let journal = parse_journal(&run.journal, "journal.jsonl").unwrap();
        let mut bytes = run.output;
        for en in journal.entries.iter().rev() {
            let mut e = format::read_bytes(&bytes, sc.format, "out").unwrap();
            let r = restore(&mut e, &en.primary_id, &en.secondary_id, &journal)
                .map_err(|err| TestCaseError::fail(err.to_string()))?;
            prop_assert!(r.conflicts.is_empty() && r.kept.is_empty(), "{:?}", r);
            bytes = format::write_to_vec(&e, sc.format);
        }
        prop_assert_eq!(String::from_utf8(bytes).unwrap(), sc.export);
    }

    /// What the tests above compare rests on this: an export read and
    /// written back is the same file.
    #[test]
    fn exports_read_and_written_back_are_the_same_file(sc in any_scenario()) {
        let e = read(&sc);
        prop_assert_eq!(String::from_utf8(format::write_to_vec(&e, sc.format)).unwrap(), sc.export);
    }
}

fn restore_everything(sc: &Scenario) -> Result<(), TestCaseError> {
    let run = run(sc);
    let journal = parse_journal(&run.journal, "journal.jsonl").unwrap();
    prop_assert_eq!(journal.entries.len(), run.steps.len());
    let mut e = run.export;
    for en in journal.entries.iter().rev() {
        let r = restore(&mut e, &en.primary_id, &en.secondary_id, &journal).map_err(|err| {
            TestCaseError::fail(format!(
                "restore of {} into {} refused: {err}",
                en.secondary_id, en.primary_id
            ))
        })?;
        prop_assert!(
            r.conflicts.is_empty() && r.kept.is_empty(),
            "nothing changed after the merges: {:?}",
            r
        );
    }
    if let Some(diff) = first_difference(&e, &run.original) {
        return Err(TestCaseError::fail(format!(
            "the restored export differs from the original: {diff}\njournal:\n{}",
            String::from_utf8_lossy(&run.journal)
        )));
    }
    prop_assert_eq!(
        String::from_utf8(format::write_to_vec(&e, sc.format)).unwrap(),
        String::from_utf8(format::write_to_vec(&run.original, sc.format)).unwrap()
    );
    prop_assert_eq!(e, run.original);
    Ok(())
}

/// The first contact that differs between two exports, both written out,
/// or `None` when every contact is the same.
fn first_difference(got: &Export, want: &Export) -> Option<String> {
    let ids = |e: &Export| e.contacts.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    if ids(got) != ids(want) {
        return Some(format!("contacts {:?}, expected {:?}", ids(got), ids(want)));
    }
    got.contacts
        .iter()
        .zip(&want.contacts)
        .find(|(a, b)| a != b)
        .map(|(a, b)| {
            format!(
                "contact {}:\n  got      {}\n  expected {}\n  key order {:?}, expected {:?}",
                a.id,
                serde_json::to_string(a).unwrap(),
                serde_json::to_string(b).unwrap(),
                a.key_order,
                b.key_order
            )
        })
}

/// The generator makes what the properties are meant to be tried on: every
/// layout, both association forms, history, chains of merges, pairs that
/// name a merged-away contact and pairs that name an id merged before the
/// export. Guards against a change that quietly makes the cases trivial.
#[test]
fn the_generator_makes_the_interesting_cases() {
    #[derive(Default, Debug)]
    struct Seen {
        json: usize,
        ndjson: usize,
        csv: usize,
        results_form: usize,
        history: usize,
        pairs: usize,
        /// A contact that absorbed another is later merged away.
        chains: usize,
        /// A pair names a contact merged away earlier in the plan.
        merged_away_names: usize,
        /// A pair names an id of `hs_merged_object_ids`.
        old_redirects: usize,
    }
    let mut seen = Seen::default();
    let mut runner = TestRunner::deterministic();
    let strategy = any_scenario();
    for _ in 0..300 {
        let sc = strategy.new_tree(&mut runner).unwrap().current();
        let export = read(&sc);
        match sc.format {
            Format::Json => seen.json += 1,
            Format::Ndjson => seen.ndjson += 1,
            Format::Csv => seen.csv += 1,
            Format::Xlsx => unreachable!("scenarios are text"),
        }
        seen.results_form += usize::from(
            sc.export.contains("\"results\": [{") || sc.export.contains("\"results\":[{"),
        );
        seen.history += export
            .contacts
            .iter()
            .filter(|c| c.history.is_some())
            .count();
        let (text, _) = plan_text(&export, &sc);
        let plan = parse_plan(text.as_bytes(), "plan", Some(sc.plan_format)).unwrap();
        let live: Vec<&str> = export.contacts.iter().map(|c| c.id.as_str()).collect();
        let (mut absorbed, mut gone): (Vec<String>, Vec<String>) = Default::default();
        for pair in &plan.pairs {
            seen.pairs += 1;
            for name in [&pair.primary, &pair.secondary] {
                if gone.contains(name) {
                    seen.merged_away_names += 1;
                }
                if !live.contains(&name.as_str()) {
                    seen.old_redirects += 1;
                }
            }
            if absorbed.contains(&pair.secondary) {
                seen.chains += 1;
            }
            absorbed.push(pair.primary.clone());
            gone.push(pair.secondary.clone());
        }
    }
    let Seen {
        json,
        ndjson,
        csv,
        results_form,
        history,
        pairs,
        chains,
        merged_away_names,
        old_redirects,
    } = seen;
    for (what, n) in [
        ("JSON exports", json),
        ("JSON Lines exports", ndjson),
        ("CSV exports", csv),
        ("results-form associations", results_form),
        ("property histories", history),
        ("chains", chains),
        ("pairs naming merged-away contacts", merged_away_names),
        ("pairs naming ids merged before the export", old_redirects),
    ] {
        assert!(n >= 10, "only {n} {what} in 300 scenarios: {seen:?}");
    }
    assert!(pairs >= 600, "{pairs} pairs in 300 scenarios");
}
