/* Graph snapshots through the C ABI (dog_snapshot_create, dog_snapshot_create_from_def,
 * dog_snapshot_get_status). Run under `dog-intake run --strict --`. */
#include "dogtest.h"

static dog_http_t *h;

int main(void) {
    dog_response_t *r = NULL;
    dog_status_t st;
    char *rec, *res;

    h = dt_client();

    st = dog_snapshot_create(h, "avg:system.load.1{*}", 1700000000, 1700003600, "tags:deploy", &r);
    CHECK_STATUS(st, DOG_OK, "dog_snapshot_create");
    res = dt_take_result(r);
    CHECK(dt_has(res, "snapshot_url") && dt_has(res, "/snapshot/view/"), "dog_snapshot_create result is the raw answer");
    free(res);
    rec = dt_requests(h, "/api/v1/graph/snapshot");
    CHECK(dt_has(rec, "\"metric_query\":\"avg:system.load.1{*}\""), "metric_query sent");
    CHECK(dt_has(rec, "\"start\":\"1700000000\"") && dt_has(rec, "\"end\":\"1700003600\""), "start and end sent");
    CHECK(dt_has(rec, "\"event_query\":\"tags:deploy\""), "event_query sent");
    CHECK(dt_has(rec, "\"contract\":\"no_body\""), "described by the spec, required query present");
    free(rec);

    st = dog_snapshot_create_from_def(h, "{ \"requests\": [ {\"q\": \"avg:c.def{*}\"} ] }", 100, 200, &r);
    CHECK_STATUS(st, DOG_OK, "dog_snapshot_create_from_def");
    res = dt_take_result(r);
    CHECK(dt_has(res, "snapshot_url"), "dog_snapshot_create_from_def result is the raw answer");
    free(res);
    rec = dt_requests(h, "/api/v1/graph/snapshot");
    CHECK(dt_has(rec, "\"graph_def\":\"{\\\"requests\\\":[{\\\"q\\\":\\\"avg:c.def{*}\\\"}]}\""), "graph_def sent on one line");
    free(rec);

    st = dog_snapshot_get_status(h, "https://p.datadoghq.com/snapshot/view/dd-snapshots-prod/org_1/2015-01-01/abc.png", &r);
    CHECK_STATUS(st, DOG_OK, "dog_snapshot_get_status");
    res = dt_take_result(r);
    CHECK(res != NULL && strcmp(res, "200") == 0, "dog_snapshot_get_status result is int(status_code)");
    free(res);
    rec = dt_requests(h, "/api/v1/graph/snapshot_status/dd-snapshots-prod/org_1/2015-01-01/abc");
    CHECK(dt_has(rec, "\"method\":\"GET\""), "the snapshot URL is rewritten like dogapi");
    CHECK(dt_has(rec, "\"contract\":\"not_in_spec\""), "snapshot_status is not in today's spec");
    free(rec);

    st = dog_snapshot_get_status(h, "https://app.datadoghq.com/s/f12345678/aaa-bbb-ccc", &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "URL without /snapshot/view/");
    CHECK(r == NULL, "no response when nothing was sent");
    st = dog_snapshot_create(h, "avg:never.sent{*}", 200, 100, NULL, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "end before start");
    st = dog_snapshot_create_from_def(h, "{\"requests\":", 1, 2, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "malformed graph_def JSON");
    st = dog_snapshot_create_from_def(h, "[\"never.sent\"]", 1, 2, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "graph_def must be an object");
    st = dog_snapshot_create(h, NULL, 1, 2, NULL, &r);
    CHECK_STATUS(st, DOG_ERR_NULL_ARGUMENT, "NULL metric_query");
    rec = dt_requests(h, "/api/v1/graph/snapshot");
    CHECK(!dt_has(rec, "never.sent"), "invalid calls sent nothing");
    free(rec);

    dt_fault_404(h);
    st = dog_snapshot_create(h, "avg:system.load.1{*}", 1, 2, NULL, &r);
    CHECK_API_ERROR(st, r, "dog_snapshot_create 404");
    dt_fault_404(h);
    st = dog_snapshot_create_from_def(h, "{}", 1, 2, &r);
    CHECK_API_ERROR(st, r, "dog_snapshot_create_from_def 404");
    dt_fault_404(h);
    st = dog_snapshot_get_status(h, "https://p.datadoghq.com/snapshot/view/x/y.png", &r);
    CHECK_API_ERROR(st, r, "dog_snapshot_get_status 404");

    dog_http_free(h);
    return dt_finish("test_snapshots");
}
