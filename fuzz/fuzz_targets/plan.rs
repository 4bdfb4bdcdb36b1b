//! The plan reader (CSV and JSON, and sniffing): no input may make it panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::plan(data);
});
