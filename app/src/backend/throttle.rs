//! Guarding the public sign-in endpoints (`login`, `client_login`).
//!
//! Each attempt costs an argon2 verification (tens of milliseconds and
//! about 19 MiB of memory), so:
//!
//! - failures are counted per (email, client address): after
//!   [`MAX_FAILURES`] within [`WINDOW`] that pair is refused (429) until the
//!   oldest failure leaves the window. The rightful user, signing in from
//!   elsewhere, is not locked out by someone guessing their password;
//! - failures are also counted per client address across emails: after
//!   [`MAX_ADDRESS_FAILURES`] within [`WINDOW`] the address is refused;
//! - an attempt is counted *before* its password is checked (a reservation,
//!   undone when the password is right), so a burst of concurrent guesses
//!   gets no more checks than the limit;
//! - at most as many verifications as the machine has cores run at once;
//!   the others wait up to [`SLOT_WAIT`], then get a 429.
//!
//! The client address is the connection's peer. Behind a reverse proxy,
//! with `trust_forwarded` on, it is read from `Forwarded` (or else
//! `X-Forwarded-For`): the right-most hop that is not one of the proxies
//! (loopback and private-network addresses are taken for proxies). Counts
//! live in the server process: several processes each allow that many.

use crate::AppError;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, header, request::Parts};
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Failed attempts allowed per (email, client address) within [`WINDOW`].
pub const MAX_FAILURES: usize = 10;
/// Failed attempts allowed per client address, whatever the emails, within [`WINDOW`].
pub const MAX_ADDRESS_FAILURES: usize = 50;
/// How long a failed attempt counts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// How long an attempt waits for a free verification slot before a 429.
pub const SLOT_WAIT: Duration = Duration::from_secs(10);
/// Keys kept before expired ones are swept (memory stays bounded).
const SWEEP_AT: usize = 10_000;

/// Attempts by key within a window; an attempt is reserved before it is
/// known to fail, and undone when it does not.
#[derive(Debug)]
pub struct Throttle {
    max: usize,
    window: Duration,
    next_ticket: AtomicU64,
    attempts: Mutex<HashMap<String, VecDeque<(Instant, u64)>>>,
}

impl Throttle {
    /// A throttle allowing `max` attempts per key within `window`.
    pub fn new(max: usize, window: Duration) -> Throttle {
        Throttle { max, window, next_ticket: AtomicU64::new(0), attempts: Mutex::new(HashMap::new()) }
    }

    /// Count an attempt on `key` now and return its ticket, or how long to
    /// wait when the key has had its `max` attempts.
    fn reserve_at(&self, key: &str, now: Instant) -> Result<u64, Duration> {
        let mut attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        if attempts.len() >= SWEEP_AT {
            let window = self.window;
            attempts.retain(|_, times| times.back().is_some_and(|(t, _)| now.duration_since(*t) < window));
        }
        let times = attempts.entry(key.to_string()).or_default();
        while times.front().is_some_and(|(t, _)| now.duration_since(*t) >= self.window) {
            times.pop_front();
        }
        if times.len() >= self.max {
            let wait = times.front().map(|(t, _)| self.window.saturating_sub(now.duration_since(*t)));
            return Err(wait.unwrap_or_default());
        }
        let ticket = self.next_ticket.fetch_add(1, Ordering::Relaxed);
        times.push_back((now, ticket));
        Ok(ticket)
    }

    /// Undo the attempt `ticket` on `key` (it did not fail).
    fn release(&self, key: &str, ticket: u64) {
        let mut attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(times) = attempts.get_mut(key) {
            times.retain(|(_, t)| *t != ticket);
            if times.is_empty() {
                attempts.remove(key);
            }
        }
    }

