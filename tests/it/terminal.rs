//! The binary in a terminal, as people run it: under a pseudo-terminal
//! (rexpect) that is its controlling terminal, so stdout and stderr are a
//! terminal (progress bars, colour, the table's width) and Ctrl-C is SIGINT.
//! Until this harness, no test ran the tool in a terminal, and `apply` hung
//! in every one as soon as its progress bar showed (issue 16).
//!
//! Timeouts here only guard against a hang (a minute, where a run takes a
//! second or two); nothing asserts how fast anything is.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use contact_merge::format::{self, Format};
use contact_merge::gen::{generate, plan_csv, to_csv_export, GenOptions};
use rexpect::process::{Signal, WaitStatus};
use rexpect::session::{spawn_with_options, Options, PtySession};

use crate::util::Sandbox;

pub use crate::util::HANG_GUARD;

/// The binary running in a pseudo-terminal of its own.
pub struct Pty {
    session: PtySession,
    /// Set once the process has been reaped.
    ended: Option<WaitStatus>,
}

/// What a run showed on its terminal (stdout and stderr together, as a
/// screen gets them) and how it ended.
pub struct Screen {
    pub text: String,
    pub status: WaitStatus,
}

impl Pty {
    /// `contact-merge ARGS` in the sandbox folder, in a new terminal, with
    /// the environment of a person's shell (TERM set, NO_COLOR not) and
    /// SIGINT, SIGTERM and SIGHUP at their default action, whatever the
    /// test runner was started with.
    pub fn spawn(sb: &Sandbox, args: &[&str]) -> Pty {
        Pty::start(sb, command(args), &[])
    }

    /// [`Pty::spawn`] with these variables in its environment too (the
    /// token `pull` and `push` read).
    pub fn spawn_with_env(sb: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Pty {
        Pty::start_env(sb, command(args), &[], env)
    }

    /// [`Pty::spawn`] with these signals ignored, as `nohup` (SIGHUP) or a
    /// shell's background job (SIGINT) starts a program.
    pub fn spawn_ignoring(sb: &Sandbox, args: &[&str], ignored: &[i32]) -> Pty {
        Pty::start(sb, command(args), ignored)
    }

    /// [`Pty::spawn`] with stderr sent to the file `err` in the sandbox
    /// (`2> err` typed in a terminal): stdout is still the terminal.
    pub fn spawn_stderr_to(sb: &Sandbox, err: &str, args: &[&str]) -> Pty {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!("exec \"$0\" \"$@\" 2>{err}"))
            .arg(bin())
            .args(args);
        Pty::start(sb, c, &[])
    }

