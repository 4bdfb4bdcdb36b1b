//! Merged contacts' JSON, kept in a temporary file rather than in memory
//! until the second pass writes them (a merged contact of a real export
//! is a kilobyte or two; a plan merges a tenth of a portal).
//!
//! The file is made in the temporary directory (`TMPDIR`) and unlinked at
//! once, so that nothing is left behind whatever happens to the run. When
//! it cannot be made or written, the bytes stay in memory.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes kept: in memory, or where they are in the spill file.
pub(super) enum Kept {
    Mem(Vec<u8>),
    At(u64, u32),
}

/// The spill file, written in order and read at places.
pub(super) struct Spill {
    /// `None` once it cannot be made or written: bytes then stay in memory.
    out: Option<BufWriter<File>>,
    len: u64,
    /// Whether bytes are spilled at all ([`Tuning::spill`](super::Tuning)).
    on: bool,
}

impl Spill {
    pub(super) fn new(on: bool) -> Self {
        Spill {
            out: None,
            len: 0,
            on,
        }
    }

    /// Keep `bytes`: in the file when it takes them.
    pub(super) fn keep(&mut self, bytes: Vec<u8>) -> Kept {
        if !self.on || bytes.len() > u32::MAX as usize {
            return Kept::Mem(bytes);
        }
        if self.out.is_none() {
            match unlinked_temp_file() {
                Ok(f) => self.out = Some(BufWriter::with_capacity(1 << 20, f)),
                Err(_) => self.on = false,
            }
        }
        let Some(out) = self.out.as_mut() else {
            return Kept::Mem(bytes);
        };
        match out.write_all(&bytes) {
            Ok(()) => {
                let at = self.len;
                self.len += bytes.len() as u64;
                Kept::At(at, bytes.len() as u32)
            }
            Err(_) => {
                // What was written before stays readable; nothing more is.
                self.on = false;
                Kept::Mem(bytes)
            }
        }
    }

    /// Kept bytes, appended to `to`.
    pub(super) fn read(&mut self, kept: &Kept, to: &mut Vec<u8>) -> io::Result<()> {
        match kept {
            Kept::Mem(b) => to.extend_from_slice(b),
            &Kept::At(at, len) => {
                let out = self.out.as_mut().expect("spilled bytes have a file");
                out.flush()?;
                read_at(out.get_ref(), at, len, to)?;
            }
        }
        Ok(())
    }

    /// The file, to read the kept bytes from once every one is written.
    pub(super) fn finish(self) -> io::Result<Option<File>> {
        self.out
            .map(|w| w.into_inner().map_err(io::IntoInnerError::into_error))
            .transpose()
    }
}

/// Bytes `at`, `len` of `file` appended to `to`.
pub(super) fn read_at(file: &File, at: u64, len: u32, to: &mut Vec<u8>) -> io::Result<()> {
    let start = to.len();
    to.resize(start + len as usize, 0);
    file.read_exact_at(&mut to[start..], at)
}

fn unlinked_temp_file() -> io::Result<File> {
    static MADE: AtomicUsize = AtomicUsize::new(0);
    let n = MADE.fetch_add(1, Ordering::Relaxed);
    let path =
        std::env::temp_dir().join(format!(".contact-merge-{}-{n}.spill", std::process::id()));
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)?;
    std::fs::remove_file(&path)?;
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_come_back_as_kept_in_the_file_or_in_memory() {
        for on in [false, true] {
            let mut spill = Spill::new(on);
            let kept: Vec<Kept> = (0..50u8).map(|k| spill.keep(vec![k; k as usize])).collect();
            assert_eq!(matches!(kept[3], Kept::At(..)), on);
            let mut back = Vec::new();
            // Read while still written, then once finished.
            spill.read(&kept[7], &mut back).unwrap();
            assert_eq!(back, vec![7; 7]);
            let file = spill.finish().unwrap();
            assert_eq!(file.is_some(), on);
            for (k, kept) in kept.iter().enumerate() {
                back.clear();
                match kept {
                    Kept::Mem(b) => back.extend_from_slice(b),
                    &Kept::At(at, len) => {
                        read_at(file.as_ref().unwrap(), at, len, &mut back).unwrap()
                    }
                }
                assert_eq!(back, vec![k as u8; k]);
            }
        }
    }
}
