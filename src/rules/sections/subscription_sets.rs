//! One email's subscriptions from both contacts (SPEC section 4 keeps
//! them per email; an email both have is one address in HubSpot, with one
//! status per subscription).

use foldhash::HashMap;
use serde_json::Value;

use crate::model::value_as_text;

/// Whether a subscription status says the person opted out.
fn is_opt_out(status: &str) -> bool {
    ["NOT_SUBSCRIBED", "UNSUBSCRIBED", "OPT_OUT", "OPTED_OUT"]
        .iter()
        .any(|s| status.trim().eq_ignore_ascii_case(s))
}

/// Both sets of one email (lists of `{id, status, ...}`): P's entries,
/// S's opt-out in place of P's entry of the same id when P's is not one
/// (a person who opted out stays out), and S's entries of ids P's set
/// lacks. `None` when S's adds nothing (or either is not such a list): P's
/// set stays as it is. Also what was taken, for the report.
pub(super) fn combined_set(p: &Value, s: &Value) -> Option<(Value, Vec<String>)> {
    let (pl, sl) = (p.as_array()?, s.as_array()?);
    let id = |e: &Value| e.get("id").and_then(value_as_text);
    let status = |e: &Value| e.get("status").and_then(value_as_text).unwrap_or_default();
    let mut out = pl.clone();
    // Each id's first entry in the result.
    let mut at: HashMap<String, usize> = HashMap::default();
    for (i, e) in out.iter().enumerate() {
        if let Some(k) = id(e) {
            at.entry(k).or_insert(i);
        }
    }
    let mut taken = Vec::new();
    for e in sl {
        let Some(sid) = id(e) else { continue };
        match at.get(&sid) {
            Some(&i) if is_opt_out(&status(e)) && !is_opt_out(&status(&out[i])) => {
                out[i] = e.clone();
                taken.push(format!("{sid} {} (the secondary's opt-out)", status(e)));
            }
            Some(_) => {}
            None => {
                at.insert(sid.clone(), out.len());
                out.push(e.clone());
                taken.push(format!("{sid} {} (only the secondary's)", status(e)));
            }
        }
    }
    (!taken.is_empty()).then(|| (Value::Array(out), taken))
}
