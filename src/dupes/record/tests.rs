use super::*;
use crate::dupes::default_fields;
use crate::rules::testutil::contact;

/// Records of contacts numbered from 0, with the default fields.
pub(crate) fn records(contacts: &[&[(&str, &str)]]) -> Records {
    records_in(&default_fields(), contacts)
}

fn records_in(fields: &[crate::dupes::Field], contacts: &[&[(&str, &str)]]) -> Records {
    let mut rs = Records::new(fields);
    for (i, props) in contacts.iter().enumerate() {
        rs.push(&contact(&i.to_string(), props));
    }
    rs
}

fn borrowed(people: &[Vec<(String, String)>]) -> Vec<Vec<(&str, &str)>> {
    people
        .iter()
        .map(|p| p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
        .collect()
}

/// [`records`] of people given as owned (property, value) lists.
pub(crate) fn records_of(people: &[Vec<(String, String)>]) -> Records {
    let refs = borrowed(people);
    let slices: Vec<&[(&str, &str)]> = refs.iter().map(|p| &p[..]).collect();
    records(&slices)
}

/// Records of people given as (property, value) lists, every property
/// a field (its kind from its name).
pub(crate) fn records_with_fields(people: &[Vec<(String, String)>]) -> Records {
    let mut names: Vec<&str> = Vec::new();
    for (k, _) in people.iter().flatten() {
        if !names.contains(&k.as_str()) {
            names.push(k);
        }
    }
    let fields: Vec<crate::dupes::Field> =
        names.iter().map(|n| crate::dupes::Field::new(n)).collect();
    let refs = borrowed(people);
    let slices: Vec<&[(&str, &str)]> = refs.iter().map(|p| &p[..]).collect();
    records_in(&fields, &slices)
}

#[test]
fn records_hold_normalised_fields() {
    let mut rs = Records::new(&default_fields());
    rs.push(&contact(
        "7",
        &[
            ("firstname", "Bob"),
            ("lastname", "Smith"),
            ("email", " Bob@Globex.example "),
            (
                "hs_additional_emails",
                "bob@globex.example;rob@home.example",
            ),
            ("phone", "020 7946 0958"),
            ("country", "United Kingdom"),
            ("company", "Globex Ltd"),
            ("zip", "EC1A 1BB"),
            ("createdate", "2024-03-01"),
        ],
    ));
    let r = &rs.records[0];
    assert_eq!(rs.id(0), "7");
    assert_eq!(
        rs.emails(r).map(|e| e.text()).collect::<Vec<_>>(),
        ["bob@globex.example", "rob@home.example"]
    );
    assert_eq!(rs.phones(r).next().unwrap().digits(), "442079460958");
    assert_eq!(rs.symbols.str(r.first), "bob");
    assert_eq!(rs.symbols.str(rs.symbols.first_key(r.first)), "robert");
    assert_eq!(rs.symbols.str(r.company), "globex");
    assert_eq!(rs.symbols.str(r.zip), "ec1a1bb");
    assert_eq!(r.city, NONE);
    assert_eq!(r.created(), Some(1_709_251_200_000));
    assert_eq!(r.filled, 9);
    assert_eq!(rs.group_sizes[r.name_group as usize], 1);
}

#[test]
fn name_and_place_groups_count_their_contacts() {
    let mut rs = Records::new(&default_fields());
    let people = [
        ("Robert", "Smith", "02110", ""),
        ("Bob", "Smith", "02110", "Boston"),
        ("Robert", "Smith", "", "Boston"),
        ("Robert", "Smith", "02111", ""),
        ("", "Smith", "02110", ""),
    ];
    for (i, (f, l, z, c)) in people.iter().enumerate() {
        rs.push(&contact(
            &i.to_string(),
            &[("firstname", f), ("lastname", l), ("zip", z), ("city", c)],
        ));
    }
    let sizes: Vec<u32> = rs
        .records
        .iter()
        .map(|r| rs.group_sizes[r.name_group as usize])
        .collect();
    assert_eq!(sizes, [2, 2, 1, 1, 0]);
    // Done reading: the sizes stay, the map that made them goes, and a
    // contact pushed after it is refused rather than counted apart.
    rs.done_reading();
    assert_eq!(rs.group_sizes[rs.records[0].name_group as usize], 2);
    let late = contact(
        "5",
        &[
            ("firstname", "Bob"),
            ("lastname", "Smith"),
            ("zip", "02110"),
        ],
    );
    let pushed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rs.push(&late)));
    assert!(pushed.is_err());
}

#[test]
fn a_bad_create_date_is_counted_not_fatal() {
    let mut rs = Records::new(&default_fields());
    rs.push(&contact(
        "1",
        &[("createdate", "soon"), ("email", "a@b.co")],
    ));
    assert_eq!(rs.bad_dates, 1);
    assert_eq!(rs.records[0].created(), None);
    assert_eq!(rs.records[0].created, NO_DATE);
}

#[test]
fn a_record_is_48_bytes() {
    assert_eq!(std::mem::size_of::<Record>(), 48);
}

#[test]
fn interned_texts_are_stored_once_and_read_back() {
    let mut i = Interner::default();
    let words: Vec<String> = (0..5000).map(|n| format!("w{}", n % 1200)).collect();
    let ids: Vec<u32> = words.iter().map(|w| i.intern(w)).collect();
    assert_eq!(i.len(), 1201, "the empty text and 1,200 words");
    assert_eq!(i.get(0), "");
    for (w, id) in words.iter().zip(&ids) {
        assert_eq!(i.get(*id), w);
        assert_eq!(i.intern(w), *id);
    }
    let mut t = Texts::default();
    assert_eq!((t.push("ab"), t.push(""), t.push("c")), (0, 1, 2));
    assert_eq!((t.get(0), t.get(1), t.get(2)), ("ab", "", "c"));
}

#[test]
fn nicknames_and_ranks() {
    let mut s = Symbols::default();
    let bob = s.first_name("Bob");
    let robert = s.first_name("Robert");
    let bobby = s.first_name("Bobby");
    let bill = s.first_name("Bill");
    assert!(s.nickname(bob, robert) && s.nickname(robert, bob));
    assert!(s.nickname(bob, bobby));
    assert!(!s.nickname(bob, bill));
    let ranks = s.ranks();
    assert!(ranks[bill as usize] < ranks[bob as usize]);
    assert!(ranks[bobby as usize] < ranks[robert as usize]);
    assert_eq!(ranks[NONE as usize], 0);
}
