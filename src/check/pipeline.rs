//! Reading and checking a file. CSV rows (read in place, [`super::row`])
//! are checked on two threads: one reads the rows in order (splits them,
//! notes ids), a second checks them in batches, in the order read, so the
//! problems come out exactly as one thread finds them. Records of the
//! other formats are parsed and checked on one thread (the parse is most
//! of the cost, and a contact is best freed where it was made).

use std::ops::Range;
use std::path::Path;
use std::sync::mpsc;

use super::row::{Row, RowPlan};
use super::Checker;
use crate::format::records::{self, Item};
use crate::format::{Format, IdSieve, Place, ReadError, Source};
use crate::model::{Contact, CsvLayout};

/// Records in a batch (and a batch's CSV text, at most about this many bytes).
const BATCH_RECORDS: usize = 2048;
const BATCH_BYTES: usize = 1 << 20;
/// Batches read ahead of the checks.
const BATCHES_AHEAD: usize = 2;

/// Records read, for the checking thread.
#[derive(Default)]
struct Batch {
    /// The CSV rows' text, one after another.
    text: String,
    /// The rows' cells: ranges in their row's text.
    spans: Vec<(usize, usize)>,
    jobs: Vec<Job>,
}

enum Job {
    /// A CSV row, checked in place.
    Row {
        id: String,
        at: Place,
        text: Range<usize>,
        spans: Range<usize>,
    },
    /// A record parsed in full.
    Contact(Box<Contact>, Place),
}

/// What reading a file gave: how many contacts, the records that cannot
/// be read, and the ids (when noted).
pub(super) struct Read {
    pub(super) contacts: usize,
    pub(super) skipped: Vec<ReadError>,
    pub(super) sieve: IdSieve,
}

/// Read every record of a file (`-` is stdin) and check each with
/// `checker`; ids are noted in the sieve when `note_ids`. An error is one
/// the rest of the file cannot be read past.
pub(super) fn read_and_check(
    path: &Path,
    format: Option<Format>,
    checker: &mut Checker,
    note_ids: bool,
) -> Result<Read, ReadError> {
    let (source, file) = Source::open(path, format)?;
    let mut reader = source.reader(&file)?;
    // A CSV row is checked in place when its layout allows; any other
    // record is parsed as it is read.
    let plan = (reader.csv_layout()).and_then(|l| Some((l.clone(), RowPlan::of(l)?)));
    let Some(plan) = plan else {
        // Contacts parsed on one thread are checked there: handing them
        // to another costs more than their checks (their memory would be
        // freed on another thread than the one that took it).
        let mut reader = reader.parse_all();
        return read_batches(&mut reader, note_ids, &mut |full| {
            check_batch(checker, full, None);
            full.jobs.clear();
        });
    };
    std::thread::scope(|scope| {
        let (send, receive) = mpsc::sync_channel::<Batch>(BATCHES_AHEAD);
        // Checked batches go back to be filled again (no memory is
        // allocated on one thread and freed on the other).
        let (give_back, take_back) = mpsc::channel::<Batch>();
        let plan = Some(&plan);
        let checks = scope.spawn(move || {
            for mut batch in receive {
                check_batch(checker, &batch, plan);
                batch.text.clear();
                batch.spans.clear();
                batch.jobs.clear();
                let _ = give_back.send(batch);
            }
        });
        let read = read_batches(&mut reader, note_ids, &mut |full| {
            let next = take_back.try_recv().unwrap_or_default();
            // The checking thread ends only once this one is done.
            let _ = send.send(std::mem::replace(full, next));
        });
        drop(send);
        checks.join().expect("the checking thread does not panic");
        read
    })
}

/// Read the records into batches, each handed to `full` in order when
/// full (it leaves the batch empty), and the last at the end.
fn read_batches<R: std::io::Read>(
    reader: &mut records::Reader<R>,
    note_ids: bool,
    full: &mut dyn FnMut(&mut Batch),
) -> Result<Read, ReadError> {
    let mut read = Read {
        contacts: 0,
        skipped: Vec::new(),
        sieve: IdSieve::with_capacity(0),
    };
    let mut batch = Batch::default();
    while let Some(item) = reader.next_item()? {
        let r = match item {
            Item::Record(r) => r,
            Item::Bad(e) => {
                read.skipped.push(e);
                continue;
            }
        };
        if note_ids {
            read.sieve.note(&r.id);
        }
        if let Some((text, spans)) = r.csv_row() {
            let start = batch.text.len();
            batch.text.push_str(text);
            let first = batch.spans.len();
            batch.spans.extend_from_slice(spans);
            batch.jobs.push(Job::Row {
                id: r.id,
                at: r.place,
                text: start..batch.text.len(),
                spans: first..batch.spans.len(),
            });
        } else {
            let at = r.place;
            match r.into_contact() {
                Ok(c) => batch.jobs.push(Job::Contact(Box::new(c), at)),
                Err(e) => {
                    read.skipped.push(e);
                    continue;
                }
            }
        }
        read.contacts += 1;
        if batch.jobs.len() >= BATCH_RECORDS || batch.text.len() >= BATCH_BYTES {
            full(&mut batch);
        }
    }
    full(&mut batch);
    Ok(read)
}

/// Check a batch's records in order.
fn check_batch(checker: &mut Checker, batch: &Batch, plan: Option<&(CsvLayout, RowPlan)>) {
    for job in &batch.jobs {
        match (job, plan) {
            (Job::Contact(c, at), _) => checker.check_fields(&**c, *at),
            (
                Job::Row {
                    id,
                    at,
                    text,
                    spans,
                },
                Some((layout, plan)),
            ) => {
                let row = Row {
                    layout,
                    plan,
                    id,
                    text: &batch.text[text.clone()],
                    spans: &batch.spans[spans.clone()],
                };
                checker.check_fields(&row, *at);
            }
            (Job::Row { .. }, None) => unreachable!("rows are read in place only with a plan"),
        }
    }
}
