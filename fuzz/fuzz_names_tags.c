/* Metric names and tag strings: the HTTP metric and service check calls and the stats
 * recording calls (a started aggregator whose flushes go to a closed port). The first input
 * byte picks the role of the rest: name, tags, or host. */
#include "fuzz_common.h"

static dog_stats_t *fz_stats(void) {
    static dog_stats_t *s = NULL;
    if (s == NULL) {
        s = dog_stats_new();
        /* NULL options: DATADOG_HOST / DD_API_KEY from the environment (set by main's caller
         * below before the first input). */
        if (s == NULL || dog_stats_start(s, NULL) != DOG_OK) {
            fprintf(stderr, "fuzz: cannot start stats: %s\n", dog_last_error());
            abort();
        }
    }
    return s;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    setenv("DATADOG_HOST", "http://127.0.0.1:1", 1);
    setenv("DD_API_KEY", "fuzz-api-key", 1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) {
        return 0;
    }
    dog_http_t *h = fz_client();
    dog_stats_t *st = fz_stats();
    char *s = fz_str(data + 1, size - 1);
    const char *name = "fuzz.metric", *tags = "env:fuzz", *host = NULL;
    switch (data[0] % 3) {
    case 0: name = s; break;
    case 1: tags = s; break;
    default: host = s; break;
    }
    fz_check(dog_metric_post(h, name, 1, host, NULL, tags, NULL, NULL), "dog_metric_post");
    fz_check(dog_service_check_post(h, name, host ? host : "h", DOG_CHECK_OK, 0, NULL, tags, NULL), "dog_service_check_post");
    fz_check(dog_stats_increment(st, name, 1, tags), "dog_stats_increment");
    fz_check(dog_stats_gauge(st, name, 2, tags), "dog_stats_gauge");
    fz_check(dog_stats_histogram(st, name, 3, tags), "dog_stats_histogram");
    fz_check(dog_stats_increment_ex(st, name, 1, tags, 0, 0.5, host), "dog_stats_increment_ex");
    fz_check(dog_tags_add(h, host ? host : "h", tags, NULL, NULL), "dog_tags_add");
    free(s);
    return 0;
}
