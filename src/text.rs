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

/// A wait in words: "250 ms", "1.5 s", "10 s", "5 min", "2 h 30 min".
pub fn duration(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    let secs = d.as_secs();
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=119_999 if ms % 1000 == 0 => format!("{secs} s"),
        1_000..=119_999 => format!("{:.1} s", d.as_secs_f64()),
        _ if secs < 3600 => match secs % 60 {
            0 => format!("{} min", secs / 60),
            s => format!("{} min {s} s", secs / 60),
        },
        _ => match (secs % 3600) / 60 {
            0 => format!("{} h", secs / 3600),
            m => format!("{} h {m} min", secs / 3600),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_in_seconds_minutes_and_hours() {
        use std::time::Duration as D;
        assert_eq!(duration(D::from_millis(5)), "5 ms");
        assert_eq!(duration(D::from_millis(1500)), "1.5 s");
        assert_eq!(duration(D::from_secs(10)), "10 s");
        assert_eq!(duration(D::from_secs(300)), "5 min");
        assert_eq!(duration(D::from_secs(150)), "2 min 30 s");
        assert_eq!(duration(D::from_secs(9000)), "2 h 30 min");
    }

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
