//! The stats aggregator (dogapi's `DogStatsApi`): counters, gauges, histograms and timers
//! aggregated in process into time buckets and flushed to `/api/v1/series`.
//!
//! Semantics: reference §4 with DESIGN §4's corrections. Layout:
//! - [`key`]: context identity without allocation; [`aggregator`]: the sharded context map;
//! - [`histogram`]: reservoir and percentiles; [`payload`]: series JSON, splitting, gzip;
//! - this file: lifecycle (start / flush / stop), the retry queue and the flusher thread;
//! - [`fork`]: `pthread_atfork` handling (the child never re-sends the parent's points).

pub mod aggregator;
pub mod cache;
pub mod fork;
pub mod histogram;
pub mod key;
pub mod options;
pub mod payload;

use crate::error::{Error, ErrorKind};
use crate::http::{ApiRequest, Body, Client, Outcome};
use crate::log::{self, Level};
use aggregator::{Aggregator, Recorded};
pub use key::Kind;
pub use options::StatsOptions;
use parking_lot::{Mutex, RwLock};
use payload::{Limits, Payload, Rendered, SeriesStyle};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const NOT_STARTED: u8 = 0;
const RUNNING: u8 = 1;
const DISABLED: u8 = 2;

/// Wall-clock seconds from the coarse clock (a few ms resolution, a few ns to read): enough to
/// pick a bucket, and cheap enough for the hot path.
#[inline]
pub fn now_coarse() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: ts is a valid out-pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_REALTIME_COARSE, &mut ts) };
    if rc != 0 {
        return crate::http::metrics::now();
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Precise wall-clock seconds.
pub fn now() -> f64 {
    crate::http::metrics::now()
}

/// Monotonic seconds (timers).
pub fn monotonic() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: ts is a valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

/// Counters read by `dog_stats_telemetry`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Telemetry {
    pub points_recorded: u64,
    pub points_sampled_out: u64,
    pub contexts: u64,
    pub flushes: u64,
    pub series_flushed: u64,
    pub payloads_sent: u64,
    pub series_sent: u64,
    pub bytes_sent: u64,
    pub retries: u64,
    pub payloads_queued: u64,
    pub series_queued: u64,
    pub bytes_queued: u64,
    pub dropped_points_context_limit: u64,
    pub dropped_series_queue_full: u64,
    pub dropped_series_rejected: u64,
    pub dropped_series_shutdown: u64,
    pub dropped_series_invalid: u64,
}

#[derive(Default)]
struct Counters {
    sampled_out: AtomicU64,
    flushes: AtomicU64,
    series_flushed: AtomicU64,
    payloads_sent: AtomicU64,
    series_sent: AtomicU64,
    bytes_sent: AtomicU64,
    retries: AtomicU64,
    dropped_queue_full: AtomicU64,
    dropped_rejected: AtomicU64,
    dropped_shutdown: AtomicU64,
    dropped_invalid: AtomicU64,
}

impl Counters {
    fn reset(&self) {
        for c in [
            &self.sampled_out,
            &self.flushes,
            &self.series_flushed,
            &self.payloads_sent,
            &self.series_sent,
            &self.bytes_sent,
            &self.retries,
            &self.dropped_queue_full,
            &self.dropped_rejected,
            &self.dropped_shutdown,
            &self.dropped_invalid,
        ] {
            c.store(0, Ordering::Relaxed);
        }
    }
}

fn add(c: &AtomicU64, n: u64) {
    c.fetch_add(n, Ordering::Relaxed);
}

/// A payload waiting to be (re)sent.
struct Queued {
    p: Payload,
    attempts: u32,
    not_before: Instant,
    /// The intake asked us to wait (429): even an explicit flush honours that.
    rate_limited: bool,
}

#[derive(Default)]
struct Queue {
    items: VecDeque<Queued>,
    bytes: usize,
}

impl Queue {
    fn push_back(&mut self, q: Queued) {
        self.bytes += q.p.gzipped.len();
        self.items.push_back(q);
    }
    fn push_front(&mut self, q: Queued) {
        self.bytes += q.p.gzipped.len();
        self.items.push_front(q);
    }
    fn pop_front(&mut self) -> Option<Queued> {
        let q = self.items.pop_front()?;
        self.bytes -= q.p.gzipped.len();
        Some(q)
    }
    fn clear(&mut self) -> u64 {
        let series = self.items.iter().map(|q| q.p.series).sum();
        self.items.clear();
        self.bytes = 0;
        series
    }
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    /// Background thread: honours every back-off.
    Background,
    /// `dog_stats_flush`: tries now, except what a 429 asked to wait for.
    Manual,
    /// stop/free: tries until the deadline, requests bounded by the time left.
    Shutdown(Instant),
}

enum Msg {
    Stop(Instant),
}

struct Flusher {
    tx: crossbeam_channel::Sender<Msg>,
    done: crossbeam_channel::Receiver<Result<(), Error>>,
    join: Option<std::thread::JoinHandle<()>>,
}

struct Config {
    opts: StatsOptions,
    default_host: String,
}

/// dogapi's `DogStatsApi`. Shared between threads behind an `Arc`.
pub struct Stats {
    agg: Aggregator,
    state: AtomicU8,
    roll_up_bits: AtomicU64,
    /// The fork generation this instance last adapted to (see [`fork`]).
    fork_gen: AtomicU64,
    cfg: RwLock<Config>,
    client: Mutex<Option<Arc<Client>>>,
    queue: Mutex<Queue>,
    flusher: Mutex<Option<Flusher>>,
    counters: Counters,
}

/// Backoff for a failed send without a server-given delay: 1 s doubling to 60 s.
fn backoff(attempts: u32) -> Duration {
    Duration::from_secs(1u64 << attempts.saturating_sub(1).min(6)).min(Duration::from_secs(60))
}

enum Verdict {
    Sent,
    Retry(Option<Duration>),
    Reject,
}

fn parse_delay(v: &str) -> Option<Duration> {
    let x: f64 = v.trim().parse().ok()?;
    if !x.is_finite() || x < 0.0 {
        return None;
    }
    // X-RateLimit-Reset is seconds until reset; some servers send an epoch instead.
    let secs = if x > 1e9 { (x - now()).max(0.0) } else { x };
    Some(Duration::from_secs_f64(secs.min(300.0)))
}

