//! The streaming apply (`stream::apply_file`, what `apply` uses for CSV and
//! JSON Lines files) against the in-memory one (`plan::apply_plan`): on
//! any input, both refuse it with the same message, or both refuse the
//! same pairs, or both give the same export. No panic either way.
//!
//! The first byte picks the format and options; the rest is the file. The
//! plan merges the contacts the file holds pairwise (and, on some inputs,
//! names a merged-away id again), with the real merge rules.
#![no_main]

use contact_merge::format::{read_bytes, read_bytes_with, write_to_vec, Format};
use contact_merge::merge::merge_contacts;
use contact_merge::model::{Contact, Layout};
use contact_merge::plan::{
    apply_plan, ApplyError, ApplyOptions, MergeStep, Pair, Plan, PlanFormat,
};
use contact_merge::rules::MergeOptions;
use contact_merge::stream::{apply_file, StreamError};
use libfuzzer_sys::fuzz_target;

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

fn plan(ids: &[String], redirect: bool) -> Plan {
    let mut pairs: Vec<(String, String)> = ids
        .chunks(2)
        .take(4)
        .filter(|c| c.len() == 2)
        .map(|c| (c[0].clone(), c[1].clone()))
        .collect();
    if redirect && ids.len() >= 3 {
        // ids[1] was merged into ids[0]: this names it again.
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

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
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
    let plan = plan(&ids, sel & 4 != 0);

    let path =
        std::env::temp_dir().join(format!("contact-merge-fuzz-{}.{ext}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let file = path.display().to_string();
    let mut streamed_out = Vec::new();
    let streamed = apply_file(
        &path,
        format,
        &plan,
        &opts,
        merge,
        |_| Ok(()),
        &mut streamed_out,
    );

    let export = read_bytes(bytes, format, &file);
    match (export, streamed) {
        (Err(e), Err(StreamError::Read(s))) => assert_eq!(e.to_string(), s.to_string()),
        (Err(e), other) => panic!("in memory: {e}\nstreamed: {:?}", other.map(|s| s.report)),
        (Ok(_), Err(StreamError::Read(s))) => panic!("in memory read it; streamed: {s}"),
        (Ok(mut export), streamed) => {
            let in_memory = apply_plan(&mut export, &plan, &opts, merge, |_| Ok(()));
            match (in_memory, streamed) {
                (
                    Err(ApplyError::BadPairs { report: a }),
                    Err(StreamError::Apply(ApplyError::BadPairs { report: b })),
                ) => {
                    assert_eq!(a, b)
                }
                (Ok(a), Ok(b)) => {
                    assert_eq!(a, b.report);
                    let mine = write_to_vec(&export, format);
                    let back = read_bytes(&streamed_out, format, "streamed")
                        .unwrap_or_else(|e| panic!("streamed output does not read: {e}"));
                    let mine_back = read_bytes(&mine, format, "in memory").unwrap();
                    assert!(
                        back == mine_back,
                        "streamed and in-memory exports differ\nstreamed: {:?}\nin memory: {:?}",
                        String::from_utf8_lossy(&streamed_out),
                        String::from_utf8_lossy(&mine)
                    );
                }
                (a, b) => panic!(
                    "in memory: {:?}\nstreamed: {:?}",
                    a.map_err(|e| e.to_string()),
                    b.map(|s| s.report).map_err(|e| e.to_string())
                ),
            }
        }
    }
});
