//! Monitors through the C ABI against the local intake: dogapi's requests (method, path,
//! query, body), their contract against the v1 spec (the mute endpoints are gone from it:
//! NotInSpec), the result view and id, error answers, and argument checks that send nothing.
#![allow(deprecated)]

mod common;
use common::*;
use dogapi::ffi::http::dog_http_set_json_responses;
use dogapi::ffi::monitor::*;
use dogapi::ffi::status::dog_status_t::*;
use serde_json::json;
use std::ffi::CStr;
use std::ptr::null;
use std::time::Duration;

/// Creates a monitor and returns its id (the intake's store is fresh per test).
fn create(ctx: &Ctx, query: &str) -> i64 {
    let (t, q) = (c("metric alert"), c(query));
    let (st, r) = call(|o| unsafe { dog_monitor_create(ctx.h, t.as_ptr(), q.as_ptr(), null(), null(), null(), o) });
    assert_eq!(st, DOG_OK);
    ctx.intake.wait_for(1, Duration::from_secs(5));
    ctx.intake.clear();
    r.id().unwrap().parse().unwrap()
}

#[test]
fn create_update_get_delete() {
    let ctx = setup();
    let (t, q, n, m) =
        (c("Query Alert"), c("avg(last_5m):sum:system.net.bytes_rcvd{host:host0} > 100"), c("Bytes"), c("@ops"));
    let opts = Some(c(r#"{"notify_no_data":true,"no_data_timeframe":20}"#));
    let (st, r) =
        call(|o| unsafe { dog_monitor_create(ctx.h, t.as_ptr(), q.as_ptr(), n.as_ptr(), m.as_ptr(), p(&opts), o) });
    assert_eq!(st, DOG_OK);
    let id = r.id().expect("monitor id");
    assert_eq!(r.result_value(), Some(json!(id.parse::<i64>().unwrap())), "result is the id, as dogapi's x['id']");
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.as_str(), rec.raw_query.as_str()), ("POST", "/api/v1/monitor", ""));
    assert_eq!(
        rec.json(),
        json!({"type": "query alert", "query": "avg(last_5m):sum:system.net.bytes_rcvd{host:host0} > 100", "name": "Bytes", "message": "@ops",
               "options": {"notify_no_data": true, "no_data_timeframe": 20}})
    );
    assert_eq!(rec.contract, Contract::Valid);
    assert_eq!(rec.header("content-type"), Some("application/json"));

    let id_n: i64 = id.parse().unwrap();
    let q2 = c("avg(last_5m):sum:system.net.bytes_rcvd{host:host0} > 200");
    let (st, r) = call(|o| unsafe { dog_monitor_update(ctx.h, id_n, q2.as_ptr(), null(), c("").as_ptr(), null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.id().as_deref(), Some(id.as_str()));
    assert_eq!(r.result_value(), Some(json!(id_n)));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.clone()), ("PUT", format!("/api/v1/monitor/{id}")));
    assert_eq!(
        rec.json(),
        json!({"query": "avg(last_5m):sum:system.net.bytes_rcvd{host:host0} > 200"}),
        "no type, empty message omitted"
    );
    assert_eq!(rec.contract, Contract::Valid);

    let gs = c("alert, warn");
    let (st, r) = call(|o| unsafe { dog_monitor_get(ctx.h, id_n, gs.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    let mon = r.result_value().unwrap();
    assert_eq!(mon["id"], json!(id_n));
    assert_eq!(mon["name"], json!("Bytes"));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.clone()), ("GET", format!("/api/v1/monitor/{id}")));
    assert_eq!(rec.query_param("group_states"), Some("alert,warn"));
    assert_eq!(rec.contract, Contract::NoBody);

    let (st, r) = call(|o| unsafe { dog_monitor_get(ctx.h, id_n, null(), o) });
    assert_eq!(st, DOG_OK);
    drop(r);
    assert_eq!(take_one(&ctx.intake).raw_query, "");

    let (st, r) = call(|o| dog_monitor_delete(ctx.h, id_n, o));
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value(), Some(json!({"deleted_monitor_id": id_n})));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.clone()), ("DELETE", format!("/api/v1/monitor/{id}")));
    assert_eq!(rec.contract, Contract::NoBody);
}

