// Tests of the header-only C++ layer (include/dogapi.hpp), run under the local intake
// (`dog-intake run --strict -- test_dogapi_hpp`, which sets DATADOG_HOST).
#include "dogapi.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

static int failures = 0;
#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            ++failures;                                                              \
        }                                                                            \
    } while (0)

static_assert(!std::is_copy_constructible<dogapi::http>::value, "http is move-only");
static_assert(std::is_move_constructible<dogapi::http>::value, "http is movable");
static_assert(!std::is_copy_constructible<dogapi::response>::value, "response is move-only");
static_assert(std::is_nothrow_move_constructible<dogapi::response>::value, "response moves nothrow");
static_assert(std::is_base_of<std::system_error, dogapi::error>::value, "error is a system_error");

static void test_offline() {
    CHECK(dogapi::version() == DOGAPI_VERSION_STRING);
    CHECK(dogapi::join_tags({"env:prod", "role:db"}) == "env:prod,role:db");
    CHECK(dogapi::join_tags(std::vector<std::string>()) == "");

    static_assert(std::is_same<dog_status_t, std::int32_t>::value, "dog_status_t is a fixed-width integer");
    std::error_code ec = dogapi::make_error_code(DOG_ERR_TIMEOUT);
    CHECK(ec == dogapi::make_error_code(DOG_ERR_TIMEOUT));
    CHECK(ec != dogapi::make_error_code(DOG_ERR_TLS));
    CHECK(ec.value() == DOG_ERR_TIMEOUT);
    CHECK(std::string(ec.category().name()) == "dogapi");
    CHECK(ec.message() == "DOG_ERR_TIMEOUT");
    CHECK(!dogapi::make_error_code(DOG_OK));

    // stats options: range-checked setters that throw and leave the option unchanged
    static_assert(!std::is_copy_constructible<dogapi::stats_options>::value, "stats_options is move-only");
    dogapi::stats_options so;
    so.flush_interval(5).max_contexts(10);
    try {
        so.flush_interval(std::numeric_limits<double>::infinity());
        CHECK(false);
    } catch (const dogapi::error &e) {
        CHECK(e.status() == DOG_ERR_INVALID_ARGUMENT);
    }
    CHECK(dog_stats_options_set_max_payload_bytes(so.get(), 10) == DOG_ERR_INVALID_ARGUMENT);
    so.dogstatsd_url("unixgram:///tmp/dsd.sock").origin_detection(false).dogstatsd_telemetry(false).dogstatsd_url("");
    try {
        so.dogstatsd_url("tcp://agent:8125");
        CHECK(false);
    } catch (const dogapi::error &e) {
        CHECK(e.status() == DOG_ERR_INVALID_ARGUMENT);
    }
    try {
        so.dogstatsd_max_packet_bytes(10);
        CHECK(false);
    } catch (const dogapi::error &e) {
        CHECK(e.status() == DOG_ERR_INVALID_ARGUMENT);
    }

    dogapi::response empty;
    CHECK(!empty.valid());
    CHECK(empty.status() == 0);
    CHECK(empty.body().empty());
    CHECK(empty.header("Retry-After").empty());

    bool threw = false;
    try {
        dogapi::check(DOG_OK);
    } catch (...) {
        threw = true;
    }
    CHECK(!threw);
}

static dogapi::http make_client() {
    dogapi::http dd("fake-api-key", "fake-app-key");
    dd.set_timeout(10).set_swallow(false);
    return dd; // moved out
}

