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

/// "a", "a and b", "a, b and c".
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => format!(
            "{} and {}",
            rest.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_text() {
        assert_eq!(and_list::<&str>(&[]), "");
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn counts_are_singular_for_one() {
        assert_eq!(count(0, "property", "properties"), "0 properties");
        assert_eq!(count(1, "property", "properties"), "1 property");
        assert_eq!(count(2, "contact", "contacts"), "2 contacts");
        assert_eq!(count(1u64, "pair", "pairs"), "1 pair");
    }
}
