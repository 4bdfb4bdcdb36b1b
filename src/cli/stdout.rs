//! stdout as the commands write it, and what to do when the shell closed
//! it (`cmd >&-`).
//!
//! Rust's runtime opens /dev/null in place of a standard stream that is
//! closed when the program starts, before `main`: every write to stdout
//! would then "succeed" and `-o -` would say it wrote the contacts.
//! [`check_at_start`] runs before the runtime (the binary calls it from
//! its start-up section) and notes that stdout was closed; every write to
//! [`Stdout`] then fails, so a command that has something to write exits 1
//! with the reason, and one that writes nothing there is not affected.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static CLOSED_AT_START: AtomicBool = AtomicBool::new(false);

/// Note whether stdout (fd 1) is closed. For the binary's start-up
/// section, before Rust's runtime replaces a closed stdout by /dev/null;
/// anywhere later it sees that replacement and notes nothing.
pub extern "C" fn check_at_start() {
    #[cfg(unix)]
    {
        use std::ffi::c_int;
        extern "C" {
            fn fcntl(fd: c_int, cmd: c_int, ...) -> c_int;
        }
        // F_GETFD is 1 on every Unix.
        const F_GETFD: c_int = 1;
        // SAFETY: F_GETFD only reads the flags of a descriptor; it fails
        // (-1, EBADF) when fd 1 is not open.
        if unsafe { fcntl(1, F_GETFD) } == -1 {
            CLOSED_AT_START.store(true, Ordering::Relaxed);
        }
    }
}

/// stdout: the real one, or, when it was closed at start, one that fails
/// every write.
pub struct Stdout<W>(Option<W>);

impl<W: Write> Stdout<W> {
    pub fn new(stdout: W) -> Self {
        Stdout((!CLOSED_AT_START.load(Ordering::Relaxed)).then_some(stdout))
    }
}

/// Whether stdout was closed when the program started ([`check_at_start`]).
pub fn closed_at_start() -> bool {
    CLOSED_AT_START.load(Ordering::Relaxed)
}

/// Why a write to a stdout that was closed at start fails.
pub const CLOSED: &str =
    "stdout is closed (started with >&-); redirect it to a file, or to /dev/null to discard it";

/// Refuse, before its long work, a run that will write to a stdout closed
/// at start: "`run`: stdout is closed (...); `nothing` (`run` writes its
/// `what` there)". A report that cannot be written is known before the
/// first request, not after the last.
pub fn refuse_if_closed(run: &str, nothing: &str, what: &str) -> anyhow::Result<()> {
    if closed_at_start() {
        anyhow::bail!("{run}: {CLOSED}; {nothing} ({what})");
    }
    Ok(())
}

/// The error of a write to a stdout that was closed at start.
fn closed() -> io::Error {
    io::Error::other(CLOSED)
}

impl<W: Write> Write for Stdout<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.0 {
            Some(w) => w.write(buf),
            None if buf.is_empty() => Ok(0),
            None => Err(closed()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.0 {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}
