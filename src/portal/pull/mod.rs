//! `pull`: every contact of the portal, page by page
//! (`GET /crm/v3/objects/contacts?limit=100&after=...`), into an export in
//! any format; an interrupted run resumes where it stopped.
//!
//! Two files live beside the output while a pull runs:
//! - `OUT.pull.ndjson`, the part: each page's contacts appended as JSON
//!   Lines (the project's own writer), flushed to disk after each page;
//! - `OUT.pull.json`, the state: what was asked (the properties, history,
//!   associations), the cursor of the next page, and how many bytes of the
//!   part hold whole pages. It is replaced atomically after each page.
//!
//! A run locks the part (`flock`, as `push` locks its log) before it asks
//! anything: a second pull into the same output is refused. A new run
//! with a state beside its output goes on from its cursor (the part cut
//! back to the state's length first: a page half written when the run
//! stopped is fetched again); a part missing or shorter than the state
//! records is refused, never lengthened. Asking for something else than
//! the state recorded is refused. A contact sent again on a later page
//! (HubSpot's paging shifts while contacts change) is written once, as it
//! came first; a next-page cursor the run already asked with stops it.
//! A property list too long for one request's address is asked in groups
//! ([`page`]). At the end the part becomes the output, less the contacts
//! merged in the portal into another pulled one while the pull ran
//! ([`merged`]): as it is for JSON Lines (copied into place), else read
//! back and written as JSON or CSV by the project's writers, atomically;
//! then the part and the state are removed. Until then the output is
//! untouched.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::{Call, Client, Retrying};
use super::error::PortalError;
use crate::format::Format;
use crate::model::Layout;

mod merged;
mod page;
pub use page::MAX_URL;

pub const CONTACTS_PATH: &str = "/crm/v3/objects/contacts";
pub const PROPERTIES_PATH: &str = "/crm/v3/properties/contacts";
/// HubSpot's largest page, and its largest with property history.
pub const PAGE: usize = 100;
pub const PAGE_WITH_HISTORY: usize = 50;
/// The properties HubSpot returns when none are named; also the ones whose
/// history `--with-history` asks for without `--properties`.
pub const DEFAULT_PROPERTIES: [&str; 6] = [
    "createdate",
    "email",
    "firstname",
    "hs_object_id",
    "lastmodifieddate",
    "lastname",
];
/// The associations `--associations` asks for.
pub const ASSOCIATIONS: [&str; 3] = ["companies", "deals", "tickets"];

/// `--properties`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Properties {
    /// HubSpot's default set.
    Default,
    /// Every property the portal defines (read from its property list).
    All,
    List(Vec<String>),
}

/// What to pull, and where.
#[derive(Debug, Clone)]
pub struct PullJob<'a> {
    pub output: &'a Path,
    pub format: Format,
    pub properties: Properties,
    pub history: bool,
    pub associations: bool,
    /// The mode of a new output.
    pub mode: Option<u32>,
    /// The longest address of a page request, in characters
    /// ([`MAX_URL`]): a longer property list is split over requests.
    pub max_url: usize,
}

/// What a pull did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PullReport {
    pub contacts: usize,
    pub pages: usize,
    /// Contacts an earlier, interrupted run had pulled.
    pub resumed_with: usize,
    /// Contacts HubSpot sent again on a later page, written once.
    pub repeats: usize,
    /// Contacts left out: merged in the portal, while the pull ran, into
    /// another contact it pulled (whose `hs_merged_object_ids` lists them).
    #[serde(skip_serializing_if = "is_zero")]
    pub merged_away: usize,
    pub requests: u64,
    pub retries: u64,
    /// What the output's format has no place for (history in CSV, ...),
    /// contacts sent twice, contacts merged away while the pull ran.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What the progress bar hears.
#[derive(Debug)]
pub enum PullEvent<'a> {
    /// Resuming with this many contacts.
    Resumed(usize),
    /// A page is in: contacts so far.
    Page(usize),
    Retry(&'a Retrying<'a>),
}

