/* SPDX-License-Identifier: MIT
 * battstore — SPARQL triples: subjects, property lists, collections,
 * property paths (translated per §18.2.2.4), templates and quads. */
#include "config.h"
#include "sparql/parse_triples.h"

#include <stdlib.h>
#include <string.h>

#define RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

/// The keyword 'a' (the only case-sensitive one).
static bool is_a(const bs_sp_parser *p)
{
    return p->t.kind == TK_WORD && strcmp(p->t.s, "a") == 0;
}

static bs_status rdf_const(bs_sp_parser *p, const char *local, bs_sp_tpos *out)
{
    char iri[128];
    snprintf(iri, sizeof iri, RDF "%s", local);
    out->var = -1;
    return bs_sp_const_add(p, BS_TERM_IRI, iri, strlen(iri), NULL, 0, &out->cid);
}

void bs_sp_tctx_clear(bs_sp_tctx *c)
{
    free(c->tr);
    for (size_t i = 0; i < c->np; i++)
        bs_sp_node_free(c->paths[i]);
    free(c->paths);
    free(c->qd);
    memset(c, 0, sizeof *c);
}

/* ---- emitting ------------------------------------------------------------ */

static bs_status emit(bs_sp_parser *p, bs_sp_tctx *c, bs_sp_tpos s, bs_sp_tpos v,
                      bs_sp_tpos o)
{
    (void)p;
    if (c->tmpl) {
        if (bs_sp_grow(&c->qd, &c->cq, c->nq, sizeof *c->qd))
            return BS_ERR_NOMEM;
        c->qd[c->nq++] = (bs_sp_quad){s, v, o, c->graph};
        return BS_OK;
    }
    if (bs_sp_grow(&c->tr, &c->ctr, c->ntr, sizeof *c->tr))
        return BS_ERR_NOMEM;
    c->tr[c->ntr++] = (bs_sp_triple){s, v, o};
    return BS_OK;
}

/// §18.2.2.4: links and inverse links become triples, sequences are
/// split with a fresh variable, the rest are PATH nodes.  Takes path.
static bs_status emit_path(bs_sp_parser *p, bs_sp_tctx *c, bs_sp_tpos s,
                           bs_sp_path *path, bs_sp_tpos o)
{
    bs_status st = BS_OK;
    bs_sp_path *a = path->a, *b = path->b;
    switch (path->kind) {
    case BS_PATH_LINK: {
        bs_sp_tpos v = {-1, path->cid};
        bs_sp_path_free(path);
        return emit(p, c, s, v, o);
    }
    case BS_PATH_INV:
        path->a = NULL;
        bs_sp_path_free(path);
        return emit_path(p, c, o, a, s);
    case BS_PATH_SEQ: {
        bs_sp_tpos mid = {-1, -1};
        path->a = path->b = NULL;
        bs_sp_path_free(path);
        if ((st = bs_sp_fresh_var(p, "p", VK_FRESH, &mid.var))) {
            bs_sp_path_free(a);
            bs_sp_path_free(b);
            return st;
        }
        st = emit_path(p, c, s, a, mid);
        if (st) {
            bs_sp_path_free(b);
            return st;
        }
        return emit_path(p, c, mid, b, o);
    }
    default: {
        bs_sp_node *n = bs_sp_node_new(BS_OP_PATH);
        if (!n || bs_sp_grow(&c->paths, &c->cp, c->np, sizeof *c->paths)) {
            free(n);
            bs_sp_path_free(path);
            return BS_ERR_NOMEM;
        }
        n->path_s = s;
        n->path_o = o;
        n->path = path;
        c->paths[c->np++] = n;
        return BS_OK;
    }
    }
}

/* ---- property paths ------------------------------------------------------ */

static bs_status parse_path_alt(bs_sp_parser *p, bs_sp_path **out);

