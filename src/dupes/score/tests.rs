//! Tests of the hand-set scorer and the name comparisons.
use super::*;

use crate::dupes::record::tests::records;

fn cmp(a: &[(&str, &str)], b: &[(&str, &str)]) -> (f64, Vec<String>) {
    let rs = records(&[a, b]);
    let c = compare(&rs, &rs.records[0], &rs.records[1]);
    let reasons = c
        .reasons
        .as_slice()
        .iter()
        .map(|r| r.text(&rs.text_fields))
        .collect();
    (c.weight, reasons)
}

#[test]
fn score_and_weight_are_inverse() {
    assert!((score_of(PRIOR_BITS) - 0.5).abs() < 1e-12);
    for s in [0.1, 0.5, 0.9, 0.99] {
        assert!((score_of(weight_of(s)) - s).abs() < 1e-9);
    }
    assert!(score_of(30.0) > 0.999 && score_of(0.0) < 0.01);
}

#[test]
fn same_email_and_name() {
    let (w, r) = cmp(
        &[
            ("email", "Jane@Acme.com"),
            ("firstname", "Jane"),
            ("lastname", "Doe"),
        ],
        &[
            ("email", "jane@acme.com "),
            ("firstname", "JANE"),
            ("lastname", "Doe"),
        ],
    );
    assert_eq!(w, 18.0);
    assert_eq!(r, ["same email", "same name"]);
}

/// One name missing on one side: the reason says which name is the
/// same, not "same name" (a reviewer reads that as the whole name).
#[test]
fn a_name_missing_on_one_side_is_named_in_the_reason() {
    let (_, r) = cmp(
        &[("firstname", "Alice"), ("email", "a@x.com")],
        &[
            ("firstname", "Alice"),
            ("lastname", "Brown"),
            ("email", "a@x.com"),
        ],
    );
    assert_eq!(r, ["same email", "same first name (a last name missing)"]);
    let (_, r) = cmp(
        &[("lastname", "Brown")],
        &[("firstname", "Al"), ("lastname", "Brown")],
    );
    assert!(
        r.contains(&"same last name (a first name missing)".to_string()),
        "{r:?}"
    );
}

/// A generational suffix is taken off the name; one name under two
/// suffixes counts nothing (a father and son), the same suffix as the same
/// name.
#[test]
fn generational_suffixes() {
    let name = |f, l| [("firstname", f), ("lastname", l)];
    let (w, r) = cmp(&name("John", "Smith Jr."), &name("John", "Smith"));
    assert_eq!(
        (w, r),
        (
            0.0,
            vec![
                "same name".to_string(),
                "generational suffix differs".into()
            ]
        )
    );
    let (w, _) = cmp(&name("John", "Smith Jr."), &name("John", "Smith Sr."));
    assert_eq!(w, 0.0);
    let (w, r) = cmp(&name("John", "Smith Jr."), &name("John", "Smith, Jr"));
    assert_eq!((w, r), (7.0, vec!["same name".to_string()]));
    let (w, _) = cmp(&name("Jane", "Smith"), &name("John", "Smith Jr."));
    assert_eq!(w, 4.0 - 7.0, "another first name counts as before");
}

#[test]
fn a_shared_role_mailbox_is_weak() {
    let (w, r) = cmp(&[("email", "info@acme.com")], &[("email", "INFO@acme.com")]);
    assert_eq!((w, r), (4.0, vec!["same role email".to_string()]));
}

#[test]
fn additional_emails_count() {
    let (_, r) = cmp(
        &[
            ("email", "a@x.com"),
            ("hs_additional_emails", "jane@home.net"),
        ],
        &[("email", "Jane@Home.net")],
    );
    assert_eq!(r, ["same email"]);
}

#[test]
fn nickname_phone_and_company() {
    let (w, r) = cmp(
        &[
            ("firstname", "Robert"),
            ("lastname", "Smith"),
            ("phone", "+44 20 7946 0958"),
            ("company", "Globex"),
        ],
        &[
            ("firstname", "Bob"),
            ("lastname", "Smith"),
            ("phone", "020 7946 0958"),
            ("company", "Globex Ltd"),
        ],
    );
    assert_eq!(w, 8.0 + 3.0 + 4.0 + 2.0);
    assert_eq!(r, ["phone", "nickname", "company"]);
}

#[test]
fn typos_are_close_names() {
    let (w, r) = cmp(
        &[
            ("firstname", "Katherine"),
            ("lastname", "Johnson"),
            ("zip", "02110"),
        ],
        &[
            ("firstname", "Katherine"),
            ("lastname", "Jonhson"),
            ("zip", "02110"),
        ],
    );
    assert_eq!(w, 3.0 + 3.0 + 2.0);
    assert_eq!(r.len(), 2);
    assert!(r[0].starts_with("name 0.9"), "{r:?}");
}

