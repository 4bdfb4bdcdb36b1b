//! The plan's contacts as the plan runs: the [`Store`] of a streamed apply.

use std::borrow::Cow;
use std::fs::File;
use std::sync::{Arc, RwLock};

use rustc_hash::FxHashMap as HashMap;

use super::columns::Grown;
use super::early::{EarlyDone, EarlyMerges};
use super::json_doc::JsonStyle;
use super::record::{from_json, read_at, to_json, Raw, RawCopy, Scan};
use super::spill::{Kept, Spill};
use super::Tuning;
use crate::format::records::parse_raw;
use crate::format::Place;
use crate::model::{Contact, Layout};
use crate::plan::{Early, Store};

/// The plan's contacts, parsed when a pair needs them. A merged contact no
/// later pair can name is kept only as its output (CSV row or JSON line).
/// One a later pair may name is kept parsed (and as its JSON line), up to
/// [`Tuning::parsed`] of them; beyond that as JSON, read again when it is named,
/// and its row. A CSV contact still kept parsed when the plan is done gets
/// its row then.
pub(super) struct RawStore<'s> {
    /// The file, for the records read again.
    pub(super) src: &'s File,
    pub(super) scan: &'s Scan,
    pub(super) file: &'s str,
    /// Records handed to the thread merging pairs early and given back.
    pub(super) away: HashMap<usize, RawCopy>,
    pub(super) index: HashMap<&'s str, usize>,
    /// Merged contacts as JSON: JSON Lines' output, and CSV contacts a later
    /// pair may name beyond the ones kept parsed.
    pub(super) changed: HashMap<usize, Kept>,
    /// Where merged JSON contacts wait for the second pass.
    pub(super) spill: Spill,
    /// Merged contacts a later pair may name.
    pub(super) parsed: HashMap<usize, Contact>,
    /// Which contacts are merge results.
    pub(super) merged: Vec<bool>,
    /// CSV: merged contacts' rows, with the number of columns they were
    /// encoded for, and the columns each needs beyond the file's (their
    /// places in the grown layout).
    pub(super) rows: Rows,
    /// CSV: the rows' bytes, one after the other (a row merged again leaves
    /// its old bytes behind).
    pub(super) row_bytes: Vec<u8>,
    /// How merged contacts are encoded (shared with the merging threads).
    pub(super) encoder: Arc<Encoder>,
    pub(super) removed: Vec<bool>,
    /// CSV: merged contacts no later pair can name, kept only as their row.
    pub(super) spent: Vec<bool>,
    /// Merges done while the file was read, by pair number: the contacts
    /// merged and the merge.
    pub(super) early: EarlyMerges,
    /// How many of them the plan took.
    pub(super) early_taken: usize,
    /// Merged contacts kept parsed, at most ([`Tuning::parsed`]).
    pub(super) parsed_max: usize,
}

/// How merged contacts are encoded, on any merging thread.
#[derive(Default)]
pub(super) struct Encoder {
    /// CSV: the file's layout grown by the columns merged contacts need.
    pub(super) grown: Option<RwLock<Grown>>,
    /// JSON: the document's style (JSON Lines: compact).
    pub(super) style: JsonStyle,
}

/// A merged contact's CSV row.
pub(super) struct Row {
    /// The number of columns it was encoded for.
    pub(super) cols: usize,
    /// Where its bytes are in `row_bytes`.
    pub(super) at: usize,
    pub(super) len: usize,
    /// The places of the grown columns it needs.
    pub(super) needs: Box<[u32]>,
}

/// Merged contacts' rows by contact number: where each is in a vector of
/// the rows, in the order they were put (a look at a slot per contact,
/// 4 bytes each, rather than a map whose every insert missed the cache).
/// Read like the map it replaces.
#[derive(Default)]
pub(super) struct Rows {
    /// Per contact: 1 + the place of its row in `rows`, or 0.
    slot: Vec<u32>,
    /// The rows with their contacts' numbers; `None` where one was removed.
    rows: Vec<Option<(usize, Row)>>,
    /// How many rows there are.
    len: usize,
}

impl Rows {
    /// Room for the rows of a store of `contacts`, about `expected` of them.
    fn new(contacts: usize, expected: usize) -> Self {
        Rows {
            slot: vec![0; contacts],
            rows: Vec::with_capacity(expected),
            len: 0,
        }
    }

    pub(super) fn insert(&mut self, i: usize, row: Row) -> Option<Row> {
        match self.slot[i] {
            0 => {
                self.len += 1;
                self.rows.push(Some((i, row)));
                self.slot[i] = u32::try_from(self.rows.len()).expect("fewer than 4 billion rows");
                None
            }
            at => self.rows[at as usize - 1].replace((i, row)).map(|(_, r)| r),
        }
    }

