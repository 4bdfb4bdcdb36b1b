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
            for (k, &j) in buf.iter().enumerate() {
                // The records of the candidates a few ahead, and the
                // numbers of those nearer (whose records are in by then).
                if let Some(&n) = buf.get(k + 8) {
                    rs.prefetch(n, false);
                }
                if let Some(&n) = buf.get(k + 4) {
                    rs.prefetch(n, true);
                }
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
        self.pattern_counts_kept(rs, comps, None).0
    }

    /// [`Candidates::pattern_counts`], keeping each pair's pattern
    /// ([`Kept`], about 0.6 bytes a pair: 25 million pairs take 16 MB) for
    /// the scoring pass, which then compares no pair again; or, with
    /// `keep` `None`, keeping none (the scoring pass compares every pair
    /// again) and doing no work for it. `keep`: about how many candidate
    /// pairs there are.
    pub fn pattern_counts_kept(
        &self,
        rs: &Records,
        comps: &[Comp],
        keep: Option<u64>,
    ) -> (Vec<(u64, f64)>, Kept) {
        // One buffer for every range's half-bytes, made here: each range
        // packed into its own, made and kept on the thread that compared
        // it, left the pages around them unusable (at 300,000 contacts,
        // moving 4 MB of half-bytes here took 10 MiB off the peak). At most
        // three half-bytes a pair; room not written is never touched.
        let room = keep.map_or(0, |pairs| {
            usize::try_from(pairs.saturating_mul(3) / 2).unwrap_or(usize::MAX)
        });
        let store = std::sync::Mutex::new(Vec::with_capacity(room));
        let parts = par_ranges_dynamic(rs.len(), |range| {
            let mut counts: HashMap<u64, u64> = HashMap::new();
            let mut counting = Counting {
                table: Vec::new(),
                codes: CODES.with(|c| std::mem::take(&mut *c.borrow_mut())),
            };
            counting.codes.clear();
            let kept_range = range.clone();
            let mut code_of: HashMap<u64, u8> = HashMap::new();
            self.for_each_in(rs, range, &mut |i, j| {
                let (a, b) = (&rs.records[i as usize], &rs.records[j as usize]);
                let p = pattern(rs, comps, a, b);
                *counts.entry(p).or_insert(0) += 1;
                if keep.is_none() {
                    return;
                }
                let code = match code_of.get(&p) {
                    Some(&c) => c,
                    None if counting.table.len() < KeptPatterns::OTHER as usize => {
                        let c = counting.table.len() as u8;
                        counting.table.push(p);
                        code_of.insert(p, c);
                        c
                    }
                    None => KeptPatterns::OTHER,
                };
                counting.codes.push(code);
            });
            let (mut table, mut at) = (Vec::new(), None);
            if keep.is_some() {
                let mut packed = NIBBLES.with(|c| std::mem::take(&mut *c.borrow_mut()));
                packed.clear();
                table = pack(counting.table, &counting.codes, &mut packed);
                let mut store = store.lock().expect("a comparing thread panicked");
                let from = store.len();
                store.extend_from_slice(&packed);
                at = Some(from..store.len());
                NIBBLES.with(|c| *c.borrow_mut() = packed);
            }
            // The buffer serves this thread's next range.
            CODES.with(|c| *c.borrow_mut() = counting.codes);
            let kept = KeptPatterns {
                range: kept_range,
                table,
                at,
            };
            (counts, kept)
        });
        let mut counts: HashMap<u64, u64> = HashMap::new();
        let mut ranges = Vec::with_capacity(parts.len());
        for (part, k) in parts {
            for (p, n) in part {
                *counts.entry(p).or_insert(0) += n;
            }
            ranges.push(k);
        }
        let mut patterns: Vec<(u64, f64)> =
            counts.into_iter().map(|(p, n)| (p, n as f64)).collect();
        patterns.sort_unstable_by_key(|x| x.0);
        let nibbles = store.into_inner().expect("a comparing thread panicked");
        (patterns, Kept { ranges, nibbles })
    }

    /// Call `f(i, j, pattern)` for every candidate pair of the contacts of
    /// `kept`'s range number `k`, in order: the pattern from `kept`, or
    /// `again(i, j)` for a pair whose pattern did not fit its table, or
    /// whose range was not kept (a pair `again` gives `None` for is
    /// passed over).
    pub fn for_each_kept(
        &self,
        rs: &Records,
        again: &mut dyn FnMut(u32, u32) -> Option<u64>,
        (kept, k): (&Kept, usize),
        f: &mut dyn FnMut(u32, u32, u64),
    ) {
        let part = &kept.ranges[k];
        let Some(at) = part.at.clone() else {
            self.for_each_in(rs, part.range.clone(), &mut |i, j| {
                if let Some(p) = again(i, j) {
                    f(i, j, p);
                }
            });
            return;
        };
        let nibbles = &kept.nibbles[at];
        let mut n = 0;
        self.for_each_in(rs, part.range.clone(), &mut |i, j| {
            let p = match code(nibbles, &mut n) {
                KeptPatterns::OTHER => again(i, j),
                c => Some(part.table[c as usize]),
            };
            if let Some(p) = p {
                f(i, j, p);
            }
        });
    }
}

