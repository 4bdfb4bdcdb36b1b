//! Wording shared by the library's messages and the command line.

/// "1 contact", "2 contacts": a count and its noun, singular for one.
pub fn count<N: std::fmt::Display + PartialEq + From<u8>>(
    n: N,
    singular: &str,
    plural: &str,
) -> String {
    let noun = if n == N::from(1) { singular } else { plural };
    format!("{n} {noun}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_singular_for_one() {
        assert_eq!(count(0, "property", "properties"), "0 properties");
        assert_eq!(count(1, "property", "properties"), "1 property");
        assert_eq!(count(2, "contact", "contacts"), "2 contacts");
        assert_eq!(count(1u64, "pair", "pairs"), "1 pair");
    }
}
