//! The match model, learned from the file itself: Fellegi–Sunter with
//! expectation–maximisation (EM), as Splink, fastLink and dedupe do.
//!
//! Each candidate pair is compared field by field into a *level* per
//! comparison (missing / exact / close / weak / different, see
//! [`Comp::levels`]). Fields that repeat each other are one comparison
//! with joint levels, so they are not counted as independent evidence:
//! first and last name make one *name* comparison (same, nickname or
//! swapped, close, last same and first differs, ...), and postal code,
//! city, state and street address make one *place* comparison (same
//! address, same postal code, same city, same state, different).
//!
//! Two classes, as in Fellegi and Sunter:
//!
//! - **U**, two people drawn at random: level chances counted on random
//!   pairs of the file ([`RANDOM_PAIRS`]) and held; for exact agreement on
//!   a value, the value's own frequency (term frequency: two `Smith`s say
//!   less than two `Zylberstein`s).
//! - **M**, the same person: each comparison's level chances are counted
//!   on *anchor* pairs, the candidates whose other comparisons' agreements
//!   alone give more than the prior odds against a match and
//!   [`ANCHOR_MARGIN`] bits, weighed against two random people and against
//!   two people of one home (leave-one-out; the comparisons are taken as
//!   independent within M, so picking pairs by the others does not bias
//!   the one counted, and disagreements, which come together, pick none).
//!   Three rounds, the anchors chosen again with the new chances. A lesser
//!   level never counts for more than its stronger one, and a disagreement
//!   never for a match (m ≤ u, Winkler's constraint).
//!
//! The prior λ, the chance two contacts drawn at random are one person, is
//! the share of candidates that match (EM on that one unknown, M and U
//! held) times the candidates over all pairs. The match probability is
//! `λ L_M / (λ L_M + (1 − λ) L_U)`, `L` multiplying the chances of the
//! pair's levels; missing values are no evidence. A shared personal email
//! scores at least [`SAME_EMAIL_BITS`] unless the names differ. Small files
//! learn little: Dirichlet pseudo-counts ([`PRIOR_STRENGTH`]) pull the M
//! chances towards starting values, so a file of 30 contacts still gets a
//! usable model.
//!
//! Free classes fitted by EM (M itself, or "household" and "namesake"
//! classes next to it) were tried and dropped: left free, EM gave M to the
//! largest like-minded crowd among the candidates (at 100k contacts, the
//! colleagues one postal code and company bring together: precision
//! 0.02), and the extra classes took true matches from M. Households are
//! a third class fixed by what defines it ([`super::household`]): the
//! probability weighs a pair against another person at the same home
//! too.

use super::compare::{
    comps, disagrees, level, neutral, parent_level, pattern, Comp, NAME_SUFFIX_DIFFERS,
};
use super::household::{household_bits, Household};
use super::pairs::Candidates;
use super::parallel::{par_chunks, Rng};
use super::record::{Record, Records, Sym, NONE};
use super::FieldKind;

/// How many random pairs estimate the U class (all pairs when the file has
/// fewer).
pub const RANDOM_PAIRS: u64 = 1_000_000;

/// Weight of the starting level chances, in pairs, for M and H.
pub const PRIOR_STRENGTH: f64 = 50.0;

/// Weight of the starting U level chances, in pairs.
pub const U_PRIOR: f64 = 1000.0;

/// Below this many candidate pairs there is too little to learn from: the
/// starting chances stand.
pub const MIN_PAIRS_FOR_EM: f64 = 1000.0;

/// EM stops after this many rounds or when no parameter moves by more than
/// [`EM_TOLERANCE`].
pub const EM_ROUNDS: usize = 200;
pub const EM_TOLERANCE: f64 = 1e-7;

/// A pair sharing a personal email scores at least this many bits
/// (probability 0.99) unless the names differ.
pub const SAME_EMAIL_BITS: f64 = 6.64;

/// Rounds of choosing anchor pairs for M (see [`Model::fit`]).
pub const ANCHOR_ROUNDS: usize = 3;

/// Anchors: pairs whose other fields give the prior odds against two
/// random contacts being one person, and this many bits more.
pub const ANCHOR_MARGIN: f64 = 3.0;

