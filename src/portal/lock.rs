//! The one file lock of the portal commands: `flock(2)` on an open file,
//! held while the file (every descriptor of its open description) stays
//! open, released by the kernel however the process ends (no lock file to
//! clean up). `push` locks its log with it, `pull` its part file.

use std::fs::File;

/// Try to lock `file` (shared: to read only) without waiting: `Ok(false)`
/// when another open file holds it. `flock(2)`, as `File::try_lock` does
/// on Unix, called directly: that method needs Rust 1.89, past this
/// crate's `rust-version`.
pub(crate) fn try_lock(file: &File, shared: bool) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd;
    let how = if shared { libc::LOCK_SH } else { libc::LOCK_EX };
    // SAFETY: flock only locks the open file behind a descriptor this
    // `File` owns and keeps open for the call; no memory is passed.
    if unsafe { libc::flock(file.as_raw_fd(), how | libc::LOCK_NB) } == 0 {
        return Ok(true);
    }
    match std::io::Error::last_os_error() {
        e if e.kind() == std::io::ErrorKind::WouldBlock => Ok(false),
        e => Err(e),
    }
}
