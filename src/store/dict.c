/* SPDX-License-Identifier: MIT
 * battstore — the term dictionary.
 *
 * i2t maps a big-endian sequence number (BS_ID_BYTES) to the term's canonical
 * encoding; sequence numbers only grow, so new terms are appended.  The
 * id of a term is its sequence number tagged with its kind (term.h).
 * t2i maps the 64-bit hash of the encoding to the ids having that hash
 * (duplicates of fixed size): collisions are resolved by comparing the
 * stored encodings. */
#include "config.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#define SEQ_MASK ((((uint64_t)1) << BS_ID_SEQ_BITS) - 1)

bs_id bs_dict_next_id(bs_txn *t, bs_term_kind kind)
{
    t->seq_dirty = true;
    return bs_id_make(kind, t->next_seq++);
}

/* Ids asked in ascending order (the rows of a star join in subject
 * order: each subject, then the literals numbered after it) are mostly a
 * few entries past the last one: on the same leaf page of i2t.  An
 * LMDB cursor step costs about 140 instructions (and a search from the
 * root 1,650), so a read transaction reads the leaf page under its
 * cursor directly, by LMDB 0.9's page layout (mdb.c: MDB_page,
 * MDB_node).  The layout is checked against LMDB's own answer each time
 * a page is taken, and every entry read is checked (bounds, flags, its
 * key); anything unexpected falls back to the cursor, which stays the
 * reference.  Other LMDB versions or byte orders: cursor only. */
_Static_assert(BS_KEY_BYTES == 5, "key_seq reads 5-byte keys");
static inline uint64_t key_seq(const uint8_t *p)
{
    uint32_t hi;
    memcpy(&hi, p, 4);
    return ((uint64_t)__builtin_bswap32(hi) << 8) | p[4];
}

bool bs_dict_direct = true;

#if MDB_VERSION_MAJOR == 0 && MDB_VERSION_MINOR == 9 && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PAGE_READS 1
#else
#define PAGE_READS 0
#endif
#define PG_HDR 16     /* mp_pgno, mp_pad, mp_flags, mp_lower, mp_upper */
#define PG_FLAGS 10
#define PG_LOWER 12
#define PG_UPPER 14
#define PG_LEAF 0x02
#define PG_KINDS 0x6f /* branch, leaf, overflow, meta, leaf2, sub-page */
#define ND_HDR 8      /* mn_lo, mn_hi (data size), mn_flags, mn_ksize */
/* past the page's last id by at most this: try the next page first */
#define NEXT_PAGE_GAP 256

static inline unsigned rd16(const uint8_t *p)
{
    uint16_t x;
    memcpy(&x, p, 2);
    return x;
}

/* Entry i of the page in view: its key's sequence number (false when
 * it is not a 5-byte key within the page). */
static inline __attribute__((always_inline)) bool page_key(const bs_txn *t, unsigned i, uint64_t *seq)
{
    size_t off = rd16(t->i2t_pg + PG_HDR + 2 * i);
    const uint8_t *nd = t->i2t_pg + off;
    if (off < PG_HDR || off + ND_HDR + BS_KEY_BYTES > t->i2t_psize ||
        rd16(nd + 6) != BS_KEY_BYTES)
        return false;
    *seq = key_seq(nd + ND_HDR);
    return true;
}

/* Entry i's value, when it is on the page (not on overflow pages);
 * page_key(i) checked out. */
static inline __attribute__((always_inline)) bool page_val(const bs_txn *t, unsigned i, MDB_val *v)
{
    size_t off = rd16(t->i2t_pg + PG_HDR + 2 * i), ps = t->i2t_psize;
    const uint8_t *nd = t->i2t_pg + off;
    size_t len = rd16(nd) | (size_t)rd16(nd + 2) << 16;
    if (rd16(nd + 4) != 0 || len > ps - off - ND_HDR - BS_KEY_BYTES) return false;
    v->mv_size = len;
    v->mv_data = (void *)(nd + ND_HDR + BS_KEY_BYTES);
    return true;
}

/* seq's value on the page in view: 1 found, 0 not on the page, -1 the
 * page is not as expected (or seq lies between its keys: not stored). */
