//! The ids the plan names, looked up for every record the first pass reads.

use rustc_hash::FxHashMap as HashMap;

use crate::plan::Plan;

/// The ids the plan names, as the first pass looks each record's id up:
/// with, for a pair whose two ids no other pair names (most pairs of a
/// dedupe plan, merged early), its number and side.
pub(super) struct Wanted<'p> {
    /// Id → `2 × pair + 1` for a primary of such a pair, `2 × pair + 2`
    /// for its secondary, 0 for the others.
    pub(super) ids: HashMap<&'p str, u32>,
    /// A filter of the ids' hashes (two bits an id, in one word): most
    /// records of an export are not the plan's, and this says so without a
    /// look into the map. Small, so that it stays in the core's cache while
    /// the file streams through (at 16 bits an id, 512 KB for 200,000 ids,
    /// nearly every look missed it: 4% of a 1M-contact CSV apply's time).
    pub(super) seen: Box<[u64]>,
    /// `seen` has `2^bits` bits: the hash's top bits pick the word.
    bits: u32,
    /// How many pairs are isolated.
    pub(super) isolated: usize,
}

/// Where an isolated pair's contact stands: its pair's number and whether
/// it is the primary.
pub(super) type Side = (usize, bool);

impl<'p> Wanted<'p> {
    /// `seen` has about this many bits per id (about one in ten records
    /// the plan does not name is looked up in the map), within these
    /// bounds.
    const BITS_PER_ID: usize = 5;
    const MIN_BITS: u32 = 16;
    const MAX_BITS: u32 = 26;

    /// The plan's ids; its isolated pairs marked when `early`.
    pub(super) fn new(plan: &'p Plan, early: bool) -> Self {
        let tag = |k: usize, side: u32| {
            u32::try_from(2 * k + side as usize).expect("fewer than 2 billion pairs")
        };
        // Each id with its pair's tag when one pair names it (once), else
        // 0; then a pair is isolated when both its ids kept its tags.
        let mut ids: HashMap<&str, u32> = HashMap::default();
        ids.reserve(2 * plan.pairs.len());
        for (k, p) in plan.pairs.iter().enumerate() {
            for (id, side) in [(&p.primary, 1), (&p.secondary, 2)] {
                ids.entry(id.as_str())
                    .and_modify(|t| *t = 0)
                    .or_insert(if early { tag(k, side) } else { 0 });
            }
        }
        let mut isolated = 0;
        for (k, p) in plan.pairs.iter().enumerate() {
            let alone = early
                && ids[p.primary.as_str()] == tag(k, 1)
                && ids[p.secondary.as_str()] == tag(k, 2);
            if alone {
                isolated += 1;
                continue;
            }
            for id in [&p.primary, &p.secondary] {
                if let Some(t) = ids.get_mut(id.as_str()) {
                    *t = 0;
                }
            }
        }
        let want = (ids.len() * Self::BITS_PER_ID).max(1).next_power_of_two();
        let bits = want.trailing_zeros().clamp(Self::MIN_BITS, Self::MAX_BITS);
        let mut seen = vec![0u64; 1 << (bits - 6)].into_boxed_slice();
        for id in ids.keys() {
            let (word, mask) = Self::bits(id, bits);
            seen[word] |= mask;
        }
        Wanted {
            ids,
            seen,
            bits,
            isolated,
        }
    }

    /// The word of `seen` an id falls in, and its two bits there.
    fn bits(id: &str, bits: u32) -> (usize, u64) {
        use std::hash::BuildHasher;
        let h = rustc_hash::FxBuildHasher.hash_one(id);
        let word = (h >> (64 - bits + 6)) as usize;
        (word, 1 << (h & 63) | 1 << ((h >> 6) & 63))
    }

    /// Whether the plan names `id`, and its side when its pair is isolated.
    pub(super) fn get(&self, id: &str) -> Option<Option<Side>> {
        let (word, mask) = Self::bits(id, self.bits);
        if self.seen[word] & mask != mask {
            return None;
        }
        let t = *self.ids.get(id)? as usize;
        Some(t.checked_sub(1).map(|t| (t / 2, t % 2 == 0)))
    }

    pub(super) fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    pub(super) fn len(&self) -> usize {
        self.ids.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolated_pairs_are_those_whose_ids_no_other_pair_names() {
        let plan = Plan::csv(
            "p.csv",
            [
                ("1", "2"),
                ("3", "4"),
                ("5", "3"),
                ("6", "6"),
                ("7", "8"),
                ("9", "10"),
                ("11", "10"),
            ],
        );
        let wanted = Wanted::new(&plan, true);
        let ids = [
            "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "98",
        ];
        let sides: Vec<_> = ids.into_iter().map(|id| wanted.get(id)).collect();
        assert_eq!(
            sides,
            [
                Some(Some((0, true))),
                Some(Some((0, false))),
                Some(None),
                Some(None),
                Some(None),
                Some(None),
                Some(Some((4, true))),
                Some(Some((4, false))),
                Some(None),
                Some(None),
                Some(None),
                None,
            ]
        );
        assert_eq!(wanted.isolated, 2);
        // With a journal, none is.
        let journaled = Wanted::new(&plan, false);
        assert_eq!(journaled.get("1"), Some(None));
        assert_eq!(journaled.isolated, 0);
        assert_eq!(journaled.len(), 11);
    }

    /// The filter lets few ids the plan does not name through to the map
    /// (each such look costs a miss of the cache), and never stops one it
    /// names.
    #[test]
    fn few_ids_the_plan_does_not_name_pass_the_filter() {
        let plan = Plan::csv(
            "p.csv",
            (0..20_000u64).map(|k| ((3 * k).to_string(), (3 * k + 1).to_string())),
        );
        let wanted = Wanted::new(&plan, false);
        let passes = |id: &str| {
            let (word, mask) = Wanted::bits(id, wanted.bits);
            wanted.seen[word] & mask == mask
        };
        assert!(plan
            .pairs
            .iter()
            .all(|p| passes(&p.primary) && passes(&p.secondary)));
        let others = (0..200_000u64).map(|k| (1_000_000 + 7 * k).to_string());
        let through = others.filter(|id| passes(id)).count();
        assert!(through < 30_000, "{through} of 200000 passed");
    }
}
