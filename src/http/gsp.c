/* SPDX-License-Identifier: MIT
 * battstore — /data, the SPARQL 1.1 Graph Store HTTP Protocol.
 *
 * The graph is named indirectly (?default, ?graph=IRI) or directly: a
 * request to /data/SOME/PATH means the graph http://HOST/data/SOME/PATH
 * (which is also the kind of IRI a POST to /data mints for a new graph,
 * so its Location can be fetched as it is).
 *
 * Reads check the caller's role first: a graph the caller may not see is
 * answered exactly as one that does not exist.  Writes need the writer
 * role.  A body is spooled to a temporary file (one per part of a
 * multipart/form-data body) and loaded by the ingest layer in one write
 * transaction: a syntax error anywhere leaves the store as it was, and
 * the hook before_write (run after parsing, before writing) tells a new
 * graph from an old one and registers it (so an empty PUT creates it). */
#include "config.h"
#include "http/access.h"
#include "ingest/ingest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#define MAX_PARTS 16

/* Media types of bodies: the file extension the loader knows them by. */
static const struct {
    const char *mime, *ext;
} inputs[] = {
    {"text/turtle", "ttl"},          {"application/x-turtle", "ttl"},
    {"application/n-triples", "nt"}, {"text/plain", "nt"},
    {"application/rdf+xml", "rdf"},  {"application/xml", "rdf"},
    {"text/xml", "rdf"},
};

/* What GET offers: media type (with charset) and export format. */
static const char *const offered[] = {
    "text/turtle", "application/n-triples", "application/rdf+xml",
    "application/n-quads", "text/plain",
};
static const struct {
    const char *ctype, *format;
} outputs[] = {
    {"text/turtle; charset=utf-8", "turtle"},
    {"application/n-triples; charset=utf-8", "ntriples"},
    {"application/rdf+xml; charset=utf-8", "rdfxml"},
    {"application/n-quads; charset=utf-8", "nquads"},
    {"text/plain; charset=utf-8", "ntriples"},
};

/* ---- which graph --------------------------------------------------- */

/* The graph a request names.  iri NULL = the default graph. */
typedef struct {
    char *iri;     /* owned */
    bool fresh;    /* POST /data without a graph: a new IRI was minted */
} target;

/* An absolute IRI: a scheme, ':' and no character IRIs forbid. */
static bool iri_ok(const char *s)
{
    const char *p = s;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) return false;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
           (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.')
        p++;
    if (*p != ':') return false;
    for (; *p; p++)
        if ((unsigned char)*p <= 0x20 || strchr("<>\"{}|\\^`", *p)) return false;
    return true;
}

/* "http://HOST" of the request (Host header, else the server's address). */
static char *origin(const bs_http_req *rq)
{
    const char *host = bs_http_header(rq, "Host");
    char *s = NULL;
    if (host && *host && !strpbrk(host, " \t/\\<>\"{}|^`"))
        return asprintf(&s, "http://%s", host) < 0 ? NULL : s;
    return asprintf(&s, "http://127.0.0.1:%u", rq->srv ? rq->srv->port : 0) < 0 ? NULL
                                                                                : s;
}

static bs_status mint_iri(const bs_http_req *rq, char **out)
{
    unsigned char r[12];
    char hex[sizeof r * 2 + 1];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) return BS_ERR_IO;
    for (size_t i = 0; i < sizeof r; i++) sprintf(hex + 2 * i, "%02x", r[i]);
    char *o = origin(rq);
    if (!o) return BS_ERR_NOMEM;
    int n = asprintf(out, "%s/data/graph-%s", o, hex);
    free(o);
    return n < 0 ? BS_ERR_NOMEM : BS_OK;
}

