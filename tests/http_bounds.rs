//! A server cannot make one call use unbounded memory or time (DESIGN §6): the body is capped,
//! kept once, parsed at most once, and the whole call (connect, send, read, parse) is bounded
//! by the timeout. Hostile intake modes: huge valid JSON, endless body, dripping body.

mod common;
use common::*;
use dogapi::ffi::http::*;
use dogapi::ffi::request::dog_http_request;
use dogapi::ffi::response::dog_response_body_len;
use dogapi::ffi::status::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr::null;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Counts live heap bytes and their peak (reallocations count by their change in size, as
/// glibc grows large blocks in place with mremap).
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        grew(l.size());
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        if new >= l.size() {
            grew(new - l.size());
        } else {
            LIVE.fetch_sub(l.size() - new, Ordering::Relaxed);
        }
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The peak-memory test must not overlap another test's allocations.
static SERIAL: Mutex<()> = Mutex::new(());

fn get(h: *mut DogHttp) -> (dog_status_t, Resp) {
    let (m, p) = (c("GET"), c("monitor"));
    call(|out| unsafe { dog_http_request(h, m.as_ptr(), p.as_ptr(), null(), null(), out) })
}

#[test]
fn huge_valid_json_is_kept_once_and_not_blown_up_by_parsing() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let ctx = setup();
    const BODY: usize = 8 << 20;
    assert_eq!(dog_http_set_timeout(ctx.h, 30.0), DOG_OK);
    for (what, json_responses) in [("raw result", false), ("json_responses", true)] {
        assert_eq!(dog_http_set_json_responses(ctx.h, json_responses), DOG_OK);
        ctx.intake.push_fault(Fault::HugeJson { bytes: BODY });
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let (st, r) = get(ctx.h);
        let peak = PEAK.load(Ordering::Relaxed) - base;
        assert_eq!(st, DOG_OK, "{what}: {}", last_error());
        assert_eq!(dog_response_body_len(r.0), BODY);
        assert!(r.result().unwrap().starts_with("[0,0,"), "{what}");
        drop(r);
        eprintln!("{what}: {BODY} B answer, peak heap during the call {peak} B = {:.2}x", peak as f64 / BODY as f64);
        assert!(peak < 3 * BODY, "{what}: peak heap {peak} B for a {BODY} B answer (limit 3x)");
        ctx.intake.clear();
    }
}

#[test]
fn the_body_cap_is_configurable_and_range_checked() {
    let ctx = setup();
    assert_eq!(dog_http_set_max_response_bytes(ctx.h, 0), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_http_set_max_response_bytes(ctx.h, 1023), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_http_set_max_response_bytes(ctx.h, (1 << 30) + 1), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_http_set_max_response_bytes(ctx.h, usize::MAX), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_http_set_max_response_bytes(ctx.h, 1 << 20), DOG_OK);
    ctx.intake.push_fault(Fault::HugeJson { bytes: (1 << 20) + 1 });
    let (st, r) = get(ctx.h);
    assert_eq!(st, DOG_ERR_INVALID_RESPONSE, "{}", last_error());
    assert!(r.is_null());
    assert!(last_error().contains("1048576"), "{}", last_error());
    ctx.intake.push_fault(Fault::HugeJson { bytes: 1 << 20 });
    assert_eq!(get(ctx.h).0, DOG_OK, "{}", last_error());
}

#[test]
fn an_endless_body_stops_at_the_cap() {
    let ctx = setup();
    assert_eq!(dog_http_set_max_response_bytes(ctx.h, 1 << 20), DOG_OK);
    ctx.intake.push_fault(Fault::Endless);
    let (st, r) = get(ctx.h);
    assert_eq!(st, DOG_ERR_INVALID_RESPONSE, "{}", last_error());
    assert!(r.is_null());
    // the client still works
    assert_eq!(get(ctx.h).0, DOG_OK, "{}", last_error());
}

#[test]
fn a_dripping_body_is_cut_at_the_timeout_of_the_whole_call() {
    let ctx = setup();
    // Each byte comes well within the timeout, but the whole answer takes 1.6 s: over a
    // timeout of 1 s for the call.
    assert_eq!(dog_http_set_timeout(ctx.h, 1.0), DOG_OK);
    ctx.intake.push_fault(Fault::Drip { body: "{\"ok\":true,\"pad\":\"\"}".into(), every: Duration::from_millis(80) });
    let (st, r) = get(ctx.h);
    assert_eq!(st, DOG_ERR_TIMEOUT, "{}", last_error());
    assert!(r.is_null());
    assert!(last_error().contains("timed out"), "{}", last_error());
}
