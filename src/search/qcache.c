/* SPDX-License-Identifier: MIT
 * battstore — search's per-snapshot digest (see qcache.h): built by one
 * pass over the quads of the indexed, "about" and facet predicates, kept
 * per search handle until the store commits a newer snapshot.
 *
 * The build runs in the background: a search that finds its handle's
 * cache missing or stale starts one builder thread (at most one per
 * handle at a time) and answers through the seek path meanwhile; the
 * builder reads the newest snapshot in its own read transaction and
 * installs its cache, which serves the searches of exactly that snapshot.
 * A stale cache leaves the slot as soon as a search of a newer snapshot
 * sees it (the searches still holding it free it), so two caches live
 * together only while older searches finish.
 *
 * Every entry keeps its graph, so visibility is decided by each query
 * (the digest holds no access decision: --set-access and role changes
 * need no invalidation beyond the new snapshot id). */
#include "config.h"
#include "search/qcache.h"
#include "search/qtok.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Predicates a cache holds (its entries keep a 16-bit predicate index):
 * the indexed ones, however many are configured, and 9 more.  A larger
 * configuration is refused (the build fails: searches take the seek
 * path) rather than cut, which would make the two paths differ. */
#define MAX_PREDS 65535
#define EXTRA_PREDS 9
#define MAX_GRAPHS 65535
#define MAX_SLOTS 8     ///< search handles with a cache

/* ---- the handles' caches (one mutex for all) ------------------------- */

/* A handle's slot.  At most one builder thread per slot, joined before
 * the next one starts and by bs_qcache_detach (which sets cancel first). */
typedef struct {
    bs_search *s;
    bs_qcache *qc;      ///< newest built cache (holds one reference)
    unsigned searches;  ///< searches seen (AUTO: build from the second)
    bool building;      ///< a build runs (thread or synchronous)
    bool joinable;      ///< thread holds a builder not joined yet
    int cancel;         ///< set by detach (atomic: the builder polls it)
    pthread_t thread;
    uint64_t failed;    ///< snapshot whose build failed (not retried)
    bs_qcache_stats st;
} slot;

static pthread_mutex_t qc_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qc_done = PTHREAD_COND_INITIALIZER; ///< a build ended
static slot slots[MAX_SLOTS];
static int qc_mode = -1;     ///< -1: not decided yet (environment, then AUTO)
static unsigned build_delay_ms; ///< tests: a builder waits this long first

uint64_t bs_qcache_txnid(bs_txn *txn)
{
    return bs_txn_id(txn);
}

void bs_qcache_set_mode(int mode)
{
    pthread_mutex_lock(&qc_lock);
    qc_mode = mode;
    pthread_mutex_unlock(&qc_lock);
}

void bs_qcache_set_build_delay(unsigned ms)
{
    pthread_mutex_lock(&qc_lock);
    build_delay_ms = ms;
    pthread_mutex_unlock(&qc_lock);
}

