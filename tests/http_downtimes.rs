//! Downtimes (v1, deprecated in the spec but described, and the v2 replacement) and host
//! muting through the C ABI against the local intake: requests, contracts, results, errors.
#![allow(deprecated)]

mod common;
use common::*;
use dogapi::ffi::downtime::*;
use dogapi::ffi::host::{dog_host_mute, dog_host_unmute};
use dogapi::ffi::http::dog_http_set_json_responses;
use dogapi::ffi::response::{dog_response_id_int, DogResponse};
use dogapi::ffi::status::dog_status_t::{self, *};
use serde_json::json;
use std::ptr::null;
use std::time::Duration;

#[test]
fn v1_schedule_update_get_list_cancel() {
    let ctx = setup();
    let (scope, msg) = (c("env:staging, role:db"), c("maintenance"));
    let (st, r) = call(|o| unsafe {
        dog_downtime_schedule(ctx.h, scope.as_ptr(), 1_900_000_000, 1_900_003_600, msg.as_ptr(), o)
    });
    assert_eq!(st, DOG_OK);
    let id = dog_response_id_int(r.0);
    assert!(id > 0);
    assert_eq!(r.result_value(), Some(json!(id)), "dogapi's x['id']");
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.as_str(), rec.raw_query.as_str()), ("POST", "/api/v1/downtime", ""));
    assert_eq!(
        rec.json(),
        json!({"scope": ["env:staging", "role:db"], "start": 1_900_000_000, "end": 1_900_003_600, "message": "maintenance"})
    );
    assert_eq!(rec.contract, Contract::Valid);

    let s2 = c("env:prod");
    let (st, r) = call(|o| unsafe { dog_downtime_update(ctx.h, id, s2.as_ptr(), 0, 1_900_007_200, null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value(), Some(json!(id)));
    assert_eq!(r.id(), Some(id.to_string()));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.clone()), ("PUT", format!("/api/v1/downtime/{id}")));
    assert_eq!(rec.json(), json!({"scope": ["env:prod"], "end": 1_900_007_200}));
    assert_eq!(rec.contract, Contract::Valid);

    let (st, r) = call(|o| unsafe { dog_downtime_update(ctx.h, id, null(), 0, 0, null(), o) });
    assert_eq!(st, DOG_OK);
    drop(r);
    let rec = take_one(&ctx.intake);
    assert_eq!(rec.body_str(), "{}", "only the given fields, as dogapi");
    assert_eq!(rec.contract, Contract::Valid);

    let (st, r) = call(|o| dog_downtime_get(ctx.h, id, o));
    assert_eq!(st, DOG_OK);
    let d = r.result_value().unwrap();
    assert_eq!(
        (d["id"].clone(), d["scope"].clone(), d["message"].clone()),
        (json!(id), json!(["env:prod"]), json!("maintenance"))
    );
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.clone()), ("GET", format!("/api/v1/downtime/{id}")));
    assert_eq!(rec.contract, Contract::NoBody);

    let (st, r) = call(|o| dog_downtime_get_all(ctx.h, true, o));
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value().unwrap().as_array().map(Vec::len), Some(1));
    let rec = take_one(&ctx.intake);
    assert_eq!(
        (rec.method.as_str(), rec.path.as_str(), rec.raw_query.as_str()),
        ("GET", "/api/v1/downtime", "current_only=true")
    );
    assert_eq!(rec.contract, Contract::NoBody);
    let (st, _r) = call(|o| dog_downtime_get_all(ctx.h, false, o));
    assert_eq!(st, DOG_OK);
    assert_eq!(take_one(&ctx.intake).raw_query, "");

    let (st, r) = call(|o| dog_downtime_cancel(ctx.h, id, o));
    assert_eq!(st, DOG_OK);
    assert_eq!(r.status(), 204);
    assert_eq!(r.result_value(), None);
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.clone()), ("DELETE", format!("/api/v1/downtime/{id}")));
    assert_eq!(rec.contract, Contract::NoBody);
}

