//! `start()` options: dogapi's `DogStatsApi.start` plus the bounds libdogapi adds.

use super::payload::MAX_COMPRESSED;
use crate::error::Error;
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
}

pub(crate) const DEFAULT_MAX_CONTEXTS: usize = 250_000;
pub(crate) const DEFAULT_MAX_QUEUED_BYTES: usize = 64 * 1024 * 1024;

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
        }
    }
}

fn positive(what: &str, v: f64, max: f64) -> Result<(), Error> {
    if v.is_finite() && v > 0.0 && v <= max {
        Ok(())
    } else {
        Err(Error::invalid(format!("{what} must be in (0, {max}] seconds, got {v}")))
    }
}

impl StatsOptions {
    pub fn validate(&self) -> Result<(), Error> {
        positive("flush_interval", self.flush_interval, 86_400.0)?;
        positive("roll_up_interval", self.roll_up_interval, 86_400.0)?;
        positive("shutdown_timeout", self.shutdown_timeout, 86_400.0)?;
        positive("request_timeout", self.request_timeout, 86_400.0)?;
        if self.max_contexts == 0 {
            return Err(Error::invalid("max_contexts must be at least 1"));
        }
        if self.max_payload_bytes < 1024 || self.max_payload_bytes > MAX_COMPRESSED {
            return Err(Error::invalid(format!(
                "max_payload_bytes must be in [1024, {MAX_COMPRESSED}], got {}",
                self.max_payload_bytes
            )));
        }
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
