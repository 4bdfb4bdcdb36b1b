//! Clusters: pairs above the threshold joined transitively (union-find),
//! and each cluster's primary.

use super::PrimaryRule;

/// What choosing a primary reads of a contact.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub id: &'a str,
    /// The create date (epoch ms), [`super::record::NO_DATE`] when none.
    pub created: i64,
    /// How many properties are filled in.
    pub filled: u32,
}

/// Union-find over record indices, with path halving and union by size.
#[derive(Debug)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = self.parent[x as usize];
        }
        x
    }

    pub fn union(&mut self, a: u32, b: u32) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a as usize] < self.size[b as usize] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b as usize] = a;
        self.size[a as usize] += self.size[b as usize];
    }
}

/// The clusters the pairs make: each a list of record indices, the primary
/// first and the others in file order; clusters in the file order of their
/// primaries.
pub fn clusters<'a>(
    n: usize,
    member: impl Fn(u32) -> Member<'a>,
    pairs: &[(u32, u32)],
    rule: PrimaryRule,
) -> Vec<Vec<u32>> {
    let mut uf = UnionFind::new(n);
    for &(a, b) in pairs {
        uf.union(a, b);
    }
    // Members by root, in file order.
    let mut members: Vec<(u32, u32)> = pairs
        .iter()
        .flat_map(|&(a, b)| [a, b])
        .map(|i| (uf.find(i), i))
        .collect();
    members.sort_unstable();
    members.dedup();
    let mut out: Vec<Vec<u32>> = members
        .chunk_by(|x, y| x.0 == y.0)
        .map(|group| {
            let mut m: Vec<u32> = group.iter().map(|x| x.1).collect();
            let p = primary(&member, &m, rule);
            let at = m
                .iter()
                .position(|&i| i == p)
                .expect("the primary is a member");
            m.remove(at);
            m.insert(0, p);
            m
        })
        .collect();
    out.sort_unstable_by_key(|m| m[0]);
    out
}

/// The primary of a cluster (record indices in file order) by the rule.
/// A contact without a create date counts as older than any with one (as
/// SPEC section 2 has it for value times). Ties go to the lowest record id
/// when every id in the cluster is a number, else to the first in the
/// file: the choice never depends on anything but the file.
pub fn primary<'a>(member: impl Fn(u32) -> Member<'a>, members: &[u32], rule: PrimaryRule) -> u32 {
    let numeric: Option<Vec<u128>> = members
        .iter()
        .map(|&i| member(i).id.parse::<u128>().ok())
        .collect();
    let tie = |i: u32, n: usize| match &numeric {
        Some(ids) => (ids[n], i),
        None => (0, i),
    };
    // No date is i64::MIN: older than any.
    let created = |i: u32| member(i).created;
    let best = members.iter().enumerate().min_by_key(|&(n, &i)| {
        let r = member(i);
        let (by, then) = match rule {
            PrimaryRule::Oldest => (created(i), 0),
            PrimaryRule::Newest => (-created(i).max(i64::MIN + 1), 0),
            PrimaryRule::MostComplete => (-(r.filled as i64), created(i)),
        };
        (by, then, tie(i, n))
    });
    *best.expect("a cluster has members").1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, created: Option<i64>, filled: u32) -> Member<'_> {
        Member {
            id,
            created: created.unwrap_or(super::super::record::NO_DATE),
            filled,
        }
    }

    #[test]
    fn union_find_joins_transitively() {
        let mut uf = UnionFind::new(5);
        uf.union(0, 1);
        uf.union(3, 4);
        uf.union(1, 4);
        assert_eq!(uf.find(0), uf.find(3));
        assert_ne!(uf.find(0), uf.find(2));
    }

    #[test]
    fn clusters_are_transitive_with_the_primary_first() {
        let records = [
            rec("10", Some(300), 1),
            rec("11", Some(100), 1),
            rec("12", Some(200), 1),
            rec("13", Some(50), 1),
            rec("14", Some(60), 1),
        ];
        let c = clusters(
            records.len(),
            |i| records[i as usize],
            &[(0, 2), (2, 1), (3, 4)],
            PrimaryRule::Oldest,
        );
        assert_eq!(c, [vec![1, 0, 2], vec![3, 4]]);
        let c = clusters(
            records.len(),
            |i| records[i as usize],
            &[(0, 2), (2, 1), (3, 4)],
            PrimaryRule::Newest,
        );
        assert_eq!(c, [vec![0, 1, 2], vec![4, 3]]);
    }

    #[test]
    fn primary_rules_and_ties() {
        let records = [
            rec("20", Some(100), 3),
            rec("3", Some(100), 9),
            rec("7", None, 1),
            rec("x", Some(100), 9),
        ];
        // No create date counts as oldest.
        assert_eq!(
            primary(|i| records[i as usize], &[0, 1, 2], PrimaryRule::Oldest),
            2
        );
        assert_eq!(
            primary(|i| records[i as usize], &[0, 1, 2], PrimaryRule::Newest),
            1,
            "tie: lower id"
        );
        assert_eq!(
            primary(
                |i| records[i as usize],
                &[0, 1, 2],
                PrimaryRule::MostComplete
            ),
            1
        );
        // A non-numeric id: ties go to the first in the file.
        assert_eq!(
            primary(|i| records[i as usize], &[1, 3], PrimaryRule::MostComplete),
            1
        );
        assert_eq!(
            primary(|i| records[i as usize], &[0, 3], PrimaryRule::Oldest),
            0
        );
    }
}
