//! Client options (dogapi's `DogHttpApi` constructor arguments plus site and proxy) and how
//! they resolve into a base URL and a proxy.

use crate::error::Error;
use crate::global_tags::GlobalTags;
use crate::secrets::redact_userinfo;
use std::net::IpAddr;
use std::time::Duration;

/// Every option of dogapi's `DogHttpApi`, plus `site` and `proxy`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Explicit API host (normalised base URL, no trailing slash). Wins over `site`.
    pub api_host: Option<String>,
    /// Datadog site, e.g. `datadoghq.com`, `datadoghq.eu`; API host is `https://api.<site>`.
    pub site: String,
    /// Second path segment: `/api/<api_version>/...`.
    pub api_version: String,
    /// Socket timeout: connect, each write, each read (a whole request: at most twice this).
    pub timeout: Duration,
    /// Timeouts in a row that put the client into backoff.
    pub max_timeouts: u32,
    /// How long calls are refused once in backoff.
    pub backoff_period: Duration,
    /// Log failures through the log callback (statuses stay truthful).
    pub swallow: bool,
    /// Default metric host is the EC2 instance id instead of the host name.
    pub use_ec2_instance_id: bool,
    /// The "result" view is the whole body instead of dogapi's formatted part.
    pub json_responses: bool,
    /// Proxy URL (`http://host:port`); `None` means direct.
    pub proxy: Option<String>,
    /// `NO_PROXY` / `no_proxy` from the environment: hosts reached without the proxy.
    pub no_proxy: Option<String>,
    /// Allow `http://` to a host that is not loopback (the keys then travel in clear text).
    pub allow_insecure_http: bool,
    /// Largest answer body read; a longer one is `InvalidResponse`.
    pub max_response_bytes: u64,
    /// Tags of `DD_ENV`, `DD_SERVICE`, `DD_VERSION`, `DD_TAGS` (read by `from_env`) and of the
    /// global-tags setter, added to events and service checks.
    pub env_tags: GlobalTags,
    pub global_tags: GlobalTags,
}

/// Default cap on an answer's body. Datadog's largest answers are unpaginated lists (every
/// monitor, every dashboard, an event stream of 1,000 events); 32 MiB holds ~10,000 monitors.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 << 20;
/// Range accepted for the body cap.
pub(crate) const MIN_RESPONSE_CAP: u64 = 1 << 10;
pub(crate) const MAX_RESPONSE_CAP: u64 = 1 << 30;

pub const DEFAULT_SITE: &str = "datadoghq.com";

impl Default for Options {
    fn default() -> Self {
        Options {
            api_host: None,
            site: DEFAULT_SITE.to_string(),
            api_version: "v1".to_string(),
            timeout: Duration::from_secs(2),
            max_timeouts: 3,
            backoff_period: Duration::from_secs(300),
            swallow: true,
            use_ec2_instance_id: false,
            json_responses: false,
            proxy: None,
            no_proxy: None,
            allow_insecure_http: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            env_tags: GlobalTags::default(),
            global_tags: GlobalTags::default(),
        }
    }
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Options {
    /// Defaults overridden by the environment: `DATADOG_HOST`, `DD_SITE`, and the proxy from
    /// `DD_PROXY_HTTPS`, else `HTTPS_PROXY` / `https_proxy`.
    pub fn from_env() -> Result<Options, Error> {
        let mut o = Options::default();
        if let Some(host) = env_nonempty("DATADOG_HOST") {
            o.api_host = Some(normalize_host(&host).map_err(|e| Error::invalid(format!("DATADOG_HOST: {e}")))?);
        }
        if let Some(site) = env_nonempty("DD_SITE") {
            o.site = normalize_site(&site).map_err(|e| Error::invalid(format!("DD_SITE: {e}")))?;
        }
        for var in ["DD_PROXY_HTTPS", "HTTPS_PROXY", "https_proxy"] {
            if let Some(p) = env_nonempty(var) {
                o.proxy = Some(normalize_proxy(&p).map_err(|e| Error::invalid(format!("{var}: {e}")))?);
                break;
            }
        }
        o.no_proxy = ["NO_PROXY", "no_proxy"].iter().find_map(|v| std::env::var(v).ok());
        o.env_tags = GlobalTags::from_env();
        Ok(o)
    }

    /// `https://api.<site>` unless an explicit host is set.
    pub fn base_url(&self) -> String {
        match &self.api_host {
            Some(h) => h.clone(),
            None => format!("https://api.{}", self.site),
        }
    }
}

fn check_text(what: &str, v: &str) -> Result<(), Error> {
    if v.is_empty() {
        return Err(Error::invalid(format!("{what} is empty")));
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(format!("{what} contains whitespace or control characters")));
    }
    Ok(())
}

