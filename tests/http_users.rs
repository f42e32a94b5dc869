//! Users through the C ABI against the local intake: dogapi's `invite` (POST /invite_users,
//! gone from the spec: NotInSpec) and its replacement, v2 user creation.
#![allow(deprecated)]

mod common;
use common::*;
use dogapi::ffi::http::dog_http_set_json_responses;
use dogapi::ffi::status::*;
use dogapi::ffi::user::{dog_user_create, dog_user_invite};
use serde_json::json;
use std::ptr::null;
use std::time::Duration;

const USER: &str = r#"{"data":{"type":"users","id":"00000000-0000-4000-8000-0000000000aa","attributes":{"email":"a@example.com","name":"Ann","status":"Pending"}}}"#;

#[test]
fn invite_one_or_many() {
    let ctx = setup();
    let one_email = c("a@example.com");
    let (st, r) = call(|o| unsafe { dog_user_invite(ctx.h, one_email.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value(), Some(json!(["a@example.com"])), "dogapi's x['emails']");
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.as_str(), rec.raw_query.as_str()), ("POST", "/api/v1/invite_users", ""));
    assert_eq!(rec.json(), json!({"emails": ["a@example.com"]}));
    assert_eq!(rec.contract, Contract::NotInSpec);

    let many = c("a@example.com, b@example.org");
    let (st, r) = call(|o| unsafe { dog_user_invite(ctx.h, many.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value(), Some(json!(["a@example.com", "b@example.org"])));
    assert_eq!(take_one(&ctx.intake).json(), json!({"emails": ["a@example.com", "b@example.org"]}));

    assert_eq!(dog_http_set_json_responses(ctx.h, true), DOG_OK);
    let (st, r) = call(|o| unsafe { dog_user_invite(ctx.h, one_email.as_ptr(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.result_value(), Some(json!({"emails": ["a@example.com"]})));
}

#[test]
fn create_user_v2() {
    let ctx = setup();
    ctx.intake.set_response("POST", "/api/v2/users", 201, USER);
    let (email, name) = (c("a@example.com"), c("Ann"));
    let (st, r) = call(|o| unsafe { dog_user_create(ctx.h, email.as_ptr(), name.as_ptr(), null(), o) });
    assert_eq!(st, DOG_OK);
    assert_eq!(r.status(), 201);
    assert_eq!(r.id().as_deref(), Some("00000000-0000-4000-8000-0000000000aa"));
    assert_eq!(r.result_value().unwrap()["attributes"]["email"], json!("a@example.com"));
    let rec = take_one(&ctx.intake);
    assert_eq!((rec.method.as_str(), rec.path.as_str()), ("POST", "/api/v2/users"));
    assert_eq!(rec.json(), json!({"data": {"type": "users", "attributes": {"email": "a@example.com", "name": "Ann"}}}));
    assert_eq!(rec.contract, Contract::NotInSpec, "v2 is outside the v1 spec");
}

#[test]
fn errors_and_bad_arguments() {
    let ctx = setup();
    let email = c("a@example.com");
    for name in ["invite", "create"] {
        fault_404(&ctx.intake);
        let (st, r) = call(|o| unsafe {
            if name == "invite" {
                dog_user_invite(ctx.h, email.as_ptr(), o)
            } else {
                dog_user_create(ctx.h, email.as_ptr(), null(), null(), o)
            }
        });
        assert_eq!(st, DOG_ERR_API, "{name}");
        assert_eq!(r.status(), 404, "{name}");
        assert!(r.result_value().is_none(), "{name}");
        take_one(&ctx.intake);
    }
    for bad in ["", " , ", "not-an-address", "a@example.com,nobody"] {
        let b = c(bad);
        let (st, r) = call(|o| unsafe { dog_user_invite(ctx.h, b.as_ptr(), o) });
        assert_eq!(st, DOG_ERR_INVALID_ARGUMENT, "{bad:?}");
        assert!(r.0.is_null());
    }
    let two = c("a@example.com,b@example.com");
    let (st, _r) = call(|o| unsafe { dog_user_create(ctx.h, two.as_ptr(), null(), null(), o) });
    assert_eq!(st, DOG_ERR_INVALID_ARGUMENT, "one address per user");
    let (st, _r) = call(|o| unsafe { dog_user_invite(ctx.h, null(), o) });
    assert_eq!(st, DOG_ERR_NULL_ARGUMENT);
    std::thread::sleep(Duration::from_millis(100));
    assert!(ctx.intake.requests().is_empty());
}
