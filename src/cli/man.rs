//! `contact-merge man [COMMAND]`: the man page, generated from the clap
//! definition; the same pages are committed under `man/`.

use anyhow::Context;
use clap::CommandFactory;

use super::args::{Cli, ManArgs};
use super::{Ctx, Status, UsageError};

pub fn run(args: &ManArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    let page = match &args.command {
        None => render(&root()),
        Some(name) => {
            let root = root();
            let sub = root.find_subcommand(name).ok_or_else(|| {
                UsageError(format!(
                    "no command {name:?}; the commands are {}",
                    names(&root).join(", ")
                ))
            })?;
            render(sub)
        }
    };
    // Rendered whole first, so that a closed or full stdout is an error
    // to report (or a broken pipe to end quietly on), never a panic.
    ctx.out
        .write_all(&page)
        .and_then(|()| ctx.out.flush())
        .context("cannot write the man page to stdout")?;
    Ok(Status::Ok)
}

/// Every page: `contact-merge.1` and one per command
/// (`contact-merge-apply.1`, ...), as (file name, roff).
pub fn pages() -> Vec<(String, Vec<u8>)> {
    let root = root();
    let mut pages = vec![(file_name(&root), render(&root))];
    for sub in root.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages.push((file_name(sub), render(sub)));
    }
    pages
}

/// The command as the pages show it: built (which names the commands'
/// pages `contact-merge-COMMAND`), without clap's `help` command.
fn root() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

fn render(cmd: &clap::Command) -> Vec<u8> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut page)
        .expect("writing to memory cannot fail");
    with_values(
        String::from_utf8(page).expect("clap_mangen writes UTF-8"),
        cmd,
    )
    .into_bytes()
}

/// The page with each option of the synopsis that takes a value shown
/// with it, as the OPTIONS section shows it (`[--color <COLOR>]`):
/// clap_mangen writes the option's name alone (`[--color]`), which reads
/// as a flag.
fn with_values(page: String, cmd: &clap::Command) -> String {
    let mut lines: Vec<String> = page.lines().map(str::to_string).collect();
    let Some(at) = lines.iter().position(|l| l == ".SH SYNOPSIS") else {
        return page;
    };
    let Some(synopsis) = lines.get_mut(at + 1) else {
        return page;
    };
    for arg in cmd.get_arguments() {
        if arg.is_hide_set() || arg.is_positional() || !arg.get_action().takes_values() {
            continue;
        }
        let name = match (arg.get_short(), arg.get_long()) {
            (Some(s), Some(l)) => format!("\\fB\\-{s}\\fR|\\fB\\-\\-{}\\fR", roff(l)),
            (None, Some(l)) => format!("\\fB\\-\\-{}\\fR", roff(l)),
            _ => continue,
        };
        let value = arg
            .get_value_names()
            .map(|v| v.join(" "))
            .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
        let shown = format!("{name} \\fI<{}>\\fR", roff(&value));
        for close in ["]", ">"] {
            *synopsis = synopsis.replace(&format!("{name}{close}"), &format!("{shown}{close}"));
        }
    }
    let mut out = lines.join("\n");
    if page.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Text as roff writes it: `-` as `\-`.
fn roff(text: &str) -> String {
    text.replace('-', "\\-")
}

fn file_name(cmd: &clap::Command) -> String {
    clap_mangen::Man::new(cmd.clone()).get_filename()
}

fn names(root: &clap::Command) -> Vec<String> {
    root.get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect()
}
