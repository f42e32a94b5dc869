//! The client core through the C ABI: auth, host resolution, keep-alive, statuses for every
//! fault of the intake, timeouts, backoff, swallow/logging, json_responses, option checks.

mod common;
use common::*;
use dogapi::ffi::http::*;
use dogapi::ffi::log::*;
use dogapi::ffi::metric::dog_metric_post;
use dogapi::ffi::status::dog_status_t::{self, *};
use std::ffi::{c_char, c_void, CStr};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Environment variables are process-wide: tests that set them take this lock.
static ENV: Mutex<()> = Mutex::new(());

fn metric(cl: *mut DogHttp, out: &mut Resp) -> dog_status_t {
    let n = c("m");
    unsafe { dog_metric_post(cl, n.as_ptr(), 1.0, null(), null(), null(), null(), out.out()) }
}

#[test]
fn keys_travel_in_headers_only_with_our_user_agent() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    assert_eq!(metric(cl.ptr(), &mut Resp::null()), DOG_OK);
    let req = only_request(&intake);
    assert_eq!(req.header("dd-api-key"), Some("test-api-key"));
    assert_eq!(req.header("dd-application-key"), Some("test-app-key"));
    assert_eq!(req.header("user-agent"), Some(concat!("libdogapi/", env!("CARGO_PKG_VERSION"))));
    assert!(!req.raw_query.contains("key"), "no key in the URL: {}", req.raw_query);
}

#[test]
fn keys_and_host_from_the_environment() {
    let _g = ENV.lock().unwrap();
    let intake = Intake::start();
    std::env::set_var("DD_API_KEY", "env-api-key");
    std::env::set_var("DD_APP_KEY", "env-app-key");
    std::env::set_var("DATADOG_HOST", intake.url() + "/");
    let h = unsafe { dog_http_new(null(), null()) };
    std::env::remove_var("DATADOG_HOST");
    std::env::remove_var("DD_API_KEY");
    std::env::remove_var("DD_APP_KEY");
    assert!(!h.is_null(), "{}", last_error());
    assert_eq!(metric(h, &mut Resp::null()), DOG_OK, "{}", last_error());
    let req = only_request(&intake);
    assert_eq!(req.header("dd-api-key"), Some("env-api-key"));
    assert_eq!(req.header("dd-application-key"), Some("env-app-key"));
    unsafe { dog_http_free(h) };

    std::env::set_var("DATADOG_HOST", "ftp://nope");
    let h = unsafe { dog_http_new(c("k").as_ptr(), null()) };
    std::env::remove_var("DATADOG_HOST");
    assert!(h.is_null());
    assert!(last_error().contains("DATADOG_HOST"), "{}", last_error());

    let h = unsafe { dog_http_new(c("bad\nkey").as_ptr(), null()) };
    assert!(h.is_null());
    assert!(!last_error().contains("bad\nkey"), "the key is never echoed");
}

#[test]
fn site_and_explicit_host() {
    let _g = ENV.lock().unwrap();
    std::env::set_var("DD_SITE", "datadoghq.eu");
    let h = unsafe { dog_http_new(c("k").as_ptr(), null()) };
    std::env::remove_var("DD_SITE");
    let client = unsafe { (*h).client() };
    assert_eq!(client.base_url(), "https://api.datadoghq.eu");
    assert_eq!(unsafe { dog_http_set_site(h, c("us5.datadoghq.com").as_ptr()) }, DOG_OK);
    assert_eq!(client.base_url(), "https://api.us5.datadoghq.com");
    assert_eq!(unsafe { dog_http_set_api_host(h, c("http://127.0.0.1:9/").as_ptr()) }, DOG_OK);
    assert_eq!(client.base_url(), "http://127.0.0.1:9", "an explicit host wins over the site");
    assert_eq!(unsafe { dog_http_set_api_host(h, null()) }, DOG_OK);
    assert_eq!(client.base_url(), "https://api.us5.datadoghq.com");
    assert_eq!(unsafe { dog_http_set_site(h, c("https://api.datadoghq.eu").as_ptr()) }, DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(unsafe { dog_http_set_api_host(h, c("ftp://x").as_ptr()) }, DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(unsafe { dog_http_set_api_version(h, c("v1/../v2").as_ptr()) }, DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_http_set_timeout(h, f64::NAN), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_http_set_timeout(h, 0.0), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_http_set_max_timeouts(h, -1), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_http_set_backoff_period(h, -5.0), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(unsafe { dog_http_set_proxy(h, c("socks9://x").as_ptr()) }, DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_http_set_swallow(null_mut(), true), DOG_ERR_NULL_ARGUMENT);
    unsafe { dog_http_free(h) };
}

#[test]
fn api_version_is_the_second_path_segment() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    assert_eq!(unsafe { dog_http_set_api_version(cl.ptr(), c("v2").as_ptr()) }, DOG_OK);
    let _ = metric(cl.ptr(), &mut Resp::null());
    assert_eq!(only_request(&intake).path, "/api/v2/series");
}

/// A minimal HTTP/1.1 server answering 202 to everything and counting connections.
fn counting_server() -> (String, Arc<AtomicUsize>) {
    server(false)
}

/// `close_after_answer`: the server closes each connection right after answering, without
/// saying so (no `Connection: close`), as an idle-timeout on a load balancer does.
fn server(close_after_answer: bool) -> (String, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let conns = Arc::new(AtomicUsize::new(0));
    let c2 = conns.clone();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            c2.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                let mut r = BufReader::new(s.try_clone().unwrap());
                let mut w = s;
                loop {
                    let mut len = 0usize;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if r.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if line == "\r\n" {
                            break;
                        }
                        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0; len];
                    r.read_exact(&mut body).unwrap();
                    w.write_all(b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}").unwrap();
                    if close_after_answer {
                        return;
                    }
                }
            });
        }
    });
    (url, conns)
}

