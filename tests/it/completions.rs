//! The committed completion scripts match what the binary generates.

use crate::util::{fixtures, Sandbox};

#[test]
fn committed_completions_are_current() {
    let dir = fixtures().parent().unwrap().join("completions");
    let s = Sandbox::new();
    for (shell, file) in [
        ("bash", "contact-merge.bash"),
        ("zsh", "_contact-merge"),
        ("fish", "contact-merge.fish"),
        ("powershell", "_contact-merge.ps1"),
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
