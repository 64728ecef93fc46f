/* SPDX-License-Identifier: MIT
 * battstore — evaluation of the algebra (§18.5): the dispatch, and the
 * streaming operators FILTER, UNION, GRAPH, EXTEND, VALUES, PROJECT,
 * SLICE, SERVICE; EXISTS. */
#include "config.h"
#include "sparql/exec_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- empty and unit ---------------------------------------------------- */

static bs_status empty_next(bs_sp_iter *it, bs_id *row)
{
    (void)it;
    (void)row;
    return BS_END;
}

static void plain_free(bs_sp_iter *it) { free(it); }

bs_status bs_sp_iter_empty(bs_sp_iter **out)
{
    bs_sp_iter *it = calloc(1, sizeof *it);
    if (!it) return BS_ERR_NOMEM;
    it->next = empty_next;
    it->free = plain_free;
    *out = it;
    return BS_OK;
}

typedef struct {
    bs_sp_iter base;
    size_t nvars;
    bool done;
    bs_id row[];
} unit_iter;

static bs_status unit_next(bs_sp_iter *it, bs_id *row)
{
    unit_iter *u = (unit_iter *)it;
    if (u->done) return BS_END;
    u->done = true;
    memcpy(row, u->row, u->nvars * sizeof *row);
    return BS_OK;
}

bs_status bs_sp_iter_unit(bs_sp_exec *ex, const bs_id *seed, bs_sp_iter **out)
{
    unit_iter *u = calloc(1, sizeof *u + (ex->nvars + 1) * sizeof(bs_id));
    if (!u) return BS_ERR_NOMEM;
    u->base.next = unit_next;
    u->base.free = plain_free;
    u->nvars = ex->nvars;
    if (seed) memcpy(u->row, seed, ex->nvars * sizeof(bs_id));
    *out = &u->base;
    return BS_OK;
}

/* ---- a generic one-child operator -------------------------------------- */

typedef struct unary_iter unary_iter;
struct unary_iter {
    bs_sp_iter base;
    bs_sp_exec *ex;
    const bs_sp_node *n;
    bs_id graph;
    bs_sp_iter *in;
    bs_id *seed;       ///< copy of the seed (NULL = none)
    long long skipped, produced;
    size_t vi;         ///< GRAPH ?g: next named graph; VALUES: next row
    bool seedable;     ///< GRAPH ?g: the inner pattern takes ?g as seed
    bs_status (*step)(unary_iter *u, bs_id *row); ///< the operator
};

static void unary_free(bs_sp_iter *it)
{
    unary_iter *u = (unary_iter *)it;
    if (!u) return;
    if (u->in) u->in->free(u->in);
    free(u->seed);
    free(u);
}

static bs_status unary_next(bs_sp_iter *it, bs_id *row)
{
    unary_iter *u = (unary_iter *)it;
    return u->step(u, row);
}

static bs_status unary_new(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                           const bs_id *seed,
                           bs_status (*step)(unary_iter *, bs_id *),
                           unary_iter **out)
{
    unary_iter *u = calloc(1, sizeof *u);
    if (!u) return BS_ERR_NOMEM;
    u->base.next = unary_next;
    u->base.free = unary_free;
    u->ex = ex;
    u->n = n;
    u->graph = graph;
    u->step = step;
    if (seed) {
        u->seed = malloc((ex->nvars + 1) * sizeof(bs_id));
        if (!u->seed) {
            free(u);
            return BS_ERR_NOMEM;
        }
        memcpy(u->seed, seed, ex->nvars * sizeof(bs_id));
    }
    *out = u;
    return BS_OK;
}

/* ---- FILTER ------------------------------------------------------------ */

bs_status bs_sp_filters_pass(bs_sp_exec *ex, bs_sp_expr *const *e, size_t n,
                             bs_id graph, const bs_id *row, bool *out)
{
    *out = true;
    for (size_t i = 0; i < n; i++) {
        int v = -1;
        ex->active = graph;
        bs_status st = bs_sp_expr_ebv(ex, e[i], row, &v);
        if (st != BS_OK) return st;
        if (v != 1) {
            *out = false;
            return BS_OK;
        }
    }
    return BS_OK;
}

static bs_status filter_step(unary_iter *u, bs_id *row)
{
    for (;;) {
        bs_status st = u->in->next(u->in, row);
        if (st != BS_OK) return st;
        bool pass;
        st = bs_sp_filters_pass(u->ex, u->n->exprs, u->n->nexprs, u->graph, row, &pass);
        if (st != BS_OK) return st;
        if (pass) return BS_OK;
    }
}

/* ---- UNION ------------------------------------------------------------- */

static bs_status union_step(unary_iter *u, bs_id *row)
{
    for (;;) {
        bs_status st = u->in->next(u->in, row);
        if (st != BS_END || u->vi) return st;
        u->in->free(u->in);
        u->in = NULL;
        u->vi = 1;
        if ((st = bs_sp_eval(u->ex, u->n->b, u->graph, u->seed, &u->in)) != BS_OK)
            return st;
    }
}

/* ---- GRAPH ------------------------------------------------------------- */