fn verdict(o: &Outcome) -> Verdict {
    match &o.response {
        Some(r) if (200..300).contains(&r.status) => Verdict::Sent,
        Some(r) if r.status == 429 => {
            let d = r
                .header("retry-after")
                .and_then(parse_delay)
                .or_else(|| r.header("x-ratelimit-reset").and_then(parse_delay));
            Verdict::Retry(Some(d.unwrap_or(Duration::from_secs(10))))
        }
        Some(r) if r.status == 408 || r.status >= 500 => Verdict::Retry(None),
        Some(_) => Verdict::Reject,
        None => match o.error.as_ref().map(|e| e.kind) {
            Some(ErrorKind::InvalidArgument) | Some(ErrorKind::NullArgument) => Verdict::Reject,
            _ => Verdict::Retry(None),
        },
    }
}

/// A point to record.
#[derive(Debug, Clone, Copy)]
pub struct Point<'a> {
    pub name: &'a str,
    pub value: f64,
    pub tags: Option<&'a str>,
    /// 0: now.
    pub timestamp: f64,
    /// In (0, 1].
    pub sample_rate: f64,
    /// `None`: the default host.
    pub host: Option<&'a str>,
}

impl Stats {
    /// An instance that is not started: recording returns `NotStarted` (dogapi's
    /// `DogStatsApi()` before `start()`).
    pub fn new() -> Arc<Stats> {
        let s = Arc::new(Stats {
            agg: Aggregator::new(options::DEFAULT_MAX_CONTEXTS),
            state: AtomicU8::new(NOT_STARTED),
            roll_up_bits: AtomicU64::new(10f64.to_bits()),
            fork_gen: AtomicU64::new(fork::generation()),
            cfg: RwLock::new(Config { opts: StatsOptions::default(), default_host: String::new() }),
            client: Mutex::new(None),
            queue: Mutex::new(Queue::default()),
            flusher: Mutex::new(None),
            counters: Counters::default(),
        });
        fork::register(&s);
        s
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

    /// dogapi's `start()`: (re)configures and starts. A running instance is first stopped
    /// (flushing everything within its shutdown timeout) instead of dogapi's silent data loss.
    pub fn start(self: &Arc<Self>, opts: StatsOptions) -> Result<(), Error> {
        opts.validate()?;
        let client = Self::build_client(&opts)?;
        if self.state.load(Ordering::Acquire) == RUNNING {
            let _ = self.stop(None);
        }
        let default_host = if opts.use_ec2_instance_ids {
            crate::host::default_host(true)
        } else {
            match opts.host.as_deref() {
                Some(h) if !h.is_empty() => h.to_string(),
                _ => crate::host::hostname(),
            }
        };
        if client.has_api_key() {
        } else if log::enabled(Level::Warn) {
            log::emit(Level::Warn, "stats: no API key (DD_API_KEY); the intake will refuse the series");
        }
        self.agg.set_max_contexts(opts.max_contexts);
        self.roll_up_bits.store(opts.roll_up_interval.to_bits(), Ordering::Relaxed);
        let thread = opts.flush_in_thread && !opts.disabled;
        let disabled = opts.disabled;
        *self.client.lock() = Some(Arc::new(client));
        self.cfg.write().opts = opts;
        self.cfg.write().default_host = default_host;
        self.state.store(if disabled { DISABLED } else { RUNNING }, Ordering::Release);
        if thread {
            self.spawn_flusher()?;
        }
        Ok(())
    }

    fn spawn_flusher(self: &Arc<Self>) -> Result<(), Error> {
        let (tx, rx) = crossbeam_channel::unbounded();
        let (done_tx, done) = crossbeam_channel::bounded(1);
        let me = Arc::clone(self);
        let join = std::thread::Builder::new()
            .name("dogapi-stats".into())
            .spawn(move || me.flusher_loop(rx, done_tx))
            .map_err(|e| Error::new(ErrorKind::Internal, format!("cannot start the flush thread: {e}")))?;
        *self.flusher.lock() = Some(Flusher { tx, done, join: Some(join) });
        Ok(())
    }

    fn flusher_loop(&self, rx: crossbeam_channel::Receiver<Msg>, done: crossbeam_channel::Sender<Result<(), Error>>) {
        let interval = Duration::from_secs_f64(self.cfg.read().opts.flush_interval);
        let mut next = Instant::now() + interval;
        loop {
            let now_i = Instant::now();
            let mut wake = next;
            if let Some(nb) = self.queue.lock().items.front().map(|q| q.not_before) {
                wake = wake.min(nb.max(now_i));
            }
            match rx.recv_timeout(wake.saturating_duration_since(now_i)) {
                Ok(Msg::Stop(deadline)) => {
                    let r = self.final_flush(deadline);
                    let _ = done.send(r);
                    return;
                }
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return,
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                    if fork::generation() != self.fork_gen.load(Ordering::Relaxed) {
                        return; // cannot happen (threads do not survive fork), but be safe
                    }
                    if Instant::now() >= next {
                        let _ = self.collect(self.cut(now()));
                        next += interval;
                        if next < Instant::now() {
                            next = Instant::now() + interval;
                        }
                    }
                    let _ = self.send_pending(Mode::Background);
                }
            }
        }
    }

    #[inline]
    fn roll_up(&self) -> f64 {
        f64::from_bits(self.roll_up_bits.load(Ordering::Relaxed))
    }

    fn cut(&self, ts: f64) -> i64 {
        (ts / self.roll_up()).floor() as i64
    }

    /// After fork() in the child: start its own flusher (the parent's thread does not exist
    /// here). The parent's points and queue were already dropped by the atfork child handler.
    #[cold]
    fn adapt_to_fork(self: &Arc<Self>) {
        let g = fork::generation();
        if self.fork_gen.swap(g, Ordering::AcqRel) == g {
            return;
        }
        let (thread, running) = {
            let c = self.cfg.read();
            (c.opts.flush_in_thread && !c.opts.disabled, self.state.load(Ordering::Acquire) == RUNNING)
        };
        if thread && running && self.flusher.lock().is_none() {
            let _ = self.spawn_flusher();
        }
    }

    #[inline]
    fn check_fork(self: &Arc<Self>) {
        if self.fork_gen.load(Ordering::Relaxed) != fork::generation() {
            self.adapt_to_fork();
        }
    }

    /// The bucket of `ts`, clamped so that it never equals a slot sentinel.
    #[inline]
    fn bucket_of(&self, ts: f64) -> i64 {
        // floor() without a libm call (the baseline x86-64 target has no SSE4.1 `roundsd`):
        // truncate, then step down for negative non-integers; saturates like `floor() as i64`.
        let q = ts / self.roll_up();
        let t = q as i64;
        let b = if (t as f64) > q { t.saturating_sub(1) } else { t };
        b.max(aggregator::MIN_BUCKET)
    }

