//! Why a pair scores what it does: each comparison's part (a waterfall
//! like Splink's), and the extra reasons shown in plans.
//!
//! A file with too few candidate pairs to learn from is scored with the
//! hand-set weights ([`super::score`]); its pairs are explained with them
//! too ([`explain_hand_set`]), so that `--explain` gives the score the
//! plan shows.

use super::compare::{both, comps, dob_level, idnum_level, level, pattern, Comp};
use super::model::Model;
use super::record::{Record, Records, Sym};
use super::score::{self, PartOf, Reason};

/// One comparison's part in a pair's score.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Term {
    pub comparison: String,
    /// The level (learned model), or what the hand-set weights saw (the
    /// plan's reasons for this field, `missing`, `different`).
    pub level: String,
    pub a: String,
    pub b: String,
    /// Chance of this level for the same person, and for two random
    /// people (after the term-frequency adjustment); none with the
    /// hand-set weights, which are not made of chances.
    pub m: Option<f64>,
    pub u: Option<f64>,
    /// Evidence for (positive) or against, in bits: log₂(m / u), or the
    /// hand-set weight.
    pub bits: f64,
}

/// Which scorer gave an [`Explanation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scorer {
    /// The model learned from the file (Fellegi–Sunter with EM).
    Learned,
    /// The hand-set weights, for a file with too few candidate pairs to
    /// learn from.
    HandSet,
}

/// A pair's score, term by term (a waterfall).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Explanation {
    pub scorer: Scorer,
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
                level: comp.levels()[lv].to_string(),
                a: show(rs, *comp, a),
                b: show(rs, *comp, b),
                m: Some(m),
                u: Some(u),
                bits: (m / u).log2(),
            });
        }
        let prior_bits = (self.lambda / (1.0 - self.lambda)).log2();
        let bits = prior_bits + terms.iter().map(|t| t.bits).sum::<f64>();
        let rule_bits = self.email_rule_bits(p, bits);
        let household_bits = self.household_bits(rs, p, a);
        let total_bits = bits + rule_bits + household_bits;
        Explanation {
            scorer: Scorer::Learned,
            prior_bits,
            terms,
            rule_bits,
            household_bits,
            total_bits,
            probability: 1.0 / (1.0 + (-total_bits).exp2()),
        }
    }
}

/// Each field's part in the hand-set score of two records
/// ([`score::parts`]): the fields the file compares, in the learned
/// model's order, then a mailbox or phone two first names share and
/// namesakes in the place, when they count. Its
/// probability is the score the plan gives the pair.
pub fn explain_hand_set(rs: &Records, a: &Record, b: &Record) -> Explanation {
    let parts = score::parts(rs, a, b);
    let mut terms = Vec::new();
    for c in comps(rs) {
        let of = match c {
            Comp::Email => PartOf::Email,
            Comp::Phone => PartOf::Phone,
            Comp::Name => PartOf::Name,
            Comp::Company => PartOf::Company,
            Comp::Place => PartOf::Place,
            Comp::Text(i) => PartOf::Other(i),
            Comp::Dob => PartOf::DateOfBirth,
            Comp::IdNumber => PartOf::IdNumber,
        };
        terms.extend(hand_set_term(rs, (a, b), &parts, of, Some(c)));
    }
    for of in [PartOf::Family, PartOf::CommonName] {
        if parts.iter().any(|p| p.0 == of && p.1 != 0.0) {
            terms.extend(hand_set_term(rs, (a, b), &parts, of, None));
        }
    }
    let prior_bits = -score::PRIOR_BITS;
    let total_bits = prior_bits + terms.iter().map(|t| t.bits).sum::<f64>();
    Explanation {
        scorer: Scorer::HandSet,
        prior_bits,
        terms,
        rule_bits: 0.0,
        household_bits: 0.0,
        total_bits,
        // The plan's own formula, on the weight the parts add up to.
        probability: score::score_of(total_bits - prior_bits),
    }
}

