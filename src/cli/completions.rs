//! `contact-merge completions <shell>`: completions from the clap definition.

use anyhow::Context;
use clap::CommandFactory;

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
/// ours to report.
pub fn script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "contact-merge", &mut buf);
    buf
}
