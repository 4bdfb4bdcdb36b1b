//! `push`: a checked plan's merges sent to the portal, pair by pair
//! (`POST /crm/v3/objects/contacts/merge`), resumable through the push
//! log ([`super::pushlog`]).
//!
//! Ids. Each pair's ids go through the merges before it: the export's own
//! (`hs_merged_object_ids`), the earlier runs' (from the log) and this
//! run's. After a merge, both of its ids stand for the id HubSpot returned
//! for the merged record (HubSpot may give it a new id), so a later pair
//! naming either is sent with that one.
//!
//! Never twice. The `intent` line is written before a merge is sent and
//! its outcome after. Where the outcome is unknown (no answer, a 5xx, a
//! run killed between the two lines), the portal is asked before the merge
//! is sent again: `GET /crm/v3/objects/contacts/{objectIdToMerge}`. HubSpot
//! answers a merged-away id with the record it was merged into; when that
//! is the primary, or a record whose `hs_merged_object_ids` holds the
//! primary, the merge was done and is logged `merged` (`checked`). When
//! the id still answers as itself, the merge was not done and is sent.
//! Anything else (merged into another record, gone) stops the run with the
//! pair named: a person has to look.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rustc_hash::FxHashMap;
use serde_json::{json, Value};

use super::client::{Call, Client, Failure, Retrying, Tries};
use super::error::PortalError;
use super::pushlog::{Entry, PairIds, PushLog, Resume};
use crate::plan::{Pair, Plan, Redirects};

/// HubSpot's merge endpoint.
pub const MERGE_PATH: &str = "/crm/v3/objects/contacts/merge";
/// One contact, by id.
pub const CONTACT_PATH: &str = "/crm/v3/objects/contacts";

/// What to push.
pub struct PushJob<'a> {
    pub plan: &'a Plan,
    /// The export's merged-away ids (checked with the plan beforehand).
    pub redirects: Redirects,
    /// For the log's `start` line.
    pub export: &'a str,
    pub log: &'a Path,
    /// `--api-base`: a log belongs to one portal.
    pub api_base: &'a str,
    /// The mode of a new log (the export's).
    pub log_mode: Option<u32>,
    /// Everything but the calls: nothing is sent, the log is only read.
    pub dry_run: bool,
}

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushReport {
    pub pairs: usize,
    /// Done by earlier runs (in the log).
    pub already_done: usize,
    /// Sent and done in this run.
    pub merged: usize,
    /// Found done in the portal after their answer was lost.
    pub checked: usize,
    /// Pairs whose two ids already stand for one record through earlier
    /// merges (pushed `1,2`, then a plan with `2,1`, or `1,3` and `2,3`):
    /// nothing to send, skipped, counted as done.
    pub already_one: usize,
    /// `--dry-run`: merges that would be sent, and pairs whose outcome is
    /// unknown and would be checked first.
    pub would_send: usize,
    pub would_check: usize,
    /// Requests sent, and tries repeated (429, 5xx, no answer).
    pub requests: u64,
    pub retries: u64,
    pub dry_run: bool,
    /// `--dry-run`: every pair in plan order, with the ids it would be
    /// sent with, or those the log has it done with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merges: Option<Vec<PlannedMerge>>,
    /// The pair the run stopped at and why (a run that stopped part way).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<StopReason>,
    /// A plan refused before anything was sent: its bad pairs, as `apply`
    /// lists them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<Vec<crate::plan::BadPair>>,
}

impl PushReport {
    /// Pairs done: by earlier runs, by this one, found done, and those
    /// whose ids were already one record.
    pub fn done(&self) -> usize {
        self.already_done + self.merged + self.checked + self.already_one
    }
}

/// Where and why a push stopped, for the JSON report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StopReason {
    pub place: String,
    pub primary: String,
    pub secondary: String,
    /// HubSpot's status, when it answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The whole message, as on stderr.
    pub error: String,
}

