//! The property rules, one by one (SPEC section 4).

use super::*;
use crate::rules::testutil::{contact, seen, with_history};

pub(super) fn merged(d: &Decision) -> Option<&str> {
    d.merged.as_deref()
}

// ---- most recent ----

#[test]
fn most_recent_takes_the_newer_value_by_history() {
    let p = with_history(
        contact("1", &[("phone", "111")]),
        "phone",
        &[("111", "2023-01-01T00:00:00Z")],
    );
    let s = with_history(
        contact("2", &[("phone", "222")]),
        "phone",
        &[("222", "1709287200000")],
    );
    let d = most_recent_value(&seen(&p), &seen(&s), "phone").unwrap();
    assert_eq!(merged(&d), Some("222"));
    assert_eq!(d.rule, "most-recent");
    let ds = property_decisions(&seen(&p), &seen(&s), &MergeOptions::default()).unwrap();
    let d = ds.iter().find(|d| d.property == "phone").unwrap();
    assert_eq!(d.primary.as_deref(), Some("111"), "explained: both values");
    assert_eq!(d.secondary.as_deref(), Some("222"));
    let d = most_recent_value(&seen(&s), &seen(&p), "phone").unwrap();
    assert_eq!(merged(&d), Some("222"), "the primary's newer value stays");
}

#[test]
fn most_recent_compares_dates_in_every_form() {
    let p = contact(
        "1",
        &[("city", "A"), ("lastmodifieddate", "2024-03-01 10:00")],
    );
    let s = contact("2", &[("city", "B"), ("lastmodifieddate", "2024-03-01")]);
    assert_eq!(
        merged(&most_recent_value(&seen(&p), &seen(&s), "city").unwrap()),
        Some("A")
    );
    let s = contact(
        "2",
        &[
            ("city", "B"),
            ("lastmodifieddate", "2024-03-01T10:01:00.000Z"),
        ],
    );
    assert_eq!(
        merged(&most_recent_value(&seen(&p), &seen(&s), "city").unwrap()),
        Some("B")
    );
}

#[test]
fn most_recent_tie_goes_to_primary() {
    let p = contact("1", &[("city", "A"), ("lastmodifieddate", "1709287200000")]);
    let s = contact(
        "2",
        &[("city", "B"), ("lastmodifieddate", "2024-03-01T10:00:00Z")],
    );
    let d = most_recent_value(&seen(&p), &seen(&s), "city").unwrap();
    assert_eq!(merged(&d), Some("A"));
    assert!(d.why.contains("same time"), "{}", d.why);
}

#[test]
fn most_recent_without_any_date_is_oldest() {
    let p = contact("1", &[("city", "A")]);
    let s = contact("2", &[("city", "B"), ("createdate", "2020-01-01")]);
    assert_eq!(
        merged(&most_recent_value(&seen(&p), &seen(&s), "city").unwrap()),
        Some("B")
    );
    // No dates on either side: a tie.
    let s = contact("2", &[("city", "B")]);
    assert_eq!(
        merged(&most_recent_value(&seen(&p), &seen(&s), "city").unwrap()),
        Some("A")
    );
}

#[test]
fn empty_never_replaces_a_value() {
    let p = contact("1", &[("city", "A"), ("lastmodifieddate", "2020-01-01")]);
    let s = contact("2", &[("city", ""), ("lastmodifieddate", "2024-01-01")]);
    assert_eq!(
        merged(&most_recent_value(&seen(&p), &seen(&s), "city").unwrap()),
        Some("A")
    );
    assert_eq!(
        merged(&most_recent_value(&seen(&s), &seen(&p), "city").unwrap()),
        Some("A")
    );
    let mut n = contact("3", &[]);
    n.set_prop("city", None);
    assert_eq!(
        merged(&most_recent_value(&seen(&n), &seen(&p), "city").unwrap()),
        Some("A")
    );
}

#[test]
fn property_only_the_secondary_has_is_added_even_empty() {
    let p = contact("1", &[]);
    let s = contact("2", &[("fax", "")]);
    let d = most_recent_value(&seen(&p), &seen(&s), "fax").unwrap();
    assert_eq!(merged(&d), Some(""));
    let d = primary_wins_value(&seen(&p), &seen(&s), "fax");
    assert_eq!(merged(&d), Some(""));
}

