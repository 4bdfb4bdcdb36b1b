//! Why a pair scores what it does: each comparison's part (a waterfall
//! like Splink's), and the extra reasons shown in plans.

use super::compare::{both, level, pattern, Comp};
use super::model::Model;
use super::record::{Record, Records, Sym};

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
    /// What the household class takes off (another person at the same
    /// home, [`super::household`]): 0 unless the two share a home.
    pub household_bits: f64,
    pub total_bits: f64,
    pub probability: f64,
}

impl Model {
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
        let household_bits = self.household_bits(rs, p, a);
        let total_bits = bits + rule_bits + household_bits;
        Explanation {
            prior_bits,
            terms,
            rule_bits,
            household_bits,
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
        Comp::Email => rs.emails(r).map(|e| e.text()).collect::<Vec<_>>().join(" "),
        Comp::Phone => rs
            .phones(r)
            .map(|p| p.digits())
            .collect::<Vec<_>>()
            .join(" "),
        Comp::Name => join(vec![s(r.first), s(r.last)]),
        Comp::Place => join(vec![s(rs.address(r)), s(r.zip), s(r.city), s(rs.state(r))]),
        Comp::Dob => s(rs.dob(r)),
        Comp::IdNumber => s(rs.idnum(r)),
        Comp::Company => s(r.company),
        Comp::Text(i) => s(rs.texts(r)[i as usize]),
    }
}

/// Reasons for the fields the hand-written reasons do not cover (date of
/// birth, id number, street address, state) when they agree.
pub fn more_reasons(rs: &Records, a: &Record, b: &Record) -> Vec<String> {
    let mut out = Vec::new();
    let _ = rs;
    if both(rs.dob(a), rs.dob(b)) && rs.dob(a) == rs.dob(b) {
        out.push("date of birth".to_string());
    }
    if both(rs.idnum(a), rs.idnum(b)) && rs.idnum(a) == rs.idnum(b) {
        out.push("id number".to_string());
    }
    if both(rs.address(a), rs.address(b)) && rs.address(a) == rs.address(b) {
        out.push("address".to_string());
    }
    out
}
