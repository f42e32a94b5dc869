//! Host muting (`POST /api/v1/host/{name}/mute`, `/unmute`): today's API, absent from dogapi
//! 1.11.1 (its successor has `Host.mute` / `Host.unmute`).

use super::args::{non_negative, truthy};
use super::client::{ApiRequest, Client};
use super::response::Outcome;
use super::tags::host_segment;
use serde_json::{json, Map, Value};

/// `HostMuteSettings`: `end`, `override`, `message`, each only when given (0 / false / NULL).
pub fn mute_body(end: i64, override_: bool, message: Option<&str>) -> Value {
    let mut b = Map::new();
    if end != 0 {
        b.insert("end".into(), json!(end));
    }
    if let Some(m) = truthy(message) {
        b.insert("message".into(), json!(m));
    }
    if override_ {
        b.insert("override".into(), json!(true));
    }
    Value::Object(b)
}

impl Client {
    /// POST /host/{name}/mute. Result: the whole answer (`{"action":"Muted","hostname",...}`).
    pub fn mute_host(&self, host: &str, end: i64, override_: bool, message: Option<&str>) -> Outcome {
        let seg = match host_segment(host).and_then(|s| non_negative(end, "end").map(|_| s)) {
            Ok(s) => s,
            Err(e) => return Outcome::failed(e),
        };
        self.call(ApiRequest::new("POST", format!("host/{seg}/mute")).json(mute_body(end, override_, message)))
    }

    /// POST /host/{name}/unmute (no body). Result: the whole answer.
    pub fn unmute_host(&self, host: &str) -> Outcome {
        match host_segment(host) {
            Ok(seg) => self.call(ApiRequest::new("POST", format!("host/{seg}/unmute"))),
            Err(e) => Outcome::failed(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body() {
        assert_eq!(mute_body(0, false, None), json!({}));
        assert_eq!(mute_body(9, true, Some("m")), json!({"end": 9, "message": "m", "override": true}));
    }
}
