//! Scoring a candidate pair: every compared field adds evidence for or
//! against "the same person", in bits (log₂ of how much likelier the
//! observation is for a true duplicate than for two different people, the
//! Fellegi–Sunter model, with hand-set weights). The total becomes a score
//! between 0 and 1 with [`score_of`]; the reasons record what drove it.
//!
//! | field | agrees | nearly | disagrees (both filled in) |
//! |---|---|---|---|
//! | email (any of each side's) | same email +11 (alone above the default threshold: HubSpot itself takes an email for one person); +4 for a role mailbox (`info@`, `sales@`) | same domain and one edit in the local part, numbers agreeing +5; the same person-like local part at another domain (`jane.doe@` / `janedoe@`) +5 | −1; another mailbox at the same organisation's domain (not free mail) −2.5; the same letters numbered differently (`wbrown1@`, `wbrown2@`) −4 |
//! | phone (any) | same number +8 | all but the last two digits +1.5 | −3 |
//! | first name | same, or a nickname +3 | Jaro–Winkler ≥ 0.92 or one edit +2; an initial +1 | −7 |
//! | last name | same +4 | Jaro–Winkler ≥ 0.92 or one edit +3; one name part of the other (`Doe`, `Doe-Miller`) +2 | −6 |
//! | company | same after dropping legal forms +2 | Jaro–Winkler ≥ 0.9 +1 | −1 |
//! | postal code | same +2 | (same city, other code −0.5) | −2 |
//! | city (when a side has no postal code) | same +1 | | −1.5 |
//! | date of birth | same +4 (0 when the first names differ: twins) | one digit off, two neighbours swapped, or day and month swapped +2 (0 likewise) | −2 |
//! | id number | same +8 | one edit +4 | −3 |
//! | any other field | same +1 | Jaro–Winkler ≥ 0.9 +0.5 | −0.5 |
//!
//! Two first names that differ make a shared email count +4 (a mailbox
//! people share) and a shared phone +2: a family shares both.
//!
//! A missing value is no evidence either way. First and last name swapped
//! (`Smith John` / `John Smith`) count as the same name. A generational
//! suffix (`Jr.`, `Sr.`, `III`) is taken off the name, and one name under
//! two suffixes (`John Smith`, `John Smith Jr.`) counts 0: a father and son.

use std::fmt;

use super::compare::{dob_level, idnum_level};
use super::edit::one_edit;
use strsim::jaro_winkler;

use super::memo::{memo, Memo};

use super::normalize::{email_name, is_free_mail, is_role_email};
use super::record::{Email, PhoneRef, Record, Records, Sym, NONE};

/// Namesakes in one place (same first and last name, same postal code or
/// city) beyond which sharing name and place counts for less: with k of
/// them, log₂(k / 8) bits less.
pub const COMMON_NAME: u32 = 8;

/// The prior, in bits: the score of a pair is 0.5 when its evidence adds up
/// to this much: `7.5 + log₂(27 / 7)`, so that the default threshold (0.7)
/// falls at the 10.67 bits these weights were made for (DECISIONS.md).
pub const PRIOR_BITS: f64 = 9.447_532_580_105_864;

/// The score (0 to 1) of a total weight in bits.
pub fn score_of(weight: f64) -> f64 {
    1.0 / (1.0 + (PRIOR_BITS - weight).exp2())
}

/// The weight in bits that gives a score.
pub fn weight_of(score: f64) -> f64 {
    let s = score.clamp(1e-9, 1.0 - 1e-9);
    PRIOR_BITS - ((1.0 - s) / s).log2()
}

/// One thing that drove a pair's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reason {
    SameEmail,
    /// The same role mailbox (`info@`, `sales@`).
    SameRoleEmail,
    /// Same domain, local parts this similar.
    SimilarEmail(f32),
    /// The same person-like local part at other domains.
    EmailName,
    SamePhone,
    SimilarPhone,
    PhoneDiffers,
    SameName,
    /// The same first (last) name, the other name missing on one side.
    SameFirstName,
    SameLastName,
    /// Same name by the nickname table.
    Nickname,
    /// First and last name swapped.
    SwappedName,
    /// Names this similar (mean of first and last).
    Name(f32),
    FirstNameDiffers,
    LastNameDiffers,
    /// One name under two generational suffixes (`Jr.` beside none).
    SuffixDiffers,
    /// This many contacts share the name in the place.
    CommonName(u32),
    Company,
    SimilarCompany(f32),
    Zip,
    ZipDiffers,
    City,
    /// Another compared field agrees (index into the text fields).
    Field(u16),
    SimilarField(u16, f32),
}

