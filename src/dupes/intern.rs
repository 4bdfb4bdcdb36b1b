//! Strings kept without a pointer and an allocation each: [`Texts`], many
//! strings end to end in one, each by number; [`Interner`], the same with
//! each distinct string stored once (the symbols of [`super::record`]).

use std::collections::HashMap;

/// Texts stored end to end in one string, each by its number (the order
/// it was stored in): no allocation and no pointer per text.
#[derive(Debug, Default)]
pub struct Texts {
    text: String,
    /// Where each text ends in `text` (it starts where the one before
    /// ends).
    ends: Vec<u32>,
}

impl Texts {
    /// Store `s`; its number.
    #[inline]
    pub fn push(&mut self, s: &str) -> u32 {
        self.text.push_str(s);
        let end = u32::try_from(self.text.len()).expect("under 4 GiB of distinct text");
        self.ends.push(end);
        (self.ends.len() - 1) as u32
    }

    #[inline]
    pub fn get(&self, n: u32) -> &str {
        let n = n as usize;
        let from = if n == 0 { 0 } else { self.ends[n - 1] as usize };
        &self.text[from..self.ends[n] as usize]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Make room for `n` texts as long on average as those held.
    pub fn reserve_like(&mut self, n: usize) {
        let held = self.ends.len().max(1);
        self.ends.reserve_exact(n.saturating_sub(self.ends.len()));
        let bytes = (self.text.len() as u128 * n as u128 / held as u128) as usize;
        self.text
            .reserve_exact(bytes.saturating_sub(self.text.len()));
    }
}

/// Texts stored once each ([`Texts`]), found again by a hash map from the
/// text's hash to its number; two texts with one hash (rare) are told
/// apart by a second map that holds the later ones' text.
#[derive(Debug)]
pub struct Interner {
    texts: Texts,
    by_hash: HashMap<u64, u32, rustc_hash::FxBuildHasher>,
    collided: HashMap<Box<str>, u32>,
}

impl Default for Interner {
    /// An interner whose number 0 is the empty text.
    fn default() -> Self {
        let mut i = Interner {
            texts: Texts::default(),
            by_hash: HashMap::default(),
            collided: HashMap::new(),
        };
        i.intern("");
        i
    }
}

impl Interner {
    /// The number of `s`, stored first if new.
    pub fn intern(&mut self, s: &str) -> u32 {
        use std::collections::hash_map::Entry;
        use std::hash::BuildHasher;
        let h = rustc_hash::FxBuildHasher.hash_one(s);
        match self.by_hash.entry(h) {
            Entry::Vacant(e) => *e.insert(self.texts.push(s)),
            Entry::Occupied(e) => {
                let n = *e.get();
                if self.texts.get(n) == s {
                    n
                } else if let Some(&n) = self.collided.get(s) {
                    n
                } else {
                    let n = self.texts.push(s);
                    self.collided.insert(s.into(), n);
                    n
                }
            }
        }
    }

    pub fn get(&self, n: u32) -> &str {
        self.texts.get(n)
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}