/// The request, as the state records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Query {
    /// `None`: HubSpot's default set.
    properties: Option<Vec<String>>,
    all_properties: bool,
    history: bool,
    associations: bool,
}

/// The state file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct State {
    query: Query,
    /// The next page's cursor; `None` before the first page.
    after: Option<String>,
    contacts: usize,
    pages: usize,
    /// Bytes of the part that hold whole pages.
    bytes: u64,
    /// `--api-base` of the run that began the pull: one export holds one
    /// portal. Absent from states written before it was recorded (those
    /// resume against any base).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    api_base: Option<String>,
    /// Contacts sent again on a later page, not written again.
    #[serde(default)]
    repeats: usize,
}

/// The part and state files of a pull into `output`.
pub fn side_files(output: &Path) -> (PathBuf, PathBuf) {
    let with = |ext: &str| {
        let mut s = output.as_os_str().to_owned();
        s.push(ext);
        PathBuf::from(s)
    };
    (with(".pull.ndjson"), with(".pull.json"))
}

/// The two side files of a pull.
struct SideFiles<'p> {
    part: &'p Path,
    state: &'p Path,
}

/// What a run has seen: the ids in the part (a contact sent again is
/// written once), and the cursors asked with, by the page they asked for
/// (a cursor sent back again would page forever).
#[derive(Default)]
struct Seen {
    ids: HashSet<String>,
    cursors: HashMap<String, usize>,
}

