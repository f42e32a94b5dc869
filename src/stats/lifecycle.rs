//! `Stats` (dogapi's `DogStatsApi`): start / flush / stop, closing buckets into the sink,
//! the telemetry read-out, and what the instance does around fork().

use super::aggregator::{Aggregate, Aggregator};
use super::clock::now;
use super::flusher::{Flusher, Jobs};
use super::options::{self, Resolved, StatsOptions};
use super::sink::dogstatsd::DogStatsdSink;
use super::sink::events::{EventArgs, ServiceCheckArgs};
use super::sink::http::HttpSink;
use super::sink::{SendMode, Sink};
use super::tally::Registry;
use super::telemetry::{Counter, Snapshot, Telemetry};
use crate::error::{Error, ErrorKind};
use crate::fork::{self, ForkGuarded, ForkLock, Side};
use crate::global_tags::GlobalTags;
use crate::log::{self, Level};
use parking_lot::{Mutex, RwLock};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

/// The host of series recorded without one.
fn default_host(opts: &StatsOptions) -> String {
    if opts.use_ec2_instance_ids {
        crate::host::default_host(true)
    } else {
        match opts.host.as_deref() {
            Some(h) if !h.is_empty() => h.to_string(),
            _ => crate::host::hostname(),
        }
    }
}

pub(super) const NOT_STARTED: u8 = 0;
pub(super) const RUNNING: u8 = 1;
pub(super) const DISABLED: u8 = 2;

/// dogapi's `DogStatsApi`. Shared between threads behind an `Arc`.
pub struct Stats {
    pub(super) agg: Aggregator,
    pub(super) state: AtomicU8,
    pub(super) roll_up_bits: AtomicU64,
    /// The fork generation this instance last adapted to (see [`fork`]).
    pub(super) fork_gen: AtomicU64,
    pub(super) cfg: RwLock<StatsOptions>,
    sink: RwLock<Option<Arc<dyn Sink>>>,
    flusher: Mutex<Option<Flusher>>,
    pub(super) tel: Arc<Telemetry>,
    /// The counter handles, whose per-thread totals every flush harvests first.
    pub(super) tallies: Registry,
    /// Run after every successful start: the default instance arms its flush at exit
    /// (`exit.rs`, which makes that instance; a plain function, so this file need not know it).
    on_start: Option<fn(&Arc<Stats>)>,
}

impl Stats {
    /// An instance that is not started: recording returns `NotStarted` (dogapi's
    /// `DogStatsApi()` before `start()`).
    pub fn new() -> Arc<Stats> {
        Self::with_start_hook(None)
    }

    /// An instance that runs `on_start` after each successful [`start`](Self::start).
    pub(super) fn with_start_hook(on_start: Option<fn(&Arc<Stats>)>) -> Arc<Stats> {
        let s = Arc::new(Stats {
            agg: Aggregator::new(options::DEFAULT_MAX_CONTEXTS),
            state: AtomicU8::new(NOT_STARTED),
            roll_up_bits: AtomicU64::new(10f64.to_bits()),
            fork_gen: AtomicU64::new(fork::generation()),
            cfg: RwLock::new(StatsOptions::default()),
            sink: RwLock::new(None),
            flusher: Mutex::new(None),
            tel: Arc::new(Telemetry::default()),
            tallies: Registry::default(),
            on_start,
        });
        let weak: Weak<dyn ForkGuarded> = Arc::downgrade(&s) as Weak<dyn ForkGuarded>;
        fork::register(weak);
        s
    }

