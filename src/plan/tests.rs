//! Running whole plans: the in-memory store against one pair after the
//! other, bad pairs, the merge limit, `--keep-going`, redirects, the
//! journal. Also the helpers other modules' tests build exports with.

use std::io;

use serde_json::{json, Value};

use super::*;
use crate::format::json::contact_from_value;
use crate::model::{split_multi, Contact, Export, JsonShape, Layout};
use crate::warning::{Warning, WarningKind};

/// The generator's pairs, with chains, pairs naming merged-away ids, pairs
/// naming one id twice, and one primary absorbing a run of others.
fn tangled_plan(pairs: &[(String, String)]) -> Plan {
    let mut text = String::from("primary_id,secondary_id\n");
    for (k, (p, s)) in pairs.iter().enumerate() {
        text.push_str(&format!("{p},{s}\n"));
        // Chains and pairs naming merged-away ids, now and then.
        if k % 7 == 3 {
            let (q, _) = &pairs[k / 2];
            text.push_str(&format!("{s},{q}\n"));
        }
        if k % 11 == 5 {
            text.push_str(&format!("{p},{p}\n"));
        }
        // One primary absorbing a run of others: pairs that all wait
        // for it (the merge limit refuses the latest of them).
        if k == 200 {
            let (first, _) = &pairs[0];
            for (q, _) in &pairs[300..340] {
                text.push_str(&format!("{first},{q}\n"));
            }
        }
    }
    parse_plan(text.as_bytes(), "plan.csv", Some(PlanFormat::Csv)).unwrap()
}

/// Waves merge in parallel, but the result is the one of merging one
/// pair after the other: checked against a plain loop over
/// `merge_in_export`, on a plan with chains, redirects and bad pairs.
#[test]
fn waves_give_the_result_of_one_pair_after_the_other() {
    use crate::rules::MergeOptions;
    let g = crate::gen::generate(&crate::gen::GenOptions {
        contacts: 4000,
        duplicate_rate: 0.2,
        seed: 5,
    });
    let plan = tangled_plan(&g.pairs);
    let opts = MergeOptions {
        merge_time: 1_717_200_000_000,
        ..Default::default()
    };
    let step = |_: &Layout, p: Primary<'_>, s: &Contact, t: Times<'_>| {
        let o = crate::merge::merge_contacts_timed(p, s, t, &opts).map_err(|e| e.to_string())?;
        let (sections, section_tally) = notable_sections(o.sections, true);
        Ok(MergeStep {
            merged: o.merged,
            decisions: Vec::new(),
            warnings: o.warnings,
            sections,
            section_tally,
            journal: None,
            times: o.times,
        })
    };
    let mut waved = g.export.clone();
    let mut order = Vec::new();
    let report = apply_plan_tuned(
        &mut waved,
        &plan,
        &ApplyOptions {
            keep_going: true,
            ..Default::default()
        },
        &Tuning::small(),
        step,
        Some(|a: &Applied<'_>| {
            order.push((
                a.primary_id.to_string(),
                a.secondary_id.to_string(),
                a.secondary_index,
            ));
            Ok(())
        }),
    )
    .unwrap();
    assert!(report.applied > 500 && !report.skipped.is_empty());
    let (one_by_one, expected, sections) = one_pair_after_the_other(&g.export, &plan, &opts);
    assert_eq!(order, expected);
    assert_eq!(waved, one_by_one);
    // What the merges did with the sections, every merge's, in plan
    // order (the generated contacts' companies differ now and then).
    assert!(sections.merges.len() > 100, "{}", sections.merges.len());
    assert!(
        sections.counts.lost[0].merges > 100,
        "{:?}",
        sections.counts
    );
    assert_eq!(*report.sections, sections);
}

