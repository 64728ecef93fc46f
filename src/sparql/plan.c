/* SPDX-License-Identifier: MIT
 * battstore — the planner: which variables a pattern always binds, which
 * patterns may take a row as seed (index nested-loop joins), and the
 * order of a BGP's triple patterns from the store's statistics. */
#include "config.h"
#include "sparql/exec_int.h"

#include <stdlib.h>
#include <string.h>

bs_sp_vset *bs_sp_vset_new(size_t nvars)
{
    return calloc(nvars / 64 + 1, sizeof(bs_sp_vset));
}

static size_t vwords(const bs_sp_exec *ex) { return ex->nvars / 64 + 1; }

static void tpos_vars(bs_sp_tpos p, bs_sp_vset *out) { bs_sp_vset_add(out, p.var); }

void bs_sp_plan_expr_vars(const bs_sp_expr *e, bs_sp_vset *out)
{
    if (!e) return;
    if (e->op == BS_EX_VAR) bs_sp_vset_add(out, e->var);
    for (size_t i = 0; i < e->nargs; i++) bs_sp_plan_expr_vars(e->args[i], out);
    if (e->pattern) bs_sp_plan_node_vars(e->pattern, out);
}

void bs_sp_plan_node_vars(const bs_sp_node *n, bs_sp_vset *out)
{
    if (!n) return;
    for (size_t i = 0; i < n->ntriples; i++) {
        tpos_vars(n->triples[i].s, out);
        tpos_vars(n->triples[i].p, out);
        tpos_vars(n->triples[i].o, out);
    }
    if (n->op == BS_OP_PATH) {
        tpos_vars(n->path_s, out);
        tpos_vars(n->path_o, out);
    }
    if (n->op == BS_OP_GRAPH) tpos_vars(n->graph, out);
    for (size_t i = 0; i < n->nexprs; i++) bs_sp_plan_expr_vars(n->exprs[i], out);
    bs_sp_plan_expr_vars(n->expr, out);
    if (n->op == BS_OP_EXTEND) bs_sp_vset_add(out, n->var);
    for (size_t i = 0; i < n->nvars; i++) bs_sp_vset_add(out, n->vars[i]);
    for (size_t i = 0; i < n->nkeys; i++) {
        bs_sp_plan_expr_vars(n->keys[i], out);
        if (n->key_vars) bs_sp_vset_add(out, n->key_vars[i]);
    }
    for (size_t i = 0; i < n->naggs; i++) {
        bs_sp_plan_expr_vars(n->aggs[i].arg, out);
        bs_sp_vset_add(out, n->aggs[i].var);
    }
    bs_sp_plan_node_vars(n->a, out);
    bs_sp_plan_node_vars(n->b, out);
}

static void certain_values(const bs_sp_node *n, bs_sp_vset *out)
{
    for (size_t c = 0; c < n->nvars; c++) {
        bool all = true;
        for (size_t r = 0; r < n->nrows && all; r++)
            if (n->cells[r * n->nvars + c] < 0) all = false;
        if (all) bs_sp_vset_add(out, n->vars[c]);
    }
}

/* out |= (certain(a) & certain(b)) */
static void certain_both(const bs_sp_exec *ex, const bs_sp_node *a,
                         const bs_sp_node *b, bs_sp_vset *out)
{
    size_t w = vwords(ex);
    bs_sp_vset *x = bs_sp_vset_new(ex->nvars), *y = bs_sp_vset_new(ex->nvars);
    if (x && y) {
        bs_sp_certain_vars(ex, a, x);
        bs_sp_certain_vars(ex, b, y);
        for (size_t i = 0; i < w; i++) out[i] |= x[i] & y[i];
    }
    free(x);
    free(y);
}

void bs_sp_certain_vars(const bs_sp_exec *ex, const bs_sp_node *n,
                        bs_sp_vset *out)
{
    if (!n) return;
    switch (n->op) {
    case BS_OP_BGP:
    case BS_OP_PATH:
        bs_sp_plan_node_vars(n, out);
        return;
    case BS_OP_JOIN:
        bs_sp_certain_vars(ex, n->a, out);
        bs_sp_certain_vars(ex, n->b, out);
        return;
    case BS_OP_GRAPH:
        tpos_vars(n->graph, out);
        bs_sp_certain_vars(ex, n->a, out);
        return;
    case BS_OP_UNION:
        certain_both(ex, n->a, n->b, out);
        return;
    case BS_OP_VALUES:
        certain_values(n, out);
        return;
    case BS_OP_PROJECT: {
        bs_sp_vset *x = bs_sp_vset_new(ex->nvars);
        if (!x) return;
        bs_sp_certain_vars(ex, n->a, x);
        for (size_t i = 0; i < n->nvars; i++)
            if (bs_sp_vset_has(x, n->vars[i])) bs_sp_vset_add(out, n->vars[i]);
        free(x);
        return;
    }
    case BS_OP_GROUP:
    case BS_OP_SERVICE:
        return;
    default: /* LEFTJOIN, FILTER, MINUS, EXTEND, ORDER, DISTINCT... */
        bs_sp_certain_vars(ex, n->a, out);
        return;
    }
}

/* Every variable of the expressions is certainly bound by n. */
static bool exprs_bound(const bs_sp_exec *ex, bs_sp_expr *const *e, size_t ne,
                        const bs_sp_node *n)
{
    size_t w = vwords(ex);
    bs_sp_vset *need = bs_sp_vset_new(ex->nvars), *have = bs_sp_vset_new(ex->nvars);
    bool ok = need && have;
    if (ok) {
        for (size_t i = 0; i < ne; i++) bs_sp_plan_expr_vars(e[i], need);
        bs_sp_certain_vars(ex, n, have);
        for (size_t i = 0; i < w && ok; i++)
            if (need[i] & ~have[i]) ok = false;
    }
    free(need);
    free(have);
    return ok;
}

