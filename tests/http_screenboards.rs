//! Screenboards (deprecated `/api/v1/screen`, not in today's spec) through the C ABI against
//! the local intake.
#![allow(deprecated)]

use dogapi::ffi::http::{dog_http_free, dog_http_new, dog_http_set_api_host, dog_http_set_json_responses, DogHttp};
use dogapi::ffi::response::*;
use dogapi::ffi::screenboard::*;
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


const BOARD: &str = r#"{"board_title":"My screen","widgets":[{"type":"image","height":20,"width":32,"y":7,"x":32,"url":"https://example.com/i.png"}]}"#;

fn create(c: &Client, desc: &str) -> Out {
    let d = cs(desc);
    run(|r| unsafe { dog_screenboard_create(c.0, d.as_ptr(), r) })
}

#[test]
fn create_sends_the_description_as_the_body() {
    let i = Intake::start();
    let c = client(&i);
    let o = create(&c, BOARD);
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str(), r.raw_query.as_str()), ("POST", "/api/v1/screen", ""));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("dd-api-key"), Some("test-api-key"));
    assert_eq!(r.json(), serde_json::from_str::<Value>(BOARD).unwrap());
    assert_eq!(r.contract, Contract::NotInSpec);
    let id = o.id.clone().expect("the board id");
    let board = o.result_json();
    assert_eq!(board["id"].to_string(), id, "raw: the whole answer");
    assert_eq!(board["board_title"], "My screen");

    fault_404(&i);
    assert_api_error(&i, create(&c, BOARD));
}

#[test]
fn malformed_descriptions_are_rejected_without_sending() {
    let i = Intake::start();
    let c = client(&i);
    for bad in ["{", "[]", "\"board\"", "42"] {
        assert_eq!(create(&c, bad).status, DOG_ERR_INVALID_ARGUMENT, "{bad}");
        let d = cs(bad);
        let o = run(|r| unsafe { dog_screenboard_update(c.0, 1, d.as_ptr(), r) });
        assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT, "{bad}");
    }
    assert_eq!(run(|r| unsafe { dog_screenboard_create(c.0, null(), r) }).status, DOG_ERR_NULL_ARGUMENT);
    assert_eq!(run(|r| unsafe { dog_screenboard_update(c.0, 1, null(), r) }).status, DOG_ERR_NULL_ARGUMENT);
    assert_nothing_sent(&i);
}

#[test]
fn get_list_update_share_delete() {
    let i = Intake::start();
    let c = client(&i);
    let id: i64 = create(&c, BOARD).id.unwrap().parse().unwrap();
    one(&i);

    let o = run(|r| dog_screenboard_get(c.0, id, r));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("GET", format!("/api/v1/screen/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    assert!(r.body.is_empty());
    assert_eq!(o.result_json()["board_title"], "My screen");
    assert_eq!(o.result_json()["id"], id);

    let o = run(|r| dog_screenboard_get_all(c.0, r));
    assert_eq!(o.status, DOG_OK);
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str(), r.raw_query.as_str()), ("GET", "/api/v1/screen", ""));
    assert_eq!(r.contract, Contract::NotInSpec);
    let list = o.result_json();
    assert!(list.as_array().unwrap().iter().any(|b| b["id"] == id), "x['screenboards']: {list}");

    let upd = r#"{"board_title":"Renamed","widgets":[]}"#;
    let d = cs(upd);
    let o = run(|r| unsafe { dog_screenboard_update(c.0, id, d.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("PUT", format!("/api/v1/screen/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    assert_eq!(r.json(), json!({"board_title":"Renamed","widgets":[]}));
    assert_eq!(o.result_json()["board_title"], "Renamed");
    assert_eq!(o.id, Some(id.to_string()));

    let o = run(|r| dog_screenboard_share(c.0, id, r));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("GET", format!("/api/v1/screen/share/{id}")), "dogapi shares with GET");
    assert_eq!(r.contract, Contract::NotInSpec);
    let shared = o.result_json();
    assert_eq!(shared["board_id"], id);
    assert!(shared["public_url"].is_string());

    assert_eq!(dog_http_set_json_responses(c.0, true), DOG_OK);
    let o = run(|r| dog_screenboard_delete(c.0, id, r));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("DELETE", format!("/api/v1/screen/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    assert_eq!(o.result_json(), json!({"id": id}));

    let o = run(|r| dog_screenboard_get(c.0, id, r));
    assert_eq!(o.status, DOG_ERR_API, "gone after delete");
    one(&i);

    let d = cs(BOARD);
    for f in [
        &(|r| dog_screenboard_get(c.0, 5, r)) as &dyn Fn(*mut *mut DogResponse) -> dog_status_t,
        &|r| dog_screenboard_get_all(c.0, r),
        &|r| unsafe { dog_screenboard_update(c.0, 5, d.as_ptr(), r) },
        &|r| dog_screenboard_delete(c.0, 5, r),
        &|r| dog_screenboard_share(c.0, 5, r),
    ] {
        fault_404(&i);
        assert_api_error(&i, run(f));
    }
}
