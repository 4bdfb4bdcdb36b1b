//! Integration tests: the real binary on copies of `fixtures/`.

mod util;

mod apply;
mod bad_corpus;
mod bad_input;
mod check;
mod completions;
mod crash;
mod diff;
mod dupes;
mod fuzz_regressions;
mod linear;
mod merge;
mod odd_corpus;
mod roundtrip;
mod show;
mod unmerge;
