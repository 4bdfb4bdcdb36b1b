//! The second pass: the file copied with the plan's changes, the records
//! it did not touch byte for byte.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use super::chunks::Chunks;
use super::finish::Finished;
use super::json_doc::rewrite_document;
use super::order::in_order;
use super::output::Output;
use super::record::Scan;
use super::Input;
use crate::format::csv::encode_header;
use crate::model::Layout;

/// The leading line breaks, the content and the trailing line breaks of a
/// record's bytes.
pub(super) fn split_record(bytes: &[u8]) -> (&[u8], &[u8], &[u8]) {
    let lead = bytes
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count();
    let rest = &bytes[lead..];
    let trail = rest
        .iter()
        .rev()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count();
    (
        &bytes[..lead],
        &rest[..rest.len() - trail],
        &rest[rest.len() - trail..],
    )
}

/// The second pass: copy the file, with the plan's changes. Gives the
/// number of contacts written.
pub(super) fn write_result(
    input: Input<'_>,
    scan: &Scan,
    finished: &Finished,
    out: &mut Output<'_>,
) -> io::Result<usize> {
    let path = input.path;
    let mut file = Chunks::new(File::open(path)?);
    let removed = &finished.removed;
    // The records the plan touched, in file order.
    let mut actions: Vec<(usize, usize)> = scan
        .loaded
        .iter()
        .enumerate()
        .filter(|(i, _)| removed[*i] || finished.out.contains_key(i))
        .map(|(i, l)| (l.record, i))
        .collect();
    actions.sort_unstable();
    let pad = finished.new_columns.len();
    // An empty cell with the delimiter before it, as the writer encodes it.
    let empty: Vec<u8> = match &finished.layout {
        Some(l) if l.quote_all => vec![l.delimiter, b'"', b'"'],
        Some(l) => vec![l.delimiter],
        None => vec![b','],
    };
    let empty = empty.as_slice();
    let rewrite = Rewrite {
        finished,
        empty,
        padding: empty.repeat(pad),
        piece: input.tuning.piece,
    };
    match &finished.layout {
        // The header, with its new columns; then every record is rewritten
        // (each one padded), on both cores.
        Some(full) if pad > 0 => {
            let header = file.get(0, scan.header_end)?;
            let (bom, rest) = match header.strip_prefix(b"\xEF\xBB\xBF") {
                Some(r) => (&b"\xEF\xBB\xBF"[..], r),
                None => (&b""[..], header),
            };
            let (lead, _, trail) = split_record(rest);
            out.write_all(bom)?;
            out.write_all(lead)?;
            out.write_all(&encode_header(full, &full.headers))?;
            out.write_all(trail)?;
            drop(file);
            rewrite_all(path, scan, &rewrite, &actions, out)
        }
        // Otherwise the records the plan did not touch go out as they are,
        // with the runs around them (and the header, if any, with the
        // records after it).
        None if matches!(scan.layout, Layout::Json { .. }) => {
            rewrite_document(&mut file, scan, &rewrite, &actions, out)
        }
        _ => rewrite_touched(&mut file, scan, &rewrite, &actions, out),
    }
}

/// How the second pass writes the records the plan touched, and the others
/// when merges added columns.
pub(super) struct Rewrite<'a> {
    pub(super) finished: &'a Finished,
    /// An empty cell with the comma before it, as the writer encodes it.
    pub(super) empty: &'a [u8],
    /// The new columns' empty cells, for a record the plan did not touch.
    pub(super) padding: Vec<u8>,
    /// Bytes of records gathered before they are written
    /// ([`Tuning::piece`](super::Tuning)).
    pub(super) piece: usize,
}

