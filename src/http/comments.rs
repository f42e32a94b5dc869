//! Comments: dogapi's `comment`, `update_comment`, `delete_comment` on `/comments`.
//!
//! `/comments` is gone from today's API description (a comment is an event with
//! `related_event_id`); these calls still send dogapi 1.11.1's requests.

use super::answer::Pick;
use super::client::{ApiRequest, Client};
use super::response::Outcome;
use crate::error::Error;
use serde_json::{json, Map, Value};

const COMMENT_ID: Pick = Pick::at(&["comment", "id"]);

/// dogapi's body: `{"handle","message"}` plus `related_event_id` when given. A `None` handle is
/// left out (dogapi would send `null`; the server then uses the key's owner).
pub fn comment_body(handle: Option<&str>, message: &str, related_event_id: Option<i64>) -> Result<Value, Error> {
    if message.is_empty() {
        return Err(Error::invalid("comment message is empty"));
    }
    let mut b = Map::new();
    if let Some(h) = handle {
        b.insert("handle".into(), json!(h));
    }
    b.insert("message".into(), json!(message));
    if let Some(r) = related_event_id {
        b.insert("related_event_id".into(), json!(r));
    }
    Ok(Value::Object(b))
}

impl Client {
    /// POST /comments (dogapi `comment`). Result and id: the comment id.
    pub fn comment(&self, handle: Option<&str>, message: &str, related_event_id: Option<i64>) -> Outcome {
        match comment_body(handle, message, related_event_id) {
            Ok(body) => self.call(ApiRequest::new("POST", "comments").json(body).result(COMMENT_ID).id(COMMENT_ID)),
            Err(e) => Outcome::failed(e),
        }
    }

    /// PUT /comments/{comment_id} (dogapi `update_comment`). Result and id: the comment id.
    pub fn update_comment(&self, id: i64, handle: Option<&str>, message: &str) -> Outcome {
        match comment_body(handle, message, None) {
            Ok(body) => {
                self.call(ApiRequest::new("PUT", format!("comments/{id}")).json(body).result(COMMENT_ID).id(COMMENT_ID))
            }
            Err(e) => Outcome::failed(e),
        }
    }

    /// DELETE /comments/{comment_id} (dogapi `delete_comment`). Result: the answer (raw).
    pub fn delete_comment(&self, id: i64) -> Outcome {
        self.call(ApiRequest::new("DELETE", format!("comments/{id}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body() {
        assert_eq!(
            comment_body(Some("h"), "m", Some(5)).unwrap(),
            json!({"handle":"h","message":"m","related_event_id":5})
        );
        assert_eq!(comment_body(None, "m", None).unwrap(), json!({"message":"m"}));
        assert!(comment_body(None, "", None).is_err());
    }
}
