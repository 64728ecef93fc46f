/* SPDX-License-Identifier: MIT
 * battstore — substring candidates from the text index's vocabulary.
 *
 * Why a token test finds every literal containing a word-character
 * needle (text.c): a token is a maximal run of letters and digits (plus
 * the combining marks after them) that UAX #29 does not break; between
 * two ASCII letters or digits it never breaks (WB5, WB8-WB10), so a run
 * of ASCII letters and digits in a literal lies inside one token.
 * Folding maps ASCII to lower-case ASCII and keeps it in place (NFKD
 * leaves ASCII alone, the marks it drops are not ASCII, NFC composes
 * nothing onto a bare ASCII letter once marks are gone), so the token
 * holds the run lower-cased, unless the token was cut at 64 bytes.
 * Hence: the documents of the tokens that contain the folded needle,
 * and of every token long enough to have been cut, are a superset of
 * the literals containing the needle in any letter case.  Callers test
 * each candidate for real, so a superset is all that is needed. */
#include "config.h"
#include "search/search_int.h"
#include "search/vocab.h"
#include "store/tixvocab.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* text.c cuts a folded token to 64 bytes at a character boundary (at
 * most 3 bytes less): any token this long may have been cut. */
#define TOK_CUT_MIN (64 - 3)

int bs_search_vocab_cache = 1;

/* bs_search_pred_field under s->lock: bs_search_ids_refresh, from
 * another thread's query, may be writing the predicates' ids. */
static int pred_field(bs_search *s, bs_id p)
{
    pthread_mutex_lock(&s->lock);
    int f = bs_search_pred_field(s, p);
    pthread_mutex_unlock(&s->lock);
    return f;
}

bool bs_search_covers(bs_search *s, bs_txn *txn, bs_id p)
{
    if (!bs_search_fresh_in(s, txn) || !p || p == BS_ANY) return false;
    if (pred_field(s, p) >= 0) return true;
    /* a predicate unknown at attach may have been written since */
    if (bs_search_ids_refresh(s, txn) != BS_OK) return false;
    return pred_field(s, p) >= 0;
}

typedef struct {
    bs_txn *txn;
    const char *needle;
    size_t len;
    int max_field;      ///< postings of a worse field are skipped
    size_t max;         ///< BS_ERR_LIMIT past this many postings (0: no cap)
    bs_id *v;
    size_t n, cap;
    size_t *runs;       ///< where each ascending run of v begins
    size_t nruns, rcap;
} collect;

/* Note that an ascending run of v begins at c->n (each token's postings
 * come ascending: a run per token, or fewer). */
static bs_status run_begins(collect *c)
{
    if (c->nruns == c->rcap) {
        size_t cap = c->rcap ? 2 * c->rcap : 16;
        size_t *r = realloc(c->runs, cap * sizeof *r);
        if (!r) return BS_ERR_NOMEM;
        c->runs = r;
        c->rcap = cap;
    }
    c->runs[c->nruns++] = c->n;
    return BS_OK;
}

static bs_status on_posting(void *ctx, const char *tok, size_t toklen,
                            const bs_posting *ps, size_t n)
{
    collect *c = ctx;
    (void)tok; (void)toklen;
    if (c->n + n > c->cap) {
        size_t cap = c->cap ? c->cap : 256;
        while (cap < c->n + n) cap *= 2;
        bs_id *v = realloc(c->v, cap * sizeof *v);
        if (!v) return BS_ERR_NOMEM;
        c->v = v;
        c->cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        if (ps[i].field > c->max_field) continue;
        if (c->n == 0 || c->v[c->n - 1] > ps[i].doc) {
            bs_status st = run_begins(c);
            if (st != BS_OK) return st;
        }
        c->v[c->n++] = ps[i].doc;
    }
    return c->max && c->n > c->max ? BS_ERR_LIMIT : BS_OK;
}

/* Vocabulary step: a token that contains the needle (or may have been
 * cut) adds its postings.  The vocabulary cursor stays where it is: the
 * postings are read through a cursor of their own. */
static bs_status on_token(void *ctx, const char *tok, size_t len)
{
    collect *c = ctx;
    if (len < TOK_CUT_MIN && (len < c->len || !memmem(tok, len, c->needle, c->len)))
        return BS_OK;
    return bs_tix_scan(c->txn, tok, len, false, on_posting, c);
}

