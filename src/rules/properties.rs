//! The property rules of SPEC section 4: the default (most recent value, or
//! the primary's under `--policy primary-wins`) and its exceptions. Every
//! exception applies under both policies.
//!
//! Throughout: an empty or missing value never replaces a value, except
//! where a rule keeps the primary's values as they are (email information)
//! or makes related values travel together (original source, first/last
//! visit details). Ties go to the primary. A value is written as it stood
//! on the side that won, so labels, date forms and number spellings are kept.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::Hash;

use super::history::newest_entry_time;
use super::{raw, Decision, MergeOptions, Policy, Side};
use crate::dates::{created_time, format_date, parse_millis, value_time, DateForm, Millis};
use crate::error::MergeError;
use crate::labels;
use crate::model::{split_multi, Contact};

pub use crate::hubspot::property::{
    ADDITIONAL_EMAILS, CREATE_DATE, EMAIL, FIRST_VISIT_DETAILS, FIRST_VISIT_TIMES, LAST_MODIFIED,
    LAST_VISIT_DETAILS, LAST_VISIT_TIMES, LEGAL_BASIS, LIFECYCLE_STAGE, MARKETABLE_STATUS,
    MERGED_OBJECT_IDS, OBJECT_ID, ORIGINAL_SOURCE, SALESFORCE_ID,
};

/// Counters that are summed (rule "sum"): the ones `check` checks too.
pub use crate::props::SUMMED_COUNTERS as SUMMED;

/// Email information properties: `hs_email_*` (opt-outs `hs_email_optout*`
/// included) and `hs_emailconfirmationstatus`.
pub fn is_email_information(prop: &str) -> bool {
    prop.starts_with("hs_email_") || prop == "hs_emailconfirmationstatus"
}

/// Every property decision of a merge, in the merged contact's property
/// order: P's properties, then those only S has, then properties the merge
/// creates (`hs_additional_emails`, `hs_merged_object_ids`).
pub fn property_decisions(
    p: &Contact,
    s: &Contact,
    opts: &MergeOptions,
) -> Result<Vec<Decision>, MergeError> {
    let either = |prop: &str| on_either(p, s, prop);
    // Taken out in P's then S's property order; what is left (properties
    // neither had) follows in the order the rules gave them. A dozen or so:
    // a list searched in place costs less than a map keyed by copies of
    // their names.
    let mut special: Vec<Option<Decision>> = Vec::with_capacity(24);
    let mut add = |d: Decision| match special
        .iter_mut()
        .find(|slot| slot.as_ref().is_some_and(|s| s.property == d.property))
    {
        Some(slot) => *slot = Some(d),
        None => special.push(Some(d)),
    };
    primary_email_and_additional_emails(p, s)
        .into_iter()
        .for_each(&mut add);
    if either(LIFECYCLE_STAGE) {
        add(furthest_lifecycle_stage(p, s, &opts.lifecycle_order)?);
    }
    if either(CREATE_DATE) {
        add(oldest_create_date(p, s)?);
    }
    if either(LAST_MODIFIED) {
        add(latest_last_modified(p, s)?);
    }
    for prop in SUMMED {
        if either(prop) {
            add(summed_counter(p, s, prop)?);
        }
    }
    if either(MARKETABLE_STATUS) {
        add(most_marketable_status(p, s)?);
    }
    earliest_first_visit(p, s, opts.policy)?
        .into_iter()
        .for_each(&mut add);
    latest_last_visit(p, s, opts.policy)?
        .into_iter()
        .for_each(&mut add);
    oldest_original_source(p, s)?.into_iter().for_each(&mut add);
    if either(LEGAL_BASIS) {
        add(legal_basis_union(p, s));
    }
    if either(OBJECT_ID) {
        add(primary_object_id(p, s));
    }
    add(merged_object_ids(p, s));
    if either(SALESFORCE_ID) {
        add(primary_salesforce_id(p, s));
    }

    // Each name with P's stored value, when P has the property.
    let names = p.properties.iter().map(|(k, v)| (k, Some(v))).chain(
        s.properties
            .keys()
            .filter(|k| !p.properties.contains_key(*k))
            .map(|k| (k, None)),
    );
    let mut out = Vec::with_capacity(p.properties.len() + 2);
    for (name, stored) in names {
        let taken = special
            .iter_mut()
            .find(|slot| slot.as_ref().is_some_and(|d| d.property == *name))
            .and_then(Option::take);
        out.push(match taken {
            Some(d) => d,
            None if !opts.explain && stored.is_some_and(|v| keeps_stored_value(v, s, name)) => {
                continue
            }
            None if is_email_information(name) => primary_email_information(p, s, name),
            None => default_value(p, s, name, opts.policy)?,
        });
    }
    out.extend(special.into_iter().flatten());
    if opts.explain {
        for d in &mut out {
            d.primary = raw(p, &d.property);
            d.secondary = raw(s, &d.property);
        }
    }
    Ok(out)
}

/// A property P has (`stored`: its value), for which S has no value or the
/// same one, keeps P's value under every policy (and for email
/// information): the merge need not decide it when nobody reads the
/// decision.
fn keeps_stored_value(stored: &Option<String>, s: &Contact, prop: &str) -> bool {
    match s.prop(prop) {
        None => true,
        theirs => theirs == stored.as_deref(),
    }
}

/// The default rule for a property without one of its own, by policy.
pub fn default_value(
    p: &Contact,
    s: &Contact,
    prop: &str,
    policy: Policy,
) -> Result<Decision, MergeError> {
    match policy {
        Policy::MostRecent => most_recent_value(p, s, prop),
        Policy::PrimaryWins => Ok(primary_wins_value(p, s, prop)),
    }
}

