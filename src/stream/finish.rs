//! What the plan leaves for the second pass: each merged contact's output,
//! and the CSV layout written.

use std::fs::File;
use std::io;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use super::columns::{Grown, Moving};
use super::spill::{read_at, Kept, Spill};
use super::store::{Encoded, RawStore};
use crate::format::csv::CsvLayout;
use crate::model::{Contact, Layout};

/// What the plan left for the second pass.
pub(super) struct Finished {
    /// The output of each merged contact: its CSV row or JSON line, without
    /// the line break.
    pub(super) out: HashMap<usize, Out>,
    pub(super) row_bytes: Vec<u8>,
    pub(super) removed: Vec<bool>,
    /// CSV: the layout written, and how many columns it adds to the file's.
    pub(super) layout: Option<CsvLayout>,
    pub(super) new_columns: Vec<String>,
    /// CSV, when merges met the new columns in an order other than the
    /// file's: the file's number of columns, and per new column written,
    /// where it is in the grown layout the rows were encoded for.
    pub(super) moves: Option<(usize, Vec<usize>)>,
    /// JSON: the file the merged contacts were kept in, if any.
    pub(super) spill: Option<File>,
}

/// A merged contact's output.
pub(super) enum Out {
    /// A JSON contact, kept.
    Json(Kept),
    /// A row in [`Finished::row_bytes`], then `pad` empty cells.
    Row { at: usize, len: usize, pad: usize },
    /// A row in [`Finished::row_bytes`] encoded for the first `cols`
    /// columns of the grown layout, its cells moved as it is written
    /// ([`Finished::moves`]).
    Moved { at: usize, len: usize, cols: usize },
}

impl Finished {
    /// Append merged contact `i`'s output to `out`. `empty`: an empty cell
    /// with the comma before it; `cells`: scratch space.
    pub(super) fn write(
        &self,
        i: usize,
        empty: &[u8],
        cells: &mut Vec<std::ops::Range<usize>>,
        out: &mut Vec<u8>,
    ) -> io::Result<()> {
        match self.out[&i] {
            Out::Json(ref kept) => self.write_json_kept(kept, out)?,
            Out::Row { at, len, pad } => {
                out.extend_from_slice(&self.row_bytes[at..at + len]);
                for _ in 0..pad {
                    out.extend_from_slice(empty);
                }
            }
            Out::Moved { at, len, cols } => {
                let (base_len, from) = self.moves.as_ref().expect("rows are moved");
                let moving = Moving {
                    cols,
                    base_len: *base_len,
                    from,
                    quote_all: self.layout.as_ref().is_some_and(|l| l.quote_all),
                    delimiter: self.layout.as_ref().map_or(b',', |l| l.delimiter),
                };
                moving.row(&self.row_bytes[at..at + len], cells, out);
            }
        }
        Ok(())
    }
}

impl Finished {
    /// Append merged contact `i`'s output, JSON, to `out`.
    pub(super) fn write_json(&self, i: usize, out: &mut Vec<u8>) -> io::Result<()> {
        match &self.out[&i] {
            Out::Json(kept) => self.write_json_kept(kept, out),
            _ => unreachable!("JSON contacts are kept as JSON"),
        }
    }

    fn write_json_kept(&self, kept: &Kept, out: &mut Vec<u8>) -> io::Result<()> {
        match *kept {
            Kept::Mem(ref b) => out.extend_from_slice(b),
            Kept::At(at, len) => {
                let spill = self.spill.as_ref().expect("kept bytes have their file");
                read_at(spill, at, len, out)?;
            }
        }
        Ok(())
    }
}

