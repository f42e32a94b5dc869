//! `Client`: dogapi's `DogHttpApi` core. Holds the keys, the options, one keep-alive agent and
//! the backoff state; turns an [`ApiRequest`] into an [`Outcome`].
//!
//! Every call is bounded by one deadline (the request's own timeout, else the client's): the
//! agent's connect, send and read all stop there (see `transport::send`), and the answer is
//! read up to the body cap and interpreted by reading only what the call needs (`answer`).
//! Every message the call produces passes through the client's [`Secrets`] once, before it is
//! logged or handed out. After fork() the child's first call replaces the inherited agent
//! (and its pooled connections) with a new one; see [`crate::fork`].

use super::agents::Agents;
use super::answer::{self, Pick};
use super::backoff::Backoff;
use super::options::{self, Options};
use super::response::Outcome;
use super::transport::{self, WireRequest};
use crate::error::{Error, ErrorKind};
use crate::fork::{self, ForkGuarded, ForkLock, Side};
use crate::global_tags::GlobalTags;
use crate::log::{self, Level};
use crate::secrets::Secrets;
use parking_lot::{Mutex, RwLock};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use ureq::http::header::{self, HeaderName, HeaderValue};

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
    /// JSON already zlib-compressed by the caller (`/api/v1/distribution_points` accepts only
    /// `deflate`); sent as is with `Content-Encoding: deflate`. Shared like `Gzipped`.
    Deflated(std::sync::Arc<[u8]>),
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
    pub result: Option<Pick>,
    /// Where the id of a created object is.
    pub id: Option<Pick>,
    /// Only the status and headers matter: a 2xx body is not looked at (the stats sender).
    pub status_only: bool,
    /// This call's own time limit for the whole exchange (connect, send, read, parse), when
    /// shorter than the client's timeout (e.g. what is left of a shutdown deadline).
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
            status_only: false,
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

    pub fn result(mut self, p: Pick) -> Self {
        self.result = Some(p);
        self
    }

    pub fn id(mut self, p: Pick) -> Self {
        self.id = Some(p);
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
    agents: Agents,
    /// `opts.base_url()`, and whether it is plain http to a host that is not loopback: both
    /// follow the host and site options, which change only through `rebuild`.
    base: Arc<str>,
    base_insecure: bool,
    default_host: String,
    /// The fork generation the agent was built in.
    fork_gen: u64,
    /// The keys and the proxy credentials: scrubbed from every message.
    secrets: Arc<Secrets>,
}

/// What the client's locks guard; registered for fork() (see [`crate::fork`]).
struct Shared {
    state: RwLock<State>,
    backoff: Mutex<Backoff>,
}

impl ForkGuarded for Shared {
    fn lock_for_fork(&self) {
        std::mem::forget(self.state.write());
        std::mem::forget(self.backoff.lock());
    }

    unsafe fn unlock_after_fork(&self, side: Side) {
        // SAFETY: lock_for_fork took both, guards forgotten.
        unsafe {
            self.backoff.release_after_fork(side);
            self.state.release_after_fork(side);
        }
    }
}

/// dogapi's `DogHttpApi`. Safe to share between threads; setters take effect for the calls
/// that start after them.
pub struct Client {
    api_key: Option<String>,
    app_key: Option<String>,
    /// The keys as header values, made once.
    auth: AuthHeaders,
    shared: Arc<Shared>,
    /// The "http:// to a host that is not loopback" warning was logged.
    warned_insecure: AtomicBool,
}

struct AuthHeaders {
    api_key: Option<HeaderValue>,
    app_key: Option<HeaderValue>,
}

/// A checked key (visible ASCII, see [`check_key`]) as a header value.
fn header_value(key: &Option<String>) -> Result<Option<HeaderValue>, Error> {
    key.as_deref()
        .map(|k| HeaderValue::from_str(k).map_err(|_| Error::invalid("a key is not a valid header value")))
        .transpose()
}

