//! The push log: JSON Lines, one event a line, appended to and never
//! rewritten, so that a second `push` knows what the first one did.
//!
//! For every pair: an `intent` line before the merge is sent, then its
//! outcome: `merged` (with the id HubSpot returned), or `failed` (HubSpot
//! refused it, or it was given up); a `retry` line for every 429, 5xx or
//! dropped connection on the way. Each line is written with one `write`
//! before the next request goes, so a killed process loses nothing that
//! was sent. A run begins with a `start` line. The token is in no line.
//!
//! A run holds the log for its whole duration: an exclusive lock
//! (`flock`) on the log itself, taken when it is opened, released when the
//! file is closed, or by the kernel when the process dies however it dies
//! (no lock file to clean up). A second run refuses a log in use before it
//! sends anything; a dry run reads under a shared lock, so it waits for no
//! other dry run but refuses a log a push is writing.
//!
//! On resume ([`Resume::from_entries`]), a pair with a `merged` line is
//! done; a pair whose last line is an `intent`, a `retry` or a `failed`
//! (its outcome unknown) is checked in the portal before anything is sent
//! again (see [`super::push`]).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::PortalError;

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "camelCase")]
pub enum Entry {
    /// A run began.
    #[serde(rename_all = "camelCase")]
    Start {
        at: String,
        export: String,
        plan: String,
        pairs: usize,
        api_base: String,
        rate: String,
    },
    /// A merge is about to be sent: the plan's pair and the ids sent.
    #[serde(rename_all = "camelCase")]
    Intent {
        #[serde(flatten)]
        pair: PairIds,
        at: String,
    },
    /// A try failed and will be repeated. `call`: the request (`POST
    /// /crm/v3/objects/contacts/merge`, or the `GET` that looks a merge
    /// up); absent in logs written before it was recorded.
    #[serde(rename_all = "camelCase")]
    Retry {
        #[serde(flatten)]
        pair: PairIds,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        call: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        error: String,
        wait_ms: u64,
        at: String,
    },
    /// The merge is done: `mergedId` is the id HubSpot returned (later
    /// pairs naming either id are sent with it). `checked` when it was
    /// learnt by asking the portal after an answer was lost.
    #[serde(rename_all = "camelCase")]
    Merged {
        #[serde(flatten)]
        pair: PairIds,
        merged_id: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        checked: bool,
        at: String,
    },
    /// The merge was refused by HubSpot, or given up; the run stopped.
    #[serde(rename_all = "camelCase")]
    Failed {
        #[serde(flatten)]
        pair: PairIds,
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        error: String,
        at: String,
    },
}

/// A pair as the plan names it and as it was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PairIds {
    /// The plan's place for it (`line 3`, `pair 3`).
    pub place: String,
    /// The ids as the plan names them.
    pub primary: String,
    pub secondary: String,
    /// The ids sent (the plan's, through earlier merges).
    pub primary_object_id: String,
    pub object_id_to_merge: String,
}

impl Entry {
    pub fn pair(&self) -> Option<&PairIds> {
        match self {
            Entry::Start { .. } => None,
            Entry::Intent { pair, .. }
            | Entry::Retry { pair, .. }
            | Entry::Merged { pair, .. }
            | Entry::Failed { pair, .. } => Some(pair),
        }
    }
}

/// The log, open for appending.
pub struct PushLog {
    path: PathBuf,
    file: File,
    /// A line was appended since it was opened.
    appended: bool,
}

