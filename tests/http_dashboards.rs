//! Dashboards through the C ABI against the local intake: the legacy `/dash` functions
//! (deprecated, not in today's spec) and the modern `/api/v1/dashboard` ones (bodies validated
//! against the spec's `Dashboard` schema).
#![allow(deprecated)]

use dogapi::ffi::dashboard::*;
use dogapi::ffi::http::{dog_http_free, dog_http_new, dog_http_set_api_host, dog_http_set_json_responses, DogHttp};
use dogapi::ffi::response::*;
use dogapi::ffi::status::dog_status_t::{self, *};
use dogapi_intake::{Contract, Fault, Intake, Recorded};
use serde_json::{json, Value};
use std::ffi::{CStr, CString};
use std::ptr::null;
use std::time::Duration;

// ---- helpers (shared shape with the other tests/http_*.rs files) ----

struct Client(*mut DogHttp);

impl Drop for Client {
    fn drop(&mut self) {
        unsafe { dog_http_free(self.0) }
    }
}

fn client(i: &Intake) -> Client {
    let h = unsafe { dog_http_new(c"test-api-key".as_ptr(), c"test-app-key".as_ptr()) };
    assert!(!h.is_null());
    let url = CString::new(i.url()).unwrap();
    assert_eq!(unsafe { dog_http_set_api_host(h, url.as_ptr()) }, DOG_OK);
    Client(h)
}

fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// What a call handed out, copied before the response is freed.
#[derive(Debug)]
struct Out {
    status: dog_status_t,
    http: Option<i32>,
    body: Option<String>,
    result: Option<String>,
    id: Option<String>,
}

impl Out {
    fn result_json(&self) -> Value {
        serde_json::from_str(self.result.as_deref().expect("a result")).expect("result is JSON")
    }
}

fn text(p: *const std::ffi::c_char) -> Option<String> {
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string())
}

fn run(f: impl FnOnce(*mut *mut DogResponse) -> dog_status_t) -> Out {
    let mut r: *mut DogResponse = std::ptr::null_mut();
    let status = f(&mut r);
    let out = if r.is_null() {
        Out { status, http: None, body: None, result: None, id: None }
    } else {
        Out {
            status,
            http: Some(dog_response_status(r)),
            body: text(dog_response_body(r)),
            result: text(dog_response_result(r)),
            id: text(dog_response_id(r)),
        }
    };
    unsafe { dog_response_free(r) };
    out
}

fn one(i: &Intake) -> Recorded {
    let rs = i.wait_for(1, Duration::from_secs(5));
    assert_eq!(rs.len(), 1, "expected exactly one request, got {rs:#?}");
    i.clear();
    rs.into_iter().next().unwrap()
}

fn assert_api_error(i: &Intake, o: Out) {
    assert_eq!(o.status, DOG_ERR_API, "{o:?}");
    assert_eq!(o.http, Some(404), "the response is handed out on failure");
    assert!(o.body.as_deref().unwrap().contains("Not found"));
    assert!(o.result.is_none() && o.id.is_none());
    one(i);
}

