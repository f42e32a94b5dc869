/* Numeric setters range-check: out-of-range, NaN and infinite values give
 * DOG_ERR_INVALID_ARGUMENT, change nothing and print nothing (before: 1e308 as a backoff
 * period was a caught panic, DOG_ERR_INTERNAL, with Rust's panic message on stderr). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <unistd.h>

#include "dogtest.h"

static FILE *g_capture;
static int g_saved_stderr = -1;

/* From here on, stderr goes to a temporary file. */
static void capture_begin(void) {
    fflush(stderr);
    g_capture = tmpfile();
    g_saved_stderr = dup(2);
    if (g_capture == NULL || g_saved_stderr < 0 || dup2(fileno(g_capture), 2) < 0) {
        perror("capture");
        exit(2);
    }
}

/* Restores stderr; returns how many bytes were written to it meanwhile (and echoes them). */
static long capture_end(void) {
    char buf[512];
    size_t n;
    fflush(stderr);
    dup2(g_saved_stderr, 2);
    close(g_saved_stderr);
    long len = ftell(g_capture);
    rewind(g_capture);
    while ((n = fread(buf, 1, sizeof buf, g_capture)) > 0) {
        fwrite(buf, 1, n, stderr);
    }
    fclose(g_capture);
    return len;
}

#define CHECK_QUIET_INVALID(call)                                                  \
    do {                                                                           \
        capture_begin();                                                           \
        dog_status_t st_ = (call);                                                 \
        long printed_ = capture_end();                                             \
        CHECK(st_ == DOG_ERR_INVALID_ARGUMENT, "%s: %s", #call, dog_status_str((int)st_)); \
        CHECK(printed_ == 0, "%s printed %ld bytes on stderr", #call, printed_);     \
    } while (0)

int main(void) {
    dog_http_t *h = dt_client();
    const double bad_seconds[] = {1e308, -1e308, NAN, INFINITY, -INFINITY, -1.0, 86400.5, 1e12};
    for (size_t i = 0; i < sizeof bad_seconds / sizeof bad_seconds[0]; i++) {
        CHECK_QUIET_INVALID(dog_http_set_backoff_period(h, bad_seconds[i]));
        CHECK_QUIET_INVALID(dog_http_set_timeout(h, bad_seconds[i]));
    }
    CHECK_QUIET_INVALID(dog_http_set_timeout(h, 0.0));
    CHECK_QUIET_INVALID(dog_http_set_timeout(h, -0.0));
    CHECK_QUIET_INVALID(dog_http_set_timeout(h, 4.9e-324));
    CHECK_QUIET_INVALID(dog_http_set_max_timeouts(h, -1));
    CHECK_QUIET_INVALID(dog_http_set_max_timeouts(h, -2147483647 - 1));
    CHECK_QUIET_INVALID(dog_http_set_proxy(h, "http://127.0.0.1:99999"));
    CHECK_QUIET_INVALID(dog_http_set_proxy(h, "127.0.0.1:0"));
    CHECK_QUIET_INVALID(dog_http_set_proxy(h, "http://user:pw@127.0.0.1:65536"));

    /* The limits themselves are accepted. */
    CHECK_STATUS(dog_http_set_backoff_period(h, 0.0), DOG_OK);
    CHECK_STATUS(dog_http_set_backoff_period(h, 86400.0), DOG_OK);
    CHECK_STATUS(dog_http_set_timeout(h, 86400.0), DOG_OK);
    CHECK_STATUS(dog_http_set_timeout(h, 0.001), DOG_OK);
    CHECK_STATUS(dog_http_set_max_timeouts(h, 2147483647), DOG_OK);
    CHECK_STATUS(dog_http_set_proxy(h, "http://127.0.0.1:65535"), DOG_OK);
    CHECK_STATUS(dog_http_set_proxy(h, NULL), DOG_OK);

    /* Nothing was changed by a refused value: the client still works with its last good
     * settings (timeout 2 s). */
    CHECK_STATUS(dog_http_set_timeout(h, 2.0), DOG_OK);
    CHECK_STATUS(dog_http_set_timeout(h, NAN), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_metric_post(h, "numeric.args.ok", 1, NULL, NULL, NULL, NULL, NULL), DOG_OK);
    dog_http_free(h);
    return dt_finish("test_numeric_args");
}
