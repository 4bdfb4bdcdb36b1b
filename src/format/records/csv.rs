//! CSV: a record is a row. Rows are split as the csv crate splits them
//! (a quote opens a field only at its start, `""` inside quotes is a
//! quote, CR, LF and CRLF end a row, blank lines are skipped), without it:
//! only the id cell is decoded until a row is asked for in full.

use std::borrow::Cow;
use std::io::Read;

use super::input::Input;
use super::{io_error, Found};
use crate::format::csv::{
    contact_from_row, field_count, header_error, layout_for, CsvLayout, HeaderStyle,
};
use crate::format::{Place, ReadError};
use crate::model::Contact;

pub(crate) struct Csv {
    pub(crate) layout: CsvLayout,
    /// The first byte not read yet.
    pos: u64,
    /// The line `pos` is on.
    line: u64,
    /// The cells of the row being read: their ranges in it.
    pub(crate) cells: Vec<(usize, usize)>,
}

/// How a row splits.
enum Split {
    /// The row ends before `end` (its line break, or the end of the
    /// input); it holds `newlines` line breaks (in quoted cells).
    Row { end: usize, newlines: u64 },
    /// More bytes are needed.
    More,
    /// A quoted cell is still open at the end of the input; it opened
    /// after `newlines` line breaks of the row.
    Open { newlines: u64 },
}

/// Split the row that starts at `b[0]` into its cells' ranges.
fn split(b: &[u8], eof: bool, delimiter: u8, cells: &mut Vec<(usize, usize)>) -> Split {
    cells.clear();
    let mut ends = Ends::new(delimiter);
    let mut i = 0;
    let mut newlines = 0;
    loop {
        let start = i;
        if b.get(i) == Some(&b'"') {
            let open = newlines;
            i += 1;
            loop {
                let Some(k) = memchr::memchr(b'"', &b[i..]) else {
                    return if eof {
                        Split::Open { newlines: open }
                    } else {
                        Split::More
                    };
                };
                newlines += memchr::memchr_iter(b'\n', &b[i..i + k]).count() as u64;
                i += k + 1;
                match b.get(i) {
                    Some(b'"') => i += 1,
                    None if !eof => return Split::More,
                    _ => break,
                }
            }
        }
        match ends.next(b, i) {
            Some(end) => {
                i = end;
                cells.push((start, i));
                if b[i] != delimiter {
                    return Split::Row { end: i, newlines };
                }
                i += 1;
            }
            None if !eof => return Split::More,
            None => {
                cells.push((start, b.len()));
                return Split::Row {
                    end: b.len(),
                    newlines,
                };
            }
        }
    }
}

/// The cell ends of a row (its delimiters, CRs and LFs), found in order.
/// The row is looked at 16 bytes at a time, as a mask of the ends among
/// them (one vector compare a kind of end where the machine has one), and
/// the ends of every cell that starts among those bytes are taken from
/// that mask: each byte is looked at once, where finding each cell's end
/// by itself cost more than splitting the rest of the row (cells are ten
/// bytes or so).
struct Ends {
    delimiter: u8,
    /// The first byte not looked at yet.
    next: usize,
    /// The ends among the [`CHUNK`] bytes before `next`, when they were
    /// looked at together: bit `k` for byte `next - CHUNK + k` (0 else).
    mask: u32,
}

/// How many bytes [`Ends`] looks at together.
const CHUNK: usize = 16;

impl Ends {
    fn new(delimiter: u8) -> Self {
        Ends {
            delimiter,
            next: 0,
            mask: 0,
        }
    }

    /// Where the first delimiter, CR or LF of `b` at or after `from` is;
    /// `from` is past every end given before.
    #[inline(always)]
    fn next(&mut self, b: &[u8], from: usize) -> Option<usize> {
        let mut i = from;
        if from < self.next {
            if self.mask != 0 {
                let base = self.next - CHUNK;
                let m = self.mask & (!0u32 << (from - base));
                if m != 0 {
                    return Some(base + m.trailing_zeros() as usize);
                }
            }
            i = self.next;
        }
        while i + CHUNK <= b.len() {
            let chunk: &[u8; CHUNK] = b[i..i + CHUNK].try_into().expect("a chunk");
            let m = end_mask(chunk, self.delimiter);
            i += CHUNK;
            if m != 0 {
                self.next = i;
                self.mask = m;
                return Some(i - CHUNK + m.trailing_zeros() as usize);
            }
        }
        if i < b.len() {
            // The last bytes, fewer than a chunk: looked at as one, the
            // bytes past the end not counted.
            let n = b.len() - i;
            let mut chunk = [0u8; CHUNK];
            chunk[..n].copy_from_slice(&b[i..]);
            let m = end_mask(&chunk, self.delimiter) & ((1u32 << n) - 1);
            self.next = i + CHUNK;
            self.mask = m;
            if m != 0 {
                return Some(i + m.trailing_zeros() as usize);
            }
        }
        None
    }
}

