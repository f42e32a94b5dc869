//! The background flusher thread ("dogapi-stats"): every flush interval it closes the buckets
//! and hands them to the sink, sends what the sink has due in between (retry back-off), and on
//! stop does the final flush. It knows the instance only through the three jobs it is given.

use crate::error::{Error, ErrorKind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the thread does, supplied by the instance (`lifecycle.rs`).
pub struct Jobs {
    /// Every flush interval: close buckets and submit them (`true`), and/or send what is due.
    pub tick: Box<dyn Fn(bool) + Send>,
    /// When the sink next wants a send (retry back-off).
    pub next_due: Box<dyn Fn() -> Option<Instant> + Send>,
    /// Stop: flush everything until the deadline.
    pub finish: Box<dyn FnOnce(Instant) -> Result<(), Error> + Send>,
    /// `true` when the instance was forked since (the thread cannot exist then; be safe).
    pub forked: Box<dyn Fn() -> bool + Send>,
}

/// The running thread. Dropping it without [`stop`](Flusher::stop) lets the thread exit on
/// its own (channel closed).
pub struct Flusher {
    tx: crossbeam_channel::Sender<Instant>,
    done: crossbeam_channel::Receiver<Result<(), Error>>,
    join: Option<std::thread::JoinHandle<()>>,
    /// Set when a stop gave up waiting: the thread then exits without a final flush.
    cancel: Arc<AtomicBool>,
}

impl Flusher {
    pub fn spawn(interval: Duration, jobs: Jobs) -> Result<Flusher, Error> {
        let (tx, rx) = crossbeam_channel::unbounded();
        let (done_tx, done) = crossbeam_channel::bounded(1);
        let cancel = Arc::new(AtomicBool::new(false));
        let c = Arc::clone(&cancel);
        let join = std::thread::Builder::new()
            .name("dogapi-stats".into())
            .spawn(move || run(interval, jobs, rx, done_tx, c))
            .map_err(|e| Error::new(ErrorKind::Internal, format!("cannot start the flush thread: {e}")))?;
        Ok(Flusher { tx, done, join: Some(join), cancel })
    }

    /// Asks the thread for its final flush, aiming at `aim` (a little before `deadline`), and
    /// waits until `deadline`. `None`: the thread is gone (the caller flushes itself).
    /// `Some(Err(Timeout))` when it did not finish in time: the thread is then cancelled (it
    /// exits without flushing once its current request returns).
    pub fn stop(mut self, aim: Instant, deadline: Instant) -> Option<Result<(), Error>> {
        if self.tx.send(aim).is_err() {
            return None;
        }
        match self.done.recv_deadline(deadline) {
            Ok(r) => {
                if let Some(j) = self.join.take() {
                    let _ = j.join();
                }
                Some(r)
            }
            Err(_) => {
                self.cancel.store(true, Ordering::SeqCst);
                Some(Err(Error::new(
                    ErrorKind::Timeout,
                    "stats: the flush thread did not finish within the shutdown timeout",
                )))
            }
        }
    }
}

fn run(
    interval: Duration,
    jobs: Jobs,
    rx: crossbeam_channel::Receiver<Instant>,
    done: crossbeam_channel::Sender<Result<(), Error>>,
    cancel: Arc<AtomicBool>,
) {
    let Jobs { tick, next_due, finish, forked } = jobs;
    let mut next = Instant::now() + interval;
    loop {
        let now = Instant::now();
        let mut wake = next;
        if let Some(nb) = next_due() {
            wake = wake.min(nb.max(now));
        }
        match rx.recv_timeout(wake.saturating_duration_since(now)) {
            Ok(aim) => {
                if cancel.load(Ordering::SeqCst) {
                    return;
                }
                let _ = done.send(finish(aim));
                return;
            }
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return,
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                if forked() || cancel.load(Ordering::SeqCst) {
                    return;
                }
                let due = Instant::now() >= next;
                if due {
                    next += interval;
                    if next < Instant::now() {
                        next = Instant::now() + interval;
                    }
                }
                tick(due);
            }
        }
    }
}
