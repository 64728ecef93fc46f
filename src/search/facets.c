/* SPDX-License-Identifier: MIT
 * battstore — search filters (type with subclasses, work package,
 * access, format, size class) and facet counts, both from one scan of
 * each matching resource's visible quads; counts by id, strings only for
 * the values shown. */
#include "config.h"
#include "search/qres.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FACET_MAX_VALUES 50
#define MAX_VALS 8   ///< values of one facet counted per resource

static const char *const access_names[] = { "public", "restricted", "confidential" };

static bs_status lookup(bs_txn *txn, const char *iri, bs_id *out)
{
    bs_term t = bs_term_iri(iri, strlen(iri));
    bs_status st = bs_dict_lookup(txn, &t, out);
    if (st == BS_NOT_FOUND) *out = 0;
    return st == BS_NOT_FOUND ? BS_OK : st;
}

/* "WP3" → dmp:WP3; "SizeTB" or "TB" → dmp:SizeTB; an IRI as it is. */
static bs_status resolve_named(bs_txn *txn, const char *v, const char *prefix, bs_id *out)
{
    if (strchr(v, ':')) return lookup(txn, v, out);
    size_t n = strlen(BS_DMP) + strlen(prefix) + strlen(v) + 1;
    char *iri = malloc(n);
    if (!iri) return BS_ERR_NOMEM;
    bool has = !strncmp(v, prefix, strlen(prefix));
    snprintf(iri, n, "%s%s%s", BS_DMP, has ? "" : prefix, v);
    bs_status st = lookup(txn, iri, out);
    free(iri);
    return st;
}

bs_status bs_qfilter_init(bs_qctx *c, const bs_search_query *q, bs_qfilter *f)
{
    bs_status st = BS_OK;
    bs_id id;
    memset(f, 0, sizeof *f);
    f->access = -1;
    if (q->type && *q->type) {
        TRY(st, lookup(c->txn, q->type, &id));
        f->has_type = true;
        if (!id) f->impossible = true;
        else TRY(st, bs_qclass_closure(c, id, &f->types, 1));
    }
    if (q->wp && *q->wp) {
        TRY(st, resolve_named(c->txn, q->wp, "", &f->wp));
        if (!f->wp) f->impossible = true;
    }
    if (q->size && *q->size) {
        TRY(st, resolve_named(c->txn, q->size, "Size", &f->size));
        if (!f->size) f->impossible = true;
    }
    if (q->format && *q->format) f->format = q->format;
    if (q->access && *q->access) {
        for (int i = 0; i < 3; i++)
            if (!strcmp(q->access, access_names[i])) f->access = i;
        if (f->access < 0) st = BS_ERR_ARG;
    }
fail:
    return st;
}

void bs_qfilter_free(bs_qfilter *f) { bs_idmap_free(&f->types); }

typedef struct {
    bs_id v[BS_NFACETS][MAX_VALS];
    size_t n[BS_NFACETS];
    bool type_ok, wp_ok, size_ok, format_ok;
} scan_state;

static void add_val(scan_state *s, int facet, bs_id v)
{
    for (size_t i = 0; i < s->n[facet]; i++)
        if (s->v[facet][i] == v) return;
    if (s->n[facet] < MAX_VALS) s->v[facet][s->n[facet]++] = v;
}

static bool format_is(bs_txn *txn, bs_id o, const char *want)
{
    bs_term t;
    if (bs_dict_get(txn, o, &t) != BS_OK) return false;
    return t.lex_len == strlen(want) && !memcmp(t.lex, want, t.lex_len);
}

static void on_quad(bs_qctx *c, const bs_qfilter *f, const bs_quad *q, scan_state *s)
{
    const bs_search_ids *ids = &c->ids;
    if (q->p == ids->rdf_type) {
        if (f->has_type && bs_idmap_get(&f->types, q->o)) s->type_ok = true;
        if (q->o != c->owl_named_ind && q->o != c->owl_thing) add_val(s, BS_FACET_TYPE, q->o);
    } else if (q->p == ids->dmp_produced_by || q->p == ids->dmp_work_package) {
        if (q->o == f->wp) s->wp_ok = true;
        add_val(s, BS_FACET_WP, q->o);
    } else if (q->p == ids->dct_format) {
        if (f->format && !s->format_ok && format_is(c->txn, q->o, f->format)) s->format_ok = true;
        add_val(s, BS_FACET_FORMAT, q->o);
    } else if (q->p == ids->dmp_size_class) {
        if (q->o == f->size) s->size_ok = true;
        add_val(s, BS_FACET_SIZE, q->o);
    }
}

