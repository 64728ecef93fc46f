/* SPDX-License-Identifier: MIT
 * battstore — SPARQL 1.1 Update requests: each operation into a
 * bs_sp_update_op (graph management, DATA, DELETE WHERE, Modify). */
#include "config.h"
#include "sparql/parse_int.h"

#include <stdlib.h>
#include <string.h>

static bs_status iri_cid(bs_sp_parser *p, int *cid)
{
    bs_status st;
    if (p->t.kind != TK_IRI && p->t.kind != TK_PNAME)
        return bs_sp_expected(p, "an IRI");
    TRY(st, bs_sp_iri_const(p, cid));
    st = bs_sp_lex_next(p);
fail:
    return st;
}

static bs_status silent(bs_sp_parser *p, bs_sp_update_op *op)
{
    bs_status st = BS_OK;
    if (bs_sp_accept_word(p, "SILENT", &st))
        op->silent = true;
    return st;
}

/// GraphRef ('GRAPH' iri), and with all: DEFAULT | NAMED | ALL.
static bs_status graph_ref(bs_sp_parser *p, bs_sp_gref *g, bool all)
{
    bs_status st = BS_OK;
    if (all && bs_sp_accept_word(p, "DEFAULT", &st))
        g->kind = BS_GREF_DEFAULT;
    else if (all && bs_sp_accept_word(p, "NAMED", &st))
        g->kind = BS_GREF_NAMED;
    else if (all && bs_sp_accept_word(p, "ALL", &st))
        g->kind = BS_GREF_ALL;
    else if (bs_sp_accept_word(p, "GRAPH", &st)) {
        TRY(st, st);
        g->kind = BS_GREF_IRI;
        return iri_cid(p, &g->cid);
    } else
        return bs_sp_expected(p, all ? "GRAPH, DEFAULT, NAMED or ALL" : "'GRAPH'");
fail:
    return st;
}

/// GraphOrDefault: DEFAULT | GRAPH? iri
static bs_status graph_or_default(bs_sp_parser *p, bs_sp_gref *g)
{
    bs_status st = BS_OK;
    if (bs_sp_accept_word(p, "DEFAULT", &st)) {
        g->kind = BS_GREF_DEFAULT;
        return st;
    }
    if (bs_sp_accept_word(p, "GRAPH", &st))
        TRY(st, st);
    g->kind = BS_GREF_IRI;
    st = iri_cid(p, &g->cid);
fail:
    return st;
}

/** '{' Quads '}'.  Blank node labels of DATA must not recur in another
 *  operation of the request; those of an INSERT template are its own. */
static bs_status quad_block(bs_sp_parser *p, bs_sp_quad **out, size_t *n, bool data,
                            bool bnodes)
{
    bs_status st = BS_OK;
    bs_sp_labels labels = p->tlabels;
    TRY(st, bs_sp_expect_punct(p, '{'));
    if (!data)
        memset(&p->tlabels, 0, sizeof p->tlabels);
    p->no_vars = data;
    p->no_bnodes = !bnodes;
    p->bnodes_are_consts = true;
    st = bs_sp_parse_quads(p, true, out, n);
    p->no_vars = p->no_bnodes = p->bnodes_are_consts = false;
    if (!data) {
        bs_sp_labels_free(&p->tlabels);
        p->tlabels = labels;
    }
    TRY(st, st);
    st = bs_sp_lex_next(p);
fail:
    return st;
}

/// DELETE WHERE: the quads as a pattern (BGPs, GRAPH blocks), joined.
static bs_status quads_pattern(const bs_sp_quad *qd, size_t n, bs_sp_node **out)
{
    bs_sp_node *g = NULL;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && qd[j].g.var == qd[i].g.var && qd[j].g.cid == qd[i].g.cid)
            j++;
        bs_sp_node *bgp = bs_sp_node_new(BS_OP_BGP), *part = bgp;
        if (bgp && !(bgp->triples = malloc((j - i) * sizeof *bgp->triples))) {
            free(bgp);
            bgp = part = NULL;
        }
        if (bgp) {
            for (size_t k = i; k < j; k++)
                bgp->triples[bgp->ntriples++] = (bs_sp_triple){qd[k].s, qd[k].p, qd[k].o};
            if (qd[i].g.var >= 0 || qd[i].g.cid >= 0) {
                if ((part = bs_sp_node_new(BS_OP_GRAPH))) {
                    part->a = bgp;
                    part->graph = qd[i].g;
                } else {
                    bs_sp_node_free(bgp);
                }
            }
        }
        if (!part || !(g = bs_sp_join(g, part))) {
            bs_sp_node_free(g);
            return BS_ERR_NOMEM;
        }
        i = j;
    }
    *out = g ? g : bs_sp_node_new(BS_OP_BGP);
    return *out ? BS_OK : BS_ERR_NOMEM;
}

static bs_status push_cid(int **arr, size_t *n, int cid)
{
    int *na = realloc(*arr, (*n + 1) * sizeof *na);
    if (!na)
        return BS_ERR_NOMEM;
    na[(*n)++] = cid;
    *arr = na;
    return BS_OK;
}

