/* SPDX-License-Identifier: MIT
 * battstore — the term dictionary.
 *
 * i2t maps a big-endian sequence number (BS_ID_BYTES) to the term's canonical
 * encoding; sequence numbers only grow, so new terms are appended.  The
 * id of a term is its sequence number tagged with its kind (term.h).
 * t2i maps the 64-bit hash of the encoding to the ids having that hash
 * (duplicates of fixed size): collisions are resolved by comparing the
 * stored encodings.  terms.idx/terms.dat mirror i2t as an array
 * (termfile.c): lookups read them. */
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

/* Ids are looked up in the term file (termfile.c): below the
 * transaction's bound, two loads (an offset pair, the encoding).  The
 * rest (ids new in a write transaction, a store without the file, an
 * entry the file has empty) goes through i2t, the reference. */
_Static_assert(BS_KEY_BYTES == 5, "key_seq reads 5-byte keys");
static inline uint64_t key_seq(const uint8_t *p)
{
    uint32_t hi;
    memcpy(&hi, p, 4);
    return ((uint64_t)__builtin_bswap32(hi) << 8) | p[4];
}

bool bs_dict_direct = true;

/* The bound: the file's count, but no further than the transaction's
 * snapshot (past it may lie an aborted writer's tail, or entries a
 * later writer appended, which this snapshot must not see) nor the
 * offsets and encodings mapped. */
static void tf_setup(bs_txn *t)
{
    const bs_termfile *f = &t->store->tf;
    t->tf_init = true;
    t->tf_bound = 0;
    if (!bs_dict_direct || !f->idx) return;
    uint64_t n = bs_tf_count(f), cap = f->idx_len / 8 - BS_TF_HDR_WORDS - 1;
    uint64_t next = t->write ? t->seq0 : bs_next_seq_get(t->store, t->txn);
    if (n > next) n = next;
    if (n > cap) n = cap;
    const uint64_t *off = f->idx + BS_TF_HDR_WORDS;
    if (!n || off[n] > f->dat_len) return;
    t->tf_off = off;
    t->tf_dat = f->dat;
    t->tf_end = off[n];
    t->tf_bound = n;
}

static inline __attribute__((always_inline)) bool tf_get(const bs_txn *t, uint64_t seq, MDB_val *v)
{
    if (seq >= t->tf_bound) return false;
    uint64_t a = t->tf_off[seq], b = t->tf_off[seq + 1];
    if (a >= b || b > t->tf_end) return false; /* no term (or a damaged entry) */
    v->mv_data = (void *)(t->tf_dat + a);
    v->mv_size = b - a;
    return true;
}

/* The cursor's place is remembered (t->i2t_at, t->i2t_val: no
 * MDB_GET_CURRENT per lookup); a step that fails forgets it. */
static void cursor_at(bs_txn *t, const MDB_val *k, const MDB_val *v)
{
    t->i2t_at = key_seq(k->mv_data) + 1;
    t->i2t_val = *v;
}

/* Cursor steps (up to I2T_STEPS entries after the cursor): ids met
 * together (a subject and its literals) were numbered together.  False
 * (v unset) when seq is not there. */
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
            return false;
        }
        cursor_at(t, &k, v);
        at = t->i2t_at - 1;
        if (at >= seq) return at == seq;
    }
    return false;
}

/* Not in the term file: i2t (a read transaction through one kept
 * cursor).  Out of line: the file's path stays small. */
static __attribute__((noinline)) int get_enc_slow(bs_txn *t, uint64_t seq, MDB_val *v)
{
    if (!t->tf_init) {
        tf_setup(t);
        if (tf_get(t, seq, v)) return 0;
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
    if (!rc) cursor_at(t, &key, v);
    return rc;
}

static inline __attribute__((always_inline)) int get_enc(bs_txn *t, bs_id id, MDB_val *v)
{
    uint64_t seq = id & SEQ_MASK;
    return tf_get(t, seq, v) ? 0 : get_enc_slow(t, seq, v);
}

/* The sequence numbers of ids from..to within the file's bound. */
static bool tf_range(bs_txn *t, bs_id from, bs_id to, uint64_t *a, uint64_t *b)
{
    if (!t->tf_init) tf_setup(t);
    *a = from & SEQ_MASK;
    *b = to & SEQ_MASK;
    return *a <= *b && *b < t->tf_bound;
}

void bs_dict_prefetch_offsets(bs_txn *t, bs_id from, bs_id to)
{
    uint64_t a, b;
    if (!tf_range(t, from, to, &a, &b)) return;
    __builtin_prefetch(t->tf_off + a);
    __builtin_prefetch(t->tf_off + b + 1); /* the same line mostly */
}

#define PREFETCH_TERMS 1024
void bs_dict_prefetch_terms(bs_txn *t, bs_id from, bs_id to)
{
    uint64_t a, b;
    if (!tf_range(t, from, to, &a, &b)) return;
    uint64_t lo = t->tf_off[a], hi = t->tf_off[b + 1];
    if (lo > hi || hi > t->tf_end) return;
    if (hi - lo > PREFETCH_TERMS) lo = hi - PREFETCH_TERMS;
    for (uint64_t o = lo & ~(uint64_t)63; o < hi; o += 64)
        __builtin_prefetch(t->tf_dat + o);
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
