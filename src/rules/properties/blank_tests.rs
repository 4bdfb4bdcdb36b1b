//! A value of spaces only is no value, in the default rule and the
//! original source (SPEC section 4: an empty value never replaces one).

use super::tests::{merged, source, values};
use super::*;
use crate::rules::testutil::{contact, seen};

#[test]
fn a_blank_value_never_replaces_a_value_under_either_policy() {
    let p = contact(
        "1",
        &[
            ("firstname", "Ann"),
            ("jobtitle", " "),
            ("lastmodifieddate", "2024-01-01"),
        ],
    );
    let s = contact(
        "2",
        &[
            ("firstname", " \t"),
            ("jobtitle", "Buyer"),
            ("lastmodifieddate", "2024-02-01"),
        ],
    );
    let (p, s) = (seen(&p), seen(&s));
    // Most recent: S is newer, but its first name is blank.
    let d = most_recent_value(&p, &s, "firstname").unwrap();
    assert_eq!(merged(&d), Some("Ann"));
    assert_eq!(d.why, "the secondary has no value");
    assert_eq!(
        merged(&most_recent_value(&p, &s, "jobtitle").unwrap()),
        Some("Buyer")
    );
    // Primary wins: P's blank job title is no value.
    assert_eq!(
        merged(&primary_wins_value(&p, &s, "jobtitle")),
        Some("Buyer")
    );
    assert_eq!(
        merged(&primary_wins_value(&p, &s, "firstname")),
        Some("Ann")
    );
    // Both blank: P's text is kept as it is.
    let (a, b) = (
        contact("1", &[("city", " ")]),
        contact("2", &[("city", "")]),
    );
    let d = most_recent_value(&seen(&a), &seen(&b), "city").unwrap();
    assert_eq!(merged(&d), Some(" "));
}

#[test]
fn a_blank_source_loses_to_a_source_even_on_the_contact_created_first() {
    let p = source("1", "2024-01-01", ["ORGANIC_SEARCH", "google", ""]);
    let s = source("2", "2019-01-01", ["  ", "", ""]);
    let ds = oldest_original_source(&seen(&p), &seen(&s)).unwrap();
    assert_eq!(
        values(&ds),
        [Some("ORGANIC_SEARCH"), Some("google"), Some("")]
    );
}
