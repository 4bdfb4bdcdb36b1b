//! Phone numbers: the country calling code and the national significant
//! number, so that one number written two ways compares the same.

use super::normalize::fold;

/// A phone number: an optional country calling code and the national
/// significant number (no trunk prefix), both as digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// The country calling code (`1`, `44`, ...), when the number gives it
    /// or it could be inferred.
    pub country: Option<Box<str>>,
    /// The national significant number: `2079460958` for London's
    /// `020 7946 0958`.
    pub national: Box<str>,
}

impl Phone {
    /// Digits with the country code in front when known (E.164 without `+`).
    pub fn digits(&self) -> String {
        format!("{}{}", self.country.as_deref().unwrap_or(""), self.national)
    }

    /// The same number: the national numbers agree, and the country codes
    /// do too where both are known.
    pub fn same(&self, other: &Phone) -> bool {
        same(
            self.country.as_deref(),
            &self.national,
            other.country.as_deref(),
            &other.national,
        )
    }

    /// Nearly the same number: the same length and all but the last two
    /// digits equal (a direct line and a switchboard, or a typo at the
    /// end); never true for the same number.
    pub fn similar(&self, other: &Phone) -> bool {
        similar(
            self.country.as_deref(),
            &self.national,
            other.country.as_deref(),
            &other.national,
        )
    }
}

/// [`Phone::same`] of two numbers given by country code and national
/// number.
pub fn same(country: Option<&str>, national: &str, c2: Option<&str>, n2: &str) -> bool {
    national == n2
        && match (country, c2) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
}

/// [`Phone::similar`] of two numbers given by country code and national
/// number.
pub fn similar(country: Option<&str>, national: &str, c2: Option<&str>, n2: &str) -> bool {
    let (a, b) = (national.as_bytes(), n2.as_bytes());
    a.len() == b.len()
        && a.len() >= 7
        && a != b
        && a[..a.len() - 2] == b[..b.len() - 2]
        && match (country, c2) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
}

/// Countries whose numbers share NANP's `+1`, as exports spell them.
const NANP_COUNTRIES: &[&str] = &[
    "us",
    "usa",
    "united states",
    "united states of america",
    "ca",
    "canada",
    "pr",
    "puerto rico",
];

/// Countries whose national numbers start with a trunk `0` that the
/// international form drops, and their calling codes.
const TRUNK_ZERO: &[(&[&str], &str)] = &[
    (
        &[
            "uk",
            "gb",
            "united kingdom",
            "great britain",
            "england",
            "scotland",
            "wales",
            "northern ireland",
        ],
        "44",
    ),
    (&["ie", "ireland"], "353"),
    (&["de", "germany", "deutschland"], "49"),
    (&["fr", "france"], "33"),
    (&["nl", "netherlands", "the netherlands"], "31"),
    (&["be", "belgium"], "32"),
    (&["ch", "switzerland"], "41"),
    (&["at", "austria"], "43"),
    (&["se", "sweden"], "46"),
    (&["au", "australia"], "61"),
    (&["nz", "new zealand"], "64"),
    (&["jp", "japan"], "81"),
    (&["in", "india"], "91"),
];

fn country_key(country: Option<&str>) -> Option<String> {
    country
        .map(|c| fold(c).replace('.', ""))
        .filter(|c| !c.is_empty())
}

