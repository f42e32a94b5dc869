//! Recording a point, and the protocol in front of the map: try this thread's context cache
//! with the raw bytes of a call, else validate the arguments and record through the map
//! (which fills the cache). The C entry points hand their raw arguments to [`Stats::record_raw`].

use super::aggregator::ContextLimit;
use super::cache;
use super::clock::now_coarse;
use super::key::Kind;
use super::lifecycle::{Stats, DISABLED, RUNNING};
use super::telemetry::Counter;
use crate::error::{Error, ErrorKind};
use crate::fork;
use crate::metric_rules;
use std::sync::atomic::Ordering;
use std::sync::Arc;

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

/// A call's raw arguments: bytes not yet checked for UTF-8, numbers not yet checked.
#[derive(Debug, Clone, Copy)]
pub struct RawPoint<'a> {
    /// `None`: a NULL name (`NullArgument`).
    pub name: Option<&'a [u8]>,
    pub value: f64,
    pub tags: Option<&'a [u8]>,
    pub timestamp: f64,
    pub sample_rate: f64,
    pub host: Option<&'a [u8]>,
}

fn utf8<'a>(b: Option<&'a [u8]>, what: &str) -> Result<Option<&'a str>, Error> {
    b.map(|b| std::str::from_utf8(b).map_err(|_| Error::invalid(format!("{what} is not valid UTF-8")))).transpose()
}

fn finite(x: f64, what: &str) -> Result<f64, Error> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(Error::invalid(format!("{what} must be a finite number, got {x}")))
    }
}

/// `Some(weight)` when the point is kept (1 / sample_rate), `None` when sampled out.
#[inline]
fn sample(rate: f64) -> Option<f64> {
    if rate < 1.0 {
        if fastrand::f64() >= rate {
            return None;
        }
        return Some(1.0 / rate);
    }
    Some(1.0)
}

impl Stats {
    /// The bucket of `ts`, clamped so that it never equals a slot sentinel.
    #[inline]
    pub(super) fn bucket_of(&self, ts: f64) -> i64 {
        // floor() without a libm call (the baseline x86-64 target has no SSE4.1 `roundsd`):
        // truncate, then step down for negative non-integers; saturates like `floor() as i64`.
        let q = ts / self.roll_up();
        let t = q as i64;
        let b = if (t as f64) > q { t.saturating_sub(1) } else { t };
        b.max(super::aggregator::MIN_BUCKET)
    }

    /// Records a call given its raw arguments: the cached path when this thread recorded the
    /// same bytes before (no UTF-8 check, no tag parsing, no lock, no allocation), else the
    /// arguments are validated and the point goes through the map. Errors as [`record`](Self::record),
    /// plus `NullArgument` for a `None` name and `InvalidArgument` for invalid UTF-8 or a
    /// non-finite number (checked in the order name, tags, host, value, timestamp, sample_rate).
    #[inline]
    pub fn record_raw(self: &Arc<Self>, kind: Kind, p: &RawPoint<'_>) -> Result<(), Error> {
        if let Some(name) = p.name {
            if p.value.is_finite() && p.timestamp.is_finite() && p.sample_rate.is_finite() {
                if let Some(r) = self.record_cached(kind, name, p.tags, p.host, p.value, p.timestamp, p.sample_rate) {
                    return r;
                }
            }
        }
        let name = utf8(p.name, "name")?.ok_or_else(|| Error::new(ErrorKind::NullArgument, "name is NULL"))?;
        let tags = utf8(p.tags, "tags")?;
        let host = utf8(p.host, "host")?;
        let pt = Point {
            name,
            value: finite(p.value, "value")?,
            tags,
            timestamp: finite(p.timestamp, "timestamp")?,
            sample_rate: finite(p.sample_rate, "sample_rate")?,
            host,
        };
        self.record(kind, &pt)
    }

