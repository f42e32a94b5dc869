/* Distributions from C against the intake: the /api/v1/distribution_points body (deflate, valid
 * against the v1 spec), every value of many threads delivered exactly once, the per-bucket cap
 * (dropped and counted), DOG_STATS_TIMED_DISTRIBUTION and the timer forms, statuses.
 * Run: dog-intake run -- ./test_stats_distribution */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <time.h>

#include "stats_util.h"

static dog_http_t *H;

/* Started with flush_in_thread `thread` and max_distribution_values `cap`. */
static dog_stats_t *sd_start(bool thread, size_t cap) {
    dog_stats_options_t *o = dog_stats_options_new();
    dog_stats_t *s = dog_stats_new();
    if (o == NULL || s == NULL || dog_stats_options_set_api_host(o, dt_intake_url()) != DOG_OK ||
        dog_stats_options_set_api_key(o, "test-api-key") != DOG_OK ||
        dog_stats_options_set_host(o, "test-host") != DOG_OK ||
        dog_stats_options_set_flush_in_thread(o, thread) != DOG_OK ||
        dog_stats_options_set_max_distribution_values(o, cap) != DOG_OK || dog_stats_start(s, o) != DOG_OK) {
        fprintf(stderr, "cannot start stats: %s\n", dog_error_last());
        exit(2);
    }
    dog_stats_options_free(o);
    return s;
}

static char *sd_received(void) { return dt_requests(H, "/api/v1/distribution_points"); }

/* Calls `f(v, ctx)` for every value of every point of every series named `name` (the intake's
 * JSON: "metric":"<name>", ... "points":[[ts,[v1,v2,...]]]); returns how many. */
static long sd_each(const char *json, const char *name, void (*f)(double, void *), void *ctx) {
    char needle[256];
    snprintf(needle, sizeof needle, "\"metric\":\"%s\"", name);
    size_t len = strlen(needle);
    long n = 0;
    for (const char *p = json ? strstr(json, needle) : NULL; p != NULL; p = strstr(p + len, needle)) {
        const char *start = p;
        while (start > json && *start != '{') {
            start--;
        }
        const char *pts = strstr(start, "\"points\":[[");
        if (pts == NULL) {
            continue;
        }
        char *q = NULL;
        (void)strtod(pts + strlen("\"points\":[["), &q); /* timestamp */
        if (q == NULL || strncmp(q, ",[", 2) != 0) {
            continue;
        }
        q += 2;
        while (*q != ']') {
            char *after = NULL;
            double v = strtod(q, &after);
            if (after == q) {
                break;
            }
            if (f) {
                f(v, ctx);
            }
            n++;
            q = after;
            if (*q == ',') {
                q++;
            }
        }
    }
    return n;
}

static void add(double v, void *ctx) { *(double *)ctx += v; }

static void test_body(void) {
    dt_clear(H);
    dog_stats_t *s = sd_start(false, 10000);
    for (int v = 1; v <= 5; v++) {
        CHECK_STATUS(dog_stats_distribution_full(s, "req.size", v, "env:prod", 1000, 1, NULL), DOG_OK);
    }
    /* Same name as a histogram: another context, on /api/v1/series. */
    CHECK_STATUS(dog_stats_histogram_full(s, "req.size", 7, "env:prod", 1000, 1, NULL), DOG_OK);
    CHECK_STATUS(dog_stats_flush(s, 1020), DOG_OK);
    char *j = sd_received();
    CHECK(dt_count(j, "\"contract\":\"valid\"") == 1, "one valid request: %s", j);
    CHECK(dt_count(j, "\"content_encoding\":\"deflate\"") == 1, "deflate");
    CHECK(dt_count(j, "\"type\":\"distribution\"") == 1, "one distribution series");
    CHECK(dt_has(j, "\"points\":[[1000,["), "bucket timestamp 1000");
    CHECK(dt_has(j, "\"tags\":[\"env:prod\"]") && dt_has(j, "\"host\":\"test-host\""), "tags and host");
    double sum = 0;
    CHECK(sd_each(j, "req.size", add, &sum) == 5 && sum == 15, "values 1..5, sum %g", sum);
    free(j);
    j = st_received(H);
    CHECK(dt_count(j, "\"metric\":\"req.size.") == 8, "the histogram's 8 series");
    free(j);
    st_tel_t t = st_tel(s);
    CHECK(t.v[DOG_STATS_SERIES_SENT] == 9 && t.v[DOG_STATS_PAYLOADS_SENT] == 2, "series %llu payloads %llu",
          (unsigned long long)t.v[DOG_STATS_SERIES_SENT], (unsigned long long)t.v[DOG_STATS_PAYLOADS_SENT]);
    dog_stats_free(s);
}

