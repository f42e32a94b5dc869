//! Control API over HTTP: any path with a `/_intake/` segment (so `/api/v1/_intake/requests`
//! works through a client that prefixes `/api/v1`). Never recorded, never faulted, no API key.
//!
//! - `GET  …/_intake/requests[?path=/api/v1/series]` → JSON array of recorded requests
//! - `POST …/_intake/fault` `{"kind":"status|rate_limited|slow|reset|hang|down", …,
//!   or a hostile kind `huge_json|echo_headers|endless|drip` (see `hostile`),
//!   "count":N | "sticky":true}`
//! - `POST …/_intake/clear` (requests + faults), `POST …/_intake/heal` (faults only)
//! - `POST …/_intake/response` `{"method","path","status","body"}` (canned answer)
//! - `GET  …/_intake/dogstatsd` → DogStatsD totals (counters, gauges, values, events, service
//!   checks, parse errors, listener URLs); `POST …/_intake/dogstatsd/clear`

use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::http::{Req, Resp};
use crate::query::parse_query;
use crate::state::State;
use crate::{Fault, Recorded};

pub(crate) fn is_control(path: &str) -> bool {
    path.contains("/_intake/") || path.ends_with("/_intake")
}

/// JSON view of a recorded request (also used by the `run` summary).
pub fn recorded_json(r: &Recorded) -> Value {
    let mut query = Map::new();
    for (k, v) in &r.query {
        query.entry(k.clone()).or_insert(json!(v));
    }
    let mut headers = Map::new();
    for (k, v) in &r.headers {
        headers.entry(k.clone()).or_insert(json!(v));
    }
    let body = if r.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&r.body).unwrap_or_else(|_| json!(String::from_utf8_lossy(&r.body)))
    };
    json!({
        "method": r.method,
        "path": r.path,
        "raw_query": r.raw_query,
        "query": query,
        "headers": headers,
        "body": body,
        "content_encoding": r.content_encoding,
        "raw_body_len": r.raw_body_len,
        "contract": r.contract.as_str(),
        "contract_errors": r.contract.errors(),
        "fault": r.fault.as_ref().map(fault_kind),
    })
}

pub(crate) fn fault_kind(f: &Fault) -> &'static str {
    match f {
        Fault::Status { .. } => "status",
        Fault::RateLimited { .. } => "rate_limited",
        Fault::Slow(_) => "slow",
        Fault::Reset => "reset",
        Fault::Hang => "hang",
        Fault::Down => "down",
        other => crate::hostile::kind(other).unwrap_or("hostile"),
    }
}

fn as_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Parse `{"kind": …}` into a fault.
pub fn fault_from_json(v: &Value) -> Result<Fault, String> {
    let kind = v
        .get("kind")
        .and_then(Value::as_str)
        .ok_or("missing \"kind\"")?;
    Ok(match kind {
        "status" => Fault::Status {
            code: v
                .get("code")
                .and_then(Value::as_u64)
                .filter(|c| (100..=599).contains(c))
                .ok_or("\"code\" must be an HTTP status")? as u16,
            body: as_string(v.get("body")).unwrap_or_default(),
        },
        "rate_limited" => Fault::RateLimited {
            retry_after: as_string(v.get("retry_after")),
            reset: as_string(v.get("reset")),
        },
        "slow" => Fault::Slow(Duration::from_millis(
            v.get("ms")
                .and_then(Value::as_u64)
                .ok_or("\"ms\" must be a number")?,
        )),
        "reset" => Fault::Reset,
        "hang" => Fault::Hang,
        "down" => Fault::Down,
        other => match crate::hostile::from_json(other, v) {
            Some(f) => f?,
            None => return Err(format!("unknown fault kind {other:?}")),
        },
    })
}

/// Answers one control request; the caller holds the state's lock (`dsd`: what the DogStatsD
/// listeners received, under its own lock).
pub(crate) fn handle(s: &mut State, dsd: &crate::dogstatsd::Store, req: &Req) -> Resp {
    let cmd = req
        .path
        .rsplit("/_intake")
        .next()
        .unwrap_or("")
        .trim_matches('/');
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    match (req.method.as_str(), cmd) {
        ("GET", "requests") => {
            let q = parse_query(&req.raw_query);
            let filter = q.iter().find(|(k, _)| k == "path").map(|(_, v)| v.as_str());
            let list: Vec<Value> = s
                .requests
                .iter()
                .filter(|r| filter.is_none_or(|p| r.path == p))
                .map(recorded_json)
                .collect();
            Resp::json(200, &Value::Array(list))
        }
        ("POST", "fault") => match fault_from_json(&body) {
            Ok(f) => {
                if body.get("sticky").and_then(Value::as_bool) == Some(true) {
                    s.sticky = Some(f);
                } else {
                    let n = body.get("count").and_then(Value::as_u64).unwrap_or(1);
                    for _ in 0..n {
                        s.faults.push_back(f.clone());
                    }
                }
                Resp::json(
                    200,
                    &json!({"ok": true, "queued": s.faults.len(), "sticky": s.sticky.is_some()}),
                )
            }
            Err(e) => Resp::errors(400, &e),
        },
        ("GET", "dogstatsd") => Resp::json(200, &dsd.to_json()),
        ("POST", "dogstatsd/clear") => {
            dsd.clear();
            Resp::json(200, &json!({"ok": true}))
        }
        ("POST", "clear") => {
            s.clear(true);
            Resp::json(200, &json!({"ok": true}))
        }
        ("POST", "heal") => {
            s.clear(false);
            Resp::json(200, &json!({"ok": true}))
        }
        ("POST", "response") => {
            let (Some(m), Some(p), Some(st)) = (
                body.get("method").and_then(Value::as_str),
                body.get("path").and_then(Value::as_str),
                body.get("status").and_then(Value::as_u64),
            ) else {
                return Resp::errors(400, "need method, path, status");
            };
            let b = as_string(body.get("body")).unwrap_or_default();
            s.overrides
                .insert((m.to_ascii_uppercase(), p.to_string()), (st as u16, b));
            Resp::json(200, &json!({"ok": true}))
        }
        _ => Resp::errors(404, "unknown control request"),
    }
}