fn secrets_of(api_key: Option<&str>, app_key: Option<&str>, opts: &Options) -> Secrets {
    let mut s = Secrets::default();
    for k in [api_key, app_key].into_iter().flatten() {
        s.add(k);
    }
    if let Some(p) = &opts.proxy {
        s.add_userinfo_of(p);
    }
    s
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
        let auth = AuthHeaders { api_key: header_value(&api_key)?, app_key: header_value(&app_key)? };
        let opts = Options::from_env()?;
        let agents = Agents::build(&opts)?;
        let default_host = crate::host::default_host(opts.use_ec2_instance_id);
        let secrets = Arc::new(secrets_of(api_key.as_deref(), app_key.as_deref(), &opts));
        let base: Arc<str> = opts.base_url().into();
        let base_insecure = options::is_insecure(&base);
        let state = State { opts, agents, base, base_insecure, default_host, fork_gen: fork::generation(), secrets };
        let shared = Arc::new(Shared { state: RwLock::new(state), backoff: Mutex::new(Backoff::default()) });
        let weak: std::sync::Weak<dyn ForkGuarded> = Arc::downgrade(&(shared.clone() as Arc<dyn ForkGuarded>));
        fork::register(weak);
        Ok(Client { api_key, app_key, auth, shared, warned_insecure: AtomicBool::new(false) })
    }

    /// A snapshot of the current options.
    pub fn options(&self) -> Options {
        self.shared.state.read().opts.clone()
    }

    /// The base URL requests go to (`https://api.<site>` or the explicit host).
    pub fn base_url(&self) -> String {
        self.shared.state.read().opts.base_url()
    }

    /// The host name metrics default to.
    pub fn default_host(&self) -> String {
        self.shared.state.read().default_host.clone()
    }

    pub fn has_api_key(&self) -> bool {
        self.api_key.is_some()
    }

    /// `None` goes back to the site (or `DATADOG_HOST`-less default). `http://` only for a
    /// loopback host unless insecure http was allowed first.
    pub fn set_api_host(&self, url: Option<&str>) -> Result<(), Error> {
        let host = url.map(options::normalize_host).transpose()?;
        if let Some(h) = &host {
            options::check_plain_http(h, self.shared.state.read().opts.allow_insecure_http)?;
        }
        self.rebuild(|o| o.api_host = host)
    }

    pub fn set_site(&self, site: Option<&str>) -> Result<(), Error> {
        let site = match site {
            Some(s) => options::normalize_site(s)?,
            None => options::DEFAULT_SITE.to_string(),
        };
        self.rebuild(|o| o.site = site)
    }

    /// Allows `http://` to hosts that are not loopback (the keys then travel in clear text;
    /// a warning is logged once, at the first such call).
    pub fn set_allow_insecure_http(&self, on: bool) {
        self.shared.state.write().opts.allow_insecure_http = on;
    }

    /// The cap on an answer's body, in bytes ([`options::MIN_RESPONSE_CAP`]..=
    /// [`options::MAX_RESPONSE_CAP`]).
    pub fn set_max_response_bytes(&self, bytes: u64) -> Result<(), Error> {
        let bytes = options::check_response_cap(bytes)?;
        self.shared.state.write().opts.max_response_bytes = bytes;
        Ok(())
    }

    pub fn set_api_version(&self, version: &str) -> Result<(), Error> {
        options::check_api_version(version)?;
        self.shared.state.write().opts.api_version = version.to_string();
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
        self.shared.state.write().opts.max_timeouts = n;
    }

    pub fn set_backoff_period(&self, period: Duration) {
        self.shared.state.write().opts.backoff_period = period;
    }

    pub fn set_swallow(&self, on: bool) {
        self.shared.state.write().opts.swallow = on;
    }

    pub fn set_json_responses(&self, on: bool) {
        self.shared.state.write().opts.json_responses = on;
    }

    /// Comma-separated tags added to the events and service checks this client posts (with
    /// the environment's, see `crate::global_tags`); `None` or `""`: none.
    pub fn set_global_tags(&self, tags: Option<&str>) -> Result<(), Error> {
        let tags = GlobalTags::parse_option(tags)?;
        self.shared.state.write().opts.global_tags = tags;
        Ok(())
    }

    /// The environment's tags and the global-tags option, together.
    pub fn global_tags(&self) -> GlobalTags {
        let s = self.shared.state.read();
        s.opts.env_tags.union(&s.opts.global_tags)
    }

    /// Recomputes the default host, as dogapi's property setter does.
    pub fn set_use_ec2_instance_id(&self, on: bool) {
        let host = crate::host::default_host(on);
        let mut s = self.shared.state.write();
        s.opts.use_ec2_instance_id = on;
        s.default_host = host;
    }

    /// Applies an option that the agent is built from (timeout, proxy, and the host, which
    /// decides whether `NO_PROXY` bypasses the proxy).
    fn rebuild(&self, change: impl FnOnce(&mut Options)) -> Result<(), Error> {
        let mut s = self.shared.state.write();
        let mut opts = s.opts.clone();
        change(&mut opts);
        let agents = Agents::build(&opts)?;
        let old = std::mem::replace(&mut s.agents, agents);
        if s.fork_gen != fork::generation() {
            // Built in the parent: its pooled connections are the parent's.
            fork::keep_from_parent(Box::new(old));
            s.fork_gen = fork::generation();
        }
        s.secrets = Arc::new(secrets_of(self.api_key.as_deref(), self.app_key.as_deref(), &opts));
        s.base = opts.base_url().into();
        s.base_insecure = options::is_insecure(&s.base);
        s.opts = opts;
        Ok(())
    }

    /// In a forked child: a new agent (empty pool) instead of the parent's.
    fn renew_after_fork(&self) -> Result<(), Error> {
        let generation = fork::generation();
        if self.shared.state.read().fork_gen == generation {
            return Ok(());
        }
        self.rebuild(|_| {})
    }

    /// Sends one request through backoff, auth, encoding and dogapi's response rules.
    pub fn call(&self, req: ApiRequest) -> Outcome {
        if self.shared.state.read().fork_gen != fork::generation() {
            if let Err(e) = self.renew_after_fork() {
                return Outcome::failed(e);
            }
        }
        let snapshot = {
            let s = self.shared.state.read();
            let o = &s.opts;
            let call = CallOptions {
                agent: s.agents.mine().clone(),
                base: s.base.clone(),
                base_insecure: s.base_insecure,
                path: api_path(&req, &o.api_version),
                timeout: req.timeout.map_or(o.timeout, |t| t.min(o.timeout)),
                max_timeouts: o.max_timeouts,
                period: o.backoff_period,
                json_responses: o.json_responses,
                max_bytes: o.max_response_bytes,
                allow_insecure: o.allow_insecure_http,
            };
            (call, o.swallow, s.secrets.clone())
        };
        let (call, swallow, secrets) = snapshot;
        let mut outcome = self.exchange(&call, &req, &secrets);
        if let Some(e) = &mut outcome.error {
            // The one place where messages built from server text meet the secrets.
            if let std::borrow::Cow::Owned(clean) = secrets.scrub(&e.message) {
                e.message = clean;
            }
            let level = if swallow { Level::Error } else { Level::Debug };
            if log::enabled(level) {
                log::emit(level, &format!("{} {}: {}", req.method, req.path, e.message));
            }
        }
        outcome
    }

    fn exchange(&self, o: &CallOptions, req: &ApiRequest, secrets: &Secrets) -> Outcome {
        if o.base_insecure {
            if let Err(e) = options::check_plain_http(&o.base, o.allow_insecure) {
                return Outcome::failed(e);
            }
        }
        if o.allow_insecure && o.base_insecure && !self.warned_insecure.swap(true, Ordering::Relaxed) {
            log::emit(
                Level::Warn,
                &format!("{}: plain http:// to a host that is not loopback: the API keys travel in clear text", o.base),
            );
        }
        if let Err(left) = self.shared.backoff.lock().check(Instant::now(), o.max_timeouts, o.period) {
            return Outcome::failed(Error::new(
                ErrorKind::Backoff,
                format!("too many timeouts; not trying again for {:.2} seconds", left.as_secs_f64()),
            ));
        }
        let started = Instant::now();
        let deadline = started + o.timeout;
        let path = &o.path;
        let mut url = String::with_capacity(o.base.len() + path.len() + 64);
        url.push_str(&o.base);
        url.push_str(path);
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
            Body::Gzipped(b) | Body::Deflated(b) => Some(b[..].into()),
        };
        let pre_gzipped = matches!(req.body, Body::Gzipped(_));
        let pre_deflated = matches!(req.body, Body::Deflated(_));
        let body = match (body, req.gzip && !pre_gzipped && !pre_deflated) {
            (Some(b), true) => Some(gzip(&b).into()),
            (b, _) => b,
        };
        let mut headers: Vec<(HeaderName, HeaderValue)> = Vec::with_capacity(5);
        headers.push((header::ACCEPT, HeaderValue::from_static("application/json")));
        if let Some(k) = &self.auth.api_key {
            headers.push((HeaderName::from_static("dd-api-key"), k.clone()));
        }
        if let Some(k) = &self.auth.app_key {
            headers.push((HeaderName::from_static("dd-application-key"), k.clone()));
        }
        if body.is_some() {
            headers.push((header::CONTENT_TYPE, HeaderValue::from_static("application/json")));
            if pre_deflated {
                headers.push((header::CONTENT_ENCODING, HeaderValue::from_static("deflate")));
            } else if req.gzip || pre_gzipped {
                headers.push((header::CONTENT_ENCODING, HeaderValue::from_static("gzip")));
            }
        }
        let wire = WireRequest { method: req.method, url, headers: &headers, body: body.as_deref() };
        let limits =
            transport::Limits { deadline, own_timeout: req.timeout.map(|_| o.timeout), max_bytes: o.max_bytes };
        let timed_out = |mut e: Error| {
            self.shared.backoff.lock().on_timeout();
            e.kind = ErrorKind::Timeout;
            e.message =
                format!("{} {path} timed out after {:.3} seconds ({})", req.method, o.timeout.as_secs_f64(), e.message);
            Outcome::failed(e)
        };
        match transport::send(&o.agent, wire, &limits) {
            Err(e) if e.kind == ErrorKind::Timeout => timed_out(e),
            Err(mut e) => {
                e.message = format!("could not request {} {path}: {}", req.method, e.message);
                Outcome::failed(e)
            }
            Ok(w) => {
                self.shared.backoff.lock().on_sent();
                if log::enabled(Level::Info) {
                    log::emit(
                        Level::Info,
                        &format!("{} {path} -> {} ({} ms)", req.method, w.status, started.elapsed().as_millis()),
                    );
                }
                let wants = answer::Wants { result: req.result, id: req.id, status_only: req.status_only };
                let what = What(req.method, path);
                let outcome = answer::interpret(&wants, &what, w.status, w.headers, w.body, o.json_responses, secrets);
                if Instant::now() > deadline + transport::SLACK {
                    // Reading and interpreting the answer went past the call's deadline.
                    let late = Error::new(ErrorKind::Timeout, "the answer was read, but not within the timeout");
                    let mut t = timed_out(late);
                    t.response = outcome.response;
                    return t;
                }
                outcome
            }
        }
    }
}

