//! Promises at the edges of the HTTP client (DESIGN §6), through the C ABI against the intake:
//! keys echoed by a server never reach dog_error_last() or a log line; proxy credentials are
//! never quoted; plain http:// only for loopback hosts unless the caller opts in; bodiless
//! POST/PUT/PATCH/DELETE carry `Content-Length: 0`, never `Transfer-Encoding: chunked`.

#![allow(deprecated)] // the deprecated bodiless endpoints are part of the Content-Length check
mod common;
use common::*;
use dogapi::ffi::alert::*;
use dogapi::ffi::comment::dog_comment_delete;
use dogapi::ffi::dashboard::{dog_dash_delete, dog_dashboard_delete};
use dogapi::ffi::downtime::{dog_downtime_cancel, dog_downtime_v2_cancel};
use dogapi::ffi::host::dog_host_unmute;
use dogapi::ffi::http::*;
use dogapi::ffi::log::*;
use dogapi::ffi::metric::dog_metric_post;
use dogapi::ffi::monitor::{dog_monitor_delete, dog_monitor_mute_all, dog_monitor_unmute_all};
use dogapi::ffi::request::dog_http_request;
use dogapi::ffi::response::DogResponse;
use dogapi::ffi::screenboard::dog_screenboard_delete;
use dogapi::ffi::status::*;
use dogapi::ffi::tags::dog_tag_delete;
use std::ffi::{c_char, c_void, CStr};
use std::ptr::{null, null_mut};
use std::sync::Mutex;

/// The log sink and the environment are process-wide: every test here takes this lock.
static GLOBAL: Mutex<()> = Mutex::new(());
static LINES: Mutex<Vec<(i32, String)>> = Mutex::new(Vec::new());

unsafe extern "C" fn collect(level: i32, msg: *const c_char, _ud: *mut c_void) {
    LINES.lock().unwrap().push((level, unsafe { CStr::from_ptr(msg) }.to_string_lossy().into_owned()));
}

fn lock() -> std::sync::MutexGuard<'static, ()> {
    GLOBAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn metric(h: *mut DogHttp) -> dog_status_t {
    let n = c("m");
    unsafe { dog_metric_post(h, n.as_ptr(), 1.0, null(), null(), null(), null(), null_mut()) }
}

const API_KEY: &str = "0123456789abcdef0123456789abcdef";
const APP_KEY: &str = "fedcba9876543210fedcba9876543210fedcba98";

/// No piece of 8 characters of either key.
fn assert_no_key(what: &str, s: &str) {
    for key in [API_KEY, APP_KEY] {
        for i in 0..=key.len() - 8 {
            assert!(!s.contains(&key[i..i + 8]), "{what} quotes part of a key: {s}");
        }
    }
}

#[test]
fn keys_echoed_by_a_server_reach_neither_last_error_nor_the_log() {
    let _g = lock();
    let intake = Intake::start();
    let h = unsafe { dog_http_new(c(API_KEY).as_ptr(), c(APP_KEY).as_ptr()) };
    assert!(!h.is_null());
    assert_eq!(unsafe { dog_http_set_api_host(h, c(&intake.url()).as_ptr()) }, DOG_OK);
    LINES.lock().unwrap().clear();
    assert_eq!(dog_log_set_callback(Some(collect), DOG_LOG_DEBUG, null_mut()), DOG_OK);
    let mut seen = Vec::new();
    // A WAF quoting the request headers in a JSON error (`errors` → DOG_ERR_API).
    intake.push_fault(Fault::EchoHeaders { code: 403 });
    assert_eq!(metric(h), DOG_ERR_API);
    seen.push(last_error());
    // A non-JSON error page quoting a key where the 200-character snippet cuts it in two.
    let page = format!("<html>{}DD-API-KEY: {API_KEY} DD-APPLICATION-KEY: {APP_KEY}</html>", "x".repeat(180));
    intake.push_fault(Fault::Status { code: 502, body: page });
    assert_eq!(metric(h), DOG_ERR_HTTP_STATUS);
    seen.push(last_error());
    // A 200 whose body is not JSON.
    intake.push_fault(Fault::Status { code: 200, body: format!("debug: api_key={API_KEY}") });
    assert_eq!(metric(h), DOG_ERR_INVALID_RESPONSE);
    seen.push(last_error());
    // A 429 whose Retry-After quotes the key.
    intake.push_fault(Fault::RateLimited { retry_after: Some(APP_KEY.into()), reset: None });
    assert_eq!(metric(h), DOG_ERR_RATE_LIMITED);
    seen.push(last_error());
    assert_eq!(dog_log_set_callback(None, DOG_LOG_ERROR, null_mut()), DOG_OK);
    for e in &seen {
        assert!(e.contains("[r"), "the echoed key is replaced (the snippet may cut the marker): {e}");
        assert_no_key("dog_error_last()", e);
    }
    let lines = std::mem::take(&mut *LINES.lock().unwrap());
    assert!(lines.iter().filter(|(l, _)| *l == DOG_LOG_ERROR).count() >= 4, "{lines:?}");
    for (_, l) in &lines {
        assert_no_key("a log line", l);
    }
    unsafe { dog_http_free(h) };
}

