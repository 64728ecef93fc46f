/* SPDX-License-Identifier: MIT
 * battstore — counting joins: GROUP BY over a basic graph pattern of one
 * or two triple patterns whose aggregates are all plain COUNTs (the facet
 * counts of a search GUI: "datasets per work package and size class").
 *
 * The general path builds every row of the BGP and feeds it through the
 * GROUP operator's expression evaluation and aggregate objects: about
 * 1,500 instructions per row.  Here the rows are never built: the second
 * pattern's triples go into the BGP's hash-join table (dense when its
 * join ids are close together), the first pattern is scanned once, and
 * each matching pair adds one to its group's counter.  Same rows as the
 * general path (tests/check_sparql_plan compares them); anything outside
 * the shape falls back to it. */
#include "config.h"
#include "sparql/exec_int.h"
#include "sparql/expr_int.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Triples read from a scan per call (bs_sp_scan_next_n): a page of the
 * store's duplicates holds about 270. */
#define SCAN_BATCH 256

/* Where a group key or the join variable comes from: pattern (0 or 1)
 * and position (0 s, 1 p, 2 o). */
typedef struct {
    int pat, pos;
} src_pos;

typedef struct {
    bs_sp_iter base;
    bs_sp_exec *ex;
    const bs_sp_node *n;
    bs_sp_hset groups;  ///< key ids -> group number
    uint64_t *counts;   ///< per group
    size_t cap;
    size_t next;
} count_iter;

static void count_free(bs_sp_iter *it)
{
    count_iter *c = (count_iter *)it;
    if (!c) return;
    bs_sp_mem(c->ex, -(long long)(c->cap * sizeof *c->counts));
    free(c->counts);
    bs_sp_hset_clear(&c->groups);
    free(c);
}

static bs_sp_tpos tpos_at(const bs_sp_triple *t, int pos)
{
    return pos == 0 ? t->s : pos == 1 ? t->p : t->o;
}

/* Where variable v occurs in the patterns: its one position, or false
 * when it occurs nowhere. */
static bool find_var(const bs_sp_node *bgp, int v, src_pos *out)
{
    for (int k = 0; k < (int)bgp->ntriples; k++)
        for (int i = 0; i < 3; i++)
            if (tpos_at(&bgp->triples[k], i).var == v) {
                out->pat = k;
                out->pos = i;
                return true;
            }
    return false;
}

/* Whether the node has the shape: keys plain variables of the BGP,
 * aggregates COUNT(*) or COUNT(?v) of a BGP variable (always bound in a
 * BGP row), one or two patterns, every variable once per pattern, two
 * patterns sharing exactly one variable.  *join = its positions. */
static bool shape_ok(const bs_sp_node *n, src_pos *keys, int jpos[2])
{
    const bs_sp_node *b = n->a;
    if (!b || b->op != BS_OP_BGP || b->ntriples < 1 || b->ntriples > 2) return false;
    if (n->nkeys == 0 || n->naggs == 0) return false;
    int shared = 0;
    jpos[0] = jpos[1] = -1;
    for (size_t k = 0; k < b->ntriples; k++)
        for (int i = 0; i < 3; i++) {
            int v = tpos_at(&b->triples[k], i).var;
            if (v < 0) continue;
            for (int j = i + 1; j < 3; j++)
                if (tpos_at(&b->triples[k], j).var == v) return false;
            if (k == 1)
                for (int j = 0; j < 3; j++)
                    if (tpos_at(&b->triples[0], j).var == v) {
                        shared++;
                        jpos[0] = j;
                        jpos[1] = i;
                    }
        }
    if (b->ntriples == 2 && shared != 1) return false;
    for (size_t k = 0; k < n->nkeys; k++)
        if (n->keys[k]->op != BS_EX_VAR || !find_var(b, n->keys[k]->var, &keys[k]))
            return false;
    for (size_t i = 0; i < n->naggs; i++) {
        const bs_sp_aggspec *a = &n->aggs[i];
        src_pos p;
        if (a->fn != BS_AGG_COUNT || a->distinct) return false;
        if (a->arg && (a->arg->op != BS_EX_VAR || !find_var(b, a->arg->var, &p))) return false;
    }
    return true;
}

