//! `dog-intake serve [--port N] [--spec PATH]`
//! `dog-intake run [--spec PATH] [--port N] [--strict] [--quiet] -- CMD [ARGS...]`

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

use dogapi_intake::dogstatsd::{ListenKind, Listener, Totals};
use dogapi_intake::{Contract, Intake, IntakeOptions, Recorded};

const USAGE: &str = "usage:
  dog-intake serve [--port N] [--spec PATH] [--dogstatsd udp|unixgram|unixstream]
      serve a fake Datadog API on 127.0.0.1 until killed
  dog-intake run [--spec PATH] [--port N] [--dogstatsd udp|unixgram|unixstream] [--strict] [--quiet] -- CMD [ARGS...]
      run CMD with DATADOG_HOST / DOG_INTAKE_URL (and DD_API_KEY if unset) pointing at a fresh
      intake, then print what it received. With --dogstatsd (or env DOG_INTAKE_DOGSTATSD) a
      DogStatsD listener of that kind is started too and CMD gets DD_DOGSTATSD_URL pointing at
      it; its totals are printed (and served at GET /_intake/dogstatsd). Exit code: CMD's
      (128+signal if killed); with --strict, 3 when CMD succeeded but a request broke the
      OpenAPI contract, carried an API key in its URL, or a DogStatsD line did not parse.";

struct Args {
    port: u16,
    spec: Option<PathBuf>,
    strict: bool,
    quiet: bool,
    dogstatsd: Option<ListenKind>,
    cmd: Vec<String>,
}

