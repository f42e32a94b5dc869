/**
 * @file dogapi.hpp
 * @brief Header-only C++ layer over the libdogapi C API (dogapi.h). C++11 or later.
 *
 * What it adds, and nothing more:
 * - RAII handles: dogapi::http owns a `dog_http_t`, dogapi::response owns a `dog_response_t`.
 *   Both are move-only; the destructor frees.
 * - Errors as exceptions: every failed call throws dogapi::error, a `std::system_error` whose
 *   `code()` is the `dog_status_t` in dogapi::category() and whose `what()` is
 *   `dog_error_last()`. When the server answered (`DOG_ERR_HTTP_STATUS`, `DOG_ERR_API`,
 *   `DOG_ERR_RATE_LIMITED`, ...) the exception also carries the response (HTTP status, body,
 *   headers such as `Retry-After`).
 *   Code that prefers not to throw can call the C API directly and compare codes with
 *   dogapi::make_error_code: `ec == dogapi::make_error_code(DOG_ERR_TIMEOUT)` (`dog_status_t`
 *   is a plain `int32_t`, so it does not convert to `std::error_code` by itself).
 * - Optional arguments as small option objects with chained setters
 *   (`dogapi::event_options().tags("env:prod").priority("low")`), tags from a list
 *   (dogapi::join_tags).
 *
 * It links against the same library as C (`dogapi::dogapi` / `-ldogapi`); there is no C++
 * library to build. The handles are as thread-safe as the C ones: one dogapi::http may be used
 * from several threads at once; a dogapi::response belongs to one thread at a time.
 *
 * @code
 * dogapi::http dd;                                  // keys from DD_API_KEY / DD_APP_KEY
 * dd.set_timeout(5);
 * dogapi::response r = dd.event_post("Deploy", "v1.2 is out",
 *                                    dogapi::event_options().tags("env:prod,team:web"));
 * std::cout << "event id " << r.id() << "\n";
 * try {
 *     dd.metric_post("shop.orders", 3, dogapi::metric_options().type("count"));
 * } catch (const dogapi::error &e) {
 *     std::cerr << e.what() << " (" << e.code().message() << ")\n";
 * }
 * @endcode
 */
#ifndef DOGAPI_HPP
#define DOGAPI_HPP

#include "dogapi.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

/** C++ layer over libdogapi. */
namespace dogapi {

/** @cond DOGAPI_INTERNAL */
namespace detail {
/** A string that may be absent (passed to C as NULL). */
class opt_string {
public:
    opt_string() : set_(false) {}
    void assign(const char *s) {
        set_ = s != nullptr;
        value_ = s ? s : "";
    }
    void assign(const std::string &s) {
        set_ = true;
        value_ = s;
    }
    const char *c_str() const { return set_ ? value_.c_str() : nullptr; }

private:
    bool set_;
    std::string value_;
};

struct response_deleter {
    void operator()(dog_response_t *r) const noexcept { dog_response_free(r); }
};
struct http_deleter {
    void operator()(dog_http_t *h) const noexcept { dog_http_free(h); }
};
struct stats_options_deleter {
    void operator()(dog_stats_options_t *o) const noexcept { dog_stats_options_free(o); }
};

inline std::string to_string(const char *s) { return s ? std::string(s) : std::string(); }
} // namespace detail
/** @endcond */

/** The `std::error_category` of `dog_status_t` values (name `"dogapi"`). */
class status_category : public std::error_category {
public:
    const char *name() const noexcept override { return "dogapi"; }
    std::string message(int status) const override { return dog_status_str(status); }
};

/** The one instance of dogapi::status_category. */
inline const std::error_category &category() noexcept {
    static const status_category instance;
    return instance;
}

/** Makes a `std::error_code` (category dogapi::category()) from a status. */
inline std::error_code make_error_code(dog_status_t status) noexcept {
    return std::error_code(static_cast<int>(status), category());
}

/** Library version at run time (`"MAJOR.MINOR.PATCH"`). */
inline std::string version() { return dog_version(); }

/**
 * Joins tags into the comma-separated form the C API takes:
 * `join_tags({"env:prod", "role:db"})` is `"env:prod,role:db"`.
 */
inline std::string join_tags(std::initializer_list<std::string> tags) {
    std::string out;
    for (const std::string &t : tags) {
        if (!out.empty()) out += ',';
        out += t;
    }
    return out;
}

/** @copydoc join_tags(std::initializer_list<std::string>) */
inline std::string join_tags(const std::vector<std::string> &tags) {
    std::string out;
    for (const std::string &t : tags) {
        if (!out.empty()) out += ',';
        out += t;
    }
    return out;
}

/**
 * Owns one `dog_response_t` (freed by the destructor). Move-only. An empty response
 * (`!valid()`) answers like the C functions do for NULL: status 0, empty strings.
 */
class response {
public:
    response() noexcept {}
    /** Takes ownership of `r` (may be NULL). */
    explicit response(dog_response_t *r) noexcept : r_(r) {}

