//! Host tags and search through the C ABI against the local intake: method, path, query and
//! body of each request, its contract against the v1 spec, the result view and error answers.

use dogapi::ffi::http::{dog_http_free, dog_http_new, dog_http_set_api_host, dog_http_set_json_responses, DogHttp};
use dogapi::ffi::response::{dog_response_free, dog_response_result, dog_response_status, DogResponse};
use dogapi::ffi::search::dog_search_query;
use dogapi::ffi::status::dog_status_t::{self, *};
use dogapi::ffi::tags::{dog_tags_add, dog_tags_all, dog_tags_change, dog_tags_detach, dog_tags_get};
use dogapi_intake::{Contract, Fault, Intake, Recorded};
use serde_json::{json, Value};
use std::ffi::{c_char, CStr, CString};
use std::ptr::null;
use std::time::Duration;

struct Ctx {
    intake: Intake,
    h: *mut DogHttp,
}

impl Drop for Ctx {
    fn drop(&mut self) {
        unsafe { dog_http_free(self.h) };
    }
}

fn setup() -> Ctx {
    let intake = Intake::start();
    let (k, a, u) = (cs("test-api-key"), cs("test-app-key"), cs(&intake.url()));
    let h = unsafe { dog_http_new(k.as_ptr(), a.as_ptr()) };
    assert!(!h.is_null());
    assert_eq!(unsafe { dog_http_set_api_host(h, u.as_ptr()) }, DOG_OK);
    Ctx { intake, h }
}

fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// Owns a response handed out by a call.
struct Resp(*mut DogResponse);

impl Drop for Resp {
    fn drop(&mut self) {
        unsafe { dog_response_free(self.0) };
    }
}

impl Resp {
    fn result(&self) -> Option<Value> {
        let p = dog_response_result(self.0);
        (!p.is_null()).then(|| serde_json::from_str(unsafe { CStr::from_ptr(p) }.to_str().unwrap()).unwrap())
    }
    fn status(&self) -> i32 {
        dog_response_status(self.0)
    }
}

/// Runs a call, returns its status and response.
fn call(f: impl FnOnce(*mut *mut DogResponse) -> dog_status_t) -> (dog_status_t, Resp) {
    let mut r: *mut DogResponse = std::ptr::null_mut();
    let st = f(&mut r);
    (st, Resp(r))
}

fn one(ctx: &Ctx) -> Recorded {
    let mut v = ctx.intake.wait_for(1, Duration::from_secs(5));
    assert_eq!(v.len(), 1, "expected exactly one request: {v:?}");
    ctx.intake.clear();
    v.remove(0)
}

fn opt(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(null(), |c| c.as_ptr())
}

