//! Contacts merged away while a pull ran.
//!
//! A pull takes many requests (and a resumed one, days). Contacts 40 and
//! 41 pulled on an early page and merged into 1189 in the portal before
//! 1189's page was asked are in the part twice over: as themselves and
//! inside 1189, whose `hs_merged_object_ids` lists them. They no longer
//! exist in the portal, so their old copies are left out of the output,
//! and a warning says which. Only a pull that has `hs_merged_object_ids`
//! among its properties (`--properties all` has it) can tell.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::portal::error::PortalError;

/// How many merged-away ids the warning names.
const NAMED: usize = 4;

/// The contacts of the part that another contact of it lists as merged
/// into it.
#[derive(Debug, Default)]
pub(super) struct Stale {
    /// Merged-away id → the id it went into, in the part's order.
    pub ids: Vec<(String, String)>,
    set: HashSet<String>,
}

impl Stale {
    pub fn contains(&self, id: &str) -> bool {
        self.set.contains(id)
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The warning: `40 and 41 were merged into 1189 in the portal while
    /// the pull ran; their old copies are left out`.
    pub fn warning(&self) -> Option<String> {
        let n = self.ids.len();
        if n == 0 {
            return None;
        }
        let into: HashSet<&str> = self.ids.iter().map(|(_, i)| i.as_str()).collect();
        let named: Vec<&str> = self
            .ids
            .iter()
            .take(NAMED)
            .map(|(g, _)| g.as_str())
            .collect();
        let who = match (n, named.as_slice()) {
            (1, [one]) => one.to_string(),
            (2, [a, b]) => format!("{a} and {b}"),
            _ if n <= NAMED => format!("{} and {}", named[..n - 1].join(", "), named[n - 1]),
            _ => format!("{n} contacts ({}, ...)", named.join(", ")),
        };
        let were = if n == 1 { "was" } else { "were" };
        let whom = match into.len() {
            1 => self.ids[0].1.clone(),
            k => format!("{k} other contacts"),
        };
        let their = if n == 1 {
            "its old copy is"
        } else {
            "their old copies are"
        };
        Some(format!(
            "{who} {were} merged into {whom} in the portal while the pull ran; {their} left out"
        ))
    }
}

#[derive(Deserialize)]
struct Record {
    id: Value,
    #[serde(default)]
    properties: Option<Props>,
}

#[derive(Deserialize)]
struct Props {
    #[serde(default)]
    hs_merged_object_ids: Option<Value>,
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The id of a line of the part.
pub(super) fn id_of_line(line: &str) -> Option<String> {
    serde_json::from_str::<Record>(line)
        .ok()
        .and_then(|r| text(&r.id))
}

/// The stale contacts of the part at `path` (JSON Lines, as pull writes).
pub(super) fn stale_in(path: &Path) -> Result<Stale, PortalError> {
    let read_err = |e| PortalError::file(path, "cannot read the part file", e);
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Stale::default()),
        Err(e) => return Err(read_err(e)),
    };
    let mut present = HashSet::new();
    let mut lists: Vec<(String, Vec<String>)> = Vec::new();
    for line in BufReader::new(file).lines() {
        let line = line.map_err(read_err)?;
        let Ok(r) = serde_json::from_str::<Record>(&line) else {
            continue;
        };
        let Some(id) = text(&r.id) else { continue };
        let merged = r
            .properties
            .and_then(|p| p.hs_merged_object_ids)
            .and_then(|v| text(&v))
            .unwrap_or_default();
        let gone: Vec<String> = merged
            .split(';')
            .map(str::trim)
            .filter(|g| !g.is_empty() && *g != id)
            .map(str::to_string)
            .collect();
        if !gone.is_empty() {
            lists.push((id.clone(), gone));
        }
        present.insert(id);
    }
    let mut into: HashMap<String, String> = HashMap::new();
    let mut stale = Stale::default();
    for (id, gone) in lists {
        for g in gone {
            if present.contains(&g) && !into.contains_key(&g) {
                into.insert(g.clone(), id.clone());
                stale.set.insert(g.clone());
                stale.ids.push((g, id.clone()));
            }
        }
    }
    Ok(stale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stale(pairs: &[(&str, &str)]) -> Stale {
        Stale {
            ids: pairs
                .iter()
                .map(|(g, i)| (g.to_string(), i.to_string()))
                .collect(),
            set: pairs.iter().map(|(g, _)| g.to_string()).collect(),
        }
    }

    #[test]
    fn the_warning_names_the_first_few() {
        assert_eq!(stale(&[]).warning(), None);
        assert!(stale(&[("40", "1189"), ("41", "1189")])
            .warning()
            .unwrap()
            .starts_with("40 and 41 were merged into 1189 in the portal while the pull ran; their old copies are left out"));
        assert!(stale(&[("40", "1189")]).warning().unwrap().starts_with(
            "40 was merged into 1189 in the portal while the pull ran; its old copy is left out"
        ));
        let many: Vec<(String, String)> =
            (1..=6).map(|i| (i.to_string(), format!("9{i}"))).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let w = stale(&many).warning().unwrap();
        assert!(
            w.starts_with("6 contacts (1, 2, 3, 4, ...) were merged into 6 other contacts"),
            "{w}"
        );
    }

    #[test]
    fn a_contact_listed_as_merged_into_another_pulled_one_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        let part = dir.path().join("p.ndjson");
        std::fs::write(
            &part,
            concat!(
                "{\"id\":\"40\",\"properties\":{\"email\":\"a\"}}\n",
                "{\"id\":\"41\",\"properties\":{\"hs_merged_object_ids\":\"\"}}\n",
                "{\"id\":\"42\",\"properties\":{\"hs_merged_object_ids\":\"7;42\"}}\n",
                "{\"id\":\"1189\",\"properties\":{\"hs_merged_object_ids\":\"40;41;3\"}}\n",
            ),
        )
        .unwrap();
        let s = stale_in(&part).unwrap();
        assert_eq!(
            s.ids,
            [("40".into(), "1189".into()), ("41".into(), "1189".into())]
        );
        assert!(s.contains("41") && !s.contains("42") && !s.contains("1189"));
    }
}
