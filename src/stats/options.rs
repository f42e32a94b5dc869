//! `start()` options: dogapi's `DogStatsApi.start` plus the bounds libdogapi adds.

use super::distribution::{DEFAULT_MAX_VALUES, MAX_MAX_VALUES};
use super::sink::payload::MAX_COMPRESSED;
use crate::dogstatsd::config::{self as dsd_config, Destination};
use crate::error::Error;
use crate::global_tags::GlobalTags;
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
    /// Tags added to every context (with those of `DD_ENV`, `DD_SERVICE`, `DD_VERSION`,
    /// `DD_TAGS`, read at start): normalised, sorted, each once.
    pub global_tags: GlobalTags,
    /// The default instance flushes everything at process exit (see `super::exit`).
    pub flush_at_exit: bool,
    /// Where closed buckets go (HTTP API or the Datadog Agent over DogStatsD).
    pub sink: SinkChoice,
    /// DogStatsD sink: send the container id (`|c:`) for the Agent's origin detection.
    pub origin_detection: bool,
    /// DogStatsD sink: emit the client telemetry (`datadog.dogstatsd.client.*`) every 10 s.
    pub dogstatsd_telemetry: bool,
    /// DogStatsD sink: maximum packet size; 0 = 1432 B (UDP) / 8192 B (Unix sockets).
    pub dogstatsd_max_packet_bytes: usize,
}

/// How the sink is chosen (`dog_stats_options_set_dogstatsd_url`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SinkChoice {
    /// The environment decides at start: `DD_DOGSTATSD_URL`, else `DD_AGENT_HOST` (+
    /// `DD_DOGSTATSD_PORT`) select the DogStatsD sink; neither set: the HTTP sink.
    #[default]
    Auto,
    /// The HTTP sink whatever the environment says (the URL setter given `""`).
    Http,
    /// The DogStatsD sink to this destination.
    DogStatsd(Destination),
}

/// Which sink a start uses, once the environment is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Http,
    DogStatsd(Destination),
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
            sink: SinkChoice::Auto,
            origin_detection: true,
            dogstatsd_telemetry: true,
            dogstatsd_max_packet_bytes: 0,
            global_tags: GlobalTags::default(),
            flush_at_exit: true,
            max_distribution_values: DEFAULT_MAX_VALUES,
        }
    }
}