/* The resource's quads from the store (one seek and scan). */
static bs_status scan_quads(bs_qctx *c, const bs_qfilter *f, bs_qfacets *fc, const bs_qres *r,
                            scan_state *s)
{
    bs_quad pat = { r->subj, BS_ANY, BS_ANY, BS_ANY }, q;
    bs_status st = fc->it ? bs_iter_reset(fc->it, &pat) : bs_iter_new(c->txn, &pat, &fc->it);
    if (st != BS_OK) return st;
    while ((st = bs_iter_next(fc->it, &q)) == BS_OK)
        if (bs_qvis_ok(&c->vis, c->txn, q.g)) on_quad(c, f, &q, s);
    return st == BS_END ? BS_OK : st;
}

/* A cached profile's quads (the facet predicates on_quad reads), visible ones. */
static void profile_scan(bs_qctx *c, const bs_qfilter *f, const bs_qfacets *fc, uint32_t p,
                         scan_state *s)
{
    const bs_qcache *qc = fc->qc;
    for (uint32_t k = qc->prof_off[p]; k < qc->prof_off[p + 1]; k++) {
        const bs_qc_fac *e = &qc->fac[k];
        if (!bs_qc_visible(c, qc, fc->gvis, e->graph)) continue;
        bs_quad q = { 0, qc->preds[e->pred], e->val, qc->graphs[e->graph] };
        on_quad(c, f, &q, s);
    }
}

static bool filters_pass(const bs_qfilter *f, const scan_state *s)
{
    return (!f->has_type || s->type_ok) && (!f->wp || s->wp_ok) &&
           (!f->size || s->size_ok) && (!f->format || s->format_ok);
}

static bs_status count_n(bs_idmap *m, bs_id key, uint32_t n)
{
    uint32_t *e = bs_idmap_get(m, key);
    if (e) { *e += n; return BS_OK; }
    return bs_idmap_put(m, key, n);
}

static bs_status count_state(bs_qfacets *fc, const scan_state *s, uint32_t n)
{
    bs_status st = BS_OK;
    for (int k = 0; k < BS_NFACETS; k++)
        for (size_t i = 0; st == BS_OK && i < s->n[k]; i++) st = count_n(&fc->counts[k], s->v[k][i], n);
    return st;
}

/* The cached path: filters decided once per profile, facet values
 * counted per profile (bs_qfacets_finish adds them up). */
static bs_status apply_profile(bs_qctx *c, const bs_qfilter *f, bs_qfacets *fc,
                               uint32_t p, bs_access level, bool *pass)
{
    const bs_qcache *qc = fc->qc;
    if (!fc->pstate) {
        fc->pstate = calloc(qc->nprof, sizeof *fc->pstate);
        fc->pcount = calloc(qc->nprof, sizeof *fc->pcount);
        if (!fc->pstate || !fc->pcount) return BS_ERR_NOMEM;
    }
    if (!fc->pstate[p]) {
        scan_state s = { 0 };
        profile_scan(c, f, fc, p, &s);
        fc->pstate[p] = filters_pass(f, &s) ? 1 : -1;
    }
    *pass = fc->pstate[p] > 0;
    if (!*pass || !fc->on) return BS_OK;
    fc->pcount[p]++;
    fc->acc[(unsigned)level < 3 ? level : BS_ACCESS_CONFIDENTIAL]++;
    return BS_OK;
}

/* Access level of cached graph gi (decided once per query in glevel). */
static bs_status cached_level(bs_qctx *c, bs_qfacets *fc, uint16_t gi, bs_access *out)
{
    if (!fc->glevel && !(fc->glevel = calloc(fc->qc->ngraphs ? fc->qc->ngraphs : 1, 1)))
        return BS_ERR_NOMEM;
    if (!fc->glevel[gi])
        fc->glevel[gi] = (int8_t)(1 + bs_qvis_level(&c->vis, c->txn, fc->qc->graphs[gi]));
    *out = (bs_access)(fc->glevel[gi] - 1);
    return BS_OK;
}

static bool any_filter(const bs_qfilter *f)
{
    return f->has_type || f->wp || f->size || f->format;
}

bs_status bs_qfilter_cached_slow(bs_qctx *c, const bs_qfilter *f, bs_qfacets *fc, uint32_t prof,
                                 uint16_t gidx, bool *pass)
{
    bs_access level;
    bs_status st = cached_level(c, fc, gidx, &level);
    if (st != BS_OK) return st;
    *pass = f->access < 0 || (int)level == f->access;
    if (!*pass || (!fc->on && !any_filter(f))) return BS_OK;
    return apply_profile(c, f, fc, prof, level, pass);
}

