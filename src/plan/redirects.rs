//! Following merged-away ids to the contact that holds them today.

use std::borrow::Cow;

use super::MERGED_IDS;
use crate::model::{split_multi, Contact, Export};

/// Merged-away id → the id of the contact that absorbed it. Following a
/// chain (A into B, then B into C) gives the contact that holds A today.
/// Lookups compress the paths they walk, so long chains stay cheap.
#[derive(Debug, Clone, Default)]
pub struct Redirects {
    pub(super) to: rustc_hash::FxHashMap<String, String>,
    /// Merged-away ids that two contacts of the export claim (both list
    /// them in `hs_merged_object_ids`): id → the first two claimants.
    contested: rustc_hash::FxHashMap<String, [String; 2]>,
    /// Contacts of the export that another contact lists in its
    /// `hs_merged_object_ids`: a copy from before that merge (a pull that
    /// ran while contacts were merged in the portal). Id → the first
    /// contact that lists it.
    stale: rustc_hash::FxHashMap<String, String>,
}

impl Redirects {
    pub fn new() -> Self {
        Self::default()
    }

    /// Room for `n` redirects (a plan of `n` pairs makes at most `n`).
    pub fn with_capacity(n: usize) -> Self {
        Redirects {
            to: rustc_hash::FxHashMap::with_capacity_and_hasher(n, Default::default()),
            contested: Default::default(),
            stale: Default::default(),
        }
    }

    /// The redirects HubSpot keeps for merges made before the export: every
    /// id in a contact's `hs_merged_object_ids` that is not itself a
    /// contact of the export points at that contact (the first one, in
    /// export order, when several claim it: see [`Redirects::claim`]).
    pub fn from_export(export: &Export) -> Self {
        let live: std::collections::HashSet<&str> =
            export.contacts.iter().map(|c| c.id.as_str()).collect();
        Self::seeded(&export.contacts, |id| live.contains(id))
    }

    /// [`Redirects::from_export`] with the export's ids already indexed.
    pub(crate) fn seeded(contacts: &[Contact], is_contact: impl Fn(&str) -> bool) -> Self {
        let mut r = Redirects::new();
        for c in contacts {
            for id in split_multi(c.prop(MERGED_IDS).unwrap_or("")) {
                if !is_contact(id) {
                    r.claim(id, &c.id);
                } else {
                    r.stale_copy(id, &c.id);
                }
            }
        }
        r
    }

    /// Contact `owner` of the export lists `merged_id` (no contact of the
    /// export) in its `hs_merged_object_ids`. The first claim redirects
    /// the id; a claim by another contact marks it contested, so that a
    /// plan naming it is refused rather than sent to whichever came first.
    pub fn claim(&mut self, merged_id: &str, owner: &str) {
        match self.to.get(merged_id) {
            None => {
                self.to.insert(merged_id.to_string(), owner.to_string());
            }
            Some(first) if first != owner => {
                let first = first.clone();
                self.contested
                    .entry(merged_id.to_string())
                    .or_insert_with(|| [first, owner.to_string()]);
            }
            Some(_) => {}
        }
    }

    /// Contact `id` of the export is listed by contact `holder` as merged
    /// into it: the export holds a copy of `id` from before that merge
    /// (one contact listing its own id is no such copy).
    pub fn stale_copy(&mut self, id: &str, holder: &str) {
        if id != holder {
            self.stale
                .entry(id.to_string())
                .or_insert_with(|| holder.to_string());
        }
    }

    /// The contact that lists `id`, a contact of the export, as merged
    /// into it ([`Redirects::stale_copy`]): a plan naming `id` is refused,
    /// as HubSpot, where `id` now leads to that contact, would refuse it.
    pub fn stale(&self, id: &str) -> Option<&str> {
        self.stale.get(id).map(String::as_str)
    }

    /// When `id` is a merged-away id that two contacts of the export claim:
    /// the first two claimants. Such an id is refused wherever a plan names
    /// it, even after the plan merged its claimants: which pairs a plan
    /// runs side by side then need not know about it.
    pub fn contested(&self, id: &str) -> Option<(String, String)> {
        self.contested.get(id).map(|[a, b]| (a.clone(), b.clone()))
    }

    /// Record that `from` was merged into `to`.
    pub fn record(&mut self, from: &str, to: &str) {
        if from != to {
            self.to.insert(from.to_string(), to.to_string());
        }
    }

    /// Where an id was merged into, directly (one step), if it was.
    pub fn target(&self, id: &str) -> Option<&str> {
        self.to.get(id).map(String::as_str)
    }

    /// The id an id stands for today: itself when it was never merged away,
    /// else the end of its chain of redirects.
    pub fn resolve<'i>(&mut self, id: &'i str) -> Cow<'i, str> {
        let Some(first) = self.to.get(id) else {
            // Most ids were never merged away.
            return Cow::Borrowed(id);
        };
        let mut end = first.as_str();
        // A chain can be no longer than the number of redirects; the bound
        // keeps a malformed cycle from looping forever.
        for _ in 0..self.to.len() {
            match self.to.get(end) {
                Some(next) => end = next,
                None => break,
            }
        }
        let end = end.to_string();
        // Point every id on the path straight at the end.
        let mut cur = id.to_string();
        while let Some(next) = self.to.get(&cur).cloned() {
            if next == end {
                break;
            }
            self.to.insert(cur, end.clone());
            cur = next;
        }
        Cow::Owned(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_follow_chains_and_compress_them() {
        let mut r = Redirects::new();
        r.record("a", "b");
        r.record("b", "c");
        r.record("c", "d");
        r.record("x", "x");
        assert_eq!(r.resolve("a"), "d");
        assert_eq!(r.target("a"), Some("d"));
        assert_eq!(r.target("b"), Some("d"));
        assert_eq!(r.resolve("c"), "d");
        assert_eq!(r.resolve("d"), "d");
        assert_eq!(r.resolve("x"), "x");
        assert_eq!(r.resolve("unknown"), "unknown");
    }

    #[test]
    fn a_merged_id_two_contacts_claim_is_contested() {
        let mut r = Redirects::new();
        r.claim("77", "1");
        r.claim("77", "1");
        r.claim("78", "2");
        r.claim("77", "2");
        r.claim("77", "3");
        assert_eq!(r.resolve("77"), "1");
        assert_eq!(r.contested("77"), Some(("1".into(), "2".into())));
        assert_eq!(r.contested("78"), None);
        assert_eq!(r.contested("1"), None);
    }

    #[test]
    fn redirects_stop_on_a_cycle() {
        let mut r = Redirects::new();
        r.record("a", "b");
        r.record("b", "a");
        let end = r.resolve("a");
        assert!(end == "a" || end == "b");
    }
}
