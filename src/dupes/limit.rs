//! HubSpot's merge limit in a plan. A cluster's primary takes its members
//! one merge at a time, in plan order, and HubSpot (like `apply`, see
//! [`crate::pair::over_limit`]) refuses a merge once the two contacts
//! together already took part in `max` merges: the distinct ids in both
//! contacts' `hs_merged_object_ids`. Each merge adds the secondary's id
//! and the ids it had absorbed to the primary's, so a cluster of more than
//! `max` members (fewer, when contacts were merged before) makes a plan
//! `apply` refuses. [`within_limit`] chooses the members a plan can hold.

use foldhash::HashSet;

use super::{DupPair, Records};
use crate::model::split_multi;

/// A contact as the limit sees it: its id and its `hs_merged_object_ids`
/// (the cell, `;`-separated; empty when it has none).
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub id: &'a str,
    pub merged: &'a str,
}

/// Which of a cluster's pairs (the primary, `members[0]`, with each other
/// member, in plan order) the plan can hold under the limit `max`: the
/// surest pairs first (highest score, then plan order), each taken when it
/// and those taken before still go through ([`within_limit`]).
pub fn keep(rs: &Records, members: &[u32], pairs: &[DupPair], max: usize) -> Vec<bool> {
    let member = |i: u32| Member {
        id: rs.id(i),
        merged: rs.merged_ids(i),
    };
    let others: Vec<Member> = members[1..].iter().map(|&i| member(i)).collect();
    let mut priority: Vec<usize> = (0..pairs.len()).collect();
    priority.sort_by(|&a, &b| pairs[b].score.total_cmp(&pairs[a].score).then(a.cmp(&b)));
    within_limit(member(members[0]), &others, &priority, max)
}

