//! The ndjson reader: no input may make it panic.
#![no_main]

use contact_merge::format::Format;
use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::read_export(data, Format::Ndjson, "fuzz.ndjson");
});
