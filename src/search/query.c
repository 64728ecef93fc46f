/* SPDX-License-Identifier: MIT
 * battstore — search queries: from the literals each AND-group matches to
 * the resources holding them (per resource: every group matched by some
 * literal of it, or by a class its label names), class expansion,
 * exclusions, then filters, facets and the page (facets.c, hits.c).
 *
 * Two paths with the same results.  With the snapshot cache (qcache.c,
 * qfast.c: a server's searches from the second on, search_bench) every
 * literal and class is resolved in memory and every match visited:
 * totals and facets are exact (a prefix cut at PREFIX_MAX_POSTINGS
 * aside).  Without it (a one-shot CLI search, a write transaction, the
 * cache being built by another thread) a literal is turned into its
 * subjects with one index seek, and each candidate costs a scan of its
 * quads for filters and facets; such a query resolves at most BUDGET
 * subjects: literals are visited best scored first, and when the budget
 * runs out the total is extrapolated from the share of literals visited
 * (bs_search_result.total_exact is false; facets then count the
 * candidates found).  Later groups are checked on the candidates of the
 * first (the rarest) when those are fewer than their literals.  Ties
 * (equal scores) are broken by ids and a resource's graph is the least
 * one that found it, so both paths agree whatever the visiting order. */
#include "config.h"
#include "search/qres.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BUDGET 2000          ///< subjects a query resolves before it estimates
#define TOP_SORTED 4096      ///< literals visited in score order (the rest after)
#define CLASS_LABELS_MAX 20000 ///< label literals tested for class-ness
#define CLASS_LABEL_MAX_TOKENS BS_Q_CLASS_LABEL_MAX_TOKENS

const char *const bs_search_facet_names[BS_NFACETS] = {
    "wp", "type", "format", "size", "access"
};

/* ---- candidate set ------------------------------------------------- */

bs_status bs_qres_get(bs_qresset *rs, bs_id subj, bs_id graph, bool create, size_t *idx)
{
    uint32_t *e = bs_idmap_get(&rs->index, subj);
    if (e) {
        *idx = *e;
        if (graph < rs->res[*e].graph) rs->res[*e].graph = graph;
        return BS_OK;
    }
    if (!create) return BS_NOT_FOUND;
    bs_status st = bs_qres_append(rs, subj, graph, idx);
    return st == BS_OK ? bs_idmap_put(&rs->index, subj, (uint32_t)*idx) : st;
}

bs_status bs_qres_reserve(bs_qresset *rs, size_t n)
{
    if (n <= rs->cap) return BS_OK;
    bs_qres *r = realloc(rs->res, n * sizeof *r);
    if (!r) return BS_ERR_NOMEM;
    rs->res = r;
    bs_qgm *g = realloc(rs->gm, n * (rs->ngroups ? rs->ngroups : 1) * sizeof *g);
    if (!g) return BS_ERR_NOMEM;
    rs->gm = g;
    rs->cap = n;
    return BS_OK;
}

bs_status bs_qres_append(bs_qresset *rs, bs_id subj, bs_id graph, size_t *idx)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 256;
        bs_qres *r = realloc(rs->res, cap * sizeof *r);
        if (!r) return BS_ERR_NOMEM;
        rs->res = r;
        bs_qgm *g = realloc(rs->gm, cap * rs->ngroups * sizeof *g);
        if (!g) return BS_ERR_NOMEM;
        rs->gm = g;
        rs->cap = cap;
    }
    size_t i = rs->n;
    rs->res[i] = (bs_qres){ .subj = subj, .graph = graph, .sidx = BS_QRES_NO_SIDX };
    memset(&rs->gm[i * rs->ngroups], 0, rs->ngroups * sizeof *rs->gm);
    rs->n++;
    *idx = i;
    return BS_OK;
}

void bs_qresset_free(bs_qresset *rs)
{
    free(rs->res);
    free(rs->gm);
    bs_idmap_free(&rs->index);
    memset(rs, 0, sizeof *rs);
}

/* ---- one run --------------------------------------------------------- */

typedef bs_qrun run;
typedef bs_qcm class_match;

/* a beats b: higher score, then the least literal (the visiting order
 * does not matter) */
