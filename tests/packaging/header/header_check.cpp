// Header compile check (C++11, C++17, C++20 with -Wall -Wextra -Werror -pedantic): dogapi.h
// (extern "C") and the C++ layer dogapi.hpp. Compiled only, never run.
#include "dogapi.h"
#include "dogapi.hpp"
#include "dogapi.hpp" // include guard

#include <system_error>

static_assert(DOGAPI_VERSION_NUMBER >= 0, "version macro usable in constant expressions");
static_assert(sizeof(dog_status_t) == 4 && static_cast<dog_status_t>(-1) < 0, "dog_status_t is int32_t");

int header_check_cpp();

int header_check_cpp() {
    dog_http_t *raw = dog_http_new(nullptr, nullptr);
    dog_http_free(raw);
    std::error_code ec = dogapi::make_error_code(DOG_ERR_TLS);
    try {
        dogapi::http dd;
        dogapi::stats_options so;
        so.flush_interval(10).host("h");
        dogapi::response r = dd.metric_post("m", 1.0, dogapi::metric_options().tags("a:b"));
        return r.status() + static_cast<int>(ec.value() == DOG_ERR_TLS);
    } catch (const dogapi::error &e) {
        return static_cast<int>(e.status()) + e.http_status();
    }
}
