/* SPDX-License-Identifier: MIT
 * battstore — /graphs: the graphs a caller may see, and access levels set
 * by writers; plus the graph lookup every door shares. */
#include "config.h"
#include "http/access.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const access_names[] = {"public", "restricted", "confidential"};

bool bs_http_access_parse(const char *s, bs_access *out)
{
    for (size_t i = 0; s && i < 3; i++)
        if (strcmp(s, access_names[i]) == 0) {
            *out = (bs_access)i;
            return true;
        }
    return false;
}

const char *bs_http_access_name(bs_access a)
{
    return (unsigned)a < 3 ? access_names[a] : "confidential";
}

bs_status bs_http_graph_lookup(bs_txn *txn, const bs_http_req *rq, const char *iri,
                               bs_graph_info *info)
{
    memset(info, 0, sizeof *info);
    if (!iri || !*iri) { /* the default graph: always there, always public */
        bs_quad pat = {BS_ANY, BS_ANY, BS_ANY, BS_DEFAULT_GRAPH};
        info->graph = BS_DEFAULT_GRAPH;
        info->access = BS_ACCESS_PUBLIC;
        return bs_quad_count(txn, &pat, &info->quads);
    }
    bs_term term = bs_term_iri(iri, strlen(iri));
    bs_id g;
    bs_status st = bs_dict_lookup(txn, &term, &g);
    if (st == BS_OK) st = bs_graph_get(txn, g, info);
    if (st != BS_OK) return st;
    bs_role role = rq->role;
    return bs_http_visible(&role, g, info->access) ? BS_OK : BS_NOT_FOUND;
}

/* ---- GET: the list -------------------------------------------------- */

/* A JSON string (or null) for the IRI of an id. */
static json_t *iri_json(bs_txn *txn, bs_id id)
{
    bs_term t;
    if (!id || bs_dict_get(txn, id, &t) != BS_OK) return json_null();
    return json_stringn(t.lex, t.lex_len);
}

static bs_status add_entry(json_t *arr, bs_txn *txn, const bs_graph_info *gi)
{
    json_t *o = json_pack("{s:o, s:I, s:s, s:o}",
                          "graph", gi->graph ? iri_json(txn, gi->graph) : json_null(),
                          "triples", (json_int_t)gi->quads,
                          "access", bs_http_access_name(gi->access),
                          "versionIRI", iri_json(txn, gi->version));
    if (!o || json_array_append_new(arr, o)) return BS_ERR_NOMEM;
    return BS_OK;
}

static bs_status list_json(bs_http_req *rq, bs_txn *txn, json_t *arr)
{
    bs_graph_info *gl = NULL, dflt;
    size_t n = 0;
    bs_status st;
    TRY(st, bs_http_graph_lookup(txn, rq, NULL, &dflt));
    TRY(st, add_entry(arr, txn, &dflt));
    TRY(st, bs_graph_list(txn, &gl, &n));
    for (size_t i = 0; i < n; i++) {
        if (!bs_http_visible(&rq->role, gl[i].graph, gl[i].access)) continue;
        TRY(st, add_entry(arr, txn, &gl[i]));
    }
fail:
    free(gl);
    return st;
}

static bs_status graphs_get(bs_http_req *rq, bs_http_resp *rs)
{
    bs_txn *txn = NULL;
    json_t *arr = json_array();
    char *text = NULL;
    bs_status st = arr ? bs_txn_begin(rq->srv->store, false, &txn) : BS_ERR_NOMEM;
    if (st == BS_OK) st = list_json(rq, txn, arr);
    bs_txn_abort(txn);
    if (st == BS_OK && !(text = json_dumps(arr, JSON_INDENT(1) | JSON_ENSURE_ASCII)))
        st = BS_ERR_NOMEM;
    json_decref(arr);
    if (st != BS_OK) {
        bs_http_text(rs, bs_http_status_of(st), "cannot list the graphs: %s",
                     bs_strerror(st));
        return st;
    }
    size_t len = strlen(text);
    char *body = realloc(text, len + 2); /* end with a newline, like the CLI */
    if (!body) {
        free(text);
        return bs_http_text(rs, 500, "out of memory"), BS_ERR_NOMEM;
    }
    body[len++] = '\n';
    body[len] = '\0';
    bs_http_body(rs, 200, "application/json", body, len);
    return BS_OK;
}

/* ---- POST: set an access level --------------------------------------- */

typedef struct {
    const char *iri;
    bs_access level;
} level_ctx;

static bs_status set_level(bs_txn *txn, void *vctx)
{
    level_ctx *c = vctx;
    bs_term term = bs_term_iri(c->iri, strlen(c->iri));
    bs_id g;
    bs_graph_info info;
    bs_status st = bs_dict_lookup(txn, &term, &g);
    if (st == BS_OK) st = bs_graph_get(txn, g, &info);
    if (st != BS_OK) return st;
    return bs_graph_set_access(txn, g, c->level);
}

static bs_status graphs_post(bs_http_req *rq, bs_http_resp *rs)
{
    bs_status st = bs_http_need_writer(rq, rs);
    if (st != BS_OK) return st;
    level_ctx c = {bs_http_param(rq, "graph"), BS_ACCESS_PUBLIC};
    const char *level = bs_http_param(rq, "access");
    if (bs_http_has_param(rq, "default")) {
        bs_http_text(rs, 400, "the default graph is always public");
        return BS_ERR_ARG;
    }
    if (!c.iri || !*c.iri || !level) {
        bs_http_text(rs, 400, "name a graph and a level: graph=IRI&access=LEVEL");
        return BS_ERR_ARG;
    }
    if (!bs_http_access_parse(level, &c.level)) {
        bs_http_text(rs, 400, "unknown access level '%s' (public, restricted, "
                              "confidential)", level);
        return BS_ERR_ARG;
    }
    st = bs_store_write(rq->srv->store, set_level, &c);
    if (st == BS_NOT_FOUND) {
        bs_http_text(rs, 404, "no graph <%s>", c.iri);
        return st;
    }
    if (st != BS_OK) {
        bs_http_text(rs, bs_http_status_of(st), "cannot set the level: %s",
                     bs_strerror(st));
        return st;
    }
    bs_http_body(rs, 204, NULL, NULL, 0);
    return BS_OK;
}

bs_status bs_http_h_graphs(bs_http_req *rq, bs_http_resp *rs)
{
    if (strcmp(rq->path, "/graphs") != 0 && strcmp(rq->path, "/graphs/") != 0) {
        bs_http_text(rs, 404, "no such resource: %s", rq->path);
        return BS_NOT_FOUND;
    }
    if (!strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD")) return graphs_get(rq, rs);
    if (!strcmp(rq->method, "POST")) return graphs_post(rq, rs);
    bs_status st = bs_http_add_header(rs, "Allow", "GET, HEAD, POST");
    if (st == BS_OK) bs_http_text(rs, 405, "/graphs answers GET, HEAD and POST");
    return BS_ERR_ARG;
}