/// A pair of a dry run: what it would be sent as, or what the log says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedMerge {
    /// The plan's place and ids, and the ids sent (`primaryObjectId`,
    /// `objectIdToMerge`): through the merges before it, the dry run's
    /// own standing in for HubSpot's answers with the primary's id; for a
    /// pair done, the ids the log has it sent with.
    #[serde(flatten)]
    pub ids: PairIds,
    pub action: Action,
    /// A pair done: the id HubSpot returned for it (from the log).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_id: Option<String>,
}

/// What a dry run would do with a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// Send it.
    Send,
    /// An earlier run sent it and its answer was lost: ask the portal
    /// first, send it only if it was not done.
    Check,
    /// Done by an earlier run (in the log): skip it.
    Done,
    /// Its two ids are one record already (earlier merges joined them):
    /// nothing to send, skip it.
    AlreadyOne,
}

/// What the progress bar hears.
#[derive(Debug)]
pub enum Event<'a> {
    /// A pair done by an earlier run, or already one record, skipped.
    Skipped,
    /// A pair done now (or, in a dry run, that would be sent).
    Done,
    /// A try failed and is repeated after a wait.
    Retry(&'a Retrying<'a>),
    /// The first line of this run was appended to the log (a log refused,
    /// or a dry run, never hears it).
    Logged,
}

/// Why a push stopped at a pair.
#[derive(Debug, thiserror::Error)]
#[error("{place} of {plan} (merge {secondary} into {primary}{sent}): {}; {done} of {pairs} merges are done and recorded in {}{}", with_sources(cause), log.display(), if cause.says_run_again() { "" } else { ": mend the cause, then run push again (it resumes)" })]
pub struct PairStopped {
    pub plan: String,
    pub place: String,
    pub primary: String,
    pub secondary: String,
    /// ", sent as X into Y" when the ids sent differ.
    pub sent: String,
    pub done: usize,
    pub pairs: usize,
    pub log: PathBuf,
    /// In the message itself (not a source), so it is worded once.
    pub cause: PortalError,
    /// What the run did up to here (`stopped` filled in).
    pub report: PushReport,
}

/// An error and its sources, as one line (a file's error keeps the
/// system's reason in its source).
fn with_sources(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        text.push_str(": ");
        text.push_str(&s.to_string());
        next = s.source();
    }
    text
}

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error(transparent)]
    Portal(#[from] PortalError),
    #[error(transparent)]
    Pair(Box<PairStopped>),
}

/// Push `job`'s plan (already checked against the export). `client` is
/// `None` only for a dry run.
pub fn push(
    client: Option<&mut Client>,
    mut job: PushJob<'_>,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<PushReport, PushError> {
    let (log, entries) = if job.dry_run {
        (None, PushLog::read(job.log)?)
    } else {
        let (log, entries) = PushLog::open(job.log, job.log_mode)?;
        (Some(log), entries)
    };
    same_portal(&entries, job.api_base, job.log)?;
    let mut run = Run {
        client,
        log,
        redirects: std::mem::take(&mut job.redirects),
        report: PushReport {
            pairs: job.plan.pairs.len(),
            dry_run: job.dry_run,
            merges: job.dry_run.then(Vec::new),
            ..PushReport::default()
        },
        on_event,
    };
    let resume = Resume::from_entries(&entries);
    let mut done = run.replay(&resume);
    let open = resume.open;
    run.start_line(&job)?;
    for pair in &job.plan.pairs {
        let key = (pair.primary.clone(), pair.secondary.clone());
        if let Some((ids, merged_id)) = done.get_mut(&key).and_then(VecDeque::pop_front) {
            run.report.already_done += 1;
            let place = job.plan.place(pair.line);
            run.note(PairIds { place, ..ids }, Action::Done, Some(merged_id));
            (run.on_event)(Event::Skipped);
            continue;
        }
        let ids = run.ids(job.plan, pair);
        if ids.primary_object_id == ids.object_id_to_merge {
            // Earlier merges made the two one record: HubSpot would
            // refuse to merge it with itself, and there is nothing to do.
            run.report.already_one += 1;
            let one = ids.primary_object_id.clone();
            run.note(ids, Action::AlreadyOne, Some(one));
            (run.on_event)(Event::Skipped);
            continue;
        }
        run.pair(&ids, open.get(&key))
            .map_err(|source| run.stopped(&job, pair, &ids, source))?;
        (run.on_event)(Event::Done);
    }
    if let Some(log) = run.log.as_mut() {
        log.sync()?;
    }
    if let Some(c) = &run.client {
        run.report.requests = c.sent;
    }
    Ok(run.report)
}

