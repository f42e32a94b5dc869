//! `dog_http_t`: the HTTP API client handle (dogapi's `DogHttpApi`) and its options.

use super::status::dog_status_t;
use super::{handle, opt_str, ptr_call, req_str, status_call, value_call};
use crate::error::Error;
use crate::http::{options, Client};
use std::ffi::c_char;
use std::os::raw::c_int;

/// The opaque client behind `dog_http_t`.
pub struct DogHttp(pub(crate) Client);

impl DogHttp {
    /// The Rust client behind the handle (for Rust code that shares a handle with C).
    pub fn client(&self) -> &Client {
        &self.0
    }
}

/// Creates a client. `api_key` / `application_key` NULL: take `DD_API_KEY` / `DD_APP_KEY`
/// from the environment (an empty string means "no key"). Options start at dogapi's defaults
/// (api_version "v1", timeout 2 s, max_timeouts 3, backoff_period 300 s, swallow on,
/// json_responses off) and read the environment once: `DATADOG_HOST` (explicit host),
/// `DD_SITE` (default `datadoghq.com`, host `https://api.<site>`), `DD_PROXY_HTTPS` /
/// `HTTPS_PROXY`, `NO_PROXY` / `no_proxy`. Keys travel only in the `DD-API-KEY` /
/// `DD-APPLICATION-KEY` headers, and are scrubbed from every message the library builds, even
/// when a server echoes them back. A client created before fork() may be used in the child:
/// the child's first call starts with no connection, lock or thread of its parent.
/// Returns NULL on failure (a key with non-printable characters, a malformed `DATADOG_HOST`,
/// `DD_SITE` or proxy variable); `dog_error_last()` says why. The handle is safe to share
/// between threads; free it with `dog_http_free()` once no thread uses it.
#[no_mangle]
pub unsafe extern "C" fn dog_http_new(api_key: *const c_char, application_key: *const c_char) -> *mut DogHttp {
    ptr_call(|| {
        // SAFETY: C strings from the caller.
        let (api, app) = unsafe { (opt_str(api_key, "api_key")?, opt_str(application_key, "application_key")?) };
        let client = Client::new(api, app)?;
        Ok(Box::into_raw(Box::new(DogHttp(client))))
    })
}

/// Frees a client and closes its connections. NULL does nothing. No other thread may be
/// inside a call on this client, nor start one, during or after this call (a use-after-free
/// the library cannot detect: join those threads first).
#[no_mangle]
pub unsafe extern "C" fn dog_http_free(client: *mut DogHttp) {
    value_call((), || {
        if !client.is_null() {
            // SAFETY: a handle from dog_http_new, freed once (caller's contract).
            drop(unsafe { Box::from_raw(client) });
        }
    })
}

/// Runs `f` on the client behind `client` inside the boundary.
fn with_client(client: *const DogHttp, f: impl FnOnce(&Client) -> Result<(), Error>) -> dog_status_t {
    status_call(|| {
        // SAFETY: a live handle from dog_http_new (caller's contract).
        let c = unsafe { handle(client, "client")? };
        f(&c.0)
    })
}

/// Sets the API host: `https://host`, `http://host:port` or a bare `host` (https). A trailing
/// slash is ignored; other schemes are `DOG_ERR_INVALID_ARGUMENT`. It wins over the site.
/// NULL removes an explicit host (requests go to `https://api.<site>`). `http://` is only for
/// loopback hosts (127.0.0.0/8, ::1, `localhost`): another host is `DOG_ERR_INVALID_ARGUMENT`
/// unless `dog_http_set_allow_insecure_http(client, true)` was called first (a host from
/// `DATADOG_HOST` is checked at each call instead).
#[no_mangle]
pub unsafe extern "C" fn dog_http_set_api_host(client: *mut DogHttp, url: *const c_char) -> dog_status_t {
    // SAFETY: C string from the caller.
    with_client(client, |c| c.set_api_host(unsafe { opt_str(url, "url")? }))
}

