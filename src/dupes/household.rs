//! The household class: another person at the same home.
//!
//! Two people who live together share an address and often a landline,
//! and usually a last name; against two contacts drawn at random, that is
//! as strong as the evidence of one person (an address seen once in the
//! file and a phone number: 25 bits). What tells one person from two at
//! one home is the first name, the date of birth, the mailbox: so the
//! match probability weighs the pair against a third class next to M and
//! U, Fellegi–Sunter with two kinds of non-match:
//!
//! `P(M) = λ L_M / (λ L_M + (1 − λ) L_U + η L_H)`
//!
//! In H the home comparisons (place, phone, name, and email: a family may
//! share a mailbox) and the date of birth (twins) have chances of their
//! own; every other comparison is as between two random people (h = u:
//! another person's job says nothing of where they live). The name's
//! chances define the class (the same last name, another first name, or
//! another name altogether); the place's, the phone's, the email's and the
//! date of birth's are counted on the candidate pairs that look like
//! households (the same last name, another first name, and the other home
//! field the same), and η is the share of such pairs among all pairs.

use super::compare::{level, neutral, Comp, NAME_SUFFIX_DIFFERS, PHONE_SHARED_AT_ONE_ADDRESS};

/// Chances of the name levels 1.. in a household (see
/// [`Comp::levels`]): mostly "last same, first differs", then another
/// name altogether (a married name), first names alike by chance, a
/// father and son of one name under two generational suffixes.
const NAME: [f64; 10] = [
    0.002, 0.002, 0.002, 0.03, 0.002, 0.85, 0.002, 0.03, 0.002, 0.08,
];
/// Starting chances (pseudo-counts of [`PSEUDO`] pairs) of the phone
/// levels 1.. and the place levels 1.. in a household.
const PHONE: [f64; 6] = [0.01, 0.29, 0.02, 0.2, 0.05, 0.43];
const PLACE: [f64; 7] = [0.6, 0.1, 0.15, 0.05, 0.02, 0.02, 0.06];
const EMAIL: [f64; 7] = [0.1, 0.02, 0.01, 0.01, 0.02, 0.01, 0.83];
/// Date of birth: same, close, different (twins are born on one day).
const DOB: [f64; 3] = [0.05, 0.02, 0.93];
/// Company: same, close, different (a family seldom shares an employer;
/// colleagues at one office always do).
const COMPANY: [f64; 3] = [0.05, 0.02, 0.93];
const PSEUDO: f64 = 10.0;
/// Pairs' worth of [`NAME`] when the name's chances are learned.
const NAME_PSEUDO: f64 = 50.0;

/// The household class of a model: its prior and its level chances for
/// the home comparisons.
#[derive(Debug, Clone)]
pub struct Household {
    /// The chance that two contacts drawn at random are two people of one
    /// home.
    pub eta: f64,
    /// Comparison indices of the name, place and phone (None: not
    /// compared), and their level chances in H.
    pub name: usize,
    /// The name's level chances in H (index 0, missing, is 1).
    pub names: Vec<f64>,
    pub place: Option<(usize, Vec<f64>)>,
    pub phone: Option<(usize, Vec<f64>)>,
    /// A family may share a mailbox: the email's chances too.
    pub email: Option<(usize, Vec<f64>)>,
    /// Twins share a birthday: the date of birth's chances too.
    pub dob: Option<(usize, Vec<f64>)>,
    /// Colleagues at one office share its address, its main line and the
    /// company: the company's chances too.
    pub company: Option<(usize, Vec<f64>)>,
}

fn same_home(place: Option<usize>, phone: Option<usize>, p: u64) -> (bool, bool) {
    (
        place.is_some_and(|c| matches!(level(p, c), 1 | 2)),
        phone.is_some_and(|c| matches!(level(p, c), 1..=4)),
    )
}

/// Chances of comparison `c`'s levels among the patterns `keep` selects,
/// with [`PSEUDO`] pairs at `start`.
fn counted(
    patterns: &[(u64, f64)],
    c: usize,
    start: &[f64],
    keep: impl Fn(u64) -> bool,
) -> Vec<f64> {
    counted_with(patterns, c, start, PSEUDO, keep)
}