impl Reason {
    /// The reason as written in plans and tables; `fields` names the text
    /// fields.
    pub fn text(&self, fields: &[String]) -> String {
        let field = |i: &u16| fields.get(*i as usize).map_or("field", String::as_str);
        match self {
            Reason::SameEmail => "same email".into(),
            Reason::SameRoleEmail => "same role email".into(),
            Reason::SimilarEmail(s) => format!("similar email {s:.2}"),
            Reason::EmailName => "email name".into(),
            Reason::SamePhone => "phone".into(),
            Reason::SimilarPhone => "similar phone".into(),
            Reason::PhoneDiffers => "phone differs".into(),
            Reason::SameName => "same name".into(),
            Reason::SameFirstName => "same first name (a last name missing)".into(),
            Reason::SameLastName => "same last name (a first name missing)".into(),
            Reason::Nickname => "nickname".into(),
            Reason::SwappedName => "names swapped".into(),
            Reason::Name(s) => format!("name {s:.2}"),
            Reason::FirstNameDiffers => "first name differs".into(),
            Reason::LastNameDiffers => "last name differs".into(),
            Reason::SuffixDiffers => "generational suffix differs".into(),
            Reason::CommonName(k) => format!("common name ({k} in the place)"),
            Reason::Company => "company".into(),
            Reason::SimilarCompany(s) => format!("company {s:.2}"),
            Reason::Zip => "zip".into(),
            Reason::ZipDiffers => "zip differs".into(),
            Reason::City => "city".into(),
            Reason::Field(i) => field(i).to_string(),
            Reason::SimilarField(i, s) => format!("{} {s:.2}", field(i)),
        }
    }
}

/// Up to [`MAX_REASONS`] reasons, kept without allocating (a pair is
/// scored millions of times).
#[derive(Clone, Copy)]
pub struct Reasons {
    items: [Reason; MAX_REASONS],
    len: u8,
}

pub const MAX_REASONS: usize = 10;

impl Reasons {
    fn new() -> Self {
        Reasons {
            items: [Reason::SameEmail; MAX_REASONS],
            len: 0,
        }
    }
    fn push(&mut self, r: Reason) {
        if (self.len as usize) < MAX_REASONS {
            self.items[self.len as usize] = r;
            self.len += 1;
        }
    }
    pub fn as_slice(&self) -> &[Reason] {
        &self.items[..self.len as usize]
    }
}

impl fmt::Debug for Reasons {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_slice().fmt(f)
    }
}

/// The outcome of comparing two records.
#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    /// Total evidence, in bits.
    pub weight: f64,
    pub reasons: Reasons,
}

impl Comparison {
    pub fn score(&self) -> f64 {
        score_of(self.weight)
    }
}

/// How two names compare.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Likeness {
    Missing,
    Same,
    /// By the nickname table.
    Nickname,
    /// Close (a typo): the similarity.
    Close(f32),
    /// One is a part of the other (a double-barrelled name).
    Part,
    /// An initial matches.
    Initial,
    /// Not the same: the similarity.
    Differs(f32),
}

impl Likeness {
    /// As a number, for [`memo`]: the kind, and the similarity's bits.
    fn encode(self) -> u64 {
        let (k, s) = match self {
            Likeness::Missing => (0, 0.0),
            Likeness::Same => (1, 0.0),
            Likeness::Nickname => (2, 0.0),
            Likeness::Close(s) => (3, s),
            Likeness::Part => (4, 0.0),
            Likeness::Initial => (5, 0.0),
            Likeness::Differs(s) => (6, s),
        };
        (k << 32) | s.to_bits() as u64
    }

    fn decode(v: u64) -> Likeness {
        let s = f32::from_bits(v as u32);
        match v >> 32 {
            0 => Likeness::Missing,
            1 => Likeness::Same,
            2 => Likeness::Nickname,
            3 => Likeness::Close(s),
            4 => Likeness::Part,
            5 => Likeness::Initial,
            _ => Likeness::Differs(s),
        }
    }

