//! Precision, recall and F1 of a `dupes` plan against the true pairs the
//! generator wrote (`truth.csv`).
//!
//! ```sh
//! cargo run --release --example dupes_eval -- --truth DIR/truth.csv --plan plan.csv
//! ```
//!
//! Both sides are compared as clusters: the pairs of each are joined
//! transitively, and every two contacts in one cluster make a pair (a
//! cluster of n contacts has n(n-1)/2). A predicted pair is right when the
//! truth has the two contacts in one cluster. Prints one JSON object.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::Parser;
use contact_merge::plan::read_plan;

#[derive(Parser)]
struct Args {
    /// The true pairs (the generator's truth.csv).
    #[arg(long)]
    truth: PathBuf,
    /// The plan `dupes` wrote.
    #[arg(long)]
    plan: PathBuf,
    /// Also list up to N missed and N wrong pairs (ids), for tuning.
    #[arg(long, default_value_t = 0)]
    show: usize,
}

/// Cluster of every id named in the pairs.
fn clusters(pairs: &[(String, String)]) -> HashMap<String, usize> {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut parent: Vec<usize> = Vec::new();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (a, b) in pairs {
        let mut xy = [0; 2];
        for (k, s) in [a, b].into_iter().enumerate() {
            let n = ids.len();
            xy[k] = *ids.entry(s.as_str()).or_insert_with(|| {
                parent.push(n);
                n
            });
        }
        let (rx, ry) = (find(&mut parent, xy[0]), find(&mut parent, xy[1]));
        parent[rx] = ry;
    }
    ids.iter()
        .map(|(s, &i)| (s.to_string(), find(&mut parent, i)))
        .collect()
}

fn pairs_within(of: &HashMap<String, usize>) -> u64 {
    let mut size: HashMap<usize, u64> = HashMap::new();
    for c in of.values() {
        *size.entry(*c).or_default() += 1;
    }
    size.values().map(|n| n * (n - 1) / 2).sum()
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let load = |p: &PathBuf| -> anyhow::Result<Vec<(String, String)>> {
        Ok(read_plan(p)?
            .pairs
            .into_iter()
            .map(|p| (p.primary, p.secondary))
            .collect())
    };
    let (truth, plan) = (load(&args.truth)?, load(&args.plan)?);
    let (t, p) = (clusters(&truth), clusters(&plan));
    // Contacts in both a true and a predicted cluster, by (true, predicted).
    let mut both: HashMap<(usize, usize), u64> = HashMap::new();
    for (id, pc) in &p {
        if let Some(tc) = t.get(id) {
            *both.entry((*tc, *pc)).or_default() += 1;
        }
    }
    let tp: u64 = both.values().map(|n| n * (n - 1) / 2).sum();
    let (predicted, actual) = (pairs_within(&p), pairs_within(&t));
    let precision = if predicted == 0 {
        1.0
    } else {
        tp as f64 / predicted as f64
    };
    let recall = if actual == 0 {
        1.0
    } else {
        tp as f64 / actual as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    println!(
        "{{\"true_pairs\": {actual}, \"predicted_pairs\": {predicted}, \"correct_pairs\": {tp}, \"precision\": {precision:.4}, \"recall\": {recall:.4}, \"f1\": {f1:.4}}}"
    );
    if args.show > 0 {
        let missed = truth
            .iter()
            .filter(|(a, b)| !p.contains_key(a) || p.get(a) != p.get(b))
            .take(args.show);
        for (a, b) in missed {
            eprintln!("missed {a} {b}");
        }
        let wrong = plan
            .iter()
            .filter(|(a, b)| !t.contains_key(a) || t.get(a) != t.get(b))
            .take(args.show);
        for (a, b) in wrong {
            eprintln!("wrong {a} {b}");
        }
    }
    Ok(())
}