/// Bit `k` set where `chunk[k]` is the delimiter, CR or LF.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn end_mask(chunk: &[u8; CHUNK], delimiter: u8) -> u32 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of every x86_64 machine; the load reads the 16
    // bytes of `chunk` (no alignment asked). (Unsafe for Rust before 1.87,
    // whose intrinsics were all unsafe; safe since, but the load.)
    #[allow(unused_unsafe)]
    unsafe {
        let x = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
        let is = |c: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8));
        let ends = _mm_or_si128(_mm_or_si128(is(delimiter), is(b'\r')), is(b'\n'));
        _mm_movemask_epi8(ends) as u32
    }
}

/// Bit `k` set where `chunk[k]` is the delimiter, CR or LF.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn end_mask(chunk: &[u8; CHUNK], delimiter: u8) -> u32 {
    (chunk.iter().enumerate())
        .filter(|&(_, &c)| c == delimiter || c == b'\r' || c == b'\n')
        .fold(0, |m, (k, _)| m | 1 << k)
}

/// A cell's text: a quoted cell without its quotes, `""` as `"`, and what
/// follows its closing quote as it is (as the csv crate reads it).
#[inline]
pub(crate) fn cell(raw: &str) -> Cow<'_, str> {
    let Some(body) = raw.strip_prefix('"') else {
        return Cow::Borrowed(raw);
    };
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    loop {
        match rest.find('"') {
            None => {
                out.push_str(rest);
                break;
            }
            Some(k) => {
                out.push_str(&rest[..k]);
                if rest[k + 1..].starts_with('"') {
                    out.push('"');
                    rest = &rest[k + 2..];
                } else {
                    out.push_str(&rest[k + 1..]);
                    break;
                }
            }
        }
    }
    Cow::Owned(out)
}

/// The cells of a row.
fn cells<'r>(raw: &'r str, spans: &[(usize, usize)]) -> Vec<Cow<'r, str>> {
    spans.iter().map(|&(a, b)| cell(&raw[a..b])).collect()
}

impl Csv {
    /// The place of a line: the sheet's row for a workbook.
    fn at(&self, line: u64) -> Place {
        Place::of_line(line, self.layout.sheet.as_deref())
    }

    /// Read the header row.
    pub(crate) fn open<R: Read>(
        input: &mut Input<R>,
        text_start: u64,
        file: &str,
    ) -> Result<Self, ReadError> {
        let mut csv = Csv {
            layout: CsvLayout {
                headers: Vec::new(),
                columns: Vec::new(),
                id_column: 0,
                bom: text_start > 0,
                crlf: false,
                quote_all: false,
                labels: false,
                delimiter: b',',
                sheet: None,
                unterminated: None,
            },
            pos: text_start,
            line: 1,
            cells: Vec::new(),
        };
        csv.layout.delimiter = header_delimiter(input, text_start, file)?;
        // The text's first byte, which tells JSON given as CSV.
        let lead = input
            .from(text_start)
            .iter()
            .copied()
            .find(|b| !b.is_ascii_whitespace())
            .unwrap_or(b' ');
        let Some((range, line)) = csv.row(input, 0, file)? else {
            return Err(ReadError::Empty { file: file.into() });
        };
        let raw = input.slice(range.start, range.end);
        let text = utf8(raw, range.start, line, file)?;
        let headers: Vec<String> = cells(text, &csv.cells)
            .into_iter()
            .map(Cow::into_owned)
            .collect();
        // The line ending after the header row.
        input.want(range.end, 2, 0).map_err(io_error(file))?;
        let delimiter = csv.layout.delimiter;
        let style = HeaderStyle::of(input.from(text_start), Some(delimiter));
        let quote_all = style.quote_all(&headers);
        match layout_for(
            headers,
            text_start > 0,
            style.crlf,
            quote_all,
            delimiter,
            file,
        ) {
            Ok(layout) => {
                csv.layout = layout;
                Ok(csv)
            }
            Err(e) => Err(csv
                .drain(input, file)
                .unwrap_or_else(|| header_error(e, &[lead], file))),
        }
    }

