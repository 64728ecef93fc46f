/* SPDX-License-Identifier: MIT
 * battstore — search's per-snapshot digest (see qcache.h): built by one
 * pass over the quads of the indexed, "about" and facet predicates, kept
 * per search handle until the store commits a newer snapshot.
 *
 * Every entry keeps its graph, so visibility is decided by each query
 * (the digest holds no access decision: --set-access and role changes
 * need no invalidation beyond the new snapshot id). */
#include "config.h"
#include "search/qcache.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PREDS 64
#define MAX_GRAPHS 65535
#define MAX_SLOTS 8     ///< search handles with a cache

/* ---- the handles' caches (one mutex for all) ------------------------- */

typedef struct {
    bs_search *s;
    bs_qcache *qc;      ///< newest built cache (holds one reference)
    unsigned searches;  ///< searches seen (AUTO: build from the second)
    bool building;
} slot;

static pthread_mutex_t qc_lock = PTHREAD_MUTEX_INITIALIZER;
static slot slots[MAX_SLOTS];
static int qc_mode = -1;     ///< -1: not decided yet (environment, then AUTO)

uint64_t bs_qcache_txnid(bs_txn *txn)
{
    return (uint64_t)mdb_txn_id(txn->txn);
}

void bs_qcache_set_mode(int mode)
{
    pthread_mutex_lock(&qc_lock);
    qc_mode = mode;
    pthread_mutex_unlock(&qc_lock);
}

static void qc_free(bs_qcache *qc)
{
    if (!qc) return;
    free(qc->subj);
    free(qc->graphs);
    free(qc->preds);
    free(qc->lits.keys);
    free(qc->lits.off);
    free(qc->lits.ent);
    free(qc->classes.keys);
    free(qc->classes.off);
    free(qc->classes.ent);
    free(qc->prof);
    free(qc->prof_off);
    free(qc->fac);
    free(qc);
}

/* The slot of s (create: claim a free one); NULL when none. */
static slot *slot_of(bs_search *s, bool create)
{
    slot *free_slot = NULL;
    for (size_t i = 0; i < MAX_SLOTS; i++) {
        if (slots[i].s == s) return &slots[i];
        if (!slots[i].s && !free_slot) free_slot = &slots[i];
    }
    if (!create || !free_slot) return NULL;
    *free_slot = (slot){ .s = s };
    return free_slot;
}

void bs_qcache_release(bs_qcache *qc)
{
    if (!qc) return;
    pthread_mutex_lock(&qc_lock);
    bool last = --qc->refs == 0;
    pthread_mutex_unlock(&qc_lock);
    if (last) qc_free(qc);
}

void bs_qcache_detach(bs_search *s)
{
    pthread_mutex_lock(&qc_lock);
    slot *sl = slot_of(s, false);
    bs_qcache *old = NULL;
    if (sl) {
        if (sl->qc && --sl->qc->refs == 0) old = sl->qc;
        *sl = (slot){ 0 };
    }
    pthread_mutex_unlock(&qc_lock);
    qc_free(old);
}

/* ---- the build --------------------------------------------------------- */

/* A quad as collected: key (literal, class or subject index), the other
 * end, predicate and graph indexes. */
typedef struct {
    bs_id key;
    bs_id val;          ///< facet value (facets only)
    uint32_t subj;
    uint16_t pred, graph;
} tup;

typedef struct {
    tup *v;
    size_t n, cap;
} tupvec;

typedef struct {
    bs_search *s;
    bs_txn *txn;
    bs_qcache *qc;
    bs_idmap subj_ix, graph_ix;
    size_t subj_cap, graph_cap;
    tupvec lits, classes, facs;
} builder;

static bs_status tup_push(tupvec *t, const tup *x)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 4096;
        tup *v = realloc(t->v, cap * sizeof *v);
        if (!v) return BS_ERR_NOMEM;
        t->v = v;
        t->cap = cap;
    }
    t->v[t->n++] = *x;
    return BS_OK;
}

