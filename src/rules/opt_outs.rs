//! An opt-out the merge does not keep: SPEC section 4 keeps the primary's
//! email information, opt-outs included, so a secondary's opt-out is
//! dropped where the primary's says otherwise. The merge warns of each, so
//! that the admin can set it again in HubSpot: worst where the primary
//! has no email and takes the secondary's, whose opt-out it was.

use super::{is_email_information, Decision};
use crate::model::Contact;
use crate::warning::{Warning, WarningKind};

/// Whether an email information property is an opt-out (the global one,
/// a subscription's by its internal name or its export label).
fn is_opt_out(prop: &str) -> bool {
    let starts = |with: &str| {
        prop.len() >= with.len()
            && prop.is_char_boundary(with.len())
            && prop[..with.len()].eq_ignore_ascii_case(with)
    };
    is_email_information(prop) && (starts("hs_email_optout") || starts("opted out of email"))
}

fn says_yes(v: Option<&str>) -> bool {
    v.map(str::trim).is_some_and(|v| {
        ["true", "yes", "1"]
            .iter()
            .any(|y| v.eq_ignore_ascii_case(y))
    })
}

/// A warning for each opt-out of `s` the merged contact does not hold.
pub fn dropped_opt_outs(p: &Contact, s: &Contact, decisions: &[Decision]) -> Vec<Warning> {
    let merged = |prop: &str| match decisions.iter().find(|d| d.property == prop) {
        Some(d) => d.merged.as_deref(),
        None => p.prop(prop),
    };
    let took_email = p.prop("email").is_none_or(|e| e.trim().is_empty())
        && s.prop("email").is_some_and(|e| !e.trim().is_empty());
    s.properties
        .iter()
        .filter(|(prop, value)| says_yes(value.as_deref()) && is_opt_out(prop))
        .filter(|(prop, _)| !says_yes(merged(prop)))
        .map(|(prop, _)| {
            let kept = merged(prop).filter(|v| !v.trim().is_empty()).unwrap_or("(empty)");
            let whose = match took_email {
                true => format!(
                    ", though the merged contact now has the secondary's email {} that opted out",
                    s.prop("email").unwrap_or_default().trim()
                ),
                false => String::new(),
            };
            Warning::new(
                WarningKind::OptOutNotKept,
                format!(
                    "contact {}: its opt-out {prop} = true is not kept: the primary {}'s email information stays ({kept}){whose}; if the person opted out, set it again in HubSpot after the merge",
                    s.id, p.id
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testutil::contact;
    use crate::rules::{property_decisions, testutil::seen, MergeOptions};

    fn warnings(p: &Contact, s: &Contact) -> Vec<Warning> {
        let d = property_decisions(&seen(p), &seen(s), &MergeOptions::default()).unwrap();
        dropped_opt_outs(p, s, &d)
    }

    #[test]
    fn a_secondarys_opt_out_the_merge_drops_is_warned_of() {
        let p = contact("1", &[("email", ""), ("hs_email_optout", "false")]);
        let s = contact("2", &[("email", "b@x.com"), ("hs_email_optout", "true")]);
        let w = warnings(&p, &s);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].kind, WarningKind::OptOutNotKept);
        assert!(
            w[0].message.contains("hs_email_optout = true is not kept"),
            "{}",
            w[0]
        );
        assert!(
            w[0].message.contains("the secondary's email b@x.com"),
            "{}",
            w[0]
        );
        // The primary opted out too, or the secondary did not: nothing lost.
        let p2 = contact("1", &[("email", "a@x.com"), ("hs_email_optout", "true")]);
        assert!(warnings(&p2, &s).is_empty());
        let s2 = contact(
            "2",
            &[("email", "b@x.com"), ("Opted out of email: News", "false")],
        );
        assert!(warnings(&p, &s2).is_empty());
        let s3 = contact(
            "2",
            &[("email", "b@x.com"), ("Opted out of email: News", "true")],
        );
        assert_eq!(warnings(&p2, &s3).len(), 1);
    }
}