#[test]
fn most_recent_needs_no_date_for_equal_values_and_refuses_bad_ones() {
    let p = contact("1", &[("city", "A"), ("lastmodifieddate", "soon")]);
    let s = contact("2", &[("city", "A")]);
    assert_eq!(
        merged(&most_recent_value(&seen(&p), &seen(&s), "city").unwrap()),
        Some("A")
    );
    let s = contact("2", &[("city", "B")]);
    let e = most_recent_value(&seen(&p), &seen(&s), "city").unwrap_err();
    assert_eq!(
        e,
        MergeError::BadDate {
            record: "1".into(),
            property: "lastmodifieddate".into(),
            value: "soon".into()
        }
    );
}

#[test]
fn primary_wins_keeps_primary_value_unless_empty() {
    let p = contact(
        "1",
        &[
            ("city", "A"),
            ("zip", ""),
            ("lastmodifieddate", "2000-01-01"),
        ],
    );
    let s = contact(
        "2",
        &[
            ("city", "B"),
            ("zip", "9"),
            ("lastmodifieddate", "2024-01-01"),
        ],
    );
    let d = primary_wins_value(&seen(&p), &seen(&s), "city");
    assert_eq!((merged(&d), d.rule.as_ref()), (Some("A"), "primary-wins"));
    assert_eq!(
        merged(&primary_wins_value(&seen(&p), &seen(&s), "zip")),
        Some("9")
    );
    let d = default_value(&seen(&p), &seen(&s), "city", Policy::MostRecent).unwrap();
    assert_eq!(merged(&d), Some("B"));
}

// ---- email ----

#[test]
fn email_stays_primary_and_secondary_emails_are_appended() {
    let p = contact(
        "1",
        &[("email", "a@x.com"), ("hs_additional_emails", "b@x.com")],
    );
    let s = contact(
        "2",
        &[
            ("email", "c@x.com"),
            ("hs_additional_emails", "B@X.com;d@x.com;A@x.com"),
        ],
    );
    let ds = primary_email_and_additional_emails(&seen(&p), &seen(&s));
    assert_eq!(ds.len(), 2);
    assert_eq!(
        (ds[0].property.as_str(), merged(&ds[0])),
        ("email", Some("a@x.com"))
    );
    assert_eq!(ds[0].rule, "email-primary");
    assert_eq!(ds[1].property, "hs_additional_emails");
    assert_eq!(merged(&ds[1]), Some("b@x.com;c@x.com;d@x.com"));
    assert!(ds[1].why.contains("c@x.com, d@x.com"), "{}", ds[1].why);
}

#[test]
fn secondary_email_becomes_primary_when_primary_has_none() {
    let p = contact("1", &[("email", ""), ("hs_additional_emails", "b@x.com")]);
    let s = contact("2", &[("email", "c@x.com")]);
    let ds = primary_email_and_additional_emails(&seen(&p), &seen(&s));
    assert_eq!(merged(&ds[0]), Some("c@x.com"));
    assert_eq!(merged(&ds[1]), Some("b@x.com"));
}

#[test]
fn same_email_in_other_case_is_not_added() {
    let p = contact("1", &[("email", "a@x.com")]);
    let s = contact("2", &[("email", "A@X.COM")]);
    let ds = primary_email_and_additional_emails(&seen(&p), &seen(&s));
    assert_eq!(ds.len(), 1, "no additional emails property is made: {ds:?}");
}

#[test]
fn additional_emails_never_hold_the_primary_email() {
    let p = contact("1", &[]);
    let s = contact(
        "2",
        &[("email", "c@y.org"), ("hs_additional_emails", "C@y.org")],
    );
    let ds = primary_email_and_additional_emails(&seen(&p), &seen(&s));
    assert_eq!(merged(&ds[0]), Some("c@y.org"));
    assert_eq!(
        (ds[1].property.as_str(), merged(&ds[1])),
        ("hs_additional_emails", None)
    );
    let p = contact(
        "1",
        &[("email", "a@x.com"), ("hs_additional_emails", "a@x.com")],
    );
    let ds = primary_email_and_additional_emails(&seen(&p), &seen(&contact("2", &[])));
    assert_eq!(merged(&ds[1]), Some(""));
}