fn parse(args: &[String], allow_cmd: bool) -> Result<Args, String> {
    let mut a = Args {
        port: 0,
        spec: None,
        strict: false,
        quiet: false,
        dogstatsd: None,
        cmd: Vec::new(),
    };
    if let Ok(k) = std::env::var("DOG_INTAKE_DOGSTATSD") {
        if !k.is_empty() {
            a.dogstatsd = Some(
                ListenKind::parse(&k).ok_or(format!("DOG_INTAKE_DOGSTATSD: unknown kind {k:?}"))?,
            );
        }
    }
    let mut it = args.iter();
    while let Some(x) = it.next() {
        match x.as_str() {
            "--port" => {
                let v = it.next().ok_or("--port needs a value")?;
                a.port = v.parse().map_err(|_| format!("bad port {v:?}"))?;
            }
            "--spec" => a.spec = Some(PathBuf::from(it.next().ok_or("--spec needs a value")?)),
            "--dogstatsd" => {
                let v = it
                    .next()
                    .ok_or("--dogstatsd needs udp, unixgram or unixstream")?;
                a.dogstatsd =
                    Some(ListenKind::parse(v).ok_or(format!("--dogstatsd: unknown kind {v:?}"))?);
            }
            "--strict" if allow_cmd => a.strict = true,
            "--quiet" if allow_cmd => a.quiet = true,
            "--" if allow_cmd => {
                a.cmd = it.cloned().collect();
                break;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    if allow_cmd && a.cmd.is_empty() {
        return Err("run: missing `-- CMD [ARGS...]`".into());
    }
    Ok(a)
}

fn mask(v: &str) -> String {
    let n = v.chars().count();
    let tail: String = if n > 4 {
        v.chars().skip(n - 4).collect()
    } else {
        String::new()
    };
    format!("****{tail}")
}

const KEY_PARAMS: &[&str] = &["api_key", "application_key", "app_key", "apikey"];

/// Names of query parameters that carry a key, or that contain the request's header key.
fn keys_in_url(r: &Recorded) -> Vec<String> {
    let mut out: Vec<String> = r
        .query
        .iter()
        .filter(|(k, _)| KEY_PARAMS.contains(&k.to_ascii_lowercase().as_str()))
        .map(|(k, _)| k.clone())
        .collect();
    for h in ["dd-api-key", "dd-application-key"] {
        if let Some(k) = r.header(h).filter(|k| k.len() >= 8) {
            if r.raw_query.contains(k) || r.path.contains(k) {
                out.push(format!("{h} value"));
            }
        }
    }
    out
}

fn summary(r: &Recorded, status: Option<u16>) -> String {
    let status = match (status, &r.fault) {
        (Some(s), _) => s.to_string(),
        (None, Some(f)) => format!("{f:?}").to_lowercase(),
        (None, None) => "-".into(),
    };
    let q = if r.raw_query.is_empty() {
        String::new()
    } else {
        format!("?{}", r.raw_query)
    };
    let mut s = format!(
        "{} {}{}  {}  contract: {}\n",
        r.method,
        r.path,
        q,
        status,
        r.contract.as_str()
    );
    for e in r.contract.errors() {
        s.push_str(&format!("    ! {e}\n"));
    }
    for h in ["dd-api-key", "dd-application-key"] {
        if let Some(v) = r.header(h) {
            s.push_str(&format!("  {h}: {}\n", mask(v)));
        }
    }
    if let Some(enc) = &r.content_encoding {
        s.push_str(&format!(
            "  content-encoding: {enc} ({} bytes on the wire)\n",
            r.raw_body_len
        ));
    }
    if let Some(f) = &r.fault {
        s.push_str(&format!("  fault: {f:?}\n"));
    }
    if !r.body.is_empty() {
        let text = match serde_json::from_slice::<serde_json::Value>(&r.body) {
            Ok(v) => serde_json::to_string_pretty(&v).unwrap_or_default(),
            Err(_) => String::from_utf8_lossy(&r.body).into_owned(),
        };
        for line in text.lines() {
            s.push_str("  ");
            s.push_str(line);
            s.push('\n');
        }
    }
    s
}

/// Start the DogStatsD listener asked for (Unix sockets in the temp dir, named after our pid).
fn start_dogstatsd(
    intake: &Intake,
    kind: Option<ListenKind>,
) -> Result<Option<Listener>, ExitCode> {
    let Some(kind) = kind else { return Ok(None) };
    let path = std::env::temp_dir().join(format!(
        "dog-intake-{}-{}.sock",
        std::process::id(),
        kind.name()
    ));
    let unix = kind != ListenKind::Udp;
    intake
        .start_dogstatsd(kind, unix.then_some(path.as_path()))
        .map(Some)
        .map_err(|e| {
            eprintln!(
                "dog-intake: cannot start the DogStatsD listener ({}): {e}",
                kind.name()
            );
            ExitCode::from(2)
        })
}

fn dogstatsd_summary(t: &Totals) -> String {
    let mut s = format!(
        "dog-intake: DogStatsD: {} packet(s), {} line(s), {} byte(s), {} parse error(s)\n",
        t.packets,
        t.lines,
        t.bytes,
        t.parse_errors.len()
    );
    for (k, v) in &t.counters {
        s.push_str(&format!("  count {k} = {v}\n"));
    }
    for (k, v) in &t.gauges {
        s.push_str(&format!("  gauge {k} = {v}\n"));
    }
    for (label, m) in [
        ("histogram", &t.histograms),
        ("distribution", &t.distributions),
        ("timing", &t.timings),
    ] {
        for (k, v) in m {
            s.push_str(&format!(
                "  {label} {k}: {} value(s), sum {}\n",
                v.values.len(),
                v.values.iter().sum::<f64>()
            ));
        }
    }
    for (k, v) in &t.sets {
        s.push_str(&format!("  set {k}: {} member(s)\n", v.len()));
    }
    for e in &t.events {
        s.push_str(&format!("  event {:?} ({})\n", e.title, e.alert_type));
    }
    for c in &t.service_checks {
        s.push_str(&format!("  service check {} = {}\n", c.name, c.status));
    }
    for e in &t.parse_errors {
        s.push_str(&format!("    ! {e}\n"));
    }
    s
}

fn serve(a: Args) -> ExitCode {
    let intake = Intake::start_with(IntakeOptions {
        port: a.port,
        spec_path: a.spec,
    });
    println!("dog-intake listening on {}", intake.url());
    let _dsd = match start_dogstatsd(&intake, a.dogstatsd) {
        Ok(l) => l,
        Err(code) => return code,
    };
    if let Some(l) = &_dsd {
        println!("dog-intake DogStatsD listening on {}", l.url());
    }
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}

fn run(a: Args) -> ExitCode {
    let intake = Intake::start_with(IntakeOptions {
        port: a.port,
        spec_path: a.spec,
    });
    let url = intake.url();
    let dsd = match start_dogstatsd(&intake, a.dogstatsd) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let mut cmd = Command::new(&a.cmd[0]);
    cmd.args(&a.cmd[1..])
        .env("DATADOG_HOST", &url)
        .env("DOG_INTAKE_URL", &url);
    if let Some(l) = &dsd {
        cmd.env("DD_DOGSTATSD_URL", l.url());
    }
    if std::env::var_os("DD_API_KEY").is_none() {
        cmd.env("DD_API_KEY", "intake-test-key");
    }
    let status = match cmd.status() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("dog-intake: cannot run {:?}: {e}", a.cmd[0]);
            return ExitCode::from(127);
        }
    };
    // Let the last datagrams in flight land before reading the totals.
    let dsd_totals = dsd.as_ref().map(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        intake.dogstatsd()
    });
    drop(dsd);
    let recorded = intake.requests_with_status();
    let mut out = String::new();
    if !a.quiet {
        out.push_str(&format!(
            "dog-intake: {} request(s) received\n",
            recorded.len()
        ));
        for (r, st) in &recorded {
            out.push_str(&summary(r, *st));
        }
        if let Some(t) = &dsd_totals {
            out.push_str(&dogstatsd_summary(t));
        }
    }
    let mut violations = Vec::new();
    for (r, _) in &recorded {
        if let Contract::Invalid(errs) = &r.contract {
            for e in errs {
                violations.push(format!("{} {}: {e}", r.method, r.path));
            }
        }
        for k in keys_in_url(r) {
            violations.push(format!("{} {}: API key in the URL ({k})", r.method, r.path));
        }
    }
    if let Some(t) = &dsd_totals {
        for e in &t.parse_errors {
            violations.push(format!("DogStatsD: {e}"));
        }
    }
    print!("{out}");
    let _ = std::io::stdout().flush();

    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            eprintln!("dog-intake: command killed by signal {sig}");
            return ExitCode::from((128 + sig).clamp(0, 255) as u8);
        }
    }
    let code = status.code().unwrap_or(1);
    if a.strict && !violations.is_empty() {
        eprintln!("dog-intake: --strict: {} problem(s):", violations.len());
        for v in &violations {
            eprintln!("  {v}");
        }
        if code == 0 {
            return ExitCode::from(3);
        }
    }
    ExitCode::from(code.clamp(0, 255) as u8)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let (mode, rest) = match argv.split_first() {
        Some((m, r)) => (m.as_str(), r),
        None => ("", &[][..]),
    };
    let parsed = match mode {
        "serve" => parse(rest, false),
        "run" => parse(rest, true),
        "-h" | "--help" => Err(String::new()),
        _ => Err(format!("unknown command {mode:?}")),
    };
    match parsed {
        Ok(a) if mode == "serve" => serve(a),
        Ok(a) => run(a),
        Err(e) => {
            if e.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("dog-intake: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
