//! What an answer of the intake means for a series payload: sent, retry (when), or drop.

use crate::error::ErrorKind;
use crate::http::Outcome;
use std::time::Duration;

pub enum Verdict {
    Sent,
    /// Retry; `Some`: after the delay the intake asked for (429).
    Retry(Option<Duration>),
    Reject,
}

fn parse_delay(v: &str) -> Option<Duration> {
    let x: f64 = v.trim().parse().ok()?;
    if !x.is_finite() || x < 0.0 {
        return None;
    }
    // X-RateLimit-Reset is seconds until reset; some servers send an epoch instead.
    let secs = if x > 1e9 { (x - super::super::clock::now()).max(0.0) } else { x };
    Some(Duration::from_secs_f64(secs.min(300.0)))
}

pub fn verdict(o: &Outcome) -> Verdict {
    match &o.response {
        Some(r) if (200..300).contains(&r.status) => Verdict::Sent,
        Some(r) if r.status == 429 => {
            let d = r
                .header("retry-after")
                .and_then(|v| parse_delay(&v))
                .or_else(|| r.header("x-ratelimit-reset").and_then(|v| parse_delay(&v)));
            Verdict::Retry(Some(d.unwrap_or(Duration::from_secs(10))))
        }
        Some(r) if r.status == 408 || r.status >= 500 => Verdict::Retry(None),
        Some(_) => Verdict::Reject,
        None => match o.error.as_ref().map(|e| e.kind) {
            Some(ErrorKind::InvalidArgument) | Some(ErrorKind::NullArgument) => Verdict::Reject,
            _ => Verdict::Retry(None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_are_seconds_or_an_epoch_and_capped() {
        assert_eq!(parse_delay(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_delay("1000"), Some(Duration::from_secs(300)));
        assert_eq!(parse_delay("-1"), None);
        assert_eq!(parse_delay("soon"), None);
        let d = parse_delay(&format!("{}", super::super::super::clock::now() + 5.0)).unwrap();
        assert!(d <= Duration::from_secs(5), "{d:?}");
    }
}
