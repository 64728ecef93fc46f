/* SPDX-License-Identifier: MIT
 * battstore — search: per-token lists of the snapshot cache (qtok.h).
 *
 * A prefix search (electro*: 159 tokens, 137k postings, 236k cached
 * entries on the 10M store) read every posting of its tokens from the
 * text index, scored it, and probed the literal table for each, on every
 * search: two fifths of its instructions.  None of that depends on the
 * query beyond the prefix: a token's postings, resolved to (subject,
 * graph, best score, best literal) through the cache, are the same for
 * every search of the snapshot.  They are kept per token (a prefix is a
 * range of the sorted vocabulary, and prefixes share tokens), built at
 * the first search that needs them, under the lock of the cache's token
 * state; the lists keep each graph apart, so visibility is still
 * decided per search. */
#include "config.h"
#include "search/radix.h"
#include "search/qtok.h"
#include "store/tixvocab.h"

#include <stdlib.h>
#include <string.h>

/* Memory the lists of one cache may hold: past it a prefix whose lists
 * are missing takes the literal path (electro* on the 10M store: 4 MB). */
#define TOK_BYTES_MAX ((size_t)256 << 20)

struct bs_qtoks {
    pthread_mutex_t lock;
    int state;             ///< vocabulary: 0 not read, 1 read, -1 failed (no lists)
    char *buf;             ///< the tokens, each NUL-terminated, in byte order
    size_t len, cap;
    uint32_t *off;         ///< token i at buf + off[i]
    size_t n, ocap;
    bs_qtok_list **lists;  ///< per token: NULL until built
    size_t bytes;          ///< memory of the lists
};

static bool tok_enabled = true;
static size_t tok_max_bytes = TOK_BYTES_MAX;

void bs_qtok_set(bool on, size_t max_bytes)
{
    tok_enabled = on;
    tok_max_bytes = max_bytes ? max_bytes : TOK_BYTES_MAX;
}

bool bs_qtok_on(void) { return tok_enabled; }

bs_qtoks *bs_qtoks_new(void)
{
    bs_qtoks *t = calloc(1, sizeof *t);
    if (t && pthread_mutex_init(&t->lock, NULL)) {
        free(t);
        t = NULL;
    }
    return t;
}

static void list_free(bs_qtok_list *l)
{
    if (l) {
        free(l->v);
        free(l->lab);
    }
    free(l);
}