#[test]
fn v1_minimal_schedule_and_json_responses() {
    let ctx = setup();
    assert_eq!(dog_http_set_json_responses(ctx.h, true), DOG_OK);
    let scope = c("*");
    let (st, r) = call(|o| unsafe { dog_downtime_schedule(ctx.h, scope.as_ptr(), 0, 0, null(), o) });
    assert_eq!(st, DOG_OK);
    let whole = r.result_value().unwrap();
    assert_eq!(whole["scope"], json!(["*"]));
    assert_eq!(whole["id"].to_string(), r.id().unwrap());
    let rec = take_one(&ctx.intake);
    assert_eq!(rec.json(), json!({"scope": ["*"]}));
    assert_eq!(rec.contract, Contract::Valid);
    let (st, r) = call(|o| dog_downtime_cancel(ctx.h, dog_response_id_int(r.0), o));
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value(), Some(json!({})));
}

#[test]
fn v2_create_get_update_list_cancel() {
    let ctx = setup();
    let (scope, tags, msg) = (c("env:prod AND service:web"), c("team:a, service:web"), c("upgrade"));
    let (st, r) = call(|o| unsafe {
        dog_downtime_v2_create(ctx.h, scope.as_ptr(), 0, tags.as_ptr(), 1_900_000_000, 1_900_003_600, msg.as_ptr(), o)
    });
    assert_eq!(st, DOG_OK);
    let id = r.id().expect("uuid");
    let data = r.result_value().unwrap();
    assert_eq!(data["id"], json!(id));
    assert_eq!(data["type"], json!("downtime"));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.as_str()), ("POST", "/api/v2/downtime"));
    assert_eq!(
        rec.json(),
        json!({"data": {"type": "downtime", "attributes": {
            "scope": "env:prod AND service:web",
            "monitor_identifier": {"monitor_tags": ["team:a", "service:web"]},
            "message": "upgrade",
            "schedule": {"start": "2030-03-17T17:46:40Z", "end": "2030-03-17T18:46:40Z"}}}})
    );
    assert_eq!(rec.contract, Contract::NotInSpec, "v2: outside the v1 spec");

    let idc = c(&id);
    let (st, r) = call(|o| unsafe { dog_downtime_v2_get(ctx.h, idc.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value().unwrap()["attributes"]["message"], json!("upgrade"));
    assert_eq!(r.id(), Some(id.clone()));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.clone()), ("GET", format!("/api/v2/downtime/{id}")));

    let m2 = c("longer upgrade");
    let (st, r) = call(|o| unsafe {
        dog_downtime_v2_update(ctx.h, idc.as_ptr(), null(), 77, null(), 0, 1_900_007_200, m2.as_ptr(), o)
    });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value().unwrap()["attributes"]["message"], json!("longer upgrade"));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.clone()), ("PATCH", format!("/api/v2/downtime/{id}")));
    assert_eq!(
        rec.json(),
        json!({"data": {"id": id, "type": "downtime", "attributes": {
            "monitor_identifier": {"monitor_id": 77}, "message": "longer upgrade", "schedule": {"end": "2030-03-17T19:46:40Z"}}}})
    );

    let (st, r) = call(|o| dog_downtime_v2_list(ctx.h, true, 0, 50, o));
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value().unwrap().as_array().map(Vec::len), Some(1));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.as_str()), ("GET", "/api/v2/downtime"));
    assert_eq!(rec.query_param("current_only"), Some("true"));
    assert_eq!(rec.query_param("page[limit]"), Some("50"));
    assert_eq!(rec.query_param("page[offset]"), None);
    let (st, _r) = call(|o| dog_downtime_v2_list(ctx.h, false, 0, 0, o));
    assert_eq!(st, DOG_OK);
    assert_eq!(take_one(&ctx.intake).raw_query, "");

    let (st, r) = call(|o| unsafe { dog_downtime_v2_cancel(ctx.h, idc.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.status(), 204);
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.clone()), ("DELETE", format!("/api/v2/downtime/{id}")));
    let (st, _r) = call(|o| unsafe { dog_downtime_v2_get(ctx.h, idc.as_ptr(), o) });
    assert_eq!(st, DOG_ERR_API, "cancelled");
}

