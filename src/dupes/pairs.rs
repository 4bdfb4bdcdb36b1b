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

    /// [`Candidates::pattern_counts`], keeping each pair's pattern in about
    /// 0.6 bytes ([`KeptPatterns`]) for the scoring pass: a million
    /// contacts' 38 M pairs take 24 MB, and scoring them needs no
    /// comparison again.
    pub fn pattern_counts_kept(
        &self,
        rs: &Records,
        comps: &[Comp],
    ) -> (Vec<(u64, f64)>, Vec<KeptPatterns>) {
        let parts = par_ranges_dynamic(rs.len(), |range| {
            let mut counts: HashMap<u64, u64> = HashMap::new();
            let mut kept = Kept {
                table: Vec::new(),
                codes: CODES.with(|c| std::mem::take(&mut *c.borrow_mut())),
            };
            kept.codes.clear();
            let kept_range = range.clone();
            let mut code_of: HashMap<u64, u8> = HashMap::new();
            self.for_each_in(rs, range, &mut |i, j| {
                let (a, b) = (&rs.records[i as usize], &rs.records[j as usize]);
                let p = pattern(rs, comps, a, b);
                *counts.entry(p).or_insert(0) += 1;
                let code = match code_of.get(&p) {
                    Some(&c) => c,
                    None if kept.table.len() < KeptPatterns::OTHER as usize => {
                        let c = kept.table.len() as u8;
                        kept.table.push(p);
                        code_of.insert(p, c);
                        c
                    }
                    None => KeptPatterns::OTHER,
                };
                kept.codes.push(code);
            });
            let packed = KeptPatterns::new(kept_range, kept.table, &kept.codes);
            // The buffer serves this thread's next range.
            CODES.with(|c| *c.borrow_mut() = kept.codes);
            (counts, packed)
        });
        let mut counts: HashMap<u64, u64> = HashMap::new();
        let mut kept = Vec::with_capacity(parts.len());
        for (part, k) in parts {
            for (p, n) in part {
                *counts.entry(p).or_insert(0) += n;
            }
            kept.push(k);
        }
        let mut patterns: Vec<(u64, f64)> =
            counts.into_iter().map(|(p, n)| (p, n as f64)).collect();
        patterns.sort_unstable_by_key(|x| x.0);
        (patterns, kept)
    }

    /// Call `f(i, j, pattern)` for every candidate pair of `kept`'s
    /// contacts, in order: the pattern from `kept`, computed again only
    /// for a pair whose pattern did not fit its table.
    pub fn for_each_kept(
        &self,
        rs: &Records,
        comps: &[Comp],
        kept: &KeptPatterns,
        f: &mut dyn FnMut(u32, u32, u64),
    ) {
        let mut n = 0;
        self.for_each_in(rs, kept.range.clone(), &mut |i, j| {
            let p = match kept.code(&mut n) {
                KeptPatterns::OTHER => {
                    pattern(rs, comps, &rs.records[i as usize], &rs.records[j as usize])
                }
                c => kept.table[c as usize],
            };
            f(i, j, p);
        });
    }
}

