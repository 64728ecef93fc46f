/* SPDX-License-Identifier: MIT
 * battstore — the six quad indexes: add, remove, pattern scans, counts.
 *
 * Each index is an LMDB DUPSORT|DUPFIXED database: the key is the first
 * id of the index order (5 bytes), the duplicates the other three ids
 * (15 bytes), so a subject's (or predicate's, graph's) quads share one
 * key and the per-quad cost is 15 bytes plus page overhead.  Every one of
 * the 16 bound/unbound patterns is a prefix range on one index. */
#include "config.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <stddef.h>
#include <string.h>

const int bs_orderings[BS_NIDX][4] = {
    {0, 1, 2, 3}, /* SPOG */
    {1, 2, 0, 3}, /* POSG */
    {2, 0, 1, 3}, /* OSPG */
    {3, 0, 1, 2}, /* GSPO */
    {3, 1, 2, 0}, /* GPOS */
    {3, 2, 0, 1}, /* GOSP */
};

const char *const bs_index_names[BS_NIDX] = {"spog", "posg", "ospg",
                                              "gspo", "gpos", "gosp"};

void bs_quad_pack(int index, const bs_quad *q, uint8_t *key, uint8_t *data)
{
    const int *o = bs_orderings[index];
    bs_id_put(key, bs_quad_pos(q, o[0]));
    bs_id_put(data, bs_quad_pos(q, o[1]));
    bs_id_put(data + BS_ID_BYTES, bs_quad_pos(q, o[2]));
    bs_id_put(data + 2 * BS_ID_BYTES, bs_quad_pos(q, o[3]));
}

/* Unaligned big-endian loads for the hot unpack (every scanned quad). */
static inline uint64_t load_be64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return __builtin_bswap64(v);
}

static inline uint32_t load_be32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return __builtin_bswap32(v);
}

_Static_assert(BS_ID_BYTES == 5, "bs_quad_unpack reads 5-byte ids");

static inline __attribute__((always_inline)) void
unpack_inline(int index, const uint8_t *key, const uint8_t *data, bs_quad *q)
{
    /* Word loads instead of byte loops, never reading outside the 5-byte
     * key and the 15-byte data (they may end a mapped page); positions
     * by offset instead of a branch per id. */
    static const size_t at[4] = {offsetof(bs_quad, s), offsetof(bs_quad, p),
                                 offsetof(bs_quad, o), offsetof(bs_quad, g)};
    const int *o = bs_orderings[index];
    char *base = (char *)q;
    *(bs_id *)(base + at[o[0]]) = ((uint64_t)load_be32(key) << 8) | key[4];
    *(bs_id *)(base + at[o[1]]) = load_be64(data) >> 24;
    *(bs_id *)(base + at[o[2]]) = load_be64(data + 5) >> 24;
    *(bs_id *)(base + at[o[3]]) = load_be64(data + 7) & BS_ID_MAX;
}

void bs_quad_unpack(int index, const uint8_t *key, const uint8_t *data, bs_quad *q)
{
    unpack_inline(index, key, data, q);
}

void bs_index_for(const bs_quad *pat, int *index, int *nbound)
{
    int k = 0;
    for (int pos = 0; pos < 4; pos++)
        if (bs_quad_pos(pat, pos) != BS_ANY) k++;
    for (int i = 0; i < BS_NIDX; i++) {
        int j = 0;
        while (j < k && bs_quad_pos(pat, bs_orderings[i][j]) != BS_ANY) j++;
        if (j == k) {
            *index = i;
            *nbound = k;
            return;
        }
    }
    *index = BS_SPOG; /* unreachable: the six orders cover all 16 masks */
    *nbound = 0;
}

static bool quad_valid(const bs_quad *q)
{
    return q->s && q->s <= BS_ID_MAX && q->p && q->p <= BS_ID_MAX &&
           q->o && q->o <= BS_ID_MAX && q->g <= BS_ID_MAX;
}

