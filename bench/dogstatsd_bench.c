/* Benchmark of dog_stats_t's DogStatsD sink through the exported C functions (not a test).
 * Build and run: scripts/bench-dogstatsd.sh (see bench/DOGSTATSD.md), or by hand:
 *   cargo build --release && ln -sf libdogapi.so target/release/libdogapi.so.0
 *   cc -O2 -std=c11 -Wall -Wextra -Iinclude bench/dogstatsd_bench.c -Ltarget/release -ldogapi -lpthread \
 *      -Wl,-rpath,$PWD/target/release -o /tmp/dogstatsd_bench && /tmp/dogstatsd_bench [all|a|b|c|listen]
 *
 * (a) recording cost on an existing context, HTTP sink vs DogStatsD sink, interleaved rounds
 *     in one run (the hot path is meant to be the same: only the flush differs);
 * (b) flush throughput to a local listener (a child process reading a UDP socket, a Unix
 *     datagram socket and a Unix stream socket with 4-byte little-endian length prefixes,
 *     counting packets, bytes, lines and values): N counter contexts per flush;
 * (c) packed histogram values: K histogram contexts × 2000 points per bucket (the
 *     aggregator keeps a 1000-value sample per context and bucket, sent packed with |@0.5),
 *     flushed bucket after bucket: values per second emitted, and distributions (every value
 *     kept) when the header has them.
 * The listener is another process, so the CPU times printed (CLOCK_PROCESS_CPUTIME_ID) are the
 * sending process's only: the thread that calls dog_stats_flush() (encoding into packets)
 * plus the library's sender thread (the socket writes). */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dogapi.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}
static double thread_cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}
static double proc_cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* ---------------------------------------------------------------- listener (child process) */

enum { T_UDP, T_DGRAM, T_STREAM, T_N };
static const char *tname[T_N] = {"udp", "unixgram", "unixstream"};

struct counts { uint64_t packets, bytes, lines, values; };
static struct counts *shared; /* T_N entries in a MAP_SHARED mapping, written by the child */
static pid_t child;
static int udp_port;
static char dgram_path[108], stream_path[108];

static void add(int t, uint64_t p, uint64_t b, uint64_t l, uint64_t v) {
    __atomic_fetch_add(&shared[t].packets, p, __ATOMIC_RELAXED);
    __atomic_fetch_add(&shared[t].bytes, b, __ATOMIC_RELAXED);
    __atomic_fetch_add(&shared[t].lines, l, __ATOMIC_RELAXED);
    __atomic_fetch_add(&shared[t].values, v, __ATOMIC_RELAXED);
}

/* lines and values of one packet: a value per ':' before the line's first '|' */
static void parse(int t, const char *p, size_t n) {
    uint64_t lines = 0, values = 0;
    const char *end = p + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (le > p) {
            lines++;
            const char *bar = memchr(p, '|', (size_t)(le - p));
            for (const char *q = p; q < (bar ? bar : le); q++) values += *q == ':';
        }
        p = le + 1;
    }
    add(t, 1, n, lines, values);
}

static void big_rcvbuf(int fd) {
    int sz = 64 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) != 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
}

