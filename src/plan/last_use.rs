//! When each contact is named by the plan for the last time.

use super::names::{Names, NONE};

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
    /// Per contact (store number), the last pair naming an id of its
    /// family (0 when none does).
    pub(super) family: Vec<u32>,
}

impl LastUse {
    /// The families as the export holds them, over a store of `count`
    /// contacts: each id of the plan joins the contact it reaches (a
    /// contested id too, which only errs on the side of keeping).
    pub(super) fn new(names: &Names, count: usize) -> Self {
        let mut family = vec![0; count];
        for (&c, &k) in names.reach.iter().zip(&names.last) {
            if c != NONE {
                let last = &mut family[c as usize];
                *last = (*last).max(k);
            }
        }
        LastUse { family }
    }

    /// The pair numbered `at` merges contact `si` into `pi`: whether a
    /// later pair may name the result.
    pub(super) fn merge(&mut self, at: usize, pi: usize, si: usize) -> bool {
        let joined = self.family[pi].max(self.family[si]);
        self.family[pi] = joined;
        joined as usize > at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::tests::plan;
    use crate::plan::{Plan, Redirects};

    /// The last uses of a plan's pairs over contacts `c0`, `c1`, ...
    fn last_use(plan: &Plan, redirects: &Redirects, count: usize) -> LastUse {
        let index = |id: &str| id.strip_prefix('c').and_then(|n| n.parse::<usize>().ok());
        let numbered = crate::plan::Numbered::new(plan);
        LastUse::new(&Names::new(numbered, &mut redirects.clone(), index), count)
    }

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
            let mut last_use = last_use(&plan, &redirects, 6);
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
                let named_later = last_use.merge(k, pi, si);
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
        // A chain: c0 absorbs c1, then c2.
        let p = plan(&[("c0", "c1"), ("c0", "c2")]);
        let mut u = last_use(&p, &Redirects::new(), 6);
        assert!(u.merge(0, 0, 1));
        assert!(!u.merge(1, 0, 2));
        // A later pair names the absorbed id; then the absorber is absorbed.
        let p = plan(&[("c0", "c1"), ("c2", "c0"), ("c1", "c3")]);
        let mut u = last_use(&p, &Redirects::new(), 6);
        assert!(u.merge(0, 0, 1));
        assert!(u.merge(1, 2, 0), "c1 now resolves to c2");
        // An id merged before the export (c3 lists m9).
        let mut r = Redirects::new();
        r.record("m9", "c3");
        let p = plan(&[("c3", "c4"), ("m9", "c5")]);
        let mut u = last_use(&p, &r, 6);
        assert!(u.merge(0, 3, 4));
        // Nobody names the result again.
        let p = plan(&[("c0", "c1"), ("c2", "c3")]);
        let mut u = last_use(&p, &Redirects::new(), 6);
        assert!(!u.merge(0, 0, 1));
        assert!(!u.merge(1, 2, 3));
    }
}
