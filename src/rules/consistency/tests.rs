use serde_json::json;

use super::*;
use crate::dates::parse_millis;
use crate::model::key;
use crate::rules::testutil::{contact, seen, with_history, with_section};

fn created(c: Contact, at: &str) -> Contact {
    with_section(c, key::CREATED_AT, &format!("\"{at}\""))
}

#[test]
fn the_oldest_of_four_values_goes_to_both_places() {
    // The case found on a real page: S's createdAt is the oldest of all.
    let p = created(
        contact("1", &[("createdate", "2021-03-04T09:15:00.000Z")]),
        "2021-03-04T09:15:00.000Z",
    );
    let s = created(
        contact("2", &[("createdate", "2020-06-01T00:00:00.000Z")]),
        "2019-10-30T03:30:17.883Z",
    );
    let d = oldest_create_date(&seen(&p), &seen(&s)).unwrap();
    assert_eq!(d.merged.as_deref(), Some("2019-10-30T03:30:17.883Z"));
    assert_eq!(d.rule, "createdate-oldest");
    assert!(d.why.contains("createdAt"), "{}", d.why);
    assert_eq!(
        oldest_created_at(&p, &s).unwrap(),
        Some(json!("2019-10-30T03:30:17.883Z"))
    );
    // And when a createdate is the oldest, createdAt takes it.
    let s = created(
        contact("2", &[("createdate", "2018-01-01T00:00:00.000Z")]),
        "2020-01-01T00:00:00.000Z",
    );
    assert_eq!(
        oldest_created_at(&p, &s).unwrap(),
        Some(json!("2018-01-01T00:00:00.000Z"))
    );
    assert_eq!(
        oldest_create_date(&seen(&p), &seen(&s))
            .unwrap()
            .merged
            .as_deref(),
        Some("2018-01-01T00:00:00.000Z")
    );
}

#[test]
fn each_place_keeps_its_own_form() {
    // createdate in the CSV export's form, createdAt as the API writes it.
    let p = contact("1", &[("createdate", "2021-03-04 09:15")]);
    let s = created(contact("2", &[]), "2019-10-30T03:30:17.883Z");
    assert_eq!(
        oldest_create_date(&seen(&p), &seen(&s))
            .unwrap()
            .merged
            .as_deref(),
        Some("2019-10-30 03:30")
    );
    let p = contact("1", &[("createdate", "1572406217883")]);
    assert_eq!(
        oldest_create_date(&seen(&p), &seen(&s))
            .unwrap()
            .merged
            .as_deref(),
        Some("1572406217883"),
        "epoch milliseconds stay epoch milliseconds"
    );
    // A createdate in epoch milliseconds gives an ISO createdAt.
    let p = created(contact("1", &[]), "2021-03-04T09:15:00.000Z");
    let s = contact("2", &[("createdate", "1572406217883")]);
    assert_eq!(
        oldest_created_at(&p, &s).unwrap(),
        Some(json!("2019-10-30T03:30:17.883Z"))
    );
}

#[test]
fn ties_keep_the_primarys_text_and_a_missing_place_is_not_added() {
    let p = created(
        contact("1", &[("createdate", "2020-01-01T00:00:00Z")]),
        "2020-01-01T00:00:00.000Z",
    );
    let s = created(
        contact("2", &[("createdate", "2020-01-01T00:00:00.000Z")]),
        "2020-01-01T00:00:00Z",
    );
    assert_eq!(
        oldest_create_date(&seen(&p), &seen(&s))
            .unwrap()
            .merged
            .as_deref(),
        Some("2020-01-01T00:00:00Z")
    );
    assert_eq!(
        oldest_created_at(&p, &s).unwrap(),
        Some(json!("2020-01-01T00:00:00.000Z"))
    );
    // Neither has createdAt: none is added (a CSV contact gains no part).
    let p = contact("1", &[("createdate", "2020-01-01 00:00")]);
    let s = contact("2", &[("createdate", "2019-01-01 00:00")]);
    assert_eq!(oldest_created_at(&p, &s).unwrap(), None);
    assert_eq!(
        oldest_create_date(&seen(&p), &seen(&s))
            .unwrap()
            .merged
            .as_deref(),
        Some("2019-01-01 00:00")
    );
    // Nothing anywhere: P's (missing) value.
    let d = oldest_create_date(&seen(&contact("1", &[])), &seen(&contact("2", &[]))).unwrap();
    assert_eq!(d.merged, None);
}

