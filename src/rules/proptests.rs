//! Property tests for what the merge promises: no email lost, sums
//! conserved, nothing of the lists that are kept whole lost, deterministic.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::testutil::api;
use super::{MergeOptions, Policy, SUMMED};
use crate::dates::parse_millis;
use crate::merge::merge_contacts;
use crate::model::{key, value_as_text, AssocList, Associations, Contact};

const EMAILS: [&str; 6] = [
    "a@x.com", "A@X.com", "b@x.com", "c@y.org", "d@y.org", "e@z.net",
];

fn email() -> impl Strategy<Value = String> {
    prop::sample::select(&EMAILS[..]).prop_map(String::from)
}

fn ids(prefix: &'static str) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec((0u8..6).prop_map(move |i| format!("{prefix}{i}")), 0..4)
}

#[derive(Debug, Clone)]
struct Side {
    email: Option<String>,
    additional: Vec<String>,
    counters: Vec<Option<u32>>,
    deals: Vec<String>,
    tickets: Vec<String>,
    engagements: Vec<(String, i64)>,
    visits: Vec<i64>,
    forms: Vec<String>,
    usertokens: Vec<String>,
}

fn side() -> impl Strategy<Value = Side> {
    (
        prop::option::of(email()),
        prop::collection::vec(email(), 0..3),
        prop::collection::vec(prop::option::of(0u32..1000), SUMMED.len()),
        ids("d"),
        ids("t"),
        prop::collection::vec((0u8..6, 0i64..5), 0..4).prop_map(|v| {
            v.into_iter()
                .map(|(i, t)| (format!("e{i}"), 1_600_000_000_000 + t))
                .collect()
        }),
        prop::collection::vec(0i64..4, 0..3),
        ids("f"),
        ids("u"),
    )
        .prop_map(
            |(
                email,
                additional,
                counters,
                deals,
                tickets,
                engagements,
                visits,
                forms,
                usertokens,
            )| Side {
                email,
                additional,
                counters,
                deals,
                tickets,
                engagements,
                visits,
                forms,
                usertokens,
            },
        )
}

fn build(id: &str, sd: &Side) -> Contact {
    let mut c = api(Contact::new(id));
    c.set_prop("email", sd.email.clone());
    if !sd.additional.is_empty() {
        c.set_prop("hs_additional_emails", Some(sd.additional.join(";")));
    }
    for (prop, n) in SUMMED.iter().zip(&sd.counters) {
        if let Some(n) = n {
            c.set_prop(prop, Some(n.to_string()));
        }
    }
    let mut a = Associations::default();
    a.insert("deals".into(), AssocList::plain(sd.deals.clone()));
    a.insert("tickets".into(), AssocList::plain(sd.tickets.clone()));
    c.associations = Some(a);
    let engagements: Vec<Value> = sd
        .engagements
        .iter()
        .map(|(i, t)| json!({"id": i, "type": "NOTE", "timestamp": t}))
        .collect();
    c.set_section(key::ENGAGEMENTS, Value::Array(engagements));
    let visits: Vec<Value> = sd.visits.iter().map(|t| json!({"timestamp": t})).collect();
    c.set_section(key::VISITS, Value::Array(visits));
    let forms: Vec<Value> = sd
        .forms
        .iter()
        .map(|f| json!({"formId": f, "timestamp": 1}))
        .collect();
    c.set_section(key::FORM_SUBMISSIONS, Value::Array(forms));
    c.set_section(key::USERTOKENS, json!(sd.usertokens));
    c
}

fn opts() -> MergeOptions {
    MergeOptions {
        merge_time: 1_709_287_200_000,
        ..Default::default()
    }
}

/// Plain properties (and a date that decides "most recent"), each missing,
/// null, empty or one of a few values, so both contacts often agree.
fn plain() -> impl Strategy<Value = Vec<(&'static str, Option<String>)>> {
    const NAMES: [&str; 6] = [
        "city",
        "phone",
        "jobtitle",
        "hs_email_optout",
        "lastmodifieddate",
        "lifecyclestage",
    ];
    let value = prop::option::of(prop::sample::select(vec![
        "",
        "a",
        "b",
        "2024-01-01",
        "2023-06-01",
        "lead",
        "customer",
    ]));
    prop::collection::vec((prop::sample::select(&NAMES[..]), value), 0..6).prop_map(|v| {
        v.into_iter()
            .map(|(n, v)| {
                let v = v.map(str::to_string);
                match n {
                    "lastmodifieddate" => (n, v.filter(|v| v.starts_with("20"))),
                    "lifecyclestage" => (n, v.filter(|v| v == "lead" || v == "customer")),
                    _ => (n, v),
                }
            })
            .collect()
    })
}

