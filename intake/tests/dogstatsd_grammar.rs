//! The intake's DogStatsD parser against the Datadog Agent's own parser tests, ported case by
//! case from DataDog/datadog-agent `comp/dogstatsd/server/impl/`:
//! - `parse_metrics_test.go` @ 17c1ad3f9ea4a12c4b629aa6144ff52607cf054e
//! - `parse_events_test.go`, `parse_service_checks_test.go`, `parse_test.go`
//!   @ 4776bfe7b2ada47a346b5073f33ec00e40af67bd
//!
//! Parsers read at parse.go 1dd7a6e0, parse_metrics.go 8a2fb7fd, parse_events.go 1e854373,
//! parse_service_checks.go 8c2e260c.
//!
//! Findings about the grammar, kept in the port:
//! - Optional metric fields come in any order; unknown ones (`m:test`, `f:…`) are ignored, but a
//!   bad `@rate` or `T` rejects the whole line; `T` must be > 0. The Agent reads `T` only with
//!   `dogstatsd_no_aggregation_pipeline` (default on) — this intake always reads it.
//! - Packed values skip empty entries (`1::2`, `:1`, `1:`); sets keep `:` in their value
//!   (`abc:def`), so sets cannot be packed.
//! - Events: lengths are byte lengths of the escaped text; `\n` escapes are turned back into
//!   newlines in title and text; a bad optional field (`d:abc`, `p:urgent`, `t:test`) is ignored
//!   rather than rejecting the event; the header's closing `}` is not checked.
//! - Service checks: the message is NOT unescaped (`m\:` and `\n` stay as sent); `m:` is not
//!   required to be last by the parser (the clients put it last because it is free text);
//!   repeated fields: the last one wins.

use dogapi_intake::dogstatsd::parse::{parse_float_list, parse_message, Kind, Message, Sample};
use dogapi_intake::dogstatsd::parse::{Event, ServiceCheck};

fn metric(raw: &str) -> Result<Sample, String> {
    match parse_message(raw.as_bytes())? {
        Message::Metric(m) => Ok(m),
        other => panic!("{raw}: not a metric: {other:?}"),
    }
}
fn event(raw: &str) -> Result<Event, String> {
    match parse_message(raw.as_bytes())? {
        Message::Event(e) => Ok(e),
        other => panic!("{raw}: not an event: {other:?}"),
    }
}
fn sc(raw: &str) -> Result<ServiceCheck, String> {
    match parse_message(raw.as_bytes())? {
        Message::ServiceCheck(s) => Ok(s),
        other => panic!("{raw}: not a service check: {other:?}"),
    }
}

#[test]
fn metric_types_single_and_multiple() {
    for (raw, kind, vals) in [
        ("daemon:666|g", Kind::Gauge, vec![666.0]),
        ("daemon:666:777|g", Kind::Gauge, vec![666.0, 777.0]),
        ("daemon:21|c", Kind::Count, vec![21.0]),
        ("daemon:666:777|c", Kind::Count, vec![666.0, 777.0]),
        ("daemon:21|h", Kind::Histogram, vec![21.0]),
        ("daemon:21:22|h", Kind::Histogram, vec![21.0, 22.0]),
        ("daemon:21|ms", Kind::Timing, vec![21.0]),
        ("daemon:21:22|ms", Kind::Timing, vec![21.0, 22.0]),
        ("daemon:3.5|d", Kind::Distribution, vec![3.5]),
        ("daemon:3.5:4.5|d", Kind::Distribution, vec![3.5, 4.5]),
    ] {
        let m = metric(raw).unwrap();
        assert_eq!(
            (m.name.as_str(), m.kind, &m.values),
            ("daemon", kind, &vals),
            "{raw}"
        );
        assert!(
            m.tags.is_empty() && m.sample_rate == 1.0 && m.timestamp.is_none(),
            "{raw}"
        );
    }
}

#[test]
fn sets_keep_colons_and_unicode() {
    let m = metric("daemon:abc|s").unwrap();
    assert_eq!((m.kind, m.set_value.as_deref()), (Kind::Set, Some("abc")));
    assert_eq!(
        metric("daemon:abc:def|s").unwrap().set_value.as_deref(),
        Some("abc:def")
    );
    assert_eq!(
        metric("daemon:♬†øU†øU¥ºuT0♪|s")
            .unwrap()
            .set_value
            .as_deref(),
        Some("♬†øU†øU¥ºuT0♪")
    );
}

