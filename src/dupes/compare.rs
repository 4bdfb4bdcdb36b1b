//! Comparisons: how two records compare, field by field, as a *level*
//! per comparison (missing / exact / close / weak / different). Fields that
//! repeat each other are one comparison with joint levels (see
//! [`super::model`]), and a pair's levels pack into one `u64` *pattern*.

use super::edit::one_edit;
use super::memo;
use super::normalize::{is_free_mail, is_role_email};
use super::record::{Email, PhoneRef, Record, Records, Sym, NONE};
use super::score::{compare_name, digits_agree, letters, same_email_name, swapped_close, Likeness};
use super::FieldKind;

/// Two names this alike (Jaro–Winkler) that are not close are a weak
/// agreement, not a difference.
const WEAK_NAME: f32 = 0.8;

/// Bits per level in a pattern; at most 16 comparisons.
pub(super) const BITS: u32 = 4;
pub const MAX_COMPS: usize = 16;

/// A comparison: one or several fields compared together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comp {
    Email,
    Phone,
    Name,
    Place,
    Dob,
    IdNumber,
    Company,
    /// A text field, by index into [`Records::text_fields`].
    Text(u16),
}

impl Comp {
    /// The level names; level 0 is always "missing" (no evidence).
    pub fn levels(&self) -> &'static [&'static str] {
        match self {
            Comp::Email => &[
                "missing",
                "same",
                "close",
                "same role mailbox",
                "numbered differently",
                "colleague",
                "name-made, another mailbox",
                "different",
            ],
            Comp::Phone => &[
                "missing",
                "same",
                "one shared, each has another",
                "close",
                "different",
            ],
            Comp::Name => &[
                "missing",
                "same",
                "nickname or swapped",
                "close",
                "last same, first weak",
                "first same, last weak",
                "last same, first differs",
                "first same, last differs",
                "both somewhat alike",
                "different",
            ],
            Comp::Place => &[
                "missing",
                "same address",
                "close address",
                "same postal code",
                "same city",
                "close postal code",
                "same state",
                "different",
            ],
            Comp::Dob | Comp::IdNumber | Comp::Company | Comp::Text(_) => {
                &["missing", "same", "close", "different"]
            }
        }
    }

    /// The name shown in explanations.
    pub fn label(&self, rs: &Records) -> String {
        match self {
            Comp::Email => "email".into(),
            Comp::Phone => "phone".into(),
            Comp::Name => "name".into(),
            Comp::Place => "place".into(),
            Comp::Dob => "date of birth".into(),
            Comp::IdNumber => "id number".into(),
            Comp::Company => "company".into(),
            Comp::Text(i) => rs.text_fields[*i as usize].clone(),
        }
    }

    /// Starting chances of levels 1.. for the same person (M): the
    /// pseudo-counts' shape, all a file too small to learn from gets.
    pub(super) fn start(&self) -> &'static [f64] {
        match self {
            Comp::Email => &[0.70, 0.08, 0.02, 0.005, 0.005, 0.05, 0.14],
            Comp::Phone => &[0.72, 0.03, 0.05, 0.20],
            Comp::Name => &[0.70, 0.08, 0.10, 0.03, 0.03, 0.02, 0.02, 0.01, 0.01],
            Comp::Place => &[0.60, 0.10, 0.10, 0.05, 0.03, 0.02, 0.10],
            Comp::Dob | Comp::IdNumber => &[0.80, 0.12, 0.08],
            Comp::Company | Comp::Text(_) => &[0.60, 0.10, 0.30],
        }
    }
}

/// The level whose m/u a level's may not exceed (see
/// [`Model::cap_levels`]); the last level (different) has none.
pub(super) fn parent_level(c: Comp, l: usize) -> Option<usize> {
    let last = c.levels().len() - 1;
    if l == 0 || l == 1 || l == last {
        return None;
    }
    match c {
        Comp::Name => Some(if l <= 3 { 1 } else { 3 }),
        Comp::Place => match l {
            2 => Some(1),
            3 => None,
            4 | 5 => Some(3),
            _ => Some(4),
        },
        _ => Some(1),
    }
}

/// Whether a level counts no evidence either way (its m is set to its
/// u): the same name-made local part at two domains
/// (`carolyn.edwards@acme.com`, `carolyn.edwards@wonka.com`), or two
/// name-made local parts one edit apart at one domain (`carl.willis@`,
/// `carol.willis@`; `c.morales@`, `c_morales@`), only repeat the name
/// comparison, so counting them too would count the name twice.
pub(super) fn neutral(c: Comp, l: usize) -> bool {
    c == Comp::Email && l == 6
}