/// `plan` merged one pair after the other, as `merge_in_export` does,
/// each merge given the value times of the merges before it
/// ([`crate::dates::ValueTimes`]): the export, each merge (its ids and the
/// secondary's position before it) and what the merges did with the
/// sections, as a report gives them.
fn one_pair_after_the_other(
    export: &Export,
    plan: &Plan,
    opts: &crate::rules::MergeOptions,
) -> (Export, Vec<(String, String, usize)>, ReportedSections) {
    let mut one_by_one = export.clone();
    let mut redirects = Redirects::from_export(&one_by_one);
    let mut merges = Vec::new();
    let mut sections = ReportedSections::default();
    let mut times = std::collections::HashMap::new();
    for pair in &plan.pairs {
        let rp = redirects.resolve(&pair.primary);
        let rs = redirects.resolve(&pair.secondary);
        if rp == rs {
            continue;
        }
        let (Some(pi), Some(index)) = (one_by_one.position(&rp), one_by_one.position(&rs)) else {
            continue;
        };
        let (tp, ts) = (times.remove(&*rp), times.remove(&*rs));
        let known = Times {
            primary: tp.as_ref(),
            secondary: ts.as_ref(),
            want: true,
        };
        let merged = crate::merge::merge_contacts_timed(
            Primary::Read(&one_by_one.contacts[pi]),
            &one_by_one.contacts[index],
            known,
            opts,
        );
        if let Ok(mut o) = merged {
            times.insert(rp.to_string(), o.times.take().unwrap_or_default());
            one_by_one.contacts[pi] = o.merged.clone();
            one_by_one.contacts.remove(index);
            redirects.record(&rs, &rp);
            merges.push((rp.into_owned(), rs.into_owned(), index));
            let notable: Vec<_> = o.sections.into_iter().filter(|c| c.notable()).collect();
            sections
                .counts
                .add(&crate::rules::SectionTally::of(&notable));
            if !notable.is_empty() {
                sections.merges.push(PairSections {
                    line: pair.line,
                    primary: pair.primary.clone(),
                    secondary: pair.secondary.clone(),
                    sections: notable,
                });
            }
        }
    }
    (one_by_one, merges, sections)
}

pub(crate) fn contact(v: Value) -> Contact {
    contact_from_value(v).unwrap()
}

pub(crate) fn export(contacts: Vec<Value>) -> Export {
    Export {
        contacts: contacts.into_iter().map(contact).collect(),
        layout: Layout::Json {
            shape: JsonShape::Array,
            pretty: false,
            text: Default::default(),
        },
    }
}

/// A stand-in for the merge engine: keeps the primary, sums `n`, records
/// merged ids, and refuses a secondary with a `refuse` property.
fn fake_merge(_: &Layout, p: Primary<'_>, s: &Contact, _: Times<'_>) -> Result<MergeStep, String> {
    let p = p.contact();
    if let Some(why) = s.prop("refuse") {
        return Err(format!("contact {}: {why}", s.id));
    }
    let mut m = p.clone();
    let mut ids: Vec<&str> = split_multi(p.prop(MERGED_IDS).unwrap_or("")).collect();
    ids.push(&s.id);
    ids.extend(split_multi(s.prop(MERGED_IDS).unwrap_or("")));
    m.set_prop(MERGED_IDS, Some(ids.join(";")));
    let n = |c: &Contact| c.prop("n").map_or(0, |v| v.parse::<i64>().unwrap());
    m.set_prop("n", Some((n(p) + n(s)).to_string()));
    Ok(MergeStep {
        merged: m,
        decisions: vec![json!({"property": "n", "rule": "sum"})],
        warnings: vec![Warning::new(
            WarningKind::SalesforceUnsynced,
            format!("{} absorbed {}", p.id, s.id),
        )],
        sections: Vec::new(),
        section_tally: Default::default(),
        journal: None,
        times: None,
    })
}

pub(crate) fn plan(pairs: &[(&str, &str)]) -> Plan {
    Plan::csv("plan.csv", pairs.iter().copied())
}

fn numbered(n: usize) -> Export {
    export(
        (1..=n)
            .map(|i| json!({"id": i.to_string(), "properties": {"n": "1"}}))
            .collect(),
    )
}

/// The merges `apply_plan` reported: (plan line, primary, secondary,
/// secondary index).
type Seen = Vec<(u64, String, String, usize)>;

fn apply(e: &mut Export, p: &Plan, keep_going: bool) -> (Result<ApplyReport, ApplyError>, Seen) {
    let mut seen = Vec::new();
    let opts = ApplyOptions {
        keep_going,
        max_merges: 3,
    };
    let r = apply_plan_tuned(
        e,
        p,
        &opts,
        &Tuning::small(),
        fake_merge,
        Some(|a: &Applied<'_>| {
            assert_eq!(a.merged.id, a.primary_id);
            assert_eq!(a.secondary.id, a.secondary_id);
            seen.push((
                a.line,
                a.primary_id.to_string(),
                a.secondary_id.to_string(),
                a.secondary_index,
            ));
            Ok(())
        }),
    );
    (r, seen)
}