    /** True when it holds a response. */
    bool valid() const noexcept { return r_ != nullptr; }
    explicit operator bool() const noexcept { return valid(); }

    /** HTTP status code (`dog_response_status`); 0 when empty. */
    int status() const noexcept { return dog_response_status(r_.get()); }
    /** Raw body (`dog_response_body`). */
    std::string body() const {
        const char *b = dog_response_body(r_.get());
        return b ? std::string(b, dog_response_body_len(r_.get())) : std::string();
    }
    /** dogapi's return value as JSON text (`dog_response_result`); empty when none. */
    std::string result() const { return detail::to_string(dog_response_result(r_.get())); }
    /** Id of what the call created (`dog_response_id`); empty when none. */
    std::string id() const { return detail::to_string(dog_response_id(r_.get())); }
    /** Created id as an integer (`dog_response_id_int`); 0 when none. */
    std::int64_t id_int() const noexcept { return dog_response_id_int(r_.get()); }
    /** True when the response has header `name` (case-insensitive). */
    bool has_header(const std::string &name) const noexcept {
        return dog_response_header(r_.get(), name.c_str()) != nullptr;
    }
    /** Value of header `name` (case-insensitive); empty when absent. */
    std::string header(const std::string &name) const {
        return detail::to_string(dog_response_header(r_.get(), name.c_str()));
    }

    /** The C handle (still owned by this object). */
    dog_response_t *get() const noexcept { return r_.get(); }
    /** Gives up ownership; the caller frees with `dog_response_free()`. */
    dog_response_t *release() noexcept { return r_.release(); }

private:
    std::unique_ptr<dog_response_t, detail::response_deleter> r_;
};

/**
 * A failed call: `code()` is the `dog_status_t` (category dogapi::category()), `what()` the
 * detail from `dog_error_last()` captured when the call failed, and `response()` the server's
 * answer when one arrived (otherwise an empty response).
 */
class error : public std::system_error {
public:
    error(dog_status_t status, const std::string &detail,
          std::shared_ptr<dogapi::response> resp = nullptr)
        : std::system_error(dogapi::make_error_code(status), detail), status_(status), response_(std::move(resp)) {}

