/* SPDX-License-Identifier: MIT
 * battstore — the operators that hold rows: GROUP (hash on key values,
 * aggregates), ORDER (stable merge sort), DISTINCT / REDUCED (hash set
 * of rows).  Their memory counts against the request's cap. */
#include "config.h"
#include "sparql/exec_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    bs_sp_iter base;
    bs_sp_exec *ex;
    const bs_sp_node *n;
    bs_id graph;
    bs_id *seed;
    bs_sp_iter *in;
    bool built;
    size_t next;       ///< next output position
    bs_sp_rows rows;   ///< ORDER: rows + key values
    size_t *perm;      ///< ORDER: sorted order
    bs_sp_hset set;    ///< GROUP: key values; DISTINCT: rows
    bs_sp_hset rowset; ///< GROUP: (group, row) for COUNT(DISTINCT *)
    bs_sp_agg **aggs;  ///< GROUP: naggs per group
    size_t aggcap;     ///< GROUP: groups room in aggs
    bs_status sort_st; ///< ORDER: a failed tick during the sort
    unsigned cmps;
    size_t keep;       ///< ORDER under a SLICE: rows needed (0 = all)
} mat_iter;

static void mat_free(bs_sp_iter *it)
{
    mat_iter *m = (mat_iter *)it;
    if (!m) return;
    if (m->in) m->in->free(m->in);
    size_t ng = m->set.keys.n;
    if (m->aggs) {
        for (size_t i = 0; i < ng * m->n->naggs; i++) bs_sp_agg_free(m->aggs[i]);
        bs_sp_mem(m->ex, -(long long)(m->aggcap * m->n->naggs * sizeof *m->aggs));
    }
    free(m->aggs);
    if (m->perm && m->built) bs_sp_mem(m->ex, -(long long)(m->rows.n * sizeof *m->perm));
    free(m->perm);
    bs_sp_rows_clear(&m->rows);
    bs_sp_hset_clear(&m->set);
    bs_sp_hset_clear(&m->rowset);
    free(m->seed);
    free(m);
}

static bs_status mat_new(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                         const bs_id *seed,
                         bs_status (*next)(bs_sp_iter *, bs_id *),
                         mat_iter **out)
{
    mat_iter *m = calloc(1, sizeof *m);
    if (!m) return BS_ERR_NOMEM;
    m->base.next = next;
    m->base.free = mat_free;
    m->ex = ex;
    m->n = n;
    m->graph = graph;
    bs_sp_rows_init(&m->rows, ex, ex->nvars + n->nkeys);
    bs_sp_hset_init(&m->set, ex, n->op == BS_OP_GROUP ? n->nkeys : ex->nvars);
    bs_sp_hset_init(&m->rowset, ex, ex->nvars + 1);
    bs_status st = BS_ERR_NOMEM;
    if (seed) {
        if (!(m->seed = malloc((ex->nvars + 1) * sizeof *seed))) goto fail;
        memcpy(m->seed, seed, ex->nvars * sizeof *seed);
    }
    TRY(st, bs_sp_eval(ex, n->a, graph, seed, &m->in));
    *out = m;
    return BS_OK;
fail:
    mat_free(&m->base);
    return st;
}

/* ---- GROUP -------------------------------------------------------------- */

/* Make the aggregates of a new group g. */
static bs_status group_add(mat_iter *m, size_t g)
{
    size_t na = m->n->naggs;
    if (!na) return BS_OK;
    if (g >= m->aggcap) {
        size_t n = m->aggcap ? 2 * m->aggcap : 16;
        bs_status st = bs_sp_mem(m->ex, (long long)((n - m->aggcap) * na * sizeof *m->aggs));
        if (st != BS_OK) return st;
        bs_sp_agg **a = realloc(m->aggs, n * na * sizeof *a);
        if (!a) return BS_ERR_NOMEM;
        memset(a + m->aggcap * na, 0, (n - m->aggcap) * na * sizeof *a);
        m->aggs = a;
        m->aggcap = n;
    }
    for (size_t i = 0; i < na; i++) {
        bs_status st = bs_sp_agg_new(m->ex, &m->n->aggs[i], &m->aggs[g * na + i]);
        if (st != BS_OK) return st;
    }
    return BS_OK;
}