fn ids_of(e: &Export) -> Vec<&str> {
    e.contacts.iter().map(|c| c.id.as_str()).collect()
}

#[test]
fn pairs_resolve_through_earlier_merges() {
    let mut e = numbered(5);
    // 1 into 2, then 2 into 3, then a pair naming 1 (now 3): 4 into 3.
    let p = plan(&[("2", "1"), ("3", "2"), ("1", "4")]);
    let (r, seen) = apply(&mut e, &p, false);
    let r = r.unwrap();
    assert_eq!(r.applied, 3);
    assert!(r.skipped.is_empty());
    assert_eq!(ids_of(&e), ["3", "5"]);
    assert_eq!(e.contacts[0].prop(MERGED_IDS), Some("2;1;4"));
    assert_eq!(e.contacts[0].prop("n"), Some("4"));
    assert_eq!(
        seen,
        [
            (2, "2".into(), "1".into(), 0),
            (3, "3".into(), "2".into(), 0),
            (4, "3".into(), "4".into(), 1),
        ]
    );
    assert_eq!(r.warnings.len(), 3);
    assert_eq!(r.warnings[2].warning, "3 absorbed 4");
}

/// A bad pair reports its ids as the merges before it resolve them,
/// though the pairs after it that touch other contacts merge first.
#[test]
fn bad_pairs_report_their_ids_as_the_merges_before_them_resolve_them() {
    let mut e = numbered(6);
    let p = plan(&[
        ("1", "2"),
        ("99", "2"), // missing primary; 2 now stands for 1
        ("2", "1"),  // one contact: 1
        ("3", "4"),
        ("4", "99"), // missing secondary; 4 now stands for 3
        ("5", "6"),
    ]);
    let (r, seen) = apply(&mut e, &p, true);
    let report = r.unwrap();
    let resolved: Vec<_> = report
        .skipped
        .iter()
        .map(|b| {
            let id = |r: &Option<String>| r.clone().unwrap_or_default();
            (b.line, id(&b.resolved_primary), id(&b.resolved_secondary))
        })
        .collect();
    let expected = [(3, "", "1"), (4, "1", "1"), (6, "3", "")];
    let expected: Vec<_> = expected
        .iter()
        .map(|&(l, p, s)| (l, p.to_string(), s.to_string()))
        .collect();
    assert_eq!(resolved, expected);
    let lines: Vec<u64> = seen.iter().map(|s| s.0).collect();
    assert_eq!(lines, [2, 5, 7]);
}