/* Fill t from the request, or answer 400 and return BS_ERR_ARG. */
static bs_status find_target(bs_http_req *rq, bs_http_resp *rs, target *t)
{
    const char *g = bs_http_param(rq, "graph");
    bool dflt = bs_http_has_param(rq, "default");
    bool direct = strncmp(rq->path, "/data/", 6) == 0 && rq->path[6];
    t->iri = NULL;
    t->fresh = false;
    if ((g != NULL) + dflt + direct > 1) {
        bs_http_text(rs, 400, "name one graph: ?default, ?graph=IRI or /data/PATH");
        return BS_ERR_ARG;
    }
    if (dflt) return BS_OK;
    if (g) {
        if (!iri_ok(g)) {
            bs_http_text(rs, 400, "graph is not an absolute IRI: %s", g);
            return BS_ERR_ARG;
        }
        return (t->iri = strdup(g)) ? BS_OK : BS_ERR_NOMEM;
    }
    if (direct) {
        char *o = origin(rq);
        if (!o || asprintf(&t->iri, "%s%s", o, rq->path) < 0) t->iri = NULL;
        free(o);
        if (!t->iri) return BS_ERR_NOMEM;
        if (iri_ok(t->iri)) return BS_OK;
        bs_http_text(rs, 400, "graph is not an absolute IRI: %s", t->iri);
        free(t->iri);
        t->iri = NULL;
        return BS_ERR_ARG;
    }
    if (strcmp(rq->method, "POST") == 0) {
        t->fresh = true;
        return mint_iri(rq, &t->iri);
    }
    bs_http_text(rs, 400, "name a graph: /data?default or /data?graph=IRI");
    return BS_ERR_ARG;
}

/* ---- GET and HEAD --------------------------------------------------- */

static bs_status not_found(bs_http_resp *rs, const target *t)
{
    /* the same answer whether the graph is absent or hidden from the caller */
    bs_http_text(rs, 404, "no graph <%s>", t->iri);
    return BS_NOT_FOUND;
}

/* A graph streamed as the result of a CONSTRUCT over it: the engine's
 * writers (its Turtle writes every literal in full: Raptor's Turtle
 * serializer would write "1.0"^^xsd:double as the decimal 1.0).  The
 * query runs with the caller's visibility: even if a level changed
 * since the lookup, nothing hidden is written. */
typedef struct {
    bs_sparql *q;
    bs_sparql_opts opts;
    bs_role role;
    bs_sparql_stream *s;
} graph_stream;

static bs_status stream_pull(void *ctx, char *buf, size_t max, size_t *n)
{
    return bs_sparql_stream_read(((graph_stream *)ctx)->s, buf, max, n);
}

static void stream_free(void *ctx)
{
    graph_stream *g = ctx;
    if (!g) return;
    bs_sparql_stream_close(g->s);
    bs_sparql_free(g->q);
    free(g);
}

static bs_status stream_graph(bs_http_req *rq, bs_http_resp *rs, const target *t,
                              size_t k)
{
    char *text = NULL;
    bs_status st = BS_ERR_NOMEM;
    graph_stream *g = calloc(1, sizeof *g);
    if (!g) goto fail;
    int len = t->iri ? asprintf(&text, "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <%s> "
                                       "{ ?s ?p ?o } }", t->iri)
                     : asprintf(&text, "CONSTRUCT WHERE { ?s ?p ?o }");
    if (len < 0) {
        text = NULL;
        goto fail;
    }
    TRY(st, bs_sparql_parse(text, (size_t)len, NULL, false, &g->q, NULL));
    g->role = rq->role;
    /* no timeout or memory cap: a download runs as long as its graph
     * needs; it stops when the client goes away or the server stops */
    bs_http_base_opts(rq, &g->role, &g->opts);
    TRY(st, bs_sparql_stream_open(rq->srv->store, g->q, &g->opts, outputs[k].format,
                                  &g->s, NULL));
    free(text);
    rs->status = 200;
    rs->ctype = outputs[k].ctype;
    rs->pull = stream_pull;
    rs->pull_ctx = g;
    rs->pull_free = stream_free;
    return BS_OK;
fail:
    free(text);
    stream_free(g);
    return st;
}