/// What one call needs from the options, taken under the lock once.
struct CallOptions {
    agent: ureq::Agent,
    base: Arc<str>,
    base_insecure: bool,
    /// The request's path from `/api/` on.
    path: String,
    timeout: Duration,
    max_timeouts: u32,
    period: Duration,
    json_responses: bool,
    max_bytes: u64,
    allow_insecure: bool,
}

/// The path of a request from `/api/` on (`/api/<version>/<path>` unless it starts with `/api/`).
fn api_path(req: &ApiRequest, client_version: &str) -> String {
    if req.path.starts_with("/api/") {
        return req.path.clone();
    }
    let version = req.version.unwrap_or(client_version);
    let rest = req.path.trim_start_matches('/');
    let mut p = String::with_capacity(6 + version.len() + rest.len());
    p.push_str("/api/");
    p.push_str(version);
    p.push('/');
    p.push_str(rest);
    p
}

/// A call named in messages (`POST /api/v1/events`), formatted only when a message is made.
struct What<'a>(&'a str, &'a str);

impl std::fmt::Display for What<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.0, self.1)
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc =
        flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 4 + 64), flate2::Compression::default());
    enc.write_all(data).expect("writing to a Vec cannot fail");
    enc.finish().expect("finishing a Vec-backed gzip stream cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding() {
        assert_eq!(encode("a b/c,d:e*~"), "a%20b%2Fc%2Cd%3Ae%2A~");
    }
}
