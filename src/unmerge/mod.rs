//! Unmerge (SPEC section 5): split an additional email off into a new
//! contact, as HubSpot allows, and, beyond HubSpot, restore a merge from the
//! journal: the secondary comes back as it was and the primary returns to
//! its state before the merge, three-way, keeping what changed since.

use crate::model::Export;

mod error;
mod restore;
mod split;
#[cfg(test)]
mod tests;
mod three_way;

pub use error::{CounterError, CounterSource, EmailTaken, LaterMerge, OtherContact, UnmergeError};
pub use restore::{restore, restore_from, Conflict, RestoreReport};
pub use split::{next_free_id, split_off, SplitReport};

use crate::hubspot::property::{ADDITIONAL_EMAILS, EMAIL, LEGAL_BASIS, OBJECT_ID};

/// The contact of the export whose `hs_merged_object_ids` holds `id`.
pub(super) fn absorber_of<'a>(export: &'a Export, id: &str) -> Option<&'a str> {
    export
        .contacts
        .iter()
        .find(|c| c.lists_merged_id(id))
        .map(|c| c.id.as_str())
}

pub(super) fn contact_index(export: &Export, id: &str) -> Result<usize, UnmergeError> {
    export
        .position(id)
        .ok_or_else(|| UnmergeError::UnknownContact {
            id: id.into(),
            merged_into: crate::merge::merged_into(export, id),
        })
}
