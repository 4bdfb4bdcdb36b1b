//! `contact-merge diff FILE PRIMARY SECONDARY`: the merge preview. Never
//! writes a file.

use serde::Serialize;

use super::args::{DiffArgs, OutputFormat};
use super::{io, merge_options, table, Ctx, Status};
use crate::dates::{format_date, DateForm};
use crate::merge::{merge_contacts, MergeOutcome};
use crate::rules::history::{added_entries, AddedHistory};
use crate::rules::{Decision, Policy, SectionChange};
use crate::text::count;
use crate::warning::Warning;

/// The preview as scripts read it (`--format json`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview<'a> {
    pub primary: &'a str,
    pub secondary: &'a str,
    pub policy: Policy,
    pub merge_time: String,
    pub properties: Vec<Shown<'a>>,
    pub sections: &'a [SectionChange],
    pub warnings: &'a [Warning],
    /// The history entries the merge adds (the email's merge entry, the
    /// entries for current values), by property, newest first.
    pub history_added: Vec<AddedHistory>,
}

/// A property's decision as the preview shows it: in a spreadsheet, with
/// the header of its column where that is not the internal name.
#[derive(Serialize)]
pub struct Shown<'a> {
    #[serde(flatten)]
    pub decision: &'a Decision,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<&'a str>,
}

pub fn run(args: &DiffArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    let opts = merge_options(&args.merge, ctx.global)?;
    let read = io::load_contacts(
        &args.file,
        ctx.global,
        &[args.primary.as_str(), args.secondary.as_str()],
    )?;
    let contacts = &read.contacts;
    let file = args.file.display();
    let find =
        |id: &str| (contacts.get(id)).ok_or_else(|| io::not_in_export(&args.file, ctx.global, id));
    let (p, s) = (find(&args.primary)?, find(&args.secondary)?);
    if let Some(l) = &read.layout {
        if let Some(w) = super::headers::key_columns_warning(&file.to_string(), &l.headers) {
            ctx.warn("columns", &w);
        }
    }
    super::regional::decide_for(&args.file, ctx, &[p, s])?;
    let outcome = merge_contacts(p, s, &opts).map_err(|e| {
        anyhow::anyhow!(
            "{file}: {}",
            e.naming_with(|p| match &read.layout {
                Some(csv) => csv.naming_column(p),
                None => p.to_string(),
            })
        )
    })?;
    let preview = Preview {
        primary: &p.id,
        secondary: &s.id,
        policy: opts.policy,
        merge_time: format_date(opts.merge_time, DateForm::Iso),
        properties: (outcome.decisions.iter())
            .filter(|d| args.all || differs(d))
            .map(|d| Shown {
                column: read.header_of(&d.property),
                decision: d,
            })
            .collect(),
        sections: &outcome.sections,
        warnings: &outcome.warnings,
        history_added: added_entries(p, s, &outcome.merged),
    };
    match ctx.global.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &preview)?;
            writeln!(ctx.out)?;
        }
        OutputFormat::Table => render(&preview, &outcome, ctx)?,
    }
    for w in &outcome.warnings {
        ctx.warn_merge(w);
    }
    Ok(Status::Ok)
}

/// A property the merge has something to say about: the two contacts
/// disagree, or the primary's value changes.
pub fn differs(d: &Decision) -> bool {
    d.primary != d.secondary || d.merged != d.primary
}

/// The merged value replaces the primary's.
pub fn changes_primary(d: &Decision) -> bool {
    d.merged != d.primary
}

fn render(preview: &Preview, outcome: &MergeOutcome, ctx: &mut Ctx) -> anyhow::Result<()> {
    let title = format!(
        "Merge preview: {} into {} (policy {}, merge time {})",
        preview.secondary, preview.primary, preview.policy, preview.merge_time
    );
    writeln!(ctx.out, "{}", table::printable(&title))?;
    let mut t = table::new(
        &["", "property", "primary", "secondary", "merged", "rule"],
        ctx.color,
    );
    for shown in &preview.properties {
        let d = shown.decision;
        let changed = changes_primary(d);
        t.marked_row([
            (if changed { "*" } else { "" }.to_string(), changed),
            (shown.column.unwrap_or(&d.property).to_string(), changed),
            (table::show_value(d.primary.as_deref()), false),
            (table::show_value(d.secondary.as_deref()), false),
            (table::show_value(d.merged.as_deref()), changed),
            (d.rule.to_string(), false),
        ]);
    }
    ctx.print_table(&t)?;
    let changed = preview
        .properties
        .iter()
        .filter(|d| changes_primary(d.decision))
        .count();
    writeln!(
        ctx.out,
        "* the merged value replaces the primary's ({changed} of {} shown)",
        count(preview.properties.len(), "property", "properties")
    )?;
    if !outcome.sections.is_empty() {
        let mut t = table::new(&["section", "kept", "added", "dropped", "note"], ctx.color);
        for sc in &outcome.sections {
            t.row([
                sc.section.clone(),
                list(&sc.kept),
                list(&sc.added),
                list(&sc.dropped),
                sc.note.clone(),
            ]);
        }
        ctx.print_table(&t)?;
    }
    render_history(&preview.history_added, ctx)
}

/// The history entries the merge adds, one row each.
fn render_history(added: &[AddedHistory], ctx: &mut Ctx) -> anyhow::Result<()> {
    if added.is_empty() {
        return Ok(());
    }
    let mut t = table::new(
        &["history added", "value", "timestamp", "source"],
        ctx.color,
    );
    for a in added {
        let text = |k: &str| {
            a.entry
                .get(k)
                .and_then(crate::model::value_as_text)
                .unwrap_or_else(|| "-".into())
        };
        t.row([
            a.property.clone(),
            table::show_value(
                a.entry
                    .get("value")
                    .and_then(crate::model::value_as_text)
                    .as_deref(),
            ),
            text("timestamp"),
            text("sourceType"),
        ]);
    }
    ctx.print_table(&t)?;
    Ok(())
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(", ")
    }
}