static bool graph_is_named(bs_sp_exec *ex, bs_id g)
{
    for (size_t i = 0; i < ex->nnamed; i++)
        if (ex->named[i] == g) return true;
    return false;
}

/* GRAPH ?g: the inner pattern in each named graph in turn. */
static bs_status graph_var_step(unary_iter *u, bs_id *row)
{
    bs_sp_exec *ex = u->ex;
    int v = u->n->graph.var;
    for (;;) {
        if (u->in) {
            bs_status st = u->in->next(u->in, row);
            if (st == BS_OK) {
                bs_id g = ex->named[u->vi - 1];
                if (row[v] && row[v] != g) continue;
                row[v] = g;
                return BS_OK;
            }
            if (st != BS_END) return st;
            u->in->free(u->in);
            u->in = NULL;
        }
        if (u->vi >= ex->nnamed) return BS_END;
        bs_id g = ex->named[u->vi++];
        if (u->seed && u->seed[v] && u->seed[v] != g) continue;
        bs_status st;
        if (u->seedable) {
            bs_id save = u->seed[v];
            u->seed[v] = g;
            st = bs_sp_eval(ex, u->n->a, g, u->seed, &u->in);
            u->seed[v] = save;
        } else {
            st = bs_sp_eval(ex, u->n->a, g, u->seed, &u->in);
        }
        if (st != BS_OK) return st;
    }
}

static bs_status graph_eval(bs_sp_exec *ex, const bs_sp_node *n,
                            const bs_id *seed, bs_sp_iter **out)
{
    bs_id g = bs_sp_tpos_id(ex, n->graph, seed);
    if (g != BS_ANY) { /* an IRI, or a variable the seed binds */
        if (!graph_is_named(ex, g)) return bs_sp_iter_empty(out);
        return bs_sp_eval(ex, n->a, g, seed, out);
    }
    if (n->graph.var < 0) return bs_sp_iter_empty(out);
    unary_iter *u;
    bs_status st = unary_new(ex, n, BS_SP_DEFAULT_GRAPH, seed, graph_var_step, &u);
    if (st != BS_OK) return st;
    if (!u->seed) {
        u->seed = calloc(ex->nvars + 1, sizeof(bs_id));
        if (!u->seed) {
            unary_free(&u->base);
            return BS_ERR_NOMEM;
        }
    }
    u->seedable = bs_sp_seedable(ex, n->a);
    *out = &u->base;
    return BS_OK;
}

/* ---- EXTEND ------------------------------------------------------------ */

static bs_status extend_step(unary_iter *u, bs_id *row)
{
    for (;;) {
        bs_status st = u->in->next(u->in, row);
        if (st != BS_OK) return st;
        bs_id v = 0;
        u->ex->active = u->graph;
        if ((st = bs_sp_expr_eval(u->ex, u->n->expr, row, &v)) != BS_OK) return st;
        int var = u->n->var;
        if (v && var >= 0) {
            if (row[var] && row[var] != v) continue; /* the seed disagrees */
            row[var] = v;
        }
        return BS_OK;
    }
}

/* ---- VALUES ------------------------------------------------------------ */

static bs_status values_step(unary_iter *u, bs_id *row)
{
    const bs_sp_node *n = u->n;
    bs_sp_exec *ex = u->ex;
    while (u->vi < n->nrows) {
        const int *cells = n->cells + u->vi++ * n->nvars;
        if (u->seed) memcpy(row, u->seed, ex->nvars * sizeof *row);
        else memset(row, 0, ex->nvars * sizeof *row);
        bool ok = true;
        for (size_t c = 0; c < n->nvars && ok; c++) {
            if (cells[c] < 0 || n->vars[c] < 0) continue;
            bs_id id = bs_sp_const_id(ex, cells[c]);
            if (row[n->vars[c]] && row[n->vars[c]] != id) ok = false;
            row[n->vars[c]] = id;
        }
        if (ok) return BS_OK;
    }
    return BS_END;
}

/* ---- PROJECT, SLICE ---------------------------------------------------- */

static bs_status project_step(unary_iter *u, bs_id *row)
{
    bs_sp_exec *ex = u->ex;
    for (;;) {
        bs_status st = u->in->next(u->in, row);
        if (st != BS_OK) return st;
        bs_id keep[u->n->nvars + 1];
        for (size_t i = 0; i < u->n->nvars; i++) keep[i] = row[u->n->vars[i]];
        memset(row, 0, ex->nvars * sizeof *row);
        for (size_t i = 0; i < u->n->nvars; i++) row[u->n->vars[i]] = keep[i];
        /* rows extend the seed, whatever the projection */
        if (!u->seed || bs_sp_row_merge(row, u->seed, ex->nvars)) return BS_OK;
    }
}

/* Whether n projects every variable of the query (each once): then, with
 * no seed, it changes no row and its child's rows pass through as they
 * are (no operator, no copy per row). */
