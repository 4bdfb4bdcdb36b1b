//! The command-line definition, in one place (SPEC section 7).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::format::Format;
use crate::rules::Policy;

mod parse;
use parse::{parse_api_base, parse_max_merges, parse_threshold};

/// Merge duplicate CRM contacts in HubSpot-style exports (JSON, JSON Lines,
/// CSV) exactly the way HubSpot's own merge does.
#[derive(Debug, Parser)]
#[command(name = "contact-merge", version, about, long_about = None)]
#[command(
    after_help = "Each command's options: contact-merge COMMAND --help (or contact-merge man COMMAND).\n\
Exit codes: 0 success, 1 refused or invalid input (nothing written), \
2 usage error, 3 done with pairs skipped under --keep-going."
)]
pub struct Cli {
    #[command(flatten)]
    pub leading: Leading,
    #[command(subcommand)]
    pub command: Command,
}

/// Options given before the command. `--color` and `--quiet` are taken
/// there by every command. The other four are hidden: they were once
/// global, and are still taken before a command that uses them, so that
/// scripts written then keep working (`contact-merge --format json check
/// f.csv`); each command lists the options it uses after its name.
#[derive(Debug, Args, Clone)]
pub struct Leading {
    /// When to colour tables [default: auto].
    #[arg(long, value_enum)]
    pub color: Option<ColorChoice>,
    /// No progress, summaries or warnings on stderr (errors still show).
    #[arg(long, short)]
    pub quiet: bool,
    #[arg(long, value_enum, hide = true)]
    pub format: Option<OutputFormat>,
    #[arg(long, value_name = "RFC3339", hide = true)]
    pub merge_time: Option<String>,
    #[arg(long, value_enum, hide = true)]
    pub input_format: Option<Format>,
    #[arg(long, value_enum, hide = true)]
    pub output_format: Option<Format>,
}

/// The options shared by several commands, as the command run takes them:
/// given after its name, else before it, else the default. Commands read
/// them through [`super::Ctx`].
#[derive(Debug, Clone)]
pub struct Global {
    pub format: OutputFormat,
    pub merge_time: Option<String>,
    pub color: ColorChoice,
    pub quiet: bool,
    pub input_format: Option<Format>,
    pub output_format: Option<Format>,
    /// `--sanitize-formulas` (commands that write an export).
    pub sanitize_formulas: bool,
    /// `--date-order` (commands that read an export).
    pub date_order: Option<crate::dates::DateOrder>,
    /// `--properties` (commands that read an export).
    pub properties: Option<std::path::PathBuf>,
    /// `--delimiter` (commands that read an export).
    pub delimiter: Option<u8>,
}

/// `--format` (commands that print a report or data).
#[derive(Debug, Args, Clone)]
pub struct FormatOpt {
    /// Output for people (table) or scripts (json) [default: table].
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
}

/// `--color` (commands that print tables).
#[derive(Debug, Args, Clone)]
pub struct ColorOpt {
    /// When to colour tables [default: auto].
    #[arg(long, value_enum)]
    pub color: Option<ColorChoice>,
}

/// `--quiet` (commands that print progress or summaries on stderr).
#[derive(Debug, Args, Clone)]
pub struct QuietOpt {
    /// No progress, summaries or warnings on stderr (errors still show).
    #[arg(long, short)]
    pub quiet: bool,
}

/// `--input-format` (commands that read an export).
#[derive(Debug, Args, Clone)]
pub struct InputOpt {
    /// Format of the input file (default: from its extension).
    #[arg(long, value_enum)]
    pub input_format: Option<Format>,
    /// Order of slashed dates such as 03/04/2024 when no date in the file
    /// has a day over 12 to decide (dmy: day first, mdy: month first).
    #[arg(long, value_name = "ORDER", value_parser = ["dmy", "mdy"])]
    pub date_order: Option<String>,
    /// The portal's property definitions (the JSON of HubSpot's GET
    /// /crm/v3/properties/contacts): labels in the portal's language,
    /// custom properties' types, option labels.
    #[arg(long, value_name = "FILE")]
    pub properties: Option<std::path::PathBuf>,
    /// The delimiter of a CSV export: , ; or tab (default: sniffed from
    /// the header row); written back as read.
    #[arg(long, value_name = "DELIM", value_parser = crate::format::delimiter::parse_flag)]
    pub delimiter: Option<u8>,
}

