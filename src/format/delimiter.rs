//! The byte between CSV cells: `,`, `;` (European Excel) or tab, sniffed
//! from the header row (SPEC section 3) and written back as read.

/// The delimiters a CSV export may use (SPEC section 3): `,`, `;`
/// (European Excel) and tab.
pub const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// The delimiter of the header row (the first non-blank line of `bytes`):
/// the one of `,` `;` and tab found most often outside quotes; a comma
/// when none is, or on a tie with it.
pub(crate) fn sniff(bytes: &[u8]) -> u8 {
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
    fn the_header_row_decides() {
        assert_eq!(sniff(b"Record ID,Email\n1,a@x.com\n"), b',');
        assert_eq!(sniff(b"Record ID;Email;Name\n1;a@x.com;\"A, B\"\n"), b';');
        assert_eq!(sniff(b"\r\nRecord ID\tEmail\n1\ta;b\n"), b'\t');
        // Quoted delimiters do not count; rows after the header neither.
        assert_eq!(sniff(b"\"a;b;c\",d\n1;2;3;4;5\n"), b',');
        // One column, or a tie with the comma: a comma.
        assert_eq!(sniff(b"Record ID\n1\n"), b',');
        assert_eq!(sniff(b"a,b;c\n"), b',');
        assert_eq!(sniff(b""), b',');
    }
}