/// Normalises an API host: `https://x`, `http://x:port` and a bare `x` (https) are accepted;
/// a trailing slash is dropped; any other scheme is rejected.
pub fn normalize_host(url: &str) -> Result<String, Error> {
    let url = url.trim();
    check_text("api host", url)?;
    let with_scheme = if let Some((scheme, _)) = url.split_once("://") {
        let s = scheme.to_ascii_lowercase();
        if s != "http" && s != "https" {
            return Err(Error::invalid(format!("api host scheme must be http or https, got {scheme:?}")));
        }
        url.to_string()
    } else {
        format!("https://{url}")
    };
    let trimmed = with_scheme.trim_end_matches('/');
    let rest = trimmed.split_once("://").map(|(_, r)| r).unwrap_or("");
    if rest.is_empty() || rest.starts_with('/') {
        return Err(Error::invalid("api host has no host name"));
    }
    if rest.contains('?') || rest.contains('#') || rest.contains('@') {
        return Err(Error::invalid("api host must not contain a query, fragment or credentials"));
    }
    Ok(trimmed.to_string())
}

/// A site is a bare domain such as `datadoghq.eu` (a leading `https://api.` or `app.` is not
/// part of it).
pub fn normalize_site(site: &str) -> Result<String, Error> {
    let site = site.trim().trim_end_matches('/');
    check_text("site", site)?;
    if site.contains("://") || site.contains('/') {
        return Err(Error::invalid(format!("site must be a domain like datadoghq.eu, got {site:?}")));
    }
    if !site.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') {
        return Err(Error::invalid(format!("site {site:?} is not a domain name")));
    }
    Ok(site.to_ascii_lowercase())
}

/// Proxies are `http://host:port` (CONNECT tunnelling) or `socks5://`-less plain HTTP ones.
/// The URL must parse (as ureq reads it); errors never quote its userinfo.
pub fn normalize_proxy(url: &str) -> Result<String, Error> {
    let url = url.trim();
    check_text("proxy", url)?;
    let full = if url.contains("://") { url.to_string() } else { format!("http://{url}") };
    let scheme = full.split_once("://").map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
    if scheme != "http" && scheme != "https" {
        return Err(Error::invalid(format!("proxy scheme must be http or https, got {:?}", redact_userinfo(&scheme))));
    }
    check_proxy_port(&full)?;
    ureq::Proxy::new(&full).map_err(|e| Error::invalid(format!("proxy {}: {e}", redact_userinfo(&full))))?;
    Ok(full)
}

/// Longest timeout or backoff period accepted, in seconds (one day).
pub(crate) const MAX_SECONDS: f64 = 86_400.0;
/// Shortest socket timeout accepted, in seconds (one millisecond).
pub(crate) const MIN_TIMEOUT_SECONDS: f64 = 0.001;

/// `what` in seconds as a `Duration`, refused (never a panic) unless finite and in `[lo, hi]`.
fn seconds_in(what: &str, s: f64, lo: f64, hi: f64) -> Result<Duration, Error> {
    if !s.is_finite() || s < lo || s > hi {
        return Err(Error::invalid(format!("{what} must be a number of seconds in [{lo}, {hi}], got {s}")));
    }
    Ok(Duration::from_secs_f64(s))
}