/* N-Quads keeps the graph's name: bs_export, buffered. */
static bs_status export_graph(bs_http_req *rq, bs_http_resp *rs, const target *t,
                              size_t k)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return BS_ERR_NOMEM;
    bs_status st = bs_export(rq->srv->store, t->iri ? t->iri : "", outputs[k].format, f);
    fclose(f);
    if (st != BS_OK) {
        free(buf);
        return st;
    }
    bs_http_body(rs, 200, outputs[k].ctype, buf, len);
    return BS_OK;
}

static bs_status gsp_get(bs_http_req *rq, bs_http_resp *rs, const target *t)
{
    const char *mime = bs_http_negotiate(bs_http_header(rq, "Accept"), offered,
                                         sizeof offered / sizeof offered[0]);
    if (!mime) {
        bs_http_text(rs, 406, "a graph is offered as text/turtle, application/n-triples, "
                              "application/rdf+xml or application/n-quads");
        return BS_ERR_ARG;
    }
    size_t k = 0;
    while (strcmp(offered[k], mime) != 0) k++;
    bs_txn *txn = NULL;
    bs_graph_info info;
    bs_status st = bs_txn_begin(rq->srv->store, false, &txn);
    if (st == BS_OK) st = bs_http_graph_lookup(txn, rq, t->iri, &info);
    bs_txn_abort(txn);
    if (st == BS_OK)
        st = strcmp(outputs[k].format, "nquads") == 0 ? export_graph(rq, rs, t, k)
                                                     : stream_graph(rq, rs, t, k);
    if (st == BS_NOT_FOUND) return not_found(rs, t);
    if (st != BS_OK)
        bs_http_text(rs, bs_http_status_of(st), "cannot read the graph: %s",
                     bs_strerror(st));
    return st;
}

/* ---- bodies --------------------------------------------------------- */

typedef struct {
    char *paths[MAX_PARTS];
    size_t n;
} spool;

static void spool_free(spool *sp)
{
    for (size_t i = 0; i < sp->n; i++) {
        unlink(sp->paths[i]);
        free(sp->paths[i]);
    }
    sp->n = 0;
}

static const char *ext_of(const char *mime)
{
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        if (strcasecmp(mime, inputs[i].mime) == 0) return inputs[i].ext;
    return NULL;
}

/* Write data[0..len) to a new temporary file named *.EXT. */
static bs_status spool_add(spool *sp, const char *data, size_t len, const char *ext)
{
    if (sp->n == MAX_PARTS) return BS_ERR_LIMIT;
    const char *dir = getenv("TMPDIR");
    char *path = NULL;
    if (asprintf(&path, "%s/battstore-gsp-XXXXXX.%s", dir && *dir ? dir : "/tmp",
                 ext) < 0)
        return BS_ERR_NOMEM;
    int fd = mkstemps(path, (int)strlen(ext) + 1);
    if (fd < 0) {
        free(path);
        return BS_ERR_IO;
    }
    sp->paths[sp->n++] = path;
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            close(fd);
            return BS_ERR_IO;
        }
        data += w;
        len -= (size_t)w;
    }
    return close(fd) == 0 ? BS_OK : BS_ERR_IO;
}

static bs_status unsupported(bs_http_resp *rs, const char *mime)
{
    bs_http_text(rs, 415, "cannot load '%s': send text/turtle, application/n-triples "
                          "or application/rdf+xml", *mime ? mime : "(no Content-Type)");
    return BS_ERR_UNSUPPORTED;
}

/* One part of a multipart/form-data body: by its Content-Type, else by
 * the extension of its file name. */
static bs_status add_part(void *ctx, const bs_http_part *p)
{
    const char *ext = p->ctype ? ext_of(p->ctype) : NULL;
    if (!p->ctype && p->filename) {
        const char *dot = strrchr(p->filename, '.');
        if (dot && bs_format_parser(NULL, p->filename) &&
            (!strcmp(dot, ".ttl") || !strcmp(dot, ".nt") || !strcmp(dot, ".rdf") ||
             !strcmp(dot, ".owl")))
            ext = dot + 1;
    }
    if (!ext) return BS_ERR_UNSUPPORTED;
    return spool_add(ctx, p->data, p->len, ext);
}

