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

/* Per thread, the subject → candidate array and the candidate bitmap of
 * its last query, kept (zeroed again by bs_qfast_done) so that a query
 * does not fault in fresh arrays of every subject.  The bitmap (one bit
 * per subject: 190 KiB for 1.5M subjects) answers "is it a candidate?"
 * from the CPU's cache; the array is read only for subjects that are. */
typedef struct {
    uint32_t *slot;
    uint64_t *bits;
    size_t cap;
    bs_qdsub *dsub;       ///< dense path (allocated on its first use)
    uint64_t *dbits;
    size_t dcap;
} tl_arrays;

static __thread tl_arrays *tl;
static pthread_key_t tl_key;          ///< frees a thread's arrays at its exit
static pthread_once_t tl_once = PTHREAD_ONCE_INIT;

static void tl_free(void *p)
{
    tl_arrays *a = p;
    if (!a) return;
    free(a->slot);
    free(a->bits);
    free(a->dsub);
    free(a->dbits);
    free(a);
}

static void tl_key_make(void) { (void)pthread_key_create(&tl_key, tl_free); }

/* A per-subject array (*v, n elements of sz bytes) and its bitmap, zeroed,
 * in place of smaller ones (*cap elements). */
static bs_status grow(void **pv, size_t sz, uint64_t **bits, size_t *cap, size_t n)
{
    if (*cap >= n) return BS_OK;
    free(*pv);
    free(*bits);
    *cap = 0;
    *pv = calloc(n, sz);
    *bits = calloc((n + 63) / 64, sizeof **bits);
    if (!*pv || !*bits) {
        free(*pv);
        free(*bits);
        *pv = NULL;
        *bits = NULL;
        return BS_ERR_NOMEM;
    }
    *cap = n;
    return BS_OK;
}

/* This thread's arrays, for n subjects at least (dense: the dense path's too). */
static bs_status tl_get(size_t n, bool dense)
{
    pthread_once(&tl_once, tl_key_make);
    if (!tl) {
        if (!(tl = calloc(1, sizeof *tl))) return BS_ERR_NOMEM;
        (void)pthread_setspecific(tl_key, tl);
    }
    void *slot = tl->slot, *dsub = tl->dsub;
    bs_status st = grow(&slot, sizeof *tl->slot, &tl->bits, &tl->cap, n);
    tl->slot = slot;
    if (st == BS_OK && dense) st = grow(&dsub, sizeof *tl->dsub, &tl->dbits, &tl->dcap, n);
    tl->dsub = dsub;
    return st;
}

static bool dense_on = true;

void bs_qfast_set_dense(bool on) { dense_on = on; }

bs_status bs_qfast_init(bs_qrun *r)
{
    const bs_qcache *qc = r->qc;
    r->gvis = calloc(qc->ngraphs ? qc->ngraphs : 1, sizeof *r->gvis);
    r->pfield = malloc(qc->npreds ? qc->npreds : 1);
    r->runs = calloc(r->p.ngroups ? r->p.ngroups : 1, sizeof *r->runs);
    if (!r->gvis || !r->pfield || !r->runs) return BS_ERR_NOMEM;
    for (size_t i = 0; i < qc->npreds; i++)
        r->pfield[i] = (int8_t)bs_qctx_pred_field(&r->c, qc->preds[i]);
    bool dense = r->p.ngroups <= 2 && dense_on;
    bs_status st = tl_get(qc->nsubj ? qc->nsubj : 1, dense);
    if (st != BS_OK) return st;
    r->slot = tl->slot;   /* borrowed; bs_qfast_done zeroes what it set */
    r->bits = tl->bits;
    if (!dense) return BS_OK;
    r->dense = true;
    r->dsub = tl->dsub;   /* borrowed; bs_qfast_done zeroes what it set */
    r->dbits = tl->dbits;
    return BS_OK;
}

/* Zero the dense records and bits the query left (the finish zeroes the
 * ones it read: then this only scans the bitmap). */