static bs_status scan_of(bs_sp_exec *ex, const bs_sp_triple *t, bs_id graph,
                         bs_sp_scan **out)
{
    return bs_sp_scan_new(ex, graph, bs_sp_tpos_id(ex, t->s, NULL),
                          bs_sp_tpos_id(ex, t->p, NULL), bs_sp_tpos_id(ex, t->o, NULL), out);
}

/* Room for group g's counter. */
static bs_status grow_counts(count_iter *c, size_t g)
{
    size_t cap = c->cap ? c->cap : 64;
    while (cap <= g) cap *= 2;
    bs_status st = bs_sp_mem(c->ex, (long long)((cap - c->cap) * sizeof *c->counts));
    if (st != BS_OK) return st;
    uint64_t *nc = realloc(c->counts, cap * sizeof *nc);
    if (!nc) return BS_ERR_NOMEM;
    memset(nc + c->cap, 0, (cap - c->cap) * sizeof *nc);
    c->counts = nc;
    c->cap = cap;
    return BS_OK;
}

/* One more row for the group of key. */
static bs_status bump(count_iter *c, const bs_id *key, bs_id *last, size_t *lastg,
                      bool *have_last)
{
    size_t nk = c->n->nkeys;
    if (*have_last) { /* rows of one group often come together */
        size_t k = 0;
        while (k < nk && key[k] == last[k]) k++;
        if (k == nk) {
            c->counts[*lastg]++;
            return BS_OK;
        }
    }
    size_t g;
    bool added;
    bs_status st = bs_sp_hset_put(&c->groups, key, &g, &added);
    if (st != BS_OK) return st;
    if (g >= c->cap && (st = grow_counts(c, g)) != BS_OK) return st;
    c->counts[g]++;
    memcpy(last, key, nk * sizeof *key);
    *lastg = g;
    *have_last = true;
    return BS_OK;
}

/* ---- pattern 1 as a value map ------------------------------------------
 * When pattern 1 gives each join id at most one value for the group keys
 * (a functional property: a dataset's size class) and the join ids are
 * close together, a uint16_t per id of the range numbers that value: a
 * probe reads 2 bytes (the map of 10M triples' subjects is a few MB,
 * where the join table's 32-byte triples were 24 MB of cache misses).
 * With no group key from pattern 1 the map holds each id's multiplicity. */

typedef struct {
    bs_id kmin;
    size_t span;
    uint16_t *map;    ///< per id - kmin: 0 = none, else value number + 1 (or multiplicity)
    bs_id *vals;      ///< value numbers -> ids
    size_t nvals;
    bs_sp_hset seen;  ///< value id -> number
    long long mem;
} vmap;

static void vmap_free(bs_sp_exec *ex, vmap *m)
{
    bs_sp_mem(ex, -m->mem);
    free(m->map);
    free(m->vals);
    bs_sp_hset_clear(&m->seen);
}

/* Pattern 1's (join id, value) pairs; vpos < 0: no value. */
static bs_status read_pairs(bs_sp_exec *ex, const bs_sp_triple *t, bs_id graph, int jp,
                            int vpos, bs_sp_rows *pairs, bs_id *kmin, bs_id *kmax)
{
    bs_sp_scan *sc = NULL;
    double est = 0;
    bs_status st = bs_sp_triple_estimate(ex, t, graph, NULL, &est);
    if (st == BS_OK && est > 0 && est < 1e8) st = bs_sp_rows_reserve(pairs, (size_t)est + 1);
    if (st == BS_OK) st = scan_of(ex, t, graph, &sc);
    bs_quad qs[SCAN_BATCH];
    size_t nq = 0;
    *kmin = BS_ANY;
    *kmax = 0;
    while (st == BS_OK && (st = bs_sp_scan_next_n(sc, qs, SCAN_BATCH, &nq)) == BS_OK)
        for (size_t i = 0; i < nq && st == BS_OK; i++) {
            const bs_id *a = &qs[i].s;
            const bs_id pr[2] = {a[jp], vpos >= 0 ? a[vpos] : 0};
            if (pr[0] < *kmin) *kmin = pr[0];
            if (pr[0] > *kmax) *kmax = pr[0];
            if (pairs->n < pairs->cap) { /* reserved from the estimate: no call */
                memcpy(bs_sp_rows_at(pairs, pairs->n++), pr, sizeof pr);
                continue;
            }
            st = bs_sp_rows_push(pairs, pr, NULL);
        }
    bs_sp_scan_free(sc);
    return st == BS_END ? BS_OK : st;
}

