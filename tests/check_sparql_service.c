/* SPDX-License-Identifier: MIT
 * battstore — unit tests of SERVICE (federated query): the query sent,
 * the JSON answer decoded, SILENT, SERVICE ?var, one call per endpoint,
 * and the built-in libcurl client against local sockets (a tiny one-shot
 * HTTP server, a closed port, a port that never answers). */
#define _GNU_SOURCE
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "sparql/sparql.h"
#include "fixture.h"
#include "sparql_fixture.h"

/* ---- a temp store ------------------------------------------------------- */

static char dir[BS_FX_DIR];
static bs_store *store;

static void update(const char *text) { bs_fx_update(store, text); }

static void setup(void)
{
    bs_fx_store_dir(dir, "check_service");
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &store), BS_OK);
    update("PREFIX ex: <http://ex/> INSERT DATA { ex:a ex:name \"A\" . ex:b ex:name \"B\" . "
           "ex:e1 ex:url <http://e1/> . ex:e2 ex:url <http://e2/> }");
}

static void teardown(void)
{
    bs_store_close(store);
    store = NULL;
    bs_fx_store_dir_remove(dir);
}

/* ---- a fake endpoint through the hook ---------------------------------- */

typedef struct {
    const char *answer; ///< JSON to answer (NULL: fail with BS_ERR_IO)
    int calls;
    char endpoints[8][64];
    char query[1024];   ///< the last query
    double timeout;
    size_t max_bytes;
} fake;

static bs_status fake_call(void *ctx, const bs_sparql_service_call *c,
                           char **json, size_t *len, char **err)
{
    fake *f = ctx;
    if (f->calls < 8) snprintf(f->endpoints[f->calls], 64, "%s", c->endpoint);
    f->calls++;
    snprintf(f->query, sizeof f->query, "%s", c->query);
    f->timeout = c->timeout;
    f->max_bytes = c->max_bytes;
    if (!f->answer) {
        *err = strdup("HTTP 503");
        return BS_ERR_IO;
    }
    /* e2 answers with its own name, so rows show which endpoint answered */
    const char *a = f->answer;
    if (strstr(c->endpoint, "e2"))
        a = "{\"head\":{\"vars\":[\"v\"]},\"results\":{\"bindings\":[{\"v\":"
            "{\"type\":\"literal\",\"value\":\"from e2\"}}]}}";
    *json = strdup(a);
    *len = strlen(a);
    return BS_OK;
}

/* Run a SELECT; the rows as "var=term var=term|..." in Turtle-ish form. */
static bs_status run(const char *text, const bs_sparql_opts *o, char *out,
                     size_t cap, char **err)
{
    bs_sparql *q = NULL;
    bs_sparql_cursor *c = NULL;
    bs_status st;
    *out = 0;
    *err = NULL;
    ck_assert_int_eq(bs_sparql_parse(text, strlen(text), NULL, false, &q, NULL), BS_OK);
    if ((st = bs_sparql_open(store, q, o, &c, err)) == BS_OK) {
        const bs_term *const *row;
        size_t n = 0;
        while ((st = bs_sparql_next(c, &row)) == BS_OK) {
            if (n) n += (size_t)snprintf(out + n, cap - n, "|");
            bool first = true;
            for (size_t i = 0; i < bs_sparql_cursor_nvars(c) && n < cap; i++) {
                const bs_term *t = row[i];
                if (!t) continue;
                n += (size_t)snprintf(out + n, cap - n, "%s%s=%d:%.*s", first ? "" : " ",
                                      bs_sparql_cursor_var(c, i), (int)t->kind,
                                      (int)t->lex_len, t->lex);
                if (t->extra) n += (size_t)snprintf(out + n, cap - n, "^%.*s", (int)t->extra_len, t->extra);
                first = false;
            }
        }
        if (st == BS_END) st = BS_OK;
        else if (bs_sparql_cursor_error(c)) *err = strdup(bs_sparql_cursor_error(c));
    }
    bs_sparql_close(c);
    bs_sparql_free(q);
    return st;
}

#define ROW1 "{\"head\":{\"vars\":[\"s\",\"o\"]},\"results\":{\"bindings\":[" \
    "{\"s\":{\"type\":\"uri\",\"value\":\"http://ex/a\"},\"o\":{\"type\":\"literal\",\"value\":\"x\"}}]}}"