    /** The C status. */
    dog_status_t status() const noexcept { return status_; }
    /** The server's answer, when one arrived (HTTP status, body, headers). */
    const dogapi::response &response() const noexcept {
        static const dogapi::response none;
        return response_ ? *response_ : none;
    }
    /** HTTP status of the answer; 0 when no answer arrived. */
    int http_status() const noexcept { return response().status(); }

private:
    dog_status_t status_;
    std::shared_ptr<dogapi::response> response_; // shared: exceptions must be copyable
};

/** Throws dogapi::error for a failed status (`dog_error_last()` as the message). */
inline void check(dog_status_t status) {
    if (status != DOG_OK) throw error(status, detail::to_string(dog_error_last()));
}

/** @cond DOGAPI_INTERNAL */
namespace detail {
/** Wraps the response of a call; throws (with the response attached) when it failed. */
inline response finish(dog_status_t status, dog_response_t *raw) {
    response r(raw);
    if (status != DOG_OK) {
        std::string msg = to_string(dog_error_last());
        std::shared_ptr<dogapi::response> keep;
        if (r.valid()) keep = std::make_shared<dogapi::response>(std::move(r));
        throw error(status, msg, keep);
    }
    return r;
}
} // namespace detail
/** @endcond */

/** Optional fields of dogapi::http::event_post (see `dog_event_post`). Unset = omitted. */
class event_options {
public:
    /** POSIX seconds (0 / unset: the server uses now). */
    event_options &date_happened(std::int64_t t) { date_happened_ = t; return *this; }
    /** `"normal"` or `"low"`. */
    event_options &priority(const std::string &p) { priority_.assign(p); return *this; }
    /** Comma-separated tags (see dogapi::join_tags). */
    event_options &tags(const std::string &t) { tags_.assign(t); return *this; }
    event_options &handle(const std::string &h) { handle_.assign(h); return *this; }
    event_options &related_event_id(std::int64_t id) { related_event_id_ = id; return *this; }
    event_options &host(const std::string &h) { host_.assign(h); return *this; }
    event_options &device_name(const std::string &d) { device_name_.assign(d); return *this; }
    event_options &aggregation_key(const std::string &k) { aggregation_key_.assign(k); return *this; }
    event_options &source_type_name(const std::string &s) { source_type_name_.assign(s); return *this; }
    /** A JSON object merged into the body last, e.g. `{"alert_type":"error"}`. */
    event_options &extra_json(const std::string &j) { extra_json_.assign(j); return *this; }

private:
    friend class http;
    std::int64_t date_happened_ = 0;
    std::int64_t related_event_id_ = 0;
    detail::opt_string priority_, tags_, handle_, host_, device_name_, aggregation_key_,
        source_type_name_, extra_json_;
};

/** Optional fields of the metric calls (see `dog_metric_post`). Unset = the C default. */
class metric_options {
public:
    /** Host name (unset: this machine's host name; `""` is sent as is). */
    metric_options &host(const std::string &h) { host_.assign(h); return *this; }
    metric_options &device(const std::string &d) { device_.assign(d); return *this; }
    /** Comma-separated tags (see dogapi::join_tags). */
    metric_options &tags(const std::string &t) { tags_.assign(t); return *this; }
    /** `"gauge"` (default), `"count"` or `"rate"`. */
    metric_options &type(const std::string &t) { type_.assign(t); return *this; }

private:
    friend class http;
    detail::opt_string host_, device_, tags_, type_;
};

/**
 * The HTTP API client (dogapi's DogHttpApi): owns a `dog_http_t`. Move-only; safe to share
 * between threads (by reference). Every call throws dogapi::error on failure and returns the
 * dogapi::response on success.
 */
class http {
public:
    /**
     * `dog_http_new(api_key, application_key)`; NULL keys come from `DD_API_KEY` /
     * `DD_APP_KEY`. Throws dogapi::error (`DOG_ERR_INVALID_ARGUMENT`) when the client cannot
     * be created.
     */
    explicit http(const char *api_key = nullptr, const char *application_key = nullptr)
        : h_(dog_http_new(api_key, application_key)) {
        if (!h_) throw error(DOG_ERR_INVALID_ARGUMENT, detail::to_string(dog_error_last()));
    }
    /** Same, from std::string keys. */
    http(const std::string &api_key, const std::string &application_key)
        : http(api_key.c_str(), application_key.c_str()) {}

    /** The C handle (still owned by this object); use it for C functions not wrapped here. */
    dog_http_t *get() const noexcept { return h_.get(); }

    /** `dog_http_set_api_host`; NULL removes the explicit host. */
    http &set_api_host(const char *url) { check(dog_http_set_api_host(get(), url)); return *this; }
    /** `dog_http_set_site`. */
    http &set_site(const std::string &site) { check(dog_http_set_site(get(), site.c_str())); return *this; }
    /** `dog_http_set_api_version`. */
    http &set_api_version(const std::string &v) { check(dog_http_set_api_version(get(), v.c_str())); return *this; }
    /** `dog_http_set_timeout` (seconds). */
    http &set_timeout(double seconds) { check(dog_http_set_timeout(get(), seconds)); return *this; }
    /** `dog_http_set_max_timeouts`. */
    http &set_max_timeouts(int n) { check(dog_http_set_max_timeouts(get(), n)); return *this; }
    /** `dog_http_set_backoff_period` (seconds). */
    http &set_backoff_period(double seconds) { check(dog_http_set_backoff_period(get(), seconds)); return *this; }
    /** `dog_http_set_swallow`. */
    http &set_swallow(bool on) { check(dog_http_set_swallow(get(), on)); return *this; }
    /** `dog_http_set_use_ec2_instance_id`. */
    http &set_use_ec2_instance_id(bool on) { check(dog_http_set_use_ec2_instance_id(get(), on)); return *this; }
    /** `dog_http_set_json_responses`. */
    http &set_json_responses(bool on) { check(dog_http_set_json_responses(get(), on)); return *this; }
    /** `dog_http_set_proxy`; NULL: direct connections. */
    http &set_proxy(const char *proxy_url) { check(dog_http_set_proxy(get(), proxy_url)); return *this; }
    /** `dog_http_set_global_tags`: added to events and service checks; NULL clears. */
    http &set_global_tags(const char *tags) { check(dog_http_set_global_tags(get(), tags)); return *this; }