/* Build the map from the pairs; *ok = false when they do not fit it. */
static bs_status vmap_build(bs_sp_exec *ex, const bs_sp_rows *pairs, bs_id kmin, bs_id kmax,
                            int vpos, vmap *m, bool *ok)
{
    *ok = false;
    size_t n = pairs->n;
    if (n == 0 || bs_sp_qhash_layout < 0 || kmax - kmin >= (bs_id)8 * n + 64) return BS_OK;
    m->kmin = kmin;
    m->span = (size_t)(kmax - kmin) + 1;
    m->mem = (long long)(m->span * sizeof *m->map);
    bs_status st = bs_sp_mem(ex, m->mem);
    if (st != BS_OK) return st;
    if (!(m->map = calloc(m->span, sizeof *m->map))) return BS_ERR_NOMEM;
    bs_id lastv = 0;
    size_t idx = 0;
    bool have = false;
    for (size_t i = 0; i < n; i++) {
        const bs_id *pr = bs_sp_rows_at(pairs, i);
        uint16_t *slot = &m->map[pr[0] - kmin];
        if (vpos < 0) { /* multiplicity */
            if (*slot == UINT16_MAX) return BS_OK;
            ++*slot;
            continue;
        }
        bool added;
        if (*slot) return BS_OK; /* two values for one id */
        if (!have || pr[1] != lastv) { /* values come in runs (an object's range) */
            if ((st = bs_sp_hset_put(&m->seen, &pr[1], &idx, &added)) != BS_OK) return st;
            if (idx + 1 >= UINT16_MAX) return BS_OK;
            lastv = pr[1];
            have = true;
        }
        *slot = (uint16_t)(idx + 1);
    }
    m->nvals = m->seen.keys.n;
    *ok = true;
    return BS_OK;
}

/* ---- counting a run ----------------------------------------------------
 * Pattern 0's scan reads its rows in index order, so the ids it gives to
 * the group keys (a work package: the object of POSG) stay the same over
 * a long run of rows while the map's value changes from row to row.  A
 * counter per value number collects the run; only its end hashes, once
 * per group seen in the run, in the order the groups first appeared (the
 * order bump() alone would give). */

typedef struct {
    uint64_t *n;        ///< per value number (index 0: the multiplicity map's one slot)
    uint16_t *touched;  ///< value numbers counted in this run, first seen first
    size_t ntouched;
    bs_id *key;         ///< the run's group key; the value's slots are filled at flush
    bool open;
    long long mem;
} run_counts;

static bs_status run_init(bs_sp_exec *ex, run_counts *r, size_t nvals, size_t nk)
{
    size_t slots = nvals + 1;
    r->mem = (long long)(slots * (sizeof *r->n + sizeof *r->touched) + nk * sizeof *r->key);
    bs_status st = bs_sp_mem(ex, r->mem);
    if (st != BS_OK) return st;
    r->n = calloc(slots, sizeof *r->n);
    r->touched = malloc(slots * sizeof *r->touched);
    r->key = calloc(nk + 1, sizeof *r->key);
    return r->n && r->touched && r->key ? BS_OK : BS_ERR_NOMEM;
}

static void run_free(bs_sp_exec *ex, run_counts *r)
{
    bs_sp_mem(ex, -r->mem);
    free(r->n);
    free(r->touched);
    free(r->key);
}

/* Add the run's counters to their groups and empty it. */
static bs_status run_flush(count_iter *c, run_counts *r, const src_pos *keys, const vmap *m)
{
    size_t nk = c->n->nkeys;
    for (size_t i = 0; i < r->ntouched; i++) {
        uint16_t v = r->touched[i];
        if (m->nvals)
            for (size_t k = 0; k < nk; k++)
                if (keys[k].pat) r->key[k] = *bs_sp_rows_at(&m->seen.keys, v - 1);
        size_t g;
        bool added;
        bs_status st = bs_sp_hset_put(&c->groups, r->key, &g, &added);
        if (st == BS_OK && g >= c->cap) st = grow_counts(c, g);
        if (st != BS_OK) return st;
        c->counts[g] += r->n[v];
        r->n[v] = 0;
    }
    r->ntouched = 0;
    r->open = false;
    return BS_OK;
}

/* A quad's s, p, o as an array indexed by position. */
_Static_assert(offsetof(bs_quad, p) == sizeof(bs_id) && offsetof(bs_quad, o) == 2 * sizeof(bs_id),
               "bs_quad's s, p, o are consecutive");