/* Sort c->v by merging its ascending runs pairwise (most postings come
 * from a few tokens: far fewer runs than ids), dropping duplicates. */
static bs_status merge_runs(collect *c)
{
    if (c->nruns > 1) {
        bs_id *tmp = malloc(c->n * sizeof *tmp), *src = c->v, *dst = tmp;
        if (!tmp) return BS_ERR_NOMEM;
        if (run_begins(c) != BS_OK) { /* the end, as a last boundary */
            free(tmp);
            return BS_ERR_NOMEM;
        }
        c->nruns--; /* runs[nruns] = n */
        for (size_t width = 1; width < c->nruns; width *= 2) {
            for (size_t r = 0; r < c->nruns; r += 2 * width) {
                size_t a = c->runs[r], m = c->runs[r + width < c->nruns ? r + width : c->nruns];
                size_t e = c->runs[r + 2 * width < c->nruns ? r + 2 * width : c->nruns];
                size_t i = a, j = m, k = a;
                while (i < m && j < e) dst[k++] = src[j] < src[i] ? src[j++] : src[i++];
                while (i < m) dst[k++] = src[i++];
                while (j < e) dst[k++] = src[j++];
            }
            bs_id *t = src;
            src = dst;
            dst = t;
        }
        if (src != c->v) memcpy(c->v, src, c->n * sizeof *src);
        free(tmp);
    }
    size_t m = 0;
    for (size_t i = 0; i < c->n; i++)
        if (!m || c->v[m - 1] != c->v[i]) c->v[m++] = c->v[i];
    c->n = m;
    return BS_OK;
}

/* ---- the vocabulary of one snapshot, kept in memory -------------------- */

/* Walking the index's vocabulary costs one or more LMDB steps per token
 * (22k tokens: about 11M instructions); the tokens of the newest
 * snapshot seen are kept as one buffer ("tok\n" each, in byte order) so
 * that a substring search is a memmem over it.  The snapshot is named by
 * its search handle, LMDB txn id and the index's totals (a handle freed
 * and another allocated at its address on another store would also need
 * the same txn id and the same totals).  Read transactions only. */
typedef struct {
    const bs_search *s;
    uint64_t txnid;
    bs_tix_stats st;
    char *buf;          ///< the tokens, each followed by '\n'
    size_t len;
    uint32_t *off;      ///< token i begins at buf + off[i]; off[n] = len
    size_t n;
    unsigned refs;      ///< queries using it (guarded by vlock)
} vsnap;

static pthread_mutex_t vlock = PTHREAD_MUTEX_INITIALIZER;
static vsnap *vcur;     ///< the newest (holds one reference)

static void vsnap_unref(vsnap *v)
{
    if (!v) return;
    pthread_mutex_lock(&vlock);
    bool last = --v->refs == 0;
    pthread_mutex_unlock(&vlock);
    if (!last) return;
    free(v->buf);
    free(v->off);
    free(v);
}

typedef struct {
    vsnap *v;
    size_t cap, ocap;
} vbuild;

static bs_status on_vocab_token(void *ctx, const char *tok, size_t len)
{
    vbuild *b = ctx;
    vsnap *v = b->v;
    if (memchr(tok, '\n', len)) return BS_ERR_UNSUPPORTED; /* not for this form */
    if (v->len + len + 1 > b->cap || v->len + len + 1 > UINT32_MAX) {
        size_t cap = b->cap ? 2 * b->cap : 65536;
        while (cap < v->len + len + 1) cap *= 2;
        char *nb = cap <= UINT32_MAX ? realloc(v->buf, cap) : NULL;
        if (!nb) return BS_ERR_NOMEM;
        v->buf = nb;
        b->cap = cap;
    }
    if (v->n + 2 > b->ocap) {
        size_t cap = b->ocap ? 2 * b->ocap : 4096;
        uint32_t *no = realloc(v->off, cap * sizeof *no);
        if (!no) return BS_ERR_NOMEM;
        v->off = no;
        b->ocap = cap;
    }
    v->off[v->n++] = (uint32_t)v->len;
    memcpy(v->buf + v->len, tok, len);
    v->len += len;
    v->buf[v->len++] = '\n';
    v->off[v->n] = (uint32_t)v->len;
    return BS_OK;
}

