//! [`super::run`]: the same result whichever way it goes.

use std::path::{Path, PathBuf};

use super::*;
use crate::plan::parse_plan;
use crate::rules::MergeOptions;

fn opts() -> MergeOptions {
    MergeOptions {
        merge_time: 1_717_200_000_000,
        ..MergeOptions::default()
    }
}

/// Run `job` on `input`, writing `out` (and `journal`): streamed (the
/// input must allow it), or in memory.
fn run_on(
    input: &Path,
    job: Job<'_>,
    out: &Path,
    journal: Option<&Path>,
    streamed: bool,
) -> Result<Outcome, BatchError> {
    let opts = opts();
    let output = Destination {
        path: Some(out.to_path_buf()),
        format: None,
        sanitize_formulas: false,
        mode: None,
    };
    let request = Request {
        input: Input {
            path: input,
            format: None,
            deciding: None,
        },
        job,
        opts: &opts,
        output: &output,
        journal,
        progress: &|| {},
        section_changes: false,
    };
    if streamed {
        assert!(streamable(&request).is_some());
        return run(&request, &mut Vec::new());
    }
    let journal = journal.map(|j| Journal::open(j, None)).transpose()?;
    in_memory::run(&request, journal, &mut Vec::new())
}

fn fixture(name: &str) -> PathBuf {
    Path::new("fixtures").join(name)
}

#[test]
fn a_plan_gives_the_same_output_and_journal_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let plan = b"primary_id,secondary_id\n101,102\n103,104\n";
    let plan = parse_plan(plan, "plan.csv", None).unwrap();
    for name in ["contacts.ndjson", "contacts.csv"] {
        let mut results = Vec::new();
        for streamed in [true, false] {
            let out = dir.path().join(format!("{streamed}-{name}"));
            let journal = dir.path().join(format!("{streamed}-{name}.jsonl"));
            let job = Job::Plan {
                plan: &plan,
                keep_going: false,
            };
            let outcome = run_on(&fixture(name), job, &out, Some(&journal), streamed);
            let Outcome::Written(w) = outcome.unwrap() else {
                panic!("refused")
            };
            let Merges::Plan(report) = w.merges else {
                panic!("not a plan's report")
            };
            assert_eq!((report.applied, w.contacts), (2, 3), "{name}");
            let journal = std::fs::read(&journal).unwrap();
            results.push((std::fs::read(&out).unwrap(), journal));
        }
        assert!(results[0] == results[1], "{name}: the two ways differ");
    }
}

#[test]
fn a_plan_with_a_bad_pair_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let plan = b"primary_id,secondary_id\n101,102\n103,999\n";
    let plan = parse_plan(plan, "plan.csv", None).unwrap();
    for streamed in [true, false] {
        let (out, journal) = (dir.path().join("out.ndjson"), dir.path().join("j"));
        let job = Job::Plan {
            plan: &plan,
            keep_going: false,
        };
        let input = fixture("contacts.ndjson");
        match run_on(&input, job, &out, Some(&journal), streamed).unwrap() {
            Outcome::Refused(report) => assert_eq!(report.skipped.len(), 1),
            Outcome::Written(_) => panic!("written"),
        }
        assert!(!out.exists() && !journal.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

/// An id merged away earlier (HubSpot's own redirect) is refused as the
/// in-memory way refuses it, whichever way the file is read.
#[test]
fn one_merge_that_cannot_be_done_as_asked_has_one_message() {
    let dir = tempfile::tempdir().unwrap();
    let export = "{\"id\":\"1\",\"properties\":{\"hs_merged_object_ids\":\"9\"}}\n\
                  {\"id\":\"2\",\"properties\":{}}\n";
    let input = dir.path().join("in.ndjson");
    std::fs::write(&input, export).unwrap();
    let out = dir.path().join("out.ndjson");
    let messages: Vec<String> = [true, false]
        .into_iter()
        .map(|streamed| {
            let job = Job::Pair {
                primary: "9",
                secondary: "2",
            };
            let err = run_on(&input, job, &out, None, streamed).unwrap_err();
            assert!(matches!(err, BatchError::Merge { .. }), "{err}");
            assert!(!out.exists());
            err.to_string()
        })
        .collect();
    assert_eq!(messages[0], messages[1]);
    assert!(messages[0].starts_with(&format!("{}: ", input.display())));
}

#[test]
fn one_merge_reports_its_decisions_either_way() {
    let dir = tempfile::tempdir().unwrap();
    let mut seen = Vec::new();
    for streamed in [true, false] {
        let out = dir.path().join(format!("{streamed}.ndjson"));
        let job = Job::Pair {
            primary: "101",
            secondary: "102",
        };
        let outcome = run_on(&fixture("contacts.ndjson"), job, &out, None, streamed);
        let Outcome::Written(w) = outcome.unwrap() else {
            panic!("refused")
        };
        let Merges::Pair { decisions, .. } = w.merges else {
            panic!("not a pair's report")
        };
        assert!(!decisions.is_empty());
        seen.push((decisions, std::fs::read(&out).unwrap()));
    }
    assert!(seen[0] == seen[1], "the two ways differ");
}
