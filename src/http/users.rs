//! Users: dogapi's `invite` (`POST /api/v1/invite_users`, gone from today's API) and its
//! replacement, user creation through `POST /api/v2/users`.

use super::answer::Pick;
use super::args::truthy;
use super::client::{ApiRequest, Client};
use super::response::Outcome;
use crate::error::Error;
use serde_json::{json, Map, Value};

/// `{"emails": [...]}` from a comma-separated list (one or many).
pub fn invite_body(emails: &str) -> Result<Value, Error> {
    let list = crate::tags::split(Some(emails));
    if list.is_empty() {
        return Err(Error::invalid("emails is empty"));
    }
    if let Some(bad) = list.iter().find(|e| !e.contains('@')) {
        return Err(Error::invalid(format!("{bad:?} is not an email address")));
    }
    Ok(json!({ "emails": list }))
}

/// `{"data":{"type":"users","attributes":{"email",["name"],["title"]}}}`.
pub fn create_body(email: &str, name: Option<&str>, title: Option<&str>) -> Result<Value, Error> {
    let email = email.trim();
    if email.is_empty() || !email.contains('@') || email.contains(',') {
        return Err(Error::invalid(format!("{email:?} is not one email address")));
    }
    let mut a = Map::new();
    a.insert("email".into(), json!(email));
    if let Some(n) = truthy(name) {
        a.insert("name".into(), json!(n));
    }
    if let Some(t) = truthy(title) {
        a.insert("title".into(), json!(t));
    }
    Ok(json!({ "data": { "type": "users", "attributes": a } }))
}

impl Client {
    /// POST /invite_users `{"emails":[...]}`. Result: the `emails` list.
    pub fn invite(&self, emails: &str) -> Outcome {
        match invite_body(emails) {
            Ok(b) => self.call(ApiRequest::new("POST", "invite_users").json(b).result(Pick::at(&["emails"]))),
            Err(e) => Outcome::failed(e),
        }
    }

    /// POST /api/v2/users. Result: `data`; id: `data.id`.
    pub fn create_user(&self, email: &str, name: Option<&str>, title: Option<&str>) -> Outcome {
        match create_body(email, name, title) {
            Ok(b) => self.call(
                ApiRequest::new("POST", "users")
                    .version("v2")
                    .json(b)
                    .result(Pick::at(&["data"]))
                    .id(Pick::at(&["data", "id"])),
            ),
            Err(e) => Outcome::failed(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        assert_eq!(invite_body("a@x.com, b@y.org").unwrap(), json!({"emails": ["a@x.com", "b@y.org"]}));
        assert!(invite_body(" , ").is_err());
        assert!(invite_body("nobody").is_err());
        assert_eq!(
            create_body("a@x.com", Some("A"), None).unwrap(),
            json!({"data": {"type": "users", "attributes": {"email": "a@x.com", "name": "A"}}})
        );
        assert!(create_body("a@x.com,b@y", None, None).is_err());
    }
}