/* Feed one row to the aggregates of group g. */
static bs_status group_step(mat_iter *m, size_t g, const bs_id *row)
{
    bs_sp_exec *ex = m->ex;
    for (size_t i = 0; i < m->n->naggs; i++) {
        const bs_sp_aggspec *a = &m->n->aggs[i];
        bs_id v = 1;
        bs_status st;
        if (a->arg) {
            ex->active = m->graph;
            if ((st = bs_sp_expr_eval(ex, a->arg, row, &v)) != BS_OK) return st;
        } else if (a->distinct) { /* COUNT(DISTINCT *): one id per distinct row */
            bs_id key[ex->nvars + 1];
            memcpy(key, row, ex->nvars * sizeof *key);
            key[ex->nvars] = g;
            size_t idx;
            if ((st = bs_sp_hset_put(&m->rowset, key, &idx, NULL)) != BS_OK) return st;
            v = idx + 1;
        }
        if ((st = bs_sp_agg_step(m->aggs[g * m->n->naggs + i], v)) != BS_OK) return st;
    }
    return BS_OK;
}

static bs_status group_build(mat_iter *m)
{
    bs_sp_exec *ex = m->ex;
    const bs_sp_node *n = m->n;
    bs_id row[ex->nvars + 1], key[n->nkeys + 1];
    bs_status st;
    size_t g;
    bool added;
    while ((st = m->in->next(m->in, row)) == BS_OK) {
        if ((st = bs_sp_tick(ex)) != BS_OK) return st;
        for (size_t k = 0; k < n->nkeys; k++) {
            ex->active = m->graph;
            if ((st = bs_sp_expr_eval(ex, n->keys[k], row, &key[k])) != BS_OK) return st;
        }
        if ((st = bs_sp_hset_put(&m->set, key, &g, &added)) != BS_OK) return st;
        if (added && (st = group_add(m, g)) != BS_OK) return st;
        if ((st = group_step(m, g, row)) != BS_OK) return st;
    }
    if (st != BS_END) return st;
    if (n->nkeys == 0 && m->set.keys.n == 0) { /* one group, even of nothing */
        if ((st = bs_sp_hset_put(&m->set, key, &g, &added)) != BS_OK) return st;
        if ((st = group_add(m, g)) != BS_OK) return st;
    }
    m->built = true;
    return BS_OK;
}

static bs_status group_next(bs_sp_iter *it, bs_id *row)
{
    mat_iter *m = (mat_iter *)it;
    bs_sp_exec *ex = m->ex;
    const bs_sp_node *n = m->n;
    bs_status st;
    if (!m->built && (st = group_build(m)) != BS_OK) return st;
    while (m->next < m->set.keys.n) {
        size_t g = m->next++;
        const bs_id *key = bs_sp_rows_at(&m->set.keys, g);
        memset(row, 0, ex->nvars * sizeof *row);
        for (size_t k = 0; k < n->nkeys; k++)
            if (n->key_vars && n->key_vars[k] >= 0) row[n->key_vars[k]] = key[k];
        for (size_t i = 0; i < n->naggs; i++) {
            bs_id v = 0;
            st = bs_sp_agg_result(m->aggs[g * n->naggs + i], &v);
            if (st != BS_OK) return st;
            if (n->aggs[i].var >= 0) row[n->aggs[i].var] = v;
        }
        if (!m->seed || bs_sp_row_merge(row, m->seed, ex->nvars)) return BS_OK;
    }
    return BS_END;
}

bs_status bs_sp_group_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                           const bs_id *seed, bs_sp_iter **out)
{
    bs_status st = bs_sp_count_eval(ex, n, graph, seed, out);
    if (st != BS_OK || *out) return st; /* a counting join did it */
    mat_iter *m;
    st = mat_new(ex, n, graph, seed, group_next, &m);
    if (st == BS_OK) *out = &m->base;
    return st;
}

/* ---- ORDER -------------------------------------------------------------- */

static int order_cmp(mat_iter *m, size_t a, size_t b)
{
    if (m->sort_st != BS_OK) return 0;
    if ((++m->cmps & 1023) == 0) m->sort_st = bs_sp_tick(m->ex);
    const bs_id *ra = bs_sp_rows_at(&m->rows, a) + m->ex->nvars;
    const bs_id *rb = bs_sp_rows_at(&m->rows, b) + m->ex->nvars;
    for (size_t k = 0; k < m->n->nkeys; k++) {
        int c = ra[k] == rb[k] ? 0 : bs_sp_order_cmp(m->ex, ra[k], rb[k]);
        if (m->n->desc && m->n->desc[k]) c = -c;
        if (c) return c;
    }
    return 0;
}

/* Stable bottom-up merge sort of v[0..n) using tmp. */
static void merge_sort(mat_iter *m, size_t *v, size_t *tmp, size_t n)
{
    for (size_t w = 1; w < n && m->sort_st == BS_OK; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n;
            size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = order_cmp(m, v[j], v[i]) < 0 ? v[j++] : v[i++];
            while (i < mid) tmp[k++] = v[i++];
            while (j < hi) tmp[k++] = v[j++];
        }
        memcpy(v, tmp, n * sizeof *v);
    }
}

