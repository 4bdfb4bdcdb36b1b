//! `contact-merge completions <shell>`: completions from the clap definition.

use anyhow::Context;
use clap::{Arg, ArgGroup, Command, CommandFactory};

use super::args::{Cli, CompletionsArgs};
use super::{Ctx, Status};

pub fn run(args: &CompletionsArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    ctx.out
        .write_all(&script(args.shell))
        .context("cannot write to stdout")?;
    Ok(Status::Ok)
}

/// The completion script for a shell. Made in memory: clap_complete panics
/// when its writer fails (a closed pipe, a full disk), and the write is
/// ours to report. Hidden options are left out, as `--help` leaves them
/// out: clap_complete offers every option it is given, hidden or not.
pub fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut cli = Cli::command();
    cli.build();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut visible(&cli), BIN, &mut buf);
    match shell {
        clap_complete::Shell::Bash => bash_labels(&String::from_utf8_lossy(&buf), BIN).into(),
        clap_complete::Shell::Fish => fish_help(&String::from_utf8_lossy(&buf)).into(),
        _ => buf,
    }
}

const BIN: &str = "contact-merge";

/// clap_complete's bash script names the command being completed, in its
/// loop over the words, by the binary's name with `-` made `__`
/// (`contact__merge__subcmd__apply`), but labels the cases that complete
/// each command by the name with `-` made `__subcmd__`
/// (`contact__subcmd__merge__subcmd__apply`): no command's case was ever
/// reached, and only command names completed, no option (clap-rs/clap
/// #6421, #6529). The labels are given the names the loop makes; a
/// clap_complete that makes them alike leaves nothing to change.
fn bash_labels(script: &str, bin: &str) -> String {
    let wrong = bin.replace('-', "__subcmd__");
    let right = bin.replace('-', "__");
    let mut out = String::with_capacity(script.len());
    for line in script.split_inclusive('\n') {
        let body = line.trim_start();
        let label = body.trim_end().strip_suffix(')');
        let rest = label.and_then(|l| l.strip_prefix(wrong.as_str()));
        match rest {
            Some(rest) if rest.is_empty() || rest.starts_with("__subcmd__") => {
                out.push_str(&line[..line.len() - body.len()]);
                out.push_str(&right);
                out.push_str(&body[wrong.len()..]);
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// clap_complete's fish script offers a command's commands while none of
/// them is on the line yet; `help`'s commands include `help`, which is on
/// the line, so `contact-merge help <TAB>` offered files. Each such list
/// leaves out the command it belongs to.
fn fish_help(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    for line in script.split_inclusive('\n') {
        out.push_str(&fish_help_line(line).unwrap_or_else(|| line.to_string()));
    }
    out
}

/// A line `... using_subcommand NAME; and not __fish_seen_subcommand_from
/// A B NAME" ...` without NAME in its list; None when it has none to drop.
fn fish_help_line(line: &str) -> Option<String> {
    const SEEN: &str = "; and not __fish_seen_subcommand_from ";
    let (head, tail) = line.split_once(SEEN)?;
    let name = head.rsplit_once("_using_subcommand ")?.1;
    let (list, rest) = tail.split_once('"')?;
    let kept: Vec<&str> = list.split(' ').filter(|w| *w != name).collect();
    if kept.len() == list.split(' ').count() || kept.is_empty() {
        return None;
    }
    Some(format!("{head}{SEEN}{}\"{rest}", kept.join(" ")))
}

/// A built command (its help and version flags and its `help` command are
/// its own by then) made again without its hidden options, and its
/// commands likewise. clap cannot take an option out of a command; what
/// the scripts read is copied: names, about texts, options, groups.
fn visible(cmd: &Command) -> Command {
    let shown = |a: &&Arg| !a.is_hide_set();
    let mut c = Command::new(cmd.get_name().to_string())
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .hide(cmd.is_hide_set())
        .visible_aliases(cmd.get_visible_aliases().map(str::to_string))
        .args(cmd.get_arguments().filter(shown).cloned())
        .subcommands(cmd.get_subcommands().map(visible));
    for g in cmd.get_groups() {
        let members = g.get_args().filter(|id| {
            cmd.get_arguments()
                .any(|a| a.get_id() == *id && !a.is_hide_set())
        });
        c = c.group(
            ArgGroup::new(g.get_id().clone())
                .args(members.cloned())
                .multiple(g.clone().is_multiple())
                .required(g.is_required_set()),
        );
    }
    if let Some(about) = cmd.get_about() {
        c = c.about(about.clone());
    }
    if let Some(about) = cmd.get_long_about() {
        c = c.long_about(about.clone());
    }
    if let Some(v) = cmd.get_version() {
        c = c.version(v.to_string());
    }
    if let Some(name) = cmd.get_bin_name() {
        c = c.bin_name(name.to_string());
    }
    if let Some(name) = cmd.get_display_name() {
        c = c.display_name(name.to_string());
    }
    c
}
