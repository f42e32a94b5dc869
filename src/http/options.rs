//! Client options (dogapi's `DogHttpApi` constructor arguments plus site and proxy) and how
//! they resolve into a base URL and a proxy.

use crate::error::Error;
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
}

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
pub fn normalize_proxy(url: &str) -> Result<String, Error> {
    let url = url.trim();
    check_text("proxy", url)?;
    let full = if url.contains("://") { url.to_string() } else { format!("http://{url}") };
    let scheme = full.split_once("://").map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
    if scheme != "http" && scheme != "https" {
        return Err(Error::invalid(format!("proxy scheme must be http or https, got {scheme:?}")));
    }
    Ok(full)
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
    fn proxy_and_version_checks() {
        assert_eq!(normalize_proxy("127.0.0.1:3128").unwrap(), "http://127.0.0.1:3128");
        assert!(normalize_proxy("socks9://x").is_err());
        assert!(check_api_version("v1").is_ok());
        assert!(check_api_version("v1/../x").is_err());
    }
}
