//! Failed sign-ins, counted per email: sign-in endpoints are public, and
//! each attempt costs an argon2 verification, so after
//! [`MAX_FAILURES`] failures within [`WINDOW`] an email is refused (429)
//! until the oldest of them is out of the window. Counted per server
//! process: several processes each allow that many.

use crate::server_fns::AppError;
use std::collections::{HashMap, VecDeque};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

/// Failed attempts allowed per email within [`WINDOW`].
pub const MAX_FAILURES: usize = 10;
/// How long a failed attempt counts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Emails kept before expired ones are swept (memory stays bounded).
const SWEEP_AT: usize = 10_000;

/// Failed attempts by key within a window.
#[derive(Debug)]
pub struct Throttle {
    max: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Staff sign-ins (`login`) and client sign-ins (`client_login`), apart.
pub static SIGN_INS: LazyLock<Throttle> = LazyLock::new(|| Throttle::new(MAX_FAILURES, WINDOW));

impl Throttle {
    /// A throttle allowing `max` failures per key within `window`.
    pub fn new(max: usize, window: Duration) -> Throttle {
        Throttle { max, window, failures: Mutex::new(HashMap::new()) }
    }

    /// Ok, or a 429 saying how long to wait, for an attempt on `key` now.
    pub fn check(&self, key: &str) -> Result<(), AppError> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), AppError> {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let Some(times) = failures.get_mut(key) else { return Ok(()) };
        while times.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            times.pop_front();
        }
        if times.len() < self.max {
            return Ok(());
        }
        let wait = times.front().map(|t| self.window.saturating_sub(now.duration_since(*t))).unwrap_or_default();
        let minutes = wait.as_secs().div_ceil(60).max(1);
        Err(AppError::TooManyRequests(format!(
            "Too many failed sign-ins for this email. Wait {minutes} minute{} and try again, or ask an admin to reset the password.",
            if minutes == 1 { "" } else { "s" }
        )))
    }

    /// Count a failed attempt on `key`.
    pub fn failed(&self, key: &str) {
        self.failed_at(key, Instant::now());
    }

    fn failed_at(&self, key: &str, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() >= SWEEP_AT {
            let window = self.window;
            failures.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let times = failures.entry(key.to_string()).or_default();
        times.push_back(now);
        // Only the last `max` matter.
        while times.len() > self.max {
            times.pop_front();
        }
    }

    /// A successful attempt forgets the key's failures.
    pub fn succeeded(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

/// The key of a sign-in: which endpoint, which workspace, which email.
pub fn sign_in_key(endpoint: &str, workspace: &str, email: &str) -> String {
    format!("{endpoint}\u{1f}{}\u{1f}{}", workspace.trim().to_lowercase(), email.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_after_max_failures_until_the_first_expires() {
        let throttle = Throttle::new(3, Duration::from_secs(60));
        let start = Instant::now();
        for i in 0..3 {
            assert!(throttle.check_at("a", start).is_ok(), "attempt {i}");
            throttle.failed_at("a", start + Duration::from_secs(i));
        }
        let refused = throttle.check_at("a", start + Duration::from_secs(10)).unwrap_err();
        assert_eq!(refused.status(), 429);
        assert!(refused.to_string().contains("Wait 1 minute and"), "{refused}");
        // Another key is not affected.
        assert!(throttle.check_at("b", start + Duration::from_secs(10)).is_ok());
        // The first failure leaves the window: one more attempt is allowed.
        assert!(throttle.check_at("a", start + Duration::from_secs(60)).is_ok());
    }

    #[test]
    fn a_success_forgets_the_failures() {
        let throttle = Throttle::new(2, Duration::from_secs(60));
        let now = Instant::now();
        throttle.failed_at("a", now);
        throttle.failed_at("a", now);
        assert!(throttle.check_at("a", now).is_err());
        throttle.succeeded("a");
        assert!(throttle.check_at("a", now).is_ok());
    }
}
