/* SPDX-License-Identifier: MIT
 * battstore — SPARQL Update graph management (§3.2 of SPARQL 1.1 Update):
 * CLEAR, DROP, CREATE, COPY, MOVE, ADD and LOAD.
 *
 * battstore records empty graphs (CREATE registers one), so a graph
 * "exists" when it is registered or holds quads; CLEAR leaves the graph
 * registered, DROP forgets it.  A graph the caller may not see does not
 * exist for the request.  LOAD reads local files only, through the
 * ingest layer inside this request's transaction. */
#include "config.h"
#include "sparql/update_int.h"
#include "ingest/ingest.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- graph references ---------------------------------------------------- */

/* The id of GRAPH <iri> when that graph exists (visible), else a failure
 * "graph <iri> does not exist". */
static bs_status existing_graph(bs_sp_upd *u, int cid, bs_id *out)
{
    bool exists = false;
    bs_status st = bs_sp_upd_lookup(u, cid, out);
    if (st == BS_OK) st = bs_sp_upd_exists(u, *out, &exists);
    else if (st == BS_NOT_FOUND) st = BS_OK;
    if (st != BS_OK) return st;
    if (!exists) return bs_sp_upd_fail(u, "graph <%s> does not exist", bs_sp_upd_iri(u, cid));
    return BS_OK;
}

/* Clear one graph, counting what went; forget: also unregister it (DROP),
 * else an empty named graph stays (CLEAR). */
static bs_status clear_one(bs_sp_upd *u, bs_id g, bool forget)
{
    uint64_t removed = 0;
    bool named = g != BS_DEFAULT_GRAPH;
    bs_status st = bs_graph_clear(u->txn, g, forget && named, &removed);
    u->stats.deleted += removed;
    if (st == BS_OK && named && !forget) st = bs_graph_create(u->txn, g);
    return st;
}

/* Every visible named graph (NAMED / ALL). */
static bs_status clear_named(bs_sp_upd *u, bool drop)
{
    bs_graph_info *gl = NULL;
    size_t n = 0;
    bs_status st;
    TRY(st, bs_graph_list(u->txn, &gl, &n));
    for (size_t i = 0; i < n; i++) {
        const bs_sparql_opts *o = u->opts;
        if (o->visible && !o->visible(o->visible_ctx, gl[i].graph, gl[i].access)) continue;
        TRY(st, clear_one(u, gl[i].graph, drop));
    }
fail:
    free(gl);
    return st;
}

bs_status bs_sp_upd_clear(bs_sp_upd *u, const bs_sp_update_op *op, bool drop)
{
    bs_status st = BS_OK;
    bs_id g;
    bool dflt_ok;
    switch (op->to.kind) {
    case BS_GREF_IRI:
        TRY(st, existing_graph(u, op->to.cid, &g));
        TRY(st, clear_one(u, g, drop));
        break;
    case BS_GREF_ALL:
        TRY(st, clear_named(u, drop));
        /* fall through */
    case BS_GREF_DEFAULT:
        TRY(st, bs_sp_upd_exists(u, BS_DEFAULT_GRAPH, &dflt_ok));
        if (dflt_ok) TRY(st, clear_one(u, BS_DEFAULT_GRAPH, drop));
        else if (op->to.kind == BS_GREF_DEFAULT)
            st = bs_sp_upd_fail(u, "the default graph may not be written");
        break;
    case BS_GREF_NAMED:
        TRY(st, clear_named(u, drop));
        break;
    default:
        st = bs_sp_upd_fail(u, "no graph named");
    }
fail:
    return st;
}

