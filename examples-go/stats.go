//go:build dogapi_stats

// The stats aggregator (DogStatsApi) part of the example, built with `-tags dogapi_stats`
// against a libdogapi whose dogapi.h has the dog_stats_* API.
package main

/*
#include <stdlib.h>
#include <dogapi.h>
*/
import "C"

import "unsafe"

const haveStats = true

// Stats owns a dog_stats_t.
type Stats struct{ s *C.dog_stats_t }

// StartStats creates and starts an aggregator with the default options (flush thread every
// 10 s; host and key from DATADOG_HOST / DD_API_KEY).
func StartStats() (*Stats, error) {
	s := C.dog_stats_new()
	if s == nil {
		return nil, &Error{Status: int(C.DOG_ERR_INTERNAL), Detail: C.GoString(C.dog_last_error())}
	}
	if err := check(C.dog_stats_start(s, nil)); err != nil {
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

// Close sends everything (current bucket included, within timeout seconds) and frees.
func (st *Stats) Close(timeout float64) error {
	err := check(C.dog_stats_stop(st.s, C.double(timeout)))
	C.dog_stats_free(st.s)
	st.s = nil
	return err
}

func recordStats() error {
	st, err := StartStats()
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
	}
	if err := st.Gauge("example.go.stats.gauge", 42, ""); err != nil {
		return err
	}
	return st.Close(10)
}
