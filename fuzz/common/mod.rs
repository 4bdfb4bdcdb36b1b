//! What each fuzz target does with an input, in one place: the targets
//! (`fuzz_targets/`) call these, and `tests/it/fuzz_regressions.rs` replays
//! the kept crashing inputs through the same functions. Any panic is a bug.
//! Each target uses some of them.
#![allow(dead_code)]

use std::path::Path;

use contact_merge::format::{self, read_bytes, read_bytes_with, write_to_vec, Format};
use contact_merge::journal::parse_journal;
use contact_merge::merge::{merge_contacts_timed, Primary, Times};
use contact_merge::model::{Contact, Layout};
use contact_merge::plan::{
    apply_plan, parse_plan, ApplyError, ApplyOptions, MergeStep, NoJournal, Plan, PlanFormat,
};
use contact_merge::rules::MergeOptions;
use contact_merge::stream::{apply_file, StreamError};
use contact_merge::{check, dates, labels};

/// Readers (`json`, `ndjson`, `csv`): read the input strictly, and
/// leniently one contact at a time as `check` does, render every error
/// message, and run the checks (dates, counters, emails) over whatever was
/// read.
pub fn read_export(data: &[u8], format: Format, file: &str) {
    let _ = Format::sniff(data);
    match format::read_bytes(data, format, file) {
        Ok(export) => inspect(&export, file),
        Err(e) => {
            let _ = e.to_string();
        }
    }
    let mut skipped = Vec::new();
    match format::read_bytes_with(data, format, file, Some(&mut skipped)) {
        Ok(export) => inspect(&export, file),
        Err(e) => {
            let _ = e.to_string();
        }
    }
    // As `check` reads: one contact at a time, the unreadable ones skipped.
    let stages = labels::default_stage_order();
    let mut checker = check::Checker::new(file, &stages);
    let mut skipped = Vec::new();
    let result = format::each_contact(data, format, file, Some(&mut skipped), &mut |c, at| {
        let _ = at.to_string();
        checker.check(&c, at);
    });
    if let Err(e) = result {
        let _ = e.to_string();
    }
    for e in &skipped {
        let _ = e.to_string();
    }
}

fn inspect(export: &contact_merge::model::Export, file: &str) {
    let stages = labels::default_stage_order();
    for p in check::check_export(export, file, &stages) {
        let _ = p.problem;
    }
    for c in &export.contacts {
        let _ = dates::created_time(c);
        let _ = dates::value_time(c, "email");
        let _ = c.emails();
    }
}