#[test]
fn tags_rates_unicode() {
    let m = metric("custom_counter:1|c|#protocol:http,bench").unwrap();
    assert_eq!(m.tags, vec!["protocol:http", "bench"]);
    let m = metric("daemon:666|g|#sometag1:somevalue1,sometag2:somevalue2").unwrap();
    assert_eq!(m.tags, vec!["sometag1:somevalue1", "sometag2:somevalue2"]);
    assert!(metric("daemon:666|g").unwrap().tags.is_empty());
    assert_eq!(metric("daemon:666|g|@0.21").unwrap().sample_rate, 0.21);
    assert!(metric("daemon:666|g|#").unwrap().tags.is_empty());
    let m = metric("♬†øU†øU¥ºuT0♪:666|g|#intitulé:T0µ").unwrap();
    assert_eq!(
        (m.name.as_str(), m.tags.as_slice()),
        ("♬†øU†øU¥ºuT0♪", &["intitulé:T0µ".to_string()][..])
    );
}

#[test]
fn metric_errors() {
    for bad in [
        "daemon:666",
        "daemon:666|",
        "daemon:|g",
        ":666|g",
        "abc666|g",
        "daemon:abc|g",
        "daemon:666|unknown",
        "daemon:666|g|@abc",
    ] {
        assert!(metric(bad).is_err(), "{bad} should be rejected");
    }
    // Unknown metadata prefix: accepted.
    assert!(metric("daemon:666|g|m:test").is_ok());
}

#[test]
fn timestamps_in_any_order() {
    let cases = [
        (
            "metric:1234|g|#onetag|T1657100430",
            &["onetag"][..],
            1.0,
            1657100430,
        ),
        ("metric:1234|g|#|T1657100430", &[][..], 1.0, 1657100430),
        ("metric:1234|g|@0.21|T1657100440", &[][..], 0.21, 1657100440),
        (
            "metric:1234|g|#thereisatag|@0.21|T1657100440",
            &["thereisatag"][..],
            0.21,
            1657100440,
        ),
        (
            "metric:1234|g|#thereisatag|T1657100540|@0.21",
            &["thereisatag"][..],
            0.21,
            1657100540,
        ),
        (
            "metric:1234|g|@0.21|T1657100540|#thereisatag",
            &["thereisatag"][..],
            0.21,
            1657100540,
        ),
        (
            "metric:1234|g|T1657100540|@0.25|#atag",
            &["atag"][..],
            0.25,
            1657100540,
        ),
        (
            "metric:1234|g|T1657100540|#atag|@0.25",
            &["atag"][..],
            0.25,
            1657100540,
        ),
    ];
    for (raw, tags, rate, ts) in cases {
        let m = metric(raw).unwrap();
        assert_eq!(
            (m.values[0], m.tags.as_slice(), m.sample_rate, m.timestamp),
            (
                1234.0,
                tags.iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .as_slice(),
                rate,
                Some(ts)
            ),
            "{raw}"
        );
    }
    for bad in [
        "metric:1234|g|#onetag|TABCD",
        "metric:1234|g|#onetag|T",
        "metric:1234|g|#onetag|T-102348932",
    ] {
        assert!(metric(bad).is_err(), "{bad}");
    }
}

#[test]
fn many_pipes_and_container_id() {
    let cid = "2a25f7fc8fbf573d62053d7263dd2d440c07b6ab4d2b107e50b0d4df1f2ee15f";
    for raw in [
        format!("example.metric:2.39283|d|@1.000000|#environment:dev|c:{cid}"),
        format!("example.metric:2.39283|d|T1657100540|@1.000000|#environment:dev|c:{cid}"),
        format!("example.metric:2.39283|d|T1657100540|@1.000000|#environment:dev|c:{cid}|f:wowthisisacoolfeature"),
        format!("example.metric:2.39283|d|T1657100540|@1.000000|#environment:dev|c:{cid}|f:wowthisisacoolfeature|f2:omgthisoneiscooler"),
    ] {
        let m = metric(&raw).unwrap();
        assert_eq!((m.name.as_str(), m.kind, m.values[0], m.sample_rate), ("example.metric", Kind::Distribution, 2.39283, 1.0));
        assert_eq!(m.tags, vec!["environment:dev"]);
        assert_eq!(m.container.as_deref(), Some(cid));
    }
    assert_eq!(
        metric("metric:1234|g|c:1234567890abcdef")
            .unwrap()
            .container
            .as_deref(),
        Some("1234567890abcdef")
    );
}

