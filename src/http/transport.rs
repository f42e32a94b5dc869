//! The wire: one keep-alive ureq agent per client, and the mapping of ureq's errors onto ours.

use super::options::{self, Options};
use crate::error::{Error, ErrorKind};
use crate::secrets::redact_userinfo;
use std::io::{self, Read};
use std::time::{Duration, Instant};
use ureq::http::header::{HeaderName, HeaderValue};
use ureq::http::{Method, Request, Uri};
use ureq::unversioned::transport::Connector;

pub use super::net::tcp::SLACK;

/// The bounds of one exchange.
pub struct Limits {
    /// The whole exchange ends here.
    pub deadline: Instant,
    /// The request's own timeout when it differs from the client's (applied per request).
    pub own_timeout: Option<Duration>,
    /// The answer's body cap.
    pub max_bytes: u64,
}

pub const USER_AGENT: &str = concat!("libdogapi/", env!("CARGO_PKG_VERSION"));

/// What goes on the wire. The headers are made by the caller as `http` values (names and
/// constant values made once, not parsed per request).
pub struct WireRequest<'a> {
    pub method: &'a str,
    pub url: String,
    pub headers: &'a [(HeaderName, HeaderValue)],
    pub body: Option<&'a [u8]>,
}

/// What came back: status, headers and the decoded body.
pub struct WireResponse {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: Vec<u8>,
}

/// How many idle connections an agent's pool keeps (all hosts; one host).
#[derive(Debug, Clone, Copy)]
pub struct Idle {
    pub max: usize,
    pub per_host: usize,
}

/// Builds an agent for the given options: bounded timeouts, `idle` pooled connections, TLS
/// always verified, no proxy unless configured.
pub fn build_agent(opts: &Options, idle: Idle) -> Result<ureq::Agent, Error> {
    // NO_PROXY is decided once per agent: every request of a client goes to its base URL.
    let bypass = match (&opts.no_proxy, options::host_port(&opts.base_url())) {
        (Some(list), Some((host, port))) => super::no_proxy::bypasses(list, &host, port),
        _ => false,
    };
    let proxy = match &opts.proxy {
        Some(p) if !bypass => {
            Some(ureq::Proxy::new(p).map_err(|e| Error::invalid(format!("proxy {}: {e}", redact_userinfo(p))))?)
        }
        _ => None,
    };
    // dogapi's timeout bounds connecting, each write and each read; the whole exchange
    // (connect, send, read the answer) is bounded by it too, so a peer that drips bytes cannot
    // hold a call longer.
    let t = opts.timeout;
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(t))
        .timeout_per_read(Some(t))
        .timeout_per_write(Some(t))
        .timeout_resolve(Some(t))
        .timeout_connect(Some(t))
        .proxy(proxy)
        .user_agent(USER_AGENT)
        .max_redirects(0)
        .max_idle_connections(idle.max)
        .max_idle_connections_per_host(idle.per_host)
        .max_idle_age(Duration::from_secs(30))
        .build();
    Ok({
        use ureq::unversioned::transport::{ConnectProxyConnector, RustlsConnector};
        // ureq's default chain (CONNECT proxy, TCP, rustls) with our TCP transport, and the
        // cork on top so each request leaves in one write (TLS records included).
        let connector =
            ().chain(ConnectProxyConnector::default())
                .chain(super::net::tcp::TcpConnector)
                .chain(RustlsConnector::default())
                .chain(super::net::cork::CorkConnector);
        ureq::Agent::with_parts(config, connector, super::net::resolver::CachingResolver::default())
    })
}

/// Sends one request and reads the whole answer, within `limits`.
pub fn send(agent: &ureq::Agent, req: WireRequest<'_>, limits: &Limits) -> Result<WireResponse, Error> {
    let bad = |e: ureq::http::Error| Error::invalid(format!("bad request: {e}"));
    let method = Method::from_bytes(req.method.as_bytes()).map_err(|e| bad(e.into()))?;
    let uri = Uri::try_from(req.url).map_err(|e| bad(e.into()))?;
    // Built in place rather than through `Request::builder()`, which parses every header name
    // and value again.
    let mut head = Request::new(());
    *head.method_mut() = method;
    *head.uri_mut() = uri;
    let h = head.headers_mut();
    h.reserve(req.headers.len());
    for (k, v) in req.headers {
        h.append(k.clone(), v.clone());
    }
    // A request without a body is sent with `Content-Length: 0` (as dogapi's `requests`
    // did; RFC 9110 §8.6), never as an empty chunked body. GET and HEAD carry neither.
    let empty: &[u8] = &[];
    let body = match req.body {
        Some(b) => Some(b),
        None if !matches!(req.method, "GET" | "HEAD") => Some(empty),
        None => None,
    };
    let mut resp = match body {
        Some(b) => run(agent, head.map(|()| b), limits.own_timeout)?,
        None => run(agent, head, limits.own_timeout)?,
    };
    let status = resp.status().as_u16();
    // Moved out, not copied: most callers never look at them.
    let headers = std::mem::take(resp.headers_mut());
    let body = read_body(resp.body_mut(), limits)?;
    Ok(WireResponse { status, headers, body })
}