START_TEST(test_query_text)
{
    fake f = {.answer = ROW1};
    bs_sparql_opts o = {.service = fake_call, .service_ctx = &f, .timeout = 5, .mem_limit = 1 << 20};
    char out[512], *err;
    ck_assert_int_eq(run("PREFIX ex: <http://ex/>\nBASE <http://base/>\n"
                         "SELECT * { ?s ex:name ?n SERVICE <http://remote/sparql> { ?s ex:p ?o } }",
                         &o, out, sizeof out, &err), BS_OK);
    ck_assert_str_eq(f.endpoints[0], "http://remote/sparql");
    ck_assert_str_eq(f.query, "PREFIX ex: <http://ex/>\nBASE <http://base/>\n"
                              "SELECT * WHERE { ?s ex:p ?o }\n");
    ck_assert(f.timeout > 4 && f.timeout <= 5);
    ck_assert_uint_eq(f.max_bytes, 1 << 20);
    ck_assert_str_eq(out, "s=2:http://ex/a n=3:A o=3:x");
    ck_assert_int_eq(f.calls, 1); /* once, not once per left row */
    free(err);
}
END_TEST

START_TEST(test_update_prologue)
{
    fake f = {.answer = ROW1};
    bs_sparql_opts o = {.service = fake_call, .service_ctx = &f};
    const char *t = "PREFIX ex: <http://ex/> INSERT DATA { ex:z ex:p 1 } ;\n"
                    "PREFIX fx: <http://fx/> INSERT { ?s fx:q ?o } WHERE { SERVICE <http://r/> { ?s fx:p ?o } }";
    bs_sparql *u = NULL;
    char *err = NULL;
    bs_sparql_update_stats stats;
    ck_assert_int_eq(bs_sparql_parse(t, strlen(t), NULL, true, &u, NULL), BS_OK);
    ck_assert_int_eq(bs_sparql_update(store, u, &o, NULL, &stats, &err), BS_OK);
    ck_assert_str_eq(f.query, "PREFIX ex: <http://ex/>\nPREFIX fx: <http://fx/>\n"
                              "SELECT * WHERE { ?s fx:p ?o }\n");
    ck_assert_uint_eq(stats.inserted, 2);
    bs_sparql_free(u);
    free(err);
}
END_TEST

START_TEST(test_decode_terms)
{
    fake f = {.answer =
        "{\"head\":{\"vars\":[\"u\",\"l\",\"g\",\"d\",\"s\",\"t\",\"b\",\"c\",\"x\",\"unknown\"]},"
        "\"results\":{\"bindings\":[{"
        "\"u\":{\"type\":\"uri\",\"value\":\"http://ex/u\"},"
        "\"l\":{\"type\":\"literal\",\"value\":\"plain\"},"
        "\"g\":{\"type\":\"literal\",\"value\":\"chat\",\"xml:lang\":\"fr\"},"
        "\"d\":{\"type\":\"literal\",\"value\":\"5\",\"datatype\":\"http://www.w3.org/2001/XMLSchema#integer\"},"
        "\"s\":{\"type\":\"literal\",\"value\":\"str\",\"datatype\":\"http://www.w3.org/2001/XMLSchema#string\"},"
        "\"t\":{\"type\":\"typed-literal\",\"value\":\"1.5\",\"datatype\":\"http://www.w3.org/2001/XMLSchema#decimal\"},"
        "\"b\":{\"type\":\"bnode\",\"value\":\"r1\"},\"c\":{\"type\":\"bnode\",\"value\":\"r1\"},"
        "\"unknown\":{\"type\":\"uri\",\"value\":\"http://ex/dropped\"}},"
        "{\"x\":{\"type\":\"literal\",\"value\":\"only x\"}}]}}"};
    bs_sparql_opts o = {.service = fake_call, .service_ctx = &f};
    char out[1024], *err;
    /* ?unknown: a variable of the request, not of the SERVICE group: dropped */
    ck_assert_int_eq(run("SELECT ?u ?l ?g ?d ?s ?t ?x ?unknown (sameTerm(?b, ?c) AS ?same) (isBlank(?b) AS ?blank) "
                         "{ SERVICE <http://r/> { ?u ?l ?g . ?d ?s ?t . ?b ?c ?x } "
                         "OPTIONAL { BIND(1 AS ?unknown) } }", &o, out, sizeof out, &err), BS_OK);
    ck_assert_str_eq(out,
        "u=2:http://ex/u l=3:plain g=4:chat^fr d=5:5^http://www.w3.org/2001/XMLSchema#integer "
        "s=3:str t=5:1.5^http://www.w3.org/2001/XMLSchema#decimal "
        "unknown=5:1^http://www.w3.org/2001/XMLSchema#integer "
        "same=5:true^http://www.w3.org/2001/XMLSchema#boolean "
        "blank=5:true^http://www.w3.org/2001/XMLSchema#boolean"
        "|x=3:only x unknown=5:1^http://www.w3.org/2001/XMLSchema#integer");
    free(err);
}
END_TEST

