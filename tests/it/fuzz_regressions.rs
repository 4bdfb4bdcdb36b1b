//! Inputs that once crashed a fuzz target (fuzz/regressions/<target>/),
//! replayed with the target's own checks so the bugs stay fixed. Fuzzing
//! itself never runs here (see TESTING.md).

use std::path::{Path, PathBuf};

use contact_merge::format::{read_bytes, read_bytes_with, write_to_vec, Format};
use contact_merge::journal::parse_journal;
use contact_merge::plan::{parse_plan, PlanFormat};

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

const FORMATS: [Format; 3] = [Format::Json, Format::Ndjson, Format::Csv];

#[test]
fn readers_do_not_panic() {
    for target in ["json", "ndjson", "csv"] {
        for (path, data) in inputs(target) {
            for f in FORMATS {
                let _ = read_bytes(&data, f, "x").map_err(|e| e.to_string());
                let mut skipped = Vec::new();
                let _ = read_bytes_with(&data, f, "x", Some(&mut skipped));
                let _ = path;
            }
        }
    }
}

#[test]
fn plans_and_journals_do_not_panic() {
    for (_, data) in inputs("plan") {
        for f in [None, Some(PlanFormat::Csv), Some(PlanFormat::Json)] {
            let _ = parse_plan(&data, "p", f).map_err(|e| e.to_string());
        }
    }
    for (_, data) in inputs("journal") {
        let _ = parse_journal(&data, "j").map_err(|e| e.to_string());
    }
}

#[test]
fn round_trips_hold() {
    let cases = inputs("roundtrip");
    assert!(!cases.is_empty(), "fuzz/regressions/roundtrip is empty");
    for (path, data) in cases {
        for f in FORMATS {
            let Ok(export) = read_bytes(&data, f, "x") else {
                continue;
            };
            let written = write_to_vec(&export, f);
            let back = read_bytes(&written, f, "x")
                .unwrap_or_else(|e| panic!("{}: {f:?}: does not read back: {e}", path.display()));
            assert_eq!(back, export, "{}: {f:?}", path.display());
            assert_eq!(write_to_vec(&back, f), written, "{}: {f:?}", path.display());
        }
    }
}
