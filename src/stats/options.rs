//! `start()` options: dogapi's `DogStatsApi.start` plus the bounds libdogapi adds.

use super::distribution::{DEFAULT_MAX_VALUES, MAX_MAX_VALUES};
use super::sink::payload::MAX_COMPRESSED;
use crate::error::Error;
use crate::http::client::check_key;
use crate::http::options::{normalize_host, normalize_site};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct StatsOptions {
    /// `None`: `DD_API_KEY` (as the HTTP client).
    pub api_key: Option<String>,
    /// Explicit API host; `None`: `DATADOG_HOST`, else `https://api.<site>`.
    pub api_host: Option<String>,
    /// `None`: `DD_SITE`, else `datadoghq.com`.
    pub site: Option<String>,
    /// Seconds between automatic flushes (dogapi default 10).
    pub flush_interval: f64,
    /// Bucket width in seconds (dogapi default 10).
    pub roll_up_interval: f64,
    /// Emitted host; `None` or `""`: the host name.
    pub host: Option<String>,
    /// Emitted device (omitted when `None`).
    pub device: Option<String>,
    /// Host = EC2 instance id (wins over `host`, as in dogapi).
    pub use_ec2_instance_ids: bool,
    /// Flush from a background thread (dogapi default true).
    pub flush_in_thread: bool,
    /// Record and flush nothing.
    pub disabled: bool,
    /// Cap on live contexts.
    pub max_contexts: usize,
    /// Cap on compressed bytes waiting in the retry queue.
    pub max_queued_bytes: usize,
    /// Cap on the compressed size of one request (≤ 3,200,000).
    pub max_payload_bytes: usize,
    /// How long stop/free may take to flush, in seconds.
    pub shutdown_timeout: f64,
    /// Timeout of one flush request, in seconds.
    pub request_timeout: f64,
    /// Values a distribution keeps per context and bucket; the rest are dropped and counted.
    pub max_distribution_values: usize,
}

pub(crate) const DEFAULT_MAX_CONTEXTS: usize = 250_000;
pub(crate) const DEFAULT_MAX_QUEUED_BYTES: usize = 64 * 1024 * 1024;
const MIN_PAYLOAD: usize = 1024;

impl Default for StatsOptions {
    fn default() -> Self {
        StatsOptions {
            api_key: None,
            api_host: None,
            site: None,
            flush_interval: 10.0,
            roll_up_interval: 10.0,
            host: None,
            device: None,
            use_ec2_instance_ids: false,
            flush_in_thread: true,
            disabled: false,
            max_contexts: DEFAULT_MAX_CONTEXTS,
            max_queued_bytes: DEFAULT_MAX_QUEUED_BYTES,
            max_payload_bytes: MAX_COMPRESSED,
            shutdown_timeout: 5.0,
            request_timeout: 5.0,
            max_distribution_values: DEFAULT_MAX_VALUES,
        }
    }
}

/// Seconds in (0, 86400].
fn seconds(what: &str, v: f64) -> Result<f64, Error> {
    if v.is_finite() && v > 0.0 && v <= MAX_SECONDS {
        Ok(v)
    } else {
        Err(Error::invalid(format!("{what} must be in (0, {MAX_SECONDS}] seconds, got {v}")))
    }
}

const MAX_SECONDS: f64 = 86_400.0;

/// An owned copy of an optional string.
fn text(v: Option<&str>) -> Option<String> {
    v.map(str::to_string)
}

/// Range-checked setters, one per option: the only place an option's range is written. Each
/// changes nothing when it fails (`DOG_ERR_INVALID_ARGUMENT`). The C setters
/// (`src/ffi/stats_options.rs`) only convert their arguments and call these; adding an option
/// is a field (+ default) and a setter here, and one `dog_stats_options_set_<option>` there.
impl StatsOptions {
    /// `None`: `DD_API_KEY` at start; `""`: no key. Visible ASCII only (never echoed).
    pub fn set_api_key(&mut self, key: Option<&str>) -> Result<(), Error> {
        if let Some(k) = key.map(str::trim).filter(|k| !k.is_empty()) {
            check_key("api key", k)?;
        }
        self.api_key = text(key);
        Ok(())
    }

    /// `https://host`, `http://host:port` or a bare `host`; `None`: `DATADOG_HOST`, else the site.
    pub fn set_api_host(&mut self, url: Option<&str>) -> Result<(), Error> {
        if let Some(u) = url {
            normalize_host(u)?;
        }
        self.api_host = text(url);
        Ok(())
    }

