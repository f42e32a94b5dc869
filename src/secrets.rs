//! Redaction of secrets from every string the library builds (DESIGN §6).
//!
//! Two rules, applied in one place each:
//! - [`Secrets::scrub`]: the actual key values of a client (API key, application key, proxy
//!   credentials) are replaced by `[redacted]` wherever they appear, so text a server sends
//!   back (an error page quoting the request headers, a proxy's answer) cannot carry them into
//!   `dog_last_error()` or a log line. The HTTP client runs every error message through it
//!   before the message is logged or handed out.
//! - [`redact_userinfo`]: the `user:password@` part of a URL (a proxy URL) is replaced by
//!   `[redacted]@` before the URL is printed anywhere.

use std::borrow::Cow;

/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";

/// Values shorter than this are not scrubbed: replacing every `a` of a one-letter test key
/// would mangle messages without protecting anything.
const MIN_SECRET_LEN: usize = 4;

/// The secret values of one client.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    values: Vec<String>,
}

impl Secrets {
    /// Adds a value to scrub (ignored when empty or too short to be a secret).
    pub fn add(&mut self, value: &str) {
        if value.len() >= MIN_SECRET_LEN && !self.values.iter().any(|v| v == value) {
            self.values.push(value.to_string());
            // Longest first, so a secret containing another is replaced whole.
            self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        }
    }

    /// Adds the user name and password of a URL's userinfo (a proxy URL), raw and
    /// percent-decoded.
    pub fn add_userinfo_of(&mut self, url: &str) {
        if let Some(info) = userinfo(url) {
            for part in info.split(':') {
                self.add(part);
                if let Ok(decoded) = percent_encoding::percent_decode_str(part).decode_utf8() {
                    self.add(&decoded);
                }
            }
        }
    }

    /// `text` with every secret replaced by [`REDACTED`] (ASCII case-insensitively).
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for v in &self.values {
            if let Some(s) = replace_ci(&out, v) {
                out = Cow::Owned(s);
            }
        }
        out
    }
}

/// `None` when `needle` does not occur (ASCII case-insensitively) in `hay`.
fn replace_ci(hay: &str, needle: &str) -> Option<String> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i + n.len() <= h.len() {
        if h[i..i + n.len()].eq_ignore_ascii_case(n) {
            let o = out.get_or_insert_with(|| String::with_capacity(hay.len()));
            // Matches start and end on char boundaries: the needle is valid UTF-8 and equal
            // to the matched bytes up to ASCII case.
            o.push_str(&hay[copied..i]);
            o.push_str(REDACTED);
            i += n.len();
            copied = i;
        } else {
            i += 1;
        }
    }
    let mut o = out?;
    o.push_str(&hay[copied..]);
    Some(o)
}

/// The `user[:password]` of a URL (`scheme://user:pw@host...` or `user:pw@host...`).
fn userinfo(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority.rsplit_once('@').map(|(info, _)| info)
}

/// `url` with its userinfo (`user:password@`) replaced by `[redacted]@`.
pub fn redact_userinfo(url: &str) -> Cow<'_, str> {
    let Some(info) = userinfo(url) else {
        return Cow::Borrowed(url);
    };
    let start = info.as_ptr() as usize - url.as_ptr() as usize;
    Cow::Owned(format!("{}{REDACTED}{}", &url[..start], &url[start + info.len()..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_scrubbed_whatever_their_case() {
        let mut s = Secrets::default();
        s.add("abcdef0123456789");
        s.add("k"); // too short to scrub
        assert_eq!(s.scrub("dd-api-key: ABCDEF0123456789, x abcdef0123456789"), "dd-api-key: [redacted], x [redacted]");
        assert!(matches!(s.scrub("nothing here, k"), Cow::Borrowed(_)));
        assert_eq!(s.scrub("é abcdef0123456789 é"), "é [redacted] é");
    }

    #[test]
    fn userinfo_is_redacted_and_its_parts_scrubbed() {
        assert_eq!(redact_userinfo("http://user:p%5Ew@proxy:3128/x"), "http://[redacted]@proxy:3128/x");
        assert_eq!(redact_userinfo("user:s3cr^t{@proxy:3128"), "[redacted]@proxy:3128");
        assert_eq!(redact_userinfo("http://proxy:3128/a@b"), "http://proxy:3128/a@b");
        let mut s = Secrets::default();
        s.add_userinfo_of("http://user1:p%5Ewd@proxy:3128");
        assert_eq!(s.scrub("user1 p^wd p%5Ewd"), "[redacted] [redacted] [redacted]");
    }
}
