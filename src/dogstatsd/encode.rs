//! DogStatsD line encoding, as the official clients write it (datadog-go `statsd/format.go`):
//! `name:value|type[|@rate][|#tags][|c:container][|Tts]`, protocol 1.1 packed values
//! `name:v1:v2:…|type…`, events `_e{title_len,text_len}:title|text|d:|h:|k:|p:|s:|t:|#tags|c:`
//! and service checks `_sc|name|status|d:|h:|#tags|m:message|c:`.
//!
//! Lines are appended to a caller's buffer without the trailing newline (the packer adds it).
//! Sanitising: tags as datadogpy's `normalize_tags` (every character outside
//! `[\w\-:/.]` becomes `_`, so no `|`, `,`, `#` or newline can be injected through a tag);
//! metric names lose `:`, `|`, `@`, `#`, `,` and line breaks (→ `_`), which would otherwise
//! change how the Agent splits the line; free-text event and service-check fields lose `|` and
//! line breaks except where the format escapes them (event title/text, service-check message).

/// Metric type and its wire symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricKind {
    Gauge,
    Count,
    Histogram,
    Distribution,
    Timing,
    Set,
}

impl MetricKind {
    pub fn symbol(self) -> &'static str {
        match self {
            MetricKind::Gauge => "g",
            MetricKind::Count => "c",
            MetricKind::Histogram => "h",
            MetricKind::Distribution => "d",
            MetricKind::Timing => "ms",
            MetricKind::Set => "s",
        }
    }
    /// Whether a sample rate changes what the Agent computes (datagram_shell: c, h, d, ms).
    pub fn takes_rate(self) -> bool {
        matches!(self, MetricKind::Count | MetricKind::Histogram | MetricKind::Distribution | MetricKind::Timing)
    }
    /// Whether values may be packed several per line (protocol 1.1: every type but sets).
    pub fn packable(self) -> bool {
        !matches!(self, MetricKind::Set)
    }
}

/// Append a float as datadog-go does: shortest round-trip form without exponent
/// (`strconv.AppendFloat(v, 'f', -1, 64)`), or 6 decimals for timings (precision 6).
///
/// Written straight into the packet (no `String` per value), and integral values (counts,
/// sizes, most gauges) through `itoa`: the same digits as `Display`, which they are tested
/// against. Formatting was 61 % of a packed-histogram flush (`bench/DOGSTATSD.md`).
pub fn push_value(buf: &mut Vec<u8>, kind: MetricKind, v: f64) {
    use std::io::Write as _;
    if kind == MetricKind::Timing {
        let _ = write!(buf, "{v:.6}");
        return;
    }
    // |v| < 2^53: exactly an i64; -0.0 keeps Display's "-0".
    if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 && !(v == 0.0 && v.is_sign_negative()) {
        buf.extend_from_slice(itoa::Buffer::new().format(v as i64).as_bytes());
        return;
    }
    let _ = write!(buf, "{v}");
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '/' | '.')
}

/// One tag, normalised like datadogpy (`[^\w\d_\-:/\.]` → `_`).
pub fn normalize_tag(tag: &str) -> String {
    tag.chars().map(|c| if is_tag_char(c) { c } else { '_' }).collect()
}

/// Normalised tags joined with `,` (empty tags skipped), ready for [`Line::tags`].
pub fn join_tags<'a>(tags: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for t in tags.into_iter().map(str::trim).filter(|t| !t.is_empty()) {
        if !out.is_empty() {
            out.push(',');
        }
        out.extend(t.chars().map(|c| if is_tag_char(c) { c } else { '_' }));
    }
    out
}

/// A metric name that cannot change how the Agent splits the line.
pub fn sanitize_name(name: &str) -> String {
    name.chars().map(|c| if matches!(c, ':' | '|' | '@' | '#' | ',') || c.is_control() { '_' } else { c }).collect()
}

/// A free-text field (hostname, aggregation key, source…): `|` and control characters → `_`.
fn sanitize_field(s: &str) -> String {
    s.chars().map(|c| if c == '|' || c.is_control() { '_' } else { c }).collect()
}

/// What follows the values of a metric line: everything but name and values. Tags must
/// already be joined and normalised ([`join_tags`]); `container_id` empty = no `|c:`.
#[derive(Clone, Debug, Default)]
pub struct Line<'a> {
    pub rate: f64,
    pub tags: &'a str,
    pub container_id: &'a str,
    /// Protocol 1.3 timestamp (`|T<unix>`), gauges and counts only; `None` = Agent time.
    pub timestamp: Option<i64>,
}

