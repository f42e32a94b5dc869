//! Events and service checks posted through a stats instance (`dog_stats_event_post`,
//! `dog_stats_service_check_post`): the arguments, checked once with the same rules whatever
//! the sink, so a call gives the same status over HTTP and over DogStatsD. Each sink then
//! sends them its own way ([`super::Sink::event`], [`super::Sink::service_check`]).
//!
//! Rules (the stricter of Datadog's v1 API and the Agent's DogStatsD grammar):
//! - event: non-empty title; text at most 4000 characters (the API's limit); priority `normal`
//!   or `low`; alert type `info`, `success`, `warning` or `error` (the four DogStatsD carries);
//!   aggregation key at most 100 characters; tags normalised as stats contexts' tags
//!   (`crate::metric_rules`);
//! - service check: the name normalised or refused as a metric name (`crate::metric_rules`),
//!   status 0 (OK) to 3 (UNKNOWN), tags as events'.
//!
//! Empty optional strings mean "unset", as NULL does.

use crate::dogstatsd::encode::{AlertType, Priority};
use crate::error::Error;
use crate::metric_rules;

/// Longest event text, in characters (the v1 API's limit).
const MAX_TEXT_CHARS: usize = 4000;
/// Longest aggregation key, in characters.
const MAX_AGGREGATION_KEY_CHARS: usize = 100;

/// A checked event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event<'a> {
    pub title: &'a str,
    pub text: &'a str,
    /// Normalised, in the caller's order.
    pub tags: Vec<String>,
    /// POSIX seconds; `None`: now (the receiver's clock).
    pub date_happened: Option<i64>,
    pub priority: Option<Priority>,
    /// `None`: the host the instance's series carry (see the sinks).
    pub host: Option<&'a str>,
    pub aggregation_key: Option<&'a str>,
    pub source_type_name: Option<&'a str>,
    pub alert_type: Option<AlertType>,
}

/// An event's arguments as the C call gives them (`None` = NULL, 0 = now).
#[derive(Clone, Debug, Default)]
pub struct EventArgs<'a> {
    pub title: &'a str,
    pub text: &'a str,
    pub tags: Option<&'a str>,
    pub date_happened: i64,
    pub priority: Option<&'a str>,
    pub host: Option<&'a str>,
    pub aggregation_key: Option<&'a str>,
    pub source_type_name: Option<&'a str>,
    pub alert_type: Option<&'a str>,
}

/// A checked service check.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceCheck<'a> {
    /// Normalised (`crate::metric_rules::name`).
    pub name: String,
    /// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    pub status: u8,
    pub tags: Vec<String>,
    pub message: Option<&'a str>,
    /// POSIX seconds; `None`: now.
    pub timestamp: Option<i64>,
    /// `None`: the host the instance's series carry (see the sinks).
    pub host: Option<&'a str>,
}

/// A service check's arguments as the C call gives them.
#[derive(Clone, Debug, Default)]
pub struct ServiceCheckArgs<'a> {
    pub name: &'a str,
    pub status: i32,
    pub tags: Option<&'a str>,
    pub message: Option<&'a str>,
    pub timestamp: i64,
    pub host: Option<&'a str>,
}

fn set(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

pub fn priority_str(p: Priority) -> &'static str {
    match p {
        Priority::Normal => "normal",
        Priority::Low => "low",
    }
}

pub fn alert_type_str(t: AlertType) -> &'static str {
    match t {
        AlertType::Info => "info",
        AlertType::Success => "success",
        AlertType::Warning => "warning",
        AlertType::Error => "error",
    }
}

impl<'a> EventArgs<'a> {
    /// The event, or `InvalidArgument` naming the first bad argument.
    pub fn check(&self) -> Result<Event<'a>, Error> {
        if self.title.trim().is_empty() {
            return Err(Error::invalid("event title is empty"));
        }
        let n = self.text.chars().count();
        if n > MAX_TEXT_CHARS {
            return Err(Error::invalid(format!("event text is {n} characters long; at most {MAX_TEXT_CHARS}")));
        }
        let priority = match set(self.priority) {
            None => None,
            Some("normal") => Some(Priority::Normal),
            Some("low") => Some(Priority::Low),
            Some(p) => return Err(Error::invalid(format!("priority must be \"normal\" or \"low\", got {p:?}"))),
        };
        let alert_type = match set(self.alert_type) {
            None => None,
            Some("info") => Some(AlertType::Info),
            Some("success") => Some(AlertType::Success),
            Some("warning") => Some(AlertType::Warning),
            Some("error") => Some(AlertType::Error),
            Some(a) => {
                return Err(Error::invalid(format!(
                    "alert_type must be \"info\", \"success\", \"warning\" or \"error\", got {a:?}"
                )))
            }
        };
        let aggregation_key = set(self.aggregation_key);
        if let Some(k) = aggregation_key {
            let n = k.chars().count();
            if n > MAX_AGGREGATION_KEY_CHARS {
                return Err(Error::invalid(format!(
                    "aggregation_key is {n} characters long; at most {MAX_AGGREGATION_KEY_CHARS}"
                )));
            }
        }
        Ok(Event {
            title: self.title,
            text: self.text,
            tags: metric_rules::tags(self.tags)?,
            date_happened: (self.date_happened != 0).then_some(self.date_happened),
            priority,
            host: set(self.host),
            aggregation_key,
            source_type_name: set(self.source_type_name),
            alert_type,
        })
    }
}

