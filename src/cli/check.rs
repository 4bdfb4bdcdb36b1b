//! `contact-merge check FILE...`: validate exports for CI.

use serde::Serialize;

use super::args::{CheckArgs, OutputFormat};
use super::{table, Ctx, Status};
use crate::check::{check_export, Problem};
use crate::format::{self, ReadError};

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
        let name = path.display().to_string();
        let before = report.problems.len();
        let mut skipped = Vec::new();
        let contacts =
            match format::read_path_with(path, ctx.global.input_format, Some(&mut skipped)) {
                Ok(export) => {
                    report
                        .problems
                        .extend(skipped.into_iter().map(|e| from_read_error(&name, e)));
                    report
                        .problems
                        .extend(check_export(&export, &name, &stages));
                    export.contacts.len()
                }
                Err(e) => {
                    report.problems.push(from_read_error(&name, e));
                    0
                }
            };
        report.files.push(FileReport {
            file: name,
            contacts,
            problems: report.problems.len() - before,
        });
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
        }
    }
    for f in &report.files {
        let line = match f.problems {
            0 => format!("{}: {} contacts, no problems", f.file, f.contacts),
            n => format!("{}: {} contacts, {n} problem(s)", f.file, f.contacts),
        };
        ctx.info(&line);
    }
    Ok(if report.problems.is_empty() {
        Status::Ok
    } else {
        Status::Problems
    })
}

/// A read error as a problem: the file, and where when the error says.
fn from_read_error(file: &str, e: ReadError) -> Problem {
    let (place, problem) = match &e {
        ReadError::Invalid { place, what, .. } => (Some(place.clone()), what.clone()),
        ReadError::Syntax {
            line, column, what, ..
        } => (Some(format!("line {line}, column {column}")), what.clone()),
        ReadError::NotUtf8 { line, .. } => (Some(format!("line {line}")), {
            let s = e.to_string();
            s.split_once(": ")
                .map(|(_, r)| r.split_once(": ").map_or(r, |(_, r)| r).to_string())
                .unwrap_or(s)
        }),
        _ => (
            None,
            e.to_string()
                .trim_start_matches(&format!("{file}: "))
                .to_string(),
        ),
    };
    Problem {
        file: file.into(),
        place,
        record: None,
        property: None,
        value: None,
        problem,
    }
}
