//! Recording, decoding, Datadog-like answers and canned responses.

mod common;
use common::{agent, call, json};
use dogapi_intake::{validate, Contract, Intake, IntakeOptions};
use serde_json::json;
use std::io::Write;
use std::time::{Duration, Instant};

#[test]
fn records_requests_with_decoded_query_and_headers() {
    let i = Intake::start();
    assert_eq!(i.url(), format!("http://127.0.0.1:{}", i.port()));
    let a = agent();
    let (st, body) = call(
        &a,
        "GET",
        &format!("{}/api/v1/search?q=hosts%3Aweb+1&x=a%2Cb", i.url()),
        None,
    );
    assert_eq!(st, 200, "{body}");
    let r = &i.requests()[0];
    assert_eq!(r.method, "GET");
    assert_eq!(r.path, "/api/v1/search");
    assert_eq!(r.raw_query, "q=hosts%3Aweb+1&x=a%2Cb");
    assert_eq!(r.query_param("q"), Some("hosts:web 1"));
    assert_eq!(r.query_param("x"), Some("a,b"));
    assert_eq!(r.header("DD-Api-Key"), Some("test-key-1234"));
    assert!(r.headers.iter().all(|(k, _)| k == &k.to_ascii_lowercase()));
    assert_eq!(r.contract, Contract::NoBody);
    assert!(r.fault.is_none());
    assert_eq!(r.body_str(), "");
}

#[test]
fn gzip_and_deflate_bodies_are_decoded_and_validated() {
    let i = Intake::start();
    let a = agent();
    let payload = json!({"series":[{"metric":"app.hits","points":[[1700000000, 3]],"type":"count","interval":10,"host":"web1","tags":["env:prod"]}]});
    let raw = serde_json::to_vec(&payload).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&raw).unwrap();
    let gz = gz.finish().unwrap();
    let r = a
        .post(format!("{}/api/v1/series", i.url()))
        .header("DD-API-KEY", "k")
        .header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip")
        .send(&gz[..])
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(br#"[{"check":"app.ok","host_name":"h","status":0,"tags":[]}]"#)
        .unwrap();
    let z = z.finish().unwrap();
    let r = a
        .post(format!("{}/api/v1/check_run", i.url()))
        .header("DD-API-KEY", "k")
        .header("Content-Encoding", "deflate")
        .send(&z[..])
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let rs = i.wait_for(2, Duration::from_secs(5));
    assert_eq!(rs[0].json(), payload);
    assert_eq!(rs[0].content_encoding.as_deref(), Some("gzip"));
    assert_eq!(rs[0].raw_body_len, gz.len());
    assert_eq!(rs[0].contract, Contract::Valid);
    assert_eq!(rs[1].json()[0]["check"], "app.ok");
    assert_eq!(rs[1].contract, Contract::Valid);
    // broken gzip: recorded as Invalid, answered 400
    let r = a
        .post(format!("{}/api/v1/series", i.url()))
        .header("DD-API-KEY", "k")
        .header("Content-Encoding", "gzip")
        .send(&b"not gzip"[..])
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(matches!(&i.requests()[2].contract, Contract::Invalid(e) if e[0].contains("gzip")));
}