/* Spool the request body; on failure the response is set. */
static bs_status spool_body(bs_http_req *rq, bs_http_resp *rs, spool *sp)
{
    bs_status st;
    if (rq->charset && strcmp(rq->charset, "utf-8") && strcmp(rq->charset, "us-ascii")) {
        bs_http_text(rs, 415, "bodies are read as UTF-8, not %s", rq->charset);
        return BS_ERR_UNSUPPORTED;
    }
    if (strcmp(rq->ctype, "multipart/form-data") == 0) {
        st = bs_http_multipart(rq->body, rq->body_len,
                               bs_http_header(rq, "Content-Type"), add_part, sp);
        if (st == BS_ERR_UNSUPPORTED) return unsupported(rs, "a part's media type");
        if (st == BS_ERR_PARSE) {
            bs_http_text(rs, 400, "malformed multipart/form-data body");
            return BS_ERR_ARG;
        }
        if (st == BS_OK && sp->n == 0) {
            bs_http_text(rs, 400, "the multipart body has no part");
            return BS_ERR_ARG;
        }
    } else {
        const char *ext = ext_of(rq->ctype);
        if (!ext) return unsupported(rs, rq->ctype);
        st = spool_add(sp, rq->body, rq->body_len, ext);
    }
    if (st == BS_ERR_LIMIT) bs_http_text(rs, 413, "at most %d parts", MAX_PARTS);
    else if (st != BS_OK && st != BS_ERR_ARG)
        bs_http_text(rs, 500, "cannot hold the body: %s", bs_strerror(st));
    return st;
}

/* ---- PUT and POST --------------------------------------------------- */

typedef struct {
    bool existed;
} hook_ctx;

/* Inside the load's transaction: did the graph exist?  Register it. */
static bs_status before_write(void *vctx, bs_txn *txn, bs_id g)
{
    hook_ctx *h = vctx;
    bs_graph_info info;
    if (g == BS_DEFAULT_GRAPH) { /* always there: "created" when it was empty */
        bs_quad pat = {BS_ANY, BS_ANY, BS_ANY, BS_DEFAULT_GRAPH};
        uint64_t n = 0;
        bs_status st = bs_quad_count(txn, &pat, &n);
        h->existed = n > 0;
        return st;
    }
    bs_status st = bs_graph_get(txn, g, &info);
    if (st != BS_OK && st != BS_NOT_FOUND) return st;
    h->existed = st == BS_OK;
    return bs_graph_create(txn, g);
}

static bs_status load_error(bs_http_resp *rs, bs_status st, const bs_load_report *rep,
                            const spool *sp)
{
    if (st != BS_ERR_PARSE) {
        bs_http_text(rs, bs_http_status_of(st), "cannot store the graph: %s",
                     rep->err_msg ? rep->err_msg : bs_strerror(st));
        return st;
    }
    char part[32] = "";
    for (size_t i = 0; sp->n > 1 && i < sp->n; i++)
        if (rep->err_file && strcmp(sp->paths[i], rep->err_file) == 0)
            snprintf(part, sizeof part, "part %zu, ", i + 1);
    const char *msg = rep->err_msg ? rep->err_msg : "syntax error";
    if (rep->err_line > 0 && rep->err_col > 0)
        bs_http_text(rs, 400, "%sline %ld, column %ld: %s", part, rep->err_line,
                     rep->err_col, msg);
    else if (rep->err_line > 0)
        bs_http_text(rs, 400, "%sline %ld: %s", part, rep->err_line, msg);
    else
        bs_http_text(rs, 400, "%s%s", part, msg);
    return st;
}

