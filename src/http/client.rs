//! `Client`: dogapi's `DogHttpApi` core. Holds the keys, the options, one keep-alive agent and
//! the backoff state; turns an [`ApiRequest`] into an [`Outcome`].

use super::backoff::Backoff;
use super::options::{self, Options};
use super::response::{Outcome, Response};
use super::transport::{self, WireRequest};
use crate::error::{Error, ErrorKind};
use crate::log::{self, Level};
use parking_lot::{Mutex, RwLock};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;
use std::io::Write;
use std::time::{Duration, Instant};

/// Picks dogapi's "result" (or the id) out of a parsed answer.
pub type Extract = fn(&Value) -> Option<Value>;

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    None,
    /// Serialised compactly, sent with `Content-Type: application/json`.
    Json(Value),
    /// Already-validated JSON text, sent as is.
    JsonText(String),
    /// JSON already gzip-compressed by the caller (the stats aggregator sizes its payloads by
    /// their compressed length); sent as is with `Content-Encoding: gzip` whatever `gzip` says.
    /// Shared, not copied (the stats retry queue keeps the same bytes).
    Gzipped(std::sync::Arc<[u8]>),
}

/// One API call, before the client adds host, version, auth and encoding.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: &'static str,
    /// Path below `/api/<version>/` (no leading slash needed); a path starting with `/api/` is
    /// taken as is.
    pub path: String,
    /// Query parameters, encoded by the client.
    pub query: Vec<(&'static str, String)>,
    /// A query string already encoded by the caller (the raw `http_request` escape hatch).
    pub raw_query: Option<String>,
    pub body: Body,
    /// gzip the body (`Content-Encoding: gzip`).
    pub gzip: bool,
    /// Overrides the client's api_version (e.g. `v2` endpoints).
    pub version: Option<&'static str>,
    /// dogapi's response formatter; `None` means the whole body.
    pub result: Option<Extract>,
    /// Where the id of a created object is.
    pub id: Option<Extract>,
    /// This call's own bound on the whole request, instead of the client's timeout (the stats
    /// shutdown bounds its last requests by the time left); `None`: the client's.
    pub timeout: Option<Duration>,
}

impl ApiRequest {
    pub fn new(method: &'static str, path: impl Into<String>) -> ApiRequest {
        ApiRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            raw_query: None,
            body: Body::None,
            gzip: false,
            version: None,
            result: None,
            id: None,
            timeout: None,
        }
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Body::Json(body);
        self
    }

    pub fn query(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.query.push((key, value.into()));
        self
    }

    /// Adds the parameter only when there is a value.
    pub fn query_opt(self, key: &'static str, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    pub fn result(mut self, f: Extract) -> Self {
        self.result = Some(f);
        self
    }

    pub fn id(mut self, f: Extract) -> Self {
        self.id = Some(f);
        self
    }

    pub fn version(mut self, v: &'static str) -> Self {
        self.version = Some(v);
        self
    }
}

/// Characters left as they are in query values and path segments (RFC 3986 unreserved).
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes one path segment or query value.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, ENCODE).to_string()
}

struct State {
    opts: Options,
    agent: ureq::Agent,
    default_host: String,
}

/// dogapi's `DogHttpApi`. Safe to share between threads; setters take effect for the calls
/// that start after them.
pub struct Client {
    api_key: Option<String>,
    app_key: Option<String>,
    state: RwLock<State>,
    backoff: Mutex<Backoff>,
}

pub(crate) fn check_key(what: &str, key: &str) -> Result<(), Error> {
    if key.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        Ok(())
    } else {
        // Never echo the key itself.
        Err(Error::invalid(format!("{what} may only hold visible ASCII characters")))
    }
}

fn env_key(names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| std::env::var(n).ok()).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

impl Client {
    /// A client with the given keys (`None`: `DD_API_KEY` / `DD_APP_KEY` from the environment)
    /// and options from the environment (`DATADOG_HOST`, `DD_SITE`, proxy variables).
    pub fn new(api_key: Option<&str>, app_key: Option<&str>) -> Result<Client, Error> {
        let api_key = match api_key {
            Some(k) => Some(k.trim().to_string()).filter(|k| !k.is_empty()),
            None => env_key(&["DD_API_KEY", "DATADOG_API_KEY"]),
        };
        let app_key = match app_key {
            Some(k) => Some(k.trim().to_string()).filter(|k| !k.is_empty()),
            None => env_key(&["DD_APP_KEY", "DD_APPLICATION_KEY", "DATADOG_APP_KEY"]),
        };
        if let Some(k) = &api_key {
            check_key("api key", k)?;
        }
        if let Some(k) = &app_key {
            check_key("application key", k)?;
        }
        let opts = Options::from_env()?;
        let agent = transport::build_agent(&opts)?;
        let default_host = crate::host::default_host(opts.use_ec2_instance_id);
        Ok(Client {
            api_key,
            app_key,
            state: RwLock::new(State { opts, agent, default_host }),
            backoff: Mutex::new(Backoff::default()),
        })
    }

