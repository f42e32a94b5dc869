//! Screenboards (deprecated `/api/v1/screen`, not in today's spec) through the C ABI against
//! the local intake.
#![allow(deprecated)]

mod common;
use common::*;
use dogapi::ffi::http::dog_http_set_json_responses;
use dogapi::ffi::response::DogResponse;
use dogapi::ffi::screenboard::*;
use dogapi::ffi::status::dog_status_t::{self, *};
use serde_json::{json, Value};
use std::ptr::null;

const BOARD: &str = r#"{"board_title":"My screen","widgets":[{"type":"image","height":20,"width":32,"y":7,"x":32,"url":"https://example.com/i.png"}]}"#;

fn create(cl: &Client, desc: &str) -> Out {
    let d = c(desc);
    run(|r| unsafe { dog_screenboard_create(cl.0, d.as_ptr(), r) })
}

#[test]
fn create_sends_the_description_as_the_body() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let o = create(&cl, BOARD);
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
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
    assert_api_error(&i, create(&cl, BOARD));
}

#[test]
fn malformed_descriptions_are_rejected_without_sending() {
    let i = Intake::start();
    let cl = Client::new(&i);
    for bad in ["{", "[]", "\"board\"", "42"] {
        assert_eq!(create(&cl, bad).status, DOG_ERR_INVALID_ARGUMENT, "{bad}");
        let d = c(bad);
        let o = run(|r| unsafe { dog_screenboard_update(cl.0, 1, d.as_ptr(), r) });
        assert_eq!(o.status, DOG_ERR_INVALID_ARGUMENT, "{bad}");
    }
    assert_eq!(run(|r| unsafe { dog_screenboard_create(cl.0, null(), r) }).status, DOG_ERR_NULL_ARGUMENT);
    assert_eq!(run(|r| unsafe { dog_screenboard_update(cl.0, 1, null(), r) }).status, DOG_ERR_NULL_ARGUMENT);
    assert_nothing_sent(&i);
}

#[test]
fn get_list_update_share_delete() {
    let i = Intake::start();
    let cl = Client::new(&i);
    let id: i64 = create(&cl, BOARD).id.unwrap().parse().unwrap();
    take_one(&i);

    let o = run(|r| dog_screenboard_get(cl.0, id, r));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("GET", format!("/api/v1/screen/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    assert!(r.body.is_empty());
    assert_eq!(o.result_json()["board_title"], "My screen");
    assert_eq!(o.result_json()["id"], id);

    let o = run(|r| dog_screenboard_get_all(cl.0, r));
    assert_eq!(o.status, DOG_OK);
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.as_str(), r.raw_query.as_str()), ("GET", "/api/v1/screen", ""));
    assert_eq!(r.contract, Contract::NotInSpec);
    let list = o.result_json();
    assert!(list.as_array().unwrap().iter().any(|b| b["id"] == id), "x['screenboards']: {list}");

    let upd = r#"{"board_title":"Renamed","widgets":[]}"#;
    let d = c(upd);
    let o = run(|r| unsafe { dog_screenboard_update(cl.0, id, d.as_ptr(), r) });
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("PUT", format!("/api/v1/screen/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    assert_eq!(r.json(), json!({"board_title":"Renamed","widgets":[]}));
    assert_eq!(o.result_json()["board_title"], "Renamed");
    assert_eq!(o.id, Some(id.to_string()));

    let o = run(|r| dog_screenboard_share(cl.0, id, r));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!(
        (r.method.as_str(), r.path.clone()),
        ("GET", format!("/api/v1/screen/share/{id}")),
        "dogapi shares with GET"
    );
    assert_eq!(r.contract, Contract::NotInSpec);
    let shared = o.result_json();
    assert_eq!(shared["board_id"], id);
    assert!(shared["public_url"].is_string());

    assert_eq!(dog_http_set_json_responses(cl.0, true), DOG_OK);
    let o = run(|r| dog_screenboard_delete(cl.0, id, r));
    assert_eq!(o.status, DOG_OK, "{o:?}");
    let r = take_one(&i);
    assert_eq!((r.method.as_str(), r.path.clone()), ("DELETE", format!("/api/v1/screen/{id}")));
    assert_eq!(r.contract, Contract::NotInSpec);
    assert_eq!(o.result_json(), json!({"id": id}));

    let o = run(|r| dog_screenboard_get(cl.0, id, r));
    assert_eq!(o.status, DOG_ERR_API, "gone after delete");
    take_one(&i);

    let d = c(BOARD);
    for f in [
        &(|r| dog_screenboard_get(cl.0, 5, r)) as &dyn Fn(*mut *mut DogResponse) -> dog_status_t,
        &|r| dog_screenboard_get_all(cl.0, r),
        &|r| unsafe { dog_screenboard_update(cl.0, 5, d.as_ptr(), r) },
        &|r| dog_screenboard_delete(cl.0, 5, r),
        &|r| dog_screenboard_share(cl.0, 5, r),
    ] {
        fault_404(&i);
        assert_api_error(&i, run(f));
    }
}