impl<'a> ServiceCheckArgs<'a> {
    /// The service check, or `InvalidArgument` naming the first bad argument.
    pub fn check(&self) -> Result<ServiceCheck<'a>, Error> {
        if !(0..=3).contains(&self.status) {
            return Err(Error::invalid(format!(
                "service check status must be 0 (OK), 1 (WARNING), 2 (CRITICAL) or 3 (UNKNOWN), got {}",
                self.status
            )));
        }
        Ok(ServiceCheck {
            name: metric_rules::name("service check", self.name)?.into_owned(),
            status: self.status as u8,
            tags: metric_rules::tags(self.tags)?,
            message: set(self.message),
            timestamp: (self.timestamp != 0).then_some(self.timestamp),
            host: set(self.host),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn bad_event(a: EventArgs) -> String {
        let e = a.check().unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
        e.message
    }

    #[test]
    fn event_rules() {
        let base = EventArgs { title: "t", ..Default::default() };
        let e = base.check().unwrap();
        assert_eq!((e.title, e.text, e.date_happened, e.host), ("t", "", None, None));
        assert!(bad_event(EventArgs { title: " ", ..base.clone() }).contains("title"));
        let long = "é".repeat(4001);
        assert!(bad_event(EventArgs { text: &long, ..base.clone() }).contains("4001 characters"));
        assert!(EventArgs { text: &long[..8000], ..base.clone() }.check().is_ok(), "4000 characters (8000 bytes)");
        assert!(bad_event(EventArgs { priority: Some("high"), ..base.clone() }).contains("priority"));
        assert!(bad_event(EventArgs { alert_type: Some("user_update"), ..base.clone() }).contains("alert_type"));
        let key = "k".repeat(101);
        assert!(bad_event(EventArgs { aggregation_key: Some(&key), ..base.clone() }).contains("aggregation_key"));
        let tag = "t".repeat(201);
        assert!(bad_event(EventArgs { tags: Some(&tag), ..base.clone() }).contains("tag"));
        let all = EventArgs {
            title: "T",
            text: "x",
            tags: Some("a:1, b c ,,"),
            date_happened: 1_700_000_000,
            priority: Some("low"),
            host: Some(""),
            aggregation_key: Some("k"),
            source_type_name: Some(""),
            alert_type: Some("warning"),
        }
        .check()
        .unwrap();
        assert_eq!(all.tags, ["a:1", "b_c"]);
        assert_eq!(all.date_happened, Some(1_700_000_000));
        assert_eq!((all.priority, all.alert_type), (Some(Priority::Low), Some(AlertType::Warning)));
        assert_eq!((all.host, all.aggregation_key, all.source_type_name), (None, Some("k"), None), "\"\" is unset");
    }

    #[test]
    fn service_check_rules() {
        let base = ServiceCheckArgs { name: "app.ok", ..Default::default() };
        assert_eq!(base.check().unwrap().status, 0);
        for bad in [-1, 4, i32::MAX, i32::MIN] {
            let e = ServiceCheckArgs { status: bad, ..base.clone() }.check().unwrap_err();
            assert!(e.message.contains("status"), "{bad}: {}", e.message);
        }
        for bad in ["", "1abc", "é"] {
            assert_eq!(
                ServiceCheckArgs { name: bad, ..base.clone() }.check().unwrap_err().kind,
                ErrorKind::InvalidArgument
            );
        }
        let c = ServiceCheckArgs {
            name: "app ok",
            status: 3,
            tags: Some("x:y"),
            message: Some(""),
            timestamp: 5,
            host: Some("h"),
        }
        .check()
        .unwrap();
        assert_eq!(c.name, "app_ok");
        assert_eq!((c.status, c.message, c.timestamp, c.host), (3, None, Some(5), Some("h")));
        assert_eq!(c.tags, ["x:y"]);
    }
}
