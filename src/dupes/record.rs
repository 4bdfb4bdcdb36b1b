//! What the duplicate finder keeps of each contact: its id, its create date,
//! how complete it is, and the compared fields, normalised once. Names,
//! companies, postal codes, cities and other text values repeat a lot, so
//! they are interned: a record holds small numbers, and comparing two equal
//! values is comparing two numbers.

use std::collections::HashMap;

use super::intern::{Interner, Texts};
use super::normalize;
use super::phone::{self, Phone};
use super::{Field, FieldKind};
use crate::model::{split_multi, Contact};

/// An interned text value; [`NONE`] is an empty or missing value.
pub type Sym = u32;
pub const NONE: Sym = 0;

/// Interned strings, and for first names the full names they may stand
/// for (the nickname table).
#[derive(Debug, Default)]
pub struct Symbols {
    strs: Interner,
    /// First name → the full names it may stand for (only names the
    /// nickname table knows).
    full_names: HashMap<Sym, Box<[Sym]>>,
}

impl Symbols {
    /// The symbol of a value; the empty string is [`NONE`].
    pub fn intern(&mut self, s: &str) -> Sym {
        if s.is_empty() {
            return NONE;
        }
        self.strs.intern(s)
    }

    pub fn str(&self, sym: Sym) -> &str {
        self.strs.get(sym)
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

/// Numbers in [`Records`]' items per email and per phone.
const EMAIL: usize = 3;
const PHONE: usize = 4;

/// The places of state, address, date of birth and id number among a
/// record's extra items.
const EXTRA_STATE: usize = 0;
const EXTRA_ADDRESS: usize = 1;
const EXTRA_DOB: usize = 2;
const EXTRA_IDNUM: usize = 3;

/// A create date that is missing or did not parse: older than any.
pub const NO_DATE: i64 = i64::MIN;

/// One contact as compared: 48 bytes. Its id, emails, phones and other
/// text fields are kept in [`Records`] (see [`Records::id`],
/// [`Records::emails`], [`Records::phones`], [`Records::texts`]).
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The create date (`createdate`, else `createdAt`), epoch ms;
    /// [`NO_DATE`] when there is none.
    pub created: i64,
    /// How many properties are filled in (for `--primary most-complete`).
    pub filled: u32,
    /// Folded first name.
    pub first: Sym,
    /// Folded last name.
    pub last: Sym,
    /// Company without legal forms.
    pub company: Sym,
    pub zip: Sym,
    pub city: Sym,
    /// The record's name-and-place group (0: none), see
    /// [`Records::group_sizes`].
    pub name_group: u32,
    /// Where its emails, phones and other fields start in
    /// [`Records::items`]: three numbers per email, four per phone, one
    /// per other field, then state, address, date of birth and id number
    /// when the file compares any of them ([`Records::state`] and after).
    at: u32,
    n_emails: u16,
    n_phones: u16,
    /// The generational suffix taken off the first or last name (`Jr.`:
    /// see [`normalize::generational_suffix`]); 0 when there is none.
    pub suffix: u8,
}

impl Record {
    /// The create date, if any.
    pub fn created(&self) -> Option<i64> {
        (self.created != NO_DATE).then_some(self.created)
    }
}

/// A normalised email of a record: its local part (before the last `@`)
/// and its domain, read from [`Records`] only when asked for; two emails
/// are the same when both are.
#[derive(Clone, Copy)]
pub struct Email<'a> {
    rs: &'a Records,
    local: u32,
    /// The domain's number (one number per distinct domain).
    pub domain_sym: u32,
    /// A hash of the local part's person-like name (see
    /// [`Email::may_share_name`]).
    name_hash: u32,
}

impl<'a> Email<'a> {
    pub fn local(&self) -> &'a str {
        self.rs.locals.get(self.local)
    }

    pub fn domain(&self) -> &'a str {
        self.rs.domains.get(self.domain_sym)
    }

    pub fn same(&self, other: &Email) -> bool {
        self.domain_sym == other.domain_sym && self.local() == other.local()
    }

    /// False when the two local parts' names (without `+tag`, dots,
    /// hyphens and underscores) differ, as their hashes say; true when
    /// they may agree.
    pub fn may_share_name(&self, other: &Email) -> bool {
        self.name_hash == other.name_hash
    }

    /// The whole email.
    pub fn text(&self) -> String {
        format!("{}@{}", self.local(), self.domain())
    }
}