/// Whether a level says the two differ: another mailbox (numbered or at
/// the same organisation), a first or last name that differs, another
/// place, and every comparison's last level.
pub(super) fn disagrees(c: Comp, l: usize) -> bool {
    let last = c.levels().len() - 1;
    l == last
        || match c {
            Comp::Email => l == 4 || l == 5,
            Comp::Name => l == 6 || l == 7,
            _ => false,
        }
}

/// The comparisons the fields of `rs` make, in a fixed order.
pub fn comps(rs: &Records) -> Vec<Comp> {
    let has = |k: FieldKind| rs.fields.iter().any(|f| f.kind == k);
    let mut out = Vec::new();
    if has(FieldKind::Email) {
        out.push(Comp::Email);
    }
    if has(FieldKind::Phone) {
        out.push(Comp::Phone);
    }
    if has(FieldKind::FirstName) || has(FieldKind::LastName) {
        out.push(Comp::Name);
    }
    if [
        FieldKind::Zip,
        FieldKind::City,
        FieldKind::State,
        FieldKind::Address,
    ]
    .into_iter()
    .any(has)
    {
        out.push(Comp::Place);
    }
    if has(FieldKind::Dob) {
        out.push(Comp::Dob);
    }
    if has(FieldKind::IdNumber) {
        out.push(Comp::IdNumber);
    }
    if has(FieldKind::Company) {
        out.push(Comp::Company);
    }
    for i in 0..rs.text_fields.len() {
        if out.len() < MAX_COMPS {
            out.push(Comp::Text(i as u16));
        }
    }
    out
}

fn close_text(rs: &Records, x: Sym, y: Sym) -> bool {
    memo::jaro_winkler(rs, x, y) >= 0.9
}

/// Level of a simple field: missing 0, same 1, close 2, different 3.
fn simple(x: Sym, y: Sym, close: impl Fn() -> bool) -> u8 {
    if x == NONE || y == NONE {
        0
    } else if x == y {
        1
    } else if close() {
        2
    } else {
        3
    }
}

/// Whether an email's local part is made of the record's name alone: the
/// last name with the first name, a prefix of it (an initial) or nothing
/// (`carolyn.edwards`, `cedwards`, `edwards.c`), or the first name with a
/// prefix of the last (`carolyne`). Digits or other letters make it a
/// handle of its own (`cedwards77`, `cool.carol`).
pub(super) fn name_made(rs: &Records, local: &str, r: &Record) -> bool {
    let local = local.split('+').next().unwrap_or(local);
    if local.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let only = |s: &str| -> String { s.chars().filter(|c| c.is_alphabetic()).collect() };
    let (l, first) = (only(local), only(rs.symbols.str(r.first)));
    let last_parts = rs.symbols.str(r.last);
    let mut lasts: Vec<String> = vec![only(last_parts)];
    lasts.extend(last_parts.split([' ', '-']).map(only));
    lasts.iter().filter(|x| x.len() >= 2).any(|last| {
        if let Some(pos) = l.find(last.as_str()) {
            let rest = format!("{}{}", &l[..pos], &l[pos + last.len()..]);
            if rest.is_empty() || (!first.is_empty() && first.starts_with(&rest)) {
                return true;
            }
        }
        !first.is_empty()
            && l.len() > first.len()
            && l.starts_with(&first)
            && last.starts_with(&l[first.len()..])
    })
}

fn email_level(rs: &Records, a: &Record, b: &Record) -> u8 {
    if !rs.has_emails(a) || !rs.has_emails(b) {
        return 0;
    }
    let (ea, eb) = (rs.emails(a), rs.emails(b));
    let shared = |e: &Email| eb.clone().any(|f| f.same(e));
    if ea.clone().any(|e| shared(&e)) {
        let person = ea.clone().any(|e| shared(&e) && !is_role_email(&e.text()));
        return if person { 1 } else { 3 };
    }
    let (mut close, mut numbered, mut colleagues, mut name) = (false, false, false, false);
    // Made of either contact's name: a mailbox made of the name as the
    // other contact spells it (`nicholas.martin@` beside a `Nciholas`)
    // repeats the name comparison just the same.
    let made = |local: &str| name_made(rs, local, a) || name_made(rs, local, b);
    for x in ea {
        for y in eb.clone() {
            if x.domain_sym == y.domain_sym {
                let (lx, ly, dx) = (x.local(), y.local(), x.domain());
                if one_edit(lx, ly) && digits_agree(lx, ly) {
                    if made(lx) && made(ly) {
                        name = true;
                    } else {
                        close = true;
                    }
                } else if letters(lx).eq(letters(ly)) {
                    numbered = true;
                } else if !is_free_mail(dx) {
                    colleagues = true;
                }
            } else if x.may_share_name(&y) && same_email_name(x.local(), y.local()) {
                if made(x.local()) || made(y.local()) {
                    name = true;
                } else {
                    close = true;
                }
            }
        }
    }
    if close {
        2
    } else if numbered {
        4
    } else if colleagues {
        5
    } else if name {
        6
    } else {
        7
    }
}