static bool cm_better(const class_match *a, const class_match *b)
{
    return a->score != b->score ? a->score > b->score : a->lit < b->lit;
}

bs_status bs_qrun_note_class(bs_qrun *r, bs_id cls, const bs_qlit *l)
{
    class_match m = { cls, l->lit, l->score, l->alt };
    for (size_t i = 0; i < r->ncm; i++) {
        if (r->cm[i].cls != cls) continue;
        if (cm_better(&m, &r->cm[i])) r->cm[i] = m;
        return BS_OK;
    }
    if (r->ncm == r->capcm) {
        size_t cap = r->capcm ? 2 * r->capcm : 32;
        class_match *v = realloc(r->cm, cap * sizeof *v);
        if (!v) return BS_ERR_NOMEM;
        r->cm = v;
        r->capcm = cap;
    }
    r->cm[r->ncm++] = m;
    return BS_OK;
}

bool bs_qrun_class_label(const bs_qrun *r, size_t gi, const bs_qlit *l, int field)
{
    return r->expand && field == BS_FIELD_LABEL && l->len <= CLASS_LABEL_MAX_TOKENS &&
           !r->p.groups[gi].alts[l->alt].prefix;
}

void bs_qgm_direct(bs_qgm *g, const bs_qlit *l, bs_id pred, int field)
{
    if (g->direct > 0 && (l->score < g->direct ||
        (l->score == g->direct && (l->lit > g->lit || (l->lit == g->lit && pred >= g->pred)))))
        return;
    g->direct = l->score;
    g->lit = l->lit;
    g->pred = pred;
    g->field = (uint8_t)field;
    g->alt = l->alt;
}

void bs_qgm_expand(bs_qgm *g, const class_match *m, bs_id via)
{
    float sc = (float)(BS_EXPAND_FACTOR * m->score);
    if (g->expand > 0 && (sc < g->expand ||
        (sc == g->expand && (m->cls > g->cls || (m->cls == g->cls && via >= g->via)))))
        return;
    g->expand = sc, g->cls = m->cls, g->via = via;
    g->cls_lit = m->lit, g->xalt = m->alt;
}

/* Resolve literal l of group gi to its subjects.  first: candidates are
 * created; else only existing ones updated.  gi < 0: an exclusion. */
static bs_status resolve_lit(run *r, bs_iter *it, const bs_qlit *l, int gi, bool first,
                             bool classes_only)
{
    bs_quad q;
    bs_status st;
    while ((st = bs_iter_next(it, &q)) == BS_OK) {
        int field = bs_qctx_pred_field(&r->c, q.p);
        if (field < 0 || !bs_qvis_ok(&r->c.vis, r->c.txn, q.g)) continue;
        if (gi >= 0 && bs_qrun_class_label(r, (size_t)gi, l, field) && bs_qis_class(&r->c, q.s))
            if ((st = bs_qrun_note_class(r, q.s, l)) != BS_OK) return st;
        if (classes_only) continue;
        if (r->budget == 0 && first) { r->inexact = true; break; } /* a literal of many subjects */
        if (r->budget) r->budget--;
        size_t idx;
        st = bs_qres_get(&r->rs, q.s, q.g, first, &idx);
        if (st == BS_NOT_FOUND) continue;
        if (st != BS_OK) return st;
        if (gi < 0) r->rs.res[idx].excluded = true;
        else bs_qgm_direct(&r->rs.gm[idx * r->rs.ngroups + gi], l, q.p, field);
    }
    return st == BS_END ? BS_OK : st;
}

static int cmp_score_desc(const void *a, const void *b)
{
    float x = ((const bs_qlit *)a)->score, y = ((const bs_qlit *)b)->score;
    return x > y ? -1 : x < y;
}

static void swap_lit(bs_qlit *a, bs_qlit *b)
{
    bs_qlit t = *a;
    *a = *b;
    *b = t;
}

/* Move the k best-scored literals of v[0..n) to the front (quickselect
 * with a three-way partition), then sort those by score, best first. */