    /// A domain such as `datadoghq.eu`; `None`: `DD_SITE`, else `datadoghq.com`.
    pub fn set_site(&mut self, site: Option<&str>) -> Result<(), Error> {
        if let Some(s) = site {
            normalize_site(s)?;
        }
        self.site = text(site);
        Ok(())
    }

    /// Seconds between automatic flushes, in (0, 86400].
    pub fn set_flush_interval(&mut self, s: f64) -> Result<(), Error> {
        self.flush_interval = seconds("flush_interval", s)?;
        Ok(())
    }

    /// Bucket width in seconds, in (0, 86400].
    pub fn set_roll_up_interval(&mut self, s: f64) -> Result<(), Error> {
        self.roll_up_interval = seconds("roll_up_interval", s)?;
        Ok(())
    }

    /// Emitted host; `None` or `""`: the host name.
    pub fn set_host(&mut self, host: Option<&str>) -> Result<(), Error> {
        self.host = text(host);
        Ok(())
    }

    /// Emitted device; `None`: omitted.
    pub fn set_device(&mut self, device: Option<&str>) -> Result<(), Error> {
        self.device = text(device);
        Ok(())
    }

    /// Host = the EC2 instance id (wins over `host`).
    pub fn set_use_ec2_instance_ids(&mut self, on: bool) -> Result<(), Error> {
        self.use_ec2_instance_ids = on;
        Ok(())
    }

    /// Flush from a background thread.
    pub fn set_flush_in_thread(&mut self, on: bool) -> Result<(), Error> {
        self.flush_in_thread = on;
        Ok(())
    }

    /// Record and send nothing.
    pub fn set_disabled(&mut self, on: bool) -> Result<(), Error> {
        self.disabled = on;
        Ok(())
    }

    /// At least 1.
    pub fn set_max_contexts(&mut self, n: usize) -> Result<(), Error> {
        if n == 0 {
            return Err(Error::invalid("max_contexts must be at least 1"));
        }
        self.max_contexts = n;
        Ok(())
    }

    /// Any size; 0 keeps nothing for retry.
    pub fn set_max_queued_bytes(&mut self, n: usize) -> Result<(), Error> {
        self.max_queued_bytes = n;
        Ok(())
    }

    /// In [1024, 3200000].
    pub fn set_max_payload_bytes(&mut self, n: usize) -> Result<(), Error> {
        if !(MIN_PAYLOAD..=MAX_COMPRESSED).contains(&n) {
            return Err(Error::invalid(format!(
                "max_payload_bytes must be in [{MIN_PAYLOAD}, {MAX_COMPRESSED}], got {n}"
            )));
        }
        self.max_payload_bytes = n;
        Ok(())
    }

    /// Seconds, in (0, 86400].
    pub fn set_shutdown_timeout(&mut self, s: f64) -> Result<(), Error> {
        self.shutdown_timeout = seconds("shutdown_timeout", s)?;
        Ok(())
    }

    /// Seconds, in (0, 86400].
    pub fn set_request_timeout(&mut self, s: f64) -> Result<(), Error> {
        self.request_timeout = seconds("request_timeout", s)?;
        Ok(())
    }

    /// Values a distribution keeps per context and bucket, in [1, 8388608] (default 10000);
    /// values beyond it are dropped and counted (`DOG_STATS_DROPPED_DISTRIBUTION_VALUES`).
    pub fn set_max_distribution_values(&mut self, n: usize) -> Result<(), Error> {
        if !(1..=MAX_MAX_VALUES).contains(&n) {
            return Err(Error::invalid(format!("max_distribution_values must be in [1, {MAX_MAX_VALUES}], got {n}")));
        }
        self.max_distribution_values = n;
        Ok(())
    }

    /// Checks options built field by field (Rust callers) with the setters' rules.
    pub fn validate(&self) -> Result<(), Error> {
        let mut o = self.clone();
        o.set_api_key(self.api_key.as_deref())?;
        o.set_api_host(self.api_host.as_deref())?;
        o.set_site(self.site.as_deref())?;
        o.set_flush_interval(self.flush_interval)?;
        o.set_roll_up_interval(self.roll_up_interval)?;
        o.set_max_contexts(self.max_contexts)?;
        o.set_max_payload_bytes(self.max_payload_bytes)?;
        o.set_shutdown_timeout(self.shutdown_timeout)?;
        o.set_request_timeout(self.request_timeout)?;
        o.set_max_distribution_values(self.max_distribution_values)?;
        Ok(())
    }

    pub fn shutdown(&self) -> Duration {
        Duration::from_secs_f64(self.shutdown_timeout)
    }

    pub fn request(&self) -> Duration {
        Duration::from_secs_f64(self.request_timeout)
    }

