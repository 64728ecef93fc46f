/* SPDX-License-Identifier: MIT
 * battstore — building responses; status codes (stub until its owner lands it). */
#include "http/http_int.h"

bs_status bs_http_text(bs_http_resp *rs, unsigned status, const char *fmt, ...)
{
    (void)fmt;
    rs->status = status;
    return BS_OK;
}

void bs_http_body(bs_http_resp *rs, unsigned status, const char *ctype,
                  char *buf, size_t len)
{
    rs->status = status;
    rs->ctype = ctype;
    rs->body = buf;
    rs->len = len;
}

bs_status bs_http_add_header(bs_http_resp *rs, const char *name, const char *value)
{
    (void)rs; (void)name; (void)value;
    return BS_ERR_UNSUPPORTED;
}

unsigned bs_http_status_of(bs_status st) { return st == BS_OK ? 200 : 500; }
