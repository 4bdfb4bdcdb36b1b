//! `apply` streams JSON documents as it streams CSV and JSON Lines: the
//! output of a file read in two passes is the output of the same file read
//! whole (stdin is read whole), in every format, on the fixtures and on
//! generated exports; records the plan does not touch keep their bytes.

use std::process::Output;

use contact_merge::format::{read_bytes, write_to_vec, Format};
use contact_merge::model::{JsonShape, Layout};

use crate::util::{stderr, Sandbox};

fn apply(s: &Sandbox, args: &[&str]) -> Output {
    let out = s
        .cmd()
        .arg("apply")
        .args(args)
        .arg("--merge-time=2024-06-01T00:00:00Z")
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(3),
        "{args:?}: {}",
        stderr(&out)
    );
    out
}

/// `file` applied with `plan` streamed (from the file) and in memory (from
/// stdin): the two outputs' bytes.
fn streamed_and_in_memory(s: &Sandbox, file: &str, plan: &str) -> (Vec<u8>, Vec<u8>) {
    let ext = file.rsplit('.').next().unwrap();
    let format = match ext {
        "ndjson" => "ndjson",
        "csv" => "csv",
        _ => "json",
    };
    let (a, b) = (format!("streamed.{ext}"), format!("in-memory.{ext}"));
    apply(s, &[file, "--plan", plan, "-o", &a]);
    let input = std::fs::read(s.path(file)).unwrap();
    let out = s
        .cmd()
        .args([
            "apply",
            "-",
            "--input-format",
            format,
            "--plan",
            plan,
            "-o",
            &b,
        ])
        .arg("--merge-time=2024-06-01T00:00:00Z")
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0),
        "{file} from stdin: {}",
        stderr(&out)
    );
    (s.read(&a), s.read(&b))
}

/// Small generated exports in all three formats (JSON in its three shapes,
/// on one line and indented), with their true plan: the streamed output is
/// the in-memory output, byte for byte.
#[test]
fn generated_exports_stream_to_the_in_memory_bytes_in_every_format() {
    let s = Sandbox::new();
    let g = contact_merge::gen::generate(&contact_merge::gen::GenOptions {
        contacts: 1500,
        duplicate_rate: 0.15,
        seed: 11,
    });
    s.write("g.plan.csv", contact_merge::gen::plan_csv(&g.pairs));
    s.write("empty.csv", "primary_id,secondary_id\n");
    let csv = contact_merge::gen::to_csv_export(&g);
    s.write("g.csv", write_to_vec(&csv, Format::Csv));
    s.write("g.ndjson", write_to_vec(&g.export, Format::Ndjson));
    let results = JsonShape::Object {
        contacts_key: "results".into(),
        top: [("results".to_string(), serde_json::json!([]))]
            .into_iter()
            .collect(),
    };
    let mut files = vec!["g.csv".to_string(), "g.ndjson".to_string()];
    for (k, shape) in [JsonShape::Array, results].into_iter().enumerate() {
        for pretty in [false, true] {
            let mut export = g.export.clone();
            export.layout = Layout::Json {
                shape: shape.clone(),
                pretty,
                text: Default::default(),
            };
            let name = format!("g{k}{}.json", if pretty { "p" } else { "" });
            s.write(&name, write_to_vec(&export, Format::Json));
            files.push(name);
        }
    }
    for file in &files {
        let (streamed, in_memory) = streamed_and_in_memory(&s, file, "g.plan.csv");
        assert!(streamed == in_memory, "{file}: the outputs differ");
        // An empty plan copies the file.
        let (copy, _) = streamed_and_in_memory(&s, file, "empty.csv");
        assert!(copy == s.read(file), "{file}: the copy differs");
    }
}

/// The fixtures' JSON documents, whatever their style: the streamed output
/// holds the in-memory output's contacts, and comes back byte for byte
/// where the in-memory writer writes the file's own style.
#[test]
fn json_fixtures_stream_to_the_in_memory_contacts() {
    let s = Sandbox::new();
    let mut seen = 0;
    for dir in ["", "odd/"] {
        for entry in std::fs::read_dir(crate::util::fixtures().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let bytes = std::fs::read(&path).unwrap();
            let export = read_bytes(&bytes, Format::Json, &name).unwrap();
            // The first contact merges the second, and the last the first.
            let ids: Vec<&str> = export.contacts.iter().map(|c| c.id.as_str()).collect();
            if ids.len() < 2 {
                continue;
            }
            seen += 1;
            let mut plan = format!("primary_id,secondary_id\n{},{}\n", ids[0], ids[1]);
            if ids.len() > 2 {
                plan.push_str(&format!("{},{}\n", ids[ids.len() - 1], ids[0]));
            }
            s.write("p.csv", plan);
            s.write(&name, &bytes);
            let (streamed, in_memory) = streamed_and_in_memory(&s, &name, "p.csv");
            let a = read_bytes(&streamed, Format::Json, "streamed").unwrap();
            let b = read_bytes(&in_memory, Format::Json, "in memory").unwrap();
            assert_eq!(a.contacts, b.contacts, "{name}");
            if write_to_vec(&export, Format::Json) == bytes {
                assert!(streamed == in_memory, "{name}: the outputs differ");
            }
        }
    }
    assert!(seen >= 3, "{seen} JSON fixtures");
}

