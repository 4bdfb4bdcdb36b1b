//! The rules whose related values travel together: first and last visit
//! (times and the details that describe that visit), and the original
//! source with its drill-downs.

use super::*;

/// Rule "first-visit-earliest": `hs_analytics_first_timestamp` and
/// `hs_analytics_first_visit_timestamp` take the earliest; the first URL
/// and referrer follow the contact whose first visit is taken (decided by
/// the first of those two times either contact has), even when that
/// contact's URL is empty: they describe that visit. With no first-visit
/// time on either contact they take the policy's default rule.
pub fn earliest_first_visit(
    p: &Seen,
    s: &Seen,
    policy: Policy,
) -> Result<Vec<Decision>, MergeError> {
    visit_group(
        p,
        s,
        FIRST_VISIT_TIMES,
        FIRST_VISIT_DETAILS,
        Pick::Earliest,
        "first-visit-earliest",
        policy,
    )
}

/// Rule "last-visit-latest": as [`earliest_first_visit`], for the latest
/// last-seen / last-visit times, the last URL and the last referrer.
pub fn latest_last_visit(p: &Seen, s: &Seen, policy: Policy) -> Result<Vec<Decision>, MergeError> {
    visit_group(
        p,
        s,
        LAST_VISIT_TIMES,
        LAST_VISIT_DETAILS,
        Pick::Latest,
        "last-visit-latest",
        policy,
    )
}

/// The times and details of one visit (inlined always: its callers' names
/// are constants, so that each lookup of them folds to a table index).
#[inline(always)]
fn visit_group(
    p: &Seen,
    s: &Seen,
    times: [&str; 2],
    details: [&str; 2],
    pick: Pick,
    rule: &'static str,
    policy: Policy,
) -> Result<Vec<Decision>, MergeError> {
    let mut out = Vec::new();
    let mut driver: Option<(Side, &str)> = None;
    for t in times.into_iter().filter(|t| on_either(p, s, t)) {
        let (side, why) = pick_date(p, s, t, pick)?;
        out.push(Decision::take(t, p, s, side, rule, why));
        if driver.is_none() && (p.prop(t).is_some() || s.prop(t).is_some()) {
            driver = Some((side, t));
        }
    }
    for d in details.into_iter().filter(|d| on_either(p, s, d)) {
        out.push(match driver {
            Some((side, t)) => Decision::new(
                d,
                side.pick(p, s).raw(d),
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
/// was first set in each contact's history when both have history for it
/// (the oldest entry holding the current source: the entry a merge adds
/// for a kept source does not make it younger), else
/// the contact created first. A side without a source loses to one with a
/// source; when the times are unknown, or equal, P's source is kept.
pub fn oldest_original_source(p: &Seen, s: &Seen) -> Result<Vec<Decision>, MergeError> {
    const RULE: &str = "original-source-oldest";
    if !ORIGINAL_SOURCE.iter().any(|prop| on_either(p, s, prop)) {
        return Ok(Vec::new());
    }
    let src = ORIGINAL_SOURCE[0];
    let (side, why): (Side, Cow<'static, str>) = match (p.filled(src), s.filled(src)) {
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
            // Each source's own contact's times: in a chain, the contact
            // it came with, not the merged one (the oldest merged, and a
            // history entry the merge added for it).
            let (op, os) = (p.source_origin()?, s.source_origin()?);
            if let (Some(a), Some(b)) = (op.set, os.set) {
                older_side(a, b, "was set")
            } else {
                match (op.born, os.born) {
                    (Some(a), Some(b)) => older_side(a, b, "came with a contact created"),
                    // SPEC section 2: a contact with no time is older than
                    // any contact that has one.
                    (Some(_), None) => (
                        Side::Secondary,
                        "the secondary has no creation time, so it counts as the older contact (a contact with no time is older than any that has one)".into(),
                    ),
                    (None, Some(_)) => (
                        Side::Primary,
                        "the primary has no creation time, so it counts as the older contact (a contact with no time is older than any that has one)".into(),
                    ),
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
                side.pick(p, s).raw(prop),
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