#[test]
fn no_emails_at_all_makes_no_decisions() {
    let ds =
        primary_email_and_additional_emails(&seen(&contact("1", &[])), &seen(&contact("2", &[])));
    assert!(ds.is_empty());
    let p = contact("1", &[("email", "")]);
    let ds = primary_email_and_additional_emails(&seen(&p), &seen(&contact("2", &[])));
    assert_eq!(ds.len(), 1);
    assert_eq!(merged(&ds[0]), Some(""));
}

// ---- lifecycle ----

fn order() -> Vec<String> {
    MergeOptions::default().lifecycle_order
}

#[test]
fn lifecycle_takes_furthest_stage_in_its_written_form() {
    let p = contact("1", &[("lifecyclestage", "lead")]);
    let s = contact("2", &[("lifecyclestage", "Marketing Qualified Lead")]);
    let d = furthest_lifecycle_stage(&seen(&p), &seen(&s), &order()).unwrap();
    assert_eq!(merged(&d), Some("Marketing Qualified Lead"));
    assert_eq!(d.rule, "lifecycle-furthest");
    let d = furthest_lifecycle_stage(&seen(&s), &seen(&p), &order()).unwrap();
    assert_eq!(merged(&d), Some("Marketing Qualified Lead"));
}

#[test]
fn lifecycle_same_stage_in_other_form_keeps_primary() {
    let p = contact("1", &[("lifecyclestage", "customer")]);
    let s = contact("2", &[("lifecyclestage", "Customer")]);
    assert_eq!(
        merged(&furthest_lifecycle_stage(&seen(&p), &seen(&s), &order()).unwrap()),
        Some("customer")
    );
}

#[test]
fn lifecycle_empty_side_loses() {
    let p = contact("1", &[("lifecyclestage", "")]);
    let s = contact("2", &[("lifecyclestage", "lead")]);
    assert_eq!(
        merged(&furthest_lifecycle_stage(&seen(&p), &seen(&s), &order()).unwrap()),
        Some("lead")
    );
    assert_eq!(
        merged(&furthest_lifecycle_stage(&seen(&s), &seen(&p), &order()).unwrap()),
        Some("lead")
    );
}

#[test]
fn lifecycle_unknown_stage_is_refused_with_the_known_ones() {
    let p = contact("1", &[("lifecyclestage", "lead")]);
    let s = contact("42", &[("lifecyclestage", "partner")]);
    let e = furthest_lifecycle_stage(&seen(&p), &seen(&s), &order()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "contact 42: lifecyclestage 'partner' is not a known lifecycle stage (known: subscriber, lead, marketingqualifiedlead, salesqualifiedlead, opportunity, customer, evangelist, other); give the whole order, 'partner' included, with --lifecycle-order STAGE,STAGE,... (lowest first)"
    );
    // Even with the primary empty: a stage is never guessed.
    let p = contact("1", &[]);
    assert!(furthest_lifecycle_stage(&seen(&p), &seen(&s), &order()).is_err());
}

#[test]
fn lifecycle_custom_order() {
    let o = MergeOptions::default()
        .with_lifecycle_order("lead,Partner,customer")
        .unwrap()
        .lifecycle_order;
    let p = contact("1", &[("lifecyclestage", "customer")]);
    let s = contact("2", &[("lifecyclestage", "PARTNER")]);
    assert_eq!(
        merged(&furthest_lifecycle_stage(&seen(&p), &seen(&s), &o).unwrap()),
        Some("customer")
    );
    let p = contact("1", &[("lifecyclestage", "Lead")]);
    assert_eq!(
        merged(&furthest_lifecycle_stage(&seen(&p), &seen(&s), &o).unwrap()),
        Some("PARTNER")
    );
}

// ---- dates ----

#[test]
fn createdate_takes_oldest_in_its_own_form() {
    let p = contact("1", &[("createdate", "2024-03-01T10:00:00.000Z")]);
    let s = contact("2", &[("createdate", "2024-02-01 09:00")]);
    let d = oldest_create_date(&seen(&p), &seen(&s)).unwrap();
    assert_eq!(
        (merged(&d), d.rule.as_ref()),
        (Some("2024-02-01 09:00"), "createdate-oldest")
    );
    let s = contact("2", &[("createdate", "1709287200000")]);
    assert_eq!(
        merged(&oldest_create_date(&seen(&p), &seen(&s)).unwrap()),
        Some("2024-03-01T10:00:00.000Z"),
        "same instant: the primary's"
    );
    let s = contact("2", &[("createdate", "")]);
    assert_eq!(
        merged(&oldest_create_date(&seen(&s), &seen(&p)).unwrap()),
        Some("2024-03-01T10:00:00.000Z")
    );
}

