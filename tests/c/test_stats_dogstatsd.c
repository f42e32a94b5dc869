/* The DogStatsD sink chosen by the environment alone: run under `dog-intake run` with
 * DOG_INTAKE_DOGSTATSD set (cmake/DogapiTests.cmake), which starts a DogStatsD listener and
 * gives this program DD_DOGSTATSD_URL. 8 threads record counters, gauges and histograms; what
 * the listener summed (GET /_intake/dogstatsd) equals what was recorded, the telemetry shows
 * every packet sent and none dropped, and no series went to the HTTP API. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "stats_util.h"

#define THREADS 8
#define POINTS 1000 /* per thread and context: every histogram value fits in the sample */

static dog_stats_t *g_stats;
static double g_ts; /* one bucket for the gauges: "last value" is then well defined */
static atomic_int g_failures;

static void *recorder(void *arg) {
    int t = (int)(intptr_t)arg;
    char tags[64];
    snprintf(tags, sizeof tags, "env:c,thread:%d", t);
    for (int i = 0; i < POINTS; i++) {
        if (dog_stats_increment(g_stats, "c.dsd.count", 1, "env:c") != DOG_OK ||
            dog_stats_gauge_full(g_stats, "c.dsd.gauge", i, tags, g_ts, 1.0, NULL) != DOG_OK ||
            dog_stats_histogram(g_stats, "c.dsd.hist", (double)(t * POINTS + i), tags) != DOG_OK) {
            atomic_fetch_add(&g_failures, 1);
        }
    }
    return NULL;
}

int main(void) {
    dog_http_t *h = dt_client();
    const char *url = getenv("DD_DOGSTATSD_URL");
    if (url == NULL || url[0] == '\0') {
        fprintf(stderr, "DD_DOGSTATSD_URL is not set: run under `dog-intake run --dogstatsd unixgram`\n");
        return 2;
    }
    printf("DogStatsD listener: %s\n", url);
    free(dt_control(h, "POST", "dogstatsd/clear", NULL, "{}"));

    /* Nothing about the sink in the options: the environment chooses the Agent. */
    dog_stats_options_t *o = dog_stats_options_new();
    CHECK_STATUS(dog_stats_options_set_flush_in_thread(o, false), DOG_OK);
    CHECK_STATUS(dog_stats_options_set_dogstatsd_telemetry(o, false), DOG_OK);
    g_stats = dog_stats_new();
    CHECK_STATUS(dog_stats_start(g_stats, o), DOG_OK);
    dog_stats_options_free(o);

    g_ts = (double)time(NULL);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        pthread_create(&th[i], NULL, recorder, (void *)(intptr_t)i);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
    }
    CHECK(atomic_load(&g_failures) == 0, "every recording call succeeded: %d failures", atomic_load(&g_failures));
    CHECK_STATUS(dog_stats_stop(g_stats, 10.0), DOG_OK);

    uint64_t sent = 0, dropped_q = 1, dropped_w = 1, oversize = 1;
    CHECK_STATUS(dog_stats_telemetry_get(g_stats, DOG_STATS_DOGSTATSD_PACKETS_SENT, &sent), DOG_OK);
    CHECK_STATUS(dog_stats_telemetry_get(g_stats, DOG_STATS_DOGSTATSD_PACKETS_DROPPED_QUEUE, &dropped_q), DOG_OK);
    CHECK_STATUS(dog_stats_telemetry_get(g_stats, DOG_STATS_DOGSTATSD_PACKETS_DROPPED_WRITER, &dropped_w), DOG_OK);
    CHECK_STATUS(dog_stats_telemetry_get(g_stats, DOG_STATS_DOGSTATSD_LINES_DROPPED_OVERSIZE, &oversize), DOG_OK);
    CHECK(sent > 0 && dropped_q == 0 && dropped_w == 0 && oversize == 0,
          "sent %llu packets, dropped %llu + %llu, oversize %llu", (unsigned long long)sent,
          (unsigned long long)dropped_q, (unsigned long long)dropped_w, (unsigned long long)oversize);
    CHECK(dt_eq(dog_stats_telemetry_name(DOG_STATS_DOGSTATSD_PACKETS_SENT), "dogstatsd_packets_sent"));

    /* Wait (bounded) until the listener has parsed every packet written. */
    char *json = NULL;
    for (int tries = 0; tries < 400; tries++) {
        free(json);
        json = dt_control(h, "GET", "dogstatsd", NULL, NULL);
        if (st_number_after(json, "{", "packets") == (double)sent) {
            break;
        }
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    CHECK(st_number_after(json, "{", "packets") == (double)sent, "the listener received %llu packets",
          (unsigned long long)sent);
    CHECK(st_number_after(json, "\"counters\"", "c.dsd.count|#env:c") == THREADS * POINTS, "counter total");
    for (int t = 0; t < THREADS; t++) {
        char key[128];
        snprintf(key, sizeof key, "c.dsd.gauge|#env:c,thread:%d", t);
        CHECK(st_number_after(json, "\"gauges\"", key) == POINTS - 1, "gauge of thread %d: the last value", t);
        snprintf(key, sizeof key, "\"c.dsd.hist|#env:c,thread:%d\"", t);
        double want_sum = (double)t * POINTS * POINTS + POINTS * (POINTS - 1) / 2.0;
        CHECK(st_number_after(json, key, "count") == POINTS, "histogram of thread %d: every value", t);
        CHECK(st_number_after(json, key, "sum") == want_sum, "histogram of thread %d: sum", t);
        CHECK(st_number_after(json, key, "weighted_count") == POINTS, "histogram of thread %d: count", t);
    }
    CHECK(dt_has(json, "\"parse_errors\":[]"), "every line parsed");
    free(json);

    /* Nothing went to the HTTP API. */
    char *series = st_received(h);
    CHECK(series != NULL && st_count(series, "c.dsd.count") == 0, "no series posted");
    free(series);

    dog_stats_free(g_stats);
    dog_http_free(h);
    return dt_finish("test_stats_dogstatsd");
}
