//! The push benchmark (BENCHMARKS.md, "push"): `contact-merge push` of
//! 10,000 merges against the local HubSpot emulator (tests/it/emulator.rs)
//! with a rate limit of 1,000 requests per second, on both sides. Prints
//! the time the merges took against the least the limit allows.
//!
//!   cargo run --example push_bench -- [BIN] [MERGES] [PER_SECOND]
//!
//! BIN defaults to target/debug/contact-merge (bench/push.sh builds it).

#[path = "../tests/it/emulator.rs"]
mod emulator;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bin = args
        .first()
        .cloned()
        .unwrap_or("target/debug/contact-merge".into());
    let bin = std::fs::canonicalize(&bin).unwrap_or_else(|e| panic!("{bin}: {e}"));
    let merges: u64 = args.get(1).map_or(10_000, |a| a.parse().expect("MERGES"));
    let per_second: usize = args
        .get(2)
        .map_or(1_000, |a| a.parse().expect("PER_SECOND"));
    let dir = tempfile::tempdir().unwrap();
    let data = emulator::contacts(1, 2 * merges);
    let mut export = String::new();
    for c in &data {
        writeln!(export, "{c}").unwrap();
    }
    std::fs::write(dir.path().join("export.ndjson"), export).unwrap();
    // Pairs of neighbours, and every tenth pair a chain: the primary of
    // the pair before absorbs one more (sent with HubSpot's new id).
    let mut plan = String::from("primary_id,secondary_id\n");
    for k in 0..merges {
        let (p, s) = if k % 10 == 9 {
            (2 * k - 1, 2 * k + 1)
        } else {
            (2 * k + 1, 2 * k + 2)
        };
        writeln!(plan, "{p},{s}").unwrap();
    }
    std::fs::write(dir.path().join("plan.csv"), plan).unwrap();
    let config = emulator::Config {
        budget: Some((per_second, Duration::from_secs(1))),
        ..emulator::Config::default()
    };
    let token = config.token.clone();
    let emu = emulator::Emulator::start(config, data);
    let started = Instant::now();
    let out = std::process::Command::new(&bin)
        .current_dir(dir.path())
        .env("HUBSPOT_TOKEN", token)
        .args([
            "push",
            "export.ndjson",
            "--plan",
            "plan.csv",
            "--log",
            "push.jsonl",
        ])
        .args([
            "--api-base",
            &emu.url,
            "--rate",
            &format!("{per_second}/1s"),
        ])
        .output()
        .expect("run contact-merge");
    let wall = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = emu.state();
    assert_eq!(s.merges.len() as u64, merges, "every merge once");
    let sent: Vec<Instant> = s.seen.iter().map(|r| r.at).collect();
    let too_many = s.seen.iter().filter(|r| r.status == 429).count();
    let first = *sent.first().unwrap();
    let last = *sent.last().unwrap();
    let phase = last.duration_since(first).as_secs_f64();
    // In any window the limit lets `per_second` through; the first window
    // starts full, so the least time from the first request to the last is
    // (requests - per_second) / per_second seconds, and a run of whole
    // windows takes requests / per_second.
    let requests = sent.len() as f64;
    let floor = ((requests - per_second as f64) / per_second as f64).max(0.0);
    let windows = requests / per_second as f64;
    println!(
        "merges {merges}, requests {}, 429s {too_many}, limit {per_second}/s",
        sent.len()
    );
    println!("first to last request: {phase:.2} s (the limit's least: {floor:.2} s; whole windows: {windows:.2} s)");
    println!(
        "over the least: {:+.1}%; over whole windows: {:+.1}%",
        (phase / floor - 1.0) * 100.0,
        (phase / windows - 1.0) * 100.0
    );
    println!(
        "whole run (check of the plan, start-up, log): {:.2} s",
        wall.as_secs_f64()
    );
    println!("{}", String::from_utf8_lossy(&out.stderr).trim());
    drop(s);
    // Run again: every pair is in the log, nothing is sent.
    let seen = emu.state().seen.len();
    let started = Instant::now();
    let again = std::process::Command::new(&bin)
        .current_dir(dir.path())
        .env("HUBSPOT_TOKEN", &emu.config.token)
        .args([
            "push",
            "export.ndjson",
            "--plan",
            "plan.csv",
            "--log",
            "push.jsonl",
        ])
        .args([
            "--api-base",
            &emu.url,
            "--rate",
            &format!("{per_second}/1s"),
        ])
        .output()
        .expect("run contact-merge");
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    println!(
        "second run, every pair in the log: {:.2} s, {} requests",
        started.elapsed().as_secs_f64(),
        emu.state().seen.len() - seen
    );
}
