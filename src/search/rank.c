/* SPDX-License-Identifier: MIT
 * battstore — search ranking: the literals a query term matches, from
 * the text index's postings, scored with BM25 × field weight; the
 * property function bs:matches. */
#include "config.h"
#include "search/radix.h"
#include "search/query_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bs_status bs_qcorpus_get(bs_txn *txn, bs_qcorpus *out)
{
    bs_tix_stats ts;
    bs_status st = bs_tix_stat(txn, &ts);
    if (st != BS_OK) return st;
    out->n_docs = ts.docs ? (double)ts.docs : 1.0;
    out->avgdl = ts.docs ? (double)ts.tokens / (double)ts.docs : 1.0;
    if (out->avgdl <= 0) out->avgdl = 1.0;
    return BS_OK;
}

static double bm25_idf(const bs_qcorpus *c, uint64_t df)
{
    double d = (double)df;
    if (d > c->n_docs) d = c->n_docs;
    return log(1.0 + (c->n_docs - d + 0.5) / (d + 0.5));
}

/* BM25 with the token's idf already computed (once per token). */
static double bm25_with_idf(const bs_qcorpus *c, double idf, unsigned tf, unsigned len,
                            unsigned field)
{
    double norm = 1.0 - BS_BM25_B + BS_BM25_B * (double)len / c->avgdl;
    double sat = (double)tf * (BS_BM25_K1 + 1.0) / ((double)tf + BS_BM25_K1 * norm);
    double w = field < BS_NFIELDS ? bs_search_field_weight[field] : 1.0;
    return idf * sat * w;
}

double bs_qbm25(const bs_qcorpus *c, uint64_t df, unsigned tf, unsigned len,
                unsigned field)
{
    return bm25_with_idf(c, bm25_idf(c, df), tf, len, field);
}

static bs_status lits_push(bs_qlits *l, bs_id lit, float score, uint8_t field, uint8_t len)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        bs_qlit *v = realloc(l->v, cap * sizeof *v);
        if (!v) return BS_ERR_NOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (bs_qlit){ .lit = lit, .score = score, .field = field, .len = len };
    return BS_OK;
}

static int cmp_lit(const void *a, const void *b)
{
    bs_id x = ((const bs_qlit *)a)->lit, y = ((const bs_qlit *)b)->lit;
    return x < y ? -1 : x > y;
}

#define RADIX_MIN 512  ///< shorter lists: qsort

/* Stable sort of v[0..n) by id: a byte-wise LSD radix sort over the bytes
 * in which the ids differ (a prefix's postings are a few sorted runs of up
 * to millions of literals: qsort's comparisons were most of its cost).
 * Stable, like glibc's merge sort, so duplicates keep their order. */
BS_RADIX_SORT_BY(radix_by_lit, bs_qlit, lit)

static void sort_by_lit(bs_qlit *v, size_t n)
{
    if (n < RADIX_MIN || !radix_by_lit(v, n))
        qsort(v, n, sizeof *v, cmp_lit);   /* glibc: a stable merge sort */
}

/* Sort by id and merge duplicates (max score). */
static void lits_normalize(bs_qlits *l)
{
    if (l->n < 2) return;
    bool sorted = true;
    for (size_t i = 1; i < l->n && sorted; i++) sorted = l->v[i - 1].lit < l->v[i].lit;
    if (sorted) return;                    /* one token's postings: distinct, ascending */
    sort_by_lit(l->v, l->n);
    size_t k = 0;
    for (size_t i = 1; i < l->n; i++) {
        if (l->v[i].lit == l->v[k].lit) {
            if (l->v[i].score > l->v[k].score) l->v[k] = l->v[i];
        } else {
            l->v[++k] = l->v[i];
        }
    }
    l->n = k + 1;
}

typedef struct {
    bs_txn *txn;
    const bs_qcorpus *c;
    bs_qlits *out;
    char last[72];       ///< token whose df is cached
    size_t last_len;
    uint64_t df;
    double idf;          ///< of df
    bool prefix;
    /* the token's scores by (tf, field, len): most postings repeat a few
     * (titles of similar length), and BM25 is two divisions */
    struct { uint32_t key; float score; } memo[256]; ///< key 0: empty
} scan_ctx;

/* The score of posting p for c's token (memoised). */
static inline float posting_score(scan_ctx *c, const bs_posting *p)
{
    uint32_t key = 1u << 24 | (uint32_t)p->tf << 16 | (uint32_t)p->field << 8 | p->len;
    unsigned h = (p->len ^ (unsigned)p->tf << 5 ^ (unsigned)p->field << 3) & 255;
    if (c->memo[h].key != key) {
        c->memo[h].key = key;
        c->memo[h].score = (float)bm25_with_idf(c->c, c->idf, p->tf, p->len, p->field);
    }
    return c->memo[h].score;
}

