//! Dashboards: dogapi's legacy timeboards on `/dash` (`dashboard`, `dashboards`,
//! `create_dashboard`, `update_dashboard`, `delete_dashboard`) and their modern replacement,
//! `/api/v1/dashboard` (create from a dashboard JSON, get, list, update, delete).
//!
//! `/dash` is gone from today's API description; those calls still send dogapi 1.11.1's
//! request. The `/api/v1/dashboard` bodies are checked against the spec's `Dashboard` schema
//! (required fields, layout type, widget shape) before anything is sent.

use super::answer::Pick;
use super::client::{encode, ApiRequest, Client};
use super::response::Outcome;
use crate::error::Error;
use serde_json::{json, Map, Value};

/// Parses a JSON-array argument.
pub fn parse_array(what: &str, text: &str) -> Result<Vec<Value>, Error> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(a)) => Ok(a),
        Ok(_) => Err(Error::invalid(format!("{what} must be a JSON array"))),
        Err(e) => Err(Error::invalid(format!("{what} is not valid JSON: {e}"))),
    }
}

/// A legacy timeboard as dogapi's `create_dashboard` / `update_dashboard` take it.
#[derive(Debug, Clone)]
pub struct Dash<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The graphs, a JSON array (dogapi parses a string argument with `json.loads`).
    pub graphs: Vec<Value>,
    /// The template variables, a JSON array; `None` sends `[]` (dogapi's `or []`).
    pub template_variables: Option<Vec<Value>>,
}

impl Dash<'_> {
    /// dogapi's body: `{"title","description","graphs","template_variables"}`, all keys always
    /// present.
    pub fn body(&self) -> Value {
        json!({
            "title": self.title,
            "description": self.description,
            "graphs": self.graphs,
            "template_variables": self.template_variables.clone().unwrap_or_default(),
        })
    }
}

const DASH_ID: Pick = Pick::at(&["dash", "id"]);

const DASHBOARD_ID: Pick = Pick::at(&["id"]);

/// Fields of the `Dashboard` schema that are `readOnly`: the server sets them, and a request
/// must not carry them. They are dropped from a dashboard JSON (so the object read with
/// `dashboard_get` can be sent back to `dashboard_update` as is).
pub const DASHBOARD_READ_ONLY: &[&str] = &["id", "author_handle", "author_name", "created_at", "modified_at", "url"];

/// Checks a dashboard JSON against the top of the spec's `Dashboard` schema and drops the
/// read-only fields. Widget definitions themselves are left to the server.
pub fn dashboard_body(text: &str) -> Result<Value, Error> {
    let mut d: Map<String, Value> = super::events::parse_object("dashboard_json", text)?;
    for k in DASHBOARD_READ_ONLY {
        d.remove(*k);
    }
    match d.get("title") {
        Some(Value::String(_)) => {}
        Some(_) => return Err(Error::invalid("dashboard title must be a string")),
        None => return Err(Error::invalid("dashboard_json lacks the required \"title\"")),
    }
    match d.get("layout_type").map(Value::as_str) {
        Some(Some("ordered" | "free")) => {}
        Some(_) => return Err(Error::invalid("dashboard layout_type must be \"ordered\" or \"free\"")),
        None => {
            return Err(Error::invalid("dashboard_json lacks the required \"layout_type\" (\"ordered\" or \"free\")"))
        }
    }
    match d.get("widgets") {
        Some(Value::Array(ws)) => {
            for (i, w) in ws.iter().enumerate() {
                let def = w.as_object().and_then(|w| w.get("definition"));
                match def {
                    Some(Value::Object(def)) if def.get("type").is_some_and(Value::is_string) => {}
                    _ => {
                        return Err(Error::invalid(format!(
                            "dashboard widget {i} must be an object with a \"definition\" object that has a \"type\""
                        )))
                    }
                }
                if let Some(id) = w.get("id") {
                    if !id.is_i64() {
                        return Err(Error::invalid(format!("dashboard widget {i}: id must be an integer")));
                    }
                }
            }
        }
        Some(_) => return Err(Error::invalid("dashboard widgets must be an array")),
        None => return Err(Error::invalid("dashboard_json lacks the required \"widgets\" array")),
    }
    if let Some(d) = d.get("description") {
        if !(d.is_string() || d.is_null()) {
            return Err(Error::invalid("dashboard description must be a string or null"));
        }
    }
    if let Some(r) = d.get("reflow_type") {
        if !matches!(r.as_str(), Some("auto" | "fixed")) {
            return Err(Error::invalid("dashboard reflow_type must be \"auto\" or \"fixed\""));
        }
    }
    if let Some(tvs) = d.get("template_variables") {
        match tvs {
            Value::Null => {}
            Value::Array(items) => {
                if !items.iter().all(|t| t.get("name").is_some_and(Value::is_string)) {
                    return Err(Error::invalid(
                        "each dashboard template variable must be an object with a \"name\" string",
                    ));
                }
            }
            _ => return Err(Error::invalid("dashboard template_variables must be an array or null")),
        }
    }
    for k in ["notify_list", "restricted_roles", "tags"] {
        if let Some(v) = d.get(k) {
            let ok = match v {
                Value::Null => k != "restricted_roles",
                Value::Array(a) => a.iter().all(Value::is_string),
                _ => false,
            };
            if !ok {
                return Err(Error::invalid(format!("dashboard {k} must be an array of strings")));
            }
        }
    }
    Ok(Value::Object(d))
}