    /// Forget every attempt on `key`.
    fn clear(&self, key: &str) {
        self.attempts.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

/// Which sign-in endpoint an attempt is made on: each counts apart per
/// account (a client's email is not a user's), and together per address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `login`: users of the app.
    Login,
    /// `client_login`: imported client accounts of a workspace.
    ClientLogin,
}

/// The sign-in guard of one server: failure counts, verification slots,
/// and whether forwarded addresses are trusted. Provided as Leptos context
/// by the server's router; [`SignIns::current`] finds it.
#[derive(Clone, Debug)]
pub struct SignIns(Arc<Guard>);

#[derive(Debug)]
struct Guard {
    accounts: Throttle,
    addresses: Throttle,
    slots: Arc<Semaphore>,
    trust_forwarded: bool,
}

impl SignIns {
    /// A guard with the limits above, as many verification slots as cores,
    /// and forwarded addresses trusted or not.
    pub fn new(trust_forwarded: bool) -> SignIns {
        let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(2);
        SignIns::with_limits(MAX_FAILURES, MAX_ADDRESS_FAILURES, cores, trust_forwarded)
    }

    fn with_limits(per_account: usize, per_address: usize, slots: usize, trust_forwarded: bool) -> SignIns {
        SignIns(Arc::new(Guard {
            accounts: Throttle::new(per_account, WINDOW),
            addresses: Throttle::new(per_address, WINDOW),
            slots: Arc::new(Semaphore::new(slots.max(1))),
            trust_forwarded,
        }))
    }

    /// The guard of the current server function's router (or, where none
    /// was provided, one shared by the process, trusting no forwarded header).
    pub fn current() -> SignIns {
        static FALLBACK: LazyLock<SignIns> = LazyLock::new(|| SignIns::new(false));
        leptos::prelude::use_context::<SignIns>().unwrap_or_else(|| FALLBACK.clone())
    }

    /// The client address of the current server function's request.
    pub fn client(&self) -> String {
        let parts = leptos::prelude::use_context::<Parts>();
        match parts {
            Some(parts) => client_address(peer(&parts), &parts.headers, self.0.trust_forwarded),
            None => UNKNOWN.to_string(),
        }
    }

    /// Count an attempt to sign in as `email` (in `workspace`, for client
    /// accounts) from `client`, before its password is checked: a 429 when
    /// the pair or the address has had its failures.
    pub fn attempt(&self, endpoint: Endpoint, workspace: &str, email: &str, client: &str) -> Result<Attempt, AppError> {
        self.attempt_at(endpoint, workspace, email, client, Instant::now())
    }

    fn attempt_at(
        &self,
        endpoint: Endpoint,
        workspace: &str,
        email: &str,
        client: &str,
        now: Instant,
    ) -> Result<Attempt, AppError> {
        let account = format!(
            "{endpoint:?}\u{1f}{}\u{1f}{}\u{1f}{client}",
            workspace.trim().to_lowercase(),
            email.trim().to_lowercase()
        );
        let account_ticket = self.0.accounts.reserve_at(&account, now).map_err(|wait| {
            too_many(wait, "Too many failed sign-ins for this email. Wait", ", or ask an admin to reset the password.")
        })?;
        let address_ticket = match self.0.addresses.reserve_at(client, now) {
            Ok(ticket) => ticket,
            Err(wait) => {
                self.0.accounts.release(&account, account_ticket);
                return Err(too_many(wait, "Too many failed sign-ins from your network address. Wait", "."));
            }
        };
        Ok(Attempt {
            guard: self.clone(),
            account: (account, account_ticket),
            address: (client.to_string(), address_ticket),
            settled: false,
        })
    }