    /// A snapshot of the current options.
    pub fn options(&self) -> Options {
        self.state.read().opts.clone()
    }

    /// The base URL requests go to (`https://api.<site>` or the explicit host).
    pub fn base_url(&self) -> String {
        self.state.read().opts.base_url()
    }

    /// The host name metrics default to.
    pub fn default_host(&self) -> String {
        self.state.read().default_host.clone()
    }

    pub fn has_api_key(&self) -> bool {
        self.api_key.is_some()
    }

    /// `None` goes back to the site (or `DATADOG_HOST`-less default).
    pub fn set_api_host(&self, url: Option<&str>) -> Result<(), Error> {
        let host = url.map(options::normalize_host).transpose()?;
        self.state.write().opts.api_host = host;
        Ok(())
    }

    pub fn set_site(&self, site: Option<&str>) -> Result<(), Error> {
        let site = match site {
            Some(s) => options::normalize_site(s)?,
            None => options::DEFAULT_SITE.to_string(),
        };
        self.state.write().opts.site = site;
        Ok(())
    }

    pub fn set_api_version(&self, version: &str) -> Result<(), Error> {
        options::check_api_version(version)?;
        self.state.write().opts.api_version = version.to_string();
        Ok(())
    }

    pub fn set_timeout(&self, timeout: Duration) -> Result<(), Error> {
        if timeout.is_zero() {
            return Err(Error::invalid("timeout must be greater than 0"));
        }
        self.rebuild(|o| o.timeout = timeout)
    }

    pub fn set_proxy(&self, proxy: Option<&str>) -> Result<(), Error> {
        let proxy = proxy.map(options::normalize_proxy).transpose()?;
        self.rebuild(|o| o.proxy = proxy)
    }

    pub fn set_max_timeouts(&self, n: u32) {
        self.state.write().opts.max_timeouts = n;
    }

    pub fn set_backoff_period(&self, period: Duration) {
        self.state.write().opts.backoff_period = period;
    }

    pub fn set_swallow(&self, on: bool) {
        self.state.write().opts.swallow = on;
    }

    pub fn set_json_responses(&self, on: bool) {
        self.state.write().opts.json_responses = on;
    }

    /// Recomputes the default host, as dogapi's property setter does.
    pub fn set_use_ec2_instance_id(&self, on: bool) {
        let host = crate::host::default_host(on);
        let mut s = self.state.write();
        s.opts.use_ec2_instance_id = on;
        s.default_host = host;
    }

    fn rebuild(&self, change: impl FnOnce(&mut Options)) -> Result<(), Error> {
        let mut s = self.state.write();
        let mut opts = s.opts.clone();
        change(&mut opts);
        s.agent = transport::build_agent(&opts)?;
        s.opts = opts;
        Ok(())
    }

    /// Sends one request through backoff, auth, encoding and dogapi's response rules.
    pub fn call(&self, req: ApiRequest) -> Outcome {
        let (agent, base, version, timeout, max_timeouts, period, swallow, json_responses) = {
            let s = self.state.read();
            let o = &s.opts;
            (
                s.agent.clone(),
                o.base_url(),
                o.api_version.clone(),
                o.timeout,
                o.max_timeouts,
                o.backoff_period,
                o.swallow,
                o.json_responses,
            )
        };
        let outcome = self.exchange(&agent, &base, &version, timeout, max_timeouts, period, json_responses, &req);
        if let Some(e) = &outcome.error {
            let level = if swallow { Level::Error } else { Level::Debug };
            if log::enabled(level) {
                log::emit(level, &format!("{} {}: {}", req.method, req.path, e.message));
            }
        }
        outcome
    }

