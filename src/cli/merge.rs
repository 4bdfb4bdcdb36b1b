//! `contact-merge merge FILE PRIMARY SECONDARY -o OUT`: merge two contacts
//! and write the whole export.

use super::args::MergeArgs;
use super::{io, merge_options, Ctx, Status};
use crate::merge::merge_in_export;

pub fn run(args: &MergeArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    let mut export = io::load(&args.file, ctx.global)?;
    let target = io::target(
        &args.file,
        args.write.output.as_deref(),
        args.write.in_place,
        ctx.global,
        &export,
    )?;
    let opts = merge_options(&args.merge, ctx.global)?;
    let outcome = merge_in_export(&mut export, &args.primary, &args.secondary, &opts)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    io::save(&export, &target, ctx.out)?;
    for w in &outcome.warnings {
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
