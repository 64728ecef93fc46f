/* SPDX-License-Identifier: MIT
 * battstore — search index: attach, maintenance through the store hook,
 * rebuild, statistics (STUB: owner sindex). */
#include "config.h"
#include "search/search_int.h"

#include <stdlib.h>

const double bs_search_field_weight[BS_NFIELDS] = { 3.0, 2.0, 1.0 };

bs_status bs_search_attach(bs_store *store, const bs_search_config *cfg, bs_search **out)
{
    (void)store; (void)cfg;
    *out = NULL;
    return BS_OK;
}

void bs_search_detach(bs_search *s) { (void)s; }

bs_search *bs_search_of(bs_store *store)
{
    return bs_store_hook_ctx(store, "search");
}

bs_status bs_search_reindex(bs_search *s, bs_txn *txn, uint64_t *docs)
{
    (void)s; (void)txn; (void)docs;
    return BS_ERR_UNSUPPORTED;
}

bs_status bs_search_stat(bs_search *s, bs_txn *txn, bs_search_stats *out)
{
    (void)s; (void)txn; (void)out;
    return BS_ERR_UNSUPPORTED;
}

int bs_search_pred_field(const bs_search *s, bs_id p)
{
    for (size_t i = 0; s && i < s->npreds; i++)
        if (s->preds[i].pred == p) return (int)s->preds[i].field;
    return -1;
}

bs_status bs_search_ids_refresh(bs_search *s, bs_txn *txn)
{
    (void)s; (void)txn;
    return BS_ERR_UNSUPPORTED;
}

bs_status bs_search_update_docs(bs_search *s, bs_txn *txn, const bs_id *lits, size_t n)
{
    (void)s; (void)txn; (void)lits; (void)n;
    return BS_ERR_UNSUPPORTED;
}
