/* Unified service tagging: DD_ENV, DD_SERVICE, DD_VERSION (env:, service:, version:), DD_TAGS
 * (comma or space separated) and the global-tags options appear exactly once on every series of
 * the aggregator, and on the events and service checks a dog_http_t posts, merged with the
 * call's own tags without duplicates.
 * Run: dog-intake run -- ./test_global_tags */
#define _POSIX_C_SOURCE 200809L

#include <time.h>

#include "stats_util.h"

static const char *const EVERY[] = {"env:prod", "service:web", "version:1.2.3", "team:core", "zone:a", "owner:me"};
#define N_EVERY (sizeof EVERY / sizeof EVERY[0])

/* Each tag of EVERY appears exactly `n` times in `json`, as a JSON string. */
static void check_each(const char *json, int n, const char *what) {
    for (size_t i = 0; i < N_EVERY; i++) {
        char needle[64];
        snprintf(needle, sizeof needle, "\"%s\"", EVERY[i]);
        CHECK(dt_count(json, needle) == n, "%s: %s %d times, expected %d: %s", what, EVERY[i], dt_count(json, needle),
              n, json);
    }
}

static void test_stats(dog_http_t *h) {
    dt_clear(h);
    dog_stats_options_t *o = dog_stats_options_new();
    CHECK_STATUS(dog_stats_options_set_api_host(o, dt_intake_url()), DOG_OK);
    CHECK_STATUS(dog_stats_options_set_api_key(o, "test-api-key"), DOG_OK);
    CHECK_STATUS(dog_stats_options_set_flush_in_thread(o, false), DOG_OK);
    /* owner:me is new; env:prod repeats DD_ENV */
    CHECK_STATUS(dog_stats_options_set_global_tags(o, "owner:me, env:prod"), DOG_OK);
    {
        char tag[256];
        memset(tag, 'x', 201);
        tag[201] = '\0';
        CHECK_STATUS(dog_stats_options_set_global_tags(o, tag), DOG_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(dog_stats_options_set_global_tags(NULL, "a:b"), DOG_ERR_NULL_ARGUMENT);
    }
    dog_stats_t *s = dog_stats_new();
    CHECK_STATUS(dog_stats_start(s, o), DOG_OK);
    dog_stats_options_free(o);

    /* One timestamp for every point: stamped "now", a loop that straddles a 10 s bucket
     * boundary (a slow first call under valgrind) gave a context two series (seen in CI). */
    double ts = (double)time(NULL);
    for (int i = 0; i < 5; i++) {
        CHECK_STATUS(dog_stats_increment_full(s, "gt.c", 1, "k:v", ts, 1.0, NULL), DOG_OK);
        /* repeats DD_ENV: the same context (one series, env:prod once) */
        CHECK_STATUS(dog_stats_increment_full(s, "gt.c", 1, "env:prod,k:v", ts, 1.0, NULL), DOG_OK);
        CHECK_STATUS(dog_stats_gauge_full(s, "gt.g", i, NULL, ts, 1.0, NULL), DOG_OK);
        CHECK_STATUS(dog_stats_histogram_full(s, "gt.h", i, "zone:a", ts, 1.0, NULL), DOG_OK);
    }
    CHECK_STATUS(dog_stats_stop(s, 10), DOG_OK);
    char *j = st_received(h);
    int series = dt_count(j, "\"metric\":");
    CHECK(series == 1 + 1 + 8, "10 series: %d", series);
    check_each(j, series, "series");
    CHECK(st_sum(j, "gt.c") == 10, "counter total: %g", st_sum(j, "gt.c"));
    CHECK(dt_count(j, "\"k:v\"") == 1, "the call's tags kept");
    CHECK(dt_count(j, "\"contract\":\"invalid\"") == 0, "all valid");
    free(j);
    dog_stats_free(s);
}

static void test_http(void) {
    dog_http_t *c = dt_client(); /* reads DD_ENV, DD_SERVICE, DD_VERSION, DD_TAGS */
    dog_response_t *r = NULL;
    CHECK_STATUS(dog_http_set_global_tags(c, "owner:me,service:web"), DOG_OK);
    {
        char tag[256];
        memset(tag, 'y', 201);
        tag[201] = '\0';
        CHECK_STATUS(dog_http_set_global_tags(c, tag), DOG_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(dog_http_set_global_tags(NULL, NULL), DOG_ERR_NULL_ARGUMENT);
    }
    dt_clear(c);
    CHECK_STATUS(dog_event_post(c, "deployed", "v1.2.3", 0, NULL, NULL, 0, "a:b,service:web", NULL, NULL, NULL, NULL,
                                NULL, &r),
                 DOG_OK);
    dog_response_free(r);
    r = NULL;
    CHECK_STATUS(dog_event_post(c, "no tags", "text", 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, &r), DOG_OK);
    dog_response_free(r);
    const char *seen = dt_peek_requests(c, "/api/v1/events");
    check_each(seen, 2, "events");
    CHECK(dt_has(seen, "\"tags\":[\"a:b\",\"service:web\","), "the call's tags first: %s", seen);
    CHECK(dt_count(seen, "\"contract\":\"valid\"") == 2, "events valid: %s", seen);

    r = NULL;
    CHECK_STATUS(dog_service_check_post(c, "app.ok", "web-1", DOG_CHECK_OK, 0, NULL, "zone:a,x:y", &r), DOG_OK);
    dog_response_free(r);
    seen = dt_peek_requests(c, "/api/v1/check_run");
    check_each(seen, 1, "service check");
    CHECK(dt_has(seen, "\"x:y\""), "the check's own tag kept: %s", seen);
    CHECK(dt_count(seen, "\"contract\":\"valid\"") == 1, "check valid: %s", seen);

    /* NULL clears the option; the environment's tags stay. */
    CHECK_STATUS(dog_http_set_global_tags(c, NULL), DOG_OK);
    dt_clear(c);
    r = NULL;
    CHECK_STATUS(dog_service_check_post(c, "app.ok", "web-1", DOG_CHECK_OK, 0, NULL, NULL, &r), DOG_OK);
    dog_response_free(r);
    seen = dt_peek_requests(c, "/api/v1/check_run");
    CHECK(!dt_has(seen, "\"owner:me\"") && dt_count(seen, "\"env:prod\"") == 1, "option cleared: %s", seen);
    dog_http_free(c);
}

int main(void) {
    setenv("DD_ENV", "prod", 1);
    setenv("DD_SERVICE", "web", 1);
    setenv("DD_VERSION", "1.2.3", 1);
    setenv("DD_TAGS", "team:core zone:a,team:core", 1);
    dog_http_t *h = dt_client();
    test_stats(h);
    test_http();
    dog_http_free(h);
    return dt_finish("test_global_tags");
}
