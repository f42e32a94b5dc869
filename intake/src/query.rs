//! Query strings and path segments as the intake decodes them: percent-decoding by the
//! `percent-encoding` crate (the same one libdogapi encodes with), `+` as a space in queries.

use percent_encoding::percent_decode_str;

/// Percent-decode (and `+` → space when `plus` is set), lossy UTF-8. A `%` not followed by two
/// hex digits is kept as it is.
pub(crate) fn percent_decode(s: &str, plus: bool) -> String {
    if plus && s.contains('+') {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    } else {
        percent_decode_str(s).decode_utf8_lossy().into_owned()
    }
}

/// `a=1&b=x+y` → `[("a","1"),("b","x y")]`.
pub(crate) fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        assert_eq!(
            parse_query("a=1&b=x+y%2Cz&c&d=%zz&e=%4"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y,z".into()),
                ("c".into(), "".into()),
                ("d".into(), "%zz".into()),
                ("e".into(), "%4".into())
            ]
        );
    }

    #[test]
    fn plus_is_a_space_only_in_queries_and_encoded_plus_stays() {
        assert_eq!(parse_query("t=a%2Bb+c"), vec![("t".into(), "a+b c".into())]);
        assert_eq!(percent_decode("a+b%20c", false), "a+b c");
        assert_eq!(percent_decode("%E2%9C%93%FF", false), "\u{2713}\u{FFFD}");
    }
}