static void best_first(bs_qlit *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n;  /* [0,lo) beats [lo,n); [0,hi) beats [hi,n) */
    if (k > n) k = n;
    while (hi - lo > 1 && k > lo && k < hi) {
        float p = v[lo + (hi - lo) / 2].score;
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            if (v[i].score > p) swap_lit(&v[lt++], &v[i++]);
            else if (v[i].score < p) swap_lit(&v[i], &v[--gt]);
            else i++;
        }
        if (k <= lt) hi = lt;
        else if (k >= gt) lo = gt;
        else break;
    }
    if (k) qsort(v, k, sizeof *v, cmp_score_desc); /* v may be NULL when n is 0 */
}

/* Every literal of list l → its subjects (by index seeks), best scored
 * first, until the budget of subjects runs out.  l is reordered. */
static bs_status resolve_all(run *r, bs_qlits *l, int gi, bool first, bool classes_only)
{
    bs_iter *it = NULL;
    bs_status st = BS_OK;
    size_t tested = 0;
    if (!classes_only) best_first(l->v, l->n, TOP_SORTED);
    for (size_t i = 0; i < l->n; i++) {
        const bs_qlit *x = &l->v[i];
        if (classes_only && (x->field != BS_FIELD_LABEL || x->len > CLASS_LABEL_MAX_TOKENS ||
                             r->p.groups[gi].alts[x->alt].prefix))
            continue;
        if (classes_only && ++tested > CLASS_LABELS_MAX) break;
        if (!classes_only && r->budget == 0) {
            r->inexact = true;
            if (first) r->ratio = (double)i / (double)l->n;
            break;
        }
        TRY(st, bs_qclock_check(&r->c.clock));
        bs_quad pat = { BS_ANY, BS_ANY, x->lit, BS_ANY };
        TRY(st, it ? bs_iter_reset(it, &pat) : bs_iter_new(r->c.txn, &pat, &it));
        TRY(st, resolve_lit(r, it, x, gi, first, classes_only));
    }
fail:
    bs_iter_free(it);
    return st;
}

static bool is_via(const bs_search_ids *ids, bs_id p)
{
    return p && (p == ids->rdf_type || p == ids->dcat_theme || p == ids->dct_subject ||
                 p == ids->dmp_about);
}

/* The other way round: scan each candidate's quads for literals of l
 * (and, for a group, links to a class of the expansion set xs). */
static bs_status check_candidates(run *r, const bs_qlits *l, int gi, const bs_idset *xs)
{
    bs_iter *it = NULL;
    bs_status st = BS_OK;
    bs_quad q;
    for (size_t i = 0; i < r->rs.n; i++) {
        TRY(st, bs_qclock_check(&r->c.clock));
        bs_quad pat = { r->rs.res[i].subj, BS_ANY, BS_ANY, BS_ANY };
        TRY(st, it ? bs_iter_reset(it, &pat) : bs_iter_new(r->c.txn, &pat, &it));
        while ((st = bs_iter_next(it, &q)) == BS_OK) {
            int field = bs_qctx_pred_field(&r->c, q.p);
            uint32_t *cm;
            if (!bs_qvis_ok(&r->c.vis, r->c.txn, q.g)) continue;
            if (field >= 0 && bs_id_kind(q.o) >= BS_TERM_LITERAL) {
                ssize_t k = bs_qlits_find(l, q.o);
                if (k < 0) continue;
                /* the least graph of every quad that found it, as bs_qres_get */
                if (q.g < r->rs.res[i].graph) r->rs.res[i].graph = q.g;
                if (gi < 0) r->rs.res[i].excluded = true;
                else bs_qgm_direct(&r->rs.gm[i * r->rs.ngroups + gi], &l->v[k], q.p, field);
            } else if (gi >= 0 && xs && is_via(&r->c.ids, q.p) &&
                       (cm = bs_idmap_get(xs, q.o))) {
                if (q.g < r->rs.res[i].graph) r->rs.res[i].graph = q.g;
                bs_qgm_expand(&r->rs.gm[i * r->rs.ngroups + gi], &r->cm[*cm], q.p);
            }
        }
        if (st != BS_END) goto fail;
        st = BS_OK;
    }
fail:
    bs_iter_free(it);
    return st;
}

static int cmp_cm(const void *a, const void *b)
{
    const class_match *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->cls < y->cls ? -1 : x->cls > y->cls;
}

/* The classes below the matched ones: class → index in r->cm (the best
 * matching ancestor's). */