    /// Records one point. No allocation and no global lock for an existing context.
    #[inline]
    pub fn record(self: &Arc<Self>, kind: Kind, p: &Point<'_>) -> Result<(), Error> {
        match self.state.load(Ordering::Relaxed) {
            RUNNING => {}
            DISABLED => return Ok(()),
            _ => return Err(Error::new(ErrorKind::NotStarted, "stats: not started (call dog_stats_start first)")),
        }
        self.check_fork();
        if p.name.is_empty() {
            return Err(Error::invalid("metric name is empty"));
        }
        if !(p.sample_rate > 0.0 && p.sample_rate <= 1.0) {
            return Err(Error::invalid(format!("sample_rate must be in (0, 1], got {}", p.sample_rate)));
        }
        let mut weight = 1.0;
        if p.sample_rate < 1.0 {
            if histogram::next_f64() >= p.sample_rate {
                add(&self.counters.sampled_out, 1);
                return Ok(());
            }
            weight = 1.0 / p.sample_rate;
        }
        let ts = if p.timestamp == 0.0 { now_coarse() } else { p.timestamp };
        self.record_at(kind, p.name, p.tags, p.host, self.bucket_of(ts), p.value, weight)
    }

    /// Through the map (and into this thread's cache).
    #[allow(clippy::too_many_arguments)]
    fn record_at(
        &self,
        kind: Kind,
        name: &str,
        tags: Option<&str>,
        host: Option<&str>,
        bucket: i64,
        value: f64,
        weight: f64,
    ) -> Result<(), Error> {
        match self.agg.record(kind, name, tags, host, bucket, value, weight) {
            Recorded::Ok => Ok(()),
            Recorded::ContextLimit => Err(Error::new(
                ErrorKind::ContextLimit,
                format!(
                    "stats: live-context cap ({}) reached; point of {:?} dropped",
                    self.cfg.read().opts.max_contexts,
                    name
                ),
            )),
        }
    }