/// The hash [`Email::may_share_name`] compares.
fn name_hash(local: &str) -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    let name = local.split('+').next().unwrap_or(local);
    for c in name.chars().filter(|c| !matches!(c, '.' | '-' | '_')) {
        h.write_u32(c as u32);
    }
    let h = h.finish();
    (h ^ (h >> 32)) as u32
}

/// A phone of a record (see [`Phone`], whose comparisons it shares),
/// read from [`Records`] only when hashes say it may matter.
#[derive(Clone, Copy)]
pub struct PhoneRef<'a> {
    rs: &'a Records,
    national: u32,
    country_sym: u32,
    /// Hashes of the national number, and of all but its last two digits
    /// with its length (0 under 7 digits).
    hash: u32,
    prefix: u32,
}

impl<'a> PhoneRef<'a> {
    pub fn national(&self) -> &'a str {
        self.rs.nationals.get(self.national)
    }

    pub fn country(&self) -> Option<&'a str> {
        (self.country_sym != NONE).then(|| self.rs.countries.get(self.country_sym))
    }

    pub fn same(&self, other: &PhoneRef) -> bool {
        self.hash == other.hash
            && phone::same(
                self.country(),
                self.national(),
                other.country(),
                other.national(),
            )
    }

    pub fn similar(&self, other: &PhoneRef) -> bool {
        self.prefix != 0
            && self.prefix == other.prefix
            && phone::similar(
                self.country(),
                self.national(),
                other.country(),
                other.national(),
            )
    }

    /// Digits with the country code in front when known.
    pub fn digits(&self) -> String {
        format!("{}{}", self.country().unwrap_or(""), self.national())
    }
}

/// The hashes [`PhoneRef`] compares first: of the national number, and of
/// its length and all but its last two digits (0 when under 7 digits, so
/// never [`Phone::similar`]).
fn phone_hashes(national: &str) -> (u32, u32) {
    use std::hash::BuildHasher;
    let h = |s: &[u8], n: usize| {
        let h = rustc_hash::FxBuildHasher.hash_one((s, n));
        (h ^ (h >> 32)) as u32 | 1
    };
    let b = national.as_bytes();
    let prefix = if b.len() >= 7 {
        h(&b[..b.len() - 2], b.len())
    } else {
        0
    };
    (h(b, 0), prefix)
}

/// The records of an export, built one contact at a time (so an export can
/// be streamed), and the symbols they use.
#[derive(Debug)]
pub struct Records {
    pub fields: Vec<Field>,
    pub records: Vec<Record>,
    pub symbols: Symbols,
    /// Each record's id, by record index.
    ids: Texts,
    /// The records' emails (local part, domain, name hash), phones
    /// (national number, country code, two hashes) and other fields
    /// ([`Record`]'s `at`).
    items: Vec<u32>,
    /// Emails' local parts (each email's own), and their domains.
    locals: Texts,
    domains: Interner,
    /// Phones' national numbers (each phone's own), and country codes.
    nationals: Texts,
    countries: Interner,
    /// Names of the [`FieldKind::Text`] fields, in record order.
    pub text_fields: Vec<String>,
    /// Whether a state, address, date of birth or id number is compared
    /// (each record then has the four in its items).
    extras: bool,
    /// Contacts whose create date did not parse (kept, with no date), and
    /// the first of them.
    pub bad_dates: usize,
    pub first_bad_date: Option<Box<crate::dates::BadDate>>,
    /// The first create date that could be day first or month first, in a
    /// file that does not say which (the command refuses it, as `diff`
    /// and `apply` do: it would choose primaries by a guess).
    pub ambiguous_date: Option<Box<crate::dates::BadDate>>,
    /// How many contacts had each field filled in, in `fields` order.
    pub seen: Vec<usize>,
    /// Name-and-place groups: first name (as its full name), last name and
    /// postal code (else city) → group number; and each group's size.
    /// None once reading is done ([`Records::done_reading`]).
    groups: Option<HashMap<(Sym, Sym, bool, Sym), u32>>,
    pub group_sizes: Vec<u32>,
    /// This set of records among all made in the process (its symbols'
    /// remembered comparisons are its own: see [`super::memo`]).
    pub uid: u64,
    /// The `hs_merged_object_ids` of the records that have any, by record
    /// index in record order: the merges a contact already took part in
    /// count towards HubSpot's merge limit ([`super::limit`]). Most
    /// contacts have none, so they take no room.
    merged: Vec<(u32, Box<str>)>,
}

