//! The duplicate finder: likely duplicate contacts, as a plan `apply` runs.
//!
//! 1. Each contact's compared fields are normalised once ([`normalize`],
//!    [`record`]).
//! 2. Blocking picks the pairs worth comparing, near-linear in the number
//!    of contacts ([`block`]).
//! 3. Each candidate pair is scored from field similarities, with the
//!    reasons that drove the score ([`score`]).
//! 4. Pairs at or above the threshold are joined transitively into
//!    clusters; each cluster's primary is chosen by a rule, and the plan
//!    merges every other member into it ([`cluster`]).
//!
//! The library never prints; [`find`] returns the clusters and counts.

pub mod block;
pub mod cluster;
pub mod compare;
pub mod detect;
mod edit;
pub mod explain;
mod headers;
pub mod household;
pub mod intern;
pub mod limit;
mod memo;
pub mod model;
pub mod normalize;
pub mod pairs;
pub mod parallel;
pub mod phone;
mod planning;
pub mod record;
pub mod refusals;
pub mod score;

pub use record::Records;

use crate::labels;

/// How a compared field is normalised and scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Emails (`email` brings `hs_additional_emails` along).
    Email,
    Phone,
    FirstName,
    LastName,
    Company,
    Zip,
    City,
    /// State, region, province, county.
    State,
    /// A street address; several address columns (number, street,
    /// locality) make one address.
    Address,
    /// A date of birth (its digits).
    Dob,
    /// A personal id number (social security, passport, member number).
    IdNumber,
    /// Any other property: folded text.
    Text,
}

impl FieldKind {
    /// What the field holds, in words, for messages.
    pub fn label(self) -> &'static str {
        match self {
            FieldKind::Email => "emails",
            FieldKind::Phone => "phones",
            FieldKind::FirstName => "first names",
            FieldKind::LastName => "last names",
            FieldKind::Company => "companies",
            FieldKind::Zip => "postal codes",
            FieldKind::City => "cities",
            FieldKind::State => "states",
            FieldKind::Address => "street addresses",
            FieldKind::Dob => "dates of birth",
            FieldKind::IdNumber => "id numbers",
            FieldKind::Text => "text",
        }
    }

    /// Whether the field tells people apart by itself (an email, a phone,
    /// a name, an id number, a date of birth): a file compared on none of
    /// these has no key to find duplicates by.
    pub fn identifies(self) -> bool {
        matches!(
            self,
            FieldKind::Email
                | FieldKind::Phone
                | FieldKind::FirstName
                | FieldKind::LastName
                | FieldKind::IdNumber
                | FieldKind::Dob
        )
    }
}

/// A compared field: a property by internal name, and its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub kind: FieldKind,
}

impl Field {
    /// A field by internal name or CSV label ("First Name" → `firstname`);
    /// its kind follows from the name.
    pub fn new(name: &str) -> Field {
        let name = labels::internal_name(name).to_string();
        let kind = headers::kind_of(&name);
        Field { name, kind }
    }
}

/// The fields compared by default.
pub const DEFAULT_FIELDS: &[&str] = &[
    "email",
    "phone",
    "firstname",
    "lastname",
    "company",
    "zip",
    "city",
    "jobtitle",
];

pub fn default_fields() -> Vec<Field> {
    DEFAULT_FIELDS.iter().map(|f| Field::new(f)).collect()
}

/// Parse `--fields a,b,...` (internal names or CSV labels); repeats are
/// dropped.
pub fn parse_fields(list: &str) -> Result<Vec<Field>, String> {
    let mut out: Vec<Field> = Vec::new();
    for item in list.split(',').map(str::trim) {
        if item.is_empty() {
            continue;
        }
        let f = Field::new(item);
        if !out.iter().any(|g| g.name == f.name) {
            out.push(f);
        }
    }
    if out.is_empty() {
        return Err(
            "no fields given; list properties to compare, e.g. email,phone,firstname,lastname"
                .into(),
        );
    }
    Ok(out)
}

/// Which member of a cluster becomes the primary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum PrimaryRule {
    /// The oldest create date (HubSpot keeps the older record's create
    /// date).
    #[default]
    Oldest,
    /// The newest create date.
    Newest,
    /// The most properties filled in (then the oldest).
    MostComplete,
}

/// The default threshold: a pair is a duplicate at this score or above.
pub const DEFAULT_THRESHOLD: f64 = 0.7;

