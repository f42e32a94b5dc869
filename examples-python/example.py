#!/usr/bin/env python3
"""libdogapi from Python with ctypes: post an event and a metric, record stats.

    LD_LIBRARY_PATH=/path/to/lib DD_API_KEY=... python3 example.py

DOGAPI_LIBRARY may name the library file (default: "libdogapi.so.0" through the loader path).
When DOG_INTAKE_URL is set (the test suite runs this under `dog-intake run --strict`), it then
asks the local intake what it received and fails unless the event and the metric arrived.
"""
import ctypes
import json
import os
import socket
import sys
import urllib.request

lib = ctypes.CDLL(os.environ.get("DOGAPI_LIBRARY", "libdogapi.so.0"))

# Declare every function used: ctypes assumes `int` otherwise (wrong for pointers).
c_char_p, c_void_p, c_int, c_int64, c_double = (ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int,
                                                 ctypes.c_int64, ctypes.c_double)
dog_status_t = ctypes.c_int32  # typedef int32_t dog_status_t
lib.dog_version.restype = c_char_p
lib.dog_error_last.restype = c_char_p
lib.dog_status_str.argtypes = [dog_status_t]
lib.dog_status_str.restype = c_char_p
lib.dog_http_new.argtypes = [c_char_p, c_char_p]
lib.dog_http_new.restype = c_void_p
lib.dog_http_free.argtypes = [c_void_p]
lib.dog_http_free.restype = None
lib.dog_event_post.argtypes = [c_void_p, c_char_p, c_char_p, c_int64, c_char_p, c_char_p, c_int64,
                               c_char_p, c_char_p, c_char_p, c_char_p, c_char_p, c_char_p,
                               ctypes.POINTER(c_void_p)]
lib.dog_event_post.restype = dog_status_t
lib.dog_metric_post.argtypes = [c_void_p, c_char_p, c_double, c_char_p, c_char_p, c_char_p,
                                c_char_p, ctypes.POINTER(c_void_p)]
lib.dog_metric_post.restype = dog_status_t
lib.dog_response_status.argtypes = [c_void_p]
lib.dog_response_status.restype = c_int
lib.dog_response_id.argtypes = [c_void_p]
lib.dog_response_id.restype = c_char_p
lib.dog_response_free.argtypes = [c_void_p]
lib.dog_response_free.restype = None

# The stats aggregator (DogStatsApi) and its options (an opaque object with one setter each).
lib.dog_stats_options_new.restype = c_void_p
lib.dog_stats_options_free.argtypes = [c_void_p]
lib.dog_stats_options_free.restype = None
lib.dog_stats_options_set_flush_interval.argtypes = [c_void_p, c_double]
lib.dog_stats_options_set_flush_interval.restype = dog_status_t
lib.dog_stats_options_set_host.argtypes = [c_void_p, c_char_p]
lib.dog_stats_options_set_host.restype = dog_status_t
lib.dog_stats_options_set_dogstatsd_url.argtypes = [c_void_p, c_char_p]
lib.dog_stats_options_set_dogstatsd_url.restype = dog_status_t
lib.dog_stats_options_set_flush_in_thread.argtypes = [c_void_p, ctypes.c_bool]
lib.dog_stats_options_set_flush_in_thread.restype = dog_status_t
lib.dog_stats_new.restype = c_void_p
lib.dog_stats_start.argtypes = [c_void_p, c_void_p]
lib.dog_stats_start.restype = dog_status_t
for fn in (lib.dog_stats_increment, lib.dog_stats_gauge, lib.dog_stats_histogram, lib.dog_stats_distribution):
    fn.argtypes = [c_void_p, c_char_p, c_double, c_char_p]
    fn.restype = dog_status_t
# A pre-registered counter: name and tags checked once, then dog_stats_counter_add reads no string.
lib.dog_stats_counter_new.argtypes = [c_void_p, c_char_p, c_char_p]
lib.dog_stats_counter_new.restype = c_void_p
lib.dog_stats_counter_add.argtypes = [c_void_p, c_double]
lib.dog_stats_counter_add.restype = dog_status_t
lib.dog_stats_counter_free.argtypes = [c_void_p]
lib.dog_stats_counter_free.restype = None
lib.dog_stats_stop.argtypes = [c_void_p, c_double]
lib.dog_stats_stop.restype = dog_status_t
lib.dog_stats_free.argtypes = [c_void_p]
lib.dog_stats_free.restype = None

DOG_OK = 0


class DogError(Exception):
    pass


def check(status):
    if status != DOG_OK:
        raise DogError("%s: %s" % (lib.dog_status_str(status).decode(),
                                   lib.dog_error_last().decode()))


