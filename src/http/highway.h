/* SPDX-License-Identifier: MIT
 * battstore — the /highway.svg door (beyond the contract in http_int.h). */
#ifndef BS_HTTP_HIGHWAY_H
#define BS_HTTP_HIGHWAY_H

#include "http/http_int.h"

/** GET /highway.svg: the data-highway diagram (bs_dmp_write_svg) drawn
 *  from the graphs the caller's role may see: a flow or work package
 *  stated only in a graph it may not see is not drawn.  Drawings are
 *  cached per role while the store's fingerprint (sizes, graphs, access
 *  levels, quad counts) is unchanged, at most a minute.  404 when the
 *  caller sees no plan, 500 when Graphviz cannot run (highway.c). */
bs_status bs_http_h_highway(bs_http_req *rq, bs_http_resp *rs);

#endif
