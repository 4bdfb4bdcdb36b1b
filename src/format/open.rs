//! Opening an export to read it a record at a time ([`records`]): a file,
//! or stdin, and the readings the commands make of it: every contact
//! (`dupes`, `check`), or the few asked for (`show`, `diff`).

use std::io::{self, Read};
use std::path::Path;

use super::{read_file, records, Format, IdSieve, Place, ReadError};
use crate::model::Contact;

/// Read an export (`-` is stdin) one contact at a time, handing each to
/// `f` without keeping the export: for commands that need a few fields of
/// each contact of a large file (`dupes`). The file is read a piece at a
/// time; stdin of no known format is held to tell its format.
pub fn for_each_contact(
    path: &Path,
    format: Option<Format>,
    f: &mut dyn FnMut(Contact),
) -> Result<(), ReadError> {
    // An export that holds one id twice is refused, as [`read_path`]
    // refuses it, once every contact has been read.
    let mut sieve = IdSieve::with_capacity(0);
    let (source, file) = Source::open_twice(path, format)?;
    records::each(source.reader(&file)?, None, &mut |c, _| {
        sieve.note(&c.id);
        f(c)
    })?;
    sieve.confirm(&file, |again| {
        let mut reader = source.reopen(path, &file)?;
        while let Some(item) = reader.next_item()? {
            if let records::Item::Record(r) = item {
                again(&r.id, r.place);
            }
        }
        Ok(())
    })
}

/// How far [`find_contacts`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// The whole export: every record is checked, and an export with a
    /// record that cannot be read or an id written twice is refused, as
    /// [`super::read_path`] refuses it.
    Whole,
    /// Up to the last record asked for: what comes after it is not read
    /// (nor checked); an id written twice is found only among the records
    /// read.
    UntilFound,
}

/// The contacts with these ids (the first record with each; ids not in
/// the export are left out), read from an export (`-` is stdin) in one
/// pass that parses only them in full: every other record is only
/// checked as it is read ([`records`]), and nothing else is kept but 8
/// bytes an id (to refuse an id written twice).
pub fn find_contacts(
    path: &Path,
    format: Option<Format>,
    ids: &[&str],
    reading: Reading,
) -> Result<Found, ReadError> {
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    let mut sieve = IdSieve::with_capacity(0);
    let (source, file) = Source::open_twice(path, format)?;
    let mut reader = source.reader(&file)?;
    let layout = reader.csv_layout().cloned();
    let mut ids_are = (layout.as_ref()).map(|l| IdField::Column(l.headers[l.id_column].clone()));
    let wanted = |found: &std::collections::HashMap<String, Contact>| {
        ids.iter().all(|id| found.contains_key(*id))
    };
    while let Some(item) = reader.next_item()? {
        let r = match item {
            records::Item::Record(r) => r,
            records::Item::Bad(e) => return Err(reader.refuse(e)),
        };
        if ids_are.is_none() {
            ids_are = Some(IdField::of_json(r.contact().ok().as_ref()));
        }
        sieve.note(&r.id);
        if ids.contains(&r.id.as_str()) && !found.contains_key(&r.id) {
            let c = match r.contact() {
                Ok(c) => c,
                Err(e) => return Err(reader.refuse(e)),
            };
            found.insert(r.id.clone(), c);
            if reading == Reading::UntilFound && wanted(&found) {
                break;
            }
        }
    }
    drop(reader);
    let read = sieve.len();
    sieve.confirm(&file, |again| {
        let mut reader = source.reopen(path, &file)?;
        let mut n = 0;
        while n < read {
            match reader.next_item()? {
                Some(records::Item::Record(r)) => again(&r.id, r.place),
                Some(records::Item::Bad(_)) => continue,
                None => break,
            }
            n += 1;
        }
        Ok(())
    })?;
    Ok(Found {
        contacts: found,
        ids_are: ids_are.unwrap_or(IdField::Id),
        layout,
    })
}

/// What [`find_contacts`] found: the contacts, and where the export's
/// record ids are, for a message about an id it does not hold.
#[derive(Debug)]
pub struct Found {
    pub contacts: std::collections::HashMap<String, Contact>,
    pub ids_are: IdField,
    /// A CSV's (or XLSX's) headers and what each holds.
    pub layout: Option<super::csv::CsvLayout>,
}

impl Found {
    /// The header of the column holding `property`, where the file names
    /// it otherwise (a spreadsheet's label): what its user knows it by.
    pub fn header_of(&self, property: &str) -> Option<&str> {
        self.layout.as_ref()?.header_of(property)
    }
}