#[test]
fn every_bad_pair_is_listed_and_nothing_changes() {
    let mut e = numbered(8);
    e.contacts[5].set_prop(MERGED_IDS, Some("100;101".into()));
    e.contacts[6].set_prop(MERGED_IDS, Some("102".into()));
    e.contacts[7].set_prop("refuse", Some("unknown lifecycle stage 'x'".into()));
    let before = e.clone();
    let p = plan(&[
        ("1", "2"),  // good
        ("1", "99"), // missing secondary
        ("3", "3"),  // same id
        ("2", "1"),  // 2 was merged into 1: same contact
        ("6", "7"),  // 3 merges already: over the limit of 3
        ("1", "8"),  // refused by the rules
        ("4", "5"),  // good
    ]);
    let (r, seen) = apply(&mut e, &p, false);
    let Err(ApplyError::BadPairs { report }) = r else {
        panic!("expected bad pairs, got {r:?}")
    };
    assert_eq!(e, before, "the export is untouched");
    assert_eq!((report.pairs, report.applied), (7, 0));
    let kinds: Vec<(u64, &str)> = report
        .skipped
        .iter()
        .map(|b| (b.line, b.problem.kind()))
        .collect();
    assert_eq!(
        kinds,
        [
            (3, "missing-id"),
            (4, "same-id"),
            (5, "same-contact"),
            (6, "merge-limit"),
            (7, "refused")
        ]
    );
    // Only the merge before the first bad pair was reported.
    assert_eq!(seen.len(), 1);
    let msg = ApplyError::BadPairs {
        report: report.clone(),
    }
    .to_string();
    assert_eq!(
        msg,
        "plan.csv: 5 of 7 pairs cannot be applied, so none was (nothing written); fix or remove them, or pass --keep-going to apply the others:\n  \
         line 3: 1 ← 99: the secondary id 99 is not a contact of the export; check the id or remove the pair\n  \
         line 4: 3 ← 3: names contact 3 on both sides; a contact cannot be merged into itself: remove the pair\n  \
         line 5: 2 ← 1 (now 1 ← 1): both ids resolve to contact 1 through earlier merges (of this plan, or recorded in the export's hs_merged_object_ids), so they are one contact already: remove the pair\n  \
         line 6: 6 ← 7: the two contacts together already took part in 3 merges (hs_merged_object_ids) and the limit given with --max-merges is 3, so the merge is refused; raise it (HubSpot's own limit is 250) to allow it; or remove the pair\n  \
         line 7: 1 ← 8: contact 8: unknown lifecycle stage 'x'"
    );
    let j = serde_json::to_value(&report.skipped[2]).unwrap();
    assert_eq!(
        j,
        json!({"line": 5, "place": "line 5", "primary": "2", "secondary": "1",
               "resolvedPrimary": "1", "resolvedSecondary": "1", "kind": "same-contact",
               "reason": "both ids resolve to contact 1 through earlier merges (of this plan, or recorded in the export's hs_merged_object_ids), so they are one contact already: remove the pair"})
    );
    assert_eq!(report.skipped[0].resolved_secondary, None);
}

#[test]
fn merge_limit_accumulates_through_the_plan() {
    let mut e = numbered(5);
    // 1 absorbs 2, 3, 4: after two merges it holds 2 ids, plus 4's none:
    // the third is at 2 < 3 and goes; the fourth is at 3 and does not.
    let p = plan(&[("1", "2"), ("1", "3"), ("1", "4"), ("1", "5")]);
    let (r, _) = apply(&mut e, &p, true);
    let r = r.unwrap();
    assert_eq!(r.applied, 3);
    assert_eq!(r.skipped.len(), 1);
    assert_eq!(
        r.skipped[0].problem,
        PairProblem::OverLimit { count: 3, max: 3 }
    );
}

#[test]
fn keep_going_applies_the_good_pairs() {
    let mut e = numbered(4);
    let p = plan(&[("1", "2"), ("1", "9"), ("4", "3")]);
    let (r, seen) = apply(&mut e, &p, true);
    let r = r.unwrap();
    assert_eq!((r.pairs, r.applied), (3, 2));
    assert_eq!(r.skipped.len(), 1);
    assert_eq!(r.skipped[0].line, 3);
    assert_eq!(ids_of(&e), ["1", "4"]);
    // 3 stood at index 1 once 2 was gone.
    assert_eq!(seen[1], (4, "4".into(), "3".into(), 1));
    let j = serde_json::to_value(&r).unwrap();
    assert_eq!(j["applied"], 2);
    assert_eq!(j["planFormat"], "csv");
    assert_eq!(j["skipped"][0]["kind"], "missing-id");
}

#[test]
fn ids_merged_before_the_export_redirect() {
    let mut e = numbered(3);
    e.contacts[2].set_prop(MERGED_IDS, Some("77".into()));
    let p = plan(&[("77", "1")]);
    let (r, seen) = apply(&mut e, &p, false);
    assert_eq!(r.unwrap().applied, 1);
    assert_eq!(seen[0].1, "3");
    assert_eq!(ids_of(&e), ["2", "3"]);
}

#[test]
fn export_redirects_skip_live_ids_and_keep_the_first_claim() {
    let mut e = numbered(3);
    e.contacts[1].set_prop(MERGED_IDS, Some("77;1".into()));
    e.contacts[2].set_prop(MERGED_IDS, Some("77;78".into()));
    let mut r = Redirects::from_export(&e);
    assert_eq!(r.resolve("77"), "2");
    assert_eq!(r.resolve("78"), "3");
    assert_eq!(r.resolve("1"), "1");
}