/// Pull every contact into `job.output`.
pub fn pull(
    client: &mut Client,
    job: &PullJob<'_>,
    on_event: &mut dyn FnMut(PullEvent<'_>),
) -> Result<PullReport, PortalError> {
    let (part_path, state_path) = side_files(job.output);
    // A bad output (a folder) is refused before the first request, not
    // after the last.
    crate::atomic::check_target(job.output)
        .map_err(|e| PortalError::file(job.output, "cannot write the output", e))?;
    let (lock, created) = lock_part(&part_path, job.output)?;
    let files = SideFiles {
        part: &part_path,
        state: &state_path,
    };
    let result = pull_locked(client, job, &lock, &files, on_event);
    if result.is_err() {
        // Nothing to resume from: leave no part behind (nor an empty one
        // this run made beside a state it refused).
        let empty = created && lock.metadata().is_ok_and(|m| m.len() == 0);
        if empty || !state_path.exists() {
            let _ = std::fs::remove_file(&part_path);
        }
    }
    // The lock goes with the part's last descriptor, here.
    drop(lock);
    result
}

fn pull_locked(
    client: &mut Client,
    job: &PullJob<'_>,
    lock: &File,
    files: &SideFiles<'_>,
    on_event: &mut dyn FnMut(PullEvent<'_>),
) -> Result<PullReport, PortalError> {
    let mut state = match read_state(files.state)? {
        Some(state) => {
            check_part_holds(&state, lock, files)?;
            check_same_portal(&state, &client.options().base, files.state)?;
            check_same_query(&state, job, files.state)?;
            on_event(PullEvent::Resumed(state.contacts));
            state
        }
        None => State {
            query: query_for(client, job, on_event)?,
            after: None,
            contacts: 0,
            pages: 0,
            bytes: 0,
            api_base: Some(client.options().base.clone()),
            repeats: 0,
        },
    };
    let resumed_with = state.contacts;
    let mut seen = Seen {
        ids: ids_in_part(files, state.bytes)?,
        cursors: HashMap::new(),
    };
    if let Some(after) = &state.after {
        seen.cursors.insert(after.clone(), state.pages + 1);
    }
    let mut part = open_part(lock, files.part, state.bytes)?;
    let mut retries = 0u64;
    page_all(
        client,
        job,
        &mut state,
        &mut seen,
        &mut part,
        files,
        &mut |e| {
            if let PullEvent::Retry(_) = e {
                retries += 1;
            }
            on_event(e)
        },
    )?;
    drop(part);
    let Finished {
        mut warnings,
        merged_away,
    } = finish(job, files.part, files.state)?;
    if state.repeats > 0 {
        warnings.insert(0, format!(
            "HubSpot sent {} again on a later page (its paging shifts while contacts change): each is written once, as it came first; pull again for the newest state",
            crate::text::count(state.repeats, "contact", "contacts")
        ));
    }
    Ok(PullReport {
        contacts: state.contacts - merged_away,
        merged_away,
        pages: state.pages,
        resumed_with,
        repeats: state.repeats,
        requests: client.sent,
        retries,
        warnings,
    })
}

/// Every page from the state's cursor on, each appended to the part and
/// recorded in the state. A cursor this run asked with already stops it
/// (HubSpot's paging going round would never end).
fn page_all(
    client: &mut Client,
    job: &PullJob<'_>,
    state: &mut State,
    seen: &mut Seen,
    part: &mut BufWriter<File>,
    files: &SideFiles<'_>,
    on_event: &mut dyn FnMut(PullEvent<'_>),
) -> Result<(), PortalError> {
    loop {
        let base = client.options().base.clone();
        let calls = page::page_calls(&base, &state.query, state.after.as_deref(), job.max_url)?;
        let page = page::fetch(client, &calls, state.pages + 1, &mut |r| {
            on_event(PullEvent::Retry(r))
        })?;
        let call = &calls[0];
        let written = write_page(call, &page, part, files.part, &mut seen.ids)?;
        if let Some(after) = &written.next {
            if let Some(&earlier) = seen.cursors.get(after) {
                return Err(looped(call, after, earlier, state.pages + 1, files));
            }
            seen.cursors.insert(after.clone(), state.pages + 2);
        }
        state.contacts += written.kept;
        state.repeats += written.repeats;
        state.pages += 1;
        state.bytes = part
            .get_ref()
            .metadata()
            .map_err(|e| PortalError::file(files.part, "cannot read the part file", e))?
            .len();
        state.after = written.next;
        on_event(PullEvent::Page(state.contacts));
        if state.after.is_none() {
            return Ok(());
        }
        save_state(files.state, state)?;
    }
}

/// The error of a page whose next cursor was asked with before.
fn looped(
    call: &Call,
    after: &str,
    earlier: usize,
    page: usize,
    files: &SideFiles<'_>,
) -> PortalError {
    PortalError::BadReply {
        call: call.describe(),
        detail: format!(
            "page {page} gives as the next page's cursor {after:?}, which page {earlier} was already asked with: HubSpot's paging went round, and following it would never end; the pull stopped before counting page {page}. It resumes: run the same command again later (the paging can settle once contacts stop changing), or remove {} and {} to start over",
            files.state.display(),
            files.part.display()
        ),
    }
}

/// The query of a new pull; `--properties all` reads the portal's list.
fn query_for(
    client: &mut Client,
    job: &PullJob<'_>,
    on_event: &mut dyn FnMut(PullEvent<'_>),
) -> Result<Query, PortalError> {
    let properties = match &job.properties {
        Properties::Default if job.history => {
            Some(DEFAULT_PROPERTIES.iter().map(|p| p.to_string()).collect())
        }
        Properties::Default => None,
        Properties::List(list) => Some(list.clone()),
        Properties::All => {
            let call = Call::get(PROPERTIES_PATH);
            let answer = client.call(&call, &mut |r| on_event(PullEvent::Retry(r)))?;
            Some(property_names(&call, &answer)?)
        }
    };
    Ok(Query {
        properties,
        all_properties: job.properties == Properties::All,
        history: job.history,
        associations: job.associations,
    })
}

/// The names in HubSpot's property list (`{"results": [{"name": ...}]}`).
fn property_names(call: &Call, answer: &Value) -> Result<Vec<String>, PortalError> {
    let bad = |detail: &str| PortalError::BadReply {
        call: call.describe(),
        detail: detail.to_string(),
    };
    let results = answer
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no \"results\" list"))?;
    results
        .iter()
        .map(|p| {
            p.get("name")
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| bad("a property without a \"name\""))
        })
        .collect()
}

/// A pull resumes against the portal it began with: its pages so far say
/// nothing of another one.
fn check_same_portal(state: &State, api_base: &str, path: &Path) -> Result<(), PortalError> {
    let base = |b: &str| b.trim_end_matches('/').to_string();
    match &state.api_base {
        Some(earlier) if base(earlier) != base(api_base) => Err(PortalError::State {
            path: path.to_path_buf(),
            detail: format!(
                "an interrupted pull into this output was pulling from {}, and this pull asks {}; one export holds one portal: finish it with --api-base {} as it began, or remove this file and the .pull.ndjson beside it to start over",
                base(earlier),
                base(api_base),
                base(earlier)
            ),
        }),
        _ => Ok(()),
    }
}

fn check_same_query(state: &State, job: &PullJob<'_>, path: &Path) -> Result<(), PortalError> {
    let q = &state.query;
    // The list as the state keeps it, had this run the state's history
    // (with history, HubSpot's defaults are named): a change of history
    // alone is not also a change of properties.
    let asked = match &job.properties {
        Properties::List(list) => Some(list.clone()),
        Properties::Default if q.history => {
            Some(DEFAULT_PROPERTIES.iter().map(|p| p.to_string()).collect())
        }
        Properties::Default | Properties::All => None,
    };
    let flag = |on: bool, name: &str| match on {
        true => format!("with {name}"),
        false => format!("without {name}"),
    };
    let mut differs = Vec::new();
    if q.all_properties != (job.properties == Properties::All)
        || (!q.all_properties && q.properties != asked)
    {
        differs.push(match (&q.properties, q.all_properties) {
            (_, true) => "--properties all".to_string(),
            (Some(list), false) if q.history && list.iter().eq(DEFAULT_PROPERTIES.iter()) => {
                "HubSpot's default properties (no --properties)".to_string()
            }
            (Some(list), false) => format!("--properties {}", list.join(",")),
            (None, false) => "HubSpot's default properties (no --properties)".to_string(),
        });
    }
    if q.history != job.history {
        differs.push(flag(q.history, "--with-history"));
    }
    if q.associations != job.associations {
        differs.push(flag(q.associations, "--associations"));
    }
    if differs.is_empty() {
        return Ok(());
    }
    Err(PortalError::State {
        path: path.to_path_buf(),
        detail: format!(
            "an interrupted pull into this output asked for other data: it ran {}; run it again so to finish it, or remove this file and the .pull.ndjson beside it to start over",
            differs.join(", ")
        ),
    })
}

/// What a page added to the part.
struct Written {
    /// Contacts written.
    kept: usize,
    /// Contacts an earlier page had sent (not written again).
    repeats: usize,
    next: Option<String>,
}

/// Append a page's contacts to the part, on disk before the state says
/// so, but for those `ids` already holds (a contact sent again: the first
/// copy stays).
fn write_page(
    call: &Call,
    page: &Value,
    part: &mut BufWriter<File>,
    path: &Path,
    ids: &mut HashSet<String>,
) -> Result<Written, PortalError> {
    let bad = |detail: String| PortalError::BadReply {
        call: call.describe(),
        detail,
    };
    let results = page
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no \"results\" list".into()))?;
    let write_err = |e| PortalError::file(path, "cannot write the part file", e);
    let (mut kept, mut repeats) = (0, 0);
    for r in results {
        let contact = crate::format::json::contact_from_value(r.clone())
            .map_err(|e| bad(format!("a contact HubSpot sent cannot be read: {}", e.what)))?;
        if !ids.insert(contact.id.clone()) {
            repeats += 1;
            continue;
        }
        crate::format::ndjson::write_contact(&contact, part).map_err(write_err)?;
        kept += 1;
    }
    part.flush().map_err(write_err)?;
    part.get_ref().sync_data().map_err(write_err)?;
    let next = page
        .pointer("/paging/next/after")
        .and_then(|a| match a {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .filter(|s| !s.is_empty());
    Ok(Written {
        kept,
        repeats,
        next,
    })
}

fn read_state(path: &Path) -> Result<Option<State>, PortalError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(PortalError::file(path, "cannot read the pull state", e)),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| PortalError::State {
            path: path.to_path_buf(),
            detail: format!(
                "not a pull state ({e}); remove it and the .pull.ndjson beside it to start over"
            ),
        })
}

