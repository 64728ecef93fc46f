/* SPDX-License-Identifier: MIT
 * battstore — basic graph patterns: an index nested loop over the triple
 * patterns in the planner's order, one store scan per level (re-aimed,
 * not reopened, for each outer row).  A level that is opened for many
 * outer rows switches to a hash join: its constant range is scanned once
 * into a hash table keyed by the join variables' values, and each outer
 * row then looks its matches up instead of seeking the index.  The rows
 * are the same multiset either way (see bhash_build). */
#include "config.h"
#include "sparql/exec_star.h"

#include <stdlib.h>
#include <string.h>

/* How many seeks a scan of one quad is worth: a level switches to a hash
 * join once it has been opened range / SEEK_WORTH times. */
#define SEEK_WORTH 24
/* First check after this many opens (small joins never pay for it). */
#define HASH_FIRST_CHECK 64
/* Largest constant range read into a hash table (quads). */
#define HASH_MAX_RANGE ((uint64_t)1 << 23)

int bs_sp_bgp_hash_policy;

typedef struct {
    uint64_t opens;     ///< outer rows seen
    uint64_t check_at;  ///< opens at which to consider hashing
    bool never;         ///< no join position, or the range is too big
    bs_sp_qhash *h;     ///< the hash table, once built
    int jpos[3];        ///< its join positions (0 s, 1 p, 2 o)
    size_t nj;
    uint32_t ent;       ///< next entry of the current lookup
    bs_sp_mscan *ms;    ///< a bs:matches level's generator (exec_match.c)
    bool match;         ///< the level is a bs:matches pattern
    bs_sp_tfscan *tf;   ///< candidates of a substring filter (exec_textfilter.c)
} level_state;

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
    bs_id *seed;        ///< the seed (nvars ids, 0 = unbound)
    level_state *ls;    ///< per level
    bs_sp_expr *const *filters; ///< pushed-down FILTER expressions
    size_t nfilters;
    size_t *flevel;     ///< per filter: the level after which it runs
    long level;         ///< level to advance next; -1 = not started
    bool done;
} bgp_iter;

/* Scan the level's constant range (constants and seed values only; the
 * join positions left open) once into a hash table.  The scan yields
 * each triple of the active graph once, as the per-row scans do, so
 * looking up a row's join values gives exactly the triples a per-row
 * scan would (in another order). */
static bs_status bhash_build(bgp_iter *b, size_t k, const int *jpos,
                             size_t nj, double range, bs_sp_qhash **out)
{
    const bs_sp_triple *t = &b->n->triples[b->order[k]];
    bs_status st;
    bs_sp_scan *sc = NULL;
    bs_sp_qhash *h = NULL;
    TRY(st, bs_sp_qhash_new(b->ex, jpos, nj, (size_t)range, &h));
    TRY(st, bs_sp_scan_new(b->ex, b->graph, bs_sp_tpos_id(b->ex, t->s, b->seed),
                           bs_sp_tpos_id(b->ex, t->p, b->seed),
                           bs_sp_tpos_id(b->ex, t->o, b->seed), &sc));
    bs_quad q;
    while ((st = bs_sp_scan_next(sc, &q)) == BS_OK) {
        const bs_id v[3] = {q.s, q.p, q.o};
        if ((st = bs_sp_qhash_add(h, v)) != BS_OK) goto fail;
    }
    if (st != BS_END) goto fail;
    TRY(st, bs_sp_qhash_finish(h));
    bs_sp_scan_free(sc);
    *out = h;
    return BS_OK;
fail:
    bs_sp_scan_free(sc);
    bs_sp_qhash_free(h);
    return st;
}

/* The positions of level k's pattern bound by earlier levels (not by
 * constants or the seed): *nj of them into jpos. */
static void join_positions(bgp_iter *b, size_t k, int *jpos, size_t *nj)
{
    const bs_sp_triple *t = &b->n->triples[b->order[k]];
    const bs_sp_tpos pos[3] = {t->s, t->p, t->o};
    *nj = 0;
    for (int i = 0; i < 3; i++)
        if (pos[i].cid < 0 && pos[i].var >= 0 && !b->seed[pos[i].var] &&
            b->row[pos[i].var])
            jpos[(*nj)++] = i;
}

