//! The one HTTP client: `ureq` (blocking, rustls), the token as a Bearer
//! header, every request under the [`Limiter`], and HubSpot's answers
//! sorted into what to do next ([`Failure`]).
//!
//! [`Client::send`] sends one request; [`Client::call`] repeats an
//! idempotent one (a GET) through 429s, 5xx and dropped connections. A
//! merge is not idempotent, so `push` drives its own retries around
//! `send` (see [`super::push`]).
//!
//! The token is held in a [`Token`], whose `Debug` hides it; it goes into
//! the `Authorization` header and nowhere else: no message, log line or
//! error carries a header.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::error::{ApiMessage, PortalError};
use super::rate::{Limiter, Rate};

/// A private app's access token. Never printed: `Debug` shows `Token(…)`.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// The token, refused when empty.
    pub fn new(token: String) -> Result<Token, PortalError> {
        let token = token.trim().to_string();
        if token.is_empty() {
            return Err(PortalError::NoToken);
        }
        // A header cannot carry spaces or control characters; say so
        // here, without the token, rather than in an HTTP library's words.
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(PortalError::BadToken);
        }
        Ok(Token(token))
    }

    /// From `HUBSPOT_TOKEN`.
    pub fn from_env() -> Result<Token, PortalError> {
        let token = std::env::var(super::TOKEN_VARIABLE).map_err(|_| PortalError::NoToken)?;
        Token::new(token)
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// How the client talks to the portal.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// `--api-base`, without a trailing `/`.
    pub base: String,
    pub rate: Rate,
    /// Tries of one call through 5xx and dropped connections.
    pub tries: u32,
    /// The first wait after a 5xx or a dropped connection; doubled each
    /// time, up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// A `Retry-After` longer than this (a daily limit) stops the run.
    pub max_retry_after: Duration,
    /// The 429s of one call, each with a `Retry-After`, waited this long
    /// in all: the run stops (another app is using the portal's limit).
    pub max_rate_limited: Duration,
    /// One request, answer included.
    pub timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            base: super::DEFAULT_API_BASE.to_string(),
            rate: Rate::default(),
            tries: 6,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(32),
            max_retry_after: Duration::from_secs(120),
            max_rate_limited: Duration::from_secs(15 * 60),
            timeout: Duration::from_secs(60),
        }
    }
}

/// One request.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: Method,
    /// From the API's root, e.g. `/crm/v3/objects/contacts`.
    pub path: String,
    pub query: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub enum Method {
    Get,
    Post(Value),
}

impl Call {
    pub fn get(path: impl Into<String>) -> Call {
        Call {
            method: Method::Get,
            path: path.into(),
            query: Vec::new(),
        }
    }

    pub fn post(path: impl Into<String>, body: Value) -> Call {
        Call {
            method: Method::Post(body),
            path: path.into(),
            query: Vec::new(),
        }
    }

    pub fn query(mut self, key: &str, value: impl Into<String>) -> Call {
        self.query.push((key.to_string(), value.into()));
        self
    }

    /// `GET /crm/v3/objects/contacts`, for messages (no query: property
    /// lists are long, and cursors say nothing to a reader).
    pub fn describe(&self) -> String {
        let m = match self.method {
            Method::Get => "GET",
            Method::Post(_) => "POST",
        };
        format!("{m} {}", self.path)
    }
}

/// How many characters `call`'s address takes at most: `base`, the path
/// and the query, every byte but letters, digits and `-._~`
/// percent-encoded (three characters).
pub fn url_len(base: &str, call: &Call) -> usize {
    let query: usize = call
        .query
        .iter()
        .map(|(k, v)| 2 + encoded_len(k) + encoded_len(v))
        .sum();
    base.len() + call.path.len() + query
}

/// `s`'s length once percent-encoded (at most).
pub fn encoded_len(s: &str) -> usize {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => 1,
            _ => 3,
        })
        .sum()
}

