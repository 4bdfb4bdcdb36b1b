//! The committed completion scripts match what the binary generates.

use crate::util::{fixtures, stdout, Sandbox};

#[test]
fn committed_completions_are_current() {
    let dir = fixtures().parent().unwrap().join("completions");
    let s = Sandbox::new();
    for (shell, file) in [
        ("bash", "contact-merge.bash"),
        ("zsh", "_contact-merge"),
        ("fish", "contact-merge.fish"),
        ("powershell", "_contact-merge.ps1"),
        ("elvish", "contact-merge.elv"),
    ] {
        let out = s.cmd().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        let committed = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "completions/{file} is stale: run `cargo run -- completions {shell} > completions/{file}` (or run scripts/gen-completions.sh)"
        );
    }
}

/// Hidden options are offered by no shell, as `--help` shows none: the
/// tests' `--backoff-ms` (pull, push) was in every script, and so were the
/// four options still taken before a command for old scripts (`--format`,
/// `--merge-time`, `--input-format`, `--output-format`).
#[test]
fn hidden_options_are_not_completed() {
    let s = Sandbox::new();
    let script = |shell: &str| stdout(&s.cmd().args(["completions", shell]).output().unwrap());
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let text = script(shell);
        assert!(!text.contains("backoff"), "{shell}: {text}");
    }
    // Before a command: --color, --quiet, --help and --version only.
    let bash = script("bash");
    let root = bash
        .lines()
        .find(|l| l.trim_start().starts_with("opts="))
        .unwrap();
    for hidden in [
        "--format",
        "--merge-time",
        "--input-format",
        "--output-format",
    ] {
        assert!(!root.contains(hidden), "{root}");
    }
    let fish = script("fish");
    let root: Vec<&str> = fish
        .lines()
        .filter(|l| l.starts_with("complete ") && l.contains("_needs_command\" "))
        .filter_map(|l| l.split(" -l ").nth(1)?.split(' ').next())
        .collect();
    assert_eq!(root, ["color", "quiet", "help", "version"], "{fish}");
}
