/* SPDX-License-Identifier: MIT
 * battstore — search's cached path: a group's literals and classes
 * resolved to resources through the snapshot cache (qcache.c) instead of
 * an index seek per literal and class.  Same rules as query.c's seeks
 * (visible quads of indexed predicates, classes named by short labels,
 * the least graph, ties broken by ids), but no budget: every match is
 * visited, so totals and facets are exact. */
#include "config.h"
#include "search/qres.h"

#include <stdlib.h>
#include <string.h>

bool bs_qc_visible(bs_qctx *c, const bs_qcache *qc, int8_t *gvis, uint16_t gi)
{
    if (!gvis[gi]) gvis[gi] = bs_qvis_ok(&c->vis, c->txn, qc->graphs[gi]) ? 1 : -1;
    return gvis[gi] > 0;
}

/* Per thread, the subject → candidate array of its last query, kept
 * (zeroed again by bs_qfast_done) so that a query does not fault in a
 * fresh array of every subject. */
static __thread uint32_t *tl_slot;
static __thread size_t tl_cap;
static pthread_key_t tl_key;          ///< frees a thread's array at its exit
static pthread_once_t tl_once = PTHREAD_ONCE_INIT;

static void tl_key_make(void) { (void)pthread_key_create(&tl_key, free); }

bs_status bs_qfast_init(bs_qrun *r)
{
    const bs_qcache *qc = r->qc;
    size_t n = qc->nsubj ? qc->nsubj : 1;
    r->gvis = calloc(qc->ngraphs ? qc->ngraphs : 1, sizeof *r->gvis);
    if (!r->gvis) return BS_ERR_NOMEM;
    if (tl_cap < n) {
        free(tl_slot);
        tl_cap = 0;
        tl_slot = calloc(n, sizeof *tl_slot);
        if (!tl_slot) return BS_ERR_NOMEM;
        tl_cap = n;
        pthread_once(&tl_once, tl_key_make);
        (void)pthread_setspecific(tl_key, tl_slot);
    }
    r->slot = tl_slot;   /* borrowed; bs_qfast_done zeroes what it set */
    return BS_OK;
}

void bs_qfast_done(bs_qrun *r)
{
    if (!r->slot) return;
    for (size_t i = 0; i < r->rs.n; i++)
        if (r->rs.res[i].sidx != BS_QRES_NO_SIDX) r->slot[r->rs.res[i].sidx] = 0;
    r->slot = NULL;
}

/* The candidate of cached entry e (create: add it); BS_NOT_FOUND. */
static bs_status cand(bs_qrun *r, const bs_qc_ent *e, bool create, size_t *idx)
{
    bs_id g = r->qc->graphs[e->graph];
    uint32_t si = e->subj;
    if (r->slot[si]) {
        *idx = r->slot[si] - 1;
        if (g < r->rs.res[*idx].graph) r->rs.res[*idx].graph = g;
        return BS_OK;
    }
    if (!create) return BS_NOT_FOUND;
    bs_status st = bs_qres_append(&r->rs, e->subj_id, g, idx);
    if (st != BS_OK) return st;
    r->rs.res[*idx].sidx = si;
    r->rs.res[*idx].prof = e->prof;
    r->slot[si] = (uint32_t)*idx + 1;
    return BS_OK;
}

/* Literal l's entries e[0..n) (group gi; gi < 0: an exclusion) → its
 * resources. */
static bs_status fast_lit(bs_qrun *r, const bs_qlit *l, const bs_qc_ent *e, size_t n, int gi,
                          bool first)
{
    const bs_qcache *qc = r->qc;
    bs_status st;
    for (size_t k = 0; k < n; k++) {
        TRY(st, bs_qclock_check(&r->c.clock));
        if (!bs_qc_visible(&r->c, qc, r->gvis, e[k].graph)) continue;
        bs_id p = qc->preds[e[k].pred];
        int field = bs_search_pred_field(r->c.s, p);
        if (gi >= 0 && bs_qrun_class_label(r, (size_t)gi, l, field) &&
            bs_qis_class(&r->c, e[k].subj_id))
            TRY(st, bs_qrun_note_class(r, e[k].subj_id, l));
        size_t idx;
        st = cand(r, &e[k], first && gi >= 0, &idx);
        if (st == BS_NOT_FOUND) continue;
        if (st != BS_OK) goto fail;
        if (gi < 0) r->rs.res[idx].excluded = true;
        else bs_qgm_direct(&r->rs.gm[idx * r->rs.ngroups + gi], l, p, field);
    }
    st = BS_OK;
fail:
    return st;
}

