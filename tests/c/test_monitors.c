/* Monitors through libdogapi against the local intake (run under
 * `dog-intake run --strict -- ./test_monitors`). Prints "N passed, N failed".
 * The mute functions are deprecated (compile with -Wno-deprecated-declarations). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dogapi.h"

static int passed, failed;
static dog_http_t *h;
static char seen[1 << 16];

#define CHECK(cond) \
    do { \
        if (cond) { \
            passed++; \
        } else { \
            failed++; \
            fprintf(stderr, "FAIL %s:%d: %s (last error: %s)\n", __FILE__, __LINE__, #cond, dog_last_error()); \
        } \
    } while (0)

static int has(const char *hay, const char *needle) {
    return hay != NULL && strstr(hay, needle) != NULL;
}

static int eq(const char *a, const char *b) {
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* Forgets what the intake recorded so far. */
static void intake_clear(void) {
    dog_response_t *r = NULL;
    dog_http_request(h, "POST", "/_intake/clear", NULL, NULL, &r);
    dog_response_free(r);
}

/* What the intake recorded for this exact path, as JSON array text (copied into `seen`). */
static const char *intake_requests(const char *path) {
    char q[512];
    dog_response_t *r = NULL;
    seen[0] = '\0';
    snprintf(q, sizeof q, "path=%s", path);
    if (dog_http_request(h, "GET", "/_intake/requests", q, NULL, &r) == DOG_OK) {
        snprintf(seen, sizeof seen, "%s", dog_response_body(r));
    }
    dog_response_free(r);
    return seen;
}

/* The intake answers the next request with 404 {"errors":["Not found"]}. */
static void intake_fault_404(void) {
    dog_response_t *r = NULL;
    dog_http_request(h, "POST", "/_intake/fault", NULL,
                     "{\"kind\":\"status\",\"code\":404,\"body\":\"{\\\"errors\\\":[\\\"Not found\\\"]}\"}", &r);
    dog_response_free(r);
}

/* Checks that a call failed with DOG_ERR_API and handed out the 404 response. */
#define CHECK_404(call_expr) \
    do { \
        dog_response_t *r404 = NULL; \
        intake_fault_404(); \
        CHECK((call_expr) == DOG_ERR_API); \
        CHECK(r404 != NULL && dog_response_status(r404) == 404); \
        CHECK(dog_response_result(r404) == NULL); \
        CHECK(has(dog_response_body(r404), "Not found")); \
        dog_response_free(r404); \
    } while (0)

static int setup(void) {
    const char *url = getenv("DOG_INTAKE_URL");
    if (url == NULL) {
        fprintf(stderr, "DOG_INTAKE_URL is not set (run under dog-intake run)\n");
        return 0;
    }
    h = dog_http_new("test-api-key", "test-app-key");
    if (h == NULL || dog_http_set_api_host(h, url) != DOG_OK) {
        fprintf(stderr, "cannot create the client: %s\n", dog_last_error());
        return 0;
    }
    return 1;
}

