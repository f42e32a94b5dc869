//! What the client plugs into ureq below its public API: a caching resolver, a TCP transport
//! with a one-syscall liveness probe, and a cork that sends each request in one write.
//!
//! All three implement ureq's `unversioned` traits, which ureq excludes from semver; Cargo.toml
//! pins ureq to `~3.5` for them. Their measured gains are in `bench/HTTP.md`.

pub mod cork;
pub mod resolver;
pub mod tcp;
