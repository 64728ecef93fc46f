/* SPDX-License-Identifier: MIT
 * battstore — /graphs, graph listing and access levels (stub until its owner lands it). */
#include "http/http_int.h"

bs_status bs_http_h_graphs(bs_http_req *rq, bs_http_resp *rs)
{
    (void)rq;
    return bs_http_text(rs, 501, "not implemented yet");
}
