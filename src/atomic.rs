//! Atomic file writes: a temporary file in the target's folder, flushed to
//! disk, then renamed over the target. A reader (or a crash) sees the old
//! file or the new one, never half of one.
//!
//! A target that is a symbolic link stays one: the file it points at is
//! replaced. A target that is not a file (`/dev/null`, a named pipe, a
//! terminal) is written as it is: renaming over it would replace the device
//! with a file.
//!
//! Modes (SPEC 7): an output keeps the permission bits of the file it
//! replaces; a new one takes the mode its caller gives (the input's, so that
//! a private export does not become a world-readable output or journal),
//! never more open than the umask allows. The temporary file has that mode
//! from the moment it exists.
//!
//! Every temporary file of the process is listed in one place until it is
//! renamed or removed, so that a program interrupted by a signal can remove
//! them all ([`abandon_all`]) and leave every target as it was. The library
//! installs no signal handler: the command line does (`cli::signals`).

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

pub mod hold;
pub mod kept;
mod leftovers;
mod writeback;
use writeback::Writeback;

/// Write `path` atomically with what `fill` writes. On any error the target
/// is left as it was and the temporary file is removed.
pub fn write_atomic<F>(path: &Path, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    write_atomic_with_mode(path, None, fill)
}

/// [`write_atomic`], with the mode of a new target (see
/// [`TempFile::create_with_mode`]).
pub fn write_atomic_with_mode<F>(path: &Path, new_mode: Option<u32>, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let mut tmp = TempFile::create_with_mode(path, new_mode)?;
    fill(tmp.writer())?;
    tmp.commit()
}

/// [`write_atomic_with_mode`] for a command's result, its last file
/// ([`commit_results`]).
pub fn write_atomic_result<F>(path: &Path, new_mode: Option<u32>, fill: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let mut tmp = TempFile::create_with_mode(path, new_mode)?;
    fill(tmp.writer())?;
    commit_results([tmp]).map_err(|e| e.error)
}

/// The permission bits of a file, to give a new output the mode of its
/// input; `None` for anything but a file (`-` for stdin, a pipe, a path
/// that does not exist).
pub fn mode_of(path: &Path) -> Option<u32> {
    fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.permissions().mode() & 0o777)
}

/// A file being written beside its target; [`TempFile::commit`] renames it
/// into place, dropping it uncommitted removes it. Several can be prepared
/// and committed together ([`commit_all`]), so that a command's outputs
/// appear only when all of them are complete.
pub struct TempFile {
    target: PathBuf,
    /// `None` for a target written as it is (not a file), and once
    /// committed.
    tmp: Option<PathBuf>,
    out: Option<BufWriter<File>>,
    live: &'static Live,
    /// The written part handed to the disk as the file grows (a temporary
    /// file only).
    writeback: Option<Writeback>,
}

impl TempFile {
    /// A new temporary file in `target`'s folder (the folder of the file a
    /// symbolic link points at); or the target itself when it is not a file.
    /// An existing target's mode is kept; a new one gets the default mode
    /// (0666 less the umask).
    pub fn create(target: &Path) -> io::Result<TempFile> {
        TempFile::create_with_mode(target, None)
    }

    /// [`TempFile::create`], where a new target gets `new_mode` (permission
    /// bits, less the umask) instead of the default; an existing target's
    /// mode is kept as it is. Commands pass their input's mode
    /// ([`mode_of`]).
    pub fn create_with_mode(target: &Path, new_mode: Option<u32>) -> io::Result<TempFile> {
        TempFile::create_in(&LIVE, target, new_mode)
    }