    /// Records one validated point. No allocation and no global lock for an existing context.
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
        let Some(weight) = sample(p.sample_rate) else {
            self.tel.add(Counter::DOG_STATS_POINTS_SAMPLED_OUT, 1);
            return Ok(());
        };
        let ts = if p.timestamp == 0.0 { now_coarse() } else { p.timestamp };
        self.record_at(kind, p.name, p.tags, p.host, self.bucket_of(ts), p.value, weight)
    }

    /// Through the map, then into this thread's cache under the raw key (the bytes exactly as
    /// the caller passed them), so the next identical call takes the cached path.
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
        // Datadog's naming rules, normalised or refused (crate::metric_rules). Only this path
        // (a context new to this thread) pays for them: a cache hit never gets here. The
        // context is keyed by the normalised name and tags, the thread cache by the raw ones.
        let rule_name = metric_rules::name("metric", name)?;
        let rule_tags = tags.map(metric_rules::tag_list).transpose()?;
        match self.agg.record(kind, &rule_name, rule_tags.as_deref(), host, bucket, value, weight) {
            Ok(ctx) => {
                cache::fill(
                    &self.agg,
                    cache::RawKey::new(kind, name.as_bytes(), tags.map(str::as_bytes), host.map(str::as_bytes)),
                    ctx,
                );
                Ok(())
            }
            Err(ContextLimit) => Err(Error::new(
                ErrorKind::ContextLimit,
                format!(
                    "stats: live-context cap ({}) reached; point of {:?} dropped",
                    self.cfg.read().max_contexts,
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
        let p = RawPoint { name: Some(name), value, tags, timestamp, sample_rate, host };
        match self.hit(kind, name, &p)? {
            Hit::Done => Some(Ok(())),
            Hit::Retired(bucket, weight) => {
                fn s(b: &[u8]) -> &str {
                    // SAFETY: the bytes equal those of a cache entry, filled from validated
                    // `&str`s (that is what a hit means).
                    unsafe { std::str::from_utf8_unchecked(b) }
                }
                Some(self.record_at(kind, s(name), tags.map(s), host.map(s), bucket, value, weight))
            }
        }
    }

    /// The fast path of [`record_raw`](Self::record_raw) for the C entry points: `true` when
    /// the point was recorded from this thread's cache (or sampled out); `false` when nothing
    /// was recorded (then call `record_raw`, which records it or says why not). It answers
    /// with a flag: building and moving a `Result` on this path cost ~2 ns per call (perf).
    #[inline]
    pub fn try_record_raw(&self, kind: Kind, p: &RawPoint<'_>) -> bool {
        let Some(name) = p.name else { return false };
        p.value.is_finite()
            && p.timestamp.is_finite()
            && p.sample_rate.is_finite()
            && matches!(self.hit(kind, name, p), Some(Hit::Done))
    }

    /// The cache hit of [`record_cached`](Self::record_cached). `Retired`: the cached context
    /// was retired, nothing was recorded, the entry is evicted.
    #[inline]
    fn hit(&self, kind: Kind, name: &[u8], p: &RawPoint<'_>) -> Option<Hit> {
        let RawPoint { tags, host, value, timestamp, sample_rate, .. } = *p;
        if self.state.load(Ordering::Relaxed) != RUNNING
            || self.fork_gen.load(Ordering::Relaxed) != fork::generation()
            || !(sample_rate > 0.0 && sample_rate <= 1.0)
        {
            return None;
        }
        let key = cache::RawKey::new(kind, name, tags, host);
        cache::with_hit(self.agg.id(), &key, |ctx, cell, memo| {
            // A hit: the arguments are valid (they equal those of a successful call).
            let Some(weight) = sample(sample_rate) else {
                self.tel.add(Counter::DOG_STATS_POINTS_SAMPLED_OUT, 1);
                return (Hit::Done, false);
            };
            let bucket = if timestamp == 0.0 {
                memo.now(self.roll_up(), |ts| self.bucket_of(ts))
            } else {
                memo.get(timestamp, self.roll_up(), || self.bucket_of(timestamp))
            };
            if ctx.record_hinted(bucket, value, weight, &mut memo.stripe) {
                cell.bump();
                (Hit::Done, false)
            } else {
                (Hit::Retired(bucket, weight), true)
            }
        })
    }
}

/// What a cache hit did.
enum Hit {
    Done,
    Retired(i64, f64),
}

#[cfg(test)]
mod tests {
    use super::super::aggregator::{Aggregator, ContextLimit};
    use super::super::cache;
    use super::super::key::Kind;

    /// Through the map and into the cache, as `record_at` does.
    fn rec(a: &Aggregator, name: &str) -> Result<(), ContextLimit> {
        let ctx = a.record(Kind::Counter, name, None, None, 1, 1.0, 1.0)?;
        cache::fill(a, cache::RawKey::new(Kind::Counter, name.as_bytes(), None, None), ctx);
        Ok(())
    }

    #[test]
    fn context_limit_drops_and_counts() {
        let a = Aggregator::new(2);
        assert_eq!(rec(&a, "a"), Ok(()));
        assert_eq!(rec(&a, "b"), Ok(()));
        assert_eq!(rec(&a, "c"), Err(ContextLimit));
        assert_eq!(rec(&a, "a"), Ok(()));
        assert_eq!(a.dropped_context_limit(), 1);
        assert_eq!(a.points(), 3);
    }
}
