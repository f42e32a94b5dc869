//! Datadog's rules for metric names, check names, tags and point timestamps, applied before
//! anything is sent (the HTTP metric calls) or aggregated (a stats context is created).
//!
//! Datadog's documented rules ("Naming custom metrics", "Getting started with tags"):
//! metric names start with a letter, hold only ASCII letters, digits, `_` and `.` (other
//! characters become `_`), at most 200 characters, no Unicode; tags hold letters (Unicode),
//! digits, `_ - : . /` (other characters become `_`, runs of `_` become one, a trailing `_`
//! is removed), at most 200 characters, and are lower-cased by the intake; points more than
//! 1 hour old or 10 minutes ahead are not accepted.
//!
//! What libdogapi does with them (decided so that nothing is silently merged or rewritten into
//! something else than Datadog would store):
//! - names (metric and service check): a character Datadog would turn into `_` is turned into
//!   `_` here (same result, and the caller sees it); refused with `DOG_ERR_INVALID_ARGUMENT`
//!   when Datadog would drop or mangle the name instead: empty, over 200 bytes, not starting
//!   with an ASCII letter, holding a control character or a non-ASCII character;
//! - tags: normalised as Datadog does, except that case is kept (the intake lower-cases) and
//!   leading characters are kept; a tag that is empty after normalising is dropped; one over
//!   200 characters is refused (truncating could merge two tags); already valid tags are
//!   never changed;
//! - timestamps: outside [now − 3600 s, now + 600 s] refused (HTTP) or dropped and counted
//!   (stats).

use crate::error::Error;
use std::borrow::Cow;

/// Longest metric or check name, in bytes (names are ASCII).
pub(crate) const MAX_NAME_LEN: usize = 200;
/// Longest tag, in characters.
pub(crate) const MAX_TAG_LEN: usize = 200;
/// Oldest point the intake accepts, in seconds before now.
pub(crate) const MAX_AGE_SECS: f64 = 3600.0;
/// Furthest point ahead of now the intake accepts, in seconds.
pub(crate) const MAX_AHEAD_SECS: f64 = 600.0;
/// Most points one series may carry in one call (far above what one 3.2 MB payload holds).
pub(crate) const MAX_POINTS: usize = 1_000_000;

/// A metric or check name (`what` names it in the error), normalised or refused.
pub fn name<'a>(what: &str, name: &'a str) -> Result<Cow<'a, str>, Error> {
    let first = name.chars().next().ok_or_else(|| Error::invalid(format!("{what} name is empty")))?;
    if name.len() > MAX_NAME_LEN {
        return Err(Error::invalid(format!(
            "{what} name is {} bytes long; Datadog accepts at most {MAX_NAME_LEN}",
            name.len()
        )));
    }
    if let Some(c) = name.chars().find(|c| c.is_control() || !c.is_ascii()) {
        return Err(Error::invalid(format!(
            "{what} name {:?} holds {c:?}: only printable ASCII is allowed",
            name.escape_debug().to_string()
        )));
    }
    if !first.is_ascii_alphabetic() {
        return Err(Error::invalid(format!("{what} name {name:?} must start with a letter")));
    }
    let valid = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    if name.chars().all(valid) {
        return Ok(Cow::Borrowed(name));
    }
    Ok(Cow::Owned(name.chars().map(|c| if valid(c) { c } else { '_' }).collect()))
}

/// One tag normalised as Datadog does (case and leading characters kept); `None` when
/// nothing is left; refused when longer than [`MAX_TAG_LEN`].
pub fn tag(tag: &str) -> Result<Option<Cow<'_, str>>, Error> {
    let valid = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.' | '/');
    let normal = |t: &str| t.chars().all(valid) && !t.contains("__") && !t.ends_with('_') && !t.is_empty();
    let out: Cow<'_, str> = if normal(tag) {
        Cow::Borrowed(tag)
    } else {
        let mut s = String::with_capacity(tag.len());
        for c in tag.chars() {
            let c = if valid(c) { c } else { '_' };
            if !(c == '_' && s.ends_with('_')) {
                s.push(c);
            }
        }
        while s.ends_with('_') {
            s.pop();
        }
        if s.is_empty() {
            return Ok(None);
        }
        Cow::Owned(s)
    };
    let n = out.chars().count();
    if n > MAX_TAG_LEN {
        return Err(Error::invalid(format!("a tag is {n} characters long; Datadog accepts at most {MAX_TAG_LEN}")));
    }
    Ok(Some(out))
}

