//! dogapi's response rules over a raw answer, reading only what the call needs.
//!
//! The body is kept once (it becomes the response's body), checked to be JSON without building
//! a tree, and then only the parts a call asks for are located in place: the `errors` key, the
//! result path (e.g. `event.id`) and the id path. A picked part is copied as text; the whole
//! body is never parsed into a `serde_json::Value` (a `[0,0,…]` answer would take ~16x its size
//! as a tree) and a result that is the whole answer is the body itself.

use super::response::{Outcome, Response, ResultView};
use crate::error::{Error, ErrorKind};
use crate::secrets::Secrets;
use serde::de::{Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt;

/// Where dogapi's result (or the id of what a call created) is in an answer: a path of object
/// keys, and optionally a conversion of the small value found there.
#[derive(Debug, Clone, Copy)]
pub struct Pick {
    pub path: &'static [&'static str],
    pub map: Option<fn(&Value) -> Option<Value>>,
}

impl Pick {
    /// The value at `path` (`&["event", "id"]`), as it is in the answer.
    pub const fn at(path: &'static [&'static str]) -> Pick {
        Pick { path, map: None }
    }

    /// The value at `path`, converted by `f` (`None`: the answer lacks the expected field).
    pub const fn map(path: &'static [&'static str], f: fn(&Value) -> Option<Value>) -> Pick {
        Pick { path, map: Some(f) }
    }
}

/// What a call wants from its answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wants {
    /// dogapi's formatter; `None`: the whole answer.
    pub result: Option<Pick>,
    /// Where the id of a created object is.
    pub id: Option<Pick>,
    /// Only the status: a 2xx body is not looked at.
    pub status_only: bool,
}

/// Picked values larger than this are not turned into a `Value` (errors, mapped results).
const SMALL: usize = 64 * 1024;

struct KeyIs<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIs<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E>(self, v: &str) -> Result<bool, E> {
        Ok(v == self.0)
    }
}

struct FindKey<'k>(&'k str);

impl<'de> Visitor<'de> for FindKey<'_> {
    type Value = Option<&'de RawValue>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(hit) = m.next_key_seed(KeyIs(self.0))? {
            if hit {
                found = Some(m.next_value::<&'de RawValue>()?); // the last duplicate wins, as in a Value
            } else {
                m.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Which of the wanted keys (up to 32; they may repeat) an object key is: bit i for `keys[i]`.
struct KeyIn<'k>(&'k [&'k str]);

impl<'de> DeserializeSeed<'de> for KeyIn<'_> {
    type Value = u32;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u32, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIn<'_> {
    type Value = u32;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E>(self, v: &str) -> Result<u32, E> {
        Ok(self.0.iter().enumerate().filter(|(_, k)| **k == v).fold(0, |m, (i, _)| m | 1 << i))
    }
}

/// The members `keys` of the top-level object, found in the pass that checks the whole answer
/// is JSON (the last duplicate wins, as in [`member`]).
struct FindKeys<'k, const N: usize>(&'k [&'k str; N]);

impl<'de, const N: usize> Visitor<'de> for FindKeys<'_, N> {
    type Value = [Option<&'de RawValue>; N];
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        let mut found = [None; N];
        while let Some(hits) = m.next_key_seed(KeyIn(self.0))? {
            if hits == 0 {
                m.next_value::<IgnoredAny>()?;
                continue;
            }
            let v = m.next_value::<&'de RawValue>()?;
            for (i, slot) in found.iter_mut().enumerate() {
                if hits & 1 << i != 0 {
                    *slot = Some(v);
                }
            }
        }
        Ok(found)
    }
}

/// The top of an answer: `None` when it is not JSON; otherwise the members `keys` of the
/// top-level object (all `None` when the answer is JSON but not an object). One pass.
fn top<'a, const N: usize>(text: &'a str, keys: &[&str; N]) -> Option<[Option<&'a RawValue>; N]> {
    debug_assert!(N <= 32, "KeyIn marks keys in a u32");
    let mut de = serde_json::Deserializer::from_str(text);
    let found = if text.trim_start().starts_with('{') {
        de.deserialize_map(FindKeys(keys)).ok()?
    } else {
        IgnoredAny::deserialize(&mut de).ok()?;
        [None; N]
    };
    de.end().ok()?;
    Some(found)
}

/// The member `key` of a JSON object, in place; `None` when `v` is not an object or lacks it.
fn member<'a>(v: &'a RawValue, key: &str) -> Option<&'a RawValue> {
    if !v.get().starts_with('{') {
        return None;
    }
    serde_json::Deserializer::from_str(v.get()).deserialize_map(FindKey(key)).ok().flatten()
}

