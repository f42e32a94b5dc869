/* The HTTP client core from C, against the local intake: events, metrics, service checks,
 * the raw request escape hatch, responses, statuses for failures, backoff, argument checks. */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "dogtest.h"

static int log_lines = 0;
static void count_log(int level, const char *message, void *userdata) {
    (void)level;
    (void)message;
    *(int *)userdata += 1;
}

static void test_event(dog_http_t *h) {
    dog_response_t *r = NULL;
    const char *seen; /* never NULL: "" when the intake could not be read */
    dt_clear(h);
    CHECK_STATUS(dog_event_post(h, "Deploy finished", "build 42 is live", 1700000000, "ops", "low", 0,
                                "env:prod, role:web", "web-1", NULL, "deploy-42", "jenkins",
                                "{\"alert_type\":\"success\"}", &r),
                 DOG_OK);
    CHECK(r != NULL, "a response is handed out");
    CHECK(dog_response_status(r) == 202, "status %d", dog_response_status(r));
    CHECK(dog_response_id(r) != NULL && dog_response_id_int(r) > 0, "event id");
    CHECK(dog_response_result(r) != NULL && strcmp(dog_response_result(r), dog_response_id(r)) == 0,
          "result view is the event id (%s)", r && dog_response_result(r) ? dog_response_result(r) : "(none)");
    CHECK(strstr(dog_response_body(r), "\"event\"") != NULL, "raw body kept");
    {
        int64_t id = dog_response_id_int(r);
        dog_response_t *g = NULL;
        CHECK_STATUS(dog_event_get(h, id, &g), DOG_OK);
        CHECK(g && strstr(dog_response_result(g), "Deploy finished") != NULL, "get_event result is the event");
        dog_response_free(g);
    }
    dog_response_free(r);

    seen = dt_peek_requests(h, "/api/v1/events");
    CHECK(strstr(seen, "\"method\":\"POST\""), "POST recorded: %s", seen);
    CHECK(strstr(seen, "\"tags\":[\"env:prod\",\"role:web\"]"), "tags sent as an array: %s", seen);
    CHECK(strstr(seen, "\"alert_type\":\"success\""), "extra JSON merged");
    CHECK(strstr(seen, "\"dd-api-key\":\"test-api-key\""), "key in the header");
    CHECK(!strstr(seen, "api_key="), "key never in the URL");
    CHECK(dt_count(seen, "\"contract\":\"valid\"") == 1, "the event post is valid: %s", seen);

    r = NULL;
    CHECK_STATUS(dog_event_list(h, 1700000000, 1700003600, "normal", "jenkins,chef", "env:prod", &r), DOG_OK);
    CHECK(r && dog_response_result(r) && dog_response_result(r)[0] == '[', "stream result is the events list");
    dog_response_free(r);
}

static void test_metrics(dog_http_t *h) {
    /* points at most 1 h old and 10 min ahead are accepted: stamp them a minute ago */
    double t0 = (double)(time(NULL) - 60);
    dog_point_t pts[3] = {{t0, 1.5}, {t0 + 10, 2.5}, {t0 + 20, 3.5}};
    char batch[160], expect[128];
    dog_response_t *r = NULL;
    const char *seen; /* never NULL: "" when the intake could not be read */
    snprintf(batch, sizeof batch, "[{\"metric\":\"m.b\",\"points\":[[%.0f,1]],\"type\":\"rate\",\"interval\":10}]", t0);
    snprintf(expect, sizeof expect, "[[%.1f,1.5],[%.1f,2.5],[%.1f,3.5]]", t0, t0 + 10, t0 + 20);
    dt_clear(h);
    CHECK_STATUS(dog_metric_post(h, "app.requests", 12, NULL, NULL, "env:test", "count", &r), DOG_OK);
    CHECK(r && dog_response_status(r) == 202, "202 for series");
    dog_response_free(r);
    CHECK_STATUS(dog_metric_post_point(h, "app.temp", t0, 21.5, "h1", "sda", NULL, NULL, NULL), DOG_OK);
    CHECK_STATUS(dog_metric_post_points(h, "app.lat", pts, 3, "", NULL, "a,b", "gauge", NULL), DOG_OK);
    CHECK_STATUS(dog_metric_post_series(h, batch, NULL), DOG_OK);
    seen = dt_peek_requests(h, "/api/v1/series");
    CHECK(dt_count(seen, "\"contract\":\"valid\"") == 4, "4 valid series posts: %s", seen);
    CHECK(strstr(seen, expect), "points in order: %s", expect);
    CHECK(strstr(seen, "\"type\":\"count\""), "count type");
    CHECK(strstr(seen, "\"host\":\"\""), "empty host kept");
    CHECK(strstr(seen, "\"device\":\"sda\""), "device");
}

