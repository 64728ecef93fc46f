/* SPDX-License-Identifier: MIT
 * battstore — request parameters and headers (stub until its owner lands it). */
#include "http/http_int.h"

const char *bs_http_param(const bs_http_req *rq, const char *name)
{
    (void)rq; (void)name;
    return NULL;
}

size_t bs_http_params(const bs_http_req *rq, const char *name,
                      const char *const **vals)
{
    (void)rq; (void)name;
    *vals = NULL;
    return 0;
}

bool bs_http_has_param(const bs_http_req *rq, const char *name)
{
    (void)rq; (void)name;
    return false;
}

const char *bs_http_header(const bs_http_req *rq, const char *name)
{
    (void)rq; (void)name;
    return NULL;
}
