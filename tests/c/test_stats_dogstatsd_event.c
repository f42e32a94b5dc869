/* dog_stats_event_post / dog_stats_service_check_post from C. Run under `dog-intake run` with
 * DOG_INTAKE_DOGSTATSD set (the file name holds "dogstatsd": cmake/DogapiTests.cmake), which
 * starts a DogStatsD listener and gives this program DD_DOGSTATSD_URL:
 *  - the DogStatsD sink chosen by the environment, no API key: the listener parses exactly the
 *    event and service check fields given (GET /_intake/dogstatsd), and nothing reaches the
 *    HTTP API;
 *  - the HTTP sink (dog_stats_options_set_dogstatsd_url(o, "")): POST /api/v1/events and
 *    /api/v1/check_run, valid against the v1 spec, sent before the call returns;
 *  - statuses: NULL, bad arguments, not started, disabled. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <time.h>

#include "stats_util.h"

static dog_stats_t *start(const char *dogstatsd_url, const char *api_key, bool disabled) {
    dog_stats_options_t *o = dog_stats_options_new();
    dog_stats_t *s = dog_stats_new();
    CHECK_STATUS(dog_stats_options_set_dogstatsd_url(o, dogstatsd_url), DOG_OK);
    CHECK_STATUS(dog_stats_options_set_api_key(o, api_key), DOG_OK);
    CHECK_STATUS(dog_stats_options_set_flush_in_thread(o, false), DOG_OK);
    CHECK_STATUS(dog_stats_options_set_dogstatsd_telemetry(o, false), DOG_OK);
    CHECK_STATUS(dog_stats_options_set_origin_detection(o, false), DOG_OK);
    CHECK_STATUS(dog_stats_options_set_disabled(o, disabled), DOG_OK);
    if (dogstatsd_url != NULL && dogstatsd_url[0] == '\0') { /* the HTTP sink: the intake */
        CHECK_STATUS(dog_stats_options_set_api_host(o, dt_intake_url()), DOG_OK);
        CHECK_STATUS(dog_stats_options_set_host(o, "c-host"), DOG_OK);
    }
    CHECK_STATUS(dog_stats_start(s, o), DOG_OK);
    dog_stats_options_free(o);
    return s;
}

