//! `contact-merge show FILE ID...`: contacts as a table, or JSON.

use anyhow::bail;

use super::args::{OutputFormat, ShowArgs};
use super::{io, table, Ctx, Status};
use crate::model::{Contact, CsvLayout};
use crate::summary::section_summaries;

pub fn run(args: &ShowArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    let ids: Vec<&str> = args.ids.iter().map(String::as_str).collect();
    let read = io::load_contacts(&args.file, ctx.global, &ids)?;
    let mut found: Vec<&Contact> = Vec::with_capacity(args.ids.len());
    for id in &args.ids {
        match read.contacts.get(id) {
            Some(c) => found.push(c),
            None => {
                // Merged away: the contact that holds it now, as `diff` says.
                let holders = io::holders_of(&args.file, ctx.global, id);
                if !holders.is_empty() {
                    bail!(
                        "{}: contact {id} is not in the export{}",
                        args.file.display(),
                        crate::error::merged_away_hint(id, &holders)
                    );
                }
                bail!(
                "{}: no contact with id {id}; this file's ids are {}, and `contact-merge check {}` lists the file's contacts' problems",
                args.file.display(),
                read.ids_are,
                args.file.display()
                )
            }
        }
    }
    match ctx.global.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &found)?;
            writeln!(ctx.out)?;
        }
        OutputFormat::Table => {
            for (i, c) in found.iter().enumerate() {
                if i > 0 {
                    writeln!(ctx.out)?;
                }
                let t = render(c, args.all, ctx.color, read.layout.as_ref());
                ctx.print_table(&t)?;
            }
        }
    }
    Ok(Status::Ok)
}

/// One contact as a property | value table, sections summarised below the
/// properties. A spreadsheet's properties are named by its headers (the
/// JSON keeps the internal names).
pub fn render(c: &Contact, all: bool, color: bool, layout: Option<&CsvLayout>) -> table::Table {
    let mut t = table::new(&["property", "value"], color);
    t.row(["id", &c.id]);
    for (name, value) in &c.properties {
        let v = value.as_deref();
        if all || v.is_some_and(|v| !v.is_empty()) {
            let shown = layout.and_then(|l| l.header_of(name)).unwrap_or(name);
            t.row([shown.to_string(), table::show_value(v)]);
        }
    }
    for (section, summary) in section_summaries(c) {
        t.row([format!("[{section}]"), summary]);
    }
    t
}
