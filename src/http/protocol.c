/* SPDX-License-Identifier: MIT
 * battstore — /sparql, the SPARQL 1.1 Protocol (stub until its owner lands it). */
#include "http/http_int.h"

bs_status bs_http_h_sparql(bs_http_req *rq, bs_http_resp *rs)
{
    (void)rq;
    return bs_http_text(rs, 501, "not implemented yet");
}

bs_status bs_http_run_query(bs_http_req *rq, bs_http_resp *rs, const char *text, size_t len)
{
    (void)rq; (void)text; (void)len;
    return bs_http_text(rs, 501, "not implemented yet");
}