#[test]
fn a_bad_date_in_either_place_refuses_and_names_it() {
    let p = contact("1", &[("createdate", "2020-01-01")]);
    let bad = created(contact("3", &[]), "yesterday");
    let e = oldest_create_date(&seen(&p), &seen(&bad)).unwrap_err();
    assert_eq!(
        e,
        MergeError::BadDate {
            record: "3".into(),
            property: "createdAt".into(),
            value: "yesterday".into()
        }
    );
    let bad = contact("3", &[("createdate", "soon")]);
    assert!(matches!(
        oldest_created_at(&created(contact("1", &[]), "2020-01-01T00:00:00Z"), &bad),
        Err(MergeError::BadDate { property, .. }) if property == "createdate"
    ));
}

fn decision(prop: &str, merged: &str) -> Decision {
    Decision::new(prop, Some(merged.into()), "test", "")
}

fn history_of(p: &Contact, s: &Contact) -> History {
    crate::rules::merged_history(p, s).unwrap().unwrap()
}

#[test]
fn a_value_from_a_side_without_history_gets_an_entry_at_its_time() {
    // S's phone won (set 2024-05-01 by its lastmodifieddate), only P has
    // phone history.
    let p = with_history(
        contact("1", &[("phone", "1")]),
        "phone",
        &[("1", "2023-01-01T00:00:00.000Z")],
    );
    let s = contact(
        "2",
        &[
            ("phone", "2"),
            ("lastmodifieddate", "2024-05-01T00:00:00.000Z"),
        ],
    );
    let h = history_of(&p, &s);
    let got = current_value_entries(
        &Seen::new(&p),
        &Seen::new(&s),
        &h,
        &[decision("phone", "2")],
        0,
    )
    .unwrap();
    assert_eq!(got.len(), 1);
    let (prop, e) = &got[0];
    assert_eq!(prop, "phone");
    assert_eq!(e.value(), Some("2"));
    assert_eq!(e.timestamp().as_deref(), Some("2024-05-01T00:00:00.000Z"));
    assert_eq!(e.source_type(), Some(MERGE_SOURCE_TYPE));
}

#[test]
fn a_kept_older_value_is_entered_at_the_merge_time() {
    // P's email stays although S's history is newer and holds only S's
    // address (the case found on a real page, without the email rule's
    // entry): the entry is at the merge time, in the history's form.
    let p = contact("1", &[("email", "a@x.com")]);
    let s = with_history(
        contact("2", &[("email", "b@x.com")]),
        "email",
        &[("b@x.com", "1704067200000")],
    );
    let h = history_of(&p, &s);
    let t = 1_709_287_200_000;
    let got = current_value_entries(&Seen::new(&p), &Seen::new(&s), &h, &[], t).unwrap();
    assert_eq!(got[0].1.value(), Some("a@x.com"));
    assert_eq!(got[0].1.timestamp().as_deref(), Some("1709287200000"));
    // A merge time older than the history: the newest entry's time, so the
    // entry still sorts first.
    let got = current_value_entries(&Seen::new(&p), &Seen::new(&s), &h, &[], 0).unwrap();
    assert_eq!(got[0].1.timestamp().as_deref(), Some("1704067200000"));
}

#[test]
fn a_value_the_merge_made_is_entered_at_the_merge_time() {
    let p = with_history(
        contact("1", &[("num_conversion_events", "2")]),
        "num_conversion_events",
        &[("2", "2024-01-01T00:00:00.000Z")],
    );
    let s = contact("2", &[("num_conversion_events", "3")]);
    let h = history_of(&p, &s);
    let t = 1_709_287_200_000;
    let got = current_value_entries(
        &Seen::new(&p),
        &Seen::new(&s),
        &h,
        &[decision("num_conversion_events", "5")],
        t,
    )
    .unwrap();
    assert_eq!(got[0].1.value(), Some("5"));
    assert_eq!(
        got[0].1.timestamp().as_deref(),
        Some("2024-03-01T10:00:00.000Z")
    );
}

