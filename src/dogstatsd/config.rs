//! Where DogStatsD datagrams go: `DD_DOGSTATSD_URL`, else `DD_AGENT_HOST` + `DD_DOGSTATSD_PORT`,
//! as the official clients read them (datadog-go `statsd/statsdex.go` `resolveAddr`, datadogpy).
//!
//! Pure functions over an environment lookup, so every case is unit-tested without touching the
//! process environment. Nothing here panics on any input.

use std::fmt;
use std::path::PathBuf;

/// Default DogStatsD UDP port.
pub(crate) const DEFAULT_PORT: u16 = 8125;
/// Largest UDP payload that avoids IP fragmentation on a 1500-byte MTU (datadog-go's default).
pub(crate) const MAX_PACKET_UDP: usize = 1432;
/// Agent default `dogstatsd_buffer_size` for Unix sockets.
pub(crate) const MAX_PACKET_UNIX: usize = 8192;

/// Socket type of a Unix-socket destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnixKind {
    /// `unix://`: datagram, falling back to stream when the socket is a stream socket
    /// (`EPROTOTYPE`), as datadog-go does.
    Auto,
    /// `unixgram://`
    Datagram,
    /// `unixstream://`: each payload framed with a 4-byte little-endian length.
    Stream,
}

/// A DogStatsD destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// UDP to `host:port` (host may be a name, an IPv4 or a bracket-less IPv6 address).
    Udp { host: String, port: u16 },
    /// Unix domain socket at `path`.
    Unix { path: PathBuf, kind: UnixKind },
}

impl Destination {
    /// Default maximum packet size: 1432 B for UDP, 8192 B for Unix sockets.
    pub fn default_max_packet(&self) -> usize {
        match self {
            Destination::Udp { .. } => MAX_PACKET_UDP,
            Destination::Unix { .. } => MAX_PACKET_UNIX,
        }
    }

    /// `client_transport:` telemetry tag value, as datadog-go names its writers.
    pub fn transport_name(&self) -> &'static str {
        match self {
            Destination::Udp { .. } => "udp",
            Destination::Unix { kind: UnixKind::Stream, .. } => "uds-stream",
            Destination::Unix { .. } => "uds",
        }
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Destination::Udp { host, port } if host.contains(':') => write!(f, "udp://[{host}]:{port}"),
            Destination::Udp { host, port } => write!(f, "udp://{host}:{port}"),
            Destination::Unix { path, kind } => {
                let scheme = match kind {
                    UnixKind::Auto => "unix",
                    UnixKind::Datagram => "unixgram",
                    UnixKind::Stream => "unixstream",
                };
                write!(f, "{scheme}://{}", path.display())
            }
        }
    }
}

fn parse_port(s: &str, what: &str) -> Result<u16, String> {
    match s.trim().parse::<u16>() {
        Ok(0) | Err(_) => Err(format!("{what}: invalid port {s:?} (expected 1-65535)")),
        Ok(p) => Ok(p),
    }
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`, or a bare IPv6 address (several colons, no port).
fn parse_host_port(s: &str, default_port: u16, what: &str) -> Result<Destination, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err(format!("{what}: missing host"));
    }
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']').ok_or_else(|| format!("{what}: unterminated '[' in {s:?}"))?;
        match after {
            "" => (h, default_port),
            p => match p.strip_prefix(':') {
                Some(p) => (h, parse_port(p, what)?),
                None => return Err(format!("{what}: unexpected {p:?} after ']' in {s:?}")),
            },
        }
    } else if s.matches(':').count() == 1 {
        let (h, p) = s.split_once(':').unwrap_or((s, ""));
        (h, parse_port(p, what)?)
    } else {
        (s, default_port)
    };
    if host.is_empty() {
        return Err(format!("{what}: missing host in {s:?}"));
    }
    if host.chars().any(|c| c.is_whitespace() || c == '/' || c == '@' || c.is_control()) {
        return Err(format!("{what}: invalid host {host:?}"));
    }
    Ok(Destination::Udp { host: host.to_string(), port })
}

/// Parse a DogStatsD URL: `udp://host[:port]`, `unix:///path`, `unixgram:///path`,
/// `unixstream:///path`.
pub fn parse_url(url: &str) -> Result<Destination, String> {
    let url = url.trim();
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("DogStatsD URL {url:?}: expected udp://, unix://, unixgram:// or unixstream://"))?;
    let unix = |kind| {
        if rest.is_empty() || !rest.starts_with('/') {
            return Err(format!(
                "DogStatsD URL {url:?}: the socket path must be absolute (e.g. {scheme}:///var/run/datadog/dsd.socket)"
            ));
        }
        if rest.contains('\0') {
            return Err(format!("DogStatsD URL {url:?}: NUL byte in the socket path"));
        }
        Ok(Destination::Unix { path: PathBuf::from(rest), kind })
    };
    match scheme.to_ascii_lowercase().as_str() {
        "udp" => {
            let hostport = rest.trim_end_matches('/');
            if hostport.contains('/') || hostport.contains('?') {
                return Err(format!("DogStatsD URL {url:?}: a udp:// URL has no path"));
            }
            parse_host_port(hostport, DEFAULT_PORT, &format!("DogStatsD URL {url:?}"))
        }
        "unix" => unix(UnixKind::Auto),
        "unixgram" => unix(UnixKind::Datagram),
        "unixstream" => unix(UnixKind::Stream),
        other => Err(format!(
            "DogStatsD URL {url:?}: unsupported scheme {other:?} (expected udp, unix, unixgram or unixstream)"
        )),
    }
}