    /// The hot path: records a point whose raw arguments (bytes not yet validated) this thread
    /// has recorded before, straight into the cached context. `None` when it cannot (a cache
    /// miss, an instance not running, a fork to adapt to, an out-of-range sample rate): the
    /// caller then validates and calls [`record`](Self::record), which gives exactly the
    /// result and error it always gave. `value`, `timestamp`, `sample_rate` must be finite.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn record_cached(
        &self,
        kind: Kind,
        name: &[u8],
        tags: Option<&[u8]>,
        host: Option<&[u8]>,
        value: f64,
        timestamp: f64,
        sample_rate: f64,
    ) -> Option<Result<(), Error>> {
        if self.state.load(Ordering::Relaxed) != RUNNING
            || self.fork_gen.load(Ordering::Relaxed) != fork::generation()
            || !(sample_rate > 0.0 && sample_rate <= 1.0)
        {
            return None;
        }
        enum Step {
            Done,
            Retired(i64, f64),
        }
        let key = cache::RawKey::new(kind, name, tags, host);
        let step = cache::with_hit(self.agg.id(), &key, |ctx, cell, memo| {
            // A hit: the arguments are valid (they equal those of a successful call).
            let mut weight = 1.0;
            if sample_rate < 1.0 {
                if histogram::next_f64() >= sample_rate {
                    add(&self.counters.sampled_out, 1);
                    return (Step::Done, false);
                }
                weight = 1.0 / sample_rate;
            }
            let ts = if timestamp == 0.0 { now_coarse() } else { timestamp };
            let bucket = memo.get(ts, self.roll_up(), || self.bucket_of(ts));
            if ctx.record_hinted(bucket, value, weight, &mut memo.stripe) {
                cell.bump();
                (Step::Done, false)
            } else {
                (Step::Retired(bucket, weight), true)
            }
        })?;
        match step {
            Step::Done => Some(Ok(())),
            Step::Retired(bucket, weight) => {
                // SAFETY: the bytes equal those of a cache entry, filled from validated `&str`s
                // (that is what a hit means).
                fn s(b: &[u8]) -> &str {
                    // SAFETY: see above.
                    unsafe { std::str::from_utf8_unchecked(b) }
                }
                Some(self.record_at(kind, s(name), tags.map(s), host.map(s), bucket, value, weight))
            }
        }
    }

    /// Moves buckets `< cut` into payloads on the retry queue. `Err(QueueFull)` when older
    /// payloads had to be dropped to make room.
    fn collect(&self, cut: i64) -> Result<(), Error> {
        let mut r = Rendered::default();
        let (limits, max_queued) = {
            let c = self.cfg.read();
            let style = SeriesStyle {
                default_host: &c.default_host,
                device: c.opts.device.as_deref(),
                interval: c.opts.interval(),
            };
            self.agg.extract(cut, self.roll_up(), &style, &mut r);
            (
                Limits { max_compressed: c.opts.max_payload_bytes, max_decompressed: payload::MAX_DECOMPRESSED },
                c.opts.max_queued_bytes,
            )
        };
        add(&self.counters.dropped_invalid, r.skipped_non_finite);
        if r.is_empty() {
            return Ok(());
        }
        add(&self.counters.flushes, 1);
        add(&self.counters.series_flushed, r.len() as u64);
        let payloads = payload::split(&r, limits);
        drop(r);
        let mut dropped = 0u64;
        let mut q = self.queue.lock();
        for p in payloads {
            let len = p.gzipped.len();
            while q.bytes + len > max_queued {
                match q.pop_front() {
                    Some(old) => dropped += old.p.series,
                    None => break,
                }
            }
            if q.bytes + len > max_queued {
                dropped += p.series;
                continue;
            }
            q.push_back(Queued { p, attempts: 0, not_before: Instant::now(), rate_limited: false });
        }
        drop(q);
        if dropped > 0 {
            add(&self.counters.dropped_queue_full, dropped);
            let msg = format!("stats: retry queue full ({max_queued} bytes); {dropped} series dropped");
            if log::enabled(Level::Error) {
                log::emit(Level::Error, &msg);
            }
            return Err(Error::new(ErrorKind::QueueFull, msg));
        }
        Ok(())
    }

    fn client(&self) -> Result<Arc<Client>, Error> {
        let mut c = self.client.lock();
        if let Some(c) = c.as_ref() {
            return Ok(Arc::clone(c));
        }
        // After fork() the child builds its own client (own connections).
        let built = Arc::new(Self::build_client(&self.cfg.read().opts)?);
        *c = Some(Arc::clone(&built));
        Ok(built)
    }

    /// Sends what is due, oldest first; stops at the first retryable failure.
    fn send_pending(&self, mode: Mode) -> Result<(), Error> {
        let client = self.client()?;
        let request_timeout = self.cfg.read().opts.request();
        let mut last_err: Option<Error> = None;
        let mut shortened = false;
        loop {
            let now_i = Instant::now();
            let item = {
                let mut q = self.queue.lock();
                let due = match q.items.front() {
                    None => false,
                    Some(f) => match mode {
                        Mode::Background => f.not_before <= now_i,
                        Mode::Manual => !(f.rate_limited && f.not_before > now_i),
                        Mode::Shutdown(deadline) => f.not_before <= now_i || (!f.rate_limited && now_i < deadline),
                    },
                };
                if due {
                    q.pop_front()
                } else {
                    None
                }
            };
            let Some(mut item) = item else {
                // Shutdown: wait for a rate-limit delay that ends before the deadline.
                if let Mode::Shutdown(deadline) = mode {
                    let nb = self.queue.lock().items.front().map(|f| f.not_before);
                    if let Some(nb) = nb {
                        if nb < deadline {
                            std::thread::sleep(nb.saturating_duration_since(Instant::now()));
                            continue;
                        }
                    }
                }
                break;
            };
            if let Mode::Shutdown(deadline) = mode {
                let left = deadline.saturating_duration_since(now_i);
                if left < Duration::from_millis(5) {
                    self.queue.lock().push_front(item);
                    last_err = Some(Error::new(
                        ErrorKind::Timeout,
                        "stats: shutdown timeout reached before every series was sent",
                    ));
                    break;
                }
                if left < request_timeout {
                    let _ = client.set_timeout(left);
                    shortened = true;
                }
            }
            let mut req = ApiRequest::new("POST", "series");
            req.body = Body::Gzipped(item.p.gzipped.clone());
            req.status_only = true; // verdict() needs the status and headers, not a parsed body
            let outcome = client.call(req);
            match verdict(&outcome) {
                Verdict::Sent => {
                    add(&self.counters.payloads_sent, 1);
                    add(&self.counters.series_sent, item.p.series);
                    add(&self.counters.bytes_sent, item.p.gzipped.len() as u64);
                }
                Verdict::Retry(delay) => {
                    item.attempts += 1;
                    item.rate_limited = delay.is_some();
                    let wait = delay.unwrap_or_else(|| backoff(item.attempts));
                    item.not_before = Instant::now() + wait;
                    add(&self.counters.retries, 1);
                    let e = outcome.error.unwrap_or_else(|| Error::new(ErrorKind::Connection, "stats: send failed"));
                    if log::enabled(Level::Warn) {
                        log::emit(
                            Level::Warn,
                            &format!(
                                "stats: {} series queued for retry in {:.1} s: {}",
                                item.p.series,
                                wait.as_secs_f64(),
                                e.message
                            ),
                        );
                    }
                    last_err = Some(e);
                    self.queue.lock().push_front(item);
                    match mode {
                        Mode::Shutdown(deadline) if Instant::now() < deadline => {
                            // Keep trying until the deadline, pausing a little between tries.
                            let pause = if delay.is_some() { Duration::ZERO } else { Duration::from_millis(50) };
                            std::thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                            continue;
                        }
                        _ => break,
                    }
                }
                Verdict::Reject => {
                    add(&self.counters.dropped_rejected, item.p.series);
                    let e =
                        outcome.error.unwrap_or_else(|| Error::new(ErrorKind::HttpStatus, "stats: series rejected"));
                    if log::enabled(Level::Error) {
                        log::emit(
                            Level::Error,
                            &format!("stats: {} series rejected and dropped: {}", item.p.series, e.message),
                        );
                    }
                    last_err = Some(e);
                }
            }
        }
        if shortened {
            let _ = client.set_timeout(request_timeout);
        }
        match last_err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn started(&self) -> Result<u8, Error> {
        match self.state.load(Ordering::Acquire) {
            NOT_STARTED => Err(Error::new(ErrorKind::NotStarted, "stats: not started (call dog_stats_start first)")),
            s => Ok(s),
        }
    }

    /// dogapi's `flush(timestamp)`: sends every bucket strictly older than the bucket of
    /// `timestamp` (`None`: now), then tries the retry queue. Ok when nothing is left queued.
    pub fn flush(self: &Arc<Self>, timestamp: Option<f64>) -> Result<(), Error> {
        if self.started()? == DISABLED {
            return Ok(());
        }
        self.check_fork();
        let cut = self.cut(timestamp.unwrap_or_else(now));
        let collected = self.collect(cut);
        let sent = self.send_pending(Mode::Manual);
        collected.and(sent)
    }

    fn final_flush(&self, deadline: Instant) -> Result<(), Error> {
        let collected = self.collect(i64::MAX);
        let sent = self.send_pending(Mode::Shutdown(deadline));
        let left = self.queue.lock().clear();
        if left > 0 {
            add(&self.counters.dropped_shutdown, left);
            let msg = format!("stats: stopped with {left} series unsent (dropped)");
            if log::enabled(Level::Error) {
                log::emit(Level::Error, &msg);
            }
            return Err(sent.err().unwrap_or_else(|| Error::new(ErrorKind::Timeout, msg)));
        }
        collected.and(sent)
    }

    /// Stops automatic flushing and flushes every bucket, the current one included, within
    /// `timeout` (`None`: the shutdown timeout option). Whatever is still unsent at the
    /// deadline is dropped and counted. Recording stays possible (as in dogapi); later points
    /// go out with `flush` or the next `stop`.
    pub fn stop(self: &Arc<Self>, timeout: Option<Duration>) -> Result<(), Error> {
        if self.started()? == DISABLED {
            return Ok(());
        }
        self.check_fork();
        let timeout = timeout.unwrap_or_else(|| self.cfg.read().opts.shutdown());
        let deadline = Instant::now() + timeout;
        let flusher = self.flusher.lock().take();
        match flusher {
            Some(mut f) => {
                // The thread aims a little before the caller's deadline so that its last
                // accounting is done when we return.
                let margin = (timeout / 5).min(Duration::from_millis(100));
                if f.tx.send(Msg::Stop(deadline - margin)).is_err() {
                    return self.final_flush(deadline);
                }
                match f.done.recv_deadline(deadline) {
                    Ok(r) => {
                        if let Some(j) = f.join.take() {
                            let _ = j.join();
                        }
                        r
                    }
                    Err(_) => Err(Error::new(
                        ErrorKind::Timeout,
                        "stats: the flush thread did not finish within the shutdown timeout",
                    )),
                }
            }
            None => self.final_flush(deadline),
        }
    }

    pub fn telemetry(&self) -> Telemetry {
        let c = &self.counters;
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let (payloads_queued, series_queued, bytes_queued) = {
            let q = self.queue.lock();
            (q.items.len() as u64, q.items.iter().map(|i| i.p.series).sum(), q.bytes as u64)
        };
        Telemetry {
            points_recorded: self.agg.points(),
            points_sampled_out: l(&c.sampled_out),
            contexts: self.agg.live_contexts() as u64,
            flushes: l(&c.flushes),
            series_flushed: l(&c.series_flushed),
            payloads_sent: l(&c.payloads_sent),
            series_sent: l(&c.series_sent),
            bytes_sent: l(&c.bytes_sent),
            retries: l(&c.retries),
            payloads_queued,
            series_queued,
            bytes_queued,
            dropped_points_context_limit: self.agg.dropped_context_limit(),
            dropped_series_queue_full: l(&c.dropped_queue_full),
            dropped_series_rejected: l(&c.dropped_rejected),
            dropped_series_shutdown: l(&c.dropped_shutdown),
            dropped_series_invalid: l(&c.dropped_invalid),
        }
    }

    pub fn is_started(&self) -> bool {
        self.state.load(Ordering::Acquire) != NOT_STARTED
    }

    /// Approximate bytes of the context map (benchmarks).
    pub fn approx_context_bytes(&self) -> usize {
        self.agg.approx_bytes()
    }

    /// Builds and serialises (not sends) the payloads for every bucket `< cut`: the flush
    /// work without the network (benchmarks). Returns (series, payloads, compressed bytes).
    pub fn render_only(&self, timestamp: Option<f64>) -> (usize, usize, usize) {
        let mut r = Rendered::default();
        let c = self.cfg.read();
        let style = SeriesStyle {
            default_host: &c.default_host,
            device: c.opts.device.as_deref(),
            interval: c.opts.interval(),
        };
        let cut = timestamp.map_or(i64::MAX, |t| self.cut(t));
        self.agg.extract(cut, self.roll_up(), &style, &mut r);
        let p = payload::split(
            &r,
            Limits { max_compressed: c.opts.max_payload_bytes, max_decompressed: payload::MAX_DECOMPRESSED },
        );
        (r.len(), p.len(), p.iter().map(|x| x.gzipped.len()).sum())
    }
}

