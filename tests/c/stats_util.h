/* Helpers shared by the stats C tests: start an aggregator against the intake, and read back
 * the series the intake received (GET /_intake/requests?path=/api/v1/series).
 * Header-only; include after dogtest.h. */
#ifndef STATS_UTIL_H
#define STATS_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "dogtest.h"

/* Started with flush_in_thread off unless `thread`, pointed at the intake. */
static inline dog_stats_t *st_start(const char *host, const char *device, bool thread) {
    dog_stats_options_t *o = dog_stats_options_new();
    dog_stats_t *s = dog_stats_new();
    if (o == NULL || s == NULL || dog_stats_options_set_api_host(o, dt_intake_url()) != DOG_OK ||
        dog_stats_options_set_api_key(o, "test-api-key") != DOG_OK || dog_stats_options_set_host(o, host) != DOG_OK ||
        dog_stats_options_set_device(o, device) != DOG_OK || dog_stats_options_set_flush_in_thread(o, thread) != DOG_OK ||
        dog_stats_start(s, o) != DOG_OK) {
        fprintf(stderr, "cannot start stats: %s\n", dog_error_last());
        exit(2);
    }
    dog_stats_options_free(o); /* dog_stats_start copied them */
    return s;
}

/* Every received series request as the intake's JSON (caller frees). */
static inline char *st_received(dog_http_t *h) { return dt_requests(h, "/api/v1/series"); }

/* Number of series named exactly `name` in `json`. */
static inline int st_count(const char *json, const char *name) {
    char needle[256];
    snprintf(needle, sizeof needle, "\"metric\":\"%s\"", name);
    return dt_count(json, needle);
}

/* The value of the point of the `nth` (0-based) series named `name` whose timestamp is `ts`
 * (ts < 0: any); NaN when absent. The series object is delimited by its braces. */
static inline double st_value_at(const char *json, const char *name, double ts, int nth) {
    char needle[256];
    snprintf(needle, sizeof needle, "\"metric\":\"%s\"", name);
    size_t len = strlen(needle);
    for (const char *p = json ? strstr(json, needle) : NULL; p != NULL; p = strstr(p + len, needle)) {
        /* Bounds of the enclosing object: series objects contain no nested objects. */
        const char *start = p;
        while (start > json && *start != '{') {
            start--;
        }
        const char *end = strchr(p, '}');
        const char *pts = strstr(start, "\"points\":[[");
        if (pts == NULL || end == NULL || pts > end) {
            continue;
        }
        char *after = NULL;
        double t = strtod(pts + strlen("\"points\":[["), &after);
        if (after == NULL || *after != ',') {
            continue;
        }
        double v = strtod(after + 1, NULL);
        if (ts >= 0 && t != ts) {
            continue;
        }
        if (nth-- == 0) {
            return v;
        }
    }
    return 0.0 / 0.0;
}

/* Sum of the values of every series named `name`. */
static inline double st_sum(const char *json, const char *name) {
    double sum = 0;
    int n = st_count(json, name);
    for (int i = 0; i < n; i++) {
        sum += st_value_at(json, name, -1, i);
    }
    return sum;
}

/* The number after `"<key>":` (the first occurrence after `from`) in `json`, NaN when absent:
 * reads the DogStatsD listener's totals (GET /_intake/dogstatsd). */
static inline double st_number_after(const char *json, const char *from, const char *key) {
    char needle[256];
    const char *p = json != NULL && from != NULL ? strstr(json, from) : NULL;
    snprintf(needle, sizeof needle, "\"%s\":", key);
    p = p != NULL ? strstr(p, needle) : NULL;
    return p != NULL ? strtod(p + strlen(needle), NULL) : 0.0 / 0.0;
}

/* Every telemetry value at once, indexed by dog_stats_telemetry_id_t: t.v[DOG_STATS_SERIES_SENT]. */
typedef struct {
    uint64_t v[DOG_STATS_TELEMETRY_COUNT];
} st_tel_t;

static inline st_tel_t st_tel(const dog_stats_t *s) {
    st_tel_t t;
    memset(&t, 0, sizeof t);
    (void)dog_stats_telemetry_read(s, t.v, DOG_STATS_TELEMETRY_COUNT);
    return t;
}

#endif /* STATS_UTIL_H */