fn with_plain(mut c: Contact, props: &[(&str, Option<String>)]) -> Contact {
    for (n, v) in props {
        c.set_prop(n, v.clone());
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn explaining_does_not_change_the_merge(
        ps in side(), ss in side(), pp in plain(), sp in plain(), primary_wins in any::<bool>()
    ) {
        let p = with_plain(build("1", &ps), &pp);
        let s = with_plain(build("2", &ss), &sp);
        let full = MergeOptions {
            policy: if primary_wins { Policy::PrimaryWins } else { Policy::MostRecent },
            ..opts()
        };
        let lean = MergeOptions { explain: false, ..full.clone() };
        let a = merge_contacts(&p, &s, &full).unwrap();
        let b = merge_contacts(&p, &s, &lean).unwrap();
        prop_assert_eq!(&a.merged, &b.merged);
        prop_assert_eq!(a.merged.properties.keys().collect::<Vec<_>>(), b.merged.properties.keys().collect::<Vec<_>>());
        prop_assert_eq!(a.sections, b.sections);
        prop_assert_eq!(a.warnings, b.warnings);
    }

    #[test]
    fn every_email_survives(ps in side(), ss in side()) {
        let (p, s) = (build("1", &ps), build("2", &ss));
        let m = merge_contacts(&p, &s, &opts()).unwrap().merged;
        let have: Vec<String> = m.emails().iter().map(|e| e.to_lowercase()).collect();
        for e in p.emails().iter().chain(&s.emails()) {
            prop_assert!(have.contains(&e.to_lowercase()), "{e} lost: {have:?}");
        }
        // No email twice, and P's primary email stays when it has one.
        let mut sorted = have.clone();
        sorted.sort();
        sorted.dedup();
        prop_assert_eq!(sorted.len(), have.len());
        if let Some(pe) = p.prop("email") {
            prop_assert_eq!(m.prop("email"), Some(pe));
        }
    }

    #[test]
    fn sums_are_conserved(ps in side(), ss in side()) {
        let (p, s) = (build("1", &ps), build("2", &ss));
        let o = merge_contacts(&p, &s, &opts()).unwrap();
        for (i, prop) in SUMMED.iter().enumerate() {
            let got = o.merged.prop(prop).map(|v| v.parse::<u64>().unwrap());
            let want = match (ps.counters[i], ss.counters[i]) {
                (None, None) => None,
                (a, b) => Some(u64::from(a.unwrap_or(0)) + u64::from(b.unwrap_or(0))),
            };
            prop_assert_eq!(got, want, "{}", prop);
            let d = o.decisions.iter().find(|d| d.property == *prop);
            if want.is_some() {
                prop_assert_eq!(d.map(|d| d.rule.as_ref()), Some("sum"));
            }
        }
    }

    #[test]
    fn nothing_kept_whole_is_lost(ps in side(), ss in side()) {
        let (p, s) = (build("1", &ps), build("2", &ss));
        let m = merge_contacts(&p, &s, &opts()).unwrap().merged;
        for kind in ["deals", "tickets"] {
            let have: Vec<&str> = m.assoc(kind).unwrap().ids().collect();
            for c in [&p, &s] {
                for id in c.assoc(kind).unwrap().ids() {
                    prop_assert!(have.contains(&id), "{kind} {id} lost");
                }
            }
            let mut sorted = have.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(sorted.len(), have.len(), "{} deduplicated", kind);
        }
        let timeline = m.section_items(key::ENGAGEMENTS);
        for (id, _) in ps.engagements.iter().chain(&ss.engagements) {
            prop_assert!(timeline.iter().any(|e| e["id"] == json!(id)), "engagement {id} lost");
        }
        let merges = timeline.iter().filter(|e| e["type"] == "MERGE").count();
        prop_assert_eq!(merges, 1);
        let times: Vec<i64> = timeline
            .iter()
            .map(|e| parse_millis(&value_as_text(&e["timestamp"]).unwrap()).unwrap())
            .collect();
        prop_assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first: {:?}", times);
        for k in [key::VISITS, key::FORM_SUBMISSIONS, key::USERTOKENS] {
            let have = m.section_items(k);
            for item in p.section_items(k).iter().chain(s.section_items(k)) {
                prop_assert!(have.contains(item), "{k} {item} lost");
            }
        }
    }

    #[test]
    fn merging_is_deterministic(ps in side(), ss in side()) {
        let (p, s) = (build("1", &ps), build("2", &ss));
        let a = merge_contacts(&p, &s, &opts()).unwrap();
        let b = merge_contacts(&p, &s, &opts()).unwrap();
        prop_assert_eq!(a.merged, b.merged);
        prop_assert_eq!(a.decisions, b.decisions);
        prop_assert_eq!(a.sections, b.sections);
    }
}
