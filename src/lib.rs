//! contact-merge: merge duplicate CRM contacts in HubSpot-style exports the
//! way HubSpot's own merge does.
//!
//! The library is the engine: the model ([`model`]), the file formats
//! ([`format`]), dates ([`dates`]), HubSpot's vocabulary ([`hubspot`]:
//! property and section names, labels, stages, what is known of
//! properties), the merge rules ([`rules`]) and the merge that applies them
//! ([`merge`]) after the pair checks ([`pair`]), validation ([`check`]),
//! batch plans ([`plan`]) and streaming them over large files ([`stream`]), merging
//! in a whole export file either way ([`batch`]), the merge journal
//! ([`journal`]), unmerge ([`unmerge`]), the duplicate finder ([`dupes`]),
//! the test-data generator ([`gen`]), atomic writes ([`atomic`]), merge
//! warnings ([`warning`]) and shared wording ([`text`]). It never
//! prints; the command line lives in [`cli`].

pub mod alloc;
pub mod atomic;
pub mod batch;
pub mod check;
pub mod cli;
pub mod dates;
pub mod dupes;
pub mod error;
pub mod format;
pub mod gen;
pub mod hubspot;
pub mod journal;
pub use hubspot::labels;
pub mod merge;
pub mod model;
pub mod pair;
pub mod plan;
pub mod portal;
pub use hubspot::props;
pub mod rules;
pub mod stream;
pub mod summary;
pub mod text;
pub mod unmerge;
pub mod warning;