/// A comma-separated tag list (as [`crate::tags::split`]), every tag normalised.
pub fn tags(list: Option<&str>) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for t in crate::tags::split(list) {
        if let Some(n) = tag(&t)? {
            out.push(n.into_owned());
        }
    }
    Ok(out)
}

/// A comma-separated tag list with every tag normalised, joined back with `,`; borrowed when
/// no tag changes (the common case: no allocation).
pub fn tag_list(list: &str) -> Result<Cow<'_, str>, Error> {
    let mut changed = false;
    for t in list.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if !matches!(tag(t)?, Some(Cow::Borrowed(_))) {
            changed = true;
        }
    }
    if !changed {
        return Ok(Cow::Borrowed(list));
    }
    Ok(Cow::Owned(tags(Some(list))?.join(",")))
}

/// Whether a point at `ts` (POSIX seconds) is inside what the intake accepts at `now`.
#[inline]
pub fn timestamp_accepted(ts: f64, now: f64) -> bool {
    ts >= now - MAX_AGE_SECS && ts <= now + MAX_AHEAD_SECS
}

/// [`timestamp_accepted`] as an error naming the point.
pub fn check_timestamp(ts: f64, now: f64) -> Result<(), Error> {
    if timestamp_accepted(ts, now) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "point timestamp {ts} is outside what Datadog accepts (at most {MAX_AGE_SECS} s old, {MAX_AHEAD_SECS} s ahead of now {now:.0})"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(matches!(name("metric", "app.requests_total").unwrap(), Cow::Borrowed("app.requests_total")));
        assert_eq!(name("metric", "app.req-count/s x").unwrap(), "app.req_count_s_x");
        assert_eq!(name("metric", "A.b").unwrap(), "A.b"); // case sensitive, kept
        assert_eq!(name("metric", &"a".repeat(200)).unwrap().len(), 200);
        for bad in ["", "1abc", "_a", ".a", " a", "a\nb", "a\tb", "a\u{7f}", "café", &"a".repeat(201)] {
            assert!(name("metric", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tags_keep_valid_ones_untouched() {
        for ok in ["env:prod", "role:db", "k:v", "x", "Env:Prod", "path:/a/b", "v:1.2-rc_3", "région:été", "2xx", ":a"]
        {
            assert!(matches!(tag(ok).unwrap(), Some(Cow::Borrowed(t)) if t == ok), "{ok}");
        }
        assert_eq!(tag("a b").unwrap().unwrap(), "a_b");
        assert_eq!(tag("a\nb").unwrap().unwrap(), "a_b");
        assert_eq!(tag("email:x@y.com").unwrap().unwrap(), "email:x_y.com");
        assert_eq!(tag("a  ! b").unwrap().unwrap(), "a_b");
        assert_eq!(tag("a__b").unwrap().unwrap(), "a_b");
        assert_eq!(tag("trail_").unwrap().unwrap(), "trail");
        assert_eq!(tag("x!!").unwrap().unwrap(), "x");
        assert!(tag("!!").unwrap().is_none());
        assert!(tag(&"t".repeat(200)).unwrap().is_some());
        assert!(tag(&"é".repeat(200)).unwrap().is_some());
        assert!(tag(&"t".repeat(201)).is_err());
        assert_eq!(tags(Some("env:prod, a b ,,!!")).unwrap(), vec!["env:prod", "a_b"]);
        assert!(matches!(tag_list(" env:prod, role:db ,,").unwrap(), Cow::Borrowed(" env:prod, role:db ,,")));
        assert_eq!(tag_list("b:1,a b,!!").unwrap(), "b:1,a_b");
        assert!(tag_list(&"x".repeat(201)).is_err());
    }

    #[test]
    fn timestamps() {
        let now = 1_800_000_000.0;
        assert!(timestamp_accepted(now, now));
        assert!(timestamp_accepted(now - 3600.0, now));
        assert!(timestamp_accepted(now + 600.0, now));
        for bad in [now - 3601.0, now + 601.0, 1e18, -1e18, 0.0, f64::NAN] {
            assert!(check_timestamp(bad, now).is_err(), "{bad}");
        }
    }
}
