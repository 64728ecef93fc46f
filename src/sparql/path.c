/* SPDX-License-Identifier: MIT
 * battstore — property paths (SPARQL 1.1 §9, §18.4): breadth-first
 * search over term ids, cycle-safe, from whichever end is bound. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include "sparql/path_set.h"
#include "sparql/sparql_int.h"

/*
 * The core is ends(path, dir, x): the multiset of nodes reached from x
 * along path, forward (x is the subject) or backward (x is the object).
 * SEQ and ALT keep duplicates (§18.4 eval of sequences and alternatives
 * are joins and unions of multisets); ZeroOrMore, OneOrMore and
 * ZeroOrOne give distinct nodes (ALP and ZeroLengthPath are sets).
 * With both ends free the starts are enumerated first (a superset of the
 * nodes the path can start from, each once) and ends() runs for each.
 */

typedef struct {
    bs_sp_exec *ex;
    bs_id graph;
} pctx;

/// Which end of the scanned triples is collected.
enum { TAKE_S = 1, TAKE_O = 2, TAKE_BOTH = 3 };

static bool excluded(pctx *c, const int *cids, size_t n, bs_id p)
{
    for (size_t i = 0; i < n; i++)
        if (bs_sp_const_id(c->ex, cids[i]) == p) return true;
    return false;
}

/* Scan (s, p, o) in the active graph and push the subjects and/or
 * objects of the triples whose predicate is not excluded, once each when
 * seen is given.  An end that is query-local is not in the store: no
 * triple has it. */
static bs_status collect(pctx *c, bs_id s, bs_id p, bs_id o, int take,
                         const int *excl, size_t nexcl, bs_sp_idvec *out,
                         bs_sp_idset *seen)
{
    if ((s != BS_ANY && bs_sp_is_local(s)) || (p != BS_ANY && bs_sp_is_local(p)) ||
        (o != BS_ANY && bs_sp_is_local(o)))
        return BS_OK;
    bs_sp_scan *sc = NULL;
    bs_status st;
    bs_quad q;
    TRY(st, bs_sp_scan_new(c->ex, c->graph, s, p, o, &sc));
    while ((st = bs_sp_scan_next(sc, &q)) == BS_OK) {
        TRY(st, bs_sp_tick(c->ex));
        if (nexcl && excluded(c, excl, nexcl, q.p)) continue;
        for (int k = TAKE_S; k <= TAKE_O; k++) {
            if (!(take & k)) continue;
            bs_id id = k == TAKE_S ? q.s : q.o;
            bool added = true;
            if (seen) TRY(st, bs_sp_idset_add(seen, id, &added));
            if (added) TRY(st, bs_sp_idvec_push(out, id));
        }
    }
    if (st == BS_END) st = BS_OK;
fail:
    bs_sp_scan_free(sc);
    return st;
}

static bs_status ends(pctx *c, const bs_sp_path *p, bool fwd, bs_id x,
                      bs_sp_idvec *out);

/* Breadth-first closure of a from x, appended to out (distinct nodes).
 * zero: x itself is reached (ZeroOrMore, ZeroOrOne); once: only one
 * step is taken (ZeroOrOne).  target (0 = none): stop as soon as it is
 * reached, with *found set. */
static bs_status closure(pctx *c, const bs_sp_path *a, bool fwd, bs_id x,
                         bool zero, bool once, bs_id target,
                         bs_sp_idvec *out, bool *found)
{
    bs_sp_idset seen;
    bs_sp_idvec step;
    bs_sp_idset_init(&seen, c->ex);
    bs_sp_idvec_init(&step, c->ex);
    size_t base = out->n, next = base;
    bs_status st = BS_OK;
    bool added;
    if (found) *found = false;
    if (zero) {
        TRY(st, bs_sp_idset_add(&seen, x, NULL));
        TRY(st, bs_sp_idvec_push(out, x));
        next++; // x is expanded first, below, not again from the queue
        if (target && x == target) goto hit;
    }
    for (bs_id from = x;;) {
        step.n = 0;
        TRY(st, ends(c, a, fwd, from, &step));
        for (size_t i = 0; i < step.n; i++) {
            TRY(st, bs_sp_idset_add(&seen, step.v[i], &added));
            if (!added) continue;
            TRY(st, bs_sp_idvec_push(out, step.v[i]));
            if (target && step.v[i] == target) goto hit;
        }
        if (once || next == out->n) break;
        from = out->v[next++];
        TRY(st, bs_sp_tick(c->ex));
    }
    goto fail;
hit:
    *found = true;
fail:
    bs_sp_idvec_done(&step);
    bs_sp_idset_done(&seen);
    return st;
}