/* Whether level k should now switch to a hash join (building it). */
static bs_status maybe_hash(bgp_iter *b, size_t k)
{
    level_state *l = &b->ls[k];
    if (l->never || l->h || ++l->opens < l->check_at) return BS_OK;
    int jpos[3];
    size_t nj;
    join_positions(b, k, jpos, &nj);
    if (bs_sp_bgp_hash_policy < 0 || (nj == 0 && bs_sp_bgp_hash_policy > 0)) {
        l->never = true;
        return BS_OK;
    }
    const bs_sp_triple *t = &b->n->triples[b->order[k]];
    double range;
    bs_status st = bs_sp_triple_estimate(b->ex, t, b->graph, b->seed, &range);
    if (st != BS_OK) return st;
    if (nj == 0 || range > (double)HASH_MAX_RANGE) {
        l->never = true;
        return BS_OK;
    }
    uint64_t at = (uint64_t)(range / SEEK_WORTH);
    if (l->opens < at && bs_sp_bgp_hash_policy == 0) {
        l->check_at = at;
        return BS_OK;
    }
    memcpy(l->jpos, jpos, sizeof jpos);
    l->nj = nj;
    return bhash_build(b, k, jpos, nj, range, &l->h);
}

/* Level k in hash mode: start at the chain of the row's join values. */
static void hash_open(bgp_iter *b, size_t k)
{
    level_state *l = &b->ls[k];
    const bs_sp_triple *t = &b->n->triples[b->order[k]];
    const bs_sp_tpos pos[3] = {t->s, t->p, t->o};
    bs_id key[3];
    for (size_t i = 0; i < l->nj; i++) key[i] = b->row[pos[l->jpos[i]].var];
    l->ent = bs_sp_qhash_find(l->h, key);
}

/* Level k in hash mode: the chain's next triple, as a quad. */
static bs_status hash_next(bgp_iter *b, size_t k, bs_quad *q)
{
    level_state *l = &b->ls[k];
    if (l->ent == BS_SP_QH_NONE) return BS_END;
    bs_status st = bs_sp_tick(b->ex);
    if (st != BS_OK) return st;
    const bs_id *e = bs_sp_qhash_ent(l->h, l->ent, &l->ent);
    q->s = e[0];
    q->p = e[1];
    q->o = e[2];
    q->g = 0;
    return BS_OK;
}

static void bgp_free(bs_sp_iter *it)
{
    bgp_iter *b = (bgp_iter *)it;
    if (!b) return;
    for (size_t i = 0; i < b->nt; i++) bs_sp_scan_free(b->scans[i]);
    for (size_t i = 0; b->ls && i < b->nt; i++) {
        bs_sp_qhash_free(b->ls[i].h);
        bs_sp_mscan_free(b->ls[i].ms);
        bs_sp_tfscan_free(b->ls[i].tf);
    }
    free(b->ls);
    free(b->flevel);
    free(b->seed);
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
    if (b->ls[k].match) return bs_sp_mscan_open(b->ex, b->graph, s, p, o, &b->ls[k].ms);
    if (b->ls[k].tf) return bs_sp_tfscan_open(b->ls[k].tf, b->graph);
    bs_status st = maybe_hash(b, k);
    if (st != BS_OK) return st;
    if (b->ls[k].h) {
        hash_open(b, k);
        return BS_OK;
    }
    if (b->scans[k]) return bs_sp_scan_reset(b->scans[k], b->graph, s, p, o);
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
        bs_status st = b->ls[k].match ? bs_sp_mscan_next(b->ls[k].ms, &q)
                       : b->ls[k].tf ? bs_sp_tfscan_next(b->ls[k].tf, &q)
                       : b->ls[k].h ? hash_next(b, k, &q) : bs_sp_scan_next(b->scans[k], &q);
        if (st != BS_OK) return st;
        if (bind_pos(b, k, 0, t->s, q.s) && bind_pos(b, k, 1, t->p, q.p) &&
            bind_pos(b, k, 2, t->o, q.o))
            return BS_OK;
    }
}

/* The filters placed at level k, on the row so far: *pass. */
static bs_status level_filters(bgp_iter *b, size_t k, bool *pass)
{
    *pass = true;
    for (size_t i = 0; i < b->nfilters && *pass; i++) {
        if (b->flevel[i] != k) continue;
        if (bs_sp_tfscan_decides(b->ls[k].tf, i)) continue; /* tested per literal */
        bs_status st = bs_sp_filters_pass(b->ex, &b->filters[i], 1, b->graph, b->row, pass);
        if (st != BS_OK) return st;
    }
    return BS_OK;
}