/* Sort the rows held into m->perm (stable). */
static bs_status order_sort(mat_iter *m)
{
    size_t nr = m->rows.n;
    bs_status st = bs_sp_mem(m->ex, (long long)(2 * nr * sizeof(size_t)));
    if (st != BS_OK) return st;
    free(m->perm);
    m->perm = malloc((nr + 1) * sizeof *m->perm);
    size_t *tmp = malloc((nr + 1) * sizeof *tmp);
    if (!m->perm || !tmp) {
        free(tmp);
        return BS_ERR_NOMEM;
    }
    for (size_t i = 0; i < nr; i++) m->perm[i] = i;
    merge_sort(m, m->perm, tmp, nr);
    free(tmp);
    bs_sp_mem(m->ex, -(long long)(2 * nr * sizeof(size_t)));
    return m->sort_st;
}

/* Keep only the first m->keep rows in order (ties keep arrival order). */
static bs_status order_truncate(mat_iter *m)
{
    bs_status st = order_sort(m);
    if (st != BS_OK) return st;
    bs_sp_rows kept;
    bs_sp_rows_init(&kept, m->ex, m->rows.width);
    for (size_t i = 0; i < m->keep && i < m->rows.n && st == BS_OK; i++)
        st = bs_sp_rows_push(&kept, bs_sp_rows_at(&m->rows, m->perm[i]), NULL);
    bs_sp_rows_clear(st == BS_OK ? &m->rows : &kept);
    if (st == BS_OK) m->rows = kept;
    return st;
}

static bs_status order_build(mat_iter *m)
{
    bs_sp_exec *ex = m->ex;
    const bs_sp_node *n = m->n;
    bs_id row[ex->nvars + n->nkeys + 1];
    bs_status st;
    while ((st = m->in->next(m->in, row)) == BS_OK) {
        if ((st = bs_sp_tick(ex)) != BS_OK) return st;
        for (size_t k = 0; k < n->nkeys; k++) {
            ex->active = m->graph;
            st = bs_sp_expr_eval(ex, n->keys[k], row, &row[ex->nvars + k]);
            if (st != BS_OK) return st;
        }
        if ((st = bs_sp_rows_push(&m->rows, row, NULL)) != BS_OK) return st;
        if (m->keep && m->rows.n >= 2 * m->keep + 1024 &&
            (st = order_truncate(m)) != BS_OK)
            return st;
    }
    if (st != BS_END) return st;
    if ((st = order_sort(m)) != BS_OK) return st;
    bs_sp_mem(ex, (long long)(m->rows.n * sizeof(size_t)));
    m->built = true;
    return BS_OK;
}

static bs_status order_next(bs_sp_iter *it, bs_id *row)
{
    mat_iter *m = (mat_iter *)it;
    bs_status st;
    if (!m->built && (st = order_build(m)) != BS_OK) return st;
    if (m->next >= m->rows.n) return BS_END;
    memcpy(row, bs_sp_rows_at(&m->rows, m->perm[m->next++]), m->ex->nvars * sizeof *row);
    return BS_OK;
}

bs_status bs_sp_order_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                           const bs_id *seed, bs_sp_iter **out)
{
    mat_iter *m;
    size_t keep = ex->keep_node == n ? ex->keep : 0;
    ex->keep_node = NULL;
    bs_status st = mat_new(ex, n, graph, seed, order_next, &m);
    if (st != BS_OK) return st;
    m->keep = keep;
    *out = &m->base;
    return BS_OK;
}

/* ---- DISTINCT / REDUCED --------------------------------------------------- */

static bs_status distinct_next(bs_sp_iter *it, bs_id *row)
{
    mat_iter *m = (mat_iter *)it;
    for (;;) {
        bs_status st = m->in->next(m->in, row);
        if (st != BS_OK) return st;
        size_t idx;
        bool added;
        if ((st = bs_sp_hset_put(&m->set, row, &idx, &added)) != BS_OK) return st;
        if (added) return BS_OK;
    }
}

bs_status bs_sp_distinct_eval(bs_sp_exec *ex, const bs_sp_node *n,
                              bs_id graph, const bs_id *seed,
                              bs_sp_iter **out)
{
    mat_iter *m;
    bs_status st = mat_new(ex, n, graph, seed, distinct_next, &m);
    if (st == BS_OK) *out = &m->base;
    return st;
}
