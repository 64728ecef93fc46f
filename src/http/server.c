/* SPDX-License-Identifier: MIT
 * battstore — the HTTP daemon: libmicrohttpd, dispatch, limits, access log (stub until its owner lands it). */
#include "http/http_int.h"

bs_status bs_http_start(bs_store *store, const bs_http_config *cfg,
                        bs_http_server **out, char **err)
{
    (void)store; (void)cfg; (void)err;
    *out = NULL;
    return BS_ERR_UNSUPPORTED;
}

unsigned bs_http_port(const bs_http_server *srv) { return srv ? srv->port : 0; }

void bs_http_stop(bs_http_server *srv, double grace_seconds)
{
    (void)srv; (void)grace_seconds;
}

bool bs_http_slot_take(bs_http_server *srv) { (void)srv; return true; }
void bs_http_slot_give(bs_http_server *srv) { (void)srv; }
