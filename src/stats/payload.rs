//! Series JSON for `/api/v1/series`, written by hand (one flush can hold 100,000 series), and
//! split into gzip-compressed payloads that stay under the intake's limits.

use flate2::write::GzEncoder;
use flate2::Compression;
use std::fmt::Write as _;
use std::io::Write as _;

/// v1 series: at most 3.2 MB compressed per request.
pub(crate) const MAX_COMPRESSED: usize = 3_200_000;
/// v1 series: at most 62 MiB once decompressed.
pub(crate) const MAX_DECOMPRESSED: usize = 62_914_560;

/// Rendered series, one after the other, with their end offsets.
#[derive(Default)]
pub struct Rendered {
    pub text: String,
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
}

fn json_str(out: &mut String, s: &str) {
    json_str2(out, s, "");
}

/// `a` followed by `b` as one JSON string.
fn json_str2(out: &mut String, a: &str, b: &str) {
    out.push('"');
    for c in a.chars().chain(b.chars()) {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A finite f64 as a JSON number (Rust's shortest round-trip form; never exponent notation).
fn json_num(out: &mut String, v: f64) {
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
        o.push_str("{\"metric\":");
        json_str2(o, name, suffix);
        o.push_str(",\"points\":[[");
        json_num(o, ts);
        o.push(',');
        json_num(o, value);
        o.push_str("]],\"type\":");
        if count {
            o.push_str("\"count\",\"interval\":");
            let _ = write!(o, "{}", style.interval);
        } else {
            o.push_str("\"gauge\"");
        }
        o.push_str(",\"host\":");
        json_str(o, host.unwrap_or(style.default_host));
        if let Some(d) = style.device {
            o.push_str(",\"device\":");
            json_str(o, d);
        }
        if !tags.is_empty() {
            o.push_str(",\"tags\":[");
            for (i, t) in tags.split(',').enumerate() {
                if i > 0 {
                    o.push(',');
                }
                json_str(o, t);
            }
            o.push(']');
        }
        o.push('}');
        self.ends.push(o.len());
    }

    fn series(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

/// One request body: gzip-compressed `{"series":[...]}` and how many series it holds.
#[derive(Debug, Clone)]
pub struct Payload {
    pub gzipped: Vec<u8>,
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

fn compress(raw: &[u8]) -> Vec<u8> {
    // Level 1: metric JSON compresses ~10x even at the fastest level, and flushing 100,000
    // contexts must stay well under 100 ms.
    let mut enc = GzEncoder::new(Vec::with_capacity(raw.len() / 8 + 64), Compression::fast());
    enc.write_all(raw).expect("writing to a Vec cannot fail");
    enc.finish().expect("finishing a Vec-backed gzip stream cannot fail")
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
        raw.extend_from_slice(r.series(i).as_bytes());
    }
    raw.extend_from_slice(b"]}");
    raw
}

/// Splits the rendered series into payloads under both limits. Chunks are first cut by
/// decompressed size (aiming at a few times the compressed limit), then any chunk whose
/// compressed form is still too big is halved until it fits. A single series larger than the
/// limits still goes alone (the intake will reject it; that is counted then).
pub fn split(r: &Rendered, limits: Limits) -> Vec<Payload> {
    let mut out = Vec::new();
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
        let gz = compress(&raw);
        if (gz.len() > limits.max_compressed || raw.len() > limits.max_decompressed) && range.len() > 1 {
            let mid = range.start + range.len() / 2;
            stack.push(mid..range.end);
            stack.push(range.start..mid);
            continue;
        }
        out.push(Payload { series: range.len() as u64, raw_len: raw.len(), gzipped: gz });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn style() -> SeriesStyle<'static> {
        SeriesStyle { default_host: "h0", device: None, interval: 10 }
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
        let p = split(&r, Limits::default());
        assert_eq!(p.len(), 1);
        let v = gunzip(&p[0].gzipped);
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
    fn splitting_respects_the_compressed_limit_and_keeps_every_series() {
        let mut r = Rendered::default();
        let n = 5000;
        for i in 0..n {
            // Pseudo-random names compress badly, which forces the halving path.
            let name = format!("m.{:016x}", super::super::histogram::next_u64() ^ i);
            r.push(&style(), &name, "", 100.0, i as f64, true, "a:b", None);
        }
        let limits = Limits { max_compressed: 20_000, max_decompressed: 1_000_000 };
        let payloads = split(&r, limits);
        assert!(payloads.len() > 5, "{} payloads", payloads.len());
        let mut values = Vec::new();
        for p in &payloads {
            assert!(p.gzipped.len() <= limits.max_compressed, "{}", p.gzipped.len());
            let v = gunzip(&p.gzipped);
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
        let payloads = split(&r, Limits { max_compressed: 1_000_000, max_decompressed: 10_000 });
        assert!(payloads.len() >= 9);
        assert!(payloads.iter().all(|p| p.raw_len <= 10_000));
        assert_eq!(payloads.iter().map(|p| p.series).sum::<u64>(), 1000);
    }
}
