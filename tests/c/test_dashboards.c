/* Dashboards through the C ABI: legacy timeboards (dog_dash_*, deprecated, /api/v1/dash) and
 * the modern dog_dashboard_* (/api/v1/dashboard). Run under `dog-intake run --strict --`. */
#include "dogtest.h"

static dog_http_t *h;

static const char *GRAPHS =
    "[{\"title\":\"CPU\",\"definition\":{\"events\":[],\"requests\":[{\"q\":\"avg:system.cpu.user{*}\"}],\"viz\":\"timeseries\"}}]";

static const char *DASHBOARD =
    "{\"title\":\"C dashboard\",\"layout_type\":\"ordered\",\"description\":\"from C\","
    "\"widgets\":[{\"definition\":{\"type\":\"note\",\"content\":\"hello from C\"}}],"
    "\"template_variables\":[{\"name\":\"host\",\"prefix\":\"host\"}]}";

static void legacy(void) {
    dog_response_t *r = NULL;
    dog_status_t st;
    char *rec, *res, path[128];
    long long id;

    st = dog_dash_create(h, "C timeboard", "made by test_dashboards", GRAPHS, "[\"foo\"]", &r);
    CHECK_STATUS(st, DOG_OK, "dog_dash_create");
    id = (long long)dog_response_id_int(r);
    CHECK(id > 0, "dog_dash_create gives the id");
    res = dt_take_result(r);
    CHECK(res != NULL && atoll(res) == id, "dog_dash_create result is the id (x['dash']['id'])");
    free(res);
    rec = dt_requests(h, "/api/v1/dash");
    CHECK(dt_has(rec, "\"method\":\"POST\""), "POST /api/v1/dash recorded");
    CHECK(dt_has(rec, "\"title\":\"C timeboard\""), "title sent");
    CHECK(dt_has(rec, "\"template_variables\":[\"foo\"]"), "template variables sent");
    CHECK(dt_has(rec, "\"viz\":\"timeseries\""), "graphs sent as JSON");
    CHECK(dt_has(rec, "\"contract\":\"not_in_spec\""), "/dash is not in today's spec");
    free(rec);

    st = dog_dash_get(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dash_get");
    res = dt_take_result(r);
    CHECK(dt_has(res, "\"title\":\"C timeboard\""), "dog_dash_get result is the dash object");
    free(res);
    snprintf(path, sizeof path, "/api/v1/dash/%lld", id);
    rec = dt_requests(h, path);
    CHECK(dt_has(rec, "\"method\":\"GET\""), "GET /api/v1/dash/{id} recorded");
    free(rec);

    st = dog_dash_get_all(h, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dash_get_all");
    res = dt_take_result(r);
    CHECK(res != NULL && res[0] == '[' && dt_has(res, "C timeboard"), "dog_dash_get_all result is the dashes list");
    free(res);

    st = dog_dash_update(h, (int64_t)id, "C timeboard v2", "updated", "[]", NULL, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dash_update");
    CHECK(dog_response_id_int(r) == id, "dog_dash_update gives the id");
    dog_response_free(r);
    rec = dt_requests(h, path);
    CHECK(dt_has(rec, "\"method\":\"PUT\"") && dt_has(rec, "\"title\":\"C timeboard v2\""), "PUT /api/v1/dash/{id} with the new title");
    CHECK(dt_has(rec, "\"template_variables\":[]"), "NULL template variables are sent as []");
    free(rec);

    st = dog_dash_create(h, "bad", "bad", "[{", NULL, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "malformed graphs JSON");
    CHECK(r == NULL, "no response when nothing was sent");
    st = dog_dash_create(h, "bad", "bad", "{}", NULL, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "graphs must be an array");
    st = dog_dash_update(h, (int64_t)id, "bad", "bad", "[]", "{\"x\":1}", &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "template variables must be an array");
    st = dog_dash_create(h, NULL, "bad", "[]", NULL, &r);
    CHECK_STATUS(st, DOG_ERR_NULL_ARGUMENT, "NULL title");
    rec = dt_requests(h, "/api/v1/dash");
    CHECK(!dt_has(rec, "\"title\":\"bad\""), "invalid calls sent nothing");
    free(rec);

    st = dog_dash_delete(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dash_delete");
    dog_response_free(r);
    rec = dt_requests(h, path);
    CHECK(dt_has(rec, "\"method\":\"DELETE\""), "DELETE /api/v1/dash/{id} recorded");
    free(rec);

    st = dog_dash_get(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_ERR_API, "dog_dash_get after delete");
    CHECK(r != NULL && dt_has(dog_response_body(r), "No dashboard matches"), "server error body readable");
    dog_response_free(r);

    dt_fault_404(h);
    st = dog_dash_get(h, 1, &r);
    CHECK_API_ERROR(st, r, "dog_dash_get 404");
    dt_fault_404(h);
    st = dog_dash_get_all(h, &r);
    CHECK_API_ERROR(st, r, "dog_dash_get_all 404");
    dt_fault_404(h);
    st = dog_dash_create(h, "t", "d", "[]", NULL, &r);
    CHECK_API_ERROR(st, r, "dog_dash_create 404");
    dt_fault_404(h);
    st = dog_dash_update(h, 1, "t", "d", "[]", NULL, &r);
    CHECK_API_ERROR(st, r, "dog_dash_update 404");
    dt_fault_404(h);
    st = dog_dash_delete(h, 1, &r);
    CHECK_API_ERROR(st, r, "dog_dash_delete 404");
}

static void modern(void) {
    dog_response_t *r = NULL;
    dog_status_t st;
    char *rec, *res, *fetched, id[64], path[128];

    st = dog_dashboard_create(h, DASHBOARD, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dashboard_create");
    CHECK(dog_response_id(r) != NULL, "dog_dashboard_create gives the id");
    snprintf(id, sizeof id, "%s", dog_response_id(r) ? dog_response_id(r) : "none");
    res = dt_take_result(r);
    CHECK(dt_has(res, "\"title\":\"C dashboard\""), "dog_dashboard_create result is the dashboard");
    free(res);
    rec = dt_requests(h, "/api/v1/dashboard");
    CHECK(dt_has(rec, "\"method\":\"POST\"") && dt_has(rec, "\"contract\":\"valid\""), "POST /api/v1/dashboard valid against the spec");
    CHECK(!dt_has(rec, "\"contract\":\"invalid\""), "no invalid dashboard body");
    free(rec);

    st = dog_dashboard_get(h, id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dashboard_get");
    fetched = dt_take_result(r);
    CHECK(dt_has(fetched, "\"layout_type\":\"ordered\""), "dog_dashboard_get result is the dashboard");
    snprintf(path, sizeof path, "/api/v1/dashboard/%s", id);
    rec = dt_requests(h, path);
    CHECK(dt_has(rec, "\"method\":\"GET\""), "GET /api/v1/dashboard/{id} recorded");
    free(rec);

    st = dog_dashboard_list(h, true, false, 50, 0, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dashboard_list");
    res = dt_take_result(r);
    CHECK(res != NULL && res[0] == '[' && dt_has(res, id), "dog_dashboard_list result is the dashboards list");
    free(res);
    rec = dt_requests(h, "/api/v1/dashboard");
    CHECK(dt_has(rec, "\"filter[shared]\":\"true\"") && dt_has(rec, "\"count\":\"50\""), "list filters in the query");
    free(rec);

    /* What get returned, read-only fields included, goes back through update. */
    st = dog_dashboard_update(h, id, fetched != NULL ? fetched : DASHBOARD, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dashboard_update");
    CHECK(dog_response_id(r) != NULL && strcmp(dog_response_id(r), id) == 0, "dog_dashboard_update gives the id");
    dog_response_free(r);
    free(fetched);
    rec = dt_requests(h, path);
    CHECK(dt_has(rec, "\"method\":\"PUT\"") && dt_has(rec, "\"contract\":\"valid\""), "PUT /api/v1/dashboard/{id} valid");
    CHECK(!dt_has(rec, "\"contract\":\"invalid\""), "read-only fields were dropped");
    free(rec);

    st = dog_dashboard_create(h, "{\"title\":\"x\",\"widgets\":[]}", &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "dashboard without layout_type");
    st = dog_dashboard_create(h, "{\"title\":", &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "malformed dashboard JSON");
    st = dog_dashboard_update(h, id, "[]", &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "dashboard must be an object");
    st = dog_dashboard_list(h, true, true, 0, 0, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "shared and deleted filters together");

    st = dog_dashboard_delete(h, id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_dashboard_delete");
    res = dt_take_result(r);
    CHECK(dt_has(res, "deleted_dashboard_id") && dt_has(res, id), "dog_dashboard_delete result");
    free(res);

    dt_fault_404(h);
    st = dog_dashboard_create(h, DASHBOARD, &r);
    CHECK_API_ERROR(st, r, "dog_dashboard_create 404");
    dt_fault_404(h);
    st = dog_dashboard_get(h, id, &r);
    CHECK_API_ERROR(st, r, "dog_dashboard_get 404");
    dt_fault_404(h);
    st = dog_dashboard_list(h, false, false, 0, 0, &r);
    CHECK_API_ERROR(st, r, "dog_dashboard_list 404");
    dt_fault_404(h);
    st = dog_dashboard_update(h, id, DASHBOARD, &r);
    CHECK_API_ERROR(st, r, "dog_dashboard_update 404");
    dt_fault_404(h);
    st = dog_dashboard_delete(h, id, &r);
    CHECK_API_ERROR(st, r, "dog_dashboard_delete 404");
}

int main(void) {
    h = dt_client();
    legacy();
    modern();
    dog_http_free(h);
    return dt_finish("test_dashboards");
}