bs_status bs_qrun_expansion_set(bs_qrun *r, bs_idset *xs)
{
    bs_status st = BS_OK;
    if (r->ncm > 1) qsort(r->cm, r->ncm, sizeof *r->cm, cmp_cm);
    for (size_t i = 0; st == BS_OK && i < r->ncm; i++)
        st = bs_qclass_closure(&r->c, r->cm[i].cls, xs, (uint32_t)i);
    return st;
}

/* Resources linked to a class of xs through a "via" predicate. */
static bs_status expand_from_classes(run *r, const bs_idset *xs, int gi, bool first)
{
    const bs_search_ids *ids = &r->c.ids;
    const bs_id vias[] = { ids->rdf_type, ids->dcat_theme, ids->dct_subject, ids->dmp_about };
    bs_iter *it = NULL;
    bs_status st = BS_OK;
    bs_quad q;
    for (size_t k = 0; k < xs->cap; k++) {
        if (!xs->keys[k]) continue;
        const class_match *m = &r->cm[xs->vals[k]];
        for (size_t v = 0; v < 4; v++) {
            if (!vias[v]) continue;
            bs_quad pat = { BS_ANY, vias[v], xs->keys[k], BS_ANY };
            TRY(st, it ? bs_iter_reset(it, &pat) : bs_iter_new(r->c.txn, &pat, &it));
            while ((st = bs_iter_next(it, &q)) == BS_OK) {
                TRY(st, bs_qclock_check(&r->c.clock));
                if (!bs_qvis_ok(&r->c.vis, r->c.txn, q.g)) continue;
                if (r->budget == 0) { r->inexact = true; st = BS_END; break; }
                r->budget--;
                size_t idx;
                st = bs_qres_get(&r->rs, q.s, q.g, first, &idx);
                if (st == BS_NOT_FOUND) continue;
                if (st != BS_OK) goto fail;
                bs_qgm_expand(&r->rs.gm[idx * r->rs.ngroups + gi], m, q.p);
            }
            if (st != BS_END) goto fail;
            st = BS_OK;
        }
    }
fail:
    bs_iter_free(it);
    return st;
}

/* One AND-group: its literals → candidates, then its class expansion. */
static bs_status do_group(run *r, size_t gi, bool first)
{
    bs_qlits *l = &r->lits[gi];
    bs_idset xs = { 0 };
    bs_status st;
    bool per_candidate = !first && r->rs.n * 4 < l->n;
    r->ncm = 0;
    if (first && l->partial) r->inexact = true;
    if (per_candidate) {
        if (r->expand) TRY(st, resolve_all(r, l, (int)gi, false, true));
    } else {
        TRY(st, resolve_all(r, l, (int)gi, first, false));
    }
    if (r->expand && r->ncm) TRY(st, bs_qrun_expansion_set(r, &xs));
    if (per_candidate) TRY(st, check_candidates(r, l, (int)gi, r->ncm ? &xs : NULL));
    else if (xs.n) TRY(st, expand_from_classes(r, &xs, (int)gi, first));
fail:
    bs_idmap_free(&xs);
    return st;
}

static bs_status do_exclusion(run *r, const bs_qterm *t)
{
    bs_qlits l;
    bs_status st = bs_qterm_eval(r->c.txn, &r->corpus, t, &l);
    if (st == BS_OK) {
        if (r->qc) st = bs_qfast_exclusion(r, &l);
        else if (r->rs.n * 4 < l.n) st = check_candidates(r, &l, -1, NULL);
        else {
            size_t keep = r->budget;
            r->budget = (size_t)-1; /* exclusions must be complete */
            st = resolve_all(r, &l, -1, false, false);
            r->budget = keep;
        }
    }
    free(l.v);
    return st;
}

/* ---- the run --------------------------------------------------------- */

static int cmp_groups_by_size(const void *a, const void *b, void *ctx)
{
    const size_t *w = ctx;
    size_t x = w[*(const size_t *)a], y = w[*(const size_t *)b];
    return x < y ? -1 : x > y;
}

/* Candidates so far (the dense path: an upper bound). */
static size_t n_cands(const run *r)
{
    return r->dense ? r->dn : r->rs.n;
}

