// C++ consumer of an installed libdogapi, through the header-only layer dogapi.hpp.
#include <dogapi.hpp>

#include <iostream>

int main() {
    try {
        dogapi::http dd;
        dd.event_post("consumer event", "from a C++ consumer", dogapi::event_options().tags("lang:cpp"));
        dd.metric_post("consumer.cpp.metric", 1.0, dogapi::metric_options().tags("lang:cpp"));
        std::string seen = dd.request("GET", "/_intake/requests").body();
        if (seen.find("consumer event") == std::string::npos || seen.find("consumer.cpp.metric") == std::string::npos) {
            std::cerr << "the intake did not record the event and the metric\n";
            return 1;
        }
    } catch (const dogapi::error &e) {
        std::cerr << e.code().message() << ": " << e.what() << "\n";
        return 1;
    }
    std::cout << "consumer (C++, libdogapi " << dogapi::version() << "): OK\n";
    return 0;
}