/// [`counted`] with `strength` pairs at `start`.
fn counted_with(
    patterns: &[(u64, f64)],
    c: usize,
    start: &[f64],
    strength: f64,
    keep: impl Fn(u64) -> bool,
) -> Vec<f64> {
    let mut v = vec![0.0; start.len() + 1];
    for &(p, n) in patterns.iter().filter(|x| keep(x.0)) {
        let l = level(p, c);
        if l != 0 {
            v[l] += n;
        }
    }
    let seen: f64 = v[1..].iter().sum::<f64>() + strength;
    for l in 1..v.len() {
        v[l] = (v[l] + strength * start[l - 1]) / seen;
    }
    v[0] = 1.0;
    v
}

impl Household {
    /// The class from the candidate patterns (`(pattern, count)`) of a
    /// file of `contacts`; None when the file has no name or no home
    /// field.
    pub fn fit(comps: &[Comp], patterns: &[(u64, f64)], contacts: usize) -> Option<Household> {
        let at = |k: Comp| comps.iter().position(|c| *c == k);
        let name = at(Comp::Name)?;
        let (place, phone) = (at(Comp::Place), at(Comp::Phone));
        if place.is_none() && phone.is_none() {
            return None;
        }
        let other_first = |p: u64| level(p, name) == 6;
        let all = (contacts as f64) * (contacts as f64 - 1.0) / 2.0;
        let households: f64 = patterns
            .iter()
            .filter(|&&(p, _)| {
                let (addr, tel) = same_home(place, phone, p);
                other_first(p) && (addr || tel)
            })
            .map(|x| x.1)
            .sum();
        // The name's chances in H: counted on the pairs whose phones say
        // two people of one home, a shared line beside a number of each
        // one's own at one address (a level one person's records seldom
        // show: M learns its chance), whatever their names; [`NAME`]
        // without such pairs. A father and son of one name are such a
        // pair as much as a husband and wife.
        let names = match phone {
            Some(t) => counted_with(patterns, name, &NAME, NAME_PSEUDO, |p| {
                level(p, t) == PHONE_SHARED_AT_ONE_ADDRESS as usize
            }),
            None => std::iter::once(1.0).chain(NAME).collect(),
        };
        // η counts the households of two first names, which are
        // `names[6]` of H.
        let eta = (households.max(1.0) / all.max(1.0) * NAME[5] / names[6]).clamp(1e-12, 0.5);
        let place = place.map(|c| {
            let keep = |p: u64| other_first(p) && same_home(None, phone, p).1;
            (c, counted(patterns, c, &PLACE, keep))
        });
        let phone = phone.map(|c| {
            let keep = |p: u64| other_first(p) && same_home(place.as_ref().map(|x| x.0), None, p).0;
            let mut h = counted(patterns, c, &PHONE, keep);
            // Counted at one address, a family's shared line shows as
            // level 4 only; where the addresses are not both known to be
            // one (a street left blank) it shows as level 3, as often.
            h[3] = h[PHONE_SHARED_AT_ONE_ADDRESS as usize];
            (c, h)
        });
        let at_home = |p: u64| {
            let (addr, tel) =
                same_home(place.as_ref().map(|x| x.0), phone.as_ref().map(|x| x.0), p);
            other_first(p) && (addr || tel)
        };
        // Another person at one place under another name altogether:
        // colleagues at one office (its address and main line) as much as
        // a family of two last names. They define what the company and
        // the email say of H: people of one office share the employer and
        // its mail domain, where a family seldom does.
        let at_one_place = |p: u64| {
            let (addr, tel) =
                same_home(place.as_ref().map(|x| x.0), phone.as_ref().map(|x| x.0), p);
            matches!(level(p, name), 6 | 10) && (addr || tel)
        };
        let email = at(Comp::Email).map(|c| (c, counted(patterns, c, &EMAIL, at_one_place)));
        let company = at(Comp::Company).map(|c| (c, counted(patterns, c, &COMPANY, at_one_place)));
        // Twins are counted on households whose id numbers differ: pairs at
        // one home with the same id number are one person whose first name
        // was replaced, and would teach H that people at one home share
        // a birthday.
        let id = at(Comp::IdNumber);
        let twins = |p: u64| at_home(p) && !id.is_some_and(|c| matches!(level(p, c), 1 | 2));
        let dob = at(Comp::Dob).map(|c| (c, counted(patterns, c, &DOB, twins)));
        Some(Household {
            eta,
            name,
            names,
            place,
            phone,
            email,
            dob,
            company,
        })
    }

