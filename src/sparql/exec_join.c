/* SPDX-License-Identifier: MIT
 * battstore — JOIN, LEFTJOIN (OPTIONAL with its filter) and MINUS.
 *
 * Two ways to find the right rows that go with a left row:
 *  - seeded: evaluate the right side with the left row as seed (index
 *    nested loop), when the planner proved that equals the join;
 *  - hashed: materialise the right side once, keyed on the variables
 *    both sides always bind, and probe it per left row (no such
 *    variable: every right row is a candidate, checked for
 *    compatibility). */
#include "config.h"
#include "sparql/exec_int.h"

#include <stdlib.h>
#include <string.h>

typedef enum { J_JOIN, J_LEFT, J_MINUS } jkind;

typedef struct {
    bs_sp_iter base;
    bs_sp_exec *ex;
    const bs_sp_node *n;
    jkind kind;
    bs_id graph;
    const bs_sp_node *outer, *inner;
    bs_id *seed;        ///< the node's seed (NULL = none)
    bs_sp_iter *left;   ///< the outer stream
    bs_sp_iter *right;  ///< seeded: the inner rows for lrow
    bs_id *lrow;
    bool have_left;     ///< lrow is current
    bool matched;       ///< LEFTJOIN: lrow had a filtered match
    bool seeded;
    /* hashed */
    bool built;
    bs_sp_rows mat;     ///< the inner rows
    bs_sp_hset keys;    ///< key values → bucket
    uint32_t *head;     ///< per bucket: first row + 1
    size_t nhead;
    uint32_t *chain;    ///< per row: next row + 1 in its bucket
    int *keyvars;
    size_t nkey;
    size_t cand;        ///< next candidate: row + 1 (0 = none left)
} join_iter;

static void join_free(bs_sp_iter *it)
{
    join_iter *j = (join_iter *)it;
    if (!j) return;
    if (j->left) j->left->free(j->left);
    if (j->right) j->right->free(j->right);
    if (j->chain) bs_sp_mem(j->ex, -(long long)(j->mat.cap * sizeof(uint32_t)));
    bs_sp_rows_clear(&j->mat);
    bs_sp_hset_clear(&j->keys);
    free(j->head);
    free(j->chain);
    free(j->keyvars);
    free(j->seed);
    free(j->lrow);
    free(j);
}

/* ---- hashed side -------------------------------------------------------- */

static void key_of(const join_iter *j, const bs_id *row, bs_id *key)
{
    for (size_t i = 0; i < j->nkey; i++) key[i] = row[j->keyvars[i]];
}

static bs_status add_bucket_row(join_iter *j, size_t r)
{
    bs_id key[j->nkey + 1];
    key_of(j, bs_sp_rows_at(&j->mat, r), key);
    size_t b;
    bs_status st = bs_sp_hset_put(&j->keys, key, &b, NULL);
    if (st != BS_OK) return st;
    if (b >= j->nhead) {
        size_t n = j->nhead ? 2 * j->nhead : 64;
        uint32_t *h = realloc(j->head, n * sizeof *h);
        if (!h) return BS_ERR_NOMEM;
        memset(h + j->nhead, 0, (n - j->nhead) * sizeof *h);
        j->head = h;
        j->nhead = n;
    }
    j->chain[r] = j->head[b];
    j->head[b] = (uint32_t)(r + 1);
    return BS_OK;
}

/* Materialise the inner side and index it. */
static bs_status build(join_iter *j)
{
    bs_sp_iter *it = NULL;
    bs_status st;
    bs_id *row = malloc((j->ex->nvars + 1) * sizeof *row);
    if (!row) return BS_ERR_NOMEM;
    const bs_id *seed = j->kind == J_MINUS ? NULL : j->seed;
    TRY(st, bs_sp_eval(j->ex, j->inner, j->graph, seed, &it));
    while ((st = it->next(it, row)) == BS_OK) {
        TRY(st, bs_sp_tick(j->ex));
        TRY(st, bs_sp_rows_push(&j->mat, row, NULL));
    }
    if (st != BS_END) goto fail;
    st = BS_OK;
    TRY(st, bs_sp_mem(j->ex, (long long)(j->mat.cap * sizeof(uint32_t))));
    j->chain = calloc(j->mat.cap + 1, sizeof *j->chain);
    if (!j->chain) {
        st = BS_ERR_NOMEM;
        goto fail;
    }
    if (j->nkey)
        for (size_t r = 0; r < j->mat.n; r++) TRY(st, add_bucket_row(j, r));
    j->built = true;
fail:
    if (it) it->free(it);
    free(row);
    return st;
}

