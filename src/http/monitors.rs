//! Monitors: dogapi's `monitor`, `update_monitor`, `get_monitor`, `get_all_monitors`,
//! `delete_monitor`, `mute_monitors`, `unmute_monitors`, `mute_monitor`, `unmute_monitor`
//! (`/api/v1/monitor…`), plus muting one monitor through a v2 downtime (today's replacement for
//! the deprecated mute endpoints).

use super::answer::Pick;
use super::args::{non_negative, positive_id, truthy};
use super::client::{ApiRequest, Client};
use super::downtimes::{DowntimeV2, MonitorIdentifier};
use super::response::Outcome;
use crate::error::Error;
use serde_json::{json, Map, Value};

/// dogapi's three monitor types (`dogapi.constants.MonitorType`) followed by the rest of
/// today's `MonitorType` enum (v1 spec). dogapi rejected anything but the first three; every
/// type today's API knows is accepted here.
pub const MONITOR_TYPES: &[&str] = &[
    "service check",
    "metric alert",
    "query alert",
    "composite",
    "event alert",
    "log alert",
    "process alert",
    "rum alert",
    "synthetics alert",
    "trace-analytics alert",
    "slo alert",
    "event-v2 alert",
    "audit alert",
    "ci-pipelines alert",
    "ci-tests alert",
    "error-tracking alert",
    "database-monitoring alert",
    "network-performance alert",
    "cost alert",
    "data-quality alert",
    "network-path alert",
    "data-jobs alert",
    "llm-observability alert",
];

const ID_FIELD: Pick = Pick::at(&["id"]);

/// dogapi's `monitor()` / `update_monitor()` arguments.
#[derive(Debug, Default, Clone)]
pub struct Monitor<'a> {
    /// Required on create (lower-cased and checked), never sent on update.
    pub mtype: Option<&'a str>,
    pub query: Option<&'a str>,
    pub name: Option<&'a str>,
    pub message: Option<&'a str>,
    /// The `options` object (already parsed).
    pub options: Option<Map<String, Value>>,
}

impl Monitor<'_> {
    /// The create body: `{"type", "query"}` plus `name`, `message`, `options` when given.
    pub fn create_body(&self) -> Result<Value, Error> {
        let t = self.mtype.ok_or_else(|| Error::invalid("monitor type is missing"))?.to_lowercase();
        if !MONITOR_TYPES.contains(&t.as_str()) {
            return Err(Error::invalid(format!(
                "Invalid monitor type {t:?}, expected one of: {}",
                MONITOR_TYPES.join(", ")
            )));
        }
        let q = truthy(self.query).ok_or_else(|| Error::invalid("monitor query is empty"))?;
        let mut b = Map::new();
        b.insert("type".into(), json!(t));
        b.insert("query".into(), json!(q));
        self.common(&mut b);
        Ok(Value::Object(b))
    }

    /// The update body: `query`, `name`, `message`, `options`, each when given (no `type`, as
    /// in dogapi). At least one is needed.
    pub fn update_body(&self) -> Result<Value, Error> {
        let mut b = Map::new();
        if let Some(q) = truthy(self.query) {
            b.insert("query".into(), json!(q));
        }
        self.common(&mut b);
        if b.is_empty() {
            return Err(Error::invalid(
                "monitor update has nothing to change (query, name, message and options are all empty)",
            ));
        }
        Ok(Value::Object(b))
    }

    fn common(&self, b: &mut Map<String, Value>) {
        if let Some(n) = truthy(self.name) {
            b.insert("name".into(), json!(n));
        }
        if let Some(m) = truthy(self.message) {
            b.insert("message".into(), json!(m));
        }
        if let Some(o) = self.options.as_ref().filter(|o| !o.is_empty()) {
            b.insert("options".into(), Value::Object(o.clone()));
        }
    }
}

/// dogapi's `options` check: a JSON object ("Invalid type for `options`, expected `dict`.").
pub fn parse_options(text: &str) -> Result<Map<String, Value>, Error> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::invalid("Invalid type for `options`, expected a JSON object")),
        Err(e) => Err(Error::invalid(format!("options is not valid JSON: {e}"))),
    }
}

/// `mute_monitor` body: always an object, `scope` and `end` when given.
pub fn mute_body(scope: Option<&str>, end: i64) -> Value {
    let mut b = Map::new();
    if let Some(s) = truthy(scope) {
        b.insert("scope".into(), json!(s));
    }
    if end != 0 {
        b.insert("end".into(), json!(end));
    }
    Value::Object(b)
}

impl Client {
    /// POST /monitor. Result and id: the monitor `id`.
    pub fn monitor(&self, m: &Monitor<'_>) -> Outcome {
        match m.create_body() {
            Ok(body) => self.call(ApiRequest::new("POST", "monitor").json(body).result(ID_FIELD).id(ID_FIELD)),
            Err(e) => Outcome::failed(e),
        }
    }

    /// PUT /monitor/{id}. Result and id: the monitor `id`.
    pub fn update_monitor(&self, monitor_id: i64, m: &Monitor<'_>) -> Outcome {
        let body = match positive_id(monitor_id, "monitor_id").and_then(|_| m.update_body()) {
            Ok(b) => b,
            Err(e) => return Outcome::failed(e),
        };
        self.call(ApiRequest::new("PUT", format!("monitor/{monitor_id}")).json(body).result(ID_FIELD).id(ID_FIELD))
    }

