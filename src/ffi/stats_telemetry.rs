//! Telemetry read-out of `dog_stats_t`: values by id (`dog_stats_telemetry_id_t`, defined with the
//! one list of counters in `crate::stats::telemetry`), so counters can be added without
//! breaking callers. Conversion only.

use super::stats::DogStats;
use super::status::dog_status_t;
use super::{handle, null_arg, status_call, value_call};
use crate::error::Error;
use crate::stats::telemetry;
use std::ffi::c_char;

/// The largest `n` `dog_stats_telemetry_read()` accepts; far above any `DOG_STATS_TELEMETRY_COUNT`.
pub const DOG_STATS_TELEMETRY_MAX_SLOTS: usize = 1024;

/// Reads one telemetry value: `id` is a `dog_stats_telemetry_id_t` (`DOG_STATS_SERIES_SENT`, ...).
/// Writes `*out` on success. Returns `DOG_ERR_NULL_ARGUMENT` when `stats` or `out` is NULL,
/// `DOG_ERR_INVALID_ARGUMENT` for an id this library does not know (an older library than the
/// header: `*out` is left untouched). Values of different ids read by separate calls may be
/// from different moments; `dog_stats_telemetry_read()` reads them all in one call.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_telemetry_get(stats: *const DogStats, id: u32, out: *mut u64) -> dog_status_t {
    status_call(|| {
        // SAFETY: live handle (caller's contract).
        let s = unsafe { handle(stats, "stats")? };
        if out.is_null() {
            return Err(null_arg("out"));
        }
        let id = telemetry::from_u32(id).ok_or_else(|| {
            Error::invalid(format!("unknown telemetry id {id} (this library knows 0..{})", telemetry::COUNT))
        })?;
        // SAFETY: non-NULL and writable (caller's contract).
        unsafe { out.write(s.0.telemetry()[id]) };
        Ok(())
    })
}

/// Reads every telemetry value at once into `values[0..n)`, indexed by `dog_stats_telemetry_id_t`
/// (declare `uint64_t values[DOG_STATS_TELEMETRY_COUNT]` and pass `DOG_STATS_TELEMETRY_COUNT`).
/// `values[i]` gets the value of id `i`, or 0 for an id this library does not know (a header
/// newer than the library); a smaller `n` (an older header) reads the first `n`. Returns `DOG_ERR_NULL_ARGUMENT`
/// when `stats` is NULL or `values` is NULL with `n` > 0, `DOG_ERR_INVALID_ARGUMENT` (nothing
/// written) when `n` exceeds `DOG_STATS_TELEMETRY_MAX_SLOTS` (1024): no header will ever define
/// that many ids, so such an `n` is a length mixed up with something else, not a buffer size.
#[no_mangle]
pub unsafe extern "C" fn dog_stats_telemetry_read(stats: *const DogStats, values: *mut u64, n: usize) -> dog_status_t {
    status_call(|| {
        // SAFETY: live handle (caller's contract).
        let s = unsafe { handle(stats, "stats")? };
        if n == 0 {
            return Ok(());
        }
        if values.is_null() {
            return Err(null_arg("values"));
        }
        if n > DOG_STATS_TELEMETRY_MAX_SLOTS {
            return Err(Error::invalid(format!(
                "n = {n} is more telemetry slots than any header defines (at most {})",
                DOG_STATS_TELEMETRY_MAX_SLOTS
            )));
        }
        let t = s.0.telemetry();
        // SAFETY: `values` points to `n` writable u64 (caller's contract).
        let out = unsafe { std::slice::from_raw_parts_mut(values, n) };
        for (i, v) in out.iter_mut().enumerate() {
            *v = t.0.get(i).copied().unwrap_or(0);
        }
        Ok(())
    })
}

/// The static name of a telemetry id (`"series_sent"` for `DOG_STATS_SERIES_SENT`: the id's
/// name without the prefix, lowercase), NULL for an id this library does not know. Never free
/// it.
#[no_mangle]
pub extern "C" fn dog_stats_telemetry_name(id: u32) -> *const c_char {
    value_call(std::ptr::null(), || match telemetry::from_u32(id) {
        Some(id) => telemetry::c_name(id).as_ptr(),
        None => std::ptr::null(),
    })
}
