//! Pairs the scoring pass can leave out before comparing them in full.
//!
//! A million contacts make tens of millions of candidate pairs and a few
//! tens of thousands of matches; when the first pass does not keep the
//! pairs' patterns, the scoring pass compares every pair again. Most of
//! them are plainly two people: their names differ, or their places and
//! companies do, and nothing else could make up for it. So the scoring
//! pass compares a pair one comparison at a time, the email (the dearest)
//! last, and after each adds up what the comparisons made so far count
//! (exactly the terms [`Model::probability_with`] adds) and the most the
//! others could count for the pair's first contact ([`Scratch`]). When
//! even that cannot reach the threshold, the pair is left out: the
//! household class only takes bits off, and the same-email rule is
//! counted while it could still apply. A pair that is not left out gets
//! its whole pattern and the probability it always had, so the plan is the
//! same to the bit.

use super::{Model, SAME_EMAIL_BITS};
use crate::dupes::compare::{
    email_known, email_shared, level_of, phone_level_at, Comp, BITS, NAME_SUFFIX_DIFFERS,
    PHONE_SHARED_AT_ONE_ADDRESS,
};
use crate::dupes::record::{Record, Records};

/// The log-odds a pair's bound must fall short of the threshold's by to
/// be left out: far more than the rounding of a sum of a few terms added
/// in another order.
const MARGIN_BITS: f64 = 1e-3;

/// Levels per comparison in [`Scratch::bits`] (the most any has is 11).
const STRIDE: usize = 16;

/// What a pair can still score while it is being compared.
#[derive(Debug)]
pub struct Bound {
    /// The comparisons (indices into the model's) but the email in the
    /// order they are made: the phone (its numbers) first, then the name.
    order: Vec<usize>,
    /// Each level's log₂(m / u) without term frequencies.
    levels: Vec<Vec<f64>>,
    prior: f64,
    /// The log-odds under which a pair cannot reach the threshold; `None`
    /// when no pair is left out (a threshold of 0 or 1).
    cut: Option<f64>,
    email: Option<usize>,
    /// The most an email level counts, and the most one other than a
    /// shared email counts.
    email_best: f64,
    email_unshared: f64,
    name: Option<usize>,
    phone: Option<usize>,
    place: Option<usize>,
}

/// A contact's terms, worked out once for all its candidates: each
/// level's bits with the contact's own term frequencies, and the most the
/// comparisons from each step of [`Bound::order`] on can count.
#[derive(Debug, Default)]
pub struct Scratch {
    bits: Vec<f64>,
    rest: Vec<f64>,
}

impl Bound {
    /// The bound of `model` for pairs at `threshold`.
    pub fn new(model: &Model, threshold: f64) -> Bound {
        let worked = model.level_bits();
        let find = |c: Comp| model.comps.iter().position(|x| *x == c);
        let rank = |c: &Comp| match c {
            Comp::Phone => 0,
            Comp::Name => 1,
            Comp::Place => 2,
            Comp::Company => 3,
            Comp::Text(_) => 4,
            Comp::Dob | Comp::IdNumber | Comp::Email => 5,
        };
        let email = find(Comp::Email);
        let mut order: Vec<usize> = (0..model.comps.len())
            .filter(|&c| Some(c) != email)
            .collect();
        order.sort_by_key(|&c| (rank(&model.comps[c]), c));
        let email_most = |levels: &[usize]| {
            email.map_or(0.0, |c| {
                levels
                    .iter()
                    .map(|&l| worked.levels[c][l])
                    .fold(0.0, f64::max)
            })
        };
        let (email_best, email_unshared) = (
            email_most(&[1, 2, 3, 4, 5, 6, 7]),
            email_most(&[2, 4, 5, 6, 7]),
        );
        let odds = (threshold / (1.0 - threshold)).log2();
        let usable = threshold > 0.0 && threshold < 1.0 - 1e-9 && odds.is_finite();
        Bound {
            order,
            levels: worked.levels,
            prior: worked.prior,
            cut: usable.then_some(odds - MARGIN_BITS),
            email,
            email_best,
            email_unshared,
            name: find(Comp::Name),
            phone: find(Comp::Phone),
            place: find(Comp::Place),
        }
    }

    /// Work out `a`'s terms into `s`, for [`Bound::pattern`] on the pairs
    /// whose first record is `a`.
    pub fn prepare(&self, model: &Model, rs: &Records, a: &Record, s: &mut Scratch) {
        s.bits.clear();
        s.bits.resize(self.levels.len() * STRIDE, 0.0);
        for (c, levels) in self.levels.iter().enumerate() {
            for (l, &bits) in levels.iter().enumerate().skip(1) {
                s.bits[c * STRIDE + l] = match model.tf_u(rs, model.comps[c], l, a) {
                    Some(u) => (model.classes[0][c][l] / u).log2(),
                    None => bits,
                };
            }
        }
        s.rest.clear();
        s.rest.resize(self.order.len() + 1, 0.0);
        for k in (0..self.order.len()).rev() {
            let c = self.order[k];
            let best = (1..self.levels[c].len())
                .map(|l| s.bits[c * STRIDE + l])
                .fold(0.0, f64::max);
            s.rest[k] = s.rest[k + 1] + best;
        }
    }