    /// dogapi's `start()`: (re)configures and starts. A running instance is first stopped
    /// (flushing everything within its shutdown timeout) instead of dogapi's silent data loss.
    pub fn start(self: &Arc<Self>, opts: StatsOptions) -> Result<(), Error> {
        opts.validate()?;
        let sink = self.make_sink(&opts)?;
        if self.state.load(Ordering::Acquire) == RUNNING {
            let _ = self.stop(None);
        }
        self.agg.set_max_contexts(opts.max_contexts);
        self.set_global_tags(opts.global_tags.union(&GlobalTags::from_env()));
        self.agg.set_max_distribution_values(opts.max_distribution_values);
        self.roll_up_bits.store(opts.roll_up_interval.to_bits(), Ordering::Relaxed);
        self.tallies.reset_floor();
        let thread = opts.flush_in_thread && !opts.disabled;
        let disabled = opts.disabled;
        *self.sink.write() = Some(sink);
        *self.cfg.write() = opts;
        self.state.store(if disabled { DISABLED } else { RUNNING }, Ordering::Release);
        if thread {
            self.spawn_flusher()?;
        }
        if let Some(hook) = self.on_start {
            hook(self);
        }
        Ok(())
    }

    /// The one place a sink is chosen: the options' explicit choice, else the environment
    /// (`DD_DOGSTATSD_URL`, `DD_AGENT_HOST` + `DD_DOGSTATSD_PORT`) selects the DogStatsD sink,
    /// else the HTTP sink. It validates what it needs now, so a bad option (or a malformed
    /// variable) fails `start` before a running instance is stopped. The DogStatsD sink needs
    /// no API key.
    fn make_sink(&self, opts: &StatsOptions) -> Result<Arc<dyn Sink>, Error> {
        let tel = Arc::clone(&self.tel);
        Ok(match opts.resolve_sink(|k| std::env::var(k).ok())? {
            Resolved::Http => Arc::new(HttpSink::new(opts, default_host(opts), tel)?),
            Resolved::DogStatsd(dest) => Arc::new(DogStatsdSink::new(opts, dest, tel)),
        })
    }

    /// The global tags of the contexts created from now on.
    pub(super) fn set_global_tags(&self, tags: GlobalTags) {
        if self.agg.global.set(tags) {
            // Contexts of an earlier start store the old global tags: no call matches them any
            // more, and no per-thread cache entry reaches them after the new id (one may still
            // take points: a thread racing a restart). Retire the empty ones (all of them after
            // a stop) now, the others once flushed.
            self.agg.renew_id();
            self.agg.extract(i64::MIN, self.roll_up(), &mut Vec::new());
        }
    }

    fn spawn_flusher(self: &Arc<Self>) -> Result<(), Error> {
        let interval = Duration::from_secs_f64(self.cfg.read().flush_interval);
        let (a, b, c, d) = (Arc::clone(self), Arc::clone(self), Arc::clone(self), Arc::clone(self));
        let jobs = Jobs {
            tick: Box::new(move |close| {
                if close {
                    let _ = a.collect(a.cut(now()));
                }
                if let Ok(s) = a.sink() {
                    let _ = s.send(SendMode::Background);
                }
            }),
            next_due: Box::new(move || b.sink().ok().and_then(|s| s.next_due())),
            finish: Box::new(move |aim| c.final_flush(aim)),
            forked: Box::new(move || fork::generation() != d.fork_gen.load(Ordering::Relaxed)),
        };
        *self.flusher.lock() = Some(Flusher::spawn(interval, jobs)?);
        Ok(())
    }

    fn sink(&self) -> Result<Arc<dyn Sink>, Error> {
        self.sink
            .read()
            .clone()
            .ok_or_else(|| Error::new(ErrorKind::NotStarted, "stats: not started (call dog_stats_start first)"))
    }