    fn similarity(self) -> Option<f32> {
        match self {
            Likeness::Missing => None,
            Likeness::Same | Likeness::Nickname => Some(1.0),
            Likeness::Close(s) | Likeness::Differs(s) => Some(s),
            Likeness::Part | Likeness::Initial => Some(0.9),
        }
    }
}

pub(super) fn compare_name(syms: &Records, a: Sym, b: Sym, first: bool) -> Likeness {
    if a == NONE || b == NONE {
        return Likeness::Missing;
    }
    if a == b {
        return Likeness::Same;
    }
    let kind = if first {
        Memo::FirstName
    } else {
        Memo::LastName
    };
    Likeness::decode(memo(syms, kind, a, b, || {
        compare_names(syms, a, b, first).encode()
    }))
}

/// Whether each name of one record is the other record's other name, or
/// a typo of it (the exact swap is level 2 already).
pub(super) fn swapped_close(rs: &Records, a: &Record, b: &Record) -> bool {
    let alike = |x: Sym, y: Sym| {
        matches!(
            compare_name(rs, x, y, false),
            Likeness::Same | Likeness::Close(_)
        )
    };
    let both = |x: Sym, y: Sym| x != NONE && y != NONE;
    both(a.first, a.last)
        && both(b.first, b.last)
        && a.first != a.last
        && b.first != b.last
        && alike(a.first, b.last)
        && alike(a.last, b.first)
}

/// [`compare_name`] of two different names, computed.
fn compare_names(syms: &Records, a: Sym, b: Sym, first: bool) -> Likeness {
    if first && syms.symbols.nickname(a, b) {
        return Likeness::Nickname;
    }
    let (sa, sb) = (syms.symbols.str(a), syms.symbols.str(b));
    // Close enough to be a typo: Jaro–Winkler at least 0.92, or one edit
    // in a name of four letters or more; but not a first name's other
    // gender (`Daniel`, `Daniela`), which is another person's.
    let jw = jaro_winkler(sa, sb) as f32;
    if first && other_gender(sa, sb) {
        return Likeness::Differs(0.0);
    }
    if jw >= 0.92 || one_edit(sa, sb) {
        return Likeness::Close(jw);
    }
    // A double-barrelled or multi-part name: every part of the shorter in
    // the longer (`doe` in `doe miller`).
    let (short, long) = if sa.len() <= sb.len() {
        (sa, sb)
    } else {
        (sb, sa)
    };
    if long.contains(' ') && short.split(' ').all(|p| long.split(' ').any(|q| q == p)) {
        return Likeness::Part;
    }
    // An initial: `J` and `John`.
    if first && short.chars().count() == 1 && long.starts_with(short) {
        return Likeness::Initial;
    }
    Likeness::Differs(jw)
}

/// Whether two first names are one name's two genders: `Daniel` and
/// `Daniela`, `Paul` and `Paula`, `Louis` and `Louise`, `Jean` and
/// `Jeanne`, `Andrea` and `Andreas`, `Francisco` and `Francisca`. A typo
/// seldom makes one of the other (each is a name of its own), and a
/// couple or two siblings at one home carry them.
pub(super) fn other_gender(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let stem = |s: &str| s.len() >= 3 && s.chars().all(|c| c.is_alphabetic());
    if !stem(short) {
        return false;
    }
    if let Some(end) = long.strip_prefix(short) {
        let vowel_end = short.ends_with(['a', 'e']);
        return match end {
            "a" => !short.ends_with('a'),
            "e" => short.len() >= 4 && !short.ends_with('e'),
            "ne" => short.ends_with('n'),
            "s" => vowel_end,
            _ => false,
        };
    }
    // `-o` against `-a`: Francisco, Francisca; Mario, Maria.
    short.len() == long.len()
        && short.len() >= 4
        && short.as_bytes()[..short.len() - 1] == long.as_bytes()[..long.len() - 1]
        && matches!(
            (
                short.as_bytes()[short.len() - 1],
                long.as_bytes()[long.len() - 1]
            ),
            (b'o', b'a') | (b'a', b'o')
        )
}

