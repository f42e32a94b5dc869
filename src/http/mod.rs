//! The HTTP API client (dogapi's `DogHttpApi`): options, transport, backoff, response rules,
//! and one file per API resource.

pub mod agents;
pub mod alerts;
pub mod answer;
pub(crate) mod args;
pub mod backoff;
pub mod client;
pub mod comments;
pub mod dashboards;
pub mod downtimes;
pub mod events;
pub mod hosts;
pub mod metrics;
pub mod monitors;
pub mod net;
pub mod no_proxy;
pub mod options;
pub mod request;
pub mod response;
pub mod screenboards;
pub mod search;
pub mod service_checks;
pub mod snapshots;
pub mod tags;
pub mod transport;
pub mod users;

pub use answer::Pick;
pub use client::{ApiRequest, Body, Client};
pub use response::{Outcome, Response, ResultView};
