//! UTF-8 checked across reads, for the CSV scan.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// A reader that refuses bytes that are not UTF-8, as the in-memory reader
/// refuses the whole file for them. The csv crate checks only the fields it
/// makes, and quotes can join the halves of a bad sequence into a good one
/// (`"\xC4"\x90` is the field `Đ`).
pub(super) struct Utf8Checked<R> {
    pub(super) inner: R,
    /// The start of a character the last read ended inside.
    pub(super) carry: [u8; 4],
    pub(super) carry_len: usize,
    pub(super) failed: Rc<Cell<bool>>,
}

impl<R> Utf8Checked<R> {
    pub(super) fn new(inner: R, failed: Rc<Cell<bool>>) -> Self {
        Utf8Checked {
            inner,
            carry: [0; 4],
            carry_len: 0,
            failed,
        }
    }

    pub(super) fn fail(&self) -> io::Error {
        self.failed.set(true);
        io::Error::new(io::ErrorKind::InvalidData, "the file is not valid UTF-8")
    }
}

impl<R: Read> Read for Utf8Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            // The file ends inside a character.
            return if self.carry_len > 0 {
                Err(self.fail())
            } else {
                Ok(0)
            };
        }
        let mut start = 0;
        // First finish the character the last read ended inside.
        while self.carry_len > 0 {
            if start == n {
                return Ok(n);
            }
            self.carry[self.carry_len] = buf[start];
            self.carry_len += 1;
            start += 1;
            match std::str::from_utf8(&self.carry[..self.carry_len]) {
                Ok(_) => self.carry_len = 0,
                Err(e) if e.error_len().is_none() && self.carry_len < 4 => {}
                Err(_) => return Err(self.fail()),
            }
        }
        match std::str::from_utf8(&buf[start..n]) {
            Ok(_) => {}
            // A character cut by the end of this read.
            Err(e) if e.error_len().is_none() => {
                let valid = start + e.valid_up_to();
                self.carry_len = n - valid;
                self.carry[..self.carry_len].copy_from_slice(&buf[valid..n]);
            }
            Err(_) => return Err(self.fail()),
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `bytes` through [`Utf8Checked`], `chunk` bytes at a time.
    fn read_checked(bytes: &[u8], chunk: usize) -> io::Result<Vec<u8>> {
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let failed = Rc::new(Cell::new(false));
        let mut r = Utf8Checked::new(Chunks(bytes, chunk), failed.clone());
        let mut out = Vec::new();
        let got = r.read_to_end(&mut out);
        assert_eq!(failed.get(), got.is_err());
        got.map(|_| out)
    }

    #[test]
    fn utf8_is_checked_across_reads() {
        let good = "Record ID,Name\n1,Łukasz Đorđe 😀 naïve\n".as_bytes();
        for chunk in 1..8 {
            assert_eq!(read_checked(good, chunk).unwrap(), good, "{chunk}");
        }
        for bad in [
            &b"1,\"\xC4\"\x90\n"[..],
            b"1,\xFF\n",
            b"1,\xC4",
            b"1,\xF0\x9F\x98",
            b"\xE2\x82",
        ] {
            for chunk in 1..8 {
                assert!(read_checked(bad, chunk).is_err(), "{bad:?} {chunk}");
            }
        }
    }
}
