//! The plan from the matching pairs: the pairs joined into clusters, each
//! cluster's primary paired with every other member, held to HubSpot's
//! merge limit ([`limit`]); members a cluster's primary cannot take are
//! merged among themselves where they match one another.

use std::collections::HashMap;

use super::{cluster, limit, record, score, DupPair, Found, LeftOut, Options, Records};

/// A matching pair of records and its score.
type Match = (u32, u32, f64);

/// A cluster still to plan: its members (record indices, the primary
/// first, the others in file order), the matching pairs among them, and
/// the [`LeftOut`] entry (an index into the list) of the cluster it was
/// left out of.
struct Todo {
    members: Vec<u32>,
    matches: Vec<Match>,
    from: Option<usize>,
}

/// The plan from the matching pairs (`(a, b, strength)`): pairs joined
/// into clusters, each cluster's primary paired with every other member.
/// `score` gives a planned pair's score and whether it matches on its
/// own; one that does not is marked `via` the member it matches best.
pub(super) fn plan_clusters(
    rs: &Records,
    opts: &Options,
    scored: &[(u32, u32, f64)],
    score: impl Fn(&record::Record, &record::Record) -> (f64, bool),
) -> Found {
    let matches: Vec<(u32, u32)> = scored.iter().map(|&(a, b, _)| (a, b)).collect();
    let member = |i: u32| cluster::Member {
        id: rs.id(i),
        created: rs.records[i as usize].created,
        filled: rs.records[i as usize].filled,
    };
    let clusters = cluster::clusters(rs.len(), member, &matches, opts.primary);
    // Clusters are planned in file order of their primaries; the clusters
    // a cluster's left-out members make come right after it.
    let mut todo: Vec<Todo> = (with_own_matches(clusters, scored).into_iter().rev())
        .map(|(members, matches)| Todo {
            members,
            matches,
            from: None,
        })
        .collect();
    let mut found = Found {
        pairs: Vec::new(),
        clusters: 0,
        left_out: Vec::new(),
        contacts: rs.len(),
        blocking: super::block::Stats::default(),
        matches: matches.len(),
        em_rounds: 0,
        model: String::new(),
    };
    while let Some(t) = todo.pop() {
        let cluster = cluster_pairs(rs, &t.members, &strongest(&t.matches), &score);
        let keep = limit::keep(rs, &t.members, &cluster, opts.max_merges);
        let n = keep.iter().any(|k| *k).then(|| {
            found.clusters += 1;
            found.clusters
        });
        // The cluster merges members left out of every cluster up the
        // chain (its members were left out of `from`'s cluster, which
        // may itself be made of members left out of another).
        let mut up = n.and(t.from);
        while let Some(from) = up {
            let l = &mut found.left_out[from];
            l.regrouped.extend(n);
            l.merged_among += 1 + keep.iter().filter(|k| **k).count();
            up = l.within;
        }
        let mut out = Vec::new();
        for ((pair, k), &m) in cluster.into_iter().zip(&keep).zip(&t.members[1..]) {
            match n.filter(|_| *k) {
                Some(cluster) => found.pairs.push(DupPair { cluster, ..pair }),
                None => out.push(m),
            }
        }
        if out.is_empty() {
            continue;
        }
        let at = found.left_out.len();
        found.left_out.push(LeftOut {
            primary: rs.id(t.members[0]).to_string(),
            cluster: n,
            merged: keep.len() - out.len(),
            ids: out.iter().map(|&m| rs.id(m).to_string()).collect(),
            regrouped: Vec::new(),
            merged_among: 0,
            within: t.from,
        });
        let subs = regroup(&out, &t.matches, member, opts);
        todo.extend(subs.into_iter().rev().map(|(members, matches)| Todo {
            members,
            matches,
            from: Some(at),
        }));
    }
    found
}

/// Each cluster with the matches between its members (every match is
/// within one cluster: the clusters are the matches' components).
fn with_own_matches(clusters: Vec<Vec<u32>>, scored: &[Match]) -> Vec<(Vec<u32>, Vec<Match>)> {
    let mut cluster_of: HashMap<u32, usize> = HashMap::new();
    for (k, members) in clusters.iter().enumerate() {
        cluster_of.extend(members.iter().map(|&m| (m, k)));
    }
    let mut within: Vec<Vec<Match>> = vec![Vec::new(); clusters.len()];
    for &(a, b, w) in scored {
        within[cluster_of[&a]].push((a, b, w));
    }
    clusters.into_iter().zip(within).collect()
}