    /** `dog_event_post`: posts an event; `response::id()` is the event id. */
    response event_post(const std::string &title, const std::string &text,
                        const event_options &o = event_options()) {
        dog_response_t *r = nullptr;
        dog_status_t s = dog_event_post(get(), title.c_str(), text.c_str(), o.date_happened_,
                                        o.handle_.c_str(), o.priority_.c_str(), o.related_event_id_,
                                        o.tags_.c_str(), o.host_.c_str(), o.device_name_.c_str(),
                                        o.aggregation_key_.c_str(), o.source_type_name_.c_str(),
                                        o.extra_json_.c_str(), &r);
        return detail::finish(s, r);
    }
    /** `dog_event_get`: `result()` is the event object as JSON. */
    response event_get(std::int64_t event_id) {
        dog_response_t *r = nullptr;
        dog_status_t s = dog_event_get(get(), event_id, &r);
        return detail::finish(s, r);
    }
    /** `dog_event_list`: `result()` is the events array as JSON. NULL filters are omitted. */
    response event_list(std::int64_t start, std::int64_t end, const char *priority = nullptr,
                        const char *sources = nullptr, const char *tags = nullptr) {
        dog_response_t *r = nullptr;
        dog_status_t s = dog_event_list(get(), start, end, priority, sources, tags, &r);
        return detail::finish(s, r);
    }
    /** Old name of event_list(). */
    DOG_DEPRECATED("use event_list instead")
    response event_stream(std::int64_t start, std::int64_t end, const char *priority = nullptr,
                          const char *sources = nullptr, const char *tags = nullptr) {
        return event_list(start, end, priority, sources, tags);
    }

