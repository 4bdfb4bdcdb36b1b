//! Candidate pairs, contact by contact, without holding them all.
//!
//! A million contacts make tens of millions of candidate pairs, and a pair
//! sharing several keys comes from each of them. Rather than collecting
//! every pair and removing repeats (hundreds of megabytes), the blocks are
//! kept as lists of contacts ([`block::Blocks`]) with, for each contact,
//! the blocks it is in. The candidates of contact `i` are then the members
//! `j > i` of its blocks and its neighbours in the sorted orders, sorted
//! and each once: a small list, made again whenever it is needed. Every
//! pair `(i, j)`, `i < j`, comes exactly once, from `i`, in the order of
//! `(i, j)`; contacts are independent, so the work splits over the cores.

use std::collections::HashMap;
use std::ops::Range;

use super::block::{self, Blocks};
use super::compare::{pattern, Comp};
use super::parallel::par_ranges_dynamic;
use super::record::{Records, NONE};

/// The candidate pairs of a file, made contact by contact.
#[derive(Debug)]
pub struct Candidates {
    blocks: Blocks,
    /// The blocks each contact is in: `blocks_of[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    blocks_of: Vec<u32>,
}

impl Candidates {
    /// The blocks of `rs` and the index from contact to blocks.
    pub fn new(rs: &Records, opts: block::Options) -> Candidates {
        let blocks = block::all_blocks(rs, opts);
        let list = &blocks.list;
        let mut starts = vec![0u32; rs.len() + 1];
        for &i in &list.members {
            starts[i as usize + 1] += 1;
        }
        for i in 0..rs.len() {
            starts[i + 1] += starts[i];
        }
        let mut next: Vec<u32> = starts[..rs.len()].to_vec();
        let mut blocks_of = vec![0u32; list.members.len()];
        for b in 0..list.len() {
            for &i in list.block(b) {
                blocks_of[next[i as usize] as usize] = b;
                next[i as usize] += 1;
            }
        }
        Candidates {
            blocks,
            starts,
            blocks_of,
        }
    }

    /// Blocks skipped as too big (the stats' `candidates` is 0: see
    /// [`Candidates::count`]).
    pub fn stats(&self) -> block::Stats {
        self.blocks.stats.clone()
    }