/// Sets the Datadog site (`datadoghq.com`, `datadoghq.eu`, `us3.datadoghq.com`, ...): requests
/// go to `https://api.<site>` unless an API host is set. NULL: `datadoghq.com`.
#[no_mangle]
pub unsafe extern "C" fn dog_http_set_site(client: *mut DogHttp, site: *const c_char) -> dog_status_t {
    // SAFETY: C string from the caller.
    with_client(client, |c| c.set_site(unsafe { opt_str(site, "site")? }))
}

/// Sets the API version path segment (`"v1"`, the default). Letters, digits, `.`, `-`, `_`.
#[no_mangle]
pub unsafe extern "C" fn dog_http_set_api_version(client: *mut DogHttp, version: *const c_char) -> dog_status_t {
    // SAFETY: C string from the caller.
    with_client(client, |c| c.set_api_version(unsafe { req_str(version, "version")? }))
}

/// Sets dogapi's timeout, in seconds (0.001 to 86400; default 2): the longest a whole call may
/// take — connecting, sending, reading and interpreting the answer — before it fails with
/// `DOG_ERR_TIMEOUT` (within 25 ms), so a server that drips bytes cannot hold a call longer.
/// Anything else (NaN, infinite, out of range) is `DOG_ERR_INVALID_ARGUMENT`, nothing changes.
#[no_mangle]
pub extern "C" fn dog_http_set_timeout(client: *mut DogHttp, seconds: f64) -> dog_status_t {
    with_client(client, |c| c.set_timeout(options::timeout_from_secs(seconds)?))
}

/// Sets how many timeouts in a row put the client into backoff (default 3; 0 backs off at
/// the first call). Negative is `DOG_ERR_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn dog_http_set_max_timeouts(client: *mut DogHttp, max_timeouts: c_int) -> dog_status_t {
    with_client(client, |c| {
        c.set_max_timeouts(options::max_timeouts_from(max_timeouts.into())?);
        Ok(())
    })
}

/// Sets how long, in seconds, calls are refused with `DOG_ERR_BACKOFF` once in backoff
/// (default 300): 0 to 86400; anything else (NaN, infinite, out of range) is
/// `DOG_ERR_INVALID_ARGUMENT` and nothing changes.
#[no_mangle]
pub extern "C" fn dog_http_set_backoff_period(client: *mut DogHttp, seconds: f64) -> dog_status_t {
    with_client(client, |c| {
        c.set_backoff_period(options::backoff_period_from_secs(seconds)?);
        Ok(())
    })
}

/// dogapi's `swallow` (default on). Statuses are always truthful; with swallow on every failed
/// call is also logged at `DOG_LOG_ERROR` through the log callback.
#[no_mangle]
pub extern "C" fn dog_http_set_swallow(client: *mut DogHttp, swallow: bool) -> dog_status_t {
    with_client(client, |c| {
        c.set_swallow(swallow);
        Ok(())
    })
}

/// dogapi's `use_ec2_instance_id` (default off): metrics posted without a host use the EC2
/// instance id (asked from the metadata service with a 250 ms budget) instead of the host name.
#[no_mangle]
pub extern "C" fn dog_http_set_use_ec2_instance_id(client: *mut DogHttp, use_ec2_instance_id: bool) -> dog_status_t {
    with_client(client, |c| {
        c.set_use_ec2_instance_id(use_ec2_instance_id);
        Ok(())
    })
}

/// dogapi's `json_responses` (default off): when on, `dog_response_result()` is the whole
/// answer instead of the part dogapi's formatter picks (e.g. the event id).
#[no_mangle]
pub extern "C" fn dog_http_set_json_responses(client: *mut DogHttp, json_responses: bool) -> dog_status_t {
    with_client(client, |c| {
        c.set_json_responses(json_responses);
        Ok(())
    })
}

