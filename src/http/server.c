/* SPDX-License-Identifier: MIT
 * battstore — the HTTP daemon on libmicrohttpd: one thread per connection,
 * request bodies bounded, authentication, dispatch to the doors, CORS on
 * every response, query slots, the access log, and a draining stop. */
#include "config.h"
#include "http/core.h"
#include "http/highway.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <microhttpd.h>

#define MIB ((size_t)1024 * 1024)

/* The server with what the handlers need not see. */
typedef struct {
    struct bs_http_server pub;
    pthread_mutex_t lock;          /* guards inflight */
    bs_http_reqstate *inflight;    /* requests being handled */
    atomic_int ninflight;
    pthread_mutex_t slot_lock;     /* waiting for a query slot */
    pthread_cond_t slot_free;
    atomic_int waiters;
    pthread_t watcher;             /* notices clients that went away */
    bool watching, watch_stop;     /* watch_stop guarded by lock */
    pthread_cond_t watch_wake;
    char *bind_copy, *cors_copy, *queries_copy, *web_copy, *load_copy;
} server;

/* The web page's files when cfg.web_dir is not given: ./web in a
 * checkout, else where `make install` put them. */
#ifndef BS_WEB_DIR
#define BS_WEB_DIR "web"
#endif

static const char *default_web_dir(void)
{
    struct stat sb;
    return stat("web", &sb) == 0 && S_ISDIR(sb.st_mode) ? "web" : BS_WEB_DIR;
}

static const char allow_methods[] = "GET, HEAD, POST, PUT, DELETE, OPTIONS";

/* ---- defaults ---------------------------------------------------------- */

static bs_status fill_defaults(server *s, const bs_http_config *in)
{
    bs_http_config *c = &s->pub.cfg;
    *c = *in;
    if (!c->bind) c->bind = "127.0.0.1";
    if (c->timeout == 0) c->timeout = 30;
    if (!c->threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        c->threads = n > 0 ? (unsigned)n : 1;
    }
    if (!c->max_body) c->max_body = 64 * MIB;
    if (!c->mem_limit) c->mem_limit = 1024 * MIB;
    if (!c->cors_origin) c->cors_origin = "*";
    if (!c->queries_dir) c->queries_dir = "queries";
    if (!c->web_dir) c->web_dir = default_web_dir();
    if (!c->access_log) c->access_log = stderr;
    /* own copies: the caller's strings may not outlive the server */
    s->bind_copy = strdup(c->bind);
    s->cors_copy = strdup(c->cors_origin);
    s->queries_copy = strdup(c->queries_dir);
    s->web_copy = strdup(c->web_dir);
    s->load_copy = c->allow_load ? strdup(c->allow_load) : NULL;
    if (!s->bind_copy || !s->cors_copy || !s->queries_copy || !s->web_copy ||
        (c->allow_load && !s->load_copy))
        return BS_ERR_NOMEM;
    c->bind = s->bind_copy;
    c->cors_origin = s->cors_copy;
    c->queries_dir = s->queries_copy;
    c->web_dir = s->web_copy;
    c->allow_load = s->load_copy;
    return BS_OK;
}

/* ---- query slots ------------------------------------------------------- */

/* Queries beyond cfg.threads wait for a slot, briefly and in bounded
 * numbers, so that a burst of short queries is served rather than refused;
 * a runaway query still makes the next ones answer 503 soon. */
#define SLOT_WAIT_S 1.0
#define SLOT_WAITERS_PER_THREAD 4

static bool slot_try(bs_http_server *srv)
{
    unsigned cur = atomic_load(&srv->queries);
    do {
        if (cur >= srv->cfg.threads) return false;
    } while (!atomic_compare_exchange_weak(&srv->queries, &cur, cur + 1));
    return true;
}

bool bs_http_slot_take(bs_http_server *srv)
{
    if (slot_try(srv)) return true;
    server *s = (server *)srv;
    double wait = SLOT_WAIT_S;
    if (srv->cfg.timeout > 0 && srv->cfg.timeout < wait) wait = srv->cfg.timeout;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)wait;
    until.tv_nsec += (long)((wait - (double)(time_t)wait) * 1e9);
    if (until.tv_nsec >= 1000000000L) { until.tv_sec++; until.tv_nsec -= 1000000000L; }
    bool got = false;
    pthread_mutex_lock(&s->slot_lock);
    if ((unsigned)atomic_load(&s->waiters) < srv->cfg.threads * SLOT_WAITERS_PER_THREAD) {
        atomic_fetch_add(&s->waiters, 1);
        while (!(got = slot_try(srv)) && !atomic_load(&srv->stopping))
            if (pthread_cond_timedwait(&s->slot_free, &s->slot_lock, &until) != 0) {
                got = slot_try(srv);
                break;
            }
        atomic_fetch_sub(&s->waiters, 1);
    }
    pthread_mutex_unlock(&s->slot_lock);
    return got;
}