#[test]
fn family_sharing_a_phone_is_kept_apart() {
    let (w, r) = cmp(
        &[
            ("firstname", "John"),
            ("lastname", "Smith"),
            ("phone", "6175550101"),
            ("zip", "02110"),
        ],
        &[
            ("firstname", "Mary"),
            ("lastname", "Smith"),
            ("phone", "6175550101"),
            ("zip", "02110"),
        ],
    );
    assert!(score_of(w) < 0.5, "{w} {r:?}");
    assert!(r.contains(&"first name differs".to_string()));
}

#[test]
fn email_typos_need_the_same_numbers() {
    let (_, r) = cmp(
        &[("email", "robert.smith12@acme.com")],
        &[("email", "robret.smith12@acme.com")],
    );
    assert!(r[0].starts_with("similar email 0.9"), "{r:?}");
    let (_, r) = cmp(
        &[("email", "william44862@x.com")],
        &[("email", "william448662@x.com")],
    );
    assert!(r[0].starts_with("similar email"), "{r:?}");
    let (_, r) = cmp(
        &[("email", "jsmith12345@x.com")],
        &[("email", "jsmith12435@x.com")],
    );
    assert!(r[0].starts_with("similar email"), "{r:?}");
    for other in ["jsmith13@acme.com", "jsmith@acme.com"] {
        let (w, r) = cmp(&[("email", "jsmith12@acme.com")], &[("email", other)]);
        assert_eq!((w, r.len()), (-4.0, 0), "numbered: {other}");
    }
    // The same digits in another order are another number.
    let (w, _) = cmp(
        &[("email", "jrodriguez75635@x.com")],
        &[("email", "jrodriguez56357@x.com")],
    );
    assert_eq!(w, -4.0);
}

#[test]
fn another_mailbox_at_the_same_organisation() {
    let (w, _) = cmp(
        &[("email", "nick.j41634@globex.com")],
        &[("email", "nick.j2468@globex.com")],
    );
    assert_eq!(w, -4.0);
    let (w, _) = cmp(
        &[("email", "nick.j41634@gmail.com")],
        &[("email", "nick.j2468@gmail.com")],
    );
    assert_eq!(w, -4.0, "numbered");
    let (w, _) = cmp(
        &[("email", "nick.j@gmail.com")],
        &[("email", "nicholas@gmail.com")],
    );
    assert_eq!(w, -1.0, "free mail: not colleagues");
    let (w, _) = cmp(
        &[("email", "nick.j@globex.com")],
        &[("email", "nicholas@globex.com")],
    );
    assert_eq!(w, -2.5);
}

#[test]
fn the_same_mailbox_name_elsewhere() {
    let (w, r) = cmp(
        &[("email", "jane.doe@acme.com")],
        &[("email", "janedoe@gmail.com")],
    );
    assert_eq!((w, r), (5.0, vec!["email name".to_string()]));
    let (w, _) = cmp(
        &[("email", "info@acme.com")],
        &[("email", "info@globex.com")],
    );
    assert_eq!(w, -1.0);
}

#[test]
fn double_barrelled_swapped_and_initials() {
    let (w, r) = cmp(
        &[("firstname", "Jane"), ("lastname", "Doe")],
        &[("firstname", "Jane"), ("lastname", "Doe-Miller")],
    );
    assert_eq!(w, 3.0 + 2.0);
    assert_eq!(r, ["name 0.95"]);
    let (w, r) = cmp(
        &[("firstname", "Smith"), ("lastname", "John")],
        &[("firstname", "John"), ("lastname", "Smith")],
    );
    assert_eq!((w, r), (7.0, vec!["names swapped".to_string()]));
    // Swapped with a typo: the first name is the other's last, the last
    // one edit from the other's first.
    let (w, r) = cmp(
        &[("firstname", "Harriet"), ("lastname", "White")],
        &[("firstname", "Whiite"), ("lastname", "Harriet")],
    );
    assert_eq!((w, r), (3.0 + 3.0, vec!["names swapped".to_string()]));
    // Only one name moved: two names that differ.
    let (w, _) = cmp(
        &[("firstname", "Harriet"), ("lastname", "White")],
        &[("firstname", "Brown"), ("lastname", "Harriet")],
    );
    assert_eq!(w, -7.0 - 6.0);
    let (w, _) = cmp(
        &[("firstname", "J"), ("lastname", "Smith")],
        &[("firstname", "John"), ("lastname", "Smith")],
    );
    assert_eq!(w, 1.0 + 4.0);
}

