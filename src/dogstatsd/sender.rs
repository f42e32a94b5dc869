//! The sender thread: takes packets from a bounded channel and writes them to the Agent
//! through a [`Transport`]; every `flush_interval` (100 ms by default) it also closes the
//! client's partially filled packet, so buffered values never wait longer; every
//! `telemetry_interval` it emits the client telemetry. Drops are counted by cause; after a
//! lost connection the failed packet is retried once on a fresh connection (the Agent
//! restarted and re-created its socket), and dropped only if that fails too.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender as ChanSender};
use parking_lot::Mutex;

use super::packer::Packer;
use super::telemetry::{self, Counters, Snapshot};
use super::transport::{SendError, Transport};

/// What the client asks of the sender thread.
pub enum Msg {
    Packet(Vec<u8>),
    /// Every message queued before this one has been written (or dropped) when it is acked.
    Flush(ChanSender<()>),
    /// Write what is pending, ack, and exit.
    Stop(ChanSender<()>),
}

/// State shared by the client and its sender thread.
pub struct Shared {
    pub packer: Mutex<Packer>,
    pub counters: Counters,
}

/// Settings of the thread.
pub struct Settings {
    pub flush_interval: Duration,
    /// `None` = no telemetry.
    pub telemetry_interval: Option<Duration>,
    /// Tags for the telemetry lines ([`telemetry::base_tags`]).
    pub telemetry_tags: String,
}

struct Worker {
    shared: Arc<Shared>,
    transport: Transport,
    settings: Settings,
    last_telemetry: Snapshot,
}

impl Worker {
    fn write(&mut self, pkt: &[u8]) {
        let c = &self.shared.counters;
        let was_connected = self.transport.is_connected();
        let mut r = self.transport.send(pkt);
        if let Err(SendError::NoAgent(_) | SendError::Failed(_)) = &r {
            if was_connected && !self.transport.is_connected() {
                // The connection broke (Agent restarted?): one retry on a new connection.
                r = self.transport.send(pkt);
            }
        }
        c.connects.store(self.transport.connects(), Relaxed);
        match r {
            Ok(()) => {
                c.packets_sent.fetch_add(1, Relaxed);
                c.bytes_sent.fetch_add(pkt.len() as u64, Relaxed);
            }
            Err(e) => {
                c.packets_dropped_writer.fetch_add(1, Relaxed);
                c.bytes_dropped_writer.fetch_add(pkt.len() as u64, Relaxed);
                match e {
                    SendError::WouldBlock => c.packets_dropped_would_block.fetch_add(1, Relaxed),
                    SendError::NoAgent(_) => c.packets_dropped_no_agent.fetch_add(1, Relaxed),
                    SendError::Failed(_) => 0,
                };
            }
        }
    }

    /// Close the client's partial packet and write every completed one.
    fn drain_packer(&mut self) {
        let pkts = {
            let mut p = self.shared.packer.lock();
            p.flush();
            p.take_ready()
        };
        for p in pkts {
            self.write(&p);
        }
    }

    fn send_telemetry(&mut self) {
        let now = self.shared.counters.snapshot();
        let lines = telemetry::lines(&self.last_telemetry, &now, &self.settings.telemetry_tags);
        self.last_telemetry = now;
        let max = self.shared.packer.lock().max();
        let mut p = Packer::new(max);
        for l in &lines {
            p.push_line(l.as_bytes());
        }
        p.flush();
        for pkt in p.take_ready() {
            self.write(&pkt);
        }
    }

    fn run(mut self, rx: Receiver<Msg>) {
        let mut next_flush = Instant::now() + self.settings.flush_interval;
        let mut next_telemetry = self.settings.telemetry_interval.map(|d| Instant::now() + d);
        loop {
            let wake = next_telemetry.map_or(next_flush, |t| t.min(next_flush));
            let msg = rx.recv_timeout(wake.saturating_duration_since(Instant::now()));
            match msg {
                Ok(Msg::Packet(p)) => self.write(&p),
                Ok(Msg::Flush(ack)) => {
                    self.drain_packer();
                    let _ = ack.send(());
                }
                Ok(Msg::Stop(ack)) => {
                    self.drain_packer();
                    let _ = ack.send(());
                    return;
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    self.drain_packer();
                    return;
                }
            }
            let now = Instant::now();
            if now >= next_flush {
                self.drain_packer();
                next_flush = now + self.settings.flush_interval;
            }
            if let (Some(t), Some(d)) = (next_telemetry, self.settings.telemetry_interval) {
                if now >= t {
                    self.send_telemetry();
                    next_telemetry = Some(now + d);
                }
            }
        }
    }
}

/// Start the sender thread.
pub fn spawn(
    shared: Arc<Shared>,
    transport: Transport,
    settings: Settings,
    rx: Receiver<Msg>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    let w = Worker { shared, transport, settings, last_telemetry: Snapshot::default() };
    std::thread::Builder::new().name("dogapi-dogstatsd".into()).spawn(move || w.run(rx))
}
