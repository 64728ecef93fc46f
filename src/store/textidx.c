/* SPDX-License-Identifier: MIT
 * battstore — the text index's storage: token → postings, document
 * records, corpus totals.  What goes in is decided by src/search.
 *
 * Layout (two named databases, opened with the others by bs_store_open):
 *   "tix"    token (folded UTF-8, ≤ 64 bytes) → MDB_DUPSORT|MDB_DUPFIXED
 *            8-byte postings: doc id (BS_ID_BYTES, big-endian, so a
 *            token's postings sort by document), tf, field, len
 *   "tixdoc" doc id (BS_ID_BYTES, big-endian) → field (1 byte), length
 *            in tokens (4 bytes big-endian)
 *   meta "tix:tokens" → the sum of all documents' lengths, "tix:terms" →
 *   the number of distinct tokens (8 bytes BE each); the numbers of
 *   documents and postings are the databases' entry counts.
 *
 * bs_tix_put/del/doc_put are the general, one-at-a-time writes;
 * bs_tix_writer adds documents new to the index in bulk (a load). */
#include "config.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#define POST_BYTES 8
#define DOC_BYTES 5
#define SCAN_BATCH 512
#define TOK_MAX 511   /* LMDB's default maximum key size */

static const MDB_val tokens_key = {10, "tix:tokens"};
static const MDB_val terms_key = {9, "tix:terms"};

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

/* Delete the posting cur stands on; *gone = the token lost its last one. */
static int del_current(MDB_cursor *cur, bool *gone)
{
    size_t n = 0;
    int rc = mdb_cursor_count(cur, &n);
    if (rc == 0) rc = mdb_cursor_del(cur, 0);
    *gone = rc == 0 && n == 1;
    return rc;
}

