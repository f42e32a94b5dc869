//! Contract validation of request bodies against Datadog's API v1 OpenAPI 3.0 description.
//!
//! The YAML is parsed once per process (per spec file), turned into JSON, rewritten so that a
//! JSON Schema Draft 4 validator understands OpenAPI 3.0 (`nullable`), and registered as one
//! resource. One validator per (method, path template) is compiled lazily and cached.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, Keyword, ValidationError};
use serde_json::{json, Map, Value};

use crate::Contract;

const SPEC_URI: &str = "urn:dogapi-intake:openapi";
/// The copy vendored in this crate (`intake/spec/`, origin in `intake/spec/README.md`).
const VENDORED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/v1-openapi.yaml");

/// Where the spec is looked for when no explicit path is given: env `DOG_OPENAPI_SPEC` (when
/// set and not empty), else the vendored copy (a missing file is reported by `load`).
pub(crate) fn locate_default() -> Option<PathBuf> {
    match std::env::var_os("DOG_OPENAPI_SPEC") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => Some(PathBuf::from(VENDORED)),
    }
}

/// Loaded specs, by canonical path. `None` = could not be loaded (reported once on stderr).
fn specs() -> &'static Mutex<HashMap<PathBuf, Option<Arc<Spec>>>> {
    static S: OnceLock<Mutex<HashMap<PathBuf, Option<Arc<Spec>>>>> = OnceLock::new();
    S.get_or_init(Default::default)
}

/// The spec at `path` (or the default location), parsed once per process.
pub(crate) fn load(path: Option<&Path>) -> Option<Arc<Spec>> {
    let path = match path {
        Some(p) => p.to_path_buf(),
        None => {
            static DEFAULT: OnceLock<Option<PathBuf>> = OnceLock::new();
            DEFAULT.get_or_init(locate_default).clone()?
        }
    };
    let key = path.canonicalize().unwrap_or_else(|_| path.clone());
    // Holding the lock while parsing is deliberate: concurrent first users wait for one parse.
    let mut map = specs().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = map.get(&key) {
        return s.clone();
    }
    let spec = match Spec::from_file(&path) {
        Ok(s) => Some(Arc::new(s)),
        Err(e) => {
            eprintln!(
                "dog-intake: cannot load OpenAPI spec {}: {e}",
                path.display()
            );
            None
        }
    };
    map.insert(key, spec.clone());
    spec
}

#[derive(Debug)]
enum Seg {
    Lit(String),
    Param,
}

#[derive(Debug, Clone)]
struct OpInfo {
    /// JSON body schema (refs already made absolute), if the operation has a JSON request body.
    body_schema: Option<Value>,
    body_required: bool,
    required_query: Vec<String>,
    /// Header parameters whose schema is an enum (e.g. `Content-Encoding`, only `deflate` for
    /// `/distribution_points`): lowercased name, allowed values.
    header_enums: Vec<(String, Vec<String>)>,
}

struct PathEntry {
    template: String,
    segs: Vec<Seg>,
    ops: HashMap<String, OpInfo>,
}

type Compiled = Arc<Result<jsonschema::Validator, String>>;

pub(crate) struct Spec {
    registry: jsonschema::Registry<'static>,
    paths: Vec<PathEntry>,
    cache: Mutex<HashMap<(String, String), Compiled>>,
}

