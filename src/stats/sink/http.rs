//! `HttpSink`: the default sink. Renders closed buckets into `/api/v1/series` payloads (gzip)
//! and `/api/v1/distribution_points` payloads (deflate) once (JSON, split under the intake's
//! limits), queues them (one queue: each payload knows its endpoint) in a bounded retry queue and
//! sends them oldest first, backing off on failures and honouring the intake's `Retry-After` /
//! `X-RateLimit-Reset`. The compressed bytes are shared by the queue and the request.

use super::events::{self, alert_type_str, priority_str};
use super::payload::{self, Endpoint, Limits, Rendered, SeriesStyle};
use super::queue::{backoff, Queue, Queued};
use super::verdict::{verdict, Verdict};
use super::{Closed, Counter, SendMode, Sink, Snapshot, Telemetry};
use crate::error::{Error, ErrorKind};
use crate::fork::{ForkLock, Side};
use crate::http::response::Outcome;
use crate::http::{events as http_events, service_checks, ApiRequest, Body, Client};
use crate::log::{self, Level};
use crate::stats::options::StatsOptions;
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::{Duration, Instant};
use Counter::*;

/// What [`HttpSink::render`] made of one flush.
pub struct Flushed {
    /// Series rendered (both endpoints).
    pub series: u64,
    /// Series skipped because a value or timestamp was not finite.
    pub skipped_non_finite: u64,
    pub split: payload::Split,
}

pub struct HttpSink {
    opts: StatsOptions,
    default_host: String,
    tel: Arc<Telemetry>,
    /// Built at start; after fork() the child builds its own (own connections).
    client: Mutex<Option<Arc<Client>>>,
    queue: Mutex<Queue>,
}

fn build_client(opts: &StatsOptions) -> Result<Client, Error> {
    let c = Client::new(opts.api_key.as_deref(), Some(""))?;
    if let Some(h) = &opts.api_host {
        c.set_api_host(Some(h))?;
    }
    if let Some(site) = &opts.site {
        c.set_site(Some(site))?;
    }
    c.set_timeout(opts.request())?;
    // The stats sender has its own retry/back-off; never let the client refuse a send.
    c.set_max_timeouts(u32::MAX);
    Ok(c)
}

fn log_at(level: Level, msg: impl FnOnce() -> String) {
    if log::enabled(level) {
        log::emit(level, &msg());
    }
}

impl HttpSink {
    /// Validates the client options (keys, host, site) now, so `start` fails early.
    pub fn new(opts: &StatsOptions, default_host: String, tel: Arc<Telemetry>) -> Result<HttpSink, Error> {
        let client = build_client(opts)?;
        if !client.has_api_key() {
            log_at(Level::Warn, || "stats: no API key (DD_API_KEY); the intake will refuse the series".into());
        }
        Ok(HttpSink {
            opts: opts.clone(),
            default_host,
            tel,
            client: Mutex::new(Some(Arc::new(client))),
            queue: Mutex::new(Queue::default()),
        })
    }

    fn limits(&self) -> Limits {
        Limits { max_compressed: self.opts.max_payload_bytes, max_decompressed: payload::MAX_DECOMPRESSED }
    }

    /// Renders and splits (the flush work without the queue): the series payloads, then the
    /// distribution points payloads.
    pub fn render(&self, closed: Vec<Closed>) -> Flushed {
        let style = SeriesStyle {
            default_host: &self.default_host,
            device: self.opts.device.as_deref(),
            interval: self.opts.interval(),
            dist_chunk: payload::dist_values_per_series(self.opts.max_payload_bytes),
        };
        let (mut r, mut d) = (Rendered::default(), Rendered::default());
        r.push_closed(&mut d, &style, closed);
        let mut split = payload::split(&r, self.limits(), Endpoint::Series);
        split.append(payload::split(&d, self.limits(), Endpoint::DistributionPoints));
        Flushed {
            series: (r.len() + d.len()) as u64,
            skipped_non_finite: r.skipped_non_finite + d.skipped_non_finite,
            split,
        }
    }

    fn client(&self) -> Result<Arc<Client>, Error> {
        if let Some(c) = self.client.lock().as_ref() {
            return Ok(Arc::clone(c));
        }
        // Built without the lock: a new client registers with `crate::fork`, whose prepare
        // holds the registry while it takes this lock (fork prepare locks the instance, then
        // its client); building under the lock could deadlock a concurrent fork. Two threads
        // racing here keep the first client (the other, unused, is dropped).
        let built = Arc::new(build_client(&self.opts)?);
        Ok(Arc::clone(self.client.lock().get_or_insert(built)))
    }

