//! `dogapi-intake`: a local fake Datadog API server for tests.
//!
//! It records every request (bodies decoded from gzip/deflate), checks each one against Datadog's
//! API v1 OpenAPI description (`Contract`), answers like Datadog for the endpoints libdogapi uses,
//! and injects faults (status codes, 429 with rate-limit headers, slow answers, connection resets,
//! hangs). It can be driven from Rust (this API) or over HTTP (`…/_intake/…` control paths).

use std::path::PathBuf;
use std::time::Duration;

mod control;
pub mod dogstatsd;
mod hostile;
mod http;
mod points;
mod query;
mod responder;
mod server;
mod spec;
mod state;

pub use points::DistributionPoint;
pub use server::Intake;

/// Options for [`Intake::start_with`].
#[derive(Default, Clone, Debug)]
pub struct IntakeOptions {
    /// Port on 127.0.0.1; 0 = any free port.
    pub port: u16,
    /// OpenAPI spec to validate against; `None` = located automatically (see [`spec_location`]).
    pub spec_path: Option<PathBuf>,
}

/// A fault applied to one request (queued with `push_fault`) or every request (`set_fault`).
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Answer with this status and body (`Content-Type: application/json`).
    Status { code: u16, body: String },
    /// 429 with `Retry-After` / `X-RateLimit-Reset` (when given) and
    /// `X-RateLimit-Limit/Period/Remaining/Name`, body `{"errors":["Rate limit exceeded"]}`.
    RateLimited {
        retry_after: Option<String>,
        reset: Option<String>,
    },
    /// The normal answer, after this delay.
    Slow(Duration),
    /// Read the request, then close the connection without answering (RST via SO_LINGER 0).
    Reset,
    /// Read the request and never answer (until the `Intake` is dropped).
    Hang,
    /// Like `Reset`; meant to be set sticky to simulate an intake that is down.
    Down,
    /// 200 with a valid JSON array `[0,0,…]` exactly `bytes` long (streamed, never held whole).
    HugeJson { bytes: usize },
    /// This status with `{"errors":["…every request header, verbatim…"]}` (a WAF / debugging
    /// proxy quoting the request, API keys included).
    EchoHeaders { code: u16 },
    /// 200 with a chunked body that never ends (until the client goes away).
    Endless,
    /// 200 with `Content-Length` of `body`, sent one byte every `every`.
    Drip { body: String, every: Duration },
}

impl Fault {
    /// Parse the control-API form: `{"kind":"status","code":500,"body":".."}`,
    /// `{"kind":"rate_limited","retry_after":"1","reset":"2"}`, `{"kind":"slow","ms":300}`,
    /// `{"kind":"reset"|"hang"|"down"}`.
    pub fn from_json(v: &serde_json::Value) -> Result<Fault, String> {
        control::fault_from_json(v)
    }
}

/// Result of checking a request against the OpenAPI spec.
#[derive(Clone, Debug, PartialEq)]
pub enum Contract {
    Valid,
    /// `"instance_path: message"` per problem (`/` = the whole body, `?name` = a query parameter).
    Invalid(Vec<String>),
    /// The method + path is not described by the spec (also every `/api/v2/...` path).
    NotInSpec,
    /// Described, carries no JSON body and none is required.
    NoBody,
    /// No spec could be loaded.
    NoSpec,
}

impl Contract {
    /// `"valid" | "invalid" | "not_in_spec" | "no_body" | "no_spec"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Contract::Valid => "valid",
            Contract::Invalid(_) => "invalid",
            Contract::NotInSpec => "not_in_spec",
            Contract::NoBody => "no_body",
            Contract::NoSpec => "no_spec",
        }
    }
    /// The problems of an `Invalid` contract (empty otherwise).
    pub fn errors(&self) -> &[String] {
        match self {
            Contract::Invalid(e) => e,
            _ => &[],
        }
    }
}

/// One request as the intake received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path without the query string.
    pub path: String,
    pub raw_query: String,
    /// Percent- and plus-decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Header names lowercased, in order.
    pub headers: Vec<(String, String)>,
    /// Body after gzip/deflate decoding per `Content-Encoding`.
    pub body: Vec<u8>,
    pub content_encoding: Option<String>,
    /// Body length on the wire (before decoding).
    pub raw_body_len: usize,
    pub contract: Contract,
    pub fault: Option<Fault>,
}

impl Recorded {
    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// First query parameter with this (decoded) name.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    /// The body parsed as JSON; panics with the method, path and body if it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} {}: body is not JSON ({e}): {:?}",
                self.method,
                self.path,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    /// The JSON view served by `GET …/_intake/requests` (`contract` as a string,
    /// `contract_errors`, body parsed as JSON when it is JSON, else a string).
    pub fn to_json(&self) -> serde_json::Value {
        control::recorded_json(self)
    }
    /// The body as UTF-8 (`""` if it is not valid UTF-8).
    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or("")
    }
}

/// Validate a request against the automatically located spec (same validator the server uses).
/// If `path` contains `?query`, required query parameters are checked too; otherwise not.
pub fn validate(method: &str, path: &str, body: Option<&serde_json::Value>) -> Contract {
    spec::validate_public(method, path, body)
}

/// Where the spec would be loaded from without an explicit path: env `DOG_OPENAPI_SPEC`, else
/// the copy vendored in this crate, `intake/spec/v1-openapi.yaml`.
pub fn spec_location() -> Option<PathBuf> {
    spec::locate_default()
}