impl Drop for Stats {
    fn drop(&mut self) {
        fork::unregister(self);
    }
}

#[cfg(test)]
impl Stats {
    /// Test hook: flush buckets older than `ts`'s bucket and return the series that would be
    /// sent (decoded from the gzip payloads), without the network.
    fn flush_series(&self, ts: f64) -> Vec<serde_json::Value> {
        use std::io::Read;
        let mut r = Rendered::default();
        let c = self.cfg.read();
        let style = SeriesStyle {
            default_host: &c.default_host,
            device: c.opts.device.as_deref(),
            interval: c.opts.interval(),
        };
        self.agg.extract(self.cut(ts), self.roll_up(), &style, &mut r);
        let mut out = Vec::new();
        for p in payload::split(&r, Limits::default()) {
            let mut s = String::new();
            flate2::read::GzDecoder::new(&p.gzipped[..]).read_to_string(&mut s).unwrap();
            let v: serde_json::Value = serde_json::from_str(&s).unwrap();
            out.extend(v["series"].as_array().unwrap().iter().cloned());
        }
        // dogapi's tests sort by (first point ts, metric name, tags, host).
        out.sort_by(|a, b| {
            let k = |v: &serde_json::Value| {
                (
                    v["points"][0][0].as_f64().unwrap(),
                    v["metric"].as_str().unwrap().to_string(),
                    v["tags"].to_string(),
                    v["host"].to_string(),
                )
            };
            k(a).partial_cmp(&k(b)).unwrap()
        });
        out
    }
}

/// dogapi 1.11.1 `tests/unit/test_stats_api.py` (reference §6.1), same numbers; changed only
/// where DESIGN §4 says: counters and `.count` are `count` with `interval`, tags omitted when
/// empty, tags emitted sorted (order is not part of identity), percentile ties half away
/// from zero.
#[cfg(test)]
mod dogapi_tests {
    use super::*;
    use serde_json::{json, Value};

    fn started(f: impl FnOnce(&mut StatsOptions)) -> Arc<Stats> {
        let s = Stats::new();
        let mut o = StatsOptions {
            flush_in_thread: false,
            api_host: Some("http://127.0.0.1:9".into()),
            api_key: Some("k".into()),
            ..Default::default()
        };
        f(&mut o);
        s.start(o).unwrap();
        s
    }

