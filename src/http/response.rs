//! One API answer as the caller sees it.

use serde_json::Value;

/// Status, headers and raw body, plus dogapi's views of the body.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Header names are lowercase.
    pub headers: Vec<(String, String)>,
    /// The body as received (after content decoding).
    pub body: Vec<u8>,
    /// The body parsed as JSON, when it is JSON.
    pub json: Option<Value>,
    /// dogapi's return value: the formatted part of the body (e.g. the event id), or with
    /// `json_responses` the whole body.
    pub result: Option<Value>,
    /// The id of what a create call created, as text (numbers are rendered in decimal).
    pub id: Option<String>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The outcome of one call: the error (if any) and the response (whenever one arrived, also
/// for failures, so the caller can read the server's error body).
#[derive(Debug)]
pub struct Outcome {
    pub response: Option<Response>,
    pub error: Option<crate::error::Error>,
}

impl Outcome {
    pub fn failed(error: crate::error::Error) -> Outcome {
        Outcome { response: None, error: Some(error) }
    }

    pub fn is_ok(&self) -> bool {
        self.error.is_none()
    }
}