    /// [`Pty::spawn`] in a terminal `cols` columns wide (a new pseudo-
    /// terminal says 0 until someone sizes it, as `stty` does here).
    pub fn spawn_sized(sb: &Sandbox, cols: u16, args: &[&str]) -> Pty {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!("stty cols {cols} rows 24 && exec \"$0\" \"$@\""))
            .arg(bin())
            .args(args);
        Pty::start(sb, c, &[])
    }

    fn start(sb: &Sandbox, cmd: Command, ignored: &[i32]) -> Pty {
        Pty::start_env(sb, cmd, ignored, &[])
    }

    fn start_env(sb: &Sandbox, mut cmd: Command, ignored: &[i32], env: &[(&str, &str)]) -> Pty {
        cmd.current_dir(sb.dir.path())
            .env_clear()
            .env("TZ", "UTC")
            .env("TERM", "xterm-256color")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(env.iter().copied());
        let ignored = ignored.to_vec();
        // SAFETY: runs in the child between fork and exec; signal(2) is
        // async-signal-safe and nothing here allocates.
        unsafe {
            cmd.pre_exec(move || {
                for s in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                    let action = if ignored.contains(&s) {
                        libc::SIG_IGN
                    } else {
                        libc::SIG_DFL
                    };
                    libc::signal(s, action);
                }
                Ok(())
            });
        }
        let guard = u64::try_from(HANG_GUARD.as_millis()).unwrap();
        let session = spawn_with_options(cmd, Options::new().timeout_ms(Some(guard)))
            .expect("a pseudo-terminal");
        Pty {
            session,
            ended: None,
        }
    }

    /// Ctrl-C, typed at the terminal. (A process that has just ended may
    /// have closed it: what it left is for the test to judge.)
    pub fn ctrl_c(&mut self) {
        let _ = self.session.send_control('c');
    }

    /// Wait until the terminal has shown `text` (what came before it is
    /// consumed); a run that never shows it within [`HANG_GUARD`] fails.
    pub fn wait_for(&mut self, text: &str) {
        if let Err(e) = self.session.exp_string(text) {
            panic!("{text:?} never showed on the terminal: {e}");
        }
    }

    /// Send `signal` to the process.
    pub fn signal(&mut self, signal: Signal) {
        self.session.process_mut().signal(signal).unwrap();
    }

    /// The process has ended (reaping it).
    pub fn has_ended(&mut self) -> bool {
        if self.ended.is_none() {
            match self.session.process().status() {
                Some(WaitStatus::StillAlive) | None => {}
                Some(s) => self.ended = Some(s),
            }
        }
        self.ended.is_some()
    }

    /// Everything it shows until it ends, and how it ended; a run still
    /// going after [`HANG_GUARD`] fails the test as hung.
    pub fn finish(mut self) -> Screen {
        let read = self.session.exp_eof();
        let text = match read {
            Ok(text) => from_pty(&text),
            Err(e) => panic!(
                "no end after {} s: the run hung in the terminal ({e})",
                HANG_GUARD.as_secs()
            ),
        };
        let status = match self.ended {
            Some(s) => s,
            None => self.session.process().wait().unwrap(),
        };
        Screen { text, status }
    }
}

/// rexpect hands each byte over as a char (Latin-1); the screen's text is
/// UTF-8.
fn from_pty(text: &str) -> String {
    let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("contact-merge")
}

fn command(args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.args(args);
    c
}

/// The temporary files in a folder (`.NAME.PID.N.tmp`, `src/atomic.rs`),
/// with their sizes.
pub fn temp_files(dir: &Path) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().to_string_lossy().into_owned();
            (name.starts_with('.') && name.ends_with(".tmp"))
                .then(|| (name, e.metadata().map_or(0, |m| m.len())))
        })
        .collect();
    v.sort();
    v
}

