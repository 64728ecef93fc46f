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
 * Postings are not written one literal at a time: the tokens of many
 * literals are collected in a batch, each distinct token once (a hash
 * table over an arena) with the list of its postings in the order the
 * documents came (ascending: callers go through literals in id order).
 * A flush sorts the batch's distinct tokens only and writes each token's
 * postings at once.  Documents new to the index (no record, hence no
 * posting: the common case of a load) go through bs_tix_writer: one
 * MDB_MULTIPLE put per token, appended where the key or the duplicates
 * are past the end, and their records appended in id order.  A field
 * change or a removal takes the general path (bs_tix_put / bs_tix_del).
 * BATTSTORE_SEARCH_SLOW_UPKEEP=1 sends everything down the general path
 * and BATTSTORE_SEARCH_FLUSH=N flushes every N postings (the tests
 * compare both paths and exercise many flushes). */
#include "config.h"
#include "search/search_int.h"

#include <stdlib.h>
#include <string.h>

#define FLUSH_ENTRIES ((size_t)1 << 21) /* postings (16 bytes each) per flush */
#define NONE UINT32_MAX

enum { OP_NEW, OP_SET, OP_DEL }; /* a document new to the index, a field change, a removal */

typedef struct {
    bs_id doc;
    uint8_t tf, field, dlen, op;
} entry;

/* A distinct token of the batch with its entries, contiguous in document
 * order (a flush reads them in one sweep: a list threaded through one
 * big array cost a cache miss per posting). */
typedef struct {
    uint32_t off, hash; /* bytes in the arena, hash */
    uint32_t n, cap;    /* entries */
    entry *ent;
    uint8_t len;
} vtok;

typedef struct {
    bs_id doc;
    uint32_t len;
    uint8_t field, op;
} docop;