#[test]
fn createdate_refuses_bad_date() {
    let p = contact("1", &[("createdate", "2024-03-01")]);
    let s = contact("2", &[("createdate", "last week")]);
    let e = oldest_create_date(&seen(&p), &seen(&s)).unwrap_err();
    assert!(
        matches!(e, MergeError::BadDate { ref record, ref property, ref value }
        if record == "2" && property == "createdate" && value == "last week")
    );
}

#[test]
fn lastmodified_takes_latest() {
    let p = contact("1", &[("lastmodifieddate", "2024-03-02")]);
    let s = contact("2", &[("lastmodifieddate", "2024-03-01 10:00")]);
    let d = latest_last_modified(&seen(&p), &seen(&s)).unwrap();
    assert_eq!(
        (merged(&d), d.rule.as_ref()),
        (Some("2024-03-02"), "lastmodified-latest")
    );
    assert_eq!(
        merged(&latest_last_modified(&seen(&s), &seen(&p)).unwrap()),
        Some("2024-03-02")
    );
}

// ---- sums ----

#[test]
fn counters_are_summed() {
    let p = contact("1", &[("num_conversion_events", "3")]);
    let s = contact("2", &[("num_conversion_events", "2.0")]);
    let d = summed_counter(&seen(&p), &seen(&s), "num_conversion_events").unwrap();
    assert_eq!((merged(&d), d.rule.as_ref()), (Some("5"), "sum"));
}

#[test]
fn counter_empty_side_counts_zero_and_both_empty_stays_empty() {
    let p = contact("1", &[("hs_analytics_num_visits", "")]);
    let s = contact("2", &[("hs_analytics_num_visits", "4")]);
    assert_eq!(
        merged(&summed_counter(&seen(&p), &seen(&s), "hs_analytics_num_visits").unwrap()),
        Some("4")
    );
    assert_eq!(
        merged(&summed_counter(&seen(&s), &seen(&p), "hs_analytics_num_visits").unwrap()),
        Some("4")
    );
    let s = contact("2", &[]);
    let d = summed_counter(&seen(&p), &seen(&s), "hs_analytics_num_visits").unwrap();
    assert_eq!((merged(&d), d.rule.as_ref()), (Some(""), "sum"));
    let d = summed_counter(
        &seen(&s),
        &seen(&contact("3", &[])),
        "hs_analytics_num_visits",
    )
    .unwrap();
    assert_eq!(merged(&d), None);
}

#[test]
fn counter_that_is_not_a_number_is_refused() {
    for bad in ["three", "-1.5", "2.5", "1,000", "3.", ".0", "1e3"] {
        let p = contact("7", &[("num_conversion_events", bad)]);
        let s = contact("8", &[("num_conversion_events", "1")]);
        let e = summed_counter(&seen(&p), &seen(&s), "num_conversion_events").unwrap_err();
        assert_eq!(
            e,
            MergeError::NotANumber {
                record: "7".into(),
                property: "num_conversion_events".into(),
                value: bad.into()
            },
            "{bad}"
        );
    }
}

/// A whole number no counter holds is refused as such, not as "not a
/// whole number".
#[test]
fn a_counter_below_zero_or_past_64_bits_is_refused_as_out_of_range() {
    for (bad, says) in [
        ("-1", "'-1' is below zero"),
        ("18446744073709551616", "is too large for a counter"),
    ] {
        let p = contact("7", &[("num_conversion_events", bad)]);
        let s = contact("8", &[("num_conversion_events", "1")]);
        let e = summed_counter(&seen(&p), &seen(&s), "num_conversion_events").unwrap_err();
        assert!(matches!(e, MergeError::CounterOutOfRange { .. }), "{e:?}");
        let text = e.to_string();
        assert!(
            text.starts_with("contact 7: num_conversion_events ") && text.contains(says),
            "{text}"
        );
    }
}

#[test]
fn counter_overflow_is_refused() {
    let p = contact(
        "1",
        &[("hs_analytics_num_page_views", &u64::MAX.to_string())],
    );
    let s = contact("2", &[("hs_analytics_num_page_views", "1")]);
    let e = summed_counter(&seen(&p), &seen(&s), "hs_analytics_num_page_views").unwrap_err();
    assert!(matches!(e, MergeError::CounterOverflow { .. }), "{e:?}");
}

