/* Screenboards through the C ABI (dog_screenboard_*, deprecated, /api/v1/screen).
 * Run under `dog-intake run --strict --`. */
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

static const char *BOARD =
    "{\"board_title\":\"C screen\",\"widgets\":[{\"type\":\"free_text\",\"text\":\"hi\",\"x\":1,\"y\":2}]}";

int main(void) {
    dog_response_t *r = NULL;
    dog_status_t st;
    char *rec, *res, path[128];
    long long id;

    if (!setup()) return 2;

    st = dog_screenboard_create(h, BOARD, &r);
    CHECK_STATUS(st, DOG_OK, "dog_screenboard_create");
    id = (long long)dog_response_id_int(r);
    CHECK(id > 0, "dog_screenboard_create gives the board id");
    res = take_result(r);
    CHECK(has(res, "\"board_title\":\"C screen\""), "dog_screenboard_create result is the raw answer");
    free(res);
    rec = recorded("/api/v1/screen");
    CHECK(has(rec, "\"method\":\"POST\""), "POST /api/v1/screen recorded");
    CHECK(has(rec, "\"text\":\"hi\""), "the description is the body");
    CHECK(has(rec, "\"contract\":\"not_in_spec\""), "/screen is not in today's spec");
    free(rec);

    st = dog_screenboard_get(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_screenboard_get");
    res = take_result(r);
    CHECK(has(res, "C screen"), "dog_screenboard_get result is the board");
    free(res);
    snprintf(path, sizeof path, "/api/v1/screen/%lld", id);
    rec = recorded(path);
    CHECK(has(rec, "\"method\":\"GET\""), "GET /api/v1/screen/{id} recorded");
    free(rec);

    st = dog_screenboard_get_all(h, &r);
    CHECK_STATUS(st, DOG_OK, "dog_screenboard_get_all");
    res = take_result(r);
    CHECK(res != NULL && res[0] == '[' && has(res, "C screen"), "dog_screenboard_get_all result is the screenboards list");
    free(res);

    st = dog_screenboard_update(h, (int64_t)id, "{\"board_title\":\"C screen v2\",\"widgets\":[]}", &r);
    CHECK_STATUS(st, DOG_OK, "dog_screenboard_update");
    CHECK(dog_response_id_int(r) == id, "dog_screenboard_update gives the id");
    res = take_result(r);
    CHECK(has(res, "C screen v2"), "dog_screenboard_update result is the raw answer");
    free(res);
    rec = recorded(path);
    CHECK(has(rec, "\"method\":\"PUT\"") && has(rec, "\"board_title\":\"C screen v2\""), "PUT /api/v1/screen/{id}");
    free(rec);

    st = dog_screenboard_share(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_screenboard_share");
    res = take_result(r);
    CHECK(has(res, "public_url"), "dog_screenboard_share result has the public url");
    free(res);
    snprintf(path, sizeof path, "/api/v1/screen/share/%lld", id);
    rec = recorded(path);
    CHECK(has(rec, "\"method\":\"GET\""), "share uses GET, as dogapi does");
    free(rec);

    st = dog_screenboard_create(h, "{\"board_title\":", &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "malformed description JSON");
    CHECK(r == NULL, "no response when nothing was sent");
    st = dog_screenboard_update(h, (int64_t)id, "[\"not an object\"]", &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "description must be an object");
    st = dog_screenboard_create(h, NULL, &r);
    CHECK_STATUS(st, DOG_ERR_NULL_ARGUMENT, "NULL description");
    rec = recorded("/api/v1/screen");
    CHECK(!has(rec, "not an object"), "invalid calls sent nothing");
    free(rec);

    st = dog_screenboard_delete(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_screenboard_delete");
    res = take_result(r);
    CHECK(has(res, "\"id\""), "dog_screenboard_delete result is the raw answer");
    free(res);

    push_404();
    st = dog_screenboard_create(h, BOARD, &r);
    check_api_error(st, r, "dog_screenboard_create 404");
    push_404();
    st = dog_screenboard_get(h, 1, &r);
    check_api_error(st, r, "dog_screenboard_get 404");
    push_404();
    st = dog_screenboard_get_all(h, &r);
    check_api_error(st, r, "dog_screenboard_get_all 404");
    push_404();
    st = dog_screenboard_update(h, 1, BOARD, &r);
    check_api_error(st, r, "dog_screenboard_update 404");
    push_404();
    st = dog_screenboard_delete(h, 1, &r);
    check_api_error(st, r, "dog_screenboard_delete 404");
    push_404();
    st = dog_screenboard_share(h, 1, &r);
    check_api_error(st, r, "dog_screenboard_share 404");

    return finish();
}
