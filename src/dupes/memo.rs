//! Remembered comparisons of two interned values.
//!
//! Candidate pairs repeat the same values over and over (a million
//! contacts have a few thousand first names, cities and job titles), and
//! comparing two strings (Jaro–Winkler, edit distance) is most of the cost
//! of comparing two contacts. So each thread keeps a small table of recent
//! results per comparison, indexed by the two symbols: a fixed size
//! (direct-mapped, a newer pair takes an older one's slot), so memory does
//! not grow with the file. The results are the same as computing them; the
//! table belongs to one [`Records`] at a time (its `uid`) and is emptied
//! when a thread moves to another.

use std::cell::RefCell;

use super::record::{Records, Sym};

/// What is remembered: one table each.
#[derive(Debug, Clone, Copy)]
pub(super) enum Memo {
    FirstName = 0,
    LastName = 1,
    JaroWinkler = 2,
    Osa = 3,
}

const KINDS: usize = 4;
/// Slots per table (a power of two).
const SLOTS: usize = 1 << 14;
const EMPTY: u64 = u64::MAX;

struct Tables {
    owner: u64,
    /// (x << 32 | y, value) per slot.
    slots: Vec<[(u64, u64); KINDS]>,
}

thread_local! {
    static TABLES: RefCell<Tables> = const { RefCell::new(Tables { owner: 0, slots: Vec::new() }) };
}

/// `f()`, the result for symbols `x` and `y` of `rs` under `kind`, as
/// remembered when it was computed before on this thread.
pub(super) fn memo(rs: &Records, kind: Memo, x: Sym, y: Sym, f: impl FnOnce() -> u64) -> u64 {
    let key = (x as u64) << 32 | y as u64;
    let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS.trailing_zeros())) as usize;
    let found = TABLES.with(|t| {
        let mut t = t.borrow_mut();
        if t.owner != rs.uid || t.slots.is_empty() {
            t.owner = rs.uid;
            t.slots.clear();
            t.slots.resize(SLOTS, [(EMPTY, 0); KINDS]);
        }
        let (k, v) = t.slots[slot][kind as usize];
        (k == key).then_some(v)
    });
    if let Some(v) = found {
        return v;
    }
    let v = f();
    TABLES.with(|t| t.borrow_mut().slots[slot][kind as usize] = (key, v));
    v
}

/// Jaro–Winkler of two symbols' texts, remembered.
pub(super) fn jaro_winkler(rs: &Records, x: Sym, y: Sym) -> f64 {
    f64::from_bits(memo(rs, Memo::JaroWinkler, x, y, || {
        strsim::jaro_winkler(rs.symbols.str(x), rs.symbols.str(y)).to_bits()
    }))
}

/// The optimal string alignment distance of two symbols' texts,
/// remembered.
pub(super) fn osa(rs: &Records, x: Sym, y: Sym) -> usize {
    memo(rs, Memo::Osa, x, y, || {
        strsim::osa_distance(rs.symbols.str(x), rs.symbols.str(y)) as u64
    }) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dupes::record::tests::records;

    #[test]
    fn remembered_results_are_the_computed_ones() {
        let rs = records(&[&[("lastname", "Johnson")], &[("lastname", "Jonhson")]]);
        let (a, b) = (&rs.records[0], &rs.records[1]);
        let direct = strsim::jaro_winkler("johnson", "jonhson");
        for _ in 0..3 {
            assert_eq!(jaro_winkler(&rs, a.last, b.last), direct);
            assert_eq!(osa(&rs, a.last, b.last), 1);
        }
        // Another file's symbols: the table starts afresh.
        let other = records(&[&[("lastname", "Zed")], &[("lastname", "Zoe")]]);
        let (c, d) = (&other.records[0], &other.records[1]);
        assert_eq!((c.last, d.last), (a.last, b.last), "the same symbols");
        assert_eq!(
            osa(&other, c.last, d.last),
            strsim::osa_distance("zed", "zoe")
        );
        // A computation is asked for only when the pair is new.
        let mut calls = 0;
        for _ in 0..3 {
            memo(&other, Memo::Osa, 90, 91, || {
                calls += 1;
                7
            });
        }
        assert_eq!(calls, 1);
    }
}
