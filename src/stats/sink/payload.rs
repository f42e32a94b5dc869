//! Series JSON for `/api/v1/series` and `/api/v1/distribution_points`, written straight into
//! one buffer per endpoint (one flush can hold 100,000 series; strings escaped by serde_json),
//! and split into compressed payloads that stay under the intake's limits: gzip for series,
//! `deflate` (zlib) for distribution points, the only encoding the v1 spec accepts there
//! (`DistributionPointsContentEncoding`).

use crate::stats::aggregator::{Aggregate, Closed};
use flate2::write::{GzEncoder, ZlibEncoder};
use flate2::Compression;
use std::io::Write as _;
use std::sync::Arc;

/// v1 series: at most 3.2 MB compressed per request.
pub(crate) const MAX_COMPRESSED: usize = 3_200_000;
/// v1 series: at most 62 MiB once decompressed.
pub(crate) const MAX_DECOMPRESSED: usize = 62_914_560;
/// Most values per distribution series: a bucket holding more is sent as several series of the
/// same context and timestamp (Datadog merges them), so one series stays far below the limits.
pub(crate) const DIST_VALUES_PER_SERIES: usize = 4096;

/// Values per distribution series for a compressed payload limit: at most
/// [`DIST_VALUES_PER_SERIES`], and small enough that one series of incompressible values
/// (~8 compressed bytes each: 17 significant digits) stays under half the limit, so a series
/// is never too big to send alone.
pub fn dist_values_per_series(max_compressed: usize) -> usize {
    (max_compressed / 16).clamp(16, DIST_VALUES_PER_SERIES)
}

/// Where a payload goes, which decides its body encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /api/v1/series`, gzip.
    Series,
    /// `POST /api/v1/distribution_points`, deflate (zlib).
    DistributionPoints,
}

impl Endpoint {
    /// The path below `/api/v1/`.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Series => "series",
            Endpoint::DistributionPoints => "distribution_points",
        }
    }
}
/// Rendered series, one after the other, with their end offsets.
#[derive(Default)]
pub struct Rendered {
    pub text: Vec<u8>,
    pub ends: Vec<usize>,
    /// Series skipped because their value was not finite (e.g. a counter sum that overflowed).
    pub skipped_non_finite: u64,
}

/// What every series of one flush shares.
pub struct SeriesStyle<'a> {
    pub default_host: &'a str,
    pub device: Option<&'a str>,
    /// `interval` of `count` series, in whole seconds.
    pub interval: i64,
    /// Values per distribution series ([`dist_values_per_series`]).
    pub dist_chunk: usize,
}

fn json_str(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *out, s).expect("writing a str to a Vec cannot fail");
}

/// `a` followed by `b` as one JSON string; `b` is a static suffix that needs no escaping.
fn json_str2(out: &mut Vec<u8>, a: &str, b: &str) {
    debug_assert!(b.bytes().all(|c| c.is_ascii_graphic() && c != b'"' && c != b'\\'));
    json_str(out, a);
    if !b.is_empty() {
        out.pop();
        out.extend_from_slice(b.as_bytes());
        out.push(b'"');
    }
}

/// A finite f64 as a JSON number (Rust's shortest round-trip form; never exponent notation).
fn json_num(out: &mut Vec<u8>, v: f64) {
    if v == v.trunc() && v.abs() < 1e15 {
        let _ = write!(out, "{}", v as i64);
    } else {
        let _ = write!(out, "{v}");
    }
}

