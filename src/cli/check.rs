//! `contact-merge check FILE...`: validate exports for CI.

use serde::Serialize;

use super::args::{CheckArgs, OutputFormat};
use super::{table, Ctx, Status};
use crate::check::{check_file, Problem};

#[derive(Serialize)]
struct FileReport {
    file: String,
    contacts: usize,
    problems: usize,
    #[serde(skip_serializing_if = "is_zero")]
    warnings: usize,
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
        let checked = check_file(path, ctx.global.input_format, &stages);
        report.files.push(FileReport {
            file: checked.file,
            contacts: checked.contacts,
            problems: checked.problems.len(),
            warnings: checked.warnings.len(),
        });
        report.problems.extend(checked.problems);
        report.warnings.extend(checked.warnings);
    }
    match ctx.global.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &report)?;
            writeln!(ctx.out)?;
        }
        OutputFormat::Table => {
            if !report.problems.is_empty() {
                let mut t = table::new(
                    &["file", "where", "record", "property", "value", "problem"],
                    ctx.color,
                );
                for p in &report.problems {
                    t.add_row(vec![
                        p.file.clone(),
                        p.place.clone().unwrap_or_default(),
                        p.record.clone().unwrap_or_default(),
                        p.property.clone().unwrap_or_default(),
                        p.value.clone().unwrap_or_default(),
                        p.problem.clone(),
                    ]);
                }
                writeln!(ctx.out, "{t}")?;
            }
            if !report.warnings.is_empty() {
                writeln!(ctx.out, "{}", warnings_table(&report.warnings, ctx.color))?;
            }
        }
    }
    for f in &report.files {
        let mut line = match f.problems {
            0 => format!("{}: {}, no problems", f.file, plural(f.contacts, "contact")),
            n => format!(
                "{}: {}, {}",
                f.file,
                plural(f.contacts, "contact"),
                plural(n, "problem")
            ),
        };
        if f.warnings > 0 {
            line.push_str(&format!(", {}", plural(f.warnings, "warning")));
        }
        ctx.info(&line);
    }
    // Warnings are legal data: they fail the check only under --strict.
    let failed = !report.problems.is_empty() || (args.strict && !report.warnings.is_empty());
    Ok(if failed { Status::Problems } else { Status::Ok })
}

/// "1 contact", "2 contacts".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The warnings as a table, values with their control characters shown
/// escaped (a tab or carriage return is what makes some of them formulas).
fn warnings_table(warnings: &[Problem], color: bool) -> comfy_table::Table {
    let mut t = table::new(
        &["file", "where", "record", "property", "value", "warning"],
        color,
    );
    let shown = |v: &Option<String>| {
        v.as_deref()
            .unwrap_or_default()
            .chars()
            .map(|c| match c.is_control() {
                true => c.escape_default().to_string(),
                false => c.to_string(),
            })
            .collect::<String>()
    };
    for w in warnings {
        t.add_row(vec![
            w.file.clone(),
            w.place.clone().unwrap_or_default(),
            shown(&w.record),
            shown(&w.property),
            shown(&w.value),
            w.problem.clone(),
        ]);
    }
    t
}
