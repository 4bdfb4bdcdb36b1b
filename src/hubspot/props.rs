//! What the tool knows about HubSpot contact properties: which are counters,
//! which are dates, what a valid email and a valid counter look like.
//! The merge rules and `check` share these, so that what `check` accepts a
//! merge can use.

/// The counters HubSpot sums when it merges (SPEC section 4).
pub const SUMMED_COUNTERS: &[&str] = &[
    "num_conversion_events",
    "num_unique_conversion_events",
    "hs_analytics_num_page_views",
    "hs_analytics_num_visits",
    "hs_analytics_num_event_completions",
];

/// Date properties by name; besides these, any property whose name ends in
/// `_date`, `_timestamp` or `date` (HubSpot's convention:
/// `closedate`, `hs_lifecyclestage_lead_date`, ...) is a date.
const DATE_PROPERTIES: &[&str] = &[
    "createdate",
    "lastmodifieddate",
    "closedate",
    "hs_analytics_first_timestamp",
    "hs_analytics_last_timestamp",
    "hs_analytics_first_visit_timestamp",
    "hs_analytics_last_visit_timestamp",
    "notes_last_updated",
    "notes_last_contacted",
    "notes_next_activity_date",
];

/// Whether a property holds a date: as the portal's definitions say
/// (`--properties`), else by name.
pub fn is_date_property(name: &str) -> bool {
    if let Some(d) = super::portal::get().and_then(|p| p.by_name(name)) {
        return d.kind == super::portal::PropertyType::Date;
    }
    DATE_PROPERTIES.contains(&name)
        || name.ends_with("_date")
        || name.ends_with("_timestamp")
        || (name.ends_with("date") && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

/// Whether the portal's definitions (`--properties`) say the property
/// holds a number.
pub fn is_number_property(name: &str) -> bool {
    super::portal::get()
        .and_then(|p| p.by_name(name))
        .is_some_and(|d| d.kind == super::portal::PropertyType::Number)
}

/// Whether a number property's value is a number (`12`, `-3.5`, `1e3`;
/// spaces around ignored).
pub fn is_number(text: &str) -> bool {
    text.trim().parse::<f64>().is_ok_and(f64::is_finite)
}

/// Why a counter value is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CounterError {
    #[error("'{0}' is not a whole number")]
    NotANumber(String),
    #[error("'{0}' is below zero, and a counter counts up from 0")]
    Negative(String),
    #[error("'{0}' is too large for a counter (at most 18446744073709551615)")]
    TooLarge(String),
}

/// A counter value: a whole number, optionally written with a zero fraction
/// (`3`, `3.0`); surrounding spaces are ignored.
pub fn parse_counter(text: &str) -> Result<u64, CounterError> {
    // Most counters are plain digits: up to 19 always fit in 64 bits.
    let b = text.as_bytes();
    if (1..=19).contains(&b.len()) && b.iter().all(u8::is_ascii_digit) {
        return Ok(b.iter().fold(0, |n, &c| n * 10 + u64::from(c - b'0')));
    }
    let t = text.trim();
    let whole = match t.split_once('.') {
        Some((w, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => w,
        Some(_) => return Err(CounterError::NotANumber(text.into())),
        None => t,
    };
    let digits = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) {
        return Err(match whole.strip_prefix('-') {
            Some(w) if digits(w) && w.bytes().any(|b| b != b'0') => {
                CounterError::Negative(text.into())
            }
            _ => CounterError::NotANumber(text.into()),
        });
    }
    whole
        .parse::<u64>()
        .map_err(|_| CounterError::TooLarge(text.into()))
}

/// A plausible email address: `local@domain.tld`, no spaces, a dotted
/// domain of letters, digits and hyphens (non-ASCII letters allowed).
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"()<>[]\\,;:\"@".contains(c));
    // Two labels or more (no list of them is built: `check` calls this
    // for every contact).
    let domain_ok = domain.contains('.')
        && domain.len() <= 253
        && domain.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && (domain.rsplit('.').next())
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters() {
        assert_eq!(parse_counter("3"), Ok(3));
        assert_eq!(parse_counter(" 3.0 "), Ok(3));
        assert_eq!(parse_counter("0"), Ok(0));
        assert!(matches!(
            parse_counter("3.5"),
            Err(CounterError::NotANumber(_))
        ));
        assert_eq!(
            parse_counter("-1").unwrap_err().to_string(),
            "'-1' is below zero, and a counter counts up from 0"
        );
        assert!(matches!(
            parse_counter("-1.5"),
            Err(CounterError::NotANumber(_))
        ));
        assert!(matches!(
            parse_counter("three"),
            Err(CounterError::NotANumber(_))
        ));
        assert!(matches!(
            parse_counter(""),
            Err(CounterError::NotANumber(_))
        ));
        assert!(matches!(
            parse_counter("99999999999999999999"),
            Err(CounterError::TooLarge(_))
        ));
    }

    #[test]
    fn plain_digits_read_as_any_counter() {
        for text in [
            "7",
            "0007",
            "1234567890123456789",
            "9999999999999999999",
            "18446744073709551615",
            "18446744073709551616",
        ] {
            let general = text
                .parse::<u64>()
                .map_err(|_| CounterError::TooLarge(text.into()));
            assert_eq!(parse_counter(text), general, "{text}");
        }
    }

    #[test]
    fn emails() {
        for ok in [
            "a@x.com",
            "jane.doe+crm@acme.co.uk",
            "zoë@exämple.de",
            "o'neil@x.io",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@",
            "@x.com",
            "a@x",
            "a b@x.com",
            "a@x..com",
            "a@-x.com",
            "a..b@x.com",
            "a@x.c0m",
            "a@x.com;b@y.com",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn date_properties() {
        for d in [
            "createdate",
            "closedate",
            "hs_lifecyclestage_lead_date",
            "hs_analytics_first_timestamp",
        ] {
            assert!(is_date_property(d), "{d}");
        }
        for n in ["firstname", "email", "hs_analytics_num_visits", "Update"] {
            assert!(!is_date_property(n), "{n}");
        }
    }
}
