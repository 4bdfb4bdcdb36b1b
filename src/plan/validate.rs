//! Whether a pair can be merged: its ids (missing, the same, one contact
//! already) and its merge (the merge limit, the rules' refusal, the id it
//! gives). Every merge of a plan is checked here, in memory or streamed.

use super::names::{Links, Names};
use super::waves::Resolved;
use super::{ApplyOptions, MergeStep, Pair, PairProblem, Primary, Redirects, Side, Store};
use crate::merge::Times;
use crate::model::{Contact, Layout};
use crate::pair::IdProblem;

/// Resolve a pair's ids (`names`, its ids' numbers) as things stand, and
/// say why it cannot be merged if that shows already. `redirects`: the
/// export's own, for the claimants of a contested id.
pub(super) fn resolve_pair<'a, S: Store<'a>>(
    pair: &Pair,
    [pn, sn]: [u32; 2],
    (names, links, redirects): (&Names, &mut Links, &Redirects),
    work: &S,
) -> (Resolved, Option<PairProblem>) {
    // A contested id resolves to no contact: the report says whose it may be.
    let mut resolve = |n: u32| match names.contested[n as usize] {
        true => None,
        false => links.resolve(names.reach[n as usize]),
    };
    let (pi, si) = (resolve(pn), resolve(sn));
    let contested = [(pn, &pair.primary), (sn, &pair.secondary)]
        .into_iter()
        .filter(|(n, _)| names.contested[*n as usize])
        .find_map(|(_, id)| Some((id.clone(), redirects.contested(id)?)));
    let stale = [(pn, &pair.primary), (sn, &pair.secondary)]
        .into_iter()
        .filter(|(n, _)| names.contested[*n as usize])
        .find_map(|(_, id)| Some((id.clone(), redirects.stale(id)?.to_string())));
    let problem = match crate::pair::both(&pair.primary, &pair.secondary, (pi, si)) {
        _ if contested.is_some() => {
            contested.map(|(id, claimants)| PairProblem::Contested { id, claimants })
        }
        _ if stale.is_some() => stale.map(|(id, holder)| PairProblem::StaleCopy { id, holder }),
        Ok(_) => None,
        Err(IdProblem::SameId) => Some(PairProblem::SameId {
            id: pair.primary.clone(),
        }),
        Err(IdProblem::Missing(side)) => Some(PairProblem::Missing {
            id: match side {
                Side::Primary => pair.primary.clone(),
                Side::Secondary => pair.secondary.clone(),
            },
            side,
        }),
        Err(IdProblem::SameContact) => Some(PairProblem::SameContact {
            id: work.id(pi.expect("one contact")).to_string(),
        }),
    };
    let named_later = true;
    (
        Resolved {
            pi,
            si,
            named_later,
        },
        problem,
    )
}

/// Merge a pair's two contacts as a plan does: refused when together they
/// took part in the merge limit's number of merges, when the merge step
/// refuses, and when it gives a contact with another id than the primary's
/// (a bug in the rules). Every merge of a plan goes through here, in a
/// wave or while the file is read.
pub(crate) fn merge_checked<M>(
    layout: &Layout,
    opts: &ApplyOptions,
    merge: &M,
    (p, s): (Primary<'_>, &Contact),
    times: Times<'_>,
) -> Result<MergeStep, PairProblem>
where
    M: Fn(&Layout, Primary<'_>, &Contact, Times<'_>) -> Result<MergeStep, String>,
{
    if let Some(count) = crate::pair::over_limit(p.contact(), s, opts.max_merges) {
        return Err(PairProblem::OverLimit {
            count,
            max: opts.max_merges,
        });
    }
    let id = p.contact().id.clone();
    let step = merge(layout, p, s, times).map_err(|message| PairProblem::Refused { message })?;
    if step.merged.id != id {
        return Err(PairProblem::Refused {
            message: format!(
                "the merge gave a contact with id {} instead of the primary's {id}; this is a bug in the merge rules",
                step.merged.id
            ),
        });
    }
    Ok(step)
}
