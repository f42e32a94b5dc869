/* Pre-registered handles (dog_stats_counter_t, dog_stats_gauge_t, dog_stats_histogram_t,
 * dog_stats_distribution_t):
 * exact totals from several threads racing flushes, a handle and the named call sharing one
 * context, a context kept alive by its handle across idle flushes, fork() (the child's points
 * through an inherited handle are its own, sent once), argument errors, and a handle
 * outliving its instance. Run: dog-intake run -- ./test_stats_handles */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stats_util.h"

#define THREADS 4
#define PER_THREAD 20000

static dog_stats_counter_t *g_counter;
static dog_stats_histogram_t *g_hist;

static void *recorder(void *arg) {
    long bad = 0;
    (void)arg;
    for (int i = 0; i < PER_THREAD; i++) {
        bad += dog_stats_counter_add(g_counter, 1) != DOG_OK;
        bad += dog_stats_histogram_record(g_hist, (double)(i % 100)) != DOG_OK;
    }
    return (void *)bad;
}

static void *flusher(void *arg) {
    dog_stats_t *s = arg;
    for (int i = 0; i < 50; i++) (void)dog_stats_flush(s, 0);
    return NULL;
}

static void threads_and_flushes(dog_http_t *h) {
    dt_clear(h);
    dog_stats_t *s = st_start(NULL, NULL, false);
    g_counter = dog_stats_counter_new(s, "handle.count", "b:2, a:1");
    g_hist = dog_stats_histogram_new(s, "handle.latency", NULL);
    CHECK(g_counter != NULL && g_hist != NULL, "handles: %s", dog_error_last());
    pthread_t t[THREADS + 1];
    for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, recorder, NULL);
    pthread_create(&t[THREADS], NULL, flusher, s);
    long bad = 0;
    for (int i = 0; i <= THREADS; i++) {
        void *r = NULL;
        pthread_join(t[i], &r);
        bad += (long)r;
    }
    CHECK(bad == 0, "every add/record returned DOG_OK (%ld did not)", bad);
    /* the named call with the same metric (tags in another order) is the same context */
    CHECK_STATUS(dog_stats_increment(s, "handle.count", 5, "a:1,b:2"), DOG_OK);
    st_tel_t tel = st_tel(s);
    CHECK(tel.v[DOG_STATS_POINTS_RECORDED] == 2 * THREADS * PER_THREAD + 1, "points recorded %llu",
          (unsigned long long)tel.v[DOG_STATS_POINTS_RECORDED]);
    CHECK_STATUS(dog_stats_stop(s, 10), DOG_OK);
    char *j = st_received(h);
    CHECK(st_sum(j, "handle.count") == THREADS * PER_THREAD + 5, "counter total %g", st_sum(j, "handle.count"));
    CHECK(st_sum(j, "handle.latency.count") == THREADS * PER_THREAD, "histogram count %g",
          st_sum(j, "handle.latency.count"));
    CHECK(dt_count(j, "\"tags\":[\"a:1\",\"b:2\"]") >= 1, "tags sorted as the named call's");
    CHECK(dt_count(j, "\"contract\":\"invalid\"") == 0, "all valid");
    free(j);
    dog_stats_counter_free(g_counter);
    dog_stats_histogram_free(g_hist);
    dog_stats_free(s);
}

static void idle_context_stays(dog_http_t *h) {
    dt_clear(h);
    dog_stats_t *s = st_start(NULL, NULL, false);
    dog_stats_gauge_t *g = dog_stats_gauge_new_full(s, "handle.gauge", NULL, "other-host");
    CHECK(g != NULL, "gauge: %s", dog_error_last());
    CHECK_STATUS(dog_stats_gauge_set(g, 1), DOG_OK);
    CHECK_STATUS(dog_stats_gauge_set(g, 3), DOG_OK);
    /* far-future flushes: the first sends the bucket, the next ones find the context idle */
    double future = 4e9;
    for (int i = 0; i < 3; i++) (void)dog_stats_flush(s, future + 100 * i);
    CHECK(st_tel(s).v[DOG_STATS_CONTEXTS] == 1, "the handle's context is kept while the handle lives");
    dog_stats_gauge_free(g);
    (void)dog_stats_flush(s, future + 1000);
    CHECK(st_tel(s).v[DOG_STATS_CONTEXTS] == 0, "retired once the handle is freed");
    char *j = st_received(h);
    CHECK(st_value_at(j, "handle.gauge", -1, 0) == 3, "last value of the bucket: %g", st_value_at(j, "handle.gauge", -1, 0));
    CHECK(dt_has(j, "\"host\":\"other-host\""), "host of the _full constructor");
    free(j);
    dog_stats_free(s);
}

