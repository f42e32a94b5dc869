/* Monitors through libdogapi against the local intake (run under
 * `dog-intake run --strict -- ./test_monitors`). Prints "test_monitors: N passed, N failed".
 * The mute functions are deprecated (compile with -Wno-deprecated-declarations). */
#include "dogtest.h"

static dog_http_t *h;

static void test_crud(void) {
    dog_response_t *r = NULL;
    const char *s;
    char path[128], expect[128];
    int64_t id;

    dt_clear(h);
    CHECK(dog_monitor_create(h, "Metric Alert", "avg(last_5m):sum:system.net.bytes_rcvd{host:host0} > 100", "Bytes",
                             "@ops", "{\"notify_no_data\":true,\"no_data_timeframe\":20}", &r) == DOG_OK);
    id = dog_response_id_int(r);
    CHECK(id > 0);
    snprintf(expect, sizeof expect, "%lld", (long long)id);
    CHECK(dt_eq(dog_response_result(r), expect));
    CHECK(dt_eq(dog_response_id(r), expect));
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v1/monitor");
    CHECK(dt_has(s, "\"method\":\"POST\""));
    CHECK(dt_has(s, "\"type\":\"metric alert\""));
    CHECK(dt_has(s, "\"name\":\"Bytes\""));
    CHECK(dt_has(s, "\"options\":{\"no_data_timeframe\":20,\"notify_no_data\":true}"));
    CHECK(dt_has(s, "\"contract\":\"valid\""));

    snprintf(path, sizeof path, "/api/v1/monitor/%lld", (long long)id);
    dt_clear(h);
    CHECK(dog_monitor_update(h, id, "avg(last_5m):sum:system.net.bytes_rcvd{host:host0} > 200", NULL, NULL, NULL, &r) == DOG_OK);
    CHECK(dt_eq(dog_response_result(r), expect));
    dog_response_free(r);
    s = dt_peek_requests(h, path);
    CHECK(dt_has(s, "\"method\":\"PUT\""));
    CHECK(dt_has(s, "\"body\":{\"query\":\"avg(last_5m):sum:system.net.bytes_rcvd{host:host0} > 200\"}"));
    CHECK(dt_has(s, "\"contract\":\"valid\""));

    dt_clear(h);
    CHECK(dog_monitor_get(h, id, "alert,warn", &r) == DOG_OK);
    CHECK(dt_has(dog_response_result(r), "\"name\":\"Bytes\""));
    dog_response_free(r);
    s = dt_peek_requests(h, path);
    CHECK(dt_has(s, "\"raw_query\":\"group_states=alert%2Cwarn\""));

    dt_clear(h);
    CHECK(dog_monitor_list(h, "all", "host:host0", &r) == DOG_OK);
    CHECK(dt_has(dog_response_result(r), "\"name\":\"Bytes\""));
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v1/monitor");
    CHECK(dt_has(s, "\"raw_query\":\"group_states=all&tags=host%3Ahost0\""));

    /* Deprecated mute endpoints: dogapi's requests, gone from the spec. */
    dt_clear(h);
    CHECK(dog_monitor_mute(h, id, "host:web1", 1900000000, &r) == DOG_OK);
    CHECK(dt_has(dog_response_result(r), "\"silenced\":{\"host:web1\":1900000000}"));
    dog_response_free(r);
    snprintf(path, sizeof path, "/api/v1/monitor/%lld/mute", (long long)id);
    s = dt_peek_requests(h, path);
    CHECK(dt_has(s, "\"body\":{\"end\":1900000000,\"scope\":\"host:web1\"}"));
    CHECK(dt_has(s, "\"contract\":\"not_in_spec\""));

    dt_clear(h);
    CHECK(dog_monitor_unmute(h, id, NULL, &r) == DOG_OK);
    dog_response_free(r);
    snprintf(path, sizeof path, "/api/v1/monitor/%lld/unmute", (long long)id);
    s = dt_peek_requests(h, path);
    CHECK(dt_has(s, "\"body\":{}"));

    dt_clear(h);
    CHECK(dog_monitor_mute_all(h, &r) == DOG_OK);
    CHECK(dt_has(dog_response_result(r), "\"scope\":[\"*\"]"));
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v1/monitor/mute_all");
    CHECK(dt_has(s, "\"body\":null"));
    CHECK(dt_has(s, "\"contract\":\"not_in_spec\""));

    dt_clear(h);
    CHECK(dog_monitor_unmute_all(h, &r) == DOG_OK);
    CHECK(dog_response_result(r) == NULL);
    dog_response_free(r);
    CHECK(dt_has(dt_peek_requests(h, "/api/v1/monitor/unmute_all"), "\"method\":\"POST\""));

    /* Today's replacement: a v2 downtime for the monitor. */
    dt_clear(h);
    CHECK(dog_monitor_mute_downtime(h, id, NULL, 1900000000, "deploy", &r) == DOG_OK);
    CHECK(dog_response_id(r) != NULL);
    CHECK(dt_has(dog_response_result(r), "\"monitor_identifier\":{\"monitor_id\":"));
    if (dog_response_id(r) != NULL) {
        dog_response_t *c = NULL;
        CHECK(dog_downtime_v2_cancel(h, dog_response_id(r), &c) == DOG_OK);
        dog_response_free(c);
    }
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v2/downtime");
    CHECK(dt_has(s, "\"schedule\":{\"end\":\"2030-03-17T17:46:40Z\"}"));
    CHECK(dt_has(s, "\"scope\":\"*\""));

    CHECK(dog_http_set_json_responses(h, true) == DOG_OK);
    CHECK(dog_monitor_get(h, id, NULL, &r) == DOG_OK);
    CHECK(dt_has(dog_response_result(r), "\"query\":"));
    dog_response_free(r);
    CHECK(dog_http_set_json_responses(h, false) == DOG_OK);

    dt_clear(h);
    CHECK(dog_monitor_delete(h, id, &r) == DOG_OK);
    snprintf(expect, sizeof expect, "{\"deleted_monitor_id\":%lld}", (long long)id);
    CHECK(dt_eq(dog_response_result(r), expect));
    dog_response_free(r);
}

