//! When each value of a contact merged earlier in the same run was set
//! ([`ValueTimes`]).
//!
//! A file without `propertiesWithHistory` gives each value the time of its
//! contact's `lastmodifieddate` (SPEC section 2). Once A absorbed B, the
//! merged contact's `lastmodifieddate` is the later of the two, so every
//! value A kept would look as new as B's in a later merge of A in the same
//! plan: `A←B, A←C` and `B←C, A←B` would differ. A plan run keeps, for a
//! merged contact a later pair names, when each of its values was set (the
//! time of the side the value came from), and the next merge reads those
//! times instead of the record's. HubSpot, which keeps every value's
//! history, does the same. The times are never written to a file.

use super::Millis;
use crate::model::PropName;

/// When the values of a merged contact were set, for the properties whose
/// time is not what the contact's own dates give (see the module). `None`
/// inside: the value's contact had no date (older than any with one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueTimes {
    /// Sorted by name, one entry a name.
    times: Vec<(PropName, Option<Millis>)>,
    /// Where the original source came from, when an earlier merge of the
    /// run took it from another contact than the merged one's oldest: a
    /// later merge compares its times, not the merged contact's.
    source: Option<SourceOrigin>,
}

/// The times of the contact an original source came with: that contact's
/// creation (`None`: it had none, older than any), and when the source
/// was first set in its history (`None`: no history for it; the entry a
/// merge adds for it is no such time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceOrigin {
    pub born: Option<Millis>,
    pub set: Option<Millis>,
}

impl ValueTimes {
    /// The times given, in any order; the last of a name twice counts.
    pub fn new(mut times: Vec<(PropName, Option<Millis>)>) -> Self {
        // Stable: the last of equal names stays last, and is kept.
        times.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(PropName, Option<Millis>)> = Vec::with_capacity(times.len());
        for (name, t) in times {
            match out.last_mut() {
                Some(last) if last.0 == name => last.1 = t,
                _ => out.push((name, t)),
            }
        }
        ValueTimes {
            times: out,
            source: None,
        }
    }

    /// These times, with where the original source came from (`None`:
    /// the merged contact's own times tell).
    pub fn with_source(self, source: Option<SourceOrigin>) -> Self {
        ValueTimes { source, ..self }
    }

    /// Where the original source came from, if the merged contact's own
    /// times do not tell.
    pub fn source(&self) -> Option<SourceOrigin> {
        self.source
    }

    /// When the property's value was set, if known here.
    pub fn get(&self, prop: &str) -> Option<Option<Millis>> {
        self.times
            .binary_search_by(|(name, _)| (**name).cmp(prop))
            .ok()
            .map(|i| self.times[i].1)
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty() && self.source.is_none()
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_is_found_by_name_and_the_last_of_a_name_twice_counts() {
        let t = ValueTimes::new(vec![
            ("jobtitle".into(), Some(5)),
            ("city".into(), None),
            ("jobtitle".into(), Some(7)),
            ("zip".into(), Some(1)),
        ]);
        assert_eq!(t.len(), 3);
        assert_eq!(t.get("jobtitle"), Some(Some(7)));
        assert_eq!(t.get("city"), Some(None));
        assert_eq!(t.get("zip"), Some(Some(1)));
        assert_eq!(t.get("country"), None);
        assert!(ValueTimes::default().is_empty());
    }
}