    /// Read the rest of the rows for a quoted field left open at the end
    /// of the input (the whole file's reading named it before any other
    /// fault but bytes that are not UTF-8); gives that error, if any.
    pub(crate) fn drain<R: Read>(&mut self, input: &mut Input<R>, file: &str) -> Option<ReadError> {
        loop {
            let at = self.pos;
            match self.row(input, self.pos, file) {
                Ok(Some((range, line))) => {
                    let raw = input.slice(range.start, range.end);
                    if let Err(e) = utf8(raw, range.start, line, file) {
                        return Some(e);
                    }
                }
                Ok(None) => return None,
                Err(e) => {
                    let rest = input.from(at.max(self.pos));
                    return Some(utf8(rest, self.pos, self.line, file).err().unwrap_or(e));
                }
            }
        }
    }

    /// The next row's range and line, its cells in `self.cells`.
    fn row<R: Read>(
        &mut self,
        input: &mut Input<R>,
        keep: u64,
        file: &str,
    ) -> Result<Option<(std::ops::Range<u64>, u64)>, ReadError> {
        loop {
            let rest = input.from(self.pos);
            let blank = rest
                .iter()
                .position(|&b| b != b'\r' && b != b'\n')
                .unwrap_or(rest.len());
            self.line += memchr::memchr_iter(b'\n', &rest[..blank]).count() as u64;
            self.pos += blank as u64;
            if blank == rest.len() {
                if !input.more(keep.min(self.pos)).map_err(io_error(file))? {
                    return Ok(None);
                }
                continue;
            }
            match split(&rest[blank..], input.eof, self.layout.delimiter, &mut self.cells) {
                Split::More => {
                    input.more(keep.min(self.pos)).map_err(io_error(file))?;
                }
                Split::Open { newlines } => {
                    return Err(ReadError::Invalid {
                        file: file.into(),
                        place: self.at(self.line + newlines).to_string(),
                        what: "a quoted field is still open at the end of the file: the file looks truncated; export or download it again".into(),
                    })
                }
                Split::Row { end, newlines } => {
                    let start = self.pos;
                    let line = self.line;
                    self.pos += end as u64;
                    // A sheet's row is one row, line breaks in its cells
                    // or not.
                    if self.layout.sheet.is_none() {
                        self.line += newlines;
                    }
                    return Ok(Some((start..start + end as u64, line)));
                }
            }
        }
    }

    pub(crate) fn next<R: Read>(
        &mut self,
        input: &mut Input<R>,
        keep: u64,
        file: &str,
        full: bool,
    ) -> Result<Option<Found>, ReadError> {
        let Some((range, line)) = self.row(input, keep, file)? else {
            return Ok(None);
        };
        let raw = input.slice(range.start, range.end);
        let text = utf8(raw, range.start, line, file)?;
        if self.cells.len() != self.layout.headers.len() {
            // Its own row still (the rows after it read alike).
            return Ok(Some(Found::Bad(self.wrong_length(text, line, file))));
        }
        let (a, b) = self.cells[self.layout.id_column];
        let id = cell(&text[a..b]);
        let id = id.trim();
        if id.is_empty() {
            return Ok(Some(Found::Bad(no_id(&self.layout, line, file))));
        }
        let parsed = if full {
            let cells = cells(text, &self.cells);
            let c = contact_from_row(&self.layout, &cells, line, file);
            Some(Box::new(c?))
        } else {
            None
        };
        Ok(Some(Found::Record {
            range,
            id: id.to_string(),
            place: self.at(line),
            parsed,
        }))
    }
}

impl Csv {
    /// A row with more or fewer fields than the header: its fault, with
    /// its id when it has the id cell.
    #[cold]
    fn wrong_length(&self, text: &str, line: u64, file: &str) -> ReadError {
        let id = (self.cells.get(self.layout.id_column))
            .map(|&(a, b)| cell(&text[a..b]).trim().to_string())
            .filter(|id| !id.is_empty());
        let (len, expected) = (self.cells.len(), self.layout.headers.len());
        field_count(file, self.at(line).to_string(), id, len, expected)
    }
}

/// The delimiter of the header row: read until the row's end is in the
/// input (a line break outside quotes, or the end of the file), then
/// sniffed.
fn header_delimiter<R: Read>(
    input: &mut Input<R>,
    text_start: u64,
    file: &str,
) -> Result<u8, ReadError> {
    loop {
        let text = input.from(text_start);
        let start = text
            .iter()
            .position(|&b| b != b'\r' && b != b'\n')
            .unwrap_or(text.len());
        let mut quoted = false;
        let ended = text[start..].iter().any(|&b| {
            quoted ^= b == b'"';
            !quoted && (b == b'\n' || b == b'\r')
        });
        if ended || !input.more(0).map_err(io_error(file))? {
            return Ok(crate::format::delimiter::sniff(input.from(text_start)));
        }
    }
}

