//! contact-merge: merge duplicate CRM contacts in HubSpot-style exports the
//! way HubSpot's own merge does.
//!
//! The library is the engine: the model ([`model`]), the file formats
//! ([`format`]), dates ([`dates`]), labels ([`labels`]), the merge rules
//! ([`rules`]) and the merge that applies them ([`merge`]). It never prints;
//! the command line lives in [`cli`].

pub mod dates;
pub mod error;
pub mod format;
pub mod labels;
pub mod merge;
pub mod model;
pub mod rules;
