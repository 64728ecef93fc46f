/* SPDX-License-Identifier: MIT
 * battstore — running a query for /sparql (and /queries/NAME): content
 *   negotiation between the result formats, a query slot, and the result
 *   as a streamed body pulled row by row from the engine. */
#define _GNU_SOURCE
#include "config.h"
#include "http/protocol_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A media type a client may ask for: the result format that answers it
 * and the Content-Type sent back. */
typedef struct {
    const char *mime, *format, *ctype;
} rtype;

/* SELECT / ASK.  The first is the default; application/json and
 * application/xml are for clients that ask for those. */
static const rtype select_types[] = {
    {"application/sparql-results+json", "json", "application/sparql-results+json"},
    {"application/sparql-results+xml", "xml", "application/sparql-results+xml"},
    {"text/csv", "csv", "text/csv; charset=utf-8"},
    {"text/tab-separated-values", "tsv", "text/tab-separated-values; charset=utf-8"},
    {"application/json", "json", "application/json"},
    {"application/xml", "xml", "application/xml"},
    {"text/plain", "table", "text/plain; charset=utf-8"},
};

/* CONSTRUCT / DESCRIBE. */
static const rtype graph_types[] = {
    {"text/turtle", "turtle", "text/turtle; charset=utf-8"},
    {"application/n-triples", "ntriples", "application/n-triples"},
    {"application/rdf+xml", "rdfxml", "application/rdf+xml"},
    {"application/n-quads", "nquads", "application/n-quads"},
    {"application/x-turtle", "turtle", "text/turtle; charset=utf-8"},
    {"text/plain", "ntriples", "text/plain; charset=utf-8"},
};

#define NELEM(a) (sizeof(a) / sizeof *(a))

/* The type a format= (or output=) parameter names: a format name, alias
 * or MIME type that fits the form. */
static const rtype *by_format(const rtype *types, size_t n, const char *format)
{
    /* N3 clients (SPARQLWrapper's format=n3) read Turtle, a subset. */
    if (!strcasecmp(format, "n3") || !strcasecmp(format, "text/n3")) format = "turtle";
    const char *mime = bs_sparql_format_mime(format);
    for (size_t i = 0; mime && i < n; i++) {
        const char *m = bs_sparql_format_mime(types[i].format);
        if (m && !strcmp(m, mime)) return &types[i];
    }
    return NULL;
}

static const char *form_name(bs_sparql_form f)
{
    switch (f) {
    case BS_SPARQL_SELECT: return "SELECT";
    case BS_SPARQL_ASK: return "ASK";
    case BS_SPARQL_CONSTRUCT: return "CONSTRUCT";
    default: return "DESCRIBE";
    }
}

/* The response type: format= / output= first (as Fuseki does), else the
 * Accept header; 400 for a format that does not fit, 406 when nothing
 * acceptable is offered. */
static bs_status pick_type(bs_http_req *rq, bs_http_resp *rs, bs_sparql_form form,
                           const rtype **out)
{
    bool graph = form == BS_SPARQL_CONSTRUCT || form == BS_SPARQL_DESCRIBE;
    const rtype *types = graph ? graph_types : select_types;
    size_t n = graph ? NELEM(graph_types) : NELEM(select_types);
    const char *format = bs_http_param(rq, "format");
    if (!format || !*format) format = bs_http_param(rq, "output");
    if (format && *format) {
        if ((*out = by_format(types, n, format))) return BS_OK;
        bs_http_text(rs, 400, "format '%s' does not fit a %s query (use %s)", format,
                     form_name(form), graph ? "turtle, ntriples, rdfxml or nquads"
                                            : "json, xml, csv or tsv");
        return BS_ERR_ARG;
    }
    const char *offered[NELEM(select_types)];
    for (size_t i = 0; i < n; i++) offered[i] = types[i].mime;
    const char *m = bs_http_negotiate(bs_http_header(rq, "Accept"), offered, n);
    for (size_t i = 0; m && i < n; i++)
        if (!strcasecmp(m, types[i].mime)) {
            *out = &types[i];
            return BS_OK;
        }
    bs_http_text(rs, 406, "none of the accepted media types fits a %s result: "
                          "offered are %s", form_name(form),
                 graph ? "text/turtle, application/n-triples, application/rdf+xml, "
                         "application/n-quads"
                       : "application/sparql-results+json, application/sparql-"
                         "results+xml, text/csv, text/tab-separated-values");
    return BS_ERR_ARG;
}

/* ---- the streamed body ---------------------------------------------------- */

/* What the body needs until it is sent: it outlives the handler (and
 * maybe the request: nothing here points into rq once the stream ends). */
typedef struct {
    bs_http_server *srv;
    bs_sparql *q;
    bs_sparql_stream *s;
    bs_sparql_opts opts;
    bs_http_svc svc;        ///< what the SERVICE guard saw
    bool slot;
} qbody;

static bs_status qbody_pull(void *ctx, char *buf, size_t max, size_t *n)
{
    qbody *b = ctx;
    bs_status st = bs_sparql_stream_read(b->s, buf, max, n);
    /* A failure after the headers went out can only cut the body short:
     * the connection is aborted, so the client sees a broken response
     * rather than a silently truncated one. */
    return st;
}

static void qbody_free(void *ctx)
{
    qbody *b = ctx;
    if (!b) return;
    bs_sparql_stream_close(b->s);
    bs_http_svc_clear(&b->svc);
    bs_sparql_free(b->q);
    if (b->slot) bs_http_slot_give(b->srv);
    free(b);
}

bs_status bs_http_run_query(bs_http_req *rq, bs_http_resp *rs, const char *text,
                            size_t len)
{
    bs_sparql *q = NULL;
    qbody *b = NULL;
    const rtype *t = NULL;
    char *err = NULL;
    bs_status st;
    TRY(st, bs_http_parse_query(rq, rs, text, len, &q));
    TRY(st, pick_type(rq, rs, bs_sparql_form_of(q), &t));
    if (!(b = calloc(1, sizeof *b))) {
        st = BS_ERR_NOMEM;
        bs_http_text(rs, 500, "out of memory");
        goto fail;
    }
    b->srv = rq->srv;
    if (!(b->slot = bs_http_slot_take(rq->srv))) {
        st = BS_ERR_BUSY;
        bs_http_add_header(rs, "Retry-After", "1");
        bs_http_text(rs, 503, "the server is busy: try again shortly");
        goto fail;
    }
    bs_http_fill_opts(rq, &b->opts, false);
    bs_http_svc_attach(&b->svc, rq, &b->opts);
    st = bs_sparql_stream_open(rq->srv->store, q, &b->opts, t->format, &b->s, &err);
    if (st != BS_OK) {
        if (!bs_http_svc_error(&b->svc, rs, st, err)) bs_http_run_error(rq, rs, st, err);
        goto fail;
    }
    b->q = q;
    rs->status = 200;
    rs->ctype = t->ctype;
    rs->pull = qbody_pull;
    rs->pull_ctx = b;
    rs->pull_free = qbody_free;
    bs_http_add_header(rs, "Vary", "Accept");
    return BS_OK;
fail:
    free(err);
    qbody_free(b);
    bs_sparql_free(q);
    return st;
}