void bs_http_slot_give(bs_http_server *srv)
{
    server *s = (server *)srv;
    atomic_fetch_sub(&srv->queries, 1);
    if (atomic_load(&s->waiters) > 0) {
        pthread_mutex_lock(&s->slot_lock);
        pthread_cond_signal(&s->slot_free);
        pthread_mutex_unlock(&s->slot_lock);
    }
}

unsigned bs_http_port(const bs_http_server *srv) { return srv ? srv->port : 0; }

/* ---- per-request state ------------------------------------------------- */

/* MHD calls this with the raw URI (query string included) before it
 * parses anything; its result becomes *req_cls. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls; (void)conn;
    bs_http_reqstate *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    atomic_init(&st->refs, 1);
    clock_gettime(CLOCK_MONOTONIC, &st->t0);
    const char *q = strchr(uri, '?');
    if (q) st->query = strdup(q + 1);
    return st;
}

static void client_addr(struct MHD_Connection *conn, char *buf, size_t len)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(buf, len, "-");
    if (!ci || !ci->client_addr) return;
    socklen_t sl = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                          : sizeof(struct sockaddr_in);
    getnameinfo(ci->client_addr, sl, buf, (socklen_t)len, NULL, 0, NI_NUMERICHOST);
}

static void access_log(server *s, bs_http_reqstate *st)
{
    if (s->pub.cfg.quiet || !st->rq.method) return;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - st->t0.tv_sec) * 1e3 +
                (double)(t1.tv_nsec - st->t0.tv_nsec) / 1e6;
    char addr[64];
    client_addr(st->rq.conn, addr, sizeof addr);
    pthread_mutex_lock(&s->pub.log_lock);
    fprintf(s->pub.cfg.access_log, "%s %s %s %u %llu %.1fms\n", addr, st->rq.method,
            st->rq.path, st->status, (unsigned long long)st->bytes, ms);
    fflush(s->pub.cfg.access_log);
    pthread_mutex_unlock(&s->pub.log_lock);
}

static void inflight_add(server *s, bs_http_reqstate *st)
{
    pthread_mutex_lock(&s->lock);
    st->next = s->inflight;
    if (s->inflight) s->inflight->prev = st;
    s->inflight = st;
    atomic_fetch_add(&s->ninflight, 1);
    pthread_mutex_unlock(&s->lock);
}

static void inflight_remove(server *s, bs_http_reqstate *st)
{
    pthread_mutex_lock(&s->lock);
    if (st->prev) st->prev->next = st->next;
    else if (s->inflight == st) s->inflight = st->next;
    if (st->next) st->next->prev = st->prev;
    st->prev = st->next = NULL;
    atomic_fetch_sub(&s->ninflight, 1);
    pthread_mutex_unlock(&s->lock);
}

/* The request state lives until the connection is done with it and a
 * streamed body (whose query may point at rq.cancel) is freed. */
static void reqstate_unref(bs_http_reqstate *st)
{
    if (atomic_fetch_sub(&st->refs, 1) != 1) return;
    bs_http_params_free(st);
    free(st->query);
    free(st->ctype_buf);
    free(st->charset_buf);
    free(st->rq.body);
    free(st);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn; (void)toe;
    server *s = cls;
    bs_http_reqstate *st = *req_cls;
    if (!st) return;
    st->rq.cancel = 1;
    if (st->started) {
        access_log(s, st);
        inflight_remove(s, st);
    }
    reqstate_unref(st);
    *req_cls = NULL;
}

/* ---- turning a bs_http_resp into an MHD response ----------------------- */

/* A streamed body: the handler's pull function and the byte counter of
 * the request (written only from the connection's thread, never after
 * the request completed).  The first PREREAD bytes are pulled before the
 * response is made: a body that ends within them goes out from a buffer
 * with a Content-Length (headers and body in one send, no chunked
 * framing); a longer one streams, the pulled bytes first. */