void bs_qtoks_free(bs_qtoks *t)
{
    if (!t) return;
    for (size_t i = 0; t->lists && i < t->n; i++) list_free(t->lists[i]);
    free(t->lists);
    free(t->buf);
    free(t->off);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

size_t bs_qtok_bytes(const bs_qcache *qc, size_t *vocab)
{
    bs_qtoks *t = qc->toks;
    size_t b = 0, v = 0;
    if (t) {
        pthread_mutex_lock(&t->lock);
        b = t->bytes;
        v = t->cap + t->ocap * sizeof *t->off + t->n * sizeof *t->lists;
        pthread_mutex_unlock(&t->lock);
    }
    if (vocab) *vocab = v;
    return b;
}

/* ---- the vocabulary ------------------------------------------------ */

static bs_status on_vocab(void *ctx, const char *tok, size_t len)
{
    bs_qtoks *t = ctx;
    if (t->len + len + 1 > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 65536;
        while (cap < t->len + len + 1) cap *= 2;
        if (cap > UINT32_MAX) return BS_ERR_LIMIT;
        char *b = realloc(t->buf, cap);
        if (!b) return BS_ERR_NOMEM;
        t->buf = b;
        t->cap = cap;
    }
    if (t->n == t->ocap) {
        size_t cap = t->ocap ? 2 * t->ocap : 4096;
        uint32_t *o = realloc(t->off, cap * sizeof *o);
        if (!o) return BS_ERR_NOMEM;
        t->off = o;
        t->ocap = cap;
    }
    t->off[t->n++] = (uint32_t)t->len;
    memcpy(t->buf + t->len, tok, len);
    t->len += len;
    t->buf[t->len++] = 0;
    return BS_OK;
}

/* The vocabulary of txn's snapshot, read once (under t->lock). */
static bool vocab_ready(bs_qtoks *t, bs_txn *txn)
{
    if (t->state) return t->state > 0;
    bs_status st = bs_tix_vocab(txn, on_vocab, t);
    if (st == BS_OK) {
        t->lists = calloc(t->n ? t->n : 1, sizeof *t->lists);
        if (!t->lists) st = BS_ERR_NOMEM;
    }
    t->state = st == BS_OK ? 1 : -1;
    return t->state > 0;
}

/* The first token not below prefix (byte order, as the index's keys). */
static size_t vocab_lower(const bs_qtoks *t, const char *prefix)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(t->buf + t->off[mid], prefix) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* ---- one token's list ------------------------------------------------ */

typedef struct {
    const bs_qcache *qc;
    const bs_qcorpus *c;
    bs_qclock *clock;  ///< the search's deadline, polled per batch
    uint64_t df;
    bs_qtok_item *v;
    size_t n, cap;
    bs_qtok_label *lab;
    size_t nlab, clab;
    uint64_t postings;
} lbuild;

/* v (n used of *cap elements of sz bytes) with room for one more: v
 * itself or a larger block, NULL when out of memory (v left as it was). */
static void *room(void *v, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap) return v;
    size_t c = *cap ? 2 * *cap : 64;
    void *nv = realloc(v, c * sz);
    if (nv) *cap = c;
    return nv;
}

/* Each posting's literal → one item per cached entry (as the literal
 * path visits them: every subject and graph of the literal). */
static bs_status on_postings(void *ctx, const char *tok, size_t toklen,
                             const bs_posting *ps, size_t n)
{
    lbuild *b = ctx;
    (void)tok; (void)toklen;
    b->postings += n;
    bs_status st = bs_qclock_poll(b->clock);
    if (st != BS_OK) return st;
    for (size_t i = 0; i < n; i++) {
        size_t at = 0, ne;
        const bs_qc_ent *e = bs_qc_lookup(&b->qc->lits, ps[i].doc, &at, &ne);
        /* the score rank.c gives the posting (the same double → float) */
        float sc = ne ? (float)bs_qbm25(b->c, b->df, ps[i].tf, ps[i].len, ps[i].field) : 0;
        for (size_t k = 0; k < ne; k++) {
            bs_qtok_item *v = room(b->v, b->n, &b->cap, sizeof *v);
            if (!v) return BS_ERR_NOMEM;
            b->v = v;
            b->v[b->n++] = (bs_qtok_item){ e[k].subj, sc, e[k].graph, e[k].pred, (uint32_t)at };
            if (ps[i].len > BS_Q_CLASS_LABEL_MAX_TOKENS || !bs_qc_maybe_class(b->qc, e[k].subj))
                continue;
            bs_qtok_label *lab = room(b->lab, b->nlab, &b->clab, sizeof *lab);
            if (!lab) return BS_ERR_NOMEM;
            b->lab = lab;
            b->lab[b->nlab++] = (bs_qtok_label){ e[k].subj, (uint32_t)at, sc, e[k].graph,
                                                 e[k].pred, ps[i].len };
        }
    }
    return BS_OK;
}

/* (subject, graph) ascending, then the better match first: higher
 * score, least literal, least predicate id (bs_qgm_direct's order). */
static int cmp_item(const void *a, const void *b, void *ctx)
{
    const bs_qtok_item *x = a, *y = b;
    const bs_qcache *qc = ctx;
    if (x->si != y->si) return x->si < y->si ? -1 : 1;
    if (x->graph != y->graph) return x->graph < y->graph ? -1 : 1;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    if (x->lit != y->lit) return x->lit < y->lit ? -1 : 1;
    bs_id p = qc->preds[x->pred], q = qc->preds[y->pred];
    return p < q ? -1 : p > q;
}