bs_status bs_quad_add(bs_txn *t, const bs_quad *q, bool *added)
{
    if (added) *added = false;
    if (!t->write) return BS_ERR_READONLY;
    if (!quad_valid(q)) return BS_ERR_ARG;
    for (int i = 0; i < BS_NIDX; i++) {
        uint8_t kb[BS_KEY_BYTES], db[BS_DATA_BYTES];
        bs_quad_pack(i, q, kb, db);
        MDB_val k = {BS_KEY_BYTES, kb}, v = {BS_DATA_BYTES, db};
        int rc = mdb_put(t->txn, t->store->idx[i], &k, &v, MDB_NODUPDATA);
        if (rc == MDB_KEYEXIST && i == 0) return BS_OK; /* already stored */
        if (rc) return bs_mdb_status(rc);
    }
    if (added) *added = true;
    return bs_hook_touch(t, q);
}

bs_status bs_quad_remove(bs_txn *t, const bs_quad *q, bool *removed)
{
    if (removed) *removed = false;
    if (!t->write) return BS_ERR_READONLY;
    if (!quad_valid(q)) return BS_ERR_ARG;
    for (int i = 0; i < BS_NIDX; i++) {
        uint8_t kb[BS_KEY_BYTES], db[BS_DATA_BYTES];
        bs_quad_pack(i, q, kb, db);
        MDB_val k = {BS_KEY_BYTES, kb}, v = {BS_DATA_BYTES, db};
        int rc = mdb_del(t->txn, t->store->idx[i], &k, &v);
        if (rc == MDB_NOTFOUND && i == 0) return BS_OK;
        if (rc) return bs_mdb_status(rc);
    }
    if (removed) *removed = true;
    return bs_hook_touch(t, q);
}

bs_status bs_quad_contains(bs_txn *t, const bs_quad *q)
{
    if (!quad_valid(q)) return BS_NOT_FOUND;
    uint8_t kb[BS_KEY_BYTES], db[BS_DATA_BYTES];
    bs_quad_pack(BS_SPOG, q, kb, db);
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->store->idx[BS_SPOG], &c);
    if (rc) return bs_mdb_status(rc);
    MDB_val k = {BS_KEY_BYTES, kb}, v = {BS_DATA_BYTES, db};
    rc = mdb_cursor_get(c, &k, &v, MDB_GET_BOTH);
    mdb_cursor_close(c);
    return bs_mdb_status(rc);
}

/* A scan keeps one cursor and reads the duplicates of a key a page at a
 * time (MDB_GET_MULTIPLE / MDB_NEXT_MULTIPLE: the index databases are
 * DUPFIXED), so the per-quad cost is a pointer step and a prefix check.
 * bs_iter_reset() re-aims it at another pattern and keeps the cursor. */
struct bs_iter {
    bs_txn *txn;
    MDB_cursor *cur;
    int index;        ///< ordering of the open cursor (-1: none)
    int nbound;
    bool started, done;
    uint8_t key[BS_KEY_BYTES];   ///< bound first id (nbound >= 1)
    uint8_t data[BS_DATA_BYTES]; ///< bound data prefix, zero-padded
    uint8_t at[BS_KEY_BYTES];    ///< key of the page of duplicates in hand
    const uint8_t *page;         ///< that page (borrowed from the map)
    size_t npage, ipage;         ///< its entries, next one to return
    bool live;                   ///< page is the one under the cursor (bs_iter_seek)
};

/* Aim it at pattern pat; (re)open the cursor when the index changes. */
static bs_status iter_aim(bs_iter *it, const bs_quad *pat)
{
    int index;
    bs_index_for(pat, &index, &it->nbound);
    if (index != it->index || !it->cur) {
        if (it->cur) mdb_cursor_close(it->cur);
        it->cur = NULL;
        it->index = -1;
        int rc = mdb_cursor_open(it->txn->txn, it->txn->store->idx[index], &it->cur);
        if (rc) {
            it->done = true;
            return bs_mdb_status(rc);
        }
        it->index = index;
    }
    it->started = it->done = it->live = false;
    it->page = NULL;
    it->npage = it->ipage = 0;
    memset(it->data, 0, sizeof it->data);
    const int *o = bs_orderings[index];
    for (int j = 0; j < it->nbound; j++) {
        bs_id id = bs_quad_pos(pat, o[j]);
        if (id > BS_ID_MAX) it->done = true; /* cannot match anything */
        if (j == 0) bs_id_put(it->key, id);
        else bs_id_put(it->data + BS_ID_BYTES * (j - 1), id);
    }
    return BS_OK;
}