/* A sequence a/b: b from every end of a (backward: a from every end of b). */
static bs_status seq_ends(pctx *c, const bs_sp_path *p, bool fwd, bs_id x,
                          bs_sp_idvec *out)
{
    bs_sp_idvec mid;
    bs_sp_idvec_init(&mid, c->ex);
    const bs_sp_path *first = fwd ? p->a : p->b, *second = fwd ? p->b : p->a;
    bs_status st;
    TRY(st, ends(c, first, fwd, x, &mid));
    for (size_t i = 0; i < mid.n; i++) {
        TRY(st, bs_sp_tick(c->ex));
        TRY(st, ends(c, second, fwd, mid.v[i], out));
    }
fail:
    bs_sp_idvec_done(&mid);
    return st;
}

/* A negated property set !(f1|..|^i1|..): the forward part when there are
 * forward IRIs (or no inverse ones), the inverse part when there are
 * inverse IRIs (§18.2.2.4). */
static bs_status neg_ends(pctx *c, const bs_sp_path *p, bool fwd, bs_id x,
                          bs_sp_idvec *out)
{
    bs_status st = BS_OK;
    if (p->nfwd || !p->ninv)
        st = fwd ? collect(c, x, BS_ANY, BS_ANY, TAKE_O, p->fwd, p->nfwd, out, NULL)
                 : collect(c, BS_ANY, BS_ANY, x, TAKE_S, p->fwd, p->nfwd, out, NULL);
    if (st == BS_OK && p->ninv)
        st = fwd ? collect(c, BS_ANY, BS_ANY, x, TAKE_S, p->inv, p->ninv, out, NULL)
                 : collect(c, x, BS_ANY, BS_ANY, TAKE_O, p->inv, p->ninv, out, NULL);
    return st;
}

static bs_status ends(pctx *c, const bs_sp_path *p, bool fwd, bs_id x,
                      bs_sp_idvec *out)
{
    bs_status st;
    switch (p->kind) {
    case BS_PATH_LINK: {
        bs_id pid = bs_sp_const_id(c->ex, p->cid);
        return fwd ? collect(c, x, pid, BS_ANY, TAKE_O, NULL, 0, out, NULL)
                   : collect(c, BS_ANY, pid, x, TAKE_S, NULL, 0, out, NULL);
    }
    case BS_PATH_INV:
        return ends(c, p->a, !fwd, x, out);
    case BS_PATH_SEQ:
        return seq_ends(c, p, fwd, x, out);
    case BS_PATH_ALT:
        st = ends(c, p->a, fwd, x, out);
        return st == BS_OK ? ends(c, p->b, fwd, x, out) : st;
    case BS_PATH_STAR:
        return closure(c, p->a, fwd, x, true, false, 0, out, NULL);
    case BS_PATH_PLUS:
        return closure(c, p->a, fwd, x, false, false, 0, out, NULL);
    case BS_PATH_OPT:
        return closure(c, p->a, fwd, x, true, true, 0, out, NULL);
    case BS_PATH_NEG:
        return neg_ends(c, p, fwd, x, out);
    }
    return BS_ERR_INTERNAL;
}

/* How many times the path joins x to y (both bound).  The closures stop
 * as soon as y is reached. */
