//! Zero heap allocations per call on an existing context, counted by a global allocator that
//! counts only the allocations made by the measuring thread.

use dogapi::ffi::stats::*;
use dogapi::ffi::status::dog_status_t::DOG_OK;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ffi::CString;

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<u64> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if COUNTING.try_with(|c| c.get()).unwrap_or(false) {
            let _ = COUNT.try_with(|n| n.set(n.get() + 1));
        }
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        if COUNTING.try_with(|c| c.get()).unwrap_or(false) {
            let _ = COUNT.try_with(|n| n.set(n.get() + 1));
        }
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn allocations(f: impl FnOnce()) -> u64 {
    COUNT.with(|n| n.set(0));
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    COUNT.with(|n| n.get())
}

#[test]
fn existing_contexts_do_not_allocate() {
    let mut o = std::mem::MaybeUninit::<dog_stats_options_t>::uninit();
    let mut o = unsafe {
        dog_stats_options_init(o.as_mut_ptr());
        o.assume_init()
    };
    let host = CString::new("http://127.0.0.1:9").unwrap();
    o.api_host = host.as_ptr();
    o.flush_in_thread = false;
    o.roll_up_interval = 3600.0; // all calls land in one bucket
    let s = dog_stats_new();
    assert_eq!(unsafe { dog_stats_start(s, &o) }, DOG_OK);
    let name = CString::new("alloc.metric").unwrap();
    let tags = CString::new("env:prod,role:db").unwrap();
    let tags2 = CString::new("role:db , env:prod").unwrap();
    let many: String = (0..16).map(|i| format!("k{i}:v{i}")).collect::<Vec<_>>().join(",");
    let many = CString::new(many).unwrap();
    let ts = 1_700_000_000.0;
    // Warm up: create the contexts and fill the histogram reservoir past its 1000 values.
    for i in 0..2000 {
        unsafe {
            dog_stats_increment(s, name.as_ptr(), 1.0, tags.as_ptr());
            dog_stats_gauge(s, name.as_ptr(), 1.0, tags.as_ptr());
            dog_stats_histogram(s, name.as_ptr(), i as f64, tags.as_ptr());
            dog_stats_increment_ex(s, name.as_ptr(), 1.0, many.as_ptr(), ts, 1.0, std::ptr::null());
            dog_stats_histogram_ex(s, name.as_ptr(), 1.0, many.as_ptr(), ts, 0.5, host.as_ptr());
        }
    }
    let n = allocations(|| {
        for i in 0..10_000 {
            unsafe {
                assert_eq!(dog_stats_increment(s, name.as_ptr(), 1.0, tags.as_ptr()), DOG_OK);
                assert_eq!(dog_stats_increment(s, name.as_ptr(), 1.0, tags2.as_ptr()), DOG_OK);
                assert_eq!(dog_stats_gauge(s, name.as_ptr(), i as f64, tags.as_ptr()), DOG_OK);
                assert_eq!(dog_stats_histogram(s, name.as_ptr(), i as f64, tags.as_ptr()), DOG_OK);
                assert_eq!(
                    dog_stats_increment_ex(s, name.as_ptr(), 1.0, many.as_ptr(), ts, 1.0, std::ptr::null()),
                    DOG_OK
                );
                assert_eq!(
                    dog_stats_histogram_ex(s, name.as_ptr(), 1.0, many.as_ptr(), ts, 0.5, host.as_ptr()),
                    DOG_OK
                );
            }
        }
    });
    assert_eq!(n, 0, "{n} allocations in 60,000 calls on existing contexts");
    // The counter can fail: a new context does allocate.
    let fresh = CString::new("alloc.fresh").unwrap();
    let n = allocations(|| unsafe {
        dog_stats_increment(s, fresh.as_ptr(), 1.0, tags.as_ptr());
    });
    assert!(n > 0);
    unsafe { dog_stats_free(s) };
}