static int finish(void) {
    dog_http_free(h);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

static void test_crud(void) {
    dog_response_t *r = NULL;
    const char *s;
    char path[128], expect[128];
    int64_t id;

    intake_clear();
    CHECK(dog_monitor_create(h, "Metric Alert", "avg(last_5m):sum:system.net.bytes_rcvd{host:host0} > 100", "Bytes",
                             "@ops", "{\"notify_no_data\":true,\"no_data_timeframe\":20}", &r) == DOG_OK);
    id = dog_response_id_int(r);
    CHECK(id > 0);
    snprintf(expect, sizeof expect, "%lld", (long long)id);
    CHECK(eq(dog_response_result(r), expect));
    CHECK(eq(dog_response_id(r), expect));
    dog_response_free(r);
    s = intake_requests("/api/v1/monitor");
    CHECK(has(s, "\"method\":\"POST\""));
    CHECK(has(s, "\"type\":\"metric alert\""));
    CHECK(has(s, "\"name\":\"Bytes\""));
    CHECK(has(s, "\"options\":{\"no_data_timeframe\":20,\"notify_no_data\":true}"));
    CHECK(has(s, "\"contract\":\"valid\""));

    snprintf(path, sizeof path, "/api/v1/monitor/%lld", (long long)id);
    intake_clear();
    CHECK(dog_monitor_update(h, id, "avg(last_5m):sum:system.net.bytes_rcvd{host:host0} > 200", NULL, NULL, NULL, &r) == DOG_OK);
    CHECK(eq(dog_response_result(r), expect));
    dog_response_free(r);
    s = intake_requests(path);
    CHECK(has(s, "\"method\":\"PUT\""));
    CHECK(has(s, "\"body\":{\"query\":\"avg(last_5m):sum:system.net.bytes_rcvd{host:host0} > 200\"}"));
    CHECK(has(s, "\"contract\":\"valid\""));

    intake_clear();
    CHECK(dog_monitor_get(h, id, "alert,warn", &r) == DOG_OK);
    CHECK(has(dog_response_result(r), "\"name\":\"Bytes\""));
    dog_response_free(r);
    s = intake_requests(path);
    CHECK(has(s, "\"raw_query\":\"group_states=alert%2Cwarn\""));

    intake_clear();
    CHECK(dog_monitor_get_all(h, "all", "host:host0", &r) == DOG_OK);
    CHECK(has(dog_response_result(r), "\"name\":\"Bytes\""));
    dog_response_free(r);
    s = intake_requests("/api/v1/monitor");
    CHECK(has(s, "\"raw_query\":\"group_states=all&tags=host%3Ahost0\""));

    /* Deprecated mute endpoints: dogapi's requests, gone from the spec. */
    intake_clear();
    CHECK(dog_monitor_mute(h, id, "host:web1", 1900000000, &r) == DOG_OK);
    CHECK(has(dog_response_result(r), "\"silenced\":{\"host:web1\":1900000000}"));
    dog_response_free(r);
    snprintf(path, sizeof path, "/api/v1/monitor/%lld/mute", (long long)id);
    s = intake_requests(path);
    CHECK(has(s, "\"body\":{\"end\":1900000000,\"scope\":\"host:web1\"}"));
    CHECK(has(s, "\"contract\":\"not_in_spec\""));

    intake_clear();
    CHECK(dog_monitor_unmute(h, id, NULL, &r) == DOG_OK);
    dog_response_free(r);
    snprintf(path, sizeof path, "/api/v1/monitor/%lld/unmute", (long long)id);
    s = intake_requests(path);
    CHECK(has(s, "\"body\":{}"));

    intake_clear();
    CHECK(dog_monitor_mute_all(h, &r) == DOG_OK);
    CHECK(has(dog_response_result(r), "\"scope\":[\"*\"]"));
    dog_response_free(r);
    s = intake_requests("/api/v1/monitor/mute_all");
    CHECK(has(s, "\"body\":null"));
    CHECK(has(s, "\"contract\":\"not_in_spec\""));

    intake_clear();
    CHECK(dog_monitor_unmute_all(h, &r) == DOG_OK);
    CHECK(dog_response_result(r) == NULL);
    dog_response_free(r);
    CHECK(has(intake_requests("/api/v1/monitor/unmute_all"), "\"method\":\"POST\""));

    /* Today's replacement: a v2 downtime for the monitor. */
    intake_clear();
    CHECK(dog_monitor_mute_downtime(h, id, NULL, 1900000000, "deploy", &r) == DOG_OK);
    CHECK(dog_response_id(r) != NULL);
    CHECK(has(dog_response_result(r), "\"monitor_identifier\":{\"monitor_id\":"));
    if (dog_response_id(r) != NULL) {
        dog_response_t *c = NULL;
        CHECK(dog_downtime_v2_cancel(h, dog_response_id(r), &c) == DOG_OK);
        dog_response_free(c);
    }
    dog_response_free(r);
    s = intake_requests("/api/v2/downtime");
    CHECK(has(s, "\"schedule\":{\"end\":\"2030-03-17T17:46:40Z\"}"));
    CHECK(has(s, "\"scope\":\"*\""));

    CHECK(dog_http_set_json_responses(h, true) == DOG_OK);
    CHECK(dog_monitor_get(h, id, NULL, &r) == DOG_OK);
    CHECK(has(dog_response_result(r), "\"query\":"));
    dog_response_free(r);
    CHECK(dog_http_set_json_responses(h, false) == DOG_OK);

    intake_clear();
    CHECK(dog_monitor_delete(h, id, &r) == DOG_OK);
    snprintf(expect, sizeof expect, "{\"deleted_monitor_id\":%lld}", (long long)id);
    CHECK(eq(dog_response_result(r), expect));
    dog_response_free(r);
}

static void test_errors(void) {
    dog_response_t *r = NULL;

    CHECK_404(dog_monitor_create(h, "query alert", "avg(last_1m):avg:a{*} > 1", NULL, NULL, NULL, &r404));
    CHECK_404(dog_monitor_update(h, 7, "avg(last_1m):avg:a{*} > 1", NULL, NULL, NULL, &r404));
    CHECK_404(dog_monitor_get(h, 7, NULL, &r404));
    CHECK_404(dog_monitor_get_all(h, NULL, NULL, &r404));
    CHECK_404(dog_monitor_delete(h, 7, &r404));
    CHECK_404(dog_monitor_mute_all(h, &r404));
    CHECK_404(dog_monitor_unmute_all(h, &r404));
    CHECK_404(dog_monitor_mute(h, 7, NULL, 0, &r404));
    CHECK_404(dog_monitor_unmute(h, 7, NULL, &r404));
    CHECK_404(dog_monitor_mute_downtime(h, 7, NULL, 0, NULL, &r404));

    /* dogapi's client-side checks: nothing is sent. */
    intake_clear();
    CHECK(dog_monitor_create(h, "bogus", "q", NULL, NULL, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
    CHECK(dog_monitor_create(h, "query alert", "q", NULL, NULL, "{not json", &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(dog_monitor_create(h, "query alert", "q", NULL, NULL, "[1]", &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(dog_monitor_update(h, 7, NULL, NULL, NULL, "{", &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(dog_monitor_get(h, 0, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(eq(intake_requests("/api/v1/monitor"), "[]"));
}

int main(void) {
    if (!setup()) {
        return 2;
    }
    test_crud();
    test_errors();
    return finish();
}
