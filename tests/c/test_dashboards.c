/* Dashboards through the C ABI: legacy timeboards (dog_dash_*, deprecated, /api/v1/dash) and
 * the modern dog_dashboard_* (/api/v1/dashboard). Run under `dog-intake run --strict --`. */
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

static const char *GRAPHS =
    "[{\"title\":\"CPU\",\"definition\":{\"events\":[],\"requests\":[{\"q\":\"avg:system.cpu.user{*}\"}],\"viz\":\"timeseries\"}}]";

static const char *DASHBOARD =
    "{\"title\":\"C dashboard\",\"layout_type\":\"ordered\",\"description\":\"from C\","
    "\"widgets\":[{\"definition\":{\"type\":\"note\",\"content\":\"hello from C\"}}],"
    "\"template_variables\":[{\"name\":\"host\",\"prefix\":\"host\"}]}";

static void legacy(void) {
    dog_response_t *r = NULL;
    dog_status_t st;
    char *rec, *res, path[128];
    long long id;

    st = dog_dash_create(h, "C timeboard", "made by test_dashboards", GRAPHS, "[\"foo\"]", &r);
    CHECK_STATUS(st, DOG_OK, "dog_dash_create");
    id = (long long)dog_response_id_int(r);
    CHECK(id > 0, "dog_dash_create gives the id");
    res = take_result(r);
    CHECK(res != NULL && atoll(res) == id, "dog_dash_create result is the id (x['dash']['id'])");
    free(res);
    rec = recorded("/api/v1/dash");
    CHECK(has(rec, "\"method\":\"POST\""), "POST /api/v1/dash recorded");
    CHECK(has(rec, "\"title\":\"C timeboard\""), "title sent");
    CHECK(has(rec, "\"template_variables\":[\"foo\"]"), "template variables sent");
    CHECK(has(rec, "\"viz\":\"timeseries\""), "graphs sent as JSON");
    CHECK(has(rec, "\"contract\":\"not_in_spec\""), "/dash is not in today's spec");
    free(rec);

    st = dog_dash_get(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dash_get");
    res = take_result(r);
    CHECK(has(res, "\"title\":\"C timeboard\""), "dog_dash_get result is the dash object");
    free(res);
    snprintf(path, sizeof path, "/api/v1/dash/%lld", id);
    rec = recorded(path);
    CHECK(has(rec, "\"method\":\"GET\""), "GET /api/v1/dash/{id} recorded");
    free(rec);

    st = dog_dash_get_all(h, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dash_get_all");
    res = take_result(r);
    CHECK(res != NULL && res[0] == '[' && has(res, "C timeboard"), "dog_dash_get_all result is the dashes list");
    free(res);

    st = dog_dash_update(h, (int64_t)id, "C timeboard v2", "updated", "[]", NULL, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dash_update");
    CHECK(dog_response_id_int(r) == id, "dog_dash_update gives the id");
    dog_response_free(r);
    rec = recorded(path);
    CHECK(has(rec, "\"method\":\"PUT\"") && has(rec, "\"title\":\"C timeboard v2\""), "PUT /api/v1/dash/{id} with the new title");
    CHECK(has(rec, "\"template_variables\":[]"), "NULL template variables are sent as []");
    free(rec);

    st = dog_dash_create(h, "bad", "bad", "[{", NULL, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "malformed graphs JSON");
    CHECK(r == NULL, "no response when nothing was sent");
    st = dog_dash_create(h, "bad", "bad", "{}", NULL, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "graphs must be an array");
    st = dog_dash_update(h, (int64_t)id, "bad", "bad", "[]", "{\"x\":1}", &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "template variables must be an array");
    st = dog_dash_create(h, NULL, "bad", "[]", NULL, &r);
    CHECK_STATUS(st, DOG_ERR_NULL_ARGUMENT, "NULL title");
    rec = recorded("/api/v1/dash");
    CHECK(!has(rec, "\"title\":\"bad\""), "invalid calls sent nothing");
    free(rec);

    st = dog_dash_delete(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dash_delete");
    dog_response_free(r);
    rec = recorded(path);
    CHECK(has(rec, "\"method\":\"DELETE\""), "DELETE /api/v1/dash/{id} recorded");
    free(rec);

    st = dog_dash_get(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_ERR_API, "dog_dash_get after delete");
    CHECK(r != NULL && has(dog_response_body(r), "No dashboard matches"), "server error body readable");
    dog_response_free(r);

    push_404();
    st = dog_dash_get(h, 1, &r);
    check_api_error(st, r, "dog_dash_get 404");
    push_404();
    st = dog_dash_get_all(h, &r);
    check_api_error(st, r, "dog_dash_get_all 404");
    push_404();
    st = dog_dash_create(h, "t", "d", "[]", NULL, &r);
    check_api_error(st, r, "dog_dash_create 404");
    push_404();
    st = dog_dash_update(h, 1, "t", "d", "[]", NULL, &r);
    check_api_error(st, r, "dog_dash_update 404");
    push_404();
    st = dog_dash_delete(h, 1, &r);
    check_api_error(st, r, "dog_dash_delete 404");
}

static void modern(void) {
    dog_response_t *r = NULL;
    dog_status_t st;
    char *rec, *res, *fetched, id[64], path[128];

    st = dog_dashboard_create(h, DASHBOARD, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dashboard_create");
    CHECK(dog_response_id(r) != NULL, "dog_dashboard_create gives the id");
    snprintf(id, sizeof id, "%s", dog_response_id(r) ? dog_response_id(r) : "none");
    res = take_result(r);
    CHECK(has(res, "\"title\":\"C dashboard\""), "dog_dashboard_create result is the dashboard");
    free(res);
    rec = recorded("/api/v1/dashboard");
    CHECK(has(rec, "\"method\":\"POST\"") && has(rec, "\"contract\":\"valid\""), "POST /api/v1/dashboard valid against the spec");
    CHECK(!has(rec, "\"contract\":\"invalid\""), "no invalid dashboard body");
    free(rec);

    st = dog_dashboard_get(h, id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dashboard_get");
    fetched = take_result(r);
    CHECK(has(fetched, "\"layout_type\":\"ordered\""), "dog_dashboard_get result is the dashboard");
    snprintf(path, sizeof path, "/api/v1/dashboard/%s", id);
    rec = recorded(path);
    CHECK(has(rec, "\"method\":\"GET\""), "GET /api/v1/dashboard/{id} recorded");
    free(rec);

    st = dog_dashboard_get_all(h, true, false, 50, 0, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dashboard_get_all");
    res = take_result(r);
    CHECK(res != NULL && res[0] == '[' && has(res, id), "dog_dashboard_get_all result is the dashboards list");
    free(res);
    rec = recorded("/api/v1/dashboard");
    CHECK(has(rec, "\"filter[shared]\":\"true\"") && has(rec, "\"count\":\"50\""), "list filters in the query");
    free(rec);

    /* What get returned, read-only fields included, goes back through update. */
    st = dog_dashboard_update(h, id, fetched != NULL ? fetched : DASHBOARD, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dashboard_update");
    CHECK(dog_response_id(r) != NULL && strcmp(dog_response_id(r), id) == 0, "dog_dashboard_update gives the id");
    dog_response_free(r);
    free(fetched);
    rec = recorded(path);
    CHECK(has(rec, "\"method\":\"PUT\"") && has(rec, "\"contract\":\"valid\""), "PUT /api/v1/dashboard/{id} valid");
    CHECK(!has(rec, "\"contract\":\"invalid\""), "read-only fields were dropped");
    free(rec);

    st = dog_dashboard_create(h, "{\"title\":\"x\",\"widgets\":[]}", &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "dashboard without layout_type");
    st = dog_dashboard_create(h, "{\"title\":", &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "malformed dashboard JSON");
    st = dog_dashboard_update(h, id, "[]", &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "dashboard must be an object");
    st = dog_dashboard_get_all(h, true, true, 0, 0, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "shared and deleted filters together");

    st = dog_dashboard_delete(h, id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dashboard_delete");
    res = take_result(r);
    CHECK(has(res, "deleted_dashboard_id") && has(res, id), "dog_dashboard_delete result");
    free(res);

    push_404();
    st = dog_dashboard_create(h, DASHBOARD, &r);
    check_api_error(st, r, "dog_dashboard_create 404");
    push_404();
    st = dog_dashboard_get(h, id, &r);
    check_api_error(st, r, "dog_dashboard_get 404");
    push_404();
    st = dog_dashboard_get_all(h, false, false, 0, 0, &r);
    check_api_error(st, r, "dog_dashboard_get_all 404");
    push_404();
    st = dog_dashboard_update(h, id, DASHBOARD, &r);
    check_api_error(st, r, "dog_dashboard_update 404");
    push_404();
    st = dog_dashboard_delete(h, id, &r);
    check_api_error(st, r, "dog_dashboard_delete 404");
}

int main(void) {
    if (!setup()) return 2;
    legacy();
    modern();
    return finish();
}