static bs_status on_postings(void *vctx, const char *tok, size_t toklen,
                             const bs_posting *ps, size_t n)
{
    scan_ctx *c = vctx;
    bs_status st;
    if (toklen != c->last_len || memcmp(tok, c->last, toklen)) {
        if ((st = bs_tix_df(c->txn, tok, toklen, &c->df)) != BS_OK) return st;
        c->idf = bm25_idf(c->c, c->df);
        memset(c->memo, 0, sizeof c->memo);
        c->last_len = toklen < sizeof c->last ? toklen : sizeof c->last;
        memcpy(c->last, tok, c->last_len);
        /* room for the token's postings at once (df of them) */
        size_t want = c->out->n + (c->df < PREFIX_MAX_POSTINGS ? (size_t)c->df : 0);
        if (want > c->out->cap) {
            bs_qlit *v = realloc(c->out->v, want * sizeof *v);
            if (!v) return BS_ERR_NOMEM;
            c->out->v = v;
            c->out->cap = want;
        }
    }
    for (size_t i = 0; i < n; i++)
        if ((st = lits_push(c->out, ps[i].doc, posting_score(c, &ps[i]), ps[i].field,
                            ps[i].len)) != BS_OK)
            return st;
    if (c->prefix && c->out->n >= PREFIX_MAX_POSTINGS) {
        c->out->partial = true;
        return BS_END;
    }
    return BS_OK;
}

/* Postings of one token (or prefix), ascending by literal (raw: a
 * prefix's token by token, a literal once per token it holds). */
static bs_status token_lits_as(bs_txn *txn, const bs_qcorpus *c, const char *tok,
                               bool prefix, bool raw, bs_qlits *out)
{
    scan_ctx sc = { .txn = txn, .c = c, .out = out, .prefix = prefix };
    sc.last_len = (size_t)-1;
    bs_status st = bs_tix_scan(txn, tok, strlen(tok), prefix, on_postings, &sc);
    if (st == BS_END || st == BS_NOT_FOUND) st = BS_OK;
    if (st == BS_OK && prefix && !raw) lits_normalize(out);
    return st;
}

static bs_status token_lits(bs_txn *txn, const bs_qcorpus *c, const char *tok,
                            bool prefix, bs_qlits *out)
{
    return token_lits_as(txn, c, tok, prefix, false, out);
}

/* a := a ∩ b, scores added. */
static void lits_intersect(bs_qlits *a, const bs_qlits *b)
{
    size_t i = 0, j = 0, k = 0;
    while (i < a->n && j < b->n) {
        if (a->v[i].lit < b->v[j].lit) i++;
        else if (a->v[i].lit > b->v[j].lit) j++;
        else {
            a->v[k] = a->v[i];
            a->v[k].score += b->v[j].score;
            if (b->v[j].field < a->v[k].field) a->v[k].field = b->v[j].field;
            k++, i++, j++;
        }
    }
    a->n = k;
    a->partial = a->partial || b->partial;
}

bool bs_qterm_tok_matches(const bs_qterm *t, size_t i, const char *tok, size_t len)
{
    const char *w = t->toks[i];
    size_t wl = strlen(w);
    if (t->prefix && i == t->ntoks - 1) return len >= wl && !memcmp(tok, w, wl);
    return len == wl && !memcmp(tok, w, wl);
}

/* Phrase check on a literal's text: the term's tokens adjacent.  The
 * last ntoks tokens of the text are kept in a ring and compared. */
typedef struct {
    const bs_qterm *t;
    char win[BS_Q_MAX_TOKS][72];
    size_t wlen[BS_Q_MAX_TOKS];
    size_t seen;
    bool found;
} phrase_ctx;

static void on_text_tok(void *vctx, const char *tok, size_t len, size_t s, size_t e)
{
    (void)s; (void)e;
    phrase_ctx *c = vctx;
    size_t n = c->t->ntoks;
    if (c->found) return;
    size_t slot = c->seen % n;
    c->wlen[slot] = len < sizeof c->win[0] ? len : sizeof c->win[0];
    memcpy(c->win[slot], tok, c->wlen[slot]);
    c->seen++;
    if (c->seen < n) return;
    for (size_t i = 0; i < n; i++) {
        size_t k = (c->seen - n + i) % n;
        if (!bs_qterm_tok_matches(c->t, i, c->win[k], c->wlen[k])) return;
    }
    c->found = true;
}

static bool phrase_in(bs_txn *txn, bs_id lit, const bs_qterm *t)
{
    bs_term term;
    if (bs_dict_get(txn, lit, &term) != BS_OK) return false;
    phrase_ctx c = { .t = t };
    if (bs_search_tokenize(term.lex, term.lex_len, on_text_tok, &c) != BS_OK) return false;
    return c.found;
}