static void dense_clear(bs_qrun *r)
{
    size_t nw = (r->qc->nsubj + 63) / 64;
    for (size_t w = 0; w < nw; w++) {
        for (uint64_t b = r->dbits[w]; b; b &= b - 1)
            r->dsub[w * 64 + (size_t)__builtin_ctzll(b)] = (bs_qdsub){ 0 };
        r->dbits[w] = 0;
    }
}

void bs_qfast_done(bs_qrun *r)
{
    for (size_t i = 0; r->runs && i < r->p.ngroups; i++) free(r->runs[i]);
    free(r->runs);
    r->runs = NULL;
    for (size_t i = 0; i < 2; i++) {
        free(r->tok[i]);
        r->tok[i] = NULL;
    }
    free(r->pfield);
    r->pfield = NULL;
    for (size_t i = 0; i < 2; i++) {
        bs_idmap_free(&r->dxs[i]);
        free(r->dcm[i]);
        r->dcm[i] = NULL;
    }
    if (r->dbits) dense_clear(r);
    r->dsub = NULL;
    r->dbits = NULL;
    if (!r->slot) return;
    for (size_t i = 0; i < r->rs.n; i++) {
        uint32_t si = r->rs.res[i].sidx;
        if (si == BS_QRES_NO_SIDX) continue;
        r->slot[si] = 0;
        r->bits[si >> 6] = 0;   /* only candidates' bits are ever set */
    }
    r->slot = NULL;
    r->bits = NULL;
}

/* Append a candidate (room reserved: no call, no index entry). */
static inline bs_status append(bs_qresset *rs, bs_id subj, bs_id graph, size_t *idx)
{
    if (rs->n == rs->cap) return bs_qres_append(rs, subj, graph, idx);
    size_t i = rs->n++;
    rs->res[i] = (bs_qres){ .subj = subj, .graph = graph, .sidx = BS_QRES_NO_SIDX };
    memset(&rs->gm[i * rs->ngroups], 0, rs->ngroups * sizeof *rs->gm);
    *idx = i;
    return BS_OK;
}

/* The candidate of cached entry e (create: add it); BS_NOT_FOUND. */
static inline bs_status cand(bs_qrun *r, const bs_qc_ent *e, bool create, size_t *idx)
{
    bs_id g = r->qc->graphs[e->graph];
    uint32_t si = e->subj;
    uint64_t bit = 1ull << (si & 63);
    if (r->bits[si >> 6] & bit) {
        bs_qres *x = &r->rs.res[*idx = r->slot[si] - 1];
        if (g < x->graph) {
            x->graph = g;
            x->gidx = e->graph;
        }
        return BS_OK;
    }
    if (!create) return BS_NOT_FOUND;
    bs_status st = append(&r->rs, e->subj_id, g, idx);
    if (st != BS_OK) return st;
    bs_qres *x = &r->rs.res[*idx];
    x->sidx = si;
    x->prof = e->prof;
    x->gidx = e->graph;
    r->slot[si] = (uint32_t)*idx + 1;
    r->bits[si >> 6] |= bit;
    return BS_OK;
}

/* The dense path's match of cached entry e with score sc in the group
 * done k-th (0: it creates candidates; 1: it updates them; -1: an
 * exclusion drops them). */
static inline void dense_hit_at(bs_qrun *r, uint32_t si, uint16_t gi, float sc, int k)
{
    uint64_t bit = 1ull << (si & 63), *w = &r->dbits[si >> 6];
    bs_qdsub *d = &r->dsub[si];
    if (!(*w & bit)) {
        if (k) return;
        *w |= bit;
        r->dn++;
        d->s[0] = sc;
        d->g = (uint16_t)(gi + 1);
        return;
    }
    if (k < 0) {
        *w &= ~bit;
        r->dn--;
        *d = (bs_qdsub){ 0 };
        return;
    }
    if (sc > d->s[k]) d->s[k] = sc;
    /* the least graph id of every quad that found it, as cand() */
    if (r->qc->graphs[gi] < r->qc->graphs[d->g - 1]) d->g = (uint16_t)(gi + 1);
}

static inline void dense_hit(bs_qrun *r, const bs_qc_ent *e, float sc, int k)
{
    dense_hit_at(r, e->subj, e->graph, sc, k);
}

