/* Several threads record into the process-wide aggregator; a background thread flushes to
 * /api/v1/series (and /api/v1/distribution_points) every 10 s; dog_stats_stop() sends the rest before exit.
 *   DD_API_KEY=... ./stats_threads        (or: dog-intake run -- ./stats_threads) */
#include <pthread.h>
#include <stdio.h>

#include "dogapi.h"

/* A pre-registered counter shared by every thread: name and tags checked once. */
static dog_stats_counter_t *requests;

static void *work(void *arg) {
    dog_stats_t *stats = dog_stats_default();
    for (int i = 0; i < 1000; i++) {
        dog_stats_counter_add(requests, 1);
        DOG_STATS_TIMED(stats, "example.handler.time", "route:/home") {
            dog_stats_histogram(stats, "example.payload.bytes", 512 + i % 100, NULL);
            /* every value is sent: Datadog computes the percentiles across hosts */
            dog_stats_distribution(stats, "example.payload.size", 512 + i % 100, NULL);
        }
    }
    dog_stats_gauge(stats, "example.worker.done", 1, (const char *)arg);
    return NULL;
}

int main(void) {
    /* Unset options keep dogapi's defaults; api key: DD_API_KEY; host: DATADOG_HOST or api.<DD_SITE>. */
    dog_stats_options_t *opts = dog_stats_options_new();
    if (opts == NULL || dog_stats_options_set_flush_interval(opts, 10) != DOG_OK ||
        dog_stats_options_set_shutdown_timeout(opts, 5) != DOG_OK ||
        dog_stats_start(dog_stats_default(), opts) != DOG_OK) {
        fprintf(stderr, "start: %s\n", dog_error_last());
        return 1;
    }
    dog_stats_options_free(opts); /* dog_stats_start copied them */
    requests = dog_stats_counter_new(dog_stats_default(), "example.requests", "route:/home");
    if (requests == NULL) {
        fprintf(stderr, "counter: %s\n", dog_error_last());
        return 1;
    }
    pthread_t t[4];
    const char *tags[4] = {"worker:0", "worker:1", "worker:2", "worker:3"};
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, work, (void *)tags[i]);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    dog_status_t st = dog_stats_stop(dog_stats_default(), 5.0);
    dog_stats_counter_free(requests);
    uint64_t tel[DOG_STATS_TELEMETRY_COUNT];
    dog_stats_telemetry_read(dog_stats_default(), tel, DOG_STATS_TELEMETRY_COUNT);
    printf("stop: %s; %llu points, %llu series sent in %llu requests, %llu dropped\n", dog_status_str((int)st),
           (unsigned long long)tel[DOG_STATS_POINTS_RECORDED], (unsigned long long)tel[DOG_STATS_SERIES_SENT],
           (unsigned long long)tel[DOG_STATS_PAYLOADS_SENT],
           (unsigned long long)(tel[DOG_STATS_DROPPED_SERIES_QUEUE_FULL] + tel[DOG_STATS_DROPPED_SERIES_REJECTED] +
                                tel[DOG_STATS_DROPPED_SERIES_SHUTDOWN] + tel[DOG_STATS_DROPPED_SERIES_OVERSIZED]));
    return st == DOG_OK ? 0 : 1;
}
