//! Dates a rule need not read, and contacts without a creation time
//! (SPEC section 2: a contact with no time is older than any that has one).

use super::tests::{source, values};
use super::*;
use crate::rules::testutil::{contact, seen};

#[test]
fn the_same_bad_date_on_both_sides_is_kept_unread() {
    let p = contact("1", &[("lastmodifieddate", "soon")]);
    let s = contact("2", &[("lastmodifieddate", "soon")]);
    let d = latest_last_modified(&seen(&p), &seen(&s)).unwrap();
    assert_eq!(d.merged.as_deref(), Some("soon"));
    // Two different bad dates are still refused.
    let s = contact("2", &[("lastmodifieddate", "later")]);
    assert!(latest_last_modified(&seen(&p), &seen(&s)).is_err());
}

#[test]
fn the_source_of_a_contact_without_a_creation_time_is_the_older_one() {
    let p = source("1", "2024-01-01", ["ORGANIC_SEARCH", "google", ""]);
    let s = contact(
        "2",
        &[
            ("hs_analytics_source", "OFFLINE"),
            ("hs_analytics_source_data_1", "import"),
        ],
    );
    let ds = oldest_original_source(&seen(&p), &seen(&s)).unwrap();
    assert_eq!(values(&ds), [Some("OFFLINE"), Some("import"), None]);
    assert!(
        ds[0].why.contains("the secondary has no creation time"),
        "{}",
        ds[0].why
    );
    // The other way round, P's.
    let ds = oldest_original_source(&seen(&s), &seen(&p)).unwrap();
    assert_eq!(values(&ds), [Some("OFFLINE"), Some("import"), None]);
}
