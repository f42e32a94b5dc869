/* Throughput of dog_event_post through the C ABI with one shared dog_http_t.
 * Usage: http_bench URL SECONDS THREADS   (prints "events/s N") */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dogapi.h"

static dog_http_t *client;
static double seconds;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *worker(void *arg) {
    long *count = (long *)arg;
    double end = now() + seconds;
    while (now() < end) {
        dog_status_t st = dog_event_post(client, "bench", "bench event", 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
        if (st != DOG_OK) {
            fprintf(stderr, "dog_event_post: %s: %s\n", dog_status_str(st), dog_error_last());
            exit(1);
        }
        (*count)++;
    }
    return NULL;
}

int main(int argc, char **argv) {
    int threads, i;
    long counts[64] = {0}, total = 0;
    pthread_t tids[64];
    double t0;
    if (argc != 4) {
        fprintf(stderr, "usage: %s URL SECONDS THREADS\n", argv[0]);
        return 2;
    }
    seconds = atof(argv[2]);
    threads = atoi(argv[3]);
    if (threads < 1 || threads > 64) {
        return 2;
    }
    client = dog_http_new("bench-key", NULL);
    if (client == NULL || dog_http_set_api_host(client, argv[1]) != DOG_OK) {
        fprintf(stderr, "setup: %s\n", dog_error_last());
        return 1;
    }
    /* warm up: open the connections */
    for (i = 0; i < threads; i++) {
        dog_event_post(client, "bench", "bench event", 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    }
    t0 = now();
    for (i = 0; i < threads; i++) {
        pthread_create(&tids[i], NULL, worker, &counts[i]);
    }
    for (i = 0; i < threads; i++) {
        pthread_join(tids[i], NULL);
        total += counts[i];
    }
    printf("events/s %.0f\n", (double)total / (now() - t0));
    dog_http_free(client);
    return 0;
}
