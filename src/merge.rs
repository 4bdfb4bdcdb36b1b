//! Applying the rules: the merged contact, with a decision per property and
//! a report per section (SPEC section 4). The result keeps the primary's id
//! and its place; the same input and options always give the same result.

use serde_json::Value;

use crate::dates::{Millis, SourceOrigin, ValueTimes};
pub use crate::error::MergeError;
use crate::model::{key, Contact, Export, PropName};
use crate::pair;
use crate::rules::{self, Decision, MergeOptions, SectionChange, SectionOutcome, Seen};

/// What a merge gives: the merged contact (P's id), why each property got
/// its value, what happened to each other part, and what the admin should
/// know (Salesforce sync).
#[derive(Debug, Clone)]
pub struct MergeOutcome {
    pub merged: Contact,
    pub decisions: Vec<Decision>,
    pub sections: Vec<SectionChange>,
    pub warnings: Vec<crate::warning::Warning>,
    /// When the merged contact's values were set, where its own dates do
    /// not say (asked for with [`Times::want`]).
    pub times: Option<ValueTimes>,
}

/// What a run knows of when the two contacts' values were set, from
/// merges earlier in it ([`ValueTimes`]), and whether the merged
/// contact's times are wanted (a later pair of the run names it).
#[derive(Debug, Clone, Copy, Default)]
pub struct Times<'a> {
    pub primary: Option<&'a ValueTimes>,
    pub secondary: Option<&'a ValueTimes>,
    pub want: bool,
}

/// Merge the secondary into the primary. Refused: the same contact twice,
/// contacts that together already took part in `opts.max_merges` merges or
/// more, and data a rule cannot use (unknown lifecycle stage, bad date,
/// counter that is not a number).
pub fn merge_contacts(
    primary: &Contact,
    secondary: &Contact,
    opts: &MergeOptions,
) -> Result<MergeOutcome, MergeError> {
    merge_contacts_from(Primary::Read(primary), secondary, opts)
}

/// The primary of a merge, and what the merge may do with it.
pub enum Primary<'a> {
    /// Only read it: the merged contact gets copies of its properties.
    Read(&'a Contact),
    /// The caller drops it after a merge that happens: the merged contact
    /// takes its properties (a merge that is refused leaves it whole).
    Spend(&'a mut Contact),
}

impl Primary<'_> {
    pub fn contact(&self) -> &Contact {
        match self {
            Primary::Read(c) => c,
            Primary::Spend(c) => c,
        }
    }
}

/// The contact is archived: `"archived": true` (or the text `"true"`).
pub fn is_archived(c: &Contact) -> bool {
    pair::archived(c).is_some()
}

/// An archived contact takes part in no merge: HubSpot merges only live
/// records (SPEC section 4).
fn refuse_archived(c: &Contact) -> Result<(), MergeError> {
    match pair::archived(c) {
        Some(value) => Err(MergeError::Archived {
            id: c.id.clone(),
            value: value.to_string(),
        }),
        None => Ok(()),
    }
}

/// [`merge_contacts`], with the primary given as [`Primary`].
pub fn merge_contacts_from(
    primary: Primary<'_>,
    secondary: &Contact,
    opts: &MergeOptions,
) -> Result<MergeOutcome, MergeError> {
    merge_contacts_timed(primary, secondary, Times::default(), opts)
}