    fn pt(name: &str, value: f64, ts: f64) -> Point<'_> {
        Point { name, value, tags: None, timestamp: ts, sample_rate: 1.0, host: None }
    }

    fn get<'a>(m: &'a [Value], name: &str) -> Vec<&'a Value> {
        m.iter().filter(|x| x["metric"] == name).collect()
    }

    fn val(v: &Value) -> f64 {
        v["points"][0][1].as_f64().unwrap()
    }

    #[test]
    fn histogram() {
        let s = started(|_| {});
        for (name, v, ts) in [
            ("histogram.1", 20.0, 100.0),
            ("histogram.1", 30.0, 105.0),
            ("histogram.1", 40.0, 106.0),
            ("histogram.1", 50.0, 106.0),
            ("histogram.1", 30.0, 110.0),
            ("histogram.1", 50.0, 115.0),
            ("histogram.1", 40.0, 116.0),
            ("histogram.2", 40.0, 100.0),
            ("histogram.3", 50.0, 134.0),
        ] {
            s.record(Kind::Histogram, &pt(name, v, ts)).unwrap();
        }
        let m = s.flush_series(120.0);
        assert_eq!(m.len(), 24);
        let b100: Vec<&Value> = m
            .iter()
            .filter(|x| x["points"][0][0] == 100 && x["metric"].as_str().unwrap().starts_with("histogram.1"))
            .collect();
        let by = |suffix: &str| val(b100.iter().find(|x| x["metric"] == format!("histogram.1{suffix}")).unwrap());
        assert_eq!(by(".avg"), 35.0);
        assert_eq!(by(".count"), 4.0);
        assert_eq!(by(".min"), 20.0);
        assert_eq!(by(".max"), 50.0);
        assert_eq!(by(".75percentile"), 40.0);
        assert_eq!(by(".99percentile"), 50.0);
        let b110 = |suffix: &str| {
            val(m.iter().find(|x| x["points"][0][0] == 110 && x["metric"] == format!("histogram.1{suffix}")).unwrap())
        };
        assert_eq!(b110(".avg"), 40.0);
        assert_eq!(b110(".count"), 3.0);
        assert_eq!(b110(".75percentile"), 40.0);
        assert_eq!(b110(".99percentile"), 50.0);
        assert_eq!(val(get(&m, "histogram.2.avg")[0]), 40.0);
        assert_eq!(val(get(&m, "histogram.2.count")[0]), 1.0);
        // Types: statistics are gauges; .count is a count with interval.
        let c = get(&m, "histogram.2.count")[0];
        assert_eq!(c["type"], "count");
        assert_eq!(c["interval"], 10);
        assert_eq!(get(&m, "histogram.2.avg")[0]["type"], "gauge");
        assert!(get(&m, "histogram.2.avg")[0].get("interval").is_none());
        assert_eq!(s.flush_series(140.0).len(), 8);
        assert_eq!(s.flush_series(200.0).len(), 0);
    }

    #[test]
    fn histogram_percentiles() {
        let s = started(|_| {});
        for _ in 0..20 {
            for v in 1..=100 {
                s.record(Kind::Histogram, &pt("percentiles", v as f64, 1000.0)).unwrap();
            }
        }
        let m = s.flush_series(2000.0);
        assert_eq!(m.len(), 8);
        for p in [75.0, 85.0, 95.0, 99.0] {
            let v = get(&m, &format!("percentiles.{p}percentile"))[0];
            assert!((val(v) - p).abs() <= 8.0, "p{p} = {}", val(v));
            assert_eq!(v["points"][0][0].as_f64().unwrap(), 1000.0);
        }
        assert_eq!(val(get(&m, "percentiles.count")[0]), 2000.0);
    }

    #[test]
    fn gauge() {
        let s = started(|_| {});
        s.record(Kind::Gauge, &pt("test.gauge.1", 20.0, 100.0)).unwrap();
        s.record(Kind::Gauge, &pt("test.gauge.1", 22.0, 105.0)).unwrap();
        s.record(Kind::Gauge, &pt("test.gauge.2", 20.0, 110.0)).unwrap();
        s.record(Kind::Gauge, &pt("test.gauge.3", 20.0, 125.0)).unwrap();
        let m = s.flush_series(120.0);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0]["metric"], "test.gauge.1");
        assert_eq!(val(&m[0]), 22.0);
        assert_eq!(m[0]["points"][0][0], 100);
        assert_eq!(m[0]["type"], "gauge");
        assert_eq!(m[1]["metric"], "test.gauge.2");
        assert_eq!(s.flush_series(130.0).len(), 1);
        assert_eq!(s.flush_series(150.0).len(), 0);
    }

    #[test]
    fn counter() {
        let s = started(|_| {});
        s.record(Kind::Counter, &pt("test.counter.1", 1.0, 1000.0)).unwrap();
        s.record(Kind::Counter, &pt("test.counter.1", 2.0, 1005.0)).unwrap();
        s.record(Kind::Counter, &pt("test.counter.2", 1.0, 1015.0)).unwrap();
        s.record(Kind::Counter, &pt("test.counter.3", 1.0, 1025.0)).unwrap();
        let m = s.flush_series(1021.0);
        assert_eq!(m.len(), 2);
        assert_eq!(val(&m[0]), 3.0);
        assert_eq!(m[0]["type"], "count");
        assert_eq!(m[0]["interval"], 10);
        assert_eq!(s.flush_series(1030.0).len(), 1);
        assert_eq!(s.flush_series(1050.0).len(), 0);
    }

    #[test]
    fn default_host_and_device() {
        let s = started(|_| {});
        s.record(Kind::Gauge, &pt("my.gauge", 1.0, 100.0)).unwrap();
        let m = s.flush_series(200.0);
        assert!(m[0].get("device").is_none());
        assert_eq!(m[0]["host"], crate::host::hostname());
        assert!(!m[0]["host"].as_str().unwrap().is_empty());
    }

    #[test]
    fn custom_host_and_device() {
        let s = started(|o| {
            o.host = Some("host".into());
            o.device = Some("dev".into());
        });
        s.record(Kind::Gauge, &pt("my.gauge", 1.0, 100.0)).unwrap();
        let m = s.flush_series(200.0);
        assert_eq!(m[0]["host"], "host");
        assert_eq!(m[0]["device"], "dev");
    }

    #[test]
    fn tags() {
        let s = started(|_| {});
        for (kind, name) in [(Kind::Gauge, "gauge"), (Kind::Counter, "counter")] {
            s.record(kind, &pt(name, 1.0, 100.0)).unwrap();
            s.record(kind, &Point { tags: Some("env:production,db"), ..pt(name, 1.0, 100.0) }).unwrap();
            s.record(kind, &Point { tags: Some("env:staging"), ..pt(name, 1.0, 100.0) }).unwrap();
        }
        s.record(Kind::Histogram, &Point { tags: Some("db"), ..pt("hist", 1.0, 100.0) }).unwrap();
        let m = s.flush_series(200.0);
        assert_eq!(m.len(), 6 + 8);
        for name in ["gauge", "counter"] {
            let g = get(&m, name);
            assert_eq!(g.len(), 3);
            assert!(g.iter().any(|x| x.get("tags").is_none()), "no-tag series omits tags");
            assert!(g.iter().any(|x| x["tags"] == json!(["db", "env:production"])));
            assert!(g.iter().any(|x| x["tags"] == json!(["env:staging"])));
        }
        assert!(get(&m, "hist.avg")[0]["tags"] == json!(["db"]));
    }

    #[test]
    fn host() {
        let s = started(|o| o.host = Some("default".into()));
        let g =
            |h: Option<&'static str>, tags: Option<&'static str>| Point { host: h, tags, ..pt("gauge", 12.0, 100.0) };
        s.record(Kind::Gauge, &g(Some(""), None)).unwrap();
        s.record(Kind::Gauge, &g(Some("test"), None)).unwrap();
        let c =
            |h: Option<&'static str>, tags: Option<&'static str>| Point { host: h, tags, ..pt("counter", 1.0, 100.0) };
        s.record(Kind::Counter, &c(None, None)).unwrap();
        s.record(Kind::Counter, &c(None, None)).unwrap();
        s.record(Kind::Counter, &c(Some("test"), None)).unwrap();
        s.record(Kind::Counter, &c(Some("test"), Some("tag"))).unwrap();
        s.record(Kind::Counter, &c(Some("test"), Some("tag"))).unwrap();
        s.record(Kind::Histogram, &Point { host: Some("test"), ..pt("hist", 1.0, 100.0) }).unwrap();
        let m = s.flush_series(200.0);
        // dogapi's 6 also held a timed metric; here: 2 gauges + 3 counters + 8 histogram.
        assert_eq!(m.len(), 5 + 8);
        let gauges = get(&m, "gauge");
        assert!(gauges.iter().any(|x| x["host"] == ""));
        assert!(gauges.iter().any(|x| x["host"] == "test"));
        let counters = get(&m, "counter");
        let find = |host: &str, tagged: bool| {
            val(counters.iter().find(|x| x["host"] == host && x.get("tags").is_some() == tagged).unwrap())
        };
        assert_eq!(find("default", false), 2.0);
        assert_eq!(find("test", false), 1.0);
        assert_eq!(find("test", true), 2.0);
        assert!(get(&m, "hist.avg").iter().all(|x| x["host"] == "test"));
    }

    #[test]
    fn disabled_mode() {
        let s = started(|o| o.disabled = true);
        s.record(Kind::Gauge, &pt("page.views", 123.0, 100.0)).unwrap();
        assert!(s.flush(Some(1000.0)).is_ok());
        assert_eq!(s.flush_series(1000.0).len(), 0);
        assert_eq!(s.telemetry().points_recorded, 0);
    }

    #[test]
    fn not_started_and_argument_checks() {
        let s = Stats::new();
        assert_eq!(s.record(Kind::Gauge, &pt("a", 1.0, 0.0)).unwrap_err().kind, ErrorKind::NotStarted);
        assert_eq!(s.flush(None).unwrap_err().kind, ErrorKind::NotStarted);
        assert_eq!(s.stop(None).unwrap_err().kind, ErrorKind::NotStarted);
        let s = started(|_| {});
        assert_eq!(s.record(Kind::Gauge, &pt("", 1.0, 0.0)).unwrap_err().kind, ErrorKind::InvalidArgument);
        assert_eq!(
            s.record(Kind::Gauge, &Point { sample_rate: 0.0, ..pt("a", 1.0, 0.0) }).unwrap_err().kind,
            ErrorKind::InvalidArgument
        );
        assert_eq!(
            s.record(Kind::Gauge, &Point { sample_rate: 1.5, ..pt("a", 1.0, 0.0) }).unwrap_err().kind,
            ErrorKind::InvalidArgument
        );
    }

    #[test]
    fn flush_boundary_is_strict() {
        let s = started(|_| {});
        s.record(Kind::Counter, &pt("c", 1.0, 205.0)).unwrap();
        assert_eq!(s.flush_series(209.9).len(), 0);
        assert_eq!(s.flush_series(210.0).len(), 1);
    }

    #[test]
    fn sample_rate_gives_unbiased_totals() {
        let s = started(|_| {});
        let n = 200_000;
        for _ in 0..n {
            s.record(Kind::Counter, &Point { sample_rate: 0.25, ..pt("sampled", 1.0, 100.0) }).unwrap();
            s.record(Kind::Histogram, &Point { sample_rate: 0.5, ..pt("sampled.h", 3.0, 100.0) }).unwrap();
        }
        let m = s.flush_series(200.0);
        let total = val(get(&m, "sampled")[0]);
        assert!((total - n as f64).abs() < n as f64 * 0.02, "{total}");
        let count = val(get(&m, "sampled.h.count")[0]);
        assert!((count - n as f64).abs() < n as f64 * 0.02, "{count}");
        assert_eq!(val(get(&m, "sampled.h.avg")[0]), 3.0);
        let t = s.telemetry();
        assert_eq!(t.points_recorded + t.points_sampled_out, 2 * n);
    }
}

