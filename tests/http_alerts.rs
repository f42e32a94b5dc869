//! Alerts (deprecated `/api/v1/alert`, `/mute_alerts`, `/unmute_alerts`, not in today's spec)
//! through the C ABI against the local intake.
#![allow(deprecated)]

mod common;
use common::*;
use dogapi::ffi::alert::*;
use dogapi::ffi::http::dog_http_set_json_responses;
use dogapi::ffi::response::DogResponse;
use dogapi::ffi::status::dog_status_t::{self, *};
use serde_json::json;
use std::ptr::null;

const QUERY: &str = "avg(last_5m):avg:system.load.1{*} > 4";

#[test]
fn create_sends_dogapi_body_and_returns_the_id() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let q = c(QUERY);
    // Defaults: only query and silenced (always sent, false).
    let o = run(|r| unsafe { dog_alert_create(cl.0, q.as_ptr(), null(), null(), false, false, 0, r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str(), r.raw_query.as_str()), ("POST", "/api/v1/alert", ""));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("dd-application-key"), Some("test-app-key"));
    assert_eq!(r.json(), json!({"query": QUERY, "silenced": false}));
    assert_eq!(r.contract, Contract::NotInSpec);
    let id = o.id.clone().expect("an id");
    assert!(id.parse::<i64>().is_ok());
    assert_eq!(o.result.as_deref(), Some(id.as_str()), "dogapi's formatter: x['id']");

    // Every optional field; empty strings count as absent (dogapi's truthiness).
    let (n, m, empty) = (c("load"), c("@ops high load"), c(""));
    let o = run(|r| unsafe { dog_alert_create(cl.0, q.as_ptr(), n.as_ptr(), m.as_ptr(), true, true, 3, r) });
    assert_eq!(o.status, DOG_OK);
    assert_eq!(
        take_one(&i).json(),
        json!({"query": QUERY, "silenced": true, "name": "load", "message": "@ops high load", "notify_no_data": true, "timeout_h": 3})
    );
    let o = run(|r| unsafe { dog_alert_create(cl.0, q.as_ptr(), empty.as_ptr(), empty.as_ptr(), false, false, 0, r) });
    assert_eq!(o.status, DOG_OK);
    assert_eq!(take_one(&i).json(), json!({"query": QUERY, "silenced": false}));

    // json_responses: the whole answer.
    assert_eq!(dog_http_set_json_responses(cl.0, true), DOG_OK);
    let o = run(|r| unsafe { dog_alert_create(cl.0, q.as_ptr(), n.as_ptr(), null(), false, false, 0, r) });
    assert_eq!(o.status, DOG_OK);
    let whole = o.result_json();
    assert_eq!(whole["query"], QUERY);
    assert_eq!(whole["id"].to_string(), o.id.unwrap());
    take_one(&i);

    fault_404(&i);
    assert_api_error(&i, run(|r| unsafe { dog_alert_create(cl.0, q.as_ptr(), null(), null(), false, false, 0, r) }));
}

#[test]
fn invalid_arguments_send_nothing() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let (q, empty) = (c(QUERY), c(""));
    assert_eq!(
        run(|r| unsafe { dog_alert_create(cl.0, null(), null(), null(), false, false, 0, r) }).status,
        DOG_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        run(|r| unsafe { dog_alert_create(cl.0, empty.as_ptr(), null(), null(), false, false, 0, r) }).status,
        DOG_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        run(|r| unsafe { dog_alert_create(cl.0, q.as_ptr(), null(), null(), false, false, -1, r) }).status,
        DOG_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        run(|r| unsafe { dog_alert_update(cl.0, 1, q.as_ptr(), null(), null(), false, false, 0, -5, r) }).status,
        DOG_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        run(|r| unsafe { dog_alert_update(cl.0, 1, null(), null(), null(), false, false, 0, 0, r) }).status,
        DOG_ERR_NULL_ARGUMENT
    );
    let bad_utf8 = [0xffu8, 0];
    let o = run(|r| unsafe { dog_alert_create(cl.0, bad_utf8.as_ptr().cast(), null(), null(), false, false, 0, r) });
    assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT);
    assert_nothing_sent(&i);
}

