/* dog_stats_t from C against the intake: dogapi's tests/unit/test_stats_api.py (reference
 * §6.1) with the same numbers, changed only where DESIGN §4 says (count type + interval, tags
 * omitted when empty, percentile ties half away from zero), plus DOG_STATS_TIMED, statuses,
 * telemetry and a many-threads exact-totals test.
 * Run: dog-intake run -- ./test_stats */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <time.h>

#include "stats_util.h"

static dog_http_t *H;

static void test_histogram(void) {
    dt_clear(H);
    dog_stats_t *s = st_start(NULL, NULL, false);
    const struct { const char *name; double v, ts; } pts[] = {
        {"histogram.1", 20, 100}, {"histogram.1", 30, 105}, {"histogram.1", 40, 106}, {"histogram.1", 50, 106},
        {"histogram.1", 30, 110}, {"histogram.1", 50, 115}, {"histogram.1", 40, 116},
        {"histogram.2", 40, 100}, {"histogram.3", 50, 134},
    };
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        CHECK_STATUS(dog_stats_histogram_full(s, pts[i].name, pts[i].v, NULL, pts[i].ts, 1, NULL), DOG_OK);
    }
    CHECK_STATUS(dog_stats_flush(s, 120), DOG_OK);
    char *j = st_received(H);
    CHECK(dt_count(j, "\"metric\":\"histogram.") == 24, "24 metrics after flush(120), got %d", dt_count(j, "\"metric\":\"histogram."));
    CHECK(st_value_at(j, "histogram.1.avg", 100, 0) == 35, "avg 35");
    CHECK(st_value_at(j, "histogram.1.count", 100, 0) == 4, "count 4");
    CHECK(st_value_at(j, "histogram.1.min", 100, 0) == 20, "min 20");
    CHECK(st_value_at(j, "histogram.1.max", 100, 0) == 50, "max 50");
    CHECK(st_value_at(j, "histogram.1.75percentile", 100, 0) == 40, "p75 40");
    CHECK(st_value_at(j, "histogram.1.99percentile", 100, 0) == 50, "p99 50");
    CHECK(st_value_at(j, "histogram.1.avg", 110, 0) == 40, "avg 40");
    CHECK(st_value_at(j, "histogram.1.count", 110, 0) == 3, "count 3");
    CHECK(st_value_at(j, "histogram.1.75percentile", 110, 0) == 40, "p75 40");
    CHECK(st_value_at(j, "histogram.1.99percentile", 110, 0) == 50, "p99 50");
    CHECK(st_value_at(j, "histogram.2.avg", 100, 0) == 40, "h2 avg 40");
    CHECK(st_value_at(j, "histogram.2.count", 100, 0) == 1, "h2 count 1");
    CHECK(dt_count(j, "\"type\":\"count\"") == 3, "the three .count series are counts");
    CHECK(dt_count(j, "\"interval\":10") == 3, "counts carry interval 10");
    CHECK(dt_count(j, "\"contract\":\"valid\"") == 1, "one valid request");
    free(j);
    dt_clear(H);
    CHECK_STATUS(dog_stats_flush(s, 140), DOG_OK);
    j = st_received(H);
    CHECK(dt_count(j, "\"metric\":\"histogram.") == 8, "8 more after flush(140)");
    free(j);
    dt_clear(H);
    CHECK_STATUS(dog_stats_flush(s, 200), DOG_OK);
    j = st_received(H);
    CHECK(dt_count(j, "\"metric\"") == 0, "nothing after flush(200)");
    free(j);
    dog_stats_free(s);
}

static void test_histogram_percentiles(void) {
    dt_clear(H);
    dog_stats_t *s = st_start(NULL, NULL, false);
    for (int r = 0; r < 20; r++) {
        for (int v = 1; v <= 100; v++) {
            (void)dog_stats_histogram_full(s, "percentiles", v, NULL, 1000, 1, NULL);
        }
    }
    CHECK_STATUS(dog_stats_flush(s, 2000), DOG_OK);
    char *j = st_received(H);
    CHECK(dt_count(j, "\"metric\":\"percentiles.") == 8, "8 metrics");
    const double ps[] = {75, 85, 95, 99};
    for (int i = 0; i < 4; i++) {
        char name[64];
        snprintf(name, sizeof name, "percentiles.%dpercentile", (int)ps[i]);
        double v = st_value_at(j, name, 1000, 0);
        CHECK(fabs(v - ps[i]) <= 8, "%s = %g", name, v);
    }
    CHECK(st_value_at(j, "percentiles.count", 1000, 0) == 2000, "count of every point");
    free(j);
    dog_stats_free(s);
}