static bs_status count_between(pctx *c, const bs_sp_path *p, bs_id x,
                               bs_id y, size_t *count)
{
    bs_sp_idvec v;
    bs_sp_idvec_init(&v, c->ex);
    bool found = false;
    bs_status st;
    *count = 0;
    if (p->kind == BS_PATH_STAR || p->kind == BS_PATH_PLUS || p->kind == BS_PATH_OPT) {
        TRY(st, closure(c, p->a, true, x, p->kind != BS_PATH_PLUS,
                        p->kind == BS_PATH_OPT, y, &v, &found));
        *count = found;
    } else {
        TRY(st, ends(c, p, true, x, &v));
        for (size_t i = 0; i < v.n; i++) *count += v.v[i] == y;
    }
fail:
    bs_sp_idvec_done(&v);
    return st;
}

/* The nodes a path can start from (forward: its subjects' side), each
 * once: a superset is fine, ends() decides.  *all: a zero-length step
 * is possible, so every node of the graph can start it. */
static bs_status starts(pctx *c, const bs_sp_path *p, bool fwd,
                        bs_sp_idvec *out, bs_sp_idset *seen, bool *all)
{
    bs_status st = BS_OK;
    if (*all) return BS_OK;
    switch (p->kind) {
    case BS_PATH_LINK: {
        bs_id pid = bs_sp_const_id(c->ex, p->cid);
        return collect(c, BS_ANY, pid, BS_ANY, fwd ? TAKE_S : TAKE_O, NULL, 0, out, seen);
    }
    case BS_PATH_INV:
        return starts(c, p->a, !fwd, out, seen, all);
    case BS_PATH_SEQ:
        return starts(c, fwd ? p->a : p->b, fwd, out, seen, all);
    case BS_PATH_ALT:
        st = starts(c, p->a, fwd, out, seen, all);
        return st == BS_OK ? starts(c, p->b, fwd, out, seen, all) : st;
    case BS_PATH_PLUS:
        return starts(c, p->a, fwd, out, seen, all);
    case BS_PATH_STAR:
    case BS_PATH_OPT:
        *all = true;
        return BS_OK;
    case BS_PATH_NEG:
        if (p->nfwd || !p->ninv)
            st = collect(c, BS_ANY, BS_ANY, BS_ANY, fwd ? TAKE_S : TAKE_O,
                         p->fwd, p->nfwd, out, seen);
        if (st == BS_OK && p->ninv)
            st = collect(c, BS_ANY, BS_ANY, BS_ANY, fwd ? TAKE_O : TAKE_S,
                         p->inv, p->ninv, out, seen);
        return st;
    }
    return BS_ERR_INTERNAL;
}

/// Every start node, or every node of the graph when zero-length steps exist.
static bs_status all_starts(pctx *c, const bs_sp_path *p, bs_sp_idvec *out)
{
    bs_sp_idset seen;
    bs_sp_idset_init(&seen, c->ex);
    bool all = false;
    bs_status st;
    TRY(st, starts(c, p, true, out, &seen, &all));
    if (all) {
        out->n = 0;
        bs_sp_idset_clear(&seen);
        TRY(st, collect(c, BS_ANY, BS_ANY, BS_ANY, TAKE_BOTH, NULL, 0, out, &seen));
    }
fail:
    bs_sp_idset_done(&seen);
    return st;
}

/// Whether the path can match a zero-length path (x to x with no triple).
static bool zeroable(const bs_sp_path *p)
{
    switch (p->kind) {
    case BS_PATH_STAR:
    case BS_PATH_OPT: return true;
    case BS_PATH_INV:
    case BS_PATH_PLUS: return zeroable(p->a);
    case BS_PATH_SEQ: return zeroable(p->a) && zeroable(p->b);
    case BS_PATH_ALT: return zeroable(p->a) || zeroable(p->b);
    default: return false;
    }
}

/// Whether x is a node (subject or object) of the active graph.
static bs_status in_graph(pctx *c, bs_id x, bool *out)
{
    *out = false;
    if (bs_sp_is_local(x)) return BS_OK;
    for (int k = 0; k < 2 && !*out; k++) {
        bs_sp_scan *sc = NULL;
        bs_quad q;
        bs_status st = bs_sp_scan_new(c->ex, c->graph, k ? BS_ANY : x, BS_ANY,
                                      k ? x : BS_ANY, &sc);
        if (st != BS_OK) return st;
        st = bs_sp_scan_next(sc, &q);
        bs_sp_scan_free(sc);
        if (st != BS_OK && st != BS_END) return st;
        *out = st == BS_OK;
    }
    return BS_OK;
}

