//! Metrics, service checks and the raw request through the C ABI against the intake.

mod common;
use common::*;
use dogapi::ffi::metric::*;
use dogapi::ffi::request::dog_http_request;
use dogapi::ffi::service_check::*;
use dogapi::ffi::status::dog_status_t::*;
use serde_json::json;
use std::ptr::null;

#[test]
fn metric_value_now_defaults_the_host() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    let mut r = Resp::null();
    let (name, tags, ty) = (c("app.requests"), c("env:test, role:web"), c("counter"));
    let before = dogapi::http::metrics::now();
    let st =
        unsafe { dog_metric_post(cl.ptr(), name.as_ptr(), 12.0, null(), null(), tags.as_ptr(), ty.as_ptr(), r.out()) };
    assert_eq!(st, DOG_OK, "{}", last_error());
    assert_eq!(r.status(), 202);
    assert_eq!(r.result_json(), json!({"status":"ok"}));
    let req = only_request(&intake);
    assert_eq!((req.method.as_str(), req.path.as_str()), ("POST", "/api/v1/series"));
    assert_valid(&req);
    let s = &req.json()["series"][0];
    assert_eq!(s["metric"], "app.requests");
    assert_eq!(s["type"], "count", "dogapi's 'counter' is today's 'count'");
    assert_eq!(s["host"], dogapi::host::hostname());
    assert_eq!(s["tags"], json!(["env:test", "role:web"]));
    assert!(s.get("device").is_none(), "absent fields are omitted, not null");
    let ts = s["points"][0][0].as_f64().unwrap();
    assert!(ts >= before.floor() && ts <= dogapi::http::metrics::now() + 1.0);
    assert_eq!(s["points"][0][1], 12.0);
}

