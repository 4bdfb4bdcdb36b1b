//! The pairs of a found plan that `apply` would refuse: the merge rules
//! cannot merge some values (a counter that is no whole number, a
//! lifecycle stage the order does not know, a date that is no date), and
//! the duplicate finder compares only the fields it reads. Found by
//! running the apply itself on the file, its output thrown away, so the
//! answer is apply's own.

use std::path::Path;

use super::DupPair;
use crate::batch::{self, BatchError, Input};
use crate::format::Format;
use crate::plan::{BadPair, PairProblem, Plan};
use crate::rules::MergeOptions;

/// The pairs of `pairs` (as the plan file holds them, CSV lines from 2)
/// that `apply` with `opts` would refuse on the file at `path`, with why;
/// none for a file that can be read only once (stdin, a pipe), which the
/// finder has read already. A pair whose id no contact has is left out:
/// the finder names only contacts it read, so that is an id with spaces
/// around it, which [`crate::check`] and the finder's own warning name.
pub fn refused_by_apply(
    path: &Path,
    format: Option<Format>,
    pairs: &[DupPair],
    opts: &MergeOptions,
) -> Result<Vec<BadPair>, BatchError> {
    let input = Input {
        path,
        format,
        deciding: None,
    };
    if pairs.is_empty() || input.read_once() {
        return Ok(Vec::new());
    }
    let plan = Plan::csv(
        &path.display().to_string(),
        pairs
            .iter()
            .map(|p| (p.primary.as_str(), p.secondary.as_str())),
    );
    let report = batch::check_plan(input, &plan, opts, true)?;
    Ok((report.skipped.into_iter())
        .filter(|bad| !matches!(bad.problem, PairProblem::Missing { .. }))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(primary: &str, secondary: &str) -> DupPair {
        DupPair {
            cluster: 1,
            primary: primary.into(),
            secondary: secondary.into(),
            score: 1.0,
            reasons: vec![],
        }
    }

    #[test]
    fn a_pair_with_a_counter_that_is_no_number_is_named_with_why() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.csv");
        std::fs::write(
            &file,
            "Record ID,Email,Number of Pageviews\n1,a@x.com,3\n2,a@x.com,lots\n3,b@x.com,1\n4,b@x.com,2\n",
        )
        .unwrap();
        let pairs = [pair("1", "2"), pair("3", "4")];
        let bad = refused_by_apply(&file, None, &pairs, &MergeOptions::default()).unwrap();
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert_eq!(
            (bad[0].primary.as_str(), bad[0].secondary.as_str()),
            ("1", "2")
        );
        assert_eq!(bad[0].line, 2);
        let why = bad[0].problem.to_string();
        assert!(why.contains("'lots' is not a whole number"), "{why}");
        // Nothing to refuse, nothing named.
        let good = refused_by_apply(&file, None, &pairs[1..], &MergeOptions::default()).unwrap();
        assert!(good.is_empty(), "{good:?}");
    }
}
