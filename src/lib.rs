//! contact-merge: merge duplicate CRM contacts in HubSpot-style exports the
//! way HubSpot's own merge does.
//!
//! The library is the engine: the model ([`model`]), the file formats
//! ([`format`]), dates ([`dates`]), labels ([`labels`]) and the merge rules
//! ([`rules`]). It never prints;
//! the command line lives in [`cli`].

pub mod dates;
pub mod error;
pub mod format;
pub mod labels;
pub mod model;
pub mod rules;
