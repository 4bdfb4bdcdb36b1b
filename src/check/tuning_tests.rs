//! `check` divided into batches and workers finds what the contacts
//! parsed in full and checked one after another find, whatever the
//! tuning: on every fixture and on files with many problems.

use std::path::{Path, PathBuf};

use super::*;
use crate::format::each_contact_in;

fn stages() -> Vec<String> {
    crate::labels::default_stage_order()
}

/// The findings of the contacts parsed in full, checked in turn by one
/// checker that remembers ids (`check` before it read records in place).
fn in_turn(path: &Path, stages: &[String]) -> FileCheck {
    let name = path.display().to_string();
    let mut checker = Checker::new(&name, stages);
    let (mut skipped, mut contacts) = (Vec::new(), 0);
    let read = each_contact_in(path, None, Some(&mut skipped), &mut |c, at| {
        contacts += 1;
        checker.check(&c, at);
    });
    // Every record read counts, the ones that cannot be read too; a fault
    // that ends the reading comes after what was found before it.
    let contacts = contacts + skipped.len();
    let mut problems: Vec<Problem> = (skipped.into_iter())
        .map(|e| from_read_error(&name, e))
        .collect();
    problems.extend(checker.problems);
    let warnings = checker.warnings;
    problems.sort_by_key(|p| place_number(p.place.as_deref()));
    problems.extend(read.err().map(|e| from_read_error(&name, e)));
    FileCheck {
        file: name,
        contacts,
        problems,
        warnings,
    }
}

fn tunings() -> Vec<Tuning> {
    let t = |workers, batch_records, batch_bytes, batches_ahead| Tuning {
        workers,
        batch_records,
        batch_bytes,
        batches_ahead,
    };
    vec![
        t(0, 1, 1 << 20, 1),
        t(1, 2, 1 << 20, 1),
        t(2, 3, 200, 2),
        t(3, 1000, 64, 1),
        Tuning::default(),
    ]
}

/// One record of many problems: light (read in place) or not (a key
/// with an escape, a surrogate pair: parsed in full), with a property
/// whose name is a formula first met in record `n`.
fn json_record(n: usize, id: &str) -> String {
    let name = if n % 5 == 3 { "=name" } else { "plain" };
    let odd = match n % 4 {
        0 => r#""a\u0062":"=x","#,
        1 => r#""smile":"\ud83d\ude00","#,
        _ => "",
    };
    format!(
        concat!(
            r#"{{"id":"{id}","properties":{{{odd}"email":"bad{n}","{name}":"v","#,
            r#""hs_additional_emails":"ok@x.com; b@d;","lifecyclestage":"Partner","#,
            r#""createdate":"yesterday","num_conversion_events":"3.5","#,
            r#""hs_marketable_status":"maybe","note":"=SUM(1)","esc":"a\u0062\"c\n","#,
            r#""num":1.50e3,"flag":true,"nothing":null,"lastmodifieddate":"2024-01-0{d}"}},"#,
            r#""createdAt":1700000000000,"updatedAt":"soon","#,
            r#""propertiesWithHistory":{{"email":[{{"value":"x","timestamp":"never"}},"#,
            r#"{{"timestamp":17,"value":"y"}},{{"value":"z"}}]}},"#,
            r#""associations":{{"deals":["=1","2",3],"#,
            r#""companies":{{"paging":null,"results":[{{"id":"+x","type":"t"}},{{"id":5}}]}}}},"#,
            r#""engagements":[{{"id":"e","t":[1,{{"a":"]}}"}}]}}],"usertokens":null}}"#
        ),
        id = id,
        odd = odd,
        n = n,
        name = name,
        d = n % 12,
    )
}

/// JSON Lines, a JSON document and a CSV file, each with many problems,
/// ids written twice and records that cannot be read.
fn many_problems(dir: &Path) -> Vec<PathBuf> {
    let mut lines = Vec::new();
    let mut doc = Vec::new();
    for n in 0..60 {
        let id = if n % 7 == 6 {
            format!("{}", n - 3)
        } else {
            n.to_string()
        };
        let record = json_record(n, &id);
        match n % 11 {
            4 => lines.push(format!("{{\"id\":\"{id}\",\"x\":1,\"x\":2}}")),
            8 => lines.push("{\"id\": \"broken\"".to_string()),
            9 => lines.push(String::new()),
            _ => lines.push(record.clone()),
        }
        doc.push(record);
        if n % 13 == 5 {
            doc.push(format!("{{\"id\":\"k{n}\",\"engagements\":{{}}}}"));
        }
    }
    let mut csv = String::from("Record ID,Email,=Name,Lifecycle Stage,Create Date,Number of Pageviews,Associated Deal IDs\r\n");
    for n in 0..50 {
        let id = match n % 9 {
            8 => String::new(),
            7 => (n - 2).to_string(),
            _ => n.to_string(),
        };
        csv += &format!("{id},bad{n},\"=x{n}\",partner,tomorrow,{n}.5,\" =1 ; {n}\"\r\n");
    }
    let files = [
        ("many.ndjson", lines.join("\n")),
        (
            "many.json",
            format!(
                "{{\"results\": [\n{}\n], \"paging\": {{}}}}",
                doc.join(",\n")
            ),
        ),
        ("many.csv", csv),
    ];
    files
        .into_iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect()
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    for dir in ["", "bad", "odd", "check-faults", "real"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            let ext = path.extension().and_then(|e| e.to_str());
            let plan = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().contains("plan"));
            if matches!(ext, Some("csv" | "json" | "ndjson")) && !plan {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_tuning_finds_what_the_contacts_checked_in_turn_find() {
    let dir = tempfile::tempdir().unwrap();
    let many = many_problems(dir.path());
    let stages = stages();
    for path in &many {
        let want = in_turn(path, &stages);
        // Enough of everything to mean something.
        assert!(want.contacts >= 30, "{path:?}: {want:?}");
        assert!(
            want.problems.len() > 100,
            "{path:?}: {}",
            want.problems.len()
        );
        assert!(
            want.warnings.len() > 40,
            "{path:?}: {}",
            want.warnings.len()
        );
        assert!(want
            .problems
            .iter()
            .any(|p| p.problem.starts_with("duplicate id")));
    }
    let all: Vec<PathBuf> = many.into_iter().chain(fixtures()).collect();
    assert!(all.len() > 40, "{}", all.len());
    for path in &all {
        let want = in_turn(path, &stages);
        for t in tunings() {
            let got = check_file_with(path, None, &stages, &t);
            assert_eq!(got, want, "{path:?} with {t:?}");
        }
    }
}

#[test]
fn a_name_warned_of_is_warned_of_once_whichever_batch_meets_it_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("names.ndjson");
    let lines: Vec<String> = (0..20)
        .map(|n| {
            let name = ["a", "=b", "+c"][n % 3];
            format!("{{\"id\":\"{n}\",\"properties\":{{\"{name}\":\"v\",\"=b\":\"w\"}}}}")
        })
        .collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    for t in tunings() {
        let got = check_file_with(&path, None, &stages(), &t);
        let names: Vec<_> = (got.warnings.iter())
            .filter(|w| w.problem.starts_with("the property name"))
            .map(|w| (w.place.clone().unwrap(), w.property.clone().unwrap()))
            .collect();
        let want =
            [("line 1", "=b"), ("line 3", "+c")].map(|(p, n)| (p.to_string(), n.to_string()));
        assert_eq!(names, want, "{t:?}");
    }
}
