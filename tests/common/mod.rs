//! Helpers for integration tests that drive the exported C functions against the intake.
#![allow(dead_code, unused_imports)]

use dogapi::ffi::http::{dog_http_free, dog_http_new, dog_http_set_api_host, DogHttp};
use dogapi::ffi::response::*;
use dogapi::ffi::stats::{dog_stats_free, DogStats};
use dogapi::ffi::status::*;
use std::ffi::{c_char, CStr, CString};
use std::time::Duration;

pub use dogapi_intake::{Contract, Fault, Intake, Recorded};

/// A `dog_stats_t` freed on drop; shared between test threads as the C contract allows.
pub struct S(pub *mut DogStats);
// SAFETY: dog_stats_t is documented as safe to share between threads.
unsafe impl Send for S {}
unsafe impl Sync for S {}

impl Drop for S {
    fn drop(&mut self) {
        // SAFETY: a handle from dog_stats_new, freed once.
        unsafe { dog_stats_free(self.0) }
    }
}

/// Asserts that a call returned `DOG_OK` (the last error otherwise).
pub fn ok(st: dog_status_t) {
    assert_eq!(st, DOG_OK, "{}", last_error());
}

/// A C string that lives as long as the test needs it.
pub fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// NULL or the pointer of an optional C string.
pub fn p(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr())
}

/// A client handle, freed on drop.
pub struct Client(pub *mut DogHttp);

impl Client {
    /// A client with explicit keys pointed at `intake`.
    pub fn new(intake: &Intake) -> Client {
        let h = unsafe { dog_http_new(c("test-api-key").as_ptr(), c("test-app-key").as_ptr()) };
        assert!(!h.is_null());
        let url = c(&intake.url());
        assert_eq!(unsafe { dog_http_set_api_host(h, url.as_ptr()) }, DOG_OK);
        Client(h)
    }