/// Wait until `ready` holds for the folder's temporary files; false if
/// the process ended first. A run that gets nowhere for [`HANG_GUARD`]
/// fails the test.
pub fn wait_for_temp_files(
    pty: &mut Pty,
    dir: &Path,
    ready: impl Fn(&[(String, u64)]) -> bool,
) -> bool {
    let deadline = Instant::now() + HANG_GUARD;
    loop {
        if ready(&temp_files(dir)) {
            return true;
        }
        if pty.has_ended() {
            return false;
        }
        assert!(
            Instant::now() < deadline,
            "the temporary files are not there after {} s: {:?}",
            HANG_GUARD.as_secs(),
            temp_files(dir)
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// A generated export big enough for a progress bar (thousands of pairs),
/// as HubSpot CSV, with its plan; made once.
pub struct Big {
    pub csv: Vec<u8>,
    pub plan: String,
    pub pairs: usize,
    /// Contacts in the result of the plan.
    pub merged: usize,
}

pub fn big() -> &'static Big {
    static BIG: OnceLock<Big> = OnceLock::new();
    BIG.get_or_init(|| {
        let g = generate(&GenOptions {
            contacts: 12_000,
            duplicate_rate: 0.2,
            seed: 16,
        });
        Big {
            csv: format::write_to_vec(&to_csv_export(&g), Format::Csv),
            plan: plan_csv(&g.pairs),
            pairs: g.pairs.len(),
            merged: g.export.contacts.len() - g.pairs.len(),
        }
    })
}

/// One big run at a time: on a small machine two would only slow each
/// other down.
pub fn one_at_a_time() -> MutexGuard<'static, ()> {
    static ONE: Mutex<()> = Mutex::new(());
    ONE.lock().unwrap_or_else(|p| p.into_inner())
}

#[test]
fn apply_with_thousands_of_pairs_finishes_in_a_terminal_and_shows_progress() {
    let _one = one_at_a_time();
    let big = big();
    assert!(
        big.pairs >= 2000,
        "{} pairs: too few for a progress bar",
        big.pairs
    );
    let sb = Sandbox::new();
    sb.write("big.csv", &big.csv);
    sb.write("plan.csv", &big.plan);
    // CSV into CSV is streamed; into JSON, applied in memory: both show
    // the bar.
    for output in ["out.csv", "out.json"] {
        let args = ["apply", "big.csv", "--plan", "plan.csv", "-o", output];
        let screen = Pty::spawn(&sb, &args).finish();
        assert!(
            matches!(screen.status, WaitStatus::Exited(_, 0)),
            "{output}: {:?} {}",
            screen.status,
            screen.text
        );
        let bar = format!("/{} pairs", big.pairs);
        assert!(
            screen.text.contains(&bar),
            "{output}: no progress bar ({bar}) on the terminal: {}",
            screen.text
        );
        assert!(
            screen
                .text
                .contains(&format!("applied {0} of {0} pairs", big.pairs)),
            "{output}: {}",
            screen.text
        );
        let format = if output.ends_with(".csv") {
            Format::Csv
        } else {
            Format::Json
        };
        let out = format::read_bytes(&sb.read(output), format, output).unwrap();
        assert_eq!(out.contacts.len(), big.merged, "{output}");
        assert!(temp_files(sb.dir.path()).is_empty());
    }
}

/// With `-o -` the export scrolls on the terminal: a bar drawn over it would
/// land in the middle of its records (it did).
#[test]
fn apply_to_a_terminal_draws_no_bar_in_the_export() {
    let _one = one_at_a_time();
    let big = big();
    let sb = Sandbox::new();
    sb.write("big.csv", &big.csv);
    sb.write("plan.csv", &big.plan);
    let args = ["apply", "big.csv", "--plan", "plan.csv", "-o", "-"];
    let screen = Pty::spawn(&sb, &args).finish();
    assert!(
        matches!(screen.status, WaitStatus::Exited(_, 0)),
        "{:?}",
        screen.status
    );
    assert!(
        screen
            .text
            .contains(&format!("applied {0} of {0} pairs", big.pairs)),
        "the run did not finish"
    );
    let bar = format!("/{} pairs", big.pairs);
    assert!(
        !screen.text.contains(&bar),
        "a progress bar ({bar}) was drawn among the records"
    );
}

/// A workbook is not written onto a terminal (its zip bytes would garble
/// it): a usage error saying where to write it; to a pipe it is written.
#[test]
fn an_xlsx_output_is_not_written_onto_a_terminal() {
    let sb = Sandbox::new();
    sb.write(
        "c.xlsx",
        std::fs::read(crate::util::fixtures().join("real/hubspot-export.xlsx")).unwrap(),
    );
    sb.write("none.csv", "primary_id,secondary_id\n");
    for args in [
        &["apply", "c.xlsx", "--plan", "none.csv", "-o", "-"][..],
        &[
            "apply",
            "c.xlsx",
            "--plan",
            "none.csv",
            "-o",
            "-",
            "--output-format",
            "xlsx",
        ],
    ] {
        let screen = Pty::spawn(&sb, args).finish();
        assert!(
            matches!(screen.status, WaitStatus::Exited(_, 2)),
            "{:?}: {}",
            screen.status,
            screen.text
        );
        assert!(
            screen
                .text
                .contains("an XLSX workbook is binary and stdout is a terminal"),
            "{}",
            screen.text
        );
        assert!(!screen.text.contains("PK"), "{}", screen.text);
    }
    let out = sb
        .cmd()
        .args(["apply", "c.xlsx", "--plan", "none.csv", "-o", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"PK\x03\x04"));
}

#[test]
fn show_in_a_terminal_shows_a_readable_table() {
    let sb = Sandbox::new();
    let lines_of = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| strip_ansi(l.trim_end_matches('\r')))
            .collect()
    };
    // A terminal that has not said its size (0 columns): the table at its
    // natural width, each value whole on its line.
    let screen = Pty::spawn(&sb, &["show", "contacts.csv", "101"]).finish();
    assert!(
        matches!(screen.status, WaitStatus::Exited(_, 0)),
        "{}",
        screen.text
    );
    let lines = lines_of(&screen.text);
    for value in ["jane.doe@acme.com", "Acme Corp", "Record ID"] {
        assert!(
            lines.iter().any(|l| l.contains(value)),
            "{value} is not whole on a line of the table:\n{}",
            lines.join("\n")
        );
    }
    // Colour in a terminal: the header in bold.
    assert!(screen.text.contains("\u{1b}[1m"), "{}", screen.text);

    // A terminal 60 columns wide: the table fits it.
    let screen = Pty::spawn_sized(&sb, 60, &["show", "contacts.csv", "101"]).finish();
    assert!(
        matches!(screen.status, WaitStatus::Exited(_, 0)),
        "{}",
        screen.text
    );
    let lines = lines_of(&screen.text);
    assert!(lines.iter().any(|l| l.contains("jane.doe@acme.com")));
    let widest = lines.iter().map(|l| l.chars().count()).max().unwrap();
    assert!(
        widest <= 60,
        "a line of {widest} columns in a terminal of 60:\n{}",
        lines.join("\n")
    );

    // Without colour (`--color never`, as NO_COLOR gives): still the
    // terminal's width (it was the table's natural width, 155 columns).
    let args = ["--color", "never", "show", "contacts.csv", "101"];
    let screen = Pty::spawn_sized(&sb, 60, &args).finish();
    assert!(!screen.text.contains("\u{1b}[1m"), "{}", screen.text);
    let lines = lines_of(&screen.text);
    let widest = lines.iter().map(|l| l.chars().count()).max().unwrap();
    assert!(
        widest <= 60,
        "without colour, a line of {widest} columns in a terminal of 60:\n{}",
        lines.join("\n")
    );
}

