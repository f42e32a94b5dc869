//! Histogram state of one context in one bucket: min, max, weighted sum and count, and an
//! unbiased 1000-value sample (Vitter's algorithm R) for the percentiles.

use std::cell::Cell;

/// Values kept for the percentiles (dogapi's sample size).
pub(crate) const RESERVOIR: usize = 1000;

/// The percentiles emitted, in dogapi's order, with their metric suffixes.
pub const PERCENTILES: [(f64, &str); 4] =
    [(0.75, ".75percentile"), (0.85, ".85percentile"), (0.95, ".95percentile"), (0.99, ".99percentile")];

thread_local! {
    static RNG: Cell<u64> = const { Cell::new(0) };
}

/// A cheap thread-local xorshift64* generator, seeded per thread from the clock, the thread's
/// stack address and a global counter.
pub fn next_u64() -> u64 {
    RNG.with(|c| {
        let mut x = c.get();
        if x == 0 {
            x = seed();
        }
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        c.set(x);
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    })
}

fn seed() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0x9e37_79b9_7f4a_7c15);
    let local = 0u8;
    let addr = &local as *const u8 as u64;
    let t =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1);
    let s = (t ^ addr.rotate_left(32) ^ N.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)) | 1;
    // One splitmix64 round so nearby seeds diverge.
    let mut z = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) | 1
}