#[test]
fn get_all_sends_group_states_and_tags() {
    let ctx = setup();
    let id = create(&ctx, "avg(last_1m):avg:a.b{*} > 1");
    let (gs, tags) = (c("all"), c("host:host0, env:prod"));
    let (st, r) = call(|o| unsafe { dog_monitor_get_all(ctx.h, gs.as_ptr(), tags.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    let list = r.result_value().unwrap();
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["id"], json!(id));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.as_str()), ("GET", "/api/v1/monitor"));
    assert_eq!(rec.raw_query, "group_states=all&tags=host%3Ahost0%2Cenv%3Aprod");
    assert_eq!(rec.contract, Contract::NoBody);
    let (st, _r) = call(|o| unsafe { dog_monitor_get_all(ctx.h, null(), null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(take_one(&ctx.intake).raw_query, "");
}

#[test]
fn deprecated_mute_endpoints_send_dogapi_requests() {
    let ctx = setup();
    let id = create(&ctx, "avg(last_1m):avg:a.b{*} > 1");
    let scope = c("host:web1");
    let (st, r) = call(|o| unsafe { dog_monitor_mute(ctx.h, id, scope.as_ptr(), 1_900_000_000, o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value().unwrap()["options"]["silenced"], json!({"host:web1": 1_900_000_000}));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.clone()), ("POST", format!("/api/v1/monitor/{id}/mute")));
    assert_eq!(rec.json(), json!({"scope": "host:web1", "end": 1_900_000_000}));
    assert_eq!(rec.contract, Contract::NotInSpec);

    let (st, _r) = call(|o| unsafe { dog_monitor_mute(ctx.h, id, null(), 0, o) });
    assert_eq!(st, DOG_OK);
    let rec = take_one(&ctx.intake);
    assert_eq!(rec.body_str(), "{}", "always a JSON body, as dogapi");
    assert_eq!(rec.header("content-type"), Some("application/json"));

    let (st, r) = call(|o| unsafe { dog_monitor_unmute(ctx.h, id, scope.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value().unwrap()["options"]["silenced"], json!({"*": null}));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.clone()), ("POST", format!("/api/v1/monitor/{id}/unmute")));
    assert_eq!(rec.json(), json!({"scope": "host:web1"}));
    assert_eq!(rec.contract, Contract::NotInSpec);

    let (st, r) = call(|o| dog_monitor_mute_all(ctx.h, o));
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value().unwrap()["scope"], json!(["*"]));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.as_str()), ("POST", "/api/v1/monitor/mute_all"));
    assert!(rec.body.is_empty());
    assert_eq!(rec.contract, Contract::NotInSpec);

    let (st, r) = call(|o| dog_monitor_unmute_all(ctx.h, o));
    assert_eq!(st, DOG_OK);
    assert_eq!(r.status(), 200);
    assert_eq!(r.result_value(), None, "empty answer: no result (dogapi's None)");
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.as_str()), ("POST", "/api/v1/monitor/unmute_all"));
    assert!(rec.body.is_empty());
    assert_eq!(rec.contract, Contract::NotInSpec);
}

