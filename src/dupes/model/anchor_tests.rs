use super::*;
use crate::dupes::record::tests::{records_of, records_with_fields};

fn field(k: &str, v: String) -> (String, String) {
    (k.to_string(), v)
}

/// The M chance of comparison `comp`'s level named `name`.
fn m_of(model: &Model, comp: Comp, name: &str) -> f64 {
    let c = (model.comps.iter().position(|c| *c == comp))
        .unwrap_or_else(|| panic!("{comp:?} not in {:?}", model.comps));
    let l = comp.levels().iter().position(|l| *l == name).unwrap();
    model.classes[0][c][l]
}

/// 1,500 people, each at a home of their own; 300 of them live with a
/// family member (the same last name, address and landline, another
/// first name, birthday, mailbox and company) and 300 have a copy
/// (the same but for a dropped mailbox). The home alone outweighs the
/// prior, so a family counted among the anchors taught M that one
/// person's two records often have two birthdays; it is another
/// person at one home, and M's "different" stays rare.
#[test]
fn people_of_one_home_are_not_anchors() {
    let mut rng = Rng(5);
    let mut word = |n: usize| rng.word(n);
    let mut people: Vec<Vec<(String, String)>> = Vec::new();
    for i in 0..1500usize {
        let (first, last, street) = (word(6), word(7), word(8));
        let person = |first: &str, k: usize, mailbox: bool| {
            let mut p = vec![
                field("firstname", first.to_string()),
                field("lastname", last.clone()),
                field("address", format!("{} {street} street", i % 90 + 1)),
                field("zip", format!("{:05}", 10000 + i)),
                field("phone", format!("617555{i:04}")),
                field("company", format!("firm {}", (i * 7 + k) % 400)),
                field(
                    "date_of_birth",
                    format!(
                        "19{:02}-{:02}-{:02}",
                        40 + (i + 31 * k) % 50,
                        1 + k % 12,
                        1 + i % 28
                    ),
                ),
            ];
            if mailbox {
                p.push(field(
                    "email",
                    format!("{first}.{last}{k}@mail{}.com", i % 50),
                ));
            }
            p
        };
        people.push(person(&first, 0, true));
        if i < 300 {
            people.push(person(&word(5), 1, true));
        } else if i < 600 {
            people.push(person(&first, 0, false));
        }
    }
    let rs = records_with_fields(&people);
    let cands = Candidates::new(&rs, Default::default());
    let model = Model::fit(&rs, &cands);
    assert!(model.household.is_some());
    let different = m_of(&model, Comp::Dob, "different");
    assert!(different < 0.05, "m of another birthday: {different}");
    // A copy is one person; the family member is not.
    assert!(model.probability(&rs, &rs.records[900], &rs.records[901]) > 0.99);
    assert!(model.probability(&rs, &rs.records[0], &rs.records[1]) < 0.01);
}

/// 2,000 people, 400 of them twice: the copy keeps the name and postal
/// code, drops the phone, and half the copies have a new job (another
/// company, job title and work mailbox at once). When another field's disagreement could
/// unchoose an anchor, the new jobs unchose each other and M learned
/// that a copy almost never has another company; only agreements
/// choose, and M's share of "different" stays near the true half.
#[test]
fn a_new_job_does_not_unchoose_a_copy() {
    let mut rng = Rng(7);
    let mut word = |n: usize| rng.word(n);
    let firms: Vec<String> = (0..300).map(|_| word(8)).collect();
    let titles: Vec<String> = (0..40).map(|_| word(9)).collect();
    let mut people: Vec<Vec<(String, String)>> = Vec::new();
    for i in 0..2000usize {
        let (first, last) = (word(6), word(7));
        let job = |k: usize| {
            let firm = &firms[(i + k) % 300];
            vec![
                field("firstname", first.clone()),
                field("lastname", last.clone()),
                field("email", format!("{}{k}@{firm}.com", &first[..3])),
                field("company", firm.clone()),
                field("jobtitle", titles[(i + 7 * k) % 40].clone()),
                field("zip", format!("{:05}", (i * 37) % 500)),
            ]
        };
        let mut original = job(0);
        original.push(field("phone", format!("617555{i:04}")));
        people.push(original);
        if i < 400 {
            people.push(job(if i % 2 == 0 { 1 } else { 0 }));
        }
    }
    let rs = records_of(&people);
    let cands = Candidates::new(&rs, Default::default());
    let model = Model::fit(&rs, &cands);
    let different = m_of(&model, Comp::Company, "different");
    assert!(
        (0.3..0.7).contains(&different),
        "m of another company: {different}"
    );
}

/// 2,000 people in 5 companies at 2 postal codes (colleagues galore:
/// the name-with-company and sorted keys bring many together), 200 of
/// them twice with another email and a typo in the last name. Left
/// free, EM took the colleagues for the same person; m counted on
/// anchors keeps "different name" a strong disagreement and finds
/// the copies.
#[test]
fn colleagues_do_not_become_the_same_person() {
    let mut rng = Rng(11);
    let mut word = |n: usize| rng.word(n);
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
    let rs = records_of(&people);
    let cands = Candidates::new(&rs, Default::default());
    let n_pairs = cands.count(&rs);
    assert!(n_pairs > 2000, "{n_pairs} candidate pairs");
    let model = Model::fit(&rs, &cands);
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
        .find(|&j| j > 1 && people[j][3].1 == people[0][3].1 && people[j][4].1 == people[0][4].1)
        .unwrap();
    assert!(model.probability(&rs, &rs.records[0], &rs.records[colleague]) < 0.01);
    let n = rs.len() as f64;
    let matches = model.lambda * n * (n - 1.0) / 2.0;
    assert!((matches - 200.0).abs() < 40.0, "{matches}");
}