#[test]
fn update_sends_silenced_timeout_ts_and_the_rest_works() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let q = c(QUERY);
    let id: i64 = run(|r| unsafe { dog_alert_create(cl.0, q.as_ptr(), null(), null(), false, false, 0, r) })
        .id
        .unwrap()
        .parse()
        .unwrap();
    take_one(&i);

    let (q2, n) = (c("avg(last_5m):avg:system.load.1{*} > 8"), c("renamed"));
    let o = run(|r| unsafe {
        dog_alert_update(cl.0, id, q2.as_ptr(), n.as_ptr(), null(), true, true, 2, 1_900_000_000, r)
    });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("PUT", format!("/api/v1/alert/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    assert_eq!(
        r.json(),
        json!({"query": "avg(last_5m):avg:system.load.1{*} > 8", "silenced": true, "name": "renamed", "notify_no_data": true, "timeout_h": 2, "silenced_timeout_ts": 1_900_000_000}),
        "silenced_timeout_ts is sent (dogapi drops it by a bug)"
    );
    assert_eq!(o.result.as_deref(), Some(id.to_string().as_str()));
    assert_eq!(o.id.as_deref(), Some(id.to_string().as_str()));

    let o = run(|r| dog_alert_get(cl.0, id, r));
    assert_eq!(o.status, DOG_OK);
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("GET", format!("/api/v1/alert/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    let a = o.result_json();
    assert_eq!(
        (a["id"].clone(), a["name"].clone(), a["silenced_timeout_ts"].clone()),
        (json!(id), json!("renamed"), json!(1_900_000_000)),
        "raw answer"
    );

    let o = run(|r| dog_alert_get_all(cl.0, r));
    assert_eq!(o.status, DOG_OK);
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/api/v1/alert"));
    assert_eq!(r.contract, Contract::NotInSpec);
    let all = o.result_json();
    assert!(all.as_array().unwrap().iter().any(|a| a["id"] == id), "x['alerts']: {all}");

    let o = run(|r| dog_alert_mute_all(cl.0, r));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str(), r.raw_query.as_str()), ("POST", "/api/v1/mute_alerts", ""));
    assert!(r.body.is_empty(), "no body");
    assert_eq!(r.header("content-type"), None);
    assert_eq!(r.contract, Contract::NotInSpec);
    assert_eq!(o.result_json(), json!({}));

    let o = run(|r| dog_alert_unmute_all(cl.0, r));
    assert_eq!(o.status, DOG_OK);
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/api/v1/unmute_alerts"));
    assert!(r.body.is_empty());
    assert_eq!(r.contract, Contract::NotInSpec);

    let o = run(|r| dog_alert_delete(cl.0, id, r));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("DELETE", format!("/api/v1/alert/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    assert_eq!(o.result, None, "raw: an empty answer");

    let o = run(|r| dog_alert_get(cl.0, id, r));
    assert_eq!(o.status, DOG_ERR_API, "gone after delete");
    assert!(o.body.unwrap().contains("Alert not found"));
    take_one(&i);

    for f in [
        &(|r| unsafe { dog_alert_update(cl.0, 9, q.as_ptr(), null(), null(), false, false, 0, 0, r) })
            as &dyn Fn(*mut *mut DogResponse) -> dog_status_t,
        &|r| dog_alert_get(cl.0, 9, r),
        &|r| dog_alert_get_all(cl.0, r),
        &|r| dog_alert_delete(cl.0, 9, r),
        &|r| dog_alert_mute_all(cl.0, r),
        &|r| dog_alert_unmute_all(cl.0, r),
    ] {
        fault_404(&i);
        assert_api_error(&i, run(f));
    }
}