/// A request that did not succeed.
#[derive(Debug, Clone)]
pub enum Failure {
    /// 429: the next request waits `wait` (HubSpot's `Retry-After`, else a
    /// whole window). `told`: the answer carried a `Retry-After`; `daily`:
    /// the body names the daily limit (`policyName: DAILY`), which no wait
    /// within a run mends.
    RateLimited {
        wait: Duration,
        told: bool,
        daily: bool,
        message: ApiMessage,
    },
    /// 5xx: HubSpot failed; the request may or may not have been done.
    Server { status: u16, message: ApiMessage },
    /// No answer (refused, reset, cut short, timed out): the request may
    /// or may not have been done.
    Dropped { detail: String },
    /// A 3xx, not followed (a redirect would carry the token elsewhere).
    Redirect {
        status: u16,
        location: Option<String>,
    },
    /// Any other answer that is not a success: retrying will not help.
    Api { status: u16, message: ApiMessage },
    /// A success whose body is not JSON.
    BadReply { detail: String },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::RateLimited {
                daily: true,
                message,
                ..
            } => write!(f, "429 {message} (the daily limit)"),
            Failure::RateLimited {
                wait,
                told,
                message,
                ..
            } => write!(
                f,
                "429 {message}, wait {}{}",
                crate::text::duration(*wait),
                if *told { "" } else { " (no Retry-After)" }
            ),
            Failure::Redirect { status, location } => write!(
                f,
                "{status} redirect to {}",
                location.as_deref().unwrap_or("(no Location)")
            ),
            Failure::Server { status, message } | Failure::Api { status, message } => {
                write!(f, "{status} {message}")
            }
            Failure::Dropped { detail } => write!(f, "no answer: {detail}"),
            Failure::BadReply { detail } => write!(f, "bad answer: {detail}"),
        }
    }
}

impl Failure {
    /// A few words for a progress bar: `429`, `503`, `no answer`.
    pub fn short(&self) -> String {
        match self {
            Failure::RateLimited { .. } => "429 (rate limit)".into(),
            Failure::Server { status, .. }
            | Failure::Api { status, .. }
            | Failure::Redirect { status, .. } => status.to_string(),
            Failure::Dropped { .. } => "no answer".into(),
            Failure::BadReply { .. } => "a bad answer".into(),
        }
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::RateLimited { .. } => Some(429),
            Failure::Server { status, .. }
            | Failure::Api { status, .. }
            | Failure::Redirect { status, .. } => Some(*status),
            Failure::Dropped { .. } | Failure::BadReply { .. } => None,
        }
    }
}

/// A retry about to happen, for the log and the progress bar.
#[derive(Debug)]
pub struct Retrying<'a> {
    pub call: &'a Call,
    pub failure: &'a Failure,
    /// The wait before the next try.
    pub wait: Duration,
}

/// The client. Counts what it sent.
pub struct Client {
    agent: ureq::Agent,
    token: Token,
    limiter: Limiter,
    opts: ClientOptions,
    /// Requests sent (answered or not).
    pub sent: u64,
}