    #[allow(clippy::too_many_arguments)]
    fn exchange(
        &self,
        agent: &ureq::Agent,
        base: &str,
        version: &str,
        timeout: Duration,
        max_timeouts: u32,
        period: Duration,
        json_responses: bool,
        req: &ApiRequest,
    ) -> Outcome {
        if let Err(left) = self.backoff.lock().check(Instant::now(), max_timeouts, period) {
            return Outcome::failed(Error::new(
                ErrorKind::Backoff,
                format!("too many timeouts; not trying again for {:.2} seconds", left.as_secs_f64()),
            ));
        }
        let path = if req.path.starts_with("/api/") {
            req.path.clone()
        } else {
            format!("/api/{}/{}", req.version.unwrap_or(version), req.path.trim_start_matches('/'))
        };
        let mut url = format!("{base}{path}");
        let mut sep = '?';
        for (k, v) in &req.query {
            url.push(sep);
            url.push_str(k);
            url.push('=');
            url.push_str(&encode(v));
            sep = '&';
        }
        if let Some(q) = req.raw_query.as_deref().filter(|q| !q.is_empty()) {
            url.push(sep);
            url.push_str(q);
        }
        let body: Option<std::borrow::Cow<'_, [u8]>> = match &req.body {
            Body::None => None,
            Body::Json(v) => Some(serde_json::to_vec(v).expect("serialising a serde_json::Value cannot fail").into()),
            Body::JsonText(t) => Some(t.as_bytes().into()),
            Body::Gzipped(b) => Some(b[..].into()),
        };
        let pre_gzipped = matches!(req.body, Body::Gzipped(_));
        let body = match (body, req.gzip && !pre_gzipped) {
            (Some(b), true) => Some(gzip(&b).into()),
            (b, _) => b,
        };
        let mut headers: Vec<(&str, &str)> = Vec::with_capacity(5);
        headers.push(("Accept", "application/json"));
        if let Some(k) = &self.api_key {
            headers.push(("DD-API-KEY", k));
        }
        if let Some(k) = &self.app_key {
            headers.push(("DD-APPLICATION-KEY", k));
        }
        if body.is_some() {
            headers.push(("Content-Type", "application/json"));
            if req.gzip || pre_gzipped {
                headers.push(("Content-Encoding", "gzip"));
            }
        }
        let started = Instant::now();
        let timeout = req.timeout.unwrap_or(timeout);
        let wire = WireRequest {
            method: req.method,
            url: &url,
            headers: &headers,
            body: body.as_deref(),
            timeout: req.timeout,
        };
        let sent = transport::send(agent, &wire);
        match sent {
            Err(mut e) => {
                if e.kind == ErrorKind::Timeout {
                    self.backoff.lock().on_timeout();
                    e.message = format!(
                        "{} {path} timed out after {:.3} seconds ({})",
                        req.method,
                        timeout.as_secs_f64(),
                        e.message
                    );
                } else {
                    e.message = format!("could not request {} {path}: {}", req.method, e.message);
                }
                Outcome::failed(e)
            }
            Ok(w) => {
                self.backoff.lock().on_sent();
                if log::enabled(Level::Info) {
                    log::emit(
                        Level::Info,
                        &format!("{} {path} -> {} ({} ms)", req.method, w.status, started.elapsed().as_millis()),
                    );
                }
                interpret(req, &path, w.status, w.headers, w.body, json_responses)
            }
        }
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc =
        flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 4 + 64), flate2::Compression::default());
    enc.write_all(data).expect("writing to a Vec cannot fail");
    enc.finish().expect("finishing a Vec-backed gzip stream cannot fail")
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let t = text.trim();
    if t.chars().count() > 200 {
        format!("{}…", t.chars().take(200).collect::<String>())
    } else {
        t.to_string()
    }
}