static bs_status gsp_load(bs_http_req *rq, bs_http_resp *rs, const target *t,
                          bool replace)
{
    spool sp = {0};
    bs_load_report rep;
    hook_ctx h = {false};
    char *base = NULL;
    bs_status st = spool_body(rq, rs, &sp);
    memset(&rep, 0, sizeof rep);
    if (st != BS_OK) goto out;
    if (!t->iri) {
        char *o = origin(rq);
        if (!o || asprintf(&base, "%s/data", o) < 0) base = NULL;
        free(o);
    }
    bs_load_opts opts = {
        .graph_iri = t->iri, .base_iri = t->iri ? t->iri : base, .replace = replace,
        .before_write = before_write, .before_write_ctx = &h,
    };
    st = bs_load_files(rq->srv->store, (const char *const *)sp.paths, sp.n, &opts, &rep);
    if (st != BS_OK) {
        load_error(rs, st, &rep, &sp);
        goto out;
    }
    if (h.existed) {
        bs_http_body(rs, 204, NULL, NULL, 0);
    } else {
        if (t->fresh && (st = bs_http_add_header(rs, "Location", t->iri)) != BS_OK)
            goto out;
        bs_http_body(rs, 201, NULL, NULL, 0);
    }
out:
    bs_load_report_free(&rep);
    spool_free(&sp);
    free(base);
    return st;
}

/* ---- DELETE ---------------------------------------------------------- */

typedef struct {
    const char *iri;
} drop_ctx;

static bs_status drop_fn(bs_txn *txn, void *vctx)
{
    drop_ctx *d = vctx;
    if (!d->iri) return bs_graph_clear(txn, BS_DEFAULT_GRAPH, false, NULL);
    bs_term term = bs_term_iri(d->iri, strlen(d->iri));
    bs_id g;
    bs_graph_info info;
    bs_status st = bs_dict_lookup(txn, &term, &g);
    if (st == BS_OK) st = bs_graph_get(txn, g, &info);
    if (st != BS_OK) return st;
    return bs_graph_clear(txn, g, true, NULL);
}

static bs_status gsp_delete(bs_http_req *rq, bs_http_resp *rs, const target *t)
{
    drop_ctx d = {t->iri};
    bs_status st = bs_store_write(rq->srv->store, drop_fn, &d);
    if (st == BS_NOT_FOUND) return not_found(rs, t);
    if (st != BS_OK) {
        bs_http_text(rs, bs_http_status_of(st), "cannot drop the graph: %s",
                     bs_strerror(st));
        return st;
    }
    bs_http_body(rs, 204, NULL, NULL, 0);
    return BS_OK;
}

/* ---- the door -------------------------------------------------------- */

static bs_status dispatch(bs_http_req *rq, bs_http_resp *rs, const target *t)
{
    const char *m = rq->method;
    if (!strcmp(m, "GET") || !strcmp(m, "HEAD")) return gsp_get(rq, rs, t);
    if (!strcmp(m, "PUT")) return gsp_load(rq, rs, t, true);
    if (!strcmp(m, "POST")) return gsp_load(rq, rs, t, false);
    return gsp_delete(rq, rs, t);
}

bs_status bs_http_h_gsp(bs_http_req *rq, bs_http_resp *rs)
{
    static const char *const methods[] = {"GET", "HEAD", "PUT", "POST", "DELETE"};
    size_t i = 0;
    while (i < 5 && strcmp(rq->method, methods[i]) != 0) i++;
    if (i == 5) {
        bs_status st = bs_http_add_header(rs, "Allow", "GET, HEAD, PUT, POST, DELETE");
        if (st == BS_OK) bs_http_text(rs, 405, "/data answers GET, HEAD, PUT, POST, DELETE");
        return BS_ERR_ARG;
    }
    /* writes are refused before anything else is looked at */
    if (i >= 2 && bs_http_need_writer(rq, rs) != BS_OK) return BS_ERR_ARG;
    target t = {NULL, false};
    bs_status st = find_target(rq, rs, &t);
    if (st == BS_ERR_NOMEM) bs_http_text(rs, 500, "out of memory");
    if (st != BS_OK) return st;
    if (!bs_http_slot_take(rq->srv)) {
        free(t.iri);
        bs_http_text(rs, 503, "the server is busy; try again");
        return BS_ERR_BUSY;
    }
    st = dispatch(rq, rs, &t);
    bs_http_slot_give(rq->srv);
    free(t.iri);
    return st;
}
