//! Pre-registered handles: a metric's context resolved once (name and tags validated,
//! normalised, hashed, looked up), then recorded into directly.
//!
//! A [`Handle`] holds its context by pointer and *pins* it (see `Context::pin`): the flusher
//! never retires a pinned context, so the same context stays the live one for as long as the
//! handle exists, across idle intervals and bucket roll-overs (a bucket is still chosen per
//! call from the coarse clock, like every point). A recording call is then: the instance's
//! state, the fork generation, one thread-local access (this thread's bucket memo, "points
//! recorded" cell and slot, `cache::with_cell`), and the update — no string is read, hashed or
//! compared.
//!
//! The update: a gauge, histogram or distribution updates the context's slot or stripe, as a
//! named call does. A **counter** adds into this thread's own running totals (`super::tally`:
//! plain stores on a cache line no other thread writes), which the flusher moves into the
//! context before every flush ([`Harvest`]); so threads sharing one counter handle never
//! contend. (Gauges keep the shared slot: "the last value set" needs one order across
//! threads, which per-thread cells cannot give without a shared clock or counter.)
//!
//! The handle's context can stop being the right one: in a forked child (the child's map starts
//! empty and the parent's contexts are not its own), after a restart with other global tags
//! (the aggregator's id changes: contexts created before carry the old tags), and if a context
//! was retired before the pin took effect. Then the call takes the slow path: it records
//! through the map (which finds or creates the right context) and the handle moves to that
//! context, unpinning the old one. Contexts a handle moved away from stay allocated (owned by
//! the handle) until the handle is freed, so a thread still reading the old pointer is never
//! left with a dangling one; this costs one context per fork generation or restart.

use super::cache;
use super::clock::now_coarse;
use super::key::Kind;
use super::lifecycle::{Stats, DISABLED, RUNNING};
use super::tally::{Harvest, Tallies};
use crate::error::{Error, ErrorKind};
use crate::fork;
use crate::metric_rules;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::Arc;

use super::aggregator::{Context, ContextLimit};

/// A metric (kind, name, tags, host) of one `Stats` instance, resolved once.
pub struct Handle {
    inner: Arc<Inner>,
}

struct Inner {
    stats: Arc<Stats>,
    kind: Kind,
    /// Normalised by Datadog's rules (`crate::metric_rules`), as the context is keyed.
    name: Box<str>,
    tags: Option<Box<str>>,
    host: Option<Box<str>>,
    /// The context recorded into: null until the first call resolves it; every non-null
    /// value is kept alive by `owned`.
    cur: AtomicPtr<Context>,
    /// The fork generation `cur` belongs to.
    gen: AtomicU64,
    /// The aggregator id `cur` belongs to: a restart with other global tags renews the id
    /// (contexts created before carry the old tags), and the handle moves on.
    agg_id: AtomicU64,
    /// Every context `cur` ever pointed to; only the current one is pinned.
    owned: Mutex<Vec<Arc<Context>>>,
    /// Counters only: each thread's running totals (`super::tally`).
    tallies: Option<Tallies>,
}

impl Handle {
    /// Validates and normalises the metric's name and tags (the rules of the named calls) and
    /// returns a handle on `stats`. The context itself is resolved by the first recording
    /// call (the instance need not be started yet).
    pub fn new(
        stats: &Arc<Stats>,
        kind: Kind,
        name: &str,
        tags: Option<&str>,
        host: Option<&str>,
    ) -> Result<Self, Error> {
        if name.is_empty() {
            return Err(Error::invalid("metric name is empty"));
        }
        let name = metric_rules::name("metric", name)?;
        let tags = tags.map(metric_rules::tag_list).transpose()?;
        let inner = Arc::new(Inner {
            stats: Arc::clone(stats),
            kind,
            name: name.into_owned().into_boxed_str(),
            tags: tags.map(|t| t.into_owned().into_boxed_str()),
            host: host.map(Box::from),
            cur: AtomicPtr::new(std::ptr::null_mut()),
            gen: AtomicU64::new(0),
            agg_id: AtomicU64::new(0),
            owned: Mutex::new(Vec::new()),
            tallies: (kind == Kind::Counter).then(Tallies::default),
        });
        if inner.tallies.is_some() {
            let weak = Arc::downgrade(&inner);
            stats.tallies.add(weak);
        }
        Ok(Handle { inner })
    }