/// Uniform in `[0, 1)`.
#[inline]
pub fn next_f64() -> f64 {
    (next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Uniform in `[0, n)` (Lemire's multiply-shift; the bias is < n / 2^64).
#[inline]
pub fn below(n: u64) -> u64 {
    ((next_u64() as u128 * n as u128) >> 64) as u64
}

/// The index into a sorted sample of `n` values for percentile `p`: `round(p·n − 1)` with ties
/// rounded half away from zero (DESIGN §4), clamped to the sample.
pub fn percentile_index(p: f64, n: usize) -> usize {
    let i = (p * n as f64 - 1.0).round();
    if i <= 0.0 {
        0
    } else {
        (i as usize).min(n - 1)
    }
}

#[derive(Debug, Clone)]
pub struct HistAgg {
    pub min: f64,
    pub max: f64,
    /// Sum of value × weight (weight = 1 / sample_rate).
    pub sum: f64,
    /// Sum of weights: the number of points, scaled for sampling.
    pub count: f64,
    /// Points offered to the reservoir.
    pub seen: u64,
    pub samples: Vec<f64>,
}

impl Default for HistAgg {
    fn default() -> Self {
        HistAgg { min: f64::INFINITY, max: f64::NEG_INFINITY, sum: 0.0, count: 0.0, seen: 0, samples: Vec::new() }
    }
}

impl HistAgg {
    pub fn add(&mut self, v: f64, weight: f64) {
        if v < self.min {
            self.min = v;
        }
        if v > self.max {
            self.max = v;
        }
        self.sum += v * weight;
        self.count += weight;
        self.seen += 1;
        if self.samples.len() < RESERVOIR {
            self.samples.push(v);
        } else {
            // Algorithm R: the n-th value replaces a random slot with probability k/n.
            let j = below(self.seen) as usize;
            if j < RESERVOIR {
                self.samples[j] = v;
            }
        }
    }

    /// Merges the buckets of several stripes of one context (see `aggregator`) into one, as if
    /// every point had been added to a single `HistAgg`: min, max, sum, count and seen
    /// combine exactly (sum and count up to float addition order); the reservoir becomes a
    /// uniform sample of `min(RESERVOIR, total seen)` of all the points.
    ///
    /// Why the sample is uniform: part `i`'s reservoir is a uniform random subset of size
    /// `min(RESERVOIR, seen_i)` of its `seen_i` points (algorithm R). A uniform sample without
    /// replacement from the union of all points can be drawn one point at a time: the next
    /// point lies in part `i` with probability `remaining_i / remaining_total` (`remaining_i`
    /// = part `i`'s points not drawn yet), and given that, it is a uniformly random not-yet-
    /// drawn point of part `i`. Because part `i`'s reservoir is itself a uniform subset, a
    /// uniformly random not-yet-taken element of the reservoir has exactly that distribution,
    /// and the reservoir never runs dry: at most `min(RESERVOIR, seen_i)` points are ever
    /// drawn from part `i`. When the total seen is at most `RESERVOIR`, every reservoir holds
    /// all of its points and the merge is their concatenation.
    pub fn merge(mut parts: Vec<HistAgg>) -> HistAgg {
        parts.retain(|p| p.seen > 0);
        if parts.len() <= 1 {
            return parts.pop().unwrap_or_default();
        }
        let mut out = HistAgg::default();
        for p in &parts {
            out.min = out.min.min(p.min);
            out.max = out.max.max(p.max);
            out.sum += p.sum;
            out.count += p.count;
            out.seen += p.seen;
        }
        if out.seen <= RESERVOIR as u64 {
            out.samples = Vec::with_capacity(out.seen as usize);
            for p in &parts {
                debug_assert_eq!(p.samples.len() as u64, p.seen);
                out.samples.extend_from_slice(&p.samples);
            }
            return out;
        }
        out.samples = Vec::with_capacity(RESERVOIR);
        let mut remaining: Vec<u64> = parts.iter().map(|p| p.seen).collect();
        let mut total = out.seen;
        while out.samples.len() < RESERVOIR {
            // Part i with probability remaining_i / total.
            let mut r = below(total);
            let mut i = 0;
            while r >= remaining[i] {
                r -= remaining[i];
                i += 1;
            }
            let s = &mut parts[i].samples;
            // A uniformly random not-yet-taken element (taken ones are removed).
            let j = below(s.len() as u64) as usize;
            out.samples.push(s.swap_remove(j));
            remaining[i] -= 1;
            total -= 1;
        }
        out
    }

    /// `(suffix, value, is_count)` for `.min .max .count .avg` and the four percentiles, in
    /// dogapi's order. Sorts the sample in place. Nothing for an empty histogram.
    pub fn stats(&mut self) -> Vec<(&'static str, f64, bool)> {
        if self.seen == 0 || self.count <= 0.0 {
            return Vec::new();
        }
        self.samples.sort_unstable_by(f64::total_cmp);
        let mut out = vec![
            (".min", self.min, false),
            (".max", self.max, false),
            (".count", self.count, true),
            (".avg", self.sum / self.count, false),
        ];
        let n = self.samples.len();
        for (p, suffix) in PERCENTILES {
            out.push((suffix, self.samples[percentile_index(p, n)], false));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_indices_round_half_away_from_zero() {
        // The Python 2 column of reference §4.3.
        let rows: [(usize, [usize; 4]); 10] = [
            (1, [0, 0, 0, 0]),
            (2, [1, 1, 1, 1]),
            (3, [1, 2, 2, 2]),
            (4, [2, 2, 3, 3]),
            (5, [3, 3, 4, 4]),
            (10, [7, 8, 9, 9]),
            (20, [14, 16, 18, 19]),
            (30, [22, 25, 28, 29]),
            (100, [74, 84, 94, 98]),
            (1000, [749, 849, 949, 989]),
        ];
        for (n, want) in rows {
            let got: Vec<usize> = PERCENTILES.iter().map(|(p, _)| percentile_index(*p, n)).collect();
            assert_eq!(got, want, "n = {n}");
        }
    }

    #[test]
    fn reservoir_is_capped_and_counts_everything() {
        let mut h = HistAgg::default();
        for i in 0..5000 {
            h.add(i as f64, 1.0);
        }
        assert_eq!(h.samples.len(), RESERVOIR);
        assert_eq!(h.count, 5000.0);
        assert_eq!(h.min, 0.0);
        assert_eq!(h.max, 4999.0);
    }

    #[test]
    fn reservoir_is_unbiased() {
        // Algorithm R keeps each of N values with probability k/N: the mean of the sample of
        // 0..N is close to N/2, and early values are not under-represented (dogapi's
        // overwrite-a-random-slot scheme keeps almost none of the first values).
        let n = 20_000u64;
        let mut early = 0usize;
        let mut mean = 0.0;
        let runs = 20;
        for _ in 0..runs {
            let mut h = HistAgg::default();
            for i in 0..n {
                h.add(i as f64, 1.0);
            }
            early += h.samples.iter().filter(|v| **v < (n / 4) as f64).count();
            mean += h.samples.iter().sum::<f64>() / h.samples.len() as f64;
        }
        let early_frac = early as f64 / (runs * RESERVOIR) as f64;
        assert!((early_frac - 0.25).abs() < 0.03, "first quarter holds {early_frac} of the sample");
        let mean = mean / runs as f64;
        assert!((mean - n as f64 / 2.0).abs() < n as f64 * 0.02, "mean {mean}");
    }

    /// `n` points `0..n` split into consecutive runs of the given sizes, one `HistAgg` each
    /// (so a merge that over- or under-weights a part shifts the sample's mean).
    fn split(sizes: &[u64]) -> Vec<HistAgg> {
        let mut next = 0u64;
        sizes
            .iter()
            .map(|&k| {
                let mut h = HistAgg::default();
                for _ in 0..k {
                    h.add(next as f64, 1.0);
                    next += 1;
                }
                h
            })
            .collect()
    }

    #[test]
    fn merged_reservoir_is_unbiased() {
        // Uneven stripes: one over the reservoir by far, one barely over, one under, one tiny,
        // one empty. A uniform sample of the 20,000 values 0..20000 holds each part in
        // proportion to its size (part 0, values < 12,000: 60 %) and has mean ~10,000.
        let sizes = [12_000u64, 5_500, 2_000, 480, 20, 0];
        let n: u64 = sizes.iter().sum();
        let runs = 40;
        let mut per_part = [0usize; 6];
        let mut first_quarter = 0usize;
        let mut mean = 0.0;
        for _ in 0..runs {
            let m = HistAgg::merge(split(&sizes));
            assert_eq!(m.samples.len(), RESERVOIR);
            assert_eq!(m.seen, n);
            // No value twice (the merge takes each sample at most once).
            let mut v = m.samples.clone();
            v.sort_unstable_by(f64::total_cmp);
            v.dedup();
            assert_eq!(v.len(), RESERVOIR);
            let mut lo = 0u64;
            for (i, k) in sizes.iter().enumerate() {
                per_part[i] += m.samples.iter().filter(|x| **x >= lo as f64 && **x < (lo + k) as f64).count();
                lo += k;
            }
            first_quarter += m.samples.iter().filter(|x| **x < (n / 4) as f64).count();
            mean += m.samples.iter().sum::<f64>() / RESERVOIR as f64;
        }
        let total = (runs * RESERVOIR) as f64;
        for (i, k) in sizes.iter().enumerate() {
            let want = *k as f64 / n as f64;
            let got = per_part[i] as f64 / total;
            // 40,000 draws: the standard error of a share p is sqrt(p(1-p)/40000) < 0.0025.
            assert!((got - want).abs() < 0.012, "part {i}: {got} of the sample, want {want}");
        }
        let fq = first_quarter as f64 / total;
        assert!((fq - 0.25).abs() < 0.03, "first quarter holds {fq} of the sample");
        let mean = mean / runs as f64;
        assert!((mean - n as f64 / 2.0).abs() < n as f64 * 0.02, "mean {mean}");
    }

    #[test]
    fn merge_of_small_parts_keeps_every_value() {
        let m = HistAgg::merge(split(&[300, 0, 500, 200]));
        let mut v = m.samples.clone();
        v.sort_unstable_by(f64::total_cmp);
        assert_eq!(v, (0..1000).map(|x| x as f64).collect::<Vec<_>>());
        assert!(HistAgg::merge(Vec::new()).stats().is_empty());
        assert!(HistAgg::merge(vec![HistAgg::default(), HistAgg::default()]).stats().is_empty());
    }

    #[test]
    fn merged_min_max_count_avg_are_exact() {
        // The same weighted points into one HistAgg and spread over 4 parts unevenly.
        let mut one = HistAgg::default();
        let mut parts: Vec<HistAgg> = (0..4).map(|_| HistAgg::default()).collect();
        for i in 0..7_000u64 {
            let v = ((i * 7919) % 5_003) as f64 - 2_000.0;
            let w = [1.0, 2.0, 4.0, 0.5][(i % 4) as usize];
            one.add(v, w);
            // Part 0 gets most, part 3 only every 97th point.
            let p = if i % 97 == 0 {
                3
            } else if i % 5 == 0 {
                2
            } else if i % 3 == 0 {
                1
            } else {
                0
            };
            parts[p].add(v, w);
        }
        let mut m = HistAgg::merge(parts);
        assert_eq!((m.min, m.max, m.sum, m.count, m.seen), (one.min, one.max, one.sum, one.count, one.seen));
        assert_eq!(m.samples.len(), RESERVOIR);
        let a = m.stats();
        let b = one.stats();
        for k in 0..4 {
            assert_eq!(a[k], b[k]);
        }
    }

    #[test]
    fn rng_is_uniform_enough() {
        let mut buckets = [0u32; 10];
        for _ in 0..100_000 {
            buckets[below(10) as usize] += 1;
        }
        for b in buckets {
            assert!((9_000..11_000).contains(&b), "{buckets:?}");
        }
        let f = next_f64();
        assert!((0.0..1.0).contains(&f));
    }

    #[test]
    fn stats_in_dogapi_order() {
        let mut h = HistAgg::default();
        for v in [20.0, 30.0, 40.0, 50.0] {
            h.add(v, 1.0);
        }
        let s = h.stats();
        let names: Vec<&str> = s.iter().map(|x| x.0).collect();
        assert_eq!(
            names,
            [".min", ".max", ".count", ".avg", ".75percentile", ".85percentile", ".95percentile", ".99percentile"]
        );
        assert_eq!(s[3].1, 35.0);
        assert_eq!(s[4].1, 40.0); // index round(0.75*4-1)=2
        assert_eq!(s[7].1, 50.0);
        assert!(HistAgg::default().stats().is_empty());
    }
}
