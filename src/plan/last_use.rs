//! When each contact is named by the plan for the last time.

use super::{Plan, Redirects};

/// When each contact is named by the plan for the last time, to know
/// whether a merged contact will be merged again or only written out.
///
/// A later pair can reach a contact only through an id that resolves to
/// it: its own id, the ids merged into it (by the plan or, through
/// `hs_merged_object_ids`, before the export), and those of the contacts it
/// absorbs later, which a pair naming one of its ids absorbs. So the last
/// pair that may reach a contact is the last one naming any id of its
/// family; merging S into P joins their families. Pairs that are refused
/// or skipped still count (it only errs on the side of keeping).
pub(super) struct LastUse {
    /// The last pair naming each id, by the id's hash: two ids whose
    /// hashes collide share the later of their last pairs, which only errs
    /// on the side of keeping, and a look needs no comparison of the id's
    /// bytes (a cache miss each, on the thread that picks the waves).
    pub(super) named: rustc_hash::FxHashMap<u64, usize>,
    /// Per contact (store number), the last pair naming an id of its
    /// family, where that is more than its own id.
    pub(super) family: rustc_hash::FxHashMap<usize, usize>,
}

/// An id's key in [`LastUse::named`].
fn key(id: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(id)
}

impl LastUse {
    pub(super) fn new(
        plan: &Plan,
        redirects: &Redirects,
        index: impl Fn(&str) -> Option<usize>,
    ) -> Self {
        let mut named: rustc_hash::FxHashMap<u64, usize> =
            rustc_hash::FxHashMap::with_capacity_and_hasher(
                2 * plan.pairs.len(),
                Default::default(),
            );
        for (k, pair) in plan.pairs.iter().enumerate() {
            // Pairs in order: the later pair overwrites, colliding or not.
            named.insert(key(&pair.primary), k);
            named.insert(key(&pair.secondary), k);
        }
        let mut family: rustc_hash::FxHashMap<usize, usize> =
            rustc_hash::FxHashMap::with_capacity_and_hasher(plan.pairs.len(), Default::default());
        for from in redirects.to.keys() {
            let Some(&k) = named.get(&key(from)) else {
                continue;
            };
            let mut end = from.as_str();
            for _ in 0..=redirects.to.len() {
                match redirects.to.get(end) {
                    Some(next) => end = next,
                    None => break,
                }
            }
            let Some(i) = index(end) else {
                continue;
            };
            let last = family.entry(i).or_insert(k);
            *last = (*last).max(k);
        }
        LastUse { named, family }
    }

    /// The pair numbered `at` merges contact `si` (id `rs`) into `pi` (id
    /// `rp`): whether a later pair may name the result.
    pub(super) fn merge(&mut self, at: usize, pi: usize, rp: &str, si: usize, rs: &str) -> bool {
        let last = |i: usize, id: &str| {
            let own = self.named.get(&key(id)).copied().unwrap_or(0);
            self.family.get(&i).map_or(own, |&f| f.max(own))
        };
        let joined = last(pi, rp).max(last(si, rs));
        self.family.insert(pi, joined);
        joined > at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::tests::plan;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Whenever a pair reaches a contact a pair before it merged, that
        /// merge was told a later pair may name it: through chains,
        /// redirects by the plan and by `hs_merged_object_ids`, refused
        /// merges, unknown ids.
        #[test]
        fn a_merged_contact_a_later_pair_reaches_was_known_to_be_named_later(
            claims in proptest::collection::vec(proptest::option::of(0usize..4), 6),
            pairs in proptest::collection::vec((0usize..12, 0usize..12, proptest::bool::weighted(0.1)), 0..24),
        ) {
            // Contacts c0..c5; c<i> may claim merged-away id m<j>; ids
            // m0..m3 are not contacts, u0..u1 are unknown.
            let id = |k: usize| match k {
                0..=5 => format!("c{k}"),
                6..=9 => format!("m{}", k - 6),
                _ => format!("u{}", k - 10),
            };
            let mut redirects = Redirects::new();
            for (i, claim) in claims.iter().enumerate() {
                if let Some(j) = claim {
                    if redirects.target(&format!("m{j}")).is_none() {
                        redirects.record(&format!("m{j}"), &format!("c{i}"));
                    }
                }
            }
            let plan = Plan::csv("plan.csv", pairs.iter().map(|(p, s, _)| (id(*p), id(*s))));
            let index = |id: &str| id.strip_prefix('c').and_then(|n| n.parse::<usize>().ok());
            let mut last_use = LastUse::new(&plan, &redirects, index);
            let mut alive = [true; 6];
            // The pair that last merged each contact, and what it was told.
            let mut merged_by: [Option<(usize, bool)>; 6] = [None; 6];
            for (k, pair) in plan.pairs.iter().enumerate() {
                let rp = redirects.resolve(&pair.primary);
                let rs = redirects.resolve(&pair.secondary);
                let (Some(pi), Some(si)) = (index(&rp), index(&rs)) else { continue };
                if pi == si || !alive[pi] || !alive[si] {
                    continue;
                }
                for i in [pi, si] {
                    if let Some((at, named_later)) = merged_by[i] {
                        proptest::prop_assert!(named_later, "pair {at} merged c{i}, pair {k} reaches it");
                    }
                }
                let named_later = last_use.merge(k, pi, &rp, si, &rs);
                if pairs[k].2 {
                    // Refused: nothing changes.
                    continue;
                }
                redirects.record(&rs, &rp);
                alive[si] = false;
                merged_by[pi] = Some((k, named_later));
            }
        }
    }

    #[test]
    fn last_use_follows_chains_redirects_and_claims() {
        let index = |id: &str| id.strip_prefix('c').and_then(|n| n.parse::<usize>().ok());
        // A chain: c0 absorbs c1, then c2.
        let p = plan(&[("c0", "c1"), ("c0", "c2")]);
        let mut u = LastUse::new(&p, &Redirects::new(), index);
        assert!(u.merge(0, 0, "c0", 1, "c1"));
        assert!(!u.merge(1, 0, "c0", 2, "c2"));
        // A later pair names the absorbed id; then the absorber is absorbed.
        let p = plan(&[("c0", "c1"), ("c2", "c0"), ("c1", "c3")]);
        let mut u = LastUse::new(&p, &Redirects::new(), index);
        assert!(u.merge(0, 0, "c0", 1, "c1"));
        assert!(u.merge(1, 2, "c2", 0, "c0"), "c1 now resolves to c2");
        // An id merged before the export (c3 lists m9).
        let mut r = Redirects::new();
        r.record("m9", "c3");
        let p = plan(&[("c3", "c4"), ("m9", "c5")]);
        let mut u = LastUse::new(&p, &r, index);
        assert!(u.merge(0, 3, "c3", 4, "c4"));
        // Nobody names the result again.
        let p = plan(&[("c0", "c1"), ("c2", "c3")]);
        let mut u = LastUse::new(&p, &Redirects::new(), index);
        assert!(!u.merge(0, 0, "c0", 1, "c1"));
        assert!(!u.merge(1, 2, "c2", 3, "c3"));
    }
}
