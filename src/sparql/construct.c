/* SPDX-License-Identifier: MIT
 * battstore — CONSTRUCT templates (§16.2) and DESCRIBE (concise bounded
 * descriptions), streamed as distinct triples of ids. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include "sparql/path_set.h"
#include "sparql/sparql_int.h"

/* ======================================================================
 * Instantiating templates
 * ====================================================================== */

/* The blank nodes of one instantiation: a template blank node (a BNODE
 * constant, or a hidden variable the row leaves unbound) is a fresh node
 * per call, the same one wherever its label recurs within the call. */
typedef struct {
    int *key;   ///< cid (>= 0) or -1 - slot
    bs_id *id;
    size_t n, cap;
    int key0[32]; ///< inline room for the usual small template
    bs_id id0[32];
} bnmap;

static bs_status bnmap_grow(bnmap *m)
{
    size_t cap = 2 * m->cap;
    int *k = malloc(cap * sizeof *k);
    bs_id *v = malloc(cap * sizeof *v);
    if (!k || !v) {
        free(k);
        free(v);
        return BS_ERR_NOMEM;
    }
    memcpy(k, m->key, m->n * sizeof *k);
    memcpy(v, m->id, m->n * sizeof *v);
    if (m->key != m->key0) free(m->key), free(m->id);
    m->key = k;
    m->id = v;
    m->cap = cap;
    return BS_OK;
}

static bs_status fresh_for(bs_sp_exec *ex, bnmap *m, int key, bs_id *out)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->key[i] == key) {
            *out = m->id[i];
            return BS_OK;
        }
    bs_status st = m->n == m->cap ? bnmap_grow(m) : BS_OK;
    if (st == BS_OK) st = bs_sp_fresh_bnode(ex, out);
    if (st == BS_OK) {
        m->key[m->n] = key;
        m->id[m->n++] = *out;
    }
    return st;
}

/// The id at a template position for row; 0 = unbound (no triple).
static bs_status resolve(bs_sp_exec *ex, const bs_sparql *q, bs_sp_tpos pos,
                         const bs_id *row, bnmap *m, bs_id *out)
{
    *out = 0;
    if (pos.var >= 0) {
        if (row && row[pos.var]) *out = row[pos.var];
        else if (q && (size_t)pos.var < q->nvars && q->vars[pos.var].hidden)
            return fresh_for(ex, m, -1 - pos.var, out);
        return BS_OK;
    }
    if (pos.cid >= 0) {
        if (q && (size_t)pos.cid < q->nconsts && q->consts[pos.cid].kind == BS_TERM_BNODE)
            return fresh_for(ex, m, pos.cid, out);
        *out = bs_sp_const_id(ex, pos.cid);
        return BS_OK;
    }
    *out = BS_DEFAULT_GRAPH; // "none": only a graph position can be none
    return BS_OK;
}

/// §16.2: subjects are IRIs or blank nodes, predicates IRIs, graphs IRIs.
static bool well_formed(const bs_quad *t, bool default_graph)
{
    bs_term_kind ks = bs_id_kind(t->s);
    if (!t->s || !t->p || !t->o) return false;
    if (ks != BS_TERM_IRI && ks != BS_TERM_BNODE) return false;
    if (bs_id_kind(t->p) != BS_TERM_IRI) return false;
    return default_graph || bs_id_kind(t->g) == BS_TERM_IRI;
}

bs_status bs_sp_instantiate(bs_sp_exec *ex, const bs_sp_quad *tpl,
                            size_t n, const bs_id *row,
                            bs_status (*fn)(void *ctx, const bs_quad *q),
                            void *ctx)
{
    const bs_sparql *q = bs_sp_exec_query(ex);
    bnmap m;
    bs_status st = BS_OK;
    m.key = m.key0, m.id = m.id0, m.n = 0, m.cap = 32;
    for (size_t i = 0; i < n; i++) {
        bs_quad t;
        const bs_sp_quad *x = &tpl[i];
        TRY(st, resolve(ex, q, x->s, row, &m, &t.s));
        TRY(st, resolve(ex, q, x->p, row, &m, &t.p));
        TRY(st, resolve(ex, q, x->o, row, &m, &t.o));
        bool dflt = x->g.var < 0 && x->g.cid < 0;
        TRY(st, resolve(ex, q, x->g, row, &m, &t.g));
        if (!well_formed(&t, dflt)) continue;
        TRY(st, fn(ctx, &t));
    }
fail:
    if (m.key != m.key0) free(m.key), free(m.id);
    return st;
}

