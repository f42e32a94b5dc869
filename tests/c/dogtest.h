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

/* Picks the macro after the arguments: `name` is the 17th argument, so a longer argument list
 * shifts an earlier name into place (arity overloading for up to 16 arguments). */
#define DT_PICK_(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, name, ...) name

/* CHECK(cond) or CHECK(cond, fmt, ...): counts a pass or a failure; a failure prints the
 * condition, the message if any and dog_error_last(). */
#define CHECK(...)                                                              \
    DT_PICK_(__VA_ARGS__, DT_CHECK_MSG_, DT_CHECK_MSG_, DT_CHECK_MSG_, DT_CHECK_MSG_, \
             DT_CHECK_MSG_, DT_CHECK_MSG_, DT_CHECK_MSG_, DT_CHECK_MSG_, DT_CHECK_MSG_, \
             DT_CHECK_MSG_, DT_CHECK_MSG_, DT_CHECK_MSG_, DT_CHECK_MSG_, DT_CHECK_MSG_, \
             DT_CHECK_MSG_, DT_CHECK_BARE_, DT_TOO_FEW_ARGUMENTS_)(#__VA_ARGS__, __VA_ARGS__)

/* `text` is CHECK's arguments as written (before macro expansion): the bare condition. */
#define DT_CHECK_BARE_(text, cond) DT_CHECK_(cond, text, "%s", "")
#define DT_CHECK_MSG_(text, cond, ...) DT_CHECK_(cond, #cond, __VA_ARGS__)

#define DT_CHECK_(cond, text, ...)                                              \
    do {                                                                        \
        if (cond) {                                                             \
            dt_passed++;                                                        \
        } else {                                                                \
            dt_failed++;                                                        \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, (text));    \
            fprintf(stderr, __VA_ARGS__);                                       \
            fprintf(stderr, " [last error: %s]\n", dog_error_last());           \
        }                                                                       \
    } while (0)

/* CHECK_STATUS(expr, expected) or CHECK_STATUS(expr, expected, label): one check that a call
 * returned `expected`; a failure names both statuses and the label (default: the expression). */
#define CHECK_STATUS(...)                                                       \
    DT_PICK_(__VA_ARGS__, DT_TOO_MANY_ARGUMENTS_, DT_TOO_MANY_ARGUMENTS_,         \
             DT_TOO_MANY_ARGUMENTS_, DT_TOO_MANY_ARGUMENTS_, DT_TOO_MANY_ARGUMENTS_, \
             DT_TOO_MANY_ARGUMENTS_, DT_TOO_MANY_ARGUMENTS_, DT_TOO_MANY_ARGUMENTS_, \
             DT_TOO_MANY_ARGUMENTS_, DT_TOO_MANY_ARGUMENTS_, DT_TOO_MANY_ARGUMENTS_, \
             DT_TOO_MANY_ARGUMENTS_, DT_TOO_MANY_ARGUMENTS_, DT_CHECK_STATUS_AS_,     \
             DT_CHECK_STATUS_, DT_TOO_FEW_ARGUMENTS_, DT_TOO_FEW_ARGUMENTS_)(__VA_ARGS__)

#define DT_CHECK_STATUS_(expr, expected) DT_CHECK_STATUS_AS_(expr, expected, #expr)

#define DT_CHECK_STATUS_AS_(expr, expected, label)                              \
    do {                                                                        \
        dog_status_t dt_st_ = (expr);                                           \
        CHECK(dt_st_ == (expected), "%s returned %s, expected %s", (label),     \
              dog_status_str(dt_st_), dog_status_str((expected)));    \
    } while (0)

/* Prints the closing line and gives the exit code. */
static inline int dt_finish(const char *name) {
    printf("%s: %d passed, %d failed\n", name, dt_passed, dt_failed);
    return dt_failed == 0 ? 0 : 1;
}

/* The intake's URL from DOG_INTAKE_URL; exits with 2 when it is not set. */
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
        fprintf(stderr, "cannot create a client for the intake: %s\n", dog_error_last());
        exit(2);
    }
    return h;
}

