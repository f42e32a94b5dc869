//! The HTTP API client (dogapi's `DogHttpApi`): options, transport, backoff, response rules,
//! and one file per API resource.

pub mod backoff;
pub mod client;
pub mod events;
pub mod metrics;
pub mod options;
pub mod request;
pub mod response;
pub mod service_checks;
pub mod transport;

pub use client::{ApiRequest, Body, Client};
pub use response::{Outcome, Response};
