//! Reading and checking a file. One thread reads the records in order
//! with the format's reader (CSV rows split, JSON records checked by the
//! light scan, ids noted) and copies their bytes into batches; workers
//! check the batches, each record read in place (a CSV row, [`super::row`];
//! a JSON record, [`super::json`]) unless the reader had to parse it in
//! full; the batches' findings are joined in the order read, so they come
//! out exactly as one thread checking record after record finds them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::{mpsc, Mutex};

use super::json::{self, Spans};
use super::row::{Row, RowPlan};
use super::{duplicate, from_read_error, Checker, Claim, Problem};
use crate::format::json::parse_contact;
use crate::format::ndjson::line_error;
use crate::format::records::{self, Item, Record};
use crate::format::{Format, IdSieve, Place, ReadError, Source};
use crate::model::{Contact, CsvLayout};

/// How `check` divides its work; tests pass small batches and several
/// workers to reach the joins that large files reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// Threads that check batches beside the one that reads; none: the
    /// reading thread checks each batch itself.
    pub workers: usize,
    /// Records in a batch, at most.
    pub batch_records: usize,
    /// Bytes of records in a batch, about (a batch is full once past it).
    pub batch_bytes: usize,
    /// Batches read ahead of the workers, for each worker.
    pub batches_ahead: usize,
}

impl Default for Tuning {
    /// A worker a core (the reading thread shares them), batches of up
    /// to 2,048 records or a megabyte.
    fn default() -> Self {
        Tuning {
            workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
            batch_records: 2048,
            batch_bytes: 1 << 20,
            batches_ahead: 2,
        }
    }
}

/// Records read, for a worker.
#[derive(Default)]
struct Batch {
    /// Its number, in the order read.
    seq: u64,
    /// The records' bytes and ids, one after another (UTF-8: the reader
    /// refuses a record that is not).
    text: Vec<u8>,
    /// The CSV rows' cells: ranges in their row's text.
    spans: Vec<(usize, usize)>,
    jobs: Vec<Job>,
}

enum Job {
    /// A CSV row, checked in place.
    Row {
        id: Range<usize>,
        at: Place,
        text: Range<usize>,
        spans: Range<usize>,
    },
    /// A JSON record, checked in place.
    Json {
        id: Range<usize>,
        at: Place,
        text: Range<usize>,
    },
    /// A record parsed in full.
    Contact(Box<Contact>, Place),
}

/// What a batch's checks found.
struct Found {
    seq: u64,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
    /// Where in `warnings` the ones about property names are.
    names_met: Vec<usize>,
    claims: Vec<Claim>,
}

/// What reading and checking a file gave.
pub(super) struct Read {
    /// The records read, those that cannot be read included.
    pub(super) contacts: usize,
    /// The records that cannot be read.
    pub(super) skipped: Vec<ReadError>,
    /// The fault the rest of the file cannot be read past, if reading
    /// stopped at one (what was read before it is checked).
    pub(super) fatal: Option<ReadError>,
    /// The ids, when noted for the file to be read again.
    pub(super) sieve: IdSieve,
    /// Ids read twice, found as read (when not noted in the sieve).
    pub(super) repeats: Vec<Problem>,
    pub(super) problems: Vec<Problem>,
    pub(super) warnings: Vec<Problem>,
    /// Every id a contact lists in `hs_merged_object_ids`.
    pub(super) claims: Vec<Claim>,
    /// Each id with its place, when kept (stdin: the file cannot be read
    /// again).
    pub(super) places: Option<HashMap<String, Place>>,
}

/// How the records are told apart: the CSV layout and the plan of its
/// rows when rows are read in place; whether records are JSON.
struct Shape {
    rows: Option<(CsvLayout, RowPlan)>,
    json: bool,
}

/// Read every record of a file (`-` is stdin) and check each; ids are
/// noted in the sieve when `note_ids`, else ids read twice are found as
/// read. An error is one that keeps any record from being read (the file
/// cannot be opened, its header cannot be read); a fault further on ends
/// the reading, and is given with what was read before it.
pub(super) fn read_and_check(
    path: &Path,
    format: Option<Format>,
    stages: &[String],
    note_ids: bool,
    tuning: &Tuning,
) -> Result<Read, ReadError> {
    let (source, file) = Source::open(path, format)?;
    let reader = source.reader(&file)?;
    let name = path.display().to_string();
    // A CSV row is checked in place when its layout allows (else it is
    // parsed as it is read); a JSON record when the light check is sure.
    let rows = (reader.csv_layout()).and_then(|l| Some((l.clone(), RowPlan::of(l)?)));
    let shape = Shape {
        json: reader.csv_layout().is_none(),
        rows,
    };
    let mut reader = match shape.json || shape.rows.is_some() {
        true => reader,
        false => reader.parse_all(),
    };
    let mut joined = Joined::new(&name);
    let mut ids = Ids::new(note_ids, &name);
    let check = |batch: &mut Batch, spans: &mut Spans| {
        let mut checker = Checker::new(&name, stages);
        checker.ids = false;
        check_batch(&mut checker, batch, &shape, spans);
        batch.text.clear();
        batch.spans.clear();
        batch.jobs.clear();
        Found {
            seq: batch.seq,
            problems: checker.problems,
            warnings: checker.warnings,
            names_met: checker.names_met,
            claims: checker.claims,
        }
    };
    let read = if tuning.workers == 0 {
        let mut spans = Spans::default();
        read_batches(&mut reader, &mut ids, &shape, tuning, &mut |full| {
            joined.add(check(full, &mut spans));
        })
    } else {
        in_workers(&mut reader, &mut ids, &shape, tuning, &mut joined, &check)
    };
    let Reading {
        contacts,
        skipped,
        fatal,
    } = read;
    let (sieve, repeats, places) = ids.into_parts();
    Ok(Read {
        contacts,
        skipped,
        fatal,
        sieve,
        repeats,
        problems: joined.problems,
        warnings: joined.warnings,
        claims: joined.claims,
        places,
    })
}