int bs_tix_open(bs_store *st, MDB_txn *txn, bool ro)
{
    unsigned create = ro ? 0 : MDB_CREATE;
    int rc = mdb_dbi_open(txn, "tix", create | MDB_DUPSORT | MDB_DUPFIXED, &st->tix);
    if (rc == 0) rc = mdb_dbi_open(txn, "tixdoc", create, &st->tixdoc);
    if (rc == MDB_NOTFOUND && ro) { /* a store written before the text index */
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

static void post_pack(uint8_t *b, const bs_posting *p)
{
    bs_id_put(b, p->doc);
    b[5] = p->tf;
    b[6] = p->field;
    b[7] = p->len;
}

static void post_unpack(const uint8_t *b, bs_posting *p)
{
    p->doc = bs_id_get(b);
    p->tf = b[5];
    p->field = b[6];
    p->len = b[7];
}

static bs_status check_tok(size_t len)
{
    return len == 0 || len > TOK_MAX ? BS_ERR_ARG : BS_OK;
}

/* Position cur on the posting of doc under key k (MDB_GET_BOTH_RANGE on
 * the doc prefix): BS_OK when there is one (*v = its bytes). */
static bs_status seek_doc(MDB_cursor *cur, MDB_val *k, bs_id doc, MDB_val *v)
{
    uint8_t probe[POST_BYTES] = {0};
    bs_id_put(probe, doc);
    MDB_val d = {POST_BYTES, probe};
    int rc = mdb_cursor_get(cur, k, &d, MDB_GET_BOTH_RANGE);
    if (rc) return bs_mdb_status(rc);
    if (d.mv_size != POST_BYTES || bs_id_get(d.mv_data) != doc) return BS_NOT_FOUND;
    *v = d;
    return BS_OK;
}

bs_status bs_tix_put(bs_txn *txn, const char *tok, size_t len, const bs_posting *p)
{
    bs_status st;
    MDB_cursor *cur = NULL;
    if (!txn->write) return BS_ERR_READONLY;
    TRY(st, need_tix(txn));
    TRY(st, check_tok(len));
    uint8_t buf[POST_BYTES];
    post_pack(buf, p);
    MDB_val k = {len, (void *)tok}, old, v = {POST_BYTES, buf};
    int rc = mdb_cursor_open(txn->txn, txn->store->tix, &cur);
    if (rc) return bs_mdb_status(rc);
    int64_t dterms = 0;
    bool gone = false;
    st = seek_doc(cur, &k, p->doc, &old);
    if (st == BS_OK) {
        if (!memcmp(old.mv_data, buf, POST_BYTES)) goto done; /* already there */
        if ((rc = del_current(cur, &gone))) { st = bs_mdb_status(rc); goto fail; }
        dterms -= gone;
    } else if (st != BS_NOT_FOUND) {
        goto fail;
    }
    k.mv_size = len;
    k.mv_data = (void *)tok;
    rc = mdb_cursor_put(cur, &k, &v, MDB_NODUPDATA);
    if (rc && rc != MDB_KEYEXIST) { st = bs_mdb_status(rc); goto fail; }
    size_t n = 0;
    if (rc == 0 && mdb_cursor_count(cur, &n) == 0 && n == 1) dterms++; /* a new token */
    st = add_counter(txn, terms_key, dterms);
    goto fail;
done:
    st = BS_OK;
fail:
    mdb_cursor_close(cur);
    return st;
}

bs_status bs_tix_del(bs_txn *txn, const char *tok, size_t len, bs_id doc)
{
    bs_status st;
    MDB_cursor *cur = NULL;
    if (!txn->write) return BS_ERR_READONLY;
    TRY(st, need_tix(txn));
    if (len == 0 || len > TOK_MAX) return BS_NOT_FOUND;
    MDB_val k = {len, (void *)tok}, old;
    int rc = mdb_cursor_open(txn->txn, txn->store->tix, &cur);
    if (rc) return bs_mdb_status(rc);
    TRY(st, seek_doc(cur, &k, doc, &old));
    bool gone = false;
    if ((rc = del_current(cur, &gone))) st = bs_mdb_status(rc);
    else if (gone) st = add_counter(txn, terms_key, -1);
fail:
    mdb_cursor_close(cur);
    return st;
}

/* Hand the postings of the key cur stands on (first posting in *first)
 * to fn, a page of duplicates (MDB_GET_MULTIPLE / MDB_NEXT_MULTIPLE) at a
 * time.  A key with a single posting keeps it inline (no duplicate page:
 * GET_MULTIPLE would return nothing), so that case uses *first. */
static bs_status scan_key(MDB_cursor *cur, const MDB_val *k, const MDB_val *first,
                          bs_status (*fn)(void *ctx, const char *tok, size_t toklen,
                                          const bs_posting *ps, size_t n),
                          void *ctx)
{
    bs_posting ps[SCAN_BATCH];
    size_t count = 0;
    int rc = mdb_cursor_count(cur, &count);
    if (rc) return bs_mdb_status(rc);
    if (count == 1) {
        if (first->mv_size != POST_BYTES) return BS_ERR_CORRUPT;
        post_unpack(first->mv_data, &ps[0]);
        return fn(ctx, k->mv_data, k->mv_size, ps, 1);
    }
    MDB_val key, d = {0, NULL};
    rc = mdb_cursor_get(cur, &key, &d, MDB_GET_MULTIPLE);
    while (rc == 0) {
        const uint8_t *b = d.mv_data;
        size_t total = d.mv_size / POST_BYTES;
        for (size_t off = 0; off < total;) {
            size_t n = total - off < SCAN_BATCH ? total - off : SCAN_BATCH;
            for (size_t i = 0; i < n; i++) post_unpack(b + (off + i) * POST_BYTES, &ps[i]);
            bs_status st = fn(ctx, k->mv_data, k->mv_size, ps, n);
            if (st != BS_OK) return st;
            off += n;
        }
        rc = mdb_cursor_get(cur, &key, &d, MDB_NEXT_MULTIPLE);
    }
    return rc == MDB_NOTFOUND ? BS_OK : bs_mdb_status(rc);
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
    int rc = mdb_cursor_open(txn->txn, txn->store->tix, &cur);
    if (rc) return bs_mdb_status(rc);
    MDB_val k = {len, (void *)tok}, d;
    if (len == 0) rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST);
    else rc = mdb_cursor_get(cur, &k, &d, prefix ? MDB_SET_RANGE : MDB_SET_KEY);
    while (rc == 0) {
        if (k.mv_size < len || memcmp(k.mv_data, tok, len)) break;
        if (!prefix && k.mv_size != len) break;
        st = scan_key(cur, &k, &d, fn, ctx);
        if (st != BS_OK) goto fail;
        if (!prefix) break;
        rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT_NODUP);
    }
    st = (rc == 0 || rc == MDB_NOTFOUND) ? BS_OK : bs_mdb_status(rc);
fail:
    mdb_cursor_close(cur);
    return st == BS_END ? BS_OK : st;
}

