/* Alerts through the C ABI (dog_alert_*, deprecated, /api/v1/alert, /mute_alerts,
 * /unmute_alerts). Run under `dog-intake run --strict --`. */
#include "dogtest.h"

static dog_http_t *h;

static const char *QUERY = "avg(last_5m):avg:system.load.1{*} > 4";

int main(void) {
    dog_response_t *r = NULL;
    dog_status_t st;
    char *rec, *res, path[128];
    long long id;

    h = dt_client();

    st = dog_alert_create(h, QUERY, "C alert", NULL, false, false, 0, &r);
    CHECK_STATUS(st, DOG_OK, "dog_alert_create");
    id = (long long)dog_response_id_int(r);
    CHECK(id > 0, "dog_alert_create gives the id");
    res = dt_take_result(r);
    CHECK(res != NULL && atoll(res) == id, "dog_alert_create result is the id (x['id'])");
    free(res);
    rec = dt_requests(h, "/api/v1/alert");
    CHECK(dt_has(rec, "\"method\":\"POST\""), "POST /api/v1/alert recorded");
    CHECK(dt_has(rec, "\"silenced\":false"), "silenced is always sent");
    CHECK(dt_has(rec, "\"name\":\"C alert\""), "name sent");
    CHECK(!dt_has(rec, "notify_no_data") && !dt_has(rec, "timeout_h"), "falsy options left out");
    CHECK(dt_has(rec, "\"contract\":\"not_in_spec\""), "/alert is not in today's spec");
    free(rec);

    snprintf(path, sizeof path, "/api/v1/alert/%lld", id);
    st = dog_alert_update(h, (int64_t)id, QUERY, "C alert v2", "@ops", true, true, 4, 1900000000, &r);
    CHECK_STATUS(st, DOG_OK, "dog_alert_update");
    CHECK(dog_response_id_int(r) == id, "dog_alert_update gives the id");
    dog_response_free(r);
    rec = dt_requests(h, path);
    CHECK(dt_has(rec, "\"method\":\"PUT\""), "PUT /api/v1/alert/{id} recorded");
    CHECK(dt_has(rec, "\"silenced_timeout_ts\":1900000000"), "silenced_timeout_ts is sent (dogapi's bug fixed)");
    CHECK(dt_has(rec, "\"timeout_h\":4") && dt_has(rec, "\"notify_no_data\":true") && dt_has(rec, "\"silenced\":true"), "options sent");
    free(rec);

    st = dog_alert_get(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_alert_get");
    res = dt_take_result(r);
    CHECK(dt_has(res, "C alert v2"), "dog_alert_get result is the raw alert");
    free(res);

    st = dog_alert_get_all(h, &r);
    CHECK_STATUS(st, DOG_OK, "dog_alert_get_all");
    res = dt_take_result(r);
    CHECK(res != NULL && res[0] == '[' && dt_has(res, "C alert v2"), "dog_alert_get_all result is the alerts list");
    free(res);

    st = dog_alert_mute_all(h, &r);
    CHECK_STATUS(st, DOG_OK, "dog_alert_mute_all");
    dog_response_free(r);
    rec = dt_requests(h, "/api/v1/mute_alerts");
    CHECK(dt_has(rec, "\"method\":\"POST\"") && dt_has(rec, "\"body\":null"), "POST /api/v1/mute_alerts without a body");
    free(rec);
    st = dog_alert_unmute_all(h, &r);
    CHECK_STATUS(st, DOG_OK, "dog_alert_unmute_all");
    dog_response_free(r);
    rec = dt_requests(h, "/api/v1/unmute_alerts");
    CHECK(dt_has(rec, "\"method\":\"POST\"") && dt_has(rec, "\"body\":null"), "POST /api/v1/unmute_alerts without a body");
    free(rec);

    st = dog_alert_create(h, "", NULL, NULL, false, false, 0, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "empty query");
    CHECK(r == NULL, "no response when nothing was sent");
    st = dog_alert_update(h, (int64_t)id, QUERY, "never sent", NULL, false, false, -1, 0, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "negative timeout_h");
    st = dog_alert_create(h, NULL, NULL, NULL, false, false, 0, &r);
    CHECK_STATUS(st, DOG_ERR_NULL_ARGUMENT, "NULL query");
    rec = dt_requests(h, path);
    CHECK(!dt_has(rec, "never sent"), "invalid calls sent nothing");
    free(rec);

    st = dog_alert_delete(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_alert_delete");
    dog_response_free(r);
    rec = dt_requests(h, path);
    CHECK(dt_has(rec, "\"method\":\"DELETE\""), "DELETE /api/v1/alert/{id} recorded");
    free(rec);

    dt_fault_404(h);
    st = dog_alert_create(h, QUERY, NULL, NULL, false, false, 0, &r);
    CHECK_API_ERROR(st, r, "dog_alert_create 404");
    dt_fault_404(h);
    st = dog_alert_update(h, 1, QUERY, NULL, NULL, false, false, 0, 0, &r);
    CHECK_API_ERROR(st, r, "dog_alert_update 404");
    dt_fault_404(h);
    st = dog_alert_get(h, 1, &r);
    CHECK_API_ERROR(st, r, "dog_alert_get 404");
    dt_fault_404(h);
    st = dog_alert_get_all(h, &r);
    CHECK_API_ERROR(st, r, "dog_alert_get_all 404");
    dt_fault_404(h);
    st = dog_alert_delete(h, 1, &r);
    CHECK_API_ERROR(st, r, "dog_alert_delete 404");
    dt_fault_404(h);
    st = dog_alert_mute_all(h, &r);
    CHECK_API_ERROR(st, r, "dog_alert_mute_all 404");
    dt_fault_404(h);
    st = dog_alert_unmute_all(h, &r);
    CHECK_API_ERROR(st, r, "dog_alert_unmute_all 404");

    dog_http_free(h);
    return dt_finish("test_alerts");
}
