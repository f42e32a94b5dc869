/* Tiny test harness for the C tests: counters, checks, and helpers that drive the local
 * intake (started by `dog-intake run -- <test>`, which sets DOG_INTAKE_URL) through the
 * library's own dog_http_request(). Header-only; include once per test program. */
#ifndef DOGTEST_H
#define DOGTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dogapi.h"

static int dt_passed = 0;
static int dt_failed = 0;

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (cond) {                                                             \
            dt_passed++;                                                        \
        } else {                                                                \
            dt_failed++;                                                        \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);     \
            fprintf(stderr, __VA_ARGS__);                                       \
            fprintf(stderr, " [last error: %s]\n", dog_last_error());           \
        }                                                                       \
    } while (0)

#define CHECK_STATUS(expr, expected)                                            \
    do {                                                                        \
        dog_status_t dt_st_ = (expr);                                           \
        CHECK(dt_st_ == (expected), "%s returned %s, expected %s", #expr,       \
              dog_status_str((int)dt_st_), dog_status_str((int)(expected)));    \
    } while (0)

/* Prints the closing line and gives the exit code. */
static inline int dt_finish(const char *name) {
    printf("%s: %d passed, %d failed\n", name, dt_passed, dt_failed);
    return dt_failed == 0 ? 0 : 1;
}

static inline const char *dt_intake_url(void) {
    const char *url = getenv("DOG_INTAKE_URL");
    if (url == NULL || url[0] == '\0') {
        fprintf(stderr, "DOG_INTAKE_URL is not set: run this test as `dog-intake run -- <test>`\n");
        exit(2);
    }
    return url;
}

/* A client with explicit keys, pointed at the intake. */
static inline dog_http_t *dt_client(void) {
    dog_http_t *h = dog_http_new("test-api-key", "test-app-key");
    if (h == NULL || dog_http_set_api_host(h, dt_intake_url()) != DOG_OK) {
        fprintf(stderr, "cannot create a client for the intake: %s\n", dog_last_error());
        exit(2);
    }
    return h;
}

/* Control requests to the intake (never recorded, never faulted). Returns the response body
 * (malloc'd copy, caller frees) or NULL. */
static inline char *dt_control(dog_http_t *h, const char *method, const char *what, const char *query, const char *body) {
    char path[128];
    dog_response_t *r = NULL;
    char *copy = NULL;
    snprintf(path, sizeof path, "_intake/%s", what);
    if (dog_http_request(h, method, path, query, body, &r) == DOG_OK && r != NULL) {
        size_t n = dog_response_body_len(r);
        copy = (char *)malloc(n + 1);
        if (copy != NULL) {
            memcpy(copy, dog_response_body(r), n + 1);
        }
    } else {
        fprintf(stderr, "intake control %s %s failed: %s\n", method, what, dog_last_error());
    }
    dog_response_free(r);
    return copy;
}

/* JSON array of the requests recorded on `path` (e.g. "/api/v1/events"); caller frees. */
static inline char *dt_requests(dog_http_t *h, const char *path) {
    char query[256];
    snprintf(query, sizeof query, "path=%s", path);
    return dt_control(h, "GET", "requests", query, NULL);
}

static inline void dt_clear(dog_http_t *h) { free(dt_control(h, "POST", "clear", NULL, "{}")); }

static inline void dt_fault(dog_http_t *h, const char *fault_json) { free(dt_control(h, "POST", "fault", NULL, fault_json)); }

static inline void dt_heal(dog_http_t *h) { free(dt_control(h, "POST", "heal", NULL, "{}")); }

/* Number of non-overlapping occurrences of `needle` in `hay`. */
static inline int dt_count(const char *hay, const char *needle) {
    int n = 0;
    size_t len = strlen(needle);
    if (hay == NULL || len == 0) {
        return 0;
    }
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + len, needle)) {
        n++;
    }
    return n;
}

#endif /* DOGTEST_H */
