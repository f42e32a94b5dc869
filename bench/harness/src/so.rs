//! `--so PATH`: the same recording calls through `libdogapi.so` loaded with `dlopen`, as a C
//! program linked against the shared library makes them (a call through a symbol address,
//! thread-locals through the dynamic TLS model). The rest of the harness links the `dogapi`
//! rlib statically, like a C program linked against `libdogapi.a`.

use std::ffi::{c_char, c_void, CStr, CString};

/// `dog_stats_increment` / `_gauge` / `_histogram`.
pub type RecFn = unsafe extern "C" fn(*mut c_void, *const c_char, f64, *const c_char) -> i32;

/// A started `dog_stats_t` of the loaded library, freed on drop (the library stays loaded).
pub struct SoLib {
    pub stats: *mut c_void,
    pub increment: RecFn,
    pub gauge: RecFn,
    pub histogram: RecFn,
    free: unsafe extern "C" fn(*mut c_void),
}

// SAFETY: dog_stats_t is documented as safe to share between threads.
unsafe impl Send for SoLib {}
unsafe impl Sync for SoLib {}

impl Drop for SoLib {
    fn drop(&mut self) {
        // SAFETY: a handle from dog_stats_new of the same library, freed once.
        unsafe { (self.free)(self.stats) }
    }
}

/// # Safety
/// `T` must be the function pointer type of the symbol `name`.
unsafe fn sym<T: Copy>(lib: *mut c_void, name: &CStr) -> T {
    // SAFETY: live handle from dlopen, NUL-terminated name.
    let p = unsafe { libc::dlsym(lib, name.as_ptr()) };
    assert!(!p.is_null(), "{name:?} not found in the library");
    // SAFETY: the caller names the matching type; data and function pointers have one size here.
    unsafe { std::mem::transmute_copy(&p) }
}

fn ok(what: &str, st: i32) {
    assert_eq!(st, 0, "{what} failed with status {st}");
}

impl SoLib {
    /// Loads `path` and starts an instance with the harness's settings (see `ours::Setup`).
    pub fn load(path: &str, api_host: &str, roll_up: f64) -> SoLib {
        let cpath = CString::new(path).expect("path");
        // SAFETY: plain dlopen of a shared library; its constructors are Rust statics only.
        let lib = unsafe { libc::dlopen(cpath.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if lib.is_null() {
            // SAFETY: dlerror returns a NUL-terminated message after a failed dlopen.
            let e = unsafe { CStr::from_ptr(libc::dlerror()) };
            panic!("dlopen {path}: {}", e.to_string_lossy());
        }
        type OptStr = unsafe extern "C" fn(*mut c_void, *const c_char) -> i32;
        type OptF64 = unsafe extern "C" fn(*mut c_void, f64) -> i32;
        type OptBool = unsafe extern "C" fn(*mut c_void, bool) -> i32;
        let host = CString::new(api_host).expect("api host");
        // SAFETY: each symbol with the signature dogapi.h declares for it.
        unsafe {
            let o = sym::<unsafe extern "C" fn() -> *mut c_void>(lib, c"dog_stats_options_new")();
            assert!(!o.is_null());
            ok("api_host", sym::<OptStr>(lib, c"dog_stats_options_set_api_host")(o, host.as_ptr()));
            ok("api_key", sym::<OptStr>(lib, c"dog_stats_options_set_api_key")(o, c"bench".as_ptr()));
            ok("host", sym::<OptStr>(lib, c"dog_stats_options_set_host")(o, c"bench-host".as_ptr()));
            ok("flush_in_thread", sym::<OptBool>(lib, c"dog_stats_options_set_flush_in_thread")(o, true));
            // Every roll-up interval, as in production (see `ours.rs`).
            ok("flush_interval", sym::<OptF64>(lib, c"dog_stats_options_set_flush_interval")(o, roll_up));
            ok("roll_up_interval", sym::<OptF64>(lib, c"dog_stats_options_set_roll_up_interval")(o, roll_up));
            ok("shutdown_timeout", sym::<OptF64>(lib, c"dog_stats_options_set_shutdown_timeout")(o, 0.5));
            let stats = sym::<unsafe extern "C" fn() -> *mut c_void>(lib, c"dog_stats_new")();
            assert!(!stats.is_null());
            ok(
                "dog_stats_start",
                sym::<unsafe extern "C" fn(*mut c_void, *mut c_void) -> i32>(lib, c"dog_stats_start")(stats, o),
            );
            sym::<unsafe extern "C" fn(*mut c_void)>(lib, c"dog_stats_options_free")(o);
            SoLib {
                stats,
                increment: sym(lib, c"dog_stats_increment"),
                gauge: sym(lib, c"dog_stats_gauge"),
                histogram: sym(lib, c"dog_stats_histogram"),
                free: sym(lib, c"dog_stats_free"),
            }
        }
    }
}
