/* libdogapi quickstart: post an event, a metric and a service check, and print what came back.
 *
 * Configuration comes from the environment, as with dogapi:
 *   DD_API_KEY    your Datadog API key (required by Datadog; any value for a local intake)
 *   DD_APP_KEY    application key (not needed for these three calls)
 *   DD_SITE       datadoghq.com (default), datadoghq.eu, us3.datadoghq.com, ...
 *   DATADOG_HOST  explicit API host, e.g. http://127.0.0.1:8125 for a local intake
 *
 * Build:  cc -Iinclude examples-c/quickstart.c -Ltarget/release -ldogapi -o quickstart
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <unistd.h>

#include "dogapi.h"

/* Prints one call's outcome; returns 1 on failure so main can count them. */
static int report(const char *what, dog_status_t status, const dog_response_t *response) {
    printf("%-14s %-22s", what, dog_status_str(status));
    if (response != NULL) {
        const char *result = dog_response_result(response);
        printf(" HTTP %d  result: %s", dog_response_status(response), result ? result : "(none)");
    }
    if (status != DOG_OK) {
        printf("\n               error: %s", dog_error_last());
    }
    printf("\n");
    return status == DOG_OK ? 0 : 1;
}

int main(void) {
    char host[256] = "quickstart-host";
    dog_response_t *response = NULL;
    dog_status_t status;
    int failures = 0;

    /* NULL keys: DD_API_KEY / DD_APP_KEY from the environment. */
    dog_http_t *dog = dog_http_new(NULL, NULL);
    if (dog == NULL) {
        fprintf(stderr, "dog_http_new failed: %s\n", dog_error_last());
        return 1;
    }
    gethostname(host, sizeof host - 1);
    printf("libdogapi %s\n", dog_version());

    status = dog_event_post(dog, "libdogapi quickstart", "Hello from C through libdogapi.",
                            0 /* date_happened: now */, NULL /* handle */, "normal", 0 /* related event */,
                            "env:demo,lang:c", NULL /* host */, NULL /* device */, NULL /* aggregation key */,
                            NULL /* source type */, "{\"alert_type\":\"info\"}", &response);
    failures += report("event", status, response);
    if (status == DOG_OK) {
        printf("               event id: %s\n", dog_response_id(response));
    }
    dog_response_free(response);

    /* one value stamped now; host NULL = this machine */
    status = dog_metric_post(dog, "libdogapi.quickstart.runs", 1.0, NULL, NULL, "env:demo,lang:c", "count", &response);
    failures += report("metric", status, response);
    dog_response_free(response);

    status = dog_service_check_post(dog, "libdogapi.quickstart", host, DOG_CHECK_OK, 0 /* now */,
                                    "quickstart ran", "env:demo,lang:c", &response);
    failures += report("service check", status, response);
    dog_response_free(response);

    dog_http_free(dog);
    return failures == 0 ? 0 : 1;
}
