//! Host tags and search through the C ABI against the local intake: method, path, query and
//! body of each request, its contract against the v1 spec, the result view and error answers.

mod common;
use common::*;
use dogapi::ffi::http::dog_http_set_json_responses;
use dogapi::ffi::response::DogResponse;
use dogapi::ffi::search::dog_search_query;
use dogapi::ffi::status::*;
use dogapi::ffi::tags::{dog_tag_create, dog_tag_delete, dog_tag_get, dog_tag_list, dog_tag_update};
use serde_json::json;
use std::ptr::null;
use std::time::Duration;

#[test]
fn add_change_get_all_detach() {
    let ctx = setup();
    let (host, tags, src) = (c("web-1"), c("role:db, env:prod"), Some(c("chef")));

    let (st, r) = call(|o| unsafe { dog_tag_create(ctx.h, host.as_ptr(), tags.as_ptr(), p(&src), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value(), Some(json!(["role:db", "env:prod"])));
    let q = take_one(&ctx.intake);
    assert_eq!((q.method.as_str(), q.path.as_str()), ("POST", "/api/v1/tags/hosts/web-1"));
    assert_eq!(q.query_param("source"), Some("chef"));
    assert_eq!(q.json(), json!({"tags": ["role:db", "env:prod"]}));
    assert_eq!(q.contract, Contract::Valid);
    assert_eq!(q.header("dd-api-key"), Some("test-api-key"));

    let t2 = c("role:cache");
    let (st, r) = call(|o| unsafe { dog_tag_update(ctx.h, host.as_ptr(), t2.as_ptr(), null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value(), Some(json!(["role:cache"])));
    let q = take_one(&ctx.intake);
    assert_eq!((q.method.as_str(), q.path.as_str(), q.raw_query.as_str()), ("PUT", "/api/v1/tags/hosts/web-1", ""));
    assert_eq!(q.json(), json!({"tags": ["role:cache"]}));
    assert_eq!(q.contract, Contract::Valid);

    let (st, r) = call(|o| unsafe { dog_tag_get(ctx.h, host.as_ptr(), p(&src), true, o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value(), Some(json!(["role:cache"])));
    let q = take_one(&ctx.intake);
    assert_eq!((q.method.as_str(), q.path.as_str()), ("GET", "/api/v1/tags/hosts/web-1"));
    assert_eq!(q.query_param("source"), Some("chef"));
    assert_eq!(q.query_param("by_source"), Some("true"));
    assert!(q.body.is_empty());
    assert_eq!(q.contract, Contract::NoBody);

    let (st, r) = call(|o| unsafe { dog_tag_get(ctx.h, host.as_ptr(), null(), false, o) });
    assert_eq!(st, DOG_OK);
    drop(r);
    let q = take_one(&ctx.intake);
    assert_eq!(q.raw_query, "", "no source, no by_source");

    let (st, r) = call(|o| unsafe { dog_tag_list(ctx.h, null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value(), Some(json!({"role:cache": ["web-1"]})));
    let q = take_one(&ctx.intake);
    assert_eq!((q.method.as_str(), q.path.as_str(), q.raw_query.as_str()), ("GET", "/api/v1/tags/hosts", ""));
    assert_eq!(q.contract, Contract::NoBody);

    let user = c("user");
    let (st, _r) = call(|o| unsafe { dog_tag_list(ctx.h, user.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(take_one(&ctx.intake).query_param("source"), Some("user"));

    let (st, r) = call(|o| unsafe { dog_tag_delete(ctx.h, host.as_ptr(), p(&src), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.status(), 204);
    assert_eq!(r.result_value(), None, "204 without body: no result");
    let q = take_one(&ctx.intake);
    assert_eq!((q.method.as_str(), q.path.as_str()), ("DELETE", "/api/v1/tags/hosts/web-1"));
    assert_eq!(q.query_param("source"), Some("chef"));
    assert_eq!(q.contract, Contract::NoBody);
}

#[test]
fn json_responses_give_the_whole_body() {
    let ctx = setup();
    assert_eq!(dog_http_set_json_responses(ctx.h, true), DOG_OK);
    let (host, tags) = (c("db-2"), c("a:b"));
    let (st, r) = call(|o| unsafe { dog_tag_create(ctx.h, host.as_ptr(), tags.as_ptr(), null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value(), Some(json!({"host": "db-2", "tags": ["a:b"]})));
    let (st, r) = call(|o| unsafe { dog_tag_delete(ctx.h, host.as_ptr(), null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value(), Some(json!({})), "an empty answer is {{}} with json_responses");
    let q = c("hosts:db");
    let (st, r) = call(|o| unsafe { dog_search_query(ctx.h, q.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert!(r.result_value().unwrap().get("results").is_some());
}

#[test]
fn host_names_are_percent_encoded() {
    let ctx = setup();
    let (host, tags) = (c("odd host/1"), c("x"));
    let (st, _r) = call(|o| unsafe { dog_tag_create(ctx.h, host.as_ptr(), tags.as_ptr(), null(), o) });
    assert_eq!(st, DOG_OK);
    let q = take_one(&ctx.intake);
    assert!(q.path.ends_with("/tags/hosts/odd%20host%2F1"), "{}", q.path);
}

#[test]
fn errors_from_the_server_are_reported_with_the_response() {
    let ctx = setup();
    let host = c("web-1");
    let tags = c("a:b");
    type Call<'a> = Box<dyn Fn(*mut *mut DogResponse) -> dog_status_t + 'a>;
    let calls: Vec<(&str, Call)> = vec![
        ("all", Box::new(|o| unsafe { dog_tag_list(ctx.h, null(), o) })),
        ("get", Box::new(|o| unsafe { dog_tag_get(ctx.h, host.as_ptr(), null(), false, o) })),
        ("add", Box::new(|o| unsafe { dog_tag_create(ctx.h, host.as_ptr(), tags.as_ptr(), null(), o) })),
        ("change", Box::new(|o| unsafe { dog_tag_update(ctx.h, host.as_ptr(), tags.as_ptr(), null(), o) })),
        ("detach", Box::new(|o| unsafe { dog_tag_delete(ctx.h, host.as_ptr(), null(), o) })),
        ("search", Box::new(|o| unsafe { dog_search_query(ctx.h, tags.as_ptr(), o) })),
    ];
    for (name, f) in &calls {
        fault_404(&ctx.intake);
        let (st, r) = call(f);
        assert_eq!(st, DOG_ERR_API, "{name}");
        assert!(!r.0.is_null(), "{name}: the response is handed out");
        assert_eq!(r.status(), 404, "{name}");
        assert_eq!(r.result_value(), None, "{name}");
        take_one(&ctx.intake);
    }
    // A 200 whose body lacks `tags` cannot give dogapi's result.
    ctx.intake.set_response("GET", "/api/v1/tags/hosts", 200, r#"{"status":"ok"}"#);
    let (st, r) = call(|o| unsafe { dog_tag_list(ctx.h, null(), o) });
    assert_eq!(st, DOG_ERR_INVALID_RESPONSE);
    assert_eq!(r.status(), 200);
}

#[test]
fn bad_arguments_send_nothing() {
    let ctx = setup();
    let tags = c("a");
    let empty = c("  ");
    let (st, r) = call(|o| unsafe { dog_tag_create(ctx.h, null(), tags.as_ptr(), null(), o) });
    assert_eq!(st, DOG_ERR_NULL_ARGUMENT);
    assert!(r.0.is_null());
    let (st, _r) = call(|o| unsafe { dog_tag_create(ctx.h, empty.as_ptr(), tags.as_ptr(), null(), o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    let (st, _r) = call(|o| unsafe { dog_tag_get(ctx.h, empty.as_ptr(), null(), false, o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    let (st, _r) = call(|o| unsafe { dog_tag_create(ctx.h, tags.as_ptr(), null(), null(), o) });
    assert_eq!(st, DOG_ERR_NULL_ARGUMENT);
    let bad_utf8 = [0xffu8, 0xfe, 0];
    let (st, _r) = call(|o| unsafe { dog_tag_delete(ctx.h, bad_utf8.as_ptr().cast(), null(), o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    let nothing = c("");
    let (st, _r) = call(|o| unsafe { dog_search_query(ctx.h, nothing.as_ptr(), o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    let (st, _r) = call(|o| unsafe { dog_search_query(ctx.h, null(), o) });
    assert_eq!(st, DOG_ERR_NULL_ARGUMENT);
    std::thread::sleep(Duration::from_millis(100));
    assert!(ctx.intake.requests().is_empty());
}

#[test]
fn search_sends_the_query_and_returns_results() {
    let ctx = setup();
    // Teach the intake a host and a metric.
    let (host, tags) = (c("search-host-1"), c("a:b"));
    let (st, _r) = call(|o| unsafe { dog_tag_create(ctx.h, host.as_ptr(), tags.as_ptr(), null(), o) });
    assert_eq!(st, DOG_OK);
    ctx.intake.clear();
    let q = c("hosts:search-host");
    let (st, r) = call(|o| unsafe { dog_search_query(ctx.h, q.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value(), Some(json!({"hosts": ["search-host-1"]})));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.as_str()), ("GET", "/api/v1/search"));
    assert_eq!(rec.query_param("q"), Some("hosts:search-host"));
    assert_eq!(rec.raw_query, "q=hosts%3Asearch-host");
    assert_eq!(rec.contract, Contract::NoBody);
}