#[test]
fn message_types_and_float_lists() {
    assert!(matches!(
        parse_message(b"_e{4,5}:title|text|#shell,bash"),
        Ok(Message::Event(_))
    ));
    assert!(matches!(
        parse_message(b"_sc|NAME|0|d:1|h:H|#A:B,C|m:MSG"),
        Ok(Message::ServiceCheck(_))
    ));
    assert!(matches!(
        parse_message(b"song.length:240|h|@0.5"),
        Ok(Message::Metric(_))
    ));
    assert_eq!(
        parse_float_list(b"1.1234:21.5:13").unwrap(),
        vec![1.1234, 21.5, 13.0]
    );
    assert_eq!(parse_float_list(b"1.1234").unwrap(), vec![1.1234]);
    assert_eq!(parse_float_list(b"1.1234:41:").unwrap(), vec![1.1234, 41.0]);
    assert_eq!(parse_float_list(b"1.1234::41").unwrap(), vec![1.1234, 41.0]);
    assert_eq!(
        parse_float_list(b":1.1234::41").unwrap(),
        vec![1.1234, 41.0]
    );
    assert!(parse_float_list(b"").is_err());
}

#[test]
fn events() {
    let e = event("_e{10,9}:test title|test text").unwrap();
    assert_eq!(
        (e.title.as_str(), e.text.as_str(), e.timestamp),
        ("test title", "test text", 0)
    );
    assert_eq!(
        (
            e.priority.as_str(),
            e.alert_type.as_str(),
            e.aggregation_key.as_str(),
            e.source_type.as_str()
        ),
        ("normal", "info", "", "")
    );
    assert!(e.tags.is_empty());
    let e = event("_e{10,24}:test title|test\\line1\\nline2\\nline3").unwrap();
    assert_eq!(e.text, "test\\line1\nline2\nline3");
    let e = event("_e{10,24}:test|title|test\\line1\\nline2\\nline3").unwrap();
    assert_eq!(
        (e.title.as_str(), e.text.as_str()),
        ("test|title", "test\\line1\nline2\nline3")
    );
    assert_eq!(
        event("_e{10,9}:test title|test text|d:21")
            .unwrap()
            .timestamp,
        21
    );
    assert_eq!(
        event("_e{10,9}:test title|test text|p:low")
            .unwrap()
            .priority,
        "low"
    );
    assert_eq!(
        event("_e{10,9}:test title|test text|h:localhost")
            .unwrap()
            .hostname,
        "localhost"
    );
    assert_eq!(
        event("_e{10,9}:test title|test text|t:warning")
            .unwrap()
            .alert_type,
        "warning"
    );
    assert_eq!(
        event("_e{10,9}:test title|test text|k:some aggregation key")
            .unwrap()
            .aggregation_key,
        "some aggregation key"
    );
    assert_eq!(
        event("_e{10,9}:test title|test text|s:this is the source")
            .unwrap()
            .source_type,
        "this is the source"
    );
    assert_eq!(
        event("_e{10,9}:test title|test text|#tag1,tag2:test")
            .unwrap()
            .tags,
        vec!["tag1", "tag2:test"]
    );
    let e = event("_e{10,9}:test title|test text|t:warning|d:12345|p:low|h:some.host|k:aggKey|s:source test|#tag1,tag2:test").unwrap();
    assert_eq!(
        (
            e.timestamp,
            e.priority.as_str(),
            e.alert_type.as_str(),
            e.hostname.as_str(),
            e.aggregation_key.as_str(),
            e.source_type.as_str()
        ),
        (
            12345,
            "low",
            "warning",
            "some.host",
            "aggKey",
            "source test"
        )
    );
    assert_eq!(e.tags, vec!["tag1", "tag2:test"]);
    assert!(event("_e{0,9}:|test text").is_err());
    let e = event("_e{10,0}:test title|").unwrap();
    assert_eq!((e.title.as_str(), e.text.as_str()), ("test title", ""));
    let e = event("_e{10,0}:test title||t:warning").unwrap();
    assert_eq!((e.text.as_str(), e.alert_type.as_str()), ("", "warning"));
}

