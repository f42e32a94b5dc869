//! Fork safety of `dog_http_t` (DESIGN §6): a client created before fork() and used in the
//! child never shares a pooled keep-alive connection with the parent. The parent keeps using
//! the client from 3 threads while ~40 forked children call through it; every answer is
//! checked against its own request (the intake echoes the event title back).

mod common;
use common::*;
use dogapi::ffi::event::dog_event_post;
use dogapi::ffi::http::*;
use dogapi::ffi::status::*;
use std::ptr::null;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

const CHILDREN: usize = 40;
const CALLS_PER_CHILD: usize = 15;

/// Posts an event titled `title` and checks the echoed answer: 0 = right answer, 1 = someone
/// else's answer, 2 = the call failed.
fn post_and_check(h: usize, title: &str) -> u8 {
    let t = c(title);
    let text = c("fork test");
    let (st, r) = call(|out| unsafe {
        dog_event_post(
            h as *mut DogHttp,
            t.as_ptr(),
            text.as_ptr(),
            0,
            null(),
            null(),
            0,
            null(),
            null(),
            null(),
            null(),
            null(),
            null(),
            out,
        )
    });
    if st != DOG_OK || r.is_null() {
        return 2;
    }
    let want = format!("\"title\":\"{title}\"");
    match r.result() {
        Some(body) if body.contains(&want) => 0,
        _ => 1,
    }
}

#[test]
fn children_and_parent_threads_each_get_their_own_answers() {
    let intake = Intake::start();
    let cl = Client::new(&intake);
    assert_eq!(dog_http_set_json_responses(cl.ptr(), true), DOG_OK);
    assert_eq!(post_and_check(cl.ptr() as usize, "warm-up"), 0, "{}", last_error());
    let h = cl.ptr() as usize;

    let stop = Arc::new(AtomicBool::new(false));
    let parent_calls = Arc::new(AtomicU64::new(0));
    let parent_bad = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..3)
        .map(|t| {
            let (stop, calls, bad) = (stop.clone(), parent_calls.clone(), parent_bad.clone());
            std::thread::spawn(move || {
                let mut i = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    if post_and_check(h, &format!("parent-{t}-{i}")) != 0 {
                        bad.fetch_add(1, Ordering::Relaxed);
                    }
                    calls.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            })
        })
        .collect();

    let (mut child_calls, mut child_mismatched, mut child_failed) = (0usize, 0usize, 0usize);
    for n in 0..CHILDREN {
        // SAFETY: the child only calls the library and leaves with _exit.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let (mut wrong, mut failed) = (0u8, 0u8);
            for i in 0..CALLS_PER_CHILD {
                match post_and_check(h, &format!("child-{n}-{i}")) {
                    0 => {}
                    1 => wrong += 1,
                    _ => failed += 1,
                }
            }
            // exit code: wrong answers in the low nibble, failed calls in the high one
            unsafe { libc::_exit(i32::from(wrong.min(15) | (failed.min(15) << 4))) };
        }
        // A child that hangs (a lock inherited in the locked state) fails the test instead of
        // hanging the suite.
        let status = wait_or_kill(pid, std::time::Duration::from_secs(120))
            .unwrap_or_else(|| panic!("child {n} still running after 120 s: hung (killed)"));
        assert!(libc::WIFEXITED(status), "child {n} died: status {status:#x}");
        let code = libc::WEXITSTATUS(status) as usize;
        child_calls += CALLS_PER_CHILD;
        child_mismatched += code & 15;
        child_failed += code >> 4;
    }
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let pc = parent_calls.load(Ordering::Relaxed);
    let pb = parent_bad.load(Ordering::Relaxed);
    eprintln!(
        "fork run: {CHILDREN} children made {child_calls} calls ({child_mismatched} wrong answers, {child_failed} failed); \
         3 parent threads made {pc} calls ({pb} wrong or failed)"
    );
    assert_eq!((child_mismatched, child_failed, pb), (0, 0, 0));
}
