//! Integration tests: the real binary on copies of `fixtures/`.

mod util;

mod bad_corpus;
mod bad_input;
mod check;
mod completions;
mod fuzz_regressions;
mod odd_corpus;
mod roundtrip;
mod show;