/// The destination chosen by the environment, like the official clients:
/// `DD_DOGSTATSD_URL` wins; else `DD_AGENT_HOST` (which may itself be `host:port` or a URL)
/// with `DD_DOGSTATSD_PORT` (default 8125). `Ok(None)` when neither is set (empty = unset).
pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Option<Destination>, String> {
    let var = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    if let Some(url) = var("DD_DOGSTATSD_URL") {
        return parse_url(&url).map(Some).map_err(|e| format!("DD_DOGSTATSD_URL: {e}"));
    }
    let Some(host) = var("DD_AGENT_HOST") else {
        return Ok(None);
    };
    if host.contains("://") {
        return parse_url(&host).map(Some).map_err(|e| format!("DD_AGENT_HOST: {e}"));
    }
    let port = match var("DD_DOGSTATSD_PORT") {
        Some(p) => parse_port(&p, "DD_DOGSTATSD_PORT")?,
        None => DEFAULT_PORT,
    };
    parse_host_port(&host, port, "DD_AGENT_HOST").map(Some)
}

/// [`from_env`] over the process environment.
pub fn from_process_env() -> Result<Option<Destination>, String> {
    from_env(|k| std::env::var(k).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let v: Vec<(String, String)> = pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        move |k| v.iter().find(|(a, _)| a == k).map(|(_, b)| b.clone())
    }
    fn udp(h: &str, p: u16) -> Destination {
        Destination::Udp { host: h.into(), port: p }
    }
    fn unix(p: &str, kind: UnixKind) -> Destination {
        Destination::Unix { path: p.into(), kind }
    }

    #[test]
    fn urls() {
        assert_eq!(parse_url("udp://localhost:8125"), Ok(udp("localhost", 8125)));
        assert_eq!(parse_url("udp://10.0.0.1"), Ok(udp("10.0.0.1", 8125)));
        assert_eq!(parse_url("udp://agent:9000/"), Ok(udp("agent", 9000)));
        assert_eq!(parse_url("udp://[::1]:8126"), Ok(udp("::1", 8126)));
        assert_eq!(parse_url("udp://[::1]"), Ok(udp("::1", 8125)));
        assert_eq!(parse_url("UDP://h:1"), Ok(udp("h", 1)));
        assert_eq!(parse_url("unix:///var/run/dsd.sock"), Ok(unix("/var/run/dsd.sock", UnixKind::Auto)));
        assert_eq!(parse_url("unixgram:///a/b"), Ok(unix("/a/b", UnixKind::Datagram)));
        assert_eq!(parse_url("unixstream:///a/b"), Ok(unix("/a/b", UnixKind::Stream)));
    }

    #[test]
    fn bad_urls_are_errors_not_panics() {
        for bad in [
            "",
            "localhost:8125",
            "udp://",
            "udp://:8125",
            "udp://h:0",
            "udp://h:99999",
            "udp://h:x",
            "udp://h:1/path",
            "udp://[::1",
            "udp://[::1]x",
            "unix://",
            "unix://relative/path",
            "tcp://h:1",
            "http://h",
            "unixgram://",
            "udp://a b:1",
            "udp://user@h:1",
            "://x",
            "unix:///a\0b",
            "udp://h:-1",
            "udp://h:1?x=y",
        ] {
            let e = parse_url(bad).expect_err(bad);
            assert!(e.contains("DogStatsD URL") || e.contains("port"), "{bad:?}: {e}");
        }
    }

    #[test]
    fn environment() {
        assert_eq!(from_env(env(&[])), Ok(None));
        assert_eq!(from_env(env(&[("DD_AGENT_HOST", "")])), Ok(None));
        assert_eq!(from_env(env(&[("DD_AGENT_HOST", "agent")])), Ok(Some(udp("agent", 8125))));
        assert_eq!(
            from_env(env(&[("DD_AGENT_HOST", "agent"), ("DD_DOGSTATSD_PORT", "9125")])),
            Ok(Some(udp("agent", 9125)))
        );
        // host:port in DD_AGENT_HOST wins over DD_DOGSTATSD_PORT (datadog-go resolveAddr).
        assert_eq!(
            from_env(env(&[("DD_AGENT_HOST", "agent:7000"), ("DD_DOGSTATSD_PORT", "9125")])),
            Ok(Some(udp("agent", 7000)))
        );
        assert_eq!(from_env(env(&[("DD_AGENT_HOST", "unix:///s")])), Ok(Some(unix("/s", UnixKind::Auto))));
        // The URL has priority over the host.
        assert_eq!(
            from_env(env(&[("DD_DOGSTATSD_URL", "unixstream:///x"), ("DD_AGENT_HOST", "agent")])),
            Ok(Some(unix("/x", UnixKind::Stream)))
        );
        let e = from_env(env(&[("DD_DOGSTATSD_URL", "bogus")])).unwrap_err();
        assert!(e.starts_with("DD_DOGSTATSD_URL:"), "{e}");
        let e = from_env(env(&[("DD_AGENT_HOST", "a"), ("DD_DOGSTATSD_PORT", "eighty")])).unwrap_err();
        assert!(e.starts_with("DD_DOGSTATSD_PORT"), "{e}");
    }

    #[test]
    fn sizes_names_display() {
        assert_eq!(udp("h", 1).default_max_packet(), 1432);
        assert_eq!(unix("/s", UnixKind::Stream).default_max_packet(), 8192);
        assert_eq!(udp("h", 1).transport_name(), "udp");
        assert_eq!(unix("/s", UnixKind::Auto).transport_name(), "uds");
        assert_eq!(unix("/s", UnixKind::Stream).transport_name(), "uds-stream");
        for u in ["udp://h:1", "udp://[::1]:2", "unix:///a", "unixgram:///b", "unixstream:///c"] {
            assert_eq!(parse_url(u).unwrap().to_string(), u);
        }
    }
}
