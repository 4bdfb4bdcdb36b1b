//! What people read on a terminal, in one place: tables (comfy-table) and
//! the text of messages.
//!
//! File content is shown through [`printable`]: control characters (ESC
//! and every other C0 and C1 control but the line break) and the Unicode
//! bidi controls (U+202E and the like) are shown as escapes (`\u{1b}`), so
//! a cell cannot move the cursor, recolour the screen, retitle the window
//! or reorder what follows. Tables also cut long cells (over
//! [`CELL_CHARS`] characters or [`CELL_LINES`] lines) with an ellipsis.
//! Neither touches JSON output or written files, which keep every value
//! exactly.

use std::borrow::Cow;
use std::fmt;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, Color, ContentArrangement};

/// A table cell shows at most this many characters (escapes counted as
/// shown), then an ellipsis.
pub const CELL_CHARS: usize = 500;
/// A table cell shows at most this many lines, then an ellipsis.
pub const CELL_LINES: usize = 20;

/// A table whose cells are made safe to print and cut to size.
pub struct Table {
    inner: comfy_table::Table,
    color: bool,
    cut: bool,
}

/// A table with the given headers. Colour only when asked for; the width
/// follows the terminal only when stdout is one that says how wide it is
/// (one that says 0 columns, as an unsized pseudo-terminal does, would
/// stand every cell on end, a character a line).
pub fn new(headers: &[&str], color: bool) -> Table {
    let mut t = comfy_table::Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    // Asked before colour is settled: without colour the table is told it is
    // on no terminal (no escapes), which would also lose the width.
    let width = std::io::IsTerminal::is_terminal(&std::io::stdout())
        .then(|| t.width())
        .flatten()
        .filter(|w| *w > 0);
    if let Some(w) = width {
        t.set_content_arrangement(ContentArrangement::Dynamic);
        t.set_width(w);
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
    Table {
        inner: t,
        color,
        cut: false,
    }
}

impl Table {
    /// Add a row of plain cells.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.marked_row(cells.into_iter().map(|c| (c, false)));
    }

    /// Add a row of cells, each highlighted when marked and colour is on.
    pub fn marked_row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = (S, bool)>) {
        let row: Vec<Cell> = cells
            .into_iter()
            .map(|(text, mark)| {
                let (text, cut) = cell_text(text.as_ref());
                self.cut |= cut;
                let c = Cell::new(text);
                if mark && self.color {
                    c.fg(Color::Yellow).add_attribute(Attribute::Bold)
                } else {
                    c
                }
            })
            .collect();
        self.inner.add_row(row);
    }

    /// Some cell was cut.
    pub fn cut(&self) -> bool {
        self.cut
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

/// A value for display: empty and missing shown as such, and a value of
/// spaces only (which the rules take for no value) with its characters.
pub fn show_value(v: Option<&str>) -> String {
    match v {
        None => "(none)".into(),
        Some("") => "(empty)".into(),
        Some(s) if s.trim().is_empty() => format!("(blank: {s:?})"),
        Some(s) => s.to_string(),
    }
}

/// Text safe to print on a terminal: line breaks kept, every other control
/// character and bidi control shown as an escape (see the module).
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_printable(&mut out, c);
    }
    Cow::Owned(out)
}

/// A cell's text: [`printable`], cut after [`CELL_CHARS`] characters or
/// [`CELL_LINES`] lines with an ellipsis; `true` when it was cut. Reads
/// only as much of `s` as it shows.
fn cell_text(s: &str) -> (String, bool) {
    let mut out = String::with_capacity(s.len().min(CELL_CHARS + 8));
    let (mut shown, mut lines) = (0, 1);
    for c in s.chars() {
        if shown >= CELL_CHARS || (c == '\n' && lines == CELL_LINES) {
            out.push('…');
            return (out, true);
        }
        if c == '\n' {
            lines += 1;
        }
        shown += push_printable(&mut out, c);
    }
    (out, false)
}

/// Push `c`, or its escape; gives the characters pushed.
fn push_printable(out: &mut String, c: char) -> usize {
    if !needs_escape(c) {
        out.push(c);
        return 1;
    }
    let before = out.len();
    match c {
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
    out.len() - before
}

/// Control characters but the line break (C0, DEL, C1), the bidi controls
/// (marks, embeddings, overrides, isolates) and the Unicode line and
/// paragraph separators.
fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_empty_and_blank_values_are_told_apart() {
        assert_eq!(show_value(None), "(none)");
        assert_eq!(show_value(Some("")), "(empty)");
        assert_eq!(show_value(Some(" \t")), "(blank: \" \\t\")");
        assert_eq!(show_value(Some(" a ")), " a ");
    }

    #[test]
    fn controls_and_bidi_overrides_are_shown_as_escapes() {
        assert_eq!(
            printable("a\u{1b}[31mred\u{7}\u{9b}2J\u{202e}cba\tx\r\ny"),
            "a\\u{1b}[31mred\\u{7}\\u{9b}2J\\u{202e}cba\\tx\\r\ny"
        );
        assert!(matches!(printable("plain, ünïcode ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_cells_are_cut_with_an_ellipsis() {
        let (text, cut) = cell_text(&"x".repeat(CELL_CHARS));
        assert_eq!((text.chars().count(), cut), (CELL_CHARS, false));
        let (text, cut) = cell_text(&"é".repeat(CELL_CHARS + 1));
        assert_eq!(text, format!("{}…", "é".repeat(CELL_CHARS)));
        assert!(cut);
        let (text, cut) = cell_text(&"l\n".repeat(CELL_LINES + 5));
        assert_eq!(text.lines().count(), CELL_LINES);
        assert!(text.ends_with("l…") && cut, "{text}");
        let (text, cut) = cell_text(&"\u{1b}".repeat(CELL_CHARS));
        assert!(cut && text.len() < CELL_CHARS + 10, "{text}");
    }

    #[test]
    fn tables_escape_and_cut_every_cell() {
        let mut t = new(&["a", "b"], false);
        t.row(["\u{1b}]0;pwned\u{7}", "ok"]);
        assert!(!t.cut());
        t.marked_row([("y".repeat(1000), true), ("z".into(), false)]);
        assert!(t.cut());
        let shown = t.to_string();
        assert!(!shown.contains('\u{1b}') && shown.contains("\\u{1b}]0;pwned\\u{7}"));
        assert!(!shown.contains(&"y".repeat(CELL_CHARS + 1)));
    }
}