static inline bool visible(bs_qrun *r, uint16_t gi)
{
    return r->gvis[gi] ? r->gvis[gi] > 0 : bs_qc_visible(&r->c, r->qc, r->gvis, gi);
}

/* The dense path's loop for a literal that cannot name a class (most:
 * a prefix's, long ones) or a class's links: nothing but the visibility
 * test per entry. */
static bs_status dense_run(bs_qrun *r, const bs_qc_ent *e, size_t n, float sc, int k)
{
    for (size_t j = 0; j < n; j++)
        if (visible(r, e[j].graph)) dense_hit(r, &e[j], sc, k);
    return bs_qclock_check(&r->c.clock);
}

/* Whether subject index si is a candidate (the record path's bitmap). */
static inline bool is_cand(const bs_qrun *r, uint32_t si)
{
    return (r->bits[si >> 6] >> (si & 63)) & 1;
}

/* Whether literal l of group gi may name a class (bs_qrun_class_label,
 * less the field: the entry's predicate's). */
static inline bool may_class(const bs_qrun *r, const bs_qlit *l, int gi)
{
    return gi >= 0 && r->expand && l->len <= BS_Q_CLASS_LABEL_MAX_TOKENS &&
           !r->p.groups[gi].alts[l->alt].prefix;
}

/* Literal l's entries e[0..n) (group gi; gi < 0: an exclusion) → its
 * resources. */
