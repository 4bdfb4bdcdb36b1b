//! Explained merges, and the unions (multi-value properties, additional
//! emails, merged ids) at scale and against a plain search.

use super::tests::merged;
use super::*;
use crate::rules::raw;
use crate::rules::testutil::{contact, seen};

// ---- explain ----

#[test]
fn unexplained_merges_skip_only_properties_that_keep_the_primary_value() {
    let p = contact(
        "1",
        &[
            ("city", "A"),
            ("phone", "1"),
            ("zip", ""),
            ("jobtitle", "X"),
        ],
    );
    let s = contact("2", &[("city", "A"), ("phone", "2"), ("fax", "9")]);
    for policy in [Policy::MostRecent, Policy::PrimaryWins] {
        let full = MergeOptions {
            policy,
            ..Default::default()
        };
        let lean = MergeOptions {
            explain: false,
            ..full.clone()
        };
        let all = property_decisions(&seen(&p), &seen(&s), &full).unwrap();
        let few = property_decisions(&seen(&p), &seen(&s), &lean).unwrap();
        // Every decision skipped keeps P's stored value.
        for d in &all {
            match few.iter().find(|f| f.property == d.property) {
                Some(f) => assert_eq!(f.merged, d.merged, "{}", d.property),
                None => {
                    let stored = &p.properties[d.property.as_str()];
                    assert!(
                        keeps_stored_value(stored, s.properties.get(d.property.as_str())),
                        "{}",
                        d.property
                    );
                    assert_eq!(d.merged, raw(&p, &d.property), "{}", d.property);
                }
            }
        }
        let skipped: Vec<&str> = all
            .iter()
            .filter(|d| !few.iter().any(|f| f.property == d.property))
            .map(|d| d.property.as_str())
            .collect();
        assert_eq!(skipped, ["city", "zip", "jobtitle"], "{policy}");
        assert!(few
            .iter()
            .all(|d| d.primary.is_none() && d.secondary.is_none()));
        assert!(all.iter().any(|d| d.primary.is_some()));
    }
}

#[test]
fn placed_decisions_name_primary_properties_in_primary_order() {
    let p = contact(
        "1",
        &[
            ("city", "A"),
            ("hs_analytics_num_visits", "2"),
            ("phone", "1"),
            ("email", "a@x.com"),
        ],
    );
    let s = contact("2", &[("phone", "2"), ("fax", "9"), ("email", "b@x.com")]);
    for explain in [false, true] {
        let opts = MergeOptions {
            explain,
            ..Default::default()
        };
        let (ds, places) = placed_property_decisions(&seen(&p), &seen(&s), &opts).unwrap();
        assert_eq!(ds, property_decisions(&seen(&p), &seen(&s), &opts).unwrap());
        for (d, &at) in ds.iter().zip(&places) {
            assert_eq!(
                &**p.properties.get_index(at).unwrap().0,
                d.property.as_str()
            );
        }
        assert!(places.windows(2).all(|w| w[0] < w[1]));
        assert!(ds[places.len()..]
            .iter()
            .all(|d| !p.properties.contains_key(d.property.as_str())));
        let named: Vec<&str> = ds[..places.len()].iter().map(|d| &*d.property).collect();
        let expected: &[&str] = if explain {
            &["city", "hs_analytics_num_visits", "phone", "email"]
        } else {
            &["hs_analytics_num_visits", "phone", "email"]
        };
        assert_eq!(named, expected);
    }
}

// ---- unions: linear, and the same as a search of the values kept ----

/// A `;`-separated union as it was computed before sets: a search of
/// the keys kept per value. The oracle the set-based helpers must agree
/// with.
fn union_by_search<'a>(cells: &[Option<&'a str>], key: impl Fn(&str) -> String) -> Vec<&'a str> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for v in cells.iter().flatten().flat_map(|c| split_multi(c)) {
        if !seen.contains(&key(v)) {
            seen.push(key(v));
            out.push(v);
        }
    }
    out
}

/// A random `;`-separated cell from a few spellings that differ by
/// case (ASCII and not), spaces and empty items, so that values repeat.
fn random_cell(rng: &mut crate::gen::Rng) -> Option<String> {
    const SPELLINGS: [&str; 14] = [
        "a@x.com",
        "A@X.com",
        " a@x.com ",
        "b@x.com",
        "B@x.COM",
        "ß@x.de",
        "SS@x.de",
        "é@x.fr",
        "É@x.fr",
        "İ@x.tr",
        "i̇@x.tr",
        "Σ@x.gr",
        "σ@x.gr",
        "",
    ];
    if rng.chance(0.1) {
        return None;
    }
    let n = rng.below(6) as usize;
    Some(
        (0..n)
            .map(|_| *rng.pick(&SPELLINGS))
            .collect::<Vec<_>>()
            .join(";"),
    )
}