/* The groups, the rarest first. */
static bs_status collect_groups(run *r)
{
    bs_status st = BS_OK;
    size_t ng = r->p.ngroups, order[BS_Q_MAX_GROUPS], w[BS_Q_MAX_GROUPS];
    for (size_t i = 0; i < ng; i++) {
        order[i] = i;
        st = r->qc ? bs_qfast_tok_lists(r, i, &w[i]) : BS_NOT_FOUND;
        if (st == BS_OK) continue;   /* a prefix's tokens' lists: no literals */
        if (st != BS_NOT_FOUND) goto fail;
        TRY(st, (r->qc ? bs_qgroup_eval_any : bs_qgroup_eval)(r->c.txn, &r->corpus,
                                                              &r->p.groups[i], &r->lits[i]));
        /* the rarest first: by literals, or with the cache by resources */
        w[i] = r->lits[i].n;
        if (r->qc) TRY(st, bs_qfast_weight(r, i, &w[i]));
    }
    qsort_r(order, ng, sizeof *order, cmp_groups_by_size, w);
    for (size_t i = 0; i < ng; i++) {
        r->dk = (int)i;
        TRY(st, r->qc ? bs_qfast_group(r, order[i], i == 0) : do_group(r, order[i], i == 0));
        if (!n_cands(r)) break;
    }
fail:
    return st;
}

static bs_status collect(run *r)
{
    r->lits = calloc(r->p.ngroups, sizeof *r->lits);
    if (!r->lits) return BS_ERR_NOMEM;
    bs_status st = collect_groups(r);
    for (size_t i = 0; st == BS_OK && i < r->p.nnots && n_cands(r); i++)
        st = do_exclusion(r, &r->p.nots[i]);
    return st;
}

typedef struct {
    float score;
    bs_id subj;
    uint32_t i;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->subj < y->subj ? -1 : x->subj > y->subj;
}

static void swap_ranked(ranked *a, ranked *b)
{
    ranked t = *a;
    *a = *b;
    *b = t;
}

/* The best k candidates seen, as a heap whose root is the worst kept
 * (cmp_ranked is a total order: the subjects differ); k = SIZE_MAX:
 * keep every candidate (a page deep into the list). */
typedef struct {
    ranked *v;
    size_t n, k;
} topk;

static void heap_down(ranked *v, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && cmp_ranked(&v[l], &v[m]) > 0) m = l;
        if (l + 1 < n && cmp_ranked(&v[l + 1], &v[m]) > 0) m = l + 1;
        if (m == i) return;
        swap_ranked(&v[i], &v[m]);
        i = m;
    }
}

static void topk_add(topk *t, ranked x)
{
    if (t->n < t->k) {
        size_t i = t->n++;
        t->v[i] = x;
        while (t->k != SIZE_MAX && i > 0 && cmp_ranked(&t->v[i], &t->v[(i - 1) / 2]) > 0) {
            swap_ranked(&t->v[i], &t->v[(i - 1) / 2]);
            i = (i - 1) / 2;
        }
        return;
    }
    if (cmp_ranked(&x, &t->v[0]) >= 0) return;   /* worse than every kept one */
    t->v[0] = x;
    heap_down(t->v, t->n, 0);
}

/* The page [*from, *from + *limit) asked by q. */
static void page_of(const bs_search_query *q, size_t *from, size_t *limit)
{
    *limit = q->limit ? q->limit : 10;
    if (*limit > 1000) *limit = 1000;
    *from = q->offset;
}

/* Candidate x (scored, mask set) through the filters and facets into t. */
static bs_status take(run *r, const bs_qfilter *f, bs_qfacets *fc, bs_qres *x, uint32_t i,
                      topk *t, size_t *k)
{
    bool pass = true;
    bs_status st = bs_qclock_check(&r->c.clock);
    if (st == BS_OK) st = bs_qfilter_apply(&r->c, f, fc, x, &pass);
    if (st != BS_OK || !pass) return st;
    (*k)++;
    if (t->k) topk_add(t, (ranked){ x->score, x->subj, i });
    return BS_OK;
}