#[test]
fn event_errors() {
    for bad in [
        "_e:title|text",
        "_e{10,10}:title|text",
        "_e{0,0}:a|a",
        "_e{0,4}:text",
        "_e{5555:title|text",
        "_e{a,1}:title|text",
        "_e{1,a}:title|text",
        "_e{5,}:title|text",
        "_e{,4}:title|text",
        "_e{}:title|text",
        "_e{,}:title|text",
        "_e|text",
        "_e:|text",
        "_e{-123,-987}:",
        "_e{5,-987}:title",
        "_e{0001,-9876",
    ] {
        // "_e:…" and "_e|…" do not start with "_e{": the Agent parses them as (bad) metrics.
        assert!(
            parse_message(bad.as_bytes()).is_err(),
            "{bad} should be rejected"
        );
    }
    for ok in [
        "_e{5,4}:title|text|d:abc",
        "_e{5,4}:title|text|p:urgent",
        "_e{5,4}:title|text|t:test",
        "_e{5,4}:title|text|x:1234",
    ] {
        assert!(event(ok).is_ok(), "{ok}");
    }
}

#[test]
fn service_checks() {
    let s = sc("_sc|agent.up|0").unwrap();
    assert_eq!(
        (s.name.as_str(), s.status, s.timestamp, s.message.as_str()),
        ("agent.up", 0, 0, "")
    );
    assert!(s.tags.is_empty());
    for bad in [
        "_sc|agent.up",
        "_sc|agent.up|",
        "_sc||",
        "_sc|",
        "_sc|agent.up|OK",
        "_sc|agent.up|21",
    ] {
        assert!(parse_message(bad.as_bytes()).is_err(), "{bad}");
    }
    assert!(sc("_sc|agent.up|0|d:some_time").is_ok());
    assert!(sc("_sc|agent.up|0|u:unknown").is_ok());
    assert_eq!(sc("_sc|agent.up|0|d:21").unwrap().timestamp, 21);
    assert_eq!(
        sc("_sc|agent.up|0|h:localhost").unwrap().hostname,
        "localhost"
    );
    assert_eq!(
        sc("_sc|agent.up|0|#tag1,tag2:test,tag3").unwrap().tags,
        vec!["tag1", "tag2:test", "tag3"]
    );
    assert_eq!(
        sc("_sc|agent.up|0|m:this is fine").unwrap().message,
        "this is fine"
    );
    let s = sc("_sc|agent.up|0|d:21|h:localhost|#tag1:test,tag2|m:this is fine").unwrap();
    assert_eq!(
        (s.hostname.as_str(), s.timestamp, s.message.as_str()),
        ("localhost", 21, "this is fine")
    );
    assert_eq!(s.tags, vec!["tag1:test", "tag2"]);
    let s = sc("_sc|agent.up|0|d:21|h:localhost|h:localhost2|d:22").unwrap();
    assert_eq!((s.hostname.as_str(), s.timestamp), ("localhost2", 22));
    // The message is kept escaped, as the Agent keeps it.
    assert_eq!(
        sc("_sc|x|1|m:a\\nb m\\: c").unwrap().message,
        "a\\nb m\\: c"
    );
}

#[test]
fn store_aggregates_like_the_agent() {
    use dogapi_intake::dogstatsd::{Kind, Store};
    let st = Store::default();
    st.add_packet(b"c:1|c|#b:2,a:1\nc:2:3|c|#a:1,b:2\nc:1|c|@0.5|#a:1,b:2\n\ng:1|g\ng:7|g\nh:1:2|h|@0.5\nd:1.5|d\nt:3|ms\ns:x|s\ns:y|s\ns:x|s\nbad line\n");
    st.add_packet(b"_e{1,1}:a|b\n_sc|n|2|m:x");
    let t = st.totals();
    assert_eq!(t.counter("c", &["a:1", "b:2"]), 8.0);
    assert_eq!(t.gauge("g", &[]), Some(7.0));
    let h = t.values(Kind::Histogram, "h", &[]).unwrap();
    assert_eq!(
        (h.values.as_slice(), h.weighted_count),
        (&[1.0, 2.0][..], 4.0)
    );
    assert_eq!(
        t.values(Kind::Distribution, "d", &[]).unwrap().values,
        vec![1.5]
    );
    assert_eq!(t.values(Kind::Timing, "t", &[]).unwrap().values, vec![3.0]);
    assert_eq!(t.sets["s"].len(), 2);
    assert_eq!(
        (t.events.len(), t.service_checks.len(), t.parse_errors.len()),
        (1, 1, 1)
    );
    assert_eq!((t.packets, t.lines), (2, 14));
    let j = st.to_json();
    assert_eq!(j["counters"]["c|#a:1,b:2"], 8.0);
    assert_eq!(j["histograms"]["h"]["weighted_count"], 4.0);
}
