/* Downtimes (v1 and the v2 replacement) and host mute/unmute through libdogapi against the
 * local intake (run under `dog-intake run --strict -- ./test_downtimes`). Prints
 * "N passed, N failed". The v1 functions are deprecated (-Wno-deprecated-declarations). */
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

static void test_v1(void) {
    dog_response_t *r = NULL;
    const char *s;
    char path[128], expect[64];
    int64_t id;

    intake_clear();
    CHECK(dog_downtime_schedule(h, "env:staging,role:db", 1900000000, 1900003600, "maintenance", &r) == DOG_OK);
    id = dog_response_id_int(r);
    CHECK(id > 0);
    snprintf(expect, sizeof expect, "%lld", (long long)id);
    CHECK(eq(dog_response_result(r), expect));
    dog_response_free(r);
    s = intake_requests("/api/v1/downtime");
    CHECK(has(s, "\"method\":\"POST\""));
    CHECK(has(s, "\"scope\":[\"env:staging\",\"role:db\"]"));
    CHECK(has(s, "\"start\":1900000000"));
    CHECK(has(s, "\"contract\":\"valid\""));

    snprintf(path, sizeof path, "/api/v1/downtime/%lld", (long long)id);
    intake_clear();
    CHECK(dog_downtime_update(h, id, NULL, 0, 1900007200, NULL, &r) == DOG_OK);
    CHECK(eq(dog_response_result(r), expect));
    dog_response_free(r);
    s = intake_requests(path);
    CHECK(has(s, "\"method\":\"PUT\""));
    CHECK(has(s, "\"body\":{\"end\":1900007200}"));
    CHECK(has(s, "\"contract\":\"valid\""));

    CHECK(dog_downtime_get(h, id, &r) == DOG_OK);
    CHECK(has(dog_response_result(r), "\"message\":\"maintenance\""));
    dog_response_free(r);

    intake_clear();
    CHECK(dog_downtime_get_all(h, true, &r) == DOG_OK);
    CHECK(has(dog_response_result(r), "\"scope\":[\"env:staging\",\"role:db\"]"));
    dog_response_free(r);
    CHECK(has(intake_requests("/api/v1/downtime"), "\"raw_query\":\"current_only=true\""));

    CHECK(dog_http_set_json_responses(h, true) == DOG_OK);
    CHECK(dog_downtime_cancel(h, id, &r) == DOG_OK);
    CHECK(eq(dog_response_result(r), "{}"));
    dog_response_free(r);
    CHECK(dog_http_set_json_responses(h, false) == DOG_OK);

    CHECK_404(dog_downtime_schedule(h, "env:a", 0, 0, NULL, &r404));
    CHECK_404(dog_downtime_update(h, 5, "env:a", 0, 0, NULL, &r404));
    CHECK_404(dog_downtime_get(h, 5, &r404));
    CHECK_404(dog_downtime_get_all(h, false, &r404));
    CHECK_404(dog_downtime_cancel(h, 5, &r404));

    intake_clear();
    r = NULL;
    CHECK(dog_downtime_schedule(h, " , ", 0, 0, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(dog_downtime_schedule(h, "env:a", 20, 10, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
    CHECK(eq(intake_requests("/api/v1/downtime"), "[]"));
}

static void test_v2(void) {
    dog_response_t *r = NULL;
    const char *s;
    char id[128], path[192];

    intake_clear();
    CHECK(dog_downtime_v2_create(h, "env:prod", 0, "team:a", 1900000000, 0, "upgrade", &r) == DOG_OK);
    id[0] = '\0';
    if (dog_response_id(r) != NULL) {
        snprintf(id, sizeof id, "%s", dog_response_id(r));
    }
    CHECK(id[0] != '\0');
    CHECK(has(dog_response_result(r), "\"type\":\"downtime\""));
    dog_response_free(r);
    s = intake_requests("/api/v2/downtime");
    CHECK(has(s, "\"attributes\":{\"message\":\"upgrade\",\"monitor_identifier\":{\"monitor_tags\":[\"team:a\"]},"
                 "\"schedule\":{\"start\":\"2030-03-17T17:46:40Z\"},\"scope\":\"env:prod\"}"));
    CHECK(has(s, "\"contract\":\"not_in_spec\""));

    snprintf(path, sizeof path, "/api/v2/downtime/%s", id);
    CHECK(dog_downtime_v2_get(h, id, &r) == DOG_OK);
    CHECK(eq(dog_response_id(r), id));
    dog_response_free(r);

    intake_clear();
    CHECK(dog_downtime_v2_update(h, id, "env:staging", 0, NULL, 0, 0, NULL, &r) == DOG_OK);
    CHECK(has(dog_response_result(r), "\"scope\":\"env:staging\""));
    dog_response_free(r);
    s = intake_requests(path);
    CHECK(has(s, "\"method\":\"PATCH\""));
    CHECK(has(s, "\"id\":\""));
    CHECK(has(s, "\"attributes\":{\"scope\":\"env:staging\"}"));

    intake_clear();
    CHECK(dog_downtime_v2_list(h, true, 0, 10, &r) == DOG_OK);
    CHECK(has(dog_response_result(r), id));
    dog_response_free(r);
    CHECK(has(intake_requests("/api/v2/downtime"), "\"raw_query\":\"current_only=true&page%5Blimit%5D=10\""));

    intake_clear();
    CHECK(dog_downtime_v2_cancel(h, id, &r) == DOG_OK);
    CHECK(dog_response_status(r) == 204);
    dog_response_free(r);
    CHECK(has(intake_requests(path), "\"method\":\"DELETE\""));

    CHECK_404(dog_downtime_v2_create(h, "*", 0, NULL, 0, 0, NULL, &r404));
    CHECK_404(dog_downtime_v2_get(h, "abc", &r404));
    CHECK_404(dog_downtime_v2_update(h, "abc", "*", 0, NULL, 0, 0, NULL, &r404));
    CHECK_404(dog_downtime_v2_cancel(h, "abc", &r404));
    CHECK_404(dog_downtime_v2_list(h, false, 0, 0, &r404));

    r = NULL;
    CHECK(dog_downtime_v2_create(h, "*", 3, "a:b", 0, 0, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(dog_downtime_v2_update(h, "abc", NULL, 0, NULL, 0, 0, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
}

static void test_hosts(void) {
    dog_response_t *r = NULL;
    const char *s;

    intake_clear();
    CHECK(dog_host_mute(h, "c-host-1", 1900000000, true, "deploying", &r) == DOG_OK);
    CHECK(has(dog_response_result(r), "\"action\":\"Muted\""));
    dog_response_free(r);
    s = intake_requests("/api/v1/host/c-host-1/mute");
    CHECK(has(s, "\"body\":{\"end\":1900000000,\"message\":\"deploying\",\"override\":true}"));
    CHECK(has(s, "\"contract\":\"valid\""));

    intake_clear();
    CHECK(dog_host_unmute(h, "c-host-1", &r) == DOG_OK);
    CHECK(has(dog_response_result(r), "\"action\":\"Unmuted\""));
    dog_response_free(r);
    s = intake_requests("/api/v1/host/c-host-1/unmute");
    CHECK(has(s, "\"body\":null"));
    CHECK(has(s, "\"contract\":\"no_body\""));

    CHECK_404(dog_host_mute(h, "c-host-1", 0, false, NULL, &r404));
    CHECK_404(dog_host_unmute(h, "c-host-1", &r404));
    CHECK(dog_host_mute(h, NULL, 0, false, NULL, &r) == DOG_ERR_NULL_ARGUMENT);
    CHECK(dog_host_mute(h, "c-host-1", -1, false, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
}

int main(void) {
    if (!setup()) {
        return 2;
    }
    test_v1();
    test_v2();
    test_hosts();
    return finish();
}