#[test]
fn one_client_keeps_its_connection_alive() {
    let (url, conns) = counting_server();
    let h = unsafe { dog_http_new(c("k").as_ptr(), null()) };
    assert_eq!(unsafe { dog_http_set_api_host(h, c(&url).as_ptr()) }, DOG_OK);
    for _ in 0..20 {
        assert_eq!(metric(h, &mut Resp::null()), DOG_OK, "{}", last_error());
    }
    assert_eq!(conns.load(Ordering::SeqCst), 1, "20 sequential calls over one connection");
    unsafe { dog_http_free(h) };
}

#[test]
fn a_pooled_connection_the_server_closed_is_not_reused() {
    let (url, conns) = server(true);
    let h = unsafe { dog_http_new(c("k").as_ptr(), null()) };
    assert_eq!(unsafe { dog_http_set_api_host(h, c(&url).as_ptr()) }, DOG_OK);
    for i in 0..5 {
        assert_eq!(metric(h, &mut Resp::null()), DOG_OK, "call {i}: {}", last_error());
        std::thread::sleep(Duration::from_millis(20)); // let the close reach us
    }
    assert_eq!(conns.load(Ordering::SeqCst), 5, "each call found its pooled connection closed and opened a new one");
    unsafe { dog_http_free(h) };
}