typedef struct {
    bs_txn *txn;
    bool slow;        /* BATTSTORE_SEARCH_SLOW_UPKEEP: the general path only */
    size_t flush_at;  /* entries that trigger a flush */
    size_t ne;        /* entries, all tokens */
    uint32_t *dt;     /* the tokens of the document being tokenized */
    size_t ndt, capdt;
    vtok *v;          /* distinct tokens */
    size_t nv, capv;
    uint32_t *slot;   /* hash table: index in v + 1, 0 = empty */
    size_t nslot;     /* a power of two */
    char *arena;
    size_t na, capa;
    docop *d;
    size_t nd, capd;
    bs_posting *ps;   /* one token's postings at flush */
    size_t capps;
    bs_posting *side; /* sort_nearly's out-of-order postings */
    size_t capside;
    bs_posting *kinds; /* sort_postings' postings gathered by kind */
    size_t capkinds;
    bs_id doc;        /* the literal being tokenized */
    uint8_t field, op;
    uint32_t ntok;    /* its length in tokens */
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

/* Double the hash table (or make the first one). */
static bs_status rehash(batch *b)
{
    size_t n = b->nslot ? b->nslot * 2 : 256;
    uint32_t *t = calloc(n, sizeof *t);
    if (!t) return BS_ERR_NOMEM;
    for (size_t i = 0; i < b->nv; i++) {
        size_t j = b->v[i].hash & (n - 1);
        while (t[j]) j = (j + 1) & (n - 1);
        t[j] = (uint32_t)i + 1;
    }
    free(b->slot);
    b->slot = t;
    b->nslot = n;
    return BS_OK;
}

/* Index in b->v of token tok[0..len) (h its bs_search_tok_hash), added
 * when new; NONE when out of memory (b->err set). */
static uint32_t vocab_find(batch *b, const char *tok, size_t len, uint32_t h)
{
    size_t j = h & (b->nslot - 1);
    for (uint32_t x; (x = b->slot[j]); j = (j + 1) & (b->nslot - 1)) {
        const vtok *t = &b->v[x - 1];
        if (t->hash == h && t->len == len && !memcmp(b->arena + t->off, tok, len)) return x - 1;
    }
    bs_status st = grow((void **)&b->v, &b->capv, b->nv + 1, sizeof *b->v);
    if (st == BS_OK) st = grow((void **)&b->arena, &b->capa, b->na + len, 1);
    if (st != BS_OK) {
        b->err = st;
        return NONE;
    }
    memcpy(b->arena + b->na, tok, len);
    b->v[b->nv] = (vtok){ (uint32_t)b->na, h, 0, 0, NULL, (uint8_t)len };
    b->na += len;
    b->slot[j] = (uint32_t)++b->nv;
    if (b->nv * 2 > b->nslot && (b->err = rehash(b)) != BS_OK) return NONE;
    return (uint32_t)b->nv - 1;
}

static void on_token(void *ctx, const char *tok, size_t len, uint32_t hash)
{
    batch *b = ctx;
    if (b->err != BS_OK || len == 0 || len > 255) return;
    uint32_t x = vocab_find(b, tok, len, hash);
    if (x == NONE) return;
    b->ntok++;
    vtok *t = &b->v[x];
    if (t->n && t->ent[t->n - 1].doc == b->doc) { /* again in this document */
        if (t->ent[t->n - 1].tf < 255) t->ent[t->n - 1].tf++;
        return;
    }
    if (t->n == t->cap) {
        uint32_t nc = t->cap ? t->cap * 2 : 4;
        entry *ne = realloc(t->ent, nc * sizeof *ne);
        if (!ne) { b->err = BS_ERR_NOMEM; return; }
        t->ent = ne;
        t->cap = nc;
    }
    bs_status st = grow((void **)&b->dt, &b->capdt, b->ndt + 1, sizeof *b->dt);
    if (st != BS_OK) { b->err = st; return; }
    t->ent[t->n++] = (entry){ b->doc, 1, b->field, 0, b->op };
    b->dt[b->ndt++] = x;
    b->ne++;
}

/* Tokenize a literal's text into the batch as document doc (op, field);
 * *ntok = its length in tokens. */
static bs_status add_doc_tokens(batch *b, bs_id doc, uint8_t field, uint8_t op, uint32_t *ntok)
{
    bs_term t;
    bs_status st = BS_OK;
    const bs_term *lt = bs_txn_bulk_term(b->txn, doc); /* a load's own view */
    if (lt) t = *lt;
    else TRY(st, bs_dict_get(b->txn, doc, &t));
    if (!b->nslot) TRY(st, rehash(b));
    b->doc = doc;
    b->field = field;
    b->op = op;
    b->ntok = 0;
    b->ndt = 0;
    TRY(st, bs_search_tokenize_hashed(t.lex, t.lex_len, on_token, b));
    TRY(st, b->err);
    *ntok = b->ntok;
    uint8_t dlen = b->ntok > 255 ? 255 : (uint8_t)b->ntok;
    for (size_t i = 0; i < b->ndt; i++) { /* each token's last entry is this doc's */
        vtok *v = &b->v[b->dt[i]];
        v->ent[v->n - 1].dlen = dlen;
    }
fail:
    return st;
}

static bs_status push_docop(batch *b, docop op)
{
    bs_status st = grow((void **)&b->d, &b->capd, b->nd + 1, sizeof *b->d);
    if (st == BS_OK) b->d[b->nd++] = op;
    return st;
}

/* A token to sort: its first 8 bytes big-endian (zero-padded: a token
 * holds no NUL byte, so the prefix orders as the bytes do), its index. */
typedef struct {
    uint64_t pre;
    uint32_t i;
} tokkey;

static __thread const batch *sort_batch; /* cmp_tokkey's batch (qsort has no context) */

static int cmp_tokkey(const void *a, const void *c)
{
    const tokkey *x = a, *y = c;
    if (x->pre != y->pre) return x->pre < y->pre ? -1 : 1;
    const vtok *p = &sort_batch->v[x->i], *q = &sort_batch->v[y->i];
    size_t n = p->len < q->len ? p->len : q->len;
    int r = n > 8 ? memcmp(sort_batch->arena + p->off + 8, sort_batch->arena + q->off + 8, n - 8) : 0;
    return r ? r : (int)p->len - (int)q->len;
}

/* order[0..nv) = the batch's tokens in byte order. */
static bs_status sort_tokens(batch *b, uint32_t *order)
{
    tokkey *k = malloc((b->nv ? b->nv : 1) * sizeof *k);
    if (!k) return BS_ERR_NOMEM;
    for (size_t i = 0; i < b->nv; i++) {
        const unsigned char *t = (const unsigned char *)b->arena + b->v[i].off;
        uint64_t pre = 0;
        for (size_t j = 0; j < 8; j++) pre = pre << 8 | (j < b->v[i].len ? t[j] : 0);
        k[i] = (tokkey){ pre, (uint32_t)i };
    }
    sort_batch = b;
    if (b->nv > 1) qsort(k, b->nv, sizeof *k, cmp_tokkey);
    for (size_t i = 0; i < b->nv; i++) order[i] = k[i].i;
    free(k);
    return BS_OK;
}

static int cmp_posting(const void *a, const void *c)
{
    bs_id x = ((const bs_posting *)a)->doc, y = ((const bs_posting *)c)->doc;
    return x < y ? -1 : x > y;
}

/* Sort ps[0..n) (distinct docs) by doc when it is nearly sorted, as a
 * load's batch is (documents come in the order the parser first met
 * them, mostly that of their ids): the postings below the ascending run
 * go aside, are sorted alone and merged back.  Past n / 8 of them, one
 * qsort of everything. */
static bs_status sort_nearly(batch *b, bs_posting *ps, size_t n)
{
    bs_status st = grow((void **)&b->side, &b->capside, n, sizeof *b->side);
    if (st != BS_OK) return st;
    bs_posting *side = b->side;
    size_t m = 0, k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!m || ps[i].doc > ps[m - 1].doc) ps[m++] = ps[i];
        else side[k++] = ps[i];
    }
    if (k > n / 8) {
        memcpy(ps + m, side, k * sizeof *side);
        qsort(ps, n, sizeof *ps, cmp_posting);
        return BS_OK;
    }
    if (k > 1) qsort(side, k, sizeof *side, cmp_posting);
    for (size_t o = n; k > 0; ) { /* merge from the back */
        if (m && ps[m - 1].doc > side[k - 1].doc) ps[--o] = ps[--m];
        else ps[--o] = side[--k];
    }
    return BS_OK;
}

