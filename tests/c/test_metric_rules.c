/* Datadog's naming and timestamp rules on the metric and service check calls (header: see
 * dog_metric_post). Before: control bytes, newlines, 1 MB names and timestamps of ±1e18 were
 * accepted and sent. */
#include <time.h>

#include "dogtest.h"

static char *repeat(char c, size_t n) {
    char *s = (char *)malloc(n + 1);
    if (s == NULL) {
        exit(2);
    }
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

#define REFUSED(call) CHECK_STATUS(call, DOG_ERR_INVALID_ARGUMENT)

int main(void) {
    dog_http_t *h = dt_client();
    double now = (double)time(NULL);
    char *mb = repeat('a', 1 << 20);
    char *n200 = repeat('b', 200);
    char *n201 = repeat('b', 201);
    char *t201 = repeat('t', 201);
    dog_point_t far[1] = {{1e18, 1}};
    dog_point_t mixed[2] = {{now, 1}, {-1e18, 1}};
    char batch[256];
    dt_clear(h);

    /* Refused names: nothing is sent. */
    REFUSED(dog_metric_post(h, "app.\nrequests", 1, NULL, NULL, NULL, NULL, NULL));
    REFUSED(dog_metric_post(h, "app.\x01x", 1, NULL, NULL, NULL, NULL, NULL));
    REFUSED(dog_metric_post(h, mb, 1, NULL, NULL, NULL, NULL, NULL));
    REFUSED(dog_metric_post(h, n201, 1, NULL, NULL, NULL, NULL, NULL));
    REFUSED(dog_metric_post(h, "1app", 1, NULL, NULL, NULL, NULL, NULL));
    REFUSED(dog_metric_post(h, "", 1, NULL, NULL, NULL, NULL, NULL));
    REFUSED(dog_metric_post(h, "caf\xc3\xa9", 1, NULL, NULL, NULL, NULL, NULL));
    REFUSED(dog_metric_post(h, "app.ok", 1, NULL, NULL, t201, NULL, NULL));
    REFUSED(dog_service_check_post(h, "app\nok", "web-1", DOG_CHECK_OK, 0, NULL, NULL, NULL));
    REFUSED(dog_service_check_post(h, mb, "web-1", DOG_CHECK_OK, 0, NULL, NULL, NULL));
    REFUSED(dog_metrics_post(h, "[{\"metric\":\"a\\nb\",\"points\":[[0,1]]}]", NULL));
    REFUSED(dog_metrics_post(h, "[{\"points\":[[0,1]]}]", NULL));

    /* Refused timestamps: more than 1 h old or 10 min ahead. */
    REFUSED(dog_metric_post_point(h, "app.ts", 1e18, 1, NULL, NULL, NULL, NULL, NULL));
    REFUSED(dog_metric_post_point(h, "app.ts", -1e18, 1, NULL, NULL, NULL, NULL, NULL));
    REFUSED(dog_metric_post_point(h, "app.ts", now - 3700, 1, NULL, NULL, NULL, NULL, NULL));
    REFUSED(dog_metric_post_point(h, "app.ts", now + 700, 1, NULL, NULL, NULL, NULL, NULL));
    REFUSED(dog_metric_post_points(h, "app.ts", far, 1, NULL, NULL, NULL, NULL, NULL));
    REFUSED(dog_metric_post_points(h, "app.ts", mixed, 2, NULL, NULL, NULL, NULL, NULL));
    snprintf(batch, sizeof batch, "[{\"metric\":\"a\",\"points\":[[%.0f,1]]},{\"metric\":\"b\",\"points\":[[1e18,1]]}]", now);
    REFUSED(dog_metrics_post(h, batch, NULL));
    CHECK(dt_count(dt_peek_requests(h, "/api/v1/series"), "\"path\"") == 0, "nothing sent: %s", dt_peek_requests(h, "/api/v1/series"));
    CHECK(dt_count(dt_peek_requests(h, "/api/v1/check_run"), "\"path\"") == 0, "no check sent");

    /* Accepted: the limits, normalised names and tags, valid tags unchanged. */
    CHECK_STATUS(dog_metric_post(h, n200, 1, NULL, NULL, NULL, NULL, NULL), DOG_OK);
    CHECK_STATUS(dog_metric_post_point(h, "app.edge", now - 3500, 1, NULL, NULL, NULL, NULL, NULL), DOG_OK);
    CHECK_STATUS(dog_metric_post(h, "app.req-count/s", 1, NULL, NULL, "Env:Prod,path:/a/b,bad tag!,,!!", NULL, NULL), DOG_OK);
    snprintf(batch, sizeof batch, "[{\"metric\":\"batch name\",\"points\":[[%.0f,1]],\"tags\":[\"a b\",\"k:v\"]}]", now);
    CHECK_STATUS(dog_metrics_post(h, batch, NULL), DOG_OK);
    CHECK_STATUS(dog_service_check_post(h, "app ok", "web-1", DOG_CHECK_OK, 0, NULL, "x y", NULL), DOG_OK);
    const char *seen = dt_peek_requests(h, "/api/v1/series");
    CHECK(dt_has(seen, "\"metric\":\"app.req_count_s\""), "name normalised: %s", seen);
    CHECK(dt_has(seen, "\"tags\":[\"Env:Prod\",\"path:/a/b\",\"bad_tag\"]"), "tags normalised, valid ones unchanged: %s", seen);
    CHECK(dt_has(seen, "\"metric\":\"batch_name\"") && dt_has(seen, "\"tags\":[\"a_b\",\"k:v\"]"), "batch normalised");
    CHECK(dt_count(seen, "\"contract\":\"valid\"") == 4, "4 series posts");
    seen = dt_peek_requests(h, "/api/v1/check_run");
    CHECK(dt_has(seen, "\"check\":\"app_ok\"") && dt_has(seen, "\"x_y\""), "check name and tags normalised: %s", seen);

    free(mb);
    free(n200);
    free(n201);
    free(t201);
    dog_http_free(h);
    return dt_finish("test_metric_rules");
}