fn errors_text(v: &Value) -> Option<String> {
    let errs = v.as_object()?.get("errors")?;
    Some(match errs {
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string).unwrap_or_else(|| i.to_string()))
            .collect::<Vec<_>>()
            .join("; "),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// dogapi's response rules, corrected for today's API: a non-2xx status or an `errors` key is
/// an error; the response is handed out either way.
fn interpret(
    req: &ApiRequest,
    path: &str,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    json_responses: bool,
) -> Outcome {
    let parsed: Result<Option<Value>, ()> = if body.iter().all(u8::is_ascii_whitespace) {
        Ok(None)
    } else {
        serde_json::from_slice(&body).map(Some).map_err(|_| ())
    };
    let json = parsed.clone().ok().flatten();
    let mut response = Response { status, headers, body, json, result: None, id: None };
    let what = format!("{} {path}", req.method);
    let api_errors = response.json.as_ref().and_then(errors_text);

    let error = if status == 429 {
        let wait = response
            .header("retry-after")
            .or_else(|| response.header("x-ratelimit-reset"))
            .map(|s| format!(" (retry after {s} s)"))
            .unwrap_or_default();
        Some(Error::new(ErrorKind::RateLimited, format!("{what}: rate limited, HTTP 429{wait}")))
    } else if !(200..300).contains(&status) {
        Some(match &api_errors {
            Some(errs) => Error::new(ErrorKind::Api, format!("{what}: HTTP {status}: {errs}")),
            None => Error::new(ErrorKind::HttpStatus, format!("{what}: HTTP {status}: {}", snippet(&response.body))),
        })
    } else if parsed.is_err() {
        Some(Error::new(
            ErrorKind::InvalidResponse,
            format!("{what}: response is not JSON: {}", snippet(&response.body)),
        ))
    } else {
        api_errors.as_ref().map(|errs| Error::new(ErrorKind::Api, format!("{what}: {errs}")))
    };

    if error.is_none() {
        let json = response.json.as_ref();
        response.id = req.id.and_then(|f| json.and_then(f)).map(|v| match v {
            Value::String(s) => s,
            other => other.to_string(),
        });
        if json_responses {
            response.result = Some(json.cloned().unwrap_or_else(|| Value::Object(Default::default())));
        } else {
            match (req.result, json) {
                (None, j) => response.result = j.cloned(),
                (Some(f), Some(j)) => match f(j) {
                    Some(v) => response.result = Some(v),
                    None => {
                        return Outcome {
                            error: Some(Error::new(
                                ErrorKind::InvalidResponse,
                                format!("{what}: the answer lacks the expected field: {}", snippet(&response.body)),
                            )),
                            response: Some(response),
                        }
                    }
                },
                (Some(_), None) => {
                    return Outcome {
                        error: Some(Error::new(
                            ErrorKind::InvalidResponse,
                            format!("{what}: empty answer where a result was expected"),
                        )),
                        response: Some(response),
                    }
                }
            }
        }
    }
    Outcome { response: Some(response), error }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req() -> ApiRequest {
        ApiRequest::new("POST", "events")
            .result(|v| v.get("event")?.get("id").cloned())
            .id(|v| v.get("event")?.get("id").cloned())
    }

    #[test]
    fn formatter_and_id() {
        let o = interpret(&req(), "/api/v1/events", 202, vec![], br#"{"event":{"id":7}}"#.to_vec(), false);
        assert!(o.is_ok());
        let r = o.response.unwrap();
        assert_eq!(r.result, Some(json!(7)));
        assert_eq!(r.id.as_deref(), Some("7"));
    }

    #[test]
    fn json_responses_returns_whole_body_and_empty_becomes_object() {
        let o = interpret(&req(), "/p", 202, vec![], br#"{"event":{"id":7}}"#.to_vec(), true);
        assert_eq!(o.response.unwrap().result, Some(json!({"event":{"id":7}})));
        let o = interpret(&ApiRequest::new("DELETE", "x"), "/p", 204, vec![], vec![], true);
        assert_eq!(o.response.unwrap().result, Some(json!({})));
    }

    #[test]
    fn statuses() {
        let k =
            |s: u16, b: &str| interpret(&req(), "/p", s, vec![], b.as_bytes().to_vec(), false).error.map(|e| e.kind);
        assert_eq!(k(500, r#"{"status":"ok"}"#), Some(ErrorKind::HttpStatus));
        assert_eq!(k(404, r#"{"errors":["nope"]}"#), Some(ErrorKind::Api));
        assert_eq!(k(200, r#"{"errors":[]}"#), Some(ErrorKind::Api));
        assert_eq!(k(429, "{}"), Some(ErrorKind::RateLimited));
        assert_eq!(k(200, "<html>"), Some(ErrorKind::InvalidResponse));
        assert_eq!(k(200, r#"{"status":"ok"}"#), Some(ErrorKind::InvalidResponse)); // formatter fails
        assert_eq!(k(502, "<html>bad gateway</html>"), Some(ErrorKind::HttpStatus));
    }

    #[test]
    fn encoding() {
        assert_eq!(encode("a b/c,d:e*~"), "a%20b%2Fc%2Cd%3Ae%2A~");
    }
}
