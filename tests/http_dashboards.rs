//! Dashboards through the C ABI against the local intake: the legacy `/dash` functions
//! (deprecated, not in today's spec) and the modern `/api/v1/dashboard` ones (bodies validated
//! against the spec's `Dashboard` schema).
#![allow(deprecated)]

mod common;
use common::*;
use dogapi::ffi::dashboard::*;
use dogapi::ffi::http::dog_http_set_json_responses;
use dogapi::ffi::response::DogResponse;
use dogapi::ffi::status::dog_status_t::{self, *};
use serde_json::{json, Value};
use std::ptr::null;

// ---- legacy /dash ----

const GRAPHS: &str =
    r#"[{"title":"CPU","definition":{"events":[],"requests":[{"q":"avg:system.cpu.user{*}"}],"viz":"timeseries"}}]"#;

fn dash_create(cl: &Client, title: &str, tv: Option<&str>) -> Out {
    let (t, d, g) = (c(title), c("a description"), c(GRAPHS));
    let tv = tv.map(c);
    run(|r| unsafe {
        dog_dash_create(cl.0, t.as_ptr(), d.as_ptr(), g.as_ptr(), tv.as_ref().map_or(null(), |s| s.as_ptr()), r)
    })
}

#[test]
fn dash_create_sends_dogapi_body_and_returns_the_id() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let o = dash_create(&cl, "My board", Some(r#"["foo","bar"]"#));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
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
    let o = dash_create(&cl, "Other", None);
    assert_eq!(o.status, DOG_OK);
    assert_eq!(take_one(&i).json()["template_variables"], json!([]));

    // json_responses: the whole answer.
    assert_eq!(dog_http_set_json_responses(cl.0, true), DOG_OK);
    let o = dash_create(&cl, "Third", None);
    assert_eq!(o.status, DOG_OK);
    let whole = o.result_json();
    assert_eq!(whole["dash"]["title"], "Third");
    assert_eq!(whole["dash"]["id"].to_string(), o.id.unwrap());
    take_one(&i);

    fault_404(&i);
    assert_api_error(&i, dash_create(&cl, "x", None));
}

#[test]
fn dash_create_rejects_malformed_json_without_sending() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let (t, d) = (c("t"), c("d"));
    for (graphs, tv) in
        [("[", None), ("{}", None), ("\"graphs\"", None), (GRAPHS, Some("{")), (GRAPHS, Some(r#"{"name":"x"}"#))]
    {
        let (g, tv) = (c(graphs), tv.map(c));
        let o = run(|r| unsafe {
            dog_dash_create(cl.0, t.as_ptr(), d.as_ptr(), g.as_ptr(), tv.as_ref().map_or(null(), |s| s.as_ptr()), r)
        });
        assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT, "{graphs} {tv:?}");
        assert!(o.http.is_none());
        let o = run(|r| unsafe {
            dog_dash_update(cl.0, 5, t.as_ptr(), d.as_ptr(), g.as_ptr(), tv.as_ref().map_or(null(), |s| s.as_ptr()), r)
        });
        assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT);
    }
    let g = c(GRAPHS);
    let o = run(|r| unsafe { dog_dash_create(cl.0, null(), d.as_ptr(), g.as_ptr(), null(), r) });
    assert_eq!(o.status, DOG_ERR_NULL_ARGUMENT);
    let o = run(|r| unsafe { dog_dash_create(cl.0, t.as_ptr(), d.as_ptr(), null(), null(), r) });
    assert_eq!(o.status, DOG_ERR_NULL_ARGUMENT);
    assert_nothing_sent(&i);
}

#[test]
fn dash_get_list_update_delete() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let id: i64 = dash_create(&cl, "Board", None).id.unwrap().parse().unwrap();
    take_one(&i);

    let o = run(|r| dog_dash_get(cl.0, id, r));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("GET", format!("/api/v1/dash/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    assert!(r.body.is_empty());
    let dash = o.result_json();
    assert_eq!(dash["title"], "Board", "dogapi's formatter: x['dash']");
    assert_eq!(dash["id"], id);

    let o = run(|r| dog_dash_get_all(cl.0, r));
    assert_eq!(o.status, DOG_OK);
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str(), r.raw_query.as_str()), ("GET", "/api/v1/dash", ""));
    assert_eq!(r.contract, Contract::NotInSpec);
    let dashes = o.result_json();
    assert!(dashes.as_array().unwrap().iter().any(|d| d["id"] == id), "x['dashes']: {dashes}");

    let (t, d, g, tv) = (c("Renamed"), c("new"), c("[]"), c(r#"[{"name":"host","prefix":"host","default":"*"}]"#));
    let o = run(|r| unsafe { dog_dash_update(cl.0, id, t.as_ptr(), d.as_ptr(), g.as_ptr(), tv.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("PUT", format!("/api/v1/dash/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    assert_eq!(
        r.json(),
        json!({"title":"Renamed","description":"new","graphs":[],"template_variables":[{"name":"host","prefix":"host","default":"*"}]})
    );
    assert_eq!(o.result.as_deref(), Some(id.to_string().as_str()));
    assert_eq!(o.id.as_deref(), Some(id.to_string().as_str()));

    let o = run(|r| dog_dash_delete(cl.0, id, r));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("DELETE", format!("/api/v1/dash/{id}")));
    assert_eq!(o.result, None, "raw: an empty answer is no result");

    // The intake now answers 404 {"errors":[...]} by itself.
    let o = run(|r| dog_dash_get(cl.0, id, r));
    assert_eq!(o.status, DOG_ERR_API);
    assert!(o.body.unwrap().contains("No dashboard matches that dash_id."));
    take_one(&i);

    for f in [
        &(|r| dog_dash_get(cl.0, 7, r)) as &dyn Fn(*mut *mut DogResponse) -> dog_status_t,
        &|r| dog_dash_get_all(cl.0, r),
        &|r| unsafe { dog_dash_update(cl.0, 7, t.as_ptr(), d.as_ptr(), g.as_ptr(), null(), r) },
        &|r| dog_dash_delete(cl.0, 7, r),
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

fn dashboard_create(cl: &Client, json_text: &str) -> Out {
    let d = c(json_text);
    run(|r| unsafe { dog_dashboard_create(cl.0, d.as_ptr(), r) })
}

#[test]
fn dashboard_create_is_valid_against_the_spec() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let o = dashboard_create(&cl, DASHBOARD);
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str(), r.raw_query.as_str()), ("POST", "/api/v1/dashboard", ""));
    assert_eq!(r.contract, Contract::Valid);
    assert_eq!(r.json(), serde_json::from_str::<Value>(DASHBOARD).unwrap());
    let id = o.id.clone().expect("an id");
    let d = o.result_json();
    assert_eq!(d["id"], id.as_str(), "the result is the created dashboard");
    assert_eq!(d["title"], "Service overview");

    // A free layout (the screenboard replacement) with widget layouts.
    let free = r#"{"title":"Free","layout_type":"free","widgets":[{"definition":{"type":"note","content":"x"},"layout":{"x":0,"y":0,"width":4,"height":2}}]}"#;
    let o = dashboard_create(&cl, free);
    assert_eq!(o.status, DOG_OK, "{o:?}");
    assert_eq!(take_one(&i).contract, Contract::Valid);

    fault_404(&i);
    assert_api_error(&i, dashboard_create(&cl, DASHBOARD));
}

#[test]
fn dashboard_create_rejects_bad_json_without_sending() {
    let i = Intake::start();
    let cl = Client::new(&i);
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
        let o = dashboard_create(&cl, bad);
        assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT, "{bad}");
        let (id, d) = (c("abc-def-ghi"), c(bad));
        let o = run(|r| unsafe { dog_dashboard_update(cl.0, id.as_ptr(), d.as_ptr(), r) });
        assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT, "{bad}");
    }
    let o = run(|r| unsafe { dog_dashboard_create(cl.0, null(), r) });
    assert_eq!(o.status, DOG_ERR_NULL_ARGUMENT);
    let o = run(|r| unsafe { dog_dashboard_get(cl.0, c"".as_ptr(), r) });
    assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT);
    let o = run(|r| dog_dashboard_get_all(cl.0, true, true, 0, 0, r));
    assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT);
    let o = run(|r| dog_dashboard_get_all(cl.0, false, false, -1, 0, r));
    assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT);
    assert_nothing_sent(&i);
}