#define PREREAD (16 * 1024)
typedef struct {
    bs_http_pull_fn pull;
    void *ctx;
    void (*ctx_free)(void *ctx);
    bs_http_reqstate *st;  /* one reference */
    char *pre;             /* bytes pulled ahead (malloc'ed) */
    size_t npre, sent;     /* pulled ahead, of which handed to MHD */
    bool pre_failed;       /* the pull failed after the npre bytes */
} stream;

/* Pull up to PREREAD bytes into sm->pre; true when the body ended there. */
static bool preread(stream *sm)
{
    sm->pre = malloc(PREREAD);
    if (!sm->pre) return false;
    for (int spins = 0; sm->npre < PREREAD;) {
        size_t n = 0;
        bs_status st = sm->pull(sm->ctx, sm->pre + sm->npre, PREREAD - sm->npre, &n);
        sm->npre += n;
        if (st == BS_END) return true;
        if (st != BS_OK || (n == 0 && ++spins >= 1000)) {
            sm->pre_failed = true;
            return false;
        }
    }
    return false;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    stream *sm = cls;
    if (sm->sent < sm->npre) {
        size_t n = sm->npre - sm->sent < max ? sm->npre - sm->sent : max;
        memcpy(buf, sm->pre + sm->sent, n);
        sm->sent += n;
        sm->st->bytes += n;
        return (ssize_t)n;
    }
    if (sm->pre_failed) return MHD_CONTENT_READER_END_WITH_ERROR;
    for (int spins = 0; spins < 1000; spins++) {
        size_t n = 0;
        bs_status st = sm->pull(sm->ctx, buf, max, &n);
        if (st == BS_END && n == 0) return MHD_CONTENT_READER_END_OF_STREAM;
        if (st != BS_OK && st != BS_END) return MHD_CONTENT_READER_END_WITH_ERROR;
        if (n) {
            sm->st->bytes += n;
            return (ssize_t)n;
        }
    }
    return MHD_CONTENT_READER_END_WITH_ERROR; /* a pull that never yields */
}

static void stream_free(void *cls)
{
    stream *sm = cls;
    if (sm->ctx_free) sm->ctx_free(sm->ctx);
    reqstate_unref(sm->st);
    free(sm->pre);
    free(sm);
}

static void add_cors(const server *s, struct MHD_Response *r)
{
    const char *origin = s->pub.cfg.cors_origin;
    MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
    if (strcmp(origin, "*") != 0) MHD_add_response_header(r, "Vary", "Origin");
    MHD_add_response_header(r, "Access-Control-Expose-Headers",
                            "Content-Type, Content-Length, Location, WWW-Authenticate");
}

/* Build the MHD response of rs (taking its body or stream) and queue it. */
static enum MHD_Result send_resp(server *s, bs_http_reqstate *st, bs_http_resp *rs)
{
    struct MHD_Response *r = NULL;
    if (rs->pull) {
        stream *sm = malloc(sizeof *sm);
        if (!sm) return MHD_NO;
        *sm = (stream){rs->pull, rs->pull_ctx, rs->pull_free, st, NULL, 0, 0, false};
        atomic_fetch_add(&st->refs, 1);
        rs->pull = NULL;
        rs->pull_free = NULL;
        if (preread(sm)) { /* small: sent from the buffer below */
            rs->body = sm->pre;
            rs->len = sm->npre;
            sm->pre = NULL;
            stream_free(sm);
        } else {
            r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read,
                                                  sm, stream_free);
            if (!r) { stream_free(sm); return MHD_NO; }
        }
    }
    if (!r) {
        r = MHD_create_response_from_buffer(rs->len, rs->body ? rs->body : (char *)"",
                                            rs->body ? MHD_RESPMEM_MUST_FREE
                                                     : MHD_RESPMEM_PERSISTENT);
        if (!r) return MHD_NO;
        rs->body = NULL;
        if (strcmp(st->rq.method, "HEAD") != 0) st->bytes = rs->len;
    }
    if (rs->ctype) MHD_add_response_header(r, "Content-Type", rs->ctype);
    for (size_t i = 0; i < sizeof rs->headers / sizeof rs->headers[0] && rs->headers[i][0]; i++)
        MHD_add_response_header(r, rs->headers[i][0], rs->headers[i][1]);
    add_cors(s, r);
    st->status = rs->status ? rs->status : 500;
    enum MHD_Result ok = MHD_queue_response(st->rq.conn, st->status, r);
    MHD_destroy_response(r);
    return ok;
}