thread_local! {
    /// Each thread's buffer of [`Kept::codes`], kept from range to range
    /// (a new one for each range would leave its old copies, as it grows,
    /// with the allocator).
    static CODES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    static NIBBLES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A range's patterns as they are counted: the first 255 distinct in a
/// table, each pair as its index there (or [`KeptPatterns::OTHER`]).
struct Counting {
    table: Vec<u64>,
    codes: Vec<u8>,
}

/// The patterns of every candidate pair, kept from the counting pass for
/// the scoring pass: per range of contacts, a table ([`KeptPatterns`]);
/// the half-bytes of all ranges one after the other.
#[derive(Debug)]
pub struct Kept {
    ranges: Vec<KeptPatterns>,
    nibbles: Vec<u8>,
}

impl Kept {
    /// The number of ranges.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

/// The patterns of the candidate pairs of a range of contacts, in the
/// order the pairs come: up to 255 distinct patterns in a table, most
/// frequent first, and each pair as its index there (or
/// [`KeptPatterns::OTHER`]) in half-bytes, kept in [`Kept`]'s buffer: the
/// 15 commonest patterns (87% of the pairs of a million generated contacts)
/// in one half-byte, the others as a half-byte 15 and two more; about 0.6
/// bytes a pair.
#[derive(Debug)]
pub struct KeptPatterns {
    pub range: Range<usize>,
    table: Vec<u64>,
    /// Where its half-bytes are in [`Kept`]'s; `None` when the range was
    /// not kept (its pairs are compared again).
    at: Option<Range<usize>>,
}

impl KeptPatterns {
    /// A pair whose pattern is not in the table.
    pub const OTHER: u8 = u8::MAX;
}

/// Pack a range's codes (indices in `table`, at most 255 patterns, or
/// [`KeptPatterns::OTHER`]) as half-bytes at the end of `out`, the commonest
/// patterns first; gives the table in that order.
fn pack(table: Vec<u64>, codes: &[u8], out: &mut Vec<u8>) -> Vec<u64> {
    let mut count = [0u64; 256];
    for &c in codes {
        count[c as usize] += 1;
    }
    let mut order: Vec<u8> = (0..table.len() as u8).collect();
    order.sort_by_key(|&c| (std::cmp::Reverse(count[c as usize]), c));
    let mut new_code = [KeptPatterns::OTHER; 256];
    for (n, &c) in order.iter().enumerate() {
        new_code[c as usize] = n as u8;
    }
    // Sized once: the half-bytes of every code.
    let escaped: usize = order[order.len().min(15)..]
        .iter()
        .map(|&c| count[c as usize] as usize)
        .sum::<usize>()
        + count[KeptPatterns::OTHER as usize] as usize;
    let halves = codes.len() + 2 * escaped;
    out.reserve(halves.div_ceil(2));
    let mut n = 0usize;
    let mut push = |out: &mut Vec<u8>, x: u8| {
        if n % 2 == 0 {
            out.push(x);
        } else {
            *out.last_mut().expect("a half-filled byte") |= x << 4;
        }
        n += 1;
    };
    for &c in codes {
        let c = new_code[c as usize];
        if c < 15 {
            push(out, c);
        } else {
            push(out, 15);
            push(out, c >> 4);
            push(out, c & 15);
        }
    }
    debug_assert_eq!(n, halves);
    order.iter().map(|&c| table[c as usize]).collect()
}

/// The half-byte at `n`.
fn nibble(nibbles: &[u8], n: usize) -> u8 {
    (nibbles[n / 2] >> (4 * (n % 2))) & 15
}

/// The code of the pair whose code starts at half-byte `n`; `n` moves to
/// the next pair's.
fn code(nibbles: &[u8], n: &mut usize) -> u8 {
    let c = nibble(nibbles, *n);
    if c < 15 {
        *n += 1;
        return c;
    }
    let c = nibble(nibbles, *n + 1) << 4 | nibble(nibbles, *n + 2);
    *n += 3;
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dupes::record::tests::records_of;

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
        records_of(&rows)
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
        // After another range's half-bytes.
        let mut nibbles = vec![0xAB; 7];
        let ordered = pack(table.clone(), &codes, &mut nibbles);
        let mine = &nibbles[7..];
        assert!(mine.len() < codes.len(), "{}", mine.len());
        let mut n = 0;
        for &c in &codes {
            let got = code(mine, &mut n);
            if c == KeptPatterns::OTHER {
                assert_eq!(got, KeptPatterns::OTHER);
            } else {
                assert_eq!(ordered[got as usize], table[c as usize]);
            }
        }
        assert_eq!(n.div_ceil(2), mine.len());
    }

    /// The kept patterns give every pair its own pattern, in order, also
    /// when a range has more patterns than its table holds.
    #[test]
    fn kept_patterns_are_the_pairs_patterns() {
        let rs = people();
        let c = Candidates::new(&rs, block::Options::default());
        let comps = crate::dupes::compare::comps(&rs);
        // Room for too few pairs: the buffer grows.
        let (counts, kept) = c.pattern_counts_kept(&rs, &comps, Some(1));
        let mut compare = |i: u32, j: u32| {
            let (a, b) = (&rs.records[i as usize], &rs.records[j as usize]);
            Some(pattern(&rs, &comps, a, b))
        };
        assert_eq!(counts, c.pattern_counts(&rs, &comps));
        let mut got = Vec::new();
        for k in 0..kept.len() {
            c.for_each_kept(&rs, &mut compare, (&kept, k), &mut |i, j, p| {
                got.push((i, j, p))
            });
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
        // Kept by none: every pair compared again.
        let (counts_again, none) = c.pattern_counts_kept(&rs, &comps, None);
        assert_eq!(counts_again, counts);
        let mut again = Vec::new();
        for k in 0..none.len() {
            c.for_each_kept(&rs, &mut compare, (&none, k), &mut |i, j, p| {
                again.push((i, j, p))
            });
        }
        assert_eq!(again, want);
        assert!(none.nibbles.is_empty() && !kept.nibbles.is_empty());
        // A table of two: the others are computed again.
        let table = kept.ranges[0].table[..2].to_vec();
        let codes: Vec<u8> = want
            .iter()
            .map(|&(_, _, p)| {
                let code = table.iter().position(|&t| t == p);
                code.map_or(KeptPatterns::OTHER, |c| c as u8)
            })
            .collect();
        assert!(codes.contains(&KeptPatterns::OTHER));
        let mut nibbles = Vec::new();
        let table = pack(table, &codes, &mut nibbles);
        let small = Kept {
            ranges: vec![KeptPatterns {
                range: 0..rs.len(),
                table,
                at: Some(0..nibbles.len()),
            }],
            nibbles,
        };
        let mut again = Vec::new();
        c.for_each_kept(&rs, &mut compare, (&small, 0), &mut |i, j, p| {
            again.push((i, j, p))
        });
        assert_eq!(again, want);
    }
}