static inline __attribute__((always_inline)) int page_find(const bs_txn *t, uint64_t seq, MDB_val *v)
{
    if (seq < t->i2t_pg_lo || seq > t->i2t_pg_hi) return 0;
    uint64_t k;
    unsigned i = (unsigned)(seq - t->i2t_pg_lo); /* no gaps: entry i */
    if (i >= t->i2t_pg_n || !page_key(t, i, &k) || k != seq) {
        unsigned lo = 0, hi = t->i2t_pg_n; /* gaps: the keys are sorted */
        for (k = 0; lo < hi && k != seq;) {
            i = lo + (hi - lo) / 2;
            if (!page_key(t, i, &k)) return -1;
            if (k < seq) lo = i + 1;
            else if (k > seq) hi = i;
        }
        if (k != seq) return -1;
    }
    return page_val(t, i, v) ? 1 : -1;
}

static bool page_setup(bs_txn *t)
{
    int major, minor;
    mdb_version(&major, &minor, NULL);
    MDB_envinfo info;
    MDB_stat stat;
    if (!PAGE_READS || major != MDB_VERSION_MAJOR || minor != MDB_VERSION_MINOR ||
        mdb_env_info(t->store->env, &info) || mdb_env_stat(t->store->env, &stat) ||
        stat.ms_psize < 512 || stat.ms_psize > 65536)
        return false;
    t->i2t_map = info.me_mapaddr;
    t->i2t_psize = stat.ms_psize;
    return true;
}

/* Take the leaf page holding the value v of entry `at`, which the cursor
 * just returned; a page that does not check out is not read. */
static void page_view(bs_txn *t, uint64_t at, const MDB_val *v)
{
    t->i2t_pg = NULL;
    if (t->i2t_nopg || !bs_dict_direct) return;
    if (!t->i2t_psize && !page_setup(t)) {
        t->i2t_nopg = true;
        return;
    }
    const uint8_t *p = v->mv_data, *map = t->i2t_map;
    if (p < map + PG_HDR) return;
    const uint8_t *pg = map + (size_t)(p - map) / t->i2t_psize * t->i2t_psize;
    unsigned lower = rd16(pg + PG_LOWER), upper = rd16(pg + PG_UPPER);
    if ((rd16(pg + PG_FLAGS) & PG_KINDS) != PG_LEAF || lower <= PG_HDR ||
        lower > upper || upper > t->i2t_psize)
        return; /* e.g. a value on an overflow page */
    t->i2t_pg = pg;
    t->i2t_pg_n = (lower - PG_HDR) / 2;
    MDB_val w;
    if (!page_key(t, 0, &t->i2t_pg_lo) || !page_key(t, t->i2t_pg_n - 1, &t->i2t_pg_hi) ||
        page_find(t, at, &w) != 1 || w.mv_data != v->mv_data || w.mv_size != v->mv_size) {
        t->i2t_pg = NULL; /* not LMDB 0.9's layout after all */
        t->i2t_nopg = true;
    }
}

/* The cursor's place is remembered (t->i2t_at, t->i2t_val: no
 * MDB_GET_CURRENT per lookup); a step that fails forgets it. */
static void cursor_at(bs_txn *t, const MDB_val *k, const MDB_val *v)
{
    t->i2t_at = key_seq(k->mv_data) + 1;
    t->i2t_val = *v;
    page_view(t, t->i2t_at - 1, v);
}

/* From the page in view to the next one: the cursor to the page's last
 * entry (LMDB finds it on the page in hand), then one step. */
static bool next_page(bs_txn *t)
{
    const uint8_t *pg = t->i2t_pg;
    MDB_val k = {BS_KEY_BYTES, (void *)(pg + rd16(pg + PG_HDR + 2 * (t->i2t_pg_n - 1)) + ND_HDR)}, v;
    t->i2t_pg = NULL;
    t->i2t_at = 0;
    if (mdb_cursor_get(t->i2t_cur, &k, &v, MDB_SET_KEY) ||
        mdb_cursor_get(t->i2t_cur, &k, &v, MDB_NEXT) || k.mv_size != BS_KEY_BYTES)
        return false;
    cursor_at(t, &k, &v);
    return t->i2t_pg != NULL;
}

/* Cursor steps (up to I2T_STEPS entries after the cursor) for when the
 * pages are not read directly.  False (v unset) when seq is not there. */
