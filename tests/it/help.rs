//! Help, usage and the man page: each command lists the options it uses
//! and no other; `unmerge`'s usage names its arguments in order; the
//! committed man pages match what the binary prints.

use crate::util::{fixtures, stderr, stdout, Sandbox};

const T: &str = "2024-06-01T00:00:00Z";

/// The long options a help text lists (its option lines), without --help
/// and --version.
fn listed_options(help: &str) -> Vec<String> {
    help.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('-'))
        .filter_map(|l| {
            l.split([' ', ','])
                .find(|w| w.starts_with("--"))
                .map(str::to_string)
        })
        .filter(|o| o != "--help" && o != "--version")
        .collect()
}

fn help_of(s: &Sandbox, command: &str) -> String {
    let out = s.cmd().args([command, "--help"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn unmerge_usage_names_the_file_and_the_id_first() {
    let s = Sandbox::new();
    let help = help_of(&s, "unmerge");
    assert!(
        help.contains(
            "Usage: contact-merge unmerge [OPTIONS] <FILE> <ID> <EMAIL> <-o <OUT>|--in-place> [--new-id <ID>]\n"
        ),
        "{help}"
    );
    assert!(
        help.contains(
            "       contact-merge unmerge [OPTIONS] <FILE> <ID> --restore <SECONDARY_ID> --journal <J> <-o <OUT>|--in-place>\n"
        ),
        "{help}"
    );
    // A usage error shows the same usage.
    let out = s
        .cmd()
        .args(["unmerge", "contacts.json", "101", "-o", "x.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Usage: contact-merge unmerge [OPTIONS] <FILE> <ID> <EMAIL>"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn each_command_lists_only_the_shared_options_it_uses() {
    let s = Sandbox::new();
    let shared = [
        "--format",
        "--color",
        "--quiet",
        "--merge-time",
        "--input-format",
        "--output-format",
        "--sanitize-formulas",
    ];
    for (command, uses) in [
        (
            "show",
            &["--format", "--color", "--quiet", "--input-format"][..],
        ),
        (
            "check",
            &["--format", "--color", "--quiet", "--input-format"],
        ),
        (
            "diff",
            &[
                "--format",
                "--color",
                "--quiet",
                "--merge-time",
                "--input-format",
            ],
        ),
        (
            "merge",
            &[
                "--format",
                "--color",
                "--quiet",
                "--merge-time",
                "--input-format",
                "--output-format",
                "--sanitize-formulas",
            ],
        ),
        ("apply", &shared),
        (
            "unmerge",
            &[
                "--format",
                "--color",
                "--quiet",
                "--merge-time",
                "--input-format",
                "--output-format",
                "--sanitize-formulas",
            ],
        ),
        (
            "dupes",
            &["--format", "--color", "--quiet", "--input-format"],
        ),
        ("completions", &[]),
        ("man", &[]),
    ] {
        let listed = listed_options(&help_of(&s, command));
        for option in shared {
            assert_eq!(
                listed.iter().any(|o| o == option),
                uses.contains(&option),
                "`{command} --help` and {option}: lists {listed:?}"
            );
        }
    }
    // Before the command: only the options every command takes.
    let out = s.cmd().arg("--help").output().unwrap();
    assert_eq!(listed_options(&stdout(&out)), ["--color", "--quiet"]);
}

#[test]
fn an_option_after_a_command_that_does_not_use_it_is_a_usage_error() {
    let s = Sandbox::new();
    for args in [
        &["show", "contacts.json", "101", "--merge-time", T][..],
        &["show", "contacts.json", "101", "--output-format", "csv"],
        &["check", "contacts.json", "--merge-time", T],
        &["completions", "bash", "--format", "json"],
    ] {
        let out = s.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("unexpected argument"), "{args:?}");
    }
}

#[test]
fn an_option_before_a_command_that_does_not_use_it_is_a_usage_error() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args(["--merge-time", T, "show", "contacts.json", "101"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "error: --merge-time means nothing to `show`; remove it (it is for diff, merge, apply and unmerge)\n"
    );
    let out = s
        .cmd()
        .args(["--output-format", "csv", "dupes", "dupes.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("merge, apply and unmerge"),
        "{}",
        stderr(&out)
    );
}

/// Scripts written when every option was global keep working: the
/// options before the command mean what they meant.
#[test]
fn options_before_the_command_still_work() {
    let s = Sandbox::new();
    let before = s
        .cmd()
        .args(["--format", "json", "check", "contacts.csv"])
        .output()
        .unwrap();
    let after = s
        .cmd()
        .args(["check", "contacts.csv", "--format", "json"])
        .output()
        .unwrap();
    assert!(before.status.success());
    assert!(stdout(&before).starts_with('{'), "{}", stdout(&before));
    assert_eq!(before.stdout, after.stdout);

    let before = s
        .cmd()
        .args(["--merge-time", T, "--format", "json"])
        .args(["diff", "contacts.json", "101", "102"])
        .output()
        .unwrap();
    let after = s
        .cmd()
        .args(["diff", "contacts.json", "101", "102"])
        .args(["--merge-time", T, "--format", "json"])
        .output()
        .unwrap();
    assert!(before.status.success(), "{}", stderr(&before));
    assert!(stdout(&before).contains(r#""mergeTime": "2024-06-01T00:00:00.000Z""#));
    assert_eq!(before.stdout, after.stdout);

    let out = s
        .cmd()
        .args([
            "--quiet",
            "--input-format",
            "json",
            "--output-format",
            "csv",
        ])
        .args(["--merge-time", T, "merge", "-", "101", "102", "-o", "-"])
        .write_stdin(s.read("contacts.json"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("hs_object_id,"),
        "{}",
        stdout(&out)
    );
    assert!(
        !stderr(&out).contains("merged 102 into 101"),
        "--quiet before the command: {}",
        stderr(&out)
    );

    // After the command wins.
    let out = s
        .cmd()
        .args(["--format", "json", "show", "contacts.json", "101"])
        .args(["--format", "table"])
        .output()
        .unwrap();
    assert!(stdout(&out).starts_with('┌'), "{}", stdout(&out));
}

#[test]
fn man_prints_the_page_of_the_tool_or_of_a_command() {
    let s = Sandbox::new();
    let out = s.cmd().arg("man").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH contact-merge 1"), "{page}");
    assert!(page.contains("contact\\-merge\\-apply(1)"), "{page}");
    let out = s.cmd().args(["man", "unmerge"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH contact-merge-unmerge 1"), "{page}");
    assert!(page.contains("\\-\\-restore"), "{page}");
    assert!(page.contains("<FILE> <ID> <EMAIL>"), "{page}");
    let out = s.cmd().args(["man", "frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no command \"frobnicate\"; the commands are show, check"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn man_on_a_closed_or_full_stdout_does_not_panic() {
    use std::process::Stdio;
    // The reading end closed before anything is read.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("contact-merge"))
        .arg("man")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    if std::path::Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("contact-merge"))
            .arg("man")
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).starts_with("error: cannot write the man page to stdout"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn committed_man_pages_are_current() {
    let dir = fixtures().parent().unwrap().join("man");
    let s = Sandbox::new();
    let main = s.cmd().arg("man").output().unwrap();
    assert!(main.status.success());
    let page = stdout(&main);
    // The main page and every page it refers to.
    let mut expected = vec![("contact-merge.1".to_string(), main.stdout.clone())];
    for (i, _) in page.match_indices("contact\\-merge\\-") {
        let rest = &page[i + "contact\\-merge\\-".len()..];
        let Some(command) = referred_command(rest) else {
            continue;
        };
        let out = s.cmd().args(["man", command]).output().unwrap();
        assert!(out.status.success(), "man {command}: {}", stderr(&out));
        expected.push((format!("contact-merge-{command}.1"), out.stdout));
    }
    assert!(expected.len() > 5, "{page}");
    let stale = "run scripts/gen-man.sh to regenerate man/";
    for (file, bytes) in &expected {
        let committed = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(committed == *bytes, "man/{file} is stale: {stale}");
    }
    let mut committed: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    committed.sort();
    let mut names: Vec<String> = expected.into_iter().map(|(f, _)| f).collect();
    names.sort();
    assert_eq!(committed, names, "man/ holds other pages: {stale}");
}

/// The command a page reference names: `apply(1) ...` gives `apply`.
fn referred_command(rest: &str) -> Option<&str> {
    let end = rest
        .find(|c: char| !c.is_ascii_lowercase())
        .unwrap_or(rest.len());
    rest[end..].starts_with("(1)").then(|| &rest[..end])
}

/// Regression (bug hunt E, B15): the man pages' synopsis showed options
/// that take a value without it (`[--color]`), as if they were flags.
#[test]
fn the_man_synopsis_shows_the_value_an_option_takes() {
    let s = Sandbox::new();
    for (page, shown) in [
        (
            None,
            r"[\fB\-\-color\fR \fI<COLOR>\fR] [\fB\-q\fR|\fB\-\-quiet\fR]",
        ),
        (Some("apply"), r"[\fB\-o\fR|\fB\-\-output\fR \fI<FILE>\fR]"),
        (Some("apply"), r"<\fB\-\-plan\fR \fI<PLAN>\fR>"),
        (Some("check"), r"[\fB\-\-format\fR \fI<FORMAT>\fR]"),
    ] {
        let out = s.cmd().arg("man").args(page).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        let synopsis = text
            .lines()
            .skip_while(|l| *l != ".SH SYNOPSIS")
            .nth(1)
            .unwrap();
        assert!(
            synopsis.contains(shown),
            "{page:?}: {shown} not in {synopsis}"
        );
    }
}

/// Regression (bug hunt E, B15): `completions elvish` worked but neither
/// the help nor the README said so.
#[test]
fn completions_help_and_readme_name_every_shell() {
    let s = Sandbox::new();
    let out = s.cmd().args(["completions", "--help"]).output().unwrap();
    let help = stdout(&out);
    assert!(
        help.contains("(bash, elvish, fish, powershell, zsh)"),
        "{help}"
    );
    assert!(help.contains("contact-merge completions elvish"), "{help}");
    let readme = std::fs::read_to_string(crate::util::fixtures().join("../README.md")).unwrap();
    assert!(
        readme.contains("contact-merge completions elvish"),
        "README"
    );
    let out = s.cmd().args(["completions", "elvish"]).output().unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).contains("contact-merge"), "{}", stdout(&out));
}

/// Every line of every command's examples is a whole command (or one that
/// goes on past a `\`, or a `#` comment), as clap prints them without a
/// terminal (at most 100 columns): `apply`'s `--journal merges.jsonl`,
/// `pull`'s `--with-history` and `dupes`' plan header were each wrapped
/// onto a line of their own, and copying such a command broke it.
#[test]
fn examples_fit_on_their_lines() {
    let s = Sandbox::new();
    let out = s.cmd().arg("--help").output().unwrap();
    let commands: Vec<String> = stdout(&out)
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 10, "{commands:?}");
    for command in &commands {
        let help = help_of(&s, command);
        let mut examples = help.lines().skip_while(|l| *l != "Examples:").skip(1);
        let mut continued = false;
        let mut seen = 0;
        for line in examples.by_ref().take_while(|l| !l.is_empty()) {
            let whole = ["  contact-merge ", "  HUBSPOT_TOKEN=", "  # "]
                .iter()
                .any(|p| line.starts_with(p));
            assert!(
                whole || (continued && line.starts_with("      -")),
                "{command} --help: an example's line is a piece of one: {line:?}\n{help}"
            );
            continued = line.ends_with(" \\");
            seen += 1;
        }
        assert!(seen > 0 && !continued, "{command} --help\n{help}");
    }
}
