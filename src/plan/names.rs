//! The plan's ids numbered once, before the plan runs, and the contacts
//! they lead to as it runs.
//!
//! Every id of the plan is hashed once here; from then on a pair is two
//! numbers, each naming the contact its id reached in the export as read,
//! and merges are followed from contact to contact ([`Links`]): what the
//! plan's run does for each pair is array reads, not string-keyed lookups.

use super::{Plan, Redirects};

/// No contact (an id the export does not hold), or no id.
pub(super) const NONE: u32 = u32::MAX;

/// A contact's or an id's number as the arrays here hold it.
pub(super) fn num(i: usize) -> u32 {
    u32::try_from(i)
        .ok()
        .filter(|&n| n != NONE)
        .expect("fewer than 4 billion contacts and ids")
}

/// A plan with its ids numbered in the order the plan first names them,
/// each hashed once. The streamed way numbers them while the export's
/// dates are decided.
pub struct Numbered<'p> {
    pub plan: &'p Plan,
    /// Per number, its id.
    ids: Vec<&'p str>,
    /// Per pair, the numbers of its primary's and its secondary's ids.
    pairs: Vec<[u32; 2]>,
    /// Per id: the last pair naming it.
    last: Vec<u32>,
}

impl<'p> Numbered<'p> {
    pub fn new(plan: &'p Plan) -> Self {
        let mut numbers: rustc_hash::FxHashMap<&str, u32> =
            rustc_hash::FxHashMap::with_capacity_and_hasher(
                2 * plan.pairs.len(),
                Default::default(),
            );
        let mut ids: Vec<&str> = Vec::with_capacity(2 * plan.pairs.len());
        let mut last = Vec::with_capacity(2 * plan.pairs.len());
        let mut pairs = Vec::with_capacity(plan.pairs.len());
        for (k, pair) in plan.pairs.iter().enumerate() {
            let k = num(k);
            let mut both = [NONE; 2];
            for (n, id) in both.iter_mut().zip([&pair.primary, &pair.secondary]) {
                *n = *numbers.entry(id.as_str()).or_insert_with(|| {
                    ids.push(id.as_str());
                    last.push(k);
                    num(ids.len() - 1)
                });
                last[*n as usize] = k;
            }
            pairs.push(both);
        }
        Numbered {
            plan,
            ids,
            pairs,
            last,
        }
    }
}

/// The plan's ids, numbered in the order the plan first names them.
pub(super) struct Names {
    /// Per pair, the numbers of its primary's and its secondary's ids.
    pub(super) pairs: Vec<[u32; 2]>,
    /// Per id: the contact it names in the export as read, through the
    /// export's own redirects (`hs_merged_object_ids`), or [`NONE`].
    pub(super) reach: Vec<u32>,
    /// Per id: whether two contacts of the export claim it (a contested id
    /// names no contact), or it is a contact another lists as merged into
    /// it (a stale copy, refused too).
    pub(super) contested: Vec<bool>,
    /// Per id: the last pair naming it.
    pub(super) last: Vec<u32>,
}

impl Names {
    /// Find the contact each of the plan's ids reaches: through
    /// `redirects` (the export's own, before any pair runs), then `index`.
    pub(super) fn new(
        numbered: Numbered<'_>,
        redirects: &mut Redirects,
        index: impl Fn(&str) -> Option<usize>,
    ) -> Self {
        let Numbered {
            ids, pairs, last, ..
        } = numbered;
        // A stale copy names a contact, but one a plan may not use either.
        let contested = ids
            .iter()
            .map(|id| redirects.contested(id).is_some() || redirects.stale(id).is_some())
            .collect();
        let reach = ids
            .iter()
            .map(|id| index(&redirects.resolve(id)).map_or(NONE, num))
            .collect();
        Names {
            pairs,
            reach,
            contested,
            last,
        }
    }
}

/// Merged-away contacts → the contact that absorbed them: the plan's
/// redirects, by contact number. Following a chain gives the contact that
/// holds an id today; lookups shorten the paths they walk.
pub(super) struct Links {
    /// Per contact: [`NONE`] while it is in the export, [`Links::GONE`]
    /// when it was merged into a contact no later pair names, else the
    /// contact it was merged into.
    into: Vec<u32>,
}

impl Links {
    /// Merged into a contact no later pair names: nothing leads on.
    const GONE: u32 = u32::MAX - 1;

    /// A store of `count` contacts, none merged yet.
    pub(super) fn new(count: usize) -> Self {
        Links {
            into: vec![NONE; count],
        }
    }

    /// The contact that holds contact `c` today, if one does.
    pub(super) fn resolve(&mut self, c: u32) -> Option<usize> {
        if c == NONE {
            return None;
        }
        let mut end = c;
        loop {
            match self.into[end as usize] {
                NONE => break,
                Self::GONE => return None,
                next => end = next,
            }
        }
        // Point every contact on the path straight at the end.
        let mut cur = c;
        while cur != end {
            let next = std::mem::replace(&mut self.into[cur as usize], end);
            cur = next;
        }
        Some(end as usize)
    }

    /// Contact `si` was merged into `pi`; `named_later`: whether a later
    /// pair may reach it (when not, nothing needs to lead on).
    pub(super) fn merged(&mut self, si: usize, pi: usize, named_later: bool) {
        self.into[si] = if named_later { num(pi) } else { Self::GONE };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::tests::plan;

    #[test]
    fn ids_are_numbered_once_and_reach_their_contacts() {
        let index = |id: &str| id.strip_prefix('c').and_then(|n| n.parse::<usize>().ok());
        let mut r = Redirects::new();
        r.claim("m9", "c3");
        r.claim("m8", "c1");
        r.claim("m8", "c2");
        let p = plan(&[("c0", "c1"), ("m9", "c0"), ("u1", "m8")]);
        let names = Names::new(Numbered::new(&p), &mut r, index);
        assert_eq!(names.pairs, vec![[0, 1], [2, 0], [3, 4]]);
        assert_eq!(names.reach, vec![0, 1, 3, NONE, 1]);
        assert_eq!(names.contested, vec![false, false, false, false, true]);
        assert_eq!(names.last, vec![1, 0, 1, 2, 2]);
    }

    #[test]
    fn links_follow_chains_and_stop_at_a_contact_gone() {
        let mut l = Links::new(5);
        l.merged(1, 0, true);
        l.merged(0, 2, true);
        l.merged(3, 4, false);
        assert_eq!(l.resolve(1), Some(2));
        assert_eq!(l.resolve(0), Some(2));
        assert_eq!(l.resolve(2), Some(2));
        assert_eq!(l.resolve(3), None);
        assert_eq!(l.resolve(4), Some(4));
        assert_eq!(l.resolve(NONE), None);
        assert_eq!(l.into[1], 2, "the path was shortened");
    }
}
