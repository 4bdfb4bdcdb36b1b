//! Rule "company-primary": the merged contact's primary company is P's.

use super::tests::merged;
use super::*;
use crate::rules::testutil::{contact, seen, with_history};

#[test]
fn the_primary_company_is_the_primarys() {
    let p = contact("1", &[("associatedcompanyid", "1201")]);
    let s = contact("2", &[("associatedcompanyid", "1305")]);
    let d = primary_company_id(&seen(&p), &seen(&s));
    assert_eq!(
        (merged(&d), d.rule.as_ref()),
        (Some("1201"), "company-primary")
    );
}

/// S's company is not taken where P has none: S's company associations
/// are dropped, so it would name a company the merged contact is not
/// associated with.
#[test]
fn the_secondarys_company_is_never_taken() {
    let s = contact("2", &[("associatedcompanyid", "1305")]);
    for p in [
        contact("1", &[]),
        contact("1", &[("associatedcompanyid", "")]),
    ] {
        let d = primary_company_id(&seen(&p), &seen(&s));
        assert!(merged(&d).is_none_or(str::is_empty), "{d:?}");
    }
}

/// Under either policy, a newer company id of S's loses: the property
/// has a rule of its own.
#[test]
fn a_newer_company_of_the_secondarys_loses_under_every_policy() {
    let p = with_history(
        contact("1", &[("associatedcompanyid", "1201")]),
        "associatedcompanyid",
        &[("1201", "2020-01-01T00:00:00Z")],
    );
    let s = with_history(
        contact("2", &[("associatedcompanyid", "1305")]),
        "associatedcompanyid",
        &[("1305", "2024-01-01T00:00:00Z")],
    );
    for policy in [Policy::MostRecent, Policy::PrimaryWins] {
        let opts = MergeOptions {
            policy,
            ..MergeOptions::default()
        };
        let ds = property_decisions(&seen(&p), &seen(&s), &opts).unwrap();
        let d = ds
            .iter()
            .find(|d| d.property == "associatedcompanyid")
            .unwrap();
        assert_eq!(
            (merged(d), d.rule.as_ref()),
            (Some("1201"), "company-primary")
        );
    }
}