/// Rule "most-recent": the most recent non-empty value, by when each value
/// was set ([`value_time`]; a contact with no date is older than any that
/// has one). Ties go to P. Times are only looked at (and bad dates only
/// refused) when both contacts have different values.
pub fn most_recent_value(p: &Contact, s: &Contact, prop: &str) -> Result<Decision, MergeError> {
    const RULE: &str = "most-recent";
    let take = |side, why: Cow<'static, str>| Decision::take(prop, p, s, side, RULE, why);
    Ok(match (p.prop(prop), s.prop(prop)) {
        (None, None) => take(Side::Primary, "neither contact has a value".into()),
        (Some(_), None) => take(Side::Primary, "the secondary has no value".into()),
        (None, Some(_)) => take(Side::Secondary, "only the secondary has a value".into()),
        (Some(a), Some(b)) if a == b => take(Side::Primary, "both contacts have this value".into()),
        (Some(_), Some(_)) => {
            let tp = value_time(p, prop)?;
            let ts = value_time(s, prop)?;
            if ts > tp {
                take(
                    Side::Secondary,
                    why!(
                        "the secondary's value is more recent (set {}, the primary's {})",
                        when(ts),
                        when(tp)
                    ),
                )
            } else if ts == tp {
                take(
                    Side::Primary,
                    why!(
                        "both values were set at the same time ({}); the primary's is kept",
                        when(tp)
                    ),
                )
            } else {
                take(
                    Side::Primary,
                    why!(
                        "the primary's value is more recent (set {}, the secondary's {})",
                        when(tp),
                        when(ts)
                    ),
                )
            }
        }
    })
}

/// Rule "primary-wins": P's value; S's only where P's is empty.
pub fn primary_wins_value(p: &Contact, s: &Contact, prop: &str) -> Decision {
    const RULE: &str = "primary-wins";
    let take = |side, why: &'static str| Decision::take(prop, p, s, side, RULE, why);
    match (p.prop(prop), s.prop(prop)) {
        (Some(_), _) => take(Side::Primary, "the primary's value is kept"),
        (None, Some(_)) => take(
            Side::Secondary,
            "the primary has no value, so the secondary's is taken",
        ),
        (None, None) => take(Side::Primary, "neither contact has a value"),
    }
}

/// Rules "email-primary" (`email`) and "additional-emails"
/// (`hs_additional_emails`): P's email stays the primary email; when P has
/// none, S's becomes it. S's email and S's additional emails are appended
/// to P's additional emails, `;`-separated, P's order first, no duplicates
/// (case-insensitive), never the primary email itself. Decisions are made
/// for the properties either contact has, and for `hs_additional_emails`
/// when it gains emails.
pub fn primary_email_and_additional_emails(p: &Contact, s: &Contact) -> Vec<Decision> {
    let mut out = Vec::new();
    let (pe, se) = (trimmed(p, EMAIL), trimmed(s, EMAIL));
    if on_either(p, s, EMAIL) {
        let take =
            |side, why: &'static str| Decision::take(EMAIL, p, s, side, "email-primary", why);
        out.push(match (pe, se) {
            (Some(_), _) => take(Side::Primary, "the primary's email stays the primary email"),
            (None, Some(_)) => take(
                Side::Secondary,
                "the primary has no email, so the secondary's becomes the primary email",
            ),
            (None, None) => take(Side::Primary, "neither contact has an email"),
        });
    }
    // The emails met so far, lower-cased: a set, so that a contact with
    // tens of thousands of emails merges in linear time.
    let (p_cell, s_cell) = (
        p.prop(ADDITIONAL_EMAILS).unwrap_or(""),
        s.prop(ADDITIONAL_EMAILS).unwrap_or(""),
    );
    let room = values_in([p_cell, s_cell]) + 2;
    let mut seen: HashSet<String> = HashSet::with_capacity(room);
    seen.extend(pe.or(se).map(str::to_lowercase));
    let mut list: Vec<&str> = Vec::with_capacity(room);
    for e in split_multi(p_cell) {
        if seen.insert(e.to_lowercase()) {
            list.push(e);
        }
    }
    // The list's first `from_p` are P's; every one after is S's and new
    // (no spelling of P's, in any case, is among them).
    let from_p = list.len();
    for e in se.into_iter().chain(split_multi(s_cell)) {
        if seen.insert(e.to_lowercase()) {
            list.push(e);
        }
    }
    if on_either(p, s, ADDITIONAL_EMAILS) || !list.is_empty() {
        const RULE: &str = "additional-emails";
        out.push(if list.is_empty() {
            // Nothing to list; a cell holding only the primary email is
            // emptied, an empty one stays as it was.
            let merged = match raw(p, ADDITIONAL_EMAILS) {
                Some(v) if !v.trim().is_empty() => Some(String::new()),
                other => other,
            };
            Decision::new(ADDITIONAL_EMAILS, merged, RULE, "no additional emails")
        } else {
            let added = &list[from_p..];
            let why: Cow<'static, str> = if added.is_empty() {
                "the secondary brings no new emails".into()
            } else {
                why!("the secondary's emails are added: {}", added.join(", "))
            };
            Decision::new(ADDITIONAL_EMAILS, Some(list.join(";")), RULE, why)
        });
    }
    out
}

/// Rule "lifecycle-furthest": the stage furthest down the funnel in
/// `order` (internal values, lowest first). Stages compare by label or
/// internal value, case-insensitively; the winner is written as it was
/// written on its side. Every non-empty stage of either contact must be in
/// the order (even one that would not need comparing), else
/// [`MergeError::UnknownStage`]: a stage is never guessed.
pub fn furthest_lifecycle_stage(
    p: &Contact,
    s: &Contact,
    order: &[String],
) -> Result<Decision, MergeError> {
    const RULE: &str = "lifecycle-furthest";
    let rank = |c: &Contact| -> Result<Option<usize>, MergeError> {
        let Some(v) = trimmed(c, LIFECYCLE_STAGE) else {
            return Ok(None);
        };
        let k = labels::stage_key(v);
        match order.iter().position(|o| *o == k) {
            Some(i) => Ok(Some(i)),
            None => Err(MergeError::UnknownStage {
                record: c.id.clone(),
                property: LIFECYCLE_STAGE.into(),
                value: v.to_string(),
                known: order.to_vec(),
            }),
        }
    };
    let (rp, rs) = (rank(p)?, rank(s)?);
    let take =
        |side, why: Cow<'static, str>| Decision::take(LIFECYCLE_STAGE, p, s, side, RULE, why);
    Ok(match (rp, rs) {
        (None, None) => take(
            Side::Primary,
            "neither contact has a lifecycle stage".into(),
        ),
        (Some(_), None) => take(Side::Primary, "the secondary has no lifecycle stage".into()),
        (None, Some(_)) => take(
            Side::Secondary,
            "only the secondary has a lifecycle stage".into(),
        ),
        (Some(a), Some(b)) if b > a => take(
            Side::Secondary,
            why!(
                "the secondary's stage {} is further down the funnel than {}",
                order[b],
                order[a]
            ),
        ),
        (Some(a), Some(b)) if a > b => take(
            Side::Primary,
            why!(
                "the primary's stage {} is further down the funnel than {}",
                order[a],
                order[b]
            ),
        ),
        (Some(a), Some(_)) => take(
            Side::Primary,
            why!("both contacts are at stage {}", order[a]),
        ),
    })
}

