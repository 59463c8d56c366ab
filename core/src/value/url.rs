//! Web addresses: `http` or `https` only, with a real-looking host. A bare
//! host (`example.com/about`) gets `https://`.

use crate::error::{RowErrorCode, ValueError};
use crate::messages::{self, Lang, UrlProblem};
use crate::record::Value;

/// A trimmed cell, written with a lowercase scheme and host.
pub(super) fn check(s: &str, lang: Lang) -> Result<Value, ValueError> {
    normalise(s).map(Value::Text).map_err(|p| ValueError::new(RowErrorCode::InvalidUrl, messages::url(lang, s, p)))
}

fn normalise(s: &str) -> Result<String, UrlProblem<'_>> {
    // Bytes first: most addresses are ASCII.
    let clean = if s.is_ascii() { s.bytes().all(|b| b > b' ' && b != 0x7f) } else { !s.chars().any(bad_char) };
    if !clean {
        let c = s.chars().find(|&c| bad_char(c)).unwrap_or(' ');
        return Err(UrlProblem::Char(c));
    }
    let (scheme, rest) = split_scheme(s)?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let (host, port) = split_port(authority)?;
    check_host(host, scheme.is_none())?;
    let mut out = String::with_capacity(s.len() + 8);
    match scheme {
        Some(scheme) => {
            out.push_str(scheme);
            out.make_ascii_lowercase();
            out.push_str("://");
        }
        None => out.push_str("https://"),
    }
    let host_start = out.len();
    out.push_str(host);
    out[host_start..].make_ascii_lowercase();
    if let Some(port) = port {
        out.push(':');
        out.push_str(port);
    }
    out.push_str(path);
    Ok(out)
}

fn bad_char(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// `http` or `https` and what follows `://`; no scheme for a bare host.
fn split_scheme(s: &str) -> Result<(Option<&str>, &str), UrlProblem<'_>> {
    let Some(colon) = s.find(':') else { return Ok((None, s.strip_prefix("//").unwrap_or(s))) };
    let (name, after) = (&s[..colon], &s[colon + 1..]);
    let is_scheme = name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    // `example.com:8080/x` is a host and a port, not a scheme.
    let port_digits = after.bytes().take_while(u8::is_ascii_digit).count();
    let is_port = port_digits > 0 && matches!(after.as_bytes().get(port_digits), None | Some(b'/' | b'?' | b'#'));
    if !is_scheme || (is_port && !after.starts_with("//")) {
        return Ok((None, s.strip_prefix("//").unwrap_or(s)));
    }
    if !(name.eq_ignore_ascii_case("http") || name.eq_ignore_ascii_case("https")) {
        return Err(UrlProblem::Scheme(name));
    }
    match after.strip_prefix("//") {
        Some(rest) => Ok((Some(name), rest)),
        None => Err(UrlProblem::Slashes(name, after)),
    }
}

/// `host` and `port` of `host:port`; IPv6 hosts are in brackets.
fn split_port(authority: &str) -> Result<(&str, Option<&str>), UrlProblem<'static>> {
    if authority.contains('@') {
        return Err(if authority.starts_with('@') || !authority.contains(':') {
            UrlProblem::EmailLike
        } else {
            UrlProblem::UserInfo
        });
    }
    let host_end = if authority.starts_with('[') {
        authority.find(']').map(|i| i + 1).ok_or(UrlProblem::OpenBracket)?
    } else {
        authority.find(':').unwrap_or(authority.len())
    };
    let (host, rest) = authority.split_at(host_end);
    if rest.is_empty() {
        return Ok((host, None));
    }
    let port = rest.strip_prefix(':').unwrap_or(rest);
    let valid = rest.starts_with(':')
        && (1..=5).contains(&port.len())
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| p <= 65535);
    if !valid {
        return Err(UrlProblem::Port);
    }
    Ok((host, Some(port)))
}

