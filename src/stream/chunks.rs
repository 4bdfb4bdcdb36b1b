//! The file read forward in large pieces, for the second pass.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

use super::output::Output;

pub(super) fn changed() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "the file changed while it was being read",
    )
}

/// The file read forward in large pieces: the second pass takes byte
/// ranges in file order, most of them one short record.
pub(super) struct Chunks {
    pub(super) file: File,
    pub(super) buf: Vec<u8>,
    /// The file offset of `buf[0]`, and how much of `buf` holds the file.
    pub(super) pos: u64,
    pub(super) filled: usize,
}

impl Chunks {
    pub(super) const SIZE: usize = 1 << 20;

    pub(super) fn new(file: File) -> Self {
        Chunks {
            file,
            buf: vec![0; Self::SIZE],
            pos: 0,
            filled: 0,
        }
    }

    /// Make the buffer hold the file from `from` (bytes before it are
    /// done with) up to `to`, or to its end.
    pub(super) fn fill(&mut self, from: u64, to: u64) -> io::Result<()> {
        if to <= self.pos + self.filled as u64 {
            return Ok(());
        }
        let done = (from.saturating_sub(self.pos) as usize).min(self.filled);
        self.buf.copy_within(done..self.filled, 0);
        self.filled -= done;
        self.pos += done as u64;
        if from > self.pos {
            // Never happens in file order; kept correct anyway.
            self.file.seek(SeekFrom::Start(from))?;
            (self.pos, self.filled) = (from, 0);
        }
        let need = (to - self.pos) as usize;
        if need > self.buf.len() {
            // A record longer than a piece.
            self.buf.resize(need, 0);
        }
        while self.filled < need {
            match self.file.read(&mut self.buf[self.filled..]) {
                Ok(0) => break,
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Hold the file from `from` up to `to`, read at once.
    pub(super) fn load(&mut self, from: u64, to: u64) -> io::Result<()> {
        let len = (to - from) as usize;
        if self.buf.len() < len {
            self.buf.resize(len, 0);
        }
        self.file.seek(SeekFrom::Start(from))?;
        (self.pos, self.filled) = (from, 0);
        self.file
            .read_exact(&mut self.buf[..len])
            .map_err(|e| match e.kind() {
                io::ErrorKind::UnexpectedEof => changed(),
                _ => e,
            })?;
        self.filled = len;
        Ok(())
    }

    /// The file's bytes from `from` up to `to`.
    pub(super) fn get(&mut self, from: u64, to: u64) -> io::Result<&[u8]> {
        self.fill(from, to)?;
        let (a, b) = ((from - self.pos) as usize, (to - self.pos) as usize);
        if b > self.filled {
            return Err(changed());
        }
        Ok(&self.buf[a..b])
    }

    /// Copy the file from `from` up to `to`.
    pub(super) fn copy(&mut self, mut from: u64, to: u64, out: &mut Output<'_>) -> io::Result<()> {
        // What the buffer holds goes from there; a long run beyond it is
        // copied by the kernel when the output is a file.
        let held = self.pos + self.filled as u64;
        if from >= self.pos && from < held {
            let step = to.min(held);
            out.write_all(self.get(from, step)?)?;
            from = step;
        }
        if from < to && out.copy_from(&mut self.file, from, to)? {
            // The file is read on from `to`.
            (self.pos, self.filled) = (to, 0);
            return Ok(());
        }
        while from < to {
            let step = to.min(from + Self::SIZE as u64);
            out.write_all(self.get(from, step)?)?;
            from = step;
        }
        Ok(())
    }

    /// Where the line breaks at `from` end.
    pub(super) fn skip_breaks(&mut self, mut from: u64) -> io::Result<u64> {
        loop {
            self.fill(from, from + 1)?;
            let rest = &self.buf[(from - self.pos) as usize..self.filled];
            let n = rest
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            from += n as u64;
            if n < rest.len() || rest.is_empty() {
                return Ok(from);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_cut_short_after_the_first_pass_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.csv");
        std::fs::write(&path, "abcdef").unwrap();
        let mut chunks = Chunks::new(File::open(&path).unwrap());
        chunks.load(1, 4).unwrap();
        assert_eq!(chunks.get(2, 4).unwrap(), b"cd");
        let changed = "the file changed while it was being read";
        assert_eq!(chunks.load(2, 10).unwrap_err().to_string(), changed);
        let mut chunks = Chunks::new(File::open(&path).unwrap());
        assert_eq!(chunks.get(0, 10).unwrap_err().to_string(), changed);
    }
}
