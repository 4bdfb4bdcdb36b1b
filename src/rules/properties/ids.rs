//! The record's ids: its own (P's), the ids merged into it, and every id
//! of the merged record.

use super::{union_multi, ALL_VIDS, MERGED_OBJECT_IDS, OBJECT_ID};
use crate::model::Contact;
use crate::rules::seen::Seen;
use crate::rules::Decision;

/// Rule "object-id-primary": P's record id.
pub fn primary_object_id(p: &Seen, _s: &Seen) -> Decision {
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
pub fn merged_object_ids(p: &Seen, s: &Seen) -> Decision {
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

/// Rule "all-vids" (`hs_all_contact_vids`, HubSpot's list of every
/// record id of a contact, its own and those merged into it): P's list,
/// P's id, S's id, then S's list, `;`-separated, no duplicates; the
/// merged record is all of them. The default rule took one side's list,
/// so a merged contact could list only the secondary's id.
pub fn all_contact_vids(p: &Seen, s: &Seen) -> Decision {
    let list = union_multi(
        &[
            p.prop(ALL_VIDS),
            Some(p.id.as_str()),
            Some(s.id.as_str()),
            s.prop(ALL_VIDS),
        ],
        |id| id,
    );
    Decision::new(
        ALL_VIDS,
        Some(list.join(";")),
        "all-vids",
        why!(
            "the merged record is both: the secondary's id {} and its ids are added",
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