/// One comparison counts at most this many bits, for or against, when
/// choosing anchors (a level seen once in a million random pairs says
/// less than its ratio).
const MAX_BITS: f64 = 12.0;

/// How often each value occurs, per field, for term-frequency
/// adjustments: `count[sym] / total` is the chance a random contact has
/// the value.
#[derive(Debug, Default)]
struct Freq {
    count: Vec<u32>,
    total: u32,
}

impl Freq {
    fn of(n_syms: usize, values: impl Iterator<Item = Sym>) -> Freq {
        let mut f = Freq {
            count: vec![0; n_syms],
            total: 0,
        };
        for v in values.filter(|v| *v != NONE) {
            f.count[v as usize] += 1;
            f.total += 1;
        }
        f
    }
    /// The share of contacts (with a value) that have `v`; at least one
    /// contact's worth.
    fn share(&self, v: Sym) -> f64 {
        self.count[v as usize].max(1) as f64 / self.total.max(1) as f64
    }
}

/// A model's prior and level bits, worked out once
/// ([`Model::level_bits`]): the same numbers [`Model::probability_of`]
/// works out for each pair.
#[derive(Debug, Clone)]
pub struct LevelBits {
    prior: f64,
    levels: Vec<Vec<f64>>,
}

/// The learned model.
#[derive(Debug)]
pub struct Model {
    pub comps: Vec<Comp>,
    /// Level chances per class, comparison and level: class 0 the same
    /// person (M), then the other people among the candidates (H, N);
    /// `u[c][l]` random pairs.
    pub classes: Vec<Vec<Vec<f64>>>,
    pub u: Vec<Vec<f64>>,
    /// The chance that two contacts drawn at random are one person: the
    /// prior of the match probability.
    pub lambda: f64,
    /// Anchor rounds run, and distinct patterns seen.
    pub rounds: usize,
    pub patterns: usize,
    /// Another person at the same home, a second kind of non-match
    /// ([`Household`]); None when the file has no name or home field.
    pub household: Option<Household>,
    /// Whether an address field is compared.
    has_address: bool,
    first: Freq,
    last: Freq,
    address: Freq,
    zip: Freq,
    city: Freq,
    dob: Freq,
    idnum: Freq,
    company: Freq,
    texts: Vec<Freq>,
}

impl Model {
    /// Learn the model of `rs` from its candidate pairs.
    pub fn fit(rs: &Records, candidates: &Candidates) -> Model {
        let mut model = Model::unfitted(rs);
        let patterns = candidates.pattern_counts(rs, &model.comps);
        model.learn(&patterns, rs.len());
        model
    }

    /// The model before learning from candidate pairs: the comparisons,
    /// the values' frequencies and the U chances (from random pairs).
    pub fn unfitted(rs: &Records) -> Model {
        let comps = comps(rs);
        let n_syms = rs.symbols.len();
        let recs = &rs.records;
        let freq = |f: &dyn Fn(&Record) -> Sym| Freq::of(n_syms, recs.iter().map(f));
        let mut model = Model {
            classes: Vec::new(),
            u: Vec::new(),
            lambda: 0.0,
            rounds: 0,
            patterns: 0,
            household: None,
            has_address: rs.fields.iter().any(|f| f.kind == FieldKind::Address),
            first: freq(&|r| r.first),
            last: freq(&|r| r.last),
            address: freq(&|r| rs.address(r)),
            zip: freq(&|r| r.zip),
            city: freq(&|r| r.city),
            dob: freq(&|r| rs.dob(r)),
            idnum: freq(&|r| rs.idnum(r)),
            company: freq(&|r| r.company),
            texts: (0..rs.text_fields.len())
                .map(|t| freq(&|r| rs.texts(r)[t]))
                .collect(),
            comps,
        };
        model.u = model.random_levels(rs);
        model
    }

    /// Learn M, the prior and the household class from the candidate
    /// pairs' patterns and their counts (sorted by pattern: see
    /// [`Candidates::pattern_counts`]) in a file of `contacts`.
    pub fn learn(&mut self, patterns: &[(u64, f64)], contacts: usize) {
        self.patterns = patterns.len();
        self.em(patterns, contacts);
    }