impl Client {
    pub fn new(token: Token, mut opts: ClientOptions) -> Result<Client, PortalError> {
        let base = opts.base.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(PortalError::BadBase(opts.base));
        }
        opts.base = base;
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(opts.timeout))
            .user_agent(concat!("contact-merge/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Client {
            agent: ureq::Agent::new_with_config(config),
            token,
            limiter: Limiter::new(opts.rate),
            opts,
            sent: 0,
        })
    }

    pub fn options(&self) -> &ClientOptions {
        &self.opts
    }

    /// The wait before try `n + 1` after `n` failed tries (5xx, dropped).
    pub fn backoff(&self, n: u32) -> Duration {
        let factor = 1u32 << n.saturating_sub(1).min(16);
        (self.opts.backoff * factor).min(self.opts.max_backoff)
    }

    /// Send one request, once the limiter lets it go.
    pub fn send(&mut self, call: &Call) -> Result<Value, Failure> {
        self.limiter.acquire();
        self.sent += 1;
        let url = format!("{}{}", self.opts.base, call.path);
        let auth = format!("Bearer {}", self.token.0);
        let result = match &call.method {
            Method::Get => {
                let mut req = self.agent.get(&url).header("Authorization", &auth);
                for (k, v) in &call.query {
                    req = req.query(k, v);
                }
                req.header("Accept", "application/json").call()
            }
            Method::Post(body) => {
                let mut req = self.agent.post(&url).header("Authorization", &auth);
                for (k, v) in &call.query {
                    req = req.query(k, v);
                }
                req.header("Accept", "application/json")
                    .content_type("application/json")
                    .send(body.to_string())
            }
        };
        let outcome = read_answer(result, self.opts.rate, &self.token.0);
        let now = Instant::now();
        self.limiter.ended_at(now);
        if let Err(Failure::RateLimited { wait, .. }) = &outcome {
            self.limiter.hold_until(now + *wait);
        }
        outcome
    }

    /// Send an idempotent request (a GET), through 429s, 5xx and dropped
    /// connections; `on_retry` hears of each retry before its wait.
    pub fn call(
        &mut self,
        call: &Call,
        on_retry: &mut dyn FnMut(&Retrying<'_>),
    ) -> Result<Value, PortalError> {
        let mut tries = Tries::default();
        loop {
            let failure = match self.send(call) {
                Ok(v) => return Ok(v),
                Err(f) => f,
            };
            let wait = self.retry_wait(call, &failure, &mut tries)?;
            on_retry(&Retrying {
                call,
                failure: &failure,
                wait,
            });
            std::thread::sleep(wait);
        }
    }

    /// After the last try: when nothing answered at all (the connection
    /// refused, the host name unknown), the address is the likelier
    /// cause than the portal, and `--api-base` is named.
    fn unreachable_hint(&self, failure: &Failure) -> String {
        let Failure::Dropped { detail } = failure else {
            return String::new();
        };
        let d = detail.to_ascii_lowercase();
        let unreachable = [
            "connection refused",
            "lookup address",
            "name or service",
            "dns",
            "resolve",
        ];
        if unreachable.iter().any(|u| d.contains(u)) {
            format!(
                "; nothing answers at {}: check --api-base (leave it out for HubSpot's {}) and the network",
                self.opts.base,
                super::DEFAULT_API_BASE
            )
        } else {
            String::new()
        }
    }

    /// How long to wait before sending `call` again after `failure`, or
    /// the error that ends it (`tries`: what the call went through so
    /// far). A 429's wait is kept by the limiter itself; it is returned for
    /// the log, and sleeping it again costs nothing.
    pub fn retry_wait(
        &self,
        call: &Call,
        failure: &Failure,
        tries: &mut Tries,
    ) -> Result<Duration, PortalError> {
        let failed = &mut tries.failed;
        let longest = self.opts.max_retry_after;
        match failure {
            Failure::RateLimited {
                daily: true,
                message,
                ..
            } => Err(PortalError::DailyLimit {
                call: call.describe(),
                message: message.clone(),
            }),
            // Each wait is short, but a portal whose limit another app
            // keeps using could hold a run for ever: bounded in all.
            Failure::RateLimited {
                wait,
                told: true,
                message,
                ..
            } if *wait <= longest => {
                tries.limited += *wait;
                if tries.limited > self.opts.max_rate_limited {
                    return Err(PortalError::KeptLimited {
                        call: call.describe(),
                        message: message.clone(),
                        waited: tries.limited,
                    });
                }
                Ok(*wait)
            }
            Failure::RateLimited {
                wait,
                told: true,
                message,
                ..
            } => Err(PortalError::LongWait {
                call: call.describe(),
                message: message.clone(),
                wait: *wait,
                longest_secs: longest.as_secs(),
            }),
            // A 429 without `Retry-After` says nothing of how long it
            // lasts: counted with the 5xx and dropped tries, so that a
            // portal that only answers 429 cannot hold a run forever.
            Failure::RateLimited { .. } | Failure::Server { .. } | Failure::Dropped { .. } => {
                *failed += 1;
                if *failed >= self.opts.tries {
                    return Err(PortalError::GaveUp {
                        call: call.describe(),
                        tries: *failed,
                        last: failure.to_string(),
                        hint: self.unreachable_hint(failure),
                    });
                }
                Ok(match failure {
                    Failure::RateLimited { wait, .. } => *wait,
                    _ => self.backoff(*failed),
                })
            }
            Failure::Redirect { .. } | Failure::Api { .. } | Failure::BadReply { .. } => {
                Err(self.no_retry(call, failure))
            }
        }
    }

    /// The error of a failure that retrying will not mend.
    fn no_retry(&self, call: &Call, failure: &Failure) -> PortalError {
        match failure {
            Failure::Redirect { status, location } => PortalError::Redirect {
                call: call.describe(),
                status: *status,
                location: location.clone(),
            },
            // Its body (a front's HTML page) says nothing more.
            Failure::Api { status: 414, .. } => PortalError::UriTooLong {
                call: call.describe(),
                chars: url_len(&self.opts.base, call),
            },
            Failure::Api { status, message } => PortalError::Api {
                call: call.describe(),
                status: *status,
                message: message.clone(),
            },
            Failure::BadReply { detail } => PortalError::BadReply {
                call: call.describe(),
                detail: detail.clone(),
            },
            other => PortalError::BadReply {
                call: call.describe(),
                detail: other.to_string(),
            },
        }
    }
}

/// What one call went through so far ([`Client::retry_wait`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Tries {
    /// The 5xx, dropped and 429-without-`Retry-After` tries.
    pub failed: u32,
    /// The waits of 429s that gave a `Retry-After`, added up.
    pub limited: Duration,
}

