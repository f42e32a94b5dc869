// Header compile check (C++11, C++17, C++20 with -Wall -Wextra -Werror -pedantic): dogapi.h
// (extern "C") and the C++ layer dogapi.hpp. Compiled only, never run.
#include "dogapi.h"
#include "dogapi.hpp"
#include "dogapi.hpp" // include guard

#include <system_error>

static_assert(DOGAPI_VERSION_NUMBER >= 0, "version macro usable in constant expressions");

int header_check_cpp();

int header_check_cpp() {
    dog_http_t *raw = dog_http_new(nullptr, nullptr);
    dog_http_free(raw);
    std::error_code ec = DOG_ERR_TLS;
    try {
        dogapi::http dd;
        dogapi::response r = dd.metric_post("m", 1.0, dogapi::metric_options().tags("a:b"));
        return r.status() + static_cast<int>(ec == DOG_ERR_TLS);
    } catch (const dogapi::error &e) {
        return static_cast<int>(e.status()) + e.http_status();
    }
}
