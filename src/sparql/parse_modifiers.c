/* SPDX-License-Identifier: MIT
 * battstore — a query's solution modifiers into the algebra (§18.2.4,
 * §18.2.5): Group with aggregates lifted out of SELECT / HAVING / ORDER
 * BY, Having, trailing Values, select expressions, OrderBy, Project,
 * Distinct / Reduced, Slice; and the scoping rules they carry. */
#include "config.h"
#include "sparql/parse_int.h"

#include <stdlib.h>
#include <string.h>

static bs_status wrap(bs_sp_op op, bs_sp_node **g)
{
    bs_sp_node *n = bs_sp_node_new(op);
    if (!n)
        return BS_ERR_NOMEM;
    n->a = *g;
    *g = n;
    return BS_OK;
}

/// Replace the aggregates in *e by variables of group g's aggspecs.
static bs_status lift_aggs(bs_sp_parser *p, bs_sp_expr **e, bs_sp_node *g)
{
    bs_status st = BS_OK;
    bs_sp_expr *x = *e;
    if (!x)
        return BS_OK;
    if (x->op != BS_EX_AGG) {
        for (size_t i = 0; i < x->nargs; i++)
            TRY(st, lift_aggs(p, &x->args[i], g));
        return BS_OK;
    }
    bs_sp_aggspec *na = realloc(g->aggs, (g->naggs + 1) * sizeof *na);
    if (!na)
        return BS_ERR_NOMEM;
    g->aggs = na;
    bs_sp_expr *v = bs_sp_expr_new(BS_EX_VAR);
    if (!v)
        return BS_ERR_NOMEM;
    if ((st = bs_sp_fresh_var(p, "agg", VK_FRESH, &v->var))) {
        free(v);
        return st;
    }
    na[g->naggs++] = (bs_sp_aggspec){x->fn, x->distinct, x->nargs ? x->args[0] : NULL,
                                     x->separator, v->var};
    x->nargs = 0;
    x->separator = NULL;
    bs_sp_expr_free(x);
    *e = v;
fail:
    return st;
}

static bs_status group_keys(bs_sp_parser *p, bs_sp_select *s, bs_sp_node *g)
{
    bs_status st = BS_OK;
    g->nkeys = s->ngroup;
    if (!s->ngroup)
        return BS_OK;
    if (!(g->key_vars = malloc(s->ngroup * sizeof *g->key_vars)))
        return BS_ERR_NOMEM;
    g->keys = s->gkeys;
    s->gkeys = NULL;
    s->ngroup = 0;
    for (size_t i = 0; i < g->nkeys; i++) {
        g->key_vars[i] = s->gvars[i];
        if (g->key_vars[i] < 0 && g->keys[i]->op == BS_EX_VAR)
            g->key_vars[i] = g->keys[i]->var;
        if (g->key_vars[i] < 0)
            TRY(st, bs_sp_fresh_var(p, "key", VK_FRESH, &g->key_vars[i]));
    }
fail:
    return st;
}

/** The variables SELECT may use once grouped: group keys and aggregate
 *  results; then each select expression's result in turn. */
static bs_status check_grouped(bs_sp_parser *p, bs_sp_select *s, const bs_sp_node *g)
{
    bs_status st = BS_OK;
    size_t nv = p->q->nvars;
    uint8_t *ok = calloc(nv, 1), *used = calloc(nv, 1);
    if (!ok || !used)
        TRY(st, BS_ERR_NOMEM);
    for (size_t i = 0; i < g->nkeys; i++)
        ok[g->key_vars[i]] = 1;
    for (size_t i = 0; i < g->naggs; i++)
        ok[g->aggs[i].var] = 1;
    for (size_t i = 0; i < s->nitems; i++) {
        bs_sp_selitem *it = &s->items[i];
        memset(used, 0, nv);
        if (it->expr)
            bs_sp_expr_vars(it->expr, used);
        else
            used[it->var] = 1;
        for (size_t v = 0; v < nv; v++)
            if (used[v] && !ok[v])
                TRY(st, bs_sp_fail_at(p, &it->at, "variable ?%s is not grouped",
                                      p->q->vars[v].name));
        ok[it->var] = 1;
    }
fail:
    free(ok);
    free(used);
    return st;
}

static bs_status build_group(bs_sp_parser *p, bs_sp_select *s, bs_sp_node **G)
{
    bs_status st = BS_OK;
    if (s->star)
        return bs_sp_fail_at(p, &s->group_at, "SELECT * is not allowed with GROUP BY or aggregates");
    TRY(st, wrap(BS_OP_GROUP, G));
    bs_sp_node *g = *G;
    TRY(st, group_keys(p, s, g));
    for (size_t i = 0; i < s->nitems; i++)
        TRY(st, lift_aggs(p, &s->items[i].expr, g));
    for (size_t i = 0; i < s->nhaving; i++)
        TRY(st, lift_aggs(p, &s->having[i], g));
    for (size_t i = 0; i < s->norder; i++)
        TRY(st, lift_aggs(p, &s->okeys[i], g));
    if (s->project)
        TRY(st, check_grouped(p, s, g));
fail:
    return st;
}

