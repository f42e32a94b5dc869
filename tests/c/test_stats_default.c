/* dog_stats_default()'s instance cannot be freed: dog_stats_free() on it does nothing (no
 * stop, no flush), also while other threads record into it, and it stays usable afterwards.
 * Started with NULL options, so it reads DATADOG_HOST / DD_API_KEY (set here to the intake). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>

#include "stats_util.h"

#define THREADS 4
#define POINTS 20000

static atomic_int g_failures;

static void *recorder(void *arg) {
    (void)arg;
    for (int i = 0; i < POINTS; i++) {
        if (dog_stats_increment(dog_stats_default(), "default.survives", 1, "k:v") != DOG_OK) {
            atomic_fetch_add(&g_failures, 1);
        }
    }
    return NULL;
}

int main(void) {
    dog_http_t *h = dt_client();
    dt_clear(h);
    setenv("DATADOG_HOST", dt_intake_url(), 1);
    setenv("DD_API_KEY", "test-api-key", 1);
    dog_stats_t *s = dog_stats_default();
    CHECK(s != NULL && s == dog_stats_default(), "one default instance");
    CHECK_STATUS(dog_stats_start(s, NULL), DOG_OK);

    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        pthread_create(&t[i], NULL, recorder, NULL);
    }
    for (int i = 0; i < 1000; i++) {
        dog_stats_free(s); /* does nothing: the recorders keep going */
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
    }
    CHECK(atomic_load(&g_failures) == 0, "every recording call succeeded: %d failures", atomic_load(&g_failures));

    /* Still the same, still started, still recording. */
    dog_stats_free(dog_stats_default());
    CHECK(dog_stats_default() == s, "same instance after free");
    CHECK_STATUS(dog_stats_increment(s, "default.survives", 1, "k:v"), DOG_OK);
    CHECK_STATUS(dog_stats_stop(s, 10.0), DOG_OK);

    char *json = st_received(h);
    double total = 0;
    for (int i = 0; i < st_count(json, "default.survives"); i++) {
        total += st_value_at(json, "default.survives", -1, i);
    }
    CHECK(total == THREADS * POINTS + 1, "every point arrived once: %.0f of %d", total, THREADS * POINTS + 1);
    free(json);

    /* A stopped default instance can be started again. */
    CHECK_STATUS(dog_stats_start(s, NULL), DOG_OK);
    CHECK_STATUS(dog_stats_gauge(s, "default.restarted", 1, NULL), DOG_OK);
    CHECK_STATUS(dog_stats_stop(s, 10.0), DOG_OK);
    dog_http_free(h);
    return dt_finish("test_stats_default");
}
