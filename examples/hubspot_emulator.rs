//! The local HubSpot emulator of the tests (tests/it/emulator.rs), as a
//! server to try `pull` and `push` by hand:
//!
//!   cargo run --example hubspot_emulator -- [CONTACTS] [REQUESTS/SECOND]
//!
//! It prints its address and token, then serves until Ctrl-C. Default:
//! 1,000 contacts, 10 requests per second (HubSpot's lowest tier is 100
//! per 10 seconds).

#[path = "../tests/it/emulator.rs"]
mod emulator;

use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u64 = args.first().map_or(1_000, |a| a.parse().expect("CONTACTS"));
    let per_second: usize = args
        .get(1)
        .map_or(10, |a| a.parse().expect("REQUESTS/SECOND"));
    let config = emulator::Config {
        budget: Some((per_second, Duration::from_secs(1))),
        ..emulator::Config::default()
    };
    let emu = emulator::Emulator::start(config, emulator::contacts(1, n));
    println!("HubSpot emulator with {n} contacts (ids 1 to {n}), {per_second} requests a second");
    println!("  export HUBSPOT_TOKEN={}", emu.config.token);
    println!(
        "  contact-merge pull -o export.ndjson --api-base {} --rate {per_second}/1s",
        emu.url
    );
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