bs_status bs_iter_new(bs_txn *t, const bs_quad *pat, bs_iter **out)
{
    *out = NULL;
    bs_iter *it = calloc(1, sizeof *it);
    if (!it) return BS_ERR_NOMEM;
    it->txn = t;
    it->index = -1;
    bs_status st = iter_aim(it, pat);
    if (st != BS_OK) {
        bs_iter_free(it);
        return st;
    }
    *out = it;
    return BS_OK;
}

bs_status bs_iter_reset(bs_iter *it, const bs_quad *pat)
{
    return iter_aim(it, pat);
}

/* First position of the scan; rc as LMDB returns it. */
static int iter_first(bs_iter *it, MDB_val *k, MDB_val *v)
{
    k->mv_size = BS_KEY_BYTES;
    k->mv_data = it->key;
    v->mv_size = BS_DATA_BYTES;
    v->mv_data = it->data;
    switch (it->nbound) {
    case 0: return mdb_cursor_get(it->cur, k, v, MDB_FIRST);
    case 1: return mdb_cursor_get(it->cur, k, v, MDB_SET_KEY);
    case 4: return mdb_cursor_get(it->cur, k, v, MDB_GET_BOTH);
    default: return mdb_cursor_get(it->cur, k, v, MDB_GET_BOTH_RANGE);
    }
}

/* The page of duplicates under the cursor's position (k, v: the entry
 * it stands on).  A key with one value has no duplicate page: LMDB then
 * leaves the page unset and the entry alone is the page. */
static int iter_page(bs_iter *it, const MDB_val *k, const MDB_val *v)
{
    MDB_val m = {0, NULL};
    int rc = mdb_cursor_get(it->cur, NULL, &m, MDB_GET_MULTIPLE);
    if (rc) return rc;
    if (!m.mv_data) m = *v;
    memcpy(it->at, k->mv_data, BS_KEY_BYTES);
    it->page = m.mv_data;
    it->npage = m.mv_size / BS_DATA_BYTES;
    it->ipage = 0;
    it->live = true;
    return 0;
}

/* Load the next page of duplicates: 0, MDB_NOTFOUND or an error. */
static int iter_fill(bs_iter *it)
{
    MDB_val k, v;
    int rc;
    if (!it->started) {
        it->started = true;
        if ((rc = iter_first(it, &k, &v))) return rc;
        return iter_page(it, &k, &v);
    }
    it->live = false;
    rc = mdb_cursor_get(it->cur, &k, &v, MDB_NEXT_MULTIPLE);
    if (rc == MDB_NOTFOUND && it->nbound == 0) {
        /* next key of a full scan */
        if ((rc = mdb_cursor_get(it->cur, &k, &v, MDB_NEXT_NODUP))) return rc;
        return iter_page(it, &k, &v);
    }
    if (rc) return rc;
    memcpy(it->at, k.mv_data, BS_KEY_BYTES);
    it->page = v.mv_data;
    it->npage = v.mv_size / BS_DATA_BYTES;
    it->ipage = 0;
    it->live = true;
    return 0;
}

static bs_status iter_next_exact(bs_iter *it, bs_quad *out)
{
    MDB_val k, v;
    it->done = true;
    int rc = iter_first(it, &k, &v);
    if (rc) return rc == MDB_NOTFOUND ? BS_END : bs_mdb_status(rc);
    bs_quad_unpack(it->index, k.mv_data, v.mv_data, out);
    return BS_OK;
}

/* memcmp(d, w, plen) for the short prefixes of a scan (5 or 10 bytes;
 * both have BS_DATA_BYTES readable): inline, one 8-byte compare first
 * (a call to memcmp per row was 7% of a union-graph scan). */
static inline int prefix_cmp(const uint8_t *d, const uint8_t *w, size_t plen)
{
    uint64_t a, b;
    size_t n = plen < 8 ? plen : 8;
    memcpy(&a, d, 8);
    memcpy(&b, w, 8);
    a = __builtin_bswap64(a) >> (64 - 8 * n);
    b = __builtin_bswap64(b) >> (64 - 8 * n);
    if (a != b) return a < b ? -1 : 1;
    for (size_t i = 8; i < plen; i++)
        if (d[i] != w[i]) return d[i] < w[i] ? -1 : 1;
    return 0;
}

/* The first entry of the page in hand not before the bound prefix: the
 * page GET_MULTIPLE returns after a range seek starts at the page's
 * beginning, not at the cursor, and its entries are sorted (binary
 * search instead of stepping over up to a page of entries per seek). */