/// Which members (by position, in plan order) the primary can take without
/// a merge over the limit, merged in plan order as `apply` merges them.
/// Members are chosen in the order of `priority` (positions, surest
/// first): a member is taken when the plan of those taken before it and
/// itself still goes through, else left out. Every member when they all
/// fit.
pub fn within_limit(
    primary: Member<'_>,
    members: &[Member<'_>],
    priority: &[usize],
    max: usize,
) -> Vec<bool> {
    let all = vec![true; members.len()];
    // The common case without building a set: no merges before, and the
    // k-th merge counts k - 1 merges.
    let merged_before =
        !primary.merged.trim().is_empty() || members.iter().any(|m| !m.merged.trim().is_empty());
    if !merged_before && members.len() <= max {
        return all;
    }
    if fits(primary, members, &all, max) {
        return all;
    }
    let mut keep = vec![false; members.len()];
    // The primary's merged ids once the members taken so far are merged:
    // a plan whose last merge leaves more than `max` ids cannot go
    // through (that merge counted all of them but at most its own id),
    // which rules out most candidates without merging the plan again.
    let mut after: HashSet<&str> = split_multi(primary.merged)
        .filter(|id| *id != primary.id)
        .collect();
    // The last member taken, in plan order: a candidate after it is
    // merged last, and only its own merge needs counting.
    let mut last: Option<usize> = None;
    for &c in priority {
        let m = members[c];
        let theirs: HashSet<&str> = split_multi(m.merged).collect();
        let grows = std::iter::once(m.id)
            .chain(theirs.iter().copied())
            .filter(|id| *id != primary.id && !after.contains(id))
            .collect::<HashSet<&str>>()
            .len();
        if after.len() + grows > max {
            continue;
        }
        let goes_through = match last {
            Some(l) if c > l => {
                after.len() + theirs.iter().filter(|id| !after.contains(*id)).count() < max
            }
            _ => {
                keep[c] = true;
                let ok = fits(primary, members, &keep, max);
                keep[c] = false;
                ok
            }
        };
        if goes_through {
            keep[c] = true;
            last = last.max(Some(c));
            after.insert(m.id);
            after.extend(theirs);
            after.remove(primary.id);
        }
    }
    keep
}

/// Whether merging the kept members into the primary in plan order goes
/// through: each merge counts the distinct ids of the primary's merged ids
/// so far and the member's own, and is refused at `max`; after it the
/// primary's merged ids gain the member's id and its merged ids (never the
/// primary's own id), as the rule "merged-ids" writes them.
pub fn fits(primary: Member<'_>, members: &[Member<'_>], keep: &[bool], max: usize) -> bool {
    let mut ids: HashSet<&str> = split_multi(primary.merged).collect();
    for (m, _) in members.iter().zip(keep).filter(|(_, k)| **k) {
        let theirs: HashSet<&str> = split_multi(m.merged).collect();
        let count = ids.len() + theirs.iter().filter(|id| !ids.contains(*id)).count();
        if count >= max {
            return false;
        }
        ids.insert(m.id);
        ids.extend(theirs);
        ids.remove(primary.id);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member<'a>(id: &'a str, merged: &'a str) -> Member<'a> {
        Member { id, merged }
    }

    fn ids(from: usize, n: usize) -> String {
        (from..from + n)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(";")
    }

    /// 260 identical contacts: the primary takes 250 (the 250th merge
    /// counts 249), the last 9 are left out.
    #[test]
    fn a_cluster_past_the_limit_keeps_the_first_max_members() {
        let names: Vec<String> = (1001..1260).map(|i| i.to_string()).collect();
        let members: Vec<Member> = names.iter().map(|id| member(id, "")).collect();
        let order: Vec<usize> = (0..members.len()).collect();
        let keep = within_limit(member("1000", ""), &members, &order, 250);
        assert_eq!(keep.iter().filter(|k| **k).count(), 250);
        assert!(keep[..250].iter().all(|k| *k));
        assert!(keep[250..].iter().all(|k| !*k));
        assert!(fits(member("1000", ""), &members, &keep, 250));
        // Every member past the first 250 would be refused.
        let mut one_more = keep.clone();
        one_more[250] = true;
        assert!(!fits(member("1000", ""), &members, &one_more, 250));
        // A cluster of exactly the limit fits whole.
        assert!(
            within_limit(member("1000", ""), &members[..250], &order[..250], 250)
                .iter()
                .all(|k| *k)
        );
    }

    /// The merges contacts took part in before count: the primary's and
    /// each member's own (`hs_merged_object_ids`), ids two of them list
    /// counted once.
    #[test]
    fn earlier_merges_of_the_primary_and_the_members_count() {
        let p_ids = ids(5000, 240);
        let p = member("1", &p_ids);
        // 240 before, each merge adds one: the 10th merge counts 249.
        let names: Vec<String> = (2..14).map(|i| i.to_string()).collect();
        let members: Vec<Member> = names.iter().map(|id| member(id, "")).collect();
        let order: Vec<usize> = (0..members.len()).collect();
        let keep = within_limit(p, &members, &order, 250);
        assert_eq!(keep.iter().filter(|k| **k).count(), 10);
        // A member that absorbed 5 others brings them along; one already
        // in the primary's list is counted once.
        let absorbed = format!("{};9001;9002;9003;9004", 5000);
        let with_history = [member("2", &absorbed), member("3", ""), member("4", "")];
        let keep = within_limit(p, &with_history, &[0, 1, 2], 246);
        // 240 + (2, 9001..9004) = 245 after the first; the second counts
        // 245, the third 246: refused.
        assert_eq!(keep, [true, true, false]);
        // A primary already at the limit takes no one.
        let full = ids(5000, 250);
        assert_eq!(
            within_limit(member("1", &full), &members[..2], &[0, 1], 250),
            [false, false]
        );
    }

    /// Members are chosen by priority (surest first), then merged in plan
    /// order; one that would not fit is passed over for those after it.
    #[test]
    fn members_are_chosen_by_priority_and_a_big_one_is_passed_over() {
        let big = ids(7000, 3);
        let members = [
            member("2", ""),
            member("3", &big),
            member("4", ""),
            member("5", ""),
        ];
        // Limit 4: 3's three merges and its own id leave room for no one
        // after it, so 3 is passed over and the others are taken.
        let keep = within_limit(member("1", ""), &members, &[0, 1, 2, 3], 4);
        assert_eq!(keep, [true, false, true, true]);
        // By priority: 5 and 4 first, then 2; the limit of 3 takes three.
        let keep = within_limit(member("1", ""), &members, &[3, 2, 1, 0], 3);
        assert_eq!(keep, [true, false, true, true]);
        let keep = within_limit(member("1", ""), &members, &[3, 2, 1, 0], 2);
        assert_eq!(keep, [false, false, true, true]);
        for max in 0..6 {
            let keep = within_limit(member("1", ""), &members, &[0, 1, 2, 3], max);
            assert!(fits(member("1", ""), &members, &keep, max), "{max}");
        }
    }

    mod plan {
        use crate::dupes::{find, Found, LeftOut, Options, Records};
        use crate::model::Contact;
        use crate::rules::testutil::contact;

        fn ann(id: u32, merged: &str) -> Contact {
            let mut props = vec![
                ("firstname", "Ann"),
                ("lastname", "Lee"),
                ("email", "ann@x.com"),
            ];
            if !merged.is_empty() {
                props.push(("hs_merged_object_ids", merged));
            }
            contact(&id.to_string(), &props)
        }

        fn bob(id: &str) -> Contact {
            let props = [
                ("firstname", "Bob"),
                ("lastname", "Ray"),
                ("email", "bob@y.com"),
            ];
            contact(id, &props)
        }

        /// Ann Lee 8 times (the first with `merged` ids), Bob Ray twice.
        fn contacts(merged: &str) -> Vec<Contact> {
            let mut c: Vec<Contact> = (1..=8)
                .map(|i| ann(i, if i == 1 { merged } else { "" }))
                .collect();
            c.extend([bob("9"), bob("10")]);
            c
        }

        fn limited(contacts: &[Contact], max_merges: usize) -> Found {
            let mut rs = Records::new(&crate::dupes::default_fields());
            for c in contacts {
                rs.push(c);
            }
            let opts = Options {
                max_merges,
                ..Options::default()
            };
            find(&rs, &opts)
        }

        fn pairs(f: &Found) -> Vec<(usize, &str, &str)> {
            f.pairs
                .iter()
                .map(|p| (p.cluster, p.primary.as_str(), p.secondary.as_str()))
                .collect()
        }

        /// A cluster whose merges would reach `max_merges` keeps the
        /// members that fit, the last ones left out; those merge among
        /// themselves, in a cluster numbered right after it.
        #[test]
        fn a_cluster_past_the_merge_limit_leaves_its_last_members_out() {
            let whole = limited(&contacts(""), 250);
            assert_eq!(whole.pairs.len(), 8);
            assert!(whole.left_out.is_empty());
            // The 5th merge counts 4: five merges, 7 and 8 left out, and
            // 8 merged into 7.
            let f = limited(&contacts(""), 5);
            assert_eq!(
                pairs(&f),
                [
                    (1, "1", "2"),
                    (1, "1", "3"),
                    (1, "1", "4"),
                    (1, "1", "5"),
                    (1, "1", "6"),
                    (2, "7", "8"),
                    (3, "9", "10"),
                ]
            );
            assert_eq!(f.clusters, 3);
            assert_eq!(
                f.left_out,
                [LeftOut {
                    primary: "1".into(),
                    cluster: Some(1),
                    merged: 5,
                    ids: vec!["7".into(), "8".into()],
                    regrouped: vec![2],
                    merged_among: 2,
                    within: None,
                }]
            );
        }

        /// Members left out are held to the limit in their own cluster
        /// too, and what that leaves out is regrouped again; a contact of
        /// another cluster never joins them.
        #[test]
        fn members_left_out_are_held_to_the_limit_again() {
            // Ann Lee 6 times, and a Bob who matches none of them.
            let mut c: Vec<Contact> = (1..=6).map(|i| ann(i, "")).collect();
            c.push(bob("7"));
            let f = limited(&c, 3);
            // 1 takes 2, 3, 4; 5 and 6 left out and merged: 6 into 5.
            assert_eq!(
                pairs(&f),
                [(1, "1", "2"), (1, "1", "3"), (1, "1", "4"), (2, "5", "6")]
            );
            assert_eq!(f.left_out[0].regrouped, [2]);
            // Left out twice over: at 2, 1 takes 2 and 3; 4, 5, 6 left
            // out; 4 takes 5 and 6.
            let f = limited(&c, 2);
            assert_eq!(
                pairs(&f),
                [(1, "1", "2"), (1, "1", "3"), (2, "4", "5"), (2, "4", "6")]
            );
            // At 1, each cluster takes one: 1 and 2, 3 and 4, 5 and 6.
            let f = limited(&c, 1);
            assert_eq!(pairs(&f), [(1, "1", "2"), (2, "3", "4"), (3, "5", "6")]);
            assert_eq!(f.left_out.len(), 2);
            assert_eq!(f.left_out[1].primary, "3");
            // 3 to 6 were left out of 1's cluster; all four merge, in two
            // clusters: the second made of those 3's cluster left out.
            assert_eq!(f.left_out[0].ids, ["3", "4", "5", "6"]);
            assert_eq!(f.left_out[0].regrouped, [2, 3]);
            assert_eq!(f.left_out[0].merged_among, 4);
            assert_eq!(f.left_out[1].within, Some(0));
            assert_eq!(f.left_out[1].regrouped, [3]);
        }

        /// The merges the primary took part in before count; at the limit
        /// already it gets no pair, and the clusters after it are
        /// numbered on.
        #[test]
        fn the_primarys_earlier_merges_count() {
            // Two merges before: three more; the other four merge into 5.
            let f = limited(&contacts("90;91"), 5);
            assert_eq!(f.pairs.len(), 3 + 3 + 1);
            assert_eq!(f.left_out[0].ids, ["5", "6", "7", "8"]);
            assert_eq!(f.left_out[0].regrouped, [2]);
            // At the limit already: no pair into 1; its members merge
            // among themselves (2 takes 3 and 4, then 5 takes 6 and 7; 8,
            // the last, stays alone), the cluster after them numbered on.
            let f = limited(&contacts("90;91"), 2);
            assert_eq!(
                pairs(&f),
                [
                    (1, "2", "3"),
                    (1, "2", "4"),
                    (2, "5", "6"),
                    (2, "5", "7"),
                    (3, "9", "10")
                ]
            );
            assert_eq!(f.left_out[0].cluster, None);
            assert_eq!(f.left_out[0].merged, 0);
            assert_eq!(f.left_out[0].ids.len(), 7);
            assert_eq!(f.left_out[0].regrouped, [1, 2]);
            assert_eq!(f.left_out[0].merged_among, 6, "all but 8");
            assert_eq!(f.left_out[2].ids, ["8"]);
            assert!(f.left_out[2].regrouped.is_empty());
        }
    }
}