/* Dense index of id in map (appending it to *arr), stored +1 in the map. */
static bs_status intern(bs_idmap *map, bs_id key, bs_id id, bs_id **arr, size_t *n,
                        size_t *cap, size_t max, uint32_t *out)
{
    uint32_t *e = bs_idmap_get(map, key);
    if (e) { *out = *e - 1; return BS_OK; }
    if (*n >= max) return BS_ERR_UNSUPPORTED;
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 1024;
        bs_id *v = realloc(*arr, c * sizeof *v);
        if (!v) return BS_ERR_NOMEM;
        *arr = v;
        *cap = c;
    }
    (*arr)[*n] = id;
    *out = (uint32_t)*n;
    (*n)++;
    return bs_idmap_put(map, key, *out + 1);
}

static bool is_via(const bs_search_ids *ids, bs_id p)
{
    return p && (p == ids->rdf_type || p == ids->dcat_theme || p == ids->dct_subject ||
                 p == ids->dmp_about);
}

static bool is_facet(const bs_search_ids *ids, bs_id p)
{
    return p && (p == ids->rdf_type || p == ids->dmp_produced_by ||
                 p == ids->dmp_work_package || p == ids->dct_format ||
                 p == ids->dmp_size_class);
}

/* Every quad of predicate pi into the builder's vectors. */
static bs_status scan_pred(builder *b, uint16_t pi, bs_iter **it)
{
    bs_qcache *qc = b->qc;
    bs_id p = qc->preds[pi];
    bool field = bs_search_pred_field(b->s, p) >= 0, via = is_via(&b->s->ids, p);
    bool facet = is_facet(&b->s->ids, p);
    bs_quad pat = { BS_ANY, p, BS_ANY, BS_ANY }, q;
    bs_status st = *it ? bs_iter_reset(*it, &pat) : bs_iter_new(b->txn, &pat, it);
    if (st != BS_OK) return st;
    while ((st = bs_iter_next(*it, &q)) == BS_OK) {
        bool lit = bs_id_kind(q.o) >= BS_TERM_LITERAL;
        if (!(field && lit) && !(via && !lit) && !facet) continue;
        uint32_t si, gi;
        st = intern(&b->subj_ix, q.s, q.s, &qc->subj, &qc->nsubj, &b->subj_cap, UINT32_MAX - 1, &si);
        if (st == BS_OK)
            st = intern(&b->graph_ix, q.g + 1, q.g, &qc->graphs, &qc->ngraphs, &b->graph_cap,
                        MAX_GRAPHS, &gi);
        if (st != BS_OK) return st;
        tup t = { .key = q.o, .val = q.o, .subj = si, .pred = pi, .graph = (uint16_t)gi };
        if (field && lit && (st = tup_push(&b->lits, &t)) != BS_OK) return st;
        if (via && !lit && (st = tup_push(&b->classes, &t)) != BS_OK) return st;
        t.key = si;
        if (facet && (st = tup_push(&b->facs, &t)) != BS_OK) return st;
    }
    return st == BS_END ? BS_OK : st;
}

static int cmp_tup(const void *a, const void *b)
{
    const tup *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    if (x->subj != y->subj) return x->subj < y->subj ? -1 : 1;
    if (x->pred != y->pred) return x->pred < y->pred ? -1 : 1;
    if (x->graph != y->graph) return x->graph < y->graph ? -1 : 1;
    return x->val < y->val ? -1 : x->val > y->val;
}

/* Tuples → CSR table t (after the profiles: entries carry them). */
static bs_status make_csr(const bs_qcache *qc, tupvec *tv, bs_qc_csr *t)
{
    if (tv->n) qsort(tv->v, tv->n, sizeof *tv->v, cmp_tup);
    t->ent = malloc((tv->n ? tv->n : 1) * sizeof *t->ent);
    t->off = malloc((tv->n + 1) * sizeof *t->off);
    t->keys = malloc((tv->n ? tv->n : 1) * sizeof *t->keys);
    if (!t->ent || !t->off || !t->keys) return BS_ERR_NOMEM;
    for (size_t i = 0; i < tv->n; i++) {
        if (i == 0 || tv->v[i].key != tv->v[i - 1].key) {
            t->off[t->nkeys] = (uint32_t)i;
            t->keys[t->nkeys++] = tv->v[i].key;
        }
        uint32_t si = tv->v[i].subj;
        t->ent[i] = (bs_qc_ent){ qc->subj[si], si, qc->prof[si], tv->v[i].pred, tv->v[i].graph };
    }
    t->off[t->nkeys] = (uint32_t)tv->n;
    t->nent = tv->n;
    return BS_OK;
}

