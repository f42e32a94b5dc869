//! Helpers for integration tests that drive the exported C functions against the intake.
#![allow(dead_code, unused_imports)]

use dogapi::ffi::http::{dog_http_free, dog_http_new, dog_http_set_api_host, DogHttp};
use dogapi::ffi::response::*;
use dogapi::ffi::status::dog_status_t;
use std::ffi::{c_char, CStr, CString};

pub use dogapi_intake::{Contract, Fault, Intake, Recorded};

/// A C string that lives as long as the test needs it.
pub fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// NULL or the pointer of an optional C string.
pub fn p(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
}

pub struct Client(pub *mut DogHttp);

impl Client {
    /// A client with explicit keys pointed at `intake`.
    pub fn new(intake: &Intake) -> Client {
        let h = unsafe { dog_http_new(c("test-api-key").as_ptr(), c("test-app-key").as_ptr()) };
        assert!(!h.is_null());
        let url = c(&intake.url());
        assert_eq!(unsafe { dog_http_set_api_host(h, url.as_ptr()) }, dog_status_t::DOG_OK);
        Client(h)
    }

    pub fn ptr(&self) -> *mut DogHttp {
        self.0
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        unsafe { dog_http_free(self.0) }
    }
}

/// An owned response with readable accessors.
pub struct Resp(pub *mut DogResponse);

fn opt(p: *const c_char) -> Option<String> {
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string())
}

impl Resp {
    pub fn null() -> Resp {
        Resp(std::ptr::null_mut())
    }
    pub fn out(&mut self) -> *mut *mut DogResponse {
        &mut self.0
    }
    pub fn is_null(&self) -> bool {
        self.0.is_null()
    }
    pub fn status(&self) -> i32 {
        dog_response_status(self.0)
    }
    pub fn body(&self) -> Option<String> {
        opt(dog_response_body(self.0))
    }
    pub fn result(&self) -> Option<String> {
        opt(dog_response_result(self.0))
    }
    pub fn result_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.result().expect("a result view")).unwrap()
    }
    pub fn id(&self) -> Option<String> {
        opt(dog_response_id(self.0))
    }
    pub fn header(&self, name: &str) -> Option<String> {
        opt(unsafe { dog_response_header(self.0, c(name).as_ptr()) })
    }
}

impl Drop for Resp {
    fn drop(&mut self) {
        unsafe { dog_response_free(self.0) }
    }
}

pub fn last_error() -> String {
    unsafe { CStr::from_ptr(dogapi::ffi::last_error::dog_last_error()) }.to_str().unwrap().to_string()
}

/// Asserts the request validated against Datadog's v1 OpenAPI spec.
pub fn assert_valid(r: &Recorded) {
    assert_eq!(r.contract, Contract::Valid, "{} {} body {}", r.method, r.path, r.body_str());
}

/// The only recorded request, asserted to be valid against the spec.
pub fn only_request(intake: &Intake) -> Recorded {
    let reqs = intake.take_requests();
    assert_eq!(reqs.len(), 1, "expected exactly one request, got {:?}", reqs.iter().map(|r| format!("{} {}", r.method, r.path)).collect::<Vec<_>>());
    reqs.into_iter().next().unwrap()
}