/// The text without its escape sequences (colour).
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn a_table_on_stderr_sent_to_a_file_has_no_colour_codes() {
    // In a terminal, `2> log` makes stderr a file while stdout stays the
    // terminal: the refused pairs' table goes to stderr, uncoloured.
    let sb = Sandbox::new();
    sb.write("bad.csv", "primary_id,secondary_id\n101,999\n");
    let args = [
        "apply",
        "contacts.json",
        "--plan",
        "bad.csv",
        "-o",
        "q.json",
    ];
    let screen = Pty::spawn_stderr_to(&sb, "err.txt", &args).finish();
    assert!(
        matches!(screen.status, WaitStatus::Exited(_, 1)),
        "{:?}: {}",
        screen.status,
        screen.text
    );
    let err = String::from_utf8(sb.read("err.txt")).unwrap();
    assert!(err.contains("999"), "{err}");
    assert!(!err.contains('\u{1b}'), "escape codes in a file: {err:?}");
    // On the terminal itself, the same table is coloured.
    let screen = Pty::spawn(&sb, &args).finish();
    assert!(screen.text.contains('\u{1b}'), "{}", screen.text);
}

#[test]
fn dupes_in_a_terminal_says_what_it_is_doing_and_clears_it() {
    // A million contacts take seconds; a terminal showed nothing meanwhile.
    let _one = one_at_a_time();
    let sb = Sandbox::new();
    sb.write("big.csv", &big().csv);
    let screen = Pty::spawn(&sb, &["dupes", "big.csv", "-o", "plan.csv"]).finish();
    assert!(
        matches!(screen.status, WaitStatus::Exited(_, 0)),
        "{:?}: {}",
        screen.status,
        screen.text
    );
    assert!(
        screen.text.contains("finding duplicates among"),
        "{}",
        screen.text
    );
    assert!(
        screen.text.contains("plan written to plan.csv"),
        "{}",
        screen.text
    );
    // Under --quiet, nothing at all.
    let screen = Pty::spawn(&sb, &["dupes", "big.csv", "-o", "plan.csv", "-q"]).finish();
    assert!(matches!(screen.status, WaitStatus::Exited(_, 0)));
    assert_eq!(strip_ansi(&screen.text).trim(), "", "{}", screen.text);
}