// ---- marketable ----

#[test]
fn marketable_beats_non_marketable_in_any_form() {
    let p = contact("1", &[("hs_marketable_status", "Non-marketing contact")]);
    let s = contact("2", &[("hs_marketable_status", "Marketing contact")]);
    let d = most_marketable_status(&seen(&p), &seen(&s)).unwrap();
    assert_eq!(
        (merged(&d), d.rule.as_ref()),
        (Some("Marketing contact"), "marketable-most")
    );
    let p = contact("1", &[("hs_marketable_status", "true")]);
    let s = contact("2", &[("hs_marketable_status", "false")]);
    assert_eq!(
        merged(&most_marketable_status(&seen(&p), &seen(&s)).unwrap()),
        Some("true")
    );
    assert_eq!(
        merged(&most_marketable_status(&seen(&s), &seen(&p)).unwrap()),
        Some("true")
    );
    let e = contact("3", &[("hs_marketable_status", "")]);
    assert_eq!(
        merged(&most_marketable_status(&seen(&e), &seen(&s)).unwrap()),
        Some("false")
    );
}

#[test]
fn marketable_garbage_is_refused() {
    let p = contact("1", &[("hs_marketable_status", "maybe")]);
    let e = most_marketable_status(&seen(&p), &seen(&contact("2", &[]))).unwrap_err();
    assert!(matches!(e, MergeError::NotABoolean { .. }));
}

// ---- visits ----

#[test]
fn first_visit_earliest_and_its_url_follow() {
    let p = contact(
        "1",
        &[
            ("hs_analytics_first_timestamp", "2024-03-01 10:00"),
            ("hs_analytics_first_url", "https://p/"),
            ("hs_analytics_first_referrer", "https://ref-p/"),
        ],
    );
    let s = contact(
        "2",
        &[
            ("hs_analytics_first_timestamp", "1700000000000"),
            ("hs_analytics_first_url", "https://s/"),
            ("hs_analytics_first_referrer", ""),
        ],
    );
    let ds = earliest_first_visit(&seen(&p), &seen(&s), Policy::MostRecent).unwrap();
    let got: Vec<_> = ds
        .iter()
        .map(|d| (d.property.as_str(), merged(d)))
        .collect();
    assert_eq!(
        got,
        [
            ("hs_analytics_first_timestamp", Some("1700000000000")),
            ("hs_analytics_first_url", Some("https://s/")),
            ("hs_analytics_first_referrer", Some("")),
        ]
    );
    assert!(ds.iter().all(|d| d.rule == "first-visit-earliest"));
}

#[test]
fn last_visit_latest_and_its_url_follow() {
    let p = contact(
        "1",
        &[
            ("hs_analytics_last_timestamp", "2024-03-01"),
            ("hs_analytics_last_url", "https://p/"),
        ],
    );
    let s = contact(
        "2",
        &[
            ("hs_analytics_last_timestamp", "2024-02-01"),
            ("hs_analytics_last_url", "https://s/"),
        ],
    );
    let ds = latest_last_visit(&seen(&p), &seen(&s), Policy::MostRecent).unwrap();
    assert_eq!(merged(&ds[0]), Some("2024-03-01"));
    assert_eq!(merged(&ds[1]), Some("https://p/"));
    assert_eq!(ds[1].rule, "last-visit-latest");
}

#[test]
fn visit_details_without_times_take_the_default_rule() {
    let p = contact("1", &[("hs_analytics_first_url", "https://p/")]);
    let s = contact("2", &[("hs_analytics_first_url", "https://s/")]);
    let ds = earliest_first_visit(&seen(&p), &seen(&s), Policy::PrimaryWins).unwrap();
    assert_eq!(ds.len(), 1);
    assert_eq!(
        (merged(&ds[0]), ds[0].rule.as_ref()),
        (Some("https://p/"), "primary-wins")
    );
}

#[test]
fn visit_time_on_one_side_only_takes_that_sides_details() {
    let p = contact("1", &[("hs_analytics_first_url", "https://p/")]);
    let s = contact(
        "2",
        &[
            ("hs_analytics_first_visit_timestamp", "2024-01-01"),
            ("hs_analytics_first_url", "https://s/"),
        ],
    );
    let ds = earliest_first_visit(&seen(&p), &seen(&s), Policy::MostRecent).unwrap();
    assert_eq!(merged(&ds[0]), Some("2024-01-01"));
    assert_eq!(merged(&ds[1]), Some("https://s/"));
}

