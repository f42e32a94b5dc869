/* Comments through the C ABI (dog_comment_*, deprecated, /api/v1/comments).
 * Run under `dog-intake run --strict --`. */
#include "dogtest.h"

static dog_http_t *h;

int main(void) {
    dog_response_t *r = NULL;
    dog_status_t st;
    char *rec, *res, path[128], expect[128];
    long long id, reply;

    h = dt_client();

    st = dog_comment_post(h, "ops@example.com", "C comment", 0, &r);
    CHECK_STATUS(st, DOG_OK, "dog_comment_post");
    id = (long long)dog_response_id_int(r);
    CHECK(id > 0, "dog_comment_post gives the id");
    res = dt_take_result(r);
    CHECK(res != NULL && atoll(res) == id, "dog_comment_post result is the id (x['comment']['id'])");
    free(res);
    rec = dt_requests(h, "/api/v1/comments");
    CHECK(dt_has(rec, "\"method\":\"POST\""), "POST /api/v1/comments recorded");
    CHECK(dt_has(rec, "\"handle\":\"ops@example.com\"") && dt_has(rec, "\"message\":\"C comment\""), "handle and message sent");
    CHECK(!dt_has(rec, "related_event_id"), "related_event_id 0 is left out");
    CHECK(dt_has(rec, "\"contract\":\"not_in_spec\""), "/comments is not in today's spec");
    free(rec);

    st = dog_comment_post(h, NULL, "C reply", (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_comment_post reply");
    reply = (long long)dog_response_id_int(r);
    dog_response_free(r);
    CHECK(reply > 0 && reply != id, "the reply has its own id");
    rec = dt_requests(h, "/api/v1/comments");
    snprintf(expect, sizeof expect, "\"related_event_id\":%lld", id);
    CHECK(dt_has(rec, expect), "related_event_id sent");
    free(rec);

    snprintf(path, sizeof path, "/api/v1/comments/%lld", id);
    st = dog_comment_update(h, (int64_t)id, "ops@example.com", "C comment edited", &r);
    CHECK_STATUS(st, DOG_OK, "dog_comment_update");
    CHECK(dog_response_id_int(r) == id, "dog_comment_update gives the id");
    res = dt_take_result(r);
    CHECK(res != NULL && atoll(res) == id, "dog_comment_update result is the id");
    free(res);
    rec = dt_requests(h, path);
    CHECK(dt_has(rec, "\"method\":\"PUT\"") && dt_has(rec, "\"message\":\"C comment edited\""), "PUT /api/v1/comments/{id}");
    free(rec);

    st = dog_comment_post(h, "never sent", "", 0, &r);
    CHECK_STATUS(st, DOG_ERR_INVALID_ARGUMENT, "empty message");
    CHECK(r == NULL, "no response when nothing was sent");
    st = dog_comment_update(h, (int64_t)id, "never sent", NULL, &r);
    CHECK_STATUS(st, DOG_ERR_NULL_ARGUMENT, "NULL message");
    rec = dt_requests(h, "/api/v1/comments");
    CHECK(!dt_has(rec, "never sent"), "invalid calls sent nothing");
    free(rec);

    st = dog_comment_delete(h, (int64_t)id, &r);
    CHECK_STATUS(st, DOG_OK, "dog_comment_delete");
    dog_response_free(r);
    rec = dt_requests(h, path);
    CHECK(dt_has(rec, "\"method\":\"DELETE\""), "DELETE /api/v1/comments/{id} recorded");
    free(rec);

    dt_fault_404(h);
    st = dog_comment_post(h, NULL, "x", 0, &r);
    CHECK_API_ERROR(st, r, "dog_comment_post 404");
    dt_fault_404(h);
    st = dog_comment_update(h, 1, NULL, "x", &r);
    CHECK_API_ERROR(st, r, "dog_comment_update 404");
    dt_fault_404(h);
    st = dog_comment_delete(h, 1, &r);
    CHECK_API_ERROR(st, r, "dog_comment_delete 404");

    dog_http_free(h);
    return dt_finish("test_comments");
}
