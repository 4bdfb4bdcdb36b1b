//! Settling pairs in plan order: the report, the journal and the positions
//! it records.

use std::io;

use serde_json::Value;

use super::merge_one::Noted;
use super::waves::{Before, Outcome, Resolved};
use super::{
    Applied, ApplyError, ApplyOptions, ApplyReport, BadPair, Fenwick, Pair, PairSections,
    PairWarning, Plan, Store,
};
use crate::model::Contact;
use crate::warning::Warning;

/// What the journal gets of a merge: both contacts before it and the
/// result (when kept for it), the decisions, and the merge step's encoding
/// of them.
pub(super) struct Journaled<'c> {
    pub(super) contacts: Option<(&'c Contact, &'c Contact, &'c Contact)>,
    pub(super) decisions: &'c [Value],
    pub(super) encoded: Option<&'c [u8]>,
}

/// Reporting and journaling pairs in plan order.
pub(super) struct Settler<'p, J> {
    plan: &'p Plan,
    opts: &'p ApplyOptions,
    report: ApplyReport,
    /// Merged-away contacts (store numbers), for the positions the journal
    /// records.
    gone: Fenwick,
    on_applied: Option<J>,
}

impl<'p, J> Settler<'p, J> {
    /// Nothing settled yet, over a store of `count` contacts.
    pub(super) fn new(
        plan: &'p Plan,
        opts: &'p ApplyOptions,
        count: usize,
        on_applied: Option<J>,
    ) -> Self {
        Settler {
            plan,
            opts,
            report: ApplyReport {
                plan: plan.file.clone(),
                plan_format: plan.format,
                pairs: plan.pairs.len(),
                applied: 0,
                skipped: Vec::new(),
                warnings: Vec::new(),
                sections: Box::default(),
            },
            gone: Fenwick::new(count),
            on_applied,
        }
    }

    /// The report once every pair is settled: all or nothing refuses the
    /// plan when a pair was bad.
    pub(super) fn finish(self) -> Result<ApplyReport, ApplyError> {
        let mut report = self.report;
        if !self.opts.keep_going && !report.skipped.is_empty() {
            report.applied = 0;
            report.warnings.clear();
            report.sections = Box::default();
            return Err(ApplyError::BadPairs { report });
        }
        Ok(report)
    }
}

impl<J> Settler<'_, J>
where
    J: FnMut(&Applied<'_>) -> io::Result<()>,
{
    /// Settle a pair; gives back the contacts the journal no longer needs.
    pub(super) fn settle<'a, S: Store<'a>>(
        &mut self,
        work: &S,
        pair: &Pair,
        r: &Resolved,
        outcome: Outcome<'a>,
    ) -> Result<Option<Box<Before<'a>>>, ApplyError> {
        match outcome {
            Outcome::Refused(problem) => {
                self.report.skipped.push(BadPair {
                    line: pair.line,
                    place: self.plan.place(pair.line),
                    primary: pair.primary.clone(),
                    secondary: pair.secondary.clone(),
                    resolved_primary: r.pi.map(|i| work.id(i).to_string()),
                    resolved_secondary: r.si.map(|i| work.id(i).to_string()),
                    problem,
                });
                Ok(None)
            }
            Outcome::Merged {
                contacts,
                decisions,
                warnings,
                sections,
                journal,
            } => {
                let sections = sections.map_or_else(Default::default, |s| *s);
                let journaled = Journaled {
                    contacts: contacts.as_deref().map(|(p, s, m)| (&**p, &**s, m)),
                    decisions: &decisions,
                    encoded: journal.as_deref(),
                };
                self.merged(work, pair, r, journaled, (warnings, sections))?;
                Ok(contacts)
            }
        }
    }

    /// Settle a merge: count it, journal it, report its warnings and its
    /// notable section changes.
    pub(super) fn merged<'a, S: Store<'a>>(
        &mut self,
        work: &S,
        pair: &Pair,
        r: &Resolved,
        journaled: Journaled<'_>,
        (warnings, (sections, tally)): (Vec<Warning>, Noted),
    ) -> Result<(), ApplyError> {
        let Journaled {
            contacts,
            decisions,
            encoded,
        } = journaled;
        let (pi, si) = r.indices();
        let (rp, rs) = (work.id(pi), work.id(si));
        let secondary_index = work.record(si) - self.gone.count_before(si);
        self.gone.add(si);
        self.report.applied += 1;
        if self.opts.keep_going || self.report.skipped.is_empty() {
            if let (Some(journal), Some((p, s, m))) = (self.on_applied.as_mut(), contacts) {
                journal(&Applied {
                    line: pair.line,
                    primary_id: rp,
                    secondary_id: rs,
                    secondary_index,
                    primary: p,
                    secondary: s,
                    merged: m,
                    decisions,
                    encoded,
                })
                .map_err(ApplyError::Journal)?;
            }
        }
        for w in warnings {
            self.report.warnings.push(PairWarning {
                line: pair.line,
                primary: rp.to_string(),
                secondary: rs.to_string(),
                kind: w.kind,
                warning: w.message,
            });
        }
        self.report.sections.counts.add(&tally);
        if !sections.is_empty() {
            self.report.sections.merges.push(PairSections {
                line: pair.line,
                primary: pair.primary.clone(),
                secondary: pair.secondary.clone(),
                sections,
            });
        }
        Ok(())
    }
}
