//! Inputs that once crashed a fuzz target (fuzz/regressions/<target>/),
//! replayed with the target's own checks so the bugs stay fixed. Fuzzing
//! itself never runs here (see TESTING.md).

use std::path::{Path, PathBuf};

use contact_merge::format::{read_bytes, read_bytes_with, write_to_vec, Format};
use contact_merge::journal::parse_journal;
use contact_merge::merge::merge_contacts;
use contact_merge::model::{Contact, Layout};
use contact_merge::plan::{
    apply_plan, parse_plan, ApplyError, ApplyOptions, MergeStep, Pair, Plan, PlanFormat,
};
use contact_merge::rules::MergeOptions;
use contact_merge::stream::{apply_file, StreamError};

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

fn merge(_: &Layout, p: &Contact, s: &Contact) -> Result<MergeStep, String> {
    let opts = MergeOptions {
        merge_time: 1_709_287_200_000,
        ..MergeOptions::default()
    };
    let outcome = merge_contacts(p, s, &opts).map_err(|e| e.to_string())?;
    Ok(MergeStep {
        merged: outcome.merged,
        decisions: Vec::new(),
        warnings: outcome.warnings,
    })
}

/// The `stream` target's plan: the file's contacts merged pairwise, and
/// with option 4 a pair naming a merged-away id again.
fn stream_plan(ids: &[String], redirect: bool) -> Plan {
    let mut pairs: Vec<(String, String)> = ids
        .chunks(2)
        .take(4)
        .filter(|c| c.len() == 2)
        .map(|c| (c[0].clone(), c[1].clone()))
        .collect();
    if redirect && ids.len() >= 3 {
        pairs.push((ids[2].clone(), ids[1].clone()));
    }
    if pairs.is_empty() {
        pairs.push(("1".into(), "2".into()));
    }
    Plan {
        file: "plan.csv".into(),
        format: PlanFormat::Csv,
        pairs: pairs
            .into_iter()
            .enumerate()
            .map(|(i, (primary, secondary))| Pair {
                line: i as u64 + 2,
                primary,
                secondary,
            })
            .collect(),
    }
}

/// The streaming apply and the in-memory one agree: the same refusal, the
/// same bad pairs, or the same export.
#[test]
fn streaming_apply_agrees_with_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    for (path, data) in inputs("stream") {
        let name = path.display().to_string();
        let Some((&sel, bytes)) = data.split_first() else {
            continue;
        };
        let (format, ext) = if sel & 1 == 0 {
            (Format::Csv, "csv")
        } else {
            (Format::Ndjson, "ndjson")
        };
        let opts = ApplyOptions {
            keep_going: sel & 2 != 0,
            ..ApplyOptions::default()
        };
        let mut skipped = Vec::new();
        let ids: Vec<String> = read_bytes_with(bytes, format, "x", Some(&mut skipped))
            .map(|e| e.contacts.into_iter().map(|c| c.id).collect())
            .unwrap_or_default();
        let plan = stream_plan(&ids, sel & 4 != 0);
        let file = dir.path().join(format!("input.{ext}"));
        std::fs::write(&file, bytes).unwrap();
        let mut out = Vec::new();
        let streamed = apply_file(&file, format, &plan, &opts, merge, |_| Ok(()), &mut out);
        match (
            read_bytes(bytes, format, &file.display().to_string()),
            streamed,
        ) {
            (Err(e), Err(StreamError::Read(s))) => assert_eq!(e.to_string(), s.to_string()),
            (Err(e), _) => panic!("{name}: in memory refused it ({e}), streamed did not"),
            (Ok(_), Err(StreamError::Read(s))) => panic!("{name}: only streamed refused it: {s}"),
            (Ok(mut export), streamed) => {
                match (
                    apply_plan(&mut export, &plan, &opts, merge, |_| Ok(())),
                    streamed,
                ) {
                    (
                        Err(ApplyError::BadPairs { report: a }),
                        Err(StreamError::Apply(ApplyError::BadPairs { report: b })),
                    ) => assert_eq!(a, b, "{name}"),
                    (Ok(a), Ok(b)) => {
                        assert_eq!(a, b.report, "{name}");
                        let mine = read_bytes(&write_to_vec(&export, format), format, "m").unwrap();
                        assert_eq!(read_bytes(&out, format, "s").unwrap(), mine, "{name}");
                    }
                    (a, b) => panic!(
                        "{name}: in memory {:?}, streamed {:?}",
                        a.map_err(|e| e.to_string()),
                        b.map(|s| s.report).map_err(|e| e.to_string())
                    ),
                }
            }
        }
    }
}