/* Start the candidates for lrow. */
static void probe(join_iter *j)
{
    if (!j->nkey) {
        j->cand = j->mat.n ? 1 : 0;
        return;
    }
    bs_id key[j->nkey + 1];
    key_of(j, j->lrow, key);
    size_t b;
    j->cand = bs_sp_hset_find(&j->keys, key, &b) == BS_OK ? j->head[b] : 0;
}

/* Next inner row compatible with lrow, merged into row: BS_OK / BS_END. */
static bs_status next_candidate(join_iter *j, bs_id *row)
{
    size_t nv = j->ex->nvars;
    while (j->cand) {
        size_t r = j->cand - 1;
        j->cand = j->nkey ? j->chain[r] : (r + 1 < j->mat.n ? r + 2 : 0);
        bs_status st = bs_sp_tick(j->ex);
        if (st != BS_OK) return st;
        const bs_id *rr = bs_sp_rows_at(&j->mat, r);
        if (!bs_sp_row_compatible(j->lrow, rr, nv)) continue;
        if (j->kind == J_MINUS) {
            bool shared = false;
            for (size_t i = 0; i < nv && !shared; i++)
                shared = j->lrow[i] && rr[i];
            if (!shared) continue;
        }
        memcpy(row, j->lrow, nv * sizeof *row);
        bs_sp_row_merge(row, rr, nv);
        return BS_OK;
    }
    return BS_END;
}

/* ---- the loop ----------------------------------------------------------- */

/* Next merged row for the current lrow: BS_OK / BS_END. */
static bs_status next_match(join_iter *j, bs_id *row)
{
    if (!j->seeded) return next_candidate(j, row);
    bs_status st = j->right->next(j->right, row);
    if (st == BS_END) {
        j->right->free(j->right);
        j->right = NULL;
    }
    return st;
}

static bs_status next_left(join_iter *j)
{
    bs_status st = j->left->next(j->left, j->lrow);
    if (st != BS_OK) return st;
    j->have_left = true;
    j->matched = false;
    if (j->seeded) return bs_sp_eval(j->ex, j->inner, j->graph, j->lrow, &j->right);
    if (!j->built && (st = build(j)) != BS_OK) return st; /* not when left is empty */
    probe(j);
    return BS_OK;
}

static bs_status join_next(bs_sp_iter *it, bs_id *row)
{
    join_iter *j = (join_iter *)it;
    bs_status st;
    for (;;) {
        if (!j->have_left && (st = next_left(j)) != BS_OK) return st;
        if ((st = bs_sp_tick(j->ex)) != BS_OK) return st;
        st = next_match(j, row);
        if (st == BS_OK) {
            if (j->kind == J_JOIN) return BS_OK;
            if (j->kind == J_MINUS) { /* lrow is removed */
                j->have_left = false;
                continue;
            }
            bool pass;
            st = bs_sp_filters_pass(j->ex, j->n->exprs, j->n->nexprs, j->graph, row, &pass);
            if (st != BS_OK) return st;
            if (!pass) continue;
            j->matched = true;
            return BS_OK;
        }
        if (st != BS_END) return st;
        j->have_left = false;
        if (j->kind == J_MINUS || (j->kind == J_LEFT && !j->matched)) {
            memcpy(row, j->lrow, j->ex->nvars * sizeof *row);
            return BS_OK;
        }
    }
}

/* ---- set-up ------------------------------------------------------------- */

static bool is_unit(const bs_sp_node *n)
{
    return n->op == BS_OP_BGP && n->ntriples == 0;
}

/* A property path with a constant end: a breadth-first search from that
 * end is usually far cheaper than one search per row of the other side
 * (rdfs:subClassOf* <C> joined with labels: one search, not thousands). */
static bool path_anchored(const bs_sp_node *n)
{
    return n->op == BS_OP_PATH && (n->path_s.cid >= 0 || n->path_o.cid >= 0);
}