/// Candidate pairs up to which each pair's pattern is kept from the first
/// pass for the scoring pass (about 0.6 bytes a pair: 16 MB here); a file
/// with more compares its pairs again instead, so that its memory stays
/// under the file's size (a million contacts: 38 million pairs; keeping
/// even 15 million of them took their run from about 214 to 224 MiB,
/// for a file of 230 MiB).
pub const KEEP_PATTERNS_UP_TO: u64 = 25_000_000;

/// What to look for.
#[derive(Debug, Clone)]
pub struct Options {
    /// Minimum score (0 to 1) of a duplicate pair.
    pub threshold: f64,
    pub primary: PrimaryRule,
    pub blocking: block::Options,
    /// [`KEEP_PATTERNS_UP_TO`]: a tuning knob (any value gives the same
    /// pairs), for tests.
    pub keep_patterns_up_to: u64,
    /// HubSpot's merge limit, as `apply --max-merges` counts it: a cluster
    /// whose merges would reach it keeps the members that fit and leaves
    /// the rest out ([`limit`], [`LeftOut`]).
    pub max_merges: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            threshold: DEFAULT_THRESHOLD,
            primary: PrimaryRule::Oldest,
            blocking: block::Options::default(),
            keep_patterns_up_to: KEEP_PATTERNS_UP_TO,
            max_merges: crate::rules::DEFAULT_MAX_MERGES,
        }
    }
}

/// One pair of the plan: merge `secondary` into `primary`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DupPair {
    /// The cluster's number, from 1, in file order of the primaries; the
    /// clusters members left out at the merge limit make come right after
    /// the cluster they were left out of.
    pub cluster: usize,
    pub primary: String,
    pub secondary: String,
    /// The score of the pair compared directly (0 to 1).
    pub score: f64,
    /// What drove it; `via ID` when the two meet only through another
    /// member of the cluster.
    pub reasons: Vec<String>,
}

/// Members of a cluster the plan leaves out: merging them too would take
/// the primary past HubSpot's merge limit ([`Options::max_merges`]), and
/// `apply` would refuse the plan.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LeftOut {
    /// The cluster's primary.
    pub primary: String,
    /// The cluster's number in the plan; `None` when no member is left to
    /// merge into the primary (it already took part in the limit's number
    /// of merges), so the plan has no pair of this cluster.
    pub cluster: Option<usize>,
    /// The members the plan merges into the primary.
    pub merged: usize,
    /// The members left out, in file order.
    pub ids: Vec<String>,
    /// The plan's numbers of the clusters the members left out make among
    /// themselves, where they match one another: each merged into one of
    /// them, as HubSpot will take no more merges into the primary. Members
    /// in none of them stay apart.
    pub regrouped: Vec<usize>,
    /// How many of [`LeftOut::ids`] those clusters merge (their primaries
    /// and the members they take), for the warning and the summary.
    #[serde(skip)]
    pub merged_among: usize,
    /// The entry whose left-out members this cluster was made of, when
    /// it was: its ids are among that entry's, so a summary counts only
    /// the entries outside any other ([`LeftOut::within`] `None`).
    #[serde(skip)]
    pub within: Option<usize>,
}

/// What [`find`] found.
#[derive(Debug, Clone)]
pub struct Found {
    pub pairs: Vec<DupPair>,
    /// Clusters in the plan (each with at least one pair).
    pub clusters: usize,
    /// Members left out of clusters that would pass the merge limit.
    pub left_out: Vec<LeftOut>,
    /// Contacts looked at.
    pub contacts: usize,
    /// Candidate pairs compared, and blocks skipped as too big.
    pub blocking: block::Stats,
    /// Pairs at or above the threshold (before clustering).
    pub matches: usize,
    /// Anchor rounds the model took (0 with the hand-set weights).
    pub em_rounds: usize,
    /// The learned model as text ([`model::Model::describe`]); empty with
    /// the hand-set weights.
    pub model: String,
}

/// Find the duplicates among the records: learn the model from the
/// candidate pairs' patterns, then score the pairs again, keeping those at
/// or above the threshold. The pairs are made contact by contact each
/// time ([`pairs::Candidates`]): a large file's tens of millions are never
/// held at once.
pub fn find(rs: &Records, opts: &Options) -> Found {
    let cands = pairs::Candidates::new(rs, opts.blocking);
    let mut blocking = cands.stats();
    blocking.candidates = cands.count(rs);
    if hand_set(blocking.candidates) {
        return find_hand_set(rs, opts, &cands, blocking);
    }
    let mut model = model::Model::unfitted(rs);
    let keep = (blocking.candidates <= opts.keep_patterns_up_to).then_some(blocking.candidates);
    let (patterns, kept) = cands.pattern_counts_kept(rs, &model.comps, keep);
    model.learn(&patterns, rs.len());
    drop(patterns);
    let scored = score_kept(rs, &cands, &model, &kept, opts.threshold);
    drop(kept);
    drop(cands);
    let describe = model.describe(rs);
    let rounds = model.rounds;
    let found = planning::plan_clusters(rs, opts, &scored, |p, s| {
        let prob = model.probability(rs, p, s);
        (prob, prob >= opts.threshold)
    });
    Found {
        blocking,
        em_rounds: rounds,
        model: describe,
        ..found
    }
}

