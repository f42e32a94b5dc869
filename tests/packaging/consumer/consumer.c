/* Consumer of an installed libdogapi: posts an event and a metric to DATADOG_HOST (the local
 * intake under the tests) and checks they were recorded (GET /_intake/requests). */
#include <dogapi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, dog_status_t s) {
    fprintf(stderr, "%s: %s: %s\n", what, dog_status_str(s), dog_error_last());
    return 1;
}

int main(void) {
    dog_http_t *dd;
    dog_response_t *r = NULL;
    dog_status_t s;
    int ok;

    if (strcmp(dog_version(), DOGAPI_VERSION_STRING) != 0) {
        fprintf(stderr, "header %s but library %s\n", DOGAPI_VERSION_STRING, dog_version());
        return 1;
    }
    dd = dog_http_new(NULL, NULL);
    if (!dd) return fail("dog_http_new", DOG_ERR_INVALID_ARGUMENT);

    s = dog_event_post(dd, "consumer event", "from a C consumer", 0, NULL, NULL, 0, "lang:c", NULL, NULL,
                       NULL, NULL, NULL, &r);
    dog_response_free(r);
    r = NULL;
    if (s != DOG_OK) return fail("dog_event_post", s);

    s = dog_metric_post(dd, "consumer.c.metric", 1.0, NULL, NULL, "lang:c", NULL, NULL);
    if (s != DOG_OK) return fail("dog_metric_post", s);

    s = dog_http_request(dd, "GET", "/_intake/requests", NULL, NULL, &r);
    if (s != DOG_OK) return fail("GET /_intake/requests", s);
    ok = strstr(dog_response_body(r), "consumer event") && strstr(dog_response_body(r), "consumer.c.metric");
    dog_response_free(r);
    dog_http_free(dd);
    if (!ok) {
        fprintf(stderr, "the intake did not record the event and the metric\n");
        return 1;
    }
    printf("consumer (C, libdogapi %s): OK\n", dog_version());
    return 0;
}