impl Rendered {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// One series with one point. `tags` is the context's comma-joined tag string (omitted when
    /// empty); `host` `None` means the style's default host; `count` series carry `interval`.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        style: &SeriesStyle<'_>,
        name: &str,
        suffix: &str,
        ts: f64,
        value: f64,
        count: bool,
        tags: &str,
        host: Option<&str>,
    ) {
        if !value.is_finite() || !ts.is_finite() {
            self.skipped_non_finite += 1;
            return;
        }
        let o = &mut self.text;
        o.extend_from_slice(b"{\"metric\":");
        json_str2(o, name, suffix);
        o.extend_from_slice(b",\"points\":[[");
        json_num(o, ts);
        o.push(b',');
        json_num(o, value);
        o.extend_from_slice(b"]],\"type\":");
        if count {
            o.extend_from_slice(b"\"count\",\"interval\":");
            let _ = write!(o, "{}", style.interval);
        } else {
            o.extend_from_slice(b"\"gauge\"");
        }
        o.extend_from_slice(b",\"host\":");
        json_str(o, host.unwrap_or(style.default_host));
        if let Some(d) = style.device {
            o.extend_from_slice(b",\"device\":");
            json_str(o, d);
        }
        push_tags(o, tags);
        o.push(b'}');
        self.ends.push(o.len());
    }

    /// One distribution series: `{"metric":..,"points":[[ts,[v1,v2,..]]],"type":"distribution",
    /// "host":..,"tags":[..]}` (no device: the endpoint has none). `values` are finite (checked
    /// at the API) and not empty.
    pub fn push_distribution(
        &mut self,
        style: &SeriesStyle<'_>,
        name: &str,
        ts: f64,
        values: &[f64],
        tags: &str,
        host: Option<&str>,
    ) {
        if !ts.is_finite() || values.iter().any(|v| !v.is_finite()) {
            self.skipped_non_finite += 1;
            return;
        }
        let o = &mut self.text;
        o.extend_from_slice(b"{\"metric\":");
        json_str(o, name);
        o.extend_from_slice(b",\"points\":[[");
        json_num(o, ts);
        o.extend_from_slice(b",[");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                o.push(b',');
            }
            json_num(o, *v);
        }
        o.extend_from_slice(b"]]],\"type\":\"distribution\",\"host\":");
        json_str(o, host.unwrap_or(style.default_host));
        push_tags(o, tags);
        o.push(b'}');
        self.ends.push(o.len());
    }

    /// The series of closed buckets: one per counter or gauge, dogapi's 8 per histogram, into
    /// `self`; one per distribution bucket (per `style.dist_chunk` values) into `dists`. Each
    /// bucket is dropped right after it is rendered (its context's reference count is then
    /// still in cache), and the contexts a few entries ahead are prefetched: the closed buckets
    /// of a big flush are far apart in memory (100,000 contexts = ~13 MB).
    pub fn push_closed(&mut self, dists: &mut Rendered, style: &SeriesStyle<'_>, closed: Vec<Closed>) {
        const AHEAD: usize = 8;
        for (i, a) in closed.iter().take(AHEAD).enumerate() {
            prefetch(&a.ctx, i < AHEAD / 2);
        }
        let mut it = closed.into_iter();
        while let Some(mut c) = it.next() {
            // The context AHEAD entries on, and the strings of the one AHEAD/2 on.
            let rest = it.as_slice();
            if let Some(a) = rest.get(AHEAD - 1) {
                prefetch(&a.ctx, false);
            }
            if let Some(a) = rest.get(AHEAD / 2 - 1) {
                prefetch(&a.ctx, true);
            }
            let (name, tags, host) = (c.ctx.name(), c.ctx.tags(), c.ctx.host());
            match &mut c.value {
                Aggregate::Counter(v) => self.push(style, name, "", c.ts, *v, true, tags, host),
                Aggregate::Gauge(v) => self.push(style, name, "", c.ts, *v, false, tags, host),
                Aggregate::Histogram(h) => {
                    for (suffix, v, count) in h.stats() {
                        self.push(style, name, suffix, c.ts, v, count, tags, host);
                    }
                }
                Aggregate::Distribution(d) => {
                    for chunk in d.values.chunks(style.dist_chunk.max(1)) {
                        dists.push_distribution(style, name, c.ts, chunk, tags, host);
                    }
                }
            }
        }
    }

    fn series(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

/// `,"tags":[..]` from a comma-joined tag string; nothing when it is empty.
fn push_tags(o: &mut Vec<u8>, tags: &str) {
    if !tags.is_empty() {
        o.extend_from_slice(b",\"tags\":[");
        for (i, t) in tags.split(',').enumerate() {
            if i > 0 {
                o.push(b',');
            }
            json_str(o, t);
        }
        o.push(b']');
    }
}

/// Hints the CPU to load a context (`strings`: its string buffer instead, which needs the
/// context itself already loaded).
#[inline(always)]
fn prefetch(ctx: &crate::stats::aggregator::Context, strings: bool) {
    #[cfg(target_arch = "x86_64")]
    {
        let p = if strings { ctx.name().as_ptr() } else { ctx as *const _ as *const u8 };
        // SAFETY: a prefetch is only a hint; the address is valid (a live reference) anyway.
        unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p as *const i8) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (ctx, strings);
}

/// One request body: `{"series":[...]}` compressed as its endpoint requires (gzip for series,
/// zlib for distribution points), and how many series it holds. The bytes are shared (queue,
/// retries and the request borrow the same allocation).
#[derive(Debug, Clone)]
pub struct Payload {
    pub endpoint: Endpoint,
    pub compressed: Arc<[u8]>,
    pub series: u64,
    /// Decompressed length.
    pub raw_len: usize,
}

/// Limits used to split (the intake's by default; smaller in tests).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_compressed: usize,
    pub max_decompressed: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_compressed: MAX_COMPRESSED, max_decompressed: MAX_DECOMPRESSED }
    }
}

