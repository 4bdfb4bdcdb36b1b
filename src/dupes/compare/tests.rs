//! Tests of the comparison levels (`super`).

use super::*;
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
        lv("ann+crm@acme.com", "ann@acme.com"),
        1,
        "a tag at any domain"
    );
    assert_eq!(lv("bob+news@hotmail.co.uk", "bob@hotmail.co.uk"), 1);
    assert_eq!(
        lv("jane.doe@acme.com", "janedoe@acme.com"),
        2,
        "dots count at acme"
    );
    assert_eq!(lv("jane.doe1@acme.com", "jane.doe2@acme.com"), 4);
    assert_eq!(lv("jane.doe@acme.com", "janedoe@other.org"), 2);
    assert_eq!(lv("info@acme.com", "info@acme.com"), 3);
    assert_eq!(lv("wbrown1@acme.com", "wbrown2@acme.com"), 4);
    assert_eq!(lv("ann@acme.com", "bob@acme.com"), 5);
    assert_eq!(lv("ann@gmail.com", "bob@gmail.com"), 7);
    assert_eq!(levels(&[], &[("email", "a@b.co")], &f)[0].1, 0);
}

/// The same local part at two domains is evidence of its own only
/// when the name does not make it: namesakes' `first.last@` at their
/// own companies repeat the name comparison.
#[test]
fn a_name_made_local_part_at_another_domain_is_neutral() {
    let f = ["email", "firstname", "lastname"];
    let lv = |a: [&str; 3], b: [&str; 3]| {
        let pa: Vec<(&str, &str)> = f.iter().copied().zip(a).collect();
        let pb: Vec<(&str, &str)> = f.iter().copied().zip(b).collect();
        levels(&pa, &pb, &f)[0].1
    };
    let carolyn = |e| [e, "Carolyn", "Edwards"];
    assert_eq!(
        lv(
            carolyn("carolyn.edwards@acme.com"),
            carolyn("carolyn.edwards@wonka.com")
        ),
        6
    );
    assert_eq!(
        lv(carolyn("cedwards@acme.com"), carolyn("c.edwards@wonka.com")),
        6
    );
    assert_eq!(
        lv(carolyn("edwards.c@acme.com"), carolyn("edwardsc@wonka.com")),
        6
    );
    assert_eq!(
        lv(carolyn("carolyne@acme.com"), carolyn("carolyn.e@wonka.com")),
        6
    );
    // A handle of its own is evidence: digits, other words.
    assert_eq!(
        lv(
            carolyn("cedwards77@acme.com"),
            carolyn("cedwards77@wonka.com")
        ),
        2
    );
    assert_eq!(
        lv(
            carolyn("cool.carol@acme.com"),
            carolyn("coolcarol@wonka.com")
        ),
        2
    );
    // At one domain: one edit apart, both made of their names.
    assert_eq!(
        lv(
            ["carl.willis@monarch.com", "Carl", "Willis"],
            ["carol.willis@monarch.com", "Carol", "Willis"]
        ),
        6
    );
    assert_eq!(
        lv(carolyn("c.edwards@acme.com"), carolyn("c_edwards@acme.com")),
        6
    );
    assert!(neutral(Comp::Email, 6) && !neutral(Comp::Email, 2));
}

/// A mailbox made of the name as it was meant repeats the name even when
/// both records mistype it: namesakes `Christelele` and `Christrlle
/// Meunier`, each `christelle.meunier@` at their own company.
#[test]
fn a_local_part_made_of_a_mistyped_name_is_neutral() {
    let f = ["email", "firstname", "lastname"];
    let lv = |a: [&str; 3], b: [&str; 3]| {
        let pa: Vec<(&str, &str)> = f.iter().copied().zip(a).collect();
        let pb: Vec<(&str, &str)> = f.iter().copied().zip(b).collect();
        levels(&pa, &pb, &f)[0].1
    };
    assert_eq!(
        lv(
            ["christelle.meunier@lecoq.com", "Christelele", "Meunier"],
            ["christelle_meunier@colin.com", "Christrlle", "Meunier"]
        ),
        6,
        "the first name one edit off"
    );
    assert_eq!(
        lv(
            ["corinne.courtois@hotmail.com", "Corinne", "Courtovs"],
            ["corinne.courtois@gmx.de", "Corinne", "Courtoils"]
        ),
        6,
        "the last name one edit off"
    );
    assert_eq!(
        lv(
            ["ccourtois@hotmail.com", "Corinne", "Courtovs"],
            ["ccourtois@gmx.de", "Corinne", "Courtoils"]
        ),
        6,
        "an initial and the last name one edit off"
    );
    // At one domain, a local part one edit off the other is one mailbox
    // mistyped: evidence.
    assert_eq!(
        lv(
            ["billy_morgan@icloud.com", "Billy", "Morgan"],
            ["billy_moragn@icloud.com", "Billy", "Morgan"]
        ),
        2
    );
    // Two edits off, or another word: a handle of its own.
    assert_eq!(
        lv(
            ["corinne.courtois@hotmail.com", "Corinne", "Cortvs"],
            ["corinne.courtois@gmx.de", "Corinne", "Cortvs"]
        ),
        2
    );
    assert_eq!(
        lv(
            ["coolcourtois@hotmail.com", "Corinne", "Courtovs"],
            ["coolcourtois@gmx.de", "Corinne", "Courtovs"]
        ),
        2
    );
}