#[test]
fn add_change_get_all_detach() {
    let ctx = setup();
    let (host, tags, src) = (cs("web-1"), cs("role:db, env:prod"), Some(cs("chef")));

    let (st, r) = call(|o| unsafe { dog_tags_add(ctx.h, host.as_ptr(), tags.as_ptr(), opt(&src), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result(), Some(json!(["role:db", "env:prod"])));
    let q = one(&ctx);
    assert_eq!((q.method.as_str(), q.path.as_str()), ("POST", "/api/v1/tags/hosts/web-1"));
    assert_eq!(q.query_param("source"), Some("chef"));
    assert_eq!(q.json(), json!({"tags": ["role:db", "env:prod"]}));
    assert_eq!(q.contract, Contract::Valid);
    assert_eq!(q.header("dd-api-key"), Some("test-api-key"));

    let t2 = cs("role:cache");
    let (st, r) = call(|o| unsafe { dog_tags_change(ctx.h, host.as_ptr(), t2.as_ptr(), null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result(), Some(json!(["role:cache"])));
    let q = one(&ctx);
    assert_eq!((q.method.as_str(), q.path.as_str(), q.raw_query.as_str()), ("PUT", "/api/v1/tags/hosts/web-1", ""));
    assert_eq!(q.json(), json!({"tags": ["role:cache"]}));
    assert_eq!(q.contract, Contract::Valid);

    let (st, r) = call(|o| unsafe { dog_tags_get(ctx.h, host.as_ptr(), opt(&src), true, o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result(), Some(json!(["role:cache"])));
    let q = one(&ctx);
    assert_eq!((q.method.as_str(), q.path.as_str()), ("GET", "/api/v1/tags/hosts/web-1"));
    assert_eq!(q.query_param("source"), Some("chef"));
    assert_eq!(q.query_param("by_source"), Some("true"));
    assert!(q.body.is_empty());
    assert_eq!(q.contract, Contract::NoBody);

    let (st, r) = call(|o| unsafe { dog_tags_get(ctx.h, host.as_ptr(), null(), false, o) });
    assert_eq!(st, DOG_OK);
    drop(r);
    let q = one(&ctx);
    assert_eq!(q.raw_query, "", "no source, no by_source");

    let (st, r) = call(|o| unsafe { dog_tags_all(ctx.h, null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result(), Some(json!({"role:cache": ["web-1"]})));
    let q = one(&ctx);
    assert_eq!((q.method.as_str(), q.path.as_str(), q.raw_query.as_str()), ("GET", "/api/v1/tags/hosts", ""));
    assert_eq!(q.contract, Contract::NoBody);

    let user = cs("user");
    let (st, _r) = call(|o| unsafe { dog_tags_all(ctx.h, user.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(one(&ctx).query_param("source"), Some("user"));

    let (st, r) = call(|o| unsafe { dog_tags_detach(ctx.h, host.as_ptr(), opt(&src), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.status(), 204);
    assert_eq!(r.result(), None, "204 without body: no result");
    let q = one(&ctx);
    assert_eq!((q.method.as_str(), q.path.as_str()), ("DELETE", "/api/v1/tags/hosts/web-1"));
    assert_eq!(q.query_param("source"), Some("chef"));
    assert_eq!(q.contract, Contract::NoBody);
}

#[test]
fn json_responses_give_the_whole_body() {
    let ctx = setup();
    assert_eq!(dog_http_set_json_responses(ctx.h, true), DOG_OK);
    let (host, tags) = (cs("db-2"), cs("a:b"));
    let (st, r) = call(|o| unsafe { dog_tags_add(ctx.h, host.as_ptr(), tags.as_ptr(), null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result(), Some(json!({"host": "db-2", "tags": ["a:b"]})));
    let (st, r) = call(|o| unsafe { dog_tags_detach(ctx.h, host.as_ptr(), null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result(), Some(json!({})), "an empty answer is {{}} with json_responses");
    let q = cs("hosts:db");
    let (st, r) = call(|o| unsafe { dog_search_query(ctx.h, q.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert!(r.result().unwrap().get("results").is_some());
}

#[test]
fn host_names_are_percent_encoded() {
    let ctx = setup();
    let (host, tags) = (cs("odd host/1"), cs("x"));
    let (st, _r) = call(|o| unsafe { dog_tags_add(ctx.h, host.as_ptr(), tags.as_ptr(), null(), o) });
    assert_eq!(st, DOG_OK);
    let q = one(&ctx);
    assert!(q.path.ends_with("/tags/hosts/odd%20host%2F1"), "{}", q.path);
}

#[test]
fn errors_from_the_server_are_reported_with_the_response() {
    let ctx = setup();
    let host = cs("web-1");
    let tags = cs("a:b");
    type Call<'a> = Box<dyn Fn(*mut *mut DogResponse) -> dog_status_t + 'a>;
    let calls: Vec<(&str, Call)> = vec![
        ("all", Box::new(|o| unsafe { dog_tags_all(ctx.h, null(), o) })),
        ("get", Box::new(|o| unsafe { dog_tags_get(ctx.h, host.as_ptr(), null(), false, o) })),
        ("add", Box::new(|o| unsafe { dog_tags_add(ctx.h, host.as_ptr(), tags.as_ptr(), null(), o) })),
        ("change", Box::new(|o| unsafe { dog_tags_change(ctx.h, host.as_ptr(), tags.as_ptr(), null(), o) })),
        ("detach", Box::new(|o| unsafe { dog_tags_detach(ctx.h, host.as_ptr(), null(), o) })),
        ("search", Box::new(|o| unsafe { dog_search_query(ctx.h, tags.as_ptr(), o) })),
    ];
    for (name, f) in &calls {
        ctx.intake.push_fault(Fault::Status { code: 404, body: r#"{"errors":["Not found"]}"#.into() });
        let (st, r) = call(f);
        assert_eq!(st, DOG_ERR_API, "{name}");
        assert!(!r.0.is_null(), "{name}: the response is handed out");
        assert_eq!(r.status(), 404, "{name}");
        assert_eq!(r.result(), None, "{name}");
        one(&ctx);
    }
    // A 200 whose body lacks `tags` cannot give dogapi's result.
    ctx.intake.set_response("GET", "/api/v1/tags/hosts", 200, r#"{"status":"ok"}"#);
    let (st, r) = call(|o| unsafe { dog_tags_all(ctx.h, null(), o) });
    assert_eq!(st, DOG_ERR_INVALID_RESPONSE);
    assert_eq!(r.status(), 200);
}

#[test]
fn bad_arguments_send_nothing() {
    let ctx = setup();
    let tags = cs("a");
    let empty = cs("  ");
    let (st, r) = call(|o| unsafe { dog_tags_add(ctx.h, null(), tags.as_ptr(), null(), o) });
    assert_eq!(st, DOG_ERR_NULL_ARGUMENT);
    assert!(r.0.is_null());
    let (st, _r) = call(|o| unsafe { dog_tags_add(ctx.h, empty.as_ptr(), tags.as_ptr(), null(), o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    let (st, _r) = call(|o| unsafe { dog_tags_get(ctx.h, empty.as_ptr(), null(), false, o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    let (st, _r) = call(|o| unsafe { dog_tags_add(ctx.h, tags.as_ptr(), null(), null(), o) });
    assert_eq!(st, DOG_ERR_NULL_ARGUMENT);
    let bad_utf8 = [0xffu8, 0xfe, 0];
    let (st, _r) = call(|o| unsafe { dog_tags_detach(ctx.h, bad_utf8.as_ptr().cast(), null(), o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT);
    let nothing = cs("");
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
    let (host, tags) = (cs("search-host-1"), cs("a:b"));
    let (st, _r) = call(|o| unsafe { dog_tags_add(ctx.h, host.as_ptr(), tags.as_ptr(), null(), o) });
    assert_eq!(st, DOG_OK);
    ctx.intake.clear();
    let q = cs("hosts:search-host");
    let (st, r) = call(|o| unsafe { dog_search_query(ctx.h, q.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result(), Some(json!({"hosts": ["search-host-1"]})));
    let rec = one(&ctx);
    assert_eq!((rec.method.as_str(), rec.path.as_str()), ("GET", "/api/v1/search"));
    assert_eq!(rec.query_param("q"), Some("hosts:search-host"));
    assert_eq!(rec.raw_query, "q=hosts%3Asearch-host");
    assert_eq!(rec.contract, Contract::NoBody);
}