fn check_host(host: &str, bare: bool) -> Result<(), UrlProblem<'_>> {
    if host.is_empty() {
        return Err(UrlProblem::NoHost);
    }
    if let Some(ip6) = host.strip_prefix('[') {
        let inner = ip6.strip_suffix(']').unwrap_or(ip6);
        if inner.contains(':') && inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') {
            return Ok(());
        }
        return Err(UrlProblem::NotIpv6);
    }
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(());
    }
    if let Some(c) = host.chars().find(|&c| !(c.is_alphanumeric() || matches!(c, '-' | '.' | '_'))) {
        return Err(UrlProblem::HostChar(c));
    }
    if !host.contains('.') {
        return Err(if bare { UrlProblem::BareNoDot } else { UrlProblem::NoDot });
    }
    let mut last = "";
    let mut count = 0;
    for label in host.split('.') {
        if label.is_empty() {
            return Err(UrlProblem::EmptyLabel);
        }
        if label.starts_with('-') || label.ends_with('-') || label.len() > 63 {
            return Err(UrlProblem::BadLabel(label));
        }
        (last, count) = (label, count + 1);
    }
    // A numeric ending must be a whole IPv4 address; this keeps `1.5` out.
    let numeric = |l: &str| l.bytes().all(|b| b.is_ascii_digit());
    if numeric(last) {
        let octet = |l: &str| numeric(l) && l.len() <= 3 && l.parse::<u16>().is_ok_and(|n| n <= 255);
        if count != 4 || !host.split('.').all(octet) {
            return Err(UrlProblem::NumericHost);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        match check(s, Lang::En) {
            Ok(Value::Text(t)) => t,
            other => panic!("{s}: {other:?}"),
        }
    }

    fn err(s: &str) -> String {
        let e = check(s, Lang::En).unwrap_err();
        assert_eq!(e.code, RowErrorCode::InvalidUrl);
        e.message
    }

    #[test]
    fn valid_addresses() {
        assert_eq!(ok("https://example.com"), "https://example.com");
        assert_eq!(ok("HTTP://Example.COM/Path?Q=1#Frag"), "http://example.com/Path?Q=1#Frag");
        assert_eq!(ok("example.com/about"), "https://example.com/about");
        assert_eq!(ok("www.example.co.uk"), "https://www.example.co.uk");
        assert_eq!(ok("example.com:8080/x"), "https://example.com:8080/x");
        assert_eq!(ok("http://localhost:3000/"), "http://localhost:3000/");
        assert_eq!(ok("localhost"), "https://localhost");
        assert_eq!(ok("https://192.168.0.1/admin"), "https://192.168.0.1/admin");
        assert_eq!(ok("https://[::1]:8443/"), "https://[::1]:8443/");
        assert_eq!(ok("//cdn.example.com/x.js"), "https://cdn.example.com/x.js");
        assert_eq!(ok("https://münchen.de"), "https://münchen.de");
        assert_eq!(ok("https://example.com/a%20b"), "https://example.com/a%20b");
    }

    #[test]
    fn invalid_addresses() {
        assert!(err("javascript:alert(1)").contains("'javascript:' link"));
        assert!(err("data:text/plain,hi").contains("'data:' link"));
        assert!(err("ftp://example.com/file").contains("'ftp:' link"));
        assert!(err("mailto:ann@example.com").contains("'mailto:' link"));
        assert!(err("https:/example.com").contains("two slashes"));
        assert!(err("https://exa mple.com").contains("contains a space"));
        assert!(err("https://").contains("no host name"));
        assert!(err("https://example").contains("no domain ending"));
        assert!(err("hello").contains("is not a web address"));
        assert!(err("1.5").contains("ends in a number"));
        assert!(err("https://999.1.1.1").contains("ends in a number"));
        assert!(err("https://example..com").contains("empty part"));
        assert!(err("https://-example.com").contains("starts or ends with '-'"));
        assert!(err("https://example.com:99999").contains("port"));
        assert!(err("https://example.com:").contains("port"));
        assert!(err("ann@example.com").contains("email address"));
        assert!(err("https://user:pw@example.com").contains("user name or password"));
        assert!(err("https://exa!mple.com").contains("'!'"));
    }
}