/// dogapi's socket timeout: 1 ms to one day.
pub fn timeout_from_secs(s: f64) -> Result<Duration, Error> {
    seconds_in("timeout", s, MIN_TIMEOUT_SECONDS, MAX_SECONDS)
}

/// The backoff period: 0 to one day.
pub fn backoff_period_from_secs(s: f64) -> Result<Duration, Error> {
    seconds_in("backoff_period", s, 0.0, MAX_SECONDS)
}

/// `max_timeouts`: 0 (back off at the first call) or more.
pub fn max_timeouts_from(n: i64) -> Result<u32, Error> {
    u32::try_from(n).map_err(|_| Error::invalid(format!("max_timeouts must be in [0, {}], got {n}", u32::MAX)))
}

/// The port of a proxy URL, when it names one, is 1..=65535.
fn check_proxy_port(full: &str) -> Result<(), Error> {
    let rest = full.split_once("://").map(|(_, r)| r).unwrap_or(full);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
    // "[v6]:port" or "host:port"; a bare IPv6 literal has no port outside its brackets
    let port = match hostport.rsplit_once(']') {
        Some((_, after)) => after.strip_prefix(':'),
        None => hostport.rsplit_once(':').map(|(_, p)| p),
    };
    match port {
        None => Ok(()),
        Some(p)
            if !p.is_empty()
                && p.len() <= 5
                && p.bytes().all(|b| b.is_ascii_digit())
                && (1..=65535).contains(&p.parse::<u32>().unwrap_or(0)) =>
        {
            Ok(())
        }
        Some(p) => Err(Error::invalid(format!("proxy port must be 1..65535, got {p:?}"))),
    }
}

/// The host (lowercase, IPv6 without brackets) and port of a base URL `scheme://host[:port]`.
pub fn host_port(url: &str) -> Option<(String, u16)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let default = if scheme.eq_ignore_ascii_case("http") { 80 } else { 443 };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        (h, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(p) => p.parse().ok()?,
        None => default,
    };
    Some((host.trim_end_matches('.').to_ascii_lowercase(), port))
}

/// 127.0.0.0/8, ::1 (and ::ffff:127.x) or `localhost`.
pub fn is_loopback(host: &str) -> bool {
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// Whether `url` is plain `http://` to a host that is not loopback.
pub fn is_insecure(url: &str) -> bool {
    url.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("http://"))
        && !host_port(url).is_some_and(|(h, _)| is_loopback(&h))
}

/// The shared rule for every base URL the library sends keys to (HTTP client and stats sink):
/// `http://` only for loopback hosts unless the caller opted in.
pub fn check_plain_http(url: &str, allow_insecure_http: bool) -> Result<(), Error> {
    if allow_insecure_http || !is_insecure(url) {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "{url}: http:// would send the API keys in clear text; it is only allowed for loopback hosts \
         (127.0.0.0/8, ::1, localhost): use https://, or opt in with dog_http_set_allow_insecure_http()"
    )))
}

/// Checks a body cap against [`MIN_RESPONSE_CAP`]..=[`MAX_RESPONSE_CAP`].
pub fn check_response_cap(bytes: u64) -> Result<u64, Error> {
    if (MIN_RESPONSE_CAP..=MAX_RESPONSE_CAP).contains(&bytes) {
        Ok(bytes)
    } else {
        Err(Error::invalid(format!(
            "max_response_bytes must be in [{MIN_RESPONSE_CAP}, {MAX_RESPONSE_CAP}], got {bytes}"
        )))
    }
}