impl PushLog {
    /// Open (or create) the log and read what it holds. A last line cut
    /// short (the disk filled while it was written) is left out and the
    /// next line starts on a line of its own.
    pub fn open(path: &Path, mode: Option<u32>) -> Result<(PushLog, Vec<Entry>), PortalError> {
        use std::os::unix::fs::OpenOptionsExt;
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .mode(mode.unwrap_or(0o600))
            .open(path)
            .map_err(|e| PortalError::file(path, "cannot open the push log", e))?;
        lock(&file, path, false)?;
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|e| PortalError::file(path, "cannot read the push log", e))?;
        let entries = parse(path, &text)?;
        if !text.is_empty() && !text.ends_with('\n') {
            let last_start = text.rfind('\n').map_or(0, |i| i + 1);
            let write_err = |e| PortalError::file(path, "cannot write the push log", e);
            if serde_json::from_str::<Entry>(&text[last_start..]).is_ok() {
                file.write_all(b"\n").map_err(write_err)?;
            } else {
                // The cut line goes: it was never a whole entry.
                file.set_len(last_start as u64).map_err(write_err)?;
            }
        }
        file.seek(SeekFrom::End(0))
            .map_err(|e| PortalError::file(path, "cannot write the push log", e))?;
        Ok((
            PushLog {
                path: path.to_path_buf(),
                file,
                appended: false,
            },
            entries,
        ))
    }

    /// Read a log without opening it for writing (`--dry-run`), under a
    /// shared lock: refused while a push holds it.
    pub fn read(path: &Path) -> Result<Vec<Entry>, PortalError> {
        let Some(mut file) = open_existing(path)? else {
            return Ok(Vec::new());
        };
        lock(&file, path, true)?;
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|e| PortalError::file(path, "cannot read the push log", e))?;
        parse(path, &text)
    }

    /// Refuse at once a log another run holds: the lock (exclusive, or
    /// shared for a dry run) is tried and let go. A command checks this
    /// before its long work; [`PushLog::open`] and [`PushLog::read`] take
    /// the lock for good (a run started in between is refused there).
    pub fn check_free(path: &Path, dry_run: bool) -> Result<(), PortalError> {
        // A log made write-protected (how an audit trail is kept) is not
        // appended to, by root either; a dry run only reads it.
        let protected =
            std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().readonly());
        if protected && !dry_run {
            let why = std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "it is write-protected; make it writable (chmod u+w) to let push record its merges in it, or give another --log",
            );
            return Err(PortalError::file(
                path,
                "cannot append to the push log",
                why,
            ));
        }
        match open_existing(path)? {
            Some(file) => lock(&file, path, dry_run),
            None => Ok(()),
        }
    }

    /// Append one line, in one write.
    pub fn write(&mut self, entry: &Entry) -> Result<(), PortalError> {
        let mut line = serde_json::to_vec(entry).expect("log entries serialise");
        line.push(b'\n');
        // Even a failed write may have put part of a line in.
        self.appended = true;
        self.file
            .write_all(&line)
            .map_err(|e| PortalError::file(&self.path, "cannot write the push log", e))
    }

    /// Whether a line was appended (or tried) since the log was opened.
    pub fn appended(&self) -> bool {
        self.appended
    }

    /// Flush to disk (at the end of a run, and when it stops).
    pub fn sync(&mut self) -> Result<(), PortalError> {
        self.file
            .sync_data()
            .map_err(|e| PortalError::file(&self.path, "cannot write the push log", e))
    }
}

/// The log, open to read; `None` when there is none yet.
fn open_existing(path: &Path) -> Result<Option<File>, PortalError> {
    match File::open(path) {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(PortalError::file(path, "cannot read the push log", e)),
    }
}

/// Lock the log for this run (shared: to read only), or say who has it.
fn lock(file: &File, path: &Path, shared: bool) -> Result<(), PortalError> {
    match super::lock::try_lock(file, shared) {
        Ok(true) => Ok(()),
        Ok(false) => Err(PortalError::LogInUse {
            path: path.to_path_buf(),
            dry_run: shared,
        }),
        Err(e) => Err(PortalError::file(path, "cannot lock the push log", e)),
    }
}

fn parse(path: &Path, text: &str) -> Result<Vec<Entry>, PortalError> {
    let mut entries = Vec::new();
    let complete = text.ends_with('\n');
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Entry>(line) {
            Ok(e) => entries.push(e),
            Err(_) if i + 1 == lines.len() && !complete => {}
            Err(e) => {
                return Err(PortalError::State {
                    path: path.to_path_buf(),
                    detail: format!(
                        "line {n} is not a push log entry ({e}); this file is not a push log, or was edited: repair line {n} or restore the file from a copy; starting this plan over with another --log would forget the merges already sent, and the next push would send them again",
                        n = i + 1
                    ),
                })
            }
        }
    }
    Ok(entries)
}

