//! The Datadog Agent's DogStatsD grammar, ported from DataDog/datadog-agent
//! `comp/dogstatsd/server/impl/parse.go`, `parse_metrics.go`, `parse_events.go`,
//! `parse_service_checks.go` (read at commits 1dd7a6e0, 8a2fb7fd, 1e854373, 8c2e260c).
//!
//! Behaviour kept from the Agent: a packet is split on `\n` and empty lines are skipped; a line
//! starting `_e{` is an event, `_sc` a service check, anything else a metric; optional fields
//! after the type come in any order (`#tags`, `@rate`, `T<ts>`, `c:<container>`, `e:`,
//! `card:`), unknown ones are ignored; a bad sample rate or timestamp rejects the metric, while
//! a bad optional field of an event or service check is ignored; empty values in a packed list
//! (`1::2`) are skipped; set values keep their `:`. This intake always reads timestamps and
//! container ids (the Agent's `dogstatsd_no_aggregation_pipeline` and
//! `dogstatsd_origin_detection_client` both on).

/// Metric type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Gauge,
    Count,
    Histogram,
    Distribution,
    Timing,
    Set,
}

/// A parsed metric line.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub name: String,
    pub kind: Kind,
    /// One value, or several (protocol 1.1 packing). Empty for sets.
    pub values: Vec<f64>,
    /// Set member (sets only).
    pub set_value: Option<String>,
    pub sample_rate: f64,
    pub tags: Vec<String>,
    /// `c:` field (origin detection), as sent.
    pub container: Option<String>,
    /// `T` field (protocol 1.3).
    pub timestamp: Option<i64>,
}

/// A parsed event (priority `normal`/`low`, alert type `info`/`success`/`warning`/`error`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Event {
    pub title: String,
    pub text: String,
    pub timestamp: i64,
    pub hostname: String,
    pub aggregation_key: String,
    pub priority: String,
    pub source_type: String,
    pub alert_type: String,
    pub tags: Vec<String>,
    pub container: Option<String>,
}

/// A parsed service check (status 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ServiceCheck {
    pub name: String,
    pub status: u8,
    pub timestamp: i64,
    pub hostname: String,
    pub message: String,
    pub tags: Vec<String>,
    pub container: Option<String>,
}

/// One DogStatsD message.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    Metric(Sample),
    Event(Event),
    ServiceCheck(ServiceCheck),
}

fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `nextField`: the data before the first `|` and the remainder (`None` when no `|`).
fn next_field(m: &[u8]) -> (&[u8], Option<&[u8]>) {
    match m.iter().position(|c| *c == b'|') {
        Some(i) => (&m[..i], Some(&m[i + 1..])),
        None => (m, None),
    }
}

fn parse_tags(raw: &[u8]) -> Vec<String> {
    if raw.is_empty() {
        return Vec::new();
    }
    raw.split(|c| *c == b',').map(s).collect()
}

fn parse_f64(raw: &[u8]) -> Result<f64, String> {
    std::str::from_utf8(raw)
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
        .ok_or_else(|| format!("invalid number {:?}", s(raw)))
}

fn parse_i64(raw: &[u8]) -> Result<i64, String> {
    std::str::from_utf8(raw)
        .ok()
        .and_then(|t| t.parse::<i64>().ok())
        .ok_or_else(|| format!("invalid integer {:?}", s(raw)))
}

/// `parseFloat64List`: values separated by `:`, empty ones skipped; at least one.
pub fn parse_float_list(raw: &[u8]) -> Result<Vec<f64>, String> {
    let v: Vec<f64> = raw
        .split(|c| *c == b':')
        .filter(|p| !p.is_empty())
        .map(parse_f64)
        .collect::<Result<_, _>>()?;
    if v.is_empty() {
        return Err("no value found".into());
    }
    Ok(v)
}