/* Sort ps[0..n) (distinct docs) by doc.  A load's batch interleaves
 * plain and language-tagged literals: numbered in one sequence, but the
 * kind is in the ids' top bits, so the batch is two nearly sorted runs
 * (sort_nearly alone would set half of it aside and qsort it all).  Each
 * kind's postings are gathered (stable) and sorted apart; the kinds then
 * follow each other in id order. */
static bs_status sort_postings(batch *b, bs_posting *ps, size_t n)
{
    size_t cnt[16] = {0}, at[16];
    for (size_t i = 0; i < n; i++) cnt[bs_id_kind(ps[i].doc)]++;
    if (cnt[bs_id_kind(ps[0].doc)] == n) return sort_nearly(b, ps, n);
    bs_status st = grow((void **)&b->kinds, &b->capkinds, n, sizeof *b->kinds);
    if (st != BS_OK) return st;
    for (size_t k = 0, pos = 0; k < 16; k++) {
        at[k] = pos;
        pos += cnt[k];
    }
    for (size_t i = 0; i < n; i++) b->kinds[at[bs_id_kind(ps[i].doc)]++] = ps[i];
    memcpy(ps, b->kinds, n * sizeof *ps);
    for (size_t k = 0, pos = 0; k < 16 && st == BS_OK; pos += cnt[k], k++)
        if (cnt[k] > 1) st = sort_nearly(b, ps + pos, cnt[k]);
    return st;
}

/* Write one token's entries: removals and field changes one by one,
 * the postings of new documents at once through w. */
static bs_status flush_token(batch *b, bs_tix_writer *w, const vtok *t)
{
    const char *tok = b->arena + t->off;
    size_t n = 0;
    bool sorted = true;
    bs_status st = grow((void **)&b->ps, &b->capps, t->n, sizeof *b->ps);
    for (uint32_t i = 0; i < t->n && st == BS_OK; i++) {
        const entry *e = &t->ent[i];
        bs_posting p = { e->doc, e->tf, e->field, e->dlen };
        if (e->op == OP_DEL) {
            st = bs_tix_del(b->txn, tok, t->len, e->doc);
            if (st == BS_NOT_FOUND) st = BS_OK;
        } else if (e->op == OP_SET || b->slow) {
            st = bs_tix_put(b->txn, tok, t->len, &p);
        } else {
            if (n && b->ps[n - 1].doc >= p.doc) sorted = false;
            b->ps[n++] = p;
        }
    }
    if (st != BS_OK || n == 0) return st;
    if (!sorted && (st = sort_postings(b, b->ps, n)) != BS_OK) return st;
    return bs_tix_writer_postings(w, tok, t->len, b->ps, n);
}