/// A JSON document that does not read is refused before anything is
/// written, in the words of the whole-file reading.
#[test]
fn json_documents_that_do_not_read_are_refused_in_the_same_words() {
    let s = Sandbox::new();
    s.write("p.csv", "primary_id,secondary_id\n1,2\n");
    for doc in [
        "[{\"id\":\"1\"},{\"id\":\"2\"},{\"id\":\"3\",\"properties\":{\"a\":{}}}]",
        "{\"results\":[{\"id\":\"1\"},{\"id\":\"2\"}],\"paging\":",
        "[{\"id\":\"1\"},{\"id\":\"2\"},{\"id\":\"1\"}]",
    ] {
        s.write("d.json", doc);
        let streamed = s
            .cmd()
            .args(["apply", "d.json", "--plan", "p.csv", "-o", "out.json"])
            .output()
            .unwrap();
        let in_memory = s
            .cmd()
            .args(["apply", "-", "--input-format", "json", "--plan", "p.csv"])
            .args(["-o", "out.json"])
            .write_stdin(doc)
            .output()
            .unwrap();
        assert_eq!(streamed.status.code(), Some(1), "{doc}");
        assert_eq!(in_memory.status.code(), Some(1), "{doc}");
        let words = |o: &Output| stderr(o).replace("<stdin>", "d.json");
        assert_eq!(words(&streamed), words(&in_memory), "{doc}");
        assert!(!s.path("out.json").exists(), "{doc}: nothing written");
    }
}

/// JSON Lines with CRLF line ends keep them whichever way the file is
/// read: streamed from a file (its bytes copied) or from stdin (held in
/// memory, written back with the line end its first line had).
#[test]
fn crlf_json_lines_keep_their_line_ends_from_stdin_too() {
    let s = Sandbox::new();
    s.write(
        "c.ndjson",
        "{\"id\":\"1\",\"properties\":{\"email\":\"a@x.com\"}}\r\n\
         {\"id\":\"2\",\"properties\":{\"email\":\"b@x.com\"}}\r\n\
         {\"id\":\"3\",\"properties\":{\"email\":\"c@x.com\"}}\r\n",
    );
    s.write("p.csv", "primary_id,secondary_id\n1,2\n");
    let (streamed, in_memory) = streamed_and_in_memory(&s, "c.ndjson", "p.csv");
    assert_eq!(streamed, in_memory);
    let text = String::from_utf8(in_memory).unwrap();
    assert_eq!(text.matches("\r\n").count(), 2, "{text}");
    assert_eq!(text.matches('\n').count(), 2, "{text}");
}

/// A bare array whose contacts each stand compact on a line of their own
/// (as many scripts write one): the merged contact takes one line too,
/// and the bytes are the same from the file, from stdin, with a
/// journal's restore and through an identity copy (from stdin the whole
/// document was re-indented, from the file the merged contact was spread
/// over lines without indentation).
#[test]
fn contacts_one_to_a_line_stay_so_on_every_path() {
    let s = Sandbox::new();
    for (name, indent) in [("flat.json", ""), ("indented.json", "  ")] {
        let doc = format!(
            "[\n{indent}{{\"id\":\"1\",\"properties\":{{\"email\":\"a@x.com\"}}}},\n\
             {indent}{{\"id\":\"2\",\"properties\":{{\"email\":\"b@x.com\"}}}},\n\
             {indent}{{\"id\":\"3\",\"properties\":{{\"email\":\"c@x.com\"}}}}\n]\n"
        );
        s.write(name, &doc);
        s.write("p.csv", "primary_id,secondary_id\n1,2\n");
        s.write("e.csv", "primary_id,secondary_id\n");
        let run = |args: &[&str], stdin: Option<&str>| {
            let mut cmd = s.cmd();
            cmd.args(args).arg("-q");
            if args[0] == "apply" {
                cmd.args(["--merge-time", "2024-06-01T00:00:00Z"]);
            }
            if let Some(text) = stdin {
                cmd.write_stdin(text.to_string());
            }
            let out = cmd.output().unwrap();
            assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        };
        let _ = std::fs::remove_file(s.path("j.jsonl"));
        run(
            &[
                "apply",
                name,
                "--plan",
                "p.csv",
                "-o",
                "a.json",
                "--journal",
                "j.jsonl",
            ],
            None,
        );
        run(
            &["apply", "-", "--plan", "p.csv", "-o", "b.json"],
            Some(&doc),
        );
        let a = String::from_utf8(s.read("a.json")).unwrap();
        assert_eq!(a, String::from_utf8(s.read("b.json")).unwrap(), "{name}");
        assert_eq!(a.lines().count(), 4, "{a}");
        assert!(
            a.lines()
                .nth(1)
                .unwrap()
                .starts_with(&format!("{indent}{{\"id\":\"1\"")),
            "{a}"
        );
        run(
            &["apply", "-", "--plan", "e.csv", "-o", "c.json"],
            Some(&doc),
        );
        assert_eq!(s.read("c.json"), doc.as_bytes(), "{name}");
        run(
            &[
                "unmerge",
                "a.json",
                "1",
                "--restore",
                "2",
                "--journal",
                "j.jsonl",
                "-o",
                "r.json",
            ],
            None,
        );
        assert_eq!(s.read("r.json"), doc.as_bytes(), "{name}");
    }
}