/* The variables both sides always bind, the seed's excepted. */
static bs_status choose_keys(join_iter *j)
{
    bs_sp_exec *ex = j->ex;
    bs_sp_vset *a = bs_sp_vset_new(ex->nvars), *b = bs_sp_vset_new(ex->nvars);
    bs_status st = BS_ERR_NOMEM;
    j->keyvars = calloc(ex->nvars + 1, sizeof *j->keyvars);
    if (!a || !b || !j->keyvars) goto fail;
    bs_sp_certain_vars(ex, j->outer, a);
    bs_sp_certain_vars(ex, j->inner, b);
    for (size_t v = 0; v < ex->nvars; v++)
        if (bs_sp_vset_has(a, (int)v) && bs_sp_vset_has(b, (int)v) &&
            !(j->seed && j->seed[v]))
            j->keyvars[j->nkey++] = (int)v;
    bs_sp_hset_init(&j->keys, ex, j->nkey);
    st = BS_OK;
fail:
    free(a);
    free(b);
    return st;
}

static bs_status join_new(bs_sp_exec *ex, const bs_sp_node *n, jkind kind,
                          bs_id graph, const bs_id *seed, bs_sp_iter **out)
{
    bs_status st = BS_ERR_NOMEM;
    join_iter *j = calloc(1, sizeof *j);
    if (!j) return BS_ERR_NOMEM;
    j->base.next = join_next;
    j->base.free = join_free;
    j->ex = ex;
    j->n = n;
    j->kind = kind;
    j->graph = graph;
    j->outer = n->a;
    j->inner = n->b;
    bs_sp_rows_init(&j->mat, ex, ex->nvars);
    bs_sp_hset_init(&j->keys, ex, 0);
    j->lrow = calloc(ex->nvars + 1, sizeof *j->lrow);
    if (!j->lrow) goto fail;
    if (seed) {
        if (!(j->seed = malloc((ex->nvars + 1) * sizeof *j->seed))) goto fail;
        memcpy(j->seed, seed, ex->nvars * sizeof *seed);
    }
    if (kind != J_MINUS) {
        if (kind == J_JOIN && path_anchored(n->b) && !path_anchored(n->a) &&
            !is_unit(n->a) && bs_sp_seedable(ex, n->a)) {
            j->seeded = true; /* start from the anchored path */
            j->outer = n->b;
            j->inner = n->a;
        } else if (kind == J_JOIN && bs_sp_service_needs_seed(n->a) &&
                   !bs_sp_service_needs_seed(n->b)) {
            j->seeded = true; /* SERVICE ?ep: its endpoint from the other side */
            j->outer = n->b;
            j->inner = n->a;
        } else if (is_unit(n->a) || bs_sp_seedable(ex, n->b) ||
                   bs_sp_service_needs_seed(n->b)) {
            j->seeded = true;
        } else if (kind == J_JOIN && (is_unit(n->b) || bs_sp_seedable(ex, n->a))) {
            j->seeded = true; /* a join commutes: seed the left side */
            j->outer = n->b;
            j->inner = n->a;
        }
    }
    if (!j->seeded) TRY(st, choose_keys(j));
    TRY(st, bs_sp_eval(ex, j->outer, graph, seed, &j->left));
    *out = &j->base;
    return BS_OK;
fail:
    join_free(&j->base);
    return st;
}

bs_status bs_sp_join_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                          const bs_id *seed, bs_sp_iter **out)
{
    if (is_unit(n->a)) return bs_sp_eval(ex, n->b, graph, seed, out);
    if (is_unit(n->b)) return bs_sp_eval(ex, n->a, graph, seed, out);
    return join_new(ex, n, J_JOIN, graph, seed, out);
}

bs_status bs_sp_leftjoin_eval(bs_sp_exec *ex, const bs_sp_node *n,
                              bs_id graph, const bs_id *seed,
                              bs_sp_iter **out)
{
    return join_new(ex, n, J_LEFT, graph, seed, out);
}

bs_status bs_sp_minus_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                           const bs_id *seed, bs_sp_iter **out)
{
    return join_new(ex, n, J_MINUS, graph, seed, out);
}