fn check_dashboard_id(id: &str) -> Result<(), Error> {
    if id.trim().is_empty() {
        Err(Error::invalid("dashboard_id is empty"))
    } else {
        Ok(())
    }
}

/// Query filters of `GET /api/v1/dashboard`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DashboardFilter {
    pub shared: bool,
    pub deleted: bool,
    /// 0: the server's default (100).
    pub count: i64,
    /// 0: from the beginning.
    pub start: i64,
}

impl Client {
    /// GET /dash/{dash_id} (dogapi `dashboard`). Result: the `dash` object.
    pub fn dash_get(&self, dash_id: i64) -> Outcome {
        self.call(ApiRequest::new("GET", format!("dash/{dash_id}")).result(Pick::at(&["dash"])))
    }

    /// GET /dash (dogapi `dashboards`). Result: the `dashes` list.
    pub fn dash_get_all(&self) -> Outcome {
        self.call(ApiRequest::new("GET", "dash").result(Pick::at(&["dashes"])))
    }

    /// POST /dash (dogapi `create_dashboard`). Result and id: the new dashboard's id.
    pub fn dash_create(&self, dash: &Dash<'_>) -> Outcome {
        self.call(ApiRequest::new("POST", "dash").json(dash.body()).result(DASH_ID).id(DASH_ID))
    }

    /// PUT /dash/{dash_id} (dogapi `update_dashboard`). Result and id: the dashboard's id.
    pub fn dash_update(&self, dash_id_: i64, dash: &Dash<'_>) -> Outcome {
        self.call(ApiRequest::new("PUT", format!("dash/{dash_id_}")).json(dash.body()).result(DASH_ID).id(DASH_ID))
    }

    /// DELETE /dash/{dash_id} (dogapi `delete_dashboard`). Result: the answer (raw).
    pub fn dash_delete(&self, dash_id: i64) -> Outcome {
        self.call(ApiRequest::new("DELETE", format!("dash/{dash_id}")))
    }

    /// POST /api/v1/dashboard with a dashboard JSON (checked by [`dashboard_body`]).
    /// Result: the created dashboard; id: its id.
    pub fn dashboard_create(&self, dashboard_json: &str) -> Outcome {
        match dashboard_body(dashboard_json) {
            Ok(body) => self.call(ApiRequest::new("POST", "dashboard").json(body).id(DASHBOARD_ID)),
            Err(e) => Outcome::failed(e),
        }
    }

