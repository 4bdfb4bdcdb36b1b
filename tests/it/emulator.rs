//! A local HubSpot for the `pull` and `push` tests (and `examples/push_bench.rs`):
//! a `tiny_http` server on 127.0.0.1 that answers the few CRM v3 calls the
//! tool makes the way HubSpot documents them:
//!
//! - `GET /crm/v3/objects/contacts?limit=&after=&properties=&propertiesWithHistory=&associations=`:
//!   pages of at most 100 (50 with history), `paging.next.after` the next id;
//!   a limit over that is a 400 `VALIDATION_ERROR`;
//! - `GET /crm/v3/objects/contacts/{id}`: a merged-away id answers with the
//!   record it was merged into (its own id in the body); an unknown id is a
//!   404 `OBJECT_NOT_FOUND`;
//! - `GET /crm/v3/properties/contacts`: `{"results": [{"name", "label", "type", ...}]}`;
//! - `POST /crm/v3/objects/contacts/merge` `{"primaryObjectId","objectIdToMerge"}`:
//!   the merged record (a new id, as HubSpot's merge now gives, or the
//!   primary's), both old ids redirected to it, `hs_merged_object_ids`
//!   grown; a merged-away or unknown id, the same record twice, or two
//!   records that together took part in 250 merges: 400 `VALIDATION_ERROR`;
//! - errors in HubSpot's body `{"status":"error","message","correlationId","category"}`;
//!   a 401 without the right Bearer token; a 414 (an HTML page) for an
//!   address longer than `Config::max_url`; past the request budget, 429
//!   with `Retry-After` and `errorType: RATE_LIMIT`;
//! - a page request that starts one contact late (`shift_page`);
//! - injected faults on the n-th merge or page: a status (before or after
//!   the merge is done), a dropped connection (a broken answer, before or
//!   after), or a hang after the merge until released (a run killed while
//!   its answer is awaited).
//!
//! Written by us from HubSpot's public API reference; no HubSpot code.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

/// How the emulator behaves.
#[derive(Debug, Clone)]
pub struct Config {
    pub token: String,
    /// At most this many requests per window; past it, 429.
    pub budget: Option<(usize, Duration)>,
    /// The `Retry-After` of a 429, in seconds.
    pub retry_after: String,
    /// The merged record gets a new id (HubSpot's merge since 2024); else
    /// it keeps the primary's.
    pub new_ids: bool,
    pub max_merges: usize,
    /// A request whose address (path and query) is longer than this is
    /// answered 414 with an HTML page, as HubSpot's front answers one.
    pub max_url: Option<usize>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            token: "pat-na1-emulator-token".into(),
            budget: None,
            retry_after: "1".into(),
            new_ids: true,
            max_merges: 250,
            max_url: None,
        }
    }
}

/// A fault injected on the n-th merge request or page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status; nothing is done.
    Status(u16),
    /// Do the merge, then answer with this status.
    StatusAfter(u16),
    /// Answer with bytes that are no HTTP answer; nothing is done.
    Drop,
    /// Do the merge, then answer with bytes that are no HTTP answer.
    DropAfter,
    /// Do the merge (or read the page), then wait until released.
    Hang,
    /// A 429 of the rolling limit with this `Retry-After` (or none);
    /// nothing is done.
    RateLimited(Option<&'static str>),
    /// HubSpot's daily-limit 429 (`policyName: DAILY`, no `Retry-After`);
    /// nothing is done.
    Daily,
    /// Answer with this status and a body that echoes the request's
    /// `Authorization` header (a proxy showing what it got); nothing is done.
    EchoAuth(u16),
    /// A 301 to this address; nothing is done.
    Moved(&'static str),
}

/// A request as the emulator saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub url: String,
    pub status: u16,
    pub authorization: Option<String>,
    /// When it came in.
    pub at: Instant,
}

/// A merge done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    pub primary: String,
    pub secondary: String,
    pub merged: String,
}

