//! File modes (SPEC 7, issue 16): an output keeps the mode of the file it
//! replaces; a new one (output, journal, plan) takes the input's. Before, a
//! 0600 export came out 0644 after `--in-place`, and journals were 0644:
//! personal data made world-readable.

use std::os::unix::fs::PermissionsExt;

use crate::util::{stderr, Sandbox};

/// The permission bits, in octal as `ls` and `chmod` say them.
fn mode(sb: &Sandbox, name: &str) -> String {
    let m = std::fs::metadata(sb.path(name))
        .unwrap()
        .permissions()
        .mode();
    format!("{:o}", m & 0o777)
}

fn chmod(sb: &Sandbox, name: &str, mode: u32) {
    std::fs::set_permissions(sb.path(name), std::fs::Permissions::from_mode(mode)).unwrap();
}

fn run(sb: &Sandbox, args: &[&str]) {
    let out = sb.cmd().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
}

#[test]
fn in_place_keeps_a_private_export_private() {
    let sb = Sandbox::new();
    sb.write("copy.csv", sb.read("contacts.csv"));
    for file in ["contacts.csv", "copy.csv", "contacts.json"] {
        chmod(&sb, file, 0o600);
    }
    let runs: [&[&str]; 4] = [
        // Streamed, and in memory.
        &["apply", "contacts.csv", "--plan", "plan.csv", "--in-place"],
        &["merge", "copy.csv", "103", "104", "--in-place"],
        &["merge", "contacts.json", "101", "102", "--in-place"],
        &[
            "unmerge",
            "contacts.json",
            "101",
            "jane@doe-family.net",
            "--in-place",
        ],
    ];
    for args in runs {
        let file = args[1];
        let before = sb.read(file);
        run(&sb, args);
        assert_ne!(sb.read(file), before, "{args:?} did not replace {file}");
        assert_eq!(mode(&sb, file), "600", "{args:?}");
    }
}

#[test]
fn a_new_output_takes_the_mode_of_its_input() {
    let sb = Sandbox::new();
    for file in ["contacts.csv", "contacts.json", "dupes.csv"] {
        chmod(&sb, file, 0o600);
    }
    let runs: [(&[&str], &str); 5] = [
        (
            &["apply", "contacts.csv", "--plan", "plan.csv", "-o", "a.csv"],
            "a.csv",
        ),
        (
            &[
                "apply",
                "contacts.csv",
                "--plan",
                "plan.csv",
                "-o",
                "a.json",
            ],
            "a.json",
        ),
        (
            &["merge", "contacts.csv", "101", "102", "-o", "m.csv"],
            "m.csv",
        ),
        (
            &[
                "unmerge",
                "contacts.json",
                "102",
                "JANE@doe-family.net",
                "-o",
                "u.json",
            ],
            "u.json",
        ),
        (
            &["dupes", "dupes.csv", "-o", "plan-found.csv"],
            "plan-found.csv",
        ),
    ];
    for (args, made) in runs {
        run(&sb, args);
        assert_eq!(mode(&sb, made), "600", "{args:?}");
    }
}

#[test]
fn a_journal_takes_the_mode_of_its_input() {
    let sb = Sandbox::new();
    chmod(&sb, "contacts.csv", 0o600);
    chmod(&sb, "contacts.json", 0o600);
    let runs: [(&[&str], &str); 3] = [
        (
            &[
                "apply",
                "contacts.csv",
                "--plan",
                "plan.csv",
                "-o",
                "a.csv",
                "--journal",
                "a.jsonl",
            ],
            "a.jsonl",
        ),
        (
            &[
                "merge",
                "contacts.csv",
                "101",
                "102",
                "-o",
                "m.csv",
                "--journal",
                "m.jsonl",
            ],
            "m.jsonl",
        ),
        (
            &[
                "merge",
                "contacts.json",
                "101",
                "102",
                "-o",
                "m.json",
                "--journal",
                "n.jsonl",
            ],
            "n.jsonl",
        ),
    ];
    for (args, journal) in runs {
        run(&sb, args);
        assert_eq!(mode(&sb, journal), "600", "{args:?}");
    }
}

