//! The HTTP API client (dogapi's `DogHttpApi`): options, transport, backoff, response rules,
//! and one file per API resource.

pub mod alerts;
pub mod backoff;
pub mod client;
pub mod comments;
pub mod dashboards;
pub mod events;
pub mod metrics;
pub mod options;
pub mod request;
pub mod response;
pub mod screenboards;
pub mod service_checks;
pub mod snapshots;
pub mod transport;

pub use client::{ApiRequest, Body, Client};
pub use response::{Outcome, Response};
