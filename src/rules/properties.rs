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
use super::seen::{Ruled, Seen, RULED};
use super::union::{Union, FEW};
use super::{Decision, MergeOptions, Policy, Side};
use crate::dates::{format_date, DateForm, Millis};
use crate::error::MergeError;
use crate::labels;
use crate::model::split_multi;
#[cfg(test)]
use crate::model::Contact;

pub use crate::hubspot::property::{
    ADDITIONAL_EMAILS, CREATE_DATE, EMAIL, FIRST_VISIT_DETAILS, FIRST_VISIT_TIMES, LAST_MODIFIED,
    LAST_VISIT_DETAILS, LAST_VISIT_TIMES, LEGAL_BASIS, LIFECYCLE_STAGE, MARKETABLE_STATUS,
    MERGED_OBJECT_IDS, OBJECT_ID, ORIGINAL_SOURCE, PRIMARY_COMPANY, SALESFORCE_ID,
};
pub use crate::hubspot::property::{ALL_VIDS, DEAL_COUNT};

/// Counters that are summed (rule "sum"): the ones `check` checks too.
pub use crate::props::SUMMED_COUNTERS as SUMMED;

/// Email information properties: `hs_email_*` (opt-outs `hs_email_optout*`
/// included) and `hs_emailconfirmationstatus`.
pub fn is_email_information(prop: &str) -> bool {
    prop.starts_with("hs_email_")
        || prop == "hs_emailconfirmationstatus"
        || is_subscription_opt_out_label(prop)
}

/// HubSpot's export heads each subscription type's opt-out "Opted out of
/// email: NAME" (the property is `hs_email_optout_ID`, whose id the export
/// does not give): such a column, kept under its header, is email
/// information all the same.
fn is_subscription_opt_out_label(prop: &str) -> bool {
    const LABEL: &str = "opted out of email";
    prop.len() >= LABEL.len()
        && prop.is_char_boundary(LABEL.len())
        && prop[..LABEL.len()].eq_ignore_ascii_case(LABEL)
}

/// Every property decision of a merge, in the merged contact's property
/// order: P's properties, then those only S has, then properties the merge
/// creates (`hs_additional_emails`, `hs_merged_object_ids`).
pub fn property_decisions(
    p: &Seen,
    s: &Seen,
    opts: &MergeOptions,
) -> Result<Vec<Decision>, MergeError> {
    placed_property_decisions(p, s, opts).map(|(decisions, _)| decisions)
}

/// [`property_decisions`], with the place in P's property order of each
/// decision on a property P has: the first decisions are those, and the
/// `i`th of them is on P's property `places[i]`.
pub fn placed_property_decisions(
    p: &Seen,
    s: &Seen,
    opts: &MergeOptions,
) -> Result<(Vec<Decision>, Vec<usize>), MergeError> {
    let mut special: [Option<Decision>; RULED] = std::array::from_fn(|_| None);
    special_decisions(p, s, opts, &mut special)?;
    let mut out = Vec::with_capacity(p.properties.len() + 2);
    let mut places = Vec::with_capacity(p.properties.len());
    // P's names, each with S's value; a ruled one takes its rule's decision.
    let mut ruled = p.places().iter().peekable();
    for (i, (name, stored)) in p.properties.iter().enumerate() {
        let taken = match ruled.next_if(|(at, _)| *at == i) {
            Some(&(_, r)) => special[r as usize].take(),
            None => None,
        };
        out.push(match taken {
            Some(d) => d,
            None if !opts.explain && keeps_stored_value(stored, s.get_near(name, i)) => continue,
            None => undecided_value(p, s, name, opts.policy)?,
        });
        places.push(i);
    }
    // Then the names only S has.
    let mut ruled = s.places().iter().peekable();
    for (i, name) in s.properties.keys().enumerate() {
        let r = ruled.next_if(|(at, _)| *at == i).map(|&(_, r)| r);
        if p.get_near(name, i).is_some() {
            continue;
        }
        out.push(match r.and_then(|r| special[r as usize].take()) {
            Some(d) => d,
            None => undecided_value(p, s, name, opts.policy)?,
        });
    }
    // Only the filled slots are taken: taking an empty one still moves a
    // whole (empty) decision.
    out.extend(
        special
            .iter_mut()
            .filter(|d| d.is_some())
            .filter_map(Option::take),
    );
    if opts.explain {
        for d in &mut out {
            d.primary = p.raw(&d.property);
            d.secondary = s.raw(&d.property);
        }
    }
    Ok((out, places))
}