#[test]
fn contract_violations_are_reported() {
    let i = Intake::start();
    let a = agent();
    let u = i.url();
    call(
        &a,
        "POST",
        &format!("{u}/api/v1/series"),
        Some(r#"{"series":[{"metric":"m","points":[[1,2]],"tags":null}]}"#),
    );
    call(
        &a,
        "POST",
        &format!("{u}/api/v1/events"),
        Some(r#"{"title":"t","text":"x","tags":"a,b"}"#),
    );
    call(
        &a,
        "POST",
        &format!("{u}/api/v1/check_run"),
        Some(r#"{"check":"c","host_name":"h","status":0,"tags":[]}"#),
    );
    call(
        &a,
        "POST",
        &format!("{u}/api/v1/dash"),
        Some(r#"{"title":"t"}"#),
    );
    call(&a, "GET", &format!("{u}/api/v1/events"), None);
    call(&a, "POST", &format!("{u}/api/v1/events"), Some("not json"));
    let rs = i.requests();
    let errs = |n: usize| rs[n].contract.errors().join(" | ");
    assert!(errs(0).contains("/series/0/tags:"), "{}", errs(0));
    assert!(errs(1).contains("/tags:"), "{}", errs(1));
    assert!(errs(2).starts_with("/:"), "{}", errs(2));
    assert_eq!(rs[3].contract, Contract::NotInSpec);
    assert!(
        errs(4).contains("?start") && errs(4).contains("?end"),
        "{}",
        errs(4)
    );
    assert!(errs(5).contains("not valid JSON"), "{}", errs(5));
    // the free function is the same validator
    assert_eq!(
        validate(
            "POST",
            "/api/v1/check_run",
            Some(&json!([{"check":"c","host_name":"h","status":0,"tags":[]}]))
        ),
        Contract::Valid
    );
    assert_eq!(validate("GET", "/api/v1/events/1", None), Contract::NoBody);
    assert_eq!(
        validate("GET", "/api/v2/downtime", None),
        Contract::NotInSpec
    );
}

#[test]
fn missing_spec_gives_no_spec() {
    let i = Intake::start_with(IntakeOptions {
        port: 0,
        spec_path: Some("/nonexistent/spec.yaml".into()),
    });
    call(
        &agent(),
        "POST",
        &format!("{}/api/v1/series", i.url()),
        Some(r#"{"series":[]}"#),
    );
    assert_eq!(i.requests()[0].contract, Contract::NoSpec);
}

#[test]
fn api_key_required_and_unknown_paths_404() {
    let i = Intake::start();
    let a = agent();
    let mut r = a
        .get(format!("{}/api/v1/events/1", i.url()))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(
        json(&r.body_mut().read_to_string().unwrap()),
        json!({"errors":["Forbidden"]})
    );
    let (st, b) = call(&a, "GET", &format!("{}/api/v1/nothing/here", i.url()), None);
    assert_eq!((st, json(&b)), (404, json!({"errors":["Not found"]})));
    assert_eq!(i.requests().len(), 2);
}

#[test]
fn events_store() {
    let i = Intake::start();
    let a = agent();
    let u = i.url();
    let (st, b) = call(
        &a,
        "POST",
        &format!("{u}/api/v1/events"),
        Some(r#"{"title":"T","text":"x","tags":["a:b"]}"#),
    );
    assert_eq!(st, 202);
    let v = json(&b);
    assert_eq!(v["status"], "ok");
    let id = v["event"]["id"].as_u64().unwrap();
    assert!(id >= 1000);
    assert_eq!(v["event"]["id_str"], id.to_string());
    assert_eq!(v["event"]["title"], "T");
    assert!(v["event"]["url"]
        .as_str()
        .unwrap()
        .contains(&id.to_string()));
    let (st, b) = call(&a, "GET", &format!("{u}/api/v1/events/{id}"), None);
    assert_eq!((st, json(&b)["event"]["id"].as_u64()), (200, Some(id)));
    let (st, b) = call(&a, "GET", &format!("{u}/api/v1/events/999999"), None);
    assert_eq!((st, json(&b)), (404, json!({"errors":["Event not found"]})));
    let (_, b) = call(&a, "GET", &format!("{u}/api/v1/events?start=1&end=2"), None);
    assert_eq!(json(&b)["events"].as_array().unwrap().len(), 1);
}

#[test]
fn submissions_tags_and_search() {
    let i = Intake::start();
    let a = agent();
    let u = i.url();
    let series = r#"{"series":[{"metric":"app.load","points":[[1,2]],"host":"web1"}]}"#;
    assert_eq!(
        call(&a, "POST", &format!("{u}/api/v1/series"), Some(series)),
        (202, r#"{"status":"ok"}"#.into())
    );
    assert_eq!(
        call(
            &a,
            "POST",
            &format!("{u}/api/v1/distribution_points"),
            Some(r#"{"series":[]}"#)
        )
        .0,
        202
    );
    let (st, b) = call(
        &a,
        "POST",
        &format!("{u}/api/v1/tags/hosts/web1"),
        Some(r#"{"tags":["role:db","env:x"]}"#),
    );
    assert_eq!(
        (st, json(&b)),
        (201, json!({"host":"web1","tags":["role:db","env:x"]}))
    );
    call(
        &a,
        "POST",
        &format!("{u}/api/v1/tags/hosts/web1"),
        Some(r#"{"tags":["role:db","z"]}"#),
    );
    let (_, b) = call(&a, "GET", &format!("{u}/api/v1/tags/hosts/web1"), None);
    assert_eq!(
        json(&b),
        json!({"host":"web1","tags":["role:db","env:x","z"]})
    );
    let (_, b) = call(
        &a,
        "PUT",
        &format!("{u}/api/v1/tags/hosts/web1"),
        Some(r#"{"tags":["only"]}"#),
    );
    assert_eq!(json(&b)["tags"], json!(["only"]));
    call(
        &a,
        "PUT",
        &format!("{u}/api/v1/tags/hosts/web2"),
        Some(r#"{"tags":["only"]}"#),
    );
    let (_, b) = call(&a, "GET", &format!("{u}/api/v1/tags/hosts"), None);
    assert_eq!(json(&b), json!({"tags":{"only":["web1","web2"]}}));
    let (_, b) = call(
        &a,
        "PUT",
        &format!("{u}/api/v1/tags/hosts/my%20host"),
        Some(r#"{"tags":["t"]}"#),
    );
    assert_eq!(json(&b)["host"], "my host");
    call(
        &a,
        "DELETE",
        &format!("{u}/api/v1/tags/hosts/my%20host"),
        None,
    );
    let (st, b) = call(&a, "DELETE", &format!("{u}/api/v1/tags/hosts/web2"), None);
    assert_eq!((st, b.as_str()), (204, ""));
    let (_, b) = call(&a, "GET", &format!("{u}/api/v1/search?q=app"), None);
    assert_eq!(
        json(&b),
        json!({"results":{"hosts":[],"metrics":["app.load"]}})
    );
    let (_, b) = call(&a, "GET", &format!("{u}/api/v1/search?q=hosts:web"), None);
    assert_eq!(json(&b), json!({"results":{"hosts":["web1","web2"]}}));
}

#[test]
fn monitors_and_downtimes() {
    let i = Intake::start();
    let a = agent();
    let u = i.url();
    let (st, b) = call(
        &a,
        "POST",
        &format!("{u}/api/v1/monitor"),
        Some(r#"{"type":"metric alert","query":"avg(last_5m):avg:x{*} > 1"}"#),
    );
    assert_eq!(st, 200);
    let id = json(&b)["id"].as_u64().unwrap();
    let (_, b) = call(
        &a,
        "PUT",
        &format!("{u}/api/v1/monitor/{id}"),
        Some(r#"{"query":"q2","name":"n"}"#),
    );
    let m = json(&b);
    assert_eq!(
        (m["id"].as_u64(), m["query"].as_str(), m["type"].as_str()),
        (Some(id), Some("q2"), Some("metric alert"))
    );
    let (_, b) = call(
        &a,
        "POST",
        &format!("{u}/api/v1/monitor/{id}/mute"),
        Some(r#"{"scope":"host:a","end":5}"#),
    );
    assert_eq!(json(&b)["options"]["silenced"], json!({"host:a":5}));
    let (_, b) = call(
        &a,
        "POST",
        &format!("{u}/api/v1/monitor/{id}/unmute"),
        Some("{}"),
    );
    assert_eq!(json(&b)["options"]["silenced"], json!({}));
    let (_, b) = call(&a, "GET", &format!("{u}/api/v1/monitor"), None);
    assert_eq!(json(&b).as_array().unwrap().len(), 1);
    let (st, b) = call(&a, "POST", &format!("{u}/api/v1/monitor/mute_all"), None);
    let d = json(&b);
    assert_eq!(
        (st, &d["active"], &d["scope"]),
        (200, &json!(true), &json!(["*"]))
    );
    assert_eq!(
        call(&a, "POST", &format!("{u}/api/v1/monitor/unmute_all"), None),
        (200, String::new())
    );
    let (_, b) = call(&a, "DELETE", &format!("{u}/api/v1/monitor/{id}"), None);
    assert_eq!(json(&b), json!({"deleted_monitor_id": id}));
    assert_eq!(
        call(&a, "GET", &format!("{u}/api/v1/monitor/{id}"), None).0,
        404
    );

    let (_, b) = call(
        &a,
        "POST",
        &format!("{u}/api/v1/downtime"),
        Some(r#"{"scope":"env:staging","message":"m"}"#),
    );
    let d = json(&b);
    let did = d["id"].as_u64().unwrap();
    assert_eq!(d["scope"], json!(["env:staging"]));
    let (_, b) = call(
        &a,
        "PUT",
        &format!("{u}/api/v1/downtime/{did}"),
        Some(r#"{"message":"m2"}"#),
    );
    assert_eq!(json(&b)["message"], "m2");
    assert_eq!(
        json(&call(&a, "GET", &format!("{u}/api/v1/downtime"), None).1)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        call(&a, "DELETE", &format!("{u}/api/v1/downtime/{did}"), None),
        (204, String::new())
    );

    let body =
        r#"{"data":{"type":"downtime","attributes":{"scope":"env:x","schedule":{"start":null}}}}"#;
    let (_, b) = call(&a, "POST", &format!("{u}/api/v2/downtime"), Some(body));
    let v = json(&b);
    let vid = v["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(v["data"]["type"], "downtime");
    assert_eq!(v["data"]["attributes"]["scope"], "env:x");
    let (_, b) = call(
        &a,
        "PATCH",
        &format!("{u}/api/v2/downtime/{vid}"),
        Some(r#"{"data":{"id":"x","type":"downtime","attributes":{"message":"hi"}}}"#),
    );
    assert_eq!(json(&b)["data"]["attributes"]["message"], "hi");
    assert_eq!(
        json(&call(&a, "GET", &format!("{u}/api/v2/downtime"), None).1)["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        call(&a, "DELETE", &format!("{u}/api/v2/downtime/{vid}"), None).0,
        204
    );
    assert_eq!(
        call(&a, "GET", &format!("{u}/api/v2/downtime/{vid}"), None).0,
        404
    );
}

#[test]
fn boards_alerts_comments_users_hosts_snapshots() {
    let i = Intake::start();
    let a = agent();
    let u = i.url();
    // legacy timeboards
    let (_, b) = call(
        &a,
        "POST",
        &format!("{u}/api/v1/dash"),
        Some(r#"{"title":"t","description":"d","graphs":[]}"#),
    );
    let id = json(&b)["dash"]["id"].as_u64().unwrap();
    assert_eq!(
        json(&call(&a, "GET", &format!("{u}/api/v1/dash/{id}"), None).1)["dash"]["title"],
        "t"
    );
    assert_eq!(
        json(&call(&a, "GET", &format!("{u}/api/v1/dash"), None).1)["dashes"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        json(
            &call(
                &a,
                "PUT",
                &format!("{u}/api/v1/dash/{id}"),
                Some(r#"{"title":"t2"}"#)
            )
            .1
        )["dash"]["title"],
        "t2"
    );
    assert_eq!(
        call(&a, "DELETE", &format!("{u}/api/v1/dash/{id}"), None).0,
        204
    );
    // modern dashboards
    let (_, b) = call(
        &a,
        "POST",
        &format!("{u}/api/v1/dashboard"),
        Some(r#"{"title":"x","layout_type":"ordered","widgets":[]}"#),
    );
    let did = json(&b)["id"].as_str().unwrap().to_string();
    assert_eq!(did.split('-').count(), 3);
    assert_eq!(
        json(&call(&a, "GET", &format!("{u}/api/v1/dashboard"), None).1)["dashboards"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        json(&call(&a, "DELETE", &format!("{u}/api/v1/dashboard/{did}"), None).1),
        json!({"deleted_dashboard_id": did})
    );
    // screenboards
    let (_, b) = call(
        &a,
        "POST",
        &format!("{u}/api/v1/screen"),
        Some(r#"{"board_title":"s","widgets":[]}"#),
    );
    let sid = json(&b)["id"].as_u64().unwrap();
    let (_, b) = call(&a, "GET", &format!("{u}/api/v1/screen/share/{sid}"), None);
    assert_eq!(json(&b)["board_id"], sid);
    assert!(json(&b)["public_url"]
        .as_str()
        .unwrap()
        .starts_with("https://p.datadoghq.com/sb/"));
    assert_eq!(
        json(&call(&a, "POST", &format!("{u}/api/v1/screen/share/{sid}"), None).1)["board_id"],
        sid
    );
    assert_eq!(
        json(&call(&a, "GET", &format!("{u}/api/v1/screen"), None).1)["screenboards"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        json(&call(&a, "DELETE", &format!("{u}/api/v1/screen/{sid}"), None).1),
        json!({"id": sid})
    );
    // alerts
    let (_, b) = call(
        &a,
        "POST",
        &format!("{u}/api/v1/alert"),
        Some(r#"{"query":"q","silenced":false}"#),
    );
    let aid = json(&b)["id"].as_u64().unwrap();
    assert_eq!(
        json(&call(&a, "GET", &format!("{u}/api/v1/alert"), None).1)["alerts"][0]["id"],
        aid
    );
    assert_eq!(
        call(&a, "POST", &format!("{u}/api/v1/mute_alerts"), None),
        (200, "{}".into())
    );
    assert_eq!(
        call(&a, "POST", &format!("{u}/api/v1/unmute_alerts"), None),
        (200, "{}".into())
    );
    // comments
    let (_, b) = call(
        &a,
        "POST",
        &format!("{u}/api/v1/comments"),
        Some(r#"{"handle":"h","message":"m"}"#),
    );
    let cid = json(&b)["comment"]["id"].as_u64().unwrap();
    let (_, b) = call(
        &a,
        "PUT",
        &format!("{u}/api/v1/comments/{cid}"),
        Some(r#"{"handle":"h","message":"m2"}"#),
    );
    assert_eq!(json(&b)["comment"]["message"], "m2");
    assert_eq!(
        call(&a, "DELETE", &format!("{u}/api/v1/comments/{cid}"), None).0,
        204
    );
    // users, hosts
    assert_eq!(
        json(
            &call(
                &a,
                "POST",
                &format!("{u}/api/v1/invite_users"),
                Some(r#"{"emails":["a@b.c"]}"#)
            )
            .1
        ),
        json!({"emails":["a@b.c"]})
    );
    let (_, b) = call(
        &a,
        "POST",
        &format!("{u}/api/v1/host/web1/mute"),
        Some(r#"{"message":"m","end":9}"#),
    );
    assert_eq!(
        json(&b),
        json!({"action":"Muted","hostname":"web1","message":"m","end":9})
    );
    assert_eq!(
        json(&call(&a, "POST", &format!("{u}/api/v1/host/web1/unmute"), None).1)["action"],
        "Unmuted"
    );
    // snapshots
    let (_, b) = call(
        &a,
        "GET",
        &format!("{u}/api/v1/graph/snapshot?metric_query=avg%3Ax%7B*%7D&start=1&end=2"),
        None,
    );
    let v = json(&b);
    assert_eq!(v["metric_query"], "avg:x{*}");
    let snap = v["snapshot_url"].as_str().unwrap();
    let piece = snap
        .split("/snapshot/view/")
        .nth(1)
        .unwrap()
        .trim_end_matches(".png");
    let (_, b) = call(
        &a,
        "GET",
        &format!("{u}/api/v1/graph/snapshot_status/{piece}"),
        None,
    );
    assert_eq!(json(&b), json!({"status_code":200}));
}

#[test]
fn canned_response_wins_and_take_clear_wait() {
    let i = Intake::start();
    let a = agent();
    let u = i.url();
    i.set_response("get", "/api/v1/events/5", 418, r#"{"teapot":true}"#);
    i.set_response("POST", "/api/v1/nope", 200, "");
    assert_eq!(
        call(&a, "GET", &format!("{u}/api/v1/events/5?x=1"), None),
        (418, r#"{"teapot":true}"#.into())
    );
    let r = a.post(format!("{u}/api/v1/nope")).send(&b"x"[..]).unwrap(); // no API key: override still wins
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(i.take_requests().len(), 2);
    assert!(i.requests().is_empty());
    // wait_for returns early once enough requests arrived
    let u2 = u.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        call(&agent(), "GET", &format!("{u2}/api/v1/events/5"), None)
    });
    let start = Instant::now();
    assert_eq!(i.wait_for(1, Duration::from_secs(10)).len(), 1);
    assert!(start.elapsed() < Duration::from_secs(5));
    t.join().unwrap();
    // ... and gives up at the timeout
    let start = Instant::now();
    assert_eq!(i.wait_for(5, Duration::from_millis(200)).len(), 1);
    assert!(start.elapsed() >= Duration::from_millis(200));
    i.clear();
    assert!(i.requests().is_empty());
}

#[test]
fn fixed_port_and_keep_alive() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let i = Intake::start_with(IntakeOptions {
        port,
        spec_path: None,
    });
    assert_eq!(i.port(), port);
    let a = agent();
    for _ in 0..3 {
        assert_eq!(
            call(&a, "GET", &format!("{}/api/v1/validate", i.url()), None).0,
            200
        );
    }
    let rs = i.requests();
    assert_eq!(rs.len(), 3);
}

#[test]
fn chunked_request_body() {
    use std::io::{Read, Write};
    let i = Intake::start();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", i.port())).unwrap();
    let body = r#"{"series":[]}"#;
    let (a, b) = body.split_at(5);
    write!(
        s,
        "POST /api/v1/series HTTP/1.1\r\nHost: x\r\nDD-API-KEY: k\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{a}\r\n{:x};ext=1\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 202"), "{out}");
    assert_eq!(i.requests()[0].body_str(), body);
}

#[test]
fn dogstatsd_totals_over_the_control_api() {
    use dogapi_intake::dogstatsd::ListenKind;
    let intake = dogapi_intake::Intake::start();
    let l = intake.start_dogstatsd(ListenKind::Udp, None).unwrap();
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.send_to(b"hits:4|c|@0.5|#x:1\nbad", ("127.0.0.1", l.port()))
        .unwrap();
    let t = intake
        .dogstatsd_store()
        .wait_until(std::time::Duration::from_secs(10), |t| t.lines == 2);
    assert_eq!(t.counter("hits", &["x:1"]), 8.0);
    let get = |path: &str| -> serde_json::Value {
        serde_json::from_str(
            &ureq::get(&format!("{}{path}", intake.url()))
                .call()
                .unwrap()
                .body_mut()
                .read_to_string()
                .unwrap(),
        )
        .unwrap()
    };
    let v = get("/_intake/dogstatsd");
    assert_eq!(v["counters"]["hits|#x:1"], 8.0);
    assert_eq!(v["parse_errors"].as_array().unwrap().len(), 1);
    assert_eq!(v["listeners"][0], l.url());
    ureq::post(&format!("{}/api/v1/_intake/dogstatsd/clear", intake.url()))
        .send_empty()
        .unwrap();
    assert_eq!(get("/_intake/dogstatsd")["packets"], 0);
}
