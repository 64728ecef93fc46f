/* SPDX-License-Identifier: MIT
 * battstore — basic graph patterns: an index nested loop over the triple
 * patterns in the planner's order, one store scan open per level. */
#include "config.h"
#include "sparql/exec_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    bs_sp_iter base;
    bs_sp_exec *ex;
    const bs_sp_node *n;
    bs_id graph;
    size_t nt;
    size_t *order;      ///< triple index per level
    bs_sp_scan **scans; ///< open scan per level (NULL = not open)
    bs_id *row;         ///< current bindings (the seed, then each level's)
    int (*bound)[3];    ///< per level: vars it bound (-1 none)
    long level;         ///< level to advance next; -1 = not started
    bool done;
} bgp_iter;

static void bgp_free(bs_sp_iter *it)
{
    bgp_iter *b = (bgp_iter *)it;
    if (!b) return;
    for (size_t i = 0; i < b->nt; i++) bs_sp_scan_free(b->scans[i]);
    free(b->scans);
    free(b->order);
    free(b->row);
    free(b->bound);
    free(b);
}

/* Undo the bindings of level k. */
static void unbind(bgp_iter *b, size_t k)
{
    for (int i = 0; i < 3; i++) {
        if (b->bound[k][i] >= 0) b->row[b->bound[k][i]] = 0;
        b->bound[k][i] = -1;
    }
}

static bs_status open_level(bgp_iter *b, size_t k)
{
    const bs_sp_triple *t = &b->n->triples[b->order[k]];
    bs_id s = bs_sp_tpos_id(b->ex, t->s, b->row);
    bs_id p = bs_sp_tpos_id(b->ex, t->p, b->row);
    bs_id o = bs_sp_tpos_id(b->ex, t->o, b->row);
    bs_sp_scan_free(b->scans[k]);
    b->scans[k] = NULL;
    return bs_sp_scan_new(b->ex, b->graph, s, p, o, &b->scans[k]);
}

/* Bind one position from quad value v; false when it conflicts (the
 * same variable twice in the pattern with different values). */
static bool bind_pos(bgp_iter *b, size_t k, int i, bs_sp_tpos p, bs_id v)
{
    if (p.var < 0) return true;
    bs_id cur = b->row[p.var];
    if (cur) return cur == v;
    b->row[p.var] = v;
    b->bound[k][i] = p.var;
    return true;
}

/* Advance level k to its next matching quad: BS_OK or BS_END. */
static bs_status advance(bgp_iter *b, size_t k)
{
    const bs_sp_triple *t = &b->n->triples[b->order[k]];
    for (;;) {
        unbind(b, k);
        bs_quad q;
        bs_status st = bs_sp_scan_next(b->scans[k], &q);
        if (st != BS_OK) return st;
        if (bind_pos(b, k, 0, t->s, q.s) && bind_pos(b, k, 1, t->p, q.p) &&
            bind_pos(b, k, 2, t->o, q.o))
            return BS_OK;
    }
}

static bs_status bgp_next(bs_sp_iter *it, bs_id *row)
{
    bgp_iter *b = (bgp_iter *)it;
    bs_status st;
    if (b->done) return BS_END;
    long k;
    if (b->level < 0) {
        if (b->nt == 0) {
            b->done = true;
            memcpy(row, b->row, b->ex->nvars * sizeof *row);
            return BS_OK;
        }
        if ((st = open_level(b, 0)) != BS_OK) return st;
        k = 0;
    } else {
        k = b->level;
    }
    while (k >= 0) {
        st = advance(b, (size_t)k);
        if (st == BS_END) {
            k--;
            continue;
        }
        if (st != BS_OK) return st;
        if ((size_t)k + 1 == b->nt) {
            b->level = k;
            memcpy(row, b->row, b->ex->nvars * sizeof *row);
            return BS_OK;
        }
        k++;
        if ((st = open_level(b, (size_t)k)) != BS_OK) return st;
    }
    b->done = true;
    return BS_END;
}

