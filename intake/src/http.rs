//! Minimal HTTP/1.1 server side over a raw `TcpStream`: request parsing (httparse), fixed-length
//! and chunked bodies, `Expect: 100-continue`, keep-alive, and response writing.
//!
//! A hand-written loop instead of a server crate because the faults need the raw socket: `Reset`
//! must close with RST (SO_LINGER 0) without any answer, and `Hang` must keep a connection open
//! with no answer; a server crate answers 500 itself when a request is dropped unanswered.

use std::io::{Read, Write};
use std::net::TcpStream;

const MAX_HEAD: usize = 1 << 20;
const MAX_BODY: usize = 256 << 20;

pub(crate) struct Req {
    pub method: String,
    pub path: String,
    pub raw_query: String,
    pub headers: Vec<(String, String)>,
    /// Body as received (still content-encoded).
    pub body: Vec<u8>,
    pub keep_alive: bool,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

pub(crate) enum ReadErr {
    /// Peer closed the connection between requests (or a read failed): just stop.
    Closed,
    /// Malformed request: answer 400 and close.
    Bad(String),
}

pub(crate) struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(status: u16, v: &serde_json::Value) -> Resp {
        Resp::raw_json(status, v.to_string())
    }
    pub fn raw_json(status: u16, body: impl Into<Vec<u8>>) -> Resp {
        Resp { status, headers: vec![("Content-Type".into(), "application/json".into())], body: body.into() }
    }
    pub fn empty(status: u16) -> Resp {
        Resp { status, headers: Vec::new(), body: Vec::new() }
    }
    pub fn errors(status: u16, msg: &str) -> Resp {
        Resp::json(status, &serde_json::json!({ "errors": [msg] }))
    }
    pub fn header(mut self, k: &str, v: &str) -> Resp {
        self.headers.push((k.into(), v.into()));
        self
    }
}

/// Read more bytes into `buf`; Err(Closed) at EOF or on error.
fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<(), ReadErr> {
    let mut chunk = [0u8; 16 * 1024];
    match stream.read(&mut chunk) {
        Ok(0) | Err(_) => Err(ReadErr::Closed),
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            Ok(())
        }
    }
}

fn find_crlf(buf: &[u8], from: usize) -> Option<usize> {
    buf.get(from..)?.windows(2).position(|w| w == b"\r\n").map(|p| p + from)
}

/// Read one request. `buf` carries bytes already read past the previous request (pipelining).
pub(crate) fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Req, ReadErr> {
    // Head
    let (head_len, method, target, headers, minor) = loop {
        let mut hs = [httparse::EMPTY_HEADER; 128];
        let mut r = httparse::Request::new(&mut hs);
        match r.parse(buf) {
            Ok(httparse::Status::Complete(n)) => {
                let headers: Vec<(String, String)> = r
                    .headers
                    .iter()
                    .map(|h| (h.name.to_ascii_lowercase(), String::from_utf8_lossy(h.value).into_owned()))
                    .collect();
                break (
                    n,
                    r.method.unwrap_or("GET").to_string(),
                    r.path.unwrap_or("/").to_string(),
                    headers,
                    r.version.unwrap_or(1),
                );
            }
            Ok(httparse::Status::Partial) => {
                if buf.len() > MAX_HEAD {
                    return Err(ReadErr::Bad("request head too large".into()));
                }
                fill(stream, buf)?;
            }
            Err(e) => return Err(ReadErr::Bad(format!("malformed request: {e}"))),
        }
    };
    let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let conn = get("connection").unwrap_or("").to_ascii_lowercase();
    let keep_alive = if minor == 0 { conn.contains("keep-alive") } else { !conn.contains("close") };
    let chunked = get("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    let length = match get("content-length") {
        Some(v) => Some(v.trim().parse::<usize>().map_err(|_| ReadErr::Bad("bad Content-Length".into()))?),
        None => None,
    };
    if length.is_some_and(|l| l > MAX_BODY) {
        return Err(ReadErr::Bad("body too large".into()));
    }
    let expects_continue = get("expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue"));
    if expects_continue && (chunked || length.unwrap_or(0) > 0) {
        let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }

    // Body
    let mut pos = head_len;
    let mut body = Vec::new();
    if chunked {
        loop {
            let line_end = loop {
                match find_crlf(buf, pos) {
                    Some(e) => break e,
                    None => fill(stream, buf)?,
                }
            };
            let line = String::from_utf8_lossy(&buf[pos..line_end]).into_owned();
            let size_str = line.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size_str, 16)
                .map_err(|_| ReadErr::Bad(format!("bad chunk size {size_str:?}")))?;
            pos = line_end + 2;
            if size == 0 {
                // trailers until an empty line
                loop {
                    let e = loop {
                        match find_crlf(buf, pos) {
                            Some(e) => break e,
                            None => fill(stream, buf)?,
                        }
                    };
                    let empty = e == pos;
                    pos = e + 2;
                    if empty {
                        break;
                    }
                }
                break;
            }
            if body.len() + size > MAX_BODY {
                return Err(ReadErr::Bad("body too large".into()));
            }
            while buf.len() < pos + size + 2 {
                fill(stream, buf)?;
            }
            body.extend_from_slice(&buf[pos..pos + size]);
            pos += size + 2;
        }
    } else if let Some(len) = length {
        while buf.len() < pos + len {
            fill(stream, buf)?;
        }
        body.extend_from_slice(&buf[pos..pos + len]);
        pos += len;
    }
    buf.drain(..pos);

    let (path, raw_query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.clone(), String::new()),
    };
    Ok(Req { method, path, raw_query, headers, body, keep_alive })
}

fn reason(code: u16) -> &'static str {
    match code {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

pub(crate) fn write_response(stream: &mut TcpStream, resp: &Resp, head_only: bool, close: bool) -> std::io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (k, v) in &resp.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    let no_body = resp.status == 204 || resp.status == 304 || (100..200).contains(&resp.status);
    if !no_body {
        out.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    }
    if close {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !no_body && !head_only {
        bytes.extend_from_slice(&resp.body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

/// Close with RST instead of FIN: SO_LINGER on with a zero timeout, then drop.
pub(crate) fn reset(stream: TcpStream) {
    #[cfg(unix)]
    {
        use std::os::unix::io::AsRawFd;
        let l = libc::linger { l_onoff: 1, l_linger: 0 };
        // SAFETY: valid fd owned by `stream`; pointer/len describe a live `linger` value.
        unsafe {
            libc::setsockopt(
                stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                &l as *const libc::linger as *const libc::c_void,
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
    }
    drop(stream);
}
