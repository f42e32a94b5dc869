/* fork(): parent and child both record and flush; every point arrives exactly once (the
 * child never re-sends what the parent recorded before the fork) and the child gets its own
 * flush thread. Run: dog-intake run -- ./test_stats_fork */
#define _POSIX_C_SOURCE 200809L
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stats_util.h"

int main(void) {
    dog_http_t *h = dt_client();
    dt_clear(h);
    dog_stats_t *s = st_start(NULL, NULL, true);
    for (int i = 0; i < 10; i++) {
        /* fork.shared: this thread's context cache holds it when fork() copies the thread */
        CHECK_STATUS(dog_stats_increment(s, "fork.shared", 1, "k:v"), DOG_OK);
        CHECK_STATUS(dog_stats_increment(s, "fork.pre", 1, "k:v"), DOG_OK);
        CHECK_STATUS(dog_stats_histogram(s, "fork.pre.h", i, NULL), DOG_OK);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        int bad = 0;
        for (int i = 0; i < 7; i++) {
            bad |= dog_stats_increment(s, "fork.child", 1, NULL) != DOG_OK;
            bad |= dog_stats_increment(s, "fork.both", 1, "k:v") != DOG_OK;
        }
        /* same arguments as cached before the fork: must not go to the parent's context */
        for (int i = 0; i < 3; i++) bad |= dog_stats_increment(s, "fork.shared", 1, "k:v") != DOG_OK;
        st_tel_t t = st_tel(s);
        bad |= t.v[DOG_STATS_POINTS_RECORDED] != 17; /* the parent's points are not the child's */
        bad |= t.v[DOG_STATS_CONTEXTS] != 3;
        bad |= dog_stats_stop(s, 10) != DOG_OK;
        t = st_tel(s);
        bad |= t.v[DOG_STATS_SERIES_SENT] != 3;
        dog_stats_free(s);
        _exit(bad ? 1 : 0);
    }
    for (int i = 0; i < 4; i++) CHECK_STATUS(dog_stats_increment(s, "fork.shared", 1, "k:v"), DOG_OK);
    for (int i = 0; i < 5; i++) {
        CHECK_STATUS(dog_stats_increment(s, "fork.parent", 1, NULL), DOG_OK);
        CHECK_STATUS(dog_stats_increment(s, "fork.both", 1, "k:v"), DOG_OK);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child checks passed (status %d)", status);
    CHECK_STATUS(dog_stats_stop(s, 10), DOG_OK);
    char *j = st_received(h);
    CHECK(st_sum(j, "fork.pre") == 10, "pre-fork points once: %g", st_sum(j, "fork.pre"));
    CHECK(st_sum(j, "fork.pre.h.count") == 10, "pre-fork histogram once: %g", st_sum(j, "fork.pre.h.count"));
    CHECK(st_sum(j, "fork.child") == 7, "child points: %g", st_sum(j, "fork.child"));
    CHECK(st_sum(j, "fork.parent") == 5, "parent points: %g", st_sum(j, "fork.parent"));
    CHECK(st_sum(j, "fork.both") == 12, "both: %g", st_sum(j, "fork.both"));
    CHECK(st_sum(j, "fork.shared") == 17, "cached before the fork, then both: %g", st_sum(j, "fork.shared"));
    CHECK(dt_count(j, "\"contract\":\"invalid\"") == 0, "all valid");
    free(j);
    dog_stats_free(s);
    dog_http_free(h);
    return dt_finish("test_stats_fork");
}
