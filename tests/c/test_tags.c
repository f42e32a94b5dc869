/* Host tags and search through libdogapi against the local intake (run under
 * `dog-intake run --strict -- ./test_tags`). Prints "test_tags: N passed, N failed". */
#include "dogtest.h"

static dog_http_t *h;

static void test_tags(void) {
    dog_response_t *r = NULL;
    const char *s;

    dt_clear(h);
    CHECK(dog_tag_create(h, "c-web-1", "role:db,env:prod", "chef", &r) == DOG_OK);
    CHECK(dt_eq(dog_response_result(r), "[\"role:db\",\"env:prod\"]"));
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v1/tags/hosts/c-web-1");
    CHECK(dt_has(s, "\"method\":\"POST\""));
    CHECK(dt_has(s, "\"raw_query\":\"source=chef\""));
    CHECK(dt_has(s, "\"body\":{\"tags\":[\"role:db\",\"env:prod\"]}"));
    CHECK(dt_has(s, "\"contract\":\"valid\""));

    dt_clear(h);
    CHECK(dog_tag_update(h, "c-web-1", "role:cache", NULL, &r) == DOG_OK);
    CHECK(dt_eq(dog_response_result(r), "[\"role:cache\"]"));
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v1/tags/hosts/c-web-1");
    CHECK(dt_has(s, "\"method\":\"PUT\""));
    CHECK(dt_has(s, "\"raw_query\":\"\""));
    CHECK(dt_has(s, "\"contract\":\"valid\""));

    dt_clear(h);
    CHECK(dog_tag_get(h, "c-web-1", "chef", true, &r) == DOG_OK);
    CHECK(dt_eq(dog_response_result(r), "[\"role:cache\"]"));
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v1/tags/hosts/c-web-1");
    CHECK(dt_has(s, "\"method\":\"GET\""));
    CHECK(dt_has(s, "\"raw_query\":\"source=chef&by_source=true\""));

    dt_clear(h);
    CHECK(dog_tag_list(h, NULL, &r) == DOG_OK);
    CHECK(dt_has(dog_response_result(r), "\"role:cache\":[\"c-web-1\"]"));
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v1/tags/hosts");
    CHECK(dt_has(s, "\"method\":\"GET\""));

    dt_clear(h);
    CHECK(dog_tag_delete(h, "c-web-1", NULL, &r) == DOG_OK);
    CHECK(dog_response_status(r) == 204);
    CHECK(dog_response_result(r) == NULL);
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v1/tags/hosts/c-web-1");
    CHECK(dt_has(s, "\"method\":\"DELETE\""));

    /* json_responses: the whole body. */
    CHECK(dog_http_set_json_responses(h, true) == DOG_OK);
    CHECK(dog_tag_create(h, "c-web-2", "a:b", NULL, &r) == DOG_OK);
    CHECK(dt_has(dog_response_result(r), "\"host\":\"c-web-2\""));
    dog_response_free(r);
    CHECK(dog_http_set_json_responses(h, false) == DOG_OK);

    CHECK_404(h, dog_tag_list(h, NULL, &r404));
    CHECK_404(h, dog_tag_get(h, "c-web-2", NULL, false, &r404));
    CHECK_404(h, dog_tag_create(h, "c-web-2", "x", NULL, &r404));
    CHECK_404(h, dog_tag_update(h, "c-web-2", "x", NULL, &r404));
    CHECK_404(h, dog_tag_delete(h, "c-web-2", NULL, &r404));

    /* Bad arguments: nothing sent, no response. */
    dt_clear(h);
    r = NULL;
    CHECK(dog_tag_create(h, NULL, "x", NULL, &r) == DOG_ERR_NULL_ARGUMENT);
    CHECK(r == NULL);
    CHECK(dog_tag_get(h, "   ", NULL, false, &r) == DOG_ERR_INVALID_ARGUMENT);
    CHECK(r == NULL);
    CHECK(dt_eq(dt_peek_requests(h, "/api/v1/tags/hosts/%20%20%20"), "[]"));
}

static void test_search(void) {
    dog_response_t *r = NULL;
    const char *s;

    dog_tag_create(h, "c-search-host", "x:y", NULL, &r);
    dog_response_free(r);
    dt_clear(h);
    CHECK(dog_search_query(h, "hosts:c-search", &r) == DOG_OK);
    CHECK(dt_eq(dog_response_result(r), "{\"hosts\":[\"c-search-host\"]}"));
    dog_response_free(r);
    s = dt_peek_requests(h, "/api/v1/search");
    CHECK(dt_has(s, "\"raw_query\":\"q=hosts%3Ac-search\""));
    CHECK(dt_has(s, "\"contract\":\"no_body\""));
    CHECK_404(h, dog_search_query(h, "hosts:x", &r404));
    CHECK(dog_search_query(h, "", &r) == DOG_ERR_INVALID_ARGUMENT);
}

int main(void) {
    h = dt_client();
    test_tags();
    test_search();
    dog_http_free(h);
    return dt_finish("test_tags");
}
