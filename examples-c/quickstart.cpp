// C++ quickstart: post an event and a metric with the header-only C++ layer (dogapi.hpp).
//
//   c++ -std=c++17 quickstart.cpp $(pkg-config --cflags --libs dogapi) -o quickstart_cpp
//   DD_API_KEY=... ./quickstart_cpp
//
// Under the test suite it runs against the local intake (DATADOG_HOST points there), and then
// reads back what the intake recorded (`GET /_intake/requests`) to check that both arrived.
#include <dogapi.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

int main() {
    try {
        dogapi::http dd; // keys from DD_API_KEY / DD_APP_KEY, host from DATADOG_HOST / DD_SITE
        dd.set_timeout(10);

        dogapi::response ev = dd.event_post(
            "C++ quickstart", "Hello from dogapi.hpp",
            dogapi::event_options().tags(dogapi::join_tags({"lang:cpp", "example:quickstart"})));
        std::cout << "event posted, id " << ev.id() << " (HTTP " << ev.status() << ")\n";

        dd.metric_post("example.cpp.requests", 17, dogapi::metric_options().tags("lang:cpp").type("count"));
        std::cout << "metric posted\n";

        if (std::getenv("DOG_INTAKE_URL")) { // running against the local intake: verify
            std::string seen = dd.request("GET", "/_intake/requests").body();
            if (seen.find("C++ quickstart") == std::string::npos ||
                seen.find("example.cpp.requests") == std::string::npos) {
                std::cerr << "the intake did not record the event and the metric\n";
                return 1;
            }
            std::cout << "the intake received both\n";
        }
    } catch (const dogapi::error &e) {
        std::cerr << "dogapi: " << e.code().message() << ": " << e.what() << "\n";
        return 1;
    }
    return 0;
}
