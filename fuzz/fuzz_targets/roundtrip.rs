//! Round trip: any input that reads as an export, in any format, writes
//! back to bytes that read as an equal export (`==` on `Export`, layout
//! included), and writing that again gives the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::round_trip(data);
});