thread_local! {
    /// Each thread's buffer of [`Kept::codes`], kept from range to range
    /// (a new one for each range would leave its old copies, as it grows,
    /// with the allocator).
    static CODES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A range's patterns as they are counted: the first 255 distinct in a
/// table, each pair as its index there (or [`KeptPatterns::OTHER`]).
struct Kept {
    table: Vec<u64>,
    codes: Vec<u8>,
}

/// The patterns of the candidate pairs of a range of contacts, in the
/// order the pairs come: up to 255 distinct patterns in a table, most
/// frequent first, and each pair as its index there (or
/// [`KeptPatterns::OTHER`]) in half-bytes: the 15 commonest patterns (87%
/// of the pairs of a million generated contacts) in one half-byte, the
/// others as a half-byte 15 and two more; about 0.6 bytes a pair.
#[derive(Debug)]
pub struct KeptPatterns {
    pub range: Range<usize>,
    table: Vec<u64>,
    nibbles: Vec<u8>,
}

impl KeptPatterns {
    /// A pair whose pattern is not in the table.
    pub const OTHER: u8 = u8::MAX;

    /// From a table (at most 255 patterns) and each pair's index there
    /// (or [`KeptPatterns::OTHER`]).
    fn new(range: Range<usize>, table: Vec<u64>, codes: &[u8]) -> KeptPatterns {
        let mut count = [0u64; 256];
        for &c in codes {
            count[c as usize] += 1;
        }
        let mut order: Vec<u8> = (0..table.len() as u8).collect();
        order.sort_by_key(|&c| (std::cmp::Reverse(count[c as usize]), c));
        let mut new_code = [Self::OTHER; 256];
        for (n, &c) in order.iter().enumerate() {
            new_code[c as usize] = n as u8;
        }
        // Sized once: the half-bytes of every code.
        let escaped: usize = order[order.len().min(15)..]
            .iter()
            .map(|&c| count[c as usize] as usize)
            .sum::<usize>()
            + count[Self::OTHER as usize] as usize;
        let halves = codes.len() + 2 * escaped;
        let mut out = KeptPatterns {
            range,
            table: order.iter().map(|&c| table[c as usize]).collect(),
            nibbles: Vec::with_capacity(halves.div_ceil(2)),
        };
        let mut n = 0usize;
        let mut push = |out: &mut KeptPatterns, x: u8| {
            if n % 2 == 0 {
                out.nibbles.push(x);
            } else {
                *out.nibbles.last_mut().expect("a half-filled byte") |= x << 4;
            }
            n += 1;
        };
        for &c in codes {
            let c = new_code[c as usize];
            if c < 15 {
                push(&mut out, c);
            } else {
                push(&mut out, 15);
                push(&mut out, c >> 4);
                push(&mut out, c & 15);
            }
        }
        debug_assert_eq!(n, halves);
        out
    }

    /// The half-byte at `n`.
    fn nibble(&self, n: usize) -> u8 {
        (self.nibbles[n / 2] >> (4 * (n % 2))) & 15
    }

    /// The code of the pair whose code starts at half-byte `n`; `n` moves
    /// to the next pair's.
    fn code(&self, n: &mut usize) -> u8 {
        let c = self.nibble(*n);
        if c < 15 {
            *n += 1;
            return c;
        }
        let c = self.nibble(*n + 1) << 4 | self.nibble(*n + 2);
        *n += 3;
        c
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

    /// Codes read back as written, in half-bytes and escaped alike.
    #[test]
    fn kept_codes_read_back() {
        let table: Vec<u64> = (0..40).map(|p| p * 7).collect();
        let mut rng = crate::dupes::parallel::Rng(3);
        let codes: Vec<u8> = (0..5001)
            .map(|_| match rng.below(10) {
                0 => KeptPatterns::OTHER,
                1..=5 => rng.below(3) as u8,
                _ => rng.below(40) as u8,
            })
            .collect();
        let k = KeptPatterns::new(0..1, table.clone(), &codes);
        assert!(k.nibbles.len() < codes.len(), "{}", k.nibbles.len());
        let mut n = 0;
        for &c in &codes {
            let got = k.code(&mut n);
            if c == KeptPatterns::OTHER {
                assert_eq!(got, KeptPatterns::OTHER);
            } else {
                assert_eq!(k.table[got as usize], table[c as usize]);
            }
        }
        assert_eq!(n.div_ceil(2), k.nibbles.len());
    }

    /// The kept patterns give every pair its own pattern, in order, also
    /// when a range has more patterns than its table holds.
    #[test]
    fn kept_patterns_are_the_pairs_patterns() {
        let rs = people();
        let c = Candidates::new(&rs, block::Options::default());
        let comps = crate::dupes::compare::comps(&rs);
        let (counts, kept) = c.pattern_counts_kept(&rs, &comps);
        assert_eq!(counts, c.pattern_counts(&rs, &comps));
        let mut got = Vec::new();
        for k in &kept {
            c.for_each_kept(&rs, &comps, k, &mut |i, j, p| got.push((i, j, p)));
        }
        let want: Vec<(u32, u32, u64)> = c
            .all(&rs)
            .into_iter()
            .map(|p| {
                let (i, j) = ((p >> 32) as u32, p as u32);
                let (a, b) = (&rs.records[i as usize], &rs.records[j as usize]);
                (i, j, pattern(&rs, &comps, a, b))
            })
            .collect();
        assert_eq!(got, want);
        // A table of two: the others are computed again.
        let table = kept[0].table[..2].to_vec();
        let codes: Vec<u8> = want
            .iter()
            .map(|&(_, _, p)| {
                let code = table.iter().position(|&t| t == p);
                code.map_or(KeptPatterns::OTHER, |c| c as u8)
            })
            .collect();
        assert!(codes.contains(&KeptPatterns::OTHER));
        let small = KeptPatterns::new(0..rs.len(), table, &codes);
        let mut again = Vec::new();
        c.for_each_kept(&rs, &comps, &small, &mut |i, j, p| again.push((i, j, p)));
        assert_eq!(again, want);
    }
}