static void test_cap(void) {
    dt_clear(H);
    dog_stats_t *s = sd_start(false, 10);
    for (int v = 0; v < 25; v++) {
        CHECK_STATUS(dog_stats_distribution_full(s, "capped", v, NULL, 1000, 1, NULL), DOG_OK);
    }
    CHECK_STATUS(dog_stats_distribution_full(s, "capped", 99, NULL, 1010, 1, NULL), DOG_OK);
    CHECK_STATUS(dog_stats_flush(s, 1100), DOG_OK);
    char *j = sd_received();
    CHECK(sd_each(j, "capped", NULL, NULL) == 11, "10 values of bucket 1000 + 1 of bucket 1010");
    free(j);
    st_tel_t t = st_tel(s);
    CHECK(t.v[DOG_STATS_DROPPED_DISTRIBUTION_VALUES] == 15, "dropped %llu",
          (unsigned long long)t.v[DOG_STATS_DROPPED_DISTRIBUTION_VALUES]);
    dog_stats_free(s);
}

static void test_timers_and_statuses(void) {
    dt_clear(H);
    dog_stats_t *s = sd_start(false, 10000);
    DOG_STATS_TIMED_DISTRIBUTION(s, "timed.dist", "k:v") {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    dog_stats_timer_t tm = dog_stats_timer_start();
    CHECK_STATUS(dog_stats_timer_stop_distribution(s, tm, "timed.dist", "k:v"), DOG_OK);
    CHECK_STATUS(dog_stats_timer_stop_distribution_full(s, tm, "timed.dist", "k:v", 1, NULL), DOG_OK);
    CHECK_STATUS(dog_stats_distribution(s, NULL, 1, NULL), DOG_ERR_NULL_ARGUMENT);
    CHECK_STATUS(dog_stats_distribution(NULL, "x", 1, NULL), DOG_ERR_NULL_ARGUMENT);
    CHECK_STATUS(dog_stats_distribution(s, "", 1, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_stats_distribution(s, "x", NAN, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_stats_distribution_full(s, "x", 1, NULL, 0, 0, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_stats_distribution_full(s, "x", 1, NULL, INFINITY, 1, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_stats_timer_stop_distribution_full(s, tm, "x", NULL, 2.0, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_stats_stop(s, 5), DOG_OK);
    char *j = sd_received();
    double sum = 0;
    CHECK(sd_each(j, "timed.dist", add, &sum) == 3, "three timed values");
    CHECK(sum >= 0.02, "the timed block took >= 20 ms, sum %g", sum);
    free(j);
    dog_stats_free(s);

    dog_stats_t *n = dog_stats_new();
    CHECK_STATUS(dog_stats_distribution(n, "x", 1, NULL), DOG_ERR_NOT_STARTED);
    dog_stats_free(n);
    dog_stats_options_t *o = dog_stats_options_new();
    CHECK_STATUS(dog_stats_options_set_max_distribution_values(o, 0), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_stats_options_set_max_distribution_values(o, 8388609), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_stats_options_set_max_distribution_values(o, 8388608), DOG_OK);
    CHECK_STATUS(dog_stats_options_set_max_distribution_values(NULL, 5), DOG_ERR_NULL_ARGUMENT);
    dog_stats_options_free(o);
}

enum { THREADS = 8, PER = 5000 };
static dog_stats_t *MT;
static unsigned char SEEN[THREADS * PER];
static long DUPLICATES, OUT_OF_RANGE;

static void *worker(void *arg) {
    int id = (int)(size_t)arg;
    for (int i = 0; i < PER; i++) {
        (void)dog_stats_distribution(MT, "mt.dist", (double)(id * PER + i), (i & 1) ? "a:1,b:2" : "b:2,a:1");
    }
    return NULL;
}

static void mark(double v, void *ctx) {
    (void)ctx;
    long i = (long)v;
    if (v != (double)i || i < 0 || i >= THREADS * PER) {
        OUT_OF_RANGE++;
    } else if (SEEN[i]++) {
        DUPLICATES++;
    }
}

static void test_many_threads(void) {
    dt_clear(H);
    MT = sd_start(true, THREADS * PER);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        pthread_create(&th[i], NULL, worker, (void *)(size_t)i);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
    }
    CHECK_STATUS(dog_stats_stop(MT, 10), DOG_OK);
    char *j = sd_received();
    long n = sd_each(j, "mt.dist", mark, NULL);
    CHECK(n == THREADS * PER, "%ld values received", n);
    CHECK(DUPLICATES == 0 && OUT_OF_RANGE == 0, "%ld duplicates, %ld out of range", DUPLICATES, OUT_OF_RANGE);
    CHECK(dt_count(j, "\"contract\":\"valid\"") == dt_count(j, "\"path\":"), "every request valid");
    free(j);
    st_tel_t t = st_tel(MT);
    CHECK(t.v[DOG_STATS_POINTS_RECORDED] == (uint64_t)THREADS * PER && t.v[DOG_STATS_DROPPED_DISTRIBUTION_VALUES] == 0,
          "points %llu", (unsigned long long)t.v[DOG_STATS_POINTS_RECORDED]);
    dog_stats_free(MT);
    dt_clear(H); /* keeps the 40,000 values out of dog-intake's end-of-run summary */
}

int main(void) {
    H = dt_client();
    test_body();
    test_cap();
    test_timers_and_statuses();
    test_many_threads();
    dog_http_free(H);
    return dt_finish("test_stats_distribution");
}