/// A property no rule of its own decided: email information stays P's,
/// any other takes the policy's default.
fn undecided_value(p: &Seen, s: &Seen, name: &str, policy: Policy) -> Result<Decision, MergeError> {
    if is_email_information(name) {
        Ok(primary_email_information(p, s, name))
    } else {
        default_value(p, s, name, policy)
    }
}

/// The decisions of the rules that are not the default, at most one a
/// property, by [`Ruled`] property, into `special` (filled in place: the
/// array is large to move): the order the rules give them in (each is
/// taken out as its property comes).
fn special_decisions(
    p: &Seen,
    s: &Seen,
    opts: &MergeOptions,
    special: &mut [Option<Decision>; RULED],
) -> Result<(), MergeError> {
    let either = |prop: &str| on_either(p, s, prop);
    // Each decision into its property's slot; a rule of one property is
    // given its slot, a rule of several has its decisions' names matched.
    let mut put = |r: Ruled, d: Decision| {
        debug_assert_eq!(Ruled::of(&d.property), Some(r));
        special[r as usize] = Some(d);
    };
    let ruled = |d: &Decision| Ruled::of(&d.property).expect("a rule decides a ruled property");
    primary_email_and_additional_emails(p, s)
        .into_iter()
        .for_each(|d| put(ruled(&d), d));
    if either(LIFECYCLE_STAGE) {
        put(
            Ruled::LifecycleStage,
            furthest_lifecycle_stage(p, s, &opts.lifecycle_order)?,
        );
    }
    if either(CREATE_DATE) {
        put(Ruled::CreateDate, oldest_create_date(p, s)?);
    }
    if either(LAST_MODIFIED) {
        put(Ruled::LastModified, latest_last_modified(p, s)?);
    }
    // Each counter of SUMMED by its constant name, so that its lookups
    // fold to a table index ([`summed_counter`] is inlined).
    macro_rules! sum {
        ($($r:ident),*) => {$(
            if either(Ruled::$r.name()) {
                put(Ruled::$r, summed_counter(p, s, Ruled::$r.name())?);
            }
        )*};
    }
    const _: () = assert!(SUMMED.len() == 5, "every summed counter below");
    sum!(
        Conversions,
        UniqueConversions,
        PageViews,
        Visits,
        EventCompletions
    );
    if either(MARKETABLE_STATUS) {
        put(Ruled::MarketableStatus, most_marketable_status(p, s)?);
    }
    let visits = [
        earliest_first_visit(p, s, opts.policy)?,
        latest_last_visit(p, s, opts.policy)?,
        oldest_original_source(p, s)?,
    ];
    (visits.into_iter().flatten()).for_each(|d| put(ruled(&d), d));
    if either(LEGAL_BASIS) {
        put(Ruled::LegalBasis, legal_basis_union(p, s));
    }
    if either(OBJECT_ID) {
        put(Ruled::ObjectId, primary_object_id(p, s));
    }
    put(Ruled::MergedObjectIds, merged_object_ids(p, s));
    if either(SALESFORCE_ID) {
        put(Ruled::SalesforceId, primary_salesforce_id(p, s));
    }
    if either(PRIMARY_COMPANY) {
        put(Ruled::PrimaryCompany, primary_company_id(p, s));
    }
    if either(DEAL_COUNT) {
        put(Ruled::DealCount, merged_deal_count(p, s)?);
    }
    if either(ALL_VIDS) {
        put(Ruled::AllVids, all_contact_vids(p, s));
    }
    Ok(())
}

/// A property P has (`stored`: its value), for which S (`theirs`: its
/// stored value, if S has the property) has no value or the same one, keeps P's value under every policy (and for email
/// information): the merge need not decide it when nobody reads the
/// decision.
fn keeps_stored_value(stored: &Option<String>, theirs: Option<&Option<String>>) -> bool {
    match theirs {
        Some(Some(v)) if !v.is_empty() => Some(v) == stored.as_ref(),
        _ => true,
    }
}

/// The default rule for a property without one of its own, by policy.
pub fn default_value(
    p: &Seen,
    s: &Seen,
    prop: &str,
    policy: Policy,
) -> Result<Decision, MergeError> {
    match policy {
        Policy::MostRecent => most_recent_value(p, s, prop),
        Policy::PrimaryWins => Ok(primary_wins_value(p, s, prop)),
    }
}