#[test]
fn numbers_agree_up_to_a_typo_and_never_on_one_side_only() {
    use crate::dupes::score::digits_agree;
    assert!(digits_agree("jsmith", "j.smith"));
    assert!(digits_agree("jsmith12", "jsmith1"));
    assert!(digits_agree("jsmith12", "jsmith21"));
    assert!(!digits_agree("jsmith1", "jsmith2"));
    assert!(!digits_agree("jsmith", "jsmith2"));
    assert!(!digits_agree("breyes2", "breyes"));
}

/// A mailbox made of the name as the other contact spells it repeats
/// the name comparison too: `nicholas.martin@` beside a contact whose
/// first name was mistyped `Nciholas`.
#[test]
fn a_local_part_made_of_either_contacts_name_is_neutral() {
    let f = ["email", "firstname", "lastname"];
    let lv = |a: [&str; 3], b: [&str; 3]| {
        let pa: Vec<(&str, &str)> = f.iter().copied().zip(a).collect();
        let pb: Vec<(&str, &str)> = f.iter().copied().zip(b).collect();
        levels(&pa, &pb, &f)[0].1
    };
    let nicholas = ["nicholas.martin@yahoo.com", "Nicholas", "Martin"];
    let typo = ["nicholasmartin@yahoo.com", "Nciholas", "Martin"];
    assert_eq!(lv(nicholas, typo), 6);
    assert_eq!(lv(typo, nicholas), 6);
    let other = ["nicholasmartin@gmx.com", "Nciholas", "Martin"];
    assert_eq!(lv(nicholas, other), 6);
    // A handle of its own stays evidence.
    let handle = ["nicko.martin@yahoo.com", "Nciholas", "Martin"];
    assert_eq!(
        lv(["nick.martin@yahoo.com", "Nicholas", "Martin"], handle),
        2
    );
    // A number on one side only: another person of that name.
    let second = ["nicholas.martin2@yahoo.com", "Nicholas", "Martin"];
    assert_eq!(lv(nicholas, second), 4);
}

/// A shared number beside one of each one's own is its own level at
/// one address (a family's landline), and stays "one shared, each has
/// another" elsewhere (one person who moved, with a new landline).
#[test]
fn a_shared_line_beside_own_numbers_at_one_address_is_a_level_of_its_own() {
    let f = ["phone", "mobilephone", "address", "zip"];
    let rec = |tel: &'static str, mobile: &'static str, street: &'static str| {
        vec![
            ("phone", tel),
            ("mobilephone", mobile),
            ("address", street),
            ("zip", "02139"),
        ]
    };
    let home = rec("617 555 0101", "617 555 0177", "12 Elm Street");
    let phone = |b: &[(&str, &str)]| levels(&home, b, &f)[0];
    let son = rec("617 555 0101", "212 555 0123", "12 Elm St");
    assert_eq!(phone(&son), (Comp::Phone, PHONE_SHARED_AT_ONE_ADDRESS));
    let moved = rec("508 555 0199", "617 555 0177", "3 Oak Avenue");
    assert_eq!(phone(&moved), (Comp::Phone, 3));
    let no_street = vec![
        ("phone", "617 555 0101"),
        ("mobilephone", "212 555 0123"),
        ("zip", "02139"),
    ];
    assert_eq!(
        phone(&no_street),
        (Comp::Phone, 3),
        "a postal code is no home"
    );
    let same = rec("617 555 0177", "617 555 0101", "12 Elm Street");
    assert_eq!(phone(&same), (Comp::Phone, 1), "the same two numbers");
    let one = rec("617 555 0101", "", "12 Elm Street");
    assert_eq!(
        phone(&one),
        (Comp::Phone, 2),
        "one number, the other has no other"
    );
}

