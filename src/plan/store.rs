//! The contacts a plan runs over, whatever holds them.

use std::borrow::Cow;

use serde_json::Value;

use crate::model::Contact;
use crate::rules::{SectionChange, SectionTally};
use crate::warning::Warning;

/// The contacts a plan runs over: the whole export in memory
/// ([`apply_plan`]), or only the contacts the plan names, read from a file
/// ([`crate::stream`]). Contacts are numbered in export order.
pub trait Store<'a> {
    /// A contact taken out of the store, perhaps not parsed yet.
    type Taken: Send;
    /// The number of the contact with this id in the export as read (asked
    /// before the plan runs: [`run_plan`] follows merges itself).
    fn index(&self, id: &str) -> Option<usize>;
    /// The id of contact `i` (a merge keeps the primary's).
    fn id(&self, i: usize) -> &str;
    /// How many contacts the store numbers.
    fn count(&self) -> usize;
    /// The position of a contact in the export as read (contacts merged
    /// away before it are counted off by [`run_plan`]).
    fn record(&self, i: usize) -> usize;
    /// Take a contact out, as it stands now, to merge it.
    fn checkout(&mut self, i: usize) -> Self::Taken;
    /// The contact taken out (parsing it if need be; any thread may call
    /// this).
    fn open(taken: Self::Taken) -> Cow<'a, Contact>;
    /// Put back a contact taken out (and opened) whose merge did not
    /// happen.
    fn checkin(&mut self, i: usize, opened: Cow<'a, Contact>);
    /// What the store makes of a merged contact before it is committed
    /// (encoding it, say), done on the merging threads. `named_later`:
    /// whether a later pair of the plan may name the merged contact (when
    /// not, it is only written out).
    type Prepared: Send;
    /// What the merging threads share with the store: what `prepare`
    /// needs to read.
    type Shared: Send + Sync;
    fn shared(&self) -> std::sync::Arc<Self::Shared>;
    fn prepare(shared: &Self::Shared, merged: &Contact, named_later: bool) -> Self::Prepared;
    /// Whether [`Store::commit`] needs the merged contact itself, not only
    /// what `prepare` made of it (when not, and nothing else needs it, it is
    /// freed on the thread that merged it).
    fn needs_contact(prepared: &Self::Prepared) -> bool;
    /// Whether [`Store::commit`] keeps the merged contact (rather than
    /// give it back).
    fn keeps_contact(&self, prepared: &Self::Prepared) -> bool;
    /// The merge happened: the primary is now `merged`, the secondary is
    /// gone. Gives back a contact the store no longer needs, for the caller
    /// to free where it costs least.
    fn commit(
        &mut self,
        pi: usize,
        si: usize,
        merged: Option<Contact>,
        prepared: Self::Prepared,
    ) -> Option<Contact>;
    /// The merge of the pair numbered `at` done before the plan ran (while
    /// the file was read), if there is one and its contacts were `pi` and
    /// `si` as read, still untouched. Asked at most once per pair, without
    /// a journal, for a merged contact no later pair names.
    fn take_early(&mut self, _at: usize, _pi: usize, _si: usize) -> Option<Early<Self::Prepared>> {
        None
    }
}

/// A merge done before the plan ran, as the store prepared it for a
/// merged contact that is only written out: a merge (`Merge`) without the
/// merged contact, whose room would make every checkout of a wave as
/// large (clippy measures 400 bytes against a few dozen).
pub struct Early<P> {
    pub decisions: Vec<Value>,
    pub warnings: Vec<Warning>,
    pub sections: Vec<SectionChange>,
    pub section_tally: SectionTally,
    pub journal: Option<Vec<u8>>,
    pub prepared: P,
}
