//! The byte between CSV cells: `,`, `;` (European Excel) or tab, sniffed
//! from the header row (SPEC section 3) and written back as read.

/// The delimiters a CSV export may use (SPEC section 3): `,`, `;`
/// (European Excel) and tab.
use std::sync::atomic::{AtomicU8, Ordering};

pub const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// `--delimiter`, when given: the delimiter of every CSV export this run
/// reads (0: sniff each file). A process-wide setting, as `--date-order`
/// is: a run reads one export (`check` reads several, all with the flag).
static GIVEN: AtomicU8 = AtomicU8::new(0);

/// Set (or, with `None`, clear) the delimiter `--delimiter` gives.
pub fn set_given(delimiter: Option<u8>) {
    GIVEN.store(delimiter.unwrap_or(0), Ordering::Relaxed);
}

/// The delimiter `--delimiter` gave, if any.
pub(crate) fn given() -> Option<u8> {
    match GIVEN.load(Ordering::Relaxed) {
        0 => None,
        d => Some(d),
    }
}

/// The delimiter `--delimiter` names: `,`, `;`, `tab` (or a tab itself).
pub fn parse_flag(text: &str) -> Result<u8, String> {
    match text {
        "," => Ok(b','),
        ";" => Ok(b';'),
        "tab" | "\t" | "\\t" => Ok(b'\t'),
        _ => Err(format!(
            "{text:?} is not a delimiter this tool reads; give \",\", \";\" or tab"
        )),
    }
}

/// The delimiter of a CSV export: the one `--delimiter` gave, else the
/// header row's (`sniff_header`).
pub(crate) fn sniff(bytes: &[u8]) -> u8 {
    given().unwrap_or_else(|| sniff_header(bytes))
}

/// The delimiter of the header row (the first non-blank line of `bytes`):
/// the one of `,` `;` and tab found most often outside quotes; a comma
/// when none is, or on a tie with it.
pub(crate) fn sniff_header(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    let start = bytes
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(bytes.len());
    for &b in &bytes[start..] {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\r' | b'\n' if !in_quotes => break,
            _ if in_quotes => {}
            _ => {
                if let Some(k) = DELIMITERS.iter().position(|&d| d == b) {
                    counts[k] += 1;
                }
            }
        }
    }
    let mut best = 0;
    for k in 1..DELIMITERS.len() {
        if counts[k] > counts[best] {
            best = k;
        }
    }
    DELIMITERS[best]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_names_the_three_delimiters() {
        assert_eq!(parse_flag(","), Ok(b','));
        assert_eq!(parse_flag(";"), Ok(b';'));
        assert_eq!(parse_flag("tab"), Ok(b'\t'));
        assert_eq!(parse_flag("\t"), Ok(b'\t'));
        assert!(parse_flag("|").unwrap_err().contains("tab"));
    }

    #[test]
    fn the_header_row_decides() {
        assert_eq!(sniff_header(b"Record ID,Email\n1,a@x.com\n"), b',');
        assert_eq!(
            sniff_header(b"Record ID;Email;Name\n1;a@x.com;\"A, B\"\n"),
            b';'
        );
        assert_eq!(sniff_header(b"\r\nRecord ID\tEmail\n1\ta;b\n"), b'\t');
        // Quoted delimiters do not count; rows after the header neither.
        assert_eq!(sniff_header(b"\"a;b;c\",d\n1;2;3;4;5\n"), b',');
        // One column, or a tie with the comma: a comma.
        assert_eq!(sniff_header(b"Record ID\n1\n"), b',');
        assert_eq!(sniff_header(b"a,b;c\n"), b',');
        assert_eq!(sniff_header(b""), b',');
    }
}