impl Rewrite<'_> {
    /// Write the record from `from` (where the file is written up to, at or
    /// after its start) to `end` into `piece`: as it is but padded
    /// (`action` None), left out, or as the merge made it. Gives where the
    /// file is written up to after it, and whether a contact was written.
    /// `cells`: scratch space.
    pub(super) fn record(
        &self,
        file: &mut Chunks,
        (from, end): (u64, u64),
        action: Option<usize>,
        cells: &mut Vec<std::ops::Range<usize>>,
        piece: &mut Vec<u8>,
    ) -> io::Result<(u64, bool)> {
        let end = end.max(from);
        let bytes = file.get(from, end)?;
        Ok(match action {
            None => {
                // The new columns' empty cells go before its line ending.
                let trail = bytes
                    .iter()
                    .rev()
                    .take_while(|b| matches!(b, b'\r' | b'\n'))
                    .count();
                let (record, trail) = bytes.split_at(bytes.len() - trail);
                piece.extend_from_slice(record);
                piece.extend_from_slice(&self.padding);
                piece.extend_from_slice(trail);
                (end, true)
            }
            Some(i) if self.finished.removed[i] => {
                // The breaks before the record end the line before it (a
                // record starts between the CR and the LF of a CRLF); its
                // own line ending goes, and with it what follows of that
                // line ending.
                piece.extend_from_slice(split_record(bytes).0);
                (file.skip_breaks(end)?, false)
            }
            Some(i) => {
                let (lead, _, trail) = split_record(bytes);
                piece.extend_from_slice(lead);
                self.finished.write(i, self.empty, cells, piece)?;
                piece.extend_from_slice(trail);
                (end, true)
            }
        })
    }

    /// Write records `records` into `piece`, the file written up to `at`
    /// before them; `actions`: what the plan did to them, in file order.
    /// Gives the number of contacts written.
    pub(super) fn records(
        &self,
        file: &mut Chunks,
        ranges: &[(u64, u64)],
        records: std::ops::Range<usize>,
        actions: &[(usize, usize)],
        mut at: u64,
        piece: &mut Vec<u8>,
    ) -> io::Result<usize> {
        let mut actions = actions.iter().peekable();
        let (mut written, mut cells) = (0, Vec::new());
        for record in records {
            let (start, end) = ranges[record];
            let action = actions.next_if(|&&(r, _)| r == record).map(|&(_, i)| i);
            // Line breaks between records go out as they are.
            let from = start.max(at);
            if from > at {
                piece.extend_from_slice(file.get(at, from)?);
            }
            let wrote;
            (at, wrote) = self.record(file, (from, end), action, &mut cells, piece)?;
            written += usize::from(wrote);
        }
        Ok(written)
    }
}

/// The records, and what lies between and after them, when there are no
/// new columns: the records the plan did not touch are copied with the
/// runs around them.
pub(super) fn rewrite_touched(
    file: &mut Chunks,
    scan: &Scan,
    rewrite: &Rewrite<'_>,
    actions: &[(usize, usize)],
    out: &mut Output<'_>,
) -> io::Result<usize> {
    let mut at: u64 = 0;
    let mut written = scan.ranges.len() - actions.len();
    let (mut piece, mut cells) = (Vec::new(), Vec::new());
    for &(record, i) in actions {
        let (start, end) = scan.ranges[record];
        // Everything up to this record goes out as it is (the line breaks
        // skipped after a record left out may reach into this one).
        let from = start.max(at);
        if from > at {
            out.write_all(&piece)?;
            piece.clear();
            file.copy(at, from, out)?;
        }
        let wrote;
        (at, wrote) = rewrite.record(file, (from, end), Some(i), &mut cells, &mut piece)?;
        written += usize::from(wrote);
        if piece.len() >= rewrite.piece {
            out.write_all(&piece)?;
            piece.clear();
        }
    }
    out.write_all(&piece)?;
    file.copy(at, scan.file_len, out)?;
    out.flush()?;
    Ok(written)
}

/// Every record, padded with the new columns or as the plan left it, after
/// the header. The records are cut into pieces of about [`Tuning::piece`](super::Tuning) bytes,
/// each cut after a record the plan did not touch (so that where the file
/// is written up to is its end); both cores rewrite pieces, and this one
/// writes them in order.
pub(super) fn rewrite_all(
    path: &Path,
    scan: &Scan,
    rewrite: &Rewrite<'_>,
    actions: &[(usize, usize)],
    out: &mut Output<'_>,
) -> io::Result<usize> {
    let ranges = &scan.ranges;
    let mut cuts = vec![0];
    let mut size = 0;
    let mut next_action = actions.iter().peekable();
    for (record, &(start, end)) in ranges.iter().enumerate() {
        let touched = next_action.next_if(|&&(r, _)| r == record).is_some();
        size += end - start;
        if size >= rewrite.piece as u64 && !touched && record + 1 < ranges.len() {
            cuts.push(record + 1);
            size = 0;
        }
    }
    cuts.push(ranges.len());
    let pieces = cuts.len() - 1;
    let make = |file: &mut Chunks, k: usize, piece: &mut Vec<u8>| {
        let records = cuts[k]..cuts[k + 1];
        let from = actions.partition_point(|&(r, _)| r < records.start);
        let to = actions.partition_point(|&(r, _)| r < records.end);
        // The first piece starts where the header ends; every other after
        // a record written whole. Its bytes are read at once, no more.
        let at = if k == 0 {
            scan.header_end
        } else {
            ranges[records.start].0
        };
        let end = records.end.checked_sub(1).map_or(at, |last| ranges[last].1);
        file.load(at, end.max(at))?;
        rewrite.records(file, ranges, records, &actions[from..to], at, piece)
    };
    let open = || File::open(path).map(Chunks::new);
    let written = in_order(pieces, open, make, out)?;
    // What follows the header when there is no record (the last record
    // ends the file).
    let last = ranges.last().map_or(scan.header_end, |r| r.1);
    Chunks::new(File::open(path)?).copy(last.max(scan.header_end), scan.file_len, out)?;
    out.flush()?;
    Ok(written)
}