impl Records {
    pub fn new(fields: &[Field]) -> Self {
        Records {
            fields: fields.to_vec(),
            records: Vec::new(),
            symbols: Symbols::default(),
            ids: Texts::default(),
            items: Vec::new(),
            locals: Texts::default(),
            domains: Interner::default(),
            nationals: Texts::default(),
            countries: Interner::default(),
            text_fields: fields
                .iter()
                .filter(|f| f.kind == FieldKind::Text)
                .map(|f| f.name.clone())
                .collect(),
            extras: fields.iter().any(|f| {
                matches!(
                    f.kind,
                    FieldKind::State | FieldKind::Address | FieldKind::Dob | FieldKind::IdNumber
                )
            }),
            bad_dates: 0,
            first_bad_date: None,
            ambiguous_date: None,
            seen: vec![0; fields.len()],
            groups: Some(HashMap::new()),
            group_sizes: vec![0],
            uid: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
            merged: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Make room for about `contacts` records like those held so far
    /// (the first contacts of a file, which the fields were found from):
    /// a large file's records then do not grow by copying, which leaves
    /// each old copy with the allocator (a million contacts: 80 MB).
    /// Room asked for and never used is address space, not memory.
    pub fn reserve_like(&mut self, contacts: usize) {
        let held = self.len().max(1);
        let scale = |x: usize| (x as u128 * contacts as u128 / held as u128) as usize;
        let more = contacts.saturating_sub(self.len());
        self.records.reserve_exact(more);
        self.items
            .reserve_exact(scale(self.items.len()).saturating_sub(self.items.len()));
        let emails = scale(self.locals.len());
        let phones = scale(self.nationals.len());
        self.ids.reserve_like(contacts);
        self.locals.reserve_like(emails);
        self.nationals.reserve_like(phones);
    }

    /// Every contact has been pushed: what only reading needed (the map
    /// that numbers the name-and-place groups, about 5 MB at a million
    /// contacts) goes, before the pairs are made. Pushing a contact after
    /// this is a bug (its group would be counted apart), and panics.
    pub fn done_reading(&mut self) {
        self.groups = None;
    }

    /// The id of record `i`.
    pub fn id(&self, i: u32) -> &str {
        self.ids.get(i)
    }

    /// The ids in record `i`'s `hs_merged_object_ids` (the cell as the
    /// file has it; empty when it has none).
    pub fn merged_ids(&self, i: u32) -> &str {
        self.merged
            .binary_search_by_key(&i, |m| m.0)
            .map_or("", |at| &self.merged[at].1)
    }

    /// The index of the record with this id, if any.
    pub fn position(&self, id: &str) -> Option<u32> {
        (0..self.len() as u32).find(|&i| self.id(i) == id)
    }

    /// The emails of a record: normalised, primary first, no repeats.
    pub fn emails<'a>(&'a self, r: &Record) -> impl Iterator<Item = Email<'a>> + Clone + 'a {
        let at = r.at as usize;
        self.items[at..at + EMAIL * r.n_emails as usize]
            .chunks_exact(EMAIL)
            .map(|e| Email {
                rs: self,
                local: e[0],
                domain_sym: e[1],
                name_hash: e[2],
            })
    }

    /// Ask the processor to bring record `j` into the cache, or with
    /// `items` its emails' and phones' numbers (its record read: fetched
    /// before), ahead of comparing it: a candidate is anywhere in the
    /// file, and waiting for its record and numbers was most of what
    /// comparing a pair cost at a million contacts. Changes nothing else.
    #[inline]
    pub fn prefetch(&self, j: u32, items: bool) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let Some(r) = self.records.get(j as usize) else {
                return;
            };
            let (p, q) = if items {
                let p = self.items.as_ptr().wrapping_add(r.at as usize) as *const i8;
                (p, p.wrapping_add(31))
            } else {
                let p = r as *const Record as *const i8;
                (p, p.wrapping_add(std::mem::size_of::<Record>() - 1))
            };
            // SAFETY: a prefetch is a hint that reads nothing the program
            // sees; its address need not even be valid.
            #[allow(unused_unsafe)]
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>(p);
                _mm_prefetch::<_MM_HINT_T0>(q);
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (j, items);
    }

