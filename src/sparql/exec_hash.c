/* SPDX-License-Identifier: MIT
 * battstore — the executor's row buffers and id-key hash sets (open
 * addressing, linear probing), with their memory accounted. */
#include "config.h"
#include "sparql/exec_int.h"

#include <stdlib.h>
#include <string.h>

void bs_sp_rows_init(bs_sp_rows *r, bs_sp_exec *ex, size_t width)
{
    memset(r, 0, sizeof *r);
    r->ex = ex;
    r->width = width;
}

static bs_status rows_grow_to(bs_sp_rows *r, size_t ncap)
{
    size_t w = r->width ? r->width : 1;
    bs_status st = bs_sp_mem(r->ex, (long long)((ncap - r->cap) * w * sizeof(bs_id)));
    if (st != BS_OK) return st;
    bs_id *d = realloc(r->data, ncap * w * sizeof(bs_id));
    if (!d) return BS_ERR_NOMEM;
    r->data = d;
    r->cap = ncap;
    return BS_OK;
}

static bs_status rows_grow(bs_sp_rows *r)
{
    return rows_grow_to(r, r->cap ? 2 * r->cap : 16);
}

bs_status bs_sp_rows_reserve(bs_sp_rows *r, size_t n)
{
    return n > r->cap ? rows_grow_to(r, n) : BS_OK;
}

bs_status bs_sp_rows_push(bs_sp_rows *r, const bs_id *row, size_t *out)
{
    if (r->n == r->cap) {
        bs_status st = rows_grow(r);
        if (st != BS_OK) return st;
    }
    if (r->width) memcpy(r->data + r->n * r->width, row, r->width * sizeof(bs_id));
    if (out) *out = r->n;
    r->n++;
    return BS_OK;
}

void bs_sp_rows_clear(bs_sp_rows *r)
{
    if (r->cap && r->ex)
        bs_sp_mem(r->ex, -(long long)(r->cap * (r->width ? r->width : 1) * sizeof(bs_id)));
    free(r->data);
    r->data = NULL;
    r->n = r->cap = 0;
}

uint64_t bs_sp_hash_ids(const bs_id *k, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    for (size_t i = 0; i < n; i++) {
        h ^= k[i] + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 33;
    }
    return h;
}

void bs_sp_hset_init(bs_sp_hset *h, bs_sp_exec *ex, size_t width)
{
    bs_sp_rows_init(&h->keys, ex, width);
    h->slots = NULL;
    h->nslots = 0;
}

static bool key_eq(const bs_id *a, const bs_id *b, size_t n)
{
    return n == 0 || memcmp(a, b, n * sizeof(bs_id)) == 0;
}

/* Slot of key, or of the empty slot where it belongs. */
static size_t probe(const bs_sp_hset *h, const bs_id *key)
{
    size_t mask = h->nslots - 1;
    size_t i = bs_sp_hash_ids(key, h->keys.width) & mask;
    while (h->slots[i]) {
        const bs_id *k = bs_sp_rows_at(&h->keys, h->slots[i] - 1);
        if (key_eq(k, key, h->keys.width)) return i;
        i = (i + 1) & mask;
    }
    return i;
}

static bs_status rehash(bs_sp_hset *h)
{
    size_t n = h->nslots ? 2 * h->nslots : 64;
    bs_status st = bs_sp_mem(h->keys.ex, (long long)((n - h->nslots) * sizeof(uint32_t)));
    if (st != BS_OK) return st;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s) return BS_ERR_NOMEM;
    free(h->slots);
    h->slots = s;
    h->nslots = n;
    for (size_t k = 0; k < h->keys.n; k++)
        h->slots[probe(h, bs_sp_rows_at(&h->keys, k))] = (uint32_t)(k + 1);
    return BS_OK;
}

bs_status bs_sp_hset_put(bs_sp_hset *h, const bs_id *key, size_t *idx,
                         bool *added)
{
    bs_status st;
    if ((h->keys.n + 1) * 2 > h->nslots) {
        if (h->keys.n >= UINT32_MAX - 1) return BS_ERR_LIMIT;
        if ((st = rehash(h)) != BS_OK) return st;
    }
    size_t i = probe(h, key);
    if (h->slots[i]) {
        *idx = h->slots[i] - 1;
        if (added) *added = false;
        return BS_OK;
    }
    if ((st = bs_sp_rows_push(&h->keys, key, idx)) != BS_OK) return st;
    h->slots[i] = (uint32_t)(*idx + 1);
    if (added) *added = true;
    return BS_OK;
}

bs_status bs_sp_hset_find(const bs_sp_hset *h, const bs_id *key, size_t *idx)
{
    if (!h->nslots) return BS_NOT_FOUND;
    size_t i = probe(h, key);
    if (!h->slots[i]) return BS_NOT_FOUND;
    *idx = h->slots[i] - 1;
    return BS_OK;
}

void bs_sp_hset_clear(bs_sp_hset *h)
{
    if (h->nslots && h->keys.ex)
        bs_sp_mem(h->keys.ex, -(long long)(h->nslots * sizeof(uint32_t)));
    free(h->slots);
    h->slots = NULL;
    h->nslots = 0;
    bs_sp_rows_clear(&h->keys);
}

bool bs_sp_row_compatible(const bs_id *a, const bs_id *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] && b[i] && a[i] != b[i]) return false;
    return true;
}

bool bs_sp_row_merge(bs_id *a, const bs_id *b, size_t n)
{
    if (!bs_sp_row_compatible(a, b, n)) return false;
    for (size_t i = 0; i < n; i++)
        if (!a[i]) a[i] = b[i];
    return true;
}
