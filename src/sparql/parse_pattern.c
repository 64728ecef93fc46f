/* SPDX-License-Identifier: MIT
 * battstore — SPARQL group graph patterns, translated to the algebra as
 * §18.2.2.6 says: elements joined in order, OPTIONAL → LeftJoin (with
 * the optional group's filters), MINUS, UNION, GRAPH, SERVICE, BIND →
 * Extend, VALUES, and the group's filters over the whole group. */
#include "config.h"
#include "sparql/parse_triples.h"

#include <stdlib.h>
#include <string.h>

/// The state of one group while its elements are read.
typedef struct {
    bs_sp_node *g;        ///< the algebra so far (NULL = Z)
    bs_sp_expr **filters; ///< the group's FILTERs
    size_t nfilters;
    bs_sp_tctx c;         ///< triples not yet added to g
} group_st;

static bs_status take(bs_sp_node **g, bs_sp_node *n)
{
    *g = bs_sp_join(*g, n);
    return *g ? BS_OK : BS_ERR_NOMEM;
}

/// Add the pending triples (a BGP, then its PATH nodes) to g.
static bs_status flush(group_st *gs)
{
    bs_status st = BS_OK;
    bs_sp_tctx *c = &gs->c;
    if (c->ntr) {
        bs_sp_node *bgp = bs_sp_node_new(BS_OP_BGP);
        if (!bgp)
            return BS_ERR_NOMEM;
        bgp->triples = c->tr;
        bgp->ntriples = c->ntr;
        c->tr = NULL;
        c->ntr = c->ctr = 0;
        TRY(st, take(&gs->g, bgp));
    }
    for (size_t i = 0; i < c->np; i++) {
        bs_sp_node *n = c->paths[i];
        c->paths[i] = NULL;
        TRY(st, take(&gs->g, n));
    }
    c->np = 0;
fail:
    return st;
}

static bs_sp_node *unit_or(bs_sp_node *g)
{
    return g ? g : bs_sp_node_new(BS_OP_BGP);
}

static bs_status binary_node(bs_sp_op op, bs_sp_node **g, bs_sp_node *b)
{
    bs_sp_node *a = unit_or(*g), *n = bs_sp_node_new(op);
    if (!a || !n) {
        free(n);
        bs_sp_node_free(b);
        if (a != *g)
            bs_sp_node_free(a);
        return BS_ERR_NOMEM;
    }
    n->a = a;
    n->b = b;
    *g = n;
    return BS_OK;
}

static bs_status parse_group_parts(bs_sp_parser *p, bs_sp_node **out,
                                   bs_sp_expr ***filters, size_t *nfilters);

static bs_status do_optional(bs_sp_parser *p, group_st *gs)
{
    bs_status st = BS_OK;
    bs_sp_node *a = NULL;
    bs_sp_expr **filters = NULL;
    size_t n = 0;
    TRY(st, bs_sp_lex_next(p));
    TRY(st, parse_group_parts(p, &a, &filters, &n));
    st = binary_node(BS_OP_LEFTJOIN, &gs->g, a); /* takes a */
    a = NULL;
    TRY(st, st);
    gs->g->exprs = filters; /* LeftJoin(G, A, F): the group's own filters */
    gs->g->nexprs = n;
    return BS_OK;
fail:
    bs_sp_node_free(a);
    for (size_t i = 0; i < n; i++)
        bs_sp_expr_free(filters[i]);
    free(filters);
    return st;
}

static bs_status do_union(bs_sp_parser *p, group_st *gs)
{
    bs_status st = BS_OK;
    bs_sp_node *u = NULL, *b = NULL;
    TRY(st, bs_sp_parse_group(p, &u));
    while (bs_sp_is_word(p, "UNION")) {
        TRY(st, bs_sp_lex_next(p));
        p->block = ++p->nblocks;
        TRY(st, bs_sp_parse_group(p, &b));
        TRY(st, binary_node(BS_OP_UNION, &u, b));
        b = NULL;
    }
    return take(&gs->g, u);
fail:
    bs_sp_node_free(u);
    bs_sp_node_free(b);
    return st;
}

