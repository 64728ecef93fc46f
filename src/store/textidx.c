/* SPDX-License-Identifier: MIT
 * battstore — the text index's storage: token → postings, document
 * records, corpus totals.  What goes in is decided by src/search.
 *
 * Layout (format 2; two named databases, opened with the others by
 * bs_store_open):
 *   "tixb"   plain keys, in byte order:
 *            tok ‖ 0x00            → the token's document frequency
 *                                    (8 bytes BE): its header
 *            tok ‖ 0x00 ‖ first doc → a block: 1..BLOCK_MAX postings of
 *                                    8 bytes (doc id BS_ID_BYTES BE, tf,
 *                                    field, len), ascending by doc, the
 *                                    first of them the key's doc
 *            Tokens hold no NUL byte, so a token's header comes first,
 *            then its blocks in document order, and the tokens are in
 *            byte order ("ab" before "abc").
 *   "tixdoc" doc id (BS_ID_BYTES, big-endian) → field (1 byte), length
 *            in tokens (4 bytes big-endian)
 *   meta "tix:tokens" → the sum of all documents' lengths, "tix:terms" →
 *   the number of distinct tokens, "tix:postings" → the number of
 *   postings (8 bytes BE each); the number of documents is tixdoc's
 *   entry count.
 *
 * Format 1 kept each posting as an LMDB duplicate ("tix", DUPSORT):
 * every insert grew the token's inline sub-page, about 800 instructions
 * a posting.  Blocks make a load's writes appends of whole values: a
 * token's postings are copied into its last block and new blocks, one
 * put per block.  A format-1 index ("tix") is emptied by bs_tix_clear;
 * src/search rebuilds it at attach.
 *
 * bs_tix_put/del/doc_put are the general, one-at-a-time writes (a block
 * rewritten, split when it overflows); bs_tix_writer adds documents new
 * to the index in bulk (a load). */
#include "config.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#define POST_BYTES 8
#define DOC_BYTES 5
#define BLOCK_MAX 120          /* postings per block: 960 bytes, 4 blocks a page */
#define SCAN_BATCH 512
#define KEY_MAX 511            /* LMDB's default maximum key size */
#define TOK_MAX (KEY_MAX - 1 - BS_ID_BYTES)

static const MDB_val tokens_key = {10, "tix:tokens"};
static const MDB_val terms_key = {9, "tix:terms"};
static const MDB_val postings_key = {12, "tix:postings"};

static uint64_t get_counter(bs_txn *txn, MDB_val k)
{
    MDB_val v;
    if (mdb_get(txn->txn, txn->store->meta, &k, &v) || v.mv_size != 8) return 0;
    return bs_get64be(v.mv_data);
}

static bs_status add_counter(bs_txn *txn, MDB_val k, int64_t delta)
{
    if (delta == 0) return BS_OK;
    uint64_t t = get_counter(txn, k);
    t = (delta < 0 && (uint64_t)-delta > t) ? 0 : t + (uint64_t)delta;
    uint8_t buf[8];
    bs_put64be(buf, t);
    MDB_val v = {8, buf};
    return bs_mdb_status(mdb_put(txn->txn, txn->store->meta, &k, &v, 0));
}

int bs_tix_open(bs_store *st, MDB_txn *txn, bool ro)
{
    unsigned create = ro ? 0 : MDB_CREATE;
    int rc = mdb_dbi_open(txn, "tixb", create, &st->tix);
    if (rc == 0) rc = mdb_dbi_open(txn, "tixdoc", create, &st->tixdoc);
    if (rc == MDB_NOTFOUND && ro) { /* a store without a format-2 index */
        st->tix = st->tixdoc = 0;
        return 0;
    }
    return rc;
}

/* BS_ERR_UNSUPPORTED when the store has no text-index databases (an old
 * store opened read-only). */
static bs_status need_tix(bs_txn *txn)
{
    return txn->store->tix ? BS_OK : BS_ERR_UNSUPPORTED;
}

/* doc (5 bytes BE), tf, field, len: one byte-swapped 8-byte store (the
 * byte loop of bs_id_put was 32 instructions a posting at load). */
_Static_assert(BS_ID_BYTES == 5 && POST_BYTES == 8, "post_pack packs 5 + 3 bytes");
static void post_pack(uint8_t *b, const bs_posting *p)
{
    uint64_t v = (uint64_t)p->doc << 24 | (uint64_t)p->tf << 16 | (uint64_t)p->field << 8 | p->len;
    v = __builtin_bswap64(v);
    memcpy(b, &v, 8);
}

