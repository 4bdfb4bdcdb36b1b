//! `contact-merge unmerge`: split an additional email off into a new contact
//! (what HubSpot offers), or restore a merged-away contact from the journal.

use super::args::{OutputFormat, UnmergeArgs};
use super::{io, table, Ctx, Status};
use crate::journal::read_journal;
use crate::model::Export;
use crate::unmerge::{restore_from, split_off, Conflict};

pub fn run(args: &UnmergeArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    if args.restore.is_none() && !args.journal.is_empty() {
        return Err(super::UsageError(
            "--journal is read by `unmerge ID --restore SECONDARY_ID` only; splitting an email off \
             writes no journal: drop --journal"
                .into(),
        )
        .into());
    }
    let mut export = io::load(&args.file, ctx.global)?;
    let target = io::target(
        &args.file,
        args.write.output.as_deref(),
        args.write.in_place,
        ctx.global,
        crate::format::Format::of_layout(&export.layout),
    )?;
    // The report goes to stdout, or to stderr when the export does.
    let report_to_stdout = target.path.is_some();
    let (report, summary, conflicts) = match (&args.restore, &args.email) {
        (Some(secondary), _) => restore(args, ctx, &mut export, secondary)?,
        (None, Some(email)) => split(args, &mut export, email, ctx.global.merge_time.as_deref())?,
        (None, None) => unreachable!("clap requires EMAIL or --restore"),
    };
    let warnings = io::save(&export, &target, ctx.out, None)?;
    ctx.wrote_outputs(&target, None);
    for w in &warnings {
        ctx.warn("output", w);
    }
    for c in &conflicts {
        let (current, result) = (c.current.as_deref(), c.result.as_deref());
        let done = match current == result {
            true => format!("kept {}", table::show_value(current)),
            // A counter or list: the change since is kept, what the merge
            // added is taken off it.
            false => format!(
                "wrote {}: the change since kept, what the merge added taken back",
                table::show_value(result)
            ),
        };
        ctx.warn(
            "changed-after-merge",
            &format!(
                "contact {}: {} changed after the merge ({} → {}); {done}",
                args.id,
                export.layout.naming_column(&c.property),
                table::show_value(c.merged.as_deref()),
                table::show_value(current),
            ),
        );
    }
    if ctx.global.format == OutputFormat::Json {
        let out: &mut dyn std::io::Write = if report_to_stdout {
            &mut *ctx.out
        } else {
            &mut *ctx.err
        };
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    }
    ctx.info(&summary);
    Ok(Status::Ok)
}

/// What an unmerge did: its JSON report, its summary line, and the
/// properties changed since the merge whose changes were kept.
type Done = (serde_json::Value, String, Vec<Conflict>);

/// `--restore SECONDARY`: the merged-away contact back from the journals.
fn restore(
    args: &UnmergeArgs,
    ctx: &mut Ctx,
    export: &mut Export,
    secondary: &str,
) -> anyhow::Result<Done> {
    // clap requires at least one --journal.
    let journals = args
        .journal
        .iter()
        .map(|p| read_journal(p))
        .collect::<Result<Vec<_>, _>>()?;
    let file = args.file.display();
    let r = restore_from(export, &args.id, secondary, &journals)
        .map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    let summary = format!(
        "restored contact {} from {} line {} and took back what its merge gave {}{}",
        r.secondary_id,
        r.journal,
        r.journal_line,
        r.primary_id,
        match r.conflicts.len() {
            0 => String::new(),
            // Not "their current value": a counter keeps what was added
            // since the merge, less the secondary's part.
            n => format!(
                "; kept the changes made since the merge to {} ({})",
                crate::text::count(n, "property", "properties"),
                named_few(
                    r.conflicts
                        .iter()
                        .map(|c| export.layout.naming_column(&c.property))
                )
            ),
        }
    );
    let conflicts = r.conflicts.clone();
    for k in &r.kept {
        ctx.warn(
            "kept-change",
            &format!(
                "contact {}: kept a change made after the merge: {k}",
                r.primary_id
            ),
        );
    }
    Ok((serde_json::to_value(&r)?, summary, conflicts))
}

/// The first few names, and how many more.
fn named_few(names: impl Iterator<Item = String>) -> String {
    const FEW: usize = 5;
    let names: Vec<String> = names.collect();
    let mut s = names[..names.len().min(FEW)].join(", ");
    if names.len() > FEW {
        s.push_str(&format!(" and {} more", names.len() - FEW));
    }
    s
}

/// `EMAIL`: split it off into a new contact.
fn split(
    args: &UnmergeArgs,
    export: &mut Export,
    email: &str,
    merge_time: Option<&str>,
) -> anyhow::Result<Done> {
    let file = args.file.display();
    // The time of the history entry the split may add.
    let time = super::merge_time(merge_time)?;
    let r = split_off(export, &args.id, email, args.new_id.as_deref(), time)
        .map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    let summary = format!(
        "split {} off contact {} into new contact {}{}",
        r.email,
        r.id,
        r.new_id,
        if r.subscriptions_moved {
            " (its subscriptions moved with it)"
        } else {
            ""
        }
    );
    Ok((serde_json::to_value(&r)?, summary, Vec::new()))
}
