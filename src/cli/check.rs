//! `contact-merge check FILE...`: validate exports for CI.

use serde::Serialize;

use super::args::{CheckArgs, OutputFormat};
use super::{table, Ctx, Status};
use crate::check::{check_file, Problem};
use crate::text::count;

#[derive(Serialize)]
struct FileReport {
    file: String,
    contacts: usize,
    problems: usize,
    #[serde(skip_serializing_if = "is_zero")]
    warnings: usize,
    /// CSV headers that neither the built-in labels nor the definitions
    /// given with `--properties` map, kept as custom properties (SPEC 3).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unmapped_headers: Vec<String>,
}

#[derive(Serialize)]
struct Report {
    files: Vec<FileReport>,
    problems: Vec<Problem>,
    /// Legal data worth knowing about: cells a spreadsheet would run as
    /// formulas. They fail the check only with `--strict`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<Problem>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

pub fn run(args: &CheckArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    let stages = super::stage_order(args.lifecycle_order.as_deref())?;
    let mut report = Report {
        files: Vec::new(),
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    for path in &args.files {
        // A file whose dates disagree on their order is a problem of the
        // file; its ambiguous dates are then each reported as well.
        let order = super::regional::decide(path, ctx)
            .err()
            .filter(|e| !matches!(e, crate::dates::order::OrderError::Read(_)));
        let order = order.map(|e| Problem {
            file: path.display().to_string(),
            place: None,
            record: None,
            property: None,
            value: None,
            problem: e.to_string(),
        });
        let mut checked = check_file(path, ctx.global.input_format, &stages);
        checked.problems.splice(0..0, order);
        report.files.push(FileReport {
            file: checked.file,
            contacts: checked.contacts,
            problems: checked.problems.len(),
            warnings: checked.warnings.len(),
            unmapped_headers: super::headers::unmapped(path, ctx),
        });
        report.problems.extend(checked.problems);
        report.warnings.extend(checked.warnings);
    }
    // Warnings are legal data: they fail the check only under --strict.
    let failed = !report.problems.is_empty() || (args.strict && !report.warnings.is_empty());
    let status = ctx.verdict(if failed { Status::Problems } else { Status::Ok });
    match ctx.global.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &report)?;
            writeln!(ctx.out)?;
        }
        OutputFormat::Table => {
            if !report.problems.is_empty() {
                ctx.print_table(&findings_table(&report.problems, "problem", ctx.color))?;
            }
            if !report.warnings.is_empty() {
                ctx.print_table(&findings_table(&report.warnings, "warning", ctx.color))?;
            }
            // With the portal's definitions the list is what was asked for;
            // without, a note: a misspelt column of a built-in property
            // (`E-mail Address`) would otherwise pass unnoticed.
            let listed = report.files.iter().any(|f| !f.unmapped_headers.is_empty());
            if listed && ctx.global.properties.is_some() {
                ctx.print_table(&unmapped_table(&report.files, ctx.color))?;
            } else if listed {
                for f in &report.files {
                    unmapped_note(f, &mut *ctx);
                }
            }
        }
    }
    for f in &report.files {
        let problems = match f.problems {
            0 => "no problems".to_string(),
            n => count(n, "problem", "problems"),
        };
        let mut line = format!(
            "{}: {}, {problems}",
            f.file,
            count(f.contacts, "contact", "contacts")
        );
        if f.warnings > 0 {
            line.push_str(&format!(", {}", count(f.warnings, "warning", "warnings")));
        }
        ctx.info(&line);
    }
    Ok(status)
}

/// Problems or warnings as a table: file | where | record | property |
/// value | what (cells shown as every table shows them: control characters
/// escaped, since a tab or carriage return is what makes some warnings
/// formulas).
fn findings_table(findings: &[Problem], what: &str, color: bool) -> table::Table {
    let mut t = table::new(
        &["file", "where", "record", "property", "value", what],
        color,
    );
    for f in findings {
        t.row([
            f.file.as_str(),
            f.place.as_deref().unwrap_or_default(),
            f.record.as_deref().unwrap_or_default(),
            f.property.as_deref().unwrap_or_default(),
            f.value.as_deref().unwrap_or_default(),
            f.problem.as_str(),
        ]);
    }
    t
}

/// A file's headers kept as custom properties, as a note on stderr.
fn unmapped_note(f: &FileReport, ctx: &mut Ctx) {
    const SHOWN: usize = 8;
    let Some(first) = f.unmapped_headers.first() else {
        return;
    };
    let mut names = format!("\"{first}\"");
    for h in f.unmapped_headers.iter().take(SHOWN).skip(1) {
        names.push_str(&format!(", \"{h}\""));
    }
    if f.unmapped_headers.len() > SHOWN {
        names.push_str(&format!(" and {} more", f.unmapped_headers.len() - SHOWN));
    }
    ctx.info(&format!(
        "note: {}: {} no built-in label maps, kept as custom properties: {names}. \
         If one is a HubSpot property under another header (a typo, another language), \
         rename the column or give --properties FILE with the portal's definitions",
        f.file,
        count(f.unmapped_headers.len(), "header", "headers"),
    ));
}

/// file | header, for the headers kept as custom properties.
fn unmapped_table(files: &[FileReport], color: bool) -> table::Table {
    let mut t = table::new(&["file", "header kept as a custom property"], color);
    for f in files {
        for h in &f.unmapped_headers {
            t.row([f.file.as_str(), h.as_str()]);
        }
    }
    t
}