/* finish() on the dense path: its candidates in batches. */
static bs_status finish_dense(run *r, const bs_qfilter *f, bs_qfacets *fc, topk *t, size_t *k)
{
    bs_qdcand b[256];
    size_t w = 0, nw = (r->qc->nsubj + 63) / 64;
    bs_status st = BS_OK;
    while (w < nw && st == BS_OK) {
        size_t n = bs_qdense_take(r, &w, b, 256);
        TRY(st, bs_qclock_poll(&r->c.clock));
        for (size_t j = 0; j < n; j++) {
            bool pass;
            TRY(st, bs_qfilter_cached(&r->c, f, fc, r->qc->prof[b[j].si], b[j].gidx, &pass));
            if (!pass) continue;
            (*k)++;
            /* the subject id breaks ties: read only when it may enter */
            if (t->k && (t->n < t->k || b[j].score >= t->v[0].score))
                topk_add(t, (ranked){ b[j].score, r->qc->subj[b[j].si], b[j].si });
        }
    }
fail:
    return st;
}

/* Score the candidate records: mask and score from their groups. */
static void score_res(bs_qresset *rs, size_t i)
{
    bs_qres *x = &rs->res[i];
    const bs_qgm *g = &rs->gm[i * rs->ngroups];
    float sc = 0;
    x->mask = 0;
    for (size_t j = 0; j < rs->ngroups; j++) {
        float b = g[j].direct > g[j].expand ? g[j].direct : g[j].expand;
        if (b > 0) x->mask |= 1u << j;
        sc += b;
    }
    x->score = sc;
}

/* Score the complete candidates, filter, count facets; *total passed, of
 * which the best (at least every one the page q asks for) in *out (.i:
 * the candidate's index, on the dense path its subject index). */
static bs_status finish(run *r, const bs_search_query *q, const bs_qfilter *f, bs_qfacets *fc,
                        ranked **out, size_t *n, size_t *total)
{
    bs_qresset *rs = &r->rs;
    uint32_t all = (uint32_t)((1ull << rs->ngroups) - 1);
    size_t from, limit, nc = n_cands(r);
    page_of(q, &from, &limit);
    topk t = { .k = from < nc && limit < nc - from ? from + limit : nc };
    if (t.k * 4 > nc) t.k = SIZE_MAX;  /* most of them: keep all, select later */
    t.v = malloc((t.k != SIZE_MAX && t.k ? t.k : nc ? nc : 1) * sizeof *t.v);
    bs_status st = BS_OK;
    size_t k = 0;
    if (!t.v) return BS_ERR_NOMEM;
    if (r->dense) TRY(st, finish_dense(r, f, fc, &t, &k));
    for (size_t i = 0; !r->dense && i < rs->n; i++) {
        score_res(rs, i);
        if (rs->res[i].mask != all || rs->res[i].excluded) continue;
        TRY(st, take(r, f, fc, &rs->res[i], (uint32_t)i, &t, &k));
    }
    *out = t.v;
    *n = t.n;
    *total = k;
    return BS_OK;
fail:
    free(t.v);
    return st;
}

/* Move the k first of v[0..n) in cmp_ranked order (a total order: the
 * subjects differ) to the front, sorted: a page needs no full sort. */
static void top_sorted(ranked *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1 && k > lo && k < hi) {
        ranked p = v[lo + (hi - lo) / 2];
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            int c = cmp_ranked(&v[i], &p);
            if (c < 0) swap_ranked(&v[lt++], &v[i++]);
            else if (c > 0) swap_ranked(&v[i], &v[--gt]);
            else i++;
        }
        if (k <= lt) hi = lt;
        else if (k >= gt) lo = gt;
        else break;
    }
    if (k > 1) qsort(v, k, sizeof *v, cmp_ranked);
}

