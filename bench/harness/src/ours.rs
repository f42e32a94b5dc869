//! libdogapi through its exported `extern "C"` functions, called as a C program calls them
//! (the `dogapi` rlib is linked statically: no PLT hop or dynamic TLS lookup as through
//! libdogapi.so, see bench/STATS.md).

use dogapi::ffi::last_error::dog_error_last;
use dogapi::ffi::stats::*;
use dogapi::ffi::stats_options::*;
use dogapi::ffi::status::{dog_status_t, DOG_OK};
use std::ffi::{CStr, CString};

/// A started `dog_stats_t`, freed on drop.
pub struct Ours(pub *mut DogStats);

// SAFETY: dog_stats_t is documented as safe to share between threads.
unsafe impl Send for Ours {}
unsafe impl Sync for Ours {}

impl Drop for Ours {
    fn drop(&mut self) {
        // SAFETY: a handle from dog_stats_new, freed once.
        unsafe { dog_stats_free(self.0) }
    }
}

fn check(what: &str, st: dog_status_t) {
    if st != DOG_OK {
        // SAFETY: dog_error_last returns a NUL-terminated string owned by the library.
        let msg = unsafe { CStr::from_ptr(dog_error_last()) }.to_string_lossy();
        panic!("{what}: status {st}: {msg}");
    }
}

/// Settings of one instance.
pub struct Setup<'a> {
    /// Where series go: a port where nothing listens (flushes fail at connect) or the local
    /// discard server.
    pub api_host: &'a str,
    /// Width of the aggregation buckets, seconds.
    pub roll_up: f64,
    /// Background flusher on (with an interval of an hour: it never fires during a run).
    pub flush_in_thread: bool,
    /// `Some(url)`: the DogStatsD sink to that address instead of the HTTP sink.
    pub dogstatsd: Option<&'a str>,
}

impl Ours {
    pub fn start(s: &Setup<'_>) -> Ours {
        let host = CString::new(s.api_host).expect("api host");
        let o = dog_stats_options_new();
        assert!(!o.is_null(), "dog_stats_options_new");
        // SAFETY: live options handle and C strings.
        unsafe {
            check("api_host", dog_stats_options_set_api_host(o, host.as_ptr()));
            check("api_key", dog_stats_options_set_api_key(o, c"bench".as_ptr()));
            check("host", dog_stats_options_set_host(o, c"bench-host".as_ptr()));
            // "" keeps the HTTP sink whatever the environment says.
            let url = CString::new(s.dogstatsd.unwrap_or("")).expect("dogstatsd url");
            check("dogstatsd_url", dog_stats_options_set_dogstatsd_url(o, url.as_ptr()));
        }
        check("flush_in_thread", dog_stats_options_set_flush_in_thread(o, s.flush_in_thread));
        // As in production, the flusher runs every roll-up interval: a context keeps two bucket
        // slots, and without flushes a third bucket would send every point to the locked
        // overflow path (the harness once ran so: 19.4 instead of 12.5 ns per gauge_set).
        check("flush_interval", dog_stats_options_set_flush_interval(o, s.roll_up));
        check("roll_up_interval", dog_stats_options_set_roll_up_interval(o, s.roll_up));
        check("max_contexts", dog_stats_options_set_max_contexts(o, 1_000_000));
        check("max_queued_bytes", dog_stats_options_set_max_queued_bytes(o, 1 << 30));
        check("shutdown_timeout", dog_stats_options_set_shutdown_timeout(o, 0.5));
        let st = dog_stats_new();
        assert!(!st.is_null(), "dog_stats_new");
        // SAFETY: live handles; the options are copied by start.
        unsafe {
            check("dog_stats_start", dog_stats_start(st, o));
            dog_stats_options_free(o);
        }
        Ours(st)
    }
}