/* Two answers naming the same blank node label: two different nodes. */
START_TEST(test_bnodes_per_call)
{
    fake f = {.answer = "{\"head\":{\"vars\":[\"b\"]},\"results\":{\"bindings\":["
                        "{\"b\":{\"type\":\"bnode\",\"value\":\"x\"}}]}}"};
    bs_sparql_opts o = {.service = fake_call, .service_ctx = &f};
    char out[256], *err;
    /* both answers bind ?b to _:x: the join finds no common node */
    ck_assert_int_eq(run("SELECT ?b { SERVICE <http://r/> { ?b ?p ?o } "
                         "SERVICE <http://r/> { ?b ?q ?w } }", &o, out, sizeof out, &err), BS_OK);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(f.calls, 2);
    free(err);
    /* the control: the same with an IRI joins */
    f.answer = "{\"head\":{\"vars\":[\"b\"]},\"results\":{\"bindings\":["
               "{\"b\":{\"type\":\"uri\",\"value\":\"http://x/\"}}]}}";
    ck_assert_int_eq(run("SELECT ?b { SERVICE <http://r/> { ?b ?p ?o } "
                         "SERVICE <http://r/> { ?b ?q ?w } }", &o, out, sizeof out, &err), BS_OK);
    ck_assert_str_eq(out, "b=2:http://x/");
    free(err);
}
END_TEST

START_TEST(test_bad_answer_and_silent)
{
    fake f = {.answer = "<html>oops</html>"};
    bs_sparql_opts o = {.service = fake_call, .service_ctx = &f};
    char out[256], *err;
    ck_assert_int_eq(run("SELECT * { SERVICE <http://r/> { ?s ?p ?o } }", &o, out, sizeof out, &err),
                     BS_ERR_PARSE);
    ck_assert_msg(!strncmp(err, "SERVICE <http://r/>: the answer is not SPARQL JSON results", 58), "%s", err);
    free(err);
    f.answer = "{\"boolean\":true}";
    ck_assert_int_eq(run("SELECT * { SERVICE <http://r/> { ?s ?p ?o } }", &o, out, sizeof out, &err),
                     BS_ERR_PARSE);
    ck_assert_str_eq(err, "SERVICE <http://r/>: the answer is a boolean, not solutions");
    free(err);
    f.answer = NULL; /* the hook fails */
    ck_assert_int_eq(run("SELECT * { SERVICE <http://r/> { ?s ?p ?o } }", &o, out, sizeof out, &err),
                     BS_ERR_IO);
    ck_assert_str_eq(err, "SERVICE <http://r/>: HTTP 503");
    free(err);
    /* SILENT: the one empty solution, joined with the rest */
    ck_assert_int_eq(run("PREFIX ex: <http://ex/> SELECT ?n ?o { ?s ex:name ?n "
                         "SERVICE SILENT <http://r/> { ?s ?p ?o } } ORDER BY ?n",
                         &o, out, sizeof out, &err), BS_OK);
    ck_assert_str_eq(out, "n=3:A|n=3:B");
    ck_assert_int_eq(f.calls, 4); /* one call for both rows */
    free(err);
}
END_TEST

