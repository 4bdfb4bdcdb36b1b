//! The columns merged CSV contacts add to the file's ([`Grown`]), and rows
//! whose new cells are moved to the order the in-memory writer gives them
//! ([`Moving`]).

use rustc_hash::FxHashMap as HashMap;

use super::store::Encoded;
use crate::format::csv::{encode_record, row_cells, Column, CsvLayout};
use crate::model::Contact;

/// A CSV layout that grows by the columns merged contacts need.
pub(super) struct Grown {
    pub(super) layout: CsvLayout,
    /// Every column's place in the layout, by property name and
    /// association kind.
    pub(super) props: HashMap<String, u32>,
    pub(super) kinds: HashMap<String, u32>,
    pub(super) base_len: usize,
}

impl Grown {
    pub(super) fn new(layout: &CsvLayout) -> Self {
        let mut props = HashMap::default();
        let mut kinds = HashMap::default();
        for (at, c) in layout.columns.iter().enumerate() {
            let at = at as u32;
            match c {
                Column::Property(n) => props.entry(n.clone()).or_insert(at),
                Column::Association(k) => kinds.entry(k.clone()).or_insert(at),
            };
        }
        Grown {
            base_len: layout.columns.len(),
            layout: layout.clone(),
            props,
            kinds,
        }
    }

    /// The places of the columns beyond the file's that a contact needs, in
    /// the order the in-memory writer adds them; `None` when some are not in
    /// the layout yet.
    pub(super) fn needs(&self, c: &Contact) -> Option<Box<[u32]>> {
        let base = self.base_len as u32;
        let mut needs = Vec::new();
        // A contact of this file lists its properties in the columns'
        // order: the next column is looked at before the map.
        let mut next = 0;
        for name in c.properties.keys() {
            let at = match self.layout.columns.get(next) {
                Some(Column::Property(n)) if **n == **name => next as u32,
                _ => *self.props.get(&**name)?,
            };
            next = at as usize + 1;
            if at >= base {
                needs.push(at);
            }
        }
        for kind in c.associations.iter().flat_map(|a| a.keys()) {
            match self.kinds.get(kind.as_str()) {
                Some(&at) if at >= base => needs.push(at),
                Some(_) => {}
                // A kind CSV has no column for is left out.
                None if crate::labels::association_header(kind, self.layout.labels).is_none() => {}
                None => return None,
            }
        }
        Some(needs.into_boxed_slice())
    }

    /// [`Grown::needs`], adding the columns the layout lacks.
    pub(super) fn columns_for(&mut self, c: &Contact) -> Box<[u32]> {
        // Most merged contacts need no column the layout lacks: looked at
        // column by column first, without a lookup by name each.
        if let Some(needs) = self.needs(c) {
            return needs;
        }
        for name in c.properties.keys() {
            if !self.props.contains_key(&**name) {
                let at = self.layout.columns.len() as u32;
                self.layout.headers.push(new_header(&self.layout, name));
                self.layout.columns.push(Column::Property(name.to_string()));
                self.props.insert(name.to_string(), at);
            }
        }
        for kind in c.associations.iter().flat_map(|a| a.keys()) {
            if self.kinds.contains_key(kind.as_str()) {
                continue;
            }
            if let Some(h) = crate::labels::association_header(kind, self.layout.labels) {
                let at = self.layout.columns.len() as u32;
                self.layout.headers.push(h);
                self.layout.columns.push(Column::Association(kind.clone()));
                self.kinds.insert(kind.clone(), at);
            }
        }
        self.needs(c)
            .expect("every column the contact needs is in the layout")
    }

    /// A contact's row for the layout as it stands.
    pub(super) fn encode(&self, c: &Contact) -> Encoded {
        let (cols, bytes) = self.row(c);
        Encoded {
            cols,
            bytes,
            needs: self.needs(c),
        }
    }

    /// A contact's row for the layout as it stands, without the columns it
    /// needs (for a caller that has them from [`Grown::columns_for`]): the
    /// number of columns it was encoded for, and its bytes.
    pub(super) fn row(&self, c: &Contact) -> (usize, Vec<u8>) {
        let mut cells = Vec::with_capacity(self.layout.columns.len());
        row_cells(&self.layout, c, &mut cells);
        let bytes = encode_record(&self.layout, cells.iter().map(|c| c.as_bytes()));
        (self.layout.columns.len(), bytes)
    }
}