    /// A verification slot: the password check runs while it is held. Waits
    /// up to [`SLOT_WAIT`] for one, then answers 429.
    pub async fn slot(&self) -> Result<OwnedSemaphorePermit, AppError> {
        let busy = || {
            AppError::TooManyRequests(
                "The server is checking too many sign-ins at once. Try again in a few seconds.".to_string(),
            )
        };
        match tokio::time::timeout(SLOT_WAIT, self.0.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(busy()),
        }
    }
}

/// The 429 for a key that had its attempts: how many minutes to wait.
fn too_many(wait: Duration, before: &str, after: &str) -> AppError {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    AppError::TooManyRequests(format!(
        "{before} {minutes} minute{} and try again{after}",
        if minutes == 1 { "" } else { "s" }
    ))
}

/// A counted sign-in attempt. [`Attempt::failed`] keeps it counted;
/// [`Attempt::succeeded`] undoes it and forgets the pair's failures; dropped
/// without either (the check could not be made), it is undone.
#[derive(Debug)]
pub struct Attempt {
    guard: SignIns,
    account: (String, u64),
    address: (String, u64),
    settled: bool,
}

impl Attempt {
    /// The password was wrong: the attempt stays counted.
    pub fn failed(mut self) {
        self.settled = true;
    }

    /// The password was right: the pair's failures are forgotten.
    pub fn succeeded(mut self) {
        self.settled = true;
        self.guard.0.accounts.clear(&self.account.0);
        self.guard.0.addresses.release(&self.address.0, self.address.1);
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.settled {
            self.guard.0.accounts.release(&self.account.0, self.account.1);
            self.guard.0.addresses.release(&self.address.0, self.address.1);
        }
    }
}

/// The address key when the peer is not known (a router served without
/// connection info): every such request shares it.
const UNKNOWN: &str = "unknown";

/// The connection's peer, when the server was started with connection info.
fn peer(parts: &Parts) -> Option<IpAddr> {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip())
}

/// The client's address: the peer; or, trusting forwarded headers, the
/// right-most hop of `Forwarded` (else `X-Forwarded-For`) followed by the
/// peer that is not a proxy of ours (loopback or private network). A hop
/// that is not an address (`unknown`, an obfuscated name) is the client.
pub fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, trust_forwarded: bool) -> String {
    if !trust_forwarded {
        return peer.map_or_else(|| UNKNOWN.to_string(), |ip| ip.to_string());
    }
    let mut hops = forwarded_hops(headers);
    hops.extend(peer.map(|ip| ip.to_string()));
    let mut leftmost = None;
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(ip) if is_proxy(ip) => leftmost = Some(ip.to_string()),
            Some(ip) => return ip.to_string(),
            None => return super::clean_text(hop, 100),
        }
    }
    // Only proxies: the one farthest from us.
    leftmost.unwrap_or_else(|| UNKNOWN.to_string())
}