/* ======================================================================
 * Triple streams
 * ====================================================================== */

struct bs_sp_triples {
    bs_status (*next)(bs_sp_triples *t, bs_id out[3]);
    void (*free)(bs_sp_triples *t);
    bs_sp_exec *ex;
    bs_sp_iter *solutions; ///< owned
    bs_id *row;            ///< nvars
    bs_sp_idvec pending;   ///< CONSTRUCT: new triples of the current row (3 ids each)
    size_t pi;
    bs_sp_triset seen;     ///< CONSTRUCT: every triple given
    bs_sp_idvec queue;     ///< DESCRIBE: resources and blank nodes to describe
    size_t qi;
    bs_sp_idset described; ///< DESCRIBE: nodes queued once
    bs_sp_scan *scan;      ///< DESCRIBE: the current node's triples
};

bs_status bs_sp_triples_next(bs_sp_triples *t, bs_id out[3])
{
    return t->next(t, out);
}

void bs_sp_triples_free(bs_sp_triples *t)
{
    if (!t) return;
    if (t->solutions) t->solutions->free(t->solutions);
    bs_sp_scan_free(t->scan);
    bs_sp_idvec_done(&t->pending);
    bs_sp_triset_done(&t->seen);
    bs_sp_idvec_done(&t->queue);
    bs_sp_idset_done(&t->described);
    free(t->row);
    free(t);
}

static bs_status triples_alloc(bs_sp_exec *ex, bs_sp_iter *solutions,
                               bs_sp_triples **out)
{
    const bs_sparql *q = bs_sp_exec_query(ex);
    size_t nvars = q ? q->nvars : 0;
    bs_sp_triples *t = calloc(1, sizeof *t);
    if (!t || !(t->row = calloc(nvars ? nvars : 1, sizeof(bs_id)))) {
        free(t);
        if (solutions) solutions->free(solutions);
        return BS_ERR_NOMEM;
    }
    t->ex = ex;
    t->solutions = solutions;
    bs_sp_idvec_init(&t->pending, ex);
    bs_sp_triset_init(&t->seen, ex);
    bs_sp_idvec_init(&t->queue, ex);
    bs_sp_idset_init(&t->described, ex);
    *out = t;
    return BS_OK;
}

/* ---- CONSTRUCT ---------------------------------------------------------- */

static bs_status construct_add(void *ctx, const bs_quad *qd)
{
    bs_sp_triples *t = ctx;
    bs_id tr[3] = { qd->s, qd->p, qd->o };
    bool added;
    bs_status st = bs_sp_triset_add(&t->seen, tr, &added);
    for (int k = 0; st == BS_OK && added && k < 3; k++)
        st = bs_sp_idvec_push(&t->pending, tr[k]);
    return st;
}

static bs_status construct_next(bs_sp_triples *t, bs_id out[3])
{
    const bs_sparql *q = bs_sp_exec_query(t->ex);
    bs_status st;
    while (t->pi >= t->pending.n) {
        t->pending.n = t->pi = 0;
        if (!t->solutions) return BS_END;
        if ((st = t->solutions->next(t->solutions, t->row)) != BS_OK) return st;
        if ((st = bs_sp_tick(t->ex)) != BS_OK) return st;
        st = bs_sp_instantiate(t->ex, q->tmpl, q->ntmpl, t->row, construct_add, t);
        if (st != BS_OK) return st;
    }
    memcpy(out, &t->pending.v[t->pi], 3 * sizeof(bs_id));
    t->pi += 3;
    return BS_OK;
}