fn phone_level(rs: &Records, a: &Record, b: &Record) -> u8 {
    if !rs.has_phones(a) || !rs.has_phones(b) {
        return 0;
    }
    let (pa, pb) = (rs.phones(a), rs.phones(b));
    let any = |f: &dyn Fn(&PhoneRef, &PhoneRef) -> bool| {
        pa.clone().any(|x| pb.clone().any(|y| f(&x, &y)))
    };
    if any(&|x, y| x.same(y)) {
        // A landline a family shares beside each one's own mobile: one
        // number the same, and on each side a number the other lacks.
        let a_own = pa.clone().any(|x| !pb.clone().any(|y| x.same(&y)));
        let b_own = pb.clone().any(|y| !pa.clone().any(|x| x.same(&y)));
        if a_own && b_own {
            2
        } else {
            1
        }
    } else if any(&|x, y| x.similar(y)) {
        3
    } else {
        4
    }
}

fn name_level(rs: &Records, a: &Record, b: &Record) -> u8 {
    if a.first != NONE
        && a.last != NONE
        && a.first != a.last
        && a.first == b.last
        && a.last == b.first
    {
        return 2;
    }
    // s: same, n: nickname, c: close, w: weak (part, initial), d: differs,
    // m: missing.
    let class = |l: Likeness| match l {
        Likeness::Missing => b'm',
        Likeness::Same => b's',
        Likeness::Nickname => b'n',
        Likeness::Close(_) => b'c',
        Likeness::Part | Likeness::Initial => b'w',
        // Alike but past a typo (Jaro–Winkler 0.8 or more: `taylah` /
        // `talyaj`): weak, not different.
        Likeness::Differs(s) if s >= WEAK_NAME => b'w',
        Likeness::Differs(_) => b'd',
    };
    let f = class(compare_name(rs, a.first, b.first, true));
    let l = class(compare_name(rs, a.last, b.last, false));
    let good = |c: u8| matches!(c, b's' | b'n' | b'c');
    let level = straight_name_level(rs, a, b, (f, l), good);
    // Swapped, with a typo on either side (`harriet white`, `whiite
    // harriet`): as close as a typo in place.
    if level > 3 && swapped_close(rs, a, b) {
        return 3;
    }
    level
}

/// The name level of the first and last names compared in place (`f`,
/// `l`: their classes).
fn straight_name_level(
    rs: &Records,
    a: &Record,
    b: &Record,
    (f, l): (u8, u8),
    good: impl Fn(u8) -> bool,
) -> u8 {
    match (f, l) {
        (b'm', b'm') => 0,
        (b's', b's') => 1,
        (b'n', b's') => 2,
        (f, l) if good(f) && (l == b's' || l == b'c') => 3,
        (f, l) if (l == b's' || l == b'c') && (f == b'w' || f == b'm') => 4,
        (f, l) if good(f) && (l == b'w' || l == b'm') => 5,
        (b'd', l) if l == b's' || l == b'c' => 6,
        (f, b'd') if good(f) => 7,
        _ => {
            let jw = |x: Sym, y: Sym| both(x, y) && memo::jaro_winkler(rs, x, y) >= 0.8;
            if jw(a.first, b.first) && jw(a.last, b.last) {
                8
            } else {
                9
            }
        }
    }
}

pub(super) fn both(x: Sym, y: Sym) -> bool {
    x != NONE && y != NONE
}

/// Every word of the shorter address in the longer, two words at least.
fn address_part(x: &str, y: &str) -> bool {
    let (s, l) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    s.split(' ').count() >= 2 && s.split(' ').all(|w| l.split(' ').any(|v| v == w))
}

