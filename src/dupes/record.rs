//! What the duplicate finder keeps of each contact: its id, its create date,
//! how complete it is, and the compared fields, normalised once. Names,
//! companies, postal codes, cities and other text values repeat a lot, so
//! they are interned: a record holds small numbers, and comparing two equal
//! values is comparing two numbers.

use std::collections::HashMap;

use super::normalize;
use super::phone::{self, Phone};
use super::{Field, FieldKind};
use crate::model::{split_multi, Contact};

/// An interned text value; [`NONE`] is an empty or missing value.
pub type Sym = u32;
pub const NONE: Sym = 0;

/// Interned strings, and for first names the full names they may stand
/// for (the nickname table).
#[derive(Debug)]
pub struct Symbols {
    ids: HashMap<Box<str>, Sym>,
    strs: Vec<Box<str>>,
    /// First name → the full names it may stand for (only names the
    /// nickname table knows).
    full_names: HashMap<Sym, Box<[Sym]>>,
}

impl Default for Symbols {
    fn default() -> Self {
        Symbols {
            ids: HashMap::new(),
            strs: vec!["".into()],
            full_names: HashMap::new(),
        }
    }
}

impl Symbols {
    /// The symbol of a value; the empty string is [`NONE`].
    pub fn intern(&mut self, s: &str) -> Sym {
        if s.is_empty() {
            return NONE;
        }
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strs.len() as Sym;
        self.strs.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    pub fn str(&self, sym: Sym) -> &str {
        &self.strs[sym as usize]
    }

    pub fn len(&self) -> usize {
        self.strs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strs.len() <= 1
    }

    /// Intern a first name (raw) and remember the full names it may stand
    /// for.
    fn first_name(&mut self, raw: &str) -> Sym {
        let names = normalize::first_names(raw);
        let sym = self.intern(&names[0]);
        if names.len() > 1 && !self.full_names.contains_key(&sym) {
            let full: Box<[Sym]> = names[1..].iter().map(|n| self.intern(n)).collect();
            self.full_names.insert(sym, full);
        }
        sym
    }

    /// The first name that stands for `first` in blocking keys: the first
    /// full name of a nickname, else the name itself.
    pub fn first_key(&self, first: Sym) -> Sym {
        self.full_names.get(&first).map_or(first, |f| f[0])
    }

    /// Whether two different first names may name the same person by the
    /// nickname table (`bob` and `robert`, `bob` and `bobby`).
    pub fn nickname(&self, a: Sym, b: Sym) -> bool {
        let fa = self.full_names.get(&a).map_or(&[][..], |f| &f[..]);
        let fb = self.full_names.get(&b).map_or(&[][..], |f| &f[..]);
        fa.contains(&b) || fb.contains(&a) || fa.iter().any(|x| fb.contains(x))
    }

    /// The rank of every symbol in the sorted order of its text, for
    /// sorting records by their values.
    pub fn ranks(&self) -> Vec<u32> {
        let mut order: Vec<Sym> = (0..self.strs.len() as Sym).collect();
        order.sort_unstable_by(|a, b| self.str(*a).cmp(self.str(*b)));
        let mut rank = vec![0; order.len()];
        for (r, sym) in order.into_iter().enumerate() {
            rank[sym as usize] = r as u32;
        }
        rank
    }
}

/// One contact as compared.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub id: Box<str>,
    /// The create date (`createdate`, else `createdAt`), epoch ms.
    pub created: Option<i64>,
    /// How many properties are filled in (for `--primary most-complete`).
    pub filled: u32,
    /// Normalised emails, primary first, no repeats.
    pub emails: Box<[Box<str>]>,
    pub phones: Box<[Phone]>,
    /// Folded first name.
    pub first: Sym,
    /// Folded last name.
    pub last: Sym,
    /// Company without legal forms.
    pub company: Sym,
    pub zip: Sym,
    pub city: Sym,
    pub state: Sym,
    /// Every address column, folded and joined by spaces.
    pub address: Sym,
    /// Date of birth: its digits (`1981-02-03` → `19810203`).
    pub dob: Sym,
    /// Id number: letters and digits, lower-cased.
    pub idnum: Sym,
    /// Other compared fields ([`FieldKind::Text`]), folded, in the order of
    /// [`Records::text_fields`].
    pub texts: Box<[Sym]>,
    /// The record's name-and-place group (0: none), see
    /// [`Records::group_sizes`].
    pub name_group: u32,
}