/// Runs a request, with its own timeout (every phase and the whole) when it has one.
fn run<B: ureq::AsSendBody>(
    agent: &ureq::Agent,
    r: ureq::http::Request<B>,
    own_timeout: Option<Duration>,
) -> Result<ureq::http::Response<ureq::Body>, Error> {
    let Some(t) = own_timeout else {
        return agent.run(r).map_err(map_error);
    };
    let r = agent
        .configure_request(r)
        .timeout_global(Some(t))
        .timeout_per_read(Some(t))
        .timeout_per_write(Some(t))
        .timeout_connect(Some(t))
        .timeout_resolve(Some(t))
        .build();
    agent.run(r).map_err(map_error)
}

/// The most one read of the answer asks for.
const READ_STEP: usize = 64 * 1024;

/// Reads the body into one buffer sized from `Content-Length` when there is one (+1 byte for
/// the NUL the C side appends), refusing more than the cap. Reading stops at the deadline:
/// the agent's global timeout bounds every read.
fn read_body(body: &mut ureq::Body, limits: &Limits) -> Result<Vec<u8>, Error> {
    let cap = limits.max_bytes;
    let too_big = || {
        Error::new(
            ErrorKind::InvalidResponse,
            format!("the answer is longer than the {cap}-byte limit (dog_http_set_max_response_bytes)"),
        )
    };
    let announced = body.content_length();
    if announced.is_some_and(|n| n > cap) {
        return Err(too_big());
    }
    let mut out = Vec::with_capacity(announced.map_or(8 * 1024, |n| n as usize + 1));
    let mut reader = body.with_config().limit(cap + 1).reader();
    // Read straight into `out`, zeroing only the room the next read may fill (a 64 KiB
    // scratch buffer, zeroed per answer, was 5 % of a small call's user time).
    loop {
        if Instant::now() > limits.deadline + SLACK {
            return Err(Error::new(ErrorKind::Timeout, "timed out reading the answer"));
        }
        let len = out.len();
        if out.capacity() == len {
            out.reserve((len / 2).clamp(8 * 1024, READ_STEP));
        }
        // At most READ_STEP more than asked (the cap), as reads of the old buffer were.
        let room = (out.capacity() - len).min(READ_STEP);
        out.resize(len + room, 0);
        let n = match reader.read(&mut out[len..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                out.truncate(len);
                continue;
            }
            Err(e) => return Err(map_io(e)),
        };
        out.truncate(len + n);
        if n == 0 {
            break;
        }
        if out.len() as u64 > cap {
            return Err(too_big());
        }
    }
    Ok(out)
}

/// An error from reading the body: ureq wraps its own errors (timeouts, the size limit) in
/// io::Error.
fn map_io(e: io::Error) -> Error {
    if e.get_ref().is_some_and(|i| i.is::<ureq::Error>()) {
        if let Ok(inner) = e.into_inner().expect("checked").downcast::<ureq::Error>() {
            return map_error(*inner);
        }
        return Error::new(ErrorKind::Connection, "reading the answer failed");
    }
    Error::new(io_kind(&e), e.to_string())
}

fn io_kind(e: &io::Error) -> ErrorKind {
    // rustls surfaces handshake and certificate failures as io::Error wrapping rustls::Error.
    if e.get_ref().is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some()) {
        return ErrorKind::Tls;
    }
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ErrorKind::Timeout,
        _ => ErrorKind::Connection,
    }
}

/// ureq's errors onto ours. Every timeout (connect, send, read) is a timeout.
pub fn map_error(e: ureq::Error) -> Error {
    use ureq::Error as U;
    let kind = match &e {
        U::Timeout(_) => ErrorKind::Timeout,
        U::Io(io) => io_kind(io),
        U::Tls(_) | U::Rustls(_) | U::TlsRequired | U::Pem(_) => ErrorKind::Tls,
        U::HostNotFound | U::ConnectionFailed | U::ConnectProxyFailed(_) | U::InvalidProxyUrl => ErrorKind::Connection,
        U::BadUri(_) | U::Http(_) => ErrorKind::InvalidArgument,
        U::Protocol(_)
        | U::BodyExceedsLimit(_)
        | U::LargeResponseHeader(..)
        | U::Decompress(..)
        | U::TooManyRedirects
        | U::RedirectFailed => ErrorKind::InvalidResponse,
        _ => ErrorKind::Connection,
    };
    let detail = match &e {
        U::Timeout(t) => format!("timed out ({t})"),
        U::HostNotFound => "host not found".to_string(),
        other => other.to_string(),
    };
    Error::new(kind, detail)
}
