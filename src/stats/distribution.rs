//! Distribution state of one context in one bucket: every value recorded, up to a cap.
//!
//! A distribution's percentiles are computed by Datadog over the values of every process and
//! host, so the values themselves are sent (`/api/v1/distribution_points`, or `|d` over
//! DogStatsD), never a summary. Memory is bounded by `max_distribution_values` per context
//! and bucket: a value beyond it is dropped and counted (`dropped`, then
//! `DOG_STATS_DROPPED_DISTRIBUTION_VALUES` at the flush), never sampled silently.
//!
//! Sample rate (as datadogpy's `ThreadStats.distribution`): a call with `sample_rate` < 1 is
//! kept with that probability, and a kept value is stored once, unscaled. `weight` sums
//! 1 / sample_rate over the values offered, so [`DistAgg::sample_rate`] gives a sink the
//! effective rate of the bucket (`count / weight`; exact when every call used the same rate).
//! The HTTP sink sends the values only (the v1 endpoint has no rate field); a DogStatsD sink
//! can send the rate as `|@rate`.

/// Default cap on the values kept per context and bucket.
pub(crate) const DEFAULT_MAX_VALUES: usize = 10_000;
/// Largest accepted cap (2^23 values: 64 MiB of f64 per context and bucket).
pub(crate) const MAX_MAX_VALUES: usize = 8_388_608;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DistAgg {
    /// The values kept, in recording order per recording thread.
    pub values: Vec<f64>,
    /// Values offered (kept + dropped), after sampling.
    pub count: u64,
    /// Values dropped because the cap was reached.
    pub dropped: u64,
    /// Sum of 1 / sample_rate over the values offered.
    pub weight: f64,
}

impl DistAgg {
    /// Keeps `v` unless `cap` values are already kept (then counts it as dropped).
    #[inline]
    pub fn add(&mut self, v: f64, weight: f64, cap: usize) {
        self.count += 1;
        self.weight += weight;
        if self.values.len() < cap {
            self.values.push(v);
        } else {
            self.dropped += 1;
        }
    }

    /// The effective sample rate of the values offered: `count / weight` (1 when every call
    /// used rate 1), in (0, 1].
    pub fn sample_rate(&self) -> f64 {
        if self.count == 0 || self.weight <= 0.0 {
            1.0
        } else {
            (self.count as f64 / self.weight).clamp(f64::MIN_POSITIVE, 1.0)
        }
    }

    /// Merges the parts of one context's bucket recorded in different stripes (each part is
    /// capped on its own): the values are concatenated in stripe order and cut to `cap`, and
    /// every value not kept is counted in `dropped`, so `values.len() + dropped == count`
    /// exactly. Which values are kept when a bucket overflows, and their order, are not
    /// specified (a thread may record into two stripes: its map path and its cache path).
    pub fn merge(mut parts: Vec<DistAgg>, cap: usize) -> DistAgg {
        parts.retain(|p| p.count > 0);
        let mut out = match parts.len() {
            0 => return DistAgg::default(),
            1 => parts.pop().expect("one part"),
            _ => {
                let kept = parts.iter().map(|p| p.values.len()).sum::<usize>().min(cap);
                let mut out = DistAgg { values: Vec::with_capacity(kept), ..DistAgg::default() };
                for p in parts {
                    out.count += p.count;
                    out.weight += p.weight;
                    let room = kept - out.values.len();
                    out.values.extend_from_slice(&p.values[..p.values.len().min(room)]);
                }
                out
            }
        };
        out.values.truncate(cap);
        out.dropped = out.count - out.values.len() as u64;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_drops_and_counts() {
        let mut d = DistAgg::default();
        for i in 0..10 {
            d.add(i as f64, 1.0, 4);
        }
        assert_eq!(d.values, [0.0, 1.0, 2.0, 3.0]);
        assert_eq!((d.count, d.dropped), (10, 6));
        assert_eq!(d.sample_rate(), 1.0);
    }

    #[test]
    fn merge_keeps_every_value_under_the_cap_and_counts_the_rest() {
        let part = |vals: &[f64], cap| {
            let mut d = DistAgg::default();
            for v in vals {
                d.add(*v, 2.0, cap);
            }
            d
        };
        let m = DistAgg::merge(vec![part(&[1.0, 2.0], 10), DistAgg::default(), part(&[3.0], 10)], 10);
        assert_eq!(m.values, [1.0, 2.0, 3.0]);
        assert_eq!((m.count, m.dropped, m.weight), (3, 0, 6.0));
        assert_eq!(m.sample_rate(), 0.5);
        // Each part capped at 3, the bucket at 3: 8 offered, 3 kept.
        let m = DistAgg::merge(vec![part(&[1.0, 2.0, 3.0, 4.0, 5.0], 3), part(&[6.0, 7.0, 8.0], 3)], 3);
        assert_eq!(m.values, [1.0, 2.0, 3.0]);
        assert_eq!((m.count, m.dropped), (8, 5));
        let one = DistAgg::merge(vec![part(&[1.0, 2.0, 3.0], 3)], 2);
        assert_eq!((one.values.len(), one.count, one.dropped), (2, 3, 1));
        assert_eq!(DistAgg::merge(Vec::new(), 5), DistAgg::default());
    }
}