/// The api_version path segment: letters, digits, `.`, `-`, `_` only.
pub fn check_api_version(v: &str) -> Result<(), Error> {
    check_text("api version", v)?;
    if !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_') {
        return Err(Error::invalid(format!("api version {v:?} may only hold letters, digits, '.', '-', '_'")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_normalise_like_dogapi_without_its_bugs() {
        assert_eq!(normalize_host("https://app.datadoghq.com").unwrap(), "https://app.datadoghq.com");
        assert_eq!(normalize_host("http://localhost:5000").unwrap(), "http://localhost:5000");
        assert_eq!(normalize_host("api.datadoghq.eu").unwrap(), "https://api.datadoghq.eu");
        assert_eq!(normalize_host("https://x.com/").unwrap(), "https://x.com");
        assert!(normalize_host("ftp://x").is_err());
        assert!(normalize_host("").is_err());
        assert!(normalize_host("https://").is_err());
        assert!(normalize_host("http://a b").is_err());
    }

    #[test]
    fn site_gives_api_host() {
        let mut o = Options::default();
        assert_eq!(o.base_url(), "https://api.datadoghq.com");
        o.site = normalize_site("datadoghq.eu").unwrap();
        assert_eq!(o.base_url(), "https://api.datadoghq.eu");
        o.api_host = Some(normalize_host("http://127.0.0.1:9").unwrap());
        assert_eq!(o.base_url(), "http://127.0.0.1:9");
        assert!(normalize_site("https://api.datadoghq.eu").is_err());
    }

    #[test]
    fn loopback_and_plain_http() {
        assert_eq!(host_port("http://[::1]:8080/x"), Some(("::1".into(), 8080)));
        assert_eq!(host_port("https://API.x.com"), Some(("api.x.com".into(), 443)));
        assert_eq!(host_port("http://localhost."), Some(("localhost".into(), 80)));
        for ok in [
            "http://127.0.0.1:1",
            "http://127.255.0.9",
            "http://[::1]",
            "http://localhost:5",
            "HTTP://LocalHost",
            "https://10.0.0.1",
        ] {
            assert!(check_plain_http(ok, false).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1",
            "http://api.datadoghq.com",
            "http://localhost.evil.com",
            "http://127.0.0.1.nip.io",
            "http://[::2]",
        ] {
            assert!(check_plain_http(bad, false).is_err(), "{bad}");
            assert!(check_plain_http(bad, true).is_ok(), "{bad}");
        }
    }

    #[test]
    fn proxy_and_version_checks() {
        assert_eq!(normalize_proxy("127.0.0.1:3128").unwrap(), "http://127.0.0.1:3128");
        assert!(normalize_proxy("socks9://x").is_err());
        assert!(check_api_version("v1").is_ok());
        assert!(check_api_version("v1/../x").is_err());
    }

    #[test]
    fn numbers_are_range_checked_never_a_panic() {
        for bad in [f64::NAN, f64::INFINITY, -f64::INFINITY, 1e308, -1e308, -1.0, 86_400.5, 0.0, 1e-9] {
            assert!(timeout_from_secs(bad).is_err(), "timeout {bad}");
        }
        for bad in [f64::NAN, f64::INFINITY, -f64::INFINITY, 1e308, -1e308, -0.5, 86_401.0] {
            assert!(backoff_period_from_secs(bad).is_err(), "backoff {bad}");
        }
        assert_eq!(timeout_from_secs(2.0).unwrap(), Duration::from_secs(2));
        assert_eq!(backoff_period_from_secs(0.0).unwrap(), Duration::ZERO);
        assert_eq!(backoff_period_from_secs(86_400.0).unwrap(), Duration::from_secs(86_400));
        assert!(max_timeouts_from(-1).is_err());
        assert!(max_timeouts_from(i64::MAX).is_err());
        assert_eq!(max_timeouts_from(0).unwrap(), 0);
        for ok in [
            "127.0.0.1:3128",
            "http://u:p@proxy:1",
            "http://proxy:65535/",
            "http://proxy",
            "http://[::1]:8080",
            "http://[::1]",
        ] {
            assert!(normalize_proxy(ok).is_ok(), "{ok}");
        }
        for bad in [
            "127.0.0.1:99999",
            "http://proxy:0",
            "http://proxy:65536",
            "http://proxy:-1",
            "http://proxy:x",
            "http://[::1]:123456",
        ] {
            assert!(normalize_proxy(bad).is_err(), "{bad}");
        }
    }
}
