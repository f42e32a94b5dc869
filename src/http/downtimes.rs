//! Downtimes: dogapi's `schedule_downtime`, `update_downtime`, `get_downtime`,
//! `get_all_downtimes`, `cancel_downtime` (`/api/v1/downtime…`, deprecated in today's spec
//! but still described), and their replacement `/api/v2/downtime` (JSON:API bodies).

use super::answer::Pick;
use super::args::{non_negative, positive_id, truthy};
use super::client::{encode, ApiRequest, Client};
use super::response::Outcome;
use crate::error::Error;
use serde_json::{json, Map, Value};

const ID_FIELD: Pick = Pick::at(&["id"]);

const DATA_FIELD: Pick = Pick::at(&["data"]);

const DATA_ID: Pick = Pick::at(&["data", "id"]);

fn check_window(start: i64, end: i64) -> Result<(), Error> {
    non_negative(start, "start")?;
    non_negative(end, "end")?;
    if start != 0 && end != 0 && end <= start {
        return Err(Error::invalid(format!("end ({end}) must be after start ({start})")));
    }
    Ok(())
}

/// A v1 downtime body: `scope` (comma-separated → the array today's spec wants; dogapi sent
/// the string), then `start`, `end`, `message` when given (0 / NULL / "" = absent).
pub fn v1_body(scope: Option<&str>, start: i64, end: i64, message: Option<&str>) -> Result<Value, Error> {
    check_window(start, end)?;
    let mut b = Map::new();
    if let Some(s) = scope {
        let scopes = crate::tags::split(Some(s));
        if scopes.is_empty() {
            return Err(Error::invalid("downtime scope is empty"));
        }
        b.insert("scope".into(), json!(scopes));
    }
    if start != 0 {
        b.insert("start".into(), json!(start));
    }
    if end != 0 {
        b.insert("end".into(), json!(end));
    }
    if let Some(m) = truthy(message) {
        b.insert("message".into(), json!(m));
    }
    Ok(Value::Object(b))
}

/// Which monitors a v2 downtime silences.
#[derive(Debug, Clone, PartialEq)]
pub enum MonitorIdentifier {
    /// One monitor.
    Id(i64),
    /// Monitors carrying all these tags (`*` = every monitor).
    Tags(Vec<String>),
}

/// A v2 downtime (create or update). Absent fields are not sent.
#[derive(Debug, Default, Clone)]
pub struct DowntimeV2<'a> {
    /// Datadog query syntax (`env:prod AND service:web`), `*` for everything.
    pub scope: Option<&'a str>,
    pub monitor: Option<MonitorIdentifier>,
    /// POSIX seconds; 0 = absent (create: now).
    pub start: i64,
    /// POSIX seconds; 0 = absent (create: never ends).
    pub end: i64,
    pub message: Option<&'a str>,
}

/// ISO-8601 UTC with a zero offset (`2024-01-02T03:04:05Z`), as v2 schedules want.
pub fn iso8601(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

impl DowntimeV2<'_> {
    fn attributes(&self) -> Result<Map<String, Value>, Error> {
        check_window(self.start, self.end)?;
        let mut a = Map::new();
        if let Some(s) = self.scope {
            if s.trim().is_empty() {
                return Err(Error::invalid("downtime scope is empty"));
            }
            a.insert("scope".into(), json!(s));
        }
        match &self.monitor {
            Some(MonitorIdentifier::Id(id)) => {
                positive_id(*id, "monitor_id")?;
                a.insert("monitor_identifier".into(), json!({ "monitor_id": id }));
            }
            Some(MonitorIdentifier::Tags(t)) => {
                if t.is_empty() {
                    return Err(Error::invalid("monitor_tags is empty"));
                }
                a.insert("monitor_identifier".into(), json!({ "monitor_tags": t }));
            }
            None => {}
        }
        if let Some(m) = truthy(self.message) {
            a.insert("message".into(), json!(m));
        }
        let mut sched = Map::new();
        if self.start != 0 {
            sched.insert("start".into(), json!(iso8601(self.start)));
        }
        if self.end != 0 {
            sched.insert("end".into(), json!(iso8601(self.end)));
        }
        if !sched.is_empty() {
            a.insert("schedule".into(), Value::Object(sched));
        }
        Ok(a)
    }

    /// `{"data":{"type":"downtime","attributes":{...}}}`; `scope` is required, and the
    /// monitor identifier defaults to every monitor (`monitor_tags: ["*"]`).
    pub fn create_body(&self) -> Result<Value, Error> {
        if self.scope.is_none() {
            return Err(Error::invalid("downtime scope is required"));
        }
        let mut a = self.attributes()?;
        a.entry("monitor_identifier").or_insert_with(|| json!({ "monitor_tags": ["*"] }));
        Ok(json!({ "data": { "type": "downtime", "attributes": a } }))
    }

    /// `{"data":{"id","type":"downtime","attributes":{...}}}`; at least one field.
    pub fn update_body(&self, id: &str) -> Result<Value, Error> {
        let a = self.attributes()?;
        if a.is_empty() {
            return Err(Error::invalid("downtime update has nothing to change"));
        }
        Ok(json!({ "data": { "id": id, "type": "downtime", "attributes": a } }))
    }
}

