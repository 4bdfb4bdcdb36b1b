//! Blocking: which pairs are worth comparing, so the work grows with the
//! number of contacts and not with its square.
//!
//! Two contacts are compared when they share a key:
//!
//! - a normalised email (primary or additional);
//! - the person-like local part of an email at any domain (`jane.doe@`,
//!   `janedoe@`: see [`normalize::email_name`]);
//! - a phone's national number;
//! - first name (nicknames as their full name) and last name, with the
//!   postal code, with the city, or with the company;
//! - when no email, phone or name is compared, the value of any other
//!   compared field;
//!
//! or when they stand within [`Options::window`] of each other in one of
//! three sorted orders (the sorted-neighbourhood method, which catches
//! typos that change every key above): by place, company, first and last
//! name; by place, company, last and first name; by last and first name.
//!
//! A block (contacts sharing a key) larger than [`Options::max_block`] is
//! skipped, not compared pair by pair: a key that many contacts share
//! (`info@`, a switchboard number, "John Smith" in one city) says little,
//! and comparing all its pairs would make the work quadratic. Its contacts
//! still meet through their other keys and the sorted orders.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use super::normalize;
use super::record::{Record, Records, Sym, NONE};

/// Blocking limits.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Blocks with more contacts than this are skipped.
    pub max_block: usize,
    /// Sorted-neighbourhood window: each contact is compared with the next
    /// `window - 1` in each sorted order.
    pub window: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_block: 200,
            window: 6,
        }
    }
}

/// What blocking did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Candidate pairs handed out (a pair sharing several keys counts once
    /// per key).
    pub candidates: u64,
    /// Blocks skipped as larger than `max_block`, and the contacts in them
    /// (each counted once, however many such blocks it is in).
    pub skipped_blocks: usize,
    pub skipped_members: usize,
}