impl Record {
    /// Whether the record has anything to compare.
    pub fn is_blank(&self) -> bool {
        self.emails.is_empty()
            && self.phones.is_empty()
            && self.first == NONE
            && self.last == NONE
            && self.company == NONE
            && self.dob == NONE
            && self.idnum == NONE
            && self.address == NONE
            && self.texts.iter().all(|t| *t == NONE)
    }
}

/// The records of an export, built one contact at a time (so an export can
/// be streamed), and the symbols they use.
#[derive(Debug)]
pub struct Records {
    pub fields: Vec<Field>,
    pub records: Vec<Record>,
    pub symbols: Symbols,
    /// Names of the [`FieldKind::Text`] fields, in record order.
    pub text_fields: Vec<String>,
    /// Contacts whose create date did not parse (kept, with no date).
    pub bad_dates: usize,
    /// How many contacts had each field filled in, in `fields` order.
    pub seen: Vec<usize>,
    /// Name-and-place groups: first name (as its full name), last name and
    /// postal code (else city) → group number; and each group's size.
    groups: HashMap<(Sym, Sym, bool, Sym), u32>,
    pub group_sizes: Vec<u32>,
    /// This set of records among all made in the process (its symbols'
    /// remembered comparisons are its own: see [`super::memo`]).
    pub uid: u64,
}