impl Spec {
    fn from_file(path: &Path) -> Result<Spec, String> {
        let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        let doc: Value = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).map_err(|e| e.to_string())?
        } else {
            serde_norway::from_str(&text).map_err(|e| e.to_string())?
        };
        Spec::from_doc(doc)
    }

    pub(crate) fn from_doc(mut doc: Value) -> Result<Spec, String> {
        rewrite_openapi30(&mut doc);
        let paths = index_paths(&doc);
        let registry = jsonschema::Registry::new()
            .draft(Draft::Draft4)
            .add(SPEC_URI, doc)
            .and_then(|b| b.prepare())
            .map_err(|e| e.to_string())?;
        Ok(Spec {
            registry,
            paths,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// Best matching path template: most literal segments, leftmost literals first.
    fn find(&self, path: &str) -> Option<&PathEntry> {
        let segs: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
        let mut best: Option<(&PathEntry, Vec<bool>)> = None;
        for e in &self.paths {
            if e.segs.len() != segs.len() {
                continue;
            }
            let mut score = Vec::with_capacity(segs.len());
            let ok = e.segs.iter().zip(&segs).all(|(t, s)| match t {
                Seg::Lit(l) => {
                    score.push(true);
                    l == s
                }
                Seg::Param => {
                    score.push(false);
                    !s.is_empty()
                }
            });
            if ok && best.as_ref().is_none_or(|(_, b)| score > *b) {
                best = Some((e, score));
            }
        }
        best.map(|(e, _)| e)
    }

    fn validator(&self, method: &str, entry: &PathEntry, schema: &Value) -> Compiled {
        let key = (method.to_string(), entry.template.clone());
        if let Some(v) = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return v.clone();
        }
        // Compile outside the lock; a rare double compile is harmless.
        let compiled = jsonschema::options()
            .with_draft(Draft::Draft4)
            .with_registry(&self.registry)
            .with_keyword("readOnly", read_only_factory)
            .build(schema)
            .map_err(|e| format!("cannot compile schema for {method} {}: {e}", entry.template));
        let compiled = Arc::new(compiled);
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, compiled.clone());
        compiled
    }

    /// Validate one request. `query` is the list of decoded query parameters, or `None` to skip
    /// the required-query-parameter check.
    pub(crate) fn validate(
        &self,
        method: &str,
        path: &str,
        query: Option<&[(String, String)]>,
        body: Option<&Value>,
    ) -> Contract {
        let method = method.to_ascii_lowercase();
        let Some(entry) = self.find(path) else {
            return Contract::NotInSpec;
        };
        let Some(op) = entry.ops.get(&method) else {
            return Contract::NotInSpec;
        };
        let mut errors = Vec::new();
        if let Some(q) = query {
            for name in &op.required_query {
                if !q.iter().any(|(k, _)| k == name) {
                    errors.push(format!("?{name}: required query parameter is missing"));
                }
            }
        }
        // `{}` / `null` sent to an operation without a body is harmless; anything else is not.
        let body = match op.body_schema {
            None => body.filter(|b| !(b.is_null() || b.as_object().is_some_and(|o| o.is_empty()))),
            Some(_) => body,
        };
        let mut had_body = false;
        match (body, &op.body_schema) {
            (None, _) if op.body_required => errors.push("/: request body is required".into()),
            (None, _) => {}
            (Some(_), None) => {
                errors.push("/: the spec describes no request body for this operation".into())
            }
            (Some(b), Some(schema)) => {
                had_body = true;
                match &*self.validator(&method, entry, schema) {
                    Ok(v) => errors.extend(v.iter_errors(b).map(|e| {
                        let p = e.instance_path().as_str().to_string();
                        format!("{}: {}", if p.is_empty() { "/" } else { &p }, e)
                    })),
                    Err(msg) => errors.push(format!("/: (intake) {msg}")),
                }
            }
        }
        if !errors.is_empty() {
            Contract::Invalid(errors)
        } else if had_body {
            Contract::Valid
        } else {
            Contract::NoBody
        }
    }

    /// Header values outside the enum the operation declares for that header (e.g. a gzip
    /// body sent to `/distribution_points`, which accepts only `deflate`), as
    /// `"header <Name>: ..."` errors. Headers the operation does not describe are not checked.
    pub(crate) fn header_errors(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
    ) -> Vec<String> {
        let method = method.to_ascii_lowercase();
        let Some(op) = self.find(path).and_then(|e| e.ops.get(&method)) else {
            return Vec::new();
        };
        let mut errors = Vec::new();
        for (name, allowed) in &op.header_enums {
            for (k, v) in headers {
                if k.eq_ignore_ascii_case(name) && !allowed.iter().any(|a| a == v.trim()) {
                    errors.push(format!(
                        "header {k}: {:?} is not one of {allowed:?}",
                        v.trim()
                    ));
                }
            }
        }
        errors
    }

    /// Every (METHOD, template) of the spec; used by tests to compile everything once.
    #[cfg(test)]
    fn all_ops(&self) -> Vec<(String, String)> {
        let mut v = Vec::new();
        for e in &self.paths {
            for m in e.ops.keys() {
                v.push((m.clone(), e.template.clone()));
            }
        }
        v
    }
}