/// The old file's mode exactly, whatever the input's and even where the
/// umask would take a bit away from a new file (group write).
#[test]
fn replacing_an_output_keeps_its_mode() {
    let sb = Sandbox::new();
    chmod(&sb, "contacts.csv", 0o600);
    sb.write("out.csv", "old");
    sb.write("journal.jsonl", "");
    sb.write("out.json", "old");
    chmod(&sb, "out.csv", 0o640);
    chmod(&sb, "journal.jsonl", 0o660);
    chmod(&sb, "out.json", 0o664);
    run(
        &sb,
        &[
            "apply",
            "contacts.csv",
            "--plan",
            "plan.csv",
            "-o",
            "out.csv",
            "--journal",
            "journal.jsonl",
        ],
    );
    run(
        &sb,
        &["merge", "contacts.csv", "101", "102", "-o", "out.json"],
    );
    assert_ne!(sb.read("out.csv"), b"old");
    assert_ne!(sb.read("out.json"), b"old");
    assert_eq!(mode(&sb, "out.csv"), "640");
    assert_eq!(mode(&sb, "journal.jsonl"), "660");
    assert_eq!(mode(&sb, "out.json"), "664");
}

/// An export given on stdin from a file (`< in.csv`) is that file: what is
/// made from it takes its mode, as when it is named (the way a script
/// feeds it must not make a private export's merge world-readable).
#[test]
fn outputs_from_a_redirected_stdin_take_its_mode() {
    let sb = Sandbox::new();
    chmod(&sb, "contacts.csv", 0o600);
    let input = std::fs::File::open(sb.path("contacts.csv")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_contact-merge"))
        .current_dir(sb.path(""))
        .args(["apply", "-", "--input-format", "csv", "--plan", "plan.csv"])
        .args(["-o", "s.csv", "--journal", "s.jsonl"])
        .stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(mode(&sb, "s.csv"), "600");
    assert_eq!(mode(&sb, "s.jsonl"), "600");
}

#[test]
fn a_write_protected_output_or_journal_is_refused_and_left_as_it_was() {
    // `chmod a-w` is how an audit log is kept: the rename that puts a
    // result in place would replace it anyway, so it is refused first.
    let sb = Sandbox::new();
    sb.write("out.json", "precious\n");
    chmod(&sb, "out.json", 0o444);
    sb.write("log.jsonl", "");
    chmod(&sb, "log.jsonl", 0o444);
    for args in [
        &["merge", "contacts.json", "101", "102", "-o", "out.json"][..],
        &[
            "merge",
            "contacts.json",
            "101",
            "102",
            "-o",
            "new.json",
            "--journal",
            "log.jsonl",
        ],
        &["dupes", "contacts.json", "-o", "out.json"],
    ] {
        let out = sb.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("is write-protected (mode 444)"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(sb.read("out.json"), b"precious\n");
    assert_eq!(sb.read("log.jsonl"), b"");
    assert!(!sb.path("new.json").exists());
    // Writable again, it is replaced.
    chmod(&sb, "out.json", 0o644);
    run(
        &sb,
        &["merge", "contacts.json", "101", "102", "-o", "out.json"],
    );
    assert_ne!(sb.read("out.json"), b"precious\n");
}

#[test]
fn a_write_protected_push_log_is_not_appended_to_but_a_dry_run_reads_it() {
    // Refused before the token is even looked for: nothing is sent.
    let sb = Sandbox::new();
    sb.write("pl.jsonl", "");
    chmod(&sb, "pl.jsonl", 0o444);
    let push = [
        "push",
        "contacts.csv",
        "--plan",
        "plan.csv",
        "--log",
        "pl.jsonl",
    ];
    let out = sb
        .cmd()
        .args(push)
        .env_remove("HUBSPOT_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("pl.jsonl: cannot append to the push log: it is write-protected"),
        "{}",
        stderr(&out)
    );
    let out = sb.cmd().args(push).arg("--dry-run").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sb.read("pl.jsonl"), b"");
}
