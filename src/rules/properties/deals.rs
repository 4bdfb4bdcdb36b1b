//! Rule "deal-count": `num_associated_deals` counts the merged contact's
//! deals, which are all of both contacts' (SPEC 4's deals and tickets).

use super::*;
use crate::hubspot::association::DEALS;

/// Rule "deal-count": HubSpot's count of the associated deals, for the
/// merged contact, which keeps every deal of P's and S's once. A deal the
/// file lists (its "Associated Deal IDs", or the contact's `deals`
/// associations) counts once however many of the two list it; a contact
/// whose deals the file does not list adds its own count. So with both
/// lists the count is that of the merged list, and with neither it is the
/// sum of the two counts, as for [`summed_counter`] (a deal associated
/// with both then counts twice: the file cannot tell). A count that is
/// not a whole number is [`MergeError::NotANumber`] where it is used; one
/// beside a list is not read. With no deal listed and no count on either
/// side, P's value stays as it is (empty stays empty).
pub fn merged_deal_count(p: &Seen, s: &Seen) -> Result<Decision, MergeError> {
    const RULE: &str = "deal-count";
    let (pl, sl) = (p.contact().assoc(DEALS), s.contact().assoc(DEALS));
    if pl.is_none() && sl.is_none() {
        let summed = summed_counter(p, s, DEAL_COUNT)?;
        return Ok(Decision {
            rule: Cow::Borrowed(RULE),
            why: match summed.why {
                Cow::Borrowed("") => summed.why,
                why => why!("{why} (the file lists neither contact's deals)"),
            },
            ..summed
        });
    }
    let room = pl.map_or(0, |l| l.entries.len()) + sl.map_or(0, |l| l.entries.len());
    let mut listed = Union::new(false, room);
    for id in pl.into_iter().chain(sl).flat_map(|l| l.ids()) {
        listed.insert(id);
    }
    let listed = listed.kept().len() as u64;
    // A side whose deals are not listed adds its count.
    let unlisted = match (pl, sl) {
        (Some(_), None) => Some((counter(s, DEAL_COUNT)?, "secondary")),
        (None, Some(_)) => Some((counter(p, DEAL_COUNT)?, "primary")),
        _ => None,
    };
    let extra = unlisted.and_then(|(count, _)| count).unwrap_or(0);
    // Each side's part, as the message names them: its listed deals or
    // its count.
    let total = listed.checked_add(extra).ok_or_else(|| {
        let (pv, sv) = match unlisted {
            Some((_, "primary")) => (extra, listed),
            _ => (listed, extra),
        };
        MergeError::CounterOverflow {
            primary: p.id.clone(),
            secondary: s.id.clone(),
            property: DEAL_COUNT.into(),
            primary_value: pv.to_string(),
            secondary_value: sv.to_string(),
        }
    })?;
    if total == 0 && p.trimmed(DEAL_COUNT).is_none() && s.trimmed(DEAL_COUNT).is_none() {
        return Ok(Decision::take(
            DEAL_COUNT,
            p,
            s,
            Side::Primary,
            RULE,
            "neither contact has a deal",
        ));
    }
    let why = match unlisted {
        None => why!("the deals of both contacts, each once: {total}"),
        Some((_, side)) => why!(
            "the {listed} deals listed, each once, and the {extra} of the {side}, whose deals the file does not list"
        ),
    };
    Ok(Decision::new(
        DEAL_COUNT,
        Some(total.to_string()),
        RULE,
        why,
    ))
}