/// Append `|type|@rate|#tags|c:id|Tts` (datadog-go field order).
pub fn push_tail(buf: &mut Vec<u8>, kind: MetricKind, l: &Line) {
    buf.push(b'|');
    buf.extend_from_slice(kind.symbol().as_bytes());
    // Both official clients write the rate for every type (the Agent ignores it on gauges).
    if l.rate < 1.0 && l.rate > 0.0 {
        buf.extend_from_slice(b"|@");
        buf.extend_from_slice(format!("{}", l.rate).as_bytes());
    }
    if !l.tags.is_empty() {
        buf.extend_from_slice(b"|#");
        buf.extend_from_slice(l.tags.as_bytes());
    }
    if !l.container_id.is_empty() {
        buf.extend_from_slice(b"|c:");
        buf.extend_from_slice(l.container_id.as_bytes());
    }
    if let Some(ts) = l.timestamp.filter(|t| *t > 0) {
        if matches!(kind, MetricKind::Gauge | MetricKind::Count) {
            buf.extend_from_slice(format!("|T{ts}").as_bytes());
        }
    }
}

/// Length of [`push_tail`]'s output.
pub fn tail_len(kind: MetricKind, l: &Line) -> usize {
    let mut v = Vec::with_capacity(64);
    push_tail(&mut v, kind, l);
    v.len()
}

/// Append one single-value metric line (`name` must be sanitised, see [`sanitize_name`]).
pub fn push_metric(buf: &mut Vec<u8>, name: &str, kind: MetricKind, value: f64, l: &Line) {
    buf.extend_from_slice(name.as_bytes());
    buf.push(b':');
    push_value(buf, kind, value);
    push_tail(buf, kind, l);
}

/// Append a set line (`name:member|s…`); the member is sanitised like a name.
pub fn push_set(buf: &mut Vec<u8>, name: &str, member: &str, l: &Line) {
    buf.extend_from_slice(name.as_bytes());
    buf.push(b':');
    buf.extend_from_slice(sanitize_name(member).as_bytes());
    push_tail(buf, MetricKind::Set, l);
}

/// Append a packed line `name:v1:v2:…|type…` with every value of `values`.
pub fn push_packed(buf: &mut Vec<u8>, name: &str, kind: MetricKind, values: &[f64], l: &Line) {
    buf.extend_from_slice(name.as_bytes());
    for v in values {
        buf.push(b':');
        push_value(buf, kind, *v);
    }
    push_tail(buf, kind, l);
}

/// Event priority.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    Normal,
    Low,
}

/// Event alert type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertType {
    Info,
    Success,
    Warning,
    Error,
}

/// An event as DogStatsD carries it.
#[derive(Clone, Debug, Default)]
pub struct Event<'a> {
    pub title: &'a str,
    pub text: &'a str,
    pub timestamp: Option<i64>,
    pub hostname: &'a str,
    pub aggregation_key: &'a str,
    pub priority: Option<Priority>,
    pub source_type_name: &'a str,
    pub alert_type: Option<AlertType>,
    /// Joined, normalised tags ([`join_tags`]).
    pub tags: &'a str,
}

fn escape_newlines(s: &str) -> String {
    s.replace("\r\n", "\\n").replace(['\n', '\r'], "\\n")
}

/// Append `_e{title_len,text_len}:title|text|d:|h:|k:|p:|s:|t:|#tags|c:` (lengths are UTF-8
/// byte lengths after escaping newlines as `\n`, as datadogpy computes them).
pub fn push_event(buf: &mut Vec<u8>, e: &Event, container_id: &str) {
    let title = escape_newlines(e.title);
    let text = escape_newlines(e.text);
    buf.extend_from_slice(format!("_e{{{},{}}}:", title.len(), text.len()).as_bytes());
    buf.extend_from_slice(title.as_bytes());
    buf.push(b'|');
    buf.extend_from_slice(text.as_bytes());
    if let Some(ts) = e.timestamp {
        buf.extend_from_slice(format!("|d:{ts}").as_bytes());
    }
    let field = |buf: &mut Vec<u8>, p: &str, v: &str| {
        if !v.is_empty() {
            buf.extend_from_slice(p.as_bytes());
            buf.extend_from_slice(sanitize_field(v).as_bytes());
        }
    };
    field(buf, "|h:", e.hostname);
    field(buf, "|k:", e.aggregation_key);
    if let Some(p) = e.priority {
        field(buf, "|p:", if p == Priority::Low { "low" } else { "normal" });
    }
    field(buf, "|s:", e.source_type_name);
    if let Some(t) = e.alert_type {
        let s = match t {
            AlertType::Info => "info",
            AlertType::Success => "success",
            AlertType::Warning => "warning",
            AlertType::Error => "error",
        };
        field(buf, "|t:", s);
    }
    if !e.tags.is_empty() {
        buf.extend_from_slice(b"|#");
        buf.extend_from_slice(e.tags.as_bytes());
    }
    field(buf, "|c:", container_id);
}