/* Control requests to the intake (never recorded, never faulted). Returns the response body
 * (malloc'd copy, caller frees) or NULL; a control request that fails counts as a failed check. */
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
        dt_failed++;
        fprintf(stderr, "FAIL intake control %s %s: %s\n", method, what, dog_error_last());
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

/* The requests recorded on `path` in a buffer the next call reuses (no free; "" when unreadable). */
static inline const char *dt_peek_requests(dog_http_t *h, const char *path) {
    static char *last = NULL;
    free(last);
    last = dt_requests(h, path);
    return last != NULL ? last : "";
}

/* Forgets the recorded requests (and queued faults). */
static inline void dt_clear(dog_http_t *h) { free(dt_control(h, "POST", "clear", NULL, "{}")); }

/* Queues a fault (the intake's JSON fault description) for the next request. */
static inline void dt_fault(dog_http_t *h, const char *fault_json) { free(dt_control(h, "POST", "fault", NULL, fault_json)); }

/* Drops every queued and sticky fault. */
static inline void dt_heal(dog_http_t *h) { free(dt_control(h, "POST", "heal", NULL, "{}")); }

/* The fault that makes the intake answer 404 {"errors":["Not found"]}. */
#define DT_FAULT_404 "{\"kind\":\"status\",\"code\":404,\"body\":\"{\\\"errors\\\":[\\\"Not found\\\"]}\"}"

/* The next request is answered 404 {"errors":["Not found"]}. */
static inline void dt_fault_404(dog_http_t *h) { dt_fault(h, DT_FAULT_404); }

/* A malloc'd copy of `s` (NULL for NULL). */
static inline char *dt_strdup(const char *s) {
    size_t n;
    char *d;
    if (s == NULL) {
        return NULL;
    }
    n = strlen(s) + 1;
    d = (char *)malloc(n);
    if (d != NULL) {
        memcpy(d, s, n);
    }
    return d;
}

/* The response's result view as a malloc'd string (NULL when none); frees the response. */
static inline char *dt_take_result(dog_response_t *r) {
    char *s = dt_strdup(dog_response_result(r));
    dog_response_free(r);
    return s;
}

/* Whether `hay` (may be NULL) contains `needle`. */
static inline int dt_has(const char *hay, const char *needle) { return hay != NULL && strstr(hay, needle) != NULL; }

/* Whether `a` and `b` are both non-NULL and equal. */
static inline int dt_eq(const char *a, const char *b) { return a != NULL && b != NULL && strcmp(a, b) == 0; }

/* Three checks on a call answered with dt_fault_404: `st` is DOG_ERR_API, the 404 response `r`
 * is handed out and its error body is readable; frees `r`. */
#define CHECK_API_ERROR(st, r, label)                                           \
    do {                                                                        \
        dog_response_t *dt_r_ = (r);                                            \
        CHECK_STATUS(st, DOG_ERR_API, label);                                   \
        CHECK(dt_r_ != NULL && dog_response_status(dt_r_) == 404, "%s: the 404 response is handed out", (label)); \
        CHECK(dt_r_ != NULL && dt_has(dog_response_body(dt_r_), "Not found"), "%s: the error body is readable", (label)); \
        dog_response_free(dt_r_);                                               \
    } while (0)

/* Four checks: with the next request faulted to 404, `call` (which hands its response to
 * `&r404`) returns DOG_ERR_API and hands out the 404 with its body and no result view. */
#define CHECK_404(h, call)                                                      \
    do {                                                                        \
        dog_response_t *r404 = NULL;                                            \
        dt_fault_404(h);                                                        \
        CHECK((call) == DOG_ERR_API);                                           \
        CHECK(r404 != NULL && dog_response_status(r404) == 404);                \
        CHECK(dog_response_result(r404) == NULL);                               \
        CHECK(dt_has(dog_response_body(r404), "Not found"));                    \
        dog_response_free(r404);                                                \
    } while (0)

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
