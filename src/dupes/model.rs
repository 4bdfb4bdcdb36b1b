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
//!   on *anchor* pairs, the candidates whose other comparisons alone give
//!   more than the prior odds against a match and [`ANCHOR_MARGIN`] bits
//!   (leave-one-out; the comparisons are independent within M, so picking
//!   pairs by the others does not bias the one counted). Three rounds, the
//!   anchors chosen again with the new chances. A lesser level never
//!   counts for more than its stronger one, and a disagreement never for a
//!   match (m ≤ u, Winkler's constraint).
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
//! 0.02), and the extra classes took true matches from M. Households stay
//! apart through the name levels: "last same, first differs" is a
//! disagreement, worth at most nothing.

use std::collections::HashMap;

use strsim::{jaro_winkler, osa_distance};

use super::normalize::{is_free_mail, is_role_email};
use super::record::{Record, Records, Sym, NONE};
use super::score::{compare_name, digits_agree, letters, one_edit, same_email_name, Likeness};
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

/// Two names this alike (Jaro–Winkler) that are not close are a weak
/// agreement, not a difference.
const WEAK_NAME: f32 = 0.8;

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

/// Bits per level in a pattern; at most 16 comparisons.
const BITS: u32 = 4;
pub const MAX_COMPS: usize = 16;

/// A comparison: one or several fields compared together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comp {
    Email,
    Phone,
    Name,
    Place,
    Dob,
    IdNumber,
    Company,
    /// A text field, by index into [`Records::text_fields`].
    Text(u16),
}

impl Comp {
    /// The level names; level 0 is always "missing" (no evidence).
    pub fn levels(&self) -> &'static [&'static str] {
        match self {
            Comp::Email => &[
                "missing",
                "same",
                "close",
                "same role mailbox",
                "numbered differently",
                "colleague",
                "different",
            ],
            Comp::Phone => &["missing", "same", "close", "different"],
            Comp::Name => &[
                "missing",
                "same",
                "nickname or swapped",
                "close",
                "last same, first weak",
                "first same, last weak",
                "last same, first differs",
                "first same, last differs",
                "both somewhat alike",
                "different",
            ],
            Comp::Place => &[
                "missing",
                "same address",
                "close address",
                "same postal code",
                "same city",
                "close postal code",
                "same state",
                "different",
            ],
            Comp::Dob | Comp::IdNumber | Comp::Company | Comp::Text(_) => {
                &["missing", "same", "close", "different"]
            }
        }
    }

    /// The name shown in explanations.
    pub fn label(&self, rs: &Records) -> String {
        match self {
            Comp::Email => "email".into(),
            Comp::Phone => "phone".into(),
            Comp::Name => "name".into(),
            Comp::Place => "place".into(),
            Comp::Dob => "date of birth".into(),
            Comp::IdNumber => "id number".into(),
            Comp::Company => "company".into(),
            Comp::Text(i) => rs.text_fields[*i as usize].clone(),
        }
    }

    /// Starting chances of levels 1.. for the same person (M): the
    /// pseudo-counts' shape, all a file too small to learn from gets.
    fn start(&self) -> &'static [f64] {
        match self {
            Comp::Email => &[0.70, 0.10, 0.02, 0.005, 0.005, 0.17],
            Comp::Phone => &[0.75, 0.05, 0.20],
            Comp::Name => &[0.70, 0.08, 0.10, 0.03, 0.03, 0.02, 0.02, 0.01, 0.01],
            Comp::Place => &[0.60, 0.10, 0.10, 0.05, 0.03, 0.02, 0.10],
            Comp::Dob | Comp::IdNumber => &[0.80, 0.12, 0.08],
            Comp::Company | Comp::Text(_) => &[0.60, 0.10, 0.30],
        }
    }
}

/// The level whose m/u a level's may not exceed (see
/// [`Model::cap_levels`]); the last level (different) has none.
fn parent_level(c: Comp, l: usize) -> Option<usize> {
    let last = c.levels().len() - 1;
    if l == 0 || l == 1 || l == last {
        return None;
    }
    match c {
        Comp::Name => Some(if l <= 3 { 1 } else { 3 }),
        Comp::Place => match l {
            2 => Some(1),
            3 => None,
            4 | 5 => Some(3),
            _ => Some(4),
        },
        _ => Some(1),
    }
}

