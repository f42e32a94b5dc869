/* Host tags and search through libdogapi against the local intake (run under
 * `dog-intake run --strict -- ./test_tags`). Prints "N passed, N failed". */
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

static void test_tags(void) {
    dog_response_t *r = NULL;
    const char *s;

    intake_clear();
    CHECK(dog_tags_add(h, "c-web-1", "role:db,env:prod", "chef", &r) == DOG_OK);
    CHECK(eq(dog_response_result(r), "[\"role:db\",\"env:prod\"]"));
    dog_response_free(r);
    s = intake_requests("/api/v1/tags/hosts/c-web-1");
    CHECK(has(s, "\"method\":\"POST\""));
    CHECK(has(s, "\"raw_query\":\"source=chef\""));
    CHECK(has(s, "\"body\":{\"tags\":[\"role:db\",\"env:prod\"]}"));
    CHECK(has(s, "\"contract\":\"valid\""));

    intake_clear();
    CHECK(dog_tags_change(h, "c-web-1", "role:cache", NULL, &r) == DOG_OK);
    CHECK(eq(dog_response_result(r), "[\"role:cache\"]"));
    dog_response_free(r);
    s = intake_requests("/api/v1/tags/hosts/c-web-1");
    CHECK(has(s, "\"method\":\"PUT\""));
    CHECK(has(s, "\"raw_query\":\"\""));
    CHECK(has(s, "\"contract\":\"valid\""));

    intake_clear();
    CHECK(dog_tags_get(h, "c-web-1", "chef", true, &r) == DOG_OK);
    CHECK(eq(dog_response_result(r), "[\"role:cache\"]"));
    dog_response_free(r);
    s = intake_requests("/api/v1/tags/hosts/c-web-1");
    CHECK(has(s, "\"method\":\"GET\""));
    CHECK(has(s, "\"raw_query\":\"source=chef&by_source=true\""));

    intake_clear();
    CHECK(dog_tags_all(h, NULL, &r) == DOG_OK);
    CHECK(has(dog_response_result(r), "\"role:cache\":[\"c-web-1\"]"));
    dog_response_free(r);
    s = intake_requests("/api/v1/tags/hosts");
    CHECK(has(s, "\"method\":\"GET\""));

    intake_clear();
    CHECK(dog_tags_detach(h, "c-web-1", NULL, &r) == DOG_OK);
    CHECK(dog_response_status(r) == 204);
    CHECK(dog_response_result(r) == NULL);
    dog_response_free(r);
    s = intake_requests("/api/v1/tags/hosts/c-web-1");
    CHECK(has(s, "\"method\":\"DELETE\""));

    /* json_responses: the whole body. */
    CHECK(dog_http_set_json_responses(h, true) == DOG_OK);
    CHECK(dog_tags_add(h, "c-web-2", "a:b", NULL, &r) == DOG_OK);
    CHECK(has(dog_response_result(r), "\"host\":\"c-web-2\""));
    dog_response_free(r);
    CHECK(dog_http_set_json_responses(h, false) == DOG_OK);

    CHECK_404(dog_tags_all(h, NULL, &r404));
    CHECK_404(dog_tags_get(h, "c-web-2", NULL, false, &r404));
    CHECK_404(dog_tags_add(h, "c-web-2", "x", NULL, &r404));
    CHECK_404(dog_tags_change(h, "c-web-2", "x", NULL, &r404));
    CHECK_404(dog_tags_detach(h, "c-web-2", NULL, &r404));

    /* Bad arguments: nothing sent, no response. */
    intake_clear();
    r = NULL;
    CHECK(dog_tags_add(h, NULL, "x", NULL, &r) == DOG_ERR_NULL_ARGUMENT);
    CHECK(r == NULL);
    CHECK(dog_tags_get(h, "   ", NULL, false, &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
    CHECK(eq(intake_requests("/api/v1/tags/hosts/%20%20%20"), "[]"));
}

static void test_search(void) {
    dog_response_t *r = NULL;
    const char *s;

    dog_tags_add(h, "c-search-host", "x:y", NULL, &r);
    dog_response_free(r);
    intake_clear();
    CHECK(dog_search_query(h, "hosts:c-search", &r) == DOG_OK);
    CHECK(eq(dog_response_result(r), "{\"hosts\":[\"c-search-host\"]}"));
    dog_response_free(r);
    s = intake_requests("/api/v1/search");
    CHECK(has(s, "\"raw_query\":\"q=hosts%3Ac-search\""));
    CHECK(has(s, "\"contract\":\"no_body\""));
    CHECK_404(dog_search_query(h, "hosts:x", &r404));
    CHECK(dog_search_query(h, "", &r) == DOG_ERR_INVALID_ARGUMENT);
}

int main(void) {
    if (!setup()) {
        return 2;
    }
    test_tags();
    test_search();
    return finish();
}
