/* SPDX-License-Identifier: MIT
 * battstore — search queries: syntax, BM25 ranking, BattINFO expansion,
 * facets, snippets, suggest, bs:matches (STUB: owner squery). */
#include "config.h"
#include "search/search_int.h"

#include <stdlib.h>

const char *const bs_search_facet_names[BS_NFACETS] = {
    "wp", "type", "format", "size", "access"
};

bs_status bs_search_run(bs_search *s, bs_txn *txn, const bs_search_query *q,
                        bs_search_result **out)
{
    (void)s; (void)txn; (void)q;
    *out = NULL;
    return BS_ERR_UNSUPPORTED;
}

void bs_search_result_free(bs_search_result *r) { free(r); }

bs_status bs_search_suggest(bs_search *s, bs_txn *txn, const char *prefix, size_t limit,
                            bool (*visible)(void *ctx, bs_id graph, bs_access level),
                            void *visible_ctx, bs_search_suggestion **out, size_t *n)
{
    (void)s; (void)txn; (void)prefix; (void)limit; (void)visible; (void)visible_ctx;
    *out = NULL;
    *n = 0;
    return BS_ERR_UNSUPPORTED;
}

void bs_search_suggestions_free(bs_search_suggestion *v, size_t n) { (void)n; free(v); }

bs_status bs_search_match(bs_search *s, bs_txn *txn, const char *q,
                          bs_status (*fn)(void *ctx, bs_id lit, double score), void *ctx)
{
    (void)s; (void)txn; (void)q; (void)fn; (void)ctx;
    return BS_ERR_UNSUPPORTED;
}