def main():
    print("libdogapi", lib.dog_version().decode())
    client = lib.dog_http_new(None, None)  # keys from DD_API_KEY / DD_APP_KEY
    if not client:
        raise DogError(lib.dog_error_last().decode())
    try:
        resp = c_void_p()
        check(lib.dog_event_post(client, b"Python example", b"Hello from ctypes", 0, None, None,
                                 0, b"lang:python,example:ffi", None, None, None, None, None,
                                 ctypes.byref(resp)))
        event_id = lib.dog_response_id(resp)
        print("event posted, id", event_id.decode() if event_id else None)
        lib.dog_response_free(resp)

        # out_response may be NULL when the answer is not needed
        check(lib.dog_metric_post(client, b"example.python.requests", 17.0, None, None,
                                  b"lang:python", b"count", None))
        print("metric posted")
    finally:
        lib.dog_http_free(client)

    stats = lib.dog_stats_new()
    try:
        opts = lib.dog_stats_options_new()  # unset options: defaults; host/key from DATADOG_HOST / DD_API_KEY
        try:
            check(lib.dog_stats_options_set_flush_interval(opts, 10.0))
            check(lib.dog_stats_options_set_host(opts, b"python-example"))
            check(lib.dog_stats_start(stats, opts))
        finally:
            lib.dog_stats_options_free(opts)  # dog_stats_start copied them
        for i in range(10):
            check(lib.dog_stats_increment(stats, b"example.python.stats.count", 1.0, b"lang:python"))
            check(lib.dog_stats_histogram(stats, b"example.python.stats.latency", 0.01 * i, None))
            # every value is sent (/api/v1/distribution_points): percentiles across hosts
            check(lib.dog_stats_distribution(stats, b"example.python.stats.size", 100.0 * i, None))
        check(lib.dog_stats_gauge(stats, b"example.python.stats.gauge", 42.0, None))
        handled = lib.dog_stats_counter_new(stats, b"example.python.stats.handled", b"lang:python")
        if not handled:
            raise DogError(lib.dog_error_last().decode())
        try:
            for _ in range(5):
                check(lib.dog_stats_counter_add(handled, 1.0))
        finally:
            lib.dog_stats_counter_free(handled)
        check(lib.dog_stats_stop(stats, 10.0))  # flushes everything, current bucket included
    finally:
        lib.dog_stats_free(stats)
    print("stats recorded and flushed")

    # The Agent mode: the same calls, sent over DogStatsD to the Datadog Agent (no API key).
    # A UDP socket stands in for the Agent here; in production leave the URL unset and let
    # DD_DOGSTATSD_URL / DD_AGENT_HOST choose, or pass "udp://localhost:8125".
    agent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    agent.bind(("127.0.0.1", 0))
    agent.settimeout(10)
    url = "udp://127.0.0.1:%d" % agent.getsockname()[1]
    stats = lib.dog_stats_new()
    try:
        opts = lib.dog_stats_options_new()
        try:
            check(lib.dog_stats_options_set_dogstatsd_url(opts, url.encode()))
            check(lib.dog_stats_options_set_flush_in_thread(opts, False))
            check(lib.dog_stats_start(stats, opts))
        finally:
            lib.dog_stats_options_free(opts)
        for i in range(10):
            check(lib.dog_stats_increment(stats, b"example.python.agent.count", 1.0, b"lang:python"))
        check(lib.dog_stats_stop(stats, 10.0))
    finally:
        lib.dog_stats_free(stats)
    datagram = agent.recv(65535).decode()
    agent.close()
    if "example.python.agent.count:10|c|#lang:python" not in datagram:
        sys.exit("the Agent stand-in received %r" % datagram)
    print("the Agent stand-in received: " + datagram.strip())

    intake = os.environ.get("DOG_INTAKE_URL")
    if intake:
        with urllib.request.urlopen(intake.rstrip("/") + "/_intake/requests") as r:
            seen = json.load(r)
        events = [q for q in seen if q["path"] == "/api/v1/events"
                  and isinstance(q["body"], dict) and q["body"].get("title") == "Python example"]
        series = [q for q in seen if q["path"] == "/api/v1/series"
                  and "example.python.requests" in json.dumps(q["body"])]
        # the stats series carry the host set with dog_stats_options_set_host
        stats = [q for q in seen if q["path"] == "/api/v1/series"
                 and "example.python.stats.count" in json.dumps(q["body"])
                 and "example.python.stats.handled" in json.dumps(q["body"])
                 and '"python-example"' in json.dumps(q["body"])]
        dists = [q for q in seen if q["path"] == "/api/v1/distribution_points"
                 and "example.python.stats.size" in json.dumps(q["body"])]
        bad = [q for q in events + series + stats + dists if q.get("contract") not in ("valid", "no_spec")]
        if not events or not series or not stats or not dists or bad:
            sys.exit("intake check failed: events=%d series=%d stats=%d distributions=%d contract problems=%s"
                     % (len(events), len(series), len(stats), len(dists),
                        [q.get("contract_errors") for q in bad]))
        print("the intake received the event and the metric")


if __name__ == "__main__":
    main()
