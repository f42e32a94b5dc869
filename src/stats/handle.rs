//! Pre-registered handles: a metric's context resolved once (name and tags validated,
//! normalised, hashed, looked up), then recorded into directly.
//!
//! A [`Handle`] holds its context by pointer and *pins* it (see `Context::pin`): the flusher
//! never retires a pinned context, so the same context stays the live one for as long as the
//! handle exists, across idle intervals and bucket roll-overs (a bucket is still chosen per
//! call from the coarse clock, like every point). A recording call is then: the instance's
//! state, the fork generation, one thread-local access (this thread's bucket memo and
//! "points recorded" cell, `cache::with_cell`), and the update of the context's slot — no
//! string is read, hashed or compared.
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
use super::fork;
use super::key::Kind;
use super::lifecycle::{Stats, DISABLED, RUNNING};
use crate::error::{Error, ErrorKind};
use crate::metric_rules;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::Arc;

use super::aggregator::{Context, ContextLimit};

/// A metric (kind, name, tags, host) of one `Stats` instance, resolved once.
pub struct Handle {
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
        Ok(Handle {
            stats: Arc::clone(stats),
            kind,
            name: name.into_owned().into_boxed_str(),
            tags: tags.map(|t| t.into_owned().into_boxed_str()),
            host: host.map(Box::from),
            cur: AtomicPtr::new(std::ptr::null_mut()),
            gen: AtomicU64::new(0),
            agg_id: AtomicU64::new(0),
            owned: Mutex::new(Vec::new()),
        })
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// Records `value` now (a counter adds it, a gauge sets it, a histogram samples it).
    /// Errors: `NotStarted`, `InvalidArgument` (non-finite value), `ContextLimit` (the
    /// context had to be created anew beyond `max_contexts`). With `disabled`: `Ok`.
    #[inline]
    pub fn record(&self, value: f64) -> Result<(), Error> {
        let stats = &*self.stats;
        if stats.state.load(Ordering::Relaxed) != RUNNING || !value.is_finite() {
            return self.refused(value);
        }
        // `gen` and `agg_id` are read before `cur`, and `record_slow` writes `cur` before them
        // (Release / Acquire): a thread that sees the current generation and id then reads a
        // `cur` at least as new as the one they were written with, never an older context
        // (in a fork child: the parent's, which no flush of the child sees).
        let gen = fork::generation();
        let fresh = self.gen.load(Ordering::Acquire) == gen && self.agg_id.load(Ordering::Acquire) == stats.agg.id();
        let p = if fresh { self.cur.load(Ordering::Acquire) } else { std::ptr::null_mut() };
        if !p.is_null() {
            // SAFETY: every non-null `cur` is owned by `self.owned` until `self` is dropped.
            let ctx = unsafe { &*p };
            let done = cache::with_cell(&stats.agg, |cell, memo| {
                let ts = now_coarse();
                let bucket = memo.get(ts, stats.roll_up(), || stats.bucket_of(ts));
                let ok = ctx.record_hinted(bucket, value, 1.0, &mut memo.stripe);
                if ok {
                    cell.bump();
                }
                ok
            });
            if done == Some(true) {
                return Ok(());
            }
        }
        self.record_slow(value)
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

    /// Through the map: resolves (or creates) the context, records the point in it, and
    /// makes it the handle's context.
    #[cold]
    fn record_slow(&self, value: f64) -> Result<(), Error> {
        let stats = &self.stats;
        stats.check_fork();
        let gen = fork::generation();
        let bucket = stats.bucket_of(now_coarse());
        let mut owned = self.owned.lock();
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
        if cache::with_cell(&stats.agg, |cell, _| cell.bump()).is_none() {
            stats.agg.points.count_shared();
        }
        let p = Arc::as_ptr(&ctx) as *mut Context;
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
}

impl Drop for Handle {
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
        let first = h.cur.load(Ordering::Relaxed);
        // Two flushes far in the future: the first takes the point, the second finds the
        // context idle; pinned, it is not retired.
        for ts in [4e9, 5e9] {
            let series = s.flush_series(ts);
            assert!(series.len() <= 1);
        }
        assert_eq!(s.agg.live_contexts(), 1);
        h.record(2.0).unwrap();
        assert_eq!(h.cur.load(Ordering::Relaxed), first, "the handle still records into its context");
        assert_eq!(h.owned.lock().len(), 1);
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
        assert_eq!(h.owned.lock().len(), 2);
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