/// Rule "createdate-oldest": the oldest create date (any date form; the
/// winner's text is kept).
pub fn oldest_create_date(p: &Contact, s: &Contact) -> Result<Decision, MergeError> {
    let (side, why) = pick_date(p, s, CREATE_DATE, Pick::Earliest)?;
    Ok(Decision::take(
        CREATE_DATE,
        p,
        s,
        side,
        "createdate-oldest",
        why,
    ))
}

/// Rule "lastmodified-latest" (a decision of ours; the spec is silent):
/// `lastmodifieddate` takes the latest of both, so the merged contact is as
/// recent as its newest part. It is not set to the merge time, which keeps
/// the result independent of when the merge ran beyond the merge's own
/// marks (timeline event, email history entry).
pub fn latest_last_modified(p: &Contact, s: &Contact) -> Result<Decision, MergeError> {
    let (side, why) = pick_date(p, s, LAST_MODIFIED, Pick::Latest)?;
    Ok(Decision::take(
        LAST_MODIFIED,
        p,
        s,
        side,
        "lastmodified-latest",
        why,
    ))
}

/// Rule "sum": the sum of both counts; an empty side counts 0, and when
/// both are empty the result stays empty (as P had it).
///
/// Counters are whole numbers ≥ 0: `3`, and also `3.0` / `3.00` (a number
/// property can be written with a zero fraction); anything else is
/// [`MergeError::NotANumber`], and a sum too large for 64 bits is
/// [`MergeError::CounterOverflow`] (refused, never wrapped). A sum is
/// written as a plain integer (`3.0` + `2` = `5`); when only one side has a
/// count its text is kept as it was.
pub fn summed_counter(p: &Contact, s: &Contact, prop: &str) -> Result<Decision, MergeError> {
    const RULE: &str = "sum";
    let (a, b) = (counter(p, prop)?, counter(s, prop)?);
    let take = |side, why: &'static str| Decision::take(prop, p, s, side, RULE, why);
    Ok(match (a, b) {
        (None, None) => take(Side::Primary, "neither contact has a count"),
        (Some(_), None) => take(
            Side::Primary,
            "the sum of both; the secondary has no count (counts as 0)",
        ),
        (None, Some(_)) => take(
            Side::Secondary,
            "the sum of both; the primary has no count (counts as 0)",
        ),
        (Some(x), Some(y)) => {
            let sum = x
                .checked_add(y)
                .ok_or_else(|| MergeError::CounterOverflow {
                    primary: p.id.clone(),
                    secondary: s.id.clone(),
                    property: prop.into(),
                    primary_value: x.to_string(),
                    secondary_value: y.to_string(),
                })?;
            Decision::new(
                prop,
                Some(sum.to_string()),
                RULE,
                why!("the sum of both: {x} + {y}"),
            )
        }
    })
}

/// Rule "marketable-most": a marketing contact (`true` / "Marketing
/// contact") beats a non-marketing one; the winner's text is kept. A value
/// that is neither is [`MergeError::NotABoolean`].
pub fn most_marketable_status(p: &Contact, s: &Contact) -> Result<Decision, MergeError> {
    const RULE: &str = "marketable-most";
    let status = |c: &Contact| -> Result<Option<bool>, MergeError> {
        match trimmed(c, MARKETABLE_STATUS) {
            None => Ok(None),
            Some(v) => labels::marketable(v)
                .map(Some)
                .ok_or_else(|| MergeError::NotABoolean {
                    record: c.id.clone(),
                    property: MARKETABLE_STATUS.into(),
                    value: v.into(),
                }),
        }
    };
    let (a, b) = (status(p)?, status(s)?);
    let take = |side, why: &'static str| Decision::take(MARKETABLE_STATUS, p, s, side, RULE, why);
    Ok(match (a, b) {
        (Some(false) | None, Some(true)) => take(
            Side::Secondary,
            "the secondary is a marketing contact, the most marketable status",
        ),
        (None, Some(false)) => take(Side::Secondary, "only the secondary has a status"),
        (Some(true), _) => take(
            Side::Primary,
            "the primary is a marketing contact, the most marketable status",
        ),
        (Some(false), _) => take(Side::Primary, "neither contact is a marketing contact"),
        (None, None) => take(Side::Primary, "neither contact has a status"),
    })
}

/// Rule "first-visit-earliest": `hs_analytics_first_timestamp` and
/// `hs_analytics_first_visit_timestamp` take the earliest; the first URL
/// and referrer follow the contact whose first visit is taken (decided by
/// the first of those two times either contact has), even when that
/// contact's URL is empty: they describe that visit. With no first-visit
/// time on either contact they take the policy's default rule.
pub fn earliest_first_visit(
    p: &Contact,
    s: &Contact,
    policy: Policy,
) -> Result<Vec<Decision>, MergeError> {
    visit_group(
        p,
        s,
        &FIRST_VISIT_TIMES,
        &FIRST_VISIT_DETAILS,
        Pick::Earliest,
        "first-visit-earliest",
        policy,
    )
}

