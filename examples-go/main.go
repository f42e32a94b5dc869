// libdogapi from Go with cgo: post an event and a metric, record stats.
//
// The #cgo lines below only name the library; tell cgo where it is installed:
//
//	CGO_CFLAGS="-I$PREFIX/include" CGO_LDFLAGS="-L$PREFIX/lib -Wl,-rpath,$PREFIX/lib" go build
//	DD_API_KEY=... ./dogapi-example
//
// (or CGO_CFLAGS/CGO_LDFLAGS="$(pkg-config --cflags/--libs dogapi)"). When DOG_INTAKE_URL is set
// (the test suite runs this under `dog-intake run --strict`), it then asks the local intake what
// it received and fails unless the event and the metric arrived.
package main

/*
#cgo LDFLAGS: -ldogapi
#include <stdlib.h>
#include <dogapi.h>
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"unsafe"
)

// Error is a failed libdogapi call: the status name and dog_error_last().
type Error struct {
	Status int
	Detail string
}

func (e *Error) Error() string {
	return C.GoString(C.dog_status_str(C.dog_status_t(e.Status))) + ": " + e.Detail
}

func check(status C.dog_status_t) error {
	if status != C.DOG_OK {
		return &Error{Status: int(status), Detail: C.GoString(C.dog_error_last())}
	}
	return nil
}

// cstr converts to a C string freed by the returned function; "" becomes NULL (omitted).
func cstr(s string) (*C.char, func()) {
	if s == "" {
		return nil, func() {}
	}
	p := C.CString(s)
	return p, func() { C.free(unsafe.Pointer(p)) }
}

// Client owns a dog_http_t.
type Client struct{ h *C.dog_http_t }

// NewClient takes the keys from DD_API_KEY / DD_APP_KEY.
func NewClient() (*Client, error) {
	h := C.dog_http_new(nil, nil)
	if h == nil {
		return nil, &Error{Status: int(C.DOG_ERR_INVALID_ARGUMENT), Detail: C.GoString(C.dog_error_last())}
	}
	return &Client{h: h}, nil
}

// Close frees the client.
func (c *Client) Close() { C.dog_http_free(c.h); c.h = nil }

// Event posts an event and returns its id.
func (c *Client) Event(title, text, tags string) (string, error) {
	t, f1 := cstr(title)
	defer f1()
	x, f2 := cstr(text)
	defer f2()
	g, f3 := cstr(tags)
	defer f3()
	var resp *C.dog_response_t
	status := C.dog_event_post(c.h, t, x, 0, nil, nil, 0, g, nil, nil, nil, nil, nil, &resp)
	defer func() { C.dog_response_free(resp) }() // after the call; NULL is fine
	if err := check(status); err != nil {
		return "", err
	}
	return C.GoString(C.dog_response_id(resp)), nil
}

// Metric posts one value stamped now.
func (c *Client) Metric(name string, value float64, tags, typ string) error {
	n, f1 := cstr(name)
	defer f1()
	g, f2 := cstr(tags)
	defer f2()
	y, f3 := cstr(typ)
	defer f3()
	return check(C.dog_metric_post(c.h, n, C.double(value), nil, nil, g, y, nil))
}

type recorded struct {
	Path           string          `json:"path"`
	Body           json.RawMessage `json:"body"`
	Contract       string          `json:"contract"`
	ContractErrors []string        `json:"contract_errors"`
}

func verify(intake string) error {
	r, err := http.Get(strings.TrimRight(intake, "/") + "/_intake/requests")
	if err != nil {
		return err
	}
	defer r.Body.Close()
	var seen []recorded
	if err := json.NewDecoder(r.Body).Decode(&seen); err != nil {
		return err
	}
	events, series, stats, dists := 0, 0, 0, 0
	for _, q := range seen {
		var body struct {
			Title string `json:"title"`
		}
		_ = json.Unmarshal(q.Body, &body)
		mine := false
		if q.Path == "/api/v1/events" && body.Title == "Go example" {
			events++
			mine = true
		}
		if q.Path == "/api/v1/series" && strings.Contains(string(q.Body), "example.go.requests") {
			series++
			mine = true
		}
		// the stats series carry the host set with dog_stats_options_set_host
		if q.Path == "/api/v1/series" && strings.Contains(string(q.Body), "example.go.stats.count") &&
			strings.Contains(string(q.Body), "example.go.stats.handled") &&
			strings.Contains(string(q.Body), `"go-example"`) {
			stats++
			mine = true
		}
		if q.Path == "/api/v1/distribution_points" && strings.Contains(string(q.Body), "example.go.stats.size") {
			dists++
			mine = true
		}
		if mine && q.Contract != "valid" && q.Contract != "no_spec" {
			return fmt.Errorf("%s broke the contract: %v", q.Path, q.ContractErrors)
		}
	}
	if events == 0 || series == 0 || stats == 0 || dists == 0 {
		return fmt.Errorf("intake check failed: events=%d series=%d stats=%d distributions=%d", events, series, stats, dists)
	}
	return nil
}

func run() error {
	fmt.Println("libdogapi", C.GoString(C.dog_version()))
	dd, err := NewClient()
	if err != nil {
		return err
	}
	defer dd.Close()
	id, err := dd.Event("Go example", "Hello from cgo", "lang:go,example:ffi")
	if err != nil {
		return err
	}
	fmt.Println("event posted, id", id)
	if err := dd.Metric("example.go.requests", 17, "lang:go", "count"); err != nil {
		return err
	}
	fmt.Println("metric posted")
	if err := recordStats(); err != nil {
		return err
	}
	fmt.Println("stats recorded and flushed")
	if err := recordStatsAgent(); err != nil {
		return err
	}
	if intake := os.Getenv("DOG_INTAKE_URL"); intake != "" {
		if err := verify(intake); err != nil {
			return err
		}
		fmt.Println("the intake received the event and the metric")
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
