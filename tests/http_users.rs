//! Users through the C ABI against the local intake: dogapi's `invite` (POST /invite_users,
//! gone from the spec: NotInSpec) and its replacement, v2 user creation.
#![allow(deprecated)]

use dogapi::ffi::http::{dog_http_free, dog_http_new, dog_http_set_api_host, dog_http_set_json_responses, DogHttp};
use dogapi::ffi::response::{dog_response_free, dog_response_id, dog_response_result, dog_response_status, DogResponse};
use dogapi::ffi::status::dog_status_t::{self, *};
use dogapi::ffi::user::{dog_user_create, dog_user_invite};
use dogapi_intake::{Contract, Fault, Intake, Recorded};
use serde_json::{json, Value};
use std::ffi::{CStr, CString};
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

impl Resp {
    fn id(&self) -> Option<String> {
        let p = dog_response_id(self.0);
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string())
    }
}

const USER: &str = r#"{"data":{"type":"users","id":"00000000-0000-4000-8000-0000000000aa","attributes":{"email":"a@example.com","name":"Ann","status":"Pending"}}}"#;

#[test]
fn invite_one_or_many() {
    let ctx = setup();
    let one_email = cs("a@example.com");
    let (st, r) = call(|o| unsafe { dog_user_invite(ctx.h, one_email.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result(), Some(json!(["a@example.com"])), "dogapi's x['emails']");
    let rec = one(&ctx);
    assert_eq!((rec.method.as_str(), rec.path.as_str(), rec.raw_query.as_str()), ("POST", "/api/v1/invite_users", ""));
    assert_eq!(rec.json(), json!({"emails": ["a@example.com"]}));
    assert_eq!(rec.contract, Contract::NotInSpec);

    let many = cs("a@example.com, b@example.org");
    let (st, r) = call(|o| unsafe { dog_user_invite(ctx.h, many.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result(), Some(json!(["a@example.com", "b@example.org"])));
    assert_eq!(one(&ctx).json(), json!({"emails": ["a@example.com", "b@example.org"]}));

    assert_eq!(dog_http_set_json_responses(ctx.h, true), DOG_OK);
    let (st, r) = call(|o| unsafe { dog_user_invite(ctx.h, one_email.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result(), Some(json!({"emails": ["a@example.com"]})));
}

#[test]
fn create_user_v2() {
    let ctx = setup();
    ctx.intake.set_response("POST", "/api/v2/users", 201, USER);
    let (email, name) = (cs("a@example.com"), cs("Ann"));
    let (st, r) = call(|o| unsafe { dog_user_create(ctx.h, email.as_ptr(), name.as_ptr(), null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.status(), 201);
    assert_eq!(r.id().as_deref(), Some("00000000-0000-4000-8000-0000000000aa"));
    assert_eq!(r.result().unwrap()["attributes"]["email"], json!("a@example.com"));
    let rec = one(&ctx);
    assert_eq!((rec.method.as_str(), rec.path.as_str()), ("POST", "/api/v2/users"));
    assert_eq!(rec.json(), json!({"data": {"type": "users", "attributes": {"email": "a@example.com", "name": "Ann"}}}));
    assert_eq!(rec.contract, Contract::NotInSpec, "v2 is outside the v1 spec");
}

#[test]
fn errors_and_bad_arguments() {
    let ctx = setup();
    let email = cs("a@example.com");
    for name in ["invite", "create"] {
        ctx.intake.push_fault(Fault::Status { code: 404, body: r#"{"errors":["Not found"]}"#.into() });
        let (st, r) = call(|o| unsafe {
            if name == "invite" {
                dog_user_invite(ctx.h, email.as_ptr(), o)
            } else {
                dog_user_create(ctx.h, email.as_ptr(), null(), null(), o)
            }
        });
        assert_eq!(st, DOG_ERR_API, "{name}");
        assert_eq!(r.status(), 404, "{name}");
        assert!(r.result().is_none(), "{name}");
        one(&ctx);
    }
    for bad in ["", " , ", "not-an-address", "a@example.com,nobody"] {
        let b = cs(bad);
        let (st, r) = call(|o| unsafe { dog_user_invite(ctx.h, b.as_ptr(), o) });
        assert_eq!(st, DOG_ERR_INVALID_ARGUMENT, "{bad:?}");
        assert!(r.0.is_null());
    }
    let two = cs("a@example.com,b@example.com");
    let (st, _r) = call(|o| unsafe { dog_user_create(ctx.h, two.as_ptr(), null(), null(), o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT, "one address per user");
    let (st, _r) = call(|o| unsafe { dog_user_invite(ctx.h, null(), o) });
    assert_eq!(st, DOG_ERR_NULL_ARGUMENT);
    std::thread::sleep(Duration::from_millis(100));
    assert!(ctx.intake.requests().is_empty());
}