static void listener(int udp, int dg, int ls) {
    enum { MAXC = 8 };
    struct pollfd pf[3 + MAXC];
    static char buf[1 << 17];
    static char sbuf[MAXC][1 << 17];
    size_t sfill[MAXC] = {0};
    int nc = 0;
    pf[0] = (struct pollfd){udp, POLLIN, 0};
    pf[1] = (struct pollfd){dg, POLLIN, 0};
    pf[2] = (struct pollfd){ls, POLLIN, 0};
    for (;;) {
        if (poll(pf, (nfds_t)(3 + nc), 1000) < 0 && errno != EINTR) _exit(1);
        if (getppid() == 1) _exit(0);
        for (int i = 0; i < 2; i++) {
            if (!(pf[i].revents & POLLIN)) continue;
            for (;;) { /* drain */
                ssize_t r = recv(pf[i].fd, buf, sizeof buf, MSG_DONTWAIT);
                if (r < 0) break;
                parse(i == 0 ? T_UDP : T_DGRAM, buf, (size_t)r);
            }
        }
        if ((pf[2].revents & POLLIN) && nc < MAXC) {
            int c = accept(ls, NULL, NULL);
            if (c >= 0) {
                big_rcvbuf(c);
                sfill[nc] = 0;
                pf[3 + nc++] = (struct pollfd){c, POLLIN, 0};
            }
        }
        for (int i = 0; i < nc; i++) {
            if (!(pf[3 + i].revents & (POLLIN | POLLHUP))) continue;
            ssize_t r = recv(pf[3 + i].fd, sbuf[i] + sfill[i], sizeof sbuf[i] - sfill[i], MSG_DONTWAIT);
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) { /* closed: drop the slot */
                close(pf[3 + i].fd);
                pf[3 + i] = pf[3 + nc - 1];
                memcpy(sbuf[i], sbuf[nc - 1], sfill[nc - 1]);
                sfill[i] = sfill[nc - 1];
                nc--;
                i--;
                continue;
            }
            if (r < 0) continue;
            sfill[i] += (size_t)r;
            size_t off = 0;
            while (sfill[i] - off >= 4) {
                const unsigned char *h = (const unsigned char *)sbuf[i] + off;
                size_t len = (size_t)h[0] | (size_t)h[1] << 8 | (size_t)h[2] << 16 | (size_t)h[3] << 24;
                if (len > sizeof sbuf[i] - 4) _exit(2);
                if (sfill[i] - off - 4 < len) break;
                parse(T_STREAM, sbuf[i] + off + 4, len);
                off += 4 + len;
            }
            memmove(sbuf[i], sbuf[i] + off, sfill[i] - off);
            sfill[i] -= off;
        }
    }
}

static void stop_listener(void) {
    if (child > 0) {
        kill(child, SIGTERM);
        waitpid(child, NULL, 0);
        child = 0;
    }
    unlink(dgram_path);
    unlink(stream_path);
}

static int start_listener(void) {
    shared = mmap(NULL, sizeof(struct counts) * T_N, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) return -1;
    memset(shared, 0, sizeof(struct counts) * T_N);
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0};
    socklen_t inl = sizeof in;
    if (udp < 0 || bind(udp, (struct sockaddr *)&in, sizeof in) != 0 || getsockname(udp, (struct sockaddr *)&in, &inl) != 0) return -1;
    udp_port = ntohs(in.sin_port);
    big_rcvbuf(udp);
    snprintf(dgram_path, sizeof dgram_path, "/tmp/dsdbench.%d.dgram", (int)getpid());
    snprintf(stream_path, sizeof stream_path, "/tmp/dsdbench.%d.stream", (int)getpid());
    unlink(dgram_path);
    unlink(stream_path);
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    int dg = socket(AF_UNIX, SOCK_DGRAM, 0);
    strcpy(un.sun_path, dgram_path);
    if (dg < 0 || bind(dg, (struct sockaddr *)&un, sizeof un) != 0) return -1;
    big_rcvbuf(dg);
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    strcpy(un.sun_path, stream_path);
    if (ls < 0 || bind(ls, (struct sockaddr *)&un, sizeof un) != 0 || listen(ls, 8) != 0) return -1;
    child = fork();
    if (child < 0) return -1;
    if (child == 0) listener(udp, dg, ls);
    close(udp);
    close(dg);
    close(ls);
    atexit(stop_listener);
    return 0;
}

static struct counts snap(int t) {
    struct counts c;
    c.packets = __atomic_load_n(&shared[t].packets, __ATOMIC_RELAXED);
    c.bytes = __atomic_load_n(&shared[t].bytes, __ATOMIC_RELAXED);
    c.lines = __atomic_load_n(&shared[t].lines, __ATOMIC_RELAXED);
    c.values = __atomic_load_n(&shared[t].values, __ATOMIC_RELAXED);
    return c;
}

/* waits until the listener has seen `packets` packets of transport t (or 2 s without progress) */
static void wait_received(int t, uint64_t packets) {
    uint64_t last = snap(t).packets;
    double since = now();
    while (snap(t).packets < packets && now() - since < 2.0) {
        usleep(1000);
        uint64_t p = snap(t).packets;
        if (p != last) { last = p; since = now(); }
    }
}

/* ---------------------------------------------------------------- instances */

