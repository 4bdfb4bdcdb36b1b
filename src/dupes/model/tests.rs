use super::*;
use crate::dupes::record::tests::records_of;

/// 300 people twice (the copy keeps email and name, its phone is
/// dropped) and 900 more once, some sharing a last name and postal
/// code: EM finds that about 300 of the candidate pairs match and
/// scores them apart.
#[test]
fn em_learns_a_known_answer() {
    let mut people: Vec<Vec<(String, String)>> = Vec::new();
    let mut rng = Rng(7);
    let mut word = || rng.word(7);
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
    let rs = records_of(&people);
    let cands = Candidates::new(&rs, Default::default());
    assert!(cands.count(&rs) as f64 >= MIN_PAIRS_FOR_EM);
    let model = Model::fit(&rs, &cands);
    let n = rs.len() as f64;
    let matches = model.lambda * n * (n - 1.0) / 2.0;
    assert!(
        (matches - 300.0).abs() < 15.0,
        "{matches} of {}",
        cands.count(&rs)
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
    // The level bits worked out once give every pair the same
    // probability, to the last bit.
    let bits = model.level_bits();
    let mut scored = 0;
    cands.for_each_in(&rs, 0..rs.len(), &mut |i, j| {
        let (a, b) = (&rs.records[i as usize], &rs.records[j as usize]);
        let p = pattern(&rs, &model.comps, a, b);
        let (once, each) = (
            model.probability_with(Some(&bits), &rs, p, a),
            model.probability_of(&rs, p, a),
        );
        assert_eq!(once.to_bits(), each.to_bits(), "{i} {j}");
        scored += 1;
    });
    assert!(scored >= 1000, "{scored}");
}

/// 3,000 people from 20 first names, 30 last names and 10 postal
/// codes (about 750 pairs of namesakes in one place, each with a
/// mailbox and phone of their own), 200 of them twice. The blocking
/// keys bring the namesakes together, so among the candidates they are
/// common, though rare among all pairs: λ must count the 200, not the
/// namesakes (weighed at the candidates' own share, it counted many).
#[test]
fn the_prior_is_not_inflated_by_namesakes_the_keys_bring_together() {
    let mut people: Vec<Vec<(String, String)>> = Vec::new();
    let mut rng = Rng(11);
    for i in 0..3000usize {
        let p = vec![
            ("email".to_string(), format!("p{i}@x{}.com", i % 7)),
            ("firstname".to_string(), format!("first{}", rng.below(20))),
            ("lastname".to_string(), format!("last{}", rng.below(30))),
            ("zip".to_string(), format!("{:05}", rng.below(10))),
            ("phone".to_string(), format!("61755{:05}", i)),
        ];
        people.push(p.clone());
        if i < 200 {
            people.push(p[..4].to_vec());
        }
    }
    let rs = records_of(&people);
    let cands = Candidates::new(&rs, Default::default());
    let model = Model::fit(&rs, &cands);
    let n = rs.len() as f64;
    let matches = model.lambda * n * (n - 1.0) / 2.0;
    assert!(
        (matches - 200.0).abs() < 50.0,
        "{matches} matches among {} candidates",
        cands.count(&rs)
    );
}