/// Compare two records on the fields of `rs`.
pub fn compare(rs: &Records, a: &Record, b: &Record) -> Comparison {
    compare_above(rs, a, b, f64::NEG_INFINITY).expect("no floor")
}

/// [`compare`], giving up early (`None`) once the weight cannot reach
/// `floor` any more: most candidate pairs are plainly two people, and the
/// fields left (company, place, other fields) are the costly ones.
pub fn compare_above(rs: &Records, a: &Record, b: &Record, floor: f64) -> Option<Comparison> {
    let mut w = 0.0;
    let mut reasons = Reasons::new();
    emails(rs, a, b, &mut w, &mut reasons);
    phones(rs, a, b, &mut w, &mut reasons);
    let same_name = names(rs, a, b, &mut w, &mut reasons);
    w += shared_by_a_family(reasons.as_slice());
    // The most the remaining fields can add.
    let rest = 2.0 + 2.0 + DOB_SAME + ID_SAME + rs.texts(a).len() as f64;
    if w + rest < floor {
        return None;
    }
    company(rs, a, b, &mut w, &mut reasons);
    place(a, b, &mut w, &mut reasons);
    common_name(rs, a, b, same_name, &mut w, &mut reasons);
    let first_differs = reasons.as_slice().contains(&Reason::FirstNameDiffers);
    w += date_of_birth(rs, a, b, first_differs) + id_number(rs, a, b);
    for i in 0..rs.texts(a).len() {
        other_field(rs, a, b, i, &mut w, &mut reasons);
    }
    Some(Comparison { weight: w, reasons })
}

/// Which field a part of a hand-set score is about ([`parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartOf {
    Email,
    Phone,
    Name,
    Company,
    /// The postal code, else the city.
    Place,
    /// A mailbox or phone shared by two first names
    /// ([`shared_by_a_family`]).
    Family,
    /// Many namesakes in the place ([`COMMON_NAME`]).
    CommonName,
    DateOfBirth,
    IdNumber,
    /// Another compared field (index into the text fields).
    Other(u16),
}

/// A hand-set score field by field, for `dupes --explain` on a file too
/// small to learn from: each part's bits and reasons, in the order
/// [`compare`] adds them (their sum is its weight).
pub fn parts(rs: &Records, a: &Record, b: &Record) -> Vec<(PartOf, f64, Reasons)> {
    let mut out = Vec::new();
    let mut part = |of: PartOf, f: &mut dyn FnMut(&mut f64, &mut Reasons)| {
        let (mut w, mut reasons) = (0.0, Reasons::new());
        f(&mut w, &mut reasons);
        out.push((of, w, reasons));
    };
    // The reasons of email, phone and name, which the family part reads.
    let mut seen: Vec<Reason> = Vec::new();
    part(PartOf::Email, &mut |w, r| {
        emails(rs, a, b, w, r);
        seen.extend_from_slice(r.as_slice());
    });
    part(PartOf::Phone, &mut |w, r| {
        phones(rs, a, b, w, r);
        seen.extend_from_slice(r.as_slice());
    });
    let mut same_name = false;
    part(PartOf::Name, &mut |w, r| {
        same_name = names(rs, a, b, w, r);
        seen.extend_from_slice(r.as_slice());
    });
    let first_differs = seen.contains(&Reason::FirstNameDiffers);
    part(PartOf::Family, &mut |w, _| *w += shared_by_a_family(&seen));
    part(PartOf::Company, &mut |w, r| company(rs, a, b, w, r));
    part(PartOf::Place, &mut |w, r| place(a, b, w, r));
    part(PartOf::CommonName, &mut |w, r| {
        common_name(rs, a, b, same_name, w, r)
    });
    part(PartOf::DateOfBirth, &mut |w, _| {
        *w += date_of_birth(rs, a, b, first_differs)
    });
    part(PartOf::IdNumber, &mut |w, _| *w += id_number(rs, a, b));
    for i in 0..rs.texts(a).len() {
        part(PartOf::Other(i as u16), &mut |w, r| {
            other_field(rs, a, b, i, w, r)
        });
    }
    out
}

