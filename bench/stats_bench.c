/* Benchmark of dog_stats_t through the exported C functions (not a test). Build and run:
 *   cargo build --release
 *   cc -O2 -std=c11 -Iinclude bench/stats_bench.c -Ltarget/release -ldogapi -lpthread \
 *      -Wl,-rpath,$PWD/target/release -o /tmp/stats_bench && /tmp/stats_bench
 * (ln -sf libdogapi.so target/release/libdogapi.so.0 first.) Figures are ns per call on an
 * existing context with 2 tags, best of 5 runs. Each figure is given as wall-clock time and as
 * the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID): on a shared machine the wall figure
 * includes time the thread spent descheduled; the CPU figure does not. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dogapi.h"

#define N 5000000L

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static dog_stats_t *S;
/* Called after each timed run, untimed (distributions empty their bucket: see main). */
static void (*BETWEEN)(void);
typedef dog_status_t (*rec_fn)(dog_stats_t *, const char *, double, const char *);

static double cpu_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

struct job { rec_fn f; const char *name; double secs; double cpu; };

static void *run(void *arg) {
    struct job *j = arg;
    double t0 = now(), c0 = cpu_now();
    for (long i = 0; i < N; i++) {
        j->f(S, j->name, (double)(i & 1023), "env:prod,role:db");
    }
    j->cpu = cpu_now() - c0;
    j->secs = now() - t0;
    return NULL;
}

/* ns per call on one thread, best of 5 (wall; *cpu: thread CPU time) */
static double one(rec_fn f, const char *name, double *cpu) {
    double best = 1e9;
    *cpu = 1e9;
    for (int r = 0; r < 5; r++) {
        struct job j = {f, name, 0, 0};
        run(&j);
        if (BETWEEN) BETWEEN();
        double ns = j.secs * 1e9 / N;
        if (ns < best) best = ns;
        if (j.cpu * 1e9 / N < *cpu) *cpu = j.cpu * 1e9 / N;
    }
    return best;
}

/* two threads; returns ns per call per thread (wall / N), best of 5; *cpu: the larger of the
 * two threads' CPU time per call, best of 5 */
static double two(rec_fn f, const char *a, const char *b, double *cpu) {
    double best = 1e9;
    *cpu = 1e9;
    for (int r = 0; r < 5; r++) {
        struct job ja = {f, a, 0, 0}, jb = {f, b, 0, 0};
        pthread_t ta, tb;
        double t0 = now();
        pthread_create(&ta, NULL, run, &ja);
        pthread_create(&tb, NULL, run, &jb);
        pthread_join(ta, NULL);
        pthread_join(tb, NULL);
        double ns = (now() - t0) * 1e9 / N;
        if (BETWEEN) BETWEEN();
        if (ns < best) best = ns;
        double c = (ja.cpu > jb.cpu ? ja.cpu : jb.cpu) * 1e9 / N;
        if (c < *cpu) *cpu = c;
    }
    return best;
}

/* Pre-registered handles: the same loops through dog_stats_counter_add / _gauge_set /
 * _histogram_record on a handle made once. */
enum hkind { H_COUNTER, H_GAUGE, H_HIST };
struct hjob { enum hkind k; void *h; double secs; double cpu; };

static void *run_handle(void *arg) {
    struct hjob *j = arg;
    double t0 = now(), c0 = cpu_now();
    for (long i = 0; i < N; i++) {
        double v = (double)(i & 1023);
        switch (j->k) {
        case H_COUNTER: dog_stats_counter_add(j->h, v); break;
        case H_GAUGE: dog_stats_gauge_set(j->h, v); break;
        case H_HIST: dog_stats_histogram_record(j->h, v); break;
        }
    }
    j->cpu = cpu_now() - c0;
    j->secs = now() - t0;
    return NULL;
}

/* as one() / two() for handles: 1 thread on `a` (b == NULL) or 2 threads on `a` and `b` */
static double handle_run(enum hkind k, void *a, void *b, double *cpu) {
    double best = 1e9;
    *cpu = 1e9;
    for (int r = 0; r < 5; r++) {
        struct hjob ja = {k, a, 0, 0}, jb = {k, b, 0, 0};
        double t0 = now();
        if (b == NULL) {
            run_handle(&ja);
        } else {
            pthread_t ta, tb;
            pthread_create(&ta, NULL, run_handle, &ja);
            pthread_create(&tb, NULL, run_handle, &jb);
            pthread_join(ta, NULL);
            pthread_join(tb, NULL);
        }
        double ns = (now() - t0) * 1e9 / N;
        if (ns < best) best = ns;
        double c = (ja.cpu > jb.cpu ? ja.cpu : jb.cpu) * 1e9 / N;
        if (c < *cpu) *cpu = c;
    }
    return best;
}

static long rss_kb(void) {
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
        fclose(f);
    }
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Distributions keep every value: each timed run (5M values per thread) starts from an empty
 * bucket, so the figure is the cost of keeping a value, not of dropping it at the cap. */