pub(super) fn new_header(layout: &CsvLayout, name: &str) -> String {
    if layout.labels {
        crate::labels::label_of(name).unwrap_or(name).to_string()
    } else {
        name.to_string()
    }
}

/// How rows encoded for the first `cols` columns of a grown layout are
/// written for the layout written: the file's `base_len` columns, then the
/// grown columns `from` names. The cells are moved as they were encoded
/// (quotes and all), which is how the writer encodes them wherever they
/// stand.
pub(super) struct Moving<'f> {
    pub(super) cols: usize,
    pub(super) base_len: usize,
    pub(super) from: &'f [usize],
    /// The file quotes every cell (an empty one too).
    pub(super) quote_all: bool,
    /// The byte between cells.
    pub(super) delimiter: u8,
}

impl Moving<'_> {
    /// Append the moved `row` to `out` (`cells` is scratch space). The
    /// file's columns stay as they are; only the grown cells move.
    pub(super) fn row(
        &self,
        row: &[u8],
        cells: &mut Vec<std::ops::Range<usize>>,
        out: &mut Vec<u8>,
    ) {
        let d = self.delimiter;
        // The grown cells are the row's last: looked for from its end.
        let (base, grown) = match cell_start_from_end(row, self.base_len, self.cols, d) {
            Some(at) => (&row[..at - 1], &row[at..]),
            None => (row, &b""[..]),
        };
        out.extend_from_slice(base);
        if self.cols > self.base_len {
            encoded_cells(grown, d, cells);
        } else {
            cells.clear();
        }
        debug_assert_eq!(
            self.base_len + cells.len(),
            self.cols,
            "a row has the cells it was encoded for"
        );
        let empty: &[u8] = if self.quote_all { b"\"\"" } else { b"" };
        for &at in self.from {
            out.push(d);
            match cells.get(at - self.base_len) {
                Some(cell) => out.extend_from_slice(&grown[cell.clone()]),
                None => out.extend_from_slice(empty),
            }
        }
    }
}

/// The places of the delimiters between the cells of an encoded CSV row:
/// those outside quotes (a doubled quote inside a quoted cell closes and
/// opens again).
pub(super) fn separators(row: &[u8], delimiter: u8) -> impl Iterator<Item = usize> + '_ {
    let (mut quoted, mut from) = (false, 0);
    std::iter::from_fn(move || {
        while let Some(k) = memchr::memchr2(delimiter, b'"', &row[from..]) {
            let at = from + k;
            from = at + 1;
            if row[at] == b'"' {
                quoted = !quoted;
            } else if !quoted {
                return Some(at);
            }
        }
        None
    })
}

/// Where cell `n` (from 0) of an encoded CSV row starts, if it has one
/// after the first.
pub(super) fn cell_start(row: &[u8], n: usize, delimiter: u8) -> Option<usize> {
    separators(row, delimiter)
        .nth(n.checked_sub(1)?)
        .map(|at| at + 1)
}

/// [`cell_start`] of an encoded row of `cols` cells, found from its end:
/// a quote is passed backwards as forwards (a doubled one twice), so the
/// delimiters outside quotes are the same, and a cell near the end is
/// found without reading the cells before it.
pub(super) fn cell_start_from_end(
    row: &[u8],
    n: usize,
    cols: usize,
    delimiter: u8,
) -> Option<usize> {
    // Cell `n` starts after the (cols - n)th delimiter from the end.
    let mut left = if n == 0 { 0 } else { cols.saturating_sub(n) };
    let (mut quoted, mut end) = (false, row.len());
    while left > 0 {
        let at = memchr::memrchr2(delimiter, b'"', &row[..end])?;
        end = at;
        if row[at] == b'"' {
            quoted = !quoted;
        } else if !quoted {
            left -= 1;
            if left == 0 {
                return Some(at + 1);
            }
        }
    }
    None
}