bool bs_sp_seedable(const bs_sp_exec *ex, const bs_sp_node *n)
{
    switch (n->op) {
    case BS_OP_BGP:
    case BS_OP_PATH:
    case BS_OP_VALUES:
        return true;
    case BS_OP_JOIN:
    case BS_OP_UNION:
        return bs_sp_seedable(ex, n->a) && bs_sp_seedable(ex, n->b);
    case BS_OP_GRAPH:
        return bs_sp_seedable(ex, n->a);
    case BS_OP_FILTER:
        return bs_sp_seedable(ex, n->a) && exprs_bound(ex, n->exprs, n->nexprs, n->a);
    case BS_OP_EXTEND:
        return bs_sp_seedable(ex, n->a) && exprs_bound(ex, &n->expr, 1, n->a);
    default:
        return false;
    }
}

/* ---- BGP order -------------------------------------------------------- */

/* Matches of one triple pattern from its constants and the seed's
 * values alone (the smallest one-position count). */
bs_status bs_sp_triple_estimate(bs_sp_exec *ex, const bs_sp_triple *t,
                                bs_id graph, const bs_id *seed, double *out)
{
    bs_sp_tpos pos[3] = {t->s, t->p, t->o};
    double est = -1;
    if (bs_sp_is_matches(ex, t)) { /* a generator, not quads */
        *out = bs_sp_matches_estimate(ex, t, seed);
        return BS_OK;
    }
    for (int i = 0; i < 3; i++) {
        bs_id id = bs_sp_tpos_id(ex, pos[i], seed);
        if (id == BS_ANY) continue;
        if (bs_sp_is_local(id)) {
            *out = 0;
            return BS_OK;
        }
        bs_quad pat = {BS_ANY, BS_ANY, BS_ANY, BS_ANY};
        if (i == 0) pat.s = id;
        else if (i == 1) pat.p = id;
        else pat.o = id;
        uint64_t c;
        bs_status st = bs_quad_count(ex->txn, &pat, &c);
        if (st != BS_OK) return st;
        if (est < 0 || (double)c < est) est = (double)c;
    }
    if (est < 0) {
        bs_quad pat = {BS_ANY, BS_ANY, BS_ANY, BS_ANY};
        if (graph != BS_SP_DEFAULT_GRAPH) pat.g = graph;
        uint64_t c;
        bs_status st = bs_quad_count(ex->txn, &pat, &c);
        if (st != BS_OK) return st;
        est = (double)c;
    }
    *out = est;
    return BS_OK;
}

/* The estimate once the variables in bound[] have values (unknown yet):
 * a bound subject narrows a pattern a lot, a bound object less. */
static double estimate(const bs_sp_triple *t, double est, const bool *bound,
                       const bs_id *seed)
{
    const bs_sp_tpos pos[3] = {t->s, t->p, t->o};
    bool conn[3];
    for (int i = 0; i < 3; i++)
        conn[i] = pos[i].var >= 0 && bound[pos[i].var] &&
                  !(seed && seed[pos[i].var]);
    if (conn[0] && est > 4) est = 4 + est / 10000;
    if (conn[2] && est > 40) est = 40 + est / 1000;
    if (conn[1]) est /= 10;
    return est;
}

static bool connected(const bs_sp_triple *t, const bool *bound,
                      const bs_id *seed)
{
    const bs_sp_tpos pos[3] = {t->s, t->p, t->o};
    for (int i = 0; i < 3; i++)
        if (pos[i].var >= 0 && bound[pos[i].var] && !(seed && seed[pos[i].var]))
            return true;
    return false;
}

static void bind_vars(const bs_sp_triple *t, bool *bound)
{
    if (t->s.var >= 0) bound[t->s.var] = true;
    if (t->p.var >= 0) bound[t->p.var] = true;
    if (t->o.var >= 0) bound[t->o.var] = true;
}

bs_status bs_sp_bgp_order(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                          const bs_id *seed, size_t *out)
{
    size_t nt = n->ntriples;
    bs_status st = BS_OK;
    bool *bound = calloc(ex->nvars + 1, sizeof *bound);
    bool *used = calloc(nt + 1, sizeof *used);
    double *est = calloc(nt + 1, sizeof *est), *base = calloc(nt + 1, sizeof *base);
    if (!bound || !used || !est || !base) {
        st = BS_ERR_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < nt; i++)
        TRY(st, bs_sp_triple_estimate(ex, &n->triples[i], graph, seed, &base[i]));
    if (seed)
        for (size_t v = 0; v < ex->nvars; v++) bound[v] = seed[v] != 0;
    for (size_t k = 0; k < nt; k++) {
        size_t best = nt;
        bool best_conn = false;
        for (size_t i = 0; i < nt; i++) {
            if (used[i]) continue;
            est[i] = estimate(&n->triples[i], base[i], bound, seed);
            bool c = connected(&n->triples[i], bound, seed);
            /* connected patterns first, unless another one is empty */
            bool better = best == nt || est[i] == 0 ||
                          (est[best] != 0 && ((c && !best_conn) ||
                           (c == best_conn && est[i] < est[best])));
            if (better) {
                best = i;
                best_conn = c;
            }
        }
        used[best] = true;
        out[k] = best;
        bind_vars(&n->triples[best], bound);
    }
fail:
    free(bound);
    free(used);
    free(est);
    free(base);
    return st;
}