    fn create_in(
        live: &'static Live,
        target: &Path,
        new_mode: Option<u32>,
    ) -> io::Result<TempFile> {
        let out = |file| Some(BufWriter::with_capacity(1 << 20, file));
        // Refused now rather than when the file is renamed over it, after
        // the work (and after a journal renamed before it).
        is_not_a_folder(target)?;
        is_not_write_protected(target)?;
        if fs::metadata(target).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = OpenOptions::new().write(true).open(target)?;
            return Ok(TempFile {
                target: target.to_path_buf(),
                tmp: None,
                out: out(file),
                live,
                writeback: None,
            });
        }
        let target = match fs::symlink_metadata(target) {
            Ok(m) if m.file_type().is_symlink() => link_target(target),
            _ => target.to_path_buf(),
        };
        let (tmp, file) = live.create(&target, new_mode)?;
        let writeback = Writeback::start(&file);
        Ok(TempFile {
            target,
            tmp: Some(tmp),
            out: out(file),
            live,
            writeback,
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
    pub fn commit(self) -> io::Result<()> {
        commit_all([self]).map_err(|e| e.error)
    }

    /// Written out and on disk, ready to be renamed.
    fn sync(&mut self) -> io::Result<()> {
        let w = self.out.take().expect("committed once");
        let file = w.into_inner().map_err(|e| e.into_error())?;
        self.writeback = None;
        if self.tmp.is_some() {
            file.sync_all()?;
        }
        Ok(())
    }
}

/// Why [`commit_all`] stopped: the file it could not write (its place in
/// the list, and its target). When it could not be written out, every
/// target is as it was; when it could not be renamed, the targets before
/// it were replaced and the others are as they were.
#[derive(Debug, thiserror::Error)]
#[error("{}: {error}", target.display())]
pub struct CommitError {
    pub index: usize,
    pub target: PathBuf,
    #[source]
    pub error: io::Error,
}

/// Commit several temporary files, in order, as one step as far as a
/// signal is concerned: each is first flushed to disk, then all are renamed
/// while no interruption can remove the rest ([`abandon_all`] waits), so an
/// interrupted command leaves either all of these targets or none of them
/// replaced. (A crash or a failed rename between two renames still leaves
/// the first ones replaced.)
pub fn commit_all(files: impl IntoIterator<Item = TempFile>) -> Result<(), CommitError> {
    commit(files, false)
}

/// [`commit_all`] for a command's results, the last files it writes: once
/// they are renamed, the command is done as far as its files go, and an
/// interruption after that finds it finished ([`abandon_all`]).
pub fn commit_results(files: impl IntoIterator<Item = TempFile>) -> Result<(), CommitError> {
    commit(files, true)
}

fn commit(files: impl IntoIterator<Item = TempFile>, results: bool) -> Result<(), CommitError> {
    let mut files: Vec<TempFile> = files.into_iter().collect();
    let failed = |index: usize, f: &TempFile, error| CommitError {
        index,
        target: f.target.clone(),
        error,
    };
    for (i, f) in files.iter_mut().enumerate() {
        f.sync().map_err(|e| failed(i, f, e))?;
    }
    // A target that became a folder meanwhile would fail its rename after
    // the ones before it were renamed: refused while none is.
    for (i, f) in files.iter().enumerate() {
        is_not_a_folder(&f.target).map_err(|e| failed(i, f, e))?;
    }
    let Some(live) = files.first().map(|f| f.live) else {
        return Ok(());
    };
    let mut list = live.lock();
    let mut folders: Vec<PathBuf> = Vec::new();
    for (i, f) in files.iter_mut().enumerate() {
        let Some(tmp) = &f.tmp else { continue };
        list.rename(tmp, &f.target).map_err(|e| failed(i, f, e))?;
        f.tmp = None;
        let folder = f.target.parent().unwrap_or(Path::new(""));
        if !folders.iter().any(|d| d == folder) {
            folders.push(folder.to_path_buf());
        }
    }
    list.finished |= results;
    drop(list);
    // The renames on disk too (a crash after this keeps the new files).
    // Best effort: some file systems cannot sync a folder.
    for folder in folders {
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &folder
        };
        if let Ok(d) = File::open(folder) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// The file a symbolic link names, through every link: where it is, or,
/// for a link to no file yet, where it would be made (as a shell's `>`
/// makes it: the link stays a link).
pub fn link_target(link: &Path) -> PathBuf {
    if let Ok(p) = fs::canonicalize(link) {
        return p;
    }
    let mut p = link.to_path_buf();
    // As many links as the system follows before it calls it a loop.
    for _ in 0..40 {
        match fs::read_link(&p) {
            Ok(next) => {
                p = match p.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                }
            }
            Err(_) => return p,
        }
    }
    link.to_path_buf()
}

/// Whether a file can be put at `target` as far as can be told before
/// writing it: not a folder, and its folder exists. For commands that
/// write their output only after long work, to refuse a bad path first.
pub fn check_target(target: &Path) -> io::Result<()> {
    is_not_a_folder(target)?;
    is_not_write_protected(target)?;
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !fs::metadata(folder).is_ok_and(|m| m.is_dir()) {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("its folder {} does not exist", folder.display()),
        ));
    }
    Ok(())
}

