//! The wire: one keep-alive ureq agent per client, and the mapping of ureq's errors onto ours.

use super::options::Options;
use crate::error::{Error, ErrorKind};
use std::io;
use ureq::unversioned::transport::Connector;
use std::time::Duration;

/// Largest response body read (Datadog answers are far smaller; this bounds memory).
pub(crate) const MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

pub const USER_AGENT: &str = concat!("libdogapi/", env!("CARGO_PKG_VERSION"));

/// What goes on the wire.
pub struct WireRequest<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: Option<&'a [u8]>,
}

/// What came back: status, headers (names lowercased) and the decoded body.
pub struct WireResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Builds the agent for the given options: bounded timeouts, a pool big enough for many
/// threads sharing one client, TLS always verified, no proxy unless configured.
pub fn build_agent(opts: &Options) -> Result<ureq::Agent, Error> {
    let proxy = match &opts.proxy {
        Some(p) => Some(ureq::Proxy::new(p).map_err(|e| Error::invalid(format!("proxy {p:?}: {e}")))?),
        None => None,
    };
    // dogapi's timeout is a socket timeout: the longest wait for connecting, for any one write
    // and for any one read. A fixed per-read/per-write value also lets the socket keep its
    // timeout between requests (a shrinking "time left" meant two setsockopt calls per
    // request). The whole request is still bounded, by twice the timeout, against a peer that
    // drips bytes.
    let t = opts.timeout;
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(t * 2))
        .timeout_per_read(Some(t))
        .timeout_per_write(Some(t))
        .timeout_resolve(Some(t))
        .timeout_connect(Some(t))
        .proxy(proxy)
        .user_agent(USER_AGENT)
        .max_redirects(0)
        .max_idle_connections(64)
        .max_idle_connections_per_host(32)
        .max_idle_age(Duration::from_secs(30))
        .build();
    Ok({
        use ureq::unversioned::transport::{ConnectProxyConnector, RustlsConnector};
        // ureq's default chain (CONNECT proxy, TCP, rustls) with our TCP transport, and the
        // cork on top so each request leaves in one write (TLS records included).
        let connector = ().chain(ConnectProxyConnector::default()).chain(super::net::tcp::TcpConnector).chain(RustlsConnector::default()).chain(super::net::cork::CorkConnector);
        ureq::Agent::with_parts(config, connector, super::net::resolver::CachingResolver::default())
    })
}

/// Sends one request and reads the whole answer.
pub fn send(agent: &ureq::Agent, req: &WireRequest<'_>) -> Result<WireResponse, Error> {
    let mut builder = ureq::http::Request::builder().method(req.method).uri(req.url);
    for (k, v) in req.headers {
        builder = builder.header(*k, *v);
    }
    let result = match req.body {
        Some(b) => builder.body(b).map_err(|e| Error::invalid(format!("bad request: {e}"))).and_then(|r| agent.run(r).map_err(map_error)),
        None => builder.body(()).map_err(|e| Error::invalid(format!("bad request: {e}"))).and_then(|r| agent.run(r).map_err(map_error)),
    };
    let mut resp = result?;
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let body = resp.body_mut().with_config().limit(MAX_RESPONSE_BYTES).read_to_vec().map_err(map_error)?;
    Ok(WireResponse { status, headers, body })
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
        U::Protocol(_) | U::BodyExceedsLimit(_) | U::LargeResponseHeader(..) | U::Decompress(..) | U::TooManyRedirects | U::RedirectFailed => {
            ErrorKind::InvalidResponse
        }
        _ => ErrorKind::Connection,
    };
    let detail = match &e {
        U::Timeout(t) => format!("timed out ({t})"),
        U::HostNotFound => "host not found".to_string(),
        other => other.to_string(),
    };
    Error::new(kind, detail)
}
