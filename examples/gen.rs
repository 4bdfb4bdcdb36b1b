//! Generate realistic HubSpot exports with known duplicates.
//!
//! ```sh
//! cargo run --release --example gen -- --contacts 1000000 --seed 42 --out bench/data/1m
//! ```
//! writes `contacts.csv` (HubSpot labels), `contacts.json`, `contacts.ndjson`
//! and `truth.csv` (the true duplicate pairs, as a plan `apply` runs). Same
//! seed and size, same bytes.

use std::path::PathBuf;

use clap::Parser;
use contact_merge::format::{self, Format};
use contact_merge::gen::{generate, plan_csv, to_csv_export, GenOptions};

#[derive(Parser)]
struct Args {
    /// How many contacts.
    #[arg(long, default_value_t = 100_000)]
    contacts: usize,
    /// Share of contacts that duplicate another (0 to 0.5).
    #[arg(long, default_value_t = 0.1)]
    duplicate_rate: f64,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Output folder (created).
    #[arg(long)]
    out: PathBuf,
    /// Formats to write (default all).
    #[arg(long, value_enum, value_delimiter = ',')]
    formats: Vec<Format>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(&args.out)?;
    let g = generate(&GenOptions {
        contacts: args.contacts,
        duplicate_rate: args.duplicate_rate,
        seed: args.seed,
    });
    let formats = if args.formats.is_empty() {
        vec![Format::Csv, Format::Json, Format::Ndjson]
    } else {
        args.formats.clone()
    };
    for f in formats {
        let (export, name) = match f {
            Format::Csv => (to_csv_export(&g), "contacts.csv"),
            Format::Json => (g.export.clone(), "contacts.json"),
            Format::Ndjson => (g.export.clone(), "contacts.ndjson"),
        };
        let path = args.out.join(name);
        contact_merge::atomic::write_atomic(&path, |w| format::write(&export, f, w))?;
        eprintln!("wrote {}", path.display());
    }
    std::fs::write(args.out.join("truth.csv"), plan_csv(&g.pairs))?;
    eprintln!(
        "wrote {} ({} true duplicate pairs)",
        args.out.join("truth.csv").display(),
        g.pairs.len()
    );
    Ok(())
}
