/* SPDX-License-Identifier: MIT
 * battstore — search text: Unicode word breaking and folding (STUB: owner sindex). */
#include "config.h"
#include "search/search_int.h"

#include <stdlib.h>
#include <string.h>

bs_status bs_search_tokenize(const char *text, size_t len,
                             void (*fn)(void *ctx, const char *tok, size_t toklen,
                                        size_t start, size_t end),
                             void *ctx)
{
    (void)text; (void)len; (void)fn; (void)ctx;
    return BS_ERR_UNSUPPORTED;
}

char *bs_search_fold(const char *text, size_t len)
{
    (void)text; (void)len;
    return NULL;
}
