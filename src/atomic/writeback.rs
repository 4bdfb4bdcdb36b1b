//! Writing a temporary file out to disk while it is being written, so that
//! the flush before the rename has little left to do.
//!
//! The kernel keeps what a process writes in memory and, on a machine with
//! plenty of it, starts writing a file of a few hundred megabytes to disk
//! only when asked. The flush [`super::TempFile::commit`] needs before its
//! rename would then write the whole output after the command's work is
//! done: on a disk that writes 300 MB/s, three more seconds for a 1 GB
//! export. A thread beside the writer asks the kernel, every
//! [`INTERVAL`], to start writing what is already written
//! (`sync_file_range` on Linux), so the disk works while the command does.
//! The flush and the rename are unchanged: this only moves the disk's work
//! earlier. Elsewhere than Linux it does nothing.

use std::fs::File;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the written part is handed to the disk.
pub const INTERVAL: Duration = Duration::from_millis(100);

/// The thread handing a file's written part to the disk; it stops when
/// dropped.
pub struct Writeback {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Writeback {
    /// Start handing `file`'s written part to the disk (a second handle on
    /// it is kept); `None` where that cannot be done (not Linux, no handle,
    /// no thread), which only means the flush does it all.
    pub fn start(file: &File) -> Option<Writeback> {
        if !cfg!(target_os = "linux") {
            return None;
        }
        let file = file.try_clone().ok()?;
        let (tx, rx) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("writeback".into())
            .spawn(move || loop {
                match rx.recv_timeout(INTERVAL) {
                    Err(RecvTimeoutError::Timeout) => start_writing(&file),
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                }
            })
            .ok()?;
        Some(Writeback {
            stop: Some(tx),
            thread: Some(thread),
        })
    }
}

impl Drop for Writeback {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Ask the kernel to start writing every page of `file` written so far
/// and not yet on its way to the disk; it does not wait for them. A
/// failure is left to the flush, which reports it.
#[cfg(target_os = "linux")]
fn start_writing(file: &File) {
    use std::os::fd::AsRawFd;
    // SAFETY: the descriptor is open (this thread owns a handle on it);
    // offset 0 and length 0 mean the whole file; the call reads no memory
    // of this process.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writing(_file: &File) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_file_written_beside_the_thread_is_whole_and_the_thread_stops() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let mut file = File::create(&path).unwrap();
        let wb = Writeback::start(&file);
        assert_eq!(wb.is_some(), cfg!(target_os = "linux"));
        let block = vec![b'x'; 1 << 16];
        for _ in 0..64 {
            file.write_all(&block).unwrap();
        }
        std::thread::sleep(INTERVAL * 2);
        drop(wb);
        file.sync_all().unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 64 << 16);
    }
}
