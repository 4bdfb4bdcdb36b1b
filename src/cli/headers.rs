//! A spreadsheet export's headers, read before a command runs: which ones
//! nothing maps (`check`'s note), and the key columns a merge needs that
//! no header names (`merge`, `apply` and `diff` warn).

use super::Ctx;
use crate::format::{records::Reader, Format};
use crate::hubspot::{labels, portal, property};

/// The headers of a CSV file or XLSX workbook; none for another format,
/// for stdin or a named pipe (what is read here would be gone for the
/// command), or for a file that cannot be read (its problem is the
/// command's to report).
pub fn of_file(path: &std::path::Path, ctx: &Ctx) -> Vec<String> {
    let format = ctx.global.input_format.or_else(|| Format::from_path(path));
    let Some(format @ (Format::Csv | Format::Xlsx)) = format else {
        return Vec::new();
    };
    let regular = path.as_os_str() != "-" && std::fs::metadata(path).is_ok_and(|m| m.is_file());
    if !regular {
        return Vec::new();
    }
    if format == Format::Xlsx {
        return crate::format::xlsx::header(path).unwrap_or_default();
    }
    let name = path.display().to_string();
    let Ok(file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    match Reader::new(file, format, &name) {
        Ok(reader) => reader
            .csv_layout()
            .map(|l| l.headers.clone())
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

/// The headers nothing maps, with or without `--properties`.
pub fn unmapped(path: &std::path::Path, ctx: &Ctx) -> Vec<String> {
    portal::unmapped_headers(&of_file(path, ctx))
}

/// When a spreadsheet has headers nothing maps and none of its headers is
/// the email or the last modified date: a warning that the merge keeps
/// those columns as custom properties, so a secondary's email in one is
/// not kept among the additional emails and a date in one decides
/// nothing (the primary's values stay where no date decides).
pub fn key_columns_warning(file: &str, headers: &[String]) -> Option<String> {
    let unmapped = portal::unmapped_headers(headers);
    if unmapped.is_empty() {
        return None;
    }
    let has = |name: &str| headers.iter().any(|h| labels::internal_name(h) == name);
    let missing: Vec<&str> = [
        (property::EMAIL, "Email"),
        (property::LAST_MODIFIED, "Last Modified Date"),
    ]
    .into_iter()
    .filter(|(name, _)| !has(name))
    .map(|(_, label)| label)
    .collect();
    if missing.is_empty() {
        return None;
    }
    let shown: Vec<String> = unmapped
        .iter()
        .take(8)
        .map(|h| format!("\"{h}\""))
        .collect();
    let more = match unmapped.len() {
        n if n > 8 => format!(" and {} more", n - 8),
        _ => String::new(),
    };
    let missing = missing.join(" or the ");
    Some(format!(
        "{file}: no column is HubSpot's {missing} (kept as custom properties: {}{more}): a merge here moves no secondary's email into the additional emails and reads no date from those columns, so the primary's values stay where no date decides. If one of them is the {missing} under another header (another language, a typo), rename it or give --properties FILE with the portal's definitions",
        shown.join(", "),
    ))
}

/// [`key_columns_warning`] for the export at `path`, on stderr.
pub fn warn_key_columns(path: &std::path::Path, ctx: &mut Ctx) {
    let headers = of_file(path, ctx);
    if let Some(w) = key_columns_warning(&path.display().to_string(), &headers) {
        ctx.warn("columns", &w);
    }
}
