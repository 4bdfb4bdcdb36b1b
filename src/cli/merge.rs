//! `contact-merge merge FILE PRIMARY SECONDARY -o OUT`: merge two contacts
//! and write the whole export.
//!
//! A CSV or JSON Lines file written back in its own format is merged in
//! one pass over the file, as `apply` does with a plan of one pair (only the
//! two contacts are held; every other record is copied as it is). Anything
//! but a plain merge of the two named contacts (an id that is missing or
//! was merged away, a refused merge) goes the in-memory way, so that the
//! messages are the same whichever way the file is read.

use std::cell::Cell;
use std::io::Write;
use std::sync::Mutex;

use anyhow::Context;

use super::args::MergeArgs;
use super::{io, merge_options, Ctx, Status};
use crate::journal::JournalWriter;
use crate::merge::{merge_contacts_from, merge_in_export, Primary};
use crate::model::{Contact, Layout};
use crate::plan::{ApplyError, ApplyOptions, Pair, Plan, PlanFormat};
use crate::stream::{apply_file, can_stream, StreamError};

pub fn run(args: &MergeArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    if let Some(status) = streamed(args, ctx)? {
        return Ok(status);
    }
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
    // The journal gains one line, put in place just before the export.
    let journal = match (&args.journal, before) {
        (Some(path), Some((Some(p), Some((s_index, s))))) => {
            let decisions = outcome
                .decisions
                .iter()
                .map(serde_json::to_value)
                .collect::<Result<Vec<_>, _>>()?;
            let mut journal = io::Journal::open(path)?;
            JournalWriter::new(journal.writer(), opts.merge_time, &opts.policy.to_string())
                .record_single(&p, &s, s_index, &outcome.merged, &decisions)
                .with_context(|| format!("cannot write the journal {}", path.display()))?;
            Some(journal)
        }
        _ => None,
    };
    let warnings = io::save(&export, &target, ctx.out, journal)?;
    for w in outcome.warnings.iter().chain(&warnings) {
        ctx.warn(w);
    }
    let changed = outcome
        .decisions
        .iter()
        .filter(|d| super::diff::changes_primary(d))
        .count();
    let dest = target.describe();
    done(
        args,
        ctx,
        &opts.policy,
        changed,
        export.contacts.len(),
        &dest,
    );
    Ok(Status::Ok)
}

fn done(
    args: &MergeArgs,
    ctx: &mut Ctx,
    policy: &crate::rules::Policy,
    changed: usize,
    contacts: usize,
    dest: &str,
) {
    ctx.info(&format!(
        "merged {} into {} (policy {policy}): {changed} properties changed; wrote {contacts} contacts to {dest}",
        args.secondary, args.primary,
    ));
}

/// The one-pass merge of a CSV or JSON Lines file into the same format;
/// `None` when the in-memory way must do it (see the module).
fn streamed(args: &MergeArgs, ctx: &mut Ctx) -> anyhow::Result<Option<Status>> {
    let Some(format) = io::input_format(&args.file, ctx.global)
        .filter(|f| can_stream(*f) && args.file.as_os_str() != "-")
    else {
        return Ok(None);
    };
    let target = io::target(
        &args.file,
        args.write.output.as_deref(),
        args.write.in_place,
        ctx.global,
        format,
    )?;
    if target.format != format {
        return Ok(None);
    }
    let opts = merge_options(&args.merge, ctx.global)?;
    let plan = Plan {
        file: "the command line".into(),
        format: PlanFormat::Csv,
        pairs: vec![Pair {
            line: 1,
            primary: args.primary.clone(),
            secondary: args.secondary.clone(),
        }],
    };
    let apply_opts = ApplyOptions {
        keep_going: false,
        max_merges: opts.max_merges,
    };
    let journaling = args.journal.is_some();
    let changed = Mutex::new(0);
    let merge = |_: &Layout, p: Primary<'_>, s: &Contact| {
        let o = merge_contacts_from(p, s, &opts).map_err(|e| e.to_string())?;
        *changed.lock().expect("not poisoned") = o
            .decisions
            .iter()
            .filter(|d| super::diff::changes_primary(d))
            .count();
        super::apply::into_step(o, journaling)
    };
    // Ids that lead elsewhere (merged away earlier) are the in-memory
    // way's to refuse: stop before anything is written.
    let redirected = Cell::new(false);
    let mut line = Vec::new();
    let policy = opts.policy.to_string();
    let record = |a: &crate::plan::Applied<'_>| {
        if a.primary_id != args.primary || a.secondary_id != args.secondary {
            redirected.set(true);
            return Err(std::io::Error::other("an id was merged away earlier"));
        }
        if journaling {
            JournalWriter::new(&mut line, opts.merge_time, &policy).record_single(
                a.primary,
                a.secondary,
                a.secondary_index,
                a.merged,
                a.decisions,
            )?;
        }
        Ok(())
    };
    let mut tmp = target.temp_file()?;
    // Written only once the merge is done (nothing when it goes the
    // in-memory way).
    let out: &mut dyn Write = match tmp.as_mut() {
        Some(t) => t.writer(),
        None => &mut *ctx.out,
    };
    let result = apply_file(
        &args.file,
        format,
        &plan,
        &apply_opts,
        merge,
        Some(record),
        out,
    );
    let streamed = match result {
        Ok(streamed) => streamed,
        Err(StreamError::Apply(ApplyError::BadPairs { .. })) => return Ok(None),
        Err(StreamError::Apply(ApplyError::Journal(_))) if redirected.get() => return Ok(None),
        Err(StreamError::Read(e)) => return Err(e.into()),
        Err(StreamError::Write(e)) => {
            return Err(anyhow::Error::new(e).context(format!("cannot write {}", target.describe())))
        }
        Err(e) => return Err(anyhow::Error::new(e)),
    };
    let journal = match &args.journal {
        Some(path) => {
            let mut journal = io::Journal::open(path)?;
            journal
                .writer()
                .write_all(&line)
                .with_context(|| format!("cannot write the journal {}", path.display()))?;
            Some(journal)
        }
        None => None,
    };
    io::commit(journal, tmp, &target)?;
    for w in &streamed.report.warnings {
        ctx.warn(&w.warning);
    }
    let dest = target.describe();
    let changed = *changed.lock().expect("not poisoned");
    done(args, ctx, &opts.policy, changed, streamed.contacts, &dest);
    Ok(Some(Status::Ok))
}