bs_status bs_qfilter_apply(bs_qctx *c, const bs_qfilter *f, bs_qfacets *fc,
                           const bs_qres *r, bool *pass)
{
    if (fc->qc && r->sidx != BS_QRES_NO_SIDX)
        return bs_qfilter_cached(c, f, fc, r->prof, r->gidx, pass);
    bs_access level = bs_qvis_level(&c->vis, c->txn, r->graph);
    bs_status st;
    *pass = f->access < 0 || (int)level == f->access;
    if (!*pass || (!any_filter(f) && !fc->on)) return BS_OK;
    scan_state s = { 0 };
    st = scan_quads(c, f, fc, r, &s);
    if (st != BS_OK) return st;
    *pass = filters_pass(f, &s);
    if (!*pass || !fc->on) return BS_OK;
    if ((st = count_state(fc, &s, 1)) != BS_OK) return st;
    return count_n(&fc->counts[BS_FACET_ACCESS], (bs_id)level + 1, 1);
}

/* The per-profile counts into the facet tables. */
static bs_status add_profiles(bs_qctx *c, bs_qfacets *fc)
{
    static const bs_qfilter none = { .access = -1 };
    bs_status st = BS_OK;
    for (unsigned k = 0; st == BS_OK && k < 3; k++)
        if (fc->acc[k]) st = count_n(&fc->counts[BS_FACET_ACCESS], (bs_id)k + 1, fc->acc[k]);
    for (size_t p = 0; st == BS_OK && fc->pcount && p < fc->qc->nprof; p++) {
        if (!fc->pcount[p]) continue;
        scan_state s = { 0 };
        profile_scan(c, &none, fc, (uint32_t)p, &s);
        st = count_state(fc, &s, fc->pcount[p]);
    }
    return st;
}

/* ---- the facet arrays ------------------------------------------------- */

typedef struct {
    bs_id key;
    uint32_t n;
} kv;

static int cmp_kv(const void *a, const void *b)
{
    const kv *x = a, *y = b;
    if (x->n != y->n) return x->n > y->n ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* Display label of facet value key. */
static char *value_label(bs_qctx *c, int facet, bs_id key, const char *value)
{
    if (facet == BS_FACET_ACCESS || facet == BS_FACET_FORMAT) return strdup(value);
    if (facet != BS_FACET_WP) {
        char *l = bs_qlabel(c, key);
        if (l) return l;
    }
    const char *ln = bs_qlocal_name(value);
    if (facet == BS_FACET_SIZE && !strncmp(ln, "Size", 4) && ln[4]) ln += 4;
    return strdup(ln);
}

static bs_status one_facet(bs_qctx *c, int facet, const bs_idmap *m, bs_search_result *out)
{
    kv *v = malloc((m->n ? m->n : 1) * sizeof *v);
    size_t n = 0;
    if (!v) return BS_ERR_NOMEM;
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) v[n++] = (kv){ m->keys[i], m->vals[i] };
    if (n > 1) qsort(v, n, sizeof *v, cmp_kv);
    if (n > FACET_MAX_VALUES) n = FACET_MAX_VALUES;
    out->facets[facet] = calloc(n + 1, sizeof *out->facets[facet]);
    bs_status st = out->facets[facet] ? BS_OK : BS_ERR_NOMEM;
    for (size_t i = 0; st == BS_OK && i < n; i++) {
        bs_search_facet_value *fv = &out->facets[facet][out->nfacets[facet]];
        fv->value = facet == BS_FACET_ACCESS ? strdup(access_names[(v[i].key - 1) % 3])
                                             : bs_qterm_str(c->txn, v[i].key);
        if (!fv->value) continue; /* a term gone: skip it */
        fv->label = value_label(c, facet, v[i].key, fv->value);
        fv->count = v[i].n;
        out->nfacets[facet]++;
        if (!fv->label) st = BS_ERR_NOMEM;
    }
    free(v);
    return st;
}

bs_status bs_qfacets_finish(bs_qctx *c, bs_qfacets *fc, bs_search_result *out)
{
    bs_status pst = add_profiles(c, fc);
    if (pst != BS_OK) return pst;
    for (int k = 0; k < BS_NFACETS; k++) {
        bs_status st = one_facet(c, k, &fc->counts[k], out);
        if (st != BS_OK) return st;
    }
    return BS_OK;
}

void bs_qfacets_free(bs_qfacets *fc)
{
    for (int k = 0; k < BS_NFACETS; k++) bs_idmap_free(&fc->counts[k]);
    bs_iter_free(fc->it);
    fc->it = NULL;
    free(fc->pstate);
    free(fc->pcount);
    free(fc->glevel);
    fc->glevel = NULL;
    fc->pstate = NULL;
    fc->pcount = NULL;
}