/* SERVICE ?ep: once per distinct binding of ?ep from the other side. */
START_TEST(test_variable_endpoint)
{
    fake f = {.answer = "{\"head\":{\"vars\":[\"v\"]},\"results\":{\"bindings\":["
                        "{\"v\":{\"type\":\"literal\",\"value\":\"from e1\"}}]}}"};
    bs_sparql_opts o = {.service = fake_call, .service_ctx = &f};
    char out[512], *err;
    ck_assert_int_eq(run("PREFIX ex: <http://ex/> SELECT ?ep ?v { ?e ex:url ?ep "
                         "SERVICE ?ep { ?x ?y ?v } } ORDER BY ?ep", &o, out, sizeof out, &err), BS_OK);
    ck_assert_str_eq(out, "ep=2:http://e1/ v=3:from e1|ep=2:http://e2/ v=3:from e2");
    ck_assert_int_eq(f.calls, 2);
    free(err);
    /* the endpoint variable first: the join still seeds it */
    f.calls = 0;
    ck_assert_int_eq(run("PREFIX ex: <http://ex/> SELECT ?ep ?v { SERVICE ?ep { ?x ?y ?v } "
                         "?e ex:url ?ep } ORDER BY ?ep", &o, out, sizeof out, &err), BS_OK);
    ck_assert_str_eq(out, "ep=2:http://e1/ v=3:from e1|ep=2:http://e2/ v=3:from e2");
    free(err);
    /* never bound: a clean error; SILENT: the empty solution */
    ck_assert_int_eq(run("SELECT * { SERVICE ?nowhere { ?x ?y ?v } }", &o, out, sizeof out, &err),
                     BS_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(err, "SERVICE ?nowhere: the endpoint variable is not bound"));
    free(err);
    ck_assert_int_eq(run("SELECT * { SERVICE SILENT ?nowhere { ?x ?y ?v } }", &o, out, sizeof out, &err),
                     BS_OK);
    ck_assert_str_eq(out, "");
    free(err);
    /* bound to a literal: not an endpoint */
    ck_assert_int_eq(run("SELECT * { BIND(\"x\" AS ?ep) SERVICE ?ep { ?x ?y ?v } }", &o, out, sizeof out, &err),
                     BS_ERR_ARG);
    ck_assert_str_eq(err, "SERVICE: the endpoint is not an IRI");
    free(err);
}
END_TEST

/* ---- the built-in client against local sockets --------------------------- */

