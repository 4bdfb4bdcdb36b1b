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
                "the same two numbers",
                "same",
                "one shared, each has another",
                "one shared, each has another, at one address",
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
                "alike, generational suffix differs",
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
            Comp::Phone => &[0.30, 0.42, 0.03, 0.005, 0.05, 0.20],
            Comp::Name => &[0.70, 0.08, 0.10, 0.03, 0.03, 0.02, 0.02, 0.01, 0.001, 0.01],
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
        // Two numbers the same and one the same are both agreements of
        // their own; the lesser ones are capped at one number's.
        Comp::Phone => (l > 2).then_some(2),
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
/// the same organisation), a first or last name that differs, one name
/// with another generational suffix (`Jr.` beside none or `Sr.`: a father
/// and son), another place, and every comparison's last level.
pub(super) fn disagrees(c: Comp, l: usize) -> bool {
    let last = c.levels().len() - 1;
    l == last
        || match c {
            Comp::Email => l == 4 || l == 5,
            Comp::Name => matches!(l, 6 | 7 | NAME_SUFFIX_DIFFERS),
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
/// handle of its own (`cedwards77`, `cool.carol`). With `near`, the name
/// may carry one typo the mailbox does not (`christelle.meunier@` beside a
/// `Christelele Meunier`): the local part repeats the name as it was meant
/// all the same.
pub(super) fn name_made(rs: &Records, local: &str, r: &Record, near: bool) -> bool {
    let local = local.split('+').next().unwrap_or(local);
    if local.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let only = |s: &str| -> String { s.chars().filter(|c| c.is_alphabetic()).collect() };
    let (l, first) = (only(local), only(rs.symbols.str(r.first)));
    let last_parts = rs.symbols.str(r.last);
    // A name in another script (`伟 李`) says nothing of which Latin
    // letters its owner's mailbox is made of: a mailbox of letters only
    // may be made of it (`wei.li@`), and so repeats it as much as an
    // ASCII name's would.
    let latin = |s: &str| s.chars().any(|c| c.is_ascii_alphabetic());
    let named = !(first.is_empty() && last_parts.is_empty());
    if named && !latin(&first) && !latin(last_parts) {
        return l.len() >= 3 && l.chars().all(|c| c.is_ascii_alphabetic());
    }
    let mut lasts: Vec<String> = vec![only(last_parts)];
    lasts.extend(last_parts.split([' ', '-']).map(only));
    // `ü` is folded to `u` in names, and written `ue` in mailboxes
    // (`juergen.koehler@` of Jürgen Köhler).
    let spellings = [l.clone(), umlauts_folded(&l)];
    let made = |l: &str, last: &str| {
        made_of(l, &first, last)
            || initial_made(l, &first, last)
            || (near && made_of_near(l, &first, last))
    };
    lasts
        .iter()
        .filter(|x| x.len() >= 2)
        .any(|last| spellings.iter().any(|l| made(l, last)))
}

/// A mailbox's `ae`, `oe`, `ue` as the names' folded `ä`, `ö`, `ü` are.
fn umlauts_folded(l: &str) -> String {
    l.replace("ae", "a").replace("oe", "o").replace("ue", "u")
}

/// A first name given as its initial (`A. Sharma`) and a mailbox made of
/// the whole first name it stands for and the last name
/// (`arjun.sharma@`): made of the name all the same.
fn initial_made(l: &str, first: &str, last: &str) -> bool {
    first.chars().count() == 1
        && l.len() > last.len() + 1
        && l.ends_with(last)
        && l.starts_with(first)
}

/// [`name_made`] for one spelling of the last name, letters only.
fn made_of(l: &str, first: &str, last: &str) -> bool {
    if let Some(pos) = l.find(last) {
        let rest = format!("{}{}", &l[..pos], &l[pos + last.len()..]);
        if rest.is_empty() || (!first.is_empty() && first.starts_with(&rest)) {
            return true;
        }
    }
    !first.is_empty()
        && l.len() > first.len()
        && l.starts_with(first)
        && last.starts_with(&l[first.len()..])
}

/// [`made_of`] with one edit in the first or the last name (of four
/// letters or more, [`one_edit`]): the last name one edit off, alone or
/// with the first name or its initial before or after it; or the first
/// name one edit off, with the last name or a start of it.
fn made_of_near(l: &str, first: &str, last: &str) -> bool {
    let cuts = || l.char_indices().map(|(i, _)| i).skip(1);
    let initial = first.chars().next().map(String::from).unwrap_or_default();
    let with = |x: &str, p: &str| {
        (p.is_empty() && one_edit(x, last))
            || (!p.is_empty() && {
                let (head, tail) = (x.strip_prefix(p), x.strip_suffix(p));
                head.is_some_and(|h| one_edit(h, last)) || tail.is_some_and(|t| one_edit(t, last))
            })
    };
    if [String::new(), initial, first.to_string()]
        .iter()
        .any(|p| with(l, p))
    {
        return true;
    }
    !first.is_empty()
        && cuts().any(|k| {
            let (head, tail) = l.split_at(k);
            (one_edit(head, first) && (tail == last || last.starts_with(tail)))
                || (one_edit(tail, first) && head == last)
        })
}

/// Whether the two share an email (the email level is then the same or
/// the same role mailbox, 1 or 3, and no other).
pub(super) fn email_shared(rs: &Records, a: &Record, b: &Record) -> bool {
    rs.has_emails(a) && rs.has_emails(b) && rs.emails(a).any(|e| rs.emails(b).any(|f| f.same(&e)))
}

/// The email level when the emails' numbers alone tell it: missing (0),
/// or different (7) when no two of the emails share a domain or a
/// person-like name (their hashes), which every other level needs;
/// `None` when only their text can tell.
pub(super) fn email_known(rs: &Records, a: &Record, b: &Record) -> Option<u8> {
    if !rs.has_emails(a) || !rs.has_emails(b) {
        return Some(0);
    }
    let near = |x: &Email| {
        rs.emails(b)
            .any(|y| x.domain_sym == y.domain_sym || x.may_share_name(&y))
    };
    (!rs.emails(a).any(|x| near(&x))).then_some(7)
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
    // repeats the name comparison just the same. At another domain, the
    // one local part may be made of a name both contacts mistype
    // (`near`); at one domain, two local parts one edit apart may be one
    // mailbox mistyped (`billy_moragn@` beside `billy_morgan@`), which is
    // evidence, so there both must be made of a name as it is spelt.
    let made =
        |local: &str, near: bool| name_made(rs, local, a, near) || name_made(rs, local, b, near);
    for x in ea {
        for y in eb.clone() {
            if x.domain_sym == y.domain_sym {
                let (lx, ly, dx) = (x.local(), y.local(), x.domain());
                if one_edit(lx, ly) && digits_agree(lx, ly) {
                    if made(lx, false) && made(ly, false) {
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
                if made(x.local(), true) || made(y.local(), true) {
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
        // Two numbers of one side on the other (a landline and a mobile):
        // one person's, as a family shares a landline but seldom a mobile.
        let shared = pa
            .clone()
            .enumerate()
            .filter(|(i, x)| {
                pb.clone().any(|y| x.same(&y)) && !pa.clone().take(*i).any(|w| w.same(x))
            })
            .count();
        // A landline a family shares beside each one's own mobile: one
        // number the same, and on each side a number the other lacks
        // (level 4 instead when the two give one address: see
        // [`PHONE_SHARED_AT_ONE_ADDRESS`]).
        let a_own = pa.clone().any(|x| !pb.clone().any(|y| x.same(&y)));
        let b_own = pb.clone().any(|y| !pa.clone().any(|x| x.same(&y)));
        if shared >= 2 {
            1
        } else if a_own && b_own {
            3
        } else {
            2
        }
    } else if any(&|x, y| x.similar(y)) {
        5
    } else {
        6
    }
}

/// The phone level "one shared, each has another" (3) becomes this one
/// when the place is the same or a close address. Phone and place are
/// not independent: one person who moves changes address and landline
/// together, so among one person's records a shared number beside a
/// number of each one's own comes almost only with a move, while at one
/// address it is a family's landline beside each one's mobile. Counted as
/// one level, M learned its chance from the movers and gave it to the
/// housemates (a father and son of one name at one home scored +13.9 bits
/// for it); as two, M and the household class learn each from the pairs
/// that show it.
pub(super) const PHONE_SHARED_AT_ONE_ADDRESS: u8 = 4;

/// [`PHONE_SHARED_AT_ONE_ADDRESS`] applied to a pattern `p` whose phone
/// and place comparisons are `phone` and `place`.
fn phone_with_place(p: u64, phone: Option<usize>, place: Option<usize>) -> u64 {
    let (Some(ph), Some(pl)) = (phone, place) else {
        return p;
    };
    if level(p, ph) != 3 || !matches!(level(p, pl), 1 | 2) {
        return p;
    }
    let shift = BITS * ph as u32;
    (p & !(((1u64 << BITS) - 1) << shift)) | ((PHONE_SHARED_AT_ONE_ADDRESS as u64) << shift)
}

/// The name level of one name (the same, a nickname, swapped, close, or
/// one part the same and the other weak or missing) whose generational
/// suffixes differ: `John Smith` and `John Smith Jr.`, `John Jr.`.
pub(super) const NAME_SUFFIX_DIFFERS: usize = 9;

/// The name level, with one name under two generational suffixes apart
/// ([`NAME_SUFFIX_DIFFERS`]).
fn name_level(rs: &Records, a: &Record, b: &Record) -> u8 {
    let level = name_level_without_suffix(rs, a, b);
    if (1..=5).contains(&level) && a.suffix != b.suffix {
        NAME_SUFFIX_DIFFERS as u8
    } else {
        level
    }
}

fn name_level_without_suffix(rs: &Records, a: &Record, b: &Record) -> u8 {
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
                10
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
    let (mut phone, mut place) = (None, None);
    for (n, c) in comps.iter().enumerate() {
        match c {
            Comp::Phone => phone = Some(n),
            Comp::Place => place = Some(n),
            _ => {}
        }
        p |= (level_of(rs, *c, a, b) as u64) << (BITS * n as u32);
    }
    phone_with_place(p, phone, place)
}

/// The level of one comparison for a pair, before
/// [`PHONE_SHARED_AT_ONE_ADDRESS`] (see [`phone_level_at`]).
pub(super) fn level_of(rs: &Records, c: Comp, a: &Record, b: &Record) -> u8 {
    match c {
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
            let (x, y) = (rs.texts(a)[i as usize], rs.texts(b)[i as usize]);
            simple(x, y, || close_text(rs, x, y))
        }
    }
}

/// The phone level of a pattern whose phone comparison gave `phone` and
/// whose place comparison gave `place`: [`phone_with_place`] for one
/// pair.
pub(super) fn phone_level_at(phone: u8, place: u8) -> u8 {
    if phone == 3 && matches!(place, 1 | 2) {
        PHONE_SHARED_AT_ONE_ADDRESS
    } else {
        phone
    }
}

/// The level of comparison `n` in a pattern.
pub fn level(p: u64, n: usize) -> usize {
    ((p >> (BITS * n as u32)) & ((1 << BITS) - 1)) as usize
}

#[cfg(test)]
mod tests;
