//! Rule "deal-count": the merged contact's deal count is that of its deals.

use super::tests::merged;
use super::*;
use crate::model::{AssocList, Associations};
use crate::rules::testutil::{contact, seen};

fn with_deals(mut c: Contact, ids: &[&str]) -> Contact {
    let mut a = Associations::default();
    a.insert(
        "deals".to_string(),
        AssocList::plain(ids.iter().map(|id| id.to_string())),
    );
    c.associations = Some(a);
    c
}

fn count(p: &Contact, s: &Contact) -> Decision {
    merged_deal_count(&seen(p), &seen(s)).unwrap()
}

#[test]
fn listed_deals_are_counted_once_each() {
    let p = with_deals(contact("1", &[("num_associated_deals", "2")]), &["7", "8"]);
    let s = with_deals(contact("2", &[("num_associated_deals", "2")]), &["8", "9"]);
    let d = count(&p, &s);
    assert_eq!((merged(&d), d.rule.as_ref()), (Some("3"), "deal-count"));
}

/// The lists are what the merged contact holds: a stale count beside a
/// list is not read (not even when it is not a number).
#[test]
fn a_list_outweighs_the_count_beside_it() {
    let p = with_deals(contact("1", &[("num_associated_deals", "5")]), &["7"]);
    let s = with_deals(contact("2", &[("num_associated_deals", "many")]), &[]);
    assert_eq!(merged(&count(&p, &s)), Some("1"));
}

#[test]
fn with_no_list_the_counts_are_summed() {
    let p = contact("1", &[("num_associated_deals", "2")]);
    let s = contact("2", &[("num_associated_deals", "3.0")]);
    let d = count(&p, &s);
    assert_eq!((merged(&d), d.rule.as_ref()), (Some("5"), "deal-count"));
    // One side's count alone is kept as written.
    let s = contact("2", &[("num_associated_deals", "")]);
    assert_eq!(merged(&count(&s, &p)), Some("2"));
}

/// A contact whose deals the file does not list adds its count to the
/// deals the other lists.
#[test]
fn an_unlisted_side_adds_its_count() {
    let p = with_deals(contact("1", &[("num_associated_deals", "2")]), &["7", "8"]);
    let s = contact("2", &[("num_associated_deals", "4")]);
    assert_eq!(merged(&count(&p, &s)), Some("6"));
    assert_eq!(merged(&count(&s, &p)), Some("6"));
}

#[test]
fn no_deal_and_no_count_leaves_the_primarys_value() {
    for value in ["", "  "] {
        let p = with_deals(contact("1", &[("num_associated_deals", value)]), &[]);
        let s = with_deals(contact("2", &[]), &[]);
        assert_eq!(merged(&count(&p, &s)), Some(value));
    }
    // A count of 0 stays a count.
    let p = with_deals(contact("1", &[("num_associated_deals", "0")]), &[]);
    let s = with_deals(contact("2", &[]), &[]);
    assert_eq!(merged(&count(&p, &s)), Some("0"));
}

#[test]
fn a_count_that_is_no_number_is_refused_where_it_is_used() {
    let p = contact("1", &[("num_associated_deals", "two")]);
    let s = contact("2", &[("num_associated_deals", "3")]);
    let err = merged_deal_count(&seen(&p), &seen(&s)).unwrap_err();
    assert!(
        matches!(&err, MergeError::NotANumber { record, property, value }
            if record == "1" && property == "num_associated_deals" && value == "two"),
        "{err:?}"
    );
    let p = with_deals(contact("1", &[]), &["7"]);
    let s = contact("2", &[("num_associated_deals", "two")]);
    assert!(merged_deal_count(&seen(&p), &seen(&s)).is_err());
}

/// Under either policy the count is the rule's, not the newer side's.
#[test]
fn the_count_has_a_rule_of_its_own_under_every_policy() {
    let p = with_deals(contact("1", &[("num_associated_deals", "1")]), &["7"]);
    let s = with_deals(contact("2", &[("num_associated_deals", "1")]), &["9"]);
    for policy in [Policy::MostRecent, Policy::PrimaryWins] {
        let opts = MergeOptions {
            policy,
            ..MergeOptions::default()
        };
        let ds = property_decisions(&seen(&p), &seen(&s), &opts).unwrap();
        let d = ds
            .iter()
            .find(|d| d.property == "num_associated_deals")
            .unwrap();
        assert_eq!((merged(d), d.rule.as_ref()), (Some("2"), "deal-count"));
    }
}

/// Without the property on either contact, no count is made up.
#[test]
fn no_count_is_added_to_a_file_without_one() {
    let p = with_deals(contact("1", &[]), &["7"]);
    let s = with_deals(contact("2", &[]), &["9"]);
    let ds = property_decisions(&seen(&p), &seen(&s), &MergeOptions::default()).unwrap();
    assert!(ds.iter().all(|d| d.property != "num_associated_deals"));
}

/// A sum past the largest count is refused (never wrapped), naming each
/// side's part: the listed deals of one, the count of the other.
#[test]
fn a_count_too_large_to_add_is_refused_naming_each_sides_part() {
    let p = contact("1", &[("num_associated_deals", "18446744073709551615")]);
    let s = with_deals(contact("2", &[]), &["7"]);
    let err = merged_deal_count(&seen(&p), &seen(&s)).unwrap_err();
    assert!(
        matches!(&err, MergeError::CounterOverflow { primary_value, secondary_value, .. }
            if primary_value == "18446744073709551615" && secondary_value == "1"),
        "{err:?}"
    );
}