static bs_sp_path *path_new(bs_sp_path_kind k, bs_sp_path *a, bs_sp_path *b)
{
    bs_sp_path *x = calloc(1, sizeof *x);
    if (!x) {
        bs_sp_path_free(a);
        bs_sp_path_free(b);
        return NULL;
    }
    x->kind = k;
    x->cid = -1;
    x->a = a;
    x->b = b;
    return x;
}

/// iri or 'a' as a constant.
static bs_status path_iri(bs_sp_parser *p, int *cid)
{
    bs_status st;
    if (is_a(p)) {
        bs_sp_tpos t;
        TRY(st, rdf_const(p, "type", &t));
        *cid = t.cid;
    } else if (p->t.kind == TK_IRI || p->t.kind == TK_PNAME) {
        TRY(st, bs_sp_iri_const(p, cid));
    } else {
        return bs_sp_expected(p, "an IRI or 'a'");
    }
    st = bs_sp_lex_next(p);
fail:
    return st;
}

static bs_status add_cid(int **arr, size_t *n, int cid)
{
    int *na = realloc(*arr, (*n + 1) * sizeof *na);
    if (!na)
        return BS_ERR_NOMEM;
    na[(*n)++] = cid;
    *arr = na;
    return BS_OK;
}

static bs_status parse_neg_one(bs_sp_parser *p, bs_sp_path *neg)
{
    bs_status st = BS_OK;
    int cid;
    bool inv = false;
    if (bs_sp_is_punct(p, '^')) {
        inv = true;
        TRY(st, bs_sp_lex_next(p));
    }
    TRY(st, path_iri(p, &cid));
    st = inv ? add_cid(&neg->inv, &neg->ninv, cid) : add_cid(&neg->fwd, &neg->nfwd, cid);
fail:
    return st;
}

static bs_status parse_negated(bs_sp_parser *p, bs_sp_path **out)
{
    bs_status st = BS_OK;
    bs_sp_path *neg = path_new(BS_PATH_NEG, NULL, NULL);
    if (!neg)
        return BS_ERR_NOMEM;
    if (p->t.kind == TK_NIL) {
        TRY(st, bs_sp_lex_next(p));
    } else if (bs_sp_is_punct(p, '(')) {
        TRY(st, bs_sp_lex_next(p));
        TRY(st, parse_neg_one(p, neg));
        while (bs_sp_is_punct(p, '|')) {
            TRY(st, bs_sp_lex_next(p));
            TRY(st, parse_neg_one(p, neg));
        }
        TRY(st, bs_sp_expect_punct(p, ')'));
    } else {
        TRY(st, parse_neg_one(p, neg));
    }
    *out = neg;
    return BS_OK;
fail:
    bs_sp_path_free(neg);
    return st;
}

static bs_status parse_path_primary(bs_sp_parser *p, bs_sp_path **out)
{
    bs_status st = BS_OK;
    if (bs_sp_is_punct(p, '!')) {
        TRY(st, bs_sp_lex_next(p));
        return parse_negated(p, out);
    }
    if (bs_sp_is_punct(p, '(')) {
        TRY(st, bs_sp_lex_next(p));
        TRY(st, parse_path_alt(p, out));
        if ((st = bs_sp_expect_punct(p, ')'))) {
            bs_sp_path_free(*out);
            *out = NULL;
        }
        return st;
    }
    bs_sp_path *l = path_new(BS_PATH_LINK, NULL, NULL);
    if (!l)
        return BS_ERR_NOMEM;
    if ((st = path_iri(p, &l->cid))) {
        bs_sp_path_free(l);
        return st;
    }
    *out = l;
fail:
    return st;
}

