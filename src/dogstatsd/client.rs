//! [`DogStatsd`]: the DogStatsD client the stats sink writes through. Recording calls encode
//! under a short lock into the packer and hand completed packets to the sender thread through
//! a bounded channel with `try_send`: they never wait for the socket, and a full queue drops
//! the packet and counts it (`packets_dropped_queue`). Partially filled packets are sent by the
//! sender thread at least every `flush_interval` (100 ms), or at once by [`DogStatsd::flush`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{bounded, Sender as ChanSender, TrySendError};
use parking_lot::Mutex;

use super::config::Destination;
use super::encode::{self, Event, Line, MetricKind, ServiceCheck};
use super::packer::Packer;
use super::sender::{self, Msg, Settings, Shared};
use super::telemetry::{self, Snapshot};
use super::transport::Transport;
use std::sync::atomic::Ordering::Relaxed;

/// Options of a [`DogStatsd`] client.
#[derive(Clone, Debug)]
pub struct Options {
    pub destination: Destination,
    /// Maximum packet size; `None` = 1432 B (UDP) / 8192 B (Unix).
    pub max_packet: Option<usize>,
    /// Packets the sender queue holds before dropping (default 2048).
    pub queue_packets: usize,
    /// Partial packets are sent at least this often (default 100 ms).
    pub flush_interval: Duration,
    /// Client telemetry every `telemetry_interval` (default on, 10 s as the official clients).
    pub telemetry: bool,
    pub telemetry_interval: Duration,
    /// Joined, normalised global tags (added to the telemetry lines; the caller adds them to its
    /// contexts itself, once, when a context is created).
    pub global_tags: String,
    /// The `|c:` value (see [`super::origin::detect`]); empty = none.
    pub container_id: String,
    /// Bound on one stream write (Unix stream only; default 100 ms).
    pub write_timeout: Duration,
}

impl Options {
    pub fn new(destination: Destination) -> Options {
        Options {
            destination,
            max_packet: None,
            queue_packets: 2048,
            flush_interval: Duration::from_millis(100),
            telemetry: true,
            telemetry_interval: Duration::from_secs(10),
            global_tags: String::new(),
            container_id: String::new(),
            write_timeout: Duration::from_millis(100),
        }
    }
}

/// A DogStatsD client (thread-safe; share it by reference or `Arc`).
pub struct DogStatsd {
    shared: Arc<Shared>,
    tx: ChanSender<Msg>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    container_id: String,
    transport_name: &'static str,
}

impl DogStatsd {
    /// Start the client and its sender thread. The socket is opened on the first packet, so an
    /// absent Agent is not an error here (its packets are dropped and counted).
    pub fn start(opts: Options) -> std::io::Result<DogStatsd> {
        let max = opts.max_packet.unwrap_or_else(|| opts.destination.default_max_packet());
        let shared = Arc::new(Shared { packer: Mutex::new(Packer::new(max)), counters: Default::default() });
        let (tx, rx) = bounded(opts.queue_packets.max(1));
        let transport_name = opts.destination.transport_name();
        let settings = Settings {
            flush_interval: opts.flush_interval.max(Duration::from_millis(1)),
            telemetry_interval: opts.telemetry.then_some(opts.telemetry_interval.max(Duration::from_millis(1))),
            telemetry_tags: telemetry::base_tags(&opts.global_tags, transport_name),
        };
        let transport = Transport::new(opts.destination.clone(), opts.write_timeout);
        let thread = sender::spawn(shared.clone(), transport, settings, rx)?;
        Ok(DogStatsd { shared, tx, thread: Mutex::new(Some(thread)), container_id: opts.container_id, transport_name })
    }