/* The kind of a packed posting's doc: the top 4 bits of its first byte. */
_Static_assert(BS_ID_SEQ_BITS == 8 * BS_ID_BYTES - 4, "the kind is the first nibble");
static inline bs_term_kind post_kind(const uint8_t *b)
{
    return (bs_term_kind)(b[0] >> 4);
}

static void post_unpack(const uint8_t *b, bs_posting *p)
{
    p->doc = bs_id_get(b);
    p->tf = b[5];
    p->field = b[6];
    p->len = b[7];
}

static bs_status check_tok(const char *tok, size_t len)
{
    return len == 0 || len > TOK_MAX || memchr(tok, 0, len) ? BS_ERR_ARG : BS_OK;
}

/* ---- keys ---------------------------------------------------------- */

typedef struct {
    uint8_t b[KEY_MAX];
    MDB_val v;
} tkey;

/* The header key of tok (k->v points into k). */
static void key_head(tkey *k, const char *tok, size_t len)
{
    memcpy(k->b, tok, len);
    k->b[len] = 0;
    k->v = (MDB_val){len + 1, k->b};
}

/* The key of tok's block starting at doc first. */
static void key_block(tkey *k, const char *tok, size_t len, bs_id first)
{
    key_head(k, tok, len);
    bs_id_put(k->b + len + 1, first);
    k->v.mv_size = len + 1 + BS_ID_BYTES;
}

/* Split a key: its token's length, and whether it is a block (else the
 * header).  false for a key of neither shape. */
static bool key_parse(const MDB_val *k, size_t *toklen, bool *block)
{
    const uint8_t *z = memchr(k->mv_data, 0, k->mv_size);
    if (!z || z == k->mv_data) return false;
    *toklen = (size_t)(z - (const uint8_t *)k->mv_data);
    size_t rest = k->mv_size - *toklen - 1;
    *block = rest == BS_ID_BYTES;
    return rest == 0 || rest == BS_ID_BYTES;
}

/* Whether k is a block key of tok[0..len). */
static bool is_block_of(const MDB_val *k, const char *tok, size_t len)
{
    const uint8_t *b = k->mv_data;
    return k->mv_size == len + 1 + BS_ID_BYTES && b[len] == 0 && !memcmp(b, tok, len);
}

/* ---- headers (document frequency) ---------------------------------- */

static bs_status head_get(bs_txn *txn, const char *tok, size_t len, uint64_t *df)
{
    tkey k;
    MDB_val v;
    key_head(&k, tok, len);
    int rc = mdb_get(txn->txn, txn->store->tix, &k.v, &v);
    *df = 0;
    if (rc) return bs_mdb_status(rc);
    if (v.mv_size != 8) return BS_ERR_CORRUPT;
    *df = bs_get64be(v.mv_data);
    return BS_OK;
}

/* Add delta to tok's document frequency; the header goes when it drops
 * to 0 and comes with the first posting (*dterms counts tokens). */
static bs_status head_add(bs_txn *txn, const char *tok, size_t len, int64_t delta,
                          int64_t *dterms)
{
    uint64_t df = 0;
    bs_status st = head_get(txn, tok, len, &df);
    if (st != BS_OK && st != BS_NOT_FOUND) return st;
    bool had = st == BS_OK;
    df = (delta < 0 && (uint64_t)-delta > df) ? 0 : df + (uint64_t)delta;
    tkey k;
    key_head(&k, tok, len);
    int rc = 0;
    if (df == 0) {
        if (had) rc = mdb_del(txn->txn, txn->store->tix, &k.v, NULL);
        *dterms -= had;
    } else {
        uint8_t buf[8];
        bs_put64be(buf, df);
        MDB_val v = {8, buf};
        rc = mdb_put(txn->txn, txn->store->tix, &k.v, &v, 0);
        *dterms += !had;
    }
    return bs_mdb_status(rc);
}

/* ---- blocks -------------------------------------------------------- */

/* Position cur on tok's block that holds or would hold doc: the last one
 * whose first doc is ≤ doc, else the first one.  BS_NOT_FOUND when tok
 * has no block; else *k, *v are the block's (pointing into the page). */