/* Scan pattern 0 and count through the map, a run at a time. */
static bs_status count_by_map(count_iter *c, bs_id graph, const src_pos *keys, int jp0,
                              const vmap *m)
{
    const bs_sp_node *b = c->n->a;
    size_t nk = c->n->nkeys, nrun = 0;
    size_t rk[nk + 1], rpos[nk + 1]; /* the run's keys: key index, position in pattern 0 */
    for (size_t k = 0; k < nk; k++)
        if (!keys[k].pat) {
            rk[nrun] = k;
            rpos[nrun++] = (size_t)keys[k].pos;
        }
    run_counts r = {0};
    bs_sp_scan *sc = NULL;
    bs_status st;
    bs_quad qs[SCAN_BATCH];
    size_t nq = 0;
    const bool mult = m->nvals == 0; /* multiplicity map: v rows, one counter */
    TRY(st, run_init(c->ex, &r, m->nvals, nk));
    TRY(st, scan_of(c->ex, &b->triples[0], graph, &sc));
    while ((st = bs_sp_scan_next_n(sc, qs, SCAN_BATCH, &nq)) == BS_OK) {
        for (size_t i = 0; i < nq; i++) {
            const bs_id *a = &qs[i].s;
            bs_id j = a[jp0] - m->kmin; /* wraps above span when below kmin */
            if (j >= m->span) continue;
            uint16_t v = m->map[j];
            if (!v) continue;
            bool same = r.open;
            for (size_t k = 0; k < nrun && same; k++) same = r.key[rk[k]] == a[rpos[k]];
            if (!same) {
                TRY(st, run_flush(c, &r, keys, m));
                for (size_t k = 0; k < nrun; k++) r.key[rk[k]] = a[rpos[k]];
                r.open = true;
            }
            uint16_t slot = mult ? 0 : v;
            if (!r.n[slot]) r.touched[r.ntouched++] = slot;
            r.n[slot] += mult ? v : 1;
        }
    }
    if (st == BS_END) st = run_flush(c, &r, keys, m);
fail:
    bs_sp_scan_free(sc);
    run_free(c->ex, &r);
    return st;
}

/* The one position of pattern 1 the group keys read, -1 for none, -2
 * for several. */
static int value_pos(const bs_sp_node *n, const src_pos *keys)
{
    int vpos = -1;
    for (size_t k = 0; k < n->nkeys; k++) {
        if (!keys[k].pat) continue;
        if (vpos >= 0 && vpos != keys[k].pos) return -2;
        vpos = keys[k].pos;
    }
    return vpos;
}

/* Two patterns: through the value map when pattern 1 fits it. */
static bs_status count_mapped(count_iter *c, bs_id graph, const src_pos *keys,
                              const int jpos[2], bool *done)
{
    bs_sp_exec *ex = c->ex;
    int vpos = value_pos(c->n, keys);
    *done = false;
    if (vpos == -2) return BS_OK;
    bs_sp_rows pairs = {0};
    vmap m = {0};
    bs_sp_rows_init(&pairs, ex, 2);
    bs_sp_hset_init(&m.seen, ex, 1);
    bs_id kmin, kmax;
    bool ok = false;
    bs_status st;
    TRY(st, read_pairs(ex, &c->n->a->triples[1], graph, jpos[1], vpos, &pairs, &kmin, &kmax));
    TRY(st, vmap_build(ex, &pairs, kmin, kmax, vpos, &m, &ok));
    bs_sp_rows_clear(&pairs);
    if (ok) {
        TRY(st, count_by_map(c, graph, keys, jpos[0], &m));
        __atomic_add_fetch(&bs_sp_count_mapped, 1, __ATOMIC_RELAXED);
        *done = true;
    }
fail:
    bs_sp_rows_clear(&pairs);
    vmap_free(ex, &m);
    return st;
}

/* Count the pairs: pattern 1 in a value map or the join table keyed by
 * the shared variable, pattern 0 scanned (or pattern 0 alone). */
