/* SPDX-License-Identifier: MIT
 * battstore — the hash table of a BGP level's hash join: the triples of
 * a pattern's constant range, keyed by the values at its join positions
 * (open addressing on distinct keys, each slot the head of a chain of
 * the triples that share the key). */
#include "config.h"
#include "sparql/exec_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef struct {
    bs_id t[3];
    uint32_t next;
} qent;

struct bs_sp_qhash {
    bs_sp_exec *ex;
    int jpos[3];
    size_t nj;
    uint32_t *slots;  ///< 0 = empty, else head entry + 1
    size_t nslots;    ///< a power of two
    int bits;         ///< log2(nslots)
    size_t nkeys;
    qent *ents;
    size_t n, cap;
    long long mem;    ///< bytes accounted with bs_sp_mem
};

static uint64_t key_hash(const bs_id *key, size_t nj)
{
    uint64_t h = 0;
    for (size_t i = 0; i < nj; i++) { /* murmur3's finaliser per id */
        h ^= key[i];
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 33;
    }
    return h;
}

static bool ent_has(const bs_sp_qhash *h, const qent *e, const bs_id *key)
{
    for (size_t i = 0; i < h->nj; i++)
        if (e->t[h->jpos[i]] != key[i]) return false;
    return true;
}

static void ent_key(const bs_sp_qhash *h, const qent *e, bs_id *key)
{
    for (size_t i = 0; i < h->nj; i++) key[i] = e->t[h->jpos[i]];
}

/* Slot of key, or the empty slot where it belongs. */
static size_t slot_of(const bs_sp_qhash *h, const bs_id *key)
{
    size_t mask = h->nslots - 1;
    size_t i = (size_t)(key_hash(key, h->nj) >> (64 - h->bits));
    while (h->slots[i] && !ent_has(h, &h->ents[h->slots[i] - 1], key))
        i = (i + 1) & mask;
    return i;
}

/* Ask for transparent huge pages under a big table: its accesses are
 * random, and at millions of entries TLB misses cost more than the
 * probes (q4 at 10M).  Only a hint. */
static void huge_hint(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t e = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (bytes >= 2 * huge && e > a) madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

static bs_status account(bs_sp_qhash *h, long long delta)
{
    h->mem += delta;
    return bs_sp_mem(h->ex, delta);
}

/* Resize the slot table to 2^bits slots, re-placing every key. */
static bs_status slots_resize(bs_sp_qhash *h, int bits)
{
    size_t n = (size_t)1 << bits;
    bs_status st = account(h, (long long)((n - h->nslots) * sizeof(uint32_t)));
    if (st != BS_OK) return st;
    uint32_t *old = h->slots, *s = calloc(n, sizeof *s);
    if (!s) return BS_ERR_NOMEM;
    huge_hint(s, n * sizeof *s);
    size_t on = h->nslots;
    h->slots = s;
    h->nslots = n;
    h->bits = bits;
    bs_id key[3];
    for (size_t i = 0; i < on; i++) {
        if (!old[i]) continue;
        ent_key(h, &h->ents[old[i] - 1], key);
        h->slots[slot_of(h, key)] = old[i];
    }
    free(old);
    return BS_OK;
}

static bs_status ents_grow(bs_sp_qhash *h, size_t cap)
{
    if (cap >= UINT32_MAX) return BS_ERR_LIMIT;
    bs_status st = account(h, (long long)((cap - h->cap) * sizeof(qent)));
    if (st != BS_OK) return st;
    qent *e = realloc(h->ents, cap * sizeof *e);
    if (!e) return BS_ERR_NOMEM;
    huge_hint(e, cap * sizeof *e);
    h->ents = e;
    h->cap = cap;
    return BS_OK;
}

bs_status bs_sp_qhash_new(bs_sp_exec *ex, const int *jpos, size_t nj,
                          size_t expect, bs_sp_qhash **out)
{
    bs_status st;
    *out = NULL;
    bs_sp_qhash *h = calloc(1, sizeof *h);
    if (!h) return BS_ERR_NOMEM;
    h->ex = ex;
    h->nj = nj;
    memcpy(h->jpos, jpos, nj * sizeof *jpos);
    int bits = 6;
    while (bits < 31 && ((size_t)1 << bits) < 2 * expect) bits++;
    TRY(st, slots_resize(h, bits));
    TRY(st, ents_grow(h, expect ? expect : 16));
    *out = h;
    return BS_OK;
fail:
    bs_sp_qhash_free(h);
    return st;
}

bs_status bs_sp_qhash_add(bs_sp_qhash *h, const bs_id t[3])
{
    bs_status st;
    if (h->n == h->cap && (st = ents_grow(h, 2 * h->cap)) != BS_OK) return st;
    if ((h->nkeys + 1) * 2 > h->nslots && (st = slots_resize(h, h->bits + 1)) != BS_OK)
        return st;
    qent *e = &h->ents[h->n];
    memcpy(e->t, t, sizeof e->t);
    bs_id key[3];
    ent_key(h, e, key);
    size_t i = slot_of(h, key);
    if (h->slots[i]) {
        e->next = h->slots[i] - 1;
    } else {
        e->next = BS_SP_QH_NONE;
        h->nkeys++;
    }
    h->slots[i] = (uint32_t)++h->n;
    return BS_OK;
}

uint32_t bs_sp_qhash_find(const bs_sp_qhash *h, const bs_id *key)
{
    uint32_t s = h->slots[slot_of(h, key)];
    return s ? s - 1 : BS_SP_QH_NONE;
}

const bs_id *bs_sp_qhash_ent(const bs_sp_qhash *h, uint32_t e, uint32_t *next)
{
    *next = h->ents[e].next;
    return h->ents[e].t;
}

void bs_sp_qhash_free(bs_sp_qhash *h)
{
    if (!h) return;
    if (h->mem) bs_sp_mem(h->ex, -h->mem);
    free(h->slots);
    free(h->ents);
    free(h);
}
