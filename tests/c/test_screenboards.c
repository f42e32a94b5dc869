/* Screenboards through the C ABI (dog_screenboard_*, deprecated, /api/v1/screen).
 * Run under `dog-intake run --strict --`. */
#include "dogtest.h"

static dog_http_t *h;

static const char *BOARD =
    "{\"board_title\":\"C screen\",\"widgets\":[{\"type\":\"free_text\",\"text\":\"hi\",\"x\":1,\"y\":2}]}";

int main(void) {
    dog_response_t *r = NULL;
    dog_status_t st;
    char *rec, *res, path[128];
    long long id;

    h = dt_client();

    st = dog_screenboard_create(h, BOARD, &r);
    CHECK_STATUS(st, DOG_OK, "dog_screenboard_create");
    id = (long long)dog_response_id_int(r);
    CHECK(id > 0, "dog_screenboard_create gives the board id");
    res = dt_take_result(r);
    CHECK(dt_has(res, "\"board_title\":\"C screen\""), "dog_screenboard_create result is the raw answer");
    free(res);
    rec = dt_requests(h, "/api/v1/screen");
    CHECK(dt_has(rec, "\"method\":\"POST\""), "POST /api/v1/screen recorded");
    CHECK(dt_has(rec, "\"text\":\"hi\""), "the description is the body");
    CHECK(dt_has(rec, "\"contract\":\"not_in_spec\""), "/screen is not in today's spec");
    free(rec);

    st = dog_screenboard_get(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_screenboard_get");
    res = dt_take_result(r);
    CHECK(dt_has(res, "C screen"), "dog_screenboard_get result is the board");
    free(res);
    snprintf(path, sizeof path, "/api/v1/screen/%lld", id);
    rec = dt_requests(h, path);
    CHECK(dt_has(rec, "\"method\":\"GET\""), "GET /api/v1/screen/{id} recorded");
    free(rec);

    st = dog_screenboard_get_all(h, &r);
    CHECK_STATUS(st, DOG_OK, "dog_screenboard_get_all");
    res = dt_take_result(r);
    CHECK(res != NULL && res[0] == '[' && dt_has(res, "C screen"), "dog_screenboard_get_all result is the screenboards list");
    free(res);

    st = dog_screenboard_update(h, (int64_t)id, "{\"board_title\":\"C screen v2\",\"widgets\":[]}", &r);
    CHECK_STATUS(st, DOG_OK, "dog_screenboard_update");
    CHECK(dog_response_id_int(r) == id, "dog_screenboard_update gives the id");
    res = dt_take_result(r);
    CHECK(dt_has(res, "C screen v2"), "dog_screenboard_update result is the raw answer");
    free(res);
    rec = dt_requests(h, path);
    CHECK(dt_has(rec, "\"method\":\"PUT\"") && dt_has(rec, "\"board_title\":\"C screen v2\""), "PUT /api/v1/screen/{id}");
    free(rec);

    st = dog_screenboard_share(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_screenboard_share");
    res = dt_take_result(r);
    CHECK(dt_has(res, "public_url"), "dog_screenboard_share result has the public url");
    free(res);
    snprintf(path, sizeof path, "/api/v1/screen/share/%lld", id);
    rec = dt_requests(h, path);
    CHECK(dt_has(rec, "\"method\":\"GET\""), "share uses GET, as dogapi does");
    free(rec);

    st = dog_screenboard_create(h, "{\"board_title\":", &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "malformed description JSON");
    CHECK(r == NULL, "no response when nothing was sent");
    st = dog_screenboard_update(h, (int64_t)id, "[\"not an object\"]", &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "description must be an object");
    st = dog_screenboard_create(h, NULL, &r);
    CHECK_STATUS(st, DOG_ERR_NULL_ARGUMENT, "NULL description");
    rec = dt_requests(h, "/api/v1/screen");
    CHECK(!dt_has(rec, "not an object"), "invalid calls sent nothing");
    free(rec);

    st = dog_screenboard_delete(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_screenboard_delete");
    res = dt_take_result(r);
    CHECK(dt_has(res, "\"id\""), "dog_screenboard_delete result is the raw answer");
    free(res);

    dt_fault_404(h);
    st = dog_screenboard_create(h, BOARD, &r);
    CHECK_API_ERROR(st, r, "dog_screenboard_create 404");
    dt_fault_404(h);
    st = dog_screenboard_get(h, 1, &r);
    CHECK_API_ERROR(st, r, "dog_screenboard_get 404");
    dt_fault_404(h);
    st = dog_screenboard_get_all(h, &r);
    CHECK_API_ERROR(st, r, "dog_screenboard_get_all 404");
    dt_fault_404(h);
    st = dog_screenboard_update(h, 1, BOARD, &r);
    CHECK_API_ERROR(st, r, "dog_screenboard_update 404");
    dt_fault_404(h);
    st = dog_screenboard_delete(h, 1, &r);
    CHECK_API_ERROR(st, r, "dog_screenboard_delete 404");
    dt_fault_404(h);
    st = dog_screenboard_share(h, 1, &r);
    CHECK_API_ERROR(st, r, "dog_screenboard_share 404");

    dog_http_free(h);
    return dt_finish("test_screenboards");
}
