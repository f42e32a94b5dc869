//! The `Intake`: accept loop, one thread per connection, recording and fault injection.

use std::collections::HashMap;
use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::control;
use crate::http::{self, ReadErr, Req, Resp};
use crate::query::parse_query;
use crate::responder;
use crate::spec::{self, Spec};
use crate::state::State;
use crate::{Contract, Fault, IntakeOptions, Recorded};

struct Inner {
    state: Mutex<State>,
    /// Signalled when a request is recorded and on shutdown.
    cv: Condvar,
    shutdown: AtomicBool,
    spec: Option<Arc<Spec>>,
    conns: Mutex<HashMap<u64, TcpStream>>,
    handles: Mutex<Vec<JoinHandle<()>>>,
    next_conn: AtomicU64,
    /// What the DogStatsD listeners started through this intake received.
    pub(crate) dsd: Arc<crate::dogstatsd::Store>,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn clear(&self, requests: bool) {
        self.lock().clear(requests);
    }

    /// Sleep `d` unless the intake shuts down first. Returns false on shutdown.
    fn pause(&self, d: Option<Duration>) -> bool {
        let deadline = d.map(|d| Instant::now() + d);
        let mut g = self.lock();
        loop {
            if self.shutdown.load(Ordering::SeqCst) {
                return false;
            }
            match deadline {
                None => g = self.cv.wait(g).unwrap_or_else(|e| e.into_inner()),
                Some(dl) => {
                    let now = Instant::now();
                    if now >= dl {
                        return true;
                    }
                    g = self
                        .cv
                        .wait_timeout(g, dl - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
            }
        }
    }
}

/// A running fake Datadog intake on 127.0.0.1. Dropping it stops the server, closes every
/// connection (including hung ones) and joins its threads.
pub struct Intake {
    inner: Arc<Inner>,
    addr: SocketAddr,
    accept: Option<JoinHandle<()>>,
}

enum Action {
    Respond(Resp),
    /// A hostile answer written straight to the socket (see `hostile`), then close.
    Stream(Fault),
    Reset,
    Hang,
}

impl Intake {
    /// Start on a free port with the automatically located spec. Panics if it cannot bind.
    pub fn start() -> Intake {
        Intake::start_with(IntakeOptions::default())
    }

    /// Start with options. Panics if it cannot bind. The spec is loaded (once per process)
    /// before this returns, so the first request is not slowed down by parsing it.
    pub fn start_with(opts: IntakeOptions) -> Intake {
        let listener = TcpListener::bind(("127.0.0.1", opts.port))
            .unwrap_or_else(|e| panic!("dog-intake: cannot bind 127.0.0.1:{}: {e}", opts.port));
        let addr = listener.local_addr().expect("local_addr");
        let inner = Arc::new(Inner {
            state: Mutex::new(State::default()),
            cv: Condvar::new(),
            shutdown: AtomicBool::new(false),
            spec: spec::load(opts.spec_path.as_deref()),
            conns: Mutex::new(HashMap::new()),
            handles: Mutex::new(Vec::new()),
            next_conn: AtomicU64::new(0),
            dsd: Arc::new(crate::dogstatsd::Store::default()),
        });
        let acc_inner = inner.clone();
        let accept = std::thread::Builder::new()
            .name("dog-intake-accept".into())
            .spawn(move || accept_loop(acc_inner, listener))
            .expect("spawn accept thread");
        Intake {
            inner,
            addr,
            accept: Some(accept),
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Start a DogStatsD listener whose packets are aggregated into this intake's DogStatsD
    /// store (served at `GET …/_intake/dogstatsd`). `path` is required for Unix listeners.
    pub fn start_dogstatsd(
        &self,
        kind: crate::dogstatsd::ListenKind,
        path: Option<&std::path::Path>,
    ) -> std::io::Result<crate::dogstatsd::Listener> {
        crate::dogstatsd::Listener::start(kind, 0, path, self.inner.dsd.clone())
    }

    /// The DogStatsD store of this intake (shared with its listeners).
    pub fn dogstatsd_store(&self) -> Arc<crate::dogstatsd::Store> {
        self.inner.dsd.clone()
    }

    /// What the DogStatsD listeners of this intake received so far.
    pub fn dogstatsd(&self) -> crate::dogstatsd::Totals {
        self.inner.dsd.totals()
    }

    /// Snapshot of the recorded requests, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.lock().requests.clone()
    }

    /// Drain the recorded requests.
    pub fn take_requests(&self) -> Vec<Recorded> {
        let mut s = self.inner.lock();
        s.seqs.clear();
        s.statuses.clear();
        std::mem::take(&mut s.requests)
    }

    /// Recorded requests with the status the intake answered (`None`: connection reset, hung,
    /// or not answered yet). Used by `dog-intake run` for its summary.
    pub fn requests_with_status(&self) -> Vec<(Recorded, Option<u16>)> {
        let s = self.inner.lock();
        s.requests
            .iter()
            .zip(&s.seqs)
            .map(|(r, q)| (r.clone(), s.statuses.get(q).copied()))
            .collect()
    }

    /// Every point of the distribution series accepted (2xx) and valid against the spec, in
    /// arrival order.
    pub fn distribution_points(&self) -> Vec<crate::DistributionPoint> {
        crate::points::accepted(&self.requests_with_status())
    }

    /// The values of [`distribution_points`](Self::distribution_points) per context
    /// (`metric` or `metric|#sorted,tags`, as [`Totals::distributions`]), timestamps and hosts
    /// together, sorted: compare with what the same calls sent over DogStatsD.
    ///
    /// [`Totals::distributions`]: crate::dogstatsd::Totals
    pub fn distribution_values(&self) -> std::collections::BTreeMap<String, Vec<f64>> {
        crate::points::values_by_context(&self.distribution_points())
    }

    /// Block until at least `n` requests are recorded or `timeout` passes; return a snapshot.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Recorded> {
        let deadline = Instant::now() + timeout;
        let mut g = self.inner.lock();
        while g.requests.len() < n {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            g = self
                .inner
                .cv
                .wait_timeout(g, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        g.requests.clone()
    }

    /// Forget recorded requests and faults (queued and sticky). Canned responses and stored
    /// objects are kept.
    pub fn clear(&self) {
        self.inner.clear(true);
    }

    /// Queue a fault for exactly one next (non-control) request. FIFO.
    pub fn push_fault(&self, f: Fault) {
        self.inner.lock().faults.push_back(f);
    }

    /// Sticky fault for every request until `set_fault(None)`; queued faults go first.
    pub fn set_fault(&self, f: Option<Fault>) {
        self.inner.lock().sticky = f;
    }

    /// Canned answer for an exact method + path (no query); wins over every built-in answer.
    pub fn set_response(&self, method: &str, path: &str, status: u16, body: &str) {
        self.inner.lock().overrides.insert(
            (method.to_ascii_uppercase(), path.to_string()),
            (status, body.to_string()),
        );
    }
}

impl Drop for Intake {
    fn drop(&mut self) {
        self.inner.shutdown.store(true, Ordering::SeqCst);
        {
            let _g = self.inner.lock();
            self.inner.cv.notify_all();
        }
        // Wake the blocking accept().
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
        for s in self
            .inner
            .conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
        {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        let handles =
            std::mem::take(&mut *self.inner.handles.lock().unwrap_or_else(|e| e.into_inner()));
        for h in handles {
            let _ = h.join();
        }
    }
}

fn accept_loop(inner: Arc<Inner>, listener: TcpListener) {
    for stream in listener.incoming() {
        if inner.shutdown.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let _ = stream.set_nodelay(true);
        let id = inner.next_conn.fetch_add(1, Ordering::SeqCst);
        if let Ok(clone) = stream.try_clone() {
            inner
                .conns
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id, clone);
        }
        let ci = inner.clone();
        let h = std::thread::Builder::new()
            .name("dog-intake-conn".into())
            .spawn(move || connection(ci, id, stream));
        let mut hs = inner.handles.lock().unwrap_or_else(|e| e.into_inner());
        hs.retain(|h| !h.is_finished());
        if let Ok(h) = h {
            hs.push(h);
        }
    }
}

fn connection(inner: Arc<Inner>, id: u64, mut stream: TcpStream) {
    let forget = |inner: &Inner| {
        inner
            .conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    };
    let mut buf = Vec::new();
    loop {
        if inner.shutdown.load(Ordering::SeqCst) {
            break;
        }
        let req = match http::read_request(&mut stream, &mut buf) {
            Ok(r) => r,
            Err(ReadErr::Closed) => break,
            Err(ReadErr::Bad(msg)) => {
                let _ = http::write_response(&mut stream, &Resp::errors(400, &msg), false, true);
                break;
            }
        };
        let keep_alive = req.keep_alive;
        let head = req.method == "HEAD";
        let (action, seq) = handle(&inner, req);
        if let (Action::Respond(resp), Some(seq)) = (&action, seq) {
            inner.lock().statuses.insert(seq, resp.status);
        }
        match action {
            Action::Respond(resp) => {
                if http::write_response(&mut stream, &resp, head, !keep_alive).is_err()
                    || !keep_alive
                {
                    break;
                }
            }
            Action::Reset => {
                forget(&inner); // the registry's clone would keep the socket open
                http::reset(stream);
                return;
            }
            Action::Hang => {
                inner.pause(None);
                break;
            }
            Action::Stream(f) => {
                let _ = crate::hostile::serve(&mut stream, &f, &|d| inner.pause(Some(d)));
                break;
            }
        }
    }
    forget(&inner);
}

fn decode_body(encoding: Option<&str>, raw: &[u8]) -> Result<Vec<u8>, String> {
    let enc = encoding
        .map(|e| e.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let mut out = Vec::new();
    match enc.as_str() {
        "" | "identity" => return Ok(raw.to_vec()),
        "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(raw)
            .read_to_end(&mut out)
            .map_err(|e| format!("cannot decode gzip body: {e}"))?,
        "deflate" => {
            // RFC 9110 "deflate" is zlib; some clients send raw deflate.
            if flate2::read::ZlibDecoder::new(raw)
                .read_to_end(&mut out)
                .is_err()
            {
                out.clear();
                flate2::read::DeflateDecoder::new(raw)
                    .read_to_end(&mut out)
                    .map_err(|e| format!("cannot decode deflate body: {e}"))?;
            }
            0
        }
        other => return Err(format!("unsupported Content-Encoding {other:?}")),
    };
    Ok(out)
}

/// Adds the header parameters the spec restricts (`Content-Encoding` enums) to a contract.
fn with_header_errors(spec: Option<&Spec>, req: &Req, c: Contract) -> Contract {
    let Some(spec) = spec else { return c };
    let errs = spec.header_errors(&req.method, &req.path, &req.headers);
    if errs.is_empty() {
        return c;
    }
    match c {
        Contract::Valid | Contract::NoBody => Contract::Invalid(errs),
        Contract::Invalid(mut e) => {
            e.extend(errs);
            Contract::Invalid(e)
        }
        other => other,
    }
}

fn contract_of(
    spec: Option<&Spec>,
    req: &Req,
    query: &[(String, String)],
    body: &[u8],
) -> Contract {
    let Some(spec) = spec else {
        return Contract::NoSpec;
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return spec.validate(&req.method, &req.path, Some(query), None);
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(v) => spec.validate(&req.method, &req.path, Some(query), Some(&v)),
        Err(e) => match spec.validate(&req.method, &req.path, Some(query), None) {
            Contract::NotInSpec => Contract::NotInSpec,
            c => {
                let mut errs = vec![format!("/: body is not valid JSON: {e}")];
                errs.extend(c.errors().iter().filter(|m| m.starts_with('?')).cloned());
                Contract::Invalid(errs)
            }
        },
    }
}

fn handle(inner: &Inner, req: Req) -> (Action, Option<u64>) {
    if control::is_control(&req.path) {
        return (
            Action::Respond(control::handle(&mut inner.lock(), &inner.dsd, &req)),
            None,
        );
    }
    let (fault, seq, d) = record(inner, &req);
    (answer(inner, &req, fault, d), Some(seq))
}

/// The request's decoded query and body (`decode_error` when Content-Encoding failed).
struct Decoded {
    query: Vec<(String, String)>,
    body: Vec<u8>,
    decode_error: Option<String>,
}

fn record(inner: &Inner, req: &Req) -> (Option<Fault>, u64, Decoded) {
    let query = parse_query(&req.raw_query);
    let content_encoding = req.header("content-encoding").map(str::to_string);
    let decoded = decode_body(content_encoding.as_deref(), &req.body);
    let (body, decode_error) = match decoded {
        Ok(b) => (b, None),
        Err(e) => (req.body.clone(), Some(e)),
    };
    let contract = match &decode_error {
        Some(e) => Contract::Invalid(vec![format!("/: {e}")]),
        None => contract_of(inner.spec.as_deref(), req, &query, &body),
    };
    let contract = with_header_errors(inner.spec.as_deref(), req, contract);
    let (fault, seq) = {
        let mut s = inner.lock();
        let f = s.faults.pop_front().or_else(|| s.sticky.clone());
        let seq = s.next_seq;
        s.next_seq += 1;
        s.seqs.push(seq);
        s.requests.push(Recorded {
            method: req.method.clone(),
            path: req.path.clone(),
            raw_query: req.raw_query.clone(),
            query: query.clone(),
            headers: req.headers.clone(),
            body: body.clone(),
            content_encoding,
            raw_body_len: req.body.len(),
            contract,
            fault: f.clone(),
        });
        inner.cv.notify_all();
        (f, seq)
    };
    (
        fault,
        seq,
        Decoded {
            query,
            body,
            decode_error,
        },
    )
}

fn answer(inner: &Inner, req: &Req, fault: Option<Fault>, d: Decoded) -> Action {
    match fault {
        Some(Fault::Status { code, body }) => return Action::Respond(Resp::raw_json(code, body)),
        Some(Fault::RateLimited { retry_after, reset }) => {
            let mut r = Resp::errors(429, "Rate limit exceeded")
                .header("X-RateLimit-Limit", "100")
                .header("X-RateLimit-Period", "60")
                .header("X-RateLimit-Remaining", "0")
                .header("X-RateLimit-Name", "dog-intake");
            if let Some(v) = retry_after {
                r = r.header("Retry-After", &v);
            }
            if let Some(v) = reset {
                r = r.header("X-RateLimit-Reset", &v);
            }
            return Action::Respond(r);
        }
        Some(Fault::Slow(delay)) if !inner.pause(Some(delay)) => return Action::Reset,
        Some(Fault::Reset) | Some(Fault::Down) => return Action::Reset,
        Some(Fault::Hang) => return Action::Hang,
        Some(Fault::EchoHeaders { code }) => {
            return Action::Respond(Resp::raw_json(code, crate::hostile::echo_body(req)))
        }
        Some(f) if crate::hostile::is_hostile(&f) => return Action::Stream(f),
        Some(_) | None => {}
    }
    let mut s = inner.lock();
    if let Some((code, body)) = s
        .overrides
        .get(&(req.method.to_ascii_uppercase(), req.path.clone()))
    {
        let resp = if body.is_empty() {
            Resp::empty(*code)
        } else {
            Resp::raw_json(*code, body.clone())
        };
        return Action::Respond(resp);
    }
    if let Some(e) = d.decode_error {
        return Action::Respond(Resp::errors(400, &e));
    }
    Action::Respond(responder::respond(&mut s.store, req, &d.query, &d.body))
}
