//! Host tags: dogapi's `all_tags`, `host_tags`, `add_tags`, `change_tags`, `detach_tags`
//! (`/api/v1/tags/hosts…`).

use super::answer::Pick;
use super::client::{encode, ApiRequest, Client};
use super::response::Outcome;
use crate::error::Error;
use serde_json::{json, Value};

const TAGS_FIELD: Pick = Pick::at(&["tags"]);

/// The `{host}` path segment: a host name or numeric id, percent-encoded (dogapi pasted it
/// unescaped; a name with `/` or `?` would have broken the path).
pub(crate) fn host_segment(host: &str) -> Result<String, Error> {
    if host.trim().is_empty() {
        return Err(Error::invalid("host name is empty"));
    }
    Ok(encode(host))
}

/// `source`: NULL and `""` both mean "no source" (dogapi sends it only when truthy).
fn source_opt(source: Option<&str>) -> Option<&str> {
    source.filter(|s| !s.is_empty())
}

/// `{"tags": [...]}` from a comma-separated list (dogapi's body; `host` is not sent).
pub fn tags_body(tags: &str) -> Value {
    json!({ "tags": crate::tags::split(Some(tags)) })
}

impl Client {
    /// GET /tags/hosts[?source=]. Result: the `tags` map (tag → host names).
    pub fn all_tags(&self, source: Option<&str>) -> Outcome {
        self.call(ApiRequest::new("GET", "tags/hosts").query_opt("source", source_opt(source)).result(TAGS_FIELD))
    }

    /// GET /tags/hosts/{host}[?source=][&by_source=true]. Result: the `tags` list (or, with
    /// `by_source`, the map source → tags).
    pub fn host_tags(&self, host: &str, source: Option<&str>, by_source: bool) -> Outcome {
        let seg = match host_segment(host) {
            Ok(s) => s,
            Err(e) => return Outcome::failed(e),
        };
        self.call(
            ApiRequest::new("GET", format!("tags/hosts/{seg}"))
                .query_opt("source", source_opt(source))
                .query_opt("by_source", by_source.then_some("true"))
                .result(TAGS_FIELD),
        )
    }

    fn put_tags(&self, method: &'static str, host: &str, tags: &str, source: Option<&str>) -> Outcome {
        let seg = match host_segment(host) {
            Ok(s) => s,
            Err(e) => return Outcome::failed(e),
        };
        self.call(
            ApiRequest::new(method, format!("tags/hosts/{seg}"))
                .query_opt("source", source_opt(source))
                .json(tags_body(tags))
                .result(TAGS_FIELD),
        )
    }

    /// POST /tags/hosts/{host}[?source=] `{"tags":[...]}`: adds tags. Result: the `tags` list.
    pub fn add_tags(&self, host: &str, tags: &str, source: Option<&str>) -> Outcome {
        self.put_tags("POST", host, tags, source)
    }

    /// PUT /tags/hosts/{host}[?source=] `{"tags":[...]}`: replaces the tags of the source.
    /// Result: the `tags` list.
    pub fn change_tags(&self, host: &str, tags: &str, source: Option<&str>) -> Outcome {
        self.put_tags("PUT", host, tags, source)
    }

    /// DELETE /tags/hosts/{host}[?source=]. Result: the whole (usually empty) answer.
    pub fn detach_tags(&self, host: &str, source: Option<&str>) -> Outcome {
        let seg = match host_segment(host) {
            Ok(s) => s,
            Err(e) => return Outcome::failed(e),
        };
        self.call(ApiRequest::new("DELETE", format!("tags/hosts/{seg}")).query_opt("source", source_opt(source)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_and_segment() {
        assert_eq!(tags_body("a:b, c"), json!({"tags": ["a:b", "c"]}));
        assert_eq!(tags_body(""), json!({"tags": []}));
        assert_eq!(host_segment("web 1/x").unwrap(), "web%201%2Fx");
        assert!(host_segment(" ").is_err());
        assert_eq!(source_opt(Some("")), None);
        assert_eq!(source_opt(Some("chef")), Some("chef"));
    }
}