bs_status bs_qterm_eval(bs_txn *txn, const bs_qcorpus *c, const bs_qterm *t, bs_qlits *out)
{
    memset(out, 0, sizeof *out);
    bs_status st = token_lits(txn, c, t->toks[0], t->prefix && t->ntoks == 1, out);
    for (size_t i = 1; st == BS_OK && i < t->ntoks && out->n; i++) {
        bs_qlits b = { 0 };
        st = token_lits(txn, c, t->toks[i], t->prefix && i == t->ntoks - 1, &b);
        if (st == BS_OK) lits_intersect(out, &b);
        free(b.v);
    }
    if (st != BS_OK || t->ntoks < 2) return st;
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++)
        if (phrase_in(txn, out->v[i].lit, t)) out->v[k++] = out->v[i];
    out->n = k;
    return BS_OK;
}

bs_status bs_qlits_union(bs_qlits *a, const bs_qlits *b)
{
    for (size_t i = 0; i < b->n; i++) {
        bs_status st = lits_push(a, b->v[i].lit, b->v[i].score, b->v[i].field, b->v[i].len);
        if (st != BS_OK) return st;
        a->v[a->n - 1].alt = b->v[i].alt;
    }
    a->partial = a->partial || b->partial;
    lits_normalize(a);
    return BS_OK;
}

ssize_t bs_qlits_find(const bs_qlits *l, bs_id lit)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->v[mid].lit < lit) lo = mid + 1;
        else hi = mid;
    }
    return lo < l->n && l->v[lo].lit == lit ? (ssize_t)lo : -1;
}

/* a := a \ b */
static void lits_minus(bs_qlits *a, const bs_qlits *b)
{
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++)
        if (bs_qlits_find(b, a->v[i].lit) < 0) a->v[k++] = a->v[i];
    a->n = k;
}

/* ---- bs:matches: literal-level matching, no grouping, no expansion -- */

bs_status bs_qgroup_eval(bs_txn *txn, const bs_qcorpus *c, const bs_qgroup *g,
                        bs_qlits *out)
{
    bs_status st = BS_OK;
    memset(out, 0, sizeof *out);
    for (size_t j = 0; st == BS_OK && j < g->nalts; j++) {
        bs_qlits l;
        st = bs_qterm_eval(txn, c, &g->alts[j], &l);
        for (size_t k = 0; st == BS_OK && k < l.n; k++) l.v[k].alt = (uint8_t)j;
        if (st == BS_OK && j == 0) { *out = l; continue; } /* sorted already */
        if (st == BS_OK) st = bs_qlits_union(out, &l);
        free(l.v);
    }
    return st;
}

bs_status bs_qgroup_eval_any(bs_txn *txn, const bs_qcorpus *c, const bs_qgroup *g,
                             bs_qlits *out)
{
    const bs_qterm *t = &g->alts[0];
    if (g->nalts != 1 || !t->prefix || t->ntoks != 1) return bs_qgroup_eval(txn, c, g, out);
    memset(out, 0, sizeof *out);
    return token_lits_as(txn, c, t->toks[0], true, true, out);
}

bs_status bs_search_match(bs_search *s, bs_txn *txn, const char *q,
                          bs_status (*fn)(void *ctx, bs_id lit, double score), void *ctx)
{
    bs_qparsed p = { 0 };
    bs_qlits acc = { 0 }, l = { 0 };
    bs_qcorpus c;
    bs_status st;
    if (!bs_search_fresh_in(s, txn)) { st = BS_ERR_UNSUPPORTED; goto fail; }
    TRY(st, bs_qparse(q, &p));
    TRY(st, bs_qcorpus_get(txn, &c));
    for (size_t i = 0; i < p.ngroups; i++) {
        TRY(st, bs_qgroup_eval(txn, &c, &p.groups[i], &l));
        if (i == 0) { acc = l; l = (bs_qlits){ 0 }; }
        else { lits_intersect(&acc, &l); free(l.v); l = (bs_qlits){ 0 }; }
        if (!acc.n) break;
    }
    for (size_t i = 0; i < p.nnots && acc.n; i++) {
        TRY(st, bs_qterm_eval(txn, &c, &p.nots[i], &l));
        lits_minus(&acc, &l);
        free(l.v);
        l = (bs_qlits){ 0 };
    }
    for (size_t i = 0; i < acc.n; i++) {
        st = fn(ctx, acc.v[i].lit, acc.v[i].score);
        if (st == BS_END) { st = BS_OK; break; }
        if (st != BS_OK) goto fail;
    }
    st = BS_OK;
fail:
    free(acc.v);
    free(l.v);
    bs_qparsed_free(&p);
    return st;
}