static bool project_all(const bs_sp_exec *ex, const bs_sp_node *n)
{
    if (n->nvars != ex->nvars || !n->nvars) return false;
    bool seen[n->nvars];
    memset(seen, 0, sizeof seen);
    for (size_t i = 0; i < n->nvars; i++) {
        int v = n->vars[i];
        if (v < 0 || (size_t)v >= ex->nvars || seen[v]) return false;
        seen[v] = true;
    }
    return true;
}

static bs_status slice_step(unary_iter *u, bs_id *row)
{
    const bs_sp_node *n = u->n;
    if (n->limit >= 0 && u->produced >= n->limit) return BS_END;
    for (;;) {
        bs_status st = u->in->next(u->in, row);
        if (st != BS_OK) return st;
        if (n->offset > 0 && u->skipped < n->offset) {
            u->skipped++;
            continue;
        }
        u->produced++;
        return BS_OK;
    }
}

/* ---- dispatch ---------------------------------------------------------- */

/* Operators that wrap their child a evaluated with the same seed. */
static bs_status eval_unary(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                            const bs_id *seed,
                            bs_status (*step)(unary_iter *, bs_id *),
                            bs_sp_iter **out)
{
    unary_iter *u;
    bs_status st = unary_new(ex, n, graph, seed, step, &u);
    if (st != BS_OK) return st;
    if (n->a && (st = bs_sp_eval(ex, n->a, graph, seed, &u->in)) != BS_OK) {
        unary_free(&u->base);
        return st;
    }
    *out = &u->base;
    return BS_OK;
}

bs_status bs_sp_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                     const bs_id *seed, bs_sp_iter **out)
{
    *out = NULL;
    if (!n) return bs_sp_iter_unit(ex, seed, out);
    switch (n->op) {
    case BS_OP_BGP: return bs_sp_bgp_eval(ex, n, graph, seed, out);
    case BS_OP_PATH: return bs_sp_path_eval(ex, n, graph, seed, out);
    case BS_OP_JOIN: return bs_sp_join_eval(ex, n, graph, seed, out);
    case BS_OP_LEFTJOIN: return bs_sp_leftjoin_eval(ex, n, graph, seed, out);
    case BS_OP_MINUS: return bs_sp_minus_eval(ex, n, graph, seed, out);
    case BS_OP_FILTER:
        /* filters run inside the BGP (-2: the tests' reference path) */
        if (n->a && n->a->op == BS_OP_BGP && n->a->ntriples && bs_sp_bgp_hash_policy != -2)
            return bs_sp_bgp_eval_filtered(ex, n->a, n->exprs, n->nexprs, graph, seed, out);
        return eval_unary(ex, n, graph, seed, filter_step, out);
    case BS_OP_UNION: return eval_unary(ex, n, graph, seed, union_step, out);
    case BS_OP_GRAPH: return graph_eval(ex, n, seed, out);
    case BS_OP_EXTEND: return eval_unary(ex, n, graph, seed, extend_step, out);
    case BS_OP_VALUES: {
        unary_iter *u;
        bs_status st = unary_new(ex, n, graph, seed, values_step, &u);
        if (st == BS_OK) *out = &u->base;
        return st;
    }
    case BS_OP_PROJECT:
        if (!seed && project_all(ex, n)) return bs_sp_eval(ex, n->a, graph, NULL, out);
        return eval_unary(ex, n, graph, seed, project_step, out);
    case BS_OP_SLICE:
        if (n->limit == 0) return bs_sp_iter_empty(out);
        if (n->limit > 0 && n->a) { /* ORDER BY ... LIMIT: keep the top rows only */
            const bs_sp_node *o = n->a->op == BS_OP_PROJECT ? n->a->a : n->a;
            if (o && o->op == BS_OP_ORDER) {
                ex->keep_node = o;
                ex->keep = (size_t)n->limit + (size_t)(n->offset > 0 ? n->offset : 0);
            }
        }
        return eval_unary(ex, n, graph, seed, slice_step, out);
    case BS_OP_GROUP: return bs_sp_group_eval(ex, n, graph, seed, out);
    case BS_OP_ORDER: return bs_sp_order_eval(ex, n, graph, seed, out);
    case BS_OP_DISTINCT:
    case BS_OP_REDUCED: return bs_sp_distinct_eval(ex, n, graph, seed, out);
    case BS_OP_SERVICE: return bs_sp_service_eval(ex, n, seed, out);
    }
    bs_sp_error(ex, "unknown algebra operator %d", (int)n->op);
    return BS_ERR_INTERNAL;
}

/* ---- EXISTS ------------------------------------------------------------ */

bs_status bs_sp_exists(bs_sp_exec *ex, const bs_sp_node *pattern,
                       bs_id graph, const bs_id *row, bool *out)
{
    *out = false;
    bs_id save = ex->active;
    bs_sp_iter *it = NULL;
    bs_id *tmp = malloc((ex->nvars + 1) * sizeof *tmp);
    if (!tmp) return BS_ERR_NOMEM;
    bs_status st = bs_sp_eval(ex, pattern, graph, row, &it);
    if (st == BS_OK) {
        st = it->next(it, tmp);
        *out = st == BS_OK;
        if (st == BS_END) st = BS_OK;
    }
    if (it) it->free(it);
    free(tmp);
    ex->active = save;
    return st;
}
