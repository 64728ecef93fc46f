/* SPDX-License-Identifier: MIT
 * battstore — SPARQL Update on triples (§3.1 of SPARQL 1.1 Update):
 * INSERT DATA, DELETE DATA, DELETE WHERE and DELETE/INSERT ... WHERE.
 *
 * DATA operations need no executor: their terms are the request's
 * constants (looked up for DELETE, interned for INSERT), and the blank
 * nodes of INSERT DATA (BNODE constants of the parse; variable slots are
 * taken the same way) become fresh blank nodes, one per label per
 * operation.
 *
 * MODIFY evaluates its WHERE completely first (the rows are kept), then
 * deletes every instantiated DELETE quad, then inserts every INSERT
 * quad, as §3.1.3 says.  Rows hold the executor's ids: store ids, and
 * query-local ones (BS_SP_LOCAL) for terms the store did not hold when
 * they were made — computed values, fresh blank nodes — which are
 * interned into the store before their quad is added (fresh blank nodes
 * get a new label each: bs_sp_upd_bnode). */
#include "config.h"
#include "sparql/update_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- a growable array of quads ------------------------------------------ */

typedef struct {
    bs_quad *v;
    size_t n, cap;
} quadvec;

static bs_status quadvec_push(void *ctx, const bs_quad *q)
{
    quadvec *qv = ctx;
    if (qv->n == qv->cap) {
        size_t nc = qv->cap ? qv->cap * 2 : 64;
        bs_quad *nv = realloc(qv->v, nc * sizeof *nv);
        if (!nv) return BS_ERR_NOMEM;
        qv->v = nv;
        qv->cap = nc;
    }
    qv->v[qv->n++] = *q;
    return BS_OK;
}

/* A quad the store can hold: subject IRI or blank, predicate IRI, graph
 * an IRI or the default graph. */
static bool well_formed(const bs_quad *q)
{
    bs_term_kind s = bs_id_kind(q->s);
    return (s == BS_TERM_IRI || s == BS_TERM_BNODE) && bs_id_kind(q->p) == BS_TERM_IRI &&
           q->o != 0 && (q->g == BS_DEFAULT_GRAPH || bs_id_kind(q->g) == BS_TERM_IRI);
}

static bs_status add_quad(bs_sp_upd *u, const bs_quad *q)
{
    bool added = false;
    bs_status st = bs_sp_upd_writable(u, q->g);
    if (st == BS_OK) st = bs_quad_add(u->txn, q, &added);
    u->stats.inserted += added;
    return st;
}

static bs_status remove_quad(bs_sp_upd *u, const bs_quad *q)
{
    bool removed = false;
    bs_status st = bs_sp_upd_writable(u, q->g);
    if (st == BS_OK) st = bs_quad_remove(u->txn, q, &removed);
    u->stats.deleted += removed;
    return st;
}

/* ---- INSERT DATA / DELETE DATA --------------------------------------------- */

/* Ids already resolved in this operation: per constant, per blank node
 * slot.  0 = not yet, BS_ANY = not in the store. */
typedef struct {
    bs_id *cid, *var;
} data_ids;

static bs_status data_ids_new(bs_sp_upd *u, data_ids *d)
{
    d->cid = calloc(u->req->nconsts + 1, sizeof *d->cid);
    d->var = calloc(u->req->nvars + 1, sizeof *d->var);
    return d->cid && d->var ? BS_OK : BS_ERR_NOMEM;
}

static void data_ids_free(data_ids *d)
{
    free(d->cid);
    free(d->var);
}

/* The id of one position of a DATA quad; insert: interned (a blank node
 * made fresh), else looked up (BS_ANY when the store lacks it). */