/// [`merge_contacts_from`] for a merge in a run, whose earlier merges know
/// when values were set ([`Times`]).
pub fn merge_contacts_timed(
    primary: Primary<'_>,
    secondary: &Contact,
    times: Times<'_>,
    opts: &MergeOptions,
) -> Result<MergeOutcome, MergeError> {
    let (p, s) = (primary.contact(), secondary);
    let _explaining = rules::Explaining::set(opts.explain);
    refuse_pair(p, s, opts)?;

    // P as it is, but for the parts the rules below make anew (its
    // properties come last, once no rule can refuse the merge).
    let mut merged = Contact {
        id: p.id.clone(),
        id_is_number: p.id_is_number,
        properties: Default::default(),
        history: None,
        associations: None,
        sections: p.sections.clone(),
        key_order: p.key_order.clone(),
        v1: p.v1.clone(),
    };
    let (ps, ss) = (
        Seen::timed(p, times.primary),
        Seen::timed(s, times.secondary),
    );
    let (decisions, places) = rules::placed_property_decisions(&ps, &ss, opts)?;

    merged.history = rules::merged_history(p, s)?;
    if let Some(h) = merged.history.as_mut() {
        if let Some(entry) = rules::email_merge_history_entry(p, s, opts.merge_time)? {
            h.entry("email".to_string()).or_default().insert(0, entry);
        }
    }

    let (associations, mut sections) = rules::merged_associations(p, s);
    merged.associations = associations;
    merge_sections(p, s, opts, &mut merged, &mut sections)?;
    crate::format::v1_merge_audit(&mut merged, p, s, opts.merge_time, &mut sections);

    let (salesforce, mut warnings) = rules::salesforce_sync(p, s);
    warnings.extend(rules::opt_outs::dropped_opt_outs(p, s, &decisions));
    sections.extend(salesforce);
    // Each history's newest entry is the current value (SPEC section 4,
    // "Consistency of the merged record"); worked out while P is whole.
    let current_entries = match merged.history.as_ref() {
        Some(h) => rules::current_value_entries(&ps, &ss, h, &decisions, opts.merge_time)?,
        None => Vec::new(),
    };
    let value_times = times.want.then(|| times_given(&ps, &ss, &decisions, opts));
    drop((ps, ss));
    merged.properties = match primary {
        Primary::Read(p) => p.properties.clone(),
        Primary::Spend(p) => std::mem::take(&mut p.properties),
    };
    apply_decisions(&mut merged, &decisions, &places);
    for (prop, entry) in current_entries {
        if let Some(h) = merged.history.as_mut().and_then(|h| h.get_mut(&prop)) {
            h.insert(0, entry);
        }
    }
    // The key order becomes the order the contact is written in, so that a
    // later merge sees the same contact whether this one stays in memory or
    // is written and read back first (a streamed plan keeps merged contacts
    // as JSON). The output does not change.
    if !merged.key_order.is_empty() {
        merged.key_order = merged.written_keys();
    }

    let times = value_times.map(|(t, born)| rules::times::merged_value_times(&merged, t, born));
    Ok(MergeOutcome {
        merged,
        decisions,
        sections,
        warnings,
        times,
    })
}

/// What a merge's contact will tell a later merge of the run of when its
/// values were set: each value's time (only the most recent value reads
/// them) and where its original source came from (read under either
/// policy).
fn times_given(
    ps: &Seen,
    ss: &Seen,
    decisions: &[rules::Decision],
    opts: &MergeOptions,
) -> (Vec<(PropName, Option<Millis>)>, Option<SourceOrigin>) {
    let values = match opts.policy {
        rules::Policy::MostRecent => rules::times::value_times_of(ps, ss, decisions),
        rules::Policy::PrimaryWins => Vec::new(),
    };
    (values, rules::times::source_origin_of(ps, ss, decisions))
}

/// The pairs no merge takes: one contact twice, an archived contact, two
/// contacts at the merge limit.
fn refuse_pair(p: &Contact, s: &Contact, opts: &MergeOptions) -> Result<(), MergeError> {
    if pair::same_id(&p.id, &s.id) {
        return Err(MergeError::SameContact { id: p.id.clone() });
    }
    refuse_archived(p)?;
    refuse_archived(s)?;
    if let Some(count) = pair::over_limit(p, s, opts.max_merges) {
        return Err(MergeError::MergeLimit {
            primary: p.id.clone(),
            secondary: s.id.clone(),
            count,
            limit: opts.max_merges,
        });
    }
    Ok(())
}

/// The sections of the merged contact (timeline, lists, workflows,
/// subscriptions, visits, forms, user tokens, dates, unknown ones), with
/// what happened to each in `changes`.
fn merge_sections(
    p: &Contact,
    s: &Contact,
    opts: &MergeOptions,
    merged: &mut Contact,
    changes: &mut Vec<SectionChange>,
) -> Result<(), MergeError> {
    // Each put as it comes (the rules read only P and S): no array of
    // outcomes moved about.
    let mut put = |k: &str, SectionOutcome { value, change }| {
        put_section(merged, k, value);
        changes.extend(change);
    };
    put(
        key::ENGAGEMENTS,
        rules::combined_timeline(p, s, opts.merge_time)?,
    );
    put(key::LIST_MEMBERSHIPS, rules::primary_list_memberships(p, s));
    put(
        key::WORKFLOWS,
        rules::primary_workflows(p, s, opts.enroll_on_merge),
    );
    put(key::SUBSCRIPTIONS, rules::subscriptions_per_email(p, s));
    put(key::VISITS, rules::all_visits(p, s));
    put(key::FORM_SUBMISSIONS, rules::all_form_submissions(p, s));
    put(key::USERTOKENS, rules::all_usertokens(p, s));
    put_section(merged, key::CREATED_AT, rules::oldest_created_at(p, s)?);
    put_section(merged, key::UPDATED_AT, rules::latest_updated_at(p, s)?);
    changes.extend(rules::primary_unknown_sections(p, s));
    Ok(())
}

