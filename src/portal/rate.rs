//! `--rate N/10s` and the limiter that keeps every request under it.
//!
//! HubSpot counts requests in a rolling window (100 per 10 s on its lowest
//! tier). The limiter remembers when each of the last N requests ended and
//! sends the next one only once the oldest of them is a whole window old.
//! Counting from the end of a request (its answer is in) rather than its
//! start makes the count on HubSpot's side, which sees each request a
//! little after it is sent, never higher than ours.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

/// At most `requests` in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub requests: u32,
    pub window: Duration,
}

impl Default for Rate {
    /// HubSpot's lowest tier: 100 requests per 10 seconds.
    fn default() -> Self {
        Rate {
            requests: 100,
            window: Duration::from_secs(10),
        }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.window.as_millis();
        if ms % 1000 == 0 {
            write!(f, "{}/{}s", self.requests, ms / 1000)
        } else {
            write!(f, "{}/{}ms", self.requests, ms)
        }
    }
}

impl std::str::FromStr for Rate {
    type Err = String;

    /// `N/10s`, `N/1s`, `N/500ms`; `N` alone means per 10 seconds.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!("expected requests per window, like 100/10s or 50/1s or 20/500ms; got {s:?}")
        };
        let (n, window) = s.split_once('/').unwrap_or((s, "10s"));
        let requests: u32 = n.trim().parse().map_err(|_| bad())?;
        let window = window.trim();
        let (digits, unit_ms) = if let Some(d) = window.strip_suffix("ms") {
            (d, 1)
        } else if let Some(d) = window.strip_suffix('s') {
            (d, 1000)
        } else {
            return Err(bad());
        };
        let count: u64 = if digits.is_empty() {
            1
        } else {
            digits.parse().map_err(|_| bad())?
        };
        if requests == 0 || count == 0 {
            return Err(format!(
                "{s:?}: the rate must allow at least one request in a window longer than zero"
            ));
        }
        Ok(Rate {
            requests,
            window: Duration::from_millis(count * unit_ms),
        })
    }
}

/// Keeps requests under a [`Rate`].
#[derive(Debug)]
pub struct Limiter {
    rate: Rate,
    /// When each of the last `rate.requests` requests ended, oldest first.
    ended: VecDeque<Instant>,
}

impl Limiter {
    pub fn new(rate: Rate) -> Self {
        Limiter {
            rate,
            ended: VecDeque::with_capacity(rate.requests as usize),
        }
    }

    pub fn rate(&self) -> Rate {
        self.rate
    }

    /// How long to wait, from `now`, before the next request may go.
    pub fn wait_at(&self, now: Instant) -> Duration {
        if self.ended.len() < self.rate.requests as usize {
            return Duration::ZERO;
        }
        let oldest = self.ended[0];
        (oldest + self.rate.window).saturating_duration_since(now)
    }

    /// Wait until the next request may go.
    pub fn acquire(&self) {
        let wait = self.wait_at(Instant::now());
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }

    /// A request has ended (its answer is in, or it failed).
    pub fn ended_at(&mut self, at: Instant) {
        if self.ended.len() == self.rate.requests as usize {
            self.ended.pop_front();
        }
        self.ended.push_back(at);
    }

    /// A 429: HubSpot counted more than we did (another app on the same
    /// portal, a run just before this one). Nothing goes until `until`.
    pub fn hold_until(&mut self, until: Instant) {
        // Filling the window with `until - window` makes every slot free
        // only at `until`.
        let start = until.checked_sub(self.rate.window).unwrap_or(until);
        self.ended.clear();
        for _ in 0..self.rate.requests {
            self.ended.push_back(start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_and_refuses_others() {
        let r: Rate = "100/10s".parse().unwrap();
        assert_eq!(r, Rate::default());
        let r: Rate = "50/1s".parse().unwrap();
        assert_eq!((r.requests, r.window), (50, Duration::from_secs(1)));
        let r: Rate = "20/500ms".parse().unwrap();
        assert_eq!(r.window, Duration::from_millis(500));
        let r: Rate = "7/s".parse().unwrap();
        assert_eq!(r.window, Duration::from_secs(1));
        let r: Rate = "150".parse().unwrap();
        assert_eq!((r.requests, r.window), (150, Duration::from_secs(10)));
        for bad in ["", "0/10s", "10/0s", "x/10s", "10/10m", "10/tens"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
        assert_eq!(Rate::default().to_string(), "100/10s");
        assert_eq!("3/250ms".parse::<Rate>().unwrap().to_string(), "3/250ms");
    }

    #[test]
    fn the_n_plus_first_request_waits_for_the_oldest_to_leave_the_window() {
        let rate = Rate {
            requests: 3,
            window: Duration::from_secs(10),
        };
        let mut l = Limiter::new(rate);
        let t0 = Instant::now();
        for i in 0..3 {
            assert_eq!(l.wait_at(t0), Duration::ZERO);
            l.ended_at(t0 + Duration::from_secs(i));
        }
        let now = t0 + Duration::from_secs(4);
        assert_eq!(l.wait_at(now), Duration::from_secs(6));
        l.ended_at(t0 + Duration::from_secs(10));
        // The oldest is now the one that ended at 1 s.
        assert_eq!(l.wait_at(now), Duration::from_secs(7));
    }

    #[test]
    fn a_hold_blocks_every_slot_until_its_end() {
        let rate = Rate {
            requests: 5,
            window: Duration::from_secs(10),
        };
        let mut l = Limiter::new(rate);
        let t0 = Instant::now();
        l.hold_until(t0 + Duration::from_secs(3));
        assert_eq!(l.wait_at(t0), Duration::from_secs(3));
        assert_eq!(l.wait_at(t0 + Duration::from_secs(3)), Duration::ZERO);
    }
}