#[derive(Hash)]
enum Key<'a> {
    Email(&'a str),
    EmailName(&'a str),
    Phone(&'a str),
    NameZip(Sym, Sym, Sym),
    NameCity(Sym, Sym, Sym),
    NameCompany(Sym, Sym, Sym),
    Text(usize, Sym),
    IdNumber(Sym),
    Dob2(u8, Sym, Sym),
    Address(Sym),
    /// First and last name in either order, anywhere.
    FullName(Sym, Sym),
    InitialLast(char, Sym),
    NamePart(u8, Sym, Sym),
}

fn hash(key: &Key) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

/// Each contact's emails as keys: `key_of` gives an email's key, hashed,
/// or none.
fn email_keys(rs: &Records, keys: &mut Vec<(u64, u32)>, key_of: impl Fn(&str) -> Option<u64>) {
    let mut text = String::new();
    for (i, r) in rs.records.iter().enumerate() {
        for e in rs.emails(r) {
            text.clear();
            text.push_str(e.local());
            text.push('@');
            text.push_str(e.domain());
            if let Some(h) = key_of(&text) {
                keys.push((h, i as u32));
            }
        }
    }
}

/// The blocks of the keys above and the sorted orders, into `out`; the
/// stats count the blocks skipped.
fn candidates(rs: &Records, opts: Options, out: &mut Blocks) {
    let records = &rs.records;
    let f = &mut out.list;
    let mut skips = Skips {
        stats: &mut out.stats,
        counted: vec![false; records.len()],
    };
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(records.len());
    let add = |keys: &mut Vec<(u64, u32)>, i: usize, key: Key| keys.push((hash(&key), i as u32));
    // Emails, their person-like local parts, phones.
    email_keys(rs, &mut keys, |e| Some(hash(&Key::Email(e))));
    blocks(&mut keys, opts.max_block, Some(&mut skips), f);
    email_keys(rs, &mut keys, |e| {
        normalize::email_name(e).map(|n| hash(&Key::EmailName(&n)))
    });
    blocks(&mut keys, opts.max_block, Some(&mut skips), f);
    for (i, r) in records.iter().enumerate() {
        for p in rs.phones(r) {
            add(&mut keys, i, Key::Phone(p.national()));
        }
    }
    blocks(&mut keys, opts.max_block, Some(&mut skips), f);
    // Names with a place or a company.
    let name = |r: &Record| {
        (r.first != NONE || r.last != NONE).then(|| (rs.symbols.first_key(r.first), r.last))
    };
    for (i, r) in records.iter().enumerate() {
        if let (Some((first, last)), true) = (name(r), r.zip != NONE) {
            add(&mut keys, i, Key::NameZip(first, last, r.zip));
        }
    }
    blocks(&mut keys, opts.max_block, Some(&mut skips), f);
    for (i, r) in records.iter().enumerate() {
        if let (Some((first, last)), true) = (name(r), r.city != NONE) {
            add(&mut keys, i, Key::NameCity(first, last, r.city));
        }
    }
    // Pairs that both have a postal code met in the blocks above (or are
    // in two places): these blocks are marked, their pairs need a contact
    // without one.
    let from = f.len();
    blocks(&mut keys, opts.max_block, Some(&mut skips), f);
    out.no_zip_blocks = from..f.len();
    for (i, r) in records.iter().enumerate() {
        if let (Some((first, last)), true) = (name(r), r.company != NONE) {
            add(&mut keys, i, Key::NameCompany(first, last, r.company));
        }
    }
    blocks(&mut keys, opts.max_block, Some(&mut skips), f);
    // Other fields, when no email, phone or name is compared (so an export
    // of custom fields still gets candidates).
    let core = rs.fields.iter().any(|f| f.kind != super::FieldKind::Text);
    for t in (0..rs.text_fields.len()).filter(|_| !core) {
        for (i, r) in records.iter().enumerate() {
            let x = rs.texts(r)[t];
            if x != NONE {
                add(&mut keys, i, Key::Text(t, x));
            }
        }
        blocks(&mut keys, opts.max_block, Some(&mut skips), f);
    }
    drop(keys);
    out.orders = sorted_orders(rs, opts.window);
    out.window = opts.window;
}

/// The blocks of every key ([`candidates`] and [`more_candidates`]) and
/// the sorted orders: what makes the candidate pairs, held as lists of
/// contacts rather than pairs (see [`super::pairs`]).
pub fn all_blocks(rs: &Records, opts: Options) -> Blocks {
    let mut out = Blocks::default();
    candidates(rs, opts, &mut out);
    // The weaker keys' blocks over [`MORE_BLOCK`] are not counted as
    // skipped: the summary speaks of blocks over `max_block`.
    more_candidates(rs, opts, &mut out.list);
    out
}

/// Blocks: each a sorted list of two or more contacts (record indices),
/// every two of which make a candidate pair.
#[derive(Debug, Default)]
pub struct BlockList {
    /// The members of every block, block after block.
    pub members: Vec<u32>,
    /// Where each block starts in `members`, and a last entry: its end.
    pub starts: Vec<u32>,
}

impl BlockList {
    /// The number of blocks.
    pub fn len(&self) -> u32 {
        self.starts.len().saturating_sub(1) as u32
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The members of block `b`.
    pub fn block(&self, b: u32) -> &[u32] {
        &self.members[self.starts[b as usize] as usize..self.starts[b as usize + 1] as usize]
    }

    /// Add a block (record indices sorted); a block of fewer than two
    /// distinct contacts is left out.
    fn push(&mut self, sorted: impl Iterator<Item = u32>) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        let from = self.members.len();
        for i in sorted {
            if self.members.len() == from || self.members[self.members.len() - 1] != i {
                self.members.push(i);
            }
        }
        if self.members.len() - from < 2 {
            self.members.truncate(from);
        } else {
            self.starts.push(self.members.len() as u32);
        }
    }
}

/// A sorted order of the named contacts: each is compared with its
/// neighbours less than the window apart.
#[derive(Debug, Default)]
pub struct SortedOrder {
    /// Record indices in sorted order.
    pub order: Vec<u32>,
    /// Each record's position in `order` (`u32::MAX`: not in it).
    pub position: Vec<u32>,
}

/// Everything blocking made.
#[derive(Debug, Default)]
pub struct Blocks {
    pub list: BlockList,
    /// Blocks whose pairs count only when one of the two has no postal
    /// code (name with city: two with a postal code met by name and
    /// postal code).
    pub no_zip_blocks: std::ops::Range<u32>,
    /// The sorted-neighbourhood orders, and the window.
    pub orders: Vec<SortedOrder>,
    pub window: usize,
    /// Blocks skipped as too big (`candidates` left 0: see
    /// [`super::pairs`]).
    pub stats: Stats,
}

impl Blocks {
    /// Hand every candidate pair `(i, j)`, `i < j`, to `f`; a pair may
    /// come more than once (once per block or order it shares). For tests
    /// and small files: [`super::pairs::Candidates`] hands out each once.
    pub fn for_each_pair(&self, rs: &Records, f: &mut dyn FnMut(u32, u32)) {
        for b in 0..self.list.len() {
            let members = self.list.block(b);
            let zip_rule = self.no_zip_blocks.contains(&b);
            let no_zip = |i: u32| rs.records[i as usize].zip == NONE;
            for (n, &a) in members.iter().enumerate() {
                for &c in &members[n + 1..] {
                    if !zip_rule || no_zip(a) || no_zip(c) {
                        f(a, c);
                    }
                }
            }
        }
        for o in &self.orders {
            for (n, &a) in o.order.iter().enumerate() {
                for &c in o.order.iter().skip(n + 1).take(self.window - 1) {
                    f(a.min(c), a.max(c));
                }
            }
        }
    }
}

/// Keys beyond email, phone and name with place, built from whatever
/// fields the file has:
///
/// - an id number;
/// - the street address (folded);
/// - the date of birth with the last name, with the first name, with the
///   postal code;
/// - first and last name in either order (swapped names, people who
///   moved);
/// - the first initial and the last name;
/// - the last name with the postal code, the first name with the postal
///   code, the last name with the city (a typo in the other name).
///
/// Blocks of more than [`MORE_BLOCK`] contacts are skipped.
fn more_candidates(rs: &Records, opts: Options, f: &mut BlockList) {
    let records = &rs.records;
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(records.len());
    type KeyOf<'a> = &'a dyn Fn(&Record) -> Option<Key<'static>>;
    let first = |r: &Record| rs.symbols.first_key(r.first);
    let passes: [KeyOf; 10] = [
        &|r| (rs.idnum(r) != NONE).then_some(Key::IdNumber(rs.idnum(r))),
        &|r| (rs.address(r) != NONE).then_some(Key::Address(rs.address(r))),
        &|r| (rs.dob(r) != NONE && r.last != NONE).then_some(Key::Dob2(0, rs.dob(r), r.last)),
        &|r| (rs.dob(r) != NONE && r.first != NONE).then_some(Key::Dob2(1, rs.dob(r), first(r))),
        &|r| (rs.dob(r) != NONE && r.zip != NONE).then_some(Key::Dob2(2, rs.dob(r), r.zip)),
        &|r| {
            (r.first != NONE && r.last != NONE).then(|| {
                let (x, y) = (first(r), r.last);
                Key::FullName(x.min(y), x.max(y))
            })
        },
        &|r| {
            let c = rs.symbols.str(r.first).chars().next()?;
            (r.last != NONE).then_some(Key::InitialLast(c, r.last))
        },
        &|r| (r.last != NONE && r.zip != NONE).then_some(Key::NamePart(0, r.last, r.zip)),
        &|r| (r.first != NONE && r.zip != NONE).then_some(Key::NamePart(1, first(r), r.zip)),
        &|r| (r.last != NONE && r.city != NONE).then_some(Key::NamePart(2, r.last, r.city)),
    ];
    for key_of in passes {
        for (i, r) in records.iter().enumerate() {
            if let Some(k) = key_of(r) {
                keys.push((hash(&k), i as u32));
            }
        }
        blocks(&mut keys, opts.max_block.min(MORE_BLOCK), None, f);
    }
}

/// The largest block [`more_candidates`] compares: its keys are weaker
/// (a last name and a postal code) and a large file has many large blocks
/// of them; a small cap keeps the comparisons near-linear while the typo
/// or swap such a key is there for is found in the small blocks of a file
/// with varied names.
pub const MORE_BLOCK: usize = 32;

/// The blocks skipped as too large: counted in `stats`, with the contacts
/// in them, each once however many such blocks it is in (`counted`).
struct Skips<'a> {
    stats: &'a mut Stats,
    counted: Vec<bool>,
}

/// Sort the keys and keep every block of 2 to `max` contacts; count the
/// larger ones in `skips`. Empties `keys`.
fn blocks(
    keys: &mut Vec<(u64, u32)>,
    max: usize,
    mut skips: Option<&mut Skips>,
    out: &mut BlockList,
) {
    keys.sort_unstable();
    for block in keys.chunk_by(|a, b| a.0 == b.0) {
        if block.len() < 2 {
            continue;
        }
        if block.len() > max {
            if let Some(Skips { stats, counted }) = skips.as_deref_mut() {
                stats.skipped_blocks += 1;
                for &(_, i) in block {
                    if !std::mem::replace(&mut counted[i as usize], true) {
                        stats.skipped_members += 1;
                    }
                }
            }
            continue;
        }
        out.push(block.iter().map(|k| k.1));
    }
    keys.clear();
}

/// The sorted-neighbourhood orders (none when `window` is under 2).
fn sorted_orders(rs: &Records, window: usize) -> Vec<SortedOrder> {
    if window < 2 {
        return Vec::new();
    }
    let rank = rs.symbols.ranks();
    let r = |s: Sym| rank[s as usize];
    // Place: the postal code, else the city, kept apart by a leading tag.
    let place = |rec: &Record| {
        if rec.zip != NONE {
            (0, r(rec.zip))
        } else if rec.city != NONE {
            (1, r(rec.city))
        } else {
            (2, 0)
        }
    };
    type SortKey = [u32; 6];
    type Order<'a> = &'a dyn Fn(&Record, u32) -> SortKey;
    let orders: [Order; 3] = [
        &|rec, i| {
            let (t, p) = place(rec);
            [
                t,
                p,
                r(rec.company),
                r(rs.symbols.first_key(rec.first)),
                r(rec.last),
                i,
            ]
        },
        &|rec, i| {
            let (t, p) = place(rec);
            [
                t,
                p,
                r(rec.company),
                r(rec.last),
                r(rs.symbols.first_key(rec.first)),
                i,
            ]
        },
        &|rec, i| [r(rec.last), r(rs.symbols.first_key(rec.first)), 0, 0, 0, i],
    ];
    let named: Vec<u32> = rs
        .records
        .iter()
        .enumerate()
        .filter(|(_, rec)| rec.first != NONE || rec.last != NONE)
        .map(|(i, _)| i as u32)
        .collect();
    let mut sorted: Vec<SortKey> = Vec::with_capacity(named.len());
    let mut out = Vec::new();
    for order in orders {
        sorted.clear();
        sorted.extend(named.iter().map(|&i| order(&rs.records[i as usize], i)));
        sorted.sort_unstable();
        let order: Vec<u32> = sorted.iter().map(|k| k[5]).collect();
        let mut position = vec![u32::MAX; rs.len()];
        for (n, &i) in order.iter().enumerate() {
            position[i as usize] = n as u32;
        }
        out.push(SortedOrder { order, position });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dupes::record::tests::records;

    fn pairs(rs: &Records, opts: Options) -> (Vec<(u32, u32)>, Stats) {
        let mut out = Vec::new();
        let mut blocks = Blocks::default();
        candidates(rs, opts, &mut blocks);
        blocks.for_each_pair(rs, &mut |a, b| out.push((a, b)));
        out.sort_unstable();
        out.dedup();
        (out, blocks.stats)
    }

    const NO_WINDOW: Options = Options {
        max_block: 200,
        window: 0,
    };

    #[test]
    fn shared_keys_make_candidates() {
        let rs = records(&[
            &[("email", "jane@acme.com")],
            &[
                ("email", "other@x.com"),
                ("hs_additional_emails", "JANE@acme.com"),
            ],
            &[("phone", "+1 617 555 0101")],
            &[("phone", "(617) 555-0101")],
            &[
                ("firstname", "Bob"),
                ("lastname", "Smith"),
                ("company", "Globex"),
            ],
            &[
                ("firstname", "Robert"),
                ("lastname", "Smith"),
                ("company", "Globex Ltd"),
            ],
            &[
                ("firstname", "Robert"),
                ("lastname", "Smith"),
                ("zip", "02110"),
            ],
            &[("email", "jane.doe@acme.com")],
            &[("email", "janedoe@gmail.com")],
        ]);
        let (p, _) = pairs(&rs, NO_WINDOW);
        assert_eq!(p, [(0, 1), (2, 3), (4, 5), (7, 8)]);
    }

    #[test]
    fn big_blocks_are_skipped() {
        let many: Vec<[(&str, &str); 1]> = (0..5).map(|_| [("email", "info@acme.com")]).collect();
        let refs: Vec<&[(&str, &str)]> = many.iter().map(|c| &c[..]).collect();
        let rs = records(&refs);
        let (p, stats) = pairs(
            &rs,
            Options {
                max_block: 4,
                window: 0,
            },
        );
        assert!(p.is_empty());
        assert_eq!((stats.skipped_blocks, stats.skipped_members), (1, 5));
        let (p, _) = pairs(
            &rs,
            Options {
                max_block: 5,
                window: 0,
            },
        );
        assert_eq!(p.len(), 10);
    }

    #[test]
    fn the_window_catches_typos() {
        let rs = records(&[
            &[
                ("firstname", "Jane"),
                ("lastname", "Johnson"),
                ("zip", "02110"),
            ],
            &[
                ("firstname", "Jane"),
                ("lastname", "Jonhson"),
                ("zip", "02110"),
            ],
            &[("firstname", "Zed"), ("lastname", "Zulu"), ("zip", "99999")],
        ]);
        assert!(pairs(&rs, NO_WINDOW).0.is_empty());
        let (p, _) = pairs(
            &rs,
            Options {
                max_block: 200,
                window: 2,
            },
        );
        assert!(p.contains(&(0, 1)), "{p:?}");
    }
}