static bs_status data_pos(bs_sp_upd *u, data_ids *d, bs_sp_tpos p, bool insert, bs_id *out)
{
    bs_status st = BS_OK;
    if (p.cid >= 0 && u->req->consts[p.cid].kind == BS_TERM_BNODE) {
        /* the parser makes a template's blank node a constant */
        if (!insert) return bs_sp_upd_fail(u, "blank nodes are not allowed here");
        if (!d->cid[p.cid]) st = bs_sp_upd_bnode(u, &d->cid[p.cid]);
        *out = d->cid[p.cid];
    } else if (p.cid >= 0) {
        if (!d->cid[p.cid]) {
            bs_term t = bs_sp_upd_const(u, p.cid);
            st = insert ? bs_dict_intern(u->txn, &t, &d->cid[p.cid])
                        : bs_dict_lookup(u->txn, &t, &d->cid[p.cid]);
            if (st == BS_NOT_FOUND) d->cid[p.cid] = BS_ANY, st = BS_OK;
        }
        *out = d->cid[p.cid];
    } else if (p.var >= 0) {
        if (!insert) return bs_sp_upd_fail(u, "blank nodes and variables are not allowed here");
        if (!d->var[p.var]) st = bs_sp_upd_bnode(u, &d->var[p.var]);
        *out = d->var[p.var];
    } else {
        *out = BS_DEFAULT_GRAPH; /* a graph of none: the default graph */
    }
    return st;
}

static bs_status data_quad(bs_sp_upd *u, data_ids *d, const bs_sp_quad *t, bool insert,
                           bs_quad *q)
{
    bs_status st;
    TRY(st, data_pos(u, d, t->s, insert, &q->s));
    TRY(st, data_pos(u, d, t->p, insert, &q->p));
    TRY(st, data_pos(u, d, t->o, insert, &q->o));
    TRY(st, data_pos(u, d, t->g, insert, &q->g));
fail:
    return st;
}

bs_status bs_sp_upd_insert_data(bs_sp_upd *u, const bs_sp_update_op *op)
{
    data_ids d;
    bs_status st;
    TRY(st, data_ids_new(u, &d));
    for (size_t i = 0; i < op->nins; i++) {
        bs_quad q;
        TRY(st, data_quad(u, &d, &op->ins[i], true, &q));
        if (!well_formed(&q)) {
            st = bs_sp_upd_fail(u, "quad %zu is not well-formed RDF", i + 1);
            goto fail;
        }
        TRY(st, add_quad(u, &q));
    }
fail:
    data_ids_free(&d);
    return st;
}

bs_status bs_sp_upd_delete_data(bs_sp_upd *u, const bs_sp_update_op *op)
{
    data_ids d;
    bs_status st;
    TRY(st, data_ids_new(u, &d));
    for (size_t i = 0; i < op->ndel; i++) {
        bs_quad q;
        TRY(st, data_quad(u, &d, &op->del[i], false, &q));
        if (q.s == BS_ANY || q.p == BS_ANY || q.o == BS_ANY || q.g == BS_ANY) continue;
        TRY(st, remove_quad(u, &q));
    }
fail:
    data_ids_free(&d);
    return st;
}

/* ---- local ids to store ids ---------------------------------------------- */

/* Open addressing map local id -> store id (key 0 = empty slot). */
typedef struct {
    bs_id *key, *val;
    size_t cap, used;
} idmap;

static bs_id *idmap_slot(const idmap *m, bs_id k)
{
    size_t i = (size_t)((k * 0x9E3779B97F4A7C15ull) >> 20) & (m->cap - 1);
    while (m->key[i] && m->key[i] != k) i = (i + 1) & (m->cap - 1);
    return &m->key[i];
}

static bs_status idmap_put(idmap *m, bs_id k, bs_id v)
{
    if (2 * (m->used + 1) > m->cap) {
        idmap old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->key = calloc(m->cap, sizeof *m->key);
        m->val = calloc(m->cap, sizeof *m->val);
        if (!m->key || !m->val) {
            free(m->key);
            free(m->val);
            *m = old;
            return BS_ERR_NOMEM;
        }
        m->used = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.key[i]) idmap_put(m, old.key[i], old.val[i]);
        free(old.key);
        free(old.val);
    }
    bs_id *slot = idmap_slot(m, k);
    if (!*slot) m->used++;
    *slot = k;
    m->val[slot - m->key] = v;
    return BS_OK;
}

