//! Answers "like Datadog" for the endpoints libdogapi uses, from one generic in-memory store.
//!
//! Most endpoints are CRUD on a collection; they are described by one `Res` row each (where the
//! collection lives, how ids look, how one object / a list is wrapped, what DELETE answers).
//! The few endpoints that are not CRUD are matched first in `special`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};

use crate::http::{Req, Resp};

#[derive(Default)]
pub(crate) struct Store {
    next: u64,
    /// kind → objects in creation order, each with its id as a string.
    coll: HashMap<&'static str, Vec<(String, Value)>>,
    host_tags: BTreeMap<String, Vec<String>>,
    hosts: BTreeSet<String>,
    metrics: BTreeSet<String>,
}

impl Store {
    fn next_id(&mut self) -> u64 {
        self.next += 1;
        999 + self.next
    }
    fn items(&mut self, kind: &'static str) -> &mut Vec<(String, Value)> {
        self.coll.entry(kind).or_default()
    }
    fn get(&mut self, kind: &'static str, id: &str) -> Option<&mut Value> {
        self.items(kind).iter_mut().find(|(i, _)| i == id).map(|(_, v)| v)
    }
}

#[derive(Clone, Copy)]
enum IdKind {
    /// 1000, 1001, … (JSON integer)
    Num,
    /// `abc-def-ghi` (modern dashboards)
    Words,
    /// uuid-like string (v2)
    Uuid,
}

