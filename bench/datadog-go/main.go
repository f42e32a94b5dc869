//go:build ignore

// Same-run comparison for bench/DOGSTATSD.md: datadog-go's client
// with client-side aggregation sending to the listener of libdogapi's dogstatsd_bench
// (`dogstatsd_bench listen`, another process), the same workloads as its (b) and (c).
// Not built by anything here (build tag "ignore"): needs a datadog-go checkout, see
// bench/DOGSTATSD.md "datadog-go, built here".
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/DataDog/datadog-go/v5/statsd"
)

type counts struct{ packets, bytes, lines, values uint64 }

var lin *bufio.Reader
var lout io.Writer

func query() [3]counts {
	fmt.Fprintln(lout, "q")
	l, _ := lin.ReadString('\n')
	var c [3]counts
	f := strings.Fields(l)
	for t := 0; t < 3; t++ {
		fmt.Sscan(f[4*t], &c[t].packets)
		fmt.Sscan(f[4*t+1], &c[t].bytes)
		fmt.Sscan(f[4*t+2], &c[t].lines)
		fmt.Sscan(f[4*t+3], &c[t].values)
	}
	return c
}

func cpu() float64 {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return float64(r.Utime.Nano()+r.Stime.Nano()) * 1e-9
}

// waits until the listener's packet count of transport t has not moved for 200 ms
// (datadog-go's telemetry is off, so the packets sent are not known)
func waitFor(t int, packets uint64) counts {
	last, since := query()[t], time.Now()
	for time.Since(since) < 200*time.Millisecond {
		time.Sleep(time.Millisecond)
		c := query()[t]
		if c.packets != last.packets {
			since = time.Now()
		}
		last = c
	}
	return last
}

const tags = "env:prod,role:db"

func client(addr string, extended bool) *statsd.Client {
	opts := []statsd.Option{statsd.WithoutTelemetry(), statsd.WithoutOriginDetection(),
		statsd.WithAggregationInterval(time.Hour), statsd.WithClientSideAggregation()}
	if extended {
		opts = append(opts, statsd.WithExtendedClientSideAggregation(), statsd.WithMaxSamplesPerContext(1000))
	}
	c, err := statsd.New(addr, opts...)
	if err != nil {
		panic(err)
	}
	return c
}

// run: `rounds` times record() then Flush(); times the Flush (and record+Flush).
func run(t int, addr string, extended bool, rounds int, record func(*statsd.Client)) (flushWall, flushCPU, allWall float64, tel statsd.Telemetry, got counts) {
	c := client(addr, extended)
	record(c)
	c.Flush()
	t0 := c.GetTelemetry()
	c0 := waitFor(t, 0)
	start := time.Now()
	for r := 0; r < rounds; r++ {
		record(c)
		w, p := time.Now(), cpu()
		c.Flush()
		flushCPU += cpu() - p
		flushWall += time.Since(w).Seconds()
	}
	allWall = time.Since(start).Seconds()
	t1 := c.GetTelemetry()
	c1 := waitFor(t, 0)
	got = counts{c1.packets - c0.packets, c1.bytes - c0.bytes, c1.lines - c0.lines, c1.values - c0.values}
	tel = statsd.Telemetry{TotalPayloadsSent: got.packets, TotalBytesSent: got.bytes,
		TotalPayloadsDropped: t1.TotalPayloadsDropped - t0.TotalPayloadsDropped, TotalMetrics: t1.TotalMetrics - t0.TotalMetrics}
	c.Close()
	return
}

func main() {
	cmd := exec.Command(os.Args[1], "listen")
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		panic(err)
	}
	lout = in
	lin = bufio.NewReader(out)
	hdr, _ := lin.ReadString('\n')
	addrs := strings.Fields(hdr)
	addrs[0] = strings.TrimPrefix(addrs[0], "udp://")
	names := []string{"udp", "unixgram", "unixstream"}
	rounds := 10
	fmt.Println("datadog-go (client-side aggregation, telemetry and origin detection off) -> dogstatsd_bench listener; packets and bytes as received by the listener (*dropped: 0, client telemetry is off)")
	fmt.Printf("(b) counters: N contexts × Count(name, 1, 2 tags), then Flush(); %d rounds; rates over the time in Flush() (and over record+Flush)\n", rounds)
	fmt.Printf("    %-10s %7s %11s %11s %9s %13s %9s %6s %8s %14s\n", "transport", "N", "metrics/s", "packets/s", "B/metric", "metrics/cpu-s", "B/packet", "ms/fl", "dropped*", "rec+flush m/s")
	for t, a := range addrs {
		for _, n := range []int{1000, 10000, 100000} {
			nm := make([]string, n)
			for i := range nm {
				nm[i] = fmt.Sprintf("bench.dsd.ctx.%06d", i)
			}
			tg := strings.Split(tags, ",")
			fw, fc, aw, tel, got := run(t, a, false, rounds, func(c *statsd.Client) {
				for _, s := range nm {
					c.Count(s, 1, tg, 1)
				}
			})
			m := float64(got.lines)
			fmt.Printf("    %-10s %7d %11.0f %11.0f %9.1f %13.0f %9.0f %6.1f %8d %14.0f\n", names[t], n, m/fw, float64(tel.TotalPayloadsSent)/fw,
				float64(tel.TotalBytesSent)/m, m/fc, float64(tel.TotalBytesSent)/float64(tel.TotalPayloadsSent), fw*1e3/float64(rounds),
				tel.TotalPayloadsDropped, m/aw)
		}
	}
	fmt.Printf("(c) packed values: 1000 contexts, extended aggregation, at most 1000 samples per context kept (WithMaxSamplesPerContext), then Flush(); %d rounds; histogram: 2000 Histogram() calls per context, distribution: 1000 Distribution() calls\n", rounds)
	fmt.Printf("    %-12s %-10s %13s %13s %11s %9s %9s %6s %8s %16s\n", "kind", "transport", "values/s", "values/cpu-s", "packets/s", "B/value", "B/packet", "ms/fl", "dropped*", "rec+flush v/s")
	for kind, kname := range []string{"histogram", "distribution"} {
		points := 2000
		if kind == 1 {
			points = 1000
		}
		for t, a := range addrs {
			nm := make([]string, 1000)
			for i := range nm {
				nm[i] = fmt.Sprintf("bench.dsd.hist.%04d", i)
			}
			tg := strings.Split(tags, ",")
			fw, fc, aw, tel, got := run(t, a, true, rounds, func(c *statsd.Client) {
				for _, s := range nm {
					for j := 0; j < points; j++ {
						v := float64((j*7919)%100000) * 1e-3
						if kind == 0 {
							c.Histogram(s, v, tg, 1)
						} else {
							c.Distribution(s, v, tg, 1)
						}
					}
				}
			})
			v := float64(got.values)
			fmt.Printf("    %-12s %-10s %13.0f %13.0f %11.0f %9.2f %9.0f %6.1f %8d %16.0f\n", kname, names[t], v/fw, v/fc, float64(tel.TotalPayloadsSent)/fw,
				float64(tel.TotalBytesSent)/v, float64(tel.TotalBytesSent)/float64(tel.TotalPayloadsSent), fw*1e3/float64(rounds), tel.TotalPayloadsDropped, v/aw)
			fmt.Printf("    %-12s %-10s values received %d in %d lines, %d packets (sent %d)\n", "", "", got.values, got.lines, got.packets, tel.TotalPayloadsSent)
		}
	}
	in.Close()
	cmd.Wait()
}
