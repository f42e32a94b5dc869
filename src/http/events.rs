//! Events: dogapi's `event`, `event_with_response`, `get_event` and `stream`.

use super::answer::Pick;
use super::client::{ApiRequest, Client};
use super::response::Outcome;
use crate::error::Error;
use serde_json::{json, Map, Value};

/// dogapi's `event()` arguments. Optional fields are sent only when present.
#[derive(Debug, Default, Clone)]
pub struct Event<'a> {
    pub title: &'a str,
    pub text: &'a str,
    /// POSIX seconds.
    pub date_happened: Option<i64>,
    pub handle: Option<&'a str>,
    /// `normal` or `low`.
    pub priority: Option<&'a str>,
    pub related_event_id: Option<i64>,
    /// Comma-separated; sent as an array.
    pub tags: Option<&'a str>,
    pub host: Option<&'a str>,
    pub device_name: Option<&'a str>,
    pub aggregation_key: Option<&'a str>,
    pub source_type_name: Option<&'a str>,
    /// A JSON object merged into the body last (e.g. `{"alert_type":"error"}`).
    pub extra: Option<Map<String, Value>>,
}

const PRIORITIES: &[&str] = &["normal", "low"];
const ALERT_TYPES: &[&str] = &["error", "warning", "info", "success", "user_update", "recommendation", "snapshot"];

/// Checks a `priority` value against today's API.
pub fn check_priority(p: &str) -> Result<(), Error> {
    if PRIORITIES.contains(&p) {
        Ok(())
    } else {
        Err(Error::invalid(format!("priority must be \"normal\" or \"low\", got {p:?}")))
    }
}

/// Parses a JSON-object argument (`extra_json`).
pub fn parse_object(what: &str, text: &str) -> Result<Map<String, Value>, Error> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::invalid(format!("{what} must be a JSON object"))),
        Err(e) => Err(Error::invalid(format!("{what} is not valid JSON: {e}"))),
    }
}

const EVENT_ID: Pick = Pick::at(&["event", "id"]);

impl Event<'_> {
    /// The request body, checked against today's API before anything is sent.
    pub fn body(&self) -> Result<Value, Error> {
        if self.title.is_empty() {
            return Err(Error::invalid("event title is empty"));
        }
        if self.text.chars().count() > 4000 {
            return Err(Error::invalid("event text is longer than 4000 characters"));
        }
        let mut b = Map::new();
        b.insert("title".into(), json!(self.title));
        b.insert("text".into(), json!(self.text));
        if let Some(d) = self.date_happened {
            b.insert("date_happened".into(), json!(d));
        }
        if let Some(h) = self.handle {
            b.insert("handle".into(), json!(h));
        }
        if let Some(p) = self.priority {
            check_priority(p)?;
            b.insert("priority".into(), json!(p));
        }
        if let Some(r) = self.related_event_id {
            b.insert("related_event_id".into(), json!(r));
        }
        let tags = crate::tags::split(self.tags);
        if !tags.is_empty() {
            b.insert("tags".into(), json!(tags));
        }
        if let Some(h) = self.host {
            b.insert("host".into(), json!(h));
        }
        if let Some(d) = self.device_name {
            b.insert("device_name".into(), json!(d));
        }
        if let Some(a) = self.aggregation_key {
            if a.chars().count() > 100 {
                return Err(Error::invalid("aggregation_key is longer than 100 characters"));
            }
            b.insert("aggregation_key".into(), json!(a));
        }
        if let Some(s) = self.source_type_name {
            b.insert("source_type_name".into(), json!(s));
        }
        if let Some(extra) = &self.extra {
            if let Some(at) = extra.get("alert_type") {
                match at.as_str() {
                    Some(s) if ALERT_TYPES.contains(&s) => {}
                    _ => {
                        return Err(Error::invalid(format!(
                            "alert_type must be one of {}, got {at}",
                            ALERT_TYPES.join(", ")
                        )))
                    }
                }
            }
            if let Some(p) = extra.get("priority") {
                check_priority(p.as_str().unwrap_or(""))?;
            }
            for (k, v) in extra {
                b.insert(k.clone(), v.clone());
            }
        }
        Ok(Value::Object(b))
    }
}

impl Client {
    /// POST /events, the client's global tags added to the event's. Result: the event id
    /// (dogapi's formatter); id: the event id.
    pub fn event(&self, ev: &Event<'_>) -> Outcome {
        match ev.body() {
            Ok(mut body) => {
                if let Value::Object(o) = &mut body {
                    self.global_tags().add_to_json(o);
                }
                self.call(ApiRequest::new("POST", "events").json(body).result(EVENT_ID).id(EVENT_ID))
            }
            Err(e) => Outcome::failed(e),
        }
    }

    /// GET /events/{id}. Result: the `event` object.
    pub fn get_event(&self, id: i64) -> Outcome {
        self.call(ApiRequest::new("GET", format!("events/{id}")).result(Pick::at(&["event"])))
    }

    /// GET /events?start&end[&priority][&sources][&tags]. Result: the `events` list.
    pub fn stream(
        &self,
        start: i64,
        end: i64,
        priority: Option<&str>,
        sources: Option<&str>,
        tags: Option<&str>,
    ) -> Outcome {
        if let Some(p) = priority {
            if let Err(e) = check_priority(p) {
                return Outcome::failed(e);
            }
        }
        if end < start {
            return Outcome::failed(Error::invalid("stream end is before start"));
        }
        self.call(
            ApiRequest::new("GET", "events")
                .query("start", start.to_string())
                .query("end", end.to_string())
                .query_opt("priority", priority)
                .query_opt("sources", crate::tags::joined(sources))
                .query_opt("tags", crate::tags::joined(tags))
                .result(Pick::at(&["events"])),
        )
    }
}