static bs_status parse_path_elt(bs_sp_parser *p, bs_sp_path **out)
{
    bs_status st = BS_OK;
    bool inv = bs_sp_is_punct(p, '^');
    bs_sp_path *x = NULL;
    if (inv)
        TRY(st, bs_sp_lex_next(p));
    TRY(st, parse_path_primary(p, &x));
    bs_sp_path_kind mod = bs_sp_is_punct(p, '*') ? BS_PATH_STAR
                        : bs_sp_is_punct(p, '+') ? BS_PATH_PLUS
                        : bs_sp_is_punct(p, '?') ? BS_PATH_OPT : 0;
    if (mod) {
        TRY(st, bs_sp_lex_next(p));
        if (!(x = path_new(mod, x, NULL)))
            return BS_ERR_NOMEM;
    }
    if (inv && !(x = path_new(BS_PATH_INV, x, NULL)))
        return BS_ERR_NOMEM;
    *out = x;
    return BS_OK;
fail:
    bs_sp_path_free(x);
    return st;
}

/* sub (op sub)*, folded to the left into kind nodes: '/' sequences of
 * path elements, '|' alternatives of sequences. */
static bs_status parse_path_chain(bs_sp_parser *p, char op, bs_sp_path_kind kind,
                                  bs_status (*sub)(bs_sp_parser *, bs_sp_path **),
                                  bs_sp_path **out)
{
    bs_status st = BS_OK;
    bs_sp_path *x = NULL, *y = NULL;
    TRY(st, sub(p, &x));
    while (bs_sp_is_punct(p, op)) {
        TRY(st, bs_sp_lex_next(p));
        TRY(st, sub(p, &y));
        if (!(x = path_new(kind, x, y)))
            return BS_ERR_NOMEM;
        y = NULL;
    }
    *out = x;
    return BS_OK;
fail:
    bs_sp_path_free(x);
    return st;
}

static bs_status parse_path_seq(bs_sp_parser *p, bs_sp_path **out)
{
    return parse_path_chain(p, '/', BS_PATH_SEQ, parse_path_elt, out);
}

static bs_status parse_path_alt(bs_sp_parser *p, bs_sp_path **out)
{
    return parse_path_chain(p, '|', BS_PATH_ALT, parse_path_seq, out);
}

/* ---- terms and triples -------------------------------------------------- */

bool bs_sp_at_term(const bs_sp_parser *p)
{
    bs_sp_tk k = p->t.kind;
    return k == TK_VAR || k == TK_IRI || k == TK_PNAME || k == TK_BNODE ||
           k == TK_ANON || k == TK_NIL || bs_sp_at_literal(p);
}

bool bs_sp_at_triples(const bs_sp_parser *p)
{
    return bs_sp_at_term(p) || bs_sp_is_punct(p, '(') || bs_sp_is_punct(p, '[');
}

/// VarOrTerm (the current token) into *out.
static bs_status parse_term(bs_sp_parser *p, bs_sp_tpos *out)
{
    bs_status st = BS_OK;
    *out = (bs_sp_tpos){-1, -1};
    switch (p->t.kind) {
    case TK_VAR:
        if (p->no_vars)
            return bs_sp_fail_at(p, &p->t, "variables are not allowed here");
        TRY(st, bs_sp_var_slot(p, p->t.s, &out->var));
        break;
    case TK_IRI:
    case TK_PNAME:
        TRY(st, bs_sp_iri_const(p, &out->cid));
        break;
    case TK_BNODE:
        TRY(st, bs_sp_blank(p, p->t.s, out));
        break;
    case TK_ANON:
        TRY(st, bs_sp_anon(p, out));
        break;
    case TK_NIL:
        TRY(st, rdf_const(p, "nil", out));
        break;
    default:
        if (bs_sp_at_literal(p))
            return bs_sp_parse_literal(p, &out->cid);
        return bs_sp_expected(p, "a term");
    }
    st = bs_sp_lex_next(p);
fail:
    return st;
}

static bs_status parse_proplist(bs_sp_parser *p, bs_sp_tctx *c, bs_sp_tpos subj);