#[test]
fn union_multi_keeps_the_first_of_each_key_in_order() {
    let cells = [Some(" b ;A;;a"), None, Some("c;B;a"), Some("")];
    assert_eq!(union_multi(&cells, |v| v.to_lowercase()), ["b", "A", "c"]);
    assert_eq!(union_multi(&cells, |v| v), ["b", "A", "a", "c", "B"]);
    assert!(union_multi(&[None, Some(" ; ")], |v| v).is_empty());
}

#[test]
fn union_multi_agrees_with_a_search_of_the_values_kept() {
    let mut rng = crate::gen::Rng::new(16);
    for _ in 0..2000 {
        let cells: Vec<Option<String>> = (0..3).map(|_| random_cell(&mut rng)).collect();
        let cells: Vec<Option<&str>> = cells.iter().map(Option::as_deref).collect();
        assert_eq!(
            union_multi(&cells, str::to_lowercase),
            union_by_search(&cells, str::to_lowercase),
            "{cells:?}"
        );
        assert_eq!(
            union_multi(&cells, |v| v),
            union_by_search(&cells, str::to_string),
            "{cells:?}"
        );
    }
}

thread_local! {
    /// Key comparisons made by [`Counted`] on this thread.
    static COMPARED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A union key that counts how often it is compared.
struct Counted(String);

impl Hash for Counted {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl PartialEq for Counted {
    fn eq(&self, other: &Self) -> bool {
        COMPARED.with(|c| c.set(c.get() + 1));
        self.0 == other.0
    }
}

impl Eq for Counted {}

#[test]
fn union_multi_compares_each_value_a_bounded_number_of_times() {
    // 20,000 values, each key twice (in other cases): a search of the
    // values kept compares about n²/4 = 100,000,000 times; a set
    // compares about once per repeated value.
    let n = 10_000;
    let p: Vec<String> = (0..n).map(|i| format!("id{i}@x.com")).collect();
    let s: Vec<String> = (0..n).rev().map(|i| format!("ID{i}@X.com")).collect();
    let (p, s) = (p.join(";"), s.join(";"));
    COMPARED.with(|c| c.set(0));
    let mut keyed = 0;
    let list = union_multi(&[Some(&p), Some(&s)], |v| {
        keyed += 1;
        Counted(v.to_lowercase())
    });
    let compared = COMPARED.with(|c| c.get());
    assert_eq!(list.len(), n);
    assert_eq!((list[0], list[n - 1]), ("id0@x.com", "id9999@x.com"));
    assert_eq!(keyed, 2 * n, "one key per value");
    assert!(
        compared <= 2 * n,
        "{compared} key comparisons for {} values",
        2 * n
    );
}

/// The additional emails as they were computed before sets: the merged
/// list and the secondary's emails named as added.
fn additional_emails_by_search<'a>(p: &'a Contact, s: &'a Contact) -> (Vec<&'a str>, Vec<&'a str>) {
    let (pe, se) = (seen(p).trimmed(EMAIL), seen(s).trimmed(EMAIL));
    let mut seen: Vec<String> = pe.or(se).map(str::to_lowercase).into_iter().collect();
    let mut list = Vec::new();
    let candidates = split_multi(p.prop(ADDITIONAL_EMAILS).unwrap_or(""))
        .chain(se)
        .chain(split_multi(s.prop(ADDITIONAL_EMAILS).unwrap_or("")));
    for e in candidates {
        if !seen.contains(&e.to_lowercase()) {
            seen.push(e.to_lowercase());
            list.push(e);
        }
    }
    let p_list: Vec<&str> = split_multi(p.prop(ADDITIONAL_EMAILS).unwrap_or("")).collect();
    let added = list
        .iter()
        .copied()
        .filter(|e| !p_list.iter().any(|q| q.eq_ignore_ascii_case(e)))
        .collect();
    (list, added)
}

#[test]
fn additional_emails_agree_with_a_search_of_the_emails_kept() {
    let mut rng = crate::gen::Rng::new(8);
    // A contact with an email (one spelling) and additional emails,
    // each perhaps missing.
    let random_contact = |id: &str, rng: &mut crate::gen::Rng| {
        let email = random_cell(rng).map(|c| c.split(';').next().unwrap_or("").to_string());
        let additional = random_cell(rng);
        let mut props: Vec<(&str, &str)> = Vec::new();
        props.extend(email.as_deref().map(|e| (EMAIL, e)));
        props.extend(additional.as_deref().map(|a| (ADDITIONAL_EMAILS, a)));
        contact(id, &props)
    };
    for _ in 0..3000 {
        let (p, s) = (random_contact("1", &mut rng), random_contact("2", &mut rng));
        let (list, added) = additional_emails_by_search(&p, &s);
        let ds = primary_email_and_additional_emails(&seen(&p), &seen(&s));
        let Some(d) = ds.iter().find(|d| d.property == ADDITIONAL_EMAILS) else {
            assert!(list.is_empty() && !on_either(&seen(&p), &seen(&s), ADDITIONAL_EMAILS));
            continue;
        };
        if list.is_empty() {
            assert_eq!(d.why, "no additional emails", "{p:?} {s:?}");
            continue;
        }
        assert_eq!(
            d.merged.as_deref(),
            Some(list.join(";").as_str()),
            "{p:?} {s:?}"
        );
        let why = if added.is_empty() {
            "the secondary brings no new emails".to_string()
        } else {
            format!("the secondary's emails are added: {}", added.join(", "))
        };
        assert_eq!(d.why, why, "{p:?} {s:?}");
    }
}

#[test]
fn additional_emails_keep_the_primarys_order_and_first_spelling_at_scale() {
    // 40,000 emails a side, half of the secondary's the primary's in
    // another case: each is looked up once, so this is quick.
    let n = 40_000;
    let p_emails: Vec<String> = (0..n).map(|i| format!("p{i}@x.com")).collect();
    let s_emails: Vec<String> = (0..n)
        .map(|i| match i % 2 {
            0 => format!("P{i}@X.COM"),
            _ => format!("s{i}@x.com"),
        })
        .collect();
    let (pa, sa) = (p_emails.join(";"), s_emails.join(";"));
    let p = contact("1", &[(EMAIL, "p@x.com"), (ADDITIONAL_EMAILS, &pa)]);
    let s = contact("2", &[(EMAIL, "S1@x.com"), (ADDITIONAL_EMAILS, &sa)]);
    let ds = primary_email_and_additional_emails(&seen(&p), &seen(&s));
    let list: Vec<&str> = merged(&ds[1]).unwrap().split(';').collect();
    // P's, then S's email (s1@x.com, spelled as S's email first), then
    // S's other new ones in their order.
    assert_eq!(list.len(), n + n / 2);
    assert_eq!(
        list[..n],
        p_emails.iter().map(String::as_str).collect::<Vec<_>>()[..]
    );
    assert_eq!(list[n], "S1@x.com");
    assert_eq!(list[n + 1], "s3@x.com");
    assert_eq!(list[n + n / 2 - 1], format!("s{}@x.com", n - 1));
    assert!(ds[1]
        .why
        .starts_with("the secondary's emails are added: S1@x.com, s3@x.com, "));
}

#[test]
fn merged_ids_and_merge_count_at_scale() {
    // A primary that absorbed 50,000 contacts and a secondary that
    // absorbed 50,000 more, 10,000 of them the same.
    let ids = |r: std::ops::Range<u32>| r.map(|i| i.to_string()).collect::<Vec<_>>().join(";");
    let (pm, sm) = (ids(100_000..150_000), ids(140_000..190_000));
    let p = contact("1", &[(MERGED_OBJECT_IDS, &pm)]);
    let s = contact("2", &[(MERGED_OBJECT_IDS, &sm)]);
    assert_eq!(merge_count(&p, &s), 90_000);
    let d = merged_object_ids(&seen(&p), &seen(&s));
    let list: Vec<&str> = merged(&d).unwrap().split(';').collect();
    assert_eq!(list.len(), 90_001);
    assert_eq!(
        (list[0], list[49_999], list[50_000]),
        ("100000", "149999", "2")
    );
    assert_eq!((list[50_001], list[90_000]), ("150000", "189999"));
    // The primary's own id is never listed.
    let s = contact("2", &[(MERGED_OBJECT_IDS, "1;7")]);
    assert_eq!(
        merged(&merged_object_ids(&seen(&contact("1", &[])), &seen(&s))),
        Some("2;7")
    );
}