/// Split a packet into messages (`\n`-separated, empty lines skipped).
pub fn split_packet(packet: &[u8]) -> impl Iterator<Item = &[u8]> {
    packet.split(|c| *c == b'\n').filter(|l| !l.is_empty())
}

/// Parse one message with the Agent's grammar.
pub fn parse_message(m: &[u8]) -> Result<Message, String> {
    if m.starts_with(b"_e{") {
        parse_event(m).map(Message::Event)
    } else if m.starts_with(b"_sc") {
        parse_service_check(m).map(Message::ServiceCheck)
    } else {
        parse_metric(m).map(Message::Metric)
    }
}

/// `parseMetricSample`.
pub fn parse_metric(m: &[u8]) -> Result<Sample, String> {
    if !m.contains(&b'|') {
        return Err("invalid dogstatsd message format".into());
    }
    let (name_value, rest) = next_field(m);
    let sep = name_value
        .iter()
        .position(|c| *c == b':')
        .ok_or_else(|| format!("invalid name and value: {:?}", s(name_value)))?;
    let (name, raw_value) = (&name_value[..sep], &name_value[sep + 1..]);
    if name.is_empty() || raw_value.is_empty() {
        return Err(format!("invalid name and value: {:?}", s(name_value)));
    }
    let (raw_type, mut rest) = match rest {
        Some(r) => next_field(r),
        None => (&b""[..], None),
    };
    let kind = match raw_type {
        b"g" => Kind::Gauge,
        b"c" => Kind::Count,
        b"h" => Kind::Histogram,
        b"d" => Kind::Distribution,
        b"s" => Kind::Set,
        b"ms" => Kind::Timing,
        other => return Err(format!("invalid metric type: {:?}", s(other))),
    };
    let (values, set_value) = if kind == Kind::Set {
        (Vec::new(), Some(s(raw_value)))
    } else if !raw_value.contains(&b':') {
        (
            vec![parse_f64(raw_value)
                .map_err(|e| format!("could not parse dogstatsd metric values: {e}"))?],
            None,
        )
    } else {
        (
            parse_float_list(raw_value)
                .map_err(|e| format!("could not parse dogstatsd metric values: {e}"))?,
            None,
        )
    };
    let mut sample = Sample {
        name: s(name),
        kind,
        values,
        set_value,
        sample_rate: 1.0,
        tags: Vec::new(),
        container: None,
        timestamp: None,
    };
    while let Some(r) = rest {
        let (field, more) = next_field(r);
        rest = more;
        if let Some(t) = field.strip_prefix(b"#") {
            sample.tags = parse_tags(t);
        } else if let Some(r) = field.strip_prefix(b"@") {
            sample.sample_rate = parse_f64(r)
                .map_err(|_| format!("could not parse dogstatsd sample rate {:?}", s(field)))?;
        } else if let Some(t) = field.strip_prefix(b"T") {
            let ts =
                parse_i64(t).map_err(|e| format!("could not parse dogstatsd timestamp: {e}"))?;
            if ts < 1 {
                return Err("dogstatsd timestamp should be > 0".into());
            }
            sample.timestamp = Some(ts);
        } else if let Some(c) = field.strip_prefix(b"c:") {
            sample.container = Some(s(c));
        }
    }
    Ok(sample)
}

fn clean_event_text(b: &[u8]) -> String {
    s(b).replace("\\n", "\n")
}