    #[inline]
    pub(super) fn roll_up(&self) -> f64 {
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
            (c.flush_in_thread && !c.disabled, self.state.load(Ordering::Acquire) == RUNNING)
        };
        if thread && running && self.flusher.lock().is_none() {
            let _ = self.spawn_flusher();
        }
    }

    #[inline]
    pub(super) fn check_fork(self: &Arc<Self>) {
        if self.fork_gen.load(Ordering::Relaxed) != fork::generation() {
            self.adapt_to_fork();
        }
    }

    /// Moves buckets `< cut` out of the map into the sink.
    fn collect(&self, cut: i64) -> Result<(), Error> {
        self.tallies.harvest(cut, self.cut(now()));
        let mut closed = Vec::new();
        self.agg.extract(cut, self.roll_up(), &mut closed);
        if closed.is_empty() {
            return Ok(());
        }
        let dropped = closed
            .iter()
            .map(|c| match &c.value {
                Aggregate::Distribution(d) => d.dropped,
                _ => 0,
            })
            .sum();
        self.tel.add(Counter::DOG_STATS_DROPPED_DISTRIBUTION_VALUES, dropped);
        self.sink()?.submit(closed)
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
        let sent = self.sink()?.send(SendMode::Manual);
        collected.and(sent)
    }

    /// Posts one event through the sink (`dog_stats_event_post`): the arguments are checked
    /// first (whatever the state), then `NotStarted`, or nothing when disabled; the DogStatsD
    /// sink never waits, the HTTP sink sends on this thread within the request timeout.
    /// The instance's global tags (option, `DD_ENV`, `DD_SERVICE`, `DD_VERSION`, `DD_TAGS`)
    /// follow the call's, each once.
    pub fn event(self: &Arc<Self>, args: &EventArgs<'_>) -> Result<(), Error> {
        let mut e = args.check()?;
        if self.started()? == DISABLED {
            return Ok(());
        }
        self.check_fork();
        self.agg.global.get().append_missing(&mut e.tags);
        self.sink()?.event(&e)
    }

    /// Posts one service check run through the sink, as [`Stats::event`].
    pub fn service_check(self: &Arc<Self>, args: &ServiceCheckArgs<'_>) -> Result<(), Error> {
        let mut sc = args.check()?;
        if self.started()? == DISABLED {
            return Ok(());
        }
        self.check_fork();
        self.agg.global.get().append_missing(&mut sc.tags);
        self.sink()?.service_check(&sc)
    }

    fn final_flush(&self, deadline: Instant) -> Result<(), Error> {
        let collected = self.collect(i64::MAX);
        let sent = self.sink()?.shutdown(deadline);
        collected.and(sent)
    }

    /// Stops automatic flushing and flushes every bucket, the current one included, within
    /// `timeout` (`None`: the shutdown timeout option). Whatever is still unsent at the
    /// deadline is dropped and counted before this returns, even when the flusher thread is
    /// stuck in a request (that request, if it completes later, is not counted again).
    /// Recording stays possible (as in dogapi); later points go out with `flush` or the next
    /// `stop`.
    pub fn stop(self: &Arc<Self>, timeout: Option<Duration>) -> Result<(), Error> {
        if self.started()? == DISABLED {
            return Ok(());
        }
        self.check_fork();
        let timeout = timeout.unwrap_or_else(|| self.cfg.read().shutdown());
        let deadline = Instant::now() + timeout;
        let flusher = self.flusher.lock().take();
        let Some(f) = flusher else { return self.final_flush(deadline) };
        // The thread aims a little before the caller's deadline so that its last accounting
        // is done when we return.
        let margin = (timeout / 5).min(Duration::from_millis(100));
        match f.stop(deadline - margin, deadline) {
            None => self.final_flush(deadline),
            Some(Ok(())) => Ok(()),
            Some(Err(e)) if e.kind == ErrorKind::Timeout => {
                // The thread is stuck (a hung request): close the current bucket and drop and
                // count everything unsent now, so nothing leaves this call uncounted.
                let _ = self.collect(i64::MAX);
                let left = self.sink().map(|s| s.abandon()).unwrap_or(0);
                if left > 0 && log::enabled(Level::Error) {
                    log::emit(Level::Error, &format!("stats: stopped with {left} series unsent (dropped)"));
                }
                Err(e)
            }
            Some(Err(e)) => Err(e),
        }
    }

    /// `dog_stats_free()`: stops if started (flushing within the shutdown timeout), then
    /// refuses every later point with `NotStarted`: handles (`handle.rs`) may outlive the
    /// instance, and a point they record afterwards must not be taken and silently never sent.
    pub fn close(self: &Arc<Self>) {
        if self.is_started() {
            let _ = self.stop(None);
        }
        self.state.store(NOT_STARTED, Ordering::Release);
    }

    /// Every telemetry value now.
    pub fn telemetry(&self) -> Snapshot {
        let mut t = self.tel.snapshot();
        t.set(Counter::DOG_STATS_POINTS_RECORDED, self.agg.points());
        t.set(Counter::DOG_STATS_CONTEXTS, self.agg.live_contexts() as u64);
        t.set(Counter::DOG_STATS_DROPPED_POINTS_CONTEXT_LIMIT, self.agg.dropped_context_limit());
        if let Some(s) = self.sink.read().as_ref() {
            s.read_out(&mut t);
        }
        t
    }

    pub fn is_started(&self) -> bool {
        self.state.load(Ordering::Acquire) != NOT_STARTED
    }

    /// Approximate bytes of the context map (benchmarks).
    pub fn approx_context_bytes(&self) -> usize {
        self.agg.approx_bytes()
    }
}

