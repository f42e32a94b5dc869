//! The `dog-intake` binary: `run` and `serve`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_dog-intake");

fn has_curl() -> bool {
    Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("DD_API_KEY")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn run_passes_exit_code_and_env() {
    let (code, out, _) = run(&["run", "--", "sh", "-c", "exit 7"]);
    assert_eq!(code, 7);
    assert!(out.contains("0 request(s)"), "{out}");
    let (code, out, _) = run(&[
        "run",
        "--quiet",
        "--",
        "sh",
        "-c",
        r#"case "$DATADOG_HOST" in http://127.0.0.1:*) ;; *) exit 1;; esac
           [ "$DOG_INTAKE_URL" = "$DATADOG_HOST" ] || exit 2
           [ "$DD_API_KEY" = intake-test-key ] || exit 3
           echo child-ran"#,
    ]);
    assert_eq!((code, out.trim()), (0, "child-ran"));
    // an existing DD_API_KEY is kept
    let out = Command::new(BIN)
        .args([
            "run",
            "--quiet",
            "--",
            "sh",
            "-c",
            r#"[ "$DD_API_KEY" = mine ]"#,
        ])
        .env("DD_API_KEY", "mine")
        .status()
        .unwrap();
    assert!(out.success());
}

#[test]
fn run_reports_signal() {
    let (code, _, err) = run(&["run", "--quiet", "--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(code, 128 + 15);
    assert!(err.contains("signal 15"), "{err}");
}

#[test]
fn run_usage_errors() {
    assert_eq!(run(&["run"]).0, 2);
    assert_eq!(run(&["bogus"]).0, 2);
    assert_eq!(run(&["run", "--", "/nonexistent/cmd"]).0, 127);
}

#[test]
fn run_summary_and_strict() {
    if !has_curl() {
        eprintln!("curl not found: skipping");
        return;
    }
    let post = r#"curl -s -o /dev/null -XPOST -H "DD-API-KEY: $DD_API_KEY" -H 'Content-Type: application/json' "$DATADOG_HOST/api/v1/series" -d "$1""#;
    let valid = r#"{"series":[{"metric":"m","points":[[1,2]]}]}"#;
    let invalid = r#"{"series":[{"metric":"m","points":[[1,2]],"tags":null}]}"#;
    let (code, out, _) = run(&["run", "--strict", "--", "sh", "-c", post, "sh", valid]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("POST /api/v1/series  202  contract: valid"),
        "{out}"
    );
    assert!(out.contains("dd-api-key: ****-key"), "{out}");
    assert!(!out.contains("intake-test-key"), "key leaked: {out}");
    assert!(out.contains(r#""metric": "m""#), "{out}");

    let (code, out, err) = run(&["run", "--strict", "--", "sh", "-c", post, "sh", invalid]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        out.contains("contract: invalid") && err.contains("/series/0/tags"),
        "{out}{err}"
    );
    // without --strict the command's code is kept
    assert_eq!(
        run(&["run", "--quiet", "--", "sh", "-c", post, "sh", invalid]).0,
        0
    );

    let key_in_url = r#"curl -s -o /dev/null -H "DD-API-KEY: $DD_API_KEY" "$DATADOG_HOST/api/v1/validate?api_key=$DD_API_KEY""#;
    let (code, _, err) = run(&["run", "--strict", "--quiet", "--", "sh", "-c", key_in_url]);
    assert_eq!(code, 3);
    assert!(err.contains("API key in the URL"), "{err}");
}

#[test]
fn serve_prints_url_and_serves() {
    let mut child = Command::new(BIN)
        .args(["serve"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("dog-intake listening on ")
        .expect(&line)
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .into();
    let r = agent.get(format!("{url}/api/v1/_intake/requests")).call();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(r.unwrap().status().as_u16(), 200);
}

fn has_python3() -> bool {
    Command::new("python3")
        .arg("-c")
        .arg("pass")
        .status()
        .is_ok_and(|s| s.success())
}

/// Sends argv[1] as one datagram / stream frame to $DD_DOGSTATSD_URL.
const PY_SEND: &str = r#"
import os, socket, struct, sys
url = os.environ["DD_DOGSTATSD_URL"]
data = sys.argv[1].encode().replace(b"\\n", b"\n")
scheme, rest = url.split("://", 1)
if scheme == "udp":
    host, port = rest.rsplit(":", 1)
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(data, (host, int(port)))
elif scheme == "unixgram":
    socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(data, rest)
else:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(rest)
    s.sendall(struct.pack("<I", len(data)) + data); s.close()
"#;

#[test]
fn run_with_dogstatsd_listener() {
    if !has_python3() {
        eprintln!("python3 not found: skipping");
        return;
    }
    for kind in ["udp", "unixgram", "unixstream"] {
        let payload = r"req.count:2|c|#a:b\nreq.count:3|c|#a:b\nlat:1.5:2.5|d\n_sc|svc|2|m:down";
        let (code, out, err) = run(&[
            "run",
            "--dogstatsd",
            kind,
            "--strict",
            "--",
            "python3",
            "-c",
            PY_SEND,
            payload,
        ]);
        assert_eq!(code, 0, "{kind}: {out}{err}");
        assert!(
            out.contains("DogStatsD: 1 packet(s), 4 line(s)"),
            "{kind}: {out}"
        );
        assert!(out.contains("count req.count|#a:b = 5"), "{kind}: {out}");
        assert!(
            out.contains("distribution lat: 2 value(s), sum 4"),
            "{kind}: {out}"
        );
        assert!(out.contains("service check svc = 2"), "{kind}: {out}");
    }
    // A line the Agent would reject fails --strict.
    let (code, out, err) = run(&[
        "run",
        "--dogstatsd",
        "unixgram",
        "--strict",
        "--",
        "python3",
        "-c",
        PY_SEND,
        "oops|c",
    ]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(err.contains("DogStatsD: invalid name and value"), "{err}");
    let (code, _, err) = run(&["run", "--dogstatsd", "tcp", "--", "true"]);
    assert_eq!(code, 2, "{err}");
}
