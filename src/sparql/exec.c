/* SPDX-License-Identifier: MIT
 * battstore — the state of one running request: its dataset (FROM, FROM
 * NAMED, protocol graphs, union default graph, access filter), its
 * limits (deadline, cancel flag, memory cap), its error message, and
 * the scans over the active graph. */
#include "config.h"
#include "sparql/exec_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- visibility ------------------------------------------------------- */

static bool ask_visible(bs_sp_exec *ex, bs_id g)
{
    bs_access level = BS_ACCESS_PUBLIC;
    if (bs_graph_access(ex->txn, g, &level) != BS_OK) return false;
    return ex->opts.visible(ex->opts.visible_ctx, g, level);
}

static bool graph_visible_lookup(bs_sp_exec *ex, bs_id g)
{
    size_t idx;
    bool added;
    if (bs_sp_hset_put(&ex->vis, &g, &idx, &added) != BS_OK)
        return ask_visible(ex, g); /* no room to cache: ask again */
    if (added) {
        if (idx >= ex->vis_cap) {
            size_t n = ex->vis_cap ? 2 * ex->vis_cap : 64;
            uint8_t *v = realloc(ex->vis_val, n);
            if (!v) return ask_visible(ex, g);
            ex->vis_val = v;
            ex->vis_cap = n;
        }
        ex->vis_val[idx] = ask_visible(ex, g);
    }
    return ex->vis_val[idx];
}

/* Asked once per quad of a union-default scan under access control: the
 * answer for the last graph is kept beside the per-graph cache (an answer
 * never changes within one execution). */
bool bs_sp_graph_visible(bs_sp_exec *ex, bs_id g)
{
    if (!ex->opts.visible) return true;
    if (ex->vis_memo && ex->vis_last == g) return ex->vis_last_v;
    bool v = graph_visible_lookup(ex, g);
    ex->vis_memo = true;
    ex->vis_last = g;
    ex->vis_last_v = v;
    return v;
}

/* ---- dataset ---------------------------------------------------------- */

static int id_cmp(const void *a, const void *b)
{
    bs_id x = *(const bs_id *)a, y = *(const bs_id *)b;
    return x < y ? -1 : x > y;
}

/* Sort, drop duplicates and invisible graphs; n updated. */
static void graphs_normalise(bs_sp_exec *ex, bs_id *v, size_t *n)
{
    if (*n > 1) qsort(v, *n, sizeof *v, id_cmp); /* v may be NULL when *n == 0 */
    size_t m = 0;
    for (size_t i = 0; i < *n; i++) {
        if (m && v[m - 1] == v[i]) continue;
        if (!bs_sp_graph_visible(ex, v[i])) continue;
        v[m++] = v[i];
    }
    *n = m;
}

/* Every visible named graph into *out (malloc'ed). */
static bs_status all_named(bs_sp_exec *ex, bs_id **out, size_t *n)
{
    bs_id *v = NULL;
    bs_status st = bs_graph_ids(ex->txn, &v, n);
    if (st != BS_OK) return st;
    if (!v && !(v = malloc(sizeof *v))) return BS_ERR_NOMEM; /* never NULL */
    graphs_normalise(ex, v, n);
    *out = v;
    return BS_OK;
}

/* Graph ids of IRIs (cids, or texts when names != NULL); "" = default
 * graph; unknown IRIs name empty graphs and are left out. */
static bs_status graph_ids(bs_sp_exec *ex, const int *cids,
                           const char *const *names, size_t n,
                           bs_id **out, size_t *nout)
{
    bs_id *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return BS_ERR_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        bs_id id = 0;
        if (names) {
            if (names[i][0]) {
                bs_term t = bs_term_iri(names[i], strlen(names[i]));
                bs_status st = bs_dict_lookup(ex->txn, &t, &id);
                if (st == BS_NOT_FOUND) continue;
                if (st != BS_OK) {
                    free(v);
                    return st;
                }
            }
        } else {
            id = bs_sp_const_id(ex, cids[i]);
            if (bs_sp_is_local(id) || bs_id_kind(id) != BS_TERM_IRI) continue;
        }
        v[m++] = id;
    }
    graphs_normalise(ex, v, &m);
    *out = v;
    *nout = m;
    return BS_OK;
}

