/* SPDX-License-Identifier: MIT
 * battstore — the text index's vocabulary walk: the tokens of "tixb"
 * (format 2, see textidx.c: a header key tok ‖ 0x00, then the token's
 * block keys tok ‖ 0x00 ‖ doc), one header at a time.  A rare token's
 * block is stepped over; past a few blocks the walk seeks tok ‖ 0x01,
 * so the cost is about the number of distinct tokens, not of postings. */
#include "config.h"
#include "store/store_int.h"
#include "store/tixvocab.h"

#include <string.h>

#define KEY_MAX 511
#define STEPS 3   /* blocks stepped over before seeking past a token */

/* The token length of key k (the bytes before its NUL); 0 when k has
 * no NUL or an empty token (not a key of this layout). */
static size_t tok_len(const MDB_val *k)
{
    const char *z = memchr(k->mv_data, 0, k->mv_size);
    return z ? (size_t)(z - (const char *)k->mv_data) : 0;
}

/* Whether k is a key (header or block) of the token tok[0..len). */
static bool of_token(const MDB_val *k, const char *tok, size_t len)
{
    return k->mv_size > len && ((const char *)k->mv_data)[len] == 0 &&
           !memcmp(k->mv_data, tok, len);
}

/* Move cur past every key of tok[0..len) (it stands on one of them). */
static int skip_token(MDB_cursor *cur, const char *tok, size_t len, MDB_val *k, MDB_val *d)
{
    char next[KEY_MAX];
    int rc = 0;
    for (int i = 0; i < STEPS && rc == 0; i++) {
        rc = mdb_cursor_get(cur, k, d, MDB_NEXT);
        if (rc == 0 && !of_token(k, tok, len)) return 0;
    }
    if (rc) return rc;
    memcpy(next, tok, len);
    next[len] = 1;
    *k = (MDB_val){len + 1, next};
    return mdb_cursor_get(cur, k, d, MDB_SET_RANGE);
}

bs_status bs_tix_vocab(bs_txn *txn,
                       bs_status (*fn)(void *ctx, const char *tok, size_t len),
                       void *ctx)
{
    MDB_cursor *cur = NULL;
    char tok[KEY_MAX];
    if (!txn || !fn) return BS_ERR_ARG;
    if (!txn->store->tix) return BS_ERR_UNSUPPORTED;
    int rc = mdb_cursor_open(txn->txn, txn->store->tix, &cur);
    if (rc) return bs_mdb_status(rc);
    MDB_val k, d;
    bs_status st = BS_OK;
    rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST);
    while (rc == 0) {
        size_t len = tok_len(&k);
        if (!len || len >= KEY_MAX) {
            st = BS_ERR_CORRUPT;
            break;
        }
        memcpy(tok, k.mv_data, len); /* k moves with the cursor */
        if (k.mv_size == len + 1) st = fn(ctx, tok, len); /* a header */
        if (st != BS_OK) break;
        rc = skip_token(cur, tok, len, &k, &d);
    }
    if (st == BS_OK && rc != 0 && rc != MDB_NOTFOUND) st = bs_mdb_status(rc);
    mdb_cursor_close(cur);
    return st == BS_END ? BS_OK : st;
}