/// The shared option groups one command takes.
#[derive(Default)]
struct Parts<'a> {
    format: Option<&'a FormatOpt>,
    color: Option<&'a ColorOpt>,
    quiet: Option<&'a QuietOpt>,
    input: Option<&'a InputOpt>,
    merge: Option<&'a MergeFlags>,
    /// `--merge-time` of a command that takes it without the merge flags
    /// (`unmerge`): `Some(None)` when it takes it and it was not given.
    merge_time: Option<Option<&'a String>>,
    write: Option<&'a WriteFlags>,
}

impl Command {
    /// The command's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Show(_) => "show",
            Command::Check(_) => "check",
            Command::Diff(_) => "diff",
            Command::Merge(_) => "merge",
            Command::Apply(_) => "apply",
            Command::Unmerge(_) => "unmerge",
            Command::Dupes(_) => "dupes",
            Command::Pull(_) => "pull",
            Command::Push(_) => "push",
            Command::Completions(_) => "completions",
            Command::Man(_) => "man",
        }
    }

    fn parts(&self) -> Parts<'_> {
        match self {
            Command::Show(a) => Parts {
                format: Some(&a.format),
                color: Some(&a.color),
                quiet: Some(&a.quiet),
                input: Some(&a.input),
                ..Parts::default()
            },
            Command::Check(a) => Parts {
                format: Some(&a.format),
                color: Some(&a.color),
                quiet: Some(&a.quiet),
                input: Some(&a.input),
                ..Parts::default()
            },
            Command::Diff(a) => Parts {
                format: Some(&a.format),
                color: Some(&a.color),
                quiet: Some(&a.quiet),
                input: Some(&a.input),
                merge: Some(&a.merge),
                ..Parts::default()
            },
            Command::Merge(a) => Parts {
                format: Some(&a.format),
                color: Some(&a.color),
                quiet: Some(&a.quiet),
                input: Some(&a.input),
                merge: Some(&a.merge),
                write: Some(&a.write),
                ..Parts::default()
            },
            Command::Apply(a) => Parts {
                format: Some(&a.format),
                color: Some(&a.color),
                quiet: Some(&a.quiet),
                input: Some(&a.input),
                merge: Some(&a.merge),
                write: Some(&a.write),
                ..Parts::default()
            },
            Command::Unmerge(a) => Parts {
                format: Some(&a.format),
                color: Some(&a.color),
                quiet: Some(&a.quiet),
                input: Some(&a.input),
                write: Some(&a.write),
                merge_time: Some(a.merge_time.as_ref()),
                ..Parts::default()
            },
            Command::Dupes(a) => Parts {
                format: Some(&a.format),
                color: Some(&a.color),
                quiet: Some(&a.quiet),
                input: Some(&a.input),
                ..Parts::default()
            },
            Command::Pull(a) => Parts {
                format: Some(&a.format),
                color: Some(&a.color),
                quiet: Some(&a.quiet),
                ..Parts::default()
            },
            Command::Push(a) => Parts {
                format: Some(&a.format),
                color: Some(&a.color),
                quiet: Some(&a.quiet),
                input: Some(&a.input),
                ..Parts::default()
            },
            Command::Completions(_) | Command::Man(_) => Parts::default(),
        }
    }
}

impl Cli {
    /// The shared options in force for the command. One of the hidden
    /// options before a command that does not use it is an error (it would
    /// otherwise be ignored without a word).
    pub fn resolve(&self) -> Result<Global, String> {
        let l = &self.leading;
        let parts = self.command.parts();
        let name = self.command.name();
        for (given, option, taken) in [
            (l.format.is_some(), "format", parts.format.is_some()),
            (
                l.merge_time.is_some(),
                "merge-time",
                parts.merge.is_some() || parts.merge_time.is_some(),
            ),
            (
                l.input_format.is_some(),
                "input-format",
                parts.input.is_some(),
            ),
            (
                l.output_format.is_some(),
                "output-format",
                parts.write.is_some(),
            ),
        ] {
            if given && !taken {
                return Err(format!(
                    "--{option} means nothing to `{name}`; remove it (it is for {})",
                    commands_taking(option)
                ));
            }
        }
        Ok(Global {
            format: parts
                .format
                .and_then(|f| f.format)
                .or(l.format)
                .unwrap_or(OutputFormat::Table),
            merge_time: parts
                .merge
                .and_then(|m| m.merge_time.clone())
                .or_else(|| parts.merge_time.flatten().cloned())
                .or_else(|| l.merge_time.clone()),
            color: parts
                .color
                .and_then(|c| c.color)
                .or(l.color)
                .unwrap_or(ColorChoice::Auto),
            quiet: l.quiet || parts.quiet.is_some_and(|q| q.quiet),
            input_format: parts.input.and_then(|i| i.input_format).or(l.input_format),
            output_format: parts
                .write
                .and_then(|w| w.output_format)
                .or(l.output_format),
            sanitize_formulas: parts.write.is_some_and(|w| w.sanitize_formulas),
            date_order: parts
                .input
                .and_then(|i| i.date_order.as_deref())
                .and_then(|o| o.parse().ok()),
            properties: parts.input.and_then(|i| i.properties.clone()),
            delimiter: parts.input.and_then(|i| i.delimiter),
        })
    }
}