/* The listener's totals once `needle` occurs `n` times in them (bounded wait); caller frees. */
static char *listener_when(dog_http_t *h, const char *needle, int n) {
    char *json = NULL;
    for (int tries = 0; tries < 400; tries++) {
        free(json);
        json = dt_control(h, "GET", "dogstatsd", NULL, NULL);
        if (dt_count(json, needle) >= n) {
            break;
        }
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return json;
}

static void test_dogstatsd(dog_http_t *h) {
    free(dt_control(h, "POST", "dogstatsd/clear", NULL, "{}"));
    dt_clear(h);
    dog_stats_t *s = start(NULL, "", false); /* NULL: the environment (DD_DOGSTATSD_URL) */
    CHECK_STATUS(dog_stats_event_post(s, "C deploy", "line 1\nline 2", "env:c,team:core", 1700000000, "low",
                                      "web-1", "deploy-7", "make", "success"),
                 DOG_OK);
    CHECK_STATUS(dog_stats_service_check_post(s, "c.app.ok", DOG_CHECK_CRITICAL, "env:c", "refused", 1700000100,
                                              "db-1"),
                 DOG_OK);
    CHECK_STATUS(dog_stats_service_check_post(s, "c.app.minimal", DOG_CHECK_OK, NULL, NULL, 0, NULL), DOG_OK);
    CHECK_STATUS(dog_stats_flush(s, 0), DOG_OK);
    char *json = listener_when(h, "\"name\":\"c.app.", 2);
    CHECK(dt_has(json, "\"title\":\"C deploy\"") && dt_has(json, "\"text\":\"line 1\\nline 2\""), "event: %s", json);
    CHECK(dt_has(json, "\"timestamp\":1700000000") && dt_has(json, "\"hostname\":\"web-1\""), "event d:, h:");
    CHECK(dt_has(json, "\"aggregation_key\":\"deploy-7\"") && dt_has(json, "\"priority\":\"low\""), "event k:, p:");
    CHECK(dt_has(json, "\"source_type\":\"make\"") && dt_has(json, "\"alert_type\":\"success\""), "event s:, t:");
    CHECK(dt_has(json, "\"tags\":[\"env:c\",\"team:core\"]"), "event tags");
    CHECK(dt_has(json, "\"name\":\"c.app.ok\"") && dt_has(json, "\"status\":2"), "check: %s", json);
    CHECK(dt_has(json, "\"message\":\"refused\"") && dt_has(json, "\"hostname\":\"db-1\""), "check m:, h:");
    CHECK(dt_has(json, "\"timestamp\":1700000100") && dt_has(json, "\"tags\":[\"env:c\"]"), "check d:, tags");
    CHECK(dt_has(json, "\"name\":\"c.app.minimal\"") && dt_has(json, "\"status\":0"), "minimal check");
    CHECK(dt_has(json, "\"parse_errors\":[]"), "every line parsed");
    free(json);
    char *http = dt_requests(h, "/api/v1/events");
    CHECK(http != NULL && dt_count(http, "\"path\"") == 0, "nothing to the HTTP API: %s", http);
    free(http);
    dog_stats_free(s);
}

static void test_http(dog_http_t *h) {
    dt_clear(h);
    dog_stats_t *s = start("", "test-api-key", false);
    CHECK_STATUS(dog_stats_event_post(s, "C http", NULL, "env:c", 1700000000, NULL, NULL, NULL, NULL, "error"),
                 DOG_OK);
    /* Synchronous: recorded before the call returned. */
    const char *seen = dt_peek_requests(h, "/api/v1/events");
    CHECK(dt_count(seen, "\"contract\":\"valid\"") == 1, "one valid event post: %s", seen);
    CHECK(dt_has(seen, "\"title\":\"C http\"") && dt_has(seen, "\"alert_type\":\"error\""), "event body");
    CHECK(dt_has(seen, "\"host\":\"c-host\""), "no host: the series' host");
    CHECK_STATUS(dog_stats_service_check_post(s, "c.http.ok", DOG_CHECK_WARNING, "env:c", "slow", 0, NULL), DOG_OK);
    seen = dt_peek_requests(h, "/api/v1/check_run");
    CHECK(dt_count(seen, "\"contract\":\"valid\"") == 1, "one valid check run: %s", seen);
    CHECK(dt_has(seen, "\"check\":\"c.http.ok\"") && dt_has(seen, "\"status\":1"), "check body");
    CHECK(dt_has(seen, "\"host_name\":\"c-host\"") && dt_has(seen, "\"message\":\"slow\""), "check host, message");
    dt_fault(h, "{\"kind\":\"status\",\"code\":500,\"body\":\"{}\",\"count\":1}");
    CHECK_STATUS(dog_stats_service_check_post(s, "c.http.ok", DOG_CHECK_OK, NULL, NULL, 0, NULL), DOG_ERR_HTTP_STATUS);
    dog_stats_free(s);
}

static void test_statuses(void) {
    CHECK_STATUS(dog_stats_event_post(NULL, "t", NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL), DOG_ERR_NULL_ARGUMENT);
    CHECK_STATUS(dog_stats_service_check_post(NULL, "n", 0, NULL, NULL, 0, NULL), DOG_ERR_NULL_ARGUMENT);
    dog_stats_t *idle = dog_stats_new();
    CHECK_STATUS(dog_stats_event_post(idle, "t", NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL), DOG_ERR_NOT_STARTED);
    CHECK_STATUS(dog_stats_service_check_post(idle, "n", 0, NULL, NULL, 0, NULL), DOG_ERR_NOT_STARTED);
    dog_stats_free(idle);

    dog_stats_t *s = start(NULL, "", false);
    CHECK_STATUS(dog_stats_event_post(s, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL), DOG_ERR_NULL_ARGUMENT);
    CHECK_STATUS(dog_stats_event_post(s, "", NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_stats_event_post(s, "t", NULL, NULL, 0, "urgent", NULL, NULL, NULL, NULL),
                 DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_stats_event_post(s, "t", NULL, NULL, 0, NULL, NULL, NULL, NULL, "snapshot"),
                 DOG_ERR_INVALID_ARGUMENT);
    CHECK(dt_has(dog_error_last(), "alert_type"), "the error names the argument: %s", dog_error_last());
    CHECK_STATUS(dog_stats_service_check_post(s, NULL, 0, NULL, NULL, 0, NULL), DOG_ERR_NULL_ARGUMENT);
    CHECK_STATUS(dog_stats_service_check_post(s, "n", 4, NULL, NULL, 0, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_stats_service_check_post(s, "n", -1, NULL, NULL, 0, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_stats_service_check_post(s, "", 0, NULL, NULL, 0, NULL), DOG_ERR_INVALID_ARGUMENT);
    dog_stats_free(s);

    dog_stats_t *off = start(NULL, "", true);
    CHECK_STATUS(dog_stats_event_post(off, "t", NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL), DOG_OK);
    CHECK_STATUS(dog_stats_service_check_post(off, "n", 0, NULL, NULL, 0, NULL), DOG_OK);
    dog_stats_free(off);
}

int main(void) {
    dog_http_t *h = dt_client();
    const char *url = getenv("DD_DOGSTATSD_URL");
    if (url == NULL || url[0] == '\0') {
        fprintf(stderr, "DD_DOGSTATSD_URL is not set: run under `dog-intake run --dogstatsd unixgram`\n");
        return 2;
    }
    test_dogstatsd(h);
    test_http(h);
    test_statuses();
    dog_http_free(h);
    return dt_finish("test_stats_dogstatsd_event");
}
