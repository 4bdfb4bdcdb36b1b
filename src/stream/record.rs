//! What the first pass keeps of the records the plan needs ([`Kept`],
//! [`Scan`]), and a record on its own ([`RawCopy`]).

use std::borrow::Cow;
use std::fs::File;
use std::os::unix::fs::FileExt;

use serde_json::Value;

use super::early::EarlyFeed;
use super::json_doc::JsonStyle;
use super::wanted::Wanted;
use crate::format::json::contact_from_value;
use crate::format::records::parse_raw;
use crate::format::Place;
use crate::model::{split_multi, Contact, Layout};

/// A record of the file on its own: its bytes (as the reader gave them,
/// or where they are in the file) and its place.
#[derive(Clone)]
pub(super) struct RawCopy {
    /// Its bytes, when they are held rather than read again.
    pub(super) held: Option<Box<[u8]>>,
    pub(super) at: At,
    pub(super) place: Place,
}

/// Where a record's bytes are in the file: from, and how many.
pub(super) type At = (u64, u32);

impl RawCopy {
    /// The contact, unless its record does not read (the plan then meets
    /// the problem itself). `src`: the file, for bytes not held.
    pub(super) fn open(&self, layout: &Layout, file: &str, src: &File) -> Option<Contact> {
        let bytes = match &self.held {
            Some(b) => Cow::Borrowed(&b[..]),
            None => Cow::Owned(read_at(src, self.at, file)),
        };
        parse_raw(layout, &bytes, self.place, file).ok()
    }
}

/// A record's bytes read again from the file, which the first pass read
/// whole: a failure now is the file changing under the run.
pub(super) fn read_at(src: &File, (from, len): At, file: &str) -> Vec<u8> {
    let mut bytes = vec![0; len as usize];
    src.read_exact_at(&mut bytes, from)
        .unwrap_or_else(|e| panic!("{file}: cannot read the record at byte {from} again: {e}"));
    bytes
}

/// A contact the plan needs, as read.
pub(super) enum Raw {
    /// Its record's bytes.
    Held(Box<[u8]>),
    /// Read again from the file when the plan needs it (JSON records, long
    /// enough for a read each to cost little beside the memory they take).
    InFile,
    /// Handed to the thread merging pairs early: given back if its pair was
    /// not merged, read again from the file if the plan needs it otherwise.
    Away,
}

pub(super) struct Loaded {
    /// Where its id is in [`Scan::ids`].
    pub(super) id: (usize, usize),
    /// Its number among the file's records.
    pub(super) record: usize,
    pub(super) place: Place,
    /// Where its bytes are in the file.
    pub(super) at: At,
    pub(super) raw: Raw,
}

/// What the first pass keeps of the records the plan needs, whichever the
/// format.
pub(super) struct Kept<'w, 'p, 'e> {
    pub(super) wanted: &'w Wanted<'p>,
    /// The early merges' side, when there are any.
    pub(super) early: Option<&'e mut EarlyFeed>,
    pub(super) loaded: Vec<Loaded>,
    /// The kept contacts' ids, one after the other.
    pub(super) ids: String,
    pub(super) claims: Vec<(String, String)>,
    /// Whether records are held (CSV rows, short) or read again (JSON).
    pub(super) hold: bool,
}

impl<'w, 'p, 'e> Kept<'w, 'p, 'e> {
    pub(super) fn new(
        wanted: &'w Wanted<'p>,
        early: Option<&'e mut EarlyFeed>,
        hold: bool,
    ) -> Self {
        Kept {
            wanted,
            early,
            hold,
            loaded: Vec::with_capacity(wanted.len().min(1 << 20)),
            ids: String::new(),
            claims: Vec::new(),
        }
    }

    /// A record was read: its contact's id and `hs_merged_object_ids`, its
    /// number, place and bytes. It is kept when the plan names its id or
    /// an id it holds (a claim): handed over for an early merge when its
    /// pair is isolated and the feed takes it, else as its bytes.
    pub(super) fn read(
        &mut self,
        (id, merged): (&str, &str),
        (record, place): (usize, Place),
        (bytes, from): (&[u8], u64),
    ) {
        let named = self.wanted.get(id);
        let claims_before = self.claims.len();
        for m in split_multi(merged) {
            if self.wanted.contains(m) {
                self.claims.push((id.to_string(), m.to_string()));
            }
        }
        let claims = self.claims.len() > claims_before;
        if named.is_none() && !claims {
            return;
        }
        let at = (
            from,
            u32::try_from(bytes.len()).expect("a record under 4 GB"),
        );
        let hold = self.hold;
        let copy = || RawCopy {
            held: hold.then(|| bytes.into()),
            at,
            place,
        };
        let away = match (self.early.as_deref_mut(), named.flatten()) {
            (Some(feed), Some(side)) => feed.read(self.loaded.len(), side, claims, copy),
            _ => false,
        };
        self.ids.push_str(id);
        self.loaded.push(Loaded {
            id: (self.ids.len() - id.len(), self.ids.len()),
            record,
            place,
            at,
            raw: match (away, hold) {
                (true, _) => Raw::Away,
                (false, true) => Raw::Held(bytes.into()),
                (false, false) => Raw::InFile,
            },
        });
    }
}

impl Scan {
    pub(super) fn id(&self, l: &Loaded) -> &str {
        &self.ids[l.id.0..l.id.1]
    }
}

/// What the first pass keeps.
pub(super) struct Scan {
    pub(super) layout: Layout,
    /// Where the header (CSV) ends / the first record starts.
    pub(super) header_end: u64,
    /// Each record's byte range: CSV and JSON Lines, the record with the
    /// line breaks after it; a JSON document's, the record with the
    /// separator before it (but the first).
    pub(super) ranges: Vec<(u64, u64)>,
    pub(super) file_len: u64,
    /// The contacts the plan needs, in file order.
    pub(super) loaded: Vec<Loaded>,
    /// Their ids, one after the other.
    pub(super) ids: String,
    /// JSON documents: how their merged contacts are written.
    pub(super) style: JsonStyle,
    /// (contact id, merged-away id it holds) for the plan's ids, in file
    /// order: HubSpot's redirects.
    pub(super) claims: Vec<(String, String)>,
}

pub(super) fn to_json(c: &Contact) -> Vec<u8> {
    serde_json::to_vec(c).expect("a contact always serializes")
}

/// A contact kept as JSON. A CSV contact comes back without a key order, as
/// it was read.
pub(super) fn from_json(bytes: &[u8], layout: &Layout) -> Contact {
    let value: Value = serde_json::from_slice(bytes).expect("written by to_json or checked");
    let mut c = contact_from_value(value).expect("written by to_json or checked");
    if matches!(layout, Layout::Csv(_)) {
        c.key_order.clear();
    }
    c
}