/// A log records the pushes to one portal: its pairs done say nothing of
/// another one.
fn same_portal(entries: &[Entry], api_base: &str, log: &Path) -> Result<(), PortalError> {
    let base = |b: &str| b.trim_end_matches('/').to_string();
    let earlier = entries.iter().rev().find_map(|e| match e {
        Entry::Start { api_base, .. } => Some(base(api_base)),
        _ => None,
    });
    match earlier {
        Some(earlier) if earlier != base(api_base) => Err(PortalError::State {
            path: log.to_path_buf(),
            detail: format!(
                "this push log records pushes to {earlier}, and this push goes to {}; a log belongs to one portal: to go on with that portal, give --api-base {earlier}; to push to {} instead, give a new --log (the merges this log records were sent to {earlier}, not there)",
                base(api_base),
                base(api_base)
            ),
        }),
        _ => Ok(()),
    }
}

/// A pair's merges done by earlier runs: the ids sent, the id returned.
type Done = VecDeque<(PairIds, String)>;

struct Run<'c, 'e> {
    client: Option<&'c mut Client>,
    log: Option<PushLog>,
    redirects: Redirects,
    report: PushReport,
    on_event: &'e mut dyn FnMut(Event<'_>),
}

/// What asking the portal about an earlier merge found.
enum Check {
    Done(String),
    NotDone,
}

impl Run<'_, '_> {
    /// The earlier runs' merges, as redirects; each pair's (as the plan
    /// names it), with the ids sent and returned, as often as it was done.
    fn replay(&mut self, resume: &Resume) -> FxHashMap<(String, String), Done> {
        let mut done: FxHashMap<_, Done> = FxHashMap::default();
        for (p, merged_id) in &resume.merged {
            self.merged_into(p, merged_id);
            done.entry((p.primary.clone(), p.secondary.clone()))
                .or_default()
                .push_back((p.clone(), merged_id.clone()));
        }
        done
    }

    /// A dry run's pair, for its report.
    fn note(&mut self, ids: PairIds, action: Action, merged_id: Option<String>) {
        if let Some(merges) = self.report.merges.as_mut() {
            merges.push(PlannedMerge {
                ids,
                action,
                merged_id,
            });
        }
    }

    fn merged_into(&mut self, ids: &PairIds, merged_id: &str) {
        self.redirects.record(&ids.object_id_to_merge, merged_id);
        self.redirects.record(&ids.primary_object_id, merged_id);
    }

    fn start_line(&mut self, job: &PushJob<'_>) -> Result<(), PortalError> {
        let Some(client) = self.client.as_deref() else {
            return Ok(());
        };
        let entry = Entry::Start {
            at: now(),
            export: job.export.to_string(),
            plan: job.plan.file.clone(),
            pairs: job.plan.pairs.len(),
            api_base: client.options().base.clone(),
            rate: client.options().rate.to_string(),
        };
        self.write(&entry)
    }

    fn ids(&mut self, plan: &Plan, pair: &Pair) -> PairIds {
        PairIds {
            place: plan.place(pair.line),
            primary: pair.primary.clone(),
            secondary: pair.secondary.clone(),
            primary_object_id: self.redirects.resolve(&pair.primary).into_owned(),
            object_id_to_merge: self.redirects.resolve(&pair.secondary).into_owned(),
        }
    }

    fn write(&mut self, entry: &Entry) -> Result<(), PortalError> {
        let Some(log) = self.log.as_mut() else {
            return Ok(());
        };
        let first = !log.appended();
        log.write(entry)?;
        if first {
            (self.on_event)(Event::Logged);
        }
        Ok(())
    }

