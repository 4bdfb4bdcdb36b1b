//! Why a call to the portal, a pull or a push failed. Every message names
//! the call (method and path, never the token or a header), what was being
//! done (the page, the pair) and HubSpot's own words, and says what to do.

use std::path::PathBuf;

/// HubSpot's error body, as its API documents it: `{"status": "error",
/// "message": ..., "correlationId": ..., "category": ...}` (a 429 carries
/// `errorType` and `policyName` instead of `category`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiMessage {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

impl ApiMessage {
    /// HubSpot's error body, or the start of whatever the body was.
    pub fn from_body(body: &str) -> ApiMessage {
        let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        match text("message") {
            Some(message) => ApiMessage {
                message,
                category: text("category").or_else(|| text("errorType")),
                correlation_id: text("correlationId"),
            },
            None => ApiMessage {
                message: match body.trim() {
                    "" => "(no message in the answer)".to_string(),
                    b => b.chars().take(200).collect(),
                },
                ..ApiMessage::default()
            },
        }
    }
}

impl ApiMessage {
    /// With the token replaced by `[token]` wherever it shows.
    pub fn redacted(self, token: &str) -> ApiMessage {
        let r = |t: String| super::client::redact(&t, token);
        ApiMessage {
            message: r(self.message),
            category: self.category.map(r),
            correlation_id: self.correlation_id.map(r),
        }
    }
}

impl std::fmt::Display for ApiMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.message)?;
        if let Some(c) = &self.category {
            write!(f, " ({c}")?;
            if let Some(id) = &self.correlation_id {
                write!(f, ", correlation id {id}")?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error("the token is missing: set {} to a private app's access token (it is read only from there, never from a flag)", super::TOKEN_VARIABLE)]
    NoToken,
    #[error("{} holds characters a token cannot have (a space, a line break, a letter beyond ASCII): copy the private app's access token again", super::TOKEN_VARIABLE)]
    BadToken,
    #[error("--api-base {0:?} is not an http:// or https:// address")]
    BadBase(String),
    /// HubSpot answered with an error that retrying will not mend.
    #[error("{call}: HubSpot answered {status}: {message}{}", advice(*status))]
    Api {
        call: String,
        status: u16,
        message: ApiMessage,
    },
    /// 5xx, 429 or no answer, past every retry.
    #[error(
        "{call}: gave up after {}: {last}{hint}; run the command again later (it resumes)",
        crate::text::count(*tries as usize, "try", "tries")
    )]
    GaveUp {
        call: String,
        tries: u32,
        last: String,
        /// What to check when nothing answered at all (the connection
        /// refused, the name unknown): "; ... --api-base ...", or empty.
        hint: String,
    },
    /// A 429 for the portal's daily limit: no wait within a run mends it.
    #[error("{call}: HubSpot answered 429 {message}: the portal's daily limit of API calls is reached, and nothing more can be sent until HubSpot resets it at midnight (in the HubSpot account's time zone); run the command again then (it resumes)")]
    DailyLimit { call: String, message: ApiMessage },
    /// A 429 whose `Retry-After` is longer than a run waits.
    #[error("{call}: HubSpot answered 429 {message} and asks to wait {}, longer than a run waits ({}); run the command again after that (it resumes)", crate::text::duration(*wait), crate::text::duration(std::time::Duration::from_secs(*longest_secs)))]
    LongWait {
        call: String,
        message: ApiMessage,
        wait: std::time::Duration,
        /// The longest wait a run takes (kept small: in whole seconds).
        longest_secs: u64,
    },
    /// 429s, each with a short `Retry-After`, for longer in all than a
    /// call waits.
    #[error("{call}: HubSpot kept answering 429 {message} for {} in all, each time asking to wait a little; another app may be using the portal's API limit; run the command again later (it resumes)", crate::text::duration(*waited))]
    KeptLimited {
        call: String,
        message: ApiMessage,
        waited: std::time::Duration,
    },
    /// A 3xx: redirects are not followed (one would carry the token to
    /// another address).
    #[error("{call}: the API answered {status}, a redirect to {}, which is not followed (it would carry the token to another address); {}", location.as_deref().unwrap_or("(no Location given)"), redirect_advice(location.as_deref(), call))]
    Redirect {
        call: String,
        status: u16,
        location: Option<String>,
    },
    /// A 414: the address (its list of properties) is longer than the
    /// portal takes. Its body (a proxy's HTML page) says nothing more.
    #[error("{call}: the portal answered 414 (Request-URI Too Large): the request's address, about {chars} characters, most of them the names of the properties asked for, is longer than it takes; name fewer properties with --properties, or give pull --max-url-chars a number below {chars} (it then splits the property list over more requests)")]
    UriTooLong { call: String, chars: usize },
    /// A property name longer than a page request's address may be.
    #[error("the property {name:?} alone makes a page request's address longer than {max} characters (--max-url-chars): give a larger --max-url-chars, or leave this property out of --properties")]
    PropertyTooLong { name: String, max: usize },
    /// The requests of one page (its properties split over several)
    /// answered with different contacts, every time it was asked.
    #[error("{call}: page {page} is asked in {requests} requests (its properties split to keep each address short), and their answers held different contacts {tries} times in a row: contacts are being created, merged or deleted in the portal right now; run the command again later (it resumes)")]
    PageShifted {
        call: String,
        page: usize,
        requests: usize,
        tries: usize,
    },
    #[error("{call}: the answer is not what HubSpot sends: {detail}")]
    BadReply { call: String, detail: String },
    /// The secondary of a pair whose merge had no answer was merged into
    /// another record, outside this plan.
    #[error("{call}: HubSpot answers that {secondary} was merged into {into}, which is not the primary {primary} and does not hold it: it was merged outside this plan (in HubSpot, or by another plan); look at both records in HubSpot, then take this pair out of the plan or mend it, and run push again (it resumes)")]
    MergedElsewhere {
        call: String,
        secondary: String,
        into: String,
        primary: String,
    },
    /// `source` is in the chain a caller prints, and so not in this
    /// message (it was printed twice).
    #[error("{}: {what}", path.display())]
    File {
        path: PathBuf,
        what: &'static str,
        source: std::io::Error,
    },
    #[error("{path}: {detail}")]
    State { path: PathBuf, detail: String },
    /// Another run holds the push log's lock.
    #[error("{}: another push is using this push log (it holds the log's lock): wait for it to finish, then run this {} again{}", path.display(), if *dry_run { "dry run" } else { "push" }, if *dry_run { "" } else { " (it resumes from the log)" })]
    LogInUse { path: PathBuf, dry_run: bool },
    /// Another run is pulling into the same output (it holds the lock of
    /// the part file).
    #[error("{}: another pull into this output is running (it holds the lock of {}): wait for it to finish, or pull into another -o", output.display(), part.display())]
    PullInUse { output: PathBuf, part: PathBuf },
}