/* The vocabulary of txn's snapshot (a reference: vsnap_unref), or NULL
 * when it cannot be kept (the caller then walks the index). */
static vsnap *vsnap_get(bs_search *s, bs_txn *txn)
{
    bs_tix_stats st;
    if (bs_txn_writable(txn) || bs_tix_stat(txn, &st) != BS_OK) return NULL;
    uint64_t id = bs_txn_id(txn);
    vsnap *v = NULL;
    pthread_mutex_lock(&vlock);
    if (vcur && vcur->s == s && vcur->txnid == id && !memcmp(&vcur->st, &st, sizeof st)) {
        v = vcur;
        v->refs++;
    }
    pthread_mutex_unlock(&vlock);
    if (v) return v;
    vbuild b = { calloc(1, sizeof *b.v), 0, 0 };
    if (!b.v) return NULL;
    *b.v = (vsnap){ .s = s, .txnid = id, .st = st, .refs = 1 };
    if (bs_tix_vocab(txn, on_vocab_token, &b) != BS_OK || !b.v->off) {
        vsnap_unref(b.v);
        return NULL;
    }
    pthread_mutex_lock(&vlock);
    vsnap *old = vcur;
    vcur = b.v;
    b.v->refs++; /* the slot's */
    pthread_mutex_unlock(&vlock);
    vsnap_unref(old);
    return b.v;
}

/* The index of the token holding buf offset at (binary search). */
static size_t token_at(const vsnap *v, size_t at)
{
    size_t lo = 0, hi = v->n; /* off[lo] <= at < off[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->off[mid] <= at) lo = mid; else hi = mid;
    }
    return lo;
}

/* on_token for every token of v that contains the needle or is long
 * enough to have been cut, in byte order (as the walk would). */
static bs_status vsnap_scan(const vsnap *v, collect *c)
{
    const char *p = v->buf, *end = v->buf + v->len;
    size_t next_long = 0; /* tokens before it are done */
    while (p < end) {
        const char *hit = memmem(p, (size_t)(end - p), c->needle, c->len);
        size_t upto = hit ? token_at(v, (size_t)(hit - v->buf)) : v->n;
        for (; next_long < upto; next_long++) { /* long tokens before the hit */
            size_t len = v->off[next_long + 1] - v->off[next_long] - 1;
            if (len < TOK_CUT_MIN) continue;
            bs_status st = on_token(c, v->buf + v->off[next_long], len);
            if (st != BS_OK) return st;
        }
        if (!hit) break;
        size_t len = v->off[upto + 1] - v->off[upto] - 1;
        bs_status st = on_token(c, v->buf + v->off[upto], len);
        if (st != BS_OK) return st;
        next_long = upto + 1;
        p = v->buf + v->off[upto + 1];
    }
    return BS_OK;
}

static bool plain_needle(const char *s, size_t n)
{
    if (!s || n == 0) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9'))) return false;
    return true;
}

bs_status bs_search_substring_docs(bs_search *s, bs_txn *txn, bs_id p, const char *needle,
                                   size_t len, size_t max, bs_id **out, size_t *n)
{
    collect c = { .txn = txn, .needle = needle, .len = len, .max_field = BS_NFIELDS,
                  .max = max };
    *out = NULL;
    *n = 0;
    if (!s || !txn || !plain_needle(needle, len)) return BS_ERR_ARG;
    if (!s->usable) return BS_ERR_UNSUPPORTED;
    if (p) {
        c.max_field = pred_field(s, p);
        if (c.max_field < 0) return BS_ERR_ARG; /* not indexed: no answer here */
    }
    vsnap *v = bs_search_vocab_cache ? vsnap_get(s, txn) : NULL;
    bs_status st = v ? vsnap_scan(v, &c) : bs_tix_vocab(txn, on_token, &c);
    vsnap_unref(v);
    if (st == BS_OK) st = merge_runs(&c);
    free(c.runs);
    if (st != BS_OK || !c.n) {
        free(c.v);
        return st;
    }
    *out = c.v;
    *n = c.n;
    return BS_OK;
}