static void test_gauge_and_counter(void) {
    dt_clear(H);
    dog_stats_t *s = st_start(NULL, NULL, false);
    (void)dog_stats_gauge_full(s, "test.gauge.1", 20, NULL, 100, 1, NULL);
    (void)dog_stats_gauge_full(s, "test.gauge.1", 22, NULL, 105, 1, NULL);
    (void)dog_stats_gauge_full(s, "test.gauge.2", 20, NULL, 110, 1, NULL);
    (void)dog_stats_gauge_full(s, "test.gauge.3", 20, NULL, 125, 1, NULL);
    CHECK_STATUS(dog_stats_flush(s, 120), DOG_OK);
    char *j = st_received(H);
    CHECK(dt_count(j, "\"metric\"") == 2, "2 gauges after flush(120)");
    CHECK(st_value_at(j, "test.gauge.1", 100, 0) == 22, "last value wins");
    CHECK(dt_count(j, "\"type\":\"gauge\"") == 2, "gauge type");
    free(j);
    dt_clear(H);
    CHECK_STATUS(dog_stats_flush(s, 130), DOG_OK);
    j = st_received(H);
    CHECK(dt_count(j, "\"metric\"") == 1, "1 after flush(130)");
    free(j);

    dt_clear(H);
    (void)dog_stats_increment_full(s, "test.counter.1", 1, NULL, 1000, 1, NULL);
    (void)dog_stats_increment_full(s, "test.counter.1", 2, NULL, 1005, 1, NULL);
    (void)dog_stats_increment_full(s, "test.counter.2", 1, NULL, 1015, 1, NULL);
    (void)dog_stats_increment_full(s, "test.counter.3", 1, NULL, 1025, 1, NULL);
    CHECK_STATUS(dog_stats_flush(s, 1021), DOG_OK);
    j = st_received(H);
    CHECK(dt_count(j, "\"metric\":\"test.counter") == 2, "2 counters after flush(1021)");
    CHECK(st_value_at(j, "test.counter.1", 1000, 0) == 3, "sum 3");
    free(j);
    dog_stats_free(s);
}

static void test_host_device_tags(void) {
    dt_clear(H);
    dog_stats_t *s = st_start("host", "dev", false);
    (void)dog_stats_gauge_full(s, "g", 1, NULL, 100, 1, NULL);
    (void)dog_stats_gauge_full(s, "g", 1, "env:production,db", 100, 1, NULL);
    (void)dog_stats_gauge_full(s, "g", 1, "db, env:production", 100, 1, NULL); /* same context */
    (void)dog_stats_gauge_full(s, "g", 1, "", 100, 1, NULL);                   /* same as NULL */
    (void)dog_stats_gauge_full(s, "g", 1, "env:staging", 100, 1, NULL);
    (void)dog_stats_increment_full(s, "c", 1, NULL, 100, 1, "");
    (void)dog_stats_increment_full(s, "c", 1, NULL, 100, 1, "test");
    (void)dog_stats_increment_full(s, "c", 1, "tag", 100, 1, "test");
    (void)dog_stats_increment_full(s, "c", 1, "tag", 100, 1, "test");
    CHECK_STATUS(dog_stats_flush(s, 200), DOG_OK);
    char *j = st_received(H);
    CHECK(st_count(j, "g") == 3, "3 gauge contexts, got %d", st_count(j, "g"));
    CHECK(st_count(j, "c") == 3, "3 counter contexts");
    CHECK(dt_count(j, "\"host\":\"host\"") == 3, "start host on the gauges");
    CHECK(dt_count(j, "\"host\":\"\"") == 1, "host \"\" kept");
    CHECK(dt_count(j, "\"host\":\"test\"") == 2, "per-call host");
    CHECK(dt_count(j, "\"device\":\"dev\"") == 6, "device on every series");
    CHECK(dt_count(j, "\"tags\":[\"db\",\"env:production\"]") == 1, "tags sorted, one context");
    CHECK(dt_count(j, "\"tags\"") == 3, "tags omitted when empty");
    CHECK(dt_count(j, "\"tags\":null") == 0 && dt_count(j, "\"device\":null") == 0, "no null tags/device");
    free(j);
    dog_stats_free(s);
}