bs_status bs_sp_construct_new(bs_sp_exec *ex, bs_sp_iter *solutions,
                              bs_sp_triples **out)
{
    bs_status st = triples_alloc(ex, solutions, out);
    if (st == BS_OK) {
        (*out)->next = construct_next;
        (*out)->free = bs_sp_triples_free;
    }
    return st;
}

/* ---- DESCRIBE ----------------------------------------------------------- */

/// Queue a node for description (once; literals have no description).
static bs_status describe_queue(bs_sp_triples *t, bs_id id)
{
    bool added;
    bs_term_kind k = bs_id_kind(id);
    if (!id || (k != BS_TERM_IRI && k != BS_TERM_BNODE)) return BS_OK;
    bs_status st = bs_sp_idset_add(&t->described, id, &added);
    if (st == BS_OK && added) st = bs_sp_idvec_push(&t->queue, id);
    return st;
}

/* The resources named: the constants, and the values the described
 * variables (DESCRIBE *: every visible variable) take in the solutions. */
static bs_status describe_targets(bs_sp_triples *t, const bs_sparql *q)
{
    bs_status st = BS_OK;
    for (size_t i = 0; i < q->ndescribe; i++)
        if (q->describe[i].cid >= 0)
            TRY(st, describe_queue(t, bs_sp_const_id(t->ex, q->describe[i].cid)));
    if (!t->solutions) return BS_OK;
    while ((st = t->solutions->next(t->solutions, t->row)) == BS_OK) {
        TRY(st, bs_sp_tick(t->ex));
        if (q->describe_all) {
            for (size_t v = 0; v < q->nvars; v++)
                if (!q->vars[v].hidden) TRY(st, describe_queue(t, t->row[v]));
            continue;
        }
        for (size_t i = 0; i < q->ndescribe; i++)
            if (q->describe[i].var >= 0)
                TRY(st, describe_queue(t, t->row[q->describe[i].var]));
    }
    if (st == BS_END) st = BS_OK;
fail:
    return st;
}

/* The concise bounded description: every triple with the node as
 * subject in the default graph, and recursively those of the blank
 * nodes among their objects.  Each subject is described once, so each
 * triple comes once. */
static bs_status describe_next(bs_sp_triples *t, bs_id out[3])
{
    bs_status st;
    bs_quad qd;
    for (;;) {
        if (t->scan) {
            st = bs_sp_scan_next(t->scan, &qd);
            if (st == BS_OK) {
                if (bs_id_kind(qd.o) == BS_TERM_BNODE &&
                    (st = describe_queue(t, qd.o)) != BS_OK)
                    return st;
                out[0] = qd.s, out[1] = qd.p, out[2] = qd.o;
                return BS_OK;
            }
            if (st != BS_END) return st;
            bs_sp_scan_free(t->scan);
            t->scan = NULL;
        }
        if (t->qi >= t->queue.n) return BS_END;
        bs_id node = t->queue.v[t->qi++];
        if ((st = bs_sp_tick(t->ex)) != BS_OK) return st;
        if (bs_sp_is_local(node)) continue; // the store holds nothing about it
        st = bs_sp_scan_new(t->ex, BS_SP_DEFAULT_GRAPH, node, BS_ANY, BS_ANY, &t->scan);
        if (st != BS_OK) return st;
    }
}

bs_status bs_sp_describe_new(bs_sp_exec *ex, bs_sp_iter *solutions,
                             bs_sp_triples **out)
{
    const bs_sparql *q = bs_sp_exec_query(ex);
    bs_status st = triples_alloc(ex, solutions, out);
    if (st != BS_OK) return st;
    (*out)->next = describe_next;
    (*out)->free = bs_sp_triples_free;
    if (q && (st = describe_targets(*out, q)) != BS_OK) {
        bs_sp_triples_free(*out);
        *out = NULL;
    }
    return st;
}