static void resp_clear(bs_http_resp *rs)
{
    free(rs->body);
    if (rs->pull_free) rs->pull_free(rs->pull_ctx);
    for (size_t i = 0; i < sizeof rs->headers / sizeof rs->headers[0]; i++) {
        free(rs->headers[i][0]);
        free(rs->headers[i][1]);
    }
    memset(rs, 0, sizeof *rs);
}

/* A one-line text response queued at once (errors found by the core). */
static enum MHD_Result send_text(server *s, bs_http_reqstate *st, unsigned status,
                                 const char *msg, const char *hname, const char *hval)
{
    bs_http_resp rs = {0};
    enum MHD_Result ok = MHD_NO;
    if (bs_http_text(&rs, status, "%s", msg) == BS_OK &&
        (!hname || bs_http_add_header(&rs, hname, hval) == BS_OK))
        ok = send_resp(s, st, &rs);
    resp_clear(&rs);
    return ok;
}

/* ---- dispatch ---------------------------------------------------------- */

static bool door(const char *path, const char *name)
{
    size_t n = strlen(name);
    return strncmp(path, name, n) == 0 && (path[n] == 0 || path[n] == '/');
}

static bs_status dispatch(bs_http_req *rq, bs_http_resp *rs)
{
    const char *p = rq->path;
    if (strcmp(p, "/sparql") == 0) return bs_http_h_sparql(rq, rs);
    if (door(p, "/data")) return bs_http_h_gsp(rq, rs); /* /data/PATH: direct GSP names */
    if (door(p, "/graphs")) return bs_http_h_graphs(rq, rs);
    if (door(p, "/queries")) return bs_http_h_queries(rq, rs);
    if (door(p, "/search")) return bs_http_h_search(rq, rs);
    if (door(p, "/suggest")) return bs_http_h_suggest(rq, rs);
    if (strcmp(p, "/highway.svg") == 0) return bs_http_h_highway(rq, rs);
    return bs_http_h_static(rq, rs);
}

/* The CORS preflight: 204 with what a browser may send. */
static enum MHD_Result preflight(server *s, bs_http_reqstate *st)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (char *)"",
                                                             MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    const char *want = bs_http_header(&st->rq, "Access-Control-Request-Headers");
    MHD_add_response_header(r, "Access-Control-Allow-Methods", allow_methods);
    MHD_add_response_header(r, "Access-Control-Allow-Headers",
                            want && *want ? want : "Authorization, Content-Type, Accept");
    MHD_add_response_header(r, "Access-Control-Max-Age", "86400");
    MHD_add_response_header(r, "Allow", allow_methods);
    add_cors(s, r);
    st->status = 204;
    enum MHD_Result ok = MHD_queue_response(st->rq.conn, 204, r);
    MHD_destroy_response(r);
    return ok;
}

static bool known_method(const char *m)
{
    static const char *const ms[] = {"GET", "HEAD", "POST", "PUT", "DELETE"};
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
        if (strcmp(m, ms[i]) == 0) return true;
    return false;
}

/* The whole request is in: check it, authenticate, run the door. */
static enum MHD_Result handle(server *s, bs_http_reqstate *st)
{
    bs_http_req *rq = &st->rq;
    if (st->too_large)
        return send_text(s, st, 413, "request body too large (limit: --max-body)", NULL, NULL);
    if (strcmp(rq->method, "OPTIONS") == 0) return preflight(s, st);
    if (!known_method(rq->method))
        return send_text(s, st, 405, "method not allowed", "Allow", allow_methods);
    if (bs_http_role(s->pub.tokens, bs_http_header(rq, "Authorization"), &rq->role) != BS_OK)
        return send_text(s, st, 401, "unauthorized: unknown or malformed credentials",
                         "WWW-Authenticate",
                         "Bearer realm=\"battstore\", Basic realm=\"battstore\"");
    bs_status ps = bs_http_params_load(st);
    if (ps == BS_ERR_PARSE)
        return send_text(s, st, 400,
                         "bad request: invalid %-escape or non-UTF-8 in the parameters",
                         NULL, NULL);
    if (ps != BS_OK) return send_text(s, st, 500, bs_strerror(ps), NULL, NULL);
    bs_http_resp rs = {0};
    bs_status hs = dispatch(rq, &rs);
    if (hs != BS_OK && !rs.status && !rs.body && !rs.pull)
        bs_http_text(&rs, bs_http_status_of(hs), "%s", bs_strerror(hs));
    enum MHD_Result ok = send_resp(s, st, &rs);
    resp_clear(&rs);
    return ok;
}

