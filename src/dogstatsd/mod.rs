//! The DogStatsD path to the Datadog Agent (DESIGN §5 "DogStatsD sink"): the process sends
//! datagrams to the Agent on its host, which aggregates the host and ships to Datadog.
//!
//! - [`config`]: the destination from `DD_DOGSTATSD_URL` / `DD_AGENT_HOST` + `DD_DOGSTATSD_PORT`;
//! - [`encode`]: metric, packed-value, event and service-check lines (datadog-go's format);
//! - [`packer`]: lines into packets of at most 1432 B (UDP) / 8192 B (Unix);
//! - [`transport`]: UDP, Unix datagram and Unix stream (length-prefixed) sockets;
//! - [`sender`]: the sender thread (bounded queue, drops counted by cause, reconnection);
//! - [`client`]: [`DogStatsd`], the thread-safe client the stats sink writes through;
//! - [`origin`]: container id / cgroup inode and `DD_ENTITY_ID`;
//! - [`telemetry`]: client counters and the `datadog.dogstatsd.client.*` lines.

pub mod client;
pub mod config;
pub mod encode;
pub mod origin;
pub mod packer;
pub mod sender;
pub mod telemetry;
pub mod transport;

pub use client::{DogStatsd, Options};
pub use config::{Destination, UnixKind};
pub use encode::MetricKind;
pub use telemetry::Snapshot;
