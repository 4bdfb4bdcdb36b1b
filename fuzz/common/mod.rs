//! What every reader target does with an input: read it strictly, and
//! leniently one contact at a time as `check` does, render every error
//! message, and run the checks (dates, counters, emails) over whatever was
//! read. Any panic is a bug.

use contact_merge::format::{self, Format};
use contact_merge::{check, dates, labels};

pub fn read_export(data: &[u8], format: Format, file: &str) {
    let _ = Format::sniff(data);
    match format::read_bytes(data, format, file) {
        Ok(export) => inspect(&export, file),
        Err(e) => {
            let _ = e.to_string();
        }
    }
    let mut skipped = Vec::new();
    match format::read_bytes_with(data, format, file, Some(&mut skipped)) {
        Ok(export) => inspect(&export, file),
        Err(e) => {
            let _ = e.to_string();
        }
    }
    // As `check` reads: one contact at a time, the unreadable ones skipped.
    let stages = labels::default_stage_order();
    let mut checker = check::Checker::new(file, &stages);
    let mut skipped = Vec::new();
    let result = format::each_contact(data, format, file, Some(&mut skipped), &mut |c, at| {
        let _ = at.to_string();
        checker.check(&c, at);
    });
    if let Err(e) = result {
        let _ = e.to_string();
    }
    for e in &skipped {
        let _ = e.to_string();
    }
}

fn inspect(export: &contact_merge::model::Export, file: &str) {
    let stages = labels::default_stage_order();
    for p in check::check_export(export, file, &stages) {
        let _ = p.problem;
    }
    for c in &export.contacts {
        let _ = dates::created_time(c);
        let _ = dates::value_time(c, "email");
        let _ = c.emails();
    }
}
