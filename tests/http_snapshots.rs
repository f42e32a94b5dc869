//! Graph snapshots through the C ABI against the local intake: `/api/v1/graph/snapshot` (in
//! today's spec) and dogapi's `/graph/snapshot_status/...` (not in the spec) with its URL
//! rewriting.

mod common;
use common::*;
use dogapi::ffi::http::dog_http_set_json_responses;
use dogapi::ffi::snapshot::*;
use dogapi::ffi::status::dog_status_t::*;
use serde_json::json;
use std::ptr::null;

const SNAP_URL: &str = "https://p.datadoghq.com/snapshot/view/dd-snapshots-prod/org_1/2015-01-01/abc.png";

#[test]
fn snapshot_sends_the_query_and_returns_the_whole_answer() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let (q, e) = (c("avg:system.load.1{*} by {host}"), c("tags:deploy"));
    let o = run(|r| unsafe { dog_snapshot_create(cl.0, q.as_ptr(), 1_700_000_000, 1_700_003_600, e.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/api/v1/graph/snapshot"));
    assert_eq!(
        r.query,
        vec![
            ("metric_query".to_string(), "avg:system.load.1{*} by {host}".to_string()),
            ("start".into(), "1700000000".into()),
            ("end".into(), "1700003600".into()),
            ("event_query".into(), "tags:deploy".into()),
        ]
    );
    assert!(r.body.is_empty());
    assert_eq!(r.contract, Contract::NoBody, "described by the spec, required query present");
    let a = o.result_json();
    assert!(a["snapshot_url"].as_str().unwrap().contains("/snapshot/view/"), "raw: {a}");
    assert_eq!(a["metric_query"], "avg:system.load.1{*} by {host}");
    assert_eq!(o.id, None);

    // event_query NULL or empty is left out.
    let o = run(|r| unsafe { dog_snapshot_create(cl.0, q.as_ptr(), 1, 2, null(), r) });
    assert_eq!(o.status, DOG_OK);
    assert_eq!(take_one(&i).raw_query, "metric_query=avg%3Asystem.load.1%7B%2A%7D%20by%20%7Bhost%7D&start=1&end=2");
    let o = run(|r| unsafe { dog_snapshot_create(cl.0, q.as_ptr(), 1, 2, c"".as_ptr(), r) });
    assert_eq!(o.status, DOG_OK);
    assert_eq!(take_one(&i).query_param("event_query"), None);

    fault_404(&i);
    assert_api_error(&i, run(|r| unsafe { dog_snapshot_create(cl.0, q.as_ptr(), 1, 2, null(), r) }));
}

#[test]
fn snapshot_from_def_sends_the_definition_on_one_line() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let def = "{\n  \"requests\": [ {\"q\": \"avg:system.load.1{*}\"} ],\n  \"viz\": \"timeseries\"\n}";
    let d = c(def);
    assert_eq!(dog_http_set_json_responses(cl.0, true), DOG_OK);
    let o = run(|r| unsafe { dog_snapshot_create_from_def(cl.0, d.as_ptr(), 100, 200, r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/api/v1/graph/snapshot"));
    let sent = r.query_param("graph_def").unwrap();
    assert_eq!(sent, r#"{"requests":[{"q":"avg:system.load.1{*}"}],"viz":"timeseries"}"#);
    assert_eq!(r.query_param("start"), Some("100"));
    assert_eq!(r.query_param("end"), Some("200"));
    assert_eq!(r.query_param("metric_query"), None);
    assert_eq!(r.contract, Contract::NoBody);
    let a = o.result_json();
    assert_eq!(a["graph_def"], sent, "json_responses: the whole answer");
    assert!(a["snapshot_url"].is_string());

    fault_404(&i);
    assert_api_error(&i, run(|r| unsafe { dog_snapshot_create_from_def(cl.0, d.as_ptr(), 100, 200, r) }));
}

#[test]
fn invalid_arguments_send_nothing() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let q = c("avg:system.load.1{*}");
    assert_eq!(
        run(|r| unsafe { dog_snapshot_create(cl.0, q.as_ptr(), 200, 100, null(), r) }).status,
        DOG_ERR_INVALID_ARGUMENT
    );
    assert_eq!(
        run(|r| unsafe { dog_snapshot_create(cl.0, c"".as_ptr(), 1, 2, null(), r) }).status,
        DOG_ERR_INVALID_ARGUMENT
    );
    assert_eq!(run(|r| unsafe { dog_snapshot_create(cl.0, null(), 1, 2, null(), r) }).status, DOG_ERR_NULL_ARGUMENT);
    for bad in ["{", "[1]", "\"def\"", ""] {
        let d = c(bad);
        assert_eq!(
            run(|r| unsafe { dog_snapshot_create_from_def(cl.0, d.as_ptr(), 1, 2, r) }).status,
            DOG_ERR_INVALID_ARGUMENT,
            "{bad}"
        );
    }
    let d = c("{}");
    assert_eq!(
        run(|r| unsafe { dog_snapshot_create_from_def(cl.0, d.as_ptr(), 2, 1, r) }).status,
        DOG_ERR_INVALID_ARGUMENT
    );
    for bad in [
        "https://app.datadoghq.com/s/f12345678/aaa-bbb-ccc",
        "https://p.datadoghq.com/snapshot/view/.png",
        "not a url",
        "",
    ] {
        let u = c(bad);
        assert_eq!(
            run(|r| unsafe { dog_snapshot_status(cl.0, u.as_ptr(), r) }).status,
            DOG_ERR_INVALID_ARGUMENT,
            "{bad}"
        );
    }
    assert_eq!(run(|r| unsafe { dog_snapshot_status(cl.0, null(), r) }).status, DOG_ERR_NULL_ARGUMENT);
    assert_nothing_sent(&i);
}

#[test]
fn status_rewrites_the_url_like_dogapi() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let u = c(SNAP_URL);
    let o = run(|r| unsafe { dog_snapshot_status(cl.0, u.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.raw_query.as_str()),
        ("GET", "/api/v1/graph/snapshot_status/dd-snapshots-prod/org_1/2015-01-01/abc", "")
    );
    assert_eq!(r.contract, Contract::NotInSpec);
    assert_eq!(o.result.as_deref(), Some("200"), "dogapi's formatter: int(x['status_code'])");

    // The URL a snapshot call returned, polled as dogapi's users do.
    let q = c("avg:system.load.1{*}");
    let snap = run(|r| unsafe { dog_snapshot_create(cl.0, q.as_ptr(), 1, 2, null(), r) });
    take_one(&i);
    let url = c(snap.result_json()["snapshot_url"].as_str().unwrap());
    let o = run(|r| unsafe { dog_snapshot_status(cl.0, url.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK);
    assert_eq!(take_one(&i).path, "/api/v1/graph/snapshot_status/dd-snapshots-prod/org_1/2026-01-01/abc");

    // A string status code is converted as int() does; json_responses gives the whole answer.
    let path = "/api/v1/graph/snapshot_status/dd-snapshots-prod/org_1/2015-01-01/abc";
    i.set_response("GET", path, 200, r#"{"status_code":"403"}"#);
    let o = run(|r| unsafe { dog_snapshot_status(cl.0, u.as_ptr(), r) });
    assert_eq!(o.result.as_deref(), Some("403"));
    take_one(&i);
    assert_eq!(dog_http_set_json_responses(cl.0, true), DOG_OK);
    let o = run(|r| unsafe { dog_snapshot_status(cl.0, u.as_ptr(), r) });
    assert_eq!(o.result_json(), json!({"status_code": "403"}));
    take_one(&i);

    // An answer without status_code cannot be formatted.
    assert_eq!(dog_http_set_json_responses(cl.0, false), DOG_OK);
    i.set_response("GET", path, 200, r#"{"ok":true}"#);
    let o = run(|r| unsafe { dog_snapshot_status(cl.0, u.as_ptr(), r) });
    assert_eq!(o.status, DOG_ERR_INVALID_RESPONSE);
    assert_eq!(o.http, Some(200));
    take_one(&i);

    fault_404(&i);
    assert_api_error(&i, run(|r| unsafe { dog_snapshot_status(cl.0, u.as_ptr(), r) }));
}
