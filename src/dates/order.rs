//! Which order a file's slashed dates use (SPEC section 3): a value with a
//! day over 12 (`15/03/2024`, `3/15/2024`) fixes the order for the whole
//! file; without one, `--date-order` decides; without that, an ambiguous
//! value (`03/04/2024`) is an error that says so. The decision is made
//! over the whole file before anything is merged, so that the streamed and
//! in-memory ways read every date alike.

use std::io::Read;
use std::path::Path;

use super::regional::{self, DateOrder};
use crate::format::{self, Format, ReadError};
use crate::hubspot::props::is_date_property;
use crate::model::{key, Contact};

/// A value that shows an order, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub record: String,
    pub property: String,
    pub value: String,
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "contact {}, {} '{}'",
            self.record, self.property, self.value
        )
    }
}

/// Why a file's date order cannot be decided.
#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("{file}: its dates disagree on which comes first: {dmy} is day first, {mdy} is month first; correct the dates so that the file uses one order")]
    Conflict {
        file: String,
        dmy: Box<Shown>,
        mdy: Box<Shown>,
    },
    #[error("{file}: --date-order {given} was given, but {shown} can only be read {}; give --date-order {} or leave it out (the file decides)", .shown_order.name(), .shown_order)]
    Contradicted {
        file: String,
        given: DateOrder,
        shown_order: DateOrder,
        shown: Box<Shown>,
    },
    #[error(transparent)]
    Read(#[from] ReadError),
}

impl DateOrder {
    /// In words: "day first" or "month first".
    pub fn name(self) -> &'static str {
        match self {
            DateOrder::Dmy => "day first",
            DateOrder::Mdy => "month first",
        }
    }
}

/// What the values read so far show of the order.
#[derive(Debug, Default)]
pub struct Evidence {
    dmy: Option<Box<Shown>>,
    mdy: Option<Box<Shown>>,
}

impl Evidence {
    /// Note what one value shows.
    pub fn value(&mut self, record: &str, property: &str, value: &str) {
        let slot = match regional::order_shown(value) {
            Some(DateOrder::Dmy) => &mut self.dmy,
            Some(DateOrder::Mdy) => &mut self.mdy,
            None => return,
        };
        if slot.is_none() {
            *slot = Some(Box::new(Shown {
                record: record.into(),
                property: property.into(),
                value: value.into(),
            }));
        }
    }

    /// Note what a contact's dates show: its properties, `createdAt`,
    /// `updatedAt` and its history's timestamps.
    pub fn contact(&mut self, c: &Contact) {
        // Only the properties read as dates: a slashed day in free text
        // (a note, a custom text property) is no date of this file's.
        for (name, value) in c.properties.iter().filter(|(n, _)| is_date_property(n)) {
            if let Some(v) = value.as_deref().filter(|v| v.contains('/')) {
                self.value(&c.id, name, v);
            }
        }
        for meta in [key::CREATED_AT, key::UPDATED_AT] {
            if let Some(v) = c.meta_text(meta) {
                self.value(&c.id, meta, &v);
            }
        }
        for (name, entries) in c.history.iter().flatten() {
            for ts in entries.iter().filter_map(|e| e.timestamp()) {
                self.value(&c.id, &format!("propertiesWithHistory.{name}"), &ts);
            }
        }
    }

    /// The order: the one the file shows, else `given`.
    pub fn decide(
        self,
        file: &str,
        given: Option<DateOrder>,
    ) -> Result<Option<DateOrder>, OrderError> {
        let (order, shown) = match (self.dmy, self.mdy) {
            (Some(dmy), Some(mdy)) => {
                return Err(OrderError::Conflict {
                    file: file.into(),
                    dmy,
                    mdy,
                })
            }
            (Some(s), None) => (DateOrder::Dmy, s),
            (None, Some(s)) => (DateOrder::Mdy, s),
            (None, None) => return Ok(given),
        };
        match given {
            Some(g) if g != order => Err(OrderError::Contradicted {
                file: file.into(),
                given: g,
                shown_order: order,
                shown,
            }),
            _ => Ok(Some(order)),
        }
    }
}