static void test_service_check(dog_http_t *h) {
    dog_response_t *r = NULL;
    const char *seen; /* never NULL: "" when the intake could not be read */
    dt_clear(h);
    CHECK_STATUS(dog_service_check_post(h, "app.ok", "web-1", DOG_CHECK_WARNING, 1700000000, "slow", "env:test", &r), DOG_OK);
    dog_response_free(r);
    CHECK_STATUS(dog_service_check_post(h, "app.ok", "web-1", 4, 0, NULL, NULL, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_service_check_post(h, "app.ok", "web-1", -1, 0, NULL, NULL, NULL), DOG_ERR_INVALID_ARGUMENT);
    seen = dt_peek_requests(h, "/api/v1/check_run");
    CHECK(dt_count(seen, "\"method\":\"POST\"") == 1, "invalid statuses sent nothing");
    CHECK(strstr(seen, "\"status\":1") && strstr(seen, "\"host_name\":\"web-1\""), "check body: %s", seen);
    CHECK(strstr(seen, "\"contract\":\"valid\""), "check body valid");
}

static void test_errors(dog_http_t *h) {
    dog_response_t *r = NULL;
    dt_clear(h);
    dt_fault(h, "{\"kind\":\"status\",\"code\":500,\"body\":\"<html>oops</html>\",\"count\":1}");
    CHECK_STATUS(dog_metric_post(h, "m", 1, NULL, NULL, NULL, NULL, &r), DOG_ERR_HTTP_STATUS);
    CHECK(r && dog_response_status(r) == 500 && strstr(dog_response_body(r), "oops"), "500 body handed out");
    CHECK(strstr(dog_error_last(), "500") != NULL, "last error names the status: %s", dog_error_last());
    CHECK(strstr(dog_error_last(), "test-api-key") == NULL, "no key in the error");
    dog_response_free(r);

    dt_fault(h, "{\"kind\":\"status\",\"code\":400,\"body\":\"{\\\"errors\\\":[\\\"bad thing\\\"]}\",\"count\":1}");
    CHECK_STATUS(dog_metric_post(h, "m", 1, NULL, NULL, NULL, NULL, &r), DOG_ERR_API);
    CHECK(strstr(dog_error_last(), "bad thing") != NULL, "API error text: %s", dog_error_last());
    dog_response_free(r);

    dt_fault(h, "{\"kind\":\"rate_limited\",\"retry_after\":\"7\",\"count\":1}");
    CHECK_STATUS(dog_metric_post(h, "m", 1, NULL, NULL, NULL, NULL, &r), DOG_ERR_RATE_LIMITED);
    CHECK(r && dog_response_header(r, "Retry-After") && strcmp(dog_response_header(r, "retry-after"), "7") == 0,
          "Retry-After readable");
    dog_response_free(r);

    dt_fault(h, "{\"kind\":\"reset\",\"count\":1}");
    CHECK_STATUS(dog_metric_post(h, "m", 1, NULL, NULL, NULL, NULL, &r), DOG_ERR_CONNECTION);
    CHECK(r == NULL, "no response when none arrived");

    /* swallow on (default): failures are logged, statuses stay truthful */
    log_lines = 0;
    CHECK_STATUS(dog_log_set_callback(count_log, DOG_LOG_ERROR, &log_lines), DOG_OK);
    dt_fault(h, "{\"kind\":\"status\",\"code\":503,\"body\":\"{}\",\"count\":1}");
    CHECK_STATUS(dog_metric_post(h, "m", 1, NULL, NULL, NULL, NULL, NULL), DOG_ERR_HTTP_STATUS);
    CHECK(log_lines == 1, "one error line logged, got %d", log_lines);
    CHECK_STATUS(dog_log_set_callback(NULL, DOG_LOG_ERROR, NULL), DOG_OK);
    dt_heal(h);
}

static void test_backoff(void) {
    dog_http_t *h = dt_client();
    int i;
    CHECK_STATUS(dog_http_set_timeout(h, 0.2), DOG_OK);
    CHECK_STATUS(dog_http_set_max_timeouts(h, 2), DOG_OK);
    CHECK_STATUS(dog_http_set_backoff_period(h, 0.5), DOG_OK);
    dt_fault(h, "{\"kind\":\"slow\",\"ms\":600,\"count\":2}");
    for (i = 0; i < 2; i++) {
        CHECK_STATUS(dog_metric_post(h, "m", 1, NULL, NULL, NULL, NULL, NULL), DOG_ERR_TIMEOUT);
    }
    CHECK_STATUS(dog_metric_post(h, "m", 1, NULL, NULL, NULL, NULL, NULL), DOG_ERR_BACKOFF);
    CHECK_STATUS(dog_metric_post(h, "m", 1, NULL, NULL, NULL, NULL, NULL), DOG_ERR_BACKOFF);
    {
        /* after the backoff period the next call is sent again (and resets the state) */
        struct timespec wait = {0, 600 * 1000 * 1000};
        nanosleep(&wait, NULL);
        CHECK_STATUS(dog_metric_post(h, "m", 1, NULL, NULL, NULL, NULL, NULL), DOG_OK);
        CHECK_STATUS(dog_metric_post(h, "m", 1, NULL, NULL, NULL, NULL, NULL), DOG_OK);
    }
    dog_http_free(h);
}

static void test_arguments(dog_http_t *h) {
    const char bad_utf8[] = {'m', (char)0xff, (char)0xfe, 0};
    CHECK_STATUS(dog_event_post(NULL, "t", "x", 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL), DOG_ERR_NULL_ARGUMENT);
    CHECK_STATUS(dog_event_post(h, NULL, "x", 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL), DOG_ERR_NULL_ARGUMENT);
    CHECK_STATUS(dog_event_post(h, "t", "x", 0, NULL, "urgent", 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_event_post(h, "t", "x", 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, "{not json", NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_event_post(h, "t", "x", 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, "[1]", NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_metric_post(h, bad_utf8, 1, NULL, NULL, NULL, NULL, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_metric_post(h, "m", 0.0 / 0.0, NULL, NULL, NULL, NULL, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_metric_post(h, "m", 1, NULL, NULL, NULL, "histogram", NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_metric_post_points(h, "m", NULL, 3, NULL, NULL, NULL, NULL, NULL), DOG_ERR_NULL_ARGUMENT);
    CHECK_STATUS(dog_metric_post_series(h, "{\"series\":[]}", NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_http_request(h, "TRACE", "events", NULL, NULL, NULL), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_http_set_api_host(h, "ftp://example.com"), DOG_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(dog_http_set_timeout(h, -1), DOG_ERR_INVALID_ARGUMENT);
    CHECK(strcmp(dog_status_str(12345), "DOG_ERR_UNKNOWN") == 0, "unknown status name");
    CHECK(strcmp(dog_version(), DOGAPI_VERSION_STRING) == 0, "version matches the header");
}

static void test_json_responses(dog_http_t *h) {
    dog_response_t *r = NULL;
    CHECK_STATUS(dog_http_set_json_responses(h, true), DOG_OK);
    CHECK_STATUS(dog_event_post(h, "t", "x", 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, &r), DOG_OK);
    CHECK(r && dog_response_result(r)[0] == '{' && strstr(dog_response_result(r), "\"status\""),
          "whole body as result: %s", r ? dog_response_result(r) : "");
    CHECK(dog_response_id(r) != NULL, "id still extracted");
    dog_response_free(r);
    CHECK_STATUS(dog_http_set_json_responses(h, false), DOG_OK);
}

static void test_connection_refused(void) {
    dog_http_t *h = dog_http_new("k", NULL);
    CHECK_STATUS(dog_http_set_api_host(h, "http://127.0.0.1:1"), DOG_OK);
    CHECK_STATUS(dog_metric_post(h, "m", 1, NULL, NULL, NULL, NULL, NULL), DOG_ERR_CONNECTION);
    /* https to a plain-HTTP port: the TLS handshake fails */
    CHECK_STATUS(dog_http_set_api_host(h, dt_intake_url() + strlen("http://")), DOG_OK);
    CHECK_STATUS(dog_metric_post(h, "m", 1, NULL, NULL, NULL, NULL, NULL), DOG_ERR_TLS);
    dog_http_free(h);
}

int main(void) {
    dog_http_t *h = dt_client();
    test_event(h);
    test_metrics(h);
    test_service_check(h);
    test_errors(h);
    test_json_responses(h);
    test_arguments(h);
    test_backoff();
    test_connection_refused();
    dog_http_free(h);
    dog_http_free(NULL);
    dog_response_free(NULL);
    return dt_finish("test_http");
}