    pub fn kind(&self) -> Kind {
        self.inner.kind
    }

    /// The fast path of [`record`](Self::record): `true` when the point was recorded; `false`
    /// when nothing was (call `record`, which then records the point or says why not).
    #[inline]
    pub fn try_record(&self, value: f64) -> bool {
        self.inner.record_fast(value)
    }

    /// Records `value` now (a counter adds it, a gauge sets it, a histogram samples it).
    /// Errors: `NotStarted`, `InvalidArgument` (non-finite value), `ContextLimit` (the
    /// context had to be created anew beyond `max_contexts`). With `disabled`: `Ok`.
    #[inline]
    pub fn record(&self, value: f64) -> Result<(), Error> {
        // The fast path returns a flag, the rest (errors, first call, fork, restart) is out
        // of line: an `Err` built or moved on the fast path cost ~2 ns per call (perf).
        if self.inner.record_fast(value) {
            Ok(())
        } else {
            self.inner.record_rest(value)
        }
    }
}

impl Inner {
    /// `true`: recorded. `false`: the instance is not running, the value is not finite, or
    /// the handle's context must be resolved again; nothing was recorded.
    #[inline(always)]
    fn record_fast(&self, value: f64) -> bool {
        let stats = &*self.stats;
        if stats.state.load(Ordering::Relaxed) != RUNNING || !value.is_finite() {
            return false;
        }
        // `gen` and `agg_id` are read before `cur`, and `record_slow` writes `cur` before them
        // (Release / Acquire): a thread that sees the current generation and id then reads a
        // `cur` at least as new as the one they were written with, never an older context
        // (in a fork child: the parent's, which no flush of the child sees).
        let fresh = self.gen.load(Ordering::Acquire) == fork::generation()
            && self.agg_id.load(Ordering::Acquire) == stats.agg.id();
        let p = if fresh { self.cur.load(Ordering::Acquire) } else { std::ptr::null_mut() };
        if p.is_null() {
            return false;
        }
        let done = cache::with_cell(&stats.agg, |cell, memo| {
            let bucket = memo.now(stats.roll_up(), |ts| stats.bucket_of(ts));
            let ok = match self.tallies.as_ref().and_then(|t| t.get(cell.slot())) {
                Some(tally) => {
                    tally.add(bucket, value);
                    true
                }
                // SAFETY: every non-null `cur` is owned by `self.owned` until `self` is dropped.
                None => unsafe { &*p }.record_hinted(bucket, value, 1.0, &mut memo.stripe),
            };
            if ok {
                cell.bump();
            }
            ok
        });
        done == Some(true)
    }

    #[cold]
    #[inline(never)]
    fn record_rest(&self, value: f64) -> Result<(), Error> {
        if self.stats.state.load(Ordering::Relaxed) != RUNNING || !value.is_finite() {
            return self.refused(value);
        }
        self.record_slow(self.stats.bucket_of(now_coarse()), value, true)
    }

    #[cold]
    fn refused(&self, value: f64) -> Result<(), Error> {
        match self.stats.state.load(Ordering::Relaxed) {
            RUNNING => Err(Error::invalid(format!("value must be a finite number, got {value}"))),
            DISABLED if value.is_finite() => Ok(()),
            DISABLED => Err(Error::invalid(format!("value must be a finite number, got {value}"))),
            _ => Err(Error::new(ErrorKind::NotStarted, "stats: not started (call dog_stats_start first)")),
        }
    }