/// GRAPH / SERVICE: VarOrIri then a group.
static bs_status do_graph(bs_sp_parser *p, group_st *gs, bool service)
{
    bs_status st = BS_OK;
    bs_sp_node *n = bs_sp_node_new(service ? BS_OP_SERVICE : BS_OP_GRAPH);
    if (!n)
        return BS_ERR_NOMEM;
    TRY(st, bs_sp_lex_next(p));
    if (service && bs_sp_is_word(p, "SILENT")) {
        n->silent = true;
        TRY(st, bs_sp_lex_next(p));
    }
    if (p->t.kind == TK_VAR)
        TRY(st, bs_sp_var_slot(p, p->t.s, &n->graph.var));
    else if (p->t.kind == TK_IRI || p->t.kind == TK_PNAME)
        TRY(st, bs_sp_iri_const(p, &n->graph.cid));
    else
        TRY(st, bs_sp_expected(p, "a variable or IRI"));
    TRY(st, bs_sp_lex_next(p));
    size_t start = p->t.start;
    TRY(st, bs_sp_parse_group(p, &n->a));
    if (service) {
        size_t end = start;
        /* the group ends at the last '}' before the current token */
        for (size_t i = p->t.start; i > start; i--)
            if (p->text[i - 1] == '}') {
                end = i;
                break;
            }
        if (!(n->service_text = bs_sp_strndup(p->text + start, end - start)))
            TRY(st, BS_ERR_NOMEM);
    }
    return take(&gs->g, n);
fail:
    bs_sp_node_free(n);
    return st;
}

static bs_status do_bind(bs_sp_parser *p, group_st *gs)
{
    bs_status st = BS_OK;
    bs_sp_expr *e = NULL;
    uint8_t *set = NULL;
    TRY(st, bs_sp_lex_next(p));
    TRY(st, bs_sp_expect_punct(p, '('));
    TRY(st, bs_sp_parse_expr(p, &e));
    TRY(st, bs_sp_expect_word(p, "AS"));
    if (p->t.kind != TK_VAR)
        TRY(st, bs_sp_expected(p, "a variable"));
    int var;
    TRY(st, bs_sp_var_slot(p, p->t.s, &var));
    if (!(set = calloc(p->q->nvars, 1)))
        TRY(st, BS_ERR_NOMEM);
    bs_sp_inscope(gs->g, set);
    if (set[var])
        TRY(st, bs_sp_fail_at(p, &p->t, "BIND: variable ?%s is already in scope", p->t.s));
    TRY(st, bs_sp_lex_next(p));
    TRY(st, bs_sp_expect_punct(p, ')'));
    bs_sp_node *n = bs_sp_node_new(BS_OP_EXTEND);
    if (!n || !(n->a = unit_or(gs->g))) {
        free(n);
        TRY(st, BS_ERR_NOMEM);
    }
    n->expr = e;
    n->var = var;
    gs->g = n;
    e = NULL;
fail:
    free(set);
    bs_sp_expr_free(e);
    return st;
}

static bs_status do_filter(bs_sp_parser *p, group_st *gs)
{
    bs_status st = BS_OK;
    bs_sp_expr *e = NULL;
    int block = p->block;
    TRY(st, bs_sp_lex_next(p));
    TRY(st, bs_sp_parse_constraint(p, &e));
    p->block = block; /* a FILTER does not end a basic graph pattern */
    bs_sp_expr **nf = realloc(gs->filters, (gs->nfilters + 1) * sizeof *nf);
    if (!nf)
        TRY(st, BS_ERR_NOMEM);
    gs->filters = nf;
    nf[gs->nfilters++] = e;
    return BS_OK;
fail:
    bs_sp_expr_free(e);
    return st;
}

