//! Plain TCP connections for the agent, with a one-syscall liveness probe.
//!
//! ureq's own TCP transport checks a pooled connection by switching the socket to
//! non-blocking, reading, and switching back (two `ioctl` and one `recvfrom`), and does so when
//! a connection goes back to the pool and again when it is taken out: six system calls per
//! request on top of the one write and one read that carry it. Here the probe is a single
//! `recv(MSG_PEEK | MSG_DONTWAIT)`, and only the check-out probe is made: the check-in one
//! comes right after the answer was read, and whatever it could find (the peer closing, stray
//! bytes) the check-out probe before the next use finds too. Everything else matches ureq's transport: `TCP_NODELAY`,
//! timeouts reported as `Error::Timeout`.
//!
//! Socket timeouts: each read and write may wait only for what is left before the call's
//! deadline, which shrinks from request to request by a few microseconds. Setting it exactly
//! would cost two `setsockopt` calls per request on a kept-alive connection, so the socket's
//! timeout is set again only when it differs from the time left by more than [`SLACK`]: a call
//! ends within `SLACK` of its deadline.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, ShutdownHandle, Transport,
};

/// Opens the TCP connection unless an earlier connector (a proxy tunnel) already did.
#[derive(Debug, Default)]
pub struct TcpConnector;

impl<In: Transport> Connector<In> for TcpConnector {
    type Out = Either<In, Tcp>;

    fn connect(&self, details: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, ureq::Error> {
        if let Some(c) = chained {
            return Ok(Some(Either::A(c)));
        }
        let budget = details.timeout.not_zero().map(|d| *d);
        let stream = connect_any(&details.addrs, budget)?;
        stream.set_nodelay(true)?;
        let stream = Arc::new(stream);
        (details.register_shutdown)(Arc::downgrade(&stream) as Weak<dyn ShutdownHandle>)?;
        let config = details.config;
        let buffers = LazyBuffers::new(config.input_buffer_size(), config.output_buffer_size());
        Ok(Some(Either::B(Tcp { stream, buffers, read_timeout: None, write_timeout: None, just_used: false })))
    }
}

/// Tries each address in turn, sharing the connect budget between those left.
fn connect_any(addrs: &[SocketAddr], budget: Option<Duration>) -> Result<TcpStream, ureq::Error> {
    let started = Instant::now();
    let mut last: Option<ureq::Error> = None;
    for (i, addr) in addrs.iter().enumerate() {
        let attempt = match budget {
            Some(b) => {
                let left = b.saturating_sub(started.elapsed());
                if left.is_zero() {
                    return Err(ureq::Error::Timeout(ureq::Timeout::Connect));
                }
                TcpStream::connect_timeout(addr, (left / (addrs.len() - i) as u32).max(Duration::from_millis(10)))
            }
            None => TcpStream::connect(addr),
        };
        match attempt {
            Ok(s) => return Ok(s),
            Err(e) if matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) => {
                last = Some(ureq::Error::Timeout(ureq::Timeout::Connect))
            }
            Err(e) => last = Some(ureq::Error::Io(e)),
        }
    }
    Err(last.unwrap_or(ureq::Error::HostNotFound))
}

/// How far a socket timeout may differ from the time left before it is set again.
pub const SLACK: Duration = Duration::from_millis(25);

/// Whether the socket's timeout `current` must be set to `wanted`.
fn must_set(current: Option<Duration>, wanted: Option<Duration>) -> bool {
    match (current, wanted) {
        (Some(c), Some(w)) => c > w + SLACK || c + SLACK < w,
        (c, w) => c != w,
    }
}

#[derive(Debug)]
pub struct Tcp {
    stream: Arc<TcpStream>,
    buffers: LazyBuffers,
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
    /// I/O happened since the last probe: the next probe is the pool's check-in.
    just_used: bool,
}

fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock)
}

impl Transport for Tcp {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = timeout.for_write();
        let limit = timeout.not_zero().map(|d| *d);
        if timeout.after.is_zero() {
            return Err(ureq::Error::Timeout(timeout.reason));
        }
        if must_set(self.write_timeout, limit) {
            self.stream.set_write_timeout(limit)?;
            self.write_timeout = limit;
        }
        let output = &self.buffers.output()[..amount];
        match (&*self.stream).write_all(output) {
            Ok(()) => Ok(()),
            Err(e) if timed_out(&e) => Err(ureq::Error::Timeout(timeout.reason)),
            Err(e) => Err(e.into()),
        }
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let timeout = timeout.for_read();
        let limit = timeout.not_zero().map(|d| *d);
        if timeout.after.is_zero() {
            return Err(ureq::Error::Timeout(timeout.reason));
        }
        if must_set(self.read_timeout, limit) {
            self.stream.set_read_timeout(limit)?;
            self.read_timeout = limit;
        }
        let input = self.buffers.input_append_buf();
        let amount = loop {
            match (&*self.stream).read(input) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if timed_out(&e) => return Err(ureq::Error::Timeout(timeout.reason)),
                Err(e) => return Err(e.into()),
            }
        };
        self.buffers.input_appended(amount);
        self.just_used = true;
        Ok(amount > 0)
    }

    /// Open when nothing is waiting to be read and the peer has not closed: one
    /// non-blocking peek, without touching the socket's blocking mode.
    fn is_open(&mut self) -> bool {
        if std::mem::take(&mut self.just_used) {
            // The pool's check-in, right after the answer was read; check-out probes.
            return true;
        }
        let mut byte = 0u8;
        // SAFETY: a valid socket descriptor owned by self.stream, and a one-byte buffer.
        let n = unsafe {
            libc::recv(self.stream.as_raw_fd(), (&mut byte as *mut u8).cast(), 1, libc::MSG_PEEK | libc::MSG_DONTWAIT)
        };
        n < 0 && matches!(io::Error::last_os_error().kind(), io::ErrorKind::WouldBlock)
    }
}