#[test]
fn muting_through_a_v2_downtime() {
    let ctx = setup();
    let msg = c("deploy");
    let (st, r) = call(|o| unsafe { dog_monitor_mute_downtime(ctx.h, 42, null(), 1_900_000_000, msg.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    let id = r.id().expect("downtime id");
    let data = r.result_value().unwrap();
    assert_eq!(data["id"], json!(id));
    assert_eq!(data["attributes"]["monitor_identifier"], json!({"monitor_id": 42}));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.as_str()), ("POST", "/api/v2/downtime"));
    assert_eq!(
        rec.json(),
        json!({"data": {"type": "downtime", "attributes": {
            "scope": "*", "monitor_identifier": {"monitor_id": 42}, "message": "deploy",
            "schedule": {"end": "2030-03-17T17:46:40Z"}}}})
    );
    assert_eq!(rec.contract, Contract::NotInSpec, "v2 is outside the v1 spec");

    let scope = c("host:web1");
    let (st, _r) = call(|o| unsafe { dog_monitor_mute_downtime(ctx.h, 42, scope.as_ptr(), 0, null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(
        take_one(&ctx.intake).json(),
        json!({"data": {"type": "downtime", "attributes": {"scope": "host:web1", "monitor_identifier": {"monitor_id": 42}}}})
    );
}

#[test]
fn json_responses_give_the_whole_body() {
    let ctx = setup();
    assert_eq!(dog_http_set_json_responses(ctx.h, true), DOG_OK);
    let (t, q) = (c("service check"), c("\"http.can_connect\".over(\"*\").by(\"host\").last(2).count_by_status()"));
    let (st, r) = call(|o| unsafe { dog_monitor_create(ctx.h, t.as_ptr(), q.as_ptr(), null(), null(), null(), o) });
    assert_eq!(st, DOG_OK);
    let whole = r.result_value().unwrap();
    assert_eq!(whole["type"], json!("service check"));
    assert_eq!(whole["id"].to_string(), r.id().unwrap(), "the id is still there");
    assert_eq!(take_one(&ctx.intake).contract, Contract::Valid);
}

#[test]
fn errors_from_the_server_are_reported_with_the_response() {
    let ctx = setup();
    let (t, q, s) = (c("metric alert"), c("avg(last_1m):avg:a.b{*} > 1"), c("host:a"));
    let calls: Vec<(&str, Call)> = vec![
        (
            "create",
            Box::new(|o| unsafe { dog_monitor_create(ctx.h, t.as_ptr(), q.as_ptr(), null(), null(), null(), o) }),
        ),
        ("update", Box::new(|o| unsafe { dog_monitor_update(ctx.h, 7, q.as_ptr(), null(), null(), null(), o) })),
        ("get", Box::new(|o| unsafe { dog_monitor_get(ctx.h, 7, null(), o) })),
        ("get_all", Box::new(|o| unsafe { dog_monitor_get_all(ctx.h, null(), null(), o) })),
        ("delete", Box::new(|o| dog_monitor_delete(ctx.h, 7, o))),
        ("mute_all", Box::new(|o| dog_monitor_mute_all(ctx.h, o))),
        ("unmute_all", Box::new(|o| dog_monitor_unmute_all(ctx.h, o))),
        ("mute", Box::new(|o| unsafe { dog_monitor_mute(ctx.h, 7, s.as_ptr(), 0, o) })),
        ("unmute", Box::new(|o| unsafe { dog_monitor_unmute(ctx.h, 7, null(), o) })),
        ("mute_downtime", Box::new(|o| unsafe { dog_monitor_mute_downtime(ctx.h, 7, null(), 0, null(), o) })),
    ];
    each_fails_with_404(&ctx, &calls);
    // The intake's own answer for a monitor that does not exist.
    let (st, r) = call(|o| unsafe { dog_monitor_get(ctx.h, 999_999, null(), o) });
    assert_eq!(st, DOG_ERR_API);
    assert!(unsafe { CStr::from_ptr(dogapi::ffi::response::dog_response_body(r.0)) }
        .to_str()
        .unwrap()
        .contains("Monitor not found"));
}

#[test]
fn client_side_checks_send_nothing() {
    let ctx = setup();
    let q = c("avg(last_1m):avg:a.b{*} > 1");
    let check = |t: &str, opts: Option<&str>| {
        let t = c(t);
        let o = opts.map(c);
        let (st, r) =
            call(|out| unsafe { dog_monitor_create(ctx.h, t.as_ptr(), q.as_ptr(), null(), null(), p(&o), out) });
        assert!(r.0.is_null());
        st
    };
    assert_eq!(check("alert", None), DOG_ERR_INVALID_ARGUMENT, "unknown monitor type");
    assert_eq!(check("metric alert", Some("{")), DOG_ERR_INVALID_ARGUMENT, "malformed options JSON");
    assert_eq!(check("metric alert", Some("[1,2]")), DOG_ERR_INVALID_ARGUMENT, "options must be an object");
    assert_eq!(check("metric alert", Some("\"x\"")), DOG_ERR_INVALID_ARGUMENT);
    let bad = c("{\"a\":");
    let (st, _r) = call(|o| unsafe { dog_monitor_update(ctx.h, 5, q.as_ptr(), null(), null(), bad.as_ptr(), o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    let (st, _r) = call(|o| unsafe { dog_monitor_update(ctx.h, 5, null(), null(), null(), null(), o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT, "nothing to update");
    let (st, _r) = call(|o| unsafe { dog_monitor_update(ctx.h, 0, q.as_ptr(), null(), null(), null(), o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT, "id 0");
    let (st, _r) = call(|o| unsafe { dog_monitor_get(ctx.h, -1, null(), o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    let (st, _r) = call(|o| dog_monitor_delete(ctx.h, 0, o));
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    let (st, _r) = call(|o| unsafe { dog_monitor_mute(ctx.h, 3, null(), -5, o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT, "negative end");
    let (st, _r) = call(|o| unsafe { dog_monitor_mute_downtime(ctx.h, 0, null(), 0, null(), o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    let t = c("metric alert");
    let (st, _r) = call(|o| unsafe { dog_monitor_create(ctx.h, t.as_ptr(), null(), null(), null(), null(), o) });
    assert_eq!(st, DOG_ERR_NULL_ARGUMENT);
    let (st, _r) = call(|o| dog_monitor_mute_all(std::ptr::null_mut(), o));
    assert_eq!(st, DOG_ERR_NULL_ARGUMENT);
    std::thread::sleep(Duration::from_millis(100));
    assert!(ctx.intake.requests().is_empty());
}
