/* SPDX-License-Identifier: MIT
 * battstore — the bulk loader.
 *
 * Terms are interned through a bounded in-memory cache (encoding -> id);
 * terms new to the store are appended to i2t at once (their sequence
 * numbers grow) and their hash -> id pairs kept in a table written to t2i
 * in hash order at the end (flushed early when it grows past a bound).
 * Quads are buffered in batches; a full batch is sorted in each of the
 * six index orders and spilled as a run file; at finish the runs of each
 * index are merged and written in key order, with MDB_APPEND when the
 * index was empty (pages filled completely, no splits in the middle).
 * Heap use is bounded by the constants below, whatever the input size. */
#include "config.h"
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_QUADS ((size_t)4 << 20)      /* 4M quads: 128 MiB per buffer */
#define CACHE_SLOTS ((size_t)1 << 21)      /* 2M cache entries (48 MiB) */
#define CACHE_ARENA ((size_t)96 << 20)     /* 96 MiB of cached encodings */
#define CACHE_MAX_TERM 1024                /* longer terms are not cached */
#define PENDING_MAX ((size_t)1 << 23)      /* 8M new terms before a flush */

typedef struct { uint64_t h; bs_id id; uint32_t off, len; } cache_ent;
typedef struct { uint64_t h; bs_id id; } pend_ent;
typedef struct { uint64_t w[3]; } k3;   /* a quad's 4×48 bits in one index order */

struct bs_bulk {
    bs_txn *txn;
    cache_ent *cache;     /* open addressing, h == 0 marks empty */
    size_t cache_used;
    char *arena;
    size_t arena_used;
    pend_ent *pend;       /* open addressing over new terms */
    size_t pend_cap, pend_used;
    bool t2i_empty;       /* t2i had nothing when we started/flushed */
    bool t2i_flushed;
    bs_quad *buf;         /* current batch */
    size_t nbuf, batch;   /* quads in it, capacity */
    k3 *scratch;          /* sorting area */
    FILE **runs[BS_NIDX]; /* spilled sorted runs per index */
    size_t nruns;
    uint64_t queued;
    uint8_t *encbuf;
    size_t enccap;
};

bs_status bs_bulk_new(bs_txn *txn, bs_bulk **out)
{
    *out = NULL;
    if (!bs_txn_writable(txn)) return BS_ERR_READONLY;
    bs_bulk *b = calloc(1, sizeof *b);
    if (!b) return BS_ERR_NOMEM;
    b->txn = txn;
    b->cache = calloc(CACHE_SLOTS, sizeof *b->cache);
    b->arena = malloc(CACHE_ARENA);
    b->pend_cap = 1 << 16;
    b->pend = calloc(b->pend_cap, sizeof *b->pend);
    /* BATTSTORE_BULK_BATCH (quads) lets tests exercise the spill path */
    const char *env = getenv("BATTSTORE_BULK_BATCH");
    b->batch = env && atol(env) > 0 ? (size_t)atol(env) : BATCH_QUADS;
    b->buf = malloc(b->batch * sizeof *b->buf);
    b->enccap = 4096;
    b->encbuf = malloc(b->enccap);
    if (!b->cache || !b->arena || !b->pend || !b->buf || !b->encbuf) {
        bs_bulk_free(b);
        return BS_ERR_NOMEM;
    }
    MDB_stat ms;
    mdb_stat(txn->txn, txn->store->t2i, &ms);
    b->t2i_empty = ms.ms_entries == 0;
    *out = b;
    return BS_OK;
}

void bs_bulk_free(bs_bulk *b)
{
    if (!b) return;
    for (int i = 0; i < BS_NIDX; i++) {
        for (size_t r = 0; b->runs[i] && r < b->nruns; r++)
            if (b->runs[i][r]) fclose(b->runs[i][r]);
        free(b->runs[i]);
    }
    free(b->cache);
    free(b->arena);
    free(b->pend);
    free(b->buf);
    free(b->scratch);
    free(b->encbuf);
    free(b);
}

uint64_t bs_bulk_queued(const bs_bulk *b)
{
    return b->queued;
}

/* ---- term cache ---------------------------------------------------- */

static bool cache_get(bs_bulk *b, uint64_t h, const uint8_t *enc, size_t len,
                      bs_id *out)
{
    size_t mask = CACHE_SLOTS - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        cache_ent *e = &b->cache[i];
        if (!e->h) return false;
        if (e->h == h && e->len == len && memcmp(b->arena + e->off, enc, len) == 0) {
            *out = e->id;
            return true;
        }
    }
}