/// Whether a level says the two differ: another mailbox (numbered or at
/// the same organisation), a first or last name that differs, another
/// place, and every comparison's last level.
fn disagrees(c: Comp, l: usize) -> bool {
    let last = c.levels().len() - 1;
    l == last
        || match c {
            Comp::Email => l == 4 || l == 5,
            Comp::Name => l == 6 || l == 7,
            _ => false,
        }
}

/// The comparisons the fields of `rs` make, in a fixed order.
pub fn comps(rs: &Records) -> Vec<Comp> {
    let has = |k: FieldKind| rs.fields.iter().any(|f| f.kind == k);
    let mut out = Vec::new();
    if has(FieldKind::Email) {
        out.push(Comp::Email);
    }
    if has(FieldKind::Phone) {
        out.push(Comp::Phone);
    }
    if has(FieldKind::FirstName) || has(FieldKind::LastName) {
        out.push(Comp::Name);
    }
    if [
        FieldKind::Zip,
        FieldKind::City,
        FieldKind::State,
        FieldKind::Address,
    ]
    .into_iter()
    .any(has)
    {
        out.push(Comp::Place);
    }
    if has(FieldKind::Dob) {
        out.push(Comp::Dob);
    }
    if has(FieldKind::IdNumber) {
        out.push(Comp::IdNumber);
    }
    if has(FieldKind::Company) {
        out.push(Comp::Company);
    }
    for i in 0..rs.text_fields.len() {
        if out.len() < MAX_COMPS {
            out.push(Comp::Text(i as u16));
        }
    }
    out
}

fn close_text(rs: &Records, x: Sym, y: Sym) -> bool {
    jaro_winkler(rs.symbols.str(x), rs.symbols.str(y)) >= 0.9
}

/// Level of a simple field: missing 0, same 1, close 2, different 3.
fn simple(x: Sym, y: Sym, close: impl Fn() -> bool) -> u8 {
    if x == NONE || y == NONE {
        0
    } else if x == y {
        1
    } else if close() {
        2
    } else {
        3
    }
}

fn email_level(a: &Record, b: &Record) -> u8 {
    if a.emails.is_empty() || b.emails.is_empty() {
        return 0;
    }
    if a.emails.iter().any(|e| b.emails.contains(e)) {
        let person = a
            .emails
            .iter()
            .any(|e| b.emails.contains(e) && !is_role_email(e));
        return if person { 1 } else { 3 };
    }
    let (mut close, mut numbered, mut colleagues) = (false, false, false);
    for x in a.emails.iter() {
        let (lx, dx) = x.rsplit_once('@').unwrap_or((x, ""));
        for y in b.emails.iter() {
            let (ly, dy) = y.rsplit_once('@').unwrap_or((y, ""));
            if dx == dy {
                if one_edit(lx, ly) && digits_agree(lx, ly) {
                    close = true;
                } else if letters(lx).eq(letters(ly)) {
                    numbered = true;
                } else if !is_free_mail(dx) {
                    colleagues = true;
                }
            } else if same_email_name(lx, ly) {
                close = true;
            }
        }
    }
    if close {
        2
    } else if numbered {
        4
    } else if colleagues {
        5
    } else {
        6
    }
}

fn phone_level(a: &Record, b: &Record) -> u8 {
    if a.phones.is_empty() || b.phones.is_empty() {
        return 0;
    }
    let any = |f: &dyn Fn(&super::normalize::Phone, &super::normalize::Phone) -> bool| {
        a.phones.iter().any(|x| b.phones.iter().any(|y| f(x, y)))
    };
    if any(&|x, y| x.same(y)) {
        1
    } else if any(&|x, y| x.similar(y)) {
        2
    } else {
        3
    }
}

