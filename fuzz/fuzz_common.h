/* Shared by the libFuzzer harnesses: the input as a NUL-terminated string, and a client
 * pointed at a closed loopback port (calls that pass their checks fail fast with
 * DOG_ERR_CONNECTION; nothing leaves the machine). */
#ifndef DOGAPI_FUZZ_COMMON_H
#define DOGAPI_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dogapi.h"

/* A malloc'd NUL-terminated copy of the input (interior NULs end the string early). */
static char *fz_str(const uint8_t *data, size_t size) {
    char *s = (char *)malloc(size + 1);
    if (s == NULL) {
        abort();
    }
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* The client every harness shares: swallow off (nothing logged), no backoff. */
static dog_http_t *fz_client(void) {
    static dog_http_t *h = NULL;
    if (h == NULL) {
        h = dog_http_new("fuzz-api-key", "fuzz-app-key");
        if (h == NULL || dog_http_set_api_host(h, "http://127.0.0.1:1") != DOG_OK ||
            dog_http_set_swallow(h, false) != DOG_OK || dog_http_set_max_timeouts(h, 2147483647) != DOG_OK) {
            fprintf(stderr, "fuzz: cannot create a client: %s\n", dog_last_error());
            abort();
        }
    }
    return h;
}

/* A caught panic is a bug: stop the run on DOG_ERR_INTERNAL. */
static void fz_check(dog_status_t st, const char *what) {
    if (st == DOG_ERR_INTERNAL) {
        fprintf(stderr, "fuzz: %s returned DOG_ERR_INTERNAL: %s\n", what, dog_last_error());
        abort();
    }
}

#endif
