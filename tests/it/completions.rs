//! The committed completion scripts match what the binary generates.

use crate::util::{fixtures, stderr, stdout, Sandbox};

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

/// What bash offers for the words of a command line, the last being the
/// word under the cursor, with `script` loaded as bash-completion loads it:
/// the function `complete -p` names is called as bash calls it.
fn bash_offers(script: &std::path::Path, words: &[&str]) -> Vec<String> {
    let program = r#"
source "$1"; shift
COMP_WORDS=(contact-merge "$@"); COMP_CWORD=$#
COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
f=$(complete -p contact-merge | sed -E 's/.* -F ([^ ]+) .*/\1/')
prev=${COMP_WORDS[COMP_CWORD-1]}
"$f" contact-merge "${COMP_WORDS[COMP_CWORD]}" "$prev"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let out = std::process::Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(program)
        .arg("bash")
        .arg(script)
        .args(words)
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().map(str::to_string).collect()
}

/// The lines and what each must offer: commands' options, an option's
/// values, `help`'s commands, and the top level's commands and options.
/// clap_complete's own script completed the command names only: the cases
/// that complete a command were labelled with names its loop never made
/// (`contact__subcmd__merge__subcmd__apply` for `contact__merge__subcmd__apply`).
const OFFERS: &[(&[&str], &str)] = &[
    (&["apply", "--pl"], "--plan"),
    (&["apply", "--policy", "pr"], "primary-wins"),
    (&["dupes", "--thr"], "--threshold"),
    (&["dupes", "export.csv", "--prim"], "--primary"),
    (&["pull", "--with"], "--with-history"),
    (&["push", "--pl"], "--plan"),
    (&["help", "ap"], "apply"),
    (&["ap"], "apply"),
    (&["du"], "dupes"),
    (&["--co"], "--color"),
];

#[test]
fn bash_completes_commands_options_and_values() {
    let s = Sandbox::new();
    let out = s.cmd().args(["completions", "bash"]).output().unwrap();
    let generated = s.write("generated.bash", &out.stdout);
    let committed = fixtures()
        .parent()
        .unwrap()
        .join("completions/contact-merge.bash");
    for script in [generated, committed] {
        for (words, wanted) in OFFERS {
            let offered = bash_offers(&script, words);
            assert!(
                offered.iter().any(|o| o == wanted),
                "{}: `contact-merge {}<TAB>` offers {offered:?}, not {wanted}",
                script.display(),
                words.join(" ")
            );
        }
    }
    // A command's options only: `apply`'s are not `dupes`'.
    let generated = s.path("generated.bash");
    assert!(!bash_offers(&generated, &["apply", "--thr"]).contains(&"--threshold".to_string()));
}

/// fish, where it is installed: `help <TAB>` offered files, as `help`'s
/// commands were offered only while none of them, `help` included, was on
/// the line.
#[test]
fn fish_completes_help_commands_and_options() {
    if std::process::Command::new("fish")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("fish is not installed: not checked");
        return;
    }
    let s = Sandbox::new();
    let out = s.cmd().args(["completions", "fish"]).output().unwrap();
    let script = s.write("generated.fish", &out.stdout);
    for (line, wanted) in [
        ("contact-merge help ap", "apply"),
        ("contact-merge help ", "dupes"),
        ("contact-merge apply --pl", "--plan"),
        ("contact-merge dupes --thr", "--threshold"),
        ("contact-merge ap", "apply"),
    ] {
        let out = std::process::Command::new("fish")
            .arg("--no-config")
            .arg("-c")
            .arg("source $argv[1]; complete -C $argv[2]")
            .arg(&script)
            .arg(line)
            .current_dir(s.dir.path())
            .output()
            .unwrap();
        let text = stdout(&out);
        let offered: Vec<&str> = text
            .lines()
            .map(|l| l.split('\t').next().unwrap())
            .collect();
        assert!(
            offered.contains(&wanted),
            "`{line}<TAB>` offers {offered:?}"
        );
    }
}
