//! DogStatsD listeners for tests: the Agent's grammar ([`parse`]), Agent-like aggregation of
//! everything received ([`store`]), and UDP / Unix datagram / Unix stream listeners
//! ([`listen`]). Use them alone (`Listener::start` with your own `Arc<Store>`) or through an
//! [`crate::Intake`] (`Intake::start_dogstatsd`), whose control API then serves the totals at
//! `GET …/_intake/dogstatsd` and clears them with `POST …/_intake/dogstatsd/clear`.

pub mod listen;
pub mod parse;
pub mod store;

pub use listen::{ListenKind, Listener};
pub use parse::Kind;
pub use store::{context, Store, Totals, Values};
