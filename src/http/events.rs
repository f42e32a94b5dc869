//! Events: dogapi's `event`, `event_with_response`, `get_event` and `stream`.

use super::answer::Pick;
use super::client::{ApiRequest, Body, Client};
use super::response::Outcome;
use crate::error::Error;
use crate::global_tags::GlobalTags;
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
    /// The checks of [`Event::body`] that do not depend on `extra`, in its order.
    fn check(&self) -> Result<(), Error> {
        if self.title.is_empty() {
            return Err(Error::invalid("event title is empty"));
        }
        if self.text.chars().count() > 4000 {
            return Err(Error::invalid("event text is longer than 4000 characters"));
        }
        if let Some(p) = self.priority {
            check_priority(p)?;
        }
        if self.aggregation_key.is_some_and(|a| a.chars().count() > 100) {
            return Err(Error::invalid("aggregation_key is longer than 100 characters"));
        }
        Ok(())
    }

    /// What [`Event::body`] with `global` added (`GlobalTags::add_to_json`) serialises to,
    /// byte for byte (compact, keys in order). Without an `extra` object it is written directly:
    /// no tree of `Value`s built, serialised and freed per event.
    pub fn body_text(&self, global: &GlobalTags) -> Result<String, Error> {
        if self.extra.is_some() {
            let mut body = self.body()?;
            if let Value::Object(o) = &mut body {
                global.add_to_json(o);
            }
            return Ok(body.to_string());
        }
        self.check()?;
        let mut out = Vec::with_capacity(64 + self.title.len() + self.text.len());
        let mut first = true;
        let mut key = |out: &mut Vec<u8>, k: &str| {
            out.push(if std::mem::take(&mut first) { b'{' } else { b',' });
            out.push(b'"');
            out.extend_from_slice(k.as_bytes());
            out.extend_from_slice(b"\":");
        };
        let str_ = |out: &mut Vec<u8>, v: &str| serde_json::to_writer(out, v).expect("writing to a Vec cannot fail");
        // The keys in the order a serde_json Map (sorted) writes them.
        if let Some(a) = self.aggregation_key {
            key(&mut out, "aggregation_key");
            str_(&mut out, a);
        }
        if let Some(d) = self.date_happened {
            key(&mut out, "date_happened");
            out.extend_from_slice(itoa::Buffer::new().format(d).as_bytes());
        }
        for (k, v) in [("device_name", self.device_name), ("handle", self.handle), ("host", self.host)] {
            if let Some(v) = v {
                key(&mut out, k);
                str_(&mut out, v);
            }
        }
        if let Some(p) = self.priority {
            key(&mut out, "priority");
            str_(&mut out, p);
        }
        if let Some(r) = self.related_event_id {
            key(&mut out, "related_event_id");
            out.extend_from_slice(itoa::Buffer::new().format(r).as_bytes());
        }
        if let Some(s) = self.source_type_name {
            key(&mut out, "source_type_name");
            str_(&mut out, s);
        }
        let mut tags = crate::tags::split(self.tags);
        global.append_missing(&mut tags);
        if !tags.is_empty() {
            key(&mut out, "tags");
            for (i, t) in tags.iter().enumerate() {
                out.push(if i == 0 { b'[' } else { b',' });
                str_(&mut out, t);
            }
            out.push(b']');
        }
        key(&mut out, "text");
        str_(&mut out, self.text);
        key(&mut out, "title");
        str_(&mut out, self.title);
        out.push(b'}');
        Ok(String::from_utf8(out).expect("JSON text written from str is UTF-8"))
    }

    /// The request body, checked against today's API before anything is sent.
    pub fn body(&self) -> Result<Value, Error> {
        self.check()?;
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
        match ev.body_text(&self.global_tags()) {
            Ok(body) => {
                let mut req = ApiRequest::new("POST", "events").result(EVENT_ID).id(EVENT_ID);
                req.body = Body::JsonText(body);
                self.call(req)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct writer against the tree it replaces, byte for byte.
    #[test]
    fn body_text_is_the_serialised_body() {
        let full = Event {
            title: "t \"q\" é\n",
            text: "line\u{1}2",
            date_happened: Some(-17),
            handle: Some("h"),
            priority: Some("low"),
            related_event_id: Some(i64::MAX),
            tags: Some("b:2, a:1,,b:2, env:x "),
            host: Some("web-1"),
            device_name: Some("sda"),
            aggregation_key: Some("k"),
            source_type_name: Some("jenkins"),
            extra: None,
        };
        let globals = [
            GlobalTags::default(),
            GlobalTags::from_tags(vec!["env:x".into(), "service:s".into()]),
            GlobalTags::from_tags(vec!["zz".into()]),
        ];
        let events = [
            full.clone(),
            Event { title: "only", text: "", ..Default::default() },
            Event { tags: Some(" , "), ..full.clone() },
            Event {
                extra: Some(parse_object("extra", r#"{"alert_type":"error","zz":1,"tags":["e"]}"#).unwrap()),
                ..full.clone()
            },
        ];
        for g in &globals {
            for ev in &events {
                let mut tree = ev.body().unwrap();
                g.add_to_json(tree.as_object_mut().unwrap());
                assert_eq!(ev.body_text(g).unwrap(), serde_json::to_string(&tree).unwrap(), "{ev:?} {g:?}");
            }
        }
        let bad = Event { priority: Some("high"), aggregation_key: Some(&"k".repeat(101)), ..full.clone() };
        assert_eq!(bad.body_text(&globals[0]).unwrap_err().message, bad.body().unwrap_err().message);
        let empty = Event { title: "", ..full };
        assert_eq!(empty.body_text(&globals[0]).unwrap_err().message, "event title is empty");
    }
}