static bs_status find_block(MDB_cursor *cur, const char *tok, size_t len, bs_id doc,
                            MDB_val *k, MDB_val *v)
{
    tkey key;
    key_block(&key, tok, len, doc);
    *k = key.v;
    int rc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
    if (rc == 0 && is_block_of(k, tok, len) && bs_id_get((uint8_t *)k->mv_data + len + 1) == doc)
        return BS_OK;
    if (rc && rc != MDB_NOTFOUND) return bs_mdb_status(rc);
    rc = mdb_cursor_get(cur, k, v, rc ? MDB_LAST : MDB_PREV);
    if (rc == 0 && is_block_of(k, tok, len)) return BS_OK;
    if (rc && rc != MDB_NOTFOUND) return bs_mdb_status(rc);
    key_head(&key, tok, len); /* nothing before doc: the block after the header */
    *k = key.v;
    rc = mdb_cursor_get(cur, k, v, MDB_SET_KEY);
    if (rc == 0) rc = mdb_cursor_get(cur, k, v, MDB_NEXT);
    if (rc == 0 && !is_block_of(k, tok, len)) rc = MDB_NOTFOUND;
    return bs_mdb_status(rc);
}

/* Write ps[0..n) (packed, ascending, 1 ≤ n ≤ 2 × BLOCK_MAX) as one block,
 * or two halves when it is more than BLOCK_MAX. */
static int put_blocks(bs_txn *txn, const char *tok, size_t len, const uint8_t *ps, size_t n)
{
    size_t first = n > BLOCK_MAX ? n / 2 : n;
    int rc = 0;
    for (size_t off = 0; off < n && rc == 0; off += first, first = n - first) {
        tkey k;
        key_block(&k, tok, len, bs_id_get(ps + off * POST_BYTES));
        MDB_val v = {first * POST_BYTES, (void *)(ps + off * POST_BYTES)};
        rc = mdb_put(txn->txn, txn->store->tix, &k.v, &v, 0);
    }
    return rc;
}

/* Index in the packed block b[0..n) of doc, or where it would go
 * (*found says which). */
static size_t block_search(const uint8_t *b, size_t n, bs_id doc, bool *found)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (bs_id_get(b + mid * POST_BYTES) < doc) lo = mid + 1;
        else hi = mid;
    }
    *found = lo < n && bs_id_get(b + lo * POST_BYTES) == doc;
    return lo;
}

/* Change doc's posting in tok's blocks: p = the new posting, or NULL to
 * remove it.  *dpost = postings added (+1), removed (-1) or 0. */
static bs_status block_edit(bs_txn *txn, MDB_cursor *cur, const char *tok, size_t len,
                            bs_id doc, const bs_posting *p, int *dpost)
{
    uint8_t buf[(BLOCK_MAX + 1) * POST_BYTES];
    MDB_val k, v;
    size_t n = 0, i = 0;
    bool found = false, had = false;
    *dpost = 0;
    bs_status st = find_block(cur, tok, len, doc, &k, &v);
    if (st != BS_OK && st != BS_NOT_FOUND) return st;
    if (st == BS_OK) {
        if (v.mv_size % POST_BYTES || v.mv_size == 0 || v.mv_size > BLOCK_MAX * POST_BYTES)
            return BS_ERR_CORRUPT;
        had = true;
        n = v.mv_size / POST_BYTES;
        memcpy(buf, v.mv_data, v.mv_size);
        i = block_search(buf, n, doc, &found);
    }
    if (!p && !found) return BS_NOT_FOUND;
    uint8_t one[POST_BYTES];
    if (p) post_pack(one, p);
    if (p && found && !memcmp(buf + i * POST_BYTES, one, POST_BYTES)) return BS_OK;
    int rc = had ? mdb_cursor_del(cur, 0) : 0; /* the block is rewritten */
    if (rc) return bs_mdb_status(rc);
    if (!p) { /* remove */
        memmove(buf + i * POST_BYTES, buf + (i + 1) * POST_BYTES, (n - i - 1) * POST_BYTES);
        n--;
        *dpost = -1;
    } else if (found) {
        memcpy(buf + i * POST_BYTES, one, POST_BYTES);
    } else {
        memmove(buf + (i + 1) * POST_BYTES, buf + i * POST_BYTES, (n - i) * POST_BYTES);
        memcpy(buf + i * POST_BYTES, one, POST_BYTES);
        n++;
        *dpost = 1;
    }
    return n ? bs_mdb_status(put_blocks(txn, tok, len, buf, n)) : BS_OK;
}

/* Put (p) or remove (p NULL) doc's posting of tok, with the header and
 * the counters. */
static bs_status tix_edit(bs_txn *txn, const char *tok, size_t len, bs_id doc,
                          const bs_posting *p)
{
    MDB_cursor *cur = NULL;
    int rc = mdb_cursor_open(txn->txn, txn->store->tix, &cur);
    if (rc) return bs_mdb_status(rc);
    int dpost = 0;
    int64_t dterms = 0;
    bs_status st = block_edit(txn, cur, tok, len, doc, p, &dpost);
    mdb_cursor_close(cur);
    if (st == BS_OK && dpost) st = head_add(txn, tok, len, dpost, &dterms);
    if (st == BS_OK) st = add_counter(txn, terms_key, dterms);
    if (st == BS_OK) st = add_counter(txn, postings_key, dpost);
    return st;
}

