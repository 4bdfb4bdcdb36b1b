//! Integration tests: the real binary on copies of `fixtures/`.

mod util;

mod apply;
mod bad_input;
mod check;
mod completions;
mod crash;
mod diff;
mod dupes;
mod merge;
mod roundtrip;
mod show;
mod unmerge;