static void cache_put(bs_bulk *b, uint64_t h, const uint8_t *enc, size_t len, bs_id id)
{
    if (len > CACHE_MAX_TERM) return;
    if (b->cache_used * 10 >= CACHE_SLOTS * 7 || b->arena_used + len > CACHE_ARENA) {
        /* full: start afresh (the pending table still knows new terms) */
        memset(b->cache, 0, CACHE_SLOTS * sizeof *b->cache);
        b->cache_used = 0;
        b->arena_used = 0;
    }
    size_t mask = CACHE_SLOTS - 1, i = h & mask;
    while (b->cache[i].h) i = (i + 1) & mask;
    memcpy(b->arena + b->arena_used, enc, len);
    b->cache[i] = (cache_ent){h, id, (uint32_t)b->arena_used, (uint32_t)len};
    b->arena_used += len;
    b->cache_used++;
}

/* ---- new terms waiting for t2i ------------------------------------- */

static int cmp_pend(const void *x, const void *y)
{
    const pend_ent *a = x, *c = y;
    if (a->h != c->h) return a->h < c->h ? -1 : 1;
    return a->id < c->id ? -1 : a->id > c->id;
}

/* Write the pending hash -> id pairs to t2i in hash order and empty the
 * table. */
static bs_status pend_flush(bs_bulk *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->pend_cap; i++)
        if (b->pend[i].h) b->pend[n++] = b->pend[i];
    qsort(b->pend, n, sizeof *b->pend, cmp_pend);
    MDB_cursor *c;
    int rc = mdb_cursor_open(b->txn->txn, b->txn->store->t2i, &c);
    if (rc) return bs_mdb_status(rc);
    bs_status st = BS_OK;
    for (size_t i = 0; i < n && st == BS_OK; i++) {
        unsigned fl = 0;
        if (b->t2i_empty)
            fl = (i && b->pend[i - 1].h == b->pend[i].h) ? MDB_APPENDDUP : MDB_APPEND;
        st = bs_dict_put_t2i(b->txn, c, b->pend[i].h, b->pend[i].id, fl);
    }
    mdb_cursor_close(c);
    memset(b->pend, 0, b->pend_cap * sizeof *b->pend);
    b->pend_used = 0;
    b->t2i_empty = false;
    b->t2i_flushed = true;
    return st;
}

static bs_status pend_grow(bs_bulk *b)
{
    size_t nc = b->pend_cap * 2;
    pend_ent *nv = calloc(nc, sizeof *nv);
    if (!nv) return BS_ERR_NOMEM;
    for (size_t i = 0; i < b->pend_cap; i++) {
        if (!b->pend[i].h) continue;
        size_t j = b->pend[i].h & (nc - 1);
        while (nv[j].h) j = (j + 1) & (nc - 1);
        nv[j] = b->pend[i];
    }
    free(b->pend);
    b->pend = nv;
    b->pend_cap = nc;
    return BS_OK;
}

static bs_status pend_add(bs_bulk *b, uint64_t h, bs_id id)
{
    bs_status st;
    if (b->pend_used * 2 >= b->pend_cap) {
        if (b->pend_used >= PENDING_MAX) TRY(st, pend_flush(b));
        else TRY(st, pend_grow(b));
    }
    size_t mask = b->pend_cap - 1, i = h & mask;
    while (b->pend[i].h) i = (i + 1) & mask;
    b->pend[i] = (pend_ent){h, id};
    b->pend_used++;
    return BS_OK;
fail:
    return st;
}

/* A term created earlier in this load but no longer cached. */
static bs_status pend_find(bs_bulk *b, uint64_t h, const uint8_t *enc,
                           size_t len, bs_id *out)
{
    size_t mask = b->pend_cap - 1;
    for (size_t i = h & mask; b->pend[i].h; i = (i + 1) & mask) {
        if (b->pend[i].h != h) continue;
        bs_status st = bs_dict_check(b->txn, b->pend[i].id, enc, len);
        if (st == BS_OK) { *out = b->pend[i].id; return BS_OK; }
        if (st != BS_NOT_FOUND) return st;
    }
    return BS_NOT_FOUND;
}