    /** `dog_metric_post`: one value stamped now. */
    response metric_post(const std::string &name, double value,
                         const metric_options &o = metric_options()) {
        dog_response_t *r = nullptr;
        dog_status_t s = dog_metric_post(get(), name.c_str(), value, o.host_.c_str(), o.device_.c_str(),
                                         o.tags_.c_str(), o.type_.c_str(), &r);
        return detail::finish(s, r);
    }
    /** `dog_metric_post_point`: one (POSIX timestamp, value) pair. */
    response metric_post_point(const std::string &name, double timestamp, double value,
                               const metric_options &o = metric_options()) {
        dog_response_t *r = nullptr;
        dog_status_t s = dog_metric_post_point(get(), name.c_str(), timestamp, value, o.host_.c_str(),
                                               o.device_.c_str(), o.tags_.c_str(), o.type_.c_str(), &r);
        return detail::finish(s, r);
    }
    /** `dog_metric_post_points`: several pairs as one series (at least one). */
    response metric_post_points(const std::string &name, const std::vector<dog_point_t> &points,
                                const metric_options &o = metric_options()) {
        dog_response_t *r = nullptr;
        dog_status_t s = dog_metric_post_points(get(), name.c_str(), points.empty() ? nullptr : points.data(),
                                                points.size(), o.host_.c_str(), o.device_.c_str(),
                                                o.tags_.c_str(), o.type_.c_str(), &r);
        return detail::finish(s, r);
    }
    /** `dog_metric_post_series`: a JSON array of series objects. */
    response metric_post_series(const std::string &series_json) {
        dog_response_t *r = nullptr;
        dog_status_t s = dog_metric_post_series(get(), series_json.c_str(), &r);
        return detail::finish(s, r);
    }
    /** Old name of metric_post_series(). */
    DOG_DEPRECATED("use metric_post_series instead")
    response metrics_post(const std::string &series_json) { return metric_post_series(series_json); }
    /** `dog_service_check_post`; `status` is `DOG_CHECK_OK`..`DOG_CHECK_UNKNOWN`, `timestamp` 0 = now. */
    response service_check_post(const std::string &check_name, const std::string &host, int status,
                                std::int64_t timestamp = 0, const char *message = nullptr,
                                const char *tags = nullptr) {
        dog_response_t *r = nullptr;
        dog_status_t s = dog_service_check_post(get(), check_name.c_str(), host.c_str(), status, timestamp,
                                                message, tags, &r);
        return detail::finish(s, r);
    }
    /**
     * `dog_http_request`: any request through the client. `query` (URL-encoded, without `?`) and
     * `body_json` may be NULL.
     */
    response request(const std::string &method, const std::string &path, const char *query = nullptr,
                     const char *body_json = nullptr) {
        dog_response_t *r = nullptr;
        dog_status_t s = dog_http_request(get(), method.c_str(), path.c_str(), query, body_json, &r);
        return detail::finish(s, r);
    }

private:
    std::unique_ptr<dog_http_t, detail::http_deleter> h_;
};

/**
 * Options of dogapi::stats::start: owns a `dog_stats_options_t` (move-only), starting at the
 * defaults of `dog_stats_options_new()`. Each setter calls the C setter of the same name and
 * throws dogapi::error (`DOG_ERR_INVALID_ARGUMENT`) for a value out of range, leaving the
 * option unchanged. Strings are copied. get() hands the C object to any C setter this class
 * does not wrap.
 */
class stats_options {
public:
    /** `dog_stats_options_new()`. Throws when it cannot be created. */
    stats_options() : o_(dog_stats_options_new()) {
        if (!o_) throw error(DOG_ERR_INTERNAL, detail::to_string(dog_error_last()));
    }
    stats_options &api_key(const std::string &k) { check(dog_stats_options_set_api_key(get(), k.c_str())); return *this; }
    stats_options &api_host(const std::string &h) { check(dog_stats_options_set_api_host(get(), h.c_str())); return *this; }
    stats_options &site(const std::string &s) { check(dog_stats_options_set_site(get(), s.c_str())); return *this; }
    stats_options &host(const std::string &h) { check(dog_stats_options_set_host(get(), h.c_str())); return *this; }
    stats_options &device(const std::string &d) { check(dog_stats_options_set_device(get(), d.c_str())); return *this; }
    /** Comma-separated tags added to every context, with DD_ENV, DD_SERVICE, DD_VERSION, DD_TAGS. */
    stats_options &global_tags(const std::string &t) { check(dog_stats_options_set_global_tags(get(), t.c_str())); return *this; }
    stats_options &flush_interval(double s) { check(dog_stats_options_set_flush_interval(get(), s)); return *this; }
    stats_options &roll_up_interval(double s) { check(dog_stats_options_set_roll_up_interval(get(), s)); return *this; }
    stats_options &use_ec2_instance_ids(bool on) { check(dog_stats_options_set_use_ec2_instance_ids(get(), on)); return *this; }
    /** false: nothing is sent until flush() or stop(). */
    stats_options &flush_in_thread(bool on) { check(dog_stats_options_set_flush_in_thread(get(), on)); return *this; }
    stats_options &disabled(bool on) { check(dog_stats_options_set_disabled(get(), on)); return *this; }
    stats_options &max_contexts(std::size_t n) { check(dog_stats_options_set_max_contexts(get(), n)); return *this; }
    stats_options &max_queued_bytes(std::size_t n) { check(dog_stats_options_set_max_queued_bytes(get(), n)); return *this; }
    stats_options &max_payload_bytes(std::size_t n) { check(dog_stats_options_set_max_payload_bytes(get(), n)); return *this; }
    stats_options &shutdown_timeout(double s) { check(dog_stats_options_set_shutdown_timeout(get(), s)); return *this; }
    /** dogapi::stats::global() (`dog_stats_default()`) only: flush at normal process exit (default on). */
    stats_options &flush_at_exit(bool on) { check(dog_stats_options_set_flush_at_exit(get(), on)); return *this; }
    stats_options &request_timeout(double s) { check(dog_stats_options_set_request_timeout(get(), s)); return *this; }
    /** The Datadog Agent over DogStatsD (`udp://host:port`, `unix:///path`, `unixgram://`,
     *  `unixstream://`); `""`: the HTTP API whatever the environment says. Unset: the
     *  environment decides (`DD_DOGSTATSD_URL`, `DD_AGENT_HOST`), else the HTTP API. */
    stats_options &dogstatsd_url(const std::string &u) { check(dog_stats_options_set_dogstatsd_url(get(), u.c_str())); return *this; }
    stats_options &origin_detection(bool on) { check(dog_stats_options_set_origin_detection(get(), on)); return *this; }
    stats_options &dogstatsd_telemetry(bool on) { check(dog_stats_options_set_dogstatsd_telemetry(get(), on)); return *this; }
    stats_options &dogstatsd_max_packet_bytes(std::size_t n) { check(dog_stats_options_set_dogstatsd_max_packet_bytes(get(), n)); return *this; }
    stats_options &max_distribution_values(std::size_t n) { check(dog_stats_options_set_max_distribution_values(get(), n)); return *this; }

