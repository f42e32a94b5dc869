// C++: the stats aggregator sending to the Datadog Agent over DogStatsD (no API key in the
// process; the Agent aggregates every process of the host).
//
//   DD_DOGSTATSD_URL=unix:///var/run/datadog/dsd.socket ./stats_agent_cpp   (or DD_AGENT_HOST=...)
//   ./stats_agent_cpp udp://127.0.0.1:8125                                   (the URL in code)
//
// The test suite runs it as `dog-intake run` with a DogStatsD listener (DD_DOGSTATSD_URL points
// there) and then reads the listener's totals (`GET /_intake/dogstatsd`) to check them.
#include <dogapi.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char **argv) {
    try {
        dogapi::stats st;
        dogapi::stats_options opts;
        if (argc > 1) opts.dogstatsd_url(argv[1]); // else DD_DOGSTATSD_URL / DD_AGENT_HOST, else HTTP
        st.start(opts.flush_in_thread(false));
        for (int i = 0; i < 100; i++) {
            st.increment("example.cpp.agent.requests", 1, "lang:cpp");
            st.histogram("example.cpp.agent.latency", 0.001 * i, "lang:cpp");
        }
        // Events and service checks go the same way (over DogStatsD: no API key either).
        std::error_code ev = st.event("example deploy", "from C++", "lang:cpp");
        std::error_code sc = st.service_check("example.cpp.agent.can_serve", DOG_CHECK_OK, "lang:cpp");
        if (ev || sc) {
            std::cerr << "event: " << ev.message() << ", service check: " << sc.message() << "\n";
            return 1;
        }
        st.stop(5); // sends everything, the current bucket included
        std::cout << "DogStatsD packets sent: " << st.telemetry(DOG_STATS_DOGSTATSD_PACKETS_SENT) << ", dropped: "
                  << st.telemetry(DOG_STATS_DOGSTATSD_PACKETS_DROPPED_QUEUE) +
                         st.telemetry(DOG_STATS_DOGSTATSD_PACKETS_DROPPED_WRITER)
                  << "\n";

        if (std::getenv("DOG_INTAKE_URL") && std::getenv("DD_DOGSTATSD_URL")) { // under the suite: verify
            dogapi::http dd;
            std::string seen = dd.request("GET", "/_intake/dogstatsd").body();
            if (seen.find("\"example.cpp.agent.requests|#lang:cpp\":100.0") == std::string::npos) {
                std::cerr << "the DogStatsD listener did not sum the counter: " << seen.substr(0, 300) << "\n";
                return 1;
            }
            std::cout << "the DogStatsD listener summed the counter\n";
        }
    } catch (const dogapi::error &e) {
        std::cerr << "dogapi: " << e.code().message() << ": " << e.what() << "\n";
        return 1;
    }
    return 0;
}
