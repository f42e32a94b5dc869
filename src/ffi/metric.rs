//! Metrics: `dog_metric_post`, `dog_metric_post_point`, `dog_metric_post_points`,
//! `dog_metrics_post` (dogapi `metric` in its three point forms, and `metrics`).

use super::http::{api_call, DogHttp};
use super::response::DogResponse;
use super::status::dog_status_t;
use super::{finite, null_arg, opt_str, req_str};
use crate::error::Error;
use crate::http::metrics::{now, Metric};
use std::ffi::c_char;

/// One (timestamp, value) pair for `dog_metric_post_points`.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy)]
pub struct dog_point_t {
    /// POSIX seconds.
    pub timestamp: f64,
    pub value: f64,
}

struct Common<'a> {
    name: &'a str,
    host: Option<&'a str>,
    device: Option<&'a str>,
    tags: Option<&'a str>,
    metric_type: Option<&'a str>,
}

/// # Safety
/// C strings from the caller.
unsafe fn common<'a>(
    name: *const c_char,
    host: *const c_char,
    device: *const c_char,
    tags: *const c_char,
    metric_type: *const c_char,
) -> Result<Common<'a>, Error> {
    // SAFETY: forwarded caller contract.
    unsafe {
        Ok(Common {
            name: req_str(name, "name")?,
            host: opt_str(host, "host")?,
            device: opt_str(device, "device")?,
            tags: opt_str(tags, "tags")?,
            metric_type: opt_str(metric_type, "type")?,
        })
    }
}

impl Common<'_> {
    fn metric(&self, points: Vec<(f64, f64)>) -> Metric<'_> {
        Metric {
            name: self.name,
            points,
            host: self.host,
            device: self.device,
            tags: self.tags,
            metric_type: self.metric_type,
        }
    }
}

/// Posts one value stamped now (dogapi `metric(name, value)`): `POST /api/v1/series`.
///
/// `host` NULL: this machine's host name (or the EC2 instance id with
/// `dog_http_set_use_ec2_instance_id`); `""` is sent as is. `device`, `tags` (comma-separated)
/// optional. `type`: `"gauge"` (NULL, the default), `"count"` (dogapi's `"counter"` is accepted
/// as `"count"`) or `"rate"`; anything else, an empty name or a non-finite value is
/// `DOG_ERR_INVALID_ARGUMENT`. Result: the answer (`{"status":"ok"}`).
#[no_mangle]
pub unsafe extern "C" fn dog_metric_post(
    client: *mut DogHttp,
    name: *const c_char,
    value: f64,
    host: *const c_char,
    device: *const c_char,
    tags: *const c_char,
    type_: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let m = unsafe { common(name, host, device, tags, type_)? };
        Ok(c.metric(&m.metric(vec![(now(), finite(value, "value")?)])))
    })
}

/// Posts one (timestamp, value) pair (dogapi `metric(name, (ts, value))`). As
/// `dog_metric_post` otherwise; `timestamp` is POSIX seconds and must be finite.
#[no_mangle]
pub unsafe extern "C" fn dog_metric_post_point(
    client: *mut DogHttp,
    name: *const c_char,
    timestamp: f64,
    value: f64,
    host: *const c_char,
    device: *const c_char,
    tags: *const c_char,
    type_: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let m = unsafe { common(name, host, device, tags, type_)? };
        Ok(c.metric(&m.metric(vec![(finite(timestamp, "timestamp")?, finite(value, "value")?)])))
    })
}

/// Posts `n_points` pairs as one series (dogapi `metric(name, [(ts, value), ...])`). `points`
/// is read during the call only; `n_points` must be ≥ 1. As `dog_metric_post` otherwise.
#[no_mangle]
pub unsafe extern "C" fn dog_metric_post_points(
    client: *mut DogHttp,
    name: *const c_char,
    points: *const dog_point_t,
    n_points: usize,
    host: *const c_char,
    device: *const c_char,
    tags: *const c_char,
    type_: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C strings from the caller.
        let m = unsafe { common(name, host, device, tags, type_)? };
        if points.is_null() {
            return Err(null_arg("points"));
        }
        if n_points == 0 {
            return Err(Error::invalid("n_points must be at least 1"));
        }
        // SAFETY: the caller promises `points` holds `n_points` elements.
        let pts = unsafe { std::slice::from_raw_parts(points, n_points) };
        Ok(c.metric(&m.metric(pts.iter().map(|p| (p.timestamp, p.value)).collect())))
    })
}

/// Posts a batch (dogapi `metrics`): `series_json` is a JSON array of series objects
/// (`[{"metric":"a","points":[[1700000000,1]],"type":"gauge","host":"h","tags":["x:y"]}]`),
/// sent as given in `{"series": [...]}`. Malformed JSON or not an array of objects is
/// `DOG_ERR_INVALID_ARGUMENT`. Result: the answer.
#[no_mangle]
pub unsafe extern "C" fn dog_metrics_post(
    client: *mut DogHttp,
    series_json: *const c_char,
    out_response: *mut *mut DogResponse,
) -> dog_status_t {
    api_call(client, out_response, |c| {
        // SAFETY: C string from the caller.
        let s = unsafe { req_str(series_json, "series_json")? };
        Ok(c.metrics(s))
    })
}