#[test]
fn location_and_missing_values() {
    let (w, r) = cmp(
        &[("zip", "02110"), ("city", "Boston")],
        &[("zip", "02111"), ("city", "boston")],
    );
    assert_eq!((w, r), (-0.5, vec!["zip differs".to_string()]));
    let (w, r) = cmp(
        &[("city", "Boston")],
        &[("zip", "02110"), ("city", "Boston")],
    );
    assert_eq!((w, r), (1.0, vec!["city".to_string()]));
    let (w, r) = cmp(
        &[("firstname", "Jane")],
        &[("lastname", "Doe"), ("phone", "6175550101")],
    );
    assert_eq!((w, r.len()), (0.0, 0), "missing values are no evidence");
}

#[test]
fn common_names_in_a_place_count_for_less() {
    let jane = [("firstname", "Jane"), ("lastname", "Doe"), ("zip", "02110")];
    let mut many: Vec<&[(&str, &str)]> = vec![&jane; 16];
    let rs = records(&many);
    let c = compare(&rs, &rs.records[0], &rs.records[1]);
    assert_eq!(
        c.weight,
        3.0 + 4.0 + 2.0 - 1.0,
        "16 namesakes: log2(16 / 8) bits less"
    );
    let r: Vec<String> = c.reasons.as_slice().iter().map(|r| r.text(&[])).collect();
    assert_eq!(r, ["same name", "zip", "common name (16 in the place)"]);
    many.truncate(8);
    let rs = records(&many);
    assert_eq!(compare(&rs, &rs.records[0], &rs.records[1]).weight, 9.0);
}

#[test]
fn similar_phones() {
    let (w, r) = cmp(
        &[("phone", "+1 617 555 0101")],
        &[("phone", "(617) 555-0199")],
    );
    assert_eq!((w, r), (1.5, vec!["similar phone".to_string()]));
    let (w, r) = cmp(
        &[("phone", "+1 617 555 0101")],
        &[("phone", "(212) 555-0101")],
    );
    assert_eq!((w, r), (-3.0, vec!["phone differs".to_string()]));
}

/// The parts `dupes --explain` shows for a file too small to learn from
/// add up to the weight `compare` gives, pair by pair, and name the same
/// reasons in the same order.
#[test]
fn parts_add_up_to_the_weight() {
    let people: Vec<Vec<(&str, &str)>> = vec![
        vec![
            ("firstname", "Jane"),
            ("lastname", "Doe"),
            ("email", "jane.doe@acme.com"),
            ("phone", "617 555 0101"),
            ("company", "Acme Inc"),
            ("zip", "02110"),
            ("jobtitle", "CTO"),
        ],
        vec![
            ("firstname", "Jane"),
            ("lastname", "Doe-Miller"),
            ("email", "janedoe@gmail.com"),
            ("phone", "617 555 0199"),
            ("company", "Acme"),
            ("city", "Boston"),
            ("jobtitle", "CTO"),
        ],
        vec![
            ("firstname", "Doe"),
            ("lastname", "Jnae"),
            ("zip", "02110"),
            ("jobtitle", "Chief Technology Officer"),
        ],
        vec![
            ("firstname", "Robert"),
            ("lastname", "Smith"),
            ("email", "rsmith@globex.example"),
            ("company", "Globex"),
            ("zip", "02111"),
            ("city", "Boston"),
        ],
        vec![
            ("firstname", "Bob"),
            ("lastname", "Smith"),
            ("email", "bob.smith@globex.example"),
            ("phone", "+1 617 555 0101"),
            ("company", "Globex Ltd"),
            ("zip", "02110"),
            ("city", "Boston"),
        ],
        vec![("firstname", "Jane"), ("lastname", "Doe"), ("zip", "02110")],
        vec![
            ("firstname", "John"),
            ("lastname", "Doe"),
            ("email", "jane.doe@acme.com"),
            ("phone", "617 555 0101"),
            ("zip", "02110"),
        ],
        vec![("email", "info@acme.com")],
        vec![("email", "info@acme.com"), ("firstname", "Ann")],
    ];
    let refs: Vec<&[(&str, &str)]> = people.iter().map(|p| &p[..]).collect();
    let rs = records(&refs);
    for i in 0..rs.len() {
        for j in 0..rs.len() {
            if i == j {
                continue;
            }
            let (a, b) = (&rs.records[i], &rs.records[j]);
            let c = compare(&rs, a, b);
            let parts = parts(&rs, a, b);
            let sum: f64 = parts.iter().map(|p| p.1).sum();
            assert!(
                (sum - c.weight).abs() < 1e-9,
                "{i} {j}: {sum} against {}",
                c.weight
            );
            let said: Vec<Reason> = parts.iter().flat_map(|p| p.2.as_slice().to_vec()).collect();
            assert_eq!(said, c.reasons.as_slice(), "{i} {j}");
        }
    }
}