    /// One pair not done before: checked first when an earlier run left
    /// its outcome unknown, then sent.
    fn pair(&mut self, ids: &PairIds, open: Option<&PairIds>) -> Result<(), PortalError> {
        if self.client.is_none() {
            self.report.would_send += 1;
            self.report.would_check += usize::from(open.is_some());
            let action = if open.is_some() {
                Action::Check
            } else {
                Action::Send
            };
            self.note(ids.clone(), action, None);
            // The dry run's stand-in for HubSpot's answer: the primary.
            let primary = ids.primary_object_id.clone();
            self.merged_into(ids, &primary);
            return Ok(());
        }
        if let Some(earlier) = open {
            if let Check::Done(merged_id) = self.check(earlier, ids)? {
                return self.done(ids, merged_id, true);
            }
        }
        self.write(&Entry::Intent {
            pair: ids.clone(),
            at: now(),
        })?;
        let (merged_id, checked) = self.send(ids)?;
        self.done(ids, merged_id, checked)
    }

    fn done(&mut self, ids: &PairIds, merged_id: String, checked: bool) -> Result<(), PortalError> {
        self.write(&Entry::Merged {
            pair: ids.clone(),
            merged_id: merged_id.clone(),
            checked,
            at: now(),
        })?;
        if checked {
            self.report.checked += 1;
        } else {
            self.report.merged += 1;
        }
        self.merged_into(ids, &merged_id);
        Ok(())
    }

    /// Send the merge through 429s; after a 5xx or no answer, ask the
    /// portal whether it was done before sending it again.
    fn send(&mut self, ids: &PairIds) -> Result<(String, bool), PortalError> {
        let call = Call::post(
            MERGE_PATH,
            json!({
                "primaryObjectId": ids.primary_object_id,
                "objectIdToMerge": ids.object_id_to_merge,
            }),
        );
        let mut tries = Tries::default();
        loop {
            let client = self.client.as_deref_mut().expect("not a dry run");
            let failure = match client.send(&call) {
                Ok(answer) => return merged_id(&call, &answer).map(|id| (id, false)),
                Err(f) => f,
            };
            let wait = match client.retry_wait(&call, &failure, &mut tries) {
                Ok(wait) => wait,
                Err(e) => {
                    self.failed(ids, &failure)?;
                    return Err(e);
                }
            };
            self.retry(ids, &call, &failure, wait)?;
            std::thread::sleep(wait);
            let unknown = matches!(failure, Failure::Server { .. } | Failure::Dropped { .. });
            if unknown {
                if let Check::Done(id) = self.check(ids, ids)? {
                    return Ok((id, true));
                }
            }
        }
    }

    fn failed(&mut self, ids: &PairIds, failure: &Failure) -> Result<(), PortalError> {
        self.write(&Entry::Failed {
            pair: ids.clone(),
            status: failure.status(),
            error: failure.to_string(),
            at: now(),
        })
    }

    fn retry(
        &mut self,
        ids: &PairIds,
        call: &Call,
        failure: &Failure,
        wait: Duration,
    ) -> Result<(), PortalError> {
        self.report.retries += 1;
        let retrying = Retrying {
            call,
            failure,
            wait,
        };
        self.write(&retry_entry(ids, &retrying))?;
        (self.on_event)(Event::Retry(&retrying));
        Ok(())
    }

    /// Was `earlier` (a merge sent, its outcome unknown) done? Asks the
    /// portal what its secondary answers as (see the module).
    fn check(&mut self, earlier: &PairIds, now_ids: &PairIds) -> Result<Check, PortalError> {
        let secondary = &earlier.object_id_to_merge;
        let call = Call::get(format!("{CONTACT_PATH}/{secondary}"))
            .query("properties", crate::plan::MERGED_IDS);
        let answer = self.call_logged(&call, now_ids)?;
        let id = merged_id(&call, &answer)?;
        if &id == secondary {
            return Ok(Check::NotDone);
        }
        let merged_ids = answer
            .pointer(&format!("/properties/{}", crate::plan::MERGED_IDS))
            .and_then(Value::as_str)
            .unwrap_or("");
        let primary = &earlier.primary_object_id;
        if &id == primary || crate::model::split_multi(merged_ids).any(|m| m == primary) {
            return Ok(Check::Done(id));
        }
        Err(PortalError::MergedElsewhere {
            call: call.describe(),
            secondary: secondary.clone(),
            into: id,
            primary: primary.clone(),
        })
    }