// ---- original source ----

pub(super) fn source(id: &str, created: &str, src: [&str; 3]) -> Contact {
    contact(
        id,
        &[
            ("createdate", created),
            ("hs_analytics_source", src[0]),
            ("hs_analytics_source_data_1", src[1]),
            ("hs_analytics_source_data_2", src[2]),
        ],
    )
}

pub(super) fn values(ds: &[Decision]) -> Vec<Option<&str>> {
    ds.iter().map(merged).collect()
}

#[test]
fn original_source_of_contact_created_first_travels_whole() {
    let p = source("1", "2024-01-01", ["ORGANIC_SEARCH", "google", "kw"]);
    let s = source("2", "2023-01-01", ["DIRECT_TRAFFIC", "", ""]);
    let ds = oldest_original_source(&seen(&p), &seen(&s)).unwrap();
    assert_eq!(values(&ds), [Some("DIRECT_TRAFFIC"), Some(""), Some("")]);
    assert!(ds.iter().all(|d| d.rule == "original-source-oldest"));
    let ds = oldest_original_source(&seen(&s), &seen(&p)).unwrap();
    assert_eq!(values(&ds), [Some("DIRECT_TRAFFIC"), Some(""), Some("")]);
}

#[test]
fn original_source_by_history_when_both_have_it() {
    // P was created later, but its source was recorded earlier.
    let p = with_history(
        source("1", "2024-01-01", ["ORGANIC_SEARCH", "google", ""]),
        "hs_analytics_source",
        &[("ORGANIC_SEARCH", "2022-01-01T00:00:00Z")],
    );
    let s = with_history(
        source("2", "2023-01-01", ["DIRECT_TRAFFIC", "x", "y"]),
        "hs_analytics_source",
        &[("DIRECT_TRAFFIC", "2023-01-01T00:00:00Z")],
    );
    let ds = oldest_original_source(&seen(&p), &seen(&s)).unwrap();
    assert_eq!(
        values(&ds),
        [Some("ORGANIC_SEARCH"), Some("google"), Some("")]
    );
}

#[test]
fn original_source_ignores_last_modified_and_empty_side_loses() {
    let p = source("1", "2024-01-01", ["", "", ""]);
    let s = source("2", "2025-01-01", ["PAID_SOCIAL", "fb", ""]);
    let ds = oldest_original_source(&seen(&p), &seen(&s)).unwrap();
    assert_eq!(values(&ds), [Some("PAID_SOCIAL"), Some("fb"), Some("")]);
}

#[test]
fn original_source_unknown_creation_keeps_primary() {
    let p = contact("1", &[("hs_analytics_source", "OFFLINE")]);
    let s = source("2", "2020-01-01", ["DIRECT_TRAFFIC", "a", "b"]);
    let ds = oldest_original_source(&seen(&p), &seen(&s)).unwrap();
    assert_eq!(values(&ds), [Some("OFFLINE"), None, None]);
    assert!(
        oldest_original_source(&seen(&contact("1", &[])), &seen(&contact("2", &[])))
            .unwrap()
            .is_empty()
    );
}

// ---- kept as the primary's ----

#[test]
fn email_information_is_the_primarys_even_empty() {
    assert!(is_email_information("hs_email_optout"));
    assert!(is_email_information("hs_email_optout_123"));
    assert!(is_email_information("hs_emailconfirmationstatus"));
    assert!(!is_email_information("hs_additional_emails"));
    let p = contact("1", &[("hs_email_optout", "")]);
    let s = contact(
        "2",
        &[("hs_email_optout", "true"), ("hs_email_bounce", "2")],
    );
    let d = primary_email_information(&seen(&p), &seen(&s), "hs_email_optout");
    assert_eq!(
        (merged(&d), d.rule.as_ref()),
        (Some(""), "email-info-primary")
    );
    assert_eq!(
        merged(&primary_email_information(
            &seen(&p),
            &seen(&s),
            "hs_email_bounce"
        )),
        None
    );
}