/// Weight of two people given by (property, value) lists, compared on
/// names, postal code, date of birth and id number.
fn weight_with_dob_and_id(a: &[(&str, &str)], b: &[(&str, &str)]) -> f64 {
    let fields: Vec<crate::dupes::Field> = ["firstname", "lastname", "zip", "date_of_birth", "ssn"]
        .iter()
        .map(|f| crate::dupes::Field::new(f))
        .collect();
    let mut rs = Records::new(&fields);
    rs.push(&crate::rules::testutil::contact("1", a));
    rs.push(&crate::rules::testutil::contact("2", b));
    let c = compare(&rs, &rs.records[0], &rs.records[1]);
    let sum: f64 = parts(&rs, &rs.records[0], &rs.records[1])
        .iter()
        .map(|p| p.1)
        .sum();
    assert!(
        (sum - c.weight).abs() < 1e-9,
        "parts {sum} against {}",
        c.weight
    );
    c.weight
}

/// A small file with dates of birth and id numbers (FEBRL's columns) is
/// scored on them: before, a pair agreeing on name, postal code, birth
/// date and id number scored 9 bits (0.42) and no FEBRL pair was found in
/// files of 100 records.
#[test]
fn date_of_birth_and_id_number_weigh() {
    let ann = [
        ("firstname", "Ann"),
        ("lastname", "Lee"),
        ("zip", "02110"),
        ("date_of_birth", "1990-01-02"),
        ("ssn", "123456789"),
    ];
    let with = |changes: &[(&'static str, &'static str)]| -> Vec<(&'static str, &'static str)> {
        ann.iter()
            .map(|&(k, v)| changes.iter().find(|c| c.0 == k).copied().unwrap_or((k, v)))
            .filter(|(_, v)| !v.is_empty())
            .collect()
    };
    // Name +7, postal code +2.
    let base = 9.0;
    assert_eq!(
        weight_with_dob_and_id(&ann, &ann),
        base + DOB_SAME + ID_SAME
    );
    assert!(score_of(weight_with_dob_and_id(&ann, &with(&[("ssn", "")]))) > 0.9);
    // Close: one digit off, day and month swapped; one edit in the id.
    let close = with(&[("date_of_birth", "1990-02-01"), ("ssn", "123456798")]);
    assert_eq!(weight_with_dob_and_id(&ann, &close), base + 2.0 + 4.0);
    let other = with(&[("date_of_birth", "1971-05-09"), ("ssn", "987654321")]);
    assert_eq!(weight_with_dob_and_id(&ann, &other), base - 2.0 - 3.0);
    // Missing on one side: no evidence.
    let missing = with(&[("date_of_birth", ""), ("ssn", "")]);
    assert_eq!(weight_with_dob_and_id(&ann, &missing), base);
}

/// Twins share a birthday and a home: with another first name, an
/// agreeing date of birth counts nothing (an id number still does).
#[test]
fn a_shared_birthday_does_not_join_twins() {
    let a = [
        ("firstname", "Elizabeth"),
        ("lastname", "Dubois"),
        ("zip", "39266"),
        ("date_of_birth", "1979-01-14"),
    ];
    let b = [
        ("firstname", "Teresa"),
        ("lastname", "Dubois"),
        ("zip", "39266"),
        ("date_of_birth", "1979-01-14"),
    ];
    // First name differs −7, last name +4, postal code +2.
    assert_eq!(weight_with_dob_and_id(&a, &b), -1.0);
    let (mut a_id, mut b_id) = (a.to_vec(), b.to_vec());
    a_id.push(("ssn", "123456789"));
    b_id.push(("ssn", "123456789"));
    assert_eq!(weight_with_dob_and_id(&a_id, &b_id), -1.0 + ID_SAME);
}

/// A family shares a mailbox and a phone: with two first names, the shared
/// email counts +4 and the phone +2, so Jane and John Doe at one home stay
/// two people, while a typo in the first name keeps the full weights.
#[test]
fn a_mailbox_and_phone_two_first_names_share_is_a_family() {
    let jane = [
        ("firstname", "Jane"),
        ("lastname", "Doe"),
        ("email", "doe.family@gmail.com"),
        ("phone", "617 555 0101"),
        ("zip", "02110"),
    ];
    let mut john = jane.to_vec();
    john[0] = ("firstname", "John");
    let (w, reasons) = cmp(&jane, &john);
    // Email +4, phone +2, first name −7, last name +4, postal code +2.
    assert_eq!(w, 5.0, "{reasons:?}");
    assert!(score_of(w) < 0.1);
    assert!(reasons.contains(&"same email".to_string()));
    // The same person, one first name a typo: the full weights.
    let mut jnae = jane.to_vec();
    jnae[0] = ("firstname", "Jnae");
    let (w, _) = cmp(&jane, &jnae);
    assert_eq!(w, 11.0 + 8.0 + 2.0 + 4.0 + 2.0);
}
