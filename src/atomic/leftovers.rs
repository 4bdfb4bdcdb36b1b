//! Temporary files a run killed outright left behind.

use std::io;
use std::path::Path;

/// The temporary files of `name` that a run killed outright (SIGKILL, the
/// out-of-memory killer, a power cut) left beside it: `.NAME.PID.N.tmp`
/// of a process that is gone. A signal the tool can catch removes its own;
/// these are removed by the next run that writes `name`, so that they do
/// not pile up (a journal's is a whole copy of the journal). A file whose
/// process still runs, or whose name is not exactly that, is left alone.
pub(super) fn remove_leftovers(dir: &Path, name: &str, ours: u32) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(rest) = file.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        let Some((pid, attempt)) = rest.strip_suffix(".tmp").and_then(|r| r.split_once('.')) else {
            continue;
        };
        let (Ok(pid), true) = (
            pid.parse::<u32>(),
            !attempt.is_empty() && attempt.bytes().all(|b| b.is_ascii_digit()),
        ) else {
            continue;
        };
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        if pid != ours && regular && !process_runs(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether a process of this id runs (or may: one of another user).
fn process_runs(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 sends nothing; kill only checks the process.
    if unsafe { libc::kill(pid, 0) } == 0 {
        return true;
    }
    io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_runs_temporary_file_goes_and_a_live_ones_or_anothers_stays() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, "x").unwrap();
            p
        };
        // A process that has ended.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let alive = std::process::id();
        let gone = file(&format!(".out.csv.{dead}.0.tmp"));
        let live = file(&format!(".out.csv.{alive}.3.tmp"));
        let other = file(&format!(".other.csv.{dead}.0.tmp"));
        let odd = file(&format!(".out.csv.{dead}.x.tmp"));
        let target = file("out.csv");
        remove_leftovers(dir.path(), "out.csv", 1);
        assert!(!gone.exists());
        for kept in [&live, &other, &odd, &target] {
            assert!(kept.exists(), "{}", kept.display());
        }
    }
}
