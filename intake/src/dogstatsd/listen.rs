//! DogStatsD listeners like the Agent's: UDP on 127.0.0.1, Unix datagram, Unix stream (each
//! payload preceded by its 4-byte little-endian length). Every packet goes to the shared
//! [`Store`]. Faults for tests: a per-packet delay (a slow Agent), and stop / start again on
//! the same address (an Agent restart: the socket file is removed and re-created).

use std::io::{self, Read};
use std::net::UdpSocket;
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::store::Store;

/// Socket type of a listener.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListenKind {
    Udp,
    UnixDatagram,
    UnixStream,
}

impl ListenKind {
    /// `udp`, `unixgram` or `unixstream` (also the URL scheme).
    pub fn name(self) -> &'static str {
        match self {
            ListenKind::Udp => "udp",
            ListenKind::UnixDatagram => "unixgram",
            ListenKind::UnixStream => "unixstream",
        }
    }
    pub fn parse(s: &str) -> Option<ListenKind> {
        match s {
            "udp" => Some(ListenKind::Udp),
            "unixgram" | "uds" | "unix" => Some(ListenKind::UnixDatagram),
            "unixstream" | "uds-stream" => Some(ListenKind::UnixStream),
            _ => None,
        }
    }
}

fn set_rcvbuf(fd: std::os::fd::RawFd, bytes: libc::c_int) {
    for opt in [libc::SO_RCVBUFFORCE, libc::SO_RCVBUF] {
        // SAFETY: fd is a live socket; the option value is a c_int of the given size.
        let rc = unsafe {
            libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                opt,
                (&bytes as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if rc == 0 {
            return;
        }
    }
}

const POLL: Duration = Duration::from_millis(20);
const MAX_DATAGRAM: usize = 65536;

struct Ctl {
    stop: AtomicBool,
    delay_us: AtomicU64,
    store: Arc<Store>,
    conns: Mutex<Vec<UnixStream>>,
}

impl Ctl {
    fn deliver(&self, pkt: &[u8]) {
        let d = self.delay_us.load(Ordering::Relaxed);
        if d > 0 {
            std::thread::sleep(Duration::from_micros(d));
        }
        self.store.add_packet(pkt);
    }
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// A running listener; dropping it stops it (and removes its socket file).
pub struct Listener {
    kind: ListenKind,
    url: String,
    port: u16,
    path: Option<PathBuf>,
    ctl: Arc<Ctl>,
    threads: Vec<JoinHandle<()>>,
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// Read exactly `buf.len()` bytes unless the listener stops or the peer closes (false).
fn read_full(s: &mut UnixStream, buf: &mut [u8], ctl: &Ctl) -> bool {
    let mut off = 0;
    while off < buf.len() {
        match s.read(&mut buf[off..]) {
            Ok(0) => return false,
            Ok(n) => off += n,
            Err(e) if is_timeout(&e) => {
                if ctl.stopped() {
                    return false;
                }
            }
            Err(_) => return false,
        }
    }
    true
}

fn serve_stream(mut s: UnixStream, ctl: Arc<Ctl>) {
    let _ = s.set_read_timeout(Some(POLL));
    let mut len = [0u8; 4];
    let mut buf = Vec::new();
    while read_full(&mut s, &mut len, &ctl) {
        let n = u32::from_le_bytes(len) as usize;
        if n > 16 * 1024 * 1024 {
            ctl.store
                .add_packet(format!("bad frame length {n}").as_bytes());
            return;
        }
        buf.resize(n, 0);
        if !read_full(&mut s, &mut buf, &ctl) {
            return;
        }
        ctl.deliver(&buf);
    }
}

impl Listener {
    /// Start a listener feeding `store`. `udp_port` (UDP only, 0 = any) or `path` (Unix; an
    /// existing file there is removed first).
    pub fn start(
        kind: ListenKind,
        udp_port: u16,
        path: Option<&Path>,
        store: Arc<Store>,
    ) -> io::Result<Listener> {
        let ctl = Arc::new(Ctl {
            stop: AtomicBool::new(false),
            delay_us: AtomicU64::new(0),
            store,
            conns: Mutex::new(Vec::new()),
        });
        let mut threads = Vec::new();
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new().name(name.into()).spawn(f)
        };
        let (url, port, path) = match kind {
            ListenKind::Udp => {
                let sock = UdpSocket::bind(("127.0.0.1", udp_port))?;
                sock.set_read_timeout(Some(POLL))?;
                // UDP cannot push back: a deep receive buffer (as the Agent's
                // dogstatsd_so_rcvbuf) so a burst from a test is not lost in the kernel.
                set_rcvbuf(sock.as_raw_fd(), 8 << 20);
                let port = sock.local_addr()?.port();
                let c = ctl.clone();
                threads.push(spawn(
                    "dog-intake-dsd-udp",
                    Box::new(move || {
                        let mut buf = vec![0u8; MAX_DATAGRAM];
                        while !c.stopped() {
                            match sock.recv(&mut buf) {
                                Ok(n) => c.deliver(&buf[..n]),
                                Err(e) if is_timeout(&e) => {}
                                Err(_) => {}
                            }
                        }
                    }),
                )?);
                (format!("udp://127.0.0.1:{port}"), port, None)
            }
            ListenKind::UnixDatagram | ListenKind::UnixStream => {
                let path = path.ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidInput, "a Unix listener needs a path")
                })?;
                let _ = std::fs::remove_file(path);
                if kind == ListenKind::UnixDatagram {
                    let sock = UnixDatagram::bind(path)?;
                    sock.set_read_timeout(Some(POLL))?;
                    let c = ctl.clone();
                    threads.push(spawn(
                        "dog-intake-dsd-unixgram",
                        Box::new(move || {
                            let mut buf = vec![0u8; MAX_DATAGRAM];
                            while !c.stopped() {
                                match sock.recv(&mut buf) {
                                    Ok(n) => c.deliver(&buf[..n]),
                                    Err(e) if is_timeout(&e) => {}
                                    Err(_) => {}
                                }
                            }
                        }),
                    )?);
                } else {
                    let l = UnixListener::bind(path)?;
                    l.set_nonblocking(true)?;
                    let c = ctl.clone();
                    threads.push(spawn(
                        "dog-intake-dsd-unixstream",
                        Box::new(move || {
                            let mut conns = Vec::new();
                            while !c.stopped() {
                                match l.accept() {
                                    Ok((s, _)) => {
                                        let _ = s.set_nonblocking(false);
                                        if let Ok(s2) = s.try_clone() {
                                            c.conns
                                                .lock()
                                                .unwrap_or_else(|e| e.into_inner())
                                                .push(s2);
                                        }
                                        let c2 = c.clone();
                                        if let Ok(h) = std::thread::Builder::new()
                                            .name("dog-intake-dsd-conn".into())
                                            .spawn(move || serve_stream(s, c2))
                                        {
                                            conns.push(h);
                                        }
                                    }
                                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                                }
                            }
                            for h in conns {
                                let _ = h.join();
                            }
                        }),
                    )?);
                }
                (
                    format!("{}://{}", kind.name(), path.display()),
                    0,
                    Some(path.to_path_buf()),
                )
            }
        };
        ctl.store.register(url.clone());
        Ok(Listener {
            kind,
            url,
            port,
            path,
            ctl,
            threads,
        })
    }

    pub fn kind(&self) -> ListenKind {
        self.kind
    }

    /// `udp://127.0.0.1:PORT`, `unixgram:///path` or `unixstream:///path` (a `DD_DOGSTATSD_URL`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// UDP port (0 for Unix listeners).
    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Sleep this long before handling each packet (a slow Agent); zero = no delay.
    pub fn set_delay(&self, d: Duration) {
        self.ctl
            .delay_us
            .store(d.as_micros() as u64, Ordering::Relaxed);
    }

    /// Stop: close the socket and every stream connection, remove the socket file, join.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.ctl.stop.store(true, Ordering::SeqCst);
        for c in self
            .ctl
            .conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            let _ = c.shutdown(std::net::Shutdown::Both);
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        if let Some(p) = &self.path {
            let _ = std::fs::remove_file(p);
        }
        self.ctl.store.unregister(&self.url);
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.shutdown();
    }
}