/// Decide the order of the export at `path`. Stdin and other inputs that
/// are not regular files (a named pipe) cannot be read twice: there
/// `given` decides. A file without a slashed date anywhere is not parsed.
pub fn decide_file(
    path: &Path,
    format: Option<Format>,
    given: Option<DateOrder>,
) -> Result<Option<DateOrder>, OrderError> {
    let file = path.display().to_string();
    let regular = path.as_os_str() != "-" && std::fs::metadata(path).is_ok_and(|m| m.is_file());
    if !regular || !may_hold_slashed_dates(path, &file)? {
        return Ok(given);
    }
    let mut evidence = Evidence::default();
    // A file of no known format is refused by the command, in its words.
    let Some(format) = format.or_else(|| Format::from_path(path)) else {
        return Ok(given);
    };
    // A file that cannot be read to its end is refused by the command, in
    // its words (`show` may not read that far): what was read decides.
    let _unread = scan(path, format, &file, &mut evidence);
    evidence.decide(&file, given)
}

/// The order of an export's dates, decided on another thread while a
/// run gets ready (`apply` reads its plan and numbers its ids meanwhile:
/// the pass over the export that decides is a tenth of a large apply).
/// [`Deciding::settle`] waits for the decision and sets it for the run;
/// nothing may read a date of the export before it.
#[derive(Debug)]
pub struct Deciding {
    pending: std::sync::Mutex<Option<Decision>>,
}

/// The thread deciding, with what it decides.
type Decision = std::thread::JoinHandle<Result<Option<DateOrder>, OrderError>>;

impl Deciding {
    /// Start deciding the order of the export at `path` ([`decide_file`]).
    pub fn start(path: &Path, format: Option<Format>, given: Option<DateOrder>) -> Self {
        regional::set_file_order(given);
        let owned = path.to_path_buf();
        let handle = std::thread::spawn(move || decide_file(&owned, format, given));
        Deciding {
            pending: std::sync::Mutex::new(Some(handle)),
        }
    }

    /// Wait for the decision and set it; its fault, the first time only
    /// (later calls, the order already set, are `Ok`).
    pub fn settle(&self) -> Result<(), OrderError> {
        let pending = self.pending.lock().map(|mut p| p.take());
        let Some(handle) = pending.unwrap_or_else(|p| p.into_inner().take()) else {
            return Ok(());
        };
        let order = handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        regional::set_file_order(order);
        Ok(())
    }
}

/// Decide the order of an export read from stdin and held in memory (the
/// in-memory merge): its contacts decide, else the order already set
/// (`--date-order`); the result is set for the rest of the run.
pub fn decide_held(contacts: &[Contact], file: &str) -> Result<(), OrderError> {
    let mut evidence = Evidence::default();
    for c in contacts {
        evidence.contact(c);
    }
    let order = evidence.decide(file, regional::file_order())?;
    regional::set_file_order(order);
    Ok(())
}

