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
#include "store/runs.h"
#include "util/bigmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_QUADS ((size_t)4 << 20)      /* 4M quads: 128 MiB per buffer */
#define CACHE_SLOTS ((size_t)1 << 21)      /* 2M cache entries (48 MiB) */
#define CACHE_ARENA ((size_t)96 << 20)     /* 96 MiB of cached encodings */
#define CACHE_MAX_TERM 1024                /* longer terms are not cached */
#define PENDING_MAX ((size_t)1 << 22)      /* 4M new terms (a 128 MiB table) before a flush */

typedef struct { uint64_t h; bs_id id; uint32_t off, len; } cache_ent;
typedef struct { uint64_t h; bs_id id; } pend_ent;

/* A small direct-mapped first-level cache that stays in the CPU cache:
 * predicates, classes and the current subject hit here. */
#define L0_SLOTS 1024
#define L0_TERM 112
typedef struct { uint64_t h; bs_id id; uint32_t len; uint8_t enc[L0_TERM]; } l0_ent;

struct bs_bulk {
    bs_txn *txn;
    l0_ent *l0;
    cache_ent *cache;     /* open addressing, h == 0 marks empty */
    size_t cache_used;
    char *arena;
    size_t arena_used;
    pend_ent *pend;       /* open addressing over new terms */
    size_t pend_cap, pend_used, pend_max;
    bool t2i_empty;       /* t2i had nothing when we started/flushed */
    bool t2i_flushed;
    bs_runs *runs;        /* quads, sorted per index in bounded batches */
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
    b->l0 = calloc(L0_SLOTS, sizeof *b->l0);
    b->cache = bs_big_alloc(CACHE_SLOTS * sizeof *b->cache);
    b->arena = bs_big_alloc(CACHE_ARENA);
    b->pend_cap = 1 << 16;
    b->pend = bs_big_alloc(b->pend_cap * sizeof *b->pend);
    /* BATTSTORE_BULK_BATCH (quads) lets tests exercise the spill path */
    const char *env = getenv("BATTSTORE_BULK_BATCH");
    size_t batch = env && atol(env) > 0 ? (size_t)atol(env) : BATCH_QUADS;
    /* BATTSTORE_PENDING_MAX (terms) lets tests exercise early t2i flushes */
    env = getenv("BATTSTORE_PENDING_MAX");
    b->pend_max = env && atol(env) > 0 ? (size_t)atol(env) : PENDING_MAX;
    bs_status st = bs_runs_new(batch, &b->runs);
    b->enccap = 4096;
    b->encbuf = malloc(b->enccap);
    if (st != BS_OK || !b->l0 || !b->cache || !b->arena || !b->pend || !b->encbuf) {
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
    bs_runs_free(b->runs);
    free(b->l0);
    bs_big_free(b->cache, CACHE_SLOTS * sizeof *b->cache);
    bs_big_free(b->arena, CACHE_ARENA);
    bs_big_free(b->pend, b->pend_cap * sizeof *b->pend);
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
    pend_ent *nv = bs_big_alloc(nc * sizeof *nv);
    if (!nv) return BS_ERR_NOMEM;
    for (size_t i = 0; i < b->pend_cap; i++) {
        if (!b->pend[i].h) continue;
        size_t j = b->pend[i].h & (nc - 1);
        while (nv[j].h) j = (j + 1) & (nc - 1);
        nv[j] = b->pend[i];
    }
    bs_big_free(b->pend, b->pend_cap * sizeof *b->pend);
    b->pend = nv;
    b->pend_cap = nc;
    return BS_OK;
}

static bs_status pend_add(bs_bulk *b, uint64_t h, bs_id id)
{
    bs_status st;
    /* the table is bounded: past pend_max terms it goes to t2i, and
     * later lookups of those terms go to LMDB */
    if (b->pend_used >= b->pend_max) TRY(st, pend_flush(b));
    else if (b->pend_used * 2 >= b->pend_cap) TRY(st, pend_grow(b));
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
    l0_ent *l0 = &b->l0[h & (L0_SLOTS - 1)];
    if (l0->h == h && l0->len == len && memcmp(l0->enc, enc, len) == 0) {
        *out = l0->id;
        return BS_OK;
    }
    if (cache_get(b, h, enc, len, out)) goto found;
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
found:
    if (len <= L0_TERM) {
        l0->h = h;
        l0->id = *out;
        l0->len = (uint32_t)len;
        memcpy(l0->enc, enc, len);
    }
    return BS_OK;
fail:
    return st;
}


/* ---- quads ---------------------------------------------------------- */

bs_status bs_bulk_add(bs_bulk *b, const bs_quad *q)
{
    if (!q->s || !q->p || !q->o || q->s > BS_ID_MAX || q->p > BS_ID_MAX ||
        q->o > BS_ID_MAX || q->g > BS_ID_MAX)
        return BS_ERR_ARG;
    /* the hooks see every queued quad, new or not (they are idempotent) */
    bs_status st = bs_hook_touch_bulk(b->txn, q);
    if (st == BS_OK) st = bs_runs_add(b->runs, q);
    if (st == BS_OK) b->queued++;
    return st;
}

bs_status bs_bulk_add_term(bs_bulk *b, const bs_quad *q, const bs_term *o)
{
    b->txn->bulk_obj = o;
    b->txn->bulk_obj_id = q->o;
    bs_status st = bs_bulk_add(b, q);
    b->txn->bulk_obj = NULL;
    return st;
}

const bs_term *bs_txn_bulk_term(const bs_txn *txn, bs_id lit)
{
    return txn->bulk_obj && txn->bulk_obj_id == lit ? txn->bulk_obj : NULL;
}

bs_status bs_bulk_finish(bs_bulk *b, uint64_t *added)
{
    bs_status st = BS_OK;
    if (b->pend_used) TRY(st, pend_flush(b));
    return bs_runs_write(b->runs, b->txn, added);
fail:
    return st;
}