/* A listening socket on 127.0.0.1 (port 0 = any); *port its port. */
static int listen_local(int *port, bool do_listen)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    if (do_listen) ck_assert_int_eq(listen(fd, 8), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* A one-shot HTTP server: reads one request, writes a canned response. */
typedef struct {
    int fd;
    const char *response;
    size_t body_len;   ///< > 0: a body of this many 'x' bytes instead
    char req[4096];
} server;

static void *serve_one(void *arg)
{
    server *s = arg;
    int c = accept(s->fd, NULL, NULL);
    if (c < 0) return NULL;
    size_t n = 0;
    for (;;) { /* headers, then Content-Length bytes */
        ssize_t r = read(c, s->req + n, sizeof s->req - 1 - n);
        if (r <= 0) break;
        n += (size_t)r;
        s->req[n] = 0;
        char *end = strstr(s->req, "\r\n\r\n"), *cl = strcasestr(s->req, "Content-Length:");
        if (end && (!cl || n >= (size_t)(end + 4 - s->req) + strtoul(cl + 15, NULL, 10))) break;
    }
    /* send(MSG_NOSIGNAL): the client may close first (an answer over its
     * cap), and a write() would then kill the test with SIGPIPE */
    if (send(c, s->response, strlen(s->response), MSG_NOSIGNAL) < 0) goto done;
    char chunk[4096];
    memset(chunk, 'x', sizeof chunk);
    for (size_t left = s->body_len; left > 0;) {
        size_t k = left < sizeof chunk ? left : sizeof chunk;
        if (send(c, chunk, k, MSG_NOSIGNAL) < 0) break;
        left -= k;
    }
done:
    close(c);
    return NULL;
}

static bs_status http_call(const char *response, size_t body_len, double timeout,
                           size_t max, char **json, size_t *len, char **err,
                           server *s)
{
    int port;
    pthread_t th;
    char url[64];
    memset(s, 0, sizeof *s);
    s->fd = listen_local(&port, true);
    s->response = response;
    s->body_len = body_len;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/sparql", port);
    ck_assert_int_eq(pthread_create(&th, NULL, serve_one, s), 0);
    bs_sparql_service_call c = {.endpoint = url, .query = "SELECT * WHERE { ?s ?p ?o }\n",
                                .timeout = timeout, .max_bytes = max};
    *json = NULL;
    *err = NULL;
    bs_status st = bs_sparql_service_http(NULL, &c, json, len, err);
    shutdown(s->fd, SHUT_RDWR);
    pthread_join(th, NULL);
    close(s->fd);
    return st;
}

START_TEST(test_http_client)
{
    server s;
    char *json, *err;
    size_t len;
    const char *ok = "HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                     "Content-Length: 2\r\nConnection: close\r\n\r\n{}";
    ck_assert_int_eq(http_call(ok, 0, 5, 0, &json, &len, &err, &s), BS_OK);
    ck_assert_uint_eq(len, 2);
    ck_assert_str_eq(json, "{}");
    ck_assert_msg(!strncmp(s.req, "POST /sparql HTTP/1.1\r\n", 23), "%s", s.req);
    ck_assert_ptr_nonnull(strcasestr(s.req, "\r\nContent-Type: application/sparql-query\r\n"));
    ck_assert_ptr_nonnull(strcasestr(s.req, "\r\nAccept: application/sparql-results+json\r\n"));
    ck_assert_ptr_nonnull(strstr(s.req, "\r\n\r\nSELECT * WHERE { ?s ?p ?o }\n"));
    free(json);

    ck_assert_int_eq(http_call("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                               "Connection: close\r\n\r\n", 0, 5, 0, &json, &len, &err, &s), BS_ERR_IO);
    ck_assert_str_eq(err, "HTTP 500");
    free(err);
    ck_assert_int_eq(http_call("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                               "Content-Length: 0\r\nConnection: close\r\n\r\n", 0, 5, 0,
                               &json, &len, &err, &s), BS_ERR_IO);
    ck_assert_str_eq(err, "the answer is text/html, not SPARQL JSON results");
    free(err);
    /* the size cap: 1 MB answered, 64 KiB allowed */
    ck_assert_int_eq(http_call("HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                               "Content-Length: 1000000\r\nConnection: close\r\n\r\n", 1000000, 5, 65536,
                               &json, &len, &err, &s), BS_ERR_LIMIT);
    ck_assert_str_eq(err, "the answer is larger than 65536 bytes");
    ck_assert_ptr_null(json);
    free(err);
    /* redirects to other schemes are not followed */
    ck_assert_int_eq(http_call("HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\n"
                               "Content-Length: 0\r\nConnection: close\r\n\r\n", 0, 5, 0,
                               &json, &len, &err, &s), BS_ERR_ARG);
    free(err);
}
END_TEST

START_TEST(test_http_schemes)
{
    char *json, *err = NULL;
    size_t len;
    const char *bad[] = {"file:///etc/passwd", "ftp://127.0.0.1/", "gopher://x/", "/relative", NULL};
    for (int i = 0; bad[i]; i++) {
        bs_sparql_service_call c = {.endpoint = bad[i], .query = "ASK {}"};
        ck_assert_int_eq(bs_sparql_service_http(NULL, &c, &json, &len, &err), BS_ERR_ARG);
        ck_assert_str_eq(err, "only http: and https: endpoints are called");
        free(err);
        err = NULL;
    }
    char out[256];
    bs_status st = run("SELECT * { SERVICE <file:///etc/passwd> { ?s ?p ?o } }", NULL, out, sizeof out, &err);
    ck_assert_int_eq(st, BS_ERR_ARG);
    ck_assert_str_eq(err, "SERVICE <file:///etc/passwd>: only http: and https: endpoints are called");
    free(err);
}
END_TEST

START_TEST(test_refused)
{
    int port;
    int fd = listen_local(&port, false); /* bound, not listening: refused */
    char q[256], out[256], *err;
    snprintf(q, sizeof q, "PREFIX ex: <http://ex/> SELECT ?n { ?s ex:name ?n "
             "SERVICE SILENT <http://127.0.0.1:%d/sparql> { ?s ?p ?o } } ORDER BY ?n", port);
    ck_assert_int_eq(run(q, NULL, out, sizeof out, &err), BS_OK);
    ck_assert_str_eq(out, "n=3:A|n=3:B");
    free(err);
    snprintf(q, sizeof q, "SELECT * { SERVICE <http://127.0.0.1:%d/sparql> { ?s ?p ?o } }", port);
    ck_assert_int_eq(run(q, NULL, out, sizeof out, &err), BS_ERR_IO);
    char want[128];
    snprintf(want, sizeof want, "SERVICE <http://127.0.0.1:%d/sparql>: ", port);
    ck_assert_msg(!strncmp(err, want, strlen(want)), "%s", err);
    free(err);
    close(fd);
}
END_TEST

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* An endpoint that accepts and never answers: the query's deadline ends
 * the call, SILENT or not. */
START_TEST(test_deadline)
{
    int port;
    int fd = listen_local(&port, true);
    char q[256], out[256], *err;
    bs_sparql_opts o = {.timeout = 0.5};
    for (int silent = 0; silent < 2; silent++) {
        snprintf(q, sizeof q, "SELECT * { SERVICE %s <http://127.0.0.1:%d/sparql> { ?s ?p ?o } }",
                 silent ? "SILENT" : "", port);
        double t0 = now_s();
        ck_assert_int_eq(run(q, &o, out, sizeof out, &err), BS_ERR_TIMEOUT);
        double took = now_s() - t0;
        ck_assert_msg(took >= 0.4 && took < 2.0, "took %.2f s", took);
        ck_assert_ptr_nonnull(strstr(err, "no answer within the query's time limit"));
        free(err);
    }
    close(fd);
}
END_TEST

/* A client that reports the query's time limit reached at once: with
 * a deadline that is the query's own timeout, which SILENT does not
 * cover, even when the clock still shows time left (curl's limit is the
 * time left, so it may fire a millisecond before the deadline). */
static bs_status times_out(void *ctx, const bs_sparql_service_call *c, char **json,
                           size_t *len, char **err)
{
    (void)json;
    (void)len;
    *(double *)ctx = c->timeout;
    *err = strdup("no answer within the query's time limit");
    return BS_ERR_TIMEOUT;
}

START_TEST(test_silent_keeps_deadline)
{
    char out[256], *err;
    const char *q = "SELECT * { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }";
    double left = -1;
    bs_sparql_opts o = {.service = times_out, .service_ctx = &left, .timeout = 30};
    ck_assert_int_eq(run(q, &o, out, sizeof out, &err), BS_ERR_TIMEOUT);
    ck_assert_msg(left > 25, "time left passed on: %g", left);
    ck_assert_ptr_nonnull(strstr(err, "time limit"));
    free(err);
    /* without a deadline, a call that timed out (a stalled transfer) is
     * the endpoint's failure: SILENT gives the one empty solution */
    o.timeout = 0;
    ck_assert_int_eq(run(q, &o, out, sizeof out, &err), BS_OK);
    ck_assert_str_eq(out, "");
    free(err);
}
END_TEST

static void *cancel_later(void *arg)
{
    usleep(300 * 1000);
    *(volatile int *)arg = 1;
    return NULL;
}

START_TEST(test_cancel)
{
    int port;
    int fd = listen_local(&port, true);
    volatile int cancel = 0;
    pthread_t th;
    char q[256], out[256], *err;
    bs_sparql_opts o = {.cancel = &cancel}; /* no deadline */
    snprintf(q, sizeof q, "SELECT * { SERVICE SILENT <http://127.0.0.1:%d/sparql> { ?s ?p ?o } }", port);
    ck_assert_int_eq(pthread_create(&th, NULL, cancel_later, (void *)&cancel), 0);
    double t0 = now_s();
    ck_assert_int_eq(run(q, &o, out, sizeof out, &err), BS_ERR_TIMEOUT);
    ck_assert_msg(now_s() - t0 < 3.0, "took %.2f s", now_s() - t0);
    free(err);
    pthread_join(th, NULL);
    close(fd);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sparql_service");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_query_text);
    tcase_add_test(tc, test_update_prologue);
    tcase_add_test(tc, test_decode_terms);
    tcase_add_test(tc, test_bnodes_per_call);
    tcase_add_test(tc, test_bad_answer_and_silent);
    tcase_add_test(tc, test_variable_endpoint);
    tcase_add_test(tc, test_http_client);
    tcase_add_test(tc, test_http_schemes);
    tcase_add_test(tc, test_refused);
    tcase_add_test(tc, test_deadline);
    tcase_add_test(tc, test_silent_keeps_deadline);
    tcase_add_test(tc, test_cancel);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
