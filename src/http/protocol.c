/* SPDX-License-Identifier: MIT
 * battstore — /sparql, the SPARQL 1.1 Protocol: queries (GET, POST form,
 *   POST application/sparql-query) answered as streamed bodies in the
 *   negotiated format, updates (POST form, application/sparql-update) for
 *   writers, and the Service Description when no operation is given. */
#define _GNU_SOURCE
#include "config.h"
#include "http/http_int.h"
#include "http/protocol_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- checks on the request ---------------------------------------------- */

/* An error response for a request that cannot be served as sent. */
static bs_status refuse(bs_http_resp *rs, unsigned code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bs_status refuse(bs_http_resp *rs, unsigned code, const char *fmt, ...)
{
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0) msg = NULL;
    va_end(ap);
    bs_http_text(rs, code, "%s", msg ? msg : "bad request");
    free(msg);
    return BS_ERR_ARG;
}

bool bs_http_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned c = *p++;
        size_t more;
        unsigned cp, min;
        if (c < 0x80) continue;
        if (c >= 0xC2 && c <= 0xDF) { more = 1; cp = c & 0x1F; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { more = 2; cp = c & 0x0F; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { more = 3; cp = c & 0x07; min = 0x10000; }
        else return false;
        if ((size_t)(end - p) < more) return false;
        for (size_t i = 0; i < more; i++) {
            if ((p[i] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        p += more;
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    }
    return true;
}

/* A charset parameter SPARQL text may come in: UTF-8 or its ASCII subset. */
static bool charset_ok(const char *cs)
{
    return !cs || !strcasecmp(cs, "utf-8") || !strcasecmp(cs, "utf8") ||
           !strcasecmp(cs, "us-ascii") || !strcasecmp(cs, "ascii");
}

/* The one value of parameter name (BS_NOT_FOUND when absent); a repeated
 * one is a 400. */
static bs_status one_param(bs_http_req *rq, bs_http_resp *rs, const char *name,
                           const char **out)
{
    const char *const *vals;
    size_t n = bs_http_params(rq, name, &vals);
    *out = NULL;
    if (n == 0) return BS_NOT_FOUND;
    if (n > 1) {
        bs_http_text(rs, 400, "more than one '%s' parameter", name);
        return BS_ERR_ARG;
    }
    *out = vals[0];
    return BS_OK;
}

/* ---- the operation a request asks for --------------------------------- */

typedef enum { OP_NONE, OP_QUERY, OP_UPDATE } op_kind;

typedef struct {
    op_kind kind;
    const char *text;
    size_t len;
} operation;

/* A direct POST: the body is the operation; its media type says which. */
static bs_status op_direct(bs_http_req *rq, bs_http_resp *rs, op_kind kind,
                           operation *op)
{
    if (!charset_ok(rq->charset))
        return refuse(rs, 415, "charset '%s' is not supported: send UTF-8",
                            rq->charset);
    op->kind = kind;
    op->text = rq->body;
    op->len = rq->body_len;
    return BS_OK;
}

/* A form (GET query string or POST urlencoded body): query= or update=. */
static bs_status op_form(bs_http_req *rq, bs_http_resp *rs, operation *op)
{
    const char *q, *u;
    bs_status sq = one_param(rq, rs, "query", &q), su;
    if (sq != BS_OK && sq != BS_NOT_FOUND) return sq;
    if ((su = one_param(rq, rs, "update", &u)) != BS_OK && su != BS_NOT_FOUND) return su;
    if (q && u)
        return refuse(rs, 400, "a request carries either 'query' or 'update', "
                                     "not both");
    if (u && strcmp(rq->method, "POST") != 0)
        return refuse(rs, 400, "an update must be sent by POST");
    op->kind = q ? OP_QUERY : u ? OP_UPDATE : OP_NONE;
    op->text = q ? q : u;
    op->len = op->text ? strlen(op->text) : 0;
    return BS_OK;
}

static bs_status pick_operation(bs_http_req *rq, bs_http_resp *rs, operation *op)
{
    memset(op, 0, sizeof *op);
    const char *m = rq->method;
    if (!strcmp(m, "GET") || !strcmp(m, "HEAD")) return op_form(rq, rs, op);
    if (strcmp(m, "POST") != 0) {
        bs_http_add_header(rs, "Allow", "GET, POST");
        return refuse(rs, 405, "%s is not allowed on /sparql: use GET or POST",
                            m);
    }
    const char *ct = rq->ctype ? rq->ctype : "";
    if (!strcmp(ct, "application/sparql-query")) return op_direct(rq, rs, OP_QUERY, op);
    if (!strcmp(ct, "application/sparql-update")) return op_direct(rq, rs, OP_UPDATE, op);
    if (!strcmp(ct, "application/x-www-form-urlencoded")) {
        if (!charset_ok(rq->charset))
            return refuse(rs, 415, "charset '%s' is not supported: send UTF-8",
                                rq->charset);
        bs_status st = op_form(rq, rs, op);
        if (st != BS_OK) return st;
        if (op->kind == OP_NONE)
            return refuse(rs, 400, "the form has neither a 'query' nor an "
                                         "'update' parameter");
        return BS_OK;
    }
    if (!*ct)
        return refuse(rs, 415, "a POST to /sparql needs a Content-Type: application/"
                               "sparql-query, application/sparql-update or "
                               "application/x-www-form-urlencoded");
    return refuse(rs, 415, "unsupported media type '%s': use application/sparql-query, "
                           "application/sparql-update or application/x-www-form-"
                           "urlencoded", ct);
}

/* ---- running ------------------------------------------------------------ */

char *bs_http_endpoint_iri(const bs_http_req *rq)
{
    const char *host = bs_http_header(rq, "Host");
    char *iri = NULL;
    int n;
    if (host && *host && !strpbrk(host, " <>\"{}|\\^`/"))
        n = asprintf(&iri, "http://%s/sparql", host);
    else
        n = asprintf(&iri, "http://%s:%u/sparql", rq->srv->cfg.bind ? rq->srv->cfg.bind
                                                                   : "127.0.0.1",
                     rq->srv->port);
    return n < 0 ? NULL : iri;
}

/* 400 for a syntax error: "LINE:COL: message". */
static bs_status parse_op(bs_http_req *rq, bs_http_resp *rs, const char *text,
                          size_t len, bool update, bs_sparql **out)
{
    bs_sparql_error e = {0};
    bs_status st = BS_ERR_PARSE;
    char *base = NULL;
    if (!bs_http_utf8_valid(text, len)) {
        bs_http_text(rs, 400, "the %s is not valid UTF-8", update ? "update" : "query");
        goto fail;
    }
    if (!(base = bs_http_endpoint_iri(rq))) {
        st = BS_ERR_NOMEM;
        bs_http_text(rs, 500, "out of memory");
        goto fail;
    }
    st = bs_sparql_parse(text, len, base, update, out, &e);
    if (st == BS_ERR_PARSE) bs_http_text(rs, 400, "%ld:%ld: %s", e.line, e.col, e.msg);
    else if (st != BS_OK)
        bs_http_text(rs, bs_http_status_of(st), "%s", e.msg[0] ? e.msg : bs_strerror(st));
fail:
    free(base);
    return st;
}

bs_status bs_http_run_error(bs_http_req *rq, bs_http_resp *rs, bs_status st,
                            const char *msg)
{
    const bs_http_config *cfg = &rq->srv->cfg;
    unsigned code = st == BS_NOT_FOUND ? 404
                  : st == BS_ERR_ARG || st == BS_ERR_PARSE ? 400
                  : bs_http_status_of(st);
    if (st == BS_ERR_TIMEOUT && rq->cancel)
        bs_http_text(rs, 503, "the request was cancelled");
    else if (st == BS_ERR_TIMEOUT)
        bs_http_text(rs, 503, "query timed out after %g s", cfg->timeout);
    else if (st == BS_ERR_LIMIT)
        bs_http_text(rs, 503, "the request went over its memory limit (%zu MiB)",
                     cfg->mem_limit >> 20);
    else
        bs_http_text(rs, code, "%s", msg && *msg ? msg : bs_strerror(st));
    return st;
}

void bs_http_fill_opts(bs_http_req *rq, bs_sparql_opts *o, bool update)
{
    const bs_http_config *cfg = &rq->srv->cfg;
    const char *dg = update ? "using-graph-uri" : "default-graph-uri";
    const char *ng = update ? "using-named-graph-uri" : "named-graph-uri";
    bs_http_base_opts(rq, &rq->role, o);
    o->n_default = bs_http_params(rq, dg, &o->default_graphs);
    o->n_named = bs_http_params(rq, ng, &o->named_graphs);
    /* Queries without a dataset see the union of every graph the caller
     * may see; an update's WHERE reads the graph it writes (the store's
     * default graph) unless it names others. */
    o->union_default = !update;
    o->timeout = cfg->timeout > 0 ? cfg->timeout : 0;
    o->mem_limit = cfg->mem_limit;
}

void bs_http_base_opts(bs_http_req *rq, const bs_role *role, bs_sparql_opts *o)
{
    memset(o, 0, sizeof *o);
    o->visible = bs_http_visible;
    o->visible_ctx = (void *)role;
    o->cancel = &rq->cancel;
    bs_http_svc_guard(rq, o);   /* SERVICE only to --service-allow prefixes */
}

static bs_status run_update(bs_http_req *rq, bs_http_resp *rs, const operation *op)
{
    bs_sparql *u = NULL;
    bs_sparql_opts o;
    bs_sparql_update_stats stats = {0};
    bs_http_svc svc = {0};
    char *err = NULL;
    bs_status st;
    if (rq->role == BS_ROLE_ANONYMOUS) {
        bs_http_add_header(rs, "WWW-Authenticate",
                           "Bearer realm=\"battstore\", Basic realm=\"battstore\"");
        return refuse(rs, 401, "an update needs a writer's token");
    }
    if (rq->role != BS_ROLE_WRITER)
        return refuse(rs, 403, "an update needs the writer role");
    TRY(st, parse_op(rq, rs, op->text, op->len, true, &u));
    bs_http_fill_opts(rq, &o, true);
    bs_http_svc_attach(&svc, rq, &o);
    if ((o.n_default || o.n_named) && bs_sparql_has_dataset(u)) {
        st = BS_ERR_ARG;
        bs_http_text(rs, 400, "the update names its dataset (USING or WITH) and the "
                              "request "
                              "too (using-graph-uri / using-named-graph-uri): "
                              "give one of them");
        goto fail;
    }
    if (!bs_http_slot_take(rq->srv)) {
        st = BS_ERR_BUSY;
        bs_http_add_header(rs, "Retry-After", "1");
        bs_http_text(rs, 503, "the server is busy: try again shortly");
        goto fail;
    }
    st = bs_sparql_update(rq->srv->store, u, &o, rq->srv->cfg.allow_load, &stats, &err);
    bs_http_slot_give(rq->srv);
    if (st != BS_OK) {
        if (!bs_http_svc_error(&svc, rs, st, err)) bs_http_run_error(rq, rs, st, err);
        goto fail;
    }
    st = bs_http_text(rs, 200, "OK: %zu operations, %llu quads inserted, %llu deleted",
                      stats.operations, (unsigned long long)stats.inserted,
                      (unsigned long long)stats.deleted);
fail:
    bs_http_svc_clear(&svc);
    free(err);
    bs_sparql_free(u);
    return st;
}

bs_status bs_http_h_sparql(bs_http_req *rq, bs_http_resp *rs)
{
    operation op;
    bs_status st;
    if ((st = pick_operation(rq, rs, &op)) != BS_OK) return st;
    if (op.kind == OP_NONE) return bs_http_service_description(rq, rs);
    if (op.kind == OP_UPDATE) return run_update(rq, rs, &op);
    return bs_http_run_query(rq, rs, op.text, op.len);
}

bs_status bs_http_parse_query(bs_http_req *rq, bs_http_resp *rs, const char *text,
                              size_t len, bs_sparql **out)
{
    return parse_op(rq, rs, text, len, false, out);
}
