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
        // Problems in file order: by the contact or line they are in.
        report.problems[before..].sort_by_key(|p| place_number(p.place.as_deref()));
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
            0 => format!("{}: {}, no problems", f.file, plural(f.contacts, "contact")),
            n => format!(
                "{}: {}, {}",
                f.file,
                plural(f.contacts, "contact"),
                plural(n, "problem")
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

/// "1 contact", "2 contacts".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The first number in a place ("contact 3", "line 7, column 2").
fn place_number(place: Option<&str>) -> u64 {
    place
        .and_then(|p| {
            p.split(|c: char| !c.is_ascii_digit())
                .find(|s| !s.is_empty())
                .and_then(|s| s.parse().ok())
        })
        .unwrap_or(0)
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
