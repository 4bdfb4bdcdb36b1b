//! Inputs that once crashed a fuzz target (fuzz/regressions/<target>/),
//! replayed through the target's own checks (`fuzz/common/mod.rs`, the
//! functions the targets call) so the bugs stay fixed. Fuzzing itself never
//! runs here (see TESTING.md).

use std::path::{Path, PathBuf};

use contact_merge::format::Format;

#[path = "../../fuzz/common/mod.rs"]
mod checks;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Every input of `target` through `check` (a panic names the input);
/// gives how many there were.
fn replay(target: &str, check: impl Fn(&[u8])) -> usize {
    let cases = inputs(target);
    for (path, data) in &cases {
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(data)));
        assert!(caught.is_ok(), "{} fails its check again", path.display());
    }
    cases.len()
}

#[test]
fn readers_do_not_panic() {
    // Each reader's inputs through every reader.
    for target in ["json", "ndjson", "csv"] {
        replay(target, |data| {
            for f in [Format::Json, Format::Ndjson, Format::Csv] {
                checks::read_export(data, f, "x");
            }
        });
    }
}

#[test]
fn plans_and_journals_do_not_panic() {
    replay("plan", checks::plan);
    replay("journal", checks::journal);
}

#[test]
fn round_trips_hold() {
    assert!(
        replay("roundtrip", checks::round_trip) > 0,
        "no inputs found"
    );
}

#[test]
fn streaming_apply_agrees_with_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let n = replay("stream", |data| checks::stream(data, dir.path()));
    assert!(n > 0, "no inputs found");
}
