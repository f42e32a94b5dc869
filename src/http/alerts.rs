//! Alerts: dogapi's `alert`, `update_alert`, `get_alert`, `get_all_alerts`, `delete_alert`,
//! `mute_alerts`, `unmute_alerts`.
//!
//! `/alert`, `/mute_alerts` and `/unmute_alerts` are gone from today's API (monitors replaced
//! them); these calls still send dogapi 1.11.1's requests. One deliberate difference:
//! `update_alert`'s `silenced_timeout_ts`, which dogapi drops by a bug (a `KeyError` before
//! sending), is sent.

use super::answer::Pick;
use super::client::{ApiRequest, Client};
use super::response::Outcome;
use crate::error::Error;
use serde_json::{json, Map, Value};

/// dogapi's `alert()` / `update_alert()` arguments.
#[derive(Debug, Clone, Default)]
pub struct Alert<'a> {
    pub query: &'a str,
    pub name: Option<&'a str>,
    pub message: Option<&'a str>,
    /// Always sent (dogapi's default `false`).
    pub silenced: bool,
    /// Sent only when true (dogapi sends it only when truthy).
    pub notify_no_data: bool,
    /// Hours; sent only when > 0.
    pub timeout_h: i64,
    /// POSIX seconds until which the alert stays silenced; sent only when > 0 (update only).
    pub silenced_timeout_ts: i64,
}

impl Alert<'_> {
    /// dogapi's body: `query` and `silenced` always; `name`, `message`, `notify_no_data`,
    /// `timeout_h`, `silenced_timeout_ts` only when truthy.
    pub fn body(&self) -> Result<Value, Error> {
        if self.query.trim().is_empty() {
            return Err(Error::invalid("alert query is empty"));
        }
        if self.timeout_h < 0 || self.silenced_timeout_ts < 0 {
            return Err(Error::invalid("timeout_h and silenced_timeout_ts must be >= 0"));
        }
        let mut b = Map::new();
        b.insert("query".into(), json!(self.query));
        b.insert("silenced".into(), json!(self.silenced));
        if let Some(n) = self.name.filter(|n| !n.is_empty()) {
            b.insert("name".into(), json!(n));
        }
        if let Some(m) = self.message.filter(|m| !m.is_empty()) {
            b.insert("message".into(), json!(m));
        }
        if self.notify_no_data {
            b.insert("notify_no_data".into(), json!(true));
        }
        if self.timeout_h > 0 {
            b.insert("timeout_h".into(), json!(self.timeout_h));
        }
        if self.silenced_timeout_ts > 0 {
            b.insert("silenced_timeout_ts".into(), json!(self.silenced_timeout_ts));
        }
        Ok(Value::Object(b))
    }
}

const ALERT_ID: Pick = Pick::at(&["id"]);

impl Client {
    /// POST /alert (dogapi `alert`). Result and id: the alert id. `silenced_timeout_ts` is not
    /// part of dogapi's `alert()` and is ignored here.
    pub fn alert_create(&self, a: &Alert<'_>) -> Outcome {
        let a = Alert { silenced_timeout_ts: 0, ..a.clone() };
        match a.body() {
            Ok(body) => self.call(ApiRequest::new("POST", "alert").json(body).result(ALERT_ID).id(ALERT_ID)),
            Err(e) => Outcome::failed(e),
        }
    }

    /// PUT /alert/{alert_id} (dogapi `update_alert`). Result and id: the alert id.
    pub fn alert_update(&self, id: i64, a: &Alert<'_>) -> Outcome {
        match a.body() {
            Ok(body) => {
                self.call(ApiRequest::new("PUT", format!("alert/{id}")).json(body).result(ALERT_ID).id(ALERT_ID))
            }
            Err(e) => Outcome::failed(e),
        }
    }

    /// GET /alert/{alert_id} (dogapi `get_alert`). Result: the answer (raw).
    pub fn alert_get(&self, id: i64) -> Outcome {
        self.call(ApiRequest::new("GET", format!("alert/{id}")))
    }

    /// GET /alert (dogapi `get_all_alerts`). Result: the `alerts` list.
    pub fn alert_get_all(&self) -> Outcome {
        self.call(ApiRequest::new("GET", "alert").result(Pick::at(&["alerts"])))
    }

    /// DELETE /alert/{alert_id} (dogapi `delete_alert`). Result: the answer (raw).
    pub fn alert_delete(&self, id: i64) -> Outcome {
        self.call(ApiRequest::new("DELETE", format!("alert/{id}")))
    }

    /// POST /mute_alerts, no body (dogapi `mute_alerts`). Result: the answer (raw).
    pub fn alert_mute_all(&self) -> Outcome {
        self.call(ApiRequest::new("POST", "mute_alerts"))
    }

    /// POST /unmute_alerts, no body (dogapi `unmute_alerts`). Result: the answer (raw).
    pub fn alert_unmute_all(&self) -> Outcome {
        self.call(ApiRequest::new("POST", "unmute_alerts"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_follows_dogapi_truthiness() {
        let a = Alert { query: "q", ..Default::default() };
        assert_eq!(a.body().unwrap(), json!({"query":"q","silenced":false}));
        let a = Alert {
            query: "q",
            name: Some("n"),
            message: Some(""),
            silenced: true,
            notify_no_data: true,
            timeout_h: 2,
            silenced_timeout_ts: 1700000000,
        };
        assert_eq!(
            a.body().unwrap(),
            json!({"query":"q","silenced":true,"name":"n","notify_no_data":true,"timeout_h":2,"silenced_timeout_ts":1700000000})
        );
        assert!(Alert { query: "", ..Default::default() }.body().is_err());
        assert!(Alert { query: "q", timeout_h: -1, ..Default::default() }.body().is_err());
    }
}
