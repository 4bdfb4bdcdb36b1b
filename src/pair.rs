//! Whether two contacts can be merged: the checks every path makes before
//! the rules run (a single merge, a plan in memory, a plan streamed). Each
//! caller words the refusal in its own terms ([`crate::error::MergeError`],
//! [`crate::plan::PairProblem`]); the decisions are made here only.

use serde_json::Value;

use crate::model::{key, Contact};

/// The side of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Primary,
    Secondary,
}

/// Why a pair's ids do not name two contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdProblem {
    /// Both sides name the same id.
    SameId,
    /// This side's id names no contact.
    Missing(Side),
    /// Both ids name one contact (one was merged into the other before).
    SameContact,
}

/// Both sides of a pair name one id: a contact cannot be merged into
/// itself.
pub fn same_id(primary: &str, secondary: &str) -> bool {
    primary == secondary
}

/// The two contacts a pair names, given the ids as written and where each
/// was found (`None`: not a contact). Checked in this order: one id on
/// both sides, the primary missing, the secondary missing, one contact.
pub fn both<T: PartialEq>(
    primary: &str,
    secondary: &str,
    found: (Option<T>, Option<T>),
) -> Result<(T, T), IdProblem> {
    if same_id(primary, secondary) {
        return Err(IdProblem::SameId);
    }
    match found {
        (None, _) => Err(IdProblem::Missing(Side::Primary)),
        (_, None) => Err(IdProblem::Missing(Side::Secondary)),
        (Some(p), Some(s)) if p == s => Err(IdProblem::SameContact),
        (Some(p), Some(s)) => Ok((p, s)),
    }
}

/// The `archived` value of an archived contact (`"archived": true`, or the
/// text `"true"`): HubSpot merges only live records (SPEC section 4).
pub fn archived(c: &Contact) -> Option<&Value> {
    let value = c.sections.get(key::ARCHIVED)?;
    let yes = match value {
        Value::Bool(b) => *b,
        Value::String(t) => t.trim().eq_ignore_ascii_case("true"),
        _ => false,
    };
    yes.then_some(value)
}

/// How many merges the two contacts together already took part in, when
/// that reaches the limit `max` (HubSpot refuses the merge then).
pub fn over_limit(p: &Contact, s: &Contact, max: usize) -> Option<usize> {
    let count = crate::rules::merge_count(p, s);
    (count >= max).then_some(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_checks_the_ids_in_order() {
        assert_eq!(both("1", "1", (Some(0), Some(0))), Err(IdProblem::SameId));
        assert_eq!(
            both("1", "2", (None::<usize>, None)),
            Err(IdProblem::Missing(Side::Primary))
        );
        assert_eq!(
            both("1", "2", (Some(0), None)),
            Err(IdProblem::Missing(Side::Secondary))
        );
        assert_eq!(
            both("1", "2", (Some(3), Some(3))),
            Err(IdProblem::SameContact)
        );
        assert_eq!(both("1", "2", (Some(3), Some(4))), Ok((3, 4)));
    }
}