    /// The pattern of `a` and `b` ([`crate::dupes::compare::pattern`]),
    /// or `None` when the pair cannot reach the threshold, found out with
    /// as few comparisons as may be; `s` prepared for `a`
    /// ([`Bound::prepare`]).
    pub fn pattern(
        &self,
        model: &Model,
        rs: &Records,
        (a, b): (&Record, &Record),
        s: &Scratch,
    ) -> Option<u64> {
        let mut p = 0u64;
        let mut bits = self.prior;
        let below = |most: f64, rule: bool| {
            let most = if rule {
                most.max(SAME_EMAIL_BITS)
            } else {
                most
            };
            self.cut.is_some_and(|cut| most < cut)
        };
        // The email's numbers first: most pairs' emails differ in domain
        // and name, and then nothing else need be read.
        let mut email = self.email.map(|e| (e, email_known(rs, a, b)));
        let (mut rule, mut email_left) = (true, self.email_best);
        match email {
            None | Some((_, Some(_))) => (rule, email_left) = (false, 0.0),
            _ => {}
        }
        if let Some((e, Some(l))) = email {
            p |= (l as u64) << (BITS * e as u32);
            bits += s.term(e, l);
            email = None;
        }
        // A phone level 3 is 4 at one address: counted at its best until
        // the place is compared.
        let mut phone_at_place = None;
        for (k, &c) in self.order.iter().enumerate() {
            let l = level_of(rs, model.comps[c], a, b);
            if Some(c) == self.phone && l == 3 && self.place.is_some() {
                phone_at_place = Some(c);
                bits += s.term(c, 3).max(s.term(c, PHONE_SHARED_AT_ONE_ADDRESS));
                continue;
            }
            if let (true, Some(ph)) = (Some(c) == self.place, phone_at_place) {
                p |= (phone_level_at(3, l) as u64) << (BITS * ph as u32);
            }
            p |= (l as u64) << (BITS * c as u32);
            bits += s.term(c, l);
            if Some(c) == self.name && matches!(l as usize, 6 | 7 | NAME_SUFFIX_DIFFERS | 10) {
                rule = false;
            }
            if below(bits + s.rest[k + 1] + email_left, rule) {
                return None;
            }
        }
        if let Some((e, None)) = email {
            if !email_shared(rs, a, b) {
                // Not the same email, nor the same role mailbox: no rule.
                rule = false;
                if below(bits + self.email_unshared, false) {
                    return None;
                }
            }
            let l = level_of(rs, Comp::Email, a, b);
            p |= (l as u64) << (BITS * e as u32);
            bits += s.term(e, l);
            if below(bits, rule && l == 1) {
                return None;
            }
        }
        Some(p)
    }
}

impl Scratch {
    /// What level `l` of comparison `c` counts (0 for a missing value).
    fn term(&self, c: usize, l: u8) -> f64 {
        if l == 0 {
            0.0
        } else {
            self.bits[c * STRIDE + l as usize]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dupes::compare::pattern;
    use crate::dupes::pairs::Candidates;
    use crate::dupes::{block, default_fields};

    /// Every pair left out scores under the threshold, and every other
    /// pair gets its own pattern, at thresholds from low to high.
    #[test]
    fn leaves_out_only_pairs_under_the_threshold() {
        let g = crate::gen::generate(&crate::gen::GenOptions {
            contacts: 2000,
            ..Default::default()
        });
        let mut rs = Records::new(&default_fields());
        for c in &g.export.contacts {
            rs.push(c);
        }
        let cands = Candidates::new(&rs, block::Options::default());
        let model = Model::fit(&rs, &cands);
        let pairs = cands.all(&rs);
        for threshold in [0.0, 0.01, 0.3, 0.7, 0.9, 0.999, 1.0] {
            let bound = Bound::new(&model, threshold);
            let mut s = Scratch::default();
            let mut left_out = 0;
            for &pair in &pairs {
                let (a, b) = (
                    &rs.records[(pair >> 32) as usize],
                    &rs.records[pair as u32 as usize],
                );
                bound.prepare(&model, &rs, a, &mut s);
                let p = pattern(&rs, &model.comps, a, b);
                let prob = model.probability_of(&rs, p, a);
                match bound.pattern(&model, &rs, (a, b), &s) {
                    Some(q) => {
                        assert_eq!(q, p);
                    }
                    None => {
                        assert!(prob < threshold, "{threshold}: {prob}");
                        left_out += 1;
                    }
                }
            }
            if threshold > 0.0 && threshold < 1.0 {
                assert!(left_out > pairs.len() / 2, "{threshold}: {left_out}");
            } else {
                assert_eq!(left_out, 0);
            }
        }
    }
}