static bool any_agg(const bs_sp_select *s)
{
    for (size_t i = 0; i < s->nitems; i++)
        if (bs_sp_expr_has_agg(s->items[i].expr))
            return true;
    for (size_t i = 0; i < s->nhaving; i++)
        if (bs_sp_expr_has_agg(s->having[i]))
            return true;
    for (size_t i = 0; i < s->norder; i++)
        if (bs_sp_expr_has_agg(s->okeys[i]))
            return true;
    return false;
}

/// Select expressions: Extend, after checking their variable is new.
static bs_status extend_items(bs_sp_parser *p, bs_sp_select *s, const uint8_t *where_vars,
                              size_t nwhere, bs_sp_node **G)
{
    bs_status st = BS_OK;
    for (size_t i = 0; i < s->nitems; i++) {
        bs_sp_selitem *it = &s->items[i];
        if (!it->expr)
            continue;
        if ((size_t)it->var < nwhere && where_vars[it->var])
            return bs_sp_fail_at(p, &it->at, "variable ?%s is already in scope",
                                 p->q->vars[it->var].name);
        TRY(st, wrap(BS_OP_EXTEND, G));
        (*G)->expr = it->expr;
        (*G)->var = it->var;
        it->expr = NULL;
    }
fail:
    return st;
}

static bs_status project(bs_sp_parser *p, bs_sp_select *s, bs_sp_node **G)
{
    bs_status st = BS_OK;
    size_t nv = p->q->nvars, n = 0;
    int *vars = malloc((s->star ? nv : s->nitems) * sizeof *vars + 1);
    uint8_t *set = calloc(nv, 1);
    if (!vars || !set)
        TRY(st, BS_ERR_NOMEM);
    if (s->star) {
        bs_sp_inscope(*G, set);
        for (size_t v = 0; v < nv; v++)
            if (set[v] && p->vkind[v] == VK_USER)
                vars[n++] = (int)v;
    } else {
        for (size_t i = 0; i < s->nitems; i++)
            vars[n++] = s->items[i].var;
    }
    TRY(st, wrap(BS_OP_PROJECT, G));
    (*G)->vars = vars;
    (*G)->nvars = n;
    vars = NULL;
    if (p->scope == 0) {
        bs_sparql *q = p->q;
        if (!(q->proj = malloc((n ? n : 1) * sizeof *q->proj)))
            TRY(st, BS_ERR_NOMEM);
        memcpy(q->proj, (*G)->vars, n * sizeof *q->proj);
        q->nproj = n;
    }
fail:
    free(vars);
    free(set);
    return st;
}

static bs_status order(bs_sp_select *s, bs_sp_node **G)
{
    bs_status st = wrap(BS_OP_ORDER, G);
    if (st)
        return st;
    (*G)->keys = s->okeys;
    (*G)->desc = s->odesc;
    (*G)->nkeys = s->norder;
    s->okeys = NULL;
    s->odesc = NULL;
    s->norder = 0;
    return BS_OK;
}

bs_status bs_sp_finish_select(bs_sp_parser *p, bs_sp_select *s, bs_sp_node **out)
{
    bs_status st = BS_OK;
    bs_sp_node *G = s->where ? s->where : bs_sp_node_new(BS_OP_BGP);
    uint8_t *where_vars = NULL;
    size_t nwhere = p->q->nvars;
    s->where = NULL;
    if (!G || !(where_vars = calloc(nwhere + 1, 1)))
        TRY(st, BS_ERR_NOMEM);
    bs_sp_inscope(G, where_vars);
    if (s->ngroup || any_agg(s))
        TRY(st, build_group(p, s, &G));
    if (s->nhaving) {
        TRY(st, wrap(BS_OP_FILTER, &G));
        G->exprs = s->having;
        G->nexprs = s->nhaving;
        s->having = NULL;
        s->nhaving = 0;
    }
    if (s->values) {
        if (!(G = bs_sp_join(G, s->values)))
            TRY(st, BS_ERR_NOMEM);
        s->values = NULL;
    }
    TRY(st, extend_items(p, s, where_vars, nwhere, &G));
    if (s->norder)
        TRY(st, order(s, &G));
    if (s->project)
        TRY(st, project(p, s, &G));
    if (s->distinct || s->reduced)
        TRY(st, wrap(s->distinct ? BS_OP_DISTINCT : BS_OP_REDUCED, &G));
    if (s->limit >= 0 || s->offset >= 0) {
        TRY(st, wrap(BS_OP_SLICE, &G));
        G->limit = s->limit;
        G->offset = s->offset;
    }
    *out = G;
    G = NULL;
fail:
    bs_sp_node_free(G);
    free(where_vars);
    return st;
}
