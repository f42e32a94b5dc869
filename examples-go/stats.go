// The stats aggregator (DogStatsApi) part of the example.
package main

/*
#include <stdlib.h>
#include <dogapi.h>
*/
import "C"

import "unsafe"

// Stats owns a dog_stats_t.
type Stats struct{ s *C.dog_stats_t }

// StatsOptions are the options of StartStats: each field set calls the C setter of the same
// name, which range-checks it. Zero values keep the library's defaults.
type StatsOptions struct {
	FlushInterval   float64 // seconds between flushes (default 10)
	ShutdownTimeout float64 // seconds Close may take (default 5)
	Host            string  // host of every series ("" : this machine's name)
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
	return st.Close(10)
}