static bs_status dataset_init(bs_sp_exec *ex)
{
    const bs_sparql *q = ex->q;
    const bs_sparql_opts *o = &ex->opts;
    bs_status st;
    if (o->n_default || o->n_named) {
        TRY(st, graph_ids(ex, NULL, o->default_graphs, o->n_default, &ex->dflt, &ex->ndflt));
        return graph_ids(ex, NULL, o->named_graphs, o->n_named, &ex->named, &ex->nnamed);
    }
    if (q->nfrom || q->nfrom_named) {
        TRY(st, graph_ids(ex, q->from, NULL, q->nfrom, &ex->dflt, &ex->ndflt));
        return graph_ids(ex, q->from_named, NULL, q->nfrom_named, &ex->named, &ex->nnamed);
    }
    TRY(st, all_named(ex, &ex->named, &ex->nnamed));
    ex->dflt = malloc(sizeof(bs_id));
    if (!ex->dflt) return BS_ERR_NOMEM;
    ex->dflt[0] = BS_DEFAULT_GRAPH;
    ex->ndflt = bs_sp_graph_visible(ex, BS_DEFAULT_GRAPH) ? 1 : 0;
    ex->dflt_all = o->union_default;
fail:
    return st;
}

bs_status bs_sp_exec_set_dataset(bs_sp_exec *ex, const bs_id *dflt,
                                 size_t ndflt, const bs_id *named,
                                 size_t nnamed, bool named_all)
{
    bs_id *d = malloc((ndflt ? ndflt : 1) * sizeof *d);
    if (!d) return BS_ERR_NOMEM;
    if (ndflt) memcpy(d, dflt, ndflt * sizeof *d);
    graphs_normalise(ex, d, &ndflt);
    bs_id *nm = NULL;
    size_t nn = nnamed;
    if (named_all) {
        bs_status st = all_named(ex, &nm, &nn);
        if (st != BS_OK) {
            free(d);
            return st;
        }
    } else {
        nm = malloc((nnamed ? nnamed : 1) * sizeof *nm);
        if (!nm) {
            free(d);
            return BS_ERR_NOMEM;
        }
        if (nnamed) memcpy(nm, named, nnamed * sizeof *nm);
        graphs_normalise(ex, nm, &nn);
    }
    free(ex->dflt);
    free(ex->named);
    ex->dflt = d;
    ex->ndflt = ndflt;
    ex->named = nm;
    ex->nnamed = nn;
    ex->dflt_all = false;
    return BS_OK;
}

bs_status bs_sp_named_graphs(bs_sp_exec *ex, const bs_id **out, size_t *n)
{
    *out = ex->named;
    *n = ex->nnamed;
    return BS_OK;
}

/* ---- life cycle ------------------------------------------------------- */

bs_status bs_sp_exec_new(bs_txn *txn, const bs_sparql *q,
                         const bs_sparql_opts *opts, bs_sp_exec **out)
{
    bs_status st;
    *out = NULL;
    bs_sp_exec *ex = calloc(1, sizeof *ex);
    if (!ex) return BS_ERR_NOMEM;
    ex->txn = txn;
    ex->q = q;
    if (opts) ex->opts = *opts;
    ex->nvars = q->nvars;
    ex->active = BS_SP_DEFAULT_GRAPH;
    clock_gettime(CLOCK_REALTIME, &ex->now);
    if (ex->opts.timeout > 0) {
        clock_gettime(CLOCK_MONOTONIC, &ex->deadline);
        double whole = (double)(long long)ex->opts.timeout;
        ex->deadline.tv_sec += (time_t)whole;
        ex->deadline.tv_nsec += (long)((ex->opts.timeout - whole) * 1e9);
        if (ex->deadline.tv_nsec >= 1000000000L) {
            ex->deadline.tv_sec++;
            ex->deadline.tv_nsec -= 1000000000L;
        }
        ex->has_deadline = true;
    }
    bs_sp_hset_init(&ex->vis, NULL, 1);
    bs_sp_hset_init(&ex->plans, NULL, 2);
    TRY(st, bs_sp_terms_new(ex, &ex->terms));
    TRY(st, bs_sp_consts_resolve(ex));
    TRY(st, dataset_init(ex));
    *out = ex;
    return BS_OK;
fail:
    bs_sp_exec_free(ex);
    return st;
}

void bs_sp_exec_free(bs_sp_exec *ex)
{
    if (!ex) return;
    bs_sp_service_free(ex->service); /* before the terms: its rows hold mem */
    bs_sp_matches_free(ex);
    bs_sp_tfcands_free(ex);
    bs_sp_terms_free(ex->terms);
    bs_sp_hset_clear(&ex->vis);
    bs_sp_hset_clear(&ex->plans);
    free(ex->plan_orders);
    free(ex->plan_at);
    free(ex->vis_val);
    free(ex->consts);
    free(ex->dflt);
    free(ex->named);
    free(ex->err);
    free(ex);
}

