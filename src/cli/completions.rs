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
    clap_complete::generate(shell, &mut visible(&cli), "contact-merge", &mut buf);
    buf
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