#[test]
fn legal_basis_is_a_union() {
    let p = contact(
        "1",
        &[("hs_legal_basis", "Legitimate interest – prospect/lead")],
    );
    let s = contact(
        "2",
        &[(
            "hs_legal_basis",
            "Freely given consent from contact;legitimate interest – prospect/lead",
        )],
    );
    let d = legal_basis_union(&seen(&p), &seen(&s));
    assert_eq!(
        merged(&d),
        Some("Legitimate interest – prospect/lead;Freely given consent from contact")
    );
    assert_eq!(d.rule, "legal-basis-union");
    let e = contact("3", &[("hs_legal_basis", "")]);
    assert_eq!(
        merged(&legal_basis_union(&seen(&e), &seen(&contact("4", &[])))),
        Some("")
    );
}

#[test]
fn object_id_and_merged_ids() {
    let p = contact(
        "1",
        &[("hs_object_id", "1"), ("hs_merged_object_ids", "5;6")],
    );
    let s = contact(
        "2",
        &[("hs_object_id", "2"), ("hs_merged_object_ids", "7;5")],
    );
    let d = primary_object_id(&seen(&p), &seen(&s));
    assert_eq!(
        (merged(&d), d.rule.as_ref()),
        (Some("1"), "object-id-primary")
    );
    let d = merged_object_ids(&seen(&p), &seen(&s));
    assert_eq!(
        (merged(&d), d.rule.as_ref()),
        (Some("5;6;2;7"), "merged-ids")
    );
    assert_eq!(merge_count(&p, &s), 3);
    let d = merged_object_ids(&seen(&contact("1", &[])), &seen(&contact("2", &[])));
    assert_eq!(merged(&d), Some("2"));
    assert_eq!(merge_count(&contact("1", &[]), &contact("2", &[])), 0);
    assert_eq!(
        merged(&primary_object_id(&seen(&contact("9", &[])), &seen(&s))),
        Some("9")
    );
}

#[test]
fn salesforce_id_is_the_primarys() {
    let p = contact("1", &[]);
    let s = contact("2", &[("salesforcecontactid", "003A")]);
    let d = primary_salesforce_id(&seen(&p), &seen(&s));
    assert_eq!((merged(&d), d.rule.as_ref()), (None, "salesforce-primary"));
}

// ---- all decisions ----

#[test]
fn decisions_come_in_property_order_with_new_ones_last() {
    let p = contact(
        "1",
        &[
            ("firstname", "A"),
            ("email", "a@x.com"),
            ("num_conversion_events", "1"),
        ],
    );
    let s = contact(
        "2",
        &[
            ("email", "b@x.com"),
            ("lastname", "B"),
            ("num_conversion_events", "2"),
            ("hs_email_optout", "true"),
        ],
    );
    let ds = property_decisions(&seen(&p), &seen(&s), &MergeOptions::default()).unwrap();
    let got: Vec<_> = ds
        .iter()
        .map(|d| (d.property.as_str(), d.rule.as_ref(), merged(d)))
        .collect();
    assert_eq!(
        got,
        [
            ("firstname", "most-recent", Some("A")),
            ("email", "email-primary", Some("a@x.com")),
            ("num_conversion_events", "sum", Some("3")),
            ("lastname", "most-recent", Some("B")),
            ("hs_email_optout", "email-info-primary", None),
            ("hs_additional_emails", "additional-emails", Some("b@x.com")),
            ("hs_merged_object_ids", "merged-ids", Some("2")),
        ]
    );
}

#[test]
fn exceptions_apply_under_primary_wins_too() {
    let p = contact(
        "1",
        &[
            ("lifecyclestage", "lead"),
            ("city", "A"),
            ("lastmodifieddate", "2000-01-01"),
        ],
    );
    let s = contact(
        "2",
        &[
            ("lifecyclestage", "customer"),
            ("city", "B"),
            ("lastmodifieddate", "2024-01-01"),
        ],
    );
    let opts = MergeOptions {
        policy: Policy::PrimaryWins,
        ..Default::default()
    };
    let ds = property_decisions(&seen(&p), &seen(&s), &opts).unwrap();
    let get = |n: &str| ds.iter().find(|d| d.property == n).unwrap();
    assert_eq!(merged(get("lifecyclestage")), Some("customer"));
    assert_eq!(merged(get("city")), Some("A"));
    assert_eq!(merged(get("lastmodifieddate")), Some("2024-01-01"));
}