fn place_level(rs: &Records, a: &Record, b: &Record) -> u8 {
    let zip = both(a.zip, b.zip);
    let city = both(a.city, b.city);
    let state = both(rs.state(a), rs.state(b));
    let addr = both(rs.address(a), rs.address(b));
    if !(zip || city || state || addr) {
        return 0;
    }
    // Another postal code and another city: not the same address,
    // however the street reads.
    let elsewhere = zip && a.zip != b.zip && city && a.city != b.city;
    if addr && !elsewhere {
        if rs.address(a) == rs.address(b) {
            return 1;
        }
        let (x, y) = (rs.symbols.str(rs.address(a)), rs.symbols.str(rs.address(b)));
        if memo::jaro_winkler(rs, rs.address(a), rs.address(b)) >= 0.9 || address_part(x, y) {
            return 2;
        }
    }
    if zip && a.zip == b.zip {
        3
    } else if city && (a.city == b.city || memo::jaro_winkler(rs, a.city, b.city) >= 0.92) {
        4
    } else if zip && {
        let (x, y) = (rs.symbols.str(a.zip), rs.symbols.str(b.zip));
        x.len() == y.len() && memo::osa(rs, a.zip, b.zip) <= 1
    } {
        5
    } else if state && rs.state(a) == rs.state(b) {
        6
    } else {
        7
    }
}

/// Dates of birth: missing (0), the same (1), one digit off, two
/// neighbours swapped or day and month swapped (2), different (3).
pub(super) fn dob_level(rs: &Records, a: &Record, b: &Record) -> u8 {
    simple(rs.dob(a), rs.dob(b), || {
        let (x, y) = (rs.symbols.str(rs.dob(a)), rs.symbols.str(rs.dob(b)));
        // One digit off, two neighbours swapped, or day and month swapped.
        memo::osa(rs, rs.dob(a), rs.dob(b)) <= 1
            || (x.len() == 8
                && y.len() == 8
                && x[..4] == y[..4]
                && x[4..6] == y[6..8]
                && x[6..8] == y[4..6])
    })
}

/// Id numbers: missing (0), the same (1), one edit apart (2), different
/// (3).
pub(super) fn idnum_level(rs: &Records, a: &Record, b: &Record) -> u8 {
    simple(rs.idnum(a), rs.idnum(b), || {
        memo::osa(rs, rs.idnum(a), rs.idnum(b)) <= 1
    })
}

/// The level of each comparison for a pair, packed [`BITS`] bits each.
pub fn pattern(rs: &Records, comps: &[Comp], a: &Record, b: &Record) -> u64 {
    let mut p = 0u64;
    for (n, c) in comps.iter().enumerate() {
        let l = match c {
            Comp::Email => email_level(rs, a, b),
            Comp::Phone => phone_level(rs, a, b),
            Comp::Name => name_level(rs, a, b),
            Comp::Place => place_level(rs, a, b),
            Comp::Dob => dob_level(rs, a, b),
            Comp::IdNumber => idnum_level(rs, a, b),
            Comp::Company => simple(a.company, b.company, || {
                close_text(rs, a.company, b.company)
            }),
            Comp::Text(i) => {
                let (x, y) = (rs.texts(a)[*i as usize], rs.texts(b)[*i as usize]);
                simple(x, y, || close_text(rs, x, y))
            }
        };
        p |= (l as u64) << (BITS * n as u32);
    }
    p
}

/// The level of comparison `n` in a pattern.
pub fn level(p: u64, n: usize) -> usize {
    ((p >> (BITS * n as u32)) & ((1 << BITS) - 1)) as usize
}

#[cfg(test)]
mod tests {
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
        assert_eq!(same, [1, 1, 1], "formats, legal forms and case ignored");
        // Two numbers each: a landline and a mobile.
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
            2,
            "one landline, two mobiles"
        );
        assert_eq!(
            shared(["617 555 0101", "617 555 0177"], ["", "617 555 0177"]),
            1,
            "one side has no other number"
        );
        assert_eq!(
            shared(
                ["617 555 0101", "617 555 0177"],
                ["(617) 555-0177", "617 555 0101"]
            ),
            1,
            "the same two, swapped"
        );
        let close = lv(
            ["617 555 0101", "Initech Systems", "Marketing Manager"],
            ["617 555 0199", "Initech Sytems", "Marketing Manger"],
        );
        assert_eq!(close[0], 3, "last two digits");
        assert_eq!(close[1..], [2, 2], "a typo");
        let different = lv(
            ["617 555 0101", "Globex", "CTO"],
            ["212 555 0123", "Umbrella", "Buyer"],
        );
        assert_eq!(different, [4, 3, 3]);
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
        assert_eq!(lv(("Mary", "Smith"), ("Omar", "Khan")), 9);
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
            9,
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
}
