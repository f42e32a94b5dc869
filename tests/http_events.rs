//! Events through the C ABI against the intake: dog_event_post / _with_response / _get / _stream.

mod common;
use common::*;
use dogapi::ffi::event::*;
use dogapi::ffi::status::dog_status_t::{self, *};
use serde_json::json;
use std::ptr::null;

#[allow(clippy::too_many_arguments)]
fn post(
    cl: &Client,
    title: &str,
    text: &str,
    date: i64,
    priority: Option<&str>,
    tags: Option<&str>,
    extra: Option<&str>,
    out: &mut Resp,
) -> dog_status_t {
    let (t, x) = (c(title), c(text));
    let (pr, tg, ex) = (priority.map(c), tags.map(c), extra.map(c));
    let (handle, host, dev, agg, src) = (c("ops"), c("web-1"), c("eth0"), c("deploy-42"), c("jenkins"));
    unsafe {
        dog_event_post(
            cl.ptr(),
            t.as_ptr(),
            x.as_ptr(),
            date,
            handle.as_ptr(),
            p(&pr),
            41,
            p(&tg),
            host.as_ptr(),
            dev.as_ptr(),
            agg.as_ptr(),
            src.as_ptr(),
            p(&ex),
            out.out(),
        )
    }
}

#[test]
fn event_body_matches_todays_api_and_result_is_the_id() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    let mut r = Resp::null();
    let st = post(
        &cl,
        "Deploy",
        "build 42",
        1_700_000_000,
        Some("low"),
        Some("env:prod, role:web"),
        Some(r#"{"alert_type":"error","event_type":"deploy"}"#),
        &mut r,
    );
    assert_eq!(st, DOG_OK, "{}", last_error());
    let req = only_request(&intake);
    assert_eq!((req.method.as_str(), req.path.as_str(), req.raw_query.as_str()), ("POST", "/api/v1/events", ""));
    assert_eq!(
        req.json(),
        json!({"title":"Deploy","text":"build 42","date_happened":1_700_000_000,"handle":"ops","priority":"low","related_event_id":41,
               "tags":["env:prod","role:web"],"host":"web-1","device_name":"eth0","aggregation_key":"deploy-42","source_type_name":"jenkins",
               "alert_type":"error","event_type":"deploy"})
    );
    assert_valid(&req);
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(r.status(), 202);
    let id = r.id().expect("event id");
    assert_eq!(r.result(), Some(id.clone()), "dogapi's formatter: x['event']['id']");
    assert!(r.body().unwrap().contains("\"event\""));

    // get_event: result is the event object
    let mut g = Resp::null();
    assert_eq!(dog_event_get(cl.ptr(), id.parse().unwrap(), g.out()), DOG_OK);
    let req = only_request(&intake);
    assert_eq!((req.method.as_str(), req.path.as_str()), ("GET", format!("/api/v1/events/{id}").as_str()));
    assert_eq!(g.result_json()["title"], "Deploy");

    // event_with_response is the same call
    let mut w = Resp::null();
    let (t, x) = (c("t"), c("x"));
    let st = unsafe {
        dog_event_with_response(
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
            w.out(),
        )
    };
    assert_eq!(st, DOG_OK);
    let req = only_request(&intake);
    assert_eq!(req.json(), json!({"title":"t","text":"x"}), "optional fields omitted, host not defaulted");
    assert_valid(&req);
    assert!(w.id().is_some());
}

#[test]
fn get_event_not_found_hands_out_the_error_body() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    let mut g = Resp::null();
    assert_eq!(dog_event_get(cl.ptr(), 999_999, g.out()), DOG_ERR_API);
    assert_eq!(g.status(), 404);
    assert!(g.body().unwrap().contains("errors"));
    assert_eq!(g.result(), None);
    assert!(last_error().contains("404"), "{}", last_error());
}

#[test]
fn stream_sends_its_query() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    let mut r = Resp::null();
    let (pr, so, tg) = (c("normal"), c("jenkins, chef"), c("env:prod,role:db"));
    let st = unsafe {
        dog_event_stream(cl.ptr(), 1_700_000_000, 1_700_003_600, pr.as_ptr(), so.as_ptr(), tg.as_ptr(), r.out())
    };
    assert_eq!(st, DOG_OK, "{}", last_error());
    let req = only_request(&intake);
    assert_eq!(req.path, "/api/v1/events");
    assert_eq!(req.query_param("start"), Some("1700000000"));
    assert_eq!(req.query_param("end"), Some("1700003600"));
    assert_eq!(req.query_param("priority"), Some("normal"));
    assert_eq!(req.query_param("sources"), Some("jenkins,chef"));
    assert_eq!(req.query_param("tags"), Some("env:prod,role:db"));
    assert!(req.contract == Contract::Valid || req.contract == Contract::NoBody, "{:?}", req.contract);
    assert!(r.result_json().is_array(), "result is the events list");

    let st = unsafe { dog_event_stream(cl.ptr(), 10, 5, null(), null(), null(), r.out()) };
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    assert!(r.is_null());
    assert!(intake.requests().is_empty());
}

#[test]
fn bad_event_arguments_send_nothing() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    let mut r = Resp::null();
    assert_eq!(post(&cl, "t", "x", 0, Some("urgent"), None, None, &mut r), DOG_ERR_INVALID_ARGUMENT);
    assert!(last_error().contains("priority"));
    assert_eq!(post(&cl, "t", "x", 0, None, None, Some("{broken"), &mut r), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(post(&cl, "t", "x", 0, None, None, Some("[1,2]"), &mut r), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(post(&cl, "t", "x", 0, None, None, Some(r#"{"alert_type":"panic"}"#), &mut r), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(post(&cl, "", "x", 0, None, None, None, &mut r), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(post(&cl, "t", &"x".repeat(4001), 0, None, None, None, &mut r), DOG_ERR_INVALID_ARGUMENT);
    let bad = [0x66u8, 0xff, 0xfe, 0];
    let st = unsafe {
        dog_event_post(
            cl.ptr(),
            bad.as_ptr().cast(),
            c("x").as_ptr(),
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
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    assert!(last_error().contains("title is not valid UTF-8"), "{}", last_error());
    let st = unsafe {
        dog_event_post(
            cl.ptr(),
            null(),
            c("x").as_ptr(),
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
    assert_eq!(st, DOG_ERR_NULL_ARGUMENT);
    assert!(r.is_null());
    assert!(intake.requests().is_empty(), "nothing was sent");
}