    /// Through the map: resolves (or creates) the context, records the point in `bucket`, and
    /// makes it the handle's context. `count`: the point is counted as recorded now (the
    /// harvest of a counter's tallies moves points already counted).
    #[cold]
    fn record_slow(&self, bucket: i64, value: f64, count: bool) -> Result<(), Error> {
        let stats = &self.stats;
        stats.check_fork();
        let gen = fork::generation();
        // The map first, the handle's lock only for the move: a thread holding `owned` never
        // waits for another lock (fork prepare holds the map's), so a fork never copies it held
        // by a thread that does not exist in the child.
        let r = stats.agg.record(self.kind, &self.name, self.tags.as_deref(), self.host.as_deref(), bucket, value, 1.0);
        let ctx = match r {
            Ok(ctx) => ctx,
            Err(ContextLimit) => {
                return Err(Error::new(
                    ErrorKind::ContextLimit,
                    format!("stats: live-context cap reached; point of {:?} dropped", &*self.name),
                ))
            }
        };
        if count && cache::with_cell(&stats.agg, |cell, _| cell.bump()).is_none() {
            stats.agg.points.count_shared();
        }
        let p = Arc::as_ptr(&ctx) as *mut Context;
        let mut owned = self.owned.lock();
        let old = self.cur.load(Ordering::Relaxed);
        if old != p {
            ctx.pin();
            owned.push(ctx);
            self.cur.store(p, Ordering::Release);
            if !old.is_null() {
                // SAFETY: owned by `owned` (above). Unpinned, a flush may retire it when idle.
                unsafe { &*old }.unpin();
            }
        }
        // After `cur` (see `record`).
        self.gen.store(gen, Ordering::Release);
        self.agg_id.store(stats.agg.id(), Ordering::Release);
        Ok(())
    }

    /// One amount of a counter's tallies into its context's `bucket`.
    fn record_at(&self, bucket: i64, sum: f64) {
        let fresh = self.gen.load(Ordering::Acquire) == fork::generation()
            && self.agg_id.load(Ordering::Acquire) == self.stats.agg.id();
        let p = if fresh { self.cur.load(Ordering::Acquire) } else { std::ptr::null_mut() };
        // SAFETY: as in `Handle::record`.
        if !p.is_null() && unsafe { &*p }.record(bucket, sum, 1.0) {
            return;
        }
        // A cap reached here is counted by the map (`DOG_STATS_DROPPED_POINTS_CONTEXT_LIMIT`).
        let _ = self.record_slow(bucket, sum, false);
    }
}

impl Harvest for Inner {
    fn harvest(&self, cut: i64, floor: i64) {
        if let Some(t) = &self.tallies {
            t.take(cut, floor, |bucket, sum, _adds| self.record_at(bucket, sum));
        }
    }

