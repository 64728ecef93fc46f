/* SPDX-License-Identifier: MIT
 * battstore — the text index's vocabulary walk: the keys of "tix" (a
 * MDB_DUPSORT database, token → postings) one MDB_NEXT_NODUP at a time,
 * so the cost is the number of distinct tokens, not of postings. */
#include "config.h"
#include "store/store_int.h"
#include "store/tixvocab.h"

bs_status bs_tix_vocab(bs_txn *txn,
                       bs_status (*fn)(void *ctx, const char *tok, size_t len),
                       void *ctx)
{
    MDB_cursor *cur = NULL;
    if (!txn || !fn) return BS_ERR_ARG;
    if (!txn->store->tix) return BS_ERR_UNSUPPORTED;
    int rc = mdb_cursor_open(txn->txn, txn->store->tix, &cur);
    if (rc) return bs_mdb_status(rc);
    MDB_val k, d;
    bs_status st = BS_OK;
    rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST);
    while (rc == 0) {
        st = fn(ctx, k.mv_data, k.mv_size);
        if (st != BS_OK) break;
        rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT_NODUP);
    }
    if (st == BS_OK && rc != 0 && rc != MDB_NOTFOUND) st = bs_mdb_status(rc);
    mdb_cursor_close(cur);
    return st == BS_END ? BS_OK : st;
}