/// Smallest / largest settable DogStatsD packet (65,467 B: the largest UDP payload the Agent
/// reads).
const MIN_PACKET: usize = 256;
const MAX_PACKET: usize = 65_467;

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

    /// The sink: `None` = the environment decides at start (default); `Some("")` = the HTTP
    /// sink whatever the environment says; `Some(url)` = the DogStatsD sink to `udp://host:port`,
    /// `unix:///path` (datagram, stream if the socket is one), `unixgram:///path` or
    /// `unixstream:///path`.
    pub fn set_dogstatsd_url(&mut self, url: Option<&str>) -> Result<(), Error> {
        self.sink = match url.map(str::trim) {
            None => SinkChoice::Auto,
            Some("") => SinkChoice::Http,
            Some(u) => SinkChoice::DogStatsd(dsd_config::parse_url(u).map_err(Error::invalid)?),
        };
        Ok(())
    }

    /// DogStatsD sink: container origin detection (`|c:`), default on.
    pub fn set_origin_detection(&mut self, on: bool) -> Result<(), Error> {
        self.origin_detection = on;
        Ok(())
    }

    /// DogStatsD sink: client telemetry, default on.
    pub fn set_dogstatsd_telemetry(&mut self, on: bool) -> Result<(), Error> {
        self.dogstatsd_telemetry = on;
        Ok(())
    }

    /// DogStatsD sink: 0 (default: 1432 B UDP, 8192 B Unix) or in [256, 65467].
    pub fn set_dogstatsd_max_packet_bytes(&mut self, n: usize) -> Result<(), Error> {
        if n != 0 && !(MIN_PACKET..=MAX_PACKET).contains(&n) {
            return Err(Error::invalid(format!(
                "dogstatsd_max_packet_bytes must be 0 or in [{MIN_PACKET}, {MAX_PACKET}], got {n}"
            )));
        }
        self.dogstatsd_max_packet_bytes = n;
        Ok(())
    }

    /// The sink a start uses: the explicit choice; else an explicit API host (the options
    /// point at an HTTP intake: the environment's Agent variables, often injected for tracers,
    /// do not redirect it); else the environment (`get` looks a variable up); else HTTP. A
    /// malformed variable is an error (start fails) rather than a silent fallback to HTTP.
    pub fn resolve_sink(&self, get: impl Fn(&str) -> Option<String>) -> Result<Resolved, Error> {
        Ok(match &self.sink {
            SinkChoice::Http => Resolved::Http,
            SinkChoice::DogStatsd(d) => Resolved::DogStatsd(d.clone()),
            SinkChoice::Auto if self.api_host.is_some() => Resolved::Http,
            SinkChoice::Auto => match dsd_config::from_env(get).map_err(Error::invalid)? {
                Some(d) => Resolved::DogStatsd(d),
                None => Resolved::Http,
            },
        })
    }

    /// Comma-separated tags added to every context; `None` or `""`: none. Each tag follows
    /// Datadog's tag rules (normalised; one over 200 characters is refused).
    pub fn set_global_tags(&mut self, tags: Option<&str>) -> Result<(), Error> {
        self.global_tags = GlobalTags::parse_option(tags)?;
        Ok(())
    }

    /// Whether the default instance flushes at process exit.
    pub fn set_flush_at_exit(&mut self, on: bool) -> Result<(), Error> {
        self.flush_at_exit = on;
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
        o.set_dogstatsd_max_packet_bytes(self.dogstatsd_max_packet_bytes)?;
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
    fn sink_choice_explicit_then_environment_then_http() {
        let none = |_: &str| None;
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(a, _)| *a == k).map(|(_, b)| b.to_string())
        };
        let mut o = StatsOptions::default();
        assert_eq!(o.resolve_sink(none).unwrap(), Resolved::Http);
        let agent = env(&[("DD_AGENT_HOST", "agent"), ("DD_DOGSTATSD_PORT", "9125")]);
        let udp = |h: &str, p| Resolved::DogStatsd(Destination::Udp { host: h.into(), port: p });
        assert_eq!(o.resolve_sink(agent).unwrap(), udp("agent", 9125));
        assert_eq!(o.resolve_sink(env(&[("DD_AGENT_HOST", "agent")])).unwrap(), udp("agent", 8125));
        let url = env(&[("DD_DOGSTATSD_URL", "udp://u:1"), ("DD_AGENT_HOST", "agent")]);
        assert_eq!(o.resolve_sink(url).unwrap(), udp("u", 1));
        let e = o.resolve_sink(env(&[("DD_DOGSTATSD_URL", "tcp://x:1")])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
        // An explicit API host keeps the HTTP sink; an explicit URL still wins over it.
        let mut h = StatsOptions::default();
        h.set_api_host(Some("http://127.0.0.1:1")).unwrap();
        assert_eq!(h.resolve_sink(env(&[("DD_AGENT_HOST", "agent")])).unwrap(), Resolved::Http);
        h.set_dogstatsd_url(Some("udp://x:2")).unwrap();
        assert_eq!(h.resolve_sink(none).unwrap(), udp("x", 2));
        // "" forces HTTP whatever the environment says; NULL goes back to the environment.
        o.set_dogstatsd_url(Some("")).unwrap();
        assert_eq!(o.resolve_sink(env(&[("DD_AGENT_HOST", "agent")])).unwrap(), Resolved::Http);
        o.set_dogstatsd_url(Some("unixstream:///run/dsd.sock")).unwrap();
        assert!(matches!(o.resolve_sink(env(&[("DD_AGENT_HOST", "agent")])).unwrap(), Resolved::DogStatsd(_)));
        for bad in ["localhost:8125", "tcp://h:1", "udp://h:0", "unix://relative"] {
            assert_eq!(o.set_dogstatsd_url(Some(bad)).unwrap_err().kind, ErrorKind::InvalidArgument, "{bad}");
            assert!(matches!(o.sink, SinkChoice::DogStatsd(_)), "unchanged after {bad}");
        }
        o.set_dogstatsd_url(None).unwrap();
        assert_eq!(o.sink, SinkChoice::Auto);
        for bad in [1, 255, 65_468, usize::MAX] {
            assert!(o.set_dogstatsd_max_packet_bytes(bad).is_err(), "{bad}");
        }
        o.set_dogstatsd_max_packet_bytes(256).unwrap();
        o.set_dogstatsd_max_packet_bytes(0).unwrap();
    }

    #[test]
    fn validate_applies_the_setters_rules() {
        assert!(StatsOptions::default().validate().is_ok());
        assert!(StatsOptions { flush_interval: f64::NAN, ..Default::default() }.validate().is_err());
        assert!(StatsOptions { max_payload_bytes: 10, ..Default::default() }.validate().is_err());
        assert!(StatsOptions { api_host: Some("gopher://x".into()), ..Default::default() }.validate().is_err());
    }
}
