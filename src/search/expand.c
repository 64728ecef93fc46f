/* SPDX-License-Identifier: MIT
 * battstore — search expansion: is a labelled resource a class, and the
 * classes below it (rdfs:subClassOf* downward, owl:equivalentClass both
 * ways), through visible quads only. */
#include "config.h"
#include "search/query_int.h"

#include <stdlib.h>
#include <string.h>

bool bs_qis_class(bs_qctx *c, bs_id cls)
{
    uint32_t *e = bs_idmap_get(&c->class_cache, cls);
    if (e) return *e == 1;
    const bs_search_ids *ids = &c->ids;
    bool yes = false;
    if (ids->rdf_type && bs_id_kind(cls) != BS_TERM_LITERAL) {
        if (c->owl_class) yes = bs_qexists(c, cls, ids->rdf_type, c->owl_class);
        if (!yes && c->rdfs_class)
            yes = bs_qexists(c, cls, ids->rdf_type, c->rdfs_class);
    }
    if (!yes && ids->rdfs_subclass)
        yes = bs_qexists(c, cls, ids->rdfs_subclass, BS_ANY);
    (void)bs_idmap_put(&c->class_cache, cls, yes ? 1 : 2);
    return yes;
}

typedef struct {
    bs_id *v;
    size_t n, cap, head;
} queue;

static bs_status enqueue(queue *q, bs_idset *set, bs_id id, uint32_t val)
{
    if (!id || bs_idmap_get(set, id)) return BS_OK;
    if (set->n >= BS_Q_MAX_CLOSURE) return BS_OK;
    bs_status st = bs_idmap_put(set, id, val);
    if (st != BS_OK) return st;
    if (q->n == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 64;
        bs_id *v = realloc(q->v, cap * sizeof *v);
        if (!v) return BS_ERR_NOMEM;
        q->v = v;
        q->cap = cap;
    }
    q->v[q->n++] = id;
    return BS_OK;
}

/* Enqueue the visible neighbours of cls through pred: subjects of
 * {?, pred, cls} (want_subject) or objects of {cls, pred, ?}. */
static bs_status neighbours(bs_qctx *c, queue *q, bs_idset *set, bs_id cls,
                            bs_id pred, bool want_subject, uint32_t val)
{
    if (!pred) return BS_OK;
    bs_quad pat = want_subject ? (bs_quad){ BS_ANY, pred, cls, BS_ANY }
                               : (bs_quad){ cls, pred, BS_ANY, BS_ANY };
    bs_quad x;
    bs_iter *it;
    bs_status st = bs_qctx_iter(c, &pat, &it);
    if (st != BS_OK) return st;
    while ((st = bs_iter_next(it, &x)) == BS_OK) {
        if (!bs_qvis_ok(&c->vis, c->txn, x.g)) continue;
        bs_id n = want_subject ? x.s : x.o;
        if (bs_id_kind(n) == BS_TERM_LITERAL) continue;
        if ((st = enqueue(q, set, n, val)) != BS_OK) break;
    }
    return st == BS_END ? BS_OK : st;
}

bs_status bs_qclass_closure(bs_qctx *c, bs_id cls, bs_idset *set, uint32_t val)
{
    const bs_search_ids *ids = &c->ids;
    queue q = { 0 };
    bs_status st;
    TRY(st, enqueue(&q, set, cls, val));
    while (q.head < q.n) {
        bs_id x = q.v[q.head++];
        TRY(st, bs_qclock_check(&c->clock));
        TRY(st, neighbours(c, &q, set, x, ids->rdfs_subclass, true, val));
        TRY(st, neighbours(c, &q, set, x, ids->owl_equivalent, true, val));
        TRY(st, neighbours(c, &q, set, x, ids->owl_equivalent, false, val));
    }
fail:
    free(q.v);
    return st;
}
