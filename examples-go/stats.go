// The stats aggregator (DogStatsApi) part of the example.
package main

/*
#include <stdlib.h>
#include <dogapi.h>
*/
import "C"

import (
	"fmt"
	"net"
	"strings"
	"time"
	"unsafe"
)

// Stats owns a dog_stats_t.
type Stats struct{ s *C.dog_stats_t }

// StatsOptions are the options of StartStats: each field set calls the C setter of the same
// name, which range-checks it. Zero values keep the library's defaults.
type StatsOptions struct {
	FlushInterval   float64 // seconds between flushes (default 10)
	ShutdownTimeout float64 // seconds Close may take (default 5)
	Host            string  // host of every series ("" : this machine's name)
	// DogStatsdURL sends to the Datadog Agent over DogStatsD ("udp://host:port",
	// "unix:///path"); "" leaves the choice to DD_DOGSTATSD_URL / DD_AGENT_HOST, else HTTP.
	DogStatsdURL string
	ManualFlush  bool // no flush thread: only Close sends
}

// StartStats creates and starts an aggregator (flush thread; API host and key from
// DATADOG_HOST / DD_API_KEY).
func StartStats(o StatsOptions) (*Stats, error) {
	opts := C.dog_stats_options_new()
	if opts == nil {
		return nil, &Error{Status: int(C.DOG_ERR_INTERNAL), Detail: C.GoString(C.dog_error_last())}
	}
	defer C.dog_stats_options_free(opts) // dog_stats_start copies them
	if o.FlushInterval != 0 {
		if err := check(C.dog_stats_options_set_flush_interval(opts, C.double(o.FlushInterval))); err != nil {
			return nil, err
		}
	}
	if o.ShutdownTimeout != 0 {
		if err := check(C.dog_stats_options_set_shutdown_timeout(opts, C.double(o.ShutdownTimeout))); err != nil {
			return nil, err
		}
	}
	if o.Host != "" {
		h := C.CString(o.Host)
		defer C.free(unsafe.Pointer(h))
		if err := check(C.dog_stats_options_set_host(opts, h)); err != nil {
			return nil, err
		}
	}
	if o.DogStatsdURL != "" {
		u := C.CString(o.DogStatsdURL)
		defer C.free(unsafe.Pointer(u))
		if err := check(C.dog_stats_options_set_dogstatsd_url(opts, u)); err != nil {
			return nil, err
		}
	}
	if o.ManualFlush {
		if err := check(C.dog_stats_options_set_flush_in_thread(opts, false)); err != nil {
			return nil, err
		}
	}
	s := C.dog_stats_new()
	if s == nil {
		return nil, &Error{Status: int(C.DOG_ERR_INTERNAL), Detail: C.GoString(C.dog_error_last())}
	}
	if err := check(C.dog_stats_start(s, opts)); err != nil {
		C.dog_stats_free(s)
		return nil, err
	}
	return &Stats{s: s}, nil
}

func (st *Stats) record(f func(*C.dog_stats_t, *C.char, C.double, *C.char) C.dog_status_t,
	name string, value float64, tags string) error {
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	t, free := cstr(tags)
	defer free()
	return check(f(st.s, n, C.double(value), t))
}

// Increment adds to a counter.
func (st *Stats) Increment(name string, value float64, tags string) error {
	return st.record(func(s *C.dog_stats_t, n *C.char, v C.double, t *C.char) C.dog_status_t {
		return C.dog_stats_increment(s, n, v, t)
	}, name, value, tags)
}

// Gauge sets a gauge.
func (st *Stats) Gauge(name string, value float64, tags string) error {
	return st.record(func(s *C.dog_stats_t, n *C.char, v C.double, t *C.char) C.dog_status_t {
		return C.dog_stats_gauge(s, n, v, t)
	}, name, value, tags)
}