bs_status bs_bulk_intern(bs_bulk *b, const bs_term *term, bs_id *out)
{
    size_t need = bs_term_encoded_size(term), len;
    if (need > b->enccap) {
        uint8_t *nb = realloc(b->encbuf, need);
        if (!nb) return BS_ERR_NOMEM;
        b->encbuf = nb;
        b->enccap = need;
    }
    bs_status st = bs_term_encode(term, b->encbuf, b->enccap, &len);
    if (st != BS_OK) return st;
    const uint8_t *enc = b->encbuf;
    uint64_t h = bs_dict_hash(enc, len);
    if (cache_get(b, h, enc, len, out)) return BS_OK;
    st = pend_find(b, h, enc, len, out);
    if (st == BS_NOT_FOUND && !b->t2i_empty)
        st = bs_dict_find_enc(b->txn, enc, len, h, out);
    if (st == BS_NOT_FOUND) {
        bs_id id = bs_dict_next_id(b->txn, term->kind);
        TRY(st, bs_dict_put_i2t(b->txn, id, enc, len));
        TRY(st, pend_add(b, h, id));
        *out = id;
    } else if (st != BS_OK) {
        return st;
    }
    cache_put(b, h, enc, len, *out);
    return BS_OK;
fail:
    return st;
}

/* ---- quads: sorted runs, merge, ordered writes ---------------------- */

static inline k3 k3_pack(int index, const bs_quad *q)
{
    const int *o = bs_orderings[index];
    uint64_t a = bs_quad_pos(q, o[0]), c = bs_quad_pos(q, o[1]);
    uint64_t d = bs_quad_pos(q, o[2]), e = bs_quad_pos(q, o[3]);
    k3 k = {{a << 16 | c >> 32, (c & 0xffffffffu) << 32 | d >> 16,
             (d & 0xffffu) << 48 | e}};
    return k;
}

/* Big-endian bytes of k: 6 key bytes then 18 data bytes. */
static inline void k3_bytes(const k3 *k, uint8_t out[24])
{
    bs_put64be(out, k->w[0]);
    bs_put64be(out + 8, k->w[1]);
    bs_put64be(out + 16, k->w[2]);
}

static inline int k3_cmp(const k3 *a, const k3 *b)
{
    for (int i = 0; i < 3; i++)
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

static void k3_isort(k3 *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        k3 x = a[i];
        size_t j = i;
        while (j && k3_cmp(&x, &a[j - 1]) < 0) { a[j] = a[j - 1]; j--; }
        a[j] = x;
    }
}

/* Quicksort (median of three, loop on the larger side) with an inline
 * comparison: several times faster than qsort() on these keys. */
static void k3_sort(k3 *a, size_t n)
{
    while (n > 24) {
        size_t m = n / 2;
        if (k3_cmp(&a[m], &a[0]) < 0) { k3 t = a[m]; a[m] = a[0]; a[0] = t; }
        if (k3_cmp(&a[n - 1], &a[m]) < 0) { k3 t = a[m]; a[m] = a[n - 1]; a[n - 1] = t;
            if (k3_cmp(&a[m], &a[0]) < 0) { t = a[m]; a[m] = a[0]; a[0] = t; } }
        k3 p = a[m];
        size_t i = 0, j = n - 1;
        for (;;) {
            while (k3_cmp(&a[i], &p) < 0) i++;
            while (k3_cmp(&p, &a[j]) < 0) j--;
            if (i >= j) break;
            k3 t = a[i]; a[i] = a[j]; a[j] = t;
            i++; j--;
        }
        size_t left = j + 1;
        if (left < n - left) { k3_sort(a, left); a += left; n -= left; }
        else { k3_sort(a + left, n - left); n = left; }
    }
    k3_isort(a, n);
}

/* Sort the current batch in index order into scratch. */
static void sort_batch(bs_bulk *b, int index)
{
    for (size_t i = 0; i < b->nbuf; i++) b->scratch[i] = k3_pack(index, &b->buf[i]);
    k3_sort(b->scratch, b->nbuf);
}

static bs_status spill(bs_bulk *b)
{
    if (!b->scratch && !(b->scratch = malloc(b->batch * sizeof *b->scratch)))
        return BS_ERR_NOMEM;
    for (int i = 0; i < BS_NIDX; i++) {
        FILE **nr = realloc(b->runs[i], (b->nruns + 1) * sizeof *nr);
        if (!nr) return BS_ERR_NOMEM;
        b->runs[i] = nr;
        nr[b->nruns] = NULL;
    }
    b->nruns++;
    for (int i = 0; i < BS_NIDX; i++) {
        FILE *f = tmpfile();
        if (!f) return BS_ERR_IO;
        b->runs[i][b->nruns - 1] = f;
        sort_batch(b, i);
        if (fwrite(b->scratch, sizeof *b->scratch, b->nbuf, f) != b->nbuf ||
            fflush(f) != 0)
            return BS_ERR_IO;
        rewind(f);
    }
    b->nbuf = 0;
    return BS_OK;
}