/// '(' GraphNode+ ')'
static bs_status parse_collection(bs_sp_parser *p, bs_sp_tctx *c, bs_sp_tpos *out)
{
    bs_status st = BS_OK;
    bs_sp_tpos first, rest, nil, prev = {-1, -1};
    TRY(st, rdf_const(p, "first", &first));
    TRY(st, rdf_const(p, "rest", &rest));
    TRY(st, rdf_const(p, "nil", &nil));
    TRY(st, bs_sp_lex_next(p));
    do {
        bs_sp_tpos cell, item;
        TRY(st, bs_sp_anon(p, &cell));
        if (prev.var < 0 && prev.cid < 0)
            *out = cell;
        else
            TRY(st, emit(p, c, prev, rest, cell));
        TRY(st, bs_sp_parse_graph_node(p, c, &item));
        TRY(st, emit(p, c, cell, first, item));
        prev = cell;
    } while (!bs_sp_is_punct(p, ')'));
    TRY(st, emit(p, c, prev, rest, nil));
    st = bs_sp_lex_next(p);
fail:
    return st;
}

bs_status bs_sp_parse_graph_node(bs_sp_parser *p, bs_sp_tctx *c, bs_sp_tpos *out)
{
    bs_status st = BS_OK;
    if (bs_sp_is_punct(p, '('))
        return parse_collection(p, c, out);
    if (bs_sp_is_punct(p, '[')) {
        TRY(st, bs_sp_anon(p, out));
        TRY(st, bs_sp_lex_next(p));
        TRY(st, parse_proplist(p, c, *out));
        return bs_sp_expect_punct(p, ']');
    }
    return parse_term(p, out);
fail:
    return st;
}

static bs_status parse_objects(bs_sp_parser *p, bs_sp_tctx *c, bs_sp_tpos s,
                               bs_sp_path *path, bs_sp_tpos v)
{
    bs_status st = BS_OK;
    for (;;) {
        bs_sp_tpos o;
        TRY(st, bs_sp_parse_graph_node(p, c, &o));
        if (path) {
            bs_sp_path *use = path;
            if (bs_sp_is_punct(p, ',') && !(use = bs_sp_path_copy(path)))
                TRY(st, BS_ERR_NOMEM);
            if (use == path)
                path = NULL;
            TRY(st, emit_path(p, c, s, use, o));
        } else {
            TRY(st, emit(p, c, s, v, o));
        }
        if (!bs_sp_is_punct(p, ','))
            break;
        TRY(st, bs_sp_lex_next(p));
    }
fail:
    bs_sp_path_free(path);
    return st;
}

/// Verb ObjectList ( ';' ( Verb ObjectList )? )*
static bs_status parse_proplist(bs_sp_parser *p, bs_sp_tctx *c, bs_sp_tpos subj)
{
    bs_status st = BS_OK;
    for (;;) {
        bs_sp_tpos v = {-1, -1};
        bs_sp_path *path = NULL;
        if (p->t.kind == TK_VAR) {
            TRY(st, parse_term(p, &v));
        } else if (c->tmpl) {
            if (is_a(p)) {
                TRY(st, rdf_const(p, "type", &v));
                TRY(st, bs_sp_lex_next(p));
            } else if (p->t.kind == TK_IRI || p->t.kind == TK_PNAME) {
                TRY(st, parse_term(p, &v));
            } else {
                return bs_sp_expected(p, "a verb");
            }
        } else {
            if (!is_a(p) && p->t.kind != TK_IRI && p->t.kind != TK_PNAME &&
                !bs_sp_is_punct(p, '^') && !bs_sp_is_punct(p, '(') && !bs_sp_is_punct(p, '!') &&
                p->t.kind != TK_NIL)
                return bs_sp_expected(p, "a verb or property path");
            TRY(st, parse_path_alt(p, &path));
        }
        TRY(st, parse_objects(p, c, subj, path, v));
        if (!bs_sp_is_punct(p, ';'))
            break;
        while (bs_sp_is_punct(p, ';'))
            TRY(st, bs_sp_lex_next(p));
        if (p->t.kind != TK_VAR && p->t.kind != TK_IRI && p->t.kind != TK_PNAME &&
            !is_a(p) && !bs_sp_is_punct(p, '^') && !bs_sp_is_punct(p, '!') &&
            !(bs_sp_is_punct(p, '(') && !c->tmpl))
            break;
    }
fail:
    return st;
}