static bs_status flush_docs(batch *b, bs_tix_writer *w)
{
    bs_status st = BS_OK;
    for (size_t i = 0; i < b->nd && st == BS_OK; i++) {
        const docop *d = &b->d[i];
        bs_tix_doc rec = { d->field, d->len };
        if (d->op == OP_DEL) {
            st = bs_tix_doc_del(b->txn, d->doc);
            if (st == BS_NOT_FOUND) st = BS_OK;
        } else if (d->op == OP_SET || b->slow) {
            st = bs_tix_doc_put(b->txn, d->doc, &rec);
        } else {
            st = bs_tix_writer_doc(w, d->doc, &rec);
        }
    }
    return st;
}

/* Write what the batch holds, token by token in byte order, and empty it. */
static bs_status flush(batch *b)
{
    bs_tix_writer *w = NULL;
    uint32_t *order = NULL;
    bs_status st = BS_OK;
    if (!b->nv && !b->nd) return BS_OK;
    order = malloc((b->nv ? b->nv : 1) * sizeof *order);
    if (!order) return BS_ERR_NOMEM;
    TRY(st, sort_tokens(b, order));
    TRY(st, bs_tix_writer_new(b->txn, &w));
    for (size_t i = 0; i < b->nv; i++) TRY(st, flush_token(b, w, &b->v[order[i]]));
    TRY(st, flush_docs(b, w));
    st = bs_tix_writer_finish(w);
    w = NULL;
fail:
    bs_tix_writer_free(w);
    free(order);
    for (size_t i = 0; i < b->nv; i++) free(b->v[i].ent);
    b->ne = b->nv = b->na = b->nd = 0;
    if (b->slot) memset(b->slot, 0, b->nslot * sizeof *b->slot);
    return st;
}

static bs_status maybe_flush(batch *b)
{
    return b->ne >= b->flush_at ? flush(b) : BS_OK;
}

static void batch_init(batch *b, bs_txn *txn)
{
    memset(b, 0, sizeof *b);
    b->txn = txn;
    const char *slow = getenv("BATTSTORE_SEARCH_SLOW_UPKEEP");
    b->slow = slow && strcmp(slow, "1") == 0;
    const char *at = getenv("BATTSTORE_SEARCH_FLUSH");
    b->flush_at = at && atol(at) > 0 ? (size_t)atol(at) : FLUSH_ENTRIES;
}