static dog_stats_options_t *base_options(double roll_up) {
    dog_stats_options_t *o = dog_stats_options_new();
    if (o == NULL || dog_stats_options_set_api_key(o, "bench") != DOG_OK ||
        dog_stats_options_set_flush_in_thread(o, false) != DOG_OK || /* flushes only when the bench says so */
        dog_stats_options_set_roll_up_interval(o, roll_up) != DOG_OK ||
        dog_stats_options_set_max_contexts(o, 1000000) != DOG_OK ||
        dog_stats_options_set_max_queued_bytes(o, (size_t)1 << 30) != DOG_OK ||
        dog_stats_options_set_shutdown_timeout(o, 2) != DOG_OK || dog_stats_options_set_request_timeout(o, 30) != DOG_OK) {
        fprintf(stderr, "options: %s\n", dog_error_last());
        exit(1);
    }
    return o;
}

static dog_stats_t *start(dog_stats_options_t *o) {
    dog_stats_t *s = dog_stats_new();
    if (s == NULL || dog_stats_start(s, o) != DOG_OK) {
        fprintf(stderr, "start: %s\n", dog_error_last());
        exit(1);
    }
    dog_stats_options_free(o);
    return s;
}

static dog_stats_t *http_instance(double roll_up) {
    dog_stats_options_t *o = base_options(roll_up);
    if (dog_stats_options_set_api_host(o, "http://127.0.0.1:9") != DOG_OK || /* nothing listens */
        dog_stats_options_set_dogstatsd_url(o, "") != DOG_OK) { /* HTTP whatever the environment says */
        fprintf(stderr, "options: %s\n", dog_error_last());
        exit(1);
    }
    return start(o);
}

static void url_of(int t, char *url, size_t n) {
    if (t == T_UDP) snprintf(url, n, "udp://127.0.0.1:%d", udp_port);
    else snprintf(url, n, "%s://%s", t == T_DGRAM ? "unixgram" : "unixstream", t == T_DGRAM ? dgram_path : stream_path);
}

static dog_stats_t *dsd_instance(int t, double roll_up) {
    dog_stats_options_t *o = base_options(roll_up);
    char url[160];
    url_of(t, url, sizeof url);
    if (dog_stats_options_set_dogstatsd_url(o, url) != DOG_OK ||
        dog_stats_options_set_dogstatsd_telemetry(o, false) != DOG_OK || /* only the bench's lines reach the listener */
        dog_stats_options_set_origin_detection(o, false) != DOG_OK) { /* no |c: container id: same bytes everywhere */
        fprintf(stderr, "options: %s\n", dog_error_last());
        exit(1);
    }
#ifdef DOG_STATS_TIMED_DISTRIBUTION
    dog_stats_options_set_max_distribution_values(o, 100000);
#endif
    return start(o);
}

static void telemetry(dog_stats_t *s, uint64_t *t) {
    if (dog_stats_telemetry_read(s, t, DOG_STATS_TELEMETRY_COUNT) != DOG_OK) {
        fprintf(stderr, "telemetry: %s\n", dog_error_last());
        exit(1);
    }
}

/* ---------------------------------------------------------------- (a) recording cost */

#define NCALLS 2000000L
#define TAGS "env:prod,role:db"

enum call { C_INC, C_GAUGE, C_HIST, C_COUNTER_ADD, C_GAUGE_SET, C_HIST_RECORD, C_N };
static const char *cname[C_N] = {"increment", "gauge", "histogram", "counter_add", "gauge_set", "histogram_record"};

struct handles { dog_stats_counter_t *c; dog_stats_gauge_t *g; dog_stats_histogram_t *h; };

/* ns per call (wall), *cpu ns per call (thread CPU) */
static double run_calls(dog_stats_t *s, const struct handles *h, enum call c, double *cpu) {
    double t0 = now(), c0 = thread_cpu();
    for (long i = 0; i < NCALLS; i++) {
        double v = (double)(i & 1023);
        switch (c) {
        case C_INC: dog_stats_increment(s, "bench.a", v, TAGS); break;
        case C_GAUGE: dog_stats_gauge(s, "bench.a", v, TAGS); break;
        case C_HIST: dog_stats_histogram(s, "bench.a", v, TAGS); break;
        case C_COUNTER_ADD: dog_stats_counter_add(h->c, v); break;
        case C_GAUGE_SET: dog_stats_gauge_set(h->g, v); break;
        case C_HIST_RECORD: dog_stats_histogram_record(h->h, v); break;
        default: break;
        }
    }
    *cpu = (thread_cpu() - c0) * 1e9 / NCALLS;
    return (now() - t0) * 1e9 / NCALLS;
}

