/* Users through libdogapi against the local intake (run under
 * `dog-intake run --strict -- ./test_users`). Prints "test_users: N passed, N failed".
 * dog_user_invite is deprecated (-Wno-deprecated-declarations). */
#include "dogtest.h"

static dog_http_t *h;

static void test_invite(void) {
    dog_response_t *r = NULL;
    const char *s;

    dt_clear(h);
    CHECK(dog_user_invite(h, "a@example.com", &r) == DOG_OK);
    CHECK(dt_eq(dog_response_result(r), "[\"a@example.com\"]"));
    dog_response_free(r);
    CHECK(dog_user_invite(h, "a@example.com, b@example.org", &r) == DOG_OK);
    CHECK(dt_eq(dog_response_result(r), "[\"a@example.com\",\"b@example.org\"]"));
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v1/invite_users");
    CHECK(dt_has(s, "\"body\":{\"emails\":[\"a@example.com\"]}"));
    CHECK(dt_has(s, "\"body\":{\"emails\":[\"a@example.com\",\"b@example.org\"]}"));
    CHECK(dt_has(s, "\"contract\":\"not_in_spec\""));

    CHECK_404(h, dog_user_invite(h, "a@example.com", &r404));
    r = NULL;
    CHECK(dog_user_invite(h, "", &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(dog_user_invite(h, "nobody", &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
}

static void test_create(void) {
    dog_response_t *r = NULL;
    const char *s;

    /* The intake has no answer of its own for /api/v2/users: give it one. */
    CHECK(dog_http_request(h, "POST", "/_intake/response", NULL,
                           "{\"method\":\"POST\",\"path\":\"/api/v2/users\",\"status\":201,\"body\":"
                           "\"{\\\"data\\\":{\\\"type\\\":\\\"users\\\",\\\"id\\\":\\\"u-1\\\","
                           "\\\"attributes\\\":{\\\"email\\\":\\\"a@example.com\\\"}}}\"}",
                           &r) == DOG_OK);
    dog_response_free(r);
    dt_clear(h);
    CHECK(dog_user_create(h, "a@example.com", "Ann", NULL, &r) == DOG_OK);
    CHECK(dt_eq(dog_response_id(r), "u-1"));
    CHECK(dt_has(dog_response_result(r), "\"email\":\"a@example.com\""));
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v2/users");
    CHECK(dt_has(s, "\"body\":{\"data\":{\"attributes\":{\"email\":\"a@example.com\",\"name\":\"Ann\"},\"type\":\"users\"}}"));
    CHECK(dog_user_create(h, "a@x.com,b@y.com", NULL, NULL, &r) == DOG_ERR_INVALID_ARGUMENT);
}

int main(void) {
    h = dt_client();
    test_invite();
    test_create();
    dog_http_free(h);
    return dt_finish("test_users");
}