    /** The C options (still owned by this object). */
    dog_stats_options_t *get() const noexcept { return o_.get(); }

private:
    std::unique_ptr<dog_stats_options_t, detail::stats_options_deleter> o_;
};

/** dogapi's optional point arguments (see `dog_stats_increment_full()`). */
struct point_options {
    /** POSIX seconds; 0: now. */
    double timestamp = 0;
    /** Keep the point with this probability (0 < rate <= 1); counts are scaled by 1/rate. */
    double sample_rate = 1;
    /** Host of this point; NULL: the aggregator's host. */
    const char *host = nullptr;
};

/** The optional arguments of `dog_stats_event_post()` (NULL / 0: unset). */
struct stats_event_options {
    /** POSIX seconds; 0: now. */
    int64_t date_happened = 0;
    /** `"normal"` or `"low"`. */
    const char *priority = nullptr;
    /** NULL: the host of the aggregator's series. */
    const char *host = nullptr;
    const char *aggregation_key = nullptr;
    const char *source_type_name = nullptr;
    /** `"info"`, `"success"`, `"warning"` or `"error"`. */
    const char *alert_type = nullptr;
};

/** The optional arguments of `dog_stats_service_check_post()` (NULL / 0: unset). */
struct stats_service_check_options {
    /** POSIX seconds; 0: now. */
    int64_t timestamp = 0;
    /** NULL: the host of the aggregator's series. */
    const char *host = nullptr;
};

/**
 * The stats aggregator (dogapi's DogStatsApi): owns a `dog_stats_t` (or refers to the
 * process-wide one, see global()). Move-only; share it between threads by reference.
 *
 * Error policy: start(), flush(), stop() and telemetry() throw dogapi::error. The recording
 * calls (increment, gauge, histogram, distribution, timers) are meant for hot paths: they never throw and
 * return a `std::error_code` instead (a dropped point is also counted in the telemetry); so do
 * event() and service_check().
 */
class stats {
public:
    /** `dog_stats_new()`: created, not started. Throws when it cannot be created. */
    stats() : s_(dog_stats_new()), owned_(true) {
        if (!s_) throw error(DOG_ERR_INTERNAL, detail::to_string(dog_error_last()));
    }
    /** The process-wide instance (`dog_stats_default()`); never freed. */
    static stats global() { return stats(dog_stats_default(), false); }

    stats(stats &&o) noexcept : s_(o.s_), owned_(o.owned_) { o.s_ = nullptr; }
    stats &operator=(stats &&o) noexcept {
        if (this != &o) {
            reset();
            s_ = o.s_;
            owned_ = o.owned_;
            o.s_ = nullptr;
        }
        return *this;
    }
    stats(const stats &) = delete;
    stats &operator=(const stats &) = delete;
    /** `dog_stats_free()`: stops (flushing within the shutdown timeout) and frees. */
    ~stats() { reset(); }

    /** The C handle (still owned by this object). */
    dog_stats_t *get() const noexcept { return s_; }

    /** `dog_stats_start()` with the defaults (background flushing every 10 s). */
    void start() { check(dog_stats_start(s_, nullptr)); }
    /** `dog_stats_start()` with `opts` (copied: `opts` may go away right after). */
    void start(const stats_options &opts) { check(dog_stats_start(s_, opts.get())); }
    /** `dog_stats_flush()`: sends finished buckets (timestamp 0: now). */
    void flush(double timestamp = 0) { check(dog_stats_flush(s_, timestamp)); }
    /** `dog_stats_stop()`: sends everything, the current bucket included (0: the option's timeout). */
    void stop(double timeout_seconds = 0) { check(dog_stats_stop(s_, timeout_seconds)); }
    /** Every telemetry value at once (`dog_stats_telemetry_read()`), indexed by
     *  `dog_stats_telemetry_id_t`: `st.telemetry()[DOG_STATS_SERIES_SENT]`. */
    std::array<uint64_t, DOG_STATS_TELEMETRY_COUNT> telemetry() const {
        std::array<uint64_t, DOG_STATS_TELEMETRY_COUNT> t{};
        check(dog_stats_telemetry_read(s_, t.data(), t.size()));
        return t;
    }
    /** One telemetry value (`dog_stats_telemetry_get()`). */
    uint64_t telemetry(dog_stats_telemetry_id_t id) const {
        uint64_t v = 0;
        check(dog_stats_telemetry_get(s_, id, &v));
        return v;
    }

