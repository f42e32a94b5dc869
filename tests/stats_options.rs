//! `dog_stats_options_t` through the exported C functions: every setter's statuses (NULL
//! options, NaN/inf and out-of-range numbers, invalid UTF-8), that a failed setter changes
//! nothing, and that `dog_stats_start` copies the options (they may be freed right after).

use dogapi::ffi::last_error::dog_error_last;
use dogapi::ffi::stats::*;
use dogapi::ffi::stats_options::*;
use dogapi::ffi::status::*;
use dogapi_intake::Intake;
use serde_json::Value;
use std::ffi::{c_char, CStr, CString};
use std::ptr::{null, null_mut};

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn last_error() -> String {
    unsafe { CStr::from_ptr(dog_error_last()) }.to_string_lossy().into_owned()
}

type Num = extern "C" fn(*mut DogStatsOptions, f64) -> dog_status_t;
type Size = extern "C" fn(*mut DogStatsOptions, usize) -> dog_status_t;
type Flag = extern "C" fn(*mut DogStatsOptions, bool) -> dog_status_t;
type Text = unsafe extern "C" fn(*mut DogStatsOptions, *const c_char) -> dog_status_t;

const SECONDS: [(&str, Num); 4] = [
    ("flush_interval", dog_stats_options_set_flush_interval),
    ("roll_up_interval", dog_stats_options_set_roll_up_interval),
    ("shutdown_timeout", dog_stats_options_set_shutdown_timeout),
    ("request_timeout", dog_stats_options_set_request_timeout),
];
const SIZES: [(&str, Size); 4] = [
    ("max_contexts", dog_stats_options_set_max_contexts),
    ("max_queued_bytes", dog_stats_options_set_max_queued_bytes),
    ("max_payload_bytes", dog_stats_options_set_max_payload_bytes),
    ("max_distribution_values", dog_stats_options_set_max_distribution_values),
];
const FLAGS: [(&str, Flag); 3] = [
    ("use_ec2_instance_ids", dog_stats_options_set_use_ec2_instance_ids),
    ("flush_in_thread", dog_stats_options_set_flush_in_thread),
    ("disabled", dog_stats_options_set_disabled),
];
const TEXTS: [(&str, Text); 5] = [
    ("api_key", dog_stats_options_set_api_key),
    ("api_host", dog_stats_options_set_api_host),
    ("site", dog_stats_options_set_site),
    ("host", dog_stats_options_set_host),
    ("device", dog_stats_options_set_device),
];

#[test]
fn every_setter_checks_its_arguments() {
    let o = dog_stats_options_new();
    assert!(!o.is_null());
    for (name, set) in SECONDS {
        assert_eq!(set(null_mut(), 1.0), DOG_ERR_NULL_ARGUMENT, "{name}");
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -1.0, 1e9] {
            assert_eq!(set(o, bad), DOG_ERR_INVALID_ARGUMENT, "{name} {bad}");
            assert!(last_error().contains(name), "{name}: {}", last_error());
        }
        assert_eq!(set(o, 0.5), DOG_OK, "{name}");
        assert_eq!(set(o, 86_400.0), DOG_OK, "{name}");
    }
    for (name, set) in SIZES {
        assert_eq!(set(null_mut(), 4096), DOG_ERR_NULL_ARGUMENT, "{name}");
        assert_eq!(set(o, 4096), DOG_OK, "{name}");
    }
    assert_eq!(dog_stats_options_set_max_contexts(o, 0), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_stats_options_set_max_payload_bytes(o, 1023), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_stats_options_set_max_payload_bytes(o, 3_200_001), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_stats_options_set_max_payload_bytes(o, usize::MAX), DOG_ERR_INVALID_ARGUMENT);
    for bad in [0, 8_388_609, usize::MAX] {
        assert_eq!(dog_stats_options_set_max_distribution_values(o, bad), DOG_ERR_INVALID_ARGUMENT, "{bad}");
        assert!(last_error().contains("max_distribution_values"), "{}", last_error());
    }
    assert_eq!(dog_stats_options_set_max_distribution_values(o, 8_388_608), DOG_OK);
    for (name, set) in FLAGS {
        assert_eq!(set(null_mut(), true), DOG_ERR_NULL_ARGUMENT, "{name}");
        assert_eq!(set(o, true), DOG_OK, "{name}");
        assert_eq!(set(o, false), DOG_OK, "{name}");
    }
    let bad_utf8 = [b'a', 0xff, 0];
    for (name, set) in TEXTS {
        unsafe {
            assert_eq!(set(null_mut(), c("x").as_ptr()), DOG_ERR_NULL_ARGUMENT, "{name}");
            assert_eq!(set(o, bad_utf8.as_ptr().cast()), DOG_ERR_INVALID_ARGUMENT, "{name}");
            assert_eq!(set(o, null()), DOG_OK, "{name}: NULL is the default");
        }
    }
    unsafe {
        assert_eq!(dog_stats_options_set_api_host(o, c("ftp://x").as_ptr()), DOG_ERR_INVALID_ARGUMENT);
        assert_eq!(dog_stats_options_set_site(o, c("https://api.datadoghq.eu").as_ptr()), DOG_ERR_INVALID_ARGUMENT);
        assert_eq!(dog_stats_options_set_api_key(o, c("has space").as_ptr()), DOG_ERR_INVALID_ARGUMENT);
        assert!(!last_error().contains("has space"), "the key is never echoed");
        dog_stats_options_free(o);
        dog_stats_options_free(null_mut());
    }
}

