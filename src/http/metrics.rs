//! Metrics: dogapi's `metric` (three point forms) and `metrics` (a batch of series).

use super::client::{ApiRequest, Client};
use super::response::Outcome;
use crate::error::Error;
use serde_json::{json, Map, Value};

/// Seconds since the epoch, with sub-second precision (dogapi's `time.time()`).
pub fn now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// The metric types today's v1 intake accepts. dogapi's `counter` means `count`.
pub fn metric_type(t: Option<&str>) -> Result<&'static str, Error> {
    match t.unwrap_or("gauge") {
        "gauge" => Ok("gauge"),
        "count" | "counter" => Ok("count"),
        "rate" => Ok("rate"),
        other => Err(Error::invalid(format!("metric type must be gauge, count or rate, got {other:?}"))),
    }
}

/// dogapi's `metric()` arguments.
#[derive(Debug, Clone, Default)]
pub struct Metric<'a> {
    pub name: &'a str,
    /// (timestamp, value) pairs.
    pub points: Vec<(f64, f64)>,
    /// `None`: this machine's host name (or EC2 id). `Some("")` is sent as `""`.
    pub host: Option<&'a str>,
    pub device: Option<&'a str>,
    /// Comma-separated.
    pub tags: Option<&'a str>,
    /// `gauge` (default), `count` or `rate`.
    pub metric_type: Option<&'a str>,
}

impl Metric<'_> {
    /// One series object as today's `/api/v1/series` wants it.
    pub fn series(&self, default_host: &str) -> Result<Value, Error> {
        if self.name.trim().is_empty() {
            return Err(Error::invalid("metric name is empty"));
        }
        if self.points.is_empty() {
            return Err(Error::invalid("a metric needs at least one point"));
        }
        if let Some((ts, v)) = self.points.iter().find(|(ts, v)| !ts.is_finite() || !v.is_finite()) {
            return Err(Error::invalid(format!("metric points must be finite numbers, got [{ts}, {v}]")));
        }
        let mut s = Map::new();
        s.insert("metric".into(), json!(self.name));
        s.insert("points".into(), Value::Array(self.points.iter().map(|(ts, v)| json!([ts, v])).collect()));
        s.insert("type".into(), json!(metric_type(self.metric_type)?));
        s.insert("host".into(), json!(self.host.unwrap_or(default_host)));
        if let Some(d) = self.device {
            s.insert("device".into(), json!(d));
        }
        let tags = crate::tags::split(self.tags);
        if !tags.is_empty() {
            s.insert("tags".into(), json!(tags));
        }
        Ok(Value::Object(s))
    }
}

impl Client {
    /// POST /series with one series. Result: the whole answer (`{"status":"ok"}`).
    pub fn metric(&self, m: &Metric<'_>) -> Outcome {
        match m.series(&self.default_host()) {
            Ok(series) => self.call(ApiRequest::new("POST", "series").json(json!({ "series": [series] }))),
            Err(e) => Outcome::failed(e),
        }
    }

    /// POST /series with a JSON array of series objects, sent as given.
    pub fn metrics(&self, series_json: &str) -> Outcome {
        let series = match serde_json::from_str::<Value>(series_json) {
            Ok(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_object) => a,
            Ok(Value::Array(a)) if a.is_empty() => return Outcome::failed(Error::invalid("series array is empty")),
            Ok(_) => return Outcome::failed(Error::invalid("series must be a JSON array of series objects")),
            Err(e) => return Outcome::failed(Error::invalid(format!("series is not valid JSON: {e}"))),
        };
        self.call(ApiRequest::new("POST", "series").json(json!({ "series": series })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_shape() {
        let m = Metric { name: "m.a", points: vec![(1.0, 5.0)], tags: Some("a:b"), ..Default::default() };
        assert_eq!(
            m.series("h0").unwrap(),
            json!({"metric":"m.a","points":[[1.0,5.0]],"type":"gauge","host":"h0","tags":["a:b"]})
        );
        let m = Metric { name: "m", points: vec![(1.0, f64::NAN)], ..Default::default() };
        assert!(m.series("h").is_err());
        assert_eq!(metric_type(Some("counter")).unwrap(), "count");
        assert!(metric_type(Some("histogram")).is_err());
    }
}