/// The decided values onto the merged contact, which holds P's properties
/// in P's order: the `i`th decision is on its property `places[i]` (while
/// there are places; [`rules::placed_property_decisions`]), a property
/// whose name is checked there before it is looked up by name.
fn apply_decisions(merged: &mut Contact, decisions: &[Decision], places: &[usize]) {
    for (i, d) in decisions.iter().enumerate() {
        let placed = places.get(i).copied().filter(|&at| {
            (merged.properties.get_index(at)).is_some_and(|(name, _)| **name == *d.property)
        });
        let slot = match placed {
            Some(at) => merged.properties.get_index_mut(at).map(|(_, slot)| slot),
            None => merged.properties.get_mut(d.property.as_str()),
        };
        match slot {
            // Most properties keep P's value: nothing to copy.
            Some(slot) if *slot == d.merged => {}
            Some(slot) => slot.clone_from(&d.merged),
            None if d.merged.is_some() => merged.set_prop(&d.property, d.merged.clone()),
            None => {}
        }
    }
}

/// Merge in an export: the merged contact takes P's place and S is removed.
/// Ids are taken as they are (a plan follows earlier merges before calling
/// this).
pub fn merge_in_export(
    export: &mut Export,
    primary_id: &str,
    secondary_id: &str,
    opts: &MergeOptions,
) -> Result<MergeOutcome, MergeError> {
    let found = (export.position(primary_id), export.position(secondary_id));
    let missing = |id: &str| MergeError::MissingContact {
        id: id.to_string(),
        merged_into: merged_into(export, id),
    };
    let (pi, si) = pair::both(primary_id, secondary_id, found).map_err(|e| match e {
        pair::IdProblem::Missing(pair::Side::Primary) => missing(primary_id),
        pair::IdProblem::Missing(pair::Side::Secondary) => missing(secondary_id),
        // Ids are unique in an export: one contact is one id.
        pair::IdProblem::SameId | pair::IdProblem::SameContact => MergeError::SameContact {
            id: primary_id.to_string(),
        },
    })?;
    // A copy of a contact another one lists as merged into it: HubSpot,
    // where its id leads to that contact, would refuse the merge.
    for id in [primary_id, secondary_id] {
        let holder = export
            .contacts
            .iter()
            .find(|c| c.id != id && c.lists_merged_id(id));
        if let Some(holder) = holder {
            return Err(MergeError::StaleCopy {
                id: id.to_string(),
                holder: holder.id.clone(),
            });
        }
    }
    let outcome = merge_contacts(&export.contacts[pi], &export.contacts[si], opts)?;
    export.contacts[pi] = outcome.merged.clone();
    export.contacts.remove(si);
    Ok(outcome)
}

/// The contacts of the export that list `id` in their
/// `hs_merged_object_ids` (the first two): where that merged-away id went,
/// or that it is contested.
pub fn merged_into(export: &Export, id: &str) -> Vec<String> {
    let holders = export.contacts.iter().filter(|c| c.lists_merged_id(id));
    holders.take(2).map(|c| c.id.clone()).collect()
}

