//! contact-merge: merge duplicate CRM contacts in HubSpot-style exports the
//! way HubSpot's own merge does.
//!
//! The library is the engine: the model ([`model`]), the file formats
//! ([`format`]), dates ([`dates`]), labels ([`labels`]), what is known of
//! properties ([`props`]), the merge rules ([`rules`]) and the merge that
//! applies them ([`merge`]), validation ([`check`]), batch plans ([`plan`]),
//! the merge journal ([`journal`]), unmerge ([`unmerge`]), the test-data
//! generator ([`gen`]) and atomic writes ([`atomic`]). It never prints; the
//! command line lives in [`cli`].

pub mod atomic;
pub mod check;
pub mod cli;
pub mod dates;
pub mod error;
pub mod format;
pub mod gen;
pub mod journal;
pub mod labels;
pub mod merge;
pub mod model;
pub mod plan;
pub mod props;
pub mod rules;
pub mod stream;
pub mod summary;
pub mod unmerge;