    /// `udp`, `uds` or `uds-stream`.
    pub fn transport_name(&self) -> &'static str {
        self.transport_name
    }

    /// Maximum packet size in use.
    pub fn max_packet(&self) -> usize {
        self.shared.packer.lock().max()
    }

    /// Telemetry counters now.
    pub fn counters(&self) -> Snapshot {
        self.shared.counters.snapshot()
    }

    fn line<'a>(&'a self, rate: f64, tags: &'a str, timestamp: Option<i64>) -> Line<'a> {
        Line { rate, tags, container_id: &self.container_id, timestamp }
    }

    /// Hand completed packets to the sender; never blocks.
    fn dispatch(&self, pkts: Vec<Vec<u8>>) {
        for p in pkts {
            let len = p.len() as u64;
            match self.tx.try_send(Msg::Packet(p)) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                    self.shared.counters.packets_dropped_queue.fetch_add(1, Relaxed);
                    self.shared.counters.bytes_dropped_queue.fetch_add(len, Relaxed);
                }
            }
        }
    }

    fn with_packer(&self, f: impl FnOnce(&mut Packer)) {
        let pkts = {
            let mut p = self.shared.packer.lock();
            let (l0, b0) = (p.oversize_lines, p.oversize_bytes);
            f(&mut p);
            let c = &self.shared.counters;
            c.lines_dropped_oversize.fetch_add(p.oversize_lines - l0, Relaxed);
            c.bytes_dropped_oversize.fetch_add(p.oversize_bytes - b0, Relaxed);
            if p.ready_count() == 0 {
                return;
            }
            p.take_ready()
        };
        self.dispatch(pkts);
    }

    /// One value of a gauge, count, histogram, distribution or timing (NaN / infinite: dropped
    /// and counted). `name` is sanitised;
    /// `tags` must be joined and normalised ([`encode::join_tags`]). `timestamp` (gauges and
    /// counts only) sends protocol 1.3 `|T`.
    pub fn metric(&self, name: &str, kind: MetricKind, value: f64, rate: f64, tags: &str, timestamp: Option<i64>) {
        if !value.is_finite() {
            self.shared.counters.values_dropped_invalid.fetch_add(1, Relaxed);
            return;
        }
        let name = encode::sanitize_name(name);
        let l = self.line(rate, tags, timestamp);
        self.with_packer(|p| {
            p.push_with(|b| encode::push_metric(b, &name, kind, value, &l));
        });
        self.shared.counters.add_metrics(kind, 1);
    }

    /// Many values of one histogram, distribution or timing context, packed several per line.
    /// NaN and infinite values are dropped and counted (`values_dropped_invalid`).
    pub fn values(&self, name: &str, kind: MetricKind, values: &[f64], rate: f64, tags: &str) {
        let finite: Vec<f64>;
        let values = if values.iter().all(|v| v.is_finite()) {
            values
        } else {
            finite = values.iter().copied().filter(|v| v.is_finite()).collect();
            self.shared.counters.values_dropped_invalid.fetch_add((values.len() - finite.len()) as u64, Relaxed);
            &finite
        };
        if values.is_empty() {
            return;
        }
        let name = encode::sanitize_name(name);
        let l = self.line(rate, tags, None);
        if kind.packable() {
            self.with_packer(|p| {
                p.push_packed(&name, kind, values, &l);
            });
        } else {
            self.with_packer(|p| {
                for v in values {
                    p.push_with(|b| encode::push_metric(b, &name, kind, *v, &l));
                }
            });
        }
        self.shared.counters.add_metrics(kind, values.len() as u64);
    }

    /// One member of a set.
    pub fn set(&self, name: &str, member: &str, tags: &str) {
        let name = encode::sanitize_name(name);
        let l = self.line(1.0, tags, None);
        self.with_packer(|p| {
            p.push_with(|b| encode::push_set(b, &name, member, &l));
        });
        self.shared.counters.add_metrics(MetricKind::Set, 1);
    }

    pub fn event(&self, e: &Event) {
        self.with_packer(|p| {
            p.push_with(|b| encode::push_event(b, e, &self.container_id));
        });
        self.shared.counters.events.fetch_add(1, Relaxed);
    }

    pub fn service_check(&self, sc: &ServiceCheck) {
        self.with_packer(|p| {
            p.push_with(|b| encode::push_service_check(b, sc, &self.container_id));
        });
        self.shared.counters.service_checks.fetch_add(1, Relaxed);
    }

    /// Send everything recorded so far and wait until the sender has written it (or dropped
    /// and counted it). False when `timeout` passed first (what was queued is still sent).
    pub fn flush(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        self.with_packer(|p| p.flush());
        let (ack_tx, ack_rx) = bounded(1);
        if self.tx.send_deadline(Msg::Flush(ack_tx), deadline).is_err() {
            return false;
        }
        ack_rx.recv_deadline(deadline).is_ok()
    }

    /// Flush, stop the sender thread and join it (bounded by `timeout`; a thread still
    /// writing after it is detached). Later calls record nothing (packets dropped, counted).
    pub fn close(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        self.with_packer(|p| p.flush());
        let Some(handle) = self.thread.lock().take() else {
            return true;
        };
        let (ack_tx, ack_rx) = bounded(1);
        let ok = self.tx.send_deadline(Msg::Stop(ack_tx), deadline).is_ok() && ack_rx.recv_deadline(deadline).is_ok();
        if ok {
            let _ = handle.join();
        }
        ok
    }
}

impl Drop for DogStatsd {
    fn drop(&mut self) {
        self.close(Duration::from_secs(1));
    }
}
