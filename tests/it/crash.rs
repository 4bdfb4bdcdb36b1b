//! Crash safety (issue 7): `apply` killed with SIGKILL part-way through
//! writing its output leaves the target as it was, absent or the old file,
//! never a partial one, and never changes its input.
//!
//! The export is big enough (generated, see `CRASH_CONTACTS`) that writing
//! it takes a while in the dev profile; the test polls for the temporary
//! file the atomic writer creates beside the target
//! (`.{name}.{pid}.{n}.tmp`, `src/atomic.rs`) and kills the process as soon
//! as data has gone into it. Nothing depends on timing: if the process
//! finishes first, its output must then be complete.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use contact_merge::format::{self, Format};
use contact_merge::gen::{generate, plan_csv, to_csv_export, GenOptions};

use crate::util::Sandbox;

/// How many contacts the big export has (`CRASH_CONTACTS` overrides).
fn contacts() -> usize {
    std::env::var("CRASH_CONTACTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40_000)
}

/// The big export (HubSpot CSV), its plan (the true duplicate pairs) and
/// how many contacts the complete output has; generated once.
struct Big {
    export: Vec<u8>,
    plan: String,
    merged_count: usize,
}

fn big() -> &'static Big {
    static BIG: OnceLock<Big> = OnceLock::new();
    BIG.get_or_init(|| {
        let g = generate(&GenOptions {
            contacts: contacts(),
            duplicate_rate: 0.1,
            seed: 7,
        });
        Big {
            export: format::write_to_vec(&to_csv_export(&g), Format::Csv),
            plan: plan_csv(&g.pairs),
            merged_count: g.export.contacts.len() - g.pairs.len(),
        }
    })
}

/// One kill at a time: two big runs at once would only slow each other.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The temporary file of `target` in its folder, with its size.
fn temp_of(dir: &Path, target: &str) -> Option<(String, u64)> {
    let prefix = format!(".{target}.");
    std::fs::read_dir(dir).ok()?.find_map(|e| {
        let e = e.ok()?;
        let name = e.file_name().to_string_lossy().into_owned();
        (name.starts_with(&prefix) && name.ends_with(".tmp"))
            .then(|| (name, e.metadata().map_or(0, |m| m.len())))
    })
}

/// Start `contact-merge apply` on the big export and SIGKILL it as soon as
/// its temporary output file holds data (or when it is done, or after a
/// generous minute). True when the kill landed mid-write.
fn apply_and_kill(sb: &Sandbox, target: &str, extra: &[&str]) -> bool {
    let bin = assert_cmd::cargo::cargo_bin("contact-merge");
    let mut child: Child = Command::new(bin)
        .current_dir(sb.dir.path())
        .env_clear()
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .args([
            "apply",
            "big.csv",
            "--plan",
            "plan.csv",
            "-o",
            target,
            "--merge-time",
            "2024-03-01T10:00:00Z",
        ])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut mid_write = false;
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if let Some((_, size)) = temp_of(sb.dir.path(), target) {
            if size > 0 {
                mid_write = true;
                break;
            }
        }
        if Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    // SIGKILL on Unix; an error only means it had already exited.
    let _ = child.kill();
    let status = child.wait().unwrap();
    if !mid_write {
        eprintln!("note: apply was not caught writing ({status}); checking its output is complete");
    }
    mid_write
}

/// A complete output: every contact of the plan's result, readable.
fn assert_complete(sb: &Sandbox, target: &str) {
    let out = format::read_bytes(&sb.read(target), Format::Csv, target)
        .unwrap_or_else(|e| panic!("{target} is not a whole export: {e}"));
    assert_eq!(
        out.contacts.len(),
        big().merged_count,
        "{target} is partial"
    );
}

fn setup() -> (Sandbox, std::sync::MutexGuard<'static, ()>) {
    let guard = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let sb = Sandbox::new();
    sb.write("big.csv", &big().export);
    sb.write("plan.csv", &big().plan);
    (sb, guard)
}

#[test]
fn apply_killed_while_writing_leaves_no_output_and_the_input_unchanged() {
    let (sb, _one) = setup();
    let mid_write = apply_and_kill(&sb, "out.csv", &["--journal", "journal.jsonl"]);
    assert_eq!(sb.read("big.csv"), big().export, "the input changed");
    let files = sb.files();
    if files.iter().any(|f| f == "out.csv") {
        // Only when the run got to rename its output into place.
        assert_complete(&sb, "out.csv");
    } else {
        assert!(
            !files.iter().any(|f| f == "journal.jsonl"),
            "a journal without its output: {files:?}"
        );
    }
    if mid_write {
        assert!(
            !files.iter().any(|f| f == "out.csv"),
            "killed mid-write, yet out.csv is there: {files:?}"
        );
        let (tmp, size) = temp_of(sb.dir.path(), "out.csv").expect("the temporary file");
        eprintln!("killed mid-write: {tmp} holds {size} bytes, out.csv was never created");
    }
}

#[test]
fn apply_killed_while_replacing_an_output_leaves_the_old_one() {
    let (sb, _one) = setup();
    let old = b"Record ID,Email\n1,old@x.com\n".to_vec();
    sb.write("out.csv", &old);
    let mid_write = apply_and_kill(&sb, "out.csv", &[]);
    assert_eq!(sb.read("big.csv"), big().export, "the input changed");
    let now = sb.read("out.csv");
    if mid_write {
        assert_eq!(now, old, "killed mid-write, yet out.csv changed");
    } else if now != old {
        assert_complete(&sb, "out.csv");
    }
}
