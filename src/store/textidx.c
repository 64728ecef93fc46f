/* SPDX-License-Identifier: MIT
 * battstore — the text index's storage: token → postings, document
 * records, corpus totals (STUB: owner sindex). */
#include "config.h"
#include "store/store_int.h"

bs_status bs_tix_put(bs_txn *txn, const char *tok, size_t len, const bs_posting *p)
{
    (void)txn; (void)tok; (void)len; (void)p;
    return BS_ERR_UNSUPPORTED;
}

bs_status bs_tix_del(bs_txn *txn, const char *tok, size_t len, bs_id doc)
{
    (void)txn; (void)tok; (void)len; (void)doc;
    return BS_ERR_UNSUPPORTED;
}

bs_status bs_tix_scan(bs_txn *txn, const char *tok, size_t len, bool prefix,
                      bs_status (*fn)(void *ctx, const char *tok, size_t toklen,
                                      const bs_posting *ps, size_t n),
                      void *ctx)
{
    (void)txn; (void)tok; (void)len; (void)prefix; (void)fn; (void)ctx;
    return BS_ERR_UNSUPPORTED;
}

bs_status bs_tix_df(bs_txn *txn, const char *tok, size_t len, uint64_t *out)
{
    (void)txn; (void)tok; (void)len;
    *out = 0;
    return BS_ERR_UNSUPPORTED;
}

bs_status bs_tix_doc_get(bs_txn *txn, bs_id doc, bs_tix_doc *out)
{
    (void)txn; (void)doc; (void)out;
    return BS_NOT_FOUND;
}

bs_status bs_tix_doc_put(bs_txn *txn, bs_id doc, const bs_tix_doc *d)
{
    (void)txn; (void)doc; (void)d;
    return BS_ERR_UNSUPPORTED;
}

bs_status bs_tix_doc_del(bs_txn *txn, bs_id doc)
{
    (void)txn; (void)doc;
    return BS_ERR_UNSUPPORTED;
}

bs_status bs_tix_stat(bs_txn *txn, bs_tix_stats *out)
{
    (void)txn; (void)out;
    return BS_ERR_UNSUPPORTED;
}

bs_status bs_tix_clear(bs_txn *txn)
{
    (void)txn;
    return BS_ERR_UNSUPPORTED;
}