/// The commands that take `--option`, from the definition: "diff, merge
/// and apply".
fn commands_taking(option: &str) -> String {
    use clap::CommandFactory;
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .filter(|s| s.get_arguments().any(|a| a.get_long() == Some(option)))
        .map(|s| s.get_name().to_string())
        .collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => "no command".into(),
    }
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
        after_help = "Examples:\n  contact-merge check fixtures/contacts.*\n  \
contact-merge check export.csv --format json"
    )]
    Check(CheckArgs),
    /// Preview a merge: property | primary | secondary | merged | rule, and
    /// what happens to every section. Never writes a file.
    #[command(
        after_help = "Examples:\n  contact-merge diff fixtures/contacts.json 101 102\n  \
contact-merge diff fixtures/contacts.csv 101 102 --all --policy primary-wins\n  \
contact-merge diff fixtures/contacts.json 101 102 --format json --merge-time 2024-06-01T00:00:00Z"
    )]
    Diff(DiffArgs),
    /// Merge SECONDARY into PRIMARY and write the whole export.
    #[command(after_help = "Examples:\n  \
contact-merge merge fixtures/contacts.json 101 102 -o merged.json\n  \
contact-merge merge export.csv 101 102 --in-place --journal merges.jsonl\n  \
contact-merge merge export.json 101 102 -o merged.csv   # write CSV")]
    Merge(MergeArgs),
    /// Apply a plan of merges (CSV primary_id,secondary_id or JSON
    /// [{"primary","secondary"}]), all or nothing unless --keep-going.
    #[command(after_help = "Examples:\n  \
contact-merge apply fixtures/contacts.json --plan fixtures/plan.csv \\\n      \
-o merged.json --journal merges.jsonl\n  \
contact-merge apply export.csv --plan plan.json -o merged.csv --keep-going --format json")]
    Apply(ApplyArgs),
    /// Split an additional email off a contact into a new contact, or
    /// restore a merged-away contact from the merge journal.
    #[command(
        override_usage = "contact-merge unmerge [OPTIONS] <FILE> <ID> <EMAIL> <-o <OUT>|--in-place> [--new-id <ID>]\n       \
contact-merge unmerge [OPTIONS] <FILE> <ID> --restore <SECONDARY_ID> --journal <J> <-o <OUT>|--in-place>"
    )]
    #[command(after_help = "Examples:\n  \
contact-merge unmerge merged.json 101 janedoe@gmail.com -o split.json\n  \
contact-merge unmerge merged.json 101 janedoe@gmail.com --new-id 900 -o split.json\n  \
contact-merge unmerge merged.json 101 --restore 102 --journal merges.jsonl -o restored.json")]
    Unmerge(UnmergeArgs),
    /// Find likely duplicate contacts and write them as a plan `apply` runs.
    ///
    /// Emails, phones, names (nicknames, accents, typos), companies (legal
    /// forms dropped) and places are compared; pairs at or above the
    /// threshold are joined into clusters, and each cluster's primary
    /// absorbs the others. Without -o the pairs are shown as a table (or
    /// JSON with --format json).
    #[command(
        after_help = "Examples:\n  contact-merge dupes export.csv               # review as a table\n  \
contact-merge dupes export.csv -o plan.csv   # the plan: primary_id,secondary_id,score,reasons\n  \
contact-merge dupes export.csv --threshold 0.97 --primary most-complete -o plan.csv\n  \
contact-merge dupes export.csv --fields \"Email,First Name,Last Name,Job Title\"\n  \
contact-merge dupes export.csv --explain 101 102          # each field's part in the score\n  \
contact-merge apply export.csv --plan plan.csv -o merged.csv"
    )]
    Dupes(DupesArgs),
    /// Pull every contact from a HubSpot portal into an export (JSON, JSON
    /// Lines, CSV or XLSX, by -o's extension).
    ///
    /// Pages through GET /crm/v3/objects/contacts with the token in
    /// HUBSPOT_TOKEN (never a flag). An interrupted pull resumes when run
    /// again with the same options: OUT.pull.ndjson and OUT.pull.json beside
    /// the output hold the pages so far; the output appears only at the end.
    #[command(after_help = "Examples:\n  \
