/* SPDX-License-Identifier: MIT
 * battstore — search query helpers: id hash tables, visibility cached
 * per graph, deadlines, term strings and labels. */
#include "config.h"
#include "search/query_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- id → u32 hash table (open addressing, linear probing) --------- */

static inline size_t id_hash(bs_id k, size_t cap)
{
    uint64_t x = k;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

static bs_status idmap_grow(bs_idmap *m)
{
    size_t cap = m->cap ? 2 * m->cap : 64;
    bs_id *keys = calloc(cap, sizeof *keys);
    uint32_t *vals = malloc(cap * sizeof *vals);
    if (!keys || !vals) { free(keys); free(vals); return BS_ERR_NOMEM; }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i]) continue;
        size_t h = id_hash(m->keys[i], cap);
        while (keys[h]) h = (h + 1) & (cap - 1);
        keys[h] = m->keys[i];
        vals[h] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return BS_OK;
}

bs_status bs_idmap_put(bs_idmap *m, bs_id key, uint32_t val)
{
    if (2 * (m->n + 1) > m->cap) {
        bs_status st = idmap_grow(m);
        if (st != BS_OK) return st;
    }
    size_t h = id_hash(key, m->cap);
    while (m->keys[h] && m->keys[h] != key) h = (h + 1) & (m->cap - 1);
    if (!m->keys[h]) { m->keys[h] = key; m->n++; }
    m->vals[h] = val;
    return BS_OK;
}

uint32_t *bs_idmap_get(const bs_idmap *m, bs_id key)
{
    if (!m->cap) return NULL;
    size_t h = id_hash(key, m->cap);
    while (m->keys[h]) {
        if (m->keys[h] == key) return &m->vals[h];
        h = (h + 1) & (m->cap - 1);
    }
    return NULL;
}