fn save_state(path: &Path, state: &State) -> Result<(), PortalError> {
    crate::atomic::write_atomic(path, |w| {
        serde_json::to_writer(&mut *w, state)?;
        w.write_all(b"\n")
    })
    .map_err(|e| PortalError::file(path, "cannot write the pull state", e))
}

/// The part file, opened (made when missing: the bool says so) and
/// locked for this run: a second pull into the same output is refused
/// before it asks anything.
fn lock_part(path: &Path, output: &Path) -> Result<(File, bool), PortalError> {
    use std::os::unix::fs::MetadataExt;
    let err = |e| PortalError::file(path, "cannot open the part file", e);
    let open = |create| {
        OpenOptions::new()
            .read(true)
            .append(true)
            .create(create)
            .open(path)
    };
    let (file, created) = match open(false) {
        Ok(f) => (f, false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (open(true).map_err(err)?, true),
        Err(e) => return Err(err(e)),
    };
    let in_use = || PortalError::PullInUse {
        output: output.to_path_buf(),
        part: path.to_path_buf(),
    };
    let locked = super::lock::try_lock(&file, false)
        .map_err(|e| PortalError::file(path, "cannot lock the part file", e))?;
    if !locked {
        return Err(in_use());
    }
    // A run that finished in between removed the file this one locked.
    let mine = file.metadata().map_err(err)?;
    match std::fs::metadata(path) {
        Ok(m) if m.ino() == mine.ino() && m.dev() == mine.dev() => Ok((file, created)),
        _ => Err(in_use()),
    }
}

/// A resumed pull's part holds at least the bytes its state counts: one
/// missing or shorter lost contacts the state says are pulled, and
/// resuming would leave them out of the export (it did: the part was
/// lengthened with NUL bytes).
fn check_part_holds(state: &State, part: &File, files: &SideFiles<'_>) -> Result<(), PortalError> {
    let len = part
        .metadata()
        .map_err(|e| PortalError::file(files.part, "cannot read the part file", e))?
        .len();
    if len >= state.bytes {
        return Ok(());
    }
    let how = match len {
        0 => "are missing (the file is gone or empty)".to_string(),
        n => format!("are cut short (the file holds {n} bytes)"),
    };
    Err(PortalError::State {
        path: files.part.to_path_buf(),
        detail: format!(
            "the contacts of an interrupted pull into this output {how}, while its state {} records {} in {} bytes; resuming would leave them out of the export, so nothing was asked: remove {} to start the pull over",
            files.state.display(),
            crate::text::count(state.contacts, "contact", "contacts"),
            state.bytes,
            files.state.display()
        ),
    })
}

/// The ids of the contacts in the part's first `bytes` (a resumed run
/// writes none of them again).
fn ids_in_part(files: &SideFiles<'_>, bytes: u64) -> Result<HashSet<String>, PortalError> {
    #[derive(Deserialize)]
    struct Id {
        id: Value,
    }
    let mut ids = HashSet::new();
    if bytes == 0 {
        return Ok(ids);
    }
    let read_err = |e| PortalError::file(files.part, "cannot read the part file", e);
    let file = File::open(files.part).map_err(read_err)?;
    for (i, line) in BufReader::new(file.take(bytes)).lines().enumerate() {
        let line = line.map_err(read_err)?;
        let id = match serde_json::from_str::<Id>(&line).map(|c| c.id) {
            Ok(Value::String(s)) => s,
            Ok(Value::Number(n)) => n.to_string(),
            _ => {
                return Err(PortalError::State {
                    path: files.part.to_path_buf(),
                    detail: format!(
                        "line {} is not a contact a pull wrote; remove it and {} to start the pull over",
                        i + 1,
                        files.state.display()
                    ),
                })
            }
        };
        ids.insert(id);
    }
    Ok(ids)
}

/// The part, cut back to the whole pages the state counts, to append to
/// (through the locked file's own descriptor).
fn open_part(lock: &File, path: &Path, bytes: u64) -> Result<BufWriter<File>, PortalError> {
    let err = |e| PortalError::file(path, "cannot open the part file", e);
    let file = lock.try_clone().map_err(err)?;
    file.set_len(bytes).map_err(err)?;
    Ok(BufWriter::new(file))
}

/// What [`finish`] wrote.
struct Finished {
    /// What the output's format left out, and the contacts merged away
    /// while the pull ran, as warnings.
    warnings: Vec<String>,
    /// Contacts left out: merged into another pulled one in the portal.
    merged_away: usize,
}

/// The part becomes the output, without the contacts merged away while
/// the pull ran ([`merged`]); the side files go.
fn finish(job: &PullJob<'_>, part: &Path, state: &Path) -> Result<Finished, PortalError> {
    let out = job.output;
    let write_err = |e| PortalError::file(out, "cannot write the output", e);
    let stale = merged::stale_in(part)?;
    let mut warnings = Vec::new();
    if job.format == Format::Ndjson {
        crate::atomic::write_atomic_result(out, job.mode, |w| {
            let mut from = File::open(part)?;
            if stale.is_empty() {
                return std::io::copy(&mut from, w).map(drop);
            }
            for line in BufReader::new(from).lines() {
                let line = line?;
                if !merged::id_of_line(&line).is_some_and(|id| stale.contains(&id)) {
                    writeln!(w, "{line}")?;
                }
            }
            Ok(())
        })
        .map_err(write_err)?;
    } else {
        let mut export = read_part(part)?;
        export.contacts.retain(|c| !stale.contains(&c.id));
        warnings = crate::batch::output::left_out(&export, job.format);
        crate::atomic::write_atomic_result(out, job.mode, |w| {
            crate::format::write(&export, job.format, w)
        })
        .map_err(write_err)?;
    }
    // A portal of one page never saved a state to resume from.
    for f in [state, part] {
        match std::fs::remove_file(f) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(PortalError::file(f, "cannot remove", e))
            }
            _ => {}
        }
    }
    warnings.extend(stale.warning());
    Ok(Finished {
        warnings,
        merged_away: stale.ids.len(),
    })
}