/* First call of a request: fill in what the handlers see. */
static enum MHD_Result begin(server *s, bs_http_reqstate *st, struct MHD_Connection *conn,
                             const char *url, const char *method)
{
    bs_http_req *rq = &st->rq;
    st->started = true;
    rq->srv = &s->pub;
    rq->conn = conn;
    rq->method = method;
    rq->path = url;
    inflight_add(s, st);
    if (bs_http_ctype_parse(bs_http_header(rq, "Content-Type"), &st->ctype_buf,
                            &st->charset_buf) != BS_OK)
        return MHD_NO;
    rq->ctype = st->ctype_buf;
    rq->charset = st->charset_buf;
    rq->body = calloc(1, 1);
    if (!rq->body) return MHD_NO;
    const char *cl = bs_http_header(rq, "Content-Length");
    if (cl) {
        char *end;
        unsigned long long n = strtoull(cl, &end, 10);
        if (*end == 0 && n > s->pub.cfg.max_body) {
            st->too_large = true;
            return send_text(s, st, 413, "request body too large (limit: --max-body)",
                             NULL, NULL);
        }
    }
    return MHD_YES;
}

static void take_body(server *s, bs_http_reqstate *st, const char *data, size_t n)
{
    bs_http_req *rq = &st->rq;
    if (st->too_large || rq->body_len + n > s->pub.cfg.max_body) {
        st->too_large = true; /* drop the rest, answer 413 at the end */
        return;
    }
    if (rq->body_len + n + 1 > st->body_cap) {
        size_t cap = st->body_cap ? st->body_cap : 4096;
        while (cap < rq->body_len + n + 1) cap *= 2;
        char *b = realloc(rq->body, cap);
        if (!b) { st->too_large = true; return; }
        rq->body = b;
        st->body_cap = cap;
    }
    memcpy(rq->body + rq->body_len, data, n);
    rq->body_len += n;
    rq->body[rq->body_len] = 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
    (void)version;
    server *s = cls;
    bs_http_reqstate *st = *req_cls;
    if (!st) return MHD_NO; /* on_uri ran out of memory */
    if (!st->started) return begin(s, st, conn, url, method);
    if (st->status) { /* already answered (413 before the body) */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        take_body(s, st, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    return handle(s, st);
}

/* ---- start and stop ---------------------------------------------------- */

static bs_status fail_msg(char **err, bs_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bs_status fail_msg(char **err, bs_status st, const char *fmt, ...)
{
    if (!err) return st;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(err, fmt, ap) < 0) *err = NULL;
    va_end(ap);
    return st;
}

/* ---- clients that go away ---------------------------------------------- */

/* A handler that runs a long query blocks its connection's thread, so
 * libmicrohttpd notices a client that hung up only when a write fails:
 * for a query that sorts or groups before its first row, at the
 * timeout.  The watcher looks at every request in flight a few times a
 * second and cancels the ones whose client closed its end (a peek that
 * reads end-of-file or a reset); pipelined bytes of a next request are
 * left unread.  Like Go's net/http, a client that half-closes after
 * sending its request counts as gone. */
#define WATCH_MS 200

static bool client_gone(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci || ci->connect_fd == MHD_INVALID_SOCKET) return false;
    char c;
    ssize_t n = recv(ci->connect_fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && (errno == ECONNRESET || errno == ENOTCONN || errno == EPIPE));
}

static void *watch(void *arg)
{
    server *s = arg;
    pthread_mutex_lock(&s->lock);
    while (!s->watch_stop) {
        /* entries stay valid under the lock: on_completed removes them
         * under it before libmicrohttpd frees the connection */
        for (bs_http_reqstate *r = s->inflight; r; r = r->next)
            if (!r->rq.cancel && client_gone(r->rq.conn)) r->rq.cancel = 1;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += WATCH_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) { until.tv_sec++; until.tv_nsec -= 1000000000L; }
        pthread_cond_timedwait(&s->watch_wake, &s->lock, &until);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static void watch_end(server *s)
{
    if (!s->watching) return;
    pthread_mutex_lock(&s->lock);
    s->watch_stop = true;
    pthread_cond_signal(&s->watch_wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->watcher, NULL);
    s->watching = false;
}

static void server_free(server *s)
{
    watch_end(s);
    bs_http_tokens_free(s->pub.tokens);
    pthread_mutex_destroy(&s->lock);
    pthread_mutex_destroy(&s->pub.log_lock);
    pthread_mutex_destroy(&s->slot_lock);
    pthread_cond_destroy(&s->slot_free);
    pthread_cond_destroy(&s->watch_wake);
    free(s->bind_copy);
    free(s->cors_copy);
    free(s->queries_copy);
    free(s->web_copy);
    free(s->load_copy);
    free(s);
}

/* The address to bind: IPv4 or IPv6 literal.  *v6 tells which. */
static bool bind_addr(const char *host, unsigned port, struct sockaddr_storage *ss, bool *v6)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (strcmp(host, "localhost") == 0) host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        *v6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *v6 = true;
        return true;
    }
    return false;
}