static void test_timed_and_statuses(void) {
    dt_clear(H);
    dog_stats_t *s = st_start(NULL, NULL, false);
    int runs = 0;
    DOG_STATS_TIMED(s, "timed.block", "x:y") {
        struct timespec d = {0, 20 * 1000 * 1000};
        nanosleep(&d, NULL);
        runs++;
    }
    CHECK(runs == 1, "the timed block runs once");
    dog_stats_timer_t t = dog_stats_timer_start();
    CHECK_STATUS(dog_stats_timer_stop_full(s, t, "timed.pair", NULL, 1, NULL), DOG_OK);
    CHECK_STATUS(dog_stats_increment(s, NULL, 1, NULL), DOG_ERR_NULL_ARGUMENT);
    CHECK_STATUS(dog_stats_increment(s, "x", NAN, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_stats_increment_full(s, "x", 1, NULL, 0, 2.0, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_stats_stop(s, 5), DOG_OK);
    char *j = st_received(H);
    CHECK(dt_count(j, "\"metric\":\"timed.block.") == 8, "timed block gives 8 series");
    CHECK(dt_count(j, "\"metric\":\"timed.pair.") == 8, "timer pair gives 8 series");
    CHECK(st_value_at(j, "timed.block.min", -1, 0) >= 0.02, "elapsed >= 20 ms");
    free(j);
    st_tel_t tel = st_tel(s);
    CHECK(tel.v[DOG_STATS_POINTS_RECORDED] == 2 && tel.v[DOG_STATS_SERIES_SENT] == 16 && tel.v[DOG_STATS_PAYLOADS_SENT] == 1, "telemetry %llu %llu",
          (unsigned long long)tel.v[DOG_STATS_POINTS_RECORDED], (unsigned long long)tel.v[DOG_STATS_SERIES_SENT]);
    dog_stats_free(s);

    dog_stats_t *n = dog_stats_new();
    CHECK_STATUS(dog_stats_gauge(n, "x", 1, NULL), DOG_ERR_NOT_STARTED);
    dog_stats_free(n);
    CHECK(dog_stats_default() == dog_stats_default(), "one default instance");
    dog_stats_free(dog_stats_default()); /* no-op */
    dog_stats_free(NULL);

    dog_stats_options_t *o = dog_stats_options_new();
    CHECK(o != NULL, "options");
    CHECK_STATUS(dog_stats_options_set_disabled(o, true), DOG_OK);
    CHECK_STATUS(dog_stats_options_set_api_host(o, dt_intake_url()), DOG_OK);
    dt_clear(H);
    dog_stats_t *d = dog_stats_new();
    CHECK_STATUS(dog_stats_start(d, o), DOG_OK);
    dog_stats_options_free(o);
    CHECK_STATUS(dog_stats_gauge(d, "disabled", 1, NULL), DOG_OK);
    CHECK_STATUS(dog_stats_flush(d, 0), DOG_OK);
    dog_stats_free(d);
    j = st_received(H);
    CHECK(dt_count(j, "\"metric\"") == 0, "disabled sends nothing");
    free(j);
}

enum { THREADS = 8, PER = 20000 };
static dog_stats_t *MT;

static void *worker(void *arg) {
    int id = (int)(size_t)arg;
    char own[32];
    snprintf(own, sizeof own, "mt.own.%d", id);
    for (int i = 0; i < PER; i++) {
        (void)dog_stats_increment(MT, "mt.shared", 1, (i & 1) ? "a:1,b:2" : "b:2,a:1");
        (void)dog_stats_increment(MT, own, 1, NULL);
        (void)dog_stats_histogram(MT, "mt.hist", i, "a:1");
    }
    return NULL;
}

static void test_many_threads(void) {
    dt_clear(H);
    MT = st_start(NULL, NULL, true);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        pthread_create(&th[i], NULL, worker, (void *)(size_t)i);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
    }
    CHECK_STATUS(dog_stats_stop(MT, 10), DOG_OK);
    char *j = st_received(H);
    CHECK(st_sum(j, "mt.shared") == THREADS * PER, "shared total %g", st_sum(j, "mt.shared"));
    for (int i = 0; i < THREADS; i++) {
        char own[32];
        snprintf(own, sizeof own, "mt.own.%d", i);
        CHECK(st_sum(j, own) == PER, "%s total %g", own, st_sum(j, own));
    }
    CHECK(st_sum(j, "mt.hist.count") == THREADS * PER, "histogram count %g", st_sum(j, "mt.hist.count"));
    free(j);
    st_tel_t t = st_tel(MT);
    CHECK(t.v[DOG_STATS_POINTS_RECORDED] == 3ull * THREADS * PER, "points %llu", (unsigned long long)t.v[DOG_STATS_POINTS_RECORDED]);
    dog_stats_free(MT);
}

int main(void) {
    H = dt_client();
    test_histogram();
    test_histogram_percentiles();
    test_gauge_and_counter();
    test_host_device_tags();
    test_timed_and_statuses();
    test_many_threads();
    dog_http_free(H);
    return dt_finish("test_stats");
}