bs_txn *bs_sp_exec_txn(bs_sp_exec *ex) { return ex->txn; }
const bs_sparql *bs_sp_exec_query(bs_sp_exec *ex) { return ex->q; }
struct timespec bs_sp_exec_now(const bs_sp_exec *ex) { return ex->now; }
bs_id bs_sp_active_graph(bs_sp_exec *ex) { return ex->active; }

/* ---- limits and errors ------------------------------------------------ */

bs_status bs_sp_tick(bs_sp_exec *ex)
{
    if (ex->opts.cancel && *ex->opts.cancel) {
        bs_sp_error(ex, "the query was cancelled");
        return BS_ERR_TIMEOUT;
    }
    if (!ex->has_deadline || (++ex->ticks & 255)) return BS_OK;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > ex->deadline.tv_sec ||
        (now.tv_sec == ex->deadline.tv_sec && now.tv_nsec >= ex->deadline.tv_nsec)) {
        bs_sp_error(ex, "the query ran longer than its time limit (%g s)", ex->opts.timeout);
        return BS_ERR_TIMEOUT;
    }
    return BS_OK;
}

bs_status bs_sp_mem(bs_sp_exec *ex, long long delta)
{
    if (!ex) return BS_OK;
    ex->mem += delta;
    if (delta > 0 && ex->opts.mem_limit && ex->mem > (long long)ex->opts.mem_limit) {
        bs_sp_error(ex, "the query needs more memory than its limit (%zu bytes)",
                    ex->opts.mem_limit);
        return BS_ERR_LIMIT;
    }
    return BS_OK;
}

void bs_sp_error(bs_sp_exec *ex, const char *fmt, ...)
{
    if (!ex || ex->err) return;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&ex->err, fmt, ap) < 0) ex->err = NULL;
    va_end(ap);
}

const char *bs_sp_exec_errmsg(const bs_sp_exec *ex)
{
    return ex ? ex->err : NULL;
}

/* ---- scans over the active graph -------------------------------------- */

struct bs_sp_scan {
    bs_sp_exec *ex;
    bs_iter *it;
    bool multi;   ///< default graph of several graphs: filter and dedup
    bool started;
    bool empty;   ///< matches nothing (it may still hold a cursor)
    bs_quad last;
    bs_id p;      ///< the predicate aimed at (BS_ANY: any)
};

/* Whether g belongs to the dataset's default graph. */
static bool in_default(bs_sp_exec *ex, bs_id g)
{
    if (ex->dflt_all) return bs_sp_graph_visible(ex, g);
    return bsearch(&g, ex->dflt, ex->ndflt, sizeof g, id_cmp) != NULL;
}

/* Aim sc at (s, p, o) in graph: reuse its store iterator when it has one
 * (seek: from the page it last read when the new range begins there). */
static bs_status scan_aim(bs_sp_scan *sc, bs_id graph, bs_id s, bs_id p, bs_id o, bool seek)
{
    bs_sp_exec *ex = sc->ex;
    bs_quad pat = {s, p, o, graph};
    bool empty = (s != BS_ANY && bs_sp_is_local(s)) ||
                 (p != BS_ANY && bs_sp_is_local(p)) ||
                 (o != BS_ANY && bs_sp_is_local(o));
    sc->multi = sc->started = sc->empty = false;
    sc->p = p;
    if (graph == BS_SP_DEFAULT_GRAPH) {
        if (ex->dflt_all || ex->ndflt > 1) {
            sc->multi = true;
            pat.g = BS_ANY;
        } else if (ex->ndflt == 1) {
            pat.g = ex->dflt[0];
        } else {
            empty = true;
        }
    } else if (!bs_sp_graph_visible(ex, graph)) {
        empty = true;
    }
    sc->empty = empty;
    if (empty) return BS_OK;
    if (sc->it) return seek ? bs_iter_seek(sc->it, &pat) : bs_iter_reset(sc->it, &pat);
    return bs_iter_new(ex->txn, &pat, &sc->it);
}

bs_status bs_sp_scan_new(bs_sp_exec *ex, bs_id graph, bs_id s, bs_id p,
                         bs_id o, bs_sp_scan **out)
{
    *out = NULL;
    bs_sp_scan *sc = calloc(1, sizeof *sc);
    if (!sc) return BS_ERR_NOMEM;
    sc->ex = ex;
    bs_status st = scan_aim(sc, graph, s, p, o, false);
    if (st != BS_OK) {
        bs_sp_scan_free(sc);
        return st;
    }
    *out = sc;
    return BS_OK;
}