    pub fn has_emails(&self, r: &Record) -> bool {
        r.n_emails > 0
    }

    /// The phones of a record, no repeats.
    pub fn phones<'a>(&'a self, r: &Record) -> impl Iterator<Item = PhoneRef<'a>> + Clone + 'a {
        let at = r.at as usize + EMAIL * r.n_emails as usize;
        self.items[at..at + PHONE * r.n_phones as usize]
            .chunks_exact(PHONE)
            .map(|p| PhoneRef {
                rs: self,
                national: p[0],
                country_sym: p[1],
                hash: p[2],
                prefix: p[3],
            })
    }

    pub fn has_phones(&self, r: &Record) -> bool {
        r.n_phones > 0
    }

    /// A record's other compared fields ([`FieldKind::Text`]), folded, in
    /// the order of [`Records::text_fields`].
    pub fn texts(&self, r: &Record) -> &[Sym] {
        let at = r.at as usize + EMAIL * r.n_emails as usize + PHONE * r.n_phones as usize;
        &self.items[at..at + self.text_fields.len()]
    }

    /// One of a record's state, address, date of birth and id number.
    fn extra(&self, r: &Record, k: usize) -> Sym {
        if !self.extras {
            return NONE;
        }
        let at = r.at as usize
            + EMAIL * r.n_emails as usize
            + PHONE * r.n_phones as usize
            + self.text_fields.len();
        self.items[at + k]
    }

    /// State, region, province or county, folded.
    pub fn state(&self, r: &Record) -> Sym {
        self.extra(r, EXTRA_STATE)
    }

    /// Every address column, folded and joined by spaces.
    pub fn address(&self, r: &Record) -> Sym {
        self.extra(r, EXTRA_ADDRESS)
    }

    /// Date of birth: its digits (`1981-02-03` → `19810203`).
    pub fn dob(&self, r: &Record) -> Sym {
        self.extra(r, EXTRA_DOB)
    }

    /// Id number: letters and digits, lower-cased.
    pub fn idnum(&self, r: &Record) -> Sym {
        self.extra(r, EXTRA_IDNUM)
    }

    /// Whether the record has anything to compare.
    pub fn is_blank(&self, r: &Record) -> bool {
        r.n_emails == 0
            && r.n_phones == 0
            && r.first == NONE
            && r.last == NONE
            && r.company == NONE
            && self.dob(r) == NONE
            && self.idnum(r) == NONE
            && self.address(r) == NONE
            && self.texts(r).iter().all(|t| *t == NONE)
    }

    /// The contact's create date; one that does not parse is counted
    /// (and the first one kept, and the first that could be read two ways).
    fn created_of(&mut self, c: &Contact) -> Option<i64> {
        crate::dates::created_time(c).unwrap_or_else(|e| {
            self.bad_dates += 1;
            if e.source.ambiguous && self.ambiguous_date.is_none() {
                self.ambiguous_date = Some(Box::new(e.clone()));
            }
            self.first_bad_date.get_or_insert_with(|| Box::new(e));
            None
        })
    }

    /// Add a contact.
    pub fn push(&mut self, c: &Contact) {
        let created = self.created_of(c);
        let mut r = Record {
            created: created.unwrap_or(NO_DATE),
            filled: c
                .properties
                .values()
                .filter(|v| v.as_deref().is_some_and(|v| !v.is_empty()))
                .count() as u32,
            ..Default::default()
        };
        let mut emails: Vec<String> = Vec::new();
        let mut phones: Vec<Phone> = Vec::new();
        let mut texts: Vec<Sym> = Vec::with_capacity(self.text_fields.len());
        let mut address = String::new();
        let mut extras = [NONE; 4];
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
                        set_symbol(&mut self.symbols, &mut r, &mut extras, kind, v);
                    }
                }
            }
        }
        extras[EXTRA_ADDRESS] = self.symbols.intern(&address);
        split_whole_name(&mut self.symbols, &mut r);
        self.store_values(&mut r, &emails, &phones, &texts, &extras);
        self.ids.push(c.id.as_str());
        if let Some(m) = c.prop(crate::hubspot::property::MERGED_OBJECT_IDS) {
            self.merged.push((self.records.len() as u32, m.into()));
        }
        self.join_name_group(&mut r);
        self.records.push(r);
    }

    /// Put a record's emails, phones, other fields and extras in
    /// [`Records::items`] (and their texts in their strings), and where
    /// they start in the record.
    fn store_values(
        &mut self,
        r: &mut Record,
        emails: &[String],
        phones: &[Phone],
        texts: &[Sym],
        extras: &[Sym; 4],
    ) {
        r.at = u32::try_from(self.items.len()).expect("under 4 G compared values");
        r.n_emails = u16::try_from(emails.len()).expect("under 65,536 emails a contact");
        r.n_phones = u16::try_from(phones.len()).expect("under 65,536 phones a contact");
        for e in emails {
            // Normalised emails hold an `@` (see [`normalize::email`]).
            let (local, domain) = e.rsplit_once('@').unwrap_or((e, ""));
            self.items.push(self.locals.push(local));
            self.items.push(self.domains.intern(domain));
            self.items.push(name_hash(local));
        }
        for p in phones {
            self.items.push(self.nationals.push(&p.national));
            self.items.push(
                p.country
                    .as_deref()
                    .map_or(NONE, |c| self.countries.intern(c)),
            );
            let (hash, prefix) = phone_hashes(&p.national);
            self.items.push(hash);
            self.items.push(prefix);
        }
        self.items.extend_from_slice(texts);
        if self.extras {
            self.items.extend_from_slice(extras);
        }
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
            let groups = self
                .groups
                .as_mut()
                .expect("no contact is pushed after done_reading");
            let g = *groups.entry(key).or_insert(next);
            if g == next {
                self.group_sizes.push(0);
            }
            self.group_sizes[g as usize] += 1;
            r.name_group = g;
        }
    }
}

