//! One API answer as the caller sees it.

/// dogapi's return value: the whole answer (the body itself, not a copy) or the part of it
/// dogapi's formatter picks, as JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultView {
    WholeBody,
    Text(String),
}

/// Status, headers and raw body, plus dogapi's views of the body. The body is held once.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// As received (moved from the wire, not copied).
    pub headers: ureq::http::HeaderMap,
    /// The body as received (after content decoding).
    pub body: Vec<u8>,
    /// dogapi's return value: the formatted part of the body (e.g. the event id), or with
    /// `json_responses` the whole body.
    pub result: Option<ResultView>,
    /// The id of what a create call created, as text (numbers are rendered in decimal).
    pub id: Option<String>,
}

impl Response {
    /// The first value of a header (any case), as text (bytes that are not UTF-8 replaced).
    pub fn header(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        self.headers.get(name).map(|v| String::from_utf8_lossy(v.as_bytes()))
    }

    /// The result view as JSON text.
    pub fn result_text(&self) -> Option<&str> {
        match self.result.as_ref()? {
            ResultView::WholeBody => std::str::from_utf8(&self.body).ok(),
            ResultView::Text(t) => Some(t),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::http::{HeaderMap, HeaderValue};

    #[test]
    fn header_lookup_is_case_insensitive_first_value_lossy() {
        let mut headers = HeaderMap::new();
        headers.append("retry-after", HeaderValue::from_static("7"));
        headers.append("retry-after", HeaderValue::from_static("9"));
        headers.append("x-odd", HeaderValue::from_bytes(b"a\xffb").unwrap());
        let r = Response { status: 429, headers, body: Vec::new(), result: None, id: None };
        assert_eq!(r.header("Retry-After").as_deref(), Some("7"));
        assert_eq!(r.header("X-ODD").as_deref(), Some("a\u{fffd}b"));
        assert_eq!(r.header("missing"), None);
    }
}