static void test_against_intake() {
    dogapi::http dd = make_client();
    CHECK(dd.get() != nullptr);
    dd.set_global_tags("hpp:client");

    dogapi::response ev = dd.event_post("hpp test event", "from dogapi.hpp",
                                        dogapi::event_options()
                                            .tags(dogapi::join_tags({"lang:cpp", "test:hpp"}))
                                            .priority("low")
                                            .extra_json("{\"alert_type\":\"info\"}"));
    CHECK(ev.valid());
    CHECK(ev.status() >= 200 && ev.status() < 300);
    CHECK(dd.request("GET", "/_intake/requests", "path=/api/v1/events").body().find("\"hpp:client\"") !=
          std::string::npos);

    dogapi::response moved = std::move(ev);
    CHECK(moved.valid());
    CHECK(!ev.valid()); // NOLINT(bugprone-use-after-move): moved-from is empty by contract

    dogapi::response m = dd.metric_post("hpp.test.metric", 42.5,
                                        dogapi::metric_options().host("hpp-host").tags("lang:cpp").type("count"));
    CHECK(m.status() >= 200 && m.status() < 300);

    std::vector<dog_point_t> pts;
    const double t0 = static_cast<double>(std::time(nullptr) - 60); // at most 1 h old is accepted
    dog_point_t p1 = {t0, 1.0}, p2 = {t0 + 10.0, 2.0};
    pts.push_back(p1);
    pts.push_back(p2);
    CHECK(dd.metric_post_points("hpp.test.points", pts, dogapi::metric_options().host("hpp-host")).status() / 100 == 2);
    const std::string series = "[{\"metric\":\"hpp.test.series\",\"points\":[[" +
                               std::to_string(static_cast<long long>(t0)) + ",1]]}]";
    CHECK(dd.metric_post_series(series).status() / 100 == 2);
    CHECK(dd.event_list(1700000000, 1700003600, nullptr, nullptr, "lang:cpp").status() / 100 == 2);

    // An invalid argument is detected before anything is sent: exception with the status.
    bool threw = false;
    try {
        dd.metric_post("hpp.test.bad", 1.0, dogapi::metric_options().type("bogus"));
    } catch (const dogapi::error &e) {
        threw = true;
        CHECK(e.status() == DOG_ERR_INVALID_ARGUMENT);
        CHECK(e.code() == dogapi::make_error_code(DOG_ERR_INVALID_ARGUMENT));
        CHECK(std::strlen(e.what()) > 0);
        CHECK(!e.response().valid());
        CHECK(e.http_status() == 0);
    }
    CHECK(threw);

    // Empty point list: rejected by the library, surfaced as an exception.
    threw = false;
    try {
        dd.metric_post_points("hpp.test.none", std::vector<dog_point_t>());
    } catch (const dogapi::error &e) {
        threw = true;
        CHECK(e.status() != DOG_OK);
    }
    CHECK(threw);

    // A server error keeps the response: make the intake answer 500 once (a body without an
    // `errors` key, so the status is DOG_ERR_HTTP_STATUS rather than DOG_ERR_API).
    dogapi::response f = dd.request("POST", "/_intake/fault", nullptr,
                                    "{\"kind\":\"status\",\"code\":500,\"body\":\"{\\\"message\\\":\\\"boom\\\"}\",\"count\":1}");
    CHECK(f.status() / 100 == 2);
    threw = false;
    try {
        dd.metric_post("hpp.test.fails", 1.0);
    } catch (const dogapi::error &e) {
        threw = true;
        CHECK(e.status() == DOG_ERR_HTTP_STATUS);
        CHECK(e.http_status() == 500);
        CHECK(e.response().body().find("boom") != std::string::npos);
        dogapi::error copy = e; // exceptions are copyable, the response is shared
        CHECK(copy.http_status() == 500);
    }
    CHECK(threw);

    // What arrived, as the intake recorded it.
    dogapi::response rec = dd.request("GET", "/_intake/requests");
    std::string body = rec.body();
    CHECK(body.find("hpp test event") != std::string::npos);
    CHECK(body.find("hpp.test.metric") != std::string::npos);
    CHECK(body.find("hpp.test.points") != std::string::npos);
    CHECK(body.find("hpp.test.bad") == std::string::npos);
}

static int timed_work(dogapi::stats &st) {
    dogapi::scoped_timer t(st, "hpp.stats.timed", "lang:cpp");
    return 7; // recorded on the way out
}