#[derive(Default)]
pub struct State {
    /// Live records by numeric id.
    pub contacts: BTreeMap<u64, Value>,
    /// A merged-away id → the id it went into.
    pub merged_into: HashMap<String, String>,
    pub next_id: u64,
    pub properties: Vec<Value>,
    pub merges: Vec<Merge>,
    pub seen: Vec<Seen>,
    merge_requests: usize,
    page_requests: usize,
    merge_faults: HashMap<usize, Fault>,
    page_faults: HashMap<usize, Fault>,
    /// The `paging.next.after` the n-th page request answers with,
    /// whatever comes next (a portal whose paging shifts or goes round).
    page_next: HashMap<usize, String>,
    /// The n-th page requests that start one contact later than their
    /// cursor says (a contact deleted or merged away in between).
    page_shift: HashSet<usize>,
    window: VecDeque<Instant>,
    /// A request is hanging (a [`Fault::Hang`]) until `release`.
    pub hanging: bool,
    release: bool,
    correlation: u64,
}

pub struct Emulator {
    pub url: String,
    pub config: Config,
    state: Arc<Mutex<State>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// An emulator holding `contacts` (API-shaped records with an `id`).
    pub fn start(config: Config, contacts: Vec<Value>) -> Emulator {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let mut state = State {
            properties: default_properties(),
            ..State::default()
        };
        for c in contacts {
            let id: u64 = id_of(&c).parse().expect("numeric ids");
            state.next_id = state.next_id.max(id + 1);
            // Ids merged before: HubSpot redirects them to this record.
            for gone in merged_ids(&c) {
                state.merged_into.insert(gone, id.to_string());
            }
            state.contacts.insert(id, c);
        }
        let state = Arc::new(Mutex::new(state));
        let thread = {
            let (server, state, config) = (server.clone(), state.clone(), config.clone());
            std::thread::spawn(move || {
                while let Ok(req) = server.recv() {
                    handle(req, &state, &config);
                }
            })
        };
        Emulator {
            url: format!("http://127.0.0.1:{port}"),
            config,
            state,
            server,
            thread: Some(thread),
        }
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        // A test that failed while holding it must not make the drop panic.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn fail_merge(&self, nth: usize, fault: Fault) {
        self.state().merge_faults.insert(nth, fault);
    }

    pub fn fail_page(&self, nth: usize, fault: Fault) {
        self.state().page_faults.insert(nth, fault);
    }

    /// The n-th page request answers with `after` as its next cursor.
    pub fn next_after(&self, nth: usize, after: &str) {
        self.state().page_next.insert(nth, after.to_string());
    }

    /// The n-th page request starts one contact later than its cursor
    /// says (as if the first had been deleted just before).
    pub fn shift_page(&self, nth: usize) {
        self.state().page_shift.insert(nth);
    }