/// [WITH iri] DELETE {..} [INSERT {..}] | INSERT {..}, USING.., WHERE group
static bs_status modify(bs_sp_parser *p, bs_sp_update_op *op, bool deleting)
{
    bs_status st = BS_OK;
    op->kind = BS_UP_MODIFY;
    if (deleting) {
        TRY(st, quad_block(p, &op->del, &op->ndel, false, false));
        if (bs_sp_accept_word(p, "INSERT", &st)) {
            TRY(st, st);
            TRY(st, quad_block(p, &op->ins, &op->nins, false, true));
        }
    } else {
        TRY(st, quad_block(p, &op->ins, &op->nins, false, true));
    }
    TRY(st, st);
    while (bs_sp_accept_word(p, "USING", &st)) {
        TRY(st, st);
        bool named = bs_sp_accept_word(p, "NAMED", &st);
        int cid;
        TRY(st, st);
        TRY(st, iri_cid(p, &cid));
        if (named)
            TRY(st, push_cid(&op->using_named, &op->nusing_named, cid));
        else
            TRY(st, push_cid(&op->using_, &op->nusing, cid));
    }
    TRY(st, st);
    TRY(st, bs_sp_expect_word(p, "WHERE"));
    TRY(st, bs_sp_parse_group(p, &op->where));
fail:
    return st;
}

static bs_status delete_op(bs_sp_parser *p, bs_sp_update_op *op)
{
    bs_status st = BS_OK;
    if (bs_sp_accept_word(p, "DATA", &st)) {
        TRY(st, st);
        op->kind = BS_UP_DELETE_DATA;
        return quad_block(p, &op->del, &op->ndel, true, false);
    }
    if (bs_sp_accept_word(p, "WHERE", &st)) {
        TRY(st, st);
        op->kind = BS_UP_DELETE_WHERE;
        TRY(st, quad_block(p, &op->del, &op->ndel, false, false));
        return quads_pattern(op->del, op->ndel, &op->where);
    }
    TRY(st, st);
    return modify(p, op, true);
fail:
    return st;
}

static bs_status graph_op(bs_sp_parser *p, bs_sp_update_op *op)
{
    bs_status st = BS_OK;
    static const struct { const char *kw; bs_sp_up_kind kind; } ops[] = {
        {"CLEAR", BS_UP_CLEAR}, {"DROP", BS_UP_DROP}, {"CREATE", BS_UP_CREATE},
        {"ADD", BS_UP_ADD}, {"MOVE", BS_UP_MOVE}, {"COPY", BS_UP_COPY}};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (!bs_sp_is_word(p, ops[i].kw))
            continue;
        op->kind = ops[i].kind;
        TRY(st, bs_sp_lex_next(p));
        TRY(st, silent(p, op));
        if (op->kind == BS_UP_CREATE)
            return graph_ref(p, &op->to, false);
        if (op->kind == BS_UP_CLEAR || op->kind == BS_UP_DROP)
            return graph_ref(p, &op->to, true);
        TRY(st, graph_or_default(p, &op->from));
        TRY(st, bs_sp_expect_word(p, "TO"));
        return graph_or_default(p, &op->to);
    }
    return bs_sp_expected(p, "an update operation");
fail:
    return st;
}

static bs_status operation(bs_sp_parser *p, bs_sp_update_op *op)
{
    bs_status st = BS_OK;
    op->with = op->source = -1;
    op->from.cid = op->to.cid = -1;
    p->block = ++p->nblocks;
    if (bs_sp_accept_word(p, "LOAD", &st)) {
        TRY(st, st);
        op->kind = BS_UP_LOAD;
        TRY(st, silent(p, op));
        TRY(st, iri_cid(p, &op->source));
        if (bs_sp_accept_word(p, "INTO", &st)) {
            TRY(st, st);
            TRY(st, graph_ref(p, &op->to, false));
        }
    } else if (bs_sp_accept_word(p, "INSERT", &st)) {
        TRY(st, st);
        if (bs_sp_accept_word(p, "DATA", &st)) {
            TRY(st, st);
            op->kind = BS_UP_INSERT_DATA;
            return quad_block(p, &op->ins, &op->nins, true, true);
        }
        return modify(p, op, false);
    } else if (bs_sp_accept_word(p, "DELETE", &st)) {
        TRY(st, st);
        return delete_op(p, op);
    } else if (bs_sp_accept_word(p, "WITH", &st)) {
        TRY(st, st);
        TRY(st, iri_cid(p, &op->with));
        if (bs_sp_accept_word(p, "DELETE", &st))
            return st ? st : modify(p, op, true);
        if (bs_sp_accept_word(p, "INSERT", &st))
            return st ? st : modify(p, op, false);
        return bs_sp_expected(p, "DELETE or INSERT");
    } else {
        TRY(st, graph_op(p, op));
    }
fail:
    return st;
}

bs_status bs_sp_parse_update(bs_sp_parser *p)
{
    bs_status st = BS_OK;
    bs_sparql *q = p->q;
    q->form = BS_SPARQL_UPDATE;
    for (;;) {
        TRY(st, bs_sp_parse_prologue(p));
        if (p->t.kind == TK_EOF)
            break;
        bs_sp_update_op *no = realloc(q->ops, (q->nops + 1) * sizeof *no);
        if (!no)
            return BS_ERR_NOMEM;
        q->ops = no;
        memset(&no[q->nops], 0, sizeof *no);
        q->nops++;
        TRY(st, operation(p, &no[q->nops - 1]));
        if (p->t.kind == TK_EOF)
            break;
        TRY(st, bs_sp_expect_punct(p, ';'));
    }
fail:
    return st;
}
