//! The command-line definition, in one place (SPEC section 7).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::format::Format;

/// Merge duplicate CRM contacts in HubSpot-style exports (JSON, JSON Lines,
/// CSV) exactly the way HubSpot's own merge does.
#[derive(Debug, Parser)]
#[command(name = "contact-merge", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 success, 1 refused or invalid input (nothing written), \
2 usage error, 3 done with pairs skipped under --keep-going."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Output for people (table) or scripts (json).
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now.
    /// Same input, plan and merge time give the same bytes.
    #[arg(long, global = true, value_name = "RFC3339")]
    pub merge_time: Option<String>,
    /// When to colour tables.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// No progress or summaries on stderr (warnings and errors still show).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Format of the input file (default: from its extension).
    #[arg(long, global = true, value_enum)]
    pub input_format: Option<Format>,
    /// Format of the output file (default: from -o's extension, else the input's).
    #[arg(long, global = true, value_enum)]
    pub output_format: Option<Format>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show contacts as a table (property | value), sections summarised.
    #[command(
        after_help = "Examples:\n  contact-merge show fixtures/contacts.json 101\n  \
contact-merge show fixtures/contacts.csv 101 102 --format json"
    )]
    Show(ShowArgs),
    /// Validate exports: ids, emails, dates, lifecycle stages, numbers.
    /// Reports every problem; exit 1 when any is found.
    #[command(
        after_help = "Examples:\n  contact-merge check fixtures/*.json fixtures/*.csv\n  \
contact-merge check export.csv --format json"
    )]
    Check(CheckArgs),
    /// Split an additional email off a contact into a new contact, or
    /// restore a merged-away contact from the merge journal.
    #[command(after_help = "Examples:\n  \
contact-merge unmerge merged.json 101 janedoe@gmail.com -o split.json\n  \
contact-merge unmerge merged.json 101 janedoe@gmail.com --new-id 900 -o split.json\n  \
contact-merge unmerge merged.json 101 --restore 102 --journal merges.jsonl -o restored.json")]
    Unmerge(UnmergeArgs),
    /// Print shell completions generated from this command's definition.
    #[command(
        after_help = "Example:\n  contact-merge completions bash > ~/.local/share/bash-completion/completions/contact-merge"
    )]
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The export (`-` for stdin).
    pub file: PathBuf,
    /// Record ids of the contacts to show.
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Also list empty properties.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The exports to check.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Custom lifecycle stage order (lowest first, labels or internal values).
    #[arg(long, value_name = "STAGE,STAGE,...")]
    pub lifecycle_order: Option<String>,
}

/// Where a command writes the export.
#[derive(Debug, Args, Clone)]
pub struct WriteFlags {
    /// The output file (`-` for stdout); its extension names the format,
    /// else the input's format is kept.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the input file (atomically).
    #[arg(long)]
    pub in_place: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["email", "restore"])))]
pub struct UnmergeArgs {
    /// The export (`-` for stdin).
    pub file: PathBuf,
    /// The contact to split an email off (or, with --restore, the contact
    /// that absorbed the secondary).
    pub id: String,
    /// The additional email to split off into a new contact.
    pub email: Option<String>,
    /// Record id of the new contact (default: the next free numeric id).
    #[arg(long, value_name = "ID", conflicts_with = "restore")]
    pub new_id: Option<String>,
    /// Bring back this merged-away contact exactly as the journal holds it.
    #[arg(long, value_name = "SECONDARY_ID", requires = "journal")]
    pub restore: Option<String>,
    /// The merge journal (JSON Lines) written by `merge`/`apply --journal`.
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    #[command(flatten)]
    pub write: WriteFlags,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
