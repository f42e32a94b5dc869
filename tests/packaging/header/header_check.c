/* Header compile check (C99, C11, C17 with -Wall -Wextra -Werror -pedantic): dogapi.h must be
 * self-contained, warning-free, and usable as documented. Compiled only, never run. */
#include "dogapi.h"
#include "dogapi.h" /* include guard */

#if !defined(DOGAPI_VERSION_MAJOR) || !defined(DOGAPI_VERSION_STRING) || !defined(DOGAPI_VERSION_NUMBER)
#error "version macros missing"
#endif

int header_check(void);

/* dog_status_t is a signed 32-bit integer whatever the compiler's enum width. */
typedef char dog_status_is_int32[(sizeof(dog_status_t) == 4 && (dog_status_t)-1 < 0) ? 1 : -1];

static void on_log(int level, const char *message, void *userdata) {
    (void)level;
    (void)message;
    (void)userdata;
}

int header_check(void) {
    dog_http_t *h = dog_http_new(NULL, NULL);
    dog_response_t *r = NULL;
    dog_point_t pts[2] = {{1700000000.0, 1.0}, {1700000010.0, 2.0}};
    dog_status_t s = dog_metric_post_points(h, "m", pts, 2, NULL, NULL, "a:b", "gauge", &r);
    const char *name = dog_status_str(s);
    int code = dog_response_status(r);
    size_t n = dog_response_body_len(r);
    int64_t id = dog_response_id_int(r);
    dog_log_fn fn = on_log;
    (void)dog_log_set_callback(fn, DOG_LOG_WARN, NULL);
    dog_stats_options_t *o = dog_stats_options_new();
    dog_status_t so = dog_stats_options_set_flush_interval(o, 10.0);
    so |= dog_stats_start(dog_stats_default(), o);
    dog_stats_options_free(o);
    dog_response_free(r);
    dog_http_free(h);
    return (int)(name != NULL) + code + (int)n + (int)id + (s == DOG_OK) + (so == DOG_OK) + DOG_CHECK_OK;
}
