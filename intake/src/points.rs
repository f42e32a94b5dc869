//! What the intake received on `/api/v1/distribution_points`, as values a test can compare
//! exactly (the HTTP counterpart of the DogStatsD listeners' `Totals::distributions`).

use crate::{Contract, Recorded};
use serde_json::Value;
use std::collections::BTreeMap;

/// One `[timestamp, [values]]` point of one distribution series.
#[derive(Clone, Debug, PartialEq)]
pub struct DistributionPoint {
    pub metric: String,
    /// `None`: the series had no `host`.
    pub host: Option<String>,
    /// Sorted.
    pub tags: Vec<String>,
    pub timestamp: f64,
    pub values: Vec<f64>,
}

impl DistributionPoint {
    /// `metric` or `metric|#sorted,tags` (the DogStatsD store's context key).
    pub fn context(&self) -> String {
        if self.tags.is_empty() {
            self.metric.clone()
        } else {
            format!("{}|#{}", self.metric, self.tags.join(","))
        }
    }
}

/// Every point of the distribution series in `requests` that the intake accepted (`status`
/// 2xx) and found valid against the spec (`Contract::Valid`); other requests are skipped.
pub fn accepted(requests: &[(Recorded, Option<u16>)]) -> Vec<DistributionPoint> {
    let mut out = Vec::new();
    for (r, status) in requests {
        if r.path != "/api/v1/distribution_points"
            || !matches!(status, Some(200..=299))
            || r.contract != Contract::Valid
        {
            continue;
        }
        let Ok(body) = serde_json::from_slice::<Value>(&r.body) else {
            continue;
        };
        for s in body["series"].as_array().into_iter().flatten() {
            let mut tags: Vec<String> = s["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect();
            tags.sort();
            for p in s["points"].as_array().into_iter().flatten() {
                out.push(DistributionPoint {
                    metric: s["metric"].as_str().unwrap_or_default().to_string(),
                    host: s["host"].as_str().map(str::to_string),
                    tags: tags.clone(),
                    timestamp: p[0].as_f64().unwrap_or(f64::NAN),
                    values: p[1]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_f64)
                        .collect(),
                });
            }
        }
    }
    out
}

/// The values of `points` per context key ([`DistributionPoint::context`]), all timestamps
/// and hosts together, sorted.
pub fn values_by_context(points: &[DistributionPoint]) -> BTreeMap<String, Vec<f64>> {
    let mut m: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for p in points {
        m.entry(p.context())
            .or_default()
            .extend_from_slice(&p.values);
    }
    for v in m.values_mut() {
        v.sort_by(f64::total_cmp);
    }
    m
}
