//! A live HubSpot portal (SPEC section 8): `pull` pages contacts out of
//! the CRM API into an export, `push` sends a checked plan's merges to it.
//!
//! - [`client`]: the one HTTP client (`ureq`, rustls), the token, the
//!   rate limiter in front of every request, retries of 429, 5xx and
//!   dropped connections for calls that may be repeated;
//! - [`rate`]: `--rate N/10s` and the sliding-window limiter;
//! - [`pull`]: paging through `GET /crm/v3/objects/contacts` into a
//!   part file beside the output, resumable, written in any format at the
//!   end (a long property list split over requests; contacts merged away
//!   while it ran left out);
//! - [`push`]: a plan's merges, pair by pair, resolved through the ids
//!   HubSpot returns; [`pushlog`]: the JSON Lines log that makes a second
//!   run resume without sending a merge twice;
//! - [`error`]: [`PortalError`], every message naming the call, the pair
//!   and HubSpot's own words. The token is in none of them.

pub mod client;
pub mod error;
pub(crate) mod lock;
pub mod pull;
pub mod push;
pub mod pushlog;
pub mod rate;

pub use client::{Client, ClientOptions, Token};
pub use error::PortalError;
pub use rate::Rate;

/// HubSpot's API, the default of `--api-base`.
pub const DEFAULT_API_BASE: &str = "https://api.hubapi.com";

/// The environment variable the token is read from (never a flag).
pub const TOKEN_VARIABLE: &str = "HUBSPOT_TOKEN";