bs_status bs_sp_scan_reset(bs_sp_scan *sc, bs_id graph, bs_id s, bs_id p,
                           bs_id o)
{
    bs_status st = scan_aim(sc, graph, s, p, o, false);
    if (st != BS_OK) sc->empty = true;
    return st;
}

bs_status bs_sp_scan_seek(bs_sp_scan *sc, bs_id graph, bs_id s, bs_id p, bs_id o)
{
    bs_status st = scan_aim(sc, graph, s, p, o, true);
    if (st != BS_OK) sc->empty = true;
    return st;
}

bs_status bs_sp_scan_next(bs_sp_scan *sc, bs_quad *out)
{
    if (sc->empty || !sc->it) return BS_END;
    for (;;) {
        bs_status st = bs_sp_tick(sc->ex);
        if (st != BS_OK) return st;
        if ((st = bs_iter_next(sc->it, out)) != BS_OK) return st;
        if (!sc->multi) return BS_OK;
        /* graph last in the index: copies of a triple are adjacent */
        if (sc->started && out->s == sc->last.s && out->p == sc->last.p &&
            out->o == sc->last.o)
            continue;
        if (!in_default(sc->ex, out->g)) continue;
        sc->started = true;
        sc->last = *out;
        return BS_OK;
    }
}

bs_status bs_sp_scan_next_n(bs_sp_scan *sc, bs_quad *out, size_t cap, size_t *n)
{
    *n = 0;
    if (sc->empty || !sc->it) return BS_END;
    for (;;) {
        size_t got = 0, m = 0;
        bs_status st = bs_sp_tick(sc->ex);
        if (st != BS_OK) return st;
        if ((st = bs_iter_next_n(sc->it, out, cap, &got)) != BS_OK) return st;
        if (!sc->multi) {
            *n = got;
            return BS_OK;
        }
        bool every = sc->ex->dflt_all && !sc->ex->opts.visible; /* in_default() always */
        for (size_t i = 0; i < got; i++) { /* as bs_sp_scan_next, in place */
            const bs_quad *q = &out[i];
            if (sc->started && q->s == sc->last.s && q->p == sc->last.p && q->o == sc->last.o)
                continue;
            if (!every && !in_default(sc->ex, q->g)) continue;
            sc->started = true;
            sc->last = *q;
            if (m != i) out[m] = *q;
            m++;
        }
        if (m) {
            *n = m;
            return BS_OK;
        }
    }
}

/* The same filter as bs_sp_scan_next_n's on (s, o) pairs: the predicate
 * is the scan's, so a copy of the last triple has the last s and o.  The
 * last pair in locals (the stores into so could alias sc); subject 0 is
 * no id: nothing matches it before the first pair. */
static size_t filter_so(bs_sp_scan *sc, bs_id *so, const bs_id *g, size_t got)
{
    bs_sp_exec *ex = sc->ex;
    bool every = ex->dflt_all && !ex->opts.visible; /* in_default() always */
    bs_id ls = sc->started ? sc->last.s : 0, lo = sc->last.o;
    size_t m = 0;
    for (size_t i = 0; i < got; i++) {
        bs_id s = so[2 * i], o = so[2 * i + 1];
        if (s == ls && o == lo) continue;
        if (!every && !in_default(ex, g[i])) continue;
        ls = so[2 * m] = s;
        lo = so[2 * m + 1] = o;
        m++;
    }
    if (m) { /* the dedup compares s, p and o only: last.g is not kept */
        sc->started = true;
        sc->last.s = ls;
        sc->last.o = lo;
    }
    return m;
}

bs_status bs_sp_scan_next_so(bs_sp_scan *sc, bs_id *so, size_t cap, size_t *n)
{
    bs_id g[256];
    *n = 0;
    if (cap > 256 || sc->p == BS_ANY) return BS_ERR_ARG;
    if (sc->empty || !sc->it) return BS_END;
    sc->last.p = sc->p;
    for (;;) {
        size_t got = 0;
        bs_status st = bs_sp_tick(sc->ex);
        if (st != BS_OK) return st;
        if ((st = bs_iter_next_sog(sc->it, so, g, cap, &got)) != BS_OK) return st;
        *n = sc->multi ? filter_so(sc, so, g, got) : got;
        if (*n) return BS_OK;
    }
}

void bs_sp_scan_free(bs_sp_scan *sc)
{
    if (!sc) return;
    bs_iter_free(sc->it);
    free(sc);
}