/// `readOnly` is an annotation in JSON Schema; in a *request* a readOnly property should not be
/// sent at all (OpenAPI 3.0), so the intake reports it.
struct ReadOnlyPresent;

impl<'i> Keyword<'i> for ReadOnlyPresent {
    fn validate(&self, _instance: &'i Value) -> Result<(), ValidationError<'i>> {
        Err(ValidationError::custom(
            "property is readOnly and must not be sent in a request",
        ))
    }
    fn is_valid(&self, _instance: &'i Value) -> bool {
        false
    }
}

struct Noop;

impl<'i> Keyword<'i> for Noop {
    fn validate(&self, _instance: &'i Value) -> Result<(), ValidationError<'i>> {
        Ok(())
    }
    fn is_valid(&self, _instance: &'i Value) -> bool {
        true
    }
}

fn read_only_factory<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    _path: jsonschema::paths::Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    if value.as_bool() == Some(true) {
        Ok(Box::new(ReadOnlyPresent))
    } else {
        Ok(Box::new(Noop))
    }
}

fn resolve_local<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(ptr) => doc.pointer(ptr).unwrap_or(v),
        None => v,
    }
}

fn index_paths(doc: &Value) -> Vec<PathEntry> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (template, item) in paths {
        let segs = template
            .trim_end_matches('/')
            .split('/')
            .skip(1)
            .map(|s| {
                if s.starts_with('{') && s.ends_with('}') {
                    Seg::Param
                } else {
                    Seg::Lit(s.to_string())
                }
            })
            .collect();
        let common: Vec<&Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let mut ops = HashMap::new();
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            let Some(op) = item.get(method) else { continue };
            let mut required_query = Vec::new();
            let mut header_enums = Vec::new();
            let params = op.get("parameters").and_then(Value::as_array);
            for p in common.iter().copied().chain(params.into_iter().flatten()) {
                let p = resolve_local(doc, p);
                if p.get("in").and_then(Value::as_str) == Some("header") {
                    let schema = p.get("schema").map(|s| resolve_local(doc, s));
                    let allowed = schema.and_then(|s| s.get("enum")).and_then(Value::as_array);
                    if let (Some(n), Some(allowed)) =
                        (p.get("name").and_then(Value::as_str), allowed)
                    {
                        let allowed = allowed
                            .iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect();
                        header_enums.push((n.to_ascii_lowercase(), allowed));
                    }
                }
                if p.get("in").and_then(Value::as_str) == Some("query")
                    && p.get("required").and_then(Value::as_bool) == Some(true)
                {
                    if let Some(n) = p.get("name").and_then(Value::as_str) {
                        required_query.push(n.to_string());
                    }
                }
            }
            let rb = op.get("requestBody").map(|r| resolve_local(doc, r));
            let body_required = rb
                .and_then(|r| r.get("required"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            // Datadog describes /series and /distribution_points as `text/json`.
            let body_schema = rb.and_then(|r| r.get("content")).and_then(|c| {
                let c = c.as_object()?;
                let media = c
                    .get("application/json")
                    .or_else(|| c.get("text/json"))
                    .or_else(|| c.iter().find(|(k, _)| k.contains("json")).map(|(_, v)| v))?;
                let mut s = media.get("schema")?.clone();
                absolutize_refs(&mut s);
                Some(s)
            });
            ops.insert(
                method.to_string(),
                OpInfo {
                    body_schema,
                    body_required,
                    required_query,
                    header_enums,
                },
            );
        }
        out.push(PathEntry {
            template: template.clone(),
            segs,
            ops,
        });
    }
    out
}

/// `#/components/...` → `urn:…#/components/...` so a schema copied out of the document resolves
/// against the registered document.
fn absolutize_refs(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref") {
                if r.starts_with('#') {
                    *r = format!("{SPEC_URI}{r}");
                }
            }
            m.values_mut().for_each(absolutize_refs);
        }
        Value::Array(a) => a.iter_mut().for_each(absolutize_refs),
        _ => {}
    }
}

