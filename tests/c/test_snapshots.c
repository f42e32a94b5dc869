/* Graph snapshots through the C ABI (dog_snapshot_create, dog_snapshot_create_from_def,
 * dog_snapshot_status). Run under `dog-intake run --strict --`. */
#include "dogapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;
static dog_http_t *h;

#define CHECK(cond, what)                                                          \
    do {                                                                           \
        if (cond) {                                                                \
            passed++;                                                              \
        } else {                                                                   \
            failed++;                                                              \
            fprintf(stderr, "FAIL %s:%d: %s (last error: %s)\n", __FILE__, __LINE__, \
                    (what), dog_last_error() ? dog_last_error() : "-");            \
        }                                                                          \
    } while (0)

#define CHECK_STATUS(st, want, what)                                                \
    do {                                                                            \
        dog_status_t st_ = (st);                                                    \
        if (st_ != (want))                                                          \
            fprintf(stderr, "  %s: got %s, want %s\n", (what), dog_status_str((int)st_), \
                    dog_status_str((int)(want)));                                   \
        CHECK(st_ == (want), what);                                                 \
    } while (0)

static char *dup_str(const char *s) {
    size_t n;
    char *d;
    if (s == NULL) return NULL;
    n = strlen(s) + 1;
    d = malloc(n);
    if (d != NULL) memcpy(d, s, n);
    return d;
}

/* What the intake recorded for `path` (a JSON array as text); caller frees. */
static char *recorded(const char *path) {
    dog_response_t *r = NULL;
    char query[512];
    char *out = NULL;
    snprintf(query, sizeof query, "path=%s", path);
    if (dog_http_request(h, "GET", "/_intake/requests", query, NULL, &r) == DOG_OK) {
        out = dup_str(dog_response_body(r));
    }
    dog_response_free(r);
    return out != NULL ? out : dup_str("");
}

static int has(const char *haystack, const char *needle) {
    return haystack != NULL && strstr(haystack, needle) != NULL;
}

static void intake_post(const char *what, const char *body) {
    dog_response_t *r = NULL;
    if (dog_http_request(h, "POST", what, NULL, body, &r) != DOG_OK) {
        fprintf(stderr, "intake control %s failed: %s\n", what, dog_last_error());
        failed++;
    }
    dog_response_free(r);
}


static void push_404(void) {
    intake_post("/_intake/fault", "{\"kind\":\"status\",\"code\":404,\"body\":\"{\\\"errors\\\":[\\\"Not found\\\"]}\"}");
}

/* A failing call still hands out the response with the server's error body. */
static void check_api_error(dog_status_t st, dog_response_t *r, const char *what) {
    CHECK_STATUS(st, DOG_ERR_API, what);
    CHECK(r != NULL && dog_response_status(r) == 404, "the 404 response is handed out");
    CHECK(r != NULL && has(dog_response_body(r), "Not found"), "the error body is readable");
    dog_response_free(r);
}

/* The result view as a malloc'd string (NULL when none); frees the response. */
static char *take_result(dog_response_t *r) {
    char *s = dup_str(dog_response_result(r));
    dog_response_free(r);
    return s;
}

static int setup(void) {
    const char *url = getenv("DOG_INTAKE_URL");
    if (url == NULL || *url == '\0') {
        fprintf(stderr, "DOG_INTAKE_URL is not set (run me under dog-intake run)\n");
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

int main(void) {
    dog_response_t *r = NULL;
    dog_status_t st;
    char *rec, *res;

    if (!setup()) return 2;

    st = dog_snapshot_create(h, "avg:system.load.1{*}", 1700000000, 1700003600, "tags:deploy", &r);
    CHECK_STATUS(st, DOG_OK, "dog_snapshot_create");
    res = take_result(r);
    CHECK(has(res, "snapshot_url") && has(res, "/snapshot/view/"), "dog_snapshot_create result is the raw answer");
    free(res);
    rec = recorded("/api/v1/graph/snapshot");
    CHECK(has(rec, "\"metric_query\":\"avg:system.load.1{*}\""), "metric_query sent");
    CHECK(has(rec, "\"start\":\"1700000000\"") && has(rec, "\"end\":\"1700003600\""), "start and end sent");
    CHECK(has(rec, "\"event_query\":\"tags:deploy\""), "event_query sent");
    CHECK(has(rec, "\"contract\":\"no_body\""), "described by the spec, required query present");
    free(rec);

    st = dog_snapshot_create_from_def(h, "{ \"requests\": [ {\"q\": \"avg:c.def{*}\"} ] }", 100, 200, &r);
    CHECK_STATUS(st, DOG_OK, "dog_snapshot_create_from_def");
    res = take_result(r);
    CHECK(has(res, "snapshot_url"), "dog_snapshot_create_from_def result is the raw answer");
    free(res);
    rec = recorded("/api/v1/graph/snapshot");
    CHECK(has(rec, "\"graph_def\":\"{\\\"requests\\\":[{\\\"q\\\":\\\"avg:c.def{*}\\\"}]}\""), "graph_def sent on one line");
    free(rec);

    st = dog_snapshot_status(h, "https://p.datadoghq.com/snapshot/view/dd-snapshots-prod/org_1/2015-01-01/abc.png", &r);
    CHECK_STATUS(st, DOG_OK, "dog_snapshot_status");
    res = take_result(r);
    CHECK(res != NULL && strcmp(res, "200") == 0, "dog_snapshot_status result is int(status_code)");
    free(res);
    rec = recorded("/api/v1/graph/snapshot_status/dd-snapshots-prod/org_1/2015-01-01/abc");
    CHECK(has(rec, "\"method\":\"GET\""), "the snapshot URL is rewritten like dogapi");
    CHECK(has(rec, "\"contract\":\"not_in_spec\""), "snapshot_status is not in today's spec");
    free(rec);

    st = dog_snapshot_status(h, "https://app.datadoghq.com/s/f12345678/aaa-bbb-ccc", &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "URL without /snapshot/view/");
    CHECK(r == NULL, "no response when nothing was sent");
    st = dog_snapshot_create(h, "avg:never.sent{*}", 200, 100, NULL, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "end before start");
    st = dog_snapshot_create_from_def(h, "{\"requests\":", 1, 2, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "malformed graph_def JSON");
    st = dog_snapshot_create_from_def(h, "[\"never.sent\"]", 1, 2, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "graph_def must be an object");
    st = dog_snapshot_create(h, NULL, 1, 2, NULL, &r);
    CHECK_STATUS(st, DOG_ERR_NULL_ARGUMENT, "NULL metric_query");
    rec = recorded("/api/v1/graph/snapshot");
    CHECK(!has(rec, "never.sent"), "invalid calls sent nothing");
    free(rec);

    push_404();
    st = dog_snapshot_create(h, "avg:system.load.1{*}", 1, 2, NULL, &r);
    check_api_error(st, r, "dog_snapshot_create 404");
    push_404();
    st = dog_snapshot_create_from_def(h, "{}", 1, 2, &r);
    check_api_error(st, r, "dog_snapshot_create_from_def 404");
    push_404();
    st = dog_snapshot_status(h, "https://p.datadoghq.com/snapshot/view/x/y.png", &r);
    check_api_error(st, r, "dog_snapshot_status 404");

    return finish();
}