/// The length of the country calling code at the start of `digits`
/// (ITU-T E.164: `1` and `7` are one digit; the two-digit codes are listed;
/// every other code has three digits).
fn calling_code_len(digits: &str) -> usize {
    const TWO: &[&str] = &[
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
        "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
        "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ];
    match digits.as_bytes().first() {
        Some(b'1' | b'7') => 1,
        _ if digits.len() >= 2 && TWO.contains(&&digits[..2]) => 2,
        _ => 3,
    }
}

/// A phone number in any common writing (`+1 617 555 0101`,
/// `(617) 555-0101`, `617.555.0101`, `0044 20 7946 0958`,
/// `020 7946 0958`), with the country code where it can be inferred:
///
/// - a leading `+` or `00` gives it (`+44 (0)20 ...` drops the `(0)`);
/// - 11 digits starting with `1`, or 10 digits starting with 2-9 when the
///   contact's country is empty or a NANP country (US, Canada), are NANP
///   numbers: `1`;
/// - a national number with a trunk `0` gets its country's code only when
///   the contact's `country` names a country that writes numbers so (the
///   UK, Ireland, Germany, France, ... see `TRUNK_ZERO`); otherwise the `0`
///   is dropped and the code stays unknown, so `020 7946 0958` still
///   matches `+44 20 7946 0958`.
///
/// An extension (`x12`, `ext. 12`, `#12`) is ignored. `None` when fewer
/// than six digits are left.
pub fn phone(raw: &str, country: Option<&str>) -> Option<Phone> {
    let lower: String = raw
        .trim()
        .chars()
        .map(super::normalize::half_width)
        .collect();
    let lower = lower.to_lowercase();
    let main = ["ext", "x", "#", ";"]
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .map_or(lower.as_str(), |i| &lower[..i]);
    let plus = main.trim_start().starts_with('+');
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    let country = country_key(country);
    let nanp_country = country
        .as_deref()
        .is_none_or(|c| NANP_COUNTRIES.contains(&c));
    let (code, national): (Option<&str>, &str) = if plus || digits.starts_with("00") {
        let intl = if plus { &digits[..] } else { &digits[2..] };
        let n = calling_code_len(intl).min(intl.len());
        let (code, rest) = intl.split_at(n);
        // `+44 (0)20 ...`: the trunk zero written in brackets.
        let rest = if main.contains("(0)") {
            rest.strip_prefix('0').unwrap_or(rest)
        } else {
            rest
        };
        (Some(code), rest)
    } else if digits.len() == 11 && digits.starts_with('1') && nanp_country {
        (Some("1"), &digits[1..])
    } else if digits.len() == 10 && !digits.starts_with(['0', '1']) && nanp_country {
        (Some("1"), &digits[..])
    } else if let Some(rest) = digits.strip_prefix('0') {
        let code = country.as_deref().and_then(|c| {
            TRUNK_ZERO
                .iter()
                .find(|(names, _)| names.contains(&c))
                .map(|(_, code)| *code)
        });
        (code, rest)
    } else {
        (None, &digits[..])
    };
    (national.len() >= 6).then(|| Phone {
        country: code.map(Into::into),
        national: national.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(raw: &str, country: Option<&str>) -> Option<String> {
        phone(raw, country).map(|p| p.digits())
    }

    #[test]
    fn nanp_numbers_get_country_code_1() {
        for raw in [
            "+1 617 555 0101",
            "(617) 555-0101",
            "617.555.0101",
            "6175550101",
            "1-617-555-0101",
            "+1 (617) 555-0101 ext. 12",
        ] {
            assert_eq!(digits(raw, None), Some("16175550101".into()), "{raw}");
        }
        assert_eq!(
            digits("617 555 0101", Some("United States")),
            Some("16175550101".into())
        );
    }

    #[test]
    fn plus_and_00_give_the_country_code() {
        let p = phone("+44 20 7946 0958", None).unwrap();
        assert_eq!(p.country.as_deref(), Some("44"));
        assert_eq!(&*p.national, "2079460958");
        assert_eq!(
            digits("0044 20 7946 0958", None),
            Some("442079460958".into())
        );
        assert_eq!(
            digits("+44 (0)20 7946 0958", None),
            Some("442079460958".into())
        );
        assert_eq!(digits("+49 30 123456", None), Some("4930123456".into()));
        assert_eq!(digits("+353 1 234 5678", None), Some("35312345678".into()));
    }

    #[test]
    fn trunk_zero_gets_a_code_only_when_the_country_says_so() {
        assert_eq!(
            digits("020 7946 0958", Some("United Kingdom")),
            Some("442079460958".into())
        );
        assert_eq!(digits("030 123456", Some("DE")), Some("4930123456".into()));
        // Without a country the code stays unknown, but the number still
        // matches its international form.
        let national = phone("020 7946 0958", None).unwrap();
        assert_eq!(national.country, None);
        assert_eq!(national.digits(), "2079460958");
        assert!(national.same(&phone("+44 20 7946 0958", None).unwrap()));
        // A ten-digit number outside NANP is not given a +1.
        assert_eq!(
            phone("2079460958", Some("United Kingdom")).unwrap().country,
            None
        );
    }

    #[test]
    fn same_and_similar_phones() {
        let a = phone("+1 617 555 0101", None).unwrap();
        let b = phone("(617) 555-0199", None).unwrap();
        let c = phone("+44 617 555 0101", None).unwrap();
        assert!(a.same(&phone("617-555-0101", None).unwrap()));
        assert!(!a.same(&b));
        assert!(a.similar(&b));
        assert!(!a.similar(&a));
        assert!(!a.same(&c), "other country code");
        assert!(!a.similar(&phone("(617) 555-9901", None).unwrap()));
    }

    #[test]
    fn short_or_empty_phones_are_none() {
        assert_eq!(phone("", None), None);
        assert_eq!(phone("12345", None), None);
        assert_eq!(phone("n/a", None), None);
    }
}