#[test]
fn proxy_credentials_are_never_quoted() {
    let _g = lock();
    let h = unsafe { dog_http_new(c("k").as_ptr(), null()) };
    // '^' and '{' do not parse in a URL's userinfo.
    for bad in [
        "http://user:s3cr^t{pw@127.0.0.1:3128",
        "http://us{er:s3cr^tpw@proxy.invalid:3128/",
        "s3cr^t{pw@127.0.0.1:3128",
    ] {
        assert_eq!(unsafe { dog_http_set_proxy(h, c(bad).as_ptr()) }, DOG_ERR_INVALID_ARGUMENT, "{bad}");
        let e = last_error();
        assert!(!e.contains("s3cr") && !e.contains("us{er"), "{bad}: {e}");
    }
    // A proxy that parses but is not there: the connection error names no password either.
    assert_eq!(unsafe { dog_http_set_api_host(h, c("http://127.0.0.1:9").as_ptr()) }, DOG_OK);
    assert_eq!(unsafe { dog_http_set_proxy(h, c("http://user:pw-secret-1@127.0.0.1:1").as_ptr()) }, DOG_OK);
    assert_eq!(metric(h), DOG_ERR_CONNECTION);
    assert!(!last_error().contains("pw-secret-1"), "{}", last_error());
    unsafe { dog_http_free(h) };
    // The same through the environment: dog_http_new fails, without the password.
    std::env::set_var("HTTPS_PROXY", "http://user:s3cr^t{pw@127.0.0.1:3128");
    let h2 = unsafe { dog_http_new(c("k").as_ptr(), null()) };
    std::env::remove_var("HTTPS_PROXY");
    assert!(h2.is_null());
    let e = last_error();
    assert!(e.contains("HTTPS_PROXY") && !e.contains("s3cr"), "{e}");
}

#[test]
fn plain_http_only_for_loopback_unless_the_caller_opts_in() {
    let _g = lock();
    let h = unsafe { dog_http_new(c("k").as_ptr(), null()) };
    for bad in ["http://10.1.2.3:8080", "http://api.datadoghq.com", "http://127.0.0.1.example.com", "http://[::2]:80"] {
        assert_eq!(unsafe { dog_http_set_api_host(h, c(bad).as_ptr()) }, DOG_ERR_INVALID_ARGUMENT, "{bad}");
        assert!(last_error().contains("dog_http_set_allow_insecure_http"), "{}", last_error());
    }
    for good in [
        "http://127.0.0.1:1",
        "http://127.9.8.7:1",
        "http://localhost:1",
        "http://LOCALHOST",
        "http://[::1]:1",
        "https://10.1.2.3",
        "10.1.2.3",
    ] {
        assert_eq!(unsafe { dog_http_set_api_host(h, c(good).as_ptr()) }, DOG_OK, "{good}: {}", last_error());
    }
    unsafe { dog_http_free(h) };

    // DATADOG_HOST=http://<not loopback>: the client is made, but nothing is sent until the
    // caller opts in; then a warning is logged once.
    let proxy = CountingProxy::start();
    std::env::set_var("DATADOG_HOST", "http://10.1.2.3:8080");
    let h = unsafe { dog_http_new(c("k").as_ptr(), null()) };
    std::env::remove_var("DATADOG_HOST");
    assert!(!h.is_null(), "{}", last_error());
    // The proxy stands in for the network: nothing leaves loopback.
    assert_eq!(unsafe { dog_http_set_proxy(h, c(&proxy.url).as_ptr()) }, DOG_OK);
    assert_eq!(metric(h), DOG_ERR_INVALID_ARGUMENT);
    assert!(last_error().contains("http://"), "{}", last_error());
    assert_eq!(proxy.connections(), 0, "nothing was sent");
    LINES.lock().unwrap().clear();
    assert_eq!(dog_log_set_callback(Some(collect), DOG_LOG_WARN, null_mut()), DOG_OK);
    assert_eq!(dog_http_set_allow_insecure_http(h, true), DOG_OK);
    assert_eq!(unsafe { dog_http_set_api_host(h, c("http://10.1.2.4:8080").as_ptr()) }, DOG_OK);
    assert_eq!(metric(h), DOG_ERR_CONNECTION, "sent (to the proxy, which drops it)");
    assert_eq!(metric(h), DOG_ERR_CONNECTION);
    assert!(proxy.connections() >= 1);
    assert_eq!(dog_log_set_callback(None, DOG_LOG_ERROR, null_mut()), DOG_OK);
    let lines = std::mem::take(&mut *LINES.lock().unwrap());
    let warnings: Vec<_> = lines.iter().filter(|(l, m)| *l == DOG_LOG_WARN && m.contains("clear text")).collect();
    assert_eq!(warnings.len(), 1, "{lines:?}");
    // Opting out again refuses at once.
    assert_eq!(dog_http_set_allow_insecure_http(h, false), DOG_OK);
    let before = proxy.connections();
    assert_eq!(metric(h), DOG_ERR_INVALID_ARGUMENT);
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(proxy.connections(), before);
    unsafe { dog_http_free(h) };
}