static int cmpd(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Three aggregators: HTTP, DogStatsD, and a second HTTP one as a control (the same sink on both
 * sides: its ratio shows what differs between two instances of one process for reasons other
 * than the sink). Each round runs the three in a rotated order. */
static void bench_a(int rounds) {
    dog_stats_t *inst[3] = {http_instance(86400), dsd_instance(T_UDP, 86400), http_instance(86400)}; /* one bucket for the whole run */
    struct handles hd[3];
    for (int k = 0; k < 3; k++) {
        dog_stats_increment(inst[k], "bench.a", 1, TAGS);
        dog_stats_gauge(inst[k], "bench.a", 1, TAGS);
        dog_stats_histogram(inst[k], "bench.a", 1, TAGS);
        hd[k].c = dog_stats_counter_new(inst[k], "bench.h", TAGS);
        hd[k].g = dog_stats_gauge_new(inst[k], "bench.h", TAGS);
        hd[k].h = dog_stats_histogram_new(inst[k], "bench.h", TAGS);
        if (!hd[k].c || !hd[k].g || !hd[k].h) {
            fprintf(stderr, "handles: %s\n", dog_error_last());
            exit(1);
        }
    }
    printf("(a) recording cost on an existing context (2 tags), %ld calls per measurement, %d rounds, each running HTTP, DogStatsD "
           "and a second HTTP instance (control) in a rotated order; best round per instance; ratios of CPU time, and the "
           "median of the per-round ratios\n",
           NCALLS, rounds);
    printf("    %-17s %10s %10s %10s %10s %8s %13s %15s\n", "call", "http ns", "dsd ns", "http cpu", "dsd cpu", "ratio",
           "median ratio", "control http2");
    for (int c = 0; c < C_N; c++) {
        double wall[3] = {1e9, 1e9, 1e9}, cpu[3] = {1e9, 1e9, 1e9}, ratios[64], ctl[64];
        int n = rounds < 64 ? rounds : 64;
        for (int r = 0; r < n; r++) {
            double w[3], x[3];
            for (int q = 0; q < 3; q++) {
                int k = (q + r) % 3;
                w[k] = run_calls(inst[k], &hd[k], (enum call)c, &x[k]);
            }
            for (int k = 0; k < 3; k++) {
                if (w[k] < wall[k]) wall[k] = w[k];
                if (x[k] < cpu[k]) cpu[k] = x[k];
            }
            ratios[r] = x[1] / x[0];
            ctl[r] = x[2] / x[0];
        }
        qsort(ratios, (size_t)n, sizeof(double), cmpd);
        qsort(ctl, (size_t)n, sizeof(double), cmpd);
        printf("    %-17s %10.1f %10.1f %10.1f %10.1f %7.2fx %12.2fx %14.2fx\n", cname[c], wall[0], wall[1], cpu[0], cpu[1],
               cpu[1] / cpu[0], ratios[n / 2], ctl[n / 2]);
    }
    for (int k = 0; k < 3; k++) {
        dog_stats_counter_free(hd[k].c);
        dog_stats_gauge_free(hd[k].g);
        dog_stats_histogram_free(hd[k].h);
        dog_stats_free(inst[k]);
    }
}

/* ---------------------------------------------------------------- (b) and (c): flush throughput */

struct flush_result {
    double wall, cpu;          /* summed over the flushes: dog_stats_flush() call (encode + wait for the sender) */
    double rec;                /* summed over the rounds: recording the points (wall) */
    uint64_t metrics;          /* lines encoded (DOG_STATS_SERIES_FLUSHED) */
    uint64_t sent_packets, sent_bytes, drop_queue, drop_writer, drop_oversize;
    struct counts got;         /* what the listener received */
    int bad_status;
};

/* the telemetry delta and the listener delta around the flushes; `record(s, round)` records one
 * bucket's points before each flush (not timed) */
static void flush_rounds(int t, int rounds, dog_stats_t *s, void (*record)(dog_stats_t *, int), struct flush_result *res) {
    uint64_t t0[DOG_STATS_TELEMETRY_COUNT], t1[DOG_STATS_TELEMETRY_COUNT];
    memset(res, 0, sizeof *res);
    /* first flush opens the socket: not timed */
    uint64_t base = snap(t).packets;
    record(s, -1);
    dog_stats_flush(s, 0);
    telemetry(s, t0); /* a new instance: its telemetry started at 0 */
    wait_received(t, base + t0[DOG_STATS_DOGSTATSD_PACKETS_SENT]); /* nothing else in flight */
    struct counts c0 = snap(t);
    for (int r = 0; r < rounds; r++) {
        double r0 = now();
        record(s, r);
        res->rec += now() - r0;
        double w0 = now(), p0 = proc_cpu();
        dog_status_t st = dog_stats_flush(s, 0);
        res->cpu += proc_cpu() - p0;
        res->wall += now() - w0;
        if (st != DOG_OK) res->bad_status = (int)st;
    }
    telemetry(s, t1);
    res->metrics = t1[DOG_STATS_SERIES_FLUSHED] - t0[DOG_STATS_SERIES_FLUSHED];
    res->sent_packets = t1[DOG_STATS_DOGSTATSD_PACKETS_SENT] - t0[DOG_STATS_DOGSTATSD_PACKETS_SENT];
    res->sent_bytes = t1[DOG_STATS_DOGSTATSD_BYTES_SENT] - t0[DOG_STATS_DOGSTATSD_BYTES_SENT];
    res->drop_queue = t1[DOG_STATS_DOGSTATSD_PACKETS_DROPPED_QUEUE] - t0[DOG_STATS_DOGSTATSD_PACKETS_DROPPED_QUEUE];
    res->drop_writer = t1[DOG_STATS_DOGSTATSD_PACKETS_DROPPED_WRITER] - t0[DOG_STATS_DOGSTATSD_PACKETS_DROPPED_WRITER];
    res->drop_oversize = t1[DOG_STATS_DOGSTATSD_LINES_DROPPED_OVERSIZE] - t0[DOG_STATS_DOGSTATSD_LINES_DROPPED_OVERSIZE];
    wait_received(t, c0.packets + res->sent_packets);
    struct counts c1 = snap(t);
    res->got = (struct counts){c1.packets - c0.packets, c1.bytes - c0.bytes, c1.lines - c0.lines, c1.values - c0.values};
}

static int g_contexts;
static double g_base_ts; /* bucket timestamps: one bucket (1 s roll-up) per round, in the past */

static void record_counters(dog_stats_t *s, int round) {
    char name[64];
    for (int i = 0; i < g_contexts; i++) {
        snprintf(name, sizeof name, "bench.dsd.ctx.%06d", i);
        dog_stats_increment_full(s, name, 1, TAGS, g_base_ts + 2.0 * (round + 1), 1, NULL);
    }
}

static void bench_b(int rounds) {
    static const int sizes[] = {1000, 10000, 100000};
    printf("(b) counters: N contexts, 1 point each per bucket, %d flushes of one bucket each (timed: the dog_stats_flush call, "
           "which encodes and waits until the sender thread has written every packet)\n", rounds);
    printf("    %-10s %7s %11s %11s %9s %10s %9s %6s %18s %22s %14s\n", "transport", "N", "metrics/s", "packets/s", "B/metric",
           "metrics/cpu-s", "B/packet", "ms/fl", "drops q/w/oversize", "listener pkts/lines", "rec+flush m/s");
    for (int t = 0; t < T_N; t++) {
        for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
            g_contexts = sizes[k];
            g_base_ts = (double)time(NULL) - 3600;
            dog_stats_t *s = dsd_instance(t, 1);
            struct flush_result r;
            flush_rounds(t, rounds, s, record_counters, &r);
            printf("    %-10s %7d %11.0f %11.0f %9.1f %10.0f %9.0f %6.1f %8llu/%llu/%llu %s %11llu/%-10llu %14.0f%s\n", tname[t], g_contexts,
                   r.metrics / r.wall, r.sent_packets / r.wall, (double)r.sent_bytes / (double)r.metrics, r.metrics / r.cpu,
                   (double)r.sent_bytes / (double)r.sent_packets, r.wall * 1e3 / rounds, (unsigned long long)r.drop_queue,
                   (unsigned long long)r.drop_writer, (unsigned long long)r.drop_oversize, "", (unsigned long long)r.got.packets,
                   (unsigned long long)r.got.lines, r.metrics / (r.wall + r.rec), r.bad_status ? " (flush status not OK)" : "");
            dog_stats_free(s);
        }
    }
}