fn no_id(layout: &CsvLayout, line: u64, file: &str) -> ReadError {
    ReadError::Invalid {
        file: file.into(),
        place: Place::of_line(line, layout.sheet.as_deref()).to_string(),
        what: format!(
            "the row has no record id (column {:?} is empty); every contact needs one",
            layout.headers[layout.id_column]
        ),
    }
}

/// A row's text; not UTF-8 is refused with its line and offset in the file.
fn utf8<'r>(raw: &'r [u8], start: u64, line: u64, file: &str) -> Result<&'r str, ReadError> {
    // Most rows are ASCII, which is told 16 bytes at a time.
    if crate::format::bytes::all_ascii(raw) {
        // SAFETY: ASCII bytes are UTF-8.
        return Ok(unsafe { std::str::from_utf8_unchecked(raw) });
    }
    std::str::from_utf8(raw).map_err(|e| {
        let ok = &raw[..e.valid_up_to()];
        ReadError::NotUtf8 {
            file: file.into(),
            line: line + memchr::memchr_iter(b'\n', ok).count() as u64,
            offset: start + ok.len() as u64,
        }
    })
}

/// A row parsed in full.
pub(crate) fn contact(
    layout: &CsvLayout,
    raw: &[u8],
    line: u64,
    file: &str,
) -> Result<Contact, ReadError> {
    let text = utf8(raw, 0, line, file)?;
    let mut spans = Vec::with_capacity(layout.columns.len());
    split(raw, true, layout.delimiter, &mut spans);
    let cells = cells(text, &spans);
    contact_from_row(layout, &cells, line, file)
}

#[cfg(test)]
mod tests {
    use super::Ends;

    /// Every end, as [`Ends`] gives them one after the other.
    fn all_ends(b: &[u8], delimiter: u8) -> Vec<usize> {
        let mut ends = Ends::new(delimiter);
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(e) = ends.next(b, from) {
            out.push(e);
            from = e + 1;
        }
        out
    }

    /// Every end, as memchr finds them.
    fn memchr_ends(b: &[u8], delimiter: u8) -> Vec<usize> {
        memchr::memchr3_iter(delimiter, b'\r', b'\n', b).collect()
    }

    /// The search by chunks finds what memchr finds: each special byte at
    /// every place, in rows of every length up to past several chunks,
    /// among bytes that are not special (UTF-8 ones included), with other
    /// ends in the same chunk and the next, every end of a row one after
    /// the other.
    #[test]
    fn ends_are_memchr3() {
        let fillers: [&[u8]; 3] = [b"abcdefgh", "é€😀x".as_bytes(), b"\x0b\x0c\x00\x7f\x09 \"'"];
        for delimiter in [b',', b';', b'\t', b'|'] {
            for filler in fillers {
                for len in 0..80 {
                    let base: Vec<u8> = filler
                        .iter()
                        .copied()
                        .cycle()
                        .filter(|&c| c != delimiter && c != b'\r' && c != b'\n')
                        .take(len)
                        .collect();
                    assert_eq!(all_ends(&base, delimiter), memchr_ends(&base, delimiter));
                    for at in 0..len {
                        for special in [delimiter, b'\r', b'\n'] {
                            let mut b = base.clone();
                            b[at] = special;
                            for gap in [1, 3, 7, 8, 9, 15, 16, 17] {
                                if at + gap < len {
                                    b[at + gap] = delimiter;
                                }
                            }
                            assert_eq!(
                                all_ends(&b, delimiter),
                                memchr_ends(&b, delimiter),
                                "{b:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// A search may start past ends it has not given (after a quoted
    /// cell, whose delimiters are not ends): it gives the first end from
    /// there.
    #[test]
    fn a_search_from_further_on_skips_the_ends_before() {
        let b = b"a,b,\"c,d\",e,fghijklmnopqrstuvwxyz,0123456789012345678901234567890123456789,x";
        for skip_to in 0..b.len() {
            let mut ends = Ends::new(b',');
            let first = ends.next(b, 0);
            assert_eq!(first, Some(1));
            let from = skip_to.max(2);
            let want = memchr::memchr3(b',', b'\r', b'\n', &b[from..]).map(|k| from + k);
            assert_eq!(ends.next(b, from), want, "from {from}");
        }
    }
}