#[test]
fn agreeing_histories_and_properties_without_value_get_nothing() {
    let p = with_history(
        contact("1", &[("city", "Oslo")]),
        "city",
        &[("Oslo", "2024-01-01")],
    );
    let s = with_history(contact("2", &[]), "zip", &[("0150", "2024-01-01")]);
    let h = history_of(&p, &s);
    assert!(
        current_value_entries(&Seen::new(&p), &Seen::new(&s), &h, &[], 0)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_source_entered_again_by_a_merge_keeps_its_first_time() {
    use crate::merge::merge_contacts;
    use crate::rules::{history::current_value_first_set, MergeOptions};
    let source = |id: &str, v: &str, at: &str| {
        with_history(
            contact(id, &[("hs_analytics_source", v)]),
            "hs_analytics_source",
            &[(v, at)],
        )
    };
    let opts = MergeOptions {
        merge_time: 1_717_200_000_000, // 2024-06-01
        ..Default::default()
    };
    // P's source is the oldest and stays; S's newer entry would be the
    // newest, so the merge enters P's again at the merge time.
    let p = source("1", "ORGANIC_SEARCH", "2021-03-04T09:10:00.000Z");
    let s = source("2", "PAID_SOCIAL", "2022-08-19T13:55:00.000Z");
    let m = merge_contacts(&p, &s, &opts).unwrap().merged;
    let h = m.history_of("hs_analytics_source");
    assert_eq!(h[0].value(), Some("ORGANIC_SEARCH"));
    assert_eq!(h[0].source_type(), Some(MERGE_SOURCE_TYPE));
    assert_eq!(
        current_value_first_set(&m, "hs_analytics_source").unwrap(),
        Some(parse_millis("2021-03-04T09:10:00.000Z").unwrap())
    );
    // A later merge with a source set in 2023 keeps it: it is still the
    // oldest, whatever the merge entry's time.
    let t = source("3", "REFERRALS", "2023-01-01T00:00:00.000Z");
    let again = merge_contacts(&m, &t, &opts).unwrap().merged;
    assert_eq!(again.prop("hs_analytics_source"), Some("ORGANIC_SEARCH"));
    assert_eq!(
        again.history_of("hs_analytics_source")[0].value(),
        Some("ORGANIC_SEARCH")
    );
}

mod merged_record {
    //! The whole merge, on contacts with random histories, values and
    //! create dates, under both policies: the merged record agrees with
    //! itself.
    use proptest::prelude::*;

    use crate::dates::parse_millis;
    use crate::merge::merge_contacts;
    use crate::model::{key, Contact};
    use crate::rules::testutil::{api, with_history, with_section};
    use crate::rules::{MergeOptions, Policy};

    const PROPS: [&str; 5] = [
        "email",
        "city",
        "lifecyclestage",
        "num_conversion_events",
        "createdate",
    ];
    const DATES: [&str; 4] = [
        "2020-01-01T00:00:00.000Z",
        "2021-06-01T00:00:00.000Z",
        "2022-01-01T00:00:00.000Z",
        "2024-01-01T00:00:00.000Z",
    ];

    fn value(prop: &str, i: usize) -> String {
        match prop {
            "email" => ["a@x.com", "b@x.com", "c@x.com"][i % 3].into(),
            "lifecyclestage" => ["lead", "customer", "subscriber"][i % 3].into(),
            "num_conversion_events" => (i % 3).to_string(),
            "createdate" => DATES[i % DATES.len()].into(),
            _ => ["Oslo", "Bergen", ""][i % 3].into(),
        }
    }

    type Side = (
        Vec<Option<usize>>,
        Vec<Vec<(usize, usize)>>,
        Option<usize>,
        Option<usize>,
    );

    fn side() -> impl Strategy<Value = Side> {
        (
            prop::collection::vec(prop::option::of(0usize..3), PROPS.len()),
            prop::collection::vec(
                prop::collection::vec((0usize..3, 0usize..4), 0..3),
                PROPS.len(),
            ),
            prop::option::of(0usize..4),
            prop::option::of(0usize..4),
        )
    }

    fn build(id: &str, (values, histories, created_at, modified): &Side) -> Contact {
        let mut c = api(Contact::new(id));
        for (prop, v) in PROPS.iter().zip(values) {
            if let Some(i) = v {
                c.set_prop(prop, Some(value(prop, *i)));
            }
        }
        if let Some(m) = modified {
            c.set_prop("lastmodifieddate", Some(DATES[*m].into()));
        }
        for (prop, h) in PROPS.iter().zip(histories) {
            if h.is_empty() {
                continue;
            }
            let mut entries: Vec<(String, &str)> = h
                .iter()
                .map(|(v, t)| (value(prop, *v), DATES[*t]))
                .collect();
            entries.sort_by(|a, b| b.1.cmp(a.1));
            let refs: Vec<(&str, &str)> = entries.iter().map(|(v, t)| (v.as_str(), *t)).collect();
            c = with_history(c, prop, &refs);
        }
        if let Some(t) = created_at {
            c = with_section(c, key::CREATED_AT, &format!("\"{}\"", DATES[*t]));
        }
        c
    }

    fn instant(text: &str) -> i64 {
        parse_millis(text).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn the_merged_record_agrees_with_itself(ps in side(), ss in side(), primary_wins: bool) {
            let (p, s) = (build("1", &ps), build("2", &ss));
            let opts = MergeOptions {
                merge_time: 1_709_287_200_000,
                policy: if primary_wins { Policy::PrimaryWins } else { Policy::MostRecent },
                ..Default::default()
            };
            let m = merge_contacts(&p, &s, &opts).unwrap().merged;
            let quiet = MergeOptions { explain: false, ..opts.clone() };
            prop_assert_eq!(&merge_contacts(&p, &s, &quiet).unwrap().merged, &m, "explained or not");
            for (prop, entries) in m.history.iter().flatten() {
                let Some(Some(current)) = m.properties.get(prop.as_str()) else { continue };
                prop_assert_eq!(entries[0].value(), Some(current.as_str()), "{}", prop);
                let newest = entries.iter().filter_map(|e| e.timestamp()).map(|t| instant(&t)).max();
                let first = entries[0].timestamp().map(|t| instant(&t));
                prop_assert_eq!(first, newest, "{}: the entry for the value is the newest", prop);
            }
            let oldest = [&p, &s]
                .iter()
                .flat_map(|c| [c.prop("createdate").map(str::to_string), c.meta_text(key::CREATED_AT)])
                .flatten()
                .map(|t| instant(&t))
                .min();
            if let Some(at) = m.meta_text(key::CREATED_AT) {
                prop_assert_eq!(Some(instant(&at)), oldest);
            }
            if let Some(date) = m.prop("createdate") {
                prop_assert_eq!(Some(instant(date)), oldest);
            }
        }
    }
}

#[test]
fn the_emails_merge_entry_stays_the_newest_with_a_merge_time_in_the_past() {
    use crate::rules::email_merge_history_entry;
    let p = contact("1", &[("email", "a@x.com")]);
    let s = with_history(
        contact("2", &[("email", "b@x.com")]),
        "email",
        &[("b@x.com", "2024-05-01T00:00:00.000Z")],
    );
    let past = parse_millis("2024-01-01T00:00:00.000Z").unwrap();
    let e = email_merge_history_entry(&p, &s, past).unwrap().unwrap();
    assert_eq!(e.value(), Some("a@x.com"));
    assert_eq!(e.timestamp().as_deref(), Some("2024-05-01T00:00:00.000Z"));
    let later = parse_millis("2024-06-01T00:00:00.000Z").unwrap();
    let e = email_merge_history_entry(&p, &s, later).unwrap().unwrap();
    assert_eq!(e.timestamp().as_deref(), Some("2024-06-01T00:00:00.000Z"));
}