fn advice(status: u16) -> &'static str {
    match status {
        401 => "; check the token in HUBSPOT_TOKEN (a private app's access token)",
        403 => "; the private app needs the crm.objects.contacts scopes (read for pull, write for push)",
        _ => "",
    }
}

/// What to give `--api-base` after a redirect: the address it names,
/// less the path of the call, when it ends with that path.
fn redirect_advice(location: Option<&str>, call: &str) -> String {
    let path = call.split_once(' ').map_or(call, |(_, p)| p);
    match location.and_then(|l| l.split('?').next()?.strip_suffix(path)) {
        Some(base) if base.starts_with("http") => {
            format!("if {base} is the API's address, give --api-base {base}")
        }
        _ => "check --api-base (an https:// address where http:// was given?)".into(),
    }
}

impl PortalError {
    /// The HTTP status HubSpot answered with, when one stopped the run.
    pub fn status(&self) -> Option<u16> {
        match self {
            PortalError::Api { status, .. } | PortalError::Redirect { status, .. } => Some(*status),
            PortalError::UriTooLong { .. } => Some(414),
            PortalError::DailyLimit { .. }
            | PortalError::LongWait { .. }
            | PortalError::KeptLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// Whether the message says itself to run the command again (it
    /// resumes): the caller need not say it twice.
    pub fn says_run_again(&self) -> bool {
        matches!(
            self,
            PortalError::GaveUp { .. }
                | PortalError::DailyLimit { .. }
                | PortalError::LongWait { .. }
                | PortalError::KeptLimited { .. }
                | PortalError::PageShifted { .. }
        )
    }

    pub fn file(path: &std::path::Path, what: &'static str, source: std::io::Error) -> Self {
        PortalError::File {
            path: path.to_path_buf(),
            what,
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hubspot_error_bodies_give_message_category_and_correlation_id() {
        let m = ApiMessage::from_body(
            r#"{"status":"error","message":"Contact not found","correlationId":"c-1","category":"OBJECT_NOT_FOUND"}"#,
        );
        assert_eq!(m.message, "Contact not found");
        assert_eq!(m.category.as_deref(), Some("OBJECT_NOT_FOUND"));
        assert_eq!(
            m.to_string(),
            "\"Contact not found\" (OBJECT_NOT_FOUND, correlation id c-1)"
        );
        let rate = ApiMessage::from_body(
            r#"{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","correlationId":"x","policyName":"SECONDLY"}"#,
        );
        assert_eq!(rate.category.as_deref(), Some("RATE_LIMIT"));
        assert_eq!(
            ApiMessage::from_body("<html>bad gateway</html>").message,
            "<html>bad gateway</html>"
        );
        assert_eq!(
            ApiMessage::from_body("").message,
            "(no message in the answer)"
        );
    }
}
