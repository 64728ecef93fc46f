/* SPDX-License-Identifier: MIT
 * battstore — /data, the Graph Store HTTP Protocol (stub until its owner lands it). */
#include "http/http_int.h"

bs_status bs_http_h_gsp(bs_http_req *rq, bs_http_resp *rs)
{
    (void)rq;
    return bs_http_text(rs, 501, "not implemented yet");
}