fn name_level(rs: &Records, a: &Record, b: &Record) -> u8 {
    if a.first != NONE
        && a.last != NONE
        && a.first != a.last
        && a.first == b.last
        && a.last == b.first
    {
        return 2;
    }
    // s: same, n: nickname, c: close, w: weak (part, initial), d: differs,
    // m: missing.
    let class = |l: Likeness| match l {
        Likeness::Missing => b'm',
        Likeness::Same => b's',
        Likeness::Nickname => b'n',
        Likeness::Close(_) => b'c',
        Likeness::Part | Likeness::Initial => b'w',
        // Alike but past a typo (Jaro–Winkler 0.8 or more: `taylah` /
        // `talyaj`): weak, not different.
        Likeness::Differs(s) if s >= WEAK_NAME => b'w',
        Likeness::Differs(_) => b'd',
    };
    let f = class(compare_name(rs, a.first, b.first, true));
    let l = class(compare_name(rs, a.last, b.last, false));
    let good = |c: u8| matches!(c, b's' | b'n' | b'c');
    match (f, l) {
        (b'm', b'm') => 0,
        (b's', b's') => 1,
        (b'n', b's') => 2,
        (f, l) if good(f) && (l == b's' || l == b'c') => 3,
        (f, l) if (l == b's' || l == b'c') && (f == b'w' || f == b'm') => 4,
        (f, l) if good(f) && (l == b'w' || l == b'm') => 5,
        (b'd', l) if l == b's' || l == b'c' => 6,
        (f, b'd') if good(f) => 7,
        _ => {
            let jw = |x: Sym, y: Sym| {
                both(x, y) && jaro_winkler(rs.symbols.str(x), rs.symbols.str(y)) >= 0.8
            };
            if jw(a.first, b.first) && jw(a.last, b.last) {
                8
            } else {
                9
            }
        }
    }
}

fn both(x: Sym, y: Sym) -> bool {
    x != NONE && y != NONE
}

/// Every word of the shorter address in the longer, two words at least.
fn address_part(x: &str, y: &str) -> bool {
    let (s, l) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    s.split(' ').count() >= 2 && s.split(' ').all(|w| l.split(' ').any(|v| v == w))
}

fn place_level(rs: &Records, a: &Record, b: &Record) -> u8 {
    let zip = both(a.zip, b.zip);
    let city = both(a.city, b.city);
    let state = both(a.state, b.state);
    let addr = both(a.address, b.address);
    if !(zip || city || state || addr) {
        return 0;
    }
    // Another postal code and another city: not the same address,
    // however the street reads.
    let elsewhere = zip && a.zip != b.zip && city && a.city != b.city;
    if addr && !elsewhere {
        if a.address == b.address {
            return 1;
        }
        let (x, y) = (rs.symbols.str(a.address), rs.symbols.str(b.address));
        if jaro_winkler(x, y) >= 0.9 || address_part(x, y) {
            return 2;
        }
    }
    if zip && a.zip == b.zip {
        3
    } else if city
        && (a.city == b.city
            || jaro_winkler(rs.symbols.str(a.city), rs.symbols.str(b.city)) >= 0.92)
    {
        4
    } else if zip && {
        let (x, y) = (rs.symbols.str(a.zip), rs.symbols.str(b.zip));
        x.len() == y.len() && osa_distance(x, y) <= 1
    } {
        5
    } else if state && a.state == b.state {
        6
    } else {
        7
    }
}

fn dob_level(rs: &Records, a: &Record, b: &Record) -> u8 {
    simple(a.dob, b.dob, || {
        let (x, y) = (rs.symbols.str(a.dob), rs.symbols.str(b.dob));
        // One digit off, two neighbours swapped, or day and month swapped.
        osa_distance(x, y) <= 1
            || (x.len() == 8
                && y.len() == 8
                && x[..4] == y[..4]
                && x[4..6] == y[6..8]
                && x[6..8] == y[4..6])
    })
}

/// The level of each comparison for a pair, packed [`BITS`] bits each.
pub fn pattern(rs: &Records, comps: &[Comp], a: &Record, b: &Record) -> u64 {
    let mut p = 0u64;
    for (n, c) in comps.iter().enumerate() {
        let l = match c {
            Comp::Email => email_level(a, b),
            Comp::Phone => phone_level(a, b),
            Comp::Name => name_level(rs, a, b),
            Comp::Place => place_level(rs, a, b),
            Comp::Dob => dob_level(rs, a, b),
            Comp::IdNumber => simple(a.idnum, b.idnum, || {
                osa_distance(rs.symbols.str(a.idnum), rs.symbols.str(b.idnum)) <= 1
            }),
            Comp::Company => simple(a.company, b.company, || {
                close_text(rs, a.company, b.company)
            }),
            Comp::Text(i) => {
                let (x, y) = (a.texts[*i as usize], b.texts[*i as usize]);
                simple(x, y, || close_text(rs, x, y))
            }
        };
        p |= (l as u64) << (BITS * n as u32);
    }
    p
}