/// One GraphPatternNotTriples; *done = false when the token starts none.
static bs_status parse_element(bs_sp_parser *p, group_st *gs, bool *found)
{
    bs_status st = BS_OK;
    bs_sp_node *n = NULL;
    *found = true;
    if (bs_sp_is_word(p, "FILTER"))
        return do_filter(p, gs);
    if (!bs_sp_is_punct(p, '{') && !bs_sp_is_word(p, "OPTIONAL") && !bs_sp_is_word(p, "MINUS") &&
        !bs_sp_is_word(p, "GRAPH") && !bs_sp_is_word(p, "SERVICE") && !bs_sp_is_word(p, "BIND") &&
        !bs_sp_is_word(p, "VALUES")) {
        *found = false;
        return BS_OK;
    }
    TRY(st, flush(gs));
    p->block = ++p->nblocks;
    if (bs_sp_is_punct(p, '{')) {
        TRY(st, do_union(p, gs));
    } else if (bs_sp_is_word(p, "OPTIONAL")) {
        TRY(st, do_optional(p, gs));
    } else if (bs_sp_is_word(p, "MINUS")) {
        TRY(st, bs_sp_lex_next(p));
        TRY(st, bs_sp_parse_group(p, &n));
        TRY(st, binary_node(BS_OP_MINUS, &gs->g, n));
    } else if (bs_sp_is_word(p, "GRAPH") || bs_sp_is_word(p, "SERVICE")) {
        TRY(st, do_graph(p, gs, bs_sp_is_word(p, "SERVICE")));
    } else if (bs_sp_is_word(p, "BIND")) {
        TRY(st, do_bind(p, gs));
    } else {
        TRY(st, bs_sp_lex_next(p));
        TRY(st, bs_sp_parse_values_block(p, &n));
        TRY(st, take(&gs->g, n));
    }
    p->block = ++p->nblocks;
    return BS_OK;
fail:
    return st;
}

static bs_status parse_group_body(bs_sp_parser *p, group_st *gs)
{
    bs_status st = BS_OK;
    for (;;) {
        bool found;
        if (bs_sp_at_triples(p)) {
            TRY(st, bs_sp_parse_triples_same_subject(p, &gs->c));
            if (bs_sp_is_punct(p, '.')) {
                TRY(st, bs_sp_lex_next(p));
                continue;
            }
            if (bs_sp_at_triples(p))
                return bs_sp_expected(p, "'.' or '}'");
            continue;
        }
        if (bs_sp_is_punct(p, '}'))
            break;
        TRY(st, parse_element(p, gs, &found));
        if (!found)
            return bs_sp_expected(p, "'}'");
        if (bs_sp_is_punct(p, '.'))
            TRY(st, bs_sp_lex_next(p));
    }
    TRY(st, flush(gs));
fail:
    return st;
}

/** A group's algebra without its filters (returned apart: *filters,
 *  *nfilters, caller frees) — OPTIONAL makes them the LeftJoin's. */
static bs_status parse_group_parts(bs_sp_parser *p, bs_sp_node **out,
                                   bs_sp_expr ***filters, size_t *nfilters)
{
    bs_status st = BS_OK;
    group_st gs = {.c = {.graph = {-1, -1}}};
    *out = NULL;
    *filters = NULL;
    *nfilters = 0;
    TRY(st, bs_sp_expect_punct(p, '{'));
    if (bs_sp_is_word(p, "SELECT")) {
        TRY(st, bs_sp_parse_subselect(p, &gs.g));
        TRY(st, bs_sp_expect_punct(p, '}'));
        *out = gs.g;
        return BS_OK;
    }
    p->block = ++p->nblocks;
    TRY(st, parse_group_body(p, &gs));
    TRY(st, bs_sp_lex_next(p)); /* the '}' */
    if (!gs.g && !(gs.g = bs_sp_node_new(BS_OP_BGP)))
        TRY(st, BS_ERR_NOMEM);
    *out = gs.g;
    *filters = gs.filters;
    *nfilters = gs.nfilters;
    gs.g = NULL;
    gs.filters = NULL;
    gs.nfilters = 0;
fail:
    bs_sp_node_free(gs.g);
    for (size_t i = 0; i < gs.nfilters; i++)
        bs_sp_expr_free(gs.filters[i]);
    free(gs.filters);
    bs_sp_tctx_clear(&gs.c);
    return st;
}