#define I2T_STEPS 8
static bool walk_to(bs_txn *t, uint64_t seq, MDB_val *v)
{
    if (!t->i2t_at) return false;
    uint64_t at = t->i2t_at - 1;
    if (at == seq) {
        *v = t->i2t_val;
        return true;
    }
    if (seq < at || seq - at > I2T_STEPS) return false;
    for (int i = 0; i < I2T_STEPS; i++) {
        MDB_val k;
        if (mdb_cursor_get(t->i2t_cur, &k, v, MDB_NEXT) || k.mv_size != BS_KEY_BYTES) {
            t->i2t_at = 0;
            t->i2t_pg = NULL;
            return false;
        }
        cursor_at(t, &k, v);
        at = t->i2t_at - 1;
        if (at >= seq) return at == seq;
    }
    return false;
}

/* Off the page in view: the next page, cursor steps, or a search (and
 * write transactions).  Out of line: the page path stays small. */
static __attribute__((noinline)) int get_enc_slow(bs_txn *t, uint64_t seq, MDB_val *v)
{
    if (t->i2t_pg && !t->write && seq > t->i2t_pg_hi &&
        seq - t->i2t_pg_hi <= NEXT_PAGE_GAP && next_page(t) && page_find(t, seq, v) > 0) {
        t->i2t_pg_hits++;
        return 0;
    }
    uint8_t k[BS_KEY_BYTES];
    bs_id_put(k, seq);
    MDB_val key = {BS_KEY_BYTES, k};
    if (t->write) return mdb_get(t->txn, t->store->i2t, &key, v);
    if (walk_to(t, seq, v)) return 0;
    if (!t->i2t_cur) {
        int rc = mdb_cursor_open(t->txn, t->store->i2t, &t->i2t_cur);
        if (rc) return rc;
    }
    int rc = mdb_cursor_get(t->i2t_cur, &key, v, MDB_SET_KEY);
    t->i2t_at = 0;
    t->i2t_pg = NULL;
    if (!rc) cursor_at(t, &key, v);
    return rc;
}

/* A read transaction looks ids up through one kept cursor and the leaf
 * page under it: ids met together (a subject and its literals) were
 * numbered together. */
static inline __attribute__((always_inline)) int get_enc(bs_txn *t, bs_id id, MDB_val *v)
{
    uint64_t seq = id & SEQ_MASK;
    if (t->i2t_pg && !t->write && page_find(t, seq, v) > 0) {
        t->i2t_pg_hits++;
        return 0;
    }
    return get_enc_slow(t, seq, v);
}

bs_status bs_dict_check(bs_txn *t, bs_id id, const uint8_t *enc, size_t len)
{
    MDB_val v;
    int rc = get_enc(t, id, &v);
    if (rc) return bs_mdb_status(rc);
    return (v.mv_size == len && memcmp(v.mv_data, enc, len) == 0) ? BS_OK
                                                                  : BS_NOT_FOUND;
}

bs_status bs_dict_find_enc(bs_txn *t, const uint8_t *enc, size_t len,
                           uint64_t h, bs_id *out)
{
    MDB_cursor *c = NULL;
    uint8_t hk[8];
    bs_put64be(hk, h);
    MDB_val k = {8, hk}, v;
    int rc = mdb_cursor_open(t->txn, t->store->t2i, &c);
    if (rc) return bs_mdb_status(rc);
    bs_status st = BS_NOT_FOUND;
    rc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY);
    while (rc == 0) {
        bs_id id = bs_id_get(v.mv_data);
        bs_status cst = bs_dict_check(t, id, enc, len);
        if (cst == BS_OK) { *out = id; st = BS_OK; break; }
        if (cst != BS_NOT_FOUND) { st = cst; break; }
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP);
    }
    if (rc && rc != MDB_NOTFOUND) st = bs_mdb_status(rc);
    mdb_cursor_close(c);
    return st;
}

bs_status bs_dict_put_i2t(bs_txn *t, bs_id id, const uint8_t *enc, size_t len)
{
    uint8_t k[BS_KEY_BYTES];
    bs_id_put(k, id & SEQ_MASK);
    MDB_val key = {BS_KEY_BYTES, k}, val = {len, (void *)enc};
    if (!t->i2t_cur) {
        int rc = mdb_cursor_open(t->txn, t->store->i2t, &t->i2t_cur);
        if (rc) return bs_mdb_status(rc);
    }
    return bs_mdb_status(mdb_cursor_put(t->i2t_cur, &key, &val, MDB_APPEND));
}