static int g_points; /* points per context and bucket */
static int g_dist;

static void record_values(dog_stats_t *s, int round) {
    char name[64];
    double ts = g_base_ts + 2.0 * (round + 1);
    for (int i = 0; i < g_contexts; i++) {
        snprintf(name, sizeof name, "bench.dsd.hist.%04d", i);
        for (int j = 0; j < g_points; j++) {
            double v = (double)((j * 7919) % 100000) * 1e-3;
#ifdef DOG_STATS_TIMED_DISTRIBUTION
            if (g_dist) {
                dog_stats_distribution_full(s, name, v, TAGS, ts, 1, NULL);
                continue;
            }
#endif
            dog_stats_histogram_full(s, name, v, TAGS, ts, 1, NULL);
        }
    }
}

static void bench_c(int rounds, int contexts) {
    printf("(c) packed values: %d contexts × points per bucket, %d flushes of one bucket each; values/s = values the listener "
           "received / time in dog_stats_flush; values/cpu-s = per CPU-second of the sending process (flush thread + sender thread)\n",
           contexts, rounds);
    printf("    %-12s %-10s %7s %13s %13s %11s %9s %9s %6s %18s %14s\n", "kind", "transport", "pts/ctx", "values/s", "values/cpu-s",
           "packets/s", "B/value", "B/packet", "ms/fl", "drops q/w/oversize", "rec+flush v/s");
    for (int kind = 0; kind < 2; kind++) {
#ifndef DOG_STATS_TIMED_DISTRIBUTION
        if (kind == 1) {
            printf("    distribution: not in this header (dog_stats_distribution comes with another branch): skipped\n");
            break;
        }
#endif
        g_dist = kind;
        g_points = kind == 0 ? 2000 : 1000; /* histogram: 1000-value sample sent with @0.5; distribution: every value */
        for (int t = 0; t < T_N; t++) {
            g_contexts = contexts;
            g_base_ts = (double)time(NULL) - 3600;
            dog_stats_t *s = dsd_instance(t, 1);
            struct flush_result r;
            flush_rounds(t, rounds, s, record_values, &r);
            printf("    %-12s %-10s %7d %13.0f %13.0f %11.0f %9.2f %9.0f %6.1f %8llu/%llu/%llu %14.0f%s\n", kind ? "distribution" : "histogram",
                   tname[t], g_points, r.got.values / r.wall, r.got.values / r.cpu, r.sent_packets / r.wall,
                   (double)r.sent_bytes / (double)r.got.values, (double)r.sent_bytes / (double)r.sent_packets, r.wall * 1e3 / rounds,
                   (unsigned long long)r.drop_queue, (unsigned long long)r.drop_writer, (unsigned long long)r.drop_oversize,
                   r.got.values / (r.wall + r.rec), r.bad_status ? " (flush status not OK)" : "");
            printf("    %-12s %-10s values received %llu in %llu lines (%.0f values/line), %llu packets (sent %llu)\n", "", "",
                   (unsigned long long)r.got.values, (unsigned long long)r.got.lines, (double)r.got.values / (double)r.got.lines,
                   (unsigned long long)r.got.packets, (unsigned long long)r.sent_packets);
            dog_stats_free(s);
        }
    }
}

