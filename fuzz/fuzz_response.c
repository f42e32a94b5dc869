/* dog_response_* on server answers: a loopback server thread in this process answers every
 * request with the fuzz input as the body (status and Content-Type fixed), and the harness
 * reads every view of the response after a raw request or a call whose result view dogapi
 * formats (event id, monitor, dashboard list). */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_common.h"

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *g_body; /* the server's own copy: a late request never reads a freed input */
static size_t g_size;
static int g_listener = -1;

static void write_all(int fd, const void *p, size_t n) {
    const char *c = (const char *)p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w <= 0) {
            return;
        }
        c += w;
        n -= (size_t)w;
    }
}

/* One request per connection: read the head (bodies are small JSON), answer, close. */
static void *server(void *arg) {
    (void)arg;
    for (;;) {
        int c = accept(g_listener, NULL, NULL);
        if (c < 0) {
            continue;
        }
        char buf[8192];
        size_t have = 0;
        while (have < sizeof buf - 1) {
            ssize_t n = read(c, buf + have, sizeof buf - 1 - have);
            if (n <= 0) {
                break;
            }
            have += (size_t)n;
            buf[have] = '\0';
            if (strstr(buf, "\r\n\r\n") != NULL) {
                break;
            }
        }
        char head[160];
        pthread_mutex_lock(&g_lock);
        int hn = snprintf(head, sizeof head,
                          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", g_size);
        write_all(c, head, (size_t)hn);
        write_all(c, g_body, g_size);
        pthread_mutex_unlock(&g_lock);
        close(c);
    }
    return NULL;
}

static dog_http_t *client(void) {
    static dog_http_t *h = NULL;
    if (h != NULL) {
        return h;
    }
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_listener = socket(AF_INET, SOCK_STREAM, 0);
    if (g_listener < 0 || bind(g_listener, (struct sockaddr *)&a, sizeof a) != 0 || listen(g_listener, 16) != 0 ||
        getsockname(g_listener, (struct sockaddr *)&a, &len) != 0) {
        perror("fuzz: listen");
        abort();
    }
    pthread_t t;
    pthread_create(&t, NULL, server, NULL);
    pthread_detach(t);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
    h = dog_http_new("fuzz-api-key", "fuzz-app-key");
    if (h == NULL || dog_http_set_api_host(h, url) != DOG_OK || dog_http_set_swallow(h, false) != DOG_OK) {
        fprintf(stderr, "fuzz: cannot create a client: %s\n", dog_last_error());
        abort();
    }
    return h;
}

static size_t read_views(dog_response_t *r) {
    size_t n = 0;
    if (r == NULL) {
        return 0;
    }
    const char *b = dog_response_body(r);
    n += dog_response_body_len(r) + (size_t)dog_response_status(r);
    n += b != NULL ? strlen(b) : 0;
    const char *res = dog_response_result(r);
    n += res != NULL ? strlen(res) : 0;
    const char *id = dog_response_id(r);
    n += id != NULL ? strlen(id) : 0;
    n += (size_t)dog_response_id_int(r);
    const char *ct = dog_response_header(r, "content-type");
    n += ct != NULL ? strlen(ct) : 0;
    dog_response_free(r);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    dog_http_t *h = client();
    dog_response_t *r = NULL;
    uint8_t *copy = (uint8_t *)malloc(size + 1);
    if (copy == NULL) {
        abort();
    }
    memcpy(copy, data, size);
    pthread_mutex_lock(&g_lock);
    free(g_body);
    g_body = copy;
    g_size = size;
    pthread_mutex_unlock(&g_lock);
    /* One call per input (each costs a loopback connection), picked by the input's length. */
    switch (size % 4) {
    case 0: fz_check(dog_http_request(h, "GET", "fuzz", NULL, NULL, &r), "dog_http_request"); break;
    case 1: fz_check(dog_event_post(h, "t", "x", 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, &r), "dog_event_post"); break;
    case 2: fz_check(dog_monitor_get(h, 1, NULL, &r), "dog_monitor_get"); break;
    default: fz_check(dog_dashboard_get_all(h, false, false, 0, 0, &r), "dog_dashboard_get_all"); break;
    }
    read_views(r);
    return 0;
}