/// OpenAPI 3.0 → JSON Schema Draft 4: `nullable: true` becomes an explicit `null` type.
/// (Boolean `exclusiveMinimum`/`exclusiveMaximum` are already Draft 4 semantics.)
fn rewrite_openapi30(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.values_mut().for_each(rewrite_openapi30);
            if m.get("nullable") != Some(&Value::Bool(true)) {
                return;
            }
            m.remove("nullable");
            if let Some(Value::Array(e)) = m.get_mut("enum") {
                if !e.contains(&Value::Null) {
                    e.push(Value::Null);
                }
            }
            match m.get("type").cloned() {
                Some(Value::String(t)) => {
                    m.insert("type".into(), json!([t, "null"]));
                }
                Some(Value::Array(mut ts)) => {
                    if !ts.contains(&json!("null")) {
                        ts.push(json!("null"));
                    }
                    m.insert("type".into(), Value::Array(ts));
                }
                _ if m.contains_key("$ref")
                    || m.contains_key("oneOf")
                    || m.contains_key("anyOf")
                    || m.contains_key("allOf") =>
                {
                    // `$ref` siblings are ignored by Draft 4, and a combinator would still reject
                    // null: wrap the whole thing.
                    let inner = std::mem::take(m);
                    m.insert(
                        "anyOf".into(),
                        json!([Value::Object(inner), {"type": "null"}]),
                    );
                }
                _ => {}
            }
        }
        Value::Array(a) => a.iter_mut().for_each(rewrite_openapi30),
        _ => {}
    }
}

