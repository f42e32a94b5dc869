//! Metrics: dogapi's `metric` (three point forms) and `metrics` (a batch of series).

use super::client::{ApiRequest, Client};
use super::response::Outcome;
use crate::error::Error;
use crate::metric_rules;
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
    /// Name, tags and timestamps follow [`crate::metric_rules`] (normalised or refused).
    pub fn series(&self, default_host: &str) -> Result<Value, Error> {
        let name = metric_rules::name("metric", self.name)?;
        if self.points.is_empty() {
            return Err(Error::invalid("a metric needs at least one point"));
        }
        if self.points.len() > metric_rules::MAX_POINTS {
            return Err(Error::invalid(format!("a series holds at most {} points", metric_rules::MAX_POINTS)));
        }
        if let Some((ts, v)) = self.points.iter().find(|(ts, v)| !ts.is_finite() || !v.is_finite()) {
            return Err(Error::invalid(format!("metric points must be finite numbers, got [{ts}, {v}]")));
        }
        let t = now();
        for (ts, _) in &self.points {
            metric_rules::check_timestamp(*ts, t)?;
        }
        let mut s = Map::new();
        s.insert("metric".into(), json!(name));
        s.insert("points".into(), Value::Array(self.points.iter().map(|(ts, v)| json!([ts, v])).collect()));
        s.insert("type".into(), json!(metric_type(self.metric_type)?));
        s.insert("host".into(), json!(self.host.unwrap_or(default_host)));
        if let Some(d) = self.device {
            s.insert("device".into(), json!(d));
        }
        let tags = metric_rules::tags(self.tags)?;
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

    /// POST /series with a JSON array of series objects, sent as given except that each
    /// `metric` name and `tags` list follow [`crate::metric_rules`] and every point's
    /// timestamp must be one the intake accepts.
    pub fn metrics(&self, series_json: &str) -> Outcome {
        let mut series = match serde_json::from_str::<Value>(series_json) {
            Ok(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_object) => a,
            Ok(Value::Array(a)) if a.is_empty() => return Outcome::failed(Error::invalid("series array is empty")),
            Ok(_) => return Outcome::failed(Error::invalid("series must be a JSON array of series objects")),
            Err(e) => return Outcome::failed(Error::invalid(format!("series is not valid JSON: {e}"))),
        };
        if let Err(e) = series.iter_mut().try_for_each(apply_rules) {
            return Outcome::failed(e);
        }
        self.call(ApiRequest::new("POST", "series").json(json!({ "series": series })))
    }
}

/// One series object of `dog_metrics_post`: name normalised or refused, string tags
/// normalised, `[timestamp, value]` points inside the intake's window. Other fields as given.
fn apply_rules(series: &mut Value) -> Result<(), Error> {
    let s = series.as_object_mut().ok_or_else(|| Error::invalid("a series is not an object"))?;
    let name = match s.get("metric") {
        Some(Value::String(n)) => metric_rules::name("metric", n)?.into_owned(),
        _ => return Err(Error::invalid("every series needs a \"metric\" name string")),
    };
    s.insert("metric".into(), json!(name));
    if let Some(Value::Array(tags)) = s.get_mut("tags") {
        let mut out = Vec::with_capacity(tags.len());
        for t in tags.iter() {
            match t {
                Value::String(t) => {
                    if let Some(n) = metric_rules::tag(t)? {
                        out.push(json!(n));
                    }
                }
                other => out.push(other.clone()),
            }
        }
        *tags = out;
    }
    let t = now();
    if let Some(Value::Array(points)) = s.get("points") {
        for p in points {
            if let Some(ts) = p.get(0).and_then(Value::as_f64) {
                metric_rules::check_timestamp(ts, t)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_shape() {
        let t = now().floor();
        let m = Metric { name: "m.a", points: vec![(t, 5.0)], tags: Some("a:b"), ..Default::default() };
        assert_eq!(
            m.series("h0").unwrap(),
            json!({"metric":"m.a","points":[[t,5.0]],"type":"gauge","host":"h0","tags":["a:b"]})
        );
        let m = Metric { name: "m", points: vec![(t, f64::NAN)], ..Default::default() };
        assert!(m.series("h").is_err());
        let m = Metric { name: "m", points: vec![(1.0, 1.0)], ..Default::default() };
        assert!(m.series("h").is_err(), "a point from 1970 is refused");
        let m = Metric { name: "m a", points: vec![(t, 1.0)], tags: Some("a b,c:d"), ..Default::default() };
        assert_eq!(m.series("h").unwrap()["metric"], "m_a");
        assert_eq!(m.series("h").unwrap()["tags"], json!(["a_b", "c:d"]));
        assert_eq!(metric_type(Some("counter")).unwrap(), "count");
        assert!(metric_type(Some("histogram")).is_err());
    }
}
