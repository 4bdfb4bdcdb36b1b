//! The streaming apply (`stream::apply_file`, what `apply` uses for CSV,
//! JSON Lines and JSON files) against the in-memory one (`plan::apply_plan`): on
//! any input, both refuse it with the same message, or both refuse the
//! same pairs, or both give the same export. No panic either way.
//!
//! The first byte picks the format (8: JSON; else even: CSV, odd: JSON
//! Lines) and options; the rest is the file. The
//! plan merges the contacts the file holds pairwise (and, on some inputs,
//! names a merged-away id again), with the real merge rules.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::stream(data, &std::env::temp_dir());
});