fn fault_404(i: &Intake) {
    i.push_fault(Fault::Status { code: 404, body: r#"{"errors":["Not found"]}"#.into() });
}

fn assert_nothing_sent(i: &Intake) {
    std::thread::sleep(Duration::from_millis(50));
    assert!(i.requests().is_empty(), "nothing may be sent: {:#?}", i.requests());
}

// ---- legacy /dash ----

const GRAPHS: &str = r#"[{"title":"CPU","definition":{"events":[],"requests":[{"q":"avg:system.cpu.user{*}"}],"viz":"timeseries"}}]"#;

fn dash_create(c: &Client, title: &str, tv: Option<&str>) -> Out {
    let (t, d, g) = (cs(title), cs("a description"), cs(GRAPHS));
    let tv = tv.map(cs);
    run(|r| unsafe { dog_dash_create(c.0, t.as_ptr(), d.as_ptr(), g.as_ptr(), tv.as_ref().map_or(null(), |s| s.as_ptr()), r) })
}

#[test]
fn dash_create_sends_dogapi_body_and_returns_the_id() {
    let i = Intake::start();
    let c = client(&i);
    let o = dash_create(&c, "My board", Some(r#"["foo","bar"]"#));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str(), r.raw_query.as_str()), ("POST", "/api/v1/dash", ""));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("dd-api-key"), Some("test-api-key"));
    assert_eq!(r.header("dd-application-key"), Some("test-app-key"));
    assert_eq!(
        r.json(),
        json!({"title":"My board","description":"a description","graphs":serde_json::from_str::<Value>(GRAPHS).unwrap(),"template_variables":["foo","bar"]})
    );
    assert_eq!(r.contract, Contract::NotInSpec);
    let id = o.id.clone().expect("an id");
    assert!(id.parse::<i64>().is_ok(), "{id}");
    assert_eq!(o.result.as_deref(), Some(id.as_str()), "dogapi's formatter: x['dash']['id']");

    // NULL template variables are sent as [] (dogapi's `or []`).
    let o = dash_create(&c, "Other", None);
    assert_eq!(o.status, DOG_OK);
    assert_eq!(one(&i).json()["template_variables"], json!([]));

    // json_responses: the whole answer.
    assert_eq!(dog_http_set_json_responses(c.0, true), DOG_OK);
    let o = dash_create(&c, "Third", None);
    assert_eq!(o.status, DOG_OK);
    let whole = o.result_json();
    assert_eq!(whole["dash"]["title"], "Third");
    assert_eq!(whole["dash"]["id"].to_string(), o.id.unwrap());
    one(&i);

    fault_404(&i);
    assert_api_error(&i, dash_create(&c, "x", None));
}

#[test]
fn dash_create_rejects_malformed_json_without_sending() {
    let i = Intake::start();
    let c = client(&i);
    let (t, d) = (cs("t"), cs("d"));
    for (graphs, tv) in [("[", None), ("{}", None), ("\"graphs\"", None), (GRAPHS, Some("{")), (GRAPHS, Some(r#"{"name":"x"}"#))] {
        let (g, tv) = (cs(graphs), tv.map(cs));
        let o = run(|r| unsafe { dog_dash_create(c.0, t.as_ptr(), d.as_ptr(), g.as_ptr(), tv.as_ref().map_or(null(), |s| s.as_ptr()), r) });
        assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT, "{graphs} {tv:?}");
        assert!(o.http.is_none());
        let o = run(|r| unsafe { dog_dash_update(c.0, 5, t.as_ptr(), d.as_ptr(), g.as_ptr(), tv.as_ref().map_or(null(), |s| s.as_ptr()), r) });
        assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT);
    }
    let g = cs(GRAPHS);
    let o = run(|r| unsafe { dog_dash_create(c.0, null(), d.as_ptr(), g.as_ptr(), null(), r) });
    assert_eq!(o.status, DOG_ERR_NULL_ARGUMENT);
    let o = run(|r| unsafe { dog_dash_create(c.0, t.as_ptr(), d.as_ptr(), null(), null(), r) });
    assert_eq!(o.status, DOG_ERR_NULL_ARGUMENT);
    assert_nothing_sent(&i);
}

#[test]
fn dash_get_list_update_delete() {
    let i = Intake::start();
    let c = client(&i);
    let id: i64 = dash_create(&c, "Board", None).id.unwrap().parse().unwrap();
    one(&i);

    let o = run(|r| dog_dash_get(c.0, id, r));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("GET", format!("/api/v1/dash/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    assert!(r.body.is_empty());
    let dash = o.result_json();
    assert_eq!(dash["title"], "Board", "dogapi's formatter: x['dash']");
    assert_eq!(dash["id"], id);

    let o = run(|r| dog_dash_get_all(c.0, r));
    assert_eq!(o.status, DOG_OK);
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str(), r.raw_query.as_str()), ("GET", "/api/v1/dash", ""));
    assert_eq!(r.contract, Contract::NotInSpec);
    let dashes = o.result_json();
    assert!(dashes.as_array().unwrap().iter().any(|d| d["id"] == id), "x['dashes']: {dashes}");

    let (t, d, g, tv) = (cs("Renamed"), cs("new"), cs("[]"), cs(r#"[{"name":"host","prefix":"host","default":"*"}]"#));
    let o = run(|r| unsafe { dog_dash_update(c.0, id, t.as_ptr(), d.as_ptr(), g.as_ptr(), tv.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("PUT", format!("/api/v1/dash/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    assert_eq!(r.json(), json!({"title":"Renamed","description":"new","graphs":[],"template_variables":[{"name":"host","prefix":"host","default":"*"}]}));
    assert_eq!(o.result.as_deref(), Some(id.to_string().as_str()));
    assert_eq!(o.id.as_deref(), Some(id.to_string().as_str()));

    let o = run(|r| dog_dash_delete(c.0, id, r));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("DELETE", format!("/api/v1/dash/{id}")));
    assert_eq!(o.result, None, "raw: an empty answer is no result");

    // The intake now answers 404 {"errors":[...]} by itself.
    let o = run(|r| dog_dash_get(c.0, id, r));
    assert_eq!(o.status, DOG_ERR_API);
    assert!(o.body.unwrap().contains("No dashboard matches that dash_id."));
    one(&i);

    for f in [
        &(|r| dog_dash_get(c.0, 7, r)) as &dyn Fn(*mut *mut DogResponse) -> dog_status_t,
        &|r| dog_dash_get_all(c.0, r),
        &|r| unsafe { dog_dash_update(c.0, 7, t.as_ptr(), d.as_ptr(), g.as_ptr(), null(), r) },
        &|r| dog_dash_delete(c.0, 7, r),
    ] {
        fault_404(&i);
        assert_api_error(&i, run(f));
    }
}

// ---- modern /api/v1/dashboard ----

const DASHBOARD: &str = r#"{
  "title": "Service overview",
  "description": "made by libdogapi",
  "layout_type": "ordered",
  "widgets": [
    {"definition": {"type": "timeseries", "title": "CPU", "requests": [{"q": "avg:system.cpu.user{*}", "display_type": "line"}]}},
    {"definition": {"type": "note", "content": "hello"}}
  ],
  "template_variables": [{"name": "host", "prefix": "host", "defaults": ["*"]}],
  "notify_list": [],
  "reflow_type": "auto"
}"#;

fn dashboard_create(c: &Client, json_text: &str) -> Out {
    let d = cs(json_text);
    run(|r| unsafe { dog_dashboard_create(c.0, d.as_ptr(), r) })
}

#[test]
fn dashboard_create_is_valid_against_the_spec() {
    let i = Intake::start();
    let c = client(&i);
    let o = dashboard_create(&c, DASHBOARD);
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str(), r.raw_query.as_str()), ("POST", "/api/v1/dashboard", ""));
    assert_eq!(r.contract, Contract::Valid);
    assert_eq!(r.json(), serde_json::from_str::<Value>(DASHBOARD).unwrap());
    let id = o.id.clone().expect("an id");
    let d = o.result_json();
    assert_eq!(d["id"], id.as_str(), "the result is the created dashboard");
    assert_eq!(d["title"], "Service overview");

    // A free layout (the screenboard replacement) with widget layouts.
    let free = r#"{"title":"Free","layout_type":"free","widgets":[{"definition":{"type":"note","content":"x"},"layout":{"x":0,"y":0,"width":4,"height":2}}]}"#;
    let o = dashboard_create(&c, free);
    assert_eq!(o.status, DOG_OK, "{o:?}");
    assert_eq!(one(&i).contract, Contract::Valid);

    fault_404(&i);
    assert_api_error(&i, dashboard_create(&c, DASHBOARD));
}

#[test]
fn dashboard_create_rejects_bad_json_without_sending() {
    let i = Intake::start();
    let c = client(&i);
    for bad in [
        "{",
        "[]",
        r#"{"layout_type":"ordered","widgets":[]}"#,
        r#"{"title":"t","widgets":[]}"#,
        r#"{"title":"t","layout_type":"grid","widgets":[]}"#,
        r#"{"title":"t","layout_type":"ordered"}"#,
        r#"{"title":"t","layout_type":"ordered","widgets":[{"definition":"note"}]}"#,
        r#"{"title":1,"layout_type":"ordered","widgets":[]}"#,
    ] {
        let o = dashboard_create(&c, bad);
        assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT, "{bad}");
        let (id, d) = (cs("abc-def-ghi"), cs(bad));
        let o = run(|r| unsafe { dog_dashboard_update(c.0, id.as_ptr(), d.as_ptr(), r) });
        assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT, "{bad}");
    }
    let o = run(|r| unsafe { dog_dashboard_create(c.0, null(), r) });
    assert_eq!(o.status, DOG_ERR_NULL_ARGUMENT);
    let o = run(|r| unsafe { dog_dashboard_get(c.0, c"".as_ptr(), r) });
    assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT);
    let o = run(|r| dog_dashboard_get_all(c.0, true, true, 0, 0, r));
    assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT);
    let o = run(|r| dog_dashboard_get_all(c.0, false, false, -1, 0, r));
    assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT);
    assert_nothing_sent(&i);
}

#[test]
fn dashboard_get_list_update_delete() {
    let i = Intake::start();
    let c = client(&i);
    let id = dashboard_create(&c, DASHBOARD).id.unwrap();
    one(&i);
    let cid = cs(&id);

    let o = run(|r| unsafe { dog_dashboard_get(c.0, cid.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("GET", format!("/api/v1/dashboard/{id}")));
    assert_eq!(r.contract, Contract::NoBody);
    assert_eq!(o.id.as_deref(), Some(id.as_str()));
    let fetched = o.result.clone().unwrap();
    assert_eq!(o.result_json()["title"], "Service overview");

    let o = run(|r| dog_dashboard_get_all(c.0, false, false, 0, 0, r));
    assert_eq!(o.status, DOG_OK);
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str(), r.raw_query.as_str()), ("GET", "/api/v1/dashboard", ""));
    assert_eq!(r.contract, Contract::NoBody);
    assert!(o.result_json().as_array().unwrap().iter().any(|d| d["id"] == id.as_str()), "the `dashboards` list");

    let o = run(|r| dog_dashboard_get_all(c.0, true, false, 10, 20, r));
    assert_eq!(o.status, DOG_OK);
    let r = one(&i);
    assert_eq!(r.query_param("filter[shared]"), Some("true"));
    assert_eq!(r.query_param("filter[deleted]"), None);
    assert_eq!(r.query_param("count"), Some("10"));
    assert_eq!(r.query_param("start"), Some("20"));
    assert_eq!(r.contract, Contract::NoBody, "query parameters match the spec");
    let o = run(|r| dog_dashboard_get_all(c.0, false, true, 0, 0, r));
    assert_eq!(o.status, DOG_OK);
    assert_eq!(one(&i).query_param("filter[deleted]"), Some("true"));

    // What get returned (with its read-only fields) can be sent back; they are dropped.
    let mut changed: Value = serde_json::from_str(&fetched).unwrap();
    changed["title"] = json!("Renamed");
    let d = cs(&changed.to_string());
    let o = run(|r| unsafe { dog_dashboard_update(c.0, cid.as_ptr(), d.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("PUT", format!("/api/v1/dashboard/{id}")));
    assert_eq!(r.contract, Contract::Valid);
    let sent = r.json();
    assert_eq!(sent["title"], "Renamed");
    for k in ["id", "url", "author_handle", "created_at"] {
        assert!(sent.get(k).is_none(), "read-only {k} was sent");
    }
    assert_eq!(o.id.as_deref(), Some(id.as_str()));
    assert_eq!(o.result_json()["title"], "Renamed");

    assert_eq!(dog_http_set_json_responses(c.0, true), DOG_OK);
    let o = run(|r| unsafe { dog_dashboard_delete(c.0, cid.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("DELETE", format!("/api/v1/dashboard/{id}")));
    assert_eq!(r.contract, Contract::NoBody);
    assert_eq!(o.result_json(), json!({"deleted_dashboard_id": id}));

    // Ids are percent-encoded into the path.
    let o = run(|r| unsafe { dog_dashboard_get(c.0, c"a/b c".as_ptr(), r) });
    assert_eq!(o.status, DOG_ERR_API);
    assert_eq!(one(&i).path, "/api/v1/dashboard/a%2Fb%20c");

    let d = cs(DASHBOARD);
    for f in [
        &(|r| unsafe { dog_dashboard_get(c.0, cid.as_ptr(), r) }) as &dyn Fn(*mut *mut DogResponse) -> dog_status_t,
        &|r| dog_dashboard_get_all(c.0, false, false, 0, 0, r),
        &|r| unsafe { dog_dashboard_update(c.0, cid.as_ptr(), d.as_ptr(), r) },
        &|r| unsafe { dog_dashboard_delete(c.0, cid.as_ptr(), r) },
    ] {
        fault_404(&i);
        assert_api_error(&i, run(f));
    }
}