/// The hops of `Forwarded` (its `for=` values), or else of
/// `X-Forwarded-For`, from the first to the last proxy.
fn forwarded_hops(headers: &HeaderMap) -> Vec<String> {
    let values = |name| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
    let forwarded = values(header::FORWARDED);
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    name.trim().eq_ignore_ascii_case("for").then(|| value.trim().trim_matches('"').to_string())
                })
            })
            .collect();
    }
    values(header::HeaderName::from_static("x-forwarded-for"))
        .iter()
        .flat_map(|v| v.split(','))
        .map(|hop| hop.trim().to_string())
        .filter(|hop| !hop.is_empty())
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711` or `2001:db8::1`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    hop.parse()
        .ok()
        .or_else(|| hop.rsplit_once(':').and_then(|(ip, _port)| ip.parse::<std::net::Ipv4Addr>().ok()).map(IpAddr::V4))
}

/// Loopback and private-network addresses: where the proxies are.
fn is_proxy(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private() || v4.is_link_local(),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_proxy(IpAddr::V4(v4));
            }
            v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00 || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn a_pair_is_refused_after_max_failures_until_the_first_expires() {
        let guard = SignIns::with_limits(3, 100, 1, false);
        let start = Instant::now();
        for i in 0..3 {
            guard
                .attempt_at(Endpoint::Login, "", "a@x.test", "192.0.2.1", start + Duration::from_secs(i))
                .unwrap()
                .failed();
        }
        let refused = guard
            .attempt_at(Endpoint::Login, "", "a@x.test", "192.0.2.1", start + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(refused.status(), 429);
        assert!(refused.to_string().contains("Wait 15 minutes and"), "{refused}");
        // Another address, another email, another endpoint: not affected.
        assert!(guard.attempt_at(Endpoint::Login, "", "a@x.test", "192.0.2.2", start).is_ok());
        assert!(guard.attempt_at(Endpoint::Login, "", "b@x.test", "192.0.2.1", start).is_ok());
        assert!(guard.attempt_at(Endpoint::ClientLogin, "", "a@x.test", "192.0.2.1", start).is_ok());
        // The first failure leaves the window: one more attempt is allowed.
        assert!(guard.attempt_at(Endpoint::Login, "", "a@x.test", "192.0.2.1", start + WINDOW).is_ok());
    }

    #[test]
    fn attempts_count_before_they_fail_and_a_success_undoes_them() {
        let guard = SignIns::with_limits(2, 100, 1, false);
        let now = Instant::now();
        let first = guard.attempt_at(Endpoint::Login, "", "a@x.test", "ip", now).unwrap();
        let second = guard.attempt_at(Endpoint::Login, "", "a@x.test", "ip", now).unwrap();
        // Two attempts under way: a third is refused before either is checked.
        assert!(guard.attempt_at(Endpoint::Login, "", "a@x.test", "ip", now).is_err());
        first.succeeded();
        // The success forgets the pair's failures, the other one's too.
        second.failed();
        assert!(guard.attempt_at(Endpoint::Login, "", "a@x.test", "ip", now).is_ok());
        // An attempt dropped unchecked does not count.
        for _ in 0..5 {
            drop(guard.attempt_at(Endpoint::Login, "", "b@x.test", "ip", now).unwrap());
        }
    }

    #[test]
    fn an_address_is_refused_after_its_failures_across_emails() {
        let guard = SignIns::with_limits(10, 3, 1, false);
        let now = Instant::now();
        for i in 0..3 {
            guard.attempt_at(Endpoint::Login, "", &format!("{i}@x.test"), "192.0.2.9", now).unwrap().failed();
        }
        let refused = guard.attempt_at(Endpoint::ClientLogin, "acme", "new@x.test", "192.0.2.9", now).unwrap_err();
        assert!(refused.to_string().starts_with("Too many failed sign-ins from your network address."), "{refused}");
        assert!(guard.attempt_at(Endpoint::Login, "", "new@x.test", "192.0.2.10", now).is_ok());
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn forwarded_addresses_count_only_when_trusted() {
        let proxy: Option<IpAddr> = Some("10.0.0.2".parse().unwrap());
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.7")]);
        assert_eq!(client_address(proxy, &h, false), "10.0.0.2");
        // The right-most hop that is not a proxy: what the client wrote
        // before it (6.6.6.6) is not believed.
        assert_eq!(client_address(proxy, &h, true), "203.0.113.7");
        let h = headers(&[("x-forwarded-for", "203.0.113.7, 10.0.0.1")]);
        assert_eq!(client_address(proxy, &h, true), "203.0.113.7");
        // A client reaching the server directly: its own address.
        let direct: Option<IpAddr> = Some("198.51.100.4".parse().unwrap());
        assert_eq!(client_address(direct, &h, true), "198.51.100.4");
        let h = headers(&[
            ("forwarded", "for=6.6.6.6, for=\"[2001:db8::1]:4711\";proto=https"),
            ("x-forwarded-for", "1.1.1.1"),
        ]);
        assert_eq!(client_address(proxy, &h, true), "2001:db8::1");
        let h = headers(&[("forwarded", "for=192.0.2.60:8080;by=10.0.0.2")]);
        assert_eq!(client_address(proxy, &h, true), "192.0.2.60");
        let h = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(client_address(proxy, &h, true), "unknown");
        assert_eq!(client_address(proxy, &HeaderMap::new(), true), "10.0.0.2");
        assert_eq!(client_address(None, &HeaderMap::new(), false), "unknown");
    }
}
