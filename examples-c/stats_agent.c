/* The same recording calls, sent to the Datadog Agent on this host over DogStatsD instead of
 * the HTTP API: no API key in the process; the Agent aggregates every process of the host.
 *   DD_DOGSTATSD_URL=unix:///var/run/datadog/dsd.socket ./stats_agent
 *   DD_AGENT_HOST=localhost ./stats_agent              (UDP, port DD_DOGSTATSD_PORT or 8125)
 *   ./stats_agent udp://127.0.0.1:8125                 (in code: dog_stats_options_set_dogstatsd_url)
 *   dog-intake run --dogstatsd unixgram -- ./stats_agent   (a local listener that prints the totals) */
#include <stdio.h>

#include "dogapi.h"

int main(int argc, char **argv) {
    dog_stats_options_t *opts = dog_stats_options_new();
    /* NULL: the environment chooses (DD_DOGSTATSD_URL, else DD_AGENT_HOST), else the HTTP API. */
    if (opts == NULL || dog_stats_options_set_dogstatsd_url(opts, argc > 1 ? argv[1] : NULL) != DOG_OK ||
        dog_stats_start(dog_stats_default(), opts) != DOG_OK) {
        fprintf(stderr, "start: %s\n", dog_error_last());
        dog_stats_options_free(opts);
        return 1;
    }
    dog_stats_options_free(opts);
    dog_stats_t *st = dog_stats_default();
    for (int i = 0; i < 1000; i++) {
        dog_stats_increment(st, "example.agent.requests", 1, "route:/home");
        dog_stats_histogram(st, "example.agent.latency", 0.010 + (i % 50) / 1000.0, "route:/home");
    }
    dog_stats_gauge(st, "example.agent.queue", 42, NULL);
    /* Events and service checks go the same way (over DogStatsD: no API key either). */
    dog_status_t e = dog_stats_event_post(st, "example deploy", "version 1.2 rolled out", "route:/home", 0, NULL,
                                          NULL, NULL, NULL, "success");
    dog_status_t c = dog_stats_service_check_post(st, "example.agent.can_serve", DOG_CHECK_OK, "route:/home",
                                                  "serving", 0, NULL);
    if (e != DOG_OK || c != DOG_OK) {
        fprintf(stderr, "event: %s, service check: %s (%s)\n", dog_status_str((int)e), dog_status_str((int)c),
                dog_error_last());
    }
    dog_status_t s = dog_stats_stop(st, 5.0); /* sends everything, the current bucket included */
    uint64_t sent = 0, dropped_queue = 0, dropped_writer = 0;
    dog_stats_telemetry_get(st, DOG_STATS_DOGSTATSD_PACKETS_SENT, &sent);
    dog_stats_telemetry_get(st, DOG_STATS_DOGSTATSD_PACKETS_DROPPED_QUEUE, &dropped_queue);
    dog_stats_telemetry_get(st, DOG_STATS_DOGSTATSD_PACKETS_DROPPED_WRITER, &dropped_writer);
    printf("stop: %s; %llu DogStatsD packets sent, %llu dropped\n", dog_status_str((int)s),
           (unsigned long long)sent, (unsigned long long)(dropped_queue + dropped_writer));
    return s == DOG_OK && e == DOG_OK && c == DOG_OK ? 0 : 1;
}