#define RADIX_MIN 64  ///< fewer items: qsort_r (the tests' larger tokens pass it)

/* Sort v[0..n) by cmp_item: a stable byte-wise radix sort by subject
 * (the bytes in which the subjects differ), then each subject's few
 * items by cmp_item (a comparison sort of a large token's items was
 * three quarters of its first search). */
BS_RADIX_SORT_BY(radix_by_subject, bs_qtok_item, si)

static void sort_items(const bs_qcache *qc, bs_qtok_item *v, size_t n)
{
    if (n < RADIX_MIN || !radix_by_subject(v, n)) {
        if (n > 1) qsort_r(v, n, sizeof *v, cmp_item, (void *)qc);
        return;
    }
    for (size_t i = 1; i < n; i++) {   /* insertion sort of each subject's run */
        for (size_t j = i; j > 0 && v[j - 1].si == v[j].si; j--) {
            if (cmp_item(&v[j - 1], &v[j], (void *)qc) <= 0) break;
            bs_qtok_item t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    }
}

/* The list of token tok (postings read in txn). */
static bs_status list_build(const bs_qcache *qc, bs_txn *txn, const bs_qcorpus *c,
                            bs_qclock *clock, const char *tok, bs_qtok_list **out)
{
    size_t len = strlen(tok);
    lbuild b = { .qc = qc, .c = c, .clock = clock };
    bs_qtok_list *l = calloc(1, sizeof *l);
    bs_status st = l ? BS_OK : BS_ERR_NOMEM;
    if (st == BS_OK) st = bs_tix_df(txn, tok, len, &b.df);
    if (st == BS_OK) st = bs_tix_scan(txn, tok, len, false, on_postings, &b);
    if (st != BS_OK) {
        free(b.v);
        free(b.lab);
        free(l);
        return st;
    }
    l->lab = b.lab;
    l->nlab = b.nlab;
    sort_items(qc, b.v, b.n);
    size_t k = 0;
    for (size_t i = 0; i < b.n; i++) {   /* the best of each (subject, graph) */
        if (k && b.v[k - 1].si == b.v[i].si && b.v[k - 1].graph == b.v[i].graph) continue;
        b.v[k++] = b.v[i];
        if (b.v[i].score > l->max) l->max = b.v[i].score;
    }
    l->v = k ? realloc(b.v, k * sizeof *b.v) : NULL;   /* a shrink */
    if (!l->v && k) l->v = b.v;   /* it failed: keep the larger block */
    else if (!k) free(b.v);
    l->n = k;
    l->postings = b.postings;
    *out = l;
    return BS_OK;
}

/* ---- a prefix -------------------------------------------------------- */

static size_t list_bytes(const bs_qtok_list *l)
{
    return sizeof *l + l->n * sizeof *l->v + l->nlab * sizeof *l->lab;
}

/* Publish *l as token i's list (under t->lock); when another thread
 * published one meanwhile, *l becomes that one (ours is freed).
 * BS_NOT_FOUND past the memory cap (*l freed, NULL). */
static bs_status publish(bs_qtoks *t, size_t i, bs_qtok_list **l)
{
    bs_status st = BS_OK;
    pthread_mutex_lock(&t->lock);
    if (t->lists[i]) {
        list_free(*l);
        *l = t->lists[i];
    } else if (t->bytes + list_bytes(*l) > tok_max_bytes) {
        list_free(*l);
        *l = NULL;
        st = BS_NOT_FOUND;
    } else {
        t->lists[i] = *l;
        t->bytes += list_bytes(*l);
    }
    pthread_mutex_unlock(&t->lock);
    return st;
}

static size_t bytes_now(bs_qtoks *t)
{
    pthread_mutex_lock(&t->lock);
    size_t b = t->bytes;
    pthread_mutex_unlock(&t->lock);
    return b;
}

/* The lists v[0..n) of tokens lo.. (NULL: missing) completed, outside
 * t->lock (a search whose lists exist never waits for another's build),
 * unless the prefix reads too many postings or the memory cap would be
 * passed (BS_NOT_FOUND); the search's deadline is polled. */
static bs_status lists_fill(const bs_qcache *qc, bs_txn *txn, const bs_qcorpus *c,
                            bs_qclock *clock, size_t lo, const bs_qtok_list **v, size_t n)
{
    bs_qtoks *t = qc->toks;
    uint64_t postings = 0, missing = 0;
    bs_status st;
    for (size_t i = 0; i < n; i++) {
        uint64_t df = 0;
        const char *tok = t->buf + t->off[lo + i];
        if (v[i]) df = v[i]->postings;
        else if ((st = bs_tix_df(txn, tok, strlen(tok), &df)) != BS_OK) return st;
        else missing += df;
        postings += df;
        /* the literal path cuts such a prefix (and says its total is
         * not exact): it keeps answering it */
        if (postings >= PREFIX_MAX_POSTINGS) return BS_NOT_FOUND;
    }
    /* an item at least per posting, about: do not build what cannot fit */
    if (missing && bytes_now(t) + missing * sizeof(bs_qtok_item) > tok_max_bytes)
        return BS_NOT_FOUND;
    for (size_t i = 0; i < n; i++) {
        if (v[i]) continue;
        bs_qtok_list *l;
        TRY(st, bs_qclock_poll(clock));
        TRY(st, list_build(qc, txn, c, clock, t->buf + t->off[lo + i], &l));
        TRY(st, publish(t, lo + i, &l));
        v[i] = l;
    }
fail:
    return st;
}

/* The lists of the tokens starting with prefix (whole: prefix itself). */
static bs_status lists_of(const bs_qcache *qc, bs_txn *txn, const bs_qcorpus *c,
                          bs_qclock *clock, const char *prefix, bool whole,
                          const bs_qtok_list ***out, size_t *n)
{
    bs_qtoks *t = qc->toks;
    const bs_qtok_list **v = NULL;
    size_t plen = strlen(prefix), lo = 0, hi = 0;
    *out = NULL;
    *n = 0;
    if (!t || !tok_enabled) return BS_NOT_FOUND;
    pthread_mutex_lock(&t->lock);
    bool ready = vocab_ready(t, txn);
    if (ready) {
        hi = lo = vocab_lower(t, prefix);
        while (hi < t->n && !strncmp(t->buf + t->off[hi], prefix, plen) &&
               (!whole || !t->buf[t->off[hi] + plen]))
            hi++;
        if ((v = malloc((hi > lo ? hi - lo : 1) * sizeof *v)))
            for (size_t i = lo; i < hi; i++) v[i - lo] = t->lists[i];
    }
    pthread_mutex_unlock(&t->lock);
    if (!ready) return BS_NOT_FOUND;
    if (!v) return BS_ERR_NOMEM;
    /* the vocabulary does not change once read, nor a published list */
    bs_status st = lists_fill(qc, txn, c, clock, lo, v, hi - lo);
    if (st != BS_OK) {
        free(v);
        return st;
    }
    *out = v;
    *n = hi - lo;
    return BS_OK;
}

bs_status bs_qtok_prefix(const bs_qcache *qc, bs_txn *txn, const bs_qcorpus *c,
                         bs_qclock *clock, const char *prefix, const bs_qtok_list ***out,
                         size_t *n)
{
    return lists_of(qc, txn, c, clock, prefix, false, out, n);
}

bs_status bs_qtok_word(const bs_qcache *qc, bs_txn *txn, const bs_qcorpus *c,
                       bs_qclock *clock, const char *word, const bs_qtok_list ***out,
                       size_t *n)
{
    return lists_of(qc, txn, c, clock, word, true, out, n);
}