static void qc_free(bs_qcache *qc)
{
    if (!qc) return;
    free(qc->subj);
    free(qc->graphs);
    free(qc->preds);
    free(qc->lits.hash);
    free(qc->classes.hash);
    free(qc->lits.keys);
    free(qc->lits.off);
    free(qc->lits.ent);
    free(qc->classes.keys);
    free(qc->classes.off);
    free(qc->classes.ent);
    free(qc->prof);
    free(qc->prof_off);
    free(qc->fac);
    free(qc->cls);
    bs_qtoks_free(qc->toks);
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

/* Drop the slot's reference to its cache (under qc_lock); returns the
 * cache when that was the last reference (the caller frees it unlocked). */
static bs_qcache *slot_drop(slot *sl)
{
    bs_qcache *qc = sl->qc;
    sl->qc = NULL;
    return qc && --qc->refs == 0 ? qc : NULL;
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
    bool join = sl && sl->joinable;
    pthread_t th = join ? sl->thread : (pthread_t){ 0 };
    if (sl) {
        __atomic_store_n(&sl->cancel, 1, __ATOMIC_RELAXED);
        sl->joinable = false;
    }
    pthread_mutex_unlock(&qc_lock);
    if (join) pthread_join(th, NULL); /* it stops at its next poll of cancel */
    pthread_mutex_lock(&qc_lock);
    bs_qcache *old = NULL;
    if ((sl = slot_of(s, false))) {
        old = slot_drop(sl);
        *sl = (slot){ 0 };
    }
    pthread_cond_broadcast(&qc_done);
    pthread_mutex_unlock(&qc_lock);
    qc_free(old);
}

void bs_qcache_wait(bs_search *s)
{
    pthread_mutex_lock(&qc_lock);
    slot *sl;
    while ((sl = slot_of(s, false)) && sl->building) pthread_cond_wait(&qc_done, &qc_lock);
    pthread_mutex_unlock(&qc_lock);
}

void bs_qcache_stats_get(bs_search *s, bs_qcache_stats *out)
{
    pthread_mutex_lock(&qc_lock);
    slot *sl = slot_of(s, false);
    *out = sl ? sl->st : (bs_qcache_stats){ 0 };
    if (sl) {
        out->building = sl->building;
        out->txnid = sl->qc ? sl->qc->txnid : 0;
        out->build_ms = sl->qc ? sl->qc->build_ms : 0;
    }
    pthread_mutex_unlock(&qc_lock);
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
    const int *cancel;  ///< polled: nonzero stops the build (NULL: never)
    bs_search_ids ids;  ///< copies taken under s->lock (refresh may run)
    bs_search_pred *preds;  ///< copy of s->preds (malloc'ed)
    size_t npreds;
    bs_qcache *qc;
    bs_idmap subj_ix, graph_ix;
    size_t subj_cap, graph_cap;
    tupvec lits, classes, facs;
    bs_id owl_class, rdfs_class;   ///< 0 when not in the store
    uint32_t *clsv;     ///< subjects that may be classes (indexes, repeats allowed)
    size_t ncls, capcls;
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

/* Field of indexed predicate p (from the builder's copy), or -1. */
static int pred_field(const builder *b, bs_id p)
{
    for (size_t i = 0; i < b->npreds; i++)
        if (b->preds[i].pred == p) return (int)b->preds[i].field;
    return -1;
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

static bs_status cls_push(builder *b, uint32_t si)
{
    if (b->ncls == b->capcls) {
        size_t cap = b->capcls ? 2 * b->capcls : 1024;
        uint32_t *v = realloc(b->clsv, cap * sizeof *v);
        if (!v) return BS_ERR_NOMEM;
        b->clsv = v;
        b->capcls = cap;
    }
    b->clsv[b->ncls++] = si;
    return BS_OK;
}

/* Whether quad q may make its subject a class (bs_qis_class's quads). */
static bool class_quad(const builder *b, const bs_quad *q)
{
    if (q->p == b->ids.rdfs_subclass) return true;
    return q->p == b->ids.rdf_type && q->o && (q->o == b->owl_class || q->o == b->rdfs_class);
}

/* Every quad of predicate pi into the builder's vectors. */
static bs_status scan_pred(builder *b, uint16_t pi, bs_iter **it)
{
    bs_qcache *qc = b->qc;
    bs_id p = qc->preds[pi];
    bool field = pred_field(b, p) >= 0, via = is_via(&b->ids, p);
    bool facet = is_facet(&b->ids, p);
    bool sub = p == b->ids.rdfs_subclass;
    bs_quad pat = { BS_ANY, p, BS_ANY, BS_ANY }, q;
    bs_status st = *it ? bs_iter_reset(*it, &pat) : bs_iter_new(b->txn, &pat, it);
    if (st != BS_OK) return st;
    for (unsigned tick = 1; (st = bs_iter_next(*it, &q)) == BS_OK; tick++) {
        if (!(tick & 4095) && b->cancel && __atomic_load_n(b->cancel, __ATOMIC_RELAXED))
            return BS_ERR_TIMEOUT;
        bool lit = bs_id_kind(q.o) >= BS_TERM_LITERAL;
        if (!(field && lit) && !(via && !lit) && !facet && !sub) continue;
        uint32_t si, gi;
        st = intern(&b->subj_ix, q.s, q.s, &qc->subj, &qc->nsubj, &b->subj_cap, UINT32_MAX - 1, &si);
        if (st == BS_OK && class_quad(b, &q)) st = cls_push(b, si);
        if (st == BS_OK && !(field && lit) && !(via && !lit) && !facet) continue;
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
static inline size_t key_slot(bs_id key, unsigned bits)
{
    return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
}

/* t's hash table: at most half full. */
static bs_status make_hash(bs_qc_csr *t)
{
    unsigned bits = 4;
    while (((size_t)1 << bits) < 2 * t->nkeys) bits++;
    size_t mask = ((size_t)1 << bits) - 1;
    if (!(t->hash = calloc(mask + 1, sizeof *t->hash))) return BS_ERR_NOMEM;
    t->hbits = bits;
    for (size_t i = 0; i < t->nkeys; i++) {
        size_t h = key_slot(t->keys[i], bits);
        while (t->hash[h]) h = (h + 1) & mask;
        t->hash[h] = (uint32_t)i + 1;
    }
    return BS_OK;
}

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
    return make_hash(t);
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

/* The class bits of the subjects noted by scan_pred. */
static bs_status make_class_bits(builder *b)
{
    bs_qcache *qc = b->qc;
    qc->cls = calloc((qc->nsubj + 63) / 64 + 1, sizeof *qc->cls);
    if (!qc->cls) return BS_ERR_NOMEM;
    for (size_t i = 0; i < b->ncls; i++) qc->cls[b->clsv[i] >> 6] |= 1ull << (b->clsv[i] & 63);
    return BS_OK;
}

static bs_id lookup_iri(bs_txn *txn, const char *iri)
{
    bs_term t = bs_term_iri(iri, strlen(iri));
    bs_id id = 0;
    if (bs_dict_lookup(txn, &t, &id) != BS_OK) id = 0;
    return id;
}

/* The predicates to scan: indexed ones, "about" links, facets, and
 * rdfs:subClassOf (which subjects may be classes). */
static bs_status pick_preds(builder *b)
{
    const bs_search_ids *ids = &b->ids;
    if (b->npreds > MAX_PREDS - EXTRA_PREDS) return BS_ERR_UNSUPPORTED;
    bs_id *cand = malloc((b->npreds + EXTRA_PREDS) * sizeof *cand);
    size_t n = 0;
    if (!cand) return BS_ERR_NOMEM;
    for (size_t i = 0; i < b->npreds; i++) cand[n++] = b->preds[i].pred;
    const bs_id more[] = { ids->rdf_type, ids->dcat_theme, ids->dct_subject, ids->dmp_about,
                           ids->dmp_produced_by, ids->dmp_work_package, ids->dct_format,
                           ids->dmp_size_class, ids->rdfs_subclass };
    _Static_assert(sizeof more / sizeof *more == EXTRA_PREDS, "EXTRA_PREDS");
    for (size_t i = 0; i < EXTRA_PREDS; i++) cand[n++] = more[i];
    b->qc->preds = malloc(n * sizeof *b->qc->preds);
    for (size_t i = 0; b->qc->preds && i < n; i++) {
        bool dup = !cand[i];
        for (size_t j = 0; j < b->qc->npreds && !dup; j++) dup = b->qc->preds[j] == cand[i];
        if (!dup) b->qc->preds[b->qc->npreds++] = cand[i];
    }
    free(cand);
    return b->qc->preds ? BS_OK : BS_ERR_NOMEM;
}

/* The search handle's predicate and well-known ids, copied under its lock
 * (after a refresh in txn: terms written since the attach). */
static bs_status copy_ids(builder *b)
{
    bs_search *s = b->s;
    bs_status st = BS_OK;
    (void)bs_search_ids_refresh(s, b->txn);
    pthread_mutex_lock(&s->lock);
    b->ids = s->ids;
    b->preds = malloc((s->npreds ? s->npreds : 1) * sizeof *b->preds);
    if (b->preds) {
        memcpy(b->preds, s->preds, s->npreds * sizeof *b->preds);
        b->npreds = s->npreds;
    } else {
        st = BS_ERR_NOMEM;
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

/* The cache of txn's snapshot into *out (reference count 1).  cancel:
 * polled while scanning (BS_ERR_TIMEOUT when set). */
static bs_status build(bs_search *s, bs_txn *txn, const int *cancel, bs_qcache **out)
{
    double t0 = bs_qnow();
    builder b = { .s = s, .txn = txn, .cancel = cancel };
    bs_iter *it = NULL;
    bs_status st;
    *out = NULL;
    b.qc = calloc(1, sizeof *b.qc);
    if (!b.qc) return BS_ERR_NOMEM;
    b.qc->txnid = bs_qcache_txnid(txn);
    TRY(st, copy_ids(&b));
    b.owl_class = lookup_iri(txn, BS_OWL "Class");
    b.rdfs_class = lookup_iri(txn, BS_RDFS "Class");
    TRY(st, pick_preds(&b));
    for (size_t i = 0; i < b.qc->npreds; i++) TRY(st, scan_pred(&b, (uint16_t)i, &it));
    TRY(st, make_class_bits(&b));
    TRY(st, make_profiles(&b));
    TRY(st, make_csr(b.qc, &b.lits, &b.qc->lits));
    TRY(st, make_csr(b.qc, &b.classes, &b.qc->classes));
    if (!(b.qc->toks = bs_qtoks_new())) { st = BS_ERR_NOMEM; goto fail; }
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
    free(b.clsv);
    free(b.preds);
    qc_free(b.qc);
    return st;
}

/* ---- the background builder ------------------------------------------ */

/* A build's end (under qc_lock): install fresh unless it is cancelled or
 * not newer than the slot's; returns what the caller frees unlocked. */
static bs_qcache *install(slot *sl, bs_qcache *fresh, bs_qcache **spare)
{
    bs_qcache *old = NULL;
    *spare = NULL;
    if (fresh && !__atomic_load_n(&sl->cancel, __ATOMIC_RELAXED) &&
        (!sl->qc || sl->qc->txnid < fresh->txnid)) {
        old = slot_drop(sl);
        sl->qc = fresh;
        sl->st.built++;
    } else {
        *spare = fresh;
    }
    sl->building = false;
    pthread_cond_broadcast(&qc_done);
    return old;
}

/* The builder thread: its own read transaction (the newest snapshot,
 * which may be newer than the search's that started it). */
static void *builder_main(void *arg)
{
    slot *sl = arg;             /* stays valid: detach joins us first */
    bs_search *s = sl->s;
    bs_txn *txn = NULL;
    bs_qcache *fresh = NULL, *old, *spare;
    pthread_mutex_lock(&qc_lock);
    unsigned delay = build_delay_ms;
    pthread_mutex_unlock(&qc_lock);
    for (unsigned i = 0; i < delay && !__atomic_load_n(&sl->cancel, __ATOMIC_RELAXED); i++)
        nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
    bs_status st = BS_ERR_TIMEOUT;
    uint64_t id = 0;
    if (!__atomic_load_n(&sl->cancel, __ATOMIC_RELAXED) &&
        (st = bs_txn_begin(s->store, false, &txn)) == BS_OK) {
        id = bs_txn_id(txn);
        st = build(s, txn, &sl->cancel, &fresh);
        bs_txn_abort(txn);
    }
    pthread_mutex_lock(&qc_lock);
    if (st != BS_OK && st != BS_ERR_TIMEOUT) {
        sl->failed = id;
        sl->st.failed++;
    }
    old = install(sl, fresh, &spare);
    pthread_mutex_unlock(&qc_lock);
    qc_free(old);
    qc_free(spare);
    return NULL;
}

/* Start sl's builder (under qc_lock; no build runs).  The previous
 * builder has ended (building was false): joining it does not wait. */
static void start_builder(slot *sl)
{
    if (sl->joinable) pthread_join(sl->thread, NULL);
    sl->joinable = false;
    sl->building = true;
    sl->st.builds++;
    if (pthread_create(&sl->thread, NULL, builder_main, sl) == 0) {
        sl->joinable = true;
    } else {
        sl->building = false;
        sl->st.failed++;
    }
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

/* BS_QCACHE_SYNC: build in the caller's thread and transaction. */
static bs_qcache *build_here(bs_search *s, bs_txn *txn)
{
    bs_qcache *fresh = NULL, *old, *spare, *qc = NULL;
    bs_status st = build(s, txn, NULL, &fresh);
    pthread_mutex_lock(&qc_lock);
    slot *sl = slot_of(s, false);
    if (!sl) {                         /* detached meanwhile: use it once */
        pthread_mutex_unlock(&qc_lock);
        return fresh;
    }
    if (st != BS_OK) sl->failed = bs_txn_id(txn), sl->st.failed++;
    old = install(sl, fresh, &spare);
    if (sl->qc && sl->qc->txnid == bs_txn_id(txn)) { qc = sl->qc; qc->refs++; }
    pthread_mutex_unlock(&qc_lock);
    qc_free(old);
    if (!qc) qc = spare;               /* not installed (older): use it once */
    else qc_free(spare);
    return qc;
}

bs_qcache *bs_qcache_acquire(bs_search *s, bs_txn *txn)
{
    if (!s || bs_txn_writable(txn)) return NULL;
    uint64_t id = bs_txn_id(txn);
    bs_qcache *qc = NULL, *old = NULL;
    bool here = false;
    pthread_mutex_lock(&qc_lock);
    int mode = mode_now();
    slot *sl = mode == BS_QCACHE_OFF ? NULL : slot_of(s, true);
    if (sl) sl->searches++;
    if (sl && sl->qc && sl->qc->txnid == id) {
        qc = sl->qc;
        qc->refs++;
        sl->st.hits++;
    } else if (sl) {
        sl->st.misses++;
        /* a newer snapshot exists: the slot's cache serves no new search */
        if (sl->qc && sl->qc->txnid < id) old = slot_drop(sl);
        bool want = !sl->qc && !sl->building && sl->failed != id && !sl->cancel &&
                    (mode != BS_QCACHE_AUTO || sl->searches > 1);
        if (want && mode == BS_QCACHE_SYNC) here = sl->building = true, sl->st.builds++;
        else if (want) start_builder(sl);
    }
    pthread_mutex_unlock(&qc_lock);
    qc_free(old);
    if (here) qc = build_here(s, txn);
    return qc;
}

const bs_qc_ent *bs_qc_lookup(const bs_qc_csr *t, bs_id key, size_t *at, size_t *n)
{
    size_t mask = ((size_t)1 << t->hbits) - 1;
    *n = 0;
    for (size_t h = key_slot(key, t->hbits); t->hash[h]; h = (h + 1) & mask) {
        size_t i = t->hash[h] - 1;
        if (t->keys[i] != key) continue;
        *at = i;
        *n = t->off[i + 1] - t->off[i];
        return &t->ent[t->off[i]];
    }
    return NULL;
}