bs_status bs_sp_parse_triples_same_subject(bs_sp_parser *p, bs_sp_tctx *c)
{
    bs_status st = BS_OK;
    bs_sp_tpos s;
    bool node = bs_sp_is_punct(p, '(') || bs_sp_is_punct(p, '[');
    TRY(st, bs_sp_parse_graph_node(p, c, &s));
    if (node && (bs_sp_is_punct(p, '.') || bs_sp_is_punct(p, '}') || p->t.kind == TK_EOF ||
                 (p->t.kind == TK_WORD && !is_a(p))))
        return BS_OK; /* TriplesNode PropertyList (empty) */
    TRY(st, parse_proplist(p, c, s));
fail:
    return st;
}

bs_sp_path *bs_sp_path_copy(const bs_sp_path *x)
{
    if (!x)
        return NULL;
    bs_sp_path *y = calloc(1, sizeof *y);
    if (!y)
        return NULL;
    *y = *x;
    y->a = y->b = NULL;
    y->fwd = y->inv = NULL;
    if ((x->a && !(y->a = bs_sp_path_copy(x->a))) || (x->b && !(y->b = bs_sp_path_copy(x->b))))
        goto fail;
    if (x->nfwd && !(y->fwd = malloc(x->nfwd * sizeof(int))))
        goto fail;
    if (x->ninv && !(y->inv = malloc(x->ninv * sizeof(int))))
        goto fail;
    if (x->nfwd)
        memcpy(y->fwd, x->fwd, x->nfwd * sizeof(int));
    if (x->ninv)
        memcpy(y->inv, x->inv, x->ninv * sizeof(int));
    return y;
fail:
    bs_sp_path_free(y);
    return NULL;
}

/* ---- templates and quads ------------------------------------------------- */

static bs_status parse_template_triples(bs_sp_parser *p, bs_sp_tctx *c)
{
    bs_status st = BS_OK;
    while (bs_sp_at_triples(p)) {
        TRY(st, bs_sp_parse_triples_same_subject(p, c));
        if (!bs_sp_is_punct(p, '.'))
            break;
        TRY(st, bs_sp_lex_next(p));
    }
fail:
    return st;
}

bs_status bs_sp_parse_quads(bs_sp_parser *p, bool quads, bs_sp_quad **out, size_t *n)
{
    bs_status st = BS_OK;
    bs_sp_tctx c = {.tmpl = true, .graph = {-1, -1}};
    TRY(st, parse_template_triples(p, &c));
    while (quads && bs_sp_is_word(p, "GRAPH")) {
        TRY(st, bs_sp_lex_next(p));
        if (p->t.kind == TK_VAR && p->no_vars)
            TRY(st, bs_sp_fail_at(p, &p->t, "variables are not allowed here"));
        if (p->t.kind != TK_VAR && p->t.kind != TK_IRI && p->t.kind != TK_PNAME)
            TRY(st, bs_sp_expected(p, "a variable or IRI"));
        TRY(st, parse_term(p, &c.graph));
        TRY(st, bs_sp_expect_punct(p, '{'));
        TRY(st, parse_template_triples(p, &c));
        TRY(st, bs_sp_expect_punct(p, '}'));
        c.graph = (bs_sp_tpos){-1, -1};
        if (bs_sp_is_punct(p, '.'))
            TRY(st, bs_sp_lex_next(p));
        TRY(st, parse_template_triples(p, &c));
    }
    if (!bs_sp_is_punct(p, '}'))
        TRY(st, bs_sp_expected(p, "'}'"));
    *out = c.qd;
    *n = c.nq;
    c.qd = NULL;
fail:
    bs_sp_tctx_clear(&c);
    return st;
}
