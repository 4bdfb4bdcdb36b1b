//! When each value of a merged contact was set, for a later merge of it in
//! the same run ([`crate::dates::ValueTimes`]).

use rustc_hash::FxHashMap;

use super::{Decision, Seen};
use crate::dates::{Millis, RecordDates, SourceOrigin, ValueTimes};
use crate::model::{Contact, PropName};

/// When each value the merge of `p` and `s` gives was set: the time of the
/// side it came from, or the later of both sides' when both had it (in
/// HubSpot, whose history keeps both, the newest entry is the later one).
/// A value neither side had as it is (a sum, a list of ids) has no time of
/// its own here: it counts as set when the merged contact was modified.
/// Worked out while P is whole; `decisions` are the merge's (a property
/// without a decision keeps P's value). A side whose time cannot be read
/// (a bad date, which no rule needed) leaves the property to the merged
/// contact's dates, as without this.
pub fn value_times_of(
    p: &Seen,
    s: &Seen,
    decisions: &[Decision],
) -> Vec<(PropName, Option<Millis>)> {
    let decided: FxHashMap<&str, &Decision> =
        decisions.iter().map(|d| (d.property.as_str(), d)).collect();
    let names = p.properties.keys().chain(
        s.properties
            .keys()
            .filter(|name| !p.properties.contains_key(&***name)),
    );
    let mut out = Vec::new();
    for name in names {
        let merged = match decided.get(&**name) {
            Some(d) => d.merged.as_deref(),
            None => p.prop(name),
        };
        let Some(merged) = merged.filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        let mut time: Option<Result<Option<Millis>, ()>> = None;
        for side in [p, s] {
            if side.filled(name) != Some(merged) {
                continue;
            }
            let t = side.value_time(name).map_err(|_| ());
            time = Some(match (time, t) {
                (None, t) => t,
                (Some(Ok(a)), Ok(b)) => Ok(a.max(b)),
                _ => Err(()),
            });
        }
        if let Some(Ok(t)) = time {
            out.push((name.clone(), t));
        }
    }
    out
}

/// Where the merged contact's original source came from: the origin
/// ([`Seen::source_origin`]) of the side whose source the merge keeps (P's
/// when both hold it); `None` when neither has a source or a time cannot
/// be read (the merged contact's own times then tell, as without this).
pub fn source_origin_of(p: &Seen, s: &Seen, decisions: &[Decision]) -> Option<SourceOrigin> {
    let src = crate::hubspot::property::ORIGINAL_SOURCE[0];
    let merged = decisions
        .iter()
        .find(|d| d.property == src)?
        .merged
        .as_deref()?;
    let side = [p, s]
        .into_iter()
        .find(|side| side.filled(src) == Some(merged))?;
    side.source_origin().ok()
}

/// The times of [`value_times_of`] that the merged contact's own dates do
/// not give already (most values, in a merge of two contacts modified at
/// different times, came from the one modified last), and the original
/// source's origin ([`source_origin_of`]) where the merged contact's own
/// times do not give it.
pub fn merged_value_times(
    merged: &Contact,
    times: Vec<(PropName, Option<Millis>)>,
    source: Option<SourceOrigin>,
) -> ValueTimes {
    let dates = RecordDates::new(merged);
    let src = crate::hubspot::property::ORIGINAL_SOURCE[0];
    let own = dates.created_time().ok().and_then(|born| {
        let set = super::history::current_value_first_set(merged, src).ok()?;
        Some(SourceOrigin { born, set })
    });
    let source = source.filter(|o| Some(*o) != own);
    ValueTimes::new(
        times
            .into_iter()
            .filter(|(name, t)| dates.value_time(name).ok() != Some(*t))
            .collect(),
    )
    .with_source(source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testutil::{contact, seen, with_history};
    use crate::rules::{property_decisions, MergeOptions};

    fn times_of(p: &Contact, s: &Contact) -> Vec<(PropName, Option<Millis>)> {
        let (p, s) = (seen(p), seen(s));
        let decisions = property_decisions(&p, &s, &MergeOptions::default()).unwrap();
        value_times_of(&p, &s, &decisions)
    }

    fn ms(date: &str) -> Option<Millis> {
        Some(crate::dates::parse_millis(date).unwrap())
    }

    #[test]
    fn each_value_takes_the_time_of_the_side_it_came_from_and_equal_values_the_later() {
        let p = contact(
            "1",
            &[
                ("lastmodifieddate", "2024-01-01"),
                ("jobtitle", "P-old"),
                ("city", "Oslo"),
                ("zip", "0150"),
            ],
        );
        let s = contact(
            "2",
            &[
                ("lastmodifieddate", "2024-03-01"),
                ("city", "Bergen"),
                ("zip", "0150"),
                ("phone", "555"),
            ],
        );
        let t = times_of(&p, &s);
        let get = |n: &str| t.iter().find(|(name, _)| &**name == n).map(|(_, t)| *t);
        assert_eq!(get("jobtitle"), Some(ms("2024-01-01")), "only P had it");
        assert_eq!(get("city"), Some(ms("2024-03-01")), "S's newer value won");
        assert_eq!(get("zip"), Some(ms("2024-03-01")), "both: the later");
        assert_eq!(get("phone"), Some(ms("2024-03-01")), "only S had it");
    }

    #[test]
    fn only_times_the_merged_contact_does_not_give_are_kept() {
        let p = contact(
            "1",
            &[("lastmodifieddate", "2024-01-01"), ("jobtitle", "A")],
        );
        let s = contact("2", &[("lastmodifieddate", "2024-03-01"), ("city", "B")]);
        let merged = contact(
            "1",
            &[
                ("lastmodifieddate", "2024-03-01"),
                ("jobtitle", "A"),
                ("city", "B"),
            ],
        );
        let kept = merged_value_times(&merged, times_of(&p, &s), None);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept.get("jobtitle"), Some(ms("2024-01-01")));
        assert_eq!(kept.get("city"), None);
    }

    #[test]
    fn a_value_with_history_or_a_bad_date_or_made_by_the_merge_has_no_time_here() {
        let p = with_history(
            contact("1", &[("lastmodifieddate", "soon"), ("jobtitle", "A")]),
            "jobtitle",
            &[("A", "2024-02-01")],
        );
        let mut p = p;
        p.set_prop("city", Some("Oslo".into()));
        p.set_prop("num_conversion_events", Some("3".into()));
        // Both say the same bad date: kept unread, no merge refused.
        let s = contact(
            "2",
            &[("lastmodifieddate", "soon"), ("num_conversion_events", "2")],
        );
        let t = times_of(&p, &s);
        let get = |n: &str| t.iter().find(|(name, _)| &**name == n).map(|(_, t)| *t);
        // History gives the time, not the bad record date.
        assert_eq!(get("jobtitle"), Some(ms("2024-02-01")));
        // The record date is bad: no time known.
        assert_eq!(get("city"), None);
        // A sum is neither side's value.
        assert_eq!(get("num_conversion_events"), None);
    }
}