/// One row of [`explain_hand_set`]: part `of` of the hand-set score,
/// shown with the values of comparison `shown` (none for namesakes).
fn hand_set_term(
    rs: &Records,
    (a, b): (&Record, &Record),
    parts: &[(PartOf, f64, score::Reasons)],
    of: PartOf,
    shown: Option<Comp>,
) -> Option<Term> {
    let &(_, bits, reasons) = parts.iter().find(|p| p.0 == of)?;
    let (sa, sb) = shown.map_or((String::new(), String::new()), |c| {
        (show(rs, c, a), show(rs, c, b))
    });
    let said: Vec<String> = reasons
        .as_slice()
        .iter()
        .map(|r| match r {
            // Reasons that name their field say "same" in its row.
            Reason::SamePhone | Reason::Company | Reason::Field(_) => "same".to_string(),
            Reason::Zip => "same postal code".to_string(),
            Reason::City => "same city".to_string(),
            Reason::ZipDiffers => "another postal code".to_string(),
            r => r.text(&rs.text_fields),
        })
        .collect();
    // The date of birth and the id number give no reason: their level
    // names what they saw.
    let level = match of {
        PartOf::DateOfBirth | PartOf::IdNumber => {
            let (comp, l) = match of {
                PartOf::DateOfBirth => (Comp::Dob, dob_level(rs, a, b)),
                _ => (Comp::IdNumber, idnum_level(rs, a, b)),
            };
            let level = comp.levels()[l as usize];
            if matches!(l, 1 | 2) && bits == 0.0 {
                format!("{level}, not counted: the first names differ (twins)")
            } else {
                level.to_string()
            }
        }
        PartOf::Family => "a mailbox or phone two first names share".to_string(),
        _ if !said.is_empty() => said.join("; "),
        _ if bits < 0.0 => "different".to_string(),
        _ if shown.is_some() && (sa.is_empty() || sb.is_empty()) => "missing".to_string(),
        _ => "no evidence".to_string(),
    };
    Some(Term {
        comparison: match (shown, of) {
            (Some(c), _) => c.label(rs),
            (None, PartOf::Family) => "family: shared by two people".to_string(),
            (None, _) => "namesakes in the place".to_string(),
        },
        level,
        a: sa,
        b: sb,
        m: None,
        u: None,
        bits,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dupes::Field;
    use crate::rules::testutil::contact;

    /// Twins who share a mailbox and a phone: the rows say why the shared
    /// birthday, email and phone do not make them one person, and add up
    /// to the plan's weight.
    #[test]
    fn hand_set_rows_name_the_family_and_the_twins() {
        let fields: Vec<Field> = ["firstname", "lastname", "email", "phone", "date_of_birth"]
            .iter()
            .map(|f| Field::new(f))
            .collect();
        let mut rs = Records::new(&fields);
        let twin = |id: &str, first: &str| {
            contact(
                id,
                &[
                    ("firstname", first),
                    ("lastname", "Dubois"),
                    ("email", "dubois.family@gmail.com"),
                    ("phone", "404 568 8030"),
                    ("date_of_birth", "1979-01-14"),
                ],
            )
        };
        rs.push(&twin("1", "Elizabeth"));
        rs.push(&twin("2", "Teresa"));
        let (a, b) = (&rs.records[0], &rs.records[1]);
        let e = explain_hand_set(&rs, a, b);
        let row = |c: &str| e.terms.iter().find(|t| t.comparison == c).unwrap();
        assert_eq!(row("date of birth").bits, 0.0);
        assert!(
            row("date of birth").level.contains("twins"),
            "{:?}",
            row("date of birth")
        );
        // Email +11 and phone +8 become +4 and +2.
        assert_eq!(row("family: shared by two people").bits, -13.0);
        let weight = score::compare(&rs, a, b).weight;
        assert!((e.total_bits + score::PRIOR_BITS - weight).abs() < 1e-9);
        assert!((e.probability - score::score_of(weight)).abs() < 1e-12);
        assert!(e.probability < 0.7);
    }
}
