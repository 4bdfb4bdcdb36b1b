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

/// A request that did not succeed.
#[derive(Debug, Clone)]
pub enum Failure {
    /// 429: the next request waits `wait` (HubSpot's `Retry-After`, else a
    /// whole window).
    RateLimited { wait: Duration, message: ApiMessage },
    /// 5xx: HubSpot failed; the request may or may not have been done.
    Server { status: u16, message: ApiMessage },
    /// No answer (refused, reset, cut short, timed out): the request may
    /// or may not have been done.
    Dropped { detail: String },
    /// Any other answer that is not a success: retrying will not help.
    Api { status: u16, message: ApiMessage },
    /// A success whose body is not JSON.
    BadReply { detail: String },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::RateLimited { wait, message } => {
                write!(f, "429 {message}, wait {} ms", wait.as_millis())
            }
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
            Failure::Server { status, .. } | Failure::Api { status, .. } => status.to_string(),
            Failure::Dropped { .. } => "no answer".into(),
            Failure::BadReply { .. } => "a bad answer".into(),
        }
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::RateLimited { .. } => Some(429),
            Failure::Server { status, .. } | Failure::Api { status, .. } => Some(*status),
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
        let outcome = read_answer(result, self.opts.rate);
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
        let mut failed = 0u32;
        loop {
            let failure = match self.send(call) {
                Ok(v) => return Ok(v),
                Err(f) => f,
            };
            let wait = self.retry_wait(call, &failure, &mut failed)?;
            on_retry(&Retrying {
                call,
                failure: &failure,
                wait,
            });
            std::thread::sleep(wait);
        }
    }

    /// How long to wait before sending `call` again after `failure`, or
    /// the error that ends it (`failed` counts the 5xx and dropped tries).
    /// A 429's wait is kept by the limiter itself; it is returned for the
    /// log, and sleeping it again costs nothing.
    pub fn retry_wait(
        &self,
        call: &Call,
        failure: &Failure,
        failed: &mut u32,
    ) -> Result<Duration, PortalError> {
        match failure {
            Failure::RateLimited { wait, .. } if *wait <= self.opts.max_retry_after => Ok(*wait),
            Failure::RateLimited { .. } | Failure::Server { .. } | Failure::Dropped { .. } => {
                *failed += 1;
                if *failed >= self.opts.tries || matches!(failure, Failure::RateLimited { .. }) {
                    return Err(PortalError::GaveUp {
                        call: call.describe(),
                        tries: *failed,
                        last: failure.to_string(),
                    });
                }
                Ok(self.backoff(*failed))
            }
            Failure::Api { status, message } => Err(PortalError::Api {
                call: call.describe(),
                status: *status,
                message: message.clone(),
            }),
            Failure::BadReply { detail } => Err(PortalError::BadReply {
                call: call.describe(),
                detail: detail.clone(),
            }),
        }
    }
}

/// HubSpot's answer, sorted.
fn read_answer(
    result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    rate: Rate,
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
    match status {
        200..=299 => serde_json::from_str(&body).map_err(|e| Failure::BadReply {
            detail: format!("not JSON: {e}"),
        }),
        429 => Err(Failure::RateLimited {
            wait: retry_after.unwrap_or(rate.window),
            message: ApiMessage::from_body(&body),
        }),
        500..=599 => Err(Failure::Server {
            status,
            message: ApiMessage::from_body(&body),
        }),
        _ => Err(Failure::Api {
            status,
            message: ApiMessage::from_body(&body),
        }),
    }
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
    fn retry_after_in_seconds() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-1"), None);
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