// Histogram adds a histogram point.
func (st *Stats) Histogram(name string, value float64, tags string) error {
	return st.record(func(s *C.dog_stats_t, n *C.char, v C.double, t *C.char) C.dog_status_t {
		return C.dog_stats_histogram(s, n, v, t)
	}, name, value, tags)
}

// Counter is a pre-registered counter (dog_stats_counter_t): the name and tags are checked
// once, then Add reads no string.
type Counter struct{ c *C.dog_stats_counter_t }

// NewCounter pre-registers the counter name with tags ("" for none).
func (st *Stats) NewCounter(name, tags string) (*Counter, error) {
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	t, free := cstr(tags)
	defer free()
	c := C.dog_stats_counter_new(st.s, n, t)
	if c == nil {
		return nil, &Error{Status: int(C.DOG_ERR_INVALID_ARGUMENT), Detail: C.GoString(C.dog_error_last())}
	}
	return &Counter{c: c}, nil
}

// Add adds value to the counter.
func (c *Counter) Add(value float64) error {
	return check(C.dog_stats_counter_add(c.c, C.double(value)))
}

// Free releases the handle.
func (c *Counter) Free() {
	C.dog_stats_counter_free(c.c)
	c.c = nil
}

// Distribution adds a distribution value: every value is sent
// (/api/v1/distribution_points), so percentiles are computed across hosts.
func (st *Stats) Distribution(name string, value float64, tags string) error {
	return st.record(func(s *C.dog_stats_t, n *C.char, v C.double, t *C.char) C.dog_status_t {
		return C.dog_stats_distribution(s, n, v, t)
	}, name, value, tags)
}

// Close sends everything (current bucket included, within timeout seconds) and frees.
func (st *Stats) Close(timeout float64) error {
	err := check(C.dog_stats_stop(st.s, C.double(timeout)))
	C.dog_stats_free(st.s)
	st.s = nil
	return err
}

func recordStats() error {
	st, err := StartStats(StatsOptions{FlushInterval: 10, ShutdownTimeout: 10, Host: "go-example"})
	if err != nil {
		return err
	}
	for i := 0; i < 10; i++ {
		if err := st.Increment("example.go.stats.count", 1, "lang:go"); err != nil {
			return err
		}
		if err := st.Histogram("example.go.stats.latency", 0.01*float64(i), ""); err != nil {
			return err
		}
		if err := st.Distribution("example.go.stats.size", 100*float64(i), ""); err != nil {
			return err
		}
	}
	if err := st.Gauge("example.go.stats.gauge", 42, ""); err != nil {
		return err
	}
	handled, err := st.NewCounter("example.go.stats.handled", "lang:go")
	if err != nil {
		return err
	}
	defer handled.Free()
	for i := 0; i < 5; i++ {
		if err := handled.Add(1); err != nil {
			return err
		}
	}
	return st.Close(10)
}

// recordStatsAgent: the same calls sent to the Datadog Agent over DogStatsD (no API key). A UDP
// socket stands in for the Agent; in production leave DogStatsdURL empty and let
// DD_DOGSTATSD_URL / DD_AGENT_HOST choose, or give "udp://localhost:8125".
func recordStatsAgent() error {
	agent, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		return err
	}
	defer agent.Close()
	url := fmt.Sprintf("udp://%s", agent.LocalAddr().String())
	st, err := StartStats(StatsOptions{DogStatsdURL: url, ManualFlush: true})
	if err != nil {
		return err
	}
	for i := 0; i < 10; i++ {
		if err := st.Increment("example.go.agent.count", 1, "lang:go"); err != nil {
			return err
		}
	}
	if err := st.Close(10); err != nil {
		return err
	}
	buf := make([]byte, 65536)
	_ = agent.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := agent.Read(buf)
	if err != nil {
		return err
	}
	got := string(buf[:n])
	if !strings.Contains(got, "example.go.agent.count:10|c|#lang:go") {
		return fmt.Errorf("the Agent stand-in received %q", got)
	}
	fmt.Printf("the Agent stand-in received: %s\n", strings.TrimSpace(got))
	return nil
}