/// Two phone columns: the same two numbers, one the same, one shared
/// beside one of each one's own.
#[test]
fn two_phone_columns_levels() {
    let two = ["phone", "mobilephone"];
    fn keep<'a>(names: [&'a str; 2], x: [&'a str; 2]) -> Vec<(&'a str, &'a str)> {
        names
            .into_iter()
            .zip(x)
            .filter(|v| !v.1.is_empty())
            .collect()
    }
    let shared = |a: [&str; 2], b: [&str; 2]| levels(&keep(two, a), &keep(two, b), &two)[0].1;
    assert_eq!(
        shared(
            ["617 555 0101", "617 555 0177"],
            ["617 555 0101", "212 555 0123"]
        ),
        3,
        "one landline, two mobiles"
    );
    assert_eq!(
        shared(["617 555 0101", "617 555 0177"], ["", "617 555 0177"]),
        2,
        "one side has no other number"
    );
    assert_eq!(
        shared(["617 555 0101", "(617) 555-0101"], ["617 555 0101", ""]),
        2,
        "one number given twice is one"
    );
    assert_eq!(
        shared(
            ["617 555 0101", "617 555 0177"],
            ["(617) 555-0177", "617 555 0101"]
        ),
        1,
        "the same two, swapped"
    );
}

#[test]
fn phone_company_and_text_levels() {
    let f = ["phone", "company", "jobtitle"];
    let lv = |a: [&str; 3], b: [&str; 3]| {
        let pa: Vec<(&str, &str)> = f
            .iter()
            .copied()
            .zip(a)
            .filter(|x| !x.1.is_empty())
            .collect();
        let pb: Vec<(&str, &str)> = f
            .iter()
            .copied()
            .zip(b)
            .filter(|x| !x.1.is_empty())
            .collect();
        levels(&pa, &pb, &f)
            .iter()
            .map(|x| x.1)
            .collect::<Vec<u8>>()
    };
    assert_eq!(
        levels(&[], &[], &f).iter().map(|x| x.0).collect::<Vec<_>>(),
        [Comp::Phone, Comp::Company, Comp::Text(0)]
    );
    let same = lv(
        ["(617) 555-0101", "Globex Ltd", "CTO"],
        ["+1 617 555 0101", "globex", "cto"],
    );
    assert_eq!(same, [2, 1, 1], "formats, legal forms and case ignored");
    let close = lv(
        ["617 555 0101", "Initech Systems", "Marketing Manager"],
        ["617 555 0199", "Initech Sytems", "Marketing Manger"],
    );
    assert_eq!(close[0], 5, "last two digits");
    assert_eq!(close[1..], [2, 2], "a typo");
    let different = lv(
        ["617 555 0101", "Globex", "CTO"],
        ["212 555 0123", "Umbrella", "Buyer"],
    );
    assert_eq!(different, [6, 3, 3]);
    assert_eq!(
        lv(["", "Globex", ""], ["617 555 0101", "", "CTO"]),
        [0, 0, 0]
    );
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
    assert_eq!(lv(("Mary", "Smith"), ("Omar", "Khan")), 10);
    assert_eq!(lv(("", ""), ("Omar", "Khan")), 0);
    assert_eq!(
        lv(("Harriet", "White"), ("Whiite", "Harriet")),
        3,
        "swapped, a typo"
    );
    assert_eq!(
        lv(("Harriet", "White"), ("Whiite", "Harriett")),
        3,
        "swapped, two typos"
    );
    assert_eq!(
        lv(("Harriet", "White"), ("Brown", "Harriet")),
        10,
        "one name swapped only"
    );
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

/// One name under two generational suffixes (`Jr.` beside none, `Sr.`
/// beside `Jr.`) is a level of its own, a disagreement: a father and son.
#[test]
fn one_name_under_two_generational_suffixes() {
    let f = ["firstname", "lastname"];
    let lv = |a: [&str; 2], b: [&str; 2]| {
        let pa: Vec<(&str, &str)> = f.iter().copied().zip(a).collect();
        let pb: Vec<(&str, &str)> = f.iter().copied().zip(b).collect();
        levels(&pa, &pb, &f)[0].1 as usize
    };
    let differs = NAME_SUFFIX_DIFFERS;
    assert_eq!(lv(["John", "Smith"], ["John", "Smith Jr."]), differs);
    assert_eq!(lv(["John", "Smith, Sr."], ["John", "Smith Jr"]), differs);
    assert_eq!(lv(["John", "Smith III"], ["John", "Smith"]), differs);
    assert_eq!(
        lv(["Jon", "Smith"], ["John", "Smith Jr."]),
        differs,
        "close"
    );
    assert_eq!(
        lv(["John", "Jr."], ["John", "Smith"]),
        differs,
        "last missing"
    );
    assert_eq!(lv(["John", "Smith Jr."], ["John", "Smith, Jr"]), 1);
    assert_eq!(lv(["John Jr.", "Smith"], ["John", "Smith Jr."]), 1);
    assert_eq!(
        lv(["Jane", "Smith"], ["John", "Smith Jr."]),
        6,
        "first differs"
    );
    assert!(disagrees(Comp::Name, differs));
    assert_eq!(
        Comp::Name.levels()[differs],
        "alike, generational suffix differs"
    );
    assert_eq!(*Comp::Name.levels().last().unwrap(), "different");
}

/// A mailbox made of a name the name fields spell otherwise repeats the
/// name all the same, so it is neutral at another domain: an umlaut
/// written `ue` (`juergen.koehler@` of Jürgen Köhler), a first name given
/// as its initial (`arjun.sharma@` of A. Sharma), a name in another
/// script (`wei.wang@` of 伟 王). Namesakes with such mailboxes scored
/// 1.000 (an independent review). A handle of its own stays close.
#[test]
fn a_mailbox_made_of_a_name_spelt_otherwise_is_neutral() {
    let f = ["email", "firstname", "lastname"];
    let lv = |a: [&str; 3], b: [&str; 3]| {
        let pa: Vec<(&str, &str)> = f.iter().copied().zip(a).collect();
        let pb: Vec<(&str, &str)> = f.iter().copied().zip(b).collect();
        levels(&pa, &pb, &f)[0].1
    };
    let both = |x: &str, y: &str, first: &str, last: &str| lv([x, first, last], [y, first, last]);
    assert_eq!(
        both(
            "juergen.koehler@gmx.de",
            "juergen.koehler@web.de",
            "Jürgen",
            "Köhler"
        ),
        6
    );
    assert_eq!(
        both("arjun.sharma@a.in", "arjun.sharma@b.in", "A.", "Sharma"),
        6
    );
    assert_eq!(both("wei.wang@qq.com", "wei.wang@163.com", "伟", "王"), 6);
    assert_eq!(both("coolcat@qq.com", "coolcat@163.com", "Wei", "Wang"), 2);
    assert_eq!(
        both("wei.wang77@qq.com", "wei.wang77@163.com", "伟", "王"),
        2
    );
}

/// A first name's other gender is another first name, not a typo: a
/// couple at one home (Daniel and Daniela) scored as one person.
#[test]
fn a_first_names_other_gender_is_another_name() {
    use crate::dupes::score::other_gender;
    for (a, b) in [
        ("daniel", "daniela"),
        ("paul", "paula"),
        ("louis", "louise"),
        ("jean", "jeanne"),
        ("andrea", "andreas"),
        ("francisco", "francisca"),
        ("mario", "maria"),
    ] {
        assert!(other_gender(a, b) && other_gender(b, a), "{a} {b}");
    }
    for (a, b) in [
        ("jon", "john"),
        ("anna", "anne"),
        ("steven", "stephen"),
        ("ann", "anna"),
        ("müller", "müllera"),
    ] {
        let _ = other_gender(a, b);
    }
    assert!(!other_gender("jon", "john"));
    assert!(!other_gender("anna", "anne"));
    let f = ["firstname", "lastname"];
    let lv = |a: [&str; 2], b: [&str; 2]| {
        let pa: Vec<(&str, &str)> = f.iter().copied().zip(a).collect();
        let pb: Vec<(&str, &str)> = f.iter().copied().zip(b).collect();
        levels(&pa, &pb, &f)[0].1
    };
    assert_eq!(
        lv(["Daniel", "Weber"], ["Daniela", "Weber"]),
        6,
        "last same, first differs"
    );
    assert_eq!(
        lv(["Daniel", "Weber"], ["Danial", "Weber"]),
        3,
        "a typo is still close"
    );
}

/// A whole name in one name field, the other empty, is the first and the
/// last name it holds: `Taro Yamada` as the first name is Taro Yamada
/// (it was "different"); an initial and a last name in the last name
/// field too; a last name of several words is one last name.
#[test]
fn a_whole_name_in_one_field_is_split() {
    let f = ["firstname", "lastname"];
    let lv = |a: [&str; 2], b: [&str; 2]| {
        let pa: Vec<(&str, &str)> = f.iter().copied().zip(a).collect();
        let pb: Vec<(&str, &str)> = f.iter().copied().zip(b).collect();
        levels(&pa, &pb, &f)[0].1
    };
    assert_eq!(lv(["Taro Yamada", ""], ["Taro", "Yamada"]), 1);
    assert_eq!(lv(["", "R. Srinivasan"], ["R", "Srinivasan"]), 1);
    assert_eq!(
        lv(["", "de la Cruz"], ["Ana", "de la Cruz"]),
        4,
        "the last name kept whole, the first missing"
    );
}
