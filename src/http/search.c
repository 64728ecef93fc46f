/* SPDX-License-Identifier: MIT
 * battstore — GET /search and GET /suggest (STUB: owner sapi). */
#include "config.h"
#include "http/http_int.h"

bs_status bs_http_h_search(bs_http_req *rq, bs_http_resp *rs)
{
    return bs_http_text(rs, 404, "not found: %s is not available yet", rq->path);
}

bs_status bs_http_h_suggest(bs_http_req *rq, bs_http_resp *rs)
{
    return bs_http_text(rs, 404, "not found: %s is not available yet", rq->path);
}
