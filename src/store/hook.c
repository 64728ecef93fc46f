/* SPDX-License-Identifier: MIT
 * battstore — write hooks: derived indexes updated in the same write
 * transaction as the quads (STUB: owner store). */
#include "config.h"
#include "store/store_int.h"

#include <string.h>

bs_status bs_store_hook_add(bs_store *store, const bs_store_hook *h)
{
    (void)store; (void)h;
    return BS_ERR_UNSUPPORTED;
}

void bs_store_hook_remove(bs_store *store, const char *name) { (void)store; (void)name; }

void *bs_store_hook_ctx(bs_store *store, const char *name)
{
    (void)store; (void)name;
    return NULL;
}

bs_status bs_store_hook_state(bs_txn *txn, const char *name, bool *stale)
{
    (void)txn; (void)name;
    *stale = false;
    return BS_NOT_FOUND;
}

bs_status bs_store_hook_fresh(bs_txn *txn, const char *name)
{
    (void)txn; (void)name;
    return BS_ERR_UNSUPPORTED;
}