bs_status bs_tix_put(bs_txn *txn, const char *tok, size_t len, const bs_posting *p)
{
    bs_status st;
    if (!txn->write) return BS_ERR_READONLY;
    TRY(st, need_tix(txn));
    TRY(st, check_tok(tok, len));
    return tix_edit(txn, tok, len, p->doc, p);
fail:
    return st;
}

bs_status bs_tix_del(bs_txn *txn, const char *tok, size_t len, bs_id doc)
{
    bs_status st;
    if (!txn->write) return BS_ERR_READONLY;
    TRY(st, need_tix(txn));
    if (check_tok(tok, len) != BS_OK) return BS_NOT_FOUND;
    return tix_edit(txn, tok, len, doc, NULL);
fail:
    return st;
}

/* ---- reading ------------------------------------------------------- */

typedef struct {
    bs_status (*fn)(void *ctx, const char *tok, size_t toklen, const bs_posting *ps, size_t n);
    void *ctx;
    char tok[KEY_MAX];     /* the token being read */
    size_t toklen;
    bs_posting ps[SCAN_BATCH];
    size_t n;
} scanner;

static bs_status scan_emit(scanner *s)
{
    size_t n = s->n;
    s->n = 0;
    return n ? s->fn(s->ctx, s->tok, s->toklen, s->ps, n) : BS_OK;
}

static bs_status scan_block(scanner *s, const MDB_val *v)
{
    if (v->mv_size % POST_BYTES) return BS_ERR_CORRUPT;
    const uint8_t *b = v->mv_data;
    for (size_t i = 0, n = v->mv_size / POST_BYTES; i < n; i++) {
        if (s->n == SCAN_BATCH) {
            bs_status st = scan_emit(s);
            if (st != BS_OK) return st;
        }
        post_unpack(b + i * POST_BYTES, &s->ps[s->n++]);
    }
    return BS_OK;
}

/* Walk from the key cur stands on (k) while it is under tok (a prefix,
 * or exactly tok), handing each token's postings to s. */
