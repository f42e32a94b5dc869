/* Downtimes (v1 and the v2 replacement) and host mute/unmute through libdogapi against the
 * local intake (run under `dog-intake run --strict -- ./test_downtimes`). Prints
 * "test_downtimes: N passed, N failed". The v1 functions are deprecated
 * (-Wno-deprecated-declarations). */
#include "dogtest.h"

static dog_http_t *h;

static void test_v1(void) {
    dog_response_t *r = NULL;
    const char *s;
    char path[128], expect[64];
    int64_t id;

    dt_clear(h);
    CHECK(dog_downtime_schedule(h, "env:staging,role:db", 1900000000, 1900003600, "maintenance", &r) == DOG_OK);
    id = dog_response_id_int(r);
    CHECK(id > 0);
    snprintf(expect, sizeof expect, "%lld", (long long)id);
    CHECK(dt_eq(dog_response_result(r), expect));
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v1/downtime");
    CHECK(dt_has(s, "\"method\":\"POST\""));
    CHECK(dt_has(s, "\"scope\":[\"env:staging\",\"role:db\"]"));
    CHECK(dt_has(s, "\"start\":1900000000"));
    CHECK(dt_has(s, "\"contract\":\"valid\""));

    snprintf(path, sizeof path, "/api/v1/downtime/%lld", (long long)id);
    dt_clear(h);
    CHECK(dog_downtime_update(h, id, NULL, 0, 1900007200, NULL, &r) == DOG_OK);
    CHECK(dt_eq(dog_response_result(r), expect));
    dog_response_free(r);
    s = dt_peek_requests(h, path);
    CHECK(dt_has(s, "\"method\":\"PUT\""));
    CHECK(dt_has(s, "\"body\":{\"end\":1900007200}"));
    CHECK(dt_has(s, "\"contract\":\"valid\""));

    CHECK(dog_downtime_get(h, id, &r) == DOG_OK);
    CHECK(dt_has(dog_response_result(r), "\"message\":\"maintenance\""));
    dog_response_free(r);

    dt_clear(h);
    CHECK(dog_downtime_get_all(h, true, &r) == DOG_OK);
    CHECK(dt_has(dog_response_result(r), "\"scope\":[\"env:staging\",\"role:db\"]"));
    dog_response_free(r);
    CHECK(dt_has(dt_peek_requests(h, "/api/v1/downtime"), "\"raw_query\":\"current_only=true\""));

    CHECK(dog_http_set_json_responses(h, true) == DOG_OK);
    CHECK(dog_downtime_cancel(h, id, &r) == DOG_OK);
    CHECK(dt_eq(dog_response_result(r), "{}"));
    dog_response_free(r);
    CHECK(dog_http_set_json_responses(h, false) == DOG_OK);

    CHECK_404(h, dog_downtime_schedule(h, "env:a", 0, 0, NULL, &r404));
    CHECK_404(h, dog_downtime_update(h, 5, "env:a", 0, 0, NULL, &r404));
    CHECK_404(h, dog_downtime_get(h, 5, &r404));
    CHECK_404(h, dog_downtime_get_all(h, false, &r404));
    CHECK_404(h, dog_downtime_cancel(h, 5, &r404));

    dt_clear(h);
    r = NULL;
    CHECK(dog_downtime_schedule(h, " , ", 0, 0, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(dog_downtime_schedule(h, "env:a", 20, 10, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
    CHECK(dt_eq(dt_peek_requests(h, "/api/v1/downtime"), "[]"));
}

static void test_v2(void) {
    dog_response_t *r = NULL;
    const char *s;
    char id[128], path[192];

    dt_clear(h);
    CHECK(dog_downtime_v2_create(h, "env:prod", 0, "team:a", 1900000000, 0, "upgrade", &r) == DOG_OK);
    id[0] = '\0';
    if (dog_response_id(r) != NULL) {
        snprintf(id, sizeof id, "%s", dog_response_id(r));
    }
    CHECK(id[0] != '\0');
    CHECK(dt_has(dog_response_result(r), "\"type\":\"downtime\""));
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v2/downtime");
    CHECK(dt_has(s, "\"attributes\":{\"message\":\"upgrade\",\"monitor_identifier\":{\"monitor_tags\":[\"team:a\"]},"
                 "\"schedule\":{\"start\":\"2030-03-17T17:46:40Z\"},\"scope\":\"env:prod\"}"));
    CHECK(dt_has(s, "\"contract\":\"not_in_spec\""));

    snprintf(path, sizeof path, "/api/v2/downtime/%s", id);
    CHECK(dog_downtime_v2_get(h, id, &r) == DOG_OK);
    CHECK(dt_eq(dog_response_id(r), id));
    dog_response_free(r);

    dt_clear(h);
    CHECK(dog_downtime_v2_update(h, id, "env:staging", 0, NULL, 0, 0, NULL, &r) == DOG_OK);
    CHECK(dt_has(dog_response_result(r), "\"scope\":\"env:staging\""));
    dog_response_free(r);
    s = dt_peek_requests(h, path);
    CHECK(dt_has(s, "\"method\":\"PATCH\""));
    CHECK(dt_has(s, "\"id\":\""));
    CHECK(dt_has(s, "\"attributes\":{\"scope\":\"env:staging\"}"));

    dt_clear(h);
    CHECK(dog_downtime_v2_list(h, true, 0, 10, &r) == DOG_OK);
    CHECK(dt_has(dog_response_result(r), id));
    dog_response_free(r);
    CHECK(dt_has(dt_peek_requests(h, "/api/v2/downtime"), "\"raw_query\":\"current_only=true&page%5Blimit%5D=10\""));

    dt_clear(h);
    CHECK(dog_downtime_v2_cancel(h, id, &r) == DOG_OK);
    CHECK(dog_response_status(r) == 204);
    dog_response_free(r);
    CHECK(dt_has(dt_peek_requests(h, path), "\"method\":\"DELETE\""));

    CHECK_404(h, dog_downtime_v2_create(h, "*", 0, NULL, 0, 0, NULL, &r404));
    CHECK_404(h, dog_downtime_v2_get(h, "abc", &r404));
    CHECK_404(h, dog_downtime_v2_update(h, "abc", "*", 0, NULL, 0, 0, NULL, &r404));
    CHECK_404(h, dog_downtime_v2_cancel(h, "abc", &r404));
    CHECK_404(h, dog_downtime_v2_list(h, false, 0, 0, &r404));

    r = NULL;
    CHECK(dog_downtime_v2_create(h, "*", 3, "a:b", 0, 0, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(dog_downtime_v2_update(h, "abc", NULL, 0, NULL, 0, 0, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
}

static void test_hosts(void) {
    dog_response_t *r = NULL;
    const char *s;

    dt_clear(h);
    CHECK(dog_host_mute(h, "c-host-1", 1900000000, true, "deploying", &r) == DOG_OK);
    CHECK(dt_has(dog_response_result(r), "\"action\":\"Muted\""));
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v1/host/c-host-1/mute");
    CHECK(dt_has(s, "\"body\":{\"end\":1900000000,\"message\":\"deploying\",\"override\":true}"));
    CHECK(dt_has(s, "\"contract\":\"valid\""));

    dt_clear(h);
    CHECK(dog_host_unmute(h, "c-host-1", &r) == DOG_OK);
    CHECK(dt_has(dog_response_result(r), "\"action\":\"Unmuted\""));
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v1/host/c-host-1/unmute");
    CHECK(dt_has(s, "\"body\":null"));
    CHECK(dt_has(s, "\"contract\":\"no_body\""));

    CHECK_404(h, dog_host_mute(h, "c-host-1", 0, false, NULL, &r404));
    CHECK_404(h, dog_host_unmute(h, "c-host-1", &r404));
    CHECK(dog_host_mute(h, NULL, 0, false, NULL, &r) == DOG_ERR_NULL_ARGUMENT);
    CHECK(dog_host_mute(h, "c-host-1", -1, false, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
}

int main(void) {
    h = dt_client();
    test_v1();
    test_v2();
    test_hosts();
    dog_http_free(h);
    return dt_finish("test_downtimes");
}
