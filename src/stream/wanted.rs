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
    /// A bit per slice of the ids' hashes: most records of an export are
    /// not the plan's, and this says so without a look into the map.
    pub(super) seen: Box<[u64]>,
    /// How many of the hash's top bits pick the bit in `seen`.
    bits: u32,
    /// How many pairs are isolated.
    pub(super) isolated: usize,
}

/// Where an isolated pair's contact stands: its pair's number and whether
/// it is the primary.
pub(super) type Side = (usize, bool);

impl<'p> Wanted<'p> {
    /// `seen` has about this many bits per id (one in ~16 records the plan
    /// does not name is looked up in the map), within these bounds.
    const BITS_PER_ID: usize = 16;
    const MIN_BITS: u32 = 16;
    const MAX_BITS: u32 = 26;

    /// The plan's ids; its isolated pairs marked when `early`.
    pub(super) fn new(plan: &'p Plan, early: bool) -> Self {
        let mut named: HashMap<&str, u32> = HashMap::default();
        named.reserve(2 * plan.pairs.len());
        for p in &plan.pairs {
            *named.entry(&p.primary).or_default() += 1;
            *named.entry(&p.secondary).or_default() += 1;
        }
        let tag = |k: usize, side: u32| {
            u32::try_from(2 * k + side as usize).expect("fewer than 2 billion pairs")
        };
        let mut ids: HashMap<&str, u32> = HashMap::default();
        ids.reserve(named.len());
        let mut isolated = 0;
        for (k, p) in plan.pairs.iter().enumerate() {
            let alone = early
                && p.primary != p.secondary
                && named[p.primary.as_str()] == 1
                && named[p.secondary.as_str()] == 1;
            isolated += usize::from(alone);
            for (id, side) in [(&p.primary, 1), (&p.secondary, 2)] {
                let t = if alone { tag(k, side) } else { 0 };
                ids.entry(id.as_str()).or_insert(t);
            }
        }
        let want = (ids.len() * Self::BITS_PER_ID).max(1).next_power_of_two();
        let bits = want.trailing_zeros().clamp(Self::MIN_BITS, Self::MAX_BITS);
        let mut seen = vec![0u64; 1 << (bits - 6)].into_boxed_slice();
        for id in ids.keys() {
            let b = Self::bit(id, bits);
            seen[b / 64] |= 1 << (b % 64);
        }
        Wanted {
            ids,
            seen,
            bits,
            isolated,
        }
    }

    fn bit(id: &str, bits: u32) -> usize {
        use std::hash::BuildHasher;
        let h = rustc_hash::FxBuildHasher.hash_one(id);
        (h >> (64 - bits)) as usize
    }

    /// Whether the plan names `id`, and its side when its pair is isolated.
    pub(super) fn get(&self, id: &str) -> Option<Option<Side>> {
        let b = Self::bit(id, self.bits);
        if self.seen[b / 64] & (1 << (b % 64)) == 0 {
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
}