#[test]
fn a_merge_that_changes_the_id_is_refused() {
    let mut e = numbered(2);
    let p = plan(&[("1", "2")]);
    let r = apply_plan(
        &mut e,
        &p,
        &ApplyOptions::default(),
        |_, _, s, _| {
            Ok(MergeStep {
                merged: s.clone(),
                decisions: vec![],
                warnings: vec![],
                sections: vec![],
                section_tally: Default::default(),
                journal: None,
                times: None,
            })
        },
        None::<NoJournal>,
    );
    let Err(ApplyError::BadPairs { report }) = r else {
        panic!()
    };
    assert!(report.skipped[0]
        .problem
        .to_string()
        .contains("bug in the merge rules"));
}

#[test]
fn journal_failure_stops_the_plan() {
    let mut e = numbered(2);
    let p = plan(&[("1", "2")]);
    let r = apply_plan(
        &mut e,
        &p,
        &ApplyOptions::default(),
        fake_merge,
        Some(|_: &Applied<'_>| Err(io::Error::other("disk full"))),
    );
    assert!(matches!(r, Err(ApplyError::Journal(_))));
    assert_eq!(ids_of(&e), ["1", "2"]);
}

/// Three contacts merged into one by every plan shape a cluster takes
/// (one primary absorbing the others in either order, or a chain): each
/// property without a rule of its own ends with the value of the contact
/// that set it last among those that have one, as in HubSpot, whose
/// history keeps each value's time. Before the run kept each value's time
/// ([`crate::dates::ValueTimes`]), a merged contact's values all looked as
/// new as its last-modified date, and the order of the plan decided.
mod chain_order {
    use super::*;
    use proptest::prelude::*;

    const PLANS: &[&str] = &[
        "1,2\n1,3\n",
        "1,3\n1,2\n",
        "2,3\n1,2\n",
        "3,2\n1,3\n",
        "2,1\n2,3\n",
    ];

    fn merged(contacts: &[Value], pairs: &str) -> Contact {
        let mut e = export(contacts.to_vec());
        let text = format!("primary_id,secondary_id\n{pairs}");
        let plan = parse_plan(text.as_bytes(), "plan.csv", Some(PlanFormat::Csv)).unwrap();
        let opts = crate::rules::MergeOptions::default();
        let step = |_: &Layout, p: Primary<'_>, s: &Contact, t: Times<'_>| {
            let o =
                crate::merge::merge_contacts_timed(p, s, t, &opts).map_err(|e| e.to_string())?;
            let (sections, section_tally) = notable_sections(o.sections, false);
            Ok(MergeStep {
                merged: o.merged,
                decisions: Vec::new(),
                warnings: Vec::new(),
                sections,
                section_tally,
                journal: None,
                times: o.times,
            })
        };
        let r = apply_plan(
            &mut e,
            &plan,
            &ApplyOptions::default(),
            step,
            None::<NoJournal>,
        );
        assert_eq!(r.unwrap().applied, 2);
        assert_eq!(e.contacts.len(), 1);
        e.contacts.pop().unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        #[test]
        fn each_property_takes_its_newest_value_whatever_the_plan(
            days in Just((1u32..=9).collect::<Vec<_>>()).prop_shuffle(),
            values in proptest::collection::vec(
                proptest::collection::vec(proptest::option::of("[ab]"), 3), 3),
        ) {
            let contacts: Vec<Value> = (0..3)
                .map(|i| {
                    let mut props = serde_json::Map::new();
                    props.insert("lastmodifieddate".into(), json!(format!("2024-01-0{}", days[i])));
                    for (k, v) in values[i].iter().enumerate() {
                        props.insert(format!("p{k}"), json!(v.clone().unwrap_or_default()));
                    }
                    json!({"id": (i + 1).to_string(), "properties": props})
                })
                .collect();
            let newest = |k: usize| {
                (0..3)
                    .filter(|&i| values[i][k].is_some())
                    .max_by_key(|&i| days[i])
                    .map(|i| values[i][k].clone().unwrap())
            };
            for (k, newest) in (0..3).map(|k| (k, newest(k))) {
                for pairs in PLANS {
                    let m = merged(&contacts, pairs);
                    prop_assert_eq!(
                        m.prop(&format!("p{k}")).map(str::to_string),
                        newest.clone(),
                        "p{} under plan {:?}", k, pairs
                    );
                }
            }
        }
    }
}