static uint64_t run_hash(const tup *v, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    for (size_t i = 0; i < n; i++) {
        h ^= v[i].val + ((uint64_t)v[i].pred << 48) + ((uint64_t)v[i].graph << 32);
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
    }
    return h;
}

static bool same_run(const bs_qcache *qc, uint32_t p, const tup *v, size_t n)
{
    if (qc->prof_off[p + 1] - qc->prof_off[p] != n) return false;
    const bs_qc_fac *f = &qc->fac[qc->prof_off[p]];
    for (size_t i = 0; i < n; i++)
        if (f[i].val != v[i].val || f[i].pred != v[i].pred || f[i].graph != v[i].graph)
            return false;
    return true;
}

/* The profile of the facet quads v[0..n) of one subject (new: appended). */
static bs_status profile_of(builder *b, bs_idmap *seen, const tup *v, size_t n, uint32_t *out)
{
    bs_qcache *qc = b->qc;
    uint64_t h = run_hash(v, n);
    for (;; h++) {
        uint32_t *e = bs_idmap_get(seen, h ? h : 1);
        if (!e) break;
        if (same_run(qc, *e, v, n)) { *out = *e; return BS_OK; }
    }
    uint32_t p = (uint32_t)qc->nprof++;
    qc->prof_off[p + 1] = qc->prof_off[p] + (uint32_t)n;
    for (size_t i = 0; i < n; i++)
        qc->fac[qc->prof_off[p] + i] = (bs_qc_fac){ v[i].val, v[i].pred, v[i].graph };
    *out = p;
    return bs_idmap_put(seen, h ? h : 1, p);
}

/* Facet tuples (key = subject index) → profiles. */
static bs_status make_profiles(builder *b)
{
    bs_qcache *qc = b->qc;
    tupvec *tv = &b->facs;
    bs_idmap seen = { 0 };
    bs_status st = BS_OK;
    if (tv->n) qsort(tv->v, tv->n, sizeof *tv->v, cmp_tup);
    qc->fac = malloc((tv->n ? tv->n : 1) * sizeof *qc->fac);
    qc->prof_off = calloc(qc->nsubj + 2, sizeof *qc->prof_off);
    qc->prof = calloc(qc->nsubj ? qc->nsubj : 1, sizeof *qc->prof);
    if (!qc->fac || !qc->prof_off || !qc->prof) return BS_ERR_NOMEM;
    qc->nprof = 1;                       /* profile 0: no facet quads */
    for (size_t k = 0; st == BS_OK && k < tv->n;) {
        size_t e = k;
        while (e < tv->n && tv->v[e].key == tv->v[k].key) e++;
        /* distinct quads only (a quad may sit in two graphs: both kept) */
        size_t m = k;
        for (size_t i = k; i < e; i++)
            if (i == k || cmp_tup(&tv->v[i], &tv->v[m - 1])) tv->v[m++] = tv->v[i];
        st = profile_of(b, &seen, &tv->v[k], m - k, &qc->prof[tv->v[k].key]);
        k = e;
    }
    bs_idmap_free(&seen);
    return st;
}

/* The predicates to scan: indexed ones, "about" links, facets. */
static bs_status pick_preds(builder *b)
{
    const bs_search_ids *ids = &b->s->ids;
    bs_id cand[MAX_PREDS];
    size_t n = 0;
    for (size_t i = 0; i < b->s->npreds && n < MAX_PREDS - 9; i++) cand[n++] = b->s->preds[i].pred;
    const bs_id more[] = { ids->rdf_type, ids->dcat_theme, ids->dct_subject, ids->dmp_about,
                           ids->dmp_produced_by, ids->dmp_work_package, ids->dct_format,
                           ids->dmp_size_class };
    for (size_t i = 0; i < sizeof more / sizeof *more; i++) cand[n++] = more[i];
    b->qc->preds = malloc(n * sizeof *b->qc->preds);
    if (!b->qc->preds) return BS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        bool dup = !cand[i];
        for (size_t j = 0; j < b->qc->npreds && !dup; j++) dup = b->qc->preds[j] == cand[i];
        if (!dup) b->qc->preds[b->qc->npreds++] = cand[i];
    }
    return BS_OK;
}