    /// Level chances on random pairs (all pairs of a small file), with a
    /// light pull towards "mostly different".
    fn random_levels(&self, rs: &Records) -> Vec<Vec<f64>> {
        let n = rs.len() as u64;
        let all = n * n.saturating_sub(1) / 2;
        let pairs: Vec<(u32, u32)> = if all <= RANDOM_PAIRS {
            (0..n as u32)
                .flat_map(|i| (i + 1..n as u32).map(move |j| (i, j)))
                .collect()
        } else {
            let mut rng = Rng(n ^ 0x5EED);
            (0..RANDOM_PAIRS)
                .map(|_| {
                    let i = rng.below(n) as u32;
                    let mut j = rng.below(n - 1) as u32;
                    if j >= i {
                        j += 1;
                    }
                    (i, j)
                })
                .collect()
        };
        let comps = &self.comps;
        let counted = par_chunks(&pairs, |chunk| {
            let mut c: Vec<Vec<f64>> = comps.iter().map(|k| vec![0.0; k.levels().len()]).collect();
            for (k, &(i, j)) in chunk.iter().enumerate() {
                // Both records of a random pair are anywhere: fetched
                // ahead, as the candidates' are ([`Records::prefetch`]).
                for (ahead, items) in [(8, false), (4, true)] {
                    if let Some(&(x, y)) = chunk.get(k + ahead) {
                        rs.prefetch(x, items);
                        rs.prefetch(y, items);
                    }
                }
                let p = pattern(rs, comps, &rs.records[i as usize], &rs.records[j as usize]);
                for (n, cn) in c.iter_mut().enumerate() {
                    cn[level(p, n)] += 1.0;
                }
            }
            c
        });
        let mut u: Vec<Vec<f64>> = comps.iter().map(|k| vec![0.0; k.levels().len()]).collect();
        for c in counted {
            for (un, cn) in u.iter_mut().zip(c) {
                for (x, y) in un.iter_mut().zip(cn) {
                    *x += y;
                }
            }
        }
        for un in u.iter_mut() {
            let k = un.len();
            // Pseudo-counts: ten pairs, nearly all "different", the rest
            // spread over the agreeing levels.
            let prior: Vec<f64> = (1..k)
                .map(|l| {
                    if l == k - 1 {
                        0.99
                    } else {
                        0.01 / (k - 2) as f64
                    }
                })
                .collect();
            let total: f64 = un[1..].iter().sum::<f64>() + 10.0;
            un[0] = 1.0;
            for l in 1..k {
                un[l] = (un[l] + 10.0 * prior[l - 1]) / total;
            }
        }
        u
    }

    fn em(&mut self, patterns: &[(u64, f64)], contacts: usize) {
        const K: usize = 1;
        let mut starts: Vec<Vec<Vec<f64>>> = vec![Vec::new(); K];
        for c in &self.comps {
            for (k, st) in [c.start()].into_iter().enumerate() {
                let mut v = vec![0.0];
                v.extend_from_slice(st);
                // Levels the file cannot show get no starting mass.
                if *c == Comp::Place && !self.has_address {
                    v[1] = 0.0;
                    v[2] = 0.0;
                }
                let s: f64 = v.iter().sum();
                v.iter_mut().for_each(|x| *x /= s);
                starts[k].push(v);
            }
        }
        self.classes = starts
            .iter()
            .map(|k| {
                k.iter()
                    .map(|v| {
                        let mut v = v.clone();
                        v[0] = 1.0;
                        v
                    })
                    .collect()
            })
            .collect();
        let total: f64 = patterns.iter().map(|p| p.1).sum();
        let all = (contacts as f64) * (contacts as f64 - 1.0) / 2.0;
        self.lambda = (0.1 * contacts as f64 / all.max(1.0)).clamp(1e-12, 0.5);
        if total < MIN_PAIRS_FOR_EM {
            return;
        }
        // M is not a free class of the mixture: left free, EM takes the
        // largest like-minded crowd among the candidates for it (at 100k
        // contacts, the colleagues a postal code and a company bring
        // together). Its level chances are counted instead on anchor
        // pairs, field by field, leaving the field out: the level of the
        // name among pairs whose other fields alone make them the same
        // person, and so on (the fields are taken as independent within
        // M, so choosing pairs by the others does not bias the one
        // counted). Then the other classes and the shares π follow by EM
        // with M held; the anchors are chosen again with the new π.
        // The anchors' cut is the prior odds against two contacts drawn
        // at random being one person, plus a margin: the u chances come
        // from random pairs, so the evidence is weighed against all pairs,
        // not against the candidates (where namesakes and colleagues are
        // far commoner than at random). First guess: a tenth of the
        // contacts have a duplicate.
        // The household class needs nothing of M: fitted first, so that
        // two people at one home (whose shared address and phone alone
        // outweigh the prior) are not taken as anchors of one person.
        self.household = Household::fit(&self.comps, patterns, contacts);
        for _ in 0..ANCHOR_ROUNDS {
            self.m_from_anchors(patterns, &starts[0]);
            self.cap_levels();
            let share = self.match_share(patterns, total / all);
            self.lambda = (share * total / all).clamp(1e-12, 0.5);
            self.rounds += 1;
        }
    }

