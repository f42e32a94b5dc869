/* Alerts through the C ABI (dog_alert_*, deprecated, /api/v1/alert, /mute_alerts,
 * /unmute_alerts). Run under `dog-intake run --strict --`. */
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

static const char *QUERY = "avg(last_5m):avg:system.load.1{*} > 4";

int main(void) {
    dog_response_t *r = NULL;
    dog_status_t st;
    char *rec, *res, path[128];
    long long id;

    if (!setup()) return 2;

    st = dog_alert_create(h, QUERY, "C alert", NULL, false, false, 0, &r);
    CHECK_STATUS(st, DOG_OK, "dog_alert_create");
    id = (long long)dog_response_id_int(r);
    CHECK(id > 0, "dog_alert_create gives the id");
    res = take_result(r);
    CHECK(res != NULL && atoll(res) == id, "dog_alert_create result is the id (x['id'])");
    free(res);
    rec = recorded("/api/v1/alert");
    CHECK(has(rec, "\"method\":\"POST\""), "POST /api/v1/alert recorded");
    CHECK(has(rec, "\"silenced\":false"), "silenced is always sent");
    CHECK(has(rec, "\"name\":\"C alert\""), "name sent");
    CHECK(!has(rec, "notify_no_data") && !has(rec, "timeout_h"), "falsy options left out");
    CHECK(has(rec, "\"contract\":\"not_in_spec\""), "/alert is not in today's spec");
    free(rec);

    snprintf(path, sizeof path, "/api/v1/alert/%lld", id);
    st = dog_alert_update(h, (int64_t)id, QUERY, "C alert v2", "@ops", true, true, 4, 1900000000, &r);
    CHECK_STATUS(st, DOG_OK, "dog_alert_update");
    CHECK(dog_response_id_int(r) == id, "dog_alert_update gives the id");
    dog_response_free(r);
    rec = recorded(path);
    CHECK(has(rec, "\"method\":\"PUT\""), "PUT /api/v1/alert/{id} recorded");
    CHECK(has(rec, "\"silenced_timeout_ts\":1900000000"), "silenced_timeout_ts is sent (dogapi's bug fixed)");
    CHECK(has(rec, "\"timeout_h\":4") && has(rec, "\"notify_no_data\":true") && has(rec, "\"silenced\":true"), "options sent");
    free(rec);

    st = dog_alert_get(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_alert_get");
    res = take_result(r);
    CHECK(has(res, "C alert v2"), "dog_alert_get result is the raw alert");
    free(res);

    st = dog_alert_get_all(h, &r);
    CHECK_STATUS(st, DOG_OK, "dog_alert_get_all");
    res = take_result(r);
    CHECK(res != NULL && res[0] == '[' && has(res, "C alert v2"), "dog_alert_get_all result is the alerts list");
    free(res);

    st = dog_alert_mute_all(h, &r);
    CHECK_STATUS(st, DOG_OK, "dog_alert_mute_all");
    dog_response_free(r);
    rec = recorded("/api/v1/mute_alerts");
    CHECK(has(rec, "\"method\":\"POST\"") && has(rec, "\"body\":null"), "POST /api/v1/mute_alerts without a body");
    free(rec);
    st = dog_alert_unmute_all(h, &r);
    CHECK_STATUS(st, DOG_OK, "dog_alert_unmute_all");
    dog_response_free(r);
    rec = recorded("/api/v1/unmute_alerts");
    CHECK(has(rec, "\"method\":\"POST\"") && has(rec, "\"body\":null"), "POST /api/v1/unmute_alerts without a body");
    free(rec);

    st = dog_alert_create(h, "", NULL, NULL, false, false, 0, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "empty query");
    CHECK(r == NULL, "no response when nothing was sent");
    st = dog_alert_update(h, (int64_t)id, QUERY, "never sent", NULL, false, false, -1, 0, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "negative timeout_h");
    st = dog_alert_create(h, NULL, NULL, NULL, false, false, 0, &r);
    CHECK_STATUS(st, DOG_ERR_NULL_ARGUMENT, "NULL query");
    rec = recorded(path);
    CHECK(!has(rec, "never sent"), "invalid calls sent nothing");
    free(rec);

    st = dog_alert_delete(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_alert_delete");
    dog_response_free(r);
    rec = recorded(path);
    CHECK(has(rec, "\"method\":\"DELETE\""), "DELETE /api/v1/alert/{id} recorded");
    free(rec);

    push_404();
    st = dog_alert_create(h, QUERY, NULL, NULL, false, false, 0, &r);
    check_api_error(st, r, "dog_alert_create 404");
    push_404();
    st = dog_alert_update(h, 1, QUERY, NULL, NULL, false, false, 0, 0, &r);
    check_api_error(st, r, "dog_alert_update 404");
    push_404();
    st = dog_alert_get(h, 1, &r);
    check_api_error(st, r, "dog_alert_get 404");
    push_404();
    st = dog_alert_get_all(h, &r);
    check_api_error(st, r, "dog_alert_get_all 404");
    push_404();
    st = dog_alert_delete(h, 1, &r);
    check_api_error(st, r, "dog_alert_delete 404");
    push_404();
    st = dog_alert_mute_all(h, &r);
    check_api_error(st, r, "dog_alert_mute_all 404");
    push_404();
    st = dog_alert_unmute_all(h, &r);
    check_api_error(st, r, "dog_alert_unmute_all 404");

    return finish();
}