static size_t page_lower_bound(const bs_iter *it, size_t plen)
{
    size_t lo = it->ipage, hi = it->npage;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (prefix_cmp(it->page + BS_DATA_BYTES * mid, it->data, plen) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

bs_status bs_iter_next(bs_iter *it, bs_quad *out)
{
    if (it->done) return BS_END;
    if (it->nbound == 4) return iter_next_exact(it, out);
    size_t plen = BS_ID_BYTES * (size_t)(it->nbound > 1 ? it->nbound - 1 : 0);
    for (;;) {
        while (it->ipage < it->npage) {
            const uint8_t *d = it->page + BS_DATA_BYTES * it->ipage++;
            if (plen) {
                int c = prefix_cmp(d, it->data, plen);
                if (c < 0) continue; /* before the range, in its first page */
                if (c > 0) goto end;
            }
            bs_quad_unpack(it->index, it->at, d, out);
            return BS_OK;
        }
        bool first = !it->started;
        int rc = iter_fill(it);
        if (rc == MDB_NOTFOUND) goto end;
        if (rc) {
            it->done = true;
            return bs_mdb_status(rc);
        }
        if (first && plen) it->ipage = page_lower_bound(it, plen);
    }
end:
    it->done = true;
    return BS_END;
}

bs_status bs_iter_next_n(bs_iter *it, bs_quad *out, size_t cap, size_t *n)
{
    *n = 0;
    if (cap == 0) return BS_ERR_ARG;
    /* the first quad the usual way (a seek and its first page) */
    bs_status st = bs_iter_next(it, out);
    if (st != BS_OK || it->nbound == 4) {
        *n = st == BS_OK;
        return st;
    }
    /* then the rest of the page in hand without a call per quad; locals,
     * since the stores into out could alias the iterator for the compiler */
    size_t plen = BS_ID_BYTES * (size_t)(it->nbound > 1 ? it->nbound - 1 : 0);
    const uint8_t *page = it->page, *at = it->at, *data = it->data;
    size_t i = it->ipage, npage = it->npage, k = 1;
    int index = it->index;
    for (; k < cap && i < npage; i++, k++) {
        const uint8_t *d = page + BS_DATA_BYTES * i;
        if (plen && prefix_cmp(d, data, plen) != 0) break; /* past the range: next says so */
        unpack_inline(index, at, d, &out[k]);
    }
    it->ipage = i;
    *n = k;
    return BS_OK;
}

bs_status bs_iter_next_sog(bs_iter *it, bs_id *so, bs_id *g, size_t cap, size_t *n)
{
    bs_quad q;
    *n = 0;
    if (cap == 0) return BS_ERR_ARG;
    bs_status st = bs_iter_next(it, &q); /* the first one the usual way */
    if (st != BS_OK) return st;
    so[0] = q.s;
    so[1] = q.o;
    g[0] = q.g;
    *n = 1;
    if (it->nbound == 4) return BS_OK;
    size_t plen = BS_ID_BYTES * (size_t)(it->nbound > 1 ? it->nbound - 1 : 0);
    const uint8_t *page = it->page, *at = it->at, *data = it->data;
    size_t i = it->ipage, npage = it->npage, k = 1;
    int index = it->index;
    if (index == BS_POSG && !plen) { /* (p): o, s, g in data, as unpack_inline reads them */
        /* a counted loop over pointers: the bounds and the index
         * arithmetic out of it (28 -> ~12 instructions an entry) */
        size_t m = cap - k < npage - i ? cap - k : npage - i;
        const uint8_t *d = page + BS_DATA_BYTES * i;
        bs_id *w = so + 2 * k, *wg = g + k;
        for (size_t j = 0; j < m; j++, d += BS_DATA_BYTES) {
            w[2 * j + 1] = load_be64(d) >> 24;
            w[2 * j] = load_be64(d + 5) >> 24;
            wg[j] = load_be64(d + 7) & BS_ID_MAX;
        }
        i += m;
        k += m;
    }
    for (; k < cap && i < npage; i++, k++) {
        const uint8_t *d = page + BS_DATA_BYTES * i;
        if (plen && prefix_cmp(d, data, plen) != 0) break; /* past the range: next says so */
        unpack_inline(index, at, d, &q);
        so[2 * k] = q.s;
        so[2 * k + 1] = q.o;
        g[k] = q.g;
    }
    it->ipage = i;
    *n = k;
    return BS_OK;
}

#define SEEK_HOPS 4 /* pages stepped over before a search from the root */

/* The cursor's next page of the same key's duplicates into hand; false
 * (and nothing in hand) at the key's end or on an error. */
static bool next_page(bs_iter *it)
{
    MDB_val k, v;
    it->live = false;
    if (mdb_cursor_get(it->cur, &k, &v, MDB_NEXT_MULTIPLE)) return false;
    it->page = v.mv_data;
    it->npage = v.mv_size / BS_DATA_BYTES;
    it->ipage = 0;
    it->live = it->npage > 0;
    return it->live;
}

/* bs_iter_seek: the new range begins inside the page under the cursor
 * when the pattern keeps the index, the bound count and the key, and the
 * page's first entry is before the new prefix and its last one not:
 * every earlier entry is smaller than the first, so the range's first
 * entry is in the page, found by binary search.  When the last one is
 * before the prefix too, the range begins in one of the next pages (up
 * to SEEK_HOPS are tried) or later.  Read transactions only. */
static bool seek_in_page(bs_iter *it, const bs_quad *pat)
{
    int index, nbound;
    bs_index_for(pat, &index, &nbound);
    /* in a write transaction a write since the last read may have
     * changed or moved the page: seek from the root there */
    if (!it->live || index != it->index || nbound != it->nbound || nbound < 2 || nbound > 3 ||
        bs_txn_writable(it->txn))
        return false;
    const int *o = bs_orderings[index];
    uint8_t key[BS_KEY_BYTES], data[BS_DATA_BYTES] = {0};
    for (int j = 0; j < nbound; j++) {
        bs_id id = bs_quad_pos(pat, o[j]);
        if (id > BS_ID_MAX) return false;
        if (j == 0) bs_id_put(key, id);
        else bs_id_put(data + BS_ID_BYTES * (j - 1), id);
    }
    size_t plen = BS_ID_BYTES * (size_t)(nbound - 1);
    if (memcmp(key, it->at, BS_KEY_BYTES) != 0 || it->npage == 0 ||
        prefix_cmp(it->page, data, plen) >= 0)
        return false;
    /* Past the page in hand: ascending seeks (q2's candidate titles,
     * five to a page) mostly land on one of the next pages, reached by
     * a step of the cursor instead of a search from the root. */
    for (int hop = 0; prefix_cmp(it->page + BS_DATA_BYTES * (it->npage - 1), data, plen) < 0;
         hop++)
        if (hop == SEEK_HOPS || !next_page(it)) return false;
    memcpy(it->key, key, sizeof key);
    memcpy(it->data, data, sizeof data);
    it->done = false;
    it->ipage = 0;
    it->ipage = page_lower_bound(it, plen);
    return true;
}

bs_status bs_iter_seek(bs_iter *it, const bs_quad *pat)
{
    if (seek_in_page(it, pat)) return BS_OK;
    return iter_aim(it, pat);
}

void bs_iter_free(bs_iter *it)
{
    if (!it) return;
    if (it->cur) mdb_cursor_close(it->cur);
    free(it);
}

bs_status bs_quad_count(bs_txn *t, const bs_quad *pat, uint64_t *out)
{
    int index, nb;
    *out = 0;
    bs_index_for(pat, &index, &nb);
    if (nb == 0) {
        MDB_stat ms;
        int rc = mdb_stat(t->txn, t->store->idx[index], &ms);
        if (rc) return bs_mdb_status(rc);
        *out = ms.ms_entries;
        return BS_OK;
    }
    bs_iter *it;
    bs_status st = bs_iter_new(t, pat, &it);
    if (st != BS_OK) return st;
    if (nb == 1 && !it->done) {
        MDB_val k = {BS_KEY_BYTES, it->key}, v;
        int rc = mdb_cursor_get(it->cur, &k, &v, MDB_SET_KEY);
        size_t n = 0;
        if (rc == 0) rc = mdb_cursor_count(it->cur, &n);
        bs_iter_free(it);
        *out = n;
        return rc == MDB_NOTFOUND ? BS_OK : bs_mdb_status(rc);
    }
    bs_quad q;
    uint64_t n = 0;
    while ((st = bs_iter_next(it, &q)) == BS_OK) n++;
    bs_iter_free(it);
    *out = n;
    return st == BS_END ? BS_OK : st;
}
