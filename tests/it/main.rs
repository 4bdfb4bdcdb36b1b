//! Integration tests: the real binary on copies of `fixtures/`.

mod util;

mod apply;
mod archived;
mod attack;
mod bad_corpus;
mod bad_input;
mod check;
mod check_base;
mod completions;
mod crash;
mod data_integrity;
mod diff;
mod dupes;
mod dupes_fs;
mod early_stop;
mod emulator;
mod formulas;
mod fuzz_regressions;
mod help;
mod linear;
mod merge;
mod modes;
mod odd_corpus;
mod paths;
mod portal;
mod restore_trust;
mod roundtrip;
mod screen;
mod show;
mod signals;
mod stream_json;
mod streams;
mod structure;
mod terminal;
mod unmerge;