    /// GET /api/v1/dashboard/{id}. Result: the dashboard; id: its id.
    pub fn dashboard_get(&self, id: &str) -> Outcome {
        if let Err(e) = check_dashboard_id(id) {
            return Outcome::failed(e);
        }
        self.call(ApiRequest::new("GET", format!("dashboard/{}", encode(id))).id(DASHBOARD_ID))
    }

    /// GET /api/v1/dashboard[?filter[shared]=true][&filter[deleted]=true][&count=][&start=].
    /// Result: the `dashboards` list (summaries).
    pub fn dashboard_get_all(&self, f: DashboardFilter) -> Outcome {
        if f.shared && f.deleted {
            return Outcome::failed(Error::invalid("filter_shared and filter_deleted cannot be combined"));
        }
        if f.count < 0 || f.start < 0 {
            return Outcome::failed(Error::invalid("count and start must be >= 0"));
        }
        self.call(
            ApiRequest::new("GET", "dashboard")
                .query_opt("filter[shared]", f.shared.then_some("true"))
                .query_opt("filter[deleted]", f.deleted.then_some("true"))
                .query_opt("count", (f.count > 0).then(|| f.count.to_string()))
                .query_opt("start", (f.start > 0).then(|| f.start.to_string()))
                .result(Pick::at(&["dashboards"])),
        )
    }

    /// PUT /api/v1/dashboard/{id} with a whole dashboard JSON. Result: the updated dashboard;
    /// id: its id.
    pub fn dashboard_update(&self, id: &str, dashboard_json: &str) -> Outcome {
        if let Err(e) = check_dashboard_id(id) {
            return Outcome::failed(e);
        }
        match dashboard_body(dashboard_json) {
            Ok(body) => {
                self.call(ApiRequest::new("PUT", format!("dashboard/{}", encode(id))).json(body).id(DASHBOARD_ID))
            }
            Err(e) => Outcome::failed(e),
        }
    }

    /// DELETE /api/v1/dashboard/{id}. Result: the answer (`{"deleted_dashboard_id": ...}`).
    pub fn dashboard_delete(&self, id: &str) -> Outcome {
        if let Err(e) = check_dashboard_id(id) {
            return Outcome::failed(e);
        }
        self.call(ApiRequest::new("DELETE", format!("dashboard/{}", encode(id))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_body_always_has_every_key() {
        let d = Dash { title: "t", description: "d", graphs: vec![json!({"title":"g"})], template_variables: None };
        assert_eq!(d.body(), json!({"title":"t","description":"d","graphs":[{"title":"g"}],"template_variables":[]}));
    }

    #[test]
    fn parse_array_rejects_other_types() {
        assert!(parse_array("graphs", "[1]").is_ok());
        assert_eq!(parse_array("graphs", "{}").unwrap_err().kind, crate::error::ErrorKind::InvalidArgument);
        assert_eq!(parse_array("graphs", "[").unwrap_err().kind, crate::error::ErrorKind::InvalidArgument);
    }

    #[test]
    fn dashboard_body_checks_and_strips() {
        let ok = r#"{"id":"abc-def-ghi","url":"/x","author_handle":"a","title":"T","layout_type":"ordered",
                     "widgets":[{"id":1,"definition":{"type":"note","content":"hi"}}]}"#;
        let b = dashboard_body(ok).unwrap();
        assert!(b.get("id").is_none() && b.get("url").is_none() && b.get("author_handle").is_none());
        assert_eq!(b["title"], "T");
        for bad in [
            r#"[]"#,
            r#"{"layout_type":"ordered","widgets":[]}"#,
            r#"{"title":"T","widgets":[]}"#,
            r#"{"title":"T","layout_type":"grid","widgets":[]}"#,
            r#"{"title":"T","layout_type":"free"}"#,
            r#"{"title":"T","layout_type":"free","widgets":[{"definition":{}}]}"#,
            r#"{"title":"T","layout_type":"free","widgets":[],"template_variables":[{"prefix":"x"}]}"#,
            r#"{"title":"T","layout_type":"free","widgets":[],"tags":"team:x"}"#,
        ] {
            assert!(dashboard_body(bad).is_err(), "{bad}");
        }
    }
}