/// Comma-separated monitor tags → identifier (`None` when absent).
pub fn monitor_identifier(monitor_id: i64, monitor_tags: Option<&str>) -> Result<Option<MonitorIdentifier>, Error> {
    let tags = crate::tags::split(monitor_tags);
    match (monitor_id, tags.is_empty()) {
        (0, true) => Ok(None),
        (0, false) => Ok(Some(MonitorIdentifier::Tags(tags))),
        (id, true) => Ok(Some(MonitorIdentifier::Id(positive_id(id, "monitor_id")?))),
        (_, false) => Err(Error::invalid("give monitor_id or monitor_tags, not both")),
    }
}

fn v2_id(id: &str) -> Result<String, Error> {
    if id.trim().is_empty() {
        return Err(Error::invalid("downtime id is empty"));
    }
    Ok(encode(id))
}

impl Client {
    /// POST /downtime. Result and id: the downtime `id`.
    pub fn schedule_downtime(&self, scope: &str, start: i64, end: i64, message: Option<&str>) -> Outcome {
        match v1_body(Some(scope), start, end, message) {
            Ok(b) => self.call(ApiRequest::new("POST", "downtime").json(b).result(ID_FIELD).id(ID_FIELD)),
            Err(e) => Outcome::failed(e),
        }
    }

    /// PUT /downtime/{id} with the given fields. Result and id: the downtime `id`.
    pub fn update_downtime(
        &self,
        downtime_id: i64,
        scope: Option<&str>,
        start: i64,
        end: i64,
        message: Option<&str>,
    ) -> Outcome {
        let body = positive_id(downtime_id, "downtime_id").and_then(|_| v1_body(scope, start, end, message));
        match body {
            Ok(b) => self
                .call(ApiRequest::new("PUT", format!("downtime/{downtime_id}")).json(b).result(ID_FIELD).id(ID_FIELD)),
            Err(e) => Outcome::failed(e),
        }
    }

    /// GET /downtime/{id}. Result: the whole downtime.
    pub fn get_downtime(&self, downtime_id: i64) -> Outcome {
        match positive_id(downtime_id, "downtime_id") {
            Ok(_) => self.call(ApiRequest::new("GET", format!("downtime/{downtime_id}"))),
            Err(e) => Outcome::failed(e),
        }
    }

    /// GET /downtime[?current_only=true]. Result: the list.
    pub fn get_all_downtimes(&self, current_only: bool) -> Outcome {
        self.call(ApiRequest::new("GET", "downtime").query_opt("current_only", current_only.then_some("true")))
    }

    /// DELETE /downtime/{id}. Result: the whole (empty) answer.
    pub fn cancel_downtime(&self, downtime_id: i64) -> Outcome {
        match positive_id(downtime_id, "downtime_id") {
            Ok(_) => self.call(ApiRequest::new("DELETE", format!("downtime/{downtime_id}"))),
            Err(e) => Outcome::failed(e),
        }
    }

    /// POST /api/v2/downtime. Result: `data`; id: `data.id`.
    pub fn create_downtime_v2(&self, d: &DowntimeV2<'_>) -> Outcome {
        match d.create_body() {
            Ok(b) => {
                self.call(ApiRequest::new("POST", "downtime").version("v2").json(b).result(DATA_FIELD).id(DATA_ID))
            }
            Err(e) => Outcome::failed(e),
        }
    }