    /// The front item if `mode` lets it go now, marked in flight.
    fn next(&self, mode: SendMode) -> Option<(Queued, u64)> {
        let now = Instant::now();
        let mut q = self.queue.lock();
        let f = q.front()?;
        let due = match mode {
            SendMode::Background => f.not_before <= now,
            SendMode::Manual => !(f.rate_limited && f.not_before > now),
            SendMode::Shutdown(deadline) => f.not_before <= now || (!f.rate_limited && now < deadline),
        };
        if due {
            q.take_for_send()
        } else {
            None
        }
    }
}

impl Sink for HttpSink {
    fn submit(&self, closed: Vec<Closed>) -> Result<(), Error> {
        let Flushed { series, skipped_non_finite, split } = self.render(closed);
        self.tel.add(DOG_STATS_DROPPED_SERIES_INVALID, skipped_non_finite);
        if series == 0 {
            return Ok(());
        }
        self.tel.add(DOG_STATS_FLUSHES, 1);
        self.tel.add(DOG_STATS_SERIES_FLUSHED, series);
        if !split.oversized.is_empty() {
            self.tel.add(DOG_STATS_DROPPED_SERIES_OVERSIZED, split.oversized.len() as u64);
            for (gz, raw) in &split.oversized {
                let max = self.opts.max_payload_bytes;
                log_at(Level::Error, || {
                    format!("stats: one series is {gz} bytes compressed ({raw} bytes of JSON), over max_payload_bytes ({max}) and the intake's limits; it cannot be split and was dropped")
                });
            }
        }
        let max_queued = self.opts.max_queued_bytes;
        let mut dropped = 0u64;
        let mut q = self.queue.lock();
        for p in split.payloads {
            let len = p.compressed.len();
            while q.bytes() + len > max_queued {
                match q.pop_front() {
                    Some(old) => dropped += old.p.series,
                    None => break,
                }
            }
            if q.bytes() + len > max_queued {
                dropped += p.series;
                continue;
            }
            q.push_back(Queued::new(p));
        }
        drop(q);
        if dropped > 0 {
            self.tel.add(DOG_STATS_DROPPED_SERIES_QUEUE_FULL, dropped);
            let msg = format!("stats: retry queue full ({max_queued} bytes); {dropped} series dropped");
            log_at(Level::Error, || msg.clone());
            return Err(Error::new(ErrorKind::QueueFull, msg));
        }
        Ok(())
    }