    /// A lesser agreement never counts for more than a stronger one of
    /// the same comparison (a level seldom seen, in random pairs and
    /// among matches alike, would otherwise get whatever ratio its few
    /// pseudo-counts make): its m is capped so its m/u is at most its
    /// parent level's.
    fn cap_levels(&mut self) {
        for (c, comp) in self.comps.iter().enumerate() {
            // Winkler's constraint: a disagreement never counts for a
            // match.
            for l in 1..self.u[c].len() {
                if neutral(*comp, l) {
                    self.classes[0][c][l] = self.u[c][l];
                }
                if disagrees(*comp, l) && self.classes[0][c][l] > self.u[c][l] {
                    self.classes[0][c][l] = self.u[c][l];
                }
            }
            for l in 2..self.u[c].len() {
                let Some(parent) = parent_level(*comp, l) else {
                    continue;
                };
                let (mp, up) = (self.classes[0][c][parent], self.u[c][parent]);
                if mp <= 0.0 || up <= 0.0 {
                    continue;
                }
                let cap = self.u[c][l] * mp / up;
                if self.classes[0][c][l] > cap {
                    self.classes[0][c][l] = cap;
                }
            }
        }
    }

    /// The M level chances counted on anchor pairs: for comparison c, the
    /// pairs whose other comparisons' agreements make one person likelier
    /// than two people drawn at random, or two people of one home, by
    /// [`ANCHOR_MARGIN`] bits at the prior; with [`PRIOR_STRENGTH`]
    /// pseudo-counts at the starting chances.
    fn m_from_anchors(&mut self, patterns: &[(u64, f64)], start: &[Vec<f64>]) {
        let prior = (self.lambda / (1.0 - self.lambda)).log2();
        let nc = self.comps.len();
        let bits: Vec<Vec<f64>> = (0..nc)
            .map(|c| {
                (0..self.u[c].len())
                    .map(|l| {
                        if l == 0 {
                            0.0
                        } else {
                            (self.classes[0][c][l] / self.u[c][l])
                                .log2()
                                .clamp(-MAX_BITS, MAX_BITS)
                        }
                    })
                    .collect()
            })
            .collect();
        let mut counts: Vec<Vec<f64>> = bits.iter().map(|b| vec![0.0; b.len()]).collect();
        let u = |c: usize, l: usize| self.u[c][l];
        for &(p, n) in patterns {
            // Only agreements choose an anchor: disagreements come
            // together (a new job changes the company, the job title and
            // the work mailbox at once), and letting one of them unchoose
            // a pair would teach M that the others seldom disagree.
            let agreed = |c: usize| bits[c][level(p, c)].max(0.0);
            let total: f64 = (0..nc).map(agreed).sum();
            for (c, count) in counts.iter_mut().enumerate() {
                let l = level(p, c);
                if l == 0 {
                    continue;
                }
                let mut odds = prior + total - agreed(c);
                if let Some(h) = &self.household {
                    odds += household_bits(h.log_odds_without(p, self.lambda, u, Some(c)));
                }
                if odds >= ANCHOR_MARGIN {
                    count[l] += n;
                }
            }
        }
        let seen: Vec<f64> = counts.iter().map(|k| k[1..].iter().sum()).collect();
        let weak = block_em::no_anchor_possible(patterns, &bits, prior);
        for c in 0..nc {
            let blocked = weak
                .then(|| {
                    block_em::m_in_block(patterns, &bits, (c, self.comps[c]), &self.u[c], &start[c])
                })
                .flatten();
            for l in 1..counts[c].len() {
                self.classes[0][c][l] = match &blocked {
                    Some(m) => m[l],
                    None => {
                        (counts[c][l] + PRIOR_STRENGTH * start[c][l]) / (seen[c] + PRIOR_STRENGTH)
                    }
                };
            }
        }
    }

