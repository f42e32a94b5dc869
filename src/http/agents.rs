//! The client's connection pools: a few keep-alive agents, each calling thread sticking to one.
//!
//! ureq's pool is one mutex per agent, taken twice per request (to take a connection out and to
//! put it back), and the liveness probe of a pooled connection (a system call, see
//! `net/tcp.rs`) runs while it is held. Threads sharing one client therefore queued on that
//! mutex and slept in the kernel on it: with four threads, 2.5 `futex` calls per request, all
//! of them on the pool (profile in `bench/HTTP.md`). Here a client holds [`STRIPES`] agents
//! built alike, and a thread always uses the same one (threads are numbered in the order they
//! first call any client), so up to `STRIPES` threads never meet on a lock. The idle limits
//! of one agent are the client's divided between the stripes.

use super::options::Options;
use super::transport;
use crate::error::Error;
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Agents per client.
const STRIPES: usize = 8;
/// Idle connections a client keeps, over all its agents (all hosts; one host).
const MAX_IDLE: usize = 64;
const MAX_IDLE_PER_HOST: usize = 32;

static NEXT_THREAD: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// This thread's number, given at its first call.
    static THREAD: Cell<Option<usize>> = const { Cell::new(None) };
}

/// This thread's stripe.
fn stripe() -> usize {
    THREAD.with(|t| {
        let n = t.get().unwrap_or_else(|| {
            let n = NEXT_THREAD.fetch_add(1, Ordering::Relaxed);
            t.set(Some(n));
            n
        });
        n % STRIPES
    })
}

/// The agents of one client.
pub struct Agents(Box<[ureq::Agent]>);

impl Agents {
    /// [`STRIPES`] agents for the given options (see [`transport::build_agent`]).
    pub fn build(opts: &Options) -> Result<Agents, Error> {
        let idle = transport::Idle { max: MAX_IDLE / STRIPES, per_host: MAX_IDLE_PER_HOST / STRIPES };
        let agents = (0..STRIPES).map(|_| transport::build_agent(opts, idle)).collect::<Result<Vec<_>, _>>()?;
        Ok(Agents(agents.into_boxed_slice()))
    }

    /// The calling thread's agent.
    pub fn mine(&self) -> &ureq::Agent {
        &self.0[stripe()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_keeps_its_stripe_and_threads_spread() {
        let first = stripe();
        assert_eq!(stripe(), first, "the same thread, the same stripe");
        let others: Vec<usize> = (0..STRIPES).map(|_| std::thread::spawn(stripe).join().unwrap()).collect();
        let mut seen = others.clone();
        seen.sort_unstable();
        seen.dedup();
        // Other tests number threads concurrently, so the STRIPES threads here need not get
        // consecutive numbers; they still never all share one stripe.
        assert!(seen.len() > 1, "threads spread over stripes: {others:?}");
    }
}