    /// The chance of a name level in H.
    pub fn name_chance(&self, l: usize) -> f64 {
        self.names[l]
    }

    /// log₂ of the odds of H against U for a pattern: the prior and the
    /// home comparisons' log₂(h / u), `u(c, l)` the U chance of comparison
    /// c's level l for this pair (term frequencies included).
    pub fn log_odds(&self, p: u64, lambda: f64, u: impl Fn(usize, usize) -> f64) -> f64 {
        self.log_odds_without(p, lambda, u, None)
    }

    /// [`Household::log_odds`] without comparison `left_out`'s own term
    /// (its h is then taken as its u): what the other comparisons say.
    pub fn log_odds_without(
        &self,
        p: u64,
        lambda: f64,
        u: impl Fn(usize, usize) -> f64,
        left_out: Option<usize>,
    ) -> f64 {
        let mut bits = (self.eta / (1.0 - lambda)).log2();
        let mut add = |c: usize, h: f64| {
            let l = level(p, c);
            if l != 0 && Some(c) != left_out {
                bits += (h / u(c, l)).log2();
            }
        };
        let name = level(p, self.name);
        add(self.name, self.name_chance(name));
        for (c, h) in [&self.place, &self.phone, &self.company]
            .into_iter()
            .flatten()
        {
            add(*c, h[level(p, *c)]);
        }
        if let Some((c, h)) = &self.email {
            // A level that only repeats the name (a name-made mailbox at
            // another domain) is no evidence for H either.
            if !neutral(Comp::Email, level(p, *c)) {
                add(*c, h[level(p, *c)]);
            }
        }
        if let Some((c, h)) = &self.dob {
            // H's shared birthdays are twins', who have two first names: a
            // housemate with one's own first name (a father and son) is
            // born on another day, so with the first names agreeing a
            // birthday alike says nothing of H (its h is its u).
            let alike = matches!(level(p, *c), 1 | 2);
            if !(alike && first_names_agree(name)) {
                add(*c, h[level(p, *c)]);
            }
        }
        bits
    }
}

/// Whether a name level has the two first names agreeing: the same name,
/// a nickname or swap, close, the first name the same with the last weak
/// or different (see [`Comp::levels`]).
fn first_names_agree(name_level: usize) -> bool {
    matches!(name_level, 1 | 2 | 3 | 5 | 7 | NAME_SUFFIX_DIFFERS)
}

