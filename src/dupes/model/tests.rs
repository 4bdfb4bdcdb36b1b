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

/// Names and a postal code only (FEBRL's names-only files): neither
/// comparison alone outweighs the prior, so no pair is an anchor, and M
/// used to keep its starting chances ("same postal code" a third). Here
/// 800 of 3,000 people have a copy that keeps the postal code nine times
/// in ten and the name exactly eight times in ten: the blocks learn
/// both.
#[test]
fn names_and_a_postal_code_learn_m_without_anchors() {
    let mut people: Vec<Vec<(String, String)>> = Vec::new();
    let mut rng = Rng(29);
    for i in 0..3000usize {
        let first = rng.word(6);
        let last = rng.word(8);
        let zip = format!("{:04}", rng.below(2000));
        let p = vec![
            ("firstname".to_string(), first.clone()),
            ("lastname".to_string(), last.clone()),
            ("zip".to_string(), zip.clone()),
        ];
        people.push(p);
        if i < 800 {
            // A typo in the last name in one copy of five, another postal
            // code in one of ten.
            let last = if i % 5 == 0 { format!("{last}x") } else { last };
            let zip = if i % 10 == 0 {
                format!("{:04}", rng.below(2000))
            } else {
                zip
            };
            people.push(vec![
                ("firstname".to_string(), first),
                ("lastname".to_string(), last),
                ("zip".to_string(), zip),
            ]);
        }
    }
    let rs = records_of(&people);
    let cands = Candidates::new(&rs, Default::default());
    let model = Model::fit(&rs, &cands);
    let at = |comp: Comp| model.comps.iter().position(|c| *c == comp).unwrap();
    let (name, place) = (at(Comp::Name), at(Comp::Place));
    let m = &model.classes[0];
    assert!(
        (0.8..0.95).contains(&m[place][3]),
        "same postal code {:?}",
        m[place]
    );
    assert!((0.7..0.9).contains(&m[name][1]), "same name {:?}", m[name]);
}
