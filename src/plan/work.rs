//! The in-memory store: the export as a plan changes it.

use std::borrow::Cow;
use std::collections::HashMap;

use super::Store;
use crate::model::Contact;

/// The export as the plan changes it, without touching it: contacts changed
/// so far are kept aside, merged-away ones are marked.
pub(super) struct Work<'a> {
    pub(super) base: &'a [Contact],
    pub(super) index: HashMap<&'a str, usize>,
    pub(super) changed: rustc_hash::FxHashMap<usize, Contact>,
    pub(super) removed: Vec<bool>,
}

impl<'a> Store<'a> for Work<'a> {
    /// Borrowed from the export, or (changed by an earlier pair) owned.
    type Taken = Cow<'a, Contact>;

    fn index(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    fn id(&self, i: usize) -> &str {
        &self.base[i].id
    }

    fn count(&self) -> usize {
        self.base.len()
    }

    fn record(&self, i: usize) -> usize {
        i
    }

    fn checkout(&mut self, i: usize) -> Cow<'a, Contact> {
        let base = self.base;
        match self.changed.remove(&i) {
            Some(c) => Cow::Owned(c),
            None => Cow::Borrowed(&base[i]),
        }
    }

    fn open(taken: Cow<'a, Contact>) -> Cow<'a, Contact> {
        taken
    }

    fn checkin(&mut self, i: usize, opened: Cow<'a, Contact>) {
        if let Cow::Owned(c) = opened {
            self.changed.insert(i, c);
        }
    }

    type Prepared = ();
    type Shared = ();
    fn shared(&self) -> std::sync::Arc<()> {
        std::sync::Arc::new(())
    }
    fn prepare(_: &(), _merged: &Contact, _named_later: bool) {}

    fn needs_contact(_: &()) -> bool {
        true
    }

    fn keeps_contact(&self, _: &()) -> bool {
        true
    }

    fn commit(
        &mut self,
        pi: usize,
        si: usize,
        merged: Option<Contact>,
        _prepared: (),
    ) -> Option<Contact> {
        self.changed
            .insert(pi, merged.expect("this store keeps every merged contact"));
        self.changed.remove(&si);
        self.removed[si] = true;
        None
    }
}

impl<'a> Work<'a> {
    pub(super) fn new(base: &'a [Contact]) -> Self {
        let mut index = HashMap::with_capacity(base.len());
        for (i, c) in base.iter().enumerate() {
            // Ids are unique in an export; if not, the first one counts.
            index.entry(c.id.as_str()).or_insert(i);
        }
        Work {
            base,
            index,
            changed: Default::default(),
            removed: vec![false; base.len()],
        }
    }

    pub(super) fn finish(self) -> (rustc_hash::FxHashMap<usize, Contact>, Vec<bool>) {
        (self.changed, self.removed)
    }
}
