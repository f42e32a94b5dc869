#![allow(dead_code)]
use std::time::Duration;

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .proxy(None)
        .build()
        .into()
}

/// (status, body) of a request with the API key header; `body` = JSON text or None.
pub fn call(agent: &ureq::Agent, method: &str, url: &str, body: Option<&str>) -> (u16, String) {
    const KEY: (&str, &str) = ("DD-API-KEY", "test-key-1234");
    const CT: (&str, &str) = ("Content-Type", "application/json");
    let b = body.unwrap_or("").as_bytes();
    let r = match method {
        "GET" => agent.get(url).header(KEY.0, KEY.1).call(),
        "DELETE" => agent.delete(url).header(KEY.0, KEY.1).call(),
        "POST" => agent.post(url).header(KEY.0, KEY.1).header(CT.0, CT.1).send(b),
        "PUT" => agent.put(url).header(KEY.0, KEY.1).header(CT.0, CT.1).send(b),
        "PATCH" => agent.patch(url).header(KEY.0, KEY.1).header(CT.0, CT.1).send(b),
        m => panic!("method {m}"),
    };
    let mut resp = r.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_string().unwrap_or_default())
}

pub fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s:?}"))
}
