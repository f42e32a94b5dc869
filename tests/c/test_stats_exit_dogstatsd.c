/* Nothing lost at exit with the Agent sink: the default instance, its sink chosen by the
 * environment alone (DD_DOGSTATSD_URL, given by `dog-intake run` with a DogStatsD listener:
 * cmake/DogapiTests.cmake runs test_*dogstatsd*.c so), flushes every point when the process
 * exits normally without dog_stats_stop():
 *   - a program that records counters and distribution values and returns from main (this
 *     program re-run as a child): the listener sums every point, the current bucket included;
 *   - a forked child that exits normally sends its own points once, never the parent's, and the
 *     parent's arrive once when it stops.
 * Run: dog-intake run --dogstatsd unixgram -- ./test_stats_exit_dogstatsd */
#define _POSIX_C_SOURCE 200809L
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stats_util.h"

#define POINTS 1000

static dog_stats_t *start_default(bool thread) {
    dog_stats_t *s = dog_stats_default();
    dog_stats_options_t *o = dog_stats_options_new();
    if (o == NULL || dog_stats_options_set_flush_in_thread(o, thread) != DOG_OK ||
        dog_stats_options_set_dogstatsd_telemetry(o, false) != DOG_OK || dog_stats_start(s, o) != DOG_OK) {
        fprintf(stderr, "cannot start: %s\n", dog_error_last());
        exit(3);
    }
    dog_stats_options_free(o);
    return s;
}

static int record(dog_stats_t *s, const char *prefix, int n) {
    char c[64], d[64];
    int bad = 0;
    snprintf(c, sizeof c, "%s.c", prefix);
    snprintf(d, sizeof d, "%s.d", prefix);
    for (int i = 0; i < n; i++) {
        bad |= dog_stats_increment(s, c, 1, "k:v") != DOG_OK;
        bad |= dog_stats_distribution(s, d, i, "k:v") != DOG_OK;
    }
    return bad;
}

/* The listener's totals (GET /_intake/dogstatsd) once the number after `from` / `"key":`
 * reached `want`, or after ~20 s; caller frees. */
static char *await(dog_http_t *h, const char *from, const char *key, double want) {
    char *json = NULL;
    for (int tries = 0; tries < 400; tries++) {
        free(json);
        json = dt_control(h, "GET", "dogstatsd", NULL, NULL);
        if (st_number_after(json, from, key) == want) break;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return json;
}

#define COUNTERS "\"counters\""

int main(int argc, char **argv) {
    if (argc > 1) { /* the child: records, then returns from main without stop */
        return record(start_default(true), "exitdsd.return", POINTS);
    }
    if (getenv("DD_DOGSTATSD_URL") == NULL) {
        fprintf(stderr, "DD_DOGSTATSD_URL is not set: run under `dog-intake run --dogstatsd unixgram`\n");
        return 2;
    }
    dog_http_t *h = dt_client();
    unsetenv("DATADOG_HOST"); /* the Agent only: no API host, no key */
    free(dt_control(h, "POST", "dogstatsd/clear", NULL, "{}"));

    pid_t pid = fork();
    if (pid == 0) {
        execl(argv[0], argv[0], "child", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "child returned from main (status %d)", status);
    char *j = await(h, "\"exitdsd.return.d|#k:v\"", "count", POINTS);
    CHECK(st_number_after(j, COUNTERS, "exitdsd.return.c|#k:v") == POINTS, "every counter point at exit: %g",
          st_number_after(j, COUNTERS, "exitdsd.return.c|#k:v"));
    CHECK(st_number_after(j, "\"exitdsd.return.d|#k:v\"", "count") == POINTS, "every distribution value at exit");
    CHECK(st_number_after(j, "\"exitdsd.return.d|#k:v\"", "sum") == POINTS * (POINTS - 1) / 2.0,
          "the values themselves");
    CHECK(dt_has(j, "\"parse_errors\":[]"), "every line parsed");
    free(j);

    /* fork: the child's points at its exit, the parent's at its stop, each once */
    free(dt_control(h, "POST", "dogstatsd/clear", NULL, "{}"));
    dog_stats_t *s = start_default(false);
    CHECK(record(s, "exitdsd.parent", 50) == 0, "parent records");
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        exit(record(s, "exitdsd.child", 70));
    }
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "the forked child recorded and exited (status %d)", status);
    j = await(h, COUNTERS, "exitdsd.child.c|#k:v", 70);
    CHECK(st_number_after(j, COUNTERS, "exitdsd.child.c|#k:v") == 70, "the child's points at its exit");
    CHECK(!dt_has(j, "exitdsd.parent"), "none of the parent's points from the child");
    free(j);
    CHECK_STATUS(dog_stats_stop(s, 10), DOG_OK);
    j = await(h, COUNTERS, "exitdsd.parent.c|#k:v", 50);
    CHECK(st_number_after(j, COUNTERS, "exitdsd.parent.c|#k:v") == 50, "the parent's points once");
    CHECK(st_number_after(j, COUNTERS, "exitdsd.child.c|#k:v") == 70, "the child's still once");
    CHECK(st_number_after(j, "\"exitdsd.child.d|#k:v\"", "count") == 70, "the child's distribution");
    CHECK(st_number_after(j, "\"exitdsd.parent.d|#k:v\"", "count") == 50, "the parent's distribution");
    free(j);
    dog_http_free(h);
    return dt_finish("test_stats_exit_dogstatsd");
}
