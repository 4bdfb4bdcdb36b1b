//! A union of texts without repeats, for the rules that join lists (emails,
//! merged ids, legal bases, associations). Most lists hold a few values:
//! those are searched in place, with no set built and, case-insensitively,
//! no lower-cased copies made for ASCII text. A list that grows past
//! [`FEW`] values goes through a hash set, so that a contact with tens of
//! thousands of values (merged ids after thousands of merges) still merges
//! in linear time.

use std::borrow::Cow;

use foldhash::HashSet;

/// Up to how many values a union searches its list in place.
pub(crate) const FEW: usize = 16;

/// The values kept so far, in order (the first of each value stays).
pub(crate) struct Union<'a> {
    kept: Vec<&'a str>,
    /// A value that is never kept (and whose repeats are not either).
    barred: Option<&'a str>,
    /// Compare by `str::to_lowercase` (as if every value were lower-cased).
    caseless: bool,
    /// The keys of `barred` and `kept`, once `kept` holds [`FEW`].
    set: HashSet<Cow<'a, str>>,
}

impl<'a> Union<'a> {
    /// An empty union, with room for `room` values; `caseless`: values
    /// that differ only in case are one.
    pub(crate) fn new(caseless: bool, room: usize) -> Self {
        Union {
            kept: Vec::with_capacity(room),
            barred: None,
            caseless,
            set: HashSet::default(),
        }
    }

    /// The same union, never keeping `value` (nor a repeat of it).
    pub(crate) fn barring(mut self, value: Option<&'a str>) -> Self {
        self.barred = value;
        self
    }

    /// Keep `value` unless it is a repeat; whether it was kept.
    pub(crate) fn insert(&mut self, value: &'a str) -> bool {
        if self.set.is_empty() && self.kept.len() < FEW {
            let repeat = |v: &&str| self.same(v, value);
            if self.barred.iter().any(repeat) || self.kept.iter().any(repeat) {
                return false;
            }
        } else {
            if self.set.is_empty() {
                let keys: Vec<_> = self.barred.iter().chain(&self.kept).copied().collect();
                self.set = keys.into_iter().map(|v| self.key(v)).collect();
            }
            if !self.set.insert(self.key(value)) {
                return false;
            }
        }
        self.kept.push(value);
        true
    }

    /// The values kept, in order.
    pub(crate) fn kept(&self) -> &[&'a str] {
        &self.kept
    }

    pub(crate) fn into_kept(self) -> Vec<&'a str> {
        self.kept
    }

    fn key(&self, v: &'a str) -> Cow<'a, str> {
        if self.caseless {
            Cow::Owned(v.to_lowercase())
        } else {
            Cow::Borrowed(v)
        }
    }

    /// Whether two values are one: equal, or with `caseless` equal once
    /// lower-cased (for ASCII text, equal but for ASCII case; other text
    /// is lower-cased, as a non-ASCII letter can lower-case to an ASCII
    /// one).
    fn same(&self, a: &str, b: &str) -> bool {
        if !self.caseless {
            a == b
        } else if a.is_ascii() && b.is_ascii() {
            a.eq_ignore_ascii_case(b)
        } else {
            a.to_lowercase() == b.to_lowercase()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn union<'a>(caseless: bool, barred: Option<&'a str>, values: &[&'a str]) -> Vec<&'a str> {
        let mut u = Union::new(caseless, 0).barring(barred);
        for v in values {
            u.insert(v);
        }
        u.into_kept()
    }

    /// What a set of the values (lower-cased when caseless) keeps.
    fn by_set<'a>(caseless: bool, barred: Option<&'a str>, values: &[&'a str]) -> Vec<&'a str> {
        let key = |v: &str| {
            if caseless {
                v.to_lowercase()
            } else {
                v.to_string()
            }
        };
        let mut seen: std::collections::HashSet<String> = barred.map(key).into_iter().collect();
        values
            .iter()
            .copied()
            .filter(|v| seen.insert(key(v)))
            .collect()
    }

    #[test]
    fn keeps_the_first_of_each_value_in_order() {
        assert_eq!(
            union(false, None, &["b", "a", "b", "c", "a"]),
            ["b", "a", "c"]
        );
        assert_eq!(union(false, None, &["A", "a"]), ["A", "a"]);
        assert_eq!(union(true, None, &["A@x", "b", "a@X"]), ["A@x", "b"]);
        assert_eq!(union(true, Some("P@x"), &["p@X", "q", "P@x"]), ["q"]);
    }

    #[test]
    fn caseless_is_lower_casing_also_beyond_ascii() {
        // The Kelvin sign lower-cases to an ASCII k; the final sigma to ς.
        let values = [
            "\u{212A}im@x",
            "kim@x",
            "ÅSA@x",
            "åsa@x",
            "ΟΔΟΣ",
            "οδος",
            "οδoς",
        ];
        assert_eq!(union(true, None, &values), by_set(true, None, &values));
        assert_eq!(union(true, None, &values[..2]), ["\u{212A}im@x"]);
    }

    #[test]
    fn many_values_go_through_a_set_the_same() {
        let values: Vec<String> = (0..200).map(|i| format!("V{}", i % 70)).collect();
        let lower: Vec<String> = (0..200).map(|i| format!("v{}", i % 90)).collect();
        let all: Vec<&str> = values.iter().chain(&lower).map(String::as_str).collect();
        for caseless in [false, true] {
            for barred in [None, Some("v3"), Some("V3")] {
                let got = union(caseless, barred, &all);
                assert_eq!(got, by_set(caseless, barred, &all), "{caseless} {barred:?}");
            }
        }
        assert_eq!(union(true, None, &all).len(), 90);
    }
}
