//! Interrupted by SIGINT (Ctrl-C), SIGTERM or SIGHUP (the terminal closed),
//! the tool removes its temporary files and leaves every target as it was
//! (SPEC 7), then dies of the signal, so that a shell sees what it expects:
//! status 128 + the signal's number, and a script's loop stops on Ctrl-C.
//!
//! The signals are received on a thread of their own (signal-hook), which
//! may take locks and remove files as a handler may not. The temporary
//! files are the ones [`crate::atomic`] lists; a commit under way finishes
//! first, so a target is the old file or the whole new one, never half.
//!
//! Once a command's results are in place ([`crate::atomic::commit_results`])
//! there is nothing left to undo: a first signal then lets the command end
//! as it would have (its summary, its exit status), and a second one stops
//! it at once.
//!
//! A signal ignored when the tool started stays ignored: `nohup` ignores
//! SIGHUP so that a run outlives the terminal, and a shell's background job
//! ignores SIGINT so that Ctrl-C is for the foreground one.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// A signal arrived (set by the handler itself, at once).
static ARRIVED: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
/// The signals thread has acted on the first signal.
static ACTED: AtomicBool = AtomicBool::new(false);
/// What a command that can be resumed says when a signal stops it.
static NOTE: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Say `note` on stderr should a signal stop the run (`pull` and `push`:
/// how to resume), after the progress bar is cleared.
pub fn on_interrupt(note: String) {
    *NOTE.lock().unwrap_or_else(|e| e.into_inner()) = Some(note);
}

/// Start handling the signals, for the rest of the process. Returns once
/// they are handled (any file created after that is cleaned up); if that
/// fails, they keep their default action, which leaves temporary files but
/// never a half-written target.
pub fn install() {
    let wanted: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
        .into_iter()
        .filter(|s| !ignored_at_start(*s))
        .collect();
    if wanted.is_empty() {
        return;
    }
    let (ready, handled) = std::sync::mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            // Registered here, so that if this thread could not start no
            // handler swallows a signal with nobody to act on it.
            let mut signals = match Signals::new(&wanted) {
                Ok(s) => s,
                Err(_) => return,
            };
            let arrived = ARRIVED.get_or_init(Default::default);
            for s in &wanted {
                let _ = signal_hook::flag::register(*s, Arc::clone(arrived));
            }
            let _ = ready.send(());
            let mut held = false;
            for signal in signals.forever() {
                // The results already in place: the run ends as it would
                // have (its summary, its exit status), so that a script
                // does not take written files for an interrupted run.
                // Interrupted again, it stops at once.
                let finished = crate::atomic::abandon_all(|removed| removed.is_none());
                if finished && !held {
                    held = true;
                    let _ = writeln!(
                        std::io::stderr(),
                        "interrupted after the results were written (they are whole): finishing; interrupt again to stop at once"
                    );
                    ACTED.store(true, Ordering::SeqCst);
                    continue;
                }
                // A progress bar drawn on a terminal is cleared, so that the
                // shell's prompt starts on a clean line.
                if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                    let _ = write!(std::io::stderr(), "\r\x1b[2K");
                }
                if let Some(note) = NOTE.lock().unwrap_or_else(|e| e.into_inner()).as_deref() {
                    let _ = writeln!(std::io::stderr(), "interrupted: {note}");
                }
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                // Not reached: the default action ends the process.
                std::process::exit(128 + signal)
            }
        });
    if thread.is_ok() {
        let _ = handled.recv();
    }
}

/// Before the process ends: a signal that arrived but that the signals
/// thread has not acted on yet is given time to be (at most a second), so
/// that a run interrupted once its results are written says so rather
/// than ending first; one that came earlier ends the process there.
pub fn settle() {
    let Some(arrived) = ARRIVED.get() else {
        return;
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while arrived.load(Ordering::SeqCst)
        && !ACTED.load(Ordering::SeqCst)
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// The signal's action is "ignore" (inherited from whoever started us).
fn ignored_at_start(signal: i32) -> bool {
    // SAFETY: with a null new action, sigaction only reads the current one
    // into `old`, a plain C struct for which all zeros is a valid value.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}