    /// GET /monitor/{id}[?group_states=]. Result: the whole monitor object.
    pub fn get_monitor(&self, monitor_id: i64, group_states: Option<&str>) -> Outcome {
        if let Err(e) = positive_id(monitor_id, "monitor_id") {
            return Outcome::failed(e);
        }
        self.call(
            ApiRequest::new("GET", format!("monitor/{monitor_id}"))
                .query_opt("group_states", crate::tags::joined(group_states)),
        )
    }

    /// GET /monitor[?group_states=][&tags=]. Result: the list of monitors.
    pub fn get_all_monitors(&self, group_states: Option<&str>, tags: Option<&str>) -> Outcome {
        self.call(
            ApiRequest::new("GET", "monitor")
                .query_opt("group_states", crate::tags::joined(group_states))
                .query_opt("tags", crate::tags::joined(tags)),
        )
    }

    /// DELETE /monitor/{id}. Result: the whole answer (`{"deleted_monitor_id": id}`).
    pub fn delete_monitor(&self, monitor_id: i64) -> Outcome {
        if let Err(e) = positive_id(monitor_id, "monitor_id") {
            return Outcome::failed(e);
        }
        self.call(ApiRequest::new("DELETE", format!("monitor/{monitor_id}")))
    }

    /// POST /monitor/mute_all (no body; gone from today's API). Result: the whole answer.
    pub fn mute_monitors(&self) -> Outcome {
        self.call(ApiRequest::new("POST", "monitor/mute_all"))
    }

    /// POST /monitor/unmute_all (no body; gone from today's API). Result: the whole answer.
    pub fn unmute_monitors(&self) -> Outcome {
        self.call(ApiRequest::new("POST", "monitor/unmute_all"))
    }

    /// POST /monitor/{id}/mute `{[scope], [end]}` (always a JSON body). Result: the whole answer.
    pub fn mute_monitor(&self, monitor_id: i64, scope: Option<&str>, end: i64) -> Outcome {
        if let Err(e) = positive_id(monitor_id, "monitor_id").and_then(|_| non_negative(end, "end")) {
            return Outcome::failed(e);
        }
        self.call(ApiRequest::new("POST", format!("monitor/{monitor_id}/mute")).json(mute_body(scope, end)))
    }

    /// POST /monitor/{id}/unmute `{[scope]}`. Result: the whole answer.
    pub fn unmute_monitor(&self, monitor_id: i64, scope: Option<&str>) -> Outcome {
        if let Err(e) = positive_id(monitor_id, "monitor_id") {
            return Outcome::failed(e);
        }
        self.call(ApiRequest::new("POST", format!("monitor/{monitor_id}/unmute")).json(mute_body(scope, 0)))
    }

    /// Today's way to mute one monitor: a v2 downtime with a `monitor_id` identifier
    /// (POST /api/v2/downtime). `scope` NULL / "" is `*` (every group). Result: the downtime
    /// (`data`); id: its id (cancel it to unmute).
    pub fn mute_monitor_v2(&self, monitor_id: i64, scope: Option<&str>, end: i64, message: Option<&str>) -> Outcome {
        if let Err(e) = positive_id(monitor_id, "monitor_id") {
            return Outcome::failed(e);
        }
        let d = DowntimeV2 {
            scope: Some(truthy(scope).unwrap_or("*")),
            monitor: Some(MonitorIdentifier::Id(monitor_id)),
            start: 0,
            end,
            message,
        };
        self.create_downtime_v2(&d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_body_checks_type_and_lowercases() {
        let m = Monitor { mtype: Some("Metric Alert"), query: Some("q"), name: Some(""), ..Default::default() };
        assert_eq!(m.create_body().unwrap(), json!({"type": "metric alert", "query": "q"}));
        let bad = Monitor { mtype: Some("alert"), query: Some("q"), ..Default::default() };
        assert!(bad.create_body().is_err());
        let noq = Monitor { mtype: Some("query alert"), query: None, ..Default::default() };
        assert!(noq.create_body().is_err());
    }

    #[test]
    fn update_body_has_no_type() {
        let mut o = Map::new();
        o.insert("notify_no_data".into(), json!(true));
        let m = Monitor {
            mtype: Some("query alert"),
            query: Some("q"),
            name: Some("n"),
            message: Some("m"),
            options: Some(o),
        };
        assert_eq!(
            m.update_body().unwrap(),
            json!({"query": "q", "name": "n", "message": "m", "options": {"notify_no_data": true}})
        );
        assert!(Monitor::default().update_body().is_err());
    }

    #[test]
    fn options_and_mute() {
        assert!(parse_options("[1]").is_err());
        assert!(parse_options("{").is_err());
        assert!(parse_options("{}").unwrap().is_empty());
        assert_eq!(mute_body(None, 0), json!({}));
        assert_eq!(mute_body(Some("host:a"), 5), json!({"scope": "host:a", "end": 5}));
    }
}
