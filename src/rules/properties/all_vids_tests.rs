//! `hs_all_contact_vids`: every record id of the merged contact.

use super::*;
use crate::rules::testutil::{contact, seen};

#[test]
fn the_merged_contact_lists_every_id_of_both() {
    let p = contact("1", &[("hs_all_contact_vids", "1;7")]);
    let s = contact("2", &[("hs_all_contact_vids", "2;9;7")]);
    let d = all_contact_vids(&seen(&p), &seen(&s));
    assert_eq!(d.merged.as_deref(), Some("1;7;2;9"));
    assert_eq!(d.rule, "all-vids");
    // Only the secondary had the list (the default rule wrote "2").
    let p = contact("1", &[]);
    let s = contact("2", &[("hs_all_contact_vids", "2")]);
    let d = all_contact_vids(&seen(&p), &seen(&s));
    assert_eq!(d.merged.as_deref(), Some("1;2"));
}

#[test]
fn a_file_without_the_list_does_not_get_it() {
    let merged = crate::merge::merge_contacts(
        &contact("1", &[("email", "a@x.com")]),
        &contact("2", &[("email", "b@x.com")]),
        &crate::rules::MergeOptions::default(),
    )
    .unwrap();
    assert_eq!(merged.merged.prop("hs_all_contact_vids"), None);
}
