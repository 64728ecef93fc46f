/* SPDX-License-Identifier: MIT
 * battstore — search index upkeep: which literals are documents, their
 * postings written in batches (bs_search_update_docs, the store hook's
 * work at each commit) and the full rebuild (bs_search_reindex).
 *
 * A document is a literal (simple, xsd:string or language-tagged; typed
 * literals such as numbers and dates are not indexed) that is the object
 * of at least one quad with an indexed predicate, in any graph (search
 * filters by graph visibility when it answers).  Its field is the best
 * (label > keyword > text) among those predicates.  Terms are immutable,
 * so a document's tokens never change: only its field or its existence
 * does.
 *
 * Postings are not written one literal at a time: the (token, posting)
 * pairs of many literals are collected in one flat array whose tokens
 * live in one arena (no allocation per literal), sorted by token then
 * document, and written in that order, so consecutive writes land on
 * the same LMDB pages. */
#define _GNU_SOURCE /* qsort_r */
#include "config.h"
#include "search/search_int.h"

#include <stdlib.h>
#include <string.h>

#define FLUSH_ENTRIES ((size_t)1 << 18)
#define FLUSH_ARENA ((size_t)8 << 20)
#define DEL_MARK 0xFF /* entry.field of a posting to remove */

typedef struct {
    uint32_t off;     /* token bytes in the arena */
    uint8_t len;      /* token length (≤ 64) */
    uint8_t tf;
    uint8_t field;    /* DEL_MARK: remove this posting */
    uint8_t dlen;     /* document length, capped at 255 */
    bs_id doc;
} entry;

typedef struct {
    bs_id doc;
    uint32_t len;
    uint8_t field;
    bool del;
} docop;

typedef struct {
    bs_txn *txn;
    entry *e;
    size_t ne, cape;
    char *arena;
    size_t na, capa;
    docop *d;
    size_t nd, capd;
    bs_id doc;        /* the literal being tokenized */
    bs_status err;    /* allocation failure inside the tokenizer callback */
} batch;

static bs_status grow(void **v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return BS_OK;
    size_t nc = *cap ? *cap : 1024;
    while (nc < need) nc *= 2;
    void *nv = realloc(*v, nc * size);
    if (!nv) return BS_ERR_NOMEM;
    *v = nv;
    *cap = nc;
    return BS_OK;
}

static void on_token(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    batch *b = ctx;
    (void)start; (void)end;
    if (b->err != BS_OK || len == 0 || len > 255) return;
    bs_status st = grow((void **)&b->e, &b->cape, b->ne + 1, sizeof *b->e);
    if (st == BS_OK) st = grow((void **)&b->arena, &b->capa, b->na + len, 1);
    if (st != BS_OK) { b->err = st; return; }
    memcpy(b->arena + b->na, tok, len);
    b->e[b->ne++] = (entry){ (uint32_t)b->na, (uint8_t)len, 1, 0, 0, b->doc };
    b->na += len;
}

static int cmp_tok(const entry *x, const entry *y, const char *arena)
{
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(arena + x->off, arena + y->off, n);
    return c ? c : (int)x->len - (int)y->len;
}

static int cmp_tok_r(const void *a, const void *b, void *arena)
{
    return cmp_tok(a, b, arena);
}

static int cmp_tok_doc_r(const void *a, const void *b, void *arena)
{
    int c = cmp_tok(a, b, arena);
    if (c) return c;
    bs_id x = ((const entry *)a)->doc, y = ((const entry *)b)->doc;
    return x < y ? -1 : x > y;
}

/* Tokenize a literal's text into the batch as document doc: one entry
 * per distinct token with its tf; field DEL_MARK for a removal.  *ntok =
 * the document's length in tokens. */