    /// `interval` of count series: the roll-up in whole seconds (at least 1).
    pub fn interval(&self) -> i64 {
        (self.roll_up_interval.round() as i64).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    type Setter = fn(&mut StatsOptions, f64) -> Result<(), Error>;
    type Getter = fn(&StatsOptions) -> f64;

    #[test]
    fn seconds_options_reject_out_of_range_and_keep_their_value() {
        let setters: [(&str, Setter, Getter); 4] = [
            ("flush_interval", StatsOptions::set_flush_interval, |o| o.flush_interval),
            ("roll_up_interval", StatsOptions::set_roll_up_interval, |o| o.roll_up_interval),
            ("shutdown_timeout", StatsOptions::set_shutdown_timeout, |o| o.shutdown_timeout),
            ("request_timeout", StatsOptions::set_request_timeout, |o| o.request_timeout),
        ];
        for (name, set, get) in setters {
            let mut o = StatsOptions::default();
            set(&mut o, 2.5).unwrap();
            for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -1.0, 86_400.5, f64::MAX] {
                let e = set(&mut o, bad).unwrap_err();
                assert_eq!(e.kind, ErrorKind::InvalidArgument, "{name} {bad}");
                assert!(e.message.contains(name), "{}", e.message);
                assert_eq!(get(&o), 2.5, "{name}: unchanged after {bad}");
            }
            set(&mut o, 86_400.0).unwrap();
            set(&mut o, 0.001).unwrap();
            assert_eq!(get(&o), 0.001);
        }
    }

    #[test]
    fn size_options_ranges() {
        let mut o = StatsOptions::default();
        assert!(o.set_max_contexts(0).is_err());
        assert_eq!(o.max_contexts, DEFAULT_MAX_CONTEXTS);
        o.set_max_contexts(1).unwrap();
        o.set_max_contexts(usize::MAX).unwrap();
        for bad in [0, 1023, MAX_COMPRESSED + 1, usize::MAX] {
            assert!(o.set_max_payload_bytes(bad).is_err(), "{bad}");
            assert_eq!(o.max_payload_bytes, MAX_COMPRESSED);
        }
        o.set_max_payload_bytes(1024).unwrap();
        assert_eq!(o.max_payload_bytes, 1024);
        o.set_max_queued_bytes(0).unwrap();
        o.set_max_queued_bytes(usize::MAX).unwrap();
        assert_eq!(o.max_queued_bytes, usize::MAX);
        for bad in [0, MAX_MAX_VALUES + 1, usize::MAX] {
            assert!(o.set_max_distribution_values(bad).is_err(), "{bad}");
            assert_eq!(o.max_distribution_values, DEFAULT_MAX_VALUES);
        }
        o.set_max_distribution_values(1).unwrap();
        o.set_max_distribution_values(MAX_MAX_VALUES).unwrap();
        assert_eq!(o.max_distribution_values, MAX_MAX_VALUES);
    }

    #[test]
    fn string_options_are_checked_and_kept_on_failure() {
        let mut o = StatsOptions::default();
        o.set_api_host(Some("http://127.0.0.1:8080")).unwrap();
        for bad in ["ftp://x", "https://", "https://u:p@h", ""] {
            assert!(o.set_api_host(Some(bad)).is_err(), "{bad}");
            assert_eq!(o.api_host.as_deref(), Some("http://127.0.0.1:8080"));
        }
        o.set_api_host(None).unwrap();
        assert_eq!(o.api_host, None);

        o.set_site(Some("datadoghq.eu")).unwrap();
        assert!(o.set_site(Some("https://api.datadoghq.eu")).is_err());
        assert_eq!(o.site.as_deref(), Some("datadoghq.eu"));

        o.set_api_key(Some("abc123")).unwrap();
        let e = o.set_api_key(Some("secret with space")).unwrap_err();
        assert!(!e.message.contains("secret"), "the key is never echoed: {}", e.message);
        assert_eq!(o.api_key.as_deref(), Some("abc123"));
        o.set_api_key(Some("")).unwrap(); // no key
        o.set_host(Some("")).unwrap();
        o.set_device(None).unwrap();
        o.validate().unwrap();
    }

    #[test]
    fn validate_applies_the_setters_rules() {
        assert!(StatsOptions::default().validate().is_ok());
        assert!(StatsOptions { flush_interval: f64::NAN, ..Default::default() }.validate().is_err());
        assert!(StatsOptions { max_payload_bytes: 10, ..Default::default() }.validate().is_err());
        assert!(StatsOptions { api_host: Some("gopher://x".into()), ..Default::default() }.validate().is_err());
    }
}