/// Where an export's record ids are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdField {
    /// A CSV (or XLSX) column, by its header.
    Column(String),
    /// A JSON contact's `"id"`.
    Id,
    /// A v1 JSON contact's `"vid"`.
    Vid,
}

impl IdField {
    /// Told by a JSON export's first contact (`None`: it cannot be read).
    fn of_json(first: Option<&Contact>) -> IdField {
        match first {
            Some(c) if c.v1.is_some() => IdField::Vid,
            _ => IdField::Id,
        }
    }
}

impl std::fmt::Display for IdField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IdField::Column(h) => write!(f, "the {h:?} column"),
            IdField::Id => write!(f, "each contact's \"id\" field"),
            IdField::Vid => write!(f, "each contact's \"vid\" field (HubSpot's v1 shape)"),
        }
    }
}

/// Where an export is read from: a file (read a piece at a time), or
/// stdin (read a piece at a time when its format is known, else held
/// whole to tell it).
pub(crate) enum Source {
    File(std::fs::File, Format),
    Stdin(Format),
    Held(Vec<u8>, Format),
}

impl Source {
    /// Open `path` (`-` is stdin); gives its name for messages.
    pub(crate) fn open(path: &Path, format: Option<Format>) -> Result<(Source, String), ReadError> {
        if path.as_os_str() == "-" {
            return Ok(match format {
                Some(f) => (Source::Stdin(f), "<stdin>".to_string()),
                None => {
                    let (bytes, format, file) = read_file(path, None)?;
                    (Source::Held(bytes, format), file)
                }
            });
        }
        let file = path.display().to_string();
        let Some(format) = format.or_else(|| Format::from_path(path)) else {
            if super::is_stream(path) {
                let (bytes, format, file) = read_file(path, None)?;
                return Ok((Source::Held(bytes, format), file));
            }
            return Err(super::unknown_format(path, file));
        };
        let f = std::fs::File::open(path).map_err(|err| ReadError::Io {
            file: file.clone(),
            err,
        })?;
        Ok((Source::File(f, format), file))
    }

    /// [`Source::open`] for two readings: stdin is held.
    fn open_twice(path: &Path, format: Option<Format>) -> Result<(Source, String), ReadError> {
        match Source::open(path, format)? {
            (Source::Stdin(format), _) => {
                let (bytes, _, file) = read_file(path, Some(format))?;
                Ok((Source::Held(bytes, format), file))
            }
            other => Ok(other),
        }
    }

    /// The record reader over it.
    pub(crate) fn reader(
        &self,
        file: &str,
    ) -> Result<records::Reader<Box<dyn Read + '_>>, ReadError> {
        let (src, format): (Box<dyn Read + '_>, Format) = match self {
            Source::File(f, format) => (Box::new(f), *format),
            Source::Stdin(format) => (Box::new(io::stdin()), *format),
            Source::Held(bytes, format) => (Box::new(&bytes[..]), *format),
        };
        records::Reader::new(src, format, file)
    }

    /// A second reader from the start (of a source from
    /// [`Source::open_twice`]).
    fn reopen(
        &self,
        path: &Path,
        file: &str,
    ) -> Result<records::Reader<Box<dyn Read + '_>>, ReadError> {
        match self {
            Source::File(_, format) => {
                let f = std::fs::File::open(path).map_err(|err| ReadError::Io {
                    file: file.into(),
                    err,
                })?;
                records::Reader::new(Box::new(f) as Box<dyn Read>, *format, file)
            }
            _ => self.reader(file),
        }
    }
}

/// [`super::each_contact`] for a file (`-` is stdin), read a piece at a time.
/// Gives the file's name for messages.
pub fn each_contact_in(
    path: &Path,
    format: Option<Format>,
    skipped: Option<&mut Vec<ReadError>>,
    on_contact: &mut dyn FnMut(Contact, Place),
) -> Result<String, ReadError> {
    let (source, file) = Source::open(path, format)?;
    records::each(source.reader(&file)?, skipped, on_contact)?;
    Ok(file)
}

/// The ids of an export (`-` is stdin, which cannot be read twice) read
/// again, for [`IdSieve::repeats`]: the records read, the ones that cannot
/// be read left out.
pub(crate) fn ids_again(
    path: &Path,
    format: Option<Format>,
    each: &mut dyn FnMut(&str, Place),
) -> Result<(), ReadError> {
    let (source, file) = Source::open(path, format)?;
    let mut reader = source.reader(&file)?;
    loop {
        match reader.next_item() {
            Ok(Some(records::Item::Record(r))) => each(&r.id, r.place),
            Ok(Some(records::Item::Bad(_))) => {}
            Ok(None) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}