/// Read the batches on this thread and check them on `tuning.workers`
/// others; gives what [`read_batches`] gives.
fn in_workers<R: std::io::Read, C>(
    reader: &mut records::Reader<R>,
    ids: &mut Ids,
    shape: &Shape,
    tuning: &Tuning,
    joined: &mut Joined,
    check: &C,
) -> Reading
where
    C: Fn(&mut Batch, &mut Spans) -> Found + Sync,
{
    let ahead = tuning.workers * tuning.batches_ahead.max(1);
    let (send, receive) = mpsc::sync_channel::<Batch>(ahead);
    let receive = Mutex::new(receive);
    std::thread::scope(|scope| {
        // Checked batches come back with what was found, to be filled
        // again (no memory is taken on one thread and freed on another).
        let (give_back, take_back) = mpsc::channel::<(Found, Batch)>();
        for _ in 0..tuning.workers {
            let (receive, give_back) = (&receive, give_back.clone());
            scope.spawn(move || {
                let mut spans = Spans::default();
                loop {
                    let next = receive.lock().map(|r| r.recv());
                    let Ok(Ok(mut batch)) = next else { break };
                    let found = check(&mut batch, &mut spans);
                    if give_back.send((found, batch)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(give_back);
        let mut spare = Vec::new();
        let read = read_batches(reader, ids, shape, tuning, &mut |full| {
            for (found, batch) in take_back.try_iter() {
                joined.add(found);
                spare.push(batch);
            }
            let next = spare.pop().unwrap_or_default();
            // The workers end only once this thread is done sending.
            let _ = send.send(std::mem::replace(full, next));
        });
        drop(send);
        for (found, _) in take_back {
            joined.add(found);
        }
        read
    })
}

/// The findings of the batches, joined in the order read.
struct Joined<'a> {
    file: &'a str,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
    claims: Vec<Claim>,
    /// The next batch to join, and those found before their turn.
    next: u64,
    waiting: BTreeMap<u64, Found>,
    /// Property names warned about (a name is once a file).
    names: HashSet<String>,
}

impl<'a> Joined<'a> {
    fn new(file: &'a str) -> Self {
        Joined {
            file,
            problems: Vec::new(),
            warnings: Vec::new(),
            claims: Vec::new(),
            next: 0,
            waiting: BTreeMap::new(),
            names: HashSet::new(),
        }
    }

    fn add(&mut self, found: Found) {
        debug_assert!(found.problems.iter().all(|p| p.file == self.file));
        self.waiting.insert(found.seq, found);
        while let Some(found) = self.waiting.remove(&self.next) {
            self.next += 1;
            self.problems.extend(found.problems);
            self.claims.extend(found.claims);
            // A batch warns of a name the first time it meets it; the
            // file, the first time any batch does.
            let mut names = found.names_met.into_iter().peekable();
            for (i, w) in found.warnings.into_iter().enumerate() {
                if names.next_if_eq(&i).is_some() {
                    let name = w.property.clone().unwrap_or_default();
                    if !self.names.insert(name) {
                        continue;
                    }
                }
                self.warnings.push(w);
            }
        }
    }
}

/// The ids read: noted in a sieve (the file is read again for the places
/// of the ids read twice), or each kept with its place (stdin).
struct Ids<'a> {
    sieve: IdSieve,
    first: Option<HashMap<String, Place>>,
    repeats: Vec<Problem>,
    file: &'a str,
}

impl<'a> Ids<'a> {
    fn new(sieve: bool, file: &'a str) -> Self {
        Ids {
            sieve: IdSieve::with_capacity(0),
            first: (!sieve).then(HashMap::new),
            repeats: Vec::new(),
            file,
        }
    }

    fn note(&mut self, id: &str, at: Place) {
        let Some(first) = &mut self.first else {
            return self.sieve.note(id);
        };
        match first.get(id) {
            Some(&was) => self.repeats.push(duplicate(self.file, id, was, at)),
            None => {
                first.insert(id.to_string(), at);
            }
        }
    }

    fn into_parts(self) -> (IdSieve, Vec<Problem>, Option<HashMap<String, Place>>) {
        (self.sieve, self.repeats, self.first)
    }
}

/// What reading the records gave.
struct Reading {
    /// How many records were read (a contact each, readable or not: CSV
    /// rows, JSON Lines and JSON documents count alike).
    contacts: usize,
    /// The records that cannot be read.
    skipped: Vec<ReadError>,
    /// The fault that ended the reading before the end of the file.
    fatal: Option<ReadError>,
}

/// Read the records into batches, each handed to `full` in order when
/// full (it leaves the batch empty), and the last at the end (also when a
/// fault ends the reading early).
fn read_batches<R: std::io::Read>(
    reader: &mut records::Reader<R>,
    ids: &mut Ids,
    shape: &Shape,
    tuning: &Tuning,
    full: &mut dyn FnMut(&mut Batch),
) -> Reading {
    let (mut contacts, mut skipped) = (0, Vec::new());
    let mut batch = Batch::default();
    let mut seq = 0;
    let fatal = loop {
        let item = match reader.next_item() {
            Ok(Some(item)) => item,
            Ok(None) => break None,
            Err(e) => break Some(e),
        };
        contacts += 1;
        let r = match item {
            Item::Record(r) => r,
            Item::Bad(e) => {
                skipped.push(e);
                continue;
            }
        };
        ids.note(&r.id, r.place);
        if let Err(e) = add_job(&mut batch, r, shape) {
            skipped.push(e);
            continue;
        }
        if batch.jobs.len() >= tuning.batch_records || batch.text.len() >= tuning.batch_bytes {
            batch.seq = seq;
            seq += 1;
            full(&mut batch);
        }
    };
    batch.seq = seq;
    full(&mut batch);
    Reading {
        contacts,
        skipped,
        fatal,
    }
}

/// A record as a job of the batch: its bytes copied, or its contact.
fn add_job(batch: &mut Batch, r: Record, shape: &Shape) -> Result<(), ReadError> {
    let text = &mut batch.text;
    let mut copy = |s: &[u8]| {
        let start = text.len();
        text.extend_from_slice(s);
        start..text.len()
    };
    if let Some(spans) = r.csv_cells() {
        let (id, text) = (copy(r.id.as_bytes()), copy(r.raw()));
        let first = batch.spans.len();
        batch.spans.extend_from_slice(spans);
        batch.jobs.push(Job::Row {
            id,
            at: r.place,
            text,
            spans: first..batch.spans.len(),
        });
        return Ok(());
    }
    if shape.json && !r.is_parsed() {
        let (id, text) = (copy(r.id.as_bytes()), copy(r.raw()));
        batch.jobs.push(Job::Json {
            id,
            at: r.place,
            text,
        });
        return Ok(());
    }
    let at = r.place;
    batch
        .jobs
        .push(Job::Contact(Box::new(r.into_contact()?), at));
    Ok(())
}

/// Check a batch's records in order.
fn check_batch(checker: &mut Checker, batch: &Batch, shape: &Shape, spans: &mut Spans) {
    // Checked once for the batch rather than again for each record.
    let all = std::str::from_utf8(&batch.text).expect("the reader hands out UTF-8 records");
    for job in &batch.jobs {
        match job {
            Job::Contact(c, at) => checker.check_fields(&**c, *at),
            Job::Row {
                id,
                at,
                text,
                spans: cells,
            } => {
                let (layout, plan) =
                    (shape.rows.as_ref()).expect("rows are read in place with a plan");
                let row = Row {
                    layout,
                    plan,
                    id: &all[id.clone()],
                    text: &all[text.clone()],
                    spans: &batch.spans[cells.clone()],
                };
                checker.check_fields(&row, *at);
            }
            Job::Json { id, at, text } => {
                let (id, text) = (&all[id.clone()], &all[text.clone()]);
                check_json(checker, id, text, *at, spans);
            }
        }
    }
}

/// Check a JSON record in place, or parsed in full when the walk gives up.
fn check_json(checker: &mut Checker, id: &str, text: &str, at: Place, spans: &mut Spans) {
    if spans.read(text).is_some() {
        let record = json::Record { id, text, spans };
        return checker.check_fields(&record, at);
    }
    // The light check found it sound: the full parse reads it.
    match parse_contact(text) {
        Ok(c) => checker.check_fields(&c, at),
        Err(e) => {
            let n = match at {
                Place::Line(n) | Place::Row(n) => n,
                Place::Contact(n) => n as u64,
            };
            let e = from_read_error(checker.file, line_error(e, checker.file, n));
            checker.problems.push(e);
        }
    }
}