#[test]
fn dashboard_get_list_update_delete() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let id = dashboard_create(&cl, DASHBOARD).id.unwrap();
    take_one(&i);
    let cid = c(&id);

    let o = run(|r| unsafe { dog_dashboard_get(cl.0, cid.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("GET", format!("/api/v1/dashboard/{id}")));
    assert_eq!(r.contract, Contract::NoBody);
    assert_eq!(o.id.as_deref(), Some(id.as_str()));
    let fetched = o.result.clone().unwrap();
    assert_eq!(o.result_json()["title"], "Service overview");

    let o = run(|r| dog_dashboard_get_all(cl.0, false, false, 0, 0, r));
    assert_eq!(o.status, DOG_OK);
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str(), r.raw_query.as_str()), ("GET", "/api/v1/dashboard", ""));
    assert_eq!(r.contract, Contract::NoBody);
    assert!(o.result_json().as_array().unwrap().iter().any(|d| d["id"] == id.as_str()), "the `dashboards` list");

    let o = run(|r| dog_dashboard_get_all(cl.0, true, false, 10, 20, r));
    assert_eq!(o.status, DOG_OK);
    let r = take_one(&i);
    assert_eq!(r.query_param("filter[shared]"), Some("true"));
    assert_eq!(r.query_param("filter[deleted]"), None);
    assert_eq!(r.query_param("count"), Some("10"));
    assert_eq!(r.query_param("start"), Some("20"));
    assert_eq!(r.contract, Contract::NoBody, "query parameters match the spec");
    let o = run(|r| dog_dashboard_get_all(cl.0, false, true, 0, 0, r));
    assert_eq!(o.status, DOG_OK);
    assert_eq!(take_one(&i).query_param("filter[deleted]"), Some("true"));

    // What get returned (with its read-only fields) can be sent back; they are dropped.
    let mut changed: Value = serde_json::from_str(&fetched).unwrap();
    changed["title"] = json!("Renamed");
    let d = c(&changed.to_string());
    let o = run(|r| unsafe { dog_dashboard_update(cl.0, cid.as_ptr(), d.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("PUT", format!("/api/v1/dashboard/{id}")));
    assert_eq!(r.contract, Contract::Valid);
    let sent = r.json();
    assert_eq!(sent["title"], "Renamed");
    for k in ["id", "url", "author_handle", "created_at"] {
        assert!(sent.get(k).is_none(), "read-only {k} was sent");
    }
    assert_eq!(o.id.as_deref(), Some(id.as_str()));
    assert_eq!(o.result_json()["title"], "Renamed");

    assert_eq!(dog_http_set_json_responses(cl.0, true), DOG_OK);
    let o = run(|r| unsafe { dog_dashboard_delete(cl.0, cid.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("DELETE", format!("/api/v1/dashboard/{id}")));
    assert_eq!(r.contract, Contract::NoBody);
    assert_eq!(o.result_json(), json!({"deleted_dashboard_id": id}));

    // Ids are percent-encoded into the path.
    let o = run(|r| unsafe { dog_dashboard_get(cl.0, c"a/b c".as_ptr(), r) });
    assert_eq!(o.status, DOG_ERR_API);
    assert_eq!(take_one(&i).path, "/api/v1/dashboard/a%2Fb%20c");

    let d = c(DASHBOARD);
    for f in [
        &(|r| unsafe { dog_dashboard_get(cl.0, cid.as_ptr(), r) }) as &dyn Fn(*mut *mut DogResponse) -> dog_status_t,
        &|r| dog_dashboard_get_all(cl.0, false, false, 0, 0, r),
        &|r| unsafe { dog_dashboard_update(cl.0, cid.as_ptr(), d.as_ptr(), r) },
        &|r| unsafe { dog_dashboard_delete(cl.0, cid.as_ptr(), r) },
    ] {
        fault_404(&i);
        assert_api_error(&i, run(f));
    }
}