/// The level of comparison `n` in a pattern.
pub fn level(p: u64, n: usize) -> usize {
    ((p >> (BITS * n as u32)) & ((1 << BITS) - 1)) as usize
}

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

/// One comparison's part in a pair's score.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Term {
    pub comparison: String,
    pub level: &'static str,
    pub a: String,
    pub b: String,
    /// Chance of this level for the same person, and for two random
    /// people (after the term-frequency adjustment).
    pub m: f64,
    pub u: f64,
    /// log₂(m / u): evidence for (positive) or against.
    pub bits: f64,
}

/// A pair's score, term by term (a waterfall).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Explanation {
    /// log₂(π_M / π_U): the odds before any field is looked at.
    pub prior_bits: f64,
    pub terms: Vec<Term>,
    /// What the same-email rule adds ([`SAME_EMAIL_BITS`]), 0 mostly.
    pub rule_bits: f64,
    pub total_bits: f64,
    pub probability: f64,
}

/// A deterministic pseudo-random generator (SplitMix64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
}

/// Run `f` over `0..n` split into one range per core, in parallel;
/// results in range order.
pub fn par_ranges<R: Send>(n: usize, f: impl Fn(std::ops::Range<usize>) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 16);
    if threads == 1 || n < 4096 {
        return vec![f(0..n)];
    }
    let size = n.div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(size)
            .map(|a| {
                let f = &f;
                s.spawn(move || f(a..(a + size).min(n)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a scoring thread panicked"))
            .collect()
    })
}

/// Run `f` over `items` split into one chunk per core, in parallel;
/// results in chunk order.
pub fn par_chunks<T: Sync, R: Send>(items: &[T], f: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 16);
    if threads == 1 || items.len() < 4096 {
        return vec![f(items)];
    }
    let size = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items.chunks(size).map(|c| s.spawn(|| f(c))).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a scoring thread panicked"))
            .collect()
    })
}

impl Model {
    /// Learn the model of `rs` from its candidate pairs (`i < j`, record
    /// indices packed as `i << 32 | j`, sorted, no repeats).
    pub fn fit(rs: &Records, pairs: &[u64]) -> Model {
        Model::fit_patterns(rs, pairs).0
    }

