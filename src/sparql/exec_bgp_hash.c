/* SPDX-License-Identifier: MIT
 * battstore — the hash table of a BGP level's hash join: the triples of
 * a pattern's constant range, keyed by the values at its join positions.
 * The triples are appended first; bs_sp_qhash_finish() then indexes them
 * in one of two layouts:
 *  - dense: one join position whose ids span a range at most DENSE_SPREAD
 *    times the number of triples (subjects loaded together get
 *    neighbouring ids): the triples are sorted by key (a counting sort)
 *    and an offset per id of the range points at each key's run.  No
 *    hashing, no probe loop, and outer rows that arrive in key order (a
 *    POSG range: ascending subjects per object) read both arrays
 *    forwards — q4's join at 10M was bound by cache and TLB misses of
 *    random probes;
 *  - hashed: open addressing on distinct keys, each slot the head of a
 *    chain of the triples that share the key. */
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

/* A key range of at most this many ids per triple is indexed densely. */
#define DENSE_SPREAD 8

struct bs_sp_qhash {
    bs_sp_exec *ex;
    int jpos[3];
    size_t nj;
    uint32_t *slots;  ///< hashed: 0 = empty, else head entry + 1
    size_t nslots;    ///< a power of two
    int bits;         ///< log2(nslots)
    size_t nkeys;
    qent *ents;
    size_t n, cap;
    bool finished;
    bool dense;       ///< dense layout: ents sorted by key, off[] per id
    bs_id kmin, kmax; ///< the key range (one join position)
    uint32_t *off;    ///< dense: off[k - kmin] = first entry of key k (+1 entry at the end)
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

/* The hashed layout: 2^bits slots for the entries' keys, each slot the
 * head of its key's chain (in insertion order). */
static bs_status build_slots(bs_sp_qhash *h)
{
    int bits = 6;
    while (bits < 31 && ((size_t)1 << bits) < 2 * h->n) bits++;
    size_t n = (size_t)1 << bits;
    bs_status st = account(h, (long long)(n * sizeof(uint32_t)));
    if (st != BS_OK) return st;
    h->slots = calloc(n, sizeof *h->slots);
    if (!h->slots) return BS_ERR_NOMEM;
    huge_hint(h->slots, n * sizeof *h->slots);
    h->nslots = n;
    h->bits = bits;
    bs_id key[3];
    for (size_t e = h->n; e-- > 0;) { /* backwards: chains keep insertion order */
        ent_key(h, &h->ents[e], key);
        size_t i = slot_of(h, key);
        if (h->slots[i]) {
            h->ents[e].next = h->slots[i] - 1;
        } else {
            h->ents[e].next = BS_SP_QH_NONE;
            h->nkeys++;
        }
        h->slots[i] = (uint32_t)e + 1;
    }
    return BS_OK;
}

/* The dense layout: a counting sort of the entries by key. */
static bs_status build_dense(bs_sp_qhash *h)
{
    size_t span = (size_t)(h->kmax - h->kmin) + 1;
    bs_status st = account(h, (long long)((span + 1) * sizeof(uint32_t) + h->n * sizeof(qent)));
    if (st != BS_OK) return st;
    uint32_t *off = calloc(span + 1, sizeof *off);
    qent *sorted = malloc((h->n ? h->n : 1) * sizeof *sorted);
    if (!off || !sorted) {
        free(off);
        free(sorted);
        return BS_ERR_NOMEM;
    }
    huge_hint(off, (span + 1) * sizeof *off);
    int jp = h->jpos[0];
    for (size_t e = 0; e < h->n; e++) off[h->ents[e].t[jp] - h->kmin + 1]++;
    for (size_t k = 0; k < span; k++) off[k + 1] += off[k];
    for (size_t e = 0; e < h->n; e++) { /* stable: a key's triples keep their order */
        size_t k = h->ents[e].t[jp] - h->kmin;
        sorted[off[k]++] = h->ents[e];
    }
    for (size_t k = span; k > 0; k--) off[k] = off[k - 1]; /* back to run starts */
    off[0] = 0;
    bs_sp_mem(h->ex, -(long long)(h->cap * sizeof(qent)));
    h->mem -= (long long)(h->cap * sizeof(qent));
    free(h->ents);
    h->ents = sorted;
    h->cap = h->n;
    h->off = off;
    h->dense = true;
    return BS_OK;
}

int bs_sp_qhash_layout;

bs_status bs_sp_qhash_finish(bs_sp_qhash *h)
{
    if (h->finished) return BS_OK;
    h->finished = true;
    if (bs_sp_qhash_layout >= 0 && h->nj == 1 && h->n > 0 && h->n < UINT32_MAX &&
        h->kmax - h->kmin < (bs_id)DENSE_SPREAD * h->n + 64)
        return build_dense(h);
    return build_slots(h);
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
    h->kmin = BS_ANY;
    h->kmax = 0;
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
    if (h->finished) return BS_ERR_INTERNAL;
    if (h->n == h->cap && (st = ents_grow(h, 2 * h->cap)) != BS_OK) return st;
    qent *e = &h->ents[h->n++];
    memcpy(e->t, t, sizeof e->t);
    e->next = BS_SP_QH_NONE;
    bs_id k = t[h->jpos[0]];
    if (k < h->kmin) h->kmin = k;
    if (k > h->kmax) h->kmax = k;
    return BS_OK;
}

uint32_t bs_sp_qhash_find(const bs_sp_qhash *h, const bs_id *key)
{
    if (h->dense) {
        if (key[0] < h->kmin || key[0] > h->kmax) return BS_SP_QH_NONE;
        size_t k = key[0] - h->kmin;
        return h->off[k] < h->off[k + 1] ? h->off[k] : BS_SP_QH_NONE;
    }
    if (!h->slots) return BS_SP_QH_NONE;
    uint32_t s = h->slots[slot_of(h, key)];
    return s ? s - 1 : BS_SP_QH_NONE;
}

const bs_id *bs_sp_qhash_ent(const bs_sp_qhash *h, uint32_t e, uint32_t *next)
{
    if (h->dense) { /* a key's run ends where the next key begins */
        int jp = h->jpos[0];
        *next = e + 1 < h->n && h->ents[e + 1].t[jp] == h->ents[e].t[jp] ? e + 1
                                                                        : BS_SP_QH_NONE;
    } else {
        *next = h->ents[e].next;
    }
    return h->ents[e].t;
}

void bs_sp_qhash_free(bs_sp_qhash *h)
{
    if (!h) return;
    if (h->mem) bs_sp_mem(h->ex, -h->mem);
    free(h->slots);
    free(h->off);
    free(h->ents);
    free(h);
}