    /// Wait (at most `limit`) until a request hangs.
    pub fn wait_for_hang(&self, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.state().hanging {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        false
    }

    /// Merge `secondary` into `primary` as `POST .../merge` would (a
    /// merge done in HubSpot's UI): the merged record's id.
    pub fn merge(&self, primary: u64, secondary: u64) -> String {
        let body = json!({"primaryObjectId": primary.to_string(),
                          "objectIdToMerge": secondary.to_string()});
        let auth = format!("Bearer {}", self.config.token);
        let mut s = self.state();
        let a = merge(&mut s, &self.config, &body.to_string(), Some(&auth));
        assert_eq!(a.status, 200, "{}", a.body);
        id_of(&a.body)
    }

    pub fn release(&self) {
        self.state().release = true;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.release();
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub fn id_of(c: &Value) -> String {
    match &c["id"] {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

/// `n` contacts with ids from `first`, a few properties each, some with a
/// property history and associations.
pub fn contacts(first: u64, n: u64) -> Vec<Value> {
    (first..first + n)
        .map(|id| {
            let mut c = json!({
                "id": id.to_string(),
                "properties": {
                    "hs_object_id": id.to_string(),
                    "email": format!("person{id}@example.com"),
                    "firstname": format!("First{id}"),
                    "lastname": format!("Last{}", id % 97),
                    "createdate": format!("2024-01-{:02}T10:00:00.000Z", 1 + id % 28),
                    "lastmodifieddate": "2024-06-01T10:00:00.000Z",
                    "lifecyclestage": if id % 3 == 0 { "lead" } else { "subscriber" },
                },
                "createdAt": format!("2024-01-{:02}T10:00:00.000Z", 1 + id % 28),
                "updatedAt": "2024-06-01T10:00:00.000Z",
                "archived": false,
            });
            if id % 5 == 0 {
                c["propertiesWithHistory"] = json!({"email": [{
                    "value": format!("person{id}@example.com"),
                    "timestamp": "2024-01-01T10:00:00.000Z",
                    "sourceType": "CRM_UI",
                }]});
                c["associations"] = json!({"companies": {"results": [
                    {"id": (9_000 + id % 50).to_string(), "type": "contact_to_company"}
                ]}});
            }
            c
        })
        .collect()
}

fn default_properties() -> Vec<Value> {
    [
        ("createdate", "Create Date", "datetime"),
        ("email", "Email", "string"),
        ("firstname", "First Name", "string"),
        ("hs_merged_object_ids", "Merged object IDs", "enumeration"),
        ("hs_object_id", "Record ID", "number"),
        ("lastmodifieddate", "Last Modified Date", "datetime"),
        ("lastname", "Last Name", "string"),
        ("lifecyclestage", "Lifecycle Stage", "enumeration"),
    ]
    .iter()
    .map(|(name, label, kind)| {
        json!({"name": name, "label": label, "type": kind, "fieldType": "text",
               "groupName": "contactinformation", "options": [], "hidden": false})
    })
    .collect()
}

struct Answer {
    status: u16,
    body: Value,
    retry_after: Option<String>,
    location: Option<String>,
    /// Answer with broken bytes instead.
    broken: bool,
    /// Hang after the work, before answering.
    hang: bool,
}

impl Answer {
    fn ok(body: Value) -> Answer {
        Answer {
            status: 200,
            body,
            retry_after: None,
            location: None,
            broken: false,
            hang: false,
        }
    }
}

fn handle(mut req: tiny_http::Request, state: &Arc<Mutex<State>>, config: &Config) {
    let mut body = String::new();
    let _ = req.as_reader().read_to_string(&mut body);
    let method = req.method().to_string();
    let url = req.url().to_string();
    let authorization = req
        .headers()
        .iter()
        .find(|h| h.field.equiv("Authorization"))
        .map(|h| h.value.to_string());
    let answer = {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        let answer = route(
            &mut s,
            config,
            &method,
            &url,
            &body,
            authorization.as_deref(),
        );
        s.seen.push(Seen {
            method,
            url,
            status: if answer.broken { 0 } else { answer.status },
            authorization,
            at: Instant::now(),
        });
        if answer.hang {
            s.hanging = true;
        }
        answer
    };
    if answer.hang {
        let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
        while !lock().release {
            std::thread::sleep(Duration::from_millis(5));
        }
        let mut s = lock();
        s.hanging = false;
        s.release = false;
    }
    if answer.broken {
        let mut w = req.into_writer();
        let _ = w.write_all(b"SURPRISE\r\n\r\n");
        let _ = w.flush();
        return;
    }
    let text = match &answer.body {
        Value::String(html) if answer.status == 414 => html.clone(),
        body => body.to_string(),
    };
    let mut resp = tiny_http::Response::from_string(text)
        .with_status_code(answer.status)
        .with_header(header("Content-Type", "application/json;charset=utf-8"));
    if let Some(r) = answer.retry_after {
        resp = resp.with_header(header("Retry-After", &r));
    }
    if let Some(l) = answer.location {
        resp = resp.with_header(header("Location", &l));
    }
    let _ = req.respond(resp);
}

fn header(k: &str, v: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap()
}

fn error(s: &mut State, status: u16, category: &str, message: &str) -> Answer {
    s.correlation += 1;
    Answer {
        status,
        body: json!({
            "status": "error",
            "message": message,
            "correlationId": format!("00000000-0000-4000-8000-{:012x}", s.correlation),
            "category": category,
        }),
        ..Answer::ok(Value::Null)
    }
}

fn route(
    s: &mut State,
    config: &Config,
    method: &str,
    url: &str,
    body: &str,
    auth: Option<&str>,
) -> Answer {
    if auth != Some(format!("Bearer {}", config.token).as_str()) {
        return error(s, 401, "INVALID_AUTHENTICATION",
            "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview");
    }
    if let Some((n, window)) = config.budget {
        let now = Instant::now();
        while s
            .window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            s.window.pop_front();
        }
        if s.window.len() >= n {
            s.correlation += 1;
            return Answer {
                status: 429,
                body: json!({
                    "status": "error",
                    "message": "You have reached your ten_secondly_rolling limit.",
                    "errorType": "RATE_LIMIT",
                    "correlationId": format!("00000000-0000-4000-8000-{:012x}", s.correlation),
                    "policyName": "TEN_SECONDLY_ROLLING",
                }),
                retry_after: Some(config.retry_after.clone()),
                ..Answer::ok(Value::Null)
            };
        }
        s.window.push_back(now);
    }
    if config.max_url.is_some_and(|max| url.len() > max) {
        return Answer {
            status: 414,
            body: Value::String("<html><head><title>414 Request-URI Too Large</title></head><body><center><h1>414 Request-URI Too Large</h1></center></body></html>".into()),
            ..Answer::ok(Value::Null)
        };
    }
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let query = parse_query(query);
    match (method, path) {
        ("GET", "/crm/v3/properties/contacts") => {
            Answer::ok(json!({"results": s.properties.clone()}))
        }
        ("GET", "/crm/v3/objects/contacts") => page(s, &query),
        ("POST", "/crm/v3/objects/contacts/merge") => merge(s, config, body, auth),
        ("GET", p) if p.starts_with("/crm/v3/objects/contacts/") => {
            one(s, &p["/crm/v3/objects/contacts/".len()..], &query)
        }
        _ => error(
            s,
            404,
            "OBJECT_NOT_FOUND",
            &format!("No route for {method} {path}"),
        ),
    }
}

fn parse_query(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn list(q: &HashMap<String, String>, key: &str) -> Option<Vec<String>> {
    q.get(key).map(|v| {
        v.split(',')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect()
    })
}

/// A record as the API returns it: the properties asked for (HubSpot's
/// default set without a list), their history, the associations asked for.
fn shown(c: &Value, q: &HashMap<String, String>) -> Value {
    let defaults = [
        "createdate",
        "email",
        "firstname",
        "hs_object_id",
        "lastmodifieddate",
        "lastname",
    ];
    let wanted =
        list(q, "properties").unwrap_or_else(|| defaults.iter().map(|d| d.to_string()).collect());
    let props: Map<String, Value> = wanted
        .iter()
        .filter_map(|p| c["properties"].get(p).map(|v| (p.clone(), v.clone())))
        .collect();
    let mut out = json!({
        "id": c["id"], "properties": props, "createdAt": c["createdAt"],
        "updatedAt": c["updatedAt"], "archived": false,
    });
    if let Some(hist) = list(q, "propertiesWithHistory") {
        let h: Map<String, Value> = hist
            .iter()
            .filter_map(|p| {
                c["propertiesWithHistory"]
                    .get(p)
                    .map(|v| (p.clone(), v.clone()))
            })
            .collect();
        out["propertiesWithHistory"] = Value::Object(h);
    }
    if let Some(kinds) = list(q, "associations") {
        let a: Map<String, Value> = kinds
            .iter()
            .filter_map(|k| c["associations"].get(k).map(|v| (k.clone(), v.clone())))
            .collect();
        if !a.is_empty() {
            out["associations"] = Value::Object(a);
        }
    }
    out
}

fn page(s: &mut State, q: &HashMap<String, String>) -> Answer {
    s.page_requests += 1;
    let fault = s.page_faults.remove(&s.page_requests);
    match fault {
        Some(Fault::Status(code)) => return error(s, code, "INTERNAL_ERROR", "internal error"),
        Some(Fault::Drop) => {
            return Answer {
                broken: true,
                ..Answer::ok(Value::Null)
            }
        }
        _ => {}
    }
    let limit: usize = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(10);
    let max = if q.contains_key("propertiesWithHistory") {
        50
    } else {
        100
    };
    if limit > max {
        return error(
            s,
            400,
            "VALIDATION_ERROR",
            &format!(
                "limit must be at most {max}{}",
                if max == 50 {
                    " when propertiesWithHistory is requested"
                } else {
                    ""
                }
            ),
        );
    }
    let after: u64 = match q.get("after").map(|a| a.parse()) {
        None => 0,
        Some(Ok(a)) => a,
        Some(Err(_)) => return error(s, 400, "VALIDATION_ERROR", "after must be a valid cursor"),
    };
    let skip = usize::from(s.page_shift.remove(&s.page_requests));
    let mut it = s.contacts.range(after..).skip(skip);
    let results: Vec<Value> = it.by_ref().take(limit).map(|(_, c)| shown(c, q)).collect();
    let mut body = json!({ "results": results });
    if let Some((next, _)) = it.next() {
        body["paging"] = json!({"next": {
            "after": next.to_string(),
            "link": format!("/crm/v3/objects/contacts?after={next}"),
        }});
    }
    if let Some(next) = s.page_next.remove(&s.page_requests) {
        body["paging"] = json!({"next": {
            "after": next,
            "link": format!("/crm/v3/objects/contacts?after={next}"),
        }});
    }
    let mut a = Answer::ok(body);
    a.hang = fault == Some(Fault::Hang);
    a
}

/// The live id an id stands for.
fn live(s: &State, id: &str) -> Option<String> {
    let mut cur = id.to_string();
    for _ in 0..=s.merged_into.len() {
        match s.merged_into.get(&cur) {
            Some(next) => cur = next.clone(),
            None => break,
        }
    }
    let n: u64 = cur.parse().ok()?;
    s.contacts.contains_key(&n).then_some(cur)
}

fn one(s: &mut State, id: &str, q: &HashMap<String, String>) -> Answer {
    match live(s, id) {
        Some(l) => {
            let c = &s.contacts[&l.parse::<u64>().unwrap()];
            Answer::ok(shown(c, q))
        }
        None => error(
            s,
            404,
            "OBJECT_NOT_FOUND",
            "Object not found.  objectId are usually numeric.",
        ),
    }
}

fn merged_ids(c: &Value) -> Vec<String> {
    c["properties"]["hs_merged_object_ids"]
        .as_str()
        .unwrap_or("")
        .split(';')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn merge(s: &mut State, config: &Config, body: &str, auth: Option<&str>) -> Answer {
    s.merge_requests += 1;
    let fault = s.merge_faults.remove(&s.merge_requests);
    if let Some(answer) = fault.and_then(|f| refusal(s, f, auth)) {
        return answer;
    }
    match fault {
        Some(Fault::Status(code)) => return error(s, code, "INTERNAL_ERROR", "internal error"),
        Some(Fault::Drop) => {
            return Answer {
                broken: true,
                ..Answer::ok(Value::Null)
            }
        }
        _ => {}
    }
    let v: Value = serde_json::from_str(body).unwrap_or_default();
    let (Some(p), Some(sec)) = (v["primaryObjectId"].as_str(), v["objectIdToMerge"].as_str())
    else {
        return error(
            s,
            400,
            "VALIDATION_ERROR",
            "Invalid input JSON: primaryObjectId and objectIdToMerge are required",
        );
    };
    let (p, sec) = (p.to_string(), sec.to_string());
    for id in [&p, &sec] {
        if let Some(to) = s.merged_into.get(id.as_str()).cloned() {
            return error(
                s,
                400,
                "VALIDATION_ERROR",
                &format!("Object {id} was merged into {to} and cannot be merged again"),
            );
        }
        if !id.parse::<u64>().is_ok_and(|n| s.contacts.contains_key(&n)) {
            return error(
                s,
                404,
                "OBJECT_NOT_FOUND",
                &format!("Object {id} not found"),
            );
        }
    }
    if p == sec {
        return error(
            s,
            400,
            "VALIDATION_ERROR",
            "Cannot merge an object with itself",
        );
    }
    let pc = s.contacts.remove(&p.parse().unwrap()).unwrap();
    let sc = s.contacts.remove(&sec.parse().unwrap()).unwrap();
    // The merges both took part in: the distinct ids of their merged ids
    // together (SPEC 4, DECISIONS "Merge limit"), as the tool counts them.
    let together: HashSet<String> = merged_ids(&pc).into_iter().chain(merged_ids(&sc)).collect();
    if together.len() >= config.max_merges {
        s.contacts.insert(p.parse().unwrap(), pc);
        s.contacts.insert(sec.parse().unwrap(), sc);
        return error(
            s,
            400,
            "VALIDATION_ERROR",
            &format!(
                "Merging {sec} into {p} would exceed the limit of {} merges for one record",
                config.max_merges
            ),
        );
    }
    let merged = merged_record(s, config, &p, &sec, pc, sc);
    let merged_id = id_of(&merged);
    s.merged_into.insert(sec.clone(), merged_id.clone());
    if merged_id != p {
        s.merged_into.insert(p.clone(), merged_id.clone());
    }
    s.contacts
        .insert(merged_id.parse().unwrap(), merged.clone());
    s.merges.push(Merge {
        primary: p,
        secondary: sec,
        merged: merged_id,
    });
    match fault {
        Some(Fault::StatusAfter(code)) => error(s, code, "INTERNAL_ERROR", "internal error"),
        Some(Fault::DropAfter) => Answer {
            broken: true,
            ..Answer::ok(Value::Null)
        },
        f => Answer {
            hang: f == Some(Fault::Hang),
            ..Answer::ok(merged)
        },
    }
}

/// The faults that answer without doing the merge, besides a status and a
/// dropped connection.
fn refusal(s: &mut State, fault: Fault, auth: Option<&str>) -> Option<Answer> {
    s.correlation += 1;
    let correlation = format!("00000000-0000-4000-8000-{:012x}", s.correlation);
    let limit = |policy: &str, message: &str, retry_after: Option<&str>| Answer {
        status: 429,
        body: json!({
            "status": "error",
            "message": message,
            "errorType": "RATE_LIMIT",
            "correlationId": correlation,
            "policyName": policy,
        }),
        retry_after: retry_after.map(str::to_string),
        ..Answer::ok(Value::Null)
    };
    Some(match fault {
        Fault::RateLimited(retry_after) => limit(
            "TEN_SECONDLY_ROLLING",
            "You have reached your ten_secondly_rolling limit.",
            retry_after,
        ),
        Fault::Daily => limit("DAILY", "You have reached your daily limit.", None),
        Fault::EchoAuth(status) => error(
            s,
            status,
            "VALIDATION_ERROR",
            &format!(
                "bad request; headers seen: Authorization={}",
                auth.unwrap_or("")
            ),
        ),
        Fault::Moved(to) => Answer {
            status: 301,
            body: json!({"status": "moved"}),
            location: Some(to.to_string()),
            ..Answer::ok(Value::Null)
        },
        _ => return None,
    })
}

/// The primary's values, the secondary's where the primary has none;
/// merged ids and additional emails grown; associations joined.
fn merged_record(
    s: &mut State,
    config: &Config,
    p: &str,
    sec: &str,
    pc: Value,
    sc: Value,
) -> Value {
    let id = if config.new_ids {
        s.next_id += 1;
        (s.next_id - 1).to_string()
    } else {
        p.to_string()
    };
    let mut out = pc.clone();
    let props = out["properties"].as_object_mut().unwrap();
    for (k, v) in sc["properties"].as_object().unwrap() {
        if props
            .get(k)
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            props.insert(k.clone(), v.clone());
        }
    }
    let mut ids = merged_ids(&pc);
    if config.new_ids {
        ids.push(p.to_string());
    }
    ids.push(sec.to_string());
    ids.extend(merged_ids(&sc));
    props.insert("hs_merged_object_ids".into(), json!(ids.join(";")));
    props.insert("hs_object_id".into(), json!(id));
    if let (Some(pe), Some(se)) = (
        pc["properties"]["email"].as_str(),
        sc["properties"]["email"].as_str(),
    ) {
        if pe != se {
            let mut extra: Vec<String> = props
                .get("hs_additional_emails")
                .and_then(Value::as_str)
                .unwrap_or("")
                .split(';')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect();
            extra.push(se.to_string());
            props.insert("hs_additional_emails".into(), json!(extra.join(";")));
        }
    }
    out["id"] = json!(id);
    out
}