    /// [`Model::fit`], and each pair's pattern (in the order of `pairs`)
    /// for [`Model::probability_of`].
    pub fn fit_patterns(rs: &Records, pairs: &[u64]) -> (Model, Vec<u64>) {
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
            has_address: rs.fields.iter().any(|f| f.kind == FieldKind::Address),
            first: freq(&|r| r.first),
            last: freq(&|r| r.last),
            address: freq(&|r| r.address),
            zip: freq(&|r| r.zip),
            city: freq(&|r| r.city),
            dob: freq(&|r| r.dob),
            idnum: freq(&|r| r.idnum),
            company: freq(&|r| r.company),
            texts: (0..rs.text_fields.len())
                .map(|t| freq(&|r| r.texts[t]))
                .collect(),
            comps,
        };
        model.u = model.random_levels(rs);
        // Candidate patterns and how often each occurs.
        let per_pair: Vec<u64> = par_chunks(pairs, |chunk| {
            chunk
                .iter()
                .map(|&p| {
                    let (a, b) = (&recs[(p >> 32) as usize], &recs[(p & 0xFFFF_FFFF) as usize]);
                    pattern(rs, &model.comps, a, b)
                })
                .collect::<Vec<u64>>()
        })
        .concat();
        let mut counts: HashMap<u64, u64> = HashMap::new();
        for &p in &per_pair {
            *counts.entry(p).or_insert(0) += 1;
        }
        let mut patterns: Vec<(u64, f64)> =
            counts.into_iter().map(|(p, n)| (p, n as f64)).collect();
        patterns.sort_unstable_by_key(|x| x.0);
        model.patterns = patterns.len();
        model.em(&patterns, rs.len());
        (model, per_pair)
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
            for &(i, j) in chunk {
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
        for _ in 0..ANCHOR_ROUNDS {
            let cut = ((1.0 - self.lambda) / self.lambda).log2() + ANCHOR_MARGIN;
            self.m_from_anchors(patterns, &starts[0], cut);
            self.cap_levels();
            let share = self.match_share(patterns);
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
    /// pairs whose other comparisons give at least `cut` bits, with
    /// [`PRIOR_STRENGTH`] pseudo-counts at the starting chances.
    fn m_from_anchors(&mut self, patterns: &[(u64, f64)], start: &[Vec<f64>], cut: f64) {
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
        for &(p, n) in patterns {
            let total: f64 = (0..nc).map(|c| bits[c][level(p, c)]).sum();
            for c in 0..nc {
                let l = level(p, c);
                if l != 0 && total - bits[c][l] >= cut {
                    counts[c][l] += n;
                }
            }
        }
        for c in 0..nc {
            let seen: f64 = counts[c][1..].iter().sum();
            for l in 1..counts[c].len() {
                self.classes[0][c][l] =
                    (counts[c][l] + PRIOR_STRENGTH * start[c][l]) / (seen + PRIOR_STRENGTH);
            }
        }
    }

    /// The share of the candidate pairs that match, by EM on the one
    /// unknown with M and U held: each round, the mean match probability
    /// of the candidates at the current share.
    fn match_share(&self, patterns: &[(u64, f64)]) -> f64 {
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
            let prior = (pi / (1.0 - pi)).log2();
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
    fn tf_u(&self, rs: &Records, c: Comp, lv: usize, a: &Record) -> Option<f64> {
        let _ = rs;
        match (c, lv) {
            (Comp::Name, 1) => Some(self.first.share(a.first) * self.last.share(a.last)),
            (Comp::Place, 1) => Some(self.address.share(a.address)),
            (Comp::Place, 3) => Some(self.zip.share(a.zip)),
            (Comp::Place, 4) if a.city != NONE => Some(self.city.share(a.city)),
            (Comp::Dob, 1) => Some(self.dob.share(a.dob)),
            (Comp::IdNumber, 1) => Some(self.idnum.share(a.idnum)),
            (Comp::Company, 1) => Some(self.company.share(a.company)),
            (Comp::Text(i), 1) => Some(self.texts[i as usize].share(a.texts[i as usize])),
            _ => None,
        }
    }

    /// log₂ of the odds of a match: the prior and each comparison's
    /// log₂(m / u), u with term frequencies.
    fn log_odds(&self, rs: &Records, p: u64, a: &Record) -> f64 {
        let mut bits = (self.lambda / (1.0 - self.lambda)).log2();
        for (c, comp) in self.comps.iter().enumerate() {
            let lv = level(p, c);
            if lv == 0 {
                continue;
            }
            let u = self.tf_u(rs, *comp, lv, a).unwrap_or(self.u[c][lv]);
            bits += (self.classes[0][c][lv] / u).log2();
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
        s
    }

    /// The match probability of two records.
    pub fn probability(&self, rs: &Records, a: &Record, b: &Record) -> f64 {
        self.probability_of(rs, pattern(rs, &self.comps, a, b), a)
    }

    /// The match probability of a pair with pattern `p` whose first
    /// record is `a`.
    pub fn probability_of(&self, rs: &Records, p: u64, a: &Record) -> f64 {
        let bits = self.log_odds(rs, p, a);
        let bits = bits + self.email_rule_bits(p, bits);
        1.0 / (1.0 + (-bits).exp2())
    }

    /// The bits [`SAME_EMAIL_BITS`] adds to a pair of `bits`: a shared
    /// personal email (not a role mailbox) makes one person, as HubSpot
    /// itself takes one email for one contact, unless the names say two
    /// people (a family sharing a mailbox).
    fn email_rule_bits(&self, p: u64, bits: f64) -> f64 {
        let lv = |comp: Comp| {
            self.comps
                .iter()
                .position(|c| *c == comp)
                .map(|c| level(p, c))
        };
        if lv(Comp::Email) != Some(1) || matches!(lv(Comp::Name), Some(6 | 7 | 9)) {
            return 0.0;
        }
        (SAME_EMAIL_BITS - bits).max(0.0)
    }

    /// Each comparison's part in the score of two records.
    pub fn explain(&self, rs: &Records, a: &Record, b: &Record) -> Explanation {
        let p = pattern(rs, &self.comps, a, b);
        let mut terms = Vec::new();
        for (c, comp) in self.comps.iter().enumerate() {
            let lv = level(p, c);
            let (m, u) = if lv == 0 {
                (1.0, 1.0)
            } else {
                (
                    self.classes[0][c][lv],
                    self.tf_u(rs, *comp, lv, a).unwrap_or(self.u[c][lv]),
                )
            };
            terms.push(Term {
                comparison: comp.label(rs),
                level: comp.levels()[lv],
                a: show(rs, *comp, a),
                b: show(rs, *comp, b),
                m,
                u,
                bits: (m / u).log2(),
            });
        }
        let prior_bits = (self.lambda / (1.0 - self.lambda)).log2();
        let bits = prior_bits + terms.iter().map(|t| t.bits).sum::<f64>();
        let rule_bits = self.email_rule_bits(p, bits);
        let total_bits = bits + rule_bits;
        Explanation {
            prior_bits,
            terms,
            rule_bits,
            total_bits,
            probability: 1.0 / (1.0 + (-total_bits).exp2()),
        }
    }
}

/// A record's values for a comparison, as shown in explanations.
fn show(rs: &Records, c: Comp, r: &Record) -> String {
    let s = |x: Sym| rs.symbols.str(x).to_string();
    let join = |v: Vec<String>| {
        v.into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(" / ")
    };
    match c {
        Comp::Email => r.emails.join(" "),
        Comp::Phone => r
            .phones
            .iter()
            .map(|p| p.digits())
            .collect::<Vec<_>>()
            .join(" "),
        Comp::Name => join(vec![s(r.first), s(r.last)]),
        Comp::Place => join(vec![s(r.address), s(r.zip), s(r.city), s(r.state)]),
        Comp::Dob => s(r.dob),
        Comp::IdNumber => s(r.idnum),
        Comp::Company => s(r.company),
        Comp::Text(i) => s(r.texts[i as usize]),
    }
}

/// Reasons for the fields the hand-written reasons do not cover (date of
/// birth, id number, street address, state) when they agree.
pub fn more_reasons(rs: &Records, a: &Record, b: &Record) -> Vec<String> {
    let mut out = Vec::new();
    let _ = rs;
    if both(a.dob, b.dob) && a.dob == b.dob {
        out.push("date of birth".to_string());
    }
    if both(a.idnum, b.idnum) && a.idnum == b.idnum {
        out.push("id number".to_string());
    }
    if both(a.address, b.address) && a.address == b.address {
        out.push("address".to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dupes::record::tests::records;
    use crate::dupes::{Field, Records};
    use crate::rules::testutil::contact;

    fn levels(a: &[(&str, &str)], b: &[(&str, &str)], fields: &[&str]) -> Vec<(Comp, u8)> {
        let fields: Vec<Field> = fields.iter().map(|f| Field::new(f)).collect();
        let mut rs = Records::new(&fields);
        rs.push(&contact("1", a));
        rs.push(&contact("2", b));
        let cs = comps(&rs);
        let p = pattern(&rs, &cs, &rs.records[0], &rs.records[1]);
        cs.iter()
            .enumerate()
            .map(|(n, c)| (*c, level(p, n) as u8))
            .collect()
    }

    #[test]
    fn email_levels_and_provider_rules() {
        let f = ["email"];
        let lv = |a, b| levels(&[("email", a)], &[("email", b)], &f)[0].1;
        assert_eq!(lv("Jane.Doe+news@gmail.com", "janedoe@googlemail.com"), 1);
        assert_eq!(
            lv("jane.doe@acme.com", "janedoe@acme.com"),
            2,
            "dots count at acme"
        );
        assert_eq!(lv("jane.doe@acme.com", "janedoe@other.org"), 2);
        assert_eq!(lv("info@acme.com", "info@acme.com"), 3);
        assert_eq!(lv("wbrown1@acme.com", "wbrown2@acme.com"), 4);
        assert_eq!(lv("ann@acme.com", "bob@acme.com"), 5);
        assert_eq!(lv("ann@gmail.com", "bob@gmail.com"), 6);
        assert_eq!(levels(&[], &[("email", "a@b.co")], &f)[0].1, 0);
    }

    #[test]
    fn name_levels() {
        let f = ["firstname", "lastname"];
        let lv = |a: (&str, &str), b: (&str, &str)| {
            levels(
                &[("firstname", a.0), ("lastname", a.1)],
                &[("firstname", b.0), ("lastname", b.1)],
                &f,
            )[0]
            .1
        };
        assert_eq!(lv(("Ann", "Lee"), ("ann", "LEE")), 1);
        assert_eq!(lv(("Bob", "Smith"), ("Robert", "Smith")), 2);
        assert_eq!(lv(("Smith", "John"), ("John", "Smith")), 2);
        assert_eq!(lv(("Katherine", "Johnson"), ("Katherine", "Jonhson")), 3);
        assert_eq!(lv(("J", "Smith"), ("John", "Smith")), 4);
        assert_eq!(lv(("Mary", "Smith"), ("John", "Smith")), 6);
        assert_eq!(lv(("Taylah", "Webb"), ("Talyaj", "Webb")), 4, "alike: weak");
        assert_eq!(lv(("Mary", "Smith"), ("Mary", "Jones")), 7);
        assert_eq!(lv(("Mary", "Smith"), ("Omar", "Khan")), 9);
        assert_eq!(lv(("", ""), ("Omar", "Khan")), 0);
    }

    #[test]
    fn place_dob_id_levels() {
        let f = ["address", "zip", "city", "state", "date_of_birth", "ssn"];
        let a = [
            ("address", "12 Main Street"),
            ("zip", "02110"),
            ("city", "Boston"),
            ("state", "MA"),
            ("date_of_birth", "1981-02-03"),
            ("ssn", "123-45-6789"),
        ];
        let got = levels(&a, &a, &f);
        assert_eq!(got, [(Comp::Place, 1), (Comp::Dob, 1), (Comp::IdNumber, 1)]);
        let b = [
            ("address", "12 Main Stret"),
            ("zip", "02110"),
            ("date_of_birth", "03/02/1981"),
            ("ssn", "123456798"),
        ];
        let got = levels(&a, &b, &f);
        assert_eq!(got, [(Comp::Place, 2), (Comp::Dob, 1), (Comp::IdNumber, 2)]);
        let c = [
            ("zip", "02111"),
            ("city", "Cambridge"),
            ("state", "MA"),
            ("date_of_birth", "1981-03-02"),
            ("ssn", "987654321"),
        ];
        let got = levels(&a, &c, &f);
        assert_eq!(got, [(Comp::Place, 5), (Comp::Dob, 2), (Comp::IdNumber, 3)]);
        let d = [("zip", "94105"), ("city", "San Francisco"), ("state", "CA")];
        assert_eq!(levels(&a, &d, &f)[0], (Comp::Place, 7));
    }

    /// 300 people twice (the copy keeps email and name, its phone is
    /// dropped) and 900 more once, some sharing a last name and postal
    /// code: EM finds that about 300 of the candidate pairs match and
    /// scores them apart.
    #[test]
    fn em_learns_a_known_answer() {
        let mut people: Vec<Vec<(String, String)>> = Vec::new();
        let mut rng = Rng(7);
        let mut word = || -> String {
            (0..7)
                .map(|_| (b'a' + rng.below(26) as u8) as char)
                .collect()
        };
        for i in 0..1200usize {
            let p = vec![
                ("email".to_string(), format!("p{i}@x{}.com", i % 7)),
                ("firstname".to_string(), word()),
                ("lastname".to_string(), format!("name{}", i % 150)),
                ("zip".to_string(), format!("{:05}", i % 40)),
                ("phone".to_string(), format!("617555{:04}", i)),
            ];
            people.push(p.clone());
            if i < 300 {
                people.push(p[..4].to_vec());
            }
        }
        let refs: Vec<Vec<(&str, &str)>> = people
            .iter()
            .map(|p| p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
            .collect();
        let slices: Vec<&[(&str, &str)]> = refs.iter().map(|p| &p[..]).collect();
        let rs = records(&slices);
        let (pairs, _) = crate::dupes::candidate_pairs(&rs, Default::default());
        assert!(pairs.len() as f64 >= MIN_PAIRS_FOR_EM);
        let model = Model::fit(&rs, &pairs);
        let n = rs.len() as f64;
        let matches = model.lambda * n * (n - 1.0) / 2.0;
        assert!(
            (matches - 300.0).abs() < 15.0,
            "{matches} of {}",
            pairs.len()
        );
        let email = model.comps.iter().position(|c| *c == Comp::Email).unwrap();
        assert!(
            model.classes[0][email][1] > 0.95,
            "{:?}",
            model.classes[0][email]
        );
        // The copies score high, two people low.
        assert!(model.probability(&rs, &rs.records[0], &rs.records[1]) > 0.99);
        assert!(model.probability(&rs, &rs.records[0], &rs.records[2]) < 0.01);
    }
}

#[cfg(test)]
mod anchor_tests {
    use super::*;
    use crate::dupes::record::tests::records;

    /// 2,000 people in 5 companies at 2 postal codes (colleagues galore:
    /// the name-with-company and sorted keys bring many together), 200 of
    /// them twice with another email and a typo in the last name. Left
    /// free, EM took the colleagues for the same person; m counted on
    /// anchors keeps "different name" a strong disagreement and finds
    /// the copies.
    #[test]
    fn colleagues_do_not_become_the_same_person() {
        let mut rng = Rng(11);
        let mut word = |n: usize| -> String {
            (0..n)
                .map(|_| (b'a' + rng.below(26) as u8) as char)
                .collect()
        };
        let mut people: Vec<Vec<(String, String)>> = Vec::new();
        for i in 0..2000usize {
            let (first, last) = (word(6), word(7));
            let p = vec![
                (
                    "email".to_string(),
                    format!("{first}.{last}@co{}.com", i % 5),
                ),
                ("firstname".to_string(), first.clone()),
                ("lastname".to_string(), last.clone()),
                ("company".to_string(), format!("company {}", i % 5)),
                ("zip".to_string(), format!("{:05}", i % 2)),
                ("phone".to_string(), format!("617555{i:04}")),
            ];
            people.push(p.clone());
            if i < 200 {
                let mut typo = last.clone();
                typo.replace_range(3..4, "z");
                people.push(vec![
                    ("email".to_string(), format!("{first}{i}@gmail.com")),
                    ("firstname".to_string(), first),
                    ("lastname".to_string(), typo),
                    ("company".to_string(), format!("company {}", i % 5)),
                    ("zip".to_string(), format!("{:05}", i % 2)),
                    ("phone".to_string(), format!("617555{i:04}")),
                ]);
            }
        }
        let refs: Vec<Vec<(&str, &str)>> = people
            .iter()
            .map(|p| p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
            .collect();
        let slices: Vec<&[(&str, &str)]> = refs.iter().map(|p| &p[..]).collect();
        let rs = records(&slices);
        let (pairs, _) = crate::dupes::candidate_pairs(&rs, Default::default());
        assert!(pairs.len() > 2000, "{} candidate pairs", pairs.len());
        let model = Model::fit(&rs, &pairs);
        let name = model.comps.iter().position(|c| *c == Comp::Name).unwrap();
        let different = Comp::Name.levels().len() - 1;
        assert!(
            model.classes[0][name][different] < 0.05,
            "m of a different name: {:?}",
            model.classes[0][name]
        );
        // A copy scores high; two colleagues low.
        assert!(model.probability(&rs, &rs.records[0], &rs.records[1]) > 0.99);
        let colleague = (0..rs.len())
            .find(|&j| {
                j > 1 && people[j][3].1 == people[0][3].1 && people[j][4].1 == people[0][4].1
            })
            .unwrap();
        assert!(model.probability(&rs, &rs.records[0], &rs.records[colleague]) < 0.01);
        let n = rs.len() as f64;
        let matches = model.lambda * n * (n - 1.0) / 2.0;
        assert!((matches - 200.0).abs() < 40.0, "{matches}");
    }
}
