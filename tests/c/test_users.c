/* Users through libdogapi against the local intake (run under
 * `dog-intake run --strict -- ./test_users`). Prints "N passed, N failed".
 * dog_user_invite is deprecated (-Wno-deprecated-declarations). */
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

static void test_invite(void) {
    dog_response_t *r = NULL;
    const char *s;

    intake_clear();
    CHECK(dog_user_invite(h, "a@example.com", &r) == DOG_OK);
    CHECK(eq(dog_response_result(r), "[\"a@example.com\"]"));
    dog_response_free(r);
    CHECK(dog_user_invite(h, "a@example.com, b@example.org", &r) == DOG_OK);
    CHECK(eq(dog_response_result(r), "[\"a@example.com\",\"b@example.org\"]"));
    dog_response_free(r);
    s = intake_requests("/api/v1/invite_users");
    CHECK(has(s, "\"body\":{\"emails\":[\"a@example.com\"]}"));
    CHECK(has(s, "\"body\":{\"emails\":[\"a@example.com\",\"b@example.org\"]}"));
    CHECK(has(s, "\"contract\":\"not_in_spec\""));

    CHECK_404(dog_user_invite(h, "a@example.com", &r404));
    r = NULL;
    CHECK(dog_user_invite(h, "", &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(dog_user_invite(h, "nobody", &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
}

static void test_create(void) {
    dog_response_t *r = NULL;
    const char *s;

    /* The intake has no answer of its own for /api/v2/users: give it one. */
    CHECK(dog_http_request(h, "POST", "/_intake/response", NULL,
                           "{\"method\":\"POST\",\"path\":\"/api/v2/users\",\"status\":201,\"body\":"
                           "\"{\\\"data\\\":{\\\"type\\\":\\\"users\\\",\\\"id\\\":\\\"u-1\\\","
                           "\\\"attributes\\\":{\\\"email\\\":\\\"a@example.com\\\"}}}\"}",
                           &r) == DOG_OK);
    dog_response_free(r);
    intake_clear();
    CHECK(dog_user_create(h, "a@example.com", "Ann", NULL, &r) == DOG_OK);
    CHECK(eq(dog_response_id(r), "u-1"));
    CHECK(has(dog_response_result(r), "\"email\":\"a@example.com\""));
    dog_response_free(r);
    s = intake_requests("/api/v2/users");
    CHECK(has(s, "\"body\":{\"data\":{\"attributes\":{\"email\":\"a@example.com\",\"name\":\"Ann\"},\"type\":\"users\"}}"));
    CHECK(dog_user_create(h, "a@x.com,b@y.com", NULL, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
}

int main(void) {
    if (!setup()) {
        return 2;
    }
    test_invite();
    test_create();
    return finish();
}