static bs_status add_doc_tokens(batch *b, bs_id doc, uint8_t field, uint32_t *ntok)
{
    bs_term t;
    bs_status st = bs_dict_get(b->txn, doc, &t);
    if (st != BS_OK) return st;
    size_t first = b->ne;
    b->doc = doc;
    TRY(st, bs_search_tokenize(t.lex, t.lex_len, on_token, b));
    TRY(st, b->err);
    size_t n = b->ne - first;
    *ntok = (uint32_t)n;
    uint8_t dlen = n > 255 ? 255 : (uint8_t)n;
    entry *e = b->e + first;
    if (n > 1) qsort_r(e, n, sizeof *e, cmp_tok_r, b->arena);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && cmp_tok(&e[m - 1], &e[i], b->arena) == 0) {
            if (e[m - 1].tf < 255) e[m - 1].tf++;
            continue;
        }
        e[m] = e[i];
        e[m].field = field;
        e[m].dlen = dlen;
        m++;
    }
    b->ne = first + m;
fail:
    return st;
}

static bs_status push_docop(batch *b, docop op)
{
    bs_status st = grow((void **)&b->d, &b->capd, b->nd + 1, sizeof *b->d);
    if (st == BS_OK) b->d[b->nd++] = op;
    return st;
}

/* Write what the batch holds, postings in (token, doc) order. */
static bs_status flush(batch *b)
{
    bs_status st = BS_OK;
    if (b->ne > 1) qsort_r(b->e, b->ne, sizeof *b->e, cmp_tok_doc_r, b->arena);
    for (size_t i = 0; i < b->ne && st == BS_OK; i++) {
        const entry *e = &b->e[i];
        const char *tok = b->arena + e->off;
        if (e->field == DEL_MARK) {
            st = bs_tix_del(b->txn, tok, e->len, e->doc);
            if (st == BS_NOT_FOUND) st = BS_OK;
        } else {
            bs_posting p = { e->doc, e->tf, e->field, e->dlen };
            st = bs_tix_put(b->txn, tok, e->len, &p);
        }
    }
    for (size_t i = 0; i < b->nd && st == BS_OK; i++) {
        const docop *d = &b->d[i];
        if (d->del) {
            st = bs_tix_doc_del(b->txn, d->doc);
            if (st == BS_NOT_FOUND) st = BS_OK;
        } else {
            bs_tix_doc rec = { d->field, d->len };
            st = bs_tix_doc_put(b->txn, d->doc, &rec);
        }
    }
    b->ne = b->na = b->nd = 0;
    return st;
}

static bs_status maybe_flush(batch *b)
{
    return b->ne >= FLUSH_ENTRIES || b->na >= FLUSH_ARENA ? flush(b) : BS_OK;
}

static void batch_free(batch *b)
{
    free(b->e);
    free(b->arena);
    free(b->d);
}

static bool indexable(bs_id lit)
{
    bs_term_kind k = bs_id_kind(lit);
    return k == BS_TERM_LITERAL || k == BS_TERM_LANG;
}

/* (Re)index doc in field, or remove it (field < 0); old = its record. */
static bs_status index_doc(batch *b, bs_id doc, int field, const bs_tix_doc *old)
{
    uint32_t n = 0;
    bs_status st;
    if (field < 0) {
        if (!old) return BS_OK;
        TRY(st, add_doc_tokens(b, doc, DEL_MARK, &n));
        TRY(st, push_docop(b, (docop){ doc, 0, 0, true }));
    } else {
        if (old && old->field == field) return BS_OK;
        TRY(st, add_doc_tokens(b, doc, (uint8_t)field, &n));
        TRY(st, push_docop(b, (docop){ doc, n, (uint8_t)field, false }));
    }
    return maybe_flush(b);
fail:
    return st;
}

/* The best field among the indexed predicates lit is an object of. */
static bs_status best_field(bs_search *s, bs_iter **it, bs_txn *txn, bs_id lit, int *out)
{
    bs_quad pat = { BS_ANY, BS_ANY, lit, BS_ANY }, q;
    bs_status st = *it ? bs_iter_reset(*it, &pat) : bs_iter_new(txn, &pat, it);
    if (st != BS_OK) {
        bs_iter_free(*it);
        *it = NULL;
        return st;
    }
    *out = -1;
    while ((st = bs_iter_next(*it, &q)) == BS_OK) {
        int f = bs_search_pred_field(s, q.p);
        if (f >= 0 && (*out < 0 || f < *out)) *out = f;
        if (*out == BS_FIELD_LABEL) break;
    }
    return st == BS_END || st == BS_OK ? BS_OK : st;
}

