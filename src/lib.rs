//! libdogapi: Datadog's classic Python client `dogapi` (`DogHttpApi` and `DogStatsApi`)
//! rebuilt in Rust, exported as a C ABI (`include/dogapi.h`).
//!
//! Layers: [`ffi`] converts C arguments and delegates; [`http`] is the API client core.

pub mod dogstatsd;
pub mod error;
pub mod ffi;
pub mod host;
pub mod http;
pub mod log;
pub mod stats;
pub mod tags;