/// A service check as DogStatsD carries it.
#[derive(Clone, Debug, Default)]
pub struct ServiceCheck<'a> {
    pub name: &'a str,
    /// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (other values are sent as 3).
    pub status: u8,
    pub timestamp: Option<i64>,
    pub hostname: &'a str,
    /// Joined, normalised tags ([`join_tags`]).
    pub tags: &'a str,
    pub message: &'a str,
}

/// Append `_sc|name|status|d:|h:|#tags|m:message|c:` (message: newlines → `\n`, `m:` → `m\:`,
/// as datadog-go and datadogpy escape it; `m:` stays the last field before `c:`).
pub fn push_service_check(buf: &mut Vec<u8>, sc: &ServiceCheck, container_id: &str) {
    buf.extend_from_slice(b"_sc|");
    buf.extend_from_slice(sanitize_name(sc.name).as_bytes());
    buf.push(b'|');
    buf.push(b'0' + sc.status.min(3));
    if let Some(ts) = sc.timestamp {
        buf.extend_from_slice(format!("|d:{ts}").as_bytes());
    }
    if !sc.hostname.is_empty() {
        buf.extend_from_slice(b"|h:");
        buf.extend_from_slice(sanitize_field(sc.hostname).as_bytes());
    }
    if !sc.tags.is_empty() {
        buf.extend_from_slice(b"|#");
        buf.extend_from_slice(sc.tags.as_bytes());
    }
    if !sc.message.is_empty() {
        let m = escape_newlines(sc.message).replace("m:", "m\\:").replace('|', "_");
        buf.extend_from_slice(b"|m:");
        buf.extend_from_slice(m.as_bytes());
    }
    if !container_id.is_empty() {
        buf.extend_from_slice(b"|c:");
        buf.extend_from_slice(container_id.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    //! Cases ported from DataDog/datadog-go `statsd/format_test.go` (commit 8e0c7a6), with the
    //! namespace folded into the name (libdogapi has no namespace option) and global tags
    //! joined ahead of the call's tags by the caller.
    use super::*;

    #[test]
    fn push_value_writes_what_display_writes() {
        let cases = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            42.0,
            1e15,
            -1e15,
            9_007_199_254_740_991.0,
            9_007_199_254_740_992.0,
            1e21,
            1e300,
            0.5,
            -2.25,
            1e-7,
            123.456,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        for v in cases {
            let mut buf = Vec::new();
            push_value(&mut buf, MetricKind::Gauge, v);
            assert_eq!(String::from_utf8(buf).unwrap(), format!("{v}"), "{v:e}");
        }
        let mut buf = Vec::new();
        push_value(&mut buf, MetricKind::Timing, 2.0);
        assert_eq!(buf, b"2.000000");
    }

    fn metric(name: &str, kind: MetricKind, v: f64, rate: f64, tags: &[&str]) -> String {
        let tags = join_tags(tags.iter().copied());
        let mut b = Vec::new();
        push_metric(&mut b, name, kind, v, &Line { rate, tags: &tags, ..Default::default() });
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn go_format_metrics() {
        let t = ["global:tag", "tag:tag"];
        assert_eq!(
            metric("namespace.gauge", MetricKind::Gauge, 1.0, 1.0, &t),
            "namespace.gauge:1|g|#global:tag,tag:tag"
        );
        assert_eq!(
            metric("namespace.count", MetricKind::Count, 2.0, 1.0, &t),
            "namespace.count:2|c|#global:tag,tag:tag"
        );
        assert_eq!(
            metric("namespace.histogram", MetricKind::Histogram, 3.0, 1.0, &t),
            "namespace.histogram:3|h|#global:tag,tag:tag"
        );
        assert_eq!(
            metric("namespace.distribution", MetricKind::Distribution, 4.0, 1.0, &t),
            "namespace.distribution:4|d|#global:tag,tag:tag"
        );
        assert_eq!(
            metric("namespace.timing", MetricKind::Timing, 6.0, 1.0, &t),
            "namespace.timing:6.000000|ms|#global:tag,tag:tag"
        );
        assert_eq!(metric("gauge", MetricKind::Gauge, 1.0, 1.0, &[]), "gauge:1|g");
        assert_eq!(metric("gauge", MetricKind::Gauge, 1.0, 1.0, &["tag1:tag1"]), "gauge:1|g|#tag1:tag1");
        assert_eq!(
            metric("metric", MetricKind::Gauge, 1.0, 1.0, &["tag1:tag1", "tag2:tag2"]),
            "metric:1|g|#tag1:tag1,tag2:tag2"
        );
        assert_eq!(metric("metric", MetricKind::Histogram, 1.0, 0.1, &[]), "metric:1|h|@0.1");
        assert_eq!(metric("metric", MetricKind::Count, 1.0, 0.1, &["tag1:tag1"]), "metric:1|c|@0.1|#tag1:tag1");
        let mut b = Vec::new();
        push_set(&mut b, "namespace.set", "five", &Line { tags: "global:tag,tag:tag", ..Default::default() });
        assert_eq!(String::from_utf8(b).unwrap(), "namespace.set:five|s|#global:tag,tag:tag");
    }

    #[test]
    fn values() {
        assert_eq!(metric("m", MetricKind::Gauge, 1.5, 1.0, &[]), "m:1.5|g");
        assert_eq!(metric("m", MetricKind::Gauge, -0.25, 1.0, &[]), "m:-0.25|g");
        assert_eq!(metric("m", MetricKind::Gauge, 1e20, 1.0, &[]), "m:100000000000000000000|g");
        assert_eq!(metric("m", MetricKind::Gauge, 0.1 + 0.2, 1.0, &[]), "m:0.30000000000000004|g");
        assert_eq!(metric("m", MetricKind::Timing, 1.23456789, 1.0, &[]), "m:1.234568|ms");
    }

    #[test]
    fn no_injection_through_tags_or_names() {
        // datadog-go only strips newlines (`tag:dog`); libdogapi normalises like datadogpy.
        assert_eq!(metric("metric", MetricKind::Gauge, 1.0, 1.0, &["tag\n:d\nog\n"]), "metric:1|g|#tag_:d_og");
        assert_eq!(
            metric("m", MetricKind::Count, 1.0, 1.0, &["a|b", "c,d", "e#f", "g h", "é:ü"]),
            "m:1|c|#a_b,c_d,e_f,g_h,é:ü"
        );
        assert_eq!(sanitize_name("a:b|c@d\ne#f,g"), "a_b_c_d_e_f_g");
        let mut b = Vec::new();
        push_service_check(&mut b, &ServiceCheck { name: "x|y", hostname: "h|1\n", ..Default::default() }, "");
        assert_eq!(String::from_utf8(b).unwrap(), "_sc|x_y|0|h:h_1_");
    }

    #[test]
    fn packed_and_tail_order() {
        let mut b = Vec::new();
        let l = Line { rate: 0.5, tags: "a:b", container_id: "ci-1", timestamp: None };
        push_packed(&mut b, "h", MetricKind::Histogram, &[1.0, 2.5, 3.0], &l);
        assert_eq!(String::from_utf8(b).unwrap(), "h:1:2.5:3|h|@0.5|#a:b|c:ci-1");
        assert_eq!(tail_len(MetricKind::Histogram, &l), "|h|@0.5|#a:b|c:ci-1".len());
        let mut b = Vec::new();
        let l = Line { rate: 1.0, tags: "", container_id: "in-7", timestamp: Some(1657100430) };
        push_metric(&mut b, "g", MetricKind::Gauge, 3.0, &l);
        assert_eq!(String::from_utf8(b).unwrap(), "g:3|g|c:in-7|T1657100430");
        // The rate is written for gauges too (as datadog-go and datadogpy do); no timestamp on
        // histograms.
        let mut b = Vec::new();
        let l = Line { rate: 0.5, tags: "", container_id: "", timestamp: Some(5) };
        push_metric(&mut b, "g", MetricKind::Gauge, 3.0, &l);
        push_metric(&mut b, "h", MetricKind::Histogram, 3.0, &l);
        assert_eq!(String::from_utf8(b).unwrap(), "g:3|g|@0.5|T5h:3|h|@0.5");
    }

    fn ev(e: &Event) -> String {
        let mut b = Vec::new();
        push_event(&mut b, e, "");
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn go_format_events() {
        let base = Event { title: "EvenTitle", text: "EventText", ..Default::default() };
        assert_eq!(ev(&base), "_e{9,9}:EvenTitle|EventText");
        assert_eq!(
            ev(&Event { text: "\nEventText\nLine2\n\nLine4\n", ..base.clone() }),
            "_e{9,29}:EvenTitle|\\nEventText\\nLine2\\n\\nLine4\\n"
        );
        assert_eq!(
            ev(&Event { timestamp: Some(1471219200), ..base.clone() }),
            "_e{9,9}:EvenTitle|EventText|d:1471219200"
        );
        assert_eq!(ev(&Event { hostname: "hostname", ..base.clone() }), "_e{9,9}:EvenTitle|EventText|h:hostname");
        assert_eq!(
            ev(&Event { aggregation_key: "aggregationKey", ..base.clone() }),
            "_e{9,9}:EvenTitle|EventText|k:aggregationKey"
        );
        assert_eq!(ev(&Event { priority: Some(Priority::Low), ..base.clone() }), "_e{9,9}:EvenTitle|EventText|p:low");
        assert_eq!(
            ev(&Event { source_type_name: "sourceTypeName", ..base.clone() }),
            "_e{9,9}:EvenTitle|EventText|s:sourceTypeName"
        );
        assert_eq!(
            ev(&Event { alert_type: Some(AlertType::Warning), ..base.clone() }),
            "_e{9,9}:EvenTitle|EventText|t:warning"
        );
        assert_eq!(ev(&Event { tags: "tag:test", ..base.clone() }), "_e{9,9}:EvenTitle|EventText|#tag:test");
        let all = Event {
            timestamp: Some(1471219200),
            hostname: "hostname",
            aggregation_key: "aggregationKey",
            priority: Some(Priority::Normal),
            source_type_name: "SourceTypeName",
            alert_type: Some(AlertType::Error),
            tags: "tag:global,tag:normal",
            ..base.clone()
        };
        assert_eq!(
            ev(&all),
            "_e{9,9}:EvenTitle|EventText|d:1471219200|h:hostname|k:aggregationKey|p:normal|s:SourceTypeName|t:error|#tag:global,tag:normal"
        );
        assert_eq!(ev(&Event::default()), "_e{0,0}:|");
        // UTF-8 byte lengths; a newline in the title is escaped too (datadogpy).
        assert_eq!(ev(&Event { title: "é\nt", text: "ü", ..Default::default() }), "_e{5,2}:é\\nt|ü");
    }

    fn sc(s: &ServiceCheck) -> String {
        let mut b = Vec::new();
        push_service_check(&mut b, s, "");
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn go_format_service_checks() {
        let base = ServiceCheck { name: "service.check", ..Default::default() };
        assert_eq!(sc(&base), "_sc|service.check|0");
        assert_eq!(
            sc(&ServiceCheck { message: "\n\nmessagem:hello...\n\nm:aa\nm:m", ..base.clone() }),
            "_sc|service.check|0|m:\\n\\nmessagem\\:hello...\\n\\nm\\:aa\\nm\\:m"
        );
        assert_eq!(
            sc(&ServiceCheck { timestamp: Some(1471219200), ..base.clone() }),
            "_sc|service.check|0|d:1471219200"
        );
        assert_eq!(sc(&ServiceCheck { hostname: "hostname", ..base.clone() }), "_sc|service.check|0|h:hostname");
        assert_eq!(sc(&ServiceCheck { message: "message", ..base.clone() }), "_sc|service.check|0|m:message");
        assert_eq!(sc(&ServiceCheck { tags: "tag:tag", ..base.clone() }), "_sc|service.check|0|#tag:tag");
        let all = ServiceCheck {
            status: 2,
            timestamp: Some(1471219200),
            hostname: "hostname",
            tags: "tag2:tag2,tag1:tag1",
            message: "message",
            ..base.clone()
        };
        assert_eq!(sc(&all), "_sc|service.check|2|d:1471219200|h:hostname|#tag2:tag2,tag1:tag1|m:message");
        assert_eq!(sc(&ServiceCheck::default()), "_sc||0");
        assert_eq!(sc(&ServiceCheck { status: 9, ..base.clone() }), "_sc|service.check|3");
        let mut b = Vec::new();
        push_service_check(&mut b, &base, "ci-abc");
        assert_eq!(String::from_utf8(b).unwrap(), "_sc|service.check|0|c:ci-abc");
    }
}