/// What a shared email and a shared phone lose when the first names
/// differ (`reasons`: those of email, phone and name): a family shares a
/// mailbox and a phone, so for two first names the email counts as a
/// mailbox people share (+4, as `info@`) and the phone +2, not +11 and +8.
/// The learned model says the same through its household class and its
/// email rule, which holds "unless the names differ".
fn shared_by_a_family(reasons: &[Reason]) -> f64 {
    if !reasons.contains(&Reason::FirstNameDiffers) {
        return 0.0;
    }
    let email = if reasons.contains(&Reason::SameEmail) {
        4.0 - 11.0
    } else {
        0.0
    };
    let phone = if reasons.contains(&Reason::SamePhone) {
        2.0 - 8.0
    } else {
        0.0
    };
    email + phone
}

/// The company, after dropping legal forms.
fn company(rs: &Records, a: &Record, b: &Record, w: &mut f64, reasons: &mut Reasons) {
    if a.company == NONE || b.company == NONE {
        return;
    }
    if a.company == b.company {
        *w += 2.0;
        reasons.push(Reason::Company);
    } else {
        let s = jaro_winkler(rs.symbols.str(a.company), rs.symbols.str(b.company));
        if s >= 0.9 {
            *w += 1.0;
            reasons.push(Reason::SimilarCompany(s as f32));
        } else {
            *w -= 1.0;
        }
    }
}

/// Where: the postal code, else the city.
fn place(a: &Record, b: &Record, w: &mut f64, reasons: &mut Reasons) {
    if a.zip != NONE && b.zip != NONE {
        if a.zip == b.zip {
            *w += 2.0;
            reasons.push(Reason::Zip);
        } else {
            *w -= if a.city != NONE && a.city == b.city {
                0.5
            } else {
                2.0
            };
            reasons.push(Reason::ZipDiffers);
        }
    } else if a.city != NONE && b.city != NONE {
        if a.city == b.city {
            *w += 1.0;
            reasons.push(Reason::City);
        } else {
            *w -= 1.5;
        }
    }
}

/// A name many contacts in the place share says less: the chance that two
/// of k namesakes in one place are one person falls as k grows.
fn common_name(
    rs: &Records,
    a: &Record,
    b: &Record,
    same_name: bool,
    w: &mut f64,
    reasons: &mut Reasons,
) {
    let same_place = (a.zip != NONE && a.zip == b.zip) || (a.city != NONE && a.city == b.city);
    if same_name && same_place {
        let k = rs.group_sizes[a.name_group as usize].max(rs.group_sizes[b.name_group as usize]);
        if k > COMMON_NAME {
            *w -= (k as f64 / COMMON_NAME as f64).log2();
            reasons.push(Reason::CommonName(k));
        }
    }
}

/// What an agreeing date of birth adds: about one person in ten thousand
/// shares a birthday with a given one, but twins and typos are common
/// enough that it stays well under an email's weight.
pub const DOB_SAME: f64 = 4.0;

/// What an agreeing id number adds (a national or customer number, given
/// to one person, but typed by hand): as much as a shared phone.
pub const ID_SAME: f64 = 8.0;

/// The date of birth's weight ([`dob_level`]). An agreeing one counts
/// nothing when the first names differ: twins share a birthday and a home,
/// so it does not tell two such people from one. No reason is given here:
/// the plan's reasons name an agreeing date of birth already
/// ([`super::explain::more_reasons`]).
fn date_of_birth(rs: &Records, a: &Record, b: &Record, first_differs: bool) -> f64 {
    match dob_level(rs, a, b) {
        0 => 0.0,
        1 | 2 if first_differs => 0.0,
        1 => DOB_SAME,
        2 => 2.0,
        _ => -2.0,
    }
}

/// The id number's weight ([`idnum_level`]); its reason, like the date of
/// birth's, comes from [`super::explain::more_reasons`].
fn id_number(rs: &Records, a: &Record, b: &Record) -> f64 {
    match idnum_level(rs, a, b) {
        0 => 0.0,
        1 => ID_SAME,
        2 => 4.0,
        _ => -3.0,
    }
}

