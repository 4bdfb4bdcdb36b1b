//! M's chances when no comparison can have anchors, learned by EM within
//! a block of candidates instead.
//!
//! In a file with two or three comparisons (names, postal code and town),
//! no comparison's agreement alone outweighs the prior against two
//! contacts drawn at random, so no pair is an anchor for the others and M
//! kept its starting chances: FEBRL's names-only files had a "same postal
//! code" worth +8.3 bits where their duplicates keep the postal code far
//! more often than a third of the time.
//!
//! This is what Splink does with a blocking rule when it trains: among the
//! candidates whose *other* comparisons agree strongly (counting at least
//! [`STRONG_BITS`] between them), the ones that are two people have the
//! comparison's levels as two people drawn at random have them (U, held:
//! the comparisons are taken as independent), and the rest as M. EM on
//! those two classes learns the block's share of matches and M's chances
//! together; the comparison's own level never chooses the pairs counted.
//!
//! Only when no pair could be an anchor for any comparison, the best
//! level of every other comparison together falling short of the prior
//! and [`super::ANCHOR_MARGIN`]: where anchors can be, too few of them is
//! the data's (a small file, copies without a phone), and a block would
//! count namesakes that the keys brought together as matches, as free EM
//! does (a test in `tests.rs` keeps that out).

use super::{EM_ROUNDS, EM_TOLERANCE, PRIOR_STRENGTH};
use crate::dupes::compare::{disagrees, level, neutral, Comp};

/// Whether no pair could be an anchor for any comparison, however its
/// others agree (a file of names and places only): for every comparison
/// that shows a value, the strongest level the candidates show of each
/// other comparison (`bits`, log₂ m/u as things stand, clamped as anchors
/// count them), summed, stays under the prior and
/// [`super::ANCHOR_MARGIN`]. Where anchors can be, too few of them is the
/// data's (a small file, copies without a phone), and a block would learn
/// from namesakes what anchors keep out.
pub fn no_anchor_possible(patterns: &[(u64, f64)], bits: &[Vec<f64>], prior: f64) -> bool {
    let nc = bits.len();
    let mut best = vec![0.0f64; nc];
    let mut shown = vec![false; nc];
    for &(p, _) in patterns {
        for c in 0..nc {
            best[c] = best[c].max(bits[c][level(p, c)]);
            shown[c] |= level(p, c) != 0;
        }
    }
    let all: f64 = best.iter().sum();
    (0..nc).all(|c| !shown[c] || prior + all - best[c] < super::ANCHOR_MARGIN)
}

/// The block for comparison c: the pairs whose other comparisons count at
/// least this many bits between them (one agreement as rare as one random
/// pair in 64, or several weaker ones).
pub const STRONG_BITS: f64 = 6.0;

/// A block with fewer pairs than this learns nothing: the chances stand.
const MIN_BLOCK: f64 = 50.0;

