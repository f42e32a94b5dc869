//! NO_PROXY / no_proxy, honoured as curl does, for the proxy from the environment and the one
//! set with dog_http_set_proxy(). One test function: it changes process-wide variables.

mod common;
use common::*;
use dogapi::ffi::http::*;
use dogapi::ffi::metric::dog_metric_post;
use dogapi::ffi::status::*;
use std::ptr::{null, null_mut};

fn metric(h: *mut DogHttp) -> dog_status_t {
    let n = c("m");
    unsafe { dog_metric_post(h, n.as_ptr(), 1.0, null(), null(), null(), null(), null_mut()) }
}

fn clear_env() {
    for v in ["NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "DD_PROXY_HTTPS"] {
        std::env::remove_var(v);
    }
}

/// With `no_proxy` in the environment: does a call to `host` go direct (`true`) or through the
/// proxy (`false`)? Checked with the proxy from the environment and with the option proxy.
fn direct(intake: &Intake, proxy: &CountingProxy, var: &str, no_proxy: &str, host: &str) -> bool {
    let mut answers = Vec::new();
    for from_env in [true, false] {
        clear_env();
        std::env::set_var(var, no_proxy);
        if from_env {
            std::env::set_var("HTTPS_PROXY", &proxy.url);
        }
        let h = unsafe { dog_http_new(c("k").as_ptr(), null()) };
        assert!(!h.is_null(), "{}", last_error());
        if !from_env {
            assert_eq!(unsafe { dog_http_set_proxy(h, c(&proxy.url).as_ptr()) }, DOG_OK);
        }
        let url = format!("http://{host}:{}", intake.port());
        assert_eq!(unsafe { dog_http_set_api_host(h, c(&url).as_ptr()) }, DOG_OK);
        let before = proxy.connections();
        let st = metric(h);
        unsafe { dog_http_free(h) };
        let went_direct = st == DOG_OK;
        assert_eq!(went_direct, proxy.connections() == before, "{var}={no_proxy} {host}: {st:?} {}", last_error());
        answers.push(went_direct);
    }
    clear_env();
    assert_eq!(answers[0], answers[1], "{var}={no_proxy} {host}: env and option proxy agree");
    answers[0]
}

#[test]
fn no_proxy_is_honoured_like_curl() {
    let intake = Intake::start();
    let proxy = CountingProxy::start();
    let port = intake.port();
    let cases: Vec<(&str, String, &str, bool)> = vec![
        ("NO_PROXY", "".into(), "127.0.0.1", false),
        ("NO_PROXY", "127.0.0.1".into(), "127.0.0.1", true),
        ("no_proxy", "127.0.0.1".into(), "127.0.0.1", true),
        ("NO_PROXY", "example.com, 127.0.0.1".into(), "127.0.0.1", true),
        ("NO_PROXY", "*".into(), "127.0.0.1", true),
        ("NO_PROXY", "localhost".into(), "localhost", true),
        ("NO_PROXY", "LOCALHOST".into(), "localhost", true),
        ("NO_PROXY", ".localhost".into(), "localhost", true),
        ("NO_PROXY", "host".into(), "localhost", false),
        ("NO_PROXY", "127.0.0.0/8".into(), "127.0.0.1", true),
        ("NO_PROXY", "10.0.0.0/8".into(), "127.0.0.1", false),
        ("NO_PROXY", format!("127.0.0.1:{port}"), "127.0.0.1", true),
        ("NO_PROXY", format!("127.0.0.1:{}", port.wrapping_add(1)), "127.0.0.1", false),
        ("NO_PROXY", "127.0.0.2".into(), "127.0.0.1", false),
        ("NO_PROXY", "example.com".into(), "127.0.0.1", false),
    ];
    for (var, value, host, want) in &cases {
        assert_eq!(direct(&intake, &proxy, var, value, host), *want, "{var}={value:?} host {host}");
    }
    assert!(proxy.connections() > 0);
}