    fn discard(&self) {
        if let Some(t) = &self.tallies {
            t.discard();
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if self.inner.tallies.is_some() {
            // What the threads added and no flush took yet goes into the context now.
            let h: Arc<dyn Harvest> = self.inner.clone();
            self.inner.stats.tallies.last_harvest(&h);
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let cur = *self.cur.get_mut();
        if !cur.is_null() {
            // SAFETY: owned by `self.owned`, dropped after this.
            unsafe { &*cur }.unpin();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::StatsOptions;

    fn started() -> Arc<Stats> {
        let s = Stats::new();
        let mut o = StatsOptions::default();
        o.set_flush_in_thread(false).unwrap();
        o.set_api_key(Some("k")).unwrap();
        o.set_api_host(Some("http://127.0.0.1:9")).unwrap();
        s.start(o).unwrap();
        s
    }

    #[test]
    fn a_handle_keeps_its_context_across_idle_flushes() {
        let s = started();
        let h = Handle::new(&s, Kind::Counter, "h.count", Some("b:2,a:1"), None).unwrap();
        h.record(1.0).unwrap();
        let first = h.inner.cur.load(Ordering::Relaxed);
        // Two flushes far in the future: the first takes the point, the second finds the
        // context idle; pinned, it is not retired.
        for ts in [4e9, 5e9] {
            let series = s.flush_series(ts);
            assert!(series.len() <= 1);
        }
        assert_eq!(s.agg.live_contexts(), 1);
        h.record(2.0).unwrap();
        assert_eq!(h.inner.cur.load(Ordering::Relaxed), first, "the handle still records into its context");
        assert_eq!(h.inner.owned.lock().len(), 1);
        drop(h);
        // Unpinned: the next idle flush retires it.
        s.flush_series(6e9);
        s.flush_series(7e9);
        assert_eq!(s.agg.live_contexts(), 0);
    }

    #[test]
    fn a_handle_and_the_named_call_share_one_context() {
        let s = started();
        let h = Handle::new(&s, Kind::Gauge, "h.gauge", Some("a:1, b:2"), None).unwrap();
        h.record(3.0).unwrap();
        let p = crate::stats::Point {
            name: "h.gauge",
            value: 4.0,
            tags: Some("b:2,a:1"),
            timestamp: 0.0,
            sample_rate: 1.0,
            host: None,
        };
        s.record(Kind::Gauge, &p).unwrap();
        assert_eq!(s.agg.live_contexts(), 1);
    }

    #[test]
    fn a_restart_with_other_global_tags_moves_the_handle_to_a_context_with_them() {
        let s = started();
        let h = Handle::new(&s, Kind::Counter, "h.tagged", Some("a:1"), None).unwrap();
        h.record(1.0).unwrap();
        let mut o = StatsOptions::default();
        o.set_flush_in_thread(false).unwrap();
        o.set_api_key(Some("k")).unwrap();
        o.set_api_host(Some("http://127.0.0.1:9")).unwrap();
        o.set_global_tags(Some("team:core")).unwrap();
        s.start(o).unwrap();
        h.record(2.0).unwrap();
        let series = s.flush_series(4e9);
        let tagged: Vec<_> = series.iter().filter(|x| x["metric"] == "h.tagged").collect();
        assert_eq!(tagged.len(), 1, "{series:?}");
        assert_eq!(tagged[0]["tags"], serde_json::json!(["a:1", "team:core"]));
        assert_eq!(tagged[0]["points"][0][1], 2.0);
        assert_eq!(h.inner.owned.lock().len(), 2);
    }

    #[test]
    fn a_counter_freed_before_the_flush_still_sends_its_adds() {
        let s = started();
        let h = Arc::new(Handle::new(&s, Kind::Counter, "h.freed", None, None).unwrap());
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let h = Arc::clone(&h);
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        h.record(2.0).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        h.record(1.0).unwrap();
        // The first add resolved the context; the adds wait in the threads' tallies.
        let before = s.agg.live_contexts();
        drop(Arc::try_unwrap(h).ok().expect("the threads are done"));
        assert_eq!(before, 1);
        let series = s.flush_series(4e9);
        let sum: f64 =
            series.iter().filter(|x| x["metric"] == "h.freed").map(|x| x["points"][0][1].as_f64().unwrap()).sum();
        assert_eq!(sum, 6001.0, "{series:?}");
    }

    #[test]
    fn bad_names_and_values_are_refused() {
        let s = started();
        assert!(Handle::new(&s, Kind::Counter, "", None, None).is_err());
        let h = Handle::new(&s, Kind::Counter, "ok", None, None).unwrap();
        assert_eq!(h.record(f64::NAN).unwrap_err().kind, ErrorKind::InvalidArgument);
        let idle = Stats::new();
        let h = Handle::new(&idle, Kind::Counter, "ok", None, None).unwrap();
        assert_eq!(h.record(1.0).unwrap_err().kind, ErrorKind::NotStarted);
    }
}