/// Applies a pick, given the top-level member its path starts at: the text of the value
/// found, converted when the pick says so.
fn pick(first: Option<&RawValue>, p: &Pick) -> Option<String> {
    let raw = p.path.get(1..)?.iter().try_fold(first?, |v, k| member(v, k))?;
    match p.map {
        None => Some(raw.get().to_string()),
        Some(f) if raw.get().len() <= SMALL => f(&serde_json::from_str(raw.get()).ok()?).map(|v| v.to_string()),
        Some(_) => None,
    }
}

/// Whether `p` picks exactly what `other` does (same path, neither converting).
fn same_place(p: &Pick, other: Option<Pick>) -> bool {
    other.is_some_and(|o| p.map.is_none() && o.map.is_none() && p.path == o.path)
}

/// An id as text: a JSON string unquoted, anything else (a number) as written.
fn id_text(json: String) -> String {
    if json.starts_with('"') {
        serde_json::from_str::<String>(&json).unwrap_or(json)
    } else {
        json
    }
}

/// The first 200 characters of a body, for error messages. Secrets are scrubbed before it is
/// cut, so a key the cut would split cannot leave a piece behind.
fn snippet(body: &[u8], secrets: &Secrets) -> String {
    let window: String =
        String::from_utf8_lossy(&body[..body.len().min(4096)]).trim().chars().take(200 + 512).collect();
    let t = secrets.scrub(&window);
    if t.chars().count() > 200 {
        format!("{}…", t.chars().take(200).collect::<String>())
    } else {
        t.into_owned()
    }
}

fn errors_text(errs: &RawValue, secrets: &Secrets) -> Option<String> {
    if errs.get().len() > SMALL {
        return Some(snippet(errs.get().as_bytes(), secrets));
    }
    Some(match serde_json::from_str::<Value>(errs.get()).ok()? {
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string).unwrap_or_else(|| i.to_string()))
            .collect::<Vec<_>>()
            .join("; "),
        Value::String(s) => s,
        other => other.to_string(),
    })
}

