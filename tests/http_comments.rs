//! Comments (deprecated `/api/v1/comments`, not in today's spec) through the C ABI against the
//! local intake.
#![allow(deprecated)]

mod common;
use common::*;
use dogapi::ffi::comment::*;
use dogapi::ffi::http::dog_http_set_json_responses;
use dogapi::ffi::response::DogResponse;
use dogapi::ffi::status::dog_status_t::{self, *};
use serde_json::json;
use std::ptr::null;

#[test]
fn post_sends_dogapi_body_and_returns_the_id() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let (h, m) = (c("ops@example.com"), c("deploying **now**"));
    let o = run(|r| unsafe { dog_comment_post(cl.0, h.as_ptr(), m.as_ptr(), 0, r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
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
    let o = run(|r| unsafe { dog_comment_post(cl.0, null(), m.as_ptr(), parent, r) });
    assert_eq!(o.status, DOG_OK);
    assert_eq!(take_one(&i).json(), json!({"message": "deploying **now**", "related_event_id": parent}));

    assert_eq!(dog_http_set_json_responses(cl.0, true), DOG_OK);
    let o = run(|r| unsafe { dog_comment_post(cl.0, h.as_ptr(), m.as_ptr(), 0, r) });
    assert_eq!(o.status, DOG_OK);
    let whole = o.result_json();
    assert_eq!(whole["comment"]["message"], "deploying **now**");
    assert_eq!(whole["comment"]["id"].to_string(), o.id.unwrap());
    take_one(&i);

    fault_404(&i);
    assert_api_error(&i, run(|r| unsafe { dog_comment_post(cl.0, h.as_ptr(), m.as_ptr(), 0, r) }));
}

#[test]
fn invalid_arguments_send_nothing() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let (h, empty) = (c("h"), c(""));
    assert_eq!(run(|r| unsafe { dog_comment_post(cl.0, h.as_ptr(), null(), 0, r) }).status, DOG_ERR_NULL_ARGUMENT);
    assert_eq!(
        run(|r| unsafe { dog_comment_post(cl.0, h.as_ptr(), empty.as_ptr(), 0, r) }).status,
        DOG_ERR_INVALID_ARGUMENT
    );
    assert_eq!(run(|r| unsafe { dog_comment_update(cl.0, 1, h.as_ptr(), null(), r) }).status, DOG_ERR_NULL_ARGUMENT);
    assert_eq!(
        run(|r| unsafe { dog_comment_update(cl.0, 1, h.as_ptr(), empty.as_ptr(), r) }).status,
        DOG_ERR_INVALID_ARGUMENT
    );
    let bad_utf8 = [b'a', 0xc3, 0];
    let o = run(|r| unsafe { dog_comment_post(cl.0, bad_utf8.as_ptr().cast(), c"m".as_ptr(), 0, r) });
    assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(
        run(|r| unsafe { dog_comment_post(std::ptr::null_mut(), h.as_ptr(), h.as_ptr(), 0, r) }).status,
        DOG_ERR_NULL_ARGUMENT
    );
    assert_nothing_sent(&i);
}

#[test]
fn update_and_delete() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let (h, m) = (c("ops@example.com"), c("first"));
    let id: i64 = run(|r| unsafe { dog_comment_post(cl.0, h.as_ptr(), m.as_ptr(), 0, r) }).id.unwrap().parse().unwrap();
    take_one(&i);

    let m2 = c("edited");
    let o = run(|r| unsafe { dog_comment_update(cl.0, id, h.as_ptr(), m2.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("PUT", format!("/api/v1/comments/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    assert_eq!(r.json(), json!({"handle": "ops@example.com", "message": "edited"}));
    assert_eq!(o.result.as_deref(), Some(id.to_string().as_str()));
    assert_eq!(o.id.as_deref(), Some(id.to_string().as_str()));

    let o = run(|r| unsafe { dog_comment_update(cl.0, id, null(), m2.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK);
    assert_eq!(take_one(&i).json(), json!({"message": "edited"}));

    let o = run(|r| dog_comment_delete(cl.0, id, r));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("DELETE", format!("/api/v1/comments/{id}")));
    assert!(r.body.is_empty());
    assert_eq!(r.contract, Contract::NotInSpec);
    assert_eq!(o.result, None, "raw: an empty answer");

    let o = run(|r| dog_comment_delete(cl.0, id, r));
    assert_eq!(o.status, DOG_ERR_API, "already deleted");
    assert!(o.body.unwrap().contains("Comment not found"));
    take_one(&i);

    for f in [
        &(|r| unsafe { dog_comment_update(cl.0, 3, h.as_ptr(), m2.as_ptr(), r) })
            as &dyn Fn(*mut *mut DogResponse) -> dog_status_t,
        &|r| dog_comment_delete(cl.0, 3, r),
    ] {
        fault_404(&i);
        assert_api_error(&i, run(f));
    }
}