/// Set (or remove) a section of the merged contact. A contact without a key
/// order (read from CSV) does not gain one, so that it keeps being written
/// in HubSpot's API order.
fn put_section(c: &mut Contact, k: &str, value: Option<Value>) {
    match value {
        Some(v) if c.key_order.is_empty() => {
            c.sections.insert(k.to_string(), v);
        }
        Some(v) => c.set_section(k, v),
        None => {
            c.remove_section(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format;
    use crate::model::Layout;
    use crate::rules::testutil::{api, contact, with_history};
    use serde_json::json;

    /// A primary the merge may spend gives the same merge as one it only
    /// reads; refused, it is left whole.
    #[test]
    fn a_spent_primary_merges_the_same_and_is_left_whole_when_refused() {
        let p = contact(
            "1",
            &[
                ("email", "a@x.com"),
                ("phone", "1"),
                ("lifecyclestage", "lead"),
            ],
        );
        let s = contact(
            "2",
            &[
                ("email", "b@x.com"),
                ("city", "Oslo"),
                ("lifecyclestage", "customer"),
            ],
        );
        let opts = MergeOptions::default();
        let read = merge_contacts(&p, &s, &opts).unwrap();
        let mut spent = p.clone();
        let taken = merge_contacts_from(Primary::Spend(&mut spent), &s, &opts).unwrap();
        assert_eq!(taken.merged, read.merged);
        assert_eq!(taken.decisions, read.decisions);
        assert_eq!(taken.sections, read.sections);
        assert!(
            spent.properties.is_empty(),
            "its properties went to the merge"
        );

        let bad = contact("3", &[("lifecyclestage", "partner")]);
        let mut whole = p.clone();
        assert!(merge_contacts_from(Primary::Spend(&mut whole), &bad, &opts).is_err());
        assert_eq!(whole, p);
    }

    #[test]
    fn parts_gained_are_written_the_same_after_a_write_and_read() {
        // Found by fuzzing (stream): P gains properties, a history or
        // associations from S, then visits from T. Streaming keeps the
        // first result as JSON; the second merge must write its keys in the
        // same order either way.
        let s = r#"{"id":"2","properties":{"email":"b@x.com"},"propertiesWithHistory":{"email":[{"value":"b@x.com","timestamp":"2024-01-01T00:00:00.000Z"}]},"associations":{"deals":["9"]}}"#;
        let t = r#"{"id":"3","properties":{},"visits":[{"timestamp":"2024-02-01T00:00:00.000Z"}]}"#;
        for p in [
            r#"{"id":"1","properties":{"email":"a@x.com"}}"#,
            r#"{"id":"1","usertokens":["u"]}"#,
        ] {
            let lines = format!("{p}\n{s}\n{t}\n");
            let e = format::read_bytes(lines.as_bytes(), format::Format::Ndjson, "t").unwrap();
            let [p, s, t] = [&e.contacts[0], &e.contacts[1], &e.contacts[2]];
            let opts = MergeOptions::default();
            let first = merge_contacts(p, s, &opts).unwrap().merged;
            let value = serde_json::to_value(&first).unwrap();
            let read_back = format::json::contact_from_value(value).unwrap();
            assert_eq!(read_back.key_order, first.key_order);
            let kept = merge_contacts(&first, t, &opts).unwrap().merged;
            let reread = merge_contacts(&read_back, t, &opts).unwrap().merged;
            assert_eq!(
                serde_json::to_string(&kept).unwrap(),
                serde_json::to_string(&reread).unwrap()
            );
        }
    }

    const T: i64 = 1_709_287_200_000; // 2024-03-01T10:00:00Z

    fn opts() -> MergeOptions {
        MergeOptions {
            merge_time: T,
            ..Default::default()
        }
    }

    #[test]
    fn refuses_same_contact_and_missing_ids() {
        let c = contact("1", &[]);
        assert_eq!(
            merge_contacts(&c, &c, &opts()).unwrap_err(),
            MergeError::SameContact { id: "1".into() }
        );
        let mut e = crate::model::Export {
            contacts: vec![contact("1", &[]), contact("2", &[])],
            layout: Layout::Ndjson {
                crlf: false,
                unterminated: None,
            },
        };
        assert_eq!(
            merge_in_export(&mut e, "1", "9", &opts()).unwrap_err(),
            MergeError::MissingContact {
                id: "9".into(),
                merged_into: vec![]
            }
        );
        assert_eq!(
            merge_in_export(&mut e, "8", "2", &opts()).unwrap_err(),
            MergeError::MissingContact {
                id: "8".into(),
                merged_into: vec![]
            }
        );
        assert_eq!(
            merge_in_export(&mut e, "2", "2", &opts()).unwrap_err(),
            MergeError::SameContact { id: "2".into() }
        );
        assert_eq!(e.contacts.len(), 2, "nothing changed");
    }

    /// HubSpot merges only live records: an archived contact on either side
    /// is refused; `"archived": false` (or the text) merges.
    #[test]
    fn refuses_an_archived_contact_on_either_side() {
        let archived = |id: &str, v: serde_json::Value| {
            let mut c = contact(id, &[]);
            c.sections.insert(crate::model::key::ARCHIVED.into(), v);
            c
        };
        let live = contact("1", &[]);
        for v in [json!(true), json!("true"), json!("TRUE")] {
            let a = archived("2", v.clone());
            let want = MergeError::Archived {
                id: "2".into(),
                value: v.to_string(),
            };
            assert_eq!(merge_contacts(&live, &a, &opts()).unwrap_err(), want);
            assert_eq!(merge_contacts(&a, &live, &opts()).unwrap_err(), want);
        }
        let e = merge_contacts(&live, &archived("2", json!(true)), &opts()).unwrap_err();
        assert!(
            e.to_string().contains("HubSpot merges only live records"),
            "{e}"
        );
        for v in [json!(false), json!("false"), json!(null)] {
            assert!(merge_contacts(&live, &archived("2", v), &opts()).is_ok());
        }
    }

    #[test]
    fn refuses_at_the_merge_limit() {
        let ids = |n: usize, base: usize| {
            (0..n)
                .map(|i| (base + i).to_string())
                .collect::<Vec<_>>()
                .join(";")
        };
        let p = contact("1", &[("hs_merged_object_ids", &ids(200, 100))]);
        let s = contact("2", &[("hs_merged_object_ids", &ids(49, 1000))]);
        assert!(
            merge_contacts(&p, &s, &opts()).is_ok(),
            "249 merges: one more is fine"
        );
        let s = contact("2", &[("hs_merged_object_ids", &ids(50, 1000))]);
        let e = merge_contacts(&p, &s, &opts()).unwrap_err();
        assert_eq!(
            e,
            MergeError::MergeLimit {
                primary: "1".into(),
                secondary: "2".into(),
                count: 250,
                limit: 250
            }
        );
        let raised = MergeOptions {
            max_merges: 251,
            ..opts()
        };
        assert!(merge_contacts(&p, &s, &raised).is_ok());
    }

    #[test]
    fn merge_in_export_replaces_primary_in_place_and_removes_secondary() {
        let mut e = crate::model::Export {
            contacts: vec![
                contact("2", &[("email", "b@x.com")]),
                contact("3", &[]),
                contact("1", &[("email", "a@x.com")]),
            ],
            layout: Layout::Ndjson {
                crlf: false,
                unterminated: None,
            },
        };
        let o = merge_in_export(&mut e, "1", "2", &opts()).unwrap();
        let ids: Vec<_> = e.contacts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["3", "1"]);
        assert_eq!(e.contacts[1], o.merged);
        assert_eq!(o.merged.prop("hs_additional_emails"), Some("b@x.com"));
        assert_eq!(o.merged.prop("hs_merged_object_ids"), Some("2"));
    }

    #[test]
    fn csv_contacts_merge_without_gaining_sections() {
        let text =
            "Record ID,Email,Lifecycle Stage,Number of Form Submissions,Associated Deal IDs\n\
                    1,a@x.com,Lead,2,d1\n\
                    2,b@x.com,Marketing Qualified Lead,3,d2;d1\n";
        let mut e = format::csv::read(text.as_bytes(), "t.csv").unwrap();
        merge_in_export(&mut e, "1", "2", &opts()).unwrap();
        let mut out = Vec::new();
        format::csv::write(&e, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Record ID,Email,Lifecycle Stage,Number of Form Submissions,Associated Deal IDs,Additional email addresses,Merged object IDs\n\
             1,a@x.com,Marketing Qualified Lead,5,d1;d2,b@x.com,2\n"
        );
        assert!(e.contacts[0].sections.is_empty() && e.contacts[0].key_order.is_empty());
    }

    #[test]
    fn json_contacts_merge_every_part() {
        let text = r#"[
          {"id":"1","properties":{"email":"a@x.com","firstname":"Ann","lastmodifieddate":"2024-01-01T00:00:00.000Z","salesforcecontactid":"003P"},
           "propertiesWithHistory":{"email":[{"value":"a@x.com","timestamp":"2020-01-01T00:00:00.000Z","sourceType":"CRM_UI"}]},
           "createdAt":"2020-01-01T00:00:00.000Z",
           "associations":{"companies":["c1"],"deals":["d1"]},
           "engagements":[{"id":"e1","type":"NOTE","timestamp":1600000000000}],
           "usertokens":["u1"]},
          {"id":"2","properties":{"email":"b@x.com","firstname":"Anna","lastmodifieddate":"2024-02-01T00:00:00.000Z","salesforcecontactid":"003S"},
           "propertiesWithHistory":{"email":[{"value":"b@x.com","timestamp":"2023-01-01T00:00:00.000Z","sourceType":"FORM"}]},
           "createdAt":"2019-01-01T00:00:00.000Z",
           "associations":{"companies":["c2"],"deals":["d2"]},
           "engagements":[{"id":"e2","type":"CALL","timestamp":1500000000000}],
           "usertokens":["u2"],
           "listMemberships":[{"listId":"5","type":"STATIC"}]}
        ]"#;
        let mut e = format::json::read(text.as_bytes(), "t.json").unwrap();
        let o = merge_in_export(&mut e, "1", "2", &opts()).unwrap();
        let m = &o.merged;
        assert_eq!(m.prop("firstname"), Some("Anna"));
        assert_eq!(m.prop("email"), Some("a@x.com"));
        assert_eq!(m.prop("salesforcecontactid"), Some("003P"));
        let email_history: Vec<_> = m
            .history_of("email")
            .iter()
            .map(|h| h.source_type())
            .collect();
        assert_eq!(
            email_history,
            [Some("MERGE_CONTACTS"), Some("FORM"), Some("CRM_UI")]
        );
        assert_eq!(
            m.section(key::CREATED_AT),
            Some(&json!("2019-01-01T00:00:00.000Z"))
        );
        let deals: Vec<_> = m.assoc("deals").unwrap().ids().collect();
        assert_eq!(deals, ["d1", "d2"]);
        let companies: Vec<_> = m.assoc("companies").unwrap().ids().collect();
        assert_eq!(companies, ["c1"]);
        assert_eq!(
            m.section(key::ENGAGEMENTS),
            Some(&json!([
                {"id":"e2","type":"CALL","timestamp":1500000000000_i64},
                {"id":"e1","type":"NOTE","timestamp":1600000000000_i64},
                {"type":"MERGE","timestamp":T,"secondaryId":"2"}
            ]))
        );
        assert_eq!(m.section(key::USERTOKENS), Some(&json!(["u1", "u2"])));
        assert_eq!(m.section(key::LIST_MEMBERSHIPS), None, "P had no lists");
        let sections: Vec<_> = o.sections.iter().map(|c| c.section.as_str()).collect();
        assert_eq!(
            sections,
            [
                "companies",
                "deals",
                "engagements",
                "listMemberships",
                "usertokens",
                "salesforce"
            ]
        );
        assert_eq!(o.warnings.len(), 1);
        // The merged contact is written in P's key order, new parts last.
        let mut out = Vec::new();
        format::json::write(&e, &mut out).unwrap();
        let written: Value = serde_json::from_slice(&out).unwrap();
        let keys: Vec<_> = written[0].as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "id",
                "properties",
                "propertiesWithHistory",
                "createdAt",
                "associations",
                "engagements",
                "usertokens"
            ]
        );
    }

    #[test]
    fn history_gained_from_secondary_only() {
        let p = api(contact("1", &[("phone", "1")]));
        let s = with_history(
            api(contact("2", &[("phone", "2")])),
            "phone",
            &[("2", "2024-01-01")],
        );
        let o = merge_contacts(&p, &s, &opts()).unwrap();
        assert_eq!(o.merged.prop("phone"), Some("2"));
        assert_eq!(o.merged.history_of("phone").len(), 1);
    }

    #[test]
    fn rule_errors_refuse_the_merge() {
        let p = contact("1", &[("lifecyclestage", "partner")]);
        let s = contact("2", &[]);
        assert!(matches!(
            merge_contacts(&p, &s, &opts()),
            Err(MergeError::UnknownStage { .. })
        ));
    }

    #[test]
    fn same_input_same_result() {
        let p = api(contact("1", &[("email", "a@x.com"), ("city", "A")]));
        let s = api(contact("2", &[("email", "b@x.com"), ("city", "B")]));
        let a = merge_contacts(&p, &s, &opts()).unwrap();
        let b = merge_contacts(&p, &s, &opts()).unwrap();
        assert_eq!(a.merged, b.merged);
        assert_eq!(a.decisions, b.decisions);
        assert_eq!(a.sections, b.sections);
    }
}
