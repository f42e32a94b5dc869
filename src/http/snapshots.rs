//! Graph snapshots: dogapi's `graph_snapshot`, `graph_snapshot_from_def` and
//! `snapshot_status` (with dogapi's rewriting of the snapshot URL into a status path).

use super::answer::Pick;
use super::client::{encode, ApiRequest, Client};
use super::response::Outcome;
use crate::error::Error;
use percent_encoding::percent_decode_str;
use serde_json::Value;

/// dogapi's `snapshot_status` path: the path component of `snapshot_url`, the text after the
/// first `/snapshot/view/`, cut at the first `.png`, appended to `graph/snapshot_status/`
/// (slashes kept; each segment is normalised: decoded, then percent-encoded again).
///
/// `https://p.datadoghq.com/snapshot/view/dd-snapshots-prod/org_1/2015-01-01/abc.png` →
/// `graph/snapshot_status/dd-snapshots-prod/org_1/2015-01-01/abc`.
pub fn snapshot_status_path(snapshot_url: &str) -> Result<String, Error> {
    // urlparse(...).path: drop scheme://netloc, then the query and the fragment.
    let mut path = snapshot_url;
    if let Some(i) = path.find("://") {
        let rest = &path[i + 3..];
        path = rest.find('/').map_or("", |j| &rest[j..]);
    } else if let Some(rest) = path.strip_prefix("//") {
        path = rest.find('/').map_or("", |j| &rest[j..]);
    }
    if let Some(i) = path.find(['?', '#']) {
        path = &path[..i];
    }
    const VIEW: &str = "/snapshot/view/";
    let Some(i) = path.find(VIEW) else {
        return Err(Error::invalid("snapshot_url has no \"/snapshot/view/\" in its path"));
    };
    let mut piece = &path[i + VIEW.len()..];
    if let Some(j) = piece.find(".png") {
        piece = &piece[..j];
    }
    if piece.trim_matches('/').is_empty() {
        return Err(Error::invalid("snapshot_url names no snapshot after \"/snapshot/view/\""));
    }
    let mut out = String::from("graph/snapshot_status");
    for seg in piece.split('/') {
        let decoded = percent_decode_str(seg)
            .decode_utf8()
            .map_err(|_| Error::invalid("snapshot_url is not valid UTF-8 once decoded"))?;
        out.push('/');
        out.push_str(&encode(&decoded));
    }
    Ok(out)
}

/// dogapi's formatter `int(x["status_code"])`: a JSON integer, also from a numeric string.
fn status_code_int(v: &Value) -> Option<Value> {
    match v {
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)).map(Value::from)
        }
        Value::String(s) => s.trim().parse::<i64>().ok().map(Value::from),
        _ => None,
    }
}

fn check_range(start: i64, end: i64) -> Result<(), Error> {
    if end < start {
        Err(Error::invalid("snapshot end is before start"))
    } else {
        Ok(())
    }
}

/// Parses `graph_def` (a JSON object) and renders it on one line, as the API wants it.
pub fn graph_def_text(graph_def: &str) -> Result<String, Error> {
    let v = super::events::parse_object("graph_def", graph_def)?;
    Ok(Value::Object(v).to_string())
}

impl Client {
    /// GET /graph/snapshot?metric_query=&start=&end=[&event_query=] (dogapi
    /// `graph_snapshot`). Result: the answer (raw, with `snapshot_url`).
    pub fn graph_snapshot(&self, metric_query: &str, start: i64, end: i64, event_query: Option<&str>) -> Outcome {
        if let Err(e) = check_range(start, end) {
            return Outcome::failed(e);
        }
        if metric_query.trim().is_empty() {
            return Outcome::failed(Error::invalid("metric_query is empty"));
        }
        self.call(
            ApiRequest::new("GET", "graph/snapshot")
                .query("metric_query", metric_query)
                .query("start", start.to_string())
                .query("end", end.to_string())
                .query_opt("event_query", event_query.filter(|q| !q.is_empty())),
        )
    }

    /// GET /graph/snapshot?graph_def=&start=&end= (dogapi `graph_snapshot_from_def`).
    /// `graph_def` must be a JSON object; it is sent on one line. Result: the answer (raw).
    pub fn graph_snapshot_from_def(&self, graph_def: &str, start: i64, end: i64) -> Outcome {
        if let Err(e) = check_range(start, end) {
            return Outcome::failed(e);
        }
        match graph_def_text(graph_def) {
            Ok(def) => self.call(
                ApiRequest::new("GET", "graph/snapshot")
                    .query("graph_def", def)
                    .query("start", start.to_string())
                    .query("end", end.to_string()),
            ),
            Err(e) => Outcome::failed(e),
        }
    }

    /// GET /graph/snapshot_status/{piece} (dogapi `snapshot_status`). Result: the
    /// `status_code` as an integer (200 once the image is ready).
    pub fn snapshot_status(&self, snapshot_url: &str) -> Outcome {
        match snapshot_status_path(snapshot_url) {
            Ok(path) => self.call(ApiRequest::new("GET", path).result(Pick::map(&["status_code"], status_code_int))),
            Err(e) => Outcome::failed(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_path_rewriting() {
        assert_eq!(
            snapshot_status_path("https://p.datadoghq.com/snapshot/view/dd-snapshots-prod/org_1/2015-01-01/abc.png")
                .unwrap(),
            "graph/snapshot_status/dd-snapshots-prod/org_1/2015-01-01/abc"
        );
        // Query and fragment are not part of the path; only the first .png cuts.
        assert_eq!(
            snapshot_status_path("https://h/snapshot/view/a/b.png?x=/snapshot/view/c#f").unwrap(),
            "graph/snapshot_status/a/b"
        );
        // Without .png the whole rest is kept; escapes are normalised.
        assert_eq!(snapshot_status_path("http://h/x/snapshot/view/a%20b/c").unwrap(), "graph/snapshot_status/a%20b/c");
        assert_eq!(snapshot_status_path("/snapshot/view/z.png").unwrap(), "graph/snapshot_status/z");
        for bad in [
            "https://app.datadoghq.com/s/f12345678/aaa-bbb-ccc",
            "https://h/snapshot/view/.png",
            "",
            "https://snapshot/view/x.png",
        ] {
            assert_eq!(snapshot_status_path(bad).unwrap_err().kind, crate::error::ErrorKind::InvalidArgument, "{bad}");
        }
    }

    #[test]
    fn status_code_formatter() {
        assert_eq!(status_code_int(&json!(200)), Some(json!(200)));
        assert_eq!(status_code_int(&json!("403")), Some(json!(403)));
        assert_eq!(status_code_int(&json!("x")), None);
        assert_eq!(status_code_int(&json!({})), None);
    }

    #[test]
    fn graph_def_is_compacted() {
        assert_eq!(graph_def_text("{ \"requests\" : [ ] }\n").unwrap(), r#"{"requests":[]}"#);
        assert!(graph_def_text("[1]").is_err());
    }
}