/// Rule "last-visit-latest": as [`earliest_first_visit`], for the latest
/// last-seen / last-visit times, the last URL and the last referrer.
pub fn latest_last_visit(
    p: &Contact,
    s: &Contact,
    policy: Policy,
) -> Result<Vec<Decision>, MergeError> {
    visit_group(
        p,
        s,
        &LAST_VISIT_TIMES,
        &LAST_VISIT_DETAILS,
        Pick::Latest,
        "last-visit-latest",
        policy,
    )
}

fn visit_group(
    p: &Contact,
    s: &Contact,
    times: &[&str],
    details: &[&str],
    pick: Pick,
    rule: &'static str,
    policy: Policy,
) -> Result<Vec<Decision>, MergeError> {
    let mut out = Vec::new();
    let mut driver: Option<(Side, &str)> = None;
    for &t in times.iter().filter(|t| on_either(p, s, t)) {
        let (side, why) = pick_date(p, s, t, pick)?;
        out.push(Decision::take(t, p, s, side, rule, why));
        if driver.is_none() && (p.prop(t).is_some() || s.prop(t).is_some()) {
            driver = Some((side, t));
        }
    }
    for &d in details.iter().filter(|d| on_either(p, s, d)) {
        out.push(match driver {
            Some((side, t)) => Decision::new(
                d,
                raw(side.pick(p, s), d),
                rule,
                why!("follows the visit it describes: the {}'s {t}", side.name()),
            ),
            None => default_value(p, s, d, policy)?,
        });
    }
    Ok(out)
}

/// Rule "original-source-oldest": the original source of the contact whose
/// source is oldest, the drill-downs travelling with it (never mixed, even
/// where the winner's drill-down is empty). "Oldest": by the time the source
/// was set in each contact's history when both have history for it, else
/// the contact created first. A side without a source loses to one with a
/// source; when the times are unknown, or equal, P's source is kept.
pub fn oldest_original_source(p: &Contact, s: &Contact) -> Result<Vec<Decision>, MergeError> {
    const RULE: &str = "original-source-oldest";
    if !ORIGINAL_SOURCE.iter().any(|prop| on_either(p, s, prop)) {
        return Ok(Vec::new());
    }
    let src = ORIGINAL_SOURCE[0];
    let (side, why): (Side, Cow<'static, str>) = match (p.prop(src), s.prop(src)) {
        (None, None) => (
            Side::Primary,
            "neither contact has an original source".into(),
        ),
        (Some(_), None) => (Side::Primary, "the secondary has no original source".into()),
        (None, Some(_)) => (
            Side::Secondary,
            "only the secondary has an original source".into(),
        ),
        (Some(_), Some(_)) => {
            let (hp, hs) = (newest_entry_time(p, src)?, newest_entry_time(s, src)?);
            if let (Some(a), Some(b)) = (hp, hs) {
                older_side(a, b, "was set")
            } else {
                match (created_time(p)?, created_time(s)?) {
                    (Some(a), Some(b)) => older_side(a, b, "came with a contact created"),
                    _ => (
                        Side::Primary,
                        "it is not known which contact was created first; the primary's source is kept".into(),
                    ),
                }
            }
        }
    };
    Ok(ORIGINAL_SOURCE
        .iter()
        .filter(|prop| on_either(p, s, prop))
        .map(|prop| {
            Decision::new(
                prop,
                raw(side.pick(p, s), prop),
                RULE,
                why!("{why} (source and drill-downs travel together)"),
            )
        })
        .collect())
}

fn older_side(tp: Millis, ts: Millis, what: &str) -> (Side, Cow<'static, str>) {
    if ts < tp {
        (
            Side::Secondary,
            why!(
                "the secondary's source is older: it {what} {}, the primary's {}",
                when(Some(ts)),
                when(Some(tp))
            ),
        )
    } else {
        (
            Side::Primary,
            why!(
                "the primary's source is older or as old: it {what} {}, the secondary's {}",
                when(Some(tp)),
                when(Some(ts))
            ),
        )
    }
}

/// Rule "email-info-primary": P's value as it is, even when empty (S's is
/// not taken, not even where P has none).
pub fn primary_email_information(p: &Contact, _s: &Contact, prop: &str) -> Decision {
    Decision::new(
        prop,
        raw(p, prop),
        "email-info-primary",
        "email information stays the primary's, even when empty",
    )
}

/// Rule "legal-basis-union": the legal bases of both, `;`-separated, P's
/// first, no duplicates (case-insensitive).
pub fn legal_basis_union(p: &Contact, s: &Contact) -> Decision {
    const RULE: &str = "legal-basis-union";
    let list = union_multi(&[p.prop(LEGAL_BASIS), s.prop(LEGAL_BASIS)], |v| {
        v.to_lowercase()
    });
    if list.is_empty() {
        return Decision::take(
            LEGAL_BASIS,
            p,
            s,
            Side::Primary,
            RULE,
            "neither contact has a legal basis",
        );
    }
    Decision::new(
        LEGAL_BASIS,
        Some(list.join(";")),
        RULE,
        "the legal bases of both contacts are kept",
    )
}

/// Rule "object-id-primary": P's record id.
pub fn primary_object_id(p: &Contact, _s: &Contact) -> Decision {
    let merged = p.prop(OBJECT_ID).unwrap_or(&p.id).to_string();
    Decision::new(
        OBJECT_ID,
        Some(merged),
        "object-id-primary",
        "the merged contact keeps the primary's record id",
    )
}

/// Rule "merged-ids": P's merged ids, then S's id, then S's own merged ids,
/// `;`-separated, no duplicates (never P's own id).
pub fn merged_object_ids(p: &Contact, s: &Contact) -> Decision {
    let mut list = union_multi(
        &[
            p.prop(MERGED_OBJECT_IDS),
            Some(s.id.as_str()),
            s.prop(MERGED_OBJECT_IDS),
        ],
        |id| id,
    );
    list.retain(|id| *id != p.id);
    Decision::new(
        MERGED_OBJECT_IDS,
        Some(list.join(";")),
        "merged-ids",
        why!(
            "the secondary's id {} and the ids it had absorbed are added",
            s.id
        ),
    )
}