/// Each member's strongest match among `matches`, to name the link of a
/// pair that only meets through another member of its cluster.
fn strongest(matches: &[Match]) -> HashMap<u32, (f64, u32)> {
    let mut best: HashMap<u32, (f64, u32)> = HashMap::new();
    for &(a, b, w) in matches {
        for (x, y) in [(a, b), (b, a)] {
            let e = best.entry(x).or_insert((f64::MIN, y));
            if w > e.0 || (w == e.0 && y < e.1) {
                *e = (w, y);
            }
        }
    }
    best
}

/// The clusters the members `out` (record indices, in file order) make by
/// the matches among themselves, each with its matches: the primary of
/// each chosen by the same rule, the clusters in file order of their
/// primaries. A member that matches none of the others makes none.
fn regroup<'a>(
    out: &[u32],
    matches: &[Match],
    member: impl Fn(u32) -> cluster::Member<'a>,
    opts: &Options,
) -> Vec<(Vec<u32>, Vec<Match>)> {
    // Numbered 0.. among themselves, so that the work is the members'
    // size, not the file's.
    let local: HashMap<u32, u32> = (out.iter().enumerate())
        .map(|(k, &m)| (m, k as u32))
        .collect();
    let among: Vec<(u32, u32, f64)> = (matches.iter())
        .filter_map(|(a, b, w)| Some((*local.get(a)?, *local.get(b)?, *w)))
        .collect();
    let links: Vec<(u32, u32)> = among.iter().map(|&(a, b, _)| (a, b)).collect();
    let subs = cluster::clusters(out.len(), |k| member(out[k as usize]), &links, opts.primary);
    let global = |k: u32| out[k as usize];
    let subs = subs
        .into_iter()
        .map(|m| m.into_iter().map(global).collect());
    let among: Vec<Match> = among
        .iter()
        .map(|&(a, b, w)| (global(a), global(b), w))
        .collect();
    with_own_matches(subs.collect(), &among)
}

/// A cluster's pairs (`members[0]`, its primary, with each other member,
/// in their order), their cluster number still 0: the score of the two
/// compared directly and the reasons, `via` the member the secondary
/// matches best (`best`) when the two do not match on their own.
fn cluster_pairs(
    rs: &Records,
    members: &[u32],
    best: &HashMap<u32, (f64, u32)>,
    score: &impl Fn(&record::Record, &record::Record) -> (f64, bool),
) -> Vec<DupPair> {
    let p = &rs.records[members[0] as usize];
    let mut pairs = Vec::with_capacity(members.len() - 1);
    for &m in &members[1..] {
        let s = &rs.records[m as usize];
        let (value, direct) = score(p, s);
        let mut reasons: Vec<String> = score::compare(rs, p, s)
            .reasons
            .as_slice()
            .iter()
            .map(|r| r.text(&rs.text_fields))
            .collect();
        reasons.extend(super::explain::more_reasons(rs, p, s));
        if !direct {
            if let Some(&(_, via)) = best.get(&m) {
                reasons.insert(0, format!("via {}", rs.id(via)));
            }
        }
        pairs.push(DupPair {
            cluster: 0,
            primary: rs.id(members[0]).to_string(),
            secondary: rs.id(m).to_string(),
            score: value,
            reasons,
        });
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 8] = ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7"];

    fn member(i: u32) -> cluster::Member<'static> {
        cluster::Member {
            id: IDS[i as usize],
            created: i64::from(10 - i),
            filled: 1,
        }
    }

    /// Members left out make clusters only by the matches among
    /// themselves: one that met the others only through the primary (or
    /// another member kept) stays alone, and each new cluster takes the
    /// primary its rule chooses (here the oldest: the highest index).
    #[test]
    fn members_left_out_regroup_only_by_their_own_matches() {
        // 0 was the primary; 1 and 2 were kept. Left out: 3..7.
        let matches = [
            (0, 3, 0.9),
            (3, 4, 0.8),
            (2, 5, 0.9),
            (5, 6, 0.95),
            (6, 7, 0.7),
            (1, 7, 0.99),
        ];
        let out = [3, 4, 5, 6, 7];
        let got = regroup(&out, &matches, member, &Options::default());
        assert_eq!(
            got,
            [
                (vec![4, 3], vec![(3, 4, 0.8)]),
                (vec![7, 5, 6], vec![(5, 6, 0.95), (6, 7, 0.7)]),
            ]
        );
        // With none matching another, no cluster.
        assert!(regroup(&[3, 5], &matches, member, &Options::default()).is_empty());
    }

    /// The member a pair meets through is the strongest match of its
    /// secondary among the matches given.
    #[test]
    fn the_strongest_match_of_each_member() {
        let best = strongest(&[(0, 1, 0.8), (1, 2, 0.9), (0, 2, 0.9)]);
        assert_eq!(best[&1], (0.9, 2));
        assert_eq!(best[&2], (0.9, 0));
        assert_eq!(best[&0], (0.9, 2));
    }
}