/// The per-thread cache (`cache.rs`) and the lock-free slot protocol (`aggregator.rs`).
#[cfg(test)]
mod cache_tests {
    use super::*;
    use serde_json::Value;

    fn started() -> Arc<Stats> {
        let s = Stats::new();
        s.start(StatsOptions {
            flush_in_thread: false,
            api_host: Some("http://127.0.0.1:9".into()),
            api_key: Some("k".into()),
            ..Default::default()
        })
        .unwrap();
        s
    }

    /// As the C entry points do: the cached path, else the full one. `true` on a cache hit.
    fn rec(s: &Arc<Stats>, kind: Kind, name: &str, tags: Option<&str>, v: f64, ts: f64) -> bool {
        match s.record_cached(kind, name.as_bytes(), tags.map(str::as_bytes), None, v, ts, 1.0) {
            Some(r) => {
                r.unwrap();
                true
            }
            None => {
                s.record(kind, &Point { name, value: v, tags, timestamp: ts, sample_rate: 1.0, host: None }).unwrap();
                false
            }
        }
    }

    fn sum(m: &[Value], name: &str) -> f64 {
        m.iter().filter(|x| x["metric"] == name).map(|x| x["points"][0][1].as_f64().unwrap()).sum()
    }

    #[test]
    fn hits_skip_the_map_and_raw_spellings_share_a_context() {
        let s = started();
        assert!(!rec(&s, Kind::Counter, "c", Some("b,a"), 1.0, 100.0));
        assert!(rec(&s, Kind::Counter, "c", Some("b,a"), 2.0, 100.0));
        assert!(!rec(&s, Kind::Counter, "c", Some(" a , b"), 4.0, 100.0));
        assert!(rec(&s, Kind::Counter, "c", Some(" a , b"), 8.0, 100.0));
        assert!(!rec(&s, Kind::Counter, "c", None, 16.0, 100.0));
        assert!(!rec(&s, Kind::Counter, "c", Some(""), 32.0, 100.0));
        assert!(rec(&s, Kind::Counter, "c", Some(""), 64.0, 100.0));
        let m = s.flush_series(200.0);
        assert_eq!(m.len(), 2);
        assert_eq!(sum(&m, "c"), 127.0);
        assert_eq!(s.telemetry().points_recorded, 7);
        assert_eq!(s.telemetry().contexts, 2);
        // Invalid UTF-8 never hits (it was never filled) and still fails on the full path.
        assert!(s.record_cached(Kind::Counter, b"\xff", None, None, 1.0, 0.0, 1.0).is_none());
    }