/// How many merges P and S together already took part in: the distinct ids
/// in their `hs_merged_object_ids`.
pub fn merge_count(p: &Contact, s: &Contact) -> usize {
    union_multi(
        &[p.prop(MERGED_OBJECT_IDS), s.prop(MERGED_OBJECT_IDS)],
        |id| id,
    )
    .len()
}

/// Rule "salesforce-primary": only P keeps syncing, so the merged contact
/// keeps P's Salesforce id (S's is not taken, even where P has none); the
/// sync report is [`super::salesforce_sync`].
pub fn primary_salesforce_id(p: &Contact, _s: &Contact) -> Decision {
    Decision::new(
        SALESFORCE_ID,
        raw(p, SALESFORCE_ID),
        "salesforce-primary",
        "only the primary keeps syncing with Salesforce",
    )
}

// ---- helpers ----

/// Whether either contact has the property (even empty).
pub(crate) fn on_either(p: &Contact, s: &Contact, prop: &str) -> bool {
    p.properties.contains_key(prop) || s.properties.contains_key(prop)
}

/// The property's value, trimmed, when not blank.
fn trimmed<'a>(c: &'a Contact, prop: &str) -> Option<&'a str> {
    c.prop(prop).map(str::trim).filter(|v| !v.is_empty())
}

fn counter(c: &Contact, prop: &str) -> Result<Option<u64>, MergeError> {
    match trimmed(c, prop) {
        None => Ok(None),
        Some(v) => crate::props::parse_counter(v)
            .map(Some)
            .map_err(|_| MergeError::NotANumber {
                record: c.id.clone(),
                property: prop.into(),
                value: v.into(),
            }),
    }
}

/// The `;`-separated values of several cells, in order, without duplicates
/// by `key` (the first of each key stays). One set lookup per value, so
/// that cells of tens of thousands of values (merged ids after thousands
/// of merges) take linear time.
fn union_multi<'a, K: Hash + Eq>(
    cells: &[Option<&'a str>],
    mut key: impl FnMut(&'a str) -> K,
) -> Vec<&'a str> {
    let mut seen: HashSet<K> = HashSet::with_capacity(values_in(cells.iter().flatten().copied()));
    cells
        .iter()
        .flatten()
        .flat_map(|c| split_multi(c))
        .filter(|v| seen.insert(key(v)))
        .collect()
}