static void empty_distributions(void) { (void)dog_stats_flush(S, (double)time(NULL) + 3 * 86400.0); }

static dog_stats_options_t *bench_options(void) {
    dog_stats_options_t *o = dog_stats_options_new();
    if (o == NULL ||
        dog_stats_options_set_api_host(o, "http://127.0.0.1:9") != DOG_OK || /* nothing listens: flushes fail fast */
        dog_stats_options_set_api_key(o, "bench") != DOG_OK ||
        dog_stats_options_set_flush_in_thread(o, false) != DOG_OK ||
        dog_stats_options_set_roll_up_interval(o, 86400) != DOG_OK || /* one bucket for the whole run */
        dog_stats_options_set_max_contexts(o, 1000000) != DOG_OK ||
        dog_stats_options_set_max_queued_bytes(o, (size_t)1 << 30) != DOG_OK ||
        dog_stats_options_set_max_distribution_values(o, 8388608) != DOG_OK ||
        dog_stats_options_set_shutdown_timeout(o, 0.2) != DOG_OK) {
        fprintf(stderr, "options: %s\n", dog_error_last());
        exit(1);
    }
    return o;
}

int main(void) {
    dog_stats_options_t *o = bench_options();
    S = dog_stats_new();
    if (dog_stats_start(S, o) != DOG_OK) { fprintf(stderr, "%s\n", dog_error_last()); return 1; }
    /* create the contexts */
    dog_stats_increment(S, "bench.a", 1, "env:prod,role:db");
    dog_stats_increment(S, "bench.b", 1, "env:prod,role:db");
    dog_stats_gauge(S, "bench.a", 1, "env:prod,role:db");
    dog_stats_gauge(S, "bench.b", 1, "env:prod,role:db");
    dog_stats_histogram(S, "bench.a", 1, "env:prod,role:db");
    dog_stats_histogram(S, "bench.b", 1, "env:prod,role:db");

    double ic, gc, hc;
    double inc1 = one(dog_stats_increment, "bench.a", &ic);
    double gau1 = one(dog_stats_gauge, "bench.a", &gc);
    double his1 = one(dog_stats_histogram, "bench.a", &hc);
    printf("1 thread   increment %6.1f ns/call (cpu %5.1f)   gauge %6.1f ns/call (cpu %5.1f)   histogram %6.1f ns/call (cpu %5.1f)\n",
           inc1, ic, gau1, gc, his1, hc);
    const struct { rec_fn f; const char *n; double base, cbase; } fs[] = {
        {dog_stats_increment, "increment", inc1, ic}, {dog_stats_gauge, "gauge", gau1, gc}, {dog_stats_histogram, "histogram", his1, hc}};
    for (int i = 0; i < 3; i++) {
        double dc, sc;
        double d = two(fs[i].f, "bench.a", "bench.b", &dc);
        double s = two(fs[i].f, "bench.a", "bench.a", &sc);
        printf("2 threads  %-9s distinct: %6.1f ns wall/call-pair -> throughput %.2fx of 1 thread;  same: %6.1f ns per call per thread (%.2fx the 1-thread cost; cpu %5.1f ns = %.2fx)\n",
               fs[i].n, d, 2 * fs[i].base / d, s, s / fs[i].base, sc, sc / fs[i].cbase);
    }

    {
        void *ha[3] = {dog_stats_counter_new(S, "bench.a", "env:prod,role:db"), dog_stats_gauge_new(S, "bench.a", "env:prod,role:db"),
                       dog_stats_histogram_new(S, "bench.a", "env:prod,role:db")};
        void *hb[3] = {dog_stats_counter_new(S, "bench.b", "env:prod,role:db"), dog_stats_gauge_new(S, "bench.b", "env:prod,role:db"),
                       dog_stats_histogram_new(S, "bench.b", "env:prod,role:db")};
        const char *names[3] = {"counter_add", "gauge_set", "histogram_record"};
        for (int k = 0; k < 3; k++) {
            double c1, cd, cs;
            double one_t = handle_run((enum hkind)k, ha[k], NULL, &c1);
            double dist = handle_run((enum hkind)k, ha[k], hb[k], &cd);
            double same = handle_run((enum hkind)k, ha[k], ha[k], &cs);
            printf("handle %-16s 1 thread %6.1f ns/call (cpu %5.1f);  2 threads distinct: %6.1f ns wall/call-pair -> %.2fx;  same handle: %6.1f ns per call per thread (%.2fx; cpu %5.1f = %.2fx)\n",
                   names[k], one_t, c1, dist, 2 * one_t / dist, same, same / one_t, cs, cs / c1);
        }
        dog_stats_counter_free(ha[0]);
        dog_stats_counter_free(hb[0]);
        dog_stats_gauge_free(ha[1]);
        dog_stats_gauge_free(hb[1]);
        dog_stats_histogram_free(ha[2]);
        dog_stats_histogram_free(hb[2]);
    }

    /* 100,000 contexts: memory and flush */
    dog_stats_flush(S, 0); /* nothing old; clears nothing */
    char name[64];
    /* 10,000 histogram contexts, one point each (stripes + the first reservoir allocation),
       in their own instance so the flush below measures the same 100,000 counters as before */
    dog_stats_options_t *ho = dog_stats_options_new();
    if (ho == NULL || dog_stats_options_set_api_host(ho, "http://127.0.0.1:9") != DOG_OK ||
        dog_stats_options_set_api_key(ho, "bench") != DOG_OK || dog_stats_options_set_flush_in_thread(ho, false) != DOG_OK ||
        dog_stats_options_set_shutdown_timeout(ho, 0.2) != DOG_OK) {
        fprintf(stderr, "options: %s\n", dog_error_last());
        return 1;
    }
    dog_stats_t *H = dog_stats_new();
    if (dog_stats_start(H, ho) != DOG_OK) { fprintf(stderr, "%s\n", dog_error_last()); return 1; }
    dog_stats_options_free(ho);
    dog_stats_histogram(H, "bench.hist.warm", 1, "env:prod,role:db");
    long hbefore = rss_kb();
    for (int i = 0; i < 10000; i++) {
        snprintf(name, sizeof name, "bench.hist.%06d", i);
        dog_stats_histogram_full(H, name, 1, "env:prod,role:db", 1000.0, 1, NULL);
    }
    long hafter = rss_kb();
    printf("10000 histogram contexts, 1 point each: RSS +%ld KiB = %.0f bytes/context (incl. ~32 bytes of strings)\n",
           hafter - hbefore, (hafter - hbefore) * 1024.0 / 10000);
    long before = rss_kb();
    size_t strbytes = 0;
    for (int i = 0; i < 100000; i++) {
        int n = snprintf(name, sizeof name, "bench.ctx.%06d", i);
        strbytes += (size_t)n + strlen("env:prod,role:db");
        dog_stats_increment_full(S, name, 1, "env:prod,role:db", 1000.0, 1, NULL);
    }
    long after = rss_kb();
    uint64_t t[DOG_STATS_TELEMETRY_COUNT];
    dog_stats_telemetry_read(S, t, DOG_STATS_TELEMETRY_COUNT);
    printf("100000 contexts: RSS +%ld KiB = %.0f bytes/context (strings %.0f bytes/context, so %.0f beyond the strings); live contexts %llu\n",
           after - before, (after - before) * 1024.0 / 100000, strbytes / 100000.0,
           (after - before) * 1024.0 / 100000 - strbytes / 100000.0, (unsigned long long)t[DOG_STATS_CONTEXTS]);
    double t0 = now(), fc0 = cpu_now();
    dog_status_t st = dog_stats_flush(S, 86400.0 * 3); /* renders + gzips every context, then one refused connect */
    double flush_ms = (now() - t0) * 1e3, flush_cpu_ms = (cpu_now() - fc0) * 1e3;
    dog_stats_telemetry_read(S, t, DOG_STATS_TELEMETRY_COUNT);
    printf("flush of 100000 contexts (extract, JSON, split, gzip, enqueue, 1 refused connect): %.1f ms (cpu %.1f ms); %llu series in %llu payloads, %llu compressed bytes queued (%s)\n",
           flush_ms, flush_cpu_ms, (unsigned long long)t[DOG_STATS_SERIES_FLUSHED], (unsigned long long)t[DOG_STATS_PAYLOADS_QUEUED], (unsigned long long)t[DOG_STATS_BYTES_QUEUED],
           dog_status_str((int)st));
    /* distributions in their own instance (flushed between runs, see empty_distributions); last,
       because those flushes allocate and free hundreds of MB, which would hide the RSS growth
       measured above */
    dog_stats_t *main_instance = S;
    S = dog_stats_new();
    if (dog_stats_start(S, o) != DOG_OK) { fprintf(stderr, "%s\n", dog_error_last()); return 1; }
    dog_stats_distribution(S, "bench.a", 1, "env:prod,role:db");
    dog_stats_distribution(S, "bench.b", 1, "env:prod,role:db");
    BETWEEN = empty_distributions;
    double dsc;
    double dis1 = one(dog_stats_distribution, "bench.a", &dsc);
    printf("1 thread   distribution %6.1f ns/call (cpu %5.1f)   (every value kept, bucket emptied between runs)\n", dis1, dsc);
    {
        double dc, sc;
        double d = two(dog_stats_distribution, "bench.a", "bench.b", &dc);
        double s = two(dog_stats_distribution, "bench.a", "bench.a", &sc);
        printf("2 threads  distribution distinct: %6.1f ns wall/call-pair -> throughput %.2fx of 1 thread;  same: %6.1f ns per call per thread (%.2fx the 1-thread cost; cpu %5.1f ns = %.2fx)\n",
               d, 2 * dis1 / d, s, s / dis1, sc, sc / dsc);
    }
    BETWEEN = NULL;
    dog_stats_free(S);
    S = main_instance;
    dog_stats_free(S);
    dog_stats_free(H);
    dog_stats_options_free(o);
    return 0;
}
