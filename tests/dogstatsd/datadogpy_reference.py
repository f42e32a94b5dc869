#!/usr/bin/env python3
"""Reference datagrams from datadogpy's DogStatsd for wire-conformance tests.

Reads a JSON list of calls on stdin, e.g. [["gauge", "name", 1.5, ["a:b"], 1.0], ...], makes the
same calls on a datadog.DogStatsd with aggregation and buffering off, telemetry and origin
detection off and sampling forced on (random() = 0), and prints a JSON list with the datagram
each call produced. Exits 77 with a message when the `datadog` package is absent
(`pip install datadog`, see scripts/install-deps.sh).
"""
import json
import os
import sys

try:
    import datadog
    from datadog.dogstatsd import base
except ImportError:
    print("datadogpy (PyPI `datadog`) is not installed: pip install datadog", file=sys.stderr)
    sys.exit(77)

for var in ("DD_ENV", "DD_SERVICE", "DD_VERSION", "DD_TAGS", "DD_ENTITY_ID", "DD_DOGSTATSD_URL", "DD_AGENT_HOST",
            "DD_EXTERNAL_ENV", "DD_ORIGIN_DETECTION_ENABLED"):
    os.environ.pop(var, None)

base.random = lambda: 0.0  # every sampled call is sent

sent = []
statsd = base.DogStatsd(host="127.0.0.1", port=9, disable_aggregation=True, disable_buffering=True,
                        disable_telemetry=True, origin_detection_enabled=False)
statsd._send_to_server = statsd._send = lambda packet, *a, **k: sent.append(packet)

out = []
for call in json.load(sys.stdin):
    op, args = call[0], call[1:]
    before = len(sent)
    if op == "event":
        title, text, kw = args
        statsd.event(title, text, **kw)
    elif op == "service_check":
        name, status, kw = args
        statsd.service_check(name, status, **kw)
    else:
        name, value, tags, rate = args
        fn = {"gauge": statsd.gauge, "count": statsd.increment, "histogram": statsd.histogram,
              "distribution": statsd.distribution, "timing": statsd.timing, "set": statsd.set}[op]
        fn(name, value, tags=tags or None, sample_rate=rate)
    statsd.flush()
    out.append("\n".join(p.decode() if isinstance(p, bytes) else p for p in sent[before:]))
print(json.dumps({"version": datadog.__version__, "datagrams": out}))