/// At most how many values `;`-separated cells hold (room for a set of
/// them).
fn values_in<'a>(cells: impl IntoIterator<Item = &'a str>) -> usize {
    cells
        .into_iter()
        .map(|c| c.bytes().filter(|&b| b == b';').count() + 1)
        .sum()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pick {
    Earliest,
    Latest,
}

/// A date property's value, parsed.
fn date_of(c: &Contact, prop: &str) -> Result<Option<Millis>, MergeError> {
    match trimmed(c, prop) {
        None => Ok(None),
        Some(v) => parse_millis(v).map(Some).map_err(|e| MergeError::BadDate {
            record: c.id.clone(),
            property: prop.into(),
            value: e.value,
        }),
    }
}

/// Which side's date wins: the earliest or latest value; a side without a
/// value loses; ties go to P.
fn pick_date(
    p: &Contact,
    s: &Contact,
    prop: &str,
    pick: Pick,
) -> Result<(Side, Cow<'static, str>), MergeError> {
    let (a, b) = (date_of(p, prop)?, date_of(s, prop)?);
    let word = match pick {
        Pick::Earliest => "earlier",
        Pick::Latest => "later",
    };
    Ok(match (a, b) {
        (None, None) => (Side::Primary, "neither contact has a value".into()),
        (Some(_), None) => (Side::Primary, "the secondary has no value".into()),
        (None, Some(_)) => (Side::Secondary, "only the secondary has a value".into()),
        (Some(tp), Some(ts)) if tp == ts => (
            Side::Primary,
            "both are the same time; the primary's is kept".into(),
        ),
        (Some(tp), Some(ts)) => {
            let s_wins = match pick {
                Pick::Earliest => ts < tp,
                Pick::Latest => ts > tp,
            };
            let (side, win, lose) = if s_wins {
                (Side::Secondary, ts, tp)
            } else {
                (Side::Primary, tp, ts)
            };
            (
                side,
                why!(
                    "the {}'s {} is {word} than {}",
                    side.name(),
                    when(Some(win)),
                    when(Some(lose))
                ),
            )
        }
    })
}

/// A time for a sentence.
fn when(t: Option<Millis>) -> String {
    t.map_or_else(
        || "at no known time".into(),
        |ms| format_date(ms, DateForm::Iso),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testutil::{contact, with_history};

    fn merged(d: &Decision) -> Option<&str> {
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
        let d = most_recent_value(&p, &s, "phone").unwrap();
        assert_eq!(merged(&d), Some("222"));
        assert_eq!(d.rule, "most-recent");
        let ds = property_decisions(&p, &s, &MergeOptions::default()).unwrap();
        let d = ds.iter().find(|d| d.property == "phone").unwrap();
        assert_eq!(d.primary.as_deref(), Some("111"), "explained: both values");
        assert_eq!(d.secondary.as_deref(), Some("222"));
        let d = most_recent_value(&s, &p, "phone").unwrap();
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
            merged(&most_recent_value(&p, &s, "city").unwrap()),
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
            merged(&most_recent_value(&p, &s, "city").unwrap()),
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
        let d = most_recent_value(&p, &s, "city").unwrap();
        assert_eq!(merged(&d), Some("A"));
        assert!(d.why.contains("same time"), "{}", d.why);
    }

    #[test]
    fn most_recent_without_any_date_is_oldest() {
        let p = contact("1", &[("city", "A")]);
        let s = contact("2", &[("city", "B"), ("createdate", "2020-01-01")]);
        assert_eq!(
            merged(&most_recent_value(&p, &s, "city").unwrap()),
            Some("B")
        );
        // No dates on either side: a tie.
        let s = contact("2", &[("city", "B")]);
        assert_eq!(
            merged(&most_recent_value(&p, &s, "city").unwrap()),
            Some("A")
        );
    }

    #[test]
    fn empty_never_replaces_a_value() {
        let p = contact("1", &[("city", "A"), ("lastmodifieddate", "2020-01-01")]);
        let s = contact("2", &[("city", ""), ("lastmodifieddate", "2024-01-01")]);
        assert_eq!(
            merged(&most_recent_value(&p, &s, "city").unwrap()),
            Some("A")
        );
        assert_eq!(
            merged(&most_recent_value(&s, &p, "city").unwrap()),
            Some("A")
        );
        let mut n = contact("3", &[]);
        n.set_prop("city", None);
        assert_eq!(
            merged(&most_recent_value(&n, &p, "city").unwrap()),
            Some("A")
        );
    }

    #[test]
    fn property_only_the_secondary_has_is_added_even_empty() {
        let p = contact("1", &[]);
        let s = contact("2", &[("fax", "")]);
        let d = most_recent_value(&p, &s, "fax").unwrap();
        assert_eq!(merged(&d), Some(""));
        let d = primary_wins_value(&p, &s, "fax");
        assert_eq!(merged(&d), Some(""));
    }

    #[test]
    fn most_recent_needs_no_date_for_equal_values_and_refuses_bad_ones() {
        let p = contact("1", &[("city", "A"), ("lastmodifieddate", "soon")]);
        let s = contact("2", &[("city", "A")]);
        assert_eq!(
            merged(&most_recent_value(&p, &s, "city").unwrap()),
            Some("A")
        );
        let s = contact("2", &[("city", "B")]);
        let e = most_recent_value(&p, &s, "city").unwrap_err();
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
        let d = primary_wins_value(&p, &s, "city");
        assert_eq!((merged(&d), d.rule.as_ref()), (Some("A"), "primary-wins"));
        assert_eq!(merged(&primary_wins_value(&p, &s, "zip")), Some("9"));
        let d = default_value(&p, &s, "city", Policy::MostRecent).unwrap();
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
        let ds = primary_email_and_additional_emails(&p, &s);
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
        let ds = primary_email_and_additional_emails(&p, &s);
        assert_eq!(merged(&ds[0]), Some("c@x.com"));
        assert_eq!(merged(&ds[1]), Some("b@x.com"));
    }

    #[test]
    fn same_email_in_other_case_is_not_added() {
        let p = contact("1", &[("email", "a@x.com")]);
        let s = contact("2", &[("email", "A@X.COM")]);
        let ds = primary_email_and_additional_emails(&p, &s);
        assert_eq!(ds.len(), 1, "no additional emails property is made: {ds:?}");
    }

    #[test]
    fn additional_emails_never_hold_the_primary_email() {
        let p = contact("1", &[]);
        let s = contact(
            "2",
            &[("email", "c@y.org"), ("hs_additional_emails", "C@y.org")],
        );
        let ds = primary_email_and_additional_emails(&p, &s);
        assert_eq!(merged(&ds[0]), Some("c@y.org"));
        assert_eq!(
            (ds[1].property.as_str(), merged(&ds[1])),
            ("hs_additional_emails", None)
        );
        let p = contact(
            "1",
            &[("email", "a@x.com"), ("hs_additional_emails", "a@x.com")],
        );
        let ds = primary_email_and_additional_emails(&p, &contact("2", &[]));
        assert_eq!(merged(&ds[1]), Some(""));
    }

    #[test]
    fn no_emails_at_all_makes_no_decisions() {
        let ds = primary_email_and_additional_emails(&contact("1", &[]), &contact("2", &[]));
        assert!(ds.is_empty());
        let p = contact("1", &[("email", "")]);
        let ds = primary_email_and_additional_emails(&p, &contact("2", &[]));
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
        let d = furthest_lifecycle_stage(&p, &s, &order()).unwrap();
        assert_eq!(merged(&d), Some("Marketing Qualified Lead"));
        assert_eq!(d.rule, "lifecycle-furthest");
        let d = furthest_lifecycle_stage(&s, &p, &order()).unwrap();
        assert_eq!(merged(&d), Some("Marketing Qualified Lead"));
    }

    #[test]
    fn lifecycle_same_stage_in_other_form_keeps_primary() {
        let p = contact("1", &[("lifecyclestage", "customer")]);
        let s = contact("2", &[("lifecyclestage", "Customer")]);
        assert_eq!(
            merged(&furthest_lifecycle_stage(&p, &s, &order()).unwrap()),
            Some("customer")
        );
    }

    #[test]
    fn lifecycle_empty_side_loses() {
        let p = contact("1", &[("lifecyclestage", "")]);
        let s = contact("2", &[("lifecyclestage", "lead")]);
        assert_eq!(
            merged(&furthest_lifecycle_stage(&p, &s, &order()).unwrap()),
            Some("lead")
        );
        assert_eq!(
            merged(&furthest_lifecycle_stage(&s, &p, &order()).unwrap()),
            Some("lead")
        );
    }

    #[test]
    fn lifecycle_unknown_stage_is_refused_with_the_known_ones() {
        let p = contact("1", &[("lifecyclestage", "lead")]);
        let s = contact("42", &[("lifecyclestage", "partner")]);
        let e = furthest_lifecycle_stage(&p, &s, &order()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "contact 42: lifecyclestage 'partner' is not a known lifecycle stage (known: subscriber, lead, marketingqualifiedlead, salesqualifiedlead, opportunity, customer, evangelist, other); give the order with --lifecycle-order STAGE,STAGE,... (lowest first)"
        );
        // Even with the primary empty: a stage is never guessed.
        let p = contact("1", &[]);
        assert!(furthest_lifecycle_stage(&p, &s, &order()).is_err());
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
            merged(&furthest_lifecycle_stage(&p, &s, &o).unwrap()),
            Some("customer")
        );
        let p = contact("1", &[("lifecyclestage", "Lead")]);
        assert_eq!(
            merged(&furthest_lifecycle_stage(&p, &s, &o).unwrap()),
            Some("PARTNER")
        );
    }

    // ---- dates ----

    #[test]
    fn createdate_takes_oldest_in_its_own_form() {
        let p = contact("1", &[("createdate", "2024-03-01T10:00:00.000Z")]);
        let s = contact("2", &[("createdate", "2024-02-01 09:00")]);
        let d = oldest_create_date(&p, &s).unwrap();
        assert_eq!(
            (merged(&d), d.rule.as_ref()),
            (Some("2024-02-01 09:00"), "createdate-oldest")
        );
        let s = contact("2", &[("createdate", "1709287200000")]);
        assert_eq!(
            merged(&oldest_create_date(&p, &s).unwrap()),
            Some("2024-03-01T10:00:00.000Z"),
            "same instant: the primary's"
        );
        let s = contact("2", &[("createdate", "")]);
        assert_eq!(
            merged(&oldest_create_date(&s, &p).unwrap()),
            Some("2024-03-01T10:00:00.000Z")
        );
    }

    #[test]
    fn createdate_refuses_bad_date() {
        let p = contact("1", &[("createdate", "2024-03-01")]);
        let s = contact("2", &[("createdate", "last week")]);
        let e = oldest_create_date(&p, &s).unwrap_err();
        assert!(
            matches!(e, MergeError::BadDate { ref record, ref property, ref value }
            if record == "2" && property == "createdate" && value == "last week")
        );
    }

    #[test]
    fn lastmodified_takes_latest() {
        let p = contact("1", &[("lastmodifieddate", "2024-03-02")]);
        let s = contact("2", &[("lastmodifieddate", "2024-03-01 10:00")]);
        let d = latest_last_modified(&p, &s).unwrap();
        assert_eq!(
            (merged(&d), d.rule.as_ref()),
            (Some("2024-03-02"), "lastmodified-latest")
        );
        assert_eq!(
            merged(&latest_last_modified(&s, &p).unwrap()),
            Some("2024-03-02")
        );
    }

    // ---- sums ----

    #[test]
    fn counters_are_summed() {
        let p = contact("1", &[("num_conversion_events", "3")]);
        let s = contact("2", &[("num_conversion_events", "2.0")]);
        let d = summed_counter(&p, &s, "num_conversion_events").unwrap();
        assert_eq!((merged(&d), d.rule.as_ref()), (Some("5"), "sum"));
    }

    #[test]
    fn counter_empty_side_counts_zero_and_both_empty_stays_empty() {
        let p = contact("1", &[("hs_analytics_num_visits", "")]);
        let s = contact("2", &[("hs_analytics_num_visits", "4")]);
        assert_eq!(
            merged(&summed_counter(&p, &s, "hs_analytics_num_visits").unwrap()),
            Some("4")
        );
        assert_eq!(
            merged(&summed_counter(&s, &p, "hs_analytics_num_visits").unwrap()),
            Some("4")
        );
        let s = contact("2", &[]);
        let d = summed_counter(&p, &s, "hs_analytics_num_visits").unwrap();
        assert_eq!((merged(&d), d.rule.as_ref()), (Some(""), "sum"));
        let d = summed_counter(&s, &contact("3", &[]), "hs_analytics_num_visits").unwrap();
        assert_eq!(merged(&d), None);
    }

    #[test]
    fn counter_that_is_not_a_number_is_refused() {
        for bad in ["three", "-1", "2.5", "1,000", "3.", ".0", "1e3"] {
            let p = contact("7", &[("num_conversion_events", bad)]);
            let s = contact("8", &[("num_conversion_events", "1")]);
            let e = summed_counter(&p, &s, "num_conversion_events").unwrap_err();
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

    #[test]
    fn counter_overflow_is_refused() {
        let p = contact(
            "1",
            &[("hs_analytics_num_page_views", &u64::MAX.to_string())],
        );
        let s = contact("2", &[("hs_analytics_num_page_views", "1")]);
        let e = summed_counter(&p, &s, "hs_analytics_num_page_views").unwrap_err();
        assert!(matches!(e, MergeError::CounterOverflow { .. }), "{e:?}");
    }

    // ---- marketable ----

    #[test]
    fn marketable_beats_non_marketable_in_any_form() {
        let p = contact("1", &[("hs_marketable_status", "Non-marketing contact")]);
        let s = contact("2", &[("hs_marketable_status", "Marketing contact")]);
        let d = most_marketable_status(&p, &s).unwrap();
        assert_eq!(
            (merged(&d), d.rule.as_ref()),
            (Some("Marketing contact"), "marketable-most")
        );
        let p = contact("1", &[("hs_marketable_status", "true")]);
        let s = contact("2", &[("hs_marketable_status", "false")]);
        assert_eq!(
            merged(&most_marketable_status(&p, &s).unwrap()),
            Some("true")
        );
        assert_eq!(
            merged(&most_marketable_status(&s, &p).unwrap()),
            Some("true")
        );
        let e = contact("3", &[("hs_marketable_status", "")]);
        assert_eq!(
            merged(&most_marketable_status(&e, &s).unwrap()),
            Some("false")
        );
    }

    #[test]
    fn marketable_garbage_is_refused() {
        let p = contact("1", &[("hs_marketable_status", "maybe")]);
        let e = most_marketable_status(&p, &contact("2", &[])).unwrap_err();
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
        let ds = earliest_first_visit(&p, &s, Policy::MostRecent).unwrap();
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
        let ds = latest_last_visit(&p, &s, Policy::MostRecent).unwrap();
        assert_eq!(merged(&ds[0]), Some("2024-03-01"));
        assert_eq!(merged(&ds[1]), Some("https://p/"));
        assert_eq!(ds[1].rule, "last-visit-latest");
    }

    #[test]
    fn visit_details_without_times_take_the_default_rule() {
        let p = contact("1", &[("hs_analytics_first_url", "https://p/")]);
        let s = contact("2", &[("hs_analytics_first_url", "https://s/")]);
        let ds = earliest_first_visit(&p, &s, Policy::PrimaryWins).unwrap();
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
        let ds = earliest_first_visit(&p, &s, Policy::MostRecent).unwrap();
        assert_eq!(merged(&ds[0]), Some("2024-01-01"));
        assert_eq!(merged(&ds[1]), Some("https://s/"));
    }

    // ---- original source ----

    fn source(id: &str, created: &str, src: [&str; 3]) -> Contact {
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

    fn values(ds: &[Decision]) -> Vec<Option<&str>> {
        ds.iter().map(merged).collect()
    }

    #[test]
    fn original_source_of_contact_created_first_travels_whole() {
        let p = source("1", "2024-01-01", ["ORGANIC_SEARCH", "google", "kw"]);
        let s = source("2", "2023-01-01", ["DIRECT_TRAFFIC", "", ""]);
        let ds = oldest_original_source(&p, &s).unwrap();
        assert_eq!(values(&ds), [Some("DIRECT_TRAFFIC"), Some(""), Some("")]);
        assert!(ds.iter().all(|d| d.rule == "original-source-oldest"));
        let ds = oldest_original_source(&s, &p).unwrap();
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
        let ds = oldest_original_source(&p, &s).unwrap();
        assert_eq!(
            values(&ds),
            [Some("ORGANIC_SEARCH"), Some("google"), Some("")]
        );
    }

    #[test]
    fn original_source_ignores_last_modified_and_empty_side_loses() {
        let p = source("1", "2024-01-01", ["", "", ""]);
        let s = source("2", "2025-01-01", ["PAID_SOCIAL", "fb", ""]);
        let ds = oldest_original_source(&p, &s).unwrap();
        assert_eq!(values(&ds), [Some("PAID_SOCIAL"), Some("fb"), Some("")]);
    }

    #[test]
    fn original_source_unknown_creation_keeps_primary() {
        let p = contact("1", &[("hs_analytics_source", "OFFLINE")]);
        let s = source("2", "2020-01-01", ["DIRECT_TRAFFIC", "a", "b"]);
        let ds = oldest_original_source(&p, &s).unwrap();
        assert_eq!(values(&ds), [Some("OFFLINE"), None, None]);
        assert!(
            oldest_original_source(&contact("1", &[]), &contact("2", &[]))
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
        let d = primary_email_information(&p, &s, "hs_email_optout");
        assert_eq!(
            (merged(&d), d.rule.as_ref()),
            (Some(""), "email-info-primary")
        );
        assert_eq!(
            merged(&primary_email_information(&p, &s, "hs_email_bounce")),
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
        let d = legal_basis_union(&p, &s);
        assert_eq!(
            merged(&d),
            Some("Legitimate interest – prospect/lead;Freely given consent from contact")
        );
        assert_eq!(d.rule, "legal-basis-union");
        let e = contact("3", &[("hs_legal_basis", "")]);
        assert_eq!(merged(&legal_basis_union(&e, &contact("4", &[]))), Some(""));
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
        let d = primary_object_id(&p, &s);
        assert_eq!(
            (merged(&d), d.rule.as_ref()),
            (Some("1"), "object-id-primary")
        );
        let d = merged_object_ids(&p, &s);
        assert_eq!(
            (merged(&d), d.rule.as_ref()),
            (Some("5;6;2;7"), "merged-ids")
        );
        assert_eq!(merge_count(&p, &s), 3);
        let d = merged_object_ids(&contact("1", &[]), &contact("2", &[]));
        assert_eq!(merged(&d), Some("2"));
        assert_eq!(merge_count(&contact("1", &[]), &contact("2", &[])), 0);
        assert_eq!(
            merged(&primary_object_id(&contact("9", &[]), &s)),
            Some("9")
        );
    }

    #[test]
    fn salesforce_id_is_the_primarys() {
        let p = contact("1", &[]);
        let s = contact("2", &[("salesforcecontactid", "003A")]);
        let d = primary_salesforce_id(&p, &s);
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
        let ds = property_decisions(&p, &s, &MergeOptions::default()).unwrap();
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
        let ds = property_decisions(&p, &s, &opts).unwrap();
        let get = |n: &str| ds.iter().find(|d| d.property == n).unwrap();
        assert_eq!(merged(get("lifecyclestage")), Some("customer"));
        assert_eq!(merged(get("city")), Some("A"));
        assert_eq!(merged(get("lastmodifieddate")), Some("2024-01-01"));
    }

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
            let all = property_decisions(&p, &s, &full).unwrap();
            let few = property_decisions(&p, &s, &lean).unwrap();
            // Every decision skipped keeps P's stored value.
            for d in &all {
                match few.iter().find(|f| f.property == d.property) {
                    Some(f) => assert_eq!(f.merged, d.merged, "{}", d.property),
                    None => {
                        let stored = &p.properties[&d.property];
                        assert!(
                            keeps_stored_value(stored, &s, &d.property),
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

    // ---- unions: linear, and the same as a search of the values kept ----

    /// A `;`-separated union as it was computed before sets: a search of
    /// the keys kept per value. The oracle the set-based helpers must agree
    /// with.
    fn union_by_search<'a>(
        cells: &[Option<&'a str>],
        key: impl Fn(&str) -> String,
    ) -> Vec<&'a str> {
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
    fn additional_emails_by_search<'a>(
        p: &'a Contact,
        s: &'a Contact,
    ) -> (Vec<&'a str>, Vec<&'a str>) {
        let (pe, se) = (trimmed(p, EMAIL), trimmed(s, EMAIL));
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
            let ds = primary_email_and_additional_emails(&p, &s);
            let Some(d) = ds.iter().find(|d| d.property == ADDITIONAL_EMAILS) else {
                assert!(list.is_empty() && !on_either(&p, &s, ADDITIONAL_EMAILS));
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
        let ds = primary_email_and_additional_emails(&p, &s);
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
        let d = merged_object_ids(&p, &s);
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
            merged(&merged_object_ids(&contact("1", &[]), &s)),
            Some("2;7")
        );
    }
}
