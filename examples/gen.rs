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
use contact_merge::gen::{generate_with, into_csv_form, plan_csv, GenOptions, HardCases};
use contact_merge::model::Export;

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
    /// Hard cases (0 to 0.5 each, default none): new people living with
    /// an earlier one, sharing an earlier one's name, duplicates who moved.
    #[arg(long, default_value_t = 0.0)]
    households: f64,
    #[arg(long, default_value_t = 0.0)]
    namesakes: f64,
    #[arg(long, default_value_t = 0.0)]
    moved: f64,
    /// Formats to write (default all).
    #[arg(long, value_enum, value_delimiter = ',')]
    formats: Vec<Format>,
}

fn write(export: &Export, f: Format, path: &std::path::Path) -> anyhow::Result<()> {
    contact_merge::atomic::write_atomic(path, |w| format::write(export, f, w))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(&args.out)?;
    let hard = HardCases {
        household: args.households,
        namesake: args.namesakes,
        moved: args.moved,
    };
    let g = generate_with(
        &GenOptions {
            contacts: args.contacts,
            duplicate_rate: args.duplicate_rate,
            seed: args.seed,
        },
        hard,
    );
    let formats = if args.formats.is_empty() {
        vec![Format::Csv, Format::Json, Format::Ndjson]
    } else {
        args.formats.clone()
    };
    // JSON forms first, from the export as it is; CSV last, converting the
    // export in place (a million contacts are not copied).
    for f in [Format::Json, Format::Ndjson] {
        if formats.contains(&f) {
            let name = if f == Format::Json {
                "contacts.json"
            } else {
                "contacts.ndjson"
            };
            write(&g.export, f, &args.out.join(name))?;
        }
    }
    std::fs::write(args.out.join("truth.csv"), plan_csv(&g.pairs))?;
    let pairs = g.pairs.len();
    if formats.contains(&Format::Csv) {
        let csv = into_csv_form(g.export);
        write(&csv, Format::Csv, &args.out.join("contacts.csv"))?;
    }
    eprintln!(
        "wrote {} ({pairs} true duplicate pairs)",
        args.out.join("truth.csv").display()
    );
    Ok(())
}