/// A whole name in one name field, the other empty (`Taro Yamada` as the
/// first name; `R. Srinivasan` as the last): the first name and the last
/// name it holds, so that it compares with a record that gives them
/// apart. A first name field is cut before its last word; a last name
/// field only after an initial (`de la Cruz` is one last name).
fn split_whole_name(symbols: &mut Symbols, r: &mut Record) {
    let whole = match (r.first != NONE, r.last != NONE) {
        (true, false) => symbols.str(r.first).rsplit_once(' '),
        (false, true) => symbols
            .str(r.last)
            .split_once(' ')
            .filter(|(first, _)| first.chars().count() == 1),
        _ => None,
    };
    if let Some((first, last)) = whole.map(|(f, l)| (f.to_string(), l.to_string())) {
        r.first = symbols.first_name(&first);
        r.last = symbols.intern(&last);
    }
}

/// Add the emails of a (possibly multi-valued) cell, normalised, once each.
fn add_emails(emails: &mut Vec<String>, raw: &str) {
    for part in split_multi(raw) {
        if let Some(e) = normalize::email(part).map(normalize::canonical_email) {
            if !emails.contains(&e) {
                emails.push(e);
            }
        }
    }
}

/// Set the one-value field of `r` that `kind` names to `v`, normalised.
fn set_symbol(
    symbols: &mut Symbols,
    r: &mut Record,
    extras: &mut [Sym; 4],
    kind: FieldKind,
    v: &str,
) {
    match kind {
        FieldKind::FirstName | FieldKind::LastName => {
            let folded = normalize::fold(v);
            let (name, suffix) = normalize::generational_suffix(normalize::without_titles(&folded));
            if suffix != 0 {
                r.suffix = suffix;
            }
            if kind == FieldKind::FirstName {
                r.first = symbols.first_name(name);
            } else {
                r.last = symbols.intern(name);
            }
        }
        FieldKind::Company => r.company = symbols.intern(&normalize::company(v)),
        FieldKind::Zip => r.zip = symbols.intern(&normalize::zip(v)),
        FieldKind::City => r.city = symbols.intern(&normalize::fold(v)),
        FieldKind::State => extras[EXTRA_STATE] = symbols.intern(&normalize::fold(v)),
        FieldKind::Dob => extras[EXTRA_DOB] = symbols.intern(&normalize::dob(v)),
        FieldKind::IdNumber => extras[EXTRA_IDNUM] = symbols.intern(&normalize::id_number(v)),
        FieldKind::Email | FieldKind::Phone | FieldKind::Address | FieldKind::Text => {}
    }
}

#[cfg(test)]
pub(crate) mod tests;
