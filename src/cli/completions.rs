//! `contact-merge completions <shell>`: completions from the clap definition.

use clap::CommandFactory;

use super::args::{Cli, CompletionsArgs};
use super::{Ctx, Status};

pub fn run(args: &CompletionsArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    write(args.shell, ctx.out);
    Ok(Status::Ok)
}

/// Write the completion script for a shell.
pub fn write(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    clap_complete::generate(shell, &mut Cli::command(), "contact-merge", out);
}