fn compress(raw: &[u8], endpoint: Endpoint) -> Vec<u8> {
    // Level 1: metric JSON compresses ~10x even at the fastest level, and flushing 100,000
    // contexts must stay well under 100 ms.
    let out = Vec::with_capacity(raw.len() / 8 + 64);
    match endpoint {
        Endpoint::Series => {
            let mut enc = GzEncoder::new(out, Compression::fast());
            enc.write_all(raw).expect("writing to a Vec cannot fail");
            enc.finish().expect("finishing a Vec-backed gzip stream cannot fail")
        }
        Endpoint::DistributionPoints => {
            let mut enc = ZlibEncoder::new(out, Compression::fast());
            enc.write_all(raw).expect("writing to a Vec cannot fail");
            enc.finish().expect("finishing a Vec-backed zlib stream cannot fail")
        }
    }
}

fn body(r: &Rendered, range: std::ops::Range<usize>) -> Vec<u8> {
    let start = if range.start == 0 { 0 } else { r.ends[range.start - 1] };
    let end = r.ends[range.end - 1];
    let mut raw = Vec::with_capacity(end - start + 16 + range.len());
    raw.extend_from_slice(b"{\"series\":[");
    for i in range {
        if raw.len() > 11 {
            raw.push(b',');
        }
        raw.extend_from_slice(r.series(i));
    }
    raw.extend_from_slice(b"]}");
    raw
}

/// What [`split`] made: payloads under the limits, and the single series that alone exceed
/// them (never sent: the intake would refuse them). [`Split::append`] joins two endpoints'.
#[derive(Default)]
pub struct Split {
    pub payloads: Vec<Payload>,
    /// (compressed, decompressed) size of each series too big to send.
    pub oversized: Vec<(usize, usize)>,
}

impl Split {
    /// Adds `other`'s payloads after this one's.
    pub fn append(&mut self, other: Split) {
        self.payloads.extend(other.payloads);
        self.oversized.extend(other.oversized);
    }
}

