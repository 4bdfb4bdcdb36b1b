//! A chain of merges in one plan, in a file without property history: each
//! value keeps the time it was set through the run, so the plan's order
//! does not decide which value is the most recent (DECISIONS, "Chains
//! keep each value's time"). Checked through the binary on every path a
//! plan runs: CSV and JSON Lines streamed (with and without a journal),
//! JSON and stdin in memory.

use crate::util::{stderr, stdout, Sandbox};

const MERGE_TIME: &str = "--merge-time=2024-06-01T00:00:00Z";

/// A (2024-01-01) has the oldest job title and city; B (2024-03-01) the
/// newest city and no job title; C (2024-02-01) a job title newer than
/// A's. HubSpot, which keeps each value's history, takes C's job title
/// and B's city whatever the order of the merges.
const CSV: &str = "\
Record ID,Email,First Name,Job Title,City,Last Modified Date
1,a@x.example,Ann,P-old,Oslo,2024-01-01
2,b@x.example,Ann,,Bergen,2024-03-01
3,c@x.example,Ann,C-newer,,2024-02-01
";

/// The plans that give contact 1 all three: the primary absorbing each in
/// turn, in both orders, and a chain through B.
const PLANS: &[&str] = &["1,2\n1,3\n", "1,3\n1,2\n", "2,3\n1,2\n", "3,2\n1,3\n"];

fn job_and_city_of_1(csv_out: &str) -> (String, String) {
    let mut rows = csv::Reader::from_reader(csv_out.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (job, city) = (col("Job Title"), col("City"));
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "{csv_out}");
    assert_eq!(&rows[0][0], "1");
    (rows[0][job].to_string(), rows[0][city].to_string())
}

fn plan(s: &Sandbox, pairs: &str) -> std::path::PathBuf {
    s.write("plan.csv", format!("primary_id,secondary_id\n{pairs}"))
}

#[test]
fn a_csv_plan_takes_the_newest_value_whatever_the_order_of_its_merges() {
    let s = Sandbox::new();
    let input = s.write("contacts.csv", CSV);
    for pairs in PLANS {
        let plan = plan(&s, pairs);
        for journal in [false, true] {
            let mut cmd = s.cmd();
            cmd.arg("apply").arg(&input).arg("--plan").arg(&plan);
            cmd.arg("-o").arg(s.path("out.csv")).arg(MERGE_TIME);
            if journal {
                let _ = std::fs::remove_file(s.path("j.jsonl"));
                cmd.arg("--journal").arg(s.path("j.jsonl"));
            }
            let out = cmd.output().unwrap();
            assert_eq!(out.status.code(), Some(0), "{pairs}: {}", stderr(&out));
            let written = String::from_utf8(s.read("out.csv")).unwrap();
            assert_eq!(
                job_and_city_of_1(&written),
                ("C-newer".into(), "Bergen".into()),
                "plan {pairs:?}, journal {journal}"
            );
        }
    }
}

/// The contacts of [`CSV`] as JSON Lines, or as a JSON document.
fn as_json(lines: bool) -> String {
    let rows = [
        ("1", "a@x.example", "P-old", "Oslo", "2024-01-01"),
        ("2", "b@x.example", "", "Bergen", "2024-03-01"),
        ("3", "c@x.example", "C-newer", "", "2024-02-01"),
    ];
    let contacts: Vec<String> = rows
        .iter()
        .map(|(id, email, job, city, lm)| {
            serde_json::json!({"id": id, "properties": {
                "email": email, "firstname": "Ann", "jobtitle": job,
                "city": city, "lastmodifieddate": lm}})
            .to_string()
        })
        .collect();
    match lines {
        true => contacts.join("\n") + "\n",
        false => format!("[{}]", contacts.join(",")),
    }
}

#[test]
fn json_lines_json_and_stdin_take_the_same_values_as_a_streamed_csv() {
    let s = Sandbox::new();
    s.write("contacts.ndjson", as_json(true));
    s.write("contacts.json", as_json(false));
    for pairs in PLANS {
        let plan = plan(&s, pairs);
        for name in ["contacts.ndjson", "contacts.json"] {
            let out = s
                .cmd()
                .arg("apply")
                .arg(s.path(name))
                .arg("--plan")
                .arg(&plan)
                .args(["-o", "out.ndjson", MERGE_TIME])
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{pairs} {name}: {}",
                stderr(&out)
            );
            let text = String::from_utf8(s.read("out.ndjson")).unwrap();
            let merged: Vec<serde_json::Value> = text
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            assert_eq!(merged.len(), 1, "{text}");
            assert_eq!(
                merged[0]["properties"]["jobtitle"], "C-newer",
                "{pairs} {name}"
            );
            assert_eq!(merged[0]["properties"]["city"], "Bergen", "{pairs} {name}");
        }
        // From stdin: read whole, applied in memory.
        let out = s
            .cmd()
            .args(["apply", "-", "--input-format", "csv", "-o", "-", MERGE_TIME])
            .arg("--plan")
            .arg(&plan)
            .write_stdin(CSV)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{pairs} stdin: {}",
            stderr(&out)
        );
        assert_eq!(
            job_and_city_of_1(&stdout(&out)),
            ("C-newer".into(), "Bergen".into()),
            "plan {pairs:?} from stdin"
        );
    }
}