#[cfg(test)]
impl Stats {
    /// Test hook: flush buckets older than `ts`'s bucket and return the series that would be
    /// sent (decoded from the payloads of both endpoints), without the network.
    pub(super) fn flush_series(&self, ts: f64) -> Vec<serde_json::Value> {
        use std::io::Read;
        self.tallies.harvest(self.cut(ts), self.cut(ts));
        let mut closed = Vec::new();
        self.agg.extract(self.cut(ts), self.roll_up(), &mut closed);
        let opts = self.cfg.read().clone();
        let sink = HttpSink::new(&opts, default_host(&opts), Arc::new(Telemetry::default())).unwrap();
        let mut out = Vec::new();
        for p in sink.render(closed).split.payloads {
            let mut s = String::new();
            match p.endpoint {
                super::sink::payload::Endpoint::Series => {
                    flate2::read::GzDecoder::new(&p.compressed[..]).read_to_string(&mut s)
                }
                super::sink::payload::Endpoint::DistributionPoints => {
                    flate2::read::ZlibDecoder::new(&p.compressed[..]).read_to_string(&mut s)
                }
            }
            .unwrap();
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

/// fork(): the child keeps working with its own flusher and never re-sends the parent's
/// points. Registered with `crate::fork` (one registry and one fork generation for the whole
/// library; objects are locked in the order they registered, so an instance's locks are
/// always taken before those of the HTTP client its sink creates later, the order of normal
/// use). Prepare takes every lock of the instance, so no other thread is inside the
/// aggregator, the queue or the configuration while the address space is copied. In the
/// child: drop what the parent recorded or queued (the parent sends it), forget the parent's
/// flush thread (it does not exist here) and connections (closing a TLS session from the
/// child would corrupt the parent's stream), reset the telemetry, release the locks. The
/// child's first call starts its own flush thread (`Stats::adapt_to_fork`).
impl ForkGuarded for Stats {
    fn lock_for_fork(&self) {
        // Same order as the rest of the code: flusher, sink slot, cfg, the sink, the handles'
        // registry (a harvest holds it while it records into the map), the shards.
        std::mem::forget(self.flusher.lock());
        std::mem::forget(self.sink.write());
        std::mem::forget(self.cfg.write());
        // SAFETY: the write lock is held (forgotten guard) by this thread.
        if let Some(s) = unsafe { &*self.sink.data_ptr() } {
            s.fork_prepare();
        }
        self.tallies.lock_for_fork();
        self.agg.lock_all();
    }

    unsafe fn unlock_after_fork(&self, side: Side) {
        // SAFETY: every lock below was taken by lock_for_fork with its guard forgotten; in the
        // child this is the only thread.
        unsafe {
            if side == Side::Child {
                self.agg.clear_locked();
                self.tallies.discard_locked();
                if let Some(f) = (*self.flusher.data_ptr()).take() {
                    fork::keep_from_parent(Box::new(f));
                }
            }
            self.agg.unlock_all(side);
            self.tallies.release_after_fork(side);
            if let Some(s) = &*self.sink.data_ptr() {
                match side {
                    Side::Parent => s.fork_parent(),
                    Side::Child => s.fork_child(),
                }
            }
            self.cfg.release_after_fork(side);
            self.sink.release_after_fork(side);
            self.flusher.release_after_fork(side);
        }
        if side == Side::Child {
            self.tel.reset();
        }
    }
}
