//! contact-merge: merge duplicate CRM contacts in HubSpot-style exports the
//! way HubSpot's own merge does.
//!
//! The library is the engine: the model ([`model`]), the file formats
//! ([`format`]), dates ([`dates`]) and labels ([`labels`]). It never prints;
//! the command line lives in [`cli`].

pub mod dates;
pub mod format;
pub mod journal;
pub mod labels;
pub mod model;
pub mod plan;
pub mod unmerge;
