//! dogapi's public `http_request`: any method and path, for endpoints without a function.

use super::client::{ApiRequest, Body, Client};
use super::response::Outcome;
use crate::error::Error;

/// Maps a method name onto the methods the API uses.
pub fn method(m: &str) -> Result<&'static str, Error> {
    Ok(match m.to_ascii_uppercase().as_str() {
        "GET" => "GET",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        _ => return Err(Error::invalid(format!("method must be GET, POST, PUT, PATCH or DELETE, got {m:?}"))),
    })
}

impl Client {
    /// `path` is below `/api/<api_version>/`, or absolute when it starts with `/api/`;
    /// `query` is an encoded query string (`a=1&b=x%20y`); `body_json` is sent as is after a
    /// JSON check. Result: the whole answer.
    pub fn http_request(&self, method_name: &str, path: &str, query: Option<&str>, body_json: Option<&str>) -> Outcome {
        let m = match method(method_name) {
            Ok(m) => m,
            Err(e) => return Outcome::failed(e),
        };
        if path.trim().is_empty() || path.chars().any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#') {
            return Outcome::failed(Error::invalid(
                "path must be non-empty and hold no whitespace, '?' or '#' (pass the query separately)",
            ));
        }
        let query = query.map(|q| q.trim_start_matches('?'));
        if let Some(q) = query {
            if q.chars().any(|c| c.is_whitespace() || c.is_control() || c == '#') {
                return Outcome::failed(Error::invalid("query must be URL-encoded (no whitespace or '#')"));
            }
        }
        let mut req = ApiRequest::new(m, path);
        req.raw_query = query.map(str::to_string);
        if let Some(b) = body_json {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(b) {
                return Outcome::failed(Error::invalid(format!("body is not valid JSON: {e}")));
            }
            req.body = Body::JsonText(b.to_string());
        }
        self.call(req)
    }
}