int main(int argc, char **argv) {
    const char *what = argc > 1 ? argv[1] : "all";
    if (start_listener() != 0) {
        perror("listener");
        return 1;
    }
    if (strcmp(what, "listen") == 0) {
        /* the listener alone, for another client (bench/DOGSTATSD.md: datadog-go): prints its
           addresses, then for each line read on stdin one line of counts per transport
           "packets bytes lines values" (udp, unixgram, unixstream); exits at EOF */
        printf("udp://127.0.0.1:%d unixgram://%s unixstream://%s\n", udp_port, dgram_path, stream_path);
        fflush(stdout);
        char line[64];
        while (fgets(line, sizeof line, stdin)) {
            for (int t = 0; t < T_N; t++) {
                struct counts c = snap(t);
                printf("%llu %llu %llu %llu%s", (unsigned long long)c.packets, (unsigned long long)c.bytes,
                       (unsigned long long)c.lines, (unsigned long long)c.values, t == T_N - 1 ? "\n" : " ");
            }
            fflush(stdout);
        }
        return 0;
    }
    printf("listener: pid %d, udp 127.0.0.1:%d, %s, %s\n", (int)child, udp_port, dgram_path, stream_path);
    int all = strcmp(what, "all") == 0;
    if (all || strcmp(what, "a") == 0) bench_a(9);
    if (all || strcmp(what, "b") == 0) bench_b(10);
    if (all || strcmp(what, "c") == 0) bench_c(10, 1000);
    fflush(stdout);
    return 0;
}
