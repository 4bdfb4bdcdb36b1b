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
}

#[derive(Serialize)]
struct Report {
    files: Vec<FileReport>,
    problems: Vec<Problem>,
}

pub fn run(args: &CheckArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    let stages = super::stage_order(args.lifecycle_order.as_deref())?;
    let mut report = Report {
        files: Vec::new(),
        problems: Vec::new(),
    };
    for path in &args.files {
        let checked = check_file(path, ctx.global.input_format, &stages);
        report.files.push(FileReport {
            file: checked.file,
            contacts: checked.contacts,
            problems: checked.problems.len(),
        });
        report.problems.extend(checked.problems);
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
                    t.row([
                        p.file.as_str(),
                        p.place.as_deref().unwrap_or_default(),
                        p.record.as_deref().unwrap_or_default(),
                        p.property.as_deref().unwrap_or_default(),
                        p.value.as_deref().unwrap_or_default(),
                        p.problem.as_str(),
                    ]);
                }
                ctx.print_table(&t)?;
            }
        }
    }
    for f in &report.files {
        let line = match f.problems {
            0 => format!(
                "{}: {}, no problems",
                f.file,
                count(f.contacts, "contact", "contacts")
            ),
            n => format!(
                "{}: {}, {}",
                f.file,
                count(f.contacts, "contact", "contacts"),
                count(n, "problem", "problems")
            ),
        };
        ctx.info(&line);
    }
    Ok(if report.problems.is_empty() {
        Status::Ok
    } else {
        Status::Problems
    })
}
