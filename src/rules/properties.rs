//! The property rules of SPEC section 4: the default (most recent value, or
//! the primary's under `--policy primary-wins`) and its exceptions. Every
//! exception applies under both policies.
//!
//! Throughout: an empty or missing value never replaces a value, except
//! where a rule keeps the primary's values as they are (email information)
//! or makes related values travel together (original source, first/last
//! visit details). Ties go to the primary. A value is written as it stood
//! on the side that won, so labels, date forms and number spellings are kept.

use foldhash::HashSet;
use std::borrow::Cow;
use std::hash::Hash;

use super::consistency::oldest_create_date;
use super::history::current_value_first_set;
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
    let mut special = special_decisions(p, s, opts)?;
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

/// The decisions of the rules that are not the default, one a property,
/// in the order the rules gave them (each slot is taken out as its property
/// comes).
fn special_decisions(
    p: &Contact,
    s: &Contact,
    opts: &MergeOptions,
) -> Result<Vec<Option<Decision>>, MergeError> {
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
    Ok(special)
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
    let mut seen: HashSet<String> = HashSet::with_capacity_and_hasher(room, Default::default());
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
    let mut seen: HashSet<K> = HashSet::with_capacity_and_hasher(
        values_in(cells.iter().flatten().copied()),
        Default::default(),
    );
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

mod visits;
pub use visits::{earliest_first_visit, latest_last_visit, oldest_original_source};

#[cfg(test)]
mod scale_tests;
#[cfg(test)]
mod tests;