/// HubSpot's answer, sorted. An error body that echoes the token (a proxy
/// or a server showing the headers it got) has it replaced by `[token]`
/// before it goes into any message or log line.
fn read_answer(
    result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    rate: Rate,
    token: &str,
) -> Result<Value, Failure> {
    let mut resp = match result {
        Ok(r) => r,
        Err(e) => {
            return Err(Failure::Dropped {
                detail: e.to_string(),
            })
        }
    };
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(|l| redact(l, token));
    let body = match resp
        .body_mut()
        .with_config()
        .limit(256 << 20)
        .read_to_string()
    {
        Ok(b) => b,
        Err(e) if (200..300).contains(&status) => {
            return Err(Failure::Dropped {
                detail: format!("the answer was cut short: {e}"),
            })
        }
        Err(_) => String::new(),
    };
    if (200..300).contains(&status) {
        return serde_json::from_str(&body).map_err(|e| Failure::BadReply {
            detail: format!("not JSON: {e}"),
        });
    }
    let message = ApiMessage::from_body(&redact(&body, token)).redacted(token);
    match status {
        429 => Err(Failure::RateLimited {
            wait: retry_after.unwrap_or(rate.window),
            told: retry_after.is_some(),
            daily: is_daily_limit(&body),
            message,
        }),
        300..=399 => Err(Failure::Redirect { status, location }),
        500..=599 => Err(Failure::Server { status, message }),
        _ => Err(Failure::Api { status, message }),
    }
}

/// `text` with every occurrence of the token replaced by `[token]`.
pub fn redact(text: &str, token: &str) -> String {
    if token.is_empty() {
        return text.to_string();
    }
    text.replace(token, "[token]")
}

/// A 429 of HubSpot's daily limit: `"policyName": "DAILY"`, or its message
/// ("You have reached your daily limit.").
fn is_daily_limit(body: &str) -> bool {
    let v: Value = serde_json::from_str(body).unwrap_or_default();
    let policy = v.get("policyName").and_then(Value::as_str).unwrap_or("");
    let message = v.get("message").and_then(Value::as_str).unwrap_or("");
    policy.eq_ignore_ascii_case("DAILY") || message.to_ascii_lowercase().contains("daily limit")
}

/// `Retry-After` in seconds (whole or with a fraction).
fn parse_retry_after(v: &str) -> Option<Duration> {
    let secs: f64 = v.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_never_shows_in_debug() {
        let t = Token::new("pat-na1-secret".into()).unwrap();
        assert_eq!(format!("{t:?}"), "Token(…)");
        assert!(matches!(Token::new("  ".into()), Err(PortalError::NoToken)));
        let bad = Token::new("pat na1\nsecret".into())
            .unwrap_err()
            .to_string();
        assert!(!bad.contains("secret"), "{bad}");
    }

    #[test]
    fn a_daily_limit_is_told_by_its_policy_or_its_message() {
        assert!(is_daily_limit(
            r#"{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","policyName":"DAILY"}"#
        ));
        assert!(is_daily_limit(
            r#"{"message":"You have reached your daily limit."}"#
        ));
        assert!(!is_daily_limit(
            r#"{"message":"You have reached your secondly limit.","policyName":"SECONDLY"}"#
        ));
        assert!(!is_daily_limit("daily limit, not JSON"));
    }

    #[test]
    fn retry_after_in_seconds() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn a_portal_that_keeps_answering_429_stops_the_call_once_its_waits_add_up() {
        let opts = ClientOptions {
            max_rate_limited: Duration::from_secs(60),
            ..ClientOptions::default()
        };
        let c = Client::new(Token::new("t".into()).unwrap(), opts).unwrap();
        let call = Call::get("/crm/v3/objects/contacts");
        let limited = Failure::RateLimited {
            wait: Duration::from_secs(10),
            told: true,
            daily: false,
            message: ApiMessage::from_body(
                r#"{"message":"You have reached your secondly limit."}"#,
            ),
        };
        let mut tries = Tries::default();
        for _ in 0..6 {
            assert_eq!(
                c.retry_wait(&call, &limited, &mut tries).unwrap(),
                Duration::from_secs(10)
            );
        }
        let e = c.retry_wait(&call, &limited, &mut tries).unwrap_err();
        assert!(matches!(e, PortalError::KeptLimited { .. }), "{e}");
        let text = e.to_string();
        assert!(text.contains("kept answering 429"), "{text}");
        assert!(text.contains("run the command again later"), "{text}");
        assert!(e.says_run_again());
        // Another call starts afresh.
        let mut tries = Tries::default();
        assert!(c.retry_wait(&call, &limited, &mut tries).is_ok());
    }

    #[test]
    fn backoff_doubles_up_to_its_ceiling() {
        let opts = ClientOptions {
            backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(500),
            ..ClientOptions::default()
        };
        let c = Client::new(Token::new("t".into()).unwrap(), opts).unwrap();
        let waits: Vec<u128> = (1..=5).map(|n| c.backoff(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 500, 500]);
    }

    #[test]
    fn only_http_bases() {
        let opts = ClientOptions {
            base: "ftp://x".into(),
            ..ClientOptions::default()
        };
        assert!(matches!(
            Client::new(Token::new("t".into()).unwrap(), opts),
            Err(PortalError::BadBase(_))
        ));
    }
}
