//! Row (f): `dog_stats_flush` of many counter contexts, each round on a fresh instance, against
//! a port where nothing listens (extract, JSON, split, gzip, enqueue, one refused connect) and
//! against a local discard server (the same plus sending every payload over loopback HTTP).

use crate::ours::{Ours, Setup};
use dogapi::ffi::stats::*;
use dogapi::ffi::status::{dog_status_str, dog_status_t};
use std::ffi::{CStr, CString};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Requests and body bytes the discard server received, since the start.
pub static REQUESTS: AtomicU64 = AtomicU64::new(0);
pub static BODY_BYTES: AtomicU64 = AtomicU64::new(0);

/// An HTTP/1.1 server on 127.0.0.1 that reads each request (Content-Length or chunked body),
/// throws it away and answers `202 {"status":"ok"}`, keeping the connection alive. Its
/// threads live until the process exits. Returns its base URL.
pub fn discard_server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind discard server");
    let url = format!("http://{}", l.local_addr().expect("local addr"));
    std::thread::spawn(move || {
        for c in l.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = serve(c);
            });
        }
    });
    url
}

fn serve(c: TcpStream) -> std::io::Result<()> {
    let mut w = c.try_clone()?;
    let mut r = BufReader::new(c);
    let mut line = String::new();
    loop {
        let (mut len, mut chunked) = (0usize, false);
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        loop {
            line.clear();
            if r.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let h = line.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                } else if k.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked") {
                    chunked = true;
                }
            }
        }
        let mut body_len = 0;
        if chunked {
            loop {
                line.clear();
                r.read_line(&mut line)?;
                let n = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16).unwrap_or(0);
                body_len += std::io::copy(&mut (&mut r).take(n as u64 + 2), &mut std::io::sink())?.saturating_sub(2);
                if n == 0 {
                    break;
                }
            }
        } else {
            body_len = std::io::copy(&mut (&mut r).take(len as u64), &mut std::io::sink())?;
        }
        REQUESTS.fetch_add(1, Ordering::Relaxed);
        BODY_BYTES.fetch_add(body_len, Ordering::Relaxed);
        let body = r#"{"status":"ok"}"#;
        write!(
            w,
            "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )?;
    }
}

/// A UDP socket on 127.0.0.1 that receives and drops every datagram, counting them (its
/// thread lives until the process exits). Returns its `udp://` URL.
pub fn discard_udp() -> String {
    let s = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind udp");
    let url = format!("udp://{}", s.local_addr().expect("local addr"));
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 65536];
        while let Ok(n) = s.recv(&mut buf) {
            DATAGRAMS.fetch_add(1, Ordering::Relaxed);
            DATAGRAM_BYTES.fetch_add(n as u64, Ordering::Relaxed);
        }
    });
    url
}

/// Datagrams and their bytes the UDP discard socket received, since the start.
pub static DATAGRAMS: AtomicU64 = AtomicU64::new(0);
pub static DATAGRAM_BYTES: AtomicU64 = AtomicU64::new(0);

/// One round: a fresh instance, `contexts` counters with 2 tags in one old bucket, then the
/// timed `dog_stats_flush` (with the DogStatsD sink when `dogstatsd` is set: it returns once
/// the sender thread has written every packet). Returns (milliseconds, status name).
pub fn round(api_host: &str, dogstatsd: Option<&str>, contexts: usize) -> (f64, String) {
    let ours = Ours::start(&Setup { api_host, roll_up: 86_400.0, flush_in_thread: false, dogstatsd });
    let tags = c"a:1,b:2";
    for i in 0..contexts {
        let name = CString::new(format!("bench.ctx.{i:06}")).expect("name");
        // SAFETY: live handle, C strings.
        unsafe { dog_stats_increment_full(ours.0, name.as_ptr(), 1.0, tags.as_ptr(), 1000.0, 1.0, std::ptr::null()) };
    }
    let t0 = Instant::now();
    // SAFETY: live handle. Timestamp 3 days after the points: their bucket is sent.
    let st: dog_status_t = unsafe { dog_stats_flush(ours.0, 86_400.0 * 3.0) };
    let ms = t0.elapsed().as_secs_f64() * 1e3;
    // SAFETY: dog_status_str returns a static NUL-terminated string.
    let name = unsafe { CStr::from_ptr(dog_status_str(st)) }.to_string_lossy().into_owned();
    (ms, name)
}
