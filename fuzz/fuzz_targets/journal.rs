//! The journal reader: no input may make it panic, and a journal that reads
//! must write back to lines that read as the same entries.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::journal(data);
});