static void batch_free(batch *b)
{
    for (size_t i = 0; i < b->nv; i++) free(b->v[i].ent);
    free(b->dt);
    free(b->v);
    free(b->slot);
    free(b->arena);
    free(b->d);
    free(b->ps);
    free(b->side);
    free(b->kinds);
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
        TRY(st, add_doc_tokens(b, doc, 0, OP_DEL, &n));
        TRY(st, push_docop(b, (docop){ doc, 0, 0, OP_DEL }));
    } else {
        if (old && old->field == field) return BS_OK;
        uint8_t op = old ? OP_SET : OP_NEW;
        TRY(st, add_doc_tokens(b, doc, (uint8_t)field, op, &n));
        TRY(st, push_docop(b, (docop){ doc, n, (uint8_t)field, op }));
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

/* The early work's knowledge at commit (below, with the early work). */
static const bs_search_early *trusted_early(bs_txn *txn);
static bool early_final(const bs_search_early *e, bs_id lit);

bs_status bs_search_update_docs(bs_search *s, bs_txn *txn, const bs_id *lits, size_t n)
{
    batch b;
    batch_init(&b, txn);
    bs_iter *it = NULL;
    bs_status st = BS_OK;
    const bs_search_early *e = trusted_early(txn);
    for (size_t i = 0; i < n && st == BS_OK; i++) {
        if (!indexable(lits[i]) || (e && early_final(e, lits[i]))) continue;
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
    batch b;
    bs_status st;
    batch_init(&b, txn);
    if (!s || !txn) return BS_ERR_ARG;
    TRY(st, bs_search_ids_refresh(s, txn));
    TRY(st, bs_tix_clear(txn));
    TRY(st, collect_docs(s, txn, &v, &n));
    for (size_t i = 0; i < n; i++) TRY(st, index_doc(&b, v[i].lit, v[i].field, NULL));
    TRY(st, flush(&b));
    TRY(st, bs_store_hook_fresh(txn, "search"));
    TRY(st, bs_store_hook_fresh(txn, "search-fmt2")); /* the format (index.c) */
    if (docs) *docs = n;
    s->usable = true;
fail:
    free(v);
    batch_free(&b);
    return st;
}

/* ---- early work during a bulk load --------------------------------- */

/* bs_bulk_add hands each literal it queues under an indexed predicate to
 * bs_search_bulk_note while the load still parses (the writer thread
 * waits for the parser most of that time).  A literal met for the first
 * time in the txn and without a record is indexed at once as a new
 * document in the field of that first predicate, through a batch of its
 * own flushed every EARLY_FLUSH postings: its postings and record are in
 * the txn before commit (the last partial batch at commit).  Nothing is
 * decided early: at commit bs_search_update_docs still visits every
 * literal, finds the record the early work wrote, and changes its
 * field (a better predicate came later) or removes it (its quads were
 * removed) exactly as for a document indexed by an earlier txn.  BATTSTORE_SEARCH_NO_EARLY=1 or
 * BATTSTORE_SEARCH_SLOW_UPKEEP=1 turn the early work off. */

#define EARLY_FLUSH ((size_t)1 << 19)

/* What the early work knows of a literal met in the txn (info[] beside
 * its slot in seen[]): the best field of the bulk quads that use it
 * (FIELD bits), and whether it had no record when first met, so the
 * early work indexed it in field EARLY_FIELD. */
#define INFO_FIELD 0x03
#define INFO_EARLY 0x04
#define INFO_EARLY_SHIFT 3

struct bs_search_early {
    batch b;
    bool off;      /* turned off by the environment */
    bool dirty;    /* a literal was touched outside the bulk loader */
    bs_id *seen;   /* literals met in this txn: open addressing, 0 = empty */
    uint8_t *info; /* beside seen[] */
    size_t nseen, capseen;
    bs_id last_rec[2]; /* the greatest plain / tagged literal with a record
                        * when the first bulk literal came */
};

/* The early state of the txn being committed (set by bs_search_bulk_flush
 * just before the hook's before_commit on the same thread; cleared when
 * the state is freed). */
static __thread bs_search_early *committing;

static size_t id_slot(bs_id id, size_t cap)
{
    return (size_t)((id * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
}

/* Double the set (or make the first one). */
static bs_status seen_grow(bs_search_early *e)
{
    size_t nc = e->capseen ? e->capseen * 2 : 4096;
    bs_id *t = calloc(nc, sizeof *t);
    uint8_t *inf = calloc(nc, 1);
    if (!t || !inf) {
        free(t);
        free(inf);
        return BS_ERR_NOMEM;
    }
    for (size_t i = 0; i < e->capseen; i++) {
        if (!e->seen[i]) continue;
        size_t j = id_slot(e->seen[i], nc);
        while (t[j]) j = (j + 1) & (nc - 1);
        t[j] = e->seen[i];
        inf[j] = e->info[i];
    }
    free(e->seen);
    free(e->info);
    e->seen = t;
    e->info = inf;
    e->capseen = nc;
    return BS_OK;
}

/* lit's slot in the set, or SIZE_MAX. */
static size_t seen_find(const bs_search_early *e, bs_id lit)
{
    if (!e->capseen) return SIZE_MAX;
    for (size_t j = id_slot(lit, e->capseen); e->seen[j]; j = (j + 1) & (e->capseen - 1))
        if (e->seen[j] == lit) return j;
    return SIZE_MAX;
}

/* Add lit to the set; *slot = its slot, *fresh = it was not there. */
static bs_status seen_add(bs_search_early *e, bs_id lit, size_t *slot, bool *fresh)
{
    if ((e->nseen + 1) * 2 > e->capseen) {
        bs_status st = seen_grow(e);
        if (st != BS_OK) return st;
    }
    size_t j = id_slot(lit, e->capseen);
    for (; e->seen[j]; j = (j + 1) & (e->capseen - 1))
        if (e->seen[j] == lit) {
            *slot = j;
            *fresh = false;
            return BS_OK;
        }
    e->seen[j] = lit;
    e->info[j] = 0;
    e->nseen++;
    *slot = j;
    *fresh = true;
    return BS_OK;
}

/* Whether the commit can keep lit's early record without looking: the
 * early work indexed it (it had no record, so no quad used it with an
 * indexed predicate before the txn: the index was fresh), only the bulk
 * loader touched literals in this txn (no removal, no other write), and
 * no bulk quad gave it a better field than the early one. */
static bool early_final(const bs_search_early *e, bs_id lit)
{
    size_t j = seen_find(e, lit);
    if (j == SIZE_MAX || !(e->info[j] & INFO_EARLY)) return false;
    return (e->info[j] & INFO_FIELD) == e->info[j] >> INFO_EARLY_SHIFT;
}

/* The early state of txn when the commit may trust it (early_final),
 * else NULL.  BATTSTORE_SEARCH_CHECK_ALL=1: never (the tests compare). */
static const bs_search_early *trusted_early(bs_txn *txn)
{
    const bs_search_early *e = committing;
    if (!e || e->b.txn != txn || e->off || e->dirty) return NULL;
    const char *all = getenv("BATTSTORE_SEARCH_CHECK_ALL");
    return all && strcmp(all, "1") == 0 ? NULL : e;
}

static bool env_on(const char *name)
{
    const char *v = getenv(name);
    return v && strcmp(v, "1") == 0;
}

/* The txn's early state, made on first use (*state owns it). */
static bs_status early_of(bs_txn *txn, void **state, bs_search_early **out)
{
    bs_search_early *e = *state;
    if (!e) {
        if (!(e = calloc(1, sizeof *e))) return BS_ERR_NOMEM;
        batch_init(&e->b, txn);
        e->off = e->b.slow || env_on("BATTSTORE_SEARCH_NO_EARLY");
        if (!getenv("BATTSTORE_SEARCH_FLUSH")) e->b.flush_at = EARLY_FLUSH;
        *state = e;
    }
    *out = e;
    return BS_OK;
}

bs_status bs_search_bulk_note(bs_search *s, bs_txn *txn, bs_id lit, bs_id pred, void **state)
{
    bs_search_early *e;
    bool fresh = false;
    size_t slot = 0;
    bs_tix_doc rec;
    bs_status st;
    if (!indexable(lit)) return BS_OK;
    int field = pred ? bs_search_pred_field(s, pred) : 0;
    if (field < 0) return BS_OK;
    TRY(st, early_of(txn, state, &e));
    if (!pred) { /* touched outside the bulk loader: the commit looks at all */
        e->dirty = true;
        return BS_OK;
    }
    if (e->off) return BS_OK;
    if (!e->nseen) { /* the first bulk literal: what had records before */
        TRY(st, bs_tix_doc_last(txn, BS_TERM_LITERAL, &e->last_rec[0]));
        TRY(st, bs_tix_doc_last(txn, BS_TERM_LANG, &e->last_rec[1]));
    }
    TRY(st, seen_add(e, lit, &slot, &fresh));
    if (!fresh) {
        if (field < (e->info[slot] & INFO_FIELD))
            e->info[slot] = (uint8_t)((e->info[slot] & ~INFO_FIELD) | field);
        return BS_OK;
    }
    e->info[slot] = (uint8_t)field;
    /* A literal past the greatest record of its kind when the txn began
     * has none (the early work writes records only for literals it met,
     * and this one is new to it): most of a load, no lookup. */
    if (lit <= e->last_rec[bs_id_kind(lit) == BS_TERM_LANG]) {
        st = bs_tix_doc_get(txn, lit, &rec);
        if (st != BS_NOT_FOUND) return st; /* indexed already: the commit decides */
    }
    e->info[slot] |= (uint8_t)(INFO_EARLY | field << INFO_EARLY_SHIFT);
    return index_doc(&e->b, lit, field, NULL);
fail:
    return st;
}

bs_status bs_search_bulk_flush(bs_txn *txn, void *state)
{
    bs_search_early *e = state;
    if (!e || e->off) return BS_OK;
    committing = e->b.txn == txn ? e : NULL;
    return flush(&e->b);
}

void bs_search_bulk_free(void *state)
{
    bs_search_early *e = state;
    if (!e) return;
    if (committing == e) committing = NULL;
    batch_free(&e->b);
    free(e->seen);
    free(e->info);
    free(e);
}
