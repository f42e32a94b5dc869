//! Host name resolution for the client's agent.
//!
//! ureq resolves the host of every request before it looks in its connection pool, and with a
//! timeout configured its default resolver spawns a thread per lookup: one thread per request,
//! which costs more than the request itself on a kept-alive connection. This resolver answers
//! IP literals directly and keeps names for a short while, so the hot path spawns nothing; a
//! lookup that is needed still runs on a helper thread bounded by the request's timeout.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a resolved name is reused.
const TTL: Duration = Duration::from_secs(30);

#[derive(Debug, Default)]
pub struct CachingResolver {
    cache: Mutex<HashMap<String, (Instant, Vec<SocketAddr>)>>,
}

fn lookup(host_port: String, timeout: Option<Duration>) -> Result<Vec<SocketAddr>, ureq::Error> {
    let Some(limit) = timeout else {
        return Ok(host_port.to_socket_addrs()?.collect());
    };
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("dogapi-resolve".into())
        .spawn(move || tx.send(host_port.to_socket_addrs().map(|i| i.collect::<Vec<_>>())).ok())
        .map_err(ureq::Error::Io)?;
    match rx.recv_timeout(limit) {
        Ok(r) => Ok(r?),
        Err(_) => Err(ureq::Error::Timeout(ureq::Timeout::Resolve)),
    }
}

impl Resolver for CachingResolver {
    fn resolve(&self, uri: &Uri, _config: &Config, timeout: NextTimeout) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().ok_or_else(|| ureq::Error::BadUri(format!("{uri}: no host")))?;
        let port = match (uri.port_u16(), uri.scheme_str()) {
            (Some(p), _) => p,
            (None, Some("http")) => 80,
            (None, Some("https")) => 443,
            _ => return Err(ureq::Error::BadUri(format!("{uri}: unknown scheme"))),
        };
        let mut out = self.empty();
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<IpAddr>() {
            out.push(SocketAddr::new(ip, port));
            return Ok(out);
        }
        let key = format!("{host}:{port}");
        let now = Instant::now();
        let cached =
            self.cache.lock().get(&key).filter(|(at, _)| now.duration_since(*at) < TTL).map(|(_, a)| a.clone());
        let addrs = match cached {
            Some(a) => a,
            None => {
                let limit = (!timeout.after.is_not_happening()).then(|| *timeout.after);
                let a = lookup(key.clone(), limit)?;
                if !a.is_empty() {
                    self.cache.lock().insert(key, (now, a.clone()));
                }
                a
            }
        };
        for a in addrs.into_iter().take(16) {
            out.push(a);
        }
        if out.is_empty() {
            Err(ureq::Error::HostNotFound)
        } else {
            Ok(out)
        }
    }
}
