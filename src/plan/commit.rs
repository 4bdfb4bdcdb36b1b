//! Committing a merge of a wave to the store.

use std::borrow::Cow;
use std::io;

use super::merge_one::{boxed, Merge, MergeDone};
use super::names::Links;
use super::settle::{Journaled, Settler};
use super::waves::{Outcome, Resolved, State};
use super::{Applied, ApplyError, Pair, Store};
use crate::model::Contact;

/// Where a merge being committed stands.
pub(super) struct Commit<'p> {
    pub(super) pair: &'p Pair,
    /// No earlier pair waits: it is settled at once.
    pub(super) settling: bool,
}

/// Commit a merge to the store (or put its contacts back if it was
/// refused). A merge settled at once needs no copy of the result for the
/// journal. Gives the pair's new state and the contacts to free.
pub(super) fn commit<'a, S, J>(
    work: &mut S,
    links: &mut Links,
    settler: &mut Settler<'_, J>,
    ctx: Commit<'_>,
    r: Resolved,
    done: MergeDone<'a, S::Prepared>,
) -> Result<Committed<'a>, ApplyError>
where
    S: Store<'a>,
    J: FnMut(&Applied<'_>) -> io::Result<()>,
{
    let (pi, si) = r.indices();
    let before = done.primary.zip(done.secondary);
    let Merge {
        merged,
        decisions,
        warnings,
        sections,
        journal,
        prepared,
        times: _,
    } = match done.result {
        Ok(merge) => merge,
        Err(problem) => {
            let (p, s) = before.expect("a merge refused gives both contacts back");
            work.checkin(pi, p);
            work.checkin(si, s);
            return Ok((State::Done(r, Outcome::Refused(problem)), Vec::new()));
        }
    };
    // Only a later pair naming an id of the result needs the secondary
    // to lead to the primary.
    links.merged(si, pi, r.named_later);
    let mut unneeded = Vec::new();
    if ctx.settling {
        let contacts = before.as_ref().map(|(p, s)| {
            let m = merged.as_ref().expect("kept with the contacts before");
            (&**p, &**s, m)
        });
        let journaled = Journaled {
            contacts,
            decisions: &decisions,
            encoded: journal.as_deref(),
        };
        settler.merged(&*work, ctx.pair, &r, journaled, (warnings, sections))?;
        unneeded.extend(before.into_iter().flat_map(|(p, s)| [p, s]));
        unneeded.extend(work.commit(pi, si, merged, prepared).map(Cow::Owned));
        return Ok((State::Settled, unneeded));
    }
    // Settled later. The journal will need the result: the store gives it
    // back unless it keeps it, and only then is it copied.
    let contacts = match before {
        Some((p, s)) => {
            let copy = if work.keeps_contact(&prepared) {
                merged.clone()
            } else {
                None
            };
            let given_back = work.commit(pi, si, merged, prepared);
            let m = copy
                .or(given_back)
                .expect("the result is kept for the journal");
            Some(Box::new((p, s, m)))
        }
        None => {
            unneeded.extend(work.commit(pi, si, merged, prepared).map(Cow::Owned));
            None
        }
    };
    let outcome = Outcome::Merged {
        contacts,
        decisions,
        warnings,
        sections: boxed(sections),
        journal,
    };
    Ok((State::Done(r, outcome), unneeded))
}

/// A pair's state once committed, and the contacts to free.
pub(super) type Committed<'a> = (State<'a>, Vec<Cow<'a, Contact>>);
