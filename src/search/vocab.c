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

#include <stdlib.h>
#include <string.h>

/* text.c cuts a folded token to 64 bytes at a character boundary (at
 * most 3 bytes less): any token this long may have been cut. */
#define TOK_CUT_MIN (64 - 3)

bool bs_search_covers(bs_search *s, bs_txn *txn, bs_id p)
{
    if (!bs_search_fresh_in(s, txn) || !p || p == BS_ANY) return false;
    if (bs_search_pred_field(s, p) >= 0) return true;
    /* a predicate unknown at attach may have been written since */
    if (bs_search_ids_refresh(s, txn) != BS_OK) return false;
    return bs_search_pred_field(s, p) >= 0;
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
        c.max_field = bs_search_pred_field(s, p);
        if (c.max_field < 0) return BS_ERR_ARG; /* not indexed: no answer here */
    }
    bs_status st = bs_tix_vocab(txn, on_token, &c);
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