/* The first level whose pattern mentions variable v, or nt. */
static size_t bind_level(const bgp_iter *b, int v)
{
    for (size_t k = 0; k < b->nt; k++) {
        const bs_sp_triple *t = &b->n->triples[b->order[k]];
        if (t->s.var == v || t->p.var == v || t->o.var == v) return k;
    }
    return b->nt;
}

/* Place each filter at the first level after which every variable it
 * mentions (EXISTS patterns included) has its final value: the seed's
 * and the levels' bindings never change below that level, and variables
 * the BGP never binds stay unbound, so the filter sees what it would
 * see on the finished row. */
static bs_status place_filters(bgp_iter *b)
{
    bs_sp_vset *vars = bs_sp_vset_new(b->ex->nvars);
    b->flevel = calloc(b->nfilters + 1, sizeof *b->flevel);
    if (!vars || !b->flevel) {
        free(vars);
        return BS_ERR_NOMEM;
    }
    for (size_t i = 0; i < b->nfilters; i++) {
        memset(vars, 0, (b->ex->nvars / 64 + 1) * sizeof *vars);
        bs_sp_plan_expr_vars(b->filters[i], vars);
        size_t at = 0;
        for (size_t v = 0; v < b->ex->nvars; v++) {
            if (!bs_sp_vset_has(vars, (int)v) || b->seed[v]) continue;
            size_t k = bind_level(b, (int)v);
            if (k >= b->nt) k = b->nt - 1;
            if (k > at) at = k;
        }
        b->flevel[i] = at;
    }
    free(vars);
    return BS_OK;
}

/* Level k from the text index when its pattern is ?s P ?v with both
 * variables first bound there and a substring filter on ?v placed there
 * (exec_textfilter.c): no hash join over it. */
static bs_status textfilter_level(bgp_iter *b, size_t k)
{
    const bs_sp_triple *t = &b->n->triples[b->order[k]];
    int s = t->s.var, o = t->o.var;
    if (b->ls[k].match || s < 0 || o < 0 || s == o || b->seed[s] || b->seed[o] ||
        bind_level(b, s) != k || bind_level(b, o) != k)
        return BS_OK;
    bs_status st = bs_sp_tfscan_plan(b->ex, t, b->filters, b->flevel, b->nfilters, k,
                                     &b->ls[k].tf);
    if (b->ls[k].tf) b->ls[k].never = true;
    return st;
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
        if (b->nfilters) {
            bool pass;
            if ((st = level_filters(b, (size_t)k, &pass)) != BS_OK) return st;
            if (!pass) continue; /* next match at the same level */
        }
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
    return bs_sp_bgp_eval_filtered(ex, n, NULL, 0, graph, seed, out);
}

bs_status bs_sp_bgp_eval_filtered(bs_sp_exec *ex, const bs_sp_node *n,
                                  bs_sp_expr *const *filters, size_t nfilters,
                                  bs_id graph, const bs_id *seed,
                                  bs_sp_iter **out)
{
    bs_status st = BS_ERR_NOMEM;
    *out = NULL;
    if (!nfilters) { /* a star of big ranges: merged in subject order */
        if ((st = bs_sp_star_eval(ex, n, graph, seed, out)) != BS_OK || *out) return st;
        st = BS_ERR_NOMEM;
    }
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
    b->seed = calloc(ex->nvars + 1, sizeof *b->seed);
    b->ls = calloc(b->nt + 1, sizeof *b->ls);
    if (!b->row || !b->order || !b->scans || !b->bound || !b->seed || !b->ls) goto fail;
    for (size_t i = 0; i < b->nt; i++)
        b->ls[i].check_at = bs_sp_bgp_hash_policy > 0 ? 1 : HASH_FIRST_CHECK;
    if (seed) memcpy(b->seed, seed, ex->nvars * sizeof *b->seed);
    memset(b->bound, 0xff, (b->nt + 1) * sizeof *b->bound);
    if (seed) memcpy(b->row, seed, ex->nvars * sizeof *b->row);
    if (b->nt) TRY(st, bs_sp_bgp_plan(ex, n, graph, seed, b->order));
    for (size_t i = 0; i < b->nt; i++)
        if ((b->ls[i].match = bs_sp_is_matches(ex, &n->triples[b->order[i]])))
            b->ls[i].never = true; /* no hash join over a generator */
    if (b->nt && nfilters) {
        b->filters = filters;
        b->nfilters = nfilters;
        TRY(st, place_filters(b));
        for (size_t k = 0; k < b->nt; k++) TRY(st, textfilter_level(b, k));
    }
    *out = &b->base;
    return BS_OK;
fail:
    bgp_free(&b->base);
    return st;
}