/// An error when `target` is a folder (or a link to one): a file cannot
/// be renamed over it.
fn is_not_a_folder(target: &Path) -> io::Result<()> {
    if fs::metadata(target).is_ok_and(|m| m.is_dir()) {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a folder; name a file (in it or elsewhere)",
        ));
    }
    Ok(())
}

/// An error when `target` is a file without write permission for anyone
/// (`chmod a-w`, as an audit log is kept): a rename would replace it
/// anyway, so the protection is honoured here, as `rm` asks first.
fn is_not_write_protected(target: &Path) -> io::Result<()> {
    match fs::metadata(target) {
        Ok(m) if m.is_file() && m.permissions().readonly() => Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "it is write-protected (mode {:o}), and the run would replace it: make it writable (chmod u+w) if it should change, or name another file",
                mode_bits(&m)
            ),
        )),
        _ => Ok(()),
    }
}

/// A file's permission bits, for messages.
fn mode_bits(m: &fs::Metadata) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        m.permissions().mode() & 0o7777
    }
    #[cfg(not(unix))]
    {
        if m.permissions().readonly() {
            0o444
        } else {
            0o666
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        self.writeback = None;
        self.out = None;
        if let Some(tmp) = self.tmp.take() {
            self.live.lock().remove(&tmp);
        }
    }
}

/// Interrupted: remove every temporary file of the process and run `then`
/// (which ends the process) while no other thread can create, commit or
/// remove one; from then on none can (the error is
/// [`io::ErrorKind::Interrupted`]). A commit under way finishes first, so
/// its targets are whole and new and its temporary files gone. For a
/// program's signal handling; the library installs none. `then` is given
/// the files removed.
///
/// A command whose results are in place ([`commit_results`]) is finished:
/// then nothing is abandoned and `then` is given `None`, so that the
/// program can let it end as it would have.
pub fn abandon_all<R>(then: impl FnOnce(Option<&[PathBuf]>) -> R) -> R {
    LIVE.abandon_all(then)
}

/// The temporary files of the process that are not yet renamed or removed.
static LIVE: Live = Live::new();

struct Live(Mutex<List>);

struct List {
    files: Vec<PathBuf>,
    /// Set by [`abandon_all`]: no more temporary files, no more commits.
    closed: bool,
    /// Set by [`commit_results`]: the command's results are in place.
    finished: bool,
}

impl Live {
    const fn new() -> Live {
        Live(Mutex::new(List {
            files: Vec::new(),
            closed: false,
            finished: false,
        }))
    }

    /// A panic elsewhere while the list was held leaves it usable.
    fn lock(&self) -> MutexGuard<'_, List> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new temporary file beside `target`, listed before anything can
    /// see it: with the mode of `target` when it is a file, else
    /// `new_mode` (less the umask), else 0666 (less the umask).
    fn create(&self, target: &Path, new_mode: Option<u32>) -> io::Result<(PathBuf, File)> {
        let kept = mode_of(target);
        let mode = kept.or(new_mode).unwrap_or(0o666) & 0o777;
        let mut list = self.lock();
        if list.closed {
            return Err(interrupted());
        }
        let (tmp, file) = create_temp(target, mode)?;
        list.files.push(tmp.clone());
        drop(list);
        if let Some(kept) = kept {
            // Exactly the old mode, whatever the umask took away at open.
            if let Err(e) = file.set_permissions(Permissions::from_mode(kept)) {
                self.lock().remove(&tmp);
                return Err(e);
            }
        }
        Ok((tmp, file))
    }

    fn abandon_all<R>(&self, then: impl FnOnce(Option<&[PathBuf]>) -> R) -> R {
        let mut list = self.lock();
        if list.finished {
            drop(list);
            return then(None);
        }
        list.closed = true;
        let files = std::mem::take(&mut list.files);
        for f in &files {
            let _ = fs::remove_file(f);
        }
        then(Some(&files))
    }
}