/// The public validator: the default spec, query parameters checked only when `path` has a
/// `?query` part.
pub(crate) fn validate_public(method: &str, path: &str, body: Option<&Value>) -> Contract {
    let Some(spec) = load(None) else {
        return Contract::NoSpec;
    };
    let (p, q) = match path.split_once('?') {
        Some((p, q)) => (p, Some(crate::query::parse_query(q))),
        None => (path, None),
    };
    spec.validate(method, p, q.as_deref(), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Arc<Spec> {
        load(None).expect("intake/spec/v1-openapi.yaml not found (or DOG_OPENAPI_SPEC unreadable)")
    }

    fn invalid(c: Contract) -> Vec<String> {
        match c {
            Contract::Invalid(e) => e,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn series_valid_and_null_tags_invalid() {
        let s = spec();
        let ok = json!({"series":[{"metric":"a.b","points":[[1700000000, 1.5]],"type":"gauge",
            "host":"h","tags":["env:x"]}]});
        assert_eq!(
            s.validate("POST", "/api/v1/series", Some(&[]), Some(&ok)),
            Contract::Valid
        );
        let bad = json!({"series":[{"metric":"a.b","points":[[1700000000, 1.5]],"tags":null}]});
        let e = invalid(s.validate("POST", "/api/v1/series", None, Some(&bad)));
        assert!(e.iter().any(|e| e.starts_with("/series/0/tags:")), "{e:?}");
        // nullable field accepts null
        let interval = json!({"series":[{"metric":"a","points":[[1,2]],"interval":null}]});
        assert_eq!(
            s.validate("POST", "/api/v1/series", None, Some(&interval)),
            Contract::Valid
        );
    }

    #[test]
    fn distribution_points_body_and_content_encoding() {
        let s = spec();
        let ok = json!({"series":[{"metric":"lat","points":[[1700000000, [1.0, 2.5]]],
            "type":"distribution","host":"h","tags":["env:x"]}]});
        let p = "/api/v1/distribution_points";
        assert_eq!(s.validate("POST", p, Some(&[]), Some(&ok)), Contract::Valid);
        // A point is [timestamp, [values]]: a bare number is not a list of values.
        let bad = json!({"series":[{"metric":"lat","points":[[1700000000, 1.0, 2.0]]}]});
        assert!(!invalid(s.validate("POST", p, None, Some(&bad))).is_empty());
        let bad =
            json!({"series":[{"metric":"lat","points":[[1700000000, [1.0]]],"type":"gauge"}]});
        assert!(!invalid(s.validate("POST", p, None, Some(&bad))).is_empty());
        let h = |v: &str| vec![("Content-Encoding".to_string(), v.to_string())];
        assert!(s.header_errors("POST", p, &h("deflate")).is_empty());
        let e = s.header_errors("POST", p, &h("gzip"));
        assert_eq!(
            e,
            ["header Content-Encoding: \"gzip\" is not one of [\"deflate\"]"]
        );
        assert!(s
            .header_errors("POST", "/api/v1/series", &h("gzip"))
            .is_empty());
        assert!(s.header_errors("POST", p, &[]).is_empty());
    }

    #[test]
    fn event_tags_string_invalid() {
        let s = spec();
        let ok = json!({"title":"t","text":"x","tags":["a:b"],"priority":"normal"});
        assert_eq!(
            s.validate("POST", "/api/v1/events", None, Some(&ok)),
            Contract::Valid
        );
        let bad = json!({"title":"t","text":"x","tags":"a:b,c"});
        let e = invalid(s.validate("POST", "/api/v1/events", None, Some(&bad)));
        assert!(e.iter().any(|e| e.starts_with("/tags:")), "{e:?}");
        // nullable enum accepts null
        let np = json!({"title":"t","text":"x","priority":null});
        assert_eq!(
            s.validate("POST", "/api/v1/events", None, Some(&np)),
            Contract::Valid
        );
    }

    #[test]
    fn check_run_single_object_invalid() {
        let s = spec();
        let one = json!({"check":"app.ok","host_name":"h","status":0,"tags":[]});
        invalid(s.validate("POST", "/api/v1/check_run", None, Some(&one)));
        let arr = json!([one]);
        assert_eq!(
            s.validate("POST", "/api/v1/check_run", None, Some(&arr)),
            Contract::Valid
        );
    }

    #[test]
    fn no_body_not_in_spec_and_query() {
        let s = spec();
        assert_eq!(
            s.validate("GET", "/api/v1/events/123", Some(&[]), None),
            Contract::NoBody
        );
        assert_eq!(
            s.validate("GET", "/api/v1/nope", None, None),
            Contract::NotInSpec
        );
        assert_eq!(
            s.validate("POST", "/api/v2/series", None, None),
            Contract::NotInSpec
        );
        assert_eq!(
            s.validate("PATCH", "/api/v1/events/1", None, None),
            Contract::NotInSpec
        );
        let e = invalid(s.validate("GET", "/api/v1/search", Some(&[]), None));
        assert_eq!(
            e,
            vec!["?q: required query parameter is missing".to_string()]
        );
        let q = vec![("q".to_string(), "hosts:a".to_string())];
        assert_eq!(
            s.validate("GET", "/api/v1/search", Some(&q), None),
            Contract::NoBody
        );
        // literal segment wins over a template segment
        assert_eq!(
            s.validate("GET", "/api/v1/monitor/can_delete", None, None),
            Contract::NoBody
        );
        invalid(s.validate("POST", "/api/v1/events", None, None)); // body required
    }

    #[test]
    fn read_only_reported() {
        let s = spec();
        let d = json!({"scope":["env:x"],"id":5});
        let e = invalid(s.validate("POST", "/api/v1/downtime", None, Some(&d)));
        assert!(
            e.iter()
                .any(|e| e.starts_with("/id:") && e.contains("readOnly")),
            "{e:?}"
        );
    }

    #[test]
    fn public_validate_parses_query() {
        assert!(matches!(
            validate_public("GET", "/api/v1/search?x=1", None),
            Contract::Invalid(_)
        ));
        assert_eq!(
            validate_public("GET", "/api/v1/search?q=a", None),
            Contract::NoBody
        );
        assert_eq!(
            validate_public("GET", "/api/v1/search", None),
            Contract::NoBody
        );
    }

    #[test]
    fn every_body_schema_compiles() {
        let s = spec();
        let t = std::time::Instant::now();
        let mut failed = Vec::new();
        for (m, tpl) in s.all_ops() {
            let e = s.find(&tpl).unwrap();
            if let Some(schema) = &e.ops[&m].body_schema {
                if let Err(msg) = &*s.validator(&m, e, schema) {
                    failed.push(msg.clone());
                }
            }
        }
        eprintln!("compiled all body schemas in {:?}", t.elapsed());
        assert!(failed.is_empty(), "{failed:#?}");
    }
}