/// Another compared field, the `i`th of the text fields.
fn other_field(rs: &Records, a: &Record, b: &Record, i: usize, w: &mut f64, reasons: &mut Reasons) {
    let (x, y) = (rs.texts(a)[i], rs.texts(b)[i]);
    if x == NONE || y == NONE {
        return;
    }
    if x == y {
        *w += 1.0;
        reasons.push(Reason::Field(i as u16));
    } else {
        let s = jaro_winkler(rs.symbols.str(x), rs.symbols.str(y));
        if s >= 0.9 {
            *w += 0.5;
            reasons.push(Reason::SimilarField(i as u16, s as f32));
        } else {
            *w -= 0.5;
        }
    }
}

/// The numbers in two local parts agree: the same digits, or one digit
/// dropped, doubled or two neighbours swapped (a typo). Any other
/// difference (`jsmith1@` / `jsmith2@`) means two people, and so does a
/// number on one side only (`jsmith@` / `jsmith2@`: the second person of
/// that name a mail system or an IT department met).
pub(super) fn digits_agree(x: &str, y: &str) -> bool {
    let dx: Vec<u8> = x.bytes().filter(u8::is_ascii_digit).collect();
    let dy: Vec<u8> = y.bytes().filter(u8::is_ascii_digit).collect();
    if dx == dy {
        return true;
    }
    if dx.is_empty() || dy.is_empty() {
        return false;
    }
    let (short, long) = if dx.len() < dy.len() {
        (&dx, &dy)
    } else {
        (&dy, &dx)
    };
    if long.len() == short.len() + 1 {
        return (0..long.len()).any(|i| long[..i] == short[..i] && long[i + 1..] == short[i..]);
    }
    if long.len() == short.len() {
        let diff: Vec<usize> = (0..long.len()).filter(|&i| long[i] != short[i]).collect();
        return diff.len() == 2
            && diff[1] == diff[0] + 1
            && long[diff[0]] == short[diff[1]]
            && long[diff[1]] == short[diff[0]];
    }
    false
}

/// The same person-like local part ([`email_name`]) of two local parts,
/// without allocating unless they agree.
pub(super) fn same_email_name(x: &str, y: &str) -> bool {
    fn name(l: &str) -> impl Iterator<Item = char> + '_ {
        l.split('+')
            .next()
            .unwrap_or(l)
            .chars()
            .filter(|c| !matches!(c, '.' | '-' | '_'))
    }
    name(x).eq(name(y)) && email_name(&format!("{x}@")).is_some()
}

fn emails(rs: &Records, a: &Record, b: &Record, w: &mut f64, reasons: &mut Reasons) {
    if !rs.has_emails(a) || !rs.has_emails(b) {
        return;
    }
    let (ea, eb) = (rs.emails(a), rs.emails(b));
    let shared = |e: &Email| eb.clone().any(|f| f.same(e));
    if let Some(e) = ea.clone().find(|e| shared(e)) {
        if is_role_email(&e.text()) && !ea.clone().any(|e| shared(&e) && !is_role_email(&e.text()))
        {
            // `info@`, `sales@`: a mailbox people share.
            *w += 4.0;
            reasons.push(Reason::SameRoleEmail);
        } else {
            *w += 11.0;
            reasons.push(Reason::SameEmail);
        }
        return;
    }
    let mut best: Option<Reason> = None;
    // Two mailboxes at one organisation's domain: most people have one.
    let mut colleagues = false;
    // The same letters numbered differently (`wbrown1@`, `wbrown2@`): how
    // mail systems tell two people of one name apart.
    let mut numbered = false;
    for x in ea {
        for y in eb.clone() {
            if x.domain_sym == y.domain_sym {
                let (lx, ly, dx) = (x.local(), y.local(), x.domain());
                if one_edit(lx, ly) && digits_agree(lx, ly) {
                    // A typo in the local part: one edit, numbers agreeing.
                    best = Some(Reason::SimilarEmail(jaro_winkler(lx, ly) as f32));
                } else if letters(lx).eq(letters(ly)) {
                    numbered = true;
                } else if !is_free_mail(dx) {
                    colleagues = true;
                }
            } else if best.is_none()
                && x.may_share_name(&y)
                && same_email_name(x.local(), y.local())
            {
                best = Some(Reason::EmailName);
            }
        }
    }
    match best {
        Some(r) => {
            *w += 5.0;
            reasons.push(r);
        }
        None if numbered => *w -= 4.0,
        None if colleagues => *w -= 2.5,
        None => *w -= 1.0,
    }
}