#[test]
fn every_intake_fault_has_its_status() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    let mut r = Resp::null();

    intake.push_fault(Fault::Status { code: 500, body: "<html>oops</html>".into() });
    assert_eq!(metric(cl.ptr(), &mut r), DOG_ERR_HTTP_STATUS);
    assert_eq!((r.status(), r.body().unwrap().as_str()), (500, "<html>oops</html>"));
    assert!(last_error().contains("HTTP 500") && !last_error().contains("test-api-key"), "{}", last_error());

    intake.push_fault(Fault::Status { code: 403, body: r#"{"errors":["Forbidden"]}"#.into() });
    assert_eq!(metric(cl.ptr(), &mut r), DOG_ERR_API);
    assert!(last_error().contains("Forbidden"));
    assert_eq!(r.status(), 403);

    intake.push_fault(Fault::Status { code: 200, body: r#"{"errors":["soft failure"]}"#.into() });
    assert_eq!(metric(cl.ptr(), &mut r), DOG_ERR_API, "an errors key fails even with 200");

    intake.push_fault(Fault::Status { code: 202, body: "not json".into() });
    assert_eq!(metric(cl.ptr(), &mut r), DOG_ERR_INVALID_RESPONSE);
    assert_eq!(r.body().as_deref(), Some("not json"));

    intake.push_fault(Fault::RateLimited { retry_after: Some("3".into()), reset: Some("5".into()) });
    assert_eq!(metric(cl.ptr(), &mut r), DOG_ERR_RATE_LIMITED);
    assert_eq!(r.status(), 429);
    assert_eq!(r.header("Retry-After").as_deref(), Some("3"));
    assert_eq!(r.header("x-ratelimit-reset").as_deref(), Some("5"));

    intake.push_fault(Fault::Reset);
    assert_eq!(metric(cl.ptr(), &mut r), DOG_ERR_CONNECTION);
    assert!(r.is_null(), "no response arrived");

    assert_eq!(dog_http_set_timeout(cl.ptr(), 0.3), DOG_OK);
    intake.push_fault(Fault::Slow(Duration::from_millis(1000)));
    let t = Instant::now();
    assert_eq!(metric(cl.ptr(), &mut r), DOG_ERR_TIMEOUT);
    assert!(t.elapsed() < Duration::from_secs(3));

    intake.push_fault(Fault::Hang);
    assert_eq!(metric(cl.ptr(), &mut r), DOG_ERR_TIMEOUT);
    assert!(last_error().contains("timed out"), "{}", last_error());

    intake.push_fault(Fault::Slow(Duration::from_millis(50)));
    assert_eq!(metric(cl.ptr(), &mut r), DOG_OK, "a slow answer within the timeout is fine");
    assert_eq!(metric(cl.ptr(), &mut r), DOG_OK);
}

#[test]
fn refused_tls_and_proxy_failures() {
    let intake = Intake::start();
    let h = unsafe { dog_http_new(c("k").as_ptr(), null()) };
    assert_eq!(unsafe { dog_http_set_api_host(h, c("http://127.0.0.1:1").as_ptr()) }, DOG_OK);
    assert_eq!(metric(h, &mut Resp::null()), DOG_ERR_CONNECTION);
    // https against a plain-HTTP port: the handshake fails, and it is not a timeout
    let https = format!("https://127.0.0.1:{}", intake.port());
    assert_eq!(unsafe { dog_http_set_api_host(h, c(&https).as_ptr()) }, DOG_OK);
    assert_eq!(metric(h, &mut Resp::null()), DOG_ERR_TLS, "{}", last_error());
    // a proxy that is not there: the request goes to the proxy, not to the host
    assert_eq!(unsafe { dog_http_set_api_host(h, c(&intake.url()).as_ptr()) }, DOG_OK);
    assert_eq!(unsafe { dog_http_set_proxy(h, c("http://127.0.0.1:1").as_ptr()) }, DOG_OK);
    assert_eq!(metric(h, &mut Resp::null()), DOG_ERR_CONNECTION);
    assert!(intake.requests().is_empty());
    assert_eq!(unsafe { dog_http_set_proxy(h, null()) }, DOG_OK);
    assert_eq!(metric(h, &mut Resp::null()), DOG_OK);
    unsafe { dog_http_free(h) };
}

#[test]
fn backoff_sequence_with_short_periods() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    assert_eq!(dog_http_set_timeout(cl.ptr(), 0.2), DOG_OK);
    assert_eq!(dog_http_set_max_timeouts(cl.ptr(), 3), DOG_OK);
    assert_eq!(dog_http_set_backoff_period(cl.ptr(), 0.6), DOG_OK);
    intake.set_fault(Some(Fault::Slow(Duration::from_millis(500))));
    let statuses: Vec<_> = (0..5).map(|_| metric(cl.ptr(), &mut Resp::null())).collect();
    assert_eq!(
        statuses,
        [DOG_ERR_TIMEOUT, DOG_ERR_TIMEOUT, DOG_ERR_TIMEOUT, DOG_ERR_BACKOFF, DOG_ERR_BACKOFF],
        "the (max_timeouts+1)-th call is the first refused"
    );
    assert!(last_error().contains("too many timeouts"));
    let sent_before = intake.requests().len();
    assert_eq!(sent_before, 3, "refused calls send nothing");
    intake.set_fault(None);
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(metric(cl.ptr(), &mut Resp::null()), DOG_OK, "the call after the period is sent: {}", last_error());
    // the counter was reset: three more timeouts are needed to back off again
    intake.set_fault(Some(Fault::Slow(Duration::from_millis(500))));
    assert_eq!(metric(cl.ptr(), &mut Resp::null()), DOG_ERR_TIMEOUT);
    intake.set_fault(None);
    assert_eq!(metric(cl.ptr(), &mut Resp::null()), DOG_OK);
}

#[test]
fn connection_errors_do_not_count_towards_backoff() {
    let h = unsafe { dog_http_new(c("k").as_ptr(), null()) };
    assert_eq!(unsafe { dog_http_set_api_host(h, c("http://127.0.0.1:1").as_ptr()) }, DOG_OK);
    assert_eq!(dog_http_set_max_timeouts(h, 1), DOG_OK);
    for _ in 0..4 {
        assert_eq!(metric(h, &mut Resp::null()), DOG_ERR_CONNECTION);
    }
    unsafe { dog_http_free(h) };
}

static LINES: Mutex<Vec<(i32, String)>> = Mutex::new(Vec::new());

unsafe extern "C" fn collect(level: i32, msg: *const c_char, ud: *mut c_void) {
    assert_eq!(ud as usize, 0xd06);
    LINES.lock().unwrap().push((level, unsafe { CStr::from_ptr(msg) }.to_string_lossy().into_owned()));
}

#[test]
fn swallow_logs_failures_and_info_logs_requests() {
    let _g = ENV.lock().unwrap(); // the log sink is process-wide too
    let intake = Intake::start();
    let cl = Client::new(&intake);
    assert_eq!(dog_set_log_callback(Some(collect), DOG_LOG_INFO, 0xd06 as *mut c_void), DOG_OK);
    intake.push_fault(Fault::Status { code: 500, body: "{}".into() });
    assert_eq!(metric(cl.ptr(), &mut Resp::null()), DOG_ERR_HTTP_STATUS, "swallow never hides the status");
    assert_eq!(dog_http_set_swallow(cl.ptr(), false), DOG_OK);
    intake.push_fault(Fault::Status { code: 500, body: "{}".into() });
    assert_eq!(metric(cl.ptr(), &mut Resp::null()), DOG_ERR_HTTP_STATUS);
    assert_eq!(dog_set_log_callback(None, DOG_LOG_ERROR, null_mut()), DOG_OK);
    assert_eq!(dog_set_log_callback(Some(collect), 9, null_mut()), DOG_ERR_INVALID_ARGUMENT);
    let lines = std::mem::take(&mut *LINES.lock().unwrap());
    let errors: Vec<_> = lines.iter().filter(|(l, _)| *l == DOG_LOG_ERROR).collect();
    assert_eq!(errors.len(), 1, "one error line, from the swallowing call: {lines:?}");
    assert!(errors[0].1.contains("HTTP 500"));
    assert_eq!(lines.iter().filter(|(l, m)| *l == DOG_LOG_INFO && m.contains("POST /api/v1/series -> 500")).count(), 2);
    assert!(lines.iter().all(|(_, m)| !m.contains("test-api-key")));
}

#[test]
fn json_responses_switches_the_result_view() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    assert_eq!(dog_http_set_json_responses(cl.ptr(), true), DOG_OK);
    let mut r = Resp::null();
    let (t, x) = (c("t"), c("x"));
    let st = unsafe {
        dogapi::ffi::event::dog_event_post(
            cl.ptr(),
            t.as_ptr(),
            x.as_ptr(),
            0,
            null(),
            null(),
            0,
            null(),
            null(),
            null(),
            null(),
            null(),
            null(),
            r.out(),
        )
    };
    assert_eq!(st, DOG_OK);
    let v = r.result_json();
    assert_eq!(v["status"], "ok");
    assert!(v["event"]["id"].is_number());
    assert_eq!(r.id(), Some(v["event"]["id"].to_string()), "the id is extracted either way");
    // an empty body becomes {} with json_responses (dogapi)
    intake.push_fault(Fault::Status { code: 204, body: String::new() });
    assert_eq!(metric(cl.ptr(), &mut r), DOG_OK);
    assert_eq!(r.result().as_deref(), Some("{}"));
    assert_eq!(dog_http_set_json_responses(cl.ptr(), false), DOG_OK);
    intake.push_fault(Fault::Status { code: 204, body: String::new() });
    assert_eq!(metric(cl.ptr(), &mut r), DOG_OK);
    assert_eq!(r.result(), None);
}

#[test]
fn one_client_shared_by_threads() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    let ptr = cl.ptr() as usize;
    let handles: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                for _ in 0..25 {
                    assert_eq!(metric(ptr as *mut DogHttp, &mut Resp::null()), DOG_OK);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let reqs = intake.requests();
    assert_eq!(reqs.len(), 100);
    reqs.iter().for_each(assert_valid);
}

#[test]
fn statuses_have_names_and_version_matches() {
    let name = |s: i32| unsafe { CStr::from_ptr(dogapi::ffi::status::dog_status_str(s)) }.to_str().unwrap().to_string();
    assert_eq!(name(0), "DOG_OK");
    assert_eq!(name(DOG_ERR_RATE_LIMITED as i32), "DOG_ERR_RATE_LIMITED");
    assert_eq!(name(-3), "DOG_ERR_UNKNOWN");
    let v = unsafe { CStr::from_ptr(dogapi::ffi::version::dog_version()) }.to_str().unwrap();
    assert_eq!(v, env!("CARGO_PKG_VERSION"));
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/dogapi.h")).unwrap();
    assert!(header.contains(&format!("#define DOGAPI_VERSION_STRING \"{v}\"")));
}
