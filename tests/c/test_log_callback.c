/* The log callback may be replaced at any time from any thread, including from inside itself,
 * and may call into the library (DESIGN §6): none of that deadlocks. A watchdog (alarm) turns
 * a deadlock into a failed test instead of a hung one. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "dogtest.h"

/* A client whose calls fail at once (connection refused on a port nobody listens on) and,
 * with swallow on, log the failure at DOG_LOG_ERROR: a "logging dog_* function". */
static dog_http_t *refused_client(void) {
    dog_http_t *h = dog_http_new("test-api-key", "test-app-key");
    if (h == NULL || dog_http_set_api_host(h, "http://127.0.0.1:1") != DOG_OK || dog_http_set_max_timeouts(h, 1000000) != DOG_OK) {
        fprintf(stderr, "cannot create a client: %s\n", dog_last_error());
        exit(2);
    }
    return h;
}

static void watchdog(int sig) {
    static const char msg[] = "FAIL test_log_callback: deadlock (watchdog fired)\n";
    (void)sig;
    if (write(2, msg, sizeof msg - 1) < 0) {
        _exit(3);
    }
    _exit(3);
}

static dog_http_t *g_client;
static atomic_int g_calls;          /* callback invocations */
static atomic_int g_nested_status;  /* last status of a call made from inside the callback */
static atomic_int g_nested_calls;
static atomic_int g_stop;

/* Calls a logging function from inside the callback. */
static void cb_calls_library(int level, const char *message, void *userdata) {
    (void)level;
    (void)message;
    (void)userdata;
    atomic_fetch_add(&g_calls, 1);
    atomic_store(&g_nested_status, (int)dog_metric_post(g_client, "nested.call", 1, NULL, NULL, NULL, NULL, NULL));
    atomic_fetch_add(&g_nested_calls, 1);
}

static void cb_other(int level, const char *message, void *userdata) {
    (void)level;
    (void)message;
    (void)userdata;
    atomic_fetch_add(&g_calls, 1);
}

/* Replaces itself with cb_other from inside. */
static atomic_int g_replace_status = -1;
static void cb_replaces_itself(int level, const char *message, void *userdata) {
    (void)level;
    (void)message;
    (void)userdata;
    atomic_fetch_add(&g_calls, 1);
    atomic_store(&g_replace_status, (int)dog_set_log_callback(cb_other, DOG_LOG_ERROR, NULL));
}

/* Removes itself from inside. */
static void cb_removes_itself(int level, const char *message, void *userdata) {
    (void)level;
    (void)message;
    (void)userdata;
    atomic_fetch_add(&g_calls, 1);
    atomic_store(&g_replace_status, (int)dog_set_log_callback(NULL, DOG_LOG_ERROR, NULL));
}

/* Both at once: calls the library, then replaces the callback with itself. */
static void cb_everything(int level, const char *message, void *userdata) {
    (void)level;
    (void)message;
    atomic_fetch_add(&g_calls, 1);
    dog_metric_post(g_client, "nested.call", 1, NULL, NULL, NULL, NULL, NULL);
    dog_set_log_callback(cb_everything, DOG_LOG_ERROR, userdata);
}

static void *logging_thread(void *arg) {
    (void)arg;
    while (!atomic_load(&g_stop)) {
        dog_metric_post(g_client, "thread.call", 1, NULL, NULL, NULL, NULL, NULL);
    }
    return NULL;
}

static void *setter_thread(void *arg) {
    dog_log_fn fn = *(dog_log_fn *)arg;
    while (!atomic_load(&g_stop)) {
        dog_set_log_callback(fn, DOG_LOG_ERROR, NULL);
    }
    return NULL;
}

/* Two logging threads and one setter thread for `ms` milliseconds. */
static void race(dog_log_fn fn, int ms) {
    pthread_t t[3];
    atomic_store(&g_stop, 0);
    dog_set_log_callback(fn, DOG_LOG_ERROR, NULL);
    pthread_create(&t[0], NULL, logging_thread, NULL);
    pthread_create(&t[1], NULL, logging_thread, NULL);
    pthread_create(&t[2], NULL, setter_thread, &fn);
    struct timespec d = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&d, NULL);
    atomic_store(&g_stop, 1);
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
    }
}

int main(void) {
    signal(SIGALRM, watchdog);
    alarm(60);
    g_client = refused_client();

    /* 1. The callback calls a logging function: the call works and returns its own status;
     *    the line that nested call would log on this thread is not delivered (no recursion). */
    CHECK_STATUS(dog_set_log_callback(cb_calls_library, DOG_LOG_ERROR, NULL), DOG_OK);
    atomic_store(&g_calls, 0);
    CHECK_STATUS(dog_metric_post(g_client, "outer.call", 1, NULL, NULL, NULL, NULL, NULL), DOG_ERR_CONNECTION);
    CHECK(atomic_load(&g_calls) == 1, "one delivery, nested line dropped: %d", atomic_load(&g_calls));
    CHECK(atomic_load(&g_nested_calls) == 1, "the nested call returned");
    CHECK(atomic_load(&g_nested_status) == DOG_ERR_CONNECTION, "nested status %s", dog_status_str(atomic_load(&g_nested_status)));

    /* 2. The callback replaces itself: works, and the next line goes to the new callback. */
    CHECK_STATUS(dog_set_log_callback(cb_replaces_itself, DOG_LOG_ERROR, NULL), DOG_OK);
    atomic_store(&g_calls, 0);
    dog_metric_post(g_client, "outer.call", 1, NULL, NULL, NULL, NULL, NULL);
    CHECK(atomic_load(&g_replace_status) == DOG_OK, "set from inside: %d", atomic_load(&g_replace_status));
    dog_metric_post(g_client, "outer.call", 1, NULL, NULL, NULL, NULL, NULL);
    CHECK(atomic_load(&g_calls) == 2, "old then new callback: %d", atomic_load(&g_calls));

    /* 3. The callback removes itself: nothing is delivered afterwards. */
    atomic_store(&g_replace_status, -1);
    CHECK_STATUS(dog_set_log_callback(cb_removes_itself, DOG_LOG_ERROR, NULL), DOG_OK);
    atomic_store(&g_calls, 0);
    dog_metric_post(g_client, "outer.call", 1, NULL, NULL, NULL, NULL, NULL);
    dog_metric_post(g_client, "outer.call", 1, NULL, NULL, NULL, NULL, NULL);
    CHECK(atomic_load(&g_replace_status) == DOG_OK, "removed from inside");
    CHECK(atomic_load(&g_calls) == 1, "nothing after removal: %d", atomic_load(&g_calls));

    /* 4. Threads: a callback that calls a logging function while another thread keeps setting
     *    the callback (the reported deadlock), then a callback that also re-sets itself. */
    atomic_store(&g_calls, 0);
    race(cb_calls_library, 300);
    CHECK(atomic_load(&g_calls) > 0, "callbacks ran during the race: %d", atomic_load(&g_calls));
    race(cb_everything, 300);
    race(cb_replaces_itself, 300);
    CHECK_STATUS(dog_set_log_callback(NULL, DOG_LOG_ERROR, NULL), DOG_OK);

    /* 5. Invalid levels still fail cleanly. */
    CHECK_STATUS(dog_set_log_callback(cb_other, 0, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_set_log_callback(cb_other, 5, NULL), DOG_ERR_INVALID_ARGUMENT);

    alarm(0);
    dog_http_free(g_client);
    return dt_finish("test_log_callback");
}