    /// The share of the candidate pairs that match, by EM on the one
    /// unknown with M and U held: each round, the mean match probability
    /// of the candidates at the prior that share makes among all pairs
    /// (`candidates_share`: the candidates over all pairs), since U's
    /// chances are those of pairs drawn at random, not of candidates.
    fn match_share(&self, patterns: &[(u64, f64)], candidates_share: f64) -> f64 {
        let nc = self.comps.len();
        // log₂(m / u) of each pattern.
        let bits: Vec<(f64, f64)> = patterns
            .iter()
            .map(|&(p, n)| {
                let b: f64 = (0..nc)
                    .map(|c| {
                        let l = level(p, c);
                        if l == 0 {
                            0.0
                        } else {
                            (self.classes[0][c][l] / self.u[c][l]).log2()
                        }
                    })
                    .sum();
                (b, n)
            })
            .collect();
        let total: f64 = patterns.iter().map(|p| p.1).sum();
        let mut pi: f64 = 0.01;
        for _ in 0..EM_ROUNDS {
            let lambda = pi * candidates_share;
            let prior = (lambda / (1.0 - lambda)).log2();
            let sum: f64 = bits
                .iter()
                .map(|&(b, n)| n / (1.0 + (-(prior + b)).exp2()))
                .sum();
            let next = (sum / total).clamp(1e-9, 1.0 - 1e-9);
            if (next - pi).abs() < EM_TOLERANCE {
                return next;
            }
            pi = next;
        }
        pi
    }

    /// The U chance of an exact agreement on the pair's value, by term
    /// frequency, when the comparison has one.
    pub(super) fn tf_u(&self, rs: &Records, c: Comp, lv: usize, a: &Record) -> Option<f64> {
        match (c, lv) {
            (Comp::Name, 1) => Some(self.first.share(a.first) * self.last.share(a.last)),
            (Comp::Place, 1) => Some(self.address.share(rs.address(a))),
            (Comp::Place, 3) => Some(self.zip.share(a.zip)),
            (Comp::Place, 4) if a.city != NONE => Some(self.city.share(a.city)),
            (Comp::Dob, 1) => Some(self.dob.share(rs.dob(a))),
            (Comp::IdNumber, 1) => Some(self.idnum.share(rs.idnum(a))),
            (Comp::Company, 1) => Some(self.company.share(a.company)),
            (Comp::Text(i), 1) => Some(self.texts[i as usize].share(rs.texts(a)[i as usize])),
            _ => None,
        }
    }

    /// log₂ of the odds of a match: the prior and each comparison's
    /// log₂(m / u), u with term frequencies.
    fn log_odds(&self, worked: Option<&LevelBits>, rs: &Records, p: u64, a: &Record) -> f64 {
        let mut bits = match worked {
            Some(w) => w.prior,
            None => (self.lambda / (1.0 - self.lambda)).log2(),
        };
        for (c, comp) in self.comps.iter().enumerate() {
            let lv = level(p, c);
            if lv == 0 {
                continue;
            }
            bits += match (self.tf_u(rs, *comp, lv, a), worked) {
                (Some(u), _) => (self.classes[0][c][lv] / u).log2(),
                (None, Some(w)) => w.levels[c][lv],
                (None, None) => (self.classes[0][c][lv] / self.u[c][lv]).log2(),
            };
        }
        bits
    }