/// Options are copied by `dog_stats_start`, and a setter that fails leaves the earlier value:
/// the series carry the host, device and interval set before the failures, sent to the intake
/// set before a rejected host.
#[test]
fn start_copies_the_options_and_failed_setters_change_nothing() {
    let intake = Intake::start();
    let o = dog_stats_options_new();
    unsafe {
        assert_eq!(dog_stats_options_set_api_host(o, c(&intake.url()).as_ptr()), DOG_OK);
        assert_eq!(dog_stats_options_set_api_host(o, c("gopher://elsewhere").as_ptr()), DOG_ERR_INVALID_ARGUMENT);
        assert_eq!(dog_stats_options_set_api_key(o, c("k").as_ptr()), DOG_OK);
        assert_eq!(dog_stats_options_set_host(o, c("opt-host").as_ptr()), DOG_OK);
        assert_eq!(dog_stats_options_set_device(o, c("sda").as_ptr()), DOG_OK);
        assert_eq!(dog_stats_options_set_device(o, [0xffu8, 0].as_ptr().cast()), DOG_ERR_INVALID_ARGUMENT);
    }
    assert_eq!(dog_stats_options_set_roll_up_interval(o, 30.0), DOG_OK);
    assert_eq!(dog_stats_options_set_roll_up_interval(o, f64::NAN), DOG_ERR_INVALID_ARGUMENT);
    assert_eq!(dog_stats_options_set_flush_in_thread(o, false), DOG_OK);
    let s = dog_stats_new();
    assert_eq!(unsafe { dog_stats_start(s, o) }, DOG_OK, "{}", last_error());
    // The aggregator holds a copy: changing and freeing the options now has no effect.
    unsafe { dog_stats_options_set_host(o, c("changed").as_ptr()) };
    unsafe { dog_stats_options_free(o) };
    unsafe {
        assert_eq!(dog_stats_increment(s, c("opts.count").as_ptr(), 1.0, null()), DOG_OK);
        assert_eq!(dog_stats_stop(s, 5.0), DOG_OK, "{}", last_error());
        dog_stats_free(s);
    }
    let reqs: Vec<_> = intake.requests().into_iter().filter(|r| r.path == "/api/v1/series").collect();
    assert_eq!(reqs.len(), 1);
    let v: Value = serde_json::from_slice(&reqs[0].body).unwrap();
    let sr = &v["series"][0];
    assert_eq!(
        (sr["metric"].as_str(), sr["host"].as_str(), sr["device"].as_str()),
        (Some("opts.count"), Some("opt-host"), Some("sda"))
    );
    assert_eq!(sr["interval"], 30);
}

#[test]
fn start_with_null_options_takes_the_defaults_and_the_environment() {
    let s = dog_stats_new();
    assert_eq!(unsafe { dog_stats_start(null_mut(), null()) }, DOG_ERR_NULL_ARGUMENT);
    assert_eq!(unsafe { dog_stats_start(s, null()) }, DOG_OK, "{}", last_error());
    assert_eq!(unsafe { dog_stats_stop(s, 0.5) }, DOG_OK);
    unsafe { dog_stats_free(s) };
}