/// The pulled contacts, read back from the part.
fn read_part(part: &Path) -> Result<crate::model::Export, PortalError> {
    // A portal without contacts leaves an empty part, which is no
    // export to read back: its output is an empty one.
    let empty = std::fs::metadata(part).is_ok_and(|m| m.len() == 0);
    let mut export = if empty {
        crate::model::Export {
            contacts: Vec::new(),
            layout: Layout::Ndjson {
                crlf: false,
                unterminated: None,
            },
        }
    } else {
        crate::format::read_path(part, Some(Format::Ndjson)).map_err(|e| PortalError::State {
            path: part.to_path_buf(),
            detail: format!("cannot read the pulled contacts back: {e}"),
        })?
    };
    export.layout = Layout::Ndjson {
        crlf: false,
        unterminated: None,
    };
    Ok(export)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_keeps_to_its_portal_and_an_older_one_without_it_resumes() {
        let older = r#"{"query":{"properties":null,"allProperties":false,"history":false,"associations":false},"after":"100","contacts":100,"pages":1,"bytes":10}"#;
        let state: State = serde_json::from_str(older).unwrap();
        assert_eq!(state.api_base, None);
        let path = Path::new("out.ndjson.pull.json");
        assert!(check_same_portal(&state, "http://127.0.0.1:1", path).is_ok());
        let state = State {
            api_base: Some("http://a.example/".into()),
            ..state
        };
        assert!(check_same_portal(&state, "http://a.example", path).is_ok());
        let err = check_same_portal(&state, "http://b.example", path)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("out.ndjson.pull.json: ")
                && err.contains("from http://a.example, and this pull asks http://b.example"),
            "{err}"
        );
    }
}