/// M's level chances for comparison `c` (level 0, missing, left as it is)
/// from the candidates' `patterns` (pattern, count), each comparison's
/// level `bits` (log₂ m/u as things stand), U's chances `u` of `c` and
/// the starting chances `start` of `c`, which weigh [`PRIOR_STRENGTH`]
/// pairs. `None` when the block is too small to say.
pub fn m_in_block(
    patterns: &[(u64, f64)],
    bits: &[Vec<f64>],
    (c, comp): (usize, Comp),
    u: &[f64],
    start: &[f64],
) -> Option<Vec<f64>> {
    let k = u.len();
    let agrees_not = |l: usize| disagrees(comp, l) || neutral(comp, l);
    let mut counts = vec![0.0; k];
    for &(p, n) in patterns {
        let l = level(p, c);
        if l == 0 {
            continue;
        }
        let others: f64 = (0..bits.len())
            .filter(|&d| d != c)
            .map(|d| bits[d][level(p, d)].max(0.0))
            .sum();
        if others >= STRONG_BITS {
            counts[l] += n;
        }
    }
    let total: f64 = counts.iter().sum();
    // Pairs that agree are what tells the two classes apart: a block of
    // disagreements only (the copies have no phone; namesakes have their
    // own) would give M whatever EM drifts to.
    let agreeing: f64 = (1..k).filter(|&l| !agrees_not(l)).map(|l| counts[l]).sum();
    if total < MIN_BLOCK || agreeing < MIN_BLOCK {
        return None;
    }
    let mut m: Vec<f64> = start.to_vec();
    m[0] = 0.0;
    let norm: f64 = m.iter().sum();
    m.iter_mut().for_each(|x| *x /= norm);
    let mut share = 0.5;
    let mut matched = vec![0.0; k];
    for _ in 0..EM_ROUNDS {
        for l in 1..k {
            let (a, b) = (share * m[l], (1.0 - share) * u[l]);
            matched[l] = if a + b > 0.0 {
                counts[l] * a / (a + b)
            } else {
                0.0
            };
        }
        let sum: f64 = matched.iter().sum();
        if sum <= 0.0 {
            return None;
        }
        let next: Vec<f64> = (0..k)
            .map(|l| if l == 0 { 0.0 } else { matched[l] / sum })
            .collect();
        let next_share = sum / total;
        let moved = (next_share - share)
            .abs()
            .max((1..k).map(|l| (next[l] - m[l]).abs()).fold(0.0, f64::max));
        m = next;
        share = next_share;
        if moved < EM_TOLERANCE {
            break;
        }
    }
    let seen: f64 = matched.iter().sum();
    let mut out = vec![0.0; k];
    for l in 1..k {
        out[l] = (seen * m[l] + PRIOR_STRENGTH * start[l]) / (seen + PRIOR_STRENGTH);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dupes::compare::BITS;

    /// A pattern of two comparisons at levels `a` and `b`.
    fn pat(a: u64, b: u64) -> u64 {
        a | (b << BITS)
    }

    /// Comparison 0 is a date of birth (missing, same, close, different).
    const DOB: (usize, Comp) = (0, Comp::Dob);
    const U: [f64; 4] = [1.0, 0.01, 0.01, 0.98];
    const START: [f64; 4] = [0.0, 0.5, 0.1, 0.4];

    /// Comparison 1 strong when the same (level 1), against when not.
    fn bits() -> Vec<Vec<f64>> {
        vec![vec![0.0; 4], vec![0.0, 8.0, 2.0, -3.0]]
    }

    #[test]
    fn a_block_teaches_what_no_anchor_can() {
        // Comparison 1 agrees in 600 pairs: 500 matches, which keep the
        // date the same 90% of the time, and 100 two people, who have it
        // the same as random pairs do (1%).
        let same = 500.0 * 0.9 + 100.0 * 0.01;
        let other = 500.0 * 0.1 + 100.0 * 0.98;
        let patterns = vec![
            (pat(1, 1), same),
            (pat(3, 1), other),
            (pat(2, 1), 1.0),
            // Pairs comparison 1 does not agree on are not in the block.
            (pat(3, 3), 5000.0),
        ];
        let m = m_in_block(&patterns, &bits(), DOB, &U, &START).expect("a block of 600 pairs");
        // Close to 0.9 (pulled a little towards the start's 0.5 by the
        // pseudo-counts), where the start alone said 0.5.
        assert!((0.85..0.9).contains(&m[1]), "m same {}", m[1]);
        assert!((m[1..].iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn anchors_are_impossible_only_when_no_other_comparison_can_outweigh_the_prior() {
        // Two comparisons, each at most 8 bits: against a prior of -14
        // neither can make the other's anchor; with a third of 12 bits
        // shown, both could.
        let patterns = vec![(pat(1, 1), 10.0)];
        assert!(no_anchor_possible(&patterns, &bits(), -14.0));
        let three = vec![
            vec![0.0; 4],
            vec![0.0, 8.0, 2.0, -3.0],
            vec![0.0, 12.0, 0.0, -3.0],
        ];
        let with_third = vec![(pat(1, 1) | (1 << (2 * BITS)), 10.0)];
        assert!(!no_anchor_possible(&with_third, &three, -14.0));
        // A comparison no pair shows a value of counts for nothing.
        assert!(no_anchor_possible(&patterns, &three, -14.0));
    }

    #[test]
    fn a_small_block_learns_nothing() {
        let patterns = vec![(pat(1, 1), 20.0), (pat(3, 1), 10.0)];
        assert_eq!(m_in_block(&patterns, &bits(), DOB, &U, &START), None);
    }

    #[test]
    fn a_block_of_disagreements_learns_nothing() {
        // The copies have no date (level 0, not counted); the namesakes in
        // the block have two: nothing tells M from U.
        let patterns = vec![(pat(0, 1), 500.0), (pat(3, 1), 900.0)];
        assert_eq!(m_in_block(&patterns, &bits(), DOB, &U, &START), None);
    }

    #[test]
    fn its_own_level_never_chooses_a_pair() {
        // The date agreeing does not put pairs in its own block: only
        // comparison 1's weak agreement (2 bits) is there, too little.
        let patterns = vec![(pat(1, 2), 900.0), (pat(3, 2), 900.0)];
        let mut bits = bits();
        bits[0] = vec![0.0, 10.0, 5.0, -3.0];
        assert_eq!(m_in_block(&patterns, &bits, DOB, &U, &START), None);
    }
}