    #[test]
    fn a_cached_context_that_was_retired_loses_nothing() {
        let s = started();
        for kind in [Kind::Counter, Kind::Gauge, Kind::Histogram] {
            rec(&s, kind, "r", Some("t:1"), 1.0, 100.0);
            assert!(rec(&s, kind, "r", Some("t:1"), 1.0, 100.0));
        }
        assert_eq!(s.flush_series(200.0).len(), 2 + 8);
        // Nothing flushed and nothing held: every context is retired and leaves the map...
        assert!(s.flush_series(300.0).is_empty());
        assert_eq!(s.telemetry().contexts, 0);
        // ...but this thread's cache still holds them: the point goes to a new context.
        for kind in [Kind::Counter, Kind::Gauge, Kind::Histogram] {
            assert!(rec(&s, kind, "r", Some("t:1"), 5.0, 300.0), "a hit on the retired context");
            assert!(rec(&s, kind, "r", Some("t:1"), 5.0, 300.0), "then a hit on the new one");
        }
        assert_eq!(s.telemetry().contexts, 3);
        let m = s.flush_series(400.0);
        assert_eq!(sum(&m, "r"), 5.0 + 10.0);
        assert_eq!(sum(&m, "r.count"), 2.0);
        assert_eq!(s.telemetry().points_recorded, 12);
    }

    #[test]
    fn threads_on_one_histogram_racing_flushes_are_exact() {
        // Four threads record into the same histogram context (each its own stripe, mostly)
        // while this thread flushes over and over (taking buckets from every stripe, merging,
        // retiring the context when idle). Over all flushes: count, min, max and sum exact.
        let s = started();
        let (threads_n, n) = (4u64, 100_000u64);
        let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..threads_n)
            .map(|t| {
                let (s, done) = (Arc::clone(&s), Arc::clone(&done));
                std::thread::spawn(move || {
                    for i in 0..n {
                        // Integers, so every partial sum is exact in f64.
                        let v = (i % 1000) as f64 + (t * 1000) as f64 - 1500.0;
                        let ts = 100.0 + ((i / 5_000) % 3) as f64 * 10.0;
                        rec(&s, Kind::Histogram, "one.h", Some("k:v"), v, ts);
                        if i % 20_000 == 0 {
                            std::thread::yield_now();
                        }
                    }
                    done.fetch_add(1, Ordering::SeqCst);
                })
            })
            .collect();
        let mut all = Vec::new();
        let mut flushes = 0;
        while done.load(Ordering::SeqCst) < threads_n as usize {
            all.extend(s.flush_series(1e12));
            flushes += 1;
        }
        for t in threads {
            t.join().unwrap();
        }
        all.extend(s.flush_series(1e12));
        assert!(flushes > 10, "only {flushes} flushes raced the recorders");
        let series = |name: &str| {
            all.iter().filter(|x| x["metric"] == name).map(|x| x["points"][0][1].as_f64().unwrap()).collect::<Vec<_>>()
        };
        let counts = series("one.h.count");
        let avgs = series("one.h.avg");
        assert_eq!(counts.len(), avgs.len());
        assert_eq!(counts.iter().sum::<f64>(), (threads_n * n) as f64);
        // sum = Σ avg × count per flushed bucket; each is an integer up to float rounding.
        let mut sum = 0.0;
        for (c, a) in counts.iter().zip(&avgs) {
            let x = c * a;
            assert!((x - x.round()).abs() < 1e-6 * x.abs().max(1.0), "{x}");
            sum += x.round();
        }
        let want: f64 =
            (0..threads_n).map(|t| (0..n).map(|i| (i % 1000) as f64 + (t * 1000) as f64 - 1500.0).sum::<f64>()).sum();
        assert_eq!(sum, want);
        assert_eq!(series("one.h.min").into_iter().fold(f64::INFINITY, f64::min), -1500.0);
        assert_eq!(
            series("one.h.max").into_iter().fold(f64::NEG_INFINITY, f64::max),
            999.0 + ((threads_n - 1) * 1000) as f64 - 1500.0
        );
        assert_eq!(s.telemetry().points_recorded, threads_n * n);
    }

    #[test]
    fn recorders_racing_flushes_lose_and_duplicate_nothing() {
        // Two threads record on cached contexts (several buckets at once, so slots are
        // claimed, sealed, freed and overflow lists used) while this thread extracts every
        // bucket over and over (sealing live slots and retiring idle contexts under them).
        let s = started();
        let n = 200_000u64;
        let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|t| {
                let (s, done) = (Arc::clone(&s), Arc::clone(&done));
                std::thread::spawn(move || {
                    for i in 0..n {
                        let ts = 100.0 + ((i / 7) % 5) as f64 * 10.0;
                        rec(&s, Kind::Counter, "race.c", Some("k:v"), 1.0, ts);
                        if i % 4 == t {
                            rec(&s, Kind::Histogram, "race.h", None, i as f64, ts);
                        }
                        if i % 1000 == 0 {
                            rec(&s, Kind::Counter, &format!("race.sparse.{t}"), None, 1.0, ts);
                        }
                    }
                    done.fetch_add(1, Ordering::SeqCst);
                })
            })
            .collect();
        let mut all = Vec::new();
        let mut flushes = 0;
        while done.load(Ordering::SeqCst) < 2 {
            all.extend(s.flush_series(1e12));
            flushes += 1;
        }
        for t in threads {
            t.join().unwrap();
        }
        all.extend(s.flush_series(1e12));
        assert!(flushes > 10, "only {flushes} flushes raced the recorders");
        assert_eq!(sum(&all, "race.c"), (2 * n) as f64);
        assert_eq!(sum(&all, "race.h.count"), (2 * n / 4) as f64);
        assert_eq!(sum(&all, "race.sparse.0") + sum(&all, "race.sparse.1"), (2 * n / 1000) as f64);
        assert_eq!(s.telemetry().points_recorded, 2 * n + 2 * n / 4 + 2 * n / 1000);
    }
}
