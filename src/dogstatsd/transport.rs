//! Sockets to the Agent: UDP (connected), Unix datagram, Unix stream (each payload framed with
//! a 4-byte little-endian length, as datadog-go `statsd/uds.go`). Used only by the sender
//! thread. Datagram sockets are non-blocking: when the Agent's queue is full the sender thread
//! waits for room up to the write timeout (100 ms), then drops the packet; the stream socket
//! has the same write timeout, and a frame once started is finished or the
//! connection is closed (the Agent could not resynchronise on a half frame). Every send uses
//! `MSG_NOSIGNAL`, so a closed stream never raises SIGPIPE in the host program.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::time::{Duration, Instant};

use super::config::{Destination, UnixKind};

/// Why a packet was not sent.
#[derive(Debug)]
pub enum SendError {
    /// The socket buffer is full (EAGAIN) or the stream write timed out before any byte.
    WouldBlock,
    /// Nobody listens: no socket file, connection refused, peer closed. The connection (if
    /// any) was dropped; the next send reconnects.
    NoAgent(io::Error),
    /// Anything else (message too long, resolution failure…). The connection was dropped.
    Failed(io::Error),
}

enum Conn {
    Udp(UdpSocket),
    Dgram(UnixDatagram),
    Stream(UnixStream),
}

impl Conn {
    fn fd(&self) -> RawFd {
        match self {
            Conn::Udp(s) => s.as_raw_fd(),
            Conn::Dgram(s) => s.as_raw_fd(),
            Conn::Stream(s) => s.as_raw_fd(),
        }
    }
}

/// A lazily connected socket to one destination.
pub struct Transport {
    dest: Destination,
    conn: Option<Conn>,
    write_timeout: Duration,
    connects: u64,
}

fn is_no_agent(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::ENOENT | libc::ECONNREFUSED | libc::ENOTCONN | libc::EPIPE | libc::ECONNRESET | libc::EDESTADDRREQ)
    ) || e.kind() == io::ErrorKind::NotFound
}