/// `parseEvent`.
pub fn parse_event(m: &[u8]) -> Result<Event, String> {
    let sep = m
        .iter()
        .position(|c| *c == b':')
        .ok_or_else(|| format!("invalid event: {:?}", s(m)))?;
    let (header, raw) = (&m[..sep], &m[sep + 1..]);
    if header.len() < 7 {
        return Err(format!("invalid event header: {:?}", s(header)));
    }
    let lengths = &header[3..header.len() - 1];
    let comma = lengths
        .iter()
        .position(|c| *c == b',')
        .ok_or_else(|| format!("invalid event header: {:?}", s(header)))?;
    let bad = || format!("invalid event header: {:?}", s(header));
    let title_len = parse_i64(&lengths[..comma])
        .ok()
        .filter(|v| *v >= 0)
        .ok_or_else(bad)?;
    if title_len == 0 {
        return Err("invalid event: empty title".into());
    }
    let text_len = parse_i64(&lengths[comma + 1..])
        .ok()
        .filter(|v| *v >= 0)
        .ok_or_else(bad)?;
    let (title_len, text_len) = (title_len as u64, text_len as u64);
    let text_start = title_len.checked_add(1).ok_or("invalid event")?;
    let content = text_start.checked_add(text_len).ok_or("invalid event")?;
    if (raw.len() as u64) < content {
        return Err("invalid event".into());
    }
    let (title_len, text_start, content) =
        (title_len as usize, text_start as usize, content as usize);
    let mut e = Event {
        title: clean_event_text(&raw[..title_len]),
        text: clean_event_text(&raw[text_start..content]),
        priority: "normal".into(),
        alert_type: "info".into(),
        ..Default::default()
    };
    let mut rest = if raw.len() == content {
        None
    } else {
        Some(&raw[content..])
    };
    while let Some(r) = rest {
        let (f, more) = next_field(r);
        rest = more;
        // A bad optional field is ignored (the Agent logs a warning).
        if let Some(v) = f.strip_prefix(b"d:") {
            if let Ok(ts) = parse_i64(v) {
                e.timestamp = ts;
            }
        } else if let Some(v) = f.strip_prefix(b"h:") {
            e.hostname = s(v);
        } else if let Some(v) = f.strip_prefix(b"k:") {
            e.aggregation_key = s(v);
        } else if let Some(v) = f.strip_prefix(b"p:") {
            if v == b"low" || v == b"normal" {
                e.priority = s(v);
            }
        } else if let Some(v) = f.strip_prefix(b"s:") {
            e.source_type = s(v);
        } else if let Some(v) = f.strip_prefix(b"t:") {
            if matches!(v, b"error" | b"warning" | b"info" | b"success") {
                e.alert_type = s(v);
            }
        } else if let Some(v) = f.strip_prefix(b"#") {
            e.tags = parse_tags(v);
        } else if let Some(v) = f.strip_prefix(b"c:") {
            e.container = Some(s(v));
        }
    }
    Ok(e)
}

/// `parseServiceCheck`.
pub fn parse_service_check(m: &[u8]) -> Result<ServiceCheck, String> {
    if m.iter().filter(|c| **c == b'|').count() < 2 || m.len() < 4 {
        return Err("invalid dogstatsd service check format".into());
    }
    let (name, rest) = next_field(&m[4..]);
    if name.is_empty() {
        return Err("invalid dogstatsd service check name: empty name".into());
    }
    let (raw_status, mut rest) = match rest {
        Some(r) => next_field(r),
        None => (&b""[..], None),
    };
    let status = match raw_status {
        b"0" => 0,
        b"1" => 1,
        b"2" => 2,
        b"3" => 3,
        other => {
            return Err(format!(
                "invalid dogstatsd service check status: {:?}",
                s(other)
            ))
        }
    };
    let mut sc = ServiceCheck {
        name: s(name),
        status,
        ..Default::default()
    };
    while let Some(r) = rest {
        let (f, more) = next_field(r);
        rest = more;
        if let Some(v) = f.strip_prefix(b"d:") {
            if let Ok(ts) = parse_i64(v) {
                sc.timestamp = ts;
            }
        } else if let Some(v) = f.strip_prefix(b"h:") {
            sc.hostname = s(v);
        } else if let Some(v) = f.strip_prefix(b"#") {
            sc.tags = parse_tags(v);
        } else if let Some(v) = f.strip_prefix(b"m:") {
            sc.message = s(v);
        } else if let Some(v) = f.strip_prefix(b"c:") {
            sc.container = Some(s(v));
        }
    }
    Ok(sc)
}