    /// The raw handle for the C functions.
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
    /// No response yet (a NULL handle).
    pub fn null() -> Resp {
        Resp(std::ptr::null_mut())
    }
    /// Where a call hands out its response.
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
    /// The result view parsed as JSON, None when there is none.
    pub fn result_value(&self) -> Option<serde_json::Value> {
        self.result().map(|s| serde_json::from_str(&s).unwrap())
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

/// dog_error_last() as a String ("" when there is none).
pub fn last_error() -> String {
    let p = dogapi::ffi::last_error::dog_error_last();
    if p.is_null() {
        return String::new();
    }
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// A forked child's wait status, or `None` (child killed) when it did not end within `limit`:
/// a child that hangs fails its test instead of hanging the suite.
pub fn wait_or_kill(pid: libc::pid_t, limit: Duration) -> Option<i32> {
    let start = std::time::Instant::now();
    let mut status = 0;
    loop {
        // SAFETY: pid is our child.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == pid {
            return Some(status);
        }
        assert_eq!(r, 0, "waitpid failed");
        if start.elapsed() > limit {
            // SAFETY: our child; reaped right after.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Asserts the request validated against Datadog's v1 OpenAPI spec.
pub fn assert_valid(r: &Recorded) {
    assert_eq!(r.contract, Contract::Valid, "{} {} body {}", r.method, r.path, r.body_str());
}

/// The only recorded request (drained from the intake); callers check its contract themselves.
pub fn only_request(intake: &Intake) -> Recorded {
    let reqs = intake.take_requests();
    assert_eq!(
        reqs.len(),
        1,
        "expected exactly one request, got {:?}",
        reqs.iter().map(|r| format!("{} {}", r.method, r.path)).collect::<Vec<_>>()
    );
    reqs.into_iter().next().unwrap()
}

/// Runs a call that hands out a response; returns its status and the (owned) response.
pub fn call(f: impl FnOnce(*mut *mut DogResponse) -> dog_status_t) -> (dog_status_t, Resp) {
    let mut r = Resp::null();
    let st = f(r.out());
    (st, r)
}

/// What a call handed out, copied before the response is freed.
#[derive(Debug)]
pub struct Out {
    pub status: dog_status_t,
    pub http: Option<i32>,
    pub body: Option<String>,
    pub result: Option<String>,
    pub id: Option<String>,
}

impl Out {
    /// The result view parsed as JSON (panics when there is none).
    pub fn result_json(&self) -> serde_json::Value {
        serde_json::from_str(self.result.as_deref().expect("a result")).expect("result is JSON")
    }
}

/// Runs a call that hands out a response and copies out what it gave (see `Out`).
pub fn run(f: impl FnOnce(*mut *mut DogResponse) -> dog_status_t) -> Out {
    let (status, r) = call(f);
    if r.is_null() {
        return Out { status, http: None, body: None, result: None, id: None };
    }
    Out { status, http: Some(r.status()), body: r.body(), result: r.result(), id: r.id() }
}

/// Waits (up to 5 s) for the one request a call sent, asserts it is the only one, then clears the intake (requests and queued faults).
pub fn take_one(intake: &Intake) -> Recorded {
    let mut v = intake.wait_for(1, Duration::from_secs(5));
    assert_eq!(v.len(), 1, "expected exactly one request: {v:#?}");
    intake.clear();
    v.remove(0)
}

/// Makes the intake answer the next request with 404 {"errors":["Not found"]}.
pub fn fault_404(intake: &Intake) {
    intake.push_fault(Fault::Status { code: 404, body: r#"{"errors":["Not found"]}"#.into() });
}

/// Asserts a call answered with `fault_404` failed with DOG_ERR_API, handing out the 404 with its body and no result or id, and takes its request.
pub fn assert_api_error(intake: &Intake, o: Out) {
    assert_eq!(o.status, DOG_ERR_API, "{o:?}");
    assert_eq!(o.http, Some(404), "the response is handed out on failure");
    assert!(o.body.as_deref().unwrap().contains("Not found"));
    assert!(o.result.is_none() && o.id.is_none());
    take_one(intake);
}

/// Asserts that the intake recorded nothing (after a short grace period).
pub fn assert_nothing_sent(intake: &Intake) {
    std::thread::sleep(Duration::from_millis(50));
    assert!(intake.requests().is_empty(), "nothing may be sent: {:#?}", intake.requests());
}

/// An intake and a client pointed at it (`h`, freed on drop).
pub struct Ctx {
    pub h: *mut DogHttp,
    client: Client,
    pub intake: Intake,
}

/// Starts an intake and a client for it.
pub fn setup() -> Ctx {
    let intake = Intake::start();
    let client = Client::new(&intake);
    Ctx { h: client.ptr(), client, intake }
}

/// A named call for `each_fails_with_404`.
pub type Call<'a> = Box<dyn Fn(*mut *mut DogResponse) -> dog_status_t + 'a>;

/// For each call: the next request is answered 404, and the call fails with DOG_ERR_API, handing out the 404 without result or id.
pub fn each_fails_with_404(ctx: &Ctx, calls: &[(&str, Call)]) {
    for (name, f) in calls {
        fault_404(&ctx.intake);
        let (st, r) = call(f);
        assert_eq!(st, DOG_ERR_API, "{name}");
        assert!(!r.is_null(), "{name}: the response is handed out");
        assert_eq!(r.status(), 404, "{name}");
        assert!(r.result_value().is_none() && r.id().is_none(), "{name}");
        take_one(&ctx.intake);
    }
}

/// A "proxy" on 127.0.0.1 that counts the connections it gets and closes each at once (a
/// request sent through it fails with DOG_ERR_CONNECTION). Stops when dropped.
pub struct CountingProxy {
    pub url: String,
    count: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    addr: std::net::SocketAddr,
}

impl CountingProxy {
    pub fn start() -> CountingProxy {
        use std::sync::atomic::Ordering;
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (c2, s2) = (count.clone(), stop.clone());
        std::thread::spawn(move || {
            for s in l.incoming() {
                if s2.load(Ordering::SeqCst) {
                    break;
                }
                if s.is_ok() {
                    c2.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
        CountingProxy { url: format!("http://{addr}"), count, stop, addr }
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(self.addr);
    }
}