static int scan_walk(MDB_cursor *cur, MDB_val *k, MDB_val *d, const char *tok, size_t len,
                     bool prefix, scanner *s, bs_status *st)
{
    int rc = 0;
    for (; rc == 0; rc = mdb_cursor_get(cur, k, d, MDB_NEXT)) {
        size_t tl;
        bool block;
        if (!key_parse(k, &tl, &block)) { *st = BS_ERR_CORRUPT; return 0; }
        if (tl < len || memcmp(k->mv_data, tok, len) || (!prefix && tl != len)) break;
        if (!block) { /* the next token's header */
            if ((*st = scan_emit(s)) != BS_OK) return 0;
            memcpy(s->tok, k->mv_data, tl);
            s->toklen = tl;
        } else if (tl == s->toklen && (*st = scan_block(s, d)) != BS_OK) {
            return 0;
        }
    }
    if (rc == 0 || rc == MDB_NOTFOUND) *st = scan_emit(s);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

bs_status bs_tix_scan(bs_txn *txn, const char *tok, size_t len, bool prefix,
                      bs_status (*fn)(void *ctx, const char *tok, size_t toklen,
                                      const bs_posting *ps, size_t n),
                      void *ctx)
{
    bs_status st;
    MDB_cursor *cur = NULL;
    TRY(st, need_tix(txn));
    if (len > TOK_MAX || (len == 0 && !prefix)) return BS_OK;
    scanner *s = malloc(sizeof *s);
    if (!s) return BS_ERR_NOMEM;
    s->fn = fn;
    s->ctx = ctx;
    s->toklen = SIZE_MAX;  /* no header seen yet */
    s->n = 0;
    int rc = mdb_cursor_open(txn->txn, txn->store->tix, &cur);
    tkey hk;
    MDB_val k = {len, (void *)tok}, d;
    if (!prefix) {
        key_head(&hk, tok, len);
        k = hk.v;
    }
    if (rc == 0) rc = mdb_cursor_get(cur, &k, &d, len == 0 ? MDB_FIRST :
                                     prefix ? MDB_SET_RANGE : MDB_SET_KEY);
    st = BS_OK;
    if (rc == 0) rc = scan_walk(cur, &k, &d, tok, len, prefix, s, &st);
    if (rc && rc != MDB_NOTFOUND) st = bs_mdb_status(rc);
    mdb_cursor_close(cur);
    free(s);
    return st == BS_END ? BS_OK : st;
fail:
    return st;
}

bs_status bs_tix_df(bs_txn *txn, const char *tok, size_t len, uint64_t *out)
{
    bs_status st;
    *out = 0;
    TRY(st, need_tix(txn));
    if (check_tok(tok, len) != BS_OK) return BS_OK;
    st = head_get(txn, tok, len, out);
    return st == BS_NOT_FOUND ? BS_OK : st;
fail:
    return st;
}

/* ---- document records ---------------------------------------------- */

static bool doc_unpack(const MDB_val *v, bs_tix_doc *out)
{
    const uint8_t *b = v->mv_data;
    if (v->mv_size != DOC_BYTES) return false;
    out->field = b[0];
    out->len = (uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 8 | b[4];
    return true;
}

static void doc_pack(uint8_t *b, const bs_tix_doc *d)
{
    b[0] = d->field;
    b[1] = (uint8_t)(d->len >> 24);
    b[2] = (uint8_t)(d->len >> 16);
    b[3] = (uint8_t)(d->len >> 8);
    b[4] = (uint8_t)d->len;
}

bs_status bs_tix_doc_get(bs_txn *txn, bs_id doc, bs_tix_doc *out)
{
    if (!txn->store->tixdoc) return BS_NOT_FOUND;
    uint8_t kb[BS_ID_BYTES];
    bs_id_put(kb, doc);
    MDB_val k = {BS_ID_BYTES, kb}, v;
    int rc = mdb_get(txn->txn, txn->store->tixdoc, &k, &v);
    if (rc) return bs_mdb_status(rc);
    return doc_unpack(&v, out) ? BS_OK : BS_ERR_CORRUPT;
}

bs_status bs_tix_doc_last(bs_txn *txn, bs_term_kind kind, bs_id *out)
{
    *out = 0;
    if (kind >= 0xF) return BS_ERR_ARG;
    if (!txn->store->tixdoc) return BS_OK;
    MDB_cursor *c;
    int rc = mdb_cursor_open(txn->txn, txn->store->tixdoc, &c);
    if (rc) return bs_mdb_status(rc);
    uint8_t kb[BS_ID_BYTES];
    bs_id_put(kb, bs_id_make(kind + 1, 0)); /* the first id of the next kind */
    MDB_val k = {BS_ID_BYTES, kb}, v;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    if (rc == 0 || rc == MDB_NOTFOUND)
        rc = mdb_cursor_get(c, &k, &v, rc ? MDB_LAST : MDB_PREV);
    if (rc == 0 && k.mv_size == BS_ID_BYTES && bs_id_kind(bs_id_get(k.mv_data)) == kind)
        *out = bs_id_get(k.mv_data);
    mdb_cursor_close(c);
    return rc == MDB_NOTFOUND ? BS_OK : bs_mdb_status(rc);
}

bs_status bs_tix_doc_put(bs_txn *txn, bs_id doc, const bs_tix_doc *d)
{
    bs_status st;
    if (!txn->write) return BS_ERR_READONLY;
    TRY(st, need_tix(txn));
    bs_tix_doc old;
    st = bs_tix_doc_get(txn, doc, &old);
    if (st != BS_OK && st != BS_NOT_FOUND) return st;
    int64_t delta = (int64_t)d->len - (st == BS_OK ? (int64_t)old.len : 0);
    uint8_t kb[BS_ID_BYTES], vb[DOC_BYTES];
    doc_pack(vb, d);
    bs_id_put(kb, doc);
    MDB_val k = {BS_ID_BYTES, kb}, v = {DOC_BYTES, vb};
    int rc = mdb_put(txn->txn, txn->store->tixdoc, &k, &v, 0);
    if (rc) return bs_mdb_status(rc);
    return add_counter(txn, tokens_key, delta);
fail:
    return st;
}

bs_status bs_tix_doc_del(bs_txn *txn, bs_id doc)
{
    bs_status st;
    if (!txn->write) return BS_ERR_READONLY;
    TRY(st, need_tix(txn));
    bs_tix_doc old;
    TRY(st, bs_tix_doc_get(txn, doc, &old));
    uint8_t kb[BS_ID_BYTES];
    bs_id_put(kb, doc);
    MDB_val k = {BS_ID_BYTES, kb};
    int rc = mdb_del(txn->txn, txn->store->tixdoc, &k, NULL);
    if (rc) return bs_mdb_status(rc);
    return add_counter(txn, tokens_key, -(int64_t)old.len);
fail:
    return st;
}

bs_status bs_tix_stat(bs_txn *txn, bs_tix_stats *out)
{
    bs_status st;
    memset(out, 0, sizeof *out);
    TRY(st, need_tix(txn));
    MDB_stat ms;
    int rc = mdb_stat(txn->txn, txn->store->tixdoc, &ms);
    if (rc) return bs_mdb_status(rc);
    out->docs = ms.ms_entries;
    out->pages = ms.ms_branch_pages + ms.ms_leaf_pages + ms.ms_overflow_pages;
    if ((rc = mdb_stat(txn->txn, txn->store->tix, &ms))) return bs_mdb_status(rc);
    out->pages += ms.ms_branch_pages + ms.ms_leaf_pages + ms.ms_overflow_pages;
    out->postings = get_counter(txn, postings_key);
    out->tokens = get_counter(txn, tokens_key);
    out->terms = get_counter(txn, terms_key);
    out->bytes = out->pages * ms.ms_psize;
    return BS_OK;
fail:
    return st;
}

/* Empty a format-1 index ("tix", LMDB duplicates) left by an older
 * battstore: the rebuild replaces it. */
static int clear_legacy(bs_txn *txn)
{
    MDB_dbi old;
    int rc = mdb_dbi_open(txn->txn, "tix", MDB_DUPSORT | MDB_DUPFIXED, &old);
    if (rc == MDB_NOTFOUND) return 0;
    if (rc == MDB_INCOMPATIBLE) return 0; /* not ours to touch */
    return rc ? rc : mdb_drop(txn->txn, old, 0);
}

bs_status bs_tix_clear(bs_txn *txn)
{
    bs_status st;
    if (!txn->write) return BS_ERR_READONLY;
    TRY(st, need_tix(txn));
    int rc = mdb_drop(txn->txn, txn->store->tix, 0);
    if (!rc) rc = mdb_drop(txn->txn, txn->store->tixdoc, 0);
    const MDB_val *keys[] = {&tokens_key, &terms_key, &postings_key};
    for (size_t i = 0; i < 3 && !rc; i++) {
        MDB_val k = *keys[i];
        rc = mdb_del(txn->txn, txn->store->meta, &k, NULL);
        if (rc == MDB_NOTFOUND) rc = 0;
    }
    if (!rc) rc = clear_legacy(txn);
    return bs_mdb_status(rc);
fail:
    return st;
}

/* ---- the appending writer ------------------------------------------ */

struct bs_tix_writer {
    bs_txn *txn;
    MDB_cursor *post, *doc;
    uint8_t last_key[KEY_MAX];  /* the greatest key of "tixb" */
    size_t last_len;            /* 0: "tixb" is empty */
    bs_id last_doc;             /* the greatest document of "tixdoc" */
    bool any_doc;
    uint8_t *buf;               /* packed postings */
    size_t cap;
    int64_t dterms, dtokens, dposts;
};

void bs_tix_writer_free(bs_tix_writer *w)
{
    if (!w) return;
    if (w->post) mdb_cursor_close(w->post);
    if (w->doc) mdb_cursor_close(w->doc);
    free(w->buf);
    free(w);
}

static void note_last(bs_tix_writer *w, const MDB_val *k)
{
    memcpy(w->last_key, k->mv_data, k->mv_size);
    w->last_len = k->mv_size;
}

/* The greatest key of "tixb", read again before each token: the general
 * writes (bs_tix_put) interleaved with the writer's may have added one. */
static int post_tail(bs_tix_writer *w)
{
    MDB_val k, v;
    int rc = mdb_cursor_get(w->post, &k, &v, MDB_LAST);
    w->last_len = 0;
    if (rc == 0 && k.mv_size <= KEY_MAX) note_last(w, &k);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* The last keys of both databases, so appends need no search. */
static int writer_tails(bs_tix_writer *w)
{
    MDB_val k, v;
    int rc = post_tail(w);
    if (rc) return rc;
    rc = mdb_cursor_get(w->doc, &k, &v, MDB_LAST);
    if (rc == 0 && k.mv_size == BS_ID_BYTES) {
        w->last_doc = bs_id_get(k.mv_data);
        w->any_doc = true;
    }
    return rc == MDB_NOTFOUND ? 0 : rc;
}

bs_status bs_tix_writer_new(bs_txn *txn, bs_tix_writer **out)
{
    bs_status st;
    *out = NULL;
    if (!txn->write) return BS_ERR_READONLY;
    TRY(st, need_tix(txn));
    bs_tix_writer *w = calloc(1, sizeof *w);
    if (!w) return BS_ERR_NOMEM;
    w->txn = txn;
    int rc = mdb_cursor_open(txn->txn, txn->store->tix, &w->post);
    if (!rc) rc = mdb_cursor_open(txn->txn, txn->store->tixdoc, &w->doc);
    if (!rc) rc = writer_tails(w);
    if (rc) {
        bs_tix_writer_free(w);
        return bs_mdb_status(rc);
    }
    *out = w;
    return BS_OK;
fail:
    return st;
}

/* Whether key k sorts after every key of "tixb" (LMDB's order). */
static bool past_end(const bs_tix_writer *w, const MDB_val *k)
{
    if (!w->last_len) return true;
    size_t n = k->mv_size < w->last_len ? k->mv_size : w->last_len;
    int c = memcmp(k->mv_data, w->last_key, n);
    return c > 0 || (c == 0 && k->mv_size > w->last_len);
}

/* Put key k → v through the writer's cursor: appended when past the end. */
static int writer_put(bs_tix_writer *w, MDB_val *k, MDB_val *v)
{
    bool append = past_end(w, k);
    int rc = mdb_cursor_put(w->post, k, v, append ? MDB_APPEND : 0);
    if (rc == 0 && append) note_last(w, k);
    return rc;
}

static bs_status pack_postings(bs_tix_writer *w, size_t lead, const bs_posting *ps, size_t n)
{
    size_t need = (lead + n) * POST_BYTES;
    if (need > w->cap) {
        size_t nc = w->cap ? w->cap : 4096;
        while (nc < need) nc *= 2;
        uint8_t *nb = realloc(w->buf, nc);
        if (!nb) return BS_ERR_NOMEM;
        w->buf = nb;
        w->cap = nc;
    }
    for (size_t i = 0; i < n; i++) {
        if (i && ps[i].doc <= ps[i - 1].doc) return BS_ERR_ARG;
        post_pack(w->buf + (lead + i) * POST_BYTES, &ps[i]);
    }
    return BS_OK;
}

/* Write w->buf[0..n) postings of tok as blocks of up to BLOCK_MAX, the
 * first one under the key of its first doc (replacing a block of that
 * key).  A block holds one kind of literal (plain or tagged): the ids of
 * a load's next flush fall between the kinds, where a block boundary
 * lets them in as a run of their own (writer_existing) instead of one
 * block edit per posting. */
static int write_blocks(bs_tix_writer *w, const char *tok, size_t len, size_t n)
{
    int rc = 0;
    for (size_t off = 0, m; off < n && rc == 0; off += m) {
        const uint8_t *p = w->buf + off * POST_BYTES;
        bs_term_kind kind = post_kind(p);
        for (m = 1; off + m < n && m < BLOCK_MAX; m++)
            if (post_kind(p + m * POST_BYTES) != kind) break;
        tkey k;
        key_block(&k, tok, len, bs_id_get(p));
        MDB_val v = {m * POST_BYTES, (void *)p};
        rc = writer_put(w, &k.v, &v);
    }
    return rc;
}

static bs_status writer_head(bs_tix_writer *w, const char *tok, size_t len, uint64_t df)
{
    tkey k;
    uint8_t buf[8];
    key_head(&k, tok, len);
    bs_put64be(buf, df);
    MDB_val v = {8, buf};
    return bs_mdb_status(writer_put(w, &k.v, &v));
}

/* Where doc would go among tok's blocks: the block before it (*prev, its
 * value copied into w->buf, *have postings, its last doc *prev_last;
 * *have 0 when none) and the first doc of the block after it (*next,
 * BS_ID_MAX + 1 when none).  *inside when doc falls within the block
 * before it (doc <= *prev_last). */
typedef struct {
    size_t have;
    bs_id first, last, next;
    bool inside;
} gap;

static bs_status find_gap(bs_tix_writer *w, const char *tok, size_t len, bs_id doc, gap *g)
{
    tkey k;
    key_block(&k, tok, len, doc);
    MDB_val key = k.v, v;
    *g = (gap){ 0, 0, 0, BS_ID_MAX + 1, false };
    int rc = mdb_cursor_get(w->post, &key, &v, MDB_SET_RANGE);
    if (rc && rc != MDB_NOTFOUND) return bs_mdb_status(rc);
    if (rc == 0 && is_block_of(&key, tok, len)) {
        g->next = bs_id_get((uint8_t *)key.mv_data + len + 1);
        if (g->next == doc) { /* the block starting at doc */
            g->inside = true;
            return BS_OK;
        }
    }
    rc = mdb_cursor_get(w->post, &key, &v, rc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
    if (rc && rc != MDB_NOTFOUND) return bs_mdb_status(rc);
    if (rc || !is_block_of(&key, tok, len)) return BS_OK; /* the header: no block before */
    g->have = v.mv_size / POST_BYTES;
    if (v.mv_size % POST_BYTES || g->have == 0 || g->have > BLOCK_MAX) return BS_ERR_CORRUPT;
    g->first = bs_id_get((uint8_t *)key.mv_data + len + 1);
    g->last = bs_id_get((uint8_t *)v.mv_data + (g->have - 1) * POST_BYTES);
    g->inside = doc <= g->last;
    if (!g->inside && g->have < BLOCK_MAX) { /* to be topped up */
        bs_status st = pack_postings(w, g->have, NULL, 0);
        if (st != BS_OK) return st;
        memcpy(w->buf, v.mv_data, g->have * POST_BYTES);
    }
    return BS_OK;
}

/* tok has postings already.  The new postings that fall between two of
 * its blocks (or after the last, or before the first) go there at once:
 * they top up the block before the gap and fill new blocks; one that
 * falls inside a block is put into it alone (block_edit).  In a load
 * the runs come from the two kinds of literal (plain and tagged: their
 * ids differ in the kind bits, so each flush has postings below the
 * tagged ones of the previous flushes): a gap each, not one edit per
 * posting.  The header and the counters once. */
static bs_status writer_existing(bs_tix_writer *w, const char *tok, size_t len,
                                 const bs_posting *ps, size_t n, uint64_t df)
{
    size_t added = 0;
    bs_status st = BS_OK;
    for (size_t i = 0, j; i < n; i = j) {
        gap g;
        TRY(st, find_gap(w, tok, len, ps[i].doc, &g));
        if (g.inside) {
            int dpost = 0;
            TRY(st, block_edit(w->txn, w->post, tok, len, ps[i].doc, &ps[i], &dpost));
            added += (size_t)dpost;
            j = i + 1;
            continue;
        }
        for (j = i; j < n && ps[j].doc < g.next; j++) {}
        size_t lead = g.have < BLOCK_MAX ? g.have : 0; /* w->buf holds it */
        TRY(st, pack_postings(w, lead, ps + i, j - i));
        TRY(st, bs_mdb_status(write_blocks(w, tok, len, lead + j - i)));
        added += j - i;
    }
    TRY(st, writer_head(w, tok, len, df + added));
    w->dposts += (int64_t)added;
fail:
    return st;
}

bs_status bs_tix_writer_postings(bs_tix_writer *w, const char *tok, size_t len,
                                 const bs_posting *ps, size_t n)
{
    bs_status st;
    TRY(st, check_tok(tok, len));
    if (n == 0) return BS_OK;
    tkey hk;
    key_head(&hk, tok, len);
    uint64_t df = 0;
    TRY(st, bs_mdb_status(post_tail(w)));
    if (!past_end(w, &hk.v)) {
        st = head_get(w->txn, tok, len, &df);
        if (st == BS_OK) return writer_existing(w, tok, len, ps, n, df);
        if (st != BS_NOT_FOUND) return st;
    }
    TRY(st, pack_postings(w, 0, ps, n));   /* a token new to the index */
    TRY(st, writer_head(w, tok, len, n));
    TRY(st, bs_mdb_status(write_blocks(w, tok, len, n)));
    w->dterms++;
    w->dposts += (int64_t)n;
    return BS_OK;
fail:
    return st;
}

/* The document has no record (the writer's contract): a plain put below
 * the last record (a load's plain literals come below the tagged ones
 * of its earlier flushes), an append past it; the tokens total once. */
bs_status bs_tix_writer_doc(bs_tix_writer *w, bs_id doc, const bs_tix_doc *d)
{
    uint8_t kb[BS_ID_BYTES], vb[DOC_BYTES];
    doc_pack(vb, d);
    bs_id_put(kb, doc);
    MDB_val k = {BS_ID_BYTES, kb}, v = {DOC_BYTES, vb};
    bool append = !w->any_doc || doc > w->last_doc;
    int rc = mdb_cursor_put(w->doc, &k, &v, append ? MDB_APPEND : 0);
    if (rc) return bs_mdb_status(rc);
    if (append) w->last_doc = doc;
    w->any_doc = true;
    w->dtokens += d->len;
    return BS_OK;
}

bs_status bs_tix_writer_finish(bs_tix_writer *w)
{
    if (!w) return BS_OK;
    bs_txn *txn = w->txn;
    int64_t dterms = w->dterms, dtokens = w->dtokens, dposts = w->dposts;
    bs_tix_writer_free(w);
    bs_status st = add_counter(txn, terms_key, dterms);
    if (st == BS_OK) st = add_counter(txn, postings_key, dposts);
    return st == BS_OK ? add_counter(txn, tokens_key, dtokens) : st;
}