type Bodiless<'a> = (&'static str, Box<dyn Fn(*mut *mut DogResponse) -> dog_status_t + 'a>);

#[test]
fn bodiless_requests_send_content_length_zero() {
    let _g = lock();
    let ctx = setup();
    let h = ctx.h;
    let host = c("web-1");
    let uuid = c("00000000-0000-4000-8000-000000000001");
    let dash = c("abc-def-ghi");
    let req = |m: &'static str| {
        let (m, p) = (c(m), c("/api/v1/hosts"));
        move |out| unsafe { dog_http_request(h, m.as_ptr(), p.as_ptr(), null(), null(), out) }
    };
    let calls: Vec<Bodiless> = vec![
        ("POST", Box::new(|o| dog_alert_mute_all(h, o))),
        ("POST", Box::new(|o| dog_alert_unmute_all(h, o))),
        ("POST", Box::new(|o| dog_monitor_mute_all(h, o))),
        ("POST", Box::new(|o| dog_monitor_unmute_all(h, o))),
        ("POST", Box::new(|o| unsafe { dog_host_unmute(h, host.as_ptr(), o) })),
        ("POST", Box::new(req("POST"))),
        ("PUT", Box::new(req("PUT"))),
        ("PATCH", Box::new(req("PATCH"))),
        ("DELETE", Box::new(req("DELETE"))),
        ("DELETE", Box::new(|o| dog_alert_delete(h, 1, o))),
        ("DELETE", Box::new(|o| dog_comment_delete(h, 1, o))),
        ("DELETE", Box::new(|o| dog_dash_delete(h, 1, o))),
        ("DELETE", Box::new(|o| unsafe { dog_dashboard_delete(h, dash.as_ptr(), o) })),
        ("DELETE", Box::new(|o| dog_downtime_cancel(h, 1, o))),
        ("DELETE", Box::new(|o| unsafe { dog_downtime_v2_cancel(h, uuid.as_ptr(), o) })),
        ("DELETE", Box::new(|o| dog_monitor_delete(h, 1, o))),
        ("DELETE", Box::new(|o| dog_screenboard_delete(h, 1, o))),
        ("DELETE", Box::new(|o| unsafe { dog_tag_delete(h, host.as_ptr(), null(), o) })),
    ];
    for (method, f) in &calls {
        let _ = call(f); // 404s for unknown ids are fine: only the request matters here
        let r = take_one(&ctx.intake);
        assert_eq!(&r.method, method);
        assert_eq!(r.header("transfer-encoding"), None, "{} {}: no chunked empty body", r.method, r.path);
        assert!(r.body.is_empty());
        assert_eq!(r.header("content-length"), Some("0"), "{} {}", r.method, r.path);
    }
}