bs_status bs_sp_upd_create(bs_sp_upd *u, const bs_sp_update_op *op)
{
    bs_status st;
    bs_graph_info info;
    bs_id g;
    if (op->to.kind != BS_GREF_IRI) return bs_sp_upd_fail(u, "CREATE needs a graph IRI");
    bs_term t = bs_sp_upd_const(u, op->to.cid);
    TRY(st, bs_dict_intern(u->txn, &t, &g));
    st = bs_graph_get(u->txn, g, &info);
    if (st == BS_OK)
        return bs_sp_upd_fail(u, "graph <%s> already exists", bs_sp_upd_iri(u, op->to.cid));
    if (st != BS_NOT_FOUND) return st;
    TRY(st, bs_sp_upd_writable(u, g));
    st = bs_graph_create(u->txn, g);
fail:
    return st;
}

/* ---- COPY / MOVE / ADD ---------------------------------------------------- */

/* The source graph of COPY/MOVE/ADD: it must exist. */
static bs_status source_graph(bs_sp_upd *u, const bs_sp_gref *r, bs_id *out)
{
    *out = BS_DEFAULT_GRAPH;
    if (r->kind == BS_GREF_DEFAULT) return BS_OK;
    if (r->kind != BS_GREF_IRI) return bs_sp_upd_fail(u, "no source graph");
    return existing_graph(u, r->cid, out);
}

/* The target graph: interned (made when missing), and writable. */
static bs_status target_graph(bs_sp_upd *u, const bs_sp_gref *r, bs_id *out)
{
    *out = BS_DEFAULT_GRAPH;
    if (r->kind == BS_GREF_DEFAULT) return bs_sp_upd_writable(u, BS_DEFAULT_GRAPH);
    if (r->kind != BS_GREF_IRI) return bs_sp_upd_fail(u, "no target graph");
    bs_term t = bs_sp_upd_const(u, r->cid);
    bs_status st = bs_dict_intern(u->txn, &t, out);
    return st == BS_OK ? bs_sp_upd_writable(u, *out) : st;
}

/* The quads of graph g, read before anything is written (an LMDB
 * iterator does not survive writes through its transaction). */
static bs_status read_graph(bs_sp_upd *u, bs_id g, bs_quad **out, size_t *n)
{
    bs_quad pat = {BS_ANY, BS_ANY, BS_ANY, g}, q;
    bs_iter *it = NULL;
    size_t cap = 0;
    bs_status st;
    *out = NULL;
    *n = 0;
    TRY(st, bs_iter_new(u->txn, &pat, &it));
    while ((st = bs_iter_next(it, &q)) == BS_OK) {
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 256;
            bs_quad *nv = realloc(*out, nc * sizeof *nv);
            if (!nv) {
                st = BS_ERR_NOMEM;
                goto fail;
            }
            *out = nv;
            cap = nc;
        }
        (*out)[(*n)++] = q;
    }
    if (st == BS_END) st = BS_OK;
fail:
    bs_iter_free(it);
    return st;
}

bs_status bs_sp_upd_transfer(bs_sp_upd *u, const bs_sp_update_op *op)
{
    bs_quad *qs = NULL;
    size_t n = 0;
    bs_id src, dst;
    bs_status st;
    TRY(st, source_graph(u, &op->from, &src));
    TRY(st, target_graph(u, &op->to, &dst));
    if (src == dst) return BS_OK; /* §3.2.3-5: no operation */
    TRY(st, read_graph(u, src, &qs, &n));
    if (op->kind != BS_UP_ADD) TRY(st, clear_one(u, dst, false));
    else if (dst != BS_DEFAULT_GRAPH) TRY(st, bs_graph_create(u->txn, dst));
    for (size_t i = 0; i < n; i++) {
        bool added = false;
        qs[i].g = dst;
        TRY(st, bs_quad_add(u->txn, &qs[i], &added));
        u->stats.inserted += added;
    }
    if (op->kind == BS_UP_MOVE) TRY(st, clear_one(u, src, true));
fail:
    free(qs);
    return st;
}

/* ---- LOAD -------------------------------------------------------------- */

