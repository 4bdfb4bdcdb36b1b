//! What one merge costs, apart from reading and writing files: the
//! generator's contacts read into memory, then every pair of its true plan
//! merged (the rules only, as `apply` runs them without a journal), a few
//! times over. Also what building the contacts' property maps costs.
//!
//!   cargo run --release --example gen -- --contacts 200000 --seed 42 --out /tmp/mb --formats csv
//!   cargo run --release --example merge_bench -- /tmp/mb/contacts.csv /tmp/mb/truth.csv [RUNS]
//!
//! Prints microseconds per merge for each run. Contacts are spread over
//! memory as a plan finds them, so most of a merge's reads miss the cache,
//! as in a real run.
use std::collections::HashMap;
use std::time::Instant;

use contact_merge::merge::{merge_contacts_from, Primary};
use contact_merge::model::Properties;
use contact_merge::rules::MergeOptions;

#[global_allocator]
static ALLOC: contact_merge::alloc::Mimalloc = contact_merge::alloc::Mimalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, export, truth, rest @ ..] = args.as_slice() else {
        eprintln!("usage: merge_bench EXPORT TRUTH.csv [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = rest
        .first()
        .map_or(5, |r| r.parse().expect("RUNS is a number"));
    let export = contact_merge::format::read_path(export.as_ref(), None).expect("readable export");
    let at: HashMap<&str, usize> = (export.contacts.iter().enumerate())
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let truth = std::fs::read_to_string(truth).expect("readable plan");
    let pairs: Vec<(usize, usize)> = (truth.lines().skip(1))
        .filter_map(|l| {
            let (a, b) = l.split_once(',')?;
            Some((*at.get(a)?, *at.get(b)?))
        })
        .collect();
    let opts = MergeOptions {
        explain: false,
        merge_time: 1_717_200_000_000,
        ..Default::default()
    };
    let per = |t: Instant| t.elapsed().as_secs_f64() * 1e6 / pairs.len() as f64;
    for _ in 0..runs {
        let t = Instant::now();
        for &(p, s) in &pairs {
            let (p, s) = (&export.contacts[p], &export.contacts[s]);
            std::hint::black_box(merge_contacts_from(Primary::Read(p), s, &opts).expect("merges"));
        }
        let merge = per(t);
        // The property maps of both contacts built again, as parsing a row
        // builds them: every name and value a string of its own.
        let t = Instant::now();
        for &(p, s) in &pairs {
            for c in [&export.contacts[p], &export.contacts[s]] {
                let mut m =
                    Properties::with_capacity_and_hasher(c.properties.len(), Default::default());
                for (k, v) in &c.properties {
                    m.insert(k.clone(), v.clone());
                }
                std::hint::black_box(m);
            }
        }
        let maps = per(t);
        eprintln!(
            "{} merges: {merge:.2} us a merge; both property maps built: {maps:.2} us",
            pairs.len()
        );
    }
}