#[test]
fn metric_point_and_points_forms() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    let (name, host, dev, empty) = (c("app.temp"), c("h1"), c("sda"), c(""));
    let st = unsafe {
        dog_metric_post_point(
            cl.ptr(),
            name.as_ptr(),
            1_700_000_000.0,
            21.5,
            host.as_ptr(),
            dev.as_ptr(),
            null(),
            null(),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(st, DOG_OK);
    let req = only_request(&intake);
    assert_valid(&req);
    assert_eq!(
        req.json(),
        json!({"series":[{"metric":"app.temp","points":[[1_700_000_000.0,21.5]],"type":"gauge","host":"h1","device":"sda"}]})
    );

    let pts = [dog_point_t { timestamp: 1.7e9, value: 1.0 }, dog_point_t { timestamp: 1.7e9 + 10.0, value: 2.0 }];
    let ty = c("rate");
    let st = unsafe {
        dog_metric_post_points(
            cl.ptr(),
            name.as_ptr(),
            pts.as_ptr(),
            2,
            empty.as_ptr(),
            null(),
            null(),
            ty.as_ptr(),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(st, DOG_OK);
    let req = only_request(&intake);
    assert_valid(&req);
    assert_eq!(req.json()["series"][0]["points"], json!([[1.7e9, 1.0], [1.7e9 + 10.0, 2.0]]));
    assert_eq!(req.json()["series"][0]["host"], "", "an explicit empty host is kept");

    for (pts, n, expect) in [(pts.as_ptr(), 0usize, DOG_ERR_INVALID_ARGUMENT), (null(), 2, DOG_ERR_NULL_ARGUMENT)] {
        assert_eq!(
            unsafe {
                dog_metric_post_points(
                    cl.ptr(),
                    name.as_ptr(),
                    pts,
                    n,
                    null(),
                    null(),
                    null(),
                    null(),
                    std::ptr::null_mut(),
                )
            },
            expect
        );
    }
    let nan = [dog_point_t { timestamp: 1.7e9, value: f64::NAN }];
    assert_eq!(
        unsafe {
            dog_metric_post_points(
                cl.ptr(),
                name.as_ptr(),
                nan.as_ptr(),
                1,
                null(),
                null(),
                null(),
                null(),
                std::ptr::null_mut(),
            )
        },
        DOG_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        unsafe {
            dog_metric_post(
                cl.ptr(),
                name.as_ptr(),
                f64::INFINITY,
                null(),
                null(),
                null(),
                null(),
                std::ptr::null_mut(),
            )
        },
        DOG_ERR_INVALID_ARGUMENT
    );
    let hist = c("histogram");
    assert_eq!(
        unsafe {
            dog_metric_post(cl.ptr(), name.as_ptr(), 1.0, null(), null(), null(), hist.as_ptr(), std::ptr::null_mut())
        },
        DOG_ERR_INVALID_ARGUMENT
    );
    assert!(intake.requests().is_empty());
}

#[test]
fn metrics_batch_is_sent_as_given() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    let series = r#"[{"metric":"a","points":[[1700000000,1]],"type":"count","interval":10,"host":"h","tags":["x:y"]},{"metric":"b","points":[[1700000000,2.5]]}]"#;
    let s = c(series);
    assert_eq!(unsafe { dog_metrics_post(cl.ptr(), s.as_ptr(), std::ptr::null_mut()) }, DOG_OK);
    let req = only_request(&intake);
    assert_valid(&req);
    assert_eq!(req.json(), json!({ "series": serde_json::from_str::<serde_json::Value>(series).unwrap() }));
    for bad in ["{\"series\":[]}", "[]", "[1]", "not json"] {
        let b = c(bad);
        assert_eq!(
            unsafe { dog_metrics_post(cl.ptr(), b.as_ptr(), std::ptr::null_mut()) },
            DOG_ERR_INVALID_ARGUMENT,
            "{bad}"
        );
    }
    assert!(intake.requests().is_empty());
}

#[test]
fn service_check_body_and_status_validation() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    let (chk, host, msg, tags) = (c("app.ok"), c("web-1"), c("slow responses"), c("env:test"));
    let mut r = Resp::null();
    let st = unsafe {
        dog_service_check_post(
            cl.ptr(),
            chk.as_ptr(),
            host.as_ptr(),
            DOG_CHECK_CRITICAL,
            1_700_000_000,
            msg.as_ptr(),
            tags.as_ptr(),
            r.out(),
        )
    };
    assert_eq!(st, DOG_OK, "{}", last_error());
    let req = only_request(&intake);
    assert_eq!((req.method.as_str(), req.path.as_str()), ("POST", "/api/v1/check_run"));
    assert_valid(&req);
    assert_eq!(
        req.json(),
        json!([{"check":"app.ok","host_name":"web-1","status":2,"timestamp":1_700_000_000,"message":"slow responses","tags":["env:test"]}])
    );
    assert_eq!(r.status(), 202);

    // timestamp 0 = now (an integer), no tags = empty array (required today)
    let st = unsafe {
        dog_service_check_post(
            cl.ptr(),
            chk.as_ptr(),
            host.as_ptr(),
            DOG_CHECK_OK,
            0,
            null(),
            null(),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(st, DOG_OK);
    let req = only_request(&intake);
    assert_valid(&req);
    let b = &req.json()[0];
    assert!(b["timestamp"].is_i64());
    assert_eq!(b["tags"], json!([]));

    for status in [-1, 4, 100] {
        let st = unsafe {
            dog_service_check_post(
                cl.ptr(),
                chk.as_ptr(),
                host.as_ptr(),
                status,
                0,
                null(),
                null(),
                std::ptr::null_mut(),
            )
        };
        assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    }
    let st =
        unsafe { dog_service_check_post(cl.ptr(), chk.as_ptr(), null(), 0, 0, null(), null(), std::ptr::null_mut()) };
    assert_eq!(st, DOG_ERR_NULL_ARGUMENT);
    assert!(intake.requests().is_empty());
}

#[test]
fn http_request_escape_hatch() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    let mut r = Resp::null();
    let (m, path, q) = (c("get"), c("events"), c("start=1&end=2&tags=a%2Cb"));
    assert_eq!(unsafe { dog_http_request(cl.ptr(), m.as_ptr(), path.as_ptr(), q.as_ptr(), null(), r.out(),) }, DOG_OK);
    let req = only_request(&intake);
    assert_eq!(
        (req.method.as_str(), req.path.as_str(), req.raw_query.as_str()),
        ("GET", "/api/v1/events", "start=1&end=2&tags=a%2Cb")
    );
    assert_eq!(req.query_param("tags"), Some("a,b"));
    assert!(r.result_json().get("events").is_some(), "result is the whole body");

    let (m, path, body) = (
        c("POST"),
        c("/api/v2/downtime"),
        c(r#"{"data":{"type":"downtime","attributes":{"scope":"env:x","schedule":{"start":null}}}}"#),
    );
    assert_eq!(
        unsafe { dog_http_request(cl.ptr(), m.as_ptr(), path.as_ptr(), null(), body.as_ptr(), r.out(),) },
        DOG_OK,
        "{}",
        last_error()
    );
    let req = only_request(&intake);
    assert_eq!(req.path, "/api/v2/downtime", "absolute /api/ paths are kept");
    assert_eq!(req.json()["data"]["type"], "downtime");

    for (m, path, q, b) in [
        ("TRACE", "events", None, None),
        ("GET", "events?x=1", None, None),
        ("GET", "", None, None),
        ("GET", "events", Some("a b"), None),
        ("POST", "events", None, Some("{oops")),
    ] {
        let (m, path, q, b) = (c(m), c(path), q.map(c), b.map(c));
        assert_eq!(
            unsafe { dog_http_request(cl.ptr(), m.as_ptr(), path.as_ptr(), p(&q), p(&b), r.out()) },
            DOG_ERR_INVALID_ARGUMENT
        );
    }
    assert!(intake.requests().is_empty());
}