/// The bits the household class takes off a pair's log-odds of a match
/// against U (`h` the log-odds of H against U): `−log₂(1 + 2^h)`, since
/// `P(M) = 1 / (1 + 2^−b (1 + 2^h))`.
pub fn household_bits(h: f64) -> f64 {
    -(h.max(0.0) + (1.0 + (-h.abs()).exp2()).log2())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(levels: &[usize]) -> u64 {
        levels
            .iter()
            .enumerate()
            .map(|(n, &l)| (l as u64) << (4 * n))
            .sum()
    }

    #[test]
    fn household_bits_are_minus_log_one_plus_odds() {
        assert!((household_bits(0.0) + 1.0).abs() < 1e-12);
        assert!(household_bits(-40.0).abs() < 1e-9);
        assert!((household_bits(20.0) + 20.0).abs() < 1e-5);
    }

    /// Phone, name, place: 50 households (same phone and address, another
    /// first name), 500 other candidate pairs. H learns that households
    /// share both, and a household pair is far likelier H than U, while
    /// one person (the same name) is not.
    #[test]
    fn learns_the_home_fields_of_households() {
        let comps = [Comp::Phone, Comp::Name, Comp::Place];
        let patterns = [
            (pat(&[2, 6, 1]), 40.0),
            (pat(&[6, 6, 1]), 10.0),
            (pat(&[1, 1, 1]), 200.0),
            (pat(&[6, 9, 3]), 300.0),
        ];
        let h = Household::fit(&comps, &patterns, 10_000).unwrap();
        let (_, phone) = h.phone.as_ref().unwrap();
        assert!(
            phone[2] > 0.6 && phone[6] < 0.3 && phone[1] < 0.01,
            "{phone:?}"
        );
        let (_, place) = h.place.as_ref().unwrap();
        assert!(place[1] > 0.8, "{place:?}");
        assert!((h.eta - 50.0 / (10_000.0 * 9_999.0 / 2.0)).abs() < 1e-12);
        let u = |_: usize, _: usize| 1e-4;
        let household = h.log_odds(pat(&[2, 6, 1]), 1e-5, u);
        let one_person = h.log_odds(pat(&[1, 1, 1]), 1e-5, u);
        assert!(household > 10.0 && one_person < household - 8.0);
        // No home field: no class.
        assert!(Household::fit(&[Comp::Name, Comp::Email], &patterns, 100).is_none());
    }

    /// Phone, name, place: 60 households at one address share a landline
    /// beside their own mobiles, 20 share the one number they gave. Both
    /// count as one home, and H learns that a shared line with a number
    /// of one's own is a household's.
    #[test]
    fn a_shared_landline_beside_own_mobiles_is_a_home() {
        let comps = [Comp::Phone, Comp::Name, Comp::Place];
        let patterns = [
            (pat(&[4, 6, 1]), 60.0),
            (pat(&[2, 6, 1]), 20.0),
            (pat(&[3, 6, 4]), 10.0),
            (pat(&[1, 1, 1]), 200.0),
            (pat(&[6, 9, 3]), 300.0),
        ];
        let h = Household::fit(&comps, &patterns, 10_000).unwrap();
        let all = 10_000.0 * 9_999.0 / 2.0;
        assert!((h.eta - 90.0 / all * NAME[5] / h.names[6]).abs() < 1e-12);
        let (_, phone) = h.phone.as_ref().unwrap();
        assert!(phone[4] > 0.6 && phone[4] > 2.0 * phone[2], "{phone:?}");
        assert_eq!(phone[3], phone[4], "the same line where a street is blank");
    }

    /// Phone, name, place: at one address, 80 pairs share a line beside
    /// a number of each one's own, 20 of them with one name (a father and
    /// son); 300 one person's records give the same numbers. H learns
    /// from the 80 that people of one home have one name a fifth of the
    /// time (not [`NAME`]'s 0.002), so the father and son weigh as a home
    /// against one person; the 300 do not count, and η still counts the
    /// households of two first names.
    #[test]
    fn the_names_of_one_home_are_learned_from_its_shared_line() {
        let comps = [Comp::Phone, Comp::Name, Comp::Place];
        let patterns = [
            (pat(&[4, 6, 1]), 60.0),
            (pat(&[4, 1, 1]), 20.0),
            (pat(&[1, 1, 1]), 300.0),
            (pat(&[6, 9, 3]), 300.0),
        ];
        let h = Household::fit(&comps, &patterns, 10_000).unwrap();
        let same = (20.0 + NAME_PSEUDO * NAME[0]) / (80.0 + NAME_PSEUDO);
        assert!((h.name_chance(1) - same).abs() < 1e-12, "{:?}", h.names);
        assert!(h.name_chance(1) > 50.0 * NAME[0]);
        let all = 10_000.0 * 9_999.0 / 2.0;
        assert!((h.eta * h.name_chance(6) - 60.0 / all * NAME[5]).abs() < 1e-15);
        // Without a phone the starting chances stand.
        let h = Household::fit(&comps[1..], &[(pat(&[6, 1]), 60.0)], 10_000).unwrap();
        assert_eq!(h.names[1..], NAME);
    }

    /// Name, place, date of birth, id number: 40 twins (same home and
    /// birthday, another first name and id), 200 households with their
    /// own birthdays, and 100 pairs at one home with the same birthday
    /// and id number (one person whose first name was replaced). H learns
    /// that people at one home sometimes share a birthday from the twins
    /// only, so a twin pair is likelier H than it was, and the replaced
    /// first names do not count as twins.
    #[test]
    fn twins_teach_the_household_class_their_birthday() {
        let comps = [Comp::Name, Comp::Place, Comp::Dob, Comp::IdNumber];
        let mut patterns = vec![
            (pat(&[6, 1, 1, 3]), 40.0),
            (pat(&[6, 1, 3, 3]), 200.0),
            (pat(&[1, 1, 1, 1]), 500.0),
        ];
        let dob = |patterns: &[(u64, f64)]| {
            let h = Household::fit(&comps, patterns, 10_000).unwrap();
            h.dob.unwrap().1
        };
        let twins = dob(&patterns);
        assert!((twins[1] - (40.0 + 0.5) / 250.0).abs() < 1e-9, "{twins:?}");
        patterns.push((pat(&[6, 1, 1, 1]), 100.0));
        assert_eq!(dob(&patterns), twins, "same id number: not twins");
        // Without an id number every pair at one home counts.
        let no_id = [Comp::Name, Comp::Place, Comp::Dob];
        let h = Household::fit(
            &no_id,
            &[(pat(&[6, 1, 1]), 40.0), (pat(&[6, 1, 3]), 200.0)],
            10_000,
        );
        let (c, d) = h.unwrap().dob.unwrap();
        assert_eq!(c, 2);
        assert!((d[1] - twins[1]).abs() < 1e-9);
    }

    /// A name-made mailbox at another domain only repeats the name: no
    /// evidence for H, as for M, whatever H's counted chance for it.
    #[test]
    fn a_mailbox_made_of_the_name_says_nothing_of_a_home() {
        let comps = [Comp::Email, Comp::Name, Comp::Place];
        let patterns = [(pat(&[7, 6, 1]), 40.0), (pat(&[7, 9, 7]), 400.0)];
        let h = Household::fit(&comps, &patterns, 10_000).unwrap();
        let u = |_: usize, _: usize| 1e-5;
        let odds = |levels: &[usize]| h.log_odds(pat(levels), 1e-5, u);
        assert!(neutral(Comp::Email, 6));
        assert_eq!(odds(&[6, 1, 1]), odds(&[0, 1, 1]));
        assert_ne!(
            odds(&[1, 1, 1]),
            odds(&[0, 1, 1]),
            "a shared mailbox counts"
        );
    }

    /// Twins share a birthday under two first names; with one first name
    /// a shared birthday at one home is one person's, and says nothing of
    /// H (a father and son are born on other days).
    #[test]
    fn a_shared_birthday_under_one_first_name_is_no_twins() {
        let comps = [Comp::Name, Comp::Place, Comp::Dob];
        let patterns = [(pat(&[6, 1, 1]), 40.0), (pat(&[6, 1, 3]), 200.0)];
        let h = Household::fit(&comps, &patterns, 10_000).unwrap();
        let u = |_: usize, _: usize| 1e-4;
        let odds = |levels: &[usize]| h.log_odds(pat(levels), 1e-5, u);
        assert!(odds(&[6, 1, 1]) > odds(&[6, 1, 0]) + 5.0, "twins");
        for first_alike in [1, 2, 3, 5, 7] {
            for dob_alike in [1, 2] {
                assert_eq!(
                    odds(&[first_alike, 1, dob_alike]),
                    odds(&[first_alike, 1, 0]),
                    "name level {first_alike}, birthday level {dob_alike}"
                );
            }
        }
    }

    /// Phone, name, place, company: 50 pairs of colleagues at one office
    /// (its main line and address, the company, two names altogether), 40
    /// families (another first name, another employer). H learns that
    /// people of one place often share the employer, so the company a
    /// colleague pair shares counts for H (it counted nothing: h was u),
    /// while a family's two employers count next to nothing against it.
    #[test]
    fn colleagues_at_one_office_share_its_company() {
        let comps = [Comp::Phone, Comp::Name, Comp::Place, Comp::Company];
        let patterns = [
            (pat(&[2, 10, 1, 1]), 50.0),
            (pat(&[2, 6, 1, 3]), 40.0),
            (pat(&[1, 1, 1, 1]), 200.0),
            (pat(&[6, 10, 3, 3]), 300.0),
        ];
        let h = Household::fit(&comps, &patterns, 10_000).unwrap();
        let (_, company) = h.company.as_ref().unwrap();
        assert!(company[1] > 0.4 && company[3] > 0.3, "{company:?}");
        let u = |c: usize, l: usize| match (c, l) {
            (3, 1) => 1e-3,
            (3, 3) => 0.99,
            _ => 1e-4,
        };
        let odds = |levels: &[usize]| h.log_odds(pat(levels), 1e-5, u);
        assert!(odds(&[2, 10, 1, 1]) > odds(&[2, 10, 1, 0]) + 8.0);
        // A family's two employers: about a bit against H, the cost of one
        // class for both kinds of place.
        assert!(odds(&[2, 6, 1, 3]) > odds(&[2, 6, 1, 0]) - 1.5);
        // Without a company column the class is as before.
        let h = Household::fit(&comps[..3], &patterns, 10_000).unwrap();
        assert!(h.company.is_none());
    }

    /// 2,000 people (rare names, one phone and street address each, 50
    /// postal codes), 150 of them twice (another mailbox), and 150
    /// households: another person with the same last name, phone and
    /// address. Learned from the
    /// file, the copies match and the households do not; without the
    /// class the same-phone households would score far higher.
    #[test]
    fn a_model_keeps_households_apart() {
        use crate::dupes::model::Model;
        use crate::dupes::parallel::Rng;
        let mut rng = Rng(23);
        let mut word = |n: usize| rng.word(n);
        let mut people: Vec<[String; 7]> = Vec::new();
        let mut copy = Vec::new();
        let mut home = Vec::new();
        for i in 0..2000usize {
            let (first, last) = (word(6), word(7));
            let p = [
                format!("{first}{i}@x{}.com", i % 9),
                format!("617555{i:04}"),
                first,
                last.clone(),
                format!("company {}", i % 20),
                format!("{:05}", i % 50),
                format!("{} {} street", i + 1, word(5)),
            ];
            people.push(p.clone());
            if i < 150 {
                let mut c = p.clone();
                c[0] = format!("{}{i}@gmail.com", word(5));
                copy.push((people.len() - 1, people.len()));
                people.push(c);
            } else if i < 300 {
                let mut h = p.clone();
                h[0] = format!("{}{i}@gmail.com", word(5));
                h[2] = word(6);
                h[4] = format!("company {}", (i + 7) % 20);
                home.push((people.len() - 1, people.len()));
                people.push(h);
            }
        }
        let keys = [
            "email",
            "phone",
            "firstname",
            "lastname",
            "company",
            "zip",
            "address",
        ];
        let refs: Vec<Vec<(&str, &str)>> = people
            .iter()
            .map(|p| {
                keys.iter()
                    .copied()
                    .zip(p.iter().map(String::as_str))
                    .collect()
            })
            .collect();
        let slices: Vec<&[(&str, &str)]> = refs.iter().map(|p| &p[..]).collect();
        let mut fields = crate::dupes::default_fields();
        fields.push(crate::dupes::Field::new("address"));
        let mut rs = crate::dupes::Records::new(&fields);
        for (i, props) in slices.iter().enumerate() {
            rs.push(&crate::rules::testutil::contact(&i.to_string(), props));
        }
        let cands = crate::dupes::pairs::Candidates::new(&rs, Default::default());
        let mut model = Model::fit(&rs, &cands);
        let h = model.household.as_ref().expect("a household class");
        let (_, phone) = h.phone.as_ref().unwrap();
        assert!(phone[2] > 0.5, "households share the phone: {phone:?}");
        let p =
            |m: &Model, (a, b): (usize, usize)| m.probability(&rs, &rs.records[a], &rs.records[b]);
        assert!(copy.iter().all(|&x| p(&model, x) > 0.99));
        let worst = home.iter().map(|&x| p(&model, x)).fold(0.0, f64::max);
        assert!(worst < 0.01, "a household scores {worst}");
        model.household = None;
        let without = home.iter().map(|&x| p(&model, x)).fold(0.0, f64::max);
        assert!(
            without > 100.0 * worst.max(1e-6),
            "{without} against {worst}"
        );
    }
}