    pub(super) fn remove(&mut self, i: &usize) -> Option<Row> {
        let at = std::mem::take(self.slot.get_mut(*i)?);
        let (_, row) = self.rows[at.checked_sub(1)? as usize].take()?;
        self.len -= 1;
        Some(row)
    }

    pub(super) fn contains_key(&self, i: &usize) -> bool {
        self.slot.get(*i).is_some_and(|&at| at > 0)
    }

    /// The rows, with their contacts' numbers, in the order they were put
    /// (saying how many, for the maps collected from them).
    pub(super) fn iter(&self) -> RowsIter<'_> {
        RowsIter {
            rows: self.rows.iter(),
            left: self.len,
        }
    }
}

/// [`Rows::iter`].
pub(super) struct RowsIter<'r> {
    rows: std::slice::Iter<'r, Option<(usize, Row)>>,
    left: usize,
}

impl<'r> Iterator for RowsIter<'r> {
    type Item = (&'r usize, &'r Row);

    fn next(&mut self) -> Option<Self::Item> {
        let (i, row) = self.rows.by_ref().flatten().next()?;
        self.left -= 1;
        Some((i, row))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

/// A merged contact, encoded on a merging thread.
pub(super) struct Prepared {
    /// JSON: its output (kept already for an early merge's).
    pub(super) json: Option<Kept>,
    /// CSV: its row, unless a later pair may name it.
    pub(super) row: Option<Encoded>,
    /// CSV: its row already in the store's row bytes (an early merge's).
    pub(super) placed: Option<Row>,
    pub(super) named_later: bool,
}

/// A merged contact's CSV row, as encoded.
pub(super) struct Encoded {
    /// The number of columns it was encoded for.
    pub(super) cols: usize,
    pub(super) bytes: Vec<u8>,
    /// The places of the grown columns it needs; `None` when some are not in
    /// the layout yet.
    pub(super) needs: Option<Box<[u32]>>,
}

impl<'s> RawStore<'s> {
    pub(super) fn new(
        src: &'s File,
        scan: &'s Scan,
        file: &'s str,
        early: Option<EarlyDone>,
        tuning: &Tuning,
    ) -> Self {
        let EarlyDone {
            merges: early,
            grown,
            rows: early_rows,
            unmerged,
            spill,
        } = early.unwrap_or_else(EarlyDone::none);
        let mut index = HashMap::with_capacity_and_hasher(scan.loaded.len(), Default::default());
        for (i, l) in scan.loaded.iter().enumerate() {
            index.entry(scan.id(l)).or_insert(i);
        }
        // At most one row per primary, about as long as a record read
        // (the early merges' are written).
        let primaries = scan.loaded.len() / 2 + 1;
        let to_write = primaries.saturating_sub(early.len());
        let (rows, row_bytes) = match &scan.layout {
            Layout::Csv(l) => {
                // After the early merges' rows (their places are in them).
                let mut row_bytes = early_rows;
                let per_record =
                    (scan.file_len - scan.header_end) / scan.ranges.len().max(1) as u64;
                row_bytes.reserve(to_write * (per_record as usize + l.columns.len() + 8));
                (Rows::new(scan.loaded.len(), primaries), row_bytes)
            }
            _ => (Rows::default(), Vec::new()),
        };
        RawStore {
            src,
            scan,
            file,
            away: unmerged.into_iter().collect(),
            index,
            changed: HashMap::default(),
            spill: spill.unwrap_or_else(|| Spill::new(tuning.spill)),
            rows,
            row_bytes,
            // Early merges' rows were encoded for the columns the merging
            // thread added: the layout grows on from there.
            encoder: Arc::new(Encoder {
                grown: match &scan.layout {
                    Layout::Csv(l) => Some(RwLock::new(grown.unwrap_or_else(|| Grown::new(l)))),
                    _ => None,
                },
                style: scan.style.clone(),
            }),
            parsed: HashMap::default(),
            merged: vec![false; scan.loaded.len()],
            removed: vec![false; scan.loaded.len()],
            spent: vec![false; scan.loaded.len()],
            early,
            early_taken: 0,
            parsed_max: tuning.parsed,
        }
    }

    /// The record of contact `i` as the file holds it: one handed to the
    /// thread merging pairs early, whose merge the plan did not take.
    pub(super) fn read_again(&self, i: usize) -> Vec<u8> {
        read_at(self.src, self.scan.loaded[i].at, self.file)
    }

    /// A merged contact's row joins the others (its columns join the
    /// layout, and it is encoded again if it lacked some).
    pub(super) fn put_row(&mut self, i: usize, row: Encoded, c: Option<&Contact>) {
        let mut grown = Option::as_ref(&self.encoder.grown)
            .expect("rows are CSV")
            .write()
            .unwrap_or_else(|e| e.into_inner());
        let Encoded {
            mut cols,
            mut bytes,
            needs,
        } = row;
        let needs = match needs {
            Some(needs) => needs,
            None => {
                let c = c.expect("a row that needs new columns comes with its contact");
                let needs = grown.columns_for(c);
                // Encoded before an earlier merge of its wave added a column
                // this contact has a value for: encode it again.
                if needs.iter().any(|&at| at as usize >= cols) {
                    let again = grown.encode(c);
                    (cols, bytes) = (again.cols, again.bytes);
                }
                needs
            }
        };
        let at = self.row_bytes.len();
        self.row_bytes.extend_from_slice(&bytes);
        let len = bytes.len();
        self.rows.insert(
            i,
            Row {
                cols,
                at,
                len,
                needs,
            },
        );
    }
}

/// A contact taken out of a [`RawStore`]: already parsed (the latest
/// merged one), or to be parsed from its record or JSON.
pub(super) enum Taken<'s> {
    Parsed(Box<Contact>),
    /// A record as read.
    Raw {
        bytes: Cow<'s, [u8]>,
        place: Place,
        layout: &'s Layout,
        file: &'s str,
    },
    /// A merged contact kept as JSON.
    Json {
        bytes: Cow<'s, [u8]>,
        layout: &'s Layout,
    },
}

impl<'s> Store<'s> for RawStore<'s> {
    type Taken = Taken<'s>;

