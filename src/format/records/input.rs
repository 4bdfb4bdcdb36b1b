//! The bytes of an input read a piece at a time: a window onto the file
//! that grows while a record does not fit and drops what is behind.

use std::io::{self, Read};

use crate::format::ReadError;

/// How much is read at a time.
const CHUNK: usize = 1 << 20;

/// A window onto an input. Places are file offsets (`u64`); the window
/// holds `base..base + len`.
pub(crate) struct Input<R> {
    src: R,
    buf: Vec<u8>,
    /// Bytes of `buf` that hold data.
    len: usize,
    /// The input has no more bytes.
    pub(crate) eof: bool,
    /// The file offset of `buf[0]`.
    base: u64,
    /// Count newlines in the bytes dropped (JSON documents, whose
    /// messages give a line).
    count_lines: bool,
    /// Newlines before `base`.
    lines: u64,
    /// The offset of the last newline before `base`.
    last_nl: Option<u64>,
}

impl<R: Read> Input<R> {
    pub(crate) fn new(src: R, count_lines: bool) -> Self {
        Input {
            src,
            buf: Vec::new(),
            len: 0,
            eof: false,
            base: 0,
            count_lines,
            lines: 0,
            last_nl: None,
        }
    }

    /// Read the whole source, an XLSX workbook, and hold the CSV text
    /// of its first sheet in its place ([`crate::format::xlsx::to_csv`]);
    /// gives the sheet's name. Places are then offsets in that text.
    pub(crate) fn load_workbook(
        &mut self,
        file: &str,
    ) -> Result<crate::format::xlsx::Sheets, ReadError> {
        let mut bytes = Vec::new();
        self.src
            .read_to_end(&mut bytes)
            .map_err(|err| ReadError::Io {
                file: file.into(),
                err,
            })?;
        let (text, sheet) = crate::format::xlsx::to_csv(&bytes, file)?;
        self.len = text.len();
        self.buf = text;
        self.base = 0;
        self.eof = true;
        Ok(sheet)
    }

    /// The offset just past the bytes held.
    pub(crate) fn end(&self) -> u64 {
        self.base + self.len as u64
    }

    /// The bytes held from `from` on (`from` must still be held).
    pub(crate) fn from(&self, from: u64) -> &[u8] {
        &self.buf[(from - self.base) as usize..self.len]
    }

    /// The bytes `range` (still held).
    pub(crate) fn slice(&self, from: u64, to: u64) -> &[u8] {
        &self.buf[(from - self.base) as usize..(to - self.base) as usize]
    }

    /// Read more, dropping the bytes before `keep`. `Ok(false)` at the
    /// end of the input.
    pub(crate) fn more(&mut self, keep: u64) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let drop = ((keep.max(self.base) - self.base) as usize).min(self.len);
        if drop > 0 {
            if self.count_lines {
                let gone = &self.buf[..drop];
                self.lines += memchr::memchr_iter(b'\n', gone).count() as u64;
                if let Some(p) = memchr::memrchr(b'\n', gone) {
                    self.last_nl = Some(self.base + p as u64);
                }
            }
            self.buf.copy_within(drop..self.len, 0);
            self.len -= drop;
            self.base += drop as u64;
        }
        if self.buf.len() - self.len < CHUNK {
            let grow = CHUNK.max(self.len);
            self.buf.resize(self.len + grow, 0);
        }
        loop {
            match self.src.read(&mut self.buf[self.len..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.len += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Read until at least `n` bytes from `from` are held, or the input
    /// ends. Gives whether they are.
    pub(crate) fn want(&mut self, from: u64, n: usize, keep: u64) -> io::Result<bool> {
        while self.end() < from + n as u64 {
            if !self.more(keep.min(from))? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The offset of the first byte from `from` on (to the end of the
    /// input) that is not UTF-8, if any: reads the rest of the input.
    pub(crate) fn first_bad_utf8(&mut self, mut from: u64) -> io::Result<Option<u64>> {
        loop {
            match std::str::from_utf8(self.from(from)) {
                Err(e) if e.error_len().is_some() || self.eof => {
                    return Ok(Some(from + e.valid_up_to() as u64))
                }
                Err(e) => from += e.valid_up_to() as u64,
                Ok(_) if self.eof => return Ok(None),
                Ok(_) => from = self.end(),
            }
            if !self.more(from)? {
                // The last bytes came with the end: check them once more.
                if let Err(e) = std::str::from_utf8(self.from(from)) {
                    return Ok(Some(from + e.valid_up_to() as u64));
                }
                return Ok(None);
            }
        }
    }

    /// The line (from 1) and column (bytes from the line's start, or
    /// from `text_start` on the first line) of offset `at`, as
    /// serde_json counts them. `at` must still be held, or be the end.
    pub(crate) fn line_col(&self, at: u64, text_start: u64) -> (u64, u64) {
        let held = &self.buf[..(at - self.base) as usize];
        let line = 1 + self.lines + memchr::memchr_iter(b'\n', held).count() as u64;
        let last = memchr::memrchr(b'\n', held)
            .map(|p| self.base + p as u64)
            .or(self.last_nl);
        let col = match last {
            Some(nl) => at - nl - 1,
            None => at - text_start,
        };
        (line, col)
    }
}
