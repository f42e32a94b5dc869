//! Sends each request in one write.
//!
//! ureq transmits the request head and the body separately, so a small POST leaves as two
//! TCP segments and the server is woken twice. This transport collects what ureq transmits
//! and writes it when ureq starts waiting for the answer (or when a large body has piled up),
//! so a typical API call is one segment, as curl or wrk send it.

use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};

/// Pending bytes above this are written at once (large bodies stream in pieces of this size).
const FLUSH_AT: usize = 64 * 1024;

/// Wraps the connection made by the connectors before it.
#[derive(Debug, Default)]
pub struct CorkConnector;

impl<In: Transport> Connector<In> for CorkConnector {
    type Out = Corked<In>;

    fn connect(&self, _details: &ConnectionDetails, chained: Option<In>) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|inner| Corked { inner, pending: Vec::new() }))
    }
}

#[derive(Debug)]
pub struct Corked<T> {
    inner: T,
    pending: Vec<u8>,
}

impl<T: Transport> Corked<T> {
    fn flush(&mut self, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let mut sent = 0;
        while sent < self.pending.len() {
            let out = self.inner.buffers().output();
            let n = out.len().min(self.pending.len() - sent);
            out[..n].copy_from_slice(&self.pending[sent..sent + n]);
            self.inner.transmit_output(n, timeout)?;
            sent += n;
        }
        self.pending.clear();
        Ok(())
    }
}

impl<T: Transport> Transport for Corked<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let chunk = &self.inner.buffers().output()[..amount];
        self.pending.extend_from_slice(chunk);
        if self.pending.len() >= FLUSH_AT {
            self.flush(timeout)?;
        }
        Ok(())
    }

    fn maybe_await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        if !self.pending.is_empty() {
            self.flush(timeout)?;
        }
        if self.inner.buffers().can_use_input() {
            return Ok(true);
        }
        self.inner.await_input(timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        if !self.pending.is_empty() {
            self.flush(timeout)?;
        }
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}