/// Cell `n` (from 0) of a CSV row the reader checked, its quotes
/// undone; empty when the row has none.
pub(super) fn cell(row: &[u8], n: usize, delimiter: u8) -> std::borrow::Cow<'_, str> {
    let start = match n {
        0 => 0,
        _ => match cell_start(row, n, delimiter) {
            Some(at) => at,
            None => return "".into(),
        },
    };
    let rest = &row[start..];
    // The row comes without its line break.
    let end = separators(rest, delimiter).next().unwrap_or(rest.len());
    let text = String::from_utf8_lossy(&rest[..end]);
    match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\"").into(),
        None => text,
    }
}

/// Where the cells of an encoded CSV row are, as encoded.
pub(super) fn encoded_cells(row: &[u8], delimiter: u8, cells: &mut Vec<std::ops::Range<usize>>) {
    cells.clear();
    let mut start = 0;
    for at in separators(row, delimiter) {
        cells.push(start..at);
        start = at + 1;
    }
    cells.push(start..row.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Moving encoded cells gives the row the writer encodes from the cells
    /// in their new places: commas, quotes and line breaks inside cells, and
    /// empty cells, with and without quoting every cell.
    #[test]
    fn moved_rows_are_the_rows_encoded_in_their_new_order() {
        let cells: [&[u8]; 6] = [b"7", b"a,b", b"say \"hi\", \"\"", b"two\nlines", b"", b"x"];
        for (quote_all, delimiter) in [(false, b','), (true, b','), (false, b';'), (true, b'\t')] {
            let layout = CsvLayout {
                quote_all,
                delimiter,
                ..crate::gen::csv_layout()
            };
            let row = encode_record(&layout, cells);
            let mut spans = Vec::new();
            encoded_cells(&row, delimiter, &mut spans);
            assert_eq!(spans.len(), cells.len(), "{row:?}");
            // Three of the file's columns, then grown ones in another order,
            // one the row was encoded without.
            let from = [5, 3, 9, 4];
            let moving = Moving {
                cols: cells.len(),
                base_len: 3,
                from: &from,
                quote_all,
                delimiter,
            };
            let mut moved = b"before".to_vec();
            moving.row(&row, &mut spans, &mut moved);
            let moved = moved.strip_prefix(b"before").unwrap();
            let expected: Vec<&[u8]> = (0..3)
                .chain(from)
                .map(|at| cells.get(at).copied().unwrap_or(b""))
                .collect();
            assert_eq!(
                String::from_utf8_lossy(moved),
                String::from_utf8_lossy(&encode_record(&layout, expected)),
            );
        }
    }

    #[test]
    fn cells_are_read_with_their_quotes_undone() {
        let row = br#"7,"a,b","say ""hi""",,"1;2""#;
        let cells: Vec<String> = (0..6).map(|n| cell(row, n, b',').into_owned()).collect();
        assert_eq!(cells, ["7", "a,b", "say \"hi\"", "", "1;2", ""]);
        assert_eq!(cell(b"1", 0, b','), "1");
        let row = br#"7;"a;b";x,y;"1;2""#;
        let cells: Vec<String> = (0..5).map(|n| cell(row, n, b';').into_owned()).collect();
        assert_eq!(cells, ["7", "a;b", "x,y", "1;2", ""]);
    }

    /// Found from the end, a cell starts where it does found from the
    /// start, in rows with quoted delimiters, doubled quotes and empty
    /// cells.
    #[test]
    fn a_cell_found_from_the_end_is_the_one_found_from_the_start() {
        let pieces: [&[u8]; 7] = [b"", b"a", b"a,b", b"\"q\"", b"x\"\"y", b",", b"\n"];
        let layout = crate::gen::csv_layout();
        let mut rows = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let cells = [a, b, c, d];
                        let row = encode_record(&layout, cells);
                        for n in 0..=5 {
                            assert_eq!(
                                cell_start_from_end(&row, n, cells.len(), b','),
                                cell_start(&row, n, b','),
                                "{:?} cell {n}",
                                String::from_utf8_lossy(&row)
                            );
                        }
                        rows += 1;
                    }
                }
            }
        }
        assert_eq!(rows, 7 * 7 * 7 * 7);
    }
}