/// Allows `http://` API hosts that are not loopback (default off: only 127.0.0.0/8, ::1 and
/// `localhost` may be reached without TLS). Both keys then travel in clear text; the first call
/// to such a host logs a `DOG_LOG_WARN` line. Switching it off again refuses such calls.
#[no_mangle]
pub extern "C" fn dog_http_set_allow_insecure_http(client: *mut DogHttp, allow: bool) -> dog_status_t {
    with_client(client, |c| {
        c.set_allow_insecure_http(allow);
        Ok(())
    })
}

/// Sets the largest answer body read, in bytes: 1024 to 1073741824 (1 GiB), default 33554432
/// (32 MiB, room for Datadog's largest answers, unpaginated lists such as every monitor). A
/// longer answer fails with `DOG_ERR_INVALID_RESPONSE` and is not handed out; nothing beyond
/// the cap is read. Out of range: `DOG_ERR_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn dog_http_set_max_response_bytes(client: *mut DogHttp, max_bytes: usize) -> dog_status_t {
    with_client(client, |c| c.set_max_response_bytes(u64::try_from(max_bytes).unwrap_or(u64::MAX)))
}

/// Global tags: a comma-separated list (`"team:core,region:eu"`) added to every event
/// (`dog_event_post()`) and service check (`dog_service_check_post()`) this client posts,
/// after the call's own tags, each tag once (a tag the call already carries is not repeated).
/// The tags of Datadog's unified service tagging, read from the environment by
/// `dog_http_new()` — `DD_ENV`, `DD_SERVICE`, `DD_VERSION` (as `env:<v>`, `service:<v>`,
/// `version:<v>`) and `DD_TAGS` (comma or space separated) — are added the same way whatever
/// this setter says. Tags are normalised as `dog_metric_post()` does; one longer than 200
/// characters is `DOG_ERR_INVALID_ARGUMENT` and nothing changes. NULL or `""`: none besides the
/// environment's.
#[no_mangle]
pub unsafe extern "C" fn dog_http_set_global_tags(client: *mut DogHttp, tags: *const c_char) -> dog_status_t {
    // SAFETY: C string from the caller.
    with_client(client, |c| c.set_global_tags(unsafe { opt_str(tags, "tags")? }))
}

/// Sends requests through an HTTP proxy (`http://host:port`; HTTPS is tunnelled with
/// CONNECT). A port outside 1..65535 is `DOG_ERR_INVALID_ARGUMENT`. NULL: direct connections
/// (the environment is read only by `dog_http_new`). A URL that does not parse is
/// `DOG_ERR_INVALID_ARGUMENT`; its `user:password@` part is never quoted in `dog_error_last()`
/// or a log line. Hosts listed in `NO_PROXY` / `no_proxy` (read by `dog_http_new`, as curl
/// reads it: `*`, host and domain suffixes, IPs, CIDR ranges, each with an optional `:port`)
/// are reached directly.
#[no_mangle]
pub unsafe extern "C" fn dog_http_set_proxy(client: *mut DogHttp, proxy_url: *const c_char) -> dog_status_t {
    // SAFETY: C string from the caller.
    with_client(client, |c| c.set_proxy(unsafe { opt_str(proxy_url, "proxy_url")? }))
}

/// The shape of every API call: resets `*out_response`, checks the client, runs `f` (which
/// converts the arguments and calls the core) and hands out the response.
pub(crate) fn api_call(
    client: *const DogHttp,
    out_response: *mut *mut super::response::DogResponse,
    f: impl FnOnce(&Client) -> Result<crate::http::Outcome, Error>,
) -> dog_status_t {
    status_call(|| {
        if !out_response.is_null() {
            // SAFETY: non-NULL out-parameters are writable (caller's contract).
            unsafe { *out_response = std::ptr::null_mut() };
        }
        // SAFETY: a live handle from dog_http_new (caller's contract).
        let c = unsafe { handle(client, "client")? };
        let outcome = f(&c.0)?;
        // SAFETY: as above.
        unsafe { super::response::deliver(outcome, out_response) }
    })
}
