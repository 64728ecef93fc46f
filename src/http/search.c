/* SPDX-License-Identifier: MIT
 * battstore — GET /search and GET /suggest: the keyword search of
 * search/ over HTTP, with the caller's access, a query slot and the
 * server's timeout. */
#include "config.h"
#include "http/access.h"
#include "http/http_int.h"
#include "search/search.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_LIMIT_MAX 1000
#define SUGGEST_LIMIT_MAX 100
#define OFFSET_MAX 1000000

/* Only GET and HEAD: else 405 with Allow. */
static bool method_ok(bs_http_req *rq, bs_http_resp *rs, bs_status *st)
{
    if (!strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD")) return true;
    *st = bs_http_add_header(rs, "Allow", "GET, HEAD, OPTIONS");
    if (*st == BS_OK)
        bs_http_text(rs, 405, "method not allowed: %s answers GET and HEAD", rq->path);
    *st = BS_ERR_ARG;
    return false;
}

/* Parameter name as a whole number in [0, max]; absent or empty = def.
 * On a bad value sets the 400 response and returns false. */
static bool param_size(bs_http_req *rq, bs_http_resp *rs, const char *name, size_t def,
                       size_t max, size_t *out)
{
    const char *v = bs_http_param(rq, name);
    *out = def;
    if (!v || !*v) return true;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (*v < '0' || *v > '9' || *end || errno || n > max) {
        bs_http_text(rs, 400, "%s must be a whole number from 0 to %zu", name, max);
        return false;
    }
    *out = (size_t)n;
    return true;
}

/* A yes/no parameter (expand=0, facets=0): absent = def. */
static bool param_bool(bs_http_req *rq, bs_http_resp *rs, const char *name, bool def,
                       bool *out)
{
    const char *v = bs_http_param(rq, name);
    *out = def;
    if (!v || !*v) return true;
    if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes")) *out = true;
    else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no")) *out = false;
    else {
        bs_http_text(rs, 400, "%s must be 0 or 1", name);
        return false;
    }
    return true;
}

/* An optional filter: absent or empty = NULL (no filter). */
static const char *param_opt(bs_http_req *rq, const char *name)
{
    const char *v = bs_http_param(rq, name);
    return v && *v ? v : NULL;
}

/* Whether q holds something other than blanks. */
static bool blank(const char *q)
{
    for (; q && *q; q++)
        if (*q != ' ' && *q != '\t' && *q != '\n' && *q != '\r') return false;
    return true;
}

/* The search request's parameters into q; false after a 400. */
static bool search_params(bs_http_req *rq, bs_http_resp *rs, bs_search_query *q)
{
    bool expand, facets;
    bs_access level;
    memset(q, 0, sizeof *q);
    q->q = bs_http_param(rq, "q");
    if (blank(q->q)) {
        bs_http_text(rs, 400, "missing search words: /search?q=WORDS");
        return false;
    }
    q->type = param_opt(rq, "type");
    q->wp = param_opt(rq, "wp");
    q->access = param_opt(rq, "access");
    q->format = param_opt(rq, "format");
    q->size = param_opt(rq, "size");
    if (q->access && !bs_http_access_parse(q->access, &level)) {
        bs_http_text(rs, 400, "access must be public, restricted or confidential");
        return false;
    }
    if (!param_size(rq, rs, "limit", 10, SEARCH_LIMIT_MAX, &q->limit) ||
        !param_size(rq, rs, "offset", 0, OFFSET_MAX, &q->offset) ||
        !param_bool(rq, rs, "expand", true, &expand) ||
        !param_bool(rq, rs, "facets", true, &facets))
        return false;
    if (bs_http_has_param(rq, "limit") && q->limit == 0) {
        bs_http_text(rs, 400, "limit must be a whole number from 1 to %d", SEARCH_LIMIT_MAX);
        return false;
    }
    q->no_expand = !expand;
    q->no_facets = !facets;
    q->visible = bs_http_visible;
    q->visible_ctx = &rq->role;
    q->timeout = rq->srv->cfg.timeout > 0 ? rq->srv->cfg.timeout : 0;
    q->cancel = &rq->cancel;
    return true;
}

/* The error response for a failed search or suggest. */
static bs_status search_error(bs_http_req *rq, bs_http_resp *rs, bs_status st)
{
    if (st == BS_ERR_PARSE)
        bs_http_text(rs, 400, "malformed search: check the quotes, OR and '-' (see "
                              "docs/search.md)");
    else if (st == BS_ERR_UNSUPPORTED)
        bs_http_text(rs, 503, "search index not available");
    else if (st == BS_ERR_BUSY) {
        bs_http_add_header(rs, "Retry-After", "1");
        bs_http_text(rs, 503, "the server is busy: try again shortly");
    } else if (st == BS_ERR_TIMEOUT && rq->cancel)
        bs_http_text(rs, 503, "the request was cancelled");
    else if (st == BS_ERR_TIMEOUT)
        bs_http_text(rs, 503, "search timed out after %g s", rq->srv->cfg.timeout);
    else
        bs_http_text(rs, bs_http_status_of(st), "search failed: %s", bs_strerror(st));
    return st;
}

/* The JSON answer; no-store when the caller is not anonymous (the body
 * depends on the caller's role). */
static bs_status json_answer(bs_http_req *rq, bs_http_resp *rs, char *json)
{
    if (!json) return BS_ERR_NOMEM;
    bs_http_body(rs, 200, "application/json", json, strlen(json));
    if (rq->role != BS_ROLE_ANONYMOUS)
        return bs_http_add_header(rs, "Cache-Control", "no-store");
    return BS_OK;
}

/* Run f(rq, ctx, txn) in a read transaction under a query slot. */
static bs_status in_slot(bs_http_req *rq, bs_status (*f)(bs_http_req *, void *, bs_txn *),
                         void *ctx)
{
    bs_txn *txn = NULL;
    if (!bs_http_slot_take(rq->srv)) return BS_ERR_BUSY;
    bs_status st = bs_txn_begin(rq->srv->store, false, &txn);
    if (st == BS_OK) st = f(rq, ctx, txn);
    bs_txn_abort(txn);
    bs_http_slot_give(rq->srv);
    return st;
}

/* ---- /search --------------------------------------------------------- */

typedef struct {
    bs_search *idx;
    const bs_search_query *q;
    char *json;
} search_job;

static bs_status search_txn(bs_http_req *rq, void *vctx, bs_txn *txn)
{
    (void)rq;
    search_job *j = vctx;
    bs_search_result *r = NULL;
    bs_status st = bs_search_run(j->idx, txn, j->q, &r);
    if (st == BS_OK && !(j->json = bs_search_result_json(r, j->q))) st = BS_ERR_NOMEM;
    bs_search_result_free(r);
    return st;
}

bs_status bs_http_h_search(bs_http_req *rq, bs_http_resp *rs)
{
    bs_status st;
    bs_search_query q;
    if (!method_ok(rq, rs, &st)) return st;
    if (!search_params(rq, rs, &q)) return BS_ERR_ARG;
    search_job j = {.idx = bs_search_of(rq->srv->store), .q = &q};
    if (!j.idx) return search_error(rq, rs, BS_ERR_UNSUPPORTED);
    st = in_slot(rq, search_txn, &j);
    if (st != BS_OK) {
        free(j.json);
        return search_error(rq, rs, st);
    }
    return json_answer(rq, rs, j.json);
}

/* ---- /suggest -------------------------------------------------------- */

typedef struct {
    bs_search *idx;
    const char *prefix;
    size_t limit;
    char *json;
} suggest_job;

static bs_status suggest_txn(bs_http_req *rq, void *vctx, bs_txn *txn)
{
    suggest_job *j = vctx;
    bs_search_suggestion *v = NULL;
    size_t n = 0;
    bs_status st = bs_search_suggest(j->idx, txn, j->prefix, j->limit, bs_http_visible,
                                     &rq->role, &v, &n);
    if (st == BS_OK && !(j->json = bs_search_suggest_json(j->prefix, v, n)))
        st = BS_ERR_NOMEM;
    bs_search_suggestions_free(v, n);
    return st;
}

bs_status bs_http_h_suggest(bs_http_req *rq, bs_http_resp *rs)
{
    bs_status st;
    suggest_job j = {.prefix = bs_http_param(rq, "q")};
    if (!method_ok(rq, rs, &st)) return st;
    if (!j.prefix) {
        bs_http_text(rs, 400, "missing prefix: /suggest?q=PREFIX");
        return BS_ERR_ARG;
    }
    if (!param_size(rq, rs, "limit", 10, SUGGEST_LIMIT_MAX, &j.limit)) return BS_ERR_ARG;
    if (j.limit == 0) j.limit = 10;
    if (!(j.idx = bs_search_of(rq->srv->store))) return search_error(rq, rs, BS_ERR_UNSUPPORTED);
    if (blank(j.prefix)) /* nothing typed yet: nothing to complete */
        return json_answer(rq, rs, bs_search_suggest_json(j.prefix, NULL, 0));
    st = in_slot(rq, suggest_txn, &j);
    if (st != BS_OK) {
        free(j.json);
        return search_error(rq, rs, st);
    }
    return json_answer(rq, rs, j.json);
}