#[test]
fn v2_defaults_to_every_monitor() {
    let ctx = setup();
    let scope = c("*");
    let (st, _r) = call(|o| unsafe { dog_downtime_v2_create(ctx.h, scope.as_ptr(), 0, null(), 0, 0, null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(
        take_one(&ctx.intake).json(),
        json!({"data": {"type": "downtime", "attributes": {"scope": "*", "monitor_identifier": {"monitor_tags": ["*"]}}}})
    );
    let (st, _r) = call(|o| unsafe { dog_downtime_v2_create(ctx.h, scope.as_ptr(), 9, null(), 0, 0, null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(take_one(&ctx.intake).json()["data"]["attributes"]["monitor_identifier"], json!({"monitor_id": 9}));
}

#[test]
fn host_mute_and_unmute() {
    let ctx = setup();
    let (host, msg) = (c("web-1.example"), c("deploying"));
    let (st, r) = call(|o| unsafe { dog_host_mute(ctx.h, host.as_ptr(), 1_900_000_000, true, msg.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value().unwrap()["action"], json!("Muted"));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.as_str()), ("POST", "/api/v1/host/web-1.example/mute"));
    assert_eq!(rec.json(), json!({"end": 1_900_000_000, "message": "deploying", "override": true}));
    assert_eq!(rec.contract, Contract::Valid);

    let (st, _r) = call(|o| unsafe { dog_host_mute(ctx.h, host.as_ptr(), 0, false, null(), o) });
    assert_eq!(st, DOG_OK);
    let rec = take_one(&ctx.intake);
    assert_eq!(rec.body_str(), "{}");
    assert_eq!(rec.contract, Contract::Valid);

    let (st, r) = call(|o| unsafe { dog_host_unmute(ctx.h, host.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value(), Some(json!({"action": "Unmuted", "hostname": "web-1.example"})));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.as_str()), ("POST", "/api/v1/host/web-1.example/unmute"));
    assert!(rec.body.is_empty(), "unmute takes no JSON arguments");
    assert_eq!(rec.contract, Contract::NoBody);
}

#[test]
fn errors_from_the_server_are_reported_with_the_response() {
    let ctx = setup();
    let (scope, idc, host) = (c("env:a"), c("00000000-0000-4000-8000-000000000001"), c("h"));
    let calls: Vec<(&str, Call)> = vec![
        ("schedule", Box::new(|o| unsafe { dog_downtime_schedule(ctx.h, scope.as_ptr(), 0, 0, null(), o) })),
        ("update", Box::new(|o| unsafe { dog_downtime_update(ctx.h, 5, scope.as_ptr(), 0, 0, null(), o) })),
        ("get", Box::new(|o| dog_downtime_get(ctx.h, 5, o))),
        ("get_all", Box::new(|o| dog_downtime_get_all(ctx.h, false, o))),
        ("cancel", Box::new(|o| dog_downtime_cancel(ctx.h, 5, o))),
        (
            "v2_create",
            Box::new(|o| unsafe { dog_downtime_v2_create(ctx.h, scope.as_ptr(), 0, null(), 0, 0, null(), o) }),
        ),
        ("v2_get", Box::new(|o| unsafe { dog_downtime_v2_get(ctx.h, idc.as_ptr(), o) })),
        (
            "v2_update",
            Box::new(|o| unsafe {
                dog_downtime_v2_update(ctx.h, idc.as_ptr(), scope.as_ptr(), 0, null(), 0, 0, null(), o)
            }),
        ),
        ("v2_cancel", Box::new(|o| unsafe { dog_downtime_v2_cancel(ctx.h, idc.as_ptr(), o) })),
        ("v2_list", Box::new(|o| dog_downtime_v2_list(ctx.h, false, 0, 0, o))),
        ("host_mute", Box::new(|o| unsafe { dog_host_mute(ctx.h, host.as_ptr(), 0, false, null(), o) })),
        ("host_unmute", Box::new(|o| unsafe { dog_host_unmute(ctx.h, host.as_ptr(), o) })),
    ];
    each_fails_with_404(&ctx, &calls);
    // The intake's own answer for a downtime that does not exist.
    let (st, r) = call(|o| dog_downtime_get(ctx.h, 424_242, o));
    assert_eq!(st, DOG_ERR_API);
    assert_eq!(r.status(), 404);
}

#[test]
fn bad_arguments_send_nothing() {
    let ctx = setup();
    let (scope, blank, idc, ws) = (c("env:a"), c(" , "), c("abc"), c("   "));
    let inv = |f: &dyn Fn(*mut *mut DogResponse) -> dog_status_t| {
        let (st, r) = call(f);
        assert!(r.0.is_null());
        st
    };
    assert_eq!(
        inv(&|o| unsafe { dog_downtime_schedule(ctx.h, blank.as_ptr(), 0, 0, null(), o) }),
        DOG_ERR_INVALID_ARGUMENT,
        "empty scope"
    );
    assert_eq!(inv(&|o| unsafe { dog_downtime_schedule(ctx.h, null(), 0, 0, null(), o) }), DOG_ERR_NULL_ARGUMENT);
    assert_eq!(
        inv(&|o| unsafe { dog_downtime_schedule(ctx.h, scope.as_ptr(), 20, 10, null(), o) }),
        DOG_ERR_INVALID_ARGUMENT,
        "end before start"
    );
    assert_eq!(
        inv(&|o| unsafe { dog_downtime_schedule(ctx.h, scope.as_ptr(), -1, 0, null(), o) }),
        DOG_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        inv(&|o| unsafe { dog_downtime_update(ctx.h, 0, scope.as_ptr(), 0, 0, null(), o) }),
        DOG_ERR_INVALID_ARGUMENT
    );
    assert_eq!(inv(&|o| dog_downtime_get(ctx.h, 0, o)), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(inv(&|o| dog_downtime_cancel(ctx.h, -3, o)), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(
        inv(&|o| unsafe { dog_downtime_v2_create(ctx.h, scope.as_ptr(), 4, scope.as_ptr(), 0, 0, null(), o) }),
        DOG_ERR_INVALID_ARGUMENT,
        "monitor id and tags"
    );
    assert_eq!(
        inv(&|o| unsafe { dog_downtime_v2_create(ctx.h, ws.as_ptr(), 0, null(), 0, 0, null(), o) }),
        DOG_ERR_INVALID_ARGUMENT,
        "blank scope"
    );
    assert_eq!(
        inv(&|o| unsafe { dog_downtime_v2_create(ctx.h, null(), 0, null(), 0, 0, null(), o) }),
        DOG_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        inv(&|o| unsafe { dog_downtime_v2_create(ctx.h, scope.as_ptr(), -2, null(), 0, 0, null(), o) }),
        DOG_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        inv(&|o| unsafe { dog_downtime_v2_update(ctx.h, idc.as_ptr(), null(), 0, null(), 0, 0, null(), o) }),
        DOG_ERR_INVALID_ARGUMENT,
        "nothing to update"
    );
    assert_eq!(inv(&|o| unsafe { dog_downtime_v2_get(ctx.h, ws.as_ptr(), o) }), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(inv(&|o| unsafe { dog_downtime_v2_cancel(ctx.h, null(), o) }), DOG_ERR_NULL_ARGUMENT);
    assert_eq!(inv(&|o| dog_downtime_v2_list(ctx.h, false, -1, 0, o)), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(inv(&|o| unsafe { dog_host_mute(ctx.h, ws.as_ptr(), 0, false, null(), o) }), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(
        inv(&|o| unsafe { dog_host_mute(ctx.h, scope.as_ptr(), -10, false, null(), o) }),
        DOG_ERR_INVALID_ARGUMENT
    );
    assert_eq!(inv(&|o| unsafe { dog_host_unmute(ctx.h, null(), o) }), DOG_ERR_NULL_ARGUMENT);
    std::thread::sleep(Duration::from_millis(100));
    assert!(ctx.intake.requests().is_empty());
}