impl List {
    #[cfg(test)]
    fn listed_in(&self, dir: &Path) -> Vec<PathBuf> {
        self.files
            .iter()
            .filter(|f| f.starts_with(dir))
            .cloned()
            .collect()
    }

    fn rename(&mut self, tmp: &Path, target: &Path) -> io::Result<()> {
        if self.closed {
            return Err(interrupted());
        }
        fs::rename(tmp, target)?;
        self.files.retain(|f| f != tmp);
        Ok(())
    }

    fn remove(&mut self, tmp: &Path) {
        let _ = fs::remove_file(tmp);
        self.files.retain(|f| f != tmp);
    }
}

fn interrupted() -> io::Error {
    io::Error::new(
        io::ErrorKind::Interrupted,
        "interrupted: nothing more is written",
    )
}

fn create_temp(path: &Path, mode: u32) -> io::Result<(PathBuf, File)> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let pid = std::process::id();
    leftovers::remove_leftovers(&dir, &name, pid);
    for attempt in 0..1000u32 {
        let tmp = dir.join(format!(".{name}.{pid}.{attempt}.tmp"));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)
        {
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

    /// A link to no file yet makes that file, as `>` does; the link stays.
    #[test]
    fn a_dangling_link_makes_its_file_and_stays() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("sub/real.csv", &link).unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        write_atomic(&link, |w| w.write_all(b"new")).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read(dir.path().join("sub/real.csv")).unwrap(), b"new");
        // A loop of links is written over as the link it is.
        let a = dir.path().join("a");
        std::os::unix::fs::symlink("b", &a).unwrap();
        std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
        write_atomic(&a, |w| w.write_all(b"x")).unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"x");
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

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    fn chmod(p: &Path, mode: u32) {
        fs::set_permissions(p, Permissions::from_mode(mode)).unwrap();
    }

    /// Exactly the old mode, even bits a umask of 022 would take from a
    /// new file.
    #[test]
    fn a_replaced_file_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        for old in [0o600, 0o640, 0o664, 0o666] {
            let p = dir.path().join(format!("out-{old:o}.csv"));
            fs::write(&p, b"old").unwrap();
            chmod(&p, old);
            write_atomic(&p, |w| w.write_all(b"new")).unwrap();
            assert_eq!(fs::read(&p).unwrap(), b"new");
            assert_eq!(mode(&p), old, "{old:o}");
            write_atomic_with_mode(&p, Some(0o644), |w| w.write_all(b"newer")).unwrap();
            assert_eq!(mode(&p), old, "{old:o}, another mode given");
        }
    }

    /// Through a symbolic link, the mode of the file it points at.
    #[test]
    fn a_replaced_file_behind_a_link_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        let link = dir.path().join("link.csv");
        fs::write(&real, b"old").unwrap();
        chmod(&real, 0o600);
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, |w| w.write_all(b"new")).unwrap();
        assert_eq!(mode(&real), 0o600);
    }

    #[test]
    fn a_new_file_takes_the_mode_given() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("new.jsonl");
        write_atomic_with_mode(&p, Some(0o600), |w| w.write_all(b"x")).unwrap();
        assert_eq!(mode(&p), 0o600);
        assert_eq!(mode_of(&p), Some(0o600));
        assert_eq!(mode_of(&dir.path().join("missing")), None);
        assert_eq!(mode_of(dir.path()), None, "a folder is not a file");
    }

    /// The data is never readable by more people than the result will be,
    /// not even while it is written.
    #[test]
    fn the_temporary_file_has_the_final_mode_from_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.csv");
        fs::write(&old, b"old").unwrap();
        chmod(&old, 0o600);
        let new = dir.path().join("new.csv");
        for (target, given) in [(&old, Some(0o644)), (&new, Some(0o600))] {
            let mut t = TempFile::create_with_mode(target, given).unwrap();
            t.writer().write_all(b"personal data").unwrap();
            let tmp = t.tmp.clone().unwrap();
            assert_eq!(mode(&tmp), 0o600, "{}", target.display());
            drop(t);
            assert!(!tmp.exists());
        }
    }

    #[test]
    fn temporary_files_are_listed_until_renamed_or_removed() {
        let dir = tempfile::tempdir().unwrap();
        let listed = || LIVE.lock().listed_in(dir.path());
        let a = TempFile::create(&dir.path().join("a.csv")).unwrap();
        let b = TempFile::create(&dir.path().join("b.csv")).unwrap();
        let (ta, tb) = (a.tmp.clone().unwrap(), b.tmp.clone().unwrap());
        assert_eq!(listed(), vec![ta.clone(), tb.clone()]);
        a.commit().unwrap();
        assert_eq!(listed(), vec![tb.clone()]);
        drop(b);
        assert_eq!(listed(), Vec::<PathBuf>::new());
        assert!(!ta.exists() && !tb.exists());
        assert!(dir.path().join("a.csv").exists());
        assert!(!dir.path().join("b.csv").exists());
    }

    /// What a signal handler does: the temporary files go, the targets stay,
    /// and nothing is created or committed after.
    #[test]
    fn once_abandoned_nothing_is_written() {
        static ALONE: Live = Live::new();
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        fs::write(&target, b"old").unwrap();
        let mut t = TempFile::create_in(&ALONE, &target, None).unwrap();
        t.writer().write_all(b"half").unwrap();
        let tmp = t.tmp.clone().unwrap();
        let removed = ALONE.abandon_all(|files| files.unwrap().to_vec());
        assert_eq!(removed, vec![tmp.clone()]);
        assert!(!tmp.exists());
        let err = t.commit().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Interrupted);
        let err = TempFile::create_in(&ALONE, &target, None).err().unwrap();
        assert_eq!(err.kind(), io::ErrorKind::Interrupted);
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// Once a command's results are in place there is nothing to abandon:
    /// a signal then lets the command end (and files can still be made).
    /// Before, and after a plain commit, everything is abandoned as ever.
    #[test]
    fn after_the_results_are_committed_nothing_is_abandoned() {
        static RESULTS: Live = Live::new();
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let mut t = TempFile::create_in(&RESULTS, &target, None).unwrap();
        t.writer().write_all(b"new").unwrap();
        commit([t], false).unwrap();
        assert!(!RESULTS.lock().finished, "a plain commit finishes nothing");
        let mut t = TempFile::create_in(&RESULTS, &target, None).unwrap();
        t.writer().write_all(b"newer").unwrap();
        commit([t], true).unwrap();
        assert!(RESULTS.abandon_all(|removed| removed.is_none()));
        assert!(TempFile::create_in(&RESULTS, &target, None).is_ok());
        assert_eq!(fs::read(&target).unwrap(), b"newer");
    }

    #[test]
    fn commit_all_replaces_every_target() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::write(&a, b"old").unwrap();
        let files = [&a, &b].map(|p| {
            let mut t = TempFile::create(p).unwrap();
            t.writer().write_all(b"new").unwrap();
            t
        });
        commit_all(files).unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"new");
        assert_eq!(fs::read(&b).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// A target that became a folder after its file was begun is found
    /// before any rename: no target is replaced (the journal renamed first
    /// used to be), and the temporary files are removed.
    #[test]
    fn commit_all_renames_nothing_over_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (a, folder, c) = (
            dir.path().join("a"),
            dir.path().join("folder"),
            dir.path().join("c"),
        );
        fs::write(&c, b"old").unwrap();
        let files = [&a, &folder, &c].map(|p| TempFile::create(p).unwrap());
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("inside"), b"").unwrap();
        let err = commit_all(files).unwrap_err();
        assert_eq!(err.index, 1);
        assert_eq!(err.target, folder);
        assert_eq!(err.error.kind(), io::ErrorKind::IsADirectory);
        assert!(!a.exists());
        assert_eq!(fs::read(&c).unwrap(), b"old");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            2,
            "no temporary file"
        );
    }

    #[test]
    fn a_folder_is_no_target() {
        let dir = tempfile::tempdir().unwrap();
        let err = TempFile::create(dir.path()).err().expect("refused");
        assert_eq!(err.kind(), io::ErrorKind::IsADirectory);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
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
