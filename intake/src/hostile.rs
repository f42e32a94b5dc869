//! Hostile-server faults: answers a careless or malicious server could give, to test that the
//! client bounds memory and time and keeps its secrets. Each one writes straight to the socket
//! (some answers never end), then the connection is closed.

use crate::http::Req;
use crate::Fault;
use serde_json::Value;
use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

/// The control-API form of the hostile faults: `{"kind":"huge_json","bytes":N}`,
/// `{"kind":"echo_headers","code":403}`, `{"kind":"endless"}`,
/// `{"kind":"drip","body":"{}","ms":100}`. `None`: not a hostile kind.
pub(crate) fn from_json(kind: &str, v: &Value) -> Option<Result<Fault, String>> {
    let num = |k: &str| v.get(k).and_then(Value::as_u64);
    Some(match kind {
        "huge_json" => num("bytes")
            .map(|b| Fault::HugeJson { bytes: b as usize })
            .ok_or_else(|| "\"bytes\" must be a number".to_string()),
        "echo_headers" => Ok(Fault::EchoHeaders {
            code: num("code")
                .filter(|c| (200..=599).contains(c))
                .unwrap_or(403) as u16,
        }),
        "endless" => Ok(Fault::Endless),
        "drip" => Ok(Fault::Drip {
            body: v
                .get("body")
                .and_then(Value::as_str)
                .unwrap_or("{}")
                .to_string(),
            every: Duration::from_millis(num("ms").unwrap_or(100)),
        }),
        _ => return None,
    })
}

/// The kind name used in the control API and in recorded requests.
pub(crate) fn kind(f: &Fault) -> Option<&'static str> {
    Some(match f {
        Fault::HugeJson { .. } => "huge_json",
        Fault::EchoHeaders { .. } => "echo_headers",
        Fault::Endless => "endless",
        Fault::Drip { .. } => "drip",
        _ => return None,
    })
}

/// Whether this fault is served by [`serve`].
pub(crate) fn is_hostile(f: &Fault) -> bool {
    kind(f).is_some()
}

/// The body of an `EchoHeaders` answer: every request header quoted back, as a debugging
/// proxy or a WAF error page does.
pub(crate) fn echo_body(req: &Req) -> String {
    let mut s = String::from("request rejected; headers received:\n");
    for (k, v) in &req.headers {
        s.push_str(&format!("{k}: {v}\n"));
    }
    serde_json::json!({ "errors": [s] }).to_string()
}

fn head(stream: &mut TcpStream, extra: &str) -> std::io::Result<()> {
    let h = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{extra}Connection: close\r\n\r\n"
    );
    stream.write_all(h.as_bytes())
}

/// Serves a streaming hostile answer. `pause(d)` sleeps unless the intake shuts down (false).
pub(crate) fn serve(
    stream: &mut TcpStream,
    f: &Fault,
    pause: &dyn Fn(Duration) -> bool,
) -> std::io::Result<()> {
    match f {
        Fault::HugeJson { bytes } => {
            // `[0,0,...,0]`, exactly `bytes` long (at least `[0]`), written in pieces so the
            // intake never holds it whole.
            let n = (*bytes).max(3);
            head(stream, &format!("Content-Length: {n}\r\n"))?;
            let elems = (n - 1) / 2; // "[" + "0," * (elems-1) + "0]" = 2*elems + 1
            let pad = n - (2 * elems + 1); // 0 or 1: a trailing space keeps the length exact
            stream.write_all(b"[")?;
            let piece = "0,".repeat(32 * 1024);
            let mut left = elems - 1;
            while left > 0 {
                let k = left.min(32 * 1024);
                stream.write_all(&piece.as_bytes()[..2 * k])?;
                left -= k;
            }
            stream.write_all(b"0]")?;
            stream.write_all(&b" "[..pad])?;
        }
        Fault::Endless => {
            // A JSON array that never closes, without a length: chunked, forever.
            head(stream, "Transfer-Encoding: chunked\r\n")?;
            stream.write_all(b"1\r\n[\r\n")?;
            let piece = "0,".repeat(32 * 1024);
            let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
            loop {
                stream.write_all(chunk.as_bytes())?;
                if !pause(Duration::ZERO) {
                    return Ok(());
                }
            }
        }
        Fault::Drip { body, every } => {
            head(stream, &format!("Content-Length: {}\r\n", body.len()))?;
            for b in body.bytes() {
                if !pause(*every) {
                    return Ok(());
                }
                stream.write_all(&[b])?;
            }
        }
        _ => {}
    }
    stream.flush()
}