static bs_status fast_lit(bs_qrun *r, const bs_qlit *l, const bs_qc_ent *e, size_t n, int gi,
                          bool first)
{
    const bs_qcache *qc = r->qc;
    bool create = first && gi >= 0;
    bool cls = may_class(r, l, gi);
    bs_status st = BS_OK;
    if (r->dense && !cls) return dense_run(r, e, n, l->score, gi < 0 ? -1 : r->dk);
    for (size_t k = 0; k < n; k++) {
        TRY(st, bs_qclock_check(&r->c.clock));
        if (!visible(r, e[k].graph)) continue;
        int field = r->pfield[e[k].pred];
        if (cls && field == BS_FIELD_LABEL && bs_qc_maybe_class(qc, e[k].subj) &&
            bs_qis_class(&r->c, e[k].subj_id))
            TRY(st, bs_qrun_note_class(r, e[k].subj_id, l));
        if (r->dense) {
            dense_hit(r, &e[k], l->score, gi < 0 ? -1 : r->dk);
            continue;
        }
        size_t idx;
        st = cand(r, &e[k], create, &idx);
        if (st == BS_NOT_FOUND) continue;
        if (st != BS_OK) goto fail;
        if (gi < 0) r->rs.res[idx].excluded = true;
        else bs_qgm_direct(&r->rs.gm[idx * r->rs.ngroups + gi], l, qc->preds[e[k].pred], field);
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
    for (size_t k = 0; first && !r->dense && k < xs->cap; k++) {   /* room for all */
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
        if (r->dense) {
            TRY(st, dense_run(r, e, n, (float)(BS_EXPAND_FACTOR * m->score), r->dk));
            continue;
        }
        for (size_t j = 0; j < n; j++) {
            TRY(st, bs_qclock_check(&r->c.clock));
            /* a later group (or the dense path's page): most are not candidates */
            if ((!first && !is_cand(r, e[j].subj)) || !visible(r, e[j].graph)) continue;
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

/* The cached entries of each literal of l: *out (malloc'ed), *total. */
static bs_status lookup_runs(const bs_qrun *r, const bs_qlits *l, bs_qc_run **out, size_t *total)
{
    bs_qc_run *v = malloc((l->n ? l->n : 1) * sizeof *v);
    size_t at = 0, sum = 0;
    *out = v;
    if (!v) return BS_ERR_NOMEM;
    for (size_t i = 0; i < l->n; i++) {
        size_t n;
        v[i].e = bs_qc_lookup(&r->qc->lits, l->v[i].lit, &at, &n);
        v[i].n = (uint32_t)n;
        sum += n;
    }
    *total = sum;
    return BS_OK;
}

bs_status bs_qfast_weight(bs_qrun *r, size_t gi, size_t *out)
{
    free(r->runs[gi]);
    r->runs[gi] = NULL;
    return lookup_runs(r, &r->lits[gi], &r->runs[gi], out);
}

#define AHEAD 16  ///< literals whose entries are prefetched ahead

/* Every literal of l (its entries ev[i]) → its resources, with the
 * entries and candidate bits of the next ones prefetched (each match is
 * otherwise two cache misses on a big store). */
static bs_status group_lits(bs_qrun *r, const bs_qlits *l, const bs_qc_run *ev, int gi,
                            bool first)
{
    bs_status st = BS_OK;
    size_t total = 0;
    first = first && !r->dense;
    for (size_t i = 0; first && i < l->n; i++) total += ev[i].n;
    if (first) TRY(st, bs_qres_reserve(&r->rs, total));
    for (size_t i = 0; i < l->n; i++) {
        if (i + AHEAD < l->n && ev[i + AHEAD].n) __builtin_prefetch(ev[i + AHEAD].e);
        if (i + AHEAD / 2 < l->n && ev[i + AHEAD / 2].n) {
            uint32_t si = ev[i + AHEAD / 2].e->subj;
            if (r->dense) {
                __builtin_prefetch(&r->dbits[si >> 6]);
                __builtin_prefetch(&r->dsub[si], 1);
            } else {
                __builtin_prefetch(&r->bits[si >> 6]);
                if (first) __builtin_prefetch(&r->slot[si], 1);
            }
        }
        const bs_qlit *x = &l->v[i];
        if (r->dense && !may_class(r, x, gi)) {
            /* dense_run inline: a prefix's literals have one or two
             * entries each, the calls were a third of their cost */
            const bs_qc_ent *e = ev[i].e;
            int k = gi < 0 ? -1 : r->dk;
            for (uint32_t j = 0; j < ev[i].n; j++)
                if (visible(r, e[j].graph)) dense_hit(r, &e[j], x->score, k);
            TRY(st, bs_qclock_check(&r->c.clock));
            continue;
        }
        TRY(st, fast_lit(r, x, ev[i].e, ev[i].n, gi, first));
    }
fail:
    return st;
}

/* One token's items into the dense records of the group done k-th
 * (dense_hit_at with the arrays and the count in locals: the item loop
 * is most of a prefix search; inlined with k constant). */
static inline void tok_merge(bs_qrun *r, const bs_qtok_item *v, size_t n, int k)
{
    uint64_t *bits = r->dbits;
    bs_qdsub *ds = r->dsub;
    const bs_id *graphs = r->qc->graphs;
    size_t dn = 0;
    for (size_t j = 0; j < n; j++) {
        if (j + AHEAD < n) __builtin_prefetch(&ds[v[j + AHEAD].si], 1);   /* a cache miss */
        const bs_qtok_item *x = &v[j];
        if (!visible(r, x->graph)) continue;
        uint64_t bit = 1ull << (x->si & 63), *w = &bits[x->si >> 6];
        bs_qdsub *d = &ds[x->si];
        if (!(*w & bit)) {
            if (k) continue;   /* the second group: candidates of the first only */
            *w |= bit;
            dn++;
            *d = (bs_qdsub){ .s = { x->score, 0 }, .g = (uint16_t)(x->graph + 1) };
            continue;
        }
        if (x->score > d->s[k]) d->s[k] = x->score;
        if (graphs[x->graph] < graphs[d->g - 1]) d->g = (uint16_t)(x->graph + 1);
    }
    r->dn += dn;
}

bs_status bs_qfast_tok_lists(bs_qrun *r, size_t gi, size_t *items)
{
    const bs_qgroup *g = &r->p.groups[gi];
    if (!r->dense || gi >= 2 || g->nalts != 1 || g->alts[0].ntoks != 1) return BS_NOT_FOUND;
    bs_status st = (g->alts[0].prefix ? bs_qtok_prefix : bs_qtok_word)(
        r->qc, r->c.txn, &r->corpus, &r->c.clock, g->alts[0].toks[0], &r->tok[gi], &r->ntok[gi]);
    *items = 0;
    for (size_t t = 0; st == BS_OK && t < r->ntok[gi]; t++) *items += r->tok[gi][t]->n;
    return st;
}

/* A word's class notes from its lists' label candidates (fast_lit's
 * test per entry of a literal that may name a class). */
static bs_status tok_notes(bs_qrun *r, size_t gi)
{
    const bs_qcache *qc = r->qc;
    bs_status st = BS_OK;
    if (!r->expand || r->p.groups[gi].alts[0].prefix) return BS_OK;
    for (size_t t = 0; t < r->ntok[gi]; t++) {
        const bs_qtok_list *l = r->tok[gi][t];
        for (size_t j = 0; j < l->nlab; j++) {
            const bs_qtok_label *x = &l->lab[j];
            if (!visible(r, x->graph) || r->pfield[x->pred] != BS_FIELD_LABEL ||
                !bs_qis_class(&r->c, qc->subj[x->si]))
                continue;
            bs_qlit m = { .lit = qc->lits.keys[x->lit], .score = x->score, .len = x->len };
            TRY(st, bs_qrun_note_class(r, qc->subj[x->si], &m));
        }
    }
fail:
    return st;
}

/* Group gi's lists → the dense records (r->dk: its rank), and a word's
 * class notes. */
static bs_status tok_group(bs_qrun *r, size_t gi)
{
    bs_status st = BS_OK;
    for (size_t t = 0; t < r->ntok[gi]; t++) {
        const bs_qtok_list *l = r->tok[gi][t];
        for (size_t j = 0; j < l->n; j += 4096) {   /* the deadline between chunks */
            size_t n = l->n - j < 4096 ? l->n - j : 4096;
            if (r->dk) tok_merge(r, l->v + j, n, 1);
            else tok_merge(r, l->v + j, n, 0);
            TRY(st, bs_qclock_poll(&r->c.clock));
        }
    }
    st = tok_notes(r, gi);
fail:
    return st;
}

bs_status bs_qfast_group(bs_qrun *r, size_t gi, bool first)
{
    bs_qlits *l = &r->lits[gi];
    bs_idset xs = { 0 };
    bs_status st = BS_OK;
    size_t total;
    r->ncm = 0;
    if (gi < 2 && r->tok[gi]) {
        TRY(st, tok_group(r, gi));
    } else {
        if (first && l->partial) r->inexact = true;
        if (!r->runs[gi]) TRY(st, bs_qfast_weight(r, gi, &total));
        TRY(st, group_lits(r, l, r->runs[gi], (int)gi, first));
    }
    if (r->expand && r->ncm) TRY(st, bs_qrun_expansion_set(r, &xs));
    if (xs.n) TRY(st, fast_classes(r, &xs, gi, first));
    if (r->dense && xs.n) {   /* kept for the page (bs_qdense_page) */
        if (!(r->dcm[gi] = malloc(r->ncm * sizeof *r->dcm[gi]))) { st = BS_ERR_NOMEM; goto fail; }
        memcpy(r->dcm[gi], r->cm, r->ncm * sizeof *r->cm);
        r->dxs[gi] = xs;
        return BS_OK;
    }
fail:
    bs_idmap_free(&xs);
    return st;
}

bs_status bs_qfast_exclusion(bs_qrun *r, const bs_qlits *l)
{
    bs_qc_run *ev = NULL;
    size_t total;
    bs_status st = lookup_runs(r, l, &ev, &total);
    if (st == BS_OK) st = group_lits(r, l, ev, -1, false);
    free(ev);
    return st;
}

size_t bs_qdense_take(bs_qrun *r, size_t *w, bs_qdcand *out, size_t max)
{
    size_t nw = (r->qc->nsubj + 63) / 64, n = 0;
    bool two = r->p.ngroups > 1;
    for (; *w < nw && n + 64 <= max; (*w)++) {
        uint64_t b = r->dbits[*w];
        r->dbits[*w] = 0;
        for (; b; b &= b - 1) {
            size_t i = *w * 64 + (size_t)__builtin_ctzll(b);
            bs_qdsub d = r->dsub[i];
            r->dsub[i] = (bs_qdsub){ 0 };
            if (!(d.s[0] > 0 && (!two || d.s[1] > 0))) continue;   /* not every group */
            /* 0 + b0 + b1 as finish() sums the groups (commutative: the
             * order the groups were done in does not matter for two) */
            out[n++] = (bs_qdcand){ (uint32_t)i, (uint16_t)(d.g - 1),
                                    two ? d.s[0] + d.s[1] : d.s[0] };
        }
    }
    return n;
}

/* Group gi's direct matches of the candidates (only the page's now):
 * a bit test per entry, no class notes (the dense pass made them).
 * Literals scoring below floor are skipped: none can be a page
 * resource's best match (bs_qgm_direct keeps the best only). */
static bs_status page_lits(bs_qrun *r, size_t gi, float floor)
{
    const bs_qlits *l = &r->lits[gi];
    const bs_qc_run *ev = r->runs[gi];
    bs_status st = BS_OK;
    for (size_t i = 0; i < l->n; i++) {
        const bs_qc_ent *e = ev[i].e;
        if (l->v[i].score < floor) continue;
        TRY(st, bs_qclock_check(&r->c.clock));
        for (uint32_t k = 0; k < ev[i].n; k++) {
            uint32_t si = e[k].subj;
            size_t idx;
            if (!is_cand(r, si) || !visible(r, e[k].graph)) continue;
            TRY(st, cand(r, &e[k], false, &idx));
            bs_qgm_direct(&r->rs.gm[idx * r->rs.ngroups + gi], &l->v[i],
                          r->qc->preds[e[k].pred], r->pfield[e[k].pred]);
        }
    }
fail:
    return st;
}

/* page_lits for the token path: each page resource's items in the
 * lists (a binary search per list), those below floor skipped. */
static void page_toks(bs_qrun *r, size_t gi, float floor)
{
    const bs_qcache *qc = r->qc;
    for (size_t t = 0; t < r->ntok[gi]; t++) {
        const bs_qtok_list *l = r->tok[gi][t];
        if (l->max < floor) continue;
        for (size_t i = 0; i < r->rs.n; i++) {
            uint32_t si = r->rs.res[i].sidx;
            size_t lo = 0, hi = l->n;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (l->v[mid].si < si) lo = mid + 1;
                else hi = mid;
            }
            for (const bs_qtok_item *x = &l->v[lo]; lo < l->n && x->si == si; x++, lo++) {
                if (x->score < floor || !visible(r, x->graph)) continue;
                bs_qlit m = { .lit = qc->lits.keys[x->lit], .score = x->score };
                bs_qgm_direct(&r->rs.gm[i * r->rs.ngroups + gi], &m, qc->preds[x->pred],
                              r->pfield[x->pred]);
            }
        }
    }
}

bs_status bs_qdense_page(bs_qrun *r, const uint32_t *sidx, size_t n, float least)
{
    const bs_qcache *qc = r->qc;
    bs_status st = BS_OK;
    r->dense = false;   /* from here the candidate records: the page's */
    r->rs.n = 0;
    TRY(st, bs_qres_reserve(&r->rs, n));
    for (size_t i = 0; i < n; i++) {
        size_t idx;
        TRY(st, append(&r->rs, qc->subj[sidx[i]], (bs_id)-1, &idx));
        r->rs.res[idx].sidx = sidx[i];
        r->rs.res[idx].prof = qc->prof[sidx[i]];
        r->slot[sidx[i]] = (uint32_t)idx + 1;
        r->bits[sidx[i] >> 6] |= 1ull << (sidx[i] & 63);
    }
    for (size_t gi = 0; gi < r->p.ngroups; gi++) {
        /* one group without classes: a page resource's score is its best
         * literal's, so a literal below the page's least score is no one's
         * best (a prefix's many rare words: most of the entries) */
        bool one = r->p.ngroups == 1 && !r->dxs[gi].n;
        if (gi < 2 && r->tok[gi]) page_toks(r, gi, one ? least : 0);
        else TRY(st, page_lits(r, gi, one ? least : 0));
        if (!r->dxs[gi].n) continue;
        bs_qcm *keep = r->cm;   /* the group's class matches, as the dense pass had them */
        r->cm = r->dcm[gi];
        st = fast_classes(r, &r->dxs[gi], gi, false);
        r->cm = keep;
        if (st != BS_OK) goto fail;
    }
fail:
    return st;
}
