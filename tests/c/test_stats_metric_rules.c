/* The stats recording calls apply Datadog's naming rules when a context is created (see
 * dog_metric_post in the header): names normalised or refused, tags normalised, valid ones
 * unchanged. Before: a name with a newline or of 1 MB was aggregated and sent. */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "stats_util.h"

int main(void) {
    dog_http_t *h = dt_client();
    dt_clear(h);
    setenv("DATADOG_HOST", dt_intake_url(), 1);
    setenv("DD_API_KEY", "test-api-key", 1);
    dog_stats_t *s = dog_stats_new();
    CHECK_STATUS(dog_stats_start(s, NULL), DOG_OK);
    char *mb = (char *)malloc((1 << 20) + 1);
    if (mb == NULL) {
        return 2;
    }
    memset(mb, 'a', 1 << 20);
    mb[1 << 20] = '\0';

    double ts = (double)time(NULL);
    for (int i = 0; i < 2; i++) { /* the second time through the same thread's cache path */
        CHECK_STATUS(dog_stats_increment(s, "bad\nname", 1, NULL), DOG_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(dog_stats_gauge(s, mb, 1, NULL), DOG_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(dog_stats_histogram(s, "9lives", 1, NULL), DOG_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(dog_stats_increment(s, "ok.name", 1, mb), DOG_ERR_INVALID_ARGUMENT);
        /* one timestamp: "now" could straddle a bucket boundary and give the context 2 series */
        CHECK_STATUS(dog_stats_increment_full(s, "stats.req-count", 1, "Env:Prod,bad tag!", ts, 1, NULL), DOG_OK);
        CHECK_STATUS(dog_stats_increment_full(s, "stats.req_count", 1, "bad_tag,Env:Prod", ts, 1, NULL),
                     DOG_OK); /* same context */
        CHECK_STATUS(dog_stats_gauge(s, "stats.valid", 5, "k:v,route:/home"), DOG_OK);
    }
    CHECK_STATUS(dog_stats_stop(s, 10.0), DOG_OK);
    const char *seen = dt_peek_requests(h, "/api/v1/series");
    CHECK(st_count(seen, "stats.req_count") == 1, "one normalised context: %s", seen);
    CHECK(st_value_at(seen, "stats.req_count", -1, 0) == 4, "4 increments in it");
    CHECK(dt_has(seen, "\"tags\":[\"Env:Prod\",\"bad_tag\"]"), "tags normalised, case kept: %s", seen);
    CHECK(dt_has(seen, "\"tags\":[\"k:v\",\"route:/home\"]"), "valid tags unchanged");
    CHECK(!dt_has(seen, "bad\\nname") && !dt_has(seen, "aaaaaaaaaaaaaaaa") && !dt_has(seen, "9lives"), "refused names not sent");
    free(mb);
    dog_stats_free(s);
    dog_http_free(h);
    return dt_finish("test_stats_metric_rules");
}
