/* The default instance flushes everything, the current bucket included, when the process exits
 * normally, without dog_stats_stop():
 *   - a program that returns from main (a fresh process: this program re-run as a child);
 *   - the same when exit() is called from another thread than main;
 *   - the same after dog_stats_stop() already ran (only what was recorded since is sent);
 *   - a forked child that exits normally sends its own points once, never the parent's;
 *   - with dog_stats_options_set_flush_at_exit(opts, false) nothing is sent at exit;
 *   - an intake that hangs does not hold the exit beyond the shutdown timeout.
 * The checks run in the parent, which waits for each child and then asks the intake.
 * Run: dog-intake run -- ./test_stats_exit */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stats_util.h"

#define POINTS 1000

/* Starts the default instance against the intake (DATADOG_HOST / DD_API_KEY are set by the
 * parent), with `opts` configured by `configure` (NULL: dog_stats_start(s, NULL)). */
static dog_stats_t *start_default(void (*configure)(dog_stats_options_t *)) {
    dog_stats_t *s = dog_stats_default();
    dog_stats_options_t *o = NULL;
    if (configure != NULL) {
        o = dog_stats_options_new();
        configure(o);
    }
    if (dog_stats_start(s, o) != DOG_OK) {
        fprintf(stderr, "child: cannot start: %s\n", dog_error_last());
        exit(3);
    }
    dog_stats_options_free(o);
    return s;
}

/* Counter, gauge and histogram points named `<prefix>.c`, `.g`, `.h`. */
static int record(dog_stats_t *s, const char *prefix, int n) {
    char c[64], g[64], hist[64];
    int bad = 0;
    snprintf(c, sizeof c, "%s.c", prefix);
    snprintf(g, sizeof g, "%s.g", prefix);
    snprintf(hist, sizeof hist, "%s.h", prefix);
    for (int i = 0; i < n; i++) {
        bad |= dog_stats_increment(s, c, 1, "k:v") != DOG_OK;
        bad |= dog_stats_histogram(s, hist, i, NULL) != DOG_OK;
    }
    bad |= dog_stats_gauge(s, g, 42, NULL) != DOG_OK;
    return bad;
}

static void *exit_from_thread(void *arg) {
    (void)arg;
    exit(0);
}

static void flush_at_exit_off(dog_stats_options_t *o) { (void)dog_stats_options_set_flush_at_exit(o, false); }

static void no_thread(dog_stats_options_t *o) { (void)dog_stats_options_set_flush_in_thread(o, false); }

static void short_shutdown(dog_stats_options_t *o) { (void)dog_stats_options_set_shutdown_timeout(o, 1.0); }

/* The child scenarios (this program run with one argument). Each returns or exits normally. */
static int child(const char *what) {
    if (strcmp(what, "return") == 0) {
        return record(start_default(NULL), "exit.return", POINTS);
    }
    if (strcmp(what, "thread") == 0) {
        int bad = record(start_default(NULL), "exit.thread", POINTS);
        pthread_t t;
        if (bad || pthread_create(&t, NULL, exit_from_thread, NULL) != 0) {
            return 1;
        }
        pthread_join(t, NULL); /* never returns: the other thread exits the process */
        return 1;
    }
    if (strcmp(what, "stopped") == 0) {
        dog_stats_t *s = start_default(NULL);
        int bad = record(s, "exit.stopped.before", 10);
        bad |= dog_stats_stop(s, 10) != DOG_OK;
        dog_stats_free(s); /* does nothing on the default instance */
        bad |= record(s, "exit.stopped.after", 20);
        return bad;
    }
    if (strcmp(what, "off") == 0) {
        return record(start_default(flush_at_exit_off), "exit.off", POINTS);
    }
    if (strcmp(what, "hung") == 0) {
        return record(start_default(short_shutdown), "exit.hung", 10);
    }
    fprintf(stderr, "unknown scenario %s\n", what);
    return 2;
}