static int hexval(int c)
{
    return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* A file: IRI's path, percent-decoded.  Caller frees. */
static char *file_iri_path(const char *iri)
{
    const char *p = iri + 5; /* after "file:" */
    if (strncmp(p, "//", 2) == 0) {
        p += 2;
        if (strncmp(p, "localhost/", 10) == 0) p += 9;
        else if (*p != '/') return NULL; /* a remote host */
    }
    char *out = malloc(strlen(p) + 1), *w = out;
    if (!out) return NULL;
    for (; *p; p++) {
        int h, l;
        if (*p == '%' && (h = hexval((unsigned char)p[1])) >= 0 &&
            (l = hexval((unsigned char)p[2])) >= 0) {
            *w++ = (char)(h * 16 + l);
            p += 2;
        } else {
            *w++ = *p;
        }
    }
    *w = 0;
    return out;
}

/* True when s starts with an IRI scheme ("x:"). */
static bool has_scheme(const char *s)
{
    if (!isalpha((unsigned char)*s)) return false;
    while (isalnum((unsigned char)*s) || *s == '+' || *s == '-' || *s == '.') s++;
    return *s == ':';
}

/* True when the real path of file lies under directory dir. */
static bool lies_under(const char *file, const char *dir)
{
    char rf[PATH_MAX], rd[PATH_MAX];
    if (!realpath(file, rf) || !realpath(dir, rd)) return false;
    size_t n = strlen(rd);
    if (n && rd[n - 1] == '/') return true; /* "/" */
    return strncmp(rf, rd, n) == 0 && (rf[n] == '/' || rf[n] == 0);
}

/* The local path LOAD may read for its IRI, or a failure. */
static bs_status load_path(bs_sp_upd *u, const char *iri, char **out)
{
    *out = NULL;
    if (!u->load_dir) return bs_sp_upd_fail(u, "LOAD is not allowed here");
    if (strncmp(iri, "file:", 5) == 0) *out = file_iri_path(iri);
    else if (!has_scheme(iri)) *out = strdup(iri);
    else return bs_sp_upd_fail(u, "<%s>: LOAD reads local files (file: IRIs) only", iri);
    if (!*out) return bs_sp_upd_fail(u, "<%s>: not a local file", iri);
    if (access(*out, R_OK) != 0)
        return bs_sp_upd_fail(u, "<%s>: %s", iri, strerror(errno));
    if (!lies_under(*out, u->load_dir))
        return bs_sp_upd_fail(u, "<%s>: outside the directory LOAD may read", iri);
    return BS_OK;
}

bs_status bs_sp_upd_load(bs_sp_upd *u, const bs_sp_update_op *op)
{
    const char *iri = bs_sp_upd_iri(u, op->source);
    bs_load_opts lo = {0};
    bs_load_report rep = {0};
    char *path = NULL;
    bs_id g = BS_DEFAULT_GRAPH;
    bs_status st;
    TRY(st, load_path(u, iri, &path));
    if (op->to.kind == BS_GREF_IRI) {
        lo.graph_iri = bs_sp_upd_iri(u, op->to.cid);
        TRY(st, target_graph(u, &op->to, &g));
    }
    const char *const paths[1] = {path};
    st = bs_load_in_txn(u->txn, paths, 1, &lo, &rep);
    if (st == BS_ERR_FULL || st == BS_ERR_NOMEM) goto fail;
    if (st != BS_OK) {
        if (rep.err_line > 0)
            st = bs_sp_upd_fail(u, "%s:%ld:%ld: %s", rep.err_file ? rep.err_file : path,
                                rep.err_line, rep.err_col > 0 ? rep.err_col : 1,
                                rep.err_msg ? rep.err_msg : "cannot be loaded");
        else
            st = bs_sp_upd_fail(u, "<%s>: %s", iri, rep.err_msg ? rep.err_msg : bs_strerror(st));
        goto fail;
    }
    u->stats.inserted += rep.added;
    if (g != BS_DEFAULT_GRAPH) st = bs_graph_create(u->txn, g);
fail:
    bs_load_report_free(&rep);
    free(path);
    return st;
}
