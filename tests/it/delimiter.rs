//! CSV with `;` (European Excel) and tab between cells (SPEC section 3):
//! sniffed from the header row, read by every command, and written back
//! with the delimiter read, streamed and in memory.

use crate::util::{fixtures, stderr, stdout, Sandbox};

/// The `;` and tab fixtures, their delimiter.
const SHAPES: [(&str, u8); 2] = [("excel-semicolon.csv", b';'), ("excel-tab.csv", b'\t')];

/// A sandbox with the fixture `name` from fixtures/real/.
fn sandbox_with(name: &str) -> Sandbox {
    let sb = Sandbox::new();
    sb.write(
        name,
        std::fs::read(fixtures().join("real").join(name)).unwrap(),
    );
    sb
}

/// The rows of CSV bytes split with `delimiter`.
fn rows(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn check_reads_every_contact_and_finds_the_record_id() {
    for (name, _) in SHAPES {
        let sb = sandbox_with(name);
        let out = sb.cmd().args(["check", name]).output().unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("5 contacts, no problems"),
            "{name}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn show_and_diff_read_the_cells() {
    for (name, _) in SHAPES {
        let sb = sandbox_with(name);
        let out = sb.cmd().args(["show", name, "102"]).output().unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let text = stdout(&out);
        // A cell holding `;` and one holding a line break, read whole.
        assert!(text.contains("janedoe@gmail.com"), "{name}: {text}");
        assert!(text.contains("jane@doe-family.net"), "{name}: {text}");
        let out = sb
            .cmd()
            .args(["diff", name, "101", "102", "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert!(stdout(&out).contains("Doe-Miller"), "{name}");
    }
}

#[test]
fn merge_writes_the_delimiter_read() {
    for (name, delimiter) in SHAPES {
        let sb = sandbox_with(name);
        let out = sb
            .cmd()
            .args(["merge", name, "101", "102", "-o", "out.csv"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let original = rows(&sb.read(name), delimiter);
        let merged = rows(&sb.read("out.csv"), delimiter);
        assert_eq!(merged[0], original[0], "{name}: the header is kept");
        assert_eq!(merged.len(), original.len() - 1, "{name}");
        let row = merged.iter().find(|r| r[0] == "101").unwrap();
        assert_eq!(row[2], "Doe-Miller", "{name}");
        assert!(row.iter().all(|c| c.len() < 200), "{name}: cells split");
    }
}

#[test]
fn apply_streamed_and_in_memory_write_the_same_bytes() {
    for (name, delimiter) in SHAPES {
        let sb = sandbox_with(name);
        // A file is streamed; stdin is read into memory.
        let out = sb
            .cmd()
            .args(["apply", name, "--plan", "plan.csv", "-o", "streamed.csv"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let out = sb
            .cmd()
            .args(["apply", "-", "--input-format", "csv", "--plan", "plan.csv"])
            .args(["-o", "memory.csv"])
            .write_stdin(sb.read(name))
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let streamed = sb.read("streamed.csv");
        assert_eq!(
            String::from_utf8_lossy(&streamed),
            String::from_utf8_lossy(&sb.read("memory.csv")),
            "{name}"
        );
        let merged = rows(&streamed, delimiter);
        assert_eq!(merged.len(), 4, "{name}: header and three contacts");
        assert!(merged.iter().all(|r| r.len() == merged[0].len()), "{name}");
        assert!(!String::from_utf8_lossy(&streamed)
            .lines()
            .next()
            .unwrap()
            .contains(','));
    }
}

#[test]
fn identity_apply_gives_the_same_bytes() {
    for (name, _) in SHAPES {
        let sb = sandbox_with(name);
        sb.write("none.csv", "primary_id,secondary_id\n");
        for (input, stdin) in [(name, None), ("-", Some(sb.read(name)))] {
            let mut cmd = sb.cmd();
            cmd.args([
                "apply",
                input,
                "--input-format",
                "csv",
                "--plan",
                "none.csv",
            ])
            .args(["-o", "same.csv"]);
            if let Some(bytes) = stdin {
                cmd.write_stdin(bytes);
            }
            let out = cmd.output().unwrap();
            assert!(out.status.success(), "{name}: {}", stderr(&out));
            assert_eq!(sb.read("same.csv"), sb.read(name), "{name} from {input}");
        }
    }
}

#[test]
fn a_comma_file_with_semicolons_in_cells_stays_comma() {
    // contacts.csv holds `302;301` in a cell: the header decides.
    let sb = Sandbox::new();
    let out = sb.cmd().args(["check", "contacts.csv"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn dupes_and_unmerge_read_semicolons() {
    let name = "excel-semicolon.csv";
    let sb = sandbox_with(name);
    let out = sb.cmd().args(["dupes", name]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sb
        .cmd()
        .args([
            "unmerge",
            name,
            "102",
            "jane@doe-family.net",
            "-o",
            "split.csv",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let split = rows(&sb.read("split.csv"), b';');
    assert_eq!(split.len(), 7, "a new contact");
    assert_eq!(split[0], rows(&sb.read(name), b';')[0]);
}

/// `--delimiter` decides instead of the header row: the right one reads
/// and writes back the same bytes, a wrong one finds no record id column,
/// and a delimiter the tool does not read is a usage error.
#[test]
fn the_delimiter_flag_overrides_the_sniffing() {
    for (name, flag) in [("excel-semicolon.csv", ";"), ("excel-tab.csv", "tab")] {
        let sb = sandbox_with(name);
        sb.write("empty.csv", "primary_id,secondary_id\n");
        let out = sb
            .cmd()
            .args(["apply", name, "--plan", "empty.csv", "-o", "out.csv"])
            .args(["--delimiter", flag])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert_eq!(sb.read("out.csv"), sb.read(name), "{name}");
        let out = sb
            .cmd()
            .args(["check", name, "--delimiter", ","])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(stdout(&out).contains("no record id column"), "{name}");
    }
    let sb = sandbox_with("excel-semicolon.csv");
    let out = sb
        .cmd()
        .args(["check", "excel-semicolon.csv", "--delimiter", "|"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("give \",\", \";\" or tab"));
}

/// `--delimiter` for an export that is not CSV changes nothing, and says
/// so (it was silently ignored: a user asking for `;` got commas).
#[test]
fn a_delimiter_for_an_export_that_is_no_csv_is_said_to_change_nothing() {
    let sb = Sandbox::new();
    sb.write(
        "c.json",
        std::fs::read(fixtures().join("contacts.json")).unwrap(),
    );
    sb.write("p.csv", "primary_id,secondary_id\n");
    let out = sb
        .cmd()
        .args(["apply", "c.json", "--plan", "p.csv", "-o", "x.csv"])
        .args(["--delimiter", ";"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: --delimiter is the delimiter of a CSV export, and c.json is JSON: it changes nothing (a CSV written from it uses commas)"),
        "{err}"
    );
    assert!(String::from_utf8(sb.read("x.csv"))
        .unwrap()
        .starts_with("hs_object_id,firstname,"));
    // A command that writes no export says nothing of a CSV written.
    let out = sb
        .cmd()
        .args(["dupes", "c.json", "--delimiter", ";"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(
        err.contains("c.json is JSON: it changes nothing\n") && !err.contains("written from it"),
        "{err}"
    );
}

/// `--enroll-on-merge` on a CSV export: workflows are a JSON export's, so
/// it changes nothing, and that is said (it was silently ignored); on
/// JSON it acts and says nothing of the kind.
#[test]
fn enroll_on_merge_for_a_csv_export_is_said_to_change_nothing() {
    let sb = Sandbox::new();
    let warn = "--enroll-on-merge marks the primary's workflows, which a CSV or XLSX export does not hold (contacts.csv): it changes nothing";
    let out = sb
        .cmd()
        .args([
            "merge",
            "contacts.csv",
            "101",
            "102",
            "-o",
            "o.csv",
            "--enroll-on-merge",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(warn), "{}", stderr(&out));
    let out = sb
        .cmd()
        .args([
            "merge",
            "contacts.json",
            "101",
            "102",
            "-o",
            "o.json",
            "--enroll-on-merge",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("it changes nothing"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("--enroll-on-merge: these workflows"),
        "{}",
        stderr(&out)
    );
}