/// Rule "most-recent": the most recent non-empty value, by when each value
/// was set ([`crate::dates::value_time`]; a contact with no date is older than any that
/// has one). Ties go to P. Times are only looked at (and bad dates only
/// refused) when both contacts have different values.
pub fn most_recent_value(p: &Seen, s: &Seen, prop: &str) -> Result<Decision, MergeError> {
    const RULE: &str = "most-recent";
    let take = |side, why: Cow<'static, str>| Decision::take(prop, p, s, side, RULE, why);
    Ok(match (p.filled(prop), s.filled(prop)) {
        (None, None) => take(Side::Primary, "neither contact has a value".into()),
        (Some(_), None) => take(Side::Primary, "the secondary has no value".into()),
        (None, Some(_)) => take(Side::Secondary, "only the secondary has a value".into()),
        (Some(a), Some(b)) if a == b => take(Side::Primary, "both contacts have this value".into()),
        (Some(_), Some(_)) => {
            let tp = p.value_time(prop)?;
            let ts = s.value_time(prop)?;
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
pub fn primary_wins_value(p: &Seen, s: &Seen, prop: &str) -> Decision {
    const RULE: &str = "primary-wins";
    let take = |side, why: &'static str| Decision::take(prop, p, s, side, RULE, why);
    match (p.filled(prop), s.filled(prop)) {
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
pub fn primary_email_and_additional_emails(p: &Seen, s: &Seen) -> Vec<Decision> {
    let mut out = Vec::new();
    let (pe, se) = (p.trimmed(EMAIL), s.trimmed(EMAIL));
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
    // The emails met so far, compared case-insensitively: a list searched
    // in place while short, a set beyond, so that a contact with tens of
    // thousands of emails merges in linear time.
    let (p_cell, s_cell) = (
        p.prop(ADDITIONAL_EMAILS).unwrap_or(""),
        s.prop(ADDITIONAL_EMAILS).unwrap_or(""),
    );
    let room = values_in([p_cell, s_cell]) + 1;
    let mut met = Union::new(true, room).barring(pe.or(se));
    for e in split_multi(p_cell) {
        met.insert(e);
    }
    // The list's first `from_p` are P's; every one after is S's and new
    // (no spelling of P's, in any case, is among them).
    let from_p = met.kept().len();
    for e in se.into_iter().chain(split_multi(s_cell)) {
        met.insert(e);
    }
    let list = met.kept();
    if on_either(p, s, ADDITIONAL_EMAILS) || !list.is_empty() {
        const RULE: &str = "additional-emails";
        out.push(if list.is_empty() {
            // Nothing to list; a cell holding only the primary email is
            // emptied, an empty one stays as it was.
            let merged = match p.raw(ADDITIONAL_EMAILS) {
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
    p: &Seen,
    s: &Seen,
    order: &[String],
) -> Result<Decision, MergeError> {
    const RULE: &str = "lifecycle-furthest";
    let rank = |c: &Seen| -> Result<Option<usize>, MergeError> {
        let Some(v) = c.trimmed(LIFECYCLE_STAGE) else {
            return Ok(None);
        };
        let k = labels::stage_key_ref(v);
        match order.iter().position(|o| *o == *k) {
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
pub fn latest_last_modified(p: &Seen, s: &Seen) -> Result<Decision, MergeError> {
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
/// [`MergeError::NotANumber`], a whole number below zero or past 64 bits
/// [`MergeError::CounterOutOfRange`], and a sum too large for 64 bits is
/// [`MergeError::CounterOverflow`] (refused, never wrapped). A sum is
/// written as a plain integer (`3.0` + `2` = `5`); when only one side has a
/// count its text is kept as it was.
#[inline(always)]
pub fn summed_counter(p: &Seen, s: &Seen, prop: &str) -> Result<Decision, MergeError> {
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
pub fn most_marketable_status(p: &Seen, s: &Seen) -> Result<Decision, MergeError> {
    const RULE: &str = "marketable-most";
    let status = |c: &Seen| -> Result<Option<bool>, MergeError> {
        match c.trimmed(MARKETABLE_STATUS) {
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
pub fn primary_email_information(p: &Seen, _s: &Seen, prop: &str) -> Decision {
    Decision::new(
        prop,
        p.raw(prop),
        "email-info-primary",
        "email information stays the primary's, even when empty",
    )
}

/// Rule "legal-basis-union": the legal bases of both, `;`-separated, P's
/// first, no duplicates (case-insensitive; with the portal's definitions,
/// an option's label and its internal value are one basis).
pub fn legal_basis_union(p: &Seen, s: &Seen) -> Decision {
    const RULE: &str = "legal-basis-union";
    let list = union_multi(&[p.prop(LEGAL_BASIS), s.prop(LEGAL_BASIS)], |v| {
        let value = crate::hubspot::portal::get().and_then(|d| d.option_value(LEGAL_BASIS, v));
        value.unwrap_or(v).to_lowercase()
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

/// Rule "salesforce-primary": only P keeps syncing, so the merged contact
/// keeps P's Salesforce id (S's is not taken, even where P has none); the
/// sync report is [`super::salesforce_sync`].
pub fn primary_salesforce_id(p: &Seen, _s: &Seen) -> Decision {
    Decision::new(
        SALESFORCE_ID,
        p.raw(SALESFORCE_ID),
        "salesforce-primary",
        "only the primary keeps syncing with Salesforce",
    )
}

/// Rule "company-primary": P's company associations are kept and S's
/// dropped, so the merged contact's primary company is P's (S's is not
/// taken, even where P has none: it would name a company the merged
/// contact is no longer associated with).
pub fn primary_company_id(p: &Seen, _s: &Seen) -> Decision {
    Decision::new(
        PRIMARY_COMPANY,
        p.raw(PRIMARY_COMPANY),
        "company-primary",
        "the merged contact keeps the primary's companies, and so its primary company",
    )
}

// ---- helpers ----

/// Whether either contact has the property (even empty).
#[inline(always)]
pub(crate) fn on_either(p: &Seen, s: &Seen, prop: &str) -> bool {
    p.has(prop) || s.has(prop)
}

#[inline(always)]
fn counter(c: &Seen, prop: &str) -> Result<Option<u64>, MergeError> {
    match c.trimmed(prop) {
        None => Ok(None),
        Some(v) => crate::props::parse_counter(v)
            .map(Some)
            .map_err(|e| match e {
                crate::props::CounterError::NotANumber(_) => MergeError::NotANumber {
                    record: c.id.clone(),
                    property: prop.into(),
                    value: v.into(),
                },
                why => MergeError::CounterOutOfRange {
                    record: c.id.clone(),
                    property: prop.into(),
                    why,
                },
            }),
    }
}

/// The `;`-separated values of several cells, in order, without duplicates
/// by `key` (the first of each key stays). The keys met are searched in
/// place while there are a few ([`FEW`]: no set is built for the usual
/// short cells), then through a set: one lookup per value, so that cells
/// of tens of thousands of values (merged ids after thousands of merges)
/// take linear time.
fn union_multi<'a, K: Hash + Eq>(
    cells: &[Option<&'a str>],
    mut key: impl FnMut(&'a str) -> K,
) -> Vec<&'a str> {
    let mut few: Vec<K> = Vec::new();
    let mut many: HashSet<K> = HashSet::default();
    let mut out = Vec::new();
    for v in cells.iter().flatten().flat_map(|c| split_multi(c)) {
        let k = key(v);
        let new = if many.is_empty() && few.len() < FEW {
            !few.contains(&k) && {
                few.push(k);
                true
            }
        } else {
            if many.is_empty() {
                let room = values_in(cells.iter().flatten().copied());
                many.reserve(room);
                many.extend(few.drain(..));
            }
            many.insert(k)
        };
        if new {
            out.push(v);
        }
    }
    out
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

/// A date property's value, parsed (the value in the error: trimmed).
fn date_of(c: &Seen, prop: &str) -> Result<Option<Millis>, MergeError> {
    match c.date(prop) {
        None => Ok(None),
        Some(Ok(ms)) => Ok(Some(ms)),
        Some(Err(e)) => Err(MergeError::BadDate {
            record: c.id.clone(),
            property: prop.into(),
            value: e.value.trim().to_string(),
        }),
    }
}

/// Which side's date wins: the earliest or latest value; a side without a
/// value loses; ties go to P.
fn pick_date(
    p: &Seen,
    s: &Seen,
    prop: &str,
    pick: Pick,
) -> Result<(Side, Cow<'static, str>), MergeError> {
    // The same text on both sides is kept unread (SPEC: dates are parsed
    // only where a rule compares them).
    if let (Some(a), Some(b)) = (p.trimmed(prop), s.trimmed(prop)) {
        if a == b {
            return Ok((Side::Primary, "both contacts have this value".into()));
        }
    }
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

mod deals;
mod ids;
pub use ids::{all_contact_vids, merge_count, merged_object_ids, primary_object_id};
mod visits;
pub use deals::merged_deal_count;
pub use visits::{earliest_first_visit, latest_last_visit, oldest_original_source};

#[cfg(test)]
mod all_vids_tests;
#[cfg(test)]
mod blank_tests;
#[cfg(test)]
mod company_tests;
#[cfg(test)]
mod deals_tests;
#[cfg(test)]
mod email_info_tests;
#[cfg(test)]
mod scale_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod undated_tests;