static bool idmap_get(const idmap *m, bs_id k, bs_id *v)
{
    if (!m->cap) return false;
    bs_id *slot = idmap_slot(m, k);
    if (!*slot) return false;
    *v = m->val[slot - m->key];
    return true;
}

/* The store id of an executor id; insert: interned (fresh blank nodes
 * get a new label), else looked up: BS_ANY when the store lacks it. */
static bs_status store_id(bs_sp_upd *u, bs_sp_exec *ex, idmap *m, bs_id id, bool insert,
                          bs_id *out)
{
    bs_term t;
    bs_status st;
    *out = id;
    if (!bs_sp_is_local(id) || idmap_get(m, id, out)) return BS_OK;
    if (bs_id_kind(id) == BS_TERM_BNODE) {
        if (!insert) return (*out = BS_ANY, BS_OK);
        st = bs_sp_upd_bnode(u, out);
    } else {
        TRY(st, bs_sp_term(ex, id, &t));
        st = insert ? bs_dict_intern(u->txn, &t, out) : bs_dict_lookup(u->txn, &t, out);
        if (st == BS_NOT_FOUND) return (*out = BS_ANY, BS_OK);
    }
    if (st == BS_OK) st = idmap_put(m, id, *out);
fail:
    return st;
}

/* ---- DELETE WHERE / MODIFY ------------------------------------------------- */

/* The state of one MODIFY. */
typedef struct {
    bs_sp_upd *u;
    const bs_sp_update_op *op;
    bs_sp_exec *ex;
    bs_id *rows;   /* nrows × width ids */
    size_t nrows, width;
    bs_id with;    /* WITH graph for templates, else the default graph */
    quadvec qv;
    idmap map;
} modify;

/* Graph ids of USING / USING NAMED IRIs that exist (others add nothing). */
static bs_status using_ids(bs_sp_upd *u, const int *cids, size_t n, bs_id *out, size_t *nout)
{
    bs_status st = BS_OK;
    *nout = 0;
    for (size_t i = 0; i < n; i++) {
        bs_id g;
        bool exists = false;
        st = bs_sp_upd_lookup(u, cids[i], &g);
        if (st == BS_NOT_FOUND) continue;
        if (st == BS_OK) st = bs_sp_upd_exists(u, g, &exists);
        if (st != BS_OK) return st;
        if (exists) out[(*nout)++] = g;
    }
    return st;
}

/* The WHERE's dataset: USING / USING NAMED, else the protocol's
 * using-graph-uri (already in the exec), else WITH, else the request's
 * default dataset. */
static bs_status modify_dataset(modify *m)
{
    bs_sp_upd *u = m->u;
    const bs_sp_update_op *op = m->op;
    bs_status st = BS_OK;
    if (op->nusing || op->nusing_named) {
        size_t nd, nn;
        bs_id *ids = malloc((op->nusing + op->nusing_named + 1) * sizeof *ids);
        if (!ids) return BS_ERR_NOMEM;
        st = using_ids(u, op->using_, op->nusing, ids, &nd);
        if (st == BS_OK) st = using_ids(u, op->using_named, op->nusing_named, ids + nd, &nn);
        if (st == BS_OK) st = bs_sp_exec_set_dataset(m->ex, ids, nd, ids + nd, nn, false);
        free(ids);
        return st;
    }
    if (u->opts->n_default || u->opts->n_named || op->with < 0) return BS_OK;
    bs_id g;
    bool exists = false;
    st = bs_sp_upd_lookup(u, op->with, &g);
    if (st == BS_OK) st = bs_sp_upd_exists(u, g, &exists);
    else if (st == BS_NOT_FOUND) st = BS_OK;
    if (st != BS_OK) return st;
    return bs_sp_exec_set_dataset(m->ex, &g, exists ? 1 : 0, NULL, 0, true);
}