pub(super) fn letters(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|c| !c.is_ascii_digit())
}

fn phones(rs: &Records, a: &Record, b: &Record, w: &mut f64, reasons: &mut Reasons) {
    if !rs.has_phones(a) || !rs.has_phones(b) {
        return;
    }
    let (pa, pb) = (rs.phones(a), rs.phones(b));
    let any = |f: &dyn Fn(&PhoneRef, &PhoneRef) -> bool| {
        pa.clone().any(|x| pb.clone().any(|y| f(&x, &y)))
    };
    if any(&|x, y| x.same(y)) {
        *w += 8.0;
        reasons.push(Reason::SamePhone);
    } else if any(&|x, y| x.similar(y)) {
        *w += 1.5;
        reasons.push(Reason::SimilarPhone);
    } else {
        *w -= 3.0;
        reasons.push(Reason::PhoneDiffers);
    }
}

/// Scores the names; whether first and last name are the same (nicknames
/// and swaps included).
fn names(rs: &Records, a: &Record, b: &Record, w: &mut f64, reasons: &mut Reasons) -> bool {
    let mut first = compare_name(rs, a.first, b.first, true);
    let mut last = compare_name(rs, a.last, b.last, false);
    let swapped = a.first != NONE
        && a.last != NONE
        && a.first != a.last
        && a.first == b.last
        && a.last == b.first;
    if swapped {
        first = Likeness::Same;
        last = Likeness::Same;
    }
    // Swapped with a typo (`harriet white`, `whiite harriet`): each name
    // as it compares with the other's other name.
    let differs = |l: Likeness| matches!(l, Likeness::Differs(_));
    let crossed = !swapped && (differs(first) || differs(last)) && swapped_close(rs, a, b);
    if crossed {
        first = compare_name(rs, a.first, b.last, false);
        last = compare_name(rs, a.last, b.first, false);
    }
    let swapped = swapped || crossed;
    let mut name_w = match first {
        Likeness::Missing => 0.0,
        Likeness::Same | Likeness::Nickname => 3.0,
        Likeness::Close(_) => 2.0,
        Likeness::Part | Likeness::Initial => 1.0,
        Likeness::Differs(_) => -7.0,
    };
    name_w += match last {
        Likeness::Missing => 0.0,
        Likeness::Same | Likeness::Nickname => 4.0,
        Likeness::Close(_) => 3.0,
        Likeness::Part => 2.0,
        Likeness::Initial => 0.0,
        Likeness::Differs(_) => -6.0,
    };
    // One name under two generational suffixes: a father and son, so the
    // name counts nothing (as the learned level does, a disagreement).
    let generations = a.suffix != b.suffix && name_w > 0.0 && !differs(first) && !differs(last);
    *w += if generations { 0.0 } else { name_w };
    let same = |l: Likeness| matches!(l, Likeness::Same | Likeness::Nickname);
    let same_name = same(first) && same(last) && !generations;
    let (sims, n) = match (first.similarity(), last.similarity()) {
        (None, None) => return false,
        (Some(x), None) | (None, Some(x)) => (x, 1.0),
        (Some(x), Some(y)) => (x + y, 2.0),
    };
    let both_same = |l: Likeness| matches!(l, Likeness::Same | Likeness::Missing);
    if swapped {
        reasons.push(Reason::SwappedName);
    } else if both_same(first) && both_same(last) {
        reasons.push(match (first, last) {
            (Likeness::Same, Likeness::Missing) => Reason::SameFirstName,
            (Likeness::Missing, Likeness::Same) => Reason::SameLastName,
            _ => Reason::SameName,
        });
    } else if (first == Likeness::Nickname) && both_same(last) {
        reasons.push(Reason::Nickname);
    } else {
        reasons.push(Reason::Name(sims / n));
        if first == Likeness::Nickname {
            reasons.push(Reason::Nickname);
        }
    }
    if matches!(first, Likeness::Differs(_)) {
        reasons.push(Reason::FirstNameDiffers);
    }
    if matches!(last, Likeness::Differs(_)) {
        reasons.push(Reason::LastNameDiffers);
    }
    if generations {
        reasons.push(Reason::SuffixDiffers);
    }
    same_name
}

#[cfg(test)]
mod tests;