/// Note what every record of the file shows: only records whose bytes
/// hold a digit-slash-digit are looked at, a CSV row's cells without
/// building its contact, a JSON record parsed in full. A record that
/// cannot be read is left to the command, which refuses it in its words;
/// an error the rest cannot be read past ends the reading.
fn scan(path: &Path, format: Format, file: &str, evidence: &mut Evidence) -> Result<(), ReadError> {
    use crate::format::records::{csv_cell, Item, Reader};
    use crate::model::Column;
    let f = std::fs::File::open(path).map_err(format::records::io_error(file))?;
    let mut reader = Reader::new(std::io::BufReader::new(f), format, file)?;
    let names: Vec<Option<String>> = reader
        .csv_layout()
        .map(|l| {
            l.columns
                .iter()
                .map(|c| match c {
                    Column::Property(name) if is_date_property(name) => Some(name.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    while let Some(item) = reader.next_item()? {
        let Item::Record(r) = item else {
            continue;
        };
        if !has_slashed_date(r.raw()) {
            continue;
        }
        if let Some((text, cells)) = r.csv_row() {
            for (name, &(start, end)) in names.iter().zip(cells) {
                let cell = csv_cell(&text[start..end]);
                if let (Some(name), true) = (name, cell.contains('/')) {
                    evidence.value(&r.id, name, &cell);
                }
            }
        } else if let Ok(c) = r.contact() {
            evidence.contact(&c);
        }
    }
    Ok(())
}

/// Whether the file has a digit, a slash and a digit anywhere (read a
/// block at a time; a file without is decided without parsing it).
fn may_hold_slashed_dates(path: &Path, file: &str) -> Result<bool, ReadError> {
    let io = format::records::io_error(file);
    let mut f = std::fs::File::open(path).map_err(&io)?;
    let mut buf = vec![0u8; 1 << 20];
    // The last byte of the previous block, so that a pattern across two
    // blocks is seen.
    let mut carry: [u8; 2] = [0, 0];
    loop {
        let n = f.read(&mut buf).map_err(&io)?;
        if n == 0 {
            return Ok(false);
        }
        let block = &buf[..n];
        let joined = [&carry[..], &block[..n.min(2)]].concat();
        if has_slashed_date(&joined) || has_slashed_date(block) {
            return Ok(true);
        }
        carry = [if n >= 2 { block[n - 2] } else { carry[1] }, block[n - 1]];
    }
}

/// Whether `b` holds a digit, a slash and a digit in a row: a date the
/// file's order may decide.
pub fn has_slashed_date(b: &[u8]) -> bool {
    memchr::memchr_iter(b'/', b)
        .any(|i| i > 0 && i + 1 < b.len() && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit())
}

/// Both readings of an ambiguous value, for the message
/// ("day first 2024-04-03, month first 2024-03-04").
pub fn readings(value: &str) -> String {
    let read = |o| match regional::parse(value.trim(), Some(o)) {
        Ok(Some((ms, _))) => super::format_date(ms, super::DateForm::Day),
        _ => "?".into(),
    };
    format!(
        "day first {}, month first {}",
        read(DateOrder::Dmy),
        read(DateOrder::Mdy)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(values: &[&str]) -> Evidence {
        let mut e = Evidence::default();
        for (i, v) in values.iter().enumerate() {
            e.value(&i.to_string(), "createdate", v);
        }
        e
    }

    #[test]
    fn one_unambiguous_value_decides_for_the_file() {
        let e = evidence(&["03/04/2024", "15/03/2024", "01/02/2024"]);
        assert_eq!(e.decide("f.csv", None).unwrap(), Some(DateOrder::Dmy));
        let e = evidence(&["03/04/2024 1:00 PM", "3/15/2024 2:30 PM"]);
        assert_eq!(e.decide("f.csv", None).unwrap(), Some(DateOrder::Mdy));
    }

    #[test]
    fn without_evidence_the_flag_decides() {
        let e = evidence(&["03/04/2024", "12.03.2024 09:14", "2024-03-15"]);
        assert_eq!(e.decide("f.csv", None).unwrap(), None);
        let e = evidence(&["03/04/2024"]);
        assert_eq!(
            e.decide("f.csv", Some(DateOrder::Dmy)).unwrap(),
            Some(DateOrder::Dmy)
        );
    }

    #[test]
    fn a_file_showing_both_orders_is_refused() {
        let e = evidence(&["15/03/2024", "3/15/2024"]);
        let msg = e.decide("f.csv", None).unwrap_err().to_string();
        assert!(
            msg.contains("contact 0, createdate '15/03/2024' is day first"),
            "{msg}"
        );
        assert!(
            msg.contains("contact 1, createdate '3/15/2024' is month first"),
            "{msg}"
        );
    }

    #[test]
    fn a_flag_the_file_contradicts_is_refused() {
        let e = evidence(&["3/15/2024"]);
        let msg = e
            .decide("f.csv", Some(DateOrder::Dmy))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("--date-order dmy was given"), "{msg}");
        assert!(msg.contains("give --date-order mdy"), "{msg}");
    }

    #[test]
    fn the_byte_pattern() {
        assert!(has_slashed_date(b"a,3/15/2024"));
        assert!(!has_slashed_date(b"https://x.com/a, 2024-03-01"));
    }

    #[test]
    fn readings_of_an_ambiguous_value() {
        assert_eq!(
            readings("03/04/2024"),
            "day first 2024-04-03, month first 2024-03-04"
        );
    }

    /// The decision made on another thread: its fault once, then nothing
    /// (the order is left as it was). (The global order is not set to
    /// another here: other tests read it.)
    #[test]
    fn deciding_tells_its_fault_once() {
        let dir = tempfile::tempdir().unwrap();
        let both = dir.path().join("both.csv");
        std::fs::write(&both, "Record ID,Create Date\n1,3/15/2024\n2,15/03/2024\n").unwrap();
        let deciding = Deciding::start(&both, None, None);
        assert!(matches!(
            deciding.settle(),
            Err(OrderError::Conflict { .. })
        ));
        assert!(deciding.settle().is_ok());
    }
}