bs_status bs_tix_df(bs_txn *txn, const char *tok, size_t len, uint64_t *out)
{
    bs_status st;
    MDB_cursor *cur = NULL;
    *out = 0;
    TRY(st, need_tix(txn));
    if (len == 0 || len > TOK_MAX) return BS_OK;
    int rc = mdb_cursor_open(txn->txn, txn->store->tix, &cur);
    if (rc) return bs_mdb_status(rc);
    MDB_val k = {len, (void *)tok}, d;
    rc = mdb_cursor_get(cur, &k, &d, MDB_SET);
    if (rc == 0) {
        size_t n = 0;
        rc = mdb_cursor_count(cur, &n);
        *out = n;
    }
    st = (rc == 0 || rc == MDB_NOTFOUND) ? BS_OK : bs_mdb_status(rc);
fail:
    mdb_cursor_close(cur);
    return st;
}

static bool doc_unpack(const MDB_val *v, bs_tix_doc *out)
{
    const uint8_t *b = v->mv_data;
    if (v->mv_size != DOC_BYTES) return false;
    out->field = b[0];
    out->len = (uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 8 | b[4];
    return true;
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

bs_status bs_tix_doc_put(bs_txn *txn, bs_id doc, const bs_tix_doc *d)
{
    bs_status st;
    if (!txn->write) return BS_ERR_READONLY;
    TRY(st, need_tix(txn));
    bs_tix_doc old;
    st = bs_tix_doc_get(txn, doc, &old);
    if (st != BS_OK && st != BS_NOT_FOUND) return st;
    int64_t delta = (int64_t)d->len - (st == BS_OK ? (int64_t)old.len : 0);
    uint8_t kb[BS_ID_BYTES], vb[DOC_BYTES] = {d->field, (uint8_t)(d->len >> 24),
        (uint8_t)(d->len >> 16), (uint8_t)(d->len >> 8), (uint8_t)d->len};
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
    out->postings = ms.ms_entries;
    out->pages += ms.ms_branch_pages + ms.ms_leaf_pages + ms.ms_overflow_pages;
    out->tokens = get_counter(txn, tokens_key);
    out->terms = get_counter(txn, terms_key);
    out->bytes = out->pages * ms.ms_psize;
    return BS_OK;
fail:
    return st;
}

bs_status bs_tix_clear(bs_txn *txn)
{
    bs_status st;
    if (!txn->write) return BS_ERR_READONLY;
    TRY(st, need_tix(txn));
    int rc = mdb_drop(txn->txn, txn->store->tix, 0);
    if (!rc) rc = mdb_drop(txn->txn, txn->store->tixdoc, 0);
    if (!rc) {
        MDB_val k = tokens_key, k2 = terms_key;
        rc = mdb_del(txn->txn, txn->store->meta, &k, NULL);
        if (rc == MDB_NOTFOUND) rc = 0;
        if (!rc) rc = mdb_del(txn->txn, txn->store->meta, &k2, NULL);
        if (rc == MDB_NOTFOUND) rc = 0;
    }
    return bs_mdb_status(rc);
fail:
    return st;
}

/* ---- the appending writer ------------------------------------------ */

struct bs_tix_writer {
    bs_txn *txn;
    MDB_cursor *post, *doc;
    uint8_t last_tok[TOK_MAX];  /* the greatest token of "tix" */
    size_t last_len;            /* 0: "tix" is empty */
    bs_id last_doc;             /* the greatest document of "tixdoc" */
    bool any_doc;
    uint8_t *buf;               /* packed postings */
    size_t cap;
    int64_t dterms, dtokens;
};

void bs_tix_writer_free(bs_tix_writer *w)
{
    if (!w) return;
    if (w->post) mdb_cursor_close(w->post);
    if (w->doc) mdb_cursor_close(w->doc);
    free(w->buf);
    free(w);
}

/* The last keys of both databases, so appends need no search. */
static int writer_tails(bs_tix_writer *w)
{
    MDB_val k, v;
    int rc = mdb_cursor_get(w->post, &k, &v, MDB_LAST);
    if (rc == 0 && k.mv_size <= TOK_MAX) {
        memcpy(w->last_tok, k.mv_data, k.mv_size);
        w->last_len = k.mv_size;
    } else if (rc != MDB_NOTFOUND && rc != 0) {
        return rc;
    }
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

/* Compare tok[0..len) with the writer's last token, as LMDB does. */
static int cmp_last(const bs_tix_writer *w, const char *tok, size_t len)
{
    size_t n = len < w->last_len ? len : w->last_len;
    int c = memcmp(tok, w->last_tok, n);
    return c ? c : (len > w->last_len) - (len < w->last_len);
}

/* Flags for putting postings from first (packed) under an existing
 * key or a new one (*fresh): append the duplicates when they all sort
 * after the key's last one. */
static int post_flags(bs_tix_writer *w, MDB_val *k, const uint8_t *first, unsigned *flags,
                      bool *fresh)
{
    MDB_val key = *k, v;
    *flags = MDB_MULTIPLE;
    *fresh = false;
    int rc = mdb_cursor_get(w->post, &key, &v, MDB_SET_KEY);
    if (rc == MDB_NOTFOUND) {
        *fresh = true;
        return 0;
    }
    if (rc == 0) rc = mdb_cursor_get(w->post, &key, &v, MDB_LAST_DUP);
    if (rc == 0 && v.mv_size == POST_BYTES && memcmp(v.mv_data, first, BS_ID_BYTES) < 0)
        *flags |= MDB_APPENDDUP;
    return rc;
}

static bs_status pack_postings(bs_tix_writer *w, const bs_posting *ps, size_t n)
{
    if (n * POST_BYTES > w->cap) {
        size_t nc = w->cap ? w->cap : 4096;
        while (nc < n * POST_BYTES) nc *= 2;
        uint8_t *nb = realloc(w->buf, nc);
        if (!nb) return BS_ERR_NOMEM;
        w->buf = nb;
        w->cap = nc;
    }
    for (size_t i = 0; i < n; i++) {
        if (i && ps[i].doc <= ps[i - 1].doc) return BS_ERR_ARG;
        post_pack(w->buf + i * POST_BYTES, &ps[i]);
    }
    return BS_OK;
}

bs_status bs_tix_writer_postings(bs_tix_writer *w, const char *tok, size_t len,
                                 const bs_posting *ps, size_t n)
{
    bs_status st;
    TRY(st, check_tok(len));
    if (n == 0) return BS_OK;
    TRY(st, pack_postings(w, ps, n));
    MDB_val k = {len, (void *)tok};
    MDB_val d[2] = {{POST_BYTES, w->buf}, {n, NULL}};
    unsigned flags = MDB_MULTIPLE | MDB_APPEND | MDB_APPENDDUP;
    bool fresh = true;
    int rc = 0;
    if (w->last_len && cmp_last(w, tok, len) <= 0)   /* not past the end */
        rc = post_flags(w, &k, w->buf, &flags, &fresh);
    if (!rc) rc = mdb_cursor_put(w->post, &k, d, flags);
    if (rc) return bs_mdb_status(rc);
    if (d[1].mv_size != n) return BS_ERR_CORRUPT;
    if (fresh) w->dterms++;
    if (flags & MDB_APPEND) {
        memcpy(w->last_tok, tok, len);
        w->last_len = len;
    }
    return BS_OK;
fail:
    return st;
}

bs_status bs_tix_writer_doc(bs_tix_writer *w, bs_id doc, const bs_tix_doc *d)
{
    if (w->any_doc && doc <= w->last_doc) return bs_tix_doc_put(w->txn, doc, d);
    uint8_t kb[BS_ID_BYTES], vb[DOC_BYTES] = {d->field, (uint8_t)(d->len >> 24),
        (uint8_t)(d->len >> 16), (uint8_t)(d->len >> 8), (uint8_t)d->len};
    bs_id_put(kb, doc);
    MDB_val k = {BS_ID_BYTES, kb}, v = {DOC_BYTES, vb};
    int rc = mdb_cursor_put(w->doc, &k, &v, MDB_APPEND);
    if (rc) return bs_mdb_status(rc);
    w->last_doc = doc;
    w->any_doc = true;
    w->dtokens += d->len;
    return BS_OK;
}

bs_status bs_tix_writer_finish(bs_tix_writer *w)
{
    if (!w) return BS_OK;
    bs_txn *txn = w->txn;
    int64_t dterms = w->dterms, dtokens = w->dtokens;
    bs_tix_writer_free(w);
    bs_status st = add_counter(txn, terms_key, dterms);
    return st == BS_OK ? add_counter(txn, tokens_key, dtokens) : st;
}