bs_status bs_search_update_docs(bs_search *s, bs_txn *txn, const bs_id *lits, size_t n)
{
    batch b = { .txn = txn };
    bs_iter *it = NULL;
    bs_status st = BS_OK;
    for (size_t i = 0; i < n && st == BS_OK; i++) {
        if (!indexable(lits[i])) continue;
        int field = -1;
        bs_tix_doc rec;
        TRY(st, best_field(s, &it, txn, lits[i], &field));
        st = bs_tix_doc_get(txn, lits[i], &rec);
        if (st != BS_OK && st != BS_NOT_FOUND) goto fail;
        st = index_doc(&b, lits[i], field, st == BS_OK ? &rec : NULL);
    }
    if (st == BS_OK) st = flush(&b);
fail:
    bs_iter_free(it);
    batch_free(&b);
    return st;
}

/* ---- rebuild ------------------------------------------------------- */

typedef struct {
    bs_id lit;
    int field;
} litfield;

static int cmp_litfield(const void *a, const void *b)
{
    const litfield *x = a, *y = b;
    if (x->lit != y->lit) return x->lit < y->lit ? -1 : 1;
    return x->field - y->field;
}

/* Every indexable literal object of an indexed predicate with its best
 * field, ascending by literal.  *out malloc'ed. */
static bs_status collect_docs(bs_search *s, bs_txn *txn, litfield **out, size_t *n)
{
    litfield *v = NULL;
    size_t nv = 0, cap = 0;
    bs_iter *it = NULL;
    bs_status st = BS_OK;
    for (size_t i = 0; i < s->npreds && st == BS_OK; i++) {
        if (!s->preds[i].pred) continue;
        bs_quad pat = { BS_ANY, s->preds[i].pred, BS_ANY, BS_ANY }, q;
        TRY(st, it ? bs_iter_reset(it, &pat) : bs_iter_new(txn, &pat, &it));
        while ((st = bs_iter_next(it, &q)) == BS_OK) {
            if (!indexable(q.o) || (nv && v[nv - 1].lit == q.o)) continue;
            TRY(st, grow((void **)&v, &cap, nv + 1, sizeof *v));
            v[nv++] = (litfield){ q.o, (int)s->preds[i].field };
        }
        if (st == BS_END) st = BS_OK;
    }
    if (st != BS_OK) goto fail;
    if (nv > 1) qsort(v, nv, sizeof *v, cmp_litfield);
    size_t m = 0;
    for (size_t i = 0; i < nv; i++) /* keep the best (lowest) field */
        if (!m || v[m - 1].lit != v[i].lit) v[m++] = v[i];
    bs_iter_free(it);
    *out = v;
    *n = m;
    return BS_OK;
fail:
    bs_iter_free(it);
    free(v);
    return st;
}

bs_status bs_search_reindex(bs_search *s, bs_txn *txn, uint64_t *docs)
{
    litfield *v = NULL;
    size_t n = 0;
    batch b = { .txn = txn };
    bs_status st;
    if (!s || !txn) return BS_ERR_ARG;
    TRY(st, bs_search_ids_refresh(s, txn));
    TRY(st, bs_tix_clear(txn));
    TRY(st, collect_docs(s, txn, &v, &n));
    for (size_t i = 0; i < n; i++) TRY(st, index_doc(&b, v[i].lit, v[i].field, NULL));
    TRY(st, flush(&b));
    TRY(st, bs_store_hook_fresh(txn, "search"));
    if (docs) *docs = n;
    s->usable = true;
fail:
    free(v);
    batch_free(&b);
    return st;
}