bs_status bs_http_start(bs_store *store, const bs_http_config *cfg,
                        bs_http_server **out, char **err)
{
    bs_status st = BS_OK;
    *out = NULL;
    if (err) *err = NULL;
    server *s = calloc(1, sizeof *s);
    if (!s) return BS_ERR_NOMEM;
    pthread_mutex_init(&s->lock, NULL);
    pthread_mutex_init(&s->pub.log_lock, NULL);
    pthread_mutex_init(&s->slot_lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->slot_free, &ca);
    pthread_cond_init(&s->watch_wake, &ca);
    pthread_condattr_destroy(&ca);
    s->pub.store = store;
    static const bs_http_config none = {0};
    TRY(st, fill_defaults(s, cfg ? cfg : &none));
    const bs_http_config *c = &s->pub.cfg;
    if (c->tokens_file) {
        char *terr = NULL;
        st = bs_http_tokens_load(c->tokens_file, &s->pub.tokens, &terr);
        if (st != BS_OK) {
            if (err) *err = terr; else free(terr);
            if (err && !*err) fail_msg(err, st, "%s: %s", c->tokens_file, bs_strerror(st));
            goto fail;
        }
    }
    struct sockaddr_storage ss;
    bool v6;
    if (c->port > 65535 || !bind_addr(c->bind, c->port, &ss, &v6)) {
        st = fail_msg(err, BS_ERR_ARG, "cannot bind %s:%u: not an IP address and port",
                      c->bind, c->port);
        goto fail;
    }
    unsigned limit = c->threads * 8 < 64 ? 64 : c->threads * 8;
    errno = 0;
    s->pub.daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
            MHD_USE_ERROR_LOG | MHD_USE_ITC | (v6 ? MHD_USE_IPv6 : 0),
        (uint16_t)c->port, NULL, NULL, on_request, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
        MHD_OPTION_CONNECTION_LIMIT, limit,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
        MHD_OPTION_END);
    if (!s->pub.daemon) {
        st = fail_msg(err, BS_ERR_IO, "cannot listen on %s:%u: %s", c->bind, c->port,
                      errno ? strerror(errno) : "libmicrohttpd refused to start");
        goto fail;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->pub.daemon,
                                                         MHD_DAEMON_INFO_BIND_PORT);
    s->pub.port = di && di->port ? di->port : c->port;
    /* without the watcher a gone client's query runs to its timeout */
    s->watching = pthread_create(&s->watcher, NULL, watch, s) == 0;
    *out = &s->pub;
    return BS_OK;
fail:
    server_free(s);
    return st;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void bs_http_stop(bs_http_server *srv, double grace_seconds)
{
    if (!srv) return;
    server *s = (server *)srv;
    MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
    double until = now_s() + (grace_seconds > 0 ? grace_seconds : 0);
    while (atomic_load(&s->ninflight) > 0 && now_s() < until) usleep(20 * 1000);
    /* whatever still runs is cancelled: the engine polls these flags */
    atomic_store(&srv->stopping, 1);
    pthread_mutex_lock(&s->slot_lock);
    pthread_cond_broadcast(&s->slot_free);
    pthread_mutex_unlock(&s->slot_lock);
    pthread_mutex_lock(&s->lock);
    for (bs_http_reqstate *r = s->inflight; r; r = r->next) r->rq.cancel = 1;
    pthread_mutex_unlock(&s->lock);
    /* a moment for the cancelled requests to send their 503 */
    until = now_s() + 2.0;
    while (atomic_load(&s->ninflight) > 0 && now_s() < until) usleep(20 * 1000);
    watch_end(s);
    MHD_stop_daemon(srv->daemon);
    if (fd != MHD_INVALID_SOCKET) close(fd);
    server_free(s);
}