/// `send(2)` with `MSG_NOSIGNAL`; returns bytes written.
fn send_raw(fd: RawFd, buf: &[u8]) -> io::Result<usize> {
    loop {
        // SAFETY: buf is a valid readable slice for its length; fd is owned by a live socket.
        let n = unsafe { libc::send(fd, buf.as_ptr().cast(), buf.len(), libc::MSG_NOSIGNAL) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// poll(2) for POLLOUT up to `d`; true when writable (or in error: the send will say).
fn wait_writable(fd: RawFd, d: Duration) -> bool {
    let mut p = libc::pollfd { fd, events: libc::POLLOUT, revents: 0 };
    let ms = d.as_millis().clamp(1, i32::MAX as u128) as libc::c_int;
    // SAFETY: one valid pollfd.
    let n = unsafe { libc::poll(&mut p, 1, ms) };
    n > 0
}

impl Transport {
    /// Nothing is opened until the first send. `write_timeout` bounds a stream write.
    pub fn new(dest: Destination, write_timeout: Duration) -> Transport {
        Transport { dest, conn: None, write_timeout: write_timeout.max(Duration::from_millis(1)), connects: 0 }
    }

    pub fn destination(&self) -> &Destination {
        &self.dest
    }

    /// Successful connections so far (the first one and every reconnection).
    pub fn connects(&self) -> u64 {
        self.connects
    }

    pub fn is_connected(&self) -> bool {
        self.conn.is_some()
    }

    /// Whether the current connection is a stream (length-prefixed frames).
    pub fn is_stream(&self) -> bool {
        matches!(self.conn, Some(Conn::Stream(_)))
    }

    pub fn close(&mut self) {
        self.conn = None;
    }

    /// Open the socket (no-op when open).
    pub fn connect(&mut self) -> io::Result<()> {
        if self.conn.is_some() {
            return Ok(());
        }
        let conn = match &self.dest {
            Destination::Udp { host, port } => {
                let addr: SocketAddr = (host.as_str(), *port)
                    .to_socket_addrs()?
                    .next()
                    .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{host}: no address")))?;
                let local: SocketAddr = if addr.is_ipv4() { "0.0.0.0:0".parse() } else { "[::]:0".parse() }
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
                let s = UdpSocket::bind(local)?;
                s.connect(addr)?;
                s.set_nonblocking(true)?;
                Conn::Udp(s)
            }
            Destination::Unix { path, kind } => {
                let dgram = || -> io::Result<Conn> {
                    let s = UnixDatagram::unbound()?;
                    s.connect(path)?;
                    s.set_nonblocking(true)?;
                    Ok(Conn::Dgram(s))
                };
                let stream = || -> io::Result<Conn> {
                    let s = UnixStream::connect(path)?;
                    s.set_write_timeout(Some(self.write_timeout))?;
                    Ok(Conn::Stream(s))
                };
                match kind {
                    UnixKind::Datagram => dgram()?,
                    UnixKind::Stream => stream()?,
                    UnixKind::Auto => match dgram() {
                        Err(e) if e.raw_os_error() == Some(libc::EPROTOTYPE) => stream()?,
                        r => r?,
                    },
                }
            }
        };
        self.conn = Some(conn);
        self.connects += 1;
        Ok(())
    }

    /// Send one packet (connecting first if needed). Never blocks on a datagram socket;
    /// on a stream, at most about twice the write timeout.
    pub fn send(&mut self, pkt: &[u8]) -> Result<(), SendError> {
        if let Err(e) = self.connect() {
            return Err(if is_no_agent(&e) { SendError::NoAgent(e) } else { SendError::Failed(e) });
        }
        let Some(conn) = &self.conn else {
            return Err(SendError::Failed(io::Error::other("not connected")));
        };
        let fd = conn.fd();
        let r = match conn {
            Conn::Udp(_) | Conn::Dgram(_) => self.send_datagram(fd, pkt),
            Conn::Stream(_) => return self.send_frame(fd, pkt),
        };
        match r {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Err(SendError::WouldBlock),
            // A connected UDP socket learns of an absent listener from ICMP: keep the socket.
            Err(e) if matches!(self.dest, Destination::Udp { .. }) && is_no_agent(&e) => Err(SendError::NoAgent(e)),
            Err(e) => {
                self.conn = None;
                Err(if is_no_agent(&e) { SendError::NoAgent(e) } else { SendError::Failed(e) })
            }
        }
    }

    /// Non-blocking send; on EAGAIN wait for room (poll) up to the write timeout, as
    /// datadog-go's UDS writer waits up to its write timeout: only the sender thread waits.
    fn send_datagram(&self, fd: RawFd, pkt: &[u8]) -> io::Result<()> {
        let deadline = Instant::now() + self.write_timeout;
        loop {
            match send_raw(fd, pkt) {
                Ok(_) => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() || !wait_writable(fd, left) {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn send_frame(&mut self, fd: RawFd, pkt: &[u8]) -> Result<(), SendError> {
        let len = match u32::try_from(pkt.len()) {
            Ok(l) => l.to_le_bytes(),
            Err(_) => return Err(SendError::Failed(io::Error::other("frame too large"))),
        };
        let mut frame = Vec::with_capacity(4 + pkt.len());
        frame.extend_from_slice(&len);
        frame.extend_from_slice(pkt);
        let mut off = 0;
        let deadline = Instant::now() + self.write_timeout * 2;
        while off < frame.len() {
            match send_raw(fd, &frame[off..]) {
                Ok(n) => off += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::TimedOut => {
                    if off == 0 {
                        return Err(SendError::WouldBlock);
                    }
                    if Instant::now() >= deadline {
                        // Half a frame is on the wire: the stream cannot be resynchronised.
                        self.conn = None;
                        return Err(SendError::Failed(io::Error::new(io::ErrorKind::TimedOut, "partial frame")));
                    }
                }
                Err(e) => {
                    self.conn = None;
                    return Err(if is_no_agent(&e) { SendError::NoAgent(e) } else { SendError::Failed(e) });
                }
            }
        }
        Ok(())
    }
}
