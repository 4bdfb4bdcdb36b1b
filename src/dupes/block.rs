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
    /// Blocks skipped as larger than `max_block`, and the contacts in them.
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

/// Hand every candidate pair `(i, j)`, `i != j`, record indices, to `f`.
/// A pair may come more than once (once per key it shares).
pub fn candidates(rs: &Records, opts: Options, f: &mut dyn FnMut(u32, u32)) -> Stats {
    let mut stats = Stats::default();
    let records = &rs.records;
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(records.len());
    let add = |keys: &mut Vec<(u64, u32)>, i: usize, key: Key| keys.push((hash(&key), i as u32));
    // Emails, their person-like local parts, phones.
    for (i, r) in records.iter().enumerate() {
        for e in r.emails.iter() {
            add(&mut keys, i, Key::Email(e));
        }
    }
    blocks(&mut keys, opts.max_block, &mut stats, f);
    for (i, r) in records.iter().enumerate() {
        for e in r.emails.iter() {
            if let Some(n) = normalize::email_name(e) {
                add(&mut keys, i, Key::EmailName(&n));
            }
        }
    }
    blocks(&mut keys, opts.max_block, &mut stats, f);
    for (i, r) in records.iter().enumerate() {
        for p in r.phones.iter() {
            add(&mut keys, i, Key::Phone(&p.national));
        }
    }
    blocks(&mut keys, opts.max_block, &mut stats, f);
    // Names with a place or a company.
    let name = |r: &Record| {
        (r.first != NONE || r.last != NONE).then(|| (rs.symbols.first_key(r.first), r.last))
    };
    for (i, r) in records.iter().enumerate() {
        if let (Some((first, last)), true) = (name(r), r.zip != NONE) {
            add(&mut keys, i, Key::NameZip(first, last, r.zip));
        }
    }
    blocks(&mut keys, opts.max_block, &mut stats, f);
    for (i, r) in records.iter().enumerate() {
        if let (Some((first, last)), true) = (name(r), r.city != NONE) {
            add(&mut keys, i, Key::NameCity(first, last, r.city));
        }
    }
    // Pairs that both have a postal code met in the blocks above (or are
    // in two places).
    let no_zip = |i: u32| records[i as usize].zip == NONE;
    blocks(&mut keys, opts.max_block, &mut stats, &mut |a, b| {
        if no_zip(a) || no_zip(b) {
            f(a, b)
        }
    });
    for (i, r) in records.iter().enumerate() {
        if let (Some((first, last)), true) = (name(r), r.company != NONE) {
            add(&mut keys, i, Key::NameCompany(first, last, r.company));
        }
    }
    blocks(&mut keys, opts.max_block, &mut stats, f);
    // Other fields, when no email, phone or name is compared (so an export
    // of custom fields still gets candidates).
    let core = rs.fields.iter().any(|f| f.kind != super::FieldKind::Text);
    for t in (0..rs.text_fields.len()).filter(|_| !core) {
        for (i, r) in records.iter().enumerate() {
            if r.texts[t] != NONE {
                add(&mut keys, i, Key::Text(t, r.texts[t]));
            }
        }
        blocks(&mut keys, opts.max_block, &mut stats, f);
    }
    drop(keys);
    sorted_neighbourhood(rs, opts.window, &mut stats, f);
    stats
}

/// [`candidates`] and the keys the other fields make (see
/// [`more_candidates`]).
pub fn all_candidates(rs: &Records, opts: Options, f: &mut dyn FnMut(u32, u32)) -> Stats {
    let mut stats = candidates(rs, opts, f);
    let more = more_candidates(rs, opts, f);
    stats.candidates += more.candidates;
    // The weaker keys' blocks over [`MORE_BLOCK`] are not counted as
    // skipped: the summary speaks of blocks over `max_block`.
    stats
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
pub fn more_candidates(rs: &Records, opts: Options, f: &mut dyn FnMut(u32, u32)) -> Stats {
    let mut stats = Stats::default();
    let records = &rs.records;
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(records.len());
    type KeyOf<'a> = &'a dyn Fn(&Record) -> Option<Key<'static>>;
    let first = |r: &Record| rs.symbols.first_key(r.first);
    let passes: [KeyOf; 10] = [
        &|r| (r.idnum != NONE).then_some(Key::IdNumber(r.idnum)),
        &|r| (r.address != NONE).then_some(Key::Address(r.address)),
        &|r| (r.dob != NONE && r.last != NONE).then_some(Key::Dob2(0, r.dob, r.last)),
        &|r| (r.dob != NONE && r.first != NONE).then_some(Key::Dob2(1, r.dob, first(r))),
        &|r| (r.dob != NONE && r.zip != NONE).then_some(Key::Dob2(2, r.dob, r.zip)),
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
        blocks(&mut keys, opts.max_block.min(MORE_BLOCK), &mut stats, f);
    }
    stats
}

/// The largest block [`more_candidates`] compares: its keys are weaker
/// (a last name and a postal code) and a large file has many large blocks
/// of them; a small cap keeps the comparisons near-linear while the typo
/// or swap such a key is there for is found in the small blocks of a file
/// with varied names.
pub const MORE_BLOCK: usize = 32;

/// Sort the keys and hand out the pairs of every block of 2 to `max`.
/// Empties `keys`.
fn blocks(keys: &mut Vec<(u64, u32)>, max: usize, stats: &mut Stats, f: &mut dyn FnMut(u32, u32)) {
    keys.sort_unstable();
    for block in keys.chunk_by(|a, b| a.0 == b.0) {
        if block.len() < 2 {
            continue;
        }
        if block.len() > max {
            stats.skipped_blocks += 1;
            stats.skipped_members += block.len();
            continue;
        }
        for (n, a) in block.iter().enumerate() {
            for b in &block[n + 1..] {
                if a.1 != b.1 {
                    stats.candidates += 1;
                    f(a.1, b.1);
                }
            }
        }
    }
    keys.clear();
}

/// The sorted-neighbourhood passes.
fn sorted_neighbourhood(
    rs: &Records,
    window: usize,
    stats: &mut Stats,
    f: &mut dyn FnMut(u32, u32),
) {
    if window < 2 {
        return;
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
    for order in orders {
        sorted.clear();
        sorted.extend(named.iter().map(|&i| order(&rs.records[i as usize], i)));
        sorted.sort_unstable();
        for (n, a) in sorted.iter().enumerate() {
            for b in sorted.iter().skip(n + 1).take(window - 1) {
                stats.candidates += 1;
                f(a[5], b[5]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dupes::record::tests::records;

    fn pairs(rs: &Records, opts: Options) -> (Vec<(u32, u32)>, Stats) {
        let mut out = Vec::new();
        let stats = candidates(rs, opts, &mut |a, b| out.push((a.min(b), a.max(b))));
        out.sort_unstable();
        out.dedup();
        (out, stats)
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
