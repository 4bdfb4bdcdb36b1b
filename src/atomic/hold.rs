//! One run at a time over a file replaced in place (`--in-place`): two
//! runs that both read the export, change it and rename their result over
//! it would each succeed, and the export would keep only one's changes
//! (found by an independent review: both exited 0). A run holds an
//! exclusive `flock(2)` on the export from before it reads it until it
//! ends; a second run is refused at once.

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The export held for this run (released when dropped, or however the
/// process ends).
#[derive(Debug)]
pub struct Held(#[allow(dead_code)] File);

#[derive(Debug, thiserror::Error)]
pub enum HoldError {
    #[error(
        "{} is being replaced by another run right now (--in-place, or a run writing over \
         it); two runs over one file at once would each keep only its own changes: run this \
         one again once the other is done",
        .0.display()
    )]
    Busy(PathBuf),
    #[error("cannot open {} to hold it while it is replaced: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Hold `path` for a run that replaces it. The file a run renames over
/// the path is a new one: after locking, the path must still name the
/// file locked, else the run that held it has just replaced it and the
/// new one is locked instead (a few times, then it is busy).
pub fn hold_for_replacing(path: &Path) -> Result<Held, HoldError> {
    let open = |source| HoldError::Open {
        path: path.to_path_buf(),
        source,
    };
    for _ in 0..8 {
        let file = File::open(path).map_err(open)?;
        if !crate::portal::lock::try_lock(&file, false).map_err(open)? {
            return Err(HoldError::Busy(path.to_path_buf()));
        }
        let (held, named) = (file.metadata().map_err(open)?, std::fs::metadata(path));
        match named {
            Ok(now) if (now.dev(), now.ino()) == (held.dev(), held.ino()) => return Ok(Held(file)),
            Ok(_) => continue,
            Err(e) => return Err(open(e)),
        }
    }
    Err(HoldError::Busy(path.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_held_is_busy_for_another_run_until_released() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.csv");
        std::fs::write(&path, "Record ID\n1\n").unwrap();
        let held = hold_for_replacing(&path).unwrap();
        assert!(matches!(hold_for_replacing(&path), Err(HoldError::Busy(_))));
        drop(held);
        assert!(hold_for_replacing(&path).is_ok());
    }

    #[test]
    fn a_file_replaced_since_it_was_opened_is_held_as_it_is_now() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.csv");
        std::fs::write(&path, "old").unwrap();
        let old = File::open(&path).unwrap();
        // Another run's rename put a new file there.
        let new = dir.path().join("new");
        std::fs::write(&new, "new").unwrap();
        std::fs::rename(&new, &path).unwrap();
        let held = hold_for_replacing(&path).unwrap();
        assert_eq!(
            held.0.metadata().unwrap().ino(),
            std::fs::metadata(&path).unwrap().ino()
        );
        drop(old);
    }
}