    fn index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    fn id(&self, i: usize) -> &str {
        self.scan.id(&self.scan.loaded[i])
    }

    fn count(&self) -> usize {
        self.scan.loaded.len()
    }

    fn record(&self, i: usize) -> usize {
        self.scan.loaded[i].record
    }

    fn checkout(&mut self, i: usize) -> Taken<'s> {
        assert!(
            !self.spent[i],
            "internal error: contact {} was merged by a pair the plan's last-use analysis \
             said no later pair could reach, and a later pair reaches it; please report this",
            self.scan.id(&self.scan.loaded[i])
        );
        // Only merged contacts are kept parsed or as JSON.
        let merged = self.merged[i];
        if let Some(c) = merged.then(|| self.parsed.remove(&i)).flatten() {
            return Taken::Parsed(Box::new(c));
        }
        let scan: &'s Scan = self.scan;
        if let Some(kept) = merged.then(|| self.changed.get(&i)).flatten() {
            // Named again after its merge, beyond the contacts kept parsed:
            // rare, a copy is fine.
            let mut bytes = Vec::new();
            self.spill
                .read(kept, &mut bytes)
                .unwrap_or_else(|e| panic!("cannot read a merged contact back: {e}"));
            return Taken::Json {
                bytes: Cow::Owned(bytes),
                layout: &scan.layout,
            };
        }
        let l = &scan.loaded[i];
        // A record given back by the early merges' thread is taken, not
        // copied: if its merge is refused, it is read again.
        let bytes = match &l.raw {
            Raw::Held(bytes) => Cow::Borrowed(&bytes[..]),
            Raw::Away => match self.away.remove(&i) {
                Some(RawCopy {
                    held: Some(bytes), ..
                }) => Cow::Owned(Vec::from(bytes)),
                _ => Cow::Owned(self.read_again(i)),
            },
            Raw::InFile => Cow::Owned(self.read_again(i)),
        };
        Taken::Raw {
            bytes,
            place: l.place,
            layout: &scan.layout,
            file: self.file,
        }
    }

    fn open(taken: Taken<'s>) -> Cow<'s, Contact> {
        Cow::Owned(match taken {
            Taken::Parsed(c) => *c,
            Taken::Raw {
                bytes,
                place,
                layout,
                file,
            } => {
                parse_raw(layout, &bytes, place, file).expect("the first pass checked this record")
            }
            Taken::Json { bytes, layout } => from_json(&bytes, layout),
        })
    }

    fn checkin(&mut self, i: usize, opened: Cow<'s, Contact>) {
        // A merged contact may have been kept only parsed; one read from
        // the file is still there.
        if self.merged[i] {
            self.parsed.insert(i, opened.into_owned());
        }
    }

    type Prepared = Prepared;

    type Shared = Encoder;

    fn shared(&self) -> Arc<Self::Shared> {
        Arc::clone(&self.encoder)
    }

    fn prepare(encoder: &Self::Shared, merged: &Contact, named_later: bool) -> Prepared {
        let (json, row) = match &encoder.grown {
            // Kept parsed (or encoded when committed, if too many are).
            Some(_) if named_later => (None, None),
            Some(grown) => {
                let grown = grown.read().unwrap_or_else(|e| e.into_inner());
                (None, Some(grown.encode(merged)))
            }
            None => (Some(Kept::Mem(encoder.style.encode(merged))), None),
        };
        Prepared {
            json,
            row,
            placed: None,
            named_later,
        }
    }

    fn needs_contact(prepared: &Prepared) -> bool {
        prepared.named_later || prepared.row.as_ref().is_some_and(|r| r.needs.is_none())
    }

    fn keeps_contact(&self, prepared: &Prepared) -> bool {
        prepared.named_later && self.parsed.len() < self.parsed_max
    }

    fn commit(
        &mut self,
        pi: usize,
        si: usize,
        merged: Option<Contact>,
        prepared: Prepared,
    ) -> Option<Contact> {
        // As run_plan was told before committing.
        let keep = self.keeps_contact(&prepared);
        let Prepared {
            json,
            row,
            placed,
            named_later,
        } = prepared;
        // Only merged contacts are kept parsed, as JSON or as a row.
        if self.merged[si] {
            self.changed.remove(&si);
            self.rows.remove(&si);
            self.parsed.remove(&si);
        }
        self.removed[si] = true;
        // What an earlier merge left of the primary.
        if self.merged[pi] {
            self.changed.remove(&pi);
            self.rows.remove(&pi);
        }
        self.merged[pi] = true;
        self.spent[pi] = !named_later;
        // The primary's row, if any, was removed above.
        let placed = placed.map(|row| self.rows.insert(pi, row)).is_some();
        match (row, json) {
            (Some(row), _) => self.put_row(pi, row, merged.as_ref()),
            (None, Some(json)) => {
                let kept = match json {
                    Kept::Mem(bytes) => self.spill.keep(bytes),
                    kept => kept,
                };
                self.changed.insert(pi, kept);
            }
            (None, None) if keep || placed => {}
            (None, None) => {
                // A CSV contact a later pair may name, beyond the ones kept
                // parsed.
                let c = merged
                    .as_ref()
                    .expect("a contact named later comes with its merge");
                let grown = Option::as_ref(&self.encoder.grown).expect("only CSV rows wait");
                let row = grown.read().unwrap_or_else(|e| e.into_inner()).encode(c);
                self.put_row(pi, row, Some(c));
                self.changed.insert(pi, Kept::Mem(to_json(c)));
            }
        }
        if keep {
            let c = merged.expect("a contact named later comes with its merge");
            self.parsed.insert(pi, c);
            None
        } else {
            merged
        }
    }

    fn take_early(&mut self, at: usize, pi: usize, si: usize) -> Option<Early<Prepared>> {
        let (p, s, early) = self.early.take(at)?;
        // Merged from these contacts as read, and neither has been merged
        // into since (a plan can reach a contact through the ids of
        // `hs_merged_object_ids`, or a file hold an id twice).
        let untouched = p == pi && s == si && !self.merged[pi] && !self.merged[si];
        self.early_taken += usize::from(untouched);
        untouched.then_some(early)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(at: usize) -> Row {
        Row {
            cols: 3,
            at,
            len: 1,
            needs: Box::new([]),
        }
    }

    /// Rows read like the map they replace: put, put again, removed,
    /// counted when collected.
    #[test]
    fn rows_read_like_a_map_by_contact() {
        let mut rows = Rows::new(6, 2);
        assert!(rows.insert(4, row(10)).is_none());
        assert!(rows.insert(1, row(20)).is_none());
        assert_eq!(rows.insert(4, row(30)).map(|r| r.at), Some(10));
        assert!(rows.contains_key(&4) && rows.contains_key(&1));
        assert!(!rows.contains_key(&0) && !rows.contains_key(&9));
        assert_eq!(rows.remove(&1).map(|r| r.at), Some(20));
        assert!(rows.remove(&1).is_none() && rows.remove(&9).is_none());
        assert!(rows.insert(1, row(40)).is_none());
        let all: HashMap<usize, usize> = rows.iter().map(|(&i, r)| (i, r.at)).collect();
        assert_eq!(rows.iter().size_hint(), (2, Some(2)));
        assert_eq!(all, HashMap::from_iter([(4, 30), (1, 40)]));
        let none = Rows::default();
        assert!(!none.contains_key(&0) && none.iter().next().is_none());
    }
}