/* ======================================================================
 * The iterator: rows stream per start node
 * ====================================================================== */

typedef enum {
    M_FROM_S = 1, ///< subject bound: ends forward
    M_FROM_O,     ///< object bound: ends backward
    M_BOTH,       ///< both bound: a count of empty solutions
    M_FREE,       ///< both free, two variables: every start
    M_SAME        ///< both free, one variable at both ends (?x p* ?x)
} pmode;

typedef struct {
    bs_sp_iter base;
    pctx c;
    const bs_sp_path *path;
    pmode mode;
    size_t nvars;
    bs_id *row;      ///< the seed (or all unbound): every row extends it
    int svar, ovar;  ///< slots to fill, -1 = none
    bs_id s, o;      ///< bound ends (M_FROM_S / M_FROM_O / M_BOTH)
    bs_sp_idvec starts; ///< M_FREE / M_SAME: start nodes
    size_t si;
    bs_sp_idvec ends;   ///< ends of the current start
    size_t ei;
    bs_id cur;       ///< current start
    bs_id in_g[2];   ///< seed values that must be nodes of the graph (0 = none)
    size_t repeat;   ///< copies of the current row still to give
    bool started;
} path_iter;

static void emit(path_iter *it, bs_id *row, bs_id s, bs_id o)
{
    memcpy(row, it->row, it->nvars * sizeof(bs_id));
    if (it->svar >= 0 && s) row[it->svar] = s;
    if (it->ovar >= 0 && o) row[it->ovar] = o;
}

/// First call: compute what the bound-end modes need.
static bs_status path_start(path_iter *it)
{
    it->started = true;
    for (int k = 0; k < 2; k++) {
        bool ok;
        if (!it->in_g[k]) continue;
        bs_status st = in_graph(&it->c, it->in_g[k], &ok);
        if (st != BS_OK) return st;
        if (!ok) { // no row: stay in M_BOTH with nothing to repeat
            it->mode = M_BOTH;
            it->repeat = 0;
            return BS_OK;
        }
    }
    switch (it->mode) {
    case M_FROM_S: return ends(&it->c, it->path, true, it->s, &it->ends);
    case M_FROM_O: return ends(&it->c, it->path, false, it->o, &it->ends);
    case M_BOTH: return count_between(&it->c, it->path, it->s, it->o, &it->repeat);
    case M_FREE:
    case M_SAME: return all_starts(&it->c, it->path, &it->starts);
    }
    return BS_ERR_INTERNAL;
}

/// Both ends free: move to the next start that has rows.
static bs_status next_start(path_iter *it, bool *more)
{
    bs_status st = BS_OK;
    *more = false;
    while (it->si < it->starts.n) {
        TRY(st, bs_sp_tick(it->c.ex));
        it->cur = it->starts.v[it->si++];
        if (it->mode == M_SAME) {
            TRY(st, count_between(&it->c, it->path, it->cur, it->cur, &it->repeat));
            if (it->repeat) { *more = true; break; }
        } else {
            it->ends.n = it->ei = 0;
            TRY(st, ends(&it->c, it->path, true, it->cur, &it->ends));
            if (it->ends.n) { *more = true; break; }
        }
    }
fail:
    return st;
}

