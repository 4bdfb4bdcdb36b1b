//! What the first pass keeps of the records the plan needs ([`Kept`],
//! [`Scan`]), and a record on its own ([`RawCopy`]).

use serde_json::Value;

use super::early::EarlyFeed;
use super::wanted::Wanted;
use crate::format::csv::contact_from_row;
use crate::format::json::contact_from_value;
use crate::model::{split_multi, Contact, Layout};

/// A record of the file on its own.
#[derive(Clone)]
pub(super) enum RawCopy {
    Csv { fields: Fields, line: u64 },
    Json(Box<[u8]>),
}

impl RawCopy {
    pub(super) fn csv(record: &::csv::StringRecord, line: u64) -> RawCopy {
        let mut fields = Fields {
            text: String::with_capacity(record.as_slice().len()),
            ends: Vec::with_capacity(record.len()),
        };
        fields.push(record);
        RawCopy::Csv { fields, line }
    }

    /// The contact, unless its record does not read (the plan then meets
    /// the problem itself).
    pub(super) fn open(&self, layout: &Layout, file: &str) -> Option<Contact> {
        match (self, layout) {
            (RawCopy::Csv { fields, line }, Layout::Csv(csv)) => {
                let at = FieldsAt {
                    text: 0,
                    ends: 0,
                    len: fields.ends.len(),
                };
                contact_from_row(csv, fields.get(at), *line, file).ok()
            }
            (RawCopy::Json(bytes), layout) => Some(from_json(bytes, layout)),
            (RawCopy::Csv { .. }, _) => None,
        }
    }
}

/// A contact the plan needs, as read.
pub(super) enum Raw {
    /// Where its fields are in [`Scan::fields`].
    Csv(FieldsAt),
    Json(Box<[u8]>),
    /// Handed to the thread merging pairs early: given back if its pair was
    /// not merged, read again from the file if the plan needs it otherwise.
    Away,
}

/// The fields of the CSV records the plan needs, one record after the
/// other: one allocation for them all rather than a `StringRecord` (and
/// its field ends) each.
#[derive(Default, Clone)]
pub(super) struct Fields {
    pub(super) text: String,
    /// Each field's end, from the start of its record.
    pub(super) ends: Vec<u32>,
}

#[derive(Clone, Copy)]
pub(super) struct FieldsAt {
    pub(super) text: usize,
    pub(super) ends: usize,
    pub(super) len: usize,
}

impl Fields {
    pub(super) fn push(&mut self, record: &::csv::StringRecord) -> FieldsAt {
        let at = FieldsAt {
            text: self.text.len(),
            ends: self.ends.len(),
            len: record.len(),
        };
        self.text.push_str(record.as_slice());
        let mut end = 0usize;
        for field in record.iter() {
            end += field.len();
            self.ends
                .push(u32::try_from(end).expect("a CSV record under 4 GB"));
        }
        at
    }

    pub(super) fn get(&self, at: FieldsAt) -> FieldIter<'_> {
        FieldIter {
            text: &self.text[at.text..],
            ends: &self.ends[at.ends..at.ends + at.len],
            start: 0,
        }
    }
}

/// The fields of one kept record.
pub(super) struct FieldIter<'f> {
    pub(super) text: &'f str,
    pub(super) ends: &'f [u32],
    pub(super) start: usize,
}

impl<'f> Iterator for FieldIter<'f> {
    type Item = &'f str;

    fn next(&mut self) -> Option<&'f str> {
        let (&end, rest) = self.ends.split_first()?;
        let field = &self.text[self.start..end as usize];
        self.start = end as usize;
        self.ends = rest;
        Some(field)
    }
}

pub(super) struct Loaded {
    /// Where its id is in [`Scan::ids`].
    pub(super) id: (usize, usize),
    /// Its number among the file's records.
    pub(super) record: usize,
    pub(super) line: u64,
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
}

impl<'w, 'p, 'e> Kept<'w, 'p, 'e> {
    pub(super) fn new(
        wanted: &'w Wanted<'p>,
        early: Option<&'e mut EarlyFeed>,
        room: usize,
    ) -> Self {
        Kept {
            wanted,
            early,
            loaded: Vec::with_capacity(room),
            ids: String::new(),
            claims: Vec::new(),
        }
    }

    /// A record was read: its contact's id and `hs_merged_object_ids`, its
    /// number and line. It is kept when the plan names its id or an id it
    /// holds (a claim): handed over for an early merge (`copy` makes its
    /// record) when its pair is isolated and the feed takes it, else as
    /// `raw` makes it.
    pub(super) fn read(
        &mut self,
        (id, merged): (&str, &str),
        (record, line): (usize, u64),
        copy: impl FnOnce() -> RawCopy,
        raw: impl FnOnce() -> Raw,
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
        let away = match (self.early.as_deref_mut(), named.flatten()) {
            (Some(feed), Some(side)) => feed.read(self.loaded.len(), side, claims, copy),
            _ => false,
        };
        self.ids.push_str(id);
        self.loaded.push(Loaded {
            id: (self.ids.len() - id.len(), self.ids.len()),
            record,
            line,
            raw: if away { Raw::Away } else { raw() },
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
    /// Each record's byte range.
    pub(super) ranges: Vec<(u64, u64)>,
    pub(super) file_len: u64,
    /// The contacts the plan needs, in file order.
    pub(super) loaded: Vec<Loaded>,
    /// Their ids, one after the other.
    pub(super) ids: String,
    /// CSV: their fields.
    pub(super) fields: Fields,
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
