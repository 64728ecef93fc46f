/* SPDX-License-Identifier: MIT
 * battstore — /queries: the named queries of cfg.queries_dir as JSON, and
 * /queries/NAME?param=value running one like a query sent to /sparql. */
#include "config.h"
#include "http/core.h"

#include <stdlib.h>
#include <string.h>
#include <jansson.h>

/* Parameters of the protocol, not of the query: never bound. */
static bool protocol_param(const char *name)
{
    return strcmp(name, "default-graph-uri") == 0 || strcmp(name, "named-graph-uri") == 0;
}

static json_t *query_json(const bs_named_query *q)
{
    json_t *params = json_array();
    for (size_t i = 0; params && i < q->nparams; i++) {
        const bs_named_param *p = &q->params[i];
        json_array_append_new(params, json_pack("{s:s, s:o, s:s}", "name", p->name,
                                                "default", p->def ? json_string(p->def)
                                                                  : json_null(),
                                                "description", p->description));
    }
    /* the text too: the web page's SPARQL editor shows it as an example */
    return json_pack("{s:s, s:s, s:s, s:o, s:s%}", "name", q->name, "title", q->title,
                     "description", q->description, "params", params ? params : json_null(),
                     "text", q->text, q->len);
}

static bs_status list_queries(bs_http_req *rq, bs_http_resp *rs)
{
    bs_named_query **list = NULL;
    size_t n = 0;
    bs_status st = bs_named_list(rq->srv->cfg.queries_dir, &list, &n);
    if (st != BS_OK) return bs_http_text(rs, 500, "cannot read the named queries"), st;
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) json_array_append_new(arr, query_json(list[i]));
    bs_named_list_free(list, n);
    char *out = arr ? json_dumps(arr, JSON_INDENT(1) | JSON_ENSURE_ASCII) : NULL;
    json_decref(arr);
    if (!out) return BS_ERR_NOMEM;
    size_t len = strlen(out);
    char *body = realloc(out, len + 2);
    if (!body) { free(out); return BS_ERR_NOMEM; }
    body[len] = '\n';
    body[len + 1] = 0;
    bs_http_body(rs, 200, "application/json", body, len + 1);
    return BS_OK;
}

static bs_status run_named(bs_http_req *rq, bs_http_resp *rs, const char *name)
{
    bs_named_query *q = NULL;
    char *err = NULL, *text = NULL;
    size_t len = 0;
    bs_status st = bs_named_load(rq->srv->cfg.queries_dir, name, &q, &err);
    if (st == BS_NOT_FOUND) {
        bs_http_text(rs, 404, "no named query '%s' (GET /queries lists them)", name);
        goto done;
    }
    if (st != BS_OK) {
        bs_http_text(rs, 500, "%s", err ? err : "cannot read the named query");
        goto done;
    }
    const bs_http_kvs *kv = &((bs_http_reqstate *)rq)->params;
    const char **names = calloc(kv->n + 1, sizeof *names), **vals = calloc(kv->n + 1, sizeof *vals);
    size_t n = 0;
    if (!names || !vals) st = BS_ERR_NOMEM;
    for (size_t i = 0; st == BS_OK && i < kv->n; i++) {
        if (protocol_param(kv->names[i])) continue;
        names[n] = kv->names[i];
        vals[n++] = kv->values[i];
    }
    if (st == BS_OK) st = bs_named_bind(q, names, vals, n, &text, &len, &err);
    free(names);
    free(vals);
    if (st == BS_ERR_ARG) bs_http_text(rs, 400, "%s: %s", name, err ? err : "bad parameters");
    else if (st == BS_OK) st = bs_http_run_query(rq, rs, text, len);
done:
    free(err);
    free(text);
    bs_named_free(q);
    return st;
}

bs_status bs_http_h_queries(bs_http_req *rq, bs_http_resp *rs)
{
    const char *m = rq->method;
    if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "POST") != 0) {
        bs_http_text(rs, 405, "method not allowed: /queries answers GET, HEAD and POST");
        bs_http_add_header(rs, "Allow", "GET, HEAD, POST, OPTIONS");
        return BS_ERR_ARG;
    }
    const char *p = rq->path + strlen("/queries");
    if (*p == 0 || strcmp(p, "/") == 0) return list_queries(rq, rs);
    const char *name = p + 1;
    if (!bs_named_name_ok(name)) {
        bs_http_text(rs, 404, "no such named query (names are letters, digits, _ and -)");
        return BS_NOT_FOUND;
    }
    return run_named(rq, rs, name);
}