/* Runs this program as a child scenario and returns its exit status (-1: did not exit). */
static int run_child(const char *self, const char *what) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execl(self, self, what, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        return -1;
    }
    return WEXITSTATUS(status);
}

static void check_all_arrived(dog_http_t *h, const char *prefix, int n) {
    char c[64], g[64], hc[64];
    snprintf(c, sizeof c, "%s.c", prefix);
    snprintf(g, sizeof g, "%s.g", prefix);
    snprintf(hc, sizeof hc, "%s.h.count", prefix);
    char *j = st_received(h);
    CHECK(st_sum(j, c) == n, "%s: every counter point once: %g of %d", c, st_sum(j, c), n);
    CHECK(st_sum(j, hc) == n, "%s: every histogram point once: %g of %d", hc, st_sum(j, hc), n);
    CHECK(st_count(j, g) == 1 && st_value_at(j, g, -1, 0) == 42, "%s: the gauge once", g);
    CHECK(dt_count(j, "\"contract\":\"invalid\"") == 0, "all valid");
    free(j);
}

/* The parent records into the default instance, forks; the child records its own points and
 * exits normally (exit(), no stop); the parent then stops and checks. Without a flush thread,
 * so that nothing but the exit and the stop sends (and the exit flushes from no flusher). */
static void fork_scenario(dog_http_t *h) {
    dt_clear(h);
    dog_stats_t *s = start_default(no_thread);
    CHECK(record(s, "exitfork.parent", 50) == 0, "parent records");
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        exit(record(s, "exitfork.child", 70));
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid, "waitpid");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child recorded and exited (status %d)", status);
    /* Before the parent's own flush: the child sent its points, and none of the parent's. */
    char *j = st_received(h);
    CHECK(st_sum(j, "exitfork.child.c") == 70, "child's points at its exit: %g", st_sum(j, "exitfork.child.c"));
    CHECK(st_count(j, "exitfork.parent.c") == 0, "the child sent none of the parent's points");
    free(j);
    CHECK_STATUS(dog_stats_stop(s, 10), DOG_OK);
    check_all_arrived(h, "exitfork.child", 70);
    check_all_arrived(h, "exitfork.parent", 50);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        return child(argv[1]);
    }
    dog_http_t *h = dt_client();
    setenv("DATADOG_HOST", dt_intake_url(), 1);
    setenv("DD_API_KEY", "test-api-key", 1);
    const char *self = argv[0]; /* CTest runs the test by its full path */

    dt_clear(h);
    CHECK(run_child(self, "return") == 0, "child returned from main");
    check_all_arrived(h, "exit.return", POINTS);

    dt_clear(h);
    CHECK(run_child(self, "thread") == 0, "child exited from another thread");
    check_all_arrived(h, "exit.thread", POINTS);

    dt_clear(h);
    CHECK(run_child(self, "stopped") == 0, "child stopped, recorded, returned");
    check_all_arrived(h, "exit.stopped.before", 10);
    check_all_arrived(h, "exit.stopped.after", 20);

    dt_clear(h);
    CHECK(run_child(self, "off") == 0, "child with flush_at_exit off returned");
    {
        char *j = st_received(h);
        CHECK(dt_count(j, "\"metric\":") == 0, "nothing sent at exit: %s", j ? j : "");
        free(j);
    }

    /* Every request hangs: the child still exits (its shutdown timeout is 1 s; the bound
     * checked is loose on purpose, the point is that it returns at all). */
    dt_clear(h);
    dt_fault(h, "{\"kind\":\"hang\",\"sticky\":true}");
    time_t t0 = time(NULL);
    CHECK(run_child(self, "hung") == 0, "child exited although the intake hangs");
    CHECK(time(NULL) - t0 < 30, "the exit was not held: %lds", (long)(time(NULL) - t0));
    dt_heal(h);

    fork_scenario(h);

    dog_http_free(h);
    return dt_finish("test_stats_exit");
}