    /// The candidates `j > i` of contact `i`, sorted, each once, into
    /// `out` (cleared first).
    pub fn of(&self, rs: &Records, i: u32, out: &mut Vec<u32>) {
        out.clear();
        let list = &self.blocks.list;
        let no_zip = |j: u32| rs.records[j as usize].zip == NONE;
        let range = self.starts[i as usize] as usize..self.starts[i as usize + 1] as usize;
        for &b in &self.blocks_of[range] {
            let members = list.block(b);
            // Members are sorted: those after `i`.
            let after = members.partition_point(|&j| j <= i);
            if self.blocks.no_zip_blocks.contains(&b) && !no_zip(i) {
                out.extend(members[after..].iter().filter(|&&j| no_zip(j)));
            } else {
                out.extend_from_slice(&members[after..]);
            }
        }
        let w = self.blocks.window.saturating_sub(1);
        for o in &self.blocks.orders {
            let p = o.position[i as usize];
            if p == u32::MAX {
                continue;
            }
            let (p, n) = (p as usize, o.order.len());
            let near = &o.order[p.saturating_sub(w)..(p + w + 1).min(n)];
            out.extend(near.iter().filter(|&&j| j > i));
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Call `f(i, j)` for every candidate pair of the contacts in `range`,
    /// in order.
    pub fn for_each_in(&self, rs: &Records, range: Range<usize>, f: &mut dyn FnMut(u32, u32)) {
        let mut buf = Vec::new();
        for i in range {
            self.of(rs, i as u32, &mut buf);
            for &j in &buf {
                f(i as u32, j);
            }
        }
    }

    /// How many distinct candidate pairs there are (on all cores).
    pub fn count(&self, rs: &Records) -> u64 {
        par_ranges_dynamic(rs.len(), |range| {
            let mut buf = Vec::new();
            range
                .map(|i| {
                    self.of(rs, i as u32, &mut buf);
                    buf.len() as u64
                })
                .sum::<u64>()
        })
        .into_iter()
        .sum()
    }

    /// Every candidate pair as `i << 32 | j`, `i < j`, sorted: for tests
    /// and small files only (a large file's pairs take much memory).
    pub fn all(&self, rs: &Records) -> Vec<u64> {
        let mut pairs = Vec::new();
        self.for_each_in(rs, 0..rs.len(), &mut |i, j| {
            pairs.push((i as u64) << 32 | j as u64)
        });
        pairs
    }

    /// The comparison patterns of the candidate pairs and how often each
    /// occurs, sorted by pattern (on all cores; the counts are exact, so
    /// the result does not depend on how the work was split).
    pub fn pattern_counts(&self, rs: &Records, comps: &[Comp]) -> Vec<(u64, f64)> {
        let parts = par_ranges_dynamic(rs.len(), |range| {
            let mut counts: HashMap<u64, u64> = HashMap::new();
            self.for_each_in(rs, range, &mut |i, j| {
                let (a, b) = (&rs.records[i as usize], &rs.records[j as usize]);
                *counts.entry(pattern(rs, comps, a, b)).or_insert(0) += 1;
            });
            counts
        });
        let mut counts: HashMap<u64, u64> = HashMap::new();
        for part in parts {
            for (p, n) in part {
                *counts.entry(p).or_insert(0) += n;
            }
        }
        let mut patterns: Vec<(u64, f64)> =
            counts.into_iter().map(|(p, n)| (p, n as f64)).collect();
        patterns.sort_unstable_by_key(|x| x.0);
        patterns
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dupes::record::tests::records;

    /// The pairs the blocks make, with repeats removed the slow way.
    fn by_blocks(rs: &Records, opts: block::Options) -> Vec<u64> {
        let blocks = block::all_blocks(rs, opts);
        let mut pairs = Vec::new();
        blocks.for_each_pair(rs, &mut |i, j| pairs.push((i as u64) << 32 | j as u64));
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    fn people() -> Records {
        let rows: Vec<Vec<(String, String)>> = (0..60)
            .map(|i| {
                vec![
                    ("firstname".into(), ["ann", "bob", "cy"][i % 3].into()),
                    ("lastname".into(), ["lee", "ray"][i % 2].into()),
                    (
                        "zip".into(),
                        if i % 4 == 0 {
                            String::new()
                        } else {
                            format!("0{}", i % 5)
                        },
                    ),
                    ("city".into(), ["boston", "salem"][i % 2].into()),
                    ("email".into(), format!("p{}@x.com", i % 23)),
                    ("phone".into(), format!("617555{:04}", i % 17)),
                    ("company".into(), ["acme", "globex", ""][i % 3].into()),
                ]
            })
            .collect();
        let refs: Vec<Vec<(&str, &str)>> = rows
            .iter()
            .map(|p| p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
            .collect();
        let slices: Vec<&[(&str, &str)]> = refs.iter().map(|p| &p[..]).collect();
        records(&slices)
    }

    /// Contact by contact, each pair comes once, and the pairs are those
    /// of the blocks and orders (the no-postal-code rule included).
    #[test]
    fn each_pair_once_and_the_same_pairs() {
        let rs = people();
        for opts in [
            block::Options::default(),
            block::Options {
                max_block: 4,
                window: 3,
            },
            block::Options {
                max_block: 200,
                window: 0,
            },
        ] {
            let c = Candidates::new(&rs, opts);
            let all = c.all(&rs);
            let mut sorted = all.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(all, sorted, "sorted, no repeats");
            assert_eq!(all, by_blocks(&rs, opts));
            assert_eq!(c.count(&rs), all.len() as u64);
            assert!(!all.is_empty());
        }
    }

    /// Pattern counts add up to the pairs, whatever the split.
    #[test]
    fn pattern_counts_cover_every_pair() {
        let rs = people();
        let c = Candidates::new(&rs, block::Options::default());
        let comps = crate::dupes::compare::comps(&rs);
        let counts = c.pattern_counts(&rs, &comps);
        let total: f64 = counts.iter().map(|x| x.1).sum();
        assert_eq!(total as u64, c.count(&rs));
        assert!(counts.windows(2).all(|w| w[0].0 < w[1].0));
        let mut by_hand: HashMap<u64, u64> = HashMap::new();
        for p in c.all(&rs) {
            let (a, b) = (
                &rs.records[(p >> 32) as usize],
                &rs.records[p as u32 as usize],
            );
            *by_hand.entry(pattern(&rs, &comps, a, b)).or_insert(0) += 1;
        }
        for (p, n) in counts {
            assert_eq!(by_hand[&p] as f64, n);
        }
    }
}