    /// Sends what is due, oldest first; stops at the first retryable failure.
    fn send(&self, mode: SendMode) -> Result<(), Error> {
        let client = self.client()?;
        let request_timeout = self.opts.request();
        let mut last_err: Option<Error> = None;
        loop {
            let Some((mut item, token)) = self.next(mode) else {
                // Shutdown: wait for a rate-limit delay that ends before the deadline.
                if let SendMode::Shutdown(deadline) = mode {
                    let nb = self.queue.lock().front().map(|f| f.not_before);
                    if let Some(nb) = nb.filter(|nb| *nb < deadline) {
                        std::thread::sleep(nb.saturating_duration_since(Instant::now()));
                        continue;
                    }
                }
                break;
            };
            let mut req = ApiRequest::new("POST", item.p.endpoint.path());
            if let SendMode::Shutdown(deadline) = mode {
                let left = deadline.saturating_duration_since(Instant::now());
                if left < Duration::from_millis(5) {
                    let mut q = self.queue.lock();
                    if q.land(token) {
                        q.push_front(item);
                    }
                    last_err = Some(Error::new(
                        ErrorKind::Timeout,
                        "stats: shutdown timeout reached before every series was sent",
                    ));
                    break;
                }
                if left < request_timeout {
                    req.timeout = Some(left);
                }
            }
            let bytes = Arc::clone(&item.p.compressed);
            req.body = match item.p.endpoint {
                Endpoint::Series => Body::Gzipped(bytes),
                Endpoint::DistributionPoints => Body::Deflated(bytes),
            };
            req.status_only = true; // verdict() needs the status and headers, not a parsed body
            let outcome = client.call(req);
            let v = verdict(&outcome);
            let mut q = self.queue.lock();
            if !q.land(token) {
                // A stop already counted this payload as dropped (it hung past its deadline).
                drop(q);
                if matches!(v, Verdict::Sent) {
                    self.tel.add(DOG_STATS_SERIES_DELIVERED_AFTER_SHUTDOWN, item.p.series);
                    log_at(Level::Warn, || {
                        format!("stats: {} series counted as dropped at stop were delivered late", item.p.series)
                    });
                }
                break;
            }
            match v {
                Verdict::Sent => {
                    drop(q);
                    self.tel.add(DOG_STATS_PAYLOADS_SENT, 1);
                    self.tel.add(DOG_STATS_SERIES_SENT, item.p.series);
                    self.tel.add(DOG_STATS_BYTES_SENT, item.p.compressed.len() as u64);
                }
                Verdict::Retry(delay) => {
                    item.attempts += 1;
                    item.rate_limited = delay.is_some();
                    let wait = delay.unwrap_or_else(|| backoff(item.attempts));
                    item.not_before = Instant::now() + wait;
                    let series = item.p.series;
                    q.push_front(item);
                    drop(q);
                    self.tel.add(DOG_STATS_RETRIES, 1);
                    let e = outcome.error.unwrap_or_else(|| Error::new(ErrorKind::Connection, "stats: send failed"));
                    log_at(Level::Warn, || {
                        format!("stats: {series} series queued for retry in {:.1} s: {}", wait.as_secs_f64(), e.message)
                    });
                    last_err = Some(e);
                    match mode {
                        SendMode::Shutdown(deadline) if Instant::now() < deadline => {
                            // Keep trying until the deadline, pausing a little between tries.
                            let pause = if delay.is_some() { Duration::ZERO } else { Duration::from_millis(50) };
                            std::thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                            continue;
                        }
                        _ => break,
                    }
                }
                Verdict::Reject => {
                    drop(q);
                    self.tel.add(DOG_STATS_DROPPED_SERIES_REJECTED, item.p.series);
                    let e =
                        outcome.error.unwrap_or_else(|| Error::new(ErrorKind::HttpStatus, "stats: series rejected"));
                    log_at(Level::Error, || {
                        format!("stats: {} series rejected and dropped: {}", item.p.series, e.message)
                    });
                    last_err = Some(e);
                }
            }
        }
        match last_err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn next_due(&self) -> Option<Instant> {
        self.queue.lock().front().map(|q| q.not_before)
    }

    /// `POST /api/v1/events` on the calling thread through the instance's client (its API key,
    /// host and request timeout); no host given: the host of the series.
    fn event(&self, e: &events::Event<'_>) -> Result<(), Error> {
        let tags = e.tags.join(",");
        let extra = e.alert_type.map(|t| {
            let mut m = serde_json::Map::new();
            m.insert("alert_type".into(), alert_type_str(t).into());
            m
        });
        let ev = http_events::Event {
            title: e.title,
            text: e.text,
            date_happened: e.date_happened,
            priority: e.priority.map(priority_str),
            tags: Some(&tags),
            host: Some(e.host.unwrap_or(&self.default_host)),
            aggregation_key: e.aggregation_key,
            source_type_name: e.source_type_name,
            extra,
            ..Default::default()
        };
        delivered(self.client()?.event(&ev))
    }

    /// `POST /api/v1/check_run`, as [`event`](Sink::event).
    fn service_check(&self, sc: &events::ServiceCheck<'_>) -> Result<(), Error> {
        let tags = sc.tags.join(",");
        let check = service_checks::ServiceCheck {
            check: &sc.name,
            host: sc.host.unwrap_or(&self.default_host),
            status: i32::from(sc.status),
            timestamp: sc.timestamp,
            message: sc.message,
            tags: Some(&tags),
        };
        delivered(self.client()?.service_check(&check))
    }

    fn abandon(&self) -> u64 {
        let n = self.queue.lock().clear();
        self.tel.add(DOG_STATS_DROPPED_SERIES_SHUTDOWN, n);
        n
    }

    fn read_out(&self, snap: &mut Snapshot) {
        let (payloads, series, bytes) = self.queue.lock().totals();
        snap.set(DOG_STATS_PAYLOADS_QUEUED, payloads);
        snap.set(DOG_STATS_SERIES_QUEUED, series);
        snap.set(DOG_STATS_BYTES_QUEUED, bytes);
    }

    fn fork_prepare(&self) {
        std::mem::forget(self.client.lock());
        std::mem::forget(self.queue.lock());
    }

    unsafe fn fork_parent(&self) {
        // SAFETY: fork_prepare took both locks on this thread and forgot the guards.
        unsafe { self.release_locks(Side::Parent) }
    }

    unsafe fn fork_child(&self) {
        // SAFETY: this is the only thread and fork_prepare's locks are held (copied).
        unsafe {
            (*self.queue.data_ptr()).clear();
            if let Some(c) = (*self.client.data_ptr()).take() {
                crate::fork::keep_from_parent(Box::new(c));
            }
            self.release_locks(Side::Child);
        }
    }
}

/// `Ok` when the intake accepted the request.
fn delivered(o: Outcome) -> Result<(), Error> {
    match o.error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

impl HttpSink {
    /// # Safety
    /// Only in the fork hooks, after `fork_prepare` took both locks.
    unsafe fn release_locks(&self, side: Side) {
        // SAFETY: caller's contract.
        unsafe {
            self.queue.release_after_fork(side);
            self.client.release_after_fork(side);
        }
    }
}
