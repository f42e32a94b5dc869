//! Service checks: dogapi's `service_check`, sent as today's `/check_run` wants it (an array of
//! check objects, tags always present, integer timestamp).

use super::client::{ApiRequest, Client};
use super::response::Outcome;
use crate::error::Error;
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, Default)]
pub struct ServiceCheck<'a> {
    pub check: &'a str,
    pub host: &'a str,
    /// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    pub status: i32,
    /// POSIX seconds; `None` means now.
    pub timestamp: Option<i64>,
    pub message: Option<&'a str>,
    /// Comma-separated.
    pub tags: Option<&'a str>,
}

impl ServiceCheck<'_> {
    pub fn body(&self) -> Result<Value, Error> {
        if !(0..=3).contains(&self.status) {
            return Err(Error::invalid(format!(
                "service check status must be 0 (OK), 1 (WARNING), 2 (CRITICAL) or 3 (UNKNOWN), got {}",
                self.status
            )));
        }
        let check = crate::metric_rules::name("service check", self.check)?;
        if self.host.trim().is_empty() {
            return Err(Error::invalid("service check host is empty"));
        }
        let mut c = Map::new();
        c.insert("check".into(), json!(check));
        c.insert("host_name".into(), json!(self.host));
        c.insert("status".into(), json!(self.status));
        c.insert("timestamp".into(), json!(self.timestamp.unwrap_or_else(|| super::metrics::now() as i64)));
        if let Some(m) = self.message.filter(|m| !m.is_empty()) {
            c.insert("message".into(), json!(m));
        }
        c.insert("tags".into(), json!(crate::metric_rules::tags(self.tags)?));
        Ok(Value::Array(vec![Value::Object(c)]))
    }
}

impl Client {
    /// POST /check_run, the client's global tags added to the check's. Result: the whole
    /// answer (`{"status":"ok"}`).
    pub fn service_check(&self, sc: &ServiceCheck<'_>) -> Outcome {
        match sc.body() {
            Ok(mut body) => {
                if let Some(Value::Object(o)) = body.get_mut(0) {
                    self.global_tags().add_to_json(o);
                }
                self.call(ApiRequest::new("POST", "check_run").json(body))
            }
            Err(e) => Outcome::failed(e),
        }
    }
}