static void test_stats() {
    dogapi::stats st;
    // not started yet: recording reports DOG_ERR_NOT_STARTED instead of throwing
    CHECK(st.increment("hpp.stats.early").value() == DOG_ERR_NOT_STARTED);

    st.start(dogapi::stats_options().flush_in_thread(false).host("hpp-host").shutdown_timeout(10).global_tags(
        "hpp:global").flush_at_exit(false).max_distribution_values(2));
    CHECK(!st.increment("hpp.stats.count"));
    CHECK(!st.increment("hpp.stats.count", 2, "lang:cpp"));
    CHECK(!st.gauge("hpp.stats.gauge", 3.5, "lang:cpp"));
    CHECK(!st.histogram("hpp.stats.hist", 0.25));
    CHECK(!st.distribution("hpp.stats.dist", 0.5, "lang:cpp"));
    CHECK(!st.distribution("hpp.stats.dist", 1.5, "lang:cpp"));
    dogapi::point_options at;
    at.timestamp = 0;
    CHECK(!st.distribution("hpp.stats.dist", 2.5, "lang:cpp", at)); // over the cap of 2: dropped, counted
    dogapi::point_options half;
    half.sample_rate = 0.5;
    CHECK(!st.increment("hpp.stats.sampled", 1, nullptr, half));
    CHECK(st.gauge("hpp.stats.bad", std::numeric_limits<double>::quiet_NaN()) ==
          dogapi::make_error_code(DOG_ERR_INVALID_ARGUMENT));
    CHECK(timed_work(st) == 7);
    // events and service checks through the aggregator's sink (here the HTTP sink: synchronous)
    dogapi::stats_event_options ev;
    ev.alert_type = "success";
    CHECK(!st.event("hpp deploy", "done", "lang:cpp", ev));
    CHECK(!st.service_check("hpp.app.ok", DOG_CHECK_OK, "lang:cpp", "fine"));
    CHECK(st.service_check("hpp.app.ok", 7) == dogapi::make_error_code(DOG_ERR_INVALID_ARGUMENT));
    {
        dogapi::counter requests(st, "hpp.handle.count", "lang:cpp");
        dogapi::gauge depth(st, "hpp.handle.gauge");
        dogapi::histogram latency(st, "hpp.handle.hist", nullptr, "hpp-other-host");
        for (int i = 0; i < 3; i++) CHECK(!requests.add());
        CHECK(!depth.set(4));
        CHECK(!latency.record(0.5));
        dogapi::distribution sizes(st, "hpp.handle.dist");
        CHECK(!sizes.record(512));
        dogapi::counter moved_counter = std::move(requests);
        CHECK(!moved_counter.add(2));
        CHECK(requests.get() == nullptr); // NOLINT(bugprone-use-after-move)
        bool threw = false;
        try {
            dogapi::counter bad(st, "");
        } catch (const dogapi::error &) {
            threw = true;
        }
        CHECK(threw);
    }
    {
        dogapi::scoped_timer cancelled(st, "hpp.stats.cancelled");
        cancelled.cancel();
    }
    st.stop(10); // sends everything, the current bucket included

    auto t = st.telemetry();
    CHECK(t[DOG_STATS_PAYLOADS_SENT] >= 1);
    CHECK(t[DOG_STATS_SERIES_SENT] >= 4);
    CHECK(st.telemetry(DOG_STATS_SERIES_SENT) == t[DOG_STATS_SERIES_SENT]);
    CHECK(t[DOG_STATS_DROPPED_DISTRIBUTION_VALUES] == 1);

    dogapi::http dd("fake-api-key", nullptr);
    std::string body = dd.request("GET", "/_intake/requests", "path=/api/v1/series").body();
    CHECK(body.find("hpp.stats.count") != std::string::npos);
    CHECK(body.find("hpp.stats.gauge") != std::string::npos);
    CHECK(body.find("hpp.stats.hist") != std::string::npos);
    CHECK(body.find("hpp.stats.timed") != std::string::npos);
    CHECK(body.find("\"metric\":\"hpp.handle.count\",\"points\":[[") != std::string::npos);
    CHECK(body.find("hpp.handle.gauge") != std::string::npos);
    CHECK(body.find("hpp.handle.hist.count") != std::string::npos);
    CHECK(body.find("hpp.stats.cancelled") == std::string::npos);
    CHECK(body.find("hpp.stats.early") == std::string::npos);
    CHECK(body.find("\"hpp:global\"") != std::string::npos); // the global-tags option
    CHECK(body.find("hpp.stats.dist") == std::string::npos); // not a series
    body = dd.request("GET", "/_intake/requests", "path=/api/v1/distribution_points").body();
    CHECK(body.find("hpp.stats.dist") != std::string::npos);
    CHECK(body.find("hpp.handle.dist") != std::string::npos);
    CHECK(body.find("\"contract\":\"valid\"") != std::string::npos);
    body = dd.request("GET", "/_intake/requests", "path=/api/v1/events").body();
    CHECK(body.find("\"title\":\"hpp deploy\"") != std::string::npos);
    CHECK(body.find("\"alert_type\":\"success\"") != std::string::npos);
    CHECK(body.find("\"host\":\"hpp-host\"") != std::string::npos);
    body = dd.request("GET", "/_intake/requests", "path=/api/v1/check_run").body();
    CHECK(body.find("\"check\":\"hpp.app.ok\"") != std::string::npos);
    CHECK(body.find("\"message\":\"fine\"") != std::string::npos);

    dogapi::stats moved = std::move(st); // frees once, in moved's destructor
    CHECK(moved.get() != nullptr);
    CHECK(st.get() == nullptr); // NOLINT(bugprone-use-after-move)
}

int main() {
    test_offline();
    if (!std::getenv("DATADOG_HOST")) {
        std::fprintf(stderr, "DATADOG_HOST not set: run under `dog-intake run --strict -- %s`\n", "test_dogapi_hpp");
        return 1;
    }
    try {
        test_against_intake();
        test_stats();
    } catch (const dogapi::error &e) {
        std::fprintf(stderr, "unexpected dogapi::error: %s (%s, http %d)\n", e.what(), e.code().message().c_str(),
                     e.http_status());
        return 1;
    }
    if (failures) {
        std::fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    std::puts("test_dogapi_hpp: OK");
    return 0;
}