#[derive(Clone, Copy)]
enum Wrap {
    Raw,
    Key(&'static str),
    /// `{"data": …}` JSON:API
    Data,
}

#[derive(Clone, Copy)]
enum Del {
    NoContent,
    /// `{KEY: id}`
    IdUnder(&'static str),
}

struct Res {
    base: &'static str,
    kind: &'static str,
    id: IdKind,
    one: Wrap,
    list: Wrap,
    create_status: u16,
    update: &'static str,
    delete: Del,
    missing: &'static str,
}

#[rustfmt::skip]
const RESOURCES: &[Res] = &[
    Res { base: "/api/v1/events", kind: "event", id: IdKind::Num, one: Wrap::Key("event"), list: Wrap::Key("events"), create_status: 202, update: "", delete: Del::NoContent, missing: "Event not found" },
    Res { base: "/api/v1/monitor", kind: "monitor", id: IdKind::Num, one: Wrap::Raw, list: Wrap::Raw, create_status: 200, update: "PUT", delete: Del::IdUnder("deleted_monitor_id"), missing: "Monitor not found" },
    Res { base: "/api/v1/downtime", kind: "downtime", id: IdKind::Num, one: Wrap::Raw, list: Wrap::Raw, create_status: 200, update: "PUT", delete: Del::NoContent, missing: "Downtime not found" },
    Res { base: "/api/v2/downtime", kind: "downtime_v2", id: IdKind::Uuid, one: Wrap::Data, list: Wrap::Data, create_status: 200, update: "PATCH", delete: Del::NoContent, missing: "Downtime not found" },
    Res { base: "/api/v2/users", kind: "user_v2", id: IdKind::Uuid, one: Wrap::Data, list: Wrap::Data, create_status: 201, update: "PATCH", delete: Del::NoContent, missing: "User not found" },
    Res { base: "/api/v1/dash", kind: "dash", id: IdKind::Num, one: Wrap::Key("dash"), list: Wrap::Key("dashes"), create_status: 200, update: "PUT", delete: Del::NoContent, missing: "No dashboard matches that dash_id." },
    Res { base: "/api/v1/dashboard", kind: "dashboard", id: IdKind::Words, one: Wrap::Raw, list: Wrap::Key("dashboards"), create_status: 200, update: "PUT", delete: Del::IdUnder("deleted_dashboard_id"), missing: "Dashboard not found" },
    Res { base: "/api/v1/screen", kind: "screen", id: IdKind::Num, one: Wrap::Raw, list: Wrap::Key("screenboards"), create_status: 200, update: "PUT", delete: Del::IdUnder("id"), missing: "Screenboard not found" },
    Res { base: "/api/v1/alert", kind: "alert", id: IdKind::Num, one: Wrap::Raw, list: Wrap::Key("alerts"), create_status: 200, update: "PUT", delete: Del::NoContent, missing: "Alert not found" },
    Res { base: "/api/v1/comments", kind: "comment", id: IdKind::Num, one: Wrap::Key("comment"), list: Wrap::Key("comments"), create_status: 200, update: "PUT", delete: Del::NoContent, missing: "Comment not found" },
];

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn ok_status(code: u16) -> Resp {
    Resp::json(code, &json!({"status": "ok"}))
}

fn not_found() -> Resp {
    Resp::errors(404, "Not found")
}

fn words_id(n: u64) -> String {
    let mut n = n;
    let mut s = String::new();
    for i in 0..9 {
        if i == 3 || i == 6 {
            s.insert(0, '-');
        }
        s.insert(0, (b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    s
}

fn wrap(w: Wrap, v: Value) -> Value {
    match w {
        Wrap::Raw => v,
        Wrap::Key(k) => json!({ k: v }),
        Wrap::Data => json!({ "data": v }),
    }
}

fn id_value(kind: IdKind, id: &str) -> Value {
    match kind {
        IdKind::Num => id.parse::<u64>().map(Value::from).unwrap_or_else(|_| json!(id)),
        _ => json!(id),
    }
}

/// Turn a string scope ("a,b") into the list the server answers with.
fn scope_list(v: &mut Map<String, Value>) {
    if let Some(Value::String(s)) = v.get("scope").cloned() {
        let list: Vec<Value> = s.split(',').map(|p| json!(p.trim())).collect();
        v.insert("scope".into(), Value::Array(list));
    }
}

/// Server-side defaults and derived fields of a stored object.
fn decorate(kind: &str, id: &str, obj: &mut Map<String, Value>) {
    let n = id_value(if kind == "dashboard" || kind == "downtime_v2" { IdKind::Words } else { IdKind::Num }, id);
    let mut default = |k: &str, v: Value| {
        obj.entry(k.to_string()).or_insert(v);
    };
    match kind {
        "event" => {
            default("date_happened", json!(now()));
            default("priority", json!("normal"));
            default("alert_type", json!("info"));
            default("id_str", json!(id));
            default("url", json!(format!("https://app.datadoghq.com/event/event?id={id}")));
        }
        "monitor" => {
            default("overall_state", json!("No Data"));
            default("options", json!({}));
            default("tags", json!([]));
            default("multi", json!(false));
            default("created", json!("2026-01-01T00:00:00.000000+00:00"));
        }
        "downtime" => {
            default("active", json!(true));
            default("start", json!(now()));
            default("end", Value::Null);
            default("canceled", Value::Null);
            default("disabled", json!(false));
            default("monitor_id", Value::Null);
            scope_list(obj);
        }
        "dash" => {
            default("created", json!("2026-01-01T00:00:00.000000+00:00"));
            default("template_variables", json!([]));
        }
        "dashboard" => {
            default("url", json!(format!("/dashboard/{id}")));
            default("created_at", json!("2026-01-01T00:00:00.000000+00:00"));
            default("author_handle", json!("intake@example.com"));
        }
        "comment" => {
            default("resource", json!(format!("/api/v1/comments/{id}")));
            default("url", json!(format!("/event/event?id={id}")));
        }
        "alert" => {
            default("state", json!("OK"));
        }
        _ => {}
    }
    if kind != "downtime_v2" {
        obj.insert("id".into(), n);
    }
}

fn body_object(body: &Option<Value>) -> Map<String, Value> {
    match body {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    }
}

fn crud(store: &mut Store, res: &Res, method: &str, id: Option<&str>, body: Option<Value>) -> Resp {
    match (method, id) {
        ("GET", None) => {
            let items: Vec<Value> = store.items(res.kind).iter().map(|(_, v)| v.clone()).collect();
            Resp::json(200, &wrap(res.list, Value::Array(items)))
        }
        ("POST", None) => {
            let n = store.next_id();
            let id = match res.id {
                IdKind::Num => n.to_string(),
                IdKind::Words => words_id(n),
                IdKind::Uuid => format!("00000000-0000-4000-8000-{n:012x}"),
            };
            let obj = if matches!(res.one, Wrap::Data) {
                let data = body.as_ref().and_then(|b| b.get("data")).cloned().unwrap_or(json!({}));
                let mut attrs = data.get("attributes").and_then(Value::as_object).cloned().unwrap_or_default();
                attrs.entry("status").or_insert(json!("active"));
                attrs.entry("created").or_insert(json!("2026-01-01T00:00:00.000000+00:00"));
                json!({"id": id, "type": data.get("type").cloned().unwrap_or(json!("downtime")),
                       "attributes": attrs, "relationships": data.get("relationships").cloned().unwrap_or(json!({}))})
            } else {
                let mut m = body_object(&body);
                decorate(res.kind, &id, &mut m);
                Value::Object(m)
            };
            store.items(res.kind).push((id.clone(), obj.clone()));
            let mut out = wrap(res.one, obj);
            match res.kind {
                "event" => out["status"] = json!("ok"),
                "dash" => {
                    out["url"] = json!(format!("/dash/dash/{id}"));
                    out["resource"] = json!(format!("/api/v1/dash/{id}"));
                }
                _ => {}
            }
            Resp::json(res.create_status, &out)
        }
        (m, Some(id)) if m == "GET" || m == res.update || m == "DELETE" => {
            let Some(obj) = store.get(res.kind, id) else {
                return Resp::errors(404, res.missing);
            };
            match m {
                "GET" => Resp::json(200, &wrap(res.one, obj.clone())),
                "DELETE" => {
                    store.items(res.kind).retain(|(i, _)| i != id);
                    match res.delete {
                        Del::NoContent => Resp::empty(204),
                        Del::IdUnder(k) => Resp::json(200, &json!({ k: id_value(res.id, id) })),
                    }
                }
                _ => {
                    if matches!(res.one, Wrap::Data) {
                        let attrs =
                            body.as_ref().and_then(|b| b.pointer("/data/attributes")).and_then(Value::as_object);
                        if let (Some(a), Some(Value::Object(dst))) = (attrs, obj.get_mut("attributes")) {
                            dst.extend(a.clone());
                        }
                    } else if let Value::Object(dst) = obj {
                        dst.extend(body_object(&body));
                        decorate(res.kind, id, dst);
                    }
                    Resp::json(200, &wrap(res.one, obj.clone()))
                }
            }
        }
        _ => not_found(),
    }
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        Some(Value::String(s)) => s.split(',').filter(|x| !x.is_empty()).map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// Remember hosts and metric names seen in submissions, for /search.
fn learn(store: &mut Store, path: &str, body: &Option<Value>) {
    let Some(b) = body else { return };
    let host = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    match path {
        "/api/v1/series" | "/api/v1/distribution_points" => {
            for s in b.get("series").and_then(Value::as_array).into_iter().flatten() {
                if let Some(m) = host(s, "metric") {
                    store.metrics.insert(m);
                }
                if let Some(h) = host(s, "host").filter(|h| !h.is_empty()) {
                    store.hosts.insert(h);
                }
            }
        }
        "/api/v1/check_run" => {
            let checks = if b.is_array() { b.as_array().cloned().unwrap_or_default() } else { vec![b.clone()] };
            for c in checks {
                if let Some(h) = host(&c, "host_name").filter(|h| !h.is_empty()) {
                    store.hosts.insert(h);
                }
            }
        }
        _ => {}
    }
}

/// Endpoints that are not plain CRUD. `segs` are the path segments after `/api/v1`.
fn special(store: &mut Store, req: &Req, query: &[(String, String)], body: &Option<Value>) -> Option<Resp> {
    let q = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let m = req.method.as_str();
    let path = req.path.trim_end_matches('/');
    if path == "/api/v2/series" && m == "POST" {
        return Some(Resp::json(202, &json!({"errors": []})));
    }
    let rest = path.strip_prefix("/api/v1/")?;
    // Path segments are percent-decoded (`/tags/hosts/my%20host` is host `my host`).
    let owned: Vec<String> = rest.split('/').map(|x| crate::percent_decode(x, false)).collect();
    let segs: Vec<&str> = owned.iter().map(String::as_str).collect();
    let r = match (m, segs.as_slice()) {
        ("POST", ["series"] | ["check_run"] | ["distribution_points"]) => {
            learn(store, path, body);
            ok_status(202)
        }
        ("GET", ["validate"]) => Resp::json(200, &json!({"valid": true})),
        ("GET", ["tags", "hosts"]) => {
            let mut by_tag: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for (h, tags) in &store.host_tags {
                for t in tags {
                    by_tag.entry(t).or_default().push(h);
                }
            }
            Resp::json(200, &json!({ "tags": by_tag }))
        }
        (_, ["tags", "hosts", host]) => {
            let host = host.to_string();
            let tags = str_list(body.as_ref().and_then(|b| b.get("tags")));
            match m {
                "GET" => {}
                "POST" => {
                    let cur = store.host_tags.entry(host.clone()).or_default();
                    for t in tags {
                        if !cur.contains(&t) {
                            cur.push(t);
                        }
                    }
                }
                "PUT" => {
                    store.host_tags.insert(host.clone(), tags);
                }
                "DELETE" => {
                    store.host_tags.remove(&host);
                    return Some(Resp::empty(204));
                }
                _ => return Some(not_found()),
            }
            store.hosts.insert(host.clone());
            let tags = store.host_tags.get(&host).cloned().unwrap_or_default();
            Resp::json(if m == "POST" { 201 } else { 200 }, &json!({"host": host, "tags": tags}))
        }
        ("GET", ["search"]) => {
            let query = q("q").unwrap_or_default();
            let (facets, term): (Vec<&str>, &str) = match query.split_once(':') {
                Some((f @ ("hosts" | "metrics"), t)) => (vec![f], t),
                _ => (vec!["hosts", "metrics"], query.as_str()),
            };
            let mut results = Map::new();
            for f in facets {
                let set = if f == "hosts" { &store.hosts } else { &store.metrics };
                let hits: Vec<&String> = set.iter().filter(|x| x.contains(term)).collect();
                results.insert(f.into(), json!(hits));
            }
            Resp::json(200, &json!({ "results": results }))
        }
        ("POST", ["monitor", "mute_all"]) => {
            let id = store.next_id().to_string();
            let mut d = Map::new();
            d.insert("scope".into(), json!(["*"]));
            decorate("downtime", &id, &mut d);
            let d = Value::Object(d);
            store.items("downtime").push((id, d.clone()));
            Resp::json(200, &d)
        }
        ("POST", ["monitor", "unmute_all"]) => {
            store.items("downtime").retain(|(_, d)| d["scope"] != json!(["*"]));
            Resp::empty(200)
        }
        ("POST", ["monitor", id, action @ ("mute" | "unmute")]) => {
            let Some(mon) = store.get("monitor", id) else {
                return Some(Resp::errors(404, "Monitor not found"));
            };
            let scope = body.as_ref().and_then(|b| b.get("scope")).and_then(Value::as_str).unwrap_or("*").to_string();
            if !mon["options"].is_object() {
                mon["options"] = json!({});
            }
            let opts = &mut mon["options"];
            if !opts["silenced"].is_object() {
                opts["silenced"] = json!({});
            }
            let silenced = opts["silenced"].as_object_mut().expect("object");
            if *action == "mute" {
                let end = body.as_ref().and_then(|b| b.get("end")).cloned().unwrap_or(Value::Null);
                silenced.insert(scope, end);
            } else if scope == "*" || body.as_ref().and_then(|b| b.get("all_scopes")) == Some(&json!(true)) {
                silenced.clear();
            } else {
                silenced.remove(&scope);
            }
            Resp::json(200, mon)
        }
        ("POST", ["mute_alerts"] | ["unmute_alerts"]) => Resp::json(200, &json!({})),
        ("POST", ["invite_users"]) => {
            let emails = body.as_ref().and_then(|b| b.get("emails")).cloned().unwrap_or(json!([]));
            Resp::json(200, &json!({ "emails": emails }))
        }
        ("POST", ["host", name, action @ ("mute" | "unmute")]) => {
            let mut r = json!({"action": if *action == "mute" { "Muted" } else { "Unmuted" }, "hostname": name});
            if *action == "mute" {
                for k in ["message", "end"] {
                    if let Some(v) = body.as_ref().and_then(|b| b.get(k)) {
                        r[k] = v.clone();
                    }
                }
            }
            Resp::json(200, &r)
        }
        ("GET", ["graph", "snapshot"]) => {
            let mut r = json!({"snapshot_url":
                "https://p.datadoghq.com/snapshot/view/dd-snapshots-prod/org_1/2026-01-01/abc.png"});
            for k in ["metric_query", "event_query", "graph_def", "start", "end", "title"] {
                if let Some(v) = q(k) {
                    r[k] = json!(v);
                }
            }
            Resp::json(200, &r)
        }
        ("GET", ["graph", "snapshot_status", _, ..]) => Resp::json(200, &json!({"status_code": 200})),
        (_, ["screen", "share", id]) => {
            if store.get("screen", id).is_none() {
                return Some(Resp::errors(404, "Screenboard not found"));
            }
            match m {
                "GET" | "POST" => Resp::json(
                    200,
                    &json!({"board_id": id_value(IdKind::Num, id),
                    "public_url": format!("https://p.datadoghq.com/sb/{id}-0123456789abcdef")}),
                ),
                "DELETE" => Resp::empty(204),
                _ => not_found(),
            }
        }
        _ => return None,
    };
    Some(r)
}

/// The answer to a (non-control) request whose body has been decoded.
pub(crate) fn respond(store: &mut Store, req: &Req, query: &[(String, String)], body: &[u8]) -> Resp {
    if req.header("dd-api-key").is_none_or(|k| k.trim().is_empty()) {
        return Resp::errors(403, "Forbidden");
    }
    let body: Option<Value> = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => Some(v),
            Err(_) => return Resp::errors(400, "Invalid JSON in request body"),
        }
    };
    if let Some(r) = special(store, req, query, &body) {
        return r;
    }
    let path = req.path.trim_end_matches('/');
    for res in RESOURCES {
        if path == res.base {
            return crud(store, res, &req.method, None, body);
        }
        if let Some(id) = path.strip_prefix(res.base).and_then(|r| r.strip_prefix('/')) {
            if !id.is_empty() && !id.contains('/') {
                let id = crate::percent_decode(id, false);
                return crud(store, res, &req.method, Some(&id), body);
            }
        }
    }
    not_found()
}

#[cfg(test)]
mod tests {
    #[test]
    fn words_ids_look_like_datadog() {
        let id = super::words_id(1000);
        assert_eq!(id.len(), 11);
        assert_eq!(id.matches('-').count(), 2);
        assert_ne!(id, super::words_id(1001));
    }
}
