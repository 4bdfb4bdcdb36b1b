//! `contact-merge merge FILE PRIMARY SECONDARY -o OUT`: merge two contacts
//! and write the whole export.

use anyhow::Context;

use super::args::MergeArgs;
use super::{io, merge_options, Ctx, Status};
use crate::atomic::TempFile;
use crate::journal::JournalWriter;
use crate::merge::merge_in_export;

pub fn run(args: &MergeArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    let mut export = io::load(&args.file, ctx.global)?;
    let target = io::target(
        &args.file,
        args.write.output.as_deref(),
        args.write.in_place,
        ctx.global,
        crate::format::Format::of_layout(&export.layout),
    )?;
    let opts = merge_options(&args.merge, ctx.global)?;
    let file = args.file.display();
    let before = args.journal.as_ref().map(|_| {
        let p = export.find(&args.primary).cloned();
        let s = export
            .position(&args.secondary)
            .map(|i| (i, export.contacts[i].clone()));
        (p, s)
    });
    let outcome = merge_in_export(&mut export, &args.primary, &args.secondary, &opts)
        .map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
    // The journal gains one line: the old journal plus it, written beside
    // the old one and renamed in after the export.
    let journal = match (&args.journal, before) {
        (Some(path), Some((Some(p), Some((s_index, s))))) => {
            let mut tmp = TempFile::create(path)
                .with_context(|| format!("cannot write the journal {}", path.display()))?;
            if let Ok(old) = std::fs::read(path) {
                std::io::Write::write_all(tmp.writer(), &old)?;
                if !old.is_empty() && !old.ends_with(b"\n") {
                    std::io::Write::write_all(tmp.writer(), b"\n")?;
                }
            }
            let decisions = outcome
                .decisions
                .iter()
                .map(serde_json::to_value)
                .collect::<Result<Vec<_>, _>>()?;
            let mut w = JournalWriter::new(tmp.writer(), opts.merge_time, &opts.policy.to_string());
            w.record_single(&p, &s, s_index, &outcome.merged, &decisions)
                .and_then(|_| w.finish().map(|_| ()))
                .with_context(|| format!("cannot write the journal {}", path.display()))?;
            Some(tmp)
        }
        _ => None,
    };
    // The journal lands first: an output without its journal could not be
    // restored.
    if let Some(tmp) = journal {
        tmp.commit().context("cannot write the journal")?;
    }
    let warnings = io::save(&export, &target, ctx.out)?;
    for w in outcome.warnings.iter().chain(&warnings) {
        ctx.warn(w);
    }
    let changed = outcome
        .decisions
        .iter()
        .filter(|d| super::diff::changes_primary(d))
        .count();
    let dest = target
        .path
        .as_ref()
        .map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
    ctx.info(&format!(
        "merged {} into {} (policy {}): {changed} properties changed; wrote {} contacts to {dest}",
        args.secondary,
        args.primary,
        opts.policy,
        export.contacts.len()
    ));
    Ok(Status::Ok)
}
