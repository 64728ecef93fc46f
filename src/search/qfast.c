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

bs_status bs_qfast_init(bs_qrun *r)
{
    const bs_qcache *qc = r->qc;
    r->gvis = calloc(qc->ngraphs ? qc->ngraphs : 1, sizeof *r->gvis);
    r->slot = calloc(qc->nsubj ? qc->nsubj : 1, sizeof *r->slot);
    return r->gvis && r->slot ? BS_OK : BS_ERR_NOMEM;
}

/* The candidate of cached subject si (create: add it); BS_NOT_FOUND. */
static bs_status cand(bs_qrun *r, uint32_t si, uint16_t gi, bool create, size_t *idx)
{
    bs_id g = r->qc->graphs[gi];
    if (r->slot[si]) {
        *idx = r->slot[si] - 1;
        if (g < r->rs.res[*idx].graph) r->rs.res[*idx].graph = g;
        return BS_OK;
    }
    if (!create) return BS_NOT_FOUND;
    bs_status st = bs_qres_append(&r->rs, r->qc->subj[si], g, idx);
    if (st != BS_OK) return st;
    r->rs.res[*idx].sidx = si;
    r->slot[si] = (uint32_t)*idx + 1;
    return BS_OK;
}

/* Literal l of group gi (gi < 0: an exclusion) → its resources. */
static bs_status fast_lit(bs_qrun *r, const bs_qlit *l, int gi, bool first)
{
    const bs_qcache *qc = r->qc;
    size_t n;
    const bs_qc_ent *e = bs_qc_lookup(&qc->lits, l->lit, &n);
    bs_status st;
    for (size_t k = 0; k < n; k++) {
        TRY(st, bs_qclock_check(&r->c.clock));
        if (!bs_qc_visible(&r->c, qc, r->gvis, e[k].graph)) continue;
        bs_id p = qc->preds[e[k].pred];
        int field = bs_search_pred_field(r->c.s, p);
        if (gi >= 0 && bs_qrun_class_label(r, (size_t)gi, l, field) &&
            bs_qis_class(&r->c, qc->subj[e[k].subj]))
            TRY(st, bs_qrun_note_class(r, qc->subj[e[k].subj], l));
        size_t idx;
        st = cand(r, e[k].subj, e[k].graph, first && gi >= 0, &idx);
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
    for (size_t k = 0; k < xs->cap; k++) {
        if (!xs->keys[k]) continue;
        const bs_qcm *m = &r->cm[xs->vals[k]];
        size_t n;
        const bs_qc_ent *e = bs_qc_lookup(&qc->classes, xs->keys[k], &n);
        for (size_t j = 0; j < n; j++) {
            TRY(st, bs_qclock_check(&r->c.clock));
            if (!bs_qc_visible(&r->c, qc, r->gvis, e[j].graph)) continue;
            size_t idx;
            st = cand(r, e[j].subj, e[j].graph, first, &idx);
            if (st == BS_NOT_FOUND) continue;
            if (st != BS_OK) goto fail;
            bs_qgm_expand(&r->rs.gm[idx * r->rs.ngroups + gi], m, qc->preds[e[j].pred]);
        }
    }
    st = BS_OK;
fail:
    return st;
}

bs_status bs_qfast_group(bs_qrun *r, size_t gi, bool first)
{
    bs_qlits *l = &r->lits[gi];
    bs_idset xs = { 0 };
    bs_status st = BS_OK;
    r->ncm = 0;
    if (first && l->partial) r->inexact = true;
    for (size_t i = 0; i < l->n; i++) TRY(st, fast_lit(r, &l->v[i], (int)gi, first));
    if (r->expand && r->ncm) TRY(st, bs_qrun_expansion_set(r, &xs));
    if (xs.n) TRY(st, fast_classes(r, &xs, gi, first));
fail:
    bs_idmap_free(&xs);
    return st;
}

bs_status bs_qfast_exclusion(bs_qrun *r, const bs_qlits *l)
{
    bs_status st = BS_OK;
    for (size_t i = 0; st == BS_OK && i < l->n; i++) st = fast_lit(r, &l->v[i], -1, false);
    return st;
}