    /// PATCH /api/v2/downtime/{id}. Result: `data`; id: `data.id`.
    pub fn update_downtime_v2(&self, id: &str, d: &DowntimeV2<'_>) -> Outcome {
        let r = v2_id(id).and_then(|seg| Ok((seg, d.update_body(id)?)));
        match r {
            Ok((seg, b)) => self.call(
                ApiRequest::new("PATCH", format!("downtime/{seg}"))
                    .version("v2")
                    .json(b)
                    .result(DATA_FIELD)
                    .id(DATA_ID),
            ),
            Err(e) => Outcome::failed(e),
        }
    }

    /// GET /api/v2/downtime/{id}. Result: `data`; id: `data.id`.
    pub fn get_downtime_v2(&self, id: &str) -> Outcome {
        match v2_id(id) {
            Ok(seg) => self
                .call(ApiRequest::new("GET", format!("downtime/{seg}")).version("v2").result(DATA_FIELD).id(DATA_ID)),
            Err(e) => Outcome::failed(e),
        }
    }

    /// DELETE /api/v2/downtime/{id}. Result: the whole (empty) answer.
    pub fn cancel_downtime_v2(&self, id: &str) -> Outcome {
        match v2_id(id) {
            Ok(seg) => self.call(ApiRequest::new("DELETE", format!("downtime/{seg}")).version("v2")),
            Err(e) => Outcome::failed(e),
        }
    }

    /// GET /api/v2/downtime[?current_only=true][&page[offset]=][&page[limit]=]. Result: `data`.
    pub fn list_downtimes_v2(&self, current_only: bool, page_offset: i64, page_limit: i64) -> Outcome {
        if page_offset < 0 || page_limit < 0 {
            return Outcome::failed(Error::invalid("page_offset and page_limit must be >= 0"));
        }
        self.call(
            ApiRequest::new("GET", "downtime")
                .version("v2")
                .query_opt("current_only", current_only.then_some("true"))
                .query_opt("page%5Boffset%5D", (page_offset > 0).then(|| page_offset.to_string()))
                .query_opt("page%5Blimit%5D", (page_limit > 0).then(|| page_limit.to_string()))
                .result(DATA_FIELD),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(1_412_793_983), "2014-10-08T18:46:23Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(4_102_444_799), "2099-12-31T23:59:59Z");
    }

    #[test]
    fn v1_bodies() {
        assert_eq!(
            v1_body(Some("env:a, env:b"), 10, 20, Some("m")).unwrap(),
            json!({"scope": ["env:a", "env:b"], "start": 10, "end": 20, "message": "m"})
        );
        assert_eq!(v1_body(None, 0, 0, Some("")).unwrap(), json!({}));
        assert!(v1_body(Some(" , "), 0, 0, None).is_err());
        assert!(v1_body(Some("x"), 20, 10, None).is_err());
        assert!(v1_body(Some("x"), -1, 0, None).is_err());
    }

    #[test]
    fn v2_bodies() {
        let d = DowntimeV2 { scope: Some("env:prod"), end: 60, ..Default::default() };
        assert_eq!(
            d.create_body().unwrap(),
            json!({"data": {"type": "downtime", "attributes": {"scope": "env:prod", "monitor_identifier": {"monitor_tags": ["*"]}, "schedule": {"end": "1970-01-01T00:01:00Z"}}}})
        );
        assert!(DowntimeV2::default().create_body().is_err());
        let u = DowntimeV2 { message: Some("hi"), monitor: Some(MonitorIdentifier::Id(3)), ..Default::default() };
        assert_eq!(
            u.update_body("abc").unwrap(),
            json!({"data": {"id": "abc", "type": "downtime", "attributes": {"monitor_identifier": {"monitor_id": 3}, "message": "hi"}}})
        );
        assert!(DowntimeV2::default().update_body("abc").is_err());
        assert_eq!(
            monitor_identifier(0, Some("a,b")).unwrap(),
            Some(MonitorIdentifier::Tags(vec!["a".into(), "b".into()]))
        );
        assert!(monitor_identifier(4, Some("a")).is_err());
        assert_eq!(monitor_identifier(0, None).unwrap(), None);
    }
}