/* Which positions of n the seed binds, as bits (3 per triple). */
static uint64_t seed_mask(const bs_sp_node *n, const bs_id *seed)
{
    uint64_t m = 0;
    for (size_t i = 0; seed && i < n->ntriples; i++) {
        const bs_sp_tpos p[3] = {n->triples[i].s, n->triples[i].p, n->triples[i].o};
        for (int k = 0; k < 3; k++)
            if (p[k].var >= 0 && seed[p[k].var]) m |= (uint64_t)1 << (3 * i + (size_t)k);
    }
    return m;
}

/* Remember a plan; failures only cost the caching. */
static void plan_store(bs_sp_exec *ex, const bs_id key[2], const size_t *order,
                       size_t nt)
{
    size_t idx;
    bool added;
    if (ex->nplan_orders + nt > ex->plan_cap) {
        size_t cap = 2 * (ex->nplan_orders + nt) + 64;
        size_t *v = realloc(ex->plan_orders, cap * sizeof *v);
        if (!v) return;
        ex->plan_orders = v;
        ex->plan_cap = cap;
    }
    if (ex->plans.keys.n >= ex->plan_at_cap) {
        size_t cap = 2 * ex->plan_at_cap + 16;
        size_t *v = realloc(ex->plan_at, cap * sizeof *v);
        if (!v) return;
        ex->plan_at = v;
        ex->plan_at_cap = cap;
    }
    if (bs_sp_hset_put(&ex->plans, key, &idx, &added) != BS_OK || !added) return;
    ex->plan_at[idx] = ex->nplan_orders;
    memcpy(ex->plan_orders + ex->nplan_orders, order, nt * sizeof *order);
    ex->nplan_orders += nt;
}

/** The order of n's triples: planned once per (node, variables the seed
 *  binds) — an index nested loop calls this once per left row. */
bs_status bs_sp_bgp_plan(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                         const bs_id *seed, size_t *order)
{
    size_t nt = n->ntriples;
    if (nt == 1) {
        order[0] = 0;
        return BS_OK;
    }
    bool cacheable = nt <= 21 && graph == BS_SP_DEFAULT_GRAPH;
    bs_id key[2] = {(bs_id)(uintptr_t)n, seed_mask(n, seed)};
    size_t idx;
    if (cacheable && bs_sp_hset_find(&ex->plans, key, &idx) == BS_OK) {
        memcpy(order, ex->plan_orders + ex->plan_at[idx], nt * sizeof *order);
        return BS_OK;
    }
    bs_status st = bs_sp_bgp_order(ex, n, graph, seed, order);
    if (st == BS_OK && cacheable) plan_store(ex, key, order, nt);
    return st;
}

bs_status bs_sp_bgp_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                         const bs_id *seed, bs_sp_iter **out)
{
    bs_status st = BS_ERR_NOMEM;
    *out = NULL;
    bgp_iter *b = calloc(1, sizeof *b);
    if (!b) return BS_ERR_NOMEM;
    b->base.next = bgp_next;
    b->base.free = bgp_free;
    b->ex = ex;
    b->n = n;
    b->graph = graph;
    b->nt = n->ntriples;
    b->level = -1;
    b->row = calloc(ex->nvars + 1, sizeof *b->row);
    b->order = calloc(b->nt + 1, sizeof *b->order);
    b->scans = calloc(b->nt + 1, sizeof *b->scans);
    b->bound = malloc((b->nt + 1) * sizeof *b->bound);
    if (!b->row || !b->order || !b->scans || !b->bound) goto fail;
    memset(b->bound, 0xff, (b->nt + 1) * sizeof *b->bound);
    if (seed) memcpy(b->row, seed, ex->nvars * sizeof *b->row);
    if (b->nt) TRY(st, bs_sp_bgp_plan(ex, n, graph, seed, b->order));
    *out = &b->base;
    return BS_OK;
fail:
    bgp_free(&b->base);
    return st;
}