/* The page of the total candidates passed, v[0..n) the best of them. */
static bs_status make_page(run *r, const bs_search_query *q, ranked *v, size_t n,
                           size_t total, bs_search_result *res)
{
    size_t from, limit;
    page_of(q, &from, &limit);
    if (from > total) from = total;
    size_t to = total - from < limit ? total : from + limit;
    if (to > n) to = n;   /* never: v holds every one the page asks for */
    if (from > to) from = to;
    top_sorted(v, n, to);
    res->hits = calloc(to - from + 1, sizeof *res->hits);
    if (!res->hits) return BS_ERR_NOMEM;
    if (r->dense && to > from) {   /* the page's candidate records, in page order */
        uint32_t *sidx = malloc((to - from + 1) * sizeof *sidx);
        if (!sidx) return BS_ERR_NOMEM;
        for (size_t i = from; i < to; i++) sidx[i - from] = v[i].i;
        /* v is sorted: v[to - 1] has the page's least score */
        bs_status st = bs_qdense_page(r, sidx, to - from, v[to - 1].score);
        free(sidx);
        if (st != BS_OK) return st;
        for (size_t i = from; i < to; i++) {
            r->rs.res[i - from].score = v[i].score;
            v[i].i = (uint32_t)(i - from);
        }
    }
    for (size_t i = from; i < to; i++) {
        bs_status st = bs_qhit_build(&r->c, &r->p, &r->rs, v[i].i, &res->hits[res->nhits]);
        res->nhits++;
        if (st != BS_OK) return st;
    }
    return BS_OK;
}

static void run_free(run *r)
{
    for (size_t i = 0; r->lits && i < r->p.ngroups; i++) free(r->lits[i].v);
    free(r->lits);
    free(r->cm);
    free(r->gvis);
    bs_qfast_done(r);
    bs_qresset_free(&r->rs);
    bs_qparsed_free(&r->p);
    bs_qctx_free(&r->c);
}

bs_status bs_search_run(bs_search *s, bs_txn *txn, const bs_search_query *q,
                        bs_search_result **out)
{
    double t0 = bs_qnow();
    run r = { 0 };
    bs_qfilter f = { 0 };
    bs_qfacets fc = { 0 };
    ranked *v = NULL;
    size_t n = 0, total = 0;
    bs_search_result *res = calloc(1, sizeof *res);
    bs_status st = res ? BS_OK : BS_ERR_NOMEM;
    *out = NULL;
    if (st != BS_OK) goto fail;
    if (!bs_search_fresh_in(s, txn)) { st = BS_ERR_UNSUPPORTED; goto fail; }
    TRY(st, bs_qctx_init(&r.c, s, txn, q->visible, q->visible_ctx, q->timeout, q->cancel));
    TRY(st, bs_qparse(q->q, &r.p));
    TRY(st, bs_qcorpus_get(txn, &r.corpus));
    r.rs.ngroups = r.p.ngroups;
    r.budget = BUDGET;
    r.ratio = 1.0;
    r.expand = !q->no_expand;
    TRY(st, bs_qfilter_init(&r.c, q, &f));
    fc.on = !q->no_facets;
    r.qc = bs_qcache_acquire(s, txn);
    if (r.qc) TRY(st, bs_qfast_init(&r));
    fc.qc = r.qc;
    fc.gvis = r.gvis;
    if (!f.impossible) TRY(st, collect(&r));
    if (!f.impossible) TRY(st, finish(&r, q, &f, &fc, &v, &n, &total));
    res->total = r.inexact && r.ratio < 1.0 ? (uint64_t)llround((double)total / r.ratio) : total;
    res->total_exact = !r.inexact;
    TRY(st, make_page(&r, q, v, n, total, res));
    if (fc.on) TRY(st, bs_qfacets_finish(&r.c, &fc, res));
    res->ms = (bs_qnow() - t0) * 1e3;
    *out = res;
    res = NULL;
fail:
    free(v);
    bs_qfacets_free(&fc);
    bs_qfilter_free(&f);
    run_free(&r);
    bs_qcache_release((bs_qcache *)r.qc);
    bs_search_result_free(res);
    return st;
}

static void hit_free(bs_search_hit *h)
{
    free(h->iri);
    free(h->label);
    free(h->type);
    free(h->type_label);
    bs_qspans_free(h->snippet, h->nsnippet);
    for (size_t i = 0; i < h->nwhy; i++) {
        free(h->why[i].word);
        free(h->why[i].pred);
        free(h->why[i].class_iri);
        free(h->why[i].class_label);
        free(h->why[i].via);
    }
    free(h->why);
}

void bs_search_result_free(bs_search_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nhits; i++) hit_free(&r->hits[i]);
    free(r->hits);
    for (size_t f = 0; f < BS_NFACETS; f++) {
        for (size_t i = 0; i < r->nfacets[f]; i++) {
            free(r->facets[f][i].value);
            free(r->facets[f][i].label);
        }
        free(r->facets[f]);
    }
    free(r);
}
