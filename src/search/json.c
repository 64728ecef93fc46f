/* SPDX-License-Identifier: MIT
 * battstore — search results as JSON (GET /search, /suggest, battstore
 * search --format json) (STUB: owner squery). */
#include "config.h"
#include "search/search_int.h"

#include <stdlib.h>
#include <string.h>

char *bs_search_result_json(const bs_search_result *r, const bs_search_query *q)
{
    (void)r; (void)q;
    return strdup("{}");
}

char *bs_search_suggest_json(const char *q, const bs_search_suggestion *v, size_t n)
{
    (void)q; (void)v; (void)n;
    return strdup("{}");
}
