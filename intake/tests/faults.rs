//! Fault injection (Rust API and HTTP control API).

mod common;
use common::{agent, call, json};
use dogapi_intake::{Fault, Intake};
use serde_json::json;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn raw_get(port: u16, path: &str) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\nDD-API-KEY: k\r\n\r\n").unwrap();
    s
}

#[test]
fn status_fault_fifo_then_sticky() {
    let i = Intake::start();
    let a = agent();
    let url = format!("{}/api/v1/validate", i.url());
    i.push_fault(Fault::Status { code: 500, body: r#"{"errors":["boom"]}"#.into() });
    i.push_fault(Fault::Status { code: 503, body: String::new() });
    i.set_fault(Some(Fault::Status { code: 502, body: "{}".into() }));
    assert_eq!(call(&a, "GET", &url, None), (500, r#"{"errors":["boom"]}"#.into()));
    assert_eq!(call(&a, "GET", &url, None).0, 503);
    assert_eq!(call(&a, "GET", &url, None).0, 502);
    assert_eq!(call(&a, "GET", &url, None).0, 502);
    i.set_fault(None);
    assert_eq!(call(&a, "GET", &url, None).0, 200);
    let rs = i.requests();
    assert_eq!(rs.len(), 5);
    assert!(matches!(rs[0].fault, Some(Fault::Status { code: 500, .. })));
    assert!(matches!(rs[3].fault, Some(Fault::Status { code: 502, .. })));
    assert!(rs[4].fault.is_none());
}

#[test]
fn rate_limited_headers() {
    let i = Intake::start();
    let a = agent();
    i.push_fault(Fault::RateLimited { retry_after: Some("2".into()), reset: Some("7".into()) });
    i.push_fault(Fault::RateLimited { retry_after: None, reset: None });
    let mut r = a.post(format!("{}/api/v1/series", i.url())).header("DD-API-KEY", "k").send(&b"{}"[..]).unwrap();
    assert_eq!(r.status().as_u16(), 429);
    let h = |r: &ureq::http::Response<ureq::Body>, n: &str| r.headers().get(n).map(|v| v.to_str().unwrap().to_string());
    assert_eq!(h(&r, "retry-after").as_deref(), Some("2"));
    assert_eq!(h(&r, "x-ratelimit-reset").as_deref(), Some("7"));
    assert_eq!(h(&r, "x-ratelimit-remaining").as_deref(), Some("0"));
    assert!(
        h(&r, "x-ratelimit-limit").is_some()
            && h(&r, "x-ratelimit-period").is_some()
            && h(&r, "x-ratelimit-name").is_some()
    );
    assert_eq!(json(&r.body_mut().read_to_string().unwrap()), json!({"errors":["Rate limit exceeded"]}));
    let r = a.post(format!("{}/api/v1/series", i.url())).header("DD-API-KEY", "k").send(&b"{}"[..]).unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert!(h(&r, "retry-after").is_none() && h(&r, "x-ratelimit-reset").is_none());
}

#[test]
fn slow_answers_after_the_delay() {
    let i = Intake::start();
    i.push_fault(Fault::Slow(Duration::from_millis(300)));
    let t = Instant::now();
    let (st, b) = call(&agent(), "POST", &format!("{}/api/v1/series", i.url()), Some(r#"{"series":[]}"#));
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!((st, b.as_str()), (202, r#"{"status":"ok"}"#));
    // a client with a shorter timeout gives up; the request is still recorded
    i.push_fault(Fault::Slow(Duration::from_secs(2)));
    let short: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(Duration::from_millis(200))).proxy(None).build().into();
    assert!(short.get(format!("{}/api/v1/validate", i.url())).call().is_err());
    assert_eq!(i.wait_for(2, Duration::from_secs(5)).len(), 2);
}

#[test]
fn reset_closes_with_rst_without_answer() {
    let i = Intake::start();
    i.push_fault(Fault::Reset);
    let mut s = raw_get(i.port(), "/api/v1/validate");
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 64];
    match s.read(&mut buf) {
        Err(e) => assert_eq!(e.kind(), ErrorKind::ConnectionReset),
        Ok(n) => panic!("expected RST, read {n} bytes"),
    }
    assert!(matches!(i.requests()[0].fault, Some(Fault::Reset)));
    // via a real client: an error, then the next request works
    i.push_fault(Fault::Reset);
    let a = agent();
    assert!(a.get(format!("{}/api/v1/validate", i.url())).header("DD-API-KEY", "k").call().is_err());
    assert_eq!(call(&a, "GET", &format!("{}/api/v1/validate", i.url()), None).0, 200);
}

#[test]
fn down_resets_every_request_until_healed() {
    let i = Intake::start();
    i.set_fault(Some(Fault::Down));
    let a = agent();
    for _ in 0..3 {
        assert!(a.get(format!("{}/api/v1/validate", i.url())).header("DD-API-KEY", "k").call().is_err());
    }
    let rs = i.requests();
    assert!(rs.len() >= 3 && rs.iter().all(|r| r.fault == Some(Fault::Down)));
    i.set_fault(None);
    assert_eq!(call(&a, "GET", &format!("{}/api/v1/validate", i.url()), None).0, 200);
}

#[test]
fn hang_never_answers_until_dropped() {
    let i = Intake::start();
    i.push_fault(Fault::Hang);
    let mut s = raw_get(i.port(), "/api/v1/validate");
    s.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
    let mut buf = [0u8; 64];
    let e = s.read(&mut buf).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut), "{e}");
    assert_eq!(i.requests().len(), 1);
    // other connections are served meanwhile
    assert_eq!(call(&agent(), "GET", &format!("{}/api/v1/validate", i.url()), None).0, 200);
    // dropping the intake releases the hung connection promptly
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let t = Instant::now();
    drop(i);
    assert!(t.elapsed() < Duration::from_secs(3), "drop took {:?}", t.elapsed());
    assert_eq!(s.read(&mut buf).unwrap_or(0), 0);
}

#[test]
fn control_api_over_http() {
    let i = Intake::start();
    let a = agent();
    let u = i.url();
    let ctl = |m: &str, p: &str, b: Option<&str>| {
        // no API key needed: use a bare request
        let url = format!("{u}/api/v1/_intake/{p}");
        let mut r = match m {
            "GET" => a.get(&url).call().unwrap(),
            _ => a.post(&url).send(b.unwrap_or("").as_bytes()).unwrap(),
        };
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    };
    assert_eq!(
        ctl("POST", "fault", Some(r#"{"kind":"status","code":500,"body":"{\"errors\":[\"x\"]}","count":2}"#)).0,
        200
    );
    let v = format!("{u}/api/v1/validate");
    assert_eq!(call(&a, "GET", &v, None), (500, r#"{"errors":["x"]}"#.into()));
    assert_eq!(call(&a, "GET", &v, None).0, 500);
    assert_eq!(call(&a, "GET", &v, None).0, 200);
    ctl("POST", "fault", Some(r#"{"kind":"rate_limited","retry_after":"1"}"#));
    assert_eq!(call(&a, "GET", &v, None).0, 429);
    ctl("POST", "fault", Some(r#"{"kind":"slow","ms":150}"#));
    let t = Instant::now();
    assert_eq!(call(&a, "GET", &v, None).0, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
    ctl("POST", "fault", Some(r#"{"kind":"status","code":503,"sticky":true}"#));
    assert_eq!(call(&a, "GET", &v, None).0, 503);
    assert_eq!(call(&a, "GET", &v, None).0, 503);
    // control requests are never faulted nor recorded
    let (st, body) = ctl("GET", "requests", None);
    assert_eq!(st, 200);
    assert_eq!(json(&body).as_array().unwrap().len(), 7);
    ctl("POST", "heal", None);
    assert_eq!(call(&a, "GET", &v, None).0, 200);
    for bad in [r#"{"kind":"nope"}"#, r#"{"kind":"status"}"#, "not json"] {
        assert_eq!(ctl("POST", "fault", Some(bad)).0, 400, "{bad}");
    }
    for k in ["reset", "hang", "down"] {
        assert_eq!(ctl("POST", "fault", Some(&format!(r#"{{"kind":"{k}"}}"#))).0, 200);
    }
    ctl("POST", "clear", None); // clears those queued faults too
    assert_eq!(json(&ctl("GET", "requests", None).1), json!([]));
    call(
        &a,
        "POST",
        &format!("{u}/api/v1/series"),
        Some(r#"{"series":[{"metric":"m","points":[[1,2]],"tags":null}]}"#),
    );
    call(&a, "GET", &format!("{u}/api/v1/search?q=m"), None);
    let (_, body) = ctl("GET", "requests?path=/api/v1/series", None);
    let list = json(&body);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let r = &list[0];
    assert_eq!(r["method"], "POST");
    assert_eq!(r["body"]["series"][0]["metric"], "m");
    assert_eq!(r["contract"], "invalid");
    assert!(r["contract_errors"][0].as_str().unwrap().starts_with("/series/0/tags"));
    assert_eq!(r["headers"]["dd-api-key"], "test-key-1234");
    let (_, body) = ctl("GET", "requests?path=/api/v1/search", None);
    assert_eq!(json(&body)[0]["query"], json!({"q":"m"}));
    assert_eq!(json(&body)[0]["contract"], "no_body");
    // a canned response over HTTP; the bare /_intake/ prefix works too
    let mut r = a
        .post(format!("{u}/_intake/response"))
        .send(&br#"{"method":"GET","path":"/api/v1/events/1","status":404,"body":{"errors":["gone"]}}"#[..])
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.body_mut().read_to_string().unwrap());
    assert_eq!(call(&a, "GET", &format!("{u}/api/v1/events/1"), None), (404, r#"{"errors":["gone"]}"#.into()));
}