bs_status bs_dict_put_t2i(bs_txn *t, MDB_cursor *cur, uint64_t h, bs_id id,
                          unsigned flags)
{
    uint8_t hk[8], iv[BS_ID_BYTES];
    bs_put64be(hk, h);
    bs_id_put(iv, id);
    MDB_val k = {8, hk}, v = {BS_ID_BYTES, iv};
    int rc = cur ? mdb_cursor_put(cur, &k, &v, flags)
                 : mdb_put(t->txn, t->store->t2i, &k, &v, flags);
    return bs_mdb_status(rc);
}

/* Encode into buf when it fits, else into a malloc'ed buffer (*heap). */
static bs_status encode(const bs_term *term, uint8_t *buf, size_t cap,
                        uint8_t **enc, size_t *len, uint8_t **heap)
{
    size_t need = bs_term_encoded_size(term);
    *heap = NULL;
    *enc = buf;
    if (need > cap) {
        if (!(*heap = malloc(need))) return BS_ERR_NOMEM;
        *enc = *heap;
        cap = need;
    }
    return bs_term_encode(term, *enc, cap, len);
}

bs_status bs_dict_lookup(bs_txn *t, const bs_term *term, bs_id *out)
{
    uint8_t buf[512], *enc, *heap;
    size_t len;
    bs_status st = encode(term, buf, sizeof buf, &enc, &len, &heap);
    if (st == BS_OK) st = bs_dict_find_enc(t, enc, len, bs_dict_hash(enc, len), out);
    free(heap);
    return st;
}

bs_status bs_dict_intern(bs_txn *t, const bs_term *term, bs_id *out)
{
    if (!t->write) return BS_ERR_READONLY;
    uint8_t buf[512], *enc, *heap;
    size_t len;
    bs_status st = encode(term, buf, sizeof buf, &enc, &len, &heap);
    if (st != BS_OK) return st;
    uint64_t h = bs_dict_hash(enc, len);
    st = bs_dict_find_enc(t, enc, len, h, out);
    if (st == BS_NOT_FOUND) {
        bs_id id = bs_dict_next_id(t, term->kind);
        st = bs_dict_put_i2t(t, id, enc, len);
        if (st == BS_OK) st = bs_dict_put_t2i(t, NULL, h, id, 0);
        if (st == BS_OK) *out = id;
    }
    free(heap);
    return st;
}

bs_status bs_dict_get(bs_txn *t, bs_id id, bs_term *out)
{
    if (id == 0 || id > BS_ID_MAX) return BS_NOT_FOUND;
    MDB_val v;
    int rc = get_enc(t, id, &v);
    if (rc) return bs_mdb_status(rc);
    bs_status st = bs_term_decode(v.mv_data, v.mv_size, out);
    if (st == BS_OK && out->kind != bs_id_kind(id)) return BS_NOT_FOUND;
    return st;
}

/* ---- the order of the store's keys ---------------------------------- */

/* LMDB's default order: memcmp over the shorter length, then the
 * shorter first.  Out of line: the fast path needs no stack frame. */
static __attribute__((noinline)) int cmp_memn(const MDB_val *a, const MDB_val *b)
{
    size_t n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size;
    int c = n ? memcmp(a->mv_data, b->mv_data, n) : 0;
    if (c) return c;
    return a->mv_size < b->mv_size ? -1 : a->mv_size > b->mv_size;
}

/* Two values of the same size n (4 to 16 bytes) in memcmp's order, as
 * big-endian words: the first word, then (when equal) the last, whose
 * overlap with the first is equal, so the bytes after it decide. */
int bs_dict_mdb_cmp(const MDB_val *a, const MDB_val *b)
{
    size_t n = a->mv_size;
    if (n != b->mv_size || n < 4 || n > 16) return cmp_memn(a, b);
    const uint8_t *p = a->mv_data, *q = b->mv_data;
    if (n < 8) {
        uint32_t x = bs_get32be(p), y = bs_get32be(q);
        if (x == y) {
            x = bs_get32be(p + n - 4);
            y = bs_get32be(q + n - 4);
        }
        return x < y ? -1 : x > y;
    }
    uint64_t x = bs_get64be(p), y = bs_get64be(q);
    if (x == y) {
        x = bs_get64be(p + n - 8);
        y = bs_get64be(q + n - 8);
    }
    return x < y ? -1 : x > y;
}