static void fork_child_records_its_own(dog_http_t *h) {
    dt_clear(h);
    dog_stats_t *s = st_start(NULL, NULL, true);
    dog_stats_counter_t *c = dog_stats_counter_new(s, "handle.fork", NULL);
    CHECK(c != NULL, "counter: %s", dog_error_last());
    for (int i = 0; i < 10; i++) CHECK_STATUS(dog_stats_counter_add(c, 1), DOG_OK);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        int bad = 0;
        for (int i = 0; i < 7; i++) bad |= dog_stats_counter_add(c, 100) != DOG_OK;
        bad |= st_tel(s).v[DOG_STATS_POINTS_RECORDED] != 7;
        bad |= dog_stats_stop(s, 10) != DOG_OK;
        dog_stats_counter_free(c);
        dog_stats_free(s);
        _exit(bad ? 1 : 0);
    }
    for (int i = 0; i < 5; i++) CHECK_STATUS(dog_stats_counter_add(c, 1000), DOG_OK);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child checks passed (status %d)", status);
    CHECK_STATUS(dog_stats_stop(s, 10), DOG_OK);
    char *j = st_received(h);
    CHECK(st_sum(j, "handle.fork") == 10 + 700 + 5000, "parent's and child's points once each: %g",
          st_sum(j, "handle.fork"));
    free(j);
    dog_stats_counter_free(c);
    dog_stats_free(s);
}

static void distribution_handle(dog_http_t *h) {
    dt_clear(h);
    dog_stats_t *s = st_start(NULL, NULL, false);
    dog_stats_distribution_t *d = dog_stats_distribution_new(s, "handle.dist", "k:v");
    CHECK(d != NULL, "distribution: %s", dog_error_last());
    CHECK_STATUS(dog_stats_distribution_record(d, 11.25), DOG_OK);
    CHECK_STATUS(dog_stats_distribution_record(d, 22.5), DOG_OK);
    CHECK_STATUS(dog_stats_distribution(s, "handle.dist", 33.75, "k:v"), DOG_OK); /* same context */
    CHECK_STATUS(dog_stats_distribution_record(NULL, 1), DOG_ERR_NULL_ARGUMENT);
    CHECK_STATUS(dog_stats_stop(s, 10), DOG_OK);
    char *j = dt_requests(h, "/api/v1/distribution_points");
    CHECK(dt_count(j, "\"metric\":\"handle.dist\"") == 1, "one distribution series");
    CHECK(dt_has(j, "11.25") && dt_has(j, "22.5") && dt_has(j, "33.75"), "every value: %s", j);
    CHECK(dt_count(j, "\"contract\":\"invalid\"") == 0, "all valid");
    free(j);
    dog_stats_distribution_free(d);
    dog_stats_free(s);
}

static void errors(void) {
    dog_stats_t *idle = dog_stats_new();
    CHECK(dog_stats_counter_new(NULL, "x", NULL) == NULL, "NULL stats");
    CHECK(dt_has(dog_error_last(), "stats"), "error names stats: %s", dog_error_last());
    CHECK(dog_stats_gauge_new(idle, NULL, NULL) == NULL, "NULL name");
    CHECK(dog_stats_histogram_new(idle, "", NULL) == NULL, "empty name");
    CHECK(dog_stats_counter_new(idle, "bad\xff", NULL) == NULL, "invalid UTF-8");
    CHECK_STATUS(dog_stats_counter_add(NULL, 1), DOG_ERR_NULL_ARGUMENT);
    CHECK_STATUS(dog_stats_gauge_set(NULL, 1), DOG_ERR_NULL_ARGUMENT);
    CHECK_STATUS(dog_stats_histogram_record(NULL, 1), DOG_ERR_NULL_ARGUMENT);
    dog_stats_counter_t *c = dog_stats_counter_new(idle, "not.started", NULL);
    CHECK(c != NULL, "a handle of an instance not started yet");
    CHECK_STATUS(dog_stats_counter_add(c, 1), DOG_ERR_NOT_STARTED);
    dog_stats_free(idle);
    CHECK_STATUS(dog_stats_counter_add(c, 1), DOG_ERR_NOT_STARTED); /* outlived its instance */
    dog_stats_counter_free(c);
    dog_stats_counter_free(NULL);
    dog_stats_gauge_free(NULL);
    dog_stats_histogram_free(NULL);

    dog_stats_t *s = st_start(NULL, NULL, false);
    dog_stats_counter_t *d = dog_stats_counter_new(s, "finite", NULL);
    CHECK_STATUS(dog_stats_counter_add(d, 0.0 / 0.0), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_stats_counter_add(d, 1), DOG_OK);
    CHECK_STATUS(dog_stats_stop(s, 10), DOG_OK);
    dog_stats_free(s);
    /* freed after a successful start: recording is refused, never silently lost */
    CHECK_STATUS(dog_stats_counter_add(d, 1), DOG_ERR_NOT_STARTED);
    dog_stats_counter_free(d);
}

int main(void) {
    dog_http_t *h = dt_client();
    threads_and_flushes(h);
    idle_context_stays(h);
    fork_child_records_its_own(h);
    distribution_handle(h);
    errors();
    dog_http_free(h);
    return dt_finish("test_stats_handles");
}