static bs_status count_build(count_iter *c, bs_id graph, const src_pos *keys,
                             const int jpos[2])
{
    bs_sp_exec *ex = c->ex;
    const bs_sp_node *b = c->n->a;
    size_t nk = c->n->nkeys;
    bs_sp_qhash *h = NULL;
    bs_sp_scan *sc = NULL;
    bs_status st;
    bs_id key[nk + 1], last[nk + 1];
    size_t lastg = 0;
    bool have_last = false;
    bs_quad q;
    if (b->ntriples == 2) {
        bool done;
        if ((st = count_mapped(c, graph, keys, jpos, &done)) != BS_OK || done) return st;
        TRY(st, bs_sp_qhash_new(ex, &jpos[1], 1, 0, &h));
        TRY(st, scan_of(ex, &b->triples[1], graph, &sc));
        while ((st = bs_sp_scan_next(sc, &q)) == BS_OK) {
            const bs_id t[3] = {q.s, q.p, q.o};
            TRY(st, bs_sp_qhash_add(h, t));
        }
        if (st != BS_END) goto fail;
        TRY(st, bs_sp_qhash_finish(h));
        bs_sp_scan_free(sc);
        sc = NULL;
    }
    TRY(st, scan_of(ex, &b->triples[0], graph, &sc));
    for (unsigned n = 0; (st = bs_sp_scan_next(sc, &q)) == BS_OK; n++) {
        if ((n & 63) == 0) TRY(st, bs_sp_tick(ex));
        const bs_id a[3] = {q.s, q.p, q.o};
        if (!h) {
            for (size_t k = 0; k < nk; k++) key[k] = a[keys[k].pos];
            TRY(st, bump(c, key, last, &lastg, &have_last));
            continue;
        }
        uint32_t e = bs_sp_qhash_find(h, &a[jpos[0]]);
        while (e != BS_SP_QH_NONE) {
            const bs_id *t = bs_sp_qhash_ent(h, e, &e);
            for (size_t k = 0; k < nk; k++) key[k] = keys[k].pat ? t[keys[k].pos] : a[keys[k].pos];
            TRY(st, bump(c, key, last, &lastg, &have_last));
        }
    }
    if (st == BS_END) st = BS_OK;
fail:
    bs_sp_scan_free(sc);
    bs_sp_qhash_free(h);
    return st;
}

static bs_status count_next(bs_sp_iter *it, bs_id *row)
{
    count_iter *c = (count_iter *)it;
    bs_sp_exec *ex = c->ex;
    const bs_sp_node *n = c->n;
    if (c->next >= c->groups.keys.n) return BS_END;
    size_t g = c->next++;
    const bs_id *key = bs_sp_rows_at(&c->groups.keys, g);
    memset(row, 0, ex->nvars * sizeof *row);
    for (size_t k = 0; k < n->nkeys; k++)
        if (n->key_vars && n->key_vars[k] >= 0) row[n->key_vars[k]] = key[k];
    bs_sp_ectx ec = {ex, NULL, NULL};
    bs_sp_val v;
    bs_sp_val_int(&v, (int64_t)c->counts[g]);
    bs_id id;
    bs_status st = bs_sp_val_intern(&ec, &v, &id);
    bs_sp_arena_free(&ec); /* the count's lexical form, copied when interned */
    if (st != BS_OK) return st;
    for (size_t i = 0; i < n->naggs; i++)
        if (n->aggs[i].var >= 0) row[n->aggs[i].var] = id;
    return BS_OK;
}

int bs_sp_count_policy;
unsigned long bs_sp_count_taken, bs_sp_count_mapped;

bs_status bs_sp_count_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                           const bs_id *seed, bs_sp_iter **out)
{
    src_pos keys[n->nkeys + 1];
    int jpos[2];
    *out = NULL;
    if (seed || bs_sp_count_policy < 0 || !shape_ok(n, keys, jpos)) return BS_OK;
    for (size_t k = 0; k < n->a->ntriples; k++) /* bs:matches is no quad scan */
        if (bs_sp_is_matches(ex, &n->a->triples[k])) return BS_OK;
    count_iter *c = calloc(1, sizeof *c);
    if (!c) return BS_ERR_NOMEM;
    c->base.next = count_next;
    c->base.free = count_free;
    c->ex = ex;
    c->n = n;
    bs_sp_hset_init(&c->groups, ex, n->nkeys);
    bs_status st = count_build(c, graph, keys, jpos);
    if (st != BS_OK) {
        count_free(&c->base);
        return st;
    }
    __atomic_add_fetch(&bs_sp_count_taken, 1, __ATOMIC_RELAXED);
    *out = &c->base;
    return BS_OK;
}
