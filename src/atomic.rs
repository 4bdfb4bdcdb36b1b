//! Atomic file writes: a temporary file in the target's folder, flushed to
//! disk, then renamed over the target. A reader (or a crash) sees the old
//! file or the new one, never half of one.
//!
//! A target that is a symbolic link stays one: the file it points at is
//! replaced. A target that is not a file (`/dev/null`, a named pipe, a
//! terminal) is written as it is: renaming over it would replace the device
//! with a file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Write `path` atomically with what `fill` writes. On any error the target
/// is left as it was and the temporary file is removed.
pub fn write_atomic<F>(path: &Path, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let mut tmp = TempFile::create(path)?;
    fill(tmp.writer())?;
    tmp.commit()
}

/// A file being written beside its target; [`TempFile::commit`] renames it
/// into place, dropping it uncommitted removes it. Several can be prepared
/// and committed together, so that a command's outputs appear only when
/// all of them are complete.
pub struct TempFile {
    target: PathBuf,
    /// `None` for a target written as it is (not a file).
    tmp: Option<PathBuf>,
    out: Option<BufWriter<File>>,
}

impl TempFile {
    /// A new temporary file in `target`'s folder (the folder of the file a
    /// symbolic link points at); or the target itself when it is not a file.
    pub fn create(target: &Path) -> io::Result<TempFile> {
        let out = |file| Some(BufWriter::with_capacity(1 << 20, file));
        if fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = OpenOptions::new().write(true).open(target)?;
            return Ok(TempFile {
                target: target.to_path_buf(),
                tmp: None,
                out: out(file),
            });
        }
        let target = match fs::symlink_metadata(target) {
            Ok(m) if m.file_type().is_symlink() => {
                fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf())
            }
            _ => target.to_path_buf(),
        };
        let (tmp, file) = create_temp(&target)?;
        Ok(TempFile {
            target,
            tmp: Some(tmp),
            out: out(file),
        })
    }

    /// Where to write.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.out
            .as_mut()
            .expect("a TempFile is written before it is committed")
    }

    /// Flush to disk and rename over the target (a target that is not a
    /// file is only flushed to).
    pub fn commit(mut self) -> io::Result<()> {
        let w = self.out.take().expect("committed once");
        let file = w.into_inner().map_err(|e| e.into_error())?;
        let Some(tmp) = &self.tmp else {
            return Ok(());
        };
        file.sync_all()?;
        drop(file);
        fs::rename(tmp, &self.target)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        self.out = None;
        if let Some(tmp) = &self.tmp {
            if tmp.exists() {
                let _ = fs::remove_file(tmp);
            }
        }
    }
}

fn create_temp(path: &Path) -> io::Result<(PathBuf, File)> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let pid = std::process::id();
    for attempt in 0..1000u32 {
        let tmp = dir.join(format!(".{name}.{pid}.{attempt}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "could not create a temporary file beside the target",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write_atomic(&p, |w| w.write_all(b"one")).unwrap();
        write_atomic(&p, |w| w.write_all(b"two")).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// `-o link.csv` replaces the file the link points at; the link stays.
    #[test]
    fn a_symbolic_link_stays_and_its_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        let link = dir.path().join("link.csv");
        fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, |w| w.write_all(b"new")).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// A named pipe (like `/dev/null` or a terminal, not a file) is written
    /// into, not replaced by a file.
    #[test]
    fn a_target_that_is_not_a_file_is_written_as_it_is() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("no mkfifo here: skipped");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        let written = write_atomic(&fifo, |w| w.write_all(b"through the pipe"));
        let still = fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo();
        assert!(still, "the pipe was replaced by a file");
        written.unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file"
        );
    }

    #[test]
    fn failure_leaves_the_old_file_and_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        fs::write(&p, b"old").unwrap();
        let err = write_atomic(&p, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(err.is_err());
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
