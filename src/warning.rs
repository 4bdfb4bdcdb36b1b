//! What a merge tells the admin without refusing: something to act on that
//! the merge itself cannot settle (Salesforce sync, an opt-out dropped).
//! Each warning has a kind, so that a batch of thousands of merges can
//! summarise them by kind.

use std::fmt;

use serde::Serialize;

/// One warning of a merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub kind: WarningKind,
    pub message: String,
}

impl Warning {
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Self {
        Warning {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What a warning is about (written as its [`WarningKind::name`] in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningKind {
    /// Both contacts sync to different Salesforce records: merge them in
    /// Salesforce first.
    SalesforceBothSync,
    /// The secondary's Salesforce record is no longer synced.
    SalesforceUnsynced,
    /// The secondary opted out and the merged contact keeps the primary's
    /// email information, which does not.
    OptOutNotKept,
}

impl WarningKind {
    /// The kind as scripts and summaries name it (as in JSON).
    pub fn name(self) -> &'static str {
        match self {
            WarningKind::SalesforceBothSync => "salesforce-both-sync",
            WarningKind::SalesforceUnsynced => "salesforce-unsynced",
            WarningKind::OptOutNotKept => "opt-out-not-kept",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_named_as_in_json() {
        for k in [
            WarningKind::SalesforceBothSync,
            WarningKind::SalesforceUnsynced,
            WarningKind::OptOutNotKept,
        ] {
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::Value::from(k.name())
            );
        }
    }
}