    /** `dog_stats_increment()` (counter). `tags` comma-separated, NULL / "" for none. */
    std::error_code increment(const char *name, double value = 1, const char *tags = nullptr) noexcept {
        return dogapi::make_error_code(dog_stats_increment(s_, name, value, tags));
    }
    /** `dog_stats_increment_full()`. */
    std::error_code increment(const char *name, double value, const char *tags, const point_options &p) noexcept {
        return dogapi::make_error_code(dog_stats_increment_full(s_, name, value, tags, p.timestamp, p.sample_rate, p.host));
    }
    /** `dog_stats_gauge()` (last value wins). */
    std::error_code gauge(const char *name, double value, const char *tags = nullptr) noexcept {
        return dogapi::make_error_code(dog_stats_gauge(s_, name, value, tags));
    }
    /** `dog_stats_gauge_full()`. */
    std::error_code gauge(const char *name, double value, const char *tags, const point_options &p) noexcept {
        return dogapi::make_error_code(dog_stats_gauge_full(s_, name, value, tags, p.timestamp, p.sample_rate, p.host));
    }
    /** `dog_stats_histogram()` (min/max/avg/count/percentiles). */
    std::error_code histogram(const char *name, double value, const char *tags = nullptr) noexcept {
        return dogapi::make_error_code(dog_stats_histogram(s_, name, value, tags));
    }
    /** `dog_stats_histogram_full()`. */
    std::error_code histogram(const char *name, double value, const char *tags, const point_options &p) noexcept {
        return dogapi::make_error_code(dog_stats_histogram_full(s_, name, value, tags, p.timestamp, p.sample_rate, p.host));
    }
    /** `dog_stats_distribution()`: every value is sent, percentiles computed across hosts. */
    std::error_code distribution(const char *name, double value, const char *tags = nullptr) noexcept {
        return dogapi::make_error_code(dog_stats_distribution(s_, name, value, tags));
    }
    /** `dog_stats_distribution_full()` (a sampled value is kept once, unscaled). */
    std::error_code distribution(const char *name, double value, const char *tags, const point_options &p) noexcept {
        return dogapi::make_error_code(dog_stats_distribution_full(s_, name, value, tags, p.timestamp, p.sample_rate, p.host));
    }
    /** `dog_stats_event_post()`: an event through the aggregator's sink (the Agent over
     *  DogStatsD, no API key; or, synchronously, `POST /api/v1/events`). */
    std::error_code event(const char *title, const char *text = nullptr, const char *tags = nullptr,
                          const stats_event_options &o = stats_event_options()) noexcept {
        return dogapi::make_error_code(dog_stats_event_post(s_, title, text, tags, o.date_happened, o.priority, o.host,
                                                            o.aggregation_key, o.source_type_name, o.alert_type));
    }
    /** `dog_stats_service_check_post()`: `status` `DOG_CHECK_OK`..`DOG_CHECK_UNKNOWN`. */
    std::error_code service_check(const char *name, int32_t status, const char *tags = nullptr,
                                  const char *message = nullptr,
                                  const stats_service_check_options &o = stats_service_check_options()) noexcept {
        return dogapi::make_error_code(dog_stats_service_check_post(s_, name, status, tags, message, o.timestamp, o.host));
    }

private:
    stats(dog_stats_t *s, bool owned) noexcept : s_(s), owned_(owned) {}
    void reset() noexcept {
        if (s_ && owned_) dog_stats_free(s_);
        s_ = nullptr;
    }
    dog_stats_t *s_;
    bool owned_;
};

/** @cond DETAIL */
namespace detail {
/** A move-only owner of one pre-registered C handle `T` (new / record / free functions). */
template <class T, T *(*New)(dog_stats_t *, const char *, const char *, const char *),
          dog_status_t (*Record)(T *, double), void (*Free)(T *)>
class stats_handle {
public:
    /** Throws dogapi::error when the C constructor refuses (NULL stats/name, a bad name or tag). */
    stats_handle(stats &s, const char *name, const char *tags = nullptr, const char *host = nullptr)
        : h_(New(s.get(), name, tags, host)) {
        if (!h_) throw error(DOG_ERR_INVALID_ARGUMENT, detail::to_string(dog_error_last()));
    }
    stats_handle(stats_handle &&o) noexcept : h_(o.h_) { o.h_ = nullptr; }
    stats_handle &operator=(stats_handle &&o) noexcept {
        if (this != &o) {
            Free(h_);
            h_ = o.h_;
            o.h_ = nullptr;
        }
        return *this;
    }
    stats_handle(const stats_handle &) = delete;
    stats_handle &operator=(const stats_handle &) = delete;
    ~stats_handle() { Free(h_); }
    /** The C handle (still owned by this object). */
    T *get() const noexcept { return h_; }

protected:
    std::error_code record(double v) noexcept { return dogapi::make_error_code(Record(h_, v)); }

private:
    T *h_;
};
} // namespace detail
/** @endcond */

/**
 * A pre-registered counter (`dog_stats_counter_new_full()`): the name and tags are validated
 * and looked up once; add() is the cheapest way to count. Move-only, usable from any thread;
 * the destructor frees it. It may outlive its `stats` (add() then returns not_started).
 */
class counter : public detail::stats_handle<dog_stats_counter_t, dog_stats_counter_new_full, dog_stats_counter_add,
                                            dog_stats_counter_free> {
public:
    using stats_handle::stats_handle;
    /** `dog_stats_counter_add()`. */
    std::error_code add(double v = 1) noexcept { return record(v); }
};

/** A pre-registered gauge (`dog_stats_gauge_new_full()`), as dogapi::counter. */
class gauge : public detail::stats_handle<dog_stats_gauge_t, dog_stats_gauge_new_full, dog_stats_gauge_set,
                                          dog_stats_gauge_free> {
public:
    using stats_handle::stats_handle;
    /** `dog_stats_gauge_set()`. */
    std::error_code set(double v) noexcept { return record(v); }
};

/** A pre-registered histogram (`dog_stats_histogram_new_full()`), as dogapi::counter. */
class histogram : public detail::stats_handle<dog_stats_histogram_t, dog_stats_histogram_new_full,
                                              dog_stats_histogram_record, dog_stats_histogram_free> {
public:
    using stats_handle::stats_handle;
    /** `dog_stats_histogram_record()`. */
    std::error_code record(double v) noexcept { return stats_handle::record(v); }
};

/** A pre-registered distribution (`dog_stats_distribution_new_full()`), as dogapi::counter. */
class distribution : public detail::stats_handle<dog_stats_distribution_t, dog_stats_distribution_new_full,
                                                 dog_stats_distribution_record, dog_stats_distribution_free> {
public:
    using stats_handle::stats_handle;
    /** `dog_stats_distribution_record()`. */
    std::error_code record(double v) noexcept { return stats_handle::record(v); }
};

/**
 * Records the lifetime of a scope as a histogram point of `name` in seconds (dogapi's
 * `timed` / `timer`; the C++ form of `DOG_STATS_TIMED`), also when the scope is left by
 * `return` or an exception. `name` and `tags` are copied.
 *
 * @code
 * { dogapi::scoped_timer t(st, "db.query.time", "db:users"); run_query(); }
 * @endcode
 */
class scoped_timer {
public:
    scoped_timer(stats &s, std::string name, std::string tags = std::string())
        : s_(&s), name_(std::move(name)), tags_(std::move(tags)), t_(dog_stats_timer_start()), active_(true) {}
    scoped_timer(const scoped_timer &) = delete;
    scoped_timer &operator=(const scoped_timer &) = delete;
    ~scoped_timer() { (void)stop(); }

    /** Records now instead of at the end of the scope (once); returns the recording's status. */
    std::error_code stop() noexcept {
        if (!active_) return std::error_code();
        active_ = false;
        return dogapi::make_error_code(dog_stats_timer_stop(s_->get(), t_, name_.c_str(), tags_.empty() ? nullptr : tags_.c_str()));
    }
    /** Records nothing. */
    void cancel() noexcept { active_ = false; }

private:
    stats *s_;
    std::string name_, tags_;
    dog_stats_timer_t t_;
    bool active_;
};
} // namespace dogapi

#endif /* DOGAPI_HPP */