void bs_idmap_free(bs_idmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ---- visibility ------------------------------------------------------ */

/* The default graph is id 0, which the table cannot hold as a key. */
#define GKEY(g) ((g) + 1)

static uint32_t vis_entry(bs_qvis *v, bs_txn *txn, bs_id g)
{
    uint32_t *e = bs_idmap_get(&v->cache, GKEY(g));
    if (e) return *e;
    bs_access level = BS_ACCESS_PUBLIC;
    if (bs_graph_access(txn, g, &level) != BS_OK) level = BS_ACCESS_CONFIDENTIAL;
    bool ok = !v->fn || v->fn(v->ctx, g, level);
    uint32_t val = 1u + ((uint32_t)ok << 2 | (uint32_t)level);
    (void)bs_idmap_put(&v->cache, GKEY(g), val); /* a failed put only costs time */
    return val;
}

bool bs_qvis_ok(bs_qvis *v, bs_txn *txn, bs_id g)
{
    return ((vis_entry(v, txn, g) - 1) >> 2) & 1;
}

bs_access bs_qvis_level(bs_qvis *v, bs_txn *txn, bs_id g)
{
    return (bs_access)((vis_entry(v, txn, g) - 1) & 3);
}

void bs_qvis_free(bs_qvis *v) { bs_idmap_free(&v->cache); }

/* ---- time ------------------------------------------------------------ */

double bs_qnow(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bs_status bs_qclock_poll(bs_qclock *c)
{
    if (c->cancel && *c->cancel) return BS_ERR_TIMEOUT;
    if (c->deadline > 0 && bs_qnow() > c->deadline) return BS_ERR_TIMEOUT;
    return BS_OK;
}

/* ---- strings ---------------------------------------------------------- */

char *bs_qterm_str(bs_txn *txn, bs_id id)
{
    bs_term t;
    if (!id || bs_dict_get(txn, id, &t) != BS_OK) return NULL;
    return strndup(t.lex, t.lex_len);
}

const char *bs_qlocal_name(const char *iri)
{
    const char *h = strrchr(iri, '#'), *sl = strrchr(iri, '/');
    const char *p = h > sl ? h : sl;
    return p && p[1] ? p + 1 : iri;
}

/* Rank of a label's language: @en 0, none 1, other 2. */
static int lang_rank(const bs_term *t)
{
    if (t->kind != BS_TERM_LANG) return t->kind == BS_TERM_IRI ? 9 : 1;
    if (t->extra_len >= 2 && !strncmp(t->extra, "en", 2) &&
        (t->extra_len == 2 || t->extra[2] == '-'))
        return 0;
    return 2;
}

char *bs_qlabel(bs_qctx *c, bs_id subj)
{
    bs_txn *txn = c->txn;
    bs_qvis *v = &c->vis;
    const bs_id preds[] = { c->ids.rdfs_label, c->ids.skos_pref, c->ids.dct_title };
    char *best = NULL;
    int best_rank = 100;
    for (size_t i = 0; i < 3 && best_rank > 0; i++) {
        if (!preds[i]) continue;
        bs_quad pat = { subj, preds[i], BS_ANY, BS_ANY }, q;
        bs_iter *it;
        if (bs_qctx_iter(c, &pat, &it) != BS_OK) continue;
        while (best_rank > 0 && bs_iter_next(it, &q) == BS_OK) {
            bs_term t;
            if (!bs_qvis_ok(v, txn, q.g) || bs_dict_get(txn, q.o, &t) != BS_OK) continue;
            int r = lang_rank(&t) + 3 * (int)i; /* rdfs:label before prefLabel */
            if (lang_rank(&t) == 0) r = 0;
            if (r >= best_rank) continue;
            char *d = strndup(t.lex, t.lex_len);
            if (!d) break;
            free(best);
            best = d;
            best_rank = r;
        }
    }
    return best;
}

/* ---- freshness -------------------------------------------------------- */

bool bs_search_fresh_in(bs_search *s, bs_txn *txn)
{
    bool stale = true;
    if (!s || !txn || !s->usable || bs_txn_writable(txn)) return false;
    bs_status st = bs_store_hook_state(txn, "search", &stale);
    if (st == BS_NOT_FOUND) return true;   /* never registered: an empty store */
    return st == BS_OK && !stale;
}

/* ---- a query's context ------------------------------------------------ */

static bs_id lookup_iri(bs_txn *txn, const char *iri)
{
    bs_term t = bs_term_iri(iri, strlen(iri));
    bs_id id = 0;
    if (bs_dict_lookup(txn, &t, &id) != BS_OK) id = 0;
    return id;
}

/* s's ids and indexed predicates into c, under s->lock. */
static bs_status copy_ids(bs_qctx *c, bs_search *s)
{
    bs_status st = BS_OK;
    pthread_mutex_lock(&s->lock);
    c->ids = s->ids;
    size_t n = s->npreds;
    c->pred_ids = malloc((n ? n : 1) * sizeof *c->pred_ids);
    c->pred_fields = malloc(n ? n : 1);
    if (!c->pred_ids || !c->pred_fields) st = BS_ERR_NOMEM;
    for (size_t i = 0; st == BS_OK && i < n; i++) {
        c->pred_ids[i] = s->preds[i].pred;
        c->pred_fields[i] = (uint8_t)s->preds[i].field;
    }
    if (st == BS_OK) c->npreds = n;
    pthread_mutex_unlock(&s->lock);
    return st;
}

bs_status bs_qctx_init(bs_qctx *c, bs_search *s, bs_txn *txn,
                       bool (*visible)(void *, bs_id, bs_access), void *vctx,
                       double timeout, volatile int *cancel)
{
    memset(c, 0, sizeof *c);
    /* terms first written after attach (rdf:type into an empty store) */
    (void)bs_search_ids_refresh(s, txn);
    c->s = s;
    c->txn = txn;
    c->vis.fn = visible;
    c->vis.ctx = vctx;
    c->clock.deadline = timeout > 0 ? bs_qnow() + timeout : 0;
    c->clock.cancel = cancel;
    c->owl_class = lookup_iri(txn, BS_OWL "Class");
    c->rdfs_class = lookup_iri(txn, BS_RDFS "Class");
    c->owl_thing = lookup_iri(txn, BS_OWL "Thing");
    c->owl_named_ind = lookup_iri(txn, BS_OWL "NamedIndividual");
    return copy_ids(c, s);
}

int bs_qctx_pred_field(const bs_qctx *c, bs_id p)
{
    for (size_t i = 0; i < c->npreds; i++)
        if (c->pred_ids[i] == p) return (int)c->pred_fields[i];
    return -1;
}

bs_status bs_qctx_iter(bs_qctx *c, const bs_quad *pat, bs_iter **it)
{
    bs_status st = c->aux ? bs_iter_reset(c->aux, pat) : bs_iter_new(c->txn, pat, &c->aux);
    if (st != BS_OK) {
        bs_iter_free(c->aux); /* a failed reset leaves it only freeable */
        c->aux = NULL;
    }
    *it = c->aux;
    return st;
}

bool bs_qexists(bs_qctx *c, bs_id s, bs_id p, bs_id o)
{
    bs_quad pat = { s, p, o, BS_ANY }, q;
    bs_iter *it;
    if (bs_qctx_iter(c, &pat, &it) != BS_OK) return false;
    while (bs_iter_next(it, &q) == BS_OK)
        if (bs_qvis_ok(&c->vis, c->txn, q.g)) return true;
    return false;
}

void bs_qctx_free(bs_qctx *c)
{
    bs_iter_free(c->aux);
    bs_qvis_free(&c->vis);
    bs_idmap_free(&c->class_cache);
    free(c->pred_ids);
    free(c->pred_fields);
    c->pred_ids = NULL;
    c->pred_fields = NULL;
    c->npreds = 0;
}