bs_status bs_sp_parse_group(bs_sp_parser *p, bs_sp_node **out)
{
    bs_sp_expr **filters;
    size_t n;
    bs_sp_node *g = NULL;
    bs_status st = parse_group_parts(p, &g, &filters, &n);
    if (st || !n) {
        *out = g;
        return st;
    }
    bs_sp_node *f = bs_sp_node_new(BS_OP_FILTER);
    if (!f) {
        bs_sp_node_free(g);
        for (size_t i = 0; i < n; i++)
            bs_sp_expr_free(filters[i]);
        free(filters);
        *out = NULL;
        return BS_ERR_NOMEM;
    }
    f->a = g;
    f->exprs = filters;
    f->nexprs = n;
    *out = f;
    return BS_OK;
}

/* ---- VALUES ---------------------------------------------------------------- */

static bs_status values_cell(bs_sp_parser *p, int *cid)
{
    bs_status st = BS_OK;
    *cid = -1;
    if (bs_sp_is_word(p, "UNDEF")) {
        TRY(st, bs_sp_lex_next(p));
    } else if (p->t.kind == TK_IRI || p->t.kind == TK_PNAME) {
        TRY(st, bs_sp_iri_const(p, cid));
        TRY(st, bs_sp_lex_next(p));
    } else if (bs_sp_at_literal(p)) {
        TRY(st, bs_sp_parse_literal(p, cid));
    } else {
        return bs_sp_expected(p, "a value or UNDEF");
    }
fail:
    return st;
}

/// One row (or, for VALUES ?x, one value) appended to n.
static bs_status values_row(bs_sp_parser *p, bs_sp_node *n, bool one)
{
    bs_status st = BS_OK;
    bs_sp_token at = p->t;
    size_t k = 0, base = n->nrows * n->nvars;
    int *nc = realloc(n->cells, (base + n->nvars + 1) * sizeof *nc);
    if (!nc)
        return BS_ERR_NOMEM;
    n->cells = nc;
    if (one) {
        TRY(st, values_cell(p, &nc[base]));
        n->nrows++;
        return BS_OK;
    }
    if (p->t.kind == TK_NIL) {
        TRY(st, bs_sp_lex_next(p));
    } else {
        TRY(st, bs_sp_expect_punct(p, '('));
        while (!bs_sp_is_punct(p, ')')) {
            if (k >= n->nvars)
                return bs_sp_fail_at(p, &at, "VALUES row has more values than variables");
            TRY(st, values_cell(p, &nc[base + k]));
            k++;
        }
        TRY(st, bs_sp_lex_next(p));
    }
    if (k != n->nvars)
        return bs_sp_fail_at(p, &at, "VALUES row has %zu values for %zu variables", k,
                             n->nvars);
    n->nrows++;
fail:
    return st;
}

bs_status bs_sp_parse_values_block(bs_sp_parser *p, bs_sp_node **out)
{
    bs_status st = BS_OK;
    bs_sp_node *n = bs_sp_node_new(BS_OP_VALUES);
    bool one = false;
    if (!n)
        return BS_ERR_NOMEM;
    if (p->t.kind == TK_VAR) {
        one = true;
        if (!(n->vars = malloc(sizeof *n->vars)))
            TRY(st, BS_ERR_NOMEM);
        TRY(st, bs_sp_var_slot(p, p->t.s, &n->vars[0]));
        n->nvars = 1;
        TRY(st, bs_sp_lex_next(p));
    } else if (p->t.kind == TK_NIL) {
        TRY(st, bs_sp_lex_next(p));
    } else {
        TRY(st, bs_sp_expect_punct(p, '('));
        while (p->t.kind == TK_VAR) {
            int *nv = realloc(n->vars, (n->nvars + 1) * sizeof *nv);
            if (!nv)
                TRY(st, BS_ERR_NOMEM);
            n->vars = nv;
            TRY(st, bs_sp_var_slot(p, p->t.s, &nv[n->nvars]));
            n->nvars++;
            TRY(st, bs_sp_lex_next(p));
        }
        TRY(st, bs_sp_expect_punct(p, ')'));
    }
    TRY(st, bs_sp_expect_punct(p, '{'));
    while (!bs_sp_is_punct(p, '}')) {
        if (p->t.kind == TK_EOF)
            TRY(st, bs_sp_expected(p, "'}'"));
        TRY(st, values_row(p, n, one));
    }
    TRY(st, bs_sp_lex_next(p));
    *out = n;
    return BS_OK;
fail:
    bs_sp_node_free(n);
    return st;
}