/// What earlier runs did, from their log.
#[derive(Debug, Default)]
pub struct Resume {
    /// Merges done, in the order they were done: the pair and the id
    /// HubSpot returned.
    pub merged: Vec<(PairIds, String)>,
    /// Pairs sent whose outcome is unknown (an intent, retries or a
    /// failure, and no `merged`), by (primary, secondary) as the plan names
    /// them: checked in the portal before sending.
    pub open: indexmap::IndexMap<(String, String), PairIds>,
}

impl Resume {
    pub fn from_entries(entries: &[Entry]) -> Resume {
        let mut r = Resume::default();
        for e in entries {
            let Some(pair) = e.pair() else { continue };
            let key = (pair.primary.clone(), pair.secondary.clone());
            match e {
                Entry::Merged { merged_id, .. } => {
                    r.open.shift_remove(&key);
                    r.merged.push((pair.clone(), merged_id.clone()));
                }
                _ => {
                    r.open.entry(key).or_insert_with(|| pair.clone());
                }
            }
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(p: &str, s: &str) -> PairIds {
        PairIds {
            place: "line 2".into(),
            primary: p.into(),
            secondary: s.into(),
            primary_object_id: p.into(),
            object_id_to_merge: s.into(),
        }
    }

    #[test]
    fn entries_round_trip_as_camel_case_lines() {
        let e = Entry::Merged {
            pair: ids("1", "2"),
            merged_id: "9".into(),
            checked: false,
            at: "t".into(),
        };
        let line = serde_json::to_string(&e).unwrap();
        assert_eq!(
            line,
            r#"{"event":"merged","place":"line 2","primary":"1","secondary":"2","primaryObjectId":"1","objectIdToMerge":"2","mergedId":"9","at":"t"}"#
        );
        assert_eq!(serde_json::from_str::<Entry>(&line).unwrap(), e);
    }

    #[test]
    fn resume_knows_done_and_open_pairs() {
        let at = || "t".to_string();
        let entries = vec![
            Entry::Intent {
                pair: ids("1", "2"),
                at: at(),
            },
            Entry::Merged {
                pair: ids("1", "2"),
                merged_id: "1".into(),
                checked: false,
                at: at(),
            },
            Entry::Intent {
                pair: ids("3", "4"),
                at: at(),
            },
            Entry::Retry {
                pair: ids("3", "4"),
                call: None,
                status: Some(503),
                error: "x".into(),
                wait_ms: 1,
                at: at(),
            },
            Entry::Intent {
                pair: ids("5", "6"),
                at: at(),
            },
        ];
        let r = Resume::from_entries(&entries);
        assert_eq!(r.merged.len(), 1);
        let open: Vec<_> = r.open.values().map(|p| p.secondary.as_str()).collect();
        assert_eq!(open, ["4", "6"]);
    }

    #[test]
    fn a_cut_last_line_is_left_out_and_an_edited_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("push.jsonl");
        let good = serde_json::to_string(&Entry::Intent {
            pair: ids("1", "2"),
            at: "t".into(),
        })
        .unwrap();
        std::fs::write(&path, format!("{good}\n{{\"event\":\"mer")).unwrap();
        let (mut log, entries) = PushLog::open(&path, None).unwrap();
        assert_eq!(entries.len(), 1);
        log.write(&Entry::Intent {
            pair: ids("3", "4"),
            at: "t".into(),
        })
        .unwrap();
        drop(log);
        assert_eq!(PushLog::read(&path).unwrap().len(), 2);
        std::fs::write(&path, format!("{good}\nnot json\n{good}\n")).unwrap();
        let err = PushLog::read(&path).unwrap_err().to_string();
        assert!(err.contains("line 2 is not a push log entry"), "{err}");
    }

    #[test]
    fn a_log_open_for_a_run_is_refused_to_every_other_until_closed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("push.jsonl");
        let in_use = |r: Result<(), PortalError>| matches!(r, Err(PortalError::LogInUse { .. }));
        assert!(PushLog::check_free(&path, false).is_ok(), "no log yet");
        let (held, _) = PushLog::open(&path, None).unwrap();
        assert!(in_use(PushLog::open(&path, None).map(drop)));
        assert!(in_use(PushLog::read(&path).map(drop)));
        assert!(in_use(PushLog::check_free(&path, false)));
        assert!(in_use(PushLog::check_free(&path, true)));
        drop(held);
        assert!(PushLog::check_free(&path, false).is_ok());
        let (_again, _) = PushLog::open(&path, None).unwrap();
    }
}