/// `plan`: the plan reader (CSV and JSON, and sniffing).
pub fn plan(data: &[u8]) {
    for format in [None, Some(PlanFormat::Csv), Some(PlanFormat::Json)] {
        match parse_plan(data, "fuzz-plan", format) {
            Ok(plan) => {
                for p in &plan.pairs {
                    let _ = plan.place(p.line);
                }
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
}

/// `journal`: a journal that reads must write back to lines that read as
/// the same entries.
pub fn journal(data: &[u8]) {
    let journal = match parse_journal(data, "fuzz.jsonl") {
        Ok(j) => j,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let mut out = Vec::new();
    for e in &journal.entries {
        e.write(&mut out).expect("writing to memory cannot fail");
        let _ = e.summed_properties().count();
    }
    let back = parse_journal(&out, "again.jsonl").expect("a written journal reads back");
    assert_eq!(back.entries.len(), journal.entries.len());
    for (i, (a, b)) in journal.entries.iter().zip(&back.entries).enumerate() {
        let mut a = a.clone();
        a.line = i as u64 + 1;
        assert_eq!(&a, b, "entry {} changed on a round trip", i + 1);
    }
}

/// `roundtrip`: any input that reads as an export, in any format, writes
/// back to bytes that read as an equal export (`==` on `Export`, layout
/// included), and writing that again gives the same bytes.
pub fn round_trip(data: &[u8]) {
    for format in [Format::Json, Format::Ndjson, Format::Csv] {
        let Ok(export) = read_bytes(data, format, "fuzz") else {
            continue;
        };
        let written = write_to_vec(&export, format);
        let back = match read_bytes(&written, format, "written") {
            Ok(back) => back,
            Err(e) => panic!(
                "{format:?}: what was written does not read back: {e}\nwritten: {:?}",
                String::from_utf8_lossy(&written)
            ),
        };
        assert!(
            back == export,
            "{format:?}: the export changed on a round trip\nread: {export:?}\nback: {back:?}\nwritten: {:?}",
            String::from_utf8_lossy(&written)
        );
        let again = write_to_vec(&back, format);
        assert!(
            again == written,
            "{format:?}: writing twice differs\nfirst: {:?}\nagain: {:?}",
            String::from_utf8_lossy(&written),
            String::from_utf8_lossy(&again)
        );
    }
}

fn merge(_: &Layout, p: Primary<'_>, s: &Contact, t: Times<'_>) -> Result<MergeStep, String> {
    let opts = MergeOptions {
        merge_time: 1_709_287_200_000,
        ..MergeOptions::default()
    };
    let outcome = merge_contacts_timed(p, s, t, &opts).map_err(|e| e.to_string())?;
    let (sections, section_tally) = contact_merge::plan::notable_sections(outcome.sections, true);
    Ok(MergeStep {
        merged: outcome.merged,
        decisions: Vec::new(),
        warnings: outcome.warnings,
        sections,
        section_tally,
        journal: None,
        times: outcome.times,
    })
}

fn stream_plan(ids: &[String], redirect: bool) -> Plan {
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
    Plan::csv("plan.csv", pairs)
}

/// `stream`: the streaming apply (`stream::apply_file`, what `apply` uses
/// for CSV, JSON Lines and JSON files) against the in-memory one
/// (`plan::apply_plan`): both refuse the input with the same message, or
/// the same pairs, or give the same export. The first byte picks the format
/// (8: JSON; else even: CSV, odd: JSON Lines) and options; the rest is the file, written into `dir`. The plan merges
/// the file's contacts pairwise (and, on some inputs, names a merged-away id
/// again), with the real merge rules.
pub fn stream(data: &[u8], dir: &Path) {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    let (format, ext) = if sel & 8 != 0 {
        (Format::Json, "json")
    } else if sel & 1 == 0 {
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

    let path = dir.join(format!("contact-merge-fuzz-{}.{ext}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let file = path.display().to_string();
    let mut streamed_out = Vec::new();
    let streamed = apply_file(
        &path,
        format,
        &plan,
        &opts,
        merge,
        None::<NoJournal>,
        &mut streamed_out,
    );

    let export = read_bytes(bytes, format, &file);
    match (export, streamed) {
        (Err(e), Err(StreamError::Read(s))) => assert_eq!(e.to_string(), s.to_string()),
        (Err(e), other) => panic!("in memory: {e}\nstreamed: {:?}", other.map(|s| s.report)),
        (Ok(_), Err(StreamError::Read(s))) => panic!("in memory read it; streamed: {s}"),
        (Ok(mut export), streamed) => {
            let in_memory = apply_plan(&mut export, &plan, &opts, merge, None::<NoJournal>);
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
                    let mut back = read_bytes(&streamed_out, format, "streamed")
                        .unwrap_or_else(|e| panic!("streamed output does not read: {e}"));
                    let mut mine_back = read_bytes(&mine, format, "in memory").unwrap();
                    // A streamed JSON document keeps the file's own bytes
                    // around its records, so whether it reads as indented
                    // may differ from the in-memory writer's choice (and so
                    // may the indentation and line ends it notes).
                    // Likewise JSON Lines whose lines end both ways: the
                    // streamed output keeps each line's ending, the
                    // in-memory writer ends every line as the file's first
                    // (DECISIONS, "JSON Lines"), so the first line read back
                    // may end otherwise.
                    for e in [&mut back, &mut mine_back] {
                        match &mut e.layout {
                            Layout::Json { pretty, text, .. } => {
                                *pretty = false;
                                *text = Default::default();
                            }
                            Layout::Ndjson { crlf, .. } => *crlf = false,
                            Layout::Csv(_) => {}
                        }
                    }
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
}