HUBSPOT_TOKEN=pat-... contact-merge pull -o export.ndjson\n  \
contact-merge pull -o export.csv --properties all --associations\n  \
contact-merge pull -o export.json --properties email,lifecyclestage --with-history")]
    Pull(PullArgs),
    /// Send a plan's merges to a HubSpot portal, pair by pair, resumable.
    ///
    /// The plan is first checked against EXPORT as `apply` checks it (any
    /// bad pair: nothing is sent, exit 1). Then each pair goes to POST
    /// /crm/v3/objects/contacts/merge under the rate limit; later pairs use
    /// the ids HubSpot returns. Every call and its outcome is appended to
    /// the push log; run the same command again after an interruption and
    /// it resumes without sending any merge twice. Any error HubSpot gives
    /// that a retry cannot mend stops the run (exit 1) naming the pair.
    #[command(after_help = "Examples:\n  \
contact-merge apply export.ndjson --plan plan.csv -o preview.ndjson   # preview on the export\n  \
contact-merge push export.ndjson --plan plan.csv --log push.jsonl --dry-run\n  \
HUBSPOT_TOKEN=pat-... contact-merge push export.ndjson --plan plan.csv --log push.jsonl")]
    Push(PushArgs),
    /// Print shell completions (bash, elvish, fish, powershell, zsh)
    /// generated from this command's definition.
    #[command(after_help = "Examples:\n  \
contact-merge completions bash > ~/.local/share/bash-completion/completions/contact-merge\n  \
contact-merge completions elvish > ~/.config/elvish/lib/contact-merge.elv\n  \
# then, in elvish: use contact-merge")]
    Completions(CompletionsArgs),
    /// Print the man page (roff) generated from this command's definition.
    #[command(after_help = "Examples:\n  \
contact-merge man | man -l -\n  \
contact-merge man apply > contact-merge-apply.1")]
    Man(ManArgs),
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
    #[command(flatten)]
    pub format: FormatOpt,
    #[command(flatten)]
    pub color: ColorOpt,
    #[command(flatten)]
    pub quiet: QuietOpt,
    #[command(flatten)]
    pub input: InputOpt,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The exports to check.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Custom lifecycle stage order, lowest first (labels or internal
    /// values), or @FILE listing them.
    #[arg(long, value_name = "STAGE,STAGE,...")]
    pub lifecycle_order: Option<String>,
    /// Warnings (cells a spreadsheet would run as formulas) count as
    /// problems: exit 1 when any is found.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub format: FormatOpt,
    #[command(flatten)]
    pub color: ColorOpt,
    #[command(flatten)]
    pub quiet: QuietOpt,
    #[command(flatten)]
    pub input: InputOpt,
}

