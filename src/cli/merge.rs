//! `contact-merge merge FILE PRIMARY SECONDARY -o OUT`: merge two contacts
//! and write the whole export.
//!
//! The library ([`crate::batch`]) reads, merges and writes, in one pass
//! over a CSV or JSON Lines file written back in its own format, else in
//! memory; this renders what it did.

use std::io::Write;

use serde::Serialize;

use super::args::{MergeArgs, OutputFormat};
use super::{io, merge_options, Ctx, Status};
use crate::batch::{self, Input, Job, Merges, Outcome, Request};
use crate::dates::{format_date, DateForm};
use crate::rules::SectionChange;
use crate::text::count;
use crate::warning::Warning;

pub fn run(args: &MergeArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    let output = io::destination(
        &args.file,
        args.write.output.as_deref(),
        args.write.in_place,
        ctx.global,
    )?;
    let opts = merge_options(&args.merge, ctx.global)?;
    super::headers::warn_key_columns(&args.file, ctx);
    let request = Request {
        input: Input {
            path: &args.file,
            format: ctx.global.input_format,
            deciding: None,
        },
        job: Job::Pair {
            primary: &args.primary,
            secondary: &args.secondary,
        },
        opts: &opts,
        output: &output,
        journal: args.journal.as_deref(),
        progress: &|| {},
        section_changes: false,
    };
    let Outcome::Written(written) = batch::run(&request, &mut *ctx.out)? else {
        unreachable!("one merge is never refused as a plan is")
    };
    ctx.wrote_outputs(&written.target, args.journal.as_deref());
    super::regional::warn_if_order_lost(&written.target, ctx);
    let Merges::Pair {
        decisions,
        sections,
        warnings,
    } = written.merges
    else {
        unreachable!("one merge's run reports the merge")
    };
    let done = Done {
        changed: changed(&decisions),
        sections,
        warnings,
        lost: written.output_warnings,
        contacts: written.contacts,
    };
    done.report(args, ctx, &opts, &written.target)?;
    Ok(Status::Ok)
}

/// The properties a merge changed on the primary, with their rules.
fn changed(decisions: &[crate::rules::Decision]) -> Vec<Changed> {
    decisions
        .iter()
        .filter(|d| super::diff::changes_primary(d))
        .map(|d| Changed {
            property: d.property.clone(),
            rule: d.rule.to_string(),
        })
        .collect()
}

/// A property the merge changed on the primary.
#[derive(Serialize)]
struct Changed {
    property: String,
    rule: String,
}

/// What `merge --format json` reports.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    primary: &'a str,
    secondary: &'a str,
    policy: crate::rules::Policy,
    merge_time: String,
    /// The properties whose value the merge changed on the primary.
    changed: &'a [Changed],
    /// What the merge did with each section.
    sections: &'a [SectionChange],
    warnings: &'a [Warning],
    /// What the output format could not hold.
    output_warnings: &'a [String],
    /// Where the export went: its path, or "stdout".
    output: String,
    contacts: usize,
    journal: Option<String>,
}

/// A merge done and written, to report.
struct Done {
    changed: Vec<Changed>,
    /// What the merge did with each section (SPEC section 4: S's companies
    /// dropped and named, active lists to re-evaluate, workflows marked
    /// with --enroll-on-merge).
    sections: Vec<SectionChange>,
    warnings: Vec<Warning>,
    /// What the output format could not hold.
    lost: Vec<String>,
    contacts: usize,
}

impl Done {
    /// The warnings, the summary, and with `--format json` the report: on
    /// stdout, or on stderr when the export went to stdout.
    fn report(
        &self,
        args: &MergeArgs,
        ctx: &mut Ctx,
        opts: &crate::rules::MergeOptions,
        target: &io::Target,
    ) -> anyhow::Result<()> {
        for w in &self.warnings {
            ctx.warn_merge(w);
        }
        for w in &self.lost {
            ctx.warn("output", w);
        }
        let dest = target.describe();
        if ctx.global.format == OutputFormat::Json {
            let report = Report {
                primary: &args.primary,
                secondary: &args.secondary,
                policy: opts.policy,
                merge_time: format_date(opts.merge_time, DateForm::Iso),
                changed: &self.changed,
                sections: &self.sections,
                warnings: &self.warnings,
                output_warnings: &self.lost,
                output: dest.clone(),
                contacts: self.contacts,
                journal: args.journal.as_ref().map(|j| j.display().to_string()),
            };
            let out: &mut dyn Write = if target.path.is_none() {
                &mut *ctx.err
            } else {
                &mut *ctx.out
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        // What the merge dropped, and what needs a look in the portal.
        for c in self.sections.iter().filter(|c| reported(c)) {
            let dropped = match c.dropped.is_empty() {
                true => String::new(),
                false => format!(" (dropped: {})", c.dropped.join(", ")),
            };
            ctx.info(&format!("{}: {}{dropped}", c.section, c.note));
        }
        ctx.info(&format!(
            "merged {} into {} (policy {}): {} changed; wrote {} to {dest}{}",
            args.secondary,
            args.primary,
            opts.policy,
            count(self.changed.len(), "property", "properties"),
            count(self.contacts, "contact", "contacts"),
            (args.journal.as_ref())
                .map_or_else(String::new, |j| format!(", journal {}", j.display())),
        ));
        Ok(())
    }
}

/// Whether a section change goes in the summary as well as the JSON
/// report, as `apply` counts it ([`SectionChange::notable`]): one that
/// dropped something of the secondary's (companies, static lists, a v1
/// contact's `list-memberships`, workflows, a subscription set), active
/// lists to re-evaluate, workflows marked under `--enroll-on-merge`; not
/// a list or workflow section with nothing of the kind.
fn reported(c: &SectionChange) -> bool {
    !c.note.is_empty() && c.notable()
}