/* Every solution of the WHERE, kept before anything is written. */
static bs_status eval_where(modify *m)
{
    bs_sp_iter *it = NULL;
    size_t cap = 0;
    bs_status st;
    if (!m->op->where) return bs_sp_upd_fail(m->u, "no WHERE pattern");
    TRY(st, bs_sp_eval(m->ex, m->op->where, BS_SP_DEFAULT_GRAPH, NULL, &it));
    for (;;) {
        if (m->nrows == cap) {
            size_t nc = cap ? cap * 2 : 64;
            bs_id *nv = realloc(m->rows, nc * m->width * sizeof *nv);
            if (!nv) {
                st = BS_ERR_NOMEM;
                goto fail;
            }
            m->rows = nv;
            cap = nc;
        }
        bs_id *row = m->rows + m->nrows * m->width;
        memset(row, 0, m->width * sizeof *row);
        if ((st = it->next(it, row)) != BS_OK) break;
        m->nrows++;
    }
    if (st == BS_END) st = BS_OK;
fail:
    if (it) it->free(it);
    return st;
}

/* Instantiate templates for one row and delete or insert the quads. */
static bs_status apply_row(modify *m, const bs_sp_quad *tpl, size_t n, const bs_id *row,
                           bool insert)
{
    bs_status st;
    m->qv.n = 0;
    TRY(st, bs_sp_instantiate(m->ex, tpl, n, row, quadvec_push, &m->qv));
    for (size_t i = 0; i < m->qv.n; i++) {
        bs_quad q = m->qv.v[i];
        if (q.g == BS_DEFAULT_GRAPH) q.g = m->with;
        TRY(st, store_id(m->u, m->ex, &m->map, q.s, insert, &q.s));
        TRY(st, store_id(m->u, m->ex, &m->map, q.p, insert, &q.p));
        TRY(st, store_id(m->u, m->ex, &m->map, q.o, insert, &q.o));
        TRY(st, store_id(m->u, m->ex, &m->map, q.g, insert, &q.g));
        if (q.s == BS_ANY || q.p == BS_ANY || q.o == BS_ANY || q.g == BS_ANY) continue;
        if (!well_formed(&q)) continue;
        TRY(st, insert ? add_quad(m->u, &q) : remove_quad(m->u, &q));
    }
fail:
    return st;
}

/* The graph of templates' quads outside GRAPH: WITH's, else the
 * default graph (interned only when something is inserted). */
static bs_status template_graph(modify *m)
{
    m->with = BS_DEFAULT_GRAPH;
    if (m->op->with < 0) return BS_OK;
    bs_term t = bs_sp_upd_const(m->u, m->op->with);
    if (m->op->nins) return bs_dict_intern(m->u->txn, &t, &m->with);
    bs_status st = bs_dict_lookup(m->u->txn, &t, &m->with);
    if (st == BS_NOT_FOUND) m->with = BS_ANY, st = BS_OK;
    return st;
}

bs_status bs_sp_upd_modify(bs_sp_upd *u, const bs_sp_update_op *op)
{
    modify m = {.u = u, .op = op, .width = u->req->nvars ? u->req->nvars : 1};
    bs_status st;
    TRY(st, bs_sp_exec_new(u->txn, u->req, u->opts, &m.ex));
    TRY(st, modify_dataset(&m));
    TRY(st, eval_where(&m));
    TRY(st, template_graph(&m));
    for (size_t r = 0; r < m.nrows && op->ndel; r++)
        TRY(st, apply_row(&m, op->del, op->ndel, m.rows + r * m.width, false));
    for (size_t r = 0; r < m.nrows && op->nins; r++)
        TRY(st, apply_row(&m, op->ins, op->nins, m.rows + r * m.width, true));
fail:
    if (st != BS_OK && m.ex && !u->msg && bs_sp_exec_errmsg(m.ex))
        bs_sp_upd_fail(u, "%s", bs_sp_exec_errmsg(m.ex)), u->semantic = false;
    bs_sp_exec_free(m.ex);
    free(m.rows);
    free(m.qv.v);
    free(m.map.key);
    free(m.map.val);
    return st;
}