/// dogapi's response rules, corrected for today's API: a non-2xx status or an `errors` key is
/// an error; the response is handed out either way. `status_only`: a 2xx answer is not looked
/// at at all (the stats sender needs nothing else).
/// `what` names the call in messages (`POST /api/v1/events`).
pub fn interpret(
    req: &Wants,
    what: &dyn fmt::Display,
    status: u16,
    headers: ureq::http::HeaderMap,
    body: Vec<u8>,
    json_responses: bool,
    secrets: &Secrets,
) -> Outcome {
    let mut response = Response { status, headers, body, result: None, id: None };
    let ok_status = (200..300).contains(&status);
    if ok_status && req.status_only {
        return Outcome { response: Some(response), error: None };
    }
    let text = std::str::from_utf8(&response.body).ok();
    // The top-level keys read: `errors`, and where the result and the id start.
    let first_key = |p: Option<Pick>| p.and_then(|p| p.path.first().copied()).unwrap_or("");
    let keys = ["errors", first_key(req.result), first_key(req.id)];
    // None: empty; Some(Err): not JSON; Some(Ok(members)): JSON.
    let parsed: Option<Result<[Option<&RawValue>; 3], ()>> = match text {
        Some(t) if t.trim().is_empty() => None,
        Some(t) => Some(top(t, &keys).ok_or(())),
        None => Some(Err(())),
    };
    let root = parsed.and_then(Result::ok);
    let api_errors = root.and_then(|[errs, _, _]| errs).and_then(|e| errors_text(e, secrets));

    let error = if status == 429 {
        let wait = response
            .header("retry-after")
            .or_else(|| response.header("x-ratelimit-reset"))
            .map(|s| format!(" (retry after {s} s)"))
            .unwrap_or_default();
        Some(Error::new(ErrorKind::RateLimited, format!("{what}: rate limited, HTTP 429{wait}")))
    } else if !ok_status {
        Some(match &api_errors {
            Some(errs) => Error::new(ErrorKind::Api, format!("{what}: HTTP {status}: {errs}")),
            None => Error::new(
                ErrorKind::HttpStatus,
                format!("{what}: HTTP {status}: {}", snippet(&response.body, secrets)),
            ),
        })
    } else if matches!(parsed, Some(Err(()))) {
        Some(Error::new(
            ErrorKind::InvalidResponse,
            format!("{what}: response is not JSON: {}", snippet(&response.body, secrets)),
        ))
    } else {
        api_errors.as_ref().map(|errs| Error::new(ErrorKind::Api, format!("{what}: {errs}")))
    };
    if error.is_some() {
        return Outcome { response: Some(response), error };
    }

    // Most calls that create something return it whole and its id inside (`event.id` for
    // both): the id is then picked from the picked result instead of the whole answer again.
    let picked_result = match (json_responses, req.result, root) {
        (false, Some(p), Some([_, first, _])) => Some(pick(first, &p)),
        _ => None,
    };
    let id = match (req.id, root, &picked_result) {
        (Some(p), Some(_), Some(found)) if same_place(&p, req.result) => found.clone().map(id_text),
        (Some(p), Some([_, _, first]), _) => pick(first, &p).map(id_text),
        _ => None,
    };
    let result = match (json_responses, req.result, root) {
        (true, _, Some(_)) | (false, None, Some(_)) => Ok(Some(ResultView::WholeBody)),
        (true, _, None) => Ok(Some(ResultView::Text("{}".to_string()))),
        (false, None, None) => Ok(None),
        (false, Some(_), Some(_)) => picked_result.flatten().map(|t| Some(ResultView::Text(t))).ok_or_else(|| {
            format!("{what}: the answer lacks the expected field: {}", snippet(&response.body, secrets))
        }),
        (false, Some(_), None) => Err(format!("{what}: empty answer where a result was expected")),
    };
    response.id = id;
    match result {
        Ok(r) => {
            response.result = r;
            Outcome { response: Some(response), error: None }
        }
        Err(msg) => Outcome { response: Some(response), error: Some(Error::new(ErrorKind::InvalidResponse, msg)) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> Wants {
        Wants { result: Some(Pick::at(&["event", "id"])), id: Some(Pick::at(&["event", "id"])), status_only: false }
    }

    fn run(r: &Wants, status: u16, body: &str, json_responses: bool) -> Outcome {
        interpret(
            r,
            &"POST /p",
            status,
            Default::default(),
            body.as_bytes().to_vec(),
            json_responses,
            &Secrets::default(),
        )
    }

    #[test]
    fn formatter_and_id() {
        let o = run(&req(), 202, r#"{"a":[1,{"id":2}],"event":{"x":"}","id":7}}"#, false);
        assert!(o.is_ok());
        let r = o.response.unwrap();
        assert_eq!(r.result_text(), Some("7"));
        assert_eq!(r.id.as_deref(), Some("7"));
        let p = Wants { result: Some(Pick::at(&["data"])), id: Some(Pick::at(&["data", "id"])), status_only: false };
        let r = run(&p, 200, r#"{"data": {"id": "ab\"c"} }"#, false).response.unwrap();
        assert_eq!(r.result_text(), Some(r#"{"id": "ab\"c"}"#));
        assert_eq!(r.id.as_deref(), Some("ab\"c"));
    }

    #[test]
    fn the_one_pass_over_the_top_finds_what_member_found() {
        let ok = |body: &str| run(&req(), 202, body, false).response.unwrap().result_text().map(str::to_string);
        assert_eq!(ok("  {\"event\":{\"id\":3}}\n").as_deref(), Some("3"), "whitespace around");
        assert_eq!(ok(r#"{"ev\u0065nt":{"id":4}}"#).as_deref(), Some("4"), "an escaped key");
        assert_eq!(ok(r#"{"event":{"id":1},"event":{"id":5}}"#).as_deref(), Some("5"), "the last duplicate");
        let k = |b: &str| run(&req(), 202, b, false).error.map(|e| e.kind);
        assert_eq!(k(r#"{"event":{"id":1},"errors":["x"]}"#), Some(ErrorKind::Api), "errors after the result");
        assert_eq!(k(r#"{"event":{"id":1}"#), Some(ErrorKind::InvalidResponse), "unterminated");
        assert_eq!(k(r#""{\"event\":1}""#), Some(ErrorKind::InvalidResponse), "a string, not an object");
        // Result and id under the same top-level key, one of them deeper.
        let p = Wants { result: Some(Pick::at(&["data", "x"])), id: Some(Pick::at(&["data"])), status_only: false };
        let r = run(&p, 200, r#"{"data":{"x":[1]}}"#, false).response.unwrap();
        assert_eq!((r.result_text(), r.id.as_deref()), (Some("[1]"), Some(r#"{"x":[1]}"#)));
    }

    #[test]
    fn json_responses_returns_whole_body_and_empty_becomes_object() {
        let o = run(&req(), 202, r#"{"event":{"id":7}}"#, true);
        assert_eq!(o.response.unwrap().result_text(), Some(r#"{"event":{"id":7}}"#));
        let o = run(&Wants::default(), 204, "", true);
        assert_eq!(o.response.unwrap().result_text(), Some("{}"));
    }

    #[test]
    fn statuses() {
        let k = |s: u16, b: &str| run(&req(), s, b, false).error.map(|e| e.kind);
        assert_eq!(k(500, r#"{"status":"ok"}"#), Some(ErrorKind::HttpStatus));
        assert_eq!(k(404, r#"{"errors":["nope"]}"#), Some(ErrorKind::Api));
        assert_eq!(k(200, r#"{"errors":[]}"#), Some(ErrorKind::Api));
        assert_eq!(k(429, "{}"), Some(ErrorKind::RateLimited));
        assert_eq!(k(200, "<html>"), Some(ErrorKind::InvalidResponse));
        assert_eq!(k(200, r#"{"event":{"id":1}} x"#), Some(ErrorKind::InvalidResponse)); // trailing garbage
        assert_eq!(k(200, r#"{"status":"ok"}"#), Some(ErrorKind::InvalidResponse)); // formatter fails
        assert_eq!(k(200, r#"[{"event":{"id":1}}]"#), Some(ErrorKind::InvalidResponse));
        assert_eq!(k(502, "<html>bad gateway</html>"), Some(ErrorKind::HttpStatus));
    }

    #[test]
    fn status_only_requests_do_not_look_at_a_2xx_body() {
        let r = Wants { status_only: true, ..Wants::default() };
        let o = run(&r, 202, "not json at all", false);
        assert!(o.is_ok());
        assert!(o.response.unwrap().result.is_none());
        assert_eq!(run(&r, 400, r#"{"errors":["bad"]}"#, false).error.map(|e| e.kind), Some(ErrorKind::Api));
    }

    #[test]
    fn mapped_picks_and_secrets_in_snippets() {
        fn int(v: &Value) -> Option<Value> {
            v.as_str().and_then(|s| s.parse::<i64>().ok()).map(Value::from)
        }
        let r = Wants { result: Some(Pick::map(&["status_code"], int)), ..Wants::default() };
        assert_eq!(run(&r, 200, r#"{"status_code":"200"}"#, false).response.unwrap().result_text(), Some("200"));
        let mut s = Secrets::default();
        s.add("0123456789abcdef");
        let body = format!("{}0123456789abcdef", "x".repeat(190));
        let o = interpret(&req(), &"POST /p", 500, Default::default(), body.into_bytes(), false, &s);
        let msg = o.error.unwrap().message;
        assert!(!msg.contains("01234567") && msg.contains("[redac"), "{msg}");
    }
}
