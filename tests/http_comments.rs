//! Comments (deprecated `/api/v1/comments`, not in today's spec) through the C ABI against the
//! local intake.
#![allow(deprecated)]

use dogapi::ffi::comment::*;
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


#[test]
fn post_sends_dogapi_body_and_returns_the_id() {
    let i = Intake::start();
    let c = client(&i);
    let (h, m) = (cs("ops@example.com"), cs("deploying **now**"));
    let o = run(|r| unsafe { dog_comment_post(c.0, h.as_ptr(), m.as_ptr(), 0, r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str(), r.raw_query.as_str()), ("POST", "/api/v1/comments", ""));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("dd-api-key"), Some("test-api-key"));
    assert_eq!(r.json(), json!({"handle": "ops@example.com", "message": "deploying **now**"}));
    assert_eq!(r.contract, Contract::NotInSpec);
    let id = o.id.clone().expect("an id");
    assert!(id.parse::<i64>().is_ok());
    assert_eq!(o.result.as_deref(), Some(id.as_str()), "dogapi's formatter: x['comment']['id']");

    // A reply; NULL handle is left out.
    let parent: i64 = id.parse().unwrap();
    let o = run(|r| unsafe { dog_comment_post(c.0, null(), m.as_ptr(), parent, r) });
    assert_eq!(o.status, DOG_OK);
    assert_eq!(one(&i).json(), json!({"message": "deploying **now**", "related_event_id": parent}));

    assert_eq!(dog_http_set_json_responses(c.0, true), DOG_OK);
    let o = run(|r| unsafe { dog_comment_post(c.0, h.as_ptr(), m.as_ptr(), 0, r) });
    assert_eq!(o.status, DOG_OK);
    let whole = o.result_json();
    assert_eq!(whole["comment"]["message"], "deploying **now**");
    assert_eq!(whole["comment"]["id"].to_string(), o.id.unwrap());
    one(&i);

    fault_404(&i);
    assert_api_error(&i, run(|r| unsafe { dog_comment_post(c.0, h.as_ptr(), m.as_ptr(), 0, r) }));
}

#[test]
fn invalid_arguments_send_nothing() {
    let i = Intake::start();
    let c = client(&i);
    let (h, empty) = (cs("h"), cs(""));
    assert_eq!(run(|r| unsafe { dog_comment_post(c.0, h.as_ptr(), null(), 0, r) }).status, DOG_ERR_NULL_ARGUMENT);
    assert_eq!(run(|r| unsafe { dog_comment_post(c.0, h.as_ptr(), empty.as_ptr(), 0, r) }).status, DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(run(|r| unsafe { dog_comment_update(c.0, 1, h.as_ptr(), null(), r) }).status, DOG_ERR_NULL_ARGUMENT);
    assert_eq!(run(|r| unsafe { dog_comment_update(c.0, 1, h.as_ptr(), empty.as_ptr(), r) }).status, DOG_ERR_INVALID_ARGUMENT);
    let bad_utf8 = [b'a', 0xc3, 0];
    let o = run(|r| unsafe { dog_comment_post(c.0, bad_utf8.as_ptr().cast(), c"m".as_ptr(), 0, r) });
    assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(run(|r| unsafe { dog_comment_post(std::ptr::null_mut(), h.as_ptr(), h.as_ptr(), 0, r) }).status, DOG_ERR_NULL_ARGUMENT);
    assert_nothing_sent(&i);
}

#[test]
fn update_and_delete() {
    let i = Intake::start();
    let c = client(&i);
    let (h, m) = (cs("ops@example.com"), cs("first"));
    let id: i64 = run(|r| unsafe { dog_comment_post(c.0, h.as_ptr(), m.as_ptr(), 0, r) }).id.unwrap().parse().unwrap();
    one(&i);

    let m2 = cs("edited");
    let o = run(|r| unsafe { dog_comment_update(c.0, id, h.as_ptr(), m2.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("PUT", format!("/api/v1/comments/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    assert_eq!(r.json(), json!({"handle": "ops@example.com", "message": "edited"}));
    assert_eq!(o.result.as_deref(), Some(id.to_string().as_str()));
    assert_eq!(o.id.as_deref(), Some(id.to_string().as_str()));

    let o = run(|r| unsafe { dog_comment_update(c.0, id, null(), m2.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK);
    assert_eq!(one(&i).json(), json!({"message": "edited"}));

    let o = run(|r| dog_comment_delete(c.0, id, r));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("DELETE", format!("/api/v1/comments/{id}")));
    assert!(r.body.is_empty());
    assert_eq!(r.contract, Contract::NotInSpec);
    assert_eq!(o.result, None, "raw: an empty answer");

    let o = run(|r| dog_comment_delete(c.0, id, r));
    assert_eq!(o.status, DOG_ERR_API, "already deleted");
    assert!(o.body.unwrap().contains("Comment not found"));
    one(&i);

    for f in [
        &(|r| unsafe { dog_comment_update(c.0, 3, h.as_ptr(), m2.as_ptr(), r) }) as &dyn Fn(*mut *mut DogResponse) -> dog_status_t,
        &|r| dog_comment_delete(c.0, 3, r),
    ] {
        fault_404(&i);
        assert_api_error(&i, run(f));
    }
}