static bs_status path_next(bs_sp_iter *base, bs_id *row)
{
    path_iter *it = (path_iter *)base;
    bs_status st;
    bool more;
    if (!it->started && (st = path_start(it)) != BS_OK) return st;
    for (;;) {
        switch (it->mode) {
        case M_FROM_S:
            if (it->ei >= it->ends.n) return BS_END;
            emit(it, row, 0, it->ends.v[it->ei++]);
            return BS_OK;
        case M_FROM_O:
            if (it->ei >= it->ends.n) return BS_END;
            emit(it, row, it->ends.v[it->ei++], 0);
            return BS_OK;
        case M_BOTH:
            if (!it->repeat) return BS_END;
            it->repeat--;
            emit(it, row, 0, 0);
            return BS_OK;
        case M_SAME:
            if (it->repeat) {
                it->repeat--;
                emit(it, row, it->cur, 0);
                return BS_OK;
            }
            break;
        case M_FREE:
            if (it->ei < it->ends.n) {
                emit(it, row, it->cur, it->ends.v[it->ei++]);
                return BS_OK;
            }
            break;
        }
        if ((st = next_start(it, &more)) != BS_OK) return st;
        if (!more) return BS_END;
    }
}

static void path_free(bs_sp_iter *base)
{
    path_iter *it = (path_iter *)base;
    if (!it) return;
    bs_sp_idvec_done(&it->starts);
    bs_sp_idvec_done(&it->ends);
    bs_sp_mem(it->c.ex, -(long long)(sizeof *it + it->nvars * sizeof(bs_id)));
    free(it->row);
    free(it);
}

/// The id an end has now: a constant, a seed binding, or 0 (free).
static bs_id end_value(bs_sp_exec *ex, bs_sp_tpos pos, const bs_id *seed)
{
    if (pos.cid >= 0) return bs_sp_const_id(ex, pos.cid);
    if (pos.var >= 0 && seed) return seed[pos.var];
    return 0;
}

static pmode choose_mode(path_iter *it, const bs_sp_node *n)
{
    bool same = n->path_s.var >= 0 && n->path_s.var == n->path_o.var;
    if (same && it->s) it->o = it->s;
    if (it->s && it->o) return M_BOTH;
    if (it->s) return M_FROM_S;
    if (it->o) return M_FROM_O;
    return same ? M_SAME : M_FREE;
}

/** Evaluate a PATH node.  Caller frees *out with (*out)->free(*out). */
bs_status bs_sp_path_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                          const bs_id *seed, bs_sp_iter **out)
{
    const bs_sparql *q = bs_sp_exec_query(ex);
    path_iter *it = NULL;
    bs_status st;
    *out = NULL;
    if (!q || !n || n->op != BS_OP_PATH || !n->path) return BS_ERR_ARG;
    size_t bytes = sizeof *it + q->nvars * sizeof(bs_id);
    TRY(st, bs_sp_mem(ex, (long long)bytes));
    it = calloc(1, sizeof *it);
    if (!it || !(it->row = calloc(q->nvars ? q->nvars : 1, sizeof(bs_id)))) {
        free(it);
        bs_sp_mem(ex, -(long long)bytes);
        return BS_ERR_NOMEM;
    }
    it->base.next = path_next;
    it->base.free = path_free;
    it->c.ex = ex;
    it->c.graph = graph;
    it->path = n->path;
    it->nvars = q->nvars;
    if (seed) memcpy(it->row, seed, q->nvars * sizeof(bs_id));
    bs_sp_idvec_init(&it->starts, ex);
    bs_sp_idvec_init(&it->ends, ex);
    it->s = end_value(ex, n->path_s, seed);
    it->o = end_value(ex, n->path_o, seed);
    it->svar = it->s ? -1 : n->path_s.var;
    it->ovar = it->o ? -1 : n->path_o.var;
    it->mode = choose_mode(it, n);
    /* A seed is a join, not a constant (§18.5): where the other end is
     * not a constant of the query, a free end ranges over the nodes of
     * the graph only, so a seed value elsewhere gets no zero-length
     * match (W3C property-path/values_and_path). */
    if (zeroable(n->path)) {
        if (seed && n->path_s.var >= 0 && seed[n->path_s.var] && n->path_o.cid < 0)
            it->in_g[0] = seed[n->path_s.var];
        if (seed && n->path_o.var >= 0 && seed[n->path_o.var] && n->path_s.cid < 0)
            it->in_g[1] = seed[n->path_o.var];
    }
    if (it->mode == M_SAME) it->ovar = -1;
    *out = &it->base;
fail:
    return st;
}