/// How to merge (`diff`, `merge`, `apply`).
#[derive(Debug, Args, Clone)]
pub struct MergeFlags {
    /// Which value a property without a rule of its own takes: the most
    /// recent (HubSpot's documented rule) or the primary's (HubSpot's newer
    /// merge).
    #[arg(long, value_enum, default_value_t = Policy::MostRecent)]
    pub policy: Policy,
    /// Custom lifecycle stage order, lowest first (labels or internal
    /// values), or @FILE listing them.
    #[arg(long, value_name = "STAGE,STAGE,...")]
    pub lifecycle_order: Option<String>,
    /// Refuse merges whose contacts together already took part in this many
    /// merges (HubSpot's limit).
    #[arg(long, value_name = "N", default_value_t = crate::rules::DEFAULT_MAX_MERGES, value_parser = parse_max_merges)]
    pub max_merges: usize,
    /// Mark the primary's workflows as seeing the merged contact as newly
    /// changed (HubSpot's "enroll on merge" setting).
    #[arg(long)]
    pub enroll_on_merge: bool,
    /// The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now.
    /// Same input, plan and merge time give the same bytes.
    #[arg(long, value_name = "RFC3339")]
    pub merge_time: Option<String>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The export (`-` for stdin).
    pub file: PathBuf,
    /// The contact that stays.
    pub primary: String,
    /// The contact merged into it.
    pub secondary: String,
    /// Show every property, not only those that differ.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub merge: MergeFlags,
    #[command(flatten)]
    pub format: FormatOpt,
    #[command(flatten)]
    pub color: ColorOpt,
    #[command(flatten)]
    pub quiet: QuietOpt,
    #[command(flatten)]
    pub input: InputOpt,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The export (`-` for stdin).
    pub file: PathBuf,
    /// The contact that stays.
    pub primary: String,
    /// The contact merged into it.
    pub secondary: String,
    /// Append the merge to this journal (JSON Lines), for audits and
    /// `unmerge --restore`.
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    #[command(flatten)]
    pub merge: MergeFlags,
    #[command(flatten)]
    pub write: WriteFlags,
    #[command(flatten)]
    pub format: FormatOpt,
    #[command(flatten)]
    pub color: ColorOpt,
    #[command(flatten)]
    pub quiet: QuietOpt,
    #[command(flatten)]
    pub input: InputOpt,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The export (`-` for stdin).
    pub file: PathBuf,
    /// The plan: CSV with primary_id,secondary_id (other columns ignored)
    /// or JSON [{"primary": "...", "secondary": "..."}].
    #[arg(long, value_name = "PLAN")]
    pub plan: PathBuf,
    /// Append the merges to this journal (JSON Lines, one line per merge),
    /// for audits and `unmerge --restore`.
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// Apply the good pairs, report the bad ones, exit 3 when any was
    /// skipped (default: any bad pair means nothing is written, exit 1).
    #[arg(long)]
    pub keep_going: bool,
    #[command(flatten)]
    pub merge: MergeFlags,
    #[command(flatten)]
    pub write: WriteFlags,
    #[command(flatten)]
    pub format: FormatOpt,
    #[command(flatten)]
    pub color: ColorOpt,
    #[command(flatten)]
    pub quiet: QuietOpt,
    #[command(flatten)]
    pub input: InputOpt,
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
    /// Format of the output file (default: from -o's extension, else the
    /// input's).
    #[arg(long, value_enum)]
    pub output_format: Option<Format>,
    /// In CSV output, put a `'` before every cell that a spreadsheet would
    /// run as a formula (starting with =, +, -, @, tab or CR; plain numbers
    /// and phone numbers such as -5 or +1 555 0100 are left as they are).
    /// Without it, cells are written exactly as read.
    #[arg(long)]
    pub sanitize_formulas: bool,
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
    /// The merge journal (JSON Lines) written by `merge`/`apply --journal`;
    /// give it once per journal when the merges are recorded in several.
    #[arg(long, value_name = "FILE")]
    pub journal: Vec<PathBuf>,
    /// The time of the history entry a split adds to the emails left
    /// (RFC 3339) [default: now]; give it for the same bytes on every run.
    #[arg(long, value_name = "RFC3339", conflicts_with = "restore")]
    pub merge_time: Option<String>,
    #[command(flatten)]
    pub write: WriteFlags,
    #[command(flatten)]
    pub format: FormatOpt,
    #[command(flatten)]
    pub color: ColorOpt,
    #[command(flatten)]
    pub quiet: QuietOpt,
    #[command(flatten)]
    pub input: InputOpt,
}

#[derive(Debug, Args)]
pub struct DupesArgs {
    /// The export (`-` for stdin).
    pub file: PathBuf,
    /// Write the plan here: CSV (primary_id,secondary_id,score,reasons), or
    /// JSON when the name ends in .json; `-` writes the CSV plan to stdout.
    #[arg(short, long, value_name = "PLAN")]
    pub output: Option<PathBuf>,
    /// Minimum score (0 to 1) of a duplicate pair; higher finds fewer,
    /// surer pairs.
    #[arg(long, value_name = "T", default_value_t = crate::dupes::DEFAULT_THRESHOLD, value_parser = parse_threshold)]
    pub threshold: f64,
    /// Properties to compare, by internal name or CSV label [default:
    /// every column whose header and content say it names, reaches or
    /// places a person: emails, phones, names, addresses, dates of birth,
    /// id numbers, company, job title].
    #[arg(long, value_name = "F,...")]
    pub fields: Option<String>,
    /// Show why two contacts score what they do: each field's part in the
    /// match probability (a waterfall), instead of the plan.
    #[arg(long, num_args = 2, value_names = ["ID", "ID"], conflicts_with = "output")]
    pub explain: Option<Vec<String>>,
    /// Which contact of a cluster is the primary (it keeps its id).
    #[arg(long, value_enum, default_value_t = crate::dupes::PrimaryRule::Oldest)]
    pub primary: crate::dupes::PrimaryRule,
    /// Skip blocks of more contacts than this sharing one key (an email, a
    /// phone, a name and place), which say little and cost much.
    #[arg(long, value_name = "N", default_value_t = crate::dupes::block::Options::default().max_block)]
    pub max_block: usize,
    /// HubSpot's merge limit, as `apply --max-merges` takes it: a cluster
    /// whose merges would reach this many (counting the merges its
    /// contacts took part in before, hs_merged_object_ids) keeps the
    /// surest members that fit and leaves the others out, with a warning.
    #[arg(long, value_name = "N", default_value_t = crate::rules::DEFAULT_MAX_MERGES, value_parser = parse_max_merges)]
    pub max_merges: usize,
    #[command(flatten)]
    pub format: FormatOpt,
    #[command(flatten)]
    pub color: ColorOpt,
    #[command(flatten)]
    pub quiet: QuietOpt,
    #[command(flatten)]
    pub input: InputOpt,
}