    /// The learned model as text, one comparison a line: each level's
    /// chance per class (M, the other-person classes, U). For debugging
    /// and the docs.
    pub fn describe(&self, rs: &Records) -> String {
        let mut s = format!(
            "lambda {:.3e}, {} rounds, {} patterns\n",
            self.lambda, self.rounds, self.patterns
        );
        for (c, comp) in self.comps.iter().enumerate() {
            s.push_str(&format!("{}:\n", comp.label(rs)));
            for (l, name) in comp.levels().iter().enumerate().skip(1) {
                s.push_str(&format!("  {name:<28}"));
                for k in &self.classes {
                    s.push_str(&format!(" {:>9.2e}", k[c][l]));
                }
                s.push_str(&format!(
                    " | u {:>9.2e} | m/u {:+.2} bits\n",
                    self.u[c][l],
                    (self.classes[0][c][l] / self.u[c][l]).log2()
                ));
            }
        }
        if let Some(h) = &self.household {
            s.push_str(&format!("household: eta {:.3e}, name", h.eta));
            for l in 1..h.names.len() {
                s.push_str(&format!(" {:.2e}", h.name_chance(l)));
            }
            s.push('\n');
        }
        s
    }

    /// The match probability of two records.
    pub fn probability(&self, rs: &Records, a: &Record, b: &Record) -> f64 {
        self.probability_of(rs, pattern(rs, &self.comps, a, b), a)
    }

    /// The match probability of a pair with pattern `p` whose first
    /// record is `a`.
    pub fn probability_of(&self, rs: &Records, p: u64, a: &Record) -> f64 {
        self.probability_with(None, rs, p, a)
    }

    /// Each level's log₂(m / u) without term frequencies, worked out once
    /// for scoring millions of pairs ([`Model::probability_with`]).
    pub fn level_bits(&self) -> LevelBits {
        LevelBits {
            prior: (self.lambda / (1.0 - self.lambda)).log2(),
            levels: (0..self.comps.len())
                .map(|c| {
                    (0..self.u[c].len())
                        .map(|l| (self.classes[0][c][l] / self.u[c][l]).log2())
                        .collect()
                })
                .collect(),
        }
    }

    /// [`Model::probability_of`], with the level bits worked out before
    /// (`Some`: the same result, sooner).
    pub fn probability_with(
        &self,
        worked: Option<&LevelBits>,
        rs: &Records,
        p: u64,
        a: &Record,
    ) -> f64 {
        let bits = self.log_odds(worked, rs, p, a);
        let bits = bits + self.email_rule_bits(p, bits);
        let bits = bits + self.household_bits(rs, p, a);
        1.0 / (1.0 + (-bits).exp2())
    }

    /// What the household class takes off a pair's log-odds (0 without
    /// one): see [`household_bits`].
    pub(super) fn household_bits(&self, rs: &Records, p: u64, a: &Record) -> f64 {
        let Some(h) = &self.household else {
            return 0.0;
        };
        let u = |c: usize, l: usize| self.tf_u(rs, self.comps[c], l, a).unwrap_or(self.u[c][l]);
        household_bits(h.log_odds(p, self.lambda, u))
    }

    /// The bits [`SAME_EMAIL_BITS`] adds to a pair of `bits`: a shared
    /// personal email (not a role mailbox) makes one person, as HubSpot
    /// itself takes one email for one contact, unless the names say two
    /// people (a family sharing a mailbox).
    pub(super) fn email_rule_bits(&self, p: u64, bits: f64) -> f64 {
        let lv = |comp: Comp| {
            self.comps
                .iter()
                .position(|c| *c == comp)
                .map(|c| level(p, c))
        };
        if lv(Comp::Email) != Some(1)
            || matches!(lv(Comp::Name), Some(6 | 7 | NAME_SUFFIX_DIFFERS | 10))
        {
            return 0.0;
        }
        (SAME_EMAIL_BITS - bits).max(0.0)
    }
}

mod block_em;
mod bound;
pub use bound::{Bound, Scratch};

#[cfg(test)]
mod tests;

#[cfg(test)]
mod anchor_tests;