    /// `client.call`, each retry logged (with its call and time) as it
    /// happens, before its wait: a run killed in a long wait has it.
    fn call_logged(&mut self, call: &Call, ids: &PairIds) -> Result<Value, PortalError> {
        let client = self.client.as_deref_mut().expect("not a dry run");
        let on_event = &mut *self.on_event;
        let mut log = self.log.take();
        let (mut retries, mut unwritten) = (0, None);
        let answer = client.call(call, &mut |r| {
            retries += 1;
            if let Some(log) = log.as_mut() {
                if let Err(e) = log.write(&retry_entry(ids, r)) {
                    unwritten.get_or_insert(e);
                }
            }
            on_event(Event::Retry(r));
        });
        self.log = log;
        self.report.retries += retries;
        match unwritten {
            Some(e) => Err(e),
            None => answer,
        }
    }

    fn stopped(
        &mut self,
        job: &PushJob<'_>,
        pair: &Pair,
        ids: &PairIds,
        source: PortalError,
    ) -> PushError {
        let sent =
            if ids.primary_object_id != pair.primary || ids.object_id_to_merge != pair.secondary {
                format!(
                    ", sent as {} into {}",
                    ids.object_id_to_merge, ids.primary_object_id
                )
            } else {
                String::new()
            };
        if let Some(c) = &self.client {
            self.report.requests = c.sent;
        }
        let status = source.status();
        let mut stopped = PairStopped {
            plan: job.plan.file.clone(),
            place: ids.place.clone(),
            primary: pair.primary.clone(),
            secondary: pair.secondary.clone(),
            sent,
            done: self.report.done(),
            pairs: self.report.pairs,
            log: job.log.to_path_buf(),
            cause: source,
            report: PushReport::default(),
        };
        let mut report = std::mem::take(&mut self.report);
        report.stopped = Some(StopReason {
            place: stopped.place.clone(),
            primary: stopped.primary.clone(),
            secondary: stopped.secondary.clone(),
            status,
            error: stopped.to_string(),
        });
        stopped.report = report;
        PushError::Pair(Box::new(stopped))
    }
}

/// The log line of a retry.
fn retry_entry(ids: &PairIds, r: &Retrying<'_>) -> Entry {
    Entry::Retry {
        pair: ids.clone(),
        call: Some(r.call.describe()),
        status: r.failure.status(),
        error: r.failure.to_string(),
        wait_ms: r.wait.as_millis() as u64,
        at: now(),
    }
}

/// The id of the record HubSpot answered with.
fn merged_id(call: &Call, answer: &Value) -> Result<String, PortalError> {
    match answer.get("id") {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(PortalError::BadReply {
            call: call.describe(),
            detail: "the answer has no record \"id\"".into(),
        }),
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The export's merged-away ids (its contacts' `hs_merged_object_ids`
/// that are no contact of the export), as [`Redirects::from_export`] finds
/// them, read one contact at a time.
pub fn export_redirects(
    path: &Path,
    format: Option<crate::format::Format>,
) -> Result<Redirects, crate::format::ReadError> {
    let mut live = rustc_hash::FxHashSet::default();
    let mut claimed: Vec<(String, String)> = Vec::new();
    crate::format::for_each_contact(path, format, &mut |c| {
        for id in crate::model::split_multi(c.prop(crate::plan::MERGED_IDS).unwrap_or("")) {
            claimed.push((id.to_string(), c.id.clone()));
        }
        live.insert(c.id);
    })?;
    let mut r = Redirects::new();
    for (from, to) in claimed {
        if !live.contains(&from) {
            r.claim(&from, &to);
        }
    }
    Ok(r)
}