/// Where the portal is and how fast to talk to it (`pull`, `push`).
#[derive(Debug, Args, Clone)]
pub struct PortalFlags {
    /// The API's address (for tests and proxies).
    #[arg(long, value_name = "URL", default_value = crate::portal::DEFAULT_API_BASE, value_parser = parse_api_base)]
    pub api_base: String,
    /// At most N requests in a window (100/10s is HubSpot's lowest tier;
    /// also N/1s, N/500ms).
    #[arg(long, value_name = "N/10s", default_value = "100/10s")]
    pub rate: crate::portal::Rate,
    /// The first wait after a 5xx or a dropped connection, in
    /// milliseconds; doubled on each retry.
    #[arg(long, value_name = "MS", default_value_t = 1000, hide = true)]
    pub backoff_ms: u64,
}

#[derive(Debug, Args)]
pub struct PullArgs {
    /// The export to write (a file: the pull resumes from files beside
    /// it); its extension names the format: .json, .ndjson/.jsonl, .csv,
    /// .xlsx.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Properties to pull: all (the portal's whole list) or names
    /// separated by commas [default: HubSpot's default set].
    #[arg(long, value_name = "all|P,...")]
    pub properties: Option<String>,
    /// Also pull each property's history (propertiesWithHistory; pages of
    /// 50, HubSpot's limit with history).
    #[arg(long)]
    pub with_history: bool,
    /// Also pull the associated companies, deals and tickets.
    #[arg(long)]
    pub associations: bool,
    /// The longest address of a page request, in characters: a longer
    /// property list is split over several requests per page.
    #[arg(long, value_name = "CHARS", default_value_t = crate::portal::pull::MAX_URL, hide = true)]
    pub max_url_chars: usize,
    #[command(flatten)]
    pub portal: PortalFlags,
    #[command(flatten)]
    pub format: FormatOpt,
    #[command(flatten)]
    pub color: ColorOpt,
    #[command(flatten)]
    pub quiet: QuietOpt,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// The export the plan was made on (checked against it first).
    pub file: PathBuf,
    /// The plan: CSV primary_id,secondary_id or JSON
    /// [{"primary","secondary"}].
    #[arg(long, value_name = "PLAN")]
    pub plan: PathBuf,
    /// The push log (JSON Lines): every call's outcome, appended; a second
    /// run with the same log resumes.
    #[arg(long, value_name = "PUSHLOG")]
    pub log: PathBuf,
    /// Check the plan and show what would be sent: each pair with the ids
    /// it would be sent with (after the merges before it), or that the
    /// log has it done; send nothing, write no log.
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse merges whose contacts together already took part in this many
    /// merges (HubSpot's limit: leave it unless HubSpot raised yours).
    #[arg(long, value_name = "N", default_value_t = crate::rules::DEFAULT_MAX_MERGES, value_parser = parse_max_merges)]
    pub max_merges: usize,
    /// Custom lifecycle stage order, lowest first, or @FILE (as for
    /// `apply`: the plan is checked the way `apply` checks it).
    #[arg(long, value_name = "STAGE,STAGE,...")]
    pub lifecycle_order: Option<String>,
    #[command(flatten)]
    pub portal: PortalFlags,
    #[command(flatten)]
    pub format: FormatOpt,
    #[command(flatten)]
    pub color: ColorOpt,
    #[command(flatten)]
    pub quiet: QuietOpt,
    #[command(flatten)]
    pub input: InputOpt,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command, for its own page (contact-merge-COMMAND(1)); without it,
    /// the main page.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}