/// The candidate pairs at or above the threshold, `(i, j, probability)`
/// in pair order, from the patterns kept in the first pass (the pairs of
/// ranges not kept compared again).
fn score_kept(
    rs: &Records,
    cands: &pairs::Candidates,
    model: &model::Model,
    kept: &pairs::Kept,
    threshold: f64,
) -> Vec<(u32, u32, f64)> {
    let bits = model.level_bits();
    // A pair compared again is compared only as far as it could still
    // reach the threshold.
    let bound = model::Bound::new(model, threshold);
    let scored = parallel::par_ranges_in(kept.len(), parallel::cores(), 1, |ks| {
        let mut out: Vec<(u32, u32, f64)> = Vec::new();
        let (mut scratch, mut prepared) = (model::Scratch::default(), None);
        let mut again = |i: u32, j: u32| {
            let a = &rs.records[i as usize];
            if prepared != Some(i) {
                bound.prepare(model, rs, a, &mut scratch);
                prepared = Some(i);
            }
            bound.pattern(model, rs, (a, &rs.records[j as usize]), &scratch)
        };
        for k in ks {
            cands.for_each_kept(rs, &mut again, (kept, k), &mut |i, j, p| {
                let s = model.probability_with(Some(&bits), rs, p, &rs.records[i as usize]);
                if s >= threshold {
                    out.push((i, j, s));
                }
            });
        }
        out
    });
    scored.into_iter().flatten().collect()
}

/// [`find`] with the hand-set weights of [`score`], for files with too
/// few candidate pairs to learn a model from.
fn find_hand_set(
    rs: &Records,
    opts: &Options,
    cands: &pairs::Candidates,
    blocking: block::Stats,
) -> Found {
    let min_weight = score::weight_of(opts.threshold);
    let mut scored: Vec<(u32, u32, f64)> = Vec::new();
    cands.for_each_in(rs, 0..rs.len(), &mut |i, j| {
        let (a, b) = (&rs.records[i as usize], &rs.records[j as usize]);
        if let Some(c) = score::compare_above(rs, a, b, min_weight) {
            if c.weight >= min_weight {
                scored.push((i, j, c.weight));
            }
        }
    });
    let found = planning::plan_clusters(rs, opts, &scored, |p, s| {
        let c = score::compare(rs, p, s);
        (c.score(), c.weight >= min_weight)
    });
    Found { blocking, ..found }
}

/// Why two contacts (by id) score what they do: the model learned from
/// the whole file, term by term. `None` when an id is not in the file.
pub fn explain(
    rs: &Records,
    opts: &Options,
    a: &str,
    b: &str,
) -> Result<explain::Explanation, ExplainError> {
    let find_id = |id: &str| {
        rs.position(id)
            .ok_or_else(|| ExplainError::NoContact(id.to_string()))
    };
    let (ia, ib) = (find_id(a)?, find_id(b)?);
    if ia == ib {
        return Err(ExplainError::SameContact(a.to_string()));
    }
    let (ra, rb) = (&rs.records[ia as usize], &rs.records[ib as usize]);
    let cands = pairs::Candidates::new(rs, opts.blocking);
    // The scorer `find` uses for this file.
    if hand_set(cands.count(rs)) {
        return Ok(explain::explain_hand_set(rs, ra, rb));
    }
    let model = model::Model::fit(rs, &cands);
    Ok(model.explain(rs, ra, rb))
}

/// Whether a file with this many candidate pairs is scored with the
/// hand-set weights: too few pairs to learn from. [`find`] and
/// [`explain`] both ask it, so that an explanation gives the plan's score.
fn hand_set(candidates: u64) -> bool {
    (candidates as f64) < model::MIN_PAIRS_FOR_EM
}

/// Why [`explain`] cannot explain a pair.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExplainError {
    #[error("no live contact with id {0}; give two ids of the file's live contacts")]
    NoContact(String),
    #[error("contact {0}: both ids name the same contact; give the ids of two different contacts")]
    SameContact(String),
}