/// Splits the rendered series into payloads under both limits. Chunks are first cut by
/// decompressed size (aiming at a few times the compressed limit), then any chunk whose
/// compressed form is still too big is halved until it fits. A single series larger than the
/// limits is left out (`oversized`).
pub fn split(r: &Rendered, limits: Limits, endpoint: Endpoint) -> Split {
    let mut out = Split::default();
    if r.is_empty() {
        return out;
    }
    // Typical series JSON compresses 8-20x; aim at 4x the compressed limit, then verify.
    let raw_target = limits.max_decompressed.min(limits.max_compressed.saturating_mul(4)).max(1);
    let mut start = 0;
    let mut size = 13usize;
    let mut chunks = Vec::new();
    for i in 0..r.len() {
        let len = r.series(i).len() + 1;
        if i > start && size + len > raw_target {
            chunks.push(start..i);
            start = i;
            size = 13;
        }
        size += len;
    }
    chunks.push(start..r.len());
    let mut stack: Vec<std::ops::Range<usize>> = chunks.into_iter().rev().collect();
    while let Some(range) = stack.pop() {
        let raw = body(r, range.clone());
        let gz = compress(&raw, endpoint);
        if gz.len() > limits.max_compressed || raw.len() > limits.max_decompressed {
            if range.len() == 1 {
                out.oversized.push((gz.len(), raw.len()));
                continue;
            }
            let mid = range.start + range.len() / 2;
            stack.push(mid..range.end);
            stack.push(range.start..mid);
            continue;
        }
        out.payloads.push(Payload { endpoint, series: range.len() as u64, raw_len: raw.len(), compressed: gz.into() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn style() -> SeriesStyle<'static> {
        SeriesStyle { default_host: "h0", device: None, interval: 10, dist_chunk: DIST_VALUES_PER_SERIES }
    }

    fn gunzip(b: &[u8]) -> serde_json::Value {
        let mut s = String::new();
        flate2::read::GzDecoder::new(b).read_to_string(&mut s).unwrap();
        serde_json::from_str(&s).unwrap()
    }

    #[test]
    fn series_shapes() {
        let mut r = Rendered::default();
        r.push(&style(), "a.b", "", 100.0, 3.0, true, "", None);
        r.push(&style(), "g", ".avg", 1000.5, 2.5, false, "env:prod,db", Some(""));
        r.push(&SeriesStyle { device: Some("dev\"1"), ..style() }, "q", "", 1.0, 1.0, false, "", Some("h"));
        r.push(&style(), "bad", "", 1.0, f64::INFINITY, false, "", None);
        assert_eq!(r.skipped_non_finite, 1);
        let p = split(&r, Limits::default(), Endpoint::Series).payloads;
        assert_eq!(p.len(), 1);
        let v = gunzip(&p[0].compressed);
        assert_eq!(
            v,
            serde_json::json!({"series":[
                {"metric":"a.b","points":[[100,3]],"type":"count","interval":10,"host":"h0"},
                {"metric":"g.avg","points":[[1000.5,2.5]],"type":"gauge","host":"","tags":["env:prod","db"]},
                {"metric":"q","points":[[1,1]],"type":"gauge","host":"h","device":"dev\"1"}
            ]})
        );
    }

    #[test]
    fn distributions_render_every_value_and_deflate() {
        let mut r = Rendered::default();
        r.push_distribution(&style(), "lat", 100.0, &[1.0, 2.5, -3.0], "env:prod,db", None);
        r.push_distribution(&style(), "lat", 110.0, &[4.0], "", Some("h"));
        r.push_distribution(&style(), "bad", f64::NAN, &[4.0], "", None);
        assert_eq!((r.len(), r.skipped_non_finite), (2, 1));
        let p = split(&r, Limits::default(), Endpoint::DistributionPoints).payloads;
        assert_eq!((p.len(), p[0].endpoint, p[0].series), (1, Endpoint::DistributionPoints, 2));
        let mut s = String::new();
        flate2::read::ZlibDecoder::new(&p[0].compressed[..]).read_to_string(&mut s).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&s).unwrap(),
            serde_json::json!({"series":[
                {"metric":"lat","points":[[100,[1,2.5,-3]]],"type":"distribution","host":"h0","tags":["env:prod","db"]},
                {"metric":"lat","points":[[110,[4]]],"type":"distribution","host":"h"}
            ]})
        );
    }

    #[test]
    fn splitting_respects_the_compressed_limit_and_keeps_every_series() {
        let mut r = Rendered::default();
        let n = 5000;
        for i in 0..n {
            // Pseudo-random names compress badly, which forces the halving path.
            let name = format!("m.{:016x}", fastrand::u64(..) ^ i);
            r.push(&style(), &name, "", 100.0, i as f64, true, "a:b", None);
        }
        let limits = Limits { max_compressed: 20_000, max_decompressed: 1_000_000 };
        let payloads = split(&r, limits, Endpoint::Series).payloads;
        assert!(payloads.len() > 5, "{} payloads", payloads.len());
        let mut values = Vec::new();
        for p in &payloads {
            assert!(p.compressed.len() <= limits.max_compressed, "{}", p.compressed.len());
            let v = gunzip(&p.compressed);
            let s = v["series"].as_array().unwrap();
            assert_eq!(s.len() as u64, p.series);
            values.extend(s.iter().map(|x| x["points"][0][1].as_f64().unwrap() as u64));
        }
        values.sort();
        assert_eq!(values, (0..n).collect::<Vec<u64>>());
    }

    #[test]
    fn decompressed_limit_also_splits() {
        let mut r = Rendered::default();
        for i in 0..1000 {
            r.push(&style(), "same.name.compresses.well", "", 100.0, i as f64, false, "", None);
        }
        let payloads =
            split(&r, Limits { max_compressed: 1_000_000, max_decompressed: 10_000 }, Endpoint::Series).payloads;
        assert!(payloads.len() >= 9);
        assert!(payloads.iter().all(|p| p.raw_len <= 10_000));
        assert_eq!(payloads.iter().map(|p| p.series).sum::<u64>(), 1000);
    }

    #[test]
    fn a_series_over_the_limit_alone_is_left_out() {
        let mut r = Rendered::default();
        r.push(&style(), "small.before", "", 100.0, 1.0, false, "", None);
        // Incompressible tags: one series alone compresses above the limit.
        let tags: Vec<String> = (0..400).map(|_| format!("t:{:016x}", fastrand::u64(..))).collect();
        r.push(&style(), "huge", "", 100.0, 2.0, false, &tags.join(","), None);
        r.push(&style(), "small.after", "", 100.0, 3.0, false, "", None);
        let limits = Limits { max_compressed: 2048, max_decompressed: 1_000_000 };
        let s = split(&r, limits, Endpoint::Series);
        assert_eq!(s.oversized.len(), 1);
        assert!(s.oversized[0].0 > 2048);
        assert_eq!(s.payloads.iter().map(|p| p.series).sum::<u64>(), 2);
        for p in &s.payloads {
            assert!(!gunzip(&p.compressed).to_string().contains("huge"));
        }
    }
}