static void test_errors(void) {
    dog_response_t *r = NULL;

    CHECK_404(h, dog_monitor_create(h, "query alert", "avg(last_1m):avg:a{*} > 1", NULL, NULL, NULL, &r404));
    CHECK_404(h, dog_monitor_update(h, 7, "avg(last_1m):avg:a{*} > 1", NULL, NULL, NULL, &r404));
    CHECK_404(h, dog_monitor_get(h, 7, NULL, &r404));
    CHECK_404(h, dog_monitor_list(h, NULL, NULL, &r404));
    CHECK_404(h, dog_monitor_delete(h, 7, &r404));
    CHECK_404(h, dog_monitor_mute_all(h, &r404));
    CHECK_404(h, dog_monitor_unmute_all(h, &r404));
    CHECK_404(h, dog_monitor_mute(h, 7, NULL, 0, &r404));
    CHECK_404(h, dog_monitor_unmute(h, 7, NULL, &r404));
    CHECK_404(h, dog_monitor_mute_downtime(h, 7, NULL, 0, NULL, &r404));

    /* dogapi's client-side checks: nothing is sent. */
    dt_clear(h);
    CHECK(dog_monitor_create(h, "bogus", "q", NULL, NULL, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
    CHECK(dog_monitor_create(h, "query alert", "q", NULL, NULL, "{not json", &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(dog_monitor_create(h, "query alert", "q", NULL, NULL, "[1]", &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(dog_monitor_update(h, 7, NULL, NULL, NULL, "{", &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(dog_monitor_get(h, 0, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(dt_eq(dt_peek_requests(h, "/api/v1/monitor"), "[]"));
}

int main(void) {
    h = dt_client();
    test_crud();
    test_errors();
    dog_http_free(h);
    return dt_finish("test_monitors");
}