/// A plan CSV: `primary_id,secondary_id,score,reasons` (reasons joined by
/// `; `), as `apply` reads it.
pub fn write_plan_csv(pairs: &[DupPair], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(["primary_id", "secondary_id", "score", "reasons"])?;
    for p in pairs {
        w.write_record([
            p.primary.as_str(),
            p.secondary.as_str(),
            &format!("{:.3}", p.score),
            &p.reasons.join("; "),
        ])?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Contact;
    use crate::rules::testutil::contact;

    #[test]
    fn fields_by_name_or_label() {
        let f = parse_fields("Email, First Name,lastname, Phone Number,Job Title,email").unwrap();
        let got: Vec<(&str, FieldKind)> = f.iter().map(|f| (f.name.as_str(), f.kind)).collect();
        assert_eq!(
            got,
            [
                ("email", FieldKind::Email),
                ("firstname", FieldKind::FirstName),
                ("lastname", FieldKind::LastName),
                ("phone", FieldKind::Phone),
                ("jobtitle", FieldKind::Text),
            ]
        );
        assert_eq!(Field::new("Postal Code").kind, FieldKind::Zip);
        assert_eq!(Field::new("mobilephone").kind, FieldKind::Phone);
        assert_eq!(Field::new("Associated Company").kind, FieldKind::Company);
        assert!(parse_fields(" , ").is_err());
    }

    fn records_of(contacts: &[Contact]) -> Records {
        let mut rs = Records::new(&default_fields());
        for c in contacts {
            rs.push(c);
        }
        rs
    }

    fn found(contacts: &[Contact], opts: &Options) -> Found {
        find(&records_of(contacts), opts)
    }

    /// Ann Lee three times (one email, one phone apart), Bob and Robert Ray
    /// with one phone, Cy Doe once.
    fn six_contacts() -> Vec<Contact> {
        vec![
            contact(
                "1",
                &[
                    ("firstname", "Ann"),
                    ("lastname", "Lee"),
                    ("email", "ann@x.com"),
                    ("createdate", "2022-01-01"),
                ],
            ),
            contact(
                "2",
                &[
                    ("firstname", "Bob"),
                    ("lastname", "Ray"),
                    ("phone", "6175550101"),
                    ("createdate", "2020-01-01"),
                ],
            ),
            contact(
                "3",
                &[
                    ("firstname", "Ann"),
                    ("lastname", "Lee"),
                    ("email", "ANN@x.com"),
                    ("phone", "2125550123"),
                    ("createdate", "2021-01-01"),
                ],
            ),
            contact(
                "4",
                &[
                    ("firstname", "Robert"),
                    ("lastname", "Ray"),
                    ("phone", "+1 617 555 0101"),
                    ("createdate", "2019-01-01"),
                ],
            ),
            contact(
                "5",
                &[
                    ("firstname", "Ann"),
                    ("lastname", "Lee"),
                    ("phone", "212.555.0123"),
                ],
            ),
            contact(
                "6",
                &[
                    ("firstname", "Cy"),
                    ("lastname", "Doe"),
                    ("email", "cy@z.com"),
                ],
            ),
        ]
    }

    #[test]
    fn finds_clusters_and_plans_primary_to_each_member() {
        let contacts = six_contacts();
        let f = found(&contacts, &Options::default());
        assert_eq!(f.clusters, 2);
        assert_eq!(f.contacts, 6);
        let got: Vec<(usize, &str, &str)> = f
            .pairs
            .iter()
            .map(|p| (p.cluster, p.primary.as_str(), p.secondary.as_str()))
            .collect();
        // Contact 5 has no create date: the oldest of its cluster.
        // Clusters in file order of their primaries.
        assert_eq!(got, [(1, "4", "2"), (2, "5", "1"), (2, "5", "3")]);
        assert_eq!(f.pairs[0].reasons, ["phone", "nickname"]);
        assert!(f.pairs[0].score > 0.95);
        // 5 and 1 only meet through 3.
        assert_eq!(f.pairs[1].reasons[0], "via 3");
        assert_eq!(f.pairs[2].reasons, ["phone", "same name"]);
        let newest = found(
            &contacts,
            &Options {
                primary: PrimaryRule::Newest,
                ..Options::default()
            },
        );
        let got: Vec<(&str, &str)> = newest
            .pairs
            .iter()
            .map(|p| (p.primary.as_str(), p.secondary.as_str()))
            .collect();
        assert_eq!(got, [("1", "3"), ("1", "5"), ("2", "4")]);
    }

    /// A file too small to learn from is scored with the hand-set weights,
    /// and `explain` explains those: its probability is the plan's score,
    /// for pairs that match on their own and for a pair that meets only
    /// through another member.
    #[test]
    fn explain_gives_the_score_the_plan_shows_on_a_small_file() {
        let rs = records_of(&six_contacts());
        let opts = Options::default();
        let f = find(&rs, &opts);
        assert_eq!(f.em_rounds, 0, "six contacts: the hand-set weights");
        assert_eq!(f.pairs.len(), 3);
        for p in &f.pairs {
            let e = explain(&rs, &opts, &p.primary, &p.secondary).unwrap();
            assert_eq!(e.scorer, explain::Scorer::HandSet);
            assert!(
                (e.probability - p.score).abs() < 1e-12,
                "{} {}: explained {} against the plan's {}",
                p.primary,
                p.secondary,
                e.probability,
                p.score
            );
            let sum = e.prior_bits + e.terms.iter().map(|t| t.bits).sum::<f64>();
            assert!((sum - e.total_bits).abs() < 1e-12);
            assert!(e.terms.iter().all(|t| t.m.is_none() && t.u.is_none()));
        }
        // Bob and Robert Ray: the rows say what the plan's reasons say.
        let e = explain(&rs, &opts, "4", "2").unwrap();
        let level = |c: &str| {
            e.terms
                .iter()
                .find(|t| t.comparison == c)
                .unwrap()
                .level
                .clone()
        };
        assert_eq!(
            (level("phone"), level("name")),
            ("same".into(), "nickname".into())
        );
        assert_eq!(level("email"), "missing");
    }

    #[test]
    fn explain_refuses_an_unknown_id_and_one_contact_twice() {
        let rs = records_of(&six_contacts());
        let opts = Options::default();
        assert_eq!(
            explain(&rs, &opts, "1", "nope").unwrap_err(),
            ExplainError::NoContact("nope".into())
        );
        assert_eq!(
            explain(&rs, &opts, "3", "3").unwrap_err(),
            ExplainError::SameContact("3".into())
        );
    }

    /// Patterns kept from the first pass or pairs compared again (a file
    /// past [`KEEP_PATTERNS_UP_TO`]): the same plan.
    #[test]
    fn comparing_again_finds_what_the_kept_patterns_find() {
        let g = crate::gen::generate(&crate::gen::GenOptions {
            contacts: 2000,
            ..Default::default()
        });
        let kept = found(&g.export.contacts, &Options::default());
        assert!(kept.blocking.candidates >= model::MIN_PAIRS_FOR_EM as u64);
        assert!(kept.pairs.len() > 100, "{}", kept.pairs.len());
        let again = found(
            &g.export.contacts,
            &Options {
                keep_patterns_up_to: 0,
                ..Options::default()
            },
        );
        assert_eq!(kept.pairs, again.pairs);
        assert_eq!(kept.model, again.model);
    }

    #[test]
    fn a_higher_threshold_finds_less() {
        let contacts = [
            contact(
                "1",
                &[
                    ("firstname", "Jane"),
                    ("lastname", "Doe"),
                    ("company", "Acme"),
                    ("zip", "02110"),
                ],
            ),
            contact(
                "2",
                &[
                    ("firstname", "Jane"),
                    ("lastname", "Doe"),
                    ("company", "Acme Inc"),
                    ("zip", "02110"),
                ],
            ),
        ];
        let low = found(
            &contacts,
            &Options {
                threshold: 0.5,
                ..Options::default()
            },
        );
        assert_eq!(low.pairs.len(), 1);
        assert_eq!(low.pairs[0].reasons, ["same name", "company", "zip"]);
        let high = found(
            &contacts,
            &Options {
                threshold: 0.999,
                ..Options::default()
            },
        );
        assert!(high.pairs.is_empty());
    }

    #[test]
    fn the_plan_csv_is_a_plan_apply_reads() {
        let pairs = vec![DupPair {
            cluster: 1,
            primary: "101".into(),
            secondary: "102".into(),
            score: 0.98765,
            reasons: vec!["same email".into(), "name 0.96".into()],
        }];
        let mut buf = Vec::new();
        write_plan_csv(&pairs, &mut buf).unwrap();
        let text = String::from_utf8(buf.clone()).unwrap();
        assert_eq!(
            text,
            "primary_id,secondary_id,score,reasons\n101,102,0.988,same email; name 0.96\n"
        );
        let plan = crate::plan::parse_plan(&buf, "plan.csv", None).unwrap();
        assert_eq!(plan.pairs.len(), 1);
        assert_eq!(
            (
                plan.pairs[0].primary.as_str(),
                plan.pairs[0].secondary.as_str()
            ),
            ("101", "102")
        );
    }
}