impl Records {
    pub fn new(fields: &[Field]) -> Self {
        Records {
            fields: fields.to_vec(),
            records: Vec::new(),
            symbols: Symbols::default(),
            text_fields: fields
                .iter()
                .filter(|f| f.kind == FieldKind::Text)
                .map(|f| f.name.clone())
                .collect(),
            bad_dates: 0,
            seen: vec![0; fields.len()],
            groups: HashMap::new(),
            group_sizes: vec![0],
            uid: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Add a contact.
    pub fn push(&mut self, c: &Contact) {
        let created = match crate::dates::created_time(c) {
            Ok(t) => t,
            Err(_) => {
                self.bad_dates += 1;
                None
            }
        };
        let mut r = Record {
            id: c.id.as_str().into(),
            created,
            filled: c
                .properties
                .values()
                .filter(|v| v.as_deref().is_some_and(|v| !v.is_empty()))
                .count() as u32,
            ..Default::default()
        };
        let mut emails: Vec<Box<str>> = Vec::new();
        let mut phones: Vec<Phone> = Vec::new();
        let mut texts: Vec<Sym> = Vec::with_capacity(self.text_fields.len());
        let mut address = String::new();
        let country = c.prop("country");
        for (i, f) in self.fields.iter().enumerate() {
            let mut value = c.prop(&f.name);
            if value.is_none() && f.name == "company" {
                // HubSpot's CSV export may carry the company's name in
                // "Associated Company" instead.
                value = c.prop("Associated Company");
            }
            if value.is_some() {
                self.seen[i] += 1;
            }
            match f.kind {
                FieldKind::Email => {
                    if let Some(v) = value {
                        add_emails(&mut emails, v);
                    }
                    // The primary email brings the additional ones along.
                    if f.name == "email" {
                        if let Some(v) = c.prop(crate::hubspot::property::ADDITIONAL_EMAILS) {
                            add_emails(&mut emails, v);
                        }
                    }
                }
                FieldKind::Phone => {
                    if let Some(p) = value.and_then(|v| phone::phone(v, country)) {
                        if !phones.iter().any(|x| x.same(&p) && x.country == p.country) {
                            phones.push(p);
                        }
                    }
                }
                FieldKind::Address => {
                    let v = value.map(normalize::fold).unwrap_or_default();
                    if !v.is_empty() {
                        if !address.is_empty() {
                            address.push(' ');
                        }
                        address.push_str(&v);
                    }
                }
                FieldKind::Text => {
                    texts.push(value.map_or(NONE, |v| self.symbols.intern(&normalize::fold(v))));
                }
                kind => {
                    if let Some(v) = value {
                        set_symbol(&mut self.symbols, &mut r, kind, v);
                    }
                }
            }
        }
        r.address = self.symbols.intern(&address);
        r.emails = emails.into();
        r.phones = phones.into();
        r.texts = texts.into();
        self.join_name_group(&mut r);
        self.records.push(r);
    }

    /// Put `r` in the group of its first-name key, last name and postal
    /// code (or city), when it has all three.
    fn join_name_group(&mut self, r: &mut Record) {
        let place = if r.zip != NONE {
            (true, r.zip)
        } else {
            (false, r.city)
        };
        if r.first != NONE && r.last != NONE && place.1 != NONE {
            let key = (self.symbols.first_key(r.first), r.last, place.0, place.1);
            let next = self.group_sizes.len() as u32;
            let g = *self.groups.entry(key).or_insert(next);
            if g == next {
                self.group_sizes.push(0);
            }
            self.group_sizes[g as usize] += 1;
            r.name_group = g;
        }
    }
}

/// Add the emails of a (possibly multi-valued) cell, normalised, once each.
fn add_emails(emails: &mut Vec<Box<str>>, raw: &str) {
    for part in split_multi(raw) {
        if let Some(e) = normalize::email(part).map(normalize::canonical_email) {
            if !emails.iter().any(|x| **x == *e) {
                emails.push(e.into());
            }
        }
    }
}

/// Set the one-value field of `r` that `kind` names to `v`, normalised.
fn set_symbol(symbols: &mut Symbols, r: &mut Record, kind: FieldKind, v: &str) {
    match kind {
        FieldKind::FirstName => r.first = symbols.first_name(v),
        FieldKind::LastName => r.last = symbols.intern(&normalize::fold(v)),
        FieldKind::Company => r.company = symbols.intern(&normalize::company(v)),
        FieldKind::Zip => r.zip = symbols.intern(&normalize::zip(v)),
        FieldKind::City => r.city = symbols.intern(&normalize::fold(v)),
        FieldKind::State => r.state = symbols.intern(&normalize::fold(v)),
        FieldKind::Dob => r.dob = symbols.intern(&normalize::dob(v)),
        FieldKind::IdNumber => r.idnum = symbols.intern(&normalize::id_number(v)),
        FieldKind::Email | FieldKind::Phone | FieldKind::Address | FieldKind::Text => {}
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::dupes::default_fields;
    use crate::rules::testutil::contact;

    /// Records of contacts numbered from 0, with the default fields.
    pub(crate) fn records(contacts: &[&[(&str, &str)]]) -> Records {
        let mut rs = Records::new(&default_fields());
        for (i, props) in contacts.iter().enumerate() {
            rs.push(&contact(&i.to_string(), props));
        }
        rs
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
        assert_eq!(&*r.id, "7");
        assert_eq!(
            r.emails.iter().map(|e| &**e).collect::<Vec<_>>(),
            ["bob@globex.example", "rob@home.example"]
        );
        assert_eq!(r.phones[0].digits(), "442079460958");
        assert_eq!(rs.symbols.str(r.first), "bob");
        assert_eq!(rs.symbols.str(rs.symbols.first_key(r.first)), "robert");
        assert_eq!(rs.symbols.str(r.company), "globex");
        assert_eq!(rs.symbols.str(r.zip), "ec1a1bb");
        assert_eq!(r.city, NONE);
        assert_eq!(r.created, Some(1_709_251_200_000));
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
    }

    #[test]
    fn a_bad_create_date_is_counted_not_fatal() {
        let mut rs = Records::new(&default_fields());
        rs.push(&contact(
            "1",
            &[("createdate", "soon"), ("email", "a@b.co")],
        ));
        assert_eq!(rs.bad_dates, 1);
        assert_eq!(rs.records[0].created, None);
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
}
