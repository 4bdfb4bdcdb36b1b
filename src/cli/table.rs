//! Table rendering shared by the commands (comfy-table).

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table};

/// A table with the given headers. Colour only when asked for; the width
/// follows the terminal only when stdout is one that says how wide it is
/// (one that says 0 columns, as an unsized pseudo-terminal does, would
/// stand every cell on end, a character a line).
pub fn new(headers: &[&str], color: bool) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    if std::io::IsTerminal::is_terminal(&std::io::stdout()) && t.width().is_some_and(|w| w > 0) {
        t.set_content_arrangement(ContentArrangement::Dynamic);
    }
    if color {
        t.enforce_styling();
        t.set_header(
            headers
                .iter()
                .map(|h| Cell::new(h).add_attribute(Attribute::Bold)),
        );
    } else {
        t.force_no_tty();
        t.set_header(headers.to_vec());
    }
    t
}

/// A cell, highlighted when `mark` and colour is on.
pub fn cell(text: impl ToString, mark: bool, color: bool) -> Cell {
    let c = Cell::new(text.to_string());
    if mark && color {
        c.fg(Color::Yellow).add_attribute(Attribute::Bold)
    } else {
        c
    }
}

/// A value for display: empty and missing shown as such.
pub fn show_value(v: Option<&str>) -> String {
    match v {
        None => "(none)".into(),
        Some("") => "(empty)".into(),
        Some(s) => s.to_string(),
    }
}
