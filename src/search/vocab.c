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
} collect;

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
    for (size_t i = 0; i < n; i++)
        if (ps[i].field <= c->max_field) c->v[c->n++] = ps[i].doc;
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

static int cmp_id(const void *a, const void *b)
{
    bs_id x = *(const bs_id *)a, y = *(const bs_id *)b;
    return x < y ? -1 : x > y;
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
    collect c = { txn, needle, len, BS_NFIELDS, max, NULL, 0, 0 };
    *out = NULL;
    *n = 0;
    if (!s || !txn || !plain_needle(needle, len)) return BS_ERR_ARG;
    if (!s->usable) return BS_ERR_UNSUPPORTED;
    if (p) {
        c.max_field = bs_search_pred_field(s, p);
        if (c.max_field < 0) return BS_ERR_ARG; /* not indexed: no answer here */
    }
    bs_status st = bs_tix_vocab(txn, on_token, &c);
    if (st != BS_OK) {
        free(c.v);
        return st;
    }
    if (c.n > 1) qsort(c.v, c.n, sizeof *c.v, cmp_id);
    size_t m = 0;
    for (size_t i = 0; i < c.n; i++)
        if (!m || c.v[m - 1] != c.v[i]) c.v[m++] = c.v[i];
    if (!m) {
        free(c.v);
        c.v = NULL;
    }
    *out = c.v;
    *n = m;
    return BS_OK;
}
