/* JSON-valued arguments: event extra fields, dashboard / monitor / screenboard / dash JSON,
 * dogapi's metrics batch and the request escape hatch's body. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    dog_http_t *h = fz_client();
    char *s = fz_str(data, size);
    dog_response_t *r = NULL;
    fz_check(dog_event_post(h, "t", "x", 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, s, &r), "dog_event_post");
    dog_response_free(r);
    fz_check(dog_dashboard_create(h, s, NULL), "dog_dashboard_create");
    fz_check(dog_dashboard_update(h, "abc-def-ghi", s, NULL), "dog_dashboard_update");
    fz_check(dog_monitor_create(h, "metric alert", "avg(last_5m):avg:x{*} > 1", "n", "m", s, NULL), "dog_monitor_create");
    fz_check(dog_dash_create(h, "t", "d", s, s, NULL), "dog_dash_create");
    fz_check(dog_metrics_post(h, s, NULL), "dog_metrics_post");
    fz_check(dog_http_request(h, "POST", "fuzz", NULL, s, NULL), "dog_http_request");
    free(s);
    return 0;
}