static bs_status build(bs_search *s, bs_txn *txn, bs_qcache **out)
{
    double t0 = bs_qnow();
    builder b = { .s = s, .txn = txn };
    bs_iter *it = NULL;
    bs_status st;
    b.qc = calloc(1, sizeof *b.qc);
    if (!b.qc) return BS_ERR_NOMEM;
    b.qc->txnid = bs_qcache_txnid(txn);
    TRY(st, pick_preds(&b));
    for (size_t i = 0; i < b.qc->npreds; i++) TRY(st, scan_pred(&b, (uint16_t)i, &it));
    TRY(st, make_profiles(&b));
    TRY(st, make_csr(b.qc, &b.lits, &b.qc->lits));
    TRY(st, make_csr(b.qc, &b.classes, &b.qc->classes));
    b.qc->build_ms = (bs_qnow() - t0) * 1e3;
    b.qc->refs = 1;
    *out = b.qc;
    b.qc = NULL;
fail:
    bs_iter_free(it);
    bs_idmap_free(&b.subj_ix);
    bs_idmap_free(&b.graph_ix);
    free(b.lits.v);
    free(b.classes.v);
    free(b.facs.v);
    qc_free(b.qc);
    return st;
}

/* ---- acquire ------------------------------------------------------------ */

static int mode_now(void)
{
    if (qc_mode < 0) {
        const char *e = getenv("BATTSTORE_SEARCH_CACHE");
        qc_mode = e && *e == '0' ? BS_QCACHE_OFF : e && *e == '1' ? BS_QCACHE_ON : BS_QCACHE_AUTO;
    }
    return qc_mode;
}

bs_qcache *bs_qcache_acquire(bs_search *s, bs_txn *txn)
{
    if (!s || bs_txn_writable(txn)) return NULL;
    uint64_t id = bs_qcache_txnid(txn);
    bs_qcache *qc = NULL;
    pthread_mutex_lock(&qc_lock);
    int mode = mode_now();
    slot *sl = mode == BS_QCACHE_OFF ? NULL : slot_of(s, true);
    bool build_it = false;
    if (sl) {
        sl->searches++;
        if (sl->qc && sl->qc->txnid == id) { qc = sl->qc; qc->refs++; }
        else if (!sl->building && (mode == BS_QCACHE_ON || sl->searches > 1))
            build_it = sl->building = true;
    }
    pthread_mutex_unlock(&qc_lock);
    if (!build_it) return qc;
    bs_qcache *fresh = NULL, *old = NULL;
    if (build(s, txn, &fresh) != BS_OK) fresh = NULL;
    pthread_mutex_lock(&qc_lock);
    sl = slot_of(s, false);
    if (sl) sl->building = false;
    if (sl && fresh && (!sl->qc || sl->qc->txnid < fresh->txnid)) {
        if (sl->qc && --sl->qc->refs == 0) old = sl->qc;
        sl->qc = fresh;
        fresh->refs++;          /* the slot's reference and ours */
        qc = fresh;
        fresh = NULL;
    }
    pthread_mutex_unlock(&qc_lock);
    qc_free(old);
    if (fresh && !qc) qc = fresh;  /* detached meanwhile, or older: use it once */
    else qc_free(fresh);
    return qc;
}

const bs_qc_ent *bs_qc_lookup(const bs_qc_csr *t, bs_id key, size_t *at, size_t *n)
{
    size_t lo = *at < t->nkeys ? *at : t->nkeys, hi, step = 1;
    *n = 0;
    if (lo > 0 && t->keys[lo - 1] >= key) lo = 0;   /* behind us: from the start */
    hi = lo;
    while (hi < t->nkeys && t->keys[hi] < key) {    /* gallop */
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    if (hi > t->nkeys) hi = t->nkeys;
    while (lo < hi) {                               /* first key >= key in [lo, hi] */
        size_t mid = lo + (hi - lo) / 2;
        if (t->keys[mid] < key) lo = mid + 1;
        else hi = mid;
    }
    *at = lo;
    if (lo == t->nkeys || t->keys[lo] != key) return NULL;
    *n = t->off[lo + 1] - t->off[lo];
    return &t->ent[t->off[lo]];
}
