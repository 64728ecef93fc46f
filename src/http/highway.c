/* SPDX-License-Identifier: MIT
 * battstore — GET /highway.svg: the BIG-MAP data-highway diagram (the SVG of
 * `battstore flows --format svg`) as the caller's role may see it, cached
 * per role until the store commits a change. */
#include "config.h"
#include "http/highway.h"
#include "dmp/dmp.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What each role sees depends only on the access levels it may read:
 * anonymous (public), restricted, confidential (= writer). */
#define NVIEWS 3

typedef struct {
    const bs_store *store; /* the store it was drawn from (never dereferenced) */
    uint64_t stamp;        /* store_stamp() when drawn */
    char *svg;             /* malloc'ed */
    size_t len;
} view;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static view cache[NVIEWS];

static int view_of(bs_role r) { return r >= BS_ROLE_CONFIDENTIAL ? 2 : (int)r; }

/* The snapshot the store is at: LMDB's id of the last committed
 * transaction, which any load, update, drop or access change moves on
 * (in this process or another). */
static bs_status store_stamp(bs_store *store, uint64_t *out)
{
    bs_txn *txn = NULL;
    bs_status st = bs_txn_begin(store, false, &txn);
    if (st != BS_OK) return st;
    *out = bs_txn_id(txn);
    bs_txn_abort(txn);
    return BS_OK;
}

/* A copy of the cached drawing of view v when it is still good. */
static bool cache_get(const bs_store *store, int v, uint64_t stamp, char **svg, size_t *len)
{
    bool hit = false;
    pthread_mutex_lock(&cache_lock);
    view *c = &cache[v];
    if (c->svg && c->store == store && c->stamp == stamp &&
        (*svg = malloc(c->len + 1))) {
        memcpy(*svg, c->svg, c->len + 1);
        *len = c->len;
        hit = true;
    }
    pthread_mutex_unlock(&cache_lock);
    return hit;
}

static void cache_put(const bs_store *store, int v, uint64_t stamp, const char *svg,
                      size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy) return; /* not cached: drawn again next time */
    memcpy(copy, svg, len + 1);
    pthread_mutex_lock(&cache_lock);
    free(cache[v].svg);
    cache[v] = (view){store, stamp, copy, len};
    pthread_mutex_unlock(&cache_lock);
}

/* Draw the highway the request's role may see: *svg malloc'ed (NUL-
 * terminated), *err (caller frees) says why not. */
static bs_status draw(bs_http_req *rq, char **svg, size_t *len, char **err)
{
    bs_dmp_graph *g = NULL;
    FILE *mem = NULL;
    bs_role role = rq->role;
    bs_sparql_opts o;
    bs_http_base_opts(rq, &role, &o);
    o.timeout = rq->srv->cfg.timeout;
    bs_status st;
    *svg = NULL;
    *len = 0;
    TRY(st, bs_dmp_load_opts(rq->srv->store, &o, &g, err));
    if (!(mem = open_memstream(svg, len))) { st = BS_ERR_NOMEM; goto fail; }
    st = bs_dmp_write_svg(g, NULL, mem, err);
    if (fclose(mem) != 0 && st == BS_OK) st = BS_ERR_IO;
fail:
    if (st != BS_OK) {
        free(*svg);
        *svg = NULL;
    }
    bs_dmp_graph_free(g);
    return st;
}

/* The error response of a failed drawing; never names hidden data. */
static void draw_error(bs_http_resp *rs, bs_status st, const char *err)
{
    switch (st) {
    case BS_NOT_FOUND:
        bs_http_text(rs, 404, "no data highway: the store holds no BIG-MAP plan you may see");
        break;
    case BS_ERR_UNSUPPORTED:
        bs_http_text(rs, 500, "cannot draw the highway: %s",
                     err ? err : "Graphviz dot did not run");
        break;
    case BS_ERR_TIMEOUT:
        bs_http_text(rs, 503, "drawing the highway took too long");
        break;
    default:
        bs_http_text(rs, bs_http_status_of(st), "cannot draw the highway: %s",
                     bs_strerror(st));
    }
}

bs_status bs_http_h_highway(bs_http_req *rq, bs_http_resp *rs)
{
    if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
        bs_http_text(rs, 405, "method not allowed: %s answers GET and HEAD", rq->path);
        bs_http_add_header(rs, "Allow", "GET, HEAD, OPTIONS");
        return BS_ERR_ARG;
    }
    if (strcmp(rq->path, "/highway.svg") != 0)
        return bs_http_text(rs, 404, "not found: %s", rq->path), BS_NOT_FOUND;
    bs_store *store = rq->srv->store;
    int v = view_of(rq->role);
    uint64_t stamp = 0;
    char *svg = NULL, *err = NULL;
    size_t len = 0;
    bs_status st = store_stamp(store, &stamp);
    if (st != BS_OK) return bs_http_text(rs, 500, "cannot read the store"), st;
    if (!cache_get(store, v, stamp, &svg, &len)) {
        if (!bs_http_slot_take(rq->srv)) {
            bs_http_add_header(rs, "Retry-After", "1");
            bs_http_text(rs, 503, "the server is busy: try again shortly");
            return BS_ERR_BUSY;
        }
        st = draw(rq, &svg, &len, &err);
        bs_http_slot_give(rq->srv);
        if (st != BS_OK) {
            draw_error(rs, st, err);
            free(err);
            return st;
        }
        cache_put(store, v, stamp, svg, len);
    }
    bs_http_body(rs, 200, "image/svg+xml", svg, len);
    bs_http_add_header(rs, "Cache-Control", "private, no-cache");
    bs_http_add_header(rs, "Vary", "Authorization");
    return BS_OK;
}
