//! `NO_PROXY` / `no_proxy`, read as curl reads it: a comma-separated list of
//! - `*`: no proxy for any host;
//! - a host name (`example.com`, `.example.com`, `*.example.com`): that host and every
//!   subdomain of it (a leading `.` or `*.` changes nothing), ASCII case-insensitive;
//! - an IP address (`127.0.0.1`, `::1`, `[::1]`) or a CIDR range (`10.0.0.0/8`, `fd00::/8`);
//! - any of those with `:port`: only for that port.
//!
//! Applied to the proxy set with `dog_http_set_proxy()` and to the one from the environment.

use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq)]
enum Rule {
    All,
    Ip(IpAddr),
    Cidr(IpAddr, u8),
    Domain(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    rule: Rule,
    port: Option<u16>,
}

fn split_port(s: &str) -> (&str, Option<u16>) {
    if let Some(v6) = s.strip_prefix('[') {
        if let Some((h, rest)) = v6.split_once(']') {
            return (h, rest.strip_prefix(':').and_then(|p| p.parse().ok()));
        }
    }
    // One colon: host:port. More: a bare IPv6 address (with or without /bits).
    match s.split_once(':') {
        Some((h, p)) if !p.contains(':') => match p.parse() {
            Ok(port) => (h, Some(port)),
            Err(_) => (s, None),
        },
        _ => (s, None),
    }
}

fn parse_entry(raw: &str) -> Option<Entry> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if s == "*" {
        return Some(Entry { rule: Rule::All, port: None });
    }
    let (host, port) = split_port(s);
    let rule = if let Some((ip, bits)) = host.split_once('/') {
        let ip: IpAddr = ip.parse().ok()?;
        let max = if ip.is_ipv4() { 32 } else { 128 };
        Rule::Cidr(ip, bits.parse::<u8>().ok().filter(|b| *b <= max)?)
    } else if let Ok(ip) = host.parse::<IpAddr>() {
        Rule::Ip(ip)
    } else {
        let d = host.trim_start_matches('*').trim_start_matches('.').trim_end_matches('.').to_ascii_lowercase();
        if d.is_empty() {
            return None;
        }
        Rule::Domain(d)
    };
    Some(Entry { rule, port })
}

fn in_cidr(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - u32::from(bits)) };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - u32::from(bits)) };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// True when `list` says `host` (lowercase, IPv6 without brackets) on `port` is reached
/// without the proxy.
pub fn bypasses(list: &str, host: &str, port: u16) -> bool {
    let host = host.trim_end_matches('.');
    let ip = host.parse::<IpAddr>().ok();
    list.split(',').filter_map(parse_entry).any(|e| {
        if e.port.is_some_and(|p| p != port) {
            return false;
        }
        match (&e.rule, ip) {
            (Rule::All, _) => true,
            (Rule::Ip(a), Some(ip)) => *a == ip,
            (Rule::Cidr(net, bits), Some(ip)) => in_cidr(ip, *net, *bits),
            (Rule::Domain(d), None) => {
                host.len() >= d.len()
                    && host[host.len() - d.len()..].eq_ignore_ascii_case(d)
                    && (host.len() == d.len() || host.as_bytes()[host.len() - d.len() - 1] == b'.')
            }
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::bypasses;

    #[test]
    fn curl_rules() {
        assert!(bypasses("*", "api.datadoghq.com", 443));
        assert!(bypasses("datadoghq.com", "api.datadoghq.com", 443));
        assert!(bypasses("datadoghq.com", "DATADOGHQ.COM", 443));
        assert!(bypasses(".datadoghq.com", "api.datadoghq.com", 443));
        assert!(bypasses(".datadoghq.com", "datadoghq.com", 443));
        assert!(bypasses("*.datadoghq.com", "api.datadoghq.com", 443));
        assert!(!bypasses("datadoghq.com", "notdatadoghq.com", 443));
        assert!(!bypasses("api.datadoghq.com", "datadoghq.com", 443));
        assert!(bypasses(" a.com , datadoghq.eu ", "api.datadoghq.eu", 443));
        assert!(bypasses("10.0.0.0/8", "10.1.2.3", 80));
        assert!(!bypasses("10.0.0.0/8", "11.1.2.3", 80));
        assert!(bypasses("::1", "::1", 80));
        assert!(bypasses("[::1]:8080", "::1", 8080));
        assert!(!bypasses("[::1]:8080", "::1", 8081));
        assert!(bypasses("fd00::/8", "fd12::1", 80));
        assert!(bypasses("localhost:5000", "localhost", 5000));
        assert!(!bypasses("localhost:5000", "localhost", 5001));
        assert!(!bypasses("", "localhost", 80));
        assert!(!bypasses("127.0.0.1", "localhost", 80), "names are not resolved, as in curl");
        assert!(!bypasses("10.0.0.0/99", "10.0.0.1", 80));
    }
}