bs_status bs_bulk_add(bs_bulk *b, const bs_quad *q)
{
    if (!q->s || !q->p || !q->o || q->s > BS_ID_MAX || q->p > BS_ID_MAX ||
        q->o > BS_ID_MAX || q->g > BS_ID_MAX)
        return BS_ERR_ARG;
    if (b->nbuf == b->batch) {
        bs_status st = spill(b);
        if (st != BS_OK) return st;
    }
    b->buf[b->nbuf++] = *q;
    b->queued++;
    return BS_OK;
}

/* One sorted source of the merge: a run file or the in-memory batch. */
typedef struct {
    FILE *f;
    k3 *mem;
    size_t pos, len;
    k3 chunk[1024];
    k3 cur;
    bool live;
} source;

static void src_next(source *s)
{
    if (s->f) {
        if (s->pos == s->len) {
            s->len = fread(s->chunk, sizeof(k3), 1024, s->f);
            s->pos = 0;
            if (!s->len) { s->live = false; return; }
        }
        s->cur = s->chunk[s->pos++];
    } else {
        if (s->pos == s->len) { s->live = false; return; }
        s->cur = s->mem[s->pos++];
    }
    s->live = true;
}

/* Put one key in index order; counts it when it was new. */
static bs_status put_sorted(MDB_cursor *c, const k3 *k, const k3 *prev,
                            bool append, uint64_t *added)
{
    uint8_t bytes[24];
    k3_bytes(k, bytes);
    MDB_val key = {6, bytes}, val = {18, bytes + 6};
    unsigned fl = MDB_NODUPDATA;
    if (append)
        fl = (prev && (prev->w[0] >> 16) == (k->w[0] >> 16)) ? MDB_APPENDDUP : MDB_APPEND;
    int rc = mdb_cursor_put(c, &key, &val, fl);
    if (rc == MDB_KEYEXIST && !append) return BS_OK;
    if (rc) return bs_mdb_status(rc);
    (*added)++;
    return BS_OK;
}

static bs_status write_index(bs_bulk *b, int index, k3 *mem, size_t nmem,
                             uint64_t *added)
{
    size_t ns = b->nruns + 1;
    source *srcs = calloc(ns, sizeof *srcs);
    if (!srcs) return BS_ERR_NOMEM;
    for (size_t r = 0; r < b->nruns; r++) {
        srcs[r].f = b->runs[index][r];
        rewind(srcs[r].f);
        src_next(&srcs[r]);
    }
    srcs[b->nruns].mem = mem;
    srcs[b->nruns].len = nmem;
    src_next(&srcs[b->nruns]);
    MDB_dbi dbi = b->txn->store->idx[index];
    MDB_stat ms;
    MDB_cursor *c = NULL;
    int rc = mdb_stat(b->txn->txn, dbi, &ms);
    if (!rc) rc = mdb_cursor_open(b->txn->txn, dbi, &c);
    bs_status st = bs_mdb_status(rc);
    bool append = ms.ms_entries == 0;
    k3 prev;
    bool have_prev = false;
    while (st == BS_OK) {
        source *best = NULL;
        for (size_t r = 0; r < ns; r++)
            if (srcs[r].live && (!best || k3_cmp(&srcs[r].cur, &best->cur) < 0))
                best = &srcs[r];
        if (!best) break;
        k3 k = best->cur;
        src_next(best);
        if (have_prev && k3_cmp(&k, &prev) == 0) continue;
        st = put_sorted(c, &k, have_prev ? &prev : NULL, append, added);
        prev = k;
        have_prev = true;
    }
    if (c) mdb_cursor_close(c);
    free(srcs);
    return st;
}

bs_status bs_bulk_finish(bs_bulk *b, uint64_t *added)
{
    bs_status st = BS_OK;
    if (b->pend_used) TRY(st, pend_flush(b));
    if (!b->scratch && !(b->scratch = malloc(b->batch * sizeof *b->scratch)))
        return BS_ERR_NOMEM;
    uint64_t counts[BS_NIDX] = {0};
    for (int i = 0; i < BS_NIDX; i++) {
        sort_batch(b, i);
        TRY(st, write_index(b, i, b->scratch, b->nbuf, &counts[i]));
    }
    for (int i = 1; i < BS_NIDX; i++)
        if (counts[i] != counts[0]) return BS_ERR_CORRUPT; /* indexes disagree */
    if (added) *added = counts[0];
    b->nbuf = 0;
    return BS_OK;
fail:
    return st;
}