impl RawStore<'_> {
    /// What the plan left for the second pass.
    pub(super) fn finish(mut self) -> io::Result<Finished> {
        self.encode_left_parsed();
        let spill = std::mem::replace(&mut self.spill, Spill::new(false)).finish()?;
        let grown = Arc::try_unwrap(std::mem::take(&mut self.encoder))
            .ok()
            .expect("the merging threads are done")
            .grown
            .map(|g| g.into_inner().unwrap_or_else(|e| e.into_inner()));
        let Some(grown) = grown else {
            return Ok(Finished {
                out: std::mem::take(&mut self.changed)
                    .into_iter()
                    .map(|(i, json)| (i, Out::Json(json)))
                    .collect(),
                row_bytes: Vec::new(),
                removed: std::mem::take(&mut self.removed),
                layout: None,
                new_columns: Vec::new(),
                moves: None,
                spill,
            });
        };
        let columns = self.new_columns_in_file_order();
        // (An early merge the plan did not take may have added a column no
        // row needs.)
        let same_order = grown.base_len + columns.len() == grown.layout.columns.len()
            && columns
                .iter()
                .zip(grown.base_len as u32..)
                .all(|(&a, b)| a == b);
        let (layout, out, moves) = if same_order {
            self.rows_padded(grown)
        } else {
            self.rows_moved(grown, &columns)
        };
        let Layout::Csv(base) = &self.scan.layout else {
            unreachable!("CSV")
        };
        let new_columns = layout.headers[base.headers.len()..].to_vec();
        Ok(Finished {
            out,
            row_bytes: std::mem::take(&mut self.row_bytes),
            removed: std::mem::take(&mut self.removed),
            layout: Some(layout),
            new_columns,
            moves,
            spill,
        })
    }

    /// CSV contacts still kept parsed get their rows, in file order.
    fn encode_left_parsed(&mut self) {
        let Some(grown) = Option::as_ref(&self.encoder.grown) else {
            return;
        };
        let grown = grown.read().unwrap_or_else(|e| e.into_inner());
        let mut left: Vec<(usize, Contact)> = std::mem::take(&mut self.parsed)
            .into_iter()
            .filter(|(i, _)| !self.rows.contains_key(i))
            .collect();
        left.sort_unstable_by_key(|(i, _)| *i);
        let rows: Vec<(usize, Encoded, Contact)> = left
            .into_iter()
            .map(|(i, c)| (i, grown.encode(&c), c))
            .collect();
        drop(grown);
        for (i, row, c) in rows {
            self.put_row(i, row, Some(&c));
        }
    }

    /// The grown columns the rows need, in the order the in-memory writer
    /// adds them: first met in file order.
    fn new_columns_in_file_order(&self) -> Vec<u32> {
        let mut order: Vec<(usize, &[u32])> = self
            .rows
            .iter()
            .map(|(&i, row)| (self.scan.loaded[i].record, &row.needs[..]))
            .collect();
        order.sort_unstable_by_key(|(r, _)| *r);
        let mut columns: Vec<u32> = Vec::new();
        for (_, needs) in &order {
            for &at in needs.iter() {
                if !columns.contains(&at) {
                    columns.push(at);
                }
            }
        }
        columns
    }

    /// The rows as encoded, padded with the columns added after them.
    fn rows_padded(&self, grown: Grown) -> Written {
        let total = grown.layout.columns.len();
        let out = self
            .rows
            .iter()
            .map(|(&i, row)| {
                let (at, len, pad) = (row.at, row.len, total - row.cols);
                (i, Out::Row { at, len, pad })
            })
            .collect();
        (grown.layout, out, None)
    }

    /// Merged contacts met the new columns in an order other than the
    /// file's: each row's cells are moved to the `columns` in file order as
    /// the second pass writes it (on both cores).
    fn rows_moved(&self, grown: Grown, columns: &[u32]) -> Written {
        let Layout::Csv(base) = &self.scan.layout else {
            unreachable!("CSV")
        };
        let mut layout = base.clone();
        // Per column written, where it is in the grown layout.
        let from: Vec<usize> = columns.iter().map(|&at| at as usize).collect();
        for &at in &from {
            layout.headers.push(grown.layout.headers[at].clone());
            layout.columns.push(grown.layout.columns[at].clone());
        }
        let out = self
            .rows
            .iter()
            .map(|(&i, row)| {
                let (at, len, cols) = (row.at, row.len, row.cols);
                (i, Out::Moved { at, len, cols })
            })
            .collect();
        (layout, out, Some((grown.base_len, from)))
    }
}

/// The layout written, each merged contact's output, and how rows move.
type Written = (CsvLayout, HashMap<usize, Out>, Option<(usize, Vec<usize>)>);