/* Resources linked to a class of xs (through rdf:type, dcat:theme,
 * dcterms:subject, dmp:about: the cache's class table). */
static bs_status fast_classes(bs_qrun *r, const bs_idset *xs, size_t gi, bool first)
{
    const bs_qcache *qc = r->qc;
    bs_status st = BS_OK;
    size_t more = 0;
    for (size_t k = 0; first && k < xs->cap; k++) {   /* room for all: no copies */
        size_t n = 0, at = 0;
        if (xs->keys[k]) bs_qc_lookup(&qc->classes, xs->keys[k], &at, &n);
        more += n;
    }
    if (more) TRY(st, bs_qres_reserve(&r->rs, r->rs.n + more));
    for (size_t k = 0; k < xs->cap; k++) {
        if (!xs->keys[k]) continue;
        const bs_qcm *m = &r->cm[xs->vals[k]];
        size_t n, at = 0;
        const bs_qc_ent *e = bs_qc_lookup(&qc->classes, xs->keys[k], &at, &n);
        for (size_t j = 0; j < n; j++) {
            TRY(st, bs_qclock_check(&r->c.clock));
            if (!bs_qc_visible(&r->c, qc, r->gvis, e[j].graph)) continue;
            size_t idx;
            st = cand(r, &e[j], first, &idx);
            if (st == BS_NOT_FOUND) continue;
            if (st != BS_OK) goto fail;
            bs_qgm_expand(&r->rs.gm[idx * r->rs.ngroups + gi], m, qc->preds[e[j].pred]);
        }
    }
    st = BS_OK;
fail:
    return st;
}

size_t bs_qfast_weight(const bs_qrun *r, const bs_qlits *l)
{
    size_t at = 0, sum = 0;
    for (size_t i = 0; i < l->n; i++) {
        size_t n;
        bs_qc_lookup(&r->qc->lits, l->v[i].lit, &at, &n);
        sum += n;
    }
    return sum;
}

#define AHEAD 16  ///< literals whose entries are prefetched ahead

/* Every literal of l → its resources: the entries of all literals found
 * first (one ascending pass over the keys), then visited with the
 * entries and candidate slots of the next ones prefetched (each match is
 * otherwise two cache misses on a big store). */
static bs_status group_lits(bs_qrun *r, const bs_qlits *l, int gi, bool first)
{
    const bs_qcache *qc = r->qc;
    const bs_qc_ent **ev = malloc((l->n ? l->n : 1) * sizeof *ev);
    uint32_t *nv = malloc((l->n ? l->n : 1) * sizeof *nv);
    bs_status st = ev && nv ? BS_OK : BS_ERR_NOMEM;
    size_t at = 0, total = 0;
    for (size_t i = 0; st == BS_OK && i < l->n; i++) {
        size_t n;
        ev[i] = bs_qc_lookup(&qc->lits, l->v[i].lit, &at, &n);
        nv[i] = (uint32_t)n;
        total += n;
    }
    if (st == BS_OK && first) st = bs_qres_reserve(&r->rs, total);
    for (size_t i = 0; st == BS_OK && i < l->n; i++) {
        if (i + AHEAD < l->n && nv[i + AHEAD]) __builtin_prefetch(ev[i + AHEAD]);
        if (i + AHEAD / 2 < l->n && nv[i + AHEAD / 2])
            __builtin_prefetch(&r->slot[ev[i + AHEAD / 2]->subj]);
        st = fast_lit(r, &l->v[i], ev[i], nv[i], gi, first);
    }
    free(ev);
    free(nv);
    return st;
}

bs_status bs_qfast_group(bs_qrun *r, size_t gi, bool first)
{
    bs_qlits *l = &r->lits[gi];
    bs_idset xs = { 0 };
    bs_status st = BS_OK;
    r->ncm = 0;
    if (first && l->partial) r->inexact = true;
    TRY(st, group_lits(r, l, (int)gi, first));
    if (r->expand && r->ncm) TRY(st, bs_qrun_expansion_set(r, &xs));
    if (xs.n) TRY(st, fast_classes(r, &xs, gi, first));
fail:
    bs_idmap_free(&xs);
    return st;
}

bs_status bs_qfast_exclusion(bs_qrun *r, const bs_qlits *l)
{
    return group_lits(r, l, -1, false);
}
