/* SPDX-License-Identifier: MIT
 * battstore — the SPARQL algebra's nodes: construction, freeing, and
 * the in-scope variables of §18.2.1 that the parser's checks use. */
#include "config.h"
#include "sparql/parse_int.h"

#include <stdlib.h>
#include <string.h>

bs_sp_node *bs_sp_node_new(bs_sp_op op)
{
    bs_sp_node *n = calloc(1, sizeof *n);
    if (n) {
        n->op = op;
        n->var = -1;
        n->graph = (bs_sp_tpos){-1, -1};
        n->path_s = n->path_o = (bs_sp_tpos){-1, -1};
        n->offset = n->limit = -1;
    }
    return n;
}

bs_sp_node *bs_sp_join(bs_sp_node *a, bs_sp_node *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    if (a->op == BS_OP_BGP && a->ntriples == 0) {
        bs_sp_node_free(a);
        return b;
    }
    if (b->op == BS_OP_BGP && b->ntriples == 0) {
        bs_sp_node_free(b);
        return a;
    }
    bs_sp_node *j = bs_sp_node_new(BS_OP_JOIN);
    if (!j) {
        bs_sp_node_free(a);
        bs_sp_node_free(b);
        return NULL;
    }
    j->a = a;
    j->b = b;
    return j;
}

void bs_sp_path_free(bs_sp_path *p)
{
    if (!p)
        return;
    bs_sp_path_free(p->a);
    bs_sp_path_free(p->b);
    free(p->fwd);
    free(p->inv);
    free(p);
}

void bs_sp_expr_free(bs_sp_expr *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nargs; i++)
        bs_sp_expr_free(e->args[i]);
    free(e->args);
    bs_sp_node_free(e->pattern);
    free(e->separator);
    free(e);
}

static void free_exprs(bs_sp_expr **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bs_sp_expr_free(v[i]);
    free(v);
}

void bs_sp_node_free(bs_sp_node *n)
{
    if (!n)
        return;
    bs_sp_node_free(n->a);
    bs_sp_node_free(n->b);
    free(n->triples);
    bs_sp_path_free(n->path);
    free_exprs(n->exprs, n->nexprs);
    bs_sp_expr_free(n->expr);
    free(n->service_text);
    free(n->vars);
    free(n->cells);
    free_exprs(n->keys, n->nkeys);
    free(n->key_vars);
    free(n->desc);
    for (size_t i = 0; i < n->naggs; i++) {
        bs_sp_expr_free(n->aggs[i].arg);
        free(n->aggs[i].separator);
    }
    free(n->aggs);
    free(n);
}

/* ---- in-scope variables (§18.2.1) ------------------------------------- */

static void mark(uint8_t *set, bs_sp_tpos t)
{
    if (t.var >= 0)
        set[t.var] = 1;
}

void bs_sp_inscope(const bs_sp_node *n, uint8_t *set)
{
    if (!n)
        return;
    switch (n->op) {
    case BS_OP_BGP:
        for (size_t i = 0; i < n->ntriples; i++) {
            mark(set, n->triples[i].s);
            mark(set, n->triples[i].p);
            mark(set, n->triples[i].o);
        }
        break;
    case BS_OP_PATH:
        mark(set, n->path_s);
        mark(set, n->path_o);
        break;
    case BS_OP_MINUS:
    case BS_OP_FILTER:
    case BS_OP_ORDER:
    case BS_OP_DISTINCT:
    case BS_OP_REDUCED:
    case BS_OP_SLICE:
        bs_sp_inscope(n->a, set);
        break;
    case BS_OP_GRAPH:
    case BS_OP_SERVICE:
        mark(set, n->graph);
        bs_sp_inscope(n->a, set);
        break;
    case BS_OP_EXTEND:
        bs_sp_inscope(n->a, set);
        set[n->var] = 1;
        break;
    case BS_OP_VALUES:
    case BS_OP_PROJECT:
        for (size_t i = 0; i < n->nvars; i++)
            set[n->vars[i]] = 1;
        break;
    case BS_OP_GROUP:
        for (size_t i = 0; i < n->nkeys; i++)
            set[n->key_vars[i]] = 1;
        for (size_t i = 0; i < n->naggs; i++)
            set[n->aggs[i].var] = 1;
        break;
    default: /* JOIN, LEFTJOIN, UNION */
        bs_sp_inscope(n->a, set);
        bs_sp_inscope(n->b, set);
        break;
    }
}

void bs_sp_expr_vars(const bs_sp_expr *e, uint8_t *set)
{
    if (!e)
        return;
    if (e->op == BS_EX_VAR)
        set[e->var] = 1;
    if (e->op == BS_EX_AGG)
        return; /* an aggregate's argument is not the group's */
    for (size_t i = 0; i < e->nargs; i++)
        bs_sp_expr_vars(e->args[i], set);
}

bool bs_sp_expr_has_agg(const bs_sp_expr *e)
{
    if (!e)
        return false;
    if (e->op == BS_EX_AGG)
        return true;
    for (size_t i = 0; i < e->nargs; i++)
        if (bs_sp_expr_has_agg(e->args[i]))
            return true;
    return false;
}
